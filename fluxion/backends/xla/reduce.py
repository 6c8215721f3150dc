"""XLA lowering of the reduction primitives.

As in the NumPy kernels, 16-bit floats are summed and multiplied in float32 and rounded to
their dtype once at the end, so that eager and compiled results agree.
"""
from __future__ import annotations

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


def _reduction(fn):
    return lambda x, *, axes: fn(x, axes)


def _cumulative(fn):
    def rule(x, *, axis, reverse):
        if x.dtype == np.bool_:  # lax's running max and min take numbers only
            return lax.convert_element_type(fn(lax.convert_element_type(x, np.uint8), axis, reverse), np.bool_)
        return fn(x, axis, reverse)
    return rule


xla_lowering.update({
    R.reduce_sum_p: _in_float32(_reduction(lax.reduce_sum)),
    R.reduce_prod_p: _in_float32(_reduction(lax.reduce_prod)),
    R.reduce_max_p: _reduction(lax.reduce_max),
    R.reduce_min_p: _reduction(lax.reduce_min),
    R.reduce_and_p: _reduction(lax.reduce_and),
    R.reduce_or_p: _reduction(lax.reduce_or),
    R.reduce_xor_p: _reduction(lax.reduce_xor),
    R.argmax_p: lambda x, *, axis, index_dtype: lax.argmax(x, axis, index_dtype),
    R.argmin_p: lambda x, *, axis, index_dtype: lax.argmin(x, axis, index_dtype),
    R.cumsum_p: _in_float32(_cumulative(lax.cumsum)),
    R.cumprod_p: _in_float32(_cumulative(lax.cumprod)),
    R.cummax_p: _cumulative(lax.cummax),
    R.cummin_p: _cumulative(lax.cummin),
    R.cumlogsumexp_p: _in_float32(_cumulative(lax.cumlogsumexp)),
})
