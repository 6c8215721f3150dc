"""Statistics of samples in fluxion.scipy.stats (re-exported there): the standard error of the
mean, ranks with SciPy's ways of breaking ties, and the mode. Output shapes depend only on the
input's shape, so all three work under jit and vmap.

>>> import fluxion.numpy as fnp, fluxion.scipy.stats as stats
>>> stats.rankdata(fnp.asarray([10, 30, 20, 20])).tolist()
[1.0, 4.0, 2.5, 2.5]
"""
from __future__ import annotations

import math
from typing import NamedTuple

from .. import numpy as fnp
from ..core import dtypes
from ..core.array import Array
from ..core.errors import UnsupportedError, op_error
from ..numpy._convert import promote_inexact
from ..ops.reduce import normalize_axes

# the rank of each sorted entry from the first and last positions of its run of ties and the run's number
_RANKS = {"average": lambda first, last, run, dt: (first + last + 2).astype(dt) / 2,
          "min": lambda first, last, run, dt: first + 1,
          "max": lambda first, last, run, dt: last + 1,
          "dense": lambda first, last, run, dt: run + 1}


class ModeResult(NamedTuple):
    mode: Array
    count: Array


def _check_nan_policy(op: str, nan_policy: str) -> None:
    if nan_policy == "raise":
        raise op_error(UnsupportedError, op, "nan_policy='raise' would need the values before compiling",
                       "check fnp.isnan(a).any() before the call, or pass nan_policy='propagate' or 'omit'")
    if nan_policy not in ("propagate", "omit"):
        raise op_error(ValueError, op, f"nan_policy={nan_policy!r} is not one of 'propagate', 'omit', 'raise'",
                       "pass nan_policy='propagate' (NaN in, NaN out) or 'omit' (NaNs left out)")


def _runs(s: Array, nan_equal: bool) -> tuple[Array, Array, Array]:
    """For `s` sorted along its last axis: at each position, the first and last positions of its run
    of equal values, and the run's number from 0."""
    n = s.shape[-1]
    same = s[..., 1:] == s[..., :-1]
    if nan_equal:
        same = same | (fnp.isnan(s[..., 1:]) & fnp.isnan(s[..., :-1]))
    starts = fnp.concatenate([fnp.ones(s.shape[:-1] + (1,), dtype=bool), ~same], axis=-1)
    run = fnp.cumsum(starts, axis=-1) - 1
    # the positions where runs start, in order, then n: run r covers [begin[r], begin[r + 1])
    begin = fnp.sort(fnp.where(starts, fnp.arange(n), n), axis=-1)
    begin = fnp.concatenate([begin, fnp.full(s.shape[:-1] + (1,), n)], axis=-1)
    return fnp.take_along_axis(begin, run, axis=-1), fnp.take_along_axis(begin, run + 1, axis=-1) - 1, run


def sem(a, axis: int | tuple[int, ...] | None = 0, ddof: int = 1, nan_policy: str = "propagate", *,
        keepdims: bool = False) -> Array:
    """The standard error of the mean, std(a, ddof=ddof) / sqrt(n), along `axis` (all axes if None).

    Args:
        a: the samples.
        axis: the axis (or axes) along which to reduce; None flattens.
        ddof: the delta degrees of freedom of the standard deviation.
        nan_policy: 'propagate' (a NaN gives NaN) or 'omit' (NaNs are left out, n counts the rest).
        keepdims: keep the reduced axis with length 1.

    Returns:
        The standard errors, in the floating dtype of `a` (float32 for integers); NaN where fewer
        than two values are left, as SciPy's small-sample rule.

    >>> import fluxion.numpy as fnp, fluxion.scipy.stats as stats
    >>> round(stats.sem(fnp.asarray([1.0, 2.0, 3.0, 4.0])).item(), 4)
    0.6455
    """
    _check_nan_policy("sem", nan_policy)
    (a,) = promote_inexact("sem", a)
    if a.ndim == 0:  # (one sample, as SciPy takes it)
        a = a.reshape(1)
    if nan_policy == "omit":
        n = fnp.sum(~fnp.isnan(a), axis=axis, keepdims=keepdims).astype(a.dtype)
        out = fnp.nanstd(a, axis=axis, ddof=ddof, keepdims=keepdims) / fnp.sqrt(n)
        return fnp.where(n >= 2, out, math.nan)
    axes = normalize_axes("sem", axis, a.ndim)
    n = math.prod(a.shape[i] for i in axes)
    out = fnp.std(a, axis=axes, ddof=ddof, keepdims=keepdims)
    return out / math.sqrt(n) if n >= 2 else fnp.full_like(out, math.nan)


