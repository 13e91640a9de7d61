"""What the differentiating transforms (grad, vjp, jvp, jacrev, jacfwd) share.

NOTE [ Transforms on a tape ]
ember's autograd records a graph as ops run, and ``autograd.grad(..., create_graph=True)``
differentiates through a backward. A transform differentiates with respect to *fresh*
tensors standing for its inputs: a new leaf where the input needs no gradient, else a new node
(:class:`_Alias`) in front of it. Derivatives are taken with respect to those only, so a
transform nested inside another never mixes its perturbation with the outer one's (the outer
input reaches the inner function only through the inner alias, and a closure over the outer
input is not the inner input). The backward is recorded (``create_graph``) when grad mode is on
outside the transform, so an enclosing transform or a plain ``.backward()`` can differentiate
the result again. Results that depend on nothing but the transform's own fresh tensors are
handed back detached (:func:`lift`), as torch.func returns them; those that also depend on
tensors an enclosing computation differentiates (outer inputs, parameters that require grad)
keep their graph.
"""

from __future__ import annotations

from .._tensor import Tensor, _wrap
from ..autograd.function import Function
from ..autograd.graph import Node
from ._pytree import tree_flatten, tree_unflatten

__all__ = ["check_argnums", "check_aux", "fresh_inputs", "lift", "zeros_for", "Alias"]


class Alias(Function):
    """The identity, as a node of its own: the input a transform differentiates with respect
    to, when the tensor it stands for is already part of an enclosing graph."""

    @staticmethod
    def forward(ctx, x):
        return _wrap(x._data)

    @staticmethod
    def backward(ctx, g):
        return g


def check_argnums(argnums, n_args):
    """torch.func's checks of ``argnums`` against ``n_args`` positional arguments."""
    if isinstance(argnums, int) and not isinstance(argnums, bool):
        items = (argnums,)
    elif isinstance(argnums, tuple):
        if len(argnums) == 0:
            raise RuntimeError("argnums must be non-empty")
        for a in argnums:
            if not isinstance(a, int) or isinstance(a, bool):
                raise RuntimeError(f"argnum must be int, got: {type(a)}")
        if len(set(argnums)) != len(argnums):
            raise RuntimeError(f"argnums elements must be unique, got {argnums}")
        items = argnums
    else:
        raise RuntimeError(f"argnums must be int or Tuple[int, ...], got: {type(argnums)}")
    for a in items:
        if not -n_args <= a < n_args:
            raise RuntimeError(f"Got argnum={a}, but only {n_args} positional inputs")
    return tuple(a % n_args for a in items)


def check_aux(aux):
    """torch.func hands back only tensors as ``aux``."""
    for x in tree_flatten(aux)[0]:
        if not isinstance(x, Tensor):
            raise RuntimeError(f"Expected tensors, got unsupported type {type(x)}")


def fresh(t):
    """The tensor a transform differentiates with respect to, standing for ``t``."""
    if not (t.is_floating_point() or t.is_complex()):
        raise RuntimeError("only Tensors of floating point dtype can require gradients")
    if t.requires_grad:
        return Alias.apply(t)
    return t.detach().requires_grad_()


def fresh_inputs(args, positions, what="Thing passed to transform API"):
    """``args`` with the pytrees at ``positions`` replaced by fresh tensors; also the flat
    list of the fresh tensors and, per position, the pytree spec of its leaves."""
    args = list(args)
    flat_all, specs = [], []
    for p in positions:
        leaves, spec = tree_flatten(args[p])
        for leaf in leaves:
            if not isinstance(leaf, Tensor):
                raise ValueError(f"{what} must be Tensor, got {type(leaf)}")
        new = [fresh(t) for t in leaves]
        flat_all.extend(new)
        specs.append((spec, len(new)))
        args[p] = tree_unflatten(new, spec)
    return args, flat_all, specs


def regroup(flat, specs):
    """Per-position pytrees from the flat list ``flat`` (as :func:`fresh_inputs` laid out)."""
    out, i = [], 0
    for spec, n in specs:
        out.append(tree_unflatten(flat[i : i + n], spec))
        i += n
    return out


def zeros_for(grads, like):
    """``grads`` with None replaced by zeros shaped as the tensor it is for."""
    return [g if g is not None else _zeros_like(t) for g, t in zip(grads, like)]


def _zeros_like(t):
    from .. import zeros_like

    return zeros_like(t)


def _reaches_other_leaf(tensors, own) -> bool:
    """Whether the graph behind ``tensors`` reaches a tensor that requires grad other than
    the transform's own fresh ones (``own``: their ids): then an enclosing computation can
    differentiate the results."""
    stack = []
    for t in tensors:
        if t.grad_fn is not None:
            stack.append(t.grad_fn)
        elif t.requires_grad and id(t) not in own:
            return True
    seen = set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        for target, _ in node.next_edges:
            if target is None:
                continue
            if isinstance(target, Node):
                stack.append(target)
            elif id(target) not in own:
                return True
    return False


def lift(tree, fresh_tensors):
    """``tree`` with its tensors detached where they depend on nothing but the transform's
    own ``fresh_tensors`` (see NOTE [ Transforms on a tape ])."""
    leaves, spec = tree_flatten(tree)
    tensors = [x for x in leaves if isinstance(x, Tensor) and x.requires_grad]
    if not tensors:
        return tree
    own = {id(f) for f in fresh_tensors}  # an alias's node leads on to the outer tensor
    out = []
    for x in leaves:
        if isinstance(x, Tensor) and x.requires_grad and not _reaches_other_leaf([x], own):
            x = x.detach()
        out.append(x)
    return tree_unflatten(out, spec)
