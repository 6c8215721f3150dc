"""The binomial coefficients of fluxion.scipy.special: comb, with SciPy's values outside 0 <= k <= N,
and binom, SciPy's binomial coefficient of real n and k (its branches and their values).

Where the smaller side k' = min(k, N - k) = j + f has an integer part j below 60 it is
C(N, f) (from log B, whose logarithm is small) times the j factors (N - f - i + 1) / (f + i), one
rounding per factor (within a few ulps for integers); otherwise
1 / ((N + 1) B(N - k + 1, k + 1)) from log B, whose Stirling form cancels the large terms exactly
(so the error is that of exp at log C: some |log C| ulps, as SciPy's). Computed in float64 and
rounded once. The derivatives are the closed forms C (digamma(N + 1) - digamma(N - k + 1)) in N
and C (digamma(N - k + 1) - digamma(k + 1)) in k, given by `custom_jvp`.

binom follows SciPy's cases: NaN at negative integer n and at k = inf; for an integer k the
product of the k' < 60 factors (n + (i - k')) / i, k' = min(k, n - k) for a positive integer n
(SciPy stops at 20 and leaves out tiny nonzero n, where its values lose digits); for
0 < 1e10 k <= n, 1 / ((n + 1) B(n - k + 1, k + 1)) from log B; for k > 1e8 |n| the leading terms
of the expansion in 1 / k, gamma(1 + n) (1 / k + n / (2 k**2)) sin(pi (k - n)) / (pi k**n), the
sine from k reduced modulo 2 exactly (so that it keeps its digits for huge k, where SciPy's
values lose them); otherwise 1 / ((n + 1) B(n - k + 1, k + 1)), 0 at the poles of B.
"""
from __future__ import annotations

import math
import operator

import numpy as np

from ..core import dtypes
from ..core.array import Array, Tracer
from ..core.errors import op_error
from ..numpy._convert import convert
from ..ops import elementwise as E
from ..transforms.autodiff.custom import custom_jvp
from ._gamma import _beta_parts, _gammasgn
from ._util import _c, _is_nan, _real, _where

_PRODUCT_BELOW = 60  # the most factors of the product form


def _is_integer(x: Array) -> Array:
    return E.eq_p.bind(E.floor_p.bind(x), x)


def _beta_form(n: Array, k: Array) -> Array:
    """1 / ((n + 1) B(n - k + 1, k + 1)), with B's sign."""
    one = _c(1, n)
    sign, log_b = _beta_parts(E.add_p.bind(E.sub_p.bind(n, k), one), E.add_p.bind(k, one))
    n1 = E.add_p.bind(n, one)
    return E.div_p.bind(E.exp_p.bind(E.neg_p.bind(E.add_p.bind(E.log_p.bind(E.abs_p.bind(n1)), log_b))),
                        E.mul_p.bind(sign, E.sign_p.bind(n1)))


