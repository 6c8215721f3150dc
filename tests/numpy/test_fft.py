"""fluxion.numpy.fft against numpy.fft: lengths, axes, norms, dtypes, more than three axes, and errors."""
import warnings

import ml_dtypes
import numpy as np
import pytest
from hypothesis import given, strategies as st
from hypothesis.extra import numpy as hnp

import fluxion.numpy as fnp
from fluxion.core import dtypes
from fluxion.core.array import Array
from fluxion.core.errors import DTypeError, ShapeError

from _arrays import rand, raises
from _tracing import traced

NORMS = ["backward", "ortho", "forward"]
REAL_IN = ("rfft", "ihfft", "rfftn", "rfft2")
REAL_OUT = ("irfft", "hfft", "irfftn", "irfft2")
ONE_D = ["fft", "ifft", "rfft", "irfft", "hfft", "ihfft"]
N_D = ["fftn", "ifftn", "rfftn", "irfftn"]


def check(out, expected, name, single):
    """Values as NumPy's; the dtype keeps the input's precision (real or complex as the transform gives)."""
    assert isinstance(out, Array)
    assert out.shape == expected.shape
    precision = "single" if single else "double"
    want = {("single", True): dtypes.float32, ("single", False): dtypes.complex64,
            ("double", True): dtypes.float64, ("double", False): dtypes.complex128}[precision, name in REAL_OUT]
    assert out.dtype == want
    tol = 1e-4 if single else 1e-10
    scale = max(1.0, float(np.max(np.abs(expected), initial=0)))
    np.testing.assert_allclose(np.asarray(out), expected, rtol=tol, atol=tol * scale)


@given(name=st.sampled_from(ONE_D), shape=hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=5),
       n=st.one_of(st.none(), st.integers(1, 8)), axis_seed=st.integers(0, 100), norm=st.sampled_from(NORMS),
       dtype=st.sampled_from([np.float32, np.float64, np.complex64, np.complex128]), seed=st.integers(0, 2**16))
def test_one_dimensional_transforms_match_numpy(name, shape, n, axis_seed, norm, dtype, seed):
    if name in REAL_IN and np.dtype(dtype).kind == "c":
        dtype = np.float32 if dtype == np.complex64 else np.float64
    axis = axis_seed % (2 * len(shape)) - len(shape)
    if name in REAL_OUT and n is None and shape[axis] == 1:
        n = 2  # the default 2 * (m - 1) points would be none
    x = rand(shape, seed, dtype)
    expected = getattr(np.fft, name)(x, n=n, axis=axis, norm=norm)
    out = getattr(fnp.fft, name)(fnp.asarray(x), n=n, axis=axis, norm=norm)
    check(out, expected, name, np.dtype(dtype) in (dtypes.float32, dtypes.complex64))


@st.composite
def nd_problems(draw):
    shape = draw(hnp.array_shapes(min_dims=1, max_dims=4, min_side=1, max_side=4))
    axes = draw(st.one_of(st.none(), st.permutations(range(len(shape))).flatmap(
        lambda p: st.integers(1, len(p)).map(lambda k: tuple(a - len(shape) * (a % 2) for a in p[:k])))))
    count = len(shape) if axes is None else len(axes)
    s = draw(st.one_of(st.none(), st.lists(st.integers(1, 5) | st.just(-1), min_size=count, max_size=count)))
    if s is not None and axes is None:
        axes = tuple(range(len(shape)))
    return shape, axes, s


@given(name=st.sampled_from(N_D), problem=nd_problems(), norm=st.sampled_from(NORMS),
       dtype=st.sampled_from([np.float32, np.complex128]), seed=st.integers(0, 2**16))
def test_n_dimensional_transforms_match_numpy(name, problem, norm, dtype, seed):
    shape, axes, s = problem
    if name in REAL_IN:
        dtype = np.float32 if dtype == np.float32 else np.float64
    if name in REAL_OUT and s is None:
        last = (axes or range(len(shape)))[-1]
        if shape[last] == 1:
            s = [-1] * (len(shape) if axes is None else len(axes))
            s[-1] = 3
            axes = axes or tuple(range(len(shape)))
    x = rand(shape, seed, dtype)
    expected = getattr(np.fft, name)(x, s=s, axes=axes, norm=norm)
    out = getattr(fnp.fft, name)(fnp.asarray(x), s=s, axes=axes, norm=norm)
    check(out, expected, name, np.dtype(dtype) in (dtypes.float32, dtypes.complex64))


