"""Reduction primitives against NumPy: reductions, arg-reductions, cumulative reductions."""
import ml_dtypes
import numpy as np
import pytest
from hypothesis import given, strategies as st
from hypothesis.extra import numpy as hnp

import fluxion  # noqa: F401  (fills the kernel tables)
from fluxion.core import dtypes as D
from fluxion.core.array import Array
from fluxion.core.errors import DTypeError, ShapeError
from fluxion.ops import reduce as R

BF16 = np.dtype(ml_dtypes.bfloat16)
LOW = (np.dtype(np.float16), BF16)
REAL_FLOATS = [np.float16, BF16, np.float32, np.float64]
INTS = [np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32, np.uint64]
COMPLEX = [np.complex64, np.complex128]
TOL = {np.dtype(np.float16): 2e-2, BF16: 5e-2, np.dtype(np.float32): 1e-5, np.dtype(np.float64): 1e-12,
       np.dtype(np.complex64): 1e-5, np.dtype(np.complex128): 1e-12}
SPECIALS = [np.nan, np.inf, -np.inf, -0.0, 0.0, 0.5]


@st.composite
def arrays(draw, dtypes, min_dims=0, max_dims=3, specials=True, min_side=0):
    """Small arrays of one of `dtypes`; floats mix small integers with NaN, inf and -0.0."""
    dt = np.dtype(draw(st.sampled_from(dtypes)))
    shape = draw(hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=min_side, max_side=4))
    if dt == np.bool_:
        elements = st.booleans()
    elif dt.kind in "iu":
        elements = st.integers(int(np.iinfo(dt).min), int(np.iinfo(dt).max))
    else:
        elements = st.integers(-4, 4).map(float)
        if specials and dt.kind != "c":  # complex infinities multiply differently across libraries
            elements = st.one_of(elements, st.sampled_from(SPECIALS))
    base = np.complex128 if dt.kind == "c" else (np.float64 if dt.kind == "f" or dt == BF16 else dt)
    value = draw(hnp.arrays(base, shape, elements=elements))
    if dt.kind == "c":
        value = value + 1j * draw(hnp.arrays(np.float64, shape, elements=st.integers(-4, 4).map(float)))
    return value.astype(dt)


@st.composite
def array_and_axes(draw, dtypes, specials=True):
    x = draw(arrays(dtypes, specials=specials))
    axes = draw(st.lists(st.integers(-x.ndim, x.ndim - 1), unique_by=lambda a: a % x.ndim, max_size=x.ndim)
                if x.ndim else st.just([]))
    return x, tuple(axes)


def _check_close(got: Array, want: np.ndarray, dt: np.dtype) -> None:
    assert got.dtype == dt, (got.dtype, dt)
    assert got.shape == want.shape
    g = np.asarray(got)
    if dt.kind in "fc" or dt in LOW:
        np.testing.assert_allclose(g.astype(np.complex128 if dt.kind == "c" else np.float64),
                                   want.astype(np.complex128 if dt.kind == "c" else np.float64),
                                   rtol=TOL[dt], atol=TOL[dt], equal_nan=True)
    else:
        np.testing.assert_array_equal(g, want)


def _wide(x: np.ndarray) -> np.ndarray:
    return x.astype(np.float32) if x.dtype in LOW else x


def _oracle(name, x, axes):
    ax = tuple(a % x.ndim for a in axes)
    w = _wide(x)
    if name in ("reduce_sum", "reduce_prod"):
        fn = np.sum if name == "reduce_sum" else np.prod
        return fn(w, axis=ax, dtype=w.dtype).astype(x.dtype)
    if name in ("reduce_max", "reduce_min"):
        ident = (R.lowest if name == "reduce_max" else R.highest)(w.dtype).item()
        return (np.max if name == "reduce_max" else np.min)(w, axis=ax, initial=ident).astype(x.dtype)
    ufunc = {"reduce_and": np.bitwise_and, "reduce_or": np.bitwise_or, "reduce_xor": np.bitwise_xor}[name]
    return np.asarray(ufunc.reduce(x, axis=ax)).astype(x.dtype)


REDUCTIONS = {
    "reduce_sum": (R.reduce_sum, INTS + REAL_FLOATS + COMPLEX),
    "reduce_prod": (R.reduce_prod, INTS + REAL_FLOATS + COMPLEX),
    "reduce_max": (R.reduce_max, [np.bool_] + INTS + REAL_FLOATS),
    "reduce_min": (R.reduce_min, [np.bool_] + INTS + REAL_FLOATS),
    "reduce_and": (R.reduce_and, [np.bool_] + INTS),
    "reduce_or": (R.reduce_or, [np.bool_] + INTS),
    "reduce_xor": (R.reduce_xor, [np.bool_] + INTS),
}


