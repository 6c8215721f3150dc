"""Indexing against NumPy: x[idx] == np_x[idx], x.at[idx].op(v) == NumPy's copy-then-assign (or
ufunc.at), the selection functions, the modes for out-of-bounds indices, traced indices and errors."""
import re

import numpy as np
import pytest
from hypothesis import given, strategies as st
from hypothesis.extra import numpy as hnp

import fluxion as fx
import fluxion.numpy as fnp
from _arrays import raises, sample, shapes
from _tracing import traced
from fluxion.core import dtypes
from fluxion.core.errors import ConcretizationError, DTypeError, IndexOutOfBoundsError, ShapeError
from fluxion.core.interpreters import Interpreter, push, use

DTYPES = dtypes.ALL
UFUNC_AT = {"add": np.add.at, "mul": np.multiply.at, "min": np.minimum.at, "max": np.maximum.at}


def same(out, expected, dtype=None):
    """Same shape, dtype (that of `expected` unless given) and values (NaN == NaN)."""
    expected = np.asarray(expected)
    assert isinstance(out, fx.Array), type(out)
    assert out.shape == expected.shape, (out.shape, expected.shape)
    assert out.dtype == (dtype or expected.dtype), (out.dtype, expected.dtype)
    widen = (lambda v: v.astype(np.float32)) if out.dtype == dtypes.bfloat16 else (lambda v: v)
    np.testing.assert_array_equal(widen(np.asarray(out)), widen(expected.astype(out.dtype)))


# index strategy --------------------------------------------------------------------------------
def _as_user_array(draw, v: np.ndarray):
    """An integer index as a list, a NumPy array or a fluxion Array."""
    form = draw(st.sampled_from(["list", "numpy", "fluxion"]))
    return v.tolist() if form == "list" else fnp.asarray(v) if form == "fluxion" else v


@st.composite
def indices(draw, shape, masks=True, unique=False):
    """A NumPy index for `shape`: ints, slices (any step), None, one Ellipsis, integer arrays
    and lists (broadcasting, possibly separated by slices), 0-d arrays, masks, boolean scalars.
    With `unique`, no two index positions select the same element."""
    ndim = len(shape)
    adv_shape = draw(hnp.array_shapes(min_dims=0, max_dims=2, min_side=1, max_side=3))
    group = draw(st.sampled_from(["arrays", "mask", "none"] if masks else ["arrays", "none"]))
    items, covered, d = [], [], 0  # covered: how many axes each item indexes
    while d < ndim:
        n = shape[d]
        kinds = ["slice", "full"] + (["int", "zero_d"] if n else [])
        if group == "arrays" and n:
            kinds.append("array")
        if group == "mask" and not any(isinstance(i, np.ndarray) and i.dtype == bool for i in items):
            kinds.append("mask")
        kind = draw(st.sampled_from(kinds))
        if kind == "slice":
            bound = st.none() | st.integers(-n - 2, n + 2)
            items.append(slice(draw(bound), draw(bound), draw(st.sampled_from([None, 1, 2, 3, -1, -2, -3]))))
        elif kind == "full":
            items.append(slice(None))
        elif kind in ("int", "zero_d"):
            i = draw(st.integers(-n, n - 1))
            items.append(i if kind == "int" else _as_user_array(draw, np.asarray(i)))
        elif kind == "array":
            sub = list(adv_shape[draw(st.integers(0, len(adv_shape))):])
            sub = tuple(s if draw(st.booleans()) else 1 for s in sub)
            size = int(np.prod(sub))
            if unique and size > n:
                sub, size = (), 1
            if unique:
                values = np.asarray(draw(st.permutations(range(n)))[:size])
            else:
                values = np.asarray(draw(st.lists(st.integers(0, n - 1), min_size=size, max_size=size)), dtype=int)
            negate = np.asarray(draw(st.lists(st.booleans(), min_size=size, max_size=size)), dtype=bool)
            values = np.where(negate, values - n, values).reshape(sub)
            items.append(_as_user_array(draw, values.astype(draw(st.sampled_from([np.int64, np.int32, np.int8])))))
        else:
            k = draw(st.integers(1, min(2, ndim - d)))
            items.append(draw(hnp.arrays(np.bool_, shape[d:d + k])))
            covered.append(k)
            d += k
            continue
        covered.append(1)
        d += 1
    full = [i for i, it in enumerate(items) if isinstance(it, slice) and it == slice(None)]
    if full and draw(st.booleans()):  # replace a run of whole slices with an Ellipsis
        start = draw(st.sampled_from(full))
        stop = start
        while stop + 1 in full and draw(st.booleans()):
            stop += 1
        items[start:stop + 1] = [Ellipsis]
    else:  # or drop trailing whole slices
        dropped = 0
        while items and isinstance(items[-1], slice) and items[-1] == slice(None) and draw(st.booleans()):
            items.pop()
            dropped += 1
        if draw(st.integers(0, 3)) == 0:  # an Ellipsis for the axes left: after the items, or for none, anywhere
            items.insert(draw(st.integers(0, len(items))) if not dropped else len(items), Ellipsis)
    for _ in range(draw(st.integers(0, 2))):
        items.insert(draw(st.integers(0, len(items))), None)
    if group != "arrays" or all(s == 1 for s in adv_shape):
        if draw(st.integers(0, 4)) == 0:
            items.insert(draw(st.integers(0, len(items))), draw(st.booleans()) if group == "none" else True)
    if len(items) == 1 and draw(st.booleans()):
        return items[0]
    return tuple(items)


