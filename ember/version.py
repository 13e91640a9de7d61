"""``ember.__version__``: the PyTorch API level ember implements, comparable as torch's is.

Programs branch on ``torch.__version__ >= "2.0"`` or ``torch.__version__ < (1, 12)``; ember
answers for the torch release whose API it follows (2.13) and names itself after the ``+``,
as torch's builds do (``2.13.0+cpu``): ``2.13.0+ember0.1.0``.
"""

from __future__ import annotations

import re

__all__ = ["TorchVersion", "ember_version", "torch_api_version"]

torch_api_version = "2.13.0"
ember_version = "0.1.0"
cuda = None
hip = None
debug = False
git_version = "unknown"


def _release(value) -> tuple:
    """The numeric release of a version string or tuple: ``"2.13.0+cpu"`` -> ``(2, 13, 0)``."""
    if isinstance(value, tuple):
        return tuple(int(v) for v in value)
    match = re.match(r"\s*v?(\d+(?:\.\d+)*)", str(value))
    if match is None:
        raise ValueError(f"Invalid version: {value!r}")
    return tuple(int(p) for p in match.group(1).split("."))


def _local(value) -> tuple:
    return () if isinstance(value, tuple) or "+" not in value else (value.split("+", 1)[1],)


def _padded(a: tuple, b: tuple) -> tuple[tuple, tuple]:
    n = max(len(a), len(b))
    return a + (0,) * (n - len(a)), b + (0,) * (n - len(b))


class TorchVersion(str):
    """A version string that compares by release number with strings and tuples, like
    ``torch.torch_version.TorchVersion``: ``TorchVersion("2.13.0+ember") >= "2.0"``. Equality
    stays the string's, as torch's ``2.13.0+cpu`` is not equal to ``"2.13.0"``."""

    def _cmp(self, other):
        # as packaging orders them: the release, then a local label (+cpu) after none
        a, b = _padded(_release(self), _release(other))
        return (a, _local(self)), (b, _local(other))

    def __lt__(self, other):
        a, b = self._cmp(other)
        return a < b

    def __le__(self, other):
        a, b = self._cmp(other)
        return a <= b

    def __gt__(self, other):
        a, b = self._cmp(other)
        return a > b

    def __ge__(self, other):
        a, b = self._cmp(other)
        return a >= b


__version__ = TorchVersion(f"{torch_api_version}+ember{ember_version}")
