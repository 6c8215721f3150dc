"""Discrete differences and integration of samples: diff, ediff1d, gradient, unwrap and trapezoid."""
from __future__ import annotations

import math
import operator

import numpy as np

from .. import numpy as fnp
from ..core import dtypes
from ..core.array import Array
from ..core.errors import DTypeError, ShapeError, op_error
from ..core.interpreters import EAGER, _ctx
from ..ops import reduce as R
from ..ops import shape as S
from ..ops._util import axis_index, one_int
from ._convert import convert, dtype_of, promote, promote_inexact, promote_inexact_wide
from ._elementwise_base import eager_array

__all__ = ["diff", "ediff1d", "gradient", "trapezoid", "unwrap"]

_SCALARS = (bool, int, float, complex)
_DIFFERENCED = frozenset((dtypes.bool_,) + dtypes.INTEGER + dtypes.FLOATING)  # by NumPy's ufuncs, as the general path


def _array(x) -> Array:
    return x if isinstance(x, Array) else fnp.asarray(x)


def _operands(xs) -> list:
    """Sequences become Arrays as `fnp.asarray` makes them (float32 for Python floats); scalars stay weak."""
    return [x if isinstance(x, (Array,) + _SCALARS) else fnp.asarray(x) for x in xs]


def _arrays(op: str, *xs) -> list[Array]:
    """`xs` promoted to one dtype (lists of Python numbers convert exactly to it: see `convert`)."""
    return list(promote(op, *xs))


def _inexact(op: str, *xs, complex_ok: bool = True) -> list[Array]:
    return list(promote_inexact(op, *xs, complex_ok=complex_ok))


def _part(x, axis: int, start: int, stop: int) -> Array:
    """Elements `start:stop` of `x` along `axis` (static bounds, clamped like Python slicing)."""
    n = x.shape[axis]
    start, stop = max(min(start, n), 0), max(min(stop, n), 0)
    return S.slice_in_dim(x, start, max(start, stop), 1, axis)


def diff(a, n: int = 1, axis: int = -1, prepend=None, append=None) -> Array:
    """The `n`-th discrete difference along `axis` (`not_equal` for booleans, as NumPy).

    `prepend` / `append` are joined to `a` along `axis` first; scalars are broadcast.

    >>> import fluxion.numpy as fnp
    >>> fnp.diff(fnp.asarray([1, 4, 9, 16]), n=2).tolist()
    [2, 2]
    """
    n = operator.index(n)
    if n < 0:
        raise op_error(ValueError, "diff", f"the order n={n} is negative", "pass n >= 0")
    a = _array(a)
    if n == 0:
        return a
    if (prepend is None and append is None and a.__class__ is Array and _ctx.interp is EAGER
            and axis.__class__ is int and -(nd := (v := a._value).ndim) <= axis < nd
            and v.dtype in _DIFFERENCED):  # the common case, kept fast
        return _eager_diff(v, n, axis % nd, a._weak)
    if a.ndim == 0:
        raise op_error(ShapeError, "diff", "needs an array of at least one dimension, got a 0-d array",
                       "pass a 1-d or higher array (x[None] adds an axis)")
    axis = axis_index("diff", axis, a.ndim)
    if prepend is not None or append is not None:
        a = _join_edges(a, axis, prepend, append)
    for _ in range(n):
        m = a.shape[axis]
        hi, lo = _part(a, axis, 1, m), _part(a, axis, 0, m - 1)
        a = (hi != lo) if a.dtype == dtypes.bool_ else hi - lo
    return a


def _eager_diff(v: np.ndarray, n: int, axis: int, weak: bool) -> Array:
    """The general path's differences (`not_equal` for booleans) on NumPy views of `v`."""
    boolean = v.dtype == dtypes.bool_
    op = np.not_equal if boolean else np.subtract
    hi, lo = (slice(None),) * axis + (slice(1, None),), (slice(None),) * axis + (slice(None, -1),)
    for _ in range(n):
        v = op(v[hi], v[lo])
    return eager_array(v, weak and not boolean)


def _join_edges(a: Array, axis: int, prepend, append) -> Array:
    items = [x for x in (prepend, a, append) if x is not None]
    items = _arrays("diff", *items)
    edge = a.shape[:axis] + (1,) + a.shape[axis + 1:]
    parts = [S.broadcast_to(x, edge) if x.ndim == 0 else x for x in items]
    return S.concatenate(parts, axis)


def ediff1d(ary, to_end=None, to_begin=None) -> Array:
    """Differences of consecutive elements of the flattened `ary`, with `to_begin`/`to_end` joined on.

    The result keeps `ary`'s dtype; `to_begin` and `to_end` must convert to it within their kind.

    >>> import fluxion.numpy as fnp
    >>> fnp.ediff1d(fnp.asarray([[1, 2], [4, 7]]), to_begin=0).tolist()
    [0, 1, 2, 3]
    """
    ary = _array(ary)
    if ary.dtype == dtypes.bool_:
        raise op_error(DTypeError, "ediff1d", "does not subtract booleans", "convert with .astype(int) first")
    begin, end = (_ediff1d_edge(name, v, ary.dtype) for name, v in (("to_begin", to_begin), ("to_end", to_end)))
    return S.concatenate(begin + [diff(S.reshape(ary, (ary.size,)))] + end, 0)


