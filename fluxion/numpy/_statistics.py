"""Covariance, correlation, histograms and counting (histograms run eagerly only)."""
from __future__ import annotations

import math
import operator
import warnings

import numpy as np

from .. import numpy as fnp
from ..core import dtypes
from ..core.array import Array, Tracer
from ..core.errors import ConcretizationError, DTypeError, ShapeError, op_error
from ..core.interpreters import EAGER, _ctx
from ..ops import elementwise as E
from ..ops import reduce as R
from ..ops import shape as S
from ._convert import convert, dtype_of, work_dtype
from ._differences import _array, _inexact, _operands
from ._elementwise_base import eager_array
from ._interpolation import _check_ndim, _check_no_complex, _concrete
from ._placement import with_operands

__all__ = ["bincount", "corrcoef", "cov", "histogram", "histogram_bin_edges"]

def _inexact_dtype(*xs) -> np.dtype:
    """The dtype `promote_inexact` would give `xs`, without converting them."""
    dt, _ = dtypes.result_type(*(dtype_of(x) for x in _operands(xs)))
    return dt if dt in dtypes.FLOATING else dtypes.default_float


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
    given = [m] + ([] if y is None else [y])
    dt = _cov_dtype(given, dtype)
    work = _wide(work_dtype(dt, *given) if dtype is None else dt)
    m, *ys = (convert(v, work) for v in given)  # (lists of Python numbers exactly in it)
    for name, v in zip(("m", "y"), [m] + ys):
        if v.ndim > 2:
            raise op_error(ShapeError, "cov", f"{name} has shape {v.shape}, more than 2 dimensions",
                           "pass variables as a 1-d or 2-d array")
    X = _rows(m, transpose=not rowvar and m.ndim != 1)
    if X.shape[0] == 0:
        return S.full((0, 0), 0, dt)
    if ys:
        Y = S.reshape(ys[0], (1,) * (2 - ys[0].ndim) + ys[0].shape)
        X = S.concatenate([X, _rows(Y, transpose=not rowvar and Y.shape[0] != 1)], 0)
    ddof = int(ddof) if ddof is not None else (0 if bias else 1)
    n = X.shape[1]
    fw = None if fweights is None else _cov_weights("fweights", fweights, n, work)
    aw = None if aweights is None else _cov_weights("aweights", aweights, n, work)
    w = fw if aw is None else aw if fw is None else fw * aw
    if w is None:
        avg = R.reduce_sum(X, (1,)) / n if n else S.full((X.shape[0],), math.nan, work)
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
    return convert(S.squeeze(c, tuple(i for i, s in enumerate(c.shape) if s == 1)), dt)


def _cov_dtype(given: list, dtype) -> np.dtype:
    return _inexact_dtype(*given) if dtype is None else dtypes.canonicalize(dtype)


def _wide(dt: np.dtype) -> np.dtype:
    """16-bit floats computed in float32 (the products of data of a few hundred pass float16's range)."""
    return dtypes.float32 if dt in (dtypes.float16, dtypes.bfloat16) else dt


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
    w = convert(w, dtypes.real_dtype(dt))  # (lists of Python numbers exactly in that dtype)
    if w.ndim != 1 or w.shape[0] != n:
        raise op_error(ShapeError, "cov", f"{name} has shape {w.shape}; it needs one weight per observation ({n},)",
                       f"pass a 1-d {name} of length {n}")
    if not isinstance(w, Tracer):
        v = np.asarray(w._concrete("cov"), dtype=np.float64)
        if name == "fweights" and not np.all(v == np.around(v)):
            raise op_error(DTypeError, "cov", "fweights must be integers", "pass integer frequencies (or use aweights)")
        if np.any(v < 0):
            raise op_error(ValueError, "cov", f"{name} has negative entries", f"pass non-negative {name}")
    return w


