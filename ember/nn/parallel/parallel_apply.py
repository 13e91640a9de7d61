"""``parallel_apply`` (``torch.nn.parallel.parallel_apply``): here, one replica after another."""

from __future__ import annotations

__all__ = ["parallel_apply"]


def parallel_apply(modules, inputs, kwargs_tup=None, devices=None):
    """Call ``modules[i](*inputs[i], **kwargs_tup[i])`` for every ``i`` and return the outputs.

    An input that is not a list or tuple is passed as the single argument. torch runs the
    replicas in threads, one per GPU; ember has one device at work, so they run in turn and an
    exception propagates as raised.
    """
    if len(modules) != len(inputs):
        raise AssertionError(
            f"The number of modules {len(modules)} is not equal to the number of inputs "
            f"{len(inputs)}"
        )
    if kwargs_tup is None:
        kwargs_tup = ({},) * len(modules)
    elif len(modules) != len(kwargs_tup):
        raise AssertionError(
            f"The number of modules {len(modules)} is not equal to the number of kwargs_tup "
            f"{len(kwargs_tup)}"
        )
    if devices is not None and len(modules) != len(devices):
        raise AssertionError(
            f"The number of modules {len(modules)} is not equal to the number of devices "
            f"{len(devices)}"
        )
    outputs = []
    for module, args, kwargs in zip(modules, inputs, kwargs_tup):
        if not isinstance(args, (list, tuple)):
            args = (args,)
        outputs.append(module(*args, **kwargs))
    return outputs