def numpy_index(idx):
    """The same index with fluxion Arrays turned into NumPy arrays (the oracle's input)."""
    if isinstance(idx, tuple):
        return tuple(numpy_index(i) for i in idx)
    return np.asarray(idx) if isinstance(idx, fx.Array) else idx


@st.composite
def indexed(draw, masks=True, unique=False, dtype=st.sampled_from(DTYPES)):
    x = sample(draw(st.integers(0, 2**16)), draw(shapes), draw(dtype))
    return x, draw(indices(x.shape, masks=masks, unique=unique))


# reading ------------------------------------------------------------------------------------------
@given(indexed())
def test_getitem_matches_numpy(case):
    x, idx = case
    same(fnp.asarray(x)[idx], x[numpy_index(idx)])


@given(indexed())
def test_getitem_at_get_matches_numpy_in_every_mode(case):
    x, idx = case
    for mode in (None, "clip", "fill", "promise_in_bounds"):
        same(fnp.asarray(x).at[idx].get(mode=mode), x[numpy_index(idx)])


@given(hnp.arrays(np.float32, hnp.array_shapes(min_dims=1, max_dims=3, max_side=4)), st.data())
def test_basic_indices_from_hypothesis_match_numpy(x, data):
    idx = data.draw(hnp.basic_indices(x.shape, allow_newaxis=True, allow_ellipsis=True))
    same(fnp.asarray(x)[idx], x[idx])


@given(indexed(masks=False, dtype=st.sampled_from([dtypes.float32, dtypes.int32])))
def test_getitem_of_traced_arrays_and_traced_indices_matches_eager(case):
    x, idx = case
    parts = list(idx) if isinstance(idx, tuple) else [idx]
    arrays = [i for i, p in enumerate(parts) if isinstance(p, fx.Array)]

    def f(xt, *its):
        rebuilt = list(parts)
        for i, t in zip(arrays, its):
            rebuilt[i] = t
        return xt[tuple(rebuilt)]
    same(traced(f, fnp.asarray(x), *[parts[i] for i in arrays]), x[numpy_index(tuple(parts))])


def test_an_ellipsis_for_no_axes_separates_advanced_indices_as_in_numpy():
    y, j = np.arange(24.0).reshape(2, 3, 4), np.array([1, 3])
    for idx in ((slice(None), 1, Ellipsis, j), (None, j - 2, Ellipsis, 0, j), (1, Ellipsis, j)):
        mine = tuple(fnp.asarray(v) if isinstance(v, np.ndarray) else v for v in idx)
        same(fnp.asarray(y)[mine], y[idx])
        same(fx.jit(lambda a: a[mine])(fnp.asarray(y)), y[idx])
        want = y.copy()
        want[idx] = -np.arange(y[idx].size).reshape(y[idx].shape)
        same(fnp.asarray(y).at[mine].set(-fnp.arange(y[idx].size).reshape(y[idx].shape)), want)


def test_slices_are_copies_not_views():
    x = fnp.arange(4)
    s = x[1:3]
    x[1] = 99
    assert s.tolist() == [1, 2] and x.tolist() == [0, 99, 2, 3]


def test_a_write_into_a_copy_that_nothing_refers_to_raises_eagerly_and_when_transformed():
    def chained(x):
        out = fnp.zeros((2, 3))
        out[0][1] = x  # NumPy writes through a view; here the write would be lost
        return out

    def transposed(x):
        out = fnp.zeros((2, 3))
        out.T[0] += x
        return out

    for f in [chained, transposed, fx.jit(chained), fx.grad(lambda x: chained(x).sum()), fx.vmap(transposed)]:
        with pytest.raises(TypeError, match=r"(?s)temporary.*would be lost.*a\[0, 1\] = v"):
            f(fnp.ones(2) if f.__name__ == "transposed" and f is not transposed else 1.0)

    def named(x):  # the same write through a name is kept
        out = fnp.zeros((2, 3))
        row = out[0]
        row[1] = x
        out[0] = row
        return out
    np.testing.assert_array_equal(named(2.0), [[0, 2, 0], [0, 0, 0]])
    np.testing.assert_array_equal(fx.jit(named)(2.0), named(2.0))
    held = [fnp.zeros(3)]  # and so is a write into an array that a list holds
    held[0][2] = 2.0
    np.testing.assert_array_equal(held[0], [0, 0, 2])

    class Wrapper:  # and an explicit __setitem__ call, which holds one reference fewer
        def __init__(self):
            self.data = fnp.zeros(3)

        def __setitem__(self, i, v):
            self.data.__setitem__(i, v)
    wrapped = Wrapper()
    wrapped[1] = 5.0
    np.testing.assert_array_equal(wrapped.data, [0, 5, 0])


def test_getitem_keeps_the_weak_type():
    x = fx.Array(np.arange(3.0, dtype=np.float32), weak=True)
    assert x[1].weak and x[[0, 1]].weak


