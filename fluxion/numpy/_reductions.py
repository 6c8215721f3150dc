"""Reductions and statistics: sums, extrema, means, variances, arg-extrema, cumulative
reductions and their NaN-ignoring forms, all built on the reduction primitives.

Accumulation dtypes follow the array API: sums and products of booleans and signed integers
give int64, of unsigned integers uint64; statistics of integers give the default float.
NumPy's `where=` masks elements out; `out=` is not supported because arrays are values.
"""
from __future__ import annotations

import builtins

import numpy as np

from ..backends.numpy._loops import add_reduce
from ..backends.numpy.logsumexp import logsumexp as logsumexp_kernel
from ..core import dtypes
from ..core.array import Array, Tracer, distinct
from ..core.errors import DTypeError, ShapeError, op_error
from ..core.interpreters import EAGER, _ctx
from ..core.primitive import numpy_kernel
from ..ops import elementwise as E
from ..ops import reduce as R
from ..ops import shape as S
from ..ops._util import broadcast_shapes
from ..ops.reduce import normalize_axes
from ._convert import convert, dtype_of, promote_inexact, promote_inexact_wide
from ._elementwise_base import eager_array, no_out, root_at_zero
from ._quantiles import median, nanmedian, nanpercentile, nanquantile, percentile, quantile
from ._reduce_util import (as_array, bool_mask, check_real, const, flatten, isnan, keep_dims, kept_shape, one_axis,
                           select, weights_like)

__all__ = [
    "all", "amax", "amin", "any", "argmax", "argmin", "average", "count_nonzero", "cumprod", "cumsum",
    "cumulative_prod", "cumulative_sum", "logsumexp", "max", "mean", "median", "min", "nanargmax", "nanargmin",
    "nancumprod", "nancumsum", "nanmax", "nanmean", "nanmedian", "nanmin", "nanpercentile", "nanprod",
    "nanquantile", "nanstd", "nansum", "nanvar", "percentile", "prod", "ptp", "quantile", "std", "sum", "var",
]


# accumulation dtypes --------------------------------------------------------------------------
_INEXACT = frozenset(dtypes.FLOATING)
_DIRECT = frozenset(dtypes.WIDE_FLOATING)
_DIRECT_REAL = frozenset((dtypes.float32, dtypes.float64))
_EXTREMA = frozenset((dtypes.float32, dtypes.float64, dtypes.int32, dtypes.int64))  # kernels keep their dtype
_BOOL = frozenset((dtypes.bool_,))
_ANY = frozenset(dtypes.ALL)
_ALL_AXES = tuple(tuple(range(n)) for n in range(65))  # every axis of an array of n (NumPy allows 64)


def _eager_axes(a, axis, direct=_DIRECT) -> tuple[int, ...] | None:
    """The axes of a reduction the kernel can take at once: over every axis (axis=None) or one
    axis (a Python int in range) of `a`, a plain eager Array (no transformation active) of at
    least one axis and a dtype in `direct`; None in every other case, which goes the general way."""
    if a.__class__ is not Array or _ctx.interp is not EAGER:
        return None
    v = a._value
    n = v.ndim
    if not n or v.dtype not in direct:
        return None
    if axis is None:
        return _ALL_AXES[n]
    if axis.__class__ is int and -n <= axis < n:
        return (axis + n if axis < 0 else axis,)
    return None


def _accumulation_dtype(dt: np.dtype) -> np.dtype:
    if dt == dtypes.bool_ or dt in dtypes.SIGNED:
        return dtypes.int64
    if dt in dtypes.UNSIGNED:
        return dtypes.uint64
    return dt


def _accumulation_input(a, dtype) -> tuple[Array, np.dtype | None]:
    """`a` in the dtype a sum or product accumulates in, and the requested result dtype (or None)."""
    x = as_array(a)
    if dtype is None:
        if x.dtype in _INEXACT:  # the common case, kept fast: floats accumulate in their own dtype
            return x, None
        return convert(x, _accumulation_dtype(x.dtype), x.weak), None
    dt = dtypes.canonicalize(dtype)
    # a boolean accumulator is a logical reduction: count in int64, then test for nonzero
    return convert(x, dtypes.int64 if dt == dtypes.bool_ else dt), dt


def _as_requested(r: Array, dt: np.dtype | None) -> Array:
    return r if dt is None or r.dtype == dt else convert(r, dt)


def _without_nans(a, value) -> Array:
    """`a` with NaNs replaced by `value` (integers and booleans have none)."""
    x = as_array(a)
    if x.dtype not in dtypes.FLOATING:
        return x
    return select(isnan(x), const(value, x.dtype), x)


