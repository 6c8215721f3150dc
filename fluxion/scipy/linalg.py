"""fluxion.scipy.linalg: SciPy's linear algebra names over fluxion's factorizations.

Factorizations come from the primitives (`cholesky`, `lu`, `triangular_solve`, `eigh`, and the
Schur-based ones of `_schur.py`), so every function here batches over leading axes and compiles,
and all but the Schur and Hessenberg decompositions (and `funm`, through the Schur form) are
differentiable. As in
`fluxion.numpy.linalg`, a singular or indefinite input gives inf/NaN values, not an error.
SciPy's `overwrite_*` and `check_finite` arguments are accepted and have no effect (arrays
are immutable; compiled code cannot check values).

>>> import fluxion.numpy as fnp, fluxion.scipy.linalg as fsl
>>> fsl.solve_triangular(fnp.asarray([[2.0, 0.0], [1.0, 1.0]]), fnp.asarray([2.0, 3.0]), lower=True).tolist()
[1.0, 2.0]
"""
from __future__ import annotations

import math

from .. import numpy as fnp
from ..control import fori_loop
from ..core.errors import ShapeError, op_error
from ..numpy._convert import promote_inexact
from ..numpy.linalg import _ct, _matrices
from ..ops import linalg as L
from ..ops._util import broadcast_shapes
from ..transforms.autodiff.jacobians import stop_gradient
from ._schur import funm, hessenberg, rsf2csf, schur, solve_sylvester, sqrtm
from ._special_matrices import (circulant, companion, convolution_matrix, dft, fiedler, fiedler_companion, hadamard,
                                hankel, helmert, hilbert, invhilbert, invpascal, leslie, pascal, toeplitz)

__all__ = ["block_diag", "cho_factor", "cho_solve", "cholesky", "circulant", "companion", "convolution_matrix", "det",
           "dft", "eigh", "eigh_tridiagonal", "expm", "expm_frechet", "fiedler", "fiedler_companion", "funm",
           "hadamard", "hankel", "helmert", "hessenberg", "hilbert", "inv", "invhilbert", "invpascal", "leslie", "lu",
           "lu_factor", "lu_solve", "pascal", "polar", "qr", "qr_multiply", "rsf2csf", "schur", "solve",
           "solve_sylvester", "solve_triangular", "sqrtm", "svd", "toeplitz"]

det, inv = fnp.linalg.det, fnp.linalg.inv


def _trans(op: str, trans) -> int:
    modes = {0: 0, "N": 0, 1: 1, "T": 1, 2: 2, "C": 2}
    if trans not in modes:
        raise op_error(ValueError, op, f"trans must be 0, 1, 2 or 'N', 'T', 'C', got {trans!r}",
                       "pass trans=0 (a x = b), 1 (a^T x = b) or 2 (a^H x = b)")
    return modes[trans]


def _rhs(op: str, a, b):
    """`b` as matrices (..., M, K) for square `a` (..., M, M), and whether it was one vector (M,)."""
    m = a.shape[-1]
    vector = b.ndim == 1
    if b.ndim < 1 or (b.shape[0] if vector else b.shape[-2] if b.ndim > 1 else None) != m:
        raise op_error(ShapeError, op, f"a has shape {a.shape} so b must have shape ({m},) or (..., {m}, K), "
                       f"got {b.shape}", "give b as many rows as a has columns")
    return (fnp.expand_dims(b, -1) if vector else b), vector


def _triangular(op: str, a, b, *, lower: bool, trans=0, unit_diagonal: bool = False):
    """Solve op(a) x = b for triangular stacks `a`, `b` a vector (..., M) or matrices (..., M, K)."""
    mode = _trans(op, trans)
    a, b = promote_inexact(op, a, b)
    a = _matrices(op, a, square=True)
    b, vector = _rhs(op, a, b)
    batch = broadcast_shapes(op, a.shape[:-2], b.shape[:-2])
    x = L.triangular_solve(fnp.broadcast_to(a, batch + a.shape[-2:]), fnp.broadcast_to(b, batch + b.shape[-2:]),
                           left_side=True, lower=lower, transpose_a=mode > 0, conjugate_a=mode == 2,
                           unit_diagonal=unit_diagonal)
    return x[..., 0] if vector else x


