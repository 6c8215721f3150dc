"""fluxion.numpy sorting, searching and set functions against NumPy (and traced against eager)."""
import functools
import itertools

import ml_dtypes
import numpy as np
import pytest
from hypothesis import given, strategies as st

import fluxion as fx
import fluxion.numpy as fnp
from fluxion.core.errors import ConcretizationError, DTypeError, ShapeError

from _arrays import arrays_with_ties
from _tracing import traced

BF16 = np.dtype(ml_dtypes.bfloat16)
LOW = (np.dtype(np.float16), BF16)
REAL = [np.bool_, np.int8, np.int64, np.uint8, np.uint32, np.float16, BF16, np.float32, np.float64]
ALL = REAL + [np.complex64, np.complex128]
SPECIALS = [np.nan, np.inf, -np.inf, -0.0, 0.0]
arrays = functools.partial(arrays_with_ties, specials=SPECIALS)


def _key(x):
    return x.astype(np.float32) if x.dtype in LOW else x


def _same(got, want):
    g, w = np.asarray(got), np.asarray(want)
    assert g.dtype == w.dtype, (g.dtype, w.dtype)
    assert g.shape == w.shape, (g.shape, w.shape)
    np.testing.assert_array_equal(_key(g), _key(w))


def _axis(data, ndim):
    return data.draw(st.one_of(st.none(), st.integers(-ndim, ndim - 1)))


def _descending_order(row):
    """Indices of a 1-d row sorted largest first, NaN first, equal elements in their order."""
    key = lambda i: (bool(np.isnan(row[i])), 0.0 if np.isnan(row[i]) else row[i])  # noqa: E731
    return sorted(range(len(row)), key=key, reverse=True)


# sort, argsort --------------------------------------------------------------------------------
@given(data=st.data())
def test_sort_and_argsort_match_numpy_stable_sort(data):
    x = data.draw(arrays(ALL))
    axis = _axis(data, x.ndim)
    _same(fnp.sort(fnp.asarray(x), axis=axis), np.sort(_key(x), axis=axis, kind="stable").astype(x.dtype))
    _same(fnp.argsort(fnp.asarray(x), axis=axis, stable=True), np.argsort(_key(x), axis=axis, kind="stable"))


@given(data=st.data())
def test_descending_sort_is_stable_with_nans_first(data):
    x = data.draw(arrays(REAL, max_dims=2)).astype(np.float64)
    axis = data.draw(st.integers(-x.ndim, x.ndim - 1))
    moved = np.moveaxis(x, axis, -1)
    rows = moved.reshape(int(np.prod(moved.shape[:-1])), moved.shape[-1])
    order = np.array([_descending_order(r) for r in rows], np.int64).reshape(moved.shape)
    want_idx = np.moveaxis(order, -1, axis)
    _same(fnp.argsort(fnp.asarray(x), axis=axis, descending=True), want_idx)
    _same(fnp.sort(fnp.asarray(x), axis=axis, descending=True), np.take_along_axis(x, want_idx, axis))


def test_sort_orders_nans_last_and_keeps_signed_zeros_in_place():
    x = np.array([0.0, np.nan, -0.0, -1.0, 0.0], np.float32)
    assert fnp.argsort(fnp.asarray(x)).tolist() == [3, 0, 2, 4, 1]
    assert np.signbit(np.asarray(fnp.sort(fnp.asarray(x)))).tolist() == [True, False, True, False, False]


def test_sort_accepts_numpy_kinds_and_methods_forward():
    x = fnp.asarray([[3, 1, 2], [0, 5, 4]])
    for kind in ("quicksort", "mergesort", "heapsort", "stable"):
        assert fnp.sort(x, kind=kind).tolist() == [[1, 2, 3], [0, 4, 5]]
    assert x.argsort(axis=0).tolist() == [[1, 0, 0], [0, 1, 1]]
    assert x.argsort(axis=None).tolist() == [3, 1, 2, 0, 5, 4]
    assert fnp.sort(fnp.asarray(7), axis=None).tolist() == [7]


