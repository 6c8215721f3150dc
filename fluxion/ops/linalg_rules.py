"""Derivative rules of the linear algebra primitives.

`dot_general` is bilinear: its jvp applies it to each tangent, and the transpose for each
operand is a `dot_general` of the cotangent with the other operand. The factorizations have
the standard closed-form jvps (matrix calculus on the factorization's defining equations, not
derivatives of the algorithms), built from `dot_general`, `triangular_solve` and elementwise
primitives, so that reverse mode and higher orders follow from those primitives' rules. (The
one exception: the complement columns of a complete QR, which only the algorithm defines.)

Conventions:
  - Complex transposes are linear transposes (no conjugation), as in elementwise_rules.
  - `cholesky` and `eigh` read one triangle of their input; they are differentiated as
    functions of that triangle (the tangent of the other triangle, and the imaginary part
    of a complex diagonal, do not matter), which is what finite differences of them see.
  - Degenerate spectra: eigenvector derivatives divide by eigenvalue gaps and singular
    vector derivatives by gaps of squared singular values, so repeated eigenvalues or
    singular values give inf/NaN tangents for the vectors (the vectors are not
    differentiable there); eigenvalues and singular values alone stay finite.
"""
from __future__ import annotations

import functools

import numpy as np

from ..core import dtypes
from ..core.array import Array
from ..core.primitive import batch_rules, jvp_rules, transpose_rules
from ..core.types import ArrayType
from . import elementwise as E
from . import reduce as R
from . import shape as S
from ._ad import Zero, defjvp, is_undefined
from ._batch import broadcast_batch, defleading, example_axes, moveaxis
from .linalg import (cholesky_p, cofactors_jvp_p, cofactors_p, det_p, dot_general_p, eig_p, eigh_p, lu_p, qr_p, svd_p,
                     triangular_solve_p)

_b = lambda p: p.bind  # noqa: E731
add, sub, mul, div, neg, conj = _b(E.add_p), _b(E.sub_p), _b(E.mul_p), _b(E.div_p), _b(E.neg_p), _b(E.conj_p)


# helpers shared with the other rule files ----------------------------------------------------
def cast_to(x, aval: ArrayType):
    """`x` in `aval`'s dtype: a cotangent computed in a wider accumulation type goes back to its operand's."""
    if x.dtype == aval.dtype:
        return x
    return E.convert_element_type_p.bind(x, new_dtype=aval.dtype, weak=aval.weak)


def in_dtype(x, dt):
    """`x` converted to `dt`, the dtype of a cotangent it is combined with (a preferred_element_type)."""
    if x.dtype == dt:
        return x
    return E.convert_element_type_p.bind(x, new_dtype=dt, weak=False)


# matrix helpers ---------------------------------------------------------------------------------
def _complex(dt) -> bool:
    return dt in dtypes.COMPLEX


def _mT(x):
    nd = x.ndim
    return S.transpose(x, tuple(range(nd - 2)) + (nd - 1, nd - 2))


def _H(x):
    """The conjugate transpose of each matrix."""
    return _mT(conj(x) if _complex(x.dtype) else x)


def _matmul(a, b):
    """`a @ b` for stacks of matrices with the same leading axes."""
    nd = a.ndim
    batch = tuple(range(nd - 2))
    return dot_general_p.bind(a, b, dimension_numbers=(((nd - 1,), (nd - 2,)), (batch, batch)),
                              preferred_element_type=None)


def _real_diag_of_product(a, b):
    """Re diag(a^H @ b) per matrix, without forming the product: Re sum_j conj(a[j, i]) b[j, i]."""
    nd = a.ndim
    batch = tuple(range(nd - 2)) + (nd - 1,)
    complex_ = _complex(a.dtype)
    out = dot_general_p.bind(conj(a) if complex_ else a, b, dimension_numbers=(((nd - 2,), (nd - 2,)), (batch, batch)),
                             preferred_element_type=None)
    return E.real_p.bind(out) if complex_ else out


