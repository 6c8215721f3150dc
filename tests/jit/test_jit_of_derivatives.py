"""jit composed with differentiation of functions using checkpoint, custom rules and control flow.

Each composition is run twice, once with fx.jit and once with jit replaced by the identity
(eager), and the results must match in value, dtype and weak flag; derivatives of compiled
functions are also checked against finite differences.
"""
import numpy as np
import pytest

import fluxion as fx
import fluxion.numpy as fnp
from _differential import assert_matches
from fluxion.core.primitive import abstract_eval
from fluxion.core.rules import xla_lowering
from fluxion.test_util import check_grads
from fluxion.transforms.autodiff.call_primitive import CallPrimitive

X = np.array([0.3, 0.7, -0.2])
T = np.array([1.0, -0.5, 2.0])
W = np.array([[0.5, -1.0, 0.3], [0.2, 0.8, -0.6], [-0.4, 0.1, 0.9]])


def _inner(x):
    return fnp.sin(fnp.cos(x)) * x


@fx.custom_jvp
def _sin(x):
    return fnp.sin(x)


_sin.defjvp(lambda primals, tangents: (_sin(primals[0]), fnp.cos(primals[0]) * tangents[0]))


@fx.custom_vjp
def _vjp_sin(x):
    return fnp.sin(x)


_vjp_sin.defvjp(lambda x: (fnp.sin(x), fnp.cos(x)), lambda cos_x, g: (g * cos_x,))


def _while(x):
    """A loop whose trip count depends on x."""
    def body(c):
        i, y = c
        return i + 1, fnp.sin(y) * 0.5 + y * 1.5
    return fnp.sum(fx.while_loop(lambda c: fnp.sum(c[1]) < 20.0, body, (0, x))[1] ** 2)


FUNCTIONS = {
    "checkpoint": lambda x: fnp.sum(fx.checkpoint(_inner)(x)),
    "checkpoint_dots_saveable": lambda x: fnp.sum(
        fx.checkpoint(lambda x: fnp.tanh(W @ fnp.sin(x)), policy="dots_saveable")(x) ** 2),
    "nested_checkpoint": lambda x: fnp.sum(fx.checkpoint(lambda x: fx.checkpoint(fnp.sin)(x) * fnp.cos(x))(x)),
    "custom_jvp": lambda x: fnp.sum(_sin(x) * x),
    "cond": lambda x: fnp.sum(fx.cond(fnp.sum(x) > 0, lambda x: fnp.sin(x) * x, lambda x: fnp.cos(x), x)),
    "while_loop": _while,
    "scan": lambda x: fnp.sum(fx.scan(lambda c, xi: (fnp.sin(c) * xi, c * 2), x, fnp.stack([x, x * 2]))[0]),
    "fori_loop": lambda x: fnp.sum(fx.fori_loop(0, 3, lambda i, y: fnp.sin(y) * y + 0.1 * i, x)),
    "checkpoint_in_fori_loop": lambda x: fnp.sum(
        fx.fori_loop(0, 3, lambda i, y: fx.checkpoint(lambda y: fnp.sin(y) * 1.1)(y), x)),
}

# each composition takes `jit` (fx.jit, or the identity for the eager reference), g, x and t
COMPOSITIONS = {
    "jit(jvp(g))": lambda jit, g, x, t: jit(lambda x, t: fx.jvp(g, (x,), (t,)))(x, t),
    "jit(linearize(g))": lambda jit, g, x, t: jit(lambda x, t: fx.linearize(g, x)[1](t))(x, t),
    "jit(linear function of linearize(g))": lambda jit, g, x, t: jit(fx.linearize(g, x)[1])(t),
    "jit(vjp(g))": lambda jit, g, x, t: jit(lambda x: fx.vjp(g, x)[1](fnp.asarray(1.5)))(x),
    "jit(grad(g))": lambda jit, g, x, t: jit(fx.grad(g))(x),
    "jvp(jit(g))": lambda jit, g, x, t: fx.jvp(jit(g), (x,), (t,)),
    "grad(jit(g))": lambda jit, g, x, t: fx.grad(jit(g))(x),
    "jit(jacfwd(g))": lambda jit, g, x, t: jit(fx.jacfwd(g))(x),
    "jit(hessian(g))": lambda jit, g, x, t: jit(fx.hessian(g))(x),
}
_REVERSE = ("jit(vjp(g))", "jit(grad(g))", "grad(jit(g))")


def _eager(f):
    return f


def _compare(composition, g, x, t, ulps=64):
    eager = composition(_eager, g, x, t)
    compiled = composition(fx.jit, g, x, t)
    assert_matches(eager, compiled, ulps=ulps, zero_signs=False)


@pytest.mark.parametrize("composition", COMPOSITIONS)
@pytest.mark.parametrize("name", FUNCTIONS)
def test_compiled_derivative_matches_eager(name, composition):
    _compare(COMPOSITIONS[composition], FUNCTIONS[name], fnp.asarray(X), fnp.asarray(T))


