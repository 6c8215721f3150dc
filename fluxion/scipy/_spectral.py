"""SciPy's detrending and short-time Fourier analysis: `detrend`, `stft`, `istft`, `csd`, `welch`.

A signal is cut into segments of `nperseg` samples every `nperseg - noverlap` (one gather with a
table of indices), each detrended, windowed and Fourier transformed; `csd` and `welch` average
the scaled cross-spectra of the segments, `istft` overlap-adds the windowed inverse transforms
(one scatter-add) and divides by the overlap-added squared window. Named windows are SciPy's
`get_window` tables (constants); a window given as an array is differentiable like the signal.
"""
from __future__ import annotations

import itertools
import operator
import warnings

import numpy as np

from .. import numpy as fnp
from ..core import dtypes
from ..core.array import Array
from ..core.errors import ShapeError, op_error
from ..numpy._convert import convert
from ..ops._util import axis_index
from ..transforms.batching import vmap

__all__ = ["csd", "detrend", "istft", "stft", "welch"]

_DETRENDS = ("linear", "l", "constant", "c")


def _inexact(x) -> Array:
    x = fnp.asarray(x)
    return x if x.dtype in dtypes.WIDE_FLOATING else convert(x, dtypes.default_float)


def _choice(op: str, name: str, value, options) -> None:
    if value not in options:
        raise op_error(ValueError, op, f"unknown {name} {value!r}", f"use one of {', '.join(map(repr, options))}")


def _remove_line(x: Array) -> Array:
    """`x` less its least-squares line along the last axis."""
    n = x.shape[-1]
    x = x - fnp.mean(x, axis=-1, keepdims=True)
    if n < 2:
        return x
    t = np.arange(n) - (n - 1) / 2
    t = fnp.asarray(t / np.sqrt(np.sum(t * t)), dtype=dtypes.real_dtype(x.dtype))  # unit length
    return x - t * fnp.sum(x * t, axis=-1, keepdims=True)


def _breakpoints(op: str, bp, n: int) -> list[int]:
    bp = np.asarray(bp)
    if bp.dtype.kind not in "iu":
        raise op_error(TypeError, op, f"breakpoints must be integers, got {bp.dtype}", "pass bp as indices")
    points = sorted({0, n, *bp.reshape(-1).tolist()})
    if points[0] < 0 or points[-1] > n:
        raise op_error(ValueError, op, f"breakpoints {bp.tolist()} lie outside [0, {n}]",
                       "pass indices between 0 and the length of data along axis")
    return points


def detrend(data, axis: int = -1, type: str = "linear", bp=0, overwrite_data: bool = False) -> Array:
    """`data` less its mean (type="constant") or less a least-squares line along `axis` (type="linear"),
    fitted separately between the breakpoints `bp`.

    Integers are detrended in float32; `overwrite_data` is accepted for SciPy's signature (arrays are values).

    >>> import fluxion.numpy as fnp
    >>> import fluxion.scipy.signal as signal
    >>> signal.detrend(fnp.asarray([2.0, 1.0, 2.0, 7.0], dtype=fnp.float64)).round(4).tolist()
    [1.4, -1.2, -1.8, 1.6]
    >>> signal.detrend(fnp.asarray([1.0, 2.0, 6.0]), type="constant").tolist()
    [-2.0, -1.0, 3.0]
    """
    del overwrite_data
    _choice("detrend", "type", type, _DETRENDS)
    x = _inexact(data)
    axis = axis_index("detrend", operator.index(axis), x.ndim)
    if type in ("constant", "c"):
        return x - fnp.mean(x, axis=axis, keepdims=True)
    x = fnp.moveaxis(x, axis, -1)
    points = _breakpoints("detrend", bp, x.shape[-1])
    pieces = [_remove_line(x[..., lo:hi]) for lo, hi in itertools.pairwise(points)]
    x = pieces[0] if len(pieces) == 1 else fnp.concatenate(pieces, axis=-1) if pieces else x
    return fnp.moveaxis(x, -1, axis)


