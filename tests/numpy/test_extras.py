"""fluxion.numpy's NumPy extras against NumPy: values, dtypes, tracing and every error (interp's derivatives against jax)."""
import math
import warnings

import numpy as np
import pytest
from hypothesis import assume, given, strategies as st
from hypothesis.extra import numpy as hnp

import fluxion as fx
import fluxion.numpy as fnp
from fluxion.core import dtypes
from fluxion.core.array import Array
from fluxion.core.errors import ConcretizationError, DTypeError, ShapeError

from _arrays import check, raises
from _tracing import traced

shapes = hnp.array_shapes(min_dims=1, max_dims=3, min_side=0, max_side=4)
finite = st.floats(-100, 100, width=32)
special = st.sampled_from([np.nan, np.inf, -np.inf, 0.0, -0.0, 1.0])
floats_with_specials = st.one_of(finite, special)


def same(a, b):
    assert a.shape == b.shape and a.dtype == b.dtype
    np.testing.assert_array_equal(np.asarray(a), np.asarray(b))


# diff, ediff1d ---------------------------------------------------------------------------------
@given(hnp.arrays(st.sampled_from([np.int8, np.int64, np.float32, np.float64, np.bool_, np.complex64]), shapes),
       st.integers(0, 3), st.data())
def test_diff_matches_numpy_over_dtypes_axes_and_orders(x, n, data):
    axis = data.draw(st.integers(-x.ndim, x.ndim - 1))
    with np.errstate(all="ignore"):
        expected = np.diff(x, n=n, axis=axis)
    check(fnp.diff(fnp.asarray(x), n=n, axis=axis), expected)


@pytest.mark.parametrize("prepend, append", [(0, None), (None, 5), (np.array([[9], [8]]), -1),
                                             (np.zeros((2, 2), np.int64), np.ones((2, 1), np.int64))])
def test_diff_joins_prepend_and_append_first(prepend, append):
    x = np.arange(6).reshape(2, 3) ** 2
    edges = {k: v for k, v in (("prepend", prepend), ("append", append)) if v is not None}
    check(fnp.diff(fnp.asarray(x), **edges), np.diff(x, **edges))


def test_diff_keeps_float32_with_a_python_scalar_edge():
    assert fnp.diff(fnp.asarray([1.0, 2.0]), prepend=0).dtype == np.float32


def test_diff_of_order_zero_returns_the_input_even_0d():
    x = fnp.asarray(3.0)
    assert fnp.diff(x, n=0) is x


def test_diff_errors_name_the_fix():
    with raises(ValueError, "negative", "n >= 0"):
        fnp.diff(fnp.asarray([1, 2]), n=-1)
    with raises(ShapeError, "0-d"):
        fnp.diff(fnp.asarray(1.0))
    with raises(ShapeError, "axis 2 is out of range"):
        fnp.diff(fnp.zeros((2, 2)), axis=2)
    with raises(ShapeError, "concatenate"):
        fnp.diff(fnp.zeros((2, 2)), prepend=fnp.zeros((3, 1)))



@pytest.mark.parametrize("f", [fnp.diff, fnp.unwrap, fnp.trapezoid, lambda x, axis: fnp.take(x, 0, axis=axis)])
def test_single_axis_functions_name_a_tuple_or_float_axis(f):
    for axis in ((0, 1), 1.0):
        with raises(DTypeError, "axis must be an int", "one axis"):
            f(fnp.zeros((2, 2)), axis=axis)
    check(f(fnp.asarray(np.eye(2)), axis=np.int64(-1)), f(fnp.asarray(np.eye(2)), axis=-1))

def test_diff_works_traced():
    x = fnp.asarray([[1.0, 4.0, 9.0], [2.0, 2.0, 5.0]])
    same(traced(fnp.diff, x, n=2, axis=1, prepend=0.0), fnp.diff(x, n=2, axis=1, prepend=0.0))


@pytest.mark.parametrize("x, to_begin, to_end", [
    (np.array([[1, 2, 4], [7, 0, 3]]), None, None),
    (np.array([1, 5, 2], np.int8), -99, np.array([88, 99])),
    (np.array([1.5, 2.0], np.float32), np.array([1.0, 2.0]), 3),
    (np.array([], np.float64), 1.0, None),
    (np.array(7), None, [1, 2]),
])
def test_ediff1d_matches_numpy(x, to_begin, to_end):
    out = fnp.ediff1d(fnp.asarray(x), to_end=to_end, to_begin=to_begin)
    check(out, np.ediff1d(x, to_end=to_end, to_begin=to_begin))


def test_ediff1d_errors_name_the_fix():
    with raises(DTypeError, "booleans", "astype"):
        fnp.ediff1d(fnp.asarray([True, False]))
    with raises(DTypeError, "to_begin", "float32", "int64"):
        fnp.ediff1d(fnp.asarray([1, 2]), to_begin=1.5)
    with raises(DTypeError, "to_end", "int64", "uint8"):
        fnp.ediff1d(fnp.asarray([1, 2], dtype=fnp.uint8), to_end=fnp.asarray([1]))


# gradient, unwrap ------------------------------------------------------------------------------
@given(hnp.arrays(np.float64, hnp.array_shapes(min_dims=1, max_dims=3, min_side=3, max_side=5), elements=finite),
       st.sampled_from([1, 2]), st.sampled_from([1.0, 0.5, 3]), st.data())
def test_gradient_matches_numpy_on_uniform_grids(f, edge_order, dx, data):
    axis = data.draw(st.one_of(st.none(), st.integers(-f.ndim, f.ndim - 1)))
    out = fnp.gradient(fnp.asarray(f), dx, axis=axis, edge_order=edge_order)
    expected = np.gradient(f, dx, axis=axis, edge_order=edge_order)
    if isinstance(expected, tuple):
        assert isinstance(out, tuple) and len(out) == len(expected)
        for o, e in zip(out, expected):
            check(o, e, rtol=1e-12)
    else:
        check(out, expected, rtol=1e-12)


def test_gradient_takes_one_spacing_per_axis_in_the_order_of_axis():
    f = np.arange(20.0).reshape(4, 5) ** 2
    out = fnp.gradient(fnp.asarray(f), 2.0, 0.5, axis=(1, 0))
    for o, e in zip(out, np.gradient(f, 2.0, 0.5, axis=(1, 0))):
        check(o, e, rtol=1e-12)



