"""The shape primitives against NumPy: values, shapes, dtypes, weak types, no-op fast paths and errors."""
import numpy as np
import pytest
from hypothesis import given, strategies as st
from hypothesis.extra import numpy as hnp

import fluxion.numpy as fnp
from fluxion.core import dtypes
from fluxion.core.array import Array
from fluxion.core.errors import DTypeError, ShapeError
from fluxion.core.primitive import abstract_eval
from fluxion.core.types import ArrayType
from fluxion.ops import shape as S

from _arrays import arrays, raises, sample, shapes

DTYPES = dtypes.ALL


def check(out: Array, expected: np.ndarray, weak: bool = False):
    assert isinstance(out, Array)
    assert out.shape == expected.shape and out.dtype == expected.dtype and out.weak == weak
    np.testing.assert_array_equal(np.asarray(out), expected)


# values ------------------------------------------------------------------------------------
@given(st.data())
def test_broadcast_in_dim_matches_numpy_broadcast(data):
    out_shape = data.draw(shapes)
    dims = tuple(i for i in range(len(out_shape)) if data.draw(st.booleans()))
    in_shape = tuple(out_shape[d] if data.draw(st.booleans()) else 1 for d in dims)
    x = data.draw(arrays(in_shape))
    expanded = [1] * len(out_shape)
    for i, d in enumerate(dims):
        expanded[d] = in_shape[i]
    check(S.broadcast_in_dim(fnp.asarray(x), out_shape, dims), np.broadcast_to(x.reshape(expanded), out_shape))


@given(arrays(), st.integers(0, 2))
def test_broadcast_to_matches_numpy(x, lead):
    target = (3,) * lead + tuple(d if d != 1 else 2 for d in x.shape)
    check(S.broadcast_to(fnp.asarray(x), target), np.broadcast_to(x, target))


@given(arrays(), st.randoms(use_true_random=False))
def test_reshape_matches_numpy(x, rnd):
    sizes = list(x.shape)
    rnd.shuffle(sizes)
    new = tuple(sizes) + (1,) * rnd.randint(0, 2)
    check(S.reshape(fnp.asarray(x), new), x.reshape(new))


@given(st.data())
def test_transpose_matches_numpy_with_negative_axes(data):
    x = data.draw(arrays())
    perm = data.draw(st.permutations(range(x.ndim)))
    signed = [p - x.ndim if data.draw(st.booleans()) else p for p in perm]
    check(S.transpose(fnp.asarray(x), signed), np.transpose(x, perm))


@given(st.data())
def test_squeeze_and_expand_dims_are_inverse_and_match_numpy(data):
    x = data.draw(arrays())
    n = data.draw(st.integers(0, 3))
    out_ndim = x.ndim + n
    dims = data.draw(st.lists(st.integers(0, out_ndim - 1), min_size=n, max_size=n, unique=True)) if n else []
    signed = tuple(d - out_ndim if data.draw(st.booleans()) else d for d in dims)
    grown = S.expand_dims(fnp.asarray(x), signed)
    check(grown, np.expand_dims(x, tuple(dims)))
    check(S.squeeze(grown, signed), x)


@given(st.data())
def test_rev_matches_numpy_flip(data):
    x = data.draw(arrays())
    axis = st.integers(-x.ndim, x.ndim - 1)
    dims = data.draw(st.lists(axis, unique_by=lambda d: d % x.ndim)) if x.ndim else []
    check(S.rev(fnp.asarray(x), dims), np.flip(x, tuple(dims)))


@given(st.data())
def test_concatenate_matches_numpy(data):
    base = data.draw(hnp.array_shapes(min_dims=1, max_dims=3, min_side=0, max_side=3))
    axis = data.draw(st.integers(-len(base), len(base) - 1))
    dtype = data.draw(st.sampled_from(DTYPES))
    parts = []
    for _ in range(data.draw(st.integers(1, 4))):
        shape = list(base)
        shape[axis] = data.draw(st.integers(0, 3))
        parts.append(data.draw(arrays(tuple(shape), st.just(dtype))))
    check(S.concatenate([fnp.asarray(p) for p in parts], axis), np.concatenate(parts, axis))


