"""bernoulli, categorical, randint, choice, permutation: frequencies, ranges, shapes, errors."""
import itertools
import math

import numpy as np
import pytest
import scipy.stats as stats

import fluxion as fx
import fluxion.numpy as fnp
from fluxion.errors import DTypeError, ShapeError

N = 20000


def _chi2_pvalue(counts, probabilities):
    counts = np.asarray(counts, np.float64)
    expected = np.asarray(probabilities, np.float64) * counts.sum()
    keep = expected > 0
    assert counts[~keep].sum() == 0, "a value of probability 0 was drawn"
    return stats.chisquare(counts[keep], expected[keep]).pvalue


# bernoulli ------------------------------------------------------------------------------------------
def test_bernoulli_frequency_matches_p():
    x = np.asarray(fx.random.bernoulli(fx.random.key(0), 0.3, (N,)))
    assert x.dtype == np.bool_
    assert stats.binomtest(int(x.sum()), N, 0.3).pvalue > 1e-3


def test_bernoulli_shape_defaults_to_p_and_p_broadcasts():
    p = np.array([0.0, 1.0, 0.5])
    assert fx.random.bernoulli(fx.random.key(0), p).shape == (3,)
    x = np.asarray(fx.random.bernoulli(fx.random.key(1), p, (1000, 3)))
    assert not x[:, 0].any() and x[:, 1].all() and 400 < x[:, 2].sum() < 600
    assert fx.random.bernoulli(fx.random.key(0)).shape == ()


def test_bernoulli_of_bfloat16_p_uses_float32_uniforms():
    p = np.array(0.3, fnp.bfloat16)
    x = np.asarray(fx.random.bernoulli(fx.random.key(0), p, (N,)))
    assert stats.binomtest(int(x.sum()), N, float(p)).pvalue > 1e-3


def test_bernoulli_rejects_p_that_does_not_broadcast():
    with pytest.raises(ShapeError, match="broadcast"):
        fx.random.bernoulli(fx.random.key(0), np.full(3, 0.5), (2,))


# categorical -----------------------------------------------------------------------------------------
def test_categorical_frequencies_follow_softmax_of_logits():
    p = np.array([0.1, 0.0, 0.6, 0.3])
    with np.errstate(divide="ignore"):
        logits = np.log(p)
    x = np.asarray(fx.random.categorical(fx.random.key(0), logits, shape=(N,)))
    assert x.dtype == np.int64 and x.shape == (N,)
    assert _chi2_pvalue(np.bincount(x, minlength=4), p) > 1e-3


def test_categorical_over_a_middle_axis_with_a_batch_and_a_sample_prefix():
    logits = np.log(np.array([[[0.9, 0.1], [0.1, 0.9]], [[0.5, 0.5], [0.2, 0.8]], [[1.0, 0.0], [0.0, 1.0]]])
                    + 1e-30).transpose(1, 0, 2)  # (2, 3, 2) with the categories on axis 1
    x = np.asarray(fx.random.categorical(fx.random.key(1), logits, axis=1, shape=(5000, 2, 2)))
    assert x.shape == (5000, 2, 2)
    freq = np.stack([(x == c).mean(0) for c in range(3)], axis=1)  # (2, 3, 2)
    expected = np.exp(logits) / np.exp(logits).sum(1, keepdims=True)
    np.testing.assert_allclose(freq, expected, atol=0.03)


def test_categorical_shape_defaults_to_the_batch_shape():
    assert fx.random.categorical(fx.random.key(0), np.zeros((4, 3))).shape == (4,)
    assert fx.random.categorical(fx.random.key(0), np.zeros(3)).shape == ()
    assert fx.random.categorical(fx.random.key(0), np.zeros((4, 3)), axis=0).shape == (3,)


def test_categorical_errors_name_the_batch_shape_and_the_axis():
    key = fx.random.key(0)
    with pytest.raises(ShapeError, match=r"batch shape \(4,\)"):
        fx.random.categorical(key, np.zeros((4, 3)), shape=(5,))
    with pytest.raises(ShapeError, match="0-d"):
        fx.random.categorical(key, 1.0)
    with pytest.raises(ShapeError, match="no categories"):
        fx.random.categorical(key, np.zeros((2, 0)))
    with pytest.raises(ShapeError, match="axis"):
        fx.random.categorical(key, np.zeros(3), axis=2)


# randint ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", [np.int8, np.int32, np.int64, np.uint8, np.uint16, np.uint64])
def test_randint_is_uniform_over_its_range(dtype):
    lo = 0 if np.dtype(dtype).kind == "u" else -3
    x = np.asarray(fx.random.randint(fx.random.key(0), (N,), lo, lo + 7, dtype))
    assert x.dtype == dtype and x.min() == lo and x.max() == lo + 6
    assert _chi2_pvalue(np.bincount((x.astype(np.int64) - lo)), np.full(7, 1 / 7)) > 1e-3


