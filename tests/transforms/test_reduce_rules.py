"""Derivatives of the reduction primitives, checked on the primitives and through the
fluxion.numpy and fluxion.scipy.special functions users call.

Oracles: central differences and the dot-product test (check_grads, to second order), jax's
first and second derivatives of the same program, the dense Jacobian of each linear
primitive, and closed forms at the special points: zeros in products, ties and NaN in
extrema, -inf and wide ranges in cumlogsumexp, empty axes.
"""

import math

import numpy as np
import pytest
from hypothesis import given, strategies as st

import fluxion as fx
import fluxion.numpy as fnp
import fluxion.scipy.special as fsp
from fluxion.core import dtypes
from fluxion.core.primitive import jvp_rules
from fluxion.ops import reduce as R
from fluxion.ops._ad import Zero
from fluxion.test_util import check_grads

from _arrays import inputs, rand
from _jax_oracle import assert_derivatives_match_jax, jax_x64
from _transpose_check import check_transpose

jax = jax_x64()
jnp, lax, jsp = jax.numpy, jax.lax, jax.scipy.special


def _arr(values, dtype=np.float64):
    return fnp.asarray(np.asarray(values, dtype))


def _jacobian(f, x):
    return np.asarray(fx.jacrev(f)(_arr(x)))


def _twice(op):
    """`op(x) * op(sin(x))`: a linear primitive on both factors of a product, so that second
    derivatives go through its transpose."""
    return lambda x, sin: op(x) * op(sin(x))


# the primitives, each with the same computation in jax ----------------------------------------
PRIMITIVES = [
    ("reduce_sum", _twice(lambda x: R.reduce_sum(x, (0, 2))), _twice(lambda x: x.sum((0, 2))), (2, 3, 2)),
    ("reduce_sum_all", _twice(lambda x: R.reduce_sum(x, (0, 1, 2))), _twice(lambda x: x.sum()), (2, 3, 2)),
    ("reduce_sum_no_axes", _twice(lambda x: R.reduce_sum_p.bind(x, axes=())), _twice(lambda x: x), (2, 3)),
    ("reduce_prod", lambda x, sin: R.reduce_prod(x, (1,)), lambda x, sin: x.prod(1), (3, 4)),
    ("reduce_prod_axes", lambda x, sin: R.reduce_prod(x, (0, 2)), lambda x, sin: x.prod((0, 2)), (2, 3, 2)),
    ("reduce_max", lambda x, sin: R.reduce_max(sin(x) * x, (1,)), lambda x, sin: (sin(x) * x).max(1), (3, 4)),
    ("reduce_min_axes", lambda x, sin: R.reduce_min(x * x, (0, 2)), lambda x, sin: (x * x).min((0, 2)), (2, 3, 2)),
    ("cumsum", _twice(lambda x: R.cumsum(x, 1)), _twice(lambda x: lax.cumsum(x, 1)), (2, 5)),
    ("cumsum_reverse", _twice(lambda x: R.cumsum(x, 0, reverse=True)),
     _twice(lambda x: lax.cumsum(x, 0, reverse=True)), (4, 2)),
    ("cumprod", lambda x, sin: R.cumprod(x, 1), lambda x, sin: lax.cumprod(x, 1), (2, 7)),
    ("cumprod_reverse", lambda x, sin: R.cumprod(x, 0, reverse=True),
     lambda x, sin: lax.cumprod(x, 0, reverse=True), (6, 2)),
    ("cummax", lambda x, sin: R.cummax(sin(x) * x, 1), lambda x, sin: lax.cummax(sin(x) * x, 1), (2, 6)),
    ("cummax_reverse", lambda x, sin: R.cummax(x * x, 0, reverse=True),
     lambda x, sin: lax.cummax(x * x, 0, reverse=True), (5, 2)),
    ("cummin", lambda x, sin: R.cummin(x * x, 1), lambda x, sin: lax.cummin(x * x, 1), (2, 6)),
    ("cummin_reverse", lambda x, sin: R.cummin(sin(x), 0, reverse=True),
     lambda x, sin: lax.cummin(sin(x), 0, reverse=True), (5, 2)),
    ("cumlogsumexp", lambda x, sin: R.cumlogsumexp(x * x, 1), lambda x, sin: lax.cumlogsumexp(x * x, 1), (2, 7)),
    ("cumlogsumexp_reverse", lambda x, sin: R.cumlogsumexp(x, 0, reverse=True),
     lambda x, sin: lax.cumlogsumexp(x, 0, reverse=True), (8, 2)),
]
PRIMITIVE_IDS = [c[0] for c in PRIMITIVES]


