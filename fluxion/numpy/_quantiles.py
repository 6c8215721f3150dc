"""Order statistics: median, quantile and percentile, and their NaN-ignoring forms.

The reduced axes are moved to the end, merged and sorted (NaNs sort last). Each quantile then
lies at a position among the sorted values, and the method picks the order statistic there or
interpolates between its neighbours, as NumPy's `method` says (the table `_METHODS`). Positions
are computed in float64 so that the discrete methods pick the same elements as NumPy.
"""
from __future__ import annotations

from typing import Callable, NamedTuple

import numpy as np

from ..backends.numpy._util import MAX_NUMPY_DIMS
from ..backends.numpy.sort import stable_sort
from ..core import dtypes
from ..core.array import Array, Tracer
from ..core.errors import DTypeError, ShapeError, op_error
from ..core.interpreters import EAGER, _ctx
from ..ops import elementwise as E
from ..ops import indexing as I
from ..ops import reduce as R
from ..ops import shape as S
from ..ops.sort import sort
from ._convert import convert, promote_inexact
from ._creation import asarray
from ._elementwise_base import eager_array, no_out
from ._placement import with_operands
from ._reduce_util import as_array, check_real, const, isnan, kept_shape, select, to_last, weights_like

__all__ = ["median", "nanmedian", "nanpercentile", "nanquantile", "percentile", "quantile"]

_F64 = dtypes.float64


def _plus_one(v: Array) -> Array:
    return E.add_p.bind(v, const(1.0, _F64))


def _even_rank(v: Array) -> Array:
    """The nearest order statistic, at a tie the one of even rank counted from 1 (v + 1 is that rank)."""
    return E.sub_p.bind(E.round_p.bind(_plus_one(v)), const(1.0, _F64))


def _fraction(v: Array, lo: Array) -> Array:
    return E.sub_p.bind(v, lo)


def _if_whole(at_whole: float, between: float) -> Callable:
    """A weight that is `at_whole` where the position is an order statistic and `between` elsewhere."""
    return lambda v, lo: select(E.eq_p.bind(lo, v), const(at_whole, _F64), const(between, _F64))


class _Method(NamedTuple):
    """Where q lies among the n sorted values, and how the order statistics there give the quantile."""
    place: tuple | None  # NumPy's (alpha, beta): 0-based position n*q + alpha + q*(1-alpha-beta) - 1; None: (n-1)*q
    pick: Callable | None = None  # position -> index of the one order statistic taken (keeps integer dtypes)
    weight: Callable | None = None  # (position, index of the lower neighbour) -> weight of the upper one


_INVERTED_CDF = (0.0, 1.0)  # position n*q - 1
_METHODS = {
    "inverted_cdf": _Method(_INVERTED_CDF, pick=E.ceil_p.bind),
    "averaged_inverted_cdf": _Method(_INVERTED_CDF, weight=_if_whole(0.5, 1.0)),
    "closest_observation": _Method(_INVERTED_CDF, pick=_even_rank),
    "interpolated_inverted_cdf": _Method(_INVERTED_CDF, weight=_fraction),
    "hazen": _Method((0.5, 0.5), weight=_fraction),
    "weibull": _Method((0.0, 0.0), weight=_fraction),
    "linear": _Method(None, weight=_fraction),
    "median_unbiased": _Method((1 / 3, 1 / 3), weight=_fraction),
    "normal_unbiased": _Method((3 / 8, 3 / 8), weight=_fraction),
    "lower": _Method(None, pick=E.floor_p.bind),
    "higher": _Method(None, pick=E.ceil_p.bind),
    "nearest": _Method(None, pick=E.round_p.bind),  # halves to even, as NumPy
    "midpoint": _Method(None, weight=_if_whole(0.0, 0.5)),
}
_MEDIAN = _Method(None)  # neither: the mean of the middle pair, so [1, inf] has median inf (interpolation: NaN)
_LINEAR = _METHODS["linear"]


def _fractions(op: str, q, scale: float) -> Array:
    """`q` as float64 fractions in [0, 1] (checked when its value is known)."""
    q = convert(q, _F64) if isinstance(q, Array) else asarray(q, dtype=_F64)
    if not isinstance(q, Tracer):
        v = q._concrete(op)
        if not np.all((v >= 0) & (v <= scale)):
            raise op_error(ValueError, op, f"q must lie in [0, {scale:g}], got {v.tolist()}",
                           f"pass {'percentiles' if scale == 100 else 'quantiles'} between 0 and {scale:g}")
    return q if scale == 1 else E.div_p.bind(q, const(float(scale), _F64))