def _as(x, dt):
    """A real `x` as dtype `dt` (complex with zero imaginary part when `dt` is complex)."""
    if x.dtype == dt:
        return x
    return E.complex_p.bind(x, S.full(x.shape, 0, x.dtype))


@functools.lru_cache(maxsize=256)
def _mask(m: int, n: int, dt: np.dtype, kind: str) -> Array:
    """A constant (m, n) matrix of `dt`: "lower"/"upper" triangles (with the diagonal),
    "strict_lower"/"strict_upper", "eye", "off_diagonal", or "half_lower" (strict lower triangle,
    1/2 on the diagonal)."""
    i, j = np.arange(m)[:, None], np.arange(n)[None, :]
    value = {"lower": i >= j, "upper": i <= j, "strict_lower": i > j, "strict_upper": i < j, "eye": i == j,
             "off_diagonal": i != j, "half_lower": (i > j) + 0.5 * (i == j)}[kind]
    return Array(np.asarray(value, dtype=dt))


@functools.lru_cache(maxsize=64)
def _one_hot(n: int, i: int, dt: np.dtype) -> Array:
    """The constant (n, n) matrix of `dt` with a single one, at (i, i)."""
    value = np.zeros((n, n), dt)
    value[i, i] = 1
    return Array(value)


def _masked(x, kind: str):
    return mul(x, _mask(x.shape[-2], x.shape[-1], x.dtype, kind))


def _kept(x, kind: str):
    """`x` on the entries of `kind` and exactly 0 elsewhere, where a product with `_mask` would turn
    an inf or NaN into NaN (the derivative in entries a kernel never reads is 0, whatever they hold)."""
    keep = S.broadcast_to(_mask(x.shape[-2], x.shape[-1], np.dtype(bool), kind), x.shape)
    return E.select_n_p.bind(keep, S.full((), 0, x.dtype), x)


def _from_triangle(t, lower: bool):
    """The Hermitian matrix a kernel that reads only one triangle sees in `t`: that triangle,
    its conjugate mirrored across the diagonal, and the real part of the diagonal."""
    half = _masked(t if lower else _H(t), "half_lower")
    return add(half, _H(half))


# dot_general ----------------------------------------------------------------------------------
def _dot_operand_ct(ct, other, aval: ArrayType, contract, other_contract, batch, other_batch, other_first: bool):
    """Cotangent of one dot_general operand: `ct` contracted with the other operand over the
    other's free dimensions, then laid out as the operand.

    The cotangent's dimensions are (batch, lhs free, rhs free); `other_first` says the other
    operand is the lhs. The product is taken in the operand order that needs no transpose
    after it when there is one (an outer product, for instance).
    """
    kept = [d for d in range(aval.ndim) if d not in contract and d not in batch]
    other_kept = tuple(d for d in range(other.ndim) if d not in other_contract and d not in other_batch)
    nb = len(batch)
    start = nb if other_first else nb + len(kept)
    ct_dims, other_b = tuple(range(start, start + len(other_kept))), tuple(other_batch)
    # the result has the batch dimensions, then the free ones of its lhs, then those of its rhs;
    # this operand's contracting dimensions come in the order of the other's matching dimensions
    from_other = [contract[other_contract.index(d)] for d in sorted(other_contract)]
    other = in_dtype(other, ct.dtype)
    order = list(batch) + kept + from_other
    if order != sorted(order) and list(batch) + from_other + kept == sorted(order):
        out = dot_general_p.bind(other, ct, dimension_numbers=((other_kept, ct_dims), (other_b, tuple(range(nb)))),
                                 preferred_element_type=None)
        return cast_to(out, aval)
    out = dot_general_p.bind(ct, other, dimension_numbers=((ct_dims, other_kept), (tuple(range(nb)), other_b)),
                             preferred_element_type=None)
    return cast_to(S.transpose(out, tuple(int(i) for i in np.argsort(order))), aval)