def _binom(n: Array, k: Array) -> Array:
    """SciPy's binom(n, k) for float64 n, k: NaN at negative integer n."""
    zero, one = _c(0, n), _c(1, n)
    k_int, n_int = _is_integer(k), E.and_p.bind(_is_integer(n), E.is_finite_p.bind(n))
    # by symmetry the smaller side, where n >= 0
    mirror = E.and_p.bind(E.and_p.bind(E.is_finite_p.bind(n), E.ge_p.bind(n, zero)),
                          E.gt_p.bind(k, E.mul_p.bind(n, _c(0.5, n))))
    kk = _where(mirror, E.sub_p.bind(n, k), k)
    # kk = j + f with an integer j < 60: C(n, f) (whose logarithm is small) times the factors
    # C(n, f + i) / C(n, f + i - 1) = (n - f - i + 1) / (f + i) for i = 1 .. j
    whole = E.floor_p.bind(kk)
    use_product = E.and_p.bind(E.ge_p.bind(kk, zero), E.lt_p.bind(whole, _c(_PRODUCT_BELOW, kk)))
    j = _where(use_product, whole, zero)
    f = _where(use_product, E.sub_p.bind(kk, whole), zero)
    n_p = _where(use_product, n, one)
    fractional = E.gt_p.bind(f, zero)
    product = _where(fractional, _beta_form(_where(fractional, n_p, one), _where(fractional, f, _c(0.5, f))), one)
    top = E.add_p.bind(E.sub_p.bind(n_p, f), one)
    for i in range(1, _PRODUCT_BELOW):
        factor = E.div_p.bind(E.sub_p.bind(top, _c(i, n)), E.add_p.bind(f, _c(i, n)))
        product = _where(E.le_p.bind(_c(i, j), j), E.mul_p.bind(product, factor), product)
    out = _where(use_product, product, _beta_form(n, k))
    # an integer k beyond a non-negative integer n, or below 0: no subsets
    none = E.and_p.bind(k_int, E.or_p.bind(E.lt_p.bind(k, zero), E.and_p.bind(E.and_p.bind(n_int, E.ge_p.bind(n, zero)),
                                                                            E.gt_p.bind(k, n))))
    out = _where(none, zero, out)
    return _where(E.and_p.bind(n_int, E.lt_p.bind(n, zero)), _c(np.nan, n), out)


def _log_derivatives(n: Array, k: Array, out: Array) -> tuple[Array, Array]:
    """d/dn and d/dk of binom(n, k) = out: out (digamma(n + 1) - digamma(n - k + 1)) and
    out (digamma(n - k + 1) - digamma(k + 1)); 0 where out is 0 (no subsets, or a pole)."""
    one = _c(1, n)
    zero_out = E.eq_p.bind(out, _c(0, out))
    psi_nk = E.digamma_p.bind(E.add_p.bind(E.sub_p.bind(n, k), one))
    dn = E.mul_p.bind(out, E.sub_p.bind(E.digamma_p.bind(E.add_p.bind(n, one)), psi_nk))
    dk = E.mul_p.bind(out, E.sub_p.bind(psi_nk, E.digamma_p.bind(E.add_p.bind(k, one))))
    return _where(zero_out, _c(0, out), dn), _where(zero_out, _c(0, out), dk)


_binom_d = custom_jvp(_binom)
# the rules call _binom_d itself (not the primal result) so that their own derivatives are closed forms too
_binom_d.defjvps(lambda t, out, n, k: E.mul_p.bind(t, _log_derivatives(n, k, _binom_d(n, k))[0]),
                 lambda t, out, n, k: E.mul_p.bind(t, _log_derivatives(n, k, _binom_d(n, k))[1]))


def _mod_2(z: Array) -> Array:
    """z minus the nearest even integer, in [-1, 1] (exact)."""
    return E.sub_p.bind(z, E.mul_p.bind(E.round_p.bind(E.mul_p.bind(z, _c(0.5, z))), _c(2, z)))


def _sin_pi(z: Array) -> Array:
    """sin(pi z) from z reduced to [-1/2, 1/2] exactly (so 0 at the integers)."""
    r = _mod_2(z)
    r = _where(E.gt_p.bind(r, _c(0.5, z)), E.sub_p.bind(_c(1, z), r),
               _where(E.lt_p.bind(r, _c(-0.5, z)), E.sub_p.bind(_c(-1, z), r), r))
    return E.sin_p.bind(E.mul_p.bind(r, _c(math.pi, z)))


