"""``torch.utils.checkpoint``: activation checkpointing, API only.

ember computes the wrapped function directly and keeps its activations for backward: there is
no recomputation, so values and gradients are those of a plain call and NO memory is saved.
Argument checks and the warning for an omitted ``use_reentrant`` follow torch.

Every keyword is honoured or refused. torch's recomputation in backward runs under the random
state the forward saw (``preserve_rng_state=True``) and so gives the forward's values again,
which is what ember's single computation gives; with ``preserve_rng_state=False`` it draws new
random numbers, which ember cannot, so a function that draws any is refused. ``context_fn``'s
forward context wraps the forward (its recomputation context has nothing to wrap), and
``determinism_check``, ``debug`` and ``early_stop`` concern only a recomputation: their values
are checked as torch checks them.
"""

from __future__ import annotations

import warnings

__all__ = ["checkpoint", "checkpoint_sequential", "noop_context_fn"]

_DETERMINISM_CHECKS = ["default", "none"]


def noop_context_fn():
    """torch's default ``context_fn``: two context managers that do nothing."""
    from contextlib import nullcontext

    return nullcontext(), nullcontext()


def _requires_grad(out):
    from .._tensor import Tensor

    if isinstance(out, Tensor):
        return out.requires_grad
    if isinstance(out, (tuple, list)):
        return any(_requires_grad(o) for o in out)
    if isinstance(out, dict):
        return any(_requires_grad(o) for o in out.values())
    return False


def _run(function, args, kwargs, preserve_rng_state):
    """``function(*args, **kwargs)``; without ``preserve_rng_state``, torch's backward would
    redraw the random numbers the function drew: refused if it drew any."""
    if preserve_rng_state:
        return function(*args, **kwargs)
    from .. import _random
    from ..autograd.grad_mode import is_grad_enabled

    before = _random.get_rng_state().tolist()
    out = function(*args, **kwargs)
    if is_grad_enabled() and _requires_grad(out) and _random.get_rng_state().tolist() != before:
        raise NotImplementedError(
            "ember's checkpoint computes the function once and keeps its activations; it "
            "cannot redraw the random numbers the function drew, as torch's recomputation does "
            "with preserve_rng_state=False: leave preserve_rng_state=True"
        )
    return out


def checkpoint(
    function,
    *args,
    use_reentrant: bool | None = None,
    context_fn=noop_context_fn,
    determinism_check: str = "default",
    debug: bool = False,
    early_stop: bool = True,
    preserve_rng_state: bool = True,
    **kwargs,
):
    """``torch.utils.checkpoint.checkpoint``: return ``function(*args, **kwargs)``, computed
    directly (no recomputation in backward, hence no memory saving in ember). As in torch,
    keyword arguments for ``function``, ``context_fn`` and ``debug`` are only accepted with
    ``use_reentrant=False``."""
    from ..autograd.grad_mode import is_grad_enabled

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
    if use_reentrant:
        if context_fn is not noop_context_fn or debug is not False:
            raise ValueError(
                "Passing `context_fn` or `debug` is only supported when use_reentrant=False."
            )
        return _run(function, args, kwargs, preserve_rng_state)
    if debug and context_fn is not noop_context_fn:
        raise ValueError("debug=True is incompatible with non-default context_fn")
    if determinism_check not in _DETERMINISM_CHECKS:
        raise ValueError(
            f"determinism_check should be one of {_DETERMINISM_CHECKS}, but got {determinism_check}"
        )
    forward_context, _ = context_fn()
    if not is_grad_enabled():  # torch checkpoints nothing then, and enters no context
        return function(*args, **kwargs)
    with forward_context:
        return _run(function, args, kwargs, preserve_rng_state)


def checkpoint_sequential(
    functions, segments: int, input, use_reentrant: bool | None = None, **kwargs
):
    """``torch.utils.checkpoint.checkpoint_sequential``: run ``functions`` (a list or an
    ``nn.Sequential``) one after another on ``input``, split into ``segments`` as torch splits
    them, each but the last through ``checkpoint`` (computed directly, like ``checkpoint``)."""
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
        use_reentrant = True
    preserve = kwargs.pop("preserve_rng_state", True)
    if kwargs:
        raise ValueError("Unexpected keyword arguments: " + ",".join(kwargs))

    def run_function(start, end, functions):
        def forward(input):
            for j in range(start, end + 1):
                input = functions[j](input)
            return input

        return forward

    if hasattr(functions, "children") and callable(functions.children):
        functions = list(functions.children())
    segment_size = len(functions) // segments
    end = -1
    for start in range(0, segment_size * (segments - 1), segment_size):
        end = start + segment_size - 1
        input = checkpoint(
            run_function(start, end, functions),
            input,
            use_reentrant=use_reentrant,
            preserve_rng_state=preserve,
        )
    return run_function(end + 1, len(functions) - 1, functions)(input)
