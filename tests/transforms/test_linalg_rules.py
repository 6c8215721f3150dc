"""Derivative rules of the linear algebra primitives: check_grads (forward and reverse, up to
order 2, float64) on each primitive and through fluxion.numpy's products and linalg functions;
complex inputs through their real and imaginary parts; gradients against jax's as an oracle;
det's derivatives of the first few orders against exact ones, at singular matrices above all."""
import itertools

import numpy as np
import pytest

import fluxion as fx
import fluxion.numpy as fnp
from fluxion.ops import elementwise as E
from fluxion.ops import linalg as L
from fluxion.test_util import check_grads

from _arrays import fx_rand, inputs, posdef
from _jax_oracle import assert_derivatives_match_jax, jax_x64

LA = fnp.linalg


def _posdef(n, batch=(), complex_=False, seed=0):
    return fnp.asarray(posdef((*batch, n, n), seed, np.complex128 if complex_ else np.float64))


def check_complex(f, *args, order=2):
    """check_grads of `f` at complex `args`, seen as a function of their real and imaginary parts
    (and returning those of its complex outputs), so that both modes are checked as for real
    functions."""
    def split(*parts):
        zs = [E.complex_p.bind(re, im) for re, im in zip(parts[::2], parts[1::2])]
        out = f(*zs)
        out = out if isinstance(out, (tuple, list)) else (out,)
        return [p for o in out for p in ((fnp.real(o), fnp.imag(o)) if o.dtype.kind == "c" else (o,))]
    check_grads(split, [p for z in args for p in (fnp.real(z), fnp.imag(z))], order=order)


# dot_general ------------------------------------------------------------------------------------
DOTS = [
    ((2, 3), (3, 4), (((1,), (0,)), ((), ()))),
    ((3, 2), (3, 4), (((0,), (0,)), ((), ()))),
    ((2, 3, 4), (2, 4, 5), (((2,), (1,)), ((0,), (0,)))),
    ((3, 2, 5, 4), (4, 6, 3, 2), (((0, 3), (2, 0)), ((1,), (3,)))),  # batch not leading, contractions reordered
    ((3,), (4,), (((), ()), ((), ()))),  # outer product
    ((3,), (3,), (((0,), (0,)), ((), ()))),  # to a scalar
    ((2, 3), (3, 2), (((), ()), ((0, 1), (1, 0)))),  # only batch dimensions
]


@pytest.mark.parametrize("lhs, rhs, dims", DOTS)
def test_dot_general_grads_match_finite_differences(lhs, rhs, dims):
    check_grads(lambda x, y: L.dot_general(x, y, dims), (fx_rand(*lhs), fx_rand(*rhs, seed=1)))


@pytest.mark.parametrize("lhs, rhs, dims", DOTS[2:4])
def test_dot_general_complex_grads_match_finite_differences(lhs, rhs, dims):
    check_complex(lambda x, y: L.dot_general(x, y, dims), *map(fnp.asarray, inputs([lhs, rhs], np.complex128)))


def test_dot_general_float32_grads_match_finite_differences():
    check_grads(lambda x, y: L.dot_general(x, y, DOTS[3][2]),
                (fx_rand(*DOTS[3][0], dtype=np.float32), fx_rand(*DOTS[3][1], seed=1, dtype=np.float32)))


def test_dot_general_with_wider_accumulation_gives_cotangents_of_the_operand_dtype():
    x, y = fx_rand(2, 3, dtype=np.float32), fx_rand(3, 4, seed=1, dtype=np.float32)

    def f(a, b):
        return fnp.sum(fnp.sin(L.dot_general(a, b, DOTS[0][2], preferred_element_type=np.float64)))
    gx, gy = fx.grad(f, argnums=(0, 1))(x, y)
    assert gx.dtype == gy.dtype == np.float32
    wide = fx.grad(f, argnums=(0, 1))(x.astype(np.float64), y.astype(np.float64))
    np.testing.assert_allclose(gx, wide[0], rtol=1e-5)
    np.testing.assert_allclose(gy, wide[1], rtol=1e-5)
    check_grads(lambda a, b: L.dot_general(a, b, DOTS[0][2], preferred_element_type=np.float64), (x, y), order=1)


