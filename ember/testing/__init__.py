"""``ember.testing.assert_close``: PyTorch's closeness check with its default tolerances."""

from __future__ import annotations

import numpy as np

__all__ = ["assert_close", "assert_allclose"]

_TOLS = {
    "float16": (1e-3, 1e-5),
    "bfloat16": (1.6e-2, 1e-5),
    "float32": (1.3e-6, 1e-5),
    "float64": (1e-7, 1e-7),
    "complex64": (1.3e-6, 1e-5),
    "complex128": (1e-7, 1e-7),
}


def _as_array(x):
    from .._tensor import Tensor

    if isinstance(x, Tensor):
        return x.detach()._host_array(), x.dtype.name, x
    return np.asarray(x), None, None


def assert_close(
    actual,
    expected,
    *,
    allow_subclasses=True,
    rtol=None,
    atol=None,
    equal_nan=False,
    check_device=True,
    check_dtype=True,
    check_layout=True,
    check_stride=False,
    msg=None,
):
    """Raise AssertionError unless ``actual`` and ``expected`` are close elementwise.

    Tolerances default by dtype as in PyTorch (float32: rtol 1.3e-6, atol 1e-5); sequences and
    mappings are compared item by item.
    """
    if isinstance(actual, (list, tuple)) and isinstance(expected, (list, tuple)):
        if len(actual) != len(expected):
            raise AssertionError(
                f"The length of the sequences mismatch: {len(actual)} != {len(expected)}"
            )
        for a, e in zip(actual, expected):
            assert_close(
                a,
                e,
                rtol=rtol,
                atol=atol,
                equal_nan=equal_nan,
                check_device=check_device,
                check_dtype=check_dtype,
                allow_subclasses=allow_subclasses,
                check_layout=check_layout,
                check_stride=check_stride,
                msg=msg,
            )
        return
    if isinstance(actual, dict) and isinstance(expected, dict):
        if actual.keys() != expected.keys():
            raise AssertionError("The keys of the mappings do not match")
        for k in actual:
            assert_close(
                actual[k],
                expected[k],
                rtol=rtol,
                atol=atol,
                equal_nan=equal_nan,
                check_device=check_device,
                check_dtype=check_dtype,
                allow_subclasses=allow_subclasses,
                check_layout=check_layout,
                check_stride=check_stride,
                msg=msg,
            )
        return
    a, adt, at = _as_array(actual)
    e, edt, et = _as_array(expected)
    if not allow_subclasses and at is not None and et is not None and type(at) is not type(et):
        raise TypeError(
            f"No comparison pair was able to handle inputs of type {type(actual)} and "
            f"{type(expected)}."
        )
    if (rtol is None) != (atol is None):
        raise ValueError("Both 'rtol' and 'atol' must be either specified or omitted")
    if check_dtype and at is not None and et is not None and adt != edt:
        raise AssertionError(
            f"The values for attribute 'dtype' do not match: {at.dtype} != {et.dtype}."
        )
    if check_device and at is not None and et is not None and at.device != et.device:
        raise AssertionError(
            f"The values for attribute 'device' do not match: {at.device} != {et.device}."
        )
    if a.shape != e.shape:
        raise AssertionError(
            f"The values for attribute 'shape' do not match: {a.shape} != {e.shape}."
        )
    # every ember tensor is strided, so check_layout always holds
    if check_stride and at is not None and et is not None and at.stride() != et.stride():
        raise AssertionError(
            f"The values for attribute 'stride()' do not match: {at.stride()} != {et.stride()}."
        )
    if rtol is None:
        rtol, atol = (
            _TOLS.get(adt or "float64", (0.0, 0.0))
            if (adt or "").startswith(("float", "bfloat", "complex"))
            else (0.0, 0.0)
        )
    wide = np.complex128 if a.dtype.kind == "c" or e.dtype.kind == "c" else np.float64
    a64 = a.astype(wide)
    e64 = e.astype(wide)
    ok = np.isclose(a64, e64, rtol=rtol, atol=atol, equal_nan=equal_nan)
    if not ok.all():
        bad = int((~ok).sum())
        diff = np.abs(a64 - e64)
        raise AssertionError(
            msg
            or (
                f"Tensor-likes are not close!\n\nMismatched elements: {bad} / {a.size} "
                f"({100 * bad / max(a.size, 1):.1f}%)\nGreatest absolute difference: "
                f"{np.nanmax(diff) if diff.size else 0} (up to {atol} allowed)\n"
                f"Greatest relative difference: "
                f"{np.nanmax(diff / np.maximum(np.abs(e64), 1e-300)) if diff.size else 0} "
                f"(up to {rtol} allowed)"
            )
        )


assert_allclose = assert_close