# partition ------------------------------------------------------------------------------------
@given(data=st.data())
def test_partition_puts_the_kth_element_in_place(data):
    x = data.draw(arrays([np.int32, np.float32, np.float64], min_dims=1))
    axis = data.draw(st.integers(-x.ndim, x.ndim - 1))
    if x.shape[axis] == 0:
        return
    kth = data.draw(st.integers(-x.shape[axis], x.shape[axis] - 1))
    got = np.asarray(fnp.partition(fnp.asarray(x), kth, axis=axis))
    want = np.partition(x, kth, axis=axis)
    np.testing.assert_array_equal(np.take(got, kth, axis), np.take(want, kth, axis))
    idx = np.asarray(fnp.argpartition(fnp.asarray(x), [kth], axis=axis))
    np.testing.assert_array_equal(np.take_along_axis(x, idx, axis), got)


@pytest.mark.parametrize("axis", [-1, 0, None, 1])
def test_argsorts_of_a_0d_array_index_it_as_one_element_and_sorts_refuse_an_axis_as_numpy(axis):
    x = np.array(2.5)
    for name, args in (("argsort", ()), ("argpartition", (0,)), ("sort", ()), ("partition", (0,))):
        try:
            want = getattr(np, name)(x, *args, axis=axis)
        except np.exceptions.AxisError:
            with pytest.raises(ShapeError, match="out of range"):
                getattr(fnp, name)(fnp.asarray(x), *args, axis=axis)
            continue
        _same(getattr(fnp, name)(fnp.asarray(x), *args, axis=axis), want)


@pytest.mark.parametrize("fn", [fnp.partition, fnp.argpartition])
def test_partition_rejects_kth_out_of_range(fn):
    with pytest.raises(ShapeError, match="kth") as e:
        fn(fnp.asarray([1, 2, 3]), 3)
    assert "fix:" in str(e.value)
    with pytest.raises(TypeError, match="kth"):
        fn(fnp.asarray([1, 2, 3]), 1.5)


# lexsort --------------------------------------------------------------------------------------
@given(data=st.data())
def test_lexsort_matches_numpy(data):
    first = data.draw(arrays(ALL))
    keys = [first] + [data.draw(arrays(ALL, shape=first.shape)) for _ in range(data.draw(st.integers(0, 2)))]
    axis = data.draw(st.integers(-first.ndim, first.ndim - 1))
    want = np.lexsort([_key(k) for k in keys], axis=axis)
    _same(fnp.lexsort([fnp.asarray(k) for k in keys], axis=axis), want)


def test_lexsort_takes_the_rows_of_an_array_as_keys():
    keys = np.array([[2, 9, 1, 3], [1, 0, 1, 0]])
    assert fnp.lexsort(fnp.asarray(keys)).tolist() == np.lexsort(keys).tolist()


# searchsorted ---------------------------------------------------------------------------------
@given(data=st.data())
def test_searchsorted_matches_numpy_including_nans(data):
    a = np.sort(_key(data.draw(arrays(REAL, max_dims=1))))
    v = data.draw(arrays([a.dtype], min_dims=0, max_dims=2))
    side = data.draw(st.sampled_from(["left", "right"]))
    got = fnp.searchsorted(fnp.asarray(a), fnp.asarray(v), side=side)
    _same(got, np.searchsorted(a, v, side=side).astype(np.int64))


def test_searchsorted_uses_sorter_and_promotes_scalars():
    a = np.array([3.0, 1.0, 2.0])
    sorter = np.argsort(a)
    got = fnp.searchsorted(fnp.asarray(a), fnp.asarray([2.5, 0.0]), sorter=fnp.asarray(sorter))
    assert got.tolist() == np.searchsorted(a, [2.5, 0.0], sorter=sorter).tolist()
    assert fnp.searchsorted(fnp.asarray([1, 2, 3]), 2, side="right").item() == 2
    assert fnp.asarray([1, 2, 3]).searchsorted(fnp.asarray(2)).item() == 1


# unique ---------------------------------------------------------------------------------------
@given(data=st.data())
def test_array_api_unique_functions_match_numpy_with_distinct_nans(data):
    x = data.draw(arrays(REAL, min_dims=0))
    w = _key(x)
    values, indices, inverse, counts = np.unique(w, return_index=True, return_inverse=True, return_counts=True,
                                                 equal_nan=False)
    got = fnp.unique_all(fnp.asarray(x))
    _same(got.values, values.astype(x.dtype))
    _same(got.indices, indices)
    _same(got.inverse_indices, inverse.reshape(x.shape))
    _same(got.counts, counts)
    _same(fnp.unique_values(fnp.asarray(x)), values.astype(x.dtype))
    _same(fnp.unique_counts(fnp.asarray(x)).counts, counts)
    _same(fnp.unique_inverse(fnp.asarray(x)).inverse_indices, inverse.reshape(x.shape))


