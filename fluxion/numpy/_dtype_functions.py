"""Data type functions of the array API standard, NumPy's `issubdtype`/`promote_types`, and the
inspection namespace `__array_namespace_info__()`.

Promotion is fluxion's (see `fluxion.core.dtypes`): the standard's lattice, Python scalars
weak, and integer-with-float giving the float, as in JAX.
"""
from __future__ import annotations

import dataclasses
import functools

import ml_dtypes
import numpy as np

from ..core import dtypes as D
from ..core.array import Array, to_array
from ..core.device import CPU, Device, devices
from ..core.errors import DTypeError, op_error
from ..core.interpreters import EAGER, _ctx
from ..ops import elementwise as E
from ._elementwise_base import eager_array
from ._convert import warn_if_discarding_imaginary
from ._placement import place, resolve

__all__ = ["__array_namespace_info__", "astype", "can_cast", "finfo", "iinfo", "isdtype", "issubdtype",
           "promote_types", "real_if_close", "result_type"]

_SCALARS = (bool, int, float, complex)


def _dtype(op: str, x) -> np.dtype:
    """The dtype that a dtype-like names, or that an array carries."""
    if isinstance(x, (Array, np.ndarray, np.generic)):
        return D.canonicalize(x.dtype)
    if x is None or isinstance(x, _SCALARS):
        raise op_error(DTypeError, op, f"{x!r} is not a dtype", "pass a dtype such as fnp.float32, or an array")
    return D.canonicalize(x)


def astype(x, dtype, /, *, copy: bool = True, device: Device | None = None) -> Array:
    """`x` converted to `dtype`.

    As in JAX: complex to real keeps the real part (with NumPy's ComplexWarning; to bool, a
    number is True when either part is nonzero); float to integer truncates toward zero,
    saturates at the integer range and sends NaN to 0 (XLA's conversion, where NumPy's is
    undefined). With `copy=False` an array already of `dtype` comes back as it is. `device`
    (a device or its name) moves the result there.

    >>> import fluxion.numpy as fnp
    >>> fnp.astype(fnp.asarray([1.7, -1.7, float('nan'), 1e10]), fnp.int32).tolist()
    [1, -1, 0, 2147483647]
    """
    if x.__class__ is Array and device is None and _ctx.interp is EAGER and copy is True:  # kept fast
        out = _eager_astype(x._value, D.canonicalize(dtype) if isinstance(dtype, _DTYPES) else _dtype("astype", dtype))
        if out is not None:
            return out
    x = to_array(x)
    dt = _dtype("astype", dtype)
    device = resolve("astype", device)
    if dt == x.dtype and not x.weak and not copy:
        return place("astype", x, device, copy)
    warn_if_discarding_imaginary("astype", x.dtype, dt, 2)
    return place("astype", E.convert_element_type_p.bind(x, new_dtype=dt, weak=False), device)


def _eager_astype(v: np.ndarray, dt: np.dtype) -> Array | None:
    """`v` converted to `dt` by NumPy, where that is the kernel's conversion: not to bool or from
    complex or bfloat16, and from a float to an integer only when every value is finite and in
    range (NumPy's cast is undefined elsewhere, where the kernel saturates); None otherwise."""
    kind = v.dtype.kind
    if dt == D.bool_ or kind == "c" or v.dtype == D.bfloat16:
        return None
    if kind == "f" and dt.kind in "iu" and not _fits(v, dt):
        return None
    return eager_array(v.astype(dt), False)


def _fits(v: np.ndarray, dt: np.dtype) -> bool:
    """Whether every value of float `v` is finite and truncates into integer dtype `dt` (NaN fits
    nowhere: the reductions give it)."""
    # one pass for a small array and a common target: every rounded square is at most the rounded
    # sum of squares, and |v| < 2**(b-1) exactly when the rounded square of v is below the
    # representable 2**(2b-2) (not for a large one: BLAS's dot may wait on its threads for
    # milliseconds where the cores are busy)
    squares_below = _SQUARES_BELOW.get(dt)
    if squares_below and v.size < 4096 and v.dtype in _WIDE and np.vdot(v, v) < squares_below:
        return True
    if not v.size:
        return False
    high = _HIGH[dt]
    low = -high if dt.kind == "i" else -1  # (below the largest int in magnitude: in range on both sides)
    return bool(np.maximum.reduce(v, None) < high and np.minimum.reduce(v, None) > low)


