"""Set operations on flattened arrays (eager only: the output size depends on the data)."""
from __future__ import annotations

import numpy as np

from ..core import dtypes
from ..core.array import Array
from ._convert import dtype_of
from ._differences import _arrays, _operands
from ._interpolation import _concrete

__all__ = ["intersect1d", "setdiff1d", "setxor1d", "union1d"]

def _set_operands(op: str, ar1, ar2) -> tuple[np.ndarray, np.ndarray]:
    a, b = _arrays(op, ar1, ar2)
    return _concrete(op, a), _concrete(op, b)


def intersect1d(ar1, ar2, assume_unique: bool = False, return_indices: bool = False):
    """The sorted unique values in both arrays (eager only); with `return_indices`, also where
    they first occur in each flattened input.

    >>> import fluxion.numpy as fnp
    >>> fnp.intersect1d(fnp.asarray([3, 1, 2]), fnp.asarray([2, 3, 4])).tolist()
    [2, 3]
    """
    out = np.intersect1d(*_set_operands("intersect1d", ar1, ar2), assume_unique, return_indices)
    if return_indices:
        return tuple(Array(v if i == 0 else v.astype(dtypes.default_int)) for i, v in enumerate(out))
    return Array(out)


def setdiff1d(ar1, ar2, assume_unique: bool = False) -> Array:
    """The unique values of `ar1` not in `ar2`, sorted, in the dtype of `ar1` (eager only).

    >>> import fluxion.numpy as fnp
    >>> fnp.setdiff1d(fnp.asarray([3, 1, 2, 1]), fnp.asarray([2])).tolist()
    [1, 3]
    """
    out = np.setdiff1d(*_set_operands("setdiff1d", ar1, ar2), assume_unique)
    return Array(out.astype(dtype_of(_operands((ar1,))[0])[0]))  # values of ar1: the cast is exact


def setxor1d(ar1, ar2, assume_unique: bool = False) -> Array:
    """The sorted unique values in exactly one of the arrays (eager only).

    >>> import fluxion.numpy as fnp
    >>> fnp.setxor1d(fnp.asarray([1, 2, 3]), fnp.asarray([2, 3, 4])).tolist()
    [1, 4]
    """
    return Array(np.setxor1d(*_set_operands("setxor1d", ar1, ar2), assume_unique))


def union1d(ar1, ar2) -> Array:
    """The sorted unique values in either array (eager only).

    >>> import fluxion.numpy as fnp
    >>> fnp.union1d(fnp.asarray([3, 1]), fnp.asarray([2, 1])).tolist()
    [1, 2, 3]
    """
    return Array(np.union1d(*_set_operands("union1d", ar1, ar2)))
