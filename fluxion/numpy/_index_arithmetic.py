"""Index grids and index arithmetic: indices, ravel_multi_index and unravel_index."""
from __future__ import annotations

import math
import operator
from typing import Sequence

import numpy as np

from .. import numpy as fnp
from ..core import dtypes
from ..core.array import Array, Tracer
from ..core.errors import ConcretizationError, DTypeError, op_error
from ..ops import shape as S
from ._convert import convert
from ._differences import _array

__all__ = ["indices", "ravel_multi_index", "unravel_index"]

def indices(dimensions: Sequence[int], dtype=int, sparse: bool = False):
    """Index grids of an array of shape `dimensions`: out[k] holds the k-th index of each position.

    With `sparse`, a tuple of arrays that broadcast together (one non-1 axis each).

    >>> import fluxion.numpy as fnp
    >>> fnp.indices((2, 2)).tolist()
    [[[0, 0], [1, 1]], [[0, 1], [0, 1]]]
    """
    dims = tuple(map(operator.index, dimensions))
    if any(d < 0 for d in dims):
        raise op_error(ValueError, "indices", f"dimensions {dims} include a negative size", "pass sizes >= 0")
    dt = dtypes.canonicalize(dtype)
    if sparse:
        return tuple(S.iota(dt, tuple(d if j == k else 1 for j, d in enumerate(dims)), k) for k in range(len(dims)))
    if not dims:
        return S.full((0,), 0, dt)
    return S.concatenate([S.iota(dt, (1,) + dims, k + 1) for k in range(len(dims))], 0)


def _shape(dims) -> tuple[int, ...]:
    return (operator.index(dims),) if isinstance(dims, (int, np.integer)) else tuple(map(operator.index, dims))


def _index_arrays(op: str, xs) -> list[Array]:
    out = []
    for x in xs:
        x = _array(x)
        if not dtypes.is_integer(x.dtype):
            raise op_error(DTypeError, op, f"indices must be integers, got dtype {x.dtype}",
                           "convert with .astype(int)")
        out.append(convert(x, dtypes.default_int))
    return out


def _strides(dims: tuple, order: str, op: str) -> list[int]:
    if order not in ("C", "F"):
        raise op_error(ValueError, op, f"order={order!r} is not 'C' or 'F'", "pass order='C' (row-major) or 'F'")
    axes = range(len(dims)) if order == "F" else reversed(range(len(dims)))
    strides, step = [0] * len(dims), 1
    for k in axes:
        strides[k], step = step, step * dims[k]
    return strides


def ravel_multi_index(multi_index, dims: Sequence[int], mode="raise", order: str = "C", *, dtype=None) -> Array:
    """Flat indices of the positions `multi_index` (one index array per axis) in an array of shape `dims`.

    `mode` per axis (or one for all): 'raise' (eager check), 'clip' or 'wrap'. The result is
    int64, or of jax's `dtype`: an integer dtype that holds every flat index of `dims`.

    >>> import fluxion.numpy as fnp
    >>> fnp.ravel_multi_index((fnp.asarray([0, 1]), fnp.asarray([2, 0])), (2, 3)).tolist()
    [2, 3]
    """
    op = "ravel_multi_index"
    dims = _shape(dims)
    idx = _index_arrays(op, multi_index)
    if len(idx) != len(dims):
        raise op_error(ValueError, op, f"got {len(idx)} index arrays for {len(dims)} dims",
                       "pass one index array per axis of dims")
    modes = (mode,) * len(dims) if isinstance(mode, str) else tuple(mode)
    if len(modes) != len(dims) or any(m not in ("raise", "clip", "wrap") for m in modes):
        raise op_error(ValueError, op, f"mode={mode!r} must be 'raise', 'clip' or 'wrap' (or one per axis)",
                       "pass mode='raise', 'clip' or 'wrap'")
    if dtype is not None:
        dtype = dtypes.canonicalize(dtype)
        if dtype.kind not in "iu":
            raise op_error(DTypeError, op, f"dtype={dtype} is not an integer dtype", "pass an integer dtype")
        if math.prod(dims) - 1 > np.iinfo(dtype).max:
            raise op_error(ValueError, op, f"dtype={dtype} cannot hold the flat indices of dims={dims}",
                           f"pass a wider integer dtype, e.g. {np.min_scalar_type(math.prod(dims) - 1)}")
    strides = _strides(dims, order, op)
    flat = None
    for i, d, m, stride in zip(idx, dims, modes, strides):
        if m == "raise":
            if isinstance(i, Tracer):
                raise op_error(ConcretizationError, op, f"mode='raise' checks indices, but got a traced index {i.aval}",
                               "pass mode='clip' or mode='wrap' under a transformation")
            v = np.asarray(i._concrete(op))
            if v.size and (v.min() < 0 or v.max() >= d):
                raise op_error(ValueError, op, f"index {v.min() if v.min() < 0 else v.max()} is out of range for an "
                               f"axis of size {d}", "pass indices in [0, size), or mode='clip' or 'wrap'")
        elif m == "clip":
            i = fnp.minimum(fnp.maximum(i, 0), max(d - 1, 0))
        else:
            i = fnp.remainder(i, max(d, 1))
        term = i * stride
        flat = term if flat is None else flat + term
    flat = flat if flat is not None else fnp.asarray(0)
    return flat if dtype is None else convert(flat, dtype)


def unravel_index(indices, shape: Sequence[int], order: str = "C") -> tuple[Array, ...]:
    """The positions in an array of `shape` of the flat `indices`, one index array per axis.

    Out-of-range indices raise when eager; under a transformation they are clipped into range.

    >>> import fluxion.numpy as fnp
    >>> [a.tolist() for a in fnp.unravel_index(fnp.asarray([2, 3]), (2, 3))]
    [[0, 1], [2, 0]]
    """
    op = "unravel_index"
    shape = _shape(shape)
    (i,) = _index_arrays(op, (indices,))
    size = math.prod(shape)
    if not isinstance(i, Tracer):
        v = np.asarray(i._concrete(op))
        if v.size and (v.min() < 0 or v.max() >= size):
            raise op_error(ValueError, op, f"index {v.min() if v.min() < 0 else v.max()} is out of range for an array "
                           f"of size {size}", f"pass flat indices in [0, {size})")
    i = fnp.minimum(fnp.maximum(i, 0), max(size - 1, 0))
    strides = _strides(shape, order, op)
    return tuple((i // max(s, 1)) % max(d, 1) for d, s in zip(shape, strides))
