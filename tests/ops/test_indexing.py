"""The indexing primitives against reference implementations written from XLA's specification
(plain loops over output / update elements), and against NumPy where it has the same operation."""
import numpy as np
import pytest
from hypothesis import given, strategies as st
from hypothesis.extra import numpy as hnp

import fluxion.numpy as fnp
from fluxion.core import dtypes
from fluxion.core.array import Array
from fluxion.core.errors import DTypeError, ShapeError
from fluxion.ops import indexing as I

from _arrays import sample

DTYPES = dtypes.ALL
MODES = ("clip", "fill", "promise_in_bounds")
shapes = hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4)


def same(out: Array, expected: np.ndarray) -> None:
    """Equal values (NaN equal to NaN, bfloat16 compared in float32), shapes and dtypes."""
    assert out.shape == expected.shape and out.dtype == expected.dtype
    widen = (lambda v: v.astype(np.float32)) if expected.dtype == dtypes.bfloat16 else (lambda v: v)
    np.testing.assert_array_equal(widen(np.asarray(out)), widen(expected))


def check(out: Array, expected: np.ndarray, weak: bool = False):
    assert isinstance(out, Array) and out.weak == weak
    same(out, expected)


# dynamic_slice / dynamic_update_slice --------------------------------------------------------
def _clamp(starts, shape, sizes):
    return [min(max(s, 0), n - k) for s, n, k in zip(starts, shape, sizes)]


@given(st.data())
def test_dynamic_slice_clamps_starts_like_xla(data):
    shape = data.draw(shapes)
    x = sample(data.draw(st.integers(0, 99)), shape, data.draw(st.sampled_from(DTYPES)))
    sizes = [data.draw(st.integers(0, n)) for n in shape]
    starts = [data.draw(st.integers(-6, 6)) for _ in shape]
    index_dtype = data.draw(st.sampled_from(dtypes.INTEGER))
    start_arrays = [fnp.asarray(np.asarray(s).astype(index_dtype)) if s >= 0 or index_dtype in dtypes.SIGNED else s
                    for s in starts]
    lo = _clamp(starts, shape, sizes)
    expected = x[tuple(slice(a, a + k) for a, k in zip(lo, sizes))]
    check(I.dynamic_slice(fnp.asarray(x), start_arrays, sizes), expected)


@given(st.data())
def test_dynamic_update_slice_clamps_starts_like_xla(data):
    shape = data.draw(shapes)
    dtype = data.draw(st.sampled_from(DTYPES))
    x = sample(data.draw(st.integers(0, 99)), shape, dtype)
    update = sample(data.draw(st.integers(0, 99)), tuple(data.draw(st.integers(0, n)) for n in shape), dtype)
    starts = [data.draw(st.integers(-6, 6)) for _ in shape]
    lo = _clamp(starts, shape, update.shape)
    expected = x.copy()
    expected[tuple(slice(a, a + k) for a, k in zip(lo, update.shape))] = update
    check(I.dynamic_update_slice(fnp.asarray(x), fnp.asarray(update), starts), expected)


def test_dynamic_slice_of_the_whole_array_returns_it_unchanged():
    x = fnp.arange(6).reshape(2, 3)
    assert I.dynamic_slice(x, (5, -2), (2, 3)) is x


def test_dynamic_slice_keeps_a_weak_type():
    x = Array(np.arange(3.0, dtype=np.float32), weak=True)
    assert I.dynamic_slice(x, (1,), (2,)).weak


@pytest.mark.parametrize("starts, sizes, error, words", [
    ((0,), (1, 1), ShapeError, "start indices"),
    ((0, 0), (3, 1), ShapeError, "slice_sizes"),
    ((0, 0), (1, -1), ShapeError, "slice_sizes"),
    ((0.5, 0), (1, 1), DTypeError, "integer"),
    ((np.zeros(2, int), 0), (1, 1), ShapeError, "0-d"),
])
def test_dynamic_slice_errors_name_the_fix(starts, sizes, error, words):
    with pytest.raises(error, match=words) as info:
        I.dynamic_slice(fnp.zeros((2, 3)), [fnp.asarray(s) for s in starts], sizes)
    assert "fix:" in str(info.value)


