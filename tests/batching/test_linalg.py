"""vmap of the linear algebra primitives (dot_general, cholesky, triangular_solve, lu, qr, eigh,
svd, cofactors, cofactors_jvp) equals a Python loop over the examples.

Each case is a function of one example's operands; the tests batch it with the batch axes first,
in the middle and last (as -1), with unbatched operands, with out_axes -1, nested, over empty
batches, 0-d and empty examples and several dtypes, compose it with fx.grad, and compile it with
fx.jit. Matrices are well conditioned (positive definite, Hermitian or diagonally dominant where
the factorization needs it). A batched dot_general is one dot_general (batch dimensions, no
loop), and a factorization of a batch is one factorization of the stack. A sweep draws
dot_general dimension numbers; invalid examples must raise the errors they raise outside vmap.
"""
from typing import Callable, NamedTuple

import numpy as np
import pytest
from hypothesis import given, strategies as st

import fluxion as fx
import fluxion.numpy as fnp
from fluxion.core import dtypes
from fluxion.ops import linalg as L

from _loop import (Arg, assert_same, batch_args, check_empty_batch, check_grad_compositions, check_jit_at, check_nested,
                   check_same_error, check_unbatched, check_vmap, positions, random_array)

DTYPES = ("float32", "float64", "complex64")


def _h(a):
    return np.conj(np.swapaxes(a, -1, -2))


def _positive_definite(rng, shape, dtype):
    a = random_array(rng, shape, dtype)
    return (a @ _h(a) + shape[-1] * np.eye(shape[-1])).astype(dtype)


def _hermitian(rng, shape, dtype):
    a = random_array(rng, shape, dtype)
    return (a + _h(a)).astype(dtype)


def _dominant(rng, shape, dtype):
    """A matrix whose every triangle is well conditioned: a large diagonal."""
    return (random_array(rng, shape, dtype) + 2 * shape[-1] * np.eye(shape[-1])).astype(dtype)


def _rank_deficient(rng, shape, dtype):
    """Matrices of rank n - 2 (two zero columns), where LU meets two zero pivots."""
    a = random_array(rng, shape, dtype)
    a[..., :, :2] = 0
    return a


def spd(*shape) -> Arg:
    return Arg(shape, _positive_definite)


def hermitian(*shape) -> Arg:
    return Arg(shape, _hermitian)


def dominant(*shape) -> Arg:
    return Arg(shape, _dominant)


class Case(NamedTuple):
    f: Callable
    args: tuple
    dtypes: tuple = DTYPES
    grad: bool = True  # whether the case has a derivative


def _dot(dn, preferred=None):
    return lambda x, y: L.dot_general(x, y, dn, preferred)


def _solve(**flags):
    return lambda a, b: L.triangular_solve(a, b, **flags)


