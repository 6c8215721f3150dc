"""NumPy kernels of the reduction primitives.

16-bit floats are reduced in float32 (as XLA does on CPU) and the eager interpreter rounds
the result back; integers are reduced in their own dtype, so they wrap as XLA's do.
"""
from __future__ import annotations

import numpy as np

from ...core import dtypes
from ...core.primitive import numpy_kernel
from ...ops import reduce as R
from ._loops import add_reduce

_LOW = (dtypes.float16, dtypes.bfloat16)


def _wide(x) -> np.ndarray:
    x = np.asarray(x)
    return x.astype(np.float32) if x.dtype in _LOW else x


def _arith(ufunc):
    def kernel(x, *, axes):
        x = _wide(x)
        return ufunc.reduce(x, axis=axes, dtype=x.dtype)
    return kernel


def _sum(x, *, axes):
    return add_reduce(_wide(x), axes)


def _extremum(ufunc, identity):
    def kernel(x, *, axes):
        x = _wide(x)
        return ufunc.reduce(x, axis=axes, initial=identity(x.dtype).item())
    return kernel


def _bitwise(logical, bitwise):
    def kernel(x, *, axes):
        x = np.asarray(x)
        return (logical if x.dtype == np.bool_ else bitwise).reduce(x, axis=axes)
    return kernel


def _arg(fn):
    def kernel(x, *, axis, index_dtype):
        return fn(_wide(x), axis=axis).astype(index_dtype)
    return kernel


_ROW = 256  # elements of a step from which a running reduction goes a step at a time (see below)


def _accumulate(ufunc: np.ufunc):
    """The running `ufunc` along an axis. NumPy's accumulate runs along the axis in its inner loop,
    which for any but the last axis is strided, some 10 ns an element; where each step along the
    axis holds `_ROW` elements or more, contiguous by 16 or more, the same operations run instead a
    step at a time, `out[i] = ufunc(out[i - 1], x[i])`, each a contiguous loop (5x faster for
    256 x 256 float32 along the first axis)."""
    def kernel(x, *, axis, reverse):
        x = _wide(x)
        steps = x.shape[axis]
        if steps < 2 or not x.flags.c_contiguous or x.strides[axis] < 16 * x.itemsize or x.size // steps < _ROW:
            if reverse:
                return np.flip(ufunc.accumulate(np.flip(x, axis), axis, dtype=x.dtype), axis)
            return ufunc.accumulate(x, axis, dtype=x.dtype)
        out, lead = np.empty_like(x), (slice(None),) * axis
        order = range(steps - 1, -1, -1) if reverse else range(steps)
        previous = order[0]
        out[lead + (previous,)] = x[lead + (previous,)]
        for i in order[1:]:
            ufunc(out[lead + (previous,)], x[lead + (i,)], out=out[lead + (i,)])
            previous = i
        return out
    return kernel


numpy_kernel.update({
    R.reduce_sum_p: _sum,
    R.reduce_prod_p: _arith(np.multiply),
    R.reduce_max_p: _extremum(np.maximum, R.lowest),
    R.reduce_min_p: _extremum(np.minimum, R.highest),
    R.reduce_and_p: _bitwise(np.logical_and, np.bitwise_and),
    R.reduce_or_p: _bitwise(np.logical_or, np.bitwise_or),
    R.reduce_xor_p: _bitwise(np.logical_xor, np.bitwise_xor),
    # the methods and ufuncs behind np.argmax and np.cumsum, without their Python wrappers' cost
    R.argmax_p: _arg(np.ndarray.argmax),
    R.argmin_p: _arg(np.ndarray.argmin),
    R.cumsum_p: _accumulate(np.add),
    R.cumprod_p: _accumulate(np.multiply),
    R.cummax_p: _accumulate(np.maximum),
    R.cummin_p: _accumulate(np.minimum),
    R.cumlogsumexp_p: _accumulate(np.logaddexp),
})
