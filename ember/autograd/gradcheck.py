"""Numerical gradient checks (``torch.autograd.gradcheck`` / ``gradgradcheck``).

The analytic Jacobian (one backward per output element, or one random projection in
``fast_mode``) is compared with central finite differences, in float64. As in PyTorch, the
analytic side is computed twice (``nondet_tol`` bounds their difference), and the backward is
checked on zero and missing output gradients (``check_undefined_grad``) and on a batch of output
gradients (``check_batched_grad``). ember has no forward-mode AD: the forward checks are refused.

NOTE [ Complex gradcheck ]
A complex tensor counts as twice as many real numbers, its real and imaginary parts
interleaved (``_host``), so both Jacobians are real. The numerical side perturbs each part of a
complex input in turn (by ``eps`` and by ``eps * 1j``). The analytic side gets each row from a
backward of a unit cotangent on one real number of the output (``1`` on a real part, ``1j`` on
an imaginary part): PyTorch's convention makes that backward return ``dL/dx + i dL/dy`` for
``L = Re(sum(conj(cotangent) * output))``, the row's two parts per complex input element.
"""

from __future__ import annotations

import warnings

__all__ = ["GradcheckError", "gradcheck", "gradgradcheck"]


class GradcheckError(RuntimeError):
    """Raised when analytic and numerical gradients disagree."""


def _np():
    from .._backend import backend_for

    return backend_for("cpu").xp


def _tensors(x):
    from .._tensor import Tensor

    return tuple(x) if isinstance(x, (tuple, list)) else (x,) if isinstance(x, Tensor) else ()


def _outputs(func, inputs):
    from .._tensor import Tensor

    out = func(*inputs)
    outs = _tensors(out)
    return tuple(
        o for o in outs if isinstance(o, Tensor) and (o.is_floating_point() or o.is_complex())
    )


def _host(t):
    """``t`` as a flat float64 array, a complex ``t`` as its parts interleaved."""
    a = t._host_array()
    if a.dtype.kind == "c":
        return a.astype(_np().complex128).reshape(-1).view(_np().float64).copy()
    return a.astype(_np().float64).reshape(-1).copy()


def _real_numel(t):
    return t.numel() * (2 if t.is_complex() else 1)


def _refuse_forward_ad(name):
    raise NotImplementedError(f"ember has no forward-mode AD: {name}=True is not supported")


def _check_inputs(inputs, diff_idx):
    if not diff_idx:
        raise ValueError(
            "gradcheck expects at least one input tensor to require gradient, but "
            "none of them have requires_grad=True."
        )
    for i in diff_idx:
        x = inputs[i]
        if x.dtype.name not in ("float64", "complex128"):
            warnings.warn(
                f"Input #{i} requires gradient and is not a double precision floating "
                "point or complex. This check will likely fail if all the inputs are not of "
                "double precision floating point or complex. ",
                UserWarning,
                stacklevel=3,
            )
        if x.numel() and not all(st > 0 or sz <= 1 for st, sz in zip(x.stride(), x.shape)):
            raise RuntimeError(
                f"The {i}th input has a dimension with stride 0. gradcheck only "
                "supports inputs that are non-overlapping to be able to "
                "compute the numerical gradients correctly. You should call "
                ".contiguous on the input before passing it to gradcheck."
            )


# ------------------------------------------------------------------------ numerical side
def _positions(x):
    """The array to write into and the index of each element, in row-major order."""
    arr = x._data
    if arr.flags.c_contiguous:
        return arr.reshape(-1), range(x.numel())
    return arr, list(_np().ndindex(*arr.shape))


def _numerical(func, inputs, diff_idx, eps):
    """Jacobians d out_k / d input_i by central differences, as float64 NumPy arrays."""
    np = _np()
    # inputs are perturbed through their arrays: no version bump, no change to the graph
    base = _outputs(func, inputs)
    jac = {}
    for i in diff_idx:
        x = inputs[i]
        view, positions = _positions(x)
        steps = (eps, eps * 1j) if x.is_complex() else (eps,)
        cols = [np.zeros((_real_numel(x), _real_numel(o))) for o in base]
        for j, p in enumerate(positions):
            orig = view[p].item()
            for s, step in enumerate(steps):
                view[p] = orig + step
                plus = [_host(o) for o in _outputs(func, inputs)]
                view[p] = orig - step
                minus = [_host(o) for o in _outputs(func, inputs)]
                view[p] = orig
                for k in range(len(base)):
                    cols[k][j * len(steps) + s] = (plus[k] - minus[k]) / (2 * eps)
        jac[i] = cols
    return base, jac


