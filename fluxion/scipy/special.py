"""fluxion.scipy.special: special functions with SciPy's semantics, built from primitives.

Integer and boolean inputs are promoted to float32; float64 stays float64. Functions that
combine several steps compute 16-bit floats in float32 and round once at the end.

>>> import fluxion.scipy.special as fsp
>>> round(fsp.ndtr(0.0).item(), 3)
0.5
"""
from __future__ import annotations

import functools
import math

import numpy as np

from ..backends.numpy.logsumexp import normalized
from ..backends.numpy.logsumexp import logsumexp as logsumexp_kernel
from ..core import dtypes
from ..core.array import Array, Tracer, to_array
from ..core.errors import op_error
from ..numpy import asarray, finfo, result_type
from ..numpy._convert import convert, promote_inexact
from ..numpy._elementwise_base import eager_array, eager_unary, plus_derivative
from ..numpy._reductions import _DIRECT_REAL, _eager_axes, eager_kept
from ..ops import elementwise as E
from ..ops import reduce as R
from ..ops import shape as S
from ..ops._util import broadcast_shapes
from ..transforms.autodiff.custom import custom_jvp
from ._bessel import bessel_jn
from ._bessel_01 import i0, i1, j0, j1, k0, k0e, k1, k1e, y0, y1
from ._binomial import binom, comb
from ._distribution_functions import bdtr, bdtrc, chdtr, chdtrc, pdtr, pdtrc, stdtr
from ._exponential_integrals import _bernoulli, _in_wide, exp1, expi, expn, spence
from ._faddeeva import wofz
from ._gauss_hypergeometric import hyp2f1
from ._hypergeometric import hyp1f1
from . import _incomplete_beta  # noqa: F401  (betainc's derivatives)
from . import _incomplete_gamma  # noqa: F401  (the second derivatives of gammainc and gammaincc in a)
from . import _zeta_order  # noqa: F401  (zeta's derivative in x)
from ._gamma import (beta, betainc, betaln, digamma, factorial, gamma, gammainc, gammaincc, gammaln, gammasgn,
                     loggamma, multigammaln, poch, polygamma, zeta)
from ._incomplete_inverses import betaincinv, gammainccinv, gammaincinv
from ._normal_integrals import _lower_quantile, erfcx, owens_t
from ._oscillatory_integrals import dawsn, fresnel, sici
from ._spherical_harmonics import sph_harm_y
from ._util import _branches, _c, _is_nan, _poly, _real, _unary, _where, _wide

__all__ = ["bdtr", "bdtrc", "bernoulli", "bessel_jn", "beta", "betainc", "betaincinv", "betaln", "binom", "boxcox",
           "boxcox1p", "chdtr", "chdtrc", "comb", "dawsn", "digamma", "entr", "erf", "erfc", "erfcinv", "erfcx",
           "erfinv", "exp1", "expi", "expit", "expn", "factorial", "fresnel", "gamma", "gammainc", "gammaincc",
           "gammainccinv", "gammaincinv", "gammaln", "gammasgn", "hyp1f1", "hyp2f1", "i0", "i0e", "i1", "i1e",
           "inv_boxcox", "inv_boxcox1p", "j0", "j1", "k0", "k0e", "k1", "k1e", "kl_div", "log_expit", "log_ndtr",
           "log_softmax", "loggamma", "logit", "logsumexp", "multigammaln", "ndtr", "ndtri", "ndtri_exp", "owens_t", "pdtr",
           "pdtrc", "poch", "polygamma", "rel_entr", "sici", "softmax", "spence", "sph_harm_y", "stdtr", "wofz",
           "xlog1py", "xlogy", "y0", "y1", "zeta"]


erf = _unary("erf", E.erf_p, """The error function, 2/sqrt(pi) * integral of exp(-t**2) from 0 to x.

    >>> import fluxion.scipy.special as fsp
    >>> round(fsp.erf(1.0).item(), 4)
    0.8427
    """)
erfc = _unary("erfc", E.erfc_p, """The complementary error function 1 - erf(x), accurate where it is small.

    >>> import fluxion.scipy.special as fsp
    >>> round(fsp.erfc(1.0).item(), 4)
    0.1573
    """)
erfinv = _unary("erfinv", E.erfinv_p, """The inverse of erf on (-1, 1); -inf and inf at -1 and 1, NaN outside.

    >>> import fluxion.scipy.special as fsp
    >>> round(fsp.erfinv(0.5).item(), 4)
    0.4769
    """)


def expit(x) -> Array:
    """The logistic sigmoid 1 / (1 + exp(-x)).

    >>> import fluxion.scipy.special as fsp
    >>> fsp.expit(0.0).item()
    0.5
    """
    out = eager_unary(E.logistic_p, x, _DIRECT_REAL)  # kept fast
    return E.logistic_p.bind(*_real("expit", x)) if out is None else out


