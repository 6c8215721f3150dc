"""The derivatives of special functions in their parameters: zeta(x, q) in its order x, hyp1f1 in a
and b, and the second derivatives of gammainc and gammaincc in a. Oracles: jax's first derivatives
(zeta, hyp1f1), eighth-order central differences of SciPy's values and of fluxion's own lower
derivatives (gammainc's first in a is checked against jax and mpmath in test_gammainc_grad_a.py),
mpmath where installed, and identities; forward mode against reverse mode, eager against jit, vmap
against a loop, float32 against float64."""
import functools
import math

import numpy as np
import pytest
import scipy.special as sp

import fluxion as fx
import fluxion.numpy as fnp
import fluxion.scipy.special as fsp

from _jax_oracle import jax_x64

inf, nan = math.inf, math.nan
_OFFSETS = np.array([-4.0, -3.0, -2.0, -1.0, 1.0, 2.0, 3.0, 4.0])
_WEIGHTS = np.array([1 / 280, -4 / 105, 1 / 5, -4 / 5, 4 / 5, -1 / 5, 4 / 105, -1 / 280])


def _f64(v):
    return fnp.asarray(np.asarray(v, np.float64))


def _central(fn, x, h):
    """d fn / dx at the points x (1-d) by the eighth-order central difference of step h: fn is called
    once, on the points (8, n) of the stencil, and gives (..., 8, n)."""
    values = np.asarray(fn(x + _OFFSETS[:, None] * h))
    return np.tensordot(_WEIGHTS, values, axes=(0, -2)) / h


def _elementwise(fn, argnums, order=1):
    """The derivative of order `order` of fn in its argument `argnums` (stacked for a tuple), elementwise
    over arrays that broadcast together."""
    for _ in range(order):
        fn = fx.grad(fn, argnums=argnums)

    def derivative(*args):
        args = np.broadcast_arrays(*args)
        out = np.asarray(fx.vmap(fn)(*(_f64(v.ravel()) for v in args)))
        return out.reshape(out.shape[:-1] + args[0].shape)
    return derivative


# zeta in its order x ------------------------------------------------------------------------------
ZX, ZQ = (v.ravel() for v in np.meshgrid([1.02, 1.3, 2.0, 3.5, 7.0, 15.0, 40.0], [0.05, 0.4, 1.0, 2.5, 30.0, 1e4]))
# steps below the scale 1 / log q on which zeta varies in x, and that stay in x > 1; near x = 1 the
# differences are taken of zeta less its pole 1 / (x - 1) (entire in x), of its derivative less
# -1 / (x - 1)**2
ZH = np.minimum(0.02, (ZX - 1) / 5) / (1 + np.log(np.maximum(ZQ, 1)))
ZPOLE = np.where(ZX < 1.5, 1.0, 0.0)


@functools.cache
def _jax_zeta_derivative():
    """jax's d zeta / dx at (ZX, ZQ) and at (ZX + 1, ZQ), in one program (jax's zeta compiles slowly)."""
    jax = jax_x64()
    both = np.asarray(jax.jit(jax.vmap(jax.grad(jax.scipy.special.zeta)))(np.r_[ZX, ZX + 1], np.r_[ZQ, ZQ]))
    return both[:ZX.size], both[ZX.size:]


def test_zeta_derivative_in_x_matches_jax_and_differences_of_scipy():
    got = _elementwise(fsp.zeta, 0)(ZX, ZQ)
    np.testing.assert_allclose(got, _jax_zeta_derivative()[0], rtol=1e-13)
    differences = _central(lambda x: sp.zeta(x, ZQ) - ZPOLE / (x - 1), ZX, ZH) - ZPOLE / (ZX - 1) ** 2
    # (for q < 1 the terms have both signs: the derivative passes through 0 where zeta does not)
    np.testing.assert_array_less(np.abs(got - differences), 1e-9 * (np.abs(differences) + sp.zeta(ZX, ZQ)))


