"""Array manipulation: reshaping, axis permutation, broadcasting, joining, splitting (tiling,
repeating and rolling are in _repeating.py, padding in _padding.py).

Everything is built on the shape primitives with static parameters; sizes, axes, shifts
and repeat counts must be concrete Python ints (or concrete arrays where noted). The joins'
`out=` is None only: arrays are values.
"""
from __future__ import annotations

import builtins
import math
import operator
from typing import Sequence

import numpy as np

from ..core import dtypes
from ..core.array import Array
from ..core.errors import ConcretizationError, ShapeError, op_error
from ..core.interpreters import EAGER, _ctx
from ..ops import shape as S
from ..ops._util import broadcast_shapes as _broadcast_shapes
from ._convert import convert, promote
from ._creation import _shape, asarray
from ._elementwise_base import no_out

__all__ = ["array_split", "atleast_1d", "atleast_2d", "atleast_3d", "broadcast_arrays", "broadcast_shapes",
           "broadcast_to", "column_stack", "concat", "concatenate", "dstack", "expand_dims", "flatten", "flip",
           "hstack", "matrix_transpose", "moveaxis", "permute_dims", "ravel", "reshape", "rot90", "split",
           "squeeze", "stack", "swapaxes", "transpose", "unstack", "vstack"]


def _arr(x) -> Array:
    return x if isinstance(x, Array) else asarray(x)


def _axes(op: str, axis, ndim: int, distinct: bool = True) -> tuple[int, ...]:
    """Non-negative axes from an int or a sequence of ints."""
    return S.normalize_axes(op, tuple(axis) if isinstance(axis, Sequence) else axis, ndim, distinct)


def _ints(op: str, what: str, v) -> tuple[int, ...]:
    """Concrete ints from an int, a sequence of ints or a 1-d array of them (as NumPy takes)."""
    try:
        if v.__class__ in (tuple, list) or np.ndim(v):  # (a tuple is not given to NumPy: it may hold traced sizes)
            return tuple(map(operator.index, v))
        return (operator.index(v),)
    except TypeError as e:
        if isinstance(e, ConcretizationError):  # a traced size: its own message names the argument
            raise
        raise op_error(TypeError, op, f"{what} must be integers, got {v!r}",
                       "pass Python ints (convert a computed size with int(...))") from None