@custom_jvp
def _log_expit(x: Array) -> Array:
    # min(x, 0) - log1p(exp(-|x|)): exp never overflows, and log1p keeps the small values for large x
    return E.sub_p.bind(E.min_p.bind(x, _c(0, x)), E.log1p_p.bind(E.exp_p.bind(E.neg_p.bind(E.abs_p.bind(x)))))


_log_expit.defjvps(lambda t, out, x: E.mul_p.bind(t, E.logistic_p.bind(E.neg_p.bind(x))))


def log_expit(x) -> Array:
    """log(expit(x)) = -log(1 + exp(-x)), without overflow or loss of the small values for large x.

    The derivative is 1 - expit(x) = expit(-x).

    >>> import fluxion.scipy.special as fsp
    >>> round(fsp.log_expit(0.0).item(), 4), fsp.log_expit(-1000.0).item()
    (-0.6931, -1000.0)
    """
    return _in_wide("log_expit", _log_expit, x)


def _x_times(log_fn, x: Array, y: Array, low: float, neutral: float) -> Array:
    """x * log_fn(y) with SciPy's convention: 0 where x == 0, unless y is NaN.

    Where x == 0 the result is still x * log_fn(y), so its derivative in x is log_fn(y); only
    where x == 0 and y is outside (low, inf), where that log may not be finite (xlogy(0, 0)), does
    y become `neutral` (log_fn(neutral) == 0): a zero result with finite derivatives, and no
    log(0) or log(-1) in a product that is thrown away. `+ 0` makes the zeros positive, as SciPy's.
    """
    use_zero = E.and_p.bind(E.eq_p.bind(x, _c(0, x)), E.eq_p.bind(y, y))
    inside = E.and_p.bind(E.gt_p.bind(y, _c(low, y)), E.is_finite_p.bind(y))
    y = E.select_n_p.bind(E.and_p.bind(use_zero, E.not_p.bind(inside)), y, _c(neutral, y))
    out = E.mul_p.bind(x, log_fn(y))
    return E.select_n_p.bind(use_zero, out, E.add_p.bind(out, _c(0, out)))


def xlogy(x, y) -> Array:
    """x * log(y), with 0 where x == 0 (unless y is NaN).

    The derivative in x is log(y), also where x == 0; at x == 0 with y <= 0 both derivatives
    are 0, so that entropies such as xlogy(p, p) have finite gradients where p == 0.

    >>> import fluxion.scipy.special as fsp
    >>> fsp.xlogy(0.0, 0.0).item()
    0.0
    """
    x, y = _real("xlogy", x, y)
    # (y below the normal range is outside too: compiled code flushes it to 0, whose log is -inf)
    return _x_times(E.log_p.bind, x, y, low=float(np.nextafter(finfo(y.dtype).tiny, 0)), neutral=1)


def xlog1py(x, y) -> Array:
    """x * log1p(y), with 0 where x == 0 (unless y is NaN).

    The derivative in x is log1p(y), also where x == 0; at x == 0 with y <= -1 both
    derivatives are 0.

    >>> import fluxion.scipy.special as fsp
    >>> fsp.xlog1py(0.0, -1.0).item()
    0.0
    """
    return _x_times(E.log1p_p.bind, *_real("xlog1py", x, y), low=-1, neutral=0)


def _nan_outside_unit_interval(p: Array) -> Array:
    """NaN outside [0, 1] (and for NaN), with NaN derivatives of every order there in both modes:
    exp(p) times a factor that is NaN only there (elsewhere 0, as a zero cotangent times NaN would
    be NaN)."""
    closed = E.and_p.bind(E.ge_p.bind(p, _c(0, p)), E.le_p.bind(p, _c(1, p)))
    return E.mul_p.bind(E.exp_p.bind(p), E.select_n_p.bind(closed, _c(np.nan, p), _c(0, p)))


