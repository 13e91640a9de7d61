"""``ember.utils.tensorboard`` (``torch.utils.tensorboard``): TensorBoard event files.

:class:`SummaryWriter` has torch's API and writes real TensorBoard event files through the
``tensorboardX`` package (the optional ``tensorboard`` extra: ``pip install ember[tensorboard]``);
without it, importing this package raises ``ImportError``, as torch's does without
``tensorboard``. Tensors are converted to NumPy before they are written.
"""

from __future__ import annotations

import sys as _sys


def _import_tensorboardx():
    """Import tensorboardX without letting it import torch.

    NOTE [ tensorboardX and torch ]: tensorboardX's writer module tries ``import torch`` at
    import time, only to name ``torch.Tensor`` in type hints; it falls back to NumPy when the
    import fails. In an ember program that would load all of torch (seconds, hundreds of MB)
    for nothing, so while tensorboardX is imported a ``None`` entry in ``sys.modules`` makes
    ``import torch`` fail, and the entry is removed right after. A torch the program imported
    itself is left alone.
    """
    blocked = "torch" not in _sys.modules
    if blocked:
        _sys.modules["torch"] = None
    try:
        import tensorboardX
    finally:
        if blocked and "torch" in _sys.modules and _sys.modules["torch"] is None:
            del _sys.modules["torch"]
    return tensorboardX


try:
    _import_tensorboardx()
except ImportError as _e:
    raise ImportError(
        "TensorBoard logging requires tensorboardX: pip install ember[tensorboard] "
        "(or pip install tensorboardX)"
    ) from _e

from .writer import FileWriter, SummaryWriter  # noqa: E402

__all__ = ["FileWriter", "SummaryWriter"]
