"""Indexing: `x[idx]`, the functional updates `x.at[idx].set(v)` & co, and NumPy's selection
functions (take, take_along_axis, put_along_axis, where, nonzero...; choose, select and ix_ are in
_choosing.py).

Basic indices (integers, slices, None, ...) become one `slice`, one `rev` and one `reshape`;
only advanced indices (integer arrays, masks) go through `gather`. Updates of windows
with unit steps become `dynamic_update_slice`; the others become a `scatter`. Functions
whose result's shape depends on the data (boolean masks, nonzero...) need concrete values.
Eager reads and `.set` writes with a basic index seen before, and eager reads with one integer
array, skip all that and let NumPy apply the index to the value (_eager_indexing.py).
"""
from __future__ import annotations

import math
import operator

import numpy as np

from ..backends.numpy._util import MAX_NUMPY_DIMS, around_axis
from ..core import dtypes
from ..core.array import HOST, Array, Tracer, distinct, to_array
from ..core.device import placement
from ..core.errors import AxisError, ConcretizationError, DTypeError, IndexOutOfBoundsError, ShapeError, op_error
from ..core.interpreters import EAGER, _ctx
from ..ops import elementwise as E
from ..ops import indexing as I
from ..ops import reduce as R
from ..ops import shape as S
from ..ops._util import axis_index, broadcast_shapes, broadcasts_to
from ._convert import convert, dtype_of, promote, warn_if_discarding_imaginary
from ._elementwise_base import eager_array, no_out
from ._eager_indexing import eager_getitem, eager_set, eager_where
from ._index_plan import ADVANCED, Plan, plan
from ._placement import place as _place

__all__ = ["argwhere", "compress", "extract", "flatnonzero", "nonzero", "place", "put", "put_along_axis", "take",
           "take_along_axis", "where"]

_GET_FIX = "use an index in [{lo}, {hi}], or read with x.at[idx].get(mode='fill') or mode='clip'"
_SET_FIX = "use an index in [{lo}, {hi}], or pass mode='drop' (skip it) or mode='clip' to x.at[idx].set/add/..."
_GET_MODES = {None: None, "promise_in_bounds": "promise_in_bounds", "clip": "clip", "fill": "fill", "drop": "fill"}


def _mode(op: str, mode, modes: dict):
    try:
        return modes[mode]
    except (KeyError, TypeError):
        raise op_error(ValueError, op, f"mode {mode!r} is not one of {tuple(m for m in modes if m)}",
                       "pass mode='clip', 'fill' / 'drop' or 'promise_in_bounds'") from None


# reading --------------------------------------------------------------------------------------
def getitem(x: Array, idx, mode: str | None = None, fill_value=None) -> Array:
    """`x[idx]` with NumPy's rules; also `x.at[idx].get(mode=..., fill_value=...)`.

    Out-of-bounds integers raise IndexError unless `mode` is "clip" (clamp), "fill" (read
    `fill_value`, NaN by default for floats) or "promise_in_bounds" (not checked; clamped).
    Traced index arrays (under jit or vmap) cannot be checked: with no mode they are clamped,
    as with "clip"; pass mode="fill" to read a fill value instead.

    >>> import fluxion.numpy as fnp
    >>> x = fnp.arange(6).reshape(2, 3)
    >>> x[1, ::-1].tolist(), x[:, [0, 0]].tolist()
    ([5, 4, 3], [[0, 0], [3, 3]])
    >>> fnp.arange(3.0).at[fnp.asarray([0, 5])].get(mode="fill", fill_value=-1.0).tolist()
    [0.0, -1.0]
    """
    if mode is None and x.__class__ is Array and _ctx.interp is EAGER:  # the common case, kept fast
        out = eager_getitem(x, idx)
        if out is not None:
            return out
    mode = _mode("indexing", mode, _GET_MODES)
    x = _on_index_device(x, idx)
    p = plan(x.shape, idx, "indexing", mode is not None, _GET_FIX)
    lo, hi, stride, flip = p.slice_args()
    y = S.slice(x, lo, hi, stride)
    if flip:
        y = S.rev(y, flip)
    if p.advanced:
        y = _gather(y, p, mode, fill_value)
    return S.reshape(y, p.out_shape)


def _on_index_device(x: Array, idx, op: str = "indexing") -> Array:
    """`x` on the device of its operation, which an index array on an XLA device takes part in
    (core/device.py: there, or an error for another XLA device); the index becomes a NumPy one below."""
    placed = [i for i in (idx if idx.__class__ is tuple else (idx,))
              if isinstance(i, Array) and i.__class__ not in HOST and not isinstance(i, Tracer)]
    if not placed or isinstance(x, Tracer):
        return x
    device = placement(op, [x, *placed])
    return x if x.device is device else device.put(x)


