"""The engine behind ember's CPU generator: PyTorch's ``at::mt19937`` stream and state layout.

PyTorch's CPU generator (``CPUGeneratorImpl``) is the standard 32-bit Mersenne Twister seeded
with the seed's low 32 bits (``init_genrand``), plus the cached second sample of its Box-Muller
normals. NumPy ships the same twister (``numpy.random.MT19937``, whose ``random_raw`` yields its
tempered 32-bit words), so the words are made in C, in bulk; this module keeps what torch keeps
beside them and reads and writes torch's state tensor byte for byte.

NOTE [ PyTorch's generator state ]
``torch.get_rng_state()`` is a 5056-byte little-endian record (``CPUGeneratorImplState``)::

    offset  type          field
    0       uint64        the seed given to manual_seed (all 64 bits)
    8       int32         left: words until the next twist, plus one (1..624)
    12      int32         seeded (1)
    16      uint64        next: index of the next word in the state array (0..624)
    24      uint64[624]   the twister's 32-bit state words, one per 64-bit slot
    5016    float64       normal_x (always 0 since PyTorch 1.5)
    5024    float64       normal_y: the cached double normal sample
    5032    float64       normal_rho (always 0)
    5040    int32         normal_is_valid
    5044    (4 bytes of padding)
    5048    float32       the cached float normal sample
    5052    bool          its valid flag
    5053    (3 bytes of padding)

torch draws a word as ``if --left == 0: twist(); y = state[next++]``; a fresh seed leaves
``left = 1, next = 0``, so the first draw twists. NumPy's engine keeps one index ``pos`` and
twists when ``pos == 624``: the two agree when ``left + next == 625`` (every state torch makes
after a twist) or ``left == 1``. A state written by hand with another pair is honoured too: its
``left - 1`` words before the twist are kept aside and drawn first.
"""

from __future__ import annotations

import struct

import numpy as np

__all__ = ["MT19937", "STATE_SIZE", "DEFAULT_SEED"]

N = 624
STATE_SIZE = 5056
DEFAULT_SEED = 67280421310721  # torch's seed for a new torch.Generator()

_HEAD = struct.Struct("<QiiQ")  # seed, left, seeded, next
_KEY_AT = 24
_NORMAL_Y_AT = 5024
_NORMAL_VALID_AT = 5040
_FLOAT_NORMAL_AT = 5048
_FLOAT_VALID_AT = 5052
_U32 = np.uint64(0xFFFF_FFFF)
_SHIFT32 = np.uint64(32)


def _temper(y):
    """The twister's output function on state words (uint64 arrays holding 32-bit values)."""
    y = y ^ (y >> np.uint64(11))
    y = y ^ ((y << np.uint64(7)) & np.uint64(0x9D2C5680))
    y = y ^ ((y << np.uint64(15)) & np.uint64(0xEFC60000))
    return (y ^ (y >> np.uint64(18))) & _U32


