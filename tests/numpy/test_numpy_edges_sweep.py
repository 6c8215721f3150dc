"""Edge inputs of fluxion.numpy against NumPy (jax where NumPy has no answer): results past
NumPy's 64 dimensions, integer statistics near the ends of their range, eagerly and under jit."""
import numpy as np
import pytest

import fluxion as fx
import fluxion.numpy as fnp
from fluxion.errors import AxisError, FluxionError, ShapeError

from _arrays import check, raises


def eager_and_jit(f, *args):
    """`f(*args)` eagerly and compiled, with the NumPy arrays `args` as its operands."""
    return f(*(fnp.asarray(a) for a in args)), fx.jit(f)(*args)


# more than 64 dimensions -----------------------------------------------------------------------
_PAST_64 = {
    "reshape": lambda: fnp.reshape(fnp.ones(1), (1,) * 70),
    "expand_dims": lambda: fnp.expand_dims(fnp.ones((1,) * 40), tuple(range(30))),
    "broadcast_to": lambda: fnp.broadcast_to(fnp.ones(1), (1,) * 65),
    "zeros": lambda: fnp.zeros((1,) * 65),
    "ones": lambda: fnp.ones((1,) * 65, dtype=fnp.int32),
    "full": lambda: fnp.full((1,) * 65, 2),
    "empty": lambda: fnp.empty((1,) * 66),
    "newaxis": lambda: fnp.ones((1,) * 64)[..., None],
    "multiply": lambda: fnp.ones((1,) * 33)[(...,) + (None,) * 32] * fnp.ones((1,) * 33),
    "tensordot": lambda: fnp.tensordot(fnp.ones((1,) * 40), fnp.ones((1,) * 40), 0),
}


@pytest.mark.parametrize("name", sorted(_PAST_64))
def test_eager_result_past_64_dimensions_raises_a_shape_error_naming_the_fix(name):
    with pytest.raises(ValueError):  # NumPy's own limit
        np.ones((1,) * 65)
    with raises(ShapeError, "dimensions", "at most 64"):
        _PAST_64[name]()


def test_eager_result_of_exactly_64_dimensions_is_made():
    out = fnp.ones((1,) * 63)[..., None] + 1
    check(out, np.ones((1,) * 63)[..., None] + 1, dtype=np.float32)


def test_past_64_dimensions_error_is_a_value_error_and_a_fluxion_error():
    with pytest.raises(ValueError) as info:
        fnp.zeros((1,) * 65)
    assert isinstance(info.value, FluxionError)


# integer statistics -----------------------------------------------------------------------------
# (64-bit ones such that every partial sum is one of float64's exact integers, so that a float64
# sum is exact in any order: XLA's order is not NumPy's)
_EXTREMES = {
    "int32": np.array([[0, 1, -1, 7], [-3, 2**31 - 1, -2**31, 2]], np.int32),
    "int64": np.array([[0, 1, -1, 7], [-3, 2**52 - 1, -2**52, 2]], np.int64),
    "uint64": np.array([[0, 1, 7, 3], [2**51 - 1, 2**51 - 2, 2, 100]], np.uint64),
    "uint32": np.array([[0, 1, 7, 3], [2**32 - 1, 2**32 - 2, 2, 100]], np.uint32),
}


@pytest.mark.parametrize("name", ["mean", "nanmean", "var", "nanvar", "std", "nanstd"])
@pytest.mark.parametrize("axis", [None, 0, -1, (0, 1)])
@pytest.mark.parametrize("dt", sorted(_EXTREMES))
def test_statistics_of_integers_near_their_range_ends_match_numpy_within_float32(name, axis, dt):
    x = _EXTREMES[dt]
    want = getattr(np, name)(x, axis=axis)  # NumPy accumulates integers in float64
    for out in eager_and_jit(lambda x: getattr(fnp, name)(x, axis=axis), x):
        check(out, np.asarray(want).astype(np.float32), rtol=2e-7)


def test_mean_of_integers_is_the_same_eagerly_and_under_jit():
    x = np.array([0, 1, -1, 7, -3, 2**31 - 1, -2**31, 2], np.int32)
    eager, jitted = eager_and_jit(fnp.mean, x)
    check(eager, np.float32(np.mean(x)))
    check(jitted, np.float32(np.mean(x)))


# insert, delete on 0-d arrays -------------------------------------------------------------------
@pytest.mark.parametrize("axis", [0, -1])
@pytest.mark.parametrize("name, args", [("delete", (0,)), ("insert", (0, 5))])
def test_insert_and_delete_along_an_axis_of_a_0d_array_raise_axis_errors_as_numpy(name, args, axis):
    x = np.array(3.0)
    with pytest.raises(np.exceptions.AxisError):
        getattr(np, name)(x, *args, axis=axis)
    with raises(AxisError, "0-d", "axis=None"):
        getattr(fnp, name)(fnp.asarray(x), *args, axis=axis)
    with raises(AxisError, "0-d", "axis=None"):
        fx.jit(lambda x: getattr(fnp, name)(x, *args, axis=axis))(x)


