"""``torch.random``'s module path: the same functions, and fork_rng restoring the stream."""

from __future__ import annotations

import torch

import ember


def test_functions_are_the_top_level_ones():
    for name in ("manual_seed", "seed", "initial_seed", "get_rng_state", "set_rng_state"):
        assert getattr(ember.random, name) is getattr(ember, name)
    assert ember.random.default_generator is ember.default_generator


def _forked(lib):
    lib.manual_seed(3)
    with lib.random.fork_rng():
        inside = lib.rand(4)
    after = lib.rand(4)
    with lib.random.fork_rng(enabled=False):
        lib.rand(2)
    return inside.numpy(), after.numpy(), lib.rand(2).numpy()


def test_fork_rng_restores_the_stream_as_torchs():
    ours, theirs = _forked(ember), _forked(torch)
    for a, b in zip(ours, theirs):
        assert a.tolist() == b.tolist()
    assert ours[0].tolist() == ours[1].tolist()  # the block's draws are drawn again after it
