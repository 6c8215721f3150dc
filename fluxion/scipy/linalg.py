"""fluxion.scipy.linalg: SciPy's linear algebra names over fluxion's factorizations.

Factorizations come from the primitives (`cholesky`, `lu`, `triangular_solve`, `eigh`, `eig`,
`qr`, `svd`, and the Schur-based ones of `_schur.py`); the matrix functions of `_matfuncs.py`
are built on `expm` and `sqrtm`, the SVD-based functions are in `_linalg_svd.py`, and those of
structured matrices and matrix equations in `_linalg_structured.py`. So every function here batches over leading axes and compiles
(but `null_space`, `orth` and value subsets of eigenpairs, whose shapes depend on values), and
all but the Schur and Hessenberg decompositions (and `funm`, through the Schur form) are
differentiable. As in `fluxion.numpy.linalg`, a singular or indefinite input gives inf/NaN
values, not an error.
SciPy's `overwrite_*` and `check_finite` arguments are accepted and have no effect (arrays
are immutable; compiled code cannot check values).

>>> import fluxion.numpy as fnp, fluxion.scipy.linalg as fsl
>>> fsl.solve_triangular(fnp.asarray([[2.0, 0.0], [1.0, 1.0]]), fnp.asarray([2.0, 3.0]), lower=True).tolist()
[1.0, 2.0]
"""
from __future__ import annotations

import numpy as np

from .. import numpy as fnp
from ..control import fori_loop
from ..core.array import Array
from ..core.errors import ShapeError, op_error
from ..core.interpreters import EAGER, _ctx
from ..core.primitive import numpy_kernel
from ..lax.linalg import _checked, _column_pivots, geqrf
from ..numpy._convert import promote_inexact
from ..numpy._linalg_util import _ct, _eager_matrices, _kernel, _matrices, _strong
from ..numpy.linalg import _hermitian_part, eager_lu_solve
from ..ops import linalg as L
from ..ops._util import broadcast_shapes
from ..transforms.autodiff import stop_gradient
from ._linalg_structured import (bandwidth, ishermitian, issymmetric, khatri_rao, matmul_toeplitz,
                                 solve_circulant, solve_continuous_lyapunov, solve_discrete_lyapunov,
                                 solve_lyapunov, _toeplitz)
from ._linalg_svd import (diagsvd, lstsq, null_space, orth, orthogonal_procrustes, pinv, pinvh, polar, subspace_angles,
                          svdvals)
from ._matfuncs import (coshm, cosm, expm, expm_frechet, fractional_matrix_power, logm, signm, sinhm, sinm,
                        tanhm, tanm)
from ._schur import funm, hessenberg, rsf2csf, schur, solve_sylvester, sqrtm
from ._special_matrices import (circulant, companion, convolution_matrix, dft, fiedler, fiedler_companion, hadamard,
                                hankel, helmert, hilbert, invhilbert, invpascal, leslie, pascal, toeplitz)

__all__ = ["bandwidth", "block_diag", "cdf2rdf", "cho_factor", "cho_solve", "cholesky", "circulant", "companion",
           "convolution_matrix", "coshm", "cosm", "det", "dft", "diagsvd", "eig", "eigh", "eigh_tridiagonal", "eigvals",
           "eigvalsh", "expm", "expm_frechet", "fiedler", "fiedler_companion", "fractional_matrix_power", "funm",
           "hadamard", "hankel", "helmert", "hessenberg", "hilbert", "inv", "invhilbert", "invpascal", "ishermitian",
           "issymmetric", "khatri_rao", "leslie", "logm", "lstsq", "lu", "lu_factor", "lu_solve", "matmul_toeplitz",
           "norm", "null_space", "orth", "orthogonal_procrustes", "pascal", "pinv", "pinvh", "polar", "qr",
           "qr_multiply", "rq", "rsf2csf", "schur", "signm", "sinhm", "sinm", "solve", "solve_circulant",
           "solve_continuous_lyapunov", "solve_discrete_lyapunov", "solve_lyapunov", "solve_sylvester",
           "solve_toeplitz", "solve_triangular", "sqrtm", "subspace_angles", "svd", "svdvals", "tanhm", "tanm",
           "toeplitz"]

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
    if (v := _eager_matrices(a)) is not None and b.__class__ is Array:
        if (x := _eager_triangular(v, b._value, bool(lower), mode, bool(unit_diagonal))) is not None:
            return x  # kept fast: the same kernel
    a, b = promote_inexact(op, a, b)
    a = _matrices(op, a, square=True)
    b, vector = _rhs(op, a, b)
    batch = broadcast_shapes(op, a.shape[:-2], b.shape[:-2])
    x = L.triangular_solve(fnp.broadcast_to(a, batch + a.shape[-2:]), fnp.broadcast_to(b, batch + b.shape[-2:]),
                           left_side=True, lower=lower, transpose_a=mode > 0, conjugate_a=mode == 2,
                           unit_diagonal=unit_diagonal)
    return x[..., 0] if vector else x


