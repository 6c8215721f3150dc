"""The eager fast paths of division-like arithmetic (floor_divide, remainder, divmod, divide of
integers, reciprocal, power, the shifts, and the operators //, %, /, **, <<, >> and their
reflected and in-place forms) give what the general path gives, bit for bit (dtype, weak type,
shape, bytes): on NaN, +-inf, -0.0, 0-d, empty, transposed, integer (INT_MIN // -1, division by
zero), unsigned, boolean, float16, complex and weak inputs, and Python scalars out of range
(the general path's error). The general path runs on tracers (`traced`), which no fast path
takes."""
import numpy as np
import pytest

import fluxion.numpy as fnp
from fluxion.core.array import Array

from test_eager_fast_paths import check

_RNG = np.random.default_rng(5)


def _values(dt, shape):
    v = (_RNG.standard_normal(shape) * 8).astype(dt)
    if v.size >= 6:
        v.flat[:6] = np.nan, np.inf, -np.inf, -0.0, 0.0, 3.0
    return v


def _inputs():
    """float32, float64 and float16 arrays (with NaN, +-inf, +-0.0), 0-d, empty, transposed and
    broadcast arrays, signed and unsigned integers (with zeros and the extremes), booleans,
    complex numbers and weak arrays."""
    out = [fnp.asarray(_values(dt, s)) for dt in (np.float32, np.float64) for s in ((4, 4), (10,), (), (0, 3))]
    out += [fnp.asarray(_values(np.float32, (5, 6))).T, fnp.asarray(_values(np.float16, (3, 4))),
            fnp.broadcast_to(fnp.asarray(np.float32(-2.5)), (2, 3))]
    for dt in (np.int8, np.int32, np.int64, np.uint8, np.uint64):
        info = np.iinfo(dt)
        v = _RNG.integers(max(info.min, -50), 50, (3, 4)).astype(dt)
        v.flat[:3] = info.min, info.max, 0
        out.append(fnp.asarray(v))
    out += [fnp.asarray(_RNG.integers(-9, 9, (4, 3)).astype(np.int32)).T, fnp.asarray(np.int32(-7)),
            fnp.asarray(np.zeros((0, 2), np.int16)), fnp.asarray(_RNG.standard_normal((3, 4)) > 0),
            fnp.asarray(np.array([1 + 2j, -3j, 0], np.complex64)),
            Array(np.array([[-1.5, 0.0, 2.5]], np.float32), weak=True), Array(np.array(-7, np.int64), weak=True)]
    return out


INPUTS = _inputs()


