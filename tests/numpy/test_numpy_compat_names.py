"""NumPy names that fluxion.numpy provides for code written against NumPy: the memory `order`
of array/asarray/copy, ascontiguousarray/asfortranarray/asanyarray, asarray_chkfinite,
real_if_close, the C-named scalar types and ndindex, each against NumPy."""
import numpy as np
import pytest

import fluxion as fx
import fluxion.numpy as fnp
from fluxion.errors import ConcretizationError

VALUES = [3.0, [1, 2], [[1.5, 2.5]], np.arange(6, dtype=np.int16).reshape(2, 3), np.float64(2.0)]


@pytest.mark.parametrize("order", ["C", "F", "A", "K"])
def test_every_memory_order_gives_numpys_values(order):
    a = np.arange(6.0).reshape(2, 3)
    for f, g in ((fnp.array, np.array), (fnp.asarray, np.asarray), (fnp.asanyarray, np.asanyarray)):
        np.testing.assert_array_equal(np.asarray(f(a, order=order)), g(a, order=order))
    np.testing.assert_array_equal(np.asarray(fnp.copy(fnp.asarray(a), order=order)), np.copy(a, order=order))
    np.testing.assert_array_equal(np.asarray(fnp.asarray(a, None, order)), a)  # (by position, as NumPy allows)


@pytest.mark.parametrize("f", [fnp.array, fnp.asarray, fnp.copy])
def test_an_unknown_order_is_a_value_error_as_in_numpy(f):
    with pytest.raises(ValueError, match="order"):
        np.array([1.0], order="X")
    with pytest.raises(ValueError, match="order"):
        f([1.0], order="X")


@pytest.mark.parametrize("value", VALUES, ids=repr)
@pytest.mark.parametrize("name", ["ascontiguousarray", "asfortranarray", "asanyarray"])
def test_layout_conversions_match_numpy_shapes_and_values(name, value):
    want = getattr(np, name)(np.asarray(value))
    got = getattr(fnp, name)(value if not isinstance(value, np.ndarray) else fnp.asarray(value))
    assert got.shape == want.shape
    np.testing.assert_array_equal(np.asarray(got), want)


def test_layout_conversions_take_a_dtype():
    assert fnp.ascontiguousarray([1, 2], dtype=fnp.float64).dtype == np.float64
    assert fnp.asfortranarray(fnp.ones((2, 2)), fnp.int32).dtype == np.int32


@pytest.mark.parametrize("value", [[1.0, np.inf], [np.nan], [[1.0], [-np.inf]], [1 + 1j, complex(np.nan, 0)]])
def test_asarray_chkfinite_raises_where_numpy_does(value):
    with pytest.raises(ValueError, match="infs or NaNs"):
        np.asarray_chkfinite(value)
    with pytest.raises(ValueError, match="infs or NaNs"):
        fnp.asarray_chkfinite(value)


@pytest.mark.parametrize("value", [[1.0, 2.0], [3, 4], [], 5.0, [True]])
def test_asarray_chkfinite_returns_finite_values_as_asarray(value):
    got = fnp.asarray_chkfinite(value)
    np.testing.assert_array_equal(np.asarray(got), np.asarray_chkfinite(np.asarray(fnp.asarray(value))))
    assert got.dtype == fnp.asarray(value).dtype


def test_asarray_chkfinite_under_jit_needs_the_values():
    with pytest.raises(ConcretizationError):
        fx.jit(fnp.asarray_chkfinite)(fnp.ones(2))


@pytest.mark.parametrize("value,tol", [
    ([2 + 1e-15j, 1.0], 100), ([1 + 1e-15j], 0), ([1 + 1e-3j], 100), ([1 + 1e-7j], 1e-6), ([1 + 0j, 2j], 100),
    ([], 100)])
@pytest.mark.parametrize("dtype", [np.complex64, np.complex128])
def test_real_if_close_matches_numpy(value, tol, dtype):
    a = np.asarray(value, dtype)
    got, want = fnp.real_if_close(fnp.asarray(a), tol), np.real_if_close(a, tol)
    assert got.dtype == want.dtype
    np.testing.assert_array_equal(np.asarray(got), want)


def test_real_if_close_keeps_real_arrays_and_needs_values_under_jit():
    x = np.asarray([1.5, 2.5], np.float32)
    got = fnp.real_if_close(fnp.asarray(x))
    assert got.dtype == np.real_if_close(x).dtype
    np.testing.assert_array_equal(np.asarray(got), np.real_if_close(x))
    with pytest.raises(ConcretizationError):
        fx.jit(fnp.real_if_close)(fnp.asarray([1 + 0j]))


@pytest.mark.parametrize("name", ["half", "byte", "ubyte", "short", "ushort", "intc", "uintc", "long", "ulong",
                                  "longlong", "ulonglong", "intp", "uintp"])
def test_c_named_scalar_types_are_numpys_dtypes(name):
    assert np.dtype(getattr(fnp, name)) == np.dtype(getattr(np, name))
    assert fnp.asarray([1, 2], dtype=getattr(fnp, name)).dtype == np.dtype(getattr(np, name))


def test_ndindex_iterates_as_numpys():
    assert list(fnp.ndindex(2, 3)) == list(np.ndindex(2, 3))
    assert list(fnp.ndindex((2, 1, 2))) == list(np.ndindex((2, 1, 2)))
    assert list(fnp.ndindex(())) == [()]
