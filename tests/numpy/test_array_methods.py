"""NumPy's ndarray methods and protocols on fluxion's Array (item, tobytes, compress, `in`, round)
against NumPy's arrays and scalars, and what they do with traced values."""
import numpy as np
import pytest

import fluxion as fx
import fluxion.numpy as fnp
from fluxion.core.errors import ConcretizationError

from _arrays import check, raises

A = np.arange(6, dtype=np.int32).reshape(2, 3) * 10 - 7


@pytest.mark.parametrize("args", [(4,), (-1,), (0,), (1, 2), ((1, 0),), ((5,),), (np.int64(3),)])
def test_item_picks_by_flat_index_or_index_tuple_as_numpy(args):
    out, expected = fnp.asarray(A).item(*args), A.item(*args)
    assert out == expected and type(out) is type(expected)


def test_item_of_a_0d_array_and_of_one_element():
    assert fnp.asarray(2.5).item(()) == np.array(2.5).item(()) == fnp.asarray(2.5).item(0)
    assert fnp.asarray([7]).item() == 7


@pytest.mark.parametrize("args, error", [((6,), IndexError), ((1, 0, 0), ValueError), ((1.0,), TypeError),
                                         ((), ValueError)], ids=["out of range", "too many", "float", "size 6"])
def test_item_refuses_what_numpy_refuses(args, error):
    with pytest.raises(error):
        A.item(*args)
    with pytest.raises(error):
        fnp.asarray(A).item(*args)


@pytest.mark.parametrize("dtype", [np.float32, np.int64, np.bool_, np.complex64])
def test_tobytes_gives_numpys_bytes_in_either_order(dtype):
    x = (np.arange(6).reshape(2, 3) % 4).astype(dtype)
    for order in ("C", "F"):
        assert fnp.asarray(x).tobytes(order) == x.tobytes(order)


@pytest.mark.parametrize("condition, axis", [([True, False], 0), ([False, True, True], 1), ([1, 0, 1, 1], None),
                                             ([False, True], None)])
def test_compress_method_matches_numpy(condition, axis):
    check(fnp.asarray(A).compress(condition, axis=axis), A.compress(condition, axis=axis))
    check(fx.jit(lambda x: x.compress(condition, axis))(fnp.asarray(A)), A.compress(condition, axis=axis))


@pytest.mark.parametrize("value", [3, 13, -7, 23, 2.0, np.int32(43), "a"])
def test_in_is_any_element_equal_as_numpy(value):
    assert (value in fnp.asarray(A)) == (value in A)


@pytest.mark.parametrize("value", [2.5, 3.5, -0.5, 7, np.nan])
def test_round_of_a_0d_array_is_a_python_int_as_for_numpy_scalars(value):
    for dtype in (np.float32, np.float64) if isinstance(value, float) else (np.int8, np.int64):
        scalar = dtype(value)
        if np.isnan(value):
            with pytest.raises(ValueError):
                round(scalar)
            with pytest.raises(ValueError):
                round(fnp.asarray(scalar))
            continue
        out = round(fnp.asarray([scalar])[0])
        assert out == round(scalar) and type(out) is int


@pytest.mark.parametrize("ndigits", [-1, 0, 2])
def test_round_with_ndigits_is_fnp_round(ndigits):
    x = np.array([1.25, -2.355, 1234.5], np.float32)
    check(round(fnp.asarray(x), ndigits), np.round(x, ndigits))
    check(round(fnp.asarray(x[1]), ndigits), np.round(x[1], ndigits))


def test_round_without_ndigits_needs_a_0d_array():
    with pytest.raises(TypeError, match="0-d array"):
        round(fnp.asarray([2.5]))


@pytest.mark.parametrize("use", [lambda x: x.item(1), lambda x: x.tobytes(), lambda x: round(x[0])],
                         ids=["item", "tobytes", "round"])
def test_traced_values_have_no_python_item_bytes_or_round(use):
    with raises(ConcretizationError, "concrete value"):
        fx.jit(use)(fnp.asarray([1.0, 2.0]))


def test_membership_in_a_traced_array_is_a_traced_truth_value_in_converted_code():
    for x in (fnp.asarray([1.0, 2.0]), fnp.asarray([3.0, 2.0])):
        assert bool(fx.jit(lambda x: 1 in x)(x)) == (1 in x)
        assert bool(fx.jit(lambda x: 1 not in x)(x)) == (1 not in x)


@pytest.mark.parametrize("dtype, value", [(np.float32, 2.5), (np.int32, 2.7), (np.int64, -3), (np.bool_, 1),
                                          (np.float64, np.float64(0.1))])
def test_fill_sets_every_element_in_place_as_numpy(dtype, value):
    x, expected = fnp.asarray(A.astype(dtype)), A.astype(dtype)
    kept = x
    assert x.fill(value) is None and kept is x
    expected.fill(value)
    check(x, expected)


@pytest.mark.parametrize("kth, axis", [(1, -1), (0, 0), ((0, 2), 1)])
def test_partition_method_partitions_in_place_as_numpy(kth, axis):
    values = np.array([[5, 1, 4], [2, 9, 0]], np.int32)
    x, expected = fnp.asarray(values), values.copy()
    kept = x
    assert x.partition(kth, axis=axis) is None and kept is x
    expected.partition(kth, axis=axis)
    for k in np.atleast_1d(kth):  # the kth elements are in their sorted places
        np.testing.assert_array_equal(np.take(np.asarray(x), k, axis), np.take(expected, k, axis))
    np.testing.assert_array_equal(np.sort(np.asarray(x), axis), np.sort(expected, axis))


