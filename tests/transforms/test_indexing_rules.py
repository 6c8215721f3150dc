"""Derivatives of the indexing primitives, checked through indexing, take, take_along_axis,
where and the functional updates `x.at[idx].set/add/mul/min/max`.

Oracles: central differences and the dot-product test (check_grads, to second order), jax's
derivatives of the same program written with jax.numpy, the dense Jacobian of each linear
primitive, and closed forms for repeated indices, zeros and ties.
"""

import numpy as np
import pytest

import fluxion as fx
import fluxion.numpy as fnp
from fluxion.core import dtypes
from fluxion.core.primitive import jvp_rules
from fluxion.ops import indexing as I
from fluxion.ops._ad import Zero
from fluxion.test_util import check_grads

from _arrays import inputs, rand
from _jax_oracle import assert_derivatives_match_jax, check_float32_derivatives, jax_x64, twice
from _transpose_check import check_transpose

jax = jax_x64()
jnp, lax = jax.numpy, jax.lax


DUP = np.array([2, 0, 2, 1, 2])   # repeated indices
ROWS = np.array([[0, 2], [2, 1]])
MASK = np.array([[True, False, True, True], [False, False, True, False], [True, True, False, False]])
ORDER = np.argsort(rand((3, 4), seed=5), axis=1)


def _gdn(offset, collapsed, start, obatch=(), ibatch=()):
    def build(o):
        return o.GatherDimensionNumbers(offset_dims=offset, collapsed_slice_dims=collapsed, start_index_map=start,
                                        operand_batching_dims=obatch, start_indices_batching_dims=ibatch)
    return build


def _sdn(window, inserted, start, obatch=(), ibatch=()):
    def build(o):
        return o.ScatterDimensionNumbers(update_window_dims=window, inserted_window_dims=inserted,
                                         scatter_dims_to_operand_dims=start, operand_batching_dims=obatch,
                                         scatter_indices_batching_dims=ibatch)
    return build


ROWS_GATHER = _gdn((1,), (0,), (0,))
WINDOW_GATHER = _gdn((1, 2), (), (0, 1))
BATCHED_GATHER = _gdn((2,), (1,), (1,), (0,), (0,))
ROWS_SCATTER = _sdn((1,), (0,), (0,))
OVERLAP_SCATTER = _sdn((1,), (), (0,))  # windows of 2 along a 1-d operand: neighbours overlap
ROW_IDX = np.array([[2], [0], [2], [5]])  # with an out-of-bounds row
WIN_IDX = np.array([[1, 2], [4, 0], [1, 2], [-1, 3]])
BATCH_IDX = np.array([[[3], [0], [3]], [[1], [1], [2]]])
OVERLAP_IDX = np.array([[0], [1], [1], [3]])