def test_dot_general_over_an_empty_contraction_has_zero_gradients():
    gx, gy = fx.grad(lambda x, y: fnp.sum(x @ y), argnums=(0, 1))(fx_rand(2, 0), fx_rand(0, 3))
    assert gx.shape == (2, 0) and gy.shape == (0, 3)


# triangular_solve -------------------------------------------------------------------------------
def _triangle(lower, complex_=False):
    chol = np.asarray(L.cholesky(_posdef(3, complex_=complex_)))
    return fnp.asarray(chol if lower else np.conj(chol.T))


SOLVE_FLAGS = list(itertools.product([True, False], repeat=4))


@pytest.mark.parametrize("left_side, lower, transpose_a, unit_diagonal", SOLVE_FLAGS)
def test_triangular_solve_grads_match_finite_differences(left_side, lower, transpose_a, unit_diagonal):
    b = fx_rand(3, 2, seed=1) if left_side else fx_rand(2, 3, seed=1)
    check_grads(lambda a, b: L.triangular_solve(a, b, left_side=left_side, lower=lower, transpose_a=transpose_a,
                                                unit_diagonal=unit_diagonal), (_triangle(lower), b))


@pytest.mark.parametrize("left_side, lower, transpose_a, conjugate_a", SOLVE_FLAGS)
def test_triangular_solve_complex_grads_match_finite_differences(left_side, lower, transpose_a, conjugate_a):
    b = fx_rand(2, 3, 2, seed=1, dtype=np.complex128) if left_side else fx_rand(2, 2, 3, seed=1, dtype=np.complex128)
    a = fnp.stack([_triangle(lower, True)] * 2)
    check_complex(lambda a, b: L.triangular_solve(a, b, left_side=left_side, lower=lower, transpose_a=transpose_a,
                                                  conjugate_a=conjugate_a), a, b, order=1)


def test_triangular_solve_ignores_the_other_triangle():
    g = fx.grad(lambda a: fnp.sum(L.triangular_solve(a, fx_rand(3, 2), left_side=True, lower=True)))(_triangle(True))
    g = np.asarray(g)
    assert np.all(np.triu(g, 1) == 0) and np.all(g[np.tril_indices(3)] != 0)


# factorizations -------------------------------------------------------------------------------
@pytest.mark.parametrize("batch", [(), (2,)])
def test_cholesky_grads_match_finite_differences(batch):
    check_grads(L.cholesky, (_posdef(3, batch),))


def test_cholesky_complex_grads_match_finite_differences():
    check_complex(L.cholesky, _posdef(3, complex_=True))


def test_cholesky_is_differentiated_as_a_function_of_the_lower_triangle():
    g = fx.grad(lambda a: fnp.sum(fnp.sin(L.cholesky(a))))(_posdef(4))
    assert np.all(np.triu(np.asarray(g), 1) == 0)


@pytest.mark.parametrize("shape", [(3, 3), (4, 2), (2, 4), (2, 3, 3)])
def test_lu_grads_match_finite_differences(shape):
    check_grads(lambda x: L.lu(x)[0], (fx_rand(*shape),))


@pytest.mark.parametrize("shape", [(3, 3), (4, 3), (2, 3)])
def test_lu_complex_grads_match_finite_differences(shape):
    check_complex(lambda x: L.lu(x)[0], fx_rand(*shape, dtype=np.complex128), order=1)


def test_lu_pivots_and_permutation_have_zero_tangents():
    _, (_, dpiv, dperm) = fx.jvp(L.lu, (fx_rand(3, 3),), (fx_rand(3, 3, seed=1),))
    assert dpiv.dtype == dperm.dtype == np.int32
    assert not np.any(dpiv) and not np.any(dperm)


