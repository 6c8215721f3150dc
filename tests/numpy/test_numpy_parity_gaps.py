"""NumPy behaviours fluxion.numpy once lacked: n-d transforms over a repeated axis, polyfit's
covariance, logspace with an array base, r_ / c_ directive strings, pad with a function as its
mode, and lists of Python floats meeting float64 data in average, cov, polyint, the polynomial
arithmetic, histogram weights, logspace and r_ (they keep their float64 values). NumPy is the
oracle; each value is checked eagerly and under jit."""
import numpy as np
import pytest

import fluxion as fx
import fluxion.numpy as fnp

from _arrays import check, raises, rand


def eager_and_jit(f, *args):
    """`f(*args)` eagerly and compiled, with the NumPy arrays `args` as its operands."""
    return f(*(fnp.asarray(a) for a in args)), fx.jit(f)(*args)


def check_all(outs, expected, rtol):
    """Each of `outs` (a result or a tuple of them) against `expected` (one or a tuple)."""
    for out in outs:
        if isinstance(expected, tuple):
            assert isinstance(out, tuple) and len(out) == len(expected)
            for o, e in zip(out, expected):
                check(o, e, rtol=rtol)
        else:
            check(out, expected, rtol=rtol)


# n-d transforms over a repeated axis: one 1-d transform per appearance, in NumPy's order ---------
@pytest.mark.parametrize("name", ["fftn", "ifftn", "rfftn", "irfftn"])
@pytest.mark.parametrize("axes, s, norm", [
    ((0, 0), None, "backward"), ((1, 0, 1), None, "ortho"), ((0, 0), (3, 6), "forward"),
    ((1, 0, 1), (5, 2, 3), "backward"), ((2, 2, 2), (4, -1, 3), "ortho"), ((0, 1, 2, 0), None, "forward"),
    ((-1, 0, -1, 1, 0), (2, 3, 4, 5, 6), "ortho"),  # more than three axes: several calls of the primitive
])
def test_nd_transform_over_a_repeated_axis_matches_numpy(name, axes, s, norm):
    x = rand((4, 5, 3), dtype=np.float64 if name == "rfftn" else np.complex128)
    want = getattr(np.fft, name)(x, s=s, axes=axes, norm=norm)
    check_all(eager_and_jit(lambda v: getattr(fnp.fft, name)(v, s=s, axes=axes, norm=norm), x), want, 1e-12)


@pytest.mark.parametrize("name", ["fft2", "ifft2", "rfft2", "irfft2"])
def test_2d_transform_over_one_axis_twice_matches_numpy(name):
    x = rand((6, 4), dtype=np.float64 if name == "rfft2" else np.complex128)
    check_all(eager_and_jit(lambda v: getattr(fnp.fft, name)(v, axes=(1, 1)), x),
              getattr(np.fft, name)(x, axes=(1, 1)), 1e-12)


def test_transform_over_a_repeated_axis_is_still_checked():
    with raises(ValueError, "fftn", "one length per transformed axis"):
        fnp.fft.fftn(fnp.ones((2, 2)), s=(2,), axes=(0, 0))
    with raises(ValueError, "irfftn", "invalid number of FFT data points"):
        fnp.fft.irfftn(fnp.ones((2, 1), fnp.complex64), axes=(1, 1))


# polyfit's covariance of the coefficients ------------------------------------------------------
@pytest.mark.parametrize("cov, two_sets, weighted", [(True, False, False), (True, True, True),
                                                     ("unscaled", False, True), ("unscaled", True, False)])
def test_polyfit_covariance_matches_numpy(cov, two_sets, weighted):
    rng = np.random.default_rng(1)
    x = np.linspace(0.0, 2.0, 9)
    y = 1 + 2 * x - x ** 2 + 0.1 * rng.standard_normal(9)
    y = np.stack([y, 3 * y + 0.2 * rng.standard_normal(9)], axis=1) if two_sets else y
    w = [float(v) for v in rng.uniform(0.5, 2.0, 9)] if weighted else None
    want = np.polyfit(x, y, 2, w=w, cov=cov)
    check_all(eager_and_jit(lambda a, b: fnp.polyfit(a, b, 2, w=w, cov=cov), x, y), want, 1e-10)


