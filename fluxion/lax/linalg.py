"""`fluxion.lax.linalg`: jax.lax.linalg's functions, with its names, arguments and output order.

The factorizations bind fluxion's linear-algebra primitives (`cholesky`, `eigh`, `eig`, `lu`,
`qr`, `svd`, `triangular_solve`, `schur`); the rest is composed from fluxion operations:
the Householder reductions (`hessenberg`, `tridiagonal`) and products (`householder_product`,
`ormqr`) in LAPACK's packed form, column pivoting for `qr`, the Givens rotations of
`cholesky_update` and the QDWH iteration of `qdwh`. So everything differentiates, batches
over leading dimensions and compiles. As in jax, a singular or indefinite input gives
inf/NaN, not an error; keywords that choose an implementation (`implementation`,
`use_magma`, `algorithm`) are accepted and ignored.

Differences from jax.lax.linalg: `eigh(subset_by_index=)` and `svd(subset_by_index=)` work
(by slicing the full decomposition; jax refuses them on CPU and GPU); eigenvectors of `eig`
are always differentiable (where the eigenvalues are distinct), `enable_eigvec_derivs` is
accepted; `tridiagonal_solve` solves through a dense LU (O(m^3)), without
`perturb_singular`; `qdwh` takes no `dynamic_shape`.

>>> import fluxion.numpy as fnp
>>> from fluxion.lax import linalg
>>> v, w = linalg.eigh(fnp.asarray([[2.0, 1.0], [1.0, 2.0]]))
>>> w.tolist()
[1.0, 3.0]
"""
from __future__ import annotations

import enum
import math

import ml_dtypes

from .. import numpy as fnp
from ..control import while_loop
from ..core import dtypes as D
from ..core.array import Array
from ..core.errors import DTypeError, ShapeError, op_error
from ..numpy._linalg_util import _ct
from ..numpy.linalg import _hermitian_part as _symmetrize
from ..ops import linalg as L
from ..ops import linalg_schur as LS
from ..ops import shape as S
from ..ops._util import check_dtype
from ..ops.linalg import _matrices
from ..transforms.autodiff import stop_gradient
from ._operands import ArrayLike, as_array, operands

__all__ = ["EigImplementation", "EighImplementation", "SvdAlgorithm", "cholesky", "cholesky_update", "eig", "eigh",
           "geqrf", "hessenberg", "householder_product", "lu", "lu_pivots_to_permutation", "ormqr", "qdwh", "qr",
           "schur", "svd", "symmetric_product", "triangular_solve", "tridiagonal", "tridiagonal_solve"]


class EigImplementation(enum.Enum):
    """Choices of jax's `eig` implementation; accepted and ignored."""
    CUSOLVER = "cusolver"
    MAGMA = "magma"
    LAPACK = "lapack"


class EighImplementation(enum.Enum):
    """Choices of jax's `eigh` implementation; accepted and ignored."""
    QR = "qr"
    JACOBI = "jacobi"
    QDWH = "qdwh"


class SvdAlgorithm(enum.Enum):
    """Choices of jax's `svd` algorithm; accepted and ignored."""
    DEFAULT = "default"
    QR = "QR"
    JACOBI = "Jacobi"
    POLAR = "polar"
    DIVIDE_AND_CONQUER = "divide_and_conquer"


# helpers --------------------------------------------------------------------------------------
def _checked(op: str, x, square: bool = True) -> Array:
    """`x` as an Array of floating (square) matrices, else an error naming the fix."""
    x = as_array(x)
    _matrices(op, x, square)
    return x


def _same_dtype(op: str, *xs) -> list[Array]:
    """`xs` as Arrays of one floating dtype (Python scalars adapt, as in jax.lax)."""
    xs = operands(*xs)
    if len({x.dtype for x in xs}) > 1:
        raise op_error(DTypeError, op, f"operands have dtypes {', '.join(str(x.dtype) for x in xs)}",
                       "convert them to one dtype with .astype(...)")
    check_dtype(op, xs[0].dtype, D.FLOATING)
    return xs


def _index_range(op: str, subset_by_index, n: int) -> tuple[int, int]:
    lo, hi = (int(i) for i in subset_by_index)
    if not 0 <= lo <= hi <= n:
        raise op_error(ValueError, op, f"subset_by_index {tuple(subset_by_index)} is no range [start, end) of "
                       f"{n} indices", f"pass (start, end) with 0 <= start <= end <= {n}")
    return lo, hi


