"""fluxion.scipy.fft: SciPy's discrete cosine transforms of types 1 to 4, on fluxion.numpy.fft.

Each type is the real part of one Fourier transform of twice the length: the signal extended
evenly (types 1 and 2), or multiplied by a half-sample phase ramp first (types 3 and 4). A
complex signal is transformed as its real and imaginary parts. `norm` and `orthogonalize` scale
as SciPy does; `idct` of a type is `dct` of its inverse type (1 -> 1, 2 -> 3, 3 -> 2, 4 -> 4)
with the inverse scaling. Every step is a fluxion.numpy function, so the transforms are
differentiable, batch and compile.

>>> import fluxion.numpy as fnp
>>> import fluxion.scipy.fft as sfft
>>> sfft.dct(fnp.asarray([1.0, 2.0, 3.0, 5.0]), norm="ortho").round(4).tolist()
[5.5, -2.8837, 0.5, -0.4291]
"""
from __future__ import annotations

import math
import operator
from collections.abc import Sequence

import numpy as np

from .. import numpy as fnp
from ..core import dtypes
from ..core.array import Array
from ..core.errors import op_error
from ..numpy._convert import convert
from ..numpy.fft import _check_norm, _plan, _resize
from ..ops._util import one_int

__all__ = ["dct", "dctn", "idct", "idctn"]

_TYPES = (1, 2, 3, 4)
_INVERSE_TYPE = {1: 1, 2: 3, 3: 2, 4: 4}


def _check_type(op: str, type: int) -> int:
    if type not in _TYPES:
        raise op_error(ValueError, op, f"unknown DCT type {type!r}", "pass type=1, 2, 3 or 4")
    return type


def _phase(n: int, shift: float, scale: float, dtype) -> Array:
    """`exp(-i pi (k + shift) * scale / n)` for k < n, in the complex dtype of `dtype`'s precision."""
    k = np.arange(n) + shift
    return fnp.asarray(np.exp(-1j * math.pi * k * scale / n), dtype=dtypes.complex_dtype(dtype))


def _unscaled(x: Array, type: int) -> Array:
    """SciPy's unnormalized DCT of real `x` along its last axis."""
    n = x.shape[-1]
    if type == 1:
        even = fnp.concatenate([x, fnp.flip(x[..., 1:-1], axis=-1)], axis=-1)
        return fnp.real(fnp.fft.rfft(even)[..., :n])
    if type == 2:
        even = fnp.concatenate([x, fnp.flip(x, axis=-1)], axis=-1)
        return fnp.real(fnp.fft.rfft(even)[..., :n] * _phase(n, 0.0, 0.5, x.dtype))
    if type == 3:  # the half spectrum x[k] exp(i pi k / 2n), k <= n, of a real signal of 2n points
        ramped = fnp.pad(x * fnp.conj(_phase(n, 0.0, 0.5, x.dtype)), [(0, 0)] * (x.ndim - 1) + [(0, 1)])
        return fnp.fft.irfft(ramped, n=2 * n, norm="forward")[..., :n]
    spectrum = fnp.fft.fft(x * _phase(n, 0.0, 0.5, x.dtype), n=2 * n)[..., :n]
    return 2 * fnp.real(spectrum * _phase(n, 0.5, 0.5, x.dtype))


def _edges(n: int, type: int, factor: float, before: bool, dtype) -> Array | None:
    """The weights of the orthogonalized transform on the first (and for type 1 the last) point."""
    ends = {(1, True): (0, -1), (1, False): (0, -1), (2, False): (0,), (3, True): (0,)}.get((type, before))
    if ends is None:
        return None
    w = np.ones(n)
    w[list(ends)] = factor
    return fnp.asarray(w, dtype=dtype)


def _along_last(x: Array, type: int, norm: str, inverse: bool, orthogonalize: bool) -> Array:
    n = x.shape[-1]
    kind = _INVERSE_TYPE[type] if inverse else type
    size = 2 * (n - 1) if type == 1 else 2 * n
    scale = {"backward": 1.0 / size if inverse else 1.0, "forward": 1.0 if inverse else 1.0 / size,
             "ortho": 1.0 / math.sqrt(size)}[norm]
    pre = _edges(n, kind, math.sqrt(2), True, x.dtype) if orthogonalize else None
    post = _edges(n, kind, math.sqrt(0.5), False, x.dtype) if orthogonalize else None
    y = _unscaled(x if pre is None else x * pre, kind)
    y = y if post is None else y * post
    return y if scale == 1.0 else y * scale


