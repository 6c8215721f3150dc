"""Derivatives of the sort primitives, checked on `sort` and `top_k` and through the
fluxion.numpy functions built on sorting (sort, argsort, partition, median, quantile...).

Oracles: central differences and the dot-product test (check_grads, to second order), jax's
first and second derivatives of the same program, and the permutation itself: a sorted
output's tangent is the input tangent at the element the output holds.
"""

import numpy as np
import pytest
from hypothesis import given, strategies as st

import fluxion as fx
import fluxion.numpy as fnp
from fluxion.core import dtypes
from fluxion.core.primitive import jvp_rules
from fluxion.ops import sort as T
from fluxion.ops._ad import Zero
from fluxion.test_util import check_grads

from _arrays import inputs, rand
from _jax_oracle import assert_derivatives_match_jax, jax_x64

jax = jax_x64()
jnp, lax = jax.numpy, jax.lax


def _arr(values, dtype=np.float64):
    return fnp.asarray(np.asarray(values, dtype))


# the primitives, each with the same computation in jax (m: fluxion.ops.sort or jax.lax) -------
def _sort(o, operands, dimension=-1, num_keys=1):
    return o.sort(operands, dimension=dimension, num_keys=num_keys) if o is lax else \
        o.sort(operands, dimension, num_keys=num_keys)


PRIMITIVES = [
    ("sort", lambda o, m, x: _sort(o, m.sin(x) * x, 0), [(4, 3)]),
    ("sort_last", lambda o, m, x: _sort(o, x * x, -1), [(2, 5)]),
    ("sort_1d", lambda o, m, x: _sort(o, x) * x, [(6,)]),
    ("sort_values_by_keys", lambda o, m, k, v: m.stack(_sort(o, (k, v * v), 1)), [(2, 4), (2, 4)]),
    ("sort_two_keys", lambda o, m, k, v: m.stack(_sort(o, (m.round(k), v, m.sin(v)), 0, num_keys=2)),
     [(5, 2), (5, 2)]),
    ("sort_by_integer_keys", lambda o, m, k, v: _sort(o, ((k * 10).astype(m.int32), m.exp(v)), 1)[1],
     [(2, 4), (2, 4)]),
    ("top_k", lambda o, m, x: o.top_k(m.sin(x) * x, 2)[0], [(3, 5)]),
    ("top_k_all", lambda o, m, x: o.top_k(x, 4)[0] * x, [(4,)]),
]
IDS = [c[0] for c in PRIMITIVES]


def _fluxion(program):
    return lambda *xs: program(T, fnp, *xs)


def _jax(program):
    return lambda *xs: program(lax, jnp, *xs)


@pytest.mark.parametrize("name,program,shapes", PRIMITIVES, ids=IDS)
def test_primitive_second_derivatives_match_finite_differences(name, program, shapes):
    check_grads(_fluxion(program), [fnp.asarray(x) for x in inputs(shapes)], order=2)


@pytest.mark.parametrize("name,program,shapes", PRIMITIVES, ids=IDS)
def test_primitive_derivatives_match_jax(name, program, shapes):
    assert_derivatives_match_jax(_fluxion(program), _jax(program), inputs(shapes))


@pytest.mark.parametrize("name", ["sort", "sort_values_by_keys", "top_k"])
def test_float32_derivatives(name):
    _, program, shapes = PRIMITIVES[IDS.index(name)]
    xs = [fnp.asarray(x) for x in inputs(shapes, np.float32)]
    check_grads(_fluxion(program), xs, order=2)
    out, pullback = fx.vjp(_fluxion(program), *xs)
    assert all(g.dtype == dtypes.float32 for g in pullback(fnp.ones(out.shape, dtype=fnp.float32)))


