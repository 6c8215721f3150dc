"""fluxion.scipy.linalg's special matrices and its qr / svd / polar against SciPy's."""
import itertools

import numpy as np
import pytest
import scipy.linalg as sl

import fluxion as fx
import fluxion.numpy as fnp
import fluxion.scipy.linalg as fsl
from fluxion.test_util import check_grads

BUILT = [("toeplitz", ([1, 2, 3], [1, 4, 5, 6])), ("toeplitz", ([1, 2, 3],)), ("toeplitz", (np.array([1 + 1j, 2, 3]),)),
         ("toeplitz", ([5.0],)), ("hankel", ([1, 2, 3], [3, 4, 5, 6])), ("hankel", ([1.0, 2.0, 3.0],)),
         ("hankel", ([1, 2], [9, 4, 5, 6])), ("circulant", ([1, 2, 3, 4],)), ("companion", ([2.0, -3.0, 1.0, 5.0],)),
         ("companion", ([1, 2],)), ("leslie", ([0.1, 2.0, 1.0, 0.1], [0.2, 0.8, 0.7])),
         ("fiedler", ([1, 4, 12, 45, 77],))]
BUILT += [("fiedler_companion", (c,)) for c in ([2.0], [2.0, 3.0], [2.0, -3.0, 1.0], [1, 2, 3, 4],
                                                 [0.5, 1.0, -2.0, 3.0, 4.0, -1.0, 2.0, 0.25], np.ones((2, 3, 6)))]
BUILT += [("convolution_matrix", (a, n, mode)) for mode in ("full", "same", "valid")
          for a, n in (([1, 2, 3], 5), ([1, 2, 3, 4, 5], 3), ([1, 2], 2), ([3], 4))]
FIXED = [(name, (n, *rest)) for n in (0, 1, 2, 5, 9) for name, rest in
         [("hilbert", ()), ("invhilbert", ())] + [(p, (k,)) for p in ("pascal", "invpascal")
                                                   for k in ("symmetric", "lower", "upper")]]
FIXED += [("helmert", (n, full)) for n in (1, 2, 5) for full in (False, True)]
FIXED += [("hadamard", (n,)) for n in (1, 2, 8)] + [("dft", (n, s)) for n in (1, 3, 8) for s in (None, "sqrtn", "n")]


@pytest.mark.parametrize("name, args", BUILT + FIXED)
def test_special_matrices_match_scipy(name, args):
    got, expected = getattr(fsl, name)(*args), getattr(sl, name)(*args)
    assert got.shape == expected.shape
    np.testing.assert_allclose(np.asarray(got), expected, rtol=1e-6, atol=1e-6)


def test_built_matrices_batch_compile_and_differentiate():
    c, r = np.random.default_rng(0).normal(size=(2, 3, 4))
    np.testing.assert_array_equal(np.asarray(fsl.toeplitz(c, r)), [sl.toeplitz(ci, ri) for ci, ri in zip(c, r)])
    np.testing.assert_array_equal(np.asarray(fx.jit(fsl.hankel)(c, r)), [sl.hankel(ci, ri) for ci, ri in zip(c, r)])
    np.testing.assert_allclose(np.asarray(fx.vmap(fsl.companion)(fnp.asarray(c) + 3)),
                               [sl.companion(ci + 3) for ci in c], rtol=1e-12)
    check_grads(lambda c, r: fsl.toeplitz(c, r) @ fsl.circulant(c), (fnp.asarray(c[0]), fnp.asarray(r[0])), order=2)
    check_grads(lambda a: fsl.convolution_matrix(a, 3, "same").sum() * fsl.fiedler(a), (fnp.asarray(c[0]),))
    expected = [sl.fiedler_companion(ci + 3) for ci in c]
    np.testing.assert_allclose(np.asarray(fx.jit(fx.vmap(fsl.fiedler_companion))(fnp.asarray(c) + 3)), expected,
                               rtol=1e-12)
    check_grads(fsl.fiedler_companion, (fnp.asarray(c[0]) + 3,), order=2)