# reshaping ----------------------------------------------------------------------------------
def _infer_shape(x: Array, shape) -> tuple[int, ...]:
    """`shape` with its one -1 replaced by the size that keeps the elements of `x`."""
    if shape.__class__ is tuple and all(d.__class__ is int for d in shape) and -1 not in shape:
        return shape  # the primitive checks the sizes (a traced size is refused by _ints, naming it)
    size = math.prod(x.shape)
    shape = _ints("reshape", "shape", shape)
    unknown = [i for i, d in enumerate(shape) if d == -1]
    if len(unknown) > 1 or any(d < -1 for d in shape):
        raise op_error(ShapeError, "reshape", f"shape {shape} may hold one -1 and otherwise sizes >= 0",
                       "give every size but one; -1 stands for the one inferred")
    if not unknown:
        return shape
    known = math.prod(d for d in shape if d != -1)
    if known == 0 or size % known:
        raise op_error(ShapeError, "reshape", f"cannot reshape an array of {size} elements into shape {shape}",
                       "choose sizes whose product divides the number of elements")
    return tuple(size // known if d == -1 else d for d in shape)


def _eager_reshape(v: np.ndarray, shape: tuple) -> np.ndarray | None:
    """The kernel's view of `v` in `shape`, a tuple of Python ints >= 0 with at most one -1 (which
    NumPy infers as the general path does), where it holds the elements of `v`; None otherwise
    (the general path names the error)."""
    for d in shape:
        if d.__class__ is not int or d < -1:  # (NumPy would infer any negative size)
            return None
    try:
        return v.reshape(shape)
    except ValueError:  # sizes that do not hold the elements, or more than one -1
        return None


def _eager(x) -> bool:
    """Whether `x` is a plain eager Array, which a fast path may give to its kernel at once."""
    return x.__class__ is Array and _ctx.interp is EAGER


def _view(x: Array, value: np.ndarray) -> Array:
    """An Array of `value`, a kernel's view of the value of eager `x`, with its weak type."""
    y = Array.__new__(Array)
    y._value, y._weak = value, x._weak
    return y


def _eager_axis(x, axis) -> int | None:
    """`axis` as a non-negative int where `x` is a plain eager Array and `axis` a Python int in
    range of its axes; None otherwise (the general path checks it)."""
    if axis.__class__ is int and x.__class__ is Array and _ctx.interp is EAGER and -(n := x._value.ndim) <= axis < n:
        return axis + n if axis < 0 else axis
    return None


_REVERSED = builtins.slice(None, None, -1)


def _along(axis: int, index) -> tuple:
    """A basic index that applies `index` (an int or a slice) to axis `axis`."""
    return (builtins.slice(None),) * axis + (index,)


def reshape(x, /, shape, order: str = "C", *, copy: bool | None = None) -> Array:
    """`x` with a new shape holding the same elements; one size may be -1 (inferred).

    `order="F"` reads and writes elements in column-major order. Arrays are values, so
    `copy` never changes the result (copy=False always succeeds).

    >>> import fluxion.numpy as fnp
    >>> fnp.reshape(fnp.arange(6), (2, -1)).tolist()
    [[0, 1, 2], [3, 4, 5]]
    """
    if (shape.__class__ is tuple and order == "C" and _eager(x)
            and (new := _eager_reshape(v := x._value, shape)) is not None):  # the common case, kept fast:
        if new.shape != v.shape:  # the kernel's view
            return _view(x, new)
        if not copy:  # as the general path
            return x
    x = _arr(x)
    shape = _infer_shape(x, shape)
    if order in ("C", "A"):
        out = S.reshape(x, shape)
    elif order == "F":
        out = transpose(S.reshape(transpose(x), shape[::-1]))
    else:
        raise op_error(ValueError, "reshape", f"order must be 'C' or 'F', got {order!r}", "pass order='C' or 'F'")
    return out.copy() if copy and out is x else out


def ravel(x, /, order: str = "C") -> Array:
    """The elements of `x` as a 1-d array (row-major, or column-major with order="F"; "K", the
    order in memory, is row-major, as every array is laid out).

    >>> import fluxion.numpy as fnp
    >>> fnp.ravel(fnp.ones((2, 2))).shape
    (4,)
    """
    return reshape(x, (-1,), _read_order(order))


def flatten(x, /, order: str = "C") -> Array:
    """A 1-d copy of `x` (the function behind `x.flatten()`); `order` as in `ravel`.

    >>> import fluxion.numpy as fnp
    >>> fnp.flatten(fnp.zeros((2, 3))).shape
    (6,)
    """
    return reshape(x, (-1,), _read_order(order), copy=True)


def _read_order(order: str) -> str:
    """`reshape`'s order for ravel's: "K" (memory order) is row-major, as fluxion lays arrays out."""
    return "C" if order == "K" else order


def squeeze(x, /, axis=None) -> Array:
    """Remove axes of size 1: all of them, or those in `axis` (which must have size 1).

    >>> import fluxion.numpy as fnp
    >>> fnp.squeeze(fnp.zeros((1, 3, 1))).shape, fnp.squeeze(fnp.zeros((1, 3, 1)), axis=-1).shape
    ((3,), (1, 3))
    """
    if _eager(x):  # kept fast: the kernel's view, for all axes of size 1 or one axis in range
        v = x._value
        if axis is None:
            return _view(x, v.squeeze()) if 1 in v.shape else x
        if axis.__class__ is int and -v.ndim <= axis < v.ndim and v.shape[axis] == 1:
            return _view(x, v.squeeze(axis))
    x = _arr(x)
    axes = tuple(i for i, d in enumerate(x.shape) if d == 1) if axis is None else _axes("squeeze", axis, x.ndim)
    return S.squeeze(x, axes)


def expand_dims(x, /, axis=0) -> Array:
    """Insert size-1 axes at the positions `axis` (an int or a tuple) of the result.

    >>> import fluxion.numpy as fnp
    >>> fnp.expand_dims(fnp.zeros((2, 3)), axis=(0, -1)).shape
    (1, 2, 3, 1)
    """
    if axis.__class__ is int and _eager(x) and -(n := x._value.ndim) - 1 <= axis <= n:  # kept fast: the kernel's view
        v = x._value
        i = axis if axis >= 0 else axis + n + 1
        return _view(x, v.reshape(v.shape[:i] + (1,) + v.shape[i:]))
    x = _arr(x)
    axes = tuple(axis) if isinstance(axis, Sequence) else (axis,)
    return S.expand_dims(x, _axes("expand_dims", axes, x.ndim + len(axes)))


def _at_least(x, ndim: int, where) -> Array:
    if _eager(x) and x._value.ndim < ndim:  # kept fast: the kernel's view
        return _view(x, x._value.reshape(where(x._value.shape)))
    x = _arr(x)
    return x if x.ndim >= ndim else S.reshape(x, where(x.shape))


def _one_or_tuple(xs: list):
    return xs[0] if len(xs) == 1 else tuple(xs)


def atleast_1d(*arys):
    """Each input with at least 1 dimension (one array for one input, else a tuple).

    >>> import fluxion.numpy as fnp
    >>> fnp.atleast_1d(1.0).shape
    (1,)
    """
    return _one_or_tuple([_at_least(a, 1, lambda s: (1,)) for a in arys])


def atleast_2d(*arys):
    """Each input with at least 2 dimensions; a 1-d array of n becomes (1, n).

    >>> import fluxion.numpy as fnp
    >>> fnp.atleast_2d(fnp.zeros(3)).shape
    (1, 3)
    """
    return _one_or_tuple([_at_least(a, 2, lambda s: (1,) * (2 - len(s)) + s) for a in arys])


def atleast_3d(*arys):
    """Each input with at least 3 dimensions: (n,) becomes (1, n, 1), (m, n) becomes (m, n, 1).

    >>> import fluxion.numpy as fnp
    >>> fnp.atleast_3d(fnp.zeros((2, 3))).shape
    (2, 3, 1)
    """
    return _one_or_tuple([_at_least(a, 3, _shape_3d) for a in arys])


def _shape_3d(shape: tuple) -> tuple:
    return {0: (1, 1, 1), 1: (1, *shape, 1)}.get(len(shape), shape + (1,))


# axes ---------------------------------------------------------------------------------------
def permute_dims(x, /, axes: Sequence[int] | None = None) -> Array:
    """Permute the axes of `x`: result axis i is axis `axes[i]` of `x` (reversed when None, as
    NumPy's `permute_dims(a)`).

    >>> import fluxion.numpy as fnp
    >>> fnp.permute_dims(fnp.zeros((2, 3, 4)), (2, 0, 1)).shape
    (4, 2, 3)
    """
    if axes is None:
        return transpose(x)
    if axes.__class__ is tuple and _eager(x) and all(a.__class__ is int for a in axes):  # kept fast: the kernel's view
        try:
            return _view(x, x._value.transpose(axes))
        except ValueError:  # not a permutation of the axes: the general path says so
            pass
    return S.transpose(_arr(x), axes)


def transpose(a, axes: Sequence[int] | None = None) -> Array:
    """NumPy's transpose: reverse the axes, or permute them by `axes`.

    >>> import fluxion.numpy as fnp
    >>> fnp.transpose(fnp.zeros((2, 3))).shape
    (3, 2)
    """
    if axes is None and _eager(a):  # kept fast: the kernel's view (a 0-d or 1-d array is its own transpose)
        return _view(a, a._value.transpose()) if a._value.ndim > 1 else a
    a = _arr(a)
    return S.transpose(a, tuple(range(a.ndim))[::-1] if axes is None else axes)


def matrix_transpose(x, /) -> Array:
    """Transpose the last two axes (a stack of matrices).

    >>> import fluxion.numpy as fnp
    >>> fnp.matrix_transpose(fnp.zeros((5, 2, 3))).shape
    (5, 3, 2)
    """
    if _eager(x) and x._value.ndim > 1:  # kept fast: the kernel's view
        return _view(x, x._value.swapaxes(-1, -2))
    x = _arr(x)
    if x.ndim < 2:
        raise op_error(ShapeError, "matrix_transpose", f"needs at least 2 dimensions, got shape {x.shape}",
                       "use x[None] to make a row matrix, or fnp.transpose for 1-d arrays")
    return S.transpose(x, tuple(range(x.ndim - 2)) + (x.ndim - 1, x.ndim - 2))


def swapaxes(x, axis1: int, axis2: int) -> Array:
    """Exchange two axes.

    >>> import fluxion.numpy as fnp
    >>> fnp.swapaxes(fnp.zeros((2, 3, 4)), 0, -1).shape
    (4, 3, 2)
    """
    if axis1.__class__ is int and axis2.__class__ is int and _eager(x):  # kept fast: the kernel's view
        n = x._value.ndim
        if -n <= axis1 < n and -n <= axis2 < n:
            return x if axis1 % n == axis2 % n else _view(x, x._value.swapaxes(axis1, axis2))
    x = _arr(x)
    (a,), (b,) = _axes("swapaxes", axis1, x.ndim), _axes("swapaxes", axis2, x.ndim)
    perm = list(range(x.ndim))
    perm[a], perm[b] = b, a
    return S.transpose(x, perm)


def moveaxis(x, source, destination) -> Array:
    """Move axes `source` to positions `destination`; the other axes keep their order.

    >>> import fluxion.numpy as fnp
    >>> fnp.moveaxis(fnp.zeros((2, 3, 4)), 0, -1).shape
    (3, 4, 2)
    """
    if (src := _eager_axis(x, source)) is not None and (dst := _eager_axis(x, destination)) is not None:  # kept fast:
        perm = list(range(x._value.ndim))  # the kernel's view
        perm.insert(dst, perm.pop(src))
        return _view(x, x._value.transpose(perm))
    x = _arr(x)
    src, dst = _axes("moveaxis", source, x.ndim), _axes("moveaxis", destination, x.ndim)
    if len(src) != len(dst):
        raise op_error(ValueError, "moveaxis", f"source {source} and destination {destination} have different lengths",
                       "give one destination per source axis")
    perm = [i for i in range(x.ndim) if i not in src]
    for d, s in sorted(zip(dst, src)):
        perm.insert(d, s)
    return S.transpose(x, perm)


def flip(x, /, axis=None) -> Array:
    """Reverse the order of elements along `axis` (all axes when None).

    >>> import fluxion.numpy as fnp
    >>> fnp.flip(fnp.asarray([[1, 2], [3, 4]]), axis=1).tolist()
    [[2, 1], [4, 3]]
    """
    if axis is None and _eager(x):  # kept fast: the kernel's view
        v = x._value
        return _view(x, v[(_REVERSED,) * v.ndim]) if v.ndim else x
    if (a := _eager_axis(x, axis)) is not None:
        return _view(x, x._value[_along(a, _REVERSED)])
    x = _arr(x)
    return S.rev(x, tuple(range(x.ndim)) if axis is None else _axes("flip", axis, x.ndim))


def rot90(m, k: int = 1, axes: tuple[int, int] = (0, 1)) -> Array:
    """Rotate by 90 degrees `k` times, from the first of `axes` towards the second.

    >>> import fluxion.numpy as fnp
    >>> fnp.rot90(fnp.asarray([[1, 2], [3, 4]])).tolist()
    [[2, 4], [1, 3]]
    """
    if (k.__class__ is int and axes.__class__ is tuple and len(axes) == 2 and (a := _eager_axis(m, axes[0])) is not None
            and (b := _eager_axis(m, axes[1])) is not None and a != b and m._value.ndim > 1):  # kept fast: the kernels'
        v, k = m._value, k % 4  # views, of the same flips and transposition
        if k == 2:
            return _view(m, v[_along(a, _REVERSED)][_along(b, _REVERSED)])
        if k:
            turned = v[_along(b, _REVERSED)].swapaxes(a, b) if k == 1 else v.swapaxes(a, b)[_along(b, _REVERSED)]
            return _view(m, turned)
        return m
    m = _arr(m)
    if len(axes) != 2 or m.ndim < 2:
        raise op_error(ValueError, "rot90", f"needs 2 axes of an array of at least 2 dimensions, got axes {axes} "
                       f"and shape {m.shape}", "pass axes=(i, j) of an array with ndim >= 2")
    a, b = _axes("rot90", axes, m.ndim)
    k = operator.index(k) % 4
    if k == 2:
        return S.rev(m, (a, b))
    perm = list(range(m.ndim))
    perm[a], perm[b] = b, a
    if k == 1:
        return S.transpose(S.rev(m, (b,)), perm)
    return S.rev(S.transpose(m, perm), (b,)) if k == 3 else m


# broadcasting -------------------------------------------------------------------------------
def broadcast_to(x, /, shape) -> Array:
    """Broadcast `x` to `shape` (trailing axes align; size-1 axes stretch).

    >>> import fluxion.numpy as fnp
    >>> fnp.broadcast_to(fnp.asarray([1, 2]), (2, 2)).tolist()
    [[1, 2], [1, 2]]
    """
    if shape.__class__ is tuple and _eager(x):  # kept fast: the kernel's filled array
        v = x._value
        if shape == v.shape:
            return x
        if all(d.__class__ is int and d >= 0 for d in shape):
            try:
                value = np.empty(shape, v.dtype)
                value[...] = v  # as the kernel fills it (NumPy's broadcasting rules are the general path's)
            except ValueError:  # shapes that do not broadcast: the general path says so
                pass
            else:
                return _view(x, value)
    return S.broadcast_to(_arr(x), _shape("broadcast_to", shape))


def broadcast_shapes(*shapes) -> tuple[int, ...]:
    """The shape that arrays of `shapes` broadcast to.

    >>> import fluxion.numpy as fnp
    >>> fnp.broadcast_shapes((2, 1), (3,))
    (2, 3)
    """
    if not shapes:
        return ()
    return _broadcast_shapes("broadcast_shapes", *(_shape("broadcast_shapes", s) for s in shapes))


def broadcast_arrays(*arrays) -> tuple[Array, ...]:
    """The inputs broadcast to their common shape, as a tuple (as NumPy 2 and the array API
    standard 2025.12 return).

    >>> import fluxion.numpy as fnp
    >>> [a.shape for a in fnp.broadcast_arrays(fnp.zeros((2, 1)), fnp.zeros(3))]
    [(2, 3), (2, 3)]
    """
    xs = [_arr(a) for a in arrays]
    shape = broadcast_shapes(*(x.shape for x in xs))
    return tuple(S.broadcast_to(x, shape) for x in xs)


# joining ------------------------------------------------------------------------------------
def _promoted(op: str, arrays, dtype) -> list[Array]:
    """The arrays converted to their promoted dtype (or to `dtype`); an array of at least one
    axis is the sequence of its rows (as in NumPy)."""
    if isinstance(arrays, (Array, np.ndarray)) and arrays.ndim:
        arrays = [arrays[i] for i in range(arrays.shape[0])]
    if isinstance(arrays, Array) or not isinstance(arrays, Sequence):
        raise op_error(TypeError, op, f"expects a sequence of arrays, got {type(arrays).__name__}",
                       "pass a list or tuple of arrays")
    if not arrays:
        raise op_error(ValueError, op, "needs at least one array", "pass a non-empty sequence of arrays")
    # (a list stays one, so that its Python numbers convert exactly: [0.1] joined to float64 is 0.1)
    xs = promote(op, *[a if isinstance(a, (list, tuple)) else _arr(a) for a in arrays])
    return xs if dtype is None else [convert(x, dtypes.canonicalize(dtype)) for x in xs]


def concat(arrays, /, *, axis: int | None = 0, out=None) -> Array:
    """Join arrays along an existing axis (flattened first when `axis=None`); dtypes promote.

    >>> import fluxion.numpy as fnp
    >>> fnp.concat([fnp.asarray([1, 2]), fnp.asarray([3.0])]).tolist()
    [1.0, 2.0, 3.0]
    """
    if out is not None:
        no_out("concat", out)
    return concatenate(arrays, axis)


def _eager_join(arrays, axis: int, new_axis: bool) -> Array | None:
    """The kernels' join of eager Arrays of one dtype along `axis`, an existing axis (two or more
    arrays of at least one axis) or, with `new_axis`, a new one (one or more arrays of one shape);
    None in every other case (axes out of range, shapes that do not fit), which goes the general
    way."""
    values, weak = [], True
    for a in arrays:
        if a.__class__ is not Array:
            return None
        values.append(a._value)
        weak = weak and a._weak
    if len(values) < 2 - new_axis:
        return None
    if new_axis:
        shape = values[0].shape
        n = len(shape)
        if not -n - 1 <= axis <= n:
            return None
        axis %= n + 1
        expanded = shape[:axis] + (1,) + shape[axis:]
        for i, v in enumerate(values):
            if v.shape != shape:
                return None
            values[i] = v.reshape(expanded)
    try:  # (NumPy's errors, e.g. for dtypes that differ, which it would not cast, send it the general way)
        value = np.concatenate(values, axis, casting="no")
    except (TypeError, ValueError):
        return None
    out = Array.__new__(Array)  # (an ndarray: eager_array's check is not needed)
    out._value, out._weak = value, weak
    return out


def concatenate(arrays, axis: int | None = 0, out=None, *, dtype=None) -> Array:
    """NumPy's concatenate: join arrays along `axis`; dtypes promote (or convert to `dtype`).

    >>> import fluxion.numpy as fnp
    >>> fnp.concatenate([fnp.zeros((1, 2)), fnp.ones((2, 2))]).shape
    (3, 2)
    """
    if out is not None:
        no_out("concatenate", out)
    if dtype is None and axis.__class__ is int and _ctx.interp is EAGER and arrays.__class__ in (list, tuple):
        y = _eager_join(arrays, axis, False)  # the common case, kept fast
        if y is not None:
            return y
    xs = _promoted("concatenate", arrays, dtype)
    if axis is None:
        xs, axis = [S.reshape(x, (x.size,)) for x in xs], 0
    return S.concatenate(xs, axis)


def stack(arrays, /, axis: int = 0, out=None, *, dtype=None) -> Array:
    """Join arrays of one shape along a new axis `axis`; dtypes promote.

    >>> import fluxion.numpy as fnp
    >>> fnp.stack([fnp.zeros(3), fnp.ones(3)], axis=1).shape
    (3, 2)
    """
    if out is not None:
        no_out("stack", out)
    if dtype is None and axis.__class__ is int and _ctx.interp is EAGER and arrays.__class__ in (list, tuple):
        y = _eager_join(arrays, axis, True)  # the common case, kept fast
        if y is not None:
            return y
    xs = _promoted("stack", arrays, dtype)
    if any(x.shape != xs[0].shape for x in xs):
        raise op_error(ShapeError, "stack", f"arrays must have one shape, got {', '.join(str(x.shape) for x in xs)}",
                       "broadcast or reshape them to one shape first (fnp.concatenate joins along an existing axis)")
    (axis,) = _axes("stack", axis, xs[0].ndim + 1)
    return S.concatenate([S.expand_dims(x, (axis,)) for x in xs], axis)


def _eager_stack(tup, dtype, at_least, axis) -> Array | None:
    """`_eager_join` of eager Arrays made `at_least` so deep, along `axis(arrays)`; None where that
    does not apply (other operands, `dtype` given, dtypes that differ), which goes the general way."""
    if dtype is None and _ctx.interp is EAGER and tup.__class__ in (list, tuple) and tup and all(
            a.__class__ is Array for a in tup):
        xs = [at_least(a) for a in tup]
        return _eager_join(xs, axis(xs), False)
    return None


def vstack(tup, *, dtype=None) -> Array:
    """Stack rows: 1-d arrays become rows, then join along axis 0.

    >>> import fluxion.numpy as fnp
    >>> fnp.vstack([fnp.zeros(3), fnp.ones(3)]).shape
    (2, 3)
    """
    if (out := _eager_stack(tup, dtype, atleast_2d, lambda xs: 0)) is not None:  # the common case, kept fast
        return out
    return S.concatenate([atleast_2d(x) for x in _promoted("vstack", tup, dtype)], 0)


def hstack(tup, *, dtype=None) -> Array:
    """Stack columns: join 1-d arrays along axis 0, others along axis 1.

    >>> import fluxion.numpy as fnp
    >>> fnp.hstack([fnp.zeros((2, 1)), fnp.ones((2, 2))]).shape
    (2, 3)
    """
    if (out := _eager_stack(tup, dtype, atleast_1d, lambda xs: 0 if xs[0].ndim == 1 else 1)) is not None:  # kept fast
        return out
    xs = [atleast_1d(x) for x in _promoted("hstack", tup, dtype)]
    return S.concatenate(xs, 0 if xs[0].ndim == 1 else 1)


def dstack(tup, *, dtype=None) -> Array:
    """Stack along the third axis (inputs made at least 3-d first).

    >>> import fluxion.numpy as fnp
    >>> fnp.dstack([fnp.zeros((2, 2)), fnp.ones((2, 2))]).shape
    (2, 2, 2)
    """
    return S.concatenate([atleast_3d(x) for x in _promoted("dstack", tup, dtype)], 2)


def column_stack(tup) -> Array:
    """Join 1-d arrays as the columns of a 2-d array (2-d inputs join along axis 1).

    >>> import fluxion.numpy as fnp
    >>> fnp.column_stack([fnp.zeros(3), fnp.ones(3)]).shape
    (3, 2)
    """
    xs = [S.reshape(x, (x.size, 1)) if x.ndim < 2 else x for x in _promoted("column_stack", tup, None)]
    return S.concatenate(xs, 1)


# splitting ----------------------------------------------------------------------------------
def _split_at(x: Array, bounds: list[int], axis: int) -> list[Array]:
    """Pieces of `x` between consecutive `bounds` along `axis` (bounds as Python slice ends)."""
    n = x.shape[axis]
    pieces = []
    for lo, hi in zip(bounds, bounds[1:]):
        start, stop, _ = builtins.slice(lo, hi).indices(n)
        if _eager(x):  # kept fast: the kernel's view
            pieces.append(_view(x, x._value[_along(axis, builtins.slice(start, max(start, stop)))]))
        else:
            pieces.append(S.slice_in_dim(x, start, max(start, stop), axis=axis))
    return pieces


def _split(op: str, x, indices_or_sections, axis: int, equal: bool) -> list[Array]:
    if (a := _eager_axis(x, axis)) is None:
        x = _arr(x)
        (a,) = _axes(op, axis, x.ndim)
    axis = a
    n = x.shape[axis]
    if isinstance(indices_or_sections, (int, np.integer)) or (
            isinstance(indices_or_sections, Array) and indices_or_sections.ndim == 0):
        sections = operator.index(indices_or_sections)
        if sections <= 0:
            raise op_error(ValueError, op, f"the number of sections must be > 0, got {sections}",
                           "pass a positive number of sections or a list of split indices")
        if equal and n % sections:
            raise op_error(ValueError, op, f"an axis of size {n} does not split into {sections} equal sections",
                           "use fnp.array_split for unequal sections, or pass split indices")
        size, extra = divmod(n, sections)
        bounds = [0]
        for i in range(sections):
            bounds.append(bounds[-1] + size + (i < extra))
    else:
        bounds = [0, *(operator.index(i) for i in indices_or_sections), n]
    return _split_at(x, bounds, axis)


def split(ary, indices_or_sections, axis: int = 0) -> list[Array]:
    """Split into equal sections (an int, which must divide the axis) or at the given indices.

    >>> import fluxion.numpy as fnp
    >>> [p.tolist() for p in fnp.split(fnp.arange(5), [2, 3])]
    [[0, 1], [2], [3, 4]]
    """
    return _split("split", ary, indices_or_sections, axis, equal=True)


def array_split(ary, indices_or_sections, axis: int = 0) -> list[Array]:
    """Like `split`, but n sections need not divide the axis (the first ones get one more).

    >>> import fluxion.numpy as fnp
    >>> [p.tolist() for p in fnp.array_split(fnp.arange(5), 2)]
    [[0, 1, 2], [3, 4]]
    """
    return _split("array_split", ary, indices_or_sections, axis, equal=False)


def unstack(x, /, *, axis: int = 0) -> tuple[Array, ...]:
    """The slices of `x` along `axis`, as a tuple.

    >>> import fluxion.numpy as fnp
    >>> [a.tolist() for a in fnp.unstack(fnp.asarray([[1, 2], [3, 4]]), axis=1)]
    [[1, 3], [2, 4]]
    """
    if (a := _eager_axis(x, axis)) is not None:  # kept fast: the kernel's views
        v = x._value
        return tuple(_view(x, v[_along(a, i) + (...,)]) for i in range(v.shape[a]))
    x = _arr(x)
    (axis,) = _axes("unstack", axis, x.ndim)
    return tuple(S.squeeze(S.slice_in_dim(x, i, i + 1, axis=axis), (axis,)) for i in range(x.shape[axis]))
