"""Custom-rule functions (fx.custom_jvp, fx.custom_vjp) called under vmap on arguments that no
example differs in, while a derivative is taken: their outputs stay unbatched, so out_axes=None
accepts them, and their rules still apply.

Oracles: jax's vmap and grad of the same programs written with jax.custom_jvp/custom_vjp (float64),
and a Python loop over the examples where a rule closes over a batched value.
"""
import numpy as np
import pytest

import fluxion as fx
import fluxion.numpy as fnp
from fluxion.errors import FluxionError

from _jax_oracle import jax_x64

X = np.linspace(0.1, 1.0, 3)
YS = np.arange(1.0, 5.0)


def _rules(lib, m):
    """2 sin(x) with a jvp rule and a vjp rule whose derivatives are not sin's (3 cos and 5 cos),
    so that a result that went around the rule shows."""
    with_jvp = lib.custom_jvp(lambda x: 2.0 * m.sin(x))

    @with_jvp.defjvp
    def _(primals, tangents):
        (x,), (t,) = primals, tangents
        return with_jvp(x), 3.0 * m.cos(x) * t

    with_vjp = lib.custom_vjp(lambda x: 2.0 * m.sin(x))
    with_vjp.defvjp(lambda x: (with_vjp(x), m.cos(x)), lambda cos_x, g: (5.0 * cos_x * g,))
    return {"custom_jvp": with_jvp, "custom_vjp": with_vjp}


# losses of x: vmap over YS, the custom function called on the unbatched x only
PROGRAMS = {
    "out_axes_none": lambda lib, c: lambda x: lib.vmap(lambda y: c(x), out_axes=None)(YS).sum(),
    "out_axes_none_beside_a_batched_output": lambda lib, c: lambda x: lib.vmap(
        lambda y: (c(x), 2.0 * y), out_axes=(None, 0))(YS)[0].sum(),
    "in_axes_none_out_axes_none": lambda lib, c: lambda x: lib.vmap(
        lambda x, y: c(x), in_axes=(None, 0), out_axes=None)(x, YS).sum(),
    "axis_size_only": lambda lib, c: lambda x: lib.vmap(
        lambda x: c(x), in_axes=None, out_axes=None, axis_size=4)(x).sum(),
    "times_a_batched_value_out_axes_1": lambda lib, c: lambda x: (lib.vmap(
        lambda x, y: c(x)[:, None] * y, in_axes=(None, 0), out_axes=1)(x, YS) ** 2).sum(),
    "nested_vmaps": lambda lib, c: lambda x: lib.vmap(lambda z: lib.vmap(
        lambda y: c(x), out_axes=None)(YS) * z)(YS[:2]).sum(),
}


@pytest.mark.parametrize("kind", ["custom_jvp", "custom_vjp"])
@pytest.mark.parametrize("program", PROGRAMS)
def test_grad_through_vmap_of_a_custom_rule_on_unbatched_arguments_matches_jax(kind, program):
    jax = jax_x64()
    ours = PROGRAMS[program](fx, _rules(fx, fnp)[kind])
    theirs = PROGRAMS[program](jax, _rules(jax, jax.numpy)[kind])
    np.testing.assert_allclose(fx.grad(ours)(X), jax.grad(theirs)(X), rtol=1e-12)
    np.testing.assert_allclose(fx.jit(fx.grad(ours))(X), jax.grad(theirs)(X), rtol=1e-12)


@pytest.mark.parametrize("in_axes", [(None, 0), (0, None), (None, 1)])
def test_value_of_vmap_with_out_axes_none_under_jacrev_matches_jax(in_axes):
    jax = jax_x64()
    ys = np.stack([YS, YS + 1.0])
    x = X if in_axes[0] is None else np.stack([X, X + 0.5])
    y_axis = in_axes[1]

    def program(lib, c):
        # the output reads only the argument that is the same for every example (y is unused)
        if in_axes[0] is None:
            return lambda x: lib.vmap(lambda x, y: c(x), in_axes=in_axes, out_axes=None)(x, ys if y_axis else YS)
        return lambda x: lib.vmap(lambda x, y: c(y), in_axes=in_axes, out_axes=None)(x, YS[:3])

    for kind in ("custom_jvp", "custom_vjp"):
        ours = program(fx, _rules(fx, fnp)[kind])
        theirs = program(jax, _rules(jax, jax.numpy)[kind])
        np.testing.assert_allclose(fx.jacrev(ours)(x), jax.jacrev(theirs)(x), rtol=1e-12)


