"""Utilities (``torch.utils``): ``data`` loading, ``checkpoint`` and ``hooks``."""

from . import checkpoint, data, hooks