@given(hnp.arrays(np.float64, hnp.array_shapes(min_dims=1, max_dims=3, min_side=3, max_side=5), elements=finite),
       st.sampled_from([1, 2]), st.data())
def test_gradient_matches_numpy_at_non_uniform_coordinates(f, edge_order, data):
    steps = st.floats(0.1, 3)
    coords = [np.cumsum(data.draw(st.lists(steps, min_size=n, max_size=n))) for n in f.shape]
    spacing = [c if data.draw(st.booleans()) else 0.5 for c in coords]  # coordinates mixed with scalars
    out = fnp.gradient(fnp.asarray(f), *[fnp.asarray(c) if isinstance(c, np.ndarray) else c for c in spacing],
                       edge_order=edge_order)
    expected = np.gradient(f, *spacing, edge_order=edge_order)
    for o, e in zip(out if f.ndim > 1 else [out], expected if f.ndim > 1 else [expected]):
        check(o, e, rtol=1e-9)

def test_gradient_promotes_integers_to_float32_and_keeps_floats():
    assert fnp.gradient(fnp.asarray([1, 4, 9])).dtype == np.float32
    assert fnp.gradient(fnp.asarray([1, 4, 9], dtype=fnp.float16)).dtype == np.float16
    for edge_order in (1, 2):
        check(fnp.gradient(fnp.asarray([1, 4, 9]), fnp.asarray(2.0, dtype=fnp.float64), edge_order=edge_order),
              np.gradient(np.array([1.0, 4.0, 9.0]), 2.0, edge_order=edge_order), rtol=1e-12)


def test_gradient_of_a_0d_array_is_an_empty_tuple_as_numpy():
    assert fnp.gradient(fnp.asarray(1.0)) == ()


def test_gradient_errors_name_the_fix():
    with raises(ShapeError, "at least 3", "edge_order"):
        fnp.gradient(fnp.asarray([1.0, 2.0]), edge_order=2)
    with raises(ValueError, "edge_order=3"):
        fnp.gradient(fnp.asarray([1.0, 2.0, 3.0, 4.0]), edge_order=3)
    with raises(TypeError, "2 spacings for 3 axes"):
        fnp.gradient(fnp.zeros((3, 3, 3)), 1.0, 2.0)
    with raises(ShapeError, "coordinates of shape", "3 coordinates"):
        fnp.gradient(fnp.asarray([1.0, 2.0, 3.0]), fnp.asarray([0.0, 1.0]))
    with raises(ShapeError, "repeats"):
        fnp.gradient(fnp.zeros((3, 3)), axis=(0, -2))


def test_gradient_works_traced():
    f = fnp.asarray(np.arange(12.0).reshape(3, 4) ** 2)
    for got, want in zip(traced(fnp.gradient, f, 0.5, edge_order=2), fnp.gradient(f, 0.5, edge_order=2)):
        same(got, want)


phases = hnp.arrays(np.float64, hnp.array_shapes(min_dims=1, max_dims=2, min_side=0, max_side=6),
                    elements=st.floats(-20, 20))


@given(phases, st.data())
def test_unwrap_matches_numpy(p, data):
    axis = data.draw(st.integers(-p.ndim, p.ndim - 1))
    check(fnp.unwrap(fnp.asarray(p), axis=axis), np.unwrap(p, axis=axis), rtol=1e-12)
    check(fnp.unwrap(fnp.asarray(p), discont=4.0, axis=axis, period=5.0),
          np.unwrap(p, discont=4.0, axis=axis, period=5.0), rtol=1e-12)


@pytest.mark.parametrize("period", [4, 5, 360])
def test_unwrap_of_integers_with_an_integer_period_stays_integer(period):
    p = np.array([0, 3, 1, 6, -2, 2, 9, 0, -7], np.int64)
    check(fnp.unwrap(fnp.asarray(p), period=period), np.unwrap(p, period=period))


def test_unwrap_promotes_integers_to_float32_for_a_float_period():
    p = np.array([0, 5, 10])
    check(fnp.unwrap(fnp.asarray(p)), np.unwrap(p).astype(np.float32), rtol=1e-6)


def test_unwrap_works_traced():
    p = fnp.asarray(np.linspace(0, 20, 9))
    got = traced(fnp.unwrap, p)
    np.testing.assert_allclose(np.asarray(got), np.asarray(fnp.unwrap(p)))


# closeness and equality ------------------------------------------------------------------------
pairs = st.tuples(hnp.arrays(np.float32, st.sampled_from([(3,), (2, 3), ()]), elements=floats_with_specials),
                  hnp.arrays(np.float32, st.sampled_from([(3,), (1, 3), ()]), elements=floats_with_specials))


@given(pairs, st.sampled_from([np.float16, np.float32, np.float64, np.complex64]), st.booleans(),
       st.sampled_from([(1e-5, 1e-8), (0.1, 0.0), (0.0, 1.0)]))
def test_isclose_matches_numpy_including_nan_and_inf(ab, dtype, equal_nan, tols):
    a, b = (v.astype(dtype) for v in ab)
    a = np.where(np.arange(a.size).reshape(a.shape) % 2 == 0, a, b.flat[0] * dtype(1.000001))  # near-equal pairs
    rtol, atol = tols
    with np.errstate(all="ignore"):
        expected = np.isclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan)
        out = fnp.isclose(fnp.asarray(a), fnp.asarray(b), rtol=rtol, atol=atol, equal_nan=equal_nan)
        check(out, expected)
        assert bool(fnp.allclose(fnp.asarray(a), fnp.asarray(b), rtol, atol, equal_nan)) == np.allclose(
            a, b, rtol, atol, equal_nan)


@pytest.mark.parametrize("a, b", [
    (np.array([1, 2, 3]), np.array([1, 2, 4])),  # integers compare as float32
    (np.array([1 + 1j, np.inf + 0j, np.nan + 1j]), np.array([1 + 1.000001j, np.inf + 0j, np.nan + 1j])),
    (np.array([True, False]), np.array([1.0, 1e-9])),
    (np.zeros((0, 2)), np.zeros(2)),
])
def test_isclose_promotes_like_a_floating_function(a, b):
    x, y = fnp.asarray(a), fnp.asarray(b)
    dt = np.result_type(x.dtype, y.dtype)
    dt = dt if dt.kind in "fc" else np.float32
    for equal_nan in (False, True):
        check(fnp.isclose(x, y, equal_nan=equal_nan), np.isclose(a.astype(dt), b.astype(dt), equal_nan=equal_nan))


