"""Higher-level autograd: ``jacobian`` and ``hessian`` (``torch.autograd.functional``)."""

from __future__ import annotations

__all__ = ["jacobian", "hessian", "vjp"]


def _tuple(x):
    return (tuple(x), True) if isinstance(x, (tuple, list)) else ((x,), False)


def jacobian(
    func, inputs, create_graph=False, strict=False, vectorize=False, strategy="reverse-mode"
):
    """The Jacobian of ``func`` at ``inputs``: shape ``out.shape + in.shape`` per pair.

    ``vectorize`` and ``strategy`` choose how PyTorch computes it; the values are the same, and
    ember always runs one reverse pass per output element (PyTorch's errors for bad choices)."""
    from .. import _factories
    from . import grad
    from .grad_mode import enable_grad

    _check_strategy(strategy, vectorize, strict)
    ins, ins_tuple = _tuple(inputs)
    with enable_grad():
        ins = tuple(x.detach().requires_grad_() for x in ins)
        out = func(*ins)
        outs, outs_tuple = _tuple(out)
        result = []
        for i, o in enumerate(outs):
            rows = [[] for _ in ins]
            flat = o.reshape(-1)
            for j in range(flat.numel()):
                gs = grad(
                    flat[j], ins, retain_graph=True, create_graph=create_graph, allow_unused=True
                )
                for k, (g, x) in enumerate(zip(gs, ins)):
                    if g is None:
                        if strict:
                            raise RuntimeError(
                                f"Output {i} of the user-provided function is independent "
                                f"of input {k}. This is not allowed in strict mode."
                            )
                        g = _factories.zeros_like(x)
                    rows[k].append(g.reshape(-1))
            per_in = []
            for k, x in enumerate(ins):
                mat = _stack(rows[k]) if rows[k] else _factories.zeros(0, x.numel(), dtype=x.dtype)
                j = mat.reshape(*o.shape, *x.shape)
                per_in.append(j if create_graph else j.detach())
            result.append(tuple(per_in) if ins_tuple else per_in[0])
    return tuple(result) if outs_tuple else result[0]


def _check_strategy(strategy, vectorize, strict, hint=True):
    if strategy not in ("forward-mode", "reverse-mode"):
        raise AssertionError(
            'Expected strategy to be either "forward-mode" or "reverse-mode".'
            + (
                ' Hint: If your function has more outputs than inputs, "forward-mode" tends to '
                'be more performant. Otherwise, prefer to use "reverse-mode".'
                if hint
                else ""
            )
        )
    if strict and vectorize:
        raise RuntimeError(
            "torch.autograd.functional.jacobian: `strict=True` and `vectorized=True` are not "
            "supported together. Please either set `strict=False` or `vectorize=False`."
        )
    if strategy == "forward-mode" and not vectorize:
        raise NotImplementedError(
            "Computing Jacobian using forward-AD or forward-over-reverse Hessian isonly "
            "implemented for `vectorize=True`."
        )


def _stack(rows):
    from ..ops.shape import stack

    return stack(rows)


def hessian(
    func,
    inputs,
    create_graph=False,
    strict=False,
    vectorize=False,
    outer_jacobian_strategy="reverse-mode",
):
    """The Hessian of a scalar ``func`` at ``inputs``."""
    from . import grad

    _check_strategy(outer_jacobian_strategy, vectorize, strict, hint=False)
    ins, ins_tuple = _tuple(inputs)

    def gradient(*xs):
        out = func(*xs)
        if out.numel() != 1:
            raise RuntimeError("The function given to hessian should return a single Tensor")
        gs = grad(out, xs, create_graph=True, allow_unused=True)
        from .. import _factories

        return tuple(_factories.zeros_like(x) if g is None else g for g, x in zip(gs, xs))

    res = jacobian(gradient, ins, create_graph=create_graph, strict=strict, vectorize=vectorize)
    if not ins_tuple:
        return res[0][0]
    return res


def vjp(func, inputs, v=None, create_graph=False, strict=False):
    """``(func(inputs), v^T J)``."""
    from . import grad
    from .grad_mode import enable_grad

    ins, ins_tuple = _tuple(inputs)
    with enable_grad():
        ins = tuple(x.detach().requires_grad_() for x in ins)
        out = func(*ins)
        gs = grad(out, ins, v, create_graph=create_graph, allow_unused=True)
    if strict:
        for k, g in enumerate(gs):
            if g is None:
                raise RuntimeError(
                    f"The output of the user-provided function is independent of input {k}. "
                    "This is not allowed in strict mode."
                )
    out = out if create_graph else out.detach()
    return out, (gs if ins_tuple else gs[0])