@pytest.mark.parametrize("name", sorted(REDUCTIONS))
@given(data=st.data())
def test_reductions_match_numpy_over_dtypes_shapes_and_axes(name, data):
    fn, dts = REDUCTIONS[name]
    x, axes = data.draw(array_and_axes(dts))
    _check_close(fn(Array(x), axes), _oracle(name, x, axes), x.dtype)


@pytest.mark.parametrize("name", sorted(REDUCTIONS))
def test_reduction_over_empty_axes_gives_the_identity(name):
    fn, dts = REDUCTIONS[name]
    for dt in dts:
        x = np.zeros((2, 0, 3), dt)
        got = fn(Array(x), (1,))
        assert got.shape == (2, 3) and got.dtype == np.dtype(dt)
        _check_close(got, _oracle(name, x, (1,)), np.dtype(dt))


def test_empty_reductions_give_xla_identities():
    assert R.reduce_sum(Array(np.zeros(0, np.float32)), (0,)).item() == 0.0
    assert R.reduce_prod(Array(np.zeros(0, np.int32)), (0,)).item() == 1
    assert R.reduce_max(Array(np.zeros(0, np.float32)), (0,)).item() == -np.inf
    assert R.reduce_min(Array(np.zeros(0, np.uint8)), (0,)).item() == 255
    assert R.reduce_max(Array(np.zeros(0, np.int16)), (0,)).item() == -32768
    assert R.reduce_and(Array(np.zeros(0, np.bool_)), (0,)).item() is True
    assert R.reduce_and(Array(np.zeros(0, np.uint8)), (0,)).item() == 255
    assert R.reduce_or(Array(np.zeros(0, np.int8)), (0,)).item() == 0


def test_integer_sums_wrap_like_xla():
    x = Array(np.array([100, 100, 100], np.int8))
    assert R.reduce_sum(x, (0,)).item() == np.int8(300 - 256)
    assert R.reduce_prod(Array(np.array([16, 16], np.uint8)), (0,)).item() == 0


def test_max_and_min_propagate_nan():
    x = Array(np.array([[1.0, np.nan], [2.0, 3.0]], np.float32))
    assert np.isnan(R.reduce_max(x, (0, 1)).item())
    np.testing.assert_array_equal(np.asarray(R.reduce_min(x, (1,))), [np.nan, 2.0])


def test_reducing_no_axes_returns_the_input_value_and_weak_types_stay_weak():
    x = Array(np.array([1.0, 2.0], np.float32))
    same = R.reduce_sum(x, ())  # (another object: an in-place update of x must not show in it)
    assert same is not x and same._value is x._value and same.weak == x.weak
    w = Array(np.array([1.0, 2.0], np.float32), weak=True)
    assert R.reduce_sum(w, (0,)).weak and not R.reduce_sum(x, (0,)).weak


def test_axes_may_be_an_int_or_negative():
    x = Array(np.arange(6).reshape(2, 3))
    assert R.reduce_sum(x, -1).tolist() == [3, 12]
    assert R.reduce_sum(x, (-1, 0)).item() == 15


@pytest.mark.parametrize("axes, match", [((2,), "out of range"), ((0, -2), "repeats"), ((-3,), "out of range")])
def test_bad_axes_raise_shape_errors_naming_the_fix(axes, match):
    with pytest.raises(ShapeError, match=match) as e:
        R.reduce_sum(Array(np.zeros((2, 3))), axes)
    assert "fix:" in str(e.value) and "reduce_sum" in str(e.value)


def test_axes_of_a_0d_array_raise_and_name_axis_none():
    with pytest.raises(ShapeError, match="axis=None"):
        R.reduce_max(Array(np.float32(1.0)), (0,))


def test_non_integer_axes_raise_type_error():
    with pytest.raises(TypeError, match="tuple of ints"):
        R.reduce_sum(Array(np.zeros(3)), (0.5,))


def test_binding_non_canonical_axes_raises():
    with pytest.raises(ShapeError, match="normalises axes"):
        R.reduce_sum_p.bind(Array(np.zeros((2, 3))), axes=(1, 0))


@pytest.mark.parametrize("fn, dt", [(R.reduce_sum, np.bool_), (R.reduce_prod, np.bool_), (R.reduce_max, np.complex64),
                                    (R.reduce_and, np.float32), (R.reduce_xor, np.complex64)])
def test_unsupported_dtypes_raise_dtype_errors_naming_the_fix(fn, dt):
    with pytest.raises(DTypeError, match="astype") as e:
        fn(Array(np.zeros(3, dt)), (0,))
    assert str(np.dtype(dt)) in str(e.value)