def test_isclose_takes_python_scalars_and_array_tolerances():
    check(fnp.isclose(1.0, 1.0 + 1e-7), np.True_)
    check(fnp.isclose(fnp.asarray([1.0, 2.0]), 1.1, rtol=fnp.asarray([0.2, 0.0])), np.array([True, False]))


def test_allclose_is_a_0d_array_that_works_traced():
    a, b = fnp.asarray([1.0, 2.0]), fnp.asarray([1.0, 2.0 + 1e-7])
    out = fnp.allclose(a, b)
    assert isinstance(out, Array) and out.shape == () and out.dtype == np.bool_ and bool(out)
    same(traced(fnp.allclose, a, b), out)
    same(traced(fnp.isclose, a, b, equal_nan=True), fnp.isclose(a, b, equal_nan=True))


@pytest.mark.parametrize("a, b, equal_nan", [
    ([1, 2], [1, 2], False), ([1, 2], [1.0, 2.0], False), ([1, 2], [1, 3], False), ([1, 2], [[1, 2]], False),
    ([np.nan, 1.0], [np.nan, 1.0], False), ([np.nan, 1.0], [np.nan, 1.0], True), ([np.nan, 1.0], [1.0, np.nan], True),
    ([complex(np.nan, 1)], [complex(1, np.nan)], True), ([], [], False), (3, 3.0, True), ([True], [1], True),
])
def test_array_equal_matches_numpy(a, b, equal_nan):
    out = fnp.array_equal(fnp.asarray(a), fnp.asarray(b), equal_nan=equal_nan)
    assert out.dtype == np.bool_ and out.shape == ()
    assert bool(out) == np.array_equal(a, b, equal_nan=equal_nan)


@pytest.mark.parametrize("a, b", [([1, 2], [1, 2]), ([[1, 2], [1, 2]], [1, 2]), ([[1, 2], [1, 3]], [1, 2]),
                                  ([1, 2], [1, 2, 1]), ([[1], [1]], 1), ([], [5])])
def test_array_equiv_matches_numpy(a, b):
    assert bool(fnp.array_equiv(fnp.asarray(a), fnp.asarray(b))) == np.array_equiv(a, b)


def test_array_equal_works_traced():
    a = fnp.asarray([1.0, np.nan])
    same(traced(fnp.array_equal, a, a, equal_nan=True), fnp.asarray(True))
    same(traced(fnp.array_equiv, a, fnp.asarray([[1.0, 2.0]])), fnp.asarray(False))


@given(hnp.arrays(np.int16, hnp.array_shapes(min_dims=0, max_dims=2, max_side=4), elements=st.integers(-3, 3)),
       hnp.arrays(np.int64, hnp.array_shapes(min_dims=0, max_dims=2, min_side=0, max_side=4),
                  elements=st.integers(-3, 3)),
       st.booleans())
def test_isin_matches_numpy(element, test, invert):
    check(fnp.isin(fnp.asarray(element), fnp.asarray(test), invert=invert), np.isin(element, test, invert=invert))


def test_isin_finds_no_nan_and_takes_scalars_and_lists():
    check(fnp.isin(fnp.asarray([np.nan, 1.0]), [np.nan, 1.0]), np.array([False, True]))
    check(fnp.isin(2, [1, 2]), np.True_)


def test_isin_works_traced_and_rejects_an_unknown_kind():
    e, t = fnp.asarray([[1, 5], [2, 7]]), fnp.asarray([5, 2])
    same(traced(fnp.isin, e, t, invert=True), fnp.isin(e, t, invert=True))
    with raises(ValueError, "kind='hash'"):
        fnp.isin(e, t, kind="hash")


# interpolation, polynomials --------------------------------------------------------------------
@given(st.lists(st.floats(-50, 50), min_size=1, max_size=6, unique=True),
       st.lists(st.floats(-50, 50), min_size=6, max_size=6),
       hnp.arrays(np.float64, st.sampled_from([(), (5,), (2, 3)]), elements=st.one_of(st.floats(-60, 60), special)),
       st.sampled_from([(None, None), (-1.0, 7.5)]))
def test_interp_matches_numpy(xp, fp, x, left_right):
    xp = np.sort(np.array(xp))
    fp = np.array(fp[: len(xp)])
    left, right = left_right
    x = np.concatenate([x.ravel(), xp]).reshape(-1) if x.ndim else x  # hit the sample points exactly too
    expected = np.interp(x, xp, fp, left=left, right=right)
    check(fnp.interp(fnp.asarray(x), fnp.asarray(xp), fnp.asarray(fp), left=left, right=right), expected,
          rtol=1e-9)


def test_interp_handles_repeated_points_and_infinite_slopes_as_numpy():
    xp, fp = np.array([0.0, 1.0, 1.0, 2.0, 3.0]), np.array([0.0, 1.0, 5.0, np.inf, np.inf])
    x = np.array([0.5, 1.0, 1.5, 2.0, 2.5, 3.0])
    check(fnp.interp(fnp.asarray(x), fnp.asarray(xp), fnp.asarray(fp)), np.interp(x, xp, fp))


def test_interp_dtype_is_float32_for_integers_and_complex_for_complex_fp():
    out = fnp.interp(fnp.asarray([1, 3]), fnp.asarray([0, 2, 4]), fnp.asarray([0, 10, 20]))
    check(out, np.array([5.0, 15.0], np.float32))
    fp = np.array([1 + 1j, 3 - 1j, np.inf + 0j])
    x = np.array([-1.0, 0.5, 1.5, 9.0])
    expected = np.interp(x, [0.0, 1.0, 2.0], fp, left=2j)
    check(fnp.interp(fnp.asarray(x), fnp.asarray([0.0, 1.0, 2.0]), fnp.asarray(fp), left=2j), expected)


def test_interp_with_a_period_matches_numpy():
    xp, fp = np.array([190.0, -190.0, 350.0, -350.0]), np.array([5.0, 10.0, 3.0, 4.0])
    x = np.array([-180.0, -170.0, -185.0, 185.0, -10.0, -5.0, 0.0, 365.0])
    check(fnp.interp(fnp.asarray(x), fnp.asarray(xp), fnp.asarray(fp), period=360), np.interp(x, xp, fp, period=360),
          rtol=1e-12)