def _gather(y: Array, p: Plan, mode, fill_value) -> Array:
    """The advanced part of an index, on `y` (already sliced): one gather."""
    axes = p.adv_axes
    offset_dims, pos = [], 0
    for item in p.layout:
        if item != ADVANCED:
            offset_dims.append(pos)
        pos += len(p.adv_shape) if item == ADVANCED else 1
    out_shape = tuple(n for item in p.layout
                      for n in (p.adv_shape if item == ADVANCED else (y.shape[item],)))
    if any(y.shape[d] == 0 for d in axes):  # nothing to read from: every index is out of bounds
        value = (I.default_fill_value(y.dtype) if fill_value is None else fill_value) if mode == "fill" else 0
        return S.full(out_shape, value, y.dtype)
    nb = len(p.adv_shape)
    parts = [(_normalized(i, y.shape[d]), tuple(range(nb - np.ndim(i), nb))) for d, i in zip(axes, p.adv_indices)]
    dn = I.GatherDimensionNumbers(offset_dims=tuple(offset_dims), collapsed_slice_dims=tuple(axes),
                                  start_index_map=tuple(axes))
    sizes = tuple(1 if d in axes else n for d, n in enumerate(y.shape))
    return I.gather(y, _index_array(parts, p.adv_shape), dn, sizes, mode=mode or "promise_in_bounds",
                    fill_value=fill_value)


def _normalized(i, n: int):
    """A traced index array with negative entries counted from the end (concrete ones were
    normalised by the plan): in its own signed dtype where `n` fits in it (as jax keeps int32
    indices, which XLA gathers and scatters faster than int64 ones), else as int64."""
    if isinstance(i, np.ndarray):
        return i
    if i.dtype not in dtypes.SIGNED:
        return convert(i, dtypes.int64)
    if n > np.iinfo(i.dtype).max:  # (then i + n could overflow; for n that fits, it cannot)
        i = convert(i, dtypes.int64)
    zero, size = Array(i.dtype.type(0)), Array(i.dtype.type(n))
    return E.select_n_p.bind(E.lt_p.bind(i, zero), i, E.add_p.bind(i, size))


def _index_array(parts: list, batch_shape: tuple) -> Array:
    """Stack index components into an `indices` array of shape batch_shape + (len(parts),).

    Each part is `(values, dims)`: values (NumPy, or a traced Array) whose axes are the
    batch axes `dims`, broadcast over the others.
    """
    batch_shape = tuple(batch_shape)
    if len(parts) == 1 and _is_batch(*parts[0], batch_shape):  # one index array as it is: a view, not a copy
        return Array(parts[0][0][..., None])
    if all(isinstance(v, np.ndarray) for v, _ in parts):
        out = np.empty(batch_shape + (len(parts),), np.int64)
        for k, (v, dims) in enumerate(parts):
            out[..., k] = np.reshape(v, [v.shape[dims.index(a)] if a in dims else 1 for a in range(len(batch_shape))])
        return Array(out)
    shape, dt = batch_shape + (1,), np.result_type(*(v.dtype for v, _ in parts))  # (int64 unless all are narrower)
    return S.concatenate([S.broadcast_in_dim(convert(v if isinstance(v, Array) else Array(v), dt), shape, dims)
                          for v, dims in parts], len(batch_shape))


def _is_batch(v, dims: tuple, batch_shape: tuple) -> bool:
    """Whether index component `v` is a NumPy int64 array laid out as the whole batch."""
    return v.__class__ is np.ndarray and v.dtype == np.int64 and v.shape == batch_shape and dims == tuple(
        range(len(batch_shape)))


# writing --------------------------------------------------------------------------------------
_SET_MODES = {None: None, "promise_in_bounds": "promise_in_bounds", "clip": "clip", "drop": "fill", "fill": "fill"}
_COMBINE = {"add": E.add_p, "mul": E.mul_p, "min": E.min_p, "max": E.max_p}
_BOOL_COMBINE = {"add": E.or_p, "mul": E.and_p, "min": E.and_p, "max": E.or_p}


def apply_counted(op: str, x: Array, times: Array, func, get, put) -> Array:
    """`x` with the elementwise `func` applied to the elements `get(x)` reads as often as `times`
    (of their shape) says, written back by `put(x, values)`: round k applies it where the count
    is above k. (A scatter applying `func` once per occurrence of an index, as jax's does.)"""
    def once(k, y):
        old = get(y)
        new = to_array(func(old))
        if new.dtype != old.dtype:
            if not new.weak:
                raise op_error(DTypeError, op, f"func turned {old.dtype} elements into {new.dtype}",
                               f"give func a result of the array's dtype, or apply it to the array's "
                               f".astype({new.dtype})")
            new = convert(new, old.dtype, old.weak)
        return put(y, E.select_n_p.bind(times > k, old, new))
    from ..control import fori_loop  # the control package imports this one
    return fori_loop(0, R.reduce_max(times, tuple(range(times.ndim))), once, x)