# the basic path is cheap: it never gathers ----------------------------------------------------------
class _Recorder(Interpreter):
    def __init__(self):
        self.names = []

    def process(self, prim, args, params):
        self.names.append(prim.name)
        with use(self.parent):
            return prim.bind(*args, **params)


def primitives(f, *args):
    rec = _Recorder()
    with push(rec):
        f(*args)
    return rec.names


@pytest.mark.parametrize("f, expected", [
    (lambda x: x[0], ["slice", "reshape"]),
    (lambda x: x[1:3], ["slice"]),
    (lambda x: x[:], []),
    (lambda x: x[...], []),
    (lambda x: x[::-1], ["rev"]),
    (lambda x: x[1, ::2], ["slice", "reshape"]),
    (lambda x: x[None], ["reshape"]),
    (lambda x: x[[0, 1]], ["gather"]),
    (lambda x: x.at[0].set(1.0), ["broadcast_in_dim", "dynamic_update_slice"]),
    (lambda x: x.at[:].set(x), []),
])
def test_basic_indexing_uses_few_primitives_and_no_gather(f, expected):
    assert primitives(f, fnp.zeros((4, 4))) == expected


# writing -------------------------------------------------------------------------------------------
def _values_for(data, target_shape, dtype):
    """Values that broadcast to `target_shape`: the shape itself, with axes dropped or set to 1."""
    shape = list(target_shape)
    if shape and data.draw(st.booleans()):
        shape = shape[data.draw(st.integers(0, len(shape))):]
    shape = [1 if data.draw(st.integers(0, 3)) == 0 else n for n in shape]
    return sample(data.draw(st.integers(0, 99)), tuple(shape), dtype)


@given(indexed(unique=True), st.data())
def test_set_matches_numpy_assignment(case, data):
    x, idx = case
    v = _values_for(data, x[numpy_index(idx)].shape, x.dtype)
    expected = x.copy()
    expected[numpy_index(idx)] = v
    same(fnp.asarray(x).at[idx].set(fnp.asarray(v)), expected)


@given(indexed(dtype=st.sampled_from([dtypes.int32, dtypes.float32, dtypes.bool_, dtypes.uint8, dtypes.float64])),
       st.sampled_from(sorted(UFUNC_AT)), st.data())
def test_add_mul_min_max_match_numpy_ufunc_at_with_repeated_indices(case, op, data):
    x, idx = case
    v = _values_for(data, x[numpy_index(idx)].shape, x.dtype)
    expected = x.copy()
    UFUNC_AT[op](expected, numpy_index(idx), v)
    same(getattr(fnp.asarray(x).at[idx], op)(fnp.asarray(v)), expected)


@given(indexed(masks=False, unique=True, dtype=st.sampled_from([dtypes.float32, dtypes.int64])),
       st.sampled_from(["set", "add", "max"]), st.data())
def test_updates_of_traced_arrays_with_traced_indices_match_eager(case, op, data):
    x, idx = case
    parts = list(idx) if isinstance(idx, tuple) else [idx]
    arrays = [i for i, p in enumerate(parts) if isinstance(p, fx.Array)]
    v = fnp.asarray(_values_for(data, x[numpy_index(idx)].shape, x.dtype))

    def f(xt, vt, *its):
        rebuilt = list(parts)
        for i, t in zip(arrays, its):
            rebuilt[i] = t
        return getattr(xt.at[tuple(rebuilt)], op)(vt)
    eager = getattr(fnp.asarray(x).at[tuple(parts)], op)(v)
    same(traced(f, fnp.asarray(x), v, *[parts[i] for i in arrays]), np.asarray(eager))


def test_set_with_repeated_indices_writes_one_of_the_values():
    out = fnp.zeros(3).at[fnp.asarray([1, 1, 1])].set(fnp.asarray([4.0, 5.0, 6.0]))
    assert out.tolist()[0] == 0 and out.tolist()[1] in (4.0, 5.0, 6.0)


def test_add_accumulates_repeated_indices_in_two_dimensions():
    x = fnp.zeros((2, 3), dtype=int)
    out = x.at[fnp.asarray([0, 0, 1]), fnp.asarray([2, 2, 2])].add(fnp.asarray([1, 2, 3]))
    assert out.tolist() == [[0, 0, 3], [0, 0, 3]]


def test_update_values_are_cast_to_the_array_dtype():
    x = fnp.zeros(3, dtype=fnp.int32)
    same(x.at[0].set(2.7), np.asarray([2, 0, 0], np.int32))
    same(x.at[1:].add(fnp.asarray([1.9, -1.9])), np.asarray([0, 1, -1], np.int32))
    same(fnp.zeros(2, dtype=bool).at[0].set(3), np.asarray([True, False]))
    weak = fx.Array(np.zeros(2, np.float32), weak=True)
    assert weak.at[0].set(1.0).weak


def test_setitem_and_inplace_operators_rebind_the_same_object():
    x = fnp.zeros((2, 3))
    alias = x
    x[0, 1] = 5.0
    x[fnp.asarray([1, 1]), 2] += 1.0
    x[x > 4] = -1.0
    assert x is alias
    assert x.tolist() == [[0.0, -1.0, 0.0], [0.0, 0.0, 1.0]]
    x += 1
    assert x is alias and x.tolist() == [[1.0, 0.0, 1.0], [1.0, 1.0, 2.0]]