def _sorted_in_place(x):
    y = x * 1
    if x[0] > 0:  # (a converted branch that updates y in place)
        y.sort()
    return y


def test_sort_method_sorts_in_place_as_numpy_also_traced():
    values = np.array([[3, 1, 2], [0, 9, -4]])
    for axis in (-1, 0, 1):
        x, expected = fnp.asarray(values), values.copy()
        kept = x
        assert x.sort(axis=axis) is None and kept is x
        expected.sort(axis=axis)
        np.testing.assert_array_equal(x, expected)
    with pytest.raises(TypeError, match=r"axis=None"):
        x.sort(axis=None)
    for x in (np.array([3.0, 1.0, 2.0]), np.array([-3.0, 1.0, 2.0])):
        want = np.sort(x) if x[0] > 0 else x
        np.testing.assert_array_equal(fx.jit(_sorted_in_place)(fnp.asarray(x)), want)
        np.testing.assert_array_equal(fx.vmap(_sorted_in_place)(fnp.asarray(x[None])), want[None])
    np.testing.assert_array_equal(fx.jit(fx.grad(lambda x: _sorted_in_place(x)[0]))(fnp.asarray([3.0, 1.0, 2.0])),
                                  [0.0, 1.0, 0.0])


def _partitioned_and_filled(x):
    y, z = x * 1, x * 1
    for i in range(2):
        if x[i] > 0:  # (converted branches that update y and z in place)
            y.partition(1)
            z.fill(7.0)
    return y[1], z


def test_partition_and_fill_methods_of_traced_values_update_them_in_place():
    for x in (np.array([5.0, 1.0, 4.0]), np.array([-5.0, -1.0, 4.0])):
        kth, filled = _partitioned_and_filled(fnp.asarray(x))
        for got in (fx.jit(_partitioned_and_filled)(fnp.asarray(x)),
                    fx.tree.map(lambda v: v[0], fx.vmap(_partitioned_and_filled)(fnp.asarray(x[None])))):
            check(got[0], np.asarray(kth))
            check(got[1], np.asarray(filled))


@pytest.mark.parametrize("dtype", [np.float32, np.complex64, np.complex128])
def test_real_and_imag_setters_as_numpy_eager_and_traced(dtype):
    x = (np.arange(6).reshape(2, 3) * (1 + 2j if dtype != np.float32 else 1)).astype(dtype)

    def set_parts(a):
        a.real = fnp.asarray([7.0, -1.0, 0.5])
        if a.dtype != fnp.float32:
            a.imag = 3.0
        return a
    expected = x.copy()
    expected.real = [7.0, -1.0, 0.5]
    if dtype != np.float32:
        expected.imag = 3.0
    for got in (set_parts(fnp.asarray(x)), fx.jit(set_parts)(fnp.asarray(x))):
        assert got.dtype == dtype
        np.testing.assert_array_equal(np.asarray(got), expected)
    with pytest.raises(TypeError, match="no imaginary part[\\s\\S]*astype"):
        fnp.ones(2).imag = 1.0


def test_numpy_spellings_repeat_keywords_flat_and_string_dtypes():
    x = np.arange(6).reshape(2, 3)
    np.testing.assert_array_equal(fnp.asarray(x).repeat(repeats=2, axis=1), x.repeat(repeats=2, axis=1))
    np.testing.assert_array_equal(fnp.repeat(fnp.asarray(x), repeats=[1, 2], axis=0), np.repeat(x, [1, 2], axis=0))
    assert not hasattr(fnp.asarray(x), "flat")
    with pytest.raises(AttributeError, match="flat[\\s\\S]*x.ravel()"):
        fnp.asarray(x).flat
    with pytest.raises(TypeError, match="str is not supported"):
        fnp.asarray(x).astype(str)


def test_put_method_sets_flat_positions_in_place_as_numpy_also_traced():
    expected = np.zeros((2, 3))
    expected.put([0, 4, -1], [5.0, 6.0])
    x = fnp.zeros((2, 3))
    x.put([0, 4, -1], [5.0, 6.0])
    np.testing.assert_array_equal(x, expected)

    def f(v):
        v.put(1, 7.0)
        return v
    np.testing.assert_array_equal(fx.jit(f)(fnp.zeros(3)), [0.0, 7.0, 0.0])
    np.testing.assert_array_equal(fx.grad(lambda v: f(v).sum())(fnp.ones(3)), [1.0, 0.0, 1.0])
    clipped = fnp.arange(4)
    clipped.put(9, 1, mode="clip")
    np.testing.assert_array_equal(clipped, [0, 1, 2, 1])


def test_pow_with_a_modulo_is_pythons_type_error_as_for_numpy():
    with pytest.raises(TypeError) as numpy_error:
        pow(np.ones(3), 2, 5)
    with pytest.raises(TypeError) as ours:
        pow(fnp.ones(3), 2, 5)
    assert str(ours.value) == str(numpy_error.value).replace("numpy.ndarray", "Array")
    np.testing.assert_array_equal(pow(fnp.asarray([2.0, 3.0]), 2), [4.0, 9.0])