@pytest.mark.parametrize("kwargs", [{}, {"left": -2.0, "right": 5.0}, {"period": 4.0}])
def test_interp_derivatives_at_the_sample_points_are_those_of_the_segment_taken_as_jax(kwargs):
    # at xp[k] the segment right of it (the last one at xp[-1]), not 0
    jax = pytest.importorskip("jax")
    jax.config.update("jax_enable_x64", True)
    xp, fp = np.array([-1.0, 0.0, 0.5, 2.0]), np.array([0.0, 1.0, -1.0, 3.0])
    x = np.array([-3.0, -1.0, 0.0, 0.5, 2.0, 3.0, 0.25, -6.0])
    expected = jax.grad(lambda x, xp, fp: jax.numpy.interp(x, xp, fp, **kwargs).sum(), argnums=(0, 1, 2))(x, xp, fp)
    f = fx.grad(lambda x, xp, fp: fnp.interp(x, xp, fp, **kwargs).sum(), argnums=(0, 1, 2))
    args = [fnp.asarray(a) for a in (x, xp, fp)]
    for got in (f(*args), fx.jit(f)(*args)):
        for g, e in zip(got, expected):
            np.testing.assert_allclose(np.asarray(g), np.asarray(e), rtol=1e-12, atol=1e-14)
    # the values there stay NumPy's, signed zeros included
    fp = np.array([-0.0, 1.0, -0.0, -0.0])
    np.testing.assert_array_equal(np.signbit(np.asarray(fnp.interp(fnp.asarray(x), fnp.asarray(xp), fnp.asarray(fp)))),
                                  np.signbit(np.interp(x, xp, fp)))


def test_interp_with_one_point_gives_it_inside_and_left_right_outside():
    x = np.array([-1.0, 2.0, 3.0])
    check(fnp.interp(fnp.asarray(x), fnp.asarray([2.0]), fnp.asarray([7.0]), left=0.0, right=1.0),
          np.interp(x, [2.0], [7.0], left=0.0, right=1.0))


def test_interp_works_traced():
    x, xp, fp = fnp.asarray([0.5, 2.5, -1.0]), fnp.asarray([0.0, 1.0, 3.0]), fnp.asarray([1.0, 3.0, 2.0])
    same(traced(fnp.interp, x, xp, fp), fnp.interp(x, xp, fp))
    same(traced(fnp.interp, x, xp, fp, period=2.0), fnp.interp(x, xp, fp, period=2.0))


def test_interp_errors_name_the_fix():
    with raises(ShapeError, "xp must be 1-d"):
        fnp.interp(1.0, fnp.zeros((2, 2)), fnp.zeros(2))
    with raises(ShapeError, "xp has 3 points but fp has 2"):
        fnp.interp(1.0, fnp.zeros(3), fnp.zeros(2))
    with raises(ValueError, "xp is empty"):
        fnp.interp(1.0, fnp.zeros(0), fnp.zeros(0))
    with raises(ShapeError, "fp must be 1-d"):
        fnp.interp(1.0, fnp.zeros(2), fnp.zeros((2, 1)))
    with raises(DTypeError, "x may not be complex", "x.real"):
        fnp.interp(fnp.asarray([1j]), fnp.zeros(2), fnp.zeros(2))
    with raises(DTypeError, "xp may not be complex"):
        fnp.interp(1.0, fnp.zeros(2, dtype=fnp.complex64), fnp.zeros(2))
    with raises(ValueError, "period is 0"):
        fnp.interp(1.0, fnp.asarray([0.0, 1.0]), fnp.zeros(2), period=0)


@given(hnp.arrays(st.sampled_from([np.int32, np.float64]), st.integers(0, 5), elements=st.integers(-5, 5)),
       hnp.arrays(st.sampled_from([np.int64, np.float32]), hnp.array_shapes(min_dims=0, max_dims=2, min_side=0),
                  elements=st.integers(-4, 4)))
def test_polyval_matches_numpy(p, x):
    out = fnp.polyval(fnp.asarray(p), fnp.asarray(x))
    expected = np.polyval(p, x).astype(np.result_type(out.dtype))
    check(out, expected, rtol=1e-6 if out.dtype.kind == "f" else 0.0)


def test_polyval_gives_nan_at_infinity_as_numpy_and_works_traced():
    check(fnp.polyval(fnp.asarray([1.0, 2.0]), fnp.asarray([np.inf, 1.0])),
          np.polyval(np.array([1.0, 2.0], np.float32), np.array([np.inf, 1.0], np.float32)))
    p, x = fnp.asarray([3.0, 0.0, 1.0]), fnp.asarray([[1.0, 2.0]])
    same(traced(fnp.polyval, p, x), fnp.polyval(p, x))
    with raises(ShapeError, "0-d", "1-d array of coefficients"):
        fnp.polyval(fnp.asarray(2.0), 1.0)


@given(hnp.arrays(np.int64, st.integers(0, 4), elements=st.integers(0, 3)),
       st.sampled_from([np.int8, np.uint64, np.float32, np.bool_, np.complex64]),
       st.one_of(st.none(), st.integers(0, 5)), st.booleans())
def test_vander_matches_numpy(x, dtype, N, increasing):
    x = x.astype(dtype)
    out = fnp.vander(fnp.asarray(x), N, increasing)
    # NumPy promotes with its int64 (float32 -> float64); fluxion with its lattice (float32 stays)
    dt = {np.int8: np.int64, np.uint64: np.float64, np.bool_: np.int64}.get(x.dtype.type, x.dtype)
    check(out, np.vander(x, N, increasing).astype(dt))


def test_vander_works_traced_and_checks_its_arguments():
    x = fnp.asarray([1.0, 2.0, 3.0])
    same(traced(fnp.vander, x, 4), fnp.vander(x, 4))
    with raises(ShapeError, "x must be 1-d"):
        fnp.vander(fnp.zeros((2, 2)))
    with raises(ValueError, "N=-1"):
        fnp.vander(x, -1)


