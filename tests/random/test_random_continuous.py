"""uniform, normal, truncated_normal, exponential, gumbel: JAX's bits, KS tests, ranges, errors."""
import ml_dtypes
import numpy as np
import pytest
import scipy.stats as stats

import fluxion as fx
from fluxion.errors import DTypeError, ShapeError

BF16 = ml_dtypes.bfloat16
N = 20000


def _f64(x):
    return np.asarray(x).astype(np.float64)


def _ks(samples, cdf):
    return stats.kstest(_f64(samples), cdf).pvalue


@pytest.mark.parametrize("dtype", [np.float16, BF16, np.float32])
def test_uniform_matches_jax_bit_for_bit(dtype):
    jax = pytest.importorskip("jax")
    ours = fx.random.uniform(fx.random.key(0), (500,), dtype)
    theirs = jax.random.uniform(jax.random.key(0), (500,), dtype)
    assert ours.dtype == dtype
    np.testing.assert_array_equal(np.asarray(ours), np.asarray(theirs))


def test_float64_uniform_matches_jax_bit_for_bit():
    jax = pytest.importorskip("jax")
    with jax.enable_x64(True):
        theirs = np.asarray(jax.random.uniform(jax.random.key(3), (500,), np.float64, 2.0, 5.0))
    np.testing.assert_array_equal(np.asarray(fx.random.uniform(fx.random.key(3), (500,), np.float64, 2.0, 5.0)), theirs)


@pytest.mark.parametrize("dtype", [np.float16, BF16, np.float32, np.float64])
def test_uniform_values_lie_in_the_half_open_interval_on_a_mantissa_grid(dtype):
    x = np.asarray(fx.random.uniform(fx.random.key(1), (4000,), dtype)).astype(np.float64)
    nmant = ml_dtypes.finfo(dtype).nmant
    assert x.min() >= 0 and x.max() < 1
    np.testing.assert_array_equal(x * 2.0 ** nmant, np.round(x * 2.0 ** nmant))


def test_uniform_never_rounds_up_to_maxval():
    x = np.asarray(fx.random.uniform(fx.random.key(0), (50000,), minval=100.0, maxval=101.0))
    assert x.min() >= 100.0 and x.max() < 101.0


def test_uniform_bounds_broadcast_to_the_shape():
    lo = np.array([0.0, 10.0, 20.0], np.float32)
    x = np.asarray(fx.random.uniform(fx.random.key(2), (1000, 3), minval=lo, maxval=lo + 1))
    assert x.shape == (1000, 3)
    assert np.all((x >= lo) & (x < lo + 1))
    degenerate = fx.random.uniform(fx.random.key(2), (2,), minval=3.0, maxval=3.0)
    np.testing.assert_array_equal(np.asarray(degenerate), [3.0, 3.0])


@pytest.mark.parametrize("seed", [0, 1])
def test_uniform_passes_a_kolmogorov_smirnov_test(seed):
    x = fx.random.uniform(fx.random.key(seed), (N,), minval=-2.0, maxval=3.0)
    assert _ks(x, stats.uniform(-2, 5).cdf) > 1e-3


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_normal_passes_a_kolmogorov_smirnov_test(dtype):
    x = fx.random.normal(fx.random.key(0), (N,), dtype)
    assert x.dtype == dtype
    assert _ks(x, stats.norm.cdf) > 1e-3


def test_normal_is_close_to_jax_normal():
    jax = pytest.importorskip("jax")
    ours = np.asarray(fx.random.normal(fx.random.key(4), (2000,)))
    theirs = np.asarray(jax.random.normal(jax.random.key(4), (2000,), np.float32))  # float32 even under x64
    np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("dtype", [np.float16, BF16])
def test_16_bit_normals_are_computed_in_16_bits_as_jax_computes_them(dtype):
    jax = pytest.importorskip("jax")
    x = fx.random.normal(fx.random.key(0), (N,), dtype)
    assert x.dtype == dtype
    np.testing.assert_array_equal(np.asarray(x), np.asarray(jax.random.normal(jax.random.key(0), (N,), dtype)))


def test_complex_normal_has_independent_parts_of_variance_one_half():
    z = np.asarray(fx.random.normal(fx.random.key(5), (N,), np.complex64))
    assert z.dtype == np.complex64
    assert abs(z.real.var() - 0.5) < 0.02 and abs(z.imag.var() - 0.5) < 0.02
    assert abs(np.corrcoef(z.real, z.imag)[0, 1]) < 0.03
    assert _ks(z.real * np.sqrt(2), stats.norm.cdf) > 1e-3


@pytest.mark.parametrize("lower, upper", [(-1.0, 2.0), (3.0, 4.0), (-np.inf, -5.0), (8.0, np.inf), (-0.1, 0.1),
                                          (-np.inf, np.inf)])
def test_truncated_normal_passes_a_kolmogorov_smirnov_test_even_far_in_a_tail(lower, upper):
    x = fx.random.truncated_normal(fx.random.key(0), lower, upper, (N,))
    x64 = _f64(x)
    assert np.all((x64 > lower) & (x64 < upper))
    assert _ks(x, stats.truncnorm(lower, upper).cdf) > 1e-3