def _scipy_binom(n: Array, k: Array) -> Array:
    """SciPy's binom(n, k) for float64 n, k (see the module's docstring)."""
    zero, one = _c(0, n), _c(1, n)
    n_int, k_int = _is_integer(n), _is_integer(k)
    # an integer k: the product of kx < 60 factors (n + (i - kx)) / i, kx = min(k, n - k) for a positive
    # integer n (SciPy stops at 20 and leaves out tiny nonzero n; n + (i - kx) keeps their digits)
    mirror = E.and_p.bind(E.and_p.bind(n_int, E.gt_p.bind(n, zero)), E.gt_p.bind(k, E.mul_p.bind(n, _c(0.5, n))))
    kx = _where(mirror, E.sub_p.bind(n, k), k)
    product = E.and_p.bind(k_int, E.and_p.bind(E.ge_p.bind(kx, zero), E.lt_p.bind(kx, _c(_PRODUCT_BELOW, kx))))
    kp, n_p = _where(product, kx, zero), _where(product, n, zero)
    num, den = one, one
    for i in range(1, _PRODUCT_BELOW):
        used = E.le_p.bind(_c(i, kp), kp)
        num = _where(used, E.mul_p.bind(num, E.add_p.bind(n_p, E.sub_p.bind(_c(i, n), kp))), num)
        den = _where(used, E.mul_p.bind(den, _c(i, n)), den)
        big = E.gt_p.bind(E.abs_p.bind(num), _c(1e50, num))  # as SciPy: divide out before overflow
        num, den = _where(big, E.div_p.bind(num, den), num), _where(big, one, den)
    by_product = E.div_p.bind(num, den)
    # 0 < k <= n / 1e10: from log B, without the over- and underflows of B
    large_n = E.and_p.bind(E.ge_p.bind(n, E.mul_p.bind(k, _c(1e10, k))), E.gt_p.bind(k, zero))
    n_l, k_l = _where(large_n, n, one), _where(large_n, k, one)
    log_b = _beta_parts(E.add_p.bind(E.sub_p.bind(n_l, k_l), one), E.add_p.bind(k_l, one))[1]
    by_large_n = E.exp_p.bind(E.neg_p.bind(E.add_p.bind(log_b, E.log_p.bind(E.add_p.bind(n_l, one)))))
    # k > 1e8 |n|: gamma(1 + n) (1 / k + n / (2 k**2)) sin(pi (k - n)) / (pi k**n), where
    # sin(pi (k - n)) = (-1)**k sin(-pi n) for an integer k
    large_k = E.gt_p.bind(k, E.mul_p.bind(E.abs_p.bind(n), _c(1e8, n)))
    n_k, k_k = _where(large_k, n, zero), _where(large_k, k, one)
    n1 = E.add_p.bind(n_k, one)
    size = E.exp_p.bind(E.sub_p.bind(E.lgamma_p.bind(n1), E.mul_p.bind(n_k, E.log_p.bind(k_k))))
    series = E.add_p.bind(E.div_p.bind(one, k_k), E.div_p.bind(n_k, E.mul_p.bind(E.mul_p.bind(k_k, k_k), _c(2, n))))
    k_mod_2 = _mod_2(k_k)
    sine = _sin_pi(E.sub_p.bind(_where(k_int, zero, k_mod_2), n_k))
    sine = _where(E.and_p.bind(k_int, E.ne_p.bind(k_mod_2, zero)), E.neg_p.bind(sine), sine)
    by_large_k = E.mul_p.bind(E.mul_p.bind(E.mul_p.bind(_gammasgn(n1), size), series),
                              E.mul_p.bind(sine, _c(1 / math.pi, n)))
    out = _where(product, by_product, _where(large_n, by_large_n, _where(large_k, by_large_k, _beta_form(n, k))))
    # NaN at negative integer n, at k = inf, for NaN, and (as SciPy, whose product stops there) at n = inf
    # for integers k >= 20
    undefined = E.or_p.bind(E.and_p.bind(n_int, E.lt_p.bind(n, zero)), E.eq_p.bind(k, _c(np.inf, k)))
    undefined = E.or_p.bind(undefined, E.and_p.bind(E.eq_p.bind(n, _c(np.inf, n)),
                                                    E.and_p.bind(k_int, E.ge_p.bind(k, _c(20, k)))))
    undefined = E.or_p.bind(undefined, E.or_p.bind(_is_nan(n), _is_nan(k)))
    return _where(undefined, _c(np.nan, n), out)


