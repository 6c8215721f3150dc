"""Kernels that take another way on large arrays give NumPy's result bit for bit: selections
(`where`, the `select_n` kernel, the derivative of `maximum`), which choose bits rather than
branch on each element, for every dtype, NaN payloads, -0.0 and infinities, conditions and
operands that broadcast, Python scalars; and `maximum`/`minimum` of a large array and a 0-d
one, which fill the 0-d operand to the array's shape."""
import ml_dtypes
import numpy as np
import pytest

import fluxion as fx
import fluxion.nn as nn
import fluxion.numpy as fnp
from fluxion.backends.numpy._select import where
from fluxion.core.array import Array
from fluxion.core.primitive import numpy_kernel
from fluxion.ops import elementwise as E

from test_eager_fast_paths import check, same

_RNG = np.random.default_rng(3)
_DTYPES = [np.float32, np.float64, np.float16, ml_dtypes.bfloat16, np.int8, np.int64, np.uint16, np.bool_,
           np.complex64, np.complex128]
# (condition, x, y) shapes: equal, a broadcast condition, broadcast operands, 0-d operands, 0-d condition
_SHAPES = [((80, 70),) * 3, ((80, 1), (80, 70), (1, 70)), ((80, 70), (70,), (80, 1)), ((80, 70), (), ()),
           ((), (80, 70), (80, 70)), ((3, 1, 70), (1, 40, 70), (3, 40, 1))]


def _values(dt, shape):
    v = (_RNG.standard_normal(shape) * 3).astype(dt)
    if np.dtype(dt).kind in "fc" and v.size >= 6:
        v.flat[:6] = np.nan, -np.nan, -0.0, np.inf, -np.inf, 0.0
    return v


def _condition(shape):
    return _RNG.standard_normal(shape) > 0


def _same_bits(got: np.ndarray, want: np.ndarray) -> None:
    assert (got.dtype, got.shape) == (want.dtype, want.shape)
    assert np.ascontiguousarray(got).tobytes() == np.ascontiguousarray(want).tobytes()


