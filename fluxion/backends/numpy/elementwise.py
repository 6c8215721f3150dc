"""NumPy kernels of the elementwise primitives."""
from __future__ import annotations

import numpy as np
import scipy.special as sp

from ...core import dtypes
from ...core.primitive import numpy_kernel
from ...ops import elementwise as E
from ...ops._util import broadcast_shape
from . import _parallel
from ._loops import broadcasting, elementwise
from ._select import where
from ._util import MAX_NUMPY_DIMS, via_float32
from .erf import erf, erfc
from .erfinv import erfinv
from .incomplete_gamma import igamma_grad_a


_true_divide, _power, _real_log1p = (_parallel.costly(f) for f in (np.true_divide, np.power, np.log1p))  # (by parts)


def _div(x, y):
    if x.dtype.kind in "iu":  # round toward zero, as C and XLA
        q = np.floor_divide(x, y)
        fix = (np.remainder(x, y) != 0) & ((x < 0) != (y < 0)) if x.dtype.kind == "i" else False
        return q + np.asarray(fix, x.dtype)
    return _true_divide(x, y)


def _shift_right_logical(x, y):
    if x.dtype.kind == "u" and y.dtype == x.dtype:  # the common case, kept fast: NumPy's shift is logical
        return np.right_shift(x, y)
    u = np.dtype(f"uint{8 * x.dtype.itemsize}")
    return np.right_shift(x.view(u) if isinstance(x, np.ndarray) else u.type(x), y.astype(u)).astype(x.dtype)


def _shift_right_arithmetic(x, y):
    if x.dtype.kind != "u":
        return np.right_shift(x, y)  # (NumPy fills with the sign for shifts past the width, as XLA)
    s = np.dtype(f"int{8 * x.dtype.itemsize}")  # XLA's shift fills with the top bit for unsigned types too
    return np.right_shift(np.asarray(x).view(s), np.asarray(y).view(s)).view(x.dtype)


def _clz(x):
    bits = 8 * x.dtype.itemsize
    u = np.asarray(x).astype(np.dtype(f"uint{bits}"))
    out = np.full(u.shape, bits, x.dtype)
    nz = u != 0
    # (log2 rounds up to `bits` for values just below 2**bits: at least 0 leading zeros)
    out[nz] = np.maximum(bits - 1 - np.floor(np.log2(u[nz].astype(np.float64))), 0).astype(x.dtype)
    # log2 rounds up for values just below a power of two past 2**53: correct those
    hi = nz & (np.left_shift(np.ones_like(u), (bits - 1 - out).astype(u.dtype)) > u)
    out[hi] += 1
    return out


def _sign(x):
    if x.dtype.kind == "c":
        a = np.abs(x)
        return np.where(a == 0, 0, x / np.where(a == 0, 1, a)).astype(x.dtype)
    return np.sign(x)


def _complex(x, y):
    # parts assigned, not re + 1j * im: that makes the real part NaN where im is infinite, and drops -0.0
    out = np.empty(np.broadcast_shapes(x.shape, y.shape), np.result_type(x.dtype, np.complex64))
    out.real, out.imag = x, y
    return out


def _log1p(x):
    if x.dtype.kind != "c":
        return _real_log1p(x)
    # NumPy's complex log1p is log(1 + z), which loses the real part of a small z to rounding;
    # there take log|1 + z| as log1p(re (2 + re) + im**2) / 2, in float64 (exact for complex64's parts)
    re, im, small = x.real.astype(np.float64), x.imag.astype(np.float64), np.abs(x) < 0.5
    out = np.log1p(np.where(small, 0, x))
    real = np.where(small, 0.5 * np.log1p(re * (2 + re) + im * im), out.real)
    return _complex(real.astype(out.real.dtype), np.where(small, np.arctan2(x.imag, 1 + x.real), out.imag))