def _position(q: Array, n: Array, place: tuple | None) -> Array:
    """The float64 position of the fractions `q` among `n` sorted values, summed in NumPy's order so that
    positions at order statistics round alike."""
    if place is None:
        return E.mul_p.bind(q, E.sub_p.bind(n, const(1.0, _F64)))
    alpha, beta = place
    offset = E.add_p.bind(const(alpha, _F64), E.mul_p.bind(q, const(1.0 - alpha - beta, _F64)))
    return E.sub_p.bind(E.add_p.bind(E.mul_p.bind(n, q), offset), const(1.0, _F64))


def _weights(op: str, x: Array, weights, axis, axes: tuple, method: str) -> Array:
    """`weights` in the shape of `x`, in float64 (NumPy accumulates weights of every dtype in float64)."""
    if method != "inverted_cdf":
        raise op_error(ValueError, op, f"weights= is defined only for method='inverted_cdf', got {method!r}",
                       "pass method='inverted_cdf', or drop weights=")
    w = weights_like(op, x, as_array(weights), axis, axes)
    if not isinstance(w, Tracer) and np.any(w._concrete(op) < 0):
        raise op_error(ValueError, op, "weights must be non-negative", "pass weights >= 0 (counts or shares)")
    return convert(w, _F64)


def _weighted_position(op: str, w: Array, q: Array, count: Array) -> Array:
    """The index of the first sorted value whose cumulative share of the weight reaches `q` (for q = 0,
    the first of positive weight), as float64; `w` holds the weights in the sorted order of the last axis."""
    last = w.ndim - 1
    cdf = R.cumsum(w, last)
    total = S.slice_in_dim(cdf, w.shape[-1] - 1, w.shape[-1], axis=last)
    if not isinstance(total, Tracer) and not isinstance(count, Tracer):
        t, c = total._concrete(op)[..., 0], count._concrete(op)
        if np.any(~(np.isfinite(t) & (t > 0)) & (c > 0)):
            raise op_error(ValueError, op, "the weights of a slice are all zero or include NaN or inf",
                           "give every slice a positive, finite total weight")
    cdf = E.div_p.bind(cdf, total)
    below = E.or_p.bind(E.lt_p.bind(cdf, S.expand_dims(q, (q.ndim,))), E.eq_p.bind(cdf, const(0.0, _F64)))
    return R.reduce_sum(convert(below, _F64), (below.ndim - 1,))


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


def _combine(y: Array, v: Array, last: Array, spec: _Method) -> Array:
    """The quantile at float64 positions `v` of the sorted last axis of `y`; positions outside [0, last]
    take the first or last value."""
    zero = const(0.0, _F64)
    clip = lambda i: E.max_p.bind(E.min_p.bind(i, last), zero)  # noqa: E731
    if spec.pick:
        return _pick(y, clip(spec.pick(v)))
    lo = E.floor_p.bind(v)
    a, b, lo = _pick(y, clip(lo)), _pick(y, clip(_plus_one(lo))), clip(lo)
    if spec.weight:  # measured from the neighbour taken: negative before the first, as NumPy's (-0.0 stays)
        return _lerp(a, b, convert(spec.weight(v, lo), y.dtype))
    pair = E.mul_p.bind(E.add_p.bind(a, b), const(0.5, y.dtype))
    return select(E.eq_p.bind(lo, v), a, pair)


# the fast path's arrays: floats as they are, integers in float32 (as promote_inexact gives them)
_EAGER_DTYPES = frozenset((dtypes.float32, dtypes.float64) + dtypes.INTEGER)
_NUMBERS = (float, int)
_PARTITIONED = 1 << 14  # rows this long are partitioned (NumPy sorts shorter ones faster)


def _eager_fractions(q, scale: float) -> np.ndarray | None:
    """`_fractions` of a Python number, a list of them or an eager real array, in range; else None."""
    cls = q.__class__
    if cls in _NUMBERS or (cls is list or cls is tuple) and all(e.__class__ in _NUMBERS for e in q):
        v = np.array(q, np.float64)
    elif cls is Array and q._value.dtype in _EAGER_DTYPES:
        v = q._value.astype(np.float64)
    else:
        return None
    if not ((v >= 0) & (v <= scale)).all():
        return None
    return v if scale == 1 else v / np.float64(scale)