CASES = {
    "dot_general_matmul": Case(_dot((((1,), (0,)), ((), ()))), ((2, 3), (3, 4)),
                               DTYPES + ("int32", "bfloat16")),
    "dot_general_with_batch_dims": Case(_dot((((2,), (1,)), ((0,), (0,)))), ((2, 3, 4), (2, 4, 5))),
    "dot_general_contracting_two_dims_out_of_order": Case(_dot((((0, 2), (2, 0)), ((1,), (1,)))),
                                                          ((3, 2, 4), (4, 2, 3))),
    "dot_general_to_0d": Case(_dot((((0,), (0,)), ((), ()))), ((3,), (3,))),
    "dot_general_of_0d": Case(_dot((((), ()), ((), ()))), ((), (3,))),
    "dot_general_over_empty_contraction": Case(_dot((((1,), (0,)), ((), ()))), ((2, 0), (0, 3))),
    "dot_general_accumulating_ints_in_float": Case(_dot((((1,), (0,)), ((), ())), dtypes.float32), ((2, 3), (3, 2)),
                                                   ("int32",), grad=False),
    "cholesky": Case(L.cholesky, (spd(3, 3),)),
    "cholesky_of_a_stack": Case(L.cholesky, (spd(2, 3, 3),)),
    "cholesky_of_an_empty_stack": Case(L.cholesky, (spd(0, 3, 3),)),
    "triangular_solve_left_lower": Case(_solve(left_side=True, lower=True), (dominant(3, 3), (3, 2))),
    "triangular_solve_right_upper_transposed_conjugated": Case(
        _solve(left_side=False, lower=False, transpose_a=True, conjugate_a=True), (dominant(3, 3), (4, 3))),
    "triangular_solve_left_upper_unit_diagonal_transposed": Case(
        _solve(left_side=True, lower=False, transpose_a=True, unit_diagonal=True), (dominant(3, 3), (3, 1))),
    "triangular_solve_right_lower_of_stacks": Case(_solve(left_side=False, lower=True),
                                                   (dominant(2, 3, 3), (2, 2, 3))),
    "lu_wide": Case(L.lu, ((3, 4),)),
    "lu_tall_stack": Case(L.lu, ((2, 4, 3),)),
    "qr_reduced": Case(lambda x: L.qr(x, full_matrices=False), ((4, 3),)),
    "qr_complete_of_square_stack": Case(lambda x: L.qr(x, full_matrices=True), ((2, 3, 3),)),
    "qr_complete_of_tall": Case(lambda x: L.qr(x, full_matrices=True), ((4, 2),), grad=False),
    "eigh_lower": Case(lambda x: L.eigh(x, lower=True), (hermitian(3, 3),)),
    "eigh_upper_of_stack": Case(lambda x: L.eigh(x, lower=False), (hermitian(2, 3, 3),)),
    "svd_reduced": Case(lambda x: L.svd(x, full_matrices=False), ((4, 3),)),
    "svd_full_of_square_stack": Case(lambda x: L.svd(x, full_matrices=True), ((2, 3, 3),)),
    "svd_values_only_of_wide": Case(lambda x: L.svd(x, compute_uv=False), ((2, 4),)),
    "cofactors_of_a_stack": Case(L.cofactors, ((2, 3, 3),)),
    "cofactors_jvp_along_two_directions": Case(L.cofactors_jvp, ((3, 3), (2, 3, 3))),
    "cofactors_jvp_at_rank_deficient_matrices": Case(L.cofactors_jvp, (Arg((3, 3), _rank_deficient), (3, 3))),
}
MULTI = [name for name, case in CASES.items() if len(case.args) > 1]
GRAD = [name for name, case in CASES.items() if case.grad and "float64" in case.dtypes]


def _dtype(name: str) -> str:
    dts = CASES[name].dtypes
    return "float64" if "float64" in dts else dts[0]


TOL = dict(rtol=2e-5, atol=1e-6)  # a batched product may sum in another order than one example's

@pytest.mark.parametrize(("name", "where"), [(name, where) for name in CASES for where in ("first", "middle", "last")])
def test_vmap_matches_loop_for_each_batch_axis_position_and_dtype(name, where, rng):
    f, specs, dts, _ = CASES[name]
    axes = positions(specs, where)
    for dt in dts:
        check_vmap(f, *batch_args(rng, specs, dt, axes), in_axes=axes, **TOL)


@pytest.mark.parametrize("name", MULTI)
def test_vmap_matches_loop_with_unbatched_operands(name, rng):
    f, specs, _, _ = CASES[name]
    check_unbatched(f, rng, specs, _dtype(name), **TOL)


@pytest.mark.parametrize("name", list(CASES))
def test_vmap_places_the_batch_axis_last_with_out_axes(name, rng):
    f, specs, _, _ = CASES[name]
    axes = positions(specs, "middle")
    check_vmap(f, *batch_args(rng, specs, _dtype(name), axes), in_axes=axes, out_axes=-1, **TOL)


@pytest.mark.parametrize("name", list(CASES))
def test_nested_vmap_matches_nested_loops(name, rng):
    f, specs, _, _ = CASES[name]
    check_nested(f, rng, specs, _dtype(name), positions(specs, "last"), positions(specs, "first"), **TOL)
    inner = (None,) + positions(specs, "first")[1:] if len(specs) > 1 else positions(specs, "middle")
    check_nested(f, rng, specs, _dtype(name), inner, positions(specs, "middle"), **TOL)