def _mirrored(f):
    """`f` (odd, and commuting with conj) on complex numbers through the first quadrant, so that
    f(-z) == -f(z) and f(conj(z)) == conj(f(z)) hold exactly, as the array API standard requires
    (NumPy's complex atan and atanh miss both by an ulp)."""
    real = _parallel.costly(f)

    def kernel(x):
        if x.dtype.kind != "c":
            return real(x)
        w = f(_complex(np.abs(x.real), np.abs(x.imag)))
        return _complex(np.copysign(w.real, x.real), np.copysign(w.imag, x.imag))
    return kernel


def _round(x):
    return np.round(x)


def _negative_int_pow(x, y):
    """x ** y for integers and y < 0, truncated as XLA does: 1 for base 1, +-1 for base -1, else 0."""
    return np.where(x == 1, 1, np.where(x == -1, np.where(y % 2 == 0, 1, -1), 0)).astype(x.dtype)


def power(x, y):
    """np.power as C's pow (and XLA's): NumPy takes an exponent of one value 0.5 as sqrt, which
    gives NaN at -inf and -0.0 at -0.0, where pow gives inf and 0.0. One operand may be a
    Python scalar, of the other's dtype."""
    if x.__class__ is not np.ndarray:
        x = np.asarray(x, y.dtype)
    elif y.__class__ is not np.ndarray:
        y = np.asarray(y, x.dtype)
    if y.size == 1 and x.dtype.kind == "f" and y.ndim <= x.ndim and y == 0.5:  # (NumPy's power is sqrt there, slowly)
        out = np.empty(x.shape, x.dtype)
        with np.errstate(invalid="ignore"):
            np.sqrt(x, out=out)
        np.add(out, 0.0, out=out)  # (-0.0 + 0.0 is 0.0)
        np.copyto(out, np.inf, where=x == -np.inf)
        return out
    return _power(x, y)


def _pow(x, y):
    if x.dtype.kind != "i":
        return power(x, y)
    negative = y < 0
    return np.where(negative, _negative_int_pow(x, y), np.power(x, np.where(negative, 0, y)))


def _integer_pow(x, *, y):
    if x.dtype.kind in "iu":
        return _negative_int_pow(x, y) if y < 0 else np.power(x, np.asarray(y, x.dtype))
    if abs(y) > 4 or x.dtype.kind == "c" and y != 2:  # (complex: the signs of zeros are XLA's in NumPy's power)
        return np.power(x, y)
    if x.dtype.itemsize == 2:  # in float32, rounded once
        return _products(x.astype(np.float32), y).astype(x.dtype)
    return _products(x, y)


def _products(x, y: int):
    """x ** y for |y| <= 4 by the products XLA's backend makes (squarings, then 1 / that for y < 0):
    exact to a few roundings there, and much faster than NumPy's power."""
    n, acc = abs(y), None
    while n:
        if n & 1:
            acc = x if acc is None else acc * x
        n >>= 1
        if n:
            x = x * x
    if acc is None:
        return np.ones_like(x)
    if y < 0:
        return 1 / acc
    return acc.copy() if y == 1 else acc


def _rsqrt(x):
    return 1 / np.sqrt(x)


def _logistic(x):
    if x.dtype.kind != "f" or x.dtype.itemsize < 4 or x.size < 1024:  # (below, entering errstate costs more)
        return sp.expit(x) if x.dtype.kind == "f" else 1 / (1 + np.exp(-x))
    out = np.negative(x, out=np.empty(x.shape, x.dtype))  # 1 / (1 + exp(-x)), in place: 2x faster than
    # SciPy's, within a few roundings of it
    with np.errstate(over="ignore"):  # (exp(-x) is inf for very negative x, and the result 0)
        np.exp(out, out=out)
    out += 1
    return np.reciprocal(out, out=out)


def _in_float64(fn):
    """`fn` computed in float64, as the XLA lowering computes it (SciPy's single-precision loops
    of betainc and gammainc compute in float32 and overflow early); the eager interpreter rounds
    the result to the operation's dtype. It runs by parts on every core where it is large."""
    fn = _parallel.costly(fn)

    def kernel(*xs):
        return fn(*(np.asarray(x, np.float64) for x in xs))
    kernel.__name__ = fn.__name__
    return kernel


