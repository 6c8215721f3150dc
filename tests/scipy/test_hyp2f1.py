"""hyp2f1 of fluxion.scipy.special against high-precision values and scipy.special.hyp2f1: jax's domain
(no value missing), near x = 1 with c - a - b an integer or not, x < 0 down to -1e6, general parameters
(a value or NaN, never a wrong one), polynomials, edges, jit, vmap and the derivative in x (closed form,
finite differences, second order); the derivatives in a, b and c raise an error naming the fix. Where
every series cancels (random parameters, large ones beyond x = -1, near zeros of 2F1) values within 1e-10
of SciPy's or of high-precision ones; integer and near-integer a, b, c and c - a - b, x near -1, 0, 1/2
and 1: right or NaN."""
from fractions import Fraction

import numpy as np
import pytest
import scipy.special as sp

import fluxion as fx
import fluxion.numpy as fnp
import fluxion.scipy.special as fsp
from fluxion.errors import FluxionError
from fluxion.test_util import check_grads

inf, nan = np.inf, np.nan


def _reference(a, b, c, x):
    mp = pytest.importorskip("mpmath")
    mp.mp.dps = 30
    return np.array([float(mp.hyp2f1(*(mp.mpf(float(v)) for v in t))) for t in zip(a, b, c, x)])


def _check(a, b, c, x, given_at_least, rtol=1e-13):
    want = _reference(a, b, c, x)
    got = np.asarray(fsp.hyp2f1(a, b, c, x))
    given = ~np.isnan(got)
    assert given.mean() >= given_at_least
    np.testing.assert_allclose(got[given], want[given], rtol=rtol, atol=0)


def test_values_in_jaxs_domain_are_all_given():
    rng = np.random.default_rng(0)
    a, b, c, x = rng.uniform(0, 5, 200), rng.uniform(0, 5, 200), rng.uniform(0.1, 10, 200), rng.uniform(0, 1, 200)
    x[:50] = 1 - 10 ** rng.uniform(-12, -1, 50)
    _check(a, b, c, x, given_at_least=0.9)
    _check(a[50:], b[50:], c[50:], x[50:], given_at_least=1.0)


def test_values_near_one_with_an_integer_c_minus_a_minus_b():
    rng = np.random.default_rng(1)
    a, b = rng.integers(1, 320, 120) / 64, rng.integers(1, 320, 120) / 64  # a + b + m is exact
    c = a + b + rng.integers(-4, 5, 120)
    x = 1 - 10 ** rng.uniform(-14, -0.3, 120)
    x[:30] = -(10 ** rng.uniform(0, 8, 30))
    _check(a, b, c, x, given_at_least=1.0)


def test_negative_x_and_general_parameters_are_right_or_nan():
    rng = np.random.default_rng(2)
    a, b, c = rng.uniform(-10, 10, 200), rng.uniform(-10, 10, 200), rng.uniform(-10, 10, 200)
    x = -(10 ** rng.uniform(-2, 6, 200))
    _check(a, b, c, x, given_at_least=0.99, rtol=1e-10)
    a, b, c, x = rng.uniform(-20, 20, 200), rng.uniform(-20, 20, 200), rng.uniform(-20, 20, 200), rng.uniform(-1, 1, 200)
    _check(a, b, c, x, given_at_least=0.95, rtol=1e-10)


def test_polynomials_at_every_real_x():
    rng = np.random.default_rng(3)
    a = -rng.integers(0, 12, 60).astype(float)
    b, c, x = rng.uniform(-5, 5, 60), rng.uniform(0.5, 5, 60), rng.uniform(-50, 50, 60)
    _check(a, b, c, x, given_at_least=1.0, rtol=1e-12)
    _check(b, a, c, x, given_at_least=1.0, rtol=1e-12)


def test_values_match_scipy():
    # SciPy is off by up to 1e-10 here for x < -2 (the high-precision values agree with ours)
    rng = np.random.default_rng(4)
    a, b, c, x = rng.uniform(0, 5, 300), rng.uniform(0, 5, 300), rng.uniform(0.1, 10, 300), rng.uniform(-5, 0.95, 300)
    got = np.asarray(fsp.hyp2f1(a, b, c, x))
    given = ~np.isnan(got)
    assert given.mean() > 0.98
    np.testing.assert_allclose(got[given], sp.hyp2f1(a, b, c, x)[given], rtol=1e-9, atol=0)