def _column(x: Array, j: Array) -> Array:
    """The column `j[...]` of each matrix in `x`, shape (..., m, 1)."""
    return fnp.take_along_axis(x, j[..., None, None], -1)


def _swap(perm: Array, i: int, j: Array) -> Array:
    """`perm` with its entries at position `i` and at positions `j[...]` exchanged."""
    pos = fnp.arange(perm.shape[-1], dtype=perm.dtype)
    at_i = perm[..., i:i + 1]
    at_j = fnp.take_along_axis(perm, j[..., None], -1)
    return fnp.where(pos == i, at_j, fnp.where(pos == j[..., None], at_i, perm))


# factorizations on fluxion's primitives -------------------------------------------------------
def cholesky(x: ArrayLike, *, symmetrize_input: bool = True) -> Array:
    """The lower Cholesky factor L of Hermitian positive-definite matrices, `x = L L^H`.

    `symmetrize_input` factors `(x + x^H) / 2`; otherwise only the lower triangle is read. A
    matrix that is not positive definite gives NaN in the lower triangle, as in jax.

    >>> import fluxion.numpy as fnp
    >>> cholesky(fnp.asarray([[4.0, 2.0], [2.0, 5.0]])).tolist()
    [[2.0, 0.0], [1.0, 2.0]]
    """
    x = _checked("cholesky", x)
    return L.cholesky(_symmetrize(x) if symmetrize_input else x)


def eig(x: ArrayLike, *, compute_left_eigenvectors: bool = True, compute_right_eigenvectors: bool = True,
        enable_eigvec_derivs: bool = False, implementation=None, use_magma=None) -> list[Array]:
    """Eigenvalues `w` of general square matrices with, as asked, the left eigenvectors `vl`
    (`vl^H x = w vl^H`) and the right ones `vr` (`x vr = vr w`): the list `[w, vl, vr]` less
    those not computed. All complex, with unit columns; those of `vl` have their largest
    component real and positive (jax's, from LAPACK, may have it negative). Eigenvectors
    differentiate whatever `enable_eigvec_derivs` (jax needs it).

    >>> import fluxion.numpy as fnp
    >>> w, vl, vr = eig(fnp.asarray([[2.0, 0.0], [0.0, 3.0]]))
    >>> w.tolist()
    [(2+0j), (3+0j)]
    """
    x = _checked("eig", x)
    if not (compute_left_eigenvectors or compute_right_eigenvectors):
        return list(L.eig(x, vectors=False))
    w, vr = L.eig(x)
    out = [w]
    if compute_left_eigenvectors:  # the rows of vr^-1 are the left eigenvectors, in the order of w
        out.append(_normalized(_ct(fnp.linalg.inv(vr))))
    if compute_right_eigenvectors:
        out.append(vr)
    return out


def _normalized(v: Array) -> Array:
    """The columns of `v` scaled to unit norm with their largest component real and positive."""
    if not v.shape[-2]:
        return v
    v = v / fnp.linalg.norm(v, axis=-2, keepdims=True)
    big = fnp.take_along_axis(v, fnp.argmax(fnp.abs(v), axis=-2)[..., None, :], -2)
    return v * (fnp.conj(big) / fnp.abs(big))


def eigh(x: ArrayLike, *, lower: bool = True, symmetrize_input: bool = True, sort_eigenvalues: bool = True,
         subset_by_index: tuple[int, int] | None = None, implementation=None) -> tuple[Array, Array]:
    """Eigenvectors and eigenvalues `(v, w)` of Hermitian matrices, `w` real and ascending.

    `symmetrize_input` decomposes `(x + x^H) / 2`; otherwise only the `lower` (or upper)
    triangle is read. `subset_by_index=(start, end)` keeps the pairs start..end-1 (jax refuses
    it on CPU and GPU). The eigenvalues are always sorted.

    >>> import fluxion.numpy as fnp
    >>> v, w = eigh(fnp.asarray([[2.0, 1.0], [1.0, 2.0]]), subset_by_index=(1, 2))
    >>> w.tolist()
    [3.0]
    """
    x = _checked("eigh", x)
    v, w = L.eigh(_symmetrize(x) if symmetrize_input else x, lower=lower)
    if subset_by_index is not None:
        lo, hi = _index_range("eigh", subset_by_index, w.shape[-1])
        v, w = v[..., lo:hi], w[..., lo:hi]
    return v, w


