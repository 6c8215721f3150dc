"""NumPy's ufunc methods on fluxion.numpy's elementwise functions, and frompyfunc: values and
dtypes against NumPy's, jit against eager, vmap against a loop, gradients against differences."""
import functools

import numpy as np
import pytest

import fluxion as fx
import fluxion.numpy as fnp
from fluxion.core.errors import ConcretizationError, DTypeError, ShapeError

from _arrays import raises

BINARY = sorted(n for n in dir(fnp) if isinstance(getattr(np, n, None), np.ufunc) and getattr(np, n).signature is None
                and getattr(np, n).nin == 2 and getattr(np, n).nout == 1)
_OUT_OF_ORDER = {"arctan2", "atan2", "power", "pow"}
_FLOATING = {"float64": np.arange(1, 13).reshape(3, 4) / 7.0, "int64": np.arange(1, 13).reshape(3, 4) % 5 + 1,
             "bool": np.arange(12).reshape(3, 4) % 3 == 0}


def _numpy(fn):
    """NumPy's result, or None where NumPy refuses (the dtype, say)."""
    try:
        with np.errstate(all="ignore"):
            return fn()
    except (TypeError, ValueError):
        return None


def _same(out, expected, inputs=np.float64):
    """`out` equals NumPy's `expected`; floating results of integer or boolean `inputs` are float32
    in fluxion (float16 or float64 in NumPy), so they are compared at the coarser precision."""
    expected = np.asarray(expected)
    assert out.shape == expected.shape, (out.shape, expected.shape)
    rtol = 1e-12
    if out.dtype != expected.dtype:
        assert np.dtype(inputs).kind in "biu" and out.dtype == np.float32 and expected.dtype.kind == "f", \
            (out.dtype, expected.dtype)
        rtol = 2 * np.finfo(np.float16 if expected.dtype == np.float16 else np.float32).eps
    np.testing.assert_allclose(np.asarray(out), expected, rtol=rtol, atol=0, equal_nan=True)


def test_the_builtin_ufuncs_carry_numpys_attributes():
    for name in BINARY + ["sin", "divmod", "frexp"]:
        fn, ref = getattr(fnp, name), getattr(np, name)
        assert (fn.nin, fn.nout, fn.nargs) == (ref.nin, ref.nout, ref.nargs), name
        assert fn.identity == ref.identity or (fn.identity is None) == (ref.identity is None), name


@pytest.mark.parametrize("name", BINARY)
@pytest.mark.parametrize("dtype", sorted(_FLOATING))
def test_reduce_accumulate_outer_and_reduceat_match_numpy(name, dtype):
    x = _FLOATING[dtype]
    fn, ref = getattr(fnp, name), getattr(np, name)
    try:
        fn(x, x)
    except DTypeError:
        pytest.skip(f"fnp.{name} refuses {dtype}")  # as the array API standard (fnp.subtract of booleans, say)
    if name == "nextafter" and dtype != "float64":
        pytest.skip("the next float32 after an integer is not NumPy's next float64")
    cases = [lambda m: m.reduce(x), lambda m: m.reduce(x, axis=1, keepdims=True),
             lambda m: m.accumulate(x, axis=1), lambda m: m.accumulate(x), lambda m: m.outer(x[0], x[:, 1]),
             lambda m: m.reduceat(x, [0, 2, 1], axis=1), lambda m: m.reduce(x[:, :0], axis=1)]
    if name in {"add", "multiply", "maximum", "minimum", "logical_and", "logical_or", "bitwise_or", "gcd", "hypot"}:
        cases += [lambda m: m.reduce(x, axis=None), lambda m: m.reduce(x, axis=(0, 1), keepdims=True)]
    for case in cases:
        expected = _numpy(lambda: case(ref if name not in _OUT_OF_ORDER else _LeftFold(ref)))
        if expected is not None:
            _same(case(fn), expected, x.dtype)
    # no axis, or one element, where NumPy's order is no matter: each element is combined with the
    # start (hypot.reduce([-3.0]) is 3)
    for case in (lambda m: m.reduce(-x, axis=()), lambda m: m.reduce(-x[:1]), lambda m: m.reduce(x[0, :1], axis=None)):
        expected = _numpy(lambda: case(ref))
        if expected is not None:
            _same(case(fn), expected, x.dtype)