# sum and prod ---------------------------------------------------------------------------------
def _arithmetic(name: str, reduce_p, combine, identity: int, kernel):
    def f(a, axis=None, dtype=None, out=None, keepdims: bool = False, initial=None, where=None, *,
          promote_integers: bool = True) -> Array:
        if not promote_integers and dtype is None and (own := dtype_of(a)[0]) in dtypes.INTEGER:
            dtype = own  # (jax's keyword: integers keep their dtype)
        if dtype is out is initial is where is None and (axes := _eager_axes(a, axis)) is not None:  # kept fast: the kernel (a wide
            # dtype is its own accumulator) over all axes (None to NumPy too) or one of an eager array
            value = kernel(a._value, None if axis is None else axes, keepdims)
            y = Array.__new__(Array)
            y._value, y._weak = np.asarray(value), a._weak
            return y
        no_out(name, out)
        x, dt = _accumulation_input(a, dtype)
        axes = normalize_axes(name, axis, x.ndim)
        if where is not None:
            x = select(bool_mask(name, where, x.shape), x, const(identity, x.dtype))
        r = reduce_p.bind(x, axes=axes) if axes else distinct(x)  # the axes are normalized already
        if initial is not None:
            r = combine.bind(r, convert(initial, r.dtype))
        return keep_dims(_as_requested(r, dt), x.shape, axes, keepdims)
    f.__name__ = f.__qualname__ = name
    return f


sum = _arithmetic("sum", R.reduce_sum_p, E.add_p, 0, add_reduce)  # noqa: A001
sum.__doc__ = """Sum of elements over `axis` (all axes when None).

    Booleans and signed integers sum in int64, unsigned integers in uint64, unless `dtype` says
    otherwise or `promote_integers=False` (jax's: integers keep their dtype); `initial` is added;
    `where=` masks elements out.

    >>> import fluxion.numpy as fnp
    >>> fnp.sum(fnp.asarray([[1, 2], [3, 4]]), axis=0).tolist()
    [4, 6]
    """
prod = _arithmetic("prod", R.reduce_prod_p, E.mul_p, 1, lambda v, axes, keepdims: np.multiply.reduce(v, axes, None, None, keepdims))
prod.__doc__ = """Product of elements over `axis` (accumulation dtypes as `sum`).

    >>> import fluxion.numpy as fnp
    >>> fnp.prod(fnp.asarray([[1, 2], [3, 4]]), axis=1).tolist()
    [2, 12]
    """


def nansum(a, axis=None, dtype=None, out=None, keepdims: bool = False, initial=None, where=None) -> Array:
    """`sum` treating NaNs as 0.

    >>> import fluxion.numpy as fnp
    >>> fnp.nansum(fnp.asarray([1.0, fnp.nan, 2.0])).item()
    3.0
    """
    return sum(_without_nans(a, 0), axis, dtype, out, keepdims, initial, where)


def nanprod(a, axis=None, dtype=None, out=None, keepdims: bool = False, initial=None, where=None) -> Array:
    """`prod` treating NaNs as 1.

    >>> import fluxion.numpy as fnp
    >>> fnp.nanprod(fnp.asarray([2.0, fnp.nan, 3.0])).item()
    6.0
    """
    return prod(_without_nans(a, 1), axis, dtype, out, keepdims, initial, where)


# max and min ----------------------------------------------------------------------------------
def _check_initial(name: str, shape: tuple, axes: tuple, initial, where) -> None:
    if initial is not None:
        return
    word = name.replace("nan", "")
    if where is not None:
        raise op_error(ValueError, name, f"where= needs initial=: a slice with every element masked out has no {word}",
                       "pass initial=, the value such slices get")
    if builtins.any(shape[i] == 0 for i in axes):
        raise op_error(ShapeError, name, f"cannot take the {word} over an empty axis (shape {shape}, axes {axes})",
                       "pass initial=, the value an empty slice gets (with where= to mask elements), "
                       "or reduce over non-empty axes")


_IGNORING_NAN = {np.maximum: np.fmax, np.minimum: np.fmin}


