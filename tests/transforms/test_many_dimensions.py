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


# NumPy's sorts, take_along_axis and choose stop at 32 dimensions: the eager kernels merge the axes
# around the one they work along. Oracle: the same operation on the array reshaped to 3 dimensions.
def _sorting_operands(ndim: int):
    x = np.random.default_rng(ndim).standard_normal((1,) * (ndim - 3) + (2, 3, 4))
    x[0, ..., 0, 1, :2] = 0.5  # ties, which the stable sort keeps in order
    return x


ALONG_AXIS = {
    "sort": lambda x, axis: fnp.sort(x, axis=axis),
    "sort_descending": lambda x, axis: fnp.sort(x, axis=axis, descending=True),
    "argsort": lambda x, axis: fnp.argsort(x, axis=axis),
    "partition": lambda x, axis: fnp.partition(x, 1, axis=axis),
    "argpartition": lambda x, axis: fnp.argpartition(x, 1, axis=axis),
    "take_along_axis": lambda x, axis: fnp.take_along_axis(x, fnp.argsort(-x, axis=axis), axis=axis),
    "median": lambda x, axis: fnp.median(x, axis=axis),
    "quantile": lambda x, axis: fnp.quantile(x, 0.9, axis=axis),
    "lexsort": lambda x, axis: fnp.lexsort([x, fnp.round(x)], axis=axis),
    "choose": lambda x, axis: fnp.choose((x > 0).astype(int), [x, -x]) + 0 * fnp.sum(x, axis=axis, keepdims=True),
}


@pytest.mark.parametrize("ndim", [33, 64])
@pytest.mark.parametrize("axis", [-1, -2])
@pytest.mark.parametrize("name", ALONG_AXIS)
def test_eager_sorting_past_32_dimensions_matches_the_reshaped_array(ndim, axis, name):
    f = ALONG_AXIS[name]
    x = _sorting_operands(ndim)
    want = np.asarray(f(fnp.asarray(x.reshape(2, 3, 4)), axis))
    np.testing.assert_array_equal(np.asarray(f(fnp.asarray(x), axis)).reshape(want.shape), want)


@pytest.mark.parametrize("name", ["sort", "argsort", "take_along_axis", "median"])
def test_jit_of_sorting_past_32_dimensions_matches_the_reshaped_array(name):
    f = ALONG_AXIS[name]
    x = _sorting_operands(64)
    want = np.asarray(f(fnp.asarray(x.reshape(2, 3, 4)), -1))
    np.testing.assert_array_equal(np.asarray(fx.jit(f, static_argnums=1)(x, -1)).reshape(want.shape), want)


@pytest.mark.parametrize("ndim", NDIMS)
def test_eager_sort_and_take_along_axis_past_32_dimensions_match_numpy(ndim):
    x = _sorting_operands(ndim)
    small = x.reshape(2, 3, 4)
    np.testing.assert_array_equal(np.asarray(fnp.sort(x, axis=-2)).reshape(small.shape), np.sort(small, axis=-2))
    order = np.argsort(small, axis=-1, kind="stable")
    np.testing.assert_array_equal(np.asarray(fnp.argsort(x)).reshape(small.shape), order)
    taken = fnp.take_along_axis(x, order.reshape(x.shape), axis=-1)
    np.testing.assert_array_equal(np.asarray(taken).reshape(small.shape), np.take_along_axis(small, order, -1))
    values, indices = fx.lax.top_k(x, 2)
    np.testing.assert_array_equal(np.asarray(values).reshape(2, 3, 2), -np.sort(-small, axis=-1)[..., :2])
    assert indices.shape == x.shape[:-1] + (2,)


@pytest.mark.parametrize("ndim", [33, 40, 63, 64])
def test_grad_of_sort_past_32_dimensions_matches_the_permuted_weights(ndim):
    x = _sorting_operands(ndim)
    weights = np.arange(4.0)
    g = fx.grad(lambda v: fnp.sum(fnp.sort(v, axis=-1) * weights))(x)
    small = x.reshape(2, 3, 4)
    want = np.empty_like(small)
    np.put_along_axis(want, np.argsort(small, axis=-1, kind="stable"), np.broadcast_to(weights, small.shape), -1)
    np.testing.assert_array_equal(np.asarray(g).reshape(small.shape), want)


def test_kron_of_arrays_past_32_dimensions_matches_the_reshaped_arrays():
    a, b = np.arange(6.0).reshape((1,) * 38 + (2, 3)), np.arange(4.0).reshape((1,) * 36 + (2, 1, 2))
    want = np.kron(a.reshape(2, 3), b.reshape(2, 1, 2))
    np.testing.assert_array_equal(np.asarray(fnp.kron(a, b)).reshape(want.shape), want)
    assert fnp.kron(a, b).shape == (1,) * 37 + (2, 2, 6)
