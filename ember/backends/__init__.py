"""``torch.backends``: the switches scripts flip before training (``cudnn.benchmark = True``,
``cuda.matmul.allow_tf32 = True``, ...). ember calls neither cuDNN nor TF32 kernels: every flag is
stored and can be read back, but none changes how ember computes. The submodules are registered
in ``sys.modules`` so ``import ember.backends.cudnn as cudnn`` works as it does in torch."""

from __future__ import annotations

import sys
import types

from .. import _compile

__all__ = ["cudnn", "cuda", "mps", "mkldnn", "openmp"]


def _submodule(name: str, doc: str) -> types.ModuleType:
    mod = types.ModuleType(f"{__name__}.{name}", doc)
    sys.modules[mod.__name__] = mod
    return mod


def _false() -> bool:
    """Always False: ember does not use this backend."""
    return False


# --- cudnn ------------------------------------------------------------------------------------
cudnn = _submodule(
    "cudnn",
    "``torch.backends.cudnn``: flags recorded for compatibility; ember "
    "never calls cuDNN, so ``is_available()`` is False and the flags "
    "have no effect on results or speed.",
)
cudnn.enabled = True
cudnn.benchmark = False
cudnn.deterministic = False
cudnn.allow_tf32 = True
cudnn.benchmark_limit = 10
cudnn.is_available = _false


def _cudnn_version() -> int | None:
    """``torch.backends.cudnn.version``: None, since ember does not load cuDNN."""
    return None


cudnn.version = _cudnn_version


# --- cuda -------------------------------------------------------------------------------------
class _CuBLASModule:
    """``torch.backends.cuda.matmul``: matmul precision flags. ``allow_tf32`` is a view of
    ``ember.get_float32_matmul_precision()`` (True unless it is "highest"), as in torch; ember
    still computes float32 matmuls in full float32."""

    allow_fp16_reduced_precision_reduction = True
    allow_bf16_reduced_precision_reduction = True

    @property
    def allow_tf32(self) -> bool:
        return _compile.get_float32_matmul_precision() != "highest"

    @allow_tf32.setter
    def allow_tf32(self, value: bool) -> None:
        _compile.set_float32_matmul_precision("high" if value else "highest")


cuda = _submodule(
    "cuda",
    "``torch.backends.cuda``: cuBLAS and scaled-dot-product-attention "
    "switches, recorded only (ember has one attention implementation, the "
    "math one).",
)
cuda.matmul = _CuBLASModule()
_sdp = {"flash": True, "mem_efficient": True, "math": True, "cudnn": True}


def _is_built() -> bool:
    """Whether ember can run on CUDA at all (CuPy and a device present)."""
    from .. import cuda as _ember_cuda

    return _ember_cuda.is_available()


def _sdp_switch(kind: str):
    def enabled() -> bool:
        return _sdp[kind]

    def enable(value: bool) -> None:
        _sdp[kind] = bool(value)

    enabled.__doc__ = f"Whether the {kind} SDPA backend flag is set (recorded only)."
    enable.__doc__ = f"Set the {kind} SDPA backend flag (recorded only; ember uses math SDPA)."
    return enabled, enable


cuda.is_built = _is_built
for _kind in _sdp:
    _get, _set = _sdp_switch(_kind)
    setattr(cuda, f"{_kind}_sdp_enabled", _get)
    setattr(cuda, f"enable_{_kind}_sdp", _set)

# --- mps, mkldnn, openmp ----------------------------------------------------------------------
mps = _submodule("mps", "``torch.backends.mps``: ember has no Metal backend.")
mps.is_available = _false
mps.is_built = _false

mkldnn = _submodule("mkldnn", "``torch.backends.mkldnn``: ember does not use oneDNN.")
mkldnn.enabled = True
mkldnn.is_available = _false

openmp = _submodule("openmp", "``torch.backends.openmp``: ember does not use OpenMP directly.")
openmp.is_available = _false