def update(x: Array, idx, values, op: str, mode: str | None = None, name: str | None = None) -> Array:
    """`x` with `x[idx]` set to (or combined by `op` with) `values`: `x.at[idx].set(v)` & co.

    `op` is "set", "add", "mul", "min" or "max"; `values` broadcast to the shape of `x[idx]`
    and are cast to `x`'s dtype. Repeated indices all apply for add/mul/min/max. Out-of-bounds
    integers raise IndexError unless `mode` is "drop" (skip them), "clip" or
    "promise_in_bounds". Other ops than "set" combine in the dtype `x` and `values` promote to, then
    convert back (jax's). Traced index arrays (under jit or vmap) cannot be checked: with no
    mode their out-of-bounds entries are skipped, as with "drop".

    >>> import fluxion.numpy as fnp
    >>> x = fnp.zeros(4, dtype=int)
    >>> x.at[1:3].set(7).tolist(), x.at[fnp.asarray([0, 0, 3])].add(1).tolist()
    ([0, 7, 7, 0], [2, 0, 0, 1])
    """
    if (op == "set" or op == "add") and mode is None and x.__class__ is Array and _ctx.interp is EAGER:  # kept fast
        out = eager_set(x, idx, values, _SET_FIX, op)  # (values it takes keep x's dtype)
        if out is not None:
            return out
    if op != "set" and (wide := dtypes.result_type((x.dtype, x.weak), dtype_of(values)))[0] != x.dtype:
        # combined in the promoted dtype, then converted back (jax's): int8 [3].at[0].mul(2.5) is 7
        return convert(update(convert(x, *wide), idx, values, op, mode, name), x.dtype, x.weak)
    name = name or f"x.at[...].{op}"  # (what its errors name)
    if op not in I.SCATTERS:
        raise op_error(ValueError, "update", f"op {op!r} is not one of {tuple(I.SCATTERS)}", "pass 'set' or 'add'")
    mode = _mode(name, mode, _SET_MODES)
    x = _on_index_device(x, idx, name)
    p = plan(x.shape, idx, name, mode is not None, _SET_FIX)
    v = _values(name, x, values, p.out_shape)
    if x.size == 0 or 0 in p.out_shape:
        return distinct(x)
    if not p.advanced and p.unit_steps:
        return _update_window(x, p, v, op)
    return _scatter(x, p, v, op, mode)


def _values(op: str, x: Array, values, shape: tuple) -> Array:
    """`values` cast to `x`'s dtype, checked to broadcast to `shape` (extra leading size-1 axes
    allowed, and dropped)."""
    warn_if_discarding_imaginary(op, dtype_of(values)[0], x.dtype, 4)
    v = convert(values, x.dtype, x.weak)
    lead = v.ndim - len(shape)
    if lead > 0 and all(n == 1 for n in v.shape[:lead]):
        v = S.reshape(v, v.shape[lead:])
    if not broadcasts_to(v.shape, shape):
        raise op_error(ShapeError, op, f"values of shape {v.shape} cannot be broadcast to the indexed shape {shape}",
                       "give values that shape, or one that broadcasts to it (size-1 or missing leading axes)")
    return v


def _laid_out(v: Array, p: Plan, shape: tuple) -> Array:
    """Values broadcast to the indexed shape, then arranged as `shape` (the same elements,
    with size-1 axes added or removed)."""
    if v.ndim == 0:
        return S.broadcast_to(v, shape)
    return S.reshape(S.broadcast_to(v, p.out_shape), shape)


def _combine(op: str, old: Array, new: Array) -> Array:
    return (_BOOL_COMBINE if old.dtype == dtypes.bool_ else _COMBINE)[op].bind(old, new)


def _update_window(x: Array, p: Plan, v: Array, op: str) -> Array:
    """Basic indices with unit steps touch one window: dynamic_update_slice writes it."""
    v = _laid_out(v, p, tuple(p.counts))
    if op != "set":
        v = _combine(op, S.slice(x, p.starts, [a + c for a, c in zip(p.starts, p.counts)]), v)
    if v.shape == x.shape:
        return v
    return I.dynamic_update_slice(x, v, [Array(np.int64(a)) for a in p.starts])


def _scatter(x: Array, p: Plan, v: Array, op: str, mode) -> Array:
    """The general update: one scatter whose windows are the unit-step slices of the index."""
    batch_shape, window_dims, parts, pos = [], [], {}, 0
    for item in p.layout:
        if item == ADVANCED:
            nb = len(p.adv_shape)
            at = len(batch_shape)
            for d, i in zip(p.adv_axes, p.adv_indices):
                parts[d] = (_normalized(i, x.shape[d]), tuple(range(at + nb - np.ndim(i), at + nb)))
            batch_shape += p.adv_shape
            pos += nb
            continue
        start, count, step = p.starts[item], p.counts[item], p.steps[item]
        if step == 1:
            window_dims.append(pos)
            if count != x.shape[item]:
                parts[item] = (np.asarray(start, np.int64), ())
        else:  # a strided slice scatters to the positions it lists
            parts[item] = (start + step * np.arange(count, dtype=np.int64), (len(batch_shape),))
            batch_shape.append(count)
        pos += 1
    for d in p.int_axes:
        parts[d] = (np.asarray(p.starts[d], np.int64), ())
    windows = [d for d in p.layout if d != ADVANCED and p.steps[d] == 1]
    dn = I.ScatterDimensionNumbers(update_window_dims=tuple(window_dims),
                                   inserted_window_dims=tuple(d for d in range(x.ndim) if d not in windows),
                                   scatter_dims_to_operand_dims=tuple(sorted(parts)))
    v = _laid_out(v, p, tuple(n for item in p.layout
                              for n in (p.adv_shape if item == ADVANCED else (p.counts[item],))))
    indices = _index_array([parts[d] for d in sorted(parts)], tuple(batch_shape))
    return I.SCATTERS[op].bind(x, indices, v, dimension_numbers=dn, mode=mode or "fill")


# selection functions -------------------------------------------------------------------------
_TAKE_MODES = {None: None, "raise": None, "wrap": "wrap", "clip": "clip", "fill": "fill", "drop": "fill",
               "promise_in_bounds": "promise_in_bounds"}