@pytest.mark.parametrize("lower, upper", [(0.0, 1e-6), (-1e-4, 0.0), (0.0, 4e-4), (2.0, 2.0001), (-30.0, -29.9999)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_truncated_normal_of_a_narrow_interval_resolves_it(lower, upper, dtype):
    # (such intervals took the tail's log-space inversion, whose rounding left a handful of values)
    x = fx.random.truncated_normal(fx.random.key(0), lower, upper, (N,), dtype)
    x64 = _f64(x)
    assert x.dtype == dtype and np.all((x64 > lower) & (x64 < upper))
    representable = np.unique(np.linspace(lower, upper, 4 * N).astype(dtype)).size  # (at most; float32 at 2.0 has 420)
    assert np.unique(x64).size > 0.3 * min(N, representable)
    grid = np.linspace(lower, upper, 100001)  # (SciPy's moments are NaN on such intervals)
    density = np.exp(-(grid ** 2 - grid[np.argmin(np.abs(grid))] ** 2) / 2)
    mean = (grid * density).sum() / density.sum()
    std = np.sqrt(((grid - mean) ** 2 * density).sum() / density.sum())
    assert abs(x64.mean() - mean) < 5 * std / np.sqrt(N) + (upper - lower) / representable
    assert _ks(x64, stats.truncnorm(lower, upper).cdf) > 1e-3 or representable < N


def test_truncated_normal_float64_and_broadcast_bounds():
    lower = np.array([-1.0, 0.0, 5.0])
    x = np.asarray(fx.random.truncated_normal(fx.random.key(1), lower, lower + 0.5, (4000, 3), np.float64))
    assert x.dtype == np.float64 and x.shape == (4000, 3)
    assert np.all((x > lower) & (x < lower + 0.5))
    assert _ks(x[:, 2], stats.truncnorm(5.0, 5.5).cdf) > 1e-3


def test_truncated_normal_shape_defaults_to_the_bounds_and_empty_intervals_give_nan():
    x = np.asarray(fx.random.truncated_normal(fx.random.key(0), np.array([0.0, 1.0, 2.0]), np.array([1.0, 1.0, 1.0])))
    assert x.shape == (3,)
    assert 0 < x[0] < 1 and np.isnan(x[1]) and np.isnan(x[2])


def test_exponential_and_gumbel_pass_kolmogorov_smirnov_tests():
    assert _ks(fx.random.exponential(fx.random.key(0), (N,)), stats.expon.cdf) > 1e-3
    assert _ks(fx.random.gumbel(fx.random.key(0), (N,)), stats.gumbel_r.cdf) > 1e-3
    assert _ks(fx.random.exponential(fx.random.key(1), (N,), np.float64), stats.expon.cdf) > 1e-3


@pytest.mark.parametrize("sampler", [fx.random.uniform, fx.random.normal, fx.random.exponential, fx.random.gumbel])
def test_continuous_samplers_are_deterministic_and_key_dependent(sampler):
    a = np.asarray(sampler(fx.random.key(7), (100,)))
    np.testing.assert_array_equal(a, np.asarray(sampler(fx.random.key(7), (100,))))
    assert not np.array_equal(a, np.asarray(sampler(fx.random.key(8), (100,))))


@pytest.mark.parametrize("sampler", [fx.random.uniform, fx.random.normal, fx.random.exponential, fx.random.gumbel])
def test_continuous_samplers_handle_0d_and_empty_shapes(sampler):
    assert sampler(fx.random.key(0)).shape == ()
    assert sampler(fx.random.key(0), (0, 3)).shape == (0, 3)


@pytest.mark.parametrize("sampler", [fx.random.uniform, fx.random.normal, fx.random.exponential, fx.random.gumbel,
                                     lambda k, s, dtype: fx.random.truncated_normal(k, 0.0, 1.0, s, dtype)])
@pytest.mark.parametrize("dtype", [np.int32, np.bool_, np.uint8])
def test_float_samplers_reject_non_float_dtypes(sampler, dtype):
    with pytest.raises(DTypeError, match="floating-point") as info:
        sampler(fx.random.key(0), (2,), dtype=dtype)
    assert "dtype=fnp.float32" in str(info.value)


def test_uniform_of_an_integer_dtype_points_to_randint():
    with pytest.raises(DTypeError, match="randint"):
        fx.random.uniform(fx.random.key(0), (2,), np.int64)


def test_uniform_rejects_bounds_that_do_not_broadcast_to_the_shape():
    with pytest.raises(ShapeError, match=r"do not broadcast to shape \(2,\)"):
        fx.random.uniform(fx.random.key(0), (2,), minval=np.zeros(3))
    with pytest.raises(ShapeError, match="shape"):
        fx.random.truncated_normal(fx.random.key(0), np.zeros(3), np.ones(2))
    with pytest.raises(DTypeError, match="complex"):
        fx.random.uniform(fx.random.key(0), (2,), minval=np.zeros(2, np.complex64))
