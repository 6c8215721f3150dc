"""Samplers give jax's values for the same key: integer draws exactly, float draws exactly where the
arithmetic is exact and within rounding where it takes transcendental functions (NumPy's and XLA's
approximations differ by an ulp or so), with jax in 32-bit and in 64-bit mode (each run in its own
context, so that other tests' settings do not matter)."""
import ml_dtypes
import numpy as np
import pytest

import fluxion as fx

jax = pytest.importorskip("jax")

R = fx.random
BF16 = ml_dtypes.bfloat16
SEEDS = [0, 1, 42, 12345]
SHAPE = (7, 5)


def _theirs(draw, seed, x64):
    with jax.enable_x64(x64):
        return np.asarray(draw(jax.random, jax.random.key(seed)))


def _ours(draw, seed):
    return np.asarray(draw(R, R.key(seed)))


def _assert_jax_values(draw, x64, ulps=0, seeds=SEEDS):
    """`draw(module, key)` gives jax's values; `ulps` > 0 allows that many units of rounding of
    max(|value|, 1) (float draws computed with transcendental functions), 64 times as many in
    float64, where XLA's approximations of log, log1p and erfinv are within some 1e-14 only."""
    for seed in seeds:
        ours, theirs = _ours(draw, seed), _theirs(draw, seed, x64)
        assert ours.shape == theirs.shape
        if ulps == 0:
            np.testing.assert_array_equal(ours, theirs.astype(ours.dtype), err_msg=f"seed {seed}")
            continue
        assert ours.dtype == theirs.dtype
        eps = float(ml_dtypes.finfo(ours.dtype).eps) * (64 if ours.dtype == np.float64 else 1)
        ours, theirs = ours.astype(np.float64), theirs.astype(np.float64)
        np.testing.assert_array_equal(np.isnan(ours), np.isnan(theirs))
        bound = ulps * eps * np.maximum(np.abs(theirs), 1.0)
        assert np.all((np.abs(ours - theirs) <= bound) | np.isnan(theirs)), f"seed {seed}"


MODES = [pytest.param(False, id="jax32"), pytest.param(True, id="jax64")]
FLOATS = [pytest.param(np.float32, False, id="float32-jax32"), pytest.param(np.float32, True, id="float32-jax64"),
          pytest.param(np.float64, True, id="float64-jax64")]


# integers and orders: exact --------------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype, lo, hi", [(np.int32, 0, 10), (np.int32, -2 ** 31, 2 ** 31 - 1), (np.int8, -100, 100),
                                          (np.uint8, 0, 256), (np.int16, -2 ** 15, 2 ** 15), (np.uint16, 3, 70000),
                                          (np.int32, 5, 5), (np.int32, 9, 2)])
@pytest.mark.parametrize("x64", MODES)
def test_randint_of_32_bit_and_narrower_dtypes_draws_jax_values(dtype, lo, hi, x64):
    _assert_jax_values(lambda r, k: r.randint(k, SHAPE, lo, hi, dtype), x64)


@pytest.mark.parametrize("dtype, lo, hi", [(np.int64, -5, 1000), (np.int64, 0, 2 ** 40), (np.uint32, 5, 2 ** 32 - 1),
                                          (np.int64, -2 ** 63, 2 ** 63 - 1), (np.uint64, 1, 2 ** 63 + 5)])
def test_randint_of_64_bit_dtypes_and_wide_bounds_draws_jax_64_bit_values(dtype, lo, hi):
    wide = np.uint64 if dtype == np.uint64 else np.int64
    _assert_jax_values(lambda r, k: r.randint(k, SHAPE, wide(lo), wide(hi), dtype), True)


@pytest.mark.parametrize("hi", [2 ** 63, 2 ** 64 - 1], ids=["one_past", "uint64_max"])
def test_randint_of_int64_with_a_maxval_past_its_range_draws_jax_64_bit_values(hi):
    # the span is then 2**63 from minval 0 (maxval is one past int64's range), not one short of it
    _assert_jax_values(lambda r, k: r.randint(k, SHAPE, np.int64(0), np.uint64(hi), np.int64), True)
    _assert_jax_values(lambda r, k: r.randint(k, (2, 7, 5), np.array([0, 5], np.int64)[:, None, None],
                                              np.array([hi, 9], np.uint64)[:, None, None], np.int64), True)


