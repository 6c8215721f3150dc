"""Arrays of 33 to 64 dimensions (NumPy's limit) under jit, grad and vmap, as eagerly.

Oracles: NumPy (whose elementwise functions, indexing and tile take 64 dimensions), the
gradient written out with NumPy, and vmap against a Python loop.
"""
import numpy as np
import pytest

import fluxion as fx
import fluxion.numpy as fnp
from fluxion.errors import ShapeError
from fluxion.ops._util import broadcast_shape

NDIMS = [33, 40, 64]


def _operands(ndim: int):
    rng = np.random.default_rng(ndim)
    x = rng.standard_normal((1,) * (ndim - 2) + (2, 3))
    return x, rng.standard_normal(3)


# (fluxion function, the same with NumPy, its gradient in x of the sum with NumPy)
PROGRAMS = {
    "broadcast": (lambda x, y: fnp.sin(x) * y + x, lambda x, y: np.sin(x) * y + x, lambda x, y: np.cos(x) * y + 1),
    "where": (lambda x, y: fnp.where(x > 0, x * y, y), lambda x, y: np.where(x > 0, x * y, y),
              lambda x, y: np.where(x > 0, np.broadcast_to(y, x.shape), 0.0)),
    "index_arrays": (lambda x, y: x[..., fnp.asarray([0, 2, 2])] * y, lambda x, y: x[..., [0, 2, 2]] * y,
                     lambda x, y: np.concatenate([y[:1], [0.0], y[1:].sum(keepdims=True)]) + 0 * x),
    "tile": (lambda x, y: fnp.tile(x, (2, 1, 1)) * y, lambda x, y: np.tile(x, (2, 1, 1)) * y,
             lambda x, y: 2 * np.broadcast_to(y, x.shape)),
}


@pytest.mark.parametrize("ndim", NDIMS)
@pytest.mark.parametrize("name", PROGRAMS)
def test_jit_of_many_dimensions_matches_numpy(ndim, name):
    f, f_np, _ = PROGRAMS[name]
    x, y = _operands(ndim)
    np.testing.assert_allclose(fx.jit(f)(x, y), f_np(x, y), rtol=1e-12)
    np.testing.assert_allclose(f(fnp.asarray(x), fnp.asarray(y)), f_np(x, y), rtol=1e-12)


@pytest.mark.parametrize("ndim", NDIMS)
@pytest.mark.parametrize("name", PROGRAMS)
def test_grad_of_many_dimensions_matches_the_gradient_written_with_numpy(ndim, name):
    f, _, grad_np = PROGRAMS[name]
    x, y = _operands(ndim)
    loss = fx.grad(lambda x, y: fnp.sum(f(x, y)))
    for g in (loss, fx.jit(loss)):
        out = g(x, y)
        assert out.shape == x.shape
        np.testing.assert_allclose(out, grad_np(x, y), rtol=1e-12)


@pytest.mark.parametrize("ndim", NDIMS)
@pytest.mark.parametrize("name", PROGRAMS)
def test_vmap_to_many_dimensions_matches_a_loop(ndim, name):
    f, f_np, _ = PROGRAMS[name]
    x, y = _operands(ndim - 1)
    xs = np.stack([x, -2 * x])
    want = np.stack([f_np(v, y) for v in xs])
    np.testing.assert_allclose(fx.vmap(f, in_axes=(0, None))(xs, y), want, rtol=1e-12)
    np.testing.assert_allclose(fx.jit(fx.vmap(f, in_axes=(0, None)))(xs, y), want, rtol=1e-12)


@pytest.mark.parametrize("shapes", [[(1,) * 40 + (3,), (2, 1)], [(0,) + (1,) * 35, (5,)], [(), (4,) * 2],
                                    [(2, 3), (1, 3), (3,)], [(1,) * 64, (7,)]])
def test_broadcast_shape_matches_numpy_rules_past_32_dimensions(shapes):
    # (NumPy's broadcast_shapes stops at 32 dimensions; its ufuncs do not)
    out = np.zeros(shapes[0])
    for s in shapes[1:]:
        out = out + np.zeros(s)
    assert broadcast_shape(*shapes) == out.shape


def test_shapes_that_do_not_broadcast_past_32_dimensions_are_an_error_naming_both():
    assert broadcast_shape((1,) * 40 + (3,), (2,)) is None
    with pytest.raises(ShapeError, match="cannot be broadcast"):
        fx.jit(lambda a, b: a + b)(np.ones((1,) * 40 + (3,)), np.ones(2))