@pytest.mark.parametrize("name", BINARY)
def test_methods_over_arrays_with_an_empty_axis_match_numpy(name):
    x = np.zeros((0, 3))
    fn, ref = getattr(fnp, name), getattr(np, name)
    try:
        fn(x, x)
    except DTypeError:
        pytest.skip(f"fnp.{name} refuses float64")
    cases = [lambda m: m.reduce(x, axis=1), lambda m: m.reduce(x.T, axis=1, keepdims=True),
             lambda m: m.reduce(x, axis=0), lambda m: m.reduceat(x, [0, 1], axis=1),
             lambda m: m.reduceat(x.T, [0, 2], axis=0), lambda m: m.accumulate(x, axis=1),
             lambda m: m.accumulate(x, axis=0)]
    for case in cases:
        try:
            expected = case(ref)
        except TypeError:  # NumPy has no such loop for floats (a comparison's reduction)
            continue
        except ValueError:  # an empty reduction of a ufunc without an identity
            with pytest.raises(ValueError):
                case(fn)
            continue
        _same(case(fn), expected)


@pytest.mark.parametrize("initial", [True, False])
@pytest.mark.parametrize("name", ["logical_and", "logical_or"])
def test_logical_reductions_take_initial_and_where_as_numpy(name, initial):
    x = np.array([[0.0, 1.0, 2.0], [3.0, 0.0, 5.0]])
    fn, ref = getattr(fnp, name), getattr(np, name)
    for kwargs in ({}, {"axis": 1}, {"axis": None}, {"axis": 0, "keepdims": True},
                   {"axis": 1, "where": np.array([True, False, True])}):
        _same(fn.reduce(x, initial=initial, **kwargs), ref.reduce(x, initial=initial, **kwargs))
    _same(fn.reduce(x[:, :0], axis=1, initial=initial), ref.reduce(x[:, :0], axis=1, initial=initial))
    compiled = fx.jit(lambda v: fn.reduce(v, axis=1, initial=initial))(fnp.asarray(x))
    _same(compiled, ref.reduce(x, axis=1, initial=initial))


class _LeftFold:
    """NumPy's ufunc `ref` with `reduce` and `reduceat` as NumPy defines them, one element after
    another: NumPy's own loops for floating power and arctan2 combine the elements of a row in
    another order."""

    def __init__(self, ref):
        self.ref = ref

    def __getattr__(self, name):
        return getattr(self.ref, name)

    def reduce(self, x, axis=0, keepdims=False):
        out = functools.reduce(self.ref, np.moveaxis(x, axis, 0))
        return np.expand_dims(out, axis) if keepdims else out

    def reduceat(self, x, indices, axis=0):
        stops = [*indices[1:], x.shape[axis]]
        return np.stack([self.reduce(np.take(x, range(a, max(b, a + 1)), axis), axis)
                         for a, b in zip(indices, stops)], axis)


@pytest.mark.parametrize("name, initial", [("add", 10.0), ("multiply", 2.0), ("maximum", -1.0), ("minimum", 0.5),
                                           ("logaddexp", 0.0), ("subtract", 1.0), ("hypot", 3.0)])
def test_reduce_with_initial_and_where_matches_numpy(name, initial):
    x = np.arange(1, 13).reshape(3, 4) / 5.0
    where = np.array([True, False, True, True])
    fn, ref = getattr(fnp, name), getattr(np, name)
    _same(fn.reduce(x, axis=1, initial=initial), ref.reduce(x, axis=1, initial=initial))
    _same(fn.reduce(x, axis=1, initial=initial, where=where), ref.reduce(x, axis=1, initial=initial, where=where))
    _same(fn.reduce(x[:0], axis=0, initial=initial), ref.reduce(x[:0], axis=0, initial=initial))


