"""XLA's random bit generator, `rng_bit_generator` (stateless: a key in, a new key and bits out).
(jax.lax's `rng_uniform` draws from a hidden state; fluxion's randomness is explicit, so it is
not provided: `fx.random.uniform` with a key is its counterpart.)

`rng_bit_generator` computes XLA's own algorithms with fluxion's integer operations, so its
bits are the same eagerly, under `jit` and on every backend, and equal those XLA computes.
The key is 128 bits, `uint32[4]` or `uint64[2]`: read as two 64-bit words (w0, w1), w0 keys
the generator and w1 counts the blocks drawn (with w0 as the high half of a 128-bit counter
for Philox), and the new key is (w0, w1 + the blocks drawn). 8- and 16-bit outputs are the
low bits of 32-bit ones, as XLA makes them.
"""
from __future__ import annotations

import enum
import math
from typing import Sequence

import numpy as np

from ..core import dtypes as D
from ..core.array import Array
from ..core.errors import DTypeError, ShapeError, op_error
from ..ops import shape as S
from ..random._threefry import threefry2x32
from ._operands import ArrayLike, DTypeLike, as_array

__all__ = ["RandomAlgorithm", "rng_bit_generator"]


class RandomAlgorithm(enum.IntEnum):
    """The generator of `rng_bit_generator`: XLA's default (Philox, as XLA's on CPUs and GPUs),
    Threefry-2x32 or Philox-4x32."""
    RNG_DEFAULT = 0
    RNG_THREE_FRY = 1
    RNG_PHILOX = 2


_U32, _U64 = D.uint32, D.uint64
_BITS = (D.uint8, D.uint16, D.uint32, D.uint64)
# Philox-4x32-10: the multipliers of the two rounds' products and the increments of the key words
_PHILOX_M = (0xD2511F53, 0xCD9E8D57)
_PHILOX_W = (0x9E3779B9, 0xBB67AE85)


def _low(x: Array) -> Array:
    return x.astype(_U32)


def _high(x: Array) -> Array:
    return (x >> 32).astype(_U32)


def _join(low: Array, high: Array) -> Array:
    return low.astype(_U64) | (high.astype(_U64) << 32)


def _counters(start: Array, n: int) -> Array:
    """`start + [0, 1, ..., n - 1]` (uint64, wrapping)."""
    return start + S.iota(_U64, (n,), 0)