def test_setitem_with_a_mask_and_broadcast_values():
    x = np.arange(12.0).reshape(3, 4)
    fx_x = fnp.asarray(x)
    fx_x[fx_x > 5] = 0.0
    fx_x[:, fnp.asarray([True, False, True, False])] = fnp.asarray([[7.0], [8.0], [9.0]])
    x[x > 5] = 0.0
    x[:, [True, False, True, False]] = [[7.0], [8.0], [9.0]]
    same(fx_x, x)


def test_values_may_have_extra_leading_size_one_axes():
    same(fnp.zeros(3).at[1:].set(fnp.ones((1, 1, 2))), np.asarray([0.0, 1.0, 1.0], np.float32))


def test_updates_of_empty_selections_and_empty_arrays_return_the_array():
    x = fnp.arange(3)
    same(x.at[2:1].set(5), np.arange(3))
    same(fnp.zeros((0, 2)).at[:, 1].add(1.0), np.zeros((0, 2), np.float32))
    same(fnp.zeros(0).at[fnp.asarray([3])].set(1.0, mode="drop"), np.zeros(0, np.float32))


# modes for out-of-bounds indices ---------------------------------------------------------------------
def test_get_mode_fill_reads_the_fill_value_or_a_dtype_default():
    x = fnp.asarray([1.0, 2.0, 3.0])
    idx = fnp.asarray([0, 3, -4, -3])
    assert x.at[idx].get(mode="fill", fill_value=-1.0).tolist() == [1.0, -1.0, -1.0, 1.0]
    got = x.at[idx].get(mode="fill").tolist()
    assert got[0] == 1.0 and np.isnan(got[1]) and np.isnan(got[2])
    assert fnp.arange(3).at[5].get(mode="fill").tolist() == np.iinfo(np.int64).min
    same(fnp.ones((2, 2)).at[5].get(mode="fill", fill_value=0), np.zeros(2, np.float32))
    assert fnp.zeros(0).at[fnp.asarray([1])].get(mode="fill", fill_value=7.0).tolist() == [7.0]


def test_get_mode_clip_and_promise_in_bounds_clamp():
    x = fnp.asarray([1.0, 2.0, 3.0])
    idx = fnp.asarray([5, -7, 1])
    assert x.at[idx].get(mode="clip").tolist() == [3.0, 1.0, 2.0]
    assert x.at[idx].get(mode="promise_in_bounds").tolist() == [3.0, 1.0, 2.0]
    assert x.at[9].get(mode="clip").tolist() == 3.0


def test_huge_python_integers_are_out_of_bounds_for_every_mode():
    x = fnp.asarray([1.0, 2.0])
    assert x.at[2**70].get(mode="clip").tolist() == 2.0
    assert x.at[-2**70].get(mode="clip").tolist() == 1.0
    assert np.isnan(x.at[2**70].get(mode="fill").tolist())
    assert x.at[2**70].set(5.0, mode="drop").tolist() == [1.0, 2.0]


def test_set_mode_drop_skips_and_clip_clamps():
    x = fnp.zeros(3)
    idx = fnp.asarray([5, -4, 1])
    assert x.at[idx].set(1.0, mode="drop").tolist() == [0.0, 1.0, 0.0]
    assert x.at[idx].set(1.0, mode="fill").tolist() == [0.0, 1.0, 0.0]
    assert x.at[idx].add(1.0, mode="clip").tolist() == [1.0, 1.0, 1.0]
    assert x.at[7].set(2.0, mode="drop").tolist() == [0.0, 0.0, 0.0]
    assert x.at[7].set(2.0, mode="clip").tolist() == [0.0, 0.0, 2.0]


def test_traced_out_of_bounds_indices_clamp_on_read_and_drop_on_write():
    x, idx = fnp.asarray([1.0, 2.0, 3.0]), fnp.asarray([5, -1, -9])
    assert traced(lambda a, i: a[i], x, idx).tolist() == [3.0, 3.0, 1.0]
    assert traced(lambda a, i: a.at[i].set(0.0), x, idx).tolist() == [1.0, 2.0, 0.0]


# errors -----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("idx, axis, size", [
    (3, 0, 3), (-4, 0, 3), ((0, 4), 1, 4), ([0, 3], 0, 3), (np.asarray([[-4]]), 0, 3), (fnp.asarray([1, 9]), 0, 3),
    (fnp.asarray(3), 0, 3), ((slice(None), [4]), 1, 4), (2**70, 0, 3),
])
def test_out_of_bounds_indices_raise_index_error_eagerly(idx, axis, size):
    x = fnp.zeros((3, 4))
    with raises(IndexOutOfBoundsError, "out of bounds", f"axis {axis} with size {size}", "mode='fill'"):
        x[idx]
    with raises(IndexError, "out of bounds", "mode='drop'"):
        x.at[idx].set(1.0)
    with raises(IndexError, "out of bounds"):
        x[idx] = 1.0