def lu(x: ArrayLike) -> tuple[Array, Array, Array]:
    """LU with partial pivoting of matrices (..., m, n): `(lu, pivots, permutation)`, with
    `x[..., permutation, :] == L @ U`; `lu` packs unit-lower L below its diagonal and U, the
    int32 `pivots[i]` is the row swapped with row i.

    >>> import fluxion.numpy as fnp
    >>> packed, pivots, permutation = lu(fnp.asarray([[1.0, 2.0], [3.0, 4.0]]))
    >>> pivots.tolist(), permutation.tolist()
    ([1, 1], [1, 0])
    """
    return tuple(L.lu(_checked("lu", x, square=False)))


def lu_pivots_to_permutation(pivots: ArrayLike, permutation_size: int) -> Array:
    """The permutation of `permutation_size` rows that the row swaps `pivots` (..., k) make,
    int32 (..., permutation_size).

    >>> import fluxion.numpy as fnp
    >>> lu_pivots_to_permutation(fnp.asarray([2, 2, 2], dtype=fnp.int32), 5).tolist()
    [2, 0, 1, 3, 4]
    """
    pivots = as_array(pivots)
    check_dtype("lu_pivots_to_permutation", pivots.dtype, D.INTEGER)
    k, size = (pivots.shape[-1] if pivots.ndim else None), int(permutation_size)
    if k is None or size < k:
        raise op_error(ShapeError, "lu_pivots_to_permutation", f"needs pivots of shape (..., k) with k <= "
                       f"permutation_size = {size}, got shape {pivots.shape}",
                       "pass lu's pivots and a permutation_size of at least their number")
    pivots = pivots.astype(D.int32)
    perm = fnp.broadcast_to(fnp.arange(size, dtype=D.int32), pivots.shape[:-1] + (size,))
    for i in range(k):
        perm = _swap(perm, i, pivots[..., i])
    return perm


def qr(x: ArrayLike, *, pivoting: bool = False, full_matrices: bool = True, use_magma=None):
    """QR decomposition `(q, r)` of matrices (..., m, n); with `pivoting`, `(q, r, p)` where
    `x[..., :, p] == q @ r` and the diagonal of `r` does not grow in magnitude (`p` int32).

    `q` is (..., m, m) and `r` (..., m, n) with `full_matrices`, else (..., m, k) and (..., k, n),
    k = min(m, n). The pivots are chosen as LAPACK's geqp3 does (the remaining column of largest
    norm, the first of ties) and are constants for derivatives.

    >>> import fluxion.numpy as fnp
    >>> q, r, p = qr(fnp.asarray([[1.0, 3.0], [0.0, 4.0]]), pivoting=True)
    >>> p.tolist()
    [1, 0]
    """
    x = _checked("qr", x, square=False)
    if not pivoting:
        return tuple(L.qr(x, full_matrices=full_matrices))
    p = _column_pivots(stop_gradient(x))
    q, r = L.qr(fnp.take_along_axis(x, p[..., None, :], -1), full_matrices=full_matrices)
    return q, r, p


def _column_pivots(x: Array) -> Array:
    """geqp3's column order: at step i, the column of largest norm once the span of the chosen
    ones is projected out, swapped into position i."""
    m, n = x.shape[-2:]
    perm = fnp.broadcast_to(fnp.arange(n, dtype=D.int32), x.shape[:-2] + (n,))
    later = fnp.arange(n)
    rest = x
    for i in range(min(m, n)):
        norms = fnp.take_along_axis(fnp.sum(fnp.abs(rest) ** 2, axis=-2), perm, -1)
        perm = _swap(perm, i, fnp.argmax(fnp.where(later >= i, norms, -1), axis=-1).astype(D.int32))
        q = _column(rest, perm[..., i])
        size = fnp.linalg.norm(q, axis=-2, keepdims=True)
        q = fnp.where(size == 0, 0, q / fnp.where(size == 0, 1, size))
        rest = rest - q @ (_ct(q) @ rest)
    return perm


def svd(x: ArrayLike, *, full_matrices: bool = True, compute_uv: bool = True,
        subset_by_index: tuple[int, int] | None = None, algorithm=None):
    """Singular value decomposition `(u, s, vh)`, `x = u @ diag(s) @ vh` with `s` descending; `s`
    alone without `compute_uv`. `subset_by_index=(start, end)` keeps the values start..end-1
    and their vectors (with `full_matrices=False`, as jax requires; jax refuses it on CPU).

    >>> import fluxion.numpy as fnp
    >>> svd(fnp.asarray([[3.0, 0.0], [0.0, -4.0]]), compute_uv=False).tolist()
    [4.0, 3.0]
    """
    out = fnp.linalg.svd(_checked("svd", x, square=False), full_matrices, compute_uv,
                         subset_by_index=subset_by_index)
    return tuple(out) if compute_uv else out