@pytest.mark.parametrize("shape, full", [((4, 3), False), ((3, 3), False), ((3, 3), True), ((2, 4), False),
                                         ((2, 4), True), ((2, 4, 3), False)])
def test_qr_grads_match_finite_differences(shape, full):
    check_grads(lambda x: L.qr(x, full_matrices=full), (fx_rand(*shape),))


@pytest.mark.parametrize("shape", [(4, 3), (2, 3)])
def test_qr_complex_grads_match_finite_differences(shape):
    check_complex(lambda x: L.qr(x, full_matrices=False), fx_rand(*shape, dtype=np.complex128))


@pytest.mark.parametrize("batch", [(), (2,)])
def test_qr_complete_of_a_tall_matrix_differentiates_r_and_the_complement_projector(batch):
    # q's completion columns are a basis of the complement, fixed only up to a rotation: R, the
    # first columns and the projector onto the complement are functions of x
    def f(x):
        q, r = LA.qr(x, mode="complete")
        rest = q[..., 3:]
        return r, q[..., :3], rest @ fnp.swapaxes(rest, -1, -2)
    check_grads(f, (fx_rand(*batch, 5, 3),), order=2)
    q, _ = LA.qr(fx_rand(5, 3), mode="complete")
    _, dq = fx.jvp(lambda x: LA.qr(x, mode="complete").Q, (fx_rand(5, 3),), (fx_rand(5, 3, seed=1),))
    skew = np.asarray(q).T @ np.asarray(dq)  # q^T dq is skew: q stays orthogonal
    np.testing.assert_allclose(skew, -skew.T, atol=1e-12)


@pytest.mark.parametrize("shape, dtype", [((5, 3), np.float64), ((2, 6, 2), np.float64), ((4, 1), np.float64),
                                          ((5, 3), np.complex128)])
def test_qr_complete_columns_of_a_tall_matrix_match_finite_differences(shape, dtype):
    # the completion columns themselves are those of LAPACK's reflections, a function of x
    check = check_complex if dtype == np.complex128 else check_grads
    check(lambda x: LA.qr(x, mode="complete").Q, fx_rand(*shape, dtype=dtype) if check is check_complex
          else (fx_rand(*shape),))


def test_qr_complete_of_a_matrix_lapack_leaves_alone_has_finite_derivatives():
    # an upper triangular x needs no reflection (each is the identity), where the algorithm is not
    # smooth: the derivative is that of the completion that turns least, finite
    x = fnp.asarray([[1.0, 2.0], [0.0, 3.0], [0.0, 0.0]])
    g = fx.jacrev(lambda x: LA.qr(x, mode="complete").Q)(x)
    assert np.isfinite(np.asarray(g)).all()


@pytest.mark.parametrize("lower, batch", [(True, ()), (False, ()), (True, (2,))])
def test_eigh_grads_match_finite_differences(lower, batch):
    check_grads(lambda x: L.eigh(x, lower=lower), (fx_rand(*batch, 3, 3),))


def _gauge_free_eigh(lower):
    """What eigh determines of complex eigenvectors: not their phases."""
    weights = fnp.asarray([1.0, 2.0, 3.0]).astype(np.complex128)

    def f(x):
        v, w = L.eigh(x, lower=lower)
        return w, (v * weights) @ fnp.conj(v).mT, fnp.abs(v)
    return f


@pytest.mark.parametrize("lower", [True, False])
def test_eigh_complex_grads_match_finite_differences(lower):
    check_complex(_gauge_free_eigh(lower), fx_rand(3, 3, dtype=np.complex128))


@pytest.mark.parametrize("lower", [True, False])
def test_eigh_is_differentiated_as_a_function_of_the_triangle_it_reads(lower):
    g = np.asarray(fx.grad(lambda x: fnp.sum(fnp.sin(L.eigh(x, lower=lower)[0])))(fx_rand(4, 4)))
    other = np.triu(g, 1) if lower else np.tril(g, -1)
    assert np.all(other == 0) and np.any(g != 0)


