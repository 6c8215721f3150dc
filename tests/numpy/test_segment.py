"""fx.ops.segment_* against jax.ops.segment_*: values, empty segments, dropped ids, modes,
derivatives, jit and vmap."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest

import fluxion as fx
import fluxion.numpy as fnp

jax.config.update("jax_enable_x64", True)
KINDS = ["segment_sum", "segment_prod", "segment_max", "segment_min"]
RNG = np.random.default_rng(0)


def _both(kind, data, ids, *args, **kw):
    ours = getattr(fx.ops, kind)(fnp.asarray(data), fnp.asarray(ids), *args, **kw)
    theirs = getattr(jax.ops, kind)(jnp.asarray(data), jnp.asarray(ids), *args, **kw)
    return np.asarray(ours), np.asarray(theirs)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int32, np.int64, np.bool_])
@pytest.mark.parametrize("shape", [(7,), (7, 3), (0,), (0, 2)])
def test_values_match_jax_with_empty_segments_and_out_of_range_ids(kind, dtype, shape):
    data = (RNG.standard_normal(shape) * 3).astype(dtype)
    ids = RNG.integers(-2, 6, shape[0])  # some negative, some past num_segments = 5: dropped
    if dtype is np.bool_ and kind in ("segment_sum", "segment_prod"):  # jax refuses; NumPy's add / multiply: or / and
        theirs, keep = np.full((5, *shape[1:]), kind == "segment_prod"), (ids >= 0) & (ids < 5)
        (np.add if kind == "segment_sum" else np.multiply).at(theirs, ids[keep], data[keep])
        ours = np.asarray(getattr(fx.ops, kind)(fnp.asarray(data), fnp.asarray(ids), 5))
    else:
        ours, theirs = _both(kind, data, ids, 5)
    assert ours.dtype == theirs.dtype and ours.shape == theirs.shape == (5, *shape[1:])
    np.testing.assert_allclose(ours, theirs, rtol=1e-6)


@pytest.mark.parametrize("kind", KINDS)
def test_inferred_number_of_segments_and_clip_mode_match_jax(kind):
    data, ids = RNG.standard_normal((6, 2)), np.array([0, 3, 3, 1, 0, 3])
    np.testing.assert_allclose(*_both(kind, data, ids), rtol=1e-12)
    np.testing.assert_allclose(*_both(kind, data, np.array([-1, 0, 9, 1, 2, 2]), 3, mode="clip"), rtol=1e-12)
    np.testing.assert_allclose(*_both(kind, data, ids, 4, indices_are_sorted=False, unique_indices=False,
                                      bucket_size=2), rtol=1e-12)


@pytest.mark.parametrize("kind", KINDS)
def test_gradients_match_jax(kind):
    data, ids = RNG.standard_normal((8, 3)), np.array([0, 2, 2, 1, 0, 2, 4, 1])
    weights = RNG.standard_normal((4, 3))

    def loss(ops, np_):
        return lambda d: np_.sum(np_.tanh(getattr(ops, kind)(d, np_.asarray(ids), 4)) * weights)

    ours = fx.grad(loss(fx.ops, fnp))(fnp.asarray(data))
    if kind == "segment_prod":  # (jax has no gradient of a product over repeated ids: central differences)
        f, eye = loss(fx.ops, fnp), np.eye(data.size).reshape(data.size, *data.shape) * 1e-6
        theirs = np.reshape([(float(f(fnp.asarray(data + e))) - float(f(fnp.asarray(data - e)))) / 2e-6 for e in eye],
                            data.shape)
        np.testing.assert_allclose(np.asarray(ours), theirs, rtol=1e-6, atol=1e-8)
        return
    theirs = jax.grad(loss(jax.ops, jnp))(jnp.asarray(data))
    np.testing.assert_allclose(np.asarray(ours), np.asarray(theirs), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(np.asarray(fx.jit(fx.grad(loss(fx.ops, fnp)))(fnp.asarray(data))),
                               np.asarray(theirs), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("kind", KINDS)
def test_jit_and_vmap_match_eager_and_a_loop(kind):
    data, ids = RNG.standard_normal((5, 6)), RNG.integers(0, 3, (5, 6))
    f = getattr(fx.ops, kind)
    batched = fx.vmap(lambda d, i: f(d, i, 3))(fnp.asarray(data), fnp.asarray(ids))
    loop = np.stack([np.asarray(f(fnp.asarray(d), fnp.asarray(i), 3)) for d, i in zip(data, ids)])
    np.testing.assert_allclose(np.asarray(batched), loop, rtol=1e-12)
    jitted = fx.jit(lambda d, i: f(d, i, 3))(fnp.asarray(data[0]), fnp.asarray(ids[0]))
    np.testing.assert_allclose(np.asarray(jitted), loop[0], rtol=1e-12)


def test_errors_name_the_fix():
    with pytest.raises(fx.errors.ConcretizationError, match="num_segments"):
        fx.jit(lambda d, i: fx.ops.segment_sum(d, i))(fnp.ones(3), fnp.asarray([0, 1, 1]))
    with pytest.raises(fx.errors.DTypeError, match="integer ids"):
        fx.ops.segment_sum(fnp.ones(3), fnp.asarray([0.0, 1.0, 1.0]), 2)
    with pytest.raises(fx.errors.ShapeError, match="one id per row"):
        fx.ops.segment_sum(fnp.ones(3), fnp.asarray([0, 1]), 2)
    with pytest.raises(fx.errors.FluxionError, match="pass num_segments"):
        fx.ops.segment_sum(fnp.ones(0), fnp.zeros(0, fnp.int32))
    with pytest.raises(AttributeError, match="segment_mean"):
        fx.ops.segment_mean  # noqa: B018