# integration, covariance -----------------------------------------------------------------------
@given(hnp.arrays(np.float64, shapes, elements=finite), st.data())
def test_trapezoid_matches_numpy_with_spacing_and_points(y, data):
    axis = data.draw(st.integers(-y.ndim, y.ndim - 1))
    check(fnp.trapezoid(fnp.asarray(y), dx=0.5, axis=axis), np.trapezoid(y, dx=0.5, axis=axis), rtol=1e-12)
    x = np.cumsum(data.draw(hnp.arrays(np.float64, y.shape[axis], elements=st.floats(0, 3))))
    check(fnp.trapezoid(fnp.asarray(y), fnp.asarray(x), axis=axis), np.trapezoid(y, x, axis=axis), rtol=1e-12)
    xs = np.cumsum(np.ones_like(y), axis=axis) ** 2
    check(fnp.trapezoid(fnp.asarray(y), fnp.asarray(xs), axis=axis), np.trapezoid(y, xs, axis=axis), rtol=1e-12)


def test_trapezoid_dtypes_and_errors():
    assert fnp.trapezoid(fnp.asarray([1, 2, 3])).dtype == np.float32
    check(fnp.trapezoid(fnp.asarray([1, 2, 3])), np.float32(4.0))
    y = fnp.asarray([[1.0, 2.0], [3.0, 5.0]])
    same(traced(fnp.trapezoid, y, fnp.asarray([0.0, 2.0]), axis=0), fnp.trapezoid(y, fnp.asarray([0.0, 2.0]), axis=0))
    with raises(ShapeError, "0-d"):
        fnp.trapezoid(fnp.asarray(1.0))
    with raises(ShapeError, "x has 3 points but y has 2"):
        fnp.trapezoid(y, fnp.zeros(3))


cov_data = hnp.arrays(np.float64, st.sampled_from([(3, 5), (1, 4), (5,), (2, 1), (4, 2)]), elements=finite)


@given(cov_data, st.booleans(), st.booleans(), st.sampled_from([None, 0, 2]))
def test_cov_matches_numpy(m, rowvar, bias, ddof):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        expected = np.cov(m, rowvar=rowvar, bias=bias, ddof=ddof)
        out = fnp.cov(fnp.asarray(m), rowvar=rowvar, bias=bias, ddof=ddof)
    check(out, expected, rtol=1e-9)


@given(hnp.arrays(np.float64, (2, 6), elements=finite), hnp.arrays(np.int64, 6, elements=st.integers(0, 3)),
       hnp.arrays(np.float64, 6, elements=st.floats(0.5, 2)), st.sampled_from([None, 0, 1]))
def test_cov_with_frequency_and_observation_weights_matches_numpy(m, fw, aw, ddof):
    fw[0] = 1  # a positive total weight
    for f, a in ((fw, None), (None, aw), (fw, aw)):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            expected = np.cov(m, fweights=f, aweights=a, ddof=ddof)
            out = fnp.cov(fnp.asarray(m), fweights=None if f is None else fnp.asarray(f),
                          aweights=None if a is None else fnp.asarray(a), ddof=ddof)
        check(out, expected, rtol=1e-9)


def test_cov_joins_y_handles_complex_and_promotes_to_float32():
    m, y = np.array([[1.0, 2.0, 4.0], [0.0, 1.0, 1.0]]), np.array([3.0, 1.0, 2.0])
    check(fnp.cov(fnp.asarray(m), fnp.asarray(y)), np.cov(m, y), rtol=1e-12)
    check(fnp.cov(fnp.asarray(m.T), fnp.asarray(y), rowvar=False), np.cov(m.T, y, rowvar=False), rtol=1e-12)
    z = m + 1j * m[::-1]
    check(fnp.cov(fnp.asarray(z)), np.cov(z), rtol=1e-12)
    check(fnp.cov(fnp.asarray([[1, 2, 4]])), np.float32(np.cov([1, 2, 4])), rtol=1e-6)
    assert fnp.cov(fnp.asarray(m), dtype=fnp.float32).dtype == np.float32
    check(fnp.cov(fnp.zeros((0, 3))), np.zeros((0, 0), np.float32))


def test_cov_warns_when_there_are_no_degrees_of_freedom():
    with pytest.warns(RuntimeWarning, match="degrees of freedom"):
        out = fnp.cov(fnp.asarray([[1.0], [2.0]]))
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        check(out, np.cov(np.array([[1.0], [2.0]], np.float32)).astype(np.float32))


def test_cov_works_traced_with_weights():
    m, w = fnp.asarray([[1.0, 2.0, 4.0], [0.0, 1.0, 3.0]]), fnp.asarray([1.0, 2.0, 1.0])
    np.testing.assert_allclose(np.asarray(traced(fnp.cov, m, aweights=w, fweights=fnp.asarray([1, 1, 2]))),
                               np.asarray(fnp.cov(m, aweights=w, fweights=fnp.asarray([1, 1, 2]))))
    np.testing.assert_allclose(np.asarray(traced(fnp.corrcoef, m)), np.asarray(fnp.corrcoef(m)))


def test_cov_errors_name_the_fix():
    m = fnp.zeros((2, 3))
    with raises(ValueError, "ddof=1.5"):
        fnp.cov(m, ddof=1.5)
    with raises(ShapeError, "more than 2 dimensions"):
        fnp.cov(fnp.zeros((2, 2, 2)))
    with raises(ShapeError, "y has shape"):
        fnp.cov(m, fnp.zeros((1, 1, 3)))
    with raises(ShapeError, "fweights", "length 3"):
        fnp.cov(m, fweights=fnp.asarray([1, 2]))
    with raises(DTypeError, "fweights must be integers"):
        fnp.cov(m, fweights=fnp.asarray([1.5, 1.0, 1.0]))
    with raises(ValueError, "aweights has negative"):
        fnp.cov(m, aweights=fnp.asarray([1.0, -1.0, 1.0]))
    with raises(ZeroDivisionError, "sum to zero"):
        fnp.cov(m, aweights=fnp.asarray([0.0, 0.0, 0.0]))


@given(cov_data, st.booleans())
def test_corrcoef_matches_numpy(x, rowvar):
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        expected = np.corrcoef(x, rowvar=rowvar)
        out = fnp.corrcoef(fnp.asarray(x), rowvar=rowvar)
    check(out, expected, rtol=1e-9)