def test_unique_values_keeps_every_nan():
    got = fnp.unique_values(fnp.asarray(np.array([np.nan, 1.0, np.nan], BF16)))
    assert got.dtype == BF16 and np.isnan(np.asarray(got, np.float32)).sum() == 2


@given(data=st.data())
def test_numpy_unique_matches_numpy(data):
    x = data.draw(arrays(REAL, min_dims=1, max_dims=2))
    flags = data.draw(st.tuples(st.booleans(), st.booleans(), st.booleans()))
    axis = data.draw(st.sampled_from([None, 0]))
    equal_nan = data.draw(st.booleans())
    if axis is not None and x.size == 0:
        return
    want = np.unique(_key(x), *flags, axis=axis, equal_nan=equal_nan)
    got = fnp.unique(fnp.asarray(x), *flags, axis=axis, equal_nan=equal_nan, sorted=data.draw(st.booleans()))
    if not any(flags):
        got, want = (got,), (want,)
    assert len(got) == len(want)
    _same(got[0], want[0].astype(x.dtype))
    inverse = 1 + flags[0] if flags[1] else None
    for i, (g, w) in enumerate(zip(got, want)):
        if i == inverse and not equal_nan and np.isnan(_key(x)).sum() > 1:
            # NumPy's sort, not stable here, numbers distinct NaNs in any order: the inverse must rebuild x
            values, g = np.asarray(got[0]), np.asarray(g)
            rebuilt = values[g] if axis is None else np.take(values, g.ravel(), axis=0)
            _same(rebuilt, x.reshape(rebuilt.shape))
        elif i:
            _same(g, w.astype(np.int64))


def test_unique_values_are_taken_from_the_input_with_their_derivatives():
    x = np.array([3.0, 1.0, 3.0, np.nan, 2.0, np.nan])
    for f, distinct_nans in ((fnp.unique, False), (fnp.unique_values, True), (lambda x: fnp.unique_all(x).values, True)):
        values, first = np.unique(x, return_index=True, equal_nan=not distinct_nans)
        want = np.zeros((values.size, x.size))
        want[np.arange(values.size), first] = 1.0
        np.testing.assert_array_equal(fx.jacrev(f)(fnp.asarray(x)), want)
    rows = fnp.asarray([[1.0, 2.0], [1.0, 2.0], [0.0, 5.0]])
    g = fx.grad(lambda m: fnp.sum(fnp.unique(m, axis=0) * fnp.asarray([[1.0, 2.0], [3.0, 4.0]])))(rows)
    np.testing.assert_array_equal(g, [[3.0, 4.0], [0.0, 0.0], [1.0, 2.0]])  # rows 2 and 0 are the distinct ones


@pytest.mark.parametrize("fn", [fnp.unique, fnp.unique_values, fnp.unique_all, fnp.unique_counts, fnp.unique_inverse])
def test_unique_is_eager_only_and_says_so_under_tracing(fn):
    with pytest.raises(ConcretizationError, match=f"fnp.{fn.__name__}") as e:
        traced(fn, fnp.asarray([1, 2, 2]))
    assert "fix: pass size=N" in str(e.value)


# traced evaluation equals eager ---------------------------------------------------------------
TRACEABLE = [
    lambda x: fnp.sort(x, axis=0),
    lambda x: fnp.sort(x, axis=None, descending=True),
    lambda x: fnp.argsort(x, axis=1, descending=True),
    lambda x: fnp.partition(x, 1, axis=0),
    lambda x: fnp.argpartition(x, 1),
    lambda x: fnp.lexsort((x * 2.0, fnp.negative(x)), axis=0),
    lambda x: fnp.searchsorted(fnp.sort(x, axis=None), x, side="right"),
]


@pytest.mark.parametrize("fn", TRACEABLE)
def test_sorting_gives_the_same_result_traced_as_eager(fn):
    x = fnp.asarray(np.array([[1.0, np.nan, 2.5], [4.0, -1.0, 2.5], [2.0, 2.0, 7.0]], np.float32))
    np.testing.assert_array_equal(np.asarray(traced(fn, x)), np.asarray(fn(x)))


