"""`fft` with jax.lax's `FftType`, on fluxion's fft primitive.

As jax.lax does, the operand is converted first: to complex for FFT, IFFT and IRFFT, and for
RFFT (which refuses complex operands) to float. 64-bit integers become float64 / complex128,
other integers and booleans float32 / complex64, and float16 / bfloat16 complex64 (an RFFT
needs float32 or float64).
"""
from __future__ import annotations

import enum
from typing import Sequence

from ..core import dtypes as D
from ..core.array import Array
from ..core.errors import DTypeError, op_error
from ..ops import elementwise as E
from ..ops import fft as F
from ._operands import ArrayLike, as_array

__all__ = ["FftType", "fft"]


class FftType(enum.IntEnum):
    """The transforms of `fft`: FFT and IFFT (complex to complex, IFFT scaled by 1/n), RFFT
    (real to the n // 2 + 1 non-negative frequencies of the last axis) and IRFFT (its inverse)."""
    FFT = 0
    IFFT = 1
    RFFT = 2
    IRFFT = 3


_WIDE = (D.int64, D.uint64, D.float64, D.complex128)


def _type(fft_type) -> FftType:
    if isinstance(fft_type, FftType):
        return fft_type
    if isinstance(fft_type, str) and fft_type.upper() in FftType.__members__:
        return FftType[fft_type.upper()]
    raise op_error(ValueError, "fft", f"unknown fft_type {fft_type!r}",
                   "pass an FftType (FftType.FFT, IFFT, RFFT, IRFFT) or its name as a string, e.g. 'rfft'")


def _converted(x: Array, typ: FftType) -> Array:
    wide = x.dtype in _WIDE
    if typ is FftType.RFFT:
        if x.dtype in D.COMPLEX:
            raise op_error(DTypeError, "fft", f"RFFT takes a real operand, got {x.dtype}",
                           "pass x.real, or use FftType.FFT for complex operands")
        if x.dtype in D.REAL_FLOATING:
            return x  # (the primitive names the fix for 16-bit floats)
        dt = D.float64 if wide else D.float32
    else:
        dt = D.complex128 if wide else D.complex64
    return x if x.dtype == dt else E.convert_element_type_p.bind(x, new_dtype=dt, weak=x.weak)


def fft(x: ArrayLike, fft_type: FftType | str, fft_lengths: Sequence[int]) -> Array:
    """The discrete Fourier transform of `x` over its trailing `len(fft_lengths)` axes (at most three).

    Args:
      x: the operand, converted as the module docstring says.
      fft_type: an `FftType`, or its name ("fft", "ifft", "rfft", "irfft", any case).
      fft_lengths: the transform length of each trailing axis; the axes must have those
        lengths (for IRFFT the last one `fft_lengths[-1] // 2 + 1`). Empty: `x` converted.

    Returns:
      The transform: complex for FFT, IFFT and RFFT, real for IRFFT.

    >>> fft([1.0, 2.0, 3.0, 4.0], FftType.RFFT, (4,)).tolist()
    [(10+0j), (-2+2j), (-2+0j)]
    """
    typ = _type(fft_type)
    x = _converted(as_array(x), typ)
    lengths = tuple(fft_lengths)
    if not lengths:
        return x
    return F.fft(x, typ.name.lower(), lengths)