def test_sorted_tangent_is_the_input_tangent_moved_with_its_element():
    x = np.array([[3.0, np.nan, 1.0, 3.0, -np.inf], [0.0, -0.0, 2.0, 0.0, 1.0]])
    t = rand(x.shape, seed=5)
    for dimension in (0, 1):
        perm = np.argsort(x, axis=dimension, kind="stable")
        _, tangent = fx.jvp(lambda x: T.sort(x, dimension), (fnp.asarray(x),), (fnp.asarray(t),))
        np.testing.assert_array_equal(np.asarray(tangent), np.take_along_axis(t, perm, axis=dimension))
    jac = np.asarray(fx.jacrev(lambda x: T.sort(x, 0))(_arr([2.0, 1.0, 2.0, 1.0])))
    np.testing.assert_array_equal(jac, np.eye(4)[[1, 3, 0, 2]])  # ties keep their order (stable)


def test_sort_gives_zero_tangents_to_integer_operands_and_moves_the_others():
    keys = fnp.asarray(np.array([[2, 0, 1]], np.int32))
    values = rand((1, 3))
    rule_out, tangents = jvp_rules[T.sort_p]((keys, fnp.asarray(values)), (Zero(keys.aval), _arr([[1.0, 2.0, 3.0]])),
                                             dimension=1, is_stable=True, num_keys=1)
    assert len(rule_out) == 2 and isinstance(tangents[0], Zero)
    np.testing.assert_array_equal(np.asarray(rule_out[1]), values[:, [1, 2, 0]])
    np.testing.assert_array_equal(np.asarray(tangents[1]), [[2.0, 3.0, 1.0]])


def test_top_k_tangent_is_gathered_at_the_indices_and_ties_go_to_the_lower_index():
    x = _arr([[1.0, 4.0, 2.0, 4.0], [0.0, -1.0, 5.0, 3.0]])
    t = _arr([[10.0, 20.0, 30.0, 40.0], [1.0, 2.0, 3.0, 4.0]])
    (_, indices), (tangent, index_tangent) = fx.jvp(lambda x: T.top_k(x, 3), (x,), (t,))
    np.testing.assert_array_equal(np.asarray(indices), [[1, 3, 2], [2, 3, 0]])
    np.testing.assert_array_equal(np.asarray(tangent), [[20.0, 40.0, 30.0], [3.0, 4.0, 1.0]])
    np.testing.assert_array_equal(np.asarray(index_tangent), 0)
    assert index_tangent.dtype == dtypes.int32


def test_empty_sorts_and_top_k_differentiate():
    empty = fnp.zeros((2, 0), dtype=fnp.float64)
    assert fx.grad(lambda x: fnp.sum(T.sort(x, 1)))(empty).shape == (2, 0)
    g = fx.grad(lambda x: fnp.sum(T.top_k(x, 0)[0]))(_arr([1.0, 2.0]))
    np.testing.assert_array_equal(np.asarray(g), [0.0, 0.0])


@pytest.mark.parametrize("axis", [0, 1])
def test_sorts_of_arrays_empty_off_the_sorted_axis_differentiate(axis):
    empty = fnp.zeros((2, 0), dtype=fnp.float64)
    _, tangent = fx.jvp(lambda x: fnp.sort(x, axis=axis), [empty], [empty])
    assert tangent.shape == (2, 0)
    assert fx.jit(fx.grad(lambda x: fnp.sum(fnp.sort(x, axis=axis))))(empty).shape == (2, 0)


def test_solve_with_no_right_hand_sides_differentiates():
    a, b = np.array([[2.0, 1.0], [0.5, 3.0]]), np.zeros((2, 0))
    ga = fx.grad(lambda a, b: fnp.sum(fnp.linalg.solve(a, b)) + fnp.sum(a), argnums=(0, 1))(_arr(a), _arr(b))
    np.testing.assert_array_equal(np.asarray(ga[0]), np.ones((2, 2)))  # only the sum of a depends on a
    assert ga[1].shape == np.linalg.solve(a, b).shape


