"""SciPy's n-dimensional convolutions: `convolve`, `correlate`, `fftconvolve`, and the 2-D ones
with boundary conditions (`convolve2d`, `correlate2d`).

A convolution sums `in1[n - k] * in2[k]`; a correlation is the convolution with `in2` reversed
and conjugated. The direct method is one `conv_general_dilated` whose padding (negative: a crop)
selects the mode's outputs; the FFT method multiplies (real) Fourier transforms of a fast length
and keeps the mode's centred part, as SciPy's `_centered` does. `mode="valid"` swaps the inputs
when the second covers the first, so that each output sees only whole overlaps.
"""
from __future__ import annotations

import numbers
import operator
from collections.abc import Sequence

from .. import numpy as fnp
from ..core import dtypes
from ..core.array import Array
from ..core.errors import ShapeError, op_error
from ..numpy._convert import convert, promote
from ..ops._util import axis_index
from ..ops.conv import conv_general_dilated

__all__ = ["convolve", "convolve2d", "correlate", "correlate2d", "fftconvolve"]

_MODES = ("full", "same", "valid")
_METHODS = ("auto", "direct", "fft")
_BOUNDARIES = {"fill": "constant", "circular": "wrap", "wrap": "wrap", "symmetric": "symmetric", "symm": "symmetric"}
_AUTO_FFT_WORK = 1 << 15  # products of a direct convolution above which method="auto" uses the FFT


def _choice(op: str, name: str, value, options) -> None:
    if value not in options:
        raise op_error(ValueError, op, f"unknown {name} {value!r}", f"use one of {', '.join(map(repr, options))}")


def _operands(op: str, in1, in2, mode: str) -> tuple[Array, Array]:
    _choice(op, "mode", mode, _MODES)
    a, b = promote(op, fnp.asarray(in1), fnp.asarray(in2))
    if a.ndim != b.ndim:
        raise op_error(ShapeError, op, f"in1 of shape {a.shape} and in2 of shape {b.shape} differ in dimensions",
                       "give both the same number of axes (add axes of size 1 with fluxion.numpy.expand_dims)")
    return a, b


def _swap_for_valid(op: str, mode: str, s1: Sequence[int], s2: Sequence[int]) -> bool:
    """Whether "valid" mode convolves in2 with in1 (in2 covers in1); an error if neither covers the other."""
    if mode != "valid" or all(m >= n for m, n in zip(s1, s2)):
        return False
    if all(m <= n for m, n in zip(s1, s2)):
        return True
    raise op_error(ValueError, op, f"in 'valid' mode one input must be at least as large as the other along every "
                   f"convolved axis, got sizes {tuple(s1)} and {tuple(s2)}", "use mode='full' or 'same', or crop one")


def _lengths(mode: str, m: int, n: int) -> tuple[int, int]:
    """The output length and its start within the full convolution of lengths m and n (SciPy's centring)."""
    full = m + n - 1
    length = {"full": full, "same": m, "valid": m - n + 1}[mode]
    return length, (full - length) // 2


def _direct(a: Array, b: Array, mode: str) -> Array:
    """The convolution of `a` with `b` over all their axes by one windowed sum."""
    padding = []
    for m, n in zip(a.shape, b.shape):
        length, start = _lengths(mode, m, n)
        lo = n - 1 - start
        padding.append((lo, length - m - lo + n - 1))
    boolean = a.dtype == dtypes.bool_
    if boolean:  # count the matching pairs, then any count above zero is True
        a, b = convert(a, dtypes.int64), convert(b, dtypes.int64)
    kernel = fnp.flip(b) if b.ndim else b
    out = conv_general_dilated(a[None, None], kernel[None, None], (1,) * a.ndim, padding)[0, 0]
    return out != 0 if boolean else out


def _fast_length(n: int) -> int:
    """The smallest 2-3-5-smooth length of at least n, on which FFTs are fast."""
    best = 1 << max(0, (n - 1).bit_length())
    p5 = 1
    while p5 < best:
        p35 = p5
        while p35 < best:
            p = p35
            while p < n:
                p *= 2
            best = min(best, p)
            p35 *= 3
        p5 *= 5
    return best


def _centred(x: Array, axes: Sequence[int], starts: Sequence[int], lengths: Sequence[int]) -> Array:
    index = [slice(None)] * x.ndim
    for axis, start, length in zip(axes, starts, lengths):
        index[axis] = slice(start, start + length)
    return x[tuple(index)]