def test_reduce_takes_lists_casts_initial_and_needs_a_boolean_mask_as_numpy():
    rows = [[1, 2], [3, 4]]
    for name, kwargs in (("subtract", {"where": [True, False], "initial": 0}),
                         ("logaddexp", {"where": [True, False], "initial": -np.inf}),
                         ("bitwise_and", {"initial": 2}), ("bitwise_xor", {"initial": 3})):
        x = np.asarray(rows, float) if name == "logaddexp" else np.asarray(rows) > 1 if "bitwise" in name else rows
        expected = getattr(np, name).reduce(x, **kwargs)
        out = getattr(fnp, name).reduce(x, **kwargs)  # (a list for subtract)
        assert out.dtype == expected.dtype
        np.testing.assert_array_equal(np.asarray(out), expected)
    with pytest.raises(TypeError, match="boolean mask"):
        fnp.add.reduce(np.zeros((2, 3)), where=np.ones(3))


def test_reduce_and_accumulate_take_a_dtype():
    x = np.arange(1, 7, dtype=np.int8) * 40
    for fn, ref in ((fnp.add, np.add), (fnp.multiply, np.multiply), (fnp.maximum, np.maximum)):
        _same(fn.reduce(x, dtype=np.int8), ref.reduce(x, dtype=np.int8))
        _same(fn.accumulate(x, dtype=np.float64), ref.accumulate(x, dtype=np.float64))
        _same(fn.accumulate(x), ref.accumulate(x))
    _same(fnp.add.reduce(x), np.add.reduce(x))  # small integers sum as int64


@pytest.mark.parametrize("indices", [np.array([0, 0, 3]), (np.array([1, 1]), slice(None)), np.array([[2, 0], [2, 2]])])
@pytest.mark.parametrize("name", ["add", "subtract", "multiply", "maximum", "minimum", "power", "negative", "square"])
def test_at_applies_once_per_index_as_numpy(name, indices):
    a = np.arange(1, 13, dtype=np.float64).reshape(4, 3) / 3
    fn, ref = getattr(fnp, name), getattr(np, name)
    expected = a.copy()
    args = () if ref.nin == 1 else (np.float64(1.5),)
    ref.at(expected, indices, *args)
    _same(fn.at(fnp.asarray(a), indices, *args, inplace=False), expected)
    compiled = fx.jit(lambda a: fn.at(a, indices, *args, inplace=False))(fnp.asarray(a))
    np.testing.assert_allclose(compiled, expected, rtol=1e-12)


def test_methods_agree_under_jit_and_vmap():
    x = np.random.default_rng(0).normal(size=(5, 3, 4))
    methods = [lambda v: fnp.add.reduce(v, axis=1), lambda v: fnp.logaddexp.reduce(v, axis=(0, 1)),
               lambda v: fnp.subtract.accumulate(v, axis=1), lambda v: fnp.maximum.accumulate(v),
               lambda v: fnp.multiply.outer(v[0], v[:, 1]), lambda v: fnp.add.reduceat(v, [0, 2], axis=1),
               lambda v: fnp.add.at(v, (0, 1), 2.0, inplace=False),
               lambda v: fnp.hypot.at(v, fnp.asarray([1, 1]), v[0], inplace=False)]
    for f in methods:
        eager = f(fnp.asarray(x[0]))
        np.testing.assert_allclose(fx.jit(f)(fnp.asarray(x[0])), eager, rtol=1e-12)
        batched = fx.vmap(f)(fnp.asarray(x))
        for k in range(len(x)):
            np.testing.assert_allclose(batched[k], f(fnp.asarray(x[k])), rtol=1e-12)