def logit(p) -> Array:
    """log(p / (1 - p)): -inf at 0, inf at 1, NaN outside [0, 1].

    Near p = 1/2, where the result is small, it is computed as log1p((2p - 1) / (1 - p)), in
    which 2p - 1 and 1 - p are exact.

    >>> import fluxion.scipy.special as fsp
    >>> fsp.logit(0.5).item()
    0.0
    """
    (p_in,) = _real("logit", p)
    p_all = _wide(p_in)
    one, zero = _c(1, p_all), _c(0, p_all)
    inside = E.and_p.bind(E.gt_p.bind(p_all, zero), E.lt_p.bind(p_all, one))
    p = E.select_n_p.bind(inside, _c(0.5, p_all), p_all)  # the ends are set below, without log(0)
    outer = E.log_p.bind(E.div_p.bind(p, E.sub_p.bind(one, p)))
    centre = E.le_p.bind(E.abs_p.bind(E.sub_p.bind(p, _c(0.5, p))), _c(0.25, p))
    pc = E.select_n_p.bind(centre, _c(0.5, p), p)
    inner = E.log1p_p.bind(E.div_p.bind(E.sub_p.bind(E.add_p.bind(pc, pc), one), E.sub_p.bind(one, pc)))
    x = E.select_n_p.bind(inside, _nan_outside_unit_interval(p_all), E.select_n_p.bind(centre, outer, inner))
    # -inf at 0 and inf at 1, with the infinite derivative of the limit 1 / (p (1 - p)) (as arctanh
    # at ±1): that of sqrt(q) - sqrt(1 - q), q = p clipped to [0, 1], which is finite elsewhere
    q = E.min_p.bind(E.max_p.bind(p_all, zero), one)
    slope = E.sub_p.bind(E.sqrt_p.bind(q), E.sqrt_p.bind(E.sub_p.bind(one, q)))
    x = E.select_n_p.bind(E.eq_p.bind(p_all, zero), x, plus_derivative(_c(-np.inf, p), slope))
    x = E.select_n_p.bind(E.eq_p.bind(p_all, one), x, plus_derivative(_c(np.inf, p), slope))
    return convert(x, p_in.dtype, p_in.weak)


_SQRT_HALF = math.sqrt(0.5)


def ndtr(x) -> Array:
    """The standard normal CDF, erfc(-x / sqrt(2)) / 2 (accurate in the lower tail).

    >>> import fluxion.scipy.special as fsp
    >>> round(fsp.ndtr(1.0).item(), 4)
    0.8413
    """
    (x_in,) = _real("ndtr", x)
    x = _wide(x_in)  # (-x / sqrt(2) rounded to a 16-bit float would move the tail by x**2 of its ulps)
    return convert(E.mul_p.bind(E.erfc_p.bind(E.mul_p.bind(x, _c(-_SQRT_HALF, x))), _c(0.5, x)), x_in.dtype, x_in.weak)


def ndtri(p) -> Array:
    """The inverse of ndtr: the x with ndtr(x) = p; -inf at 0, inf at 1, NaN outside [0, 1].

    In the centre it is sqrt(2) * erfinv(2p - 1), where 2p - 1 is exact; in the tails a
    rational approximation refined by Newton's method keeps the relative precision.

    >>> import fluxion.scipy.special as fsp
    >>> round(fsp.ndtri(0.975).item(), 3)
    1.96
    """
    (p_in,) = _real("ndtri", p)
    p_all = _wide(p_in)
    one, half = _c(1, p_all), _c(0.5, p_all)
    # the formulas see only 0 < p < 1 (other lanes get 1/2), and the ends are set at the end
    inside = E.and_p.bind(E.gt_p.bind(p_all, _c(0, p_all)), E.lt_p.bind(p_all, one))
    p = E.select_n_p.bind(inside, half, p_all)
    in_centre = E.le_p.bind(E.abs_p.bind(E.sub_p.bind(p, half)), _c(0.25, p))
    # the centre sees 1/2 in the tails: there 2p - 1 may round to -1, whose erfinv has an infinite derivative
    x = _branches(in_centre, p, _central_quantile, 0.5, _tail_quantile, 0.5)
    x = E.select_n_p.bind(inside, _nan_outside_unit_interval(p_all), x)
    x = E.select_n_p.bind(E.eq_p.bind(p_all, _c(0, p)), x, _c(-np.inf, p))
    x = E.select_n_p.bind(E.eq_p.bind(p_all, one), x, _c(np.inf, p))
    return convert(x, p_in.dtype, p_in.weak)


def _central_quantile(p: Array) -> Array:
    """ndtri(p) for |p - 1/2| <= 1/4, where 2p - 1 is exact."""
    return E.mul_p.bind(E.erfinv_p.bind(E.sub_p.bind(E.add_p.bind(p, p), _c(1, p))), _c(math.sqrt(2), p))


def _tail_quantile(p: Array) -> Array:
    """ndtri(p) for 0 < p < 1, from the nearer tail."""
    half = _c(0.5, p)
    upper = E.gt_p.bind(p, half)
    q = E.select_n_p.bind(upper, p, E.sub_p.bind(_c(1, p), p))  # 1 - p is exact for p > 1/2
    tail = _lower_quantile(E.log_p.bind(q))
    return E.select_n_p.bind(upper, tail, E.neg_p.bind(tail))


