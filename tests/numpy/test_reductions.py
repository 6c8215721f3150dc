"""fluxion.numpy reductions and statistics against NumPy/SciPy (and traced against eager)."""
import contextlib
import warnings

import ml_dtypes
import numpy as np
import pytest
import scipy.special
from hypothesis import given, strategies as st
from hypothesis.extra import numpy as hnp

import fluxion as fx
import fluxion.numpy as fnp
from fluxion.core.errors import DTypeError, ShapeError

from _tracing import traced

BF16 = np.dtype(ml_dtypes.bfloat16)
LOW = (np.dtype(np.float16), BF16)
SIGNED = [np.int8, np.int16, np.int32, np.int64]
UNSIGNED = [np.uint8, np.uint16, np.uint32, np.uint64]
REAL_FLOATS = [np.float16, BF16, np.float32, np.float64]
COMPLEX = [np.complex64, np.complex128]
REAL = [np.bool_] + SIGNED + UNSIGNED + REAL_FLOATS
ALL = REAL + COMPLEX
TOL = {np.dtype(np.float16): 1e-2, BF16: 4e-2, np.dtype(np.float32): 2e-5, np.dtype(np.float64): 1e-12,
       np.dtype(np.complex64): 2e-5, np.dtype(np.complex128): 1e-12}
SPECIALS = [np.nan, np.inf, -np.inf, -0.0, 0.5]


@st.composite
def arrays(draw, dtypes, min_dims=0, max_dims=3, specials=True, small_ints=False, nan_rate=False):
    """Small arrays; floats mix small integers with NaN/inf/-0.0 (mostly NaN with `nan_rate`)."""
    dt = np.dtype(draw(st.sampled_from(dtypes)))
    shape = draw(hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=0, max_side=4))
    if dt == np.bool_:
        return draw(hnp.arrays(np.bool_, shape))
    if dt.kind in "iu":
        lo, hi = (0 if dt.kind == "u" else -4, 4) if small_ints else (int(np.iinfo(dt).min), int(np.iinfo(dt).max))
        return draw(hnp.arrays(dt, shape, elements=st.integers(lo, hi)))
    elements = st.integers(-4, 4).map(float)
    if nan_rate:
        elements = st.one_of(elements, st.just(np.nan), st.just(np.nan))
    elif specials and dt.kind != "c":
        elements = st.one_of(elements, st.sampled_from(SPECIALS if specials is True else specials))
    value = draw(hnp.arrays(np.float64, shape, elements=elements))
    if dt.kind == "c":
        value = value + 1j * draw(hnp.arrays(np.float64, shape, elements=st.integers(-4, 4).map(float)))
    return value.astype(dt)


@st.composite
def axes(draw, ndim):
    """None, an int or a tuple of distinct axes, possibly negative."""
    if ndim == 0:
        return draw(st.sampled_from([None, ()]))
    ints = st.integers(-ndim, ndim - 1)
    return draw(st.one_of(st.none(), ints, st.lists(ints, unique_by=lambda a: a % ndim, max_size=ndim).map(tuple)))


def _axes_tuple(axis, ndim):
    if axis is None:
        return tuple(range(ndim))
    return tuple(a % ndim for a in ((axis,) if isinstance(axis, int) else axis))


def _wide(x):
    return x.astype(np.float32) if x.dtype in LOW else x


def _wide_dtype(dt):
    return np.dtype(np.float32) if np.dtype(dt) in LOW else np.dtype(dt)


def _check(got, want, dt, tol=None):
    dt = np.dtype(dt)
    assert got.dtype == dt, (got.dtype, dt)
    want = np.asarray(want)
    assert got.shape == want.shape, (got.shape, want.shape)
    g = np.asarray(got)
    if dt.kind in "fc" or dt in LOW:
        kind = np.complex128 if dt.kind == "c" else np.float64
        t = TOL[dt] if tol is None else tol
        np.testing.assert_allclose(g.astype(kind), want.astype(kind), rtol=t, atol=t, equal_nan=True)
    else:
        np.testing.assert_array_equal(g, want)


