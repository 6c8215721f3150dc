"""NumPy functions beyond the array API standard: differences, closeness, interpolation,
polynomials, histograms and counting, set operations, covariance, integration, index grids
and index arithmetic.

Most are built from primitives and work under every transformation. Those whose output
shape depends on the data (`histogram`, `histogram_bin_edges`, the set operations and
`bincount` without `length=`) run eagerly only: under tracing they raise ConcretizationError.
"""
from __future__ import annotations

import math
import operator
import warnings
from typing import Sequence

import numpy as np

from .. import numpy as fnp
from ..core import dtypes
from ..core.array import Array, Tracer
from ..core.errors import ConcretizationError, DTypeError, ShapeError, op_error
from ..ops import elementwise as E
from ..ops import reduce as R
from ..ops import shape as S
from ..ops._util import axis_index
from ._convert import convert, dtype_of, promote, promote_inexact

__all__ = [
    "allclose", "array_equal", "array_equiv", "bincount", "corrcoef", "cov", "diff", "digitize", "ediff1d",
    "gradient", "histogram", "histogram_bin_edges", "indices", "interp", "intersect1d", "isclose", "isin",
    "polyval", "ravel_multi_index", "setdiff1d", "setxor1d", "trapezoid", "union1d", "unravel_index", "unwrap",
    "vander",
]

_SCALARS = (bool, int, float, complex)


# helpers ---------------------------------------------------------------------------------------
def _array(x) -> Array:
    return x if isinstance(x, Array) else fnp.asarray(x)


def _operands(xs) -> list:
    """Sequences become Arrays as `fnp.asarray` makes them (float32 for Python floats); scalars stay weak."""
    return [x if isinstance(x, (Array,) + _SCALARS) else fnp.asarray(x) for x in xs]


def _arrays(op: str, *xs) -> list[Array]:
    return list(promote(op, *_operands(xs)))


def _inexact(op: str, *xs, complex_ok: bool = True) -> list[Array]:
    return list(promote_inexact(op, *_operands(xs), complex_ok=complex_ok))


def _inexact_dtype(*xs) -> np.dtype:
    """The dtype `promote_inexact` would give `xs`, without converting them."""
    dt, _ = dtypes.result_type(*(dtype_of(x) for x in _operands(xs)))
    return dt if dt in dtypes.FLOATING else dtypes.default_float


def _part(x, axis: int, start: int, stop: int) -> Array:
    """Elements `start:stop` of `x` along `axis` (static bounds, clamped like Python slicing)."""
    n = x.shape[axis]
    start, stop = max(min(start, n), 0), max(min(stop, n), 0)
    return S.slice_in_dim(x, start, max(start, stop), 1, axis)


def _at(x: Array, k: int) -> Array:
    """Element `k` of the 1-d `x` as a 0-d array."""
    return S.reshape(_part(x, 0, k, k + 1), ())


def _check_ndim(op: str, name: str, x: Array, ndim: int) -> None:
    if x.ndim != ndim:
        raise op_error(ShapeError, op, f"{name} must be {ndim}-d, got shape {x.shape}",
                       f"pass a {ndim}-d array (reshape or ravel it first)")


def _check_no_complex(op: str, name: str, x) -> None:
    dt = dtype_of(x)[0]
    if dt in dtypes.COMPLEX:
        raise op_error(DTypeError, op, f"{name} may not be complex (got {dt})", f"pass {name}.real or fnp.abs({name})")


def _concrete(op: str, x) -> np.ndarray:
    return np.asarray(_array(x)._concrete(f"fnp.{op}"))


# differences -----------------------------------------------------------------------------------
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
    v = v if isinstance(v, _SCALARS) else _array(v)
    vdt, weak = dtype_of(v)
    if not (dtypes.kind(vdt) <= dtypes.kind(dt) if weak else np.can_cast(vdt, dt, "same_kind")):
        raise op_error(DTypeError, "ediff1d", f"{name} of dtype {vdt} does not convert to {dt} within its kind",
                       f"convert {name} to {dt} explicitly")
    v = convert(v, dt)
    return [S.reshape(v, (v.size,))]