def _ravel(x: Array) -> Array:
    return S.reshape(x, (x.size,))


def _index_operand(op: str, indices):
    """Integer indices as an Array, or NumPy data when concrete (so bounds can be checked)."""
    i = indices if isinstance(indices, Tracer) else np.asarray(indices)
    if i.size == 0 and i.dtype.kind == "f":  # [] has no dtype of its own
        i = i.astype(np.int64)
    if i.dtype not in dtypes.INTEGER:
        raise op_error(TypeError if i.dtype == np.bool_ else IndexError, op,
                       f"indices must be integers, got dtype {i.dtype}",
                       "convert with .astype(int); for a boolean selection use fnp.compress or x[mask]")
    return i


def _wrapped(i, n: int):
    """Indices taken modulo `n` (NumPy's mode='wrap')."""
    if isinstance(i, np.ndarray):
        return np.mod(i, n)
    i, size = convert(i, dtypes.int64), convert(n, dtypes.int64)
    r = E.rem_p.bind(i, size)  # has the sign of i: shift negative remainders up
    return E.select_n_p.bind(E.lt_p.bind(r, convert(0, dtypes.int64)), r, E.add_p.bind(r, size))


def _clipped(i, n: int):
    """Indices clipped to [0, n - 1] (NumPy's mode='clip': negative ones become 0)."""
    if isinstance(i, np.ndarray):
        return np.clip(i, 0, n - 1)
    i = convert(i, dtypes.int64)
    return E.min_p.bind(E.max_p.bind(i, convert(0, dtypes.int64)), convert(n - 1, dtypes.int64))


_NP_TAKE_MODES = {None: "raise", "raise": "raise", "wrap": "wrap", "clip": "clip"}


def _eager_indices(a, indices) -> np.ndarray | None:
    """The value of `indices`, an eager Array of an integer dtype (or a list of Python ints), where
    `a` is an eager Array to take from; None otherwise."""
    if a.__class__ is not Array or _ctx.interp is not EAGER:
        return None
    if indices.__class__ is Array:
        i = indices._value
    elif indices.__class__ is list and indices and all(k.__class__ is int for k in indices):
        try:
            i = np.asarray(indices)
        except OverflowError:  # too large for int64: the general path says so
            return None
    else:
        return None
    return i if i.dtype in _INTEGER else None


_INTEGER = frozenset(dtypes.INTEGER)


def take(a, indices, axis: int | None = None, out=None, mode: str | None = None, fill_value=None, *,
         unique_indices: bool = False, indices_are_sorted: bool = False) -> Array:
    """Elements of `a` at `indices` along `axis` (of the flattened array when `axis` is None).

    `mode`: None / "raise" (out-of-bounds raises; negative indices count from the end),
    "wrap", "clip" (as NumPy: negative indices clip to 0), or "fill" (read `fill_value`, NaN
    by default for floats). Traced indices (under jit or vmap) cannot be checked: with None /
    "raise", out-of-bounds ones read the fill value, as in jax.
    jax's hints `unique_indices` and `indices_are_sorted` are accepted; they do not change the
    result. `out` is None only: arrays are values.

    >>> import fluxion.numpy as fnp
    >>> fnp.take(fnp.asarray([[1, 2], [3, 4]]), fnp.asarray([1, 1]), axis=1).tolist()
    [[2, 2], [4, 4]]
    >>> fnp.take(fnp.arange(3), [-1, 4], mode="wrap").tolist()
    [2, 1]
    """
    if out is not None:
        no_out("take", out)
    if (fill_value is None and (mode is None or mode.__class__ is str) and (np_mode := _NP_TAKE_MODES.get(mode))
            and (i := _eager_indices(a, indices)) is not None
            and (axis is None or axis.__class__ is int and -a._value.ndim <= axis < a._value.ndim)
            and (np_mode == "raise" or a._value.size and (axis is None or a._value.shape[axis]))):  # the common case,
        try:  # kept fast: NumPy's take has the same modes (raise: out of bounds is the general path's error)
            return eager_array(np.take(a._value, i, axis, None, np_mode), a._weak)
        except (IndexError, TypeError):  # (NumPy casts no uint64 indices)
            pass
    a = _on_index_device(to_array(a), indices, "take")
    mode = _mode("take", mode, _TAKE_MODES)
    if axis is None:
        a, axis = _ravel(a), 0
    axis = axis_index("take", axis, a.ndim)
    i = _index_operand("take", indices)
    if mode is None and isinstance(i, Tracer):  # (unchecked: read the fill value, as jax, rather than clamp)
        mode = "fill"
    if mode in ("wrap", "clip"):
        if a.shape[axis] == 0:
            raise op_error(IndexOutOfBoundsError, "take", f"cannot take with mode={mode!r} from an empty axis",
                           "take from a non-empty axis")
        i, mode = (_wrapped if mode == "wrap" else _clipped)(i, a.shape[axis]), None
    return getitem(a, (slice(None),) * axis + (i,), mode=mode, fill_value=fill_value)