def _extremum(name: str, reduce, identity, combine, ignore_nan: bool = False, ufunc=None):
    initials = {dt: identity(dt).item() for dt in _EXTREMA}  # the kernel's initial value of each dtype

    def f(a, axis=None, out=None, keepdims: bool = False, initial=None, where=None) -> Array:
        if (ufunc is not None and out is initial is where is None
                and (axes := _eager_axes(a, axis, initials)) is not None and a._value.size):  # kept fast:
            v = a._value  # the kernel's reduction of a non-empty eager array over all axes or one
            if ignore_nan:  # NumPy's nanmax: fmax ignores NaN (NaN for a slice of NaNs only)
                r = np.asarray(_IGNORING_NAN[ufunc].reduce(v, axes, None, None, keepdims))
            else:
                r = np.asarray(ufunc.reduce(v, axes, None, None, keepdims, initials[v.dtype]))
            y = Array.__new__(Array)
            y._value, y._weak = r, a._weak and not ignore_nan  # (as the general path makes it)
            return y
        no_out(name, out)
        x = as_array(a)
        check_real(name, x)
        axes = normalize_axes(name, axis, x.ndim)
        _check_initial(name, x.shape, axes, initial, where)
        keep = None if where is None else bool_mask(name, where, x.shape)
        nans = ignore_nan and x.dtype in dtypes.REAL_FLOATING
        if nans:
            valid = E.not_p.bind(isnan(x))
            keep = valid if keep is None else E.and_p.bind(keep, valid)
        r = reduce(x if keep is None else select(keep, x, Array(identity(x.dtype))), axes)
        if initial is not None:
            r = combine.bind(r, convert(initial, x.dtype))
        elif nans:  # a slice of NaNs only has no extremum: NumPy gives NaN
            r = select(R.reduce_or(valid, axes), r, const(np.nan, x.dtype))
        return keep_dims(r, x.shape, axes, keepdims)
    f.__name__ = f.__qualname__ = name
    return f


max = _extremum("max", R.reduce_max, R.lowest, E.max_p, ufunc=np.maximum)  # noqa: A001
max.__doc__ = """Largest element over `axis` (NaN propagates).

    An empty reduction needs `initial=`, the value it gives; `where=` (with `initial=`) masks
    elements out.

    >>> import fluxion.numpy as fnp
    >>> fnp.max(fnp.asarray([[1, 5], [3, 2]]), axis=1).tolist()
    [5, 3]
    """
min = _extremum("min", R.reduce_min, R.highest, E.min_p, ufunc=np.minimum)  # noqa: A001
min.__doc__ = """Smallest element over `axis` (NaN propagates); see `max`.

    >>> import fluxion.numpy as fnp
    >>> fnp.min(fnp.asarray([[1, 5], [3, 2]]), axis=0).tolist()
    [1, 2]
    """
amax, amin = max, min
nanmax = _extremum("nanmax", R.reduce_max, R.lowest, E.max_p, ignore_nan=True, ufunc=np.maximum)
nanmax.__doc__ = """Largest element over `axis` ignoring NaNs (NaN where a slice holds only NaNs).

    >>> import fluxion.numpy as fnp
    >>> fnp.nanmax(fnp.asarray([1.0, fnp.nan, 3.0])).item()
    3.0
    """
nanmin = _extremum("nanmin", R.reduce_min, R.highest, E.min_p, ignore_nan=True, ufunc=np.minimum)
nanmin.__doc__ = """Smallest element over `axis` ignoring NaNs (NaN where a slice holds only NaNs).

    >>> import fluxion.numpy as fnp
    >>> fnp.nanmin(fnp.asarray([1.0, fnp.nan, 3.0])).item()
    1.0
    """


def ptp(a, axis=None, out=None, keepdims: bool = False) -> Array:
    """Range (maximum minus minimum) over `axis`.

    >>> import fluxion.numpy as fnp
    >>> fnp.ptp(fnp.asarray([4, 9, 2])).item()
    7
    """
    no_out("ptp", out)
    x = as_array(a)
    if x.dtype == dtypes.bool_:
        raise op_error(DTypeError, "ptp", "booleans cannot be subtracted", "convert with .astype(int) first")
    return E.sub_p.bind(max(x, axis, keepdims=keepdims), min(x, axis, keepdims=keepdims))


# any and all ----------------------------------------------------------------------------------
def _logical(name: str, reduce, identity: bool, ufunc):
    def f(a, axis=None, out=None, keepdims: bool = False, *, where=None) -> Array:
        if out is where is None and (axes := _eager_axes(a, axis, _BOOL)) is not None:  # kept fast: the kernel's
            y = Array.__new__(Array)  # reduction of an eager boolean array over all axes or one
            y._value, y._weak = np.asarray(ufunc.reduce(a._value, axes, None, None, keepdims)), a._weak
            return y
        no_out(name, out)
        x = as_array(a)
        if x.dtype != dtypes.bool_:
            x = E.ne_p.bind(x, const(0, x.dtype))
        axes = normalize_axes(name, axis, x.ndim)
        if where is not None:
            x = select(bool_mask(name, where, x.shape), x, const(identity, dtypes.bool_))
        return keep_dims(reduce(x, axes), x.shape, axes, keepdims)
    f.__name__ = f.__qualname__ = name
    return f


