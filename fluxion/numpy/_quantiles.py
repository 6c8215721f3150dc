"""Order statistics: median, quantile and percentile, and their NaN-ignoring forms.

The reduced axes are moved to the end, merged and sorted (NaNs sort last). Each quantile
then gathers its neighbouring order statistics and combines them as NumPy's `method` says.
Positions are computed in float64 so that the discrete methods pick the same elements as NumPy.
"""
from __future__ import annotations

import numpy as np

from ..core import dtypes
from ..core.array import Array, Tracer
from ..core.errors import DTypeError, ShapeError, op_error
from ..ops import elementwise as E
from ..ops import indexing as I
from ..ops import reduce as R
from ..ops import shape as S
from ..ops.sort import sort
from ._convert import convert, promote_inexact
from ._creation import asarray
from ._reduce_util import as_array, check_real, const, isnan, kept_shape, no_out, select, to_last

__all__ = ["median", "nanmedian", "nanpercentile", "nanquantile", "percentile", "quantile"]

_METHODS = ("linear", "lower", "higher", "nearest", "midpoint")
_F64 = dtypes.float64


def _positions(op: str, q, scale: float) -> Array:
    """`q` as float64 fractions in [0, 1] (checked when its value is known)."""
    q = convert(q, _F64) if isinstance(q, Array) else asarray(q, dtype=_F64)
    if not isinstance(q, Tracer):
        v = q._concrete(op)
        if not np.all((v >= 0) & (v <= scale)):
            raise op_error(ValueError, op, f"q must lie in [0, {scale:g}], got {v.tolist()}",
                           f"pass {'percentiles' if scale == 100 else 'quantiles'} between 0 and {scale:g}")
    return q if scale == 1 else E.div_p.bind(q, const(float(scale), _F64))


def _pick(y: Array, index: Array) -> Array:
    """`y[..., i]` along the last axis, for float64 positions of shape Q + y.shape[:-1] (or Q + 1s)."""
    nb = y.ndim - 1
    nq = index.ndim - nb
    index = S.broadcast_to(convert(index, dtypes.int64), index.shape[:nq] + y.shape[:-1])
    dn = I.GatherDimensionNumbers(offset_dims=(), collapsed_slice_dims=(nb,), start_index_map=(nb,),
                                  operand_batching_dims=tuple(range(nb)),
                                  start_indices_batching_dims=tuple(range(nq, nq + nb)))
    sizes = tuple(min(d, 1) for d in y.shape[:-1]) + (1,)  # an empty batch axis has an empty window
    return I.gather(y, S.expand_dims(index, (index.ndim,)), dn, sizes, mode="clip")


def _lerp(a: Array, b: Array, t: Array) -> Array:
    """NumPy's interpolation: from `a` for t < 0.5 and from `b` above, so t = 0 and t = 1 are exact."""
    d = E.sub_p.bind(b, a)
    one = const(1, t.dtype)
    from_b = E.sub_p.bind(b, E.mul_p.bind(d, E.sub_p.bind(one, t)))
    return select(E.ge_p.bind(t, const(0.5, t.dtype)), from_b, E.add_p.bind(a, E.mul_p.bind(d, t)))


def _combine(y: Array, v: Array, last: Array, method: str) -> Array:
    """The `method` quantile at float64 positions `v` of the sorted last axis of `y`."""
    zero = const(0.0, _F64)
    clip = lambda i: E.max_p.bind(E.min_p.bind(i, last), zero)  # noqa: E731
    lo = E.floor_p.bind(v)
    if method in ("lower", "higher", "nearest"):
        prim = {"lower": E.floor_p, "higher": E.ceil_p, "nearest": E.round_p}[method]  # round: halves to even
        return _pick(y, clip(prim.bind(v)))
    a, b = _pick(y, clip(lo)), _pick(y, clip(E.ceil_p.bind(v) if method == "median" else
                                              E.add_p.bind(lo, const(1.0, _F64))))
    if method == "median":  # NumPy averages the middle pair
        pair = E.mul_p.bind(E.add_p.bind(a, b), const(0.5, y.dtype))
        return select(E.eq_p.bind(lo, v), a, pair)
    t = E.sub_p.bind(v, lo) if method == "linear" else select(E.eq_p.bind(lo, v), zero, const(0.5, _F64))
    return _lerp(a, b, convert(t, y.dtype))