class MT19937:
    """One generator's engine: the twister and the cached normal samples, as torch keeps them.

    ``words(n)`` gives the next ``n`` 32-bit outputs (torch's ``random()``), ``words64(n)`` the
    next ``n`` 64-bit ones (torch's ``random64()``: two words, the first one high).
    """

    __slots__ = ("_bits", "seed", "_fresh", "_pending", "next_double_normal", "next_float_normal")

    def __init__(self, seed: int = DEFAULT_SEED) -> None:
        self._bits = np.random.MT19937(0)
        self.manual_seed(seed)

    def manual_seed(self, seed: int) -> None:
        """Seed with the low 32 bits of ``seed`` (an unsigned 64-bit value, kept whole)."""
        self.seed = seed
        self._bits._legacy_seeding(seed & 0xFFFF_FFFF)
        self._fresh = 0  # torch's ``next`` while nothing was drawn since (a fresh seed: left = 1)
        self._pending = None
        self.next_double_normal = None
        self.next_float_normal = None

    # ------------------------------------------------------------------ drawing
    def words(self, n: int) -> np.ndarray:
        """The next ``n`` 32-bit outputs, as a uint64 array."""
        if n <= 0:
            return np.zeros(0, np.uint64)
        self._fresh = None
        if self._pending is not None:
            return self._drain(n)
        return self._bits.random_raw(n)

    def words64(self, n: int) -> np.ndarray:
        """The next ``n`` 64-bit outputs (each from two words, the first one high)."""
        w = self.words(2 * n)
        return (w[0::2] << _SHIFT32) | w[1::2]

    def word(self) -> int:
        """The next 32-bit output."""
        self._fresh = None
        if self._pending is not None:
            return int(self._drain(1)[0])
        return self._bits.random_raw()

    def word64(self) -> int:
        """The next 64-bit output."""
        hi = self.word()
        return (hi << 32) | self.word()

    def _drain(self, n: int) -> np.ndarray:
        key, start, stop = self._pending
        take = min(n, stop - start)
        head = _temper(key[start : start + take])
        self._pending = (key, start + take, stop) if start + take < stop else None
        if take == n:
            return head
        return np.concatenate([head, self._bits.random_raw(n - take)])

    # ------------------------------------------------------------------ torch's state record
    def to_bytes(self) -> bytes:
        """The state in torch's ``CPUGeneratorImplState`` layout (NOTE [ PyTorch's generator
        state ])."""
        st = self._bits.state["state"]
        key, pos = np.asarray(st["key"], dtype=np.uint64), int(st["pos"])
        if self._pending is not None:
            key, start, stop = self._pending
            left, nxt = stop - start + 1, start
        elif pos >= N:
            left, nxt = 1, N if self._fresh is None else self._fresh
        else:
            left, nxt = N + 1 - pos, pos
        buf = bytearray(STATE_SIZE)
        _HEAD.pack_into(buf, 0, self.seed, left, 1, nxt)
        buf[_KEY_AT : _KEY_AT + 8 * N] = key.astype("<u8").tobytes()
        if self.next_double_normal is not None:
            struct.pack_into("<d", buf, _NORMAL_Y_AT, self.next_double_normal)
            struct.pack_into("<i", buf, _NORMAL_VALID_AT, 1)
        if self.next_float_normal is not None:
            struct.pack_into("<f", buf, _FLOAT_NORMAL_AT, self.next_float_normal)
            buf[_FLOAT_VALID_AT] = 1
        return bytes(buf)

    def load_bytes(self, raw: bytes) -> None:
        """Restore a state written by :meth:`to_bytes` or by ``torch.get_rng_state()``."""
        seed, left, seeded, nxt = _HEAD.unpack_from(raw, 0)
        nxt &= 0xFFFF_FFFF  # torch keeps it as uint32
        if not (seeded and 0 < left <= N and nxt <= N):
            raise RuntimeError("Invalid mt19937 state")
        key = np.frombuffer(raw, "<u8", N, _KEY_AT) & _U32
        pending = None
        if left == 1:
            pos = N
        elif left + nxt == N + 1:
            pos = nxt
        else:  # a hand-made pair: torch reads state[next : next + left - 1], then twists
            pos, pending = N, (key.copy(), nxt, min(nxt + left - 1, N))
        self._bits.state = {
            "bit_generator": "MT19937",
            "state": {"key": key.astype(np.uint32), "pos": pos},
        }
        self.seed = seed
        self._fresh = nxt if left == 1 else None
        self._pending = pending
        (valid,) = struct.unpack_from("<i", raw, _NORMAL_VALID_AT)
        self.next_double_normal = struct.unpack_from("<d", raw, _NORMAL_Y_AT)[0] if valid else None
        self.next_float_normal = (
            struct.unpack_from("<f", raw, _FLOAT_NORMAL_AT)[0] if raw[_FLOAT_VALID_AT] else None
        )

    def copy(self) -> MT19937:
        """An independent engine in the same state."""
        other = MT19937.__new__(MT19937)
        other._bits = np.random.MT19937(0)
        other.load_bytes(self.to_bytes())
        return other