# errors ---------------------------------------------------------------------------------------
ERRORS = [
    (lambda: fnp.sort(np.float32(1.0)), ShapeError, "axis=None"),
    (lambda: fnp.sort(np.zeros(3), axis=1), ShapeError, "out of range"),
    (lambda: fnp.sort(np.zeros(3), kind="bogo"), ValueError, "kind"),
    (lambda: fnp.argsort(np.zeros(3), order="f"), TypeError, "order="),
    (lambda: fnp.argsort(np.zeros(3), axis=(0,)), TypeError, "int"),
    (lambda: fnp.searchsorted(np.zeros((2, 2)), 1.0), ShapeError, "1-d"),
    (lambda: fnp.searchsorted(np.zeros(2), 1.0, side="middle"), ValueError, "side"),
    (lambda: fnp.searchsorted(np.zeros(2), 1.0, sorter=np.zeros(2)), DTypeError, "sorter"),
    (lambda: fnp.searchsorted(np.zeros(2), 1.0, sorter=np.zeros(3, int)), ShapeError, "sorter"),
    (lambda: fnp.lexsort([]), ValueError, "at least one"),
    (lambda: fnp.lexsort([np.zeros(2), np.zeros(3)]), ShapeError, "same shape"),
    (lambda: fnp.lexsort(np.float32(1.0)), ShapeError, "0-d"),
    (lambda: fnp.unique(np.zeros((2, 2)), axis=2), ShapeError, "out of range"),
]


@pytest.mark.parametrize("call, error, match", ERRORS)
def test_errors_name_the_problem_and_the_fix(call, error, match):
    with pytest.raises(error, match=match) as e:
        call()
    assert "fix:" in str(e.value)


def _unique_padded(x, size, fill, equal_nan):
    """NumPy's unique values, first indices and counts cut or padded to `size` (values with `fill`, or
    the smallest; indices with the smallest's; counts with 0), and its inverse."""
    v, i, inv, c = np.unique(x, True, True, True, equal_nan=equal_nan)
    pad = max(size - len(v), 0)
    fill = (v[0] if len(v) else 0) if fill is None else fill
    return (np.concatenate([v[:size], np.full(pad, fill, x.dtype)]),
            np.concatenate([i[:size], np.full(pad, i[0] if len(v) else 0)]).astype(np.int64),
            inv.reshape(x.shape).astype(np.int64), np.concatenate([c[:size], np.zeros(pad, np.int64)]))


@pytest.mark.parametrize("dt", [np.float32, np.float64, np.int32, np.complex64, np.bool_])
@pytest.mark.parametrize("shape", [(7,), (3, 4), (1,), (2, 0, 3)])
def test_unique_with_size_cuts_or_pads_numpys_result_eager_and_under_jit(dt, shape):
    rng = np.random.default_rng(0)
    for size, fill, equal_nan in itertools.product((0, 1, 3, 15), (None, 5), (True, False)):
        x = rng.integers(0, 4, shape).astype(dt)
        if np.dtype(dt).kind == "f" and x.size:
            x.flat[rng.integers(0, x.size, 2)] = np.nan
            x.flat[0] = -0.0
        if x.size == 0 and fill is None and size:
            continue
        f = lambda a: fnp.unique(a, True, True, True, size=size, fill_value=fill, equal_nan=equal_nan)  # noqa: E731
        expected = _unique_padded(x, size, fill, equal_nan)
        traced = (fx.jit(f)(fnp.asarray(x)),) if size == 3 and equal_nan else ()  # compiled once per case
        for out in (f(fnp.asarray(x)), *traced):
            for o, e in zip(out, expected):
                assert o.shape == e.shape and o.dtype == e.dtype, (size, fill, equal_nan, o, e)
                np.testing.assert_array_equal(np.asarray(o), e)
    rows = np.array([[1, 1, 2], [3, 3, 3]])
    np.testing.assert_array_equal(np.asarray(fx.vmap(lambda a: fnp.unique(a, size=3))(fnp.asarray(rows))),
                                  [_unique_padded(r, 3, None, True)[0] for r in rows])


