"""fluxion.numpy.linalg: the array API linear algebra extension, with NumPy's norm, lstsq, cond
and multi_dot.

Everything is composed from the factorization primitives (lu, triangular_solve, cholesky,
qr, eigh, svd) and the products of `_linear`, so derivatives come from the primitives' rules.
The norms are in `_norms.py`, the helpers shared with fluxion.scipy.linalg in `_linalg_util.py`.
As in compiled code, a singular or indefinite input gives inf/NaN values, never an error:
`inv` and `solve` of a singular matrix give inf/NaN, `cholesky` of a matrix that is not
positive definite gives NaN, `det` of a singular matrix gives 0.
"""
from __future__ import annotations

import functools
import math
import operator
from typing import NamedTuple, Sequence

import ml_dtypes
import numpy as np

from ..core import dtypes
from ..core.array import Array
from ..core.errors import ShapeError, op_error
from ..backends.numpy.linalg import over_stack
from ..core.primitive import numpy_kernel
from ..ops import elementwise as E
from ..ops import linalg as L
from ..ops import reduce as R
from ..ops import shape as S
from ..ops._util import axis_index, broadcast_shapes, one_int
from ..ops.linalg_rules import _from_triangle
from ..ops.sort import sort
from ..transforms.autodiff.custom import custom_jvp
from ._contract import diagonal as _diagonal
from ._convert import convert, promote, promote_inexact
from ._elementwise_base import no_out
from ._linear import cross as _cross
from ._linear import matmul, outer as _outer, sum_last, tensordot, vecdot
from ._linalg_util import _abs, _ct, _eager_matrices, _eye, _kernel, _last, _matrices, _strong, _where
from ._manipulation import matrix_transpose
from ._norms import _matrix_norm, matrix_norm, norm, vector_norm
from ._placement import with_operands
from ._reductions import _DIRECT_REAL

__all__ = ["EigResult", "EighResult", "QRResult", "SVDResult", "SlogdetResult", "cholesky", "cond", "cross", "det",
           "diagonal", "eig", "eigh", "eigvals", "eigvalsh", "inv", "lstsq", "matmul", "matrix_norm", "matrix_power", "matrix_rank",
           "matrix_transpose", "multi_dot", "norm", "outer", "pinv", "qr", "slogdet", "solve", "svd", "svdvals",
           "tensordot", "tensorinv", "tensorsolve", "trace", "vecdot", "vector_norm"]


class EighResult(NamedTuple):
    eigenvalues: Array
    eigenvectors: Array


class EigResult(NamedTuple):
    eigenvalues: Array
    eigenvectors: Array


class QRResult(NamedTuple):
    Q: Array
    R: Array


class SlogdetResult(NamedTuple):
    sign: Array
    logabsdet: Array


class SVDResult(NamedTuple):
    U: Array
    S: Array
    Vh: Array


# factorizations -----------------------------------------------------------------------------
def _hermitian_part(x):
    """(x + x^H) / 2, which `symmetrize_input` decomposes (as jax's): both triangles count, so a
    derivative splits evenly between x[i, j] and x[j, i], as jax's and PyTorch's, and agrees
    with finite differences in every direction. Exactly x where x is Hermitian."""
    if x.__class__ is np.ndarray:
        t = np.swapaxes(x, -1, -2)
        out = x + (t.conj() if x.dtype.kind == "c" else t)
        out *= 0.5  # (in place: exactly the division by 2, without a second array)
        return out
    return (x + _ct(x)) / 2


def cholesky(x, /, *, upper: bool = False, symmetrize_input: bool = True) -> Array:
    """Cholesky factor L (`x = L @ L^H`), or U = L^H when `upper`, of (x + x^H) / 2 (jax's
    `symmetrize_input`, see `_hermitian_part`; with symmetrize_input=False, of x's lower
    triangle, as NumPy).

    A matrix that is not positive definite gives NaN (not an error).

    >>> import fluxion.numpy as fnp
    >>> fnp.linalg.cholesky(fnp.asarray([[4.0, 2.0], [2.0, 5.0]])).tolist()
    [[2.0, 0.0], [1.0, 2.0]]
    """
    if not upper and (v := _eager_matrices(x)) is not None:
        return _kernel(L.cholesky_p, _hermitian_part(v) if symmetrize_input else v)  # kept fast
    x = _matrices("cholesky", x, square=True)
    lower = L.cholesky(_hermitian_part(x) if symmetrize_input else x)
    return _ct(lower) if upper else lower


def eigh(x, /, UPLO: str | None = None, symmetrize_input: bool = True) -> EighResult:
    """Eigenvalues (ascending) and eigenvectors of Hermitian matrices: of (x + x^H) / 2 (jax's
    `symmetrize_input`, see `_hermitian_part`), or with symmetrize_input=False of the `UPLO`
    triangle ('L' by default), as NumPy.

    >>> import fluxion.numpy as fnp
    >>> fnp.linalg.eigh(fnp.asarray([[2.0, 1.0], [1.0, 2.0]])).eigenvalues.tolist()
    [1.0, 3.0]
    """
    if UPLO is None:
        UPLO = "L"
    if (UPLO == "L" or UPLO == "U") and (v := _eager_matrices(x)) is not None:
        v, w = _kernel(L.eigh_p, _hermitian_part(v) if symmetrize_input else v, lower=UPLO == "L")  # kept fast
        return EighResult(w, v)
    if not isinstance(UPLO, str) or UPLO.upper() not in ("L", "U"):
        raise op_error(ValueError, "eigh", f"UPLO must be 'L' or 'U', got {UPLO!r}", "pass UPLO='L' or UPLO='U'")
    x = _matrices("eigh", x, square=True)
    v, w = L.eigh(_hermitian_part(x) if symmetrize_input else x, lower=UPLO.upper() == "L")
    return EighResult(w, v)