def corrcoef(x, y=None, rowvar: bool = True, *, dtype=None) -> Array:
    """Pearson correlation coefficients of the variables in the rows of `x` (and `y`), in [-1, 1].

    >>> import fluxion.numpy as fnp
    >>> fnp.corrcoef(fnp.asarray([[1.0, 2.0, 3.0], [3.0, 2.0, 1.0]])).tolist()
    [[1.0, -1.0], [-1.0, 1.0]]
    """
    dt = _cov_dtype([x] + ([] if y is None else [y]), dtype)
    c = cov(x, y, rowvar, dtype=None if _wide(dt) == dt else _wide(dt))
    if c.ndim == 0:
        return convert(c / c, dt)
    n = c.shape[0]
    d = S.slice(S.reshape(c, (n * n,)), (0,), (n * n,), (n + 1,))  # the diagonal
    std = fnp.sqrt(fnp.real(d))
    c = c / S.expand_dims(std, (1,)) / S.expand_dims(std, (0,))
    clip = lambda v: fnp.minimum(fnp.maximum(v, -1), 1)  # noqa: E731  (rounding can leave |c| > 1)
    if c.dtype in dtypes.COMPLEX:
        return E.complex_p.bind(clip(fnp.real(c)), clip(fnp.imag(c)))
    return convert(clip(c), dt)


def _histogram_args(op: str, a, bins, range, weights):  # noqa: A002  (NumPy's name)
    """Concrete NumPy inputs for np.histogram*, the data's floating dtype and the edges' dtype: that
    of given edges, as NumPy's (Python floats read at the data's), else the data's."""
    a = _array(a)
    _check_no_complex(op, "a", a)
    dt = edges_dt = _inexact_dtype(a)
    values = _concrete(op, a)
    # NumPy sees integers as they are (its bin rules make their bins at least 1 wide, and their
    # edges float64); booleans it reads as uint8, as here, but with a warning
    if values.dtype == np.bool_:
        values = values.astype(np.uint8)
    elif values.dtype.kind not in "iu":
        values = values.astype(dt)
    if isinstance(bins, Array) and bins.ndim == 0:
        bins = operator.index(bins)
    if not isinstance(bins, (str, int, np.integer)):
        given = dtype_of(bins)[0]
        edges_dt = dt if given.kind == "f" and not hasattr(bins, "dtype") else given
        bins = _concrete(op, convert(bins, edges_dt))  # (lists of Python floats convert exactly)
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
        w = _concrete(op, _matching(op, convert(weights, _weights_dtype(weights, dt)), a))
        if w.dtype == np.bool_:  # (summed as counts: NumPy would sum booleans to booleans)
            w = w.astype(dtypes.default_int)
    return values, bins, range, w, dt, edges_dt


def _matching(op: str, weights: Array, a: Array) -> Array:
    if weights.shape != a.shape:
        raise op_error(ShapeError, op, f"weights of shape {weights.shape} do not match a of shape {a.shape}",
                       "pass one weight per element of a")
    return weights


def _numpy_call(op: str, fn, *args, **kwargs):
    try:
        return fn(*args, **kwargs)
    except (ValueError, TypeError) as e:
        raise op_error(type(e), op, str(e), "pass bins as a count or increasing edges (a method name such as "
                       "'auto' only without weights), and a finite range") from None


def histogram(a, bins=10, range=None, density: bool | None = None, weights=None) -> tuple[Array, Array]:  # noqa: A002
    """Counts of `a` in `bins` and the bin edges.

    Counts are int64 (the weights' dtype with `weights`, floating with `density`); edges given as
    an array or as integers keep their dtype, as in NumPy, and other edges are float32 for
    integer data and keep a floating dtype. Traced data (under jit, vmap or grad)
    takes `bins` as a count or as edges, not as a method name; a count without `range` spans
    the data as NumPy's does, and NaN or inf data (which NumPy refuses) then gives NaN edges.
    Compiled with `jit`, such an edge can differ from NumPy's in its last bit (XLA fuses its
    multiply and add), so that a value lying exactly on it is counted in the neighbouring bin.

    >>> import fluxion.numpy as fnp
    >>> counts, edges = fnp.histogram(fnp.asarray([1, 2, 2, 3]), bins=2)
    >>> counts.tolist(), edges.tolist()
    ([1, 3], [1.0, 2.0, 3.0])
    """
    if weights is not None and not isinstance(weights, Array):  # (a list may hold traced values)
        weights = convert(weights, _weights_dtype(weights, _inexact_dtype(_array(a))))
    if isinstance(a, Tracer) or isinstance(weights, Tracer) or _traced_bins(bins, range):
        return _traced_histogram(a, bins, range, density, weights)
    values, edges_in, range, w, dt, edges_dt = _histogram_args("histogram", a, bins, range, weights)
    counts, edges = _numpy_call("histogram", np.histogram, values, bins=edges_in, range=range, density=density,
                                weights=w)
    return with_operands("histogram", (Array(counts.astype(_counts_dtype(dt, density, weights))),
                                       Array(edges.astype(edges_dt))), (a, weights, bins))


