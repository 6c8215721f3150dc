"""fluxion.numpy's manipulation functions against NumPy: values, dtypes (all of them), axes and errors."""
import numpy as np
import pytest
from hypothesis import given, strategies as st
from hypothesis.extra import numpy as hnp

import fluxion as fx
import fluxion.numpy as fnp
from fluxion.core import dtypes
from fluxion.core.errors import ShapeError

from _arrays import arrays, check, raises, shapes

DTYPES = dtypes.ALL
nd_shapes = hnp.array_shapes(min_dims=1, max_dims=4, min_side=0, max_side=4)


def check_all(outs, expected):
    assert len(outs) == len(expected)
    for o, e in zip(outs, expected):
        check(o, e)


def axes_of(data, ndim, min_size=0):
    """Distinct axes of an ndim array, each possibly written negatively."""
    axes = data.draw(st.lists(st.integers(0, ndim - 1), unique=True, min_size=min_size)) if ndim else []
    return tuple(a - ndim if data.draw(st.booleans()) else a for a in axes)


# reshaping ----------------------------------------------------------------------------------
@given(arrays(), st.randoms(use_true_random=False), st.booleans(), st.sampled_from(["C", "F"]))
def test_reshape_matches_numpy_with_inferred_size_and_order(x, rnd, infer, order):
    new = list(x.shape)
    rnd.shuffle(new)
    if infer and new and 0 not in new:
        new[rnd.randrange(len(new))] = -1
    check(fnp.reshape(fnp.asarray(x), tuple(new), order), np.reshape(x, tuple(new), order=order))
    check(fnp.asarray(x).reshape(*new) if new else fnp.asarray(x).reshape(()), np.reshape(x, tuple(new)))


def test_reshape_copy_and_int_shapes():
    a = fnp.arange(4)
    assert fnp.reshape(a, 4, copy=False) is a
    b = fnp.reshape(a, (4,), copy=True)
    assert b is not a and b.tolist() == [0, 1, 2, 3]
    check(fnp.reshape(a, -1), np.arange(4))


def test_reshape_errors_name_the_sizes():
    a = fnp.arange(6)
    with raises(ShapeError, "reshape", "6 elements", r"\(4, -1\)"):
        fnp.reshape(a, (4, -1))
    with raises(ShapeError, "reshape", "one -1"):
        fnp.reshape(a, (-1, -1))
    with raises(ShapeError, "reshape", "negative"):
        fnp.reshape(a, (-2, -3))
    with raises(ShapeError, "reshape", "one -1"):
        fnp.reshape(a, [-2, 3])
    with raises(ShapeError, "reshape", r"\(4,\)"):
        fnp.reshape(a, (4,))
    with raises(ShapeError, "reshape", "0 elements"):
        fnp.reshape(fnp.zeros(0), (0, -1))
    with raises(ValueError, "reshape", "order"):
        fnp.reshape(a, (6,), order="K")


@given(arrays(), st.sampled_from(["C", "F"]))
def test_ravel_and_flatten_match_numpy(x, order):
    check(fnp.ravel(fnp.asarray(x), order), np.ravel(x, order))
    check(fnp.flatten(fnp.asarray(x), order), x.flatten(order))
    check(fnp.asarray(x).flatten(), x.flatten())


@given(st.data())
def test_squeeze_matches_numpy(data):
    shape = data.draw(hnp.array_shapes(min_dims=0, max_dims=4, min_side=1, max_side=2))
    x = data.draw(arrays(shape))
    ones = [i for i, d in enumerate(shape) if d == 1]
    picked = data.draw(st.lists(st.sampled_from(ones), unique=True)) if ones else []
    axes = tuple(a - x.ndim if data.draw(st.booleans()) else a for a in picked)
    check(fnp.squeeze(fnp.asarray(x)), np.squeeze(x))
    check(fnp.squeeze(fnp.asarray(x), axis=axes), np.squeeze(x, axis=axes))
    if ones:
        check(fnp.asarray(x).squeeze(ones[0]), np.squeeze(x, ones[0]))