@pytest.mark.parametrize("update, error, words", [
    (np.zeros((3, 1), np.float32), ShapeError, "does not fit"),
    (np.zeros(2, np.float32), ShapeError, "does not fit"),
    (np.zeros((1, 1), np.int32), DTypeError, "astype"),
])
def test_dynamic_update_slice_errors_name_the_fix(update, error, words):
    with pytest.raises(error, match=words):
        I.dynamic_update_slice(fnp.zeros((2, 3)), fnp.asarray(update), (0, 0))


# gather / scatter: references written from the XLA specification ----------------------------
def _start(operand_shape, vector, batch, start_map, obatch, ibatch):
    start = [0] * len(operand_shape)
    for k, d in enumerate(start_map):
        start[d] = int(vector[k])
    for d, b in zip(obatch, ibatch):
        start[d] = batch[b]
    return start


def ref_gather(operand, indices, dn, sizes, mode, fill):
    windows = [d for d in range(operand.ndim) if d not in dn.collapsed_slice_dims and d not in dn.operand_batching_dims]
    rank = indices.ndim - 1 + len(dn.offset_dims)
    batch_shape, window_sizes = iter(indices.shape[:-1]), iter(sizes[d] for d in windows)
    shape = tuple(next(window_sizes) if i in dn.offset_dims else next(batch_shape) for i in range(rank))
    out = np.empty(shape, operand.dtype)
    for at in np.ndindex(*shape):
        batch = [at[i] for i in range(rank) if i not in dn.offset_dims]
        start = _start(operand.shape, indices[tuple(batch)], batch, dn.start_index_map, dn.operand_batching_dims,
                       dn.start_indices_batching_dims)
        inside = all(0 <= start[d] <= operand.shape[d] - sizes[d] for d in range(operand.ndim))
        if mode == "fill" and not inside:
            out[at] = fill
            continue
        full = _clamp(start, operand.shape, sizes)
        for k, d in enumerate(windows):
            full[d] += at[dn.offset_dims[k]]
        out[at] = operand[tuple(full)]
    return out


_COMBINE = {"set": lambda old, new: new, "add": lambda a, b: a + b, "mul": lambda a, b: a * b,
            "min": lambda a, b: min(a, b), "max": lambda a, b: max(a, b)}


def ref_scatter(kind, operand, indices, updates, dn, mode):
    out = operand.copy()
    skipped = set(dn.inserted_window_dims) | set(dn.operand_batching_dims)
    windows = [d for d in range(operand.ndim) if d not in skipped]
    sizes = [1] * operand.ndim
    for k, d in enumerate(windows):
        sizes[d] = updates.shape[dn.update_window_dims[k]]
    for at in np.ndindex(*updates.shape):
        batch = [at[i] for i in range(updates.ndim) if i not in dn.update_window_dims]
        start = _start(operand.shape, indices[tuple(batch)], batch, dn.scatter_dims_to_operand_dims,
                       dn.operand_batching_dims, dn.scatter_indices_batching_dims)
        if mode == "clip":
            start = _clamp(start, operand.shape, sizes)
        elif not all(0 <= start[d] <= operand.shape[d] - sizes[d] for d in range(operand.ndim)):
            continue
        for k, d in enumerate(windows):
            start[d] += at[dn.update_window_dims[k]]
        out[tuple(start)] = _COMBINE[kind](out[tuple(start)], updates[at])
    return out


