"""Pieces shared by the reduction, statistics and sorting functions of fluxion.numpy."""
from __future__ import annotations

import numpy as np

from ..core import dtypes
from ..core.array import Array
from ..core.errors import DTypeError, ShapeError, op_error
from ..ops import elementwise as E
from ..ops import shape as S
from ..ops._util import broadcasts_to, one_int
from ..ops.reduce import normalize_axes
from ._convert import convert
from ._creation import asarray


def as_array(x) -> Array:
    return x if isinstance(x, Array) else asarray(x)


def check_real(op: str, x: Array) -> None:
    if x.dtype in dtypes.COMPLEX:
        raise op_error(DTypeError, op, f"does not accept complex dtype {x.dtype}: complex numbers are not ordered",
                       "pass x.real, x.imag or abs(x)")


def kept_shape(shape: tuple, axes: tuple) -> tuple:
    """`shape` with the reduced `axes` set to 1 (the keepdims shape)."""
    return tuple(1 if i in axes else d for i, d in enumerate(shape))


def keep_dims(out: Array, shape: tuple, axes: tuple, keepdims: bool) -> Array:
    return S.reshape(out, kept_shape(shape, axes)) if keepdims else out


def const(value, dt: np.dtype) -> Array:
    """A 0-d Array of `dt` (broadcasts against anything in elementwise primitives)."""
    return convert(value, dt)


def isnan(x: Array) -> Array:
    return E.ne_p.bind(x, x)


def select(cond: Array, if_true: Array, if_false: Array) -> Array:
    return E.select_n_p.bind(cond, if_false, if_true)


def flatten(x: Array) -> Array:
    return S.reshape(x, (x.size,))


def to_last(op: str, x: Array, axis) -> tuple[Array, tuple]:
    """Move the axes `axis` of `x` to the end and merge them into one; also return the axes."""
    axes = normalize_axes(op, axis, x.ndim)
    rest = tuple(i for i in range(x.ndim) if i not in axes)
    merged = int(np.prod([x.shape[i] for i in axes], dtype=np.int64))
    x = S.transpose(x, rest + axes)
    return S.reshape(x, tuple(x.shape[: len(rest)]) + (merged,)), axes


def bool_mask(op: str, where, shape: tuple) -> Array:
    """NumPy's `where=` as a bool Array of `shape` (it must broadcast to `shape`)."""
    where = as_array(where)
    if where.dtype != dtypes.bool_:
        where = E.ne_p.bind(where, const(0, where.dtype))
    if not broadcasts_to(where.shape, shape):
        raise op_error(ShapeError, op, f"where= of shape {where.shape} does not broadcast to the array's shape {shape}",
                       "pass a mask whose trailing axes are 1 or match the array's")
    return S.broadcast_to(where, shape)


def one_axis(op: str, axis, ndim: int) -> int:
    """A single axis (an int, possibly negative) as a non-negative int."""
    if not one_int(axis):
        raise op_error(TypeError, op, f"axis must be an int, got {axis!r}", "pass one axis as a Python int")
    return normalize_axes(op, axis, ndim)[0]


def weights_like(op: str, x: Array, w: Array, axis, axes: tuple) -> Array:
    """Weights broadcast to the shape of `x`: given in its shape, or in the shape of the reduced axes
    `axes` in the order `axis` names them (as NumPy's average and quantile take them)."""
    if w.shape == x.shape:
        return w
    if axis is None:
        raise op_error(TypeError, op, f"weights of shape {w.shape} differ from a's shape {x.shape} and no "
                       "axis was given", "pass axis=, the axes the weights run along")
    order = tuple(a % x.ndim for a in ((axis,) if one_int(axis) else axis))
    if w.shape != tuple(x.shape[i] for i in order):
        raise op_error(ShapeError, op, f"weights of shape {w.shape} do not match a's shape {x.shape} along "
                       f"axis {axis}", f"pass weights of shape {tuple(x.shape[i] for i in order)} or {x.shape}")
    # weights axis k runs along order[k]; put them in increasing order before broadcasting
    w = S.transpose(w, tuple(sorted(range(len(order)), key=order.__getitem__)))
    return S.broadcast_in_dim(w, x.shape, axes)
