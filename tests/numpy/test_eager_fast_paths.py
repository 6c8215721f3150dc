"""The eager fast paths give what the general path gives, bit for bit: the same dtype, weak type,
shape and bits (0-d results are 0-d ndarrays), for weak and strong operands, NaN, empty and
0-d arrays. The general path is run on tracers (`traced`), which no fast path takes."""
import numpy as np
import pytest

import fluxion.numpy as fnp
from fluxion.core.array import Array

from _tracing import traced

_RNG = np.random.default_rng(0)


def _values(dt, shape):
    v = (_RNG.standard_normal(shape) * 3).astype(dt)
    if v.dtype.kind == "f" and v.size > 2:
        v.flat[1], v.flat[2] = np.nan, -0.0
    return v


def _inputs():
    """Strong float32 and float64 arrays (4x4 with a NaN and a -0.0, 10 elements, 0-d, empty, large
    and transposed), an int array, strong broadcast and 0-d arrays, and weak ones (as Python scalars make)."""
    out = [fnp.asarray(_values(dt, s)) for dt in (np.float32, np.float64) for s in ((4, 4), (10,), (), (0, 3))]
    out += [fnp.asarray(_values(np.float32, (300, 7))), fnp.asarray(_values(np.float32, (5, 6))).T]
    out += [fnp.asarray(_RNG.integers(-5, 5, (3, 4))), fnp.broadcast_to(fnp.asarray(1.5), (2, 3)), fnp.asarray(2.5)]
    out += [Array(np.full((2, 3), -1.5, np.float32), weak=True), Array(np.asarray(2.5), weak=True)]
    return out


INPUTS = _inputs()


def same(fast, general):
    """Equal dtype, weak type, shape and bits, with an ndarray (also 0-d) inside."""
    assert fast.__class__ is Array and fast._value.__class__ is np.ndarray
    assert (fast.dtype, fast.weak, fast.shape) == (general.dtype, general.weak, general.shape)
    a, b = np.ascontiguousarray(fast._value), np.ascontiguousarray(np.asarray(general))
    assert a.tobytes() == b.tobytes()


def check(f, x, *args):
    """`f(x, *args)` eagerly against the general path, or the same error type from both."""
    try:
        general = traced(f, x, *args)
    except Exception as e:  # noqa: BLE001 (the error must be the general path's)
        with pytest.raises(type(e)):
            f(x, *args)
        return
    same(f(x, *args), general)