def triangular_solve(a: ArrayLike, b: ArrayLike, *, left_side: bool = False, lower: bool = False,
                     transpose_a: bool = False, conjugate_a: bool = False, unit_diagonal: bool = False) -> Array:
    """Solve `op(a) @ x = b` (`left_side`) or `x @ op(a) = b` (the default, as in jax) for the
    triangular matrices `a` (..., m, m): `op(a)` is `a`, transposed with `transpose_a`,
    conjugated with `conjugate_a`; only the `lower` (or upper) triangle is read, and
    `unit_diagonal` takes the diagonal as ones. A `b` of one axis fewer than `a` is a vector
    (..., m), as in jax.

    >>> import fluxion.numpy as fnp
    >>> triangular_solve(fnp.asarray([[2.0, 0.0], [1.0, 1.0]]), fnp.asarray([[2.0], [3.0]]),
    ...                  left_side=True, lower=True).tolist()
    [[1.0], [2.0]]
    """
    a, b = operands(a, b)
    vector = b.ndim == a.ndim - 1
    if vector:
        b = S.expand_dims(b, (b.ndim if left_side else b.ndim - 1,))
    x = L.triangular_solve(a, b, left_side=left_side, lower=lower, transpose_a=transpose_a,
                           conjugate_a=conjugate_a, unit_diagonal=unit_diagonal)
    return S.squeeze(x, (x.ndim - 1 if left_side else x.ndim - 2,)) if vector else x


def schur(x: ArrayLike, *, compute_schur_vectors: bool = True, sort_eig_vals: bool = False,
          select_callable=None) -> list[Array]:
    """The Schur decomposition `[t, q]`, `x = q t q^H` (`[t]` without `compute_schur_vectors`):
    `t` upper triangular, for real `x` real and quasi-triangular (a 2x2 block per pair of complex
    eigenvalues). `sort_eig_vals` and `select_callable` are unused, as in jax.

    >>> import fluxion.numpy as fnp
    >>> t, q = schur(fnp.asarray([[1.0, 2.0], [0.0, 3.0]]))
    >>> fnp.diagonal(t).tolist()
    [1.0, 3.0]
    """
    t, q = LS.schur(_checked("schur", x))
    return [t, q] if compute_schur_vectors else [t]


# products -------------------------------------------------------------------------------------
def symmetric_product(a_matrix: ArrayLike, c_matrix: ArrayLike, *, alpha: float = 1.0, beta: float = 0.0,
                      symmetrize_output: bool = False) -> Array:
    """`alpha * a @ a^T + beta * c` for real matrices `a` (..., m, n) and symmetric `c` (..., m, m);
    `symmetrize_output` mirrors the lower triangle into the upper one.

    >>> import fluxion.numpy as fnp
    >>> symmetric_product(fnp.asarray([[1.0], [2.0]]), fnp.eye(2), beta=1.0).tolist()
    [[2.0, 2.0], [2.0, 5.0]]
    """
    a, c = _same_dtype("symmetric_product", a_matrix, c_matrix)
    check_dtype("symmetric_product", a.dtype, D.REAL_FLOATING)
    m = a.shape[-2] if a.ndim >= 2 else None
    if m is None or c.shape != a.shape[:-2] + (m, m):
        raise op_error(ShapeError, "symmetric_product", f"needs a of shape (..., m, n) and c of shape (..., m, m), got "
                       f"{a.shape} and {c.shape}", "give c one row and one column per row of a, and a's batch shape")
    out = alpha * (a @ fnp.matrix_transpose(a)) + beta * c
    if symmetrize_output:
        below = fnp.tril(out)
        out = below + fnp.matrix_transpose(fnp.tril(out, -1))
    return out


