"""Derivative rules of the shape primitives.

Every shape primitive except iota is linear (it moves, repeats or drops elements), so its jvp
applies the primitive to the tangents and its transpose sends each cotangent element back to
the element it came from: sums where elements were repeated, zeros where they were dropped.
Rules are written with the ops-level functions, so they can be differentiated again.
"""
from __future__ import annotations

from ..core import dtypes
from . import elementwise as E
from . import reduce as R
from . import shape as S
from ._ad import deflinear, defzero, is_undefined


def _broadcast_in_dim_transpose(ct, x, *, shape, broadcast_dimensions):
    # sum over the new axes and over the size-1 axes that were stretched
    kept = {d for i, d in enumerate(broadcast_dimensions) if x.aval.shape[i] == shape[d]}
    summed = R.reduce_sum(ct, tuple(d for d in range(len(shape)) if d not in kept))
    return [S.reshape(summed, x.aval.shape)]


def _reshape_transpose(ct, x, **params):
    return [S.reshape(ct, x.aval.shape)]


def _transpose_transpose(ct, x, *, permutation):
    inverse = [0] * len(permutation)
    for i, p in enumerate(permutation):
        inverse[p] = i
    return [S.transpose(ct, tuple(inverse))]


def _rev_transpose(ct, x, *, dimensions):
    return [S.rev(ct, dimensions)]


def _concatenate_transpose(ct, *xs, dimension):
    out, start = [], 0
    for x in xs:
        n = x.aval.shape[dimension]
        out.append(S.slice_in_dim(ct, start, start + n, axis=dimension) if is_undefined(x) else None)
        start += n
    return out


def _pad_transpose(ct, x, padding_value, *, padding_config):
    x_ct = pv_ct = None
    if is_undefined(x):
        # undo lo/hi (negated: a crop becomes zeros, a pad becomes a crop), then step over the interior
        unpadded = S.pad(ct, 0, tuple((-lo, -hi, 0) for lo, hi, _ in padding_config))
        x_ct = S.slice(unpadded, (0,) * ct.ndim, unpadded.shape, tuple(k + 1 for _, _, k in padding_config))
    if is_undefined(padding_value):
        # summing the cotangent where the padding went, rather than taking the total minus the
        # operand's part, stays exact when the two parts differ greatly in size
        where_padding = S.pad(S.full(x.aval.shape, False, dtypes.bool_), True, padding_config)
        padded_ct = E.select_n_p.bind(where_padding, S.full((), 0, ct.dtype), ct)
        pv_ct = R.reduce_sum(padded_ct, tuple(range(ct.ndim)))
    return [x_ct, pv_ct]


def _slice_transpose(ct, x, *, start_indices, limit_indices, strides):
    steps = strides or (1,) * ct.ndim
    config = []
    for n, start, step, m in zip(x.aval.shape, start_indices, steps, ct.shape):
        covered = (m - 1) * step + 1 if m else 0  # from the first element taken to the last
        config.append((start, n - start - covered, step - 1))
    return [S.pad(ct, 0, tuple(config))]


deflinear(S.broadcast_in_dim_p, _broadcast_in_dim_transpose)
deflinear(S.reshape_p, _reshape_transpose)
deflinear(S.transpose_p, _transpose_transpose)
deflinear(S.squeeze_p, _reshape_transpose)
deflinear(S.expand_dims_p, _reshape_transpose)
deflinear(S.rev_p, _rev_transpose)
deflinear(S.concatenate_p, _concatenate_transpose)
deflinear(S.pad_p, _pad_transpose)
deflinear(S.slice_p, _slice_transpose)
defzero(S.iota_p)
