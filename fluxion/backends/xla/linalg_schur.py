"""XLA lowering of the Schur-based primitives.

`schur` is XLA's (LAPACK gees: the CPU only). `sylvester` and `sqrtm` reduce to the complex
Schur form, where the unknown is upper triangular (sqrtm) or the equation is (sylvester), and
solve for one column at a time: column k of `y` in `t y + y s = c` solves the triangular system
(t + s[k, k]) y[:, k] = c[:, k] - y[:, :k] s[:k, k]; column j of the root `r` of `t` solves
(r[:j, :j] + r[j, j]) r[:j, j] = t[:j, j]. `hessenberg` assembles q from XLA's reflectors.
"""
from __future__ import annotations

import jax.numpy as jnp
import numpy as np
from jax import lax

from ...core import dtypes as D
from ...core.rules import xla_lowering
from ...ops import linalg_schur as L
from .linalg import _in_float32

_HIGHEST = lax.Precision.HIGHEST


def _mm(a, b):
    return jnp.matmul(a, b, precision=_HIGHEST)


def _ct(x):
    return jnp.conj(jnp.swapaxes(x, -1, -2))


def _complex(x):
    return D.kind(x.dtype) == D.COMPLEX_KIND


def _complex_schur(x):
    """`(t, z)`, the complex Schur form of `x` (converted to complex first when real)."""
    return lax.linalg.schur(x if _complex(x) else x.astype(D.complex_dtype(x.dtype)))


def _column(x, k):
    """Column `k` (traced) of each matrix, as (..., m, 1)."""
    return lax.dynamic_index_in_dim(x, k, axis=x.ndim - 1, keepdims=True)


def _triangular_sylvester(t, s, c):
    """`y` with `t y + y s = c` for upper triangular `t` (m, m) and `s` (n, n)."""
    eye = jnp.eye(t.shape[-1], dtype=t.dtype)

    def column(k, y):
        s_k = _column(s, k)
        s_kk = lax.dynamic_index_in_dim(s_k, k, axis=s.ndim - 2, keepdims=True)
        y_k = lax.linalg.triangular_solve(t + s_kk * eye, _column(c, k) - _mm(y, s_k), left_side=True, lower=False)
        return lax.dynamic_update_index_in_dim(y, y_k, k, axis=y.ndim - 1)
    return lax.fori_loop(0, s.shape[-1], column, jnp.zeros_like(c))


def _triangular_sqrt(t):
    """The upper triangular `r` with `r r = t` and principal square roots on its diagonal."""
    n = t.shape[-1]
    d = jnp.sqrt(jnp.diagonal(t, axis1=-2, axis2=-1))
    eye = jnp.eye(n, dtype=t.dtype)
    index = jnp.arange(n)

    def column(j, r):
        above = index < j  # the rows (and columns) of the block solved for
        r_jj = lax.dynamic_index_in_dim(d, j, axis=d.ndim - 1, keepdims=True)[..., None]
        block = jnp.where(above[:, None] & above[None, :], r, 0) + jnp.where(above[:, None], r_jj, 1) * eye
        # r_ii + r_jj is 0 where both eigenvalues are exactly 0 (a diagonal matrix with zeros): SciPy's
        # 0 / 0 is 0 there and its num / 0 inf, so those rows solve with 1 on the diagonal instead
        zero = jnp.diagonal(block, axis1=-2, axis2=-1)[..., None] == 0
        x = lax.linalg.triangular_solve(block + zero * eye, jnp.where(above[:, None], _column(t, j), 0),
                                        left_side=True, lower=False)
        x = jnp.where(zero & (x != 0), x * np.inf, x)
        return r + x * (index == j)
    return lax.fori_loop(1, n, column, d[..., None, :] * eye)


def _sylvester(a, b, q):
    if q.size == 0:
        return jnp.zeros_like(q)
    ta, za = _complex_schur(a)
    tb, zb = _complex_schur(b)
    x = _mm(za, _mm(_triangular_sylvester(ta, tb, _mm(_ct(za), _mm(q.astype(ta.dtype), zb))), _ct(zb)))
    return x if _complex(q) else jnp.real(x)


def _sqrtm(x):
    if x.size == 0:
        return x
    t, z = _complex_schur(x)
    root = _mm(z, _mm(_triangular_sqrt(t), _ct(z)))
    if _complex(x):
        return root
    # a real matrix has a real principal root unless it has a negative real eigenvalue; the
    # complex Schur form gives real eigenvalues imaginary parts of the order of rounding errors
    w = jnp.diagonal(t, axis1=-2, axis2=-1)
    tol = 10 * x.shape[-1] * np.finfo(x.dtype).eps * jnp.max(jnp.abs(w), axis=-1, keepdims=True)
    # (an eigenvalue within rounding of 0, as a singular PSD matrix has, is 0, not negative)
    negative = jnp.any((jnp.real(w) < -tol) & (jnp.abs(jnp.imag(w)) <= tol), axis=-1)
    return jnp.where(negative[..., None, None], jnp.nan, jnp.real(root))


def _schur(x, *, complex_output):
    return tuple(_complex_schur(x) if complex_output else lax.linalg.schur(x))


def _hessenberg(x):
    n = x.shape[-1]
    eye = jnp.broadcast_to(jnp.eye(n, dtype=x.dtype), x.shape)
    if n <= 2:  # already Hessenberg: as SciPy, no reflection (which would make a complex subdiagonal real)
        return x, eye
    packed, taus = lax.linalg.hessenberg(x)
    # reflector i acts on rows i + 1 and below: its vector lies in column i below the subdiagonal
    inner = lax.linalg.householder_product(packed[..., 1:, :-1], taus)
    return jnp.triu(packed, -1), eye.at[..., 1:, 1:].set(inner)


xla_lowering.update({
    L.schur_p: _in_float32(_schur),
    L.hessenberg_p: _in_float32(_hessenberg),
    L.sylvester_p: _in_float32(_sylvester),
    L.sqrtm_p: _in_float32(_sqrtm),
})