def gradient(f, *varargs, axis=None, edge_order: int = 1):
    """The gradient of samples `f` on a uniform grid, by central differences inside and
    one-sided differences of order `edge_order` (1 or 2) at the ends.

    `varargs` holds the spacing: nothing (1), one scalar for every axis, or one per axis.
    Returns one array for one axis, else a tuple with one array per axis.

    >>> import fluxion.numpy as fnp
    >>> fnp.gradient(fnp.asarray([1.0, 2.0, 4.0, 7.0])).tolist()
    [1.0, 1.5, 2.5, 3.0]
    """
    f = _array(f)
    if axis is None:
        axes = tuple(range(f.ndim))
    else:
        items = (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis)
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
    return out[0] if len(out) == 1 else out


def _gradient_along(f: Array, axis: int, dx, edge_order: int) -> Array:
    if not isinstance(dx, _SCALARS) and _array(dx).ndim != 0:
        raise op_error(NotImplementedError, "gradient",
                       f"spacing of shape {_array(dx).shape} (coordinates) is not supported",
                       "pass a scalar spacing per axis (a uniform grid)")
    n = f.shape[axis]
    if n < edge_order + 1:
        raise op_error(ShapeError, "gradient", f"axis {axis} has {n} samples; edge_order={edge_order} needs at least "
                       f"{edge_order + 1}", "pass more samples or a lower edge_order")
    # a Python spacing stays a Python number, so that the coefficients below are exact as NumPy's
    f, dx = _inexact("gradient", f, dx) if isinstance(dx, Array) else (_inexact("gradient", f)[0], dx)
    at = lambda i: _part(f, axis, i % n, i % n + 1)  # noqa: E731  (one sample, axis kept)
    over = lambda c: c / dx if isinstance(dx, _SCALARS) else fnp.divide(c, dx)  # noqa: E731
    inner = (_part(f, axis, 2, n) - _part(f, axis, 0, n - 2)) / (2.0 * dx)
    if edge_order == 1:
        first = (at(1) - at(0)) / dx
        last = (at(-1) - at(-2)) / dx
    else:
        first = over(-1.5) * at(0) + over(2.0) * at(1) + over(-0.5) * at(2)
        last = over(0.5) * at(-3) + over(-2.0) * at(-2) + over(1.5) * at(-1)
    return S.concatenate([first, inner, last], axis)


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


# comparison ------------------------------------------------------------------------------------
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
    a1, a2 = _arrays("array_equal", a1, a2)
    if a1.shape != a2.shape:
        return fnp.asarray(False)
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
    try:
        np.broadcast_shapes(a1.shape, a2.shape)
    except ValueError:
        return fnp.asarray(False)
    return R.reduce_and(a1 == a2, None)


def isin(element, test_elements, assume_unique: bool = False, invert: bool = False, *, kind=None) -> Array:
    """Whether each element of `element` occurs in `test_elements` (the negation when `invert`).

    NaN is in no array. `assume_unique` and `kind` (None, 'sort' or 'table') are accepted for
    NumPy compatibility; the result does not depend on them.

    >>> import fluxion.numpy as fnp
    >>> fnp.isin(fnp.asarray([1, 2, 3]), [3, 1]).tolist()
    [True, False, True]
    """
    if kind not in (None, "sort", "table"):
        raise op_error(ValueError, "isin", f"kind={kind!r} is not a method", "pass kind=None, 'sort' or 'table'")
    e, t = _arrays("isin", element, test_elements)
    hits = R.reduce_or(S.expand_dims(e, (e.ndim,)) == S.reshape(t, (t.size,)), (e.ndim,))
    return ~hits if invert else hits