def test_zeta_second_derivatives_match_differences_and_the_identity_in_q():
    dxx = _elementwise(fsp.zeta, 0, order=2)(ZX, ZQ)
    dx = _elementwise(fsp.zeta, 0)
    differences = _central(lambda x: dx(x, ZQ) + ZPOLE / (x - 1) ** 2, ZX, ZH) + 2 * ZPOLE / (ZX - 1) ** 3
    np.testing.assert_allclose(dxx, differences, rtol=1e-8)
    dx_next = _jax_zeta_derivative()[1]
    dxq = np.asarray(fx.vmap(fx.grad(fx.grad(fsp.zeta), argnums=1))(_f64(ZX), _f64(ZQ)))
    dqx = np.asarray(fx.vmap(fx.grad(fx.grad(fsp.zeta, argnums=1)))(_f64(ZX), _f64(ZQ)))
    # d/dq of d zeta / dx = d/dx of -x zeta(x + 1, q) = -zeta(x + 1, q) - x (d zeta / dx)(x + 1, q)
    np.testing.assert_allclose(dxq, -sp.zeta(ZX + 1, ZQ) - ZX * dx_next, rtol=1e-12)
    np.testing.assert_allclose(dqx, dxq, rtol=1e-12)


def test_zeta_third_derivative_in_x_matches_differences_of_the_second():
    x, q = np.array([1.6, 2.0, 4.0]), np.array([0.7, 1.0, 3.0])
    got = _elementwise(fsp.zeta, 0, order=3)(x, q)
    np.testing.assert_allclose(got, _central(lambda s: _elementwise(fsp.zeta, 0, order=2)(s, q), x, 0.01), rtol=1e-8)


def test_riemann_zeta_is_differentiable_everywhere():
    # below 1 through Borwein's eta and the reflection formula (at the trivial zeros -2, -20 too, where
    # the value is set to 0 exactly), which differentiate zeta_p in x
    x = np.array([-20.5, -20.0, -7.3, -2.0, -0.75, -0.3, 0.0, 0.4, 0.9, 1.1, 2.0, 6.0])
    got = _elementwise(fsp.zeta, 0)(x)
    # differences of zeta less its pole 1 / (x - 1), which is entire
    want = _central(lambda x: sp.zeta(x) - 1 / (x - 1), x, np.minimum(0.02, np.abs(x - 1) / 5)) - 1 / (x - 1) ** 2
    np.testing.assert_allclose(got, want, rtol=1e-9)


def test_zeta_derivative_in_x_at_the_edges_eager_and_jit():
    # NaN where zeta is (x < 1) or (k + q)**-x has no real derivative (q <= 0); the limits elsewhere
    x, q, want = np.array([(0.5, 1.0, nan), (2.0, 0.0, nan), (2.0, -1.5, nan), (nan, 1.0, nan), (1.0, 1.0, -inf),
                           (inf, 1.0, 0.0), (inf, 3.0, 0.0), (inf, 0.5, inf), (2.0, inf, 0.0), (1e300, 2.0, 0.0)]).T
    grad = fx.vmap(fx.grad(fsp.zeta))
    for fn in (grad, fx.jit(grad)):
        np.testing.assert_array_equal(np.asarray(fn(_f64(x), _f64(q))), want)


def test_zeta_derivative_forward_reverse_jit_and_vmap_agree():
    x, q = _f64(ZX), _f64(ZQ)
    reverse = np.asarray(fx.grad(lambda x: fsp.zeta(x, q).sum())(x))
    np.testing.assert_allclose(np.asarray(fx.jvp(lambda x: fsp.zeta(x, q), (x,), (fnp.ones_like(x),))[1]),
                               reverse, rtol=1e-15)
    np.testing.assert_allclose(np.diag(np.asarray(fx.jacfwd(lambda x: fsp.zeta(x, q))(x))), reverse, rtol=1e-15)
    np.testing.assert_allclose(np.asarray(fx.jit(fx.grad(lambda x: fsp.zeta(x, q).sum()))(x)), reverse, rtol=1e-13)
    grad = fx.grad(fsp.zeta)
    loop = [float(grad(_f64(u), _f64(v))) for u, v in zip(ZX, ZQ)]
    np.testing.assert_allclose(np.asarray(fx.vmap(grad)(x, q)), loop, rtol=1e-15)


