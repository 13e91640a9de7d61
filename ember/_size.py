"""``ember.Size``: the tuple subclass that ``.shape`` and ``.size()`` return; and ``wrap_dim``,
the one place a possibly negative dim is checked against a rank (with PyTorch's message), and
``shape_text``, a shape as PyTorch's messages print it."""

from __future__ import annotations

from ._naming import public_name

__all__ = ["Size", "wrap_dim", "wrap_dims", "shape_text"]


def shape_text(shape) -> str:
    """A shape as PyTorch's messages print it: ``[2, 3]``."""
    return "[" + ", ".join(map(str, shape)) + "]"


def wrap_dim(dim: int, ndim: int) -> int:
    """A possibly negative ``dim`` as an index in ``range(ndim)``, with PyTorch's error.

    A 0-d tensor accepts dims -1 and 0, as in PyTorch.

    >>> wrap_dim(-1, 3)
    2
    >>> wrap_dim(3, 3)
    Traceback (most recent call last):
    IndexError: Dimension out of range (expected to be in range of [-3, 2], but got 3)
    """
    if dim.__class__ is not int and (isinstance(dim, bool) or not hasattr(dim, "__index__")):
        # PyTorch's parser refuses a float, None or bool dim (in words naming the function)
        raise TypeError(f"argument 'dim' must be int, not {type(dim).__name__}")
    n = ndim if ndim > 0 else 1
    if not -n <= dim < n:
        raise IndexError(
            f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})"
        )
    return dim + n if dim < 0 else dim


def wrap_dims(dim, ndim: int) -> tuple:
    """``dim`` (None, an int or a sequence) as a sorted tuple of non-negative dims."""
    if dim is None:
        return tuple(range(ndim))
    if isinstance(dim, int):
        return (wrap_dim(dim, ndim),)
    dims = tuple(wrap_dim(d, ndim) for d in dim)
    if len(set(dims)) != len(dims):
        raise RuntimeError(f"dim {dims} appears multiple times in the list of dims")
    return tuple(sorted(dims))


class Size(tuple):
    """A tensor's shape, like ``torch.Size``."""

    def __repr__(self):
        return f"{public_name()}.Size([{', '.join(map(str, self))}])"

    def numel(self) -> int:
        """The number of elements a tensor of this shape has."""
        n = 1
        for s in self:
            n *= s
        return n

    def __getitem__(self, item):
        r = tuple.__getitem__(self, item)
        return Size(r) if isinstance(item, slice) else r

    def __add__(self, other):
        return Size(tuple.__add__(self, tuple(other)))

    def __radd__(self, other):
        return Size(tuple(other) + tuple(self))
