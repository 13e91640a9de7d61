"""``torch.random``: the default generator's seeding and state, and ``fork_rng``.

The functions are the ones ``ember`` exports at the top level (``ember.manual_seed is
ember.random.manual_seed``); this module is the path programs import them from.
"""

from __future__ import annotations

import contextlib

from ._random import (
    Generator,
    default_generator,
    get_rng_state,
    initial_seed,
    manual_seed,
    seed,
    set_rng_state,
)

__all__ = [
    "Generator",
    "default_generator",
    "fork_rng",
    "get_rng_state",
    "initial_seed",
    "manual_seed",
    "seed",
    "set_rng_state",
]


@contextlib.contextmanager
def fork_rng(
    devices=None, enabled=True, _caller="fork_rng", _devices_kw="devices", device_type="cuda"
):
    """Run the block with the CPU generator's state saved and restored afterwards, so draws
    inside it do not change the stream outside (``torch.random.fork_rng``).

    ember's CUDA draws come from the CPU generator, so forking it covers them too; ``devices``
    and ``device_type`` are accepted for torch's signature.

    Example::

        >>> import ember
        >>> _ = ember.manual_seed(0)
        >>> with ember.random.fork_rng():
        ...     inside = ember.rand(2)
        >>> bool((ember.rand(2) == inside).all())  # the same draws again after the block
        True
    """
    if not enabled:
        yield
        return
    state = get_rng_state()
    try:
        yield
    finally:
        set_rng_state(state)