def rankdata(a, method: str = "average", *, axis: int | None = None, nan_policy: str = "propagate") -> Array:
    """Ranks of the data from 1, ties broken by `method`, along `axis` (of the flattened data if None).

    Args:
        a: the data.
        method: 'average' (ties share their mean rank), 'min', 'max', 'dense' (runs of ties ranked
            1, 2, 3, ... with no gaps) or 'ordinal' (ties in the order they come).
        axis: the axis along which to rank; None ranks the flattened data.
        nan_policy: 'propagate' (a NaN makes every rank of its slice NaN) or 'omit' (NaNs get rank
            NaN, the rest are ranked among themselves).

    Returns:
        The ranks, floats for 'average' and for floating data (float64 for float64 data, else
        float32), so that NaN can stand for a missing rank; int64 for other methods on integer data.

    >>> import fluxion.numpy as fnp, fluxion.scipy.stats as stats
    >>> stats.rankdata(fnp.asarray([3, 1, 3, 2]), "min").tolist()
    [3, 1, 3, 2]
    """
    if method not in _RANKS and method != "ordinal":
        raise op_error(ValueError, "rankdata", f"unknown method {method!r}",
                       "pass one of 'average', 'min', 'max', 'dense', 'ordinal'")
    _check_nan_policy("rankdata", nan_policy)
    a = fnp.asarray(a)
    if axis is None:
        a, axis = fnp.ravel(a), -1
    x = fnp.moveaxis(a, axis, -1)
    floating = x.dtype in dtypes.FLOATING
    dt = fnp.float64 if x.dtype == fnp.float64 else fnp.float32
    dt = dt if floating or method == "average" else fnp.int64
    if x.shape[-1] == 0:
        return fnp.moveaxis(x.astype(dt), -1, axis)
    order = fnp.argsort(x, axis=-1, stable=True)
    where_to = fnp.argsort(order, axis=-1)  # the sorted position of each entry
    if method == "ordinal":
        ranks = where_to + 1
    else:
        first, last, run = _runs(fnp.take_along_axis(x, order, axis=-1), nan_equal=False)
        ranks = fnp.take_along_axis(_RANKS[method](first, last, run, dt), where_to, axis=-1)
    ranks = ranks.astype(dt)
    if floating:
        missing = fnp.isnan(x)
        if nan_policy == "propagate":
            missing = fnp.any(missing, axis=-1, keepdims=True)
        ranks = fnp.where(missing, math.nan, ranks)
    return fnp.moveaxis(ranks, -1, axis)


def mode(a, axis: int | None = 0, nan_policy: str = "propagate", keepdims: bool = False) -> ModeResult:
    """The most common value along `axis` (of the flattened data if None) and how often it occurs;
    of several, the smallest. As SciPy, NaNs count as one value, which 'omit' leaves out.

    Args:
        a: the data.
        axis: the axis along which to look; None flattens.
        nan_policy: 'propagate' or 'omit'.
        keepdims: keep the reduced axis (all axes, if None) with length 1.

    Returns:
        ModeResult(mode, count): the values in the dtype of `a` and the counts as int64 (an empty
        axis gives NaN and 0).

    >>> import fluxion.numpy as fnp, fluxion.scipy.stats as stats
    >>> stats.mode(fnp.asarray([2, 4, 1, 1, 4, 4])).mode.item()
    4
    """
    _check_nan_policy("mode", nan_policy)
    a = fnp.asarray(a)
    x = fnp.ravel(a) if axis is None else fnp.moveaxis(fnp.atleast_1d(a), axis, -1)
    if x.shape[-1] == 0:
        nan_dtype = x.dtype if fnp.issubdtype(x.dtype, fnp.floating) else None
        values, counts = fnp.full(x.shape[:-1], math.nan, nan_dtype), fnp.zeros(x.shape[:-1], dtype=fnp.int64)
    else:
        s = fnp.sort(x, axis=-1)
        first, last, _ = _runs(s, nan_equal=True)
        counts = last - first + 1
        if nan_policy == "omit":
            counts = fnp.where(fnp.isnan(s), 0, counts)
        at = fnp.argmax(counts, axis=-1, keepdims=True)  # the first maximum: the smallest value (NaNs sort last)
        values, counts = fnp.take_along_axis(s, at, axis=-1)[..., 0], fnp.take_along_axis(counts, at, axis=-1)[..., 0]
    if keepdims:
        if axis is None:
            values, counts = fnp.reshape(values, (1,) * max(a.ndim, 1)), fnp.reshape(counts, (1,) * max(a.ndim, 1))
        else:
            values, counts = fnp.expand_dims(values, axis), fnp.expand_dims(counts, axis)
    return ModeResult(values, counts)