def test_polyfit_full_takes_precedence_over_cov_as_in_numpy():
    x, y = np.linspace(0.0, 1.0, 6), rand(6)
    out = fnp.polyfit(fnp.asarray(x), fnp.asarray(y), 1, full=True, cov=True)
    want = np.polyfit(x, y, 1, full=True, cov=True)
    assert len(out) == len(want) == 5
    check(out[0], want[0], rtol=1e-12)


def test_polyfit_covariance_needs_more_points_than_coefficients():
    x, y = np.array([0.0, 1.0, 2.0]), np.array([1.0, 0.0, 3.0])
    with pytest.raises(ValueError):
        np.polyfit(x, y, 2, cov=True)
    with raises(ValueError, "polyfit", "covariance", "cov='unscaled'"):
        fnp.polyfit(fnp.asarray(x), fnp.asarray(y), 2, cov=True)
    check_all([fnp.polyfit(fnp.asarray(x), fnp.asarray(y), 2, cov="unscaled")],
              np.polyfit(x, y, 2, cov="unscaled"), 1e-8)


# logspace with an array base -----------------------------------------------------------------
@pytest.mark.parametrize("start, stop, base, axis", [
    (0.0, 2.0, [2.0, 10.0], 0), (0.0, 2.0, [2.0, 10.0], 1), (0.0, 2.0, [2.0, 10.0], -1),
    ([0.0, 1.0], 3.0, [[2.0], [3.0], [10.0]], 0), ([0.0, 1.0], 3.0, [[2.0], [3.0], [10.0]], 2),
    ([0.0, 1.0], 3.0, [[2.0], [3.0], [10.0]], -2), (1.0, [2.0, 3.0], 2.0, 1), (0.0, 2.0, [2.0 + 1j, 10.0], 0),
])
def test_logspace_with_an_array_base_matches_numpy(start, stop, base, axis):
    start, stop, base = (np.asarray(v, np.complex128 if np.iscomplexobj(v) else np.float64)
                         for v in (start, stop, base))
    want = np.logspace(start, stop, 4, base=base, axis=axis)
    check_all(eager_and_jit(lambda a, b, c: fnp.logspace(a, b, 4, base=c, axis=axis), start, stop, base),
              want, 1e-14)


def test_logspace_base_that_does_not_broadcast_is_an_error():
    with pytest.raises(ValueError):
        np.logspace(np.zeros(2), 1.0, 3, base=np.ones(3))
    with raises(ValueError, "logspace", "broadcast"):
        fnp.logspace(fnp.zeros(2), 1.0, 3, base=fnp.ones(3))


# r_ and c_ directive strings ------------------------------------------------------------------
A, B, M = [1, 2, 3], [4, 5, 6], np.arange(6.0).reshape(2, 3)


@pytest.mark.filterwarnings("ignore::PendingDeprecationWarning")  # NumPy's np.matrix
@pytest.mark.parametrize("name, key", [
    ("r_", ("0,2", A, B)), ("r_", ("1,2", A, B)), ("r_", ("0,2,0", A, B)), ("r_", ("1,2,0", A, B)),
    ("r_", ("-1,3,1", A, B)), ("r_", ("0,3,-2", A, B)), ("r_", ("0,2,-2", A, B)), ("r_", ("1", M, M)),
    ("r_", ("-1", M, M)), ("r_", ("0,2", slice(0, 3), B)), ("r_", ("0,2,0", 7, A)), ("c_", ("0", A, B)),
    ("c_", ("0,2", A, B)), ("c_", ("1,3,0", A, B)), ("r_", ("r", A, B)), ("r_", ("c", A, B)),
    ("r_", ("c", M, M)), ("c_", ("r", A, B)), ("c_", ("c", A, B)),
])
def test_concatenator_directive_matches_numpy(name, key):
    want = np.asarray(getattr(np, name)[key])  # "r" and "c" give np.matrix there, a 2-d array here
    check(getattr(fnp, name)[key], want)
    arrays = [v for v in key[1:] if isinstance(v, (list, np.ndarray))]

    def joined(*xs):
        xs = iter(xs)
        return getattr(fnp, name)[tuple(next(xs) if isinstance(v, (list, np.ndarray)) else v for v in key)]
    check(fx.jit(joined)(*(np.asarray(v) for v in arrays)), want)


