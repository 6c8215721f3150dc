"""fx.associative_scan against NumPy's accumulations, a Python loop, jax's associative_scan (a
non-commutative operation, both directions, any axis), finite differences, and eager vs jit
and vmap vs a loop."""
import numpy as np
import pytest

import fluxion as fx
import fluxion.numpy as fnp


@pytest.mark.parametrize("n", [0, 1, 2, 3, 5, 8, 13])
def test_associative_scan_matches_numpy_accumulations_for_every_length(n):
    x = np.random.default_rng(n).uniform(0.5, 1.5, (n, 3))
    for fn, ufunc in ((fnp.add, np.add), (fnp.multiply, np.multiply), (fnp.maximum, np.maximum)):
        np.testing.assert_allclose(fx.associative_scan(fn, fnp.asarray(x)), ufunc.accumulate(x, axis=0), rtol=1e-12)
        np.testing.assert_allclose(fx.associative_scan(fn, fnp.asarray(x), reverse=True),
                                   ufunc.accumulate(x[::-1], axis=0)[::-1], rtol=1e-12)
        np.testing.assert_allclose(fx.associative_scan(fn, fnp.asarray(x.T), axis=-1), ufunc.accumulate(x.T, axis=-1),
                                   rtol=1e-12)


def test_associative_scan_matches_jax_on_a_non_commutative_operation():
    jax = pytest.importorskip("jax")
    rng = np.random.default_rng(1)

    def compose(a, b, np_like):  # 2x2 matrix products, batched over the other axes
        return np_like.einsum("...ij,...jk->...ik", a, b)

    with jax.enable_x64(True):
        for n in (2, 5, 8, 11):
            for axis, shape in ((0, (n, 3, 2, 2)), (1, (3, n, 2, 2))):
                x = rng.standard_normal(shape)
                for reverse in (False, True):
                    ours = fx.associative_scan(lambda a, b: compose(a, b, fnp), fnp.asarray(x), reverse, axis)
                    theirs = jax.lax.associative_scan(lambda a, b: compose(a, b, jax.numpy), jax.numpy.asarray(x),
                                                      reverse, axis)
                    np.testing.assert_allclose(ours, np.asarray(theirs), rtol=1e-10, atol=1e-12)


def _recurrence(x, y):  # h -> a h + b, composed: the pair of a linear recurrence
    (a1, b1), (a2, b2) = x, y
    return a1 * a2, a2 * b1 + b2


def _loop(a, b):
    h, out = 0.0, []
    for at, bt in zip(a, b):
        h = at * h + bt
        out.append(h)
    return np.asarray(out)


def test_a_linear_recurrence_of_pytrees_matches_a_loop_and_its_gradient_finite_differences():
    rng = np.random.default_rng(2)
    a, b = rng.uniform(0.5, 1.0, 9), rng.standard_normal(9)
    _, h = fx.associative_scan(_recurrence, (fnp.asarray(a), fnp.asarray(b)))
    np.testing.assert_allclose(h, _loop(a, b), rtol=1e-12)
    loss = lambda a, b: fnp.sum(fx.associative_scan(_recurrence, (a, b))[1] ** 2)
    grads = fx.grad(loss, argnums=(0, 1))(fnp.asarray(a), fnp.asarray(b))
    jit_grads = fx.jit(fx.grad(loss, argnums=(0, 1)))(fnp.asarray(a), fnp.asarray(b))
    eps = 1e-6
    for i, (g, jg, base) in enumerate(zip(grads, jit_grads, (a, b))):
        fd = []
        for e in np.eye(9):
            args_hi, args_lo = [a, b], [a, b]
            args_hi[i], args_lo[i] = base + eps * e, base - eps * e
            fd.append((np.sum(_loop(*args_hi) ** 2) - np.sum(_loop(*args_lo) ** 2)) / (2 * eps))
        np.testing.assert_allclose(g, fd, rtol=1e-6, atol=1e-8)
        np.testing.assert_allclose(jg, g, rtol=1e-12)


def test_associative_scan_under_vmap_matches_a_loop():
    x = np.random.default_rng(3).standard_normal((4, 6))
    f = lambda row: fx.associative_scan(fnp.add, row)
    np.testing.assert_allclose(fx.vmap(f)(fnp.asarray(x)), np.stack([np.cumsum(r) for r in x]), rtol=1e-12)
    np.testing.assert_allclose(fx.jit(fx.vmap(f, in_axes=1))(fnp.asarray(x.T)), np.cumsum(x, axis=1), rtol=1e-12)


def test_associative_scan_errors_name_the_fix():
    with pytest.raises(ValueError, match="lengths \\[2, 3\\][\\s\\S]*fix"):
        fx.associative_scan(lambda u, v: u, (fnp.ones(2), fnp.ones(3)))
    with pytest.raises(ValueError, match="out of range"):
        fx.associative_scan(fnp.add, fnp.asarray(1.0))
    with pytest.raises(TypeError, match="returned a tree"):
        fx.associative_scan(lambda u, v: (u, v), fnp.ones(3))
    with pytest.raises(ValueError, match=r"(?s)fn returned shape \(1,\) for arguments of shape \(2,\).*fix"):
        fx.associative_scan(lambda u, v: (u + v)[:1], fnp.ones(4))
    assert fx.associative_scan(fnp.add, {}) == {}
