"""fluxion.numpy's elementwise functions against NumPy, over dtypes, shapes and special values."""
from __future__ import annotations

import math
import operator
from typing import Callable, NamedTuple

import hypothesis.extra.numpy as hnp
import ml_dtypes
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import fluxion as fx
import fluxion.numpy as fnp
from fluxion.core import dtypes as D
from fluxion.errors import DTypeError, ShapeError

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")

BOOL = (D.bool_,)
INTS = D.INTEGER
REALF = D.REAL_FLOATING
CPLX = D.COMPLEX
REALNUM = INTS + REALF
NUMERIC = REALNUM + CPLX
ALL = BOOL + NUMERIC
_WIDE = {"f": np.float64, "c": np.complex128}


# strategies ---------------------------------------------------------------------------------
def _elements(dt: np.dtype, bounded: bool):
    if dt == D.bfloat16:
        return st.floats(width=32, min_value=-1e4 if bounded else None, max_value=1e4 if bounded else None,
                         allow_nan=not bounded, allow_infinity=not bounded)
    if dt.kind == "c":
        # complex transcendental functions are compared at moderate magnitudes; their special
        # values have their own tests below
        return st.complex_numbers(max_magnitude=20.0, allow_nan=False, allow_infinity=False,
                                  width=8 * dt.itemsize)
    if dt.kind == "f" and bounded:
        big = 1e4 if dt.itemsize > 2 else 1e3
        return st.floats(-big, big, width=8 * dt.itemsize)
    return hnp.from_dtype(dt)


def arrays(dt: np.dtype, shape, bounded: bool = False):
    base = np.dtype(np.float32) if dt == D.bfloat16 else dt
    return hnp.arrays(base, shape, elements=_elements(dt, bounded)).map(lambda a: a.astype(dt))


shapes = hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4)
two_shapes = hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, min_side=0, max_side=4)


# the reference --------------------------------------------------------------------------------
class Case(NamedTuple):
    """One function under test: its NumPy reference and the dtypes it takes."""

    name: str
    ref: Callable
    dtypes: tuple
    out: str = "same"        # result dtype: "same" as the input, "float" (integers give float32), "real"
                             # (of a complex input), "real float" (both), "float64" (or complex128), "bool",
                             # "uint8"
    wide: bool = True        # compute the reference in float64/complex128 and round once
    prep: Callable | None = None  # makes inputs valid for the reference (e.g. non-negative powers)
    bounded: bool = False    # draw finite inputs of moderate size
    ulps: float = 8          # relative tolerance, in units of the dtype's eps
    unswept: tuple = ()      # dtypes taken but left out of the sweep (each with its own test)


def _out_dtype(case: Case, dt: np.dtype) -> np.dtype:
    if case.out in ("bool", "uint8"):
        return np.dtype(case.out)
    dt = _compute_dtype(case, dt)
    return D.real_dtype(dt) if case.out in ("real", "real float") else dt


def _compute_dtype(case: Case, dt: np.dtype) -> np.dtype:
    """The dtype fluxion computes in (integers become float32 for floating-point functions)."""
    if case.out == "float64":
        return D.complex128 if dt in CPLX else D.float64
    return D.float32 if case.out in ("float", "real float") and dt not in D.FLOATING else dt


def _reference(case: Case, xs: list[np.ndarray], dt: np.dtype) -> np.ndarray:
    calc = _compute_dtype(case, dt)
    xs = [x.astype(calc) for x in xs]
    # (a complex power is exp(y log x), whose error in the dtype itself grows with |y log x|:
    # NumPy's result in that dtype is the reference)
    if case.wide and (calc.kind == "f" or calc.kind == "c" and case.ref is not np.power) or calc == D.bfloat16:
        xs = [x.astype(_WIDE["c" if calc.kind == "c" else "f"]) for x in xs]
    with np.errstate(all="ignore"):
        return np.asarray(case.ref(*xs))


def assert_close(actual, expected: np.ndarray, dt: np.dtype, ulps: float = 8) -> None:
    """`actual` has dtype `dt` and the values of `expected` (exactly, for non-float dtypes)."""
    assert actual.dtype == dt, (actual.dtype, dt)
    a = np.asarray(actual)
    assert a.shape == expected.shape, (a.shape, expected.shape)
    if dt not in D.FLOATING:
        np.testing.assert_array_equal(a, expected.astype(dt))
        return
    wide = _WIDE["c" if dt.kind == "c" else "f"]
    a, e = a.astype(wide), expected.astype(dt).astype(wide)
    atol = float(ml_dtypes.finfo(D.real_dtype(dt)).eps)
    rtol = ulps * atol
    big = float(ml_dtypes.finfo(D.real_dtype(dt)).max) * (1 - 4 * rtol)
    # a complex result that overflows may have a NaN part (inf * 0 in the complex arithmetic), as NumPy's does
    overflow = (np.isinf(e.real) | np.isinf(e.imag)) if dt.kind == "c" else False
    for a_part, e_part in ([a.real, e.real], [a.imag, e.imag]) if dt.kind == "c" else ([a, e],):
        with np.errstate(all="ignore"):
            ok = ((a_part == e_part) | (np.isnan(a_part) & np.isnan(e_part))
                  | (np.abs(a_part - e_part) <= atol + rtol * np.abs(e))
                  # a result at the edge of the range may round to the largest float or to inf
                  | ((np.isinf(a_part) | np.isinf(e_part)) & (np.sign(a_part) == np.sign(e_part))
                     & (np.minimum(np.abs(a_part), np.abs(e_part)) >= big))
                  | overflow & np.isnan(a_part))
        assert ok.all(), f"mismatch at {np.argwhere(~ok)[:5].tolist()}:\n{a_part[~ok][:5]}\n{e_part[~ok][:5]}"


def _std_floor_divide(x, y):
    """floor division with the standard's special cases (NumPy gives nan for inf // 1.0)."""
    if x.dtype.kind in "iu":
        return np.floor_divide(x, y)
    special = (y == 0) | np.isinf(x) | np.isinf(y)
    return np.where(special, x / np.where(y == 0, y, y), np.floor_divide(x, y))


def _small_exponent(x, y):
    if y.dtype.kind not in "iu":
        return x, y
    if y.dtype == np.uint64:  # see test_pow_of_large_uint64_is_exact
        x = x % np.uint64(128)
    return x, (y.astype(np.int64) % 8).astype(y.dtype)