def _dot_general_transpose(ct, x, y, *, dimension_numbers, preferred_element_type):
    (lc, rc), (lb, rb) = dimension_numbers
    if is_undefined(x):
        return [_dot_operand_ct(ct, y, x.aval, lc, rc, lb, rb, other_first=False), None]
    return [None, _dot_operand_ct(ct, x, y.aval, rc, lc, rb, lb, other_first=True)]


defjvp(dot_general_p, lambda t, ans, x, y, **p: dot_general_p.bind(t, y, **p),
       lambda t, ans, x, y, **p: dot_general_p.bind(x, t, **p))
transpose_rules[dot_general_p] = _dot_general_transpose


# triangular_solve ---------------------------------------------------------------------------------
def _solve(a, b, left_side=True, lower=True, transpose_a=False, conjugate_a=False, unit_diagonal=False):
    return triangular_solve_p.bind(a, b, left_side=left_side, lower=lower, transpose_a=transpose_a,
                                   conjugate_a=conjugate_a, unit_diagonal=unit_diagonal)


def _triangular_solve_jvp_a(t, x, a, b, *, left_side, lower, transpose_a, conjugate_a, unit_diagonal):
    # x = op(a)^-1 b gives dx = -op(a)^-1 op(da) x (x b op(a)^-1: dx = -x op(da) op(a)^-1), where
    # da keeps only what the solve reads: its triangle, without the diagonal if that is taken as ones
    da = _kept(t, ("strict_" if unit_diagonal else "") + ("lower" if lower else "upper"))
    if conjugate_a and _complex(da.dtype):
        da = conj(da)
    if transpose_a:
        da = _mT(da)
    rhs = _matmul(da, x) if left_side else _matmul(x, da)
    return neg(_solve(a, rhs, left_side, lower, transpose_a, conjugate_a, unit_diagonal))


def _triangular_solve_transpose(ct, a, b, *, transpose_a, **params):
    # b -> op(a)^-1 b has the transpose c -> op(a)^-T c: the same solve with transpose_a flipped
    return [None, triangular_solve_p.bind(a, ct, transpose_a=not transpose_a, **params)]


defjvp(triangular_solve_p, _triangular_solve_jvp_a, lambda t, x, a, b, **p: triangular_solve_p.bind(a, t, **p))
transpose_rules[triangular_solve_p] = _triangular_solve_transpose


# cholesky -------------------------------------------------------------------------------------
def _cholesky_jvp(t, chol, a):
    # a = L L^H gives dL = L Phi(L^-1 da L^-H), Phi taking the lower triangle with half the diagonal
    da = _from_triangle(t, lower=True)
    inner = _solve(chol, _solve(chol, da), left_side=False, transpose_a=True, conjugate_a=_complex(t.dtype))
    return _matmul(chol, _masked(inner, "half_lower"))


defjvp(cholesky_p, _cholesky_jvp)


# lu -------------------------------------------------------------------------------------------
def _lu_factors(packed):
    """From the packed LU of an (m, n) matrix, L as a unit lower (m, m) matrix and U as an upper
    (n, n) one: each square, padded with the identity where the packed form has no entries."""
    m, n = packed.shape[-2:]
    k = min(m, n)
    lead = (0,) * (packed.ndim - 2)
    no_pad = ((0, 0, 0),) * (packed.ndim - 2)
    low = S.slice(packed, lead + (0, 0), packed.shape[:-2] + (m, k))
    low = S.pad(low, 0, no_pad + ((0, 0, 0), (0, m - k, 0)))
    up = S.slice(packed, lead + (0, 0), packed.shape[:-2] + (k, n))
    up = S.pad(up, 0, no_pad + ((0, n - k, 0), (0, 0, 0)))
    eye_m = _mask(m, m, packed.dtype, "eye")
    l_full = add(_masked(low, "strict_lower"), eye_m)
    u_full = _masked(up, "upper")
    if k < n:  # ones on the diagonal of the rows U lacks keep it invertible
        u_full = add(u_full, Array(np.diag((np.arange(n) >= k).astype(packed.dtype))))
    return l_full, u_full


