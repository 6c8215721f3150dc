"""XLA lowering of the indexing primitives.

XLA clamps and checks bounds in the indices' dtype: indices of a dtype that cannot hold
every bound of the operand (narrower than int32, or int32 on an axis of 2**31 elements or
more), or unsigned, are converted to int64 first, where they would wrap; int32 indices are
kept otherwise, as XLA gathers and scatters with them faster. A dynamic slice's starts share
one dtype. (`jax.lax.dynamic_slice` would also count negative starts from the end,
which XLA does not: that is turned off.)
"""
from __future__ import annotations

import jax.numpy as jnp
import numpy as np
from jax import lax

from ...core import dtypes
from ...core.rules import xla_lowering
from ...ops import indexing as I

_MODES = {"clip": lax.GatherScatterMode.CLIP, "fill": lax.GatherScatterMode.FILL_OR_DROP,
          "promise_in_bounds": lax.GatherScatterMode.PROMISE_IN_BOUNDS}
_INT64_MAX = np.iinfo(np.int64).max


def _int64(i):
    """Indices as int64; uint64 indices beyond int64's range saturate (they stay out of bounds)."""
    if i.dtype == np.uint64:
        i = lax.min(i, np.uint64(_INT64_MAX))
    return lax.convert_element_type(i, np.int64)


def _holds(dt: np.dtype, shape) -> bool:
    """Whether indices of dtype `dt` hold every bound of an operand of `shape`."""
    return dt == np.int64 or dt == np.int32 and max(shape, default=0) < 2 ** 31


def _starts(starts, shape) -> list:
    """Starts of one dtype that holds every bound of `shape`, which XLA clamps in."""
    dts = {s.dtype for s in starts}
    if len(dts) == 1 and _holds(starts[0].dtype, shape):
        return list(starts)
    return [_int64(s) for s in starts]


def _indices(i, shape):
    """Gather or scatter indices in a dtype that holds every bound of `shape`."""
    return i if _holds(i.dtype, shape) else _int64(i)


def _dynamic_slice(x, *starts, slice_sizes):
    return lax.dynamic_slice(x, _starts(starts, x.shape), slice_sizes, allow_negative_indices=False)


def _dynamic_update_slice(x, update, *starts):
    return lax.dynamic_update_slice(x, update, _starts(starts, x.shape), allow_negative_indices=False)


def _gather(operand, indices, *, dimension_numbers, slice_sizes, mode, fill_value):
    return lax.gather(operand, _indices(indices, operand.shape), lax.GatherDimensionNumbers(*dimension_numbers), slice_sizes,
                      mode=_MODES[mode], fill_value=fill_value)


# a boolean add is an OR and a boolean product an AND, which are max and min on booleans
_ON_BOOL = {lax.scatter_add: lax.scatter_max, lax.scatter_mul: lax.scatter_min}
_EXTREMA = (lax.scatter_min, lax.scatter_max)


def _complex_nan_wins(out, operand, indices, updates, dn, mode):
    """lax orders complex numbers lexicographically, and a NaN part loses its comparison, while
    NumPy's maximum and minimum keep any complex NaN they meet: an element that holds a NaN
    keeps it, and one that receives a NaN update becomes NaN."""
    received = lax.scatter_max(jnp.zeros(operand.shape, bool), indices, jnp.isnan(updates), dn, mode=mode)
    nan = jnp.full(operand.shape, complex(np.nan, np.nan), operand.dtype)
    return lax.select(jnp.isnan(operand), operand, lax.select(received, nan, out))


def _scatter(scatter):
    def rule(operand, indices, updates, *, dimension_numbers, mode):
        dn, mode, indices = lax.ScatterDimensionNumbers(*dimension_numbers), _MODES[mode], _indices(indices, operand.shape)
        if operand.dtype == np.bool_:
            return _ON_BOOL.get(scatter, scatter)(operand, indices, updates, dn, mode=mode)
        out = scatter(operand, indices, updates, dn, mode=mode)
        if scatter in _EXTREMA and operand.dtype in dtypes.COMPLEX:
            return _complex_nan_wins(out, operand, indices, updates, dn, mode)
        return out
    return rule


xla_lowering.update({
    I.dynamic_slice_p: _dynamic_slice,
    I.dynamic_update_slice_p: _dynamic_update_slice,
    I.gather_p: _gather,
    I.scatter_p: _scatter(lax.scatter),
    I.scatter_add_p: _scatter(lax.scatter_add),
    I.scatter_mul_p: _scatter(lax.scatter_mul),
    I.scatter_min_p: _scatter(lax.scatter_min),
    I.scatter_max_p: _scatter(lax.scatter_max),
})
