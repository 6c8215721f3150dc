"""Shared helpers of the fluxion.lax tests: inputs by dtype and comparison with jax.lax."""
import numpy as np

RTOL = {np.dtype(np.float32): 2e-5, np.dtype(np.float64): 1e-12, np.dtype(np.complex64): 2e-5,
        np.dtype(np.complex128): 1e-12}
SHAPES = [(), (0,), (3, 4)]


def tolerance(dtype, scale: float = 1.0) -> dict:
    rtol = RTOL.get(np.dtype(dtype), 0.0) * scale
    return {"rtol": rtol, "atol": rtol}


def check(out, expected, scale: float = 1.0, dtype: bool = True) -> None:
    """`out` (fluxion) matches `expected` (jax): shape, dtype, and values within the dtype's tolerance."""
    out, expected = np.asarray(out), np.asarray(expected)
    assert out.shape == expected.shape, (out.shape, expected.shape)
    if dtype:
        assert out.dtype == expected.dtype, (out.dtype, expected.dtype)
    np.testing.assert_allclose(out, expected, equal_nan=True, **tolerance(expected.dtype, scale))


def sample(rng, shape, dtype, low: float = -2.0, high: float = 2.0) -> np.ndarray:
    """Random values of `dtype` in [low, high) (integers: whole numbers, booleans: coin flips)."""
    dtype = np.dtype(dtype)
    if dtype == np.bool_:
        return rng.random(shape) < 0.5
    if dtype.kind in "iu":
        return rng.integers(int(low), int(high) + 1, shape).astype(dtype)
    x = rng.uniform(low, high, shape)
    if dtype.kind == "c":
        x = x + 1j * rng.uniform(low, high, shape)
    return x.astype(dtype)
