"""fluxion.lax's elementwise functions against jax.lax on the same inputs, by dtype and shape."""
import numpy as np
import pytest

import fluxion as fx
import fluxion.numpy as fnp
from fluxion import lax
from fluxion.core.errors import DTypeError

from _lax_oracle import SHAPES, check, sample

F, C, I = ("float32", "float64"), ("complex64", "complex128"), ("int32", "int64")

# name, dtypes, (low, high), tolerance scale
def _cases(dtypes):
    """Every shape for the first dtype, a 2-d array for the others (jax compiles per shape and dtype)."""
    return [(dtypes[0], shape) for shape in SHAPES] + [(dt, (3, 4)) for dt in dtypes[1:]]


UNARY = [
    ("neg", F + C + I, (-2, 2), 1), ("sign", F + C + I, (-2, 2), 1), ("abs", F + C + I, (-2, 2), 1),
    ("square", F + C + I, (-2, 2), 1), ("exp", F + C, (-2, 2), 1), ("exp2", F, (-2, 2), 1),
    ("log", F + C, (0.1, 3), 1), ("log1p", F, (-0.9, 2), 1), ("expm1", F, (-2, 2), 1),
    ("sqrt", F + C, (0.1, 3), 1), ("rsqrt", F, (0.1, 3), 1), ("cbrt", F, (-2, 2), 1),
    ("sin", F + C, (-3, 3), 1), ("cos", F + C, (-3, 3), 1), ("tan", F, (-1.2, 1.2), 2),
    ("asin", F, (-0.9, 0.9), 1), ("acos", F, (-0.9, 0.9), 1), ("atan", F, (-3, 3), 1),
    ("sinh", F, (-2, 2), 1), ("cosh", F, (-2, 2), 1), ("tanh", F + C, (-2, 2), 1),
    ("asinh", F, (-2, 2), 1), ("acosh", F, (1.1, 3), 1), ("atanh", F, (-0.9, 0.9), 1),
    ("logistic", F, (-4, 4), 1), ("erf", F, (-2, 2), 1), ("erfc", F, (-2, 2), 1), ("erf_inv", F, (-0.9, 0.9), 5),
    ("lgamma", F, (0.1, 5), 5), ("digamma", F, (0.1, 5), 20), ("bessel_i0e", F, (-3, 3), 5),
    ("bessel_i1e", F, (-3, 3), 5), ("floor", F, (-3, 3), 1), ("ceil", F, (-3, 3), 1), ("round", F, (-3, 3), 1),
    ("is_finite", F, (-3, 3), 1), ("real", C, (-2, 2), 1), ("imag", C, (-2, 2), 1), ("conj", F + C, (-2, 2), 1),
    ("population_count", ("int8", "uint16", "int32", "int64"), (-100, 100), 1),
    ("clz", ("int8", "uint16", "int32", "uint64"), (-100, 100), 1), ("bitwise_not", ("bool", "int8", "uint32"), (-9, 9), 1),
]


@pytest.mark.parametrize("name,dtypes,bounds,scale", UNARY, ids=[u[0] for u in UNARY])
def test_unary_matches_jax(jlax, rng, name, dtypes, bounds, scale):
    for dtype, shape in _cases(dtypes):
            x = sample(rng, shape, dtype, *bounds)
            if dtype.startswith("uint"):
                x = np.abs(x.astype(np.int64)).astype(dtype)
            check(getattr(lax, name)(x), getattr(jlax, name)(x), scale)


def test_clz_of_int64_with_the_top_bit_set_is_zero():  # (log2 of 2**64 - 1 rounds up to 64)
    assert lax.clz(np.array([-1, -5, np.iinfo(np.int64).min], np.int64)).tolist() == [0, 0, 0]


def _divisor(rng, shape, dtype):
    y = sample(rng, shape, dtype, -5, 5)
    return np.where(y == 0, 3, y).astype(dtype)


