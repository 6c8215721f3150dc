"""Elementwise and whole-array comparison: isclose, allclose, array_equal, array_equiv and isin."""
from __future__ import annotations

import numpy as np

from .. import numpy as fnp
from ..core import dtypes
from ..core.array import Array
from ..core.errors import op_error
from ..core.interpreters import EAGER, _ctx
from ..ops import reduce as R
from ..ops import shape as S
from ..ops._util import broadcast_shape
from ._convert import dtype_of, promote
from ._differences import _arrays, _inexact, _operands
from ._elementwise_base import eager_array
from ._placement import with_operands
from ._sorting import _COMPARED

__all__ = ["allclose", "array_equal", "array_equiv", "isclose", "isin"]

_TABLE_DTYPES = {dtypes.bool_, *dtypes.INTEGER}
_FLOATING = frozenset(dtypes.FLOATING)
_METHODS = ("auto", "compare_all", "binary_search", "sort")


def isclose(a, b, rtol=1e-05, atol=1e-08, equal_nan: bool = False) -> Array:
    """Elementwise `|a - b| <= atol + rtol * |b|`; infinities are close only to themselves.

    Integers and booleans are compared as float32 (as every floating-only function does).

    >>> import fluxion.numpy as fnp
    >>> fnp.isclose(fnp.asarray([1.0, fnp.inf, fnp.nan]), fnp.asarray([1.0 + 1e-7, fnp.inf, fnp.nan])).tolist()
    [True, True, False]
    """
    x, y = _inexact("isclose", a, b)
    close = (fnp.abs(x - y) <= atol + rtol * fnp.abs(y)) & fnp.isfinite(y) | (x == y)
    if equal_nan:
        close = close | (fnp.isnan(x) & fnp.isnan(y))
    return close


def allclose(a, b, rtol=1e-05, atol=1e-08, equal_nan: bool = False) -> Array:
    """Whether every element of `a` is close to `b` (see `isclose`), as a 0-d boolean Array.

    >>> import fluxion.numpy as fnp
    >>> bool(fnp.allclose(fnp.asarray([1.0, 2.0]), 2.0))
    False
    """
    return R.reduce_and(isclose(a, b, rtol, atol, equal_nan), None)


def array_equal(a1, a2, equal_nan: bool = False) -> Array:
    """Whether `a1` and `a2` have one shape and equal elements, as a 0-d boolean Array.

    >>> import fluxion.numpy as fnp
    >>> bool(fnp.array_equal(fnp.asarray([1.0, fnp.nan]), fnp.asarray([1.0, fnp.nan]), equal_nan=True))
    True
    """
    if (a1.__class__ is Array and a2.__class__ is Array and _ctx.interp is EAGER and not (a1._weak or a2._weak)
            and (u := a1._value).dtype is (v := a2._value).dtype and u.shape == v.shape):  # kept fast
        same = u == v
        if equal_nan and u.dtype in _FLOATING:
            same |= (u != u) & (v != v)
        return eager_array(np.asarray(same.all()), False)
    a1, a2 = _arrays("array_equal", a1, a2)
    if a1.shape != a2.shape:
        return with_operands("array_equal", fnp.asarray(False), [a1, a2])
    same = a1 == a2
    if equal_nan and a1.dtype in dtypes.FLOATING:
        same = same | (fnp.isnan(a1) & fnp.isnan(a2))
    return R.reduce_and(same, None)


def array_equiv(a1, a2) -> Array:
    """Whether `a1` and `a2` broadcast together and are equal everywhere, as a 0-d boolean Array.

    >>> import fluxion.numpy as fnp
    >>> bool(fnp.array_equiv(fnp.asarray([[1, 2], [1, 2]]), fnp.asarray([1, 2])))
    True
    """
    a1, a2 = _arrays("array_equiv", a1, a2)
    if broadcast_shape(a1.shape, a2.shape) is None:
        return with_operands("array_equiv", fnp.asarray(False), [a1, a2])
    return R.reduce_and(a1 == a2, None)


def isin(element, test_elements, assume_unique: bool = False, invert: bool = False, *, kind=None,
         method: str = "auto") -> Array:
    """Whether each element of `element` occurs in `test_elements` (the negation when `invert`).

    NaN is in no array. `assume_unique`, NumPy's `kind` (None, 'sort' or 'table') and jax's
    `method` ('auto', 'compare_all', 'binary_search' or 'sort') choose an algorithm in those
    libraries; the result does not depend on them, but 'table' takes only integer and boolean
    arrays, as in NumPy. Values are compared exactly (see `equal`): one that does not fit
    the other's dtype matches nothing.

    >>> import fluxion.numpy as fnp
    >>> fnp.isin(fnp.asarray([1, 2, 3]), [3, 1]).tolist()
    [True, False, True]
    """
    if kind not in (None, "sort", "table"):
        raise op_error(ValueError, "isin", f"kind={kind!r} is not a method", "pass kind=None, 'sort' or 'table'")
    if method not in _METHODS:
        raise op_error(ValueError, "isin", f"method={method!r} is not a method", f"pass method= one of {_METHODS}")
    # a Python scalar test value stays one, so that `equal` can compare it exactly with any dtype
    e, (t,) = fnp.asarray(element), _operands([test_elements])
    if isinstance(test_elements, (list, tuple)):  # its Python numbers exactly (0.3 among float64 is 0.3)
        t = promote("isin", e, test_elements)[1]
    if kind == "table" and not {e.dtype, t_dtype := dtype_of(t)[0]} <= _TABLE_DTYPES:
        raise op_error(ValueError, "isin", f"kind='table' takes only integer and boolean arrays, not "
                       f"{e.dtype} and {t_dtype}", "pass kind=None or 'sort'")
    if (e.__class__ is Array and t.__class__ is Array and e.dtype == t.dtype != dtypes.bfloat16
            and _ctx.interp is EAGER):  # kept fast: NumPy's, which sorts (the comparison of all pairs is quadratic)
        return eager_array(np.isin(e._value, t._value, invert=invert), e._weak and t._weak)
    flat = S.reshape(t, (t.size,)) if isinstance(t, Array) else t
    if isinstance(t, Array) and e.dtype == t.dtype and e.size * t.size > _COMPARED:  # search the sorted test values
        ordered = fnp.sort(flat)
        found = fnp.take(ordered, fnp.searchsorted(ordered, e), mode="clip")
        hits = found == e  # (NaN finds no equal)
    else:
        hits = R.reduce_or(fnp.equal(S.expand_dims(e, (e.ndim,)), flat), (e.ndim,))
    return ~hits if invert else hits
