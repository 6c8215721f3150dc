"""Helpers of fluxion.numpy.linalg and fluxion.scipy.linalg: checked stacks of matrices, a few
primitive compositions, and the pieces of the eager fast paths that call a factorization's
kernel directly."""
from __future__ import annotations

import numpy as np

from ..core import dtypes
from ..core.array import Array
from ..core.errors import ShapeError, op_error
from ..core.interpreters import EAGER, _ctx
from ..core.primitive import numpy_kernel
from ..ops import elementwise as E
from ..ops import reduce as R
from ..ops import shape as S
from ._contract import conj
from ._convert import convert, promote_inexact
from ._elementwise_base import eager_array
from ._manipulation import matrix_transpose


def _matrices(op: str, x, square: bool = False) -> Array:
    """`x` as a floating stack of (square) matrices; integers and booleans become float32."""
    (x,) = promote_inexact(op, x)
    if x.ndim < 2 or (square and x.shape[-1] != x.shape[-2]):
        what = "square matrices (shape (..., M, M))" if square else "matrices (shape (..., M, N))"
        raise op_error(ShapeError, op, f"needs a stack of {what}, got shape {x.shape}",
                       "pass an array whose last two axes form " + ("square matrices" if square else "the matrices"))
    return x


def _ct(x: Array) -> Array:
    """Conjugate transpose of the matrices in `x`."""
    return matrix_transpose(conj(x))


def _last(x: Array) -> tuple[int]:
    return (x.ndim - 1,)


def _abs(x: Array) -> Array:
    return E.abs_p.bind(x)


def _eye(n: int, dt) -> Array:
    return convert(E.eq_p.bind(S.iota(dtypes.int32, (n, n), 0), S.iota(dtypes.int32, (n, n), 1)), dt)


def _where(cond: Array, yes: Array, no: Array) -> Array:
    return E.select_n_p.bind(cond, no, yes)


def _max(a: Array, axes: tuple) -> Array:
    """Maximum of non-negative values over `axes`; 0 over no elements, as a norm should be."""
    out = R.reduce_max(a, axes)
    if any(a.shape[d] == 0 for d in axes):
        out = E.max_p.bind(out, convert(0, out.dtype))
    return out


_LAPACK = frozenset(dtypes.WIDE_FLOATING)  # the dtypes the kernels take as they are


def _eager_matrices(x, square: bool = True) -> np.ndarray | None:
    """The value of `x` where it is a plain eager Array (no transformation active) of (square)
    matrices of a dtype the kernels take as they are; None in every other case, which goes the
    general way (promotion, errors, tracing)."""
    if x.__class__ is not Array or _ctx.interp is not EAGER:
        return None
    v = x._value
    if v.dtype not in _LAPACK or v.ndim < 2 or square and v.shape[-1] != v.shape[-2]:
        return None
    return v


def _strong(v) -> Array:
    """An eager Array of the kernel's result, strong as the factorizations' results are."""
    return eager_array(v, False)


def _kernel(prim, v: np.ndarray, **params):
    """`prim`'s kernel on `v`, as the eager interpreter would call it: the same results, without
    promotion, checks and abstract evaluation."""
    out = numpy_kernel[prim](v, **params)
    return tuple(map(_strong, out)) if prim.multiple_results else _strong(out)