@pytest.mark.filterwarnings("ignore::PendingDeprecationWarning")
@pytest.mark.parametrize("key, words", [
    (("0,2", A, "r"), ("r_", "first")), (("x", A), ("r_", "unknown directive")),
    (("0,a", A), ("r_", "unknown directive")), ("0,2", ("r_", "nothing to join")),
    (("0,2",), ("r_", "nothing to join")), (("r", np.zeros((2, 2, 2))), ("r_", "not a matrix")),
])
def test_concatenator_directive_errors_are_numpys(key, words):
    with pytest.raises(Exception):  # NumPy refuses these too (a bare string is its matrix builder)
        np.r_[key]
    with raises(ValueError, *words):
        fnp.r_[key]


# pad with a function as its mode --------------------------------------------------------------
def pad_with(vector, pad_width, iaxis, kwargs):
    pad_value = kwargs.get("padder", 10)
    vector[:pad_width[0]] = pad_value
    vector[-pad_width[1]:] = pad_value


def ramp(vector, pad_width, iaxis, kwargs):
    before, after = pad_width
    n = vector.shape[0]
    vector[:before] = vector[before] * 2 + iaxis
    if after:
        vector[n - after:] = vector[n - after - 1] - 1


@pytest.mark.parametrize("function, pad_width, kwargs", [
    (pad_with, 2, {}), (pad_with, ((1, 2), (2, 1)), {"padder": -3}), (ramp, ((1, 2), (2, 1)), {}),
    (ramp, ((0, 1), (3, 0)), {}),
])
def test_pad_with_a_function_matches_numpy(function, pad_width, kwargs):
    x = np.arange(12.0).reshape(3, 4)
    want = np.pad(x, pad_width, function, **kwargs)
    check_all(eager_and_jit(lambda v: fnp.pad(v, pad_width, function, **kwargs), x), want, 0)


def test_pad_with_a_function_that_returns_the_vector_matches_numpy_updating_it():
    def shifted(vector, pad_width, iaxis, kwargs):
        vector[:] = vector + (iaxis + 1) * kwargs["k"]

    x = np.arange(6).reshape(2, 3)
    want = np.pad(x, 1, shifted, k=2)
    check_all(eager_and_jit(lambda v: fnp.pad(v, 1, lambda u, w, i, kw: u + (i + 1) * kw["k"], k=2), x),
              want, 0)


def test_pad_with_a_function_casts_as_numpy_and_keeps_empty_and_0d_arrays():
    x = np.arange(4)
    check(fnp.pad(fnp.asarray(x), 2, pad_with, padder=2.7), np.pad(x, 2, pad_with, padder=2.7))
    check(fnp.pad(fnp.zeros((0, 2)), 1, pad_with), np.pad(np.zeros((0, 2), np.float32), 1, pad_with))
    check(fnp.pad(fnp.asarray(5.0), 1, pad_with), np.pad(np.array(5.0, np.float32), 1, pad_with))


def test_pad_with_a_function_under_vmap_and_grad():
    x = rand((3, 4))
    out = fx.vmap(lambda v: fnp.pad(v, (1, 2), ramp))(fnp.asarray(x))
    check(out, np.stack([np.pad(row, (1, 2), ramp) for row in x]), rtol=1e-15)
    fx.test_util.check_grads(lambda v: fnp.pad(v, ((1, 2), (2, 1)), ramp), (fnp.asarray(x),), order=1)


def test_pad_function_returning_another_shape_is_an_error():
    with raises(ValueError, "pad", "returned shape", "vector"):
        fnp.pad(fnp.zeros((2, 3)), 1, lambda vector, width, iaxis, kwargs: vector[:2])


# lists of Python floats meeting float64 data keep their float64 values -------------------------
X64 = np.array([1.0, 2.0, 4.0])
M64 = np.array([[1.0, 2.0, 4.0], [3.0, 1.0, 0.5]])
P64 = np.array([1.0, 2.0, 3.0])
W = [0.1, 0.3, 0.6]

