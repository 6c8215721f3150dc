"""categorical without replacement, and the sampling modes of gumbel, bernoulli and categorical:
distributions by goodness-of-fit tests on a fixed key (p-values above 1e-3 at the sample sizes
used), the finer resolution of the "high" modes against the uniforms they are built from, errors."""
import numpy as np
import pytest
import scipy.stats as stats

import fluxion as fx
from fluxion.errors import ShapeError

N = 20000
P = np.array([0.1, 0.2, 0.3, 0.4])
ULP = 2.0 ** -np.finfo(np.float32).nmant  # the spacing of float32 uniforms


def _chi2_pvalue(x, probabilities):
    counts = np.bincount(np.asarray(x).ravel(), minlength=len(probabilities))
    return stats.chisquare(counts, np.asarray(probabilities) * counts.sum()).pvalue


# categorical without replacement -------------------------------------------------------------------
def test_categorical_without_replacement_draws_distinct_categories_in_plackett_luce_order():
    logits = np.broadcast_to(np.log(P), (N, 4))
    x = np.asarray(fx.random.categorical(fx.random.key(0), logits, shape=(3, N), replace=False))
    assert x.dtype == np.int64 and x.shape == (3, N)
    assert all(len(set(column)) == 3 for column in x.T[:500])
    assert (np.sort(x, axis=0)[1:] != np.sort(x, axis=0)[:-1]).all()
    # the first draw follows p; the second is j after i with probability p_i p_j / (1 - p_i)
    assert _chi2_pvalue(x[0], P) > 1e-3
    second = np.array([sum(P[i] * P[j] / (1 - P[i]) for i in range(4) if i != j) for j in range(4)])
    assert _chi2_pvalue(x[1], second) > 1e-3


def test_categorical_without_replacement_along_a_middle_axis_with_a_sample_prefix():
    rng = np.random.default_rng(0)
    logits = rng.normal(size=(2, 5, 3))  # the categories on axis 1, batch shape (2, 3)
    key = fx.random.key(1)
    x = np.asarray(fx.random.categorical(key, logits, axis=1, shape=(2, 2, 2, 3), replace=False))
    assert x.shape == (2, 2, 2, 3) and x.min() >= 0 and x.max() < 5
    draws = x.reshape(4, 6)
    assert all(len(set(draws[:, b])) == 4 for b in range(6))
    jitted = fx.jit(lambda k: fx.random.categorical(k, logits, axis=1, shape=(2, 2, 2, 3), replace=False))
    np.testing.assert_array_equal(np.asarray(jitted(key)), x)
    keys = fx.random.split(key, 3)
    batched = fx.vmap(lambda k: fx.random.categorical(k, logits, axis=1, shape=(4, 2, 3), replace=False))(keys)
    for i in range(3):
        np.testing.assert_array_equal(np.asarray(batched[i]), np.asarray(
            fx.random.categorical(keys[i], logits, axis=1, shape=(4, 2, 3), replace=False)))


def test_categorical_without_replacement_of_every_category_is_a_permutation():
    x = np.asarray(fx.random.categorical(fx.random.key(2), np.zeros((100, 6)), shape=(6, 100), replace=False))
    assert (np.sort(x, axis=0) == np.arange(6)[:, None]).all()


def test_categorical_without_replacement_errors_name_the_fix():
    key = fx.random.key(0)
    with pytest.raises(ValueError, match="draw at most 4"):
        fx.random.categorical(key, np.zeros(4), shape=(5,), replace=False)
    with pytest.raises(ShapeError, match=r"end with the batch shape \(1,\) itself"):
        fx.random.categorical(key, np.zeros((1, 4)), axis=1, shape=(2, 3), replace=False)


# modes -------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("mode", [None, "low", "high", "highest"])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_gumbel_modes_follow_the_gumbel_distribution(mode, dtype):
    x = np.asarray(fx.random.gumbel(fx.random.key(3), (N,), dtype, mode=mode))
    assert x.dtype == dtype and np.isfinite(x).all()
    assert stats.kstest(x, stats.gumbel_r.cdf).pvalue > 1e-3


def test_gumbel_high_mode_refines_the_uniform_below_one_half():
    # "high": u = hi, or hi + lo * 2**-23 + tiny below 1/2, from the pair of uniforms the key gives;
    # the upper tail comes from small u, which one float32 uniform resolves only to 2**-23
    key = fx.random.key(4)
    hi, lo = np.asarray(fx.random.uniform(key, (2, N))).astype(np.float64)
    u = np.where(hi >= 0.5, hi, hi + lo * ULP + np.finfo(np.float32).tiny)
    expected = -np.log(-np.log1p(-u))
    np.testing.assert_allclose(np.asarray(fx.random.gumbel(key, (N,), mode="high")), expected, rtol=2e-6, atol=2e-6)


def test_categorical_modes_follow_softmax():
    for i, mode in enumerate(["low", "high", "highest"]):
        x = fx.random.categorical(fx.random.key(5 + i), np.log(P), shape=(N,), mode=mode)
        assert _chi2_pvalue(x, P) > 1e-3


@pytest.mark.parametrize("p", [0.3, 1e-3])
def test_bernoulli_high_mode_frequency_matches_p(p):
    n = N if p > 0.01 else 10 * N  # about 200 successes at least
    x = np.asarray(fx.random.bernoulli(fx.random.key(6), p, (n,), mode="high"))
    assert x.dtype == np.bool_
    assert stats.binomtest(int(x.sum()), n, p).pvalue > 1e-3


def test_bernoulli_high_mode_resolves_probabilities_between_two_uniform_floats():
    # the outcome is hi + lo * 2**-23 < p, exact in float64, for p between hi and the next float32
    # uniform hi + 2**-23, where one uniform float (the "low" mode) cannot tell them apart
    key, rng = fx.random.key(7), np.random.default_rng(0)
    hi, lo = np.asarray(fx.random.uniform(key, (2, N))).astype(np.float64)
    p = (hi + rng.uniform(0, 1, N) * ULP).astype(np.float32)
    got = np.asarray(fx.random.bernoulli(key, p, mode="high"))
    np.testing.assert_array_equal(got, hi + lo * ULP < p.astype(np.float64))
    inside = (p > hi) & (p < hi + ULP)
    assert 0.1 < got[inside].mean() < 0.9


def test_unknown_modes_are_refused_with_the_choices():
    key = fx.random.key(0)
    with pytest.raises(ValueError, match="'low'.*'high'"):
        fx.random.bernoulli(key, 0.5, (2,), mode="highest")
    with pytest.raises(ValueError, match="'high' or 'highest'"):
        fx.random.gumbel(key, (2,), mode="bogus")
    with pytest.raises(ValueError, match="'high' or 'highest'"):
        fx.random.categorical(key, np.zeros(3), mode="bogus")
    with pytest.raises(ValueError, match="'high' or 'highest'"):
        fx.random.choice(key, 3, mode="bogus")  # (refused even where no Gumbel noise is drawn)