def _eager_triangular(a: np.ndarray, b: np.ndarray, lower: bool, mode: int, unit_diagonal: bool) -> Array | None:
    """`_triangular` with the kernel, on values of one dtype whose shapes fit; else None."""
    if b.dtype is not a.dtype or not b.ndim or b.shape[-2 if b.ndim > 1 else 0] != a.shape[-1]:
        return None
    vector = b.ndim == 1
    b = b[:, None] if vector else b
    if a.shape[:-2] != b.shape[:-2]:
        try:
            batch = np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
        except ValueError:
            return None
        a, b = np.broadcast_to(a, batch + a.shape[-2:]), np.broadcast_to(b, batch + b.shape[-2:])
    x = numpy_kernel[L.triangular_solve_p](a, b, left_side=True, lower=lower, transpose_a=mode > 0,
                                           conjugate_a=mode == 2, unit_diagonal=unit_diagonal)
    return _strong(x[..., 0] if vector else x)


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
    if (v := _eager_matrices(a)) is not None:  # kept fast: the same kernel
        if lower:
            return _kernel(L.cholesky_p, v)
        return _strong(np.conj(np.swapaxes(numpy_kernel[L.cholesky_p](np.conj(np.swapaxes(v, -1, -2))), -1, -2)))
    a = _matrices("cholesky", a, square=True)
    # the upper factor reads the upper triangle: it is the lower factor of the conjugate transpose
    chol = lambda m: fnp.linalg.cholesky(m, symmetrize_input=False)  # noqa: E731  (SciPy reads one triangle)
    return chol(a) if lower else _ct(chol(_ct(a)))


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
    # a vector b against a batch of factors is solved as one column (the first solve would make it
    # a batch of vectors, which the second cannot tell from one matrix)
    column = fnp.ndim(c) > 2 and fnp.shape(b) == fnp.shape(c)[-1:]
    if column:
        b = fnp.expand_dims(fnp.asarray(b), -1)
    # a = L L^H: solve L y = b, then L^H x = y; a = U^H U: solve U^H y = b, then U x = y
    y = _triangular("cho_solve", c, b, lower=lower, trans=0 if lower else 2)
    x = _triangular("cho_solve", c, y, lower=lower, trans=2 if lower else 0)
    return x[..., 0] if column else x


def lu_factor(a, overwrite_a: bool = False, check_finite: bool = True):
    """`(lu, piv)`: L (unit diagonal, below) and U packed in one matrix, and the pivots (row
    i was swapped with row `piv[i]`, 0-based) of partial pivoting. `a` is (..., M, N); `piv` has
    min(M, N) entries.

    >>> import fluxion.numpy as fnp, fluxion.scipy.linalg as fsl
    >>> lu, piv = fsl.lu_factor(fnp.asarray([[1.0, 2.0], [3.0, 4.0]]))
    >>> piv.tolist()
    [1, 1]
    """
    if (v := _eager_matrices(a, square=False)) is not None:
        return _kernel(L.lu_p, v)[:2]  # kept fast
    packed, pivots, _ = L.lu(_matrices("lu_factor", a))
    return packed, pivots


def _permutation(piv):
    """The row permutation the pivots' swaps make, applied in order: `a[perm] == L @ U`."""
    if (perm := _eager_permutation(piv)) is not None:
        return perm
    m = piv.shape[-1]
    perm = fnp.broadcast_to(fnp.arange(m, dtype=piv.dtype), piv.shape)

    def swap(i, perm):
        j = fnp.expand_dims(piv[..., i], -1)
        pi, pj = fnp.expand_dims(perm[..., i], -1), fnp.take_along_axis(perm, j, axis=-1)
        return fnp.put_along_axis(fnp.put_along_axis(perm, j, pi, axis=-1), fnp.full_like(j, i), pj,
                                  axis=-1)
    return fori_loop(0, m, swap, perm)