def solve_triangular(a, b, trans=0, lower: bool = False, unit_diagonal: bool = False, overwrite_b: bool = False,
                     check_finite: bool = True):
    """Solve `a x = b` for triangular `a` (only its `lower` or upper triangle is read);
    `trans` 1 or 'T' solves `a^T x = b`, 2 or 'C' `a^H x = b`. `b` is (M,) or (..., M, K).

    >>> import fluxion.numpy as fnp, fluxion.scipy.linalg as fsl
    >>> fsl.solve_triangular(fnp.asarray([[2.0, 1.0], [0.0, 1.0]]), fnp.asarray([3.0, 1.0])).tolist()
    [1.0, 1.0]
    """
    return _triangular("solve_triangular", a, b, lower=lower, trans=trans, unit_diagonal=unit_diagonal)


def cholesky(a, lower: bool = False, overwrite_a: bool = False, check_finite: bool = True):
    """The Cholesky factor of Hermitian positive-definite matrices: upper `U` with
    `a = U^H U` (SciPy's default), or lower `L` with `a = L L^H`, reading only that triangle of
    `a`; NaN if not positive definite.

    >>> import fluxion.numpy as fnp, fluxion.scipy.linalg as fsl
    >>> fsl.cholesky(fnp.asarray([[4.0, 2.0], [2.0, 5.0]])).tolist()
    [[2.0, 1.0], [0.0, 2.0]]
    """
    a = _matrices("cholesky", a, square=True)
    # the upper factor reads the upper triangle: it is the lower factor of the conjugate transpose
    return fnp.linalg.cholesky(a) if lower else _ct(fnp.linalg.cholesky(_ct(a)))


def cho_factor(a, lower: bool = False, overwrite_a: bool = False, check_finite: bool = True):
    """`(c, lower)` for `cho_solve`: `c` is `cholesky(a, lower)` (zeros in the other triangle).

    >>> import fluxion.numpy as fnp, fluxion.scipy.linalg as fsl
    >>> c, lower = fsl.cho_factor(fnp.asarray([[4.0, 2.0], [2.0, 5.0]]))
    >>> lower
    False
    """
    return cholesky(a, lower), bool(lower)


def cho_solve(c_and_lower, b, overwrite_b: bool = False, check_finite: bool = True):
    """Solve `a x = b` given `cho_factor(a)`; `b` is (M,) or (..., M, K).

    >>> import fluxion.numpy as fnp, fluxion.scipy.linalg as fsl
    >>> a = fnp.asarray([[4.0, 2.0], [2.0, 5.0]])
    >>> fsl.cho_solve(fsl.cho_factor(a), a @ fnp.asarray([1.0, -1.0])).tolist()
    [1.0, -1.0]
    """
    c, lower = c_and_lower
    # a = L L^H: solve L y = b, then L^H x = y; a = U^H U: solve U^H y = b, then U x = y
    y = _triangular("cho_solve", c, b, lower=lower, trans=0 if lower else 2)
    return _triangular("cho_solve", c, y, lower=lower, trans=2 if lower else 0)


def lu_factor(a, overwrite_a: bool = False, check_finite: bool = True):
    """`(lu, piv)`: L (unit diagonal, below) and U packed in one matrix, and the pivots (row
    i was swapped with row `piv[i]`, 0-based) of partial pivoting.

    >>> import fluxion.numpy as fnp, fluxion.scipy.linalg as fsl
    >>> lu, piv = fsl.lu_factor(fnp.asarray([[1.0, 2.0], [3.0, 4.0]]))
    >>> piv.tolist()
    [1, 1]
    """
    packed, pivots, _ = L.lu(_matrices("lu_factor", a, square=True))
    return packed, pivots


def _permutation(piv):
    """The row permutation the pivots' swaps make, applied in order: `a[perm] == L @ U`."""
    m = piv.shape[-1]
    perm = fnp.broadcast_to(fnp.arange(m, dtype=piv.dtype), piv.shape)

    def swap(i, perm):
        j = fnp.expand_dims(piv[..., i], -1)
        pi, pj = fnp.expand_dims(perm[..., i], -1), fnp.take_along_axis(perm, j, axis=-1)
        return fnp.put_along_axis(fnp.put_along_axis(perm, j, pi, axis=-1), fnp.full_like(j, i), pj,
                                  axis=-1)
    return fori_loop(0, m, swap, perm)