def _threefry(w0: Array, w1: Array, shape: tuple[int, ...], wide: bool) -> tuple[Array, Array]:
    """XLA's Threefry bits of `shape` (uint64 if `wide`, else uint32) and the new counter.

    A 64-bit output is one block (both output words). 32-bit outputs take a block per pair: XLA
    halves the first axis of even size (else the longest; a 0-d shape is one block's first
    word), and element 2i or 2i + 1 along it is word 0 or 1 of block i."""
    k0, k1 = _low(w0), _high(w0)
    if wide:
        c = _counters(w1, math.prod(shape))
        y0, y1 = threefry2x32(k0, k1, _low(c), _high(c))
        return S.reshape(_join(y0, y1), shape), w1 + math.prod(shape)
    if not shape:
        y0, _ = threefry2x32(k0, k1, _low(w1), _high(w1))
        return y0, w1 + 1
    d = next((i for i, n in enumerate(shape) if n % 2 == 0), int(np.argmax(shape)))
    half = shape[:d] + (-(-shape[d] // 2),) + shape[d + 1:]
    c = _counters(w1, math.prod(half))
    pair_shape = half[:d + 1] + (1,) + half[d + 1:]
    pairs = S.concatenate([S.reshape(y, pair_shape) for y in threefry2x32(k0, k1, _low(c), _high(c))], d + 1)
    bits = S.reshape(pairs, shape[:d] + (2 * half[d],) + shape[d + 1:])
    return S.slice_in_dim(bits, 0, shape[d], 1, d), w1 + math.prod(half)


def _philox(w0: Array, w1: Array, shape: tuple[int, ...], wide: bool) -> tuple[Array, Array]:
    """XLA's Philox bits of `shape` (uint64 if `wide`, else uint32) and the new counter.

    Block i encrypts the 128-bit counter (w0, w1) + i under the key w0; its four 32-bit words
    are four outputs in a row (two 64-bit ones, words 0-1 and 2-3)."""
    n = math.prod(shape)
    blocks = -(-n * (2 if wide else 1) // 4)
    low = _counters(w1, blocks)
    high = w0 + (low < w1).astype(_U64)  # the carry out of the low half
    x = [_low(low), _high(low), _low(high), _high(high)]
    k = [_low(w0), _high(w0)]
    for _ in range(10):
        p0, p1 = x[0].astype(_U64) * _PHILOX_M[0], x[2].astype(_U64) * _PHILOX_M[1]
        x = [_high(p1) ^ x[1] ^ k[0], _low(p1), _high(p0) ^ x[3] ^ k[1], _low(p0)]
        k = [k[0] + _PHILOX_W[0], k[1] + _PHILOX_W[1]]
    words = [_join(x[0], x[1]), _join(x[2], x[3])] if wide else x
    flat = S.reshape(S.concatenate([S.reshape(w, (blocks, 1)) for w in words], 1), (blocks * len(words),))
    return S.reshape(S.slice_in_dim(flat, 0, n, 1, 0), shape), w1 + blocks


def rng_bit_generator(key: ArrayLike, shape: Sequence[int], dtype: DTypeLike = np.uint32,
                      algorithm: RandomAlgorithm = RandomAlgorithm.RNG_DEFAULT, *,
                      out_sharding=None) -> tuple[Array, Array]:
    """Random bits of `shape` and unsigned `dtype` from `key`, and the key to draw the next ones with.

    Args:
      key: `uint32[4]` or `uint64[2]` (see the module docstring).
      shape: the shape of the bits.
      dtype: uint8, uint16, uint32 or uint64.
      algorithm: a `RandomAlgorithm`. The bits and the new key equal XLA's RngBitGenerator's
        for RNG_THREE_FRY and RNG_PHILOX, for every dtype and shape; RNG_DEFAULT is Philox
        on every backend (XLA's default on CPUs and GPUs; TPUs default to another generator).

    Returns:
      `(new_key, bits)`: the new key of `key`'s shape and dtype, and the bits.

    >>> import numpy as np
    >>> new_key, bits = rng_bit_generator(np.array([0, 0, 0, 0], np.uint32), (3,), np.uint8)
    >>> new_key.tolist(), bits.dtype
    ([0, 0, 1, 0], dtype('uint8'))
    """
    key = as_array(key)
    dt = D.canonicalize(dtype)
    if dt not in _BITS:
        raise op_error(DTypeError, "rng_bit_generator", f"makes unsigned integers, got dtype {dt}",
                       "pass dtype uint8, uint16, uint32 or uint64 (and convert the bits)")
    algorithm = RandomAlgorithm(algorithm)
    shape = tuple(int(n) for n in shape)
    if (key.dtype, key.shape) == (_U32, (4,)):
        k = [S.reshape(S.slice_in_dim(key, i, i + 1, 1, 0), ()) for i in range(4)]
        w0, w1 = _join(k[0], k[1]), _join(k[2], k[3])
    elif (key.dtype, key.shape) == (_U64, (2,)):
        w0, w1 = (S.reshape(S.slice_in_dim(key, i, i + 1, 1, 0), ()) for i in range(2))
    else:
        raise op_error(ShapeError, "rng_bit_generator", f"the key must be uint32[4] or uint64[2], got "
                       f"{key.dtype}{list(key.shape)}", "pass the key returned by the previous call, or a "
                       "uint32 array of 4 seed words")
    generate = _threefry if algorithm is RandomAlgorithm.RNG_THREE_FRY else _philox
    bits, w1 = generate(w0, w1, shape, dt == _U64)
    if key.dtype == _U64:
        new_key = S.concatenate([S.reshape(w0, (1,)), S.reshape(w1, (1,))], 0)
    else:
        new_key = S.concatenate([S.slice_in_dim(key, 0, 2, 1, 0), S.reshape(_low(w1), (1,)),
                                 S.reshape(_high(w1), (1,))], 0)
    return new_key, bits if bits.dtype == dt else bits.astype(dt)
