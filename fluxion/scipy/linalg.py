"""fluxion.scipy.linalg: SciPy's linear algebra names over fluxion's factorizations.

Factorizations come from the primitives (`cholesky`, `lu`, `triangular_solve`, `eigh`, `eig`,
`qr`, `svd`, and the Schur-based ones of `_schur.py`); the matrix functions of `_matfuncs.py`
are built on `expm` and `sqrtm`. So every function here batches over leading axes and compiles
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
from ..numpy._convert import promote_inexact
from ..numpy.linalg import _ct, _eager_matrices, _inverse_values, _kernel, _matrices, _strong, eager_lu_solve
from ..ops import linalg as L
from ..ops._util import broadcast_shapes
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
    if (v := _eager_matrices(a)) is not None:
        return _kernel(L.lu_p, v)[:2]  # kept fast
    packed, pivots, _ = L.lu(_matrices("lu_factor", a, square=True))
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
         overwrite_b: bool = False, check_finite: bool = True, subset_by_index=None, subset_by_value=None,
         type: int = 1, driver=None):
    """Eigenvalues `w` (ascending) and eigenvectors `v` of Hermitian `a` (reading its `lower`
    or upper triangle), or of a generalized problem with positive-definite `b`: `type` 1
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
    full = _from_triangle(a, lower)
    if b is None:
        v, w = L.eigh(full)
    else:
        # b = C C^H turns each problem into the standard one of `inner`, with eigenvectors y:
        # type 1: C^-1 a C^-H, v = C^-H y; type 2: C^H a C, v = C^-H y; type 3: C^H a C, v = C y
        c = cholesky(_from_triangle(_matrices("eigh", b, square=True), lower), lower=True)
        if type == 1:
            inner = _triangular("eigh", c, _ct(_triangular("eigh", c, full, lower=True)), lower=True)
        else:
            inner = _ct(c) @ full @ c
        y, w = L.eigh(inner)
        v = c @ y if type == 3 else _triangular("eigh", c, y, lower=True, trans=2)
    w, v = _subset("eigh", "subset_by_index", w, v, subset_by_index, subset_by_value)
    return w if eigvals_only else (w, v)


def eigvalsh(a, b=None, *, lower: bool = True, overwrite_a: bool = False, overwrite_b: bool = False, type: int = 1,
             check_finite: bool = True, subset_by_index=None, subset_by_value=None, driver=None):
    """The eigenvalues (ascending) that `eigh` gives, alone.

    >>> import fluxion.numpy as fnp, fluxion.scipy.linalg as fsl
    >>> fsl.eigvalsh(fnp.asarray([[2.0, 0.0], [0.0, 1.0]])).tolist()
    [1.0, 2.0]
    """
    return eigh(a, b, lower=lower, eigvals_only=True, type=type, subset_by_index=subset_by_index,
                subset_by_value=subset_by_value)


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


def khatri_rao(a, b):
    """The Khatri-Rao product of `a` (..., N, K) and `b` (..., M, K): the (..., N * M, K) matrix
    whose column k is the Kronecker product of the columns k of `a` and `b`.

    >>> import fluxion.numpy as fnp, fluxion.scipy.linalg as fsl
    >>> fsl.khatri_rao(fnp.asarray([[1, 2], [3, 4]]), fnp.asarray([[1, 10]])).tolist()
    [[1, 20], [3, 40]]
    """
    a, b = fnp.asarray(a), fnp.asarray(b)
    if a.ndim < 2 or b.ndim < 2 or a.shape[-1] != b.shape[-1]:
        raise op_error(ShapeError, "khatri_rao", f"needs matrices with one number of columns, got shapes {a.shape} "
                       f"and {b.shape}", "pass a (N, K) and b (M, K)")
    out = a[..., :, None, :] * b[..., None, :, :]
    return fnp.reshape(out, out.shape[:-3] + (a.shape[-2] * b.shape[-2], a.shape[-1]))


def _is_transpose(op: str, a, atol, rtol, conjugate: bool):
    a = fnp.asarray(a)
    if a.ndim < 2 or a.shape[-1] != a.shape[-2]:
        raise op_error(ShapeError, op, f"needs square matrices (shape (..., N, N)), got shape {a.shape}",
                       "pass an array whose last two axes are equal")
    t = _ct(a) if conjugate else fnp.matrix_transpose(a)
    if atol is None and rtol is None:
        same = a == t
        if not (conjugate and fnp.iscomplexobj(a)):  # as SciPy, the diagonal is read only for that
            same = same | fnp.eye(a.shape[-1], dtype=bool)
    else:
        same = fnp.isclose(a, t, rtol=rtol or 0.0, atol=atol or 0.0)
    return fnp.all(same, axis=(-2, -1))


