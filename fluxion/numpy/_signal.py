"""NumPy's one-dimensional convolve and correlate, on conv_general_dilated.

Both slide one sequence over the other, zero-padded: `correlate(a, v)[k] = sum_n a[n + k] *
conj(v[n])`, and `convolve(a, v)` correlates the longer sequence with the shorter one reversed.
`mode` picks which shifts k are kept: "full" every overlap, "same" as many as the longer input
(centred as NumPy centres them), "valid" only where one input covers the other; NumPy's
integer modes 0, 1 and 2 name "valid", "same" and "full".

As in NumPy, only the overlapping products are summed: an infinity or NaN makes NaN of the
outputs whose sums it takes part in, not of those that would meet it only through the zero
padding. (Under jit, XLA's convolution of long sequences may multiply the padding too, so that
such a NaN reaches further.)
"""
from __future__ import annotations

import numpy as np

from ..core import dtypes
from ..core.array import Array
from ..core.errors import ShapeError, op_error
from ..core.interpreters import EAGER, _ctx
from ..ops import elementwise as E
from ..ops import shape as S
from ..ops.conv import conv_general_dilated
from ._convert import convert, promote
from ._elementwise_base import eager_array

__all__ = ["convolve", "correlate"]

_MODES = ("valid", "same", "full")  # in the order of NumPy's integer modes 0, 1, 2
_KERNEL_DTYPES = frozenset(dtypes.INTEGER + dtypes.WIDE_FLOATING)  # the convolution's kernel takes as they are


def _inputs(op: str, a, v, mode: str | int) -> tuple[Array, Array, str]:
    if isinstance(mode, (int, np.integer)) and not isinstance(mode, bool) and 0 <= mode < len(_MODES):
        mode = _MODES[mode]
    if mode not in _MODES:
        raise op_error(ValueError, op, f"unknown mode {mode!r}",
                       f"use one of {', '.join(map(repr, _MODES))} (or NumPy's 0, 1, 2 for them)")
    a, v = promote(op, a, v)
    out = []
    for name, x in (("a", a), ("v", v)):
        if x.ndim > 1:
            raise op_error(ShapeError, op, f"{name} must be one-dimensional, got shape {x.shape}",
                           "ravel it, or use fluxion.ops.conv.conv_general_dilated for n-dimensional convolution")
        x = S.reshape(x, (1,)) if x.ndim == 0 else x
        if x.shape[0] == 0:
            raise op_error(ValueError, op, f"{name} is empty", "pass sequences of at least one element")
        out.append(x)
    return out[0], out[1], mode


def _length(mode: str, m: int, n: int) -> int:
    return {"full": m + n - 1, "same": max(m, n), "valid": max(m, n) - min(m, n) + 1}[mode]


def _slide(x: Array, kernel: Array, lo: int, length: int, flip: bool = False) -> Array:
    """`out[j] = sum_n x_padded[j + n] * k[n]` for j < length, with `lo` zeros before x, where k is
    `kernel`, reversed if `flip`."""
    m, n = x.shape[0], kernel.shape[0]
    hi = length - 1 + n - m - lo  # (never negative for the modes' lo and length)
    if (x.__class__ is Array and kernel.__class__ is Array and _ctx.interp is EAGER
            and x._value.dtype in _KERNEL_DTYPES and _products_agree(x._value, kernel._value)):  # kept fast
        k = kernel._value[::-1] if flip and n > 1 else kernel._value  # (as rev, which leaves one element be)
        return eager_array(_eager_slide(x._value, k, lo, hi, length), x._weak and kernel._weak)
    if flip:
        kernel = S.rev(kernel, (0,))
    boolean = x.dtype == dtypes.bool_
    if boolean:  # count the matching pairs, then any count above zero is True
        x, kernel = convert(x, dtypes.int64), convert(kernel, dtypes.int64)
    out = conv_general_dilated(S.reshape(x, (1, 1, m)), S.reshape(kernel, (1, 1, n)), (1,), ((lo, hi),))
    out = S.reshape(out, (length,))
    return E.ne_p.bind(out, convert(0, dtypes.int64)) if boolean else out


def _eager_slide(u: np.ndarray, k: np.ndarray, lo: int, hi: int, length: int) -> np.ndarray:
    """The convolution's `length` sums from `lo` zeros before `u`, by NumPy's correlate (within
    rounding: it sums in another order), a dot product per shift, many times faster than the
    convolution's strided matmul, whose loop does not use BLAS. Zeros of the padding take no part
    in the convolution's sums, so correlate's 'full' mode, which starts len(k) - 1 zeros before `u`
    and leaves their products out, serves."""
    kc = k.conj() if k.dtype.kind == "c" else k  # (correlate conjugates its second operand)
    if not lo and not hi:
        return np.correlate(u, kc, "valid")
    start = k.shape[0] - 1 - lo
    return np.correlate(u, kc, "full")[start:start + length]


def _products_agree(u: np.ndarray, k: np.ndarray) -> bool:
    """Whether NumPy's correlate gives the convolution's products: not for a complex infinity or
    NaN, whose product each implementation of complex multiplication makes its own NaNs of."""
    return u.dtype.kind != "c" or bool(np.isfinite(u).all() and np.isfinite(k).all())


def convolve(a, v, mode: str | int = "full") -> Array:
    """The discrete linear convolution of two one-dimensional sequences.

    >>> import fluxion.numpy as fnp
    >>> fnp.convolve(fnp.asarray([1.0, 2.0, 3.0]), fnp.asarray([0.0, 1.0, 0.5])).tolist()
    [0.0, 1.0, 2.5, 4.0, 1.5]
    """
    a, v, mode = _inputs("convolve", a, v, mode)
    if v.shape[0] > a.shape[0]:
        a, v = v, a
    m, n = a.shape[0], v.shape[0]
    lo = {"full": n - 1, "same": n // 2, "valid": 0}[mode]
    return _slide(a, v, lo, _length(mode, m, n), flip=True)


def correlate(a, v, mode: str | int = "valid") -> Array:
    """The cross-correlation `c[k] = sum_n a[n + k] * conj(v[n])` of two one-dimensional sequences.

    >>> import fluxion.numpy as fnp
    >>> fnp.correlate(fnp.asarray([1.0, 2.0, 3.0]), fnp.asarray([0.0, 1.0, 0.5]), "full").tolist()
    [0.5, 2.0, 3.5, 3.0, 0.0]
    """
    a, v, mode = _inputs("correlate", a, v, mode)
    m, n = a.shape[0], v.shape[0]
    if v.dtype in dtypes.COMPLEX:
        v = E.conj_p.bind(v)
    lo = {"full": n - 1, "same": n // 2 if m >= n else n - 1 - m // 2, "valid": max(0, n - m)}[mode]
    return _slide(a, v, lo, _length(mode, m, n))
