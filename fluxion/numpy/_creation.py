"""Array creation: conversion (asarray), filled arrays, ranges, and matrices built from iota.

Computed results (ranges, eye, tri, ...) are built from primitives, so that they work under
every transformation; sizes, counts and offsets are static Python ints. `device=` (one of
`fx.devices()`, a name such as "xla-cpu:0", or None) places the result (see _placement.py);
the `*_like` functions without it put theirs on the device of their argument.
"""
from __future__ import annotations

import functools
import math
import operator

import numpy as np

from ..core import dtypes
from ..core.array import HOST, Array, Tracer, refuse_masked, scalar_value, to_array
from ..core.errors import (
    ConcretizationError,
    DTypeError,
    InvalidArgumentError,
    ShapeError,
    op_error,
)
from ..core.interpreters import EAGER, MAX_NDIM, _ctx
from ..ops import elementwise as E
from ..ops import shape as S
from ..ops._util import broadcast_shape
from ._convert import convert, dtype_of, warn_if_discarding_imaginary
from ._elementwise_base import eager_array
from ._placement import place, resolve

__all__ = ["arange", "array", "asanyarray", "asarray", "asarray_chkfinite", "ascontiguousarray", "asfortranarray",
           "copy", "empty", "empty_like", "eye", "from_dlpack", "full", "full_like",
           "geomspace", "identity", "linspace", "logspace", "meshgrid", "ones", "ones_like", "tri", "tril", "triu",
           "zeros", "zeros_like"]

_SCALARS = (bool, int, float, complex)


def asarray(obj, /, dtype=None, order=None, *, device=None, copy: bool | None = None) -> Array:
    """Convert `obj` (an Array, NumPy array, nested sequence or Python scalar) to an Array.

    Python floats become float32 and ints int64 unless `dtype` (which may be given by position,
    as in NumPy) says otherwise; NumPy arrays keep their dtype (float64 stays float64). An
    Array stays on its device unless `device` names another (moving it is a copy, so
    `copy=False` forbids it). NumPy's memory `order` is accepted and changes nothing: an
    Array's layout is not part of its value.

    >>> import fluxion.numpy as fnp
    >>> fnp.asarray([1, 2.5]).dtype
    dtype('float32')
    >>> fnp.asarray([1, 2], device="xla-cpu:0").device
    xla-cpu:0
    """
    if order is not None:
        _check_order("asarray", order)
    if device is None:  # the common case: no placement to check
        return _asarray(obj, dtype, copy)
    device = resolve("asarray", device)
    return place("asarray", _asarray(obj, dtype, copy), device, copy)


# the dtype of a flat list of Python scalars of these types (ints and floats promote to the float)
_FLAT = {frozenset((float,)): dtypes.default_float, frozenset((int, float)): dtypes.default_float,
         frozenset((int,)): dtypes.default_int}


def _asarray(obj, dtype, copy: bool | None) -> Array:
    # the common case, kept fast
    if obj.__class__ is list and dtype is None and copy is not False and _ctx.interp is EAGER:
        dt = _FLAT.get(frozenset(map(type, obj)))
        if dt is not None:
            try:
                value = np.array(obj, dt)
            except OverflowError:  # an int out of range: the general path names it
                pass
            else:
                return Array(value)
    if dtype is not None:
        dtype = dtypes.canonicalize(dtype)
    if isinstance(obj, Array):
        if dtype is None or dtype == obj.dtype:
            return obj.copy() if copy else obj
        if copy is False:
            raise InvalidArgumentError(f"asarray: converting {obj.dtype} to {dtype} needs a copy, "
                                       "but copy=False was passed")
        warn_if_discarding_imaginary("asarray", obj.dtype, dtype, 3)
        return convert(obj, dtype)
    python = isinstance(obj, (list, tuple)) or isinstance(obj, _SCALARS) and not isinstance(obj, np.generic)
    if python and copy is False:  # the standard: a copy that copy=False forbids is a ValueError
        raise op_error(ValueError, "asarray", f"making an array from a Python {type(obj).__name__} copies it, "
                       "but copy=False was passed", "pass copy=None (copy only when needed)")
    if isinstance(obj, (list, tuple)):
        return to_array(obj, dtype)
    if python:
        return convert(obj, dtype or dtypes.scalar_dtype(obj))
    refuse_masked(obj)
    if copy is False and dtype is not None and np.asarray(obj).dtype != dtype:
        raise InvalidArgumentError(f"asarray: converting to {dtype} needs a copy, but copy=False was passed")
    value = np.array(obj, dtype=dtype, copy=copy is not False)
    if value.dtype not in dtypes.ALL:
        if value.dtype == object or value.dtype.kind in "USVMm":
            raise op_error(DTypeError, "asarray", f"cannot make an array of dtype {value.dtype} from {type(obj).__name__}",
                           "pass numbers, booleans, or arrays of a numeric dtype")
        dt = dtypes.canonicalize(value.dtype)
        if copy is False:  # (a byte order of its own: the conversion copies)
            raise op_error(ValueError, "asarray", f"converting {value.dtype.str} to {dt} copies it, but copy=False "
                           "was passed", "pass copy=None (copy only when needed)")
        value = value.astype(dt)
    return Array(value)