def test_randint_with_bounds_that_broadcast_draws_jax_values():
    lo, hi = np.array([0, -10, 5], np.int32), np.array([[100], [3], [7], [2 ** 20]], np.int32)
    _assert_jax_values(lambda r, k: r.randint(k, (4, 3), lo, hi, np.int32), False)


@pytest.mark.parametrize("n", [0, 1, 2, 5, 100, 1626, 1627, 70000])
@pytest.mark.parametrize("x64", MODES)
def test_permutation_of_a_range_draws_jax_orders_across_its_one_and_two_sort_rounds(n, x64):
    _assert_jax_values(lambda r, k: r.permutation(k, n), x64, seeds=SEEDS[:2])


@pytest.mark.parametrize("axis, independent", [(0, False), (1, False), (1, True), (0, True)])
@pytest.mark.parametrize("x64", MODES)
def test_permutation_of_an_array_draws_jax_orders(axis, independent, x64):
    x = np.arange(24.0, dtype=np.float32).reshape(4, 6)
    _assert_jax_values(lambda r, k: r.permutation(k, x, axis, independent), x64)
    _assert_jax_values(lambda r, k: r.permutation(k, x[0]), x64)


@pytest.mark.parametrize("x64", MODES)
def test_choice_without_replacement_draws_jax_values(x64):
    x = np.arange(24.0, dtype=np.float32).reshape(4, 6)
    _assert_jax_values(lambda r, k: r.choice(k, 10, (2, 3), replace=False), x64)
    _assert_jax_values(lambda r, k: r.choice(k, x, (3,), replace=False, axis=1), x64)
    p = np.array([0.1, 0.2, 0.3, 0.05, 0.35], np.float32)
    _assert_jax_values(lambda r, k: r.choice(k, 5, (3,), replace=False, p=p), x64)
    _assert_jax_values(lambda r, k: r.choice(k, 5, (3,), replace=False, p=p, mode="high"), x64)
    _assert_jax_values(lambda r, k: r.choice(k, 5, (6,), p=p), x64)


def test_choice_with_replacement_draws_jax_values_of_its_int64_randint():
    x = np.arange(24.0).reshape(4, 6)
    _assert_jax_values(lambda r, k: r.choice(k, 10, (6,)), True)
    _assert_jax_values(lambda r, k: r.choice(k, x, (2,), axis=1), True)


@pytest.mark.parametrize("x64", MODES)
def test_geometric_draws_jax_values(x64):
    p = np.array([0.3, 0.01, 1.0], np.float32)
    _assert_jax_values(lambda r, k: r.geometric(k, p, (4, 3), np.int32), x64)


@pytest.mark.parametrize("x64", MODES)
def test_poisson_draws_jax_values_by_both_of_its_methods(x64):
    lam = np.array([0.0, 0.5, 3.0, 9.9, 10.0, 30.0, 250.0], np.float32)
    _assert_jax_values(lambda r, k: r.poisson(k, lam, (20, 7), np.int32), x64)


@pytest.mark.parametrize("dtype, x64", FLOATS)
def test_binomial_draws_jax_values_by_both_of_its_methods(dtype, x64):
    n = np.array([[0.0], [5.0], [30.0], [100.0], [1000.0]], dtype)
    p = np.array([0.0, 0.1, 0.3, 0.5, 0.7, 1.0], dtype)
    _assert_jax_values(lambda r, k: r.binomial(k, n, p, (3, 5, 6), dtype), x64)


def test_multinomial_draws_jax_values():
    p = np.array([0.2, 0.3, 0.5], np.float32)
    _assert_jax_values(lambda r, k: r.multinomial(k, np.float32(10.0), p, shape=(4, 3)), False)
    _assert_jax_values(lambda r, k: r.multinomial(k, np.float32([10.0, 3.0]), p, shape=(5, 2, 3)), False)


# floats ----------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", [np.float16, BF16])
@pytest.mark.parametrize("name", ["normal", "exponential", "cauchy", "laplace", "uniform"])
def test_16_bit_samplers_draw_jax_values_exactly(name, dtype):
    _assert_jax_values(lambda r, k: getattr(r, name)(k, SHAPE, dtype), False)


