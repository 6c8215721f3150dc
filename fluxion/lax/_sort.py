"""Sorting: sort (several operands, several keys), sort_key_val, top_k and approx_max_k / approx_min_k."""
from __future__ import annotations

import math
import operator
from typing import Sequence

from ..core import dtypes as D
from ..core.array import Array
from ..core.errors import DTypeError, InvalidArgumentError, ShapeError, op_error
from ..ops import elementwise as E
from ..ops import shape as S
from ..ops import sort as O
from ._operands import ArrayLike, as_array


def sort(operand: ArrayLike | Sequence[ArrayLike], dimension: int = -1, is_stable: bool = True,
         num_keys: int = 1) -> Array | tuple[Array, ...]:
    """Sort along `dimension`; a sequence of operands is sorted together by its first `num_keys`.

    Keys compare as NumPy orders them (NaN last). A sequence gives a tuple, an array an array.

    >>> import fluxion.numpy as fnp
    >>> keys, values = sort((fnp.asarray([2, 1, 2]), fnp.asarray([0.0, 1.0, 2.0])))
    >>> values.tolist()
    [1.0, 0.0, 2.0]
    """
    if isinstance(operand, (list, tuple)):
        return tuple(O.sort([as_array(o) for o in operand], dimension, is_stable, num_keys))
    return O.sort(as_array(operand), dimension, is_stable, num_keys)


def sort_key_val(keys: ArrayLike, values: ArrayLike, dimension: int = -1,
                 is_stable: bool = True) -> tuple[Array, Array]:
    """`keys` sorted along `dimension`, and `values` in the same order."""
    return sort((keys, values), dimension, is_stable, 1)


def top_k(operand: ArrayLike, k: int, *, axis: int = -1) -> tuple[Array, Array]:
    """The `k` largest elements along `axis`, largest first (ties by lower index), and their int32 indices.

    >>> values, indices = top_k([1.0, 4.0, 2.0], 2)
    >>> values.tolist(), indices.tolist()
    ([4.0, 2.0], [1, 2])
    """
    x = as_array(operand)
    if x.ndim == 0:
        return O.top_k(x, k)  # the primitive names the fix
    (axis,) = S.normalize_axes("top_k", operator.index(axis), x.ndim)
    if axis == x.ndim - 1:
        return O.top_k(x, k)
    values, indices = O.top_k(S.transpose(x, _last(axis, x.ndim)), k)
    back = _last(axis, x.ndim)
    back = tuple(back.index(i) for i in range(x.ndim))
    return S.transpose(values, back), S.transpose(indices, back)


def _last(axis: int, ndim: int) -> tuple[int, ...]:
    """The permutation moving `axis` to the end."""
    return tuple(i for i in range(ndim) if i != axis) + (axis,)


def approx_max_k(operand: ArrayLike, k: int, reduction_dimension: int = -1, recall_target: float = 0.95,
                 reduction_input_size_override: int = -1, aggregate_to_topk: bool = True) -> tuple[Array, Array]:
    """The `k` largest elements along `reduction_dimension`, largest first, and their int32 indices.

    fluxion finds them exactly (as jax does off TPUs), so `recall_target` only checks its range
    and, with `aggregate_to_topk=False`, sizes the result: the sorted top elements, as many as
    XLA's approximate algorithm would keep (at least `k`). Ties go to the lower index; NaN
    counts as the largest value (jax leaves its place unspecified).

    Args:
      operand: a floating-point array of at least one axis.
      k: how many elements to keep, between 1 and the axis' size.
      reduction_dimension: the axis to reduce.
      recall_target: the share of the true top-k the approximation may keep, in (0, 1].
      reduction_input_size_override: the axis' logical size when the operand is a shard of a
        larger one (-1: its own size); it can only be larger.
      aggregate_to_topk: keep exactly `k` elements (else the approximation's own count).

    >>> values, indices = approx_max_k([1.0, 4.0, 2.0], 2)
    >>> values.tolist(), indices.tolist()
    ([4.0, 2.0], [1, 2])
    """
    return _approx_top_k("approx_max_k", as_array(operand), k, reduction_dimension, recall_target,
                         reduction_input_size_override, aggregate_to_topk)


