"""Discrete distributions: bernoulli, rademacher, categorical (Gumbel-max, Gumbel-top-k) and randint."""
from __future__ import annotations

import functools
import math
import operator

import numpy as np

from ..core import dtypes
from ..core.array import Array, to_array
from ..core.errors import DTypeError, InvalidArgumentError, ShapeError, op_error
from ..numpy._convert import convert
from ..ops import elementwise as E
from ..ops import reduce as R
from ..ops import shape as S
from ..ops._util import axis_index, broadcasts_to
from ..ops.sort import top_k
from ._continuous import gumbel, unit_float_pair, unit_floats
from ._keys import split_bits
from ._ops import ops_for
from ._util import (ArrayLike, DTypeLike, Shape, canonical_shape, const, draw_dtype, param,
                    sample_shape)

__all__ = ["bernoulli", "categorical", "rademacher", "randint"]


def bernoulli(key: ArrayLike, p: ArrayLike = 0.5, shape: Shape | None = None, mode: str = "low") -> Array:
    """Booleans that are True with probability `p` (which broadcasts to `shape`).

    `mode="low"` compares `p` with one uniform float, whose resolution (2**-23 for float32)
    makes probabilities below about 1e-7 wrong; `mode="high"` refines that float with a second
    draw (to 2**-46), at twice the cost.

    >>> import fluxion as fx
    >>> fx.random.bernoulli(fx.random.key(0), 0.5, (3,)).dtype
    dtype('bool')
    """
    if mode not in ("low", "high"):
        raise op_error(InvalidArgumentError, "random.bernoulli", f"unknown mode {mode!r}",
                       "pass mode='low' (the default) or 'high'")
    # `param` gets `p` itself: a Python number becomes a strong Array at once, where the weak
    # Array of `to_array` would take a conversion
    p = param("bernoulli", "p", p, draw_dtype(to_array(p)))
    shape = sample_shape("bernoulli", shape, p.shape)
    if mode == "high":
        hi, lo = unit_float_pair("bernoulli", key, shape, p.dtype)
        # hi + lo * 2**-nmant < p, with hi a multiple of 2**-nmant: p - hi is exact wherever it matters
        scale = const(2.0 ** -np.finfo(p.dtype).nmant, p.dtype)
        return E.lt_p.bind(E.mul_p.bind(lo, scale), E.sub_p.bind(p, hi))
    ops = ops_for(key, p)
    return ops.result(ops.lt(unit_floats("bernoulli", key, shape, p.dtype, ops), ops.read(p)))


def rademacher(key: ArrayLike, shape: Shape = (), dtype: DTypeLike = dtypes.int64) -> Array:
    """-1 or 1 with probability 1/2 each, of `shape` and a signed integer or real float `dtype`:
    2 b - 1 for b = bernoulli(key, 0.5, shape), as jax draws it (so the same key gives the same signs).

    >>> import fluxion as fx
    >>> sorted(set(fx.random.rademacher(fx.random.key(0), (100,)).tolist()))
    [-1, 1]
    """
    dt = dtypes.canonicalize(dtype)
    if dt not in dtypes.SIGNED and dt not in dtypes.REAL_FLOATING:
        raise op_error(DTypeError, "random.rademacher", f"dtype {dt} has no -1",
                       "pass a signed integer dtype such as fnp.int32, or a float dtype")
    b = convert(bernoulli(key, 0.5, canonical_shape("random.rademacher", shape)), dt)
    return E.sub_p.bind(E.add_p.bind(b, b), const(1, dt))


