"""The fft primitive against numpy.fft: XLA's four transform types over one to three trailing axes."""
import numpy as np
import pytest
from hypothesis import given, strategies as st

from fluxion.core import dtypes
from fluxion.core.array import Array
from fluxion.core.errors import DTypeError, ShapeError
from fluxion.ops.fft import fft

from _arrays import rand

ORACLE = {"fft": np.fft.fftn, "ifft": np.fft.ifftn, "rfft": np.fft.rfftn, "irfft": np.fft.irfftn}
PRECISION = {"single": (dtypes.float32, dtypes.complex64, 1e-4), "double": (dtypes.float64, dtypes.complex128, 1e-12)}


@given(fft_type=st.sampled_from(list(ORACLE)), precision=st.sampled_from(list(PRECISION)),
       lengths=st.lists(st.integers(1, 6), min_size=1, max_size=3), batch=st.lists(st.integers(0, 3), max_size=2),
       seed=st.integers(0, 2**16))
def test_fft_matches_numpy_over_types_lengths_and_batches(fft_type, precision, lengths, batch, seed):
    real, cplx, tol = PRECISION[precision]
    lengths = tuple(lengths)
    trailing = lengths[:-1] + (lengths[-1] // 2 + 1,) if fft_type == "irfft" else lengths
    x = rand(tuple(batch) + trailing, seed, real if fft_type == "rfft" else cplx)
    axes = tuple(range(-len(lengths), 0))
    expected = ORACLE[fft_type](x, s=lengths, axes=axes)
    out = fft(x, fft_type, lengths)
    assert isinstance(out, Array)
    assert out.shape == expected.shape
    assert out.dtype == (real if fft_type == "irfft" else cplx)
    np.testing.assert_allclose(np.asarray(out), expected, rtol=tol, atol=tol * max(1, np.prod(lengths)))


def test_ifft_scales_by_one_over_n_and_fft_does_not():
    x = np.ones(4, np.complex64)
    np.testing.assert_allclose(np.asarray(fft(x, "fft", (4,))), [4, 0, 0, 0])
    np.testing.assert_allclose(np.asarray(fft(np.array([4, 0, 0, 0], np.complex64), "ifft", (4,))), x)


def test_irfft_round_trips_rfft_for_odd_and_even_lengths(rng):
    for n in (5, 6):
        x = rng.standard_normal((2, n)).astype(np.float32)
        back = fft(fft(x, "rfft", (n,)), "irfft", (n,))
        np.testing.assert_allclose(np.asarray(back), x, atol=1e-5)


def test_fft_type_is_case_insensitive(rng):
    x = rand((3, 4), rng, dtypes.complex64)
    np.testing.assert_allclose(np.asarray(fft(x, "FFT", (4,))), np.fft.fft(x), atol=1e-5)


def test_fft_of_empty_batch_keeps_its_shape():
    out = fft(np.zeros((0, 3, 4), np.float32), "rfft", (3, 4))
    assert out.shape == (0, 3, 3) and out.dtype == dtypes.complex64


@pytest.mark.parametrize("x, fft_type, lengths, error, words", [
    (np.ones(4, np.complex64), "dct", (4,), ValueError, "use one of fft, ifft, rfft, irfft"),
    (np.ones((2,) * 4, np.complex64), "fft", (2, 2, 2, 2), ShapeError, "at most three axes"),
    (np.ones(4, np.complex64), "fft", (), ShapeError, "one to three"),
    (np.ones(4, np.complex64), "fft", (0,), ShapeError, "at least 1"),
    (np.ones(4, np.complex64), "fft", (1, 4), ShapeError, "pass at most 1 fft_lengths"),
    (np.ones(4, np.complex64), "fft", (5,), ShapeError, "pad or slice"),
    (np.ones(4, np.complex64), "irfft", (4,), ShapeError, "needs trailing axes (3,)"),
    (np.ones(4, np.float32), "fft", (4,), DTypeError, "complex"),
    (np.ones(4, np.int32), "ifft", (4,), DTypeError, "complex"),
    (np.ones(4, np.complex64), "rfft", (4,), DTypeError, "float32 or float64"),
    (np.ones(4, np.float16), "rfft", (4,), DTypeError, "float32 or float64"),
    (np.ones(3, np.float64), "irfft", (4,), DTypeError, "complex"),
])
def test_fft_rejects_bad_arguments_naming_the_fix(x, fft_type, lengths, error, words):
    with pytest.raises(error) as info:
        fft(x, fft_type, lengths)
    assert words in str(info.value) and "fft" in str(info.value)
