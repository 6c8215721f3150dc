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
_CACHED = 1 << 22  # bytes of window elements copied at once (a part of the batch)


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
    (n, o), b, g = (lhs.shape[0], rhs.shape[0]), batch_group_count, feature_group_count
    spatial = C.window_output_shape(lhs.shape[2:], rhs.shape[2:], window_strides, padding, lhs_dilation,
                                    rhs_dilation)
    if 0 in spatial or lhs.size == 0 or rhs.size == 0:
        out = np.zeros((n // b, o) + spatial, work)
    else:
        # one of b, g is 1: batch groups split the batch, feature groups the input features; either
        # kind pairs group j of the input with group j of the output features, whose kernel is
        # `w` (b, g, outputs, features, window)
        w = rhs.reshape((b, g, o // (b * g)) + rhs.shape[1:])
        x = lhs.reshape((b, n // b, g, lhs.shape[1] // g) + lhs.shape[2:])
        if any(d > 1 for d in lhs_dilation) or _pads_nonfinite(w, padding):
            out = _scattered(x, w, spatial, window_strides, padding, lhs_dilation, rhs_dilation)
        else:
            out = _gathered(x, w, spatial, window_strides, padding, rhs_dilation)
        # (b, g, outputs, batch, spatial) -> (batch, b * g * outputs, spatial)
        out = np.moveaxis(out, 3, 0).reshape((n // b, o) + spatial)
    return np.transpose(out, np.argsort(out_spec))


def _gathered(x, w, spatial, strides, padding, dilation):
    """The convolution of grouped `x` (b, batch, g, features, spatial) as one matrix product per
    group, of the kernel and every window's elements, copied from a strided view of the padded
    input; the copy runs along its longer contiguous axis: the positions, or the window. A large
    batch goes in parts whose copies stay in the cache."""
    nsp, window = len(spatial), w.shape[4:]
    axes = tuple(range(4, 4 + nsp))
    view = _windows(_dilate_pad(x, axes, (1,) * nsp, padding, 0), axes, window, strides, dilation)
    positions, taps = range(4, 4 + nsp), range(4 + nsp, 4 + 2 * nsp)
    (b, n, g, i), o = x.shape[:4], w.shape[2]
    flat = w.reshape(b, g, o, -1)
    out = np.empty((b, g, o, n) + spatial, x.dtype)
    inner = math.prod(window) > math.prod(spatial)  # (the kernel of a weight gradient: window innermost)
    step = max(1, _CACHED // (view.itemsize * b * g * i * math.prod(window) * math.prod(spatial)))
    for lo in range(0, n, step):
        part, m = view[:, lo:lo + step], min(step, n - lo)
        if inner:
            cols = part.transpose((0, 2, 1, *positions, 3, *taps)).reshape(b, g, m * math.prod(spatial), -1)
            out[:, :, :, lo:lo + m] = np.swapaxes(cols @ np.swapaxes(flat, 2, 3), 2, 3).reshape((b, g, o, m) + spatial)
        else:
            cols = part.transpose((0, 2, 3, *taps, 1, *positions)).reshape(b, g, i * math.prod(window), -1)
            out[:, :, :, lo:lo + m] = (flat @ cols).reshape((b, g, o, m) + spatial)
    return out


def _pads_nonfinite(w: np.ndarray, padding) -> bool:
    """Whether zero padding would meet an infinite or NaN kernel element: the convolution sums
    only the products of input elements (as NumPy's correlate and XLA's direct loop do; 0 * inf
    would make NaN of a finite sum), which `_scattered` computes without making the padding."""
    return any(lo > 0 or hi > 0 for lo, hi in padding) and w.dtype.kind in "fc" and not np.isfinite(w).all()


def _scattered(x, w, spatial, strides, padding, lhs_dilation, rhs_dilation):
    """The convolution of grouped `x` (b, batch, g, features, spatial) with holes between its
    elements (a transposed convolution), without making the holes: each kernel tap's product
    with every input element is added into the outputs that read it."""
    window, (b, n, g, i), o = w.shape[4:], x.shape[:4], w.shape[2]
    cols = np.moveaxis(x, 1, 3).reshape(b, g, i, -1)  # (b, g, features, batch * spatial)
    out = np.zeros((b, g, o, n) + spatial, cols.dtype)
    for tap in np.ndindex(*window):
        reads = [_reads(*args) for args in zip(spatial, x.shape[4:], tap, strides, padding, lhs_dilation,
                                               rhs_dilation)]
        if None not in reads:
            part = (w[(Ellipsis,) + tap] @ cols).reshape(out.shape[:4] + x.shape[4:])
            out[(Ellipsis,) + tuple(q for q, _ in reads)] += part[(Ellipsis,) + tuple(m for _, m in reads)]
    return out


def _reads(outputs, size, tap, stride, pad, lhs_dilation, rhs_dilation):
    """(outputs, inputs): the slices of output positions q along one axis that read input element
    m at kernel tap `tap` (q * stride + tap * rhs_dilation = pad_low + m * lhs_dilation), or None."""
    step = math.gcd(stride, lhs_dilation)
    dq, dm = lhs_dilation // step, stride // step
    first = next((q for q in range(dq) if (q * stride + tap * rhs_dilation - pad[0]) % lhs_dilation == 0), None)
    if first is None:
        return None
    m0 = (first * stride + tap * rhs_dilation - pad[0]) // lhs_dilation
    lo = max(0, -(m0 // dm))  # (ceil(-m0 / dm): the first step that reads an element, not low padding)
    hi = min(-(-(outputs - first) // dq), -(-(size - m0) // dm))
    if hi <= lo:
        return None
    return (slice(first + lo * dq, first + (hi - 1) * dq + 1, dq), slice(m0 + lo * dm, m0 + (hi - 1) * dm + 1, dm))


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