def _eager_permutation(piv) -> Array | None:
    """`_permutation` of eager integer pivots, each in range, by Python's swaps; else None."""
    if piv.__class__ is not Array or _ctx.interp is not EAGER or piv.dtype.kind != "i" or not piv._value.size:
        return None
    m = piv._value.shape[-1]
    rows = piv._value.reshape(-1, m).tolist()
    if not all(0 <= j < m for row in rows for j in row):
        return None
    perm = np.array([L.pivot_permutation(row, m) for row in rows], piv._value.dtype).reshape(piv._value.shape)
    return _strong(perm)


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
    if (mode == 0 and (v := _eager_matrices(packed)) is not None and b.__class__ is Array and perm.__class__ is Array
            and perm.shape == v.shape[:-1] and (x := eager_lu_solve(v, perm._value, b._value)) is not None):
        return x  # kept fast: the same kernels
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
    # p[i, j] = 1 where row i of a is row j of l @ u, that is where perm[j] == i (real, as SciPy's)
    p = (perm[..., None, :] == fnp.arange(m, dtype=perm.dtype)[:, None]).astype(fnp.real(a).dtype)
    return p, lower, upper


_STRUCTURES = (None, "gen", "general", "banded", "diagonal", "tridiagonal", "upper triangular", "lower triangular",
               "sym", "symmetric", "her", "hermitian", "pos", "positive definite")


def solve(a, b, lower: bool = False, overwrite_a: bool = False, overwrite_b: bool = False, check_finite: bool = True,
          assume_a: str = "gen", transposed: bool = False):
    """Solve `a x = b` (`a^T x = b` if `transposed`); `b` is (M,) or (..., M, K).

    As SciPy, `assume_a` "sym", "her" and "pos" read only `a`'s `lower` (or upper) triangle, as the
    symmetric, Hermitian or Hermitian positive-definite matrix it defines; "diagonal" and
    "tridiagonal" read only those entries, "upper triangular" and "lower triangular" only that
    triangle (a triangular solve). "pos" solves with its Cholesky factor, the other kinds ("gen",
    "banded", "sym", "her", ...) with LU.

    >>> import fluxion.numpy as fnp, fluxion.scipy.linalg as fsl
    >>> fsl.solve(fnp.asarray([[4.0, 2.0], [2.0, 5.0]]), fnp.asarray([6.0, 7.0]), assume_a="pos").tolist()
    [1.0, 1.0]
    >>> fsl.solve(fnp.asarray([[4.0, 2.0], [0.0, 5.0]]), fnp.asarray([6.0, 7.0]), assume_a="sym").tolist()
    [1.0, 1.0]
    """
    a = _matrices("solve", a, square=True)
    if assume_a not in _STRUCTURES:
        raise op_error(ValueError, "solve", f"assume_a must be one of {', '.join(map(repr, _STRUCTURES))}, got "
                       f"{assume_a!r}", "pass one of them ('gen' for a general matrix)")
    if assume_a in ("upper triangular", "lower triangular"):
        return _triangular("solve", a, b, lower=assume_a == "lower triangular", trans=1 if transposed else 0)
    if assume_a in ("diagonal", "tridiagonal"):
        i = np.arange(a.shape[-1])
        a = fnp.where(np.abs(i[:, None] - i[None, :]) <= (assume_a == "tridiagonal"), a, 0)
    if assume_a in ("sym", "symmetric", "her", "hermitian", "pos", "positive definite"):
        a = _from_triangle(a, lower, hermitian=assume_a not in ("sym", "symmetric"))
    if transposed:
        a = fnp.matrix_transpose(a)
    if assume_a in ("pos", "positive definite"):
        return cho_solve(cho_factor(a, lower), b)
    return lu_solve(lu_factor(a), b)


