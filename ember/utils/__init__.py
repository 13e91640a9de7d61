"""Utilities (``torch.utils``): data loading (``ember.utils.data``) and ``checkpoint``."""

from . import checkpoint, data