@st.composite
def gather_problems(draw):
    """A random operand, indices, dimension numbers and window sizes (batching axes included)."""
    shape = draw(hnp.array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=4))
    axes = draw(st.permutations(range(len(shape))))
    n_batching = draw(st.integers(0, min(1, len(shape))))
    obatch, rest = sorted(axes[:n_batching]), axes[n_batching:]
    n_collapsed = draw(st.integers(0, len(rest)))
    collapsed, windows = sorted(rest[:n_collapsed]), sorted(rest[n_collapsed:])
    indexable = [d for d in range(len(shape)) if d not in obatch]
    start_map = draw(st.permutations(indexable))[:draw(st.integers(0, len(indexable)))]
    batch_shape = list(draw(hnp.array_shapes(min_dims=n_batching, max_dims=2, min_side=0, max_side=3)))
    ibatch = draw(st.permutations(range(len(batch_shape))))[:n_batching]
    for d, b in zip(obatch, ibatch):
        batch_shape[b] = shape[d]
    rank = len(batch_shape) + len(windows)
    offset = sorted(draw(st.permutations(range(rank)))[:len(windows)])
    sizes = tuple(draw(st.integers(0, shape[d])) if d in windows else 1 for d in range(len(shape)))
    index_dtype = draw(st.sampled_from(dtypes.INTEGER))
    lo = 0 if index_dtype in dtypes.UNSIGNED else -2
    indices = draw(hnp.arrays(index_dtype, tuple(batch_shape) + (len(start_map),), elements=st.integers(lo, 5)))
    dn = I.GatherDimensionNumbers(tuple(offset), tuple(collapsed), tuple(start_map), tuple(obatch), tuple(ibatch))
    return shape, indices, dn, sizes


@given(gather_problems(), st.sampled_from(MODES), st.sampled_from(DTYPES), st.integers(0, 99))
def test_gather_matches_the_xla_specification(problem, mode, dtype, seed):
    shape, indices, dn, sizes = problem
    x = sample(seed, shape, dtype)
    fill = I.default_fill_value(np.dtype(dtype))
    out = I.gather(fnp.asarray(x), fnp.asarray(indices), dn, sizes, mode=mode)
    same(out, ref_gather(x, indices, dn, sizes, mode, fill))


@given(gather_problems(), st.sampled_from(MODES), st.sampled_from(("set", "add", "mul", "min", "max")),
       st.sampled_from((dtypes.int32, dtypes.float32, dtypes.uint8)), st.integers(0, 99))
def test_scatter_matches_the_xla_specification(problem, mode, kind, dtype, seed):
    shape, indices, gdn, sizes = problem
    x = sample(seed, shape, dtype)
    windows = [d for d in range(len(shape)) if d not in gdn.collapsed_slice_dims and d not in gdn.operand_batching_dims]
    batch, window_sizes = iter(indices.shape[:-1]), iter(sizes[d] for d in windows)
    rank = indices.ndim - 1 + len(windows)
    updates = sample(seed + 1, tuple(next(window_sizes) if i in gdn.offset_dims else next(batch) for i in range(rank)),
                     dtype)
    if kind == "set":  # repeated targets are written in an unspecified order: use one value everywhere
        updates = np.full_like(updates, updates.flat[0] if updates.size else 0)
    dn = I.ScatterDimensionNumbers(*gdn)
    fn = I.scatter if kind == "set" else getattr(I, f"scatter_{kind}")
    out = fn(fnp.asarray(x), fnp.asarray(indices), fnp.asarray(updates), dn, mode=mode)
    with np.errstate(over="ignore"):
        expected = ref_scatter(kind, x, indices, updates, dn, "fill" if mode == "promise_in_bounds" else mode)
    np.testing.assert_allclose(np.asarray(out), expected, rtol=1e-6)
    assert out.dtype == x.dtype and out.shape == x.shape