def eig(x, /) -> EigResult:
    """Eigenvalues and right eigenvectors (unit columns, `x @ v == v * w`) of general square
    matrices; always complex, also where every eigenvalue is real (NumPy then gives real
    arrays, but a compiled program cannot choose its dtype by value). Computed on the CPU.

    >>> import fluxion.numpy as fnp
    >>> w, v = fnp.linalg.eig(fnp.asarray([[2.0, 0.0], [0.0, 3.0]]))
    >>> w.tolist()
    [(2+0j), (3+0j)]
    """
    if (m := _eager_matrices(x)) is not None:
        return EigResult(*_kernel(L.eig_p, m, vectors=True))  # kept fast
    w, v = L.eig(_matrices("eig", x, square=True))
    return EigResult(w, v)


def eigvals(x, /) -> Array:
    """The eigenvalues of general square matrices, complex (see `eig`).

    >>> import fluxion.numpy as fnp
    >>> fnp.linalg.eigvals(fnp.asarray([[0.0, 1.0], [-1.0, 0.0]])).tolist()
    [1j, -1j]
    """
    if (v := _eager_matrices(x)) is not None:
        return _kernel(L.eig_p, v, vectors=False)[0]  # kept fast
    return L.eig(_matrices("eigvals", x, square=True), vectors=False)[0]


def eigvalsh(x, /, UPLO: str | None = "L", *, symmetrize_input: bool = True) -> Array:
    """Eigenvalues (ascending) of Hermitian matrices (of which part of `x`: see `eigh`).

    >>> import fluxion.numpy as fnp
    >>> fnp.linalg.eigvalsh(fnp.asarray([[2.0, 0.0], [0.0, 1.0]])).tolist()
    [1.0, 2.0]
    """
    return eigh(x, UPLO, symmetrize_input).eigenvalues


_QR_MODES = ("reduced", "complete", "r", "raw")


def qr(x, /, mode: str = "reduced") -> QRResult | Array:
    """QR decomposition: `mode` 'reduced' (Q is (..., M, K)), 'complete' (Q is (..., M, M)), 'r' (R
    only) or 'raw' (`(h, tau)`, LAPACK's packed form as NumPy gives it: `h` (..., N, M) is the
    transpose of `lax.linalg.geqrf`'s, R and the Householder vectors, `tau` (..., K) their factors).

    In 'complete' mode with M > N, Q's last M - N columns, a basis of the complement of the first
    N's span, are those of LAPACK's Householder reflections, and differentiated as such (a
    function of the first N columns), so that finite differences of them agree.

    >>> import fluxion.numpy as fnp
    >>> q, r = fnp.linalg.qr(fnp.ones((3, 2)))
    >>> q.shape, r.shape
    ((3, 2), (2, 2))
    """
    if mode not in _QR_MODES:
        raise op_error(ValueError, "qr", f"mode {mode!r} is not supported",
                       f"use one of {', '.join(map(repr, _QR_MODES))}")
    if mode == "raw":
        from ..lax.linalg import geqrf  # (fluxion.lax is written in fluxion.numpy)
        h, tau = geqrf(_matrices("qr", x))
        return matrix_transpose(h), tau
    if (v := _eager_matrices(x, square=False)) is not None:
        q, r = _kernel(L.qr_p, v, full_matrices=mode == "complete")  # kept fast
    else:
        q, r = L.qr(_matrices("qr", x), full_matrices=mode == "complete")
    return r if mode == "r" else QRResult(q, r)


def svd(x, /, full_matrices: bool = True, compute_uv: bool = True, hermitian: bool = False,
        subset_by_index: tuple[int, int] | None = None) -> SVDResult | Array:
    """Singular value decomposition `x = U @ diag(S) @ Vh`, S descending (only S if not `compute_uv`).

    `hermitian=True` takes `x` as Hermitian (reading its lower triangle) and computes the SVD
    from its eigendecomposition, as NumPy does. With `full_matrices`, the singular vectors
    beyond min(M, N) are a basis of a complement of the others' span; any basis is as good, and
    their derivatives are those of the one that turns least, not of LAPACK's (whose algorithm
    alone defines it): a loss of those vectors themselves, not of their span, differs from finite
    differences. `subset_by_index=(start, end)` keeps the
    singular values start..end-1 (and their vectors; with full_matrices=False), as jax's
    keyword describes it (jax itself refuses it on CPU and GPU).

    >>> import fluxion.numpy as fnp
    >>> fnp.linalg.svd(fnp.asarray([[3.0, 0.0], [0.0, -4.0]])).S.tolist()
    [4.0, 3.0]
    """
    if subset_by_index is not None:
        return _svd_subset(svd(x, full_matrices, compute_uv, hermitian), full_matrices, compute_uv, subset_by_index)
    if not hermitian and (v := _eager_matrices(x, square=False)) is not None:  # kept fast
        out = _kernel(L.svd_p, v, full_matrices=bool(full_matrices), compute_uv=bool(compute_uv))
        return SVDResult(*out) if compute_uv else out[0]
    x = _matrices("svd", x, square=hermitian)
    if hermitian:
        return _hermitian_svd(x, compute_uv)
    if not compute_uv:
        return L.svd(x, compute_uv=False)
    return SVDResult(*L.svd(x, full_matrices=full_matrices))


