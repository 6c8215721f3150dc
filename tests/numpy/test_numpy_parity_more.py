"""Differences from NumPy found by probing fluxion.numpy: float functions of an integer array and
a Python int outside its range, Python floats and float lists that meet float64 arrays (they keep
their value, not float32's nearest one), float_power's float64 operands, ravel's order="K" and
permute_dims without axes. NumPy is the oracle; each value is checked eagerly and under jit."""
import ml_dtypes
import numpy as np
import pytest

import fluxion as fx
import fluxion.numpy as fnp

from _arrays import check


def eager_and_jit(f, *args):
    """`f(*args)` eagerly and compiled, with the NumPy arrays `args` as its operands."""
    return f(*(fnp.asarray(a) for a in args)), fx.jit(f)(*args)


# integer arrays in float functions with a Python int outside their range --------------------------
@pytest.mark.parametrize("name", ["divide", "arctan2", "hypot", "logaddexp", "copysign", "heaviside"])
@pytest.mark.parametrize("dtype, c", [(np.int8, 255), (np.uint8, -1), (np.int16, 100_000)])
def test_float_function_of_integers_and_an_int_outside_their_range_matches_numpy(name, dtype, c):
    x = np.array([1, 2, 5], dtype)
    for args in ((x, c), (c, x)):
        with np.errstate(all="ignore"):  # (NumPy computes some in float16; the values in float64 are the oracle)
            getattr(np, name)(*args)  # NumPy accepts the int too
            want = getattr(np, name)(*(x.astype(np.float64) if a is x else a for a in args))
        for out in eager_and_jit(lambda v: getattr(fnp, name)(*(v if a is x else a for a in args)), x):
            check(out, want, dtype=np.float32, rtol=1e-6)  # integers go to the default float


def test_true_divide_operator_of_int8_by_255_matches_numpy():
    x = np.array([1, -2, 127], np.int8)
    for out in eager_and_jit(lambda v: (v / 255, 255 / v), x):
        check(out[0], x / 255, dtype=np.float32, rtol=1e-6)
        check(out[1], 255 / x, dtype=np.float32, rtol=1e-6)


# Python floats and float lists meeting float64 arrays keep their values --------------------------
X = np.array([0.3, 1.7, 2.9, 5.1])


@pytest.mark.parametrize("f, g", [
    (lambda a: a == [0.3, 1.7, 2.9, 5.1], None),
    (lambda a: fnp.dot(a, [0.1, 0.2, 0.3, 0.4]), lambda a: np.dot(a, [0.1, 0.2, 0.3, 0.4])),
    (lambda a: a @ [0.1, 0.2, 0.3, 0.4], None),
    (lambda a: fnp.convolve(a, [0.1, 0.2]), lambda a: np.convolve(a, [0.1, 0.2])),
    (lambda a: fnp.append(a, 0.1), lambda a: np.append(a, 0.1)),
    (lambda a: fnp.put(a, fnp.asarray([0, 2]), 0.1, inplace=False),
     lambda a: (lambda b: (np.put(b, [0, 2], 0.1), b)[1])(a.copy())),
    (lambda a: fnp.piecewise(a, [a < 1], [0.1, 0.2]), lambda a: np.piecewise(a, [a < 1], [0.1, 0.2])),
    (lambda a: fnp.fill_diagonal(fnp.reshape(a, (2, 2)), 0.1, inplace=False),
     lambda a: (lambda b: (np.fill_diagonal(b, 0.1), b)[1])(a.reshape(2, 2).copy())),
    (lambda a: fnp.float_power(a, 0.1), lambda a: np.float_power(a, 0.1)),
], ids=["eq-list", "dot-list", "matmul-list", "convolve-list", "append", "put", "piecewise", "fill_diagonal",
        "float_power"])
def test_python_floats_meeting_float64_arrays_keep_their_value_as_numpy(f, g):
    want = (g or f)(X)
    for out in eager_and_jit(f, X):
        assert out.dtype == want.dtype
        # (a float read through float32 is some 1e-8 off; a sum's order, which BLAS chooses, an ulp or two)
        np.testing.assert_allclose(np.asarray(out), want, rtol=1e-14, atol=0)


