"""NumPy kernel of `threefry2x32` (fluxion/ops/threefry.py).

The cipher is some 120 integer operations whatever the number of words, so NumPy's fixed
cost per call, not the words, sets the time of a small draw. Below `SMALL` words the kernel
therefore runs the rounds on Python integers that hold every word in a 64-bit lane of its
own (word i in bits 64 i to 64 i + 31): one integer operation updates all the words, as a
NumPy call would. The upper half of each lane takes what spills out of the low 32 bits (an
addition's carry, the bits a rotation moves) and a mask clears it, so it never reaches the
next lane. Larger inputs run `rounds` on uint32 arrays, the function the XLA lowering runs;
tests/random/test_random_keys.py checks that the two give the same words.
"""
from __future__ import annotations

import functools
import math

import numpy as np

from ...core.primitive import numpy_kernel
from ...ops.threefry import PARITY, ROTATIONS, rounds, threefry2x32_p

SMALL = 256  # words; from here on NumPy's calls cost less than the lanes' longer integers
_DOUBLE = 2 ** 32 + 1  # multiplying a lane's word by this puts a copy of it in the upper half


def threefry2x32(k0, k1, x0, x1):
    shape = _broadcast_shape(k0.shape, k1.shape, x0.shape, x1.shape)
    n = math.prod(shape)
    if 0 < n < SMALL:
        return tuple(w.reshape(shape) for w in _in_lanes(n, shape, k0, k1, x0, x1))
    # fresh counters of the output's shape, and keys, at least 1-d: 0-d arithmetic gives NumPy
    # scalars, which warn where the additions wrap
    x0, x1 = (np.array(np.broadcast_to(x, shape), ndmin=1) for x in (x0, x1))
    return tuple(w.reshape(shape) for w in rounds(np.atleast_1d(k0), np.atleast_1d(k1), x0, x1))


def _broadcast_shape(*shapes: tuple[int, ...]) -> tuple[int, ...]:
    out = max(shapes, key=len)
    if all(s == out or not s for s in shapes):  # the usual case, kept fast: 0-d keys with counters
        return out
    return np.broadcast_shapes(*shapes)


@functools.lru_cache(maxsize=None)
def _lanes(n: int) -> tuple[int, int, tuple[int, ...]]:
    """For `n` lanes: 1 in each lane, the mask of each lane's low 32 bits, and the key
    injections' counts 1..5 in each lane."""
    ones = int.from_bytes(np.ones(n, "<u8").tobytes(), "little")
    return ones, ones * 0xFFFFFFFF, tuple(c * ones for c in range(1, 6))


def _pack(x: np.ndarray, shape: tuple[int, ...], ones: int) -> int:
    if x.size == 1:  # a key word for every position, the usual case: no array to build
        return int(x.item()) * ones
    if x.shape != shape:
        x = np.broadcast_to(x, shape)
    return int.from_bytes(x.astype("<u8").tobytes(), "little")


def _unpack(lanes: int, n: int) -> np.ndarray:
    return np.frombuffer(lanes.to_bytes(8 * n, "little"), "<u8").astype(np.uint32)  # the low 32 bits


def _in_lanes(n, shape, k0, k1, x0, x1):
    """`rounds` with every word in a lane of a Python integer. x1 is kept below 2**32 in each
    lane, which its rotation needs; x0 is only reduced at the end: its 26 additions of words
    keep it below 2**37, so its carries never leave the lane."""
    ones, mask, counts = _lanes(n)
    k0, k1, x0, x1 = (_pack(x, shape, ones) for x in (k0, k1, x0, x1))
    schedule = (k0, k1, k0 ^ k1 ^ PARITY * ones)
    x0 += k0
    x1 = (x1 + k1) & mask
    for cycle in range(5):
        for r in ROTATIONS[cycle % 2]:
            x0 += x1
            # the word doubled, shifted right: its rotation in the low half; the next lane's
            # low bits arrive in the upper half, which the mask clears
            x1 = (((x1 * _DOUBLE) >> (32 - r)) ^ x0) & mask
        x0 += schedule[(cycle + 1) % 3]
        x1 = (x1 + schedule[(cycle + 2) % 3] + counts[cycle]) & mask
    return _unpack(x0, n), _unpack(x1, n)


numpy_kernel[threefry2x32_p] = threefry2x32
