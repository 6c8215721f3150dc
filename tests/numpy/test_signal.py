"""fluxion.numpy.convolve and correlate against NumPy: every mode, both length orders, dtypes, errors."""
import numpy as np
import pytest
from hypothesis import given, strategies as st

import fluxion.numpy as fnp
from fluxion.core import dtypes
from fluxion.core.array import Array
from fluxion.core.errors import ShapeError

from _arrays import sample
from _tracing import traced

DTYPES = [np.float32, np.float64, np.int32, np.int64, np.complex64, np.complex128, np.bool_]


@given(name=st.sampled_from(["convolve", "correlate"]), mode=st.sampled_from(["full", "same", "valid"]),
       m=st.integers(1, 9), n=st.integers(1, 9), dtype=st.sampled_from(DTYPES), seed=st.integers(0, 2**16))
def test_convolve_and_correlate_match_numpy(name, mode, m, n, dtype, seed):
    a, v = sample(seed, m, dtype, scale=4), sample(seed + 1, n, dtype, scale=4)
    expected = getattr(np, name)(a, v, mode)
    out = getattr(fnp, name)(fnp.asarray(a), fnp.asarray(v), mode)
    assert isinstance(out, Array)
    assert out.shape == expected.shape and out.dtype == expected.dtype
    tol = 1e-5 if np.dtype(dtype) in (dtypes.float32, dtypes.complex64) else 1e-12
    np.testing.assert_allclose(np.asarray(out), expected, rtol=tol, atol=tol * 10)


def test_default_modes_are_full_for_convolve_and_valid_for_correlate():
    a, v = [1.0, 2.0, 3.0, 4.0], [1.0, -1.0]
    assert fnp.convolve(a, v).tolist() == np.convolve(a, v).tolist()
    assert fnp.correlate(a, v).tolist() == np.correlate(a, v).tolist()


def test_correlate_conjugates_the_second_sequence():
    a, v = np.array([1 + 1j, 2.0]), np.array([1j])
    np.testing.assert_allclose(np.asarray(fnp.correlate(a, v)), np.correlate(a, v))
    np.testing.assert_allclose(np.asarray(fnp.correlate(a, v)), [1 - 1j, -2j])


def test_mixed_inputs_promote_as_fluxion_does():
    out = fnp.convolve(np.array([1, 2], np.int32), np.array([0.5], np.float32))
    assert out.dtype == dtypes.float32 and out.tolist() == [0.5, 1.0]
    assert fnp.convolve([1, 2], [1, 1]).dtype == dtypes.int64
    assert fnp.convolve(np.array([1.0, 2.0], np.float32), 2.0).dtype == dtypes.float32


def test_scalars_act_as_one_element_sequences():
    assert fnp.convolve(2, 3).tolist() == [6]
    assert fnp.correlate(np.array([1.0, 2.0]), 2.0, "full").tolist() == [2.0, 4.0]


def test_integer_overflow_wraps_as_numpy():
    a, v = np.array([100, 100], np.int8), np.array([2, 2], np.int8)
    np.testing.assert_array_equal(np.asarray(fnp.convolve(a, v)), np.convolve(a, v))


def test_nan_propagates_to_every_overlapping_output():
    a = np.array([1.0, np.nan, 2.0, 3.0, 4.0])
    for mode in ("full", "same", "valid"):
        np.testing.assert_array_equal(np.asarray(fnp.convolve(a, [1.0, 1.0], mode)), np.convolve(a, [1.0, 1.0], mode))


@pytest.mark.parametrize("name", ["convolve", "correlate"])
def test_convolution_works_on_traced_values(name, rng):
    a, v = fnp.asarray(rng.standard_normal(7)), fnp.asarray(rng.standard_normal(3))
    for mode in ("full", "same", "valid"):
        f = getattr(fnp, name)
        np.testing.assert_allclose(np.asarray(traced(f, a, v, mode)), np.asarray(f(a, v, mode)))


@pytest.mark.parametrize("name", ["convolve", "correlate"])
@pytest.mark.parametrize("args, error, words", [
    (([1.0, 2.0], [1.0], "circular"), ValueError, "'valid', 'same', 'full'"),
    ((np.ones((2, 2)), [1.0], "full"), ShapeError, "ravel it"),
    (([1.0], np.ones((1, 2)), "full"), ShapeError, "v must be one-dimensional"),
    ((np.ones(0), [1.0], "full"), ValueError, "a is empty"),
    (([1.0], np.ones(0), "full"), ValueError, "at least one element"),
])
def test_convolution_rejects_bad_arguments_naming_the_fix(name, args, error, words):
    with pytest.raises(error) as info:
        getattr(fnp, name)(*args)
    assert words in str(info.value) and name in str(info.value)


def test_module_lists_its_public_functions():
    from fluxion.numpy import _signal
    assert _signal.__all__ == ["convolve", "correlate"]