def _svd_subset(out, full_matrices: bool, compute_uv: bool, subset_by_index) -> SVDResult | Array:
    """The singular values (and vectors) of `svd`'s `out` whose indices are in [start, end)."""
    if full_matrices and compute_uv:
        raise op_error(ValueError, "svd", "full_matrices and subset_by_index cannot both be set",
                       "pass full_matrices=False with subset_by_index")
    s = out.S if compute_uv else out
    try:
        start, end = (operator.index(i) for i in subset_by_index)
    except (TypeError, ValueError):
        start = end = -1
    if not 0 <= start <= end <= s.shape[-1]:
        raise op_error(ValueError, "svd", f"subset_by_index must be (start, end) with 0 <= start <= end <= "
                       f"{s.shape[-1]}, got {subset_by_index!r}", "pass two ints in that range")
    if not compute_uv:
        return s[..., start:end]
    return SVDResult(out.U[..., start:end], out.S[..., start:end], out.Vh[..., start:end, :])


def _hermitian_svd(x: Array, compute_uv: bool) -> SVDResult | Array:
    """The SVD of Hermitian matrices: S the eigenvalues' magnitudes, descending, U the eigenvectors
    and Vh their conjugate transpose with each row signed like its eigenvalue."""
    v, w = L.eigh(x)
    key = E.neg_p.bind(_abs(w))  # sorting -|w| ascending puts the magnitudes in descending order
    s = E.neg_p.bind(sort(key, dimension=w.ndim - 1))
    if not compute_uv:
        return s
    sign = _where(E.lt_p.bind(w, convert(0, w.dtype)), convert(-1, v.dtype), convert(1, v.dtype))
    columns = tuple(range(w.ndim - 1)) + (v.ndim - 1,)  # w's axes in v: the batch and the column axis
    # each row of v holds the same keys, so one stable sort gives every row the same column order
    _, u, signed = sort((S.broadcast_in_dim(key, v.shape, columns), v,
                         E.mul_p.bind(v, S.broadcast_in_dim(sign, v.shape, columns))), dimension=v.ndim - 1)
    return SVDResult(u, s, _ct(signed))


def svdvals(x, /) -> Array:
    """Singular values, descending.

    >>> import fluxion.numpy as fnp
    >>> fnp.linalg.svdvals(fnp.asarray([[0.0, 2.0], [1.0, 0.0]])).tolist()
    [2.0, 1.0]
    """
    if (v := _eager_matrices(x, square=False)) is not None:
        return _kernel(L.svd_p, v, full_matrices=True, compute_uv=False)[0]  # kept fast
    return L.svd(_matrices("svdvals", x), compute_uv=False)


# determinants, solves and inverses (all from LU) -------------------------------------------
def _lu_parts(x: Array) -> tuple[Array, Array, Array]:
    """LU of `x`: U's diagonal, whether the row permutation is odd, and `(packed, permutation)`."""
    packed, pivots, perm = L.lu(x)
    swapped = E.ne_p.bind(pivots, S.iota(dtypes.int32, pivots.shape, pivots.ndim - 1))
    odd = R.reduce_xor(swapped, _last(swapped))
    return _diagonal(packed, 0, x.ndim - 2, x.ndim - 1), odd, (packed, perm)


def det(x, /) -> Array:
    """Determinant (1 for 0x0 matrices, 0 for singular ones), from LU.

    Its derivatives of every order are exact, also at singular matrices. The gradient is the
    cofactor matrix and the Hessian comes from LU, or, where LU meets two zero pivots or more
    (at rank n - 2 or less, for instance), from n^2 cofactor matrices; each further order takes
    n^2 Hessians.

    >>> import fluxion.numpy as fnp
    >>> round(fnp.linalg.det(fnp.asarray([[1.0, 2.0], [3.0, 4.0]])).item(), 4)
    -2.0
    """
    if (v := _eager_matrices(x)) is not None:
        return _kernel(L.det_p, v)  # kept fast
    return L.det(_matrices("det", x, square=True))


def slogdet(x, /, *, method: str | None = None) -> SlogdetResult:
    """Sign (a unit complex number for complex input; 0 if singular) and log |det|, from LU
    (`method`, jax's choice of 'lu' or 'qr', gives the same values and is accepted as such).

    >>> import fluxion.numpy as fnp
    >>> sign, logabsdet = fnp.linalg.slogdet(fnp.asarray([[0.0, 2.0], [3.0, 0.0]]))
    >>> sign.item(), round(logabsdet.item(), 4)
    (-1.0, 1.7918)
    """
    if method not in (None, "lu", "qr"):
        raise op_error(ValueError, "slogdet", f"unknown method {method!r}", "pass method='lu', 'qr' or None")
    if (v := _eager_matrices(x)) is not None and v.ndim > 2:  # kept fast: a stack, by NumPy's loop of LAPACK calls
        with np.errstate(all="ignore"):  # (NaN in, NaN out)
            sign, logabsdet = over_stack(np.linalg.slogdet, v)
        sign = np.where(np.isnan(logabsdet), np.nan, sign)  # (NumPy's sign of a NaN matrix is 1)
        return SlogdetResult(_strong(sign.astype(v.dtype, copy=False)), _strong(logabsdet))
    if v is not None and v.dtype in _DIRECT_REAL:
        return _eager_slogdet(v)
    d, odd, _ = _lu_parts(_matrices("slogdet", x, square=True))
    sign = R.reduce_prod(E.sign_p.bind(d), _last(d))
    logabsdet = R.reduce_sum(E.log_p.bind(_abs(d)), _last(d))
    flip = E.and_p.bind(odd, E.ne_p.bind(sign, S.full((), 0, sign.dtype)))  # (0 stays +0)
    return SlogdetResult(_where(flip, E.neg_p.bind(sign), sign), logabsdet)