def _fft_convolve(op: str, a: Array, b: Array, mode: str, axes) -> Array:
    """The convolution along `axes` by FFTs; the other axes broadcast."""
    if axes is None:
        axes = range(a.ndim)
    elif isinstance(axes, numbers.Integral):
        axes = (axes,)
    axes = tuple(axis_index(op, operator.index(ax), a.ndim) for ax in axes)
    if len(set(axes)) != len(axes):
        raise op_error(ValueError, op, f"axes {axes} repeat an axis", "list each axis once")
    for d in range(a.ndim):
        if d not in axes and a.shape[d] != b.shape[d] and 1 not in (a.shape[d], b.shape[d]):
            raise op_error(ShapeError, op, f"in1 of shape {a.shape} and in2 of shape {b.shape} do not broadcast along "
                           f"axis {d}, which is not convolved", f"add axis {d} to axes, or make one of them 1 long")
    # along an axis where an input has length 1 the convolution is a product: it broadcasts
    axes = tuple(d for d in axes if 1 not in (a.shape[d], b.shape[d]))
    shape1 = a.shape
    if _swap_for_valid(op, mode, [a.shape[d] for d in axes], [b.shape[d] for d in axes]):
        a, b = b, a
    if axes:
        sizes = tuple(_fast_length(a.shape[d] + b.shape[d] - 1) for d in axes)
        if a.dtype in dtypes.COMPLEX:
            out = fnp.fft.ifftn(fnp.fft.fftn(a, s=sizes, axes=axes) * fnp.fft.fftn(b, s=sizes, axes=axes), s=sizes,
                                axes=axes)
        else:
            out = fnp.fft.irfftn(fnp.fft.rfftn(a, s=sizes, axes=axes) * fnp.fft.rfftn(b, s=sizes, axes=axes),
                                 s=sizes, axes=axes)
        plan = [_lengths(mode, a.shape[d], b.shape[d]) for d in axes]
        out = _centred(out, axes, [start for _, start in plan], [length for length, _ in plan])
    else:
        out = a * b
    if mode == "same":  # in1's shape along every axis, the broadcast ones too
        out = _centred(out, range(out.ndim), [(n - m) // 2 for n, m in zip(out.shape, shape1)], shape1)
    return out


def _inexact(x: Array) -> Array:
    return x if x.dtype in dtypes.WIDE_FLOATING else convert(x, dtypes.default_float)


def fftconvolve(in1, in2, mode: str = "full", axes: int | Sequence[int] | None = None) -> Array:
    """The convolution of two n-dimensional arrays along `axes` (all by default) by FFTs.

    Axes not convolved broadcast. Integer inputs convolve in float32.

    Args:
      in1, in2: arrays with the same number of axes.
      mode: "full" (every overlap), "same" (in1's size, centred) or "valid" (whole overlaps only).
      axes: the convolved axes.

    >>> import fluxion.numpy as fnp
    >>> import fluxion.scipy.signal as signal
    >>> signal.fftconvolve(fnp.asarray([1.0, 2.0, 3.0]), fnp.asarray([0.0, 1.0, 0.5])).round(5).tolist()
    [0.0, 1.0, 2.5, 4.0, 1.5]
    """
    a, b = _operands("fftconvolve", in1, in2, mode)
    a, b = _inexact(a), _inexact(b)
    if a.size == 0 or b.size == 0:  # SciPy returns a flat empty array
        return fnp.zeros((0,), a.dtype)
    return _fft_convolve("fftconvolve", a, b, mode, axes)


def _convolve(op: str, a: Array, b: Array, mode: str, method: str) -> Array:
    _choice(op, "method", method, _METHODS)
    if a.size == 0 and b.size and mode == "same":  # (SciPy's: the first operand, as it is)
        return fnp.zeros(a.shape, a.dtype)
    if a.size == 0 or b.size == 0:
        raise op_error(ValueError, op, f"cannot convolve an empty array (shapes {a.shape} and {b.shape})",
                       "pass arrays with at least one element")
    if a.ndim == 0:
        return a * b
    if _swap_for_valid(op, mode, a.shape, b.shape):
        a, b = b, a
    if method == "auto":
        method = "fft" if a.dtype in dtypes.FLOATING and a.size * b.size > _AUTO_FFT_WORK else "direct"
    if method == "direct" or a.dtype == dtypes.bool_:
        return _direct(a, b, mode)
    if a.dtype in dtypes.FLOATING:
        return _fft_convolve(op, a, b, mode, None)
    # integers: SciPy rounds the FFT's result back to the inputs' dtype, which narrower integers
    # wrap into (by way of int64: a float converted to them would saturate)
    wide = dtypes.float64
    out = fnp.round(_fft_convolve(op, convert(a, wide), convert(b, wide), mode, None))
    return convert(out if a.dtype.itemsize == 8 else convert(out, dtypes.int64), a.dtype)


def convolve(in1, in2, mode: str = "full", method: str = "auto") -> Array:
    """The convolution of two n-dimensional arrays, in the inputs' dtype.

    Args:
      in1, in2: arrays with the same number of axes.
      mode: "full" (every overlap), "same" (in1's size, centred) or "valid" (whole overlaps only).
      method: "direct" (a windowed sum), "fft" (`fftconvolve`; integers are rounded back), or "auto":
        the FFT for floating-point inputs whose direct sum takes more than 2**15 products.

    >>> import fluxion.numpy as fnp
    >>> import fluxion.scipy.signal as signal
    >>> signal.convolve(fnp.asarray([1.0, 2.0, 3.0]), fnp.asarray([0.0, 1.0, 0.5]), mode="same").tolist()
    [1.0, 2.5, 4.0]
    """
    a, b = _operands("convolve", in1, in2, mode)
    return _convolve("convolve", a, b, mode, method)


def _reversed_conjugate(x: Array) -> Array:
    x = fnp.conj(x) if x.dtype in dtypes.COMPLEX else x
    return fnp.flip(x) if x.ndim else x


def correlate(in1, in2, mode: str = "full", method: str = "auto") -> Array:
    """The cross-correlation `z[k] = sum_n in1[n + k] * conj(in2[n])` of two n-dimensional arrays.

    Arguments as `convolve`'s; it is the convolution of in1 with in2 reversed and conjugated.

    >>> import fluxion.numpy as fnp
    >>> import fluxion.scipy.signal as signal
    >>> signal.correlate(fnp.asarray([1.0, 2.0, 3.0]), fnp.asarray([0.0, 1.0, 0.5])).tolist()
    [0.5, 2.0, 3.5, 3.0, 0.0]
    """
    a, b = _operands("correlate", in1, in2, mode)
    return _convolve("correlate", a, _reversed_conjugate(b), mode, method)


def _convolve2d(op: str, in1, in2, mode: str, boundary: str, fillvalue, correlation: bool) -> Array:
    a, b = _operands(op, in1, in2, mode)
    if a.ndim != 2:
        raise op_error(ShapeError, op, f"takes 2-D arrays, got shapes {a.shape} and {b.shape}",
                       "reshape them to matrices, or use convolve for n-dimensional arrays")
    _choice(op, "boundary", boundary, tuple(_BOUNDARIES))
    if not isinstance(fillvalue, numbers.Number) and fnp.ndim(fillvalue) != 0:
        raise op_error(ValueError, op, f"fillvalue must be a scalar, got shape {fnp.shape(fillvalue)}",
                       "pass one number")
    if a.size == 0 or b.size == 0:
        raise op_error(ValueError, op, f"cannot convolve an empty array (shapes {a.shape} and {b.shape})",
                       "pass arrays with at least one element")
    if mode == "valid":  # the boundary never takes part
        if correlation and _swap_for_valid(op, mode, a.shape, b.shape):
            # as SciPy: in1 slides over in2 and the result is reversed (for complex input, the conjugate
            # of `correlate`'s)
            return fnp.flip(_direct(b, _reversed_conjugate(a), mode))
        return _convolve(op, a, _reversed_conjugate(b) if correlation else b, mode, "direct")
    shape = a.shape
    if correlation:
        b = _reversed_conjugate(b)
    pad_mode = _BOUNDARIES[boundary]
    if pad_mode != "constant" or not (isinstance(fillvalue, numbers.Number) and fillvalue == 0):
        extra = {"constant_values": convert(fillvalue, a.dtype)} if pad_mode == "constant" else {}
        a = fnp.pad(a, [(n - 1, n - 1) for n in b.shape], mode=pad_mode, **extra)
    full = _direct(a, b, "valid" if a.shape != shape else "full")
    if mode == "full":
        return full
    # "same": SciPy centres the correlation on in2's element n // 2, the convolution on (n - 1) // 2
    starts = [n // 2 if correlation else (n - 1) // 2 for n in b.shape]
    return _centred(full, (0, 1), starts, shape)


def convolve2d(in1, in2, mode: str = "full", boundary: str = "fill", fillvalue=0) -> Array:
    """The convolution of two matrices, with in1 extended beyond its edges as `boundary` says.

    Args:
      in1, in2: 2-D arrays.
      mode: "full", "same" or "valid" (as `convolve`).
      boundary: "fill" (pad with `fillvalue`), "wrap" or "circular" (periodic), "symm" or
        "symmetric" (mirrored, the edge repeated).
      fillvalue: the value beyond the edges for boundary="fill".

    >>> import fluxion.numpy as fnp
    >>> import fluxion.scipy.signal as signal
    >>> signal.convolve2d(fnp.eye(2), fnp.ones((1, 2)), mode="same", boundary="wrap").tolist()
    [[1.0, 1.0], [1.0, 1.0]]
    """
    return _convolve2d("convolve2d", in1, in2, mode, boundary, fillvalue, False)


def correlate2d(in1, in2, mode: str = "full", boundary: str = "fill", fillvalue=0) -> Array:
    """The cross-correlation of two matrices, with `convolve2d`'s modes and boundaries.

    >>> import fluxion.numpy as fnp
    >>> import fluxion.scipy.signal as signal
    >>> signal.correlate2d(fnp.eye(2), fnp.asarray([[1.0, 2.0]]), mode="valid").tolist()
    [[1.0], [2.0]]
    """
    return _convolve2d("correlate2d", in1, in2, mode, boundary, fillvalue, True)