def lu_solve(lu_and_piv, b, trans=0, overwrite_b: bool = False, check_finite: bool = True):
    """Solve `a x = b` (or `a^T x = b` with `trans` 1, `a^H x = b` with 2) given `lu_factor(a)`.

    >>> import fluxion.numpy as fnp, fluxion.scipy.linalg as fsl
    >>> a = fnp.asarray([[1.0, 2.0], [3.0, 4.0]])
    >>> fsl.lu_solve(fsl.lu_factor(a), a @ fnp.asarray([1.0, 2.0])).tolist()
    [1.0, 2.0]
    """
    packed, piv = lu_and_piv
    mode = _trans("lu_solve", trans)
    perm = _permutation(piv)
    (b,) = promote_inexact("lu_solve", b)
    b, vector = _rhs("lu_solve", _matrices("lu_solve", packed, square=True), b)
    batch = broadcast_shapes("lu_solve", packed.shape[:-2], b.shape[:-2])
    b = fnp.broadcast_to(b, batch + b.shape[-2:])
    rows = fnp.broadcast_to(fnp.expand_dims(perm, -1), b.shape)  # the row of b each row of P b is
    if mode == 0:  # P a = L U: x = U^-1 L^-1 (P b)
        pb = fnp.take_along_axis(b, rows, axis=-2)
        x = _triangular("lu_solve", packed, _triangular("lu_solve", packed, pb, lower=True, unit_diagonal=True),
                        lower=False)
    else:  # a^T = U^T L^T P: x = P^T L^-T U^-T b
        y = _triangular("lu_solve", packed, b, lower=False, trans=mode)
        y = _triangular("lu_solve", packed, y, lower=True, trans=mode, unit_diagonal=True)
        x = fnp.put_along_axis(fnp.zeros_like(y), rows, y, axis=-2)
    return x[..., 0] if vector else x


def lu(a, permute_l: bool = False, overwrite_a: bool = False, check_finite: bool = True, p_indices: bool = False):
    """`(p, l, u)` with `a = p @ l @ u` (`p` a permutation matrix, or with `p_indices` the row
    indices with `a = l[p] @ u`); `(p @ l, u)` with `permute_l`. `a` is (..., M, N).

    >>> import fluxion.numpy as fnp, fluxion.scipy.linalg as fsl
    >>> p, l, u = fsl.lu(fnp.asarray([[1.0, 2.0], [2.0, 2.0]]))
    >>> p.tolist(), l.tolist(), u.tolist()
    ([[0.0, 1.0], [1.0, 0.0]], [[1.0, 0.0], [0.5, 1.0]], [[2.0, 2.0], [0.0, 1.0]])
    """
    (a,) = promote_inexact("lu", a)
    packed, _, perm = L.lu(a)
    m, n = a.shape[-2:]
    k = min(m, n)
    lower = fnp.tril(packed[..., :, :k], -1) + fnp.eye(m, k, dtype=a.dtype)
    upper = fnp.triu(packed[..., :k, :])
    inverse = fnp.argsort(perm, axis=-1).astype(perm.dtype)  # l[inverse] @ u == a
    if permute_l:
        return fnp.take_along_axis(lower, fnp.broadcast_to(inverse[..., None], inverse.shape + (k,)), axis=-2), upper
    if p_indices:
        return inverse, lower, upper
    # p[i, j] = 1 where row i of a is row j of l @ u, that is where perm[j] == i
    p = (perm[..., None, :] == fnp.arange(m, dtype=perm.dtype)[:, None]).astype(a.dtype)
    return p, lower, upper


