"""NumPy kernels of the windowed primitives: a strided window view of the dilated, padded
input, contracted with the kernel (convolution) or reduced (reduce_window). Unit-stride
convolutions of few features per group, and kernel gradients, are sums of shifted products
instead (`conv_shifts`); a convolution with holes in its input is one without holes per class
of output positions."""
from __future__ import annotations

import itertools
import math
from typing import NamedTuple

import numpy as np
from numpy.lib.stride_tricks import as_strided

from ...core import dtypes
from ...core.primitive import numpy_kernel
from ...ops import conv as C
from . import _parallel, conv_shifts

_LOW = (dtypes.float16, dtypes.bfloat16)
_CACHED = 1 << 22  # bytes of window elements copied at once (a part of the batch)
_GATHER = 4  # units of work (additions) an element of that copy costs: short strided runs (measured)


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
    if any(d > 1 for d in dilation):
        out = np.full(shape, fill, x.dtype)
    else:  # only the padding is filled: the rest is written once, by the copy
        out = np.empty(shape, x.dtype)
        for ax in axes:
            out[(slice(None),) * ax + (slice(0, place[ax].start),)] = fill
            out[(slice(None),) * ax + (slice(place[ax].stop, None),)] = fill
    _assign(out[tuple(place)], x)
    return out[tuple(crop)]


def _assign(dst: np.ndarray, src: np.ndarray, cost: int = 1) -> None:
    """`dst[...] = src` (at `cost` units of work an element), by parts of their first axis longer
    than 1 on every core where large."""
    axis = next((a for a, size in enumerate(dst.shape) if size > 1), None)
    if axis is None or dst.size * cost < _parallel.LARGE:
        dst[...] = src
        return
    lead = (slice(None),) * axis

    def part(rows: slice) -> None:
        dst[lead + (rows,)] = src[lead + (rows,)]
    _parallel.run(part, dst.shape[axis], dst.size * cost)