# the largest integer of each dtype as a float, which floats below it truncate under
_HIGH = {dt: float(np.iinfo(dt).max) for dt in D.INTEGER}
_SQUARES_BELOW = {D.int32: 2.0 ** 62, D.int64: 2.0 ** 126}
_WIDE = frozenset((D.float32, D.float64))
_DTYPES = (type, np.dtype)  # dtype-likes that canonicalize takes as they are


# limits -------------------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class FInfo:
    """Limits of a floating-point dtype (of its real part, for complex dtypes), as Python numbers."""

    bits: int
    eps: float
    max: float
    min: float
    smallest_normal: float
    dtype: np.dtype
    resolution: float
    precision: int
    maxexp: int
    minexp: int
    nmant: int
    epsneg: float
    smallest_subnormal: float
    machep: int
    negep: int
    nexp: int

    @property
    def tiny(self) -> float:
        """NumPy's name for `smallest_normal`."""
        return self.smallest_normal

    @property
    def iexp(self) -> int:
        """NumPy's name for `nexp`, the number of exponent bits."""
        return self.nexp


@dataclasses.dataclass(frozen=True)
class IInfo:
    """Limits of an integer dtype, as Python ints."""

    bits: int
    max: int
    min: int
    dtype: np.dtype


@functools.lru_cache(maxsize=None)
def _finfo(dt: np.dtype) -> FInfo:
    i = ml_dtypes.finfo(dt)  # knows bfloat16, and the standard dtypes as np.finfo does
    return FInfo(bits=int(i.bits), eps=float(i.eps), max=float(i.max), min=float(i.min),
                 smallest_normal=float(i.smallest_normal), dtype=dt, resolution=float(i.resolution),
                 precision=int(i.precision), maxexp=int(i.maxexp), minexp=int(i.minexp), nmant=int(i.nmant),
                 epsneg=float(i.epsneg), smallest_subnormal=float(i.smallest_subnormal), machep=int(i.machep),
                 negep=int(i.negep), nexp=int(i.nexp))


def finfo(type, /) -> FInfo:  # noqa: A002
    """Machine limits of a floating-point dtype (or of an array's dtype); complex dtypes give
    those of their real part.

    >>> import fluxion.numpy as fnp
    >>> info = fnp.finfo(fnp.bfloat16)
    >>> info.bits, info.eps, info.max
    (16, 0.0078125, 3.3895313892515355e+38)
    >>> fnp.finfo(fnp.complex64).dtype
    dtype('float32')
    """
    dt = _dtype("finfo", type)
    if dt not in D.FLOATING:
        raise op_error(DTypeError, "finfo", f"{dt} is not a floating-point dtype",
                       "use fnp.iinfo for integer dtypes" if dt in D.INTEGER else "pass a floating-point dtype")
    return _finfo(D.real_dtype(dt))


def iinfo(type, /) -> IInfo:  # noqa: A002
    """Machine limits of an integer dtype (or of an array's dtype).

    >>> import fluxion.numpy as fnp
    >>> info = fnp.iinfo(fnp.int8)
    >>> info.bits, info.min, info.max
    (8, -128, 127)
    """
    dt = _dtype("iinfo", type)
    if dt not in D.INTEGER:
        raise op_error(DTypeError, "iinfo", f"{dt} is not an integer dtype",
                       "use fnp.finfo for floating-point dtypes" if dt in D.FLOATING else "pass an integer dtype")
    i = np.iinfo(dt)
    return IInfo(bits=int(i.bits), max=int(i.max), min=int(i.min), dtype=dt)


# kinds and promotion ------------------------------------------------------------------------
_KINDS = {
    "bool": (D.bool_,),
    "signed integer": D.SIGNED,
    "unsigned integer": D.UNSIGNED,
    "integral": D.INTEGER,
    "real floating": D.REAL_FLOATING,
    "complex floating": D.COMPLEX,
    "numeric": D.NUMERIC,
}