def _numerical_vJu(func, inputs, diff_idx, eps, all_u, all_v):
    """Fast mode: ``v_k . (J_ki u_i)``, the derivative along ``u_i`` by central differences."""
    vju = {}
    for i, u in zip(diff_idx, all_u):
        x = inputs[i]
        orig = x._data.copy()
        step = _as_complex(u) if x.is_complex() else u
        step = step.reshape(x.shape).astype(orig.dtype) * eps
        x._data[...] = orig - step
        minus = [_host(o) for o in _outputs(func, inputs)]
        x._data[...] = orig + step
        plus = [_host(o) for o in _outputs(func, inputs)]
        x._data[...] = orig
        vju[i] = [float(v @ ((b - a) / (2 * eps))) for v, a, b in zip(all_v, minus, plus)]
    return vju


# ------------------------------------------------------------------------ analytic side
def _vjps(o, wrt, grad_out):
    from . import grad

    return grad(o, wrt, grad_out, retain_graph=True, allow_unused=True)


def _analytic_rows(o, inputs, diff_idx, check_grad_dtypes, projections):
    """``[rows per input]``: the gradient of ``o`` for each output cotangent in
    ``projections``, flattened, with PyTorch's dtype and size checks."""
    np = _np()
    wrt = [inputs[i] for i in diff_idx]
    rows = {i: np.zeros((len(projections), _real_numel(inputs[i]))) for i in diff_idx}
    for r, g in enumerate(projections):
        for i, gi in zip(diff_idx, _vjps(o, wrt, g)):
            if gi is None:
                continue
            if tuple(gi.shape) != tuple(inputs[i].shape):
                raise GradcheckError("Analytical gradient has incorrect size")
            if check_grad_dtypes and gi.dtype != inputs[i].dtype:
                raise GradcheckError("Gradient has dtype mismatch")
            rows[i][r] = _host(gi)
    return rows


def _analytic(o, inputs, diff_idx, nondet_tol, check_grad_dtypes, projections):
    """The rows twice: a backward that does not give the same values again (beyond
    ``nondet_tol``) is not reentrant, PyTorch's error."""
    first = _analytic_rows(o, inputs, diff_idx, check_grad_dtypes, projections)
    second = _analytic_rows(o, inputs, diff_idx, check_grad_dtypes, projections)
    for i in diff_idx:
        if first[i].size and abs(first[i] - second[i]).max() > nondet_tol:
            raise GradcheckError(
                "Backward is not reentrant, i.e., running backward with "
                "same input and grad_output multiple times gives different values, "
                "although analytical gradient matches numerical gradient."
                f"The tolerance for nondeterminism was {nondet_tol}."
            )
    return first


def _unit_projections(o):
    """One cotangent per real number of ``o``: ``1``, and for a complex ``o`` then ``1j``, on
    each element (NOTE [ Complex gradcheck ])."""
    from .. import _factories

    units = (1, 1j) if o.is_complex() else (1,)
    out = []
    for j in range(o.numel()):
        for unit in units:
            g = _factories.zeros_like(o)
            g._data.reshape(-1)[j] = unit
            out.append(g)
    return out


def _as_complex(v):
    """A real vector of interleaved parts as the complex vector it stands for."""
    return v[0::2] + 1j * v[1::2]


def _mismatch(k, n, numerical, analytical):
    return (
        f"Jacobian mismatch for output {k:d} with respect to input {n:d},\n"
        f"numerical:{numerical}\nanalytical:{analytical}\n"
    )


def _slow(func, inputs, diff_idx, eps, atol, rtol, nondet_tol, check_grad_dtypes):
    np = _np()
    outs, numerical = _numerical(func, inputs, diff_idx, eps)
    for k, o in enumerate(outs):
        if not o.requires_grad:
            continue
        rows = _analytic(o, inputs, diff_idx, nondet_tol, check_grad_dtypes, _unit_projections(o))
        for n, i in enumerate(diff_idx):
            a, num = rows[i].T, numerical[i][k]
            if not np.allclose(a, num, rtol=rtol, atol=atol, equal_nan=True):
                raise GradcheckError(_mismatch(k, n, num, a))


def _random_unit(n, gen):
    from .._factories import rand

    vec = _host(rand(n, generator=gen)) if n else _np().zeros(0)
    norm = float(_np().linalg.norm(vec))
    return vec / norm if norm else vec