def _merged(x: np.ndarray, shape, cost: int = 1) -> np.ndarray:
    """`x` reshaped to `shape`: a view where its axes merge, else a copy made by parts on every
    core (at `cost` units of work an element)."""
    try:
        return x.reshape(shape, copy=False)
    except ValueError:
        out = np.empty(x.shape, x.dtype)
        _assign(out, x, cost)
        return out.reshape(shape)


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
        holes = any(d > 1 for d in lhs_dilation)
        if _meets_nonfinite(w, padding, holes) or holes and not _taps_add_up(w, window_strides, lhs_dilation):
            out = _scattered(x, w, spatial, window_strides, padding, lhs_dilation, rhs_dilation)
        elif holes:
            out = _phases(x, w, spatial, window_strides, padding, lhs_dilation, rhs_dilation)
        else:
            out = _dense(x, w, spatial, window_strides, padding, rhs_dilation)
        # (b, g, outputs, batch, spatial) -> (batch, b * g * outputs, spatial)
        out = _merged(np.moveaxis(out, 3, 0), (n // b, o) + spatial)
    return _compact(np.transpose(out, np.argsort(out_spec)))


def _compact(x: np.ndarray) -> np.ndarray:
    """`x`, or a copy of it where its elements do not fill the memory they span (the outputs
    cropped from a padded grid, over which each later kernel would run in short rows, eight
    times slower on 32 x 32 images)."""
    span = sum((n - 1) * abs(s) for n, s in zip(x.shape, x.strides)) + x.itemsize
    if x.size == 0 or span == x.nbytes:
        return x
    out = np.empty(x.shape, x.dtype)
    _assign(out, x)
    return out


def _dense(x, w, spatial, strides, padding, dilation):
    """The convolution of grouped `x` (b, batch, g, features, spatial), without holes, with `w`
    (b, g, outputs, features, window): (b, g, outputs, batch, spatial)."""
    if (shifts := _shifts(x, w, spatial, strides, dilation)) is not None:
        return shifts(_padded(x, padding, shifts), w, spatial, dilation)
    return _gathered(x, w, spatial, strides, padding, dilation)


class _Phase(NamedTuple):
    """One class of output positions along an axis of a convolution with holes, as a convolution
    of the input without them: its outputs, the kernel taps it reads (None: none), and the
    hole-free convolution's output size, stride, (low, high) padding and kernel dilation."""
    outputs: slice
    taps: slice | None
    size: int
    stride: int
    padding: tuple[int, int]
    dilation: int


def _phase_axis(outputs, size, window, stride, pad, lhs_dilation, rhs_dilation) -> list[_Phase]:
    """The classes of output positions q along one axis: q * stride + tap * rhs_dilation - pad_low
    falls on an input element (a multiple of lhs_dilation) for the same taps, every `period`-th
    tap, within each class of q modulo `period`."""
    period = lhs_dilation // math.gcd(stride, lhs_dilation)
    step = lhs_dilation // math.gcd(rhs_dilation, lhs_dilation)
    hop, dilation = period * stride // lhs_dilation, step * rhs_dilation // lhs_dilation
    phases = []
    for r in range(min(period, outputs)):
        count, where = -(-(outputs - r) // period), slice(r, outputs, period)
        first = next((t for t in range(window) if (r * stride + t * rhs_dilation - pad[0]) % lhs_dilation == 0), None)
        if first is None:
            phases.append(_Phase(where, None, count, hop, (0, 0), dilation))
            continue
        taps = slice(first, window, step)
        start = (r * stride + first * rhs_dilation - pad[0]) // lhs_dilation  # (input element of output 0, tap 0)
        reach = (count - 1) * hop + (len(range(first, window, step)) - 1) * dilation + 1
        phases.append(_Phase(where, taps, count, hop, (-start, reach - size + start), dilation))
    return phases


def _taps_add_up(w, strides, lhs_dilation) -> bool:
    """Whether the outputs of a class of positions read two or more kernel taps on average, so
    that one hole-free convolution per class (`_phases`) beats adding each tap's products into
    the outputs that read it (`_scattered`; measured: with one or 1.5 taps a class, it is a fifth
    faster)."""
    classes = math.prod(d // math.gcd(s, d) for s, d in zip(strides, lhs_dilation))
    return math.prod(w.shape[4:]) >= 2 * classes


def _phases(x, w, spatial, strides, padding, lhs_dilation, rhs_dilation):
    """The convolution of grouped `x` (b, batch, g, features, spatial) with holes between its
    elements (a transposed convolution), without making the holes: the outputs of one class of
    positions modulo the holes' period read the input through the same kernel taps, so that
    each class is one convolution without holes, written into every period-th output."""
    (b, n, g), o = x.shape[:3], w.shape[2]
    out = np.empty((b, g, o, n) + spatial, x.dtype)
    axes = [_phase_axis(*args) for args in zip(spatial, x.shape[4:], w.shape[4:], strides, padding, lhs_dilation,
                                               rhs_dilation)]
    for phase in itertools.product(*axes):
        where = (Ellipsis,) + tuple(p.outputs for p in phase)
        if any(p.taps is None for p in phase):
            out[where] = 0
            continue
        sub = w[(Ellipsis,) + tuple(p.taps for p in phase)]
        out[where] = _dense(x, sub, tuple(p.size for p in phase), tuple(p.stride for p in phase),
                            tuple(p.padding for p in phase), tuple(p.dilation for p in phase))
    return out


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
            cols = _merged(part.transpose((0, 2, 1, *positions, 3, *taps)), (b, g, m * math.prod(spatial), -1), _GATHER)
            out[:, :, :, lo:lo + m] = np.swapaxes(cols @ np.swapaxes(flat, 2, 3), 2, 3).reshape((b, g, o, m) + spatial)
        else:
            cols = _merged(part.transpose((0, 2, 3, *taps, 1, *positions)), (b, g, i * math.prod(window), -1), _GATHER)
            out[:, :, :, lo:lo + m] = (flat @ cols).reshape((b, g, o, m) + spatial)
    return out


def _shifts(x, w, spatial, strides, dilation):
    """The kernel of `conv_shifts` that wins over im2col for these shapes, or None: the tap loop
    where each tap's product is small (im2col would copy the input once per tap for products
    of few outputs), the position loop where the window is larger than the output, not dilated
    (its holes would be multiplied too) and the batch no smaller than the outputs (a kernel
    gradient: each position reads the kernel once). Both were measured against im2col."""
    if any(s != 1 for s in strides):
        return None
    n, i, o, taps = x.shape[1], x.shape[3], w.shape[2], math.prod(w.shape[4:])
    if taps <= math.prod(spatial):
        return conv_shifts.by_taps if 2 * o <= max(i, 2) else None
    return conv_shifts.by_positions if o <= n and all(d == 1 for d in dilation) else None


def _padded(x, padding, kernel):
    """Grouped `x` (b, batch, g, features, spatial) padded, C-contiguous, in the layout of
    `kernel`: features before the batch for the tap loop, after it for the position loop."""
    order = (0, 2, 3, 1) if kernel is conv_shifts.by_taps else (0, 2, 1, 3)
    nsp = x.ndim - 4
    moved = x.transpose(order + tuple(range(4, 4 + nsp)))
    return np.ascontiguousarray(_dilate_pad(moved, tuple(range(4, 4 + nsp)), (1,) * nsp, padding, 0))


def _meets_nonfinite(w: np.ndarray, padding, holes: bool) -> bool:
    """Whether zero padding or holes would meet an infinite or NaN kernel element: the
    convolution sums only the products of input elements (as NumPy's correlate and XLA's direct
    loop do; 0 * inf would make NaN of a finite sum), which `_scattered` computes without
    making the padding or the holes (the hole-free convolutions of `_phases` may pad)."""
    if not (holes or any(lo > 0 or hi > 0 for lo, hi in padding)) or w.dtype.kind not in "fc":
        return False
    return not np.isfinite(w).all()


def _scattered(x, w, spatial, strides, padding, lhs_dilation, rhs_dilation):
    """The convolution of grouped `x` (b, batch, g, features, spatial), with or without holes
    between its elements, without making the holes or the padding (for kernels that are not
    finite, and where each output reads few taps): each kernel tap's product with every input
    element is added into the outputs that read it."""
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