@pytest.mark.parametrize("idx, cls, words", [
    ((0, 0, 0), IndexError, "too many indices"),
    ((Ellipsis, 0, Ellipsis), IndexError, "single ellipsis"),
    (1.0, IndexError, "valid indices"),
    (np.float32(1), IndexError, "valid indices"),
    ("a", IndexError, "valid indices"),
    (fnp.asarray([1.0]), IndexError, "float32"),
    ([0.5, 1], IndexError, "valid indices"),
    (np.ones(3, bool), IndexError, "boolean index"),
    (([0, 1], [0, 1, 2]), IndexError, "broadcast"),
])
def test_invalid_indices_raise_index_error_naming_the_fix(idx, cls, words):
    with raises(cls, words):
        fnp.zeros((2, 3))[idx]


def test_values_that_do_not_broadcast_raise_shape_error():
    with raises(ShapeError, "cannot be broadcast", r"\(2,\)"):
        fnp.zeros(4).at[:2].set(fnp.ones(3))
    with raises(ShapeError, "cannot be broadcast"):
        fnp.zeros(4).at[:2].set(fnp.ones((2, 2)))


def test_unknown_modes_and_ops_raise_value_error():
    with raises(ValueError, "mode"):
        fnp.zeros(2).at[0].get(mode="wrap")
    with raises(ValueError, "mode"):
        fnp.zeros(2).at[0].set(1.0, mode="raise")
    from fluxion.numpy._indexing import update
    with raises(ValueError, "op"):
        update(fnp.zeros(2), 0, 1.0, "sub")


def test_data_dependent_indices_need_concrete_values():
    x = fnp.arange(4.0)
    with raises(ConcretizationError, "boolean mask"):
        traced(lambda a: a[a > 1], x)
    with raises(ConcretizationError, "boolean mask"):
        traced(lambda a: a.at[a > 1].set(0.0), x)
    with raises(ConcretizationError, "slice bounds", "dynamic_slice"):
        traced(lambda a, i: a[i:], x, fnp.asarray(1))
    with raises(ConcretizationError, "boolean mask"):
        traced(lambda a, b: a[b], x, fnp.asarray(True))
    with pytest.raises(ConcretizationError):
        traced(fnp.nonzero, x)


# take / take_along_axis / put_along_axis -------------------------------------------------------------
@given(st.data())
def test_take_matches_numpy_for_every_numpy_mode(data):
    x = sample(data.draw(st.integers(0, 99)), data.draw(hnp.array_shapes(min_dims=1, max_dims=3, max_side=4)),
               data.draw(st.sampled_from(DTYPES)))
    axis = data.draw(st.none() | st.integers(-x.ndim, x.ndim - 1))
    n = x.size if axis is None else x.shape[axis]
    mode = data.draw(st.sampled_from(["raise", "wrap", "clip"]))
    lo, hi = (-n, n - 1) if mode == "raise" else (-2 * n - 1, 2 * n + 1)
    if n == 0:
        mode, lo, hi = "clip", 0, -1
    idx = data.draw(hnp.arrays(np.int64, hnp.array_shapes(min_dims=0, max_dims=2, min_side=0, max_side=3),
                               elements=st.integers(lo, hi))) if hi >= lo else np.zeros(0, int)
    if n == 0:
        return  # NumPy cannot take from an empty axis in any mode
    same(fnp.take(fnp.asarray(x), fnp.asarray(idx), axis=axis, mode=mode), np.take(x, idx, axis=axis, mode=mode))


def test_take_fill_mode_and_errors():
    x = fnp.asarray([[1, 2], [3, 4]])
    assert fnp.take(x, fnp.asarray([1, 2]), axis=1, mode="fill", fill_value=0).tolist() == [[2, 0], [4, 0]]
    assert fnp.take(x, 3).tolist() == 4 and x.take(fnp.asarray([0]), axis=0).tolist() == [[1, 2]]
    with raises(IndexError, "out of bounds"):
        fnp.take(x, fnp.asarray([5]))
    with raises(TypeError, "integers", "compress"):
        fnp.take(x, fnp.asarray([True, False]))
    with raises(ShapeError, "axis 2"):
        fnp.take(x, 0, axis=2)
    with raises(IndexError, "empty axis"):
        fnp.take(fnp.zeros(0), [0], mode="wrap")
    with raises(ValueError, "mode"):
        fnp.take(x, 0, mode="nearest")


def test_take_with_traced_wrapped_indices_matches_numpy():
    x, idx = fnp.arange(5.0), fnp.asarray([-7, 6, 2])
    same(traced(lambda a, i: fnp.take(a, i, mode="wrap"), x, idx), np.take(np.arange(5.0, dtype=np.float32),
                                                                       [-7, 6, 2], mode="wrap"))
    same(traced(lambda a, i: fnp.take(a, i, mode="wrap"), x, fnp.asarray([7, 1], dtype=fnp.uint8)),
         np.asarray([2.0, 1.0], np.float32))
    long = fnp.arange(300)  # an int8 index cannot hold the axis length: the modes work in int64
    for mode in ("wrap", "clip"):
        same(traced(lambda a, i: fnp.take(a, i, mode=mode), long, fnp.asarray([-1, 100], dtype=fnp.int8)),
             np.take(np.arange(300), [-1, 100], mode=mode))