FLOAT_LISTS = {  # fluxion's function, NumPy's, and the float64 operand
    "average weights": (lambda v: fnp.average(v, weights=W), lambda v: np.average(v, weights=W), X64),
    "average data": (lambda v: fnp.average(W, weights=v), lambda v: np.average(W, weights=v), X64),
    "average returned": (lambda v: fnp.average(v, axis=1, weights=W, returned=True),
                         lambda v: np.average(v, axis=1, weights=W, returned=True), M64),
    "cov aweights": (lambda v: fnp.cov(v, aweights=W), lambda v: np.cov(v, aweights=W), M64),
    "cov both weights": (lambda v: fnp.cov(v, fweights=[1, 2, 1], aweights=W),
                         lambda v: np.cov(v, fweights=[1, 2, 1], aweights=W), M64),
    "cov y": (lambda v: fnp.cov(v, W), lambda v: np.cov(v, W), X64),
    "corrcoef y": (lambda v: fnp.corrcoef(v, [0.1, 0.3, 0.7]), lambda v: np.corrcoef(v, [0.1, 0.3, 0.7]), X64),
    "polyint k": (lambda v: fnp.polyint(v, k=0.1), lambda v: np.polyint(v, k=0.1), P64),
    "polyint k list": (lambda v: fnp.polyint(v, m=2, k=[0.1, 0.7]), lambda v: np.polyint(v, m=2, k=[0.1, 0.7]), P64),
    "polyadd": (lambda v: fnp.polyadd(v, [0.1, 0.3]), lambda v: np.polyadd(v, [0.1, 0.3]), P64),
    "polysub": (lambda v: fnp.polysub([0.1, 0.3], v), lambda v: np.polysub([0.1, 0.3], v), P64),
    "polymul": (lambda v: fnp.polymul(v, [0.1, 0.3]), lambda v: np.polymul(v, [0.1, 0.3]), P64),
    "polydiv": (lambda v: fnp.polydiv(v, [0.1, 0.3], trim_leading_zeros=False)[0],
                lambda v: np.polydiv(v, [0.1, 0.3])[0], P64),
    "polyder": (lambda v: fnp.polyder(fnp.polyadd(v, [0.1, 0.3, 0.7])),
                lambda v: np.polyder(np.polyadd(v, [0.1, 0.3, 0.7])), P64),
    "polyfit w": (lambda v: fnp.polyfit(v, v ** 2, 1, w=W), lambda v: np.polyfit(v, v ** 2, 1, w=W), X64),
    "logspace base": (lambda v: fnp.logspace(v, 0.1, 4, base=[1.1, 2.3, 3.7]),
                      lambda v: np.logspace(v, 0.1, 4, base=[1.1, 2.3, 3.7]), X64),
    "r_": (lambda v: fnp.r_[v, [0.1, 0.3]], lambda v: np.r_[v, [0.1, 0.3]], X64),
    "polyval": (lambda v: fnp.polyval(W, v), lambda v: np.polyval(W, v), X64),
    "diff prepend": (lambda v: fnp.diff(v, prepend=[0.1]), lambda v: np.diff(v, prepend=[0.1]), X64),
    "trapezoid x": (lambda v: fnp.trapezoid(v, W), lambda v: np.trapezoid(v, W), X64),
    "c_": (lambda v: fnp.c_[v, W], lambda v: np.c_[v, W], X64),
    "r_ float range": (lambda v: fnp.r_[v, 0.1:0.5:0.1], lambda v: np.r_[v, 0.1:0.5:0.1], X64),
    "interp points": (lambda v: fnp.interp(v, [0.1, 2.3, 3.7], W), lambda v: np.interp(v, [0.1, 2.3, 3.7], W), X64),
    "interp complex": (lambda v: fnp.interp(v, [0.1, 2.3, 3.7], [0.1 + 0.7j, 0.3, -0.6j]),
                       lambda v: np.interp(v, [0.1, 2.3, 3.7], [0.1 + 0.7j, 0.3, -0.6j]), X64),
    "ediff1d ends": (lambda v: fnp.ediff1d(v, to_end=[0.1], to_begin=W), lambda v: np.ediff1d(v, to_end=[0.1], to_begin=W),
                     X64),
    "histogram bins": (lambda v: fnp.histogram(v, bins=[0.3, 1.1, 2.7, 4.1]),
                       lambda v: np.histogram(v, bins=[0.3, 1.1, 2.7, 4.1]), X64),
    "histogram2d": (lambda v: fnp.histogram2d(v, v, bins=[[0.3, 1.1, 4.1], [0.7, 2.1, 4.3]], weights=W),
                    lambda v: np.histogram2d(v, v, bins=[[0.3, 1.1, 4.1], [0.7, 2.1, 4.3]], weights=W), X64),
}