any = _logical("any", R.reduce_or, False, np.logical_or)  # noqa: A001
any.__doc__ = """Whether any element over `axis` is true (nonzero; NaN counts as true).

    >>> import fluxion.numpy as fnp
    >>> fnp.any(fnp.asarray([[0, 1], [0, 0]]), axis=1).tolist()
    [True, False]
    """
all = _logical("all", R.reduce_and, True, np.logical_and)  # noqa: A001
all.__doc__ = """Whether every element over `axis` is true (nonzero).

    >>> import fluxion.numpy as fnp
    >>> fnp.all(fnp.asarray([[1, 1], [0, 1]]), axis=1).tolist()
    [True, False]
    """


def count_nonzero(a, axis=None, *, keepdims: bool = False) -> Array:
    """Number of nonzero elements over `axis` (int64).

    >>> import fluxion.numpy as fnp
    >>> fnp.count_nonzero(fnp.asarray([0, 3, 0, 1])).item()
    2
    """
    if (axes := _eager_axes(a, axis, _ANY)) is not None and not a._weak:  # kept fast: NumPy's count, in int64
        whole = axis is None and not keepdims  # (NumPy counts a whole array fastest without axes)
        count = np.count_nonzero(a._value) if whole else np.count_nonzero(a._value, axes, keepdims=keepdims)
        return eager_array(np.asarray(count, dtypes.int64), False)
    x = as_array(a)
    nz = x if x.dtype == dtypes.bool_ else E.ne_p.bind(x, const(0, x.dtype))
    return sum(nz, axis, keepdims=keepdims)


# mean, var, std -------------------------------------------------------------------------------
def _statistic_input(a, dtype) -> tuple[Array, np.dtype]:
    """`a` in the floating dtype a statistic computes in, and the dtype of its result."""
    x = as_array(a)
    out_dt = dtypes.canonicalize(dtype) if dtype is not None else (
        x.dtype if x.dtype in dtypes.FLOATING else dtypes.default_float)
    work = out_dt if out_dt in dtypes.FLOATING else dtypes.default_float
    if work in (dtypes.float16, dtypes.bfloat16):  # accumulate in float32, as NumPy does for float16
        work = dtypes.float32
    if dtype is None and x.dtype not in dtypes.FLOATING:
        # integers accumulate in float64, as NumPy's: float32 rounds those past 2**24 and loses
        # the small ones beside them (the result is still rounded to the default float)
        work = dtypes.float64
    return convert(x, work, x.weak and dtype is None), out_dt


def _count(x: Array, axes: tuple, mask: Array | None) -> Array:
    """Elements per slice in the real dtype of `x` (only those `mask` keeps)."""
    real = dtypes.real_dtype(x.dtype)
    if mask is None:
        return const(float(np.prod([x.shape[i] for i in axes])), real)
    return R.reduce_sum(convert(mask, real), axes)


def _mean(x: Array, axes: tuple, mask: Array | None, count: Array) -> Array:
    total = R.reduce_sum(x if mask is None else select(mask, x, const(0, x.dtype)), axes)
    return E.div_p.bind(total, convert(count, x.dtype))


def _var(x: Array, axes: tuple, mask: Array | None, correction, mean=None) -> Array:
    count = _count(x, axes, mask)
    kept = kept_shape(x.shape, axes)
    if mean is None:
        mean = S.reshape(_mean(x, axes, mask, count), kept)
    else:  # given, as with keepdims=True (NumPy 2)
        mean = convert(mean, x.dtype)
        if broadcast_shapes("var", mean.shape, kept) != kept:
            raise op_error(ShapeError, "var", f"mean of shape {mean.shape} does not have the reduced shape {kept}",
                           "pass the mean as computed with keepdims=True")
    d = E.sub_p.bind(x, S.broadcast_to(mean, kept) if mean.shape != kept else mean)
    if mask is not None:  # before squaring: the square's derivative at a masked NaN would give NaN * 0
        d = select(mask, d, const(0, d.dtype))
    sq = E.add_p.bind(E.square_p.bind(E.real_p.bind(d)), E.square_p.bind(E.imag_p.bind(d))) \
        if x.dtype in dtypes.COMPLEX else E.square_p.bind(d)
    real = sq.dtype
    total = R.reduce_sum(sq, axes)
    dof = E.sub_p.bind(count, const(correction, real))
    # NaN where no degree of freedom is left, as the array API standard and NumPy's nanvar have it
    # (NumPy's var divides by 0 there, which gives inf)
    return select(E.gt_p.bind(dof, const(0, real)), E.div_p.bind(total, dof), const(np.nan, real))


