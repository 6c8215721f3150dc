"""Cached jit calls through XLA's dispatcher (backends/xla/dispatch.py): which calls it makes
without Python, and that every call, made by it or by Python, gives the eager result (the oracle)."""
import collections

import jax
import numpy as np
import pytest

import fluxion as fx
import fluxion.numpy as fnp
from fluxion.core.array import to_array
from fluxion.errors import DeviceError
from fluxion.transforms import staging


@pytest.fixture
def python_calls(monkeypatch):
    """A list with one entry per jit call that reached Python."""
    calls = []
    find = staging.Jitted._find

    def counted(self, args, kwargs):
        calls.append(1)
        return find(self, args, kwargs)
    monkeypatch.setattr(staging.Jitted, "_find", counted)
    return calls


def check(out, expected, rtol=0):
    for o, e in zip(fx.tree.leaves(out), map(to_array, fx.tree.leaves(expected))):
        assert isinstance(o, fx.Array) and o.dtype == e.dtype and o.weak == e.weak and o.device is fx.devices()[0]
        np.testing.assert_allclose(o, e, rtol=rtol)
    assert fx.tree.structure(out) == fx.tree.structure(expected)


Pair = collections.namedtuple("Pair", "a b")
ARGS = {
    "arrays": lambda: (fnp.arange(6.0).reshape(2, 3), fnp.ones(3)),
    "64-bit": lambda: (fnp.arange(4, dtype=fnp.float64) / 3, fnp.arange(4, dtype=fnp.int64)),
    "weak": lambda: (fnp.asarray(2.5), fnp.ones(2, dtype=fnp.bfloat16)),
    "numpy arrays": lambda: (np.arange(3, dtype=np.float32), np.ones((2, 1), np.int32)),
    "numpy scalars": lambda: (np.float32(1.5), np.int16(-3)),
    "python floats": lambda: (fnp.ones(2), -0.0),
    "complex": lambda: (fnp.ones(2, dtype=fnp.complex64), 1 - 2j),
    "python ints and bools": lambda: ((fnp.arange(3), -7), [True, 2**40]),
    "containers": lambda: ({"w": fnp.ones(2), "b": [fnp.zeros(2), None]}, Pair(fnp.ones(2), 3.0)),
    "keys that do not sort": lambda: ({1: fnp.ones(2), "a": fnp.zeros(2), (2,): fnp.ones(1)}, fnp.ones(3)),
    "empty": lambda: (fnp.zeros((0, 3)), fnp.zeros(3)),
}


def body(x, y):
    leaves = [fnp.asarray(v) if isinstance(v, (np.ndarray, np.generic)) else v for v in fx.tree.leaves((x, y))]
    total = sum(fnp.sum(v) for v in leaves)
    return {"total": total, "first": leaves[0] * 2, "pair": (leaves[-1] + 1, None)}


@pytest.mark.parametrize("kind", ARGS)
@pytest.mark.parametrize("jax_x64", [False, True])
def test_repeated_calls_give_eager_results(kind, jax_x64, python_calls):
    # jax's 64-bit mode (set by a program using jax) makes the dispatcher convert Python floats
    # to 64 bits, so calls with them go through Python then
    f = fx.jit(body)
    expected = body(*ARGS[kind]())
    with jax.enable_x64(jax_x64):
        for _ in range(3):
            check(f(*ARGS[kind]()), expected)
    python_floats = kind in ("python floats", "complex", "containers")  # (not ints: they are fluxion's buffers)
    assert len(python_calls) == (3 if jax_x64 and python_floats else 1) and f.cache_size() == 1


@pytest.mark.parametrize("x", [0.0, -0.0, np.nan, np.inf, -np.inf, 1e-30, 1e300, 3.4e38])
def test_python_float_values_give_eager_results(x):
    f = fx.jit(lambda a, s: a * s)
    a = fnp.ones(2)
    f(a, 1.0)
    with np.errstate(over="ignore"):
        out, expected = f(a, x), a * x
    check(out, expected)
    np.testing.assert_array_equal(np.signbit(out), np.signbit(expected))


def test_numpy_scalars_the_dispatcher_would_narrow_take_python_each_call(python_calls):
    # the dispatcher would make float64 NumPy values 32-bit
    args = (fnp.ones(2), np.float64(0.1))
    f = fx.jit(body)
    expected = body(*args)
    with jax.enable_x64(False):
        for _ in range(3):
            check(f(*args), expected)
    assert len(python_calls) == 3 and f.cache_size() == 1


