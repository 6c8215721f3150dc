"""Every `method=` of quantile and percentile (and their NaN-ignoring forms) against NumPy, at the
small sizes and the fractions where the methods differ; `weights=`; jit against eager; gradients
against central differences."""
import warnings

import numpy as np
import pytest

import fluxion as fx
import fluxion.numpy as fnp
from fluxion.core.errors import ShapeError

from _arrays import rand
from _differential import assert_matches
from test_reductions import METHODS, PICKING

INTERPOLATING = [m for m in METHODS if m not in PICKING]
# NumPy's (alpha, beta) of each interpolating position n*q + alpha + q*(1 - alpha - beta) - 1; linear is (1, 1)
PLACES = [(0, 1), (0.5, 0.5), (0, 0), (1, 1), (1 / 3, 1 / 3), (3 / 8, 3 / 8)]
SIZES = [1, 2, 3, 5, 10]
DTYPES = [np.uint8, np.int32, np.int64, np.float32, np.float64]


def _numpy(name, x, q, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN slices
        return np.asarray(getattr(np, name)(x, q, **kwargs))


def _check(got, want, method, dtype):
    """Picking methods give NumPy's elements in the input dtype; the others its values in a float dtype."""
    dtype = np.dtype(dtype)
    if method in PICKING:
        assert got.dtype == dtype, (method, got.dtype)
        np.testing.assert_array_equal(np.asarray(got), want.astype(dtype))
    else:
        assert got.dtype == (dtype if dtype.kind == "f" else np.float32), (method, got.dtype)
        tol = 1e-12 if got.dtype == np.float64 else 1e-6
        np.testing.assert_allclose(np.asarray(got, np.float64), want, rtol=tol, atol=tol, equal_nan=True)
    assert got.shape == want.shape


def _boundaries(n):
    """0, 1, a grid, and the fractions where some method's position is an order statistic or halfway."""
    k = np.arange(-1.0, n + 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        qs = [(k + h + 1 - a) / (n + 1 - a - b) for a, b in PLACES for h in (0.0, 0.5)]
    q = np.concatenate(qs + [np.linspace(0, 1, 21)])
    return np.unique(q[np.isfinite(q) & (q >= 0) & (q <= 1)])


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("method", METHODS)
def test_every_method_matches_numpy_at_order_statistic_boundaries_of_small_samples(method, dtype):
    for n in SIZES:
        x = np.round(np.abs(rand(n, seed=n)) * 5).astype(dtype)  # ties included
        q = _boundaries(n)
        for name, scale in [("quantile", 1), ("percentile", 100), ("nanquantile", 1), ("nanpercentile", 100)]:
            got = getattr(fnp, name)(fnp.asarray(x), fnp.asarray(q * scale), method=method)
            _check(got, _numpy(name, x, q * scale, method=method), method, dtype)


@pytest.mark.parametrize("method", METHODS)
def test_every_method_matches_numpy_over_axes_with_keepdims_and_0d_q(method):
    x = rand((2, 3, 4), seed=1)
    for axis in [None, 0, -1, (0, 2), (2, 0, 1)]:
        for keepdims in (False, True):
            for q in (0.0, 0.37, 1.0, np.array([[0.25, 0.5], [0.75, 0.9]])):
                got = fnp.quantile(fnp.asarray(x), q, axis=axis, method=method, keepdims=keepdims)
                _check(got, _numpy("quantile", x, q, axis=axis, method=method, keepdims=keepdims), method, x.dtype)


@pytest.mark.parametrize("method", METHODS)
def test_nan_gives_nan_and_nan_versions_skip_it_down_to_all_nan_slices(method):
    x = np.array([[3.0, 1.0, 4.0, 1.5, 9.0], [2.0, np.nan, 7.0, 1.0, 8.0], [np.nan, 5.0, np.nan, np.nan, np.nan],
                  [np.nan] * 5], np.float32)
    q = np.array([0.0, 0.2, 0.3, 0.5, 0.75, 1.0])
    for name in ("quantile", "nanquantile"):
        for keepdims in (False, True):
            got = getattr(fnp, name)(fnp.asarray(x), q, axis=1, method=method, keepdims=keepdims)
            _check(got, _numpy(name, x, q, axis=1, method=method, keepdims=keepdims), method, x.dtype)


@pytest.mark.parametrize("method", METHODS)
def test_an_empty_axis_gives_nan_for_floats_and_raises_for_integers_where_the_dtype_is_kept(method):
    got = fnp.quantile(fnp.asarray(np.zeros((2, 0), np.float32)), [0.5], axis=1, method=method)
    assert got.shape == (1, 2) and got.dtype == np.float32 and np.isnan(np.asarray(got)).all()
    want = _numpy("nanquantile", np.zeros((2, 0)), 0.5, axis=1, method=method)
    np.testing.assert_array_equal(fnp.nanquantile(fnp.asarray(np.zeros((2, 0))), 0.5, axis=1, method=method), want)
    ints = fnp.asarray(np.zeros((2, 0), np.int32))
    if method in PICKING:
        with pytest.raises(ShapeError, match="float dtype"):
            fnp.quantile(ints, 0.5, axis=1, method=method)
    else:
        assert np.isnan(np.asarray(fnp.quantile(ints, 0.5, axis=1, method=method))).all()


def test_every_method_gives_the_same_result_under_jit_as_eager():
    x = np.array([[3.0, 1.0, 4.0, 1.5, 9.0], [2.0, np.nan, 7.0, -np.inf, 8.0], [5.0, 5.0, 0.5, -2.0, 6.0]])
    q = fnp.asarray([0.0, 0.2, 1 / 3, 0.5, 0.9, 1.0], dtype=fnp.float64)
    w = fnp.asarray([1.0, 0.0, 2.0, 1.0, 3.0])

    def every_method(x, q, w):
        # known percentiles are divided eagerly, so they pick the elements eager picks (a traced q / 100
        # is compiled as q * 0.01, which rounds differently)
        return dict(quantile=[fnp.quantile(x, q, axis=1, method=m) for m in METHODS],
                    percentile=[fnp.percentile(x, [0.0, 20.0, 100 / 3, 50.0, 100.0], axis=1, method=m)
                                for m in METHODS],
                    nanquantile=[fnp.nanquantile(x, q, axis=0, method=m, keepdims=True) for m in METHODS],
                    weighted=(fnp.quantile(x, q, axis=1, method="inverted_cdf", weights=w),
                              fnp.nanquantile(x, q, axis=1, method="inverted_cdf", weights=w)))

    for dtype in (np.int32, np.float32, np.float64):
        xs = fnp.asarray(np.nan_to_num(x, nan=4.0, neginf=-5.0).astype(dtype) if dtype == np.int32 else x.astype(dtype))
        # interpolations subtract neighbours: their rounding is relative to the inputs' magnitude
        assert_matches(every_method(xs, q, w), fx.jit(every_method)(xs, q, w), ulps=4, floor=10.0, what=str(dtype))


@pytest.mark.parametrize("method", INTERPOLATING)
def test_grad_of_interpolating_methods_matches_central_differences(method):
    x = fnp.asarray(rand((2, 7), seed=3))
    c = fnp.asarray(rand((3, 2), seed=4))

    def f(x):
        q = fnp.asarray([0.13, 0.62, 0.9], dtype=fnp.float64)
        return fnp.sum(c * fnp.quantile(x, q, axis=1, method=method)) + fnp.nanpercentile(x, 41.0, method=method)

    grad, h = np.asarray(fx.grad(f)(x)), 1e-6
    steps = np.eye(x.size).reshape((x.size,) + x.shape) * h
    central = np.array([(f(x + s) - f(x - s)).item() / (2 * h) for s in steps]).reshape(x.shape)
    np.testing.assert_allclose(grad, central, rtol=1e-6, atol=1e-8)
    assert np.count_nonzero(grad) > 0


# weights ----------------------------------------------------------------------------------------
def test_weighted_inverted_cdf_matches_numpy_over_axes_and_nans():
    rng = np.random.default_rng(5)
    x = np.round(rng.standard_normal((3, 4, 5)) * 2)
    x[0, 1, 2] = np.nan
    x[2, 0, :] = np.nan  # all NaN along the last axis
    w = rng.integers(0, 4, x.shape).astype(np.float64)
    w[:, :2, :2] += 1  # every slice keeps some weight when its NaNs are dropped
    q = np.unique(np.concatenate([np.linspace(0, 1, 41), np.arange(13) / 12]))
    # weights along the reduced axes, and the same in x's shape (NumPy's nanquantile takes only those)
    cases = [(-1, w[0, 0], w[:1, :1]), (1, w[0, :, 0], w[:1, :, :1]), (None, w, w), ((0, 2), w[:, 0], w[:, :1]),
             ((2, 0), w[:, 0].T, w[:, :1])]
    for name in ("quantile", "nanquantile"):
        for axis, weights, full in cases:
            want = _numpy(name, x, q, axis=axis, method="inverted_cdf", weights=np.broadcast_to(full, x.shape))
            got = getattr(fnp, name)(fnp.asarray(x), fnp.asarray(q), axis=axis, method="inverted_cdf",
                                     weights=fnp.asarray(weights))
            _check(got, want, "inverted_cdf", x.dtype)


def test_weights_skip_zero_weights_and_count_as_repetitions():
    x, w = np.array([3, 1, 2, 5, 4], np.int32), np.array([2, 0, 1, 0, 3])
    q = np.array([0.0, 1 / 6, 0.2, 1 / 3, 0.5, 2 / 3, 1.0])
    want = _numpy("quantile", x, q, method="inverted_cdf", weights=w)
    _check(fnp.quantile(fnp.asarray(x), q, method="inverted_cdf", weights=w), want, "inverted_cdf", x.dtype)
    np.testing.assert_array_equal(want, np.quantile(np.repeat(x, w), q, method="inverted_cdf"))
    for wf in (w.astype(np.float32) / 10, w.astype(np.float16) / 7, w / 6):
        got = fnp.percentile(fnp.asarray(x), q * 100, method="inverted_cdf", weights=wf)
        _check(got, _numpy("percentile", x, q * 100, method="inverted_cdf", weights=wf), "inverted_cdf", x.dtype)


WEIGHT_ERRORS = [
    (dict(weights=np.ones(3)), ValueError, "method='inverted_cdf'"),
    (dict(weights=np.ones(3), method="lower"), ValueError, "method='inverted_cdf'"),
    (dict(weights=[1.0, -1.0, 2.0], method="inverted_cdf"), ValueError, "non-negative"),
    (dict(weights=[0, 0, 0], method="inverted_cdf"), ValueError, "all zero"),
    (dict(weights=[1.0, np.inf, 1.0], method="inverted_cdf"), ValueError, "inf"),
    (dict(weights=np.ones(2), method="inverted_cdf"), ShapeError, r"\(3,\)"),
]


@pytest.mark.parametrize("kwargs, error, match", WEIGHT_ERRORS)
def test_weight_errors_are_numpys_and_name_the_fix(kwargs, error, match):
    with pytest.raises(error, match=match) as e:
        fnp.quantile(fnp.asarray([1.0, 2.0, 3.0]), 0.5, axis=0, **kwargs)
    assert "fix:" in str(e.value)
    if error is ValueError:
        with pytest.raises(ValueError):
            _numpy("quantile", [1.0, 2.0, 3.0], 0.5, axis=0, **kwargs)


@pytest.mark.parametrize("weights", [[1.0, -1.0, 2.0], [0.0, 0.0, 0.0], [1.0, np.inf, 1.0], [1.0, np.nan, 1.0]])
def test_weights_that_raise_eagerly_give_nan_under_jit(weights):
    # (traced weights cannot raise; they gave a value of the slice)
    f = fx.jit(lambda a, w: fnp.quantile(a, fnp.asarray([0.2, 0.9]), weights=w, method="inverted_cdf"))
    assert np.isnan(np.asarray(f(fnp.asarray([5.0, 7.0, 9.0]), fnp.asarray(weights)))).all()
    g = fx.vmap(lambda w: fnp.nanquantile(fnp.asarray([np.nan, 1.0, 2.0]), 0.5, weights=w, method="inverted_cdf"))
    out = np.asarray(g(fnp.asarray([[1.0, 1.0, 1.0], [2.0, 0.0, 0.0]])))
    assert out[0] == 1.0 and np.isnan(out[1])  # (the second's non-NaN values have no weight)