def test_hessian_through_vmap_with_out_axes_none_matches_jax():
    jax = jax_x64()
    ours = PROGRAMS["out_axes_none"](fx, _rules(fx, fnp)["custom_jvp"])
    theirs = PROGRAMS["out_axes_none"](jax, _rules(jax, jax.numpy)["custom_jvp"])
    np.testing.assert_allclose(fx.hessian(ours)(X), jax.hessian(theirs)(X), rtol=1e-12, atol=1e-12)


def test_vmap_of_grad_with_an_unbatched_argument_to_the_rule_matches_jax():
    jax = jax_x64()
    for kind in ("custom_jvp", "custom_vjp"):
        def program(lib, c):
            return lib.vmap(lib.grad(lambda x, y: (c(x) * y).sum()), in_axes=(None, 0), out_axes=0)

        np.testing.assert_allclose(program(fx, _rules(fx, fnp)[kind])(X, YS),
                                   program(jax, _rules(jax, jax.numpy)[kind])(X, YS), rtol=1e-12)


def _closing_over(lib, m, y, kind):
    """The rules of `_rules` scaled by y, which the function and its rule close over."""
    if kind == "custom_jvp":
        f = lib.custom_jvp(lambda x: 2.0 * m.sin(x) * y)

        @f.defjvp
        def _(primals, tangents):
            return f(primals[0]), 3.0 * m.cos(primals[0]) * y * tangents[0]
        return f
    f = lib.custom_vjp(lambda x: 2.0 * m.sin(x) * y)
    f.defvjp(lambda x: (f(x), m.cos(x)), lambda cos_x, g: (5.0 * cos_x * g * y,))
    return f


@pytest.mark.parametrize("kind", ["custom_jvp", "custom_vjp"])
def test_rule_closing_over_a_batched_value_gives_batched_outputs_that_match_a_loop(kind):
    def per_example(x, y):
        return _closing_over(fx, fnp, y, kind)(x).sum()

    got = fx.grad(lambda x: fx.vmap(per_example, in_axes=(None, 0))(x, YS).sum())(X)
    want = sum(np.asarray(fx.grad(per_example)(X, y)) for y in YS)
    np.testing.assert_allclose(got, want, rtol=1e-12)


def test_bwd_closing_over_a_batched_value_its_outputs_do_not_depend_on_is_an_error_naming_the_fix():
    def per_example(x, y):
        f = fx.custom_vjp(lambda x: fnp.sin(x))
        f.defvjp(lambda x: (f(x), fnp.cos(x)), lambda cos_x, g: (cos_x * g * y,))
        return f(x).sum()

    with pytest.raises(ValueError, match="pass that value to the function as an argument") as info:
        fx.grad(lambda x: fx.vmap(per_example, in_axes=(None, 0))(x, YS).sum())(X)
    assert isinstance(info.value, FluxionError)


A = np.array([[4.0, 1.0, 0.0], [1.0, 3.0, 0.5], [0.0, 0.5, 2.0]])


def test_grad_through_vmap_of_an_implicit_solve_on_an_unbatched_right_hand_side_matches_a_loop():
    # cg's solve is a call linear in its right-hand side, recorded (not run) for reverse mode
    from fluxion.scipy.sparse.linalg import cg

    def per_example(x, y):
        return fnp.sum(cg(lambda v: fnp.asarray(A) @ v, x)[0] ** 2) * y

    got = fx.grad(lambda x: fx.vmap(per_example, in_axes=(None, 0))(x, YS).sum())(X)
    want = sum(np.asarray(fx.grad(per_example)(X, y)) for y in YS)
    np.testing.assert_allclose(got, want, rtol=1e-6)
    shared = fx.grad(lambda x: fx.vmap(lambda x, y: cg(lambda v: fnp.asarray(A) @ v, x)[0], in_axes=(None, 0),
                                       out_axes=None)(x, YS).sum())(X)
    np.testing.assert_allclose(shared, np.linalg.solve(A.T, np.ones(3)), rtol=1e-6)


@pytest.mark.parametrize("closes_over_y", [False, True])
def test_grad_through_vmap_of_a_checkpoint_on_an_unbatched_argument_matches_a_loop(closes_over_y):
    def per_example(x, y):
        f = fx.checkpoint(lambda x: fnp.sin(x) * (y if closes_over_y else 1.0))
        return fnp.sum(f(x) ** 2) * y

    got = fx.grad(lambda x: fx.vmap(per_example, in_axes=(None, 0))(x, YS).sum())(X)
    want = sum(np.asarray(fx.grad(per_example)(X, y)) for y in YS)
    np.testing.assert_allclose(got, want, rtol=1e-12)