# arg-reductions ------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["argmax", "argmin"])
@given(data=st.data())
def test_arg_reductions_match_numpy_with_nan_and_ties(name, data):
    x = data.draw(arrays([np.bool_] + INTS + REAL_FLOATS, min_dims=1, min_side=1))
    axis = data.draw(st.integers(-x.ndim, x.ndim - 1))
    index_dtype = data.draw(st.sampled_from([np.int32, np.int64, np.uint8]))
    got = getattr(R, name)(Array(x), axis, index_dtype)
    want = getattr(np, name)(_wide(x), axis=axis).astype(index_dtype)
    assert got.dtype == np.dtype(index_dtype)
    np.testing.assert_array_equal(np.asarray(got), want)


def test_argmax_first_nan_wins_and_ties_take_the_first_index():
    x = Array(np.array([1.0, 3.0, np.nan, 3.0, np.nan], np.float32))
    assert R.argmax(x, 0).item() == 2 and R.argmin(x, 0).item() == 2
    y = Array(np.array([[2, 5, 5], [1, 1, 0]], np.int32))
    assert R.argmax(y, 1).tolist() == [1, 0] and R.argmin(y, 0).tolist() == [1, 1, 1]


def test_arg_reduction_of_an_empty_axis_raises():
    with pytest.raises(ShapeError, match="empty") as e:
        R.argmax(Array(np.zeros((3, 0))), 1)
    assert "fix:" in str(e.value)


def test_arg_reduction_rejects_complex_and_float_index_dtypes():
    with pytest.raises(DTypeError, match="complex64"):
        R.argmin(Array(np.zeros(2, np.complex64)), 0)
    with pytest.raises(DTypeError, match="float32"):
        R.argmax(Array(np.zeros(2)), 0, np.float32)
    with pytest.raises(ShapeError, match="out of range"):
        R.argmax(Array(np.zeros(2)), 1)


# cumulative reductions ------------------------------------------------------------------------
def _cumulative_oracle(name, x, axis, reverse):
    w = _wide(x)
    fn = {"cumsum": lambda v, a: np.cumsum(v, a, dtype=v.dtype),
          "cumprod": lambda v, a: np.cumprod(v, a, dtype=v.dtype),
          "cummax": np.maximum.accumulate, "cummin": np.minimum.accumulate, "cumlogsumexp": np.logaddexp.accumulate}[name]
    if reverse:
        return np.flip(fn(np.flip(w, axis), axis), axis).astype(x.dtype)
    return np.asarray(fn(w, axis)).astype(x.dtype)


CUMULATIVE = {"cumsum": INTS + REAL_FLOATS + COMPLEX, "cumprod": INTS + REAL_FLOATS + COMPLEX,
              "cummax": [np.bool_] + INTS + REAL_FLOATS, "cummin": [np.bool_] + INTS + REAL_FLOATS,
              "cumlogsumexp": REAL_FLOATS}


@pytest.mark.parametrize("name", sorted(CUMULATIVE))
@given(data=st.data())
def test_cumulative_reductions_match_numpy_both_directions(name, data):
    x = data.draw(arrays(CUMULATIVE[name], min_dims=1))
    axis = data.draw(st.integers(-x.ndim, x.ndim - 1))
    reverse = data.draw(st.booleans())
    got = getattr(R, name)(Array(x), axis, reverse=reverse)
    _check_close(got, _cumulative_oracle(name, x, axis % x.ndim, reverse), x.dtype)


def test_cumulative_reductions_reject_bad_dtypes_and_axes():
    with pytest.raises(DTypeError, match="cumsum"):
        R.cumsum(Array(np.zeros(2, bool)), 0)
    with pytest.raises(DTypeError, match="floating"):
        R.cumlogsumexp(Array(np.zeros(2, np.int32)), 0)
    with pytest.raises(ShapeError, match="axis=None"):
        R.cummax(Array(np.float32(1)), 0)


def test_lowest_and_highest_are_the_identities_of_max_and_min():
    assert R.lowest(D.bfloat16).item() == -np.inf and R.highest(D.uint16).item() == 65535
    assert R.lowest(D.bool_).item() is False and R.highest(D.int8).item() == 127


def test_normalize_axes_sorts_and_wraps():
    assert R.normalize_axes("op", None, 3) == (0, 1, 2)
    assert R.normalize_axes("op", -1, 3) == (2,)
    assert R.normalize_axes("op", [2, -3], 3) == (0, 2)
    assert R.normalize_axes("op", np.int64(1), 2) == (1,)