@pytest.mark.parametrize("name,f,jf,shape", PRIMITIVES, ids=PRIMITIVE_IDS)
def test_primitive_second_derivatives_match_finite_differences(name, f, jf, shape):
    check_grads(lambda x: f(x, fnp.sin), (fnp.asarray(rand(shape)),), order=2)


@pytest.mark.parametrize("name,f,jf,shape", PRIMITIVES, ids=PRIMITIVE_IDS)
def test_primitive_derivatives_match_jax(name, f, jf, shape):
    assert_derivatives_match_jax(lambda x: f(x, fnp.sin), lambda x: jf(x, jnp.sin), [rand(shape)])


@pytest.mark.parametrize("name", ["reduce_prod", "reduce_max", "cumprod", "cummax_reverse", "cumlogsumexp"])
def test_float32_primitive_derivatives(name):
    _, f, _, shape = PRIMITIVES[PRIMITIVE_IDS.index(name)]
    x = fnp.asarray(rand(shape, dtype=np.float32))
    check_grads(lambda x: f(x, fnp.sin), (x,), order=2)
    out, pullback = fx.vjp(lambda x: f(x, fnp.sin), x)
    (g,) = pullback(fnp.ones(out.shape, dtype=fnp.float32))
    assert out.dtype == g.dtype == dtypes.float32


@pytest.mark.parametrize("op,jop", [
    (lambda x: R.reduce_sum(x * x, (0,)), lambda x: (x * x).sum(0)),
    (lambda x: R.reduce_prod(x, (1,)), lambda x: x.prod(1)),
    (lambda x: R.cumsum(x * x, 1), lambda x: lax.cumsum(x * x, 1)),
    (lambda x: R.cumprod(x, 0, reverse=True), lambda x: lax.cumprod(x, 0, reverse=True)),
])
def test_complex_derivatives_are_holomorphic_and_match_jax(op, jop):
    x = rand((3, 3)) + 1j * rand((3, 3), seed=1)
    check_grads(op, (fnp.asarray(x),), order=2)
    shape = np.shape(jop(x))
    u = rand(shape, seed=2) + 1j * rand(shape, seed=3)
    (g,) = fx.vjp(op, fnp.asarray(x))[1](fnp.asarray(u))
    np.testing.assert_allclose(np.asarray(g), jax.vjp(jop, x)[1](u)[0], rtol=1e-12)


# transposes of the linear primitives ----------------------------------------------------------
@pytest.mark.parametrize("prim,shape,params", [
    (R.reduce_sum_p, (2, 3, 4), dict(axes=(0, 2))),
    (R.reduce_sum_p, (2, 3), dict(axes=(0, 1))),
    (R.reduce_sum_p, (2, 3), dict(axes=())),
    (R.reduce_sum_p, (), dict(axes=())),
    (R.reduce_sum_p, (0, 3), dict(axes=(0,))),
    (R.cumsum_p, (3, 4), dict(axis=1, reverse=False)),
    (R.cumsum_p, (4, 2), dict(axis=0, reverse=True)),
], ids=lambda v: str(v))
def test_transpose_rule_is_the_transposed_jacobian(prim, shape, params):
    check_transpose(prim, [rand(shape)], (0,), **params)


# products with zeros: no division ---------------------------------------------------------------
def _others(x, i, j=None):
    return np.prod([v for k, v in enumerate(x) if k not in (i, j)])