def test_squeeze_of_an_axis_longer_than_one_is_a_shape_error():
    with raises(ShapeError, "squeeze", "sizes", r"\(3,\)"):
        fnp.squeeze(fnp.zeros((1, 3)), axis=1)
    with raises(ShapeError, "squeeze", "out of range"):
        fnp.squeeze(fnp.zeros((1, 3)), axis=2)


@given(st.data())
def test_expand_dims_matches_numpy_for_ints_and_tuples(data):
    x = data.draw(arrays())
    n = data.draw(st.integers(1, 3))
    axes = axes_of(data, x.ndim + n, n)[:n]
    if len(axes) == n:
        check(fnp.expand_dims(fnp.asarray(x), axis=axes), np.expand_dims(x, axes))
    check(fnp.expand_dims(fnp.asarray(x), axis=-1), np.expand_dims(x, -1))
    check(fnp.expand_dims(fnp.asarray(x)), np.expand_dims(x, 0))


def test_expand_dims_errors():
    with raises(ShapeError, "expand_dims", "out of range"):
        fnp.expand_dims(fnp.zeros(2), axis=3)
    with raises(ShapeError, "expand_dims", "repeat"):
        fnp.expand_dims(fnp.zeros(2), axis=(0, 0))


@pytest.mark.parametrize("fn,npfn,shape", [
    (fnp.atleast_1d, np.atleast_1d, s) for s in [(), (2,), (2, 3)]] + [
    (fnp.atleast_2d, np.atleast_2d, s) for s in [(), (2,), (2, 3), (1, 2, 3)]] + [
    (fnp.atleast_3d, np.atleast_3d, s) for s in [(), (2,), (2, 3), (1, 2, 3), (1, 2, 3, 4)]])
def test_atleast_nd_match_numpy(fn, npfn, shape):
    x = np.arange(int(np.prod(shape))).reshape(shape)
    check(fn(fnp.asarray(x)), npfn(x))
    check_all(fn(fnp.asarray(x), 1.0), [npfn(x), npfn(np.float32(1.0))])


# axes ---------------------------------------------------------------------------------------
@given(st.data())
def test_permute_dims_and_transpose_match_numpy(data):
    x = data.draw(arrays())
    perm = tuple(data.draw(st.permutations(range(x.ndim))))
    check(fnp.permute_dims(fnp.asarray(x), perm), np.transpose(x, perm))
    check(fnp.transpose(fnp.asarray(x)), np.transpose(x))
    check(fnp.transpose(fnp.asarray(x), perm), np.transpose(x, perm))
    check(fnp.asarray(x).T, x.T)
    check(fnp.asarray(x).transpose(*perm), x.transpose(*perm))


@given(arrays(hnp.array_shapes(min_dims=2, max_dims=4, min_side=0, max_side=3)))
def test_matrix_transpose_swaps_the_last_two_axes(x):
    check(fnp.matrix_transpose(fnp.asarray(x)), np.swapaxes(x, -1, -2))
    check(fnp.asarray(x).mT, np.swapaxes(x, -1, -2))


@given(st.data())
def test_swapaxes_and_moveaxis_match_numpy(data):
    x = data.draw(arrays(nd_shapes))
    a, b = data.draw(st.integers(-x.ndim, x.ndim - 1)), data.draw(st.integers(-x.ndim, x.ndim - 1))
    check(fnp.swapaxes(fnp.asarray(x), a, b), np.swapaxes(x, a, b))
    check(fnp.asarray(x).swapaxes(a, b), np.swapaxes(x, a, b))
    src = axes_of(data, x.ndim)
    dst = tuple(data.draw(st.permutations(axes_of(data, x.ndim, len(src))[:len(src)])))
    if len(dst) == len(src):
        check(fnp.moveaxis(fnp.asarray(x), src, dst), np.moveaxis(x, src, dst))
    check(fnp.moveaxis(fnp.asarray(x), a, b), np.moveaxis(x, a, b))


