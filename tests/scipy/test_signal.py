"""fluxion.scipy.signal against scipy.signal: convolutions (every mode and method, n dimensions,
sizes 1 and up, odd and even, inputs covering each other or not, complex, integer and boolean
inputs, broadcast axes of fftconvolve, the boundaries of convolve2d), detrend (breakpoints,
axes), stft/istft, csd and welch (windows, overlaps, FFT lengths, boundaries, scalings,
averages, axes); jit against eager; vmap against a loop; derivatives against finite
differences; errors that name the fix."""
import itertools
import warnings

import numpy as np
import pytest
import scipy.signal as ss
from _arrays import raises, rand

import fluxion as fx
import fluxion.numpy as fnp
import fluxion.scipy.signal as fs
from fluxion.core import dtypes
from fluxion.test_util import check_grads

SHAPES = [((5,), (3,)), ((4,), (6,)), ((1,), (1,)), ((7,), (1,)), ((1,), (4,)), ((4, 5), (2, 3)), ((3, 3), (4, 4)),
          ((2, 3), (3, 2)), ((2, 3, 4), (2, 2, 3)), ((3, 1, 4), (1, 2, 2))]
MODES = ["full", "same", "valid"]


def _close(out, expected, tol=1e-12, dtype=None):
    assert out.shape == expected.shape, (out.shape, expected.shape)
    assert out.dtype == np.dtype(dtype or expected.dtype), (out.dtype, dtype or expected.dtype)
    scale = max(1.0, float(np.max(np.abs(expected), initial=0)))
    np.testing.assert_allclose(np.asarray(out), expected, rtol=tol, atol=tol * scale)