def cholesky_update(r_matrix: ArrayLike, w_vector: ArrayLike) -> Array:
    """The upper Cholesky factor of `r^T r + w w^T` from the upper factor `r` (..., n, n) of
    `r^T r`, by n Givens rotations (O(n^2)).

    >>> import fluxion.numpy as fnp
    >>> cholesky_update(fnp.asarray([[1.0, 0.0], [0.0, 1.0]]), fnp.asarray([0.0, 1.0])).tolist()
    [[1.0, 0.0], [0.0, 1.4142135381698608]]
    """
    r, w = _same_dtype("cholesky_update", r_matrix, w_vector)
    check_dtype("cholesky_update", r.dtype, D.REAL_FLOATING)
    _matrices("cholesky_update", r, True)
    if w.shape != r.shape[:-1]:
        raise op_error(ShapeError, "cholesky_update", f"r has shape {r.shape} so w must have shape {r.shape[:-1]}, "
                       f"got {w.shape}", "pass one vector entry per row of r")
    for k in range(r.shape[-1]):
        x, y = r[..., k, k], w[..., k]
        keep = y == 0  # no rotation, as jax
        size = fnp.where(keep, 1, fnp.hypot(x, y))
        c, s = fnp.where(keep, 1, x / size)[..., None], fnp.where(keep, 0, y / size)[..., None]
        row = r[..., k, :]
        r = r.at[..., k, :].set(c * row + s * w)
        w = c * w - s * row
    return r


def tridiagonal_solve(dl: ArrayLike, d: ArrayLike, du: ArrayLike, b: ArrayLike, *,
                      perturb_singular: bool = False) -> Array:
    """Solve `A x = b` for tridiagonal A with lower diagonal `dl` (`dl[0]` unused), diagonal `d`
    and upper diagonal `du` (`du[-1]` unused), all (..., m), and `b` (..., m, n).

    Through LU with partial pivoting of the dense A (O(m^3)); a singular A gives inf/NaN.
    `perturb_singular=True` is not available.

    >>> import fluxion.numpy as fnp
    >>> tridiagonal_solve(fnp.asarray([0.0, 1.0]), fnp.asarray([2.0, 2.0]), fnp.asarray([1.0, 0.0]),
    ...                   fnp.asarray([[3.0], [3.0]])).tolist()
    [[1.0], [1.0]]
    """
    if perturb_singular:
        raise op_error(NotImplementedError, "tridiagonal_solve", "perturb_singular=True is not available",
                       "pass perturb_singular=False (a singular system then gives inf/NaN)")
    dl, d, du, b = _same_dtype("tridiagonal_solve", dl, d, du, b)
    if d.ndim < 1 or dl.shape != d.shape or du.shape != d.shape or b.shape[:-1] != d.shape or b.ndim != d.ndim + 1:
        raise op_error(ShapeError, "tridiagonal_solve", f"needs dl, d, du of one shape (..., m) and b of shape "
                       f"(..., m, n), got {dl.shape}, {d.shape}, {du.shape} and {b.shape}",
                       "pass the three diagonals with m entries each and b with m rows")
    m = d.shape[-1]
    row, col = fnp.arange(m)[:, None], fnp.arange(m)[None, :]
    a = fnp.where(col == row, d[..., :, None], fnp.where(col == row - 1, dl[..., :, None],
                                                         fnp.where(col == row + 1, du[..., :, None], 0)))
    return fnp.linalg.solve(a, b)


# Householder reflections (LAPACK's conventions) -------------------------------------------------
def _reflector(alpha: Array, x: Array) -> tuple[Array, Array, Array]:
    """LAPACK's larfg: `(beta, tau, v)` with `H = I - tau [1, v] [1, v]^H`, `H^H [alpha, x] =
    [beta, 0]`, beta real; H = I (tau 0) where x is zero and alpha real."""
    re, im = fnp.real(alpha), fnp.imag(alpha)
    square = fnp.sum(fnp.abs(x) ** 2, axis=-1)
    plain = (square == 0) & (im == 0)
    beta = -fnp.copysign(fnp.sqrt(fnp.where(plain, 1, re * re + im * im + square)), re)
    safe = fnp.where(plain, 1, beta)
    tau = fnp.where(plain, 0, (safe - alpha) / safe)
    v = x / fnp.where(plain, 1, alpha - safe)[..., None]
    return fnp.where(plain, alpha, beta.astype(alpha.dtype)), tau.astype(alpha.dtype), v


def _hessenberg(a: Array) -> tuple[Array, Array]:
    """LAPACK's gehrd: `q^H a q` upper Hessenberg with its reflectors packed below the first
    subdiagonal (`v` of step i has zeros before i + 1 and 1 at i + 1), and their `taus`."""
    return _reflected(a, a.shape[-1] - 1, 1, both_sides=True)