@pytest.mark.parametrize("x", [[2.0, 0.0, 3.0, -1.5], [2.0, 0.0, 3.0, 0.0], [0.0, 0.0, 0.0], [0.0], [5.0]])
def test_prod_derivatives_with_zeros_are_the_products_of_the_others(x):
    n = len(x)
    np.testing.assert_allclose(_jacobian(fnp.prod, x), [_others(x, i) for i in range(n)], atol=0)
    hessian = np.asarray(fx.hessian(fnp.prod)(_arr(x)))
    expected = [[0.0 if i == j else _others(x, i, j) for j in range(n)] for i in range(n)]
    np.testing.assert_allclose(hessian, expected, atol=0)
    check_grads(fnp.prod, (_arr(x),), order=3)


def test_cumprod_jacobian_with_zeros_is_the_products_of_the_others():
    x = np.array([1.5, 0.0, 2.0, 0.0, -3.0])
    expected = [[_others(x[: i + 1], k) if k <= i else 0.0 for k in range(5)] for i in range(5)]
    np.testing.assert_allclose(_jacobian(lambda x: fnp.cumprod(x), x), expected, atol=0)
    np.testing.assert_allclose(_jacobian(lambda x: R.cumprod(x, 0, reverse=True), x[::-1]),
                               np.asarray(expected)[::-1, ::-1], atol=0)
    check_grads(lambda x: fnp.cumulative_prod(x, include_initial=True), (_arr(x),), order=3)
    assert_derivatives_match_jax(lambda x: fnp.cumprod(x) ** 2, lambda x: jnp.cumprod(x) ** 2, [x])