def array(obj, dtype=None, *, copy: bool = True, order="K", ndmin: int = 0, device=None) -> Array:
    """NumPy's `array`: like `asarray` (fluxion arrays never share mutable memory), with at least
    `ndmin` dimensions (ones put in front).

    >>> import fluxion.numpy as fnp
    >>> fnp.array([1, 2], ndmin=3).shape
    (1, 1, 2)
    """
    out = asarray(obj, dtype=dtype, order=order, copy=copy, device=device)
    return out.reshape((1,) * (ndmin - out.ndim) + out.shape) if out.ndim < ndmin else out


def copy(a, /, order="K") -> Array:
    """A copy of `a` (arrays are values, so this matters only for identity).

    >>> import fluxion.numpy as fnp
    >>> fnp.copy([1, 2]).tolist()
    [1, 2]
    """
    return asarray(a, order=order, copy=True)


def asanyarray(a, dtype=None, order=None, *, device=None, copy: bool | None = None) -> Array:
    """`asarray` (fluxion has no array subclasses to keep)."""
    return asarray(a, dtype, order, device=device, copy=copy)


def ascontiguousarray(a, dtype=None) -> Array:
    """`asarray` with at least one dimension, as NumPy's (every Array is contiguous).

    >>> import fluxion.numpy as fnp
    >>> fnp.ascontiguousarray(3.0).shape
    (1,)
    """
    out = asarray(a, dtype)
    return out.reshape(1) if out.ndim == 0 else out


asfortranarray = ascontiguousarray  # (a layout, which does not change a value)


def asarray_chkfinite(a, dtype=None, order=None) -> Array:
    """`asarray`, raising a ValueError where an element is infinite or NaN (which needs the
    values: under jit, check before the jitted call).

    >>> import fluxion.numpy as fnp
    >>> fnp.asarray_chkfinite([1.0, fnp.nan])
    Traceback (most recent call last):
    ...
    ValueError: array must not contain infs or NaNs
    """
    x = asarray(a, dtype, order)
    if x.dtype in dtypes.FLOATING and not bool(E.is_finite_p.bind(x).all()):
        raise ValueError("array must not contain infs or NaNs")
    return x


_ORDERS = ("C", "F", "A", "K")


def _check_order(op: str, order) -> None:
    if order not in _ORDERS:
        raise op_error(ValueError, op, f"order must be one of 'C', 'F', 'A' or 'K', got {order!r}",
                       "pass one of them (all give the same Array: its layout is not part of its value)")


def from_dlpack(x, /, *, device=None, copy: bool | None = None) -> Array:
    """An Array from an object exporting DLPack (`__dlpack__`), e.g. a PyTorch CPU tensor, on
    `device` (default: the host; for a fluxion Array, its own device).

    The data is copied unless `copy=False`, since the exporter's buffer may change later.

    >>> import numpy as np, fluxion.numpy as fnp
    >>> fnp.from_dlpack(np.arange(3)).tolist()
    [0, 1, 2]
    """
    if isinstance(x, Array) and not isinstance(x, Tracer):  # (where it is, with no trip through the host)
        return asarray(x, device=device, copy=copy is not False)
    device = resolve("from_dlpack", device)
    return place("from_dlpack", _asarray(np.from_dlpack(x), None, copy is not False), device, copy)


# filled arrays ------------------------------------------------------------------------------
def _shape(op: str, shape) -> tuple[int, ...]:
    """A shape from an int or a sequence (or 1-d array) of ints; negative sizes are an error."""
    if shape.__class__ is tuple and all(d.__class__ is int and d >= 0 for d in shape):
        return shape
    try:
        many = shape.__class__ in (tuple, list) or np.ndim(shape)  # (np.ndim of a tuple would convert a traced size)
        shape = tuple(map(operator.index, shape)) if many else (operator.index(shape),)
    except ConcretizationError:
        raise  # a traced size: its message names the argument and the fix
    except TypeError:
        raise op_error(TypeError, op, f"shape must be an int or a sequence of ints, got {shape!r}",
                       "pass e.g. (2, 3)") from None
    if any(d < 0 for d in shape):
        raise op_error(ShapeError, op, f"shape {shape} has a negative size", "use sizes >= 0")
    return shape


def _dtype(dtype, default: np.dtype) -> np.dtype:
    return default if dtype is None else dtypes.canonicalize(dtype)