def _counts_dtype(dt: np.dtype, density, weights) -> np.dtype:
    """The dtype of histogram counts: with `density` the data's floating `dt` (complex for complex
    weights), else that of the weights (int64 for none or booleans)."""
    wdt = None if weights is None else _weights_dtype(weights, dt)
    if density:
        return dtypes.complex_dtype(dt) if wdt in dtypes.COMPLEX else dt
    return dtypes.default_int if wdt is None or wdt == dtypes.bool_ else wdt


def _weights_dtype(weights, dt: np.dtype) -> np.dtype:
    """The dtype histogram weights are read in: their own, but Python floats (given without a
    dtype) in the data's floating `dt`, as bin edges are."""
    given = dtype_of(weights)[0]
    return dt if given.kind == "f" and not hasattr(weights, "dtype") else given


def _traced_histogram(a, bins, range, density, weights):  # noqa: A002
    """`histogram` of traced data, from edges known without it: each value's bin found among the edges."""
    a = _array(a)
    _check_no_complex("histogram", "a", a)
    dt = _inexact_dtype(a)
    # values placed among the edges in NumPy's dtype (float64 for integers, which float32 rounds)
    edges, wide = _bin_edges("histogram", a, bins, range), _bin_edges("histogram", a, bins, range, wide=True)
    x = fnp.ravel(convert(a, _edges_work(a)))
    n = edges.shape[0] - 1
    bin_of = fnp.searchsorted(wide, x, side="right") - 1  # bins are [e_i, e_i+1); the last one is closed
    bin_of = fnp.where(x == wide[-1], n - 1, bin_of)
    inside = (x >= wide[0]) & (x <= wide[-1])  # NaN is in no bin
    wdt = dtypes.default_int if weights is None else _weights_dtype(weights, dt)
    # summed as NumPy sums them: integers in int64 (then wrapping to their dtype), 16-bit floats in float32
    acc = dtypes.default_int if wdt in _COUNTED else dtypes.float32 if wdt in _LOW_FLOATS else wdt
    w = fnp.ones(x.shape, acc) if weights is None else fnp.ravel(convert(_matching("histogram", weights, a), acc))
    counts = fnp.zeros(n, acc).at[fnp.where(inside, bin_of, n)].add(w, mode="drop")
    out = _counts_dtype(dt, density, weights)
    if density:
        if wdt != acc and wdt != dtypes.bool_:  # NumPy's sums are in the weights' dtype (integers wrap)
            counts = convert(counts, wdt)
        total = fnp.sum(counts)  # (as NumPy's: a 16-bit float's in its dtype)
        counts = convert(counts, out) / convert(total, out) / convert(fnp.diff(wide), out)
    return convert(counts, out), edges


def histogram_bin_edges(a, bins=10, range=None, weights=None) -> Array:  # noqa: A002
    """The bin edges `histogram` would use.

    >>> import fluxion.numpy as fnp
    >>> fnp.histogram_bin_edges(fnp.asarray([0.0, 1.0]), bins=4).tolist()
    [0.0, 0.25, 0.5, 0.75, 1.0]
    """
    return _bin_edges("histogram_bin_edges", a, bins, range, weights)


def _edges_work(a: Array) -> np.dtype:
    """The dtype NumPy computes bin edges of data `a` in: its float dtype, float64 for integers."""
    return a.dtype if a.dtype in dtypes.FLOATING else dtypes.float64