def reference_pad(x: np.ndarray, value, config) -> np.ndarray:
    """XLA's Pad element by element: input index i lands at lo + i * (interior + 1)."""
    shape = tuple(lo + hi + n + max(n - 1, 0) * interior for n, (lo, hi, interior) in zip(x.shape, config))
    out = np.full(shape, value, x.dtype)
    for idx in np.ndindex(*x.shape):
        at = tuple(lo + i * (interior + 1) for i, (lo, _, interior) in zip(idx, config))
        if all(0 <= a < s for a, s in zip(at, shape)):
            out[at] = x[idx]
    return out


@given(st.data())
def test_pad_matches_xla_semantics_including_negative_and_interior(data):
    x = data.draw(arrays(hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4)))
    config = []
    for n in x.shape:
        interior = data.draw(st.integers(0, 2))
        size = n + max(n - 1, 0) * interior
        lo = data.draw(st.integers(-size, 3))
        hi = data.draw(st.integers(-(size + lo), 3))
        config.append((lo, hi, interior))
    value = sample(1, (), x.dtype)
    check(S.pad(fnp.asarray(x), fnp.asarray(value), config), reference_pad(x, value, config))


def test_pad_accepts_a_python_scalar_padding_value():
    check(S.pad(fnp.asarray([1, 2], dtype=fnp.int32), 9, [(1, 0, 1)]), np.array([9, 1, 9, 2], np.int32))


@given(st.data())
def test_slice_with_strides_matches_numpy(data):
    x = data.draw(arrays())
    start, limit, strides = [], [], []
    for n in x.shape:
        s = data.draw(st.integers(0, n))
        start.append(s)
        limit.append(data.draw(st.integers(s, n)))
        strides.append(data.draw(st.integers(1, 3)))
    expected = x[tuple(slice(*t) for t in zip(start, limit, strides))]
    check(S.slice(fnp.asarray(x), start, limit, strides), expected)
    check(S.slice(fnp.asarray(x), start, limit), x[tuple(slice(*t) for t in zip(start, limit))])


@pytest.mark.parametrize("config", [((0, 0, 0), (-1, -2, 0)), ((-3, 0, 0), (0, 0, 0)), ((-1, -1, 0), (-1, -1, 0))])
def test_slices_and_crops_share_a_large_operand_and_copy_a_small_part(config):
    a = fnp.asarray(np.arange(80.0).reshape(8, 10))
    x, big, small = a._value, S.pad(a, 0.0, config)._value, S.slice(a, (0, 0), (2, 3))._value
    assert np.shares_memory(big, x) and not np.shares_memory(small, x)  # a small part keeps no large buffer
    np.testing.assert_array_equal(big, x[-config[0][0]:8 + config[0][1], -config[1][0]:10 + config[1][1]])
    np.testing.assert_array_equal(small, x[:2, :3])


def test_slice_in_dim_slices_one_axis():
    x = np.arange(24).reshape(2, 3, 4)
    check(S.slice_in_dim(fnp.asarray(x), 1, 4, 2, axis=-1), x[:, :, 1:4:2])


@given(shape=hnp.array_shapes(min_dims=1, max_dims=3, min_side=0, max_side=5),
       dtype=st.sampled_from(dtypes.NUMERIC), data=st.data())
def test_iota_counts_along_one_axis(shape, dtype, data):
    dim = data.draw(st.integers(-len(shape), len(shape) - 1))
    counts = np.arange(shape[dim]).reshape([-1 if i == dim % len(shape) else 1 for i in range(len(shape))])
    check(S.iota(dtype, shape, dim), np.broadcast_to(counts, shape).astype(dtype))


def test_full_fills_with_a_scalar_or_a_0d_array():
    check(S.full((2, 3), 7, dtypes.int8), np.full((2, 3), 7, np.int8))
    check(S.full((2,), fnp.asarray(1.5, dtype=fnp.bfloat16), dtypes.bfloat16), np.full((2,), 1.5, dtypes.bfloat16))


# types -------------------------------------------------------------------------------------
@pytest.mark.parametrize("op", [
    lambda x: S.reshape(x, (3, 2)), lambda x: S.transpose(x, (1, 0)), lambda x: S.rev(x, (0,)),
    lambda x: S.broadcast_in_dim(x, (4, 2, 3), (1, 2)), lambda x: S.expand_dims(x, (0,)),
    lambda x: S.slice(x, (0, 1), (2, 3)), lambda x: S.pad(x, 0.0, [(1, 1, 0), (0, 0, 1)]),
    lambda x: S.concatenate([x, x], 1)])
