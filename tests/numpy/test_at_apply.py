"""`x.at[idx].apply(func)` against jax: values for unique and repeated indices (func applied
once per occurrence), out-of-bounds modes, jit against eager, vmap against a loop, and
derivatives against jax's derivatives of the same updates written out (jax's apply has none)."""
import numpy as np
import pytest

import fluxion as fx
import fluxion.numpy as fnp
from fluxion.errors import FluxionError

X = np.arange(1.0, 13.0).reshape(3, 4) / 4
INDICES = {
    "int": 1, "negative_pair": (-1, -2), "strided": (slice(1, None), slice(None, None, 2)),
    "repeated": np.array([0, 0, 2]), "repeated_pairs": (np.array([0, 2, 0]), np.array([1, 3, 1])),
    "mask": X > 1.5, "index_matrix": np.array([[0, 0], [0, 2]]), "ellipsis": (Ellipsis, np.array([3, -1, 0])),
    "empty": np.array([], np.int64),
}


@pytest.mark.parametrize("name", INDICES)
def test_at_apply_matches_jax_on_unique_and_repeated_indices(jax, name):
    idx = INDICES[name]
    expected = np.asarray(jax.jit(lambda x: x.at[idx].apply(jax.numpy.sin))(X))
    for apply in (lambda x: x.at[idx].apply(fnp.sin), fx.jit(lambda x: x.at[idx].apply(fnp.sin))):
        np.testing.assert_allclose(np.asarray(apply(fnp.asarray(X))), expected, rtol=1e-15)


@pytest.mark.parametrize("mode", ["drop", "fill", "clip", "promise_in_bounds"])
def test_at_apply_follows_mode_for_out_of_bounds_indices_as_jax_does(jax, mode):
    x = np.array([1.0, 2.0, 3.0, 4.0])
    idx = np.array([0, 3, 3]) if mode == "promise_in_bounds" else np.array([0, 5, -5, 3, 3])
    expected = np.asarray(jax.numpy.asarray(x).at[idx].apply(lambda v: 3 * v, mode=mode))
    for apply in (lambda x, i: x.at[i].apply(lambda v: 3 * v, mode=mode),
                  fx.jit(lambda x, i: x.at[i].apply(lambda v: 3 * v, mode=mode))):  # a traced index
        np.testing.assert_array_equal(np.asarray(apply(fnp.asarray(x), fnp.asarray(idx))), expected)


def test_at_apply_hints_do_not_change_the_result_and_bad_uses_name_the_fix(jax):
    x, idx = np.array([1.0, 2.0, 3.0]), np.array([1, 1])
    expected = np.asarray(jax.numpy.asarray(x).at[idx].apply(lambda v: v / 2))
    got = fnp.asarray(x).at[idx].apply(lambda v: v / 2, indices_are_sorted=True, unique_indices=True)
    np.testing.assert_array_equal(np.asarray(got), expected)
    # a Python number's weak type keeps the array's dtype, as a value of set does
    assert fnp.arange(4).at[1].apply(lambda v: v + 1).tolist() == [0, 2, 2, 3]
    with pytest.raises(TypeError, match="astype") as info:
        fnp.arange(4).at[1].apply(fnp.sqrt)
    assert isinstance(info.value, FluxionError)
    with pytest.raises(IndexError, match=r"(?s)x\.at\[\.\.\.\]\.apply: index 7 .*mode='drop'"):
        fnp.asarray(x).at[7].apply(fnp.sin)
    with pytest.raises(ValueError, match=r"x\.at\[\.\.\.\]\.apply: mode 'nearest'"):
        fnp.asarray(x).at[1].apply(fnp.sin, mode="nearest")


def _written_out(jnp, x, idx, func):
    """jax's `x.at[idx].apply(func)` for a 1-d integer `idx` as set updates: func applied as many
    times as each index occurs."""
    positions, counts = np.unique(idx, return_counts=True)
    y = x
    for p, k in zip(positions, counts):
        v = x[p]
        for _ in range(k):
            v = func(v)
        y = y.at[p].set(v)
    return y


def test_derivatives_of_at_apply_match_jax_eagerly_and_under_jit(jax):
    x = np.array([0.3, 0.7, 1.1, 1.9, 0.0])
    idx = np.array([0, 0, 2, 0, 1])
    g, t = np.array([1.0, -2.0, 0.5, 3.0, 1.0]), np.array([1.0, 2.0, 3.0, 4.0, 5.0])
    jnp = jax.numpy
    written_out = lambda x: _written_out(jnp, x, idx, jnp.log1p)  # noqa: E731
    expected, expected_jvp = jax.jit(lambda x, t: (jax.grad(lambda x: jnp.sum(written_out(x) * g))(x),
                                                   jax.jvp(written_out, (x,), (t,))[1]))(x, t)

    def loss(x, i):
        return fnp.sum(x.at[i].apply(fnp.log1p) * g)

    for grad in (fx.grad(loss), fx.jit(fx.grad(loss))):  # under jit the index is traced: a loop of unknown length
        np.testing.assert_allclose(np.asarray(grad(fnp.asarray(x), fnp.asarray(idx))), expected, rtol=1e-14)
    np.testing.assert_allclose(np.asarray(fx.jit(fx.grad(lambda x: loss(x, idx)))(fnp.asarray(x))), expected,
                               rtol=1e-14)
    jvp = lambda x, t: fx.jvp(lambda x: x.at[idx].apply(fnp.log1p), (x,), (t,))[1]  # noqa: E731
    for f in (jvp, fx.jit(jvp)):
        np.testing.assert_allclose(np.asarray(f(fnp.asarray(x), fnp.asarray(t))), expected_jvp, rtol=1e-14)


def test_grad_of_at_apply_is_finite_where_func_is_singular_off_the_index():
    # log is applied to x[1] only: the zeros elsewhere never meet it
    grad = fx.grad(lambda x: fnp.sum(x.at[1].apply(fnp.log)))(fnp.asarray([0.0, 2.0, 0.0]))
    np.testing.assert_array_equal(np.asarray(grad), [1.0, 0.5, 1.0])


def test_at_apply_under_vmap_matches_a_loop():
    xs = np.stack([X, 2 * X])
    idx = (np.array([0, 2, 0]), np.array([1, 3, 1]))
    looped = np.stack([np.asarray(fnp.asarray(x).at[idx].apply(fnp.sin)) for x in xs])
    np.testing.assert_array_equal(np.asarray(fx.vmap(lambda x: x.at[idx].apply(fnp.sin))(fnp.asarray(xs))), looped)
    rows = np.array([[0, 0], [1, 2]])  # a batch of indices: applied twice at row 0, once at rows 1 and 2
    looped = np.stack([np.asarray(fnp.asarray(X).at[r].apply(fnp.sin)) for r in rows])
    np.testing.assert_array_equal(np.asarray(fx.vmap(lambda r: fnp.asarray(X).at[r].apply(fnp.sin))(fnp.asarray(rows))),
                                  looped)