@pytest.mark.parametrize("composition", _REVERSE)
def test_compiled_reverse_mode_of_custom_vjp_matches_eager(composition):
    g = lambda x: fnp.sum(_vjp_sin(x) * x)  # noqa: E731
    _compare(COMPOSITIONS[composition], g, fnp.asarray(X), fnp.asarray(T))


@pytest.mark.parametrize("composition", ["jit(jvp(g))", "jit(linearize(g))", "jit(jacfwd(g))"])
def test_compiled_forward_mode_of_custom_vjp_raises_the_eager_error(composition):
    g = lambda x: fnp.sum(_vjp_sin(x) * x)  # noqa: E731
    for jit in (_eager, fx.jit):
        with pytest.raises(TypeError, match=r"(?s)only a reverse-mode rule.*fix: use reverse mode"):
            COMPOSITIONS[composition](jit, g, fnp.asarray(X), fnp.asarray(T))


@pytest.mark.parametrize("name", ["checkpoint", "custom_jvp", "while_loop", "checkpoint_in_fori_loop"])
def test_compiled_derivatives_keep_float32_and_weak_types_as_eager(name):
    g = FUNCTIONS[name]
    x32, t32 = fnp.asarray(X, dtype=fnp.float32), fnp.asarray(T, dtype=fnp.float32)
    for composition in ("jit(jvp(g))", "jit(linear function of linearize(g))", "jit(grad(g))"):
        _compare(COMPOSITIONS[composition], g, x32, t32, ulps=256)
    # a Python float is a weak float32: the tangent of the linear function stays weak
    scalar = lambda s: g(s * fnp.ones(3, dtype=fnp.float32))  # noqa: E731
    _compare(COMPOSITIONS["jit(linear function of linearize(g))"], scalar, 0.5, 1.0, ulps=256)


@pytest.mark.parametrize("name", FUNCTIONS)
def test_derivatives_of_compiled_function_match_finite_differences(name):
    check_grads(fx.jit(FUNCTIONS[name]), (fnp.asarray(X),), order=2)


@pytest.mark.parametrize("name", ["checkpoint", "nested_checkpoint", "while_loop", "checkpoint_in_fori_loop"])
def test_compiled_gradient_has_the_hessian_of_finite_differences(name):
    check_grads(fx.jit(fx.grad(FUNCTIONS[name])), (fnp.asarray(X),), order=1, modes=("fwd",))


def test_vmap_of_jit_of_jvp_of_checkpoint_matches_a_loop():
    g = FUNCTIONS["nested_checkpoint"]
    xs = fnp.asarray(np.stack([X, 2 * X, -X]))
    outs, tangents = fx.vmap(fx.jit(lambda x: fx.jvp(g, (x,), (fnp.asarray(T),))))(xs)
    for k in range(3):
        want = fx.jvp(g, (xs[k],), (fnp.asarray(T),))
        assert_matches(want, (outs[k], tangents[k]), ulps=64)


def test_forward_mode_of_checkpoint_under_jit_reads_traced_closed_over_values():
    y = fnp.asarray([1.5, 0.5, 2.0])
    g = lambda x, y: fnp.sum(fx.checkpoint(lambda x: fnp.sin(x) * y)(x))  # noqa: E731
    for f in (lambda x, y, t: fx.jvp(lambda x: g(x, y), (x,), (t,)),
              lambda x, y, t: fx.jacfwd(lambda x: g(x, y))(x)):
        assert_matches(f(fnp.asarray(X), y, fnp.asarray(T)), fx.jit(f)(fnp.asarray(X), y, fnp.asarray(T)), ulps=64)


def test_linear_function_of_checkpoint_closing_over_a_jit_traced_value_matches_eager():
    # the checkpointed function closes over y, traced by this jit, and its linear map is
    # evaluated inside the same jit: the map runs while y is still being traced
    g = lambda x, y: fnp.sum(fx.checkpoint(lambda x: fnp.sin(x) * y)(x))  # noqa: E731
    f = lambda x, y, t: fx.linearize(lambda x: g(x, y), x)[1](t)  # noqa: E731
    args = fnp.asarray(X), fnp.asarray(W[0]), fnp.asarray(T)
    assert_matches(f(*args), fx.jit(f)(*args), ulps=64)
    np.testing.assert_allclose(fx.jit(f)(*args), np.sum(np.cos(X) * W[0] * T), rtol=1e-12)


def test_compiled_forward_mode_of_custom_vjp_with_a_constant_tangent_raises_the_eager_error():
    # the tangent (and in the second function the primal) is a constant of the jitted function,
    # not a value jit traces: it is still not zero
    x, t = fnp.asarray(X), fnp.asarray(T)
    for f in (lambda x: fx.jvp(_vjp_sin, (x,), (t,)), lambda y: fx.jvp(_vjp_sin, (x,), (t,))[1] + y):
        for jit in (_eager, fx.jit):
            with pytest.raises(TypeError, match=r"(?s)only a reverse-mode rule.*fix: use reverse mode"):
                jit(f)(x)


def _grow(x):
    """A loop whose trip count depends on x, returning the final carry."""
    return fx.while_loop(lambda c: fnp.sum(c) < 5.0, lambda c: c * 1.5 + fnp.sin(c), x)


