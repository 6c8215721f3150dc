"""Compare fluxion's derivatives of a program with jax's derivatives of the same program.

`assert_derivatives_match_jax(f, jf, xs)` requires the values, a vjp with a random
cotangent, a jvp along random tangents and a Hessian-vector product of <u, f(x)> to agree,
so first and second derivatives are both compared. Used by the tests only (the oracle never
enters fluxion).
"""
import numpy as np

import fluxion as fx
import fluxion.numpy as fnp


def rand(shape, seed=0, dtype=np.float64):
    return np.random.default_rng(seed).standard_normal(shape).astype(dtype)


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
