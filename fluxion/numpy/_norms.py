"""The norms of fluxion.numpy.linalg: vector norms of any order, the matrix norms, and NumPy's
`norm`, which picks one from `ord` and `axis`."""
from __future__ import annotations

import math
import operator

import numpy as np

from ..backends.numpy._loops import add_reduce
from ..core import dtypes
from ..core.array import Array
from ..core.errors import ShapeError, op_error
from ..ops import elementwise as E
from ..ops import linalg as L
from ..ops import reduce as R
from ..ops import shape as S
from ..ops._util import axis_index, one_int
from ._convert import convert, promote_inexact
from ._elementwise_base import eager_array, root_at_zero
from ._linalg_util import _abs, _last, _matrices, _max
from ._reductions import _DIRECT_REAL, _eager_axes


# elements up to which the squares of all the elements of a real array are summed by a dot product
# (one BLAS call, as NumPy's norm takes it): its few interleaved partial sums are no less
# accurate than NumPy's own sums of so few, which are not pairwise either
_DOT_SQUARES = 128
_VECTOR_DOT = (((0,), (0,)), ((), ()))


def _dot_squares(x: Array, axes: tuple) -> bool:
    return len(axes) == x.ndim and x.size <= _DOT_SQUARES and x.dtype in _DIRECT_REAL


def _sum_abs(x: Array, axes: tuple, p: float) -> Array:
    """sum(|x|**p) over axes, for p in 1 and 2 without a power (p = 2 without |x|, whose kink at 0
    would make the second derivative there 0)."""
    if p == 2 and x.dtype in dtypes.COMPLEX:
        return R.reduce_sum(E.real_p.bind(E.mul_p.bind(x, E.conj_p.bind(x))), axes)
    if p == 2 and _dot_squares(x, axes):
        flat = S.reshape(x, (x.size,))
        return L.dot_general(flat, flat, _VECTOR_DOT)
    if p == 2:
        return R.reduce_sum(E.square_p.bind(x), axes)
    a = _abs(x)
    return R.reduce_sum(a if p == 1 else E.pow_p.bind(a, convert(p, a.dtype)), axes)


def _min(x: Array, axes: tuple) -> Array:
    """The minimum over `axes` (of a norm of negative order), which no elements do not have, as in NumPy."""
    if any(x.shape[a] == 0 for a in axes):
        raise op_error(ValueError, "norm", f"a norm of order -inf, -1 or -2 is a minimum, which an empty array "
                       f"(here the values of shape {x.shape} it takes the minimum of) does not have",
                       "pass a non-empty array, or a norm of positive order")
    return R.reduce_min(x, axes)


def _vector_norm(x: Array, axes: tuple, ord) -> Array:
    if ord == math.inf:
        return _max(_abs(x), axes)
    if ord == -math.inf:
        return _min(_abs(x), axes)
    rdt = dtypes.real_dtype(x.dtype)
    if ord == 0:
        return R.reduce_sum(convert(E.ne_p.bind(x, convert(0, x.dtype)), rdt), axes)
    if ord == 1:
        return _sum_abs(x, axes, 1)
    if ord == 2:
        return root_at_zero(_sum_abs(x, axes, 2), E.sqrt_p.bind)
    root = lambda s: E.pow_p.bind(s, convert(1 / ord, rdt))  # noqa: E731
    # for ord < 0 a zero sum (no elements, or all infinite) has the root inf, as it should
    return root(_sum_abs(x, axes, ord)) if ord < 0 else root_at_zero(_sum_abs(x, axes, ord), root)


def _eager_norm2(x, axis, keepdims: bool) -> Array | None:
    """The 2-norm over all axes, one (an int) or the last two (a tuple naming them in order: the
    Frobenius norm) of an eager float32 or float64 array, with the general path's kernels; None
    in every other case, which goes the general way."""
    if (axes := _eager_axes(x, None if axis.__class__ is tuple else axis, _DIRECT_REAL)) is None:
        return None
    if axis.__class__ is tuple:
        n = len(axes)
        if tuple(a + n if a.__class__ is int and -n <= a < 0 else a for a in axis) != axes[-2:]:
            return None
        axes = axes[-2:]
    v = x._value
    # root_at_zero's selections keep a zero sum as it is, and a sum of squares is never -0.0, so
    # its root is that same +0.0 (strong, as root_at_zero's)
    if len(axes) == v.ndim and v.size <= _DOT_SQUARES:
        # (vdot flattens v, as the general path does, and calls the BLAS dot that np.matmul, the
        # kernel of dot_general, calls on two vectors)
        norm = np.asarray(np.sqrt(np.vdot(v, v)))
        y = Array.__new__(Array)
        y._value, y._weak = norm.reshape((1,) * v.ndim) if keepdims else norm, False
        return y
    return eager_array(np.sqrt(add_reduce(np.multiply(v, v), axes, keepdims)), False)


