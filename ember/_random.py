"""Random state (``torch.random``): Generator, manual_seed, seed, initial_seed, get/set_rng_state.

ember's CPU generator is PyTorch's: the same Mersenne Twister (``ember/_mt19937.py``), seeded
the same way, and the same algorithms turning its words into samples (``ember/_sampling.py``).
After ``ember.manual_seed(s)`` (or ``Generator().manual_seed(s)``) every random function draws
exactly the numbers ``torch`` draws on the CPU after ``torch.manual_seed(s)``, bit for bit, and
consumes the same words, so later draws agree too: ``rand``, ``randn``, ``randint``,
``randperm``, ``normal``, ``bernoulli``, ``multinomial``, ``poisson``, ``_standard_gamma``, the
``*_like`` factories, the in-place samplers (``uniform_``, ``normal_``, ``random_``,
``bernoulli_``, ``exponential_``, ``geometric_``, ``log_normal_``, ``cauchy_``), dropout masks
(every dropout, ``rrelu``, attention dropout), ``nn.init`` and so the initial weights of
modules, and the samplers of ``utils.data`` (``RandomSampler``, ``DataLoader(shuffle=True)``,
``random_split``, ...). ``get_rng_state()`` is torch's 5056-byte state record, so a state moves
between ember and torch in either direction (NOTE [ PyTorch's generator state ] in
``_mt19937.py``). The default generator is seeded from the operating system at start-up, as
torch's is; a new ``Generator()`` starts from torch's 67280421310721.

What only agrees to rounding: ``nn.init.orthogonal_`` draws torch's normals but takes their QR
with NumPy's LAPACK rather than MKL's (within a few float32 ulps); outputs that mix random draws
with other arithmetic (attention, RNNs with dropout) use the same masks but ember's own matmuls.
``trunc_normal_``'s rare rejection path compares ``log`` of uniforms, where ember's float32 log
could in principle differ from torch's in the last bit and so flip one acceptance.

Where the match depends on the machine: torch's float32 ``randn``/``normal_`` of 16 or more
contiguous elements (and half/bfloat16, which go through float) uses the AVX2 Box-Muller of x86
builds (AVX2 and AVX-512 alike), reproduced bit for bit here; torch run with
``ATEN_CPU_CAPABILITY=default`` or on a CPU without AVX2 uses the C library's ``logf``/``sinf``/
``cosf`` instead, and about 40% of those samples then differ from ember's in their last bits (by
about 1e-7). Double-precision paths use the C library's functions, as torch does (through
Python's ``math``, so a C library other than the one torch loads could differ).

The boundary: CUDA tensors. torch's CUDA generator is Philox with its own streams; ember draws
every sample on the host from the CPU generator and moves it to the device (the backend's
``generator`` hook in ``_backend/base.py``), so a seeded ember program gives the same numbers on
every device, equal to torch's CPU numbers, not to torch's CUDA ones.
"""

from __future__ import annotations

import os
import threading

import numpy as np

from ._mt19937 import DEFAULT_SEED, MT19937, STATE_SIZE

__all__ = [
    "Generator",
    "default_generator",
    "manual_seed",
    "seed",
    "initial_seed",
    "get_rng_state",
    "set_rng_state",
]

_U64 = 0xFFFF_FFFF_FFFF_FFFF


def _seed_value(seed) -> int:
    """``seed`` as torch's ``Generator.manual_seed`` reads it: an unsigned 64-bit value, a
    negative one taken as its two's complement."""
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, (int, np.integer)):
        raise RuntimeError(f"manual_seed expected a long, but got {type(seed).__name__}")
    if isinstance(seed, np.integer):
        raise TypeError("an integer is required")
    if not -(2**63) <= seed <= _U64:
        raise ValueError("Overflow when unpacking long long")
    return seed & _U64


def _urandom_seed() -> int:
    """A seed from the operating system's entropy (torch reads 8 bytes of /dev/urandom)."""
    return int.from_bytes(os.urandom(8), "little")