def _fill(op: str, shape, fill_value, dtype) -> Array:
    """`shape` filled with `fill_value` (a scalar or an array broadcastable to `shape`) as `dtype`."""
    if isinstance(fill_value, (bool, int, float, complex)) and not isinstance(fill_value, np.generic):
        return S.full(shape, fill_value, dtype)
    value = asarray(fill_value)
    if value.ndim > len(shape) or any(a not in (1, b) for a, b in zip(value.shape[::-1], shape[::-1])):
        raise op_error(ShapeError, op, f"fill_value of shape {value.shape} cannot be broadcast to shape {shape}",
                       "pass a scalar, or an array whose trailing axes are 1 or match the shape")
    return S.broadcast_to(convert(value, dtype), shape)


def _fill_dtype(fill_value) -> np.dtype:
    """The dtype `full` gives a fill value: Python scalars take the default of their kind."""
    if isinstance(fill_value, (list, tuple)):
        return asarray(fill_value).dtype
    return dtype_of(fill_value)[0]


def _eager_shape(shape) -> tuple | None:
    """`shape` as a tuple where it is an int or a tuple of ints >= 0, as the fast paths take it; else None
    (also beyond NumPy's rank limit, whose error the general path gives)."""
    if shape.__class__ is int:
        shape = (shape,)
    if shape.__class__ is tuple and len(shape) <= MAX_NDIM and all(d.__class__ is int and d >= 0 for d in shape):
        return shape
    return None


def _filled(shape: tuple, dt: np.dtype, value) -> Array:
    """A NumPy array of `shape` and `dt` filled with `value` (0 or 1, or a 0-d array of `dt`), as
    the general path's filled constant is."""
    y = Array.__new__(Array)
    y._value, y._weak = np.empty(shape, dt), False
    y._value.fill(value)
    return y


def _constant(op: str, shape, value: int, dtype, device) -> Array:
    if device is None and _ctx.interp is EAGER and (valid := _eager_shape(shape)) is not None:  # kept fast
        return _filled(valid, _dtype(dtype, dtypes.default_float), value)
    device = resolve(op, device)
    return place(op, S.full(_shape(op, shape), value, _dtype(dtype, dtypes.default_float)), device)


def zeros(shape, dtype=None, *, device=None) -> Array:
    """An array of zeros (float32 unless `dtype` is given).

    >>> import fluxion.numpy as fnp
    >>> fnp.zeros((2, 2), dtype=fnp.int32).tolist()
    [[0, 0], [0, 0]]
    >>> fnp.zeros(3, device="xla-cpu").device
    xla-cpu:0
    """
    return _constant("zeros", shape, 0, dtype, device)


def ones(shape, dtype=None, *, device=None) -> Array:
    """An array of ones (float32 unless `dtype` is given).

    >>> import fluxion.numpy as fnp
    >>> fnp.ones(3).tolist()
    [1.0, 1.0, 1.0]
    """
    return _constant("ones", shape, 1, dtype, device)


def empty(shape, dtype=None, *, device=None) -> Array:
    """An array whose contents are unspecified (fluxion fills it with zeros).

    >>> import fluxion.numpy as fnp
    >>> fnp.empty((0, 3)).shape
    (0, 3)
    """
    return _constant("empty", shape, 0, dtype, device)


def full(shape, fill_value, dtype=None, *, device=None) -> Array:
    """An array of `shape` filled with `fill_value`.

    Without `dtype`, a Python bool gives bool, an int int64, a float float32, a complex
    complex64; an array fill value keeps its dtype (and broadcasts to `shape`).

    >>> import fluxion.numpy as fnp
    >>> fnp.full((2,), 7).tolist(), fnp.full((2,), 7).dtype
    ([7, 7], dtype('int64'))
    """
    if (fill_value.__class__ in _SCALARS and device is None and _ctx.interp is EAGER
            and (valid := _eager_shape(shape)) is not None):  # the common case, kept fast
        dt = dtypes.scalar_dtype(fill_value) if dtype is None else dtypes.canonicalize(dtype)
        return _filled(valid, dt, scalar_value(fill_value, dt))
    device = resolve("full", device)
    dt = _dtype(dtype, None) or _fill_dtype(fill_value)
    return place("full", _fill("full", _shape("full", shape), fill_value, dt), device)


def _eager_like(x, dtype, shape, device) -> tuple[tuple, np.dtype] | None:
    """The shape and dtype (or `dtype`) of eager `x`, for a fast path; None where another shape or
    a device is asked for, which goes the general way."""
    if x.__class__ is not Array or shape is not None or device is not None or _ctx.interp is not EAGER:
        return None
    v = x._value
    return v.shape, v.dtype if dtype is None else dtypes.canonicalize(dtype)


def _like(op: str, x, dtype, shape, device):
    """The shape, dtype and device of a result like `x` (each given, or taken from `x`)."""
    device = resolve(op, device)
    x = x if isinstance(x, Array) else asarray(x)
    return _shape(op, x.shape if shape is None else shape), _dtype(dtype, x.dtype), device or x.device