# short-time Fourier transforms -----------------------------------------------------------------
def _window(op: str, window, nperseg: int | None, length: int, clip: bool) -> tuple[Array | np.ndarray, int]:
    """The window and the segment length: SciPy's table for a name (256 samples by default, at most
    the signal's `length` when `clip`), else the given array and its length."""
    if isinstance(window, (str, tuple)):
        nperseg = 256 if nperseg is None else operator.index(nperseg)
        if nperseg < 1:
            raise op_error(ValueError, op, f"nperseg={nperseg} is not positive", "pass nperseg >= 1")
        if clip and nperseg > length:
            warnings.warn(f"nperseg = {nperseg} is greater than input length = {length}, using nperseg = {length}",
                          stacklevel=4)
            nperseg = length
        # imported here, so that importing fluxion does not load scipy.signal
        from scipy.signal import get_window

        try:
            return get_window(window, nperseg), nperseg
        except ValueError as e:
            raise op_error(ValueError, op, f"window {window!r}: {e}", "pass a window name of "
                           "scipy.signal.get_window (with its parameters as a tuple), or an array") from None
    win = fnp.asarray(window)
    if win.ndim != 1:
        raise op_error(ShapeError, op, f"window must be 1-D, got shape {win.shape}", "pass a 1-D array or a name")
    if nperseg is not None and operator.index(nperseg) != win.shape[0]:
        raise op_error(ValueError, op, f"nperseg={nperseg} differs from the window's length {win.shape[0]}",
                       "leave nperseg out, or pass a window of nperseg samples")
    if clip and win.shape[0] > length:
        raise op_error(ValueError, op, f"the window of {win.shape[0]} samples is longer than the signal ({length})",
                       "pass a shorter window, or a longer signal")
    return win, win.shape[0]


def _overlap(op: str, nperseg: int, noverlap, nfft) -> tuple[int, int]:
    """The hop `nperseg - noverlap` and the FFT length."""
    nfft = nperseg if nfft is None else operator.index(nfft)
    if nfft < nperseg:
        raise op_error(ValueError, op, f"nfft={nfft} is smaller than nperseg={nperseg}", "pass nfft >= nperseg")
    noverlap = nperseg // 2 if noverlap is None else operator.index(noverlap)
    if not 0 <= noverlap < nperseg:
        raise op_error(ValueError, op, f"noverlap={noverlap} is not in [0, nperseg={nperseg})",
                       "pass noverlap < nperseg")
    return nperseg - noverlap, nfft


def _typed(win, like: Array) -> Array:
    return fnp.asarray(win, dtype=dtypes.real_dtype(like.dtype)) if isinstance(win, np.ndarray) else win


def _spectra(x: Array, win: Array, nperseg: int, hop: int, nfft: int, trend, onesided: bool) -> Array:
    """The transforms of the windowed segments of `x` along its last axis: shape (..., segments, nfft)."""
    count = (x.shape[-1] - nperseg) // hop + 1
    index = np.arange(count)[:, None] * hop + np.arange(nperseg)
    segments = x[..., index]
    if callable(trend):
        segments = trend(segments)
    elif trend is not False:
        segments = detrend(segments, axis=-1, type=trend)
    segments = segments * win
    if onesided:
        return fnp.fft.rfft(fnp.real(segments) if segments.dtype in dtypes.COMPLEX else segments, n=nfft)
    return fnp.fft.fft(segments, n=nfft)


def _scale(win: Array, fs, scaling: str):
    if scaling == "density":
        return 1.0 / (fs * fnp.sum(win * win))
    return 1.0 / fnp.sum(win) ** 2


def _frequencies(nfft: int, fs, onesided: bool, dtype) -> Array:
    k = np.fft.rfftfreq(nfft) if onesided else np.fft.fftfreq(nfft)
    return fnp.asarray(k, dtype=dtypes.real_dtype(dtype)) * fs


def _extend(x: Array, n: int, boundary: str | None) -> Array:
    if boundary is None or n == 0:
        return x
    pad = [(0, 0)] * (x.ndim - 1) + [(n, n)]
    if boundary == "zeros":
        return fnp.pad(x, pad)
    if boundary == "constant":
        return fnp.pad(x, pad, mode="edge")
    even = fnp.pad(x, pad, mode="reflect")
    return even if boundary == "even" else 2 * fnp.pad(x, pad, mode="edge") - even