def _eager_slogdet(v: np.ndarray) -> SlogdetResult:
    """slogdet of real matrices with the general path's kernels: NumPy's ufuncs after LU."""
    packed, pivots, _ = numpy_kernel[L.lu_p](v)
    d = np.diagonal(packed, 0, -2, -1)
    odd = np.logical_xor.reduce(pivots != np.arange(pivots.shape[-1], dtype=np.int32), -1)
    sign = np.multiply.reduce(np.sign(d), -1, v.dtype)
    sign = np.where(odd & (sign != 0), -sign, sign)  # (0 stays +0)
    return SlogdetResult(_strong(sign), _strong(np.add.reduce(np.log(np.abs(d)), -1, v.dtype)))


def _substitute(packed, pb, triangular_solve=L.triangular_solve):
    """Solve L U x = pb with the packed LU factors (same batch axes), by `triangular_solve`: the
    primitive's function, or on NumPy values its kernel."""
    y = triangular_solve(packed, pb, left_side=True, lower=True, transpose_a=False, conjugate_a=False,
                         unit_diagonal=True)
    return triangular_solve(packed, y, left_side=True, lower=False, transpose_a=False, conjugate_a=False,
                            unit_diagonal=False)


def _permute_rows(b: Array, perm: Array) -> Array:
    """`b[..., perm, :]`: sort b's rows keyed by the inverse permutation (exact, also for inf/NaN)."""
    k = perm.ndim - 1
    _, inverse = sort((perm, S.iota(dtypes.int32, perm.shape, k)), dimension=k)
    return sort((S.broadcast_in_dim(inverse, b.shape, tuple(range(perm.ndim))), b), dimension=k)[1]


def solve(x1, x2, /) -> Array:
    """Solve `x1 @ x = x2`; a 1-D x2 is one right-hand side, else x2 is (..., M, K) with batch broadcasting.

    A singular x1 gives inf/NaN (not an error).

    >>> import fluxion.numpy as fnp
    >>> fnp.linalg.solve(fnp.asarray([[2.0, 0.0], [0.0, 4.0]]), fnp.asarray([2.0, 2.0])).tolist()
    [1.0, 0.5]
    """
    if (a := _eager_matrices(x1)) is not None and x2.__class__ is Array and x2._value.dtype is a.dtype:  # kept fast
        if (x := _stacked(np.linalg.solve, a, x2._value)) is not None:
            return x
        packed, _, perm = numpy_kernel[L.lu_p](a)
        if (x := eager_lu_solve(packed, perm, x2._value)) is not None:
            return x
    x1, x2 = promote_inexact("solve", x1, x2)
    a = _matrices("solve", x1, square=True)
    vector = x2.ndim == 1
    b = S.expand_dims(x2, (1,)) if vector else x2
    if b.ndim < 2 or b.shape[-2] != a.shape[-1]:
        raise op_error(ShapeError, "solve", f"x1 has shape {a.shape} so x2 must have shape ({a.shape[-1]},) or "
                       f"(..., {a.shape[-1]}, K), got {x2.shape}", "give x2 as many rows as x1 has columns")
    _, _, (packed, perm) = _lu_parts(a)
    batch = broadcast_shapes("solve", a.shape[:-2], b.shape[:-2])
    packed = S.broadcast_to(packed, batch + packed.shape[-2:])
    pb = _permute_rows(S.broadcast_to(b, batch + b.shape[-2:]), S.broadcast_to(perm, batch + perm.shape[-1:]))
    x = _substitute(packed, pb)
    return S.squeeze(x, _last(x)) if vector else x


def _stacked(routine, a: np.ndarray, *b: np.ndarray) -> Array | None:
    """NumPy's `routine` of a stack of matrices `a` (and right-hand sides `b`, of a shape that it
    takes as the general path does), which loops over LAPACK calls in C: equal to the general path
    up to rounding. None for one matrix (which keeps the general path's kernels, bit for bit), for
    a shape that does not fit, and where a matrix is singular (NumPy raises; the general path gives
    inf/NaN)."""
    if a.ndim < 3 and not (b and b[0].ndim > 2) or b and (
            not b[0].ndim or b[0].shape[-2 if b[0].ndim > 1 else 0] != a.shape[-1]):
        return None
    try:
        with np.errstate(all="ignore"):
            return _strong(over_stack(routine, a, *b))
    except (np.linalg.LinAlgError, ValueError):  # (singular, or batch axes that do not broadcast)
        return None


def eager_lu_solve(packed: np.ndarray, perm: np.ndarray, b: np.ndarray) -> Array | None:
    """Solve `a x = b` from the LU factors of `a` (`a[..., perm, :] == L @ U`) with the general
    path's kernels, for `b` a vector (M,) or matrices (..., M, K) of the factors' dtype; None
    where b's dtype or shape does not fit."""
    if b.dtype is not packed.dtype or not b.ndim or b.shape[-2 if b.ndim > 1 else 0] != packed.shape[-1]:
        return None
    if b.ndim > 1 and packed.shape[:-2] != b.shape[:-2]:
        try:
            batch = np.broadcast_shapes(packed.shape[:-2], b.shape[:-2])
        except ValueError:
            return None
        packed, b = np.broadcast_to(packed, batch + packed.shape[-2:]), np.broadcast_to(b, batch + b.shape[-2:])
        perm = np.broadcast_to(perm, batch + perm.shape[-1:])
    # the rows of b in the order of perm: an exact gather, as the general path's sort
    pb = b[perm, None] if b.ndim == 1 else b[perm] if b.ndim == 2 else np.take_along_axis(b, perm[..., None], -2)
    x = _substitute(packed, pb, numpy_kernel[L.triangular_solve_p])
    return _strong(x[..., 0] if b.ndim == 1 else x)