def test_axis_permutation_errors():
    x = fnp.zeros((2, 3))
    with raises(ShapeError, "matrix_transpose", "2 dimensions"):
        fnp.matrix_transpose(fnp.zeros(3))
    with raises(ShapeError, "transpose"):
        fnp.permute_dims(x, (0,))
    with raises(ShapeError, "transpose", "repeat"):
        fnp.permute_dims(x, (1, 1))
    with raises(ShapeError, "swapaxes", "out of range"):
        fnp.swapaxes(x, 0, 2)
    with raises(ValueError, "moveaxis", "lengths"):
        fnp.moveaxis(x, (0, 1), (0,))
    with raises(ValueError, "moveaxis", "repeat"):
        fnp.moveaxis(x, (0, 0), (0, 1))


@given(st.data())
def test_flip_matches_numpy(data):
    x = data.draw(arrays())
    axes = axes_of(data, x.ndim)
    check(fnp.flip(fnp.asarray(x)), np.flip(x))
    check(fnp.flip(fnp.asarray(x), axis=axes), np.flip(x, axes))
    if x.ndim:
        check(fnp.flip(fnp.asarray(x), axis=-1), np.flip(x, -1))


@given(arrays(hnp.array_shapes(min_dims=2, max_dims=4, min_side=0, max_side=3)), st.integers(-5, 5), st.data())
def test_rot90_matches_numpy(x, k, data):
    a, b = data.draw(st.lists(st.integers(0, x.ndim - 1), min_size=2, max_size=2, unique=True))
    check(fnp.rot90(fnp.asarray(x), k), np.rot90(x, k))
    check(fnp.rot90(fnp.asarray(x), k, axes=(a, b - x.ndim)), np.rot90(x, k, axes=(a, b - x.ndim)))


def test_rot90_errors():
    with raises(ValueError, "rot90", "2 axes"):
        fnp.rot90(fnp.zeros(3))
    with raises(ValueError, "rot90", "repeat"):
        fnp.rot90(fnp.zeros((2, 2)), axes=(1, -1))


# broadcasting -------------------------------------------------------------------------------
@given(st.data())
def test_broadcast_functions_match_numpy(data):
    shape = data.draw(shapes)
    sub = [tuple(d if data.draw(st.booleans()) else 1 for d in shape[data.draw(st.integers(0, len(shape))):])
           for _ in range(data.draw(st.integers(1, 3)))]
    xs = [data.draw(arrays(s)) for s in sub]
    expected = np.broadcast_shapes(*sub)
    assert fnp.broadcast_shapes(*sub) == expected
    check_all(fnp.broadcast_arrays(*[fnp.asarray(x) for x in xs]), np.broadcast_arrays(*xs))
    check(fnp.broadcast_to(fnp.asarray(xs[0]), shape), np.broadcast_to(xs[0], shape))


def test_broadcast_edge_cases_and_errors():
    assert fnp.broadcast_shapes() == () and fnp.broadcast_shapes(3, (2, 1)) == (2, 3)
    assert type(fnp.broadcast_arrays(fnp.zeros(2))) is type(np.broadcast_arrays(np.zeros(2))) is tuple
    check(fnp.broadcast_to(fnp.asarray(1), 3), np.broadcast_to(1, 3))
    with raises(ShapeError, "broadcast_shapes", "cannot be broadcast"):
        fnp.broadcast_shapes((2,), (3,))
    with raises(ShapeError, "broadcast_to"):
        fnp.broadcast_to(fnp.zeros((2, 3)), (3, 3))
    with raises(ShapeError, "broadcast_to", "negative"):
        fnp.broadcast_to(fnp.zeros(()), (-1,))