def stft(x, fs=1.0, window="hann", nperseg: int = 256, noverlap: int | None = None, nfft: int | None = None,
         detrend=False, return_onesided: bool = True, boundary: str | None = "zeros", padded: bool = True,
         axis: int = -1, scaling: str = "spectrum") -> tuple[Array, Array, Array]:
    """The short-time Fourier transform of `x` along `axis`: frequencies, segment times and the
    transforms, with the frequencies at `axis` and the segments last.

    Args:
      x: the signal.
      fs: its sampling frequency.
      window: a name of scipy.signal.get_window, or an array of nperseg samples.
      nperseg: samples per segment (at most the signal's length for a named window).
      noverlap: samples shared by neighbouring segments; nperseg // 2 by default.
      nfft: the FFT length (zero padding); nperseg by default.
      detrend: False, "constant", "linear" or a function of the segments (last axis).
      return_onesided: only the non-negative frequencies of a real signal.
      boundary: extend the signal by nperseg // 2 samples on both sides with "zeros", "even",
        "odd" or "constant" extension, or None.
      padded: zero-pad the end to a whole number of segments.
      axis: the time axis of x.
      scaling: "spectrum" (divided by the window's sum) or "psd" (by the root of fs times its power).

    >>> import fluxion.numpy as fnp
    >>> import fluxion.scipy.signal as signal
    >>> f, t, z = signal.stft(fnp.ones(16), nperseg=8)
    >>> z.shape, t.tolist()
    ((5, 5), [0.0, 4.0, 8.0, 12.0, 16.0])
    """
    _choice("stft", "boundary", boundary, ("zeros", "even", "odd", "constant", None))
    _choice("stft", "scaling", scaling, ("spectrum", "psd"))
    x = _inexact(x)
    axis = axis_index("stft", operator.index(axis), x.ndim)
    if x.size == 0:  # SciPy's empty results, of x's shape
        empty = fnp.zeros(x.shape, dtypes.real_dtype(x.dtype))
        return empty, empty, convert(empty, dtypes.complex_dtype(x.dtype))
    x = fnp.moveaxis(x, axis, -1)
    win, nperseg = _window("stft", window, nperseg, x.shape[-1], True)
    hop, nfft = _overlap("stft", nperseg, noverlap, nfft)
    win = _typed(win, x)
    onesided = _sides("stft", x, None, return_onesided)
    x = _extend(x, nperseg // 2, boundary)
    if padded:
        x = fnp.pad(x, [(0, 0)] * (x.ndim - 1) + [(0, (-(x.shape[-1] - nperseg) % hop) % nperseg)])
    scale = _scale(win, fs, "density" if scaling == "psd" else "spectrum")
    z = _spectra(x, win, nperseg, hop, nfft, detrend, onesided) * fnp.sqrt(scale)
    z = convert(z, dtypes.complex_dtype(x.dtype))
    times = np.arange(nperseg / 2, x.shape[-1] - nperseg / 2 + 1, hop) - (nperseg / 2 if boundary else 0)
    times = fnp.asarray(times, dtype=dtypes.real_dtype(x.dtype)) / fs
    return _frequencies(nfft, fs, onesided, x.dtype), times, fnp.moveaxis(z, -1, axis)


def _sides(op: str, x: Array, y: Array | None, return_onesided: bool) -> bool:
    complex_input = x.dtype in dtypes.COMPLEX or (y is not None and y.dtype in dtypes.COMPLEX)
    if return_onesided and complex_input and op == "stft":
        warnings.warn("Input data is complex, switching to return_onesided=False", stacklevel=3)
    return return_onesided and not complex_input


def _overlap_add(frames: Array, hop: int) -> Array:
    """The sum of `frames` (..., count, n) placed every `hop` samples."""
    count, n = frames.shape[-2:]
    index = np.arange(count)[:, None] * hop + np.arange(n)
    out = fnp.zeros(frames.shape[:-2] + (n + (count - 1) * hop,), frames.dtype)
    return out.at[..., index].add(frames)


def istft(Zxx, fs=1.0, window="hann", nperseg: int | None = None, noverlap: int | None = None,
          nfft: int | None = None, input_onesided: bool = True, boundary: bool = True, time_axis: int = -1,
          freq_axis: int = -2, scaling: str = "spectrum") -> tuple[Array, Array]:
    """The inverse of `stft`: sample times and the signal, rebuilt by overlap-adding the windowed
    inverse transforms of the segments, divided by the overlap-added squared window.

    Args as `stft`'s; `Zxx` holds frequencies along `freq_axis` and segments along `time_axis`, and
    the signal replaces them along time_axis. Where the squared windows add up to 1e-10 or less the
    overlap-added samples are not divided. The times count the signal's own samples (SciPy's count
    the first axis of a multi-dimensional result).

    >>> import fluxion.numpy as fnp
    >>> import fluxion.scipy.signal as signal
    >>> _, _, z = signal.stft(fnp.arange(8.0), nperseg=4)
    >>> signal.istft(z, nperseg=4)[1].round(5).tolist()
    [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0]
    """
    _choice("istft", "scaling", scaling, ("spectrum", "psd"))
    z = fnp.asarray(Zxx)
    z = z if z.dtype in dtypes.COMPLEX else convert(_inexact(z), dtypes.complex_dtype(_inexact(z).dtype))
    if z.ndim < 2:
        raise op_error(ShapeError, "istft", f"takes at least 2 axes (frequencies and segments), got shape {z.shape}",
                       "pass the transform of stft")
    time_axis = axis_index("istft", operator.index(time_axis), z.ndim)
    freq_axis = axis_index("istft", operator.index(freq_axis), z.ndim)
    if time_axis == freq_axis:
        raise op_error(ValueError, "istft", f"time_axis and freq_axis are both axis {time_axis}",
                       "pass different axes")
    bins = z.shape[freq_axis]
    default = 2 * (bins - 1) if input_onesided else bins
    nperseg = default if nperseg is None else operator.index(nperseg)
    if nperseg < 1:
        raise op_error(ValueError, "istft", f"nperseg={nperseg} is not positive", "pass nperseg >= 1")
    if nfft is None:
        nfft = nperseg if input_onesided and nperseg == default + 1 else default
    win, nperseg = _window("istft", window, nperseg, nperseg, False)
    hop, nfft = _overlap("istft", nperseg, noverlap, nfft)
    win = _typed(win, z)
    z = fnp.moveaxis(z, (freq_axis, time_axis), (-1, -2))  # (..., segments, frequencies)
    frames = (fnp.fft.irfft(z, n=nfft) if input_onesided else fnp.fft.ifft(z, n=nfft))[..., :nperseg]
    frames = frames * (fnp.sum(win) if scaling == "spectrum" else fnp.sqrt(fs * fnp.sum(win * win)))
    x = _overlap_add(frames * win, hop)
    norm = _overlap_add(fnp.broadcast_to(win * win, (z.shape[-2], nperseg)), hop)
    if boundary:
        half = nperseg // 2
        x, norm = x[..., half:-half], norm[..., half:-half]
    x = x / fnp.where(norm > 1e-10, norm, 1.0)
    if time_axis != z.ndim - 1 and x.ndim > 1:
        x = fnp.moveaxis(x, -1, time_axis - (freq_axis < time_axis))
    times = fnp.asarray(np.arange(x.shape[time_axis - (freq_axis < time_axis)] if x.ndim > 1 else x.shape[0]),
                        dtype=dtypes.real_dtype(x.dtype)) / fs
    return times, x


def _median_bias(n: int) -> float:
    """The expected median over the mean of n exponential variables (SciPy's bias of average='median')."""
    k = np.arange(1, (n - 1) // 2 + 1)
    return 1.0 + float(np.sum(1.0 / (2 * k + 1) - 1.0 / (2 * k)))


def csd(x, y, fs=1.0, window="hann", nperseg: int | None = None, noverlap: int | None = None,
        nfft: int | None = None, detrend="constant", return_onesided: bool = True, scaling: str = "density",
        axis: int = -1, average: str = "mean") -> tuple[Array, Array]:
    """The cross power spectral density of `x` and `y` by Welch's method: frequencies and the
    average of `conj(X) * Y` over the segments (scaled as `scaling` says).

    Args as `stft`'s (no boundary extension or padding; `nperseg` defaults to 256 samples for a
    named window), and:
      y: the second signal; the shorter one is zero-padded, the other axes broadcast.
      detrend: as `stft`'s, but a function takes one segment (samples on its last axis), as SciPy's.
      scaling: "density" (per unit frequency, V**2/Hz) or "spectrum" (V**2).
      average: "mean" or "median" (of the real and imaginary parts, divided by SciPy's bias).

    >>> import fluxion.numpy as fnp
    >>> import fluxion.scipy.signal as signal
    >>> f, p = signal.csd(fnp.ones(8), fnp.ones(8), nperseg=4, window="boxcar", detrend=False, scaling="spectrum")
    >>> p.real.tolist()
    [1.0, 0.0, 0.0]
    """
    return _welch("csd", x, y, fs, window, nperseg, noverlap, nfft, detrend, return_onesided, scaling, axis, average)


def welch(x, fs=1.0, window="hann", nperseg: int | None = None, noverlap: int | None = None,
          nfft: int | None = None, detrend="constant", return_onesided: bool = True, scaling: str = "density",
          axis: int = -1, average: str = "mean") -> tuple[Array, Array]:
    """The power spectral density of `x` by Welch's method: frequencies and the average of the
    segments' periodograms (arguments as `csd`'s).

    >>> import fluxion.numpy as fnp
    >>> import fluxion.scipy.signal as signal
    >>> f, p = signal.welch(fnp.asarray([1.0, -1.0] * 8), nperseg=4, window="boxcar", scaling="spectrum")
    >>> f.tolist(), p.tolist()
    ([0.0, 0.25, 0.5], [0.0, 0.0, 1.0])
    """
    f, p = _welch("welch", x, None, fs, window, nperseg, noverlap, nfft, detrend, return_onesided, scaling, axis,
                  average)
    return f, fnp.real(p)


def _welch(op, x, y, fs, window, nperseg, noverlap, nfft, detrend, return_onesided, scaling, axis, average):
    _choice(op, "scaling", scaling, ("density", "spectrum"))
    _choice(op, "average", average, ("mean", "median"))
    if callable(detrend):  # (SciPy's takes one segment at a time, with its leading axes; stft's takes all)
        detrend = vmap(detrend, in_axes=-2, out_axes=-2)
    elif detrend is not False:
        _choice(op, "detrend", detrend, _DETRENDS)
    x = _inexact(x)
    axis = operator.index(axis)
    xs = [fnp.moveaxis(x, axis_index(op, axis, x.ndim), -1)]
    if y is not None:
        y = _inexact(y)
        xs.append(fnp.moveaxis(y, axis_index(op, axis, y.ndim), -1))
        try:
            outer = np.broadcast_shapes(xs[0].shape[:-1], xs[1].shape[:-1])
        except ValueError:
            raise op_error(ShapeError, op, f"x of shape {x.shape} and y of shape {y.shape} do not broadcast outside "
                           f"axis {axis}", "give them broadcastable shapes") from None
    dtype = dtypes.complex_dtype(fnp.result_type(*xs))
    if any(v.size == 0 for v in xs):  # SciPy's empty results
        shape = x.shape if y is None else np.moveaxis(np.empty(outer + (min(v.shape[-1] for v in xs),)), -1,
                                                      axis).shape
        return fnp.zeros(shape, dtypes.real_dtype(dtype)), fnp.zeros(shape, dtypes.real_dtype(dtype))
    n = max(v.shape[-1] for v in xs)
    xs = [fnp.pad(v, [(0, 0)] * (v.ndim - 1) + [(0, n - v.shape[-1])]) for v in xs]
    win, nperseg = _window(op, window, nperseg, n, True)
    hop, nfft = _overlap(op, nperseg, noverlap, nfft)
    win = _typed(win, xs[0])
    onesided = _sides(op, xs[0], xs[-1], return_onesided)
    spectra = [_spectra(v, win, nperseg, hop, nfft, detrend, onesided) for v in xs]
    p = fnp.conj(spectra[0]) * spectra[-1] * _scale(win, fs, scaling)
    if onesided:  # the negative frequencies' share, but at 0 and at an even length's Nyquist frequency
        double = np.full(p.shape[-1], 2.0)
        double[0] = 1.0
        if nfft % 2 == 0:
            double[-1] = 1.0
        p = p * fnp.asarray(double, dtype=dtypes.real_dtype(p.dtype))
    if p.shape[-2] == 1:
        p = p[..., 0, :]
    elif average == "mean":
        p = fnp.mean(p, axis=-2)
    else:
        bias = _median_bias(p.shape[-2])
        p = (fnp.median(fnp.real(p), axis=-2) + 1j * fnp.median(fnp.imag(p), axis=-2)) / bias
    p = convert(p, dtype)
    return _frequencies(nfft, fs, onesided, dtype), fnp.moveaxis(p, -1, axis_index(op, axis, p.ndim))