def test_edges():
    rows = [(1, 1, 2, 1.0, inf), (1, 2, 3.5, 1.0, 5.0), (1, 2, 2.5, 1.0, inf), (-5, 2, 3, 1.0, 1 / 21),
            (1, 1, -2, 0.5, inf), (-3, 1, -2, 0.5, inf), (1, 1, 0, 0.0, 1.0), (0, 1, 2, 7.0, 1.0),
            (-2, 1, 2, 7.0, 31 / 3), (-2, 1, -2, 0.5, 1.75),  # the polynomial (SciPy: (1 - x)**-b = 2)
            (nan, 1, 2, 0.5, nan), (1, 1, 2, inf, nan), (1, 1, 2, 1.5, nan), (1, 1, 2, -1.0, np.log(2)),
            (2, 3, 4, -1e300, 0.0)]
    a, b, c, x, want = (np.array(v, float) for v in zip(*rows))
    np.testing.assert_allclose(np.asarray(fsp.hyp2f1(a, b, c, x)), want, rtol=1e-13, atol=0)
    assert fsp.hyp2f1(np.float32(1), 1.0, 2.0, 0.5).dtype == np.float32


def test_divergence_at_one_has_the_sign_of_the_growth_towards_one():
    # for c - a - b <= 0, 2F1 at x = 1 is infinite with the sign it takes just below 1 (SciPy's, but for
    # c - a - b rounded near 0, where SciPy's sign is wrong)
    rng = np.random.default_rng(12)
    a, b, c = (np.round(rng.uniform(-5, 5, 400), 1) for _ in range(3))
    a, b, c = (v[(c - a - b < -1e-9) & (np.abs(c - np.round(c)) > 0.05)][:40] for v in (a, b, c))
    got = np.asarray(fsp.hyp2f1(a, b, c, np.ones_like(a)))
    np.testing.assert_array_equal(got, np.sign(_reference(a, b, c, np.full_like(a, 1 - 1e-25))) * inf)
    np.testing.assert_array_equal(np.asarray(fx.jit(fsp.hyp2f1)(a, b, c, np.ones_like(a))), got)
    for args in ([0.5, 0.5, -0.5, 1], [-2.4, 2.7, 0.3, 1]):
        assert float(fsp.hyp2f1(*np.float64(args))) == -inf


def test_jit_and_vmap_match_eager():
    rng = np.random.default_rng(5)
    a, b, c = rng.uniform(-5, 5, 24), rng.uniform(-5, 5, 24), rng.uniform(0.5, 8, 24)
    x = np.concatenate([rng.uniform(-20, 1, 16), 1 - 10 ** rng.uniform(-10, -1, 8)])
    eager = np.asarray(fsp.hyp2f1(a, b, c, x))
    np.testing.assert_allclose(np.asarray(fx.jit(fsp.hyp2f1)(a, b, c, x)), eager, rtol=1e-13)
    a, b, c, x = (v.reshape(4, 6) for v in (a, b, c, x))
    want = np.stack([np.asarray(fsp.hyp2f1(a[i], b[i], c[i], x[i])) for i in range(4)])
    np.testing.assert_allclose(np.asarray(fx.vmap(fsp.hyp2f1)(a, b, c, x)), want, rtol=1e-15)


def test_derivative_in_x_is_the_closed_form_and_matches_finite_differences():
    a, b, c = np.array([1.5, -2.3, 0.7, 4.0, 2.0]), np.array([2.5, 1.2, 3.0, 0.8, 2.0]), np.array([3.5, 1.7, 2.2, 6.1, 3.0])
    x = np.array([0.7, -3.0, 0.95, -40.0, 0.3])
    got = fx.vmap(fx.grad(fsp.hyp2f1, argnums=3))(a, b, c, x)
    np.testing.assert_allclose(np.asarray(got), a * b / c * sp.hyp2f1(a + 1, b + 1, c + 1, x), rtol=1e-12)
    check_grads(lambda x: fsp.hyp2f1(fnp.asarray(a[:3]), fnp.asarray(b[:3]), fnp.asarray(c[:3]), x), [fnp.asarray(x[:3])],
                order=2, modes=("fwd",))


@pytest.mark.parametrize("argnum,name", [(0, "a"), (1, "b"), (2, "c")])
def test_derivatives_in_a_b_and_c_raise_an_error_naming_the_fix(argnum, name):
    with pytest.raises(FluxionError, match=f"fx.stop_gradient\\({name}\\)"):
        fx.grad(fsp.hyp2f1, argnums=argnum)(1.5, 2.5, 3.5, 0.7)