@custom_jvp
def _ndtri_exp(y: Array) -> Array:
    log_half = _c(-math.log(2), y)
    in_tail = E.le_p.bind(y, log_half)
    # each branch sees only its own half (and the tail no -inf), so a discarded one has no NaN derivative
    tail = _lower_quantile(_where(in_tail, E.max_p.bind(y, _c(np.finfo(y.dtype).min, y)), log_half))
    upper = E.neg_p.bind(ndtri(E.neg_p.bind(E.expm1_p.bind(_where(in_tail, log_half, y)))))  # 1 - p = -expm1(y)
    x = _where(in_tail, tail, upper)
    x = _where(E.eq_p.bind(y, _c(-np.inf, y)), _c(-np.inf, y), x)
    return _where(E.gt_p.bind(y, _c(0, y)), _c(np.nan, y), x)


def _ndtri_exp_slope(x: Array, y: Array) -> Array:
    """d/dy ndtri_exp(y) = ndtr(x) / ndtr'(x): sqrt(pi / 2) erfcx(-x / sqrt(2)) for x < 0 (where
    y + x**2 / 2 would cancel), sqrt(2 pi) exp(y + x**2 / 2) otherwise."""
    lower = E.lt_p.bind(x, _c(0, x))
    xl, xr, yr = _where(lower, x, _c(-1, x)), _where(lower, _c(0, x), x), _where(lower, _c(0, y), y)
    left = E.mul_p.bind(erfcx(E.mul_p.bind(xl, _c(-_SQRT_HALF, x))), _c(math.sqrt(math.pi / 2), x))
    right = E.mul_p.bind(E.exp_p.bind(E.add_p.bind(yr, E.mul_p.bind(E.mul_p.bind(xr, xr), _c(0.5, x)))),
                         _c(math.sqrt(2 * math.pi), x))
    return _where(lower, left, right)


_ndtri_exp.defjvps(lambda t, out, y: E.mul_p.bind(t, _ndtri_exp_slope(out, y)))


def ndtri_exp(y) -> Array:
    """The inverse of log_ndtr: the x with log(ndtr(x)) = y, for y <= 0 (NaN above); it keeps its
    precision where exp(y) underflows.

    >>> import fluxion.scipy.special as fsp
    >>> round(fsp.ndtri_exp(-1000.0).item(), 3)
    -44.616
    """
    return _in_wide("ndtri_exp", _ndtri_exp, y)


_SQRT_PI_2 = math.sqrt(math.pi) / 2


@custom_jvp
def _erfcinv(y: Array) -> Array:
    one, two = _c(1, y), _c(2, y)
    inside = E.and_p.bind(E.gt_p.bind(y, _c(0, y)), E.lt_p.bind(y, two))
    # by erfcinv(2 - y) = -erfcinv(y), the tail for y > 3/2 is that of 2 - y (exact there)
    upper = E.gt_p.bind(y, one)
    v = _where(inside, _where(upper, E.sub_p.bind(two, y), y), one)
    # for v < 1/2, -ndtri(v / 2) / sqrt(2), from log(v) - log(2) (v / 2 may underflow)
    in_tail = E.lt_p.bind(v, _c(0.5, v))
    log_half_v = E.sub_p.bind(E.log_p.bind(_where(in_tail, v, _c(0.5, v))), _c(math.log(2), v))
    tail = E.mul_p.bind(_lower_quantile(log_half_v), _c(-_SQRT_HALF, v))
    # in the centre erfinv(1 - v), 1 - v exact
    centre = E.erfinv_p.bind(E.sub_p.bind(one, _where(in_tail, one, v)))
    x = _where(in_tail, tail, centre)
    x = _where(upper, E.neg_p.bind(x), x)
    x = _where(inside, x, _c(np.nan, y))
    x = _where(E.eq_p.bind(y, _c(0, y)), _c(np.inf, y), x)
    return _where(E.eq_p.bind(y, two), _c(-np.inf, y), x)


# d/dy erfcinv(y) = -sqrt(pi) / 2 exp(erfcinv(y)**2)
_erfcinv.defjvps(lambda t, out, y: E.mul_p.bind(t, E.mul_p.bind(E.exp_p.bind(E.mul_p.bind(out, out)),
                                                                _c(-_SQRT_PI_2, y))))


def erfcinv(y) -> Array:
    """The inverse of erfc on (0, 2): inf at 0, -inf at 2, NaN outside [0, 2].

    For y < 1/2 it is -ndtri(y / 2) / sqrt(2), from log(y) so that tiny y keep their relative
    precision; in the centre erfinv(1 - y); above 3/2, -erfcinv(2 - y).

    >>> import numpy as np
    >>> import fluxion.scipy.special as fsp
    >>> round(fsp.erfcinv(0.5).item(), 4), round(fsp.erfcinv(np.float64(1e-300)).item(), 4)
    (0.4769, 26.2095)
    """
    return _in_wide("erfcinv", _erfcinv, y)


# reductions ------------------------------------------------------------------------------------
def _keep(x: Array, axes: tuple[int, ...], keepdims: bool) -> Array:
    return S.expand_dims(x, axes) if keepdims else x