# (name, program of namespace m (fluxion.numpy / jax.numpy) and ops o (fluxion.ops.indexing /
# jax.lax), input shapes, whether jax differentiates it the same way)
CASES = [
    ("int", twice(lambda m, o, x: x[1]), [(3, 4)], True),
    ("slices", twice(lambda m, o, x: x[1:, ::-2]), [(3, 4)], True),
    ("newaxis_ellipsis", twice(lambda m, o, x: x[None, ..., -1]), [(2, 3, 4)], True),
    ("array", twice(lambda m, o, x: x[DUP]), [(3, 4)], True),
    ("arrays_broadcast", twice(lambda m, o, x: x[ROWS, np.array([3, -1])]), [(3, 4)], True),
    ("negative_array", twice(lambda m, o, x: x[:, np.array([-1, 0, -4])]), [(3, 4)], True),
    ("mask", twice(lambda m, o, x: x[MASK]), [(3, 4)], True),
    ("mixed_slice_array", twice(lambda m, o, x: x[1:, np.array([0, 2, 2])]), [(3, 4)], True),
    ("mixed_separated", twice(lambda m, o, x: x[np.array([0, 1]), :, np.array([1, 1])]), [(2, 3, 2)], True),
    ("mixed_int_array", twice(lambda m, o, x: x[..., np.array([1, 0]), 2]), [(2, 3, 4)], True),
    ("take_flat", twice(lambda m, o, x: m.take(x, np.array([5, 0, 11, 5]))), [(3, 4)], True),
    ("take_axis", twice(lambda m, o, x: m.take(x, DUP, axis=1)), [(3, 4)], True),
    ("take_wrap", twice(lambda m, o, x: m.take(x, np.array([-1, 5, 9]), axis=1, mode="wrap")), [(3, 4)], True),
    ("take_clip", twice(lambda m, o, x: m.take(x, np.array([-3, 1, 9]), axis=0, mode="clip")), [(3, 4)], True),
    ("take_fill", twice(lambda m, o, x: m.take(x, np.array([0, 7, 2]), axis=1, mode="fill", fill_value=-1.0)),
     [(3, 4)], True),
    ("take_along_axis", twice(lambda m, o, x: m.take_along_axis(x, ORDER, axis=1)), [(3, 4)], True),
    ("get_fill", twice(lambda m, o, x: x.at[np.array([1, 9])].get(mode="fill", fill_value=2.0)), [(3, 4)], True),
    # jnp.compress needs a concrete condition, which the jax oracle (compiled) does not give it
    ("compress", twice(lambda m, o, x: m.compress(np.array([True, False, True]), x, axis=0)), [(3, 4)], False),
    ("where", lambda m, o, x, y: m.where(x > 0, x * y, m.sin(y)), [(3, 4), (4,)], True),
    ("set", lambda m, o, x, y: m.sin(x).at[1, 1:3].set(y * y), [(3, 4), (2,)], True),
    ("set_duplicates", lambda m, o, x, y: m.sin(x).at[DUP].set(y * x[0]), [(3, 4), (5, 4)], True),
    ("set_strided", lambda m, o, x, y: (x * x).at[::2, 1].set(m.cos(y)), [(3, 4), (2,)], True),
    ("set_mixed", lambda m, o, x, y: (x * x).at[1:, np.array([3, 0])].set(y * y), [(3, 4), (2, 2)], True),
    ("put_along_axis", lambda m, o, x, y: m.put_along_axis(m.sin(x), ORDER[:, :2], y * y, axis=1), [(3, 4), (3, 2)],
     False),
    ("add_duplicates", lambda m, o, x, y: m.sin(x).at[DUP].add(y * y), [(3, 4), (5, 4)], True),
    ("add_window", lambda m, o, x, y: m.sin(x).at[:2, 1:].add(y * x[2, 0]), [(3, 4), (3,)], True),
    ("mul_unique", lambda m, o, x, y: m.sin(x).at[np.array([2, 0])].mul(y * y), [(3, 4), (2, 4)], False),
    ("mul_window", lambda m, o, x, y: m.sin(x).at[1:, :2].mul(m.cos(y)), [(3, 4), (2, 2)], True),
    ("mul_duplicates", lambda m, o, x, y: m.sin(x).at[DUP].mul(y * y), [(3, 4), (5, 4)], False),
    ("min_duplicates", lambda m, o, x, y: m.sin(x).at[DUP].min(y * x[0]), [(3, 4), (5, 4)], True),
    ("max_duplicates", lambda m, o, x, y: m.sin(x).at[DUP].max(m.cos(y)), [(3, 4), (5, 4)], True),
    ("max_window", lambda m, o, x, y: (x * x).at[1:, 1:3].max(y), [(3, 4), (2, 2)], True),
    ("dynamic_slice", twice(lambda m, o, x: o.dynamic_slice(x, (2, 3), (2, 3))), [(3, 4)], True),
    ("dynamic_update_slice", lambda m, o, x, y: o.dynamic_update_slice(m.sin(x), y * y, (2, 3)), [(3, 4), (2, 2)],
     True),
    ("gather_clip", twice(lambda m, o, x: o.gather(x, ROW_IDX, ROWS_GATHER(o), (1, 4), mode="clip")), [(3, 4)], True),
    ("gather_fill", twice(lambda m, o, x: o.gather(x, ROW_IDX, ROWS_GATHER(o), (1, 4), mode="fill", fill_value=-2.0)),
     [(3, 4)], True),
    ("gather_window_clip", twice(lambda m, o, x: o.gather(x, WIN_IDX, WINDOW_GATHER(o), (2, 2), mode="clip")),
     [(5, 4)], True),
    ("gather_window_fill", twice(lambda m, o, x: o.gather(x, WIN_IDX, WINDOW_GATHER(o), (2, 2), mode="fill",
                                                           fill_value=0.5)), [(5, 4)], True),
    ("gather_batched", twice(lambda m, o, x: o.gather(x, BATCH_IDX, BATCHED_GATHER(o), (1, 1, 3), mode="clip")),
     [(2, 4, 3)], True),
    ("scatter_add_drop", lambda m, o, x, y: o.scatter_add(m.sin(x), ROW_IDX, y * y, ROWS_SCATTER(o), mode="fill"),
     [(3, 4), (4, 4)], True),
    ("scatter_add_clip", lambda m, o, x, y: o.scatter_add(m.sin(x), ROW_IDX, y * y, ROWS_SCATTER(o), mode="clip"),
     [(3, 4), (4, 4)], True),
    ("scatter_overlapping", lambda m, o, x, y: o.scatter(x * x, OVERLAP_IDX, m.sin(y), OVERLAP_SCATTER(o),
                                                         mode="fill"), [(5,), (4, 2)], True),
    ("scatter_mul_overlapping", lambda m, o, x, y: o.scatter_mul(m.sin(x), OVERLAP_IDX, y * x[0], OVERLAP_SCATTER(o),
                                                                 mode="clip"), [(5,), (4, 2)], False),
    ("scatter_max_overlapping", lambda m, o, x, y: o.scatter_max(m.sin(x), OVERLAP_IDX, y, OVERLAP_SCATTER(o),
                                                                 mode="fill"), [(5,), (4, 2)], True),
]
IDS = [c[0] for c in CASES]