@pytest.mark.parametrize("dtype, lo, hi", [(np.int64, -7, 2 ** 40), (np.int8, -300, 100), (np.uint32, 5, 2 ** 32 + 9),
                                          (np.int64, -2 ** 63, 2 ** 63), (np.uint64, 0, 2 ** 64)])
def test_randint_draws_jax_values_where_bounds_clip_to_the_dtype_or_saturate(dtype, lo, hi):
    jax = pytest.importorskip("jax")
    wide = np.dtype(np.uint64 if dtype == np.uint64 else np.int64)
    info = np.iinfo(wide)
    # jax takes bounds that fit the wide dtype; beyond it, ours saturate at its ends
    lo_w, hi_w = (np.array(min(max(b, int(info.min)), int(info.max)), wide) for b in (lo, hi))
    with jax.enable_x64(True):
        theirs = np.asarray(jax.random.randint(jax.random.key(3), (64,), lo_w, hi_w, dtype))
    ours = np.asarray(fx.random.randint(fx.random.key(3), (64,), lo, hi, dtype))
    assert ours.dtype == dtype
    np.testing.assert_array_equal(ours, theirs)


@pytest.mark.parametrize("dtype", [np.int8, np.uint8, np.int16])
def test_randint_covers_the_whole_range_of_small_dtypes(dtype):
    info = np.iinfo(dtype)
    x = np.asarray(fx.random.randint(fx.random.key(1), (200000,), int(info.min), int(info.max) + 1, dtype))
    assert x.min() == info.min and x.max() == info.max


@pytest.mark.parametrize("dtype", [np.int64, np.uint64])
def test_randint_over_the_full_64_bit_range_spreads_over_it(dtype):
    info = np.iinfo(dtype)
    x = np.asarray(fx.random.randint(fx.random.key(2), (4000,), int(info.min), int(info.max) + 1, dtype))
    top = (x.astype(np.float64) - float(info.min)) / 2.0 ** 64
    assert stats.kstest(top, "uniform").pvalue > 1e-3


def test_randint_clips_bounds_and_returns_minval_for_empty_ranges():
    key = fx.random.key(0)
    assert fx.random.randint(key, (3,), 5, 5).tolist() == [5, 5, 5]
    assert fx.random.randint(key, (3,), 5, 2).tolist() == [5, 5, 5]
    assert set(fx.random.randint(key, (100,), -1000, 1000, np.uint8).tolist()) <= set(range(256))
    assert fx.random.randint(key, (3,), 300, 400, np.int8).tolist() == [127, 127, 127]


def test_randint_bounds_may_be_arrays_that_broadcast():
    lo = np.array([0, 10, 100])
    hi = np.array([1, 20, 50])
    x = np.asarray(fx.random.randint(fx.random.key(0), (500, 3), lo, hi, np.int32))
    assert x.dtype == np.int32
    assert (x[:, 0] == 0).all() and ((x[:, 1] >= 10) & (x[:, 1] < 20)).all() and (x[:, 2] == 100).all()
    y = np.asarray(fx.random.randint(fx.random.key(0), (100,), np.int8(-5), np.uint64(3), np.int64))
    assert y.min() >= -5 and y.max() <= 2


def test_randint_errors_name_the_fix():
    key = fx.random.key(0)
    with pytest.raises(DTypeError, match="uniform"):
        fx.random.randint(key, (2,), 0, 5, np.float32)
    with pytest.raises(DTypeError, match="integer"):
        fx.random.randint(key, (2,), 0.0, 5)
    with pytest.raises(ShapeError, match="broadcast"):
        fx.random.randint(key, (2,), np.zeros(3, np.int32), 5)


# permutation and choice -----------------------------------------------------------------------------
def test_permutation_of_an_int_is_a_permutation():
    x = np.asarray(fx.random.permutation(fx.random.key(0), 1000))
    assert x.dtype == np.int64
    np.testing.assert_array_equal(np.sort(x), np.arange(1000))
    assert not np.array_equal(x, np.arange(1000))


def test_permutation_of_three_items_gives_all_six_orders_equally_often():
    orders = list(itertools.permutations(range(3)))
    counts = np.zeros(6)
    for seed in range(1200):
        counts[orders.index(tuple(fx.random.permutation(fx.random.key(seed), 3).tolist()))] += 1
    assert _chi2_pvalue(counts, np.full(6, 1 / 6)) > 1e-3