def test_eigenvalue_sums_stay_differentiable_at_repeated_eigenvalues():
    # the eigenvectors of the identity are not differentiable, but the trace is
    g = fx.grad(lambda x: fnp.sum(LA.eigvalsh(x)))(fnp.eye(3, dtype=np.float64))
    np.testing.assert_allclose(g, np.eye(3), atol=1e-12)


@pytest.mark.parametrize("shape", [(4, 3), (3, 4), (3, 3), (2, 3, 2)])
def test_svd_grads_match_finite_differences(shape):
    check_grads(lambda x: L.svd(x, full_matrices=False), (fx_rand(*shape),))


def test_svd_of_square_matrices_with_full_matrices_has_derivatives():
    check_grads(lambda x: L.svd(x, full_matrices=True), (fx_rand(3, 3),))


@pytest.mark.parametrize("shape", [(4, 3), (3, 4), (2, 3, 3)])
def test_singular_values_grads_match_finite_differences(shape):
    check_grads(lambda x: L.svd(x, compute_uv=False), (fx_rand(*shape),))


def _gauge_free_svd(x):
    u, s, vh = L.svd(x, full_matrices=False)
    weights = fnp.asarray([1.0, 2.0, 3.0][:s.shape[-1]]).astype(np.complex128)
    return s, (u * weights) @ vh, fnp.abs(u), fnp.abs(vh)


@pytest.mark.parametrize("shape", [(4, 3), (3, 4), (3, 3)])
def test_svd_complex_grads_match_finite_differences(shape):
    check_complex(_gauge_free_svd, fx_rand(*shape, dtype=np.complex128))


@pytest.mark.parametrize("shape, dtype", [((5, 3), np.float64), ((3, 5), np.float64), ((2, 4, 3), np.float64),
                                          ((4, 3), np.complex128), ((3, 4), np.complex128)])
def test_full_svd_of_a_non_square_matrix_differentiates_what_the_input_determines(shape, dtype):
    # the extra columns of U (rows of V^H) are a basis of the complement, fixed only up to a
    # rotation: s, the reduced factors' product and the projector onto the complement are functions of x
    k = min(shape[-2:])
    weights = fnp.asarray([1.0, 2.0, 3.0]).astype(dtype)

    def f(x):
        u, s, vh = LA.svd(x)  # (full_matrices=True, as in NumPy)
        u1, u2, vh1, vh2 = u[..., :k], u[..., k:], vh[..., :k, :], vh[..., k:, :]
        return s, (u1 * weights) @ vh1, u2 @ fnp.conj(fnp.swapaxes(u2, -1, -2)), \
            fnp.conj(fnp.swapaxes(vh2, -1, -2)) @ vh2
    if dtype is np.complex128:
        check_complex(f, fx_rand(*shape, dtype=dtype))
    else:
        check_grads(f, (fx_rand(*shape),), order=2)
    x, t = fx_rand(*shape, dtype=dtype), fx_rand(*shape, dtype=dtype, seed=1)
    (u, _, vh), (du, _, dvh) = fx.jvp(LA.svd, (x,), (t,))
    for q, dq in ((u, du), (np.conj(np.swapaxes(vh, -1, -2)), np.conj(np.swapaxes(dvh, -1, -2)))):
        skew = np.conj(np.swapaxes(q, -1, -2)) @ np.asarray(dq)  # U and V stay unitary
        np.testing.assert_allclose(skew, -np.conj(np.swapaxes(skew, -1, -2)), atol=1e-12)


@pytest.mark.parametrize("f", [L.cholesky, lambda x: L.eigh(x)[1], lambda x: L.svd(x, compute_uv=False),
                               lambda x: L.lu(x)[0], LA.det, LA.inv])
def test_factorizations_of_empty_matrices_have_empty_gradients(f):
    assert fx.grad(lambda x: fnp.sum(f(x)))(fnp.zeros((0, 0), dtype=np.float64)).shape == (0, 0)


