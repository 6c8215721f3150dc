"""Test helpers shared by all test directories (conftest.py puts this folder on sys.path):
random arrays, hypothesis strategies that draw them, and checks on fluxion's results."""
import numpy as np
import pytest
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import fluxion as fx
import fluxion.numpy as fnp
from fluxion.core import dtypes

shapes = hnp.array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=4)


# random values ----------------------------------------------------------------------------------
def rand(shape, seed=0, dtype=np.float64) -> np.ndarray:
    """Standard normal values in a real or complex `dtype` (complex ones get a normal imaginary
    part too). `seed` may also be a Generator, whose stream the draws then continue."""
    rng = np.random.default_rng(seed)
    v = rng.standard_normal(shape)
    if np.dtype(dtype).kind == "c":
        v = v + 1j * rng.standard_normal(shape)
    return v.astype(dtype)


def inputs(shapes, dtype=np.float64) -> list:
    """One `rand` array per shape, each with its own seed."""
    return [rand(s, seed=k, dtype=dtype) for k, s in enumerate(shapes)]


def fx_rand(*shape, seed=0, dtype=np.float64) -> fx.Array:
    """`rand` as a fluxion Array, the shape given as sizes."""
    return fnp.asarray(rand(shape, seed, dtype))


def posdef(shape, seed=0, dtype=np.float64) -> np.ndarray:
    """Well-conditioned Hermitian positive-definite matrices (a batch of them) in `dtype`."""
    x = rand(shape, seed, dtype).astype(np.complex128 if np.dtype(dtype).kind == "c" else np.float64)
    return (x @ np.conj(np.swapaxes(x, -1, -2)) + shape[-1] * np.eye(shape[-1])).astype(dtype)


def sample(seed, shape, dtype, scale=10) -> np.ndarray:
    """Random values of any fluxion dtype (bfloat16 and bool included): normal times `scale`,
    their sign for bool, their magnitude for unsigned types. Always an ndarray, also 0-d."""
    rng = np.random.default_rng(seed)
    v = np.asarray(rng.standard_normal(shape)) * scale
    if dtype == dtypes.bool_:
        return np.asarray(v > 0)
    if dtype in dtypes.COMPLEX:
        v = v + 1j * np.asarray(rng.standard_normal(shape))
    if dtype in dtypes.UNSIGNED:
        v = np.abs(v)
    return np.asarray(v.astype(dtype))


# hypothesis strategies --------------------------------------------------------------------------
@st.composite
def arrays(draw, shape=shapes, dtype=st.sampled_from(dtypes.ALL)):
    """`sample` arrays; `shape` and `dtype` are strategies or fixed values."""
    shape = draw(shape) if isinstance(shape, st.SearchStrategy) else shape
    seed = draw(st.integers(0, 2**16))
    return sample(seed, shape, draw(dtype) if isinstance(dtype, st.SearchStrategy) else dtype)


@st.composite
def arrays_with_ties(draw, types, specials, min_dims=1, max_dims=3, shape=None):
    """Arrays of one of `types` with many ties: small integers, and for floats also the
    `specials` (NaN, inf, signed zeros...)."""
    dt = np.dtype(draw(st.sampled_from(types)))
    if shape is None:
        shape = draw(hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=0, max_side=5))
    if dt == np.bool_:
        return draw(hnp.arrays(np.bool_, shape))
    if dt.kind in "iu":
        return draw(hnp.arrays(dt, shape, elements=st.integers(0 if dt.kind == "u" else -3, 3)))
    elements = st.one_of(st.integers(-3, 3).map(float), st.sampled_from(specials))
    value = draw(hnp.arrays(np.float64, shape, elements=elements))
    if dt.kind == "c":
        value = value + 1j * draw(hnp.arrays(np.float64, shape, elements=elements))
    return value.astype(dt)


# checks -----------------------------------------------------------------------------------------
def check(out, expected, dtype=None, rtol=0.0):
    """`out` is a fluxion Array with `expected`'s shape, its dtype (or `dtype`) and its values
    (exactly, or within `rtol`)."""
    assert isinstance(out, fx.Array), type(out)
    expected = np.asarray(expected)
    assert out.shape == expected.shape, (out.shape, expected.shape)
    assert out.dtype == (expected.dtype if dtype is None else dtype), (out.dtype, expected.dtype)
    if rtol:
        kind = np.complex128 if out.dtype.kind == "c" else np.float64
        np.testing.assert_allclose(np.asarray(out, kind), expected, rtol=rtol, atol=rtol)
    else:
        np.testing.assert_array_equal(np.asarray(out), expected)


def raises(cls, *words):
    """pytest.raises for `cls` whose message holds each of `words` and names a fix."""
    return pytest.raises(cls, match="(?s)" + "".join(f"(?=.*{w})" for w in words + ("fix:",)))
