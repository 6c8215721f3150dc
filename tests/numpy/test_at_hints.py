"""x.at[idx] methods take jax's hints `indices_are_sorted` / `unique_indices`, and give jax's values with them."""
import jax.numpy as jnp
import numpy as np
import pytest

import fluxion.numpy as fnp


@pytest.mark.parametrize("method", ["set", "add", "subtract", "multiply", "divide", "power", "min", "max", "get"])
@pytest.mark.parametrize("hints", [dict(indices_are_sorted=True, unique_indices=True), dict(indices_are_sorted=False)])
def test_at_methods_take_jax_hints(method, hints):
    x, idx, v = np.array([1.0, 2.0, 3.0, 4.0]), np.array([0, 2, 3]), np.array([2.0, 0.5, 3.0])
    args = () if method == "get" else (v,)
    ours = getattr(fnp.asarray(x).at[fnp.asarray(idx)], method)(*args, **hints)
    theirs = getattr(jnp.asarray(x).at[jnp.asarray(idx)], method)(*args, **hints)
    np.testing.assert_allclose(np.asarray(ours), np.asarray(theirs), rtol=1e-6)
