"""NumPy kernel of `threefry2x32` (fluxion/ops/threefry.py).

The cipher is some 120 integer operations whatever the number of words, so NumPy's fixed
cost per call, not the words, sets the time of a small draw. Below `SMALL` words the kernel
therefore runs the rounds on Python integers that hold every word in a 64-bit lane of its
own (word i in bits 64 i to 64 i + 31): one integer operation updates all the words, as a
NumPy call would. The upper half of each lane takes what spills out of the low 32 bits (an
addition's carry, the bits a rotation moves) and a mask clears it, so it never reaches the
next lane. Larger inputs run `rounds` on uint32 arrays, the function the XLA lowering runs, a
chunk at a time; tests/random/test_random_keys.py checks that the two give the
same words.
"""
from __future__ import annotations

import functools
import math

import numpy as np

from ...core.primitive import numpy_kernel
from ...ops.threefry import PARITY, ROTATIONS, rounds, threefry2x32_p
from . import _parallel

SMALL = 256  # words; from here on NumPy's calls cost less than the lanes' longer integers
# words: a chunk's arrays stay in a core's L2 cache through the rounds (twice as fast as whole
# arrays over 10**7 words), and each of its hundred-odd NumPy calls is long enough that threads
# computing parts at once do not spend their time handing the GIL back and forth between them
# (at 32768 words, two threads took as long as one)
CHUNK = 1 << 18
_DOUBLE = 2 ** 32 + 1  # multiplying a lane's word by this puts a copy of it in the upper half
_SHIFTS = tuple(tuple(32 - r for r in cycle) for cycle in ROTATIONS)  # right shifts that rotate left by r


def threefry2x32(k0, k1, x0, x1):
    shape = _broadcast_shape(k0.shape, k1.shape, x0.shape, x1.shape)
    n = math.prod(shape)
    w0, w1 = _in_lanes(n, shape, k0, k1, x0, x1) if 0 < n < SMALL else _in_chunks(n, shape, k0, k1, x0, x1)
    return w0.reshape(shape), w1.reshape(shape)


def _broadcast_shape(*shapes: tuple[int, ...]) -> tuple[int, ...]:
    """The shapes broadcast together; the usual call, 0-d keys with counters of one shape,
    without NumPy's function, which costs more."""
    out = ()
    for s in shapes:
        if s and s != out:
            if out:
                return np.broadcast_shapes(*shapes)
            out = s
    return out


@functools.lru_cache(maxsize=None)
def _lanes(n: int) -> tuple[int, int, tuple[int, ...], np.ndarray, int]:
    """For `n` lanes: 1 in each lane, the mask of each lane's low 32 bits, the key injections'
    counts 1..5 in each lane, and the counters 0..n-1 (`positions(n)`) with their lanes."""
    ones = int.from_bytes(np.ones(n, "<u8").tobytes(), "little")
    counters = np.arange(n, dtype=np.uint32)
    counters.flags.writeable = False
    return ones, ones * 0xFFFFFFFF, tuple(c * ones for c in range(1, 6)), counters, _pack(counters, (n,), ones)


def positions(n: int) -> np.ndarray:
    """The uint32 counters 0..n-1 (read-only: below `SMALL` they are made once, and the kernel
    knows their lanes, which it need not pack again)."""
    return _lanes(n)[3] if 0 < n < SMALL else np.arange(n, dtype=np.uint32)


def _pack(x: np.ndarray, shape: tuple[int, ...], ones: int) -> int:
    if x.size == 1:  # a key word for every position, the usual case: no array to build
        return int(x.item()) * ones
    if x.shape == shape:
        return int.from_bytes(x.astype("<u8").tobytes(), "little")
    wide = np.empty(shape, "<u8")
    wide[...] = x  # (the assignment broadcasts at a quarter of np.broadcast_to's cost)
    return int.from_bytes(wide.tobytes(), "little")


def _in_lanes(n, shape, k0, k1, x0, x1):
    """`rounds` with every word in a lane of a Python integer. x1 is kept below 2**32 in each
    lane, which its rotation needs; x0 is only reduced at the end: its 26 additions of words
    keep it below 2**37, so its carries never leave the lane."""
    ones, mask, counts, counters, counter_lanes = _lanes(n)
    k0, k1, x0, x1 = (counter_lanes if x is counters else _pack(x, shape, ones) for x in (k0, k1, x0, x1))
    schedule = (k0, k1, k0 ^ k1 ^ PARITY * ones)
    x0 += k0
    x1 = (x1 + k1) & mask
    for cycle in range(5):
        for shift in _SHIFTS[cycle % 2]:
            x0 += x1
            # the word doubled, shifted right: its rotation in the low half; the next lane's
            # low bits arrive in the upper half, which the mask clears
            x1 = (((x1 * _DOUBLE) >> shift) ^ x0) & mask
        x0 += schedule[(cycle + 1) % 3]
        x1 = (x1 + schedule[(cycle + 2) % 3] + counts[cycle]) & mask
    # both words in one integer, x1's lanes above x0's, so that one conversion unpacks them;
    # casting each 64-bit lane to uint32 keeps its low 32 bits, which drops x0's carries
    words = np.frombuffer(((x1 << (64 * n)) | x0).to_bytes(16 * n, "little"), "<u8").astype(np.uint32)
    return words[:n], words[n:]


def _in_chunks(n, shape, k0, k1, x0, x1):
    """`rounds` on the flat words a chunk at a time, on every core for many words."""
    # key words at least 1-d (0-d arithmetic gives NumPy scalars, which warn where the
    # additions wrap), flat where they vary
    k0, k1 = (k.reshape(1) if k.size == 1 else np.broadcast_to(k, shape).reshape(-1) for k in (k0, k1))
    x0, x1 = (np.broadcast_to(x, shape).reshape(-1) for x in (x0, x1))
    w0, w1 = np.empty(n, np.uint32), np.empty(n, np.uint32)

    def chunks(words: slice) -> None:
        for start in range(words.start, words.stop, CHUNK):
            part = slice(start, min(start + CHUNK, words.stop))
            keys = (k if k.size == 1 else k[part] for k in (k0, k1))
            # fresh counters, which `rounds` updates in place
            w0[part], w1[part] = rounds(*keys, np.array(x0[part]), np.array(x1[part]))
    # parts of at least 16384 words (4 units of work a word): each of a part's hundred-odd NumPy
    # calls holds the GIL for its fixed cost, in which smaller parts would spend most of their time
    _parallel.run(chunks, n, 4 * n, _parallel.GRANULE)
    return w0, w1


numpy_kernel[threefry2x32_p] = threefry2x32
