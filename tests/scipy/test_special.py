"""fluxion.scipy.special against scipy.special over dtypes, edge values, axes and errors."""
import warnings

import hypothesis.extra.numpy as hnp
import ml_dtypes
import numpy as np
import pytest
import scipy.special as sp
from _tracing import traced
from hypothesis import given, strategies as st

import fluxion as fx
import fluxion.numpy as fnp
import fluxion.scipy.special as fsp
from fluxion.errors import DTypeError, ShapeError

BF16 = ml_dtypes.bfloat16
EDGES = [0.0, -0.0, 1.0, -1.0, 0.5, 2.0, -2.5, 1e-30, -1e-30, 30.0, -30.0, np.inf, -np.inf, np.nan]
PROBABILITIES = [0.0, 1.0, 0.5, 0.25, 0.75, 1e-3, 0.999, 1e-20, 1e-38, 1 - 2 ** -20, 2.0, -0.5, np.nan, np.inf]
# float32 tolerances are a few ulps; ndtr loses ~x**2 ulps in its far lower tail through x / sqrt(2)
TOL = {np.float64: dict(rtol=1e-13, atol=1e-300), np.float32: dict(rtol=4e-6, atol=1e-37),
       np.float16: dict(rtol=2e-3, atol=1e-4), BF16: dict(rtol=2e-2, atol=1e-3)}

UNARY = {
    "erf": (fsp.erf, sp.erf, EDGES),
    "erfc": (fsp.erfc, sp.erfc, EDGES),
    "erfinv": (fsp.erfinv, sp.erfinv, [-1.0, 1.0, 0.0, 0.5, -0.9, 0.999, -0.999999, 1e-30, 2.0, np.nan]),
    "gammaln": (fsp.gammaln, sp.gammaln, [0.5, 1.0, 2.0, 3.5, 10.0, 170.5, 1e-30, 1e30, -0.5, -2.5, np.inf, np.nan]),
    "digamma": (fsp.digamma, sp.digamma, [0.5, 1.0, 3.5, 100.0, 1e-30, -0.5, -2.5, np.inf, np.nan]),
    "expit": (fsp.expit, sp.expit, EDGES + [100.0, -100.0]),
    "logit": (fsp.logit, sp.logit, PROBABILITIES),
    "ndtr": (fsp.ndtr, sp.ndtr, EDGES + [-5.0, -9.0, 5.0, 8.0]),
    "ndtri": (fsp.ndtri, sp.ndtri, PROBABILITIES + [0.02, 0.975, 0.3]),
}


def _oracle(fn, x):
    with np.errstate(all="ignore"):
        return fn(np.asarray(x).astype(np.float64))


def _check(ours, reference, dtype, scale=1.0):
    ours = np.asarray(ours)
    assert ours.dtype == dtype
    tol = TOL[dtype]
    np.testing.assert_allclose(ours.astype(np.float64), reference, rtol=tol["rtol"] * scale, atol=tol["atol"])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", sorted(UNARY))
def test_unary_functions_match_scipy_on_edge_values(name, dtype):
    ours, theirs, values = UNARY[name]
    x = np.array(values, dtype)
    _check(ours(x), _oracle(theirs, x), dtype, scale=8 if name == "ndtr" else 1)


@pytest.mark.parametrize("dtype", [np.float16, BF16])
@pytest.mark.parametrize("name", sorted(UNARY))
def test_unary_functions_keep_16_bit_dtypes_with_loose_accuracy(name, dtype):
    ours, theirs, values = UNARY[name]
    x = np.array([v for v in values if abs(v) < 6e4 or not np.isfinite(v)], dtype)
    _check(ours(x), _oracle(theirs, x).astype(dtype).astype(np.float64), dtype)


@pytest.mark.parametrize("name", sorted(UNARY))
@given(data=st.data())
def test_unary_functions_match_scipy_on_random_float32_arrays(name, data):
    ours, theirs, _ = UNARY[name]
    unit = name in ("logit", "ndtri", "erfinv")
    elements = st.floats(-1.0 if name == "erfinv" else 0.0, 1.0, width=32) if unit else st.floats(
        -50, 50, width=32, allow_subnormal=False)
    x = data.draw(hnp.arrays(np.float32, hnp.array_shapes(min_dims=0, max_dims=3, max_side=4), elements=elements))
    reference = _oracle(theirs, x)
    if name == "digamma":  # near its roots only an absolute error is meaningful
        np.testing.assert_allclose(np.asarray(ours(x)), reference, rtol=1e-5, atol=1e-5)
    else:
        _check(ours(x), reference, np.float32, scale=30 if name == "ndtr" else 2)


