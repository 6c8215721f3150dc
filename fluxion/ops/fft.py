"""The fft primitive: XLA's Fft over the trailing axes.

`fft_type` is one of:

    "fft"    complex -> complex, unnormalised
    "ifft"   complex -> complex, scaled by 1/n
    "rfft"   real -> complex; the last axis keeps the n // 2 + 1 non-negative frequencies
    "irfft"  complex -> real, the inverse of "rfft" (scaled by 1/n)

`fft_lengths` gives the length of the transform over each of the trailing
`len(fft_lengths)` axes (one to three, as XLA); the input's trailing axes must already
have those lengths (for "irfft" the last one is `fft_lengths[-1] // 2 + 1`).
"""
from __future__ import annotations

from typing import Sequence

from ..core import dtypes as D
from ..core.errors import ShapeError, op_error
from ..core.types import ArrayType
from ._util import check_dtype, define

FFT_TYPES = ("fft", "ifft", "rfft", "irfft")
_IN_DTYPES = {"fft": D.COMPLEX, "ifft": D.COMPLEX, "rfft": (D.float32, D.float64), "irfft": D.COMPLEX}
_OUT_DTYPE = {"fft": lambda dt: dt, "ifft": lambda dt: dt, "rfft": D.complex_dtype, "irfft": D.real_dtype}


def _half(fft_lengths: tuple[int, ...]) -> tuple[int, ...]:
    """The trailing shape of the complex side of a real transform."""
    return fft_lengths[:-1] + (fft_lengths[-1] // 2 + 1,)


def _fft_rule(x: ArrayType, *, fft_type: str, fft_lengths: tuple[int, ...]) -> ArrayType:
    if fft_type not in FFT_TYPES:
        raise op_error(ValueError, "fft", f"unknown fft_type {fft_type!r}", f"use one of {', '.join(FFT_TYPES)}")
    k = len(fft_lengths)
    if not 1 <= k <= 3:
        raise op_error(ShapeError, "fft", f"transforms one to three trailing axes, got fft_lengths={fft_lengths}",
                       "split the transform into several calls of at most three axes each")
    if any(n < 1 for n in fft_lengths):
        raise op_error(ShapeError, "fft", f"fft_lengths must be positive, got {fft_lengths}",
                       "pass a length of at least 1 for every transformed axis")
    if x.ndim < k:
        raise op_error(ShapeError, "fft", f"fft_lengths={fft_lengths} transforms {k} axes of an array of shape "
                       f"{x.shape}",
                       f"pass at most {x.ndim} fft_lengths, or add axes to the input")
    check_dtype(f"fft ({fft_type})", x.dtype, _IN_DTYPES[fft_type])
    expected = _half(fft_lengths) if fft_type == "irfft" else fft_lengths
    batch, trailing = x.shape[:-k], x.shape[-k:]
    if trailing != expected:
        raise op_error(ShapeError, "fft", f"{fft_type} with fft_lengths={fft_lengths} needs trailing axes {expected}, "
                       f"got an array of shape {x.shape}",
                       "pad or slice the input to the transform lengths first")
    out = {"rfft": _half(fft_lengths), "irfft": fft_lengths}.get(fft_type, trailing)
    return ArrayType(batch + out, _OUT_DTYPE[fft_type](x.dtype), x.weak)


fft_p = define("fft", _fft_rule)


def fft(x, fft_type: str, fft_lengths: Sequence[int]):
    """XLA's Fft of `x` over its trailing `len(fft_lengths)` axes.

    Args:
      x: complex array ("fft", "ifft", "irfft") or float32/float64 array ("rfft").
      fft_type: "fft", "ifft", "rfft" or "irfft" (any case).
      fft_lengths: the transform length of each trailing axis (one to three of them).

    Returns:
      The transform; "ifft" and "irfft" are scaled by 1/n, "fft" and "rfft" are not.

    >>> import numpy as np
    >>> from fluxion.ops.fft import fft
    >>> fft(np.array([1, 2, 3, 4], np.float32), "rfft", (4,)).tolist()
    [(10+0j), (-2+2j), (-2+0j)]
    """
    return fft_p.bind(x, fft_type=fft_type.lower() if isinstance(fft_type, str) else fft_type,
                      fft_lengths=tuple(int(n) for n in fft_lengths))