def _shift_count(x, y):
    return x, (y.astype(np.int64) % (8 * y.dtype.itemsize)).astype(y.dtype)


def _no_int_min(*xs):
    # gcd/lcm of the most negative integer overflows |x|; NumPy and fluxion wrap differently there
    return [np.where(x == np.iinfo(x.dtype).min, 0, x) if x.dtype.kind == "i" else x for x in xs]


def _conj(x):
    return x.copy() if x.dtype == np.bool_ else np.conj(x)


UNARY = [
    Case("abs", np.abs, ALL, "real"), Case("absolute", np.abs, ALL, "real"),
    Case("negative", np.negative, NUMERIC), Case("positive", np.positive, NUMERIC),
    Case("square", np.square, BOOL + NUMERIC, unswept=BOOL), Case("sign", np.sign, NUMERIC),
    *[Case(n, getattr(np, r), ALL, "float") for n, r in [
        ("exp", "exp"), ("expm1", "expm1"), ("exp2", "exp2"), ("log", "log"), ("log1p", "log1p"), ("log2", "log2"),
        ("log10", "log10"), ("sqrt", "sqrt"), ("sin", "sin"), ("cos", "cos"), ("tan", "tan"), ("asin", "arcsin"),
        ("acos", "arccos"), ("atan", "arctan"), ("sinh", "sinh"), ("cosh", "cosh"), ("tanh", "tanh"),
        ("asinh", "arcsinh"), ("acosh", "arccosh"), ("atanh", "arctanh"), ("arcsin", "arcsin")]],
    Case("reciprocal", lambda x: np.divide(1, x), ALL, "float"),  # np.reciprocal(0j) is nan, 1 / 0j is inf
    # sinc's pi * x rounds in the input's precision, as NumPy's does, which sinh amplifies for complex x
    Case("sinc", lambda x: _sinc(x), ALL, "float", ulps=600),
    Case("cbrt", np.cbrt, BOOL + REALNUM, "float"), Case("fabs", np.fabs, BOOL + REALNUM, "float"),
    Case("deg2rad", np.deg2rad, BOOL + REALNUM, "float"), Case("rad2deg", np.rad2deg, BOOL + REALNUM, "float"),
    Case("angle", np.angle, ALL, "real float"), Case("rint", np.rint, ALL, "float"),
    *[Case(n, getattr(np, n), BOOL + REALNUM) for n in ("floor", "ceil", "trunc", "fix")],
    Case("round", np.round, NUMERIC), Case("around", np.round, NUMERIC),
    *[Case(n, getattr(np, n), ALL, "bool", wide=False) for n in ("isnan", "isinf", "isfinite")],
    *[Case(n, getattr(np, n), BOOL + REALNUM, "bool", wide=False) for n in ("signbit", "isposinf", "isneginf")],
    *[Case(n, getattr(np, n), ALL, "bool", wide=False) for n in ("isreal", "iscomplex", "logical_not")],
    # (booleans: unchanged, or False for imag, as in NumPy and jax; NumPy's conj makes them int8)
    Case("real", np.real, ALL, "real"), Case("imag", np.imag, ALL, "real"),
    Case("conj", _conj, ALL), Case("conjugate", _conj, ALL),
    Case("bitwise_invert", np.invert, BOOL + INTS), Case("bitwise_not", np.invert, BOOL + INTS),
    Case("bitwise_count", np.bitwise_count, INTS, "uint8"),
]

BINARY = [
    # (+ and * of booleans are or and and, as in NumPy and jax)
    Case("add", np.add, ALL), Case("subtract", np.subtract, NUMERIC), Case("multiply", np.multiply, ALL),
    Case("divide", np.divide, ALL, "float"), Case("true_divide", np.divide, ALL, "float"),
    # (booleans alone, as int8: see test_boolean_arithmetic_promotes_as_in_numpy)
    *[Case(n, f, BOOL + REALNUM, unswept=BOOL) for n, f in (("floor_divide", _std_floor_divide),
                                                             ("remainder", np.remainder), ("mod", np.remainder),
                                                             ("fmod", np.fmod))],
    # complex powers of negative numbers go through log(x), whose angle pi rounds in the input's precision
    *[Case(n, np.power, BOOL + NUMERIC, prep=_small_exponent, bounded=True, ulps=64, unswept=BOOL)
      for n in ("pow", "power")],
    Case("float_power", np.float_power, BOOL + NUMERIC, "float64", prep=_small_exponent, bounded=True, unswept=BOOL),
    *[Case(n, getattr(np, n), BOOL + REALNUM) for n in ("maximum", "minimum", "fmax", "fmin")],
    *[Case(n, getattr(np, n), ALL, "bool", wide=False) for n in ("equal", "not_equal")],
    *[Case(n, getattr(np, n), BOOL + REALNUM, "bool", wide=False)
      for n in ("less", "less_equal", "greater", "greater_equal")],
    *[Case(n, getattr(np, r), BOOL + REALNUM, "float") for n, r in [
        ("atan2", "arctan2"), ("arctan2", "arctan2"), ("hypot", "hypot"), ("logaddexp", "logaddexp"),
        ("logaddexp2", "logaddexp2"), ("heaviside", "heaviside")]],
    Case("copysign", np.copysign, BOOL + REALNUM, "float", wide=False),
    Case("nextafter", np.nextafter, BOOL + REALNUM, "float", wide=False,
         unswept=(D.bfloat16,)),  # see test_nextafter_of_0d_bfloat16
    *[Case(n, getattr(np, n), BOOL + INTS) for n in ("bitwise_and", "bitwise_or", "bitwise_xor")],
    *[Case(n, getattr(np, r), INTS, prep=_shift_count) for n, r in [
        ("bitwise_left_shift", "left_shift"), ("bitwise_right_shift", "right_shift"), ("left_shift", "left_shift"),
        ("right_shift", "right_shift")]],
    *[Case(n, getattr(np, n), ALL, "bool", wide=False) for n in ("logical_and", "logical_or", "logical_xor")],
    Case("gcd", np.gcd, INTS, prep=_no_int_min), Case("lcm", np.lcm, INTS, prep=_no_int_min),
]


def _ids(cases):
    return [c.name for c in cases]