def test_append_keeps_weak_python_ints_and_numpy_bounds():
    x = np.array([1, 2], np.int8)
    for out in eager_and_jit(lambda v: fnp.append(v, 3), x):
        assert out.dtype == fnp.int8  # a Python int is weak, as in every fluxion operation
        check(out, np.array([1, 2, 3], np.int8))
    with pytest.raises(OverflowError):
        np.put(x.copy(), [0], 300)
    with pytest.raises(OverflowError):
        fnp.put(fnp.asarray(x), fnp.asarray([0]), 300, inplace=False)


# float_power --------------------------------------------------------------------------------------
@pytest.mark.parametrize("x, c", [(np.array([2, 3]), 0.1), (np.array([2.0, 3.0], np.float32), 0.1),
                                  (np.array([1, 2], np.int8), 1000), (np.array([2, 3]), 0.1 + 0.2j)])
def test_float_power_converts_python_numbers_straight_to_float64_as_numpy(x, c):
    for args in ((x, c), (c, x)):
        want = np.float_power(*args)
        for out in eager_and_jit(lambda v: fnp.float_power(*(v if a is x else a for a in args)), x):
            assert out.dtype == want.dtype
            check(out, want, rtol=1e-15)


# ravel order="K", permute_dims without axes -------------------------------------------------------
@pytest.mark.parametrize("f", [lambda a: fnp.ravel(a, order="K"), lambda a: a.ravel("K"), lambda a: a.flatten("K"),
                               lambda a: fnp.flatten(a, order="K")])
def test_ravel_in_memory_order_is_row_major_as_numpy_for_a_new_array(f):
    a = np.arange(24).reshape(2, 3, 4)
    for out in eager_and_jit(f, a):
        check(out, np.ravel(a, order="K"))


def test_permute_dims_without_axes_reverses_them_as_numpy():
    a = np.arange(24).reshape(2, 3, 4)
    for out in eager_and_jit(fnp.permute_dims, a):
        check(out, np.permute_dims(a))


def test_a_python_float_in_a_list_with_traced_values_keeps_its_float64_value():
    x = fnp.asarray(np.array(0.5))
    got = fx.jit(lambda x: fnp.asarray([x, 0.1]))(x)
    np.testing.assert_array_equal(np.asarray(got), np.asarray([0.5, 0.1]))
    assert float(fx.grad(lambda x: (fnp.asarray([x, 0.1]) * fnp.asarray([3.0, 1.0])).sum())(x)) == 3.0


def test_lists_of_python_floats_keep_their_value_in_isin_and_joins_with_float64():
    x = np.array([0.3, 0.1, 2.0])
    for f, want in [(lambda v: fnp.isin(v, [0.3, 2]), np.isin(x, [0.3, 2])),
                    (lambda v: fnp.concatenate([v, [0.1]]), np.concatenate([x, [0.1]])),
                    (lambda v: fnp.stack([v, [0.1, 0.2, 0.7]]), np.stack([x, [0.1, 0.2, 0.7]]))]:
        for out in eager_and_jit(f, x):
            assert out.dtype == want.dtype
            np.testing.assert_array_equal(np.asarray(out), want)


# NumPy operands of comparisons, gradient's spacings, positional endpoint --------------------------
@pytest.mark.parametrize("name", ["equal", "not_equal", "less", "less_equal", "greater", "greater_equal"])
def test_comparisons_of_numpy_uint64_operands_match_numpy(name):
    u = np.array([1, 2, 2 ** 63 + 7], np.uint64)
    for args in ((u, np.array([1, -3, 5])), (u, 1.5), (np.uint64(2), u), (np.array([-1, 2, 3], np.int32), u)):
        got = getattr(fnp, name)(*args)
        np.testing.assert_array_equal(np.asarray(got), getattr(np, name)(*args))


