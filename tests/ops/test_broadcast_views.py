"""A large broadcast of one element is a read-only view that repeats it (strides 0), as the
cotangent of a sum is: every later use gives NumPy's values, and it is never written through."""
import numpy as np
import pytest

import fluxion as fx
import fluxion.lax as lax
import fluxion.numpy as fnp
from fluxion.backends.numpy.shape import VIEW

_RNG = np.random.default_rng(3)
_SHAPE = (40, VIEW // 40 + 3)  # above VIEW elements


def _ones_by_grad(dtype=np.float32):
    """The gradient of a sum: a view of one 1 (strides 0)."""
    return fx.grad(lambda x: fnp.sum(x))(fnp.zeros(_SHAPE, dtype))


@pytest.mark.parametrize("shape,dims,value", [((VIEW,), (), 2.5), (_SHAPE, (), -1.0), (_SHAPE, (1,), 3.0),
                                              ((7, VIEW), (0, 1), 4.0), ((VIEW - 1,), (), 2.0)])
def test_broadcast_of_one_element_matches_numpy_and_is_read_only(shape, dims, value):
    x = np.full((1,) * len(dims), value, np.float32)
    got = np.asarray(lax.broadcast_in_dim(fnp.asarray(x), shape, dims))
    np.testing.assert_array_equal(got, np.broadcast_to(np.float32(value), shape))
    assert not got.flags.writeable


def test_gradient_of_a_sum_is_a_view_of_one_element():
    g = np.asarray(_ones_by_grad())
    assert g.strides == (0, 0) and not g.flags.writeable
    np.testing.assert_array_equal(g, np.ones(_SHAPE, np.float32))


@pytest.mark.parametrize("use,oracle", [
    (lambda g: g.at[0, 1].set(5.0), lambda g: np.where((np.arange(_SHAPE[0])[:, None] == 0)
                                                       & (np.arange(_SHAPE[1]) == 1), 5.0, g)),
    (lambda g: g + fnp.arange(_SHAPE[1], dtype=fnp.float32), lambda g: g + np.arange(_SHAPE[1])),
    (lambda g: fnp.cumsum(g, axis=1), lambda g: np.cumsum(g, axis=1)),
    (lambda g: g.view(fnp.uint32), lambda g: g.view(np.uint32)),
    (lambda g: lax.bitcast_convert_type(g, fnp.uint8), lambda g: np.ascontiguousarray(g).view(np.uint8)
     .reshape(_SHAPE + (4,))),
    (lambda g: fnp.maximum(g, 0.5) @ fnp.ones(_SHAPE[1]), lambda g: np.maximum(g, 0.5) @ np.ones(_SHAPE[1])),
    (lambda g: fnp.sort(g * fnp.arange(_SHAPE[1]), axis=1), lambda g: np.sort(g * np.arange(_SHAPE[1]), axis=1)),
    (lambda g: fx.jit(lambda a: a * 2.0 + g)(fnp.ones(_SHAPE)), lambda g: 2.0 + g),  # g a compiled constant
    (lambda g: fx.device_get(fx.device_put(g, fx.devices()[0])), lambda g: g),
    (lambda g: fx.vmap(lambda row: row * g[0])(g), lambda g: g * g[0]),
])
def test_later_uses_of_a_broadcast_view_match_numpy(use, oracle):
    g = _ones_by_grad()
    want = oracle(np.ones(_SHAPE, np.float32))
    got = np.asarray(use(g))
    np.testing.assert_allclose(got, want.astype(got.dtype), rtol=1e-6)
    np.testing.assert_array_equal(np.asarray(g), np.ones(_SHAPE, np.float32))  # never written through


def test_jit_over_a_strided_constant_matches_eager():
    """A closed-over constant whose memory is not contiguous (a view of every other element)."""
    r = _RNG.standard_normal(4 * VIEW)
    r[-2] = r[0]  # (first and last alike: the check for one repeated value looks further)
    half = lax.slice(fnp.asarray(r), (0,), (r.size,), (2,))
    f = lambda a: a + half  # noqa: E731
    a = fnp.ones(2 * VIEW)
    np.testing.assert_array_equal(np.asarray(fx.jit(f)(a)), np.asarray(f(a)))


@pytest.mark.parametrize("op", [lambda a: fnp.concatenate([a, a], 1), lambda a: fnp.roll(a, 3, 1),
                                lambda a: fnp.pad(a, 2), lambda a: fnp.maximum(a, 0.1), fnp.linalg.norm,
                                lambda a: fnp.linalg.norm(a, axis=1), lambda a: fnp.clip(a, -0.5, 0.5)])
def test_gradients_through_broadcast_views_match_finite_differences(op):
    a = fnp.asarray(_RNG.standard_normal((20, VIEW // 20 + 1)))
    fx.test_util.check_grads(lambda a: fnp.sum(op(a) ** 2), (a,), order=1, modes=("rev",))