def _fast(func, inputs, diff_idx, eps, atol, rtol, nondet_tol, check_grad_dtypes):
    """Compare ``v^T J u`` for random unit ``u`` (per input) and ``v`` (per output), one
    backward per output instead of one per output element (PyTorch's fast mode)."""
    from .. import _random
    from .._factories import tensor

    np = _np()
    outs = _outputs(func, inputs)
    gen = _random.Generator()  # its own generator: the user's random state is left alone
    all_u = [_random_unit(_real_numel(inputs[i]), gen) for i in diff_idx]
    all_v = [_random_unit(_real_numel(o), gen) for o in outs]
    numerical = _numerical_vJu(func, inputs, diff_idx, eps, all_u, all_v)
    for k, (o, v) in enumerate(zip(outs, all_v)):
        if not o.requires_grad:
            continue
        w = _as_complex(v) if o.is_complex() else v
        proj = tensor(w.reshape(o.shape), dtype=o.dtype, device=o.device)
        rows = _analytic(o, inputs, diff_idx, nondet_tol, check_grad_dtypes, [proj])
        for n, (i, u) in enumerate(zip(diff_idx, all_u)):
            a, num = float(rows[i][0] @ u), numerical[i][k]
            tol = atol * float(u.sum()) * float(v.sum())
            if not np.allclose(a, num, rtol=rtol, atol=tol, equal_nan=True):
                _, slow_num = _numerical(func, inputs, [i], eps)
                slow = _analytic_rows(o, inputs, [i], False, _unit_projections(o))
                raise GradcheckError(
                    _mismatch(k, n, num, a)
                    + "\nThe above quantities relating the numerical and analytical jacobians "
                    "are computed in fast mode. Below, we recompute numerical and analytical "
                    f"jacobians in slow mode:\n\nNumerical:\n {slow_num[i][k]}\n"
                    f"Analytical:\n{slow[i].T}\n"
                )


# ------------------------------------------------------------------------ backward checks
def _zeros_for(outs):
    from .. import _factories

    return [_factories.zeros_like(o) for o in outs]


def _test_backward_mul_by_grad_output(outs, inputs, diff_idx, masked):
    from . import grad

    wrt = [inputs[i] for i in diff_idx]
    for gi, di in zip(grad(outs, wrt, _zeros_for(outs), allow_unused=True), wrt):
        if gi is None:
            continue
        zero = _np().zeros(gi.numel())
        vals = _host(gi)
        if not (_np().allclose(vals, zero) if masked else (vals == 0).all()):
            raise GradcheckError("backward not multiplied by grad_output")
        if gi.dtype != di.dtype:
            raise GradcheckError("grad is incorrect type")
        if gi.device != di.device:
            raise GradcheckError("grad is incorrect device")
        if tuple(gi.shape) != tuple(di.shape):
            raise GradcheckError("grad is incorrect size")


def _test_undefined_backward_mode(func, inputs, diff_idx):
    """All output gradients zero, then (several outputs) each output in turn given no gradient
    at all, which ember's engine passes to a multi-output backward as zeros, or as ``None``
    where a custom Function turned ``set_materialize_grads`` off: every input gradient must be
    ``None`` or zero."""
    from . import grad

    wrt = [inputs[i] for i in diff_idx]

    def warn_bc_breaking():
        warnings.warn(
            "Backwards compatibility: New undefined gradient support checking "
            "feature is enabled by default, but it may break existing callers "
            "of this function. If this is true for you, you can call this "
            'function with "check_undefined_grad=False" to disable the feature',
            stacklevel=4,
        )

    def check(outs):
        try:
            grads = grad(outs, wrt, _zeros_for(outs), allow_unused=True)
        except RuntimeError as e:
            warn_bc_breaking()
            raise GradcheckError(
                "Expected backward function to handle undefined output grads. "
                'Please look at "Notes about undefined output gradients" in '
                '"tools/autograd/derivatives.yaml"'
            ) from e
        for gi in grads:
            if gi is not None and (_host(gi) != 0).any():
                warn_bc_breaking()
                raise GradcheckError(
                    "Expected all input grads to be undefined or zero when all output grads "
                    'are undefined or zero. Please look at "Notes about undefined output '
                    'gradients" in "tools/autograd/derivatives.yaml"'
                )

    outs = [o for o in _outputs(func, inputs) if o.requires_grad]
    check(outs)
    if len(outs) > 1:
        for undefined in range(len(outs)):
            outs = [o for o in _outputs(func, inputs) if o.requires_grad]
            check([o for idx, o in enumerate(outs) if idx != undefined])


_FAILED_BATCHED_GRAD_MSG = (
    "gradcheck or gradgradcheck failed while testing batched gradient computation.\n"
    "This could have been invoked in a number of ways (via a test that calls\n"
    "gradcheck/gradgradcheck directly or via an autogenerated test).\n\n"
    "If the test\n"
    "- manually invokes gradcheck/gradgradcheck, then call gradcheck/gradgradcheck\n"
    "  with `check_batched_grad=False` as a keyword argument."
)


