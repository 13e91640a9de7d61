"""``replicate`` (``torch.nn.parallel.replicate``), for ember's one-device data parallelism."""

from __future__ import annotations

import copy

from ._devices import as_target

__all__ = ["replicate"]


def _device_of(module):
    for t in module.parameters():
        return t.device
    for t in module.buffers():
        return t.device
    return None


def replicate(network, devices, detach: bool = False):
    """One copy of ``network`` per device of ``devices``.

    ember runs data parallelism on a single device, so a replica on the device that already holds
    ``network`` is ``network`` itself (it shares the parameters, and gradients reach them as
    torch's replicas' do). A replica on another device is an independent deep copy, which cannot
    send gradients back to the original: it is made only when ``detach=True``, otherwise this
    raises ``RuntimeError``.
    """
    home = _device_of(network)
    replicas = []
    for d in devices:
        target = as_target(d)
        if home is None or home == target:
            replicas.append(network)
        elif detach:
            replicas.append(copy.deepcopy(network).to(target))
        else:
            raise RuntimeError(
                f"ember's replicate runs on one device: the module is on {home}, and a copy on "
                f"{target} could not pass gradients back to it (pass detach=True for an "
                "independent copy)"
            )
    return replicas