def _mask(name: str, x: Array, where, ignore_nan: bool) -> Array | None:
    mask = None if where is None else bool_mask(name, where, x.shape)
    if ignore_nan:
        valid = E.not_p.bind(isnan(x))
        mask = valid if mask is None else E.and_p.bind(mask, valid)
    return mask


def _mean_fn(name: str, ignore_nan: bool):
    def f(a, axis=None, dtype=None, out=None, keepdims: bool = False, *, where=None) -> Array:
        if (dtype is out is where is None and (axes := _eager_axes(a, axis, _DIRECT_REAL)) is not None
                and not (ignore_nan and _has_nan(a._value))):
            v = a._value  # kept fast: the general path's sum and division, on a real float array
            total = add_reduce(v, axes, keepdims)
            # strong, as the general path's count is
            return eager_array(total / v.dtype.type(v.size if axis is None else v.shape[axes[0]]), False)
        no_out(name, out)
        x, out_dt = _statistic_input(a, dtype)
        axes = normalize_axes(name, axis, x.ndim)
        mask = _mask(name, x, where, ignore_nan)
        r = _mean(x, axes, mask, _count(x, axes, mask))
        return keep_dims(convert(r, out_dt, r.weak), x.shape, axes, keepdims)
    f.__name__ = f.__qualname__ = name
    return f


def _correction(name: str, ddof, correction):
    if correction is None:
        return ddof
    if ddof != 0:
        raise op_error(ValueError, name, "ddof= and correction= were both given", "pass only one of them")
    return correction


def _has_nan(v: np.ndarray) -> bool:
    """Whether `v` has a NaN; where it has none, the nan- statistics' masks keep every element and
    their kernels compute what the plain ones do."""
    return bool(np.isnan(v).any())


def _eager_var(a: Array, axis, c, keepdims: bool, root: bool, ignore_nan: bool) -> Array | None:
    """The general path's variance (or its root) of an eager real float array over all axes or
    one, with the same kernels in the same order (for the nan- variants, of an array without NaN
    and with degrees of freedom left); None in every other case."""
    axes = _eager_axes(a, axis, _DIRECT_REAL)
    if axes is None or c.__class__ is not int and c.__class__ is not float:
        return None
    v = a._value
    if ignore_nan and _has_nan(v):
        return None
    dt = v.dtype.type
    whole = len(axes) == v.ndim  # then the mean is a NumPy scalar, which costs less than an array of one element
    count = dt(v.size if whole else v.shape[axes[0]])
    mean = add_reduce(v, axes, not whole) / count
    d = np.subtract(v, np.asarray(mean) if whole else mean)  # (NumPy broadcasts a 0-d array faster than a scalar)
    dof = count - dt(c) if c else count  # (count - 0 is count; a NumPy scalar costs more to make than to use)
    if not dof > 0:  # NaN where no degree of freedom is left: the general path's select
        return None
    r = add_reduce(np.square(d), axes, keepdims) / dof
    if root:  # as root_at_zero: a zero is kept, and sqrt keeps it too
        r = np.sqrt(r)
    y = Array.__new__(Array)  # strong, as the general path's count is
    y._value, y._weak = np.asarray(r), False
    return y


def _var_fn(name: str, ignore_nan: bool, root: bool):
    def f(a, axis=None, dtype=None, out=None, ddof=0, keepdims: bool = False, *, where=None, mean=None,
          correction=None) -> Array:
        if dtype is out is where is correction is mean is None:  # kept fast
            y = _eager_var(a, axis, ddof, keepdims, root, ignore_nan)
            if y is not None:
                return y
        no_out(name, out)
        c = _correction(name, ddof, correction)
        x, out_dt = _statistic_input(a, dtype)
        axes = normalize_axes(name, axis, x.ndim)
        r = _var(x, axes, _mask(name, x, where, ignore_nan), c, mean)
        if root:  # the derivative at a zero variance is 0, as the 2-norm's at 0
            r = root_at_zero(r, E.sqrt_p.bind)
        return keep_dims(convert(r, dtypes.real_dtype(out_dt), r.weak), x.shape, axes, keepdims)
    f.__name__ = f.__qualname__ = name
    return f


mean = _mean_fn("mean", False)
mean.__doc__ = """Arithmetic mean over `axis` (integers give the default float; 16-bit floats accumulate in float32).

    >>> import fluxion.numpy as fnp
    >>> fnp.mean(fnp.asarray([[1.0, 2.0], [3.0, 5.0]]), axis=1).tolist()
    [1.5, 4.0]
    """
