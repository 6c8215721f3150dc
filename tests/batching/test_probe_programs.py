"""Programs the other tests had not run, each against an oracle: fluxion.random's parameters and
bounds (NumPy arithmetic, the same draw with float64 array parameters, scipy.stats), and vmap of
Python control flow under jit against a loop."""
import numpy as np
import pytest
import scipy.stats as stats
from _loop import loop

import fluxion as fx
import fluxion.numpy as fnp

R = fx.random


# parameters given as Python numbers and sequences ---------------------------------------------------------
FLOAT64_DRAWS = {  # name: (draw(key, *params), params as Python numbers or lists)
    "uniform": (lambda k, lo, hi: R.uniform(k, (50,), fnp.float64, lo, hi), (0.1, 0.1 + 1e-12)),
    "truncated_normal": (lambda k, lo, hi: R.truncated_normal(k, lo, hi, (50,), fnp.float64), (0.1, 0.1 + 1e-9)),
    "loggamma": (lambda k, a: R.loggamma(k, a, (50,), fnp.float64), (1e-40,)),
    "beta": (lambda k, a, b: R.beta(k, a, b, (50,), fnp.float64), (0.3 + 1e-12, 1e300)),
    "lognormal": (lambda k, s: R.lognormal(k, s, (50,), fnp.float64), (0.1,)),
    "triangular": (lambda k, a, c, b: R.triangular(k, a, c, b, (50,), fnp.float64), (0.1, 0.1, 0.1 + 1e-12)),
    "multivariate_normal": (lambda k, m, c: R.multivariate_normal(k, m, c, (50,), dtype=fnp.float64),
                            ([0.1, 1e300], [[1e-30, 0.0], [0.0, 1.0]])),
}


@pytest.mark.parametrize("name", FLOAT64_DRAWS)
def test_float64_draws_take_python_numbers_and_lists_at_full_precision(name):
    # they used to go through float32 first: 0.1 + 1e-12 became 0.1 and 1e300 became inf
    draw, params = FLOAT64_DRAWS[name]
    key = R.key(0)
    exact = np.asarray(draw(key, *[np.asarray(p, np.float64) for p in params]))
    assert np.isfinite(exact).all(), name
    np.testing.assert_array_equal(np.asarray(draw(key, *params)), exact)


def test_float64_uniform_and_truncated_normal_stay_inside_narrow_python_bounds():
    key = R.key(1)
    x = np.asarray(R.uniform(key, (1000,), fnp.float64, 0.1, 0.1 + 1e-12))
    assert ((x >= 0.1) & (x < 0.1 + 1e-12)).all() and len(np.unique(x)) > 100
    x = np.asarray(R.truncated_normal(key, 0.1, 0.1 + 1e-9, (1000,), fnp.float64))
    assert ((x > 0.1) & (x < 0.1 + 1e-9)).all()


# uniform on bounds whose difference overflows ----------------------------------------------------------------
@pytest.mark.parametrize("dtype,bound", [(fnp.float32, 3e38), (fnp.float64, 1.7e308), (fnp.float16, 6e4)])
def test_uniform_on_bounds_whose_difference_overflows_fills_the_interval(dtype, bound):
    # maxval - minval overflowed, and every sample was the largest float below maxval
    key = R.key(2)
    x = np.asarray(R.uniform(key, (4000,), dtype, -bound, bound)).astype(np.float64)
    lo, hi = (float(np.asarray(v, np.dtype(dtype))) for v in (-bound, bound))
    assert ((x >= lo) & (x < hi)).all()
    assert stats.kstest(x / hi, stats.uniform(-1.0, 2.0).cdf).pvalue > 1e-3
    jitted = np.asarray(fx.jit(lambda k: R.uniform(k, (4000,), dtype, -bound, bound))(key)).astype(np.float64)
    np.testing.assert_allclose(jitted, x, rtol=0, atol=2 * float(np.spacing(np.asarray(hi, np.dtype(dtype)))))


@pytest.mark.parametrize("dtype", [fnp.float32, fnp.float64, fnp.float16, fnp.bfloat16])
def test_uniform_with_bounds_gives_numpys_arithmetic_on_the_unit_draws(dtype):
    key, lo, hi = R.key(3), -2.0, 3.0
    u = np.asarray(R.uniform(key, (500,), dtype))
    dt = u.dtype
    lo_, hi_ = np.asarray(lo, dt), np.asarray(hi, dt)
    expected = np.maximum(np.minimum(u * (hi_ - lo_) + lo_, np.nextafter(hi_, np.asarray(-np.inf, dt))), lo_)
    np.testing.assert_array_equal(np.asarray(R.uniform(key, (500,), dtype, lo, hi)), expected)


# invalid parameters -------------------------------------------------------------------------------------------
def test_rayleigh_and_weibull_min_give_nan_for_invalid_parameters():
    # they gave negative samples (scale < 0) and a mixture of 0 and inf (concentration 0); NumPy
    # raises for these, scipy.stats gives NaN; scale 0 is NumPy's point mass at 0
    key = R.key(4)
    x = np.asarray(R.rayleigh(key, np.array([-1.0, np.nan, 0.0, 2.0]), dtype=fnp.float64))
    assert np.isnan(x[:2]).all() and x[2] == np.random.default_rng(0).rayleigh(0.0) and x[3] > 0
    scale = np.array([-1.0, 1.0, 1.0, 1.0, 0.0, 2.0])
    concentration = np.array([1.0, 0.0, -1.0, np.nan, 2.0, 2.0])
    x = np.asarray(R.weibull_min(key, scale, concentration, dtype=fnp.float64))
    assert np.isnan(x[:4]).all() and x[4] == 0.0 and 0 < x[5] < np.inf
    assert np.isnan(stats.weibull_min(0.0).mean()) and np.isnan(stats.rayleigh(scale=-1.0).mean())


# vmap of Python control flow under jit ----------------------------------------------------------------------
def _steps_to_ten(x, n):
    steps, total = 0, x
    for i in range(n):
        if total > 10.0:
            break
        if i % 2:
            continue
        total = total * 1.7 + 0.1
        steps += 1
    while total < 1.0:
        total = total + 0.5
    return total, steps


def test_jit_of_vmap_of_python_break_continue_and_while_matches_a_loop():
    xs, ns = np.array([0.3, 11.0, 2.0, -1.5, 5.0]), np.array([0, 3, 9, 4, 20])
    got = fx.jit(fx.vmap(_steps_to_ten))(xs, ns)
    for g, w in zip(got, loop(_steps_to_ten, xs, ns)):
        np.testing.assert_allclose(np.asarray(g), np.asarray(w), rtol=1e-12)


def test_vmap_of_grad_of_scatter_mul_with_repeated_indices_matches_finite_differences():
    def f(a, i):
        return fnp.sum(fnp.sin(a.at[i].mul(a[0] * 2.0 + 0.3)))

    xs = np.random.default_rng(0).normal(size=(3, 5))
    idx = np.array([[0, 0, 2], [4, 1, 1], [3, 3, 3]])
    got = np.asarray(fx.jit(fx.vmap(fx.grad(f)))(xs, idx))
    h, fd = 1e-6, np.zeros_like(xs)
    for b, j in np.ndindex(xs.shape):
        step = np.zeros(5)
        step[j] = h
        fd[b, j] = (float(f(fnp.asarray(xs[b] + step), idx[b])) - float(f(fnp.asarray(xs[b] - step), idx[b]))) / (2 * h)
    np.testing.assert_allclose(got, fd, atol=1e-6)