def test_zeta_derivative_in_float32_is_the_float64_one_rounded():
    x, q = ZX.astype(np.float32), ZQ.astype(np.float32)
    got = fx.vmap(fx.grad(fsp.zeta))(fnp.asarray(x), fnp.asarray(q))
    assert got.dtype == np.float32
    with np.errstate(over="ignore"):  # (the largest overflows float32, to inf as it should)
        want = _elementwise(fsp.zeta, 0)(x, q).astype(np.float32)
    np.testing.assert_allclose(np.asarray(got), want, rtol=1e-7)


# gammainc and gammaincc: the second derivative in a ---------------------------------------------
_A, _X = np.geomspace(0.01, 300, 8), np.array([0.05, 0.5, 0.9, 1.0, 1.1, 2.0, 5.0])
GA = np.concatenate([np.repeat(_A, _X.size), [40.0, 40.0, 150.0, 150.0, 0.3, 2.5]])
GX = np.concatenate([np.outer(_A, _X).ravel(), [38.0, 60.0, 160.0, 100.0, 3.0, 1.3]])


def _first_in_a(a, x):
    return _elementwise(fsp.gammainc, 0)(a, x)


def _size(a, x):
    """The scale on which P varies in a (as in test_gammainc_grad_a.py), and |dP/da| over it."""
    scale = 1 / (1 / a + 1 / np.sqrt(a) + np.abs(np.log(x) - sp.digamma(a)))
    return scale, np.abs(_first_in_a(a, x)) / scale


def _assert_close_at_size(got, want, size, rtol):
    """|got - want| <= rtol (|want| + size): relative, and absolute where the second derivative passes
    through 0 (it changes sign near x = a)."""
    np.testing.assert_array_less(np.abs(got - want), rtol * (np.abs(want) + size) + 1e-300)


def test_second_derivative_in_a_matches_differences_of_the_first():
    got = _elementwise(fsp.gammainc, 0, order=2)(GA, GX)
    scale, size = _size(GA, GX)
    _assert_close_at_size(got, _central(lambda a: _first_in_a(a, GX), GA, 0.05 * scale), size, 1e-8)
    # where P's derivatives underflow they are 0, not NaN
    assert np.all(np.isfinite(got))


def _mpmath_second_derivative(mp, a, x):
    """d^2 P / da^2 by mpmath, of Q = 1 - P where x > a (so that small results keep their digits)."""
    a, x = mp.mpf(float(a)), mp.mpf(float(x))
    if x <= a:
        return float(mp.diff(lambda s: mp.gammainc(s, 0, x, regularized=True), a, 2))
    return -float(mp.diff(lambda s: mp.gammainc(s, x, mp.inf, regularized=True), a, 2))


def test_second_derivative_in_a_matches_mpmath():
    mp = pytest.importorskip("mpmath")
    a, x = np.array([0.3, 2.5, 2.5, 12.0, 40.0, 150.0]), np.array([0.2, 1.3, 7.0, 12.0, 60.0, 140.0])
    with mp.workdps(40):
        want = np.array([_mpmath_second_derivative(mp, u, v) for u, v in zip(a, x)])
    np.testing.assert_allclose(_elementwise(fsp.gammainc, 0, order=2)(a, x), want, rtol=1e-12)


def test_gammaincc_second_derivative_in_a_is_minus_gammaincs():
    np.testing.assert_array_equal(_elementwise(fsp.gammaincc, 0, order=2)(GA, GX),
                                  -_elementwise(fsp.gammainc, 0, order=2)(GA, GX))