def solve(a, b, lower: bool = False, overwrite_a: bool = False, overwrite_b: bool = False, check_finite: bool = True,
          assume_a: str = "gen", transposed: bool = False):
    """Solve `a x = b` (`a^T x = b` if `transposed`); `b` is (M,) or (..., M, K).

    As SciPy, `assume_a` "sym", "her" and "pos" read only `a`'s `lower` (or upper) triangle, as the
    symmetric, Hermitian or Hermitian positive-definite matrix it defines; "pos" solves with its
    Cholesky factor, the other kinds ("gen", "sym", "her", ...) with LU.

    >>> import fluxion.numpy as fnp, fluxion.scipy.linalg as fsl
    >>> fsl.solve(fnp.asarray([[4.0, 2.0], [2.0, 5.0]]), fnp.asarray([6.0, 7.0]), assume_a="pos").tolist()
    [1.0, 1.0]
    >>> fsl.solve(fnp.asarray([[4.0, 2.0], [0.0, 5.0]]), fnp.asarray([6.0, 7.0]), assume_a="sym").tolist()
    [1.0, 1.0]
    """
    a = _matrices("solve", a, square=True)
    if assume_a in ("sym", "symmetric", "her", "hermitian", "pos", "positive definite"):
        a = _from_triangle(a, lower, hermitian=assume_a not in ("sym", "symmetric"))
    if transposed:
        a = fnp.matrix_transpose(a)
    if assume_a in ("pos", "positive definite"):
        return cho_solve(cho_factor(a, lower), b)
    return lu_solve(lu_factor(a), b)


def _from_triangle(a, lower: bool, hermitian: bool = True):
    """The symmetric (or Hermitian, with a real diagonal) matrix that `a`'s `lower` (or upper)
    triangle defines: the part of `a` that LAPACK's symmetric and Hermitian routines read."""
    keep = fnp.tri(a.shape[-1], dtype=bool)
    full = fnp.where(keep if lower else keep.T, a, _ct(a) if hermitian else fnp.matrix_transpose(a))
    if hermitian and fnp.iscomplexobj(full):
        full = fnp.where(fnp.eye(a.shape[-1], dtype=bool), fnp.real(full), full)
    return full


def _subset(op: str, arg: str, w, v, by_index, by_value):
    """The eigenpairs of indices `by_index = (lo, hi)` (inclusive), or of values in `by_value =
    (lo, hi]` (a number known only from the values: not under jit or vmap), or all; `arg` names
    the argument that gave the indices."""
    if by_index is not None:
        lo, hi = (int(i) for i in by_index)
        n = w.shape[-1]
        if not 0 <= lo <= hi < n:
            raise op_error(ValueError, op, f"{arg} {tuple(by_index)} is no range of indices of {n} eigenvalues",
                           f"pass (lo, hi) with 0 <= lo <= hi <= {n - 1}")
        return w[..., lo:hi + 1], v[..., lo:hi + 1]
    if by_value is not None:
        lo, hi = by_value
        keep = (w > lo) & (w <= hi)
        return w[keep], v[:, keep]
    return w, v


def eigh(a, b=None, lower: bool = True, eigvals_only: bool = False, overwrite_a: bool = False,
         overwrite_b: bool = False, check_finite: bool = True, subset_by_index=None, subset_by_value=None):
    """Eigenvalues `w` (ascending) and eigenvectors `v` of Hermitian `a` (reading its `lower`
    or upper triangle), or of the generalized problem `a v = w b v` for positive-definite `b`
    (then `v^H b v = I`); only `w` with `eigvals_only`. `subset_by_index=(lo, hi)` keeps the
    pairs lo..hi, `subset_by_value=(lo, hi)` those with values in (lo, hi] (not under jit or vmap).

    >>> import fluxion.numpy as fnp, fluxion.scipy.linalg as fsl
    >>> fsl.eigh(fnp.asarray([[2.0, 1.0], [1.0, 2.0]]), eigvals_only=True).tolist()
    [1.0, 3.0]
    """
    a = _matrices("eigh", a, square=True)
    full = _from_triangle(a, lower)
    if b is None:
        v, w = L.eigh(full)
    else:
        c = cholesky(b, lower=True)  # b = C C^H: solve (C^-1 a C^-H) y = w y, v = C^-H y
        inner = _triangular("eigh", c, _ct(_triangular("eigh", c, full, lower=True)), lower=True)
        y, w = L.eigh(inner)
        v = _triangular("eigh", c, y, lower=True, trans=2)
    w, v = _subset("eigh", "subset_by_index", w, v, subset_by_index, subset_by_value)
    return w if eigvals_only else (w, v)


# Padé approximant of degree 13 (numerator coefficients; the denominator's alternate in sign)
_PADE13 = (64764752532480000, 32382376266240000, 7771770303897600, 1187353796428800, 129060195264000,
           10559470521600, 670442572800, 33522128640, 1323241920, 40840800, 960960, 16380, 182, 1)
_THETA13 = 5.371920351148152  # the largest 1-norm for which it is accurate to double precision