# joining ------------------------------------------------------------------------------------
@st.composite
def joinable(draw, same_shape=False, min_dims=1):
    base = draw(hnp.array_shapes(min_dims=min_dims, max_dims=3, min_side=0, max_side=3))
    axis = draw(st.integers(-len(base), len(base) - 1)) if base else 0
    dts = st.sampled_from(DTYPES)
    mixed = draw(st.booleans())
    dtype = draw(dts)
    parts = []
    for _ in range(draw(st.integers(1, 4))):
        shape = list(base)
        if not same_shape:
            shape[axis] = draw(st.integers(0, 3))
        parts.append(draw(arrays(tuple(shape), dts if mixed else st.just(dtype))))
    return parts, axis


def promoted(parts):
    dt = dtypes.result_type(*((p.dtype, False) for p in parts))[0]
    return [p.astype(dt) for p in parts]


@given(joinable())
def test_concat_and_concatenate_promote_and_match_numpy(case):
    parts, axis = case
    expected = np.concatenate(promoted(parts), axis)
    check(fnp.concat([fnp.asarray(p) for p in parts], axis=axis), expected)
    check(fnp.concatenate(tuple(fnp.asarray(p) for p in parts), axis), expected)
    check(fnp.concat([fnp.asarray(p) for p in parts], axis=None), np.concatenate([p.ravel() for p in promoted(parts)]))


def test_concatenate_takes_a_dtype_and_lists():
    check(fnp.concatenate([[1, 2], [3]], dtype=fnp.float16), np.array([1, 2, 3], np.float16))
    check(fnp.concat([fnp.zeros(()), fnp.ones((2,))], axis=None), np.array([0, 1, 1], np.float32))


def test_eager_concatenate_promotes_whatever_place_the_odd_operand_has_and_keeps_weak_types():
    a, w = fnp.asarray(np.float32([[1, 2]])), fnp.Array(np.float32([[3, 4]]), True)
    i, h = fnp.asarray(np.int32([[5, 6]])), fnp.asarray(np.float16([[7, 8]]))
    for parts, dt in [([a, w, i], np.float32), ([i, a], np.float32), ([h, a], np.float32), ([a, np.int8([[1, 2]])], np.float32)]:
        check(fnp.concatenate(parts), np.concatenate([np.asarray(p) for p in parts]).astype(dt))
    assert fnp.concatenate([w, w], axis=-1).weak and not fnp.concatenate([w, a]).weak
    with raises(ShapeError, "out of range"):
        fnp.concatenate([a, w], axis=2)
    with pytest.raises(ShapeError):
        fnp.concatenate([fnp.asarray(np.float32(1)), a])


@given(joinable(same_shape=True, min_dims=0), st.data())
def test_stack_matches_numpy_on_every_axis(case, data):
    parts, _ = case
    axis = data.draw(st.integers(-parts[0].ndim - 1, parts[0].ndim))
    check(fnp.stack([fnp.asarray(p) for p in parts], axis=axis), np.stack(promoted(parts), axis))


@pytest.mark.parametrize("shapes_", [[(3,), (3,)], [(), ()], [(2, 3), (1, 3)], [(2, 1, 2), (2, 1, 2)]])
def test_vstack_hstack_dstack_column_stack_match_numpy(shapes_):
    xs = [np.arange(int(np.prod(s)), dtype=np.int32).reshape(s) + i for i, s in enumerate(shapes_)]
    fs = [fnp.asarray(x) for x in xs]
    for fn, npfn in [(fnp.vstack, np.vstack), (fnp.hstack, np.hstack), (fnp.dstack, np.dstack),
                     (fnp.column_stack, np.column_stack)]:
        try:
            expected = npfn(xs)
        except ValueError:
            with pytest.raises(ShapeError):
                fn(fs)
            continue
        check(fn(fs), expected)