def _finite_sum(a, b, c, x):
    """The terminating series of 2F1 (a or b a non-positive integer, c no pole before it stops) in exact
    rational arithmetic, and the sum of its terms' moduli."""
    a, b, c, x = (Fraction(float(v)) for v in (a, b, c, x))
    term, total, moduli, k = Fraction(1), Fraction(1), Fraction(1), 0
    while (a + k) * (b + k) * x != 0:
        term *= (a + k) * (b + k) * x / ((c + k) * (k + 1))
        total, moduli, k = total + term, moduli + abs(term), k + 1
    return float(total), float(moduli)


def _polynomial_cases(n, seed):
    rng = np.random.default_rng(seed)
    a = -rng.integers(0, 15, n).astype(float)
    b, c, x = rng.uniform(-10, 10, n), rng.uniform(-10, 10, n), rng.uniform(-3, 3, n)
    x[: n // 5] = 1.0
    x[n // 5: n // 3] = rng.uniform(-100, 100, n // 3 - n // 5)
    poles = slice(n // 3, n // 2)  # c a pole of the gamma function beyond the polynomial's last term
    c[poles] = np.minimum(-rng.integers(0, 20, n // 2 - n // 3), a[poles])
    return a, b, c, x


@pytest.mark.parametrize("swap", [False, True], ids=["a", "b"])
def test_polynomials_match_their_exact_finite_sums(swap):
    a, b, c, x = _polynomial_cases(300, seed=6)
    want, moduli = np.array([_finite_sum(*t) for t in zip(a, b, c, x)]).T
    got = np.asarray(fsp.hyp2f1(b, a, c, x) if swap else fsp.hyp2f1(a, b, c, x))
    # where no branch bounds its error, the series itself: off by its rounding where its terms cancel
    np.testing.assert_array_less(np.abs(got - want), 1e-13 * np.abs(want) + 1e-14 * moduli)


def test_polynomials_at_one_at_their_zeros_and_with_a_pole_c_follow_scipy():
    # at x = 1 (Chu-Vandermonde) (c - b)_3 / (c)_3 = 7 and (c - a)_2 / (c)_2 = 8/3; the terms 1 - 9 + 12 - 4;
    # with a pole c beyond the last term 1 + 6/5 + 6/5 + 4/5 and 1 + 2/3 + 1/3; inf where c = -2 comes first
    rows = [(-3, 1, -2.5, 1.0, 7.0), (2.5, -2, 0.5, 1.0, 8 / 3), (-3, 3, 0.5, 0.5, 0.0), (-3, 1, -5, 2.0, 21 / 5),
            (-2, 1, -3, 1.0, 2.0), (-3, 1, -2, 0.5, inf)]
    a, b, c, x, want = (np.array(v, float) for v in zip(*rows))
    np.testing.assert_allclose(np.asarray(fsp.hyp2f1(a, b, c, x)), want, rtol=1e-14, atol=1e-15)
    np.testing.assert_allclose(np.asarray(fsp.hyp2f1(a, b, c, x)), sp.hyp2f1(a, b, c, x), rtol=1e-14, atol=1e-15)
    out = fsp.hyp2f1(np.float32(-3), np.float32(1), np.float32(-2.5), np.float32(1))
    assert out.dtype == np.float32 and float(out) == 7.0


def test_polynomials_under_jit_match_eager():
    a, b, c, x = _polynomial_cases(40, seed=7)
    eager = np.asarray(fsp.hyp2f1(a, b, c, x))
    np.testing.assert_allclose(np.asarray(fx.jit(fsp.hyp2f1)(a, b, c, x)), eager, rtol=1e-12, atol=1e-300)


def test_derivative_of_a_polynomial_in_x_matches_finite_differences():
    a, b, c = np.array([-4.0, -3.0, 2.5]), np.array([2.5, 1.5, -2.0]), np.array([-1.5, -5.0, 0.5])
    x = np.array([0.3, 2.0, -3.0])
    check_grads(lambda x: fsp.hyp2f1(fnp.asarray(a), fnp.asarray(b), fnp.asarray(c), x), [fnp.asarray(x)], order=2,
                modes=("fwd",))


def _check_against_scipy(a, b, c, x, nan_at_most):
    """Given where SciPy is finite (but for a fraction `nan_at_most`) and within 1e-10 of it, or, where
    SciPy differs by more (it cancels too), of the high-precision value."""
    got, want = np.asarray(fsp.hyp2f1(a, b, c, x)), sp.hyp2f1(a, b, c, x)
    finite = np.isfinite(want)
    assert np.mean(np.isnan(got) & finite) <= nan_at_most
    given = finite & ~np.isnan(got)
    apart = given & ~np.isclose(got, want, rtol=1e-10, atol=0)
    np.testing.assert_allclose(got[apart], _reference(a[apart], b[apart], c[apart], x[apart]), rtol=1e-10, atol=0)


def test_random_parameters_where_the_series_cancel_are_given_and_match_scipy():
    rng = np.random.default_rng(0)
    a, b, c = rng.uniform(-3, 3, (3, 2000))
    _check_against_scipy(a, b, c, rng.uniform(-3, 1, 2000), nan_at_most=0.0)
    a, b, c = rng.uniform(-10, 10, (3, 2000))
    _check_against_scipy(a, b, c, rng.uniform(-10, 1, 2000), nan_at_most=0.002)


def test_values_that_every_branch_computes_with_some_cancellation_match_high_precision():
    # each bounds its error between 1e-13 and 1e-9 relative; the last is near a zero of F (SciPy is off by 3e-10)
    rows = [(-1.8563, -2.9977, 1.9827, -2.9071), (2.9521, 2.8587, -0.41988, -2.2853), (-0.86618, -1.9230, -1.2649, 0.65580),
            (2.4190, 1.9025, -0.70684, -0.24193), (-2.9574725267854833, -1.70355409739155, 2.8761983742221897, -0.6459173501056839)]
    a, b, c, x = (np.array(v) for v in zip(*rows))
    np.testing.assert_allclose(np.asarray(fsp.hyp2f1(a, b, c, x)), _reference(a, b, c, x), rtol=1e-10, atol=0)
    np.testing.assert_allclose(np.asarray(fsp.hyp2f1(a, b, c, x))[:4], sp.hyp2f1(a, b, c, x)[:4], rtol=1e-10, atol=0)


def _large_parameters_beyond_minus_one(n, seed):
    """a and b large of one sign and c of the other, x < -1.5: every series in z = x / (x - 1) or in
    1 - z cancels, those in 1 / x do not (of F or of Euler's transformation)."""
    rng = np.random.default_rng(seed)
    sign = np.where(rng.random(n) < 0.5, 1.0, -1.0)
    a, b, c = sign * rng.uniform(5, 10, n), sign * rng.uniform(5, 10, n), -sign * rng.uniform(2, 10, n)
    return a, b, c, rng.uniform(-10, -1.5, n)


def test_large_parameters_beyond_minus_one_are_given_by_the_connection_to_one_over_x():
    a, b, c, x = _large_parameters_beyond_minus_one(150, seed=8)
    # (NaN where a - b is near an integer: the connection's two terms then cancel)
    _check(a, b, c, x, given_at_least=0.99, rtol=1e-10)


def test_parameters_rounded_near_poles_give_nan_rather_than_a_wrong_value():
    # c - a and b are within 1e-7 of a pole: rounding c - a moves Euler's transformation by 6e-9 (SciPy's
    # values are off by that); c - b rounded onto a pole stops a series whose true terms go on past c's
    # pole (0.7% off); a near a pole makes the logarithmic limit's digamma recurrence cancel (1e-6 off);
    # where every branch feels it, NaN
    rows = [(-0.9999999624746645, 3.681176817836139, -7.000000000002593, -5.515755693296208),
            (-1.9999999999987492, 8.677854346716352, -4.999999999948893, -5.796761839888162),
            (1.0000000000404192, -2.9999999999353237, -6.000000043673313, -2.421196737948848),
            (7.047841706331891, 3.339897495824925e-09, -9.00000005681915, -3.5530805771345486),
            (9.038727985150096, -0.9999999981272137, -2.0000000000858993, -7.721670731106166),
            (9.41293903567572, -2.0000166463332056, -8.000016646333206, -7.966720698800967),
            (7.671873954320201, 1.4007240860208525e-12, -7.999999999998599, -2.584837539654459),
            (-8.337660045295152, -2.0000000000021365, -6.000000000002137, -5.918034413931135),
            (-4.999999999995897, -4.999999999995897, -9.40695920218996, -1.558048696695419),
            (-7.999999808187329, -5.999999808187329, 1.0000001918126706, -4.410104985173158)]
    a, b, c, x = (np.array(v) for v in zip(*rows))
    got = np.asarray(fsp.hyp2f1(a, b, c, x))
    assert not np.isnan(got[:3]).any()
    given = ~np.isnan(got)
    np.testing.assert_allclose(got[given], _reference(a, b, c, x)[given], rtol=1e-10, atol=0)


def _family(name, n, seed):
    rng = np.random.default_rng(seed)
    a, b, c = rng.uniform(-10, 10, (3, n))
    x = rng.uniform(-10, 1, n)
    tiny = rng.choice([-1.0, 1.0], n) * 10 ** rng.uniform(-12, -3, n)
    if name in ("integer", "near_integer"):
        for v in (a, b, c):
            chosen = rng.random(n) < 0.4
            v[chosen] = np.round(v[chosen]) + (tiny[chosen] if name == "near_integer" else 0)
    elif name in ("integer_s", "near_integer_s"):
        a, b = rng.integers(-640, 640, n) / 64, rng.integers(-640, 640, n) / 64  # a + b + m is exact
        c = a + b + rng.integers(-6, 7, n) + (tiny if name == "near_integer_s" else 0)
    else:
        x = {"x_near_1": 1 - np.abs(tiny), "x_near_minus_1": -1 + tiny, "x_near_0": tiny, "x_near_half": 0.5 + tiny}[name]
    return a, b, c, x


@pytest.mark.parametrize("name,given_at_least", [
    ("integer", 0.99), ("near_integer", 0.95), ("integer_s", 1.0), ("near_integer_s", 0.99), ("x_near_1", 0.99),
    ("x_near_minus_1", 0.97), ("x_near_0", 1.0), ("x_near_half", 0.99)])
def test_parameter_and_argument_families_are_right_or_nan(name, given_at_least):
    a, b, c, x = _family(name, 200, seed=9)
    want = _reference(a, b, c, x)
    got = np.asarray(fsp.hyp2f1(a, b, c, x))
    finite = np.isfinite(want)  # (mpmath's values at poles of c are not compared)
    assert np.mean(~np.isnan(got[finite])) >= given_at_least
    given = finite & ~np.isnan(got)
    np.testing.assert_allclose(got[given], want[given], rtol=1e-10, atol=0)


def test_connection_to_one_over_x_under_jit_vmap_and_in_float32():
    a, b, c, x = _large_parameters_beyond_minus_one(24, seed=10)
    eager = np.asarray(fsp.hyp2f1(a, b, c, x))
    assert not np.isnan(eager).any()
    np.testing.assert_allclose(np.asarray(fx.jit(fsp.hyp2f1)(a, b, c, x)), eager, rtol=1e-13)
    batched = fx.vmap(fsp.hyp2f1)(*(v.reshape(4, 6) for v in (a, b, c, x)))
    np.testing.assert_allclose(np.asarray(batched).ravel(), eager, rtol=1e-15)
    single = fsp.hyp2f1(*(v.astype(np.float32) for v in (a, b, c, x)))
    assert single.dtype == np.float32
    want = sp.hyp2f1(*(v.astype(np.float32).astype(np.float64) for v in (a, b, c, x)))
    np.testing.assert_allclose(np.asarray(single), want, rtol=1e-6)


def test_derivative_in_x_where_the_series_cancel_matches_finite_differences():
    a, b, c = np.array([8.98, -8.40, -1.86]), np.array([7.88, -9.70, -3.00]), np.array([-5.38, 7.74, 1.98])
    x = np.array([-2.81, -3.02, -2.91])
    got = fx.vmap(fx.grad(fsp.hyp2f1, argnums=3))(a, b, c, x)
    np.testing.assert_allclose(np.asarray(got), a * b / c * sp.hyp2f1(a + 1, b + 1, c + 1, x), rtol=1e-9)
    check_grads(lambda x: fsp.hyp2f1(fnp.asarray(a), fnp.asarray(b), fnp.asarray(c), x), [fnp.asarray(x)], order=1,
                modes=("fwd",))


def test_near_integer_parameters_under_jit_match_eager_nans_included():
    a, b, c, x = _family("near_integer", 200, seed=3)
    eager = np.asarray(fsp.hyp2f1(a, b, c, x))
    np.testing.assert_allclose(np.asarray(fx.jit(fsp.hyp2f1)(a, b, c, x)), eager, rtol=1e-10, atol=0)
