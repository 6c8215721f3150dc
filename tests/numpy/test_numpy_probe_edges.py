"""Edge cases found by probing fluxion.numpy against NumPy: weighted averages with keepdims
and returned, histogram counts under jit, odd reflection of booleans, interp at infinite
sample points, gradient of booleans and r_ / c_ with Python ints. NumPy is the oracle;
each value is checked eagerly and under jit."""
import numpy as np
import pytest

import fluxion as fx
import fluxion.numpy as fnp

from _arrays import check, raises


def eager_and_jit(f, *args):
    """`f(*args)` eagerly and compiled, with the NumPy arrays `args` as its operands."""
    return f(*(fnp.asarray(a) for a in args)), fx.jit(f)(*args)


# average ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("axis, weights", [(1, [1.0, 2.0, 3.0]), (0, [1.0, 2.0]), (-1, [1.0, 2.0, 3.0]),
                                           ((0, 1), [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]),
                                           (None, [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])])
def test_average_returned_sum_of_weights_keeps_dims_as_numpy(axis, weights):
    a, w = np.arange(6.0).reshape(2, 3), np.asarray(weights)
    want_avg, want_sum = np.average(a, axis, w, returned=True, keepdims=True)
    for avg, total in eager_and_jit(lambda a, w: fnp.average(a, axis, w, returned=True, keepdims=True), a, w):
        check(avg, want_avg, rtol=1e-12)
        check(total, want_sum, rtol=1e-12)


def test_average_with_weights_summing_to_zero_raises_as_numpy():
    a, w = np.arange(6.0).reshape(2, 3), np.array([1.0, -1.0, 0.0])
    with pytest.raises(ZeroDivisionError):
        np.average(a, 1, w)
    with raises(ZeroDivisionError, "average", "sum to zero"):
        fnp.average(fnp.asarray(a), 1, fnp.asarray(w))


# histogram --------------------------------------------------------------------------------------
@pytest.mark.parametrize("weights", [np.array([1, 2, 3, 4]), np.array([0.5, 1.0, 2.0, 4.0], np.float32),
                                     np.array([True, False, True, True])])
def test_histogram_counts_of_traced_data_have_the_eager_dtype(weights):
    a = np.array([0.0, 1.0, 1.5, 3.0])
    counts, edges = np.histogram(a, 3, weights=weights)
    counts = counts.astype(np.int64) if weights.dtype == np.bool_ else counts  # fluxion counts booleans as ints
    for out, out_edges in eager_and_jit(lambda a, w: fnp.histogram(a, 3, weights=w), a, weights):
        check(out, counts, rtol=1e-6)
        check(out_edges, edges, rtol=1e-12)


# pad --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("mode", ["reflect", "symmetric"])
@pytest.mark.parametrize("values, width", [([True, False, True], 2), ([True, False, False], (5, 1)),
                                           ([False, True], (0, 7)), ([True], 3),
                                           ([[True, False, False], [False, False, True]], ((3, 1), (4, 6)))])
def test_pad_odd_reflection_of_booleans_matches_numpy(values, width, mode):
    x = np.array(values)
    want = np.pad(x, width, mode, reflect_type="odd")
    for out in eager_and_jit(lambda x: fnp.pad(x, width, mode, reflect_type="odd"), x):
        check(out, want)


# interp -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("xp, fp", [([0.0, np.inf], [0.0, 1.0]), ([-np.inf, 0.0, np.inf], [3.0, 1.0, 2.0]),
                                    ([-np.inf, 0.0], [1.0, 2.0])])
def test_interp_at_infinite_sample_points_matches_numpy(xp, fp):
    x, xp, fp = np.array([-np.inf, np.inf, 0.0, 1.0, np.nan]), np.array(xp), np.array(fp)
    for out in eager_and_jit(fnp.interp, x, xp, fp):
        check(out, np.interp(x, xp, fp))


# gradient ---------------------------------------------------------------------------------------
def test_gradient_of_booleans_raises_as_numpy():
    f = np.array([True, False, True])
    with pytest.raises(TypeError):
        np.gradient(f)
    with raises(TypeError, "gradient", "boolean"):
        fnp.gradient(fnp.asarray(f))


# r_ --------------------------------------------------------------------------------------------
def test_r_gives_python_ints_the_arrays_dtype_and_refuses_ones_that_do_not_fit_as_numpy():
    small = np.array([1, 2], np.int8)
    check(fnp.r_[fnp.asarray(small), 3], np.r_[small, 3])
    with pytest.raises(OverflowError):
        np.r_[small, 300]
    with pytest.raises(OverflowError, match="300"):
        fnp.r_[fnp.asarray(small), 300]


# insert -----------------------------------------------------------------------------------------
def test_insert_refuses_python_ints_that_do_not_fit_the_dtype_as_numpy():
    small = np.array([1, 2], np.int8)
    for values in (300, [5, 300]):
        with pytest.raises(OverflowError):
            np.insert(small, 1, values)
        with pytest.raises(OverflowError, match="300"):
            fnp.insert(fnp.asarray(small), 1, values)
    for values in (7, [5, -6], np.array([300]), 2.7):  # in range, or cast as NumPy casts arrays and floats
        check(fnp.insert(fnp.asarray(small), 1, values), np.insert(small, 1, values))
