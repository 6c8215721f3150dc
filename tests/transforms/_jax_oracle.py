"""Compare fluxion's derivatives of a program with jax's derivatives of the same program.

`assert_derivatives_match_jax(f, jf, xs)` requires the values, a vjp with a random
cotangent, a jvp along random tangents and a Hessian-vector product of <u, f(x)> to agree,
so first and second derivatives are both compared. Used by the tests only (the oracle never
enters fluxion). `jax_x64()` gives the tests jax set up for the comparison, `twice(op)`
builds their programs over a linear operation, and `check_float32_derivatives` checks them at
float32 inputs.
"""
import numpy as np
import pytest

import fluxion as fx
import fluxion.numpy as fnp
from fluxion.core import dtypes
from fluxion.test_util import check_grads

from _arrays import inputs, rand


def jax_x64():
    """jax with 64-bit types enabled (the comparisons are in float64); skips the test without jax."""
    jax = pytest.importorskip("jax")
    jax.config.update("jax_enable_x64", True)
    return jax


def twice(op):
    """`op(x) * op(sin(x))` for a program `op(m, o, x)` over namespaces `m`, `o`: the operation on
    both factors of a product, so that second derivatives go through its transpose too."""
    return lambda m, o, x: op(m, o, x) * op(m, o, m.sin(x))


def check_float32_derivatives(f, shapes, **options):
    """check_grads(f, xs, **options) at float32 inputs `xs` of `shapes`; `f`'s output and its
    cotangents must stay float32."""
    xs = [fnp.asarray(x) for x in inputs(shapes, np.float32)]
    check_grads(f, xs, **options)
    out, pullback = fx.vjp(f, *xs)
    assert out.dtype == dtypes.float32
    assert all(g.dtype == dtypes.float32 for g in pullback(fnp.ones(out.shape, dtype=fnp.float32)))


def _close(a, b, rtol, atol):
    np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=rtol, atol=atol)


def _jax_derivatives(jf, xs, u, vs, second_order):
    """jax's value, vjp, jvp and Hessian-vector product, compiled as one program (much faster
    than jax's operation-by-operation dispatch)."""
    import jax

    def all_of(xs, u, vs):
        out, pullback = jax.vjp(jf, *xs)
        tangent = jax.jvp(jf, xs, vs)[1]
        if not second_order:
            return out, pullback(u), tangent, ()
        grad = jax.grad(lambda *ys: (u * jf(*ys)).sum(), argnums=tuple(range(len(xs))))
        return out, pullback(u), tangent, jax.jvp(grad, xs, vs)[1]
    return jax.jit(all_of)(xs, u, vs)


def assert_derivatives_match_jax(f, jf, xs, rtol=1e-10, atol=1e-12, second_order=True):
    xs = [np.asarray(x) for x in xs]
    fxs = [fnp.asarray(x) for x in xs]
    vs = [rand(x.shape, seed=9 + k) for k, x in enumerate(xs)]
    out, pullback = fx.vjp(f, *fxs)
    u = rand(out.shape, seed=7)
    jax_out, jax_cts, jax_tangent, jax_hvp = _jax_derivatives(jf, xs, u, vs, second_order)
    _close(out, jax_out, rtol, atol)
    for g, jg in zip(pullback(fnp.asarray(u)), jax_cts):
        _close(g, jg, rtol, atol)
    _close(fx.jvp(f, fxs, [fnp.asarray(v) for v in vs])[1], jax_tangent, rtol, atol)
    if second_order:
        grad = fx.grad(lambda *ys: fnp.sum(fnp.asarray(u) * f(*ys)), argnums=tuple(range(len(xs))))
        for h, jh in zip(fx.jvp(grad, fxs, [fnp.asarray(v) for v in vs])[1], jax_hvp):
            _close(h, jh, rtol, atol)