@pytest.mark.parametrize("name", ["concatenate", "stack", "vstack", "hstack", "dstack", "column_stack"])
@pytest.mark.parametrize("shape", [(3,), (3, 2), (2, 2, 3)])
def test_joining_an_array_joins_its_rows_as_numpy(name, shape):
    x = np.arange(int(np.prod(shape)), dtype=np.float32).reshape(shape)
    try:
        expected = getattr(np, name)(x)
    except ValueError:  # (rows of a vector are 0-d)
        with pytest.raises(ValueError):
            getattr(fnp, name)(fnp.asarray(x))
        return
    for arrays in (fnp.asarray(x), x):
        check(getattr(fnp, name)(arrays), expected)
    check(fx.jit(getattr(fnp, name))(fnp.asarray(x)), expected)


def test_stacks_promote_mixed_dtypes():
    out = fnp.stack([fnp.asarray([1], dtype=fnp.int8), fnp.asarray([2], dtype=fnp.uint8)])
    assert out.dtype == np.int16
    assert fnp.vstack([fnp.zeros(2, dtype=fnp.bfloat16), fnp.zeros(2, dtype=fnp.float16)]).dtype == np.float32
    assert fnp.hstack([fnp.zeros(2, dtype=fnp.bool), fnp.zeros(2, dtype=fnp.complex64)]).dtype == np.complex64


def test_joining_errors():
    with raises(ValueError, "concatenate", "at least one"):
        fnp.concat([])
    with raises(TypeError, "stack", "sequence"):
        fnp.stack(fnp.zeros(()))
    with raises(ValueError, "stack", "at least one"):  # (an array with no rows)
        fnp.stack(fnp.zeros((0, 3)))
    with raises(ShapeError, "concatenate", "0-d"):
        fnp.concat([fnp.zeros(()), fnp.zeros(())])
    with raises(ShapeError, "concatenate", "differ outside axis 0"):
        fnp.concat([fnp.zeros((1, 2)), fnp.zeros((1, 3))])
    with raises(ShapeError, "concatenate", "out of range"):
        fnp.concat([fnp.zeros(2)], axis=1)
    with raises(ShapeError, "stack", "one shape"):
        fnp.stack([fnp.zeros(2), fnp.zeros(3)])
    with raises(ShapeError, "stack", "out of range"):
        fnp.stack([fnp.zeros(2)], axis=2)


# splitting ----------------------------------------------------------------------------------
@given(st.data())
def test_split_and_array_split_match_numpy(data):
    x = data.draw(arrays(nd_shapes))
    axis = data.draw(st.integers(-x.ndim, x.ndim - 1))
    n = x.shape[axis]
    sections = data.draw(st.integers(1, 5))
    check_all(fnp.array_split(fnp.asarray(x), sections, axis), np.array_split(x, sections, axis))
    if n % sections == 0:
        check_all(fnp.split(fnp.asarray(x), sections, axis), np.split(x, sections, axis))
    indices = data.draw(st.lists(st.integers(-n - 2, n + 2), max_size=4))
    check_all(fnp.split(fnp.asarray(x), indices, axis), np.split(x, indices, axis))
    check_all(fnp.array_split(fnp.asarray(x), indices, axis), np.array_split(x, indices, axis))


def test_split_errors():
    with raises(ValueError, "split", "equal"):
        fnp.split(fnp.arange(5), 2)
    with raises(ValueError, "array_split", "> 0"):
        fnp.array_split(fnp.arange(5), 0)
    with raises(ShapeError, "split", "out of range"):
        fnp.split(fnp.zeros(()), 1)


@given(st.data())
def test_unstack_gives_the_slices_along_an_axis(data):
    x = data.draw(arrays(nd_shapes))
    axis = data.draw(st.integers(-x.ndim, x.ndim - 1))
    out = fnp.unstack(fnp.asarray(x), axis=axis)
    assert isinstance(out, tuple)
    check_all(out, [np.take(x, i, axis) for i in range(x.shape[axis])])