@pytest.mark.parametrize("name", CASES)
def test_vmap_of_an_empty_batch_gives_empty_results(name, rng):
    f, specs, _, _ = CASES[name]
    check_empty_batch(f, rng, specs, "float32")


@pytest.mark.parametrize("name", list(GRAD))
def test_vmap_of_grad_and_grad_of_vmap_match_loops_of_gradients(name, rng):
    f, specs, _, _ = CASES[name]
    for axes in (positions(specs, "middle"), (None,) * (len(specs) - 1) + (-1,), positions(specs, "first")):
        check_grad_compositions(f, batch_args(rng, specs, "float64", axes), axes, rtol=1e-8)


# fx.jit: XLA's factorizations may choose other signs (phases) of vectors than LAPACK's, so the
# compiled and eager programs are compared through what the factorization determines
def _invariant(name: str, f: Callable) -> Callable:
    """What the factorization determines whatever signs it picks: |R| of QR, eigenvalues, singular values."""
    if name.startswith("qr"):
        return lambda x: fnp.abs(f(x)[1])
    if name.startswith("eigh") or name.startswith("svd") and "values_only" not in name:
        return lambda x: f(x)[1]
    return f


@pytest.mark.parametrize("where", ["first", "last"])
def test_jit_of_vmap_equals_eager_vmap(where, rng):
    check_jit_at(rng, [(_invariant(name, f), specs, "float32" if "float32" in dts else dts[0])
                       for name, (f, specs, dts, _) in CASES.items()], where, rtol=2e-4)


# one batched operation, not a loop -------------------------------------------------------------------
def test_dot_general_of_two_batched_operands_adds_a_batch_dimension(rng):
    x, y = random_array(rng, (3, 4, 5), "float32"), random_array(rng, (5, 2, 4), "float32")
    f = _dot((((1,), (0,)), ((), ())))
    program = fx.make_program(fx.vmap(f, in_axes=(1, 2)))(x, y)
    # out_axes 0 is where the rule puts the batch dimension: no transpose
    assert [eq.prim for eq in program.equations] == [L.dot_general_p]
    assert program.equations[0].params["dimension_numbers"] == (((2,), (0,)), ((1,), (2,)))
    check_vmap(f, x, y, in_axes=(1, 2), rtol=1e-5)


def test_dot_general_with_one_batched_operand_keeps_its_batch_axis_free_without_transposes(rng):
    x, y = random_array(rng, (3, 6, 4), "float32"), random_array(rng, (4, 2), "float32")
    f = _dot((((1,), (0,)), ((), ())))
    program = fx.make_program(fx.vmap(f, in_axes=(1, None), out_axes=1))(x, y)
    assert [eq.prim for eq in program.equations] == [L.dot_general_p]
    assert_same(fx.vmap(f, in_axes=(1, None), out_axes=1)(x, y), np.einsum("abc,cd->abd", x, y), rtol=1e-5)


@pytest.mark.parametrize("name", ["cholesky", "lu_wide", "qr_reduced", "eigh_lower", "svd_reduced"])
def test_factorization_of_a_batch_is_one_factorization_of_the_stack(name, rng):
    f, specs, _, _ = CASES[name]
    for size in (2, 9):
        program = fx.make_program(fx.vmap(f))(*batch_args(rng, specs, "float32", (0,), size))
        assert len(program.equations) == 1


def test_triangular_solve_with_one_matrix_for_many_right_hand_sides_does_not_copy_the_matrix(rng):
    a = _dominant(rng, (3, 3), "float64")
    b = random_array(rng, (5, 3, 2), "float64")
    f = _solve(left_side=True, lower=True)
    program = fx.make_program(fx.vmap(f, in_axes=(None, 0)))(a, b)
    assert L.triangular_solve_p in [eq.prim for eq in program.equations]
    assert all(eq.prim.name != "broadcast_in_dim" for eq in program.equations)
    check_vmap(f, a, b, in_axes=(None, 0), rtol=1e-12)


