"""Kernels of `cofactors` and `cofactors_jvp`, written once for the NumPy and XLA backends.

The cofactor matrix C(x) = adj(x)^T is the gradient of det, and its derivative along s is the
Hessian of det applied to s. Both come from the LU factorization P x = L U without dividing by
a zero pivot, so they are exact at singular matrices too:

- adj(x) = adj(U) L^-1 P det(P). With U1 the upper factor whose zero pivots are taken as 1 and
  p the product of the other pivots, adj(U) = p U1^-1 when no pivot is zero and, when the
  pivots s_1 < ... < s_m are, the rank-one p c (U1^-1 e_s1)(e_sm^T U1^-1), where c is the
  product of the (U1^-1)[s_i, s_i+1] (zero when the rank is below n - 1).
- With at most one zero pivot (at z), x = B - u v^T for the invertible B = P^T L U1, u = P^T L e_z
  and v = e_z (u = v = 0 when none is zero). Then adj(x) = g (y G + p q) with G = B^-1, g = det B,
  y = 1 - v^T G u (1, or 0 at a zero pivot), p = G u and q = v^T G, which are smooth in B:
  d adj = g (tr(G s) (y G + p q) + (q s p) G - y G s G - G s p q - p q s G).
- With more zero pivots, the Hessian itself: its entry for x[i, j] and x[l, k] (k != j) is the
  cofactor (i, j) of x with column k replaced by e_l. That is n^2 cofactor matrices per matrix,
  so it is computed only when some matrix needs it.
"""
from __future__ import annotations

from typing import Any, Callable, NamedTuple


class Backend(NamedTuple):
    """What the kernels take from a backend: its array module, its `lu` and `triangular_solve`
    kernels, and `cond(pred, f, g)`, which returns `f()` or `g()`."""

    xp: Any
    lu: Callable
    triangular_solve: Callable
    cond: Callable


def cofactors(b: Backend, x):
    """The cofactor matrix of each matrix in `x` (..., n, n)."""
    xp = b.xp
    if x.shape[-1] == 0:
        return xp.zeros_like(x)
    packed, perm, zero, p, w = _lu_parts(b, x)
    # the zero pivots numbered in order: the first, the last, and each with the next one
    rank = xp.cumsum(zero, axis=-1)
    m = rank[..., -1:]
    first, last = zero & (rank == 1), zero & (rank == m)
    pairs = zero[..., :, None] & zero[..., None, :] & (rank[..., None, :] == rank[..., :, None] + 1)
    c = xp.prod(xp.where(pairs, w, 1), axis=(-2, -1))
    w_first, w_last = xp.sum(w * first[..., None, :], axis=-1), xp.sum(w * last[..., :, None], axis=-2)
    rank_one = c[..., None, None] * w_first[..., :, None] * w_last[..., None, :]
    adj_u = p[..., None, None] * xp.where(m[..., None] == 0, w, rank_one)
    return xp.swapaxes(_times_l_inv_p(b, packed, perm, adj_u), -1, -2)


def cofactors_jvp(b: Backend, x, s):
    """The derivative of the cofactor matrix of each matrix in `x` (..., n, n) along each `s`
    (k..., ..., n, n): one matrix may have several directions."""
    xp = b.xp
    if x.shape[-1] == 0:
        return xp.zeros_like(s)
    packed, perm, zero, det_b, w = _lu_parts(b, x, rounded=True)
    m = xp.sum(zero, axis=-1)
    ez = zero & (m == 1)[..., None]  # e_z, or none
    inv_b = _times_l_inv_p(b, packed, perm, w)  # G
    p, q = xp.sum(w * ez[..., None, :], axis=-1), xp.sum(inv_b * ez[..., :, None], axis=-2)
    y = (m == 0)[..., None, None]
    gs = inv_b @ s
    trace = xp.sum(xp.swapaxes(inv_b, -1, -2) * s, axis=(-2, -1))[..., None, None]
    qsp = xp.sum(q[..., :, None] * s * p[..., None, :], axis=(-2, -1))[..., None, None]
    col, row = p[..., :, None], q[..., None, :]
    d_adj = det_b[..., None, None] * (trace * (y * inv_b + col * row) + qsp * inv_b - y * (gs @ inv_b)
                                      - (gs @ col) * row - col * ((row @ s) @ inv_b))
    fast = xp.swapaxes(d_adj, -1, -2)
    many = (m > 1)[..., None, None]
    return b.cond(xp.any(many), lambda: xp.where(many, _hessian_times(b, x, s), fast), lambda: fast)


def _lu_parts(b: Backend, x, rounded: bool = False):
    """From the LU of `x`: the packed factors, the permutation, which pivots are zero (`rounded`:
    within rounding of it), the product of the others with the permutation's sign, and U1^-1
    (the zero pivots taken as 1)."""
    xp, n = b.xp, x.shape[-1]
    packed, pivots, perm = b.lu(x)
    d = xp.diagonal(packed, axis1=-2, axis2=-1)
    if rounded:
        # a pivot within rounding of 0 (n eps of U's largest entry) is 0: a singular matrix's pivot
        # is rarely exactly 0, and the derivative's formula for none cancels terms of size
        # 1 / pivot. Its value is a polynomial, so this costs an error of the pivot's size.
        # (The cofactors themselves, a product of pivots times U1^-1, cancel nothing.)
        size = xp.max(xp.abs(packed), axis=(-2, -1), keepdims=True)[..., 0]
        zero = xp.abs(d) <= n * xp.finfo(x.dtype).eps * size
    else:
        zero = d == 0
    eye = xp.eye(n, dtype=x.dtype)
    u1 = xp.where(zero[..., None, :] & (eye == 1), eye, xp.triu(packed))
    odd = xp.sum(pivots != xp.arange(n, dtype=pivots.dtype), axis=-1) % 2 == 1
    p = xp.prod(xp.where(zero, 1, d), axis=-1)
    w = b.triangular_solve(u1, xp.broadcast_to(eye, x.shape), left_side=True, lower=False, transpose_a=False,
                           conjugate_a=False, unit_diagonal=False)
    return packed, perm, zero, xp.where(odd, -p, p), w


def _times_l_inv_p(b: Backend, packed, perm, y):
    """`y L^-1 P` for the unit lower factor L in `packed` and the permutation matrix P of `perm`."""
    xp = b.xp
    z = b.triangular_solve(packed, y, left_side=False, lower=True, transpose_a=False, conjugate_a=False,
                           unit_diagonal=True)
    # P's row i is e_perm[i], so column j of z P is column i of z where perm[i] = j
    return xp.take_along_axis(z, xp.argsort(perm, axis=-1)[..., None, :], axis=-1)


def _hessian_times(b: Backend, x, s):
    """The Hessian of det at each matrix of `x` applied to `s`, from n^2 cofactor matrices."""
    xp, n = b.xp, x.shape[-1]
    eye = xp.eye(n, dtype=x.dtype)
    keep = 1 - eye  # [k, j]: whether column j stays when column k is replaced
    # [..., l, k, i, j]: x with column k replaced by e_l
    replaced = x[..., None, None, :, :] * keep[:, None, :] + eye[:, None, :, None] * eye[None, :, None, :]
    hessian = cofactors(b, replaced) * keep[:, None, :]
    return xp.einsum("...lk,...lkij->...ij", s, hessian)
