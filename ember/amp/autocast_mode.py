"""``torch.autocast``: the mixed-precision context manager and decorator.

ember does NOT downcast: inside ``autocast`` every op still computes in the dtypes of its inputs
(normally float32), so results equal those computed outside it, with no speed or memory gain. The
context is tracked faithfully (``is_autocast_enabled``, ``get_autocast_dtype``, nesting,
disabling with torch's warnings), so code that inspects the state behaves as under torch."""

from __future__ import annotations

import functools
import threading
import warnings

from .._dtype import bfloat16, dtype, float16

__all__ = ["autocast", "is_autocast_available", "is_autocast_enabled", "get_autocast_dtype"]

_KNOWN_DEVICE_TYPES = (
    "cpu",
    "cuda",
    "ipu",
    "xpu",
    "mkldnn",
    "opengl",
    "opencl",
    "ideep",
    "hip",
    "ve",
    "fpga",
    "maia",
    "xla",
    "lazy",
    "vulkan",
    "mps",
    "meta",
    "hpu",
    "mtia",
    "privateuseone",
)
_SUPPORTED = ("cpu", "cuda")
_DEFAULT_DTYPE = {"cpu": bfloat16, "cuda": float16}


class _State(threading.local):
    def __init__(self):
        self.enabled = {"cpu": False, "cuda": False}
        self.dtype = dict(_DEFAULT_DTYPE)


_state = _State()


def is_autocast_available(device_type: str) -> bool:
    """``torch.amp.is_autocast_available``: whether ``autocast`` accepts ``device_type``
    ("cpu" and "cuda" in ember; the context is tracked but computes in full precision)."""
    return device_type in _SUPPORTED


def is_autocast_enabled(device_type: str | None = None) -> bool:
    """``torch.is_autocast_enabled``: whether an enabled ``autocast`` for ``device_type`` is
    active (``None`` means "cuda", as in torch)."""
    return _state.enabled.get("cuda" if device_type is None else device_type, False)


def get_autocast_dtype(device_type: str) -> dtype:
    """``torch.get_autocast_dtype``: the dtype autocast would target on ``device_type``."""
    if device_type not in _SUPPORTED:
        raise RuntimeError(f"unsupported autocast device_type '{device_type}'")
    return _state.dtype[device_type]


def _cuda_available() -> bool:
    from .. import cuda

    return cuda.is_available()


class autocast:
    """``torch.autocast(device_type, dtype=None, enabled=True, cache_enabled=None)``: context
    manager / decorator marking a mixed-precision region. ember computes everything inside in
    the inputs' own (full) precision: it records the state but never casts to ``dtype``."""

    def __init__(
        self,
        device_type: str,
        dtype: dtype | None = None,
        enabled: bool = True,
        cache_enabled: bool | None = None,
    ):
        if not isinstance(device_type, str):
            raise ValueError(f"Expected `device_type` of type `str`, got: `{type(device_type)}`")
        base = device_type.split(":")[0]
        if base not in _KNOWN_DEVICE_TYPES:
            raise RuntimeError(
                f"Expected one of {', '.join(_KNOWN_DEVICE_TYPES)} device type "
                f"at start of device string: {device_type}"
            )
        if base not in _SUPPORTED:
            raise RuntimeError(f"User specified an unsupported autocast device_type '{base}'")
        self.device = base
        self.fast_dtype = _state.dtype[base] if dtype is None else dtype
        self._cache_enabled = True if cache_enabled is None else cache_enabled
        self._enabled = bool(enabled)
        if self._enabled and base == "cuda" and not _cuda_available():
            warnings.warn("CUDA is not available. Disabling autocast.", UserWarning, stacklevel=2)
            self._enabled = False
        if self._enabled and self.fast_dtype not in (bfloat16, float16):
            name = "CPU" if base == "cpu" else "CUDA"
            warnings.warn(
                f"In {name} autocast, but the target dtype is not supported. Disabling "
                f"autocast.\n{name} Autocast only supports dtypes of ember.bfloat16, "
                "ember.float16 currently.",
                UserWarning,
                stacklevel=2,
            )
            self._enabled = False
        self._saved: list[tuple[bool, dtype]] = []

    def __enter__(self):
        self._saved.append((_state.enabled[self.device], _state.dtype[self.device]))
        _state.enabled[self.device] = self._enabled
        _state.dtype[self.device] = self.fast_dtype
        return self

    def __exit__(self, exc_type, exc, tb):
        _state.enabled[self.device], _state.dtype[self.device] = self._saved.pop()
        return False

    def __call__(self, func):
        """Use as a decorator: run ``func`` inside this autocast region."""

        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            with self:
                return func(*args, **kwargs)

        return wrapper
