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
from ..numpy.linalg import _pinv
from ..lax._solves import custom_linear_solve
from ..transforms.autodiff.custom import custom_jvp
from ..transforms.autodiff.jacobians import stop_gradient
from ..ops.linalg_rules import _from_triangle


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



def _tolerances(op: str, shape, dt, atol, rtol):
    """`(atol, rtol)` with SciPy's defaults (atol 0, rtol max(M, N) * eps), checked."""
    atol = 0.0 if atol is None else atol
    rtol = max(shape[-2:]) * float(fnp.finfo(dt).eps) if rtol is None else rtol
    if any(isinstance(t, (int, float)) and t < 0 for t in (atol, rtol)):
        raise op_error(ValueError, op, f"atol and rtol must be non-negative, got {atol!r} and {rtol!r}",
                       "pass tolerances >= 0")
    return atol, rtol


def _threshold(op: str, s, shape, atol, rtol):
    """`atol + rtol * max(s)` per matrix, shaped (..., 1), with SciPy's defaults."""
    atol, rtol = _tolerances(op, shape, s.dtype, atol, rtol)
    return atol + rtol * fnp.max(s, axis=-1, keepdims=True, initial=0)



def pinv(a, *, atol=None, rtol=None, return_rank: bool = False, check_finite: bool = True):
    """The Moore-Penrose pseudo-inverse of each matrix, from its SVD: singular values at most
    `atol + rtol * max(s)` count as zero (atol 0 and rtol max(M, N) * eps by default); with
    `return_rank`, `(pinv, rank)`. Differentiable (where the rank does not change).

    >>> import fluxion.numpy as fnp, fluxion.scipy.linalg as fsl
    >>> fsl.pinv(fnp.asarray([[2.0, 0.0], [0.0, 0.0]])).tolist()
    [[0.5, 0.0], [0.0, 0.0]]
    """
    a = _matrices("pinv", a)
    return _pseudo_inverse("pinv", a, atol, rtol, False, return_rank)



def pinvh(a, atol=None, rtol=None, lower: bool = True, return_rank: bool = False, check_finite: bool = True):
    """The pseudo-inverse of each Hermitian matrix (reading its `lower` or upper triangle), from
    its eigendecomposition: eigenvalues of magnitude at most `atol + rtol * max|w|` count as zero
    (defaults as `pinv`); with `return_rank`, `(pinvh, rank)`. Differentiable.

    >>> import fluxion.numpy as fnp, fluxion.scipy.linalg as fsl
    >>> fsl.pinvh(fnp.asarray([[-2.0, 0.0], [0.0, 0.0]])).tolist()
    [[-0.5, 0.0], [0.0, 0.0]]
    """
    a = _from_triangle(_matrices("pinvh", a, square=True), lower)
    return _pseudo_inverse("pinvh", a, atol, rtol, True, return_rank)