def zeros_like(x, /, dtype=None, *, shape=None, device=None) -> Array:
    """Zeros with the shape and dtype of `x` (either may be overridden).

    >>> import fluxion.numpy as fnp
    >>> fnp.zeros_like(fnp.asarray([1, 2])).tolist()
    [0, 0]
    """
    if (like := _eager_like(x, dtype, shape, device)) is not None:  # the common case, kept fast
        return _filled(*like, 0)
    shape, dt, device = _like("zeros_like", x, dtype, shape, device)
    return place("zeros_like", S.full(shape, 0, dt), device)


def ones_like(x, /, dtype=None, *, shape=None, device=None) -> Array:
    """Ones with the shape and dtype of `x` (either may be overridden).

    >>> import fluxion.numpy as fnp
    >>> fnp.ones_like(fnp.zeros((2, 1), dtype=fnp.bool)).tolist()
    [[True], [True]]
    """
    if (like := _eager_like(x, dtype, shape, device)) is not None:  # the common case, kept fast
        return _filled(*like, 1)
    shape, dt, device = _like("ones_like", x, dtype, shape, device)
    return place("ones_like", S.full(shape, 1, dt), device)


def empty_like(x, /, dtype=None, *, shape=None, device=None) -> Array:
    """An array with the shape and dtype of `x`, contents unspecified (zeros in fluxion).

    >>> import fluxion.numpy as fnp
    >>> fnp.empty_like(fnp.zeros(3)).shape
    (3,)
    """
    if (like := _eager_like(x, dtype, shape, device)) is not None:  # the common case, kept fast
        return _filled(*like, 0)
    shape, dt, device = _like("empty_like", x, dtype, shape, device)
    return place("empty_like", S.full(shape, 0, dt), device)


def full_like(x, /, fill_value, dtype=None, *, shape=None, device=None) -> Array:
    """`fill_value` with the shape and dtype of `x` (either may be overridden).

    >>> import fluxion.numpy as fnp
    >>> fnp.full_like(fnp.zeros(2, dtype=fnp.int32), 2.7).tolist()
    [2, 2]
    """
    if fill_value.__class__ in _SCALARS and (like := _eager_like(x, dtype, shape, device)) is not None:
        return _filled(*like, scalar_value(fill_value, like[1]))  # the common case, kept fast
    shape, dt, device = _like("full_like", x, dtype, shape, device)
    return place("full_like", _fill("full_like", shape, fill_value, dt), device)


# ranges -------------------------------------------------------------------------------------
def _number(op: str, v):
    """A concrete Python number from a scalar or a 0-d array (ConcretizationError when traced)."""
    if isinstance(v, Array):
        return v._scalar(op)
    if isinstance(v, np.generic):
        return v.item()
    if isinstance(v, (bool, int, float, complex)):
        return v
    raise op_error(TypeError, op, f"expected a number, got {type(v).__name__}", "pass a Python int or float")


def _const(v, dt: np.dtype) -> Array:
    return Array(np.asarray(v, dt))