def _zeta(x, q):
    """SciPy's Hurwitz zeta, continued to q < 0 for integer x as the XLA lowering continues it:
    the terms q + k < 0 are g - j, j >= 0, with g = q - ceil(q), so zeta(x, q) = zeta(x, g + 1)
    + (-1)**x (zeta(x, -g) - zeta(x, 1 - q)). (SciPy adds those terms one by one and loses
    digits: zeta(11, -20.5) = 5.93e-15, SciPy 3.6e-14.)"""
    x, q = np.broadcast_arrays(x, q)
    out = np.array(sp.zeta(x, q))
    reflected = (q < 0) & (q != np.floor(q)) & np.isfinite(q) & (x > 1) & np.isfinite(x) & (np.floor(x) == x)
    if reflected.any():
        x, q = x[reflected], q[reflected]
        g = q - np.ceil(q)
        sign = np.where(np.floor(x / 2) == x / 2, 1.0, -1.0)
        out[reflected] = (sp.zeta(x, g + 1) + sign * sp.zeta(x, -g)) - sign * sp.zeta(x, 1 - q)
    return out


def _polygamma(x, *, m):
    """SciPy's (-1)**(m + 1) m! zeta(m + 1, x) with the zeta above (digamma for m = 0)."""
    if m == 0:
        return sp.digamma(x)
    return (1.0 if m % 2 else -1.0) * float(sp.gamma(m + 1)) * _zeta(np.float64(m + 1), x)


def _select_n(which, *cases):
    if which.dtype == np.bool_:
        return where(which, cases[1], cases[0])
    if max(v.ndim for v in (which, *cases)) > MAX_NUMPY_DIMS:  # np.choose stops there: choose among flat arrays
        shape = broadcast_shape(which.shape, *(v.shape for v in cases))
        return _select_n(*(np.broadcast_to(v, shape).reshape(-1) for v in (which, *cases))).reshape(shape)
    return np.choose(which, np.broadcast_arrays(*cases), mode="clip")  # (out of range: the nearest case, as XLA's)


def _convert(x, *, new_dtype, weak=False):
    if new_dtype == np.bool_:
        return x != 0  # a complex number is True when either part is nonzero
    if x.dtype.kind == "c" and new_dtype.kind != "c":
        x = x.real
    if new_dtype.kind in "iu" and x.dtype in dtypes.REAL_FLOATING:
        # NaN -> 0 and saturation at the integer range, as XLA converts (bfloat16 via float32,
        # exactly: NumPy's nan_to_num does not see it as a float)
        x = x.astype(np.float32) if x.dtype == dtypes.bfloat16 else x
        info = np.iinfo(new_dtype)
        x = np.nan_to_num(x, nan=0, posinf=info.max, neginf=info.min)
        x = np.clip(np.trunc(x), float(info.min), float(info.max))
        big = x >= float(info.max)
        return np.where(big, info.max, x.astype(new_dtype)).astype(new_dtype)
    return np.asarray(x).astype(new_dtype)


