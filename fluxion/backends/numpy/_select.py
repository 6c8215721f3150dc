"""`where(c, a, b)` whose loop does not branch on `c`.

NumPy's `where` branches on each element of the condition, and a condition with no pattern (the
sign of a layer's activations, say) mispredicts half of them: some 6 ns an element, ten times a
multiplication. Selecting bits instead, b ^ ((a ^ b) & mask) with a mask of all ones where `c`
holds, runs four loops that never branch; every bit of the element chosen is copied, so NaN
payloads and the sign of zero come out as they went in.
"""
from __future__ import annotations

import numpy as np

_FROM = 4096  # elements of an operand from which the bits are selected
_UNSIGNED = {1: np.dtype(np.uint8), 2: np.dtype(np.uint16), 4: np.dtype(np.uint32), 8: np.dtype(np.uint64)}


def where(c: np.ndarray, a, b) -> np.ndarray:
    """`np.where(c, a, b)` for a boolean array `c` and arrays `a`, `b` of one dtype, or one of them
    a Python number that NumPy converts to the other's dtype."""
    if c.size < _FROM and (a.__class__ is not np.ndarray or a.size < _FROM) and (
            b.__class__ is not np.ndarray or b.size < _FROM):  # small operands: one NumPy call costs less
        return np.where(c, a, b)
    if a.__class__ is not np.ndarray:
        a = np.asarray(a, b.dtype)
    elif b.__class__ is not np.ndarray:
        b = np.asarray(b, a.dtype)
    u = _UNSIGNED.get(a.dtype.itemsize)
    if u is None or a.dtype != b.dtype or a.dtype.hasobject or c.dtype != np.bool_:
        return np.where(c, a, b)
    if _zero_bits(b, u, max(a.ndim, c.ndim)):  # (a mask's selection of x or 0, as the derivative rules make: two loops)
        return np.bitwise_and(a.view(u), np.negative(c, dtype=u)).view(a.dtype)
    if _zero_bits(a, u, max(b.ndim, c.ndim)):  # (c - 1 is all ones where c does not hold)
        return np.bitwise_and(b.view(u), np.subtract(c, 1, dtype=u)).view(a.dtype)
    mask = np.negative(c, dtype=u)  # all ones where c holds (the cast takes any nonzero byte as True)
    bits_b = b.view(u)
    out = np.bitwise_and(np.bitwise_xor(a.view(u), bits_b), mask)
    np.bitwise_xor(out, bits_b, out=out)
    return out.view(a.dtype)


def _zero_bits(v: np.ndarray, u: np.dtype, ndim: int) -> bool:
    """Whether `v` is a single element whose bits are all zero (+0, not -0.0), of at most `ndim`
    axes (more would add axes to the result)."""
    return v.size == 1 and v.ndim <= ndim and not v.reshape(()).view(u)