# through fluxion.numpy --------------------------------------------------------------------------
PRODUCTS = {
    "matmul": (fnp.matmul, [(2, 3, 4), (4, 2)]),
    "matmul_broadcast": (fnp.matmul, [(2, 1, 3, 4), (3, 4, 2)]),
    "matmul_vector": (fnp.matmul, [(4,), (3, 4, 2)]),
    "einsum": (lambda a, b: fnp.einsum("ijk,kjl->il", a, b), [(2, 3, 4), (4, 3, 5)]),
    "einsum_trace": (lambda a: fnp.einsum("ii->", a), [(3, 3)]),
    "tensordot": (lambda a, b: fnp.tensordot(a, b, axes=([1, 2], [1, 0])), [(2, 3, 4), (4, 3, 5)]),
    "vecdot": (fnp.vecdot, [(2, 3), (3,)]),
    "outer": (fnp.outer, [(3,), (2,)]),
    "linalg_outer": (LA.outer, [(3,), (2,)]),
}


@pytest.mark.parametrize("name", PRODUCTS)
def test_products_grads_match_finite_differences(name):
    f, shapes = PRODUCTS[name]
    check_grads(f, [fnp.asarray(x) for x in inputs(shapes)])


@pytest.mark.parametrize("name", ["matmul", "vecdot"])
def test_complex_products_grads_match_finite_differences(name):
    f, shapes = PRODUCTS[name]
    check_complex(f, *[fnp.asarray(z) for z in inputs(shapes, np.complex128)])


LINALG = {
    "cholesky": (LA.cholesky, lambda: [_posdef(3)]),
    "cholesky_upper": (lambda x: LA.cholesky(x, upper=True), lambda: [_posdef(3, (2,))]),
    "solve": (LA.solve, lambda: [fx_rand(3, 3), fx_rand(3, 2, seed=1)]),
    "solve_vector": (LA.solve, lambda: [fx_rand(3, 3), fx_rand(3, seed=1)]),
    "solve_broadcast": (LA.solve, lambda: [fx_rand(2, 3, 3), fx_rand(3, 2, seed=1)]),
    "inv": (LA.inv, lambda: [fx_rand(3, 3)]),
    "det": (LA.det, lambda: [fx_rand(2, 3, 3)]),
    "slogdet": (lambda x: LA.slogdet(x).logabsdet, lambda: [fx_rand(3, 3)]),
    "eigh": (lambda x: tuple(LA.eigh(x)), lambda: [fx_rand(3, 3)]),
    "eigvalsh": (LA.eigvalsh, lambda: [fx_rand(3, 3)]),
    "qr": (lambda x: tuple(LA.qr(x)), lambda: [fx_rand(4, 3)]),
    "qr_r": (lambda x: LA.qr(x, mode="r"), lambda: [fx_rand(4, 3)]),
    "svd": (lambda x: tuple(LA.svd(x, full_matrices=False)), lambda: [fx_rand(4, 3)]),
    "svdvals": (LA.svdvals, lambda: [fx_rand(3, 4)]),
    "pinv": (LA.pinv, lambda: [fx_rand(4, 3)]),
    "lstsq": (lambda a, b: LA.lstsq(a, b)[0], lambda: [fx_rand(4, 3), fx_rand(4, seed=1)]),
    "matrix_power_3": (lambda x: LA.matrix_power(x, 3), lambda: [fx_rand(3, 3)]),
    "matrix_power_-2": (lambda x: LA.matrix_power(x, -2), lambda: [fx_rand(3, 3)]),
    "vector_norm": (LA.norm, lambda: [fx_rand(5)]),
    "matrix_norm_batched": (lambda x: LA.matrix_norm(x, ord="nuc"), lambda: [fx_rand(2, 3, 4)]),
    **{f"norm_{o}": ((lambda o: lambda x: LA.norm(x, ord=o))(o), lambda: [fx_rand(3, 4)])
       for o in ["fro", "nuc", 1, -1, 2, -2, np.inf, -np.inf]},
}