def inv(x, /) -> Array:
    """Inverse of each square matrix; a singular matrix gives inf/NaN (not an error).

    >>> import fluxion.numpy as fnp
    >>> fnp.linalg.inv(fnp.asarray([[2.0, 0.0], [0.0, 4.0]])).tolist()
    [[0.5, 0.0], [0.0, 0.25]]
    """
    if (v := _eager_matrices(x)) is not None:  # kept fast: the same kernels
        if (out := _stacked(np.linalg.inv, v)) is not None:
            return out
        packed, _, perm = numpy_kernel[L.lu_p](v)
        p = (perm[..., None] == np.arange(v.shape[-1], dtype=np.int32)).astype(v.dtype)
        return _strong(_substitute(packed, p, numpy_kernel[L.triangular_solve_p]))
    x = _matrices("inv", x, square=True)
    _, _, (packed, perm) = _lu_parts(x)
    # the identity with its rows permuted is the one-hot encoding of the permutation
    p = convert(E.eq_p.bind(S.expand_dims(perm, (perm.ndim,)), S.iota(dtypes.int32, x.shape, x.ndim - 1)), x.dtype)
    return _substitute(packed, p)


def matrix_power(x, n: int, /) -> Array:
    """`x` multiplied by itself `n` times (the identity for 0; the inverse's power for n < 0).

    >>> import fluxion.numpy as fnp
    >>> fnp.linalg.matrix_power(fnp.asarray([[1, 1], [0, 1]]), 3).tolist()
    [[1, 3], [0, 1]]
    """
    try:
        n = operator.index(n)
    except TypeError:
        raise op_error(TypeError, "matrix_power", f"the exponent must be an integer, got {n!r}",
                       "pass a Python int") from None
    (x,) = promote("matrix_power", x)
    if x.ndim < 2 or x.shape[-1] != x.shape[-2]:
        raise op_error(ShapeError, "matrix_power", f"needs a stack of square matrices, got shape {x.shape}",
                       "pass an array whose last two axes are equal")
    if n == 0:
        return with_operands("matrix_power", S.broadcast_to(_eye(x.shape[-1], x.dtype), x.shape), [x])
    if n < 0:
        x, n = inv(x), -n
    result = None
    while True:  # binary powering: log2(n) squarings
        if n & 1:
            result = x if result is None else matmul(result, x)
        n >>= 1
        if not n:
            return result
        x = matmul(x, x)


# ranks and pseudo-inverses --------------------------------------------------------------------
def _cutoff(op: str, s: Array, shape: tuple, rtol, tol=None) -> Array:
    """The singular-value threshold per matrix, shaped (..., 1): `tol`, or `rtol` times the largest."""
    if rtol is not None and tol is not None:
        raise op_error(TypeError, op, "got both a relative and an absolute tolerance", "pass only one of them")

    def per_matrix(v):
        v = convert(v, s.dtype)
        return S.expand_dims(v, (v.ndim,))
    if tol is not None:
        return per_matrix(tol)
    if rtol is None:
        rtol = _default_rtol(shape, s.dtype)
    return E.mul_p.bind(per_matrix(rtol), S.expand_dims(R.reduce_max(s, _last(s)), (s.ndim - 1,)))


def _default_rtol(shape: tuple, dt) -> float:
    """max(M, N) * eps of `dt` (its real part's): the relative tolerance below which singular values count as 0."""
    return max(shape[-2:]) * float(ml_dtypes.finfo(dt).eps)


def _inverse_values(s: Array, cutoff: Array) -> Array:
    """1/s where s exceeds `cutoff`, else 0 (without dividing by zero)."""
    keep = E.gt_p.bind(s, cutoff)
    one, zero = convert(1, s.dtype), convert(0, s.dtype)
    return _where(keep, E.div_p.bind(one, _where(keep, s, one)), zero)


def matrix_rank(x, /, tol=None, hermitian: bool = False, *, rtol=None) -> Array:
    """Number of singular values above `tol` (absolute) or `rtol` times the largest.

    `rtol` defaults to `max(M, N) * eps`. Arrays of fewer than 2 dimensions have rank 1
    unless all zero (NumPy).

    >>> import fluxion.numpy as fnp
    >>> fnp.linalg.matrix_rank(fnp.asarray([[1.0, 2.0], [2.0, 4.0]])).item()
    1
    """
    (x,) = promote_inexact("matrix_rank", x)
    if x.ndim < 2:
        nonzero = E.ne_p.bind(x, convert(0, x.dtype))
        return convert(R.reduce_or(nonzero, tuple(range(x.ndim))), dtypes.default_int)
    s = _abs(eigvalsh(x)) if hermitian else svdvals(x)
    above = E.gt_p.bind(s, _cutoff("matrix_rank", s, x.shape, rtol, tol))  # (a tolerance broadcasts with the batch)
    return R.reduce_sum(convert(above, dtypes.default_int), _last(above))