def _permutation_matrix(perm, dt):
    """One-hot rows: `P @ x == x[..., perm, :]`."""
    m = perm.shape[-1]
    hot = E.eq_p.bind(S.expand_dims(perm, (perm.ndim,)), S.iota(dtypes.int32, perm.shape + (m,), perm.ndim))
    return E.convert_element_type_p.bind(hot, new_dtype=dt, weak=False)


def _lu_jvp(primals, tangents):
    (a,), (t,) = primals, tangents
    packed, pivots, perm = out = lu_p.bind(a)
    zeros = (Zero(pivots.aval), Zero(perm.aval))
    if t.__class__ is Zero:
        return out, (Zero(packed.aval),) + zeros
    # P a = L U gives X = L^-1 P da = dL' U + dU with dL' = L^-1 dL strictly lower and dU upper:
    # dL' = tril(X U^-1, -1), dU = triu(X - dL' U), and dL = L dL'
    m, n = a.shape[-2:]
    l_full, u_full = _lu_factors(packed)
    x = _solve(l_full, _matmul(_permutation_matrix(perm, t.dtype), t), unit_diagonal=True)
    u_solve = u_full
    if 0 < m <= n:
        # the strict lower triangle of X U^-1 (m rows) lies in columns that never meet U's last
        # pivot, so taking it as 1 changes nothing there and keeps the tangent finite where that
        # pivot is 0
        last = _one_hot(n, m - 1, t.dtype)
        u_solve = add(sub(u_full, mul(u_full, last)), last)
    dl = _masked(_solve(u_solve, x, left_side=False, lower=False), "strict_lower")
    du = _masked(sub(x, _matmul(dl, u_full)), "upper")
    return out, (add(_matmul(l_full, dl), du),) + zeros


jvp_rules[lu_p] = _lu_jvp


# det ------------------------------------------------------------------------------------------
# The gradient of det is the cofactor matrix C, and the derivative of C along s is the Hessian of
# det applied to s: primitives of their own, computed from LU without dividing by a zero pivot
# (backends/_cofactors.py), so that every order is exact, also at singular matrices, where LU has
# no derivative. The Hessian's entry for x[i, j] and x[l, k] is the cofactor (i, j) of x with
# column k replaced by e_l (k != j), so the Hessian's own derivative is n^2 Hessians of those.
def _det_jvp(t, ans, x):
    nd = x.ndim
    return R.reduce_sum(mul(cofactors_p.bind(x), t), (nd - 2, nd - 1))


def _cofactors_jvp_jvp(t, ans, x, s):
    nd, n = x.ndim, x.shape[-1]
    batch = tuple(range(nd - 2))
    shape = x.shape[:-2] + (n,) * 4  # [..., l, k, i, j]: x with column k replaced by e_l
    l, k, i, j = range(nd - 2, nd + 2)
    at = lambda c, dims: S.broadcast_in_dim(c, shape, dims)  # noqa: E731
    eye, keep = _mask(n, n, x.dtype, "eye"), at(_mask(n, n, x.dtype, "off_diagonal"), (k, j))
    replaced = add(mul(at(x, batch + (i, j)), keep), mul(at(eye, (l, i)), at(eye, (k, j))))
    # column k of those matrices does not move with x: t's is zeroed
    hessians = mul(cofactors_jvp_p.bind(replaced, mul(at(t, batch + (i, j)), keep)), keep)
    # s[..., l, k] contracted with them; s's leading direction axes come first again after the batch ones
    extra = s.ndim - nd
    out = dot_general_p.bind(s, hessians, dimension_numbers=(((s.ndim - 2, s.ndim - 1), (l, k)),
                                                             (tuple(range(extra, s.ndim - 2)), batch)),
                             preferred_element_type=None)
    if not extra:
        return out
    return S.transpose(out, tuple(range(nd - 2, nd - 2 + extra)) + batch + (out.ndim - 2, out.ndim - 1))


defjvp(det_p, _det_jvp)
defjvp(cofactors_p, lambda t, ans, x: cofactors_jvp_p.bind(x, t))
defjvp(cofactors_jvp_p, _cofactors_jvp_jvp, lambda t, ans, x, s: cofactors_jvp_p.bind(x, t))
# the Hessian is symmetric: s -> H s is its own (linear) transpose
transpose_rules[cofactors_jvp_p] = lambda ct, x, s: [None, cofactors_jvp_p.bind(x, ct)]