@given(st.data())
def test_take_along_axis_and_put_along_axis_match_numpy(data):
    shape = data.draw(hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=4))
    x = sample(data.draw(st.integers(0, 99)), shape, data.draw(st.sampled_from(DTYPES)))
    axis = data.draw(st.integers(-x.ndim, x.ndim - 1))
    n = shape[axis]
    idx_shape = tuple(data.draw(st.integers(0, 3)) if d == axis % x.ndim else data.draw(st.sampled_from([1, s]))
                      for d, s in enumerate(shape))
    idx = data.draw(hnp.arrays(np.int64, idx_shape, elements=st.integers(-n, n - 1)))
    same(fnp.take_along_axis(fnp.asarray(x), fnp.asarray(idx), axis=axis), np.take_along_axis(x, idx, axis=axis))
    # NumPy writes repeated positions in order: give put_along_axis distinct positions along the axis
    ax = axis % x.ndim
    positions = np.asarray(data.draw(st.permutations(range(n)))[:data.draw(st.integers(0, n))], dtype=np.int64)
    put_idx = np.broadcast_to(positions.reshape([-1 if d == ax else 1 for d in range(x.ndim)]),
                              tuple(len(positions) if d == ax else s for d, s in enumerate(shape)))
    values = sample(1, put_idx.shape, x.dtype)
    expected = x.copy()
    np.put_along_axis(expected, put_idx, values, axis=axis)
    same(fnp.put_along_axis(fnp.asarray(x), fnp.asarray(put_idx), fnp.asarray(values), axis=axis), expected)


def test_take_along_axis_flattens_for_axis_none_and_checks_dimensions():
    x = np.arange(6).reshape(2, 3)
    same(fnp.take_along_axis(fnp.asarray(x), fnp.asarray([5, 0]), axis=None),
         np.take_along_axis(x, np.asarray([5, 0]), None))
    same(fnp.put_along_axis(fnp.asarray(x), fnp.asarray([5, 0]), -1, axis=None), np.asarray([[-1, 1, 2], [3, 4, -1]]))
    with raises(ShapeError, "indices have 1 dimensions"):
        fnp.take_along_axis(fnp.asarray(x), fnp.asarray([0]), axis=1)
    with raises(ShapeError, "axis 3"):
        fnp.take_along_axis(fnp.asarray(x), fnp.zeros((1, 1), dtype=int), axis=3)
    for axis in (0, -1):  # (a 0-d array has no axis, as in NumPy)
        with pytest.raises(np.exceptions.AxisError):
            np.take_along_axis(np.asarray(1.0), np.asarray(0), axis)
        with raises(ShapeError, f"axis {axis} is out of range"):
            fnp.take_along_axis(fnp.asarray(1.0), fnp.asarray(0), axis=axis)
    filled = fnp.take_along_axis(fnp.asarray(x), fnp.asarray([[3]]), axis=1, mode="fill", fill_value=-1)
    assert filled.tolist() == [[-1], [-1]]


# where / select / choose ---------------------------------------------------------------------------
@given(st.data())
def test_where_broadcasts_and_promotes_like_numpy(data):
    shape = data.draw(hnp.array_shapes(min_dims=0, max_dims=3, max_side=3))
    cond = data.draw(hnp.arrays(np.bool_, shape))
    dx, dy = data.draw(st.sampled_from(DTYPES)), data.draw(st.sampled_from(DTYPES))
    x = sample(1, shape[data.draw(st.integers(0, len(shape))):], dx)
    y = sample(2, shape[data.draw(st.integers(0, len(shape))):], dy)
    out = fnp.where(fnp.asarray(cond), fnp.asarray(x), fnp.asarray(y))
    dt, _ = dtypes.result_type((np.dtype(dx), False), (np.dtype(dy), False))
    same(out, np.where(cond, x.astype(dt), y.astype(dt)))


def test_where_with_python_scalars_keeps_the_array_dtype_and_nonbool_conditions_test_nonzero():
    x = fnp.asarray([1, 2, 3], dtype=fnp.int8)
    same(fnp.where(x > 1, x, 0), np.asarray([0, 2, 3], np.int8))
    same(fnp.where(fnp.asarray([0.0, 2.0]), 1.0, 2.0), np.asarray([2.0, 1.0], np.float32))
    assert fnp.where(True, 1.0, 2.0).weak
    same(traced(lambda c, a: fnp.where(c, a, -a), fnp.asarray([True, False]), fnp.asarray([1.0, 2.0])),
         np.asarray([1.0, -2.0], np.float32))
    with raises(ValueError, "both or neither"):
        fnp.where(x > 1, x)


def _weakly(x, weak):
    return fx.Array(np.asarray(x), weak)


@pytest.mark.parametrize("dt", [np.bool_, np.int8, np.uint8, np.int64, np.float16, dtypes.bfloat16, np.float32,
                                np.float64, np.complex64])
