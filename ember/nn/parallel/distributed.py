"""``DistributedDataParallel`` (``torch.nn.parallel.distributed``): a placeholder for now.

Real DDP (gradients averaged in buckets over an MPI or NCCL process group) comes with
``ember.distributed``'s process groups. Until then the class exists so programs import, and
constructing it fails the way torch's does when no process group has been initialised.
"""

from __future__ import annotations

from ..modules.module import Module

__all__ = ["DistributedDataParallel"]


class DistributedDataParallel(Module):
    """Data parallelism across processes (``torch.nn.parallel.DistributedDataParallel``).

    Not implemented yet: without an initialised default process group (always, for now) the
    constructor raises torch's ``ValueError`` telling to call ``init_process_group``.
    """

    def __init__(
        self,
        module,
        device_ids=None,
        output_device=None,
        dim: int = 0,
        broadcast_buffers=None,
        init_sync: bool = True,
        process_group=None,
        bucket_cap_mb=None,
        find_unused_parameters: bool = False,
        check_reduction: bool = False,
        gradient_as_bucket_view: bool = False,
        static_graph: bool = False,
        delay_all_reduce_named_params=None,
        param_to_hook_all_reduce=None,
        mixed_precision=None,
        device_mesh=None,
        skip_all_reduce_unused_params: bool = False,
        bucket_cap_mb_list=None,
        batched_grad_copy: bool = False,
        forward_sync_buffers=None,
    ):
        super().__init__()
        from ... import distributed

        if process_group is None and device_mesh is None and not distributed.is_initialized():
            raise ValueError(
                "Default process group has not been initialized, please make sure to call "
                "init_process_group."
            )
        raise NotImplementedError(
            "ember's DistributedDataParallel is not implemented yet (it needs ember.distributed "
            "process groups)"
        )
