"""Custom differentiable functions: ``autograd.Function`` with ``forward``/``backward``
static methods and a ``ctx`` (save_for_backward, needs_input_grad, ...), as in PyTorch."""

from __future__ import annotations

from .grad_mode import GRAD_ENABLED
from .graph import FREED_MESSAGE, Node, new_node, set_history

__all__ = ["FunctionCtx", "Function", "once_differentiable", "BackwardCFunction"]


class FunctionCtx(Node):
    """The ``ctx`` of a custom Function; it is also the graph node of its outputs."""

    __slots__ = (
        "fn_cls",
        "to_save",
        "saved_versions_",
        "needs_input_grad",
        "non_differentiable",
        "dirty",
        "materialize",
        "tensor_positions",
        "n_outputs_",
        "__dict__",
    )

    def name(self):
        return f"{self.fn_cls.__name__}Backward"

    @property
    def n_outputs(self):
        return self.n_outputs_

    def save_for_backward(self, *tensors):
        """Keep tensors for backward; they are checked against in-place changes."""
        self.to_save = tensors
        self.saved_versions_ = tuple(
            t._version_counter.v if t is not None else None for t in tensors
        )

    def save_for_forward(self, *tensors):
        pass

    @property
    def saved_tensors(self):
        if self._freed:
            raise RuntimeError(FREED_MESSAGE)
        from .engine import version_error

        for t, v in zip(self.to_save, self.saved_versions_):
            if t is not None and t._version_counter.v != v:
                raise version_error(t, self, v)
        return self.to_save

    def mark_non_differentiable(self, *tensors):
        """Outputs that never get a gradient (e.g. indices)."""
        self.non_differentiable.update(id(t) for t in tensors)

    def mark_dirty(self, *tensors):
        """Inputs that forward modified in place."""
        self.dirty.update(id(t) for t in tensors)

    def set_materialize_grads(self, value: bool):
        """Whether missing output gradients reach backward as zeros (True) or None."""
        self.materialize = value

    def apply(self, grads):
        if self._freed and self.to_save:
            raise RuntimeError(FREED_MESSAGE)
        result = self.fn_cls.backward(self, *grads)
        if not isinstance(result, tuple):
            result = (result,)
        n_args = len(self.needs_input_grad)
        if len(result) < n_args:
            raise RuntimeError(
                f"function {self.name()} returned an incorrect number of "
                f"gradients (expected {n_args}, got {len(result)})"
            )
        return tuple(result[i] for i in self.tensor_positions)

    def release(self):
        self._freed = True
        self.to_save = ()


class Function:
    """Base class for custom autograd operations; call ``YourFunction.apply(*args)``."""

    @staticmethod
    def forward(ctx, *args, **kwargs):
        raise NotImplementedError(
            "You must implement the forward function for custom autograd.Function."
        )

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise NotImplementedError(
            "You must implement either the backward or vjp method for your "
            "custom autograd.Function to use it with backward mode AD."
        )

    vjp = backward

    @classmethod
    def apply(cls, *args, **kwargs):
        from .._tensor import Tensor, _wrap

        tensor_positions = [i for i, a in enumerate(args) if isinstance(a, Tensor)]
        needs = tuple(isinstance(a, Tensor) and a.requires_grad for a in args)
        record = GRAD_ENABLED.get() and any(needs)
        # the edges are taken before forward runs (it records nothing, so they cannot change)
        ctx = new_node(FunctionCtx, [args[i] for i in tensor_positions] if record else None)
        ctx.fn_cls = cls
        ctx.to_save = ()
        ctx.saved_versions_ = ()
        ctx.non_differentiable = set()
        ctx.dirty = set()
        ctx.materialize = True
        ctx.needs_input_grad = needs
        ctx.tensor_positions = tensor_positions
        prev = GRAD_ENABLED.get()
        GRAD_ENABLED.set(False)
        try:
            out = cls.forward(ctx, *args, **kwargs)
        finally:
            GRAD_ENABLED.set(prev)
        single = not isinstance(out, tuple)
        outs = (out,) if single else out
        input_ids = {id(args[i]) for i in tensor_positions}
        fixed = []
        for o in outs:
            if isinstance(o, Tensor) and id(o) in input_ids and id(o) not in ctx.dirty:
                alias = _wrap(o._data)
                alias._version_counter = o._version_counter
                if id(o) in ctx.non_differentiable:
                    ctx.non_differentiable.add(id(alias))
                o = alias
            fixed.append(o)
        outs = tuple(fixed)
        ctx.n_outputs_ = len(outs)
        if record:
            meta = []
            for i, o in enumerate(outs):
                if (
                    isinstance(o, Tensor)
                    and (o.is_floating_point() or o.is_complex())
                    and id(o) not in ctx.non_differentiable
                ):
                    set_history(o, ctx, i)
                    meta.append((o.shape, o.dtype, o.device))
                else:
                    meta.append(None)
            ctx.out_meta = meta
        return outs[0] if single else outs


class once_differentiable:  # noqa: N801 - PyTorch's name
    """Decorator for a backward that does not support double backward (kept for API parity)."""

    def __new__(cls, fn):
        return fn


BackwardCFunction = FunctionCtx