def _along_axis(op: str, arr: Array, indices, axis: int) -> tuple:
    """The index tuple that picks `indices` along `axis` and broadcasts the other axes."""
    i = _index_operand(op, indices)
    if np.ndim(i) != arr.ndim:
        raise op_error(ShapeError, op, f"indices have {np.ndim(i)} dimensions, the array {arr.ndim}",
                       "give indices as many axes as the array (size-1 axes broadcast)")
    if arr.ndim == 0:  # (axis_index takes axis 0 of a 0-d array, as NumPy's reductions do)
        raise op_error(AxisError, op, f"axis {axis} is out of range for a 0-d array", "reshape it to 1-d")
    axis = axis_index(op, axis, arr.ndim)
    return tuple(i if d == axis else np.arange(n).reshape([n if k == d else 1 for k in range(arr.ndim)])
                 for d, n in enumerate(arr.shape))


def take_along_axis(arr, indices, axis: int | None = -1, mode: str | None = None, fill_value=None, *,
                    wrap_negative_indices: bool | None = None) -> Array:
    """`arr` at `indices` along `axis`, matching the other axes (as NumPy's take_along_axis).

    Negative indices count from the end, unless `wrap_negative_indices=False` (jax's): then
    they are out of bounds, as any other, for `mode` to handle (as in `take`).

    >>> import fluxion.numpy as fnp
    >>> x = fnp.asarray([[10, 30, 20], [60, 40, 50]])
    >>> fnp.take_along_axis(x, fnp.argsort(x, axis=1), axis=1).tolist()
    [[10, 20, 30], [40, 50, 60]]
    """
    if mode is fill_value is None and wrap_negative_indices is not False and (i := _eager_indices(arr, indices)) \
            is not None and (
            axis is None and i.ndim == 1
            or axis.__class__ is int and i.ndim == arr._value.ndim and -i.ndim <= axis < i.ndim):
        try:  # kept fast: NumPy's take_along_axis is the same index (out of bounds: the general path's error)
            return eager_array(np.take_along_axis(arr._value, i, axis), arr._weak)
        except (IndexError, ValueError, TypeError):  # (shapes that do not broadcast, uint64 indices)
            pass
    arr = to_array(arr)
    if axis is None:
        arr, axis = _ravel(arr), 0
    mode = _mode("take_along_axis", mode, _GET_MODES)
    if mode is None and isinstance(indices, Tracer):  # (as take)
        mode = "fill"
    if wrap_negative_indices is False:
        indices = _negative_outside(_index_operand("take_along_axis", indices),
                                    arr.shape[axis_index("take_along_axis", axis, arr.ndim)], mode)
    if arr.ndim > MAX_NUMPY_DIMS and np.ndim(indices) == arr.ndim:
        return _take_along_merged(arr, indices, axis, mode, fill_value)
    return getitem(arr, _along_axis("take_along_axis", arr, indices, axis), mode=mode, fill_value=fill_value)


def _take_along_merged(arr: Array, indices, axis: int, mode, fill_value) -> Array:
    """take_along_axis of arrays of over 32 dimensions as of 3, the axes before `axis` merged and those
    after: the general path's index arrays would need one dimension more than NumPy's 64."""
    i, axis = to_array(_index_operand("take_along_axis", indices)), axis_index("take_along_axis", axis, arr.ndim)
    at = lambda shape, n: shape[:axis] + (n,) + shape[axis + 1:]  # noqa: E731
    shape = broadcast_shapes("take_along_axis", at(arr.shape, 1), at(i.shape, 1))
    arr, taken = S.broadcast_to(arr, at(shape, arr.shape[axis])), at(shape, i.shape[axis])
    i = S.reshape(S.broadcast_to(i, taken), around_axis(taken, axis))
    out = take_along_axis(S.reshape(arr, around_axis(arr.shape, axis)), i, 1, mode, fill_value)
    return S.reshape(out, taken)


def _negative_outside(i, n: int, mode):
    """Indices whose negative entries are moved below -n, out of bounds even counted from the end."""
    if i.dtype not in dtypes.SIGNED:
        return i
    if isinstance(i, np.ndarray):
        if mode is None and (i < 0).any():
            raise op_error(IndexOutOfBoundsError, "take_along_axis", f"index {i.min()} is negative and "
                           "wrap_negative_indices=False", "pass indices >= 0, wrap_negative_indices=True (count "
                           "from the end), or mode='fill' or 'clip'")
        return np.where(i < 0, i.astype(np.int64) - n, i)
    i = convert(i, dtypes.int64)
    return E.select_n_p.bind(E.lt_p.bind(i, convert(0, dtypes.int64)), i, E.sub_p.bind(i, convert(n, dtypes.int64)))


def put_along_axis(arr, indices, values, axis: int | None, *, mode: str | None = None,
                   inplace: bool = False) -> Array:
    """A copy of `arr` with `values` written at `indices` along `axis` (functional: `arr` is
    unchanged; NumPy's version writes in place).

    Arrays are values, so `inplace=True` is refused; jax-style calls pass `inplace=False`,
    which is also the default here.

    >>> import fluxion.numpy as fnp
    >>> fnp.put_along_axis(fnp.zeros((2, 2), dtype=int), fnp.asarray([[1], [0]]), 5, axis=1).tolist()
    [[0, 5], [5, 0]]
    """
    _not_inplace("put_along_axis", inplace)
    arr = to_array(arr)
    flat = arr if axis is not None else _ravel(arr)
    out = update(flat, _along_axis("put_along_axis", flat, indices, 0 if axis is None else axis), values, "set",
                 mode=mode)
    return S.reshape(out, arr.shape)


