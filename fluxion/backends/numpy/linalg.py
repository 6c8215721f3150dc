"""NumPy/SciPy kernels of the linear algebra primitives.

LAPACK reports failure through an info code; XLA turns it into NaN outputs, and so do these
kernels (NumPy would raise), so that eager results equal compiled ones.
"""
from __future__ import annotations

import functools
import math

import numpy as np
import scipy.linalg as sl
from scipy.linalg import blas

from ...core.primitive import numpy_kernel
from ...ops import linalg as L
from .._cofactors import Backend, cofactors, cofactors_jvp
from . import _parallel
from ._util import _LOW, via_float32


@functools.lru_cache(maxsize=1024)
def _is_matmul(lhs_ndim: int, rhs_ndim: int, dimension_numbers) -> bool:
    """Whether `np.matmul` computes this DotGeneral as it stands (no transposes needed)."""
    (lc, rc), (lb, rb) = dimension_numbers
    nb = len(lb)
    if lb != rb or lb != tuple(range(nb)) or lc != (lhs_ndim - 1,):
        return False
    if nb == 0 and rhs_ndim <= 2:  # matmul broadcasts a 2-D (or 1-D) right operand over lhs's leading axes
        return rc == (0,) and lhs_ndim >= 1
    if nb == 0 and lhs_ndim == 1:  # and a 1-D left operand over rhs's
        return rc == (rhs_ndim - 2,)
    return lhs_ndim == rhs_ndim == nb + 2 and rc == (nb,)


@functools.lru_cache(maxsize=1024)
def _matrix_transposes(lhs_ndim: int, rhs_ndim: int, dimension_numbers):
    """For two matrices contracted over one axis each, whether each must be transposed for
    `np.matmul` (a view: BLAS reads it as it is); None for other DotGenerals."""
    (lc, rc), (lb, _) = dimension_numbers
    if lhs_ndim != 2 or rhs_ndim != 2 or lb or len(lc) != 1:
        return None
    return lc == (0,), rc == (1,)


def _dot_general(lhs, rhs, *, dimension_numbers, preferred_element_type=None):
    dt = preferred_element_type or lhs.dtype
    if dt == lhs.dtype and dt not in _LOW:
        if _is_matmul(lhs.ndim, rhs.ndim, dimension_numbers):
            return np.matmul(lhs, rhs)
        transposes = _matrix_transposes(lhs.ndim, rhs.ndim, dimension_numbers)
        if transposes is not None:  # the contractions of reverse mode: x.T @ g, g @ w.T
            return np.matmul(lhs.T if transposes[0] else lhs, rhs.T if transposes[1] else rhs)
    (lc, rc), (lb, rb) = dimension_numbers
    lhs, rhs = np.asarray(lhs), np.asarray(rhs)
    work = np.float32 if dt in _LOW else dt
    lf = tuple(d for d in range(lhs.ndim) if d not in lc and d not in lb)
    rf = tuple(d for d in range(rhs.ndim) if d not in rc and d not in rb)
    batch = tuple(lhs.shape[d] for d in lb)
    free_l, free_r = tuple(lhs.shape[d] for d in lf), tuple(rhs.shape[d] for d in rf)
    k = math.prod(lhs.shape[d] for d in lc)
    # one matmul over (batch, rows, k) @ (batch, k, cols): transposes and reshapes are views here
    lead = (math.prod(batch),) if lb else ()
    a = lhs.transpose(lb + lf + lc).reshape(lead + (math.prod(free_l), k)).astype(work, copy=False)
    b = rhs.transpose(rb + rc + rf).reshape(lead + (k, math.prod(free_r))).astype(work, copy=False)
    return np.matmul(a, b).reshape(batch + free_l + free_r)


def _nan_where_failed(fn, x, nan_result=None):
    """`fn(x)` (a tuple) over a stack of matrices; a matrix LAPACK rejects gets NaN outputs."""
    try:
        return fn(x)
    except np.linalg.LinAlgError:
        pass
    if nan_result is None:
        def nan_result(m):
            return tuple(np.full_like(o, np.nan) for o in fn(np.eye(*m.shape, dtype=m.dtype)))
    outs = []
    for m in x.reshape((-1,) + x.shape[-2:]):
        try:
            outs.append(fn(m))
        except np.linalg.LinAlgError:
            outs.append(nan_result(m))
    return tuple(np.stack(o).reshape(x.shape[:-2] + o[0].shape) for o in zip(*outs))


@via_float32
def _cholesky(x):
    (out,) = _nan_where_failed(lambda m: (np.linalg.cholesky(m),), x,
                               lambda m: (np.tril(np.full_like(m, np.nan)),))
    return out