def _finite_max(x: Array, axes: tuple[int, ...]) -> Array:
    """The maximum over `axes` (kept as size-1 axes), 0 where it is not finite, so that
    subtracting it never makes inf - inf."""
    m = S.expand_dims(R.reduce_max(x, axes), axes)
    return E.select_n_p.bind(E.is_finite_p.bind(m), _c(0, m), m)


def _left_out(a: Array, b: Array, zero: Array, m: Array) -> Array:
    """b * exp(a - m) for the terms left out for b == 0 (where exp does not overflow), 0 elsewhere:
    it adds nothing, but gives the sum its derivatives in b there (exp(a - m), and in a through it)."""
    d = E.sub_p.bind(a, m)
    ok = E.and_p.bind(zero, E.lt_p.bind(d, _c(np.log(np.finfo(d.dtype).max) / 2, d)))  # (False for NaN)
    term = E.mul_p.bind(b, E.exp_p.bind(E.select_n_p.bind(ok, _c(-np.inf, d), d)))
    return E.select_n_p.bind(ok, _c(0, term), term)  # (no cotangent reaches b elsewhere: it may be NaN)


def logsumexp(a, axis=None, b=None, keepdims: bool = False, return_sign: bool = False, where=None):
    """log(sum(b * exp(a))) over `axis`, without overflow (the maximum is factored out).

    Terms with b == 0, or where `where` is False, are left out; a slice with none gives -inf.
    With `return_sign`, returns `(log|s|, sign(s))`; otherwise a negative sum gives NaN. Complex
    `a` (or `b`) gives the principal complex logarithm, or with `return_sign` the real log|s| and
    the complex unit s / |s|, as SciPy.

    >>> import fluxion.scipy.special as fsp
    >>> round(fsp.logsumexp([0.0, 0.0]).item(), 4)
    0.6931
    >>> round(fsp.logsumexp([0.0, 5.0, 0.0], where=[True, False, True]).item(), 4)
    0.6931
    """
    if b is where is None and not return_sign and (axes := _eager_axes(a, axis, _DIRECT_REAL)) is not None:
        # kept fast (a sum of exponentials is never below 0: the general path's NaN for one is left out)
        return eager_array(eager_kept(logsumexp_kernel(a._value, axes, size=True), axes, keepdims), a._weak)
    a_in, *b = promote_inexact("logsumexp", a, *([] if b is None else [b]))
    a, b = _wide(a_in), _wide(b[0]) if b else None
    keep = None if where is None else convert(to_array(where), dtypes.bool_)
    if b is not None or keep is not None:
        parts = [x for x in (a, b, keep) if x is not None]
        shape = broadcast_shapes("logsumexp", *(x.shape for x in parts))
        a, b, keep = (None if x is None else S.broadcast_to(x, shape) for x in (a, b, keep))
        given = a
        if b is not None:
            nonzero = E.ne_p.bind(b, _c(0, b))
            zero = E.not_p.bind(nonzero) if keep is None else E.and_p.bind(keep, E.not_p.bind(nonzero))
            keep = nonzero if keep is None else E.and_p.bind(keep, nonzero)
        a = E.select_n_p.bind(keep, _c(-np.inf, a), a)
    axes = R.normalize_axes("logsumexp", axis, a.ndim)
    cx = a.dtype in dtypes.COMPLEX
    # the shift cancels: its derivative is not needed
    m = E.stop_gradient_p.bind(_finite_max(E.real_p.bind(a) if cx else a, axes))
    terms = E.exp_p.bind(E.sub_p.bind(a, convert(m, a.dtype) if cx else m))
    if b is not None:  # (b of the terms left out is 0: no NaN flows back to it from exp(-inf - m) when m is NaN)
        terms = E.mul_p.bind(terms, E.select_n_p.bind(keep, _c(0, b), b))
        if not cx:
            terms = E.add_p.bind(terms, _left_out(given, b, zero, m))
    total = R.reduce_sum(terms, axes)
    m = S.squeeze(m, axes)
    size = E.abs_p.bind(total)
    # a slice with no terms is -inf, its log taken of 1 instead of 0, so that it sends back no NaN
    # (a zero cotangent times 1 / 0) to the inputs, as jax's
    empty = E.eq_p.bind(size, _c(0, size))
    minus_inf = _c(-np.inf, size)
    out = E.add_p.bind(E.log_p.bind(E.select_n_p.bind(empty, size, _c(1, size))), m)
    out = E.select_n_p.bind(empty, out, minus_inf)
    if return_sign:
        if cx:  # s / |s|, and 0 for s = 0
            sign = E.div_p.bind(total, convert(_where(empty, _c(1, size), size), total.dtype))
        else:
            sign = E.sign_p.bind(total)
        real_in = a_in.dtype if not cx else dtypes.real_dtype(a_in.dtype)
        return (_keep(convert(out, real_in, a_in.weak), axes, keepdims),
                _keep(convert(sign, a_in.dtype, a_in.weak), axes, keepdims))
    if cx:
        out = E.add_p.bind(E.log_p.bind(E.select_n_p.bind(empty, total, _c(1, total))), convert(m, total.dtype))
        out = E.select_n_p.bind(empty, out, convert(minus_inf, out.dtype))
    else:
        out = E.select_n_p.bind(E.lt_p.bind(total, _c(0, total)), out, _c(np.nan, out))
    return _keep(convert(out, a_in.dtype, a_in.weak), axes, keepdims)