# interpolation and polynomials -----------------------------------------------------------------
def interp(x, xp, fp, left=None, right=None, period=None) -> Array:
    """Piecewise-linear interpolation of the points (`xp`, `fp`) at `x`; `xp` must increase.

    Outside [xp[0], xp[-1]] the result is `left` / `right` (default fp[0] / fp[-1]); with
    `period`, `xp` is taken modulo the period and `left` / `right` are ignored.

    >>> import fluxion.numpy as fnp
    >>> fnp.interp(fnp.asarray([0.5, 1.5, 3.0]), fnp.asarray([0.0, 1.0, 2.0]), fnp.asarray([0.0, 10.0, 0.0])).tolist()
    [5.0, 5.0, 0.0]
    """
    fp = _array(fp)
    if fp.dtype in dtypes.COMPLEX:
        re, im = (interp(x, xp, fnp.real(fp) if k == "real" else fnp.imag(fp), _complex_part(left, k),
                         _complex_part(right, k), period) for k in ("real", "imag"))
        return E.complex_p.bind(re, im)
    x, xp = (v if isinstance(v, _SCALARS) else _array(v) for v in (x, xp))
    for name, v in (("x", x), ("xp", xp)):
        _check_no_complex("interp", name, v)
    _check_ndim("interp", "xp", xp, 1)
    _check_ndim("interp", "fp", fp, 1)
    if xp.shape != fp.shape:
        raise op_error(ShapeError, "interp", f"xp has {xp.shape[0]} points but fp has {fp.shape[0]}",
                       "pass one fp value per xp point")
    if xp.shape[0] == 0:
        raise op_error(ValueError, "interp", "xp is empty", "pass at least one sample point")
    x, xp, fp = _inexact("interp", x, xp, fp)
    if period is not None:
        x, xp, fp = _periodic(x, xp, fp, period)
        left = right = None
    n = xp.shape[0]
    first, last = _at(fp, 0), _at(fp, n - 1)
    if n == 1:
        res = S.broadcast_to(first, x.shape)
    else:
        j = fnp.searchsorted(xp, x, side="right") - 1
        j = fnp.minimum(fnp.maximum(j, 0), n - 2)
        x0, x1 = fnp.take(xp, j), fnp.take(xp, j + 1)
        y0, y1 = fnp.take(fp, j), fnp.take(fp, j + 1)
        slope = (y1 - y0) / (x1 - x0)
        res = slope * (x - x0) + y0
        # as NumPy: where the left form gives NaN (an infinite slope) try the right form, then a flat segment
        res = fnp.where(fnp.isnan(res), slope * (x - x1) + y1, res)
        res = fnp.where(fnp.isnan(res) & (y0 == y1), y0, res)
        res = fnp.where(x == x0, y0, res)
        res = fnp.where(x == _at(xp, n - 1), last, res)
    res = fnp.where(x < _at(xp, 0), first if left is None else left, res)
    res = fnp.where(x > _at(xp, n - 1), last if right is None else right, res)
    return convert(res, fp.dtype)


def _complex_part(v, kind: str):
    if v is None:
        return None
    if isinstance(v, _SCALARS):
        return complex(v).real if kind == "real" else complex(v).imag
    return fnp.real(v) if kind == "real" else fnp.imag(v)


def _periodic(x: Array, xp: Array, fp: Array, period):
    """NumPy's periodic interp: sample points modulo the period, sorted, with one wrapped point each side."""
    if not isinstance(period, Tracer) and float(abs(np.asarray(period))) == 0.0:
        raise op_error(ValueError, "interp", "period is 0", "pass a non-zero period, or period=None")
    period = fnp.abs(_inexact("interp", period, x)[0])
    x, xp = fnp.remainder(x, period), fnp.remainder(xp, period)
    order = fnp.argsort(xp)
    xp, fp = fnp.take(xp, order), fnp.take(fp, order)
    n = xp.shape[0]
    xp = S.concatenate([_part(xp, 0, n - 1, n) - period, xp, _part(xp, 0, 0, 1) + period], 0)
    fp = S.concatenate([_part(fp, 0, n - 1, n), fp, _part(fp, 0, 0, 1)], 0)
    return x, xp, fp


