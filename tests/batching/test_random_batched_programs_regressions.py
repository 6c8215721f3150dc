"""Batched programs that went wrong once, each checked against jax.vmap (64-bit) or a Python loop."""
import numpy as np
import pytest

import fluxion as fx
import fluxion.numpy as fnp
from fluxion import lax
from fluxion.errors import FluxionError

from _jax_oracle import jax_x64


@pytest.mark.parametrize("in_axis", [0, 1])
@pytest.mark.parametrize("name", ["ppermute", "pshuffle"])
def test_permuting_the_examples_of_an_empty_batch_gives_an_empty_batch_like_jax(name, in_axis):
    # the gather that moves the examples asked for a slice of the empty batch axis
    jax = jax_x64()
    x = np.zeros((0, 3)) if in_axis == 0 else np.zeros((3, 0))
    ours = lambda v: getattr(lax, name)(v * 2.0, "b", [])  # noqa: E731
    theirs = lambda v: getattr(jax.lax, name)(v * 2.0, "b", [])  # noqa: E731
    want = jax.vmap(theirs, in_axes=in_axis, axis_name="b")(x)
    for f in (fx.vmap(ours, in_axes=in_axis, axis_name="b"), fx.jit(fx.vmap(ours, in_axes=in_axis, axis_name="b"))):
        got = f(fnp.asarray(x))
        assert got.shape == want.shape and got.dtype == want.dtype


@pytest.mark.parametrize("where, spec", [("in_axes", ("0",)), ("in_axes", ({"a": 0.5},)), ("in_axes", (True,)),
                                         ("out_axes", "0"), ("out_axes", (0, 1.0))])
def test_an_axes_entry_that_is_not_an_int_raises_a_type_error_naming_it(where, spec):
    # it was reported as a structure mismatch (a ValueError) that named no bad entry
    jax = jax_x64()
    x = np.ones((3, 2))
    f = lambda d: (d["a"], d["a"]) if isinstance(d, dict) else (d, d)  # noqa: E731
    arg = {"a": x} if isinstance(spec, tuple) and isinstance(spec[0], dict) else x
    with pytest.raises(TypeError):
        jax.vmap(f, **{where: spec})(arg)
    with pytest.raises(FluxionError, match=f"(?s){where} holds.*must be ints or None.*fix:") as info:
        fx.vmap(f, **{where: spec})(arg)
    assert isinstance(info.value, TypeError)


@pytest.mark.parametrize("size, error", [(-1, ValueError), (2.0, TypeError), ("3", TypeError)])
def test_an_invalid_axis_size_is_refused_naming_axis_size(size, error):
    # a negative size reached broadcast_in_dim, whose error did not name axis_size
    jax = jax_x64()
    with pytest.raises(Exception):
        jax.vmap(lambda: jax.numpy.ones(2), axis_size=size)()
    with pytest.raises(FluxionError, match="(?s)axis_size.*fix:") as info:
        fx.vmap(lambda: fnp.ones(2), axis_size=size)()
    assert isinstance(info.value, error)


def _cond_with_a_collective(np_, cond, pmean):
    """Per example: a branch taken by the sign of `q`, one of which takes the mean over the inner vmap."""
    def f(q, a):
        return cond(q > 0, lambda z: z * z, lambda z: np_.abs(z) - 0.5 * pmean(np_.abs(z), "i"), a)
    return f


@pytest.mark.parametrize("transform", [lambda f: f, fx.jit], ids=["eager", "jit"])
def test_gradient_around_nested_vmaps_of_cond_whose_operand_only_the_outer_vmap_batches_matches_jax(transform):
    # the examples that do not take a branch kept their derivatives there (the operand, batched by
    # the outer vmap only, reached the inner vmap's cond rule wrapped, so it went unguarded)
    jax = jax_x64()
    rng = np.random.default_rng(1)
    a, q = rng.standard_normal(2), rng.standard_normal((2, 3))

    def nested(vmap, f):
        return vmap(vmap(f, in_axes=(0, None), axis_name="i"), axis_name="o")

    ours = nested(fx.vmap, _cond_with_a_collective(fnp, fx.cond, lax.pmean))
    theirs = nested(jax.vmap, _cond_with_a_collective(jax.numpy, jax.lax.cond, jax.lax.pmean))
    want = jax.grad(lambda a: theirs(q, a).sum())(a)
    got = transform(fx.grad(lambda a: ours(q, a).sum()))(a)
    np.testing.assert_allclose(got, want, rtol=1e-12)
    np.testing.assert_allclose(fx.grad(transform(lambda a: ours(q, a).sum()))(a), want, rtol=1e-12)


DIVIDED_COLLECTIVES = {  # name: branch(np_, psum over "b", a)
    "psum(a) / 3": lambda np_, psum, a: psum(a) / 3.0,
    "psum(sin(a)) / 3": lambda np_, psum, a: psum(np_.sin(a)) / 3.0,
    "sin(a) - psum(sin(a)) / 6": lambda np_, psum, a: np_.sin(a) - 0.5 * psum(np_.sin(a)) / 3.0,
}


@pytest.mark.parametrize("branch", DIVIDED_COLLECTIVES)
def test_per_example_gradient_of_cond_dividing_a_collective_by_a_constant_matches_jax(branch):
    # the examples that do not take the branch read another branch's residual (zero) in place of
    # the constant, and the collective's transpose passed their 1 / 0 on to every example
    jax = jax_x64()
    x = np.array([0.3, -1.2, 0.7, -0.4])
    other = DIVIDED_COLLECTIVES[branch]

    def make(np_, cond, psum):
        return lambda v: cond(v > 0, np_.tanh, lambda a: other(np_, lambda y: psum(y, "b"), a), v)

    want = jax.vmap(jax.grad(make(jax.numpy, jax.lax.cond, jax.lax.psum)), axis_name="b")(x)
    ours = fx.vmap(fx.grad(make(fnp, fx.cond, lax.psum)), axis_name="b")
    np.testing.assert_allclose(ours(x), want, rtol=1e-12)
    np.testing.assert_allclose(fx.jit(ours)(x), want, rtol=1e-12)