@pytest.mark.parametrize("name", FLOAT_LISTS)
def test_python_floats_with_float64_data_keep_full_precision(name):
    ours, theirs, x = FLOAT_LISTS[name]
    want = theirs(x)
    check_all(eager_and_jit(ours, x), tuple(want) if isinstance(want, tuple) else want, 1e-15)


def test_histogram_weights_of_python_floats_are_read_in_the_datas_dtype():
    counts, edges = np.histogram(X64, bins=2, weights=W)
    out = fnp.histogram(fnp.asarray(X64), bins=2, weights=W)
    check(out[0], counts, rtol=1e-15)
    check(out[1], edges)
    traced = fx.jit(lambda v: fnp.histogram(v, bins=fnp.asarray(edges), weights=W))(X64)
    check(traced[0], counts, rtol=1e-15)
    # float32 data read them in float32, as they read Python-float bin edges
    counts32 = fnp.histogram(fnp.asarray(X64, dtype=fnp.float32), bins=2, weights=W)[0]
    check(counts32, counts.astype(np.float32), rtol=1e-6)


FLOAT32 = {  # Python floats are weak: float32 data stay float32
    "average": (lambda v: fnp.average(v, weights=W), lambda v: np.average(v, weights=W)),
    "cov aweights": (lambda v: fnp.cov(v, W, aweights=W), lambda v: np.cov(v, W, aweights=W)),
    "polyint k": (lambda v: fnp.polyint(v, k=0.1), lambda v: np.polyint(v, k=0.1)),
    "polyadd": (lambda v: fnp.polyadd(v, [0.1, 0.3]), lambda v: np.polyadd(v, [0.1, 0.3])),
    "logspace base": (lambda v: fnp.logspace(v, 0.1, 4, base=[1.1, 2.3, 3.7]),
                      lambda v: np.logspace(v, 0.1, 4, base=[1.1, 2.3, 3.7])),
    "r_": (lambda v: fnp.r_[v, [0.1, 0.3]], lambda v: np.r_[v, [0.1, 0.3]]),
}


@pytest.mark.parametrize("name", FLOAT32)
def test_python_floats_with_float32_data_stay_float32(name):
    ours, theirs = FLOAT32[name]
    x = X64.astype(np.float32)
    for out in eager_and_jit(ours, x):
        check(out, np.asarray(theirs(X64)), dtype=np.float32, rtol=1e-6)


def test_float64_arrays_still_widen_float32_data():
    p32 = P64.astype(np.float32)
    check(fnp.polyint(fnp.asarray(p32), k=fnp.asarray(0.1, dtype=fnp.float64)), np.polyint(p32, k=0.1), rtol=1e-7)
    check(fnp.average(fnp.asarray(p32), weights=np.array(W)), np.average(p32, weights=np.array(W)), rtol=1e-7)


# a 0-d NumPy integer array as an axis, which NumPy takes as its integer ------------------------------
ZERO_D_AXIS = {
    "sum": lambda m, x, a: m.sum(x, axis=a),
    "mean": lambda m, x, a: m.mean(x, axis=a),
    "argmax": lambda m, x, a: m.argmax(x, axis=a),
    "cumsum": lambda m, x, a: m.cumsum(x, axis=a),
    "sort": lambda m, x, a: m.sort(x, axis=a),
    "take": lambda m, x, a: m.take(x, 1, axis=a),
    "flip": lambda m, x, a: m.flip(x, a),
    "roll": lambda m, x, a: m.roll(x, 1, a),
    "expand_dims": lambda m, x, a: m.expand_dims(x, a),
    "moveaxis": lambda m, x, a: m.moveaxis(x, a, 0),
    "concatenate": lambda m, x, a: m.concatenate([x, x], axis=a),
    "stack": lambda m, x, a: m.stack([x, x], a),
    "quantile": lambda m, x, a: m.quantile(x, 0.5, axis=a),
    "diff": lambda m, x, a: m.diff(x, axis=a),
    "norm": lambda m, x, a: m.linalg.norm(x, axis=a),
}


