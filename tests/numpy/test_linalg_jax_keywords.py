"""jax's keywords of fluxion.numpy.linalg functions: svd's subset_by_index, slogdet's method,
lstsq's numpy_resid."""
import jax.numpy as jnp
import numpy as np
import pytest

import fluxion as fx
import fluxion.numpy as fnp

rng = np.random.default_rng(5)


@pytest.mark.parametrize("subset", [(0, 2), (1, 3), (2, 2), (0, 3)])
@pytest.mark.parametrize("hermitian", [False, True])
def test_svd_subset_by_index_keeps_those_singular_triples(subset, hermitian):
    x = rng.standard_normal((2, 3, 3))
    if hermitian:
        x = x + np.swapaxes(x, -1, -2)
    lo, hi = subset
    want = np.linalg.svd(x, compute_uv=False)[..., lo:hi]
    for f in (fnp.linalg.svd, fx.jit(fnp.linalg.svd, static_argnames=("full_matrices", "hermitian", "subset_by_index"))):
        u, s, vh = f(fnp.asarray(x), full_matrices=False, hermitian=hermitian, subset_by_index=subset)
        np.testing.assert_allclose(np.asarray(s), want, rtol=1e-10, atol=1e-12)
        assert u.shape == (2, 3, hi - lo) and vh.shape == (2, hi - lo, 3)
        np.testing.assert_allclose(np.asarray(u * s[..., None, :] @ vh),  # the kept part of x
                                   np.asarray(np.linalg.svd(x)[0][..., lo:hi] * want[..., None, :]
                                              @ np.linalg.svd(x)[2][..., lo:hi, :]), atol=1e-10)
    np.testing.assert_allclose(np.asarray(fnp.linalg.svd(fnp.asarray(x), compute_uv=False, subset_by_index=subset)),
                               want, rtol=1e-10, atol=1e-12)


def test_svd_subset_by_index_errors_name_the_fix():
    x = fnp.ones((3, 3))
    with pytest.raises(fx.errors.InvalidArgumentError, match="full_matrices=False"):  # as jax
        fnp.linalg.svd(x, subset_by_index=(0, 1))
    for bad in [(2, 1), (0, 4), (-1, 2), ("a", 1)]:
        with pytest.raises(fx.errors.InvalidArgumentError, match="start <= end"):
            fnp.linalg.svd(x, full_matrices=False, subset_by_index=bad)


@pytest.mark.parametrize("method", [None, "lu", "qr"])
def test_slogdet_methods_give_jax_values(method):
    x = rng.standard_normal((3, 4, 4))
    sign, logdet = fnp.linalg.slogdet(fnp.asarray(x), method=method)
    want = jnp.linalg.slogdet(jnp.asarray(x, jnp.float32), method=method)
    np.testing.assert_allclose(np.asarray(sign), np.asarray(want.sign))
    np.testing.assert_allclose(np.asarray(logdet), np.asarray(want.logabsdet), rtol=1e-5)
    with pytest.raises(fx.errors.InvalidArgumentError, match="method='lu'"):
        fnp.linalg.slogdet(fnp.asarray(x), method="cholesky")


@pytest.mark.parametrize("numpy_resid", [False, True])
def test_lstsq_takes_numpy_resid_and_gives_numpy_residuals(numpy_resid):
    for shape in [(5, 3), (2, 3)]:
        a, b = rng.standard_normal(shape), rng.standard_normal(shape[0])
        got = fnp.linalg.lstsq(fnp.asarray(a), fnp.asarray(b), numpy_resid=numpy_resid)
        for g, w in zip(got, np.linalg.lstsq(a, b)):
            np.testing.assert_allclose(np.asarray(g), w, rtol=1e-10, atol=1e-12)
