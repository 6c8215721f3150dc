"""What the elementwise functions share: operand kinds, selection, constants, 16-bit upcasting,
and the errors for NumPy's `out=` and `where=`: arrays are values, so there is no output array
to write into (`no_out` serves every fluxion.numpy function whose NumPy counterpart takes `out=`).

Every elementwise function starts with `operands(name, kind, *args)`: it promotes the
arguments (Python scalars are weak) and checks the promoted dtype against the operand kind
the function takes, raising an error that names the function and the fix.
"""
from __future__ import annotations

import functools
from typing import Callable

import numpy as np

from ..core import dtypes as D
from ..core.array import Array
from ..core.errors import DTypeError, op_error
from ..core.interpreters import EAGER, _ctx, _wrap
from ..backends.numpy import _parallel
from ..backends.numpy._loops import CHEAP, FILL_FROM, FILLED, filled, spread
from ..core.primitive import numpy_kernel
from ..ops import elementwise as E
from ..ops import shape as S
from ._convert import convert, dtype_of, promote, promote_inexact
from ._placement import place

_NO_PARAMS: dict = {}
_new = Array.__new__

# operand kinds ------------------------------------------------------------------------------
FLOATING = "floating-point"            # integers and booleans are promoted to float32
REAL_FLOATING = "real floating-point"  # the same, and complex is rejected
NUMERIC = "numeric"
REAL = "real-valued"                   # booleans, integers, real floats (order comparisons)
REAL_NUMERIC = "real-valued numeric"
INTEGER = "integer"
INTEGRAL = "integer or boolean"
ANY = "any"
# as NUMERIC and REAL_NUMERIC, and booleans alone are taken as int8, as NumPy's arithmetic takes them
ARITHMETIC = "numeric or boolean"
REAL_ARITHMETIC = "real-valued numeric or boolean"

_ALLOWED = {
    NUMERIC: D.NUMERIC,
    REAL: (D.bool_,) + D.INTEGER + D.REAL_FLOATING,
    REAL_NUMERIC: D.INTEGER + D.REAL_FLOATING,
    INTEGER: D.INTEGER,
    INTEGRAL: (D.bool_,) + D.INTEGER,
    ANY: D.ALL,
}
_ALLOWED[ARITHMETIC], _ALLOWED[REAL_ARITHMETIC] = (D.bool_,) + D.NUMERIC, (D.bool_,) + _ALLOWED[REAL_NUMERIC]


# the dtypes a lone array of each kind is taken in unchanged (floating kinds promote integers to float)
_FAST = {kind: frozenset(dts) for kind, dts in _ALLOWED.items()}
_FAST[FLOATING], _FAST[REAL_FLOATING] = frozenset(D.FLOATING), frozenset(D.REAL_FLOATING)
_FAST[ARITHMETIC], _FAST[REAL_ARITHMETIC] = _FAST[NUMERIC], _FAST[REAL_NUMERIC]


def _fix(dt, kind: str) -> str:
    if dt == D.bool_:
        return "convert booleans with .astype(int) (or use the logical_* functions for logic)"
    if dt in D.COMPLEX:
        return "pass real arrays, e.g. x.real, x.imag or abs(x)"
    return f"convert with .astype(...) to {'an' if kind[0] in 'aeiou' else 'a'} {kind} dtype"


def operands(name: str, kind: str, *args) -> list[Array]:
    """`args` promoted to one dtype, checked to be of `kind` (one of the constants above)."""
    first = args[0]
    if isinstance(first, Array):  # the common case, kept fast: arrays of one dtype that `kind` takes
        dt = first.dtype
        if dt in _FAST[kind] and all(isinstance(a, Array) and a.dtype == dt for a in args[1:]):
            return args
    if kind is FLOATING or kind is REAL_FLOATING:
        return promote_inexact(name, *args, complex_ok=kind is FLOATING)
    xs = promote(name, *args)
    dt = xs[0].dtype
    if dt not in _ALLOWED[kind]:
        own = [dtype_of(a)[0] for a in args]
        if all(d in _ALLOWED[kind] for d in own):  # (int64 and uint64 promote to float64)
            raise op_error(DTypeError, name, f"operands of dtypes {', '.join(map(str, own))} promote to {dt}, which "
                           f"it does not accept; it takes {kind} arrays", "convert them to one integer dtype with "
                           ".astype(...) first")
        raise op_error(DTypeError, name, f"does not accept dtype {dt}; it takes {kind} arrays", _fix(dt, kind))
    if dt == D.bool_ and kind in (ARITHMETIC, REAL_ARITHMETIC):
        return [convert(x, D.int8) for x in xs]
    return xs


# building blocks ----------------------------------------------------------------------------
def select(cond: Array, a, b) -> Array:
    """`a` where `cond` else `b`; a Python scalar takes the dtype of the other branch."""
    if not isinstance(a, Array):
        a = convert(a, b.dtype, b.weak)
    elif not isinstance(b, Array):
        b = convert(b, a.dtype, a.weak)
    return E.select_n_p.bind(cond, b, a)


