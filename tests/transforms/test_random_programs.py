"""Gradients of random programs nobody wrote by hand (drawn by `_random_programs.programs`):
elementwise functions, broadcasting, reductions, shape changes, indexing and updates, linear
algebra, control flow (fx.cond / switch / while_loop / scan / fori_loop, Python if / while /
for) and custom rules (custom_jvp, custom_vjp, checkpoint), nested.

Oracles: central finite differences (forward mode) and the dot-product test (reverse mode), or
for programs forward mode cannot differentiate (custom_vjp), differences of the program and of
its gradient; the eager gradient against jit of the gradient, the gradient of jit, and vmap of
the gradient (compiled or not) against a Python loop; eager gradients and jvps from replayed
blocks against the rules applied at each call; float32 gradients against float64 ones. The last tests
are failures the random programs found, reduced.
"""
from unittest import mock

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import fluxion as fx
import fluxion.numpy as fnp
from fluxion.test_util import check_grads
from fluxion.transforms.autodiff import blocks

from _random_programs import programs

RTOL = 1e-9  # between computations of one gradient that should agree up to rounding


def _grad(program, f=None):
    """The gradient of `f` (by default the program) with respect to each of the program's inputs."""
    return fx.grad(f or program, argnums=tuple(range(len(program.shapes))))


def _assert_same(got, expected, rtol=RTOL):
    """Leaf by leaf equal within `rtol` of the largest magnitude of `expected`, or of 1 if that is
    smaller (entries that cancel to about zero are compared at the scale of the gradient, or of
    the programs' values)."""
    scale = max(1.0, *(float(np.max(np.abs(np.asarray(e)))) for e in expected))
    for g, e in zip(got, expected, strict=True):
        assert g.shape == e.shape and g.dtype == e.dtype, (g.aval, e.aval)
        np.testing.assert_allclose(np.asarray(g), np.asarray(e), rtol=rtol, atol=rtol * scale)


def _staged_while(program) -> bool:
    """Whether a while_loop runs inside a function that cond, scan or while_loop stage: reverse
    mode over reverse mode re-traces the nested sweeps of such loops for minutes."""
    return any(step.op == "while" and step.staged for step in program.steps())


def _custom_vjp(program) -> bool:
    """Whether the program calls a custom_vjp function, which forward mode cannot differentiate."""
    return any(step.op == "custom" and step.params["form"] == "custom_vjp" for step in program.steps())


def _check_reverse_mode(program, xs, order):
    """Reverse mode alone against central differences along a random direction v: the gradient
    against differences of the program and, for order 2, the gradient of <gradient, v> (a
    Hessian-vector product) against differences of the gradient."""
    eps = 1e-6
    v = [fnp.asarray(np.random.default_rng(0).standard_normal(x.shape)) for x in xs]

    def along(f):
        plus, minus = f(*[x + eps * d for x, d in zip(xs, v)]), f(*[x - eps * d for x, d in zip(xs, v)])
        return [fnp.asarray((np.asarray(a) - np.asarray(b)) / (2 * eps)) for a, b in zip(plus, minus)]

    def slope(*ys):
        return sum(fnp.sum(g * d) for g, d in zip(_grad(program)(*ys), v))

    np.testing.assert_allclose(float(slope(*xs)), float(along(lambda *ys: [program(*ys)])[0]), rtol=1e-5, atol=1e-5)
    if order == 2:
        _assert_same(_grad(program, slope)(*xs), along(_grad(program)), rtol=1e-5)


@settings(deadline=None)
@given(programs(), st.sampled_from([1, 2]))
def test_gradients_of_random_programs_match_finite_differences(program, order):
    xs = program.inputs(0)
    if _custom_vjp(program):
        _check_reverse_mode(program, xs, 1 if _staged_while(program) else order)
    elif order == 2 and _staged_while(program):  # all but reverse over reverse
        check_grads(program, xs, order=2, modes=("fwd",))
        check_grads(_grad(program), xs, order=1, modes=("fwd",))
        check_grads(program, xs, order=1, modes=("rev",))
    else:
        check_grads(program, xs, order=order, modes=("fwd", "rev"))