@pytest.mark.parametrize("name", LINALG)
def test_linalg_grads_match_finite_differences(name):
    f, args = LINALG[name]
    check_grads(f, args())


@pytest.mark.parametrize("name", ["solve", "inv", "det", "eigvalsh", "svdvals", "pinv", "norm_nuc", "norm_2"])
def test_linalg_complex_grads_match_finite_differences(name):
    f, args = LINALG[name]
    check_complex(f, *[fx_rand(*x.shape, seed=i, dtype=np.complex128) for i, x in enumerate(args())])


@pytest.mark.parametrize("name", ["solve", "cholesky", "det"])
def test_linalg_float32_grads_match_finite_differences(name):
    f, args = LINALG[name]
    check_grads(f, [x.astype(np.float32) for x in args()])


# jax as an oracle -----------------------------------------------------------------------------
def _symmetric(x):
    return (x + x.mT) / 2


def _eigh_parts(w, v):
    # eigenvector signs are arbitrary: squares are what both libraries determine
    return v ** 2 * w


def _svd_parts(concatenate, u, s, vh):
    return concatenate([(u ** 2 * s).reshape(-1), (vh ** 2).reshape(-1)])


def _oracle_programs(jnp):
    """The same program in fluxion and in jax, and its input shapes. Factorizations that read
    one triangle get symmetric inputs (jax symmetrizes, fluxion reads the lower triangle)."""
    shift = 3 * np.eye(3)
    return {
        "matmul": (fnp.matmul, jnp.matmul, [(2, 3, 4), (4, 3)]),
        "cholesky": (lambda a: LA.cholesky(_symmetric(a) + shift),
                     lambda a: jnp.linalg.cholesky((a + a.T) / 2 + shift), [(3, 3)]),
        "solve": (LA.solve, jnp.linalg.solve, [(3, 3), (3, 2)]),
        "det": (LA.det, jnp.linalg.det, [(2, 3, 3)]),
        "eigh": (lambda a: _eigh_parts(*LA.eigh(_symmetric(a))),
                 lambda a: _eigh_parts(*jnp.linalg.eigh((a + a.T) / 2)), [(3, 3)]),
        "svd": (lambda a: _svd_parts(fnp.concatenate, *LA.svd(a, full_matrices=False)),
                lambda a: _svd_parts(jnp.concatenate, *jnp.linalg.svd(a, full_matrices=False)), [(4, 3)]),
        "svdvals": (LA.svdvals, lambda a: jnp.linalg.svd(a, compute_uv=False), [(3, 4)]),
    }


@pytest.mark.parametrize("name", ["matmul", "cholesky", "solve", "det", "eigh", "svd", "svdvals"])
def test_first_and_second_derivatives_match_jax(name):
    ours, theirs, shapes = _oracle_programs(jax_x64().numpy)[name]
    assert_derivatives_match_jax(ours, theirs, inputs(shapes), rtol=1e-9, atol=1e-11)


@pytest.mark.parametrize("matrix", [[[1.0, 2.0], [2.0, 4.0]], [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]]])
def test_determinant_derivatives_at_rank_deficient_matrices_match_jax(matrix):
    # the gradient of det at a matrix of rank n - 1 is its (nonzero) adjugate, not NaN
    assert_derivatives_match_jax(LA.det, jax_x64().numpy.linalg.det, [np.asarray(matrix)], rtol=1e-9, atol=1e-11)


def _cofactors(a):
    """The cofactor matrix from NumPy's determinants of the minors: the gradient of det."""
    n = len(a)
    minor = lambda i, j: np.delete(np.delete(a, i, 0), j, 1)  # noqa: E731
    return np.array([[(-1) ** (i + j) * np.linalg.det(minor(i, j)) for j in range(n)] for i in range(n)])