def test_gradients_of_the_methods_match_differences():
    x = np.random.default_rng(1).uniform(0.5, 1.5, size=(3, 4))
    fx.test_util.check_grads(lambda v: fnp.multiply.reduce(v, axis=1), (fnp.asarray(x),), order=2)
    fx.test_util.check_grads(lambda v: fnp.logaddexp.reduce(v, axis=None), (fnp.asarray(x),), order=2)
    fx.test_util.check_grads(lambda v: fnp.divide.accumulate(v, axis=1), (fnp.asarray(x),), order=1)
    fx.test_util.check_grads(lambda v: fnp.hypot.outer(v[0], v[1]), (fnp.asarray(x),), order=1)
    fx.test_util.check_grads(lambda v: fnp.multiply.at(v, fnp.asarray([0, 0]), v[1], inplace=False),
                             (fnp.asarray(x),), order=1)


def test_frompyfunc_makes_a_ufunc_of_a_scalar_function():
    x, y = np.arange(1.0, 5.0), np.arange(3.0)

    def clipped_difference(a, b):
        return fnp.where(a > b, a - b, 0.0)

    u = fnp.frompyfunc(clipped_difference, 2, 1, identity=0.0)
    assert isinstance(u, fnp.ufunc) and (u.nin, u.nout, u.nargs, u.identity) == (2, 1, 3, 0.0)
    ref = np.frompyfunc(lambda a, b: max(a - b, 0.0), 2, 1, identity=0.0)
    np.testing.assert_allclose(u(x[:, None], y), ref(x[:, None], y).astype(float))
    np.testing.assert_allclose(u.outer(x, y), ref.outer(x, y).astype(float))
    np.testing.assert_allclose(u.accumulate(x[::-1]), ref.accumulate(x[::-1]).astype(float))
    np.testing.assert_allclose(u.reduce(x[::-1]), ref.reduce(x[::-1]))
    np.testing.assert_allclose(fx.jit(lambda v: u.reduce(v))(fnp.asarray(x[::-1])), ref.reduce(x[::-1]))
    assert "clipped_difference" in repr(u)


def test_errors_name_the_fix():
    x = fnp.arange(6.0).reshape(2, 3)
    with raises(ValueError, "add.at", "immutable", "inplace=False"):
        fnp.add.at(x, 0, 1.0)
    with raises(ValueError, "add.at", "b"):
        fnp.add.at(x, 0, inplace=False)
    with raises(TypeError, "add.reduce", "out=", "returned array"):
        fnp.add.reduce(x, out=x)
    with raises(ValueError, "subtract.reduce", "reorderable", "single axis"):
        fnp.subtract.reduce(x, axis=(0, 1))
    with raises(ValueError, "subtract.reduce", "identity", "initial="):
        fnp.subtract.reduce(x[:, :0], axis=1)
    with raises(ValueError, "power.reduce", "initial="):
        fnp.power.reduce(x, axis=1, where=fnp.asarray([True, False, True]))
    with raises(ValueError, "sin.reduce", "binary"):
        fnp.sin.reduce(x)
    with raises(ValueError, "sin.outer", "two arguments"):
        fnp.sin.outer(x, x)
    with raises(ShapeError, "add.accumulate", "0-d"):
        fnp.add.accumulate(fnp.asarray(1.0))
    with raises(ShapeError, "add.reduce", "(2,)", "out of range"):
        fnp.add.reduce(x, axis=2)
    with raises(IndexError, "add.reduceat", "out of range"):
        fnp.add.reduceat(x, [0, 3], axis=1)
    with pytest.raises(ConcretizationError, match="(?s)add.reduceat.*fix: "):
        fx.jit(lambda v, i: fnp.add.reduceat(v, i, axis=1))(x, fnp.asarray([0, 1]))


@pytest.mark.parametrize("method", ["accumulate", "reduceat"])
def test_one_axis_methods_refuse_several_axes_as_numpy(method):
    x = np.ones((2, 2))
    args = (x, [0]) if method == "reduceat" else (x,)
    with pytest.raises(ValueError):
        getattr(np.add, method)(*args, axis=(0, 1))
    with raises(ValueError, f"add.{method}", "one axis", "single int axis"):
        getattr(fnp.add, method)(*(fnp.asarray(a) for a in args), axis=(0, 1))
