"""Selection between arrays and conversion between dtypes."""
from __future__ import annotations

from ..core import dtypes as D
from ..core.array import Array
from ..ops import elementwise as E
from ._operands import ArrayLike, DTypeLike, as_array, operands


def select_n(which: ArrayLike, *cases: ArrayLike) -> Array:
    """`cases[which]` elementwise: `which` is boolean (two cases) or integer.

    >>> import fluxion.numpy as fnp
    >>> select_n(fnp.asarray([0, 2, 1], dtype=fnp.int32), fnp.zeros(3), fnp.ones(3), fnp.full(3, 2.0)).tolist()
    [0.0, 2.0, 1.0]
    """
    which = as_array(which)
    if which.dtype in D.INTEGER and which.dtype != D.int32:  # the primitive takes int32 selectors
        which = E.convert_element_type_p.bind(which, new_dtype=D.int32, weak=False)
    return E.select_n_p.bind(which, *operands(*cases))


def select(pred: ArrayLike, on_true: ArrayLike, on_false: ArrayLike) -> Array:
    """`on_true` where `pred` else `on_false`, elementwise."""
    return select_n(pred, on_false, on_true)


def convert_element_type(operand: ArrayLike, new_dtype: DTypeLike) -> Array:
    """`operand` converted to `new_dtype` (floats to integers round toward zero).

    >>> convert_element_type(2.7, "int32").item()
    2
    """
    x, dt = as_array(operand), D.canonicalize(new_dtype)
    if x.dtype == dt and not x.weak:
        return x
    if dt not in D.COMPLEX and x.dtype in D.COMPLEX:  # the real part, as lax does
        x = E.real_p.bind(x)
    return E.convert_element_type_p.bind(x, new_dtype=dt, weak=False)


def bitcast_convert_type(operand: ArrayLike, new_dtype: DTypeLike) -> Array:
    """The bits of `operand` read as `new_dtype`; a narrower dtype adds a last axis, a wider one removes it.

    >>> import fluxion.numpy as fnp
    >>> bitcast_convert_type(fnp.asarray(1.0), "int32").item()
    1065353216
    """
    return E.bitcast_convert_type_p.bind(as_array(operand), new_dtype=D.canonicalize(new_dtype))