@pytest.mark.parametrize("name", ["fft2", "ifft2", "rfft2", "irfft2"])
def test_two_dimensional_helpers_match_numpy(name, rng):
    x = rng.standard_normal((2, 4, 6))
    if name == "irfft2":
        x = np.fft.rfft2(x)
    check(getattr(fnp.fft, name)(x), getattr(np.fft, name)(x), name, False)
    check(getattr(fnp.fft, name)(x, s=(3, 4), axes=(0, 2)), getattr(np.fft, name)(x, s=(3, 4), axes=(0, 2)), name,
          False)


@pytest.mark.parametrize("name", N_D)
def test_transforms_over_more_than_three_axes_match_numpy(name, rng):
    x = rng.standard_normal((2, 3, 2, 4, 3))
    if name in ("ifftn", "fftn"):
        x = x + 1j * rng.standard_normal(x.shape)
    axes = (4, 0, 2, 1, 3)
    s = (3, 2, 3, 3, 6) if name == "irfftn" else None
    check(getattr(fnp.fft, name)(x, s=s, axes=axes), getattr(np.fft, name)(x, s=s, axes=axes), name, False)
    check(getattr(fnp.fft, name)(x), getattr(np.fft, name)(x), name, False)


@pytest.mark.parametrize("name", N_D)
def test_minus_one_in_s_is_the_input_length_along_that_axis_as_numpys(name, rng):
    x = rng.standard_normal((3, 4, 5))
    for s in [(-1, -1), (-1, 6), (2, -1)]:
        check(getattr(fnp.fft, name)(x, s=s, axes=(0, 2)), getattr(np.fft, name)(x, s=s, axes=(0, 2)), name, False)
    for s in [(0, 3), (-2, 3)]:
        with pytest.raises(ValueError, match="Invalid number of FFT data points"):
            getattr(np.fft, name)(x, s=s, axes=(0, 2))
        with raises(ValueError, name, "invalid number of FFT data points"):
            getattr(fnp.fft, name)(x, s=s, axes=(0, 2))


@pytest.mark.parametrize("n", [-1, 0, -3])
@pytest.mark.parametrize("name", ONE_D)
def test_one_dimensional_transforms_refuse_n_below_one_as_numpys(name, n):
    x = np.arange(4.0)
    with pytest.raises(ValueError, match="Invalid number of FFT data points"):
        getattr(np.fft, name)(x, n=n)
    with raises(ValueError, name, "invalid number of FFT data points", "pass n >= 1"):
        getattr(fnp.fft, name)(x, n=n)


def test_s_without_axes_transforms_the_last_axes(rng):
    x = rng.standard_normal((3, 4, 5))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        expected = np.fft.fftn(x, s=(2, 6))
    check(fnp.fft.fftn(x, s=(2, 6)), expected, "fftn", False)


def test_round_trips_recover_the_input(rng):
    x = rng.standard_normal((3, 5, 4)).astype(np.float32)
    np.testing.assert_allclose(np.asarray(fnp.fft.irfftn(fnp.fft.rfftn(x), s=x.shape)), x, atol=1e-5)
    np.testing.assert_allclose(np.asarray(fnp.fft.ifft(fnp.fft.fft(x, norm="ortho"), norm="ortho")), x, atol=1e-5)
    np.testing.assert_allclose(np.asarray(fnp.fft.hfft(fnp.fft.ihfft(x[0, 0]), n=4)), x[0, 0], atol=1e-5)