def test_hessian_is_symmetric_and_matches_differences_of_the_gradient():
    a, x = GA[::4], GX[::4]
    hessian = fx.vmap(fx.hessian(fsp.gammainc, argnums=(0, 1)))(_f64(a), _f64(x))
    np.testing.assert_allclose(np.asarray(hessian[0][1]), np.asarray(hessian[1][0]), rtol=1e-13)
    gradient = _elementwise(fsp.gammainc, (0, 1))
    scale, size = _size(a, x)
    for j, h in enumerate((0.05 * scale, 0.05 * np.minimum(x, scale))):

        def shifted(s, j=j):
            moved = [a, x]
            moved[j] = s
            return gradient(*moved)
        want = _central(shifted, (a, x)[j], h)
        for i in (0, 1):  # (a derivative in x is measured against the size over x)
            np.testing.assert_array_less(np.abs(np.asarray(hessian[i][j]) - want[i]),
                                         1e-8 * (np.abs(want[i]) + size / np.where(j, x, 1)) + 1e-300)


def test_third_derivatives_match_differences_of_the_second():
    a, x = np.array([2.5, 0.4, 40.0]), np.array([1.3, 3.0, 38.0])
    h = 0.05 * _size(a, x)[0]
    second = _elementwise(fsp.gammainc, 0, order=2)
    np.testing.assert_allclose(_elementwise(fsp.gammainc, 0, order=3)(a, x), _central(lambda s: second(s, x), a, h),
                               rtol=1e-7)
    in_x = np.asarray(fx.vmap(fx.grad(fx.grad(fx.grad(fsp.gammainc)), argnums=1))(_f64(a), _f64(x)))
    np.testing.assert_allclose(in_x, _central(lambda s: second(a, s), x, 0.01 * x), rtol=1e-7)


# as the first derivative: NaN where P is, 0 where P is constant in a
EDGE_A, EDGE_X, EDGE_WANT = np.array([(0.0, 1.0, nan), (-1.0, 1.0, nan), (2.0, -1.0, nan), (nan, 1.0, nan),
                                      (2.0, 0.0, 0.0), (0.3, 0.0, 0.0), (2.0, inf, 0.0), (inf, 1.0, 0.0),
                                      (inf, inf, nan)]).T


def test_second_derivative_forward_reverse_jit_and_vmap_agree():
    a, x = _f64(GA), _f64(GX)
    second = fx.grad(fx.grad(fsp.gammainc))
    reverse = np.asarray(fx.vmap(second)(a, x))
    forward = np.asarray(fx.vmap(fx.jacfwd(fx.grad(fsp.gammainc)))(a, x))
    np.testing.assert_allclose(forward, reverse, rtol=1e-12)
    tangent = np.asarray(fx.jvp(lambda a: fx.vmap(fx.grad(fsp.gammainc))(a, x), (a,), (fnp.ones_like(a),))[1])
    np.testing.assert_allclose(tangent, reverse, rtol=1e-12)
    loop = [float(second(_f64(u), _f64(v))) for u, v in zip(GA[::6], GX[::6])]
    np.testing.assert_allclose(reverse[::6], loop, rtol=1e-14)
    # under jit (the edges too), with XLA's digamma, accurate to some ulps of max(1, |digamma|), which
    # cancels near x = a
    jitted = np.asarray(fx.jit(fx.vmap(second))(_f64(np.r_[GA, EDGE_A]), _f64(np.r_[GX, EDGE_X])))
    _assert_close_at_size(jitted[:GA.size], reverse, _size(GA, GX)[1], 1e-12)
    np.testing.assert_array_equal(jitted[GA.size:], EDGE_WANT)


def test_second_derivative_in_a_at_the_edges():
    np.testing.assert_array_equal(_elementwise(fsp.gammainc, 0, order=2)(EDGE_A, EDGE_X), EDGE_WANT)


def test_second_derivative_in_float32_is_the_float64_one_rounded():
    keep = GA < 100
    a, x = GA[keep].astype(np.float32), GX[keep].astype(np.float32)
    got = fx.vmap(fx.grad(fx.grad(fsp.gammainc)))(fnp.asarray(a), fnp.asarray(x))
    assert got.dtype == np.float32
    want = _elementwise(fsp.gammainc, 0, order=2)(a, x)
    normal = np.abs(want) > np.finfo(np.float32).tiny
    np.testing.assert_allclose(np.asarray(got)[normal], want[normal], rtol=2e-7)


