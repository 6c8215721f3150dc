"""Elementwise functions of the array API standard and NumPy, on the elementwise primitives."""
from __future__ import annotations

import numpy as np

from ..core import dtypes
from ..core.array import Array
from ..core.errors import DTypeError, op_error
from ..ops import elementwise as E
from ._convert import convert, promote, promote_inexact

__all__ = [
    "acos",
    "acosh",
    "add",
    "arccos",
    "arccosh",
    "arcsin",
    "arcsinh",
    "arctan",
    "arctan2",
    "arctanh",
    "asin",
    "asinh",
    "atan",
    "atan2",
    "atanh",
    "bitwise_and",
    "bitwise_count",
    "bitwise_invert",
    "bitwise_left_shift",
    "bitwise_not",
    "bitwise_or",
    "bitwise_right_shift",
    "bitwise_xor",
    "cbrt",
    "copysign",
    "cos",
    "cosh",
    "equal",
    "exp",
    "exp2",
    "expm1",
    "greater",
    "greater_equal",
    "left_shift",
    "less",
    "less_equal",
    "log",
    "log10",
    "log1p",
    "log2",
    "maximum",
    "minimum",
    "multiply",
    "negative",
    "nextafter",
    "not_equal",
    "right_shift",
    "sin",
    "sinh",
    "sqrt",
    "subtract",
    "tan",
    "tanh",
]


def _check(op, x, allowed, words):
    if x.dtype not in allowed:
        raise op_error(DTypeError, op, f"does not accept dtype {x.dtype}; it takes {words} arrays",
                       f"convert with .astype(...) to a {words} dtype")


def _numeric(name, prim):
    def f(*args):
        xs = promote(name, *args)
        if xs[0].dtype == dtypes.bool_:
            raise op_error(DTypeError, name, "does not accept boolean arrays", "convert with .astype(int) first")
        return prim.bind(*xs)
    f.__name__ = name
    return f


def _inexact(name, prim, complex_ok=True):
    def f(*args):
        return prim.bind(*promote_inexact(name, *args, complex_ok=complex_ok))
    f.__name__ = name
    return f


def _any(name, prim):
    def f(*args):
        return prim.bind(*promote(name, *args))
    f.__name__ = name
    return f


def _integral(name, prim, bool_ok=True):
    def f(*args):
        xs = promote(name, *args)
        _check(name, xs[0], dtypes.INTEGER + ((dtypes.bool_,) if bool_ok else ()), "integer" + (" or boolean" if bool_ok else ""))
        return prim.bind(*xs)
    f.__name__ = name
    return f


add = _numeric("add", E.add_p)
subtract = _numeric("subtract", E.sub_p)
multiply = _numeric("multiply", E.mul_p)
negative = _numeric("negative", E.neg_p)
exp = _inexact("exp", E.exp_p)
exp2 = _inexact("exp2", E.exp2_p)
expm1 = _inexact("expm1", E.expm1_p)
log = _inexact("log", E.log_p)
log2 = _inexact("log2", E.log2_p)
log10 = _inexact("log10", E.log10_p)
log1p = _inexact("log1p", E.log1p_p)
sqrt = _inexact("sqrt", E.sqrt_p)
sin, cos, tan = _inexact("sin", E.sin_p), _inexact("cos", E.cos_p), _inexact("tan", E.tan_p)
asin, acos, atan = _inexact("asin", E.asin_p), _inexact("acos", E.acos_p), _inexact("atan", E.atan_p)
sinh, cosh, tanh = _inexact("sinh", E.sinh_p), _inexact("cosh", E.cosh_p), _inexact("tanh", E.tanh_p)
asinh, acosh, atanh = _inexact("asinh", E.asinh_p), _inexact("acosh", E.acosh_p), _inexact("atanh", E.atanh_p)
arcsin, arccos, arctan, arcsinh, arccosh, arctanh = asin, acos, atan, asinh, acosh, atanh
cbrt = _inexact("cbrt", E.cbrt_p, complex_ok=False)
atan2 = _inexact("atan2", E.atan2_p, complex_ok=False)
arctan2 = atan2
nextafter = _inexact("nextafter", E.nextafter_p, complex_ok=False)
copysign = _inexact("copysign", E.copysign_p, complex_ok=False)
maximum = _any("maximum", E.max_p)
minimum = _any("minimum", E.min_p)
equal = _any("equal", E.eq_p)
not_equal = _any("not_equal", E.ne_p)
less = _any("less", E.lt_p)
less_equal = _any("less_equal", E.le_p)
greater = _any("greater", E.gt_p)
greater_equal = _any("greater_equal", E.ge_p)
bitwise_and = _integral("bitwise_and", E.and_p)
bitwise_or = _integral("bitwise_or", E.or_p)
bitwise_xor = _integral("bitwise_xor", E.xor_p)
bitwise_invert = _integral("bitwise_invert", E.not_p)
bitwise_not = invert = bitwise_invert
bitwise_count = _integral("bitwise_count", E.population_count_p, bool_ok=False)


def bitwise_left_shift(x1, x2):
    x1, x2 = promote("bitwise_left_shift", x1, x2)
    _check("bitwise_left_shift", x1, dtypes.INTEGER, "integer")
    return E.shift_left_p.bind(x1, x2)


def bitwise_right_shift(x1, x2):
    x1, x2 = promote("bitwise_right_shift", x1, x2)
    _check("bitwise_right_shift", x1, dtypes.INTEGER, "integer")
    prim = E.shift_right_logical_p if dtypes.is_unsigned(x1.dtype) else E.shift_right_arithmetic_p
    return prim.bind(x1, x2)


left_shift, right_shift = bitwise_left_shift, bitwise_right_shift
