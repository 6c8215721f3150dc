"""XLA lowering of the reduction primitives.

Each is the `jax.lax` operation of the same name (whose parameters have the primitive's
names). As in the NumPy kernels, 16-bit floats are summed and multiplied in float32 and
rounded to their dtype once at the end, so that eager and compiled results agree.

Short axes before a long minor part (the rounds of a sampler drawn for 10**6 values): XLA's
CPU reductions over them run up to a hundred times slower than elementwise steps once that
part is long, and its running sums along them (windows of the whole axis) even more, so
there they are written as steps over slices, in NumPy's order.
"""
from __future__ import annotations

import functools
import itertools
import math

import numpy as np
from jax import lax

from ...core import dtypes
from ...core.rules import xla_lowering
from ...ops import reduce as R

_LOW = (dtypes.float16, dtypes.bfloat16)


def _in_float32(fn):
    """`fn` computed in float32 for 16-bit float operands."""
    def rule(x, **params):
        if x.dtype in _LOW:
            return lax.convert_element_type(fn(lax.convert_element_type(x, np.float32), **params), x.dtype)
        return fn(x, **params)
    return rule


def _on_bool_as_uint8(fn):
    """`fn` for booleans through uint8 (lax's running max and min take numbers only)."""
    def rule(x, **params):
        if x.dtype == np.bool_:
            return lax.convert_element_type(fn(lax.convert_element_type(x, np.uint8), **params), np.bool_)
        return fn(x, **params)
    return rule


# a reduced or scanned axis this short is done in steps; the reductions only before this many
# elements of minor axes (from there XLA's CPU reductions over an outer axis slow down sharply)
_STEPS = 32
_LONG_MINOR = 1 << 14


def _short_block_before_long_minor(shape: tuple, axes: tuple) -> bool:
    """Whether sorted `axes` are consecutive, of at most `_STEPS` elements in all, and followed
    by at least `_LONG_MINOR` elements of minor axes."""
    return (bool(axes) and axes == tuple(range(axes[0], axes[-1] + 1))
            and 1 <= math.prod(shape[a] for a in axes) <= _STEPS and math.prod(shape[axes[-1] + 1:]) >= _LONG_MINOR)


def _stepwise_reduction(reduce, combine):
    """`reduce(x, axes=...)`, or the same reduction as a chain of `combine` over slices where
    the reduced axes are one short block before a long minor part."""
    def rule(x, *, axes):
        axes = tuple(sorted(axes))
        if not _short_block_before_long_minor(x.shape, axes):
            return reduce(x, axes=axes)
        first, count = axes[0], math.prod(x.shape[a] for a in axes)
        x = lax.reshape(x, (*x.shape[:first], count, *x.shape[axes[-1] + 1:]))
        return functools.reduce(combine, (lax.index_in_dim(x, i, first, keepdims=False) for i in range(count)))
    return rule


def _stepwise_scan(scan, combine):
    """`scan(x, axis=..., reverse=...)`, or the same running reduction as steps of `combine`
    over slices along a short axis that is not the last."""
    def rule(x, *, axis, reverse):
        n = x.shape[axis]
        if not 1 <= n <= _STEPS or axis == x.ndim - 1:
            return scan(x, axis=axis, reverse=reverse)
        order = range(n - 1, -1, -1) if reverse else range(n)
        steps = list(itertools.accumulate((lax.index_in_dim(x, i, axis) for i in order), combine))
        return lax.concatenate(steps[::-1] if reverse else steps, axis)
    return rule


def _nan_kept(rule):
    """`rule` (a max or min reduction), NaN where the reduced elements of a float hold one: XLA's
    CPU reductions drop NaNs in many layouts (of a few thousand elements, or of a few along a
    minor axis of many rows; jax's too), which NumPy, the eager kernels and the elementwise max
    and min keep. On many elements, a sum of x - x, which XLA reduces as fast as the maximum, is
    0 unless a NaN or an infinity is reduced, and only then does a branch look for NaNs (a
    reduction of a mask, several times slower; on few, the branch costs more to compile than
    that saves)."""
    def kept(x, *, axes):
        out = rule(x, axes=axes)
        if x.dtype not in dtypes.FLOATING:
            return out
        axes = tuple(axes)

        def with_nans(out):
            # (a float32 maximum of the NaN mask: XLA compiles it faster than a reduction of booleans)
            nan = lax.reduce_max(lax.convert_element_type(lax.ne(x, x), np.float32), axes=axes) > 0
            return lax.select(nan, lax.full_like(out, np.nan), out)

        if x.size < _MANY:
            return with_nans(out)
        flag = lax.reduce_sum(lax.sub(x, x), axes)
        suspect = lax.reduce_or(lax.ne(flag, flag), tuple(range(flag.ndim)))
        return lax.cond(suspect, with_nans, lambda out: out, out)
    return kept


_MANY = 1 << 16


xla_lowering.update({
    R.reduce_sum_p: _in_float32(_stepwise_reduction(lax.reduce_sum, lax.add)),
    R.reduce_prod_p: _in_float32(_stepwise_reduction(lax.reduce_prod, lax.mul)),
    R.reduce_max_p: _nan_kept(_stepwise_reduction(lax.reduce_max, lax.max)),
    R.reduce_min_p: _nan_kept(_stepwise_reduction(lax.reduce_min, lax.min)),
    R.reduce_and_p: _stepwise_reduction(lax.reduce_and, lax.bitwise_and),
    R.reduce_or_p: _stepwise_reduction(lax.reduce_or, lax.bitwise_or),
    R.reduce_xor_p: _stepwise_reduction(lax.reduce_xor, lax.bitwise_xor),
    R.argmax_p: lax.argmax, R.argmin_p: lax.argmin,
    R.cumsum_p: _in_float32(_stepwise_scan(lax.cumsum, lax.add)),
    R.cumprod_p: _in_float32(_stepwise_scan(lax.cumprod, lax.mul)),
    R.cummax_p: _on_bool_as_uint8(_stepwise_scan(lax.cummax, lax.max)),
    R.cummin_p: _on_bool_as_uint8(_stepwise_scan(lax.cummin, lax.min)),
    R.cumlogsumexp_p: _in_float32(lax.cumlogsumexp),
})