def _reflected(a: Array, steps: int, below: int, both_sides: bool = False) -> tuple[Array, Array]:
    """`a` after `steps` Householder reflections H_i^H a (H_i^H a H_i if `both_sides`), H_i taking
    column i's entries from row i + `below` down to beta e_1, with the reflectors' vectors packed
    below that row (the 1 leading each left out) and their factors `taus` (..., steps)."""
    later, taus = fnp.arange(a.shape[-1]), []
    for i in range(steps):
        row = i + below
        beta, tau, tail = _reflector(a[..., row, i], a[..., row + 1:, i])
        v = fnp.concatenate([fnp.zeros(a.shape[:-2] + (row,), a.dtype), fnp.ones(a.shape[:-2] + (1,), a.dtype),
                             tail], -1)[..., :, None]
        t = tau[..., None, None]
        if both_sides:
            a = a - ((a @ v) * t) @ _ct(v)  # a H
        # H^H a, sparing the columns up to i, whose rows below `row` hold the earlier vectors
        a = fnp.where(later > i, a - (fnp.conj(t) * v) @ (_ct(v) @ a), a)
        a = a.at[..., row:, i].set(fnp.concatenate([beta[..., None], tail], -1))
        taus.append(tau)
    return a, (fnp.stack(taus, -1) if taus else fnp.zeros(a.shape[:-2] + (0,), a.dtype))


def geqrf(a: ArrayLike) -> tuple[Array, Array]:
    """QR decomposition packed as LAPACK's geqrf: `(a, taus)`, `a` holding R on and above its
    diagonal and the Householder vectors below, `taus` (..., min(m, n)) their factors.
    `householder_product(a, taus)` is Q's first columns, as many as `a` has (m >= n).

    >>> import fluxion.numpy as fnp
    >>> r, taus = geqrf(fnp.asarray([[3.0], [4.0]]))
    >>> r.tolist(), taus.tolist()
    ([[-5.0], [0.5]], [1.6])
    """
    a = _checked("geqrf", a, square=False)
    return _reflected(a, min(a.shape[-2:]), 0)


def hessenberg(a: ArrayLike) -> tuple[Array, Array]:
    """Reduction to upper Hessenberg form, packed as LAPACK's gehrd: `(a, taus)`, `a` holding
    the Hessenberg matrix on and above its first subdiagonal and the Householder vectors below,
    `taus` (..., n - 1) their factors. `householder_product(a[..., 1:, :-1], taus)` is the
    unitary `q` (less its first row and column, those of the identity) with `x = q h q^H`.

    >>> import fluxion.numpy as fnp
    >>> h, taus = hessenberg(fnp.asarray([[1.0, 2.0], [3.0, 4.0]]))
    >>> h.tolist(), taus.tolist()
    ([[1.0, 2.0], [3.0, 4.0]], [0.0])
    """
    return _hessenberg(_checked("hessenberg", a))


def tridiagonal(a: ArrayLike, *, lower: bool = True) -> tuple[Array, Array, Array, Array]:
    """Reduction of Hermitian matrices to real tridiagonal form, as LAPACK's hetrd: `(a, d, e,
    taus)`. Only the `lower` (or upper) triangle is read and the other is returned unchanged;
    `d` is the diagonal, `e` the first sub- (or super-) diagonal, both real, and the Householder
    vectors are packed beyond it with their factors `taus` (..., n - 1).

    >>> import fluxion.numpy as fnp
    >>> a, d, e, taus = tridiagonal(fnp.asarray([[2.0, 1.0], [1.0, 3.0]]))
    >>> d.tolist(), e.tolist()
    ([2.0, 3.0], [1.0])
    """
    a = _checked("tridiagonal", a)
    if not lower:  # the upper reduction is the lower one of the matrix with rows and columns reversed
        out = tridiagonal(fnp.flip(a, (-2, -1)), lower=True)
        return (fnp.flip(out[0], (-2, -1)),) + tuple(fnp.flip(y, -1) for y in out[1:])
    n = a.shape[-1]
    below, diag = fnp.tri(n, k=-1, dtype=bool), fnp.eye(n, dtype=bool)
    full = fnp.where(below, a, fnp.where(diag, fnp.real(a).astype(a.dtype), _ct(a)))
    packed, taus = _hessenberg(full)
    d = fnp.real(fnp.diagonal(packed, 0, -2, -1))
    e = fnp.real(fnp.diagonal(packed, -1, -2, -1))
    return fnp.where(below, packed, fnp.where(diag, d.astype(a.dtype)[..., None, :], a)), d, e, taus