nanmean = _mean_fn("nanmean", True)
nanmean.__doc__ = """Mean over `axis` ignoring NaNs (NaN where a slice holds only NaNs).

    >>> import fluxion.numpy as fnp
    >>> fnp.nanmean(fnp.asarray([1.0, fnp.nan, 3.0])).item()
    2.0
    """
var = _var_fn("var", False, False)
var.__doc__ = """Variance over `axis`, dividing by N - correction (`ddof=` is NumPy's name for it); NaN
    where N - correction is not positive (the array API standard; NumPy's var gives inf there).

    Complex input gives the real variance of the magnitudes of the deviations. `mean`, shaped
    as with keepdims=True, is used instead of computing the mean (NumPy 2).

    >>> import fluxion.numpy as fnp
    >>> fnp.var(fnp.asarray([1.0, 2.0, 3.0, 4.0]), correction=1).item()
    1.6666666269302368
    """
std = _var_fn("std", False, True)
std.__doc__ = """Standard deviation over `axis` (the square root of `var`).

    >>> import fluxion.numpy as fnp
    >>> fnp.std(fnp.asarray([1.0, 3.0])).item()
    1.0
    """
nanvar = _var_fn("nanvar", True, False)
nanvar.__doc__ = """`var` ignoring NaNs (NaN where fewer than correction + 1 values remain).

    >>> import fluxion.numpy as fnp
    >>> fnp.nanvar(fnp.asarray([1.0, fnp.nan, 3.0])).item()
    1.0
    """
nanstd = _var_fn("nanstd", True, True)
nanstd.__doc__ = """`std` ignoring NaNs.

    >>> import fluxion.numpy as fnp
    >>> fnp.nanstd(fnp.asarray([1.0, fnp.nan, 3.0])).item()
    1.0
    """


def average(a, axis=None, weights=None, returned: bool = False, *, keepdims: bool = False):
    """Weighted mean over `axis`; with `returned`, also the sum of the weights.

    `weights` has the shape of `a`, or the shape of the reduced axes of `a` (in `axis` order).

    >>> import fluxion.numpy as fnp
    >>> fnp.average(fnp.asarray([1.0, 2.0, 4.0]), weights=fnp.asarray([1.0, 1.0, 2.0])).item()
    2.75
    """
    if weights is None and not returned and not keepdims and _eager_axes(a, axis, _DIRECT_REAL) is not None:
        return mean(a, axis)  # kept fast: mean's own
    if weights is None:
        x = as_array(a)
        axes = normalize_axes("average", axis, x.ndim)
        avg = mean(x, axes, keepdims=keepdims)
        scale = const(float(np.prod([x.shape[i] for i in axes])), avg.dtype)  # of booleans too, not True
    else:
        (x, w), dt = promote_inexact_wide("average", a, weights)  # lists of Python floats convert exactly
        axes = normalize_axes("average", axis, x.ndim)
        w = weights_like("average", x, w, axis, axes)
        scale = R.reduce_sum(w, axes)
        if not isinstance(scale, Tracer) and np.any(np.asarray(scale._concrete("average")) == 0):
            raise op_error(ZeroDivisionError, "average", "the weights sum to zero, so they cannot be normalized",
                           "pass weights with a nonzero sum along each reduced axis")
        avg = convert(E.div_p.bind(R.reduce_sum(E.mul_p.bind(x, w), axes), scale), dt)
        avg = keep_dims(avg, x.shape, axes, keepdims)
        scale = keep_dims(scale, x.shape, axes, keepdims)
    if not returned:
        return avg
    return avg, S.broadcast_to(convert(scale, avg.dtype), avg.shape)


# cumulative reductions ------------------------------------------------------------------------
def _cumulative_api(name: str, accumulate, identity: int):
    def f(x, /, *, axis=None, dtype=None, out=None, include_initial: bool = False) -> Array:
        if out is not None:
            no_out(name, out)
        x, dt = _accumulation_input(x, dtype)
        if x.ndim == 0:
            raise op_error(ShapeError, name, "needs an array of at least 1 dimension, got a 0-d array",
                           "add an axis first, e.g. x[None]")
        if axis is None:
            if x.ndim > 1:
                raise op_error(ShapeError, name, f"axis is required for an array of {x.ndim} dimensions",
                               "pass axis=, the axis to accumulate along")
            axis = 0
        ax = one_axis(name, axis, x.ndim)
        r = accumulate(x, ax)
        if include_initial:
            r = S.pad(r, identity, tuple((1, 0, 0) if i == ax else (0, 0, 0) for i in range(x.ndim)))
        return _as_requested(r, dt)
    f.__name__ = f.__qualname__ = name
    return f