# repeating ----------------------------------------------------------------------------------
@given(arrays(), st.data())
def test_tile_matches_numpy(x, data):
    reps = tuple(data.draw(st.lists(st.integers(0, 3), max_size=5)))
    check(fnp.tile(fnp.asarray(x), reps), np.tile(x, reps))
    check(fnp.tile(fnp.asarray(x), 2), np.tile(x, 2))


@given(arrays(), st.integers(0, 3), st.data())
def test_repeat_by_an_int_matches_numpy(x, r, data):
    check(fnp.repeat(fnp.asarray(x), r), np.repeat(x, r))
    if x.ndim:
        axis = data.draw(st.integers(-x.ndim, x.ndim - 1))
        check(fnp.repeat(fnp.asarray(x), r, axis=axis), np.repeat(x, r, axis))
        check(fnp.asarray(x).repeat(r, axis=axis), np.repeat(x, r, axis))


@given(arrays(nd_shapes), st.data())
def test_repeat_by_counts_matches_numpy(x, data):
    axis = data.draw(st.integers(-x.ndim, x.ndim - 1))
    counts = data.draw(st.lists(st.integers(0, 3), min_size=x.shape[axis], max_size=x.shape[axis]))
    check(fnp.repeat(fnp.asarray(x), counts, axis=axis), np.repeat(x, counts, axis))
    check(fnp.repeat(fnp.asarray(x), fnp.asarray(counts, dtype=fnp.int32), axis=axis), np.repeat(x, counts, axis))


def test_repeat_and_tile_errors():
    with raises(ValueError, "repeat", "non-negative"):
        fnp.repeat(fnp.zeros(2), -1)
    with raises(ValueError, "repeat", "counts"):
        fnp.repeat(fnp.zeros(3), [1, 2])
    with raises(ValueError, "repeat", "integers"):
        fnp.repeat(fnp.zeros(2), 1.5)
    with raises(ValueError, "tile", ">= 0"):
        fnp.tile(fnp.zeros(2), -1)


@given(arrays(), st.data())
def test_roll_matches_numpy(x, data):
    shift = data.draw(st.integers(-7, 7))
    check(fnp.roll(fnp.asarray(x), shift), np.roll(x, shift))
    if x.ndim:
        axes = data.draw(st.lists(st.integers(-x.ndim, x.ndim - 1), min_size=1, max_size=3))
        shifts = data.draw(st.lists(st.integers(-7, 7), min_size=len(axes), max_size=len(axes)))
        check(fnp.roll(fnp.asarray(x), tuple(shifts), axis=tuple(axes)), np.roll(x, shifts, tuple(axes)))
        check(fnp.roll(fnp.asarray(x), shift, axis=tuple(axes)), np.roll(x, shift, tuple(axes)))
        check(fnp.roll(fnp.asarray(x), tuple(shifts), axis=axes[0]), np.roll(x, shifts, axes[0]))


def test_axis_positional_and_integer_arrays_as_counts_are_taken_as_numpy():
    x = np.arange(24).reshape(2, 3, 4)
    check(fnp.roll(fnp.asarray(x), 1, 0), np.roll(x, 1, 0))
    check(fnp.roll(fnp.asarray(x), fnp.asarray([1, 2]), (0, 2)), np.roll(x, np.array([1, 2]), (0, 2)))
    check(fnp.stack([fnp.asarray(x), fnp.asarray(x)], -1), np.stack([x, x], -1))
    check(fnp.tile(fnp.asarray(x), fnp.asarray([2, 1, 1, 2])), np.tile(x, np.array([2, 1, 1, 2])))
    check(fnp.reshape(fnp.asarray(x), fnp.asarray([4, -1])), np.reshape(x, np.array([4, -1])))


def test_roll_errors():
    with raises(ValueError, "roll", "lengths"):
        fnp.roll(fnp.zeros((2, 2)), (1, 2, 3), axis=(0, 1))
    with raises(ShapeError, "roll", "out of range"):
        fnp.roll(fnp.zeros(2), 1, axis=1)