@pytest.mark.parametrize("weak", [False, True])
def test_shape_ops_keep_dtype_and_weak_type(op, weak):
    x = Array(np.arange(6, dtype=np.float32).reshape(2, 3), weak=weak)
    out = op(x)
    assert out.dtype == np.float32 and out.weak == weak


def test_iota_is_strong_and_concatenate_is_weak_only_if_all_are():
    assert not S.iota(dtypes.float32, (3,), 0).weak
    assert not S.concatenate([Array(np.zeros(1, np.float32), weak=True), fnp.zeros(1)], 0).weak


def test_abstract_evaluation_gives_result_types_without_running_kernels():
    f32 = ArrayType((2, 3), dtypes.float32)
    assert abstract_eval[S.reshape_p](f32, new_sizes=(3, 2)) == ArrayType((3, 2), dtypes.float32)
    pad = abstract_eval[S.pad_p](f32, ArrayType((), dtypes.float32), padding_config=((1, -1, 1), (0, 2, 0)))
    assert pad.shape == (3, 5)
    assert abstract_eval[S.slice_p](f32, start_indices=(0, 0), limit_indices=(2, 3), strides=(2, 2)).shape == (1, 2)
    assert abstract_eval[S.iota_p](dtype=dtypes.int32, shape=(4,), dimension=0) == ArrayType((4,), dtypes.int32)


# fast paths ----------------------------------------------------------------------------------
def test_no_op_calls_return_their_input():
    x = fnp.zeros((2, 1, 3))
    assert S.reshape(x, (2, 1, 3)) is x
    assert S.transpose(x, (0, 1, 2)) is x
    assert S.squeeze(x, ()) is x and S.expand_dims(x, ()) is x
    assert S.rev(x, (1,)) is x  # an axis of one element
    assert S.broadcast_in_dim(x, (2, 1, 3), (0, 1, 2)) is x and S.broadcast_to(x, (2, 1, 3)) is x
    one = S.concatenate([x], 0)  # (a new array, as NumPy's: another object, with x's value)
    assert one is not x and one._value is x._value
    assert S.pad(x, 0.0, [(0, 0, 0)] * 3) is x
    assert S.slice(x, (0, 0, 0), (2, 1, 3), (1, 1, 1)) is x


def test_negative_axes_are_normalised_in_the_parameters():
    x = fnp.zeros((2, 3))
    assert S.concatenate([x, x], -1).shape == (2, 6)
    assert S.iota(dtypes.int32, (2, 3), -1).tolist() == [[0, 1, 2], [0, 1, 2]]


# errors ------------------------------------------------------------------------------------
def test_reshape_to_a_different_size_is_a_shape_error():
    with raises(ShapeError, "reshape", r"\(2, 3\)", "6 elements"):
        S.reshape(fnp.zeros((2, 3)), (4,))
    with raises(ShapeError, "reshape", "negative"):
        S.reshape(fnp.zeros((2, 3)), (-1, 6))


def test_broadcast_errors_name_the_axis_and_shapes():
    x = fnp.zeros((2, 3))
    with raises(ShapeError, "broadcast_in_dim", "axis 1", "size 3"):
        S.broadcast_in_dim(x, (2, 4), (0, 1))
    with raises(ShapeError, "broadcast_in_dim", "entries"):
        S.broadcast_in_dim(x, (2, 3), (0,))
    with raises(ShapeError, "broadcast_in_dim", "not increasing"):
        S.broadcast_in_dim(x, (3, 2), (1, 0))
    with raises(ShapeError, "broadcast_in_dim", "out of range"):
        S.broadcast_in_dim(x, (2, 3), (0, 2))
    with raises(ShapeError, "broadcast_in_dim", "negative"):
        S.broadcast_in_dim(fnp.zeros(()), (-1,), ())
    with raises(ShapeError, "broadcast_to", r"\(2, 3\)", r"\(3,\)"):
        S.broadcast_to(x, (3,))
    with raises(ShapeError, "broadcast_to"):
        S.broadcast_to(x, (4, 3))


