"""The eager fast paths of the statistics functions (median, quantile, percentile and their NaN-ignoring
forms, bincount, interp, average, count_nonzero, nan_to_num, array_equal) give what the general path
gives, bit for bit (dtype, weak type, shape, bytes), on NaN, +-inf, -0.0, 0-d, empty, transposed,
integer, boolean, float16, complex and weak inputs; invalid arguments give the general path's error.
The general path runs on tracers (`traced`), which no fast path takes."""
import numpy as np
import pytest

import fluxion.numpy as fnp
from fluxion.core.array import Array

from _tracing import traced
from test_eager_fast_paths import check, same

_RNG = np.random.default_rng(5)


def _values(dt, shape, special=True):
    v = (_RNG.standard_normal(shape) * 3).astype(dt)
    if special and v.size >= 6:
        with np.errstate(over="ignore"):  # (1e30 is inf in float16)
            v.flat[:6] = np.nan, np.inf, -np.inf, -0.0, 1e30, -1e30
    return v


def _inputs():
    """Finite float32 and float64 arrays (4x4 with ties of -0.0 and 0.0, 7 elements), the same with
    NaN, +-inf and large values, a NaN in one row only, 0-d, empty, transposed, 3-d, integer, boolean,
    float16, bfloat16, complex and weak arrays."""
    ties = np.array([[0.0, -0.0, 1.0, -0.0], [2.0, 2.0, -1.0, 0.0], [-0.0, 0.0, 0.0, -0.0], [3.0, 1.0, 2.0, 5.0]])
    row_nan = _values(np.float32, (3, 5), special=False)
    row_nan[1, 2] = np.nan
    out = [fnp.asarray(ties.astype(dt)) for dt in (np.float32, np.float64)]
    out += [fnp.asarray(_values(dt, s, special)) for dt in (np.float32, np.float64) for s in ((4, 4), (7,))
            for special in (False, True)]
    out += [fnp.asarray(row_nan), fnp.asarray(np.float32(2.5)), fnp.asarray(np.zeros((0, 3), np.float32)),
            fnp.asarray(np.zeros((3, 0))), fnp.asarray(_values(np.float32, (5, 6), False)).T,
            fnp.asarray(_values(np.float64, (2, 3, 4), False)), fnp.asarray(np.full((2, 3), np.nan, np.float32)),
            fnp.asarray(_RNG.integers(-5, 5, (3, 4))), fnp.asarray(_RNG.integers(-5, 5, (3, 4)).astype(np.int32)),
            fnp.asarray(_RNG.integers(0, 200, (6,)).astype(np.uint8)), fnp.asarray(_RNG.standard_normal((3, 4)) > 0),
            fnp.asarray(_values(np.float16, (3, 4))), fnp.asarray(_values(np.float32, (3, 4))).astype(fnp.bfloat16),
            fnp.asarray((_values(np.float32, (3, 4)) + 1j * _values(np.float32, (3, 4), False)).astype(np.complex64)),
            Array(np.array([[-1.5, 0.0, 2.5]], np.float32), weak=True), Array(np.array(-0.0, np.float32), weak=True)]
    return out


INPUTS = _inputs()
_Q = fnp.asarray(np.array([0.25, 1.0], np.float32))  # (built outside the traced functions, whose tracers no check takes)

