"""``nn.Parameter`` and ``nn.Buffer``: tensors that a Module registers when assigned."""

from __future__ import annotations

from .._tensor import Tensor

__all__ = ["Parameter", "Buffer", "UninitializedParameter", "is_lazy"]


class Parameter(Tensor):
    """A Tensor that is a module parameter: assigning it to a Module attribute registers it.

    ``Parameter(data=None, requires_grad=True)`` shares memory with ``data``.
    """

    def __new__(cls, data=None, requires_grad=True):
        from .._factories import empty

        if data is None:
            data = empty(0)
        return Tensor._make_subclass(cls, data, requires_grad)

    def __init__(self, data=None, requires_grad=True):
        pass

    def __repr__(self):
        return "Parameter containing:\n" + super().__repr__()

    def __reduce_ex__(self, protocol):
        return (_rebuild_parameter, (self.detach().clone(), self.requires_grad))

    def __deepcopy__(self, memo):
        if id(self) in memo:
            return memo[id(self)]
        result = Parameter(Tensor.__deepcopy__(self.detach(), {}), self.requires_grad)
        memo[id(self)] = result
        return result


def _rebuild_parameter(data, requires_grad):
    return Parameter(data, requires_grad)


class Buffer(Tensor):
    """A Tensor that a Module registers as a buffer when assigned (``nn.Buffer``)."""

    def __new__(cls, data=None, *, persistent=True):
        from .._factories import empty

        if data is None:
            data = empty(0)
        b = Tensor._make_subclass(cls, data, data.requires_grad)
        b.persistent = persistent
        return b

    def __init__(self, data=None, *, persistent=True):
        pass


class UninitializedParameter(Parameter):
    """A parameter whose shape is not yet known (``LazyLinear`` and friends)."""

    def materialize(self, shape, device=None, dtype=None):
        """Give the parameter its shape (filled with zeros until reset_parameters runs)."""
        from .._factories import zeros

        self.data = zeros(*shape, device=device, dtype=dtype)
        self.__class__ = Parameter


def is_lazy(param) -> bool:
    return isinstance(param, UninitializedParameter)