@pytest.mark.parametrize("dt", _DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("shapes", _SHAPES, ids=str)
def test_select_n_kernel_gives_numpys_where_bit_for_bit(dt, shapes):
    c, x, y = _condition(shapes[0]), _values(dt, shapes[1]), _values(dt, shapes[2])
    _same_bits(numpy_kernel[E.select_n_p](c, y, x), np.where(c, x, y))


# (a Python float does not keep an int array's dtype: the general path promotes, no fast path)
_SCALARS = [(dt, s) for dt in (np.float32, np.float64) for s in (1.5, -0.0, float("nan"), 3, -7)] + \
    [(dt, s) for dt in (np.int32, np.int64) for s in (3, -7)]


@pytest.mark.parametrize("dt, scalar", _SCALARS, ids=str)
def test_where_with_a_python_scalar_converts_it_as_numpy_does(dt, scalar):
    c, x = _condition((90, 60)), _values(dt, (90, 60))
    _same_bits(where(c, x, scalar), np.where(c, x, scalar))
    _same_bits(where(c, scalar, x), np.where(c, scalar, x))
    got = fnp.where(Array(c), Array(x), scalar)
    _same_bits(got._value, np.where(c, x, np.asarray(scalar, dt)))
    check(lambda c: fnp.where(c, Array(x), scalar), Array(c))


def test_a_condition_with_bytes_other_than_zero_and_one_counts_them_as_true():
    raw = _RNG.integers(0, 4, (100, 50)).astype(np.uint8)
    c, x, y = raw.view(np.bool_), _values(np.float32, (100, 50)), _values(np.float32, (100, 50))
    _same_bits(where(c, x, y), np.where(raw != 0, x, y))
    for zero in (0.0, np.zeros((), np.float32)):  # (the selection of x or a zero takes its own loops)
        _same_bits(where(c, x, zero), np.where(raw != 0, x, np.float32(0)))
        _same_bits(where(c, zero, x), np.where(raw != 0, np.float32(0), x))


@pytest.mark.parametrize("dt", _DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("zero_shape", [(), (1, 1), (1, 70), (1, 1, 1)], ids=str)  # (the last adds an axis)
def test_where_between_an_array_and_zeros_gives_numpys_bits(dt, zero_shape):
    c, x = _condition((80, 70)), _values(dt, (80, 70))
    for zero in (np.zeros(zero_shape, dt), np.full(zero_shape, -0.0).astype(dt)):  # (-0.0 keeps its sign bit)
        _same_bits(where(c, x, zero), np.where(c, x, zero))
        _same_bits(where(c, zero, x), np.where(c, zero, x))


def test_shapes_that_do_not_broadcast_raise_as_numpy_does():
    with pytest.raises(ValueError):
        where(_condition((100, 50)), _values(np.float32, (100, 50)), _values(np.float32, (100, 49)))
    check(lambda c: fnp.where(c, Array(_values(np.float32, (100, 49))), 0.0), Array(_condition((100, 50))))


@pytest.mark.parametrize("shapes", _SHAPES[:4], ids=str)
def test_eager_where_matches_the_general_path_bit_for_bit(shapes):
    c, x, y = _condition(shapes[0]), _values(np.float32, shapes[1]), _values(np.float32, shapes[2])
    check(lambda c: fnp.where(c, Array(x), Array(y)), Array(c))
    same(fnp.where(Array(c), Array(x), Array(y)), Array(np.where(c, x, y)))


def test_empty_and_small_selections_keep_numpys_where():
    for shape in [(0, 5000), (4, 4), ()]:
        c, x, y = _condition(shape), _values(np.float64, shape), _values(np.float64, shape)
        _same_bits(where(c, x, y), np.where(c, x, y))


def test_gradient_of_relu_as_maximum_on_a_large_layer_matches_numpy():
    h = _values(np.float32, (128, 512))
    h.flat[6:10] = 0.0  # ties share the derivative: 1/2 each
    w = _RNG.standard_normal((128, 512)).astype(np.float32)
    g = fx.grad(lambda h: (fnp.maximum(h, 0.0) * w).sum())(fnp.asarray(h))
    weight = np.where(h > 0, 1.0, np.where(h == 0, 0.5, 0.0)).astype(np.float32)
    np.testing.assert_array_equal(g._value, w * weight)


_EXTREMA = {"max": (E.max_p, np.maximum), "min": (E.min_p, np.minimum)}


@pytest.mark.parametrize("name", list(_EXTREMA))
@pytest.mark.parametrize("dt", [np.float32, np.float64, np.int32], ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("scalar", [0.0, -0.0, float("nan"), -float("nan"), float("inf"), 1.5])
@pytest.mark.parametrize("size", [100, 5000, 70000])
def test_extrema_with_a_0d_operand_give_numpys_bits_in_either_order(name, dt, scalar, size):
    prim, ufunc = _EXTREMA[name]
    if np.dtype(dt).kind == "i" and not np.isfinite(scalar):
        scalar = 7.0  # (no NaN or infinity among integers)
    x, s = _values(dt, (size,)), np.asarray(scalar).astype(dt)
    _same_bits(numpy_kernel[prim](x, s), ufunc(x, s))
    _same_bits(numpy_kernel[prim](s, x), ufunc(s, x))


@pytest.mark.parametrize("dt", [np.float32, np.float64, np.int64], ids=lambda d: np.dtype(d).name)
def test_relu_of_a_large_array_matches_the_general_path_bit_for_bit(dt):
    x = _values(dt, (70, 90))
    check(nn.relu, Array(x))
    zero = np.zeros((), dt)
    _same_bits(nn.relu(Array(x))._value, np.maximum(x, zero) + zero)  # (NaN kept, -0.0 made 0.0)


@pytest.mark.parametrize("name", ["maximum", "minimum"])
@pytest.mark.parametrize("dt", [np.float32, np.float64, np.float16], ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("scalar", [0.0, -0.0, float("nan"), 0.1, 1e300])
def test_extrema_of_a_large_array_and_a_python_float_match_numpy_and_the_general_path(name, dt, scalar):
    x = _values(dt, (90, 70))
    for weak in (False, True):
        a = Array(x, weak=weak)
        check(lambda a: getattr(fnp, name)(a, scalar), a)
        check(lambda a: getattr(fnp, name)(scalar, a), a)
    with np.errstate(over="ignore"):
        want = getattr(np, name)(x, scalar)
    _same_bits(getattr(fnp, name)(Array(x), scalar)._value, want)


def test_extrema_with_a_0d_operand_split_across_cores_give_numpys_bits():
    x, s = _values(np.float64, ((1 << 21) + 3,)), np.asarray(-0.0)
    _same_bits(numpy_kernel[E.max_p](x, s), np.maximum(x, s))
    _same_bits(numpy_kernel[E.min_p](s, x), np.minimum(s, x))


@pytest.mark.parametrize("shape, axis", [((256, 256), 0), ((3, 40, 300), 1), ((40, 2, 300), 0), ((300, 1, 256), 0)])
@pytest.mark.parametrize("reverse", [False, True])
def test_running_reductions_a_step_at_a_time_give_numpys_accumulate(shape, axis, reverse):
    # along an axis whose steps are long, the kernels run one step at a time: the same operations
    x = (_RNG.standard_normal(shape) * 3).astype(np.float32)
    x.flat[::97] = np.nan
    for name, ufunc in [("cumsum", np.add), ("cumprod", np.multiply), ("cummax", np.maximum),
                        ("cummin", np.minimum), ("cumlogsumexp", np.logaddexp)]:
        v = np.flip(x, axis) if reverse else x
        want = ufunc.accumulate(v, axis)
        got = np.asarray(getattr(fx.lax, name)(x, axis, reverse))
        np.testing.assert_array_equal(got, np.flip(want, axis) if reverse else want)
    ints = _RNG.integers(-5, 5, shape).astype(np.int8)  # (wrapping as NumPy's)
    np.testing.assert_array_equal(np.asarray(fnp.cumsum(ints, axis=axis, dtype=np.int8)),
                                  np.add.accumulate(ints, axis, dtype=np.int8))
