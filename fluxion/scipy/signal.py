"""fluxion.scipy.signal: SciPy's convolutions, detrending and short-time Fourier analysis.

`convolve`, `correlate`, `fftconvolve`, `convolve2d` and `correlate2d` live in `_convolution.py`;
`detrend`, `stft`, `istft`, `csd` and `welch` in `_spectral.py`. All are compositions of
fluxion.numpy functions, so they are differentiable, batch and compile.

>>> import fluxion.numpy as fnp
>>> import fluxion.scipy.signal as signal
>>> signal.convolve(fnp.asarray([1.0, 1.0]), fnp.asarray([1.0, 2.0])).tolist()
[1.0, 3.0, 2.0]
"""
from ._convolution import convolve, convolve2d, correlate, correlate2d, fftconvolve
from ._spectral import csd, detrend, istft, stft, welch

__all__ = ["convolve", "convolve2d", "correlate", "correlate2d", "csd", "detrend", "fftconvolve", "istft", "stft",
           "welch"]