@pytest.mark.parametrize("name, args", [("delete", (0,)), ("insert", (0, 5))])
def test_insert_and_delete_of_a_0d_array_without_axis_work_on_it_flattened_as_numpy(name, args):
    x = np.array(3.0)
    check(getattr(fnp, name)(fnp.asarray(x), *args), getattr(np, name)(x, *args))


# searchsorted of a Python int outside the array's dtype -----------------------------------------
@pytest.mark.parametrize("side", ["left", "right"])
@pytest.mark.parametrize("dt, v", [(np.int8, 1000), (np.int8, -1000), (np.uint8, -1), (np.uint8, 256),
                                   (np.int64, 2**63), (np.uint64, -1), (np.int16, 7)])
def test_searchsorted_of_a_python_int_outside_the_dtype_finds_its_place_as_numpy(dt, v, side):
    a = np.array([1, 2, 2, 5], dt)
    want = np.searchsorted(a, v, side)
    for out in eager_and_jit(lambda a: fnp.searchsorted(a, v, side=side), a):
        check(out, np.asarray(want, np.int64))


# histogramdd of a sequence of numbers -----------------------------------------------------------
@pytest.mark.parametrize("sample", [[1, 2, 3], (1.5,), [0.25, 0.5, 4.0, -1.0]])
def test_histogramdd_reads_a_sequence_of_numbers_as_one_coordinate_as_numpy(sample):
    counts, edges = np.histogramdd(sample, bins=2)
    out, out_edges = fnp.histogramdd(sample, bins=2)
    check(out, counts.astype(np.float32))
    assert len(out_edges) == len(edges) == 1
    check(out_edges[0], edges[0].astype(np.float32), rtol=1e-6)


# round's decimals -------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["round", "around"])
@pytest.mark.parametrize("decimals", [1.5, "2"])
def test_round_with_decimals_that_are_not_ints_raises_a_type_error_naming_the_fix(name, decimals):
    x = np.array([1.25, 2.5], np.float32)
    with pytest.raises(TypeError):
        getattr(np, name)(x, decimals)
    with raises(TypeError, "round", "decimals must be an int"):
        getattr(fnp, name)(fnp.asarray(x), decimals)
    with raises(TypeError, "round", "decimals must be an int"):
        fx.jit(lambda x: getattr(fnp, name)(x, decimals))(x)


@pytest.mark.parametrize("decimals", [np.int64(1), np.int8(-1)])
def test_round_takes_numpy_integer_decimals_as_numpy(decimals):
    x = np.array([1.25, 26.5, -3.75], np.float64)
    check(fnp.round(fnp.asarray(x), decimals), np.round(x, decimals))


@pytest.mark.parametrize("weights, dt", [(np.array([100, 100, 100, -1, 7, 9], np.int8), np.int8),
                                         (np.array([200, 100, 100, 1, 2, 3], np.uint8), np.uint8),
                                         (np.ones(6, np.float16) * 700, np.float16),
                                         (np.array([True, False, True, True, False, True]), np.int64)])
def test_weighted_histograms_sum_as_numpy_eagerly_and_compiled(weights, dt):
    # integer weights sum in int64 and wrap to their dtype, 16-bit floats in float32 (compiled, integer
    # sums saturated and 16-bit ones stalled); boolean weights count (NumPy would give booleans)
    x = np.array([1.0, 1.0, 1.0, 1.0, 0.0, 0.2])
    wide = weights.astype(np.int64 if weights.dtype.kind in "iub" else np.float64)
    want = np.histogram(x, bins=2, weights=wide)[0].astype(dt)
    for f in (fnp.histogram, fx.jit(fnp.histogram, static_argnames="bins")):
        counts = f(x, bins=2, weights=weights)[0]
        assert counts.dtype == dt
        np.testing.assert_array_equal(np.asarray(counts), want)


@pytest.mark.parametrize("weights", [np.array([1 + 1j, 2, 3, 4, 5j, 1]), np.array([100, 100, 1, 1, 1, 1], np.int8),
                                     np.array([200, 100, 1, 1, 1, 1], np.uint8),
                                     np.array([2048, 1, 1, 1, 1, 1], np.float16)], ids=lambda w: w.dtype.name)
def test_weighted_densities_are_numpys_eagerly_and_compiled(weights):
    # the sums in the weights' dtype (wrapping integers, rounding 16-bit floats), complex densities for
    # complex weights (compiled, the wrapping and the imaginary parts were lost)
    x = np.array([0.1, 0.2, 0.6, 0.7, 0.9, 0.95])
    want = np.histogram(x, bins=2, range=(0, 1), weights=weights, density=True)[0]
    for f in (fnp.histogram, fx.jit(fnp.histogram, static_argnames=("bins", "range", "density"))):
        got = f(x, bins=2, range=(0, 1), weights=weights, density=True)[0]
        assert got.dtype == want.dtype
        np.testing.assert_allclose(np.asarray(got), want, rtol=1e-12)