def test_corrcoef_stays_in_the_unit_interval_for_complex_and_float32():
    z = np.array([[1 + 2j, 2 - 1j, 3 + 0j], [2 + 4j, 4 - 2j, 6 + 0j]])
    check(fnp.corrcoef(fnp.asarray(z)), np.corrcoef(z), rtol=1e-12)
    x = np.array([[0.1, 0.2, 0.3], [0.3, 0.2, 0.1001]], np.float32)
    out = np.asarray(fnp.corrcoef(fnp.asarray(x), fnp.asarray([1, 2, 3])))
    assert out.dtype == np.float32 and np.all(np.abs(out) <= 1)
    np.testing.assert_allclose(out, np.corrcoef(x, [1, 2, 3]), rtol=1e-4)


# histograms and counting -----------------------------------------------------------------------
def _auto_bins(a, range_) -> float:
    """About how many bins NumPy's "auto" makes for `a` in `range_`: the span over the smaller of
    Sturges's and (where positive) Freedman-Diaconis's widths, of the data in the range."""
    lo, hi = range_ if range_ is not None else (a.min(initial=0), a.max(initial=0))
    a = a[(a >= lo) & (a <= hi)].astype(np.float64)
    if a.size == 0 or hi == lo:
        return 1.0
    sturges = np.ptp(a) / (np.log2(a.size) + 1.0)
    fd = 2.0 * np.subtract(*np.percentile(a, [75, 25])) * a.size ** (-1 / 3)
    width = min(fd, sturges) if fd > 0 else sturges
    return (float(hi) - float(lo)) / width if width > 0 else 1.0


@given(hnp.arrays(np.float64, st.integers(0, 20), elements=finite), st.sampled_from([np.float32, np.float64, np.int32]),
       st.sampled_from([1, 3, 10, "auto", [-50.0, 0.0, 10.0, 60.0]]),
       st.sampled_from([None, (-10.0, 10.0), (0.0, 0.0)]), st.booleans(), st.booleans())
def test_histogram_matches_numpy(a, dtype, bins, range_, density, weighted):
    a = a.astype(dtype)
    edges_dtype = np.float32 if a.dtype.kind == "i" else a.dtype  # fluxion's edges for integer data
    w = np.linspace(0, 2, a.size).astype(np.float32) if weighted and bins != "auto" else None
    assume(bins != "auto" or _auto_bins(a, range_) <= 10**5)  # (a tiny spread in a wide range asks for gigabytes)
    with np.errstate(all="ignore"):
        try:
            counts, edges = np.histogram(a, bins, range_, density, w)
        except (MemoryError, ValueError):  # "auto" bins for a tiny spread in a wide range: too many for NumPy
            assume(False)
    out_counts, out_edges = fnp.histogram(fnp.asarray(a), bins, range_, density, None if w is None else fnp.asarray(w))
    ctype = edges_dtype if density else (np.int64 if w is None else np.float32)
    check(out_counts, counts.astype(ctype), rtol=1e-6 if density or w is not None else 0.0)
    check(out_edges, edges.astype(edges_dtype))
    check(fnp.histogram_bin_edges(fnp.asarray(a), bins, range_), np.histogram_bin_edges(a, bins, range_)
          .astype(edges_dtype))


@pytest.mark.parametrize("bins", [[0, 2, 8], (1, 3, 4, 9), np.array([0, 2, 8], np.int8), np.array([0, 5, 8], np.uint8),
                                  np.array([0.0, 2.5, 8.0], np.float32)])
def test_histogram_keeps_the_dtype_of_given_edges_as_numpy(bins):
    a = np.array([1, 2, 3, 7, 8, 0])
    counts, edges = np.histogram(a, bins)
    for out_counts, out_edges in (fnp.histogram(fnp.asarray(a), bins),
                                  fx.jit(lambda x: fnp.histogram(x, bins))(fnp.asarray(a))):
        check(out_counts, counts)
        check(out_edges, edges)
    check(fnp.histogram_bin_edges(fnp.asarray(a), bins), np.histogram_bin_edges(a, bins))


@pytest.mark.parametrize("x", [np.random.default_rng(1).normal(size=50), np.float32([3.1, -0.7, 0.1, 2.9, 0.3]),
                               np.arange(11), np.full(4, 2.5), np.zeros(0), np.float32([7.0])])
@pytest.mark.parametrize("bins", [1, 7])
def test_histogram_of_traced_data_spans_it_as_numpy(x, bins):
    expected = np.histogram(x, bins=bins)
    counts, edges = fx.jit(lambda x: fnp.histogram(x, bins=bins))(fnp.asarray(x))
    np.testing.assert_array_equal(counts, expected[0])
    assert edges.dtype == fnp.histogram(fnp.asarray(x), bins=bins)[1].dtype
    # XLA may fuse the multiply and add of each edge into one rounding
    np.testing.assert_allclose(edges, expected[1], rtol=4 * np.finfo(edges.dtype).eps)
    np.testing.assert_array_equal(fx.jit(lambda x: fnp.histogram_bin_edges(x, bins))(fnp.asarray(x)), edges)
    if x.size:
        h, dd_edges = fx.jit(lambda s: fnp.histogramdd(s, bins=(bins, 2)))(fnp.asarray(np.stack([x, -x], 1)))
        want, want_edges = np.histogramdd(np.stack([x, -x], 1), bins=(bins, 2))
        np.testing.assert_array_equal(h, want)
        for e, w in zip(dd_edges, want_edges):
            np.testing.assert_allclose(e, w, rtol=1e-6)


def test_histogram_errors_name_the_fix():
    with raises(ValueError, "bins=0", "bins >= 1"):
        fnp.histogram(fnp.zeros(3), bins=0)
    with raises(ShapeError, "bins must be an int or 1-d"):
        fnp.histogram(fnp.zeros(3), bins=fnp.zeros((2, 2)))
    with raises(ValueError, "range=", "lo <= hi"):
        fnp.histogram(fnp.zeros(3), range=(1.0, 0.0))
    with raises(ValueError, "NaN or inf", "range="):
        fnp.histogram(fnp.asarray([1.0, np.nan]))
    with raises(ShapeError, "weights of shape"):
        fnp.histogram(fnp.zeros(3), weights=fnp.zeros(2))
    with raises(DTypeError, "complex"):
        fnp.histogram(fnp.asarray([1j]))
    with raises(ValueError, "histogram", "increase"):
        fnp.histogram(fnp.zeros(3), bins=[1.0, 0.0])
    with raises(TypeError, "histogram", "weighted", "without weights"):
        fnp.histogram(fnp.zeros(3), bins="auto", weights=fnp.ones(3))


