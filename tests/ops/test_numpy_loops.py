"""The NumPy kernels' arrangements of slow loop shapes (backends/numpy/_loops.py) give NumPy's
results: sums over short trailing axes through BLAS, and broadcasting operations whose operand
is first repeated along the axis that ends NumPy's inner loop."""
import numpy as np
import pytest

import fluxion as fx
import fluxion.numpy as fnp
from fluxion.backends.numpy._loops import add_reduce, spread

_RNG = np.random.default_rng(7)

_REDUCTIONS = [((25000, 10), (1,)), ((1000, 25, 10), (2,)), ((100, 25, 4), (1, 2)), ((300, 129), (1,)),
               ((1000, 25, 10), (1, 2)), ((64, 2), (1,)), ((1000, 1), (1,)), ((10,), (0,)), ((5, 0), (1,)),
               ((0, 5), (1,)), ((200, 30), None), ((200, 30), (0,)), ((40, 30, 2), (0, 2))]


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int32, np.complex64])
@pytest.mark.parametrize("keepdims", [False, True])
@pytest.mark.parametrize("shape,axes", _REDUCTIONS)
def test_add_reduce_matches_numpy(shape, axes, keepdims, dtype):
    v = _RNG.standard_normal(shape).astype(dtype)
    got, want = add_reduce(v, axes, keepdims), np.add.reduce(v, axes, v.dtype, None, keepdims)
    assert got.shape == want.shape and got.dtype == want.dtype
    tol = 1e-5 if np.dtype(dtype).itemsize <= 8 and dtype != np.float64 else 1e-12
    np.testing.assert_allclose(got, want, rtol=tol, atol=tol * 10)


@pytest.mark.parametrize("keepdims", [False, True])
@pytest.mark.parametrize("memory,perm,axes", [
    ((25, 1000, 10), (1, 0, 2), (0,)), ((25, 1000, 10), (1, 0, 2), (2,)), ((25, 1000, 10), (1, 0, 2), (0, 2)),
    ((25, 1000, 10), (1, 0, 2), (1,)), ((10, 1000, 25), (1, 2, 0), (2,)), ((10, 1000, 25), (1, 2, 0), (0, 1)),
    ((25000, 10), (0, 1), (0,)), ((4, 3000, 1, 5), (1, 2, 0, 3), (0, 1)), ((4, 3000, 1, 5), (2, 1, 3, 0), (1,)),
    ((3000, 7, 2), (2, 0, 1), (1, 2)), ((30, 40, 50), (2, 1, 0), (1,))])
def test_add_reduce_over_any_memory_order_matches_numpy(memory, perm, axes, keepdims):
    v = _RNG.standard_normal(memory).transpose(perm)  # logical axes in another order than memory's
    got, want = add_reduce(v, axes, keepdims), np.add.reduce(v, axes, v.dtype, None, keepdims)
    assert got.shape == want.shape and got.dtype == want.dtype
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


@np.errstate(invalid="ignore")  # (inf - inf)
def test_add_reduce_of_strided_rows_and_special_values():
    v = _RNG.standard_normal((400, 20))[:, ::2]  # not contiguous: NumPy's loop
    np.testing.assert_allclose(add_reduce(v, (1,)), v.sum(axis=1), rtol=1e-12)
    s = np.tile([[np.nan, 1.0], [np.inf, -np.inf], [np.inf, 1.0], [-np.inf, 2.0]], (100, 4))
    np.testing.assert_array_equal(add_reduce(s, (1,)), s.sum(axis=1))


_BROADCASTS = [((1000, 1, 10), (1, 25, 10)), ((500, 1, 3), (1, 500, 3)), ((200, 1, 2), (200, 2)),
               ((1, 1, 10), (1000, 25, 10)), ((1000, 25, 10), (1, 25, 10)), ((1000, 25, 10), (25, 10)),
               ((1000, 1), (1, 1000)), ((2000, 1, 1), (1, 30, 1)), ((0, 1, 3), (1, 500, 3)), ((3,), (1000, 1, 3)),
               ((300, 1, 4), (300, 60, 1)), ((3, 4), (5, 4))]


@pytest.mark.parametrize("ufunc", [np.subtract, np.multiply, np.maximum, np.less, np.true_divide, np.arctan2])
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int64])
@pytest.mark.parametrize("sx,sy", _BROADCASTS)
@np.errstate(all="ignore")  # (integer operands may be 0)
def test_spread_matches_numpy(sx, sy, dtype, ufunc):
    x, y = (_RNG.standard_normal(s).astype(dtype) + 3 for s in (sx, sy))
    try:
        want = ufunc(x, y)
    except ValueError:
        with pytest.raises(ValueError):
            spread(ufunc, x, y)
        return
    for got, expect in ((spread(ufunc, x, y), want), (spread(ufunc, y, x), ufunc(y, x))):
        assert got.shape == expect.shape and got.dtype == expect.dtype
        np.testing.assert_array_equal(got, expect)


def test_spread_leaves_its_operands_unchanged():
    x, y = _RNG.standard_normal((1000, 1, 10)), _RNG.standard_normal((1, 25, 10))
    x0, y0 = x.copy(), y.copy()
    spread(np.subtract, x, y)
    np.testing.assert_array_equal(x, x0)
    np.testing.assert_array_equal(y, y0)


def test_pairwise_differences_and_row_sums_match_numpy_eagerly_and_under_grad():
    x, c = _RNG.standard_normal((300, 1, 3)), _RNG.standard_normal((1, 70, 3))

    def f(x, c):
        d = x - c
        return fnp.sum(fnp.sum(d * d, axis=-1) ** 0.5)

    want = np.sum(np.sqrt(np.sum((x - c) ** 2, axis=-1)))
    np.testing.assert_allclose(np.asarray(f(fnp.asarray(x), fnp.asarray(c))), want, rtol=1e-12)
    np.testing.assert_allclose(np.asarray(fnp.asarray(x) - fnp.asarray(c)), x - c, rtol=0)
    gx, gc = fx.grad(f, argnums=(0, 1))(fnp.asarray(x), fnp.asarray(c))
    d = x - c
    unit = d / np.sqrt(np.sum(d * d, axis=-1, keepdims=True))
    np.testing.assert_allclose(np.asarray(gx), unit.sum(axis=1, keepdims=True), rtol=1e-10)
    np.testing.assert_allclose(np.asarray(gc), -unit.sum(axis=0, keepdims=True), rtol=1e-10)