def approx_min_k(operand: ArrayLike, k: int, reduction_dimension: int = -1, recall_target: float = 0.95,
                 reduction_input_size_override: int = -1, aggregate_to_topk: bool = True) -> tuple[Array, Array]:
    """The `k` smallest elements along `reduction_dimension`, smallest first, and their int32 indices.

    The order of `-operand` in `approx_max_k` (whose arguments it takes), so NaN comes first.

    >>> values, indices = approx_min_k([1.0, 4.0, 2.0], 2)
    >>> values.tolist(), indices.tolist()
    ([1.0, 2.0], [0, 2])
    """
    values, indices = _approx_top_k("approx_min_k", E.neg_p.bind(as_array(operand)), k, reduction_dimension,
                                    recall_target, reduction_input_size_override, aggregate_to_topk)
    return E.neg_p.bind(values), indices


def _approx_top_k(op: str, x: Array, k: int, dimension: int, recall_target: float, size_override: int,
                  aggregate: bool) -> tuple[Array, Array]:
    if x.dtype not in D.REAL_FLOATING:
        raise op_error(DTypeError, op, f"operand has dtype {x.dtype}; it must be floating-point",
                       "convert it with .astype(fnp.float32), or use lax.top_k for integers")
    if x.ndim == 0:
        raise op_error(ShapeError, op, "operand is 0-d; it needs an axis to reduce", "pass an array of at least 1 axis")
    (axis,) = S.normalize_axes(op, operator.index(dimension), x.ndim)
    n, k, size_override = x.shape[axis], operator.index(k), operator.index(size_override)
    if not 1 <= k <= n:
        raise op_error(InvalidArgumentError, op, f"k={k} must be between 1 and the size {n} of axis {axis}",
                       f"pass a k in [1, {n}]" if n else "reduce an axis that has elements")
    if not 0 < recall_target <= 1:
        raise op_error(InvalidArgumentError, op, f"recall_target={recall_target} is outside (0, 1]",
                       "pass a recall_target above 0 and at most 1, such as 0.95")
    if 0 <= size_override < n:
        raise op_error(InvalidArgumentError, op, f"reduction_input_size_override={size_override} is smaller than "
                       f"the size {n} of axis {axis}", "pass the full logical size (at least the axis' size), or -1")
    if not aggregate:
        k = _approx_output_size(n, x.ndim, k, recall_target, size_override)
    return top_k(x, k, axis=axis)


def _approx_output_size(n: int, rank: int, k: int, recall_target: float, size_override: int) -> int:
    """How many elements XLA's approximate top-k keeps along an axis of `n` (at least `k`).

    The accelerator algorithm keeps the largest element of each of `n / 2**r` interleaved bins,
    in tiles of 1024 elements (rank 1) or 128 lanes. With m bins, a top-k element shares its
    bin with another about (k - 1) / m times, so recall_target needs m >= (k - 1) / -log(recall);
    r is the largest reduction leaving that many bins of the (logical) size, capped so that the
    operand's own tiles are not over-reduced. One element (k = 1) survives any reduction.
    """
    tile = 1024 if rank == 1 else 128
    if n <= tile:
        return n
    tiles = -(-n // tile)
    if k == 1:
        reduction = (tiles - 1).bit_length()
    else:
        if recall_target >= 1:
            return n
        logical = size_override if size_override >= 0 else n
        bins = min(max(int((1 - k) / math.log(recall_target)), tile), logical)
        reduction = (logical // bins).bit_length() - 1
        if reduction <= 0:
            return n
        reduction = min(reduction, (n // tile - 1).bit_length())
    return tile * -(-tiles // (1 << reduction))