NUMPY_PAIRS = [(np.int32, np.int64, 2**40), (np.uint32, np.uint64, 2**63 + 5), (np.float32, np.float64, 1 + 1e-12),
               (np.complex64, np.complex128, 1 + 1e-12j)]


@pytest.mark.parametrize("narrow, wide, value", NUMPY_PAIRS, ids=lambda v: getattr(v, "__name__", ""))
def test_numpy_arrays_of_64_bits_keep_them_after_a_call_with_32_bits(narrow, wide, value, python_calls):
    f = fx.jit(lambda x: x * 1)
    for dtype in (narrow, wide, narrow, wide):
        x = np.array([value, 0], wide).astype(dtype)
        check(f(x), fnp.asarray(x) * 1)
    assert len(python_calls) == 2 and f.cache_size() == 2  # the dispatcher makes the later calls


def test_python_ints_of_new_values_and_too_large_ones(python_calls):
    f = fx.jit(lambda x, n: x * n + n)
    x = fnp.arange(3)
    for n in [0, -1, 5, 2**62, 5, True]:
        check(f(x, n), x * n + n)
    assert len(python_calls) == 2  # one signature for the ints, one for bools
    for _ in range(2):
        with pytest.raises(OverflowError, match="does not fit in int64"):
            f(x, 2**70)


def test_keyword_calls_and_outputs_fed_back_give_eager_results():
    f = fx.jit(lambda x, y=1.0: (x * y, x - y))
    x = fnp.linspace(0, 1, 5)
    for _ in range(3):
        a, b = f(x, y=2.0)
        check((a, b), (x * 2.0, x - 2.0))
        x = f(a)[1]  # an output of a compiled call, not yet read
    np.testing.assert_allclose(x, (np.linspace(0, 1, 5) * 8 - 7) * 1, rtol=1e-6)


def test_large_constants_reach_cached_calls(python_calls):
    c = fnp.asarray(np.random.default_rng(0).normal(size=(40, 40)).astype(np.float32))
    f = fx.jit(lambda x: x @ c + 1)
    x = fnp.ones((3, 40))
    for _ in range(3):
        check(f(x), x @ c + 1, rtol=1e-5)
    assert len(python_calls) == 1


def test_a_call_under_another_transformation_then_eager_calls(python_calls):
    f = fx.jit(lambda x: fnp.sin(x) * x)
    c = fnp.asarray([0.5, 1.5])
    g = fx.grad(lambda t: fnp.sum(f(c) * t + f(c * t)))(2.0)
    np.testing.assert_allclose(g, fx.grad(lambda t: fnp.sum(fnp.sin(c) * c * t + fnp.sin(c * t) * c * t))(2.0),
                               rtol=1e-6)
    calls = len(python_calls)
    for _ in range(3):
        check(f(c), fnp.sin(c) * c)
    assert len(python_calls) == calls + 1


def test_a_call_that_raised_can_succeed_later(python_calls):
    state = {"fail": True}

    def h(x):
        if state["fail"]:
            raise RuntimeError("not yet")
        return x + 1
    f = fx.jit(h)
    with pytest.raises(RuntimeError, match="not yet"):
        f(fnp.ones(2))
    state["fail"] = False
    for _ in range(3):
        check(f(fnp.ones(2)), fnp.ones(2) + 1)
    assert len(python_calls) == 2


def test_clear_cache_and_eviction_forget_the_dispatchers_signatures(monkeypatch, python_calls):
    f = fx.jit(lambda x: x * 2)
    a = fnp.ones(2)
    f(a), f(a)
    f.clear_cache()
    check(f(a), a * 2)
    assert len(python_calls) == 2 and f.cache_size() == 1
    monkeypatch.setattr(fx.config, "jit_cache_size", 1)
    f(fnp.ones(3))  # evicts the first signature
    check(f(a), a * 2)
    assert f.cache_size() == 1


@pytest.mark.parametrize("device", [None, "xla-cpu:0"])
def test_calls_on_arrays_of_an_xla_device_stay_there_without_python(device, python_calls):
    xla = fx.devices("xla-cpu")[0]
    f = fx.jit(body, device=device)
    x, y = ARGS["containers"]()
    expected = body(x, y)
    x = fx.device_put(x, xla)
    with jax.enable_x64(False):  # (y holds a Python float: see test_repeated_calls_give_eager_results)
        for _ in range(3):
            out = f(x, y)
            assert all(o.device is xla for o in fx.tree.leaves(out))
            check(fx.device_put(out, fx.devices()[0]), expected)
    assert len(python_calls) == 1


