"""Derivative rules of the sort primitives.

Sorting only moves elements, so a tangent moves with its element: `sort` sorts the positions
(an iota) alongside the operands to learn the permutation and gathers each tangent with it;
`top_k` gathers the tangent at the indices it returns. Integer and boolean operands, and the
indices, get zero tangents. Ties are broken as the primal sort breaks them (stably), so the
tangent follows the element that the primal result holds.
"""
from __future__ import annotations

from ..core import dtypes
from ..core.primitive import jvp_rules
from . import shape as S
from . import sort as T
from ._ad import Zero
from .reduce_rules import index_dtype, take_along_axis


def _moved(tangents, outs, perm, axis: int) -> tuple:
    return tuple(Zero(o.aval) if t.__class__ is Zero or o.dtype not in dtypes.FLOATING
                 else take_along_axis(t, perm, axis) for t, o in zip(tangents, outs))


def _sort_jvp(primals, tangents, *, dimension, is_stable, num_keys):
    shape = primals[0].shape
    positions = S.iota(index_dtype(shape[dimension]), shape, dimension)
    *outs, perm = T.sort_p.bind(*primals, positions, dimension=dimension, is_stable=is_stable, num_keys=num_keys)
    return tuple(outs), _moved(tangents, outs, perm, dimension)


def _top_k_jvp(primals, tangents, *, k):
    values, indices = T.top_k_p.bind(*primals, k=k)
    (tangent,) = _moved(tangents, (values,), indices, values.ndim - 1)
    return (values, indices), (tangent, Zero(indices.aval))


jvp_rules[T.sort_p] = _sort_jvp
jvp_rules[T.top_k_p] = _top_k_jvp
