"""XLA lowering of the linalg primitives.

The NumPy kernels compute 16-bit floats in float32 (LAPACK has no 16-bit routines) and
multiply at full precision; the rules here do the same, so that the two backends agree:

- a product of 16-bit floats accumulates in float32 and rounds once (their products are
  exact in float32, so the multiplier may take them as they are, as tensor cores do), and
  integers accumulate in the (wider) integer of the result;
- other operands are converted to the result's dtype first, as the kernel converts them,
  and multiplied at the highest precision (accelerators otherwise multiply float32 in
  reduced precision);
- factorizations of 16-bit floats run in float32.
"""
from __future__ import annotations

import jax
import jax.numpy as jnp
from jax import lax

from ...core import dtypes as D
from ...core.rules import xla_lowering
from ...ops import linalg as L
from .._cofactors import Backend, cofactors, cofactors_jvp

_LOW = (D.float16, D.bfloat16)


def _work_dtype(dt):
    """The dtype a computation producing `dt` runs in."""
    return D.float32 if dt in _LOW else dt


def _in_float32(fn):
    """A factorization rule run in float32 for 16-bit floats, its outputs rounded back."""
    def rule(x, *rest, **params):
        dt = x.dtype
        if dt not in _LOW:
            return fn(x, *rest, **params)
        outs = fn(*(lax.convert_element_type(v, D.float32) for v in (x, *rest)), **params)
        cast = lambda o: lax.convert_element_type(o, dt) if o.dtype == D.float32 else o  # noqa: E731
        return tuple(map(cast, outs)) if isinstance(outs, (tuple, list)) else cast(outs)
    return rule


def product_operands(lhs, rhs, preferred):
    """`(lhs, rhs, accumulation dtype, precision)` for a dot or convolution producing `preferred`
    (None: the operands' dtype), with the kernels' semantics (see the module docstring)."""
    work = _work_dtype(preferred or lhs.dtype)
    # products of 16-bit floats are exact in float32, and of integers in a wider integer: those
    # operands are multiplied as they are; others are converted first, as the kernels convert them
    exact = lhs.dtype in _LOW or D.kind(lhs.dtype) == D.kind(work) == D.INT
    if not exact:
        lhs, rhs = (lax.convert_element_type(v, work) for v in (lhs, rhs))
    return lhs, rhs, work, lax.Precision.DEFAULT if exact else lax.Precision.HIGHEST


def _dot_general(lhs, rhs, *, dimension_numbers, preferred_element_type=None):
    out_dt = preferred_element_type or lhs.dtype
    lhs, rhs, work, precision = product_operands(lhs, rhs, preferred_element_type)
    out = lax.dot_general(lhs, rhs, dimension_numbers, precision=precision, preferred_element_type=work)
    return lax.convert_element_type(out, out_dt)


def _cholesky(x):
    # only the lower triangle is read; a failed factorization is NaN below the diagonal (for
    # complex dtypes NaN + 0i, as the kernel fills it)
    out = lax.linalg.cholesky(x, symmetrize_input=False)
    if D.kind(x.dtype) != D.COMPLEX_KIND:
        return out
    failed = jnp.isnan(lax.real(out))
    return lax.complex(lax.real(out), jnp.where(failed, jnp.zeros_like(lax.real(out)), lax.imag(out)))


def _eigh(x, *, lower):
    v, w = lax.linalg.eigh(x, lower=lower, symmetrize_input=False, sort_eigenvalues=True)
    return v, w


def _eig(x, *, vectors):
    # XLA's eig runs on the CPU only (LAPACK geev), as in jax
    return tuple(lax.linalg.eig(x, compute_left_eigenvectors=False, compute_right_eigenvectors=vectors))


def _det(x):
    packed, pivots, _ = lax.linalg.lu(x)
    d = jnp.prod(jnp.diagonal(packed, axis1=-2, axis2=-1), axis=-1)
    odd = jnp.sum(pivots != jnp.arange(x.shape[-1], dtype=pivots.dtype), axis=-1) % 2 == 1
    return jnp.where(odd, -d, d)


_COFACTORS = Backend(jnp, lax.linalg.lu, lax.linalg.triangular_solve, lax.cond)


def _cofactor_kernel(fn):
    """A kernel of backends/_cofactors.py, its products at full precision."""
    def rule(*args):
        with jax.default_matmul_precision("highest"):
            return fn(_COFACTORS, *args)
    return _in_float32(rule)


def _svd(x, *, full_matrices, compute_uv):
    out = lax.linalg.svd(x, full_matrices=full_matrices, compute_uv=compute_uv)
    return tuple(out) if compute_uv else (out,)


xla_lowering.update({
    L.dot_general_p: _dot_general,
    L.cholesky_p: _in_float32(_cholesky),
    L.triangular_solve_p: _in_float32(lax.linalg.triangular_solve),
    L.lu_p: _in_float32(lambda x: tuple(lax.linalg.lu(x))),
    L.det_p: _in_float32(_det),
    L.qr_p: _in_float32(lambda x, *, full_matrices: tuple(lax.linalg.qr(x, full_matrices=full_matrices))),
    L.eigh_p: _in_float32(_eigh),
    L.eig_p: _in_float32(_eig),
    L.svd_p: _in_float32(_svd),
    L.cofactors_p: _cofactor_kernel(cofactors),
    L.cofactors_jvp_p: _cofactor_kernel(cofactors_jvp),
})