def test_permutation_moves_whole_slices_along_an_axis():
    x = np.arange(24).reshape(2, 3, 4)
    y = np.asarray(fx.random.permutation(fx.random.key(0), x, axis=-1))
    assert y.shape == x.shape
    order = y[0, 0]
    np.testing.assert_array_equal(y, x[..., order])


def test_independent_permutation_shuffles_each_slice_on_its_own():
    x = np.tile(np.arange(8), (50, 1))
    y = np.asarray(fx.random.permutation(fx.random.key(0), x, axis=1, independent=True))
    np.testing.assert_array_equal(np.sort(y, axis=1), x)
    assert len({tuple(row) for row in y.tolist()}) > 45


def test_permutation_and_choice_of_empty_populations_and_draws():
    key = fx.random.key(0)
    assert fx.random.permutation(key, 0).shape == (0,)
    assert fx.random.permutation(key, np.zeros((0, 2))).shape == (0, 2)
    assert fx.random.permutation(key, np.ones((1, 2)), independent=True).tolist() == [[1.0, 1.0]]
    assert fx.random.choice(key, np.zeros((3, 0)), (2,), axis=0).shape == (2, 0)
    assert fx.random.choice(key, np.zeros((0, 3)), (0,), replace=False).shape == (0, 3)


def test_permutation_errors():
    with pytest.raises(TypeError, match="integer size"):
        fx.random.permutation(fx.random.key(0), 2.5)
    with pytest.raises(ValueError, match="negative"):
        fx.random.permutation(fx.random.key(0), -1)
    with pytest.raises(ShapeError, match="axis"):
        fx.random.permutation(fx.random.key(0), np.zeros(3), axis=1)


def test_choice_without_replacement_draws_distinct_elements():
    for seed in range(20):
        x = np.asarray(fx.random.choice(fx.random.key(seed), 30, (4, 5), replace=False))
        assert x.shape == (4, 5) and len(set(x.ravel().tolist())) == 20 and x.min() >= 0 and x.max() < 30
    everything = np.asarray(fx.random.choice(fx.random.key(0), np.arange(10) * 3, (10,), replace=False))
    np.testing.assert_array_equal(np.sort(everything), np.arange(10) * 3)


def test_choice_with_replacement_is_uniform_and_takes_along_the_axis():
    x = np.asarray(fx.random.choice(fx.random.key(0), 5, (N,)))
    assert _chi2_pvalue(np.bincount(x, minlength=5), np.full(5, 0.2)) > 1e-3
    a = np.arange(12).reshape(3, 4)
    y = np.asarray(fx.random.choice(fx.random.key(1), a, (2, 5), axis=1))
    assert y.shape == (3, 2, 5)
    np.testing.assert_array_equal(y, a[:, y[0]])


def test_choice_with_p_follows_p_and_never_draws_probability_zero():
    p = np.array([0.1, 0.0, 0.4, 0.5])
    x = np.asarray(fx.random.choice(fx.random.key(0), 4, (N,), p=p))
    assert _chi2_pvalue(np.bincount(x, minlength=4), p) > 1e-3
    weights = np.array([2.0, 0.0, 8.0])  # unnormalised
    y = np.asarray(fx.random.choice(fx.random.key(0), 3, (N,), p=weights))
    assert _chi2_pvalue(np.bincount(y, minlength=3), weights / weights.sum()) > 1e-3


def test_choice_with_p_without_replacement_draws_like_sequential_sampling():
    p = np.array([0.5, 0.3, 0.2, 0.0])
    draws = np.array([fx.random.choice(fx.random.key(s), 4, (2,), replace=False, p=p).tolist() for s in range(3000)])
    assert (draws[:, 0] != draws[:, 1]).all() and (draws != 3).all()
    assert _chi2_pvalue(np.bincount(draws[:, 0], minlength=4), p) > 1e-3
    # P(second = j) = sum over i != j of p_i p_j / (1 - p_i)
    second = [sum(p[i] * p[j] / (1 - p[i]) for i in range(4) if i != j) for j in range(4)]
    assert _chi2_pvalue(np.bincount(draws[:, 1], minlength=4), second) > 1e-3


def test_choice_errors_name_the_fix():
    key = fx.random.key(0)
    with pytest.raises(ValueError, match="replace=True"):
        fx.random.choice(key, 3, (4,), replace=False)
    with pytest.raises(ShapeError, match=r"p of shape \(3,\)"):
        fx.random.choice(key, 3, (2,), p=np.ones(4) / 4)
    with pytest.raises(ValueError, match="empty"):
        fx.random.choice(key, 0, (2,))
    assert fx.random.choice(key, 0, (0,)).shape == (0,)
    assert math.prod(fx.random.choice(key, np.arange(5)).shape) == 1