@functools.lru_cache(maxsize=None)
def _trsm(dtype):
    return blas.get_blas_funcs("trsm", dtype=dtype)


@via_float32
def _triangular_solve(a, b, *, left_side, lower, transpose_a, conjugate_a, unit_diagonal):
    if b.size == 0:
        return np.zeros(b.shape, b.dtype)
    if conjugate_a and not transpose_a:
        a = np.conj(a)
    # BLAS trsm, not LAPACK trtrs: a zero on the diagonal divides by zero, as XLA does, instead of raising
    trsm = _trsm(a.dtype)
    side, trans = 0 if left_side else 1, (2 if conjugate_a else 1) if transpose_a else 0
    if b.ndim == 2:
        return np.ascontiguousarray(trsm(1.0, a, b, side=side, lower=lower, trans_a=trans, diag=unit_diagonal))
    flat_a, flat_b = a.reshape((-1,) + a.shape[-2:]), b.reshape((-1,) + b.shape[-2:])
    if _stacked_small(flat_a):  # (a is conjugated above unless transposed too)
        conjugate = conjugate_a and transpose_a
        if left_side:
            return _substituted(flat_a, flat_b, lower != transpose_a, transpose_a, conjugate, unit_diagonal).reshape(
                b.shape)
        x = _substituted(flat_a, np.swapaxes(flat_b, -1, -2), lower == transpose_a, not transpose_a, conjugate,
                         unit_diagonal)  # x op(a) = b as op(a)^T x^T = b^T
        return np.ascontiguousarray(np.swapaxes(x, -1, -2)).reshape(b.shape)
    out = np.empty_like(flat_b)
    for i in range(len(flat_b)):
        out[i] = trsm(1.0, flat_a[i], flat_b[i], side=side, lower=lower, trans_a=trans, diag=unit_diagonal)
    return out.reshape(b.shape)


@via_float32
def _lu(x):
    m, n = x.shape[-2:]
    batch, k = x.shape[:-2], min(m, n)
    if not x.size:
        perm = np.tile(np.arange(m, dtype=np.int32), batch + (1,))
        return np.empty(x.shape, x.dtype), np.empty(batch + (k,), np.int32), perm
    packed = np.empty(x.shape, x.dtype)  # C order: written through reshaped views
    pivots = np.empty(batch + (k,), np.int32)
    perm = np.empty(batch + (m,), np.int32)
    # LAPACK getrf one matrix at a time; a singular matrix is a valid input (zeros on U's diagonal)
    flat_x, flat_lu = x.reshape(-1, m, n), packed.reshape(-1, m, n)
    flat_piv, flat_perm = pivots.reshape(-1, k), perm.reshape(-1, m)
    if _stacked_small(flat_x):
        _eliminate(flat_x, flat_lu, flat_piv, flat_perm)
        return packed, pivots, perm
    getrf = sl.get_lapack_funcs("getrf", (x,))
    for i in range(len(flat_x)):
        flat_lu[i], piv, _ = getrf(flat_x[i])
        flat_piv[i], flat_perm[i] = piv, L.pivot_permutation(piv.tolist(), m)
    return packed, pivots, perm


def _stacked_small(flat: np.ndarray) -> bool:
    """Whether a stack of matrices is factored and solved faster by NumPy operations on the whole
    stack, one row or column at a time, than by one LAPACK / BLAS call per matrix."""
    return len(flat) >= _STACKED and max(flat.shape[-2:]) <= _SMALL_MATRIX


_STACKED, _SMALL_MATRIX = 4, 32


def _eliminate(x, packed, pivots, perm) -> None:
    """LU with partial pivoting of a stack of matrices, into `packed`, `pivots` and `perm` (as
    getrf: the first largest |re| + |im| pivots, a zero pivot column left as it is)."""
    packed[...] = x
    perm[...] = np.arange(x.shape[-2], dtype=np.int32)
    at = np.arange(len(x))
    for j in range(pivots.shape[-1]):
        column = packed[:, j:, j]
        size = np.abs(column.real) + np.abs(column.imag) if column.dtype.kind == "c" else np.abs(column)
        p = j + np.argmax(size, axis=-1)
        pivots[:, j] = p
        packed[at, j], packed[at, p] = packed[at, p], packed[at, j].copy()
        perm[at, j], perm[at, p] = perm[at, p], perm[at, j].copy()
        pivot = packed[:, j, j]
        with np.errstate(all="ignore"):
            packed[:, j + 1:, j] /= np.where(pivot == 0, 1, pivot)[:, None]
            packed[:, j + 1:, j + 1:] -= packed[:, j + 1:, j, None] * packed[:, j, None, j + 1:]