def expm(A):
    """The matrix exponential of each square matrix, by scaling and squaring: the matrix is
    scaled by 2**-s so its 1-norm is at most 5.37, exponentiated by the degree-13 Padé
    approximant, and squared s times (s per matrix; a matrix holding inf/NaN gives NaN).

    >>> import fluxion.numpy as fnp, fluxion.scipy.linalg as fsl
    >>> fsl.expm(fnp.asarray([[0.0, 1.0], [0.0, 0.0]])).tolist()
    [[1.0, 1.0], [0.0, 1.0]]
    """
    a = _matrices("expm", A, square=True)
    norm = fnp.max(fnp.sum(fnp.abs(a), axis=-2), axis=-1, initial=0)
    finite = fnp.isfinite(norm)
    s = fnp.where(finite & (norm > _THETA13), fnp.ceil(fnp.log2(norm / _THETA13)), 0).astype(fnp.int32)
    a = a * fnp.ldexp(fnp.ones_like(norm), -s)[..., None, None]
    b = _PADE13
    eye = fnp.broadcast_to(fnp.eye(a.shape[-1], dtype=a.dtype), a.shape)
    a2 = a @ a
    a4 = a2 @ a2
    a6 = a4 @ a2
    u = a @ (a6 @ (b[13] * a6 + b[11] * a4 + b[9] * a2) + b[7] * a6 + b[5] * a4 + b[3] * a2 + b[1] * eye)
    v = a6 @ (b[12] * a6 + b[10] * a4 + b[8] * a2) + b[6] * a6 + b[4] * a4 + b[2] * a2 + b[0] * eye
    r = fnp.linalg.solve(v - u, v + u)

    def square(i, r):
        return fnp.where((i < s)[..., None, None], r @ r, r)
    r = fori_loop(0, fnp.max(s, initial=0), square, r)
    return fnp.where(finite[..., None, None], r, math.nan)


def expm_frechet(A, E, method=None, compute_expm: bool = True, check_finite: bool = True):
    """The Frechet derivative of the matrix exponential at `A` in the direction `E`,
    L(A, E) = d/dt expm(A + t E) at t = 0, with `expm(A)` first when `compute_expm`:
    `(expm(A), L)`. Both are blocks of the exponential of [[A, E], [0, A]] (E scaled to unit
    1-norm there, which the result's linearity in E undoes), so they are differentiable and
    batch as `expm` does. `method` is accepted for SciPy's signature.

    >>> import fluxion.numpy as fnp, fluxion.scipy.linalg as fsl
    >>> fsl.expm_frechet(fnp.zeros((2, 2)), fnp.eye(2), compute_expm=False).tolist()
    [[1.0, 0.0], [0.0, 1.0]]
    """
    a, e = promote_inexact("expm_frechet", A, E)
    a, e = _matrices("expm_frechet", a, square=True), _matrices("expm_frechet", e, square=True)
    if a.shape[-1] != e.shape[-1]:
        raise op_error(ShapeError, "expm_frechet", f"A has shape {a.shape} and E {e.shape}",
                       "pass a direction E of A's matrix shape")
    batch = broadcast_shapes("expm_frechet", a.shape[:-2], e.shape[:-2])
    a, e = (fnp.broadcast_to(x, batch + x.shape[-2:]) for x in (a, e))
    n = a.shape[-1]
    norm = stop_gradient(fnp.max(fnp.sum(fnp.abs(e), axis=-2), axis=-1, initial=0))
    scale = fnp.where(norm > 0, norm, 1)[..., None, None]
    big = fnp.concatenate([fnp.concatenate([a, e / scale], -1), fnp.concatenate([fnp.zeros_like(a), a], -1)], -2)
    out = expm(big)
    frechet = out[..., :n, n:] * scale
    return (out[..., :n, :n], frechet) if compute_expm else frechet