def polyval(p, x) -> Array:
    """The polynomial with coefficients `p` (highest power first) at `x`, by Horner's scheme.

    >>> import fluxion.numpy as fnp
    >>> fnp.polyval(fnp.asarray([1, 0, -1]), fnp.asarray([2, 3])).tolist()
    [3, 8]
    """
    p, x = _arrays("polyval", p, x)
    if p.ndim == 0:
        raise op_error(ShapeError, "polyval", "p must hold coefficients along its first axis, got a 0-d array",
                       "pass p as a 1-d array of coefficients, highest power first")
    y = S.full(x.shape, 0, x.dtype)  # starting from 0 (not p[0]) keeps NumPy's NaN for infinite x
    for i in range(p.shape[0]):
        y = y * x + S.reshape(_part(p, 0, i, i + 1), p.shape[1:])
    return y


def vander(x, N: int | None = None, increasing: bool = False) -> Array:
    """The Vandermonde matrix of the 1-d `x`: columns are powers of `x` (decreasing unless `increasing`).

    >>> import fluxion.numpy as fnp
    >>> fnp.vander(fnp.asarray([2, 3]), 3).tolist()
    [[4, 2, 1], [9, 3, 1]]
    """
    x = _array(x)
    _check_ndim("vander", "x", x, 1)
    m = x.shape[0]
    n = m if N is None else operator.index(N)
    if n < 0:
        raise op_error(ValueError, "vander", f"N={n} is negative", "pass N >= 0")
    dt, _ = dtypes.result_type((x.dtype, False), (dtypes.default_int, False))
    x = convert(x, dt)
    ones = S.full((m, min(n, 1)), 1, dt)
    powers = R.cumprod(S.broadcast_in_dim(x, (m, max(n - 1, 0)), (0,)), 1)
    out = S.concatenate([ones, powers], 1)
    return out if increasing else S.rev(out, (1,))


# integration, covariance -----------------------------------------------------------------------
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
    axis = axis_index("trapezoid", axis, y.ndim)
    n = y.shape[axis]
    if x is None:
        y, d = _inexact("trapezoid", y, dx)
    else:
        y, x = _inexact("trapezoid", y, x)
        if x.ndim == 1:
            if x.shape[0] != n:
                raise op_error(ShapeError, "trapezoid", f"x has {x.shape[0]} points but y has {n} along axis {axis}",
                               "pass one x per sample of y along axis")
            d = S.reshape(diff(x), tuple(max(n - 1, 0) if i == axis else 1 for i in range(y.ndim)))
        else:
            d = diff(x, axis=axis)
    ends = _part(y, axis, 1, n) + _part(y, axis, 0, n - 1)
    return R.reduce_sum(d * ends / 2.0, axis - y.ndim)