def _reflectors(op: str, a, taus) -> tuple[Array, Array, Array]:
    """Checked `(a, taus)` and the Householder vectors as the columns of `v` (..., m, k)."""
    a, taus = _same_dtype(op, a, taus)
    _matrices(op, a, False)
    m, n = a.shape[-2:]
    k = taus.shape[-1] if taus.ndim else None
    if k is None or taus.shape[:-1] != a.shape[:-2] or k > min(m, n):
        raise op_error(ShapeError, op, f"a has shape {a.shape} so taus must have shape (..., k) with the batch "
                       f"shape {a.shape[:-2]} and k <= {min(m, n)}, got {taus.shape}",
                       "pass one factor per Householder vector (column of a)")
    v = fnp.tril(a[..., :, :k], -1) + fnp.eye(m, k, dtype=a.dtype)
    return a, taus, v


def _apply(v: Array, taus: Array, c: Array, left: bool, adjoint: bool) -> Array:
    """`q c`, `q^H c`, `c q` or `c q^H` for `q = H_0 ... H_{k-1}`, `H_i = I - tau_i v_i v_i^H`."""
    k = taus.shape[-1]
    forward = left == adjoint  # q^H c and c q take H_0 first
    for i in (range(k) if forward else reversed(range(k))):
        vi, t = v[..., :, i:i + 1], taus[..., i, None, None]
        t = fnp.conj(t) if adjoint else t
        c = c - (t * vi) @ (_ct(vi) @ c) if left else c - ((c @ vi) * t) @ _ct(vi)
    return c


def householder_product(a: ArrayLike, taus: ArrayLike) -> Array:
    """The first n columns of `q = H_0 ... H_{k-1}`, `H_i = I - taus[i] v_i v_i^H`, with `v_i` the
    column i of `a` (..., m, n) below its diagonal and 1 on it (LAPACK's orgqr).

    >>> import fluxion.numpy as fnp
    >>> householder_product(fnp.asarray([[1.0], [1.0]]), fnp.asarray([1.0])).tolist()
    [[0.0], [-1.0]]
    """
    a, taus, v = _reflectors("householder_product", a, taus)
    m, n = a.shape[-2:]
    if m < n:
        raise op_error(ShapeError, "householder_product", f"needs a of shape (..., m, n) with m >= n, got {a.shape}",
                       "pass a tall (or square) matrix of Householder vectors")
    return _apply(v, taus, fnp.broadcast_to(fnp.eye(m, n, dtype=a.dtype), a.shape), True, False)


def ormqr(a: ArrayLike, taus: ArrayLike, c: ArrayLike, *, left: bool = True, transpose: bool = False) -> Array:
    """`q @ c` (`left`) or `c @ q`, with `q^H` for `transpose`, where `q` is the m x m product of
    the Householder reflectors of `a` and `taus` (see `householder_product`), without forming q.

    >>> import fluxion.numpy as fnp
    >>> ormqr(fnp.asarray([[1.0], [1.0]]), fnp.asarray([1.0]), fnp.eye(2)).tolist()
    [[0.0, -1.0], [-1.0, 0.0]]
    """
    a, taus, v = _reflectors("ormqr", a, taus)
    c = as_array(c)
    m = a.shape[-2]
    if c.dtype != a.dtype or c.ndim < 2 or c.shape[-2 if left else -1] != m or c.shape[:-2] != a.shape[:-2]:
        side = f"(..., {m}, n)" if left else f"(..., n, {m})"
        raise op_error(ShapeError if c.dtype == a.dtype else DTypeError, "ormqr", f"a has shape {a.shape} and dtype "
                       f"{a.dtype} so c must be {side} of that dtype and batch shape, got {c.shape} {c.dtype}",
                       "pass c with as many " + ("rows" if left else "columns") + " as a, or flip left=")
    return _apply(v, taus, c, left, transpose)


# polar decomposition ----------------------------------------------------------------------------
_QR_CUTOFF = 100.0  # above this c, the QR form of a step is the stable one


def _qdwh_schedule(eps: float, max_iterations: int) -> list[tuple[float, float, float]]:
    """The weights (a, b, c) of the dynamically weighted Halley steps, from the lower bound
    `eps` on the smallest singular value of the scaled matrix until that bound reaches 1."""
    bound, tol, steps = eps, 5.0 * eps, []
    while bound + tol < 1 and len(steps) < max_iterations:
        l2 = bound * bound
        dd = (4 * (1 / l2 - 1) / l2) ** (1 / 3)
        sqd = math.sqrt(1 + dd)
        a = sqd + math.sqrt(2 - dd + 2 * (2 - l2) / (l2 * sqd))
        b = (a - 1) ** 2 / 4
        c = a + b - 1
        bound = bound * (a + b * l2) / (1 + c * l2)
        steps.append((a, b, c))
    return steps


