"""Threefry-2x32 with 20 rounds on fluxion Arrays (the primitive `fluxion.ops.threefry`), and
the uint32 constants the generator mixes in."""
from __future__ import annotations

import numpy as np

from ..core.array import Array
from ..ops.threefry import threefry2x32_p


def u32(value: int) -> Array:
    """A 0-d uint32 Array (the constants the generator mixes in)."""
    return Array(np.array(value, np.uint32))


def threefry2x32(k0: Array, k1: Array, x0: Array, x1: Array) -> tuple[Array, Array]:
    """Encrypt the counter words `(x0, x1)` under the key words `(k0, k1)`; all uint32.

    The arguments broadcast together (a 0-d key with counter arrays is the usual call).

    >>> zero = u32(0)
    >>> [hex(w.item()) for w in threefry2x32(zero, zero, zero, zero)]
    ['0x6b200159', '0x99ba4efe']
    """
    return tuple(threefry2x32_p.bind(k0, k1, x0, x1))