def _fluxion(program):
    return lambda *xs: program(fnp, I, *xs)


@pytest.mark.parametrize("name,program,shapes,same_as_jax", CASES, ids=IDS)
def test_second_derivatives_match_finite_differences_and_transpose(name, program, shapes, same_as_jax):
    check_grads(_fluxion(program), [fnp.asarray(x) for x in inputs(shapes)], order=2, modes=("fwd", "rev"))


@pytest.mark.parametrize("name,program,shapes", [c[:3] for c in CASES if c[3]], ids=[c[0] for c in CASES if c[3]])
def test_derivatives_match_jax(name, program, shapes):
    assert_derivatives_match_jax(_fluxion(program), lambda *xs: program(jnp, lax, *xs), inputs(shapes))


@pytest.mark.parametrize("name", ["array", "mixed_separated", "take_fill", "set_duplicates", "add_duplicates",
                                  "mul_duplicates", "max_duplicates", "gather_window_fill", "dynamic_update_slice"])
def test_float32_derivatives_match_finite_differences(name):
    _, program, shapes, _ = CASES[IDS.index(name)]
    check_float32_derivatives(_fluxion(program), shapes, order=1, modes=("fwd", "rev"))


def test_mul_at_distinct_indices_matches_jax():
    x, u = rand((3, 4)), rand((2, 4), seed=1)
    idx = np.array([2, 0])
    gx, gu = _vjp(lambda x, u: fnp.sin(x).at[idx].mul(u * u), x, u, ct=rand((3, 4), seed=2))
    _, pullback = jax.vjp(lambda x, u: jnp.sin(x).at[idx].mul(u * u, unique_indices=True), x, u)
    jgx, jgu = pullback(rand((3, 4), seed=2))
    np.testing.assert_allclose(gx, jgx, rtol=1e-12)
    np.testing.assert_allclose(gu, jgu, rtol=1e-12)