class Generator:
    """A pseudo-random number generator whose state can be saved and restored
    (``torch.Generator``): PyTorch's CPU Mersenne Twister, seeded with 67280421310721.

    Example::

        >>> import ember
        >>> g = ember.Generator().manual_seed(0)
        >>> ember.rand(3, generator=g)
        tensor([0.4963, 0.7682, 0.0885])
    """

    def __init__(self, device="cpu") -> None:
        from ._device import as_device

        self.device = as_device(device)
        self._engine = MT19937(DEFAULT_SEED)
        self._lock = threading.Lock()

    def __enter__(self) -> MT19937:
        """Hold the generator for one sampling kernel (as torch's mutex) and give its engine."""
        self._lock.acquire()
        return self._engine

    def __exit__(self, *exc) -> None:
        self._lock.release()

    def manual_seed(self, seed) -> Generator:
        """Seed the generator (the twister takes the seed's low 32 bits); returns self."""
        value = _seed_value(seed)
        with self._lock:
            self._engine.manual_seed(value)
        return self

    def seed(self) -> int:
        """Seed from a non-deterministic source and return the seed."""
        s = _urandom_seed()
        self.manual_seed(s)
        return s

    def initial_seed(self) -> int:
        """The seed the generator was last seeded with."""
        return self._engine.seed

    def get_state(self):
        """The state as a 5056-element uint8 tensor, in torch's layout (restore it with
        ``set_state``, here or in torch)."""
        from ._dtype import uint8
        from ._factories import as_tensor

        with self._lock:
            raw = self._engine.to_bytes()
        return as_tensor(np.frombuffer(bytearray(raw), dtype=np.uint8), dtype=uint8)

    def set_state(self, new_state) -> Generator:
        """Restore a state from ``get_state`` (ember's or torch's)."""
        raw = _state_bytes(new_state)
        with self._lock:
            self._engine.load_bytes(raw)
        return self

    def clone_state(self) -> Generator:
        """A new generator in this one's state."""
        other = Generator(self.device)
        with self._lock:
            other._engine = self._engine.copy()
        return other

    def get_offset(self) -> int:
        raise RuntimeError("CPU Generator does not use offset")

    def set_offset(self, offset) -> Generator:
        raise RuntimeError("CPU Generator does not use offset")

    def graphsafe_get_state(self):
        raise NotImplementedError("graphsafe_get_state is not supported in this Generator")

    def graphsafe_set_state(self, state):
        raise NotImplementedError("graphsafe_set_state is not supported in this Generator")

    def __reduce__(self):
        return (Generator, (self.device,), (self.initial_seed(), None, self.get_state()))

    def __setstate__(self, state) -> None:
        seed, _offset, rng_state = state
        self.manual_seed(seed)
        self.set_state(rng_state)


def _state_bytes(new_state) -> bytes:
    """The bytes of a state tensor, with torch's checks of its type and size."""
    from ._dtype import uint8
    from ._tensor import Tensor

    if not isinstance(new_state, Tensor):
        raise TypeError(f"expected a torch.ByteTensor, but got {type(new_state).__name__}")
    if new_state.dtype is not uint8 or new_state.device.type != "cpu":
        raise TypeError("RNG state must be a torch.ByteTensor")
    if not new_state.is_contiguous():
        raise RuntimeError("RNG state must be contiguous")
    if new_state.numel() != STATE_SIZE:
        raise RuntimeError(
            f"Expected a CPUGeneratorImplState of size {STATE_SIZE} but found the input RNG "
            f"state size to be {new_state.numel()}"
        )
    return new_state._host_array().tobytes()


# torch seeds its default CPU generator from the OS at start-up: a different stream each run
default_generator = Generator()
default_generator._engine.manual_seed(_urandom_seed())


def generator_of(generator) -> Generator:
    """``generator``, or the default generator when it is None."""
    return default_generator if generator is None else generator


def manual_seed(seed) -> Generator:
    """Seed the default generator (``torch.manual_seed``); returns it."""
    return default_generator.manual_seed(int(seed))


def seed() -> int:
    """Seed the default generator non-deterministically and return the seed."""
    return default_generator.seed()


def initial_seed() -> int:
    """The default generator's initial seed."""
    return default_generator.initial_seed()


def get_rng_state():
    """The default generator's state as a uint8 tensor (torch's layout)."""
    return default_generator.get_state()


def set_rng_state(new_state) -> None:
    """Restore the default generator's state (from ember's or torch's ``get_rng_state``)."""
    default_generator.set_state(new_state)