def test_gather_reads_fill_value_or_the_dtype_default_out_of_bounds():
    dn = I.GatherDimensionNumbers(offset_dims=(), collapsed_slice_dims=(0,), start_index_map=(0,))
    idx = fnp.asarray([[1], [3], [-1]])
    assert I.gather(fnp.asarray([1.0, 2.0]), idx, dn, (1,), mode="fill", fill_value=-9).tolist() == [2.0, -9.0, -9.0]
    assert np.isnan(I.gather(fnp.asarray([1.0, 2.0]), idx, dn, (1,)).tolist()[1:]).all()  # default mode is fill
    assert I.gather(fnp.asarray([1, 2], dtype=fnp.int8), idx, dn, (1,)).tolist() == [2, -128, -128]
    assert I.gather(fnp.asarray([1, 2], dtype=fnp.uint8), idx, dn, (1,)).tolist() == [2, 255, 255]
    assert I.gather(fnp.asarray([False, False]), idx, dn, (1,)).tolist() == [False, True, True]
    assert I.gather(fnp.asarray([1.0, 2.0]), idx, dn, (1,), mode="clip").tolist() == [2.0, 2.0, 1.0]


def test_scatter_drop_mode_is_the_default_and_drop_means_fill():
    dn = I.ScatterDimensionNumbers(update_window_dims=(), inserted_window_dims=(0,), scatter_dims_to_operand_dims=(0,))
    idx, upd = fnp.asarray([[0], [5]]), fnp.asarray([1.0, 2.0])
    assert I.scatter_add(fnp.zeros(2), idx, upd, dn).tolist() == [1.0, 0.0]
    assert I.scatter_add(fnp.zeros(2), idx, upd, dn, mode="drop").tolist() == [1.0, 0.0]
    assert I.scatter_add(fnp.zeros(2), idx, upd, dn, mode="clip").tolist() == [1.0, 2.0]


def test_scatter_add_accumulates_repeated_indices_and_bool_add_is_or():
    dn = I.ScatterDimensionNumbers(update_window_dims=(1,), inserted_window_dims=(0,),
                                   scatter_dims_to_operand_dims=(0,))
    out = I.scatter_add(fnp.zeros((2, 2), dtype=int), fnp.asarray([[1], [1], [0]]),
                        fnp.asarray([[1, 2], [3, 4], [5, 6]]), dn)
    assert out.tolist() == [[5, 6], [4, 6]]
    out = I.scatter_add(fnp.asarray([False, False]), fnp.asarray([[1], [1]]), fnp.asarray([True, True]),
                        I.ScatterDimensionNumbers((), (0,), (0,)))
    assert out.tolist() == [False, True]


def test_scatter_min_and_max_propagate_nan():
    dn = I.ScatterDimensionNumbers((), (0,), (0,))
    for fn in (I.scatter_min, I.scatter_max):
        out = fn(fnp.asarray([1.0, 2.0]), fnp.asarray([[0]]), fnp.asarray([np.nan], dtype=fnp.float32), dn)
        assert np.isnan(out.tolist()[0]) and out.tolist()[1] == 2.0


def test_gather_and_scatter_keep_the_operand_weak_type():
    x = Array(np.arange(3.0, dtype=np.float32), weak=True)
    dn = I.GatherDimensionNumbers((), (0,), (0,))
    assert I.gather(x, fnp.asarray([[1]]), dn, (1,)).weak
    out = I.scatter(x, fnp.asarray([[1]]), fnp.asarray([5.0], dtype=fnp.float32), I.ScatterDimensionNumbers(*dn))
    assert out.weak and out.tolist() == [0.0, 5.0, 2.0]


def test_dimension_numbers_given_as_lists_are_accepted():
    dn = I.GatherDimensionNumbers([], [0], [0])
    assert I.gather(fnp.asarray([4, 5]), fnp.asarray([[1]]), dn, [1]).tolist() == [5]


# errors ---------------------------------------------------------------------------------------
G = I.GatherDimensionNumbers