def test_donating_calls_on_an_xla_device_take_python_and_delete_the_donated_arrays(python_calls):
    xla = fx.devices("xla-cpu")[0]
    f = fx.jit(lambda w, g: w - g, donate_argnums=0)
    w = fx.device_put(fnp.ones(3), xla)
    for i in range(3):
        old, w = w, f(w, fnp.ones(3))
        assert old.is_deleted()
    with pytest.raises(DeviceError, match="donated"):
        f(old, fnp.ones(3))
    check(fx.device_put(w, fx.devices()[0]), fnp.full(3, -2.0))
    assert len(python_calls) == 4


def test_static_arguments_by_position_and_name_reach_the_dispatcher(python_calls):
    f = fx.jit(lambda x, k, scale=1.0: x * k * scale, static_argnums=1, static_argnames="scale")
    x = fnp.arange(3.0)
    values = [(2, 1.0), (2.0, 1.0), (True, 1.0), (2, 0.5)]  # 2, 2.0 and True are distinct signatures
    for _ in range(3):
        for k, scale in values:
            check(f(x, k, scale=scale), x * k * scale)
        check(f(x, k=3), x * 3)  # a static position passed by keyword
    assert len(python_calls) == f.cache_size() == 5


def test_traced_keywords_in_any_order_and_static_positions_from_the_end(python_calls):
    f = fx.jit(lambda x, k, *, zeta, alpha=0.0, mid=None: x * k + zeta * 10 + alpha + (0 if mid is None else mid.sum()),
               static_argnums=-1)
    x, z, a, m = fnp.arange(3.0), fnp.full(3, 2.0), fnp.full(3, 3.0), fnp.ones((2, 4))
    for _ in range(3):  # (the dispatcher takes keywords by name, whatever their order in the call)
        check(f(x, 2, zeta=z, alpha=a, mid=m), x * 2 + 31)
        check(f(x, 2, mid=m, alpha=a, zeta=z), x * 2 + 31)
        check(f(x, 2, zeta=z, mid=m), x * 2 + 28)
        check(f(x, 2, alpha=a, zeta=z), x * 2 + 23)
        check(f(x, -1, zeta=z), -x + 20)
    assert len(python_calls) == f.cache_size() == 4


@pytest.mark.parametrize("k", [[1, 2], fnp.ones(2), {"a": 1}])
def test_an_unhashable_static_argument_is_named(k):
    f = fx.jit(lambda x, k: x, static_argnums=1)
    with pytest.raises(TypeError, match="static argument `k`"):
        f(fnp.ones(2), k)
    with pytest.raises(TypeError, match="static argument `k`"):
        fx.jit(lambda x, k: x, static_argnames="k")(fnp.ones(2), k=k)
    check(f(fnp.ones(2), (1, 2)), fnp.ones(2))


def test_jits_with_static_arguments_clear_and_evict(monkeypatch, python_calls):
    f = fx.jit(lambda x, k: x * k, static_argnums=1)
    x = fnp.ones(2)
    check(f(x, 2), x * 2)
    f.clear_cache()
    assert f.cache_size() == 0
    check(f(x, 2), x * 2)
    monkeypatch.setattr(fx.config, "jit_cache_size", 1)
    check(f(x, 3), x * 3)
    check(f(x, 4), x * 4)  # evicts k=3
    check(f(x, 3), x * 3)
    assert f.cache_size() == 1 and len(python_calls) == 5


def test_the_jitted_function_keeps_its_name_and_attributes():
    def scale(x):
        """Twice x."""
        return 2 * x
    f = fx.jit(scale)
    assert f.__name__ == "scale" and f.__doc__ == "Twice x." and f.__wrapped__ is scale and f.fun is scale
    assert f.static_argnums == () and f.donate_argnums == () and f.device is None
    assert "stablehlo.multiply" in f.lower(fnp.ones(2)).as_text()


def test_a_namedtuple_registered_with_its_own_order_keeps_it_on_every_call():
    # XLA's dispatcher flattens any namedtuple in field order; fluxion's registration reverses it
    Swapped = collections.namedtuple("Swapped", "a b")
    fx.tree_util.register_pytree_node(Swapped, lambda p: ((p.b, p.a), None), lambda _, ch: Swapped(ch[1], ch[0]))
    def difference(p):
        return p.a - p.b
    f = fx.jit(difference)
    for args in [(10.0, 1.0), (fnp.asarray(10.0), fnp.asarray(1.0)), (np.float32(10), np.float32(1))] * 2:
        check(f(Swapped(*args)), difference(Swapped(*args)))