def test_grad_through_indexing_and_updates_matches_jax_grad():
    def program(m, x):
        y = x.at[DUP].add(x[::-1][np.array([0, 1, 2, 0, 1])] ** 2).at[1:, ::2].set(m.sin(x[:2, 1::2]))
        return m.sum(m.take(y, np.array([3, 3, 0]), axis=1) * x[..., np.array([1, 2, 0])])
    x = rand((3, 4))
    g = fx.grad(lambda x: program(fnp, x))(fnp.asarray(x))
    np.testing.assert_allclose(np.asarray(g), np.asarray(jax.grad(lambda x: program(jnp, x))(x)), rtol=1e-12)


def test_complex_derivatives_match_jax():
    # complex cotangents follow jax's convention: the transpose, not the conjugate transpose
    def program(m, z):
        unique = {"unique_indices": True} if m is jnp else {}  # jax differentiates scatter-mul only then
        a = z[:, np.array([1, 0, 1])] * z.at[np.array([1, 0])].mul(z[::-1] * 1j, **unique)[0]
        b = z.at[np.array([1, 1])].set(z[::-1] * 2j).at[:, 1].add(z[0, :2]) * z[::-1]
        return m.concatenate([a.ravel(), b.ravel(), m.pad(z, ((1, 0), (2, 1)), mode="reflect").ravel()])
    rng = np.random.default_rng(0)
    z, t = (rng.standard_normal((2, 3)) + 1j * rng.standard_normal((2, 3)) for _ in range(2))
    check_grads(lambda z: program(fnp, z), (fnp.asarray(z),), order=2, modes=("fwd",))
    out, pullback = fx.vjp(lambda z: program(fnp, z), fnp.asarray(z))
    jax_out, jax_pullback = jax.vjp(lambda z: program(jnp, z), z)
    u = rng.standard_normal(out.shape) + 1j * rng.standard_normal(out.shape)
    np.testing.assert_allclose(np.asarray(pullback(fnp.asarray(u))[0]), jax_pullback(u)[0], rtol=1e-12, atol=1e-12)
    _, tangent = fx.jvp(lambda z: program(fnp, z), (fnp.asarray(z),), (fnp.asarray(t),))
    np.testing.assert_allclose(np.asarray(tangent), jax.jvp(lambda z: program(jnp, z), (z,), (t,))[1], rtol=1e-12,
                               atol=1e-12)


# repeated indices, zeros and ties -------------------------------------------------------------
def _vjp(f, *xs, ct=None):
    out, pullback = fx.vjp(f, *map(fnp.asarray, xs))
    return [np.asarray(g) for g in pullback(fnp.ones(out.shape, out.dtype) if ct is None else fnp.asarray(ct))]


def test_set_with_repeated_indices_differentiates_the_write_that_lands():
    x, v = np.zeros(3), np.array([1.0, 2.0, 3.0, 4.0])
    idx = np.array([0, 2, 0, 0])
    out = fnp.asarray(x).at[idx].set(fnp.asarray(v))
    assert out.tolist() == [4.0, 0.0, 2.0]  # eagerly the last write wins
    gx, gv = _vjp(lambda x, v: x.at[idx].set(v), x, v, ct=[10.0, 20.0, 30.0])
    np.testing.assert_array_equal(gx, [0.0, 20.0, 0.0])
    np.testing.assert_array_equal(gv, [0.0, 30.0, 0.0, 10.0])
    _, tangent = fx.jvp(lambda v: fnp.asarray(x).at[idx].set(v), (fnp.asarray(v),), (fnp.asarray([1.0, 2, 3, 4]),))
    np.testing.assert_array_equal(np.asarray(tangent), [4.0, 0.0, 2.0])


def _product_of_others(u):
    return np.array([np.prod(np.delete(u, j)) for j in range(u.size)])


@pytest.mark.parametrize("u", [[2.0, -3.0, 0.5], [2.0, 0.0, 0.5], [0.0, -3.0, 0.0], [0.0, 0.0, 0.0]],
                         ids=["no_zero", "one_zero", "two_zeros", "all_zero"])
