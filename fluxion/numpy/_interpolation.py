"""Interpolation, polynomials and binning: interp, polyval, vander and digitize."""
from __future__ import annotations

import operator

import numpy as np

from .. import numpy as fnp
from ..core import dtypes
from ..core.array import Array, Tracer
from ..core.errors import DTypeError, ShapeError, op_error
from ..core.interpreters import EAGER, _ctx
from ..ops import elementwise as E
from ..ops import reduce as R
from ..ops import shape as S
from ._convert import convert, dtype_of, promote_inexact_wide
from ._differences import _SCALARS, _array, _arrays, _inexact, _part
from ._elementwise_base import eager_array, plus_derivative

__all__ = ["digitize", "interp", "polyval", "vander"]

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


def interp(x, xp, fp, left=None, right=None, period=None) -> Array:
    """Piecewise-linear interpolation of the points (`xp`, `fp`) at `x`; `xp` must increase.

    Outside [xp[0], xp[-1]] the result is `left` / `right` (default fp[0] / fp[-1]); with
    `period`, `xp` is taken modulo the period and `left` / `right` are ignored.

    >>> import fluxion.numpy as fnp
    >>> fnp.interp(fnp.asarray([0.5, 1.5, 3.0]), fnp.asarray([0.0, 1.0, 2.0]), fnp.asarray([0.0, 10.0, 0.0])).tolist()
    [5.0, 5.0, 0.0]
    """
    if period is None and (out := _eager_interp(x, xp, fp, left, right)) is not None:  # the common case, kept fast
        return out
    given = x, xp, fp  # (promoted as given: lists of Python floats convert exactly to a wider dtype)
    fp = _array(fp)
    if fp.dtype in dtypes.COMPLEX:
        fp = _inexact("interp", *given)[2]  # (its parts in the promoted dtype)
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
    (x, xp, fp), dt = promote_inexact_wide("interp", *given)  # (integers in float64: see there)
    if period is not None:
        x, xp, fp = _periodic(x, xp, fp, period)
        left = right = None
    elif (out := _eager_interp(x, xp, fp, left, right)) is not None:  # (now of one dtype)
        return convert(out, dt)
    n = xp.shape[0]
    first, last = _at(fp, 0), _at(fp, n - 1)
    if n == 1:
        res = S.broadcast_to(first, x.shape)
    else:
        j = fnp.searchsorted(xp, x, side="right") - 1
        j = fnp.minimum(fnp.maximum(j, 0), n - 2)
        x0, x1 = fnp.take(xp, j), fnp.take(xp, j + 1)
        y0, y1 = fnp.take(fp, j), fnp.take(fp, j + 1)
        # a segment of zero width (a repeated point) is taken only where x is at or outside the
        # last point, whose value comes below; its slope is 0, without dividing by its width,
        # which would give NaN derivatives
        width = x1 - x0
        slope = fnp.where(width == 0, 0, (y1 - y0) / fnp.where(width == 0, 1, width))
        res = slope * (x - x0) + y0
        # as NumPy: where the left form gives NaN (an infinite slope) try the right form, then a flat segment
        res = fnp.where(fnp.isnan(res), slope * (x - x1) + y1, res)
        res = fnp.where(fnp.isnan(res) & (y0 == y1) & ~fnp.isnan(x), y0, res)
        # NumPy's exact values at the sample points, each with the slope of the segment `j` (the one
        # right of the point, the last one at the end) as its derivative, rather than none at all
        # (no derivative at an infinite x, where x - x0 would be inf - inf = NaN)
        slope = fnp.where(fnp.isfinite(slope), slope, 0)
        finite = fnp.isfinite(x)
        res = fnp.where(x == x0, plus_derivative(y0, slope * fnp.where(finite, x - x0, 0)), res)
        res = fnp.where(x == _at(xp, n - 1), plus_derivative(last, slope * fnp.where(finite, x - x1, 0)), res)
    res = fnp.where(x < _at(xp, 0), first if left is None else left, res)
    res = fnp.where(x > _at(xp, n - 1), last if right is None else right, res)
    return convert(res, dt)


_EAGER_DTYPES = frozenset((dtypes.float32, dtypes.float64))
_NUMBERS = (type(None), float, int)


