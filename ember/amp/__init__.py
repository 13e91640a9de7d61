"""``torch.amp``: automatic mixed precision. ``autocast`` tracks the region but computes in full
precision (ember does not downcast); ``GradScaler`` implements torch's dynamic loss scaling."""

from .autocast_mode import autocast, get_autocast_dtype, is_autocast_available, is_autocast_enabled
from .grad_scaler import GradScaler

__all__ = [
    "autocast",
    "GradScaler",
    "is_autocast_available",
    "is_autocast_enabled",
    "get_autocast_dtype",
]