@given(hnp.arrays(np.int64, st.integers(0, 12), elements=st.integers(0, 9)),
       st.sampled_from([np.int64, np.uint8, np.int32, np.bool_]), st.integers(0, 12), st.booleans())
def test_bincount_matches_numpy(x, dtype, minlength, weighted):
    x = x.astype(dtype)
    w = np.linspace(-1, 1, x.size) if weighted else None
    expected = np.bincount(x, w, minlength)
    out = fnp.bincount(fnp.asarray(x), None if w is None else fnp.asarray(w), minlength)
    check(out, expected.astype(np.float64 if weighted else np.int64), rtol=1e-12 if weighted else 0.0)


def test_bincount_with_length_drops_values_outside_and_works_traced():
    x, w = fnp.asarray([0, 1, 1, 5, -1, 2]), fnp.asarray([1.0, 2.0, 3.0, 4.0, 5.0, 6.0])
    check(fnp.bincount(x, length=3), np.array([1, 2, 1]))
    check(fnp.bincount(x, w, length=4), np.array([1.0, 5.0, 6.0, 0.0], np.float32))
    same(traced(fnp.bincount, x, w, length=4), fnp.bincount(x, w, length=4))
    assert fnp.bincount(fnp.asarray([1, 1]), fnp.asarray([1, 2])).dtype == np.float32


def test_bincount_errors_name_the_fix():
    with raises(ConcretizationError, "bincount", "length="):
        traced(fnp.bincount, fnp.asarray([1, 2]))
    with raises(ValueError, "negative", "length="):
        fnp.bincount(fnp.asarray([1, -1]))
    with raises(DTypeError, "float32", "astype"):
        fnp.bincount(fnp.asarray([1.0]))
    with raises(ShapeError, "x must be 1-d"):
        fnp.bincount(fnp.asarray(1))
    with raises(ValueError, "minlength=-1"):
        fnp.bincount(fnp.asarray([1]), minlength=-1)
    with raises(ValueError, "length=-2"):
        fnp.bincount(fnp.asarray([1]), length=-2)
    with raises(ShapeError, "weights of shape"):
        fnp.bincount(fnp.asarray([1, 2]), fnp.asarray([1.0]))


@given(hnp.arrays(np.float64, hnp.array_shapes(min_dims=0, max_dims=2, min_side=0, max_side=4),
                  elements=st.one_of(st.floats(-5, 5), special)),
       st.lists(st.integers(-4, 4), max_size=5).map(sorted), st.booleans(), st.booleans())
def test_digitize_matches_numpy(x, bins, decreasing, right):
    bins = np.array(bins[::-1] if decreasing else bins, np.float64)
    check(fnp.digitize(fnp.asarray(x), fnp.asarray(bins), right=right), np.digitize(x, bins, right=right))


def test_digitize_works_traced_and_checks_bins_eagerly():
    x, bins = fnp.asarray([0.5, 2.0, 9.0]), fnp.asarray([3.0, 2.0, 1.0])
    same(traced(fnp.digitize, x, bins, right=True), fnp.digitize(x, bins, right=True))
    with raises(ValueError, "neither increasing nor decreasing", "sort"):
        fnp.digitize(x, fnp.asarray([1.0, 3.0, 2.0]))
    with raises(ShapeError, "bins must be 1-d"):
        fnp.digitize(x, fnp.zeros((2, 2)))
    with raises(DTypeError, "complex"):
        fnp.digitize(fnp.asarray([1j]), fnp.zeros(2))


# set operations --------------------------------------------------------------------------------
set_inputs = hnp.arrays(st.sampled_from([np.int32, np.float32]), hnp.array_shapes(min_dims=0, max_dims=2, min_side=0),
                        elements=st.integers(-4, 4))


@given(set_inputs, set_inputs)
def test_set_operations_match_numpy(a, b):
    x, y = fnp.asarray(a), fnp.asarray(b)
    dt, _ = dtypes.result_type((x.dtype, False), (y.dtype, False))
    check(fnp.setdiff1d(x, y), np.setdiff1d(a, b))  # a subset of a, in a's dtype
    check(fnp.union1d(x, y), np.union1d(a, b).astype(dt))
    check(fnp.setxor1d(x, y), np.setxor1d(a, b).astype(dt))
    check(fnp.intersect1d(x, y), np.intersect1d(a, b).astype(dt))
    for got, want in zip(fnp.intersect1d(x, y, return_indices=True), np.intersect1d(a, b, return_indices=True)):
        check(got, want.astype(got.dtype))
        assert got.dtype in (dt, np.int64)


def test_set_operations_promote_like_arithmetic_and_are_eager_only():
    assert fnp.union1d(fnp.asarray([1, 2]), [1.5]).dtype == np.float32
    for f in (fnp.setdiff1d, fnp.union1d, fnp.setxor1d, fnp.intersect1d):
        with raises(ConcretizationError, f"fnp.{f.__name__}"):
            traced(f, fnp.asarray([1, 2]), fnp.asarray([1]))


def test_set_operations_take_their_values_from_the_inputs_with_their_derivatives():
    # each value is an element of an input (the first occurrence, ar1 first): its derivative is 1 there
    a, b = np.array([3.0, 1.0, 2.0, 3.0]), np.array([2.0, 3.0, 4.0])
    pool = np.concatenate([a, b])
    for f, npf in ((fnp.intersect1d, np.intersect1d), (fnp.union1d, np.union1d), (fnp.setxor1d, np.setxor1d),
                   (fnp.setdiff1d, np.setdiff1d)):
        values = npf(a, b)
        first = np.array([np.flatnonzero(pool == v)[0] for v in values])
        want = np.zeros((values.size, pool.size))
        want[np.arange(values.size), first] = 1.0
        ja, jb = fx.jacrev(f, argnums=(0, 1))(fnp.asarray(a), fnp.asarray(b))
        check(fnp.concatenate([ja, jb], axis=1), want)


# index grids and index arithmetic --------------------------------------------------------------
@pytest.mark.parametrize("dims", [(2, 3), (3,), (), (2, 0, 2), (1, 2, 3)])
@pytest.mark.parametrize("dtype", [int, np.int32, np.float32])
def test_indices_match_numpy(dims, dtype):
    check(fnp.indices(dims, dtype=dtype), np.indices(dims, dtype=dtype), dtype=np.dtype(dtype))
    for got, want in zip(fnp.indices(dims, dtype, sparse=True), np.indices(dims, dtype, sparse=True)):
        check(got, want, dtype=np.dtype(dtype))