def _halley_qr(u: Array, a: float, b: float, c: float) -> Array:
    n = u.shape[-1]
    q, _ = L.qr(fnp.concatenate([math.sqrt(c) * u, fnp.eye(n, dtype=u.dtype)], -2), full_matrices=False)
    return (b / c) * u + ((a - b / c) / math.sqrt(c)) * (q[..., :-n, :] @ _ct(q[..., -n:, :]))


def _halley_cholesky(u: Array, a, b, c) -> Array:
    """`(b/c) u + (a - b/c) u (I + c u^H u)^-1`, the inverse through the Cholesky factor."""
    w = L.cholesky(c * (_ct(u) @ u) + fnp.eye(u.shape[-1], dtype=u.dtype))
    y = L.triangular_solve(w, u, left_side=False, lower=True, transpose_a=True, conjugate_a=True,
                           unit_diagonal=False)
    y = L.triangular_solve(w, y, left_side=False, lower=True, transpose_a=False, conjugate_a=False,
                           unit_diagonal=False)
    return (b / c) * u + (a - b / c) * y


def qdwh(x: ArrayLike, *, is_hermitian: bool = False, max_iterations: int | None = None, eps: float | None = None,
         dynamic_shape: tuple[int, int] | None = None):
    """The polar decomposition `x = u h` of a full-rank matrix (m, n), m >= n, by the QR-based
    dynamically weighted Halley iteration: `(u, h, num_iters, is_converged)`, `u` with orthonormal
    columns, `h` Hermitian positive semi-definite. Steps stop when `u` moves by less than
    (5 eps)^(1/3) in the Frobenius norm or after `max_iterations` (10); `is_hermitian` is unused.

    >>> import fluxion.numpy as fnp
    >>> u, h, num_iters, is_converged = qdwh(fnp.asarray([[2.0, 0.0], [0.0, -3.0]], dtype=fnp.float64))
    >>> fnp.round(u, 6).tolist(), fnp.round(h, 6).tolist(), bool(is_converged)
    ([[1.0, 0.0], [0.0, -1.0]], [[2.0, 0.0], [0.0, 3.0]], True)
    """
    if dynamic_shape is not None:
        raise op_error(NotImplementedError, "qdwh", "dynamic_shape is not available",
                       "slice x to its true shape, x[:m, :n], and pass dynamic_shape=None")
    x = _checked("qdwh", x, square=False)
    if x.ndim != 2 or x.shape[0] < x.shape[1]:
        raise op_error(ShapeError, "qdwh", f"needs one matrix of shape (m, n) with m >= n, got {x.shape}",
                       "pass a tall or square matrix (the conjugate transpose of a wide one; fluxion.vmap for a batch)")
    eps = float(ml_dtypes.finfo(x.dtype).eps) if eps is None else float(eps)
    max_iterations = 10 if max_iterations is None else int(max_iterations)
    # scaled so that its 2-norm is at most 1: ||x||_2 <= sqrt(||x||_1 ||x||_inf)
    scale = fnp.sqrt(fnp.linalg.norm(x, 1) * fnp.linalg.norm(x, fnp.inf))
    u = x / fnp.where(scale == 0, 1, scale).astype(x.dtype)
    tol = (5.0 * eps) ** (1 / 3)
    moving = fnp.asarray(True)
    steps = _qdwh_schedule(eps, max_iterations)
    for a, b, c in steps:
        if c > _QR_CUTOFF:
            u = _halley_qr(u, a, b, c)
        else:
            u, previous = _halley_cholesky(u, a, b, c), u
            moving = fnp.linalg.norm(u - previous) > tol

    def halley(state):  # once the bound is 1, the weights are Halley's (3, 1, 3)
        k, u, _ = state
        new = _halley_cholesky(u, 3.0, 1.0, 3.0)
        return k + 1, new, fnp.linalg.norm(new - u) > tol
    num_iters, u, moving = while_loop(lambda s: s[2] & (s[0] < max_iterations), halley,
                                      (fnp.asarray(len(steps)), u, moving))
    u = 1.5 * u - 0.5 * (u @ (_ct(u) @ u))  # one Newton-Schulz step, for orthonormality
    h = _symmetrize(_ct(u) @ x)
    return u, h, num_iters, ~moving


def __dir__():  # the public names only, not the modules and helpers the code imports
    return __all__