def test_mul_with_repeated_indices_uses_the_product_of_the_other_factors(u):
    x, u = np.array([1.5, -2.0]), np.array(u)
    idx = np.array([1, 1, 1])
    gx, gu = _vjp(lambda x, u: x.at[idx].mul(u), x, u, ct=[1.0, 1.0])
    np.testing.assert_allclose(gx, [1.0, np.prod(u)], rtol=1e-15)
    np.testing.assert_allclose(gu, x[1] * _product_of_others(u), rtol=1e-15)
    t = np.array([0.3, -1.0, 2.0])
    _, tangent = fx.jvp(lambda u: fnp.asarray(x).at[idx].mul(u), (fnp.asarray(u),), (fnp.asarray(t),))
    np.testing.assert_allclose(np.asarray(tangent), [0.0, x[1] * _product_of_others(u) @ t], rtol=1e-15)


def test_mul_second_derivatives_are_exact_where_one_factor_is_zero():
    idx = np.array([1, 1, 1, 0])
    check_grads(lambda x, u: x.at[idx].mul(u), (fnp.asarray([1.5, -2.0]), fnp.asarray([2.0, 0.0, 0.5, 0.0])),
                order=2)
    # d2/du0 du1 of x1 * u0 * u1 * u2 at u1 = 0 is x1 * u2
    h = fx.jacfwd(fx.jacrev(lambda u: fnp.asarray([1.5, -2.0]).at[idx].mul(u)[1]))(fnp.asarray([2.0, 0.0, 0.5, 0.0]))
    np.testing.assert_allclose(np.asarray(h)[0, 1], -2.0 * 0.5)


@pytest.mark.parametrize("op,better", [("max", np.greater), ("min", np.less)])
def test_min_max_share_the_derivative_among_tied_values(op, better):
    x = np.array([1.0, 5.0, 3.0, -1.0])
    v = np.array([3.0, 3.0, 4.0, 3.0, -1.0])
    idx = np.array([0, 0, 1, 2, 3])
    out = np.asarray(getattr(fnp.asarray(x).at[idx], op)(fnp.asarray(v)))
    gx, gv = _vjp(lambda x, v: getattr(x.at[idx], op)(v), x, v, ct=[1.0, 10.0, 100.0, 1000.0])
    expected_gx, expected_gv = np.zeros(4), np.zeros(5)
    ct = np.array([1.0, 10.0, 100.0, 1000.0])
    for p in range(4):
        tied_x = x[p] == out[p]
        tied_v = (idx == p) & (v == out[p])
        share = ct[p] / (tied_x + tied_v.sum())
        expected_gx[p] = share * tied_x
        expected_gv[tied_v] = share
    np.testing.assert_array_equal(gx, expected_gx)
    np.testing.assert_array_equal(gv, expected_gv)
    # one update tying with the operand splits as the elementwise maximum/minimum does
    elementwise = _vjp(lambda a, b: getattr(fnp, "maximum" if op == "max" else "minimum")(a, b), x[3:], v[4:])
    np.testing.assert_array_equal([gx[3] / 1000, gv[4] / 1000], [elementwise[0][0], elementwise[1][0]])


def test_max_propagates_the_tangent_of_a_nan_that_won():
    x, v = np.array([1.0, np.nan]), np.array([np.nan, 2.0])
    idx = np.array([0, 1])
    _, tangent = fx.jvp(lambda x, v: x.at[idx].max(v), (fnp.asarray(x), fnp.asarray(v)),
                        (fnp.asarray([1.0, 10.0]), fnp.asarray([100.0, 1000.0])))
    np.testing.assert_array_equal(np.asarray(tangent), [100.0, 10.0])