# the functions users call ---------------------------------------------------------------------
NUMPY = [
    ("sort", lambda m, x: m.sort(x * m.sin(x), axis=0), [(4, 3)]),
    ("sort_flat", lambda m, x: m.sort(x, axis=None) * m.ravel(x), [(2, 3)]),
    ("sort_descending", lambda m, x: m.sort(x * x, axis=-1, descending=True), [(2, 4)]),
    ("argsort_gather", lambda m, x: m.take_along_axis(m.sin(x), m.argsort(x, axis=1), axis=1) * x, [(3, 4)]),
    ("argsort_index", lambda m, x: m.cumsum(x[m.argsort(-x * x)]), [(5,)]),
    ("lexsort_gather", lambda m, x: x[:, m.lexsort((x[0], m.round(x[1])))] * x[:, :1], [(2, 5)]),
    ("partition", lambda m, x: m.partition(x * x, 2, axis=1)[:, 2], [(3, 5)]),
    ("median", lambda m, x: m.median(x * x, axis=1), [(3, 4)]),
    ("median_odd_all", lambda m, x: m.median(m.sin(x)), [(3, 3)]),
    ("median_axes_keepdims", lambda m, x: m.median(x, axis=(0, -1), keepdims=True) * x, [(2, 3, 2)]),
    ("quantile", lambda m, x: m.quantile(x * x, 0.3, axis=0), [(5, 2)]),
    ("quantile_vector", lambda m, x: m.quantile(m.sin(x), m.asarray([0.1, 0.5, 0.9], dtype=m.float64), axis=-1),
     [(2, 6)]),
    ("quantile_lower", lambda m, x: m.quantile(x, 0.4, axis=1, method="lower") * x[:, 0], [(3, 4)]),
    ("quantile_higher", lambda m, x: m.quantile(x * x, 0.4, method="higher"), [(3, 4)]),
    ("quantile_nearest", lambda m, x: m.quantile(x, 0.7, axis=0, method="nearest", keepdims=True), [(5, 2)]),
    ("quantile_midpoint", lambda m, x: m.quantile(x * x, 0.25, axis=1, method="midpoint"), [(2, 5)]),
    ("percentile", lambda m, x: m.percentile(m.exp(x), 75.0, axis=0), [(4, 3)]),
]
NUMPY_IDS = [c[0] for c in NUMPY]


@pytest.mark.parametrize("name,program,shapes", NUMPY, ids=NUMPY_IDS)
def test_numpy_second_derivatives_match_finite_differences(name, program, shapes):
    check_grads(lambda *xs: program(fnp, *xs), [fnp.asarray(x) for x in inputs(shapes)], order=2)


@pytest.mark.parametrize("name,program,shapes", NUMPY, ids=NUMPY_IDS)
def test_numpy_derivatives_match_jax(name, program, shapes):
    assert_derivatives_match_jax(lambda *xs: program(fnp, *xs), lambda *xs: program(jnp, *xs), inputs(shapes))


@pytest.mark.parametrize("program", [
    lambda m, x: m.nanmedian(x * x, axis=1),
    lambda m, x: m.nanquantile(m.sin(x), 0.3, axis=0),
    lambda m, x: m.nanpercentile(x, 60.0, axis=1, keepdims=True) * x,
    lambda m, x: m.sort(x, axis=1) * m.median(x, axis=1, keepdims=True),
])
def test_nan_ignoring_order_statistics_match_jax(program):
    x = rand((3, 5))
    x[0, 1] = x[2, 4] = x[2, 0] = np.nan
    assert_derivatives_match_jax(lambda x: program(fnp, x), lambda x: program(jnp, x), [x])


def test_median_at_ties_matches_jax():
    x = np.array([[1.0, 2.0, 2.0, 2.0, 0.5], [3.0, 3.0, 1.0, 1.0, 2.0]])
    for program in (lambda m, x: m.median(x, axis=1), lambda m, x: m.quantile(x, 0.6, axis=1)):
        assert_derivatives_match_jax(lambda x: program(fnp, x), lambda x: program(jnp, x), [x])