QUANTILES = {
    "median": fnp.median, "median0": lambda x: fnp.median(x, 0),
    "median-1kd": lambda x: fnp.median(x, -1, keepdims=True), "median kd": lambda x: fnp.median(x, keepdims=True),
    "median axis 2": lambda x: fnp.median(x, 2), "median axes": lambda x: fnp.median(x, (0, -1)),
    "nanmedian": fnp.nanmedian, "nanmedian-1": lambda x: fnp.nanmedian(x, -1),
    "quantile": lambda x: fnp.quantile(x, 0.3), "quantile 0": lambda x: fnp.quantile(x, 0),
    "quantile 1": lambda x: fnp.quantile(x, 1), "quantile list": lambda x: fnp.quantile(x, [0.1, 0.5, 1.0], axis=-1),
    "quantile array kd": lambda x: fnp.quantile(x, _Q, axis=0, keepdims=True),
    "quantile 2-d q": lambda x: fnp.quantile(x, [[0.0, 0.7], [0.5, 0.999]], axis=-1),
    "quantile empty q": lambda x: fnp.quantile(x, []), "quantile out of range": lambda x: fnp.quantile(x, 1.5),
    "quantile negative": lambda x: fnp.quantile(x, [-0.1, 0.5]),
    "quantile nan q": lambda x: fnp.quantile(x, float("nan")),
    "quantile lower": lambda x: fnp.quantile(x, 0.3, method="lower"),
    "quantile hazen": lambda x: fnp.quantile(x, 0.3, axis=0, method="hazen"),
    "quantile bad method": lambda x: fnp.quantile(x, 0.3, method="nope"),
    "nanquantile": lambda x: fnp.nanquantile(x, [0.0, 0.7], 0, keepdims=True),
    "percentile": lambda x: fnp.percentile(x, 33), "percentile 100": lambda x: fnp.percentile(x, [100, 0, 50.5], -1),
    "nanpercentile": lambda x: fnp.nanpercentile(x, 90, -1), "percentile over": lambda x: fnp.percentile(x, 101),
}


@pytest.mark.parametrize("name", list(QUANTILES))
@pytest.mark.parametrize("i", range(len(INPUTS)))
def test_quantiles_match_the_general_path_bit_for_bit(name, i):
    check(QUANTILES[name], INPUTS[i])


_LONG = [fnp.asarray(_RNG.standard_normal((2, 20000)).astype(np.float32)), fnp.asarray(_RNG.standard_normal(20001))]
_LONG.append(fnp.asarray(_LONG[0]).at[1, 7].set(np.nan))


@pytest.mark.parametrize("name", ["median", "median-1kd", "quantile list", "quantile 2-d q", "percentile 100"])
@pytest.mark.parametrize("i", range(len(_LONG)))
def test_quantiles_of_long_rows_which_are_partitioned_match_the_general_path_and_numpy(name, i):
    check(QUANTILES[name], _LONG[i])
    if name == "median":
        np.testing.assert_array_equal(np.asarray(fnp.median(_LONG[i], -1)), np.median(np.asarray(_LONG[i]), -1))


def test_quantiles_match_numpy_on_finite_data():
    v = _RNG.standard_normal((5, 8))
    x = fnp.asarray(v)
    np.testing.assert_allclose(np.asarray(fnp.median(x, 1)), np.median(v, 1), rtol=1e-15)
    np.testing.assert_allclose(np.asarray(fnp.quantile(x, [0.2, 0.9], 0)), np.quantile(v, [0.2, 0.9], 0), rtol=1e-15)
    np.testing.assert_allclose(np.asarray(fnp.nanpercentile(x, 40)), np.nanpercentile(v, 40), rtol=1e-15)
    assert fnp.median(fnp.asarray([1, 4, 2, 8])).dtype == fnp.float32


REDUCTIONS = {
    "average": fnp.average, "average0": lambda x: fnp.average(x, 0),
    "average-1kd": lambda x: fnp.average(x, -1, keepdims=True),
    "average returned": lambda x: fnp.average(x, returned=True)[0], "average axis 5": lambda x: fnp.average(x, 5),
    "count_nonzero": fnp.count_nonzero, "count_nonzero0": lambda x: fnp.count_nonzero(x, 0),
    "count_nonzero-1kd": lambda x: fnp.count_nonzero(x, axis=-1, keepdims=True),
    "count_nonzero kd": lambda x: fnp.count_nonzero(x, keepdims=True),
    "count_nonzero > 1": lambda x: fnp.count_nonzero(x > 1), "count_nonzero axes": lambda x: fnp.count_nonzero(x, (0, -1)),
    "count_nonzero axis 3": lambda x: fnp.count_nonzero(x, 3), "nan_to_num": fnp.nan_to_num,
    "nan_to_num values": lambda x: fnp.nan_to_num(x, nan=-1, posinf=2.5, neginf=-7.0),
    "nan_to_num huge": lambda x: fnp.nan_to_num(x, nan=1e300, posinf=-1e300, neginf=10 ** 30),
    "nan_to_num array": lambda x: fnp.nan_to_num(x, nan=fnp.asarray(3.0)),
    "array_equal": lambda x: fnp.array_equal(x, x), "array_equal nan": lambda x: fnp.array_equal(x, x, equal_nan=True),
    "array_equal reversed": lambda x: fnp.array_equal(x, x[::-1], True),
    "array_equal copy": lambda x: fnp.array_equal(x, x + 0), "array_equal shapes": lambda x: fnp.array_equal(x, x[None]),
    "array_equal float64": lambda x: fnp.array_equal(x, x.astype(fnp.float64)),
}