@pytest.mark.parametrize("n", [2, 8, 12, 13])
@pytest.mark.parametrize("reverse", [False, True])
def test_running_reductions_of_even_and_odd_lengths_match_jax_to_second_order(n, reverse):
    # the scans split each axis into pairs, halving it at each level: even lengths all the way
    # down (8), or odd ones at some levels (12, 13); zeros in products, ties in extrema
    x = np.random.default_rng(n).standard_normal((3, n))
    x[0, n // 2] = x[1, 1] = 0.0
    x[2, -1] = x[2, 0]
    for name in ("cumprod", "cummax", "cumlogsumexp"):
        assert_derivatives_match_jax(lambda v: getattr(R, name)(v, 1, reverse=reverse),
                                     lambda v: getattr(lax, name)(v, 1, reverse=reverse), [x])


def test_prod_over_an_empty_axis_has_a_zero_derivative():
    x = fnp.zeros((0, 3), dtype=fnp.float64)
    value, tangent = fx.jvp(lambda x: fnp.prod(x, axis=0), (x,), (x,))
    np.testing.assert_array_equal(np.asarray(value), [1.0, 1.0, 1.0])
    np.testing.assert_array_equal(np.asarray(tangent), [0.0, 0.0, 0.0])
    assert fx.grad(lambda x: fnp.sum(fnp.prod(x, axis=0)))(x).shape == (0, 3)


# extrema: ties share the derivative, NaN takes it ----------------------------------------------
@pytest.mark.parametrize("f,x,expected", [
    (fnp.max, [1.0, 3.0, 3.0, 2.0, 3.0], [0, 1 / 3, 1 / 3, 0, 1 / 3]),
    (fnp.min, [2.0, 1.0, 4.0, 1.0], [0, 0.5, 0, 0.5]),
    (fnp.amax, [[1.0, 2.0], [2.0, 0.0]], [[0, 0.5], [0.5, 0]]),
    (fnp.max, [1.0, np.nan, 2.0, np.nan], [0, 0.5, 0, 0.5]),
    (fnp.min, [1.0, np.nan, 0.0], [0, 1, 0]),
    (fnp.max, [np.inf, np.nan, -np.inf], [0.5, 0.5, 0]),  # a NaN extremum counts as +inf for max
    (fnp.min, [np.inf, np.nan, -np.inf], [0, 0.5, 0.5]),
    (fnp.max, [-np.inf, -np.inf], [0.5, 0.5]),
    (fnp.max, [7.0], [1.0]),
])
def test_extremum_gradient_is_shared_by_the_positions_attaining_it(f, x, expected):
    np.testing.assert_allclose(np.asarray(fx.grad(f)(_arr(x))), expected, rtol=1e-15)


def test_extremum_gradient_at_ties_matches_jax():
    x = np.array([[1.0, 3.0, 3.0], [2.0, 2.0, 0.5]])
    for axis in (None, 1, -1, (0, 1)):
        assert_derivatives_match_jax(lambda x: fnp.max(x, axis=axis) * 2.0, lambda x: jnp.max(x, axis=axis) * 2.0,
                                     [x], second_order=False)
        assert_derivatives_match_jax(lambda x: fnp.min(x, axis=axis), lambda x: jnp.min(x, axis=axis), [x],
                                     second_order=False)


@pytest.mark.parametrize("f", [fnp.max, fnp.min])
def test_a_nan_cotangent_of_an_extremum_reaches_only_the_positions_attaining_it_eager_and_under_jit(f):
    # NaN * 0 gave NaN at every position eagerly, while XLA makes that product a select (0 there)
    x = _arr([1.0, np.nan, 3.0, 2.0])
    g = fx.grad(lambda x: fnp.sin(f(x)))
    expected = [0.0, np.nan, 0.0, 0.0]
    np.testing.assert_array_equal(np.asarray(g(x)), expected)
    np.testing.assert_array_equal(np.asarray(fx.jit(g)(x)), expected)


def test_extremum_over_an_empty_axis_has_a_zero_tangent():
    x = fnp.zeros((0, 2), dtype=fnp.float64)
    value, tangent = fx.jvp(lambda x: R.reduce_max(x, (0,)), (x,), (x,))
    np.testing.assert_array_equal(np.asarray(value), [-np.inf, -np.inf])
    np.testing.assert_array_equal(np.asarray(tangent), [0.0, 0.0])


@pytest.mark.parametrize("name,reverse,x", [
    ("cummax", False, [1.0, 3.0, 3.0, 2.0, 3.0, 4.0]), ("cummax", True, [1.0, 3.0, 3.0, 2.0, 3.0, 0.0]),
    ("cummin", False, [2.0, 1.0, 1.0, 3.0]), ("cummin", True, [2.0, 1.0, 1.0, 3.0]),
    ("cummax", False, [-np.inf, -np.inf, 0.0]), ("cummax", False, [0.0] * 7), ("cummin", True, [0.0] * 5),
])
def test_running_extremum_splits_the_tangent_at_ties_as_jax(name, reverse, x):
    expected = jax.jacfwd(lambda x: getattr(lax, name)(x, 0, reverse=reverse))(np.asarray(x))
    op = lambda x: getattr(R, name)(x, 0, reverse=reverse)  # noqa: E731
    np.testing.assert_array_equal(_jacobian(op, x), expected)
    np.testing.assert_array_equal(np.asarray(fx.jit(fx.jacfwd(op))(_arr(x))), expected)


def test_running_extremum_after_a_nan_takes_the_tangent_of_its_first_nan():
    np.testing.assert_array_equal(_jacobian(lambda x: R.cummax(x, 0), [1.0, np.nan, 3.0, np.nan]), np.eye(4)[[0, 1, 1, 1]])


# cumlogsumexp: softmax weights without overflow ------------------------------------------------
def _prefix_softmax(x):
    """J[i, j] = exp(x_j - logsumexp(x_0..x_i)) for j <= i, computed in the long double oracle."""
    x = np.asarray(x, np.longdouble)
    n = len(x)
    out = np.zeros((n, n))
    for i in range(n):
        m = np.max(x[: i + 1])
        w = np.exp(x[: i + 1] - m)
        out[i, : i + 1] = w / w.sum()
    return out


@pytest.mark.parametrize("x", [[-1000.0, 0.0, 1000.0, 3.0], [0.0, 0.0, 0.0], [700.0, -700.0, 710.0], [2.0]])
def test_cumlogsumexp_jacobian_is_the_prefix_softmax(x):
    np.testing.assert_allclose(_jacobian(lambda x: R.cumlogsumexp(x, 0), x), _prefix_softmax(x), rtol=1e-14,
                               atol=1e-300)
    check_grads(lambda x: R.cumlogsumexp(x, 0), (_arr(x),), order=2)


def test_cumlogsumexp_with_minus_infinity_has_finite_derivatives():
    x = [-np.inf, -np.inf, 0.0, -np.inf, 1.0]
    jac = _jacobian(lambda x: R.cumlogsumexp(x, 0), x)
    # an all -inf prefix shares its tangent equally; after it, -inf entries weigh nothing
    np.testing.assert_allclose(jac[2:, 2:], _prefix_softmax(x[2:]), rtol=1e-14)
    np.testing.assert_allclose(jac[:2, :2], [[1.0, 0.0], [0.5, 0.5]])
    np.testing.assert_array_equal(jac[2:, :2], 0.0)
    hessian = np.asarray(fx.hessian(lambda x: R.cumlogsumexp(x, 0)[-1])(_arr(x)))
    assert np.isfinite(hessian).all()
    p = _prefix_softmax([0.0, 1.0])[-1]
    np.testing.assert_allclose(hessian[np.ix_([2, 4], [2, 4])], np.diag(p) - np.outer(p, p), rtol=1e-14)


def test_cumlogsumexp_float32_over_a_wide_range_does_not_overflow():
    x = fnp.asarray(np.array([-100.0, 0.0, 100.0, 99.0], np.float32))
    jac = np.asarray(fx.jacrev(lambda x: R.cumlogsumexp(x, 0))(x))
    assert jac.dtype == np.float32 and np.isfinite(jac).all()
    np.testing.assert_allclose(jac, _prefix_softmax([-100.0, 0.0, 100.0, 99.0]), rtol=1e-6, atol=1e-30)


def test_long_running_reductions_match_closed_forms():
    # 257 elements: nine rounds of the parallel scan, with odd lengths on the way
    rng = np.random.default_rng(3)
    x, w = rng.uniform(0.5, 1.5, 257), rng.standard_normal(257)
    upper = np.triu(np.ones((257, 257)))  # [k, i]: i >= k
    y = np.cumprod(x)
    lse = np.logaddexp.accumulate(x)
    arg = np.array([np.argmax(x[: i + 1]) for i in range(257)])
    expected = {
        R.cumprod: upper @ (w * y) / x,
        R.cumlogsumexp: (upper * np.exp(x[:, None] - lse[None, :])) @ w,
        R.cummax: np.bincount(arg, weights=w, minlength=257),
    }
    for op, g in expected.items():
        np.testing.assert_allclose(np.asarray(fx.grad(lambda x: fnp.sum(op(x, 0) * w))(_arr(x))), g, rtol=1e-11)
        check_grads(lambda x: op(x, 0), (_arr(x),), order=1)


# results that are not differentiable ------------------------------------------------------------
@pytest.mark.parametrize("prim,make,params", [
    (R.argmax_p, lambda x: x, dict(axis=1, index_dtype=dtypes.int32)),
    (R.argmin_p, lambda x: x, dict(axis=0, index_dtype=dtypes.int64)),
    (R.reduce_and_p, lambda x: fnp.asarray(np.asarray(x) > 0), dict(axes=(0,))),
    (R.reduce_or_p, lambda x: fnp.asarray(np.asarray(x) > 0), dict(axes=(0, 1))),
    (R.reduce_xor_p, lambda x: fnp.asarray((np.asarray(x) * 10).astype(np.int32)), dict(axes=(1,))),
])
def test_non_differentiable_results_get_zero_tangents(prim, make, params):
    x = make(rand((3, 4)))
    out, tangent = jvp_rules[prim]((x,), (fnp.ones_like(x),), **params)
    assert isinstance(tangent, Zero) and tangent.aval.shape == out.shape


def test_programs_using_argmax_and_logical_reductions_differentiate():
    def f(x):
        best = fnp.argmax(x, axis=1)
        picked = fnp.take_along_axis(x, best[:, None], axis=1)[:, 0]
        gate = fnp.all(x > -10.0) & fnp.any(x > 0.0)
        return fnp.sum(picked * fnp.argmin(x, axis=1)) * gate + fnp.sum(fnp.nanargmax(x, axis=0) * x[0])

    x = rand((3, 4))
    g = np.asarray(fx.grad(f)(fnp.asarray(x)))
    expected = np.zeros_like(x)
    expected[np.arange(3), x.argmax(1)] = x.argmin(1)
    expected[0] += x.argmax(0)
    np.testing.assert_allclose(g, expected)
    for arg in (fnp.argmax, fnp.argmin, fnp.nanargmin):
        _, tangent = fx.jvp(lambda x: arg(x, axis=0), (fnp.asarray(x),), (fnp.asarray(x),))
        np.testing.assert_array_equal(np.asarray(tangent), 0)
        np.testing.assert_array_equal(np.asarray(fx.grad(lambda x: fnp.sum(arg(x) * 1.0))(fnp.asarray(x))), 0)


# the functions users call ---------------------------------------------------------------------
# (name, program(m, sp, *xs) written once for fluxion.numpy / jax.numpy and their special functions,
# input shapes, optional special inputs)
NUMPY = [
    ("sum", lambda m, sp, x: m.sum(x * m.sin(x)), [(2, 3)]),
    ("sum_axis_keepdims", lambda m, sp, x: m.sum(x, axis=-1, keepdims=True) * x, [(2, 3)]),
    ("sum_axes", lambda m, sp, x: m.sum(x, axis=(0, -1)) ** 2, [(2, 3, 2)]),
    ("sum_0d", lambda m, sp, x: m.sum(x) * x, [()]),
    ("mean", lambda m, sp, x: m.mean(x * x, axis=(1, 2), keepdims=True) * x, [(2, 2, 3)]),
    ("mean_0d", lambda m, sp, x: m.mean(m.exp(x)), [()]),
    ("prod", lambda m, sp, x: m.prod(x, axis=0), [(3, 4)]),
    ("prod_axes_keepdims", lambda m, sp, x: m.prod(x, axis=(-1, 0), keepdims=True), [(2, 3, 2)]),
    ("prod_0d", lambda m, sp, x: m.prod(x * x), [()]),
    ("max", lambda m, sp, x: m.max(m.sin(x) * x, axis=1), [(3, 4)]),
    ("amax_keepdims", lambda m, sp, x: m.amax(x * x, axis=(0, 2), keepdims=True) * x, [(2, 3, 2)]),
    ("min_negative_axis", lambda m, sp, x: m.min(m.cos(x), axis=-2), [(3, 4)]),
    ("amin_0d", lambda m, sp, x: m.amin(x * x), [()]),
    ("ptp", lambda m, sp, x: m.ptp(x * m.sin(x), axis=1), [(3, 4)]),
    ("var", lambda m, sp, x: m.var(x * x, axis=0, ddof=1), [(4, 3)]),
    ("var_axes", lambda m, sp, x: m.var(m.sin(x), axis=(0, -1), keepdims=True), [(2, 3, 2)]),
    ("std", lambda m, sp, x: m.std(x * x, axis=-1), [(3, 4)]),
    ("std_all", lambda m, sp, x: m.std(x), [(3, 4)]),
    ("cumsum", lambda m, sp, x: m.cumsum(x) * m.cumsum(m.sin(x), axis=-1).ravel(), [(2, 3)]),
    ("cumprod", lambda m, sp, x: m.cumprod(x, axis=-1), [(2, 5)]),
    ("cumprod_flat", lambda m, sp, x: m.cumprod(x), [(2, 3)]),
    ("cumulative_sum", lambda m, sp, x: m.cumulative_sum(x * x, axis=1, include_initial=True), [(2, 3)]),
    ("cumulative_prod", lambda m, sp, x: m.cumulative_prod(x, axis=0), [(4, 2)]),
    ("cumsum_0d", lambda m, sp, x: m.cumsum(x * x), [()]),
    ("nancumsum", lambda m, sp, x: m.nancumsum(x * x, axis=0), [(3, 2)]),
    # jax.numpy has no logsumexp: jax's oracle is jax.scipy.special.logsumexp
    ("numpy_logsumexp", lambda m, sp, x: getattr(m, "logsumexp", sp.logsumexp)(x * x, axis=-2, keepdims=True),
     [(3, 2)]),
    ("numpy_logsumexp_0d", lambda m, sp, x: getattr(m, "logsumexp", sp.logsumexp)(m.sin(x)), [()]),
    ("logsumexp", lambda m, sp, x: m.logaddexp(sp.logsumexp(x * x, axis=1), 0.0), [(3, 4)]),
    ("logsumexp_keepdims", lambda m, sp, x: sp.logsumexp(m.sin(x), axis=(0, 2), keepdims=True), [(2, 3, 2)]),
    ("logsumexp_weights", lambda m, sp, x, b: sp.logsumexp(x, axis=-1, b=b * b), [(2, 3), (3,)]),
    ("logsumexp_0d", lambda m, sp, x: sp.logsumexp(x * x), [()]),
    ("softmax", lambda m, sp, x: sp.softmax(x * x, axis=-1), [(2, 4)]),
    ("softmax_all", lambda m, sp, x: sp.softmax(m.sin(x)), [(2, 3)]),
    ("log_softmax", lambda m, sp, x: sp.log_softmax(x * x, axis=0), [(3, 2)]),
    ("average", lambda m, sp, x, w: m.average(x * x, axis=1, weights=w * w + 1.0), [(2, 3), (3,)]),
    ("average_full_weights", lambda m, sp, x, w: m.average(m.sin(x), weights=w * w + 1.0), [(2, 3), (2, 3)]),
    ("norm_composition", lambda m, sp, x: m.sqrt(m.sum(x ** 2, axis=-1, keepdims=True)) * x, [(2, 3)]),
    ("norm_composition_all", lambda m, sp, x: m.sqrt(m.sum(x ** 2)), [(2, 3)]),
    ("linalg_norm", lambda m, sp, x: m.linalg.norm(x, axis=1), [(3, 4)]),
]
NUMPY_IDS = [c[0] for c in NUMPY]


def _fluxion(program):
    return lambda *xs: program(fnp, fsp, *xs)


def _jax(program):
    return lambda *xs: program(jnp, jsp, *xs)


@pytest.mark.parametrize("name,program,shapes", NUMPY, ids=NUMPY_IDS)
def test_numpy_second_derivatives_match_finite_differences(name, program, shapes):
    check_grads(_fluxion(program), [fnp.asarray(x) for x in inputs(shapes)], order=2)


@pytest.mark.parametrize("name,program,shapes", NUMPY, ids=NUMPY_IDS)
def test_numpy_derivatives_match_jax(name, program, shapes):
    assert_derivatives_match_jax(_fluxion(program), _jax(program), inputs(shapes))


@pytest.mark.parametrize("name", ["sum_axes", "prod", "amax_keepdims", "var", "cumprod", "logsumexp", "softmax"])
def test_numpy_float32_derivatives(name):
    _, program, shapes = NUMPY[NUMPY_IDS.index(name)]
    check_grads(_fluxion(program), [fnp.asarray(x) for x in inputs(shapes, np.float32)], order=2)


SPECIAL_INPUTS = [
    ("prod_zeros", lambda m, x: m.prod(x, axis=1), [[0.0, 2.0, 3.0], [1.0, 0.0, 0.0]]),
    ("prod_zeros_all", lambda m, x: m.prod(x * 2.0), [[0.0, 2.0], [-1.0, 3.0]]),
    ("cumprod_zeros", lambda m, x: m.cumprod(x, axis=1), [[0.0, 2.0, 3.0], [1.5, 0.0, 4.0]]),
    ("mean_of_max_ties", lambda m, x: m.mean(m.max(x, axis=0)), [[1.0, 2.0], [1.0, 2.0], [0.0, 2.0]]),
    ("min_ties_keepdims", lambda m, x: m.min(x, axis=-1, keepdims=True) * x, [[1.0, 1.0, 2.0]]),
    ("nansum", lambda m, x: m.nansum(x * x, axis=0), [[1.0, np.nan], [2.0, 3.0]]),
    ("nanmean", lambda m, x: m.nanmean(m.sin(x), axis=1), [[1.0, np.nan, 0.5], [2.0, 3.0, -1.0]]),
    ("nanmax", lambda m, x: m.nanmax(x * x, axis=1), [[1.0, np.nan, 0.5], [2.0, 3.0, -1.0]]),
    ("nanvar", lambda m, x: m.nanvar(m.sin(x), axis=1, ddof=1), [[1.0, np.nan, 0.5], [2.0, 3.0, -1.0]]),
    ("nanstd_all", lambda m, x: m.nanstd(x * x), [[1.0, np.nan, 0.5], [2.0, 3.0, -1.0]]),
    ("logsumexp_minus_inf", lambda m, x: m.sum(jsp.logsumexp(x, axis=1) if m is jnp else fsp.logsumexp(x, axis=1)),
     [[-np.inf, 0.0, 1.0], [2.0, -np.inf, -1.0]]),
    ("softmax_minus_inf", lambda m, x: (jsp if m is jnp else fsp).softmax(x, axis=-1) * x[..., :1],
     [[-np.inf, 0.0, 1.0]]),
]


@pytest.mark.parametrize("name,program,x", SPECIAL_INPUTS, ids=[c[0] for c in SPECIAL_INPUTS])
def test_numpy_derivatives_at_special_inputs_match_jax(name, program, x):
    x = np.asarray(x)
    assert_derivatives_match_jax(lambda x: program(fnp, x), lambda x: program(jnp, x), [x],
                                 second_order=not np.isinf(x).any())


def test_var_gradient_ignores_values_that_where_leaves_out():
    # d var / d x_i = 2 (x_i - mean) / (n - ddof) over the kept values, 0 elsewhere, even when
    # a left-out value is inf or NaN
    x = np.array([1.0, np.inf, 2.0, np.nan, -0.5])
    keep = np.isfinite(x)
    g = fx.grad(lambda x: fnp.var(x, where=keep, ddof=1))(_arr(x))
    k = x[keep]
    np.testing.assert_allclose(np.asarray(g)[keep], 2 * (k - k.mean()) / (k.size - 1), rtol=1e-12)
    np.testing.assert_array_equal(np.asarray(g)[~keep], 0.0)


@given(st.data())
def test_reductions_over_any_axes_match_jax(data):
    ndim = data.draw(st.integers(0, 3))
    shape = tuple(data.draw(st.lists(st.integers(1, 3), min_size=ndim, max_size=ndim)))
    axes = data.draw(st.lists(st.integers(-ndim, ndim - 1), unique_by=lambda a: a % ndim, max_size=ndim)
                     if ndim else st.just([]))
    axis = data.draw(st.sampled_from([None, tuple(axes)] + ([axes[0]] if axes else [])))
    keepdims = data.draw(st.booleans())
    name = data.draw(st.sampled_from(["sum", "prod", "max", "min", "mean", "var", "std"]))
    x = rand(shape, seed=data.draw(st.integers(0, 99)))
    program = lambda m, x: getattr(m, name)(m.sin(x) + x * x, axis=axis, keepdims=keepdims)  # noqa: E731
    reduced = [a % ndim for a in ([axis] if isinstance(axis, int) else axis)] if axis is not None else range(ndim)
    if name == "std" and math.prod(shape[a] for a in reduced) == 1:
        # each group is one element, of variance 0: the derivative is 0 there (jax gives NaN)
        np.testing.assert_array_equal(np.asarray(fx.grad(lambda x: fnp.sum(program(fnp, x)))(x)), 0.0)
        return
    assert_derivatives_match_jax(lambda x: program(fnp, x), lambda x: program(jnp, x), [x], rtol=1e-9,
                                 second_order=False)


@pytest.mark.parametrize("axis", [0, 2, (0, 2), (1, 2), None])
def test_extremum_derivatives_at_ties_match_jax_to_second_order_under_jit_and_vmap(axis):
    x = np.round(rand((3, 4, 2), seed=5) * 2) / 2  # halves: many ties in every slice
    assert_derivatives_match_jax(lambda x: fnp.max(x, axis=axis) * fnp.min(x, axis=axis),
                                 lambda x: jnp.max(x, axis=axis) * jnp.min(x, axis=axis), [x])
    g = fx.grad(lambda x: fnp.sum(fnp.sin(fnp.max(x, axis=axis))))
    expected = jax.grad(lambda x: jnp.sum(jnp.sin(jnp.max(x, axis=axis))))(x)
    np.testing.assert_allclose(np.asarray(fx.jit(g)(_arr(x))), expected, rtol=1e-15)
    np.testing.assert_allclose(np.asarray(fx.vmap(g)(_arr(np.stack([x, -x])))),
                               [expected, jax.grad(lambda x: jnp.sum(jnp.sin(jnp.max(x, axis=axis))))(-x)], rtol=1e-15)