def block_diag(*arrs):
    """The matrix with `arrs` (0-d, 1-d taken as one row, or 2-d) on its diagonal, zeros elsewhere.

    >>> import fluxion.numpy as fnp, fluxion.scipy.linalg as fsl
    >>> fsl.block_diag(fnp.asarray([[1, 2]]), fnp.asarray(3)).tolist()
    [[1, 2, 0], [0, 0, 3]]
    """
    if not arrs:
        return fnp.zeros((1, 0))
    blocks = [fnp.atleast_2d(fnp.asarray(a)) for a in arrs]
    bad = [b.shape for b in blocks if b.ndim > 2]
    if bad:
        raise op_error(ShapeError, "block_diag", f"takes arrays of at most 2 dimensions, got shapes {bad}",
                       "reshape each block to a matrix")
    dt = fnp.result_type(*blocks)
    cols = sum(b.shape[1] for b in blocks)
    rows, start = [], 0
    for b in blocks:
        rows.append(fnp.pad(b.astype(dt), ((0, 0), (start, cols - start - b.shape[1]))))
        start += b.shape[1]
    return fnp.concatenate(rows, axis=0)



def qr(a, overwrite_a: bool = False, lwork=None, mode: str = "full", pivoting: bool = False,
       check_finite: bool = True):
    """SciPy's QR: `(Q, R)` with complete Q for mode 'full', reduced for 'economic', `(R,)` for 'r'
    (R of a's shape, as in mode 'full').

    >>> import fluxion.numpy as fnp, fluxion.scipy.linalg as fsl
    >>> q, r = fsl.qr(fnp.asarray([[3.0], [4.0]]), mode="economic")
    >>> [round(v, 4) for v in fnp.abs(r).ravel().tolist()]
    [5.0]
    """
    modes = {"full": "complete", "economic": "reduced", "r": "r"}
    if pivoting or mode not in modes:
        raise op_error(NotImplementedError, "qr", f"mode={mode!r}, pivoting={pivoting} is not available",
                       "use mode 'full', 'economic' or 'r' without pivoting")
    out = fnp.linalg.qr(a, mode=modes[mode])
    if mode != "r":
        return tuple(out)
    extra = fnp.asarray(a).shape[-2] - out.shape[-2]  # the zero rows below R of a tall a
    return (fnp.pad(out, [(0, 0)] * (out.ndim - 2) + [(0, extra), (0, 0)]),)


def svd(a, full_matrices: bool = True, compute_uv: bool = True, overwrite_a: bool = False,
        check_finite: bool = True, lapack_driver: str = "gesdd"):
    """SciPy's SVD: `(U, s, Vh)`, or the singular values alone when not `compute_uv`.

    >>> import fluxion.numpy as fnp, fluxion.scipy.linalg as fsl
    >>> fsl.svd(fnp.asarray([[3.0, 0.0], [0.0, -4.0]]), compute_uv=False).tolist()
    [4.0, 3.0]
    """
    if not compute_uv:
        return fnp.linalg.svdvals(a)
    return tuple(fnp.linalg.svd(a, full_matrices=full_matrices))


def polar(a, side: str = "right", *, method: str = "svd", eps=None, max_iterations=None):
    """The polar decomposition a = u p ('right') or p u ('left'): u with orthonormal columns (rows
    for a wide `a`), p Hermitian positive semidefinite; from the SVD whatever `method` says.

    >>> import fluxion.numpy as fnp, fluxion.scipy.linalg as fsl
    >>> u, p = fsl.polar(fnp.asarray([[2.0, 0.0], [0.0, -3.0]]))
    >>> u.tolist(), p.tolist()
    ([[1.0, 0.0], [0.0, -1.0]], [[2.0, 0.0], [0.0, 3.0]])
    """
    if side not in ("right", "left"):
        raise op_error(ValueError, "polar", f"side must be 'right' or 'left', got {side!r}", "pass one of them")
    w, s, vh = fnp.linalg.svd(_matrices("polar", a), full_matrices=False)
    u = w @ vh
    p = _ct(vh) @ (s[..., :, None] * vh) if side == "right" else w @ (s[..., :, None] * _ct(w))
    return u, p