def categorical(key: ArrayLike, logits: ArrayLike, axis: int = -1, shape: Shape | None = None,
                replace: bool = True, mode: str | None = None) -> Array:
    """Category indices (int64) drawn with probabilities softmax(logits) along `axis`.

    The batch shape of `logits` is its shape without `axis`; the output has `shape`, which ends
    with a shape the batch shape broadcasts to (default: the batch shape). With `replace`, each
    draw is argmax(logits + g) for independent standard Gumbel g (the Gumbel-max trick). Without,
    the leading axes of `shape` (those before the batch shape, `k` entries in all) hold `k`
    distinct categories per batch element: the top k of one noisy copy of logits (the
    Gumbel-top-k trick), so `shape` must end with the batch shape itself. `mode` is gumbel's:
    "high" draws categories of probability below about 1e-7 (float32) correctly.

    >>> import fluxion as fx
    >>> import fluxion.numpy as fnp
    >>> fx.random.categorical(fx.random.key(0), fnp.asarray([-20.0, 20.0]), shape=(3,)).tolist()
    [1, 1, 1]
    >>> sorted(fx.random.categorical(fx.random.key(0), fnp.zeros(3), shape=(3,), replace=False).tolist())
    [0, 1, 2]
    """
    logits = to_array(logits)
    logits = param("categorical", "logits", logits, draw_dtype(logits))
    if logits.ndim == 0:
        raise op_error(ShapeError, "random.categorical", "logits is 0-d; it needs an axis of categories",
                       "pass logits with one entry per category, e.g. shape (n,)")
    axis = axis_index("random.categorical", operator.index(axis), logits.ndim)
    n = logits.shape[axis]
    if n == 0:
        raise op_error(ShapeError, "random.categorical", f"logits has no categories along axis {axis}",
                       "pass at least one category")
    batch = logits.shape[:axis] + logits.shape[axis + 1:]
    shape = batch if shape is None else canonical_shape("random.categorical", shape)
    if not broadcasts_to(batch, shape):
        raise op_error(ShapeError, "random.categorical",
                       f"the batch shape {batch} of logits (its shape without axis {axis}) does not broadcast "
                       f"to shape {shape}",
                       "pass a shape that ends with the batch shape, or shape=None")
    if not replace:
        return _without_replacement(key, logits, axis, shape, batch, mode)
    where = len(shape) - len(batch) + axis  # the category axis in the noise
    full = shape[:where] + (n,) + shape[where:]
    noisy = E.add_p.bind(gumbel(key, full, logits.dtype, mode), S.broadcast_to(logits, full))
    return R.argmax(noisy, where, dtypes.int64)


def _without_replacement(key, logits: Array, axis: int, shape: tuple[int, ...], batch: tuple[int, ...],
                         mode: str | None) -> Array:
    """Gumbel-top-k: the k largest of logits + g are k draws without replacement, in order."""
    prefix = shape[:len(shape) - len(batch)]
    if shape[len(prefix):] != batch:
        raise op_error(ShapeError, "random.categorical", f"without replacement, shape {shape} must end with the "
                       f"batch shape {batch} itself (each batch element draws its own distinct categories)",
                       f"pass shape=(k,) + {batch} for k draws per batch element")
    k, n = math.prod(prefix), logits.shape[axis]
    if k > n:
        raise op_error(InvalidArgumentError, "random.categorical", f"{k} draws without replacement (shape "
                       f"{shape}) from {n} categories", f"draw at most {n} per batch element, or pass replace=True")
    noisy = E.add_p.bind(logits, gumbel(key, logits.shape, logits.dtype, mode))
    last = tuple(i for i in range(logits.ndim) if i != axis) + (axis,)
    _, indices = top_k(S.transpose(noisy, last), k)  # (*batch, k)
    indices = S.transpose(indices, (len(batch),) + tuple(range(len(batch))))
    return convert(S.reshape(indices, shape), dtypes.int64)


# randint ------------------------------------------------------------------------------------------
_U64 = dtypes.uint64


@functools.lru_cache(maxsize=None)
def _range(dt: np.dtype) -> tuple[int, int]:
    """The smallest and largest values of the integer dtype `dt`, as Python ints (iinfo's
    properties compute them anew on each read)."""
    info = np.iinfo(dt)
    return int(info.min), int(info.max)


def _wide(op: str, name: str, x, wide: np.dtype) -> tuple[Array, Array | None]:
    """An integer bound as an Array of `wide` (int64 or uint64), saturating instead of wrapping;
    and where it can be past the top of `wide`'s range, whether it is (a boolean Array), else None."""
    top = _range(wide)[1]
    if isinstance(x, int) and not isinstance(x, bool):
        return const(min(max(x, _range(wide)[0]), top), wide), const(True, dtypes.bool_) if x > top else None
    x = to_array(x)
    if x.dtype not in dtypes.INTEGER:
        raise op_error(DTypeError, f"random.{op}", f"{name} must be an integer, got dtype {x.dtype}",
                       f"pass an int or an integer array as {name}")
    past = None
    if wide == _U64 and x.dtype in dtypes.SIGNED:
        x = E.max_p.bind(x, const(0, x.dtype))
    elif wide == dtypes.int64 and x.dtype == _U64:
        past = E.gt_p.bind(x, const(top, _U64))
        x = E.min_p.bind(x, const(top, _U64))
    return convert(x, wide), past


def _clip(x: Array, lo: int, hi: int, ops) -> Array:
    """`x` (of dtype int64 or uint64) clipped to [lo, hi]: nothing to do where that is `x`'s range."""
    if (lo, hi) == _range(x.dtype):
        return x
    lo, hi = max(lo, _range(x.dtype)[0]), min(hi, _range(x.dtype)[1])
    return ops.min(ops.max(x, ops.const(lo, x.dtype)), ops.const(hi, x.dtype))


def _unsigned(x: Array, uint: np.dtype, ops) -> Array:
    """The integer `x` modulo 2**bits of the unsigned `uint` (bits 32 or 64)."""
    return ops.convert(ops.convert(x, _U64) if x.dtype != _U64 else x, uint)