# hyp1f1 in a and b ----------------------------------------------------------------------------------
def _hyp1f1_points(n, seed):
    """a = 0, polynomials, a = b, then random |a| <= 5, 0.5 <= b <= 10, |x| <= 10 (where SciPy's values
    are accurate), where hyp1f1 has a value (not where its terms cancel too much to give one)."""
    rng = np.random.default_rng(seed)
    a, b, x = rng.uniform(-5, 5, n), rng.uniform(0.5, 10, n), rng.uniform(-10, 10, n)
    a[:3], a[3:6], a[6:9] = 0.0, -np.arange(1.0, 4.0), b[6:9]
    keep = np.isfinite(np.asarray(fsp.hyp1f1(a, b, x)))
    return a[keep], b[keep], x[keep]


HA, HB, HX = _hyp1f1_points(48, 0)
GENERIC = slice(9, None)  # not a = 0 nor a polynomial, where jax's derivative in a is 0 or NaN


def test_hyp1f1_derivatives_in_a_and_b_match_differences_of_scipy():
    for argnum in (0, 1):
        got = _elementwise(fsp.hyp1f1, argnum)(HA, HB, HX)

        def shifted(s, argnum=argnum):
            args = [HA, HB, HX]
            args[argnum] = s
            return sp.hyp1f1(*args)
        want = _central(shifted, (HA, HB)[argnum], 0.01)
        # (relative to M too: at a = 0 the derivative in b is 0)
        np.testing.assert_array_less(np.abs(got - want), 1e-8 * np.abs(want) + 1e-13 * np.abs(sp.hyp1f1(HA, HB, HX)))


def test_hyp1f1_derivatives_in_a_and_b_match_jax():
    jax = jax_x64()
    points = [v[GENERIC] for v in (HA, HB, HX)]
    want = jax.jit(jax.vmap(jax.grad(jax.scipy.special.hyp1f1, (0, 1))))(*points)
    for argnum in (0, 1):
        got = _elementwise(fsp.hyp1f1, argnum)(*points)
        np.testing.assert_allclose(got, np.asarray(want[argnum]), rtol=1e-8, atol=1e-12)


def test_hyp1f1_second_derivatives_match_differences_of_the_first():
    args = (HA[::2], HB[::2], HX[::2])
    first = _elementwise(fsp.hyp1f1, (0, 1))
    hessian = fx.vmap(fx.hessian(fsp.hyp1f1, argnums=(0, 1, 2)))(*(_f64(v) for v in args))
    for j in range(3):

        def shifted(s, j=j):
            moved = list(args)
            moved[j] = s
            return first(*moved)
        want = _central(shifted, args[j], 0.01)
        for i in (0, 1):
            np.testing.assert_allclose(np.asarray(hessian[i][j]), want[i], rtol=1e-8,
                                       atol=1e-12 * np.abs(want[i]).max())
    # reverse over reverse mode gives the same
    np.testing.assert_allclose(np.asarray(fx.vmap(fx.grad(fx.grad(fsp.hyp1f1), argnums=1))(*(_f64(v) for v in args))),
                               np.asarray(hessian[0][1]), rtol=1e-13)


def test_hyp1f1_derivatives_satisfy_identities():
    rng = np.random.default_rng(1)
    b, x = rng.uniform(0.5, 10, 12), rng.uniform(-15, 15, 12)
    # M(b, b, x) = e**x for every b: along a = b the derivatives in a and b cancel
    da, db = (_elementwise(fsp.hyp1f1, k)(b, b, x) for k in (0, 1))
    np.testing.assert_allclose(da + db, 0.0, atol=1e-13 * np.abs(da).max())
    # dM/da (0, 1, x) = sum over k >= 1 of x**k / (k k!) = Ei(x) - euler - log|x|
    ein = _elementwise(fsp.hyp1f1, 0)(np.zeros_like(x), np.ones_like(x), x)
    np.testing.assert_allclose(ein, sp.expi(x) - np.euler_gamma - np.log(np.abs(x)), rtol=1e-12)
    # M(0, b, x) = 1 for every b
    np.testing.assert_allclose(_elementwise(fsp.hyp1f1, 1)(np.zeros_like(x), b, x), 0.0, atol=1e-12)