def qr_multiply(a, c, mode: str = "right", pivoting: bool = False, conjugate: bool = False, overwrite_a: bool = False,
                overwrite_c: bool = False):
    """`(Q @ c, R)` for mode 'left', `(c @ Q, R)` for 'right', with the economic QR `a = Q R`
    (Q (M, K), R (K, N), K = min(M, N)); `conjugate` multiplies by conj(Q). A vector `c` is a
    column for 'left' (K,), a row for 'right' (M,), and the product a vector again.

    >>> import fluxion.numpy as fnp, fluxion.scipy.linalg as fsl
    >>> qc, r = fsl.qr_multiply(fnp.asarray([[3.0], [4.0]]), fnp.asarray([[1.0, 0.0]]))
    >>> [round(abs(v), 4) for v in qc.ravel().tolist()], [round(abs(v), 4) for v in r.ravel().tolist()]
    ([0.6], [5.0])
    """
    if mode not in ("left", "right"):
        raise op_error(ValueError, "qr_multiply", f"mode must be 'left' or 'right', got {mode!r}",
                       "pass mode='left' for Q @ c or mode='right' for c @ Q")
    if pivoting:
        raise op_error(NotImplementedError, "qr_multiply", "pivoting is not available",
                       "pass pivoting=False (fluxion.scipy.linalg.qr has no pivoting either)")
    a, c = promote_inexact("qr_multiply", a, c)
    q, r = fnp.linalg.qr(_matrices("qr_multiply", a), mode="reduced")
    if conjugate:
        q = fnp.conj(q)
    m, k = q.shape[-2:]
    need, axis = (k, 0 if c.ndim == 1 else -2) if mode == "left" else (m, -1)
    if c.ndim == 0 or c.shape[axis] != need:
        where = "rows" if mode == "left" and c.ndim > 1 else "entries" if c.ndim == 1 else "columns"
        raise op_error(ShapeError, "qr_multiply", f"a has shape {a.shape}, so for mode {mode!r} c needs {need} "
                       f"{where}, got shape {c.shape}", f"pass c with {need} {where}" + (
                           " (min(a.shape) for 'left')" if mode == "left" else " (a.shape[0] for 'right')"))
    return (q @ c if mode == "left" else c @ q), r


def eigh_tridiagonal(d, e, eigvals_only: bool = False, select: str = "a", select_range=None,
                     check_finite: bool = True, tol: float = 0.0, lapack_driver: str = "auto"):
    """Eigenvalues `w` (ascending) and eigenvectors `v` (columns) of the real symmetric tridiagonal
    matrix with diagonal `d` (..., N) and off-diagonal `e` (..., N - 1); only `w` with
    `eigvals_only`. `select` 'a' keeps all, 'i' those of indices `select_range = (lo, hi)`
    (inclusive), 'v' those in the interval (lo, hi] (a number known only from the values: not
    under jit or vmap). Through `eigh` of the matrix, so differentiable; `tol` and
    `lapack_driver` are accepted for SciPy's signature.

    >>> import fluxion.numpy as fnp, fluxion.scipy.linalg as fsl
    >>> fsl.eigh_tridiagonal(fnp.asarray([2.0, 2.0]), fnp.asarray([1.0]), eigvals_only=True).tolist()
    [1.0, 3.0]
    """
    d, e = promote_inexact("eigh_tridiagonal", d, e, complex_ok=False)
    if d.ndim < 1 or e.ndim < 1 or e.shape[-1] != max(d.shape[-1] - 1, 0):
        raise op_error(ShapeError, "eigh_tridiagonal", f"d has shape {d.shape}, so e must have shape "
                       f"(..., {max(d.shape[-1] - 1, 0) if d.ndim else 'N - 1'}), got {e.shape}",
                       "pass the diagonal d (N entries) and the off-diagonal e (N - 1 entries)")
    if select not in ("a", "all", 0, "i", "index", 2, "v", "value", 1):
        raise op_error(ValueError, "eigh_tridiagonal", f"select must be 'a', 'i' or 'v', got {select!r}",
                       "pass select='a' (all), 'i' (indices select_range) or 'v' (values in select_range)")
    n = d.shape[-1]
    batch = broadcast_shapes("eigh_tridiagonal", d.shape[:-1], e.shape[:-1])
    d, e = fnp.broadcast_to(d, batch + (n,)), fnp.broadcast_to(e, batch + (max(n - 1, 0),))
    # eigh reads the lower triangle: d on the diagonal, e below it
    below = fnp.concatenate([e, fnp.zeros(batch + (min(n, 1),), e.dtype)], -1)
    w_v = L.eigh(d[..., :, None] * fnp.eye(n, dtype=d.dtype) + below[..., None, :] * fnp.eye(n, k=-1, dtype=d.dtype))
    v, w = w_v
    w, v = _subset("eigh_tridiagonal", "select_range", w, v, select_range if select in ("i", "index", 2) else None,
                   select_range if select in ("v", "value", 1) else None)
    return w if eigvals_only else (w, v)

