"""Derivative and batching rules of the Schur-based primitives.

Differentiating a x + x b = q gives a dx + dx b = dq - da x - x db: the tangent is another
Sylvester solve, linear in its right-hand side, whose transpose is the Sylvester solve of the
transposed matrices (a^T y + y b^T = c; linear transposes, no conjugation, as elsewhere).
Differentiating x x = a gives x dx + dx x = da, a Sylvester solve again.

The reductions a = z r z^H (r = t, or h) give C = z^H da z = dr + W r - r W with W = z^H dz
skew-Hermitian: the entries of C where dr must stay zero fix W's strict lower triangle, and the
choices the algorithm makes fix the rest, as LAPACK makes them:
  - schur: W's diagonal is 0 (the phases of complex Schur vectors are a free gauge, so only
    what does not depend on them, such as z t z^H, diag(t) or |t|, matches finite
    differences). In the real form each 2x2 block [[a, b], [c, a]] keeps its equal diagonal,
    which fixes its rotation (dividing by b + c: no derivative where the block is normal).
  - hessenberg: z's first column stays e1, and a complex h keeps a real subdiagonal.
Both divide by eigenvalue gaps (schur) or subdiagonal entries (hessenberg), so repeated
eigenvalues, or a Hessenberg form that splits, give inf/NaN tangents, as eig's vectors do.
"""
from __future__ import annotations

import functools

import numpy as np

from ..core import dtypes
from ..core.array import Array
from ..core.errors import op_error
from ..core.primitive import batch_rules, jvp_rules, transpose_rules
from . import elementwise as E
from . import reduce as R
from . import shape as S
from ._ad import Zero, add_tangents, is_undefined
from ._batch import batch_size, defleading, to_front
from .linalg import eig_p, lu_p
from .linalg_rules import (_H, _as, _inverse_gaps, _lu_factors, _mask, _masked, _matmul, _mT, _permutation_matrix,
                           _solve, add, div, mul, neg, sub)
from .linalg_schur import hessenberg_p, schur_p, sqrtm_p, sylvester_p


def _sylvester_jvp(primals, tangents):
    (a, b, q), (ta, tb, tq) = primals, tangents
    x = sylvester_p.bind(a, b, q)
    rhs = None if tq.__class__ is Zero else tq
    if ta.__class__ is not Zero:
        rhs = add_tangents(rhs, neg(_matmul(ta, x))) if rhs is not None else neg(_matmul(ta, x))
    if tb.__class__ is not Zero:
        rhs = add_tangents(rhs, neg(_matmul(x, tb))) if rhs is not None else neg(_matmul(x, tb))
    return x, Zero(x.aval) if rhs is None else sylvester_p.bind(a, b, rhs)


def _sylvester_transpose(ct, a, b, q):
    if is_undefined(a) or is_undefined(b):
        raise op_error(NotImplementedError, "sylvester", "is linear in q only, so only q can be transposed",
                       "differentiate with respect to a and b through its jvp (fx.grad does)")
    return [None, None, sylvester_p.bind(_mT(a), _mT(b), ct)]


def _sqrtm_jvp(primals, tangents):
    (a,), (t,) = primals, tangents
    x = sqrtm_p.bind(a)
    return x, Zero(x.aval) if t.__class__ is Zero else sylvester_p.bind(x, x, t)


# schur and hessenberg ---------------------------------------------------------------------------
@functools.lru_cache(maxsize=64)
def _band(n: int, k: int, dt: np.dtype) -> Array:
    """The constant (n, n) matrix of `dt` with ones on its k-th diagonal (k < 0: below the main one)."""
    return Array(np.eye(n, k=k, dtype=dt))


def _rotated(c, w, r):
    """dr = C - (W r - r W): the tangent of r for the rotation W of the reduction a = z r z^H."""
    return sub(c, sub(_matmul(w, r), _matmul(r, w)))


