"""Two XLA devices: transfers between them, operations and jit on one of them, and the
errors raised by operands on both.

XLA's CPU is split into two devices by `XLA_FLAGS=--xla_force_host_platform_device_count=2`,
which must be set before jax is loaded; so the checks below run in a subprocess (this file
run as a script), which reports each check's failure, and each becomes one test here. The
oracles are NumPy values and the same computation on the host.
"""
from __future__ import annotations

import json
import os
import pathlib
import subprocess
import sys
import traceback

import numpy as np
import pytest


def _two_devices():
    import fluxion as fx
    d0, d1 = fx.devices("xla-cpu")
    return fx, d0, d1


def check_two_xla_cpu_devices_are_listed_after_the_host():
    import fluxion as fx
    assert [repr(d) for d in fx.devices()] == ["cpu:0", "xla-cpu:0", "xla-cpu:1"]


def check_transfers_between_devices_keep_the_values():
    fx, d0, d1 = _two_devices()
    value = np.arange(6.0).reshape(2, 3)
    x0 = fx.device_put(fx.numpy.asarray(value), d0)
    x1 = fx.device_put(x0, d1)
    assert (x0.device, x1.device) == (d0, d1)
    assert x1._buffer.device == d1.jax_device  # the buffer itself moved
    back = fx.device_put(x1, "cpu")
    assert back.device.platform == "cpu"
    np.testing.assert_array_equal(np.asarray(back), value)
    np.testing.assert_array_equal(np.asarray(fx.device_put(x1, d0)), value)


def check_operations_run_on_the_device_of_their_operands():
    fx, _, d1 = _two_devices()
    fnp = fx.numpy
    x = fx.device_put(fnp.arange(4.0), d1)
    out = fnp.sin(x) * 2 + fnp.ones(4)
    assert out.device is d1 and out._buffer.device == d1.jax_device
    np.testing.assert_allclose(np.asarray(out), np.sin(np.arange(4.0)) * 2 + 1, rtol=1e-6)


def check_operands_on_two_devices_raise_an_error_naming_both_and_the_fix():
    fx, d0, d1 = _two_devices()
    fnp = fx.numpy
    x, y = fx.device_put(fnp.ones(3), d0), fx.device_put(fnp.ones(3), d1)
    i = fx.device_put(fnp.asarray([0, 2]), d1)  # an index array is an operand too (jax refuses it as well)
    for run in (lambda: x + y, lambda: fnp.dot(y, x), lambda: fx.jit(lambda a, b: a * b)(x, y), lambda: x[i],
                lambda: fnp.take(x, i), lambda: x.at[i].set(0.0), lambda: x.at[i].add(y[:2])):
        try:
            run()
        except fx.errors.DeviceError as e:
            message = str(e)
            assert "different devices" in message and "xla-cpu:0" in message and "xla-cpu:1" in message, message
            assert "fx.device_put" in message, message
        else:
            raise AssertionError("operands on two devices were accepted")


def check_a_weak_scalar_on_another_device_follows_its_partner():
    fx, d0, d1 = _two_devices()
    fnp = fx.numpy
    out = fx.device_put(fnp.arange(3.0), d0) * fx.device_put(2.0, d1)
    assert out.device is d0 and out.tolist() == [0.0, 2.0, 4.0]


def check_jit_runs_on_the_device_of_its_arguments():
    fx, d0, d1 = _two_devices()
    fnp = fx.numpy
    f = fx.jit(lambda a, b: a @ b)
    a = np.arange(6.0).reshape(2, 3)
    for device in (d0, d1, d0, d1):
        out = f(*fx.device_put((fnp.asarray(a), fnp.asarray(a.T)), device))
        assert out.device is device and out._buffer.device == device.jax_device
        np.testing.assert_allclose(np.asarray(out), a @ a.T)
    assert f.cache_size() == 2


def check_jit_with_a_device_moves_arguments_from_another_device():
    fx, d0, d1 = _two_devices()
    fnp = fx.numpy
    f = fx.jit(lambda a: fnp.cumsum(a), device=d1)
    for _ in range(2):  # compiled, then cached
        out = f(fx.device_put(fnp.arange(4.0), d0))
        assert out.device is d1 and out.tolist() == [0.0, 1.0, 3.0, 6.0]


def check_grad_on_the_second_device_matches_the_host():
    fx, _, d1 = _two_devices()
    fnp = fx.numpy
    loss = lambda w: fnp.sum(fnp.tanh(w) ** 2)  # noqa: E731
    w = fnp.asarray(np.linspace(-1, 1, 5))
    host, placed = fx.grad(loss)(w), fx.grad(loss)(fx.device_put(w, d1))
    assert placed.device is d1
    np.testing.assert_allclose(np.asarray(placed), np.asarray(host), rtol=1e-12)


