"""How a program's constants enter its XLA computation: written into it, or passed in.

Written constants are seen by XLA, which folds and fuses them into their users; passed ones
are parameters read from memory at each call. Small constants are written in full. A large
one is written when it is one of the patterns that staging folds to a host value: one value
repeated (a broadcast), an arange of integers (the counters of random draws), a matrix of
three values by their place below, on or above the diagonal (an identity, a triangular mask).
Every other large constant is passed in, so that the computation stays small. Each pattern is
checked on the host bit for bit, so a written constant has exactly the constant's value.
"""
from __future__ import annotations

import functools
from collections.abc import Callable

import numpy as np
from jax import lax

_INLINE = 256  # elements up to which a constant is written in full


def written(c: np.ndarray) -> Callable[[], object] | None:
    """A function making the value of constant `c` in the computation being built, or None when
    `c` is to be passed in."""
    if c.size <= _INLINE:
        return lambda: c
    for pattern in (_one_value, _counting, _banded):
        make = pattern(c)
        if make is not None:
            return make
    return None


def _one_value(c: np.ndarray):
    """A broadcast, where every element of `c` is one value, bit for bit."""
    flat = np.ascontiguousarray(c).reshape(-1)  # (a strided view's bytes can't be viewed as uint8)
    one = flat[:1]
    sample = flat[::max(1, c.size // 1024)]  # (a cheap look at spread elements first)
    if one.tobytes() * sample.size != sample.tobytes():
        return None
    if one.tobytes() == flat[-1:].tobytes() and (flat.view(np.uint8).reshape(c.size, -1) == one.view(np.uint8)).all():
        return lambda: lax.broadcast(one.reshape(()), c.shape)
    return None


def _counting(c: np.ndarray):
    """An iota, where vector `c` of integers is start, start + step, start + 2 step, ... with no
    intermediate value outside its dtype."""
    if c.ndim != 1 or c.dtype.kind not in "iu":
        return None
    n, start, step = c.size, int(c[0]), int(c[1]) - int(c[0])
    info, last = np.iinfo(c.dtype), start + step * (n - 1)
    low, high = min(start, last), max(start, last)
    # (the iota, its multiple and the values all lie in the dtype, and in int64 for the check)
    if max(n - 1, abs(step) * (n - 1)) > info.max or low < info.min or high > min(info.max, np.iinfo(np.int64).max):
        return None
    if (start + step * np.arange(n, dtype=np.int64)).astype(c.dtype).tobytes() != c.tobytes():
        return None

    def count():
        scaled = lax.iota(c.dtype, n)
        if abs(step) != 1:
            scaled = lax.mul(scaled, _filled(abs(step), c.dtype, (n,)))
        return (lax.add if step > 0 else lax.sub)(_filled(start, c.dtype, (n,)), scaled)
    return count


def _banded(c: np.ndarray):
    """Selects between three values by the sign of column - row, where matrix `c` has one value
    below its diagonal, one on it and one above it."""
    if c.ndim != 2 or min(c.shape) < 2:
        return None
    below, diag, above = c[1, 0], c[0, 0], c[0, 1]
    n, m = c.shape
    expected = np.where(np.tri(n, m, -1, bool), below, np.where(np.tri(n, m, 0, bool), diag, above))
    if expected.tobytes() != c.tobytes():
        return None

    def band():
        col_minus_row = lax.broadcasted_iota(np.int32, c.shape, 1) - lax.broadcasted_iota(np.int32, c.shape, 0)
        full = functools.partial(_filled, dtype=c.dtype, shape=c.shape)
        return lax.select(col_minus_row < 0, full(below), lax.select(col_minus_row == 0, full(diag), full(above)))
    return band


def _filled(value, dtype: np.dtype, shape: tuple):
    """`value` of `dtype` broadcast to `shape`, its bits kept (a NaN's payload, -0.0)."""
    return lax.broadcast(np.asarray(value, dtype), shape)