def solve_toeplitz(c_or_cr, b, check_finite: bool = True):
    """Solve `T x = b` for the Toeplitz matrix `T = toeplitz(c, r)` (`c_or_cr` is `c`, then
    r = conj(c), or `(c, r)`); `b` is (M,) or (..., M, K). By LU of `T` (O(M^3), where SciPy's
    Levinson recursion is O(M^2)), so it compiles, batches and differentiates.

    >>> import fluxion.numpy as fnp, fluxion.scipy.linalg as fsl
    >>> fsl.solve_toeplitz(fnp.asarray([2.0, 1.0]), fnp.asarray([3.0, 3.0])).tolist()
    [1.0, 1.0]
    """
    return solve(_toeplitz(c_or_cr), b)


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
         overwrite_b: bool = False, check_finite: bool = True, subset_by_index=None, subset_by_value=None,
         type: int = 1, driver=None, *, symmetrize_input: bool = True):
    """Eigenvalues `w` (ascending) and eigenvectors `v` of Hermitian `a` (of (a + a^H) / 2, as
    jax's, so that derivatives split evenly between a[i, j] and a[j, i]; with
    symmetrize_input=False, of its `lower` or upper triangle, as SciPy), or of a generalized
    problem with positive-definite `b`: `type` 1
    `a v = w b v`, 2 `a b v = w v` (then `v^H b v = I`), 3 `b a v = w v` (then `v^H b^-1 v = I`);
    only `w` with `eigvals_only`. `subset_by_index=(lo, hi)` keeps the pairs lo..hi,
    `subset_by_value=(lo, hi)` those with values in (lo, hi] (not under jit or vmap). `driver`
    is accepted for SciPy's signature.

    >>> import fluxion.numpy as fnp, fluxion.scipy.linalg as fsl
    >>> fsl.eigh(fnp.asarray([[2.0, 1.0], [1.0, 2.0]]), eigvals_only=True).tolist()
    [1.0, 3.0]
    """
    if type not in (1, 2, 3):
        raise op_error(ValueError, "eigh", f"type must be 1, 2 or 3, got {type!r}",
                       "pass type=1 (a v = w b v), 2 (a b v = w v) or 3 (b a v = w v)")
    a = _matrices("eigh", a, square=True)
    full = _hermitian_part(a) if symmetrize_input else _from_triangle(a, lower)
    if b is None:
        v, w = L.eigh(full)
    else:
        # b = C C^H turns each problem into the standard one of `inner`, with eigenvectors y:
        # type 1: C^-1 a C^-H, v = C^-H y; type 2: C^H a C, v = C^-H y; type 3: C^H a C, v = C y
        b = _matrices("eigh", b, square=True)
        if b.shape[-1] != a.shape[-1]:
            raise op_error(ShapeError, "eigh", f"a has shape {a.shape} and b {b.shape}",
                           "pass a and b of one matrix size")
        c = cholesky(_from_triangle(b, lower), lower=True)
        if type == 1:
            inner = _triangular("eigh", c, _ct(_triangular("eigh", c, full, lower=True)), lower=True)
        else:
            inner = _ct(c) @ full @ c
        y, w = L.eigh(inner)
        v = c @ y if type == 3 else _triangular("eigh", c, y, lower=True, trans=2)
    w, v = _subset("eigh", "subset_by_index", w, v, subset_by_index, subset_by_value)
    return w if eigvals_only else (w, v)


def eigvalsh(a, b=None, *, lower: bool = True, overwrite_a: bool = False, overwrite_b: bool = False, type: int = 1,
             check_finite: bool = True, subset_by_index=None, subset_by_value=None, driver=None,
             symmetrize_input: bool = True):
    """The eigenvalues (ascending) that `eigh` gives, alone.

    >>> import fluxion.numpy as fnp, fluxion.scipy.linalg as fsl
    >>> fsl.eigvalsh(fnp.asarray([[2.0, 0.0], [0.0, 1.0]])).tolist()
    [1.0, 2.0]
    """
    return eigh(a, b, lower=lower, eigvals_only=True, type=type, subset_by_index=subset_by_index,
                subset_by_value=subset_by_value, symmetrize_input=symmetrize_input)


def _unit_columns(v):
    return v / fnp.linalg.norm(v, axis=-2, keepdims=True)


def _general_problem(op: str, a, b):
    """The square matrices whose standard eigenproblem is `a v = w b v` (`b^-1 a`, or `a`)."""
    a = _matrices(op, a, square=True)
    if b is None:
        return a
    b = _matrices(op, b, square=True)
    if b.shape[-1] != a.shape[-1]:
        raise op_error(ShapeError, op, f"a has shape {a.shape} and b {b.shape}", "pass a and b of one matrix size")
    return fnp.linalg.solve(b, a)