# one sweep per function, and many functions: half the profile's examples each keeps the file fast
sweep = settings(max_examples=max(5, settings().max_examples // 2))


@pytest.mark.parametrize("case", UNARY, ids=_ids(UNARY))
@sweep
@given(data=st.data())
def test_unary_function_matches_numpy_over_dtypes_and_shapes(case, data):
    dt = data.draw(st.sampled_from([d for d in case.dtypes if d not in case.unswept]), label="dtype")
    x = data.draw(arrays(dt, shapes, case.bounded), label="x")
    (x,) = case.prep(x) if case.prep else (x,)
    out = getattr(fnp, case.name)(fnp.asarray(x))
    assert_close(out, _reference(case, [x], dt), _out_dtype(case, dt), case.ulps)


@pytest.mark.parametrize("case", BINARY, ids=_ids(BINARY))
@sweep
@given(data=st.data())
def test_binary_function_matches_numpy_with_broadcasting(case, data):
    dt = data.draw(st.sampled_from([d for d in case.dtypes if d not in case.unswept]), label="dtype")
    (s1, s2), _ = data.draw(two_shapes, label="shapes")
    x, y = data.draw(arrays(dt, s1, case.bounded), label="x1"), data.draw(arrays(dt, s2, case.bounded), label="x2")
    x, y = case.prep(x, y) if case.prep else (x, y)
    out = getattr(fnp, case.name)(fnp.asarray(x), fnp.asarray(y))
    assert_close(out, _reference(case, [x, y], dt), _out_dtype(case, dt), case.ulps)


REJECTIONS = [(case, dt) for case in UNARY + BINARY for dt in ALL if dt not in case.dtypes]


@pytest.mark.parametrize("case,dt", REJECTIONS, ids=[f"{c.name}-{dt}" for c, dt in REJECTIONS])
def test_functions_reject_the_dtypes_the_standard_excludes_and_name_themselves(case, dt):
    f = getattr(fnp, case.name)
    args = [fnp.asarray(np.ones(2, dt))] * (2 if case in BINARY else 1)
    with pytest.raises(DTypeError, match=rf"{f.__name__}: does not accept[\s\S]*fix: "):
        f(*args)


# special values -----------------------------------------------------------------------------
SPECIAL = [math.inf, -math.inf, math.nan, 0.0, -0.0, 1.0, -1.0, 2.5, -2.5, 0.5, -0.5, 3.0, 1e-310, 1e300]
_X, _Y = np.meshgrid(np.array(SPECIAL), np.array(SPECIAL), indexing="ij")


def _same_bits(a: np.ndarray, e: np.ndarray) -> np.ndarray:
    """Equal values with equal signs (so -0.0 differs from 0.0); NaN equals NaN."""
    return ((a == e) & (np.signbit(a) == np.signbit(e))) | (np.isnan(a) & np.isnan(e))


@pytest.mark.parametrize("name,ref", [
    ("floor_divide", _std_floor_divide), ("remainder", np.remainder), ("fmod", np.fmod), ("hypot", np.hypot),
    ("logaddexp", np.logaddexp), ("logaddexp2", np.logaddexp2), ("copysign", np.copysign),
    ("pow", np.power), ("maximum", np.maximum), ("minimum", np.minimum), ("fmax", np.fmax), ("fmin", np.fmin),
    ("nextafter", np.nextafter), ("heaviside", np.heaviside), ("atan2", np.arctan2), ("divide", np.divide),
])
def test_binary_special_values_match_the_standard_bit_for_bit(name, ref):
    out = np.asarray(getattr(fnp, name)(fnp.asarray(_X), fnp.asarray(_Y)))
    with np.errstate(all="ignore"):
        expected = ref(_X, _Y)
    close = _same_bits(out, expected)
    if name in ("hypot", "logaddexp", "logaddexp2"):  # composed: within an ulp of the libm result
        close |= np.abs(out - expected) <= 8e-16 * np.abs(expected)
    assert close.all(), list(zip(_X[~close], _Y[~close], out[~close], expected[~close]))


def test_floor_divide_special_cases_follow_the_standard_not_python():
    x = fnp.asarray([math.inf, -math.inf, 1.0, -1.0, 1.0, -0.0, 5.0, -5.0])
    y = fnp.asarray([2.0, 2.0, -math.inf, math.inf, math.inf, 3.0, 0.0, -0.0])
    out = np.asarray(fnp.floor_divide(x, y))
    expected = np.array([math.inf, -math.inf, -0.0, -0.0, 0.0, -0.0, math.inf, math.inf])
    assert _same_bits(out, expected).all(), out


@pytest.mark.parametrize("dt", INTS)
def test_integer_division_by_zero_gives_zero_like_numpy(dt):
    x = fnp.asarray(np.array([7, 0, 1], dt))
    zero = fnp.asarray(np.zeros(3, dt))
    for f in (fnp.floor_divide, fnp.remainder, fnp.fmod):
        assert f(x, zero).tolist() == [0, 0, 0]


@pytest.mark.parametrize("dt", [D.int8, D.int32, D.int64])
def test_floor_divide_and_remainder_of_negative_integers_round_toward_minus_infinity(dt):
    a = np.array([7, -7, 7, -7, 6, -6, np.iinfo(dt).min], dt)
    b = np.array([2, 2, -2, -2, -3, 3, 3], dt)
    q, r = fnp.divmod(fnp.asarray(a), fnp.asarray(b))
    np.testing.assert_array_equal(np.asarray(q), np.floor_divide(a, b))
    np.testing.assert_array_equal(np.asarray(r), np.remainder(a, b))
    np.testing.assert_array_equal(np.asarray(q) * b + np.asarray(r), a)


@pytest.mark.parametrize("dt", REALF)
def test_round_halves_to_even_and_keeps_signed_zero(dt):
    x = np.array([0.5, 1.5, 2.5, -0.5, -1.5, -0.0, 0.0, math.inf, -math.inf, math.nan], dt)
    out = np.asarray(fnp.round(fnp.asarray(x))).astype(np.float64)
    assert _same_bits(out, np.array([0.0, 2.0, 2.0, -0.0, -2.0, -0.0, 0.0, math.inf, -math.inf, math.nan])).all()


@pytest.mark.parametrize("decimals", [-5, -3, -1, 1, 2, 4, 5])
@pytest.mark.parametrize("dt", [D.float16, D.float32, D.float64, D.int16, D.int64, D.uint8])
def test_round_with_decimals_matches_numpy(dt, decimals, rng):
    x = (rng.standard_normal(64) * 3000).astype(dt) if dt.kind == "f" else rng.integers(0, 250, 64).astype(dt)
    x[:4] = np.array([25, 15, 250, 1250] if dt.kind != "f" else [0.125, 2.5, 25, 1250], dt) if dt != D.uint8 else x[:4]
    out = fnp.round(fnp.asarray(x), decimals=decimals)
    assert out.dtype == dt
    # (float16 scaled in float32, as jax does: in float16, NumPy's 10 ** 5 overflows and 7.0 rounds to inf)
    wide = np.round(x.astype(np.float32) if dt == D.float16 else x, decimals).astype(dt).astype(np.float64)
    np.testing.assert_allclose(np.asarray(out, np.float64), wide, rtol=1e-6)


@pytest.mark.parametrize("decimals", [-2, 1, 2, 3])
@pytest.mark.parametrize("dt", [D.float32, D.float64])
def test_round_with_decimals_under_jit_equals_numpy_bit_for_bit(dt, decimals, rng):
    # XLA divides by a constant as a product with its reciprocal, which is an ulp off for many x
    x = (rng.standard_normal(4096) * 10.0 ** rng.integers(-2, 5, 4096)).astype(dt)
    x[:8] = [-46.042656, 62.65405, 250.0, -350.0, 0.125, 2.5, -0.0, 1e30]
    expected = np.round(x, decimals)
    rounded = lambda a: fnp.round(a, decimals)  # noqa: E731
    for f in (rounded, fx.jit(rounded), fx.jit(fx.vmap(rounded))):
        out = np.asarray(f(fnp.asarray(x)))
        assert out.dtype == dt and _same_bits(out, expected).all(), f


@pytest.mark.parametrize("dt", [D.float32, D.float64])
def test_division_by_a_constant_under_jit_equals_numpys_division(dt, rng):
    x = rng.standard_normal((64, 64)).astype(dt)
    for divisor in (3.0, np.linspace(1.0, 7.0, 64).astype(dt)):
        out = fx.jit(lambda a: a / divisor)(fnp.asarray(x))
        assert _same_bits(np.asarray(out), x / np.asarray(divisor, dt)).all()


def test_round_of_complex_rounds_each_part():
    out = fnp.round(fnp.asarray([0.5 + 1.5j, -2.5 - 0.4j], dtype=fnp.complex64), decimals=0)
    assert out.dtype == fnp.complex64 and out.tolist() == [2j, -2 - 0j]


def test_sign_is_x_over_abs_for_complex_and_zero_at_zero():
    out = fnp.sign(fnp.asarray([3 + 4j, 0j, complex(math.nan, 1)]))
    np.testing.assert_allclose(np.asarray(out)[:2], [0.6 + 0.8j, 0])
    assert np.isnan(np.asarray(out)[2].real) and np.isnan(np.asarray(out)[2].imag)
    assert fnp.sign(fnp.asarray([-0.0, -3.0, math.nan])).tolist()[1:2] == [-1.0]


def test_signbit_sees_negative_zero_and_negative_nan():
    x = np.array([-0.0, 0.0, -np.nan, np.nan, -np.inf], np.float32)
    assert fnp.signbit(fnp.asarray(x)).tolist() == np.signbit(x).tolist()


@pytest.mark.parametrize("z", [0j, -0.0 + 0j, complex(math.inf, 0), complex(-math.inf, 1), complex(math.inf, 1),
                               complex(-math.inf, math.inf), complex(math.inf, math.inf), complex(-math.inf, math.nan),
                               complex(math.inf, math.nan), complex(math.nan, 0), complex(math.nan, 1), 1e-9 + 1e-9j,
                               complex(2, 3)])
def test_complex_expm1_follows_the_standard_special_cases(z):
    out = complex(fnp.expm1(fnp.asarray(z, dtype=fnp.complex128)))
    expected = np.exp(np.complex128(z)) - 1
    if math.isfinite(z.real) and math.isfinite(z.imag):
        expected = complex(math.expm1(z.real) * math.cos(z.imag) - 2 * math.sin(z.imag / 2) ** 2,
                           math.exp(z.real) * math.sin(z.imag))
    for a, e in ((out.real, expected.real), (out.imag, expected.imag)):
        assert (math.isnan(a) and math.isnan(e)) or a == pytest.approx(e, rel=1e-15, abs=1e-300)


@pytest.mark.parametrize("name", ["exp", "log", "sqrt", "log1p", "sin", "tanh", "square", "isnan", "isinf",
                                  "isfinite", "abs"])
def test_complex_special_values_match_numpy(name):
    vals = [math.inf, -math.inf, math.nan, 0.0, -0.0, 1.0]
    z = np.array([complex(a, b) for a in vals for b in vals])
    out = np.asarray(getattr(fnp, name)(fnp.asarray(z)))
    with np.errstate(all="ignore"):
        expected = getattr(np, {"abs": "abs"}.get(name, name))(z)
    if out.dtype.kind == "c":
        ok = _same_bits(out.real, expected.real) & (_same_bits(out.imag, expected.imag) | np.isnan(out.real))
    else:
        ok = _same_bits(out, expected) if out.dtype.kind == "f" else out == expected
    assert ok.all(), list(zip(z[~ok], out[~ok], expected[~ok]))


@pytest.mark.parametrize("y", [3.0, -3.0, 1.0302054439365774e154, 0.5, -0.0])
@pytest.mark.parametrize("re", [math.inf, -math.inf])
def test_complex_tanh_at_infinite_real_part_has_the_zero_of_the_standard(re, y):
    # the standard: tanh(+-inf + yj) = +-1 + 0j with the sign of y (C99, NumPy and XLA use the sign of sin(2y))
    z = fnp.asarray(np.array([complex(re, y)]))
    for out in (fnp.tanh(z), fx.jit(fnp.tanh)(z)):
        w = complex(np.asarray(out)[0])
        assert w.real == math.copysign(1.0, re) and w.imag == 0 and math.copysign(1.0, w.imag) == math.copysign(1.0, y)


def test_complex_sign_of_signed_zeros_is_positive_zero():
    z = np.array([complex(-0.0, -0.0), complex(0.0, -0.0), complex(-0.0, 0.0)])
    for out in (fnp.sign(fnp.asarray(z)), fx.jit(fnp.sign)(fnp.asarray(z))):
        v = np.asarray(out)
        assert not np.signbit(v.real).any() and not np.signbit(v.imag).any() and (v == 0).all()


def test_complex_expm1_of_signed_zeros_has_a_positive_zero_real_part():
    z = np.array([complex(-0.0, 0.0), complex(-0.0, -0.0), complex(0.0, -0.0)])
    for out in (fnp.expm1(fnp.asarray(z)), fx.jit(fnp.expm1)(fnp.asarray(z))):
        v = np.asarray(out)
        assert (v == 0).all() and not np.signbit(v.real).any() and (np.signbit(v.imag) == np.signbit(z.imag)).all()


def test_hypot_does_not_overflow_or_underflow():
    x, y = np.float32([1e38, 1e-40, 3e-45]), np.float32([1e38, 1e-40, 4e-45])
    out = fnp.hypot(fnp.asarray(x), fnp.asarray(y))
    np.testing.assert_allclose(np.asarray(out), np.hypot(x, y), rtol=1e-6)
    assert fnp.hypot(math.inf, math.nan).item() == math.inf


def test_logaddexp_of_large_equal_values_does_not_overflow():
    out = fnp.logaddexp(fnp.asarray([1000.0, -math.inf]), fnp.asarray([1000.0, -math.inf]))
    assert out.tolist()[0] == pytest.approx(1000 + math.log(2)) and out.tolist()[1] == -math.inf


# integer rounding and powers ------------------------------------------------------------------
@pytest.mark.parametrize("name", ["floor", "ceil", "trunc", "round", "fix"])
@pytest.mark.parametrize("dt", INTS)
def test_rounding_integers_returns_them_unchanged(name, dt):
    x = np.array([np.iinfo(dt).min, 0, 7, np.iinfo(dt).max], dt)
    out = getattr(fnp, name)(fnp.asarray(x))
    assert out.dtype == dt and np.array_equal(np.asarray(out), x)


def test_integer_pow_with_a_negative_array_exponent_gives_the_truncated_reciprocal():
    base = fnp.asarray([2, -1, -1, 1, 0, 5], dtype=fnp.int32)
    exp_ = fnp.asarray([-1, -3, -2, -7, -1, 0], dtype=fnp.int32)
    assert fnp.pow(base, exp_).tolist() == [0, -1, 1, 1, 0, 1]


def test_integer_pow_with_a_negative_python_int_raises_like_numpy():
    with pytest.raises(ValueError, match=r"negative integer powers[\s\S]*astype"):
        fnp.pow(fnp.asarray([2, 3]), -1)


def test_pow_of_large_uint64_is_exact():
    out = fnp.pow(fnp.asarray(np.array([191], np.uint64)), fnp.asarray(np.array([7], np.uint64)))
    assert out.tolist() == [191**7]


def test_nextafter_of_0d_bfloat16():
    x = fnp.asarray(np.array(1.0, D.bfloat16))
    assert fnp.nextafter(x, fnp.asarray(np.array(2.0, D.bfloat16))).item() == 1.0078125


def test_pow_with_a_huge_python_int_exponent():
    assert fnp.pow(fnp.asarray([1.5, 1.0, 0.5]), 10**12).tolist() == [math.inf, 1.0, 0.0]
    assert fnp.pow(fnp.asarray(np.array([2], np.uint8)), 255).tolist() == [0]
    with pytest.raises(OverflowError, match="300 does not fit in int8"):
        fnp.pow(fnp.asarray(np.array([2], np.int8)), 300)


def test_pow_with_a_python_int_exponent_multiplies_exactly():
    x = fnp.asarray([3, -2], dtype=fnp.int8)
    assert (x ** 3).tolist() == [27, -8] and (x ** 3).dtype == fnp.int8
    assert (fnp.asarray([1.1], dtype=fnp.float32) ** 2).item() == np.float32(1.1) * np.float32(1.1)
    assert fnp.pow(fnp.asarray([math.nan]), 0).item() == 1.0


# NumPy extras ---------------------------------------------------------------------------------
@pytest.mark.parametrize("dt", REALF)
def test_ldexp_and_frexp_match_numpy_across_the_exponent_range(dt):
    info = ml_dtypes.finfo(dt)
    x = np.array([1.0, -1.5, float(info.smallest_subnormal), float(info.max), 0.0, -0.0, math.inf, math.nan], dt)
    n = np.arange(-int(info.maxexp) * 3, int(info.maxexp) * 3 + 1, 7)
    xx, nn = np.meshgrid(x, n)
    out = np.asarray(fnp.ldexp(fnp.asarray(xx), fnp.asarray(nn)))
    expected = np.ldexp(xx.astype(np.float64), nn).astype(dt)
    assert _same_bits(out.astype(np.float64), expected.astype(np.float64)).all()
    m, e = fnp.frexp(fnp.asarray(x))
    em, ee = np.frexp(x.astype(np.float64))
    assert e.dtype == fnp.int32 and m.dtype == dt
    assert _same_bits(np.asarray(m).astype(np.float64), em).all() and np.array_equal(np.asarray(e), ee)


@pytest.mark.parametrize("dt", REALF)
def test_ldexp_of_one_is_exact_for_every_exponent(dt):
    m = int(ml_dtypes.finfo(dt).maxexp)
    n = np.arange(-3 * m, 3 * m + 1)
    out = np.asarray(fnp.ldexp(fnp.asarray(np.ones(n.shape, dt)), fnp.asarray(n)))
    np.testing.assert_array_equal(out.astype(np.float64), np.ldexp(1.0, n).astype(dt).astype(np.float64))


def test_ldexp_rejects_a_float_exponent():
    with pytest.raises(DTypeError, match="ldexp.*integer"):
        fnp.ldexp(fnp.asarray([1.0]), fnp.asarray([1.5]))


@pytest.mark.parametrize("dt", [D.float16, D.bfloat16, D.float32, D.complex64])
def test_nan_to_num_replaces_nan_and_infinities_with_the_dtype_extremes(dt):
    x = np.array([math.nan, math.inf, -math.inf, 1.5], dt)
    out = fnp.nan_to_num(fnp.asarray(x))
    info = ml_dtypes.finfo(D.real_dtype(dt))
    assert out.dtype == dt
    assert np.asarray(out).real.astype(np.float64).tolist() == [0.0, float(info.max), float(info.min), 1.5]
    replaced = fnp.nan_to_num(fnp.asarray(x), nan=-1.0, posinf=9.0, neginf=-9.0)
    assert fnp.real(replaced).tolist() == [-1.0, 9.0, -9.0, 1.5]


def test_nan_to_num_leaves_integers_alone():
    assert fnp.nan_to_num(fnp.asarray([1, 2])).tolist() == [1, 2]


@pytest.mark.parametrize("dt", [D.uint8, D.int16, D.int64, D.uint64])
def test_gcd_and_lcm_match_numpy(dt, rng):
    hi = min(np.iinfo(dt).max, 10**6)
    a, b = rng.integers(0, hi, 200).astype(dt), rng.integers(0, hi, 200).astype(dt)
    a[:3], b[:3] = 0, [0, 5, 0]
    np.testing.assert_array_equal(np.asarray(fnp.gcd(fnp.asarray(a), fnp.asarray(b))), np.gcd(a, b))
    a, b = a[:50] % dt.type(100), b[:50] % dt.type(100)
    np.testing.assert_array_equal(np.asarray(fnp.lcm(fnp.asarray(a), fnp.asarray(b))), np.lcm(a, b))


def test_gcd_of_consecutive_fibonacci_numbers_needs_the_most_steps():
    a, b = 7540113804746346429, 4660046610375530309  # F(92), F(91)
    assert fnp.gcd(fnp.asarray([a]), fnp.asarray([b])).tolist() == [1]


def test_clip_keeps_the_dtype_of_x_and_broadcasts_array_bounds():
    x = fnp.asarray(np.array([[0, 100, 200]], np.uint8))
    out = fnp.clip(x, fnp.asarray(np.array([[10], [150]], np.uint8)), 300)
    assert out.dtype == fnp.uint8 and out.tolist() == [[10, 100, 200], [150, 150, 200]]
    assert fnp.clip(fnp.asarray([1.0, math.nan]), max=fnp.asarray(math.nan)).tolist()[0] != 1.0
    assert fnp.clip(fnp.asarray([-1.0, 2.0]), 0).tolist() == [0.0, 2.0]
    assert fnp.clip(fnp.asarray([5], dtype=fnp.int8), -1000, 3).tolist() == [3]
    assert fnp.clip(fnp.asarray([1.5], dtype=fnp.float16), 0, 1).dtype == fnp.float16


@pytest.mark.parametrize("lo, hi", [(0.5, 2.5), (np.nan, 2), (None, 1.5), (np.array([0.5, 1.5, 2.5]), None)])
def test_clip_of_integers_with_a_floating_bound_promotes_like_maximum_instead_of_truncating_the_bound(lo, hi):
    x = np.array([0, 1, 3], np.int8)
    bound = lambda b: fnp.asarray(b, dtype=fnp.float32) if isinstance(b, np.ndarray) else b  # noqa: E731
    out = fnp.clip(fnp.asarray(x), bound(lo), bound(hi))
    assert out.dtype == fnp.float32
    np.testing.assert_array_equal(out, np.clip(x, lo, hi).astype(np.float32))
    np.testing.assert_array_equal(fx.jit(lambda x: fnp.clip(x, bound(lo), bound(hi)))(fnp.asarray(x)), out)


@pytest.mark.parametrize("x, lo, hi", [
    (np.array([0, 5, 50, 200], np.uint8), np.int16(-5), np.int16(100)),
    (np.array([0, 5, 50, 200], np.uint8), 10, np.array(300, np.int16)),
    (np.array([1, 5, 9], np.int8), np.float32(2.5), None),
    (np.array([1.0, 5.0], np.float32), np.float64(2.0), None),
    (np.array([0, 5, 50, 200], np.uint8), -5, 300)])
def test_clip_promotes_x_with_array_and_numpy_scalar_bounds_as_numpy_and_jit_agrees(x, lo, hi):
    # (such bounds were converted to x's dtype: int16 -5 wrapped to 251 in uint8, float32 2.5 truncated to 2)
    want = np.clip(x, lo, hi)
    for got in (fnp.clip(x, lo, hi), fx.jit(fnp.clip)(x, lo, hi)):  # (under jit the Python ints are traced)
        assert got.dtype == want.dtype
        np.testing.assert_array_equal(np.asarray(got), want)


def test_clip_takes_numpy_s_older_bound_names():
    x = np.array([-1.0, 0.5, 3.0], np.float32)
    np.testing.assert_array_equal(fnp.clip(x, a_min=0, a_max=1), np.clip(x, a_min=0, a_max=1))
    np.testing.assert_array_equal(fnp.clip(x, a_max=1), np.clip(x, None, 1))
    with pytest.raises(TypeError, match="given twice"):
        fnp.clip(x, 0, a_min=1)


def test_clip_without_bounds_returns_a_new_array_with_equal_values():
    x = fnp.asarray([1, 2])
    out = fnp.clip(x)
    assert out is not x and out.tolist() == [1, 2]


def test_imag_of_real_input_is_zeros_and_real_of_real_input_is_the_input():
    x = fnp.asarray([math.nan, 2.0])
    assert fnp.imag(x).tolist() == [0.0, 0.0]
    assert fnp.real(x).tolist()[1] == 2.0
    assert fnp.real(fnp.asarray([1 + 2j], dtype=fnp.complex128)).dtype == fnp.float64


def test_logical_functions_take_any_dtype_and_return_booleans():
    out = fnp.logical_and(fnp.asarray([0.0, math.nan, 2.0]), fnp.asarray([1, 1, 0], dtype=fnp.uint8))
    assert out.dtype == fnp.bool and out.tolist() == [False, True, False]
    assert fnp.logical_or(fnp.asarray([0j, 1j]), False).tolist() == [False, True]
    assert fnp.logical_not(fnp.asarray([0, 3])).tolist() == [True, False]


# operators --------------------------------------------------------------------------------------
BINARY_OPERATORS = [
    ("__add__", "add"), ("__sub__", "subtract"), ("__mul__", "multiply"), ("__truediv__", "divide"),
    ("__floordiv__", "floor_divide"), ("__mod__", "remainder"), ("__pow__", "pow"), ("__and__", "bitwise_and"),
    ("__or__", "bitwise_or"), ("__xor__", "bitwise_xor"), ("__lshift__", "bitwise_left_shift"),
    ("__rshift__", "bitwise_right_shift"), ("__eq__", "equal"), ("__ne__", "not_equal"), ("__lt__", "less"),
    ("__le__", "less_equal"), ("__gt__", "greater"), ("__ge__", "greater_equal"),
]


@pytest.mark.parametrize("dunder,name", BINARY_OPERATORS)
def test_operators_and_reflected_operators_equal_the_functions(dunder, name):
    a = fnp.asarray(np.array([[5, 6, 7]], np.int32))
    b = fnp.asarray(np.array([[1], [2]], np.int32))
    f = getattr(fnp, name)
    assert getattr(a, dunder)(b).tolist() == f(a, b).tolist()
    reflected = "__r" + dunder[2:]
    if hasattr(a, reflected):
        out, expected = getattr(a, reflected)(3), f(3, a)
        assert out.tolist() == expected.tolist() and out.dtype == expected.dtype


@pytest.mark.parametrize("op,name", [("+=", "add"), ("-=", "subtract"), ("*=", "multiply"), ("//=", "floor_divide"),
                                     ("%=", "remainder"), ("**=", "pow"), ("&=", "bitwise_and"), ("|=", "bitwise_or"),
                                     ("^=", "bitwise_xor"), ("<<=", "bitwise_left_shift"),
                                     (">>=", "bitwise_right_shift")])
def test_in_place_operators_rebind_the_same_object_to_the_new_value(op, name):
    x = fnp.asarray(np.array([5, 6, 7], np.int16))
    y = fnp.asarray(np.array([1, 2, 3], np.int16))
    before, ident = x, id(x)
    expected = getattr(fnp, name)(x, y).tolist()
    scope = {"x": x, "y": y}
    exec(f"x {op} y", scope)
    assert id(scope["x"]) == ident and scope["x"] is before and before.tolist() == expected
    assert before.dtype == fnp.int16


def test_in_place_true_division_keeps_floats_and_refuses_a_new_dtype():
    x = fnp.asarray([1.0, 2.0])
    x /= 2
    assert x.tolist() == [0.5, 1.0]
    i = fnp.asarray([1, 2])
    with pytest.raises(DTypeError, match="dtype from int64 to float32"):
        i /= 2
    with pytest.raises(DTypeError, match="in-place add"):
        i += 1.5
    assert i.tolist() == [1, 2]


def test_in_place_broadcasting_to_a_new_shape_raises():
    x = fnp.asarray([1.0, 2.0])
    with pytest.raises(ShapeError, match="shape"):
        x += fnp.asarray([[1.0], [2.0]])


@pytest.mark.parametrize("op", ["==", "!=", "<", "+", "*"])
def test_operators_take_nested_lists_and_tuples_as_numpy_does(op):
    a, rows = np.array([[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]], np.float32), [[0.0, 1.0, 2.0]]
    x = fnp.asarray(a)
    for other in ([0.0, 1.0, 2.0], (0, 1, 2), rows):
        for out, expected in ((eval(f"x {op} other"), eval(f"a {op} np.asarray(other, np.float32)")),
                              (eval(f"other {op} x"), eval(f"np.asarray(other, np.float32) {op} a"))):
            assert isinstance(out, fx.Array) and out.dtype == expected.dtype
            np.testing.assert_array_equal(out, expected)
    assert (x == None) is False and (x != "a") is True  # noqa: E711  (other objects compare as Python's)


def test_unary_operators():
    x = fnp.asarray([-1.5, 2.0])
    assert (-x).tolist() == [1.5, -2.0] and (+x).tolist() == [-1.5, 2.0] and abs(x).tolist() == [1.5, 2.0]
    assert (~fnp.asarray([0, 5], dtype=fnp.int8)).tolist() == [-1, -6]
    assert (~fnp.asarray([True, False])).tolist() == [False, True]


def test_positive_returns_a_new_object_so_in_place_updates_do_not_leak():
    x = fnp.asarray([1, 2])
    y = +x
    y += 1
    assert x.tolist() == [1, 2] and y.tolist() == [2, 3]


# promotion with Python scalars ----------------------------------------------------------------
@pytest.mark.parametrize("dt,scalar,expected", [
    (D.int8, 1, D.int8), (D.uint8, 255, D.uint8), (D.int16, True, D.int16), (D.float16, 1, D.float16),
    (D.bfloat16, 1.0, D.bfloat16), (D.float32, 1.0, D.float32), (D.float64, 1.0, D.float64),
    (D.int8, 1.5, D.float32), (D.uint64, 1.5, D.float32), (D.float32, 1j, D.complex64),
    (D.float64, 1j, D.complex128), (D.int32, 1j, D.complex64), (D.complex64, 1.0, D.complex64),
])
def test_python_scalars_are_weak(dt, scalar, expected):
    x = fnp.asarray(np.ones(2, dt))
    assert (x + scalar).dtype == expected and (scalar + x).dtype == expected
    assert fnp.multiply(x, scalar).dtype == expected


def test_python_scalar_with_boolean_arrays():
    b = fnp.asarray([True, False])
    assert (b & True).dtype == fnp.bool and (b == 1).dtype == fnp.bool
    assert fnp.add(fnp.asarray([True]).astype(fnp.int8), 1).dtype == fnp.int8


@pytest.mark.parametrize("dt,scalar", [(D.uint8, 300), (D.uint8, -1), (D.int8, 128), (D.int64, 2**63)])
def test_python_int_out_of_the_array_dtype_range_raises_overflow(dt, scalar):
    with pytest.raises(OverflowError, match=str(scalar)):
        fnp.add(fnp.asarray(np.ones(2, dt)), scalar)


def test_functions_of_python_scalars_alone_give_weak_default_dtypes():
    assert fnp.add(1, 2).dtype == fnp.int64 and fnp.exp(1.0).dtype == fnp.float32
    assert fnp.sqrt(4).item() == 2.0 and fnp.add(1, 2).weak


# error paths ------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["subtract", "negative", "sign", "positive", "round", "clip", "gcd"])
def test_numeric_functions_reject_booleans_and_name_the_fix(name):
    f = getattr(fnp, name)
    args = [fnp.asarray([True, False])] * (2 if name in ("subtract", "gcd") else 1)
    with pytest.raises(DTypeError, match=rf"{name}: does not accept dtype bool[\s\S]*fix: .*astype"):
        f(*args)


@pytest.mark.parametrize("name", ["add", "multiply"])
def test_add_and_multiply_of_booleans_are_or_and_and_as_in_numpy_and_jax(name):
    a, b = np.array([True, True, False, False]), np.array([True, False, True, False])
    want = getattr(np, name)(a, b)
    f = getattr(fnp, name)
    op = {"add": lambda x, y: x + y, "multiply": lambda x, y: x * y}[name]
    for got, expected in [(f(fnp.asarray(a), fnp.asarray(b)), want), (op(fnp.asarray(a), fnp.asarray(b)), want),
                          (fx.jit(op)(a, b), want), (fx.vmap(op)(a, b), want),
                          (f(fnp.asarray(a), True), getattr(np, name)(a, True))]:
        assert got.dtype == np.bool_
        np.testing.assert_array_equal(got, expected)
    assert op(fnp.asarray(a), 2).dtype == np.int64 and op(fnp.asarray(a), 1.5).dtype == np.float32


@pytest.mark.parametrize("name,nargs", [("floor", 1), ("ceil", 1), ("trunc", 1), ("signbit", 1), ("less", 2),
                                        ("greater_equal", 2), ("maximum", 2), ("floor_divide", 2), ("remainder", 2),
                                        ("atan2", 2), ("hypot", 2), ("copysign", 2), ("logaddexp", 2), ("fmax", 2),
                                        ("clip", 1), ("cbrt", 1), ("isposinf", 1), ("heaviside", 2), ("fmod", 2)])
def test_real_valued_functions_reject_complex_input(name, nargs):
    z = fnp.asarray([1 + 1j])
    with pytest.raises(DTypeError, match=rf"{name}: .*complex[\s\S]*fix: .*real"):
        getattr(fnp, name)(*([z] * nargs))


@pytest.mark.parametrize("name", ["bitwise_and", "bitwise_left_shift", "bitwise_right_shift", "gcd", "lcm",
                                  "bitwise_xor"])
def test_integer_functions_reject_floats(name):
    with pytest.raises(DTypeError, match=rf"{name}: does not accept dtype float32[\s\S]*astype"):
        getattr(fnp, name)(fnp.asarray([1.0]), fnp.asarray([1.0]))


def test_bitwise_invert_and_count_reject_floats():
    with pytest.raises(DTypeError, match="bitwise_invert"):
        fnp.bitwise_invert(fnp.asarray([1.0]))
    with pytest.raises(DTypeError, match="bitwise_count.*bool"):
        fnp.bitwise_count(fnp.asarray([True]))


@pytest.mark.parametrize("name", ["add", "equal", "logical_and", "hypot", "floor_divide", "pow"])
def test_shapes_that_do_not_broadcast_raise_a_shape_error(name):
    with pytest.raises(ShapeError, match="cannot be broadcast[\\s\\S]*fix"):
        getattr(fnp, name)(fnp.asarray([1, 2, 3]), fnp.asarray([1, 2]))


def test_round_needs_integer_decimals():
    with pytest.raises(TypeError):
        fnp.round(fnp.asarray([1.0]), decimals=1.5)


def test_non_array_operands_are_rejected():
    with pytest.raises(TypeError):
        fnp.add(fnp.asarray([1]), "a")
    assert fnp.asarray([1]).__add__(object()) is NotImplemented


@pytest.mark.parametrize("c", [300, -300, -1, 256, 10**30, 5])
@pytest.mark.parametrize("dtype", [np.int8, np.uint8, np.int64])
def test_comparisons_with_python_ints_outside_the_dtype_range_are_exact_eagerly_and_under_jit(c, dtype):
    x = np.array([np.iinfo(dtype).min, 0, 1, np.iinfo(dtype).max], dtype)
    for name in ("equal", "not_equal", "less", "less_equal", "greater", "greater_equal"):
        f, ref = getattr(fnp, name), getattr(np, name)
        for got, expected in ((f(fnp.asarray(x), c), ref(x, c)), (f(c, fnp.asarray(x)), ref(c, x)),
                              (f(x, c), ref(x, c)), (f(c, x[1]), ref(c, x[1])),  # (NumPy operands crashed)
                              (fx.jit(lambda a: f(a, c))(fnp.asarray(x)), ref(x, c)),
                              (fx.jit(lambda a: f(c, a))(fnp.asarray(x)), ref(c, x))):
            assert got.dtype == np.bool_
            np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize("dt", INTS)
def test_comparisons_with_python_ints_outside_the_range_are_exact_eager_and_with_traced_ints(dt):
    info = np.iinfo(dt)
    a = np.array([info.min, 0, 1, info.max], dtype=dt)
    for op in [operator.lt, operator.le, operator.gt, operator.ge, operator.eq, operator.ne]:
        for f in (lambda x, c: op(x, c), lambda x, c: op(c, x)):
            jitted = fx.jit(f)  # (c is traced there: one program for every value)
            for c in [-2**63, -2**40, -129, -1, 0, 127, 128, 256, 2**31, 2**63 - 1]:
                expected = f(a, c)  # NumPy 2 compares Python ints exactly
                np.testing.assert_array_equal(f(fnp.asarray(a), c), expected)
                np.testing.assert_array_equal(jitted(fnp.asarray(a), c), expected)


def _sinc(x):
    """NumPy's sinc, but 0 where pi * x overflows (NumPy's NaN there: fluxion's sinc is 0, which
    |sinc(x)| <= 1 / (pi |x|) rounds to; see the test below)."""
    out = np.sinc(x)
    if np.iscomplexobj(out):
        return out
    with np.errstate(over="ignore", invalid="ignore"):
        return np.where(np.isfinite(x) & ~np.isfinite(np.pi * np.asarray(x)), 0, out).astype(out.dtype)


def test_sinc_where_pi_x_overflows_is_zero_as_in_float64():
    x = np.array([1.08332e38, -3e38, 2.0 ** 70, np.inf, -np.inf, np.nan], np.float32)
    want = np.sinc(x.astype(np.float64))  # (x is an integer there: sin(pi x) is 0 up to rounding)
    got = np.asarray(fnp.sinc(x))
    np.testing.assert_allclose(got, want, atol=1e-20, rtol=0)
    np.testing.assert_array_equal(np.asarray(fx.jit(fnp.sinc)(x)), got)
