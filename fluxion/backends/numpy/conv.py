"""NumPy kernels of the windowed primitives: a strided window view of the dilated, padded
input, contracted with the kernel (convolution) or reduced (reduce_window)."""
from __future__ import annotations

import math

import numpy as np
from numpy.lib.stride_tricks import as_strided

from ...core import dtypes
from ...core.primitive import numpy_kernel
from ...ops import conv as C

_LOW = (dtypes.float16, dtypes.bfloat16)


def _dilate_pad(x: np.ndarray, axes, dilation, padding, fill) -> np.ndarray:
    """`x` with `dilation - 1` holes between elements and (low, high) padding along `axes`,
    both filled with `fill`; negative padding crops."""
    if all(d == 1 for d in dilation) and all(p == (0, 0) for p in padding):
        return x
    shape, place, crop = list(x.shape), [slice(None)] * x.ndim, [slice(None)] * x.ndim
    for ax, d, (lo, hi) in zip(axes, dilation, padding):
        size = C.dilate_dim(x.shape[ax], d)
        shape[ax] = size + max(lo, 0) + max(hi, 0)
        place[ax] = slice(max(lo, 0), max(lo, 0) + size, d)
        crop[ax] = slice(max(-lo, 0), shape[ax] - max(-hi, 0))
    out = np.full(shape, fill, x.dtype)
    out[tuple(place)] = x
    return out[tuple(crop)]


def _windows(x: np.ndarray, axes, window, strides, dilation) -> np.ndarray:
    """A view of shape x.shape (strided along `axes`) + window: every window position's elements."""
    shape, steps = list(x.shape), list(x.strides)
    for ax, w, s, d in zip(axes, window, strides, dilation):
        shape[ax] = (x.shape[ax] - C.dilate_dim(w, d)) // s + 1
        steps[ax] = x.strides[ax] * s
    shape += window
    steps += [x.strides[ax] * d for ax, d in zip(axes, dilation)]
    if x.flags.c_contiguous:  # (a view of a contiguous buffer costs less made directly)
        return np.ndarray(shape, x.dtype, x, 0, steps)
    return as_strided(x, shape, steps, writeable=False)


def _conv(lhs, rhs, *, window_strides, padding, lhs_dilation, rhs_dilation, dimension_numbers,
          feature_group_count, batch_group_count, preferred_element_type):
    lhs_spec, rhs_spec, out_spec = dimension_numbers
    dt = lhs.dtype if preferred_element_type is None else preferred_element_type
    work = np.dtype(np.float32) if dt in _LOW else dt
    lhs = np.transpose(np.asarray(lhs), lhs_spec).astype(work, copy=False)
    rhs = np.transpose(np.asarray(rhs), rhs_spec).astype(work, copy=False)
    nsp = lhs.ndim - 2
    axes = tuple(range(2, 2 + nsp))
    (n, c), (o, i), kernel = lhs.shape[:2], rhs.shape[:2], rhs.shape[2:]
    b, g = batch_group_count, feature_group_count
    spatial = C.window_output_shape(lhs.shape[2:], kernel, window_strides, padding, lhs_dilation, rhs_dilation)
    if 0 in spatial or lhs.size == 0 or rhs.size == 0:
        out = np.zeros((n // b, o) + spatial, work)
    else:
        lhs = _dilate_pad(lhs, axes, lhs_dilation, padding, 0)
        view = _windows(lhs, axes, kernel, window_strides, rhs_dilation)
        # one of b, g is 1: batch groups split the batch, feature groups the input features; either
        # kind pairs group j of the input with group j of the output features.
        # Each group is one matrix product: (outputs, features * window) times the columns
        # (features * window, positions), copied from the windows with the positions innermost, so
        # that the copy runs along rows of the input.
        view = view.reshape((b, n // b, g, c // g) + view.shape[2:])
        view = view.transpose((0, 2, 3, *range(4 + nsp, 4 + 2 * nsp), 1, *range(4, 4 + nsp)))
        cols = view.reshape(b, g, i * math.prod(kernel), -1)
        out = rhs.reshape(b, g, o // (b * g), -1) @ cols
        out = out.reshape((b, g, o // (b * g), n // b) + spatial)
        out = out.transpose((3, 0, 1, 2, *range(4, 4 + nsp))).reshape((n // b, o) + spatial)
    return np.transpose(out, np.argsort(out_spec))


_REDUCERS = {"max": np.maximum, "min": np.minimum, "sum": np.add}


def _identity(computation: str, dt: np.dtype):
    """The value that leaves a window's result unchanged (what padding and holes hold)."""
    if computation == "sum":
        return dt.type(0)
    low = computation == "max"
    if dt == dtypes.bool_:
        return not low
    if dt.kind in "iu":
        info = np.iinfo(dt)
        return info.min if low else info.max
    return -np.inf if low else np.inf


def _reduce_window(x, *, computation, window_dimensions, window_strides, padding, base_dilation, window_dilation):
    x = np.asarray(x)
    if x.dtype in _LOW:  # reduce in float32 (a more accurate sum); the interpreter casts back
        x = x.astype(np.float32)
    axes = tuple(range(x.ndim))
    shape = C.window_output_shape(x.shape, window_dimensions, window_strides, padding, base_dilation,
                                  window_dilation)
    if 0 in shape:
        return np.zeros(shape, x.dtype)
    x = _dilate_pad(x, axes, base_dilation, padding, _identity(computation, x.dtype))
    view = _windows(x, axes, window_dimensions, window_strides, window_dilation)
    # one elementwise pass per window offset: much faster than reducing the strided window axes
    reducer, offsets = _REDUCERS[computation], np.ndindex(*window_dimensions)
    out = view[(Ellipsis,) + next(offsets)].copy()
    for offset in offsets:
        reducer(out, view[(Ellipsis,) + offset], out=out)
    return out


numpy_kernel[C.conv_general_dilated_p] = _conv
numpy_kernel[C.reduce_window_p] = _reduce_window
