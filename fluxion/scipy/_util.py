"""Helpers of fluxion.scipy's special functions: promotion, constants, selection, polynomials."""
from __future__ import annotations

import numpy as np

from ..core import dtypes
from ..core.array import Array
from ..core.interpreters import EAGER, _ctx
from ..numpy._convert import convert, promote_inexact
from ..numpy._elementwise_base import eager_array, eager_unary
from ..ops import elementwise as E

_LOW = (dtypes.float16, dtypes.bfloat16)
_FAST = frozenset((dtypes.float32, dtypes.float64))


def _real(op: str, *args) -> list[Array]:
    return promote_inexact(op, *args, complex_ok=False)


def _wide(x: Array) -> Array:
    """`x` in the dtype multi-step functions compute in (float32 for 16-bit floats)."""
    return convert(x, dtypes.float32, x.weak) if x.dtype in _LOW else x


def _in_float64(op: str, fn, *args) -> Array:
    """`fn` of the real `args`, promoted together, computed in float64 and rounded once to their dtype."""
    args = _real(op, *args)
    out = fn(*(convert(v, dtypes.float64, v.weak) for v in args))
    return convert(out, args[0].dtype, all(v.weak for v in args))


def _c(value, like: Array) -> Array:
    """A weak constant of `like`'s dtype (it never changes the weak flag of a result)."""
    return Array(np.array(value, like.dtype), weak=True)


def _unary(name: str, prim, doc: str):
    def f(x) -> Array:
        out = eager_unary(prim, x, _FAST)  # kept fast
        return prim.bind(*_real(name, x)) if out is None else out
    f.__name__ = f.__qualname__ = name
    f.__doc__ = doc
    return f


def _poly(t: Array, coefficients) -> Array:
    out = _c(coefficients[-1], t)
    for c in coefficients[-2::-1]:
        out = E.add_p.bind(E.mul_p.bind(out, t), _c(c, t))
    return out


def _where(cond: Array, x: Array, y: Array) -> Array:
    """`x` where `cond` holds, else `y` (NumPy's argument order)."""
    return E.select_n_p.bind(cond, y, x)


def _branches(cond: Array, x: Array, f, f_safe, g, g_safe) -> Array:
    """`f(x)` where `cond` holds, else `g(x)`, for functions acting element by element; each sees only
    its own lanes (`f_safe` / `g_safe` elsewhere: values it is finite at, so that a discarded branch
    gives no NaN derivatives). Eagerly each runs on its own lanes alone, which saves the work of the
    discarded ones: for a long series on few lanes, most of it."""
    if x.__class__ is Array and cond.__class__ is Array and _ctx.interp is EAGER and cond.shape == x.shape:
        c, v = cond._value.reshape(-1), x._value.reshape(-1)
        out = np.empty(v.shape, v.dtype)
        for lanes, fn in ((c, f), (~c, g)):
            at = np.flatnonzero(lanes)  # (indices: several times faster than a boolean mask to read and write by)
            if at.size:
                out[at] = fn(Array(v.take(at), x.weak))._value
        return eager_array(out.reshape(x.shape), x.weak)
    return _where(cond, f(_where(cond, x, _c(f_safe, x))), g(_where(cond, _c(g_safe, x), x)))


def _is_nan(x: Array) -> Array:
    return E.ne_p.bind(x, x)
