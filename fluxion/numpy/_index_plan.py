"""Reading a NumPy index expression against a shape: which axes are sliced, which are picked
by integer arrays, and where each axis of the result comes from.

`plan(shape, idx, ...)` applies NumPy's rules once, so that reading (`x[idx]`) and writing
(`x.at[idx].set(v)`) agree: integers and slices are *basic* indices; integer arrays, boolean
masks and boolean scalars are *advanced*. When any advanced index is present, integers join
them (as 0-d arrays); the broadcast shape of the advanced indices replaces their axes in
place if they are adjacent, and goes first otherwise. `None` adds a size-1 axis.

Concrete index arrays (NumPy data, lists, eager Arrays) are checked and normalised here
with NumPy: they are constants of the computation. Traced index arrays stay Arrays and are
normalised with primitives by the caller.
"""
from __future__ import annotations

import numpy as np

from ..core import dtypes
from ..core.array import Array, Tracer
from ..core.errors import ConcretizationError, IndexOutOfBoundsError, op_error
from ..core.interpreters import EAGER, _ctx
from ..ops._util import broadcast_shape
from ..transforms.autodiff.partial_eval import staged

ADVANCED = -1  # the place of the advanced indices' broadcast shape in `Plan.layout`


class Plan:
    """What an index expression does to an array of shape `shape`.

    Per operand axis: `starts`, `counts`, `steps` of the basic slice (an integer index is a
    slice of one element listed in `int_axes`; an axis picked by an array is a whole slice).
    `adv_axes` / `adv_indices`: the axes picked by integer arrays and those arrays (NumPy
    int64, non-negative and in bounds unless a mode was given, or traced Arrays as the user
    gave them). `adv_shape`: their broadcast shape. `layout`: the result's axes without the
    `None` axes, as operand axes (slices) and ADVANCED. `out_shape`: the result's shape.
    """

    __slots__ = ("shape", "starts", "counts", "steps", "int_axes", "adv_axes", "adv_indices", "adv_shape",
                 "layout", "out_shape")

    @property
    def advanced(self) -> bool:
        return ADVANCED in self.layout

    @property
    def unit_steps(self) -> bool:
        return all(s == 1 for s in self.steps)

    def slice_args(self):
        """`(start, limit, stride)` per axis and the axes to reverse after slicing."""
        lo, hi, stride, flip = [], [], [], []
        for d, (a, c, s) in enumerate(zip(self.starts, self.counts, self.steps)):
            if s > 0:
                lo.append(a), hi.append(a + (c - 1) * s + 1 if c else a), stride.append(s)
            else:
                lo.append(a + (c - 1) * s), hi.append(a + 1), stride.append(-s)
                flip.append(d)
        return lo, hi, stride, flip


_INT, _SLICE, _ARRAY, _MASK, _BOOL, _NONE, _ELLIPSIS = range(7)  # _ARRAY.._BOOL are advanced
_ALL = slice(None)


def plan(shape: tuple[int, ...], idx, op: str, explicit_mode: bool, fix: str) -> Plan:
    """Apply NumPy's indexing rules to `idx` for an array of `shape`.

    Out-of-bounds integers raise IndexError naming `op` and `fix` unless `explicit_mode`, in
    which case they are kept (as advanced indices) for the primitive's mode to handle.
    """
    items, used, ellipsis_at, advanced = [], 0, -1, False
    for it in (idx if idx.__class__ is tuple else (idx,)):
        kind, value = _classify(op, it)
        if kind <= _ARRAY:
            used += 1
        elif kind == _MASK:
            used += value.ndim
        elif kind == _ELLIPSIS:
            if ellipsis_at >= 0:
                raise op_error(IndexError, op, "an index can only have a single ellipsis ('...')",
                               "remove the extra '...'")
            ellipsis_at = len(items)
            continue
        advanced = advanced or _ARRAY <= kind <= _BOOL
        items.append((kind, value))
    ndim = len(shape)
    if used > ndim:
        raise op_error(IndexError, op, f"too many indices for array: array is {ndim}-dimensional, but {used} "
                       "were indexed", "index at most as many axes as the array has")
    fill = [(_SLICE, _ALL)] * (ndim - used)
    # ('...' stays as a mark: it separates advanced indices even where it stands for no axis, as in NumPy)
    items = items + fill if ellipsis_at < 0 else items[:ellipsis_at] + fill + [(_ELLIPSIS, None)] + items[ellipsis_at:]
    if explicit_mode and not advanced:  # an out-of-bounds integer is left to the mode, as an advanced index
        advanced = any(k == _INT and not -n <= v < n for (k, v), n in zip(_with_axes(items), shape))
    return _build(op, shape, items, advanced, explicit_mode, fix)


