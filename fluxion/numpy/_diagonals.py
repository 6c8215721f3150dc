"""Diagonals and triangles: diag, diagflat, fill_diagonal, and the index arrays of diagonals
(diag_indices) and of triangles (tril_indices, triu_indices).

Sizes and offsets are static, so the index arrays are constants; `diag`, `diagflat` and
`fill_diagonal` are built from `where`, `take` and `.at[]` and work under every transformation.
"""
from __future__ import annotations

import operator

import numpy as np

from .. import numpy as fnp
from ..core import dtypes
from ..core.array import Array
from ..core.errors import ShapeError, op_error
from ..core.interpreters import EAGER, _ctx
from ._convert import convert
from ._creation import band_mask
from ._manipulation import _arr, _eager, _view

__all__ = ["diag", "diag_indices", "diag_indices_from", "diagflat", "fill_diagonal", "tril_indices",
           "tril_indices_from", "triu_indices", "triu_indices_from"]


def diag(v, k: int = 0) -> Array:
    """The `k`-th diagonal of a 2-d `v`, or a 2-d array with the 1-d `v` on its `k`-th diagonal.

    >>> import fluxion.numpy as fnp
    >>> fnp.diag(fnp.asarray([1, 2]), k=1).tolist(), fnp.diag(fnp.asarray([[1, 2], [3, 4]])).tolist()
    ([[0, 1, 0], [0, 0, 2], [0, 0, 0]], [1, 4])
    """
    if k.__class__ is int and _eager(v) and 1 <= v._value.ndim <= 2:  # kept fast: the kernels' diagonal (a copy)
        value = v._value
        return _view(v, np.diagonal(value, k).copy() if value.ndim == 2 else np.diag(value, k))
    v, k = _arr(v), operator.index(k)
    if v.ndim == 2:
        return fnp.diagonal(v, offset=k)
    if v.ndim != 1:
        raise op_error(ShapeError, "diag", f"takes a 1-d or 2-d array, got shape {v.shape}",
                       "use fnp.diagonal for stacks of matrices, or fnp.diagflat to flatten first")
    n = v.shape[0] + abs(k)
    padded = fnp.pad(v, (0, abs(k)))
    # row i holds v[i] at column i + k (k >= 0); column j holds v[j] at row j - k (k < 0)
    values = padded[:, None] if k >= 0 else padded[None, :]
    return fnp.where(fnp.eye(n, k=k, dtype=dtypes.bool_), values, fnp.zeros((), v.dtype))


def diagflat(v, k: int = 0) -> Array:
    """A 2-d array with the flattened `v` on its `k`-th diagonal.

    >>> import fluxion.numpy as fnp
    >>> fnp.diagflat(fnp.asarray([[1, 2]])).tolist()
    [[1, 0], [0, 2]]
    """
    return diag(fnp.ravel(_arr(v)), k)


def _square(op: str, a: Array) -> None:
    if a.ndim < 2 or len(set(a.shape)) != 1:
        raise op_error(ShapeError, op, f"needs an array of at least 2 dimensions, all of one length, got shape "
                       f"{a.shape}", "pass a square matrix (or an n x n x ... cube)")


def fill_diagonal(a, val, wrap: bool = False, *, inplace: bool = True) -> Array:
    """A copy of `a` with `val` on its main diagonal (`a[i, i, ...]`), repeating `val` as needed.

    Arrays are values, so this cannot write into `a`: pass `inplace=False` and use the result.
    A 2-d `a` may be rectangular; for a tall one, `wrap=True` restarts the diagonal every
    `ncols + 1` rows, as NumPy does. Arrays of more dimensions must be cubes.

    >>> import fluxion.numpy as fnp
    >>> fnp.fill_diagonal(fnp.zeros((2, 3), dtype=int), [7, 8], inplace=False).tolist()
    [[7, 0, 0], [0, 8, 0]]
    """
    if inplace:
        raise op_error(ValueError, "fill_diagonal", "fluxion arrays are values and cannot be changed in place",
                       "pass inplace=False and use the returned array: a = fnp.fill_diagonal(a, val, inplace=False)")
    a = _arr(a)
    if a.ndim < 2:
        raise op_error(ShapeError, "fill_diagonal", f"needs an array of at least 2 dimensions, got shape {a.shape}",
                       "pass a matrix")
    if a.ndim > 2:
        _square("fill_diagonal", a)
    step = 1 + int(np.cumprod(a.shape[:0:-1]).sum())  # one along every axis, in flat positions
    end = a.size if wrap or a.ndim > 2 else min(a.size, a.shape[1] * a.shape[1])
    where = np.arange(0, end, step)
    values = fnp.ravel(convert(val, a.dtype))  # (a Python number exactly: 0.1 into float64 is 0.1)
    if values.size == 0:
        return a
    values = fnp.resize(values, (where.size,))
    return fnp.reshape(fnp.ravel(a).at[Array(where)].set(values), a.shape)