def test_compiled_forward_mode_of_while_loop_with_constant_primal_and_tangent_matches_eager():
    # neither the primal nor the tangent is traced by jit: the loop's jvp runs on constants
    x, t = fnp.asarray(X[:2]), fnp.asarray(T[:2])
    f = lambda y: fx.jvp(_grow, (x,), (t,))[1] + y  # noqa: E731
    assert_matches(f(0.0), fx.jit(f)(0.0))
    assert_matches(fx.jvp(_grow, (x,), (t,))[1], fx.jit(f)(0.0))
    eps = 1e-6  # the trip count stays the same within eps
    fd = (np.asarray(_grow(x + eps * t)) - np.asarray(_grow(x - eps * t))) / (2 * eps)
    np.testing.assert_allclose(fx.jit(f)(0.0), fd, rtol=1e-6)


def test_compiled_forward_mode_of_checkpoint_with_constant_primal_and_tangent_matches_eager():
    x, t = fnp.asarray(X), fnp.asarray(T)
    f = lambda y: fx.jvp(fx.checkpoint(_inner), (x,), (t,))[1] * y  # noqa: E731
    assert_matches(f(2.0), fx.jit(f)(2.0), ulps=64)


def test_forward_mode_on_constants_inside_a_branch_under_jit_matches_eager():
    # the branch is staged as a whole function too: a constant tangent there is not zero
    x, t = fnp.asarray(X[:2]), fnp.asarray(T[:2])
    f = lambda p, y: fx.cond(p, lambda y: fx.jvp(_grow, (x,), (t,))[1] + y, lambda y: y, y)  # noqa: E731
    y = fnp.zeros(2, dtype=X.dtype)
    assert_matches(f(fnp.asarray(True), y), fx.jit(f)(fnp.asarray(True), y))
    g = lambda p, y: fx.cond(p, lambda y: fx.jvp(_vjp_sin, (fnp.asarray(X),), (fnp.asarray(T),))[1] + y,  # noqa: E731
                             lambda y: y, y)
    for jit in (_eager, fx.jit):
        with pytest.raises(TypeError, match=r"(?s)only a reverse-mode rule.*fix: use reverse mode"):
            jit(g)(fnp.asarray(True), fnp.zeros(len(X), dtype=X.dtype))


# the mechanism itself --------------------------------------------------------------------------
_twice = CallPrimitive("twice_then_sin", lambda x: (fnp.sin(x * 2),), staged=True)
abstract_eval[_twice] = lambda a: (a,)


def test_jit_stages_the_operations_of_a_staged_call_primitive_not_the_call():
    program = fx.make_program(lambda x: _twice.bind(x)[0])(fnp.asarray(X))
    assert [eq.prim.name for eq in program.equations] == ["mul", "sin"]
    np.testing.assert_allclose(fx.jit(lambda x: _twice.bind(x)[0])(fnp.asarray(X)), np.sin(2 * X), rtol=1e-12)


def _in_branch(f):
    """`f` called in a branch of fx.cond on the traced predicate `p`, where it stays one equation."""
    return lambda p, *args: fx.cond(p, f, lambda *args: args[-1], *args)


def test_staged_call_primitive_in_a_branch_compiles_by_inlining_its_function():
    f = _in_branch(lambda x: _twice.bind(x)[0])
    x, p = fnp.asarray(X), fnp.asarray(True)
    (cond_eq,) = [eq for eq in fx.make_program(f)(p, x).equations if eq.prim.name == "cond"]
    assert _twice in [eq.prim for branch in cond_eq.params["branches"] for eq in branch.equations]
    assert _twice not in xla_lowering
    assert_matches(f(p, x), fx.jit(f)(p, x))
    np.testing.assert_allclose(fx.jit(f)(p, x), np.sin(2 * X), rtol=1e-12)


def test_inlined_call_computes_with_the_weak_operand_types_eager_uses():
    # int8 * weak int stays int8 and wraps around, as eagerly; a strong int64 operand would not
    scale = CallPrimitive("scale_then_floor_divide", lambda k, a: ((a * k) // 7,), staged=True)
    abstract_eval[scale] = lambda k, a: (a,)
    a, p = fnp.asarray([100, 50, -3], dtype=fnp.int8), fnp.asarray(True)
    f = _in_branch(lambda k, a: scale.bind(k, a)[0])
    want = ((np.array([100, 50, -3], np.int8) * np.int8(3)) // np.int8(7)).astype(np.int8)
    np.testing.assert_array_equal(f(p, 3, a), want)
    assert_matches(f(p, 3, a), fx.jit(f)(p, 3, a))


def test_linear_call_primitives_need_no_lowering_rule_of_their_own():
    from fluxion.control.while_grad import while_lin_p
    from fluxion.transforms.autodiff.checkpoint import remat_lin_p
    from fluxion.transforms.autodiff.custom import custom_lin_p
    assert {while_lin_p, remat_lin_p, custom_lin_p}.isdisjoint(xla_lowering)
