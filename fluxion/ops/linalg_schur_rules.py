"""Derivative and batching rules of the Schur-based primitives.

Differentiating a x + x b = q gives a dx + dx b = dq - da x - x db: the tangent is another
Sylvester solve, linear in its right-hand side, whose transpose is the Sylvester solve of the
transposed matrices (a^T y + y b^T = c; linear transposes, no conjugation, as elsewhere).
Differentiating x x = a gives x dx + dx x = da, a Sylvester solve again. The Schur and
Hessenberg reductions have no derivative fluxion computes: their factors are fixed only up
to the phases (and, for repeated or close eigenvalues, the bases) that the algorithm picks.
"""
from __future__ import annotations

from ..core.errors import op_error
from ..core.primitive import batch_rules, jvp_rules, transpose_rules
from ._ad import Zero, add_tangents, is_undefined
from ._batch import batch_size, defleading, to_front
from .linalg_rules import _matmul, _mT, neg
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


def _no_derivative(prim, fix: str):
    def rule(primals, tangents, **params):
        out = prim.bind(*primals, **params)
        if all(t.__class__ is Zero for t in tangents):
            return out, tuple(Zero(o.aval) for o in out)
        raise op_error(NotImplementedError, prim.name, "has no derivative: its factors are fixed only up to the "
                       "phases (and for repeated eigenvalues the bases) the algorithm picks", fix)
    return rule


jvp_rules[schur_p] = _no_derivative(
    schur_p, "differentiate eigenvalues with fluxion.numpy.linalg.eigvals, matrix functions with "
    "fluxion.scipy.linalg.sqrtm / expm, or stop the gradient of the input with fx.stop_gradient")
jvp_rules[hessenberg_p] = _no_derivative(
    hessenberg_p, "differentiate what you compute from it through another decomposition (fluxion.numpy.linalg.eig, "
    "qr), or stop the gradient of the input with fx.stop_gradient")
jvp_rules[sylvester_p] = _sylvester_jvp
transpose_rules[sylvester_p] = _sylvester_transpose
jvp_rules[sqrtm_p] = _sqrtm_jvp


def _sylvester_batch(args, dims):
    size = batch_size(args, dims)
    return sylvester_p.bind(*(to_front(x, d, size) for x, d in zip(args, dims))), 0


batch_rules[sylvester_p] = _sylvester_batch
for _p in (schur_p, hessenberg_p, sqrtm_p):
    defleading(_p, lambda **params: 2)