def _eager_quantile(a, q, axis, spec: _Method, keepdims: bool, ignore_nan: bool, scale: float) -> Array | None:
    """The general path's median or linear quantile of a strong eager float or integer array over all
    axes or one, by the same kernels in the same order; None in every other case."""
    if (a.__class__ is not Array or _ctx.interp is not EAGER or a._weak or spec is not _MEDIAN and spec is not _LINEAR
            or (x := a._value).dtype not in _EAGER_DTYPES):
        return None
    nd = x.ndim
    if axis is None:
        y, kept = x.reshape(-1), (1,) * nd
    elif axis.__class__ is int and -nd <= axis < nd:
        y = np.moveaxis(x, axis, -1)
        kept = tuple(1 if i == axis % nd else d for i, d in enumerate(x.shape))
    else:
        return None
    if not y.shape[-1] or (q := _eager_fractions(q, scale)) is None or q.ndim + y.ndim > MAX_NUMPY_DIMS:
        return None
    batch = y.shape[:-1]
    if x.dtype.kind != "f":
        y = y.astype(dtypes.default_float)
    dt = y.dtype.type
    count = np.float64(y.shape[-1])
    counts = np.count_nonzero(y == y, -1).astype(np.float64) if ignore_nan else None
    # (where every row keeps as many values, the places read below are the same in each)
    alike = counts is None or counts.size and counts.flat[0] > 0 and (counts == counts.flat[0]).all()
    if y.shape[-1] < _PARTITIONED or not alike:
        y = stable_sort(y, -1)  # NaNs last
        if ignore_nan:
            count = counts
    else:  # only the order statistics read below need their sorted places (NaNs last)
        count = count if counts is None else counts.flat[0]
        places = np.floor(q * (count - 1.0)).astype(np.int64).ravel()
        y = np.partition(y, np.unique(np.concatenate([places, np.minimum(places + 1, y.shape[-1] - 1),
                                                      [y.shape[-1] - 1]])), -1)
    last = count - 1.0
    v = q.reshape(q.shape + (1,) * len(batch)) * last
    rows = y.reshape((1,) * q.ndim + y.shape)  # `_pick`: y[..., i] for positions i of shape Q + batch
    pick = lambda i: np.take_along_axis(rows, i.astype(np.int64)[..., None], -1)[..., 0]  # noqa: E731
    clip = lambda i: np.maximum(np.minimum(i, last), 0.0)  # noqa: E731
    lo = np.floor(v)
    a, b, lo = pick(clip(lo)), pick(clip(lo + 1.0)), clip(lo)
    if spec is _MEDIAN:
        r = np.where(lo == v, a, (a + b) * dt(0.5))
    else:  # `_lerp`
        t = (v - lo).astype(y.dtype)
        d = b - a
        r = np.where(t >= dt(0.5), b - d * (dt(1) - t), a + d * t)
    if not ignore_nan:
        r = np.where(y[..., -1] != y[..., -1], dt(np.nan), r)
    return eager_array(r.reshape(q.shape + (kept if keepdims else batch)), False)


def _quantile(op: str, a, q, axis, method: str, keepdims: bool, ignore_nan: bool, scale: float = 1,
              weights=None) -> Array:
    if op.endswith("median"):
        spec = _MEDIAN
    elif method in _METHODS:
        spec = _METHODS[method]
    else:
        raise op_error(ValueError, op, f"method {method!r} is not supported", f"use one of {', '.join(_METHODS)}")
    if weights is None and (out := _eager_quantile(a, q, axis, spec, keepdims, ignore_nan, scale)) is not None:
        return out  # the common case, kept fast
    x = as_array(a)
    check_real(op, x)
    if x.dtype == dtypes.bool_ and spec.weight:  # as NumPy's, which cannot subtract booleans
        raise op_error(DTypeError, op, f"method {method!r} interpolates between boolean elements",
                       "convert with .astype(int) first, or pick elements (method='lower', 'higher', 'nearest')")
    if not spec.pick:
        (x,) = promote_inexact(op, x)
    q = _fractions(op, q, scale)
    y, axes = to_last(op, x, axis)
    w = None if weights is None else to_last(op, _weights(op, x, weights, axis, axes, method), axis)[0]
    out_shape = q.shape + (kept_shape(x.shape, axes) if keepdims else y.shape[:-1])
    n = y.shape[-1]
    if n == 0:
        if x.dtype not in dtypes.FLOATING:
            raise op_error(ShapeError, op, f"has no {method} value over an empty axis of shape {x.shape}",
                           "reduce over non-empty axes, or convert to a float dtype to get NaN")
        return with_operands(op, S.full(out_shape, np.nan, x.dtype), [x])  # (on x's device)
    if w is None:
        y = sort(y, dimension=-1)
    else:
        y, w = sort((y, w), dimension=-1)
    floating = x.dtype in dtypes.FLOATING
    if ignore_nan and floating:
        count = R.reduce_sum(convert(E.not_p.bind(isnan(y)), _F64), (y.ndim - 1,))
        w = None if w is None else select(isnan(y), const(0.0, _F64), w)
    else:
        count = const(float(n), _F64)
    q = S.reshape(q, q.shape + (1,) * (y.ndim - 1))
    # a weighted position is an order statistic already, which inverted_cdf's ceil keeps
    v = _position(q, count, spec.place) if w is None else _weighted_position(op, w, q, count)
    r = _combine(y, v, E.sub_p.bind(count, const(1.0, _F64)), spec)
    if floating and not ignore_nan:  # NaNs sort last: the slice holds one if its last element is NaN
        r = select(R.reduce_or(isnan(y), (y.ndim - 1,)), const(np.nan, x.dtype), r)
    if floating and isinstance(w, Tracer):  # weights that raise where known (negative, none, NaN or inf): NaN
        bad = E.or_p.bind(E.lt_p.bind(w, const(0.0, _F64)), E.not_p.bind(E.is_finite_p.bind(w)))
        last = (w.ndim - 1,)
        bad = E.or_p.bind(R.reduce_or(bad, last), E.eq_p.bind(R.reduce_sum(w, last), const(0.0, _F64)))
        r = select(bad, const(np.nan, x.dtype), r)
    return S.reshape(r, out_shape)


