"""XLA lowering of the linalg primitives.

The NumPy kernels compute 16-bit floats in float32 (LAPACK has no 16-bit routines) and
multiply at full precision; the rules here do the same, so that the two backends agree: a
dot or factorization of float16/bfloat16 runs in float32 and rounds once at the end, and
every dot asks for the highest precision (accelerators otherwise use reduced-precision
multiplies for float32).
"""
from __future__ import annotations

import jax.numpy as jnp
from jax import lax

from ...core import dtypes as D
from ...core.rules import xla_lowering
from ...ops import linalg as L

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


def _dot_general(lhs, rhs, *, dimension_numbers, preferred_element_type=None):
    # operands are converted first, as the kernel does: integer inputs accumulated in a float
    # (or a wider integer) are exact products of converted values
    out_dt = preferred_element_type or lhs.dtype
    work = _work_dtype(out_dt)
    lhs, rhs = (lax.convert_element_type(v, work) for v in (lhs, rhs))
    out = lax.dot_general(lhs, rhs, dimension_numbers, precision=lax.Precision.HIGHEST, preferred_element_type=work)
    return lax.convert_element_type(out, out_dt)


def _cholesky(x):
    # only the lower triangle is read; a failed factorization is NaN below the diagonal (for
    # complex dtypes NaN + 0i, as the kernel fills it)
    out = lax.linalg.cholesky(x, symmetrize_input=False)
    if D.kind(x.dtype) != D.COMPLEX_KIND:
        return out
    failed = lax.real(out) != lax.real(out)
    return lax.complex(lax.real(out), jnp.where(failed, jnp.zeros_like(lax.real(out)), lax.imag(out)))


def _eigh(x, *, lower):
    v, w = lax.linalg.eigh(x, lower=lower, symmetrize_input=False, sort_eigenvalues=True)
    return v, w


def _svd(x, *, full_matrices, compute_uv):
    out = lax.linalg.svd(x, full_matrices=full_matrices, compute_uv=compute_uv)
    return tuple(out) if compute_uv else (out,)


xla_lowering.update({
    L.dot_general_p: _dot_general,
    L.cholesky_p: _in_float32(_cholesky),
    L.triangular_solve_p: _in_float32(lax.linalg.triangular_solve),
    L.lu_p: _in_float32(lambda x: tuple(lax.linalg.lu(x))),
    L.qr_p: _in_float32(lambda x, *, full_matrices: tuple(lax.linalg.qr(x, full_matrices=full_matrices))),
    L.eigh_p: _in_float32(_eigh),
    L.svd_p: _in_float32(_svd),
})