def _pseudo_inverse(op: str, a, atol, rtol, hermitian: bool, return_rank: bool):
    """`pinv`/`pinvh` through fluxion.numpy.linalg's pseudo-inverse, whose derivative is a closed
    form that holds at repeated singular values (the SVD's own divides by their differences)."""
    atol, rtol = _tolerances(op, a.shape, a.dtype, atol, rtol)
    inverse = _pinv(a, rtol, atol, hermitian)
    if not return_rank:
        return inverse
    s = fnp.abs(fnp.linalg.eigvalsh(a)) if hermitian else fnp.linalg.svdvals(a)
    return inverse, fnp.sum(s > _threshold(op, s, a.shape, atol, rtol), axis=-1)



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
    Differentiable to every order where at most one singular value is 0 (none, for a rectangular
    `a`), also where singular values repeat.

    >>> import fluxion.numpy as fnp, fluxion.scipy.linalg as fsl
    >>> u, p = fsl.polar(fnp.asarray([[2.0, 0.0], [0.0, -3.0]]))
    >>> u.tolist(), p.tolist()
    ([[1.0, 0.0], [0.0, -1.0]], [[2.0, 0.0], [0.0, 3.0]])
    """
    if side not in ("right", "left"):
        raise op_error(ValueError, "polar", f"side must be 'right' or 'left', got {side!r}", "pass one of them")
    u, p_right, p_left = _polar_factors(_matrices("polar", a))
    return u, p_right if side == "right" else p_left


@custom_jvp
def _polar_factors(a):
    """`(u, p_right, p_left)` with a = u p_right = p_left u, from the SVD a = w s vh."""
    w, s, vh = fnp.linalg.svd(a, full_matrices=False)
    return w @ vh, _ct(vh) @ (s[..., :, None] * vh), w @ (s[..., :, None] * _ct(w))


@_polar_factors.defjvp
def _polar_factors_jvp(primals, tangents):
    (a,), (da,) = primals, tangents
    out = _polar_factors(a)  # through the rule, so that higher derivatives are its too
    w, s, vh = (stop_gradient(f) for f in fnp.linalg.svd(a, full_matrices=False))
    if a.shape[-2] >= a.shape[-1]:
        return out, _polar_tangents(*out, da, _ct(vh), s)
    # a wide a is the conjugate transpose of a tall one, a^H = u^H p_left, whose p_left is p_right
    u, p_right, p_left = out
    du, dp_left, dp_right = _polar_tangents(_ct(u), p_left, p_right, _ct(da), w, s)
    return out, (_ct(du), dp_right, dp_left)


def _polar_tangents(u, p, p_left, da, v, s):
    """The tangents of the polar factors (u, p, p_left) of a tall or square `a` along `da`, where
    p = v diag(s) v^H. With b = u^H da, the skew-Hermitian x = u^H du solves p x + x p = b - b^H
    (from da = du p + u dp with dp Hermitian); then dp = b - x p. Only the factors and that
    equation's solution appear, never the singular bases' derivatives, so every order is finite
    where singular values repeat (the SVD's own derivative divides by s_j**2 - s_i**2).
    A tall `a` also moves u and p_left out of the span of u."""
    b = _ct(u) @ da
    x = _sylvester(p, b - _ct(b), v, s)
    du, dp, dp_left = u @ x, b - x @ p, u @ (b - p @ x) @ _ct(u)
    if da.shape[-2] > da.shape[-1]:
        outside = da - u @ b  # da less its part in u's span
        du = du + _ct(fnp.linalg.solve(p, _ct(outside)))  # outside p^-1 (p Hermitian)
        dp_left = dp_left + outside @ _ct(u) + u @ _ct(outside)
    return du, dp, dp_left


def _sylvester(p, c, v, s):
    """The x with p x + x p = c, for p = v diag(s) v^H Hermitian positive semidefinite with at most
    one zero in `s` (0 in x where s_i + s_j is 0). Solved in p's eigenbasis, differentiated as the
    solution of that equation in p and c, never through the basis (given, not differentiated)."""
    def solve(basis):
        return lambda _, rhs: _in_basis(basis, s, rhs)
    if not fnp.iscomplexobj(p):
        return custom_linear_solve(lambda x: p @ x + x @ p, c, solve(v), symmetric=True)
    # the transpose of x -> p x + x p is x -> conj(p) x + x conj(p), whose eigenbasis is conj(v)
    return custom_linear_solve(lambda x: p @ x + x @ p, c, solve(v), solve(fnp.conj(v)))


def _in_basis(v, s, c):
    """`_sylvester`'s x, solved in p's eigenbasis `v` (eigenvalues `s`, descending)."""
    sums = s[..., :, None] + s[..., None, :]
    # a zero singular value comes out of the SVD as rounding noise, whose sum with itself is no divisor
    zero = sums <= s.shape[-1] * fnp.finfo(s.dtype).eps * s[..., :1, None]
    y = _ct(v) @ c @ v
    return v @ fnp.where(zero, 0, y / fnp.where(zero, 1, sums)) @ _ct(v)


def orthogonal_procrustes(A, B, check_finite: bool = True):
    """The unitary `R` closest to mapping `A` to `B` (minimizing ||A R - B||_F), with the sum of
    the singular values of `A^H B`: `(R, scale)`. Differentiable, as `polar`'s `u` of `A^H B`.

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
    u, p_right, _ = _polar_factors(_ct(a) @ b)
    # the singular values of A^H B sum to the trace of its Hermitian polar factor
    return u, fnp.real(fnp.trace(p_right, axis1=-2, axis2=-1))



def subspace_angles(A, B):
    """The principal angles between the column spaces of `A` (M, N) and `B` (M, K), descending:
    min(N, K) of them. Small angles come from the sines, the others from the cosines (the
    singular values of `QA^H QB` for orthonormal bases QA, QB), as SciPy computes them. The
    bases are those of the reduced QR, all min(M, N) columns where SciPy keeps as many as the
    rank: the angles match where the columns are independent, and keep a shape fixed by the
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
    # QR bases span what the SVD's would, and stay differentiable where singular values repeat
    qa, qb = (fnp.linalg.qr(x)[0] for x in (a, b))
    cross = _ct(qa) @ qb
    cosines = fnp.flip(fnp.linalg.svdvals(cross), -1)
    rest = qb - qa @ cross if a.shape[-1] >= b.shape[-1] else qa - qb @ _ct(cross)
    sines = fnp.linalg.svdvals(rest)
    small = cosines ** 2 >= 0.5  # (each function sees only the values it is used at: arccos'(1) is infinite)
    return fnp.where(small, fnp.arcsin(fnp.clip(fnp.where(small, sines, 0), -1, 1)),
                     fnp.arccos(fnp.clip(fnp.where(small, 0, cosines), -1, 1)))