def pinv(x, /, rcond=None, hermitian: bool = False, *, rtol=None) -> Array:
    """Moore-Penrose pseudo-inverse from the SVD; singular values at most `rtol` times the
    largest count as zero (`rtol` defaults to `max(M, N) * eps`; `rcond` is NumPy's name).

    `hermitian=True` takes `x` as Hermitian (reading its lower triangle) and inverts its
    eigenvalues, whose magnitudes are the singular values.

    >>> import fluxion.numpy as fnp
    >>> fnp.linalg.pinv(fnp.asarray([[2.0, 0.0], [0.0, 0.0]])).tolist()
    [[0.5, 0.0], [0.0, 0.0]]
    """
    if rcond is not None and rtol is not None:
        raise op_error(TypeError, "pinv", "got both rcond and rtol", "pass only rtol (rcond is its NumPy name)")
    x = _matrices("pinv", x, square=hermitian)
    rtol = rtol if rcond is None else rcond
    rtol = _default_rtol(x.shape, x.dtype) if rtol is None else rtol  # (an argument of the rule: not None)
    # the matrix the eigensolver sees, so that the rule's closed form differentiates that matrix
    return _pinv(_from_triangle(x, lower=True) if hermitian else x, rtol, 0.0, hermitian)


@functools.partial(custom_jvp, nondiff_argnums=(3,))
def _pinv(x: Array, rtol, atol, hermitian: bool) -> Array:
    """The pseudo-inverse counting singular values at most `atol + rtol * max(s)` as zero."""
    if hermitian:
        u, w = L.eigh(x)
        s, vh = _abs(w), _ct(u)
    else:
        u, s, vh = L.svd(x, full_matrices=False)
    cutoff = E.add_p.bind(_cutoff("pinv", s, x.shape, rtol), _cutoff("pinv", s, x.shape, None, atol))
    if broadcast_shapes("pinv", cutoff.shape[:-1], s.shape[:-1]) != s.shape[:-1]:  # (matrix_rank's may broadcast)
        raise op_error(ShapeError, "pinv", f"a tolerance of shape {cutoff.shape[:-1]} does not broadcast to the "
                       f"batch shape {s.shape[:-1]} of the matrices", "pass one tolerance, or one per matrix")
    sinv = _inverse_values(s, cutoff)
    if hermitian:  # (the inverses of the eigenvalues, whose magnitudes are the singular values)
        sinv = E.mul_p.bind(sinv, E.sign_p.bind(w))
    scaled = E.mul_p.bind(_ct(vh), S.expand_dims(convert(sinv, x.dtype), (s.ndim - 1,)))
    return matmul(scaled, _ct(u))


@_pinv.defjvp
def _pinv_jvp(hermitian, primals, tangents):
    # the closed form where the rank does not change near x (Golub and Pereyra, 1973),
    # dp = -p da p + p p^H da^H (I - a p) + (I - p a) da^H p^H p: the SVD's own derivative divides
    # by differences of singular values, which gave NaN for repeated ones (an orthogonal matrix)
    (a, rtol, atol), (da, _, _) = primals, tangents
    p = _pinv(a, rtol, atol, hermitian)  # through the rule, so that higher derivatives are the rule's too
    ph, dah = _ct(p), _ct(da)
    sub, add = E.sub_p.bind, E.add_p.bind
    left = matmul(matmul(p, ph), sub(dah, matmul(matmul(dah, a), p)))
    right = matmul(sub(dah, matmul(matmul(p, a), dah)), matmul(ph, p))
    return p, add(sub(left, matmul(matmul(p, da), p)), right)


def lstsq(a, b, rcond=None, *, numpy_resid: bool = False) -> tuple[Array, Array, Array, Array]:
    """Least-squares solution of `a @ x = b` (NumPy): `(x, residuals, rank, singular_values)`.

    `residuals` are the squared 2-norms of the columns of `b - a @ x` when M > N (also when
    `a` is rank-deficient, where NumPy returns an empty array) and empty otherwise, whatever
    `numpy_resid` (jax's switch to NumPy's residuals, accepted as such).

    >>> import fluxion.numpy as fnp
    >>> x, res, rank, sv = fnp.linalg.lstsq(fnp.asarray([[1.0, 0.0], [0.0, 1.0], [0.0, 0.0]]),
    ...                                     fnp.asarray([1.0, 2.0, 3.0]))
    >>> x.tolist(), res.tolist(), rank.item()
    ([1.0, 2.0], [9.0], 2)
    """
    a, b = promote_inexact("lstsq", a, b)
    if a.ndim != 2 or b.ndim not in (1, 2) or b.shape[0] != a.shape[0]:
        raise op_error(ShapeError, "lstsq", f"needs a of shape (M, N) and b of shape (M,) or (M, K), got {a.shape} and "
                       f"{b.shape}", "pass one matrix a and a b with as many rows as a")
    vector = b.ndim == 1
    bm = S.expand_dims(b, (1,)) if vector else b
    s = L.svd(a, compute_uv=False)
    m, n = a.shape
    if isinstance(rcond, (int, float)) and rcond < 0:  # LAPACK's meaning, which NumPy keeps: machine precision
        rcond = float(ml_dtypes.finfo(s.dtype).eps)
    cutoff = _cutoff("lstsq", s, a.shape, rcond)
    # through the pseudo-inverse's rule: the SVD's derivative is NaN at repeated singular values
    x = matmul(_pinv(a, _default_rtol(a.shape, a.dtype) if rcond is None else rcond, 0.0, False), bm)
    rank = R.reduce_sum(convert(E.gt_p.bind(s, cutoff), dtypes.int32), (0,))  # int32, as NumPy (LAPACK's int)
    if m > n:
        r = _abs(E.sub_p.bind(bm, matmul(a, x)))
        residuals = R.reduce_sum(E.mul_p.bind(r, r), (0,))
    else:
        residuals = S.full((0,), 0, dtypes.real_dtype(a.dtype))
    return (S.squeeze(x, (1,)) if vector else x), residuals, rank, s


