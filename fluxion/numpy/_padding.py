"""NumPy's pad: every mode, built on slices, reversals and concatenation along one axis at a
time (the widths must be concrete Python ints).
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from ..core import dtypes, tree
from ..core.array import Array, Tracer, distinct
from ..core.errors import op_error
from ..ops import shape as S
from ..ops._util import axis_index, broadcasts_to as _broadcasts_to
from ..transforms._convert import converted
from . import _elementwise, _indexing, _reductions
from ._convert import convert
from ._creation import arange
from ._eager_indexing import _takes
from ._functional import apply_along_axis
from ._manipulation import _arr, _eager, _view
from ._repeating import tile

__all__ = ["pad"]

_STAT_MODES = ("maximum", "mean", "median", "minimum")
_PAD_MODES = ("constant", "edge", "reflect", "symmetric", "wrap", "empty", "linear_ramp") + _STAT_MODES
_PAD_KEYWORDS = {"constant": {"constant_values"}, "reflect": {"reflect_type"}, "symmetric": {"reflect_type"},
                 "linear_ramp": {"end_values"}, **{m: {"stat_length"} for m in _STAT_MODES}}


def _pairs(op: str, what: str, value, ndim: int, integral: bool) -> np.ndarray:
    """`value` (a scalar, a pair, or one pair per axis) as an (ndim, 2) NumPy array; traced values
    that are not counts stay an (ndim, 2) Array, so that they keep their derivatives."""
    if isinstance(value, Tracer) and not integral:
        _check_pairs(op, what, value, value.shape, ndim)
        return S.broadcast_to(value, (ndim, 2))
    v = np.asarray(value._concrete(op) if isinstance(value, Array) else value)
    if integral and v.dtype.kind not in "iu":
        raise op_error(TypeError, op, f"{what} must be integers, got {value!r}", f"pass {what} as ints")
    _check_pairs(op, what, value, v.shape, ndim)
    return np.broadcast_to(v, (ndim, 2))


def _check_pairs(op: str, what: str, value, shape: tuple[int, ...], ndim: int) -> None:
    if not _broadcasts_to(shape, (ndim, 2)):
        raise op_error(ValueError, op, f"{what} {value!r} does not fit an array of {ndim} dimensions",
                       "pass a scalar, a (before, after) pair, or one pair per axis")


def _periodic(x: Array, axis: int, period: Array, before: int, after: int) -> Array:
    """Extend `x` along `axis` by reading `period` (whose first n entries are x) cyclically."""
    n, p = x.shape[axis], period.shape[axis]
    first = -(-before // p)  # periods needed before the start of x
    copies = first + -(-(n + after) // p)
    reps = [1] * x.ndim
    reps[axis] = copies
    start = first * p - before
    return S.slice_in_dim(tile(period, reps), start, start + before + n + after, axis=axis)


def _spread(piece: Array, axis: int, size: int) -> Array:
    """`piece` (of size 1 along `axis`) repeated `size` times along it."""
    return S.broadcast_to(piece, piece.shape[:axis] + (size,) + piece.shape[axis + 1:])


def _edge(x: Array, axis: int, index: int, size: int) -> Array:
    """Element `index` along `axis`, repeated `size` times."""
    return _spread(S.slice_in_dim(x, index, index + 1, axis=axis), axis, size)


def _axis_config(ndim: int, axis: int, before: int, after: int) -> list[tuple[int, int, int]]:
    """A padding_config that pads only `axis`."""
    config = [(0, 0, 0)] * ndim
    config[axis] = (before, after, 0)
    return config


def _extend(x: Array, axis: int, before: int, after: int, mode: str, odd: bool = False) -> Array:
    """`x` padded along one (non-empty) axis by a periodic mode or edge; `odd` reflects about
    the edge values (reflect_type='odd') instead of mirroring them."""
    n = x.shape[axis]
    if mode == "edge" or (mode == "reflect" and n == 1):
        return S.concatenate([_edge(x, axis, 0, before), x, _edge(x, axis, n - 1, after)], axis)
    if mode == "wrap":
        return _periodic(x, axis, x, before, after)
    # reflect: x then its inner elements backwards (period 2n - 2); symmetric: x backwards (2n)
    back = S.rev(x, (axis,)) if mode == "symmetric" else S.slice_in_dim(S.rev(x, (axis,)), 1, n - 1, axis=axis)
    if not odd:
        return _periodic(x, axis, S.concatenate([x, back], axis), before, after)
    if x.dtype == dtypes.bool_:
        # as NumPy: 2 * edge - mirrored in integers, then nonzero is True, at most one mirror image
        # a time, each mirroring the booleans padded so far
        step = n if mode == "symmetric" else n - 1
        while before or after:
            b, a = min(before, step), min(after, step)
            x = convert(_extend(convert(x, dtypes.int64), axis, b, a, mode, odd), dtypes.bool_)
            before, after = before - b, after - a
        return x
    first, last = S.slice_in_dim(x, 0, 1, axis=axis), S.slice_in_dim(x, n - 1, n, axis=axis)
    period = S.concatenate([x, 2 * last - back], axis)
    # the odd extension is periodic but for a rise of 2 * (last - first) per period
    p = period.shape[axis]
    turns = _elementwise.floor_divide(arange(-before, n + after), p)
    turns = convert(S.reshape(turns, (1,) * axis + turns.shape + (1,) * (x.ndim - axis - 1)), x.dtype)
    return _periodic(x, axis, period, before, after) + turns * (2 * (last - first))


def _statistic(x: Array, axis: int, start: int, stop: int, mode: str) -> Array:
    """The `mode` statistic of `x[start:stop]` along `axis`, that axis kept with size 1; as in
    NumPy, integer (and bool) means and medians are taken in float64, integers then rounded
    to the nearest (halves to even)."""
    chunk = S.slice_in_dim(x, start, stop, axis=axis)
    if mode in ("maximum", "minimum"):
        return (_reductions.max if mode == "maximum" else _reductions.min)(chunk, axis=axis, keepdims=True)
    if x.dtype not in dtypes.FLOATING:
        chunk = convert(chunk, dtypes.float64)
    stat = (_reductions.mean if mode == "mean" else _reductions.median)(chunk, axis=axis, keepdims=True)
    return convert(_elementwise.round(stat) if x.dtype in dtypes.INTEGER else stat, x.dtype)


def _by_statistic(x: Array, axis: int, before: int, after: int, mode: str, lengths) -> Array:
    """`x` padded along `axis` with the statistic of its first / last `lengths` elements
    (None: all of them)."""
    n = x.shape[axis]
    first, last = (n if k is None else min(int(k), n) for k in lengths)
    left = _statistic(x, axis, 0, first, mode)
    right = left if first == last == n else _statistic(x, axis, n - last, n, mode)
    return S.concatenate([_spread(left, axis, before), x, _spread(right, axis, after)], axis)


def _ramp(x: Array, axis: int, edge: int, width: int, end) -> Array:
    """`width` values along `axis` going linearly from `end` towards `x`'s element `edge`,
    stopping one step short of it (NumPy's linspace with endpoint=False)."""
    if width == 0:
        return S.slice_in_dim(x, 0, 0, axis=axis)
    stop = S.slice_in_dim(x, edge, edge + 1, axis=axis)
    along = (1,) * axis + (width,) + (1,) * (x.ndim - axis - 1)
    if x.dtype in dtypes.INTEGER and not isinstance(end, complex) and float(end).is_integer():
        # NumPy rounds its float samples down; exact integers give the same values (bar float
        # roundings just below an integer) also under jit, where XLA divides less exactly
        start = convert(int(end), dtypes.int64)
        steps = S.reshape(arange(width, dtype=dtypes.int64), along)
        ramp = _elementwise.floor_divide(steps * (convert(stop, dtypes.int64) - start), width) + start
        return convert(ramp, x.dtype)
    wide = dtypes.complex128 if x.dtype in dtypes.COMPLEX else dtypes.float64  # NumPy ramps in double precision
    start = convert(end, wide)
    delta = convert(stop, wide) - start
    steps = S.reshape(arange(width, dtype=wide), along)
    step = delta / width
    # NumPy's linspace scales by delta after dividing when any step is 0; its roundings then differ
    ramp = _indexing.where(_reductions.any(step == 0), steps / width * delta, steps * step) + start
    if x.dtype in dtypes.INTEGER:
        ramp = _elementwise.floor(ramp)
    return convert(ramp, x.dtype)


def _linear_ramps(x: Array, axis: int, before: int, after: int, ends) -> Array:
    """`x` padded along `axis` with ramps from `ends` (before, after) to its edge elements."""
    n = x.shape[axis]
    first, last = (e if isinstance(e, Tracer) else e.item() for e in ends)
    right = S.rev(_ramp(x, axis, n - 1, after, last), (axis,))
    return S.concatenate([_ramp(x, axis, 0, before, first), x, right], axis)


def _by_axis(pad_width: dict, ndim: int) -> list:
    """NumPy's `pad_width` by axis, {axis: width or (before, after)}, as one pair per axis (0 for
    the axes not named)."""
    pairs = [(0, 0)] * ndim
    for axis, width in pad_width.items():
        pairs[axis_index("pad", axis, ndim)] = np.broadcast_to(width, (2,)).tolist()
    return pairs


def _widths(pad_width, ndim: int) -> np.ndarray:
    """`pad_width` as checked (before, after) pairs, one per axis."""
    widths = _pairs("pad", "pad_width", pad_width, ndim, integral=True)
    if np.any(widths < 0):
        raise op_error(ValueError, "pad", f"pad_width {pad_width!r} has negative entries",
                       "pass widths >= 0 (crop with slicing)")
    return widths


def _stat_lengths(stat_length, mode: str, ndim: int):
    """stat_length as (before, after) pairs per axis; None stands for the whole axis."""
    if stat_length is None:
        return [(None, None)] * ndim
    lengths = _pairs("pad", "stat_length", stat_length, ndim, integral=True)
    if np.any(lengths <= 0):
        raise op_error(ValueError, "pad", f"stat_length {stat_length!r} must be positive: a length of 0 or less "
                       f"leaves no values to take the {mode} of", "pass stat_length >= 1, or None for the whole axis")
    return lengths


def _constant_pad(x: Array, widths: np.ndarray, constant_values) -> Array:
    """`x` padded with `constant_values`. Values given as an array stay operands of the padding
    (never read as constants), so derivatives with respect to them, and jit, go through."""
    if not isinstance(constant_values, Array) and any(isinstance(v, Array) for v in tree.leaves(constant_values)):
        constant_values = convert(constant_values, x.dtype)  # (pairs of traced values, say)
    if isinstance(constant_values, Array):
        _check_pairs("pad", "constant_values", constant_values, constant_values.shape, x.ndim)
        if constant_values.ndim == 0:
            return S.pad(x, convert(constant_values, x.dtype, x.weak), [(int(b), int(a), 0) for b, a in widths])
        values = S.broadcast_to(convert(constant_values, x.dtype), (x.ndim, 2))
        pairs = [[S.reshape(S.slice(values, (axis, side), (axis + 1, side + 1)), ()) for side in (0, 1)]
                 for axis in range(x.ndim)]
    else:
        values = _pairs("pad", "constant_values", constant_values, x.ndim, integral=False)
        if np.all(values == values.flat[0]):
            return S.pad(x, convert(values.flat[0].item(), x.dtype, x.weak), [(int(b), int(a), 0) for b, a in widths])
        pairs = [[convert(v.item(), x.dtype) for v in row] for row in values]
    for axis, ((b, a), (vb, va)) in enumerate(zip(widths, pairs)):
        x = S.pad(x, vb, _axis_config(x.ndim, axis, int(b), 0))
        x = S.pad(x, va, _axis_config(x.ndim, axis, 0, int(a)))
    return x


def _pad_by_function(x: Array, widths: np.ndarray, function, kwargs: dict) -> Array:
    """`x` zero-padded, then `function(vector, (before, after), axis, kwargs)` on every 1-d slice
    along each axis in turn (batched with `fx.vmap`, as `apply_along_axis`); the slice becomes
    the `vector` the function updated in place, or the array it returned."""
    x = S.pad(x, convert(0, x.dtype), [(int(b), int(a), 0) for b, a in widths])
    if x.size == 0:
        return x
    for axis, (b, a) in enumerate(widths):
        x = apply_along_axis(_padded_vector, axis, x, function, (int(b), int(a)), axis, kwargs)
    return x


def _padded_vector(vector: Array, function, width: tuple[int, int], axis: int, kwargs: dict) -> Array:
    # converted: its item assignments (`vector[:2] = v`) update `vector` here too, also when traced
    out = converted(function)(vector, width, axis, kwargs)
    out = vector if out is None else _arr(out)
    if out.shape != vector.shape:
        raise op_error(ValueError, "pad", f"the mode function returned shape {out.shape} for a vector of shape "
                       f"{vector.shape} (axis {axis})",
                       "update the vector in place (vector[:k] = v) or return an array of its shape")
    return convert(out, vector.dtype)


_COPYING_MODES = ("edge", "reflect", "symmetric", "wrap")  # whose padding is copied elements of the array


def _eager_widths(w, ndim: int) -> tuple | None:
    """Python-int `pad_width` (w, (before, after) or one pair per axis) as one pair per axis; None
    for other forms and negative widths, which the general path reads."""
    if w.__class__ is int:
        pairs = ((w, w),) * ndim
    elif w.__class__ is tuple and len(w) == 2 and w[0].__class__ is int and w[1].__class__ is int:
        pairs = (w,) * ndim
    elif w.__class__ is tuple and len(w) == ndim and all(
            p.__class__ is tuple and len(p) == 2 and p[0].__class__ is int and p[1].__class__ is int for p in w):
        pairs = w
    else:
        return None
    return pairs if all(b >= 0 and a >= 0 for b, a in pairs) else None


def _eager_pad(x: Array, pad_width, mode: str, kwargs: dict) -> Array | None:
    """`x` (eager, of at least one axis) padded by NumPy, for mode constant with no value, 0 or a
    Python scalar that `x`'s dtype takes as it is, and the copying modes with no keywords (on a
    non-empty `x`); None in every other case, which goes the general way."""
    v = x._value
    if not v.ndim or (pairs := _eager_widths(pad_width, v.ndim)) is None:
        return None
    if mode == "constant" and set(kwargs) <= {"constant_values"}:
        c = kwargs.get("constant_values", 0)
        if not (c.__class__ is int and c == 0 or _takes(v.dtype, c)):
            return None
        out = np.full(tuple(b + d + a for (b, a), d in zip(pairs, v.shape)), c, v.dtype)
        out[tuple(slice(b, b + d) for (b, _), d in zip(pairs, v.shape))] = v
        return _view(x, out)
    if mode in _COPYING_MODES and not kwargs and v.size:
        return _view(x, np.pad(v, pairs, mode))
    return None


def pad(array, pad_width, mode: str | Callable = "constant", **kwargs) -> Array:
    """Pad an array, as NumPy's pad: modes constant, edge, reflect, symmetric, wrap, empty,
    linear_ramp, maximum, mean, median and minimum, or a function.

    `pad_width` is an int, a (before, after) pair, or one pair per axis; `reflect_type='odd'`
    (modes reflect and symmetric) reflects about the edge values, `2 * edge - mirrored`; `constant_values`
    (mode="constant"), `end_values` (mode="linear_ramp", default 0) and `stat_length` (the
    statistic modes: how many edge elements to summarize, None for the whole axis) take the
    same forms. Axes are padded in order, so corners take the later axis's value, and a
    later axis's statistics include the padding of the earlier ones. For integer arrays mean
    and median round halves to even, and linear_ramp rounds down, as NumPy does.

    A function `mode(vector, pad_width, iaxis, kwargs)` fills the padding, as in NumPy: the
    array is padded with zeros, then, axis by axis, the function sees every 1-d slice along
    `iaxis` (`pad_width` is that axis's `(before, after)`, `kwargs` the keywords given to pad).
    Fluxion arrays are values, so the slice is a fluxion array (write the function with
    fluxion.numpy, not NumPy); it becomes what the function wrote into it (`vector[:2] = v`)
    or, if the function returns an array, that array. The calls are batched with `fx.vmap`, so
    this works under jit, vmap and grad too.

    >>> import fluxion.numpy as fnp
    >>> fnp.pad(fnp.asarray([1, 2, 3]), (2, 1), mode="reflect").tolist()
    [3, 2, 1, 2, 3, 2]
    >>> fnp.pad(fnp.asarray([1.0, 2.0, 6.0]), 1, mode="mean", stat_length=2).tolist()
    [1.5, 1.0, 2.0, 6.0, 4.0]
    >>> fnp.pad(fnp.asarray([4, 4]), (2, 0), mode="linear_ramp", end_values=1).tolist()
    [1, 2, 4, 4]
    >>> def ends(vector, pad_width, iaxis, kwargs):
    ...     vector[:pad_width[0]] = kwargs.get("value", 9)
    >>> fnp.pad(fnp.asarray([1, 2]), (2, 1), ends, value=7).tolist()
    [7, 7, 1, 2, 0]
    """
    out = _pad(array, pad_width, mode, kwargs)
    return distinct(out) if out is array else out  # (a new array, as NumPy's, where nothing is padded)


def _pad(array, pad_width, mode, kwargs) -> Array:
    if isinstance(pad_width, dict):
        pad_width = _by_axis(pad_width, array.ndim if isinstance(array, Array) else np.ndim(array))
    if callable(mode):
        x = _arr(array)
        widths = _widths(pad_width, x.ndim)
        return _pad_by_function(x, widths, mode, kwargs) if x.ndim else x
    if _eager(array) and (out := _eager_pad(array, pad_width, mode, kwargs)) is not None:  # the common case, kept fast
        return out
    x = _arr(array)
    if mode not in _PAD_MODES:
        raise op_error(ValueError, "pad", f"mode {mode!r} is not supported",
                       f"use one of {', '.join(_PAD_MODES)}, or a function")
    allowed = _PAD_KEYWORDS.get(mode, set())
    if set(kwargs) - allowed:
        raise op_error(ValueError, "pad", f"unsupported keyword arguments for mode {mode!r}: "
                       f"{sorted(set(kwargs) - allowed)}", f"mode {mode!r} takes {sorted(allowed) or 'no keywords'}")
    if kwargs.get("reflect_type", "even") not in ("even", "odd"):
        raise op_error(ValueError, "pad", f"reflect_type={kwargs['reflect_type']!r} is not supported",
                       "use reflect_type='even' (the default) or 'odd'")
    widths = _widths(pad_width, x.ndim)
    if x.ndim == 0:
        return x
    if mode in ("constant", "empty"):
        return _constant_pad(x, widths, kwargs.get("constant_values", 0))
    for axis, (b, a) in enumerate(widths):
        if x.shape[axis] == 0 and (b or a):
            raise op_error(ValueError, "pad", f"cannot extend the empty axis {axis} with mode {mode!r}",
                           "use mode='constant' for empty axes")
    if x.size == 0:  # another axis is empty: the result is too, only its shape matters
        return S.pad(x, convert(0, x.dtype), [(int(b), int(a), 0) for b, a in widths])
    if mode == "linear_ramp":
        ends = _pairs("pad", "end_values", kwargs.get("end_values", 0), x.ndim, integral=False)
    elif mode in _STAT_MODES:
        lengths = _stat_lengths(kwargs.get("stat_length"), mode, x.ndim)
    for axis, (b, a) in enumerate(widths):
        if not (b or a):
            continue
        if mode == "linear_ramp":
            x = _linear_ramps(x, axis, int(b), int(a), ends[axis])
        elif mode in _STAT_MODES:
            x = _by_statistic(x, axis, int(b), int(a), mode, lengths[axis])
        else:
            x = _extend(x, axis, int(b), int(a), mode, kwargs.get("reflect_type") == "odd")
    return x