def _not_inplace(op: str, inplace: bool) -> None:
    if inplace:
        raise op_error(ValueError, op, "fluxion arrays are values and cannot be changed in place",
                       f"pass inplace=False and use the returned array: a = fnp.{op}(a, ..., inplace=False)")


def _cycled(op: str, values, like: Array, n: int) -> Array:
    """The flattened `values` as `like`'s dtype, repeated to length `n` (NumPy's put/place rule)."""
    v = _ravel(convert(values, like.dtype))  # (a Python number exactly: 0.1 into float64 is 0.1)
    if v.size == 0 and n:
        raise op_error(ValueError, op, "got no values to write", "pass at least one value")
    reps = -(-n // v.size) if v.size else 0
    if not reps:
        return S.full((0,), 0, like.dtype)
    tiled = S.reshape(S.broadcast_in_dim(v, (reps, v.size), (1,)), (reps * v.size,))
    return S.slice_in_dim(tiled, 0, n)


def put(a, ind, v, mode: str | None = None, *, inplace: bool = True) -> Array:
    """A copy of `a` with the flat positions `ind` set to `v` (repeated as needed).

    Arrays are values, so pass `inplace=False` and use the result. `mode`: None / "raise"
    (out-of-bounds raises), "wrap" or "clip", as in `take`.

    >>> import fluxion.numpy as fnp
    >>> fnp.put(fnp.zeros((2, 2), dtype=int), [0, 3], [5, 6], inplace=False).tolist()
    [[5, 0], [0, 6]]
    """
    _not_inplace("put", inplace)
    a = to_array(a)
    mode = _mode("put", mode, _TAKE_MODES)
    flat = _ravel(a)
    i = _index_operand("put", ind)
    if mode in ("wrap", "clip"):
        if flat.shape[0] == 0:
            raise op_error(IndexOutOfBoundsError, "put", f"cannot put with mode={mode!r} into an empty array",
                           "put into a non-empty array")
        i, mode = (_wrapped if mode == "wrap" else _clipped)(i, flat.shape[0]), None
    i = _ravel(to_array(i))
    values = _cycled("put", v, a, i.shape[0])
    return S.reshape(update(flat, i, values, "set", mode=mode), a.shape)


def place(arr, mask, vals, *, inplace: bool = True) -> Array:
    """A copy of `arr` whose elements where `mask` holds are, in order, the elements of `vals`
    (repeated as needed). Arrays are values, so pass `inplace=False` and use the result.

    >>> import fluxion.numpy as fnp
    >>> x = fnp.arange(5)
    >>> fnp.place(x, x > 1, [10, 20], inplace=False).tolist()
    [0, 1, 10, 20, 10]
    """
    _not_inplace("place", inplace)
    arr = to_array(arr)
    m = _ravel(to_array(mask))
    if m.shape[0] != arr.size:
        raise op_error(ShapeError, "place", f"mask of shape {to_array(mask).shape} does not match arr of shape "
                       f"{arr.shape}", "pass one mask entry per element of arr")
    m = convert(m, dtypes.bool_)
    v = _ravel(convert(to_array(vals), arr.dtype))
    if v.size == 0:
        if isinstance(m, Tracer) or np.any(m._concrete("fnp.place")):
            raise op_error(ValueError, "place", "got no values for the selected elements", "pass at least one value")
        return arr
    # the k-th selected element takes vals[k % len(vals)]; k counts the selected elements before it
    k = E.sub_p.bind(R.cumsum(convert(m, dtypes.int64), 0), convert(1, dtypes.int64))
    picked = getitem(v, (E.rem_p.bind(E.max_p.bind(k, convert(0, dtypes.int64)), convert(v.size, dtypes.int64)),),
                     mode="promise_in_bounds")
    return S.reshape(E.select_n_p.bind(m, _ravel(arr), picked), arr.shape)


def where(condition, x=None, y=None, /, *, size: int | None = None, fill_value=None):
    """Elements of `x` where `condition` holds, of `y` elsewhere (broadcast, promoted).

    With only `condition`, the same as `nonzero(condition, size=size, fill_value=fill_value)`.

    >>> import fluxion.numpy as fnp
    >>> fnp.where(fnp.asarray([True, False]), fnp.asarray([1, 2]), 0).tolist()
    [1, 0]
    """
    if condition.__class__ is Array and _ctx.interp is EAGER and size is None and fill_value is None:
        out = eager_where(condition, x, y)  # the common case, kept fast
        if out is not None:
            return out
    if x is None and y is None:
        return nonzero(condition, size=size, fill_value=fill_value)
    if size is not None or fill_value is not None:
        raise op_error(TypeError, "where", "size= and fill_value= apply only to where(condition) without x and y",
                       "drop size= and fill_value=, or call fnp.nonzero(condition, size=...)")
    if x is None or y is None:
        raise op_error(ValueError, "where", "either both or neither of x and y should be given",
                       "pass both x and y, or only the condition")
    x, y = promote("where", x, y)
    return E.select_n_p.bind(_truth(condition), y, x)


def _truth(condition) -> Array:
    c = to_array(condition)
    if c.dtype == dtypes.bool_:
        return c
    return E.ne_p.bind(c, convert(0, c.dtype))


def _concrete(op: str, x) -> np.ndarray:
    return np.asarray(x._concrete(f"fnp.{op}")) if isinstance(x, Array) else np.asarray(x)


def _nonzero_concrete(op: str, x) -> np.ndarray:
    """The value of `x` for a function whose result's length is its number of non-zeros."""
    if isinstance(x, Tracer):
        raise op_error(ConcretizationError, op, f"returns as many indices as {x.aval} has non-zero elements, "
                       "which a traced value does not tell", "pass size=N, the number of indices to return "
                       "(the first N; slots past the last non-zero take fill_value, 0 by default)")
    return _concrete(op, x)


def sized_concrete(op: str, x) -> np.ndarray:
    """The value of `x` for a function whose result's length depends on it and that takes `size=`
    to fix that length: where it is traced, the error says so."""
    try:
        return _concrete(op, x)
    except ConcretizationError:
        raise op_error(ConcretizationError, f"fnp.{op}", f"the length of its result depends on the values of {x.aval}, "
                       "which are traced", "pass size=N, the result's length (fill_value= fills the slots past "
                       "the values found), as under jax.jit") from None


def checked_size(op: str, size) -> int:
    """`size`, the static length of a result whose length would otherwise depend on the data."""
    try:
        size = operator.index(size)
    except TypeError:
        raise op_error(TypeError, op, f"size must be an int, got {type(size).__name__} {size!r}",
                       "pass size=N, a Python int (under fx.jit a constant or a static argument)") from None
    if size < 0:
        raise op_error(ValueError, op, f"size must be >= 0, got {size}", "pass the number of entries to return")
    return size


def first_true(m: Array, size: int) -> tuple[Array, Array]:
    """The positions (int64) of the first `size` true elements of the 1-d boolean `m`, 0 in the
    slots past the last one, and which slots hold a position."""
    i64 = dtypes.int64
    # the k-th true element goes to slot k; the others to slot `size`, past the end, and are dropped
    slot = E.sub_p.bind(R.cumsum(convert(m, i64), 0), convert(1, i64))
    slot = E.select_n_p.bind(m, S.full(m.shape, size, i64), slot)
    flat = update(S.full((size,), 0, i64), (slot,), S.iota(i64, m.shape, 0), "set", mode="drop")
    return flat, E.lt_p.bind(S.iota(i64, (size,), 0), R.reduce_sum(convert(m, i64), (0,)))


def _sized(op: str, x: Array, size, fill_value) -> tuple[Array, ...]:
    """The indices, one array per axis of `x`, of its first `size` non-zero elements (C order);
    the slots past the last non-zero hold `fill_value` (one value, or one per axis)."""
    size = checked_size(op, size)
    fills = fill_value if isinstance(fill_value, (tuple, list)) else (fill_value,) * x.ndim
    if len(fills) != x.ndim:
        raise op_error(ValueError, op, f"got {len(fills)} fill values for an array of {x.ndim} axes",
                       "pass one fill value, or one per axis")
    i64 = dtypes.int64
    flat, filled = first_true(_ravel(_truth(x)), size)
    out = []
    for k, (d, fill) in enumerate(zip(x.shape, fills)):
        stride = max(math.prod(x.shape[k + 1:]), 1)  # an empty array has no non-zeros: every slot is filled
        i = E.rem_p.bind(E.div_p.bind(flat, convert(stride, i64)), convert(max(d, 1), i64))
        fill = convert(0 if fill is None else to_array(fill), i64)
        if fill.ndim:
            raise op_error(ShapeError, op, f"a fill value must be a scalar, got shape {fill.shape}",
                           "pass one scalar per axis")
        out.append(E.select_n_p.bind(filled, S.broadcast_to(fill, (size,)), i))
    return tuple(out)


def nonzero(x, /, *, size: int | None = None, fill_value=None) -> tuple[Array, ...]:
    """The indices of the non-zero elements, one int64 array per axis.

    Their number depends on the values, so they must be concrete, unless `size` fixes it (as
    under `fx.jit`): then the first `size` indices are returned, and the slots past the last
    non-zero hold `fill_value` (0 by default; one value, or a tuple of one per axis).

    >>> import fluxion.numpy as fnp
    >>> [i.tolist() for i in fnp.nonzero(fnp.asarray([[0, 1], [2, 0]]))]
    [[0, 1], [1, 0]]
    >>> fnp.nonzero(fnp.asarray([0, 3, 0, 4]), size=3, fill_value=-1)[0].tolist()
    [1, 3, -1]
    """
    x = to_array(x)
    if x.ndim == 0:
        raise op_error(ValueError, "nonzero", "a 0-d array has no axes to index",
                       "call fnp.atleast_1d(x) first, or use bool(x)")
    if size is not None:
        return _sized("nonzero", x, size, fill_value)
    _no_fill("nonzero", fill_value)
    return tuple(_place("nonzero", Array(i.astype(np.int64)), x.device)
                 for i in np.nonzero(_nonzero_concrete("nonzero", x)))


def _no_fill(op: str, fill_value) -> None:
    if fill_value is not None:
        raise op_error(TypeError, op, "fill_value= pads a result of fixed size, so it needs size=",
                       "pass size= too, or drop fill_value=")


def argwhere(a, *, size: int | None = None, fill_value=None) -> Array:
    """The indices of the non-zero elements, one row per element; `size` and `fill_value` as in
    `nonzero` (a 0-d array counts as one element with no axes).

    >>> import fluxion.numpy as fnp
    >>> fnp.argwhere(fnp.asarray([[0, 1], [2, 0]])).tolist()
    [[0, 1], [1, 0]]
    """
    a = to_array(a)
    if size is None:
        _no_fill("argwhere", fill_value)
        return _place("argwhere", Array(np.argwhere(_nonzero_concrete("argwhere", a)).astype(np.int64)), a.device)
    if a.ndim == 0:
        return S.full((operator.index(size), 0), 0, dtypes.int64)
    return S.concatenate([S.expand_dims(i, (1,)) for i in _sized("argwhere", a, size, fill_value)], 1)


def flatnonzero(a, *, size: int | None = None, fill_value=None) -> Array:
    """The indices of the non-zero elements of the flattened array; `size` and `fill_value` as
    in `nonzero`.

    >>> import fluxion.numpy as fnp
    >>> fnp.flatnonzero(fnp.asarray([[0, 1], [2, 0]])).tolist()
    [1, 2]
    """
    a = to_array(a)
    if size is None:
        _no_fill("flatnonzero", fill_value)
        return _place("flatnonzero", Array(np.flatnonzero(_nonzero_concrete("flatnonzero", a)).astype(np.int64)),
                      a.device)
    return _sized("flatnonzero", _ravel(a), size, fill_value)[0]


def _selected(op: str, condition, n: int) -> np.ndarray:
    """Positions where a (concrete) condition is true, checked against a length `n`."""
    c = sized_concrete(op, condition)
    if c.ndim != 1:
        raise op_error(ShapeError, op, f"condition must be 1-d, got shape {c.shape}", "pass a 1-d condition")
    picked = np.flatnonzero(c)
    if picked.size and picked[-1] >= n:
        raise op_error(IndexOutOfBoundsError, op, f"condition selects index {picked[-1]}, past the {n} elements",
                       "make the condition no longer than the axis, or false past its end")
    return picked


def compress(condition, a, axis: int | None = None, out=None, *, size: int | None = None, fill_value=None) -> Array:
    """The slices of `a` along `axis` where `condition` is true.

    The number of slices depends on the condition's values, so it must be concrete (`a` may be
    traced), unless `size` fixes it (as under `fx.jit`): then the first `size` selected slices
    are returned, padded with `fill_value` (0 by default). As in jax, with `size` a condition
    longer than the axis is cut to it (and the axis to the condition), and `size` may not
    exceed that length. `out` is None only: arrays are values.

    >>> import fluxion.numpy as fnp
    >>> fnp.compress([False, True], fnp.asarray([[1, 2], [3, 4]]), axis=0).tolist()
    [[3, 4]]
    >>> fnp.compress(fnp.asarray([1, 0, 1]), fnp.asarray([5, 6, 7]), size=3, fill_value=-1).tolist()
    [5, 7, -1]
    """
    if out is not None:
        no_out("compress", out)
    a = to_array(a)
    if axis is None:
        a, axis = _ravel(a), 0
    axis = axis_index("compress", axis, a.ndim)
    if size is not None:
        return _compressed("compress", _truth(condition), a, axis, size, fill_value)
    _no_fill("compress", fill_value)
    return take(a, _selected("compress", condition, a.shape[axis]), axis=axis)


def extract(condition, arr, *, size: int | None = None, fill_value=None) -> Array:
    """The elements of `arr` where `condition` is true, flattened; a concrete condition, unless
    `size` fixes the number of elements (see `compress`).

    >>> import fluxion.numpy as fnp
    >>> fnp.extract(fnp.arange(4) % 2 == 1, fnp.arange(4) * 10).tolist()
    [10, 30]
    """
    arr = _ravel(to_array(arr))
    if size is not None:
        return _compressed("extract", _ravel(_truth(condition)), arr, 0, size, fill_value)
    _no_fill("extract", fill_value)
    return take(arr, _selected("extract", np.ravel(sized_concrete("extract", condition)), arr.size))


def _compressed(op: str, condition: Array, a: Array, axis: int, size, fill_value) -> Array:
    """The first `size` slices of `a` along `axis` where the 1-d boolean `condition` is true, then
    `fill_value`; traceable."""
    if condition.ndim != 1:
        raise op_error(ShapeError, op, f"condition must be 1-d, got shape {condition.shape}", "pass a 1-d condition")
    size, n = checked_size(op, size), min(condition.shape[0], a.shape[axis])
    if size > n:
        raise op_error(ValueError, op, f"size={size} is more than the {n} slices the condition can select",
                       f"pass size <= {n}")
    a = S.slice_in_dim(a, 0, n, 1, axis)
    at, filled = first_true(S.slice_in_dim(condition, 0, n), size)
    taken = take(a, at, axis=axis) if n else a
    fill = S.broadcast_to(convert(to_array(0 if fill_value is None else fill_value), a.dtype), taken.shape)
    return E.select_n_p.bind(S.broadcast_in_dim(filled, taken.shape, (axis,)), fill, taken)