def plus_derivative(value: Array, t: Array) -> Array:
    """`value` bit for bit (a zero keeps its sign), with the derivative of the finite `t` added
    to its own: `stop_gradient(t) - t` is a +0, and z - (+0) is z for every z."""
    return value - (E.stop_gradient_p.bind(t) - t)


def root_at_zero(s: Array, root) -> Array:
    """root(s) with zero derivatives of every order where s == 0: the norm's subgradient of least
    norm at 0, instead of the 0 * inf = NaN that differentiating root at 0 would give, and then
    zero (as abs has, the norm of one element)."""
    zero = E.eq_p.bind(s, convert(0, s.dtype))
    return E.select_n_p.bind(zero, root(E.select_n_p.bind(zero, s, convert(1, s.dtype))), E.stop_gradient_p.bind(s))


def full_like(x: Array, value, dtype=None) -> Array:
    """An array of `x`'s shape filled with `value` (of `dtype`, default `x`'s), on `x`'s device."""
    return place("full_like", S.full(x.shape, value, x.dtype if dtype is None else dtype), x.device)


def copy(x: Array) -> Array:
    """A new Array with `x`'s value (so that an in-place update of one never shows in the other)."""
    if x.__class__ is Array and _ctx.interp is EAGER:  # kept fast: the kernel's copy
        return eager_array(x._value.copy(), x._weak)
    return E.convert_element_type_p.bind(x, new_dtype=x.dtype, weak=x.weak)


def eager_array(value, weak: bool) -> Array:
    """An eager Array of a kernel's `value` (a NumPy scalar, from a ufunc on 0-d operands, made 0-d)."""
    y = _new(Array)
    y._value, y._weak = value if value.__class__ is np.ndarray else np.asarray(value), weak
    return y


def nonzero_divisor(x: Array, y: Array, fn) -> Array:
    """`fn(x, y)` for integers where y != 0, and 0 where y == 0 (as NumPy gives), without the
    kernel ever seeing a zero divisor (XLA leaves integer division by zero unspecified)."""
    zero = y == 0
    return select(zero, 0, fn(x, select(zero, 1, y)))


def in_float32(fn):
    """Compute 16-bit floats in float32 and round once at the end, as NumPy's half-precision
    loops do; a composition of several operations in 16 bits would round at every step."""
    @functools.wraps(fn)
    def wrapped(*xs: Array, **static):
        dt = xs[0].dtype
        if dt not in (D.float16, D.bfloat16):
            return fn(*xs, **static)
        out = fn(*(convert(x, D.float32, x.weak) for x in xs), **static)
        return convert(out, dt, out.weak)
    return wrapped


# kernels that are a NumPy ufunc on the dtypes given (they handle integers their own way)
_UFUNC_ON = {E.div_p: (np.true_divide, frozenset(D.FLOATING))}


def direct(prim, allowed, kernel=None) -> Callable:
    """`fast(a, b, reflect)`: the kernel of `prim` called on `a` (an eager Array of a dtype in
    `allowed`) and `b` (an Array of its dtype, or a Python scalar that keeps that dtype), `b`
    first if `reflect`; None where promotion is needed. A ufunc kernel broadcasts as the general
    path's broadcast would, and so must `kernel`, a composition of ufuncs given in place of the
    primitive's. Eager dispatch is a feature: this skips promotion, broadcasting and abstract
    evaluation."""
    allowed = frozenset(allowed)
    # only ufuncs (and compositions of them) broadcast and take Python scalars as they are
    is_ufunc = kernel is not None
    if kernel is None:
        kernel = numpy_kernel.get(prim)
        ufunc, on = _UFUNC_ON.get(prim, (None, frozenset()))
        kernel = ufunc if allowed <= on else getattr(kernel, "ufunc", kernel)  # (the ufunc behind `broadcasting`)
        is_ufunc = isinstance(kernel, np.ufunc)
    # dtypes a weak Python scalar keeps (NumPy 2 treats Python scalars as weak, as fluxion does)
    keeps = {float: allowed & frozenset(D.FLOATING), int: allowed - {D.bool_}}
    keeps = {t: ds - {D.bfloat16} for t, ds in keeps.items()}  # ml_dtypes widens bfloat16 + scalar
    if not is_ufunc:
        keeps = {float: frozenset(), int: frozenset()}
    # of those, the ones a weak array keeps: the scalar's weak dtype is not wider (int8 + 1 is int64)
    weak_keeps = {t: frozenset(d for d in ds if D.result_type((d, True), (D.scalar_dtype(t()), True))[0] == d)
                  for t, ds in keeps.items()}
    spreading = functools.partial(spread, kernel)  # (operands that broadcast)
    fills = kernel in FILLED  # (a large array beside a Python float: see `filled`)
    # a large array of a ufunc costlier than additions: by parts on every core (`_parallel.costly`)
    whole = _parallel.costly(kernel) if isinstance(kernel, np.ufunc) and kernel not in CHEAP else None

    def fast(self, other, reflect):
        if self.__class__ is not Array or _ctx.interp is not EAGER:
            return None
        a, call = self._value, kernel
        if other.__class__ is Array:
            b = other._value
            if a.dtype is not b.dtype or a.dtype not in allowed:
                return None
            if a.shape != b.shape:
                if not is_ufunc:
                    return None
                call = spreading
            weak = self._weak and other._weak
        elif (other.__class__ is float or other.__class__ is int) and \
                a.dtype in (weak_keeps if self._weak else keeps)[other.__class__]:
            b, weak = other, self._weak
            if fills and other.__class__ is float and a.size >= FILL_FROM and a.dtype.kind == "f":
                b, call = np.asarray(other, a.dtype), functools.partial(filled, kernel)  # (NumPy's conversion)
        else:
            return None
        if whole is not None and call is kernel and a.size >= _parallel.PROBE:
            call = whole
            if b.__class__ is not np.ndarray:
                try:
                    b = np.asarray(b, a.dtype)  # (NumPy's conversion of a weak scalar)
                except (OverflowError, ValueError):  # an int out of range: the general path says so
                    return None
        try:
            value = call(b, a) if reflect else call(a, b)
        except (OverflowError, ValueError):  # an int out of range, shapes that do not broadcast: the general path says so
            return None
        out = _new(Array)  # (a ufunc gives a NumPy scalar for 0-d operands)
        out._value, out._weak = value if value.__class__ is np.ndarray else np.asarray(value), weak
        return out

    return fast