@pytest.mark.parametrize("operand, indices, dn, sizes, kwargs, error, words", [
    ((3,), np.zeros((2, 1), np.float32), G((), (0,), (0,)), (1,), {}, DTypeError, "indices must be integers"),
    ((3,), np.zeros((), int), G((), (0,), (0,)), (1,), {}, ShapeError, "at least 1 axis"),
    ((3,), np.zeros((2, 2), int), G((), (0,), (0,)), (1,), {}, ShapeError, "index vectors have length 2"),
    ((3, 4), np.zeros((2, 1), int), G((1, 0), (), (0,)), (1, 4), {}, ShapeError, "increasing order"),
    ((3, 4), np.zeros((2, 1), int), G((5,), (0,), (0,)), (1, 4), {}, ShapeError, "distinct axes"),
    ((3, 4), np.zeros((2, 1), int), G((1,), (), (0,)), (1, 4), {}, ShapeError, "account for"),
    ((3, 4), np.zeros((2, 1), int), G((1,), (0,), (0,)), (2, 4), {}, ShapeError, "must be 1"),
    ((3, 4), np.zeros((2, 1), int), G((1,), (0,), (0,)), (1, 5), {}, ShapeError, "do not fit"),
    ((3, 4), np.zeros((2, 1), int), G((1,), (0,), (0,)), (1,), {}, ShapeError, "do not fit"),
    ((3, 4), np.zeros((2, 1), int), G((1,), (), (0,), (0,), (0,)), (1, 4), {}, ShapeError, "overlap"),
    ((3, 4), np.zeros((2, 0), int), G((1,), (), (), (0,), (0,)), (1, 4), {}, ShapeError, "equal size"),
    ((3,), np.zeros((2, 1), int), G((), (0,), (0,)), (1,), {"mode": "wrap"}, ValueError, "mode"),
    ((3,), np.zeros((2, 1), int), ((), (0,), (0,)), (1,), {}, TypeError, "GatherDimensionNumbers"),
])
def test_gather_errors_name_the_fix(operand, indices, dn, sizes, kwargs, error, words):
    with pytest.raises(error, match=words) as info:
        I.gather(fnp.zeros(operand), fnp.asarray(indices), dn, sizes, **kwargs)
    assert "fix:" in str(info.value)


S = I.ScatterDimensionNumbers


@pytest.mark.parametrize("updates, dn, error, words", [
    (np.zeros((2, 4), np.int32), S((1,), (0,), (0,)), DTypeError, "updates have dtype"),
    (np.zeros((2, 4, 1), np.float32), S((1,), (0,), (0,)), ShapeError, "scatter axes"),
    (np.zeros((3, 4), np.float32), S((1,), (0,), (0,)), ShapeError, "do not match"),
    (np.zeros((2, 5), np.float32), S((1,), (0,), (0,)), ShapeError, "do not match"),
    (np.zeros(2, np.float32), S((), (0,), (0,)), ShapeError, "account for"),
    (np.zeros((2, 4), np.float32), G((1,), (0,), (0,)), TypeError, "ScatterDimensionNumbers"),
])
def test_scatter_errors_name_the_fix(updates, dn, error, words):
    with pytest.raises(error, match=words) as info:
        I.scatter_add(fnp.zeros((3, 4)), fnp.asarray(np.zeros((2, 1), int)), fnp.asarray(updates), dn)
    assert "fix:" in str(info.value)


def test_scatter_rejects_an_unknown_mode():
    with pytest.raises(ValueError, match="mode"):
        I.scatter(fnp.zeros(3), fnp.asarray([[0]]), fnp.zeros(1), S((), (0,), (0,)), mode="wrap")


def test_gather_rejects_a_fill_value_the_dtype_cannot_hold():
    with pytest.raises(TypeError, match="fill_value"):
        I.gather(fnp.zeros(3, dtype=int), fnp.asarray([[0]]), G((), (0,), (0,)), (1,), fill_value="x")