def test_out_of_bounds_reads_and_dropped_writes_have_zero_derivatives():
    x = np.arange(3.0)
    gx, = _vjp(lambda x: x.at[np.array([0, 5])].get(mode="fill", fill_value=np.nan), x)
    np.testing.assert_array_equal(gx, [1.0, 0.0, 0.0])
    gx, gv = _vjp(lambda x, v: x.at[np.array([1, 7])].add(v, mode="drop"), x, np.array([2.0, 3.0]))
    np.testing.assert_array_equal(gx, [1.0, 1.0, 1.0])
    np.testing.assert_array_equal(gv, [1.0, 0.0])
    _, tangent = fx.jvp(lambda x: x.at[np.array([0, 5])].get(mode="fill"), (fnp.asarray(x),), (fnp.ones(3),))
    np.testing.assert_array_equal(np.asarray(tangent), [1.0, 0.0])


# integer indices are not differentiated ------------------------------------------------------
def test_tangent_of_an_integer_index_argument_is_ignored():
    x, tx = fnp.asarray(rand((3, 4))), fnp.asarray(rand((3, 4), seed=1))
    i = fnp.asarray([2, 0])
    _, t = fx.jvp(lambda x, i: x[i] * 2.0, (x, i), (tx, fnp.asarray([5, 7])))
    np.testing.assert_array_equal(np.asarray(t), 2.0 * np.asarray(tx)[[2, 0]])
    g = fx.grad(lambda x, i: fnp.sum(fnp.take(x, i, axis=1)))(x, i)
    np.testing.assert_array_equal(np.asarray(g), np.broadcast_to([1.0, 0.0, 1.0, 0.0], (3, 4)))


RULE_CALLS = [
    (I.dynamic_slice_p, lambda x: (x, fnp.asarray(1), fnp.asarray(2)), dict(slice_sizes=(2, 2))),
    (I.dynamic_update_slice_p, lambda x: (x, x[:1], fnp.asarray(1), fnp.asarray(2)), {}),
    (I.gather_p, lambda x: (x, fnp.asarray(ROW_IDX)), dict(dimension_numbers=ROWS_GATHER(I), slice_sizes=(1, 4),
                                                           mode="fill", fill_value=float("nan"))),
    (I.scatter_p, lambda x: (x, fnp.asarray(DUP[:, None]), x[:1] + fnp.zeros((5, 4))),
     dict(dimension_numbers=ROWS_SCATTER(I), mode="fill")),
    (I.scatter_add_p, lambda x: (x, fnp.asarray(DUP[:, None]), x[:1] + fnp.zeros((5, 4))),
     dict(dimension_numbers=ROWS_SCATTER(I), mode="clip")),
    (I.scatter_mul_p, lambda x: (x, fnp.asarray(DUP[:, None]), x[:1] + fnp.zeros((5, 4))),
     dict(dimension_numbers=ROWS_SCATTER(I), mode="clip")),
    (I.scatter_max_p, lambda x: (x, fnp.asarray(DUP[:, None]), x[:1] + fnp.zeros((5, 4))),
     dict(dimension_numbers=ROWS_SCATTER(I), mode="fill")),
]


@pytest.mark.parametrize("prim,make_args,params", RULE_CALLS, ids=[str(c[0]) for c in RULE_CALLS])
def test_jvp_rules_ignore_a_tangent_given_for_integer_arguments(prim, make_args, params):
    primals = make_args(fnp.asarray(rand((3, 4))))
    tangents = [fnp.asarray(rand(p.shape, seed=k)) if p.dtype == dtypes.float64 else Zero(p.aval)
                for k, p in enumerate(primals)]
    noisy = [fnp.full(p.shape, 3, dtype=p.dtype) if t.__class__ is Zero else t for p, t in zip(primals, tangents)]
    ans, t = jvp_rules[prim](primals, tangents, **params)
    ans_noisy, t_noisy = jvp_rules[prim](primals, noisy, **params)
    np.testing.assert_array_equal(np.asarray(ans), np.asarray(ans_noisy))
    np.testing.assert_array_equal(np.asarray(t), np.asarray(t_noisy))


def test_integer_results_of_indexing_have_zero_tangents():
    ans, t = jvp_rules[I.gather_p]((fnp.arange(4), fnp.asarray([[1]])), (Zero(fnp.arange(4).aval), Zero(
        fnp.asarray([[1]]).aval)), dimension_numbers=_gdn((), (0,), (0,))(I), slice_sizes=(1,),
        mode="clip", fill_value=None)
    assert ans.tolist() == [1] and t.__class__ is Zero


