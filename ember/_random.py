"""Random state: Generator, manual_seed, seed, get/set_rng_state (``torch.random``).

One default generator serves the CPU; random ops draw on the host with NumPy's PCG64 and move
the result to the tensor's device, so a seed gives the same numbers on every device.
"""

from __future__ import annotations

import json

import numpy as np

_DEFAULT_SEED = 67280421310721


class Generator:
    """A pseudo-random number generator whose state can be saved and restored."""

    def __init__(self, device="cpu"):
        from ._device import as_device

        self.device = as_device(device)
        self._seed = _DEFAULT_SEED
        self._rng = np.random.Generator(np.random.PCG64(self._seed))

    def manual_seed(self, seed: int) -> Generator:
        """Seed the generator; returns self."""
        seed = int(seed)
        if not -0x8000_0000_0000_0000 <= seed <= 0xFFFF_FFFF_FFFF_FFFF:
            raise RuntimeError("Overflow when unpacking long long")
        self._seed = seed & 0xFFFF_FFFF_FFFF_FFFF
        self._rng = np.random.Generator(np.random.PCG64(self._seed))
        return self

    def seed(self) -> int:
        """Seed from a non-deterministic source and return the seed."""
        s = int(np.random.SeedSequence().entropy) & 0xFFFF_FFFF_FFFF_FFFF
        self.manual_seed(s)
        return s

    def initial_seed(self) -> int:
        """The seed the generator was last seeded with."""
        return self._seed

    def get_state(self):
        """The state as a uint8 tensor (restore it with ``set_state``)."""
        from ._dtype import uint8
        from ._factories import tensor

        payload = json.dumps({"seed": self._seed, "state": self._rng.bit_generator.state})
        return tensor(list(payload.encode()), dtype=uint8)

    def set_state(self, new_state) -> Generator:
        """Restore a state returned by ``get_state``."""
        raw = bytes(np.asarray(new_state.numpy(), dtype=np.uint8).tolist())
        try:
            payload = json.loads(raw.decode())
            state = payload["state"]
        except (ValueError, KeyError, TypeError) as e:
            raise RuntimeError("Expected a state of a ember.Generator") from e
        self._seed = payload["seed"]
        bit_gen = np.random.PCG64()
        bit_gen.state = state
        self._rng = np.random.Generator(bit_gen)
        return self

    def clone_state(self):
        return self.get_state()


default_generator = Generator()


def generator_or_default(generator) -> np.random.Generator:
    """The NumPy generator behind ``generator`` (or the default one)."""
    return (generator or default_generator)._rng


def manual_seed(seed: int) -> Generator:
    """Seed the default generator (``torch.manual_seed``)."""
    return default_generator.manual_seed(seed)


def seed() -> int:
    """Seed the default generator non-deterministically and return the seed."""
    return default_generator.seed()


def initial_seed() -> int:
    """The default generator's initial seed."""
    return default_generator.initial_seed()


def get_rng_state():
    """The default generator's state as a uint8 tensor."""
    return default_generator.get_state()


def set_rng_state(new_state) -> None:
    """Restore the default generator's state."""
    default_generator.set_state(new_state)