@pytest.mark.parametrize("name", ZERO_D_AXIS)
def test_a_zero_d_integer_array_is_an_axis(name):
    f, x = ZERO_D_AXIS[name], np.arange(12.0).reshape(3, 4)
    for axis in (np.array(1), np.array(-2, np.int8)):
        want = f(np, x, axis)
        for got in eager_and_jit(lambda v: f(fnp, v, axis), x):
            np.testing.assert_allclose(np.asarray(got), want, rtol=1e-6)


# integers past 2**24 (timestamps): computed in float64, as NumPy's, not rounded to float32 first ----
_T = np.array([1_700_000_000, 1_700_000_030, 1_700_000_060, 1_700_000_090, 1_700_000_150])
_Y = np.array([1.0, 2.0, 3.0, 5.0, 4.0], np.float32)
LARGE_INTEGERS = {
    "gradient": (lambda m, t, y: m.gradient(t), 0),
    "gradient edge_order=2": (lambda m, t, y: m.gradient(t, edge_order=2), 0),
    "gradient at coordinates": (lambda m, t, y: m.gradient(y, t), 1e-6),
    "trapezoid": (lambda m, t, y: m.trapezoid(y, t), 1e-6),
    "interp": (lambda m, t, y: m.interp(t, t[[0, -1]], y[[0, -1]]), 1e-6),
    "cov": (lambda m, t, y: m.cov(t), 1e-6),
    "corrcoef": (lambda m, t, y: m.corrcoef(t, t * 2), 1e-6),
    "average": (lambda m, t, y: m.average(t, weights=y) - 1_700_000_000, 64),  # (a float32 result: 64 is half its ulp)
    "histogram": (lambda m, t, y: m.histogram(t, bins=4)[0], 0),
    "histogram with a range": (lambda m, t, y: m.histogram(t, bins=3, range=(1_700_000_000, 1_700_000_150))[0], 0),
    "histogram2d": (lambda m, t, y: m.histogram2d(t, t, bins=2)[0], 0),
    "polyfit": (lambda m, t, y: m.polyfit(t - 0 * t, 3 * (t - 1_700_000_000) + 5, 1)[0], 1e-6),
}


@pytest.mark.parametrize("name", LARGE_INTEGERS)
def test_integers_past_float32s_precision_are_computed_as_numpy_computes_them(name):
    f, tol = LARGE_INTEGERS[name]
    want = np.asarray(f(np, _T, _Y), np.float64)
    for got in eager_and_jit(lambda t, y: f(fnp, t, y), _T, _Y):
        rtol, atol = (tol, 0) if tol < 1 else (0, tol)
        np.testing.assert_allclose(np.asarray(got, np.float64), want, rtol=rtol, atol=atol)


def test_geomspace_and_logspace_round_integers_toward_zero_and_linspace_down():
    for f in (lambda m: m.geomspace(-1, -100, 5, dtype=int), lambda m: m.logspace(0, 2, 5, dtype=int),
              lambda m: m.linspace(-5, 5, 4, dtype=int)):
        np.testing.assert_array_equal(f(fnp), f(np))
        np.testing.assert_array_equal(fx.jit(lambda: f(fnp))(), f(np))