UNARY = {
    "sum": lambda x: fnp.sum(x), "sum0": lambda x: fnp.sum(x, axis=0), "sum-1kd": lambda x: fnp.sum(x, -1, keepdims=True),
    "prod": lambda x: fnp.prod(x, axis=-1), "max": lambda x: fnp.max(x), "min0": lambda x: fnp.min(x, axis=0),
    "max-1kd": lambda x: fnp.max(x, axis=-1, keepdims=True), "argmax": lambda x: fnp.argmax(x),
    "nanmax": fnp.nanmax, "nanmin0": lambda x: fnp.nanmin(x, 0),
    "argmin-1": lambda x: fnp.argmin(x, axis=-1), "any": lambda x: fnp.any(x > 0), "all0": lambda x: fnp.all(x > 0, 0),
    "mean": lambda x: fnp.mean(x), "mean0": lambda x: fnp.mean(x, 0), "mean-1kd": lambda x: fnp.mean(x, -1, keepdims=True),
    "mean kd": lambda x: fnp.mean(x, keepdims=True), "var": lambda x: fnp.var(x), "var0": lambda x: fnp.var(x, axis=0), "std-1kd": lambda x: fnp.std(x, -1, keepdims=True),
    "std ddof": lambda x: fnp.std(x, ddof=1), "var ddof big": lambda x: fnp.var(x, axis=0, ddof=20),
    "cumsum": lambda x: fnp.cumsum(x), "cumsum0": lambda x: fnp.cumsum(x, axis=0), "cumprod-1": lambda x: fnp.cumprod(x, -1),
    "reshape-1": lambda x: x.reshape(-1), "reshape(-1, 2)": lambda x: fnp.reshape(x, (-1, 2)),
    "flatten": lambda x: x.flatten(), "ravel": lambda x: fnp.ravel(x), "squeeze": lambda x: fnp.squeeze(x[None]),
    "squeeze0": lambda x: fnp.squeeze(x, 0), "expand_dims": lambda x: fnp.expand_dims(x, -1),
    "transpose": lambda x: fnp.transpose(x), "swapaxes": lambda x: fnp.swapaxes(x, 0, -1),
    "broadcast_to": lambda x: fnp.broadcast_to(x, (2, 4, 4)), "broadcast_to 10": lambda x: fnp.broadcast_to(x, (3, 10)),
    "stack": lambda x: fnp.stack([x, x]), "stack-1": lambda x: fnp.stack([x, x, x], axis=-1),
    "x[None]": lambda x: x[None], "x[...,0]": lambda x: x[..., 0], "x[0, ...]": lambda x: x[0, ...],
    "x[..., None, ...]": lambda x: x[..., None, ...], "tanh": fnp.tanh, "isnan": fnp.isnan,
    "logical_and": lambda x: fnp.logical_and(x > 0, x < 1), "x / 2.0": lambda x: x / 2.0, "2.0 / x": lambda x: 2.0 / x,
    "x ** 2": lambda x: x ** 2, "x ** 3.0": lambda x: x ** 3.0, "2 ** x": lambda x: 2 ** x, "x ** x": lambda x: x ** x,
    "x ** -1": lambda x: x ** -1, "x + x[0]": lambda x: x + x[0], "x * x[:1]": lambda x: x * x[:1], "-x": lambda x: -x,
    "abs": abs, "x < x[0]": lambda x: x < x[0], "x + 1": lambda x: x + 1, "maximum(x, x[0])": lambda x: fnp.maximum(x, x[0]),
    "sort": fnp.sort, "sort0": lambda x: fnp.sort(x, axis=0), "sort stable": lambda x: fnp.sort(x, kind="stable"),
    "argsort": fnp.argsort, "argsort0": lambda x: fnp.argsort(x, 0), "argsort ints": lambda x: fnp.argsort(x > 0),
    "dot": lambda x: fnp.dot(x, x.T), "dot vector": lambda x: fnp.dot(x, x[..., 0]), "outer": lambda x: fnp.outer(x, x),
    "outer ints": lambda x: fnp.outer(x > 0, fnp.astype(x, fnp.int32)),
    "astype float64": lambda x: fnp.astype(x, fnp.float64), "astype int32": lambda x: x.astype(fnp.int32),
    "astype uint8": lambda x: x.astype(fnp.uint8), "astype int64": lambda x: x.astype(fnp.int64),
    "astype bool": lambda x: x.astype(bool), "astype float16": lambda x: x.astype(fnp.float16),
    "astype int32 of big": lambda x: (x * 1e9).astype(fnp.int32), "astype same": lambda x: x.astype(x.dtype),
    "clip": lambda x: fnp.clip(x, 0.2, 0.8), "clip low": lambda x: fnp.clip(x, -1.0), "clip high": lambda x: fnp.clip(x, max=1),
    "clip arrays": lambda x: fnp.clip(x, x[..., :1], 2.0), "clip int": lambda x: fnp.clip(fnp.astype(x, fnp.int32), -2, 3),
    "clip int float": lambda x: fnp.clip(fnp.astype(x, fnp.int8), 0.5, 300), "zeros_like": fnp.zeros_like,
    "ones_like int": lambda x: fnp.ones_like(x, fnp.int32), "full_like": lambda x: fnp.full_like(x, 2.5),
}


@pytest.mark.parametrize("name", list(UNARY))
@pytest.mark.parametrize("i", range(len(INPUTS)))
def test_fast_path_matches_the_general_path_bit_for_bit(name, i):
    check(UNARY[name], INPUTS[i])


@pytest.mark.parametrize("i", range(len(INPUTS)))
def test_boolean_mask_read_matches_numpy(i):
    x = INPUTS[i]
    if not x.ndim:
        return
    v = np.asarray(x)
    for m in (v > 0, (v > 0).any(axis=tuple(range(1, v.ndim))), np.isnan(v)):
        out = x[fnp.asarray(m)]
        same(out, Array(v[m], x.weak))


def test_fast_paths_give_0d_ndarrays_for_0d_operands():
    s = fnp.asarray(np.float32(1.5))
    for out in (s + s, s * 2.0, s ** 2, fnp.maximum(s, s), s < s, fnp.isnan(s), fnp.sum(s), s / s):
        assert out._value.__class__ is np.ndarray and out.shape == ()


def test_errors_of_the_general_path_are_kept():
    x = fnp.ones((4, 4))
    for f in (lambda: x.reshape(-1, 3), lambda: x.reshape(-1, -1), lambda: fnp.squeeze(x, 0), lambda: fnp.expand_dims(x, 3),
              lambda: fnp.swapaxes(x, 0, 2), lambda: fnp.broadcast_to(x, (3, 3)), lambda: fnp.stack([x, x[0]]),
              lambda: fnp.max(fnp.ones((0, 3)), axis=0), lambda: fnp.argmax(fnp.ones((0,))), lambda: x + x[:3],
              lambda: x[..., ..., 0], lambda: x[fnp.asarray([True, False])], lambda: fnp.sum(x, axis=2)):
        with pytest.raises(Exception) as e:
            f()
        assert e.type.__module__.startswith("fluxion") or isinstance(e.value, (TypeError, ValueError, IndexError))


def test_stack_promotes_dtypes_that_differ():
    out = fnp.stack([fnp.ones(2, dtype=fnp.float32), fnp.ones(2, dtype=fnp.float64)])
    assert out.dtype == np.float64 and not out.weak