@pytest.mark.parametrize("size,fill", [(2, None), (8, -1.0)])
def test_array_api_unique_functions_with_size_pad_numpys_distinct_nan_result(size, fill):
    x = np.array([[3.0, 1.0, np.nan], [3.0, 2.0, np.nan]])
    expected = _unique_padded(x, size, fill, False)  # values, first indices, inverse, counts
    picks = {"unique_values": (0,), "unique_counts": (0, 3), "unique_inverse": (0, 2), "unique_all": (0, 1, 2, 3)}
    for name, fields in picks.items():
        f = functools.partial(getattr(fnp, name), size=size, fill_value=fill)
        for out in (f(fnp.asarray(x)), fx.jit(f)(fnp.asarray(x))):
            out = out if isinstance(out, tuple) else (out,)
            for o, k in zip(out, fields, strict=True):
                np.testing.assert_array_equal(np.asarray(o), expected[k])
    a, b = np.array([3, 1, 5]), np.array([[2, 1], [7, 7]])
    union = np.union1d(a, b)
    padded = np.concatenate([union, np.full(max(size - len(union), 0), union[0] if fill is None else fill)])[:size]
    for out in (fnp.union1d(a, b, size=size, fill_value=fill),
                fx.jit(lambda a, b: fnp.union1d(a, b, size=size, fill_value=fill))(a, b)):
        np.testing.assert_array_equal(np.asarray(out), padded)


def test_unique_with_size_errors_name_the_fix():
    with pytest.raises(ValueError, match="fill_value"):
        fnp.unique(fnp.zeros(0), size=2)
    with pytest.raises(TypeError, match="needs size="):
        fnp.unique(fnp.ones(2), fill_value=0)
    with pytest.raises(NotImplementedError, match="drop axis="):
        fnp.unique(fnp.ones((2, 2)), axis=0, size=2)
    with pytest.raises(fx.errors.ConcretizationError):
        fx.jit(fnp.unique)(fnp.ones(2))


@pytest.mark.parametrize("side", ["left", "right"])
def test_searchsorted_of_complex_numbers_takes_sorts_order(side):
    # by real part, then imaginary part, NaN parts last (NumPy's order, and fnp.sort's)
    a = np.sort(np.array([1 + 1j, 1 + 2j, 2, complex(2, np.nan), complex(np.nan, 0), complex(np.nan, np.nan), -1 - 1j]))
    v = np.array([1 + 1.5j, 2, 1 + 1j, np.nan, complex(2, np.nan), -5, 3j, complex(np.nan, np.nan), complex(np.nan, 5)])
    want = np.searchsorted(a, v, side)
    got = fnp.searchsorted(fnp.asarray(a), fnp.asarray(v), side)
    np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(fx.jit(lambda x, y: fnp.searchsorted(x, y, side))(a, v), want)
    np.testing.assert_array_equal(np.asarray(fnp.sort(fnp.asarray(a[::-1]))).view(np.float64), a.view(np.float64))


@pytest.mark.parametrize("dtype", [np.float64, np.int16, np.complex64, BF16])
@pytest.mark.parametrize("n", [0, 5, 4097])
def test_traced_searchsorted_beyond_counting_size_binary_searches_to_numpys_answer(dtype, n):
    # past a few thousand comparisons the traced path searches `a` (sorted first when it is not)
    # rather than comparing every pair; with NaNs, ties, a sorter, unsorted `a` and every method
    rng = np.random.default_rng(n)
    a = np.sort(rng.integers(-20, 20, n).astype(dtype) * (1 + 1j if dtype == np.complex64 else 1))
    if n > 3 and (a.dtype.kind in "fc" or a.dtype == BF16):
        a[-2:] = np.nan  # (last, as sorted)
    v = np.concatenate([a, rng.integers(-25, 25, 1000).astype(dtype)])
    shuffled = a[rng.permutation(n)]
    key = (lambda x: x.astype(np.float32)) if a.dtype == BF16 else (lambda x: x)
    for side in ("left", "right"):
        want = np.searchsorted(key(a), key(v), side)
        for method in ("scan", "compare_all"):
            search = fx.jit(lambda a, v, s=None: fnp.searchsorted(a, v, side, sorter=s, method=method))
            np.testing.assert_array_equal(search(a, v), want)
            np.testing.assert_array_equal(search(shuffled, v), want)  # the count of elements before v
            np.testing.assert_array_equal(search(shuffled, v, np.argsort(key(shuffled), kind="stable")), want)
            np.testing.assert_array_equal(search(a, v[7]), want[7])
    rows = np.sort(rng.normal(size=(3, 2000)), axis=1)
    np.testing.assert_array_equal(fx.vmap(fnp.searchsorted)(rows, rows[::-1]),
                                  [np.searchsorted(r, w) for r, w in zip(rows, rows[::-1])])