def isdtype(dtype, kind) -> bool:
    """Whether `dtype` is of `kind`: a dtype, a kind name ('bool', 'signed integer',
    'unsigned integer', 'integral', 'real floating', 'complex floating', 'numeric') or a tuple
    of those (any of them).

    >>> import fluxion.numpy as fnp
    >>> fnp.isdtype(fnp.bfloat16, "real floating"), fnp.isdtype(fnp.int8, ("bool", "unsigned integer"))
    (True, False)
    """
    if isinstance(dtype, Array):
        raise op_error(TypeError, "isdtype", "takes a dtype, not an array", "pass x.dtype")
    dt = _dtype("isdtype", dtype)
    if isinstance(kind, tuple):
        return any(isdtype(dt, k) for k in kind)
    if isinstance(kind, str):
        if kind not in _KINDS:
            raise op_error(ValueError, "isdtype", f"unknown kind {kind!r}",
                           f"use a dtype or one of {', '.join(map(repr, _KINDS))}")
        return dt in _KINDS[kind]
    return dt == _dtype("isdtype", kind)


def result_type(*arrays_and_dtypes) -> np.dtype:
    """The dtype that operands of these dtypes promote to: arrays and dtypes are strong, Python
    scalars weak (they take the dtype of the arrays, unless their kind is higher).

    >>> import fluxion.numpy as fnp
    >>> fnp.result_type(fnp.int8, fnp.uint8), fnp.result_type(fnp.int8, 1), fnp.result_type(fnp.int8, 1.0)
    (dtype('int16'), dtype('int8'), dtype('float32'))
    """
    if not arrays_and_dtypes:
        raise op_error(ValueError, "result_type", "needs at least one array or dtype", "pass arrays or dtypes")
    items = []
    for a in arrays_and_dtypes:
        if isinstance(a, Array):
            items.append((a.dtype, a.weak))
        elif isinstance(a, _SCALARS) and not isinstance(a, np.generic):
            items.append((D.scalar_dtype(a), True))
        else:
            items.append((_dtype("result_type", a), False))
    return D.result_type(*items)[0]


def promote_types(type1, type2, /) -> np.dtype:
    """The smallest dtype both promote to (NumPy's name; see `result_type`).

    >>> import fluxion.numpy as fnp
    >>> fnp.promote_types(fnp.uint8, fnp.int32), fnp.promote_types(fnp.float16, fnp.bfloat16)
    (dtype('int32'), dtype('float32'))
    """
    return D.result_type((_dtype("promote_types", type1), False), (_dtype("promote_types", type2), False))[0]


# bool < unsigned < signed < real floating < complex: a cast up this order keeps the kind
_KIND_RANK = {dt: (0 if dt == D.bool_ else 1 if dt in D.UNSIGNED else 2 if dt in D.SIGNED else
                   3 if dt in D.REAL_FLOATING else 4) for dt in D.ALL}
_CASTINGS = ("no", "equiv", "safe", "same_kind", "unsafe")


def can_cast(from_, to, /, casting: str = "safe") -> bool:
    """Whether `from_` (a dtype or array) can be cast to `to` under `casting`.

    'safe' (the standard's rule): `from_` promotes to `to`, and an integer type goes to a
    floating type only where NumPy allows it (int16 to float32, not int32). 'same_kind': also downcasts within
    the order bool < unsigned < signed < float < complex. 'no'/'equiv': equal dtypes only.
    'unsafe': always.

    >>> import fluxion.numpy as fnp
    >>> fnp.can_cast(fnp.int8, fnp.int16), fnp.can_cast(fnp.int16, fnp.int8), fnp.can_cast(fnp.int64, fnp.float32)
    (True, False, False)
    """
    src, dst = _dtype("can_cast", from_), _dtype("can_cast", to)
    if casting not in _CASTINGS:
        raise op_error(ValueError, "can_cast", f"unknown casting {casting!r}", f"use one of {', '.join(_CASTINGS)}")
    if casting == "unsafe":
        return True
    if casting in ("no", "equiv"):
        return src == dst
    if promote_types(src, dst) == dst:
        # promotion takes integers to any float (as jax does); a safe cast keeps their values
        return _KIND_RANK[src] > 2 or _KIND_RANK[dst] <= 2 or casting == "same_kind" or bool(np.can_cast(src, dst))
    return casting == "same_kind" and _KIND_RANK[src] <= _KIND_RANK[dst]


