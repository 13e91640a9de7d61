"""``torch.compile`` and the global numerics switches (deterministic algorithms, float32 matmul
precision). ember has no graph compiler and no kernel autotuning: ``compile`` hands back the model
or function it was given, unchanged, and the switches are recorded so that scripts can set and
read them, without changing how ember computes (NumPy/CuPy kernels are already deterministic for
the ops ember implements, and float32 matmuls always run in full float32)."""

from __future__ import annotations

import warnings

__all__ = [
    "compile",
    "use_deterministic_algorithms",
    "are_deterministic_algorithms_enabled",
    "is_deterministic_algorithms_warn_only_enabled",
    "set_float32_matmul_precision",
    "get_float32_matmul_precision",
]

_MODES = ("default", "lite", "reduce-overhead", "max-autotune-no-cudagraphs", "max-autotune")
_PRECISIONS = ("highest", "high", "medium")

_state = {"deterministic": False, "warn_only": False, "matmul_precision": "highest"}


def compile(
    model=None,
    *,
    fullgraph=False,
    dynamic=None,
    backend="inductor",
    mode=None,
    options=None,
    disable=False,
):
    """``torch.compile``: return ``model`` unchanged (ember has no compiler; nothing is traced,
    fused or autotuned, so the result computes exactly what ``model`` computes). Usable as
    ``compile(fn)``, ``@compile`` and ``@compile(mode=...)``. ``mode`` is checked against torch's
    list and ``mode`` together with ``options`` is rejected, as torch does; unlike torch, an
    ``nn.Module`` is not wrapped in an ``OptimizedModule``."""
    if mode is not None and options is not None:
        raise RuntimeError(
            "Either mode or options can be specified, but both can't be specified at the same time."
        )
    if mode is not None and mode not in _MODES:
        raise RuntimeError(f"Unrecognized mode={mode}, should be one of: {', '.join(_MODES)}")
    if model is None:

        def decorator(fn):
            return compile(
                fn,
                fullgraph=fullgraph,
                dynamic=dynamic,
                backend=backend,
                mode=mode,
                options=options,
                disable=disable,
            )

        return decorator
    if not callable(model):
        raise AssertionError(f"A callable function is expected, but {type(model)} is provided.")
    return model


def use_deterministic_algorithms(mode, *, warn_only=False):
    """``torch.use_deterministic_algorithms``: record the flag (ember's kernels are deterministic
    already, so it has no effect on results). ``mode`` must be a bool, as in torch."""
    if not isinstance(mode, bool):
        raise TypeError(
            "_set_deterministic_algorithms(): argument 'mode' (position 1) must be "
            f"bool, not {type(mode).__name__}"
        )
    if not isinstance(warn_only, bool):
        raise TypeError(
            "_set_deterministic_algorithms(): argument 'warn_only' must be bool, not "
            f"{type(warn_only).__name__}"
        )
    _state["deterministic"] = mode
    _state["warn_only"] = warn_only


def are_deterministic_algorithms_enabled() -> bool:
    """``torch.are_deterministic_algorithms_enabled``: the flag last set by
    ``use_deterministic_algorithms``."""
    return _state["deterministic"]


def is_deterministic_algorithms_warn_only_enabled() -> bool:
    """``torch.is_deterministic_algorithms_warn_only_enabled``: the ``warn_only`` flag last set."""
    return _state["warn_only"]


def set_float32_matmul_precision(precision: str) -> None:
    """``torch.set_float32_matmul_precision``: record "highest", "high" or "medium". ember always
    computes float32 matmuls in full float32 (no TF32/bfloat16 passes), whatever is set. An
    unknown value warns and is ignored, as in torch."""
    if precision not in _PRECISIONS:
        warnings.warn(
            f"{precision} is not one of 'highest', 'high', or 'medium'; the current "
            "setFloat32MatmulPrecision call has no effect.",
            UserWarning,
            stacklevel=2,
        )
        return
    _state["matmul_precision"] = precision


def get_float32_matmul_precision() -> str:
    """``torch.get_float32_matmul_precision``: the value last set ("highest" by default)."""
    return _state["matmul_precision"]