def _ediff1d_edge(name: str, v, dt: np.dtype) -> list[Array]:
    """`v` flattened and converted to `dt` ([] for None), if it converts within its kind."""
    if v is None:
        return []
    vdt, weak = dtype_of(v if isinstance(v, _SCALARS) else _array(v))
    if not (dtypes.kind(vdt) <= dtypes.kind(dt) if weak else np.can_cast(vdt, dt, "same_kind")):
        raise op_error(DTypeError, "ediff1d", f"{name} of dtype {vdt} does not convert to {dt} within its kind",
                       f"convert {name} to {dt} explicitly")
    v = convert(v, dt)  # (as given: lists of Python floats convert exactly to a wider dtype)
    return [S.reshape(v, (v.size,))]


def gradient(f, *varargs, axis=None, edge_order: int = 1):
    """The gradient of samples `f`, by central differences inside and one-sided differences
    of order `edge_order` (1 or 2) at the ends.

    `varargs` holds the spacing: nothing (1), one for every axis, or one per axis; each is a
    scalar (a uniform grid) or, as in NumPy, the 1-d coordinates of the samples along its axis.
    Returns one array for one axis, else a tuple with one array per axis.

    >>> import fluxion.numpy as fnp
    >>> fnp.gradient(fnp.asarray([1.0, 2.0, 4.0, 7.0])).tolist()
    [1.0, 1.5, 2.5, 3.0]
    """
    f = _array(f)
    if f.dtype == dtypes.bool_:  # as NumPy, which cannot subtract booleans
        raise op_error(DTypeError, "gradient", "booleans have no differences to divide",
                       "convert with f.astype(float) first, or use fnp.diff for not_equal of neighbours")
    if axis is None:
        axes = tuple(range(f.ndim))
    else:
        items = (axis,) if one_int(axis) else tuple(axis)
        axes = tuple(axis_index("gradient", a, f.ndim) for a in items)
        if len(set(axes)) != len(axes):
            raise op_error(ShapeError, "gradient", f"axis {axis} repeats an axis", "name each axis once")
    if len(varargs) not in (0, 1, len(axes)):
        raise op_error(TypeError, "gradient", f"got {len(varargs)} spacings for {len(axes)} axes",
                       "pass no spacing, one scalar for every axis, or one scalar per axis")
    spacings = varargs * len(axes) if len(varargs) == 1 else varargs or (1.0,) * len(axes)
    if edge_order not in (1, 2):
        raise op_error(ValueError, "gradient", f"edge_order={edge_order} is not supported", "pass edge_order=1 or 2")
    out = tuple(_gradient_along(f, ax, dx, edge_order) for ax, dx in zip(axes, spacings))
    if f.dtype in dtypes.FLOATING:  # as NumPy's: spacings of a wider dtype do not widen float samples
        out = tuple(g.astype(f.dtype) for g in out)
    return out[0] if len(out) == 1 else out


def _gradient_along(f: Array, axis: int, dx, edge_order: int) -> Array:
    n = f.shape[axis]
    if n < edge_order + 1:
        raise op_error(ShapeError, "gradient", f"axis {axis} has {n} samples; edge_order={edge_order} needs at least "
                       f"{edge_order + 1}", "pass more samples or a lower edge_order")
    if not isinstance(dx, _SCALARS) and _array(dx).ndim != 0:
        return _gradient_at_coordinates(f, axis, _array(dx), edge_order)
    if isinstance(dx, Array):
        (f, dx), out = promote_inexact_wide("gradient", f, dx)
    else:  # a Python spacing stays a Python number, so that the coefficients below are exact as NumPy's
        (f,), out = promote_inexact_wide("gradient", f)
    at = lambda i: _part(f, axis, i % n, i % n + 1)  # noqa: E731  (one sample, axis kept)
    over = lambda c: c / dx if isinstance(dx, _SCALARS) else fnp.divide(c, dx)  # noqa: E731
    inner = (_part(f, axis, 2, n) - _part(f, axis, 0, n - 2)) / (2.0 * dx)
    if edge_order == 1:
        first = (at(1) - at(0)) / dx
        last = (at(-1) - at(-2)) / dx
    else:
        first = over(-1.5) * at(0) + over(2.0) * at(1) + over(-0.5) * at(2)
        last = over(0.5) * at(-3) + over(-2.0) * at(-2) + over(1.5) * at(-1)
    return convert(S.concatenate([first, inner, last], axis), out)


