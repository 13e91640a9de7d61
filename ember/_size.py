"""``ember.Size``: the tuple subclass that ``.shape`` and ``.size()`` return."""

from __future__ import annotations


class Size(tuple):
    """A tensor's shape, like ``torch.Size``."""

    def __repr__(self):
        return f"ember.Size([{', '.join(map(str, self))}])"

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
