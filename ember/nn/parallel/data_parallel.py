"""``DataParallel`` and ``data_parallel`` (``torch.nn.parallel.data_parallel``), on one device.

torch's DataParallel copies the module to every GPU, splits the batch across them and gathers
the outputs. ember runs the whole batch on one device instead: with no CUDA device the module
simply runs where it is (as torch's does on a CPU-only machine), and with CUDA it runs on
``device_ids[0]`` and returns the output on ``output_device``. The result is the one the
split computation gives, except for layers whose statistics depend on the split (BatchNorm sees
the whole batch instead of one slice per GPU). The wrapped model is the ``module`` attribute, so
state_dict keys carry torch's ``module.`` prefix and checkpoints move both ways.
"""

from __future__ import annotations

import warnings

from ..._device import device as _device
from ..modules.module import Module
from ._devices import all_cuda_ids, as_target, cuda_available
from .parallel_apply import parallel_apply
from .replicate import replicate
from .scatter_gather import gather, scatter_kwargs

__all__ = ["DataParallel", "data_parallel"]


def _cuda_index(d) -> int:
    """The CUDA index a device id names (an int, ``'cuda:1'`` or ``device('cuda', 1)``)."""
    if isinstance(d, int) and not isinstance(d, bool):
        return d
    dev = _device(d)
    if dev.type != "cuda":
        raise ValueError(f"Expected a cuda device, but got: {dev}")
    if dev.index is None:
        from ... import cuda

        return cuda.current_device()
    return dev.index


def _check_on(module, src) -> None:
    for t in (*module.parameters(), *module.buffers()):
        if t.device != src:
            raise RuntimeError(
                f"module must have its parameters and buffers on device {src} (device_ids[0]) "
                f"but found one of them on device: {t.device}"
            )


def _run_on(module, src, inputs, kwargs, dim):
    """Move the inputs to ``src`` (one piece: the whole batch) and run ``module`` there."""
    inputs, kwargs = scatter_kwargs(inputs, kwargs, [src], dim)
    if not inputs and not kwargs:  # a forward that takes no arguments still runs once
        inputs, kwargs = ((),), ({},)
    return module(*inputs[0], **kwargs[0])


def _warn_one_device(device_ids) -> None:
    warnings.warn(
        f"ember runs DataParallel on one device: the whole batch goes to cuda:{device_ids[0]} "
        f"and devices {list(device_ids[1:])} stay idle",
        UserWarning,
        stacklevel=3,
    )


class DataParallel(Module):
    """Wrap ``module`` for data parallelism (``torch.nn.DataParallel``), run on one device.

    Args:
        module: the module to run.
        device_ids: CUDA devices (ints or devices); default all visible ones. ember uses only
            the first, and warns when given more.
        output_device: where the output is returned (default ``device_ids[0]``).
        dim: the batch dimension inputs are scattered along.

    Without a CUDA device the forward calls ``module`` unchanged and ``device_ids`` is ``[]``,
    as torch's DataParallel behaves on a CPU-only machine. The model is ``self.module``.
    """

    def __init__(self, module, device_ids=None, output_device=None, dim: int = 0):
        super().__init__()
        if not cuda_available():
            self.module = module
            self.device_ids = []
            return
        if device_ids is None:
            device_ids = all_cuda_ids()
        if not device_ids:
            raise RuntimeError("no available devices were found")
        if output_device is None:
            output_device = device_ids[0]
        self.dim = dim
        self.module = module
        self.device_ids = [_cuda_index(d) for d in device_ids]
        self.output_device = _cuda_index(output_device) if output_device != -1 else -1
        self.src_device_obj = _device("cuda", self.device_ids[0])
        if len(self.device_ids) == 1:
            self.module.to(self.src_device_obj)
        else:
            _warn_one_device(self.device_ids)

    def forward(self, *inputs, **kwargs):
        if not self.device_ids:
            return self.module(*inputs, **kwargs)
        _check_on(self.module, self.src_device_obj)
        out = _run_on(self.module, self.src_device_obj, inputs, kwargs, self.dim)
        if len(self.device_ids) == 1:
            return out
        return self.gather([out], self.output_device)

    def replicate(self, module, device_ids):
        """Replicas of ``module`` for ``device_ids`` (see :func:`replicate`)."""
        from ...autograd import is_grad_enabled

        return replicate(module, device_ids, not is_grad_enabled())

    def scatter(self, inputs, kwargs, device_ids):
        """Split positional and keyword inputs across ``device_ids`` along ``self.dim``."""
        return scatter_kwargs(inputs, kwargs, device_ids, dim=getattr(self, "dim", 0))

    def parallel_apply(self, replicas, inputs, kwargs):
        """Run each replica on its inputs (in turn, see :func:`parallel_apply`)."""
        return parallel_apply(replicas, inputs, kwargs, self.device_ids[: len(replicas)] or None)

    def gather(self, outputs, output_device):
        """Join the per-device outputs on ``output_device`` along ``self.dim``."""
        return gather(outputs, output_device, dim=getattr(self, "dim", 0))


def data_parallel(
    module, inputs, device_ids=None, output_device=None, dim: int = 0, module_kwargs=None
):
    """Evaluate ``module(*inputs, **module_kwargs)`` the way :class:`DataParallel` does.

    ``inputs`` is a tuple of positional arguments (anything else is the single argument). With
    CUDA the module, whose parameters must already be on ``device_ids[0]``, runs there on the
    whole batch and the output comes back on ``output_device`` (default ``device_ids[0]``).
    Without CUDA it runs where it is, where torch's raises that no device type is found.
    """
    if not isinstance(inputs, tuple):
        inputs = (inputs,) if inputs is not None else ()
    if not cuda_available():
        return module(*inputs, **(module_kwargs or {}))
    if device_ids is None:
        device_ids = all_cuda_ids()
    if not device_ids:
        raise RuntimeError("no available devices were found")
    if output_device is None:
        output_device = device_ids[0]
    device_ids = [_cuda_index(d) for d in device_ids]
    src = _device("cuda", device_ids[0])
    _check_on(module, src)
    out = _run_on(module, src, inputs, module_kwargs, dim)
    if len(device_ids) == 1:
        return out
    return gather([out], as_target(output_device), dim)
