"""Derivative and batching rules of the shape primitives.

Every shape primitive except iota is linear (it moves, repeats or drops elements), so its jvp
applies the primitive to the tangents and its transpose sends each cotangent element back to
the element it came from: sums where elements were repeated, zeros where they were dropped.
Rules are written with the ops-level functions, so they can be differentiated again.

Batching: each primitive also acts on the batch axis as one more axis left alone (broadcast
to itself, sliced whole, never padded) and keeps it where it is, so no transpose is added; only
a reshape that mixes the batch axis into the example's axes moves it to the front first. A
padding value that differs per example is put in place by a select. iota has no operands, so
it is never batched.
"""
from __future__ import annotations

import math

from ..core import dtypes
from ..core.primitive import batch_rules
from . import elementwise as E
from . import reduce as R
from . import shape as S
from ._ad import deflinear, defzero, is_undefined
from ._batch import defunary_axes, example_axes, insert_at, moveaxis, same_bdim


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


def _roll_transpose(ct, x, *, shifts, axes):
    return [S.roll(ct, [-s for s in shifts], axes)]


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
deflinear(S.roll_p, _roll_transpose)
deflinear(S.concatenate_p, _concatenate_transpose)
deflinear(S.pad_p, _pad_transpose)
deflinear(S.slice_p, _slice_transpose)
defzero(S.iota_p)


# batching ----------------------------------------------------------------------------------------
def _broadcast_in_dim_batch(args, dims, *, shape, broadcast_dimensions):
    (x,), (d,) = args, dims
    # the batch axis goes just after the output axis of the operand axis before it, so the
    # broadcast dimensions stay increasing
    out = broadcast_dimensions[d - 1] + 1 if d else 0
    bdims = insert_at(example_axes(broadcast_dimensions, out), d, out)
    return S.broadcast_in_dim_p.bind(x, shape=insert_at(shape, out, x.shape[d]), broadcast_dimensions=bdims), out


def _reshape_batch(args, dims, *, new_sizes):
    (x,), (d,) = args, dims
    # in row-major order the batch axis can stay between the same elements of each example when
    # the example axes before it fill whole leading axes of the new shape
    lead = math.prod(x.shape[:d])
    out = next((k for k in range(len(new_sizes) + 1) if math.prod(new_sizes[:k]) == lead), None)
    if out is None:
        x, d, out = moveaxis(x, d, 0), 0, 0
    return S.reshape_p.bind(x, new_sizes=insert_at(new_sizes, out, x.shape[d])), out


def _squeeze_batch(args, dims, *, dimensions):
    (x,), (d,) = args, dims
    return S.squeeze_p.bind(x, dimensions=example_axes(dimensions, d)), d - sum(a < d for a in dimensions)


def _expand_dims_batch(args, dims, *, dimensions):
    (x,), (d,) = args, dims
    # the batch axis goes just after the output axis of the example axis before it
    kept = [i for i in range(x.ndim - 1 + len(dimensions)) if i not in dimensions]
    out = kept[d - 1] + 1 if d else 0
    return S.expand_dims_p.bind(x, dimensions=example_axes(dimensions, out)), out


def _concatenate_batch(args, dims, *, dimension):
    args, d = same_bdim(args, dims)
    return S.concatenate_p.bind(*args, dimension=dimension + (dimension >= d)), d


def _pad_batch(args, dims, *, padding_config):
    (x, value), (d, dv) = args, dims
    if dv is None:
        return S.pad_p.bind(x, value, padding_config=insert_at(padding_config, d, (0, 0, 0))), d
    # a padding value per example: pad with any value, then put each example's value (`value` is
    # 1-d) where padding went, along the batch axis of x (or a new first one)
    out = 0 if d is None else d
    example = x.shape if d is None else x.shape[:d] + x.shape[d + 1:]
    config = padding_config if d is None else insert_at(padding_config, d, (0, 0, 0))
    padded = S.pad_p.bind(x, S.full((), 0, x.dtype), padding_config=config)
    where_padding = S.expand_dims(S.pad(S.full(example, False, dtypes.bool_), True, padding_config), (out,))
    value = S.reshape(value, insert_at((1,) * len(example), out, value.shape[0]))
    if value.weak != x.weak:  # a padded example has the weak flag of its operand
        value = E.convert_element_type_p.bind(value, new_dtype=value.dtype, weak=x.weak)
    return E.select_n_p.bind(where_padding, padded, value), out


def _slice_batch(args, dims, *, start_indices, limit_indices, strides):
    (x,), (d,) = args, dims
    return S.slice_p.bind(x, start_indices=insert_at(start_indices, d, 0),
                          limit_indices=insert_at(limit_indices, d, x.shape[d]),
                          strides=strides and insert_at(strides, d, 1)), d


batch_rules.update({S.broadcast_in_dim_p: _broadcast_in_dim_batch, S.reshape_p: _reshape_batch,
                    S.squeeze_p: _squeeze_batch, S.expand_dims_p: _expand_dims_batch,
                    S.concatenate_p: _concatenate_batch, S.pad_p: _pad_batch, S.slice_p: _slice_batch})
defunary_axes(S.transpose_p, lambda d, *, permutation: dict(permutation=insert_at(example_axes(permutation, d), d, d)))
defunary_axes(S.rev_p, lambda d, *, dimensions: dict(dimensions=example_axes(dimensions, d)))
defunary_axes(S.roll_p, lambda d, *, shifts, axes: dict(shifts=shifts, axes=example_axes(axes, d)))