def issymmetric(a, atol=None, rtol=None):
    """Whether each square matrix equals its transpose: exactly (the diagonal unread), or within
    `atol + rtol * |a^T|` entrywise when either tolerance is given. A bool array (of the batch shape).

    >>> import fluxion.numpy as fnp, fluxion.scipy.linalg as fsl
    >>> fsl.issymmetric(fnp.asarray([[1.0, 2.0], [2.0, 1.0]])).item()
    True
    """
    return _is_transpose("issymmetric", a, atol, rtol, conjugate=False)


def ishermitian(a, atol=None, rtol=None):
    """Whether each square matrix equals its conjugate transpose (as `issymmetric`, reading the
    diagonal of a complex matrix).

    >>> import fluxion.numpy as fnp, fluxion.scipy.linalg as fsl
    >>> fsl.ishermitian(fnp.asarray([[1.0, 2j], [-2j, 1.0]])).item()
    True
    """
    return _is_transpose("ishermitian", a, atol, rtol, conjugate=True)


def bandwidth(a):
    """The lower and upper bandwidth `(lower, upper)` of each matrix: how far below and above the
    diagonal its nonzero entries reach (0 and 0 for a diagonal matrix), as integer arrays.

    >>> import fluxion.numpy as fnp, fluxion.scipy.linalg as fsl
    >>> [int(b) for b in fsl.bandwidth(fnp.asarray([[1, 2, 3], [0, 4, 0], [0, 5, 6]]))]
    [1, 2]
    """
    a = fnp.asarray(a)
    if a.ndim < 2:
        raise op_error(ShapeError, "bandwidth", f"needs matrices, got shape {a.shape}", "pass a 2-D array")
    below = fnp.arange(a.shape[-2])[:, None] - fnp.arange(a.shape[-1])[None, :]  # i - j

    def reach(offset):
        return fnp.max(fnp.where(a != 0, offset, 0), axis=(-2, -1), initial=0)
    return reach(below), reach(-below)


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


def svdvals(a, overwrite_a: bool = False, check_finite: bool = True):
    """The singular values of each matrix, descending.

    >>> import fluxion.numpy as fnp, fluxion.scipy.linalg as fsl
    >>> fsl.svdvals(fnp.asarray([[0.0, 2.0], [1.0, 0.0]])).tolist()
    [2.0, 1.0]
    """
    return fnp.linalg.svdvals(a)


def diagsvd(s, M: int, N: int):
    """The (M, N) matrix with `s` (of length M or N) on its diagonal: the Sigma of an SVD.

    >>> import fluxion.numpy as fnp, fluxion.scipy.linalg as fsl
    >>> fsl.diagsvd(fnp.asarray([1, 2]), 2, 3).tolist()
    [[1, 0, 0], [0, 2, 0]]
    """
    s = fnp.atleast_1d(fnp.asarray(s))
    k = s.shape[-1]
    if k not in (M, N) or k > min(M, N):
        raise op_error(ValueError, "diagsvd", f"s has length {k}, which is not min(M, N) of M={M}, N={N}",
                       "pass as many values as the smaller of M and N")
    padded = fnp.pad(s, [(0, 0)] * (s.ndim - 1) + [(0, N - k)])
    return fnp.where(fnp.eye(M, N, dtype=bool), padded[..., None, :], fnp.zeros((), s.dtype))


def _threshold(op: str, s, shape, atol, rtol):
    """`atol + rtol * max(s)` per matrix, shaped (..., 1), with SciPy's defaults (atol 0, rtol
    max(M, N) * eps)."""
    atol = 0.0 if atol is None else atol
    rtol = max(shape[-2:]) * float(fnp.finfo(s.dtype).eps) if rtol is None else rtol
    if any(isinstance(t, (int, float)) and t < 0 for t in (atol, rtol)):
        raise op_error(ValueError, op, f"atol and rtol must be non-negative, got {atol!r} and {rtol!r}",
                       "pass tolerances >= 0")
    return atol + rtol * fnp.max(s, axis=-1, keepdims=True, initial=0)


