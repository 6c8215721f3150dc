"""Normal draws and the inverse error function they take: eager draws are within rounding of
jitted ones and float32 erfinv within rounding of XLA's erf_inv (whose approximation the NumPy
kernel evaluates), at every key, shape and size; a value does not depend on how many are drawn."""
import ml_dtypes
import numpy as np
import pytest
import scipy.special as sp
from _differential import assert_matches

import fluxion as fx
import fluxion.numpy as fnp
import fluxion.scipy.special as fsp

jax = pytest.importorskip("jax")
from jax import lax  # noqa: E402

R = fx.random
SHAPES = [(), (0,), (1,), (16,), (3, 100), (6000,)]  # 0-d, empty, both sides of the kernels' small sizes
# tolerances in ulps; float64 eager draws take SciPy's erfinv, jitted ones XLA's refined by a Newton step
ULPS = {"float32": 4, "float16": 1, "bfloat16": 1, "float64": 8}


@pytest.mark.parametrize("dtype", list(ULPS))
def test_eager_normals_are_within_rounding_of_jitted_ones_at_many_keys_and_shapes(dtype):
    def draws(key):
        return [R.normal(k, shape, dtype) for k, shape in zip(R.split(key, len(SHAPES)), SHAPES)]

    jitted = fx.jit(draws)
    for key in R.split(R.key(11), 12):  # some 250 values beyond |2u - 1| = 0.9966, erfinv's tail
        assert_matches(draws(key), jitted(key), ulps=ULPS[dtype], what=f"normal({dtype})")


def _ordered(x: np.ndarray) -> np.ndarray:
    """float32 values as integers in the same order, one apart between neighbours (-0.0 is 0.0)."""
    i = np.asarray(x, np.float32).view(np.int32).astype(np.int64)
    return np.where(i < 0, -(i & 0x7FFFFFFF), i)


def test_float32_erfinv_is_within_rounding_of_xla_erf_inv():
    near_one = 1 - np.arange(1, 70000) * 2.0 ** -24  # |x| > 0.9958, erfinv's tail from 0.9966
    x = np.concatenate([np.linspace(0, 1, 100001), near_one, [1e-30, 1e-37]]).astype(np.float32)
    x = np.concatenate([x, -x])
    ours = np.asarray(fsp.erfinv(fnp.asarray(x)))
    theirs = np.asarray(jax.jit(lax.erf_inv)(x))
    assert ours.dtype == np.float32
    finite = np.abs(x) < 1
    # (2 ulps where measured: NumPy's log1p, another approximation than XLA's, varies with the CPU)
    assert np.abs(_ordered(ours[finite]) - _ordered(theirs[finite])).max() <= 3
    np.testing.assert_array_equal(ours[~finite], np.sign(x[~finite]) * np.inf)
    # within some 8 ulps of erfinv where 1 - x**2 > exp(-5), 65 beyond
    exact = sp.erfinv(x[finite].astype(np.float64))
    rel = np.abs(ours[finite] - exact) / np.abs(np.where(exact == 0, 1, exact))
    tail = np.abs(x[finite]) > 0.9966
    assert rel[~tail].max() < 9 * 2.0 ** -23 and rel[tail].max() < 66 * 2.0 ** -23


@pytest.mark.parametrize("dtype", [np.float32, ml_dtypes.bfloat16])
def test_erfinv_outside_the_open_interval_and_at_zeros(dtype):
    x = np.array([1, -1, 1.5, -2, np.inf, -np.inf, np.nan, 0.0, -0.0], dtype)
    ours = np.asarray(fsp.erfinv(fnp.asarray(x))).astype(np.float64)
    np.testing.assert_array_equal(ours, [np.inf, -np.inf] + [np.nan] * 5 + [0.0, 0.0])
    assert not np.signbit(ours[-2:]).any()  # +0.0 at -0.0, as SciPy gives and the jitted erfinv


@pytest.mark.parametrize("dtype", [fnp.float32, fnp.float64, fnp.bfloat16])
def test_a_normal_value_does_not_depend_on_how_many_are_drawn(dtype):
    key = R.key(5)
    whole = np.asarray(R.normal(key, (40000,), dtype))
    for n in (1, 7, 255, 256, 3000):
        np.testing.assert_array_equal(np.asarray(R.normal(key, (n,), dtype)), whole[:n])


def test_vmapped_normals_equal_the_loop_of_them_bit_for_bit():
    keys = R.split(R.key(8), 40)
    batched = np.asarray(fx.vmap(lambda k: R.normal(k, (300,)))(keys))
    looped = np.stack([np.asarray(R.normal(keys[i], (300,))) for i in range(40)])
    np.testing.assert_array_equal(batched, looped)


def test_jitted_float64_erfinv_is_within_some_ulps_of_scipy_near_and_far_from_the_poles():
    # XLA's own float64 approximation is within only some 1e-10 (relative) near +-1
    tiny = np.logspace(-16, -1, 600)
    x = np.concatenate([np.linspace(-0.999999, 0.999999, 20000), 1 - tiny, tiny - 1, np.logspace(-300, -1, 300)])
    got = np.asarray(fx.jit(fsp.erfinv)(fnp.asarray(x)))
    exact = sp.erfinv(x)
    assert np.max(np.abs(got - exact) / np.abs(exact)) < 8 * np.finfo(np.float64).eps
    edges = np.array([1.0, -1.0, 0.0, -0.0, np.nan, 1.5, -np.inf])
    got = np.asarray(fx.jit(fsp.erfinv)(fnp.asarray(edges)))
    np.testing.assert_array_equal(got, sp.erfinv(edges))
    assert not np.signbit(got[3])  # +0.0 at -0.0, as SciPy