@pytest.mark.parametrize("dtype", [np.float32, np.int64, np.complex64, BF16, np.bool_])
def test_traced_isin_and_sized_sets_beyond_counting_size_match_numpy(dtype):
    # past a few thousand comparisons, traced isin searches the sorted test values
    rng = np.random.default_rng(3)
    a, b = rng.integers(0, 60, (40, 20)).astype(dtype), rng.integers(0, 60, 300).astype(dtype)
    if a.dtype.kind in "fc" or a.dtype == BF16:
        a[0, :3], b[:3] = [np.nan, -0.0, np.inf], [np.nan, 0.0, -np.inf]  # NaN in no array; -0.0 is 0.0
    key = (lambda x: x.astype(np.float64)) if a.dtype == BF16 else (lambda x: x)
    for invert in (False, True):
        np.testing.assert_array_equal(fx.jit(lambda a, b: fnp.isin(a, b, invert=invert))(a, b),
                                      np.isin(key(a), key(b), invert=invert))
    n = 200
    got = fx.jit(lambda a, b: fnp.intersect1d(a, b, size=n, fill_value=0))(a, b)
    want = np.intersect1d(key(a), key(b))
    np.testing.assert_array_equal(key(np.asarray(got)), np.pad(want, (0, n - want.size)))
    got = fx.jit(lambda a, b: fnp.setdiff1d(a, b, size=n, fill_value=0))(a, b)
    want = np.setdiff1d(key(a), key(b))
    np.testing.assert_array_equal(key(np.asarray(got)), np.pad(want, (0, n - want.size)))


def _partition_order(v, kth, axis):
    """partition's arrangement by NumPy: the kth + 1 smallest sorted stably, then the others in their order."""
    k = max(np.atleast_1d(kth) % v.shape[axis]) + 1
    first = np.take(np.argsort(_key(v), axis, kind="stable"), np.arange(k), axis)
    others = np.ones(v.shape, bool)
    np.put_along_axis(others, first, False, axis)
    return np.concatenate([first, np.take(np.argsort(~others, axis, kind="stable"), np.arange(v.shape[axis] - k),
                                          axis)], axis)


@pytest.mark.parametrize("dtype", [np.float32, BF16, np.int64, np.complex64])
@pytest.mark.parametrize("specials", [[np.nan, -0.0, 0.0, np.inf, -np.inf, np.nan], [np.nan, -0.0], [np.inf, 0.0]])
def test_partition_arrangement_is_the_same_eager_traced_and_batched(dtype, specials):
    # traced, float32-exact dtypes select by top-k (NaN beside inf needs the sort it falls back to)
    v = np.random.default_rng(1).integers(-3, 4, (4, 9, 5)).astype(dtype)
    if v.dtype.kind in "fc" or v.dtype == BF16:
        v.flat[:len(specials)] = specials
    for axis, kth in [(0, 0), (1, 2), (-1, -1), (1, (1, 3))]:
        want = _partition_order(v, kth, axis)
        values = np.ascontiguousarray(np.take_along_axis(v, want, axis)).view(np.uint8)
        for f in (lambda v: fnp.argpartition(v, kth, axis), fx.jit(lambda v: fnp.argpartition(v, kth, axis))):
            np.testing.assert_array_equal(f(v), want)
        for f in (lambda v: fnp.partition(v, kth, axis), fx.jit(lambda v: fnp.partition(v, kth, axis))):
            np.testing.assert_array_equal(np.ascontiguousarray(f(v)).view(np.uint8), values)
    rows = v.reshape(-1, 5)
    np.testing.assert_array_equal(fx.vmap(lambda r: fnp.argpartition(r, 1))(rows),
                                  [_partition_order(r, 1, 0) for r in rows])
