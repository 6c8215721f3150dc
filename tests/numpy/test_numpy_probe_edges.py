"""Edge cases found by probing fluxion.numpy against NumPy: weighted averages with keepdims
and returned, histogram counts under jit, odd reflection of booleans, interp at infinite
sample points, gradient of booleans, r_ / c_ with Python ints, isin with values outside the
dtype, histogram bin rules for integer data, polymul's leading zeros, integer convolve modes,
float polyfit degrees and digitize with NaN bins. NumPy is the oracle; each value is checked
eagerly and under jit."""
import operator
import warnings

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


# isin and comparisons of integers -------------------------------------------------------------
_U64 = np.array([1, 2**63, 2**64 - 1], np.uint64)
_I64 = np.array([1, 2**63 - 1, -1])


@pytest.mark.parametrize("invert", [False, True])
@pytest.mark.parametrize("element, test", [(np.array([1, 2], np.int8), 300), (np.array([1, 2], np.int8), -300),
                                           (np.array([1, 2], np.uint8), -1), (np.array([1, 2], np.uint8), [-1, 2]),
                                           (_U64, _I64), (_I64, _U64), (_U64, -1), (_U64, 2**64 - 1)])
def test_isin_values_that_do_not_fit_the_dtype_match_nothing_as_numpy(element, test, invert):
    want = np.isin(element, test, invert=invert)
    for out in eager_and_jit(lambda e: fnp.isin(e, test, invert=invert), element):
        check(out, want)


@pytest.mark.parametrize("dtype, value", [(np.int8, 300), (np.uint8, -1), (np.uint64, -1)])
def test_isin_with_a_traced_python_int_outside_the_dtype_matches_nothing_as_numpy(dtype, value):
    element = np.array([1, 2], dtype)
    check(fx.jit(lambda e, t: fnp.isin(e, t, invert=True))(element, value), np.isin(element, value, invert=True))


@pytest.mark.parametrize("op", [operator.eq, operator.ne, operator.lt, operator.le, operator.gt, operator.ge])
def test_comparison_of_uint64_with_signed_integers_is_exact_as_numpy(op):
    u = np.array([2**63, 2**64 - 1, 2**63 + 1, 5, 0], np.uint64)
    i = np.array([2**63 - 1, -1, 2**63 - 1, 5, -3])
    for x, y in ((u, i), (i, u), (u, i.astype(np.int8))):
        for out in eager_and_jit(op, x, y):
            check(out, op(x, y))


def test_isin_table_kind_takes_only_integer_and_boolean_arrays_as_numpy():
    floats, ints = np.array([1.0, 2.0]), np.array([1, 2])
    with pytest.raises(ValueError):
        np.isin(floats, ints, kind="table")
    with raises(ValueError, "isin", "'table'", "float"):
        fnp.isin(fnp.asarray(floats), fnp.asarray(ints), kind="table")
    with raises(ValueError, "isin", "'table'", "float"):
        fx.jit(lambda e, t: fnp.isin(e, t, kind="table"))(floats, ints)
    flags = np.array([True, False])
    for out in eager_and_jit(lambda e, t: fnp.isin(e, t, kind="table"), flags, ints):
        check(out, np.isin(flags, ints, kind="table"))


# histogram bin rules ----------------------------------------------------------------------------
@pytest.mark.parametrize("bins", ["auto", "fd", "doane", "scott", "rice", "sturges", "sqrt"])
@pytest.mark.parametrize("a, range_", [(np.array([1, 2, 2, 3, 9]), (0, 5)), (np.array([1, 2, 2, 3, 9]), None),
                                       (np.array([3, 1, 4, 1, 5, 9, 2, 6], np.uint8), None),
                                       (np.array([True, False, True]), None)])
def test_histogram_of_integer_data_follows_numpys_bin_rules(a, bins, range_):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # NumPy's note that it reads booleans as uint8
        counts, edges = np.histogram(a, bins, range_)
        want_edges = np.histogram_bin_edges(a, bins, range_)
    out_counts, out_edges = fnp.histogram(fnp.asarray(a), bins, range_)
    check(out_counts, counts)
    check(out_edges, edges.astype(np.float32))  # fluxion's edges for integer data are float32
    check(fnp.histogram_bin_edges(fnp.asarray(a), bins, range_), want_edges.astype(np.float32))


# polymul ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("a1, a2", [([0, 0, 1, 2], [1, 2, 3]), ([1, 2, 3], []), ([], []), ([0, 0], [1, 2]),
                                    ([0, 0, 3], [0, 2])])
@pytest.mark.parametrize("dtype", [np.float32, np.int64])
def test_polymul_drops_leading_zeros_as_numpy(a1, a2, dtype):
    a1, a2 = np.array(a1, dtype), np.array(a2, dtype)
    want = np.polymul(a1, a2)
    check(fnp.polymul(fnp.asarray(a1), fnp.asarray(a2)), want)
    # traced factors keep their leading zeros: the same product, padded in front to a static length
    length = max(a1.size, 1) + max(a2.size, 1) - 1
    check(fx.jit(fnp.polymul)(a1, a2), np.pad(want, (length - want.size, 0)))


# convolve and correlate -------------------------------------------------------------------------
@pytest.mark.parametrize("mode", [0, 1, 2, np.int64(1)])
@pytest.mark.parametrize("name", ["convolve", "correlate"])
def test_convolve_and_correlate_take_numpys_integer_modes(name, mode):
    a, v = np.array([1.0, 2.0, 3.0, 4.0]), np.array([0.0, 1.0, 0.5])
    for out in eager_and_jit(lambda a, v: getattr(fnp, name)(a, v, mode), a, v):
        check(out, getattr(np, name)(a, v, mode))
    with pytest.raises(ValueError):
        getattr(np, name)(a, v, 3)
    with raises(ValueError, name, "mode 3"):
        getattr(fnp, name)(fnp.asarray(a), fnp.asarray(v), 3)


# polyfit ----------------------------------------------------------------------------------------
def test_polyfit_truncates_a_float_degree_as_numpy():
    x = np.array([0.0, 1.0, 2.0, 3.0, 4.0])
    y = x * x + 1
    for out in eager_and_jit(lambda x, y: fnp.polyfit(x, y, 2.5), x, y):
        check(out, np.polyfit(x, y, 2.5), rtol=1e-6)


# digitize ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("bins", [[0.0, 1.0, np.nan], [np.nan, 1.0, 0.0], [np.nan, 1.0], [np.nan, np.nan], [np.nan]])
@pytest.mark.parametrize("right", [False, True])
def test_digitize_with_nan_bins_matches_numpy(bins, right):
    x, bins = np.array([-1.0, 0.0, 0.5, 1.0, 3.0, np.inf, np.nan]), np.array(bins)
    for out in eager_and_jit(lambda x, b: fnp.digitize(x, b, right), x, bins):
        check(out, np.digitize(x, bins, right))


def test_errors_name_the_function_also_under_jit():
    # (they named internal operations under jit: x.at[...].add, iota; or said a value was traced)
    a = fnp.asarray([1.0, 2.0, 3.0])
    with raises(ValueError, "histogram", "weights of shape"):
        fx.jit(lambda a, w: fnp.histogram(a, weights=w))(a, a[:2])
    with raises(ValueError, "indices", "negative"):
        fnp.indices((-1, 2))
    with raises(TypeError, "ix_", "float"):
        fx.jit(fnp.ix_)(a)
    for bad in ((-1, 2), (2, -3)):
        with pytest.raises(ValueError):
            np.indices(bad)