def test_qr_svd_and_polar_follow_scipy():
    a = np.random.default_rng(1).normal(size=(5, 3))
    for mode in ("full", "economic"):
        q, r = fsl.qr(a, mode=mode)
        q0, r0 = sl.qr(a, mode=mode)
        assert q.shape == q0.shape and r.shape == r0.shape
        np.testing.assert_allclose(np.asarray(q @ r), a, atol=1e-12)
    (r,) = fsl.qr(a, mode="r")
    np.testing.assert_allclose(np.abs(np.asarray(r)), np.abs(sl.qr(a, mode="r")[0]), atol=1e-12)
    np.testing.assert_allclose(np.asarray(fsl.svd(a, compute_uv=False)), sl.svd(a, compute_uv=False), rtol=1e-12)
    assert [x.shape for x in fsl.svd(a)] == [x.shape for x in sl.svd(a)]
    for m in (a, a.T, a[:3]):
        for side in ("right", "left"):
            for got, expected in zip(fsl.polar(m, side), sl.polar(m, side)):
                np.testing.assert_allclose(np.asarray(got), expected, atol=1e-12)
    check_grads(lambda m: fsl.polar(m)[1], (fnp.asarray(a[:3]),))


@pytest.mark.parametrize("shape", [(5, 3), (3, 5), (4, 4), (1, 3), (3, 1), (0, 3)])
def test_qr_in_every_mode_with_and_without_pivoting_follows_scipy(shape):
    gen = np.random.default_rng(2)
    a = gen.normal(size=shape) + 1j * gen.normal(size=shape)
    a[:, -1:] *= 3.0  # (a column order that pivoting changes)
    for x, mode, pivoting in itertools.product((a.real, a), ("full", "economic", "r", "raw"), (False, True)):
        expected, got = sl.qr(x, mode=mode, pivoting=pivoting), fsl.qr(fnp.asarray(x), mode=mode, pivoting=pivoting)
        assert fx.tree.structure(tuple(expected)) == fx.tree.structure(got)
        for g, e in zip(fx.tree.leaves(got), fx.tree.leaves(tuple(expected))):
            assert (g.shape, g.dtype) == (e.shape, e.dtype)
            # the sign of each Householder reflection may differ from LAPACK's: compare magnitudes
            np.testing.assert_allclose(np.abs(np.asarray(g)), np.abs(e), atol=1e-12)
        if pivoting and mode != "r":
            q, r, p = fsl.qr(fnp.asarray(x), mode="economic", pivoting=True)
            np.testing.assert_allclose(np.asarray(q @ r), x[:, np.asarray(p)], atol=1e-12)
    stack = gen.normal(size=(2,) + shape)
    for got, expected in zip(fx.tree.leaves(fx.jit(fx.vmap(lambda m: fsl.qr(m, mode="raw", pivoting=True)))(stack)),
                             zip(*[fx.tree.leaves(fsl.qr(m, mode="raw", pivoting=True)) for m in stack])):
        np.testing.assert_allclose(np.asarray(got), np.stack(expected), atol=1e-12)
    if 0 not in shape:  # the order is a constant for derivatives
        check_grads(lambda m: fsl.qr(m, mode="economic", pivoting=True)[1], (fnp.asarray(a.real),), order=1)


def test_special_matrix_errors_name_the_fix():
    for call, error, match in [(lambda: fsl.hadamard(3), ValueError, "power of 2"),
                               (lambda: fsl.companion([1.0]), ValueError, "at least 2"),
                               (lambda: fsl.leslie([1.0, 2.0], [1.0, 2.0]), fx.errors.ShapeError, "one entry fewer"),
                               (lambda: fsl.convolution_matrix([1, 2], 3, "middle"), ValueError, "mode"),
                               (lambda: fsl.pascal(3, "diagonal"), ValueError, "kind"),
                               (lambda: fsl.qr(np.eye(2), mode="thin"), ValueError, "'economic'")]:
        with pytest.raises(error, match=match):
            call()
