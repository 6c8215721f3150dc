"""fluxion.numpy.fft: the array API's fft extension (and NumPy's 2-D helpers) on the fft primitive.

Every transform is one recipe: convert the input (real -> complex, or integers -> float32),
then, a few axes at a time (at most three per call, as XLA), crop or zero-pad each transformed
axis to its requested length (-1 in `s`: the input's own, as in NumPy), move those axes to the
end, apply the fft primitive and move them back; finally scale for `norm`. As in NumPy, an
axis listed twice in `axes` is transformed twice.

>>> import fluxion.numpy as fnp
>>> fnp.fft.fft(fnp.asarray([1.0, 0.0, 0.0, 0.0])).tolist()
[(1+0j), (1+0j), (1+0j), (1+0j)]
"""
from __future__ import annotations

import math
import numbers
import operator
from typing import Iterator, Sequence

from ..core import dtypes
from ..core.array import Array
from ..core.errors import DTypeError, op_error
from ..ops import elementwise as E
from ..ops import fft as F
from ..ops import shape as S
from ..ops._util import axis_index, one_int
from ._convert import convert
from ._creation import asarray
from ._division import divide
from ._elementwise import multiply
from ._elementwise_base import no_out
from ._repeating import roll
from ._placement import place, resolve

__all__ = ["fft", "fft2", "fftfreq", "fftn", "fftshift", "hfft", "ifft", "ifft2", "ifftn", "ifftshift", "ihfft",
           "irfft", "irfft2", "irfftn", "rfft", "rfft2", "rfftfreq", "rfftn"]

_NORMS = ("backward", "ortho", "forward")
_SWAPPED = {"backward": "forward", "ortho": "ortho", "forward": "backward"}
_INVERSE = ("ifft", "irfft")
_MAX_AXES = 3  # XLA transforms at most three axes per call


def _complex_input(x: Array) -> Array:
    if x.dtype in dtypes.COMPLEX:
        return x
    return convert(x, dtypes.complex128 if x.dtype == dtypes.float64 else dtypes.complex64)


def _real_input(op: str, x: Array) -> Array:
    if x.dtype in dtypes.COMPLEX:
        raise op_error(DTypeError, op, f"takes a real array, got {x.dtype}",
                       "pass x.real, or use the complex transform (fft, fftn) for complex input")
    if x.dtype in (dtypes.float32, dtypes.float64):
        return x
    return convert(x, dtypes.float32)


def _check_norm(op: str, norm: str | None) -> str:
    norm = "backward" if norm is None else norm
    if norm not in _NORMS:
        raise op_error(ValueError, op, f"unknown norm {norm!r}", f"use one of {', '.join(map(repr, _NORMS))}")
    return norm