def _homogeneous(w, homogeneous_eigvals: bool):
    return fnp.stack([w, fnp.ones_like(w)], axis=-2) if homogeneous_eigvals else w


def eig(a, b=None, left: bool = False, right: bool = True, overwrite_a: bool = False, overwrite_b: bool = False,
        check_finite: bool = True, homogeneous_eigvals: bool = False):
    """Eigenvalues `w` of general square matrices, with the right eigenvectors `vr` (`a @ vr ==
    vr * w`) and with `left` the left ones `vl` (`vl^H @ a == w[:, None] * vl^H`), unit columns:
    `w`, `(w, vr)`, `(w, vl)` or `(w, vl, vr)` as SciPy. All are complex, also where every
    eigenvalue is real (SciPy then gives real eigenvectors; a compiled program cannot choose its
    dtype by value). With `b`, the generalized problem `a v = w b v` for nonsingular `b`, as the
    standard one of `b^-1 a`. `homogeneous_eigvals` gives `w` as the pairs `(w, 1)`, shape
    (..., 2, M). Differentiable (where the eigenvalues are distinct).

    >>> import fluxion.numpy as fnp, fluxion.scipy.linalg as fsl
    >>> fsl.eig(fnp.asarray([[2.0, 0.0], [0.0, 3.0]]), right=False).tolist()
    [(2+0j), (3+0j)]
    """
    w, vr = L.eig(_general_problem("eig", a, b))
    out = (_homogeneous(w, homogeneous_eigvals),)
    if left:  # the rows of vr^-1 are left eigenvectors, in the order of w
        out += (_unit_columns(_ct(fnp.linalg.inv(vr))),)
    if right:
        out += (vr,)
    return out[0] if len(out) == 1 else out


def eigvals(a, b=None, overwrite_a: bool = False, check_finite: bool = True, homogeneous_eigvals: bool = False):
    """The eigenvalues that `eig` gives, alone (complex).

    >>> import fluxion.numpy as fnp, fluxion.scipy.linalg as fsl
    >>> fsl.eigvals(fnp.asarray([[0.0, 1.0], [-1.0, 0.0]])).tolist()
    [1j, -1j]
    """
    (w,) = L.eig(_general_problem("eigvals", a, b), vectors=False)
    return _homogeneous(w, homogeneous_eigvals)