# qr -------------------------------------------------------------------------------------------
def _qr_square_or_tall(q, r, dx):
    """Tangents of q, r for x = q r with q (m, n) orthonormal columns and r (n, n) upper, m >= n.

    With C = q^H dx r^-1 = q^H dq + dr r^-1, q^H dq is skew-Hermitian and dr r^-1 upper
    triangular with a real diagonal, which splits C into the two.
    """
    dx_rinv = _solve(r, dx, left_side=False, lower=False)
    c = _matmul(_H(q), dx_rinv)
    low = _masked(c, "strict_lower")
    omega = sub(low, _H(low))
    if _complex(c.dtype):  # the imaginary part of C's diagonal belongs to q^H dq
        omega = add(omega, _masked(mul(sub(c, conj(c)), S.full((), 0.5, c.dtype)), "eye"))
    dq = add(_matmul(q, sub(omega, c)), dx_rinv)
    dr = _matmul(sub(c, omega), r)
    return dq, dr


def _turn_of_complement(q1, dq1, q2):
    """dq2 for an orthonormal basis q2 of the complement of orthonormal q1's span: any basis of it
    is as good, and q2 turns only as much as keeping it orthogonal to q1 needs."""
    return neg(_matmul(q1, _matmul(_H(dq1), q2)))


def _right_solver(a):
    """b -> b a^-1 for square a, by its LU, made once: P a = L U gives b a^-1 = b U^-1 L^-1 P."""
    packed, _, perm = lu_p.bind(a)
    (low, up), p = _lu_factors(packed), _permutation_matrix(perm, a.dtype)
    return lambda b: _matmul(_solve(low, _solve(up, b, left_side=False, lower=False), left_side=False,
                                    unit_diagonal=True), p)


def _regular(a):
    """Whether the pivots of square a's LU are all clear of 0 (by n ulps: a's entries are at most
    1 here), with a's batch shape."""
    up = _lu_factors(lu_p.bind(a)[0])[1]
    pivots = R.reduce_max(E.abs_p.bind(_masked(up, "eye")), (up.ndim - 1,))
    tiny = S.full((), a.shape[-1] * np.finfo(pivots.dtype).eps, pivots.dtype)
    return E.gt_p.bind(R.reduce_min(pivots, (up.ndim - 2,)), tiny)


def _householder_complement(q1, dq1, q2):
    """dq2 for the complete Q = [q1 q2] of Householder reflections (LAPACK's, in both backends),
    I - V T V^H with V unit lower trapezoidal: q2 is a function of q1. With W = q1[:n] - I and
    Z = q1[n:] W^-1 (= V[n:] V[:n]^-1), q2 = [W Z^H; I + Z W Z^H], so dq2 = dq1 Z^H + (q1 - E) dZ^H,
    E = [I; 0] and dZ = (dq1[n:] - Z dq1[:n]) W^-1. Where W is singular (a reflection that is the
    identity, whose neighbourhood the algorithm does not map smoothly), `_turn_of_complement`'s."""
    m, n = q1.shape[-2:]
    lead, batch = (0,) * (q1.ndim - 2), tuple(range(q1.ndim - 2))
    top = lambda y: S.slice(y, lead + (0, 0), y.shape[:-2] + (n, n))  # noqa: E731
    rest = lambda y: S.slice(y, lead + (n, 0), y.shape)  # noqa: E731
    eye = _mask(n, n, q1.dtype, "eye")
    w = sub(top(q1), eye)
    regular = _regular(w)
    minus_eye = S.broadcast_in_dim(neg(eye), w.shape, (w.ndim - 2, w.ndim - 1))
    w = E.select_n_p.bind(S.broadcast_in_dim(regular, w.shape, batch), minus_eye, w)  # (any invertible W there)
    solve = _right_solver(w)
    z = solve(rest(q1))
    dz = solve(sub(rest(dq1), _matmul(z, top(dq1))))
    e = S.pad(eye, 0, ((0, m - n, 0), (0, 0, 0)))
    dq2 = add(_matmul(dq1, _H(z)), _matmul(sub(q1, e), _H(dz)))
    return E.select_n_p.bind(S.broadcast_in_dim(regular, dq2.shape, batch), _turn_of_complement(q1, dq1, q2), dq2)