def arange(start, /, stop=None, step=1, dtype=None, *, device=None) -> Array:
    """Evenly spaced values in `[start, stop)` with spacing `step` (`arange(n)`: 0..n-1).

    Python ints give int64 and floats float32 unless `dtype` says otherwise; as in NumPy, the
    dtype is at least int64 (`arange(np.int8(3))` gives int64); the length is
    `ceil((stop - start) / step)`. An integer `dtype` with a float start or step counts, as in
    NumPy, from `dtype(start)` by `dtype(start + step) - dtype(start)`.

    >>> import fluxion.numpy as fnp
    >>> fnp.arange(5).tolist(), fnp.arange(3, 0, -1).tolist(), fnp.arange(0, 1, 0.25).tolist()
    ([0, 1, 2, 3, 4], [3, 2, 1], [0.0, 0.25, 0.5, 0.75])
    """
    if (dtype is None and device is None and _ctx.interp is EAGER and start.__class__ is int
            and stop.__class__ in (int, type(None)) and step.__class__ is int and step):  # the common case, kept fast
        y = Array.__new__(Array)
        y._value, y._weak = np.arange(*((0, start) if stop is None else (start, stop)), step, dtypes.int64), False
        return y
    if dtype is None and device is None and _ctx.interp is EAGER:
        if (out := _float_range(start, stop, step)) is not None:
            return out
    device = resolve("arange", device)
    if stop is None:
        start, stop = 0, start
    lo, hi, st = (_number("arange", v) for v in (start, stop, step))
    if any(isinstance(v, complex) for v in (lo, hi, st)):
        raise op_error(DTypeError, "arange", "takes real start, stop and step", "use linspace for complex ranges")
    if st == 0:
        raise op_error(ValueError, "arange", "step must not be zero", "pass a positive or negative step")
    at_least_int64 = (dtypes.default_int, False)
    dt = _dtype(dtype, None) or dtypes.result_type(at_least_int64, *map(dtype_of, (start, stop, step)))[0]
    exact = all(isinstance(v, int) for v in (lo, hi, st))
    if not exact and not all(map(math.isfinite, (lo, hi, st))):
        raise op_error(ValueError, "arange", f"needs finite start, stop and step, got {lo}, {hi}, {st}",
                       "pass finite numbers")
    n = max(-((lo - hi) // st) if exact else math.ceil((hi - lo) / st), 0)
    if not exact and dt.kind in "iu":
        # NumPy's (and JAX's) integer range: start and the step cast as `dtype(start + step) - dtype(start)`
        lo, st, exact = int(lo), int(lo + st) - int(lo), True
    if lo == 0 and st == 1 and dt != dtypes.bool_:
        return place("arange", S.iota(dt, (n,), 0), device)
    work = (dtypes.uint64 if dt == dtypes.uint64 else dtypes.int64) if exact and dt.kind in "iu" else dtypes.float64
    if work == dtypes.uint64:  # counts past int64's range; a negative step wraps, as unsigned arithmetic does
        lo, st = lo % 2**64, st % 2**64
    values = E.add_p.bind(E.mul_p.bind(S.iota(work, (n,), 0), _const(st, work)), _const(lo, work))
    return place("arange", convert(values, dt), device)


def _float_range(start, stop, step) -> Array | None:
    """The general path's float32 arange of Python numbers (a float among them, all finite) by the
    same float64 kernels; None in every other case."""
    lo, hi = (0, start) if stop is None else (start, stop)
    if not (all(v.__class__ is float or v.__class__ is int for v in (lo, hi, step))
            and float in (lo.__class__, hi.__class__, step.__class__) and step and math.isfinite(lo + hi + step)):
        return None
    n = max(math.ceil((hi - lo) / step), 0)
    return eager_array((np.arange(n, dtype=np.float64) * np.float64(step) + np.float64(lo)).astype(np.float32), False)


def _inexact(dt: np.dtype) -> np.dtype:
    return dt if dt in dtypes.FLOATING else dtypes.default_float


def _count(op: str, num) -> int:
    """The number of samples `num` as a Python int."""
    try:
        return operator.index(num)
    except ConcretizationError:  # (a traced count: its own error)
        raise
    except TypeError:
        raise op_error(TypeError, op, f"num must be an integer, got {type(num).__name__} {num!r}",
                       "pass the number of samples as an int") from None


def _interpolate(op: str, start: Array, stop: Array, num: int, endpoint: bool) -> tuple[Array, Array]:
    """`num` points from `start` to `stop` along a new leading axis, and the step between them."""
    if num < 0:
        raise op_error(ValueError, op, f"num must be >= 0, got {num}", "pass a non-negative number of samples")
    div = num - 1 if endpoint else num
    delta = E.sub_p.bind(stop, start)
    if div <= 0:  # at most one sample, start; there is no step (NumPy reports NaN)
        values = S.broadcast_to(start, (num,) + delta.shape)
        return values, E.mul_p.bind(delta, _const(np.nan, delta.dtype))
    step = E.div_p.bind(delta, _const(div, delta.dtype))
    values = E.add_p.bind(E.mul_p.bind(S.iota(step.dtype, (num,) + step.shape, 0), step), start)
    if endpoint and num > 1:
        values = _with_ends(values, None, stop)
    return values, step


def _with_ends(values: Array, first: Array | None, last: Array | None) -> Array:
    """`values` with its first/last entries along axis 0 replaced (exact endpoints)."""
    n = values.shape[0]
    pieces = [S.broadcast_to(first, (1,) + values.shape[1:])] if first is not None else []
    pieces.append(S.slice_in_dim(values, 0 if first is None else 1, n if last is None else n - 1))
    if last is not None:
        pieces.append(S.broadcast_to(last, (1,) + values.shape[1:]))
    return S.concatenate(pieces, 0)


def _move_first_axis(values: Array, axis: int) -> Array:
    axis = operator.index(axis)
    if not -values.ndim <= axis < values.ndim:
        raise op_error(ShapeError, "linspace", f"axis {axis} is out of range for a result of {values.ndim} dimensions",
                       f"use an axis in [{-values.ndim}, {values.ndim - 1}]")
    perm = list(range(1, values.ndim))
    perm.insert(axis % values.ndim, 0)
    return S.transpose(values, perm)


def _endpoints(start, stop, dtype, *others) -> tuple[Array, Array, np.dtype]:
    """`start` and `stop` in the working precision (float64 or complex128) and the result dtype
    (which `others`, such as logspace's base, take part in)."""
    start, stop = (v if isinstance(v, (Array, bool, int, float, complex)) else asarray(v) for v in (start, stop))
    given = dtypes.result_type(*map(dtype_of, (start, stop) + others))[0]
    dt = _dtype(dtype, None) or _inexact(given)
    work = dtypes.complex128 if dtypes.COMPLEX_KIND in (dtypes.kind(dt), dtypes.kind(given)) else dtypes.float64
    return convert(start, work), convert(stop, work), dt


def _to_result(values: Array, dt: np.dtype) -> Array:
    if dt.kind in "iu" and values.dtype.kind == "f":
        values = E.floor_p.bind(values)  # NumPy's linspace rounds toward -inf for integer dtypes
    return convert(values, dt)


_REAL = (int, float)
_REAL_FLOATING = frozenset(dtypes.REAL_FLOATING)


def _eager_linspace(start: float, stop: float, num: int, endpoint: bool, dt: np.dtype) -> Array:
    """`_interpolate`'s samples (num > 1) computed by its kernels on float64 values, as `dt`."""
    values = np.arange(num, dtype=np.float64)
    values *= (stop - start) / (num - 1 if endpoint else num)
    values += start
    if endpoint:
        values[-1] = stop
    y = Array.__new__(Array)
    y._value, y._weak = values.astype(dt), False
    return y


def linspace(start, stop, /, num: int = 50, endpoint: bool = True, retstep: bool = False, dtype=None,
             axis: int = 0, *, device=None):
    """`num` evenly spaced samples from `start` to `stop` (inclusive unless `endpoint=False`).

    `start` and `stop` may be arrays; the samples then run along `axis`. With `retstep=True`
    returns `(samples, step)`.

    >>> import fluxion.numpy as fnp
    >>> fnp.linspace(0, 1, 5).tolist()
    [0.0, 0.25, 0.5, 0.75, 1.0]
    """
    if (start.__class__ in _REAL and stop.__class__ in _REAL and num.__class__ is int and num > 1 and not retstep
            and axis == 0 and device is None and _ctx.interp is EAGER):  # the common case, kept fast
        dt = dtypes.default_float if dtype is None else dtypes.canonicalize(dtype)
        if dt in _REAL_FLOATING:
            return _eager_linspace(float(start), float(stop), num, endpoint, dt)
    device = resolve("linspace", device)
    start, stop, dt = _endpoints(start, stop, dtype)
    values, step = _interpolate("linspace", start, stop, _count("linspace", num), endpoint)
    out = place("linspace", _to_result(_move_first_axis(values, axis), dt), device)
    return (out, place("linspace", convert(step, _inexact(dt)), device)) if retstep else out


def logspace(start, stop, /, num: int = 50, endpoint: bool = True, base=10.0, dtype=None, axis: int = 0, *,
             device=None) -> Array:
    """`base ** linspace(start, stop, num)`: samples evenly spaced on a log scale.

    `base` may be an array: as in NumPy, it broadcasts with `start` and `stop`, and the samples
    run along `axis` of the result.

    >>> import fluxion.numpy as fnp
    >>> fnp.logspace(0, 2, 3).tolist()
    [1.0, 10.0, 100.0]
    >>> fnp.logspace(0, 2, 3, base=fnp.asarray([2.0, 10.0]), axis=1).tolist()
    [[1.0, 2.0, 4.0], [1.0, 10.0, 100.0]]
    """
    device = resolve("logspace", device)
    start, stop, dt = _endpoints(start, stop, dtype, base)
    base = convert(base, start.dtype)  # (a list of Python numbers exactly)
    if base.ndim:  # start, stop and base of one rank, and base with the samples' (leading) axis
        if (shape := broadcast_shape(start.shape, stop.shape, base.shape)) is None:
            raise op_error(ShapeError, "logspace", f"start, stop and base of shapes {start.shape}, {stop.shape} and "
                           f"{base.shape} do not broadcast together", "pass base as a scalar or of a shape "
                           "that broadcasts with start and stop")
        rank = len(shape)
        start, stop, base = (S.reshape(v, (1,) * (rank - v.ndim) + v.shape) for v in (start, stop, base))
        base = S.expand_dims(base, (0,))
    exponents, _ = _interpolate("logspace", start, stop, _count("logspace", num), endpoint)
    values = E.pow_p.bind(base, exponents)
    return place("logspace", convert(_move_first_axis(values, axis), dt), device)  # (toward 0, as NumPy's)


def geomspace(start, stop, /, num: int = 50, endpoint: bool = True, dtype=None, axis: int = 0, *,
              device=None) -> Array:
    """Samples from `start` to `stop` in a geometric progression (each a constant multiple of the last).

    Both ends must be non-zero; negative (or complex) ends keep the sign of `start`.

    >>> import fluxion.numpy as fnp
    >>> fnp.geomspace(1, 1000, 4).tolist()
    [1.0, 10.0, 100.0, 1000.0]
    """
    device = resolve("geomspace", device)
    start, stop, dt = _endpoints(start, stop, dtype)
    # eager ends are checked as NumPy checks them; traced ones have no value to check
    if any(v.__class__ in HOST and not np.all(v._value) for v in (start, stop)):
        raise op_error(ValueError, "geomspace", "a geometric sequence cannot start or end at zero",
                       "use non-zero start and stop (or linspace)")
    num = _count("geomspace", num)
    sign = E.sign_p.bind(start)
    start, stop = E.div_p.bind(start, sign), E.div_p.bind(stop, sign)
    # powers of ten, as NumPy computes them, so that decades come out exact (1, 10, 100, ...)
    logs, _ = _interpolate("geomspace", E.log10_p.bind(start), E.log10_p.bind(stop), num, endpoint)
    values = E.pow_p.bind(convert(10.0, logs.dtype), logs)
    if num:
        values = _with_ends(values, start, stop if endpoint and num > 1 else None)
    return place("geomspace", convert(_move_first_axis(E.mul_p.bind(values, sign), axis), dt), device)  # (toward 0)


# matrices ----------------------------------------------------------------------------------
def _band(n: int, m: int, k: int, prim) -> Array:
    """The (n, m) boolean mask `prim(col - row, k)`; eq gives a diagonal, le a lower triangle."""
    offsets = E.sub_p.bind(S.iota(dtypes.int64, (n, m), 1), S.iota(dtypes.int64, (n, m), 0))
    if isinstance(k, Tracer) and k.ndim == 0 and k.dtype in dtypes.INTEGER:  # a traced offset, as jax takes
        return prim.bind(offsets, convert(k, dtypes.int64))
    k = min(max(operator.index(k), -n), m)  # offsets lie in (-n, m): a farther k compares the same
    return prim.bind(offsets, _const(k, dtypes.int64))


def eye(n_rows: int, n_cols: int | None = None, /, k: int = 0, dtype=None, *, M: int | None = None,
        device=None) -> Array:
    """A 2-d array with ones on the `k`-th diagonal and zeros elsewhere.

    `M` is NumPy's (and JAX's) keyword for `n_cols`, so that `eye(3, M=4)` works as there.

    >>> import fluxion.numpy as fnp
    >>> fnp.eye(2, 3, k=1).tolist()
    [[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]
    >>> fnp.eye(1, M=2).tolist()
    [[1.0, 0.0]]
    """
    if M is not None:
        if n_cols is not None:
            raise op_error(TypeError, "eye", f"got the number of columns twice (n_cols={n_cols}, M={M})",
                           "pass one of them")
        n_cols = M
    if n_cols is None:
        n_cols = n_rows
    if (n_rows.__class__ is int and n_cols.__class__ is int and k.__class__ is int and n_rows >= 0 and n_cols >= 0
            and device is None):  # the common case, kept fast (traced, a constant too)
        y = Array.__new__(Array)
        y._value, y._weak = np.eye(n_rows, n_cols, k, _dtype(dtype, dtypes.default_float)), False
        return y
    device = resolve("eye", device)
    n, m = _shape("eye", (n_rows, n_cols))
    return place("eye", convert(_band(n, m, k, E.eq_p), _dtype(dtype, dtypes.default_float)), device)


def identity(n: int, dtype=None, *, device=None) -> Array:
    """The n x n identity matrix.

    >>> import fluxion.numpy as fnp
    >>> fnp.identity(2, dtype=fnp.int32).tolist()
    [[1, 0], [0, 1]]
    """
    return eye(n, dtype=dtype, device=device)


def tri(N: int, M: int | None = None, k: int = 0, dtype=None, *, device=None) -> Array:
    """An (N, M) array with ones at and below the `k`-th diagonal, zeros above (a negative size
    counts as 0, as in NumPy).

    >>> import fluxion.numpy as fnp
    >>> fnp.tri(2, 3, dtype=fnp.int32).tolist()
    [[1, 0, 0], [1, 1, 0]]
    """
    device = resolve("tri", device)
    n, m = (max(operator.index(d), 0) for d in (N, N if M is None else M))
    dt = _dtype(dtype, dtypes.default_float)
    if not isinstance(k, Array):  # the common case, kept fast (traced, a constant too)
        return place("tri", eager_array(band_mask(n, m, operator.index(k), True).astype(dt), False), device)
    return place("tri", convert(_band(n, m, k, E.le_p), dt), device)


_CACHED_BAND = 1 << 16  # elements up to which masks are kept (at most 16 MiB in all)


def band_mask(n: int, m: int, k: int, lower: bool) -> np.ndarray:
    """The (n, m) boolean NumPy mask of `_band(n, m, k, le_p)` (lower) or `ge_p` (upper), read-only."""
    k = min(max(k, -n), m)  # as in _band
    return (_small_band if n * m <= _CACHED_BAND else _small_band.__wrapped__)(n, m, k, lower)


@functools.lru_cache(maxsize=256)
def _small_band(n: int, m: int, k: int, lower: bool) -> np.ndarray:
    mask = np.tri(n, m, k, bool) if lower else ~np.tri(n, m, k - 1, bool)
    mask.flags.writeable = False
    return mask


def _triangle(op: str, x, k: int, prim) -> Array:
    if k.__class__ is int and x.__class__ is Array and _ctx.interp is EAGER and (v := x._value).ndim:  # kept fast:
        n, m = v.shape[-2:] if v.ndim > 1 else v.shape * 2  # the kernel's selection between x and zeros
        return eager_array(np.where(band_mask(n, m, k, prim is E.le_p), v, np.zeros((), v.dtype)), x._weak)
    x = x if isinstance(x, Array) else asarray(x)
    if x.ndim == 0:
        raise op_error(ShapeError, op, "needs an array of at least 1 dimension, got a 0-d array",
                       "pass a vector or a matrix, or build the matrix with fnp.tri")
    if x.ndim == 1:  # as NumPy: the rows of a square matrix
        x = S.broadcast_to(x, x.shape * 2)
    # the mask and the zero as constants, which the selection broadcasts (staging would fold the
    # mask's iotas to this constant anyway): no array of x's size made for them under grad or vmap
    keep = Array(band_mask(*x.shape[-2:], operator.index(k), prim is E.le_p), False)
    return E.select_n_p.bind(keep, Array(np.zeros((), x.dtype), x.weak), x)


def tril(x, /, k: int = 0) -> Array:
    """`x` with the elements above the `k`-th diagonal (of the last two axes) set to zero; a 1-d `x`
    is taken as the rows of a square matrix, as in NumPy.

    >>> import fluxion.numpy as fnp
    >>> fnp.tril(fnp.ones((2, 2), dtype=fnp.int32)).tolist()
    [[1, 0], [1, 1]]
    """
    return _triangle("tril", x, k, E.le_p)


def triu(x, /, k: int = 0) -> Array:
    """`x` with the elements below the `k`-th diagonal (of the last two axes) set to zero; a 1-d `x`
    is taken as the rows of a square matrix, as in NumPy.

    >>> import fluxion.numpy as fnp
    >>> fnp.triu(fnp.ones((2, 2), dtype=fnp.int32)).tolist()
    [[1, 1], [0, 1]]
    """
    return _triangle("triu", x, k, E.ge_p)


def meshgrid(*arrays, indexing: str = "xy", sparse: bool = False, copy: bool = True) -> tuple[Array, ...]:
    """Coordinate arrays from 1-d coordinate vectors, as a tuple (as NumPy 2 and the array API
    standard 2025.12 return).

    `indexing="xy"` (Cartesian) swaps the first two output axes; `"ij"` (matrix) does not.
    With `sparse=True` each output keeps size 1 on the other axes. `copy` is accepted for
    NumPy compatibility; arrays are values, so it changes nothing.

    >>> import fluxion.numpy as fnp
    >>> x, y = fnp.meshgrid(fnp.arange(3), fnp.arange(2))
    >>> x.shape, y.tolist()
    ((2, 3), [[0, 0, 0], [1, 1, 1]])
    """
    if indexing not in ("xy", "ij"):
        raise op_error(ValueError, "meshgrid", f"indexing must be 'xy' or 'ij', got {indexing!r}",
                       "pass indexing='xy' (Cartesian) or 'ij' (matrix)")
    xs = [x if isinstance(x, Array) else asarray(x) for x in arrays]
    dims = list(range(len(xs)))
    if indexing == "xy" and len(xs) > 1:
        dims[0], dims[1] = 1, 0
    shape = [0] * len(xs)
    for x, d in zip(xs, dims):
        shape[d] = x.size
    if _ctx.interp is EAGER and all(x.__class__ is Array for x in xs):  # kept fast: the kernels' copies (or views)
        return tuple(_meshgrid_axis(x, [x.size if i == d else 1 for i in range(len(xs))], shape, sparse)
                     for x, d in zip(xs, dims))
    xs = [S.reshape(x, (x.size,)) for x in xs]
    if sparse:
        return tuple(S.reshape(x, tuple(x.size if i == d else 1 for i in range(len(xs)))) for x, d in zip(xs, dims))
    return tuple(S.broadcast_in_dim(x, shape, (d,)) for x, d in zip(xs, dims))


def _meshgrid_axis(x: Array, along: list, shape: list, sparse: bool) -> Array:
    """An eager `x` laid `along` one axis, and (unless `sparse`) copied to `shape`."""
    value = x._value.reshape(along)
    if not sparse:
        full = np.empty(shape, value.dtype)
        full[...] = value
        value = full
    return eager_array(value, x._weak)