def test_ndtri_keeps_relative_precision_deep_in_both_tails():
    p = np.logspace(-300, np.log10(0.5), 2000)
    np.testing.assert_allclose(np.asarray(fsp.ndtri(p)), sp.ndtri(p), rtol=1e-13)
    np.testing.assert_allclose(np.asarray(fsp.ndtri(1 - p[p > 1e-15])), sp.ndtri(1 - p[p > 1e-15]), rtol=1e-12)
    q = np.logspace(-37, np.log10(0.5), 2000).astype(np.float32)
    np.testing.assert_allclose(np.asarray(fsp.ndtri(q)), _oracle(sp.ndtri, q), rtol=4e-6)


def test_ndtri_derivative_is_nan_where_its_value_is():
    nan = np.nan
    # 1 / ndtr'(ndtri(p)) inside (0, 1), NaN outside [0, 1], 0 at the ends (as jax)
    p = np.array([-0.5, 0.0, 0.3, 0.975, 1.0, 1.5, nan])
    x = sp.ndtri(np.clip(p, 0.01, 0.99))
    want = np.where((p > 0) & (p < 1), np.sqrt(2 * np.pi) * np.exp(x * x / 2), np.where((p == 0) | (p == 1), 0.0, nan))
    for d in (fx.grad(lambda p: fnp.sum(fsp.ndtri(p))), fx.jit(fx.grad(lambda p: fnp.sum(fsp.ndtri(p)))),
              lambda p: fx.jacfwd(fsp.ndtri)(p).diagonal()):
        np.testing.assert_allclose(np.asarray(d(p)), want, rtol=1e-12)

def test_ndtri_inverts_ndtr_where_ndtr_keeps_the_information():
    x = np.linspace(-30, 1, 1001)  # above, ndtr(x) rounds towards 1 and loses digits of x
    np.testing.assert_allclose(np.asarray(fsp.ndtri(fsp.ndtr(x))), x, rtol=1e-12)


@pytest.mark.parametrize("fn", [fsp.erf, fsp.ndtr, fsp.ndtri, fsp.expit, fsp.logit, fsp.gammaln])
def test_integers_and_booleans_are_promoted_to_float32(fn):
    assert fn(np.array([0, 1], np.int64)).dtype == np.float32
    assert fn(np.array([True, False])).dtype == np.float32
    out = fn(1)
    assert out.dtype == np.float32 and out.weak


@pytest.mark.parametrize("fn", [fsp.erf, fsp.ndtri, fsp.logit, fsp.xlogy, fsp.softmax])
def test_complex_inputs_are_rejected(fn):
    z = np.array([1 + 1j], np.complex64)
    with pytest.raises(DTypeError, match="complex"):
        fn(z, z) if fn is fsp.xlogy else fn(z)


def test_xlogy_and_xlog1py_follow_scipy_at_zero_nan_and_inf():
    x = np.array([0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 2.0, np.nan, 0.0, -1.0, 3.0])
    y = np.array([0.0, np.nan, -1.0, np.inf, 2.0, 0.0, 3.0, 0.0, -2.0, np.inf, -1.0])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        for ours, theirs in ((fsp.xlogy, sp.xlogy), (fsp.xlog1py, sp.xlog1py)):
            for dtype in (np.float32, np.float64):
                _check(ours(x.astype(dtype), y.astype(dtype)), theirs(x, y), dtype)


@pytest.mark.parametrize("dt", [np.float64, np.float32, BF16, np.float16])
def test_xlogy_of_zero_and_a_subnormal_is_zero_compiled_too(dt):
    # compiled code flushes a subnormal y to 0, whose log is -inf: 0 * -inf was NaN
    x, y = np.zeros(2, dt), np.array([ml_dtypes.finfo(dt).smallest_subnormal, 0.5], dt)
    for f in (fsp.xlogy, fx.jit(fsp.xlogy)):
        np.testing.assert_array_equal(np.asarray(f(x, y)).astype(np.float64), [0.0, 0.0])
    np.testing.assert_allclose(np.asarray(fsp.xlogy(x + 2, y)).astype(np.float64),
                               sp.xlogy(2.0, y.astype(np.float64)), rtol=1e-2)


def test_xlogy_broadcasts_and_promotes():
    x = np.array([[0.0], [1.0], [2.0]], np.float32)
    y = np.array([0.5, 2.0, 0.0], np.float64)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # log(0) for x != 0, as NumPy warns
        out = fsp.xlogy(x, y)
    assert out.shape == (3, 3) and out.dtype == np.float64
    np.testing.assert_allclose(np.asarray(out), sp.xlogy(x, y))
    assert fsp.xlogy(0, 0).item() == 0.0


def test_xlogy_at_x_equal_zero_emits_no_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fsp.xlogy(np.zeros(3), np.array([0.0, -1.0, np.inf]))
        fsp.xlog1py(np.zeros(2), np.array([-1.0, -3.0]))
        fsp.ndtri(np.array([0.0, 1.0, 2.0, np.nan]))
        fsp.logit(np.array([0.0, 1.0, 2.0, 1e-45]))


