"""Derivatives of functions of arrays on an XLA device come back on that device.

`fluxion.core.device.like` places a value made from scratch (a seed, zeros) on the device of
a reference array; the differentiation API is to call it where it makes such values. The
oracles are the same derivatives on host arrays (NumPy kernels) and NumPy values.
"""
from __future__ import annotations

import numpy as np
import pytest

import fluxion as fx
import fluxion.numpy as fnp
from fluxion.core.device import CPU, like

XLA = fx.devices("xla-cpu")[0]

def test_like_puts_a_new_host_value_on_the_device_of_the_reference():
    value = fnp.asarray(np.arange(3, dtype=np.int32))
    out = like(value, fx.device_put(fnp.ones(2), XLA))
    assert out.device is XLA and (out.dtype, out.weak, out.tolist()) == (np.int32, False, [0, 1, 2])
    weak = like(fnp.asarray(1.0) * 0 + 2.0, fx.device_put(fnp.ones(()), XLA))
    assert weak.device is XLA
    pair = like((fnp.zeros(2), fnp.ones(())), fx.device_put(fnp.ones(2), XLA))
    assert [p.device for p in pair] == [XLA, XLA] and pair[0].tolist() == [0.0, 0.0]


def test_like_leaves_a_value_alone_for_a_host_or_traced_reference():
    value = fnp.zeros(2)
    assert like(value, fnp.ones(3)) is value
    seen = []
    fx.jit(lambda r: seen.append(like(value, r)) or r)(fnp.ones(2))
    assert seen == [value]
    placed = fx.device_put(value, XLA)
    assert like(placed, fnp.ones(3)) is placed


def test_like_leaves_traced_values_alone():
    ref = fx.device_put(fnp.ones(3), XLA)
    out = fx.vmap(lambda row: like(row * 2, ref))(fnp.ones((2, 3)))
    assert out.tolist() == [[2.0] * 3] * 2


def _on_device(*values):
    return fx.device_put(tuple(fnp.asarray(v) for v in values), XLA)


def _assert_like_host(host, placed):
    for h, p in zip(fx.tree.leaves(host), fx.tree.leaves(placed)):
        assert p.device is XLA, f"a derivative is on {p.device}"
        assert (p.dtype, p.shape) == (h.dtype, h.shape)
        np.testing.assert_allclose(np.asarray(p), np.asarray(h), rtol=1e-12)


def test_gradients_through_device_operations_stay_there(rng):
    w, x = rng.normal(size=(3, 2)), rng.normal(size=(4, 3))
    loss = lambda w, x: fnp.sum(fnp.tanh(x @ w) ** 2)  # noqa: E731
    _assert_like_host(fx.grad(loss, argnums=(0, 1))(fnp.asarray(w), fnp.asarray(x)),
                      fx.grad(loss, argnums=(0, 1))(*_on_device(w, x)))


GRADS = {
    "of a sum (the seed is broadcast)": (lambda x, y: fnp.sum(x), (0,)),
    "of a mean": (lambda x, y: fnp.mean(x * 3.0), (0,)),
    "for an unused argument (zeros)": (lambda x, y: fnp.sum(x * x), (0, 1)),
    "of a constant (zeros)": (lambda x, y: fnp.sum(fnp.ones(3)) * 2.0, (0,)),
}


@pytest.mark.parametrize("name", GRADS)
def test_gradients_come_back_on_the_device_of_the_arguments(name, rng):
    f, argnums = GRADS[name]
    x, y = rng.normal(size=3), rng.normal(size=2)
    _assert_like_host(fx.grad(f, argnums=argnums)(fnp.asarray(x), fnp.asarray(y)),
                      fx.grad(f, argnums=argnums)(*_on_device(x, y)))


def test_value_and_grad_gives_value_and_gradient_on_the_device(rng):
    x = rng.normal(size=3)
    f = lambda a: fnp.sum(a) * 2.0  # noqa: E731
    _assert_like_host(fx.value_and_grad(f)(fnp.asarray(x)), fx.value_and_grad(f)(*_on_device(x)))


def test_vjp_cotangents_are_on_the_device_for_host_cotangents_and_zero_ones(rng):
    x, y = rng.normal(size=3), rng.normal(size=2)
    f = lambda a, b: (a * 2.0, fnp.sum(a))  # noqa: E731  (b is unused: its cotangent is zero)
    cotangents = (fnp.asarray(rng.normal(size=3)), fnp.asarray(1.5))
    _, host_vjp = fx.vjp(f, fnp.asarray(x), fnp.asarray(y))
    _, device_vjp = fx.vjp(f, *_on_device(x, y))
    _assert_like_host(host_vjp(cotangents), device_vjp(cotangents))


def test_jvp_tangents_are_on_the_device_of_their_primals_including_zero_ones(rng):
    x, t = rng.normal(size=3), rng.normal(size=3)
    f = lambda a: (a * 2.0, fx.stop_gradient(a), fnp.floor(a))  # noqa: E731  (zero tangents for the last two)
    host = fx.jvp(f, (fnp.asarray(x),), (fnp.asarray(t),))
    for tangent in (fnp.asarray(t), *_on_device(t)):  # a host tangent follows its primal
        _assert_like_host(host[1], fx.jvp(f, _on_device(x), (tangent,))[1])


def test_linearized_functions_give_tangents_on_the_device(rng):
    x, t = rng.normal(size=3), rng.normal(size=3)
    f = lambda a: (a * 2.0, fnp.floor(a))  # noqa: E731  (a zero tangent for the second)
    _, host = fx.linearize(f, fnp.asarray(x))
    _, placed = fx.linearize(f, *_on_device(x))
    _assert_like_host(host(fnp.asarray(t)), placed(fnp.asarray(t)))


@pytest.mark.parametrize("jacobian", [fx.jacfwd, fx.jacrev])
def test_jacobians_of_linear_functions_are_on_the_device(jacobian, rng):
    x = rng.normal(size=3)
    f = lambda a: a * 2.0  # noqa: E731
    _assert_like_host(jacobian(f)(fnp.asarray(x)), jacobian(f)(*_on_device(x)))


def test_host_arguments_give_host_derivatives(rng):
    x = fnp.asarray(rng.normal(size=3))
    outs = [fx.grad(lambda a, b: fnp.sum(a), argnums=(0, 1))(x, x), fx.jvp(lambda a: (a, fnp.ones(2)), (x,), (x,)),
            fx.jacrev(lambda a: a * 2.0)(x)]
    assert all(leaf.device is CPU and type(leaf) is fx.Array for leaf in fx.tree.leaves(outs))


def test_forward_mode_jacobians_of_zero_derivatives_stay_on_the_device():
    x = fx.device_put(fnp.arange(3.0), XLA)
    for jac, want in ((fx.hessian(lambda v: v.sum())(x), np.zeros((3, 3))),
                      (fx.jacfwd(fx.grad(lambda v: (2 * v).sum()))(x), np.zeros((3, 3))),
                      (fx.jacfwd(lambda v: 1.0)(x), np.zeros(3)),
                      (fx.hessian(lambda v: (v ** 3).sum())(x), np.diag(6 * np.arange(3.0)))):
        assert jac.device is XLA
        np.testing.assert_array_equal(np.asarray(jac), want)