@pytest.mark.parametrize("spacing", [np.arange(5.0), np.float64(0.5), np.array(0.5), 0.5, np.arange(5, dtype=np.int64)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_gradient_takes_the_samples_dtype_whatever_the_spacings_dtype(spacing, dtype):
    f = (np.arange(5.0) ** 3).astype(dtype)
    want = np.gradient(f, spacing)
    got = fnp.gradient(fnp.asarray(f), spacing)
    check(got, want, dtype=dtype, rtol=1e-6)


def test_logspace_and_geomspace_take_endpoint_and_the_rest_by_position_as_numpy():
    check(fnp.logspace(0, 2, 4, False, 2.0, "float64", 0), np.logspace(0, 2, 4, False, 2.0, np.float64, 0),
          dtype=np.float64, rtol=1e-15)
    check(fnp.geomspace(1, 8, 3, False, "float64", 0), np.geomspace(1, 8, 3, False, np.float64, 0),
          dtype=np.float64, rtol=1e-15)


# booleans alone in arithmetic that NumPy takes them in (as int8; float_power as float64) -----------
@pytest.mark.parametrize("name", ["square", "floor_divide", "remainder", "fmod", "power", "float_power", "divmod"])
def test_boolean_arithmetic_promotes_as_in_numpy(name):
    a, b = np.array([True, False, True, False]), np.array([True, True, False, False])
    args = (a,) if name == "square" else (a, b)
    with np.errstate(all="ignore"):
        want = getattr(np, name)(*args)
    for got in eager_and_jit(getattr(fnp, name), *args):
        for g, w in zip(*((got, want) if name == "divmod" else ((got,), (want,)))):
            assert g.dtype == w.dtype
            np.testing.assert_array_equal(g, w)
    ops = {"floor_divide": lambda x, y: x // y, "remainder": lambda x, y: x % y, "power": lambda x, y: x ** y}
    if name in ops:
        for got in eager_and_jit(ops[name], *args):
            assert got.dtype == want.dtype
            np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("exponent_dtype", [np.int8, np.int16, np.uint8, np.int64])
@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_ldexp_and_frexp_traced_match_numpy_at_the_exponent_dtypes_ends(dtype, exponent_dtype):
    # traced (vmap runs the general path on the host): -128 of int8 was clamped to -127
    info = np.iinfo(exponent_dtype)
    n = np.array([info.min, info.min + 1, 0, 1, info.max, info.max - 3, 5], exponent_dtype)
    x = np.array([1.5, -1.0, 3.0, 1e-3, 0.0, np.inf, np.nan], dtype)
    with np.errstate(over="ignore"):
        want = np.ldexp(x.astype(np.float64), n.astype(np.int64)).astype(dtype)
    for f in (fnp.ldexp, fx.vmap(fnp.ldexp)):
        np.testing.assert_array_equal(np.asarray(f(x, n)).view(np.uint8), want.view(np.uint8))
    m, e = fx.vmap(fnp.frexp)(x)
    wm, we = np.frexp(x)
    np.testing.assert_array_equal(np.asarray(m).view(np.uint8), wm.view(np.uint8))
    np.testing.assert_array_equal(e, we)


@pytest.mark.parametrize("dt", [np.float16, np.float32, np.float64, ml_dtypes.bfloat16])
def test_compiled_frexp_of_a_subnormal_keeps_x_equal_to_mantissa_times_two_to_exponent(dt):
    # compiled code may flush the subnormal in log2 but not in the comparison with 0: the exponent
    # came out as INT_MIN and the mantissa 0
    x = np.array([float(ml_dtypes.finfo(dt).smallest_subnormal), 1.0, 0.0], dt)
    m, e = fx.jit(fnp.frexp)(x)
    assert np.asarray(e).tolist()[1:] == [1, 0] and abs(int(np.asarray(e)[0])) <= 2 * int(ml_dtypes.finfo(dt).maxexp)
    np.testing.assert_array_equal(np.ldexp(np.asarray(m).astype(np.float64), np.asarray(e)), x.astype(np.float64))