@given(st.lists(st.integers(1, 4), min_size=1, max_size=3), st.data(), st.sampled_from(["C", "F"]))
def test_ravel_and_unravel_index_match_numpy_and_invert_each_other(dims, data, order):
    size = math.prod(dims)
    flat = data.draw(hnp.arrays(np.int64, st.sampled_from([(), (4,), (2, 2)]), elements=st.integers(0, size - 1)))
    coords = np.unravel_index(flat, dims, order)
    out = fnp.unravel_index(fnp.asarray(flat), dims, order)
    for got, want in zip(out, coords):
        check(got, want)
    check(fnp.ravel_multi_index(out, dims, order=order), np.ravel_multi_index(coords, dims, order=order))


@given(st.lists(st.integers(1, 4), min_size=1, max_size=3), st.data())
def test_ravel_multi_index_clip_and_wrap_modes_match_numpy(dims, data):
    idx = tuple(data.draw(hnp.arrays(np.int32, 3, elements=st.integers(-9, 9))) for _ in dims)
    modes = data.draw(st.one_of(st.sampled_from(["clip", "wrap"]), st.tuples(*[st.sampled_from(["clip", "wrap"])
                                                                               for _ in dims])))
    out = fnp.ravel_multi_index(tuple(map(fnp.asarray, idx)), dims, mode=modes)
    check(out, np.ravel_multi_index(idx, dims, mode=modes))


def test_index_arithmetic_broadcasts_and_works_traced():
    rows, cols = fnp.asarray([[0], [1]]), fnp.asarray([0, 2, 5])
    check(fnp.ravel_multi_index((rows, cols), (2, 3), mode="clip"),
          np.ravel_multi_index((np.array([[0], [1]]), np.array([0, 2, 5])), (2, 3), mode="clip"))
    same(traced(lambda r, c: fnp.ravel_multi_index((r, c), (2, 3), mode="wrap"), rows, cols),
         fnp.ravel_multi_index((rows, cols), (2, 3), mode="wrap"))
    flat = fnp.asarray([0, 5, 4])
    for got, want in zip(traced(fnp.unravel_index, flat, (2, 3)), fnp.unravel_index(flat, (2, 3))):
        same(got, want)
    for got, want in zip(traced(fnp.unravel_index, fnp.asarray([-3, 99]), (2, 3)), (fnp.asarray([0, 1]),
                                                                                   fnp.asarray([0, 2]))):
        same(got, want)  # clipped into range when traced
    check(fnp.unravel_index(7, 10)[0], np.int64(7))


def test_index_arithmetic_errors_name_the_fix():
    with raises(ValueError, "index 3 is out of range", "mode='clip'"):
        fnp.ravel_multi_index((fnp.asarray([3]),), (3,))
    with raises(ConcretizationError, "mode='raise'", "mode='clip'"):
        traced(lambda i: fnp.ravel_multi_index((i,), (3,)), fnp.asarray([0, 1]))
    with raises(ValueError, "2 index arrays for 1 dims"):
        fnp.ravel_multi_index((fnp.asarray([0]), fnp.asarray([0])), (3,))
    with raises(ValueError, "mode="):
        fnp.ravel_multi_index((fnp.asarray([0]),), (3,), mode="bounce")
    with raises(ValueError, "order="):
        fnp.ravel_multi_index((fnp.asarray([0]),), (3,), order="K")
    with raises(DTypeError, "integers", "float32"):
        fnp.ravel_multi_index((fnp.asarray([0.0]),), (3,))
    with raises(ValueError, "index -1 is out of range", r"\[0, 6\)"):
        fnp.unravel_index(fnp.asarray([-1]), (2, 3))
    with raises(ValueError, "index 6 is out of range"):
        fnp.unravel_index(fnp.asarray([6]), (2, 3))
    with raises(DTypeError, "integers"):
        fnp.unravel_index(fnp.asarray([1.0]), (2, 3))


def test_every_public_name_is_exported():
    from fluxion.numpy import _comparison, _differences, _index_arithmetic, _interpolation, _sets, _statistics
    for module in (_comparison, _differences, _index_arithmetic, _interpolation, _sets, _statistics):
        for name in module.__all__:
            assert getattr(fnp, name) is getattr(module, name)
    assert fx.Array is Array


@pytest.mark.parametrize("bins, range_", [(5, (0.0, 1.0)), (np.array([0.0, 0.1, 0.5, 1.0]), None), (3, (0.2, 0.4))])
@pytest.mark.parametrize("density", [None, True])
@pytest.mark.parametrize("weighted", [False, True])
def test_histogram_of_traced_data_with_edges_known_beforehand_matches_numpy(bins, range_, density, weighted):
    rng = np.random.default_rng(0)
    x = np.concatenate([rng.random(200), [0.0, 1.0, np.nan, -0.5, 1.5, 0.2, 0.4]])
    w = rng.random(x.size) if weighted else None
    expected = np.histogram(x, bins=bins, range=range_, density=density, weights=w)
    f = fx.jit(lambda x, w: fnp.histogram(x, bins=bins, range=range_, density=density, weights=w))
    counts, edges = f(fnp.asarray(x), None if w is None else fnp.asarray(w))
    eager = fnp.histogram(fnp.asarray(x), bins=bins, range=range_, density=density, weights=w)
    assert counts.dtype == eager[0].dtype and edges.dtype == eager[1].dtype
    np.testing.assert_allclose(counts, expected[0], rtol=1e-12)
    np.testing.assert_allclose(edges, expected[1], rtol=1e-12)



@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_traced_histogram_makes_numpys_edges_bit_for_bit(dtype):
    # decimal data puts values on the edges, where a rounding of an edge would move them to another bin
    rng = np.random.default_rng(1)
    for _ in range(40):
        a = np.round(rng.normal(size=int(rng.integers(1, 20))), int(rng.integers(0, 3))).astype(dtype)
        bins = int(rng.integers(1, 12))
        counts, edges = np.histogram(a, bins=bins)
        out_counts, out_edges = fx.vmap(lambda x: fnp.histogram(x, bins=bins))(fnp.asarray(a[None]))
        np.testing.assert_array_equal(np.asarray(out_edges[0]), edges.astype(dtype))
        np.testing.assert_array_equal(np.asarray(out_counts[0]), counts)
