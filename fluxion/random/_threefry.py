"""Threefry-2x32 with 20 rounds (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", 2011).

A keyed bijection of pairs of 32-bit words, built only from the integer primitives `add`,
`xor`, `shift_left`, `shift_right_logical` and `or` on uint32, so every backend computes the
same bits. Additions wrap modulo 2**32, as unsigned arithmetic does on every backend.
"""
from __future__ import annotations

import numpy as np

from ..core.array import Array
from ..ops import elementwise as E

# rotation distances of the eight rounds of a cycle, and the key-schedule parity constant
_ROTATIONS = ((13, 15, 26, 6), (17, 29, 16, 24))
_PARITY = 0x1BD11BDA


def u32(value: int) -> Array:
    """A 0-d uint32 Array (the constants the generator mixes in)."""
    return Array(np.array(value, np.uint32))


_SHIFTS = {r: (u32(r), u32(32 - r)) for rotations in _ROTATIONS for r in rotations}
_INJECTION_COUNT = [u32(i) for i in range(6)]
_PARITY_WORD = u32(_PARITY)


def _rotate_left(x: Array, r: int) -> Array:
    left, right = _SHIFTS[r]
    return E.or_p.bind(E.shift_left_p.bind(x, left), E.shift_right_logical_p.bind(x, right))


def threefry2x32(k0: Array, k1: Array, x0: Array, x1: Array) -> tuple[Array, Array]:
    """Encrypt the counter words `(x0, x1)` under the key words `(k0, k1)`; all uint32.

    The arguments broadcast together (a 0-d key with counter arrays is the usual call).

    >>> import numpy as np
    >>> from fluxion.core.array import Array
    >>> zero = Array(np.uint32(0))
    >>> [hex(w.item()) for w in threefry2x32(zero, zero, zero, zero)]
    ['0x6b200159', '0x99ba4efe']
    """
    add, xor = E.add_p.bind, E.xor_p.bind
    schedule = (k0, k1, xor(xor(k0, k1), _PARITY_WORD))
    x0, x1 = add(x0, k0), add(x1, k1)
    for cycle in range(5):
        for r in _ROTATIONS[cycle % 2]:
            x0 = add(x0, x1)
            x1 = xor(_rotate_left(x1, r), x0)
        # key injection after every four rounds: the next key words plus the injection count
        x0 = add(x0, schedule[(cycle + 1) % 3])
        x1 = add(add(x1, schedule[(cycle + 2) % 3]), _INJECTION_COUNT[cycle + 1])
    return x0, x1