def cov(m, y=None, rowvar: bool = True, bias: bool = False, ddof: int | None = None, fweights=None, aweights=None,
        *, dtype=None) -> Array:
    """The covariance matrix of the variables in the rows of `m` (and `y`), as NumPy's `cov`.

    Columns are observations (rows when `rowvar=False`); `fweights` are integer frequencies and
    `aweights` observation weights. Integers are promoted to float32.

    >>> import fluxion.numpy as fnp
    >>> fnp.cov(fnp.asarray([[0.0, 1.0, 2.0], [2.0, 1.0, 0.0]])).tolist()
    [[1.0, -1.0], [-1.0, 1.0]]
    """
    if ddof is not None and ddof != int(ddof):
        raise op_error(ValueError, "cov", f"ddof={ddof} is not an integer", "pass an integer ddof")
    m = _array(m)
    ys = [] if y is None else [_array(y)]
    for name, v in zip(("m", "y"), [m] + ys):
        if v.ndim > 2:
            raise op_error(ShapeError, "cov", f"{name} has shape {v.shape}, more than 2 dimensions",
                           "pass variables as a 1-d or 2-d array")
    dt = _inexact_dtype(m, *ys) if dtype is None else dtypes.canonicalize(dtype)
    X = _rows(convert(m, dt), transpose=not rowvar and m.ndim != 1)
    if X.shape[0] == 0:
        return S.full((0, 0), 0, dt)
    if ys:
        Y = S.reshape(convert(ys[0], dt), (1,) * (2 - ys[0].ndim) + ys[0].shape)
        X = S.concatenate([X, _rows(Y, transpose=not rowvar and Y.shape[0] != 1)], 0)
    ddof = int(ddof) if ddof is not None else (0 if bias else 1)
    n = X.shape[1]
    fw = None if fweights is None else _cov_weights("fweights", fweights, n, dt)
    aw = None if aweights is None else _cov_weights("aweights", aweights, n, dt)
    w = fw if aw is None else aw if fw is None else fw * aw
    if w is None:
        avg = R.reduce_sum(X, (1,)) / n if n else S.full((X.shape[0],), math.nan, dt)
        fact = n - ddof
    else:
        w_sum = R.reduce_sum(w, (0,))
        if not isinstance(w_sum, Tracer) and float(w_sum) == 0.0:
            raise op_error(ZeroDivisionError, "cov", "the weights sum to zero", "pass weights with a positive sum")
        avg = R.reduce_sum(X * w, (1,)) / w_sum
        if ddof == 0:
            fact = w_sum
        elif aw is None:
            fact = w_sum - ddof
        else:
            fact = w_sum - ddof * R.reduce_sum(w * aw, (0,)) / w_sum
    X = X - S.expand_dims(avg, (1,))
    Xw = X if w is None else X * w
    c = fnp.matmul(X, S.transpose(fnp.conj(Xw) if dt in dtypes.COMPLEX else Xw, (1, 0)))
    c = c * _reciprocal_dof(fact)
    return S.squeeze(c, tuple(i for i, s in enumerate(c.shape) if s == 1))


def _reciprocal_dof(fact):
    """1 / degrees of freedom, inf when they are <= 0 (with NumPy's warning when that is known)."""
    if not isinstance(fact, Tracer) and float(fact) <= 0:
        warnings.warn("cov: degrees of freedom <= 0; the result is inf or nan", RuntimeWarning, stacklevel=3)
        return math.inf
    if isinstance(fact, Array):
        return fnp.divide(1, fnp.where(fact <= 0, 0, fact))
    return 1 / fact


def _rows(x: Array, transpose: bool) -> Array:
    """`x` as a 2-d array of variables (rows) by observations (columns)."""
    x = S.reshape(x, (1,) * (2 - x.ndim) + x.shape)
    return S.transpose(x, (1, 0)) if transpose else x


def _cov_weights(name: str, w, n: int, dt: np.dtype) -> Array:
    w = _array(w)
    if w.ndim != 1 or w.shape[0] != n:
        raise op_error(ShapeError, "cov", f"{name} has shape {w.shape}; it needs one weight per observation ({n},)",
                       f"pass a 1-d {name} of length {n}")
    if not isinstance(w, Tracer):
        v = np.asarray(w._concrete("cov"), dtype=np.float64)
        if name == "fweights" and not np.all(v == np.around(v)):
            raise op_error(DTypeError, "cov", "fweights must be integers", "pass integer frequencies (or use aweights)")
        if np.any(v < 0):
            raise op_error(ValueError, "cov", f"{name} has negative entries", f"pass non-negative {name}")
    return convert(w, dtypes.real_dtype(dt))