BINARY = [
    ("add", F + C + I), ("sub", F + C + I), ("mul", F + C + I), ("div", F + C + I), ("rem", F + I),
    ("max", F + I + ("bool",)), ("min", F + I + ("bool",)), ("atan2", F), ("nextafter", F),
    ("eq", F + I + ("bool",)), ("ne", F + I + ("bool",)), ("lt", F + I + ("bool",)), ("le", F + I + ("bool",)),
    ("gt", F + I + ("bool",)), ("ge", F + I + ("bool",)), ("bitwise_and", I + ("bool", "uint8")),
    ("bitwise_or", I + ("bool", "uint8")), ("bitwise_xor", I + ("bool", "uint8")), ("complex", F),
]


@pytest.mark.parametrize("name,dtypes", BINARY, ids=[b[0] for b in BINARY])
def test_binary_matches_jax_with_negative_operands(jlax, rng, name, dtypes):
    for dtype, shape in _cases(dtypes):
            x = sample(rng, shape, dtype, -9, 9)
            y = _divisor(rng, shape, dtype) if name in ("div", "rem") and dtype != "bool" else sample(rng, shape, dtype, -9, 9)
            if name in ("eq", "le", "ge") and x.size:
                y.flat[0] = x.flat[0]  # an equal pair
            check(getattr(lax, name)(x, y), getattr(jlax, name)(x, y))


def test_integer_div_truncates_and_rem_takes_the_dividends_sign(jlax):
    x, y = np.array([7, -7, 7, -7, 0], np.int32), np.array([2, 2, -2, -2, 3], np.int32)
    check(lax.div(x, y), jlax.div(x, y))
    check(lax.rem(x, y), jlax.rem(x, y))
    assert lax.div(x, y).tolist() == [3, -3, -3, 3, 0] and lax.rem(x, y).tolist() == [1, -1, 1, -1, 0]
    xf, yf = x.astype(np.float64) + 0.5, y.astype(np.float64)
    check(lax.rem(xf, yf), jlax.rem(xf, yf))


@pytest.mark.parametrize("dtype", ["int8", "int64", "uint8", "uint32"])
def test_integer_division_by_zero_and_overflow_match_jax_eagerly_and_under_jit(jlax, dtype):
    info = np.iinfo(dtype)
    x = np.array([int(info.min), 7, 0, int(info.max), int(info.min)], dtype)
    y = np.array([0, 0, 0, 3, -1 if info.min else 1], dtype)
    for name in ("div", "rem"):
        want = getattr(jlax, name)(x, y)
        for got in (getattr(lax, name)(x, y), fx.jit(getattr(lax, name))(x, y)):
            check(got, want)


@pytest.mark.parametrize("dtype", I + ("uint8",))
def test_shifts_match_jax(jlax, rng, dtype):
    bits = np.dtype(dtype).itemsize * 8
    x = sample(rng, (20,), dtype, -100, 100) if dtype != "uint8" else rng.integers(0, 255, 20).astype(dtype)
    y = rng.integers(0, bits, 20).astype(dtype)
    for name in ("shift_left", "shift_right_arithmetic", "shift_right_logical"):
        check(getattr(lax, name)(x, y), getattr(jlax, name)(x, y))


@pytest.mark.parametrize("dtype", F + C)
def test_pow_and_integer_pow_match_jax(jlax, rng, dtype):
    x, y = sample(rng, (3, 4), dtype, 0.5, 2), sample(rng, (3, 4), dtype, -2, 2)
    check(lax.pow(x, y), jlax.pow(x, y))
    n = np.tile(np.array([0, 1, 2, 3], np.int32), (3, 1))
    check(lax.pow(x, n), jlax.pow(x, n))
    for k in (0, 1, 3, -2):
        check(lax.integer_pow(x, k), jlax.integer_pow(x, k), 4)


def test_integer_pow_of_integers_to_a_negative_power_is_refused_as_in_jax(jlax):
    x = np.array([0, 2, -1], np.int32)
    with pytest.raises(TypeError):
        jlax.integer_pow(x, -1)
    with pytest.raises(DTypeError, match="integer_pow: integers cannot be raised to negative powers"):
        lax.integer_pow(x, -1)
    check(lax.integer_pow(x, 3), jlax.integer_pow(x, 3))