def cond(x, p=None) -> Array:
    """Condition number in the norm `p` (the 2-norm ratio of singular values by default).

    A singular matrix has condition number inf (as NumPy gives), also in the norms that go
    through its inverse; NaN stays for matrices holding NaN. The derivative of that inf (a
    constant) is 0, in forward and reverse mode alike.

    >>> import fluxion.numpy as fnp
    >>> fnp.linalg.cond(fnp.asarray([[2.0, 0.0], [0.0, 0.5]])).item()
    4.0
    >>> fnp.linalg.cond(fnp.asarray([[1.0, 2.0], [2.0, 4.0]]), 1).item()
    inf
    """
    x = _matrices("cond", x, square=p not in (None, 2, -2))
    if 0 in x.shape[-2:]:  # (a batch of none is fine: its result is empty)
        raise op_error(ValueError, "cond", f"is not defined for empty matrices, got shape {x.shape}",
                       "pass matrices of at least one row and column")
    if p in (None, 2, -2):
        s = svdvals(x)
        big, small = R.reduce_max(s, _last(s)), R.reduce_min(s, _last(s))
        num, den = (small, big) if p == -2 else (big, small)
        # a zero denominator gives inf, divided out of the way: its derivative (of a constant) is
        # then 0 in both modes, where dividing by 0 gave reverse mode NaN
        zero = E.eq_p.bind(den, convert(0, den.dtype))
        c = _where(zero, convert(math.inf, den.dtype), E.div_p.bind(num, _where(zero, convert(1, den.dtype), den)))
    else:
        c = _norm_times_inverse_norm(x, p)
    # NaN from a singular matrix (0 / 0, or its inverse's) is inf, as NumPy makes it
    singular = E.ne_p.bind(c, c) & ~R.reduce_or(E.ne_p.bind(x, x), (x.ndim - 2, x.ndim - 1))
    return _where(singular, convert(math.inf, c.dtype), c)


def _norm_times_inverse_norm(x: Array, p) -> Array:
    """norm(x, p) * norm(inv(x), p), with derivative 0 where it is not finite at a matrix without
    NaN (a singular one): there the derivative is taken at the identity instead, since the
    inverse's rule gives NaN, which a zero cotangent would carry (0 * NaN) into reverse mode."""
    def product(m):
        return E.mul_p.bind(_matrix_norm(m, p), _matrix_norm(inv(m), p))

    if _eager_matrices(x) is not None:  # nothing differentiates it
        return product(x)
    value = product(E.stop_gradient_p.bind(x))
    per_matrix = tuple(range(x.ndim - 2))
    singular = ~E.is_finite_p.bind(value) & ~R.reduce_or(E.ne_p.bind(x, x), (x.ndim - 2, x.ndim - 1))
    eye = S.broadcast_in_dim(_eye(x.shape[-1], x.dtype), x.shape, (x.ndim - 2, x.ndim - 1))
    safe = _where(S.broadcast_in_dim(singular, x.shape, per_matrix), eye, x)
    return _where(singular, value, product(safe))


def tensorinv(a, ind: int = 2) -> Array:
    """The inverse of `a` as a tensor: `tensordot(tensorinv(a, ind), a, ind)` is the identity
    on `a.shape[ind:]`; the product of `a.shape[:ind]` must equal that of `a.shape[ind:]`.

    >>> import fluxion.numpy as fnp
    >>> fnp.linalg.tensorinv(fnp.eye(4).reshape(4, 2, 2), ind=1).shape
    (2, 2, 4)
    """
    (a,) = promote_inexact("tensorinv", a)
    ind = operator.index(ind)
    rows, cols = math.prod(a.shape[:ind]), math.prod(a.shape[ind:])
    if ind <= 0 or rows != cols:
        raise op_error(ShapeError, "tensorinv", f"needs prod(a.shape[:ind]) == prod(a.shape[ind:]) with ind > 0, got "
                       f"shape {a.shape} and ind={ind}", "pick ind so that the leading and trailing axes hold "
                       "equally many elements")
    return S.reshape(inv(S.reshape(a, (rows, cols))), a.shape[ind:] + a.shape[:ind])


def tensorsolve(a, b, axes=None) -> Array:
    """The tensor `x` with `tensordot(a, x, x.ndim) == b`; `x` has shape `a.shape[b.ndim:]` (after
    moving the axes `axes` of `a` to the end), whose size must equal `b.size`.

    >>> import fluxion.numpy as fnp
    >>> fnp.linalg.tensorsolve(2 * fnp.eye(4).reshape(2, 2, 4), fnp.ones((2, 2))).tolist()
    [0.5, 0.5, 0.5, 0.5]
    """
    a, b = promote_inexact("tensorsolve", a, b)
    if axes is not None:
        axes = [axes] if one_int(axes) else axes
        moved = [axis_index("tensorsolve", i, a.ndim) for i in axes]
        a = S.transpose(a, tuple(i for i in range(a.ndim) if i not in moved) + tuple(moved))
    shape = a.shape[b.ndim:]
    if a.shape[:b.ndim] != b.shape or math.prod(shape) != b.size:
        raise op_error(ShapeError, "tensorsolve", f"a of shape {a.shape} does not match b of shape {b.shape}: a's "
                       "leading axes must be b's shape and its other axes must hold b.size elements",
                       "pass a whose shape is b.shape + the shape of the solution")
    return S.reshape(solve(S.reshape(a, (b.size, b.size)), S.reshape(b, (b.size,))), shape)