def _qr_jvp(primals, tangents, *, full_matrices):
    (x,), (t,) = primals, tangents
    m, n = x.shape[-2:]
    q, r = out = qr_p.bind(x, full_matrices=full_matrices)
    if t.__class__ is Zero:
        return out, (Zero(q.aval), Zero(r.aval))
    if full_matrices and m > n:
        # the complete Q of a tall x = [q1 q2] [r1; 0]: q1 and r1 as in the reduced form, q2 a basis
        # of the complement; r's zero rows stay zero
        lead = (0,) * (x.ndim - 2)
        q1, q2 = S.slice(q, lead + (0, 0), q.shape[:-1] + (n,)), S.slice(q, lead + (0, n), q.shape)
        dq1, dr1 = _qr_square_or_tall(q1, S.slice(r, lead + (0, 0), r.shape[:-2] + (n, n)), t)
        no_pad = ((0, 0, 0),) * (x.ndim - 2)
        dq = S.concatenate([dq1, _householder_complement(q1, dq1, q2)], x.ndim - 1)
        return out, (dq, S.pad(dr1, 0, no_pad + ((0, m - n, 0), (0, 0, 0))))
    if m >= n:
        return out, _qr_square_or_tall(q, r, t)
    # a wide x = [x1 x2] has q r1 = x1 (square) and r2 = q^H x2
    lead = (0,) * (x.ndim - 2)
    first = lambda y: S.slice(y, lead + (0, 0), y.shape[:-2] + (m, m))  # noqa: E731
    rest = lambda y: S.slice(y, lead + (0, m), y.shape)  # noqa: E731
    dq, dr1 = _qr_square_or_tall(q, first(r), first(t))
    dr2 = add(_matmul(_H(dq), rest(x)), _matmul(_H(q), rest(t)))
    return out, (dq, S.concatenate([dr1, dr2], x.ndim - 1))


jvp_rules[qr_p] = _qr_jvp


# eigh -----------------------------------------------------------------------------------------
def _inverse_gaps(w):
    """F[i, j] = 1 / (w[j] - w[i]) off the diagonal, 0 on it (inf where eigenvalues repeat)."""
    n = w.shape[-1]
    gaps = sub(S.expand_dims(w, (w.ndim - 1,)), S.expand_dims(w, (w.ndim,)))
    eye = _mask(n, n, w.dtype, "eye")
    return sub(div(S.full((), 1, w.dtype), add(gaps, eye)), eye)


def _eigh_jvp(primals, tangents, *, lower):
    (a,), (t,) = primals, tangents
    v, w = out = eigh_p.bind(a, lower=lower)
    if t.__class__ is Zero:
        return out, (Zero(v.aval), Zero(w.aval))
    # a V = V diag(w): with P = V^H da V, dw = diag(P) and dV = V (F * P)
    da_v = _matmul(_from_triangle(t, lower), v)
    p = _matmul(_H(v), da_v)
    dw = _real_diag_of_product(v, da_v)
    dv = _matmul(v, mul(_as(_inverse_gaps(w), v.dtype), p))
    return out, (dv, dw)


jvp_rules[eigh_p] = _eigh_jvp


