"""Functions with custom derivative rules (custom_jvp, custom_vjp, checkpoint) called inside
control-flow bodies keep their rules.

Oracle: the same computation written with Python control flow, differentiated eagerly (where
each call sees its rule directly), and finite differences.
"""
import numpy as np
import pytest

import fluxion as fx
import fluxion.numpy as fnp
from fluxion.test_util import check_grads

F64 = fnp.float64


@fx.custom_vjp
def clip_gradient(x):
    return x


clip_gradient.defvjp(lambda x: (x, None), lambda _, g: (fnp.clip(g, -1.0, 1.0),))


@fx.custom_jvp
def softplus(x):
    return fnp.log1p(fnp.exp(x))


@softplus.defjvp
def _softplus_jvp(primals, tangents):
    (x,), (t,) = primals, tangents
    return softplus(x), t * fx.numpy.exp(-softplus(-x))  # the logistic function, computed stably


def _scan_of(step, n=3):
    return lambda x: fx.scan(lambda c, _: (step(c), None), x, None, length=n)[0]


def _loop_of(step, n=3):
    def f(x):
        for _ in range(n):
            x = step(x)
        return x
    return f


def test_custom_vjp_in_a_scan_body_applies_its_rule():
    def step(c):
        return clip_gradient(c) * 5.0

    x = fnp.asarray(2.0, dtype=F64)
    expected = float(fx.grad(_loop_of(step))(x))
    assert expected == 1.0  # the clipped gradient, not 125
    assert float(fx.grad(_scan_of(step))(x)) == expected
    assert float(fx.jit(fx.grad(_scan_of(step)))(x)) == expected


def test_custom_vjp_in_a_branch_applies_its_rule():
    def f(x):
        return fx.cond(x > 0, lambda: clip_gradient(x * x) * 5.0, lambda: x)

    x = fnp.asarray(2.0, dtype=F64)
    assert float(fx.grad(f)(x)) == float(fx.jit(fx.grad(f))(x)) == 4.0  # clip(5) * 2x


def test_forward_mode_through_a_custom_vjp_in_a_body_is_an_error():
    with pytest.raises(TypeError, match="custom_vjp: .* has only a reverse-mode rule"):
        fx.jvp(_scan_of(lambda c: clip_gradient(c) * 5.0), (fnp.asarray(2.0),), (fnp.asarray(1.0),))


def test_custom_jvp_in_a_scan_body_applies_its_rule():
    # the rule is exact where differentiating log1p(exp(x)) overflows: exp(100) is inf in float32
    step = lambda c: softplus(c) + 90.0  # noqa: E731
    x = fnp.asarray(20.0)
    expected = fx.grad(_loop_of(step, 2))(x)
    assert np.isfinite(float(expected))
    np.testing.assert_allclose(fx.grad(_scan_of(step, 2))(x), expected, rtol=1e-6)
    np.testing.assert_allclose(fx.jit(fx.grad(_scan_of(step, 2)))(x), expected, rtol=1e-6)
    check_grads(_scan_of(lambda c: softplus(c) * 0.5, 3), (fnp.asarray([0.3, -1.0], dtype=F64),), order=2)


def test_checkpoint_in_a_scan_body_gives_the_same_derivatives():
    step = fx.checkpoint(lambda y: fnp.sin(y) * y + y)
    x = fnp.asarray([0.3, 0.9], dtype=F64)
    expected = fx.grad(lambda x: fnp.sum(_loop_of(step)(x)))(x)
    for got in (fx.grad(lambda x: fnp.sum(_scan_of(step)(x)))(x),
                fx.jit(fx.grad(lambda x: fnp.sum(_scan_of(step)(x))))(x)):
        np.testing.assert_allclose(got, expected, rtol=1e-13)
    check_grads(_scan_of(step), (x,), order=2)


def test_a_custom_function_closing_over_a_body_value_runs_inline():
    def f(x):
        def body(c, _):
            @fx.custom_jvp
            def scale(y):
                return y * c

            scale.defjvp(lambda p, t: (scale(*p), t[0] * c))
            return scale(c), None

        return fx.scan(body, x, None, length=2)[0]

    x = fnp.asarray(1.5, dtype=F64)
    assert float(f(x)) == float(fx.jit(f)(x)) == 1.5 ** 4
