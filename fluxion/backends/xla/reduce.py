"""XLA lowering of the reduction primitives.

Each is the `jax.lax` operation of the same name (whose parameters have the primitive's
names). As in the NumPy kernels, 16-bit floats are summed and multiplied in float32 and
rounded to their dtype once at the end, so that eager and compiled results agree.
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


def _on_bool_as_uint8(fn):
    """`fn` for booleans through uint8 (lax's running max and min take numbers only)."""
    def rule(x, **params):
        if x.dtype == np.bool_:
            return lax.convert_element_type(fn(lax.convert_element_type(x, np.uint8), **params), np.bool_)
        return fn(x, **params)
    return rule


xla_lowering.update({
    R.reduce_sum_p: _in_float32(lax.reduce_sum), R.reduce_prod_p: _in_float32(lax.reduce_prod),
    R.reduce_max_p: lax.reduce_max, R.reduce_min_p: lax.reduce_min,
    R.reduce_and_p: lax.reduce_and, R.reduce_or_p: lax.reduce_or, R.reduce_xor_p: lax.reduce_xor,
    R.argmax_p: lax.argmax, R.argmin_p: lax.argmin,
    R.cumsum_p: _in_float32(lax.cumsum), R.cumprod_p: _in_float32(lax.cumprod),
    R.cummax_p: _on_bool_as_uint8(lax.cummax), R.cummin_p: _on_bool_as_uint8(lax.cummin),
    R.cumlogsumexp_p: _in_float32(lax.cumlogsumexp),
})