# eig ------------------------------------------------------------------------------------------
def _eig_jvp(primals, tangents, *, vectors):
    (a,), (t,) = primals, tangents
    w, v = eig_p.bind(a, vectors=True)
    out = (w, v) if vectors else (w,)
    if t.__class__ is Zero:
        return out, tuple(Zero(o.aval) for o in out)
    # a V = V diag(w): with P = V^-1 da V, dw = diag(P) and dV = V (F * P), less each column's
    # component along itself that would change its norm (the columns stay unit vectors)
    packed, _, perm = lu_p.bind(v)
    l_full, u_full = _lu_factors(packed)
    da_v = _matmul(_as(t, v.dtype), v)
    p = _solve(u_full, _solve(l_full, _matmul(_permutation_matrix(perm, v.dtype), da_v), unit_diagonal=True),
               lower=False)
    dw = R.reduce_sum(_masked(p, "eye"), (p.ndim - 1,))
    if not vectors:
        return out, (dw,)
    dv = _matmul(v, mul(_inverse_gaps(w), p))
    along = E.real_p.bind(R.reduce_sum(mul(conj(v), dv), (v.ndim - 2,)))
    return out, (dw, sub(dv, mul(v, _as(S.broadcast_in_dim(along, v.shape, tuple(range(v.ndim - 2)) + (v.ndim - 1,)),
                                               v.dtype))))


jvp_rules[eig_p] = _eig_jvp


# svd ------------------------------------------------------------------------------------------
def _svd_jvp(primals, tangents, *, full_matrices, compute_uv):
    (a,), (t,) = primals, tangents
    m, n = a.shape[-2:]
    full = compute_uv and full_matrices and m != n
    u, s, vh = out = svd_p.bind(a, full_matrices=full, compute_uv=True)
    if not compute_uv:  # ds = Re diag(U^H da V)
        return (s,), ((Zero(s.aval),) if t.__class__ is Zero else (_real_diag_of_product(u, _matmul(t, _H(vh))),))
    if t.__class__ is Zero:
        return out, (Zero(u.aval), Zero(s.aval), Zero(vh.aval))
    if not full:
        return out, _svd_tangents(u, s, vh, t)
    # the full U of a tall matrix (V of a wide one) is [U1 U2]: U1 as in the reduced form, U2 any
    # orthonormal basis of the complement (as for a complete QR)
    lead, k = (0,) * (a.ndim - 2), min(m, n)
    if m > n:
        u1, u2 = S.slice(u, lead + (0, 0), u.shape[:-1] + (k,)), S.slice(u, lead + (0, k), u.shape)
        du1, ds, dvh = _svd_tangents(u1, s, vh, t)
        return out, (S.concatenate([du1, _turn_of_complement(u1, du1, u2)], a.ndim - 1), ds, dvh)
    vh1, vh2 = S.slice(vh, lead + (0, 0), vh.shape[:-2] + (k, n)), S.slice(vh, lead + (k, 0), vh.shape)
    du, ds, dvh1 = _svd_tangents(u, s, vh1, t)
    dv2 = _turn_of_complement(_H(vh1), _H(dvh1), _H(vh2))
    return out, (du, ds, S.concatenate([dvh1, _H(dv2)], a.ndim - 2))


def _svd_tangents(u, s, vh, t):
    # with P = U^H da V, U^H dU and V^H dV are skew-Hermitian with off-diagonal parts
    # F * (P S + S P^H) and F * (S P + P^H S), F[i, j] = 1 / (s_j^2 - s_i^2)
    m, n = t.shape[-2:]
    dt = t.dtype
    v = _H(vh)
    da_v = _matmul(t, v)
    p = _matmul(_H(u), da_v)
    ds = _real_diag_of_product(u, da_v)
    f = _as(_inverse_gaps(mul(s, s)), dt)
    s_row = _as(S.expand_dims(s, (s.ndim - 1,)), dt)  # s[j] along each row
    s_col = _as(S.expand_dims(s, (s.ndim,)), dt)  # s[i] down each column
    p_s, s_p = mul(p, s_row), mul(s_col, p)
    omega_u = mul(f, add(p_s, _H(p_s)))
    omega_v = mul(f, add(s_p, _H(s_p)))
    if _complex(dt):
        # the imaginary part of diag(P) is a phase that only U and V together fix; it goes to U
        k = s.shape[-1]
        phase = mul(mul(sub(p, _H(p)), S.full((), 0.5, dt)), _mask(k, k, dt, "eye"))
        # (divided by s, with 1 for s = 0 so that the zeros off the diagonal stay zeros)
        safe_s = E.select_n_p.bind(E.eq_p.bind(s, S.full((), 0, s.dtype)), s, S.full(s.shape, 1, s.dtype))
        omega_u = add(omega_u, div(phase, _as(S.expand_dims(safe_s, (s.ndim - 1,)), dt)))
    du, dv = _matmul(u, omega_u), _matmul(v, omega_v)
    # tall or wide: the columns of U (V) leave their span along (I - U U^H) da V / s
    if m > n:
        du = add(du, div(sub(da_v, _matmul(u, p)), s_row))
    elif n > m:
        dah_u = _matmul(_H(t), u)
        dv = add(dv, div(sub(dah_u, _matmul(v, _H(p))), s_row))
    return du, ds, _H(dv)


