"""``ember.distributed`` (``torch.distributed``): a placeholder until process groups on MPI land.

For now no backend is built in, so ``is_available()`` is False and no default process group is
ever initialised; ``nn.parallel.DistributedDataParallel`` reads ``is_initialized()`` to raise
PyTorch's error for a program that forgot ``init_process_group``.
"""

from __future__ import annotations

__all__ = ["is_available", "is_initialized"]


def is_available() -> bool:
    """Whether ember was built with a distributed backend (not yet: False)."""
    return False


def is_initialized() -> bool:
    """Whether the default process group has been initialised (never, for now: False)."""
    return False
