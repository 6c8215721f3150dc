"""fluxion.scipy.stats.gaussian_kde against scipy.stats.gaussian_kde: densities, log densities,
bandwidth rules, weights, the integrals; resampling from a key; as a pytree through jit and vmap;
derivatives against finite differences."""
import numpy as np
import pytest
import scipy.stats as ss
from _arrays import raises

import fluxion as fx
import fluxion.numpy as fnp
from fluxion.scipy.stats import gaussian_kde
from fluxion.test_util import check_grads

RNG = np.random.default_rng(0)
WEIGHTS = RNG.uniform(0.5, 2.0, size=25)


@pytest.mark.parametrize("d", [1, 2])
@pytest.mark.parametrize("bw_method", [None, "silverman", 0.4, lambda kde: 0.3])
@pytest.mark.parametrize("weighted", [False, True])
def test_values_match_scipy(d, bw_method, weighted):
    data, points = RNG.normal(size=(d, 25)), 2 * RNG.normal(size=(d, 6))
    w = WEIGHTS if weighted else None
    ours = gaussian_kde(fnp.asarray(data), bw_method=bw_method, weights=None if w is None else fnp.asarray(w))
    theirs = ss.gaussian_kde(data, bw_method=bw_method, weights=w)
    np.testing.assert_allclose(np.asarray(ours(fnp.asarray(points))), theirs(points), rtol=1e-12)
    np.testing.assert_allclose(np.asarray(ours.logpdf(fnp.asarray(points))), theirs.logpdf(points), rtol=1e-12)
    np.testing.assert_allclose(np.asarray(ours.covariance), theirs.covariance, rtol=1e-12)
    np.testing.assert_allclose(float(ours.neff), theirs.neff, rtol=1e-12)
    mean, cov = np.full(d, 0.3), 0.5 * np.eye(d)
    np.testing.assert_allclose(float(ours.integrate_gaussian(fnp.asarray(mean), fnp.asarray(cov))),
                               theirs.integrate_gaussian(mean, cov), rtol=1e-12)
    np.testing.assert_allclose(float(ours.integrate_kde(ours)), theirs.integrate_kde(theirs), rtol=1e-12)
    if d == 1:
        np.testing.assert_allclose(float(ours.integrate_box_1d(-0.5, 1.0)), theirs.integrate_box_1d(-0.5, 1.0),
                                   rtol=1e-12)
        np.testing.assert_allclose(float(ours.integrate_box([-0.5], [1.0])), theirs.integrate_box([-0.5], [1.0]),
                                   rtol=1e-12)


def test_far_points_and_two_samples():
    two = np.array([0.0, 1.0])
    kde, theirs = gaussian_kde(fnp.asarray(two)), ss.gaussian_kde(two)
    far = np.array([-100.0, 0.5, 100.0])
    np.testing.assert_allclose(np.asarray(kde.logpdf(fnp.asarray(far))), theirs.logpdf(far), rtol=1e-12)
    assert np.asarray(kde(fnp.asarray(far)))[0] == 0.0


def test_resample_draws_from_the_estimate():
    data = RNG.normal(size=(2, 25))
    kde = gaussian_kde(fnp.asarray(data))
    draws = kde.resample(fx.random.key(0), (4000,))
    assert draws.shape == (2, 4000)
    np.testing.assert_array_equal(np.asarray(draws), np.asarray(kde.resample(fx.random.key(0), (4000,))))
    # the estimate's mean is the data's; its covariance the data's plus the kernel's
    np.testing.assert_allclose(np.asarray(draws).mean(1), data.mean(1), atol=0.08)
    np.testing.assert_allclose(np.cov(np.asarray(draws)), np.cov(data) + np.asarray(kde.covariance), atol=0.15)
    assert kde.resample(fx.random.key(1)).shape == (2,)


def test_pytree_through_jit_and_vmap_matches_a_loop():
    data, points = fnp.asarray(RNG.normal(size=(2, 25))), fnp.asarray(RNG.normal(size=(2, 5)))
    kde = gaussian_kde(data)
    np.testing.assert_allclose(np.asarray(fx.jit(lambda k, x: k(x))(kde, points)), np.asarray(kde(points)),
                               rtol=1e-12)
    datasets = fnp.asarray(RNG.normal(size=(3, 2, 25)))
    got = fx.vmap(lambda d: gaussian_kde(d).logpdf(points))(datasets)
    np.testing.assert_allclose(np.asarray(got), np.stack([np.asarray(gaussian_kde(d).logpdf(points))
                                                          for d in datasets]), rtol=1e-12)


def test_derivatives_match_finite_differences():
    data, points = fnp.asarray(RNG.normal(size=(1, 6))), fnp.asarray(RNG.normal(size=(1, 3)))
    check_grads(lambda data, x: gaussian_kde(data).logpdf(x), (data, points), order=1)


def test_bad_arguments_name_the_fix():
    with raises(ValueError, "samples"):
        gaussian_kde(fnp.asarray([1.0]))
    with raises(ValueError, "bw_method"):
        gaussian_kde(fnp.asarray([1.0, 2.0]), bw_method="wide")
    with raises(ValueError, "weight"):
        gaussian_kde(fnp.asarray([1.0, 2.0]), weights=fnp.asarray([1.0]))
    kde = gaussian_kde(fnp.asarray(RNG.normal(size=(2, 5))))
    with raises(ValueError, "points"):
        kde(fnp.asarray(RNG.normal(size=(3, 4))))
    with raises(ValueError, "integrate_box_1d"):
        kde.integrate_box_1d(0.0, 1.0)
    with raises(NotImplementedError, "several dimensions"):
        kde.integrate_box([0.0, 0.0], [1.0, 1.0])
    # a singular covariance (SciPy raises too; the estimate was NaN at the data and 0 elsewhere)
    for data, what in ((np.ones((2, 1)), "2-dimensional data of 1 samples"), (np.ones(5), "singular"),
                       (np.array([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0]]), "lower-dimensional")):
        with raises(ValueError, what):
            gaussian_kde(fnp.asarray(data))
    traced = fx.jit(lambda data: gaussian_kde(data).evaluate(1.0))(np.ones(5))  # (traced data cannot be checked)
    assert np.isnan(np.asarray(traced)).all()


@pytest.mark.parametrize("bw_method", [None, "scott", "silverman", 0.3, lambda kde: 0.4])
def test_covariance_factor_and_set_bandwidth_are_scipys(bw_method):
    data = np.random.default_rng(3).normal(size=(2, 40))
    got, want = gaussian_kde(data, bw_method=bw_method), ss.gaussian_kde(data, bw_method=bw_method)
    np.testing.assert_allclose(float(got.covariance_factor()), want.covariance_factor(), rtol=1e-12)
    got.set_bandwidth("silverman")
    want.set_bandwidth("silverman")
    points = np.array([[0.1, -0.5], [0.3, 1.0]])
    np.testing.assert_allclose(float(got.factor), want.factor, rtol=1e-12)
    np.testing.assert_allclose(np.asarray(got.evaluate(points)), want.evaluate(points), rtol=1e-10)