_flip, _fd = fnp.flip, fnp.floor_divide
FUNCTIONS = {
    "floor_divide 3": lambda x: _fd(x, 3), "floor_divide 2.5": lambda x: _fd(x, 2.5),
    "floor_divide -1": lambda x: _fd(x, -1), "floor_divide 0": lambda x: _fd(x, 0),
    "floor_divide -0.0": lambda x: _fd(x, -0.0), "floor_divide inf": lambda x: _fd(x, -np.inf),
    "floor_divide nan": lambda x: _fd(x, np.nan), "floor_divide 1e-30": lambda x: _fd(x, 1e-30),
    "floor_divide 10**40": lambda x: _fd(x, 10 ** 40), "floor_divide 300": lambda x: _fd(x, 300),
    "floor_divide flip": lambda x: _fd(x, _flip(x)), "floor_divide self": lambda x: _fd(x, x),
    "x // 3": lambda x: x // 3, "7 // x": lambda x: 7 // x, "x // x[:1]": lambda x: x // x[:1],
    "-2.5 // x": lambda x: -2.5 // x, "x // 10**400": lambda x: x // 10 ** 400, "x % 70000": lambda x: x % 70000,
    "remainder 3": lambda x: fnp.remainder(x, 3), "remainder -2.5": lambda x: fnp.remainder(x, -2.5),
    "remainder 0": lambda x: fnp.remainder(x, 0), "remainder -inf": lambda x: fnp.remainder(x, -np.inf),
    "remainder flip": lambda x: fnp.remainder(x, _flip(x)), "mod -1": lambda x: fnp.mod(x, -1),
    "x % 3": lambda x: x % 3, "5 % x": lambda x: 5 % x, "x % x[:1]": lambda x: x % x[:1],
    "remainder 1e30": lambda x: fnp.remainder(x, 1e30), "fmod 3": lambda x: fnp.fmod(x, 3),
    "fmod flip": lambda x: fnp.fmod(x, _flip(x)), "fmod -2.5": lambda x: fnp.fmod(x, -2.5), "fmod 0": lambda x: fnp.fmod(x, 0),
    "divmod quotient": lambda x: divmod(x, 3)[0], "divmod remainder": lambda x: divmod(x, -2)[1],
    "rdivmod": lambda x: divmod(7, x)[1], "fnp.divmod": lambda x: fnp.divmod(x, _flip(x))[0],
    "divide 3": lambda x: fnp.divide(x, 3), "x / 3": lambda x: x / 3, "3 / x": lambda x: 3 / x,
    "x / 0": lambda x: x / 0, "x / flip": lambda x: x / _flip(x), "x / 2**40": lambda x: x / 2 ** 40,
    "x / -1": lambda x: x / -1, "x / 2.5": lambda x: x / 2.5, "true_divide": lambda x: fnp.true_divide(x, x),
    "reciprocal": fnp.reciprocal, "power flip": lambda x: fnp.power(x, _flip(x)), "power 2": lambda x: fnp.power(x, 2),
    "power -3": lambda x: fnp.pow(x, -3), "power 0.5": lambda x: fnp.power(x, 0.5),
    "power 2**40": lambda x: fnp.power(x, 2 ** 40),
    "x ** flip": lambda x: x ** _flip(x), "2.0 ** x": lambda x: 2.0 ** x,
    "left_shift 1": lambda x: fnp.left_shift(x, 1), "left_shift 70": lambda x: fnp.left_shift(x, 70),
    "left_shift -1": lambda x: fnp.bitwise_left_shift(x, -1), "left_shift 300": lambda x: fnp.left_shift(x, 300),
    "x << 3": lambda x: x << 3, "1 << x": lambda x: 1 << x, "x << flip": lambda x: x << _flip(x),
    "right_shift 1": lambda x: fnp.right_shift(x, 1),
    "right_shift 64": lambda x: fnp.bitwise_right_shift(x, 64), "right_shift -2": lambda x: fnp.right_shift(x, -2),
    "x >> 2": lambda x: x >> 2, "-9 >> x": lambda x: -9 >> x, "x >> flip": lambda x: x >> _flip(x),
    "fmax flip": lambda x: fnp.fmax(x, _flip(x)), "fmin 0.5": lambda x: fnp.fmin(x, 0.5),
    "fmax -0.0": lambda x: fnp.fmax(x, -0.0), "fmin 3": lambda x: fnp.fmin(x, 3),
    "isin flip": lambda x: fnp.isin(x, _flip(x)), "isin row": lambda x: fnp.isin(x, x[..., :1], invert=True),
}


@pytest.mark.parametrize("name", list(FUNCTIONS))
@pytest.mark.parametrize("i", range(len(INPUTS)))
def test_fast_path_matches_the_general_path_bit_for_bit(name, i):
    check(FUNCTIONS[name], INPUTS[i])


_SPECIAL = [np.nan, -np.nan, np.inf, -np.inf, 0.0, -0.0, 1.0, -1.0, 2.5, -7.0, 3.0, 0.1, 1e30, -1e-30, 5e-324, 1e300]


@pytest.mark.parametrize("dt", [np.float16, np.float32, np.float64])
def test_float_division_of_every_pair_of_special_values_matches_the_general_path(dt):
    with np.errstate(over="ignore"):
        v = np.array(_SPECIAL, dt)
    a, b = np.meshgrid(v, v)
    for f in (fnp.floor_divide, fnp.remainder, fnp.fmod, fnp.fmax, fnp.fmin):
        check(f, fnp.asarray(a), fnp.asarray(b))
        check(f, fnp.asarray(a), 0.1)