AXES = [None, 0, -1, 1, (0, 2), (-1, 0, 1)]


@pytest.mark.parametrize("axis", AXES)
@pytest.mark.parametrize("keepdims", [False, True])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_logsumexp_matches_scipy_over_axes(axis, keepdims, dtype, rng):
    a = (rng.normal(size=(3, 4, 5)) * 10).astype(dtype)
    ours = fsp.logsumexp(a, axis=axis, keepdims=keepdims)
    _check(ours, sp.logsumexp(a.astype(np.float64), axis=axis, keepdims=keepdims), dtype, scale=4)


@pytest.mark.parametrize("axis", [None, 1, -1])
def test_logsumexp_with_weights_and_signs_matches_scipy(axis, rng):
    a = rng.normal(size=(4, 6))
    b = rng.normal(size=(1, 6))
    for return_sign in (False, True):
        ours = fsp.logsumexp(a, axis=axis, b=b, return_sign=return_sign)
        with np.errstate(invalid="ignore"):
            theirs = sp.logsumexp(a, axis=axis, b=b, return_sign=return_sign)
        if return_sign:
            np.testing.assert_allclose(np.asarray(ours[0]), theirs[0], rtol=1e-12)
            np.testing.assert_array_equal(np.asarray(ours[1]), theirs[1])
        else:
            np.testing.assert_allclose(np.asarray(ours), theirs, rtol=1e-12)


@pytest.mark.parametrize("a, b", [([-np.inf, -np.inf], None), ([np.inf, 1.0], None), ([np.inf, -np.inf], None),
                                  ([np.nan, 1.0], None), ([np.inf, 1.0], [0.0, 1.0]), ([np.nan, 1.0], [0.0, 1.0]),
                                  ([1.0, 2.0], [1.0, -1.0]), ([1.0, 1.0], [-1.0, 1.0]), ([np.inf, 2.0], [-1.0, 1.0]),
                                  ([1000.0, 1000.0], None), ([-1000.0, -1001.0], None), ([], None)])
def test_logsumexp_special_values_follow_scipy(a, b):
    a = np.array(a)
    b = None if b is None else np.array(b)
    for return_sign in (False, True):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            ours = fsp.logsumexp(a, b=b, return_sign=return_sign)
            theirs = sp.logsumexp(a, b=b, return_sign=return_sign)
        np.testing.assert_allclose(np.asarray(ours if not return_sign else ours[0]),
                                   theirs if not return_sign else theirs[0], rtol=1e-12)
        if return_sign and a.size:  # (SciPy gives sign -1 for an empty sum; fluxion gives 0, as for any zero sum)
            np.testing.assert_array_equal(np.asarray(ours[1]), theirs[1])


@pytest.mark.parametrize("axis", [None, 1])
def test_logsumexp_of_complex_inputs_matches_scipy(axis, rng):
    a = rng.normal(size=(3, 4)) * 3 + 1j * rng.normal(size=(3, 4))
    b = rng.normal(size=(3, 4))
    for kw in (dict(), dict(b=b), dict(b=b * 1j)):
        np.testing.assert_allclose(np.asarray(fsp.logsumexp(a, axis=axis, **kw)), sp.logsumexp(a, axis=axis, **kw),
                                   rtol=1e-12)
        ours, theirs = fsp.logsumexp(a, axis=axis, return_sign=True, **kw), sp.logsumexp(a, axis=axis, return_sign=True, **kw)
        assert ours[0].dtype == np.float64 and ours[1].dtype == np.complex128
        for o, t in zip(ours, theirs):
            np.testing.assert_allclose(np.asarray(o), t, rtol=1e-12)
    sign = fsp.logsumexp(np.zeros(2, np.complex64), b=np.array([1, -1]), return_sign=True)[1]
    assert sign.item() == 0 and sign.dtype == np.complex64
    assert fsp.logsumexp(np.zeros(2, np.complex64)).dtype == np.complex64


def test_logsumexp_where_leaves_terms_out_as_scipy_on_the_selection(rng):
    import fluxion as fx
    x = rng.normal(size=(4, 5)) * 5
    keep = rng.random((4, 5)) < 0.6
    keep[0] = False
    expected = [sp.logsumexp(row[k]) if k.any() else -np.inf for row, k in zip(x, keep)]
    np.testing.assert_allclose(np.asarray(fsp.logsumexp(x, axis=1, where=keep)), expected, rtol=1e-12)
    np.testing.assert_allclose(np.asarray(fx.jit(lambda x: fsp.logsumexp(x, axis=1, where=keep))(x)), expected,
                               rtol=1e-12)
    x_nan = np.where(keep, x, np.nan)  # left-out NaNs change neither the value nor the gradient
    grad = np.asarray(fx.grad(lambda x: fsp.logsumexp(x[1:], where=keep[1:]))(x_nan))
    expected_grad = np.where(keep, np.exp(x - sp.logsumexp(x[1:][keep[1:]])), 0.0)
    expected_grad[0] = 0.0
    np.testing.assert_allclose(grad, expected_grad, rtol=1e-12)
    b = rng.normal(size=(4, 5))
    np.testing.assert_allclose(np.asarray(fsp.logsumexp(x[1:], b=b[1:], where=keep[1:], return_sign=True)[0]),
                               sp.logsumexp(x[1:][keep[1:]], b=b[1:][keep[1:]], return_sign=True)[0], rtol=1e-12)