@pytest.mark.parametrize("dtype", [np.float16, BF16])
def test_samplers_of_16_bit_parameters_draw_in_their_dtype_as_jax_does(dtype):
    logits = np.log(np.array([[0.1, 0.2, 0.7], [0.5, 0.25, 0.25]])).astype(dtype)
    p = np.array([0.1, 0.2, 0.3, 0.05, 0.35], dtype)
    _assert_jax_values(lambda r, k: r.categorical(k, logits, 0, (40, 3)), False)
    _assert_jax_values(lambda r, k: r.choice(k, 5, (6,), True, p), False)
    _assert_jax_values(lambda r, k: r.choice(k, 5, (3,), False, p), False)
    _assert_jax_values(lambda r, k: r.bernoulli(k, dtype(0.3), (50,)), False)


def test_float16_maxwell_sums_its_squares_in_float32_as_jax_does():
    _assert_jax_values(lambda r, k: r.maxwell(k, (50,), np.float16), False)


@pytest.mark.parametrize("dtype", [np.float16, BF16])
@pytest.mark.parametrize("name", ["gumbel", "logistic"])
def test_16_bit_samplers_taking_logs_draw_jax_values_to_rounding(name, dtype):
    _assert_jax_values(lambda r, k: getattr(r, name)(k, SHAPE, dtype), False, ulps=2)


@pytest.mark.parametrize("dtype, x64", FLOATS)
@pytest.mark.parametrize("name", ["normal", "exponential", "cauchy", "laplace", "logistic", "gumbel"])
def test_unit_samplers_draw_jax_values(name, dtype, x64):
    _assert_jax_values(lambda r, k: getattr(r, name)(k, SHAPE, dtype), x64, ulps=4)


@pytest.mark.parametrize("dtype, x64", FLOATS)
def test_high_modes_of_gumbel_and_complex_normal_draw_jax_values(dtype, x64):
    _assert_jax_values(lambda r, k: r.gumbel(k, SHAPE, dtype, mode="high"), x64, ulps=4)
    _assert_jax_values(lambda r, k: r.gumbel(k, (40, 50), dtype, mode="highest"), x64, ulps=4)
    complex_dtype = np.complex64 if dtype == np.float32 else np.complex128
    for part in (np.real, np.imag):
        _assert_jax_values(lambda r, k: part(r.normal(k, SHAPE, complex_dtype)), x64, ulps=4)


@pytest.mark.parametrize("dtype, x64", FLOATS)
@pytest.mark.parametrize("lower, upper", [(-1.0, 2.0), (-np.inf, 0.5), (0.0, np.inf), (-3.0, 3.0)])
def test_truncated_normal_of_a_fair_share_draws_jax_values(lower, upper, dtype, x64):
    _assert_jax_values(lambda r, k: r.truncated_normal(k, lower, upper, SHAPE, dtype), x64, ulps=64)


@pytest.mark.parametrize("dtype", [np.float16, BF16])
def test_16_bit_samplers_with_parameters_draw_their_uniforms_in_16_bits_as_jax_does(dtype):
    # (computed in float32 from there and rounded once, where jax rounds each step)
    two, half = np.asarray(2.0, dtype), np.asarray(0.5, dtype)
    for draw in (lambda r, k: r.pareto(k, two, SHAPE, dtype), lambda r, k: r.rayleigh(k, two, SHAPE, dtype),
                 lambda r, k: r.weibull_min(k, two, half, SHAPE, dtype),
                 lambda r, k: r.lognormal(k, half, SHAPE, dtype)):
        _assert_jax_values(draw, False, ulps=2)


@pytest.mark.parametrize("dtype, x64", FLOATS)
def test_pareto_and_weibull_draw_jax_values(dtype, x64):
    b = np.asarray(3.0, dtype)
    _assert_jax_values(lambda r, k: r.pareto(k, b, SHAPE, dtype), x64, ulps=4)
    scale, concentration = np.asarray(2.0, dtype), np.asarray(1.5, dtype)
    _assert_jax_values(lambda r, k: r.weibull_min(k, scale, concentration, SHAPE, dtype), x64, ulps=8)