def pinv(a, *, atol=None, rtol=None, return_rank: bool = False, check_finite: bool = True):
    """The Moore-Penrose pseudo-inverse of each matrix, from its SVD: singular values at most
    `atol + rtol * max(s)` count as zero (atol 0 and rtol max(M, N) * eps by default); with
    `return_rank`, `(pinv, rank)`. Differentiable (where the rank does not change).

    >>> import fluxion.numpy as fnp, fluxion.scipy.linalg as fsl
    >>> fsl.pinv(fnp.asarray([[2.0, 0.0], [0.0, 0.0]])).tolist()
    [[0.5, 0.0], [0.0, 0.0]]
    """
    u, s, vh = fnp.linalg.svd(_matrices("pinv", a), full_matrices=False)
    cutoff = _threshold("pinv", s, u.shape[:-1] + vh.shape[-1:], atol, rtol)
    inverse = (_ct(vh) * _inverse_values(s, cutoff)[..., None, :].astype(u.dtype)) @ _ct(u)
    return (inverse, fnp.sum(s > cutoff, axis=-1)) if return_rank else inverse


def pinvh(a, atol=None, rtol=None, lower: bool = True, return_rank: bool = False, check_finite: bool = True):
    """The pseudo-inverse of each Hermitian matrix (reading its `lower` or upper triangle), from
    its eigendecomposition: eigenvalues of magnitude at most `atol + rtol * max|w|` count as zero
    (defaults as `pinv`); with `return_rank`, `(pinvh, rank)`. Differentiable.

    >>> import fluxion.numpy as fnp, fluxion.scipy.linalg as fsl
    >>> fsl.pinvh(fnp.asarray([[-2.0, 0.0], [0.0, 0.0]])).tolist()
    [[-0.5, 0.0], [0.0, 0.0]]
    """
    w, v = eigh(a, lower=lower)
    size = fnp.abs(w)
    cutoff = _threshold("pinvh", size, v.shape, atol, rtol)
    inverse = (v * (_inverse_values(size, cutoff) * fnp.sign(w))[..., None, :].astype(v.dtype)) @ _ct(v)
    return (inverse, fnp.sum(size > cutoff, axis=-1)) if return_rank else inverse


def _rank(op: str, s, shape, rcond) -> int:
    """The number of singular values (of one matrix) above `rcond` (max(M, N) * eps by default)
    times the largest: a number known only from the values, so not under jit or vmap."""
    if s.ndim != 1:
        raise op_error(ShapeError, op, f"needs one matrix (its result's shape depends on its rank), got shape {shape}",
                       "call it on each matrix of the stack")
    return int(fnp.sum(s > _threshold(op, s, shape, 0.0, rcond)))


def null_space(A, rcond=None, *, overwrite_a: bool = False, check_finite: bool = True, lapack_driver: str = "gesdd"):
    """An orthonormal basis (columns) of the null space of the matrix `A`, from its SVD:
    the right singular vectors of the singular values at most `rcond` (max(M, N) * eps by
    default) times the largest. Its shape depends on the rank: not under jit or vmap.

    >>> import fluxion.numpy as fnp, fluxion.scipy.linalg as fsl
    >>> fsl.null_space(fnp.asarray([[1.0, 0.0], [0.0, 0.0]])).tolist()
    [[0.0], [1.0]]
    """
    a = _matrices("null_space", A)
    u, s, vh = fnp.linalg.svd(a, full_matrices=True)
    return _ct(vh[_rank("null_space", s, a.shape, rcond):, :])


def orth(A, rcond=None):
    """An orthonormal basis (columns) of the range of the matrix `A`, from its SVD: the left
    singular vectors of the singular values above `rcond` (max(M, N) * eps by default) times the
    largest. Its shape depends on the rank: not under jit or vmap.

    >>> import fluxion.numpy as fnp, fluxion.scipy.linalg as fsl
    >>> fsl.orth(fnp.asarray([[2.0, 0.0], [0.0, 0.0]])).tolist()
    [[1.0], [0.0]]
    """
    a = _matrices("orth", A)
    u, s, vh = fnp.linalg.svd(a, full_matrices=False)
    return u[:, :_rank("orth", s, a.shape, rcond)]


