"""Derivatives of maximum, minimum and clip at ties, NaN and infinities, and of products of
broadcast factors, against jax to second order, eagerly and under jit and vmap."""
import numpy as np
import pytest

import fluxion as fx
import fluxion.numpy as fnp

from _arrays import rand
from _jax_oracle import assert_derivatives_match_jax, jax_x64

jax = jax_x64()
jnp = jax.numpy


# maximum, minimum and clip at ties, NaN and infinities -------------------------------------------
_TIES = np.array([-2.0, -1.0, 0.0, 0.5, 1.0, 2.0, np.nan, np.inf, -np.inf, 1.0])
_OTHER = np.array([-1.0, -1.0, 0.5, 0.5, 2.0, np.nan, 1.0, np.inf, 0.0, 1.0])


@pytest.mark.parametrize("f,jf", [
    (lambda x, y: fnp.maximum(x, y) * x, lambda x, y: jnp.maximum(x, y) * x),
    (lambda x, y: fnp.minimum(x, y) * fnp.sin(y), lambda x, y: jnp.minimum(x, y) * jnp.sin(y)),
    (lambda x, y: fnp.clip(x, -1.0, 1.0) ** 2 + y, lambda x, y: jnp.clip(x, -1.0, 1.0) ** 2 + y),
    (lambda x, y: fnp.maximum(x, 0.5) * fnp.minimum(y, 1.0), lambda x, y: jnp.maximum(x, 0.5) * jnp.minimum(y, 1.0)),
], ids=["maximum", "minimum", "clip", "scalar_bounds"])
def test_extrema_of_two_split_the_derivative_at_ties_as_jax_to_second_order(f, jf):
    # ties give each operand half, NaN and a lost comparison none
    finite = np.isfinite(_TIES) & np.isfinite(_OTHER)
    assert_derivatives_match_jax(f, jf, [_TIES[finite], _OTHER[finite]])
    assert_derivatives_match_jax(f, jf, [_TIES, _OTHER], second_order=False)


def test_clip_gradient_at_its_bounds_is_one_half_eager_under_jit_and_vmap():
    x = fnp.asarray(_TIES)
    expected = [0.0, 0.5, 1.0, 1.0, 0.5, 0.0, 0.0, 0.0, 0.0, 0.5]
    g = fx.grad(lambda x: fnp.sum(fnp.clip(x, -1.0, 1.0)))
    np.testing.assert_array_equal(np.asarray(g(x)), expected)
    np.testing.assert_array_equal(np.asarray(fx.jit(g)(x)), expected)
    np.testing.assert_array_equal(np.asarray(fx.vmap(g)(fnp.stack([x, x]))), [expected, expected])
    x32 = fnp.asarray(_TIES.astype(np.float32))
    assert g(x32).dtype == np.float32
    np.testing.assert_array_equal(np.asarray(g(x32)), expected)


@pytest.mark.parametrize("shapes", [[(5, 1), (1, 4)], [(3, 1, 1), (1, 2, 4)], [(), (3, 4)], [(4,), (3, 1)],
                                    [(2, 1, 3), (1, 4, 1)]], ids=str)
def test_products_of_broadcast_factors_match_jax_to_second_order_eager_and_under_jit(shapes):
    # the cotangent of a broadcast factor is summed over the axes it was broadcast along
    f = lambda x, y: fnp.sin(x * y) * (x * y)
    jf = lambda x, y: jnp.sin(x * y) * (x * y)
    xs = [rand(s, seed=k + 20) for k, s in enumerate(shapes)]
    assert_derivatives_match_jax(f, jf, xs)
    g = fx.grad(lambda x, y: fnp.sum(f(x, y)), argnums=(0, 1))
    expected = jax.grad(lambda x, y: jnp.sum(jf(x, y)), argnums=(0, 1))(*xs)
    for got, want in zip(fx.jit(g)(*xs), expected):
        np.testing.assert_allclose(np.asarray(got), want, rtol=1e-12)
    x32 = [fnp.asarray(x.astype(np.float32)) for x in xs]
    assert all(d.dtype == np.float32 for d in g(*x32))
