"""Python control flow converts in the functions that fluxion or a built-in calls for the user:
a custom_jvp / custom_vjp function and its rule, and the function given to `map`,
`itertools.starmap` or `functools.reduce`, under jit and vmap.

Oracles: the same functions run eagerly (plain Python on concrete values), a Python loop over
the examples for vmap, the slopes the rules are written to give, and central differences.
"""
import functools
import itertools

import numpy as np
import pytest

import fluxion as fx
import fluxion.numpy as fnp

XS = [-2.0, -0.5, 0.5, 2.0, 3.0]


def _f64(v):
    return fnp.asarray(v, dtype=fnp.float64)


def _per_example(f, xs):
    return np.array([np.asarray(f(x)) for x in xs])


# custom_jvp / custom_vjp -------------------------------------------------------------------------------------
@fx.custom_jvp
def leaky(x):
    return x if x > 0 else 0.1 * x


@leaky.defjvp
def _leaky_jvp(primals, tangents):
    (x,), (t,) = primals, tangents
    if x > 0:
        return leaky(x), 2.0 * t  # slopes unlike the function's own, to tell the rule is used
    return leaky(x), 0.5 * t


@fx.custom_vjp
def clipped(x):
    return x if x > 0 else 0.0 * x


def _clipped_fwd(x):
    return clipped(x), x


def _clipped_bwd(x, g):
    if x > 0:
        return (3.0 * g,)
    return (0.25 * g,)


clipped.defvjp(_clipped_fwd, _clipped_bwd)


@fx.custom_jvp
def larger(x, y):
    return x * y if x > y else x + y


larger.defjvps(lambda t, ans, x, y: t * (y if x > y else 1.0), lambda t, ans, x, y: t * (x if x > y else 1.0))


@functools.partial(fx.custom_jvp, nondiff_argnums=(0,))
def apply(g, x):
    return g(x)


@apply.defjvp
def _apply_jvp(g, primals, tangents):
    (x,), (t,) = primals, tangents
    return g(x), t if x > 0 else -t


def _wavy(x):
    return fnp.sin(x) if x > 0 else x * x


CUSTOM = {"custom_jvp": (leaky, lambda x: np.where(x > 0, 2.0, 0.5)),
          "custom_vjp": (clipped, lambda x: np.where(x > 0, 3.0, 0.25)),
          "defjvps": (lambda x: larger(x, 0.5 * x + 0.25),  # d/dx of x * y or x + y, with y = x / 2 + 1/4
                      lambda x: np.where(x > 0.5 * x + 0.25, x + 0.25, 1.5)),
          "nondiff_argnums": (lambda x: apply(_wavy, x), lambda x: np.where(x > 0, 1.0, -1.0))}


@pytest.mark.parametrize("name", CUSTOM)
def test_a_custom_function_and_its_rule_branching_on_traced_values_match_eager_and_the_rule(name):
    f, slope = CUSTOM[name]
    xs = _f64(XS)
    values = _per_example(f, xs)
    np.testing.assert_allclose([float(fx.jit(f)(x)) for x in xs], values, rtol=1e-12)
    np.testing.assert_allclose(np.asarray(fx.vmap(f)(xs)), values, rtol=1e-12)
    expected = slope(np.asarray(XS))
    np.testing.assert_allclose(_per_example(fx.grad(f), xs), expected, rtol=1e-12)  # eager: the rule's slopes
    np.testing.assert_allclose([float(fx.jit(fx.grad(f))(x)) for x in xs], expected, rtol=1e-12)
    np.testing.assert_allclose(np.asarray(fx.vmap(fx.grad(f))(xs)), expected, rtol=1e-12)
    np.testing.assert_allclose(np.asarray(fx.jit(fx.vmap(fx.grad(f)))(xs)), expected, rtol=1e-12)


def test_a_rule_defined_again_is_the_one_later_traces_use():
    @fx.custom_jvp
    def f(x):
        return 2.0 * x if x > 0 else x

    f.defjvp(lambda p, t: (f(p[0]), 2.0 * t[0] if p[0] > 0 else t[0]))
    x = _f64(1.5)
    assert float(fx.jit(fx.grad(f))(x)) == 2.0
    f.defjvp(lambda p, t: (f(p[0]), 7.0 * t[0] if p[0] > 0 else t[0]))
    assert float(fx.jit(fx.grad(f))(x)) == float(fx.grad(f)(x)) == 7.0


def test_the_function_of_a_custom_vjp_converts_and_the_gradient_matches_finite_differences():
    @fx.custom_vjp
    def smooth_step(x):
        return x * x if x > 1 else fnp.sin(x)

    smooth_step.defvjp(lambda x: (smooth_step(x), x),
                       lambda x, g: (g * (2 * x if x > 1 else fnp.cos(x)),))
    eps = 1e-6
    for x in (-0.7, 0.4, 1.6):  # reverse mode only: central differences of the function itself
        numeric = (float(smooth_step(_f64(x + eps))) - float(smooth_step(_f64(x - eps)))) / (2 * eps)
        np.testing.assert_allclose(float(fx.jit(fx.grad(smooth_step))(_f64(x))), numeric, rtol=1e-6)
        np.testing.assert_allclose(np.asarray(fx.vmap(fx.grad(smooth_step))(_f64([x, x]))), [numeric] * 2, rtol=1e-6)


# map / starmap / reduce -----------------------------------------------------------------------------------
def _map_list(a, b):
    return list(map(_wavy, [a, b]))


def _map_rows(xs):
    return sum(map(_wavy, xs))


def _starmap(xs):
    return sum(itertools.starmap(lambda a, b: a * b if a > b else b, zip(xs, xs[::-1])))


def _reduce(xs):
    return functools.reduce(lambda acc, x: acc + x if x > 0 else acc * fnp.cos(x), xs, 1.0)


def _map_custom(xs):
    return sum(map(leaky, xs))


@pytest.mark.parametrize("f", [_map_rows, _starmap, _reduce, _map_custom], ids=lambda f: f.__name__)
def test_the_function_given_to_map_starmap_or_reduce_converts_under_jit_vmap_and_grad(f):
    xs = _f64(XS)
    np.testing.assert_allclose(float(fx.jit(f)(xs)), float(f(xs)), rtol=1e-12)
    rows = fnp.stack([xs, -xs, 0.5 * xs])
    np.testing.assert_allclose(np.asarray(fx.vmap(f)(rows)), _per_example(f, rows), rtol=1e-12)
    np.testing.assert_allclose(np.asarray(fx.jit(fx.grad(f))(xs)), np.asarray(fx.grad(f)(xs)), rtol=1e-12)


def test_map_over_a_list_of_traced_values_gives_the_eager_list():
    a, b = _f64(-1.5), _f64(2.0)
    got = fx.jit(_map_list)(a, b)
    assert isinstance(got, list) and [float(v) for v in got] == [float(v) for v in _map_list(a, b)]
    fx.test_util.check_grads(fx.jit(lambda a, b: sum(_map_list(a, b))), (a, b), order=2)