@pytest.mark.parametrize("shapes", [((), (), ()), ((0,), (0,), (0,)), ((2, 1), (1, 3), (3,)), ((2, 3), (), (2, 3))])
@pytest.mark.parametrize("other", ["array", "weak array", 0.0, -0.0, float("nan"), 3, -1, 300, 2**70])
def test_eager_where_of_arrays_and_python_scalars_matches_the_traced_general_path(dt, shapes, other):
    sc, sx, sy = shapes
    c = fnp.asarray(sample(0, sc, dtypes.bool_))
    x = fnp.asarray(sample(1, sx, dt).astype(dt))
    y = fnp.asarray(sample(2, sy, dt).astype(dt)) if other == "array" else \
        _weakly(sample(2, sy, dt).astype(dt), True) if other == "weak array" else other
    for args in ((c, x, y), (c, y, x)):
        try:
            want = traced(fnp.where, *args)
        except Exception as e:  # an int out of the dtype's range: the same error eagerly (from another line)
            with pytest.raises(type(e), match=re.escape(str(e).split("\n")[0])):
                fnp.where(*args)
            continue
        got = fnp.where(*args)
        same(got, want)
        assert got.weak == want.weak


def test_eager_where_falls_back_for_weak_arrays_and_mismatched_shapes():
    c = fnp.asarray([True, False])
    assert fnp.where(c, _weakly(np.float16([1, 2]), True), 1.0).dtype == np.float32  # weak float16 meets a float
    same(fnp.where(c, _weakly(np.int32([1, 2]), True), 3), np.int64([1, 3]))
    with raises(ShapeError, "select_n"):
        fnp.where(c, fnp.ones(3), fnp.ones(3))


def test_select_picks_the_first_true_condition():
    x = np.arange(6)
    conds, choices = [x < 2, x > 3, x < 4], [x, x * 10, x * 100]
    same(fnp.select([fnp.asarray(c) for c in conds], [fnp.asarray(c) for c in choices], default=-1),
         np.select(conds, choices, default=-1))
    same(fnp.select([fnp.asarray(x > 2)], [1.5]), np.select([x > 2], [1.5]).astype(np.float32))
    with raises(ValueError, "2 conditions and 1 choices"):
        fnp.select([x > 1, x > 2], [x])
    with raises(ValueError, "at least one"):
        fnp.select([], [])
    with raises(DTypeError, "condition 0", "bool"):
        fnp.select([fnp.asarray(x)], [fnp.asarray(x)])


@pytest.mark.parametrize("mode", ["raise", "wrap", "clip"])
def test_choose_matches_numpy(mode):
    a = np.asarray([[0, 1, 2], [2, 1, 0]]) if mode == "raise" else np.asarray([[-1, 4, 2], [5, 1, 0]])
    choices = [np.arange(3), np.arange(3) * 10, np.full((2, 3), 7)]
    same(fnp.choose(fnp.asarray(a), [fnp.asarray(c) for c in choices], mode=mode), np.choose(a, choices, mode=mode))
    same(traced(lambda i: fnp.choose(i, [fnp.asarray(c) for c in choices], mode=mode), fnp.asarray(a)),
         np.choose(a, choices, mode="clip" if mode == "raise" else mode))


def test_choose_errors():
    with raises(ValueError, "invalid entry"):
        fnp.choose(fnp.asarray([2]), [fnp.zeros(1), fnp.ones(1)])
    with raises(ValueError, "mode"):
        fnp.choose(fnp.asarray([0]), [fnp.zeros(1)], mode="fill")
    with raises(ValueError, "at least one"):
        fnp.choose(fnp.asarray([0]), [])


# data-dependent shapes (eager) -------------------------------------------------------------------------
@given(hnp.arrays(st.sampled_from([np.bool_, np.int32, np.float32]),
                  hnp.array_shapes(min_dims=1, max_dims=3, min_side=0, max_side=4), elements=st.sampled_from([0, 1])))
def test_nonzero_argwhere_flatnonzero_and_one_argument_where_match_numpy(x):
    a = fnp.asarray(x)
    for out, expected in zip(fnp.nonzero(a), np.nonzero(x)):
        same(out, expected.astype(np.int64))
    for out, expected in zip(fnp.where(a), np.where(x)):
        same(out, expected.astype(np.int64))
    same(fnp.argwhere(a), np.argwhere(x).astype(np.int64))
    same(fnp.flatnonzero(a), np.flatnonzero(x).astype(np.int64))
    assert [i.tolist() for i in a.nonzero()] == [i.tolist() for i in np.nonzero(x)]


def test_nonzero_of_a_0d_array_raises():
    with raises(ValueError, "0-d", "atleast_1d"):
        fnp.nonzero(fnp.asarray(1))
    same(fnp.argwhere(fnp.asarray(1)), np.argwhere(1).astype(np.int64))


def _padded(indices: np.ndarray, size: int, fill) -> np.ndarray:
    """NumPy's indices cut or padded with `fill` to `size`: what size= gives."""
    return np.concatenate([indices[:size], np.full(max(size - len(indices), 0), fill)]).astype(np.int64)


@given(hnp.arrays(st.sampled_from([np.bool_, np.int32, np.float32]),
                  hnp.array_shapes(min_dims=1, max_dims=3, min_side=0, max_side=4), elements=st.sampled_from([0, 1])),
       st.integers(0, 12), st.sampled_from([None, -1, 7]))
