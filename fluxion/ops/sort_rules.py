"""Derivative rules of the sort primitives.

Sorting only moves elements, so a tangent moves with its element: `sort` sorts the positions
(an iota) alongside the operands to learn the permutation and gathers each tangent with it;
`top_k` gathers the tangent at the indices it returns. Integer and boolean operands, and the
indices, get zero tangents. Ties are broken as the primal sort breaks them (stably), so the
tangent follows the element that the primal result holds.

Batching: `sort` sorts along the same axis of the stacked operands (unbatched operands are
repeated per example, since all operands share one shape); `top_k` works on the last axis,
so a batch axis found there moves to the front. Both first check one example, so 0-d examples
are refused as outside vmap (their stacked values are 1-d, and would be sorted across the
examples).
"""
from __future__ import annotations

from ..core import dtypes
from ..core.primitive import batch_rules, jvp_rules
from . import shape as S
from . import sort as T
from ._ad import Zero
from ._batch import defleading, same_bdim
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


# batching ----------------------------------------------------------------------------------------
def _sort_batch(args, dims, *, dimension, **params):
    args, d = same_bdim(args, dims)
    outs = T.sort_p.bind(*args, dimension=dimension + (dimension >= d), **params)
    return outs, (d,) * len(outs)


batch_rules[T.sort_p] = _sort_batch
defleading(T.top_k_p, lambda *, k: 1)