@pytest.mark.parametrize("dtype", [np.int32, np.bool_, np.float16, ml_dtypes.bfloat16, np.uint8])
def test_integer_boolean_and_half_inputs_transform_in_single_precision(dtype):
    x = (np.arange(6) % 3).astype(dtype)
    out = fnp.fft.fft(x)
    assert out.dtype == dtypes.complex64
    np.testing.assert_allclose(np.asarray(out), np.fft.fft(x.astype(np.float64)), atol=1e-5)
    assert fnp.fft.rfft(x).dtype == dtypes.complex64
    assert fnp.fft.irfft(x).dtype == dtypes.float32


def test_python_lists_take_the_default_float():
    assert fnp.fft.fft([1.0, 2.0]).dtype == dtypes.complex64


def test_transforms_of_empty_batches_keep_their_shape():
    assert fnp.fft.fft(np.zeros((0, 4), np.float32)).shape == (0, 4)
    assert fnp.fft.rfft(np.zeros((3, 0, 4))).shape == (3, 0, 3)


def test_fftn_of_no_axes_returns_the_input_as_complex():
    out = fnp.fft.fftn(np.array(2.0, np.float32))
    assert out.shape == () and out.dtype == dtypes.complex64 and out.item() == 2


def test_transforms_propagate_nan_and_inf():
    out = np.asarray(fnp.fft.fft(np.array([1.0, np.nan, 0.0], np.float32)))
    assert np.isnan(out).all()
    out = np.asarray(fnp.fft.rfft(np.array([np.inf, 0.0, 0.0, 0.0])))
    np.testing.assert_array_equal(out.real, np.inf)


@pytest.mark.parametrize("name", ["fftn", "rfftn", "irfft", "fftshift", "hfft", "ihfft"])
def test_transforms_work_on_traced_values(name, rng):
    x = fnp.asarray(rng.standard_normal((4, 6)).astype(np.float32))
    f = getattr(fnp.fft, name)
    np.testing.assert_allclose(np.asarray(traced(f, x)), np.asarray(f(x)))


# frequencies and shifts -----------------------------------------------------------------------
@given(n=st.integers(1, 12), d=st.sampled_from([1.0, 0.5, 0.1, 3]))
def test_fftfreq_and_rfftfreq_match_numpy(n, d):
    for name in ("fftfreq", "rfftfreq"):
        out = getattr(fnp.fft, name)(n, d=d)
        assert out.dtype == dtypes.float32
        np.testing.assert_allclose(np.asarray(out), getattr(np.fft, name)(n, d=d), rtol=1e-6)
        out = getattr(fnp.fft, name)(n, d=d, dtype=fnp.float64, device="cpu")
        assert out.dtype == dtypes.float64
        np.testing.assert_allclose(np.asarray(out), getattr(np.fft, name)(n, d=d), rtol=1e-15)
        # NumPy (and JAX) also take the spacing positionally
        np.testing.assert_allclose(np.asarray(getattr(fnp.fft, name)(n, d)), getattr(np.fft, name)(n, d), rtol=1e-6)


@given(x=hnp.arrays(st.sampled_from([np.float32, np.int64, np.complex64, np.bool_]),
                    hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=5)),
       axes_seed=st.integers(0, 10))
def test_fftshift_and_ifftshift_match_numpy(x, axes_seed):
    if x.ndim == 0 or axes_seed < 3:
        axes = None
    elif axes_seed < 6:
        axes = axes_seed % x.ndim - x.ndim
    else:
        axes = tuple(range(x.ndim))[axes_seed % x.ndim:]
    for name in ("fftshift", "ifftshift"):
        out = getattr(fnp.fft, name)(x, axes=axes)
        assert out.dtype == x.dtype
        # NumPy fails on 0-d input; there is nothing to shift
        expected = x if x.ndim == 0 else getattr(np.fft, name)(x, axes=axes)
        np.testing.assert_array_equal(np.asarray(out), expected)


def test_ifftshift_undoes_fftshift_for_odd_lengths():
    x = fnp.arange(7)
    assert fnp.fft.ifftshift(fnp.fft.fftshift(x)).tolist() == list(range(7))


