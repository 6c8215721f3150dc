"""Set operations on flattened arrays (eager only: the output size depends on the data; their
values are taken from the inputs, so they are differentiable)."""
from __future__ import annotations

import numpy as np

from ..core import dtypes
from ..core.array import Array, Tracer
from ._convert import convert, dtype_of
from ._differences import _arrays, _operands
from ._indexing import take
from ._interpolation import _concrete
from ._manipulation import concatenate, ravel
from ._sorting import unique

__all__ = ["intersect1d", "setdiff1d", "setxor1d", "union1d"]

def _set_operands(op: str, ar1, ar2) -> tuple[list[Array], np.ndarray, np.ndarray]:
    a, b = _arrays(op, ar1, ar2)
    return [a, b], _concrete(op, a), _concrete(op, b)


def _taken(values: np.ndarray, arrays: list[Array]) -> Array:
    """`values`, elements of the flattened `arrays`: taken from them where one is differentiated,
    so that they keep their derivatives."""
    if not any(isinstance(a, Tracer) for a in arrays):
        return Array(values)
    pool = concatenate([ravel(a) for a in arrays])
    distinct, first = np.unique(np.asarray(pool._concrete("a set operation")), return_index=True)
    return convert(take(pool, first[np.searchsorted(distinct, values)]), values.dtype)


def intersect1d(ar1, ar2, assume_unique: bool = False, return_indices: bool = False):
    """The sorted unique values in both arrays (eager only); with `return_indices`, also where
    they first occur in each flattened input.

    >>> import fluxion.numpy as fnp
    >>> fnp.intersect1d(fnp.asarray([3, 1, 2]), fnp.asarray([2, 3, 4])).tolist()
    [2, 3]
    """
    arrays, a, b = _set_operands("intersect1d", ar1, ar2)
    out = np.intersect1d(a, b, assume_unique, return_indices)
    if return_indices:
        return (_taken(out[0], arrays[:1]), *(Array(v.astype(dtypes.default_int)) for v in out[1:]))
    return _taken(out, arrays[:1])


def setdiff1d(ar1, ar2, assume_unique: bool = False) -> Array:
    """The unique values of `ar1` not in `ar2`, sorted, in the dtype of `ar1` (eager only).

    >>> import fluxion.numpy as fnp
    >>> fnp.setdiff1d(fnp.asarray([3, 1, 2, 1]), fnp.asarray([2])).tolist()
    [1, 3]
    """
    arrays, a, b = _set_operands("setdiff1d", ar1, ar2)
    out = np.setdiff1d(a, b, assume_unique)
    return _taken(out.astype(dtype_of(_operands((ar1,))[0])[0]), arrays[:1])  # values of ar1: the cast is exact


def setxor1d(ar1, ar2, assume_unique: bool = False) -> Array:
    """The sorted unique values in exactly one of the arrays (eager only).

    >>> import fluxion.numpy as fnp
    >>> fnp.setxor1d(fnp.asarray([1, 2, 3]), fnp.asarray([2, 3, 4])).tolist()
    [1, 4]
    """
    arrays, a, b = _set_operands("setxor1d", ar1, ar2)
    return _taken(np.setxor1d(a, b, assume_unique), arrays)


def union1d(ar1, ar2, *, size=None, fill_value=None) -> Array:
    """The sorted unique values in either array (eager only, unless `size` fixes their number:
    see `unique`).

    >>> import fluxion.numpy as fnp
    >>> fnp.union1d(fnp.asarray([3, 1]), fnp.asarray([2, 1])).tolist()
    [1, 2, 3]
    """
    if size is not None or fill_value is not None:
        return unique(concatenate([ravel(a) for a in _arrays("union1d", ar1, ar2)]), size=size, fill_value=fill_value)
    arrays, a, b = _set_operands("union1d", ar1, ar2)
    return _taken(np.union1d(a, b), arrays)