def vector_norm(x, /, *, axis=None, keepdims: bool = False, ord=2) -> Array:
    """p-norm over `axis` (all axes by default): `ord` any real number (0 counts non-zeros), inf or
    -inf; None is 2, as in NumPy.

    >>> import fluxion.numpy as fnp
    >>> fnp.linalg.vector_norm(fnp.asarray([3.0, -4.0])).item()
    5.0
    """
    if ord is None:
        ord = 2
    if (ord.__class__ is int or ord.__class__ is float) and ord == 2 and (y := _eager_norm2(x, axis, keepdims)) is not None:
        return y  # kept fast
    (x,) = promote_inexact("vector_norm", x)
    if isinstance(ord, str) or not isinstance(ord, (int, float, np.number)):
        raise op_error(ValueError, "vector_norm", f"ord must be a number, got {ord!r}",
                       "use a real number, inf or -inf (matrix_norm takes 'fro' and 'nuc')")
    axes = R.normalize_axes("vector_norm", axis, x.ndim)
    out = _vector_norm(x, axes, float(ord))
    return S.expand_dims(out, axes) if keepdims else out


_MATRIX_ORDS = ("fro", "nuc", 1, -1, 2, -2, math.inf, -math.inf)


def _matrix_norm(x: Array, ord) -> Array:
    """A matrix norm over the last two axes."""
    r, c = x.ndim - 2, x.ndim - 1
    if ord == "fro":
        return root_at_zero(_sum_abs(x, (r, c), 2), E.sqrt_p.bind)
    if ord in ("nuc", 2, -2):
        s = L.svd(x, compute_uv=False)
        return (R.reduce_sum if ord == "nuc" else _max if ord == 2 else _min)(s, _last(s))
    if ord in (1, -1, math.inf, -math.inf):
        sums = _sum_abs(x, (r if abs(ord) == 1 else c,), 1)
        return (_max if ord > 0 else _min)(sums, _last(sums))
    raise op_error(ValueError, "matrix_norm", f"ord {ord!r} is not a matrix norm",
                   f"use one of {', '.join(map(repr, _MATRIX_ORDS))}")


def matrix_norm(x, /, *, keepdims: bool = False, ord="fro") -> Array:
    """Norm of each matrix: `ord` 'fro', 'nuc', 1, -1, 2, -2, inf or -inf.

    >>> import fluxion.numpy as fnp
    >>> fnp.linalg.matrix_norm(fnp.asarray([[1.0, -2.0], [3.0, 4.0]]), ord=1).item()
    6.0
    """
    if ord.__class__ is str and ord == "fro" and (y := _eager_norm2(x, (-2, -1), keepdims)) is not None:
        return y  # kept fast
    x = _matrices("matrix_norm", x)
    out = _matrix_norm(x, ord)
    return S.expand_dims(out, (x.ndim - 2, x.ndim - 1)) if keepdims else out


def norm(x, ord=None, axis=None, keepdims: bool = False) -> Array:
    """NumPy's norm: a vector norm over one axis, a matrix norm over two, the 2-norm of all
    elements when both `ord` and `axis` are None.

    >>> import fluxion.numpy as fnp
    >>> fnp.linalg.norm(fnp.asarray([[1.0, 2.0], [2.0, 4.0]])).item()
    5.0
    """
    fro = ord is None or ord.__class__ is str and ord == "fro" and axis.__class__ is tuple
    if fro and (y := _eager_norm2(x, axis, keepdims)) is not None:
        return y  # kept fast
    (x,) = promote_inexact("norm", x)
    if axis is None:
        if ord is None:
            return vector_norm(x, keepdims=keepdims)
        if x.ndim not in (1, 2):
            raise op_error(ShapeError, "norm", f"ord={ord!r} needs a 1-D or 2-D array, got shape {x.shape}",
                           "pass axis= to pick the vector or matrix axes")
        axis = tuple(range(x.ndim))
    axes = (axis,) if one_int(axis) else tuple(axis)
    if len(axes) == 1:
        return vector_norm(x, axis=axes[0], keepdims=keepdims, ord=2 if ord is None else ord)
    if len(axes) != 2:
        raise op_error(ShapeError, "norm", f"axis {axis} names {len(axes)} axes",
                       "name one axis (vector) or two (matrix)")
    rows, cols = (axis_index("norm", operator.index(a), x.ndim) for a in axes)
    if rows == cols:
        raise op_error(ShapeError, "norm", f"axis {axis} names one axis twice", "name two different axes")
    moved = S.transpose(x, tuple(d for d in range(x.ndim) if d not in (rows, cols)) + (rows, cols))
    out = _matrix_norm(moved, "fro" if ord is None else ord)
    return S.expand_dims(out, tuple(sorted((rows, cols)))) if keepdims else out
