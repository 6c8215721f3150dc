"""The parts of fluxion.scipy.linalg built on the SVD (and, for `pinvh`, the Hermitian
eigendecomposition): singular values, pseudo-inverses, bases of subspaces, least squares, the
polar decomposition and the Procrustes problem. `null_space` and `orth` have shapes that depend
on the rank, so they run outside jit and vmap only; everything else batches, compiles and is
differentiable where the rank does not change."""
from __future__ import annotations

from .. import numpy as fnp
from ..core.errors import ShapeError, op_error
from ..numpy._convert import promote_inexact
from ..numpy._linalg_util import _ct, _matrices
from ..numpy.linalg import _inverse_values


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
    w, v = fnp.linalg.eigh(a, UPLO="L" if lower else "U", symmetrize_input=False)
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