def _gradient_at_coordinates(f: Array, axis: int, x: Array, edge_order: int) -> Array:
    """NumPy's second-order differences on a non-uniform grid whose coordinates along `axis` are `x`."""
    n = f.shape[axis]
    if x.shape != (n,):
        raise op_error(ShapeError, "gradient", f"coordinates of shape {x.shape} do not match the {n} samples "
                       f"along axis {axis}", f"pass a scalar spacing or {n} coordinates")
    (f, x), out = promote_inexact_wide("gradient", f, x)
    h = S.reshape(diff(x), tuple(n - 1 if a == axis else 1 for a in range(f.ndim)))  # spacings, along axis
    dx1, dx2 = _part(h, axis, 0, n - 2), _part(h, axis, 1, n - 1)
    inner = (-dx2 / (dx1 * (dx1 + dx2)) * _part(f, axis, 0, n - 2) + (dx2 - dx1) / (dx1 * dx2) * _part(f, axis, 1, n - 1)
             + dx1 / (dx2 * (dx1 + dx2)) * _part(f, axis, 2, n))
    if edge_order == 1:
        first = (_part(f, axis, 1, 2) - _part(f, axis, 0, 1)) / _part(h, axis, 0, 1)
        last = (_part(f, axis, n - 1, n) - _part(f, axis, n - 2, n - 1)) / _part(h, axis, n - 2, n - 1)
    else:
        d1, d2 = _part(h, axis, 0, 1), _part(h, axis, 1, 2)
        first = (-(2 * d1 + d2) / (d1 * (d1 + d2)) * _part(f, axis, 0, 1) + (d1 + d2) / (d1 * d2) * _part(f, axis, 1, 2)
                 - d1 / (d2 * (d1 + d2)) * _part(f, axis, 2, 3))
        d1, d2 = _part(h, axis, n - 3, n - 2), _part(h, axis, n - 2, n - 1)
        last = (d2 / (d1 * (d1 + d2)) * _part(f, axis, n - 3, n - 2) - (d2 + d1) / (d1 * d2) * _part(f, axis, n - 2, n - 1)
                + (2 * d2 + d1) / (d2 * (d1 + d2)) * _part(f, axis, n - 1, n))
    return convert(S.concatenate([first, inner, last], axis), out)


def unwrap(p, discont=None, axis: int = -1, *, period=2 * math.pi) -> Array:
    """Unwrap phases: where consecutive values jump by more than `discont` (default `period / 2`),
    add multiples of `period` so that the jump is at most `period / 2`.

    >>> import fluxion.numpy as fnp
    >>> [round(v, 3) for v in fnp.unwrap(fnp.asarray([0.0, 3.0, 6.5])).tolist()]
    [0.0, 3.0, 0.217]
    """
    p = _array(p)
    dd = diff(p, axis=axis)
    axis = axis_index("unwrap", axis, p.ndim)
    dd, per = _arrays("unwrap", dd, period)
    if discont is None:
        discont = per / 2
    integer = dtypes.is_integer(dd.dtype)
    high = per // 2 if integer else per / 2
    low = -high
    ddmod = fnp.remainder(dd - low, per) + low
    # a jump of exactly half a period goes up, unless an odd integer period makes it unambiguous
    boundary = (ddmod == low) & (dd > 0)
    if integer:
        boundary = boundary & (per % 2 == 0)
    ddmod = fnp.where(boundary, high, ddmod)
    correction = fnp.where(fnp.abs(dd) < discont, 0, ddmod - dd)
    up = convert(p, dd.dtype)
    n = p.shape[axis]
    tail = _part(up, axis, 1, n) + R.cumsum(convert(correction, dd.dtype), axis)
    return S.concatenate([_part(up, axis, 0, 1), tail], axis)


def trapezoid(y, x=None, dx=1.0, axis: int = -1) -> Array:
    """The integral of samples `y` along `axis` by the trapezoidal rule, at points `x` or spacing `dx`.

    >>> import fluxion.numpy as fnp
    >>> fnp.trapezoid(fnp.asarray([1.0, 2.0, 3.0]), dx=0.5).item()
    2.0
    """
    y = _array(y)
    if y.ndim == 0:
        raise op_error(ShapeError, "trapezoid", "needs samples along an axis, got a 0-d array",
                       "pass a 1-d or higher y")
    given, axis = axis, axis_index("trapezoid", axis, y.ndim)
    n = y.shape[axis]
    if x is None:
        (y, d), out = promote_inexact_wide("trapezoid", y, dx)
    else:
        (y, x), out = promote_inexact_wide("trapezoid", y, x)
        if x.ndim == 1:
            if x.shape[0] != n:
                raise op_error(ShapeError, "trapezoid", f"x has {x.shape[0]} points but y has {n} along axis {axis}",
                               "pass one x per sample of y along axis")
            d = S.reshape(diff(x), tuple(max(n - 1, 0) if i == axis else 1 for i in range(y.ndim)))
        else:  # (along x's own axis `given`, as NumPy: x broadcasts against y's differences after)
            d = diff(x, axis=given)
    ends = _part(y, axis, 1, n) + _part(y, axis, 0, n - 1)
    return convert(R.reduce_sum(d * ends / 2.0, axis - y.ndim), out)