def lstsq(a, b, cond=None, overwrite_a: bool = False, overwrite_b: bool = False, check_finite: bool = True,
          lapack_driver=None):
    """The least-squares solution of `a x = b` for one matrix `a` (M, N) and `b` (M,) or (M, K):
    `(x, residues, rank, s)`, singular values at most `cond` (machine epsilon by default) times
    the largest counting as zero. `residues` are the squared norms of `b - a x` (one per column;
    a scalar for a vector `b`) when M > N, also for a rank-deficient `a` (where SciPy gives an
    empty array), and empty otherwise. Through the SVD whatever `lapack_driver` says, so `s` is
    also given for 'gelsy'. Differentiable.

    >>> import fluxion.numpy as fnp, fluxion.scipy.linalg as fsl
    >>> x, res, rank, s = fsl.lstsq(fnp.asarray([[1.0, 0.0], [0.0, 1.0], [0.0, 0.0]]), fnp.asarray([1.0, 2.0, 3.0]))
    >>> x.tolist(), res.tolist(), rank.item()
    ([1.0, 2.0], 9.0, 2)
    """
    if lapack_driver not in (None, "gelsd", "gelsy", "gelss"):
        raise op_error(ValueError, "lstsq", f"lapack_driver must be 'gelsd', 'gelsy' or 'gelss', got {lapack_driver!r}",
                       "pass one of them, or None")
    x, residues, rank, s = fnp.linalg.lstsq(a, b, rcond=-1 if cond is None else cond)
    if fnp.ndim(b) == 1 and residues.shape == (1,):
        residues = residues[0]
    return x, residues, rank, s


def norm(a, ord=None, axis=None, keepdims: bool = False, check_finite: bool = True):
    """NumPy's norm (`fluxion.numpy.linalg.norm`): a vector norm over one axis, a matrix norm over
    two, the 2-norm of all elements when both `ord` and `axis` are None.

    >>> import fluxion.numpy as fnp, fluxion.scipy.linalg as fsl
    >>> fsl.norm(fnp.asarray([[1.0, 2.0], [2.0, 4.0]]), 1).item()
    6.0
    """
    return fnp.linalg.norm(a, ord, axis, keepdims)


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


def orthogonal_procrustes(A, B, check_finite: bool = True):
    """The unitary `R` closest to mapping `A` to `B` (minimizing ||A R - B||_F), with the sum of
    the singular values of `A^H B`: `(R, scale)`. Differentiable (for distinct singular values).

    >>> import fluxion.numpy as fnp, fluxion.scipy.linalg as fsl
    >>> r, scale = fsl.orthogonal_procrustes(fnp.asarray([[1.0, 0.0]]), fnp.asarray([[0.0, 1.0]]))
    >>> r.tolist(), scale.item()
    ([[0.0, 1.0], [-1.0, 0.0]], 1.0)
    """
    a, b = promote_inexact("orthogonal_procrustes", A, B)
    a, b = _matrices("orthogonal_procrustes", a), _matrices("orthogonal_procrustes", b)
    if a.shape[-2:] != b.shape[-2:]:
        raise op_error(ShapeError, "orthogonal_procrustes", f"A has shape {a.shape} and B {b.shape}",
                       "pass A and B of one matrix shape")
    u, w, vh = fnp.linalg.svd(_ct(a) @ b, full_matrices=False)
    return u @ vh, fnp.sum(w, axis=-1)


def subspace_angles(A, B):
    """The principal angles between the column spaces of `A` (M, N) and `B` (M, K), descending:
    min(N, K) of them. Small angles come from the sines, the others from the cosines (the
    singular values of `QA^H QB` for orthonormal bases QA, QB), as SciPy computes them. The
    bases are the SVD's left singular vectors, all min(M, N) of them where SciPy keeps those of
    the rank: the angles match where the columns are independent, and keep a shape fixed by the
    shapes, so they compile and batch. Differentiable (for distinct, nonzero angles).

    >>> import fluxion.numpy as fnp, fluxion.scipy.linalg as fsl
    >>> fsl.subspace_angles(fnp.asarray([[1.0], [0.0]]), fnp.asarray([[1.0], [1.0]])).round(5).tolist()
    [0.7854]
    """
    a, b = promote_inexact("subspace_angles", A, B)
    a, b = _matrices("subspace_angles", a), _matrices("subspace_angles", b)
    if a.shape[-2] != b.shape[-2]:
        raise op_error(ShapeError, "subspace_angles", f"A has shape {a.shape} and B {b.shape}",
                       "pass A and B with one number of rows")
    qa, qb = (fnp.linalg.svd(x, full_matrices=False)[0] for x in (a, b))
    cross = _ct(qa) @ qb
    cosines = fnp.flip(fnp.linalg.svdvals(cross), -1)
    rest = qb - qa @ cross if a.shape[-1] >= b.shape[-1] else qa - qb @ _ct(cross)
    sines = fnp.linalg.svdvals(rest)
    return fnp.where(cosines ** 2 >= 0.5, fnp.arcsin(fnp.clip(sines, -1, 1)), fnp.arccos(fnp.clip(cosines, -1, 1)))


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


