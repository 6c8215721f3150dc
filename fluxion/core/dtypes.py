"""Dtypes and type promotion.

Promotion follows the Python array API standard's lattice; where the standard is silent it
follows JAX, so that float32 stays the working precision: an integer meets a float and
gives that float, float16 meets bfloat16 and gives float32. Python scalars are *weak*: they
take the dtype of the array they meet unless their kind is higher (a Python float with an
integer array gives the default float).
"""
from __future__ import annotations

import functools

import ml_dtypes
import numpy as np

from .errors import ArgumentTypeError, DTypeError, op_error

bool_ = np.dtype(np.bool_)
int8, int16, int32, int64 = (np.dtype(t) for t in (np.int8, np.int16, np.int32, np.int64))
uint8, uint16, uint32, uint64 = (np.dtype(t) for t in (np.uint8, np.uint16, np.uint32, np.uint64))
float16, float32, float64 = (np.dtype(t) for t in (np.float16, np.float32, np.float64))
bfloat16 = np.dtype(ml_dtypes.bfloat16)
complex64, complex128 = np.dtype(np.complex64), np.dtype(np.complex128)

SIGNED = (int8, int16, int32, int64)
UNSIGNED = (uint8, uint16, uint32, uint64)
INTEGER = SIGNED + UNSIGNED
REAL_FLOATING = (bfloat16, float16, float32, float64)
COMPLEX = (complex64, complex128)
FLOATING = REAL_FLOATING + COMPLEX
WIDE_FLOATING = (float32, float64) + COMPLEX  # computed as they are by NumPy (16-bit ones go via float32)
NUMERIC = INTEGER + FLOATING
ALL = (bool_,) + NUMERIC

default_int = int64
default_float = float32
default_complex = complex64

# kinds, ordered: a weak scalar of a higher kind lifts the result to that kind
BOOL, INT, FLOAT, COMPLEX_KIND = 0, 1, 2, 3
_WEAK_DEFAULT = {BOOL: bool_, INT: default_int, FLOAT: default_float, COMPLEX_KIND: default_complex}


def kind(dt: np.dtype) -> int:
    if dt == bool_:
        return BOOL
    if dt in INTEGER:
        return INT
    if dt in COMPLEX:
        return COMPLEX_KIND
    return FLOAT


def is_floating(dt) -> bool:
    return dt in FLOATING


def is_integer(dt) -> bool:
    return dt in INTEGER


def is_unsigned(dt) -> bool:
    return dt in UNSIGNED


def real_dtype(dt: np.dtype) -> np.dtype:
    """The real counterpart of a complex dtype (float32 for complex64); others unchanged."""
    return {complex64: float32, complex128: float64}.get(dt, dt)


def complex_dtype(dt: np.dtype) -> np.dtype:
    return complex128 if dt in (float64, complex128) else complex64


# fluxion's dtypes by identity, of themselves, NumPy's scalar types and the aliases below (which
# live as long as the program, so an id names one of them), and by name: NumPy's parsing of a
# dtype-like costs more than most eager calls
_BY_ID = {id(key): d for d in ALL for key in (d, d.type)}
_BY_NAME = {str(d): d for d in ALL}
# the names of Python's types mean what the types do (NumPy reads "float" as float64)
_BY_NAME.update(float=default_float, complex=default_complex, int=default_int)


def alias(key, dt: np.dtype) -> None:
    """Let `canonicalize` look `key` up as `dt`: for objects that live as long as the program and
    stand for a dtype, such as fluxion.numpy's scalar types."""
    _BY_ID[id(key)] = dt


def canonicalize(dt) -> np.dtype:
    """Turn anything NumPy accepts as a dtype (or a Python type, or its name) into one of fluxion's dtypes."""
    if dt is float:
        return default_float
    if dt is int:
        return default_int
    if dt is complex:
        return default_complex
    if dt is bool:
        return bool_
    out = _BY_ID.get(id(dt))  # the usual arguments, looked up
    if out is None and dt.__class__ is str:
        out = _BY_NAME.get(dt)
    if out is not None:
        return out
    try:
        out = np.dtype(dt)
    except TypeError as e:
        raise op_error(DTypeError, "dtype", f"{dt!r} is not a dtype",
                       "use one of fluxion.numpy's dtypes, e.g. fluxion.numpy.float32, or its name 'float32'") from e
    if not out.isnative:  # big-endian data (as some file formats store it) takes the native order
        out = out.newbyteorder("=")
    if out not in ALL:
        raise op_error(DTypeError, "dtype", f"{dt.__name__ if isinstance(dt, type) else out} is not supported",
                       f"use one of the supported dtypes: {', '.join(str(d) for d in ALL)}")
    return out


@functools.lru_cache(maxsize=None)
def _promote_pair(a: np.dtype, b: np.dtype) -> np.dtype:
    if a == b:
        return a
    ka, kb = kind(a), kind(b)
    if ka != kb or (ka == INT and is_unsigned(a) != is_unsigned(b)):
        if ka > kb or (ka == kb and not is_unsigned(a)):
            a, b, ka, kb = b, a, kb, ka
        # now a is the lower kind, or the unsigned one of a mixed-sign integer pair
        if ka == BOOL or ka == INT and kb > INT:
            return b
        if ka == FLOAT and kb == COMPLEX_KIND:
            return complex128 if float64 in (a, b) else b
        # uint a with int b: the smallest signed type holding both, float64 past int64
        need = 2 * a.itemsize
        if b.itemsize >= need:
            return b
        return {2: int16, 4: int32, 8: int64}.get(need, float64)
    if {a, b} == {float16, bfloat16}:
        return float32
    return a if a.itemsize > b.itemsize else b


@functools.lru_cache(maxsize=4096)
def result_type(*items: tuple[np.dtype, bool]) -> tuple[np.dtype, bool]:
    """Promote `(dtype, weak)` pairs; returns the result's `(dtype, weak)`."""
    strong = None
    weak_kind = -1
    weak_dtype = None
    for dt, weak in items:
        if weak:
            k = kind(dt)
            if k > weak_kind:
                weak_kind, weak_dtype = k, dt
            elif k == weak_kind and weak_dtype != dt:
                weak_dtype = _promote_pair(weak_dtype, dt)
        else:
            strong = dt if strong is None else _promote_pair(strong, dt)
    if strong is None:
        return weak_dtype, True
    if weak_kind <= kind(strong):
        return strong, False
    if weak_kind == COMPLEX_KIND and kind(strong) == FLOAT:
        return complex_dtype(strong), False
    return _WEAK_DEFAULT[weak_kind], False


def scalar_dtype(x) -> np.dtype:
    """The weak dtype a Python scalar takes."""
    if isinstance(x, bool):
        return bool_
    if isinstance(x, int):
        return default_int
    if isinstance(x, float):
        return default_float
    if isinstance(x, complex):
        return default_complex
    raise ArgumentTypeError(f"{type(x).__name__} is not a Python scalar")


def short_name(dt: np.dtype) -> str:
    """`f32`, `i64`, `bf16`... as used by the program printer."""
    if dt == bool_:
        return "bool"
    if dt == bfloat16:
        return "bf16"
    return {"f": "f", "i": "i", "u": "u", "c": "c"}[dt.kind] + str(8 * dt.itemsize)
