"""Derivatives of programs outside the random-program generators, against jax or finite differences."""
import numpy as np
import pytest

import fluxion as fx
import fluxion.numpy as fnp

from _jax_oracle import jax_x64

jax = jax_x64()
jnp = jax.numpy


@pytest.mark.parametrize("computation", ["max", "min"])
@pytest.mark.parametrize("strides, padding", [((1, 1), "VALID"), ((2, 1), "SAME")])
def test_jit_derivatives_of_max_and_min_pooling_match_jax(computation, strides, padding):
    # the rule's shifted views of the window once compiled to a crash in XLA's simplifier
    x = np.random.default_rng(0).normal(size=(3, 5))
    cols = 4 if padding == "VALID" else 5  # the pooled array is (2, cols)
    w = np.arange(1.0, 2 * cols + 1).reshape(2, cols)

    def pool(m, lax):
        init = -np.inf if computation == "max" else np.inf
        return lambda x: m.sum(lax.reduce_window(m.sin(x) * x, init, getattr(lax, computation), (2, 2), strides,
                                                 padding) * w)

    f, jf = pool(fnp, fx.lax), pool(jnp, jax.lax)
    expected = jax.grad(jf)(x)
    for g in (fx.grad(f), fx.jit(fx.grad(f))):
        np.testing.assert_allclose(np.asarray(g(fnp.asarray(x))), expected, rtol=1e-12)
    jvp = fx.jit(lambda x, t: fx.jvp(f, (x,), (t,))[1])
    np.testing.assert_allclose(np.asarray(jvp(fnp.asarray(x), fnp.asarray(np.cos(x)))),
                               jax.jvp(jf, (x,), (np.cos(x),))[1], rtol=1e-12)