SINGULAR = {  # LU meets zero pivots, in various places: where one precedes the last, LU has no derivative
    "last pivot zero": [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [0.0, 0.0, 0.0]],
    "zero first column": [[0.0, 2.0], [0.0, 3.0]],
    "zero first column 3x3": [[0.0, 1.0, 2.0], [0.0, 3.0, 4.0], [0.0, 5.0, 7.0]],
    "nilpotent, two zero pivots": [[0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [0.0, 0.0, 0.0]],
    "rank 1": np.outer([1.0, 2.0, 3.0], [4.0, 5.0, 6.0]).tolist(),
    "rank 1, exact in float32": [[36.0, -42.0, 18.0], [-42.0, 49.0, -21.0], [18.0, -21.0, 9.0]],
    "zeros": np.zeros((3, 3)).tolist(),
    "zeros 2x2": np.zeros((2, 2)).tolist(),
    "1x1 zero": [[0.0]],
    "rank 2 of 4": [[1.0, 2.0, 3.0, 4.0], [2.0, 4.0, 6.0, 8.0], [0.0, 1.0, 0.0, 1.0], [0.0, 2.0, 0.0, 2.0]],
    "shift 4x4, rank 3 with every pivot zero": np.eye(4, k=1).tolist(),
    # singular, but LU's pivots are only rounding-small, not 0
    "rank 2 product": (np.random.default_rng(0).normal(size=(3, 2))
                       @ np.random.default_rng(1).normal(size=(2, 3))).tolist(),
    "rank 1 of random vectors": np.outer(*np.random.default_rng(2).normal(size=(2, 3))).tolist(),
}


@pytest.mark.parametrize("name", SINGULAR)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_determinant_gradient_at_singular_matrices_is_the_cofactor_matrix(name, dtype):
    a = np.asarray(SINGULAR[name], dtype)
    want = _cofactors(a.astype(np.float64))
    tol = 1e-12 if dtype == np.float64 else 1e-4
    for grad in (fx.grad(LA.det), fx.jit(fx.grad(LA.det))):
        np.testing.assert_allclose(np.asarray(grad(fnp.asarray(a))), want, rtol=tol, atol=tol)
    batched = fx.vmap(fx.grad(LA.det))(fnp.asarray(np.stack([a, np.eye(len(a), dtype=dtype)])))
    np.testing.assert_allclose(np.asarray(batched)[0], want, rtol=tol, atol=tol)


def _unit(n, k):
    e = np.zeros(n * n)
    e[k] = 1.0
    return e.reshape(n, n)


def _hessian_of_det(a):
    """The Hessian of det, [i, j, k, l]: a cofactor is affine in each entry, so its derivative
    along E_kl is exactly the difference of the cofactors of a + E_kl and of a."""
    n, c = len(a), _cofactors(a)
    return np.stack([_cofactors(a + _unit(n, k)) - c for k in range(n * n)], -1).reshape((n,) * 4)


def _third_derivative_of_det(a):
    """The third derivative of det, [i, j, k, l, p, q]: mixed second differences of the cofactors,
    exact for the same reason."""
    n, c = len(a), _cofactors(a)
    steps = [_unit(n, k) for k in range(n * n)]
    diffs = [[_cofactors(a + d + e) - _cofactors(a + d) - _cofactors(a + e) + c for e in steps] for d in steps]
    return np.asarray(diffs).transpose(2, 3, 0, 1).reshape((n,) * 6)


@pytest.mark.parametrize("name", SINGULAR)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_determinant_hessian_at_singular_matrices_is_exact(name, dtype):
    # det is a polynomial: its Hessian exists everywhere, also where LU has no derivative
    a = np.asarray(SINGULAR[name], dtype)
    want = _hessian_of_det(a.astype(np.float64))
    tol = 1e-12 if dtype == np.float64 else 1e-4
    compiled = [fx.jit(fx.hessian(LA.det))] if dtype == np.float64 else []  # (compiling takes most of the time)
    for hessian in [fx.hessian(LA.det), fx.jacrev(fx.jacrev(LA.det))] + compiled:
        got = hessian(fnp.asarray(a))
        assert got.dtype == dtype
        np.testing.assert_allclose(np.asarray(got), want, rtol=tol, atol=tol)


@pytest.mark.parametrize("name", [name for name, a in SINGULAR.items() if len(a) <= 3] + ["regular"])
def test_determinant_third_derivatives_are_exact(name):
    a = np.asarray(SINGULAR[name]) if name in SINGULAR else np.asarray(fx_rand(3, 3))
    want = _third_derivative_of_det(a)
    for third in (fx.jacfwd(fx.hessian(LA.det)), fx.jacrev(fx.jacrev(fx.jacrev(LA.det)))):
        np.testing.assert_allclose(np.asarray(third(fnp.asarray(a))), want, atol=1e-12)


@pytest.mark.parametrize("n", [2, 3, 4])
def test_nth_derivative_of_det_at_the_zero_matrix_is_the_sign_of_each_permutation(n):
    # det(sum of s_k E_k) has the term s_1 ... s_n exactly when the entries E_k are those of a permutation
    derivative = fx.jacrev(LA.det)
    for _ in range(n - 1):
        derivative = fx.jacfwd(derivative)
    want = np.zeros((n * n,) * n)
    for perm in itertools.permutations(range(n)):
        sign = np.linalg.det(np.eye(n)[list(perm)])
        for order in itertools.permutations(range(n)):
            want[tuple(i * n + perm[i] for i in order)] = sign
    np.testing.assert_array_equal(np.asarray(derivative(fnp.zeros((n, n)))).reshape(want.shape), want)


def test_determinant_derivatives_of_a_stack_under_vmap_and_jit():
    # matrices with no zero pivot, with one, and with several: the ways of computing the Hessian, side by side
    names = ["zeros", "zero first column 3x3", "last pivot zero", "rank 1"]
    stack = np.stack([np.asarray(SINGULAR[name]) for name in names] + [np.asarray(fx_rand(3, 3))])
    want = np.stack([_hessian_of_det(a) for a in stack])
    for hessians in (fx.vmap(fx.hessian(LA.det)), fx.jit(fx.vmap(fx.hessian(LA.det)))):
        np.testing.assert_allclose(np.asarray(hessians(fnp.asarray(stack))), want, atol=1e-12)
    # the determinants of a stack: each depends on its own matrix only
    whole = np.asarray(fx.hessian(lambda x: fnp.sum(LA.det(x)))(fnp.asarray(stack)))
    np.testing.assert_allclose(np.stack([whole[b, :, :, b] for b in range(len(stack))]), want, atol=1e-12)
    third = fx.vmap(fx.jacfwd(fx.hessian(LA.det)))(fnp.asarray(stack))
    np.testing.assert_allclose(np.asarray(third), np.stack([_third_derivative_of_det(a) for a in stack]), atol=1e-12)


@pytest.mark.parametrize("matrix", [np.zeros((3, 3), complex), [[0.0, 1j, 2.0], [0.0, 3.0, 4j], [0.0, 5.0, 7.0]],
                                    np.outer([1.0, 2j, 3.0], [4.0, 5.0, 6j])])
def test_complex_determinant_hessian_at_singular_matrices_is_exact(matrix):
    a = np.asarray(matrix, np.complex128)
    hessian = fx.jacfwd(fx.jacfwd(LA.det, holomorphic=True), holomorphic=True)
    np.testing.assert_allclose(np.asarray(hessian(fnp.asarray(a))), _hessian_of_det(a), atol=1e-12)


@pytest.mark.parametrize("name", [name for name, a in SINGULAR.items() if 2 <= len(a) <= 3])
def test_determinant_derivatives_at_singular_matrices_match_jax(name):
    # jax's det of a 2x2 or 3x3 matrix is its explicit polynomial, so all its derivatives are exact
    assert_derivatives_match_jax(LA.det, jax_x64().numpy.linalg.det, [np.asarray(SINGULAR[name])],
                                 rtol=1e-9, atol=1e-11)
