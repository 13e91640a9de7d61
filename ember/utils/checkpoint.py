"""``torch.utils.checkpoint``: activation checkpointing, API only.

ember computes the wrapped function directly and keeps its activations for backward: there is
no recomputation, so values and gradients are those of a plain call and NO memory is saved.
Argument checks and the warning for an omitted ``use_reentrant`` follow torch."""

from __future__ import annotations

import warnings

__all__ = ["checkpoint", "checkpoint_sequential"]


def checkpoint(
    function,
    *args,
    use_reentrant: bool | None = None,
    context_fn=None,
    determinism_check: str = "default",
    debug: bool = False,
    early_stop: bool = True,
    preserve_rng_state: bool = True,
    **kwargs,
):
    """``torch.utils.checkpoint.checkpoint``: return ``function(*args, **kwargs)``, computed
    directly (no recomputation in backward, hence no memory saving in ember). As in torch,
    keyword arguments for ``function`` are only accepted with ``use_reentrant=False``."""
    if use_reentrant is None:
        warnings.warn(
            "torch.utils.checkpoint: the use_reentrant parameter should be passed explicitly. "
            "Starting in PyTorch 2.9, calling checkpoint without use_reentrant will raise an "
            "exception. use_reentrant=False is recommended, but if you need to preserve the "
            "current default behavior, you can pass use_reentrant=True. Refer to docs for more "
            "details on the differences between the two variants.",
            UserWarning,
            stacklevel=2,
        )
        use_reentrant = True
    if use_reentrant and kwargs:
        raise ValueError("Unexpected keyword arguments: " + ",".join(kwargs))
    return function(*args, **kwargs)


def checkpoint_sequential(
    functions, segments: int, input, use_reentrant: bool | None = None, **kwargs
):
    """``torch.utils.checkpoint.checkpoint_sequential``: run ``functions`` (a list or an
    ``nn.Sequential``) one after another on ``input``, computed directly like ``checkpoint``
    (``segments`` is accepted but changes nothing, since nothing is recomputed)."""
    if use_reentrant is None:
        warnings.warn(
            "torch.utils.checkpoint.checkpoint_sequential: the use_reentrant parameter should be "
            "passed explicitly. In version 2.9 we will raise an exception if use_reentrant is not "
            "passed. use_reentrant=False is recommended, but if you need to preserve the current "
            "default behavior, you can pass use_reentrant=True. Refer to docs for more details "
            "on the differences between the two variants.",
            UserWarning,
            stacklevel=2,
        )
    kwargs.pop("preserve_rng_state", None)  # nothing is recomputed, so no RNG state to keep
    if kwargs:
        raise ValueError("Unexpected keyword arguments: " + ",".join(kwargs))
    if hasattr(functions, "children") and callable(functions.children):
        functions = list(functions.children())
    for fn in functions:
        input = fn(input)
    return input