def _both(fn, *args, strict=True, **kwargs):
    """SciPy's result and ours, or None when SciPy refuses the arguments (then, if `strict`, so must we)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            expected = getattr(ss, fn)(*args, **kwargs)
        except ValueError:
            if strict:
                with pytest.raises(ValueError):
                    getattr(fs, fn)(*args, **kwargs)
            return None
        return getattr(fs, fn)(*args, **kwargs), expected


@pytest.mark.parametrize("fn", ["convolve", "correlate"])
@pytest.mark.parametrize("method", ["direct", "fft", "auto"])
def test_convolve_and_correlate_match_scipy(fn, method):
    for ((s1, s2), mode, dtype), seed in zip(itertools.product(SHAPES, MODES, [np.float64, np.complex128,
                                                                              np.float32]), itertools.count()):
        pair = _both(fn, rand(s1, seed, dtype), rand(s2, seed + 1, dtype), mode, method)
        if pair is not None:
            _close(*pair, tol=1e-5 if dtype == np.float32 else 1e-12)


def test_integer_and_boolean_convolutions_keep_their_dtype():
    a, b = np.array([3, -1, 4, 1, -5], np.int32), np.array([2, 7, -1], np.int32)
    for method, mode in itertools.product(["direct", "fft", "auto"], MODES):
        _close(fs.convolve(a, b, mode, method), ss.convolve(a, b, mode, method), 0)
        _close(fs.correlate(a, b, mode, method), ss.correlate(a, b, mode, method), 0)
    _close(fs.convolve([True, False, True], [True, True]), ss.convolve([True, False, True], [True, True]), 0)
    assert fs.convolve(fnp.asarray(2.0), fnp.asarray(3.0)).tolist() == 6.0


@pytest.mark.parametrize("dtype", [np.int8, np.uint8, np.int16, np.uint16])
def test_narrow_integer_fft_convolutions_wrap_as_scipy_and_the_direct_sum_do(dtype):
    a, b = np.array([100, 100, 3], dtype), np.array([2, 2], dtype)
    want = ss.convolve(a, b, method="fft")
    _close(fs.convolve(a, b, method="fft"), want, 0)
    _close(fs.convolve(a, b, method="direct"), want, 0)
    _close(fx.jit(lambda a, b: fs.correlate(a, b, method="fft"))(a, b), ss.correlate(a, b, method="fft"), 0)


def test_large_floating_inputs_go_through_the_fft_with_auto():
    a, b = rand((400,), 0), rand((300,), 1)
    _close(fs.convolve(a, b), ss.convolve(a, b))
    _close(fs.correlate(a, b, "same"), ss.correlate(a, b, "same"))


def test_fftconvolve_matches_scipy_over_axes_and_broadcasting():
    shapes = SHAPES + [((2, 5), (1, 3)), ((3, 5), (3, 1)), ((1, 5), (3, 1))]
    for ((s1, s2), mode, axes), seed in zip(itertools.product(shapes, MODES, [None, -1, (0,)]), itertools.count()):
        if axes == (0,) and len(s1) < 2:
            continue
        dtype = np.complex64 if seed % 3 == 0 else np.float64
        pair = _both("fftconvolve", rand(s1, seed, dtype), rand(s2, seed + 1, dtype), mode, axes)
        if pair is not None:
            _close(*pair, tol=1e-5 if dtype == np.complex64 else 1e-12)
    _close(fs.fftconvolve(np.int32([1, 2]), np.int32([1, 2])), np.array([1.0, 4.0, 4.0]), dtype=dtypes.float32)
    assert fs.fftconvolve(np.zeros((0, 2)), np.ones((3, 1))).shape == (0,)


@pytest.mark.parametrize("fn", ["convolve2d", "correlate2d"])
def test_2d_convolutions_match_scipy_for_every_boundary(fn):
    shapes = [((4, 5), (2, 3)), ((3, 3), (4, 4)), ((2, 3), (3, 4)), ((1, 1), (2, 2)), ((5, 2), (1, 1)),
              ((2, 6), (3, 2)), ((2, 2), (5, 5))]
    for ((s1, s2), mode, boundary, fill), seed in zip(itertools.product(
            shapes, MODES, ["fill", "wrap", "circular", "symm", "symmetric"], [0, 2.5]), itertools.count()):
        dtype = np.complex128 if seed % 2 else np.float64
        pair = _both(fn, rand(s1, seed, dtype), rand(s2, seed + 1, dtype), mode, boundary, fill)
        if pair is not None:
            _close(*pair)


def test_detrend_matches_scipy():
    for shape, axis, kind, bp in itertools.product([(7,), (1,), (2,), (3, 8), (8, 3)], [0, -1], ["linear", "constant",
                                                                                            "l", "c"],
                                                   [0, [3], [2, 5], [0, 1]]):
        if max(np.atleast_1d(bp)) <= shape[axis]:
            x = rand(shape, len(shape) + axis)
            _close(fs.detrend(x, axis, kind, bp), ss.detrend(x, axis, kind, bp))
    x = rand((6,), 1, np.complex64)
    _close(fs.detrend(x, bp=[2]), ss.detrend(x, bp=[2]), tol=1e-5)
    _close(fs.detrend(np.arange(5)), ss.detrend(np.arange(5.0)), tol=1e-6, dtype=dtypes.float32)


SPECTRAL = [{"nperseg": 8}, {"nperseg": 8, "noverlap": 2, "nfft": 11}, {"nperseg": 5, "detrend": "linear", "fs": 2.0},
            {"nperseg": 4, "return_onesided": False}, {"window": "hamming", "nperseg": 8, "detrend": False},
            {"window": np.arange(1.0, 5.0), "fs": 3.0}, {"nperseg": 7, "scaling": "spectrum"}, {},
            {"nperseg": 6, "detrend": lambda segment: segment - segment.mean()}]  # (called on each segment)
_SPECTRAL_ID = lambda kwargs: str({k: getattr(v, "__name__", v) for k, v in kwargs.items()})  # noqa: E731


@pytest.mark.parametrize("kwargs", SPECTRAL, ids=_SPECTRAL_ID)
def test_welch_and_csd_match_scipy(kwargs):
    for n, average, dtype in itertools.product([1, 2, 7, 16, 33], ["mean", "median"], [np.float64, np.float32]):
        x, y = rand((2, n), n, dtype), rand((2, n - 1 if n > 1 else 1), n + 1, dtype)
        tol = 1e-5 if dtype == np.float32 else 1e-12
        pair = _both("welch", x, average=average, **kwargs)
        if pair is not None:
            (f, p), (ef, ep) = pair
            _close(f, ef, tol, dtype)
            _close(p, ep, tol)
        # SciPy fails on complex signals of one sample (and on a real x with a complex y); we do not
        pair = _both("csd", x.T + 1j * x.T[::-1], y.T, axis=0, average=average, strict=n > 1, **kwargs)
        if pair is not None:
            (f, p), (ef, ep) = pair
            _close(p, ep, tol)


@pytest.mark.filterwarnings("ignore:NOLA condition failed")
@pytest.mark.parametrize("kwargs", SPECTRAL + [{"nperseg": 8, "boundary": "even"}, {"nperseg": 7, "boundary": "odd",
                                                                                      "padded": False},
                                               {"nperseg": 6, "boundary": "constant"}, {"nperseg": 6, "boundary": None},
                                               {"nperseg": 6, "scaling": "psd"}], ids=_SPECTRAL_ID)
def test_stft_and_istft_match_scipy(kwargs):
    kwargs = {k: v for k, v in kwargs.items() if k != "average"}
    if kwargs.get("scaling") == "spectrum":
        kwargs.pop("scaling")
    inverse = {k: v for k, v in kwargs.items() if k in ("nperseg", "noverlap", "nfft", "window", "fs", "scaling")}
    inverse["boundary"] = kwargs.get("boundary", "zeros") is not None
    for n, dtype in itertools.product([1, 2, 7, 16, 33], [np.float64, np.complex128, np.float32]):
        x = rand((2, n), n, dtype)
        pair = _both("stft", x, **kwargs)
        if pair is None:
            continue
        tol = 1e-5 if dtype == np.float32 else 1e-12
        for out, expected in zip(*pair):
            _close(out, expected, tol, dtype=expected.dtype if expected.dtype.kind == "c" or dtype != np.float32
                   else dtypes.float32)
        (_, _, z), (_, _, ez) = pair
        if n < kwargs.get("nperseg", 256):
            continue
        onesided = dtype != np.complex128 and kwargs.get("return_onesided", True)
        t, rebuilt = fs.istft(z, input_onesided=onesided, **inverse)
        _close(rebuilt, ss.istft(ez, input_onesided=onesided, **inverse)[1], tol)
        # the frequencies on the last axis, the segments first
        t, rebuilt = fs.istft(fnp.moveaxis(z, (1, 2), (2, 0)), input_onesided=onesided, time_axis=0, freq_axis=-1,
                              **inverse)
        _close(rebuilt, ss.istft(np.moveaxis(ez, (1, 2), (2, 0)), input_onesided=onesided, time_axis=0, freq_axis=-1,
                                 **inverse)[1], tol)
        assert t.shape == (rebuilt.shape[0],)


def test_stft_along_another_axis_puts_frequencies_there():
    x = rand((20, 3), 0)
    for out, expected in zip(fs.stft(x, nperseg=6, axis=0), ss.stft(x, nperseg=6, axis=0)):
        _close(out, expected)
    for out, expected in zip(fs.welch(x, nperseg=6, axis=0), ss.welch(x, nperseg=6, axis=0)):
        _close(out, expected)


def test_stft_of_an_empty_signal_gives_scipys_empty_results():
    for shape, axis in [((0,), -1), ((3, 0), -1), ((0, 5), 0), ((0, 5), -1)]:
        x = np.zeros(shape)
        for out, expected in zip(fs.stft(x, nperseg=4, axis=axis), ss.stft(x, nperseg=4, axis=axis)):
            assert out.shape == expected.shape
        assert fs.stft(x, nperseg=4)[2].dtype == dtypes.complex128


def test_jit_matches_eager():
    x, k = fnp.asarray(rand((3, 40), 0)), fnp.asarray(rand((3, 5), 1))
    calls = [lambda x, k: fs.convolve(x, k, "same"), lambda x, k: fs.correlate(x, k, "valid", "fft"),
             lambda x, k: fs.fftconvolve(x, k, axes=-1), lambda x, k: fs.convolve2d(x, k, "same", "wrap"),
             lambda x, k: fs.correlate2d(x, k, boundary="symm"), lambda x, k: fs.detrend(x, bp=[10]),
             lambda x, k: fs.welch(x, nperseg=8, average="median"), lambda x, k: fs.csd(x, k, nperseg=4),
             lambda x, k: fs.istft(fs.stft(x, nperseg=8)[2], nperseg=8)]
    for f in calls:
        for out, expected in zip(fx.tree.leaves(fx.jit(f)(x, k)), fx.tree.leaves(f(x, k))):
            np.testing.assert_allclose(out, expected, atol=1e-12)


def test_vmap_matches_a_loop():
    x, k = rand((4, 30), 0), rand((4, 5), 1)
    calls = [lambda x, k: fs.convolve(x, k, "same"), lambda x, k: fs.correlate(x, k, method="fft"),
             lambda x, k: fs.detrend(x, bp=[7]), lambda x, k: fs.welch(x, nperseg=8)[1],
             lambda x, k: fs.csd(x, k, nperseg=4)[1], lambda x, k: fs.stft(x, nperseg=8)[2],
             lambda x, k: fs.istft(fs.stft(x, nperseg=8)[2], nperseg=8)[1]]
    for f in calls:
        np.testing.assert_allclose(fx.vmap(f)(x, k), np.stack([f(a, b) for a, b in zip(x, k)]), atol=1e-12)
    images = rand((3, 4, 5), 2)
    f = lambda a: fs.convolve2d(a, images[0, :2, :3], "same", "symm")
    np.testing.assert_allclose(fx.vmap(f)(images), np.stack([f(a) for a in images]), atol=1e-12)


def test_derivatives_match_finite_differences():
    x, k = fnp.asarray(rand((12,), 0)), fnp.asarray(rand((3,), 1))
    check_grads(lambda x, k: fs.convolve(x, k, "same"), (x, k), order=1)
    check_grads(lambda x, k: fs.fftconvolve(x, k, "valid"), (x, k), order=1)
    check_grads(lambda x, k: fs.correlate2d(x.reshape(3, 4), k[None], "same", "wrap"), (x, k), order=1)
    check_grads(lambda x: fs.detrend(x, bp=[5]), (x,), order=1)
    check_grads(lambda x: fs.welch(x, nperseg=4)[1], (x,), order=1)
    check_grads(lambda x, w: fs.stft(x, window=w, nperseg=3)[2], (x, fnp.abs(k) + 0.5), order=1)
    check_grads(lambda x: fs.istft(fs.stft(x, nperseg=4)[2], nperseg=4)[1], (x,), order=1)


def test_bad_arguments_name_the_fix():
    x = np.ones(6)
    with raises(ValueError, "mode", "'full'"):
        fs.convolve(x, x, "wide")
    with raises(ValueError, "method", "'direct'"):
        fs.correlate(x, x, method="slow")
    with raises(ValueError, "differ in dimensions"):
        fs.convolve(x, np.ones((2, 2)))
    with raises(ValueError, "at least as large"):
        fs.convolve(np.ones((2, 3)), np.ones((3, 2)), "valid")
    with raises(ValueError, "empty"):
        fs.convolve(np.zeros(0), x)
    for f, g in ((fs.convolve, ss.convolve), (fs.correlate, ss.correlate)):  # (SciPy's quirk)
        for a in (np.zeros(0), np.zeros((0, 3))):
            b = np.ones((1,) * a.ndim)
            assert f(a, b, "same").shape == g(a, b, "same").shape == a.shape
    with raises(ValueError, "do not broadcast"):
        fs.fftconvolve(np.ones((2, 5)), np.ones((3, 3)), axes=1)
    with raises(ValueError, "2-D"):
        fs.convolve2d(x, x)
    with raises(ValueError, "boundary", "'wrap'"):
        fs.convolve2d(np.ones((2, 2)), np.ones((2, 2)), boundary="reflect")
    with raises(ValueError, "type", "'linear'"):
        fs.detrend(x, type="quadratic")
    with raises(ValueError, "breakpoints"):
        fs.detrend(x, bp=[9])
    with raises(ValueError, "noverlap"):
        fs.welch(x, nperseg=4, noverlap=4)
    with raises(ValueError, "nfft"):
        fs.stft(x, nperseg=4, nfft=3)
    with raises(ValueError, "nperseg"):
        fs.csd(x, x, window=np.ones(3), nperseg=4)
    with raises(ValueError, "longer than the signal"):
        fs.welch(x, window=np.ones(8))
    with raises(ValueError, "scaling"):
        fs.welch(x, scaling="power")
    with raises(ValueError, "average"):
        fs.csd(x, x, average="mode")
    with raises(ValueError, "time_axis"):
        fs.istft(np.ones((3, 4)), time_axis=0, freq_axis=-2)