def _substituted(a, b, lower: bool, transpose: bool, conjugate: bool, unit: bool):
    """x with op(a) x = b for a stack of triangular `a` (op: transposed and/or conjugated), by
    substitution on the whole stack, one row of x at a time (as BLAS's trsm, which divides by a
    zero diagonal element)."""
    if transpose:
        a = np.swapaxes(a, -1, -2)
    if conjugate:
        a = np.conj(a)
    x = b.copy()
    n = a.shape[-1]
    with np.errstate(all="ignore"):
        for i in range(n) if lower else range(n - 1, -1, -1):
            if not unit:
                x[:, i] /= a[:, i, i, None]
            rest = slice(i + 1, n) if lower else slice(0, i)
            x[:, rest] -= a[:, rest, i, None] * x[:, i, None]
    return x


def over_stack(routine, a: np.ndarray, *b: np.ndarray):
    """NumPy's `routine` (a loop of LAPACK calls in C, which releases the GIL) of a stack of
    matrices `a` (and right-hand sides `b`, unbatched or batched as `a`), on every core where the
    stack is large: one part of the stack each, joined afterwards."""
    count = math.prod(a.shape[:-2])
    work = count * (_CALL_WORK + 2 * a.shape[-1] ** 3)
    if _parallel.count(count, work) < 2 or b and b[0].ndim > 2 and b[0].shape[:-2] != a.shape[:-2]:
        return routine(a, *b)
    flat_a = a.reshape((-1,) + a.shape[-2:])
    flat_b = [v.reshape((-1,) + v.shape[-2:]) if v.ndim > 2 else v for v in b]
    parts = {}  # the results (tuples of them) of each part, by its first matrix
    _parallel.run(lambda s: parts.__setitem__(s.start, routine(flat_a[s], *(v[s] if v.ndim > 2 else v
                                                                             for v in flat_b))),
                  count, work)
    several = isinstance(parts[0], tuple)
    out = tuple(np.concatenate(column).reshape(a.shape[:-2] + column[0].shape[1:])
                for column in zip(*(parts[k] if several else (parts[k],) for k in sorted(parts))))
    return out if several else out[0]


_CALL_WORK = 4000  # the work of one LAPACK call on a small matrix, in additions (some 0.5 us)


@via_float32
def _det(x):
    with np.errstate(all="ignore"):
        out = over_stack(np.linalg.det, x)  # LAPACK's LU in a loop: 0 for a zero pivot, 1 for 0x0
    nan = np.isnan(x).any(axis=(-2, -1))  # NaN in, NaN out (LAPACK's pivoting can make 0 of it)
    return np.where(nan, np.nan, out) if nan.any() else out


@via_float32
def _qr(x, *, full_matrices):
    return tuple(np.linalg.qr(x, mode="complete" if full_matrices else "reduced"))


@via_float32
def _eigh(x, *, lower):
    def fn(m):
        w, v = np.linalg.eigh(m, UPLO="L" if lower else "U")
        return v, w
    return _nan_where_failed(fn, x)


@via_float32
def _eig(x, *, vectors):
    dt = np.result_type(x.dtype, np.complex64)

    def fn(m):
        w, v = np.linalg.eig(m)  # real when every eigenvalue is real: made complex
        return (w.astype(dt), v.astype(dt)) if vectors else (w.astype(dt),)
    return _nan_where_failed(fn, x, lambda m: tuple(np.full_like(o, complex(np.nan, np.nan)) for o in fn(np.zeros_like(m))))


@via_float32
def _svd(x, *, full_matrices, compute_uv):
    def fn(m):
        out = np.linalg.svd(m, full_matrices=full_matrices, compute_uv=compute_uv)
        return tuple(out) if compute_uv else (out,)
    return _nan_where_failed(fn, x)


_COFACTORS = Backend(np, _lu, _triangular_solve, lambda pred, f, g: f() if pred else g())


@via_float32
def _cofactors(x):
    return cofactors(_COFACTORS, x)


@via_float32
def _cofactors_jvp(x, s):
    return cofactors_jvp(_COFACTORS, x, s)


numpy_kernel.update({
    L.dot_general_p: _dot_general, L.cholesky_p: _cholesky, L.triangular_solve_p: _triangular_solve,
    L.lu_p: _lu, L.det_p: _det, L.qr_p: _qr, L.eigh_p: _eigh, L.eig_p: _eig, L.svd_p: _svd,
    L.cofactors_p: _cofactors, L.cofactors_jvp_p: _cofactors_jvp,
})
