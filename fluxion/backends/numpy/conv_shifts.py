"""Unit-stride convolutions as a sum of shifted matrix products, without im2col.

The padded input is laid out flat along its spatial axes, so that one kernel tap reads, for
every output position at once, a contiguous run of it shifted by the tap's offset: outputs
lie on a grid as wide as the padded input (the columns past the output's are computed and
dropped). A convolution of few features per group (a depthwise one) is then one product of
the tap's kernel elements with each shifted run, added up over the taps, where im2col would
copy the input once per tap for tiny matrix products. Its kernel gradient (a window as large
as the input, a few output positions) is the same sum with the roles swapped: one product
per output position, of the input shifted by that position with the kernel laid out on the
same grid. Each part of the output is computed the same way whichever thread takes it, so
the parts run on both cores.
"""
from __future__ import annotations

import math

import numpy as np
from scipy.linalg import blas

from . import _parallel

_RUN = 1 << 18  # elements (positions times rows) that one call takes: few calls whose operands stay
# in a core's cache, each long enough for another thread to run meanwhile (calls of a few us hand
# the GIL back and forth). Measured on a depthwise 3x3 convolution: half as large takes 0.94x the
# time on one core but 1.6x on two; 8x smaller 1.6x, in the calls' overhead; 16x larger 1.3x


_AXPY_FROM = 8192  # positions of a group from which a depthwise convolution adds each tap by BLAS's axpy


def _grid(shape) -> tuple[int, ...]:
    """The flat strides of a C-contiguous array of `shape`."""
    return tuple(math.prod(shape[a + 1:]) for a in range(len(shape)))


def _offsets(window, dilation, strides) -> list[int]:
    """The flat offset of each (dilated) window element in a grid of `strides`, C order."""
    return [sum(t * d * s for t, d, s in zip(tap, dilation, strides)) for tap in np.ndindex(*window)]


def _last(sizes, steps, strides) -> int:
    """The flat offset of the last of `sizes` elements `steps` apart along each axis of a grid."""
    return sum((n - 1) * d * s for n, d, s in zip(sizes, steps, strides))


def _product(k: np.ndarray, x: np.ndarray, out: np.ndarray) -> np.ndarray:
    """k (groups, o, i) @ x (groups, i, m) into `out`; with one feature an outer product (a
    matrix product with one inner element costs ten times more)."""
    if k.shape[2] == 1:
        return np.multiply(k, x, out=out)
    return np.matmul(k, x, out=out)