def _prepare(op: str, x, axis) -> tuple[Array, Array, tuple[int, ...]]:
    (x_in,) = _real(op, x)
    x = _wide(x_in)
    axes = R.normalize_axes(op, axis, x.ndim)
    return x_in, x, axes


def softmax(x, axis=None) -> Array:
    """exp(x) / sum(exp(x)) over `axis` (all axes by default), computed after subtracting the maximum.

    >>> import fluxion.scipy.special as fsp
    >>> fsp.softmax([0.0, 0.0]).tolist()
    [0.5, 0.5]
    """
    if (axes := _eager_axes(x, axis, _DIRECT_REAL)) is not None:
        return eager_array(normalized(x._value, axes, False), x._weak)  # kept fast
    x_in, x, axes = _prepare("softmax", x, axis)
    # the shift changes no value, so no gradient flows through it (which would add the
    # maximum's own gradient, zero up to rounding, to the program)
    e = E.exp_p.bind(E.sub_p.bind(x, S.expand_dims(E.stop_gradient_p.bind(R.reduce_max(x, axes)), axes)))
    out = E.div_p.bind(e, S.expand_dims(R.reduce_sum(e, axes), axes))
    return convert(out, x_in.dtype, x_in.weak)


def log_softmax(x, axis=None) -> Array:
    """x - logsumexp(x) over `axis` (all axes by default).

    >>> import fluxion.scipy.special as fsp
    >>> [round(v, 4) for v in fsp.log_softmax([0.0, 0.0]).tolist()]
    [-0.6931, -0.6931]
    """
    if (axes := _eager_axes(x, axis, _DIRECT_REAL)) is not None:
        return eager_array(normalized(x._value, axes, True), x._weak)  # kept fast
    x_in, x, axes = _prepare("log_softmax", x, axis)
    shifted = E.sub_p.bind(x, E.stop_gradient_p.bind(_finite_max(x, axes)))  # (as softmax's shift)
    log_total = E.log_p.bind(R.reduce_sum(E.exp_p.bind(shifted), axes))
    out = E.sub_p.bind(shifted, S.expand_dims(log_total, axes))
    return convert(out, x_in.dtype, x_in.weak)


# Bessel functions (i0 and i1, exp(|x|) times these, in _bessel_01.py) ------------------------------
i0e = _unary("i0e", E.bessel_i0e_p, """The exponentially scaled modified Bessel function exp(-|x|) I0(x).

    >>> import fluxion.scipy.special as fsp
    >>> fsp.i0e(0.0).item()
    1.0
    """)
i1e = _unary("i1e", E.bessel_i1e_p, """The exponentially scaled modified Bessel function exp(-|x|) I1(x).

    >>> import fluxion.scipy.special as fsp
    >>> fsp.i1e(0.0).item()
    0.0
    """)


# the normal tail -----------------------------------------------------------------------------------
def log_ndtr(x) -> Array:
    """log(ndtr(x)), accurate in both tails: -x**2/2 + log(erfcx(-x/sqrt(2)) / 2) for x < 0,
    log1p(-ndtr(-x)) otherwise.

    >>> import fluxion.scipy.special as fsp
    >>> round(fsp.log_ndtr(-40.0).item(), 2)
    -804.61
    """
    (x_in,) = _real("log_ndtr", x)
    x = _wide(x_in)
    lower = E.lt_p.bind(x, _c(0, x))
    # each branch sees only its own half, so a discarded one has no infinite derivative, and
    # the left one no -inf (set at the end, without log(0))
    xl = _where(E.and_p.bind(lower, E.gt_p.bind(x, _c(-np.inf, x))), x, _c(-1, x))
    xr = _where(lower, _c(0, x), x)
    scaled = E.mul_p.bind(erfcx(E.mul_p.bind(xl, _c(-_SQRT_HALF, x))), _c(0.5, x))
    left = E.sub_p.bind(E.log_p.bind(scaled), E.mul_p.bind(E.mul_p.bind(xl, xl), _c(0.5, x)))
    right = E.log1p_p.bind(E.neg_p.bind(ndtr(E.neg_p.bind(xr))))
    out = _where(E.eq_p.bind(x, _c(-np.inf, x)), _c(-np.inf, x), _where(lower, left, right))
    return convert(out, x_in.dtype, x_in.weak)