# padding ------------------------------------------------------------------------------------
@given(st.data(), st.sampled_from(["constant", "edge", "reflect", "symmetric", "wrap"]))
def test_pad_matches_numpy_in_every_mode(data, mode):
    min_side = 0 if mode == "constant" else 1
    x = data.draw(arrays(hnp.array_shapes(min_dims=1, max_dims=3, min_side=min_side, max_side=4)))
    widths = [(data.draw(st.integers(0, 9)), data.draw(st.integers(0, 9))) for _ in x.shape]
    check(fnp.pad(fnp.asarray(x), widths, mode=mode), np.pad(x, widths, mode=mode))



@given(st.data(), st.sampled_from(["reflect", "symmetric"]),
       st.sampled_from([np.int8, np.uint8, np.int32, np.int64, np.float32, np.float64, np.complex64]))
def test_odd_reflections_match_numpy(data, mode, dtype):
    shape = data.draw(hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=4))
    x = data.draw(hnp.arrays(np.int8, shape, elements=st.integers(0, 9))).astype(dtype)  # exact sums
    widths = [(data.draw(st.integers(0, 9)), data.draw(st.integers(0, 9))) for _ in x.shape]
    check(fnp.pad(fnp.asarray(x), widths, mode=mode, reflect_type="odd"), np.pad(x, widths, mode, reflect_type="odd"))

@pytest.mark.parametrize("width", [2, (2,), (1, 3), [[1, 2]], ((0, 1), (2, 0)), np.array([[1, 1], [0, 2]])])
@pytest.mark.parametrize("mode", ["constant", "edge", "reflect", "symmetric", "wrap"])
def test_pad_width_forms_match_numpy(width, mode):
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    check(fnp.pad(fnp.asarray(x), width, mode=mode), np.pad(x, width, mode=mode))


@pytest.mark.parametrize("values", [7, (1, 2), ((1, 2), (3, 4)), [[5], [6]], 2.5])
@pytest.mark.parametrize("dtype", [np.int32, np.float32, np.bool_])
def test_pad_constant_values_forms_match_numpy(values, dtype):
    x = np.arange(6).reshape(2, 3).astype(dtype)
    check(fnp.pad(fnp.asarray(x), ((1, 2), (2, 1)), constant_values=values),
          np.pad(x, ((1, 2), (2, 1)), constant_values=values))


def test_pad_of_0d_and_empty_modes():
    check(fnp.pad(fnp.asarray(3.0), 2), np.pad(np.float32(3.0), 2))
    assert fnp.pad(fnp.zeros(2), 1, mode="empty").shape == (4,)


def test_pad_errors():
    x = fnp.zeros((2, 2))
    with raises(ValueError, "pad", "not supported"):
        fnp.pad(x, 1, mode="bogus")
    with raises(ValueError, "pad", "reflect_type", "'odd'"):
        fnp.pad(x, 1, mode="reflect", reflect_type="bogus")
    with raises(ValueError, "pad", "keyword"):
        fnp.pad(x, 1, mode="edge", constant_values=1)
    with raises(TypeError, "pad", "integers"):
        fnp.pad(x, 1.5)
    with raises(ValueError, "pad", "negative"):
        fnp.pad(x, -1)
    with raises(ValueError, "pad", "does not fit"):
        fnp.pad(x, ((1, 1), (1, 1), (1, 1)))
    with raises(ValueError, "pad", "empty axis"):
        fnp.pad(fnp.zeros((0, 2)), 1, mode="wrap")


