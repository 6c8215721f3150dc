"""NumPy kernels of the shape primitives.

Kernels that only move axes (reshape, transpose, squeeze, expand_dims, rev) may return views:
arrays are values and no kernel writes into its inputs. So do a large broadcast of one element,
and slices and crops that keep at least half of their operand; smaller ones are copied so that
they do not keep a large buffer alive.
"""
from __future__ import annotations

import math

import numpy as np

from ...core.primitive import numpy_kernel
from ...ops import shape as S
from ...ops.barrier import checkpoint_name_p, device_put_p, optimization_barrier_p


VIEW = 4096  # elements: from here on a broadcast of one element is a view (strides 0), not a copy


def _broadcast_in_dim(x, *, shape, broadcast_dimensions):
    x = np.asarray(x)
    if x.size == 1 and math.prod(shape) >= VIEW:  # one element (the cotangent of a sum, say), repeated
        out = np.ndarray(shape, x.dtype, x, 0, (0,) * len(shape))
        out.flags.writeable = False
        return out
    out = np.empty(shape, x.dtype)  # filling a new array is faster than copying np.broadcast_to's view
    if not broadcast_dimensions:  # (a 0-d operand, as the cotangent of a sum: it fills the array as it is)
        out[...] = x
        return out
    expanded = [1] * len(shape)
    for i, d in enumerate(broadcast_dimensions):
        expanded[d] = x.shape[i]
    out[...] = x.reshape(expanded)
    return out


def _expand_dims(x, *, dimensions):
    shape = list(x.shape)
    for d in sorted(dimensions):
        shape.insert(d, 1)
    return x.reshape(shape)


def _pad(x, padding_value, *, padding_config):
    x = np.asarray(x)
    if all(lo <= 0 and hi <= 0 and not k for lo, hi, k in padding_config):  # a crop, as a pad's transpose
        return _part(x, tuple(slice(-lo, n + hi) for n, (lo, hi, _) in zip(x.shape, padding_config)))
    # pad with the non-negative parts of lo/hi (and the interior), then crop by the negative parts
    lo = [max(c[0], 0) for c in padding_config]
    hi = [max(c[1], 0) for c in padding_config]
    inner = [S._padded_size(n, 0, 0, c[2]) for n, c in zip(x.shape, padding_config)]
    grown = [a + m + b for a, m, b in zip(lo, inner, hi)]
    steps = [c[2] + 1 for c in padding_config]
    if any(k > 1 for k in steps):  # (holes between x's elements: one contiguous fill costs less than strided ones)
        out = np.full(grown, padding_value, x.dtype)
    else:  # only the borders are filled: x covers the rest
        out = np.empty(grown, x.dtype)
        _fill_borders(out, lo, inner, padding_value)
    out[tuple(slice(a, a + m, k) for a, m, k in zip(lo, inner, steps))] = x
    return out[tuple(slice(max(-c[0], 0), g - max(-c[1], 0)) for g, c in zip(grown, padding_config))]


def _fill_borders(out: np.ndarray, lo: list, inner: list, value) -> None:
    """`value` written on each side of the block of `out` that starts at `lo` and spans `inner`."""
    whole = [slice(None)] * out.ndim
    for d, (a, m) in enumerate(zip(lo, inner)):
        for side in (slice(0, a), slice(a + m, None)):
            index = list(whole)
            index[d] = side
            out[tuple(index)] = value


def _part(x: np.ndarray, index: tuple) -> np.ndarray:
    """`x[index]` (basic slices): a view where it holds at least half of `x`, a copy otherwise, so that
    a small part does not keep a large buffer alive."""
    part = x[index]
    return part if 2 * part.size >= x.size else part.copy()


def _slice(x, *, start_indices, limit_indices, strides):
    steps = strides or (1,) * len(start_indices)
    return _part(np.asarray(x), tuple(map(slice, start_indices, limit_indices, steps)))


def _iota(*, dtype, shape, dimension):
    counts = np.arange(shape[dimension]).astype(dtype)
    return _broadcast_in_dim(counts, shape=shape, broadcast_dimensions=(dimension,))


numpy_kernel.update({
    S.broadcast_in_dim_p: _broadcast_in_dim,
    S.reshape_p: lambda x, *, new_sizes: x.reshape(new_sizes),
    S.transpose_p: lambda x, *, permutation: x.transpose(permutation),
    S.squeeze_p: lambda x, *, dimensions: x.squeeze(dimensions),
    S.expand_dims_p: _expand_dims,
    S.rev_p: lambda x, *, dimensions: np.flip(x, dimensions),
    S.roll_p: lambda x, *, shifts, axes: np.roll(x, shifts, axes),
    S.concatenate_p: lambda *xs, dimension: np.concatenate(xs, dimension),
    S.pad_p: _pad,
    S.slice_p: _slice,
    S.iota_p: _iota,
})


numpy_kernel[optimization_barrier_p] = lambda *xs: xs
numpy_kernel[checkpoint_name_p] = lambda x, *, name: x
numpy_kernel[device_put_p] = lambda x, *, device, src: x  # (a program of kernels runs on the host; eagerly it moves)