def test_round_halves_by_rounding_method(jlax):
    x = np.array([-2.5, -1.5, -0.5, -0.4, 0.5, 1.5, 2.5, 0.49999997, np.inf, np.nan], np.float32)
    check(lax.round(x), jlax.round(x))
    assert np.signbit(np.asarray(lax.round(np.float32(-0.4))))
    for method in (0, 1):
        check(lax.round(x, lax.RoundingMethod(method)), jlax.round(x, jlax.RoundingMethod(method)))


def test_special_functions_of_several_operands_match_jax(jlax, rng):
    for dtype in ("float64",):  # jax compiles these slowly: one dtype, the strictest
        a, x = sample(rng, (3, 4), dtype, 0.5, 4), sample(rng, (3, 4), dtype, 0.1, 4)
        scale = 50 if dtype == "float32" else 1e4
        for name in ("igamma", "igammac", "igamma_grad_a", "random_gamma_grad"):
            check(getattr(lax, name)(a, x), getattr(jlax, name)(a, x), scale)
        b, u = sample(rng, (3, 4), dtype, 0.5, 4), sample(rng, (3, 4), dtype, 0.05, 0.95)
        check(lax.betainc(a, b, u), jlax.betainc(a, b, u), scale)
        s, q = sample(rng, (3, 4), dtype, 1.5, 4), sample(rng, (3, 4), dtype, 0.5, 3)
        check(lax.zeta(s, q), jlax.zeta(s, q), scale)
        m = np.tile(np.array([0, 1, 2, 3], dtype), (3, 1))
        check(lax.polygamma(m, a), jlax.polygamma(m, a), scale)
        check(lax.polygamma(np.asarray(2, dtype), a), jlax.polygamma(np.asarray(2, dtype), a), scale)
        # orders known only when the program runs: through zeta
        check(fx.jit(lax.polygamma)(m, a), jlax.polygamma(m, a), scale)
        check(fx.vmap(lax.polygamma)(m, a), jlax.polygamma(m, a), scale)
        m = np.tile(np.array([0.5, -1, 1, 2.5], dtype), (3, 1))  # NaN at orders that are not non-negative integers
        for f in (lax.polygamma, fx.jit(lax.polygamma)):
            check(f(m, a), jlax.polygamma(m, a), scale)


def test_clamp_takes_bounds_around_the_operand(jlax, rng):
    for dtype in F + I:
        x = sample(rng, (3, 4), dtype, -5, 5)
        check(lax.clamp(np.asarray(-1, dtype), x, np.asarray(2, dtype)), jlax.clamp(np.asarray(-1, dtype), x, np.asarray(2, dtype)))
        lo, hi = sample(rng, (3, 4), dtype, -5, 0), sample(rng, (3, 4), dtype, 0, 5)
        check(lax.clamp(lo, x, hi), jlax.clamp(lo, x, hi))
    lo, x, hi = np.float32(0), np.float32([-1.0, 3.0]), np.float32(1)
    check(lax.clamp(0.0, x, 1.0), jlax.clamp(lo, x, hi))  # Python scalars take x's dtype


def test_clamp_derivatives_are_jaxs_ties_included(jlax):
    # each operand's where it alone is the result: none at a tie (maximum and minimum would split it)
    x = np.array([2.0, 3.0, 1.0, 7.0, -1.0, np.nan, 0.0, 6.0])
    lo, hi = np.array([2.0, 0, 0, 0, 0, 0, 0, 0]), np.array([5.0, 3, 5, 5, 5, 5, 6, 6])
    jax = pytest.importorskip("jax")
    want = jax.grad(lambda *a: jlax.clamp(a[1], a[0], a[2]).sum(), argnums=(0, 1, 2))(x, lo, hi)
    f = lambda *a: fnp.sum(lax.clamp(a[1], a[0], a[2]))  # noqa: E731
    for grad in (fx.grad(f, argnums=(0, 1, 2)), fx.jit(fx.grad(f, argnums=(0, 1, 2)))):
        for got, expected in zip(grad(x, lo, hi), want):
            np.testing.assert_array_equal(np.asarray(got), np.asarray(expected))
    jac = fx.jacfwd(lambda v: lax.clamp(0.0, v, 6.0))(np.array([0.0, 3.0, 6.0, 7.0]))
    np.testing.assert_array_equal(np.asarray(jac), np.diag([0.0, 1.0, 0.0, 0.0]))