def _bin_edges(op: str, a, bins, range, weights=None, wide: bool = False) -> Array:  # noqa: A002
    """`histogram_bin_edges`; for traced `a`, a count of bins without `range` spans its data:
    NumPy's edges from its min to its max (a half wider either side where they are equal),
    rounded as NumPy's, and (0, 1) for no data. With `wide`, the edges of integer data stay in
    float64, as NumPy computes them (not rounded to float32)."""
    if not isinstance(a, Tracer) and not _traced_bins(bins, range):
        values, edges_in, range, w, _, edges_dt = _histogram_args(op, a, bins, range, weights)
        edges = _numpy_call(op, np.histogram_bin_edges, values, bins=edges_in, range=range, weights=w)
        return with_operands(op, Array(edges if wide else edges.astype(edges_dt)), (a, weights, bins))
    _check_no_complex(op, "a", a)
    dt = _inexact_dtype(a)
    if isinstance(bins, str):
        raise op_error(ConcretizationError, op, f"bins={bins!r} chooses the bins from the traced data",
                       "pass a number of bins or the bin edges")
    work = _edges_work(a)
    if isinstance(bins, Tracer):  # traced edges
        if bins.ndim == 0:  # a traced count (sizes the result): as operator.index's error, naming the fix
            operator.index(bins)
        if bins.ndim != 1 or bins.shape[0] < 2:
            raise op_error(ShapeError, op, f"bin edges must be 1-d with 2 or more entries, got shape {bins.shape}",
                           "pass the edges of the bins, or their number")
        return convert(bins, work) if wide else bins
    if not _traced_bins(None, range):
        like = np.zeros(0, np.uint8 if a.dtype == dtypes.bool_ else a.dtype)  # (NumPy warns of bools, converts so)
        edges = _bin_edges(op, like, bins, range, wide=wide)  # checks bins and range
        if range is not None or np.ndim(bins) != 0 or a.size == 0:
            return edges
        lo, hi, count = convert(fnp.min(a), work), convert(fnp.max(a), work), edges.shape[0]
    else:  # a traced range: its ends in place of the data's
        count = operator.index(bins) + 1
        lo, hi = (convert(r, work) for r in range)
    # NumPy's linspace in NumPy's type (the data's float type; float64 for integers), rounded as
    # it rounds: i * step, then + lo (which XLA's CPU code may fuse into one multiply-add, moving
    # an edge by one rounding)
    same = lo == hi
    lo, hi = fnp.where(same, lo - 0.5, lo), fnp.where(same, hi + 0.5, hi)
    i = fnp.arange(count, dtype=work)
    return convert(fnp.where(i == count - 1, hi, i * ((hi - lo) / (count - 1)) + lo), work if wide else dt)


def _traced_bins(bins, range) -> bool:  # noqa: A002
    """Whether histogram's bin edges, or the ends of its range, are traced."""
    return isinstance(bins, Tracer) or range is not None and any(isinstance(r, Tracer) for r in range)


def bincount(x, weights=None, minlength: int = 0, *, length: int | None = None) -> Array:
    """Counts (or sums of `weights`) of each non-negative integer in the 1-d `x`.

    The output has max(max(x) + 1, minlength) entries, which needs a concrete `x`; under a
    transformation pass `length=`: the output then has `length` entries and values of `x`
    outside [0, length) are dropped.

    >>> import fluxion.numpy as fnp
    >>> fnp.bincount(fnp.asarray([0, 2, 2])).tolist()
    [1, 0, 2]
    """
    if (out := _eager_bincount(x, weights, minlength, length)) is not None:  # the common case, kept fast
        return out
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


_COUNTED = frozenset((dtypes.bool_,) + dtypes.INTEGER)
_LOW_FLOATS = frozenset((dtypes.float16, dtypes.bfloat16))
_WEIGHTS = frozenset(dtypes.WIDE_FLOATING)


def _eager_bincount(x, weights, minlength, length) -> Array | None:
    """The general path's bincount of an eager 1-d integer `x` (and eager float `weights`) by NumPy,
    summing weights in the order of `x` as the scatter does; None in every other case, errors included."""
    if x.__class__ is not Array or _ctx.interp is not EAGER or (v := x._value).ndim != 1 or v.dtype not in _COUNTED:
        return None
    if minlength.__class__ is not int or minlength < 0:
        return None
    if weights is not None and (weights.__class__ is not Array or (w := weights._value).dtype not in _WEIGHTS
                                or w.shape != v.shape):
        return None
    v = v.astype(np.int64)  # as the general path converts it
    if length is None:
        if v.size and v.min() < 0:
            return None
        size = minlength
    elif length.__class__ is not int or length < 0:
        return None
    else:  # values outside [0, length) are dropped
        keep = (v >= 0) & (v < length)
        v, size = v[keep], length
        w = None if weights is None else w[keep]
    n = max(size, int(v.max()) + 1) if v.size else size
    if weights is None:
        return eager_array(np.bincount(v, minlength=n), False)
    out = np.zeros(n, w.dtype)
    np.add.at(out, v, w)
    return eager_array(out, False)