def _blocks(groups: int, length: int, width: int) -> tuple[int, int]:
    """(groups, positions) that one call takes: about `_RUN` elements of `width` rows a
    position, in equal runs of a long group or several groups of a short one."""
    runs = -(-length * width // _RUN)
    if runs > 1:
        return 1, -(-length // runs)
    return min(groups, max(1, _RUN // (length * width))), length


def by_taps(padded: np.ndarray, w: np.ndarray, spatial, dilation) -> np.ndarray:
    """The convolution of `padded` (b, g, features, batch, padded spatial), C-contiguous, with
    `w` (b, g, outputs, features, window) at unit strides: (b, g, outputs, batch, spatial)."""
    (b, g, i, n), sizes, (o, window) = padded.shape[:4], padded.shape[4:], (w.shape[2], w.shape[4:])
    strides, plane = _grid(sizes), math.prod(sizes)
    x = padded.reshape(b * g, i, n * plane)
    k = np.moveaxis(w.reshape(b * g, o, i, -1), 3, 1)  # (group, tap, outputs, features)
    offs = _offsets(window, dilation, strides)
    m = (n - 1) * plane + _last(spatial, (1,) * len(sizes), strides) + 1
    out = np.empty((b * g, o, n * plane), x.dtype)
    if i == o == 1 and m >= _AXPY_FROM and x.dtype.char in "fdFD":
        _by_axpy(x[:, 0], k[:, :, 0, 0], offs, m, out[:, 0])
        return _cropped(out, (b, g, o, n), sizes, spatial)
    per, size = _blocks(b * g, m, i + o)
    runs = -(-m // size)

    def part(rows: slice) -> None:
        extra = np.empty((per, o, size), x.dtype)
        for r in range(rows.start, rows.stop):
            j, lo = divmod(r, runs)
            js, lo = slice(j * per, j * per + per), lo * size
            hi = min(m, lo + size)
            acc, tmp = out[js, :, lo:hi], extra[:, :, :hi - lo]
            _product(k[js, 0], x[js, :, lo + offs[0]:hi + offs[0]], acc)
            for t in range(1, len(offs)):
                acc += _product(k[js, t], x[js, :, lo + offs[t]:hi + offs[t]], tmp[:acc.shape[0]])
    _parallel.run(part, -(-b * g // per) * runs, (i + 2 * o) * m * len(offs) * b * g)
    return _cropped(out, (b, g, o, n), sizes, spatial)


def _cropped(out: np.ndarray, lead, sizes, spatial) -> np.ndarray:
    """The outputs on the padded grid `sizes`, cropped to the output's `spatial` shape."""
    out = out.reshape(tuple(lead) + tuple(sizes))
    return out[(Ellipsis,) + tuple(slice(0, s) for s in spatial)]


def _by_axpy(x: np.ndarray, k: np.ndarray, offs, m: int, out: np.ndarray) -> None:
    """`by_taps` of one feature and one output a group (a depthwise convolution): out[j, :m] is
    the sum over taps t of k[j, t] x[j, offs[t]:offs[t] + m], each tap added in place by BLAS's
    axpy, one pass where NumPy's product and sum take two (measured on 32x64x32x32 with 3x3 taps:
    2.0 ms against 4.6 ms for NumPy's on two cores). axpy holds the GIL, so the groups run on one
    core; and it skips a tap whose element is 0, which NumPy multiplies (0 * inf is NaN)."""
    axpy = blas.get_blas_funcs("axpy", dtype=x.dtype)
    for j in range(x.shape[0]):
        src, acc = x[j], out[j, :m]
        np.multiply(src[offs[0]:offs[0] + m], k[j, 0], out=acc)
        for t in range(1, len(offs)):
            if k[j, t] == 0:
                acc += src[offs[t]:offs[t] + m] * k[j, t]
            else:
                axpy(src, acc, m, k[j, t], offs[t])


def by_positions(padded: np.ndarray, w: np.ndarray, spatial, dilation) -> np.ndarray:
    """The same convolution of `padded` (b, g, batch, features, padded spatial), C-contiguous,
    one matrix product per output position, for a window larger than the output."""
    (b, g, n, i), sizes, (o, window) = padded.shape[:4], padded.shape[4:], (w.shape[2], w.shape[4:])
    strides, plane = _grid(sizes), math.prod(sizes)
    x = padded.reshape(b * g, n, i * plane)
    # the kernel on the input's grid (zero between dilated taps and past the window)
    k = np.zeros((b * g, o, i) + tuple(sizes), w.dtype)
    k[(Ellipsis,) + tuple(slice(0, (s - 1) * d + 1, d) for s, d in zip(window, dilation))] = \
        w.reshape((b * g, o, i) + tuple(window))
    k = k.reshape(b * g, o, i * plane).transpose(0, 2, 1)
    offs = _offsets(spatial, (1,) * len(sizes), strides)
    reach = (i - 1) * plane + _last(window, dilation, strides) + 1
    out = np.empty((b * g, len(offs), n, o), x.dtype)
    # one group a call where its products are long (np.dot lets other threads run meanwhile, where a
    # matmul of few matrices holds the GIL), several where they are short
    per = 1 if 4 * reach * (n + o) >= _RUN else _blocks(b * g, reach, n + o)[0]

    def part(rows: slice) -> None:
        for r in range(rows.start, rows.stop):
            j, t = divmod(r, len(offs))
            lo, off = j * per, offs[t]
            if per == 1:
                np.dot(x[lo, :, off:off + reach], k[lo, :reach], out=out[lo, t])
            else:
                np.matmul(x[lo:lo + per, :, off:off + reach], k[lo:lo + per, :reach], out=out[lo:lo + per, t])
    _parallel.run(part, -(-b * g // per) * len(offs), 2 * n * o * reach * len(offs) * b * g)
    return np.moveaxis(out, 1, 3).reshape((b, g, n, o) + tuple(spatial)).swapaxes(2, 3)