cumulative_sum = _cumulative_api("cumulative_sum", R.cumsum, 0)
cumulative_sum.__doc__ = """Running sum along `axis` (array API); `include_initial` prepends the 0.

    >>> import fluxion.numpy as fnp
    >>> fnp.cumulative_sum(fnp.asarray([1, 2, 3]), include_initial=True).tolist()
    [0, 1, 3, 6]
    """
cumulative_prod = _cumulative_api("cumulative_prod", R.cumprod, 1)
cumulative_prod.__doc__ = """Running product along `axis` (array API); `include_initial` prepends the 1.

    >>> import fluxion.numpy as fnp
    >>> fnp.cumulative_prod(fnp.asarray([1, 2, 3])).tolist()
    [1, 2, 6]
    """


def _cumulative_numpy(name: str, accumulate, prim, nan_value=None):
    kernel = numpy_kernel[prim]

    def f(a, axis=None, dtype=None, out=None) -> Array:
        if nan_value is None and dtype is out is None and (axes := _eager_axes(a, axis)) is not None:  # kept fast: the kernel on an eager
            v = a._value  # array of a wide dtype (flattened for axis=None)
            y = Array.__new__(Array)
            y._value = kernel(v.reshape(-1) if axis is None else v, axis=0 if axis is None else axes[0], reverse=False)
            y._weak = a._weak
            return y
        no_out(name, out)
        x, dt = _accumulation_input(a if nan_value is None else _without_nans(a, nan_value), dtype)
        if axis is None:
            x, axis = flatten(x), 0
        return _as_requested(accumulate(x, one_axis(name, axis, x.ndim)), dt)
    f.__name__ = f.__qualname__ = name
    return f


cumsum = _cumulative_numpy("cumsum", R.cumsum, R.cumsum_p)
cumsum.__doc__ = """Running sum along `axis` (NumPy; axis=None runs over the flattened array).

    >>> import fluxion.numpy as fnp
    >>> fnp.cumsum(fnp.asarray([[1, 2], [3, 4]])).tolist()
    [1, 3, 6, 10]
    """
cumprod = _cumulative_numpy("cumprod", R.cumprod, R.cumprod_p)
cumprod.__doc__ = """Running product along `axis` (NumPy; axis=None runs over the flattened array).

    >>> import fluxion.numpy as fnp
    >>> fnp.cumprod(fnp.asarray([[1, 2], [3, 4]]), axis=1).tolist()
    [[1, 2], [3, 12]]
    """
nancumsum = _cumulative_numpy("nancumsum", R.cumsum, R.cumsum_p, 0)
nancumsum.__doc__ = """`cumsum` treating NaNs as 0.

    >>> import fluxion.numpy as fnp
    >>> fnp.nancumsum(fnp.asarray([1.0, fnp.nan, 2.0])).tolist()
    [1.0, 1.0, 3.0]
    """
nancumprod = _cumulative_numpy("nancumprod", R.cumprod, R.cumprod_p, 1)
nancumprod.__doc__ = """`cumprod` treating NaNs as 1.

    >>> import fluxion.numpy as fnp
    >>> fnp.nancumprod(fnp.asarray([2.0, fnp.nan, 3.0])).tolist()
    [2.0, 2.0, 6.0]
    """


# argmax and argmin ----------------------------------------------------------------------------
def _arg_extremum(name: str, arg_reduce, prim, reduce=None, identity=None):
    """argmax/argmin; with `reduce`, the NaN-ignoring form (-1 where a slice holds only NaNs)."""
    kernel = numpy_kernel[prim]
    def f(a, axis=None, out=None, *, keepdims: bool = False) -> Array:
        if (reduce is None and out is None and not keepdims
                and (axes := _eager_axes(a, axis, _EXTREMA)) is not None and a._value.size):  # kept fast:
            v = a._value  # the kernel on a non-empty eager array (flattened for axis=None)
            r = kernel(v.reshape(-1) if axis is None else v, axis=0 if axis is None else axes[0],
                       index_dtype=dtypes.int64)
            y = Array.__new__(Array)
            y._value, y._weak = np.asarray(r), False
            return y
        no_out(name, out)
        x = as_array(a)
        check_real(name, x)
        y, ax = (flatten(x), 0) if axis is None else (x, one_axis(name, axis, x.ndim))
        if reduce is None or y.dtype not in dtypes.REAL_FLOATING:
            r = arg_reduce(y, ax, dtypes.int64)
        else:
            valid = E.not_p.bind(isnan(y))
            best = S.reshape(reduce(select(valid, y, Array(identity(y.dtype))), (ax,)), kept_shape(y.shape, (ax,)))
            # the first index holding the extremum (NaN never equals it)
            r = R.argmax(E.eq_p.bind(y, best), ax, dtypes.int64)
            r = select(R.reduce_or(valid, (ax,)), r, const(-1, dtypes.int64))
        if not keepdims:
            return r
        return S.reshape(r, (1,) * x.ndim if axis is None else kept_shape(x.shape, (ax,)))
    f.__name__ = f.__qualname__ = name
    return f