# under tracing -----------------------------------------------------------------------------
TRACEABLE = {
    "reshape": lambda x: fnp.reshape(x, (3, -1), order="F"), "ravel": fnp.ravel, "flatten": fnp.flatten,
    "squeeze": lambda x: fnp.squeeze(x[None]), "expand_dims": lambda x: fnp.expand_dims(x, (0, 3)),
    "atleast_3d": fnp.atleast_3d, "permute_dims": lambda x: fnp.permute_dims(x, (1, 0)), "transpose": fnp.transpose,
    "matrix_transpose": fnp.matrix_transpose, "swapaxes": lambda x: fnp.swapaxes(x, 0, 1),
    "moveaxis": lambda x: fnp.moveaxis(x, 0, -1), "flip": fnp.flip, "rot90": lambda x: fnp.rot90(x, 3),
    "broadcast_to": lambda x: fnp.broadcast_to(x, (2, 2, 3)),
    "broadcast_arrays": lambda x: fnp.broadcast_arrays(x, x[:1]),
    "concat": lambda x: fnp.concat([x, x], axis=None), "stack": lambda x: fnp.stack([x, x], axis=-1),
    "vstack": lambda x: fnp.vstack([x, x]), "hstack": lambda x: fnp.hstack([x, x]),
    "dstack": lambda x: fnp.dstack([x, x]),
    "column_stack": lambda x: fnp.column_stack([x, x]), "split": lambda x: fnp.split(x, [1, 2], axis=1),
    "array_split": lambda x: fnp.array_split(x, 2, axis=1), "unstack": lambda x: list(fnp.unstack(x, axis=1)),
    "tile": lambda x: fnp.tile(x, (2, 1, 2)), "repeat": lambda x: fnp.repeat(x, 2, axis=0),
    "repeat_counts": lambda x: fnp.repeat(x, [1, 0, 2], axis=1), "roll": lambda x: fnp.roll(x, (1, 2), axis=(0, 1)),
    "pad_constant": lambda x: fnp.pad(x, ((1, 2), (0, 1)), constant_values=((1, 2), (3, 4))),
    "pad_reflect": lambda x: fnp.pad(x, 4, mode="reflect"), "pad_symmetric": lambda x: fnp.pad(x, 3, mode="symmetric"),
    "pad_wrap": lambda x: fnp.pad(x, 5, mode="wrap"), "pad_edge": lambda x: fnp.pad(x, 2, mode="edge"),
}


@pytest.mark.parametrize("name", sorted(TRACEABLE))
def test_manipulation_works_on_traced_values(name):
    from _tracing import traced
    x = fnp.asarray(np.arange(6, dtype=np.float32).reshape(2, 3))
    eager, through = TRACEABLE[name](x), traced(TRACEABLE[name], x)
    check_all(listed(through), [np.asarray(e) for e in listed(eager)])


def listed(v) -> list:
    return v if isinstance(v, (list, tuple)) else [v]


def test_roll_by_a_traced_shift_matches_numpy():
    x = np.arange(12.0).reshape(3, 4)
    one = fx.jit(lambda v, s: fnp.roll(v, s, axis=1))
    several = fx.jit(lambda v, s: fnp.roll(v, s, axis=(0, 1)))
    flat = fx.jit(lambda v, s: fnp.roll(v, s))
    for s in (0, 5, -1, -9):
        np.testing.assert_array_equal(one(x, s), np.roll(x, s, axis=1))
        np.testing.assert_array_equal(flat(x, s), np.roll(x, s))
    np.testing.assert_array_equal(several(x, np.array([1, -2])), np.roll(x, (1, -2), axis=(0, 1)))
    batched = fx.vmap(lambda s: fnp.roll(fnp.asarray(x), s, axis=0))(fnp.asarray([0, 1, 2]))
    np.testing.assert_array_equal(batched, np.stack([np.roll(x, s, axis=0) for s in range(3)]))
    # the derivative of sum(roll(v, 1) * i) in v[j] is the weight v[j] moves to, (j + 1) mod 3
    g = fx.grad(lambda v: (one(v.T, 1).T * fnp.arange(3.0)[:, None]).sum())(fnp.asarray(x))
    np.testing.assert_array_equal(g, np.repeat([[1.0], [2.0], [0.0]], 4, axis=1))