@pytest.mark.parametrize("dt", [np.float16, np.float32, np.float64])
def test_float_division_of_random_magnitudes_matches_the_general_path(dt):
    # quotients up to 1e10 and beyond, where NumPy's floor division may differ by one from the
    # general path's (between 2**22 and 2**23 for float32, as below): the fast path must give the latter
    n = 3000
    a = _RNG.standard_normal(n) * 10.0 ** _RNG.uniform(-5, 5, n)
    b = _RNG.standard_normal(n) * 10.0 ** _RNG.uniform(-5, 5, n)
    with np.errstate(over="ignore"):  # (float16 overflows)
        x, y = fnp.asarray(a.astype(dt)), fnp.asarray(b.astype(dt))
    for f in (fnp.floor_divide, fnp.remainder):
        check(f, x, y)
    x, y = fnp.asarray(np.float32([-89.40638, -16694.871])), fnp.asarray(np.float32([1.3864396e-05, -0.002822814]))
    check(fnp.floor_divide, x, y)
    assert np.asarray(fnp.floor_divide(x, y)).tolist() != np.floor_divide(np.asarray(x), np.asarray(y)).tolist()


@pytest.mark.parametrize("dt", [np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32, np.uint64])
def test_integer_division_and_shifts_of_every_pair_of_extremes_match_the_general_path(dt):
    info = np.iinfo(dt)
    values = {info.min, info.min + 1, info.max, info.max - 1, 0, 1, 2, 3, 7, 63, 64}
    values |= {-1, -2, -7} if info.min else set()
    a, b = np.meshgrid(*[np.array(sorted(values), dt)] * 2)
    for f in (fnp.floor_divide, fnp.remainder, fnp.fmod, fnp.divide, fnp.left_shift, fnp.right_shift, fnp.gcd,
              fnp.lcm, fnp.fmax, fnp.fmin):
        check(f, fnp.asarray(a), fnp.asarray(b))
    for c in (-1, 0, 3, int(info.max)):
        check(lambda x: x // c, fnp.asarray(a))
        check(lambda x: c % x, fnp.asarray(a))


def test_in_place_operators_give_the_general_path_result():
    for x in (INPUTS[0], INPUTS[13], INPUTS[-1], INPUTS[-2]):
        for update, op, c in (("__ifloordiv__", "__floordiv__", 3), ("__imod__", "__mod__", -2),
                              ("__ilshift__", "__lshift__", 2), ("__irshift__", "__rshift__", 1)):
            if op.endswith("shift__") and x.dtype.kind == "f":
                continue
            z = x.copy()
            out = getattr(z, update)(c)
            check(lambda v: getattr(v, op)(c), x)
            assert out is z and np.asarray(z).tobytes() == np.asarray(getattr(x, op)(c)).tobytes()


def test_weak_arrays_with_python_scalars_promote_as_the_general_path():
    # a weak int32 (as made inside promotion) and a Python int give int64, weak float16 and a
    # Python float give float32
    ints, halves = Array(np.array([-7, 5], np.int32), weak=True), Array(np.array([1.5, -2.0], np.float16), weak=True)
    for x, c in ((ints, 3), (halves, 2.5)):
        for f in (lambda v: v + c, lambda v: v * c, lambda v: v // c, lambda v: c % v, lambda v: v / c,
                  lambda v: v ** c):
            check(f, x)
    assert (Array(np.array([-7, 5], np.int32), weak=True) // 3).dtype == np.int64


def test_floor_division_of_weak_int32_arrays_under_jit_is_weak_int32():
    import fluxion as fx
    a, b = np.array([7, -7, 7, -7, 3], np.int32), np.array([2, 2, -2, -2, 0], np.int32)
    out = fx.jit(lambda x, y: x // y)(Array(a, weak=True), Array(b, weak=True))
    assert (out.dtype, out.weak) == (np.int32, True)
    with np.errstate(divide="ignore"):
        np.testing.assert_array_equal(np.asarray(out), a // b)


def test_remainder_of_python_floats_under_jit_stays_weak_as_in_numpy():
    import fluxion as fx
    x = np.float16([1.0, 2.0])
    assert fx.jit(lambda s, x: s % 2.0 + x)(3.5, fnp.asarray(x)).dtype == (3.5 % 2.0 + x).dtype == np.float16


def test_integer_min_divided_by_minus_one_is_int_min_and_division_by_zero_is_zero():
    x = fnp.asarray(np.array([-2**31, 7, -7], np.int32))
    assert (x // -1).tolist() == [-2**31, -7, 7]
    assert (x % -1).tolist() == [0, 0, 0]
    assert (x // 0).tolist() == (x % 0).tolist() == [0, 0, 0]


def test_results_match_numpy():
    rng = np.random.default_rng(1)
    a = rng.integers(-100, 100, (5, 7)).astype(np.int32)
    b = rng.integers(-9, 9, (5, 7)).astype(np.int32)
    x, y = fnp.asarray(a), fnp.asarray(b)
    with np.errstate(divide="ignore"):
        np.testing.assert_array_equal(np.asarray(x // y), a // b)
        np.testing.assert_array_equal(np.asarray(x % y), a % b)
    np.testing.assert_array_equal(np.asarray(x << 3), a << 3)
    np.testing.assert_array_equal(np.asarray(x >> 2), a >> 2)
    np.testing.assert_array_equal(np.asarray(x / 4), (a / 4).astype(np.float32))
    f = rng.standard_normal((5, 7)).astype(np.float32)
    np.testing.assert_array_equal(np.asarray(fnp.asarray(f) // 0.3), f // np.float32(0.3))
    np.testing.assert_array_equal(np.asarray(fnp.asarray(f) % 0.3), f % np.float32(0.3))
    assert (x // 3).dtype == np.int32 and (x / 3).dtype == np.float32 and (fnp.asarray(f) // 2).dtype == np.float32


@pytest.mark.parametrize("dt", [np.float16, np.float32, np.float64])
def test_small_integer_powers_are_the_compiled_products_and_within_rounding_of_numpy(dt):
    import fluxion as fx
    v = (_RNG.standard_normal(500) * 4).astype(dt)
    v[:4] = [0.0, -0.0, np.inf, np.nan]
    x = fnp.asarray(v)
    for y in range(-4, 5):
        eager = np.asarray(x ** y)
        assert eager.tobytes() == np.asarray(fx.jit(lambda a: a ** y)(x)).tobytes(), y
        with np.errstate(divide="ignore", over="ignore"):
            np.testing.assert_allclose(eager, np.power(v, y), rtol=4 * np.finfo(dt).eps, atol=0)


@pytest.mark.parametrize("dt", [np.complex64, np.complex128])
def test_small_integer_powers_of_complex_numbers_match_the_compiled_ones_and_numpy(dt):
    """Also at overflow: (1e200 + 1e200j) ** 2 is -inf + inf j eagerly, as NumPy's x ** 2 and x * x,
    not NumPy's power's nan + inf j. (XLA's own result there depends on the array's length.)"""
    import fluxion as fx
    v = (_RNG.standard_normal(50) + 1j * _RNG.standard_normal(50)).astype(dt) * 3
    v[0] = 0
    x = fnp.asarray(v)
    for y in range(-4, 5):
        eager, jitted = np.asarray(x ** y), np.asarray(fx.jit(lambda a: a ** y)(x))
        with np.errstate(all="ignore"):
            want = np.power(v.astype(np.complex128), y)
        for got in (eager[1:], jitted[1:]):  # (relative to the modulus: a part may be much smaller)
            assert np.all(abs(got - want[1:]) <= 16 * np.finfo(dt).eps * abs(want[1:])), y
        assert np.isnan(eager[0]) == np.isnan(jitted[0]) and (y < 0 or eager[0] == jitted[0]), y
    big = fnp.asarray(np.array([1e200 + 1e200j if dt is np.complex128 else 1e30 + 1e30j], dt))
    with np.errstate(all="ignore"):
        want = np.asarray(big) * np.asarray(big)
    np.testing.assert_array_equal(np.asarray(big ** 2), want)