_ABSTRACT = {np.generic: D.ALL, np.number: D.NUMERIC, np.integer: D.INTEGER, np.signedinteger: D.SIGNED,
             np.unsignedinteger: D.UNSIGNED, np.inexact: D.FLOATING, np.floating: D.REAL_FLOATING,
             np.complexfloating: D.COMPLEX, np.flexible: (), np.character: ()}


def issubdtype(arg1, arg2, /) -> bool:
    """NumPy's `issubdtype`: whether `arg1` is `arg2` or below it in NumPy's type hierarchy
    (np.floating, np.integer, ...). bfloat16 counts as a floating type.

    >>> import numpy as np
    >>> import fluxion.numpy as fnp
    >>> fnp.issubdtype(fnp.bfloat16, np.floating), fnp.issubdtype(fnp.int8, np.unsignedinteger)
    (True, False)
    """
    # Python's types name NumPy's here (float is float64, not fluxion's default float32), as in NumPy
    arg1, arg2 = (np.dtype(a) if any(a is t for t in _SCALARS) else a for a in (arg1, arg2))
    if isinstance(arg1, type) and arg1 in _ABSTRACT:
        return np.issubdtype(arg1, arg2)
    dt = _dtype("issubdtype", arg1)
    if isinstance(arg2, type) and arg2 in _ABSTRACT:
        return dt in _ABSTRACT[arg2]
    return dt == _dtype("issubdtype", arg2)


# inspection ---------------------------------------------------------------------------------
_STANDARD_NAMES = ("bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "float32",
                   "float64", "complex64", "complex128")


class _Info:
    """What fluxion.numpy supports: the array API's inspection namespace."""

    __slots__ = ()

    def capabilities(self) -> dict:
        """Optional features: boolean-mask indexing and data-dependent output shapes (eager only)."""
        return {"boolean indexing": True, "data-dependent shapes": True, "max dimensions": 64}

    def default_device(self) -> Device:
        """The device arrays are created on (the host; listing every device would start XLA)."""
        return CPU

    def devices(self) -> tuple[Device, ...]:
        """The devices arrays can live on."""
        return tuple(devices())

    def default_dtypes(self, *, device: Device | None = None) -> dict:
        """The dtypes Python floats, complex numbers, ints and indices take."""
        _check_device(device)
        return {"real floating": D.default_float, "complex floating": D.default_complex,
                "integral": D.default_int, "indexing": D.default_int}

    def dtypes(self, *, device: Device | None = None, kind=None) -> dict:
        """The standard's dtypes, by name, optionally only those of `kind` (see `isdtype`).

        float16 and bfloat16 work too; they are left out here because the standard has no names
        for them.
        """
        _check_device(device)
        out = {name: np.dtype(name) for name in _STANDARD_NAMES}
        return out if kind is None else {name: dt for name, dt in out.items() if isdtype(dt, kind)}


def _check_device(device) -> None:
    if device is not None and device not in devices():
        raise op_error(ValueError, "__array_namespace_info__", f"unknown device {device!r}",
                       "pass one of __array_namespace_info__().devices(), or None")


def __array_namespace_info__() -> _Info:
    """The array API inspection namespace of fluxion.numpy.

    >>> import fluxion.numpy as fnp
    >>> info = fnp.__array_namespace_info__()
    >>> info.capabilities()["boolean indexing"], info.default_dtypes()["real floating"]
    (True, dtype('float32'))
    >>> sorted(info.dtypes(kind="unsigned integer"))
    ['uint16', 'uint32', 'uint64', 'uint8']
    """
    return _Info()


def real_if_close(a, tol: float = 100) -> Array:
    """The real part of complex `a` where every imaginary part is below `tol` in magnitude (in
    multiples of the dtype's machine epsilon where `tol` > 1, as NumPy's); `a` otherwise. The
    result's dtype depends on the values, so it needs them: under jit, decide before the call.

    >>> import fluxion.numpy as fnp
    >>> fnp.real_if_close(fnp.asarray([2.0 + 1e-9j])).tolist()
    [2.0]
    """
    a = to_array(a)
    if a.dtype not in D.COMPLEX:
        return a
    if tol > 1:
        tol = tol * finfo(a.dtype).eps
    imag = E.imag_p.bind(a)
    return E.real_p.bind(a) if bool((E.abs_p.bind(imag) < tol).all()) else a