def corrcoef(x, y=None, rowvar: bool = True, *, dtype=None) -> Array:
    """Pearson correlation coefficients of the variables in the rows of `x` (and `y`), in [-1, 1].

    >>> import fluxion.numpy as fnp
    >>> fnp.corrcoef(fnp.asarray([[1.0, 2.0, 3.0], [3.0, 2.0, 1.0]])).tolist()
    [[1.0, -1.0], [-1.0, 1.0]]
    """
    c = cov(x, y, rowvar, dtype=dtype)
    if c.ndim == 0:
        return c / c
    n = c.shape[0]
    d = S.slice(S.reshape(c, (n * n,)), (0,), (n * n,), (n + 1,))  # the diagonal
    std = fnp.sqrt(fnp.real(d))
    c = c / S.expand_dims(std, (1,)) / S.expand_dims(std, (0,))
    clip = lambda v: fnp.minimum(fnp.maximum(v, -1), 1)  # noqa: E731  (rounding can leave |c| > 1)
    if c.dtype in dtypes.COMPLEX:
        return E.complex_p.bind(clip(fnp.real(c)), clip(fnp.imag(c)))
    return clip(c)


# histograms and counting -----------------------------------------------------------------------
def _histogram_args(op: str, a, bins, range, weights):  # noqa: A002  (NumPy's name)
    """Concrete NumPy inputs for np.histogram*, and the dtype of the edges."""
    a = _array(a)
    _check_no_complex(op, "a", a)
    dt = _inexact_dtype(a)
    values = _concrete(op, a).astype(dt)
    if not isinstance(bins, (str, int, np.integer)):
        bins = _concrete(op, bins)
        if bins.ndim != 1:
            raise op_error(ShapeError, op, f"bins must be an int or 1-d edges, got shape {bins.shape}",
                           "pass a number of bins or an increasing 1-d array of edges")
    elif isinstance(bins, (int, np.integer)) and bins < 1:
        raise op_error(ValueError, op, f"bins={bins} must be positive", "pass bins >= 1")
    if range is not None:
        range = tuple(float(v) for v in range)
        if len(range) != 2 or not range[0] <= range[1] or not all(map(math.isfinite, range)):
            raise op_error(ValueError, op, f"range={range} is not a finite (min, max) pair with min <= max",
                           "pass range=(lo, hi) with finite lo <= hi")
    if range is None and not isinstance(bins, np.ndarray) and not np.all(np.isfinite(values)):
        raise op_error(ValueError, op, "the data hold NaN or inf, so the range cannot be found",
                       "pass range=(lo, hi), or drop non-finite values first")
    w = None
    if weights is not None:
        w = _array(weights)
        if w.shape != a.shape:
            raise op_error(ShapeError, op, f"weights of shape {w.shape} do not match a of shape {a.shape}",
                           "pass one weight per element of a")
        w = _concrete(op, w)
    return values, bins, range, w, dt


def _numpy_call(op: str, fn, *args, **kwargs):
    try:
        return fn(*args, **kwargs)
    except (ValueError, TypeError) as e:
        raise op_error(type(e), op, str(e), "pass bins as a count or increasing edges (a method name such as "
                       "'auto' only without weights), and a finite range") from None


def histogram(a, bins=10, range=None, density: bool | None = None, weights=None) -> tuple[Array, Array]:  # noqa: A002
    """Counts of `a` in `bins` and the bin edges (eager only: the bins depend on the data).

    Counts are int64 (the weights' dtype with `weights`, floating with `density`); edges are
    float32 for integer data and keep a floating dtype.

    >>> import fluxion.numpy as fnp
    >>> counts, edges = fnp.histogram(fnp.asarray([1, 2, 2, 3]), bins=2)
    >>> counts.tolist(), edges.tolist()
    ([1, 3], [1.0, 2.0, 3.0])
    """
    values, bins, range, w, dt = _histogram_args("histogram", a, bins, range, weights)
    counts, edges = _numpy_call("histogram", np.histogram, values, bins=bins, range=range, density=density, weights=w)
    if density:
        cdt = dt
    elif w is not None and w.dtype != np.bool_:
        cdt = w.dtype
    else:
        cdt = dtypes.default_int
    return Array(counts.astype(cdt)), Array(edges.astype(dt))


