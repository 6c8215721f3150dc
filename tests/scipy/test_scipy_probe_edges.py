"""Edge cases where fluxion.scipy differed from SciPy: float32 log densities with large
parameters, Student's t in float32 at large df, sqrtm of singular matrices (eager and under jit),
and eigh's subset arguments. SciPy, in float64, is the oracle."""
import warnings

import numpy as np
import pytest
import scipy.linalg as sl
import scipy.stats as ss

import fluxion as fx
import fluxion.numpy as fnp
import fluxion.scipy.linalg as fl
import fluxion.scipy.stats as fs

MODES = [pytest.param(lambda f: f, id="eager"), pytest.param(fx.jit, id="jit")]

# cancelling terms near 1e6 * 14 each: float32 kept one or two digits of these log masses
LARGE_PARAMETERS = [("poisson", "logpmf", (1e6, 1e6)), ("binom", "logpmf", (5e5, 1e6, 0.5)),
                    ("nbinom", "logpmf", (1e6, 1e6, 0.5)), ("betabinom", "logpmf", (5e5, 1e6, 1e3, 1e3)),
                    ("gamma", "logpdf", (1e6, 1e6)), ("chi2", "logpdf", (1e6, 1e6)),
                    ("beta", "logpdf", (0.5, 1e6, 1e6)), ("poisson", "logpmf", (300.0, 300.0))]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("name, fn, args", LARGE_PARAMETERS)
def test_float32_log_density_with_large_parameters_matches_scipy(mode, name, fn, args):
    f = mode(getattr(getattr(fs, name), fn))
    out = f(*(fnp.asarray(np.float32(a)) for a in args))
    assert out.dtype == fnp.float32
    np.testing.assert_allclose(float(out), getattr(getattr(ss, name), fn)(*args), rtol=1e-6)


def test_float32_multivariate_log_densities_with_large_parameters_match_scipy():
    x, p = np.array([3e5, 7e5], np.float32), np.array([0.25, 0.75], np.float32)
    out = fs.multinomial.logpmf(fnp.asarray(x), fnp.asarray(np.float32(1e6)), fnp.asarray(p))
    np.testing.assert_allclose(float(out), ss.multinomial.logpmf(x.astype(float), 1e6, p.astype(float)), rtol=1e-6)
    alpha = np.array([1e5, 3e5], np.float32)
    out = fs.dirichlet.logpdf(fnp.asarray(p), fnp.asarray(alpha))
    np.testing.assert_allclose(float(out), ss.dirichlet.logpdf(p.astype(float), alpha.astype(float)), rtol=1e-6)


@pytest.mark.parametrize("mode", MODES)
def test_float32_t_tails_at_large_df_match_scipy(mode):
    y = np.array([-4.5, 3.0, 5.0, 10.0], np.float32)
    for fn in ("cdf", "sf", "logsf"):
        out = mode(getattr(fs.t, fn))(fnp.asarray(y), fnp.asarray(np.float32(1e6)))
        np.testing.assert_allclose(np.asarray(out), getattr(ss.t, fn)(y.astype(float), 1e6), rtol=2e-5)


def _singular_matrices():
    v = np.array([[1.0, 2.0, 3.0]])
    w = np.random.default_rng(1).standard_normal((5, 2))
    return [np.zeros((2, 2)), np.diag([0.0, 0.0, 1.0]), np.diag([0.0, 1.0, 0.0]), v.T @ v, w @ w.T]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("a", _singular_matrices())
def test_sqrtm_of_singular_positive_semidefinite_matrix_matches_scipy(mode, a):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", sl.LinAlgWarning)
        expected = sl.sqrtm(a)  # complex for some: rounding leaves an eigenvalue just below 0
    np.testing.assert_allclose(np.imag(expected), 0, atol=1e-6)
    out = mode(fl.sqrtm)(fnp.asarray(a))
    np.testing.assert_allclose(np.asarray(out), np.real(expected), atol=1e-7)


@pytest.mark.parametrize("mode", MODES)
def test_sqrtm_of_real_matrix_with_negative_eigenvalue_stays_nan(mode):
    assert np.isnan(np.asarray(mode(fl.sqrtm)(fnp.asarray(np.diag([-1.0, 1.0]))))).all()


def test_eigh_subsets_match_scipy():
    a = np.random.default_rng(0).standard_normal((4, 4))
    s, b = a @ a.T + np.eye(4), a @ a.T + 2 * np.eye(4)
    w, v = fl.eigh(fnp.asarray(s), subset_by_index=[1, 2])
    w_ref, v_ref = sl.eigh(s, subset_by_index=[1, 2])
    np.testing.assert_allclose(np.asarray(w), w_ref, rtol=1e-10)
    np.testing.assert_allclose(np.abs(np.asarray(v)), np.abs(v_ref), atol=1e-10)
    jitted = fx.jit(lambda x, y: fl.eigh(x, y, eigvals_only=True, subset_by_index=(0, 1)))
    np.testing.assert_allclose(np.asarray(jitted(fnp.asarray(s), fnp.asarray(b))),
                               sl.eigh(s, b, eigvals_only=True, subset_by_index=(0, 1)), rtol=1e-10)
    np.testing.assert_allclose(np.asarray(fl.eigh(fnp.asarray(s), eigvals_only=True, subset_by_value=(0, 5))),
                               sl.eigh(s, eigvals_only=True, subset_by_value=(0, 5)), rtol=1e-10)
    with pytest.raises(ValueError, match="subset_by_index"):
        fl.eigh(fnp.asarray(s), subset_by_index=(2, 4))
