"""Utilities (``torch.utils``): the data-loading package ``ember.utils.data``."""

from . import data