def histogram_bin_edges(a, bins=10, range=None, weights=None) -> Array:  # noqa: A002
    """The bin edges `histogram` would use (eager only).

    >>> import fluxion.numpy as fnp
    >>> fnp.histogram_bin_edges(fnp.asarray([0.0, 1.0]), bins=4).tolist()
    [0.0, 0.25, 0.5, 0.75, 1.0]
    """
    values, bins, range, w, dt = _histogram_args("histogram_bin_edges", a, bins, range, weights)
    edges = _numpy_call("histogram_bin_edges", np.histogram_bin_edges, values, bins=bins, range=range, weights=w)
    return Array(edges.astype(dt))


def bincount(x, weights=None, minlength: int = 0, *, length: int | None = None) -> Array:
    """Counts (or sums of `weights`) of each non-negative integer in the 1-d `x`.

    The output has max(max(x) + 1, minlength) entries, which needs a concrete `x`; under a
    transformation pass `length=`: the output then has `length` entries and values of `x`
    outside [0, length) are dropped.

    >>> import fluxion.numpy as fnp
    >>> fnp.bincount(fnp.asarray([0, 2, 2])).tolist()
    [1, 0, 2]
    """
    x = _array(x)
    if not (dtypes.is_integer(x.dtype) or x.dtype == dtypes.bool_):
        raise op_error(DTypeError, "bincount", f"counts integers, got dtype {x.dtype}", "convert x with .astype(int)")
    _check_ndim("bincount", "x", x, 1)
    minlength = operator.index(minlength)
    if minlength < 0:
        raise op_error(ValueError, "bincount", f"minlength={minlength} is negative", "pass minlength >= 0")
    if weights is None:
        values = S.full(x.shape, 1, dtypes.default_int)
    else:
        values = _inexact("bincount", weights)[0]
        if values.shape != x.shape:
            raise op_error(ShapeError, "bincount", f"weights of shape {values.shape} do not match x of shape {x.shape}",
                           "pass one weight per element of x")
    x = convert(x, dtypes.default_int)  # booleans would mask, and small dtypes cannot hold `length`
    if length is None:
        if isinstance(x, Tracer):
            raise op_error(ConcretizationError, "bincount",
                           f"the output size depends on the values of a traced x {x.aval}",
                           "pass length= (the number of bins) to fnp.bincount")
        v = np.asarray(x._concrete("bincount"))
        if v.size and v.min() < 0:
            raise op_error(ValueError, "bincount", f"x holds negative values (e.g. {v.min()})",
                           "pass non-negative integers, or length= to drop values outside [0, length)")
        length = max(minlength, int(v.max()) + 1 if v.size else 0)
    else:
        length = operator.index(length)
        if length < 0:
            raise op_error(ValueError, "bincount", f"length={length} is negative", "pass length >= 0")
    x = fnp.where(x < 0, length, x)  # negative values would index from the end; send them out of range
    return S.full((length,), 0, values.dtype).at[x].add(values, mode="drop")