@pytest.mark.parametrize("dtype, x64", FLOATS)
@pytest.mark.parametrize("a", [0.01, 0.5, 1.0, 3.0, 1e4])
def test_gamma_and_loggamma_draw_jax_values(a, dtype, x64):
    a = np.asarray(a, dtype)
    _assert_jax_values(lambda r, k: r.gamma(k, a, SHAPE, dtype), x64, ulps=16)
    _assert_jax_values(lambda r, k: r.loggamma(k, a, SHAPE, dtype), x64, ulps=16)


@pytest.mark.parametrize("dtype, x64", FLOATS)
def test_gamma_with_an_array_of_shapes_draws_jax_values(dtype, x64):
    a = np.array([[0.3], [1.0], [4.5]], dtype)
    _assert_jax_values(lambda r, k: r.gamma(k, a, (3, 4), dtype), x64, ulps=16)


@pytest.mark.parametrize("dtype, x64", FLOATS)
def test_samplers_built_on_gamma_draw_jax_values(dtype, x64):
    two, three, five = (np.asarray(v, dtype) for v in (2.0, 3.0, 5.0))
    alpha = np.array([1.0, 2.0, 0.5], dtype)
    _assert_jax_values(lambda r, k: r.beta(k, two, three, SHAPE, dtype), x64, ulps=16)
    _assert_jax_values(lambda r, k: r.beta(k, np.asarray(0.3, dtype), np.asarray(0.5, dtype), SHAPE, dtype), x64,
                       ulps=16)
    _assert_jax_values(lambda r, k: r.dirichlet(k, alpha, (4,), dtype), x64, ulps=16)
    _assert_jax_values(lambda r, k: r.chisquare(k, three, SHAPE, dtype), x64, ulps=16)
    _assert_jax_values(lambda r, k: r.f(k, three, five, SHAPE, dtype), x64, ulps=16)
    _assert_jax_values(lambda r, k: r.t(k, np.asarray(4.0, dtype), SHAPE, dtype), x64, ulps=16)


def test_samplers_with_random_signs_draw_jax_32_bit_values():
    # (in 64-bit mode jax's signs come from float64 uniforms: its p = 0.5 is a float64 there)
    _assert_jax_values(lambda r, k: r.generalized_normal(k, 3.0, SHAPE), False, ulps=16)
    _assert_jax_values(lambda r, k: r.ball(k, 3, 2, (5,)), False, ulps=16)
    _assert_jax_values(lambda r, k: r.ball(k, 4, 1.5, (2, 3)), False, ulps=16)


# transformations -------------------------------------------------------------------------------------------------
def test_vmapped_gamma_equals_the_loop_of_it_and_jitted_gamma_is_within_rounding():
    keys = R.split(R.key(8), 6)
    a = np.array([0.2, 1.0, 7.5], np.float32)
    batched = np.asarray(fx.vmap(lambda k: R.gamma(k, a, (40, 3)))(keys))
    looped = np.stack([np.asarray(R.gamma(k, a, (40, 3))) for k in keys])
    np.testing.assert_array_equal(batched, looped)
    jitted = np.asarray(fx.jit(lambda k: R.gamma(k, a, (40, 3)))(keys[0]))
    np.testing.assert_allclose(jitted, looped[0], rtol=1e-5)


def test_gamma_keeps_its_implicit_derivative_in_the_shape():
    # d sample / d a = -(dP/da)(a, g) / p(a, g) at the drawn g, by a central difference of the CDF
    import scipy.special as sp
    import scipy.stats as stats
    a = 2.5
    g = np.asarray(R.gamma(R.key(3), a, (8,)), np.float64)
    ours = np.asarray(fx.vmap(fx.grad(lambda a, i: R.gamma(R.key(3), a, (8,))[i]), (None, 0))(a, np.arange(8)))
    h = 1e-6
    dp_da = (sp.gammainc(a + h, g) - sp.gammainc(a - h, g)) / (2 * h)
    np.testing.assert_allclose(ours, -dp_da / stats.gamma(a).pdf(g), rtol=1e-3)