# errors ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("call, error, words", [
    (lambda: fnp.fft.fft(np.ones(4), norm="none"), ValueError, "'backward', 'ortho', 'forward'"),
    (lambda: fnp.fft.hfft(np.ones(4), norm="unitary"), ValueError, "'backward', 'ortho', 'forward'"),
    (lambda: fnp.fft.fft(np.ones(4), n=0), ValueError, "pass n >= 1"),
    (lambda: fnp.fft.fft(np.ones(0)), ValueError, "non-empty input"),
    (lambda: fnp.fft.irfft(np.ones(1)), ValueError, "lengths of at least 1"),
    (lambda: fnp.fft.fft(np.ones(4), axis=1), ShapeError, "use an axis in [-1, 0]"),
    (lambda: fnp.fft.fft(np.array(1.0)), ShapeError, "out of range"),
    (lambda: fnp.fft.fftn(np.ones((2, 2)), s=(2,), axes=(0, 1)), ValueError, "one length per transformed axis"),
    (lambda: fnp.fft.rfftn(np.ones((2, 2)), axes=()), ValueError, "non-empty axes"),
    (lambda: fnp.fft.rfft(np.ones(4, np.complex64)), DTypeError, "pass x.real"),
    (lambda: fnp.fft.ihfft(np.ones(4, np.complex64)), DTypeError, "pass x.real"),
    (lambda: fnp.fft.fftfreq(0), ValueError, "pass n >= 1"),
    (lambda: fnp.fft.rfftfreq(4, dtype=fnp.int32), DTypeError, "real floating dtype"),
    (lambda: fnp.fft.fftfreq(4, dtype=fnp.complex64), DTypeError, "real floating dtype"),
    (lambda: fnp.fft.fftfreq(4, device="tpu:7"), ValueError, "fx.devices()"),
    (lambda: fnp.fft.fftshift(np.ones(3), axes=2), ShapeError, "use an axis in [-1, 0]"),
])
def test_fft_functions_reject_bad_arguments_naming_the_fix(call, error, words):
    with pytest.raises(error) as info:
        call()
    assert words in str(info.value)


def test_module_lists_its_public_functions():
    expected = {"fft", "ifft", "fftn", "ifftn", "rfft", "irfft", "rfftn", "irfftn", "hfft", "ihfft", "fftfreq",
                "rfftfreq", "fftshift", "ifftshift", "fft2", "ifft2", "rfft2", "irfft2"}
    assert set(fnp.fft.__all__) == expected
    assert all(callable(getattr(fnp.fft, name)) for name in expected)


def test_frequencies_take_an_array_spacing_traced_under_jit_and_differentiable():
    import fluxion as fx
    for name in ("fftfreq", "rfftfreq"):
        want = getattr(np.fft, name)(5, 0.5)
        np.testing.assert_allclose(fx.jit(lambda d: getattr(fnp.fft, name)(5, d))(0.5), want, rtol=1e-6)
        np.testing.assert_allclose(getattr(fnp.fft, name)(5, np.array(0.5), dtype=fnp.float64), want, rtol=1e-15)
    # sum(fftfreq(4, d)) = -2 / (4 d): its derivative is 2 / (4 d**2)
    np.testing.assert_allclose(fx.grad(lambda d: fnp.fft.fftfreq(4, d).sum())(0.5), 2.0, rtol=1e-6)


def test_shifts_and_apply_over_axes_take_numpy_integer_axes():
    x = np.arange(12.0).reshape(3, 4)
    np.testing.assert_array_equal(fnp.fft.fftshift(x, axes=np.int64(0)), np.fft.fftshift(x, axes=0))
    np.testing.assert_array_equal(fnp.fft.ifftshift(x, axes=np.int32(1)), np.fft.ifftshift(x, axes=1))
    np.testing.assert_array_equal(fnp.apply_over_axes(fnp.sum, x, np.int64(0)), np.apply_over_axes(np.sum, x, 0))
    a, b = np.random.default_rng(0).normal(size=(6, 2, 3)), np.random.default_rng(1).normal(size=(2, 3))
    np.testing.assert_allclose(fnp.linalg.tensorsolve(a, b, axes=np.int64(0)), np.linalg.tensorsolve(a, b, axes=(0,)),
                               rtol=1e-10)