def _classify(op: str, it):
    """`(kind, value)` for one entry of an index tuple."""
    cls = it.__class__
    if cls is int:
        return _INT, it
    if it is None:
        return _NONE, None
    if it is Ellipsis:
        return _ELLIPSIS, None
    if cls is slice:
        traced = [b for b in (it.start, it.stop, it.step) if isinstance(b, Tracer)]
        if traced:
            origin = getattr(traced[0]._interp, "origin", None)  # (the arguments it comes from, under jit)
            what, fix = (origin and origin(traced[0])) or ("", "")
            fix = f"{fix}; or " if fix else ""
            raise op_error(ConcretizationError, op, f"slice bounds must be concrete, got a traced value{what}",
                           f"{fix}for a window of fixed size at a traced start, use fx.lax.dynamic_slice(x, "
                           "starts, sizes)")
        return _SLICE, it
    if isinstance(it, (bool, np.bool_)):
        return _BOOL, bool(it)
    if isinstance(it, (int, np.integer)):
        return _INT, int(it)
    if isinstance(it, Tracer):
        if it.dtype == dtypes.bool_:
            raise op_error(ConcretizationError, op, f"a boolean mask gives a data-dependent shape; got a traced "
                           f"mask {it.aval}", "use fnp.where(mask, x, 0) or x.at[...] with a mask-free index")
        if it.dtype not in dtypes.INTEGER:
            raise _bad_index(op, it)
        return _ARRAY, it
    if isinstance(it, Array):
        if _ctx.interp is not EAGER and it.dtype in dtypes.INTEGER and staged():
            return _ARRAY, it  # read when the program runs, as a traced index is (out of bounds as under jit)
        it = it._concrete(op)
    elif isinstance(it, (list, tuple)):
        try:
            it = np.asarray(it)
        except ValueError:
            raise _bad_index(op, it) from None
        if it.size == 0 and it.dtype.kind == "f":  # [] has no dtype of its own: an empty list of indices
            it = it.astype(np.int64)
    elif not isinstance(it, (np.ndarray, np.generic)):
        if hasattr(type(it), "__index__"):
            return _INT, it.__index__()
        raise _bad_index(op, it)
    it = np.asarray(it)
    if it.dtype == np.bool_:
        return (_BOOL, bool(it)) if it.ndim == 0 else (_MASK, it)
    if it.dtype.kind not in "iu":
        raise _bad_index(op, it)
    return (_INT, int(it)) if it.ndim == 0 else (_ARRAY, it)


def _bad_index(op: str, it) -> IndexError:
    what = f"array of dtype {it.dtype}" if hasattr(it, "dtype") else f"{type(it).__name__} {it!r}"
    return op_error(IndexError, op, f"only integers, slices (`:`), ellipsis (`...`), None and integer or boolean "
                    f"arrays are valid indices; got {what}", "convert the index with int(...) or .astype(int)")


def _with_axes(items: list):
    """Items paired up with the axis they index (None and boolean scalars index none)."""
    for k, v in items:
        if k == _MASK:
            yield from [(k, v)] * v.ndim
        elif k <= _ARRAY:
            yield k, v


def _bounded(op: str, value, n: int, axis: int, explicit_mode: bool, fix: str):
    """An integer index (or concrete integer array) checked against an axis of size `n`, with
    negative entries counted from the end (out-of-bounds ones are kept if `explicit_mode`)."""
    if value.__class__ is int:
        if -n <= value < n:
            return value + n if value < 0 else value
        if not explicit_mode:
            raise _out_of_bounds(op, value, n, axis, fix)
        value = max(min(value, n), -n - 1)  # out of bounds either way; now it fits in int64
    v = np.asarray(value)
    if v.dtype == np.uint64:
        v = np.minimum(v, n)  # past the end either way; now it fits in int64
    v = v.astype(np.int64, copy=False)  # (an Array's value is never written to: no copy needed)
    if not v.size:
        return v
    lo, hi = int(v.min()), int(v.max())
    if not explicit_mode and (lo < -n or hi >= n):
        raise _out_of_bounds(op, int(v[(v < -n) | (v >= n)].ravel()[0]), n, axis, fix)
    return np.where(v < 0, v + n, v) if lo < 0 else v