argmax = _arg_extremum("argmax", R.argmax, R.argmax_p)
argmax.__doc__ = """Index of the largest element along `axis` (of the flattened array when None).

    The first NaN counts as the largest; ties give the first index.

    >>> import fluxion.numpy as fnp
    >>> fnp.argmax(fnp.asarray([[1, 5], [7, 2]]), axis=1).tolist()
    [1, 0]
    """
argmin = _arg_extremum("argmin", R.argmin, R.argmin_p)
argmin.__doc__ = """Index of the smallest element along `axis` (of the flattened array when None).

    >>> import fluxion.numpy as fnp
    >>> fnp.argmin(fnp.asarray([[1, 5], [7, 2]]), axis=0).tolist()
    [0, 1]
    """
nanargmax = _arg_extremum("nanargmax", R.argmax, R.argmax_p, R.reduce_max, R.lowest)
nanargmax.__doc__ = """`argmax` ignoring NaNs; -1 where a slice holds only NaNs (NumPy raises there).

    >>> import fluxion.numpy as fnp
    >>> fnp.nanargmax(fnp.asarray([fnp.nan, 2.0, 1.0])).item()
    1
    """
nanargmin = _arg_extremum("nanargmin", R.argmin, R.argmin_p, R.reduce_min, R.highest)
nanargmin.__doc__ = """`argmin` ignoring NaNs; -1 where a slice holds only NaNs (NumPy raises there).

    >>> import fluxion.numpy as fnp
    >>> fnp.nanargmin(fnp.asarray([fnp.nan, 2.0, 1.0])).item()
    2
    """


# logsumexp ------------------------------------------------------------------------------------
def eager_kept(out: np.ndarray, axes: tuple[int, ...], keepdims: bool) -> np.ndarray:
    """`out`, reduced over `axes` that are kept as size-1 axes, without those unless `keepdims`
    (the fast paths reduce with keepdims, as NumPy gives arrays then, not scalars)."""
    return out if keepdims else out.squeeze(axes)


def logsumexp(a, axis=None, keepdims: bool = False, b=None, return_sign: bool = False):
    """log(sum(b * exp(a))) over `axis`, computed without overflow (as scipy.special.logsumexp).

    With `return_sign`, returns (log|s|, sign(s)) so that negative weights `b` are allowed.

    >>> import fluxion.numpy as fnp
    >>> round(fnp.logsumexp(fnp.asarray([1000.0, 1000.0])).item(), 3)
    1000.693
    """
    if b is None and not return_sign and (axes := _eager_axes(a, axis, _DIRECT_REAL)) is not None:
        out = logsumexp_kernel(a._value, axes)  # kept fast: the general path's kernels below, in its order
        y = Array.__new__(Array)
        y._value, y._weak = eager_kept(out, axes, keepdims), False  # strong, as the shift's 0 is
        return y
    if b is None:
        (x,) = promote_inexact("logsumexp", as_array(a), complex_ok=False)
    else:
        x, b = promote_inexact("logsumexp", as_array(a), as_array(b), complex_ok=False)
        shape = broadcast_shapes("logsumexp", x.shape, b.shape)
        x, b = S.broadcast_to(x, shape), S.broadcast_to(b, shape)
    axes = normalize_axes("logsumexp", axis, x.ndim)
    top = S.reshape(R.reduce_max(x, axes), kept_shape(x.shape, axes))
    # shifting by an infinite maximum would give inf - inf; shift by 0 there instead
    top = select(E.is_finite_p.bind(top), top, const(0, x.dtype))
    terms = E.exp_p.bind(E.sub_p.bind(x, top))
    if b is not None:
        terms = E.mul_p.bind(terms, b)
    s = S.reshape(R.reduce_sum(terms, axes), top.shape)
    sign = E.sign_p.bind(s) if return_sign else None
    out = E.add_p.bind(E.log_p.bind(E.abs_p.bind(s) if return_sign else s), top)
    if not keepdims:
        reduced = tuple(d for i, d in enumerate(x.shape) if i not in axes)
        out, sign = S.reshape(out, reduced), sign if sign is None else S.reshape(sign, reduced)
    return (out, sign) if return_sign else out
