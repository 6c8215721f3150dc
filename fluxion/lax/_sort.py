"""Sorting: sort (several operands, several keys), sort_key_val and top_k."""
from __future__ import annotations

import operator
from typing import Sequence

from ..core.array import Array
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