def test_hyp1f1_parameter_derivatives_forward_reverse_jit_and_vmap_agree():
    a, b, x = (_f64(v) for v in (HA, HB, HX))
    fn = lambda a, b: fsp.hyp1f1(a, b, x)  # noqa: E731
    da, db = (np.asarray(g) for g in fx.grad(lambda a, b: fn(a, b).sum(), argnums=(0, 1))(a, b))
    _, tangent = fx.jvp(lambda a: fn(a, b), (a,), (fnp.ones_like(a),))
    np.testing.assert_allclose(np.asarray(tangent), da, rtol=1e-15)
    np.testing.assert_allclose(np.diag(np.asarray(fx.jacfwd(fn, argnums=1)(a, b))), db, rtol=1e-15)
    jitted = fx.jit(fx.grad(lambda a, b: fn(a, b).sum(), argnums=(0, 1)))(a, b)
    np.testing.assert_allclose(np.asarray(jitted[0]), da, rtol=1e-12)
    np.testing.assert_allclose(np.asarray(jitted[1]), db, rtol=1e-12)
    grad = fx.grad(fsp.hyp1f1, argnums=1)
    loop = [float(grad(_f64(u), _f64(v), _f64(w))) for u, v, w in zip(HA[::5], HB[::5], HX[::5])]
    np.testing.assert_allclose(np.asarray(fx.vmap(grad)(a, b, x))[::5], loop, rtol=1e-15)


def test_hyp1f1_parameter_derivatives_are_nan_rather_than_wrong():
    # b a pole of the gamma function; a polynomial whose derivative's terms cancel to ~1e-7 (its value
    # comes from a recurrence); an argument not finite
    a, b, x = np.array([1.5, -20.0, nan, 1.5]), np.array([-2.0, 1.0, 2.0, inf]), np.array([1.0, 20.0, 1.0, 1.0])
    for argnum in (0, 1):
        assert np.all(np.isnan(_elementwise(fsp.hyp1f1, argnum)(a, b, x)))


def test_hyp1f1_parameter_derivatives_in_float32_are_the_float64_ones_rounded():
    a, b, x = (v.astype(np.float32) for v in (HA, HB, HX))
    for argnum in (0, 1):
        got = fx.vmap(fx.grad(fsp.hyp1f1, argnums=argnum))(*(fnp.asarray(v) for v in (a, b, x)))
        assert got.dtype == np.float32
        want = _elementwise(fsp.hyp1f1, argnum)(a, b, x)
        np.testing.assert_allclose(np.asarray(got), want, rtol=2e-7, atol=1e-30)


@pytest.mark.parametrize("fn, oracle", [(fsp.betaln, sp.betaln), (fsp.beta, sp.beta)], ids=["betaln", "beta"])
@pytest.mark.parametrize("point", [(1.5, 1.5), (2.0, 2.0), (3.0, 1.25)])
def test_beta_hessians_at_and_off_a_tie_match_central_differences_of_scipy(fn, oracle, point):
    h = 1e-4

    def second(i, j):  # d2/dv_i dv_j of SciPy's value, by central differences
        e_i, e_j = np.eye(2)[i] * h, np.eye(2)[j] * h
        v = np.array(point)
        return (oracle(*(v + e_i + e_j)) - oracle(*(v + e_i - e_j)) - oracle(*(v - e_i + e_j))
                + oracle(*(v - e_i - e_j))) / (4 * h * h)
    want = np.array([[second(i, j) for j in range(2)] for i in range(2)])
    got = fx.hessian(lambda v: fn(v[0], v[1]))(fnp.asarray(point, dtype=fnp.float64))
    np.testing.assert_allclose(np.asarray(got), want, rtol=1e-5, atol=1e-7)