@settings(deadline=None, max_examples=max(1, settings.default.max_examples // 2))  # each compiles two programs
@given(programs())
def test_gradients_of_random_programs_agree_eagerly_and_under_jit_and_jit_of_vmap(program):
    xs = program.inputs(0)
    eager = _grad(program)(*xs)
    _assert_same(fx.jit(_grad(program))(*xs), eager)
    _assert_same(_grad(fx.jit(program))(*xs), eager)
    batched = fx.jit(fx.vmap(_grad(program)))(*program.stacked())
    for k in range(len(program.batch)):
        _assert_same([g[k] for g in batched], _grad(program)(*program.inputs(k)))


@settings(deadline=None)
@given(programs(), st.data())
def test_vmap_of_gradients_of_random_programs_matches_a_loop(program, data):
    axes = [data.draw(st.one_of(st.integers(-len(s) - 1, len(s)), *([st.none()] if shared else [])))
            for s, shared in zip(program.shapes, program.shared)]
    batched = fx.vmap(_grad(program), in_axes=tuple(axes), axis_size=len(program.batch))(*program.stacked(axes))
    for k in range(len(program.batch)):
        _assert_same([g[k] for g in batched], _grad(program)(*program.inputs(k)))


@settings(deadline=None)
@given(programs())
def test_eager_gradients_of_random_programs_with_blocks_equal_gradients_from_rules(program):
    xs = program.inputs(0)
    with_blocks = _grad(program)(*xs)
    with mock.patch.object(blocks.EagerLinearizer, "_replay", lambda self, prim, args, params: None):
        with_rules = _grad(program)(*xs)
    _assert_same(with_blocks, with_rules, rtol=1e-12)


@settings(deadline=None)
@given(programs())
def test_eager_jvps_of_random_programs_with_blocks_equal_jvps_from_rules(program):
    if _custom_vjp(program):
        return
    xs = program.inputs(0)
    tangents = [fnp.asarray(np.random.default_rng(1).standard_normal(x.shape)) for x in xs]
    with_blocks = fx.jvp(program, xs, tangents)
    with mock.patch.object(blocks.EagerJVP, "_replay", lambda self, prim, args, params: None):
        with_rules = fx.jvp(program, xs, tangents)
    _assert_same(with_blocks, with_rules, rtol=1e-12)
    _assert_same([fx.linearize(program, *xs)[1](*tangents)], with_rules[1:], rtol=1e-12)  # its linear blocks' kernels


@settings(deadline=None)
@given(programs(), st.data())
def test_float32_gradients_of_random_programs_match_float64_gradients(program, data):
    n = len(program.shapes)
    dtypes = data.draw(st.lists(st.sampled_from([np.float32, np.float64]), min_size=n, max_size=n))
    dtypes[data.draw(st.integers(0, n - 1))] = np.float32
    low = _grad(program)(*program.inputs(0, dtypes))
    assert [g.dtype for g in low] == dtypes
    high = _grad(program)(*program.inputs(0))
    _assert_same([g.astype(np.float64) for g in low], high, rtol=1e-3)


CONTROL_FLOW = {
    "scan": lambda a: fx.scan(lambda c, x: (c * x, c), fnp.ones_like(a[0]), a)[0],
    "cond": lambda a: fx.cond(fnp.sum(a) > 0, fnp.prod, fnp.sum, a),
    "while_loop": lambda a: fx.while_loop(lambda c: c[0] < 3.0, lambda c: (c[0] * 2.0, c[1] * fnp.sin(c[1])),
                                          (fnp.asarray(1.0, dtype=a.dtype), a))[1],
}


@pytest.mark.parametrize("name, use", [("scan", "linear"), ("scan", "nonlinear"), ("cond", "nonlinear"),
                                       ("while_loop", "linear"), ("while_loop", "nonlinear")])
def test_custom_jvp_rule_may_differentiate_control_flow(name, use):
    """A custom_jvp rule that runs fx.jvp of a function with control flow gives the same
    reverse-mode gradient as the function itself (reduced from a random program)."""
    fn = CONTROL_FLOW[name]
    custom = fx.custom_jvp(fn)
    custom.defjvp(lambda primals, tangents: fx.jvp(fn, primals, tangents))

    def program(f):
        return lambda x: fnp.sum(3.0 * f(x)) if use == "linear" else fnp.sum(f(x) * f(x))

    x = fnp.asarray([0.3, 0.5, 0.7], dtype=np.float64)
    np.testing.assert_allclose(np.asarray(fx.grad(program(custom))(x)), np.asarray(fx.grad(program(fn))(x)),
                               rtol=1e-12)


@pytest.mark.parametrize("jit", [False, True])
@pytest.mark.parametrize("outer", ["cond", "scan", "while_loop"])
def test_custom_vjp_function_in_nested_control_flow_has_a_gradient(outer, jit):
    """A custom_vjp function inside a cond inside `outer` differentiates in reverse mode like the
    function itself (reduced from a random program)."""
    def fn(x):
        return fnp.sin(x) * x

    custom = fx.custom_vjp(fn)
    custom.defvjp(lambda x: (fn(x), x), lambda x, ct: fx.vjp(fn, x)[1](ct))

    def program(f):
        def inner(x):
            return fx.cond(fnp.sum(x) > 0, f, lambda y: 2.0 * y, x)

        if outer == "cond":
            return lambda x: fnp.sum(fx.cond(fnp.sum(x) > -10, inner, lambda y: 2.0 * y, x))
        if outer == "while_loop":
            return lambda x: fnp.sum(fx.while_loop(lambda c: c[0] < 2, lambda c: (c[0] + 1, inner(c[1])), (0, x))[1])
        return lambda x: fnp.sum(fx.scan(lambda c, _: (inner(c), None), x, None, length=2)[0])

    x = fnp.asarray([0.3, 0.5, 0.7], dtype=np.float64)
    grad = fx.jit(fx.grad(program(custom))) if jit else fx.grad(program(custom))
    np.testing.assert_allclose(np.asarray(grad(x)), np.asarray(fx.grad(program(fn))(x)), rtol=1e-12)