def diag_indices(n: int, ndim: int = 2) -> tuple[Array, ...]:
    """The index arrays of the main diagonal of an n x n x ... array of `ndim` dimensions.

    >>> import fluxion.numpy as fnp
    >>> x = fnp.zeros((3, 3), dtype=int)
    >>> x.at[fnp.diag_indices(3)].set(1).tolist()
    [[1, 0, 0], [0, 1, 0], [0, 0, 1]]
    """
    n, ndim = operator.index(n), operator.index(ndim)
    if n < 0 or ndim < 0:
        raise op_error(ValueError, "diag_indices", f"n={n} and ndim={ndim} must be >= 0", "pass sizes >= 0")
    return (fnp.arange(n),) * ndim


def diag_indices_from(arr) -> tuple[Array, ...]:
    """The index arrays of the main diagonal of `arr` (square, at least 2 dimensions).

    >>> import fluxion.numpy as fnp
    >>> [i.tolist() for i in fnp.diag_indices_from(fnp.zeros((2, 2)))]
    [[0, 1], [0, 1]]
    """
    arr = _arr(arr)
    _square("diag_indices_from", arr)
    return diag_indices(arr.shape[0], arr.ndim)


def _triangle_indices(n: int, k: int, m: int | None, lower: bool) -> tuple[Array, Array]:
    if (n.__class__ is k.__class__ is int and (m is None or m.__class__ is int and m >= 0) and n >= 0
            and _ctx.interp is EAGER):  # kept fast: NumPy's nonzeros of the same triangle
        inside = band_mask(n, n if m is None else m, k, lower)
        return tuple(Array(i.astype(np.int64, copy=False)) for i in np.nonzero(inside))
    k = operator.index(k)
    inside = fnp.tri(n, m, k if lower else k - 1, dtype=dtypes.bool_)  # empty for negative sizes, as NumPy
    return fnp.nonzero(inside if lower else ~inside)


def tril_indices(n: int, k: int = 0, m: int | None = None) -> tuple[Array, Array]:
    """Row and column indices of the lower triangle (on and below diagonal `k`) of an n x m matrix.

    >>> import fluxion.numpy as fnp
    >>> [i.tolist() for i in fnp.tril_indices(2)]
    [[0, 1, 1], [0, 0, 1]]
    """
    return _triangle_indices(n, k, m, lower=True)


def triu_indices(n: int, k: int = 0, m: int | None = None) -> tuple[Array, Array]:
    """Row and column indices of the upper triangle (on and above diagonal `k`) of an n x m matrix.

    >>> import fluxion.numpy as fnp
    >>> [i.tolist() for i in fnp.triu_indices(2)]
    [[0, 0, 1], [0, 1, 1]]
    """
    return _triangle_indices(n, k, m, lower=False)


def _matrix(op: str, arr) -> Array:
    arr = _arr(arr)
    if arr.ndim != 2:
        raise op_error(ShapeError, op, f"needs a 2-d array, got shape {arr.shape}", "pass a matrix")
    return arr


def tril_indices_from(arr, k: int = 0) -> tuple[Array, Array]:
    """`tril_indices` for the shape of the 2-d `arr`.

    >>> import fluxion.numpy as fnp
    >>> [i.tolist() for i in fnp.tril_indices_from(fnp.zeros((2, 3)), k=-1)]
    [[1], [0]]
    """
    arr = _matrix("tril_indices_from", arr)
    return tril_indices(arr.shape[0], k, arr.shape[1])


def triu_indices_from(arr, k: int = 0) -> tuple[Array, Array]:
    """`triu_indices` for the shape of the 2-d `arr`.

    >>> import fluxion.numpy as fnp
    >>> [i.tolist() for i in fnp.triu_indices_from(fnp.zeros((2, 3)), k=2)]
    [[0], [2]]
    """
    arr = _matrix("triu_indices_from", arr)
    return triu_indices(arr.shape[0], k, arr.shape[1])