def quantile(a, q, axis=None, out=None, overwrite_input: bool = False, method: str = "linear",
             keepdims: bool = False, *, weights=None) -> Array:
    """The `q`-th quantiles (q in [0, 1]) over `axis`; output axes are q's, then the kept ones.

    `method` is one of NumPy's (Hyndman and Fan's 1-9, then NumPy's own): inverted_cdf,
    averaged_inverted_cdf, closest_observation, interpolated_inverted_cdf, hazen, weibull, linear
    (the default), median_unbiased, normal_unbiased, lower, higher, nearest, midpoint. The methods
    that pick one element (inverted_cdf, closest_observation, lower, higher, nearest) keep an integer
    or boolean dtype; the others give the default float (and refuse booleans, as NumPy's). Slices
    holding NaN give NaN.

    `weights` (only with method="inverted_cdf", as NumPy) has the shape of `a` or of the reduced axes;
    the quantile is then the first sorted value whose share of the total weight reaches q. Negative
    weights and slices of zero total weight raise where the values are known; traced (under jit or
    vmap) they give NaN.

    >>> import fluxion.numpy as fnp
    >>> fnp.quantile(fnp.asarray([1.0, 2.0, 3.0, 4.0]), [0.0, 0.5]).tolist()
    [1.0, 2.5]
    >>> fnp.quantile(fnp.asarray([1.0, 2.0, 3.0, 4.0]), 0.5, method="weibull").item()
    2.5
    >>> fnp.quantile(fnp.asarray([1, 2, 3]), 0.5, method="inverted_cdf", weights=fnp.asarray([1, 1, 3])).item()
    3
    """
    no_out("quantile", out)
    return _quantile("quantile", a, q, axis, method, keepdims, False, weights=weights)


def nanquantile(a, q, axis=None, out=None, overwrite_input: bool = False, method: str = "linear",
                keepdims: bool = False, *, weights=None) -> Array:
    """`quantile` ignoring NaNs and their weights (NaN where a slice holds only NaNs).

    >>> import fluxion.numpy as fnp
    >>> fnp.nanquantile(fnp.asarray([1.0, fnp.nan, 3.0]), 0.5).item()
    2.0
    >>> fnp.nanquantile(fnp.asarray([1.0, fnp.nan, 3.0, 4.0]), 0.5, method="closest_observation").item()
    3.0
    """
    no_out("nanquantile", out)
    return _quantile("nanquantile", a, q, axis, method, keepdims, True, weights=weights)


def percentile(a, q, axis=None, out=None, overwrite_input: bool = False, method: str = "linear",
               keepdims: bool = False, *, weights=None) -> Array:
    """`quantile` with q in percent ([0, 100]).

    >>> import fluxion.numpy as fnp
    >>> fnp.percentile(fnp.asarray([1.0, 2.0, 3.0]), 50, method="lower").item()
    2.0
    >>> fnp.percentile(fnp.asarray([1.0, 2.0, 3.0, 4.0]), 25, method="hazen").item()
    1.5
    """
    no_out("percentile", out)
    return _quantile("percentile", a, q, axis, method, keepdims, False, 100, weights)


def nanpercentile(a, q, axis=None, out=None, overwrite_input: bool = False, method: str = "linear",
                  keepdims: bool = False, *, weights=None) -> Array:
    """`percentile` ignoring NaNs and their weights.

    >>> import fluxion.numpy as fnp
    >>> fnp.nanpercentile(fnp.asarray([fnp.nan, 1.0, 3.0]), 100).item()
    3.0
    """
    no_out("nanpercentile", out)
    return _quantile("nanpercentile", a, q, axis, method, keepdims, True, 100, weights)


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
