"""SciPy's special functions, imported on first use: SciPy costs ``import ember`` 0.3 s and
15 MB, and most programs never call erf or lgamma. SciPy is optional (``pip install
ember[scipy]``); without it the NumPy fallbacks run, erf about 10x and erfinv 22x slower."""

from __future__ import annotations

_loaded: dict = {}


def scipy_special():
    """``scipy.special``, or None when SciPy is not installed."""
    if "special" not in _loaded:
        try:
            from scipy import special
        except ImportError:  # pragma: no cover - depends on the environment
            special = None
        _loaded["special"] = special
    return _loaded["special"]
