"""Pytrees for the function transforms: nested tuples, lists, dicts and namedtuples of leaves.

``tree_flatten(obj)`` gives the leaves in order and a :class:`TreeSpec` that
``tree_unflatten(leaves, spec)`` rebuilds the container from; ``None`` is a leaf, as the
transforms of PyTorch see it. The spec prints as PyTorch's does
(``TreeSpec(tuple, None, [*, *])``), since the transforms' error messages show it.
"""

from __future__ import annotations

__all__ = ["TreeSpec", "LEAF", "tree_flatten", "tree_unflatten", "tree_map", "broadcast_prefix"]


class TreeSpec:
    """The structure of a pytree: a container type, its context (dict keys, namedtuple class)
    and the specs of its children. A leaf is :data:`LEAF`."""

    __slots__ = ("kind", "context", "children", "n_leaves")

    def __init__(self, kind, context, children):
        self.kind = kind
        self.context = context
        self.children = children
        self.n_leaves = sum(c.n_leaves for c in children) if kind is not None else 1

    def is_leaf(self) -> bool:
        return self.kind is None

    def __eq__(self, other):
        return (
            isinstance(other, TreeSpec)
            and self.kind is other.kind
            and self.context == other.context
            and self.children == other.children
        )

    def __hash__(self):
        return hash((self.kind, len(self.children)))

    def _text(self, indent: int) -> str:
        if self.kind is None:
            return "*"
        name = self.kind.__name__
        context = self.context
        if isinstance(context, type):
            context = f"<class '{context.__module__}.{context.__qualname__}'>"
        inner = ""
        if self.children:
            indent += 2
            parts = [self.children[0]._text(indent)]
            parts += ["\n" + " " * indent + c._text(indent) for c in self.children[1:]]
            inner = ",".join(parts)
        return f"TreeSpec({name}, {context}, [{inner}])"

    def __repr__(self):
        return self._text(0)


LEAF = TreeSpec(None, None, [])


def _is_namedtuple(obj) -> bool:
    return isinstance(obj, tuple) and hasattr(type(obj), "_fields")


def _children(obj):
    """``(kind, context, children)`` of a container, or None for a leaf."""
    if _is_namedtuple(obj):
        return tuple, type(obj), list(obj)
    if type(obj) is tuple or type(obj) is list:
        return type(obj), None, list(obj)
    if isinstance(obj, dict):
        return dict, list(obj.keys()), list(obj.values())
    return None


def tree_flatten(obj):
    """``(leaves, spec)`` of a pytree."""
    leaves: list = []
    spec = _flatten_into(obj, leaves)
    return leaves, spec


def _flatten_into(obj, leaves):
    # module-level recursion: a recursive closure would be a reference cycle holding the leaves
    found = _children(obj)
    if found is None:
        leaves.append(obj)
        return LEAF
    kind, context, kids = found
    return TreeSpec(kind, context, [_flatten_into(k, leaves) for k in kids])


def tree_unflatten(leaves, spec: TreeSpec):
    """The pytree of structure ``spec`` with ``leaves`` in order."""
    return _build(iter(leaves), spec)


def _build(it, s):
    if s.kind is None:
        return next(it)
    kids = [_build(it, c) for c in s.children]
    if s.kind is dict:
        return dict(zip(s.context, kids))
    if s.context is not None:  # a namedtuple
        return s.context(*kids)
    return s.kind(kids)


def tree_map(fn, obj):
    """``obj`` with ``fn`` applied to every leaf."""
    leaves, spec = tree_flatten(obj)
    return tree_unflatten([fn(x) for x in leaves], spec)


def broadcast_prefix(prefix, spec: TreeSpec):
    """The leaves of ``prefix`` (a tree whose leaves stand for whole subtrees of ``spec``, as
    ``in_dims`` does for the inputs) repeated over each subtree; None if the structures do not
    match."""
    out: list = []
    return out if _broadcast_into(prefix, spec, out) else None


def _broadcast_into(p, s, out) -> bool:
    found = _children(p) if p is not None else None
    if found is None or s.kind is None:
        if found is not None:  # a container where the tree has a leaf
            return False
        out.extend([p] * s.n_leaves)
        return True
    kind, context, kids = found
    if kind is not s.kind or len(kids) != len(s.children):
        return False
    if kind is dict:
        if set(context) != set(s.context):
            return False
        kids = [p[k] for k in s.context]
    return all(_broadcast_into(k, c, out) for k, c in zip(kids, s.children))
