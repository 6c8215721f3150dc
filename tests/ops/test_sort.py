"""Sorting primitives against NumPy: variadic stable sort and top_k."""
import functools

import ml_dtypes
import numpy as np
import pytest
from hypothesis import given, strategies as st

import fluxion  # noqa: F401  (fills the kernel tables)
from fluxion.core.array import Array
from fluxion.core.errors import DTypeError, ShapeError
from fluxion.ops import sort as S

from _arrays import arrays_with_ties

BF16 = np.dtype(ml_dtypes.bfloat16)
LOW = (np.dtype(np.float16), BF16)
KEYS = [np.bool_, np.int8, np.int32, np.int64, np.uint8, np.uint64, np.float16, BF16, np.float32, np.float64,
        np.complex64, np.complex128]
SPECIALS = [np.nan, -np.nan, np.inf, -np.inf, -0.0, 0.0]  # NaN of both signs
arrays = functools.partial(arrays_with_ties, specials=SPECIALS)


def _key(x):
    return x.astype(np.float32) if x.dtype in LOW else x


def _same(got, want):
    g, w = np.asarray(got), np.asarray(want)
    assert g.dtype == w.dtype and g.shape == w.shape
    bits = lambda v: v.view(np.uint8) if v.dtype == BF16 else v  # noqa: E731  (bf16 has no NaN-aware equality)
    np.testing.assert_array_equal(bits(g), bits(w))


@given(data=st.data())
def test_sort_of_one_operand_matches_numpy(data):
    x = data.draw(arrays(KEYS))
    dim = data.draw(st.integers(-x.ndim, x.ndim - 1))
    want = np.sort(_key(x), axis=dim, kind="stable").astype(x.dtype)
    _same(S.sort(Array(x), dim), want)


@given(data=st.data())
def test_sort_carries_operands_stably_by_the_first_key(data):
    x = data.draw(arrays(KEYS))
    dim = data.draw(st.integers(-x.ndim, x.ndim - 1))
    payload = np.arange(x.size, dtype=np.int32).reshape(x.shape)
    keys, values = S.sort([Array(x), Array(payload)], dim)
    perm = np.argsort(_key(x), axis=dim, kind="stable")
    _same(values, np.take_along_axis(payload, perm, dim))
    _same(keys, np.take_along_axis(x, perm, dim))


@given(data=st.data())
def test_sort_with_two_keys_is_lexicographic(data):
    a = data.draw(arrays(KEYS))
    b = data.draw(arrays(KEYS, shape=a.shape))
    dim = data.draw(st.integers(-a.ndim, a.ndim - 1))
    payload = np.arange(a.size, dtype=np.float32).reshape(a.shape)
    got = S.sort((Array(a), Array(b), Array(payload)), dim, num_keys=2)
    perm = np.lexsort((_key(b), _key(a)), axis=dim)
    for g, v in zip(got, (a, b, payload)):
        _same(g, np.take_along_axis(v, perm, dim))