def digitize(x, bins, right: bool = False) -> Array:
    """The index of the bin of `bins` (monotonic, 1-d) holding each value of `x`, as NumPy's `digitize`.

    >>> import fluxion.numpy as fnp
    >>> fnp.digitize(fnp.asarray([0.5, 1.0, 2.5]), fnp.asarray([1.0, 2.0])).tolist()
    [0, 1, 2]
    """
    x, bins = _arrays("digitize", x, bins)
    _check_no_complex("digitize", "x", x)
    _check_ndim("digitize", "bins", bins, 1)
    if not isinstance(bins, Tracer):
        steps = np.diff(_concrete("digitize", bins))
        if not (np.all(steps >= 0) or np.all(steps <= 0)):
            raise op_error(ValueError, "digitize", "bins are neither increasing nor decreasing",
                           "sort bins (fnp.sort) before digitizing")
    n = bins.shape[0]
    side = "left" if right else "right"
    up = fnp.searchsorted(bins, x, side=side)
    if n < 2:
        return up
    down = n - fnp.searchsorted(S.rev(bins, (0,)), x, side=side)
    increasing = S.reshape(_part(bins, 0, n - 1, n), ()) >= S.reshape(_part(bins, 0, 0, 1), ())
    return fnp.where(increasing, up, down)


# set operations (eager) ------------------------------------------------------------------------
def _set_operands(op: str, ar1, ar2) -> tuple[np.ndarray, np.ndarray]:
    a, b = _arrays(op, ar1, ar2)
    return _concrete(op, a), _concrete(op, b)


def intersect1d(ar1, ar2, assume_unique: bool = False, return_indices: bool = False):
    """The sorted unique values in both arrays (eager only); with `return_indices`, also where
    they first occur in each flattened input.

    >>> import fluxion.numpy as fnp
    >>> fnp.intersect1d(fnp.asarray([3, 1, 2]), fnp.asarray([2, 3, 4])).tolist()
    [2, 3]
    """
    out = np.intersect1d(*_set_operands("intersect1d", ar1, ar2), assume_unique, return_indices)
    if return_indices:
        return tuple(Array(v if i == 0 else v.astype(dtypes.default_int)) for i, v in enumerate(out))
    return Array(out)


def setdiff1d(ar1, ar2, assume_unique: bool = False) -> Array:
    """The unique values of `ar1` not in `ar2`, sorted (eager only).

    >>> import fluxion.numpy as fnp
    >>> fnp.setdiff1d(fnp.asarray([3, 1, 2, 1]), fnp.asarray([2])).tolist()
    [1, 3]
    """
    return Array(np.setdiff1d(*_set_operands("setdiff1d", ar1, ar2), assume_unique))


def setxor1d(ar1, ar2, assume_unique: bool = False) -> Array:
    """The sorted unique values in exactly one of the arrays (eager only).

    >>> import fluxion.numpy as fnp
    >>> fnp.setxor1d(fnp.asarray([1, 2, 3]), fnp.asarray([2, 3, 4])).tolist()
    [1, 4]
    """
    return Array(np.setxor1d(*_set_operands("setxor1d", ar1, ar2), assume_unique))


def union1d(ar1, ar2) -> Array:
    """The sorted unique values in either array (eager only).

    >>> import fluxion.numpy as fnp
    >>> fnp.union1d(fnp.asarray([3, 1]), fnp.asarray([2, 1])).tolist()
    [1, 2, 3]
    """
    return Array(np.union1d(*_set_operands("union1d", ar1, ar2)))


# index grids and index arithmetic --------------------------------------------------------------
def indices(dimensions: Sequence[int], dtype=int, sparse: bool = False):
    """Index grids of an array of shape `dimensions`: out[k] holds the k-th index of each position.

    With `sparse`, a tuple of arrays that broadcast together (one non-1 axis each).

    >>> import fluxion.numpy as fnp
    >>> fnp.indices((2, 2)).tolist()
    [[[0, 0], [1, 1]], [[0, 1], [0, 1]]]
    """
    dims = tuple(map(operator.index, dimensions))
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


def ravel_multi_index(multi_index, dims: Sequence[int], mode="raise", order: str = "C") -> Array:
    """Flat indices of the positions `multi_index` (one index array per axis) in an array of shape `dims`.

    `mode` per axis (or one for all): 'raise' (eager check), 'clip' or 'wrap'.

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
    return flat if flat is not None else fnp.asarray(0)


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
