"""``vjp`` (torch.func): the output of a function and a function of cotangents giving the
vector-Jacobian products (NOTE [ Transforms on a tape ] in ``_autodiff.py``)."""

from __future__ import annotations

from .._tensor import Tensor
from ..autograd import grad as _autograd_grad
from ..autograd.grad_mode import GRAD_ENABLED, enable_grad
from ._autodiff import check_aux, fresh_inputs, lift, regroup, zeros_for
from ._pytree import TreeSpec, tree_flatten, tree_unflatten

__all__ = ["vjp"]


def compact(spec: TreeSpec) -> str:
    """A pytree structure as torch.func's vjp prints it: ``*``, ``(*, *)``, ``{'a': *}``."""
    if spec.is_leaf():
        return "*"
    kids = [compact(c) for c in spec.children]
    if spec.kind is dict:
        return "{" + ", ".join(f"{k!r}: {v}" for k, v in zip(spec.context, kids)) + "}"
    if spec.kind is list:
        return "[" + ", ".join(kids) + "]"
    if len(kids) == 1:
        return f"({kids[0]},)"
    return "(" + ", ".join(kids) + ")"


def run_for_vjp(func, primals, has_aux, who):
    """Run ``func`` on fresh tensors for ``primals``: ``(output leaves, output spec, aux,
    fresh tensors, their per-primal specs)``."""
    new, fresh, specs = fresh_inputs(primals, range(len(primals)))
    out = func(*new)
    aux = None
    if has_aux:
        if not (isinstance(out, tuple) and len(out) == 2):
            raise RuntimeError(
                f"{who}: output of function f should be a tuple: (output, aux) if has_aux is True"
            )
        out, aux = out
    leaves, spec = tree_flatten(out)
    for o in leaves:
        if not isinstance(o, Tensor):
            raise RuntimeError(
                f"{who}: expected f(*primals) to return only tensors, got unsupported type "
                f"{type(o)}"
            )
    if has_aux:
        check_aux(aux)
    return leaves, spec, aux, fresh, specs


def vjp(func, *primals, has_aux=False):
    """``torch.func.vjp``: ``(output, vjp_fn)`` (``(output, vjp_fn, aux)`` with ``has_aux``).

    ``output = func(*primals)``; ``vjp_fn(cotangents)`` takes cotangents of the structure and
    shapes of ``output`` and returns a tuple with one entry per primal (each of that primal's
    pytree structure): the vector-Jacobian products. ``vjp_fn`` may be called any number of
    times, and under ``vmap`` (that is how :func:`jacrev` builds Jacobians).

    >>> import ember
    >>> from ember.func import vjp
    >>> out, vjp_fn = vjp(ember.sin, ember.tensor([0.0, 1.0]))
    >>> vjp_fn(ember.ones(2))
    (tensor([1.0000, 0.5403]),)
    """
    who = "vjp(f, *primals)"
    with enable_grad():
        outs, out_spec, aux, fresh, specs = run_for_vjp(func, primals, has_aux, who)

    def vjp_fn(cotangents, *, retain_graph=True, create_graph=None):
        flat, spec = tree_flatten(cotangents)
        if spec != out_spec:
            raise RuntimeError(
                "Expected pytree structure of cotangents to be the same as pytree structure of "
                f"outputs to the function. cotangents: {compact(spec)}, primal output: "
                f"{compact(out_spec)}"
            )
        for c in flat:
            if not isinstance(c, Tensor):
                raise RuntimeError(f"Expected tensors, got unsupported type {type(c)}")
        if create_graph is None:
            create_graph = GRAD_ENABLED.get()
        pairs = [(o, c) for o, c in zip(outs, flat) if o.requires_grad]
        for i, (o, c) in enumerate(zip(outs, flat)):
            if tuple(o.shape) != tuple(c.shape):
                raise RuntimeError(
                    f"Mismatch in shape: grad_output[{i}] has a shape of {c.shape} and "
                    f"output[{i}] has a shape of {o.shape}."
                )
        with enable_grad():
            if pairs:
                grads = _autograd_grad(
                    [o for o, _ in pairs],
                    fresh,
                    [c for _, c in pairs],
                    retain_graph=retain_graph,
                    create_graph=create_graph,
                    allow_unused=True,
                )
            else:
                grads = [None] * len(fresh)
            grads = zeros_for(list(grads), fresh)
        grads = lift(grads, fresh) if create_graph else [g.detach() for g in grads]
        return tuple(regroup(grads, specs))

    output = lift(tree_unflatten(outs, out_spec), fresh)
    if has_aux:
        return output, vjp_fn, lift(aux, fresh)
    return output, vjp_fn