def multi_dot(arrays: Sequence, *, out=None) -> Array:
    """Product of a chain of matrices in the cheapest order (the first and last may be 1-D).

    >>> import fluxion.numpy as fnp
    >>> fnp.linalg.multi_dot([fnp.ones(3), fnp.ones((3, 4)), fnp.ones((4, 2))]).tolist()
    [12.0, 12.0]
    """
    if out is not None:
        no_out("linalg.multi_dot", out)
    xs = list(promote("multi_dot", *arrays)) if len(arrays) else []
    if len(xs) < 2:
        raise op_error(ValueError, "multi_dot", f"needs at least 2 arrays, got {len(xs)}", "pass a list of matrices")
    first_1d, last_1d = xs[0].ndim == 1, xs[-1].ndim == 1
    if first_1d:
        xs[0] = S.expand_dims(xs[0], (0,))
    if last_1d:
        xs[-1] = S.expand_dims(xs[-1], (1,))
    for i, x in enumerate(xs):
        if x.ndim != 2:
            raise op_error(ShapeError, "multi_dot", f"array {i} has shape {x.shape}",
                           "pass 2-D matrices (the first and last may be 1-D)")
    for i in range(len(xs) - 1):
        if xs[i].shape[1] != xs[i + 1].shape[0]:
            raise op_error(ShapeError, "multi_dot", f"array {i} of shape {xs[i].shape} cannot multiply array {i + 1} of "
                           f"shape {xs[i + 1].shape}", "each matrix needs as many columns as the next has rows")
    split = _chain_order(tuple(x.shape[0] for x in xs) + (xs[-1].shape[1],))

    def product(i, j):
        if i == j:
            return xs[i]
        k = split[i][j]
        return matmul(product(i, k), product(k + 1, j))
    result = product(0, len(xs) - 1)
    return S.squeeze(result, ((0,) if first_1d else ()) + ((result.ndim - 1,) if last_1d else ()))


@functools.lru_cache(maxsize=256)
def _chain_order(dims: tuple[int, ...]) -> list[list[int]]:
    """Where to split each sub-chain i..j so that the scalar multiplications are fewest (kept
    for each chain of sizes: it does not depend on the values, and is the costliest step eagerly)."""
    n = len(dims) - 1
    cost = [[0] * n for _ in range(n)]
    split = [[0] * n for _ in range(n)]
    for length in range(1, n):
        for i in range(n - length):
            j = i + length
            cost[i][j], split[i][j] = min((cost[i][k] + cost[k + 1][j] + dims[i] * dims[k + 1] * dims[j + 1], k)
                                          for k in range(i, j))
    return split


# the array API's versions of products in fluxion.numpy ------------------------------------------
def cross(x1, x2, /, *, axis: int = -1) -> Array:
    """Cross product of 3-vectors along `axis`, other axes broadcast.

    >>> import fluxion.numpy as fnp
    >>> fnp.linalg.cross(fnp.asarray([0.0, 1.0, 0.0]), fnp.asarray([0.0, 0.0, 1.0])).tolist()
    [1.0, 0.0, 0.0]
    """
    x1, x2 = promote("cross", x1, x2)
    for x in (x1, x2):
        if x.ndim == 0 or not -x.ndim <= axis < x.ndim or x.shape[axis] != 3:
            raise op_error(ShapeError, "cross", f"axis {axis} of shapes {x1.shape} and {x2.shape} must hold 3 components",
                           "pick the axis of the vectors with axis=")
    return _cross(x1, x2, axis=axis)


def diagonal(x, /, *, offset: int = 0) -> Array:
    """The `offset` diagonal of each matrix (last two axes).

    >>> import fluxion.numpy as fnp
    >>> fnp.linalg.diagonal(fnp.asarray([[1, 2], [3, 4]])).tolist()
    [1, 4]
    """
    (x,) = promote("diagonal", x)
    _at_least_2d("diagonal", x)
    return _diagonal(x, operator.index(offset), x.ndim - 2, x.ndim - 1)


def trace(x, /, *, offset: int = 0, dtype=None) -> Array:
    """Sum of the `offset` diagonal of each matrix; small integers sum as int64.

    >>> import fluxion.numpy as fnp
    >>> fnp.linalg.trace(fnp.asarray([[1, 2], [3, 4]])).item()
    5
    """
    return sum_last(diagonal(x, offset=offset), dtype)


def outer(x1, x2, /) -> Array:
    """Outer product of two vectors.

    >>> import fluxion.numpy as fnp
    >>> fnp.linalg.outer(fnp.asarray([1, 2]), fnp.asarray([3, 4])).tolist()
    [[3, 4], [6, 8]]
    """
    x1, x2 = promote("outer", x1, x2)
    if x1.ndim != 1 or x2.ndim != 1:
        raise op_error(ShapeError, "outer", f"needs 1-D vectors, got shapes {x1.shape} and {x2.shape}",
                       "flatten first (x.reshape(-1)), or use fluxion.numpy.outer, which flattens")
    return _outer(x1, x2)


def _at_least_2d(op: str, x: Array) -> None:
    if x.ndim < 2:
        raise op_error(ShapeError, op, f"needs a stack of matrices, got shape {x.shape}", "pass at least 2 dimensions")


def __dir__():  # the public names only, not the modules and helpers the code imports
    return __all__
