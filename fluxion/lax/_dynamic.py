"""Slices at positions known only at run time: dynamic_slice, dynamic_update_slice and their one-axis forms.

As in lax, a negative start counts from the end of its axis (unless
`allow_negative_indices=False`), and then every start is clamped so that the window fits.
"""
from __future__ import annotations

import operator
from typing import Sequence

import numpy as np

from ..core.array import Array, scalar_value
from ..core.errors import ShapeError, op_error
from ..ops import elementwise as E
from ..ops import indexing as I
from ..ops import shape as S
from ._operands import ArrayLike, as_array, operands


def _starts(op: str, x: Array, start_indices, allow_negative) -> list:
    """One start per axis: Python ints, or 0-d integer arrays with negative ones wrapped."""
    if isinstance(start_indices, (Array, np.ndarray)):
        arr = as_array(start_indices)
        if arr.ndim != 1:
            raise op_error(ShapeError, op, f"start_indices must be a sequence or a 1-d array, got shape {arr.shape}",
                           "pass one start index per axis")
        start_indices = [arr[i] for i in range(arr.shape[0])]
    starts = list(start_indices)
    if len(starts) != x.ndim:
        raise op_error(ShapeError, op, f"got {len(starts)} start indices for an array of shape {x.shape}",
                       "pass one start index per axis")
    wrap = [allow_negative] * x.ndim if isinstance(allow_negative, bool) else list(allow_negative)
    return [_wrap(s, n) if w else _as_index(s) for s, n, w in zip(starts, x.shape, wrap)]


def _as_index(s):
    return operator.index(s) if isinstance(s, (int, np.integer)) else as_array(s)


def _wrap(s, size: int):
    if isinstance(s, (int, np.integer)):
        s = operator.index(s)
        return s + size if s < 0 else s
    s = as_array(s)
    if s.dtype.kind == "u":
        return s
    negative = E.lt_p.bind(s, Array(scalar_value(0, s.dtype), True))
    return E.select_n_p.bind(negative, s, E.add_p.bind(s, Array(np.asarray(size, s.dtype), True)))


def dynamic_slice(operand: ArrayLike, start_indices: Sequence[ArrayLike] | Array, slice_sizes: Sequence[int], *,
                  allow_negative_indices: bool | Sequence[bool] = True) -> Array:
    """The window of `slice_sizes` at `start_indices` (ints or 0-d integer arrays), clamped to fit.

    >>> import fluxion.numpy as fnp
    >>> dynamic_slice(fnp.arange(5), (-2,), (2,)).tolist()
    [3, 4]
    """
    x = as_array(operand)
    return I.dynamic_slice(x, _starts("dynamic_slice", x, start_indices, allow_negative_indices), slice_sizes)


def dynamic_update_slice(operand: ArrayLike, update: ArrayLike, start_indices: Sequence[ArrayLike] | Array, *,
                         allow_negative_indices: bool | Sequence[bool] = True) -> Array:
    """`operand` with the window at `start_indices` replaced by `update` (starts clamped to fit)."""
    x, update = operands(operand, update)
    starts = _starts("dynamic_update_slice", x, start_indices, allow_negative_indices)
    return I.dynamic_update_slice(x, update, starts)


def _axis(op: str, x: Array, axis: int) -> int:
    return S.normalize_axes(op, axis, x.ndim)[0]


def dynamic_slice_in_dim(operand: ArrayLike, start_index: ArrayLike, slice_size: int, axis: int = 0, *,
                         allow_negative_indices: bool = True) -> Array:
    """`dynamic_slice` along `axis` only."""
    x = as_array(operand)
    axis = _axis("dynamic_slice_in_dim", x, axis)
    starts = [0] * x.ndim
    starts[axis] = start_index
    sizes = list(x.shape)
    sizes[axis] = slice_size
    return dynamic_slice(x, starts, sizes, allow_negative_indices=allow_negative_indices)


def dynamic_update_slice_in_dim(operand: ArrayLike, update: ArrayLike, start_index: ArrayLike, axis: int, *,
                                allow_negative_indices: bool = True) -> Array:
    """`dynamic_update_slice` along `axis` only."""
    x = as_array(operand)
    axis = _axis("dynamic_update_slice_in_dim", x, axis)
    starts = [0] * x.ndim
    starts[axis] = start_index
    return dynamic_update_slice(x, update, starts, allow_negative_indices=allow_negative_indices)


def dynamic_index_in_dim(operand: ArrayLike, index: ArrayLike, axis: int = 0, keepdims: bool = True, *,
                         allow_negative_indices: bool = True) -> Array:
    """The slice at run-time `index` of `axis`; `keepdims=False` drops the axis.

    >>> import fluxion.numpy as fnp
    >>> dynamic_index_in_dim(fnp.asarray([[1, 2], [3, 4]]), fnp.asarray(1), 1, keepdims=False).tolist()
    [2, 4]
    """
    x = as_array(operand)
    axis = _axis("dynamic_index_in_dim", x, axis)
    out = dynamic_slice_in_dim(x, index, 1, axis, allow_negative_indices=allow_negative_indices)
    return out if keepdims else S.squeeze(out, (axis,))


def dynamic_update_index_in_dim(operand: ArrayLike, update: ArrayLike, index: ArrayLike, axis: int, *,
                                allow_negative_indices: bool = True) -> Array:
    """`operand` with the slice at run-time `index` of `axis` replaced by `update` (with or without that axis)."""
    x, update = operands(operand, update)
    axis = _axis("dynamic_update_index_in_dim", x, axis)
    if update.ndim == x.ndim - 1:
        update = S.expand_dims(update, (axis,))
    return dynamic_update_slice_in_dim(x, update, index, axis, allow_negative_indices=allow_negative_indices)
