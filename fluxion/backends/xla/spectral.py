"""XLA lowering of the spectral primitives: fft, conv_general_dilated and reduce_window.

Convolutions take their operands, accumulation dtype and precision as dots do (see
`linalg.product_operands`); windows of 16-bit floats are summed in float32 and rounded once,
as the NumPy kernels do, and padding and holes hold the kernels' identities.
"""
from __future__ import annotations

import jax.numpy as jnp
import numpy as np
from jax import lax
from jax.experimental.layout import Layout, with_layout_constraint

from ...core import dtypes as D
from ...core.rules import xla_lowering
from ...ops import conv as C
from ...ops import fft as F
from ..numpy.conv import _identity  # what padding and holes hold: one definition for both backends
from .linalg import product_operands

_LOW = (D.float16, D.bfloat16)
_FFT_TYPES = {"fft": lax.FftType.FFT, "ifft": lax.FftType.IFFT, "rfft": lax.FftType.RFFT,
              "irfft": lax.FftType.IRFFT}


def _fft(x, *, fft_type, fft_lengths):
    """XLA's fft, on and to arrays held row-major: XLA's CPU fft takes no other layout, and its layout
    assignment would otherwise pass it the column-major layout that a LAPACK call nearby asks for."""
    row_major = Layout(tuple(range(x.ndim)))
    out = lax.fft(with_layout_constraint(x, row_major), _FFT_TYPES[fft_type], fft_lengths)
    return with_layout_constraint(out, row_major)


def _conv(lhs, rhs, *, window_strides, padding, lhs_dilation, rhs_dilation, dimension_numbers, feature_group_count,
          batch_group_count, preferred_element_type):
    out_dt = preferred_element_type or lhs.dtype
    lhs, rhs, work, precision = product_operands(lhs, rhs, preferred_element_type)
    if (batch_group_count > 1 and any(d > 1 for d in lhs_dilation)) or any(p < 0 for p in np.ravel(padding)):
        # the holes and padding are made beforehand: XLA's compiler aborts on holes with batch groups, and
        # its CPU convolutions take the wrong windows for negative padding with strides over several features
        edges = [(0, 0, 0)] * lhs.ndim
        for axis, d, (lo, hi) in zip(dimension_numbers[0][2:], lhs_dilation, padding):
            edges[axis] = (lo, hi, d - 1)
        lhs = lax.pad(lhs, lax.convert_element_type(0, lhs.dtype), edges)
        lhs_dilation, padding = (1,) * len(lhs_dilation), ((0, 0),) * len(padding)
    out = lax.conv_general_dilated(
        lhs, rhs, window_strides, padding, lhs_dilation=lhs_dilation, rhs_dilation=rhs_dilation,
        dimension_numbers=lax.ConvDimensionNumbers(*dimension_numbers), feature_group_count=feature_group_count,
        batch_group_count=batch_group_count, precision=precision, preferred_element_type=work)
    return lax.convert_element_type(out, out_dt)


_REDUCERS = {"max": lax.max, "min": lax.min, "sum": lax.add}


def _reduce_window(x, *, computation, window_dimensions, window_strides, padding, base_dilation, window_dilation):
    dt = x.dtype
    if dt in _LOW:  # summed in float32, as the kernel
        x = lax.convert_element_type(x, D.float32)
    init = jnp.asarray(_identity(computation, x.dtype), x.dtype)
    window = (window_dimensions, window_strides, padding, base_dilation, window_dilation)
    out = lax.reduce_window(x, init, _REDUCERS[computation], *window)
    if computation != "sum" and x.dtype in D.FLOATING:  # (XLA's CPU max and min over many windows drop NaNs)
        nan = lax.reduce_window(lax.convert_element_type(lax.ne(x, x), np.uint8), np.uint8(0), lax.max, *window)
        out = lax.select(lax.convert_element_type(nan, np.bool_), lax.full_like(out, np.nan), out)
    return lax.convert_element_type(out, dt)


xla_lowering.update({
    F.fft_p: _fft,
    C.conv_general_dilated_p: _conv,
    C.reduce_window_p: _reduce_window,
})