def _plan(op: str, x: Array, s, axes, kind: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """The transformed axes (non-negative) and the length of the transform along each."""
    if axes is None:
        axes = range(x.ndim) if s is None else range(x.ndim - len(s), x.ndim)
    axes = tuple(axis_index(op, operator.index(a), x.ndim) for a in axes)
    if kind in ("rfft", "irfft") and not axes:
        raise op_error(ValueError, op, "needs at least one axis to transform", "pass a non-empty axes")
    sizes = [x.shape[a] for a in axes]
    if kind == "irfft" and axes:
        sizes[-1] = 2 * (sizes[-1] - 1)
    if s is not None:
        s = tuple(operator.index(n) for n in s)
        if len(s) != len(axes):
            raise op_error(ValueError, op, f"s={s} has {len(s)} entries for {len(axes)} axes {axes}",
                           "give one length per transformed axis")
        sizes = [x.shape[a] if n == -1 else n for n, a in zip(s, axes)]  # -1: the input's length, as NumPy
    if any(n < 1 for n in sizes):
        raise op_error(ValueError, op, f"invalid number of FFT data points {tuple(sizes)} along axes {axes}",
                       "pass lengths of at least 1 (n= or s=), and non-empty input along transformed axes")
    return axes, tuple(sizes)


def _length(op: str, n: int | None) -> tuple[int] | None:
    """The `n` of a 1-D transform as an `s`; only `s` gives -1 the meaning "the input's length"."""
    if n is None:
        return None
    n = operator.index(n)
    if n < 1:
        raise op_error(ValueError, op, f"invalid number of FFT data points ({n})",
                       "pass n >= 1, or leave n out for the default length")
    return (n,)


def _resize(x: Array, axes: tuple[int, ...], sizes: Sequence[int]) -> Array:
    """Crop or zero-pad `x` at the end of each of `axes` to `sizes`."""
    if all(x.shape[a] == n for a, n in zip(axes, sizes)):
        return x
    limits, config = list(x.shape), [(0, 0, 0)] * x.ndim
    for a, n in zip(axes, sizes):
        limits[a] = min(n, x.shape[a])
        config[a] = (0, max(0, n - x.shape[a]), 0)
    return S.pad(S.slice(x, (0,) * x.ndim, tuple(limits)), 0, tuple(config))


def _apply(x: Array, kind: str, axes: tuple[int, ...], lengths: tuple[int, ...]) -> Array:
    """The fft primitive over `axes` (at most three): they move to the end and back."""
    if axes == tuple(range(x.ndim - len(axes), x.ndim)):
        return F.fft(x, kind, lengths)
    perm = tuple(a for a in range(x.ndim) if a not in axes) + axes
    inverse = tuple(sorted(range(x.ndim), key=perm.__getitem__))
    return S.transpose(F.fft(S.transpose(x, perm), kind, lengths), inverse)


def _transform(op: str, x, kind: str, s, axes, norm: str | None, out) -> Array:
    """A transform of kind "fft", "ifft", "rfft" or "irfft" over `axes` with lengths `s` (NumPy semantics);
    `out` is None only (arrays are values)."""
    no_out(f"fft.{op}", out)
    norm = _check_norm(op, norm)
    x = asarray(x)
    x = _real_input(op, x) if kind == "rfft" else _complex_input(x)
    axes, sizes = _plan(op, x, s, axes, kind)
    for call_kind, call_axes, lengths in _calls(kind, axes, sizes):
        stored = lengths[:-1] + (lengths[-1] // 2 + 1,) if call_kind == "irfft" else lengths
        x = _apply(_resize(x, call_axes, stored), call_kind, call_axes, lengths)
    return _normalise(x, math.prod(sizes), norm, kind in _INVERSE)


def _calls(kind: str, axes: tuple[int, ...], sizes: tuple[int, ...]) -> Iterator[tuple[str, tuple, tuple]]:
    """`(kind, axes, lengths)` of each call of the fft primitive. NumPy applies one 1-d transform
    per entry of `axes`: from the last entry back (rfft: the real one first), or, for irfft, from
    the first on (the real one last). Runs of distinct axes in that order share a call; the real
    transform acts on the call's last axis."""
    steps = list(zip(axes, sizes))
    if kind != "irfft":
        steps.reverse()
    groups: list[list[tuple[int, int]]] = []
    for axis, n in steps:
        if not groups or len(groups[-1]) == _MAX_AXES or any(a == axis for a, _ in groups[-1]):
            groups.append([])  # an axis met again is transformed again, after the ones before it
        groups[-1].append((axis, n))
    real = {"rfft": 0, "irfft": len(groups) - 1}.get(kind)
    complex_kind = "ifft" if kind in _INVERSE else "fft"
    for i, group in enumerate(groups):
        call_axes, lengths = zip(*(group if kind == "irfft" else group[::-1]))
        yield (kind if i == real else complex_kind), call_axes, lengths


def _normalise(x: Array, n: int, norm: str, inverse: bool) -> Array:
    """Scale for `norm`; the primitive has already divided inverse transforms by n."""
    scale = {"backward": 1.0, "ortho": math.sqrt(n), "forward": float(n)}[norm]
    if not inverse:
        scale = 1.0 / scale
    if scale == 1.0:
        return x
    return E.mul_p.bind(x, convert(scale, x.dtype))


def fft(x, /, n: int | None = None, axis: int = -1, norm: str = "backward", out=None) -> Array:
    """The discrete Fourier transform along `axis`, cropped or zero-padded to `n` points.

    >>> import fluxion.numpy as fnp
    >>> fnp.fft.fft(fnp.asarray([1.0, 2.0, 3.0, 4.0])).tolist()
    [(10+0j), (-2+2j), (-2+0j), (-2-2j)]
    """
    return _transform("fft", x, "fft", _length("fft", n), (axis,), norm, out)


def ifft(x, /, n: int | None = None, axis: int = -1, norm: str = "backward", out=None) -> Array:
    """The inverse of `fft` along `axis`.

    >>> import fluxion.numpy as fnp
    >>> fnp.fft.ifft(fnp.asarray([4.0, 0.0, 0.0, 0.0])).tolist()
    [(1+0j), (1+0j), (1+0j), (1+0j)]
    """
    return _transform("ifft", x, "ifft", _length("ifft", n), (axis,), norm, out)


def fftn(x, /, s: Sequence[int] | None = None, axes: Sequence[int] | None = None,
         norm: str = "backward", out=None) -> Array:
    """The n-dimensional discrete Fourier transform over `axes` (all by default), with lengths `s`.

    >>> import fluxion.numpy as fnp
    >>> fnp.fft.fftn(fnp.ones((2, 2))).tolist()
    [[(4+0j), 0j], [0j, 0j]]
    """
    return _transform("fftn", x, "fft", s, axes, norm, out)


def ifftn(x, /, s: Sequence[int] | None = None, axes: Sequence[int] | None = None,
          norm: str = "backward", out=None) -> Array:
    """The inverse of `fftn`.

    >>> import fluxion.numpy as fnp
    >>> fnp.fft.ifftn(fnp.asarray([[4.0, 0.0], [0.0, 0.0]])).tolist()
    [[(1+0j), (1+0j)], [(1+0j), (1+0j)]]
    """
    return _transform("ifftn", x, "ifft", s, axes, norm, out)


def rfft(x, /, n: int | None = None, axis: int = -1, norm: str = "backward", out=None) -> Array:
    """The Fourier transform of a real signal: its `n // 2 + 1` non-negative frequencies.

    >>> import fluxion.numpy as fnp
    >>> fnp.fft.rfft(fnp.asarray([1.0, 2.0, 3.0, 4.0])).tolist()
    [(10+0j), (-2+2j), (-2+0j)]
    """
    return _transform("rfft", x, "rfft", _length("rfft", n), (axis,), norm, out)


def irfft(x, /, n: int | None = None, axis: int = -1, norm: str = "backward", out=None) -> Array:
    """The inverse of `rfft`: a real signal of `n` points (default `2 * (m - 1)` for m frequencies).

    >>> import fluxion.numpy as fnp
    >>> fnp.fft.irfft(fnp.asarray([10, -2 + 2j, -2])).tolist()
    [1.0, 2.0, 3.0, 4.0]
    """
    return _transform("irfft", x, "irfft", _length("irfft", n), (axis,), norm, out)


def rfftn(x, /, s: Sequence[int] | None = None, axes: Sequence[int] | None = None,
          norm: str = "backward", out=None) -> Array:
    """The n-dimensional transform of a real array; the last of `axes` keeps `s[-1] // 2 + 1` frequencies.

    >>> import fluxion.numpy as fnp
    >>> fnp.fft.rfftn(fnp.ones((2, 4))).shape
    (2, 3)
    """
    return _transform("rfftn", x, "rfft", s, axes, norm, out)


def irfftn(x, /, s: Sequence[int] | None = None, axes: Sequence[int] | None = None,
           norm: str = "backward", out=None) -> Array:
    """The inverse of `rfftn` (the last axis defaults to `2 * (m - 1)` points).

    >>> import fluxion.numpy as fnp
    >>> fnp.fft.irfftn(fnp.fft.rfftn(fnp.ones((2, 4)))).tolist()
    [[1.0, 1.0, 1.0, 1.0], [1.0, 1.0, 1.0, 1.0]]
    """
    return _transform("irfftn", x, "irfft", s, axes, norm, out)


def hfft(x, /, n: int | None = None, axis: int = -1, norm: str = "backward", out=None) -> Array:
    """The transform of a Hermitian-symmetric signal given by its first half: a real spectrum of `n` points.

    >>> import fluxion.numpy as fnp
    >>> fnp.fft.hfft(fnp.asarray([1.0, 0.0, 0.0])).tolist()
    [1.0, 1.0, 1.0, 1.0]
    """
    norm = _check_norm("hfft", norm)
    return _transform("hfft", E.conj_p.bind(_complex_input(asarray(x))), "irfft", _length("hfft", n),
                      (axis,), _SWAPPED[norm], out)


def ihfft(x, /, n: int | None = None, axis: int = -1, norm: str = "backward", out=None) -> Array:
    """The inverse of `hfft`: the first half of a Hermitian-symmetric signal from a real one.

    >>> import fluxion.numpy as fnp
    >>> fnp.fft.ihfft(fnp.asarray([1.0, 1.0, 1.0, 1.0])).tolist()
    [(1-0j), -0j, -0j]
    """
    norm = _check_norm("ihfft", norm)
    return E.conj_p.bind(_transform("ihfft", x, "rfft", _length("ihfft", n), (axis,), _SWAPPED[norm], out))


def fft2(x, /, s: Sequence[int] | None = None, axes: Sequence[int] = (-2, -1),
         norm: str = "backward", out=None) -> Array:
    """`fftn` over the last two axes.

    >>> import fluxion.numpy as fnp
    >>> fnp.fft.fft2(fnp.ones((2, 2))).tolist()
    [[(4+0j), 0j], [0j, 0j]]
    """
    return _transform("fft2", x, "fft", s, axes, norm, out)


def ifft2(x, /, s: Sequence[int] | None = None, axes: Sequence[int] = (-2, -1),
          norm: str = "backward", out=None) -> Array:
    """`ifftn` over the last two axes.

    >>> import fluxion.numpy as fnp
    >>> fnp.fft.ifft2(fnp.asarray([[4.0, 0.0], [0.0, 0.0]])).tolist()
    [[(1+0j), (1+0j)], [(1+0j), (1+0j)]]
    """
    return _transform("ifft2", x, "ifft", s, axes, norm, out)


def rfft2(x, /, s: Sequence[int] | None = None, axes: Sequence[int] = (-2, -1),
          norm: str = "backward", out=None) -> Array:
    """`rfftn` over the last two axes.

    >>> import fluxion.numpy as fnp
    >>> fnp.fft.rfft2(fnp.ones((2, 4))).shape
    (2, 3)
    """
    return _transform("rfft2", x, "rfft", s, axes, norm, out)


def irfft2(x, /, s: Sequence[int] | None = None, axes: Sequence[int] = (-2, -1),
           norm: str = "backward", out=None) -> Array:
    """`irfftn` over the last two axes.

    >>> import fluxion.numpy as fnp
    >>> fnp.fft.irfft2(fnp.fft.rfft2(fnp.ones((2, 4)))).shape
    (2, 4)
    """
    return _transform("irfft2", x, "irfft", s, axes, norm, out)


def _frequencies(op: str, n, d, dtype, device) -> tuple[int, float | Array, object, object]:
    """Checked `n`, the spacing 1 / (n * d) of the frequencies, the result dtype and device."""
    device = resolve(op, device)
    n = operator.index(n)
    if n < 1:
        raise op_error(ValueError, op, f"n={n} is not a positive number of samples", "pass n >= 1")
    dtype = dtypes.default_float if dtype is None else dtypes.canonicalize(dtype)
    if dtype not in dtypes.REAL_FLOATING:
        raise op_error(DTypeError, op, f"returns real floating-point frequencies, not {dtype}",
                       "pass a real floating dtype such as fluxion.numpy.float32")
    if not isinstance(d, numbers.Real):  # an array (traced, say): the spacing in the result's dtype
        return n, divide(1, multiply(n, convert(asarray(d), dtype))), dtype, device
    return n, 1.0 / (n * float(d)), dtype, device


def _scaled(op: str, k: Array, scale, dtype, device) -> Array:
    return place(op, multiply(convert(k, dtype), convert(scale, dtype)), device)


def fftfreq(n: int, /, d: float = 1.0, *, dtype=None, device=None) -> Array:
    """The sample frequencies of an `n`-point `fft` with sample spacing `d`: [0, 1, ..., -2, -1] / (d n).

    >>> import fluxion.numpy as fnp
    >>> fnp.fft.fftfreq(4).tolist()
    [0.0, 0.25, -0.5, -0.25]
    """
    n, scale, dtype, device = _frequencies("fftfreq", n, d, dtype, device)
    half = convert(n // 2, dtypes.int64)
    # ((k + n // 2) mod n) - n // 2 runs 0, 1, ..., then wraps to the negative frequencies
    k = E.add_p.bind(S.iota(dtypes.int64, (n,), 0), half)
    k = E.sub_p.bind(E.rem_p.bind(k, convert(n, dtypes.int64)), half)
    return _scaled("fftfreq", k, scale, dtype, device)


def rfftfreq(n: int, /, d: float = 1.0, *, dtype=None, device=None) -> Array:
    """The sample frequencies of an `n`-point `rfft`: [0, 1, ..., n // 2] / (d n).

    >>> import fluxion.numpy as fnp
    >>> fnp.fft.rfftfreq(4).tolist()
    [0.0, 0.25, 0.5]
    """
    n, scale, dtype, device = _frequencies("rfftfreq", n, d, dtype, device)
    return _scaled("rfftfreq", S.iota(dtypes.int64, (n // 2 + 1,), 0), scale, dtype, device)


def _shift(op: str, x, axes, sign: int) -> Array:
    x = asarray(x)
    if axes is None:
        axes = tuple(range(x.ndim))
    elif one_int(axes):
        axes = (axes,)
    axes = tuple(axis_index(op, operator.index(a), x.ndim) for a in axes)
    if not axes:
        return x
    return roll(x, tuple(sign * (x.shape[a] // 2) for a in axes), axis=axes)


def fftshift(x, /, axes: int | Sequence[int] | None = None) -> Array:
    """Move the zero frequency to the centre of `axes` (all by default).

    >>> import fluxion.numpy as fnp
    >>> fnp.fft.fftshift(fnp.fft.fftfreq(4)).tolist()
    [-0.5, -0.25, 0.0, 0.25]
    """
    return _shift("fftshift", x, axes, 1)


def ifftshift(x, /, axes: int | Sequence[int] | None = None) -> Array:
    """The inverse of `fftshift` (they differ for odd lengths).

    >>> import fluxion.numpy as fnp
    >>> fnp.fft.ifftshift(fnp.asarray([-0.5, -0.25, 0.0, 0.25])).tolist()
    [0.0, 0.25, -0.5, -0.25]
    """
    return _shift("ifftshift", x, axes, -1)


def __dir__():  # the public names only, not the modules and helpers the code imports
    return __all__
