"""NumPy kernels of the fft family (SciPy's pocketfft, which keeps single precision single)."""
from __future__ import annotations

import scipy.fft as sf

from ...core.primitive import numpy_kernel
from ...ops import fft as F

# (one-axis transform, n-axis transform): the one-axis entry point has less per-call overhead
_TRANSFORMS = {"fft": (sf.fft, sf.fftn), "ifft": (sf.ifft, sf.ifftn), "rfft": (sf.rfft, sf.rfftn),
               "irfft": (sf.irfft, sf.irfftn)}


def _fft(x, *, fft_type, fft_lengths):
    one, many = _TRANSFORMS[fft_type]
    if len(fft_lengths) == 1:
        return one(x, fft_lengths[0], axis=-1)
    return many(x, s=fft_lengths, axes=tuple(range(-len(fft_lengths), 0)))


numpy_kernel[F.fft_p] = _fft