def _bitcast(x, *, new_dtype):
    x = np.array(x, order="C")  # ascontiguousarray would make a 0-d array 1-d
    a, b = x.dtype.itemsize, new_dtype.itemsize
    if a <= b:
        return x.view(new_dtype).reshape(x.shape[:-1] if a < b else x.shape)
    return x.view(new_dtype).reshape(x.shape + (a // b,))


def _nextafter(x, y):
    if x.dtype == dtypes.bfloat16:
        return _nextafter_bits(x, y)
    return np.nextafter(x, y)


def _nextafter_bits(x, y):
    """nextafter through the integer representation (for dtypes NumPy has no loop for)."""
    u = np.dtype(f"uint{8 * x.dtype.itemsize}")
    xb = np.array(x, order="C").view(u).astype(np.int64)
    x32, y32 = np.asarray(x, np.float32), np.asarray(y, np.float32)
    sign = np.where(np.signbit(x32), -1, 1)
    step = np.where(y32 > x32, sign, -sign)
    nb = np.where(x32 == 0, np.where(y32 > 0, 1, 1 | (1 << (8 * x.dtype.itemsize - 1))), xb + step)
    out = np.asarray(nb.astype(u)).view(x.dtype)
    out = np.where(x32 == y32, y, out)
    return np.where(np.isnan(x32) | np.isnan(y32), np.nan, out).astype(x.dtype)


# NumPy's own ufuncs run by parts on every core where their operands are large (_parallel.py)
numpy_kernel.update({
    E.neg_p: elementwise(np.negative), E.sign_p: _sign, E.abs_p: elementwise(np.abs),
    E.square_p: elementwise(np.square), E.exp_p: elementwise(np.exp), E.exp2_p: elementwise(np.exp2),
    E.log_p: elementwise(np.log), E.log2_p: elementwise(np.log2), E.log10_p: elementwise(np.log10),
    E.log1p_p: _log1p, E.expm1_p: elementwise(np.expm1), E.sqrt_p: elementwise(np.sqrt), E.rsqrt_p: _rsqrt,
    E.sin_p: elementwise(np.sin), E.cos_p: elementwise(np.cos), E.tan_p: elementwise(np.tan),
    E.asin_p: elementwise(np.arcsin), E.acos_p: elementwise(np.arccos), E.atan_p: _mirrored(np.arctan),
    E.sinh_p: elementwise(np.sinh), E.cosh_p: elementwise(np.cosh), E.tanh_p: elementwise(np.tanh),
    E.asinh_p: elementwise(np.arcsinh), E.acosh_p: elementwise(np.arccosh), E.atanh_p: _mirrored(np.arctanh),
    E.logistic_p: via_float32(_logistic), E.cbrt_p: elementwise(np.cbrt),
    E.erf_p: erf, E.erfc_p: erfc, E.erfinv_p: erfinv,
    E.lgamma_p: via_float32(sp.gammaln), E.digamma_p: via_float32(sp.digamma),
    E.bessel_i0e_p: _in_float64(sp.i0e), E.bessel_i1e_p: _in_float64(sp.i1e),
    E.igamma_p: _in_float64(sp.gammainc), E.igammac_p: _in_float64(sp.gammaincc), E.igamma_grad_a_p: igamma_grad_a,
    E.betainc_p: _in_float64(sp.betainc), E.zeta_p: _in_float64(_zeta),
    E.floor_p: elementwise(np.floor), E.ceil_p: elementwise(np.ceil), E.round_p: _round,
    E.trunc_p: elementwise(np.trunc), E.is_finite_p: elementwise(np.isfinite), E.real_p: np.real,
    E.imag_p: np.imag, E.conj_p: elementwise(np.conjugate), E.not_p: elementwise(np.invert),
    E.population_count_p: elementwise(np.bitwise_count), E.clz_p: _clz,
    E.add_p: broadcasting(np.add), E.sub_p: broadcasting(np.subtract), E.mul_p: broadcasting(np.multiply),
    E.div_p: _div, E.rem_p: broadcasting(np.fmod), E.pow_p: _pow, E.integer_pow_p: _integer_pow,
    E.max_p: broadcasting(np.maximum), E.min_p: broadcasting(np.minimum), E.atan2_p: broadcasting(np.arctan2),
    E.nextafter_p: _nextafter, E.copysign_p: broadcasting(np.copysign), E.complex_p: _complex,
    E.and_p: broadcasting(np.bitwise_and), E.or_p: broadcasting(np.bitwise_or), E.xor_p: broadcasting(np.bitwise_xor),
    E.shift_left_p: broadcasting(np.left_shift), E.shift_right_arithmetic_p: _shift_right_arithmetic,
    E.shift_right_logical_p: _shift_right_logical,
    E.eq_p: broadcasting(np.equal), E.ne_p: broadcasting(np.not_equal), E.lt_p: broadcasting(np.less),
    E.le_p: broadcasting(np.less_equal), E.gt_p: broadcasting(np.greater), E.ge_p: broadcasting(np.greater_equal),
    E.polygamma_p: via_float32(_polygamma), E.stop_gradient_p: lambda x: x,
    E.select_n_p: _select_n, E.convert_element_type_p: _convert, E.bitcast_convert_type_p: _bitcast,
})