def _sampled_span(lo: Array, hi: Array, beyond: Array | None, uint: np.dtype, ops) -> Array:
    """maxval - minval as `uint` (1 where the range is empty), one more where maxval lies beyond
    the dtype's range that clipped it to `hi`, as `beyond` says (None: nowhere); 0 where that
    wraps: the whole range of `uint`."""
    valid = ops.gt(hi, lo)
    span = ops.select(valid, ops.const(1, uint), ops.sub(_unsigned(hi, uint, ops), _unsigned(lo, uint, ops)))
    if beyond is None:
        return span
    return ops.add(span, ops.convert(ops.and_(valid, beyond), uint))


def _offsets(key, shape: tuple[int, ...], span: Array, uint: np.dtype, wraps: bool, ops) -> Array:
    """Offsets in [0, span) from two words of `uint` per value (one from each key of split(key)):
    (hi mod span) (2**bits mod span) + lo mod span, modulo span, in the wrapping arithmetic of
    `uint`; where the span `wraps` to 0, x mod 0 is x (the remainder's value there)."""
    w_hi, w_lo = (ops.reshape(b, shape) for b in split_bits("randint", key, 2, shape, uint, ops))
    if wraps:
        zero = ops.eq(span, ops.const(0, uint))
        divisor = ops.select(zero, span, ops.const(1, uint))

        def mod(x):
            return ops.select(zero, ops.rem(x, divisor), x)
    else:
        def mod(x):
            return ops.rem(x, span)

    half = mod(ops.const(2 ** (4 * uint.itemsize), uint))  # 2**(bits/2) mod span, squared: 2**bits mod span
    multiplier = mod(ops.mul(half, half))
    return mod(ops.add(ops.mul(mod(w_hi), multiplier), mod(w_lo)))


def randint(key: ArrayLike, shape: Shape, minval: ArrayLike, maxval: ArrayLike,
            dtype: DTypeLike = dtypes.int64) -> Array:
    """Integers uniform in [minval, maxval) of `shape` and integer `dtype` (bounds broadcast to it).

    Bounds are clipped to the dtype's range (maxval to one past it); where maxval <= minval the
    result is minval. Values are drawn as jax draws them, so a key gives jax's values: 8- and
    16-bit dtypes sample as int32, and a value is minval + (hi (2**n mod span) + lo) mod span
    for span = maxval - minval and two random n-bit words hi, lo (n = 32 or 64), in n-bit
    arithmetic, where 2**n mod span is (2**(n/2) mod span)**2 mod span. For spans up to
    2**(n/2) each value's probability is within span / 2**(2n) (relative) of 1 / span; beyond,
    that square wraps to 0, only lo counts, and the bound is span / 2**n.

    >>> import fluxion as fx
    >>> x = fx.random.randint(fx.random.key(0), (100,), 3, 7)
    >>> sorted(set(x.tolist()))
    [3, 4, 5, 6]
    """
    dt = dtypes.canonicalize(dtype)
    if dt not in dtypes.INTEGER:
        raise op_error(DTypeError, "random.randint", f"dtype {dt} is not an integer dtype",
                       "pass an integer dtype such as fnp.int32; for floats use fx.random.uniform")
    wide = _U64 if dt == _U64 else dtypes.int64
    (lo_w, _), (hi_w, past) = _wide("randint", "minval", minval, wide), _wide("randint", "maxval", maxval, wide)
    shape = sample_shape("randint", shape, lo_w.shape, hi_w.shape)
    sampled = dt if dt.itemsize >= 4 else dtypes.int32
    uint = np.dtype(f"uint{8 * sampled.itemsize}")
    ops = ops_for(key, lo_w, hi_w)
    lo_w, hi_w = ops.read(lo_w), ops.read(hi_w)
    low, high = _range(dt)
    lo = _clip(lo_w, low, high, ops)
    hi = _clip(hi_w, low, high + (sampled != dt), ops)
    # maxval can lie beyond the sampled range only for 32- and 64-bit dtypes (8- and 16-bit bounds
    # are clipped to one past their range), and only if not a Python int within it; past a 64-bit
    # range, `_wide` says where
    beyond = None
    if sampled == dt and not (isinstance(maxval, int) and maxval <= high):
        beyond = ops.gt(hi_w, hi) if high < _range(wide)[1] else None if past is None else ops.read(past)
    offset = _offsets(key, shape, _sampled_span(lo, hi, beyond, uint, ops), uint, beyond is not None, ops)
    value = ops.convert(ops.add(_unsigned(lo, uint, ops), offset), sampled)  # wraps back into `sampled`
    return ops.result(ops.convert(value, dt))