def test_nonzero_with_size_cuts_or_pads_numpys_indices_eager_jit_and_vmap(x, size, fill):
    expected = [_padded(i, size, 0 if fill is None else fill) for i in np.nonzero(x)]
    per_axis = tuple(range(-1, -1 - x.ndim, -1))
    sized = lambda a: (fnp.nonzero(a, size=size, fill_value=fill), fnp.where(a, size=size, fill_value=fill),  # noqa: E731
                       fnp.argwhere(a, size=size, fill_value=fill), fnp.flatnonzero(a, size=size, fill_value=fill),
                       fnp.nonzero(a, size=size, fill_value=per_axis))
    for nz, wh, aw, flat, per in (sized(fnp.asarray(x)), fx.jit(sized)(fnp.asarray(x))):
        for out, out_where, e in zip(nz, wh, expected):
            same(out, e)
            same(out_where, e)
        same(aw, np.stack(expected, 1).reshape(size, x.ndim))
        same(flat, _padded(np.flatnonzero(x), size, 0 if fill is None else fill))
        for out, i, f in zip(per, np.nonzero(x), per_axis):
            same(out, _padded(i, size, f))
    batch = np.stack([x, 1 - x]) if x.dtype != np.bool_ else np.stack([x, ~x])
    rows = fx.vmap(lambda a: fnp.flatnonzero(a, size=size, fill_value=fill))(fnp.asarray(batch))
    for row, out in zip(batch, rows):
        same(out, _padded(np.flatnonzero(row), size, 0 if fill is None else fill))


def test_nonzero_of_a_traced_array_names_size_and_fill_value_needs_size():
    with raises(ConcretizationError, "size=N"):
        fx.jit(fnp.nonzero)(fnp.ones(3))
    with raises(ConcretizationError, "size=N"):
        fx.jit(fnp.argwhere)(fnp.ones(3))
    with raises(TypeError, "needs size="):
        fnp.flatnonzero(fnp.ones(3), fill_value=0)
    with raises(ValueError, "one per axis"):
        fnp.nonzero(fnp.ones((2, 2)), size=2, fill_value=(1, 2, 3))
    with raises(TypeError, "without x and y"):
        fnp.where(fnp.ones(2) > 0, 1, 2, size=2)
    same(fnp.argwhere(fnp.asarray(1), size=2), np.zeros((2, 0), np.int64))


def test_compress_and_extract_match_numpy():
    x = np.arange(12).reshape(3, 4)
    for axis in (None, 0, 1, -1):
        same(fnp.compress([True, False, True], fnp.asarray(x), axis=axis),
             np.compress([True, False, True], x, axis=axis))
    cond = x % 3 == 0
    same(fnp.extract(fnp.asarray(cond), fnp.asarray(x)), np.extract(cond, x))
    same(traced(lambda a: fnp.compress(np.asarray([False, True]), a, axis=1), fnp.asarray(x)),
         np.compress([False, True], x, axis=1))
    with raises(IndexError, "past the 3 elements"):
        fnp.compress([0, 0, 0, 1], fnp.asarray(x), axis=0)
    with raises(ShapeError, "1-d"):
        fnp.compress([[True]], fnp.asarray(x))


def test_ix_builds_an_open_mesh_like_numpy():
    x = np.arange(20).reshape(4, 5)
    mesh = fnp.ix_([0, 3], fnp.asarray([True, False, True, False, False]))
    same(fnp.asarray(x)[mesh], x[np.ix_([0, 3], [True, False, True, False, False])])
    assert [m.shape for m in fnp.ix_([], [1])] == [(0, 1), (1, 1)]
    with raises(ShapeError, "1-d"):
        fnp.ix_([[0]])
    with raises(DTypeError, "dtype"):
        fnp.ix_([0.5])


@pytest.mark.parametrize("mask_shape", [(0,), (2, 0), (0, 3), (0, 0)])
def test_a_mask_axis_of_length_zero_selects_nothing(mask_shape):
    # the array API standard allows a mask axis of length 0 against any axis length; the result is empty
    # (NumPy itself raises here, so the oracle is the rule: no element selected, the other axes kept)
    x = np.arange(6.0).reshape(2, 3)
    out = fnp.asarray(x)[fnp.zeros(mask_shape, dtype=bool)]
    same(out, np.zeros((0,) + x.shape[len(mask_shape):]))


def test_a_mask_axis_of_another_nonzero_length_raises():
    with raises(IndexError, r"boolean index of shape \(3,\)", "same shape"):
        fnp.arange(2.0)[fnp.ones(3, dtype=bool)]


def test_at_subtract_and_multiply_are_the_jax_names_of_the_updates():
    x = np.arange(5.0)
    idx = np.array([1, 1, 3])
    expected = x.copy()
    np.subtract.at(expected, idx, 2.0)
    np.testing.assert_array_equal(fnp.asarray(x).at[fnp.asarray(idx)].subtract(2.0), expected)
    np.testing.assert_array_equal(fnp.asarray(x).at[1:3].multiply(3.0), fnp.asarray(x).at[1:3].mul(3.0))
    u = fnp.asarray(np.arange(5, dtype=np.uint8))
    assert u.at[2].subtract(1).tolist() == [0, 1, 1, 3, 4]


def test_an_unknown_at_method_names_the_methods():
    with pytest.raises(AttributeError, match=r"has no method 'append'(.|\n)*set, add"):
        fnp.ones(3).at[0].append(1.0)