def solve_circulant(c, b, singular: str = "raise", tol=None, caxis: int = -1, baxis: int = 0, outaxis: int = 0):
    """Solve `C x = b` for the circulant matrix `C = circulant(c)` by the FFT: x = ifft(fft(b) /
    fft(c)), along `caxis` of `c` and `baxis` of `b` (the other axes broadcast) into `outaxis`.
    The eigenvalues fft(c) of magnitude at most `tol` (by default max|fft(c)| * N * eps of
    float64) count as zero: with `singular='lstsq'` their components are dropped, the
    least-squares solution; with 'raise' a singular `C` gives inf/NaN (not an error: compiled
    code cannot raise on values). Real for real `c` and `b`. Differentiable.

    >>> import fluxion.numpy as fnp, fluxion.scipy.linalg as fsl
    >>> fsl.solve_circulant(fnp.asarray([2.0, 1.0, 0.0]), fnp.asarray([3.0, 3.0, 3.0])).round(5).tolist()
    [1.0, 1.0, 1.0]
    """
    if singular not in ("raise", "lstsq"):
        raise op_error(ValueError, "solve_circulant", f"singular must be 'raise' or 'lstsq', got {singular!r}",
                       "pass one of them")
    c, b = promote_inexact("solve_circulant", fnp.atleast_1d(c), fnp.atleast_1d(b))
    c, b = fnp.moveaxis(c, caxis, -1), fnp.moveaxis(b, baxis, -1)
    if c.shape[-1] != b.shape[-1]:
        raise op_error(ShapeError, "solve_circulant", f"c has {c.shape[-1]} coefficients along caxis but b "
                       f"{b.shape[-1]} entries along baxis", "pass c and b of one length along caxis and baxis")
    fc, fb = fnp.fft.fft(c), fnp.fft.fft(b)
    size = fnp.abs(fc)
    if tol is None:
        tol = fnp.max(size, axis=-1, keepdims=True, initial=0) * c.shape[-1] * float(fnp.finfo(fnp.float64).eps)
    near_zero = size <= tol
    q = fb / (fnp.where(near_zero, 1, fc) if singular == "lstsq" else fc)
    x = fnp.fft.ifft(fnp.where(near_zero, 0, q) if singular == "lstsq" else q)
    if not (fnp.iscomplexobj(c) or fnp.iscomplexobj(b)):
        x = fnp.real(x)
    return fnp.moveaxis(x, -1, outaxis)


def _toeplitz(c_or_cr):
    """The Toeplitz matrix of `c` (first column) or of `(c, r)` (r the first row)."""
    return toeplitz(*c_or_cr) if isinstance(c_or_cr, tuple) else toeplitz(c_or_cr)


def solve_toeplitz(c_or_cr, b, check_finite: bool = True):
    """Solve `T x = b` for the Toeplitz matrix `T = toeplitz(c, r)` (`c_or_cr` is `c`, then
    r = conj(c), or `(c, r)`); `b` is (M,) or (..., M, K). By LU of `T` (O(M^3), where SciPy's
    Levinson recursion is O(M^2)), so it compiles, batches and differentiates.

    >>> import fluxion.numpy as fnp, fluxion.scipy.linalg as fsl
    >>> fsl.solve_toeplitz(fnp.asarray([2.0, 1.0]), fnp.asarray([3.0, 3.0])).tolist()
    [1.0, 1.0]
    """
    return solve(_toeplitz(c_or_cr), b)