def test_vmap_of_lu_with_the_batch_axis_among_the_matrix_axes_of_a_stack_matches_loop(rng):
    check_vmap(L.lu, random_array(rng, (2, 3, 4, 3), "float64"), in_axes=-1, rtol=1e-12)


def test_per_example_gradients_of_a_linear_model_match_loop(rng):
    w, xs, ys = random_array(rng, (3,), "float64"), random_array(rng, (6, 4, 3), "float64"), \
        random_array(rng, (6, 4), "float64")

    def loss(weights, x, y):
        r = _dot((((1,), (0,)), ((), ())))(x, weights) - y
        return (r * r).sum()

    grad = fx.grad(loss)
    got = fx.vmap(grad, in_axes=(None, 0, 0))(w, xs, ys)
    assert_same(got, np.stack([np.asarray(grad(w, xs[k], ys[k])) for k in range(6)]), rtol=1e-12)


@pytest.mark.parametrize("f, shapes", [
    (L.cholesky, ((3,),)),  # three vectors of 3 stack into a square matrix
    (lambda x: L.svd(x), ((2,),)),
    (lambda x: L.eigh(x), ((2, 3),)),
    (_solve(left_side=True), ((3,), (3, 2))),
    (_solve(left_side=False), ((3, 3), (3, 2))),
    (_dot((((1,), (0,)), ((), ()))), ((2, 3), (4, 2))),
    (_dot((((1,), (0,)), ((), ())), dtypes.int8), ((2, 3), (3, 2))),
], ids=["cholesky_of_vectors", "svd_of_vectors", "eigh_of_non_square", "solve_with_a_vector", "solve_of_wrong_side",
        "dot_of_unequal_contraction", "dot_narrowing_accumulation"])
def test_invalid_examples_raise_the_error_they_raise_outside_vmap(f, shapes, rng):
    check_same_error(f, *batch_args(rng, shapes, "float32", (0,) * len(shapes), size=3))


@given(st.data())
def test_drawn_dot_generals_and_batch_axes_match_loop(data):
    """Contracting, batch and free dimensions anywhere in either operand; batch axes anywhere."""
    draw = data.draw
    roles = ("contract", "batch", "free")
    lhs_roles = draw(st.lists(st.sampled_from(roles), max_size=3), label="lhs roles")
    n_c, n_b = lhs_roles.count("contract"), lhs_roles.count("batch")
    rhs_roles = draw(st.permutations(["contract"] * n_c + ["batch"] * n_b + ["free"] * draw(st.integers(0, 2))),
                     label="rhs roles")
    sizes = {role: [draw(st.integers(0, 3)) for _ in range(lhs_roles.count(role))] for role in ("contract", "batch")}
    pairs = {role: draw(st.permutations(range(len(sizes[role]))), label=f"{role} pairing") for role in sizes}

    def dims_and_shape(rs, pairing):
        dims, shape, seen = {"contract": [], "batch": []}, [], {"contract": 0, "batch": 0}
        for d, r in enumerate(rs):
            if r == "free":
                shape.append(draw(st.integers(0, 3)))
                continue
            k = pairing[r][seen[r]] if pairing else seen[r]
            seen[r] += 1
            dims[r].append((k, d))
            shape.append(sizes[r][k])
        return {r: [d for _, d in sorted(v)] for r, v in dims.items()}, tuple(shape)

    (ld, lshape), (rd, rshape) = dims_and_shape(lhs_roles, None), dims_and_shape(rhs_roles, pairs)
    dn = ((tuple(ld["contract"]), tuple(rd["contract"])), (tuple(ld["batch"]), tuple(rd["batch"])))
    axes = tuple(draw(st.sampled_from((None, 0, -1, (len(s) + 1) // 2)), label="in_axes") for s in (lshape, rshape))
    axes = axes if axes != (None, None) else (0, None)
    rng = np.random.default_rng(draw(st.integers(0, 99)))
    args = batch_args(rng, (lshape, rshape), "float64", axes, draw(st.integers(0, 3), label="size"))
    check_vmap(_dot(dn), *args, in_axes=axes, out_axes=draw(st.sampled_from((0, -1)), label="out_axes"), rtol=1e-10,
               atol=1e-12)