def _schur_jvp(primals, tangents, *, complex_output):
    (a,), (da,) = primals, tangents
    t, z = out = schur_p.bind(a, complex_output=complex_output)
    if da.__class__ is Zero:
        return out, (Zero(t.aval), Zero(z.aval))
    c = _matmul(_H(z), _matmul(_as(da, z.dtype), z))
    # with t = V diag(w) V^-1, K = V (F * V^-1 C V) V^-1 (F the inverse eigenvalue gaps) has
    # K t - t K = C less a matrix that commutes with t, which is (block) upper triangular; below
    # t's diagonal blocks both sides see only that part of K, so there it is W's
    w, v = eig_p.bind(t, vectors=True)
    packed, _, perm = lu_p.bind(v)
    l_full, u_full = _lu_factors(packed)
    v_inv = _solve(u_full, _solve(l_full, _permutation_matrix(perm, v.dtype), unit_diagonal=True), lower=False)
    k = _matmul(v, _matmul(mul(_inverse_gaps(w), _matmul(v_inv, _matmul(_as(c, v.dtype), v))), v_inv))
    if t.dtype in dtypes.COMPLEX:
        low = _masked(k, "strict_lower")
        rot = sub(low, _H(low))
        return out, (_masked(_rotated(c, rot, t), "upper"), _matmul(z, rot))
    # the real form: a 2x2 block's subdiagonal entry is not part of W's strict lower triangle;
    # the block's rotation theta keeps its diagonal equal: d(C'_11 - C'_22) = 2 theta (b + c)
    n, dt = t.shape[-1], t.dtype
    block = E.ne_p.bind(mul(t, _band(n, -1, dt)), S.full((), 0, dt))
    on_block = E.convert_element_type_p.bind(block, new_dtype=dt, weak=False)
    low = mul(E.real_p.bind(k), sub(_mask(n, n, dt, "strict_lower"), on_block))
    rot = sub(low, _mT(low))
    d = R.reduce_sum(_masked(_rotated(c, rot, t), "eye"), (t.ndim - 1,))
    gap = sub(S.expand_dims(d, (d.ndim,)), S.expand_dims(d, (d.ndim - 1,)))  # [i, j]: d_i - d_j
    b_plus_c = E.select_n_p.bind(block, S.full((), 1, dt), add(t, _mT(t)))  # 1 off the blocks
    theta = mul(div(gap, add(b_plus_c, b_plus_c)), on_block)
    rot = add(rot, sub(theta, _mT(theta)))
    return out, (mul(_rotated(c, rot, t), add(_mask(n, n, dt, "upper"), on_block)), _matmul(z, rot))


def _hessenberg_jvp(primals, tangents):
    (a,), (da,) = primals, tangents
    h, q = out = hessenberg_p.bind(a)
    n = a.shape[-1]
    if n <= 2:  # already in Hessenberg form: h = a and q = I
        return out, (da, Zero(q.aval))
    if da.__class__ is Zero:
        return out, (Zero(h.aval), Zero(q.aval))
    # below h's subdiagonal, column j of C = dh + W h - h W gives column j + 1 of W's strict lower
    # triangle x (its column 0 is zero: q's first column stays e1) from the columns before it: n - 2
    # steps of matrix-vector products, unrolled (a rule is written with primitives, not loops)
    lead, dt = (0,) * (a.ndim - 2), h.dtype
    column = lambda m, j: S.slice(m, lead + (0, j), m.shape[:-1] + (j + 1,))  # noqa: E731
    c = _matmul(_H(q), _matmul(da, q))
    x = None
    for j in range(n - 2):
        r = column(c, j)
        if x is not None:
            r = add(sub(r, _matmul(x, column(h, j))), _matmul(h, column(x, j)))
        h_next = S.slice(h, lead + (j + 1, j), h.shape[:-2] + (j + 2, j + 1))
        below = Array(np.asarray((np.arange(n) >= j + 2)[:, None] * (np.arange(n) == j + 1)[None, :], dt))
        x_next = mul(div(r, h_next), below)
        x = x_next if x is None else add(x, x_next)
    rot = sub(x, _H(x))
    if dt in dtypes.COMPLEX:
        # the phases of q's columns keep h's subdiagonal real: with s_i = Im C'[i, i - 1] / h[i, i - 1]
        # (C' = C - W h + h W for W so far), d Im h[i, i - 1] = (s_i + phase_{i-1} - phase_i) h[i, i - 1]
        below_diagonal = lambda m: R.reduce_sum(mul(m, _band(n, -1, dt)), (m.ndim - 1,))  # noqa: E731  m[i, i - 1]
        first = Array(np.asarray(np.arange(n) == 0, dtypes.real_dtype(dt)))  # row 0 has no subdiagonal
        s = div(E.imag_p.bind(below_diagonal(_rotated(c, rot, h))), add(E.real_p.bind(below_diagonal(h)), first))
        phase = R.cumsum_p.bind(s, axis=s.ndim - 1, reverse=False)
        rot = add(rot, mul(_as(S.expand_dims(phase, (phase.ndim - 1,)), dt), Array(1j * np.eye(n, dtype=dt))))
    hessenberg = add(_mask(n, n, dt, "upper"), _band(n, -1, dt))
    return out, (mul(_rotated(c, rot, h), hessenberg), _matmul(q, rot))


jvp_rules[schur_p] = _schur_jvp
jvp_rules[hessenberg_p] = _hessenberg_jvp
jvp_rules[sylvester_p] = _sylvester_jvp
transpose_rules[sylvester_p] = _sylvester_transpose
jvp_rules[sqrtm_p] = _sqrtm_jvp


def _sylvester_batch(args, dims):
    size = batch_size(args, dims)
    return sylvester_p.bind(*(to_front(x, d, size) for x, d in zip(args, dims))), 0


batch_rules[sylvester_p] = _sylvester_batch
for _p in (schur_p, hessenberg_p, sqrtm_p):
    defleading(_p, lambda **params: 2)