def _quantile(op: str, a, q, axis, method: str, keepdims: bool, ignore_nan: bool, scale: float = 1) -> Array:
    if method not in _METHODS and not op.endswith("median"):
        raise op_error(ValueError, op, f"method {method!r} is not supported", f"use one of {', '.join(_METHODS)}")
    x = as_array(a)
    check_real(op, x)
    if x.dtype == dtypes.bool_:
        raise op_error(DTypeError, op, "does not accept boolean arrays", "convert with .astype(int) first")
    if method in ("linear", "midpoint", "median"):
        (x,) = promote_inexact(op, x)
    q = _positions(op, q, scale)
    y, axes = to_last(op, x, axis)
    out_shape = q.shape + (kept_shape(x.shape, axes) if keepdims else y.shape[:-1])
    n = y.shape[-1]
    if n == 0:
        if x.dtype not in dtypes.FLOATING:
            raise op_error(ShapeError, op, f"has no {method} value over an empty axis of shape {x.shape}",
                           "reduce over non-empty axes, or convert to a float dtype to get NaN")
        return S.full(out_shape, np.nan, x.dtype)
    y = sort(y, dimension=-1)
    floating = x.dtype in dtypes.FLOATING
    if ignore_nan and floating:
        count = R.reduce_sum(convert(E.not_p.bind(isnan(y)), _F64), (y.ndim - 1,))
    else:
        count = const(float(n), _F64)
    last = E.sub_p.bind(count, const(1.0, _F64))
    v = E.mul_p.bind(S.reshape(q, q.shape + (1,) * (y.ndim - 1)), last)
    r = _combine(y, v, last, method)
    if floating and not ignore_nan:  # NaNs sort last: the slice holds one if its last element is NaN
        r = select(R.reduce_or(isnan(y), (y.ndim - 1,)), const(np.nan, x.dtype), r)
    return S.reshape(r, out_shape)


def quantile(a, q, axis=None, out=None, overwrite_input: bool = False, method: str = "linear",
             keepdims: bool = False) -> Array:
    """The `q`-th quantiles (q in [0, 1]) over `axis`; output axes are q's, then the kept ones.

    `method` is one of NumPy's linear, lower, higher, nearest, midpoint. Slices holding NaN give NaN.

    >>> import fluxion.numpy as fnp
    >>> fnp.quantile(fnp.asarray([1.0, 2.0, 3.0, 4.0]), [0.0, 0.5]).tolist()
    [1.0, 2.5]
    """
    no_out("quantile", out)
    return _quantile("quantile", a, q, axis, method, keepdims, False)


def nanquantile(a, q, axis=None, out=None, overwrite_input: bool = False, method: str = "linear",
                keepdims: bool = False) -> Array:
    """`quantile` ignoring NaNs (NaN where a slice holds only NaNs).

    >>> import fluxion.numpy as fnp
    >>> fnp.nanquantile(fnp.asarray([1.0, fnp.nan, 3.0]), 0.5).item()
    2.0
    """
    no_out("nanquantile", out)
    return _quantile("nanquantile", a, q, axis, method, keepdims, True)


def percentile(a, q, axis=None, out=None, overwrite_input: bool = False, method: str = "linear",
               keepdims: bool = False) -> Array:
    """`quantile` with q in percent ([0, 100]).

    >>> import fluxion.numpy as fnp
    >>> fnp.percentile(fnp.asarray([1.0, 2.0, 3.0]), 50, method="lower").item()
    2.0
    """
    no_out("percentile", out)
    return _quantile("percentile", a, q, axis, method, keepdims, False, 100)


def nanpercentile(a, q, axis=None, out=None, overwrite_input: bool = False, method: str = "linear",
                  keepdims: bool = False) -> Array:
    """`percentile` ignoring NaNs.

    >>> import fluxion.numpy as fnp
    >>> fnp.nanpercentile(fnp.asarray([fnp.nan, 1.0, 3.0]), 100).item()
    3.0
    """
    no_out("nanpercentile", out)
    return _quantile("nanpercentile", a, q, axis, method, keepdims, True, 100)


def median(a, axis=None, out=None, overwrite_input: bool = False, keepdims: bool = False) -> Array:
    """Median over `axis` (the mean of the middle pair for an even count; NaN where a slice holds NaN).

    >>> import fluxion.numpy as fnp
    >>> fnp.median(fnp.asarray([[1, 3, 2], [4, 6, 8]]), axis=1).tolist()
    [2.0, 6.0]
    """
    no_out("median", out)
    return _quantile("median", a, 0.5, axis, "median", keepdims, False)


def nanmedian(a, axis=None, out=None, overwrite_input: bool = False, keepdims: bool = False) -> Array:
    """`median` ignoring NaNs.

    >>> import fluxion.numpy as fnp
    >>> fnp.nanmedian(fnp.asarray([1.0, fnp.nan, 4.0])).item()
    2.5
    """
    no_out("nanmedian", out)
    return _quantile("nanmedian", a, 0.5, axis, "median", keepdims, True)