@contextlib.contextmanager
def _quiet():
    """NumPy warns on all-NaN slices and empty means; the values are what is compared."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        yield


def _accumulation(dt):
    dt = np.dtype(dt)
    if dt == np.bool_ or dt.kind == "i":
        return np.dtype(np.int64)
    return np.dtype(np.uint64) if dt.kind == "u" else dt


def _statistic(dt):
    dt = np.dtype(dt)
    return dt if dt.kind in "fc" or dt in LOW else np.dtype(np.float32)


# sum, prod ------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["sum", "prod"])
@given(data=st.data())
def test_sum_and_prod_match_numpy_with_array_api_accumulation_dtypes(name, data):
    x = data.draw(arrays(ALL))
    axis, keepdims = data.draw(axes(x.ndim)), data.draw(st.booleans())
    acc = _accumulation(x.dtype)
    want = getattr(np, name)(_wide(x), axis=axis, keepdims=keepdims, dtype=_wide_dtype(acc)).astype(acc)
    _check(getattr(fnp, name)(fnp.asarray(x), axis=axis, keepdims=keepdims), want, acc)


@pytest.mark.parametrize("name", ["sum", "prod"])
@given(data=st.data())
def test_sum_and_prod_with_dtype_initial_and_where_match_numpy(name, data):
    x = data.draw(arrays([np.int16, np.uint8, np.float32, np.float64, np.complex64], min_dims=1, specials=False))
    axis = data.draw(axes(x.ndim))
    dt = data.draw(st.sampled_from([np.float64, np.int32, np.complex128]))
    where = data.draw(hnp.arrays(np.bool_, data.draw(st.sampled_from([x.shape, x.shape[1:]]))))
    initial = data.draw(st.sampled_from([None, 2]))
    kwargs = dict(axis=axis, dtype=dt, where=where, initial=initial)
    want = getattr(np, name)(x, **{**kwargs, "initial": 0 if name == "sum" else 1} if initial is None else kwargs)
    got = getattr(fnp, name)(fnp.asarray(x), **{**kwargs, "where": fnp.asarray(where)})
    _check(got, want, dt)


def test_sum_with_a_boolean_dtype_is_a_logical_or():
    assert fnp.sum(fnp.asarray([0, 2, 0]), dtype=bool).item() is True
    assert fnp.prod(fnp.asarray([1, 2, 0]), dtype=bool).item() is False


def test_sum_of_small_integers_widens_to_64_bits():
    assert fnp.sum(fnp.asarray(np.array([100, 100], np.int8))).item() == 200
    assert fnp.sum(fnp.asarray(np.array([200, 200], np.uint8))).dtype == np.uint64


@pytest.mark.parametrize("dt", [np.int8, np.uint8, np.int16, np.uint32])
def test_sum_and_prod_without_promote_integers_keep_the_dtype_and_wrap(dt):
    # jax's keyword: the result in the input's dtype, wrapping as NumPy's arithmetic in it does
    x = np.array([100, 100, 7, 3], dt)
    for name in ("sum", "prod"):
        want = getattr(np, name)(x, dtype=dt)
        for f in (getattr(fnp, name), fx.jit(getattr(fnp, name), static_argnames="promote_integers")):
            got = f(x, promote_integers=False)
            assert got.dtype == dt and got.item() == want


def test_bfloat16_sums_accumulate_in_float32():
    x = fnp.asarray(np.full(4096, 1.0, BF16))
    assert fnp.sum(x).dtype == BF16 and fnp.sum(x).item() == 4096.0


def test_nansum_and_nanprod_treat_nan_as_identity():
    x = np.array([[1.0, np.nan], [np.nan, np.nan]], np.float32)
    np.testing.assert_array_equal(np.asarray(fnp.nansum(fnp.asarray(x), axis=1)), np.nansum(x, axis=1))
    np.testing.assert_array_equal(np.asarray(fnp.nanprod(fnp.asarray(x), axis=0)), np.nanprod(x, axis=0))
    assert fnp.nansum(fnp.asarray([1, 2])).item() == 3


# max, min, ptp --------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["max", "min", "amax", "amin", "nanmax", "nanmin"])
@given(data=st.data())
def test_extrema_match_numpy_and_empty_reductions_raise(name, data):
    x = data.draw(arrays(REAL, nan_rate=name.startswith("nan") and data.draw(st.booleans())))
    axis, keepdims = data.draw(axes(x.ndim)), data.draw(st.booleans())
    got_fn = lambda: getattr(fnp, name)(fnp.asarray(x), axis=axis, keepdims=keepdims)  # noqa: E731
    if any(x.shape[i] == 0 for i in _axes_tuple(axis, x.ndim)):
        with pytest.raises(ShapeError, match="initial="):
            got_fn()
        return
    with _quiet():
        want = getattr(np, name)(_wide(x), axis=axis, keepdims=keepdims).astype(x.dtype)
    _check(got_fn(), want, x.dtype)


@pytest.mark.parametrize("name", ["max", "min"])
@given(data=st.data())
def test_extrema_with_initial_and_where_match_numpy(name, data):
    x = data.draw(arrays([np.int8, np.uint16, np.float32, np.float64], min_dims=1))
    axis = data.draw(axes(x.ndim))
    where = data.draw(hnp.arrays(np.bool_, x.shape))
    want = getattr(np, name)(x, axis=axis, initial=3, where=where)
    _check(getattr(fnp, name)(fnp.asarray(x), axis=axis, initial=3, where=fnp.asarray(where)), want, x.dtype)


def test_nanmax_of_an_all_nan_slice_is_nan_unless_initial_is_given():
    x = fnp.asarray([[np.nan, np.nan], [1.0, np.nan]])
    assert np.isnan(fnp.nanmax(x, axis=1).tolist()[0])
    assert fnp.nanmin(x, axis=1, initial=7.0).tolist() == [7.0, 1.0]


def test_ptp_matches_numpy_including_integer_wraparound():
    x = np.array([[-128, 127], [3, 1]], np.int8)
    np.testing.assert_array_equal(np.asarray(fnp.ptp(fnp.asarray(x), axis=1)), np.ptp(x, axis=1))
    assert fnp.ptp(fnp.asarray([1.5, -2.0]), keepdims=True).tolist() == [3.5]


# any, all, count_nonzero ----------------------------------------------------------------------
@pytest.mark.parametrize("name", ["any", "all", "count_nonzero"])
@given(data=st.data())
def test_logical_reductions_and_count_nonzero_match_numpy(name, data):
    x = data.draw(arrays(ALL))
    axis, keepdims = data.draw(axes(x.ndim)), data.draw(st.booleans())
    want = getattr(np, name)(_wide(x), axis=axis, keepdims=keepdims)
    _check(getattr(fnp, name)(fnp.asarray(x), axis=axis, keepdims=keepdims), want,
           np.int64 if name == "count_nonzero" else np.bool_)


def test_any_and_all_accept_where():
    x = np.array([[0, 1], [1, 1]])
    where = np.array([True, False])
    assert fnp.any(fnp.asarray(x), axis=1, where=fnp.asarray(where)).tolist() == np.any(x, 1, where=where).tolist()
    assert fnp.all(fnp.asarray(x), axis=1, where=where).tolist() == np.all(x, 1, where=where).tolist()


# mean, var, std -------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["mean", "var", "std", "nanmean", "nanvar", "nanstd"])
@given(data=st.data())
def test_statistics_match_numpy(name, data):
    dts = [np.float16, BF16, np.float32, np.float64] + COMPLEX + [np.int32, np.uint8, np.bool_]
    x = data.draw(arrays(dts, small_ints=True, nan_rate=name.startswith("nan") and data.draw(st.booleans())))
    axis, keepdims = data.draw(axes(x.ndim)), data.draw(st.booleans())
    kwargs = dict(axis=axis, keepdims=keepdims)
    if "var" in name or "std" in name:
        kwargs["ddof"] = data.draw(st.integers(0, 2))
    out_dt = _statistic(x.dtype)
    if name[-3:] in ("var", "std"):
        out_dt = np.dtype(np.float32 if out_dt == np.complex64 else np.float64 if out_dt == np.complex128 else out_dt)
    with _quiet():
        want = getattr(np, name)(x.astype(np.complex128 if x.dtype.kind == "c" else np.float64), **kwargs)
    if name in ("var", "std"):  # the array API standard: NaN without degrees of freedom (NumPy: inf)
        want = np.where(np.sum(np.ones(x.shape), axis=axis, keepdims=keepdims) > kwargs["ddof"], want, np.nan)
    _check(getattr(fnp, name)(fnp.asarray(x), **kwargs), want, out_dt)


def test_var_accepts_correction_and_where():
    x = np.array([[1.0, 2.0, 4.0], [3.0, 3.0, 9.0]])
    where = np.array([[True, True, False], [True, True, True]])
    got = fnp.var(fnp.asarray(x), axis=1, correction=1, where=where)
    np.testing.assert_allclose(np.asarray(got), np.var(x, axis=1, ddof=1, where=where))
    got = fnp.mean(fnp.asarray(x), axis=0, where=fnp.asarray(where))
    np.testing.assert_allclose(np.asarray(got), np.mean(x, axis=0, where=where))


def test_mean_of_integers_is_float32_and_dtype_selects_the_precision():
    x = fnp.asarray([1, 2])
    assert fnp.mean(x).dtype == np.float32 and fnp.mean(x).item() == 1.5
    assert fnp.mean(x, dtype=fnp.float64).dtype == np.float64
    assert fnp.mean(x, dtype=fnp.int32).item() == 1


def test_float16_mean_does_not_overflow():
    x = fnp.asarray(np.full(10_000, 60_000, np.float16))
    assert fnp.mean(x).item() == 60_000 and fnp.mean(x).dtype == np.float16


@pytest.mark.parametrize("name", ["var", "std", "nanvar", "nanstd"])
@pytest.mark.parametrize("axis", [None, 0, 1])
def test_a_given_mean_is_used_as_numpy_2_uses_it(name, axis, rng):
    x = rng.normal(size=(3, 4))
    x[1, 2] = np.nan if name.startswith("nan") else x[1, 2]
    for mean in (np.nanmean(x, axis=axis, keepdims=True), np.full((1,) * 2, 0.25)):
        expected = getattr(np, name)(x, axis=axis, mean=mean, ddof=1)
        np.testing.assert_allclose(np.asarray(getattr(fnp, name)(x, axis=axis, mean=mean, ddof=1)), expected,
                                   rtol=1e-12)
        on_tracers = traced(lambda a, m: getattr(fnp, name)(a, axis=axis, mean=m, ddof=1), fnp.asarray(x),
                            fnp.asarray(mean))
        np.testing.assert_allclose(np.asarray(on_tracers), expected, rtol=1e-12)
    with pytest.raises(ShapeError, match="keepdims=True"):
        getattr(fnp, name)(x, axis=1, mean=np.zeros(4))


@pytest.mark.parametrize("name", ["var", "std", "nanvar", "nanstd"])
@pytest.mark.parametrize("correction", [2, 3, 2.5])
def test_statistics_without_degrees_of_freedom_are_nan(name, correction):
    # the array API standard's rule (NumPy's var divides by max(N - correction, 0), giving inf)
    x = fnp.asarray([[1.0, 2.0], [3.0, 3.0]])
    f = getattr(fnp, name)
    for run in (f, fx.jit(f, static_argnames=("axis", "correction"))):
        out = run(x, axis=1, correction=correction)
        assert np.isnan(np.asarray(out)).all()
    with _quiet():
        np.testing.assert_allclose(np.asarray(f(x, correction=3)), getattr(np, name)(np.asarray(x), ddof=3))


# average --------------------------------------------------------------------------------------
@given(data=st.data())
def test_average_matches_numpy_with_and_without_weights(data):
    x = data.draw(arrays([np.float32, np.float64, np.int32], min_dims=1, small_ints=True, specials=False))
    axis = data.draw(st.one_of(st.none(), st.integers(-x.ndim, x.ndim - 1)))
    shape = x.shape if axis is None or data.draw(st.booleans()) else (x.shape[axis],)
    w = data.draw(hnp.arrays(np.float64, shape, elements=st.integers(1, 3).map(float)))
    if x.size == 0:  # NumPy raises ZeroDivisionError for weights summing to 0; fluxion gives NaN
        return
    for weights in (None, w):
        with _quiet():
            want_avg, want_scale = np.average(x.astype(np.float64), axis=axis, weights=weights, returned=True)
        avg, scale = fnp.average(fnp.asarray(x), axis=axis, weights=weights, returned=True)
        np.testing.assert_allclose(np.asarray(avg), want_avg, rtol=1e-5, equal_nan=True)
        np.testing.assert_allclose(np.asarray(scale), want_scale, rtol=1e-5)


def test_average_weights_follow_the_order_of_a_tuple_axis():
    x = np.arange(24.0).reshape(2, 3, 4)
    w = np.arange(12.0).reshape(4, 3) + 1
    want = np.average(x, axis=(2, 1), weights=w)
    np.testing.assert_allclose(np.asarray(fnp.average(fnp.asarray(x), axis=(2, 1), weights=w)), want)
    assert fnp.average(fnp.asarray(x), axis=1, keepdims=True).shape == (2, 1, 4)


# cumulative reductions ------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["cumulative_sum", "cumulative_prod"])
@given(data=st.data())
def test_cumulative_array_api_functions_match_numpy(name, data):
    x = data.draw(arrays(ALL, min_dims=1, max_dims=1 if data.draw(st.booleans()) else 3, small_ints=True))
    axis = None if x.ndim == 1 and data.draw(st.booleans()) else data.draw(st.integers(-x.ndim, x.ndim - 1))
    include = data.draw(st.booleans())
    acc = _accumulation(x.dtype)
    want = getattr(np, name)(_wide(x), axis=axis, include_initial=include, dtype=_wide_dtype(acc)).astype(acc)
    _check(getattr(fnp, name)(fnp.asarray(x), axis=axis, include_initial=include), want, acc)


@pytest.mark.parametrize("name", ["cumsum", "cumprod", "nancumsum", "nancumprod"])
@given(data=st.data())
def test_numpy_cumulative_functions_match_numpy(name, data):
    x = data.draw(arrays(ALL, small_ints=True, nan_rate=name.startswith("nan") and data.draw(st.booleans())))
    axis = None if x.ndim == 0 or data.draw(st.booleans()) else data.draw(st.integers(-x.ndim, x.ndim - 1))
    acc = _accumulation(x.dtype)
    want = getattr(np, name)(_wide(x), axis=axis, dtype=_wide_dtype(acc)).astype(acc)
    _check(getattr(fnp, name)(fnp.asarray(x), axis=axis), want, acc)


def test_cumulative_sum_with_dtype_and_methods():
    x = fnp.asarray([[1, 2], [3, 4]])
    assert fnp.cumulative_sum(x, axis=1, dtype=fnp.float32).dtype == np.float32
    assert x.cumsum(axis=0).tolist() == [[1, 2], [4, 6]]
    assert x.cumprod().tolist() == [1, 2, 6, 24]


# argmax, argmin -------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["argmax", "argmin"])
@given(data=st.data())
def test_arg_extrema_match_numpy_with_nan_ties_and_keepdims(name, data):
    x = data.draw(arrays(REAL))
    axis = data.draw(st.none() if x.ndim == 0 else st.one_of(st.none(), st.integers(-x.ndim, x.ndim - 1)))
    keepdims = data.draw(st.booleans())
    if (x.size if axis is None else x.shape[axis]) == 0:
        with pytest.raises(ShapeError, match="empty"):
            getattr(fnp, name)(fnp.asarray(x), axis=axis)
        return
    want = getattr(np, name)(_wide(x), axis=axis, keepdims=keepdims)
    _check(getattr(fnp, name)(fnp.asarray(x), axis=axis, keepdims=keepdims), want, np.int64)


@pytest.mark.parametrize("name", ["nanargmax", "nanargmin"])
@given(data=st.data())
def test_nan_arg_extrema_match_numpy_and_give_minus_one_for_all_nan_slices(name, data):
    x = data.draw(arrays([np.float32, np.float64, BF16, np.int16], min_dims=1, nan_rate=True))
    axis = data.draw(st.integers(-x.ndim, x.ndim - 1))
    if x.shape[axis] == 0:
        return
    w = _wide(x).astype(np.float64)
    all_nan = np.all(np.isnan(w), axis=axis)
    want = getattr(np, name)(np.where(np.isnan(w).all(axis=axis, keepdims=True), 0.0, w), axis=axis)
    want = np.where(all_nan, -1, want)
    _check(getattr(fnp, name)(fnp.asarray(x), axis=axis), want, np.int64)


def test_nanargmax_prefers_minus_inf_over_nan():
    assert fnp.nanargmax(fnp.asarray([np.nan, -np.inf])).item() == 1
    assert fnp.nanargmin(fnp.asarray([np.nan, np.inf, 2.0])).item() == 2


# quantiles ------------------------------------------------------------------------------------
PICKING = ["inverted_cdf", "closest_observation", "lower", "higher", "nearest"]  # keep the input dtype
METHODS = PICKING + ["averaged_inverted_cdf", "interpolated_inverted_cdf", "hazen", "weibull", "linear",
                     "median_unbiased", "normal_unbiased", "midpoint"]


@pytest.mark.parametrize("name", ["quantile", "nanquantile", "percentile", "nanpercentile"])
@given(data=st.data())
def test_quantiles_match_numpy_for_every_method(name, data):
    method = data.draw(st.sampled_from(METHODS))
    # interpolating next to an infinity with a tiny weight gives inf or NaN depending on NumPy's rounding
    specials = True if method in PICKING else [np.nan, -0.0]
    x = data.draw(arrays([np.float32, np.float64, np.int32] + ([np.float16] if method != "nearest" else []),
                         small_ints=True, specials=specials,
                         nan_rate=name.startswith("nan") and data.draw(st.booleans())))
    axis, keepdims = data.draw(axes(x.ndim)), data.draw(st.booleans())
    if x.size == 0 or any(x.shape[i] == 0 for i in _axes_tuple(axis, x.ndim)):
        return
    scale = 100 if "percentile" in name else 1
    q = data.draw(st.one_of(st.floats(0, 1), st.lists(st.floats(0, 1), min_size=1, max_size=3)))
    q = [v * scale for v in q] if isinstance(q, list) else q * scale
    with _quiet():
        want = getattr(np, name)(x, q, axis=axis, method=method, keepdims=keepdims)
    got = getattr(fnp, name)(fnp.asarray(x), q, axis=axis, method=method, keepdims=keepdims)
    out_dt = x.dtype if method in PICKING else _statistic(x.dtype)
    _check(got, np.asarray(want).astype(out_dt), out_dt, tol=TOL.get(np.dtype(out_dt), 0) * 10)


@pytest.mark.parametrize("name", ["median", "nanmedian"])
@given(data=st.data())
def test_medians_match_numpy(name, data):
    x = data.draw(arrays([np.float32, np.float64, np.int64, BF16], small_ints=True,
                         nan_rate=name == "nanmedian" and data.draw(st.booleans())))
    axis, keepdims = data.draw(axes(x.ndim)), data.draw(st.booleans())
    if x.size == 0:  # NumPy fails to reshape some empty arrays; the median of nothing is NaN
        want = np.full(np.sum(x, axis=axis, keepdims=keepdims, dtype=np.float64).shape, np.nan)
    else:
        with _quiet():
            want = getattr(np, name)(_wide(x).astype(np.float64), axis=axis, keepdims=keepdims)
    _check(getattr(fnp, name)(fnp.asarray(x), axis=axis, keepdims=keepdims), want, _statistic(x.dtype))


@pytest.mark.parametrize("name", ["median", "nanmedian"])
def test_median_of_booleans_is_a_float_as_numpys(name):
    for x, axis in ((np.array([True, False, True]), None), (np.array([[True, False], [True, True]]), 0),
                    (np.array([[True, False, False, True]]), 1), (np.zeros(0, bool), None)):
        with _quiet():
            want = getattr(np, name)(x, axis=axis)
        _check(getattr(fnp, name)(fnp.asarray(x), axis=axis), want, np.float32)


@pytest.mark.parametrize("method", ["lower", "higher", "nearest", "inverted_cdf", "closest_observation"])
def test_quantiles_that_pick_an_element_keep_booleans_as_numpys(method):
    x = np.array([True, False, True, False, False])
    out = fnp.quantile(fnp.asarray(x), [0.25, 0.5, 0.9], method=method)
    assert out.dtype == np.bool_ and out.tolist() == np.quantile(x, [0.25, 0.5, 0.9], method=method).tolist()


def test_median_of_infinities_averages_like_numpy():
    x = np.array([1.0, np.inf, -np.inf, 5.0])
    np.testing.assert_array_equal(np.asarray(fnp.median(fnp.asarray(x))), np.median(x))
    np.testing.assert_array_equal(np.asarray(fnp.median(fnp.asarray([1.0, np.inf]))), np.median([1.0, np.inf]))


def test_quantile_of_an_empty_axis_is_nan_and_of_integers_with_lower_raises():
    assert np.isnan(fnp.median(fnp.asarray(np.zeros((0,), np.float32))).item())
    assert fnp.quantile(fnp.asarray(np.zeros((2, 0))), [0.5], axis=1).shape == (1, 2)
    with pytest.raises(ShapeError, match="empty"):
        fnp.quantile(fnp.asarray(np.zeros(0, np.int32)), 0.5, method="lower")


def test_quantile_accepts_an_array_q_and_keeps_its_axes_first():
    x = np.arange(24.0).reshape(2, 3, 4)
    q = np.array([[0.1, 0.5], [0.9, 1.0]])
    got = fnp.quantile(fnp.asarray(x), fnp.asarray(q), axis=(0, 2), keepdims=True)
    np.testing.assert_allclose(np.asarray(got), np.quantile(x, q, axis=(0, 2), keepdims=True), rtol=1e-6)


# logsumexp ------------------------------------------------------------------------------------
@given(data=st.data())
def test_logsumexp_matches_scipy(data):
    # scipy gives 0-d inputs with keepdims shape (1,) and empty ones sign -1; NumPy's conventions are kept
    x = data.draw(arrays([np.float32, np.float64], min_dims=1, specials=True))
    if x.size == 0:
        return
    axis, keepdims = data.draw(axes(x.ndim)), data.draw(st.booleans())
    b = data.draw(st.sampled_from([None, "positive", "signed"]))
    if b is not None:
        b = data.draw(hnp.arrays(x.dtype, x.shape[-1:],
                                 elements=st.sampled_from([0.5, 2.0] if b == "positive" else [-1.0, 0.5, 2.0])))
    return_sign = data.draw(st.booleans())
    with _quiet():
        want = scipy.special.logsumexp(x, axis=axis, keepdims=keepdims, b=b, return_sign=return_sign)
    got = fnp.logsumexp(fnp.asarray(x), axis=axis, keepdims=keepdims, b=b, return_sign=return_sign)
    if return_sign:
        _check(got[1], np.asarray(want[1]).astype(x.dtype), x.dtype)
        got, want = got[0], want[0]
    _check(got, np.asarray(want).astype(x.dtype), x.dtype, tol=1e-5)


def test_logsumexp_does_not_overflow_and_handles_empty_and_integers():
    assert abs(fnp.logsumexp(fnp.asarray([1000.0, 1000.0])).item() - (1000 + np.log(2))) < 1e-3
    assert fnp.logsumexp(fnp.asarray(np.zeros(0, np.float32))).item() == -np.inf
    assert fnp.logsumexp(fnp.asarray(2.0), keepdims=True).shape == ()
    assert fnp.logsumexp(fnp.asarray([0, 0])).dtype == np.float32


# traced evaluation equals eager ---------------------------------------------------------------
TRACEABLE = [
    lambda x: fnp.sum(x, axis=1, keepdims=True),
    lambda x: fnp.prod(x, axis=(0, -1), where=x > 0),
    lambda x: fnp.max(x, axis=0, initial=-1.0, where=x < 3),
    lambda x: fnp.mean(x),
    lambda x: fnp.var(x, axis=1, correction=1),
    lambda x: fnp.nanstd(x, axis=0),
    lambda x: fnp.nanmax(x, axis=1),
    lambda x: fnp.argmin(x, axis=None, keepdims=True),
    lambda x: fnp.nanargmax(x, axis=1),
    lambda x: fnp.cumulative_sum(x, axis=0, include_initial=True),
    lambda x: fnp.cumsum(x),
    lambda x: fnp.median(x, axis=1),
    lambda x: fnp.nanquantile(x, [0.25, 0.75], axis=0, method="midpoint"),
    lambda x: fnp.percentile(x, 30, method="nearest"),
    lambda x: fnp.logsumexp(x, axis=0, return_sign=True),
    lambda x: fnp.average(x, axis=1, weights=fnp.asarray([1.0, 2.0, 3.0]), returned=True),
    lambda x: fnp.count_nonzero(x, axis=0),
    lambda x: fnp.ptp(x, axis=1),
    lambda x: fnp.any(x, axis=0),
]


@pytest.mark.parametrize("fn", TRACEABLE)
def test_reductions_give_the_same_result_traced_as_eager(fn):
    x = fnp.asarray(np.array([[1.0, np.nan, 2.5], [4.0, -1.0, 0.0], [2.0, 2.0, 7.0]], np.float32))
    want, got = fn(x), traced(fn, x)
    for g, w in zip(got if isinstance(got, tuple) else (got,), want if isinstance(want, tuple) else (want,)):
        np.testing.assert_array_equal(np.asarray(g), np.asarray(w))


def test_quantile_checks_q_only_when_it_is_concrete():
    fnp.quantile(fnp.asarray([1.0, 2.0]), 0.5)
    with pytest.raises(ValueError, match=r"\[0, 100\]"):
        traced(lambda x: fnp.percentile(x, 101.0), fnp.asarray([1.0]))
    assert np.isfinite(traced(lambda x, q: fnp.quantile(x, q), fnp.asarray([1.0, 2.0]), fnp.asarray(0.5)).item())


# errors ---------------------------------------------------------------------------------------
X2 = np.arange(6.0).reshape(2, 3)
ERRORS = [
    (lambda: fnp.sum(X2, axis=2), ShapeError, "out of range"),
    (lambda: fnp.sum(X2, axis=(0, -2)), ShapeError, "repeats"),
    (lambda: fnp.sum(X2, axis=0.5), TypeError, "axis must be"),
    (lambda: fnp.mean(np.float32(1.0), axis=0), ShapeError, "axis=None"),
    (lambda: fnp.sum(X2, out=np.zeros(3)), TypeError, "out="),
    (lambda: fnp.sum(X2, where=np.ones(4, bool)), ShapeError, "where="),
    (lambda: fnp.max(np.zeros((2, 0)), axis=1), ShapeError, "initial="),
    (lambda: fnp.min(X2, where=X2 > 1), ValueError, "initial="),
    (lambda: fnp.max(np.zeros(2, np.complex64)), DTypeError, "complex"),
    (lambda: fnp.argmax(np.zeros(2, np.complex64)), DTypeError, "complex"),
    (lambda: fnp.argmax(np.zeros(0)), ShapeError, "empty"),
    (lambda: fnp.argmax(X2, axis=(0, 1)), TypeError, "int"),
    (lambda: fnp.ptp(np.array([True])), DTypeError, "astype"),
    (lambda: fnp.var(X2, ddof=1, correction=1), ValueError, "only one"),
    (lambda: fnp.cumulative_sum(np.float32(1)), ShapeError, "0-d"),
    (lambda: fnp.cumulative_prod(X2), ShapeError, "axis="),
    (lambda: fnp.cumsum(X2, axis=(0,)), TypeError, "int"),
    (lambda: fnp.quantile(X2, 0.5, method="cubic"), ValueError, "weibull"),
    (lambda: fnp.quantile(X2, 0.5, weights=np.ones((2, 3))), ValueError, "inverted_cdf"),
    (lambda: fnp.quantile(X2, 1.5), ValueError, r"\[0, 1\]"),
    (lambda: fnp.percentile(X2, [-1, 50]), ValueError, r"\[0, 100\]"),
    (lambda: fnp.quantile(np.array([True]), 0.5), DTypeError, "boolean"),
    (lambda: fnp.median(np.zeros(2, np.complex64)), DTypeError, "complex"),
    (lambda: fnp.average(X2, weights=np.ones(3)), TypeError, "axis="),
    (lambda: fnp.average(X2, axis=1, weights=np.ones(2)), ShapeError, r"\(3,\)"),
    (lambda: fnp.logsumexp(np.zeros(2, np.complex64)), DTypeError, "complex"),
    (lambda: fnp.logsumexp(np.zeros(2), b=np.ones(3)), ShapeError, "broadcast"),
]


@pytest.mark.parametrize("call, error, match", ERRORS)
def test_errors_name_the_problem_and_the_fix(call, error, match):
    with pytest.raises(error, match=match) as e:
        call()
    assert "fix:" in str(e.value)


@pytest.mark.parametrize("name, kwargs", [("sum", {"axis": 2}), ("max", {"axis": -3}), ("argmin", {"axis": 2}),
                                          ("sort", {"axis": 2}), ("cumsum", {"axis": 2}), ("mean", {"axis": (0, 2)})])
def test_an_axis_out_of_range_is_an_index_error_as_in_numpy(name, kwargs):
    with pytest.raises(IndexError):  # NumPy's AxisError is an IndexError and a ValueError
        getattr(np, name)(X2, **kwargs)
    with pytest.raises(IndexError, match="out of range"):
        getattr(fnp, name)(X2, **kwargs)
    with pytest.raises(IndexError, match="out of range"):
        fnp.linalg.norm(X2, axis=(0, 2))


def test_python_lists_and_scalars_are_accepted():
    assert fnp.sum([1, 2, 3]).item() == 6
    assert fnp.max(3.5).item() == 3.5
    assert fnp.mean([[1, 2], [3, 4]], axis=0).tolist() == [2.0, 3.0]