def _test_batched_grad(inputs, diff_idx, o, k):
    """``grad(..., is_grads_batched=True)`` on two stacked random cotangents must equal two
    separate backwards."""
    from .. import _factories
    from ..ops.shape import stack
    from . import grad

    wrt = [inputs[i] for i in diff_idx]

    def filled(gs):
        return [_factories.zeros_like(x) if g is None else g for g, x in zip(gs, wrt, strict=True)]

    gos = [_factories.randn_like(o) for _ in range(2)]
    expected = [stack(list(s)) for s in zip(*(filled(_vjps(o, wrt, g)) for g in gos))]
    try:
        batched = grad(
            o, wrt, stack(gos), retain_graph=True, allow_unused=True, is_grads_batched=True
        )
    except RuntimeError as ex:
        raise GradcheckError(
            f"While computing batched gradients, got: {ex}\n\n{_FAILED_BATCHED_GRAD_MSG}"
        ) from ex
    for n, (res, exp) in enumerate(zip(batched, expected)):
        res = _factories.zeros_like(exp) if res is None else res
        if tuple(res.shape) != tuple(exp.shape) or not _np().allclose(_host(res), _host(exp)):
            raise GradcheckError(
                f"For output {k} and input {n}:\n\n{_FAILED_BATCHED_GRAD_MSG}\n\n"
                f"Got:\n{res}\n\nExpected:\n{exp}"
            )


# ------------------------------------------------------------------------ public
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
    """Check analytic gradients of ``func`` at ``inputs`` against finite differences.

    The keywords are PyTorch's. ``masked`` concerns sparse inputs, which ember does not have;
    as in PyTorch on dense inputs it only makes the zero-gradient check approximate.
    """
    if not (check_forward_ad or check_backward_ad):
        raise AssertionError(
            "Expected at least one of check_forward_ad or check_backward_ad to be True"
        )
    if check_batched_grad and not check_backward_ad:
        raise AssertionError(
            "Setting check_batched_grad=True requires check_backward_ad to be True"
        )
    if check_batched_forward_grad and not check_forward_ad:
        raise AssertionError(
            "Setting check_batched_forward_grad=True requires check_forward_ad to be True"
        )
    if check_forward_ad:
        _refuse_forward_ad("check_forward_ad")
    inputs = _tensors(inputs) if not isinstance(inputs, tuple) else inputs
    diff_idx = [i for i, x in enumerate(inputs) if hasattr(x, "requires_grad") and x.requires_grad]
    _check_inputs(inputs, diff_idx)
    try:
        check = _fast if fast_mode else _slow
        check(func, inputs, diff_idx, eps, atol, rtol, nondet_tol, check_grad_dtypes)
        outs = [o for o in _outputs(func, inputs) if o.requires_grad]
        if check_batched_grad:
            for k, o in enumerate(outs):
                _test_batched_grad(inputs, diff_idx, o, k)
        if outs:
            _test_backward_mul_by_grad_output(outs, inputs, diff_idx, masked)
        if check_undefined_grad and outs:
            _test_undefined_backward_mode(func, inputs, diff_idx)
    except GradcheckError:
        if raise_exception:
            raise
        return False
    return True


def _grad_outputs_like(outs, noncontiguous):
    """Random cotangents from a fixed seed; each element written twice and every other one
    kept where ``noncontiguous`` (as ``torch.testing.make_tensor`` does)."""
    from .. import _random
    from .._factories import randn
    from ..ops.complex import complex

    gen = _random.Generator().manual_seed(0)
    made = []
    for o in outs:
        if o.is_complex():  # independent real and imaginary parts
            real = o.dtype.to_real()
            g = complex(
                randn(*o.shape, dtype=real, generator=gen),
                randn(*o.shape, dtype=real, generator=gen),
            )
        else:
            g = randn(*o.shape, dtype=o.dtype, generator=gen)
        if noncontiguous and g.numel() > 1:
            g = g.repeat_interleave(2, dim=-1)[..., ::2]
        made.append(g.requires_grad_())
    return tuple(made)


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
    from . import grad

    if not (check_fwd_over_rev or check_rev_over_rev):
        raise AssertionError(
            "Expected at least one of check_fwd_over_rev or check_rev_over_rev to be True"
        )
    if check_undefined_grad and not check_rev_over_rev:
        raise AssertionError(
            "Setting check_undefined_grad=True requires check_rev_over_rev to be True"
        )
    if check_batched_grad and not check_rev_over_rev:
        raise AssertionError(
            "Setting check_batched_grad=True requires check_rev_over_rev to be True"
        )
    if check_fwd_over_rev:
        _refuse_forward_ad("check_fwd_over_rev")
    inputs = _tensors(inputs) if not isinstance(inputs, tuple) else inputs
    if grad_outputs is None:
        grad_outputs = _grad_outputs_like(_outputs(func, inputs), gen_non_contig_grad_outputs)
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
        nondet_tol=nondet_tol,
        check_undefined_grad=check_undefined_grad,
        check_grad_dtypes=check_grad_dtypes,
        check_batched_grad=check_batched_grad,
        check_backward_ad=check_rev_over_rev,
        fast_mode=fast_mode,
        masked=masked,
    )