@pytest.mark.parametrize("name", list(REDUCTIONS))
@pytest.mark.parametrize("i", range(len(INPUTS)))
def test_reductions_match_the_general_path_bit_for_bit(name, i):
    check(REDUCTIONS[name], INPUTS[i])


def test_reductions_match_numpy():
    v = _values(np.float32, (4, 5))
    x = fnp.asarray(v)
    assert fnp.count_nonzero(x, 0).tolist() == np.count_nonzero(v, 0).tolist()
    np.testing.assert_array_equal(np.asarray(fnp.nan_to_num(x, posinf=9.0)), np.nan_to_num(v, posinf=9.0))
    assert bool(fnp.array_equal(x, fnp.asarray(v.copy()), equal_nan=True)) and not bool(fnp.array_equal(x, x))
    np.testing.assert_allclose(np.asarray(fnp.average(fnp.asarray(v[1:]), 1)), np.average(v[1:], 1), rtol=1e-6)


def test_nan_to_num_replaces_by_the_original_values_as_numpy():
    v = np.array([np.nan, np.inf, -np.inf, 1.0, -0.0], np.float32)
    for kwargs in ({"nan": np.inf, "posinf": np.nan}, {"nan": -np.inf, "neginf": np.inf}, {"posinf": -np.inf}):
        expected = np.nan_to_num(v, **kwargs)
        for out in (fnp.nan_to_num(fnp.asarray(v), **kwargs), traced(lambda x: fnp.nan_to_num(x, **kwargs), fnp.asarray(v))):
            assert np.asarray(out).tobytes() == expected.tobytes()


def _bincount_general(x, *args, **kwargs):
    """The general path's bincount: on tracers, with the length the values give."""
    v = np.asarray(x).astype(np.int64)
    length = kwargs.pop("length", None)
    if length is None:
        length = max(kwargs.pop("minlength", 0), int(v.max()) + 1 if v.size else 0)
    return traced(lambda x, *w: fnp.bincount(x, *w, length=length, **kwargs), x, *args)


_COUNTED = [fnp.asarray(np.array([0, 2, 2, 5, 1, 2], dt)) for dt in (np.int64, np.int32, np.uint8, np.int8)]
_COUNTED += [fnp.asarray(np.array([True, False, True])), fnp.asarray(np.zeros(0, np.int32)),
             fnp.asarray(np.array([3, 0], np.uint64)), Array(np.array([1, 1, 4], np.int32), weak=True)]


@pytest.mark.parametrize("i", range(len(_COUNTED)))
@pytest.mark.parametrize("minlength", [0, 3, 9])
def test_bincount_matches_the_general_path_and_numpy(i, minlength):
    x = _COUNTED[i]
    out = fnp.bincount(x, minlength=minlength)
    same(out, _bincount_general(x, minlength=minlength))
    assert out.tolist() == np.bincount(np.asarray(x).astype(np.int64), minlength=minlength).tolist()
    for dt in (np.float32, np.float64, np.complex64):
        w = Array((_RNG.standard_normal(x.shape) * 1e7).astype(dt), weak=dt == np.float64)
        same(fnp.bincount(x, w, minlength), _bincount_general(x, w, minlength=minlength))
    for length in (0, 2, 7):
        same(fnp.bincount(x, length=length), _bincount_general(x, length=length))
        same(fnp.bincount(x, w, length=length), _bincount_general(x, w, length=length))