def check_a_model_split_over_two_devices_differentiates_as_on_the_host():
    # device_put under grad moves the value, and its cotangent back; the oracle is the host run
    fx, d0, d1 = _two_devices()
    fnp = fx.numpy

    def loss(ws, x, move):
        h = fnp.tanh(move(x, d0) @ ws[0])
        return fnp.sum(fnp.sin(move(h, d1) @ ws[1]))

    rng = np.random.default_rng(0)
    ws = (fnp.asarray(rng.normal(size=(3, 4))), fnp.asarray(rng.normal(size=(4, 2))))
    x = fnp.asarray(rng.normal(size=3))
    placed = (fx.device_put(ws[0], d0), fx.device_put(ws[1], d1))
    grads = fx.grad(loss)(placed, x, fx.device_put)
    host = fx.grad(loss)(ws, x, lambda v, d: v)
    assert [g.device for g in grads] == [d0, d1]
    for g, h in zip(grads, host):
        np.testing.assert_allclose(np.asarray(g), np.asarray(h), rtol=1e-6)
    gx = fx.grad(loss, argnums=1)(placed, x, fx.device_put)  # back to the host, where x was
    assert gx.device is fx.devices()[0]
    np.testing.assert_allclose(np.asarray(gx), np.asarray(fx.grad(loss, argnums=1)(ws, x, lambda v, d: v)), rtol=1e-6)


def check_device_put_under_vmap_jvp_and_hessian_moves_the_value():
    fx, d0, d1 = _two_devices()
    fnp = fx.numpy
    x = fx.device_put(fnp.arange(3.0), d0)
    assert fx.vmap(lambda z: fx.device_put(z, d1) * 2)(x).device is d1
    out, tangent = fx.jvp(lambda z: fx.device_put(z, d1) ** 2, (x,), (fnp.ones(3),))
    assert out.device is d1 and tangent.device is d1
    np.testing.assert_allclose(np.asarray(tangent), [0.0, 2.0, 4.0])
    hessian = fx.hessian(lambda z: fnp.sum(fx.device_put(z, d1) ** 3))(x)
    np.testing.assert_allclose(np.asarray(hessian), np.diag([0.0, 6.0, 12.0]))
    seen = []
    fx.grad(lambda z: (seen.append(z.device), fnp.sum(fnp.asarray(z, device=d1)))[1])(x)
    assert seen == [d0]  # a traced value tells where its value is
    # a pullback holding a move compiles (jit decides where it runs) to the eager values
    out, pullback = fx.vjp(lambda z: fnp.sin(fx.device_put(z, d1)) * 2.0, x)
    np.testing.assert_allclose(np.asarray(fx.jit(pullback)(fnp.ones(3))[0]), np.asarray(pullback(fnp.ones(3))[0]))
    moved, = fx.linear_transpose(lambda z: fx.device_put(z, d1) * 2.0, x)(fx.device_put(fnp.ones(3), d1))
    assert moved.device is d0 and moved.tolist() == [2.0, 2.0, 2.0]  # (back where the example is)


def check_creation_functions_place_their_results_on_the_second_device():
    fx, _, d1 = _two_devices()
    fnp = fx.numpy
    x = fnp.zeros((2, 3), device=d1)
    created = {"zeros": x, "arange": fnp.arange(4, device="xla-cpu:1"), "eye": fnp.eye(2, device=d1),
               "asarray": fnp.asarray([1.0, 2.0], device=d1), "to_device": fnp.ones(2).to_device(d1),
               "zeros_like of an array there": fnp.zeros_like(x)}
    for name, out in created.items():
        assert out.device is d1 and out._buffer.device == d1.jax_device, name
    np.testing.assert_array_equal(np.asarray(created["arange"]), np.arange(4))
    np.testing.assert_array_equal(np.asarray(created["eye"]), np.eye(2, dtype=np.float32))


def check_a_donated_array_of_another_device_is_copied_and_stays_usable():
    fx, d0, d1 = _two_devices()
    fnp = fx.numpy
    step = fx.jit(lambda w, g: w - g, donate_argnums=0, device=d1)
    elsewhere, here = fx.device_put(fnp.arange(3.0), d0), fx.device_put(fnp.arange(3.0), d1)
    out = step(elsewhere, 1.0)
    assert out.device is d1 and out.tolist() == [-1.0, 0.0, 1.0]
    assert not elsewhere.is_deleted() and elsewhere.tolist() == [0.0, 1.0, 2.0]
    step(here, 1.0)
    assert here.is_deleted()


def check_like_places_values_on_the_second_device():
    fx, _, d1 = _two_devices()
    from fluxion.core.device import like
    out = like(fx.numpy.ones(2), fx.device_put(fx.numpy.zeros(3), d1))
    assert out.device is d1 and out._buffer.device == d1.jax_device


CHECKS = [check for name, check in sorted(globals().items()) if name.startswith("check_")]


def _run_checks() -> dict:
    results = {}
    for check in CHECKS:
        try:
            check()
            results[check.__name__] = None
        except Exception:  # each failure is reported by its own test
            results[check.__name__] = traceback.format_exc()
    return results


@pytest.fixture(scope="module")
def results():
    root = pathlib.Path(__file__).resolve().parents[2]
    env = {**os.environ, "XLA_FLAGS": f"{os.environ.get('XLA_FLAGS', '')} --xla_force_host_platform_device_count=2",
           "PYTHONPATH": os.pathsep.join([str(root), os.environ.get("PYTHONPATH", "")])}
    run = subprocess.run([sys.executable, __file__], env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout.splitlines()[-1])


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.__name__[len("check_"):])
def test_on_two_xla_cpu_devices(results, check):
    assert results[check.__name__] is None, results[check.__name__]


if __name__ == "__main__":
    print(json.dumps(_run_checks()))