_scipy_binom_d = custom_jvp(_scipy_binom)
_scipy_binom_d.defjvps(lambda t, out, n, k: E.mul_p.bind(t, _log_derivatives(n, k, _scipy_binom_d(n, k))[0]),
                       lambda t, out, n, k: E.mul_p.bind(t, _log_derivatives(n, k, _scipy_binom_d(n, k))[1]))


def binom(n, k) -> Array:
    """The binomial coefficient gamma(n + 1) / (gamma(k + 1) gamma(n - k + 1)) of real n and k, as SciPy's binom.

    NaN at negative integer n; an integer k beyond a non-negative integer n, or below 0, gives 0
    (the poles of gamma(k + 1) or gamma(n - k + 1)). Computed in float64 and rounded once. The
    derivatives are binom (digamma(n + 1) - digamma(n - k + 1)) in n and
    binom (digamma(n - k + 1) - digamma(k + 1)) in k (0 where binom is 0).

    >>> import fluxion.scipy.special as fsp
    >>> fsp.binom(5.0, 2.0).item(), fsp.binom(-2.5, 2.0).item(), fsp.binom(2.5, 1.5).item()
    (10.0, 4.375, 2.5)
    """
    n_in, k_in = _real("binom", n, k)
    out = _scipy_binom_d(convert(n_in, dtypes.float64, n_in.weak), convert(k_in, dtypes.float64, k_in.weak))
    return convert(out, n_in.dtype, n_in.weak and k_in.weak)


def _comb_exact(N, k, repetition: bool) -> int:
    if isinstance(N, Tracer) or isinstance(k, Tracer):
        raise op_error(TypeError, "comb", "exact=True gives a Python int, which a traced value cannot",
                       "pass exact=False for floats under jit, vmap or grad")
    try:
        n_val, k_val = (operator.index(v) if isinstance(v, (int, np.integer)) else np.asarray(v).item()
                        for v in (N, k))
    except ValueError as e:
        raise op_error(ValueError, "comb", "exact=True takes scalars", "pass exact=False for arrays") from e
    if int(n_val) != n_val or int(k_val) != k_val:
        raise op_error(ValueError, "comb", "non-integer N and k with exact=True are not supported",
                       "pass integers, or exact=False")
    n_val, k_val = int(n_val), int(k_val)
    if repetition:
        if k_val == 0 and n_val >= 0:
            return 1
        n_val = n_val + k_val - 1
    return math.comb(n_val, k_val) if 0 <= k_val <= n_val else 0


def comb(N, k, exact: bool = False, repetition: bool = False):
    """The number of combinations of N things taken k at a time, "N choose k".

    As SciPy: 0 unless 0 <= k <= N (and NaN for NaN); non-integer N and k give the binomial
    coefficient gamma(N + 1) / (gamma(k + 1) gamma(N - k + 1)). With `repetition`, the number of
    combinations with repetition, comb(N + k - 1, k) (1 for k = 0 and N >= 0). With `exact`, a
    Python int from integer scalars (not under transformations).

    >>> import fluxion.scipy.special as fsp
    >>> fsp.comb(10, 3).item()
    120.0
    >>> fsp.comb(10, 3, exact=True), fsp.comb(5, 2, repetition=True).item()
    (120, 15.0)
    """
    if exact:
        return _comb_exact(N, k, repetition)
    n_in, k_in = _real("comb", N, k)
    n, k = convert(n_in, dtypes.float64, n_in.weak), convert(k_in, dtypes.float64, k_in.weak)
    zero = _c(0, n)
    if repetition:
        out = _binom_d(E.sub_p.bind(E.add_p.bind(n, k), _c(1, n)), k)
        out = _where(E.and_p.bind(E.eq_p.bind(k, zero), E.ge_p.bind(n, zero)), _c(1, n), out)
    else:
        valid = E.and_p.bind(E.and_p.bind(E.le_p.bind(k, n), E.ge_p.bind(n, zero)), E.ge_p.bind(k, zero))
        out = _where(valid, _binom_d(_where(valid, n, _c(1, n)), _where(valid, k, zero)), zero)
    return convert(out, n_in.dtype, n_in.weak and k_in.weak)
