"""`fx.jit` and devices: where a jitted function runs, where its results live, and its cache.

The oracle is the eager function on host arrays (NumPy kernels); traces are counted with a
Python side effect in the traced function.
"""
from __future__ import annotations

import numpy as np
import pytest

import fluxion as fx
import fluxion.numpy as fnp
from fluxion.core.device import CPU

from _differential import assert_matches

XLA = fx.devices("xla-cpu")[0]


def _f(x, y):
    return fnp.sin(x) * y + fnp.sum(x * x)


def _args(rng):
    return fnp.asarray(rng.normal(size=(3, 4)).astype(np.float32)), fnp.asarray(rng.normal(size=4).astype(np.float32))


def test_jit_on_device_arrays_runs_there_and_leaves_the_result_there(rng):
    x, y = _args(rng)
    out = fx.jit(_f)(*fx.device_put((x, y), XLA))
    assert out.device is XLA
    assert_matches(_f(x, y), out, ulps=16, floor=1.0, zero_signs=False)


def test_jit_on_host_arrays_gives_host_arrays(rng):
    x, y = _args(rng)
    out = fx.jit(_f)(x, y)
    assert out.device is CPU and isinstance(out, fx.Array)
    assert_matches(_f(x, y), out, ulps=16, floor=1.0, zero_signs=False)


def test_host_arguments_follow_a_device_argument(rng):
    x, y = _args(rng)
    out = fx.jit(_f)(fx.device_put(x, XLA), y)
    assert out.device is XLA
    assert_matches(_f(x, y), out, ulps=16, floor=1.0, zero_signs=False)
    scalar = fx.jit(lambda a, s: a * s)(fx.device_put(x, XLA), 2.0)
    assert scalar.device is XLA and scalar.dtype == np.float32


@pytest.mark.parametrize("device", [XLA, "xla-cpu:0", "xla-cpu"])
def test_jit_with_a_device_moves_the_arguments_and_keeps_the_results_there(device, rng):
    x, y = _args(rng)
    f = fx.jit(_f, device=device)
    assert f.device is XLA
    for _ in range(2):  # compiled, then cached
        out = f(x, y)
        assert out.device is XLA
        assert_matches(_f(x, y), out, ulps=16, floor=1.0, zero_signs=False)


def test_jit_on_the_host_device_brings_device_arguments_to_the_host(rng):
    x, y = _args(rng)
    f = fx.jit(_f, device="cpu")
    for _ in range(3):  # the first call compiles, the next ones take the cached program
        out = f(*fx.device_put((x, y), XLA))
        assert out.device is CPU and isinstance(out, fx.Array)
        assert_matches(_f(x, y), out, ulps=16, floor=1.0, zero_signs=False)


def test_jit_with_an_unknown_device_is_an_error_at_once():
    with pytest.raises(fx.errors.DeviceError, match="there is no device xla-cpu:99"):
        fx.jit(_f, device="xla-cpu:99")


def test_one_trace_per_signature_and_device(rng, capsys):
    traces = []

    def f(x):
        traces.append(x.shape)
        return x * 2

    g = fx.jit(f)
    host = fnp.ones(3)
    placed = fx.device_put(host, XLA)
    for _ in range(3):
        assert g(host).device is CPU
        assert g(placed).device is XLA
    assert len(traces) == 2 and g.cache_size() == 2
    g(fx.device_put(fnp.ones(4), XLA))
    assert len(traces) == 3


def test_a_new_device_is_explained_as_the_cache_miss(rng, capsys, monkeypatch):
    monkeypatch.setattr(fx.config, "explain_cache_misses", True)
    g = fx.jit(lambda x: x + 1)
    g(fnp.ones(3))
    g(fx.device_put(fnp.ones(3), XLA))
    assert "the device changed from cpu:0 to xla-cpu:0" in capsys.readouterr().err


def test_repeated_calls_on_device_arrays_give_fresh_results(rng):
    g = fx.jit(lambda a, b: (a @ b, a - b.T))
    for _ in range(3):
        a, b = rng.normal(size=(2, 3)), rng.normal(size=(3, 2))
        out = g(*fx.device_put((fnp.asarray(a), fnp.asarray(b)), XLA))
        assert all(o.device is XLA for o in out)
        np.testing.assert_allclose(np.asarray(out[0]), a @ b, rtol=1e-12)
        np.testing.assert_allclose(np.asarray(out[1]), a - b.T, rtol=1e-12)


def test_pytrees_keywords_and_static_arguments_with_device_arrays(rng):
    x, y = _args(rng)

    def f(params, *, scale, power):
        return {"out": params["x"] ** power * scale, "y": params["y"]}

    g = fx.jit(f, static_argnames=("power",))
    out = g(fx.device_put({"x": x, "y": y}, XLA), scale=3.0, power=2)
    assert all(leaf.device is XLA for leaf in fx.tree.leaves(out))
    assert_matches(f({"x": x, "y": y}, scale=3.0, power=2), out, ulps=4, zero_signs=False)


def test_constants_from_the_device_closed_over_by_a_jitted_function(rng):
    x, y = _args(rng)
    w = fx.device_put(y * 2, XLA)
    f = lambda a: a * w + w * 0  # noqa: E731
    g = fx.jit(f)  # `w * 0` is folded by the program passes
    host, placed = g(x), g(fx.device_put(x, XLA))
    assert host.device is placed.device is f(x).device is XLA  # (where the eager operations run)
    assert fx.jit(lambda a: a * 2)(x).device is CPU
    expected = np.asarray(x) * np.asarray(y * 2)
    np.testing.assert_allclose(np.asarray(host), expected, rtol=1e-6)
    np.testing.assert_allclose(np.asarray(placed), expected, rtol=1e-6)


def test_grad_and_jit_compose_on_the_device(rng):
    x, y = _args(rng)
    loss = lambda a, b: fnp.sum(_f(a, b) ** 2)  # noqa: E731
    host = fx.grad(loss, argnums=(0, 1))(x, y)
    placed = fx.device_put((x, y), XLA)
    for name, g in {"jit of grad": fx.jit(fx.grad(loss, argnums=(0, 1))),
                    "grad of jit": fx.grad(fx.jit(loss), argnums=(0, 1))}.items():
        out = g(*placed)
        assert all(o.device is XLA for o in out), name
        assert_matches(host, out, ulps=64, floor=10.0, zero_signs=False, what=name)


def test_lower_compiles_for_the_device_of_the_arguments(rng):
    x, y = _args(rng)
    assert fx.jit(_f).lower(*fx.device_put((x, y), XLA)).device is XLA
    assert fx.jit(_f).lower(x, y).device is None  # host arrays in and out