def _transform(op: str, x, type: int, s, axes, norm: str | None, orthogonalize: bool | None,
               inverse: bool) -> Array:
    type = _check_type(op, type)
    norm = _check_norm(op, norm)
    orthogonalize = norm == "ortho" if orthogonalize is None else bool(orthogonalize)
    x = fnp.asarray(x)
    if x.dtype not in dtypes.WIDE_FLOATING:
        x = convert(x, dtypes.float32)
    axes, sizes = _plan(op, x, s, axes, "fft")
    if len(set(axes)) != len(axes):  # (NumPy's fftn transforms a repeated axis again; SciPy refuses it)
        raise op_error(ValueError, op, f"axes {axes} repeat an axis", "list each axis once")
    if type == 1 and any(n < 2 for n in sizes):
        raise op_error(ValueError, op, f"a type 1 DCT needs at least 2 points, got lengths {sizes} along axes {axes}",
                       "pass n >= 2 (s >= 2), or use type 2, 3 or 4")
    x = _resize(x, axes, sizes)

    def real(v: Array) -> Array:
        for axis in axes:
            v = fnp.moveaxis(_along_last(fnp.moveaxis(v, axis, -1), type, norm, inverse, orthogonalize), -1, axis)
        return v

    if x.dtype in dtypes.COMPLEX:
        return real(fnp.real(x)) + 1j * real(fnp.imag(x))
    return real(x)


def dct(x, type: int = 2, n: int | None = None, axis: int = -1, norm: str | None = None,
        orthogonalize: bool | None = None) -> Array:
    """The discrete cosine transform of `type` 1 to 4 along `axis`, cropped or zero-padded to `n` points.

    Args:
      x: a real or complex array (integers transform in float32).
      type: 1, 2 (default), 3 or 4.
      n: the length of the transform; by default `x.shape[axis]`.
      axis: the transformed axis.
      norm: None or "backward" (unscaled), "ortho" (orthonormal) or "forward" (scaled by 1 / (2 n),
        1 / (2 (n - 1)) for type 1).
      orthogonalize: whether the first (and for type 1 the last) point is weighted to make the
        transform orthogonal; by default when `norm="ortho"`.

    Returns:
      The transform, real for real input, in the input's precision.

    >>> import fluxion.numpy as fnp
    >>> import fluxion.scipy.fft as sfft
    >>> sfft.dct(fnp.asarray([1.0, 2.0, 3.0]), type=1).tolist()
    [8.0, -2.0, 0.0]
    """
    return _transform("dct", x, type, None if n is None else (n,), (axis,), norm, orthogonalize, False)


def idct(x, type: int = 2, n: int | None = None, axis: int = -1, norm: str | None = None,
         orthogonalize: bool | None = None) -> Array:
    """The inverse of `dct` of the same `type`, `n` and `norm`.

    >>> import fluxion.numpy as fnp
    >>> import fluxion.scipy.fft as sfft
    >>> sfft.idct(sfft.dct(fnp.asarray([1.0, 2.0, 4.0]))).round(5).tolist()
    [1.0, 2.0, 4.0]
    """
    return _transform("idct", x, type, None if n is None else (n,), (axis,), norm, orthogonalize, True)


def dctn(x, type: int = 2, s: Sequence[int] | None = None, axes: Sequence[int] | None = None,
         norm: str | None = None, orthogonalize: bool | None = None) -> Array:
    """`dct` over each of `axes` (all by default), with lengths `s`.

    >>> import fluxion.numpy as fnp
    >>> import fluxion.scipy.fft as sfft
    >>> sfft.dctn(fnp.ones((2, 2))).tolist()
    [[16.0, 0.0], [0.0, 0.0]]
    """
    return _transform("dctn", x, type, _sequence(s), _sequence(axes), norm, orthogonalize, False)


def idctn(x, type: int = 2, s: Sequence[int] | None = None, axes: Sequence[int] | None = None,
          norm: str | None = None, orthogonalize: bool | None = None) -> Array:
    """The inverse of `dctn`.

    >>> import fluxion.numpy as fnp
    >>> import fluxion.scipy.fft as sfft
    >>> sfft.idctn(fnp.asarray([[16.0, 0.0], [0.0, 0.0]])).tolist()
    [[1.0, 1.0], [1.0, 1.0]]
    """
    return _transform("idctn", x, type, _sequence(s), _sequence(axes), norm, orthogonalize, True)


def _sequence(ints):
    """SciPy also takes a single integer for `s` and `axes`."""
    return (operator.index(ints),) if one_int(ints) else ints