def test_index_results_have_zero_derivatives():
    x = fnp.asarray(rand((2, 4)))
    for f in (lambda x: fnp.argsort(x, axis=1), lambda x: fnp.argpartition(x, 1, axis=1),
              lambda x: fnp.lexsort((x[0], x[1])), lambda x: fnp.searchsorted(fnp.sort(x[0]), x[1])):
        _, tangent = fx.jvp(f, (x,), (fnp.ones_like(x),))
        np.testing.assert_array_equal(np.asarray(tangent), 0)
    # the integer result is a constant of the derivative: d/dx sum(x * argsort(x)) = argsort(x)
    g = fx.grad(lambda x: fnp.sum(x * fnp.argsort(x, axis=1)))(x)
    np.testing.assert_array_equal(np.asarray(g), np.argsort(np.asarray(x), axis=1))


@given(st.data())
def test_sorting_along_any_axis_matches_jax(data):
    ndim = data.draw(st.integers(1, 3))
    shape = tuple(data.draw(st.lists(st.integers(1, 3), min_size=ndim, max_size=ndim)))
    axis = data.draw(st.integers(-ndim, ndim - 1))
    descending = data.draw(st.booleans())
    # repeated values make ties, which every derivative must break as the stable sort does
    x = np.round(rand(shape, seed=data.draw(st.integers(0, 99))), data.draw(st.sampled_from([0, 1, 6])))
    # fluxion's descending sort is stable, as the array API asks; jax's reverses equal elements,
    # so the stable jax program is -sort(-x)
    jax_sort = (lambda x: -jnp.sort(-x, axis=axis)) if descending else (lambda x: jnp.sort(x, axis=axis))
    assert_derivatives_match_jax(lambda x: fnp.sort(x, axis=axis, descending=descending) * fnp.cumsum(x, axis=axis),
                                 lambda x: jax_sort(x) * jnp.cumsum(x, axis=axis), [x], second_order=False)


def test_sort_by_known_keys_is_linear_in_the_other_operands_and_transposes_to_the_inverse_move():
    from fluxion.transforms._linear_transpose import linear_transpose
    keys = np.array([[3.0, 1.0, 2.0, 1.0], [0.0, 0.0, -1.0, 5.0]])  # ties: the stable order decides
    perm = np.argsort(keys, axis=1, kind="stable")
    move = lambda v: fx.lax.sort((_arr(keys), v), dimension=1, num_keys=1)[1]  # noqa: E731
    ct = rand((2, 4), seed=3)
    want = np.zeros_like(ct)
    np.put_along_axis(want, perm, ct, axis=1)  # ct's element k goes back to where it came from
    (got,) = linear_transpose(move, _arr(np.zeros((2, 4))))(_arr(ct))
    np.testing.assert_array_equal(np.asarray(got), want)
    A = np.array([[2.0, 1.0, 0.5], [1.0, 3.0, 0.0], [4.0, 0.0, 1.0]])  # pivoting moves rows
    (got,) = linear_transpose(lambda t: fnp.linalg.solve(_arr(A), t), _arr(np.zeros(3)))(_arr([1.0, 0.0, 2.0]))
    np.testing.assert_allclose(np.asarray(got), np.linalg.solve(A.T, [1.0, 0.0, 2.0]), rtol=1e-12)


def test_a_custom_rule_that_solves_with_the_tangent_differentiates_in_reverse_mode_as_jax():
    A = np.array([[2.0, 1.0, 0.5], [1.0, 3.0, 0.0], [4.0, 0.0, 1.0]])
    results = []
    for lib, xnp in ((fx, fnp), (jax, jnp)):
        f = lib.custom_jvp(lambda x: x)
        f.defjvp(lambda p, t, xnp=xnp: (p[0], xnp.linalg.solve(A, t[0])))
        loss = lambda x, f=f: (f(x) * xnp.arange(1.0, 4.0)).sum()  # noqa: E731
        results.append([np.asarray(lib.grad(loss)(np.ones(3))), np.asarray(lib.jit(lib.grad(loss))(np.ones(3)))])
    np.testing.assert_allclose(results[0], results[1], rtol=1e-12)