def test_nans_sort_last_and_signed_zeros_keep_their_order():
    x = np.array([np.nan, 0.0, -0.0, -np.nan, -1.0, 0.0, -0.0], np.float32)
    keys, order = S.sort([Array(x), Array(np.arange(7))])
    assert order.tolist() == [4, 1, 2, 5, 6, 0, 3]
    np.testing.assert_array_equal(np.signbit(np.asarray(keys)[:5]), [True, False, True, False, True])


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
@pytest.mark.parametrize("n", [15, 17, 64, 128, 300])
def test_long_sorts_keep_the_bits_of_signed_zeros_and_nans(dtype, n):
    # long enough for NumPy's vectorized sort, whose minimum of -0.0 and 0.0 may be either (so that
    # a lone -0.0 among zeros can vanish from its result)
    # (300 rows: large enough for the path that starts from NumPy's default sort)
    lone = np.zeros((300, n))
    lone[:, n // 2] = -0.0
    mixed = np.random.default_rng(n).choice(np.array([0.0, -0.0, 1.0, np.nan, -np.nan]), (300, n))
    for x in (lone.astype(dtype), mixed.astype(dtype)):
        for dim in (0, 1):
            got = np.asarray(S.sort(Array(x), dim))
            assert got.tobytes() == np.sort(x, axis=dim, kind="stable").tobytes()  # (every bit)
            payload = np.arange(x.size).reshape(x.shape)
            _same(S.sort([Array(x), Array(payload)], dim)[1],
                  np.take_along_axis(payload, np.argsort(x, axis=dim, kind="stable"), dim))


def test_complex_keys_sort_by_real_then_imaginary_part():
    x = Array(np.array([1 + 2j, 1 + 1j, 0 + 5j, complex(np.nan, 0)], np.complex64))
    assert S.sort(x).tolist()[:3] == [5j, 1 + 1j, 1 + 2j]


def test_sort_of_one_array_returns_an_array_and_of_a_sequence_a_tuple():
    x = Array(np.array([2, 1]))
    assert isinstance(S.sort(x), Array)
    out = S.sort([x])
    assert isinstance(out, tuple) and out[0].tolist() == [1, 2]


def test_non_key_operands_may_have_any_dtype():
    keys, flags = S.sort([Array(np.array([2, 1])), Array(np.array([True, False]))])
    assert flags.tolist() == [False, True]


@pytest.mark.parametrize("operands, kwargs, error, match", [
    ([np.zeros(3), np.zeros(2)], {}, ShapeError, "same shape"),
    ([np.float32(1.0)], {}, ShapeError, "0-d"),
    ([np.zeros(3)], {"num_keys": 2}, ValueError, "num_keys"),
    ([np.zeros(3)], {"num_keys": 0}, ValueError, "num_keys"),
    ([np.zeros(3)], {"dimension": 1}, ShapeError, "out of range"),
    ([], {}, ValueError, "at least one"),
])
def test_sort_errors_name_the_problem_and_the_fix(operands, kwargs, error, match):
    with pytest.raises(error, match=match) as e:
        S.sort([Array(o) for o in operands], **kwargs)
    assert "fix:" in str(e.value)


def test_binding_a_negative_dimension_raises():
    with pytest.raises(ShapeError, match="normalises"):
        S.sort_p.bind(Array(np.zeros(3)), dimension=-1, is_stable=True, num_keys=1)


# top_k -----------------------------------------------------------------------------------------
def _top_k_oracle(x, k):
    """Largest first, NaN largest, ties by the lower index (Python's sort is stable)."""
    w = _key(x).astype(np.float64)
    flat = w.reshape(int(np.prod(w.shape[:-1])), w.shape[-1])
    rows = [sorted(range(len(r)), key=lambda i: (not np.isnan(r[i]), -r[i] if not np.isnan(r[i]) else 0))[:k]
            for r in flat]
    idx = np.array(rows, np.int64).reshape(x.shape[:-1] + (k,))
    return np.take_along_axis(x, idx, -1), idx.astype(np.int32)


@given(data=st.data())
def test_top_k_matches_a_stable_descending_sort(data):
    x = data.draw(arrays([np.bool_, np.int8, np.uint8, np.int64, np.float16, BF16, np.float32, np.float64]))
    k = data.draw(st.integers(0, x.shape[-1]))
    values, indices = S.top_k(Array(x), k)
    want_values, want_indices = _top_k_oracle(x, k)
    _same(indices, want_indices)
    _same(values, want_values)


@pytest.mark.parametrize("dtype, fill", [(np.int8, "ties"), (np.uint32, "distinct"), (np.uint32, "ties"),
                                         *[(d, f) for d in (np.float16, np.float32, np.float64)
                                           for f in ("distinct", "ties", "specials")]])
def test_top_k_of_long_rows_matches_a_stable_descending_sort(dtype, fill):
    # few of many: found by a partition where each row's k-th largest is unique, else by a sort
    rng = np.random.default_rng(7)
    x = rng.permutation(np.arange(6 * 300)).reshape(6, 300).astype(np.float64)
    if fill == "ties":
        x = rng.integers(0, 40, (6, 300)).astype(np.float64)
    elif fill == "specials":
        x[:, rng.integers(0, 300, 30)] = rng.choice(SPECIALS, 30)
    x = x.astype(dtype)
    for k in (1, 5, 37):
        values, indices = S.top_k(Array(x), k)
        want_values, want_indices = _top_k_oracle(x, k)
        _same(indices, want_indices)
        _same(values, want_values)


def test_top_k_breaks_ties_by_lower_index_and_counts_nan_as_largest():
    values, indices = S.top_k(Array(np.array([[1.0, np.nan, 5.0, 5.0, np.inf]], np.float32)), 4)
    assert indices.tolist() == [[1, 4, 2, 3]]
    assert indices.dtype == np.int32


@pytest.mark.parametrize("x, k, error, match", [
    (np.zeros(3), 4, ShapeError, "k=4"),
    (np.zeros(3), -1, ShapeError, "k=-1"),
    (np.float32(1.0), 1, ShapeError, "0-d"),
    (np.zeros(3, np.complex64), 1, DTypeError, "complex64"),
])
def test_top_k_errors_name_the_fix(x, k, error, match):
    with pytest.raises(error, match=match) as e:
        S.top_k(Array(x), k)
    assert "fix:" in str(e.value)