def test_axis_errors_name_the_valid_range():
    x = fnp.zeros((2, 3))
    with raises(ShapeError, "transpose", "out of range"):
        S.transpose(x, (0, 2))
    with raises(ShapeError, "transpose", "repeat"):
        S.transpose(x, (0, 0))
    with raises(ShapeError, "transpose", "permutation"):
        S.transpose(x, (0,))
    with raises(ShapeError, "squeeze", "sizes"):
        S.squeeze(x, (0,))
    with raises(ShapeError, "rev", "out of range"):
        S.rev(x, (5,))
    with raises(ShapeError, "expand_dims", "out of range"):
        S.expand_dims(x, (4,))
    with raises(TypeError, "axes", "integers"):
        S.rev(x, (0.5,))


def test_concatenate_errors():
    with raises(DTypeError, "concatenate", "float32", "int32"):
        S.concatenate([fnp.zeros(2), fnp.zeros(2, dtype=fnp.int32)], 0)
    with raises(ShapeError, "concatenate", "differ outside axis 0"):
        S.concatenate([fnp.zeros((2, 3)), fnp.zeros((2, 4))], 0)
    with raises(ShapeError, "concatenate", "0-d"):
        S.concatenate([fnp.zeros(()), fnp.zeros(())], 0)
    with raises(ValueError, "concatenate", "at least one"):
        S.concatenate([], 0)
    with raises(ShapeError, "concatenate", "out of range"):
        S.concatenate([fnp.zeros(2), fnp.zeros(2)], 1)


def test_pad_errors():
    x = fnp.zeros((2, 3))
    with raises(ShapeError, "pad", "crops more"):
        S.pad(x, 0.0, [(-2, -1, 0), (0, 0, 0)])
    with raises(ValueError, "pad", "interior"):
        S.pad(x, 0.0, [(0, 0, -1), (0, 0, 0)])
    with raises(ShapeError, "pad", "entries"):
        S.pad(x, 0.0, [(0, 0, 0)])
    with raises(ShapeError, "pad", "0-d"):
        S.pad(x, fnp.zeros(2), [(0, 0, 1), (0, 0, 0)])
    with raises(DTypeError, "pad", "float32", "int32"):
        S.pad(x, fnp.asarray(0, dtype=fnp.int32), [(1, 0, 0), (0, 0, 0)])
    with raises(TypeError, "pad", "triples"):
        S.pad(x, 0.0, [(1, 0, 0), 3])
    with raises(ValueError, "pad", "triples"):
        abstract_eval[S.pad_p](x.aval, ArrayType((), dtypes.float32), padding_config=((1, 0), (0, 0)))


def test_slice_errors():
    x = fnp.zeros((4,))
    with raises(ShapeError, "slice", "do not fit"):
        S.slice(x, (2,), (5,))
    with raises(ShapeError, "slice", "do not fit"):
        S.slice(x, (3,), (2,))
    with raises(ValueError, "slice", "strides"):
        S.slice(x, (0,), (4,), (0,))
    with raises(ShapeError, "slice", "entries"):
        S.slice(x, (0, 0), (4, 4))


def test_iota_errors():
    with raises(DTypeError, "iota", "bool"):
        S.iota(dtypes.bool_, (3,), 0)
    with raises(ShapeError, "iota", "out of range"):
        S.iota(dtypes.int32, (), 0)
    with raises(ShapeError, "iota", "negative"):
        S.iota(dtypes.int32, (-2,), 0)


def test_full_errors():
    with raises(ShapeError, "full", "0-d"):
        S.full((2,), fnp.zeros(2), dtypes.float32)
    with raises(DTypeError, "full", "int32"):
        S.full((2,), fnp.asarray(1, dtype=fnp.int32), dtypes.float32)


def test_out_of_range_axes_are_both_shape_and_index_errors():
    with pytest.raises(IndexError):
        S.expand_dims(fnp.zeros(2), (2,))
    with raises(S.AxisError, "squeeze", "out of range"):
        S.squeeze(fnp.zeros((1,)), (1,))
    assert issubclass(S.AxisError, ShapeError) and issubclass(S.AxisError, IndexError)