def test_bincount_of_negative_values_drops_them_with_length_and_keeps_the_general_path_errors():
    x = fnp.asarray(np.array([-1, 0, 3, -7, 3], np.int32))
    same(fnp.bincount(x, length=3), _bincount_general(x, length=3))
    w = fnp.asarray(np.arange(5.0, dtype=np.float32))
    same(fnp.bincount(x, w, length=4), _bincount_general(x, w, length=4))
    for call in (lambda: fnp.bincount(x), lambda: fnp.bincount(x, minlength=-1), lambda: fnp.bincount(x, length=-2),
                 lambda: fnp.bincount(x[None]), lambda: fnp.bincount(fnp.asarray([1.0])),
                 lambda: fnp.bincount(fnp.asarray([1, 2]), fnp.ones(3))):
        with pytest.raises(Exception) as e:
            call()
        assert e.type.__module__.startswith("fluxion") or e.type in (ValueError, TypeError)
    same(fnp.bincount(fnp.asarray([1, 2]), fnp.asarray([1, 2])), _bincount_general(fnp.asarray([1, 2]), fnp.asarray([1, 2])))


def _interp_cases():
    """Sorted points, repeated points, infinite and NaN points and values, unsorted points, two points."""
    cases = []
    for dt in (np.float32, np.float64):
        xp, fp = np.sort(_RNG.standard_normal(7)).astype(dt), _RNG.standard_normal(7).astype(dt)
        special = np.array([np.nan, np.inf, -np.inf, -0.0, 0.0, 1e30, -1e30, 3e38, xp[0], xp[3], xp[-1], 5, -5], dt)
        x = np.concatenate([special, (_RNG.standard_normal(20) * 2).astype(dt)])
        for e, f in [(xp, fp), (np.r_[xp[:4], xp[3], xp[5:]], fp), (np.r_[-np.inf, xp[1:]], fp), (np.r_[xp[:6], np.inf], fp),
                     (xp, np.r_[fp[:2], np.inf, fp[3:]]), (xp, np.r_[fp[:2], np.nan, -0.0, fp[4:]]),
                     (np.r_[xp[:3], np.nan, xp[4:]], fp), (xp[::-1], fp), ([5, 7, 3e38, -3e38, 3], [1e38, -3e38, 3e38, 0, 1]),
                     (xp[:2], fp[:2]), (xp[:1], fp[:1]), ([], [])]:
            cases.append((fnp.asarray(x), fnp.asarray(np.asarray(e, dt)), fnp.asarray(np.asarray(f, dt))))
    return cases


_INTERP = _interp_cases()


@pytest.mark.parametrize("case", range(len(_INTERP)))
def test_interp_matches_the_general_path_bit_for_bit(case):
    x, xp, fp = _INTERP[case]
    check(fnp.interp, x, xp, fp)
    check(fnp.interp, fnp.reshape(x[:30], (5, 6)).T, xp, fp)
    check(fnp.interp, x[3], xp, fp)
    for left, right in [(0.5, -1), (1e300, -1e300), (float("nan"), float("inf")), (None, 2)]:
        check(lambda *a: fnp.interp(*a, left, right), x, xp, fp)
    check(lambda *a: fnp.interp(*a, period=2.0), x, xp, fp)


def test_interp_with_operands_it_does_not_take_matches_the_general_path():
    x, xp, fp = _INTERP[0]
    check(fnp.interp, x.astype(fnp.float64), xp, fp)
    check(fnp.interp, x, xp, fp.astype(fnp.complex64))
    check(fnp.interp, x, xp[None], fp[None])
    check(fnp.interp, x, xp[:3], fp)
    check(fnp.interp, Array(np.float32(0.5), weak=True), xp, fp)
    check(lambda *a: fnp.interp(*a, left=fnp.asarray(1.0)), x, xp, fp)


def test_interp_matches_numpy_on_sorted_points():
    v = np.sort(_RNG.standard_normal(9))
    x = _RNG.standard_normal(30) * 2
    out = fnp.interp(fnp.asarray(x), fnp.asarray(v), fnp.asarray(v ** 2))
    np.testing.assert_allclose(np.asarray(out), np.interp(x, v, v ** 2), rtol=1e-12)