def _out_of_bounds(op: str, index: int, n: int, axis: int, fix: str) -> IndexOutOfBoundsError:
    return op_error(IndexOutOfBoundsError, op, f"index {index} is out of bounds for axis {axis} with size {n}",
                    fix.format(lo=-n, hi=n - 1))


def _build(op: str, shape: tuple, items: list, advanced: bool, explicit_mode: bool, fix: str) -> Plan:
    p = Plan()
    p.shape = shape
    p.starts, p.counts, p.steps = starts, counts, steps = [], [], []
    p.int_axes, p.adv_axes, p.adv_indices = [], [], []
    layout, out_shape = [], []
    adv_shapes, adv_items = [], []  # adv_items: per result-producing item, whether it is advanced
    for k, v in items:
        d = len(starts)
        if k == _SLICE:
            try:
                start, stop, step = v.indices(shape[d])
            except (TypeError, ValueError) as e:  # a step of 0, or bounds that are not integers
                raise op_error(type(e), op, f"slice {v} along axis {d}: {e}",
                               "give a slice integer bounds (or None) and a nonzero step") from None
            count = len(range(start, stop, step))
            starts.append(start if count else 0), counts.append(count), steps.append(step if count > 1 else 1)
            layout.append(d), out_shape.append(count), adv_items.append(False)
            continue
        if k == _NONE:
            out_shape.append(1), adv_items.append(False)
            continue
        if k == _ELLIPSIS:
            adv_items.append(False)
            continue
        if k == _INT and not advanced:
            starts.append(_bounded(op, v, shape[d], d, explicit_mode, fix)), counts.append(1), steps.append(1)
            p.int_axes.append(d)
            continue
        if k == _BOOL:  # True adds an axis of length 1 and False one of length 0, advanced
            adv_shapes.append((int(v),))
        elif k == _MASK:
            axes = shape[d:d + v.ndim]
            # an axis of length 0 selects nothing, whatever the length of the axis it indexes (the standard's rule)
            if len(axes) != v.ndim or any(m not in (n, 0) for m, n in zip(v.shape, axes)):
                raise op_error(IndexError, op, f"boolean index of shape {v.shape} does not match the indexed array's "
                               f"axes {tuple(axes)} (from axis {d})",
                               "give a mask of the same shape as the axes it selects")
            for j, nz in enumerate(np.nonzero(v)):
                _whole_axis(p, d + j, shape[d + j], nz.astype(np.int64))
            adv_shapes.append((int(np.count_nonzero(v)),))
        else:  # an integer array, or an integer among advanced indices
            if not isinstance(v, Array):  # (an Array here is traced, or read when a program runs)
                v = np.asarray(_bounded(op, v, shape[d], d, explicit_mode, fix))
            _whole_axis(p, d, shape[d], v)
            adv_shapes.append(np.shape(v))
        adv_items.append(True)
        if ADVANCED not in layout:
            layout.append(ADVANCED), out_shape.append(ADVANCED)
    p.adv_shape = _broadcast(op, adv_shapes) if adv_shapes else ()
    if advanced:
        first = adv_items.index(True)
        if not all(adv_items[first:first + adv_items.count(True)]):  # NumPy puts separated ones first
            layout.remove(ADVANCED), out_shape.remove(ADVANCED)
            layout.insert(0, ADVANCED), out_shape.insert(0, ADVANCED)
        at = out_shape.index(ADVANCED)
        out_shape[at:at + 1] = p.adv_shape
    p.layout, p.out_shape = tuple(layout), tuple(out_shape)
    return p


def _whole_axis(p: Plan, d: int, n: int, index) -> None:
    """Axis `d` (of size `n`) is picked by the integer array `index`."""
    p.starts.append(0), p.counts.append(n), p.steps.append(1)
    p.adv_axes.append(d), p.adv_indices.append(index)


def _broadcast(op: str, shapes: list) -> tuple[int, ...]:
    if len(shapes) == 1:
        return tuple(shapes[0])
    shape = broadcast_shape(*shapes)
    if shape is None:
        raise op_error(IndexError, op, "shape mismatch: indexing arrays could not be broadcast together with "
                       f"shapes {' '.join(map(str, shapes))}", "give the index arrays broadcast-compatible shapes")
    return shape
