"""Derivative rules of the fft primitive.

Every transform is linear, so its jvp is the transform of the tangent. Transposes are linear
transposes (no conjugation, as everywhere in fluxion): the DFT matrix is symmetric, so "fft"
and "ifft" are their own transposes. The real transforms act on half a spectrum; with
N = prod(fft_lengths), h = fft_lengths[-1] // 2 + 1 and the last axis's "edges" being
frequency 0 and, for an even length, the Nyquist frequency n / 2:

  rfft(x)  = the first h frequencies of fft(x); its transpose takes a half spectrum c to
             Re(sum_k c_k e^{-2 pi i jk/n}) = N * irfft(conj(c) * w) with w = 1 at the edges
             and 1/2 inside (irfft counts each inner frequency twice, the edges once);
  irfft(c) = Re(sum_k w'_k c_k e^{2 pi i jk/n}) / N with w' = 1 at the edges and 2 inside;
             its transpose is conj(rfft(x)) * w' / N.
"""
from __future__ import annotations

import functools
import math

import numpy as np

from ..core.array import Array
from . import elementwise as E
from ._ad import deflinear
from ._batch import defleading
from .fft import fft_p


@functools.lru_cache(maxsize=256)
def _weights(n: int, edge: float, inner: float, dt: np.dtype) -> Array:
    """Weights over the n // 2 + 1 stored frequencies of a length-n axis: `edge` at the edges,
    `inner` between."""
    w = np.full(n // 2 + 1, inner, dt)
    w[0] = edge
    if n % 2 == 0:
        w[-1] = edge
    return Array(w)


def _fft_transpose(ct, x, *, fft_type, fft_lengths):
    if fft_type in ("fft", "ifft"):
        return [fft_p.bind(ct, fft_type=fft_type, fft_lengths=fft_lengths)]
    n, total = fft_lengths[-1], math.prod(fft_lengths)
    if fft_type == "rfft":
        half = E.mul_p.bind(E.conj_p.bind(ct), _weights(n, total, total / 2, ct.dtype))
        return [fft_p.bind(half, fft_type="irfft", fft_lengths=fft_lengths)]
    spectrum = E.conj_p.bind(fft_p.bind(ct, fft_type="rfft", fft_lengths=fft_lengths))
    return [E.mul_p.bind(spectrum, _weights(n, 1 / total, 2 / total, spectrum.dtype))]


deflinear(fft_p, _fft_transpose)


# batching: the transform maps over the axes before its trailing ones
defleading(fft_p, lambda *, fft_type, fft_lengths: len(fft_lengths))