def matmul_toeplitz(c_or_cr, x, check_finite: bool = False, workers=None):
    """The product `T @ x` with the Toeplitz matrix `T = toeplitz(c, r)` (`c_or_cr` is `c`, then
    r = conj(c), or `(c, r)`); `x` is (N,) or (..., N, K). A dense product (`workers` is
    accepted for SciPy's signature).

    >>> import fluxion.numpy as fnp, fluxion.scipy.linalg as fsl
    >>> fsl.matmul_toeplitz((fnp.asarray([1.0, 2.0]), fnp.asarray([1.0, 3.0])), fnp.asarray([1.0, 1.0])).tolist()
    [4.0, 3.0]
    """
    t = _toeplitz(c_or_cr)
    x = fnp.asarray(x)
    if x.ndim < 1 or x.shape[0 if x.ndim == 1 else -2] != t.shape[-1]:
        raise op_error(ShapeError, "matmul_toeplitz", f"the Toeplitz matrix has shape {t.shape}, so x must have "
                       f"shape ({t.shape[-1]},) or (..., {t.shape[-1]}, K), got {x.shape}",
                       "give x as many rows as r has entries")
    return t @ x


# matrix equations ------------------------------------------------------------------------------
def solve_continuous_lyapunov(a, q):
    """The solution `x` of the continuous Lyapunov equation `a x + x a^H = q`: the Sylvester
    equation with b = a^H. Differentiable.

    >>> import fluxion.numpy as fnp, fluxion.scipy.linalg as fsl
    >>> a, q = fnp.asarray([[1.0, 0.0], [0.0, 2.0]]), fnp.asarray([[2.0, 3.0], [3.0, 8.0]])
    >>> fsl.solve_continuous_lyapunov(a, q).tolist()
    [[1.0, 1.0], [1.0, 2.0]]
    """
    a, q = promote_inexact("solve_continuous_lyapunov", a, q)
    return solve_sylvester(a, _ct(_matrices("solve_continuous_lyapunov", a, square=True)), q)


solve_lyapunov = solve_continuous_lyapunov


def solve_discrete_lyapunov(a, q, method=None):
    """The solution `x` of the discrete Lyapunov equation `a x a^H - x + q = 0`. `method`
    'direct' solves the n^2 linear equations (I - kron(a, conj(a))) vec(x) = vec(q); 'bilinear'
    maps the equation to a continuous one (`solve_continuous_lyapunov`); by default 'direct' for
    n < 10, as SciPy. Differentiable.

    >>> import fluxion.numpy as fnp, fluxion.scipy.linalg as fsl
    >>> fsl.solve_discrete_lyapunov(fnp.asarray([[0.5, 0.0], [0.0, 0.0]]), fnp.eye(2)).round(6).tolist()
    [[1.333333, 0.0], [0.0, 1.0]]
    """
    a, q = promote_inexact("solve_discrete_lyapunov", a, q)
    a, q = _matrices("solve_discrete_lyapunov", a, square=True), _matrices("solve_discrete_lyapunov", q, square=True)
    n = a.shape[-1]
    if q.shape[-1] != n:
        raise op_error(ShapeError, "solve_discrete_lyapunov", f"a has shape {a.shape} and q {q.shape}",
                       "pass a and q of one matrix size")
    method = ("direct" if n < 10 else "bilinear") if method is None else str(method).lower()
    if method not in ("direct", "bilinear"):
        raise op_error(ValueError, "solve_discrete_lyapunov", f"method must be 'direct' or 'bilinear', got {method!r}",
                       "pass one of them, or None")
    batch = broadcast_shapes("solve_discrete_lyapunov", a.shape[:-2], q.shape[:-2])
    a, q = fnp.broadcast_to(a, batch + (n, n)), fnp.broadcast_to(q, batch + (n, n))
    eye = fnp.eye(n, dtype=a.dtype)
    if method == "direct":
        kron = fnp.reshape(a[..., :, None, :, None] * fnp.conj(a)[..., None, :, None, :], batch + (n * n, n * n))
        x = fnp.linalg.solve(fnp.eye(n * n, dtype=a.dtype) - kron, fnp.reshape(q, batch + (n * n, 1)))
        return fnp.reshape(x, batch + (n, n))
    # with b = (a^H + I)^-1 (a^H - I), the equation is b^H x + x b = -c, c = 2 (a + I)^-1 q (a^H + I)^-1
    ah = _ct(a)
    b = fnp.linalg.solve(ah + eye, ah - eye)  # the two factors commute
    c = 2 * _ct(fnp.linalg.solve(a + eye, _ct(fnp.linalg.solve(a + eye, q))))
    return solve_continuous_lyapunov(_ct(b), -c)