@pytest.mark.parametrize("call", [lambda: fnp.zeros((4, 4)), lambda: fnp.ones(10), lambda: fnp.zeros(0),
                                  lambda: fnp.ones((), dtype=fnp.int32), lambda: fnp.zeros((2, 0, 3), fnp.bool_),
                                  lambda: fnp.ones(3, dtype=fnp.complex64), lambda: fnp.ones(2, dtype=fnp.bfloat16)])
def test_zeros_and_ones_match_the_general_path(call):
    same(call(), traced(call))


@pytest.mark.parametrize("call", [
    lambda: fnp.full((4, 4), 2.0), lambda: fnp.full(3, 7), lambda: fnp.full((), True), lambda: fnp.full(2, 1j),
    lambda: fnp.full((2, 3), 2.7, fnp.int32), lambda: fnp.full(2, 0.1, fnp.bfloat16), lambda: fnp.full((0, 2), -1.5),
    lambda: fnp.eye(4), lambda: fnp.eye(3, 5, 2), lambda: fnp.eye(4, k=-1, dtype=fnp.int8), lambda: fnp.eye(2, 3, 9),
    lambda: fnp.eye(0), lambda: fnp.eye(3, dtype=fnp.bool_), lambda: fnp.eye(2, M=3, k=-7, dtype=fnp.bfloat16),
    lambda: fnp.arange(10), lambda: fnp.arange(-3), lambda: fnp.arange(2, 11, 3), lambda: fnp.arange(5, -7, -2),
    lambda: fnp.arange(7, step=2), lambda: fnp.arange(0.0, 1.0, 0.01), lambda: fnp.arange(2.5),
    lambda: fnp.arange(3, 0.0, -0.7), lambda: fnp.arange(1e10, 1e10 + 1e3, 7.3), lambda: fnp.arange(5.0, 1, 1),
    lambda: fnp.linspace(0, 1, 10), lambda: fnp.linspace(-2.5, 7, 7, endpoint=False), lambda: fnp.linspace(3, 1, 2),
    lambda: fnp.linspace(0.1, 0.7, 13, dtype=fnp.float64), lambda: fnp.linspace(1e-3, 1e3, 5, dtype=fnp.bfloat16),
    lambda: fnp.asarray([1.0, 2.5, 0.1]), lambda: fnp.asarray([1, 2, -3]), lambda: fnp.asarray([1, 2.5]),
    lambda: fnp.asarray([1e300, 2.0]), lambda: fnp.asarray([True, 2.0]), lambda: fnp.asarray([2 ** 62, 1])])
def test_creation_matches_the_general_path(call):
    same(call(), traced(call))


def test_creation_keeps_the_general_path_errors():
    for call in (lambda: fnp.full(2, 2 ** 40, fnp.int32), lambda: fnp.full(2, float("nan"), fnp.int8),
                 lambda: fnp.full(-1, 2.0), lambda: fnp.eye(-1), lambda: fnp.arange(0, 3, 0),
                 lambda: fnp.arange(0.0, 3, 0.0), lambda: fnp.arange(0.0, float("inf")),
                 lambda: fnp.asarray([2 ** 64, 1]), lambda: fnp.linspace(0, 1, -2)):
        with pytest.raises(Exception) as eager:
            call()
        with pytest.raises(eager.type):
            traced(call)


def test_zeros_keeps_the_general_path_errors():
    for shape in (-1, (2, -1), (2.0,)):
        with pytest.raises(Exception) as eager:
            fnp.zeros(shape)
        with pytest.raises(eager.type):
            traced(lambda: fnp.zeros(shape))


def test_clip_bounds_equal_in_value_but_not_in_type_or_sign_each_give_the_general_paths_result():
    # the fast path converts each Python bound once and reuses it: 1 and 1.0, and 0, 0.0 and -0.0
    # (equal keys to a dict) must not stand in for one another
    x = fnp.asarray(np.array([-0.0, 0.0, 1.0, 2.0, np.nan, -np.inf], np.float32))
    xi = fnp.asarray(np.array([-1, 0, 1, 2], np.int32))
    for lo, hi in [(-0.0, 0.0), (0.0, -0.0), (0, -0.0), (-0.0, 0), (0.0, 0), (1, 1.0), (1.0, 1), (np.nan, 1.0)]:
        for _ in range(2):
            check(lambda x: fnp.clip(x, lo, hi), x)
    for lo, hi in [(1, 2), (1.0, 2), (1, 2.0), (True, 2)]:
        check(lambda x: fnp.clip(x, lo, hi), xi)
    check(lambda x: fnp.clip(x, 0.1, 2.5), fnp.asarray(np.array([0.0, 1.0, 3.0], np.float16)))


def test_clip_with_more_distinct_bounds_than_are_kept_matches_numpy():
    v = (_RNG.standard_normal((3, 4)) * 3).astype(np.float32)
    x = fnp.asarray(v)
    for i in range(1500):
        lo, hi = -i / 500, i / 300 + 0.1
        np.testing.assert_array_equal(np.asarray(fnp.clip(x, lo, hi)), np.clip(v, lo, hi))