def test_clamp_with_crossed_bounds_is_max_and_so_its_derivative():
    # min > max: the result is max whatever x and min are (jax's derivative is 0 there)
    lo, x, hi = np.array([2.0, 2.0, 2.0]), np.array([0.0, 1.5, 3.0]), np.array([1.0, 1.0, 1.0])
    np.testing.assert_array_equal(np.asarray(lax.clamp(lo, x, hi)), hi)
    f = lambda *a: fnp.sum(lax.clamp(*a))  # noqa: E731
    for grad in (fx.grad(f, argnums=(0, 1, 2)), fx.jit(fx.grad(f, argnums=(0, 1, 2)))):
        d_lo, d_x, d_hi = grad(lo, x, hi)
        for got, want in ((d_lo, 0.0), (d_x, 0.0), (d_hi, 1.0)):
            np.testing.assert_array_equal(np.asarray(got), np.full(3, want))


def test_select_n_and_select_match_jax(jlax, rng):
    cases = [sample(rng, (3, 4), "float64") for _ in range(3)]
    which = rng.integers(0, 3, (3, 4)).astype(np.int32)
    check(lax.select_n(which, *cases), jlax.select_n(which, *cases))
    pred = rng.random((3, 4)) < 0.5
    check(lax.select_n(pred, *cases[:2]), jlax.select_n(pred, *cases[:2]))
    check(lax.select(pred, *cases[:2]), jlax.select(pred, *cases[:2]))
    check(lax.select(np.bool_(True), np.int32(1), np.int32(2)), jlax.select(np.bool_(True), np.int32(1), np.int32(2)))
    check(lax.select_n(pred, cases[0]), jlax.select_n(pred, cases[0]))  # one case: whatever the selector holds
    with pytest.raises(TypeError, match="no cases"):
        lax.select_n(pred)


@pytest.mark.parametrize("n", [2, 3, 5])
def test_select_n_out_of_range_takes_the_nearest_case_as_compiled_by_xla(jlax, rng, n):
    cases = [np.full((6,), k, np.float32) for k in range(n)]
    which = np.array([-3, -1, 0, n - 1, n, n + 4], np.int32)
    expected = np.asarray(jlax.select_n(which, *cases))
    check(lax.select_n(which, *cases), expected)
    check(fx.jit(lax.select_n)(which, *cases), expected)


@pytest.mark.parametrize("src,dst", [("float32", "int32"), ("float64", "float32"), ("int32", "float64"),
                                     ("bool", "float32"), ("int64", "bool"), ("float32", "complex64"),
                                     ("complex64", "float32"), ("uint8", "int8")])
def test_convert_element_type_matches_jax(jlax, rng, src, dst):
    x = sample(rng, (3, 4), src, -9, 9) if src != "uint8" else rng.integers(0, 255, (3, 4)).astype(src)
    check(lax.convert_element_type(x, np.dtype(dst)), jlax.convert_element_type(x, np.dtype(dst)))


@pytest.mark.parametrize("src,dst", [("float32", "int32"), ("float64", "uint32"), ("int32", "uint8"),
                                     ("int8", "uint8")])
def test_bitcast_convert_type_matches_jax(jlax, rng, src, dst):
    x = sample(rng, (3, 4), src, -9, 9)
    check(lax.bitcast_convert_type(x, np.dtype(dst)), jlax.bitcast_convert_type(x, np.dtype(dst)))


def test_python_scalars_take_the_arrays_dtype_and_mismatched_dtypes_raise_fluxions_error():
    x = fnp.asarray([1.0, 2.0], dtype=fnp.float64)
    assert lax.add(x, 1).dtype == fnp.float64 and lax.mul(2, x).dtype == fnp.float64
    with pytest.raises(DTypeError, match="dtype"):
        lax.add(fnp.asarray([1, 2], dtype=fnp.int32), 2.5)
    with pytest.raises(DTypeError, match="convert"):
        lax.add(x, fnp.asarray([1.0, 2.0], dtype=fnp.float32))
    with pytest.raises(DTypeError):
        lax.exp(fnp.asarray([1, 2]))