def test_numpy_keywords_astype_vectorize_einsum_round_frombuffer_and_pad_by_axis():
    x = np.array([1.25, 2.5, -3.75], np.float32)
    a = fnp.asarray(x)
    np.testing.assert_array_equal(a.astype(np.int32, casting="unsafe", order="C", subok=True),
                                  x.astype(np.int32, casting="unsafe"))
    np.testing.assert_array_equal(a.astype(np.float64, casting="safe"), x.astype(np.float64, casting="safe"))
    with pytest.raises(TypeError, match="'same_kind'"):
        a.astype(np.int32, casting="same_kind")
    f = fnp.vectorize(lambda u, v: (u + v, u * v), otypes="di", doc="sum and product", cache=True)
    s, p = f(a, 2)
    want = np.vectorize(lambda u, v: (u + v, u * v), otypes="di")(x, 2)
    assert (s.dtype, p.dtype, f.__doc__) == (np.float64, np.int32, "sum and product")
    np.testing.assert_array_equal(s, want[0])
    np.testing.assert_array_equal(p, want[1])
    np.testing.assert_allclose(fnp.einsum("i,i->", a, a, out=None), np.einsum("i,i->", x, x, out=None), rtol=1e-6)
    np.testing.assert_array_equal(fnp.round(a, 1, None), np.round(x, 1, None))
    buf = np.arange(4, dtype=np.int16).tobytes()
    np.testing.assert_array_equal(fnp.frombuffer(buf, np.int16, like=None), np.frombuffer(buf, np.int16))
    m = np.arange(6).reshape(2, 3)
    # pad_width by axis (NumPy 2.4's), against the pairs it names
    for width, pairs, mode in (({1: (1, 2)}, [(0, 0), (1, 2)], "constant"),
                               ({-1: 1, 0: (0, 1)}, [(0, 1), (1, 1)], "edge"), ({0: 2}, [(2, 2), (0, 0)], "reflect")):
        want = np.pad(m, pairs, mode=mode)
        np.testing.assert_array_equal(fnp.pad(fnp.asarray(m), width, mode=mode), want)
        np.testing.assert_array_equal(fx.jit(lambda v: fnp.pad(v, width, mode=mode))(m), want)


@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
def test_cov_and_corrcoef_of_16_bit_floats_are_computed_in_float32(dtype):
    """Products of data of a few hundred pass float16's range: corrcoef was nan where it is 0.5."""
    import ml_dtypes  # noqa: F401  (NumPy's name for bfloat16)
    x = np.array([[-300, 300, 0], [1, 2, 3]], dtype)
    want = np.corrcoef(x.astype(np.float64))
    for out in eager_and_jit(fnp.corrcoef, x):
        assert out.dtype == x.dtype
        np.testing.assert_allclose(np.asarray(out, np.float64), want, rtol=1e-2)
    for out in eager_and_jit(fnp.cov, x):
        assert out.dtype == x.dtype
        np.testing.assert_allclose(np.asarray(out, np.float64), np.cov(x.astype(np.float64)).astype(dtype), rtol=1e-2)


def test_histogram_takes_traced_bin_edges_and_a_traced_range_as_jax():
    a = RNG_HIST.uniform(0, 4, 50)
    edges = np.array([0.0, 1.0, 2.0, 4.0])
    counts, out = fx.jit(lambda a, b: fnp.histogram(a, bins=b))(a, edges)
    np.testing.assert_array_equal(counts, np.histogram(a, edges)[0])
    np.testing.assert_array_equal(out, edges)
    counts, out = fx.jit(lambda a, lo: fnp.histogram(a, bins=3, range=(lo, lo + 2)))(a, 0.5)
    want = np.histogram(a, 3, range=(0.5, 2.5))
    np.testing.assert_array_equal(counts, want[0])
    np.testing.assert_allclose(out, want[1], rtol=1e-6)
    batched = fx.vmap(lambda b: fnp.histogram(fnp.asarray(a), bins=b)[0])(np.stack([edges, edges + 0.5]))
    np.testing.assert_array_equal(batched, [np.histogram(a, e)[0] for e in (edges, edges + 0.5)])
    np.testing.assert_array_equal(fx.jit(lambda b: fnp.histogram_bin_edges(a, bins=b))(edges), edges)


RNG_HIST = np.random.default_rng(11)


@pytest.mark.parametrize("k", [-4, -1, 0, 2, 5])
def test_eye_and_tri_take_a_traced_diagonal_offset_as_jax(k):
    np.testing.assert_array_equal(fx.jit(lambda k: fnp.eye(3, 4, k=k))(k), np.eye(3, 4, k))
    np.testing.assert_array_equal(fx.jit(lambda k: fnp.tri(3, 4, k=k))(k), np.tri(3, 4, k))
    np.testing.assert_array_equal(fx.vmap(lambda k: fnp.eye(2, k=k))(np.array([0, k])), [np.eye(2), np.eye(2, k=k)])
