"""Numerical gradient checks (``torch.autograd.gradcheck`` / ``gradgradcheck``).

The analytic Jacobian (one backward per output element, or one random projection in
``fast_mode``) is compared with central finite differences, in float64.
"""

from __future__ import annotations

__all__ = ["GradcheckError", "gradcheck", "gradgradcheck"]


class GradcheckError(RuntimeError):
    """Raised when analytic and numerical gradients disagree."""


def _tensors(x):
    from .._tensor import Tensor

    return tuple(x) if isinstance(x, (tuple, list)) else (x,) if isinstance(x, Tensor) else ()


def _outputs(func, inputs):
    from .._tensor import Tensor

    out = func(*inputs)
    outs = _tensors(out)
    return tuple(o for o in outs if isinstance(o, Tensor) and o.is_floating_point())


def _numerical(func, inputs, diff_idx, eps):
    """Jacobians d out_k / d input_i by central differences, as float64 NumPy arrays."""
    from .._backend import backend_for

    np = backend_for("cpu").xp

    # inputs are perturbed through their arrays: no version bump, no change to the graph
    base = _outputs(func, inputs)
    jac = {}
    for i in diff_idx:
        x = inputs[i]
        flat = x._data.reshape(-1) if x._data.flags.c_contiguous else None
        if flat is None:
            raise ValueError("gradcheck expects contiguous inputs")
        cols = [np.zeros((x.numel(), o.numel())) for o in base]
        for j in range(x.numel()):
            orig = flat[j].item()
            flat[j] = orig + eps
            plus = [
                o._host_array().astype(np.float64).reshape(-1).copy()
                for o in _outputs(func, inputs)
            ]
            flat[j] = orig - eps
            minus = [
                o._host_array().astype(np.float64).reshape(-1).copy()
                for o in _outputs(func, inputs)
            ]
            flat[j] = orig
            for k in range(len(base)):
                cols[k][j] = (plus[k] - minus[k]) / (2 * eps)
        jac[i] = cols
    return base, jac


def _analytic(func, inputs, diff_idx):
    from .._backend import backend_for

    np = backend_for("cpu").xp

    from .. import _factories
    from . import grad

    outs = _outputs(func, inputs)
    jac = {i: [np.zeros((inputs[i].numel(), o.numel())) for o in outs] for i in diff_idx}
    wrt = [inputs[i] for i in diff_idx]
    for k, o in enumerate(outs):
        if not o.requires_grad:
            continue
        for j in range(o.numel()):
            g = _factories.zeros_like(o)
            g._data.reshape(-1)[j] = 1
            gs = grad(o, wrt, g, retain_graph=True, allow_unused=True)
            for i, gi in zip(diff_idx, gs):
                if gi is not None:
                    jac[i][k][:, j] = gi._host_array().astype(np.float64).reshape(-1)
    return jac


def gradcheck(
    func,
    inputs,
    *,
    eps=1e-06,
    atol=1e-05,
    rtol=0.001,
    raise_exception=True,
    nondet_tol=0.0,
    check_undefined_grad=True,
    check_grad_dtypes=False,
    check_batched_grad=False,
    check_batched_forward_grad=False,
    check_forward_ad=False,
    check_backward_ad=True,
    fast_mode=False,
    masked=None,
) -> bool:
    """Check analytic gradients of ``func`` at ``inputs`` against finite differences."""
    import warnings

    from .._backend import backend_for

    np = backend_for("cpu").xp

    inputs = _tensors(inputs) if not isinstance(inputs, tuple) else inputs
    diff_idx = [i for i, x in enumerate(inputs) if hasattr(x, "requires_grad") and x.requires_grad]
    if not diff_idx:
        raise ValueError(
            "gradcheck expects at least one input tensor to require gradient, but "
            "none of the them have requires_grad=True."
        )
    for i in diff_idx:
        if inputs[i].dtype.name != "float64":
            warnings.warn(
                f"Input #{i} requires gradient and is not a double precision floating "
                "point. This check will likely fail if all the inputs are not of "
                "double precision floating point.",
                UserWarning,
                stacklevel=2,
            )
    _, numerical = _numerical(func, inputs, diff_idx, eps)
    analytic = _analytic(func, inputs, diff_idx)
    for i in diff_idx:
        for k, (a, n) in enumerate(zip(analytic[i], numerical[i])):
            if not np.allclose(a, n, rtol=rtol, atol=atol, equal_nan=True):
                msg = (
                    f"Jacobian mismatch for output {k} with respect to input {i},\n"
                    f"numerical:{n}\nanalytical:{a}\n"
                )
                if raise_exception:
                    raise GradcheckError(msg)
                return False
    return True


def gradgradcheck(
    func,
    inputs,
    grad_outputs=None,
    *,
    eps=1e-06,
    atol=1e-05,
    rtol=0.001,
    gen_non_contig_grad_outputs=False,
    raise_exception=True,
    nondet_tol=0.0,
    check_undefined_grad=True,
    check_grad_dtypes=False,
    check_batched_grad=False,
    check_fwd_over_rev=False,
    check_rev_over_rev=True,
    fast_mode=False,
    masked=False,
) -> bool:
    """Check second derivatives: gradcheck of the (create_graph) gradient of ``func``."""
    from .. import _random
    from .._factories import randn
    from . import grad

    inputs = _tensors(inputs) if not isinstance(inputs, tuple) else inputs
    outs = _outputs(func, inputs)
    if grad_outputs is None:
        gen = _random.Generator().manual_seed(0)
        grad_outputs = tuple(
            randn(*o.shape, dtype=o.dtype, generator=gen).requires_grad_() for o in outs
        )
    grad_outputs = _tensors(grad_outputs)
    n_in = len(inputs)
    diff_idx = [i for i, x in enumerate(inputs) if hasattr(x, "requires_grad") and x.requires_grad]

    def first_grad(*args):
        ins, gos = args[:n_in], args[n_in:]
        outs = _outputs(func, ins)
        wrt = [ins[i] for i in diff_idx]
        gs = grad(outs, wrt, gos, create_graph=True, allow_unused=True)
        return tuple(g for g in gs if g is not None)

    return gradcheck(
        first_grad,
        (*inputs, *grad_outputs),
        eps=eps,
        atol=atol,
        rtol=rtol,
        raise_exception=raise_exception,
    )