# outputs that depend on no argument, called on batched arguments --------------------------------
def _with_constant_outputs(lib, m):
    """(2 x, 1.0, [1, 2]) with a jvp rule, and the same with a vjp rule."""
    with_jvp = lib.custom_jvp(lambda x: (2.0 * x, 1.0, m.asarray([1.0, 2.0])))

    @with_jvp.defjvp
    def _(primals, tangents):
        (x,), (t,) = primals, tangents
        return with_jvp(x), (2.0 * t, 0.0, m.zeros(2))

    with_vjp = lib.custom_vjp(lambda x: (2.0 * x, 1.0, m.asarray([1.0, 2.0])))
    with_vjp.defvjp(lambda x: (with_vjp(x), None), lambda _, g: (2.0 * g[0],))
    return {"custom_jvp": with_jvp, "custom_vjp": with_vjp}


CONSTANT_OUTPUTS = {
    "vmap": lambda lib, c: lib.vmap(c),
    "vmap_out_axes_none": lambda lib, c: lib.vmap(c, out_axes=(0, None, None)),
    "jit_of_vmap": lambda lib, c: lib.jit(lib.vmap(c)),
    "vmap_of_jit": lambda lib, c: lib.vmap(lib.jit(c)),
    "vmap_of_vmap": lambda lib, c: lambda x: lib.vmap(lib.vmap(c))(x[None].repeat(2, 0)),
    "grad_of_vmap": lambda lib, c: lib.grad(lambda x: lib.vmap(c)(x)[0].sum()),
    "vmap_of_grad": lambda lib, c: lib.vmap(lib.grad(lambda x: c(x)[0] * c(x)[1])),
}


@pytest.mark.parametrize("kind", ["custom_jvp", "custom_vjp"])
@pytest.mark.parametrize("name", sorted(CONSTANT_OUTPUTS))
def test_outputs_that_depend_on_no_argument_match_jax(kind, name):
    jax = jax_x64()
    got = CONSTANT_OUTPUTS[name](fx, _with_constant_outputs(fx, fnp)[kind])(fnp.asarray(YS))
    want = CONSTANT_OUTPUTS[name](jax, _with_constant_outputs(jax, jax.numpy)[kind])(YS)
    got_leaves, want_leaves = fx.tree.leaves(got), jax.tree_util.tree_leaves(want)
    assert len(got_leaves) == len(want_leaves)
    for g, w in zip(got_leaves, want_leaves):
        assert np.shape(g) == np.shape(w)
        np.testing.assert_allclose(np.asarray(g), np.asarray(w), rtol=1e-12)


def _mixed(lib, m, kind):
    """(x * w, sin(w)) with rules, for a batched x and an unbatched w: the second output does not
    depend on the examples."""
    def fun(x, w):
        return x * w, m.sin(w)
    if kind == "custom_jvp":
        f = lib.custom_jvp(fun)
        f.defjvp(lambda p, t: (f(*p), (t[0] * p[1] + p[0] * t[1], m.cos(p[1]) * t[1])))
    else:
        f = lib.custom_vjp(fun)
        f.defvjp(lambda x, w: (f(x, w), (x, w)), lambda r, g: (g[0] * r[1], m.sum(g[0] * r[0]) + g[1] * m.cos(r[1])))
    return f


@pytest.mark.parametrize("kind", ["custom_jvp", "custom_vjp"])
@pytest.mark.parametrize("jit", [False, True])
def test_outputs_of_unbatched_arguments_beside_batched_ones_stay_unbatched_as_in_jax(kind, jit):
    jax = jax_x64()
    x, w = np.linspace(0.5, 1.5, 4), 0.7
    run = (lambda f: fx.jit(f)) if jit else (lambda f: f)
    got = run(fx.vmap(_mixed(fx, fnp, kind), in_axes=(0, None), out_axes=(0, None)))(fnp.asarray(x), fnp.asarray(w))
    want = jax.vmap(_mixed(jax, jax.numpy, kind), in_axes=(0, None), out_axes=(0, None))(x, w)
    for g, e in zip(got, want):
        assert g.shape == e.shape
        np.testing.assert_allclose(np.asarray(g), np.asarray(e), rtol=1e-6)
    # one array both batched and unbatched: the unbatched use is batched too, with the same values
    got = fx.vmap(_mixed(fx, fnp, kind), in_axes=(0, None))(fnp.asarray(x), fnp.asarray(x))
    want = jax.vmap(_mixed(jax, jax.numpy, kind), in_axes=(0, None))(x, x)
    for g, e in zip(got, want):
        np.testing.assert_allclose(np.asarray(g), np.asarray(e), rtol=1e-6)