# entropies -----------------------------------------------------------------------------------------
def _nan_where_nan(out: Array, *args: Array) -> Array:
    for a in args:
        out = _where(_is_nan(a), _c(np.nan, out), out)
    return out


def entr(x) -> Array:
    """-x log(x) elementwise: 0 at 0, -inf for x < 0.

    >>> import fluxion.scipy.special as fsp
    >>> round(fsp.entr(0.5).item(), 4)
    0.3466
    """
    (x,) = _real("entr", x)
    return _entr(x)


@custom_jvp
def _entr(x: Array) -> Array:
    negative = E.lt_p.bind(x, _c(0, x))
    xs = _where(negative, _c(1, x), x)  # no log of a negative number, even in a discarded lane
    return _where(negative, _c(-np.inf, x), E.neg_p.bind(xlogy(xs, xs)))


# -(log(x) + 1): inf at 0, where entr rises vertically; 0 left of it, where entr is constant
def _entr_slope(x: Array) -> Array:
    negative = E.lt_p.bind(x, _c(0, x))
    log_x = E.log_p.bind(_where(negative, _c(1, x), x))
    return _where(negative, _c(0, x), E.neg_p.bind(E.add_p.bind(log_x, _c(1, x))))


_entr.defjvps(lambda t, out, x: E.mul_p.bind(t, _entr_slope(x)))


def _relative(name: str, x, y, extra):
    """x log(x / y) + extra(x, y) for x, y > 0; extra(0, y) for x == 0 <= y; inf elsewhere."""
    x, y = _real(name, x, y)
    positive = E.and_p.bind(E.gt_p.bind(x, _c(0, x)), E.gt_p.bind(y, _c(0, y)))
    zero = E.and_p.bind(E.eq_p.bind(x, _c(0, x)), E.ge_p.bind(y, _c(0, y)))
    xs, ys = _where(positive, x, _c(1, x)), _where(positive, y, _c(1, y))
    # log(x / y) where x / y is a finite normal number; where it would over- or underflow, log x - log y
    log_ratio = E.sub_p.bind(E.log_p.bind(xs), E.log_p.bind(ys))
    info = finfo(x.dtype)
    fits = E.and_p.bind(E.gt_p.bind(log_ratio, _c(math.log(info.tiny), x)),
                        E.lt_p.bind(log_ratio, _c(math.log(info.max), x)))
    ratio = E.div_p.bind(_where(fits, xs, _c(1, x)), _where(fits, ys, _c(1, y)))
    inside = E.mul_p.bind(xs, _where(fits, E.log_p.bind(ratio), log_ratio))
    if extra is not None:
        inside = E.add_p.bind(inside, extra(xs, ys))
    # (at x == 0 the x log(x / y) part counts as 0, with derivative 0, as in jax; extra keeps its own)
    at_zero = _c(0, x) if extra is None else extra(_where(zero, x, _c(0, x)), _where(zero, y, _c(0, y)))
    out = _where(positive, inside, _where(zero, at_zero, _c(np.inf, inside)))
    return _nan_where_nan(out, x, y)


def rel_entr(x, y) -> Array:
    """x log(x / y) for x, y > 0; 0 for x == 0 <= y; inf otherwise.

    >>> import fluxion.scipy.special as fsp
    >>> round(fsp.rel_entr(1.0, 2.0).item(), 4)
    -0.6931
    """
    return _relative("rel_entr", x, y, None)


def kl_div(x, y) -> Array:
    """x log(x / y) - x + y for x, y > 0; y for x == 0 <= y; inf otherwise.

    >>> import fluxion.scipy.special as fsp
    >>> round(fsp.kl_div(1.0, 2.0).item(), 4)
    0.3069
    """
    return _relative("kl_div", x, y, lambda x, y: E.sub_p.bind(y, x))


# Box-Cox transforms -------------------------------------------------------------------------------
def _boxcox(name: str, log_fn, x, lmbda) -> Array:
    """expm1(lmbda log_fn(x)) / lmbda, and log_fn(x) for |lmbda| < 1e-19 (as SciPy); where
    |lmbda log_fn(x)| < 1e-4, the series in lmbda, whose derivatives in lmbda are accurate."""
    x, lmbda = _real(name, x, lmbda)
    log_x = log_fn(x)
    near = E.or_p.bind(_below(lmbda, 1e-19), _below(E.mul_p.bind(lmbda, log_x), 1e-4))
    safe = _where(near, _c(1, lmbda), lmbda)
    series = E.mul_p.bind(log_x, _poly(_times_finite(lmbda, log_x), (1, 1 / 2, 1 / 6, 1 / 24)))
    return _where(near, series, E.div_p.bind(E.expm1_p.bind(E.mul_p.bind(safe, log_x)), safe))