def test_logsumexp_keeps_dtypes_and_promotes_integers():
    assert fsp.logsumexp(np.ones(3, np.float32)).dtype == np.float32
    assert fsp.logsumexp(np.ones(3, BF16)).dtype == BF16
    assert fsp.logsumexp(np.arange(3)).dtype == np.float32
    np.testing.assert_allclose(float(fsp.logsumexp(np.ones(3, BF16))), 1 + np.log(3), rtol=1e-2)
    np.testing.assert_allclose(float(fsp.logsumexp(3.0)), 3.0)


def test_logsumexp_errors_name_the_axis():
    with pytest.raises(ShapeError, match="axis"):
        fsp.logsumexp(np.ones((2, 3)), axis=2)
    with pytest.raises(ShapeError, match="broadcast"):
        fsp.logsumexp(np.ones((2, 3)), b=np.ones(2))


@pytest.mark.parametrize("axis", AXES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_softmax_and_log_softmax_match_scipy(axis, dtype, rng):
    x = (rng.normal(size=(3, 4, 5)) * 20).astype(dtype)
    _check(fsp.softmax(x, axis=axis), sp.softmax(x.astype(np.float64), axis=axis), dtype, scale=8)
    # near 0, log_softmax has the absolute (not relative) error of log(sum), a few ulps of 1
    log_softmax = np.asarray(fsp.log_softmax(x, axis=axis))
    assert log_softmax.dtype == dtype
    np.testing.assert_allclose(log_softmax, sp.log_softmax(x.astype(np.float64), axis=axis),
                               rtol=TOL[dtype]["rtol"] * 8, atol=8 * np.finfo(dtype).eps)


def test_softmax_is_stable_for_large_inputs_and_follows_scipy_for_infinities():
    x = np.array([1000.0, 1001.0, 999.0], np.float32)
    _check(fsp.softmax(x), sp.softmax(x.astype(np.float64)), np.float32)
    _check(fsp.log_softmax(x), sp.log_softmax(x.astype(np.float64)), np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        for row in ([-np.inf, -np.inf], [np.inf, 1.0], [-np.inf, 0.0], [np.nan, 1.0]):
            np.testing.assert_array_equal(np.asarray(fsp.softmax(np.array(row))), sp.softmax(np.array(row)))
            np.testing.assert_array_equal(np.asarray(fsp.log_softmax(np.array(row))), sp.log_softmax(np.array(row)))


def test_softmax_of_16_bit_and_integer_inputs():
    x = np.array([[1.0, 2.0, 3.0]], BF16)
    out = fsp.softmax(x, axis=1)
    assert out.dtype == BF16
    np.testing.assert_allclose(np.asarray(out).astype(np.float64), sp.softmax(x.astype(np.float64), axis=1), rtol=1e-2)
    assert fsp.log_softmax(np.arange(4), axis=0).dtype == np.float32


def test_special_functions_run_on_traced_values():
    x = fnp.asarray([0.1, 0.5, 0.9])
    for fn in (fsp.ndtri, fsp.logit, fsp.ndtr, lambda v: fsp.logsumexp(v, b=v, return_sign=True)[0],
               lambda v: fsp.log_softmax(v, axis=0), lambda v: fsp.xlogy(v, v)):
        np.testing.assert_array_equal(np.asarray(traced(fn, x)), np.asarray(fn(x)))


@pytest.mark.parametrize("dt", [np.float16, BF16])
def test_ndtr_of_16_bit_floats_is_scipys_rounded(dt):
    # (its argument -x / sqrt(2), rounded to 16 bits, moved the tails by x**2 ulps)
    x = np.linspace(-8, 8, 4001).astype(dt)
    want = sp.ndtr(x.astype(np.float64))
    for f in (fsp.ndtr, fx.jit(fsp.ndtr)):
        got = np.asarray(f(x))
        assert got.dtype == dt
        # within an ulp of the exact value (half an ulp, but for the double rounding through float32)
        ulp = np.spacing(np.abs(want).astype(dt)).astype(np.float64)
        assert (np.abs(got.astype(np.float64) - want) <= ulp).all()