# functions that bind one primitive ----------------------------------------------------------
def named(f, name: str, summary: str, call: str, result: str):
    """Give a generated function its name and a docstring with a runnable example."""
    f.__name__ = f.__qualname__ = name
    f.__doc__ = f"{summary}\n\n>>> import fluxion.numpy as fnp\n>>> {call}\n{result}\n"
    return f


def eager_unary(prim, x, dts) -> Array | None:
    """The kernel of `prim` on `x`, an eager Array of a dtype in `dts` that the primitive takes
    as it is; None for any other `x`."""
    if x.__class__ is not Array or _ctx.interp is not EAGER or (v := x._value).dtype not in dts:
        return None
    out = numpy_kernel[prim](v)
    if out.__class__ is np.ndarray and out.dtype is v.dtype:
        y = _new(Array)
        y._value, y._weak = out, x._weak
        return y
    return _wrap(out, EAGER._type_of(prim, [(v.shape, v.dtype, x._weak)], _NO_PARAMS))


def no_out(op: str, out) -> None:
    """NumPy's `out=` writes into an array; fluxion arrays are values, so only None is accepted."""
    if out is not None:
        raise op_error(TypeError, op, "out= is not supported: fluxion arrays are immutable values",
                       f"use the returned array: y = fnp.{op}(...)")


def refuse_out_where(name: str, out, where) -> None:
    """The error for a ufunc's `out=` array or `where=` mask other than None (jax's take None only)."""
    no_out(name, out)
    if where is not None:
        raise op_error(NotImplementedError, name, "where= is not supported: it leaves the masked-out elements of an "
                       "output array unset, and arrays are values", f"compute everywhere, then choose: "
                       f"fnp.where(mask, fnp.{name}(...), other)")


def unary(name: str, prim, kind: str, summary: str, call: str, result: str):
    """A one-operand function that binds `prim` on an operand of `kind`; `out` and `where` are None only."""
    fast = _FAST[kind]

    def f(x, /, *, out=None, where=None) -> Array:
        if out is not None or where is not None:
            refuse_out_where(name, out, where)
        y = eager_unary(prim, x, fast)  # kept fast
        if y is not None:
            return y
        return prim.bind(*operands(name, kind, x))
    return named(f, name, summary, call, result)


def two_operand(name: str, fast, general):
    """A two-operand function: `fast(x1, x2, False)` (a `direct` kernel), else `general(x1, x2)`;
    `out` and `where` are None only."""
    def f(x1, x2, /, *, out=None, where=None) -> Array:
        if out is not None or where is not None:
            refuse_out_where(name, out, where)
        y = fast(x1, x2, False)
        if y is not None:
            return y
        return general(x1, x2)
    return f


def binary(name: str, prim, kind: str, summary: str, call: str, result: str, logical=None):
    """A two-operand function that binds `prim` on operands promoted to one dtype of `kind`, or
    the primitive `logical` on booleans where given (NumPy's and jax's + and * of booleans are
    or and and); `out` and `where` are None only."""
    slow_kind = kind if logical is None else ANY

    def general(x1, x2) -> Array:
        xs = operands(name, slow_kind, x1, x2)
        return (logical if logical is not None and xs[0].dtype == D.bool_ else prim).bind(*xs)
    return named(two_operand(name, direct(prim, _FAST[kind]), general), name, summary, call, result)