jvp_rules[svd_p] = _svd_jvp


# batching ---------------------------------------------------------------------------------------
def _dot_general_batch(args, dims, *, dimension_numbers, preferred_element_type):
    """Examples on both sides become one more batch dimension (the result's first); an example axis
    on one side only is one more free dimension of that side."""
    (x, y), (xd, yd) = args, dims
    (lc, rc), (lb, rb) = dimension_numbers
    if xd is not None and yd is not None:
        contract = (example_axes(lc, xd), example_axes(rc, yd))
        dn = (contract, ((xd,) + example_axes(lb, xd), (yd,) + example_axes(rb, yd)))
        out_d = 0
    elif xd is not None:
        lc, lb = example_axes(lc, xd), example_axes(lb, xd)
        dn = ((lc, rc), (lb, rb))
        out_d = len(lb) + sum(d < xd for d in range(x.ndim) if d not in lc + lb)
    else:
        rc, rb = example_axes(rc, yd), example_axes(rb, yd)
        dn = ((lc, rc), (lb, rb))
        out_d = x.ndim - len(lc) + sum(d < yd for d in range(y.ndim) if d not in rc + rb)
    return dot_general_p.bind(x, y, dimension_numbers=dn, preferred_element_type=preferred_element_type), out_d


def _triangular_solve_batch(args, dims, *, left_side, **params):
    (a, b), (ad, bd) = args, dims
    if ad is None:  # the examples are more columns of b (rows when solving from the right) for one a
        b = moveaxis(b, bd, b.ndim - 2 if left_side else b.ndim - 3)
        shape = b.shape
        folded = shape[:-3] + ((shape[-3], shape[-2] * shape[-1]) if left_side else (shape[-3] * shape[-2], shape[-1]))
        out = triangular_solve_p.bind(a, S.reshape(b, folded), left_side=left_side, **params)
        return S.reshape(out, shape), b.ndim - 2 if left_side else b.ndim - 3
    if ad >= a.ndim - 2:
        a, ad = moveaxis(a, ad, 0), 0
    b = broadcast_batch(b, a.shape[ad], ad) if bd is None else moveaxis(b, bd, ad)
    return triangular_solve_p.bind(a, b, left_side=left_side, **params), ad


def _cofactors_jvp_batch(args, dims):
    (x, s), (xd, sd) = args, dims
    if xd is None:  # the examples are more directions at each matrix
        return cofactors_jvp_p.bind(x, moveaxis(s, sd, 0)), 0
    extra = s.ndim - (sd is not None) - (x.ndim - 1)  # the direction axes of one example
    x = moveaxis(x, xd, 0)
    s = broadcast_batch(s, x.shape[0], extra) if sd is None else moveaxis(s, sd, extra)
    return cofactors_jvp_p.bind(x, s), extra


batch_rules[dot_general_p] = _dot_general_batch
batch_rules[triangular_solve_p] = _triangular_solve_batch
batch_rules[cofactors_jvp_p] = _cofactors_jvp_batch
for _p in (cholesky_p, lu_p, det_p, cofactors_p, qr_p, eigh_p, eig_p, svd_p):
    defleading(_p, lambda **params: 2)
