"""fluxion.scipy.cluster.vq.vq against scipy.cluster.vq.vq: several features, one feature, one
observation, ties; jit; vmap against a loop."""
import numpy as np
import scipy.cluster.vq as scv
from _arrays import raises

import fluxion as fx
import fluxion.numpy as fnp
from fluxion.scipy.cluster.vq import vq

RNG = np.random.default_rng(0)
OBS = RNG.normal(size=(20, 3))
CODES = RNG.normal(size=(4, 3))


def _check(obs, codes):
    code, dist = vq(fnp.asarray(obs), fnp.asarray(codes))
    want_code, want_dist = scv.vq(obs, codes)
    assert code.dtype == fnp.int32
    np.testing.assert_array_equal(np.asarray(code), want_code)
    np.testing.assert_allclose(np.asarray(dist), want_dist, rtol=1e-14)


def test_codes_and_distances_match_scipy():
    _check(OBS, CODES)
    _check(OBS[:1], CODES[:1])  # one observation, one code
    _check(OBS[:, 0], CODES[:, 0])  # one feature, as 1-D arrays
    _check(np.array([[0.5, 0.0]]), np.array([[0.0, 0.0], [1.0, 0.0]]))  # a tie: the first code


def test_jit_and_vmap_match():
    obs, codes = fnp.asarray(OBS), fnp.asarray(CODES)
    (code_j, dist_j), (code, dist) = fx.jit(vq)(obs, codes), vq(obs, codes)
    np.testing.assert_array_equal(np.asarray(code_j), np.asarray(code))
    np.testing.assert_allclose(np.asarray(dist_j), np.asarray(dist), rtol=1e-14)
    books = fnp.asarray(RNG.normal(size=(3, 4, 3)))
    codes_v, dist_v = fx.vmap(vq, in_axes=(None, 0))(obs, books)
    for i, book in enumerate(books):
        np.testing.assert_array_equal(np.asarray(codes_v[i]), np.asarray(vq(obs, book)[0]))
        np.testing.assert_allclose(np.asarray(dist_v[i]), np.asarray(vq(obs, book)[1]), rtol=1e-14)


def test_mismatched_features_name_the_fix():
    with raises(ValueError, "code_book"):
        vq(fnp.asarray(OBS), fnp.asarray(CODES[:, :2]))
