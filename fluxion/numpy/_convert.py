"""Turning user inputs into Arrays of one dtype (the promotion every function shares)."""
from __future__ import annotations

import warnings

import numpy as np

from ..core import dtypes
from ..core.array import Array, scalar_value, to_array
from ..core.errors import DTypeError, op_error
from ..ops import elementwise as E

_SCALARS = (bool, int, float, complex)


def dtype_of(x) -> tuple[np.dtype, bool]:
    """`(dtype, weak)` of an array-like or Python scalar."""
    if isinstance(x, Array):
        return x.dtype, x.weak
    if isinstance(x, _SCALARS) and not isinstance(x, np.generic):
        return dtypes.scalar_dtype(x), True
    return to_array(x).dtype, False


def convert(x, dtype: np.dtype, weak: bool = False) -> Array:
    """`x` as an Array of `dtype` (Python scalars convert exactly, and so do nested sequences of
    them into a wider dtype; arrays through the primitive)."""
    if isinstance(x, _SCALARS) and not isinstance(x, np.generic):
        return Array(scalar_value(x, dtype), weak)
    y = to_array(x)
    if isinstance(x, (list, tuple)) and y.__class__ is Array and y.dtype != dtype \
            and dtypes.result_type((y.dtype, False), (dtype, False))[0] == dtype:
        # made again from the Python numbers: [0.1] widened to float64 is 0.1, not float32's 0.1
        y = to_array(x, dtype)
    x = y
    if x.dtype == dtype and x.weak == weak:
        return x
    return E.convert_element_type_p.bind(x, new_dtype=dtype, weak=weak)


def warn_if_discarding_imaginary(op: str, src: np.dtype, dst: np.dtype, stacklevel: int) -> None:
    """NumPy's ComplexWarning where converting `src` to `dst` keeps only the real parts (the
    warning names the line `stacklevel` frames up from the caller)."""
    if src in dtypes.COMPLEX and dst not in dtypes.COMPLEX and dst != dtypes.bool_:
        warnings.warn(f"{op}: casting {src} to {dst} discards the imaginary part", np.exceptions.ComplexWarning,
                      stacklevel=stacklevel + 1)


def promote(op: str, *args) -> list[Array]:
    """Arrays of one dtype from `args`, by the promotion rules (Python scalars are weak)."""
    if len(args) == 2:  # the common case, kept fast: an array and a Python scalar that keeps its type
        xs = _with_scalar(*args)
        if xs is not None:
            return xs
    dt = getattr(args[0], "dtype", None)
    if all(isinstance(a, Array) and a.dtype == dt for a in args):
        return args
    kinds = [dtype_of(a) for a in args]
    return _converted(args, kinds, *dtypes.result_type(*kinds))


# the weak dtype of each Python scalar type (by exact type: NumPy's scalars and subclasses of these
# are promoted by `dtype_of`)
_SCALAR_DTYPES = {t: dtypes.scalar_dtype(t()) for t in _SCALARS}


def _with_scalar(a, b, floating: bool = False) -> list[Array] | None:
    """`[a, b]` promoted where one of them is an Array (a traced value too) whose (dtype, weak)
    is the result's (and, if `floating`, a floating one) and the other a Python scalar, which
    then becomes an Array of that type, as `_converted` makes it; None for any other operands."""
    sdt = _SCALAR_DTYPES.get(b.__class__)
    if sdt is not None:
        x, s = a, b
    else:
        sdt = _SCALAR_DTYPES.get(a.__class__)
        if sdt is None:
            return None
        x, s = b, a
    if not isinstance(x, Array):
        return None
    kind = (x.dtype, x.weak)
    if dtypes.result_type(kind, (sdt, True)) != kind or floating and kind[0] not in dtypes.FLOATING:
        return None
    c = Array(scalar_value(s, kind[0]), kind[1])
    return [x, c] if x is a else [c, x]


def _converted(args, kinds, dt: np.dtype, weak: bool) -> list[Array]:
    """`args`, of `(dtype, weak)` `kinds`, as Arrays of `dt` (weak where `weak` and they were)."""
    return [a if k == (dt, weak) and isinstance(a, Array) else convert(a, dt, k[1] and weak)
            for a, k in zip(args, kinds)]


def work_dtype(dt: np.dtype, *args) -> np.dtype:
    """The dtype to compute a result of floating dtype `dt` from `args` in: float64 (complex128)
    where an integer or boolean array among them would go to a narrower float, which rounds
    integers past 2**24 (the differences of large ones, timestamps say, would lose all their
    digits); else `dt`."""
    if dt in (dtypes.float64, dtypes.complex128) or all(w or d in dtypes.FLOATING for d, w in map(dtype_of, args)):
        return dt
    return dtypes.complex128 if dt in dtypes.COMPLEX else dtypes.float64


def promote_inexact_wide(op: str, *args, complex_ok: bool = True) -> tuple[list[Array], np.dtype]:
    """`args` in the dtype to compute in (`work_dtype`), and the dtype `promote_inexact` gives
    them, the result's."""
    xs = promote_inexact(op, *args, complex_ok=complex_ok)
    out = xs[0].dtype
    if (work := work_dtype(out, *args)) != out:
        xs = [convert(a, work, dtype_of(a)[1]) for a in args]
    return xs, out


def promote_inexact(op: str, *args, complex_ok: bool = True) -> list[Array]:
    """Like `promote`, then integers and booleans go to the default float (as JAX does). A Python
    int goes there directly, so one outside an integer array's range still converts (an int8
    array divided by 255 is a float array, as in NumPy and JAX)."""
    xs = _with_scalar(*args, floating=True) if len(args) == 2 else None  # kept fast, as in `promote`
    if xs is None:
        dt = getattr(args[0], "dtype", None)
        if all(isinstance(a, Array) and a.dtype == dt for a in args):
            xs = args
        else:
            kinds = [dtype_of(a) for a in args]
            dt, weak = dtypes.result_type(*kinds)
            xs = _converted(args, kinds, dt if dt in dtypes.FLOATING else dtypes.default_float, weak)
    dt = xs[0].dtype
    if dt not in dtypes.FLOATING:
        xs = [convert(x, dtypes.default_float, x.weak) for x in xs]
    elif not complex_ok and dt in dtypes.COMPLEX:
        raise op_error(DTypeError, op, f"does not accept complex dtype {dt}", "pass real arrays (x.real, x.imag)")
    return xs