def _inv_boxcox(name: str, exp_fn, y, lmbda) -> Array:
    """exp_fn(log1p(lmbda y) / lmbda), and exp_fn(y) for lmbda == 0 (as SciPy); where
    |lmbda y| < 1e-4, the series in lmbda, whose derivatives in lmbda are accurate."""
    y, lmbda = _real(name, y, lmbda)
    near = E.or_p.bind(E.eq_p.bind(lmbda, _c(0, lmbda)), _below(E.mul_p.bind(lmbda, y), 1e-4))
    safe = _where(near, _c(1, lmbda), lmbda)
    series = E.mul_p.bind(y, _poly(_times_finite(lmbda, y), (1, -1 / 2, 1 / 3, -1 / 4)))
    return exp_fn(_where(near, series, E.div_p.bind(E.log1p_p.bind(E.mul_p.bind(safe, y)), safe)))


def _below(x: Array, bound: float) -> Array:
    return E.lt_p.bind(E.abs_p.bind(x), _c(bound, x))


def _times_finite(a: Array, b: Array) -> Array:
    """a * b, with 0 for b where b is inf or NaN (so that 0 * inf does not make a NaN)."""
    return E.mul_p.bind(a, _where(E.is_finite_p.bind(b), b, _c(0, b)))


def boxcox(x, lmbda) -> Array:
    """The Box-Cox transform (x**lmbda - 1) / lmbda, log(x) for lmbda == 0.

    >>> import fluxion.scipy.special as fsp
    >>> fsp.boxcox(4.0, 0.5).item()
    2.0
    """
    return _boxcox("boxcox", E.log_p.bind, x, lmbda)


def boxcox1p(x, lmbda) -> Array:
    """The Box-Cox transform of 1 + x, accurate for small x: ((1 + x)**lmbda - 1) / lmbda.

    >>> import fluxion.scipy.special as fsp
    >>> fsp.boxcox1p(3.0, 0.5).item()
    2.0
    """
    return _boxcox("boxcox1p", E.log1p_p.bind, x, lmbda)


def inv_boxcox(y, lmbda) -> Array:
    """The inverse of boxcox: (1 + lmbda y)**(1 / lmbda), exp(y) for lmbda == 0.

    >>> import fluxion.scipy.special as fsp
    >>> fsp.inv_boxcox(2.0, 0.5).item()
    4.0
    """
    return _inv_boxcox("inv_boxcox", E.exp_p.bind, y, lmbda)


def inv_boxcox1p(y, lmbda) -> Array:
    """The inverse of boxcox1p: (1 + lmbda y)**(1 / lmbda) - 1, expm1(y) for lmbda == 0.

    >>> import fluxion.scipy.special as fsp
    >>> fsp.inv_boxcox1p(2.0, 0.5).item()
    3.0
    """
    return _inv_boxcox("inv_boxcox1p", E.expm1_p.bind, y, lmbda)


# Bernoulli numbers ---------------------------------------------------------------------------------
_BERNOULLI_FINITE = 260  # B_260 is the first beyond float64's range; from there on they are +-inf or 0


@functools.lru_cache(maxsize=1)
def _bernoulli_floats() -> np.ndarray:
    """B_0 .. B_259 as float64, each rounded once from its exact rational value."""
    return np.array([float(b) for b in _bernoulli(_BERNOULLI_FINITE)])


def bernoulli(n: int, dtype=None) -> Array:
    """The Bernoulli numbers B_0 .. B_n (B_1 = -1/2, as SciPy), each correctly rounded.

    `n` is a Python number (a float is truncated, as SciPy does); the result has n + 1 entries,
    in float32 unless `dtype` asks for float64. Past float64's range the even ones are +-inf, the
    odd ones (but B_1) 0.

    >>> import fluxion.scipy.special as fsp
    >>> fsp.bernoulli(4).tolist()
    [1.0, -0.5, 0.1666666716337204, 0.0, -0.03333333507180214]
    """
    if isinstance(n, Tracer):
        raise op_error(TypeError, "bernoulli", "the count n must be a Python number, got a traced value (the "
                       "result's length depends on it)", "pass n as a static argument (static_argnums) or a constant")
    if np.ndim(n) != 0 or not n >= 0:
        raise op_error(ValueError, "bernoulli", f"n must be a non-negative integer, got {n!r}",
                       "pass a non-negative Python int")
    n = int(n)
    out = _bernoulli_floats()[:n + 1]
    if n >= _BERNOULLI_FINITE:
        k = np.arange(_BERNOULLI_FINITE, n + 1)
        out = np.concatenate([out, np.where(k % 2, 0.0, np.where(k % 4, np.inf, -np.inf))])
    with np.errstate(over="ignore"):
        return asarray(out, dtype=result_type(float) if dtype is None else dtype)


def __dir__():  # the public names only, not the modules and helpers the code imports
    return __all__