def _eager_interp(x, xp, fp, left, right) -> Array | None:
    """The general path's interp of strong eager arrays of one real float dtype and at least two
    points, by the same kernels in the same order; None in every other case."""
    if (x.__class__ is not Array or xp.__class__ is not Array or fp.__class__ is not Array or _ctx.interp is not EAGER
            or x._weak or xp._weak or fp._weak or left.__class__ not in _NUMBERS or right.__class__ not in _NUMBERS):
        return None
    u, e, f = x._value, xp._value, fp._value
    if u.dtype not in _EAGER_DTYPES or e.dtype != u.dtype or f.dtype != u.dtype or e.ndim != 1 or f.shape != e.shape:
        return None
    n = e.shape[0]
    if n < 2:
        return None
    j = np.minimum(np.maximum(fnp.searchsorted(xp, x, side="right")._value - 1, 0), n - 2)
    x0, x1, y0, y1 = e[j], e[j + 1], f[j], f[j + 1]
    slope = (y1 - y0) / (x1 - x0)
    res = slope * (u - x0) + y0
    if (nan := np.isnan(res)).any():  # (else the general path's NaN repairs change nothing)
        res = np.where(nan, slope * (u - x1) + y1, res)
        res = np.where(np.isnan(res) & (y0 == y1) & ~np.isnan(u), y0, res)
    slope, finite = np.where(np.isfinite(slope), slope, 0), np.isfinite(u)
    for at, y, near in ((x0, y0, x0), (e[n - 1], f[n - 1], x1)):  # exact at the sample points, as plus_derivative
        t = slope * np.where(finite, u - near, 0)
        res = np.where(u == at, y - (t - t), res)
    res = np.where(u < e[0], f[0] if left is None else left, res)
    res = np.where(u > e[n - 1], f[n - 1] if right is None else right, res)
    return eager_array(res, False)


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


def polyval(p, x, *, unroll: int = 16) -> Array:
    """The polynomial with coefficients `p` (highest power first) at `x`, by Horner's scheme.

    jax's `unroll` (how many steps of its loop to unroll) is accepted; fluxion unrolls every
    step, so it does not change the result.

    >>> import fluxion.numpy as fnp
    >>> fnp.polyval(fnp.asarray([1, 0, -1]), fnp.asarray([2, 3])).tolist()
    [3, 8]
    """
    if not isinstance(unroll, (int, np.integer)):
        raise op_error(TypeError, "polyval", f"unroll must be an int or a bool, got {type(unroll).__name__}",
                       "pass unroll=N (or drop it: it does not change the result)")
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


def digitize(x, bins, right: bool = False, *, method: str | None = None) -> Array:
    """The index of the bin of `bins` (monotonic, 1-d) holding each value of `x`, as NumPy's `digitize`.

    `method` is jax's, passed to `searchsorted` (None for its default); it does not change the result.

    >>> import fluxion.numpy as fnp
    >>> fnp.digitize(fnp.asarray([0.5, 1.0, 2.5]), fnp.asarray([1.0, 2.0])).tolist()
    [0, 1, 2]
    """
    x, bins = _arrays("digitize", x, bins)
    _check_no_complex("digitize", "x", x)
    _check_ndim("digitize", "bins", bins, 1)
    n = bins.shape[0]
    side, method = "left" if right else "right", "scan" if method is None else method
    if n < 2:
        return fnp.searchsorted(bins, x, side=side, method=method)
    # NumPy's direction, NaN included: increasing unless the first value unequal to bins[0] is not above it
    differs = bins != bins[0]
    increasing = ~fnp.any(differs) | (bins[0] < bins[fnp.argmax(differs)])
    if isinstance(bins, Tracer):  # one search, in the bins put in increasing order
        k = fnp.searchsorted(fnp.where(increasing, bins, S.rev(bins, (0,))), x, side=side, method=method)
        return fnp.where(increasing, k, n - k)
    steps = np.diff(_concrete("digitize", bins))
    if np.any(steps < 0 if increasing else steps > 0):  # (a NaN step breaks neither direction)
        raise op_error(ValueError, "digitize", "bins are neither increasing nor decreasing",
                       "sort bins (fnp.sort) before digitizing")
    # known bins search one way only
    if increasing:
        return fnp.searchsorted(bins, x, side=side, method=method)
    return _digitize_down(bins, x, side, method)


def _digitize_down(bins: Array, x: Array, side: str, method: str) -> Array:
    """digitize's bin indices in decreasing `bins`."""
    return bins.shape[0] - fnp.searchsorted(S.rev(bins, (0,)), x, side=side, method=method)