def cdf2rdf(w, v):
    """The real block-diagonal form `(wr, vr)` of a real matrix's eigendecomposition `(w, v)`
    (`a @ v == v * w`, as `eig` gives): each conjugate pair of eigenvalues x +- iy (adjacent in
    `w`) becomes the block [[x, y], [-y, x]] of `wr`, and its eigenvectors the real and imaginary
    parts in `vr`, so that `a @ vr == vr @ wr`. Differentiable.

    >>> import fluxion.numpy as fnp, fluxion.scipy.linalg as fsl
    >>> wr, vr = fsl.cdf2rdf(*fsl.eig(fnp.asarray([[0.0, 1.0], [-1.0, 0.0]])))
    >>> wr.tolist()
    [[0.0, 1.0], [-1.0, 0.0]]
    """
    w, v = fnp.asarray(w), fnp.asarray(v)
    n = w.shape[-1] if w.ndim else None
    if w.ndim < 1 or v.ndim != w.ndim + 1 or v.shape[-2:] != (n, n):
        raise op_error(ShapeError, "cdf2rdf", f"needs eigenvalues w (..., M) and eigenvectors v (..., M, M), got "
                       f"shapes {w.shape} and {v.shape}", "pass the two results of eig")
    complex_ = fnp.imag(w) != 0
    # the first of each pair is the complex eigenvalue after an even number of complex ones
    first = complex_ & (fnp.cumsum(complex_, axis=-1) % 2 == 1)
    second = complex_ & ~first

    def diagonals(main, above, below):
        """The matrices with `main` on the diagonal, `above[i]` at (i, i + 1), `below[i]` at (i, i - 1)."""
        return sum(x[..., :, None] * fnp.eye(n, k=k, dtype=x.dtype) for x, k in ((main, 0), (above, 1), (below, -1)))
    wr = diagonals(fnp.real(w), fnp.where(first, fnp.imag(w), 0), fnp.where(second, fnp.imag(w), 0))
    # vr = v @ u: the pair's columns v_j, conj(v_j) become -Im(v_j) (as v_j 0.5i - conj(v_j) 0.5i) and Re(v_j)
    u = diagonals(fnp.where(first, 0.5j, fnp.where(second, 0.5, 1)), fnp.where(first, 0.5, 0),
                  fnp.where(second, -0.5j, 0))
    return wr, fnp.real(v @ u.astype(fnp.result_type(v.dtype, fnp.complex64)))


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
    (R of a's shape, as in mode 'full'), `((h, tau), R)` for 'raw' (LAPACK's packed form, as
    `fluxion.lax.linalg.geqrf`, and R of min(M, N) rows). With `pivoting`, the column order `P`
    (int32) comes last and `a[..., :, P] == Q @ R`, the diagonal of R not growing in magnitude;
    the order is a constant for derivatives.

    >>> import fluxion.numpy as fnp, fluxion.scipy.linalg as fsl
    >>> q, r = fsl.qr(fnp.asarray([[3.0], [4.0]]), mode="economic")
    >>> [round(v, 4) for v in fnp.abs(r).ravel().tolist()]
    [5.0]
    >>> fsl.qr(fnp.asarray([[1.0, 3.0], [0.0, 4.0]]), mode="r", pivoting=True)[1].tolist()
    [1, 0]
    """
    modes = {"full": "complete", "economic": "reduced", "r": "r", "raw": "raw"}
    if mode not in modes:
        raise op_error(ValueError, "qr", f"mode={mode!r} is not one of {', '.join(map(repr, modes))}",
                       "pass one of them")
    a = _checked("qr", promote_inexact("qr", a)[0], square=False)
    if pivoting:
        p = _column_pivots(stop_gradient(a))
        a = fnp.take_along_axis(a, p[..., None, :], -1)
    if mode == "raw":
        h, tau = geqrf(a)
        out = ((h, tau), fnp.triu(h[..., :min(a.shape[-2:]), :]))
    elif mode == "r":
        r = fnp.linalg.qr(a, mode="r")
        out = (fnp.pad(r, [(0, 0)] * (r.ndim - 2) + [(0, a.shape[-2] - r.shape[-2]), (0, 0)]),)  # a tall a's zero rows
    else:
        out = tuple(fnp.linalg.qr(a, mode=modes[mode]))
    return out + (p,) if pivoting else out


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


def norm(a, ord=None, axis=None, keepdims: bool = False, check_finite: bool = True):
    """NumPy's norm (`fluxion.numpy.linalg.norm`): a vector norm over one axis, a matrix norm over
    two, the 2-norm of all elements when both `ord` and `axis` are None.

    >>> import fluxion.numpy as fnp, fluxion.scipy.linalg as fsl
    >>> fsl.norm(fnp.asarray([[1.0, 2.0], [2.0, 4.0]]), 1).item()
    6.0
    """
    return fnp.linalg.norm(a, ord, axis, keepdims)


def rq(a, overwrite_a: bool = False, lwork=None, mode: str = "full", check_finite: bool = True):
    """The RQ decomposition `a = R Q` of each matrix (M, N): `R` upper trapezoidal, `Q` with
    orthonormal rows; `(R, Q)` with R (M, N) and Q (N, N) for mode 'full', R (M, K) and Q (K, N),
    K = min(M, N), for 'economic', and R (M, N) alone for 'r'. From the QR decomposition of the
    transpose with its rows reversed, so differentiable as `qr`.

    >>> import fluxion.numpy as fnp, fluxion.scipy.linalg as fsl
    >>> r, q = fsl.rq(fnp.asarray([[0.0, 2.0], [3.0, 0.0]]))
    >>> (r @ q).tolist()
    [[0.0, 2.0], [3.0, 0.0]]
    """
    if mode not in ("full", "economic", "r"):
        raise op_error(ValueError, "rq", f"mode must be 'full', 'economic' or 'r', got {mode!r}", "pass one of them")
    # flip(a)^T = Q' R' gives a = flip(R'^T) flip(Q'^T): R'^T lower trapezoidal, flipped upper
    q, r = fnp.linalg.qr(fnp.matrix_transpose(fnp.flip(_matrices("rq", a), -2)),
                         mode="reduced" if mode == "economic" else "complete")
    r = fnp.flip(fnp.matrix_transpose(r), (-2, -1))
    return r if mode == "r" else (r, fnp.flip(fnp.matrix_transpose(q), -2))


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


def __dir__():  # the public names only, not the modules and helpers the code imports
    return __all__
