"""``ember.nn.parallel`` (``torch.nn.parallel``): data parallelism, on one device.

:class:`DataParallel` runs the wrapped module on a single device (see ``data_parallel.py`` for
what that means for a program written for several GPUs); :class:`DistributedDataParallel` is
a placeholder until ``ember.distributed`` has process groups.
"""

from __future__ import annotations

from .data_parallel import DataParallel, data_parallel
from .distributed import DistributedDataParallel
from .parallel_apply import parallel_apply
from .replicate import replicate
from .scatter_gather import gather, scatter

__all__ = [
    "replicate",
    "scatter",
    "parallel_apply",
    "gather",
    "data_parallel",
    "DataParallel",
    "DistributedDataParallel",
]
