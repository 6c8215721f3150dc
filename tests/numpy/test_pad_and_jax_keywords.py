"""fnp.pad's statistic and ramp modes against NumPy, and jax's keywords (repeat's
total_repeat_length, put_along_axis's inplace, x.at[idx].divide / .power) against jax:
values, dtypes, errors, jit against eager, and gradients against finite differences."""
import numpy as np
import pytest

import fluxion as fx
import fluxion.numpy as fnp
from fluxion.core.errors import ConcretizationError

from _arrays import check, raises, sample

STAT_MODES = ["maximum", "mean", "median", "minimum"]
SHAPES = [(5,), (3, 4), (2, 3, 2)]


@pytest.fixture(scope="module")
def jnp():
    jax = pytest.importorskip("jax")
    jax.config.update("jax_enable_x64", True)
    return jax.numpy


def numeric_grad(f, x: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """The gradient of the scalar `f` at float64 `x` by central differences, one coordinate at a time."""
    g = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        step = np.zeros_like(x)
        step[i] = eps
        g[i] = (float(f(fnp.asarray(x + step))) - float(f(fnp.asarray(x - step)))) / (2 * eps)
    return g


def check_pad(x: np.ndarray, width, mode: str, **kwargs):
    """fnp.pad matches np.pad: exactly, except for float32 statistics (summed in another order)."""
    out = fnp.pad(fnp.asarray(x), width, mode, **kwargs)
    check(out, np.pad(x, width, mode, **kwargs), rtol=1e-6 if x.dtype == np.float32 else 0.0)


# pad: statistic and ramp modes -------------------------------------------------------------------
def widths_for(ndim: int) -> list:
    """A scalar, a pair, and per-axis pairs (some zero) for an array of `ndim` axes."""
    return [2, (1, 3), tuple((k % 3, (k + 2) % 4) for k in range(ndim))]


@pytest.mark.parametrize("mode", STAT_MODES + ["linear_ramp"])
@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("dtype", [np.int32, np.int64, np.float32, np.float64])
def test_pad_statistic_and_ramp_modes_match_numpy(mode, shape, dtype):
    x = sample(len(shape), shape, dtype)
    for width in widths_for(len(shape)):
        check_pad(x, width, mode)


@pytest.mark.parametrize("mode", STAT_MODES)
@pytest.mark.parametrize("stat_length", [1, 2, (1, 3), ((1, 2), (3, 1)), [[2], [1]], 100, None])
@pytest.mark.parametrize("dtype", [np.int64, np.float64])
def test_pad_stat_length_forms_match_numpy(mode, stat_length, dtype):
    x = sample(7, (4, 5), dtype)
    check_pad(x, ((2, 1), (1, 3)), mode, stat_length=stat_length)


@pytest.mark.parametrize("end_values", [5, (-3, 4), ((1, 2), (3, -4)), [[7], [-7]], 2.5, 0])
@pytest.mark.parametrize("dtype", [np.int32, np.int64, np.float32, np.float64])
def test_pad_linear_ramp_end_values_forms_match_numpy(end_values, dtype):
    x = sample(3, (3, 4), dtype)
    check_pad(x, ((3, 2), (1, 4)), "linear_ramp", end_values=end_values)


def test_pad_integer_statistics_round_halves_to_even_and_ramps_round_down_as_numpy():
    cases = [([1, 2], "mean", {}), ([3, 5, 6, 8], "mean", {}), ([-3, -2], "mean", {}), ([1, 4], "median", {}),
             ([1, 2, 6], "median", {}), ([-5], "linear_ramp", {}), ([1, 2, 3], "linear_ramp", {"end_values": (0, 10)}),
             ([10], "linear_ramp", {"end_values": (-1, 3)}), ([7, 8, 9], "mean", {"stat_length": 2})]
    for values, mode, kwargs in cases:
        check_pad(np.asarray(values, np.int64), 3, mode, **kwargs)
    assert fnp.pad(fnp.asarray([1, 2]), 2, "mean").tolist() == [2, 2, 1, 2, 2, 2]


@pytest.mark.parametrize("mode", ["mean", "maximum", "minimum", "linear_ramp"])
def test_pad_of_bool_and_complex_arrays_matches_numpy(mode):
    check_pad(np.array([[True, False, False], [True, True, False]]), (1, 2), mode)
    if mode in ("mean", "linear_ramp"):
        check_pad(sample(1, (2, 3), np.complex64), (2, 1), mode)


@pytest.mark.parametrize("mode", STAT_MODES + ["linear_ramp", "edge", "wrap"])
def test_pad_of_empty_arrays_matches_numpy_and_refuses_to_extend_empty_axes(mode):
    x = np.zeros((0, 3), np.float32)
    check_pad(x, ((0, 0), (1, 2)), mode)
    check_pad(x, 0, mode)
    with raises(ValueError, "pad", "empty axis 0"):
        fnp.pad(fnp.asarray(x), ((1, 0), (0, 0)), mode)


@pytest.mark.parametrize("mode", STAT_MODES + ["linear_ramp"])
def test_pad_with_zero_widths_returns_the_values(mode):
    x = sample(2, (2, 3), np.float64)
    check_pad(x, 0, mode)
    check_pad(x, ((0, 0), (0, 2)), mode)


def test_pad_argument_errors_name_the_fix():
    x = fnp.zeros((2, 2))
    for bad in (0, -1, ((1, 0), (1, 1))):
        with raises(ValueError, "pad", "stat_length", "positive"):
            fnp.pad(x, 1, "mean", stat_length=bad)
    with raises(TypeError, "pad", "stat_length", "integers"):
        fnp.pad(x, 1, "maximum", stat_length=1.5)
    with raises(ValueError, "pad", "stat_length", "does not fit"):
        fnp.pad(x, 1, "minimum", stat_length=((1, 1), (1, 1), (1, 1)))
    with raises(ValueError, "pad", "end_values", "does not fit"):
        fnp.pad(x, 1, "linear_ramp", end_values=(1, 2, 3))
    with raises(ValueError, "pad", "keyword", "end_values"):
        fnp.pad(x, 1, "mean", end_values=1)
    with raises(ValueError, "pad", "keyword", "stat_length"):
        fnp.pad(x, 1, "linear_ramp", stat_length=1)
    with raises(ValueError, "pad", "not supported", "median"):
        fnp.pad(x, 1, "average")


@pytest.mark.parametrize("mode, kwargs", [("mean", {"stat_length": 2}), ("median", {}), ("maximum", {}),
                                          ("minimum", {"stat_length": (1, 2)}),
                                          ("linear_ramp", {"end_values": (-1, 2)})])
@pytest.mark.parametrize("dtype", [np.int32, np.float64])
def test_pad_under_jit_matches_eager(mode, kwargs, dtype):
    x = fnp.asarray(sample(4, (3, 4), dtype))
    def f(x):
        return fnp.pad(x, ((1, 2), (3, 0)), mode, **kwargs)

    # XLA's float division may differ from NumPy's in the last bit; integers must agree exactly
    check(fx.jit(f)(x), np.asarray(f(x)), rtol=1e-12 if dtype == np.float64 else 0.0)


def test_pad_integer_linear_ramps_under_jit_match_numpy():
    rng = np.random.default_rng(0)
    for _ in range(20):
        x = rng.integers(-50, 50, (3, int(rng.integers(1, 5))))
        widths = ((2, 1), tuple(int(w) for w in rng.integers(0, 12, 2)))
        ends = ((int(rng.integers(-50, 50)), 0), tuple(int(e) for e in rng.integers(-50, 50, 2)))
        f = fx.jit(lambda x, widths=widths, ends=ends: fnp.pad(x, widths, "linear_ramp", end_values=ends))
        check(f(fnp.asarray(x)), np.pad(x, widths, "linear_ramp", end_values=ends))


def test_traced_ramp_ends_are_operands_with_derivatives():
    # the ramps go linearly from the ends to the edges: d/de of sum(pad(ones(2), 2, ramp to e)) is 1 + 1/2 per side
    f = lambda e: fnp.sum(fnp.pad(fnp.ones(2, dtype=fnp.float64), 2, mode="linear_ramp", end_values=e))  # noqa: E731
    e = fnp.asarray(3.0, dtype=fnp.float64)
    assert float(fx.grad(f)(e)) == float(fx.jit(fx.grad(f))(e)) == 3.0
    ends = fnp.asarray([[3.0, 6.0], [-1.0, 2.0]])
    check(fx.jit(lambda e: fnp.pad(fnp.ones((2, 2)), 1, mode="linear_ramp", end_values=e))(ends),
          np.pad(np.ones((2, 2), np.float32), 1, mode="linear_ramp", end_values=np.asarray(ends)))


@pytest.mark.parametrize("mode, kwargs", [("mean", {}), ("mean", {"stat_length": 2}), ("maximum", {}),
                                          ("maximum", {"stat_length": (1, 2)}), ("linear_ramp", {}),
                                          ("linear_ramp", {"end_values": (0.5, -2.0)}), ("median", {})])
def test_grad_of_pad_matches_finite_differences(mode, kwargs):
    x = sample(5, (3, 4), np.float64) / 10  # distinct values, so the extrema are unique
    weights = fnp.asarray(sample(6, (6, 8), np.float64))

    def f(x):
        return fnp.sum(fnp.sin(fnp.pad(x, ((1, 2), (3, 1)), mode, **kwargs)) * weights)

    np.testing.assert_allclose(np.asarray(fx.grad(f)(fnp.asarray(x))), numeric_grad(f, x), rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("values", [1.5, [1.5, -2.0], [[1.5, -2.0], [0.5, 3.0]]])
def test_grad_of_pad_with_array_constant_values_matches_jax_eagerly_and_under_jit(jnp, values):
    import jax

    x = sample(5, (3, 4), np.float64) / 10
    c = np.asarray(values)
    weights = sample(6, (6, 5), np.float64)

    def program(m, x, c):
        return m.sum(m.sin(m.pad(x, ((1, 2), (0, 1)), constant_values=c)) * weights)

    expected = jax.grad(lambda x, c: program(jnp, x, c), argnums=(0, 1))(x, c)
    f = fx.grad(lambda x, c: program(fnp, x, c), argnums=(0, 1))
    for got in (f(fnp.asarray(x), fnp.asarray(c)), fx.jit(f)(fnp.asarray(x), fnp.asarray(c))):
        for g, e in zip(got, expected):
            np.testing.assert_allclose(np.asarray(g), np.asarray(e), rtol=1e-12, atol=1e-14)


def test_grad_of_pad_with_constant_values_given_as_pairs_of_traced_numbers():
    x = sample(5, (2, 2), np.float64)
    weights = sample(6, (3, 4), np.float64)

    def f(v):  # each pair holds traced numbers and a Python one
        padded = fnp.pad(fnp.asarray(x), ((1, 0), (1, 1)), constant_values=((v[0], 1.0), (v[1] * 3, v[0] * 2)))
        return fnp.sum(padded ** 2 * weights)
    v = np.array([2.0, 3.0])
    for grad in (fx.grad(f), fx.jit(fx.grad(f))):
        np.testing.assert_allclose(np.asarray(grad(fnp.asarray(v))), numeric_grad(f, v), rtol=1e-6)


# repeat: total_repeat_length ------------------------------------------------------------------
REPEATS = [([1, 2, 3], [2, 0, 1], None, 5), ([1, 2, 3], [2, 0, 1], None, 2), ([1, 2, 3], [2, 0, 1], None, 0),
           ([1, 2, 3], [0, 0, 0], None, 2), ([1, 2, 3], 2, None, 5), ([1, 2, 3], 2, None, 7), ([1, 2, 3], [2], None, 4),
           ([[1, 2], [3, 4]], [1, 2], 1, 4), ([[1, 2], [3, 4]], [1, 2, 0, 1], None, 6),
           ([[1, 2], [3, 4]], [3, 1], 0, 3), ([[1, 2], [3, 4]], 3, -2, 4)]


@pytest.mark.parametrize("a, repeats, axis, total", REPEATS)
def test_repeat_with_total_repeat_length_matches_jax_eagerly_and_with_traced_repeats(jnp, a, repeats, axis, total):
    expected = np.asarray(jnp.repeat(jnp.asarray(a), jnp.asarray(repeats), axis=axis, total_repeat_length=total))
    x, r = fnp.asarray(a), fnp.asarray(repeats)
    check(fnp.repeat(x, repeats, axis=axis, total_repeat_length=total), expected)
    check(fnp.repeat(x, r, axis, total_repeat_length=total), expected)
    traced = fx.jit(lambda x, r: fnp.repeat(x, r, axis=axis, total_repeat_length=total))
    check(traced(x, r), expected)


def test_repeat_with_total_repeat_length_under_vmap_and_grad(jnp):
    counts = np.array([[1, 1, 1], [3, 0, 0], [0, 0, 0], [0, 2, 9]])
    expected = np.stack([np.asarray(jnp.repeat(jnp.asarray([1, 2, 3]), jnp.asarray(c), total_repeat_length=5))
                         for c in counts])
    check(fx.vmap(lambda r: fnp.repeat(fnp.asarray([1, 2, 3]), r, total_repeat_length=5))(fnp.asarray(counts)),
          expected)

    def f(y):
        return fnp.sum(fnp.repeat(y, fnp.asarray([2, 0, 1]), total_repeat_length=5) ** 2)

    y = np.array([1.0, 2.0, 3.0])
    np.testing.assert_allclose(np.asarray(fx.grad(f)(fnp.asarray(y))), numeric_grad(f, y), rtol=1e-6)


def test_repeat_of_empty_axis_with_total_repeat_length_stays_empty_as_jax(jnp):
    expected = jnp.repeat(jnp.zeros((0, 2)), jnp.asarray([], dtype=int), axis=0, total_repeat_length=3)
    check(fnp.repeat(fnp.zeros((0, 2)), [], axis=0, total_repeat_length=3), np.asarray(expected, np.float32))


def test_repeat_errors_name_total_repeat_length():
    with raises(ConcretizationError, "repeat", "total_repeat_length"):
        fx.jit(lambda r: fnp.repeat(fnp.arange(3), r))(fnp.asarray([1, 1, 1]))
    with raises(ValueError, "repeat", "negative"):
        fnp.repeat(fnp.arange(3), 2, total_repeat_length=-1)
    with raises(ValueError, "repeat", "repeat counts"):
        fnp.repeat(fnp.arange(3), [1, 2], total_repeat_length=4)


# put_along_axis: inplace ------------------------------------------------------------------------
def test_put_along_axis_accepts_inplace_false_and_refuses_inplace_true():
    a = np.arange(6).reshape(2, 3)
    i = np.array([[2], [0]])
    expected = a.copy()
    np.put_along_axis(expected, i, 9, axis=1)
    for kwargs in ({}, {"inplace": False}):
        check(fnp.put_along_axis(fnp.asarray(a), fnp.asarray(i), 9, axis=1, **kwargs), expected)
    with raises(ValueError, "put_along_axis", "in place", "inplace=False"):
        fnp.put_along_axis(fnp.asarray(a), fnp.asarray(i), 9, axis=1, inplace=True)


# x.at[idx].divide / .power ----------------------------------------------------------------------
AT_CASES = [(np.arange(1.0, 5.0), [0, 0, 2], 2.0), (np.arange(1.0, 5.0), [0, 0, 2], [2.0, 3.0, 4.0]),
            (np.arange(1.0, 7.0).reshape(2, 3), (slice(None), 1), [0.5, 4.0]),
            (np.arange(1.0, 7.0).reshape(2, 3), ([1, 1], [2, 2]), [2.0, 0.5]),
            (np.arange(1.0, 5.0), slice(1, None, 2), 3.0), (np.arange(1, 5), [1, 3, 3], [2, 3, 1])]


def _index(idx, module):
    """`idx` with its lists as `module`'s arrays."""
    if isinstance(idx, tuple):
        return tuple(_index(i, module) for i in idx)
    return module.asarray(idx) if isinstance(idx, list) else idx


@pytest.mark.parametrize("op", ["divide", "power"])
@pytest.mark.parametrize("x, idx, values", AT_CASES)
def test_at_divide_and_power_match_jax_with_repeated_indices(jnp, op, x, idx, values):
    expected = np.asarray(getattr(jnp.asarray(x).at[_index(idx, jnp)], op)(jnp.asarray(values)))
    out = getattr(fnp.asarray(x).at[_index(idx, fnp)], op)(fnp.asarray(values))
    dtype = fnp.divide(fnp.asarray(x), fnp.asarray(x)).dtype if op == "divide" else expected.dtype
    check(out, expected.astype(dtype), rtol=1e-6 if dtype == np.float32 else 1e-15)
    jitted = fx.jit(lambda x, v: getattr(x.at[_index(idx, fnp)], op)(v))(fnp.asarray(x), fnp.asarray(values))
    check(jitted, np.asarray(out))


@pytest.mark.parametrize("op", ["divide", "power"])
def test_grad_of_at_divide_and_power_matches_finite_differences(op):
    x = np.array([0.5, 1.5, 2.0, 3.0, -1.0])
    v = np.array([1.5, 0.5, 2.0])
    idx = fnp.asarray([2, 2, 3])

    def f(x, v):
        return fnp.sum(fnp.cos(getattr(x.at[idx], op)(v)))

    gx, gv = fx.grad(f, argnums=(0, 1))(fnp.asarray(x), fnp.asarray(v))
    np.testing.assert_allclose(np.asarray(gx), numeric_grad(lambda x: f(x, fnp.asarray(v)), x), rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(np.asarray(gv), numeric_grad(lambda v: f(fnp.asarray(x), v), v), rtol=1e-6, atol=1e-8)


def test_at_divide_and_power_with_out_of_bounds_indices_follow_mode():
    x = fnp.asarray([1.0, 2.0, 4.0])
    check(x.at[fnp.asarray([0, 5])].divide(2.0, mode="drop"), np.array([0.5, 2.0, 4.0], np.float32))
    check(x.at[fnp.asarray([2, 5])].power(2.0, mode="drop"), np.array([1.0, 2.0, 16.0], np.float32))
    with pytest.raises(IndexError):
        x.at[fnp.asarray([5])].divide(2.0)