# transpose rules are exactly the transposed Jacobian ------------------------------------------
R = np.random.default_rng(3)
TRANSPOSES = [
    (I.dynamic_slice_p, [R.standard_normal((5, 4)), np.int64(3), np.int32(-1)], (0,), dict(slice_sizes=(3, 2))),
    (I.dynamic_update_slice_p, [R.standard_normal((5, 4)), R.standard_normal((2, 3)), np.int64(4), np.int64(2)],
     (0, 1), {}),
    (I.dynamic_update_slice_p, [R.standard_normal((5, 4)), R.standard_normal((2, 3)), np.int64(1), np.int64(0)],
     (1,), {}),
]
for mode in ("clip", "fill", "promise_in_bounds"):
    fill = 0.5 if mode == "fill" else None
    TRANSPOSES += [
        (I.gather_p, [R.standard_normal((3, 4)), ROW_IDX], (0,),
         dict(dimension_numbers=ROWS_GATHER(I), slice_sizes=(1, 4), mode=mode, fill_value=fill)),
        (I.gather_p, [R.standard_normal((5, 4)), WIN_IDX], (0,),
         dict(dimension_numbers=WINDOW_GATHER(I), slice_sizes=(2, 2), mode=mode, fill_value=fill)),
        (I.gather_p, [R.standard_normal((2, 4, 3)), BATCH_IDX], (0,),
         dict(dimension_numbers=BATCHED_GATHER(I), slice_sizes=(1, 1, 3), mode=mode, fill_value=fill)),
        (I.scatter_add_p, [R.standard_normal((3, 4)), ROW_IDX, R.standard_normal((4, 4))], (0, 2),
         dict(dimension_numbers=ROWS_SCATTER(I), mode=mode)),
        (I.scatter_add_p, [R.standard_normal((5,)), OVERLAP_IDX, R.standard_normal((4, 2))], (2,),
         dict(dimension_numbers=OVERLAP_SCATTER(I), mode=mode)),
        (I.scatter_p, [R.standard_normal((3, 4)), ROW_IDX, R.standard_normal((4, 4))], (0, 2),
         dict(dimension_numbers=ROWS_SCATTER(I), mode=mode)),
        (I.scatter_p, [R.standard_normal((5,)), OVERLAP_IDX, R.standard_normal((4, 2))], (0, 2),
         dict(dimension_numbers=OVERLAP_SCATTER(I), mode=mode)),
        (I.scatter_p, [R.standard_normal((2, 4, 3)), BATCH_IDX, R.standard_normal((2, 3, 3))], (0, 2),
         dict(dimension_numbers=_sdn((2,), (1,), (1,), (0,), (0,))(I), mode=mode)),
        (I.scatter_mul_p, [R.standard_normal((5,)), OVERLAP_IDX, R.standard_normal((4, 2))], (0,),
         dict(dimension_numbers=OVERLAP_SCATTER(I), mode=mode)),
    ]


@pytest.mark.parametrize("prim,args,linear,params", TRANSPOSES,
                         ids=[f"{c[0]}-{c[3].get('mode', '')}-{k}" for k, c in enumerate(TRANSPOSES)])
def test_transpose_rule_is_the_transposed_jacobian(prim, args, linear, params):
    check_transpose(prim, args, linear, **params)


def test_scatter_mul_cannot_be_transposed_in_its_updates():
    from fluxion.core.primitive import transpose_rules
    from fluxion.ops._ad import UndefinedPrimal
    u = fnp.ones((4, 2))
    with pytest.raises(NotImplementedError, match="not linear in its updates"):
        transpose_rules[I.scatter_mul_p](fnp.ones(5), fnp.ones(5), fnp.asarray(OVERLAP_IDX), UndefinedPrimal(u.aval),
                                         dimension_numbers=OVERLAP_SCATTER(I), mode="clip")
