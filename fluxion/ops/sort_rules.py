"""Derivative rules of the sort primitives.

Sorting only moves elements, so a tangent moves with its element: `sort` sorts the positions
(an iota) alongside the operands to learn the permutation and gathers each tangent with it;
`top_k` gathers the tangent at the indices it returns. Integer and boolean operands, and the
indices, get zero tangents. Ties are broken as the primal sort breaks them (stably), so the
tangent follows the element that the primal result holds.

Transposition: sorting by known keys only moves the other operands' elements, so `sort` is
linear in them; a cotangent moves back by sorting it keyed by the permutation.

Batching: `sort` sorts along the same axis of the stacked operands (unbatched operands are
repeated per example, since all operands share one shape); `top_k` works on the last axis,
so a batch axis found there moves to the front. Both first check one example, so 0-d examples
are refused as outside vmap (their stacked values are 1-d, and would be sorted across the
examples).
"""
from __future__ import annotations

from ..core import dtypes
from ..core.primitive import batch_rules, jvp_rules, transpose_rules
from . import shape as S
from . import sort as T
from ._ad import Zero, instantiate, is_undefined
from ._batch import defleading, same_bdim
from .reduce_rules import index_dtype, take_along_axis


def _moved(tangents, outs, perm, axis: int) -> tuple:
    return tuple(Zero(o.aval) if t.__class__ is Zero or o.dtype not in dtypes.FLOATING
                 else take_along_axis(t, perm, axis) for t, o in zip(tangents, outs))


def _sorted_positions(operands, dimension: int, is_stable: bool, num_keys: int):
    """The operands sorted, then the permutation: where each element of the result came from."""
    shape = operands[0].shape
    positions = S.iota(index_dtype(shape[dimension]), shape, dimension)
    return T.sort_p.bind(*operands, positions, dimension=dimension, is_stable=is_stable, num_keys=num_keys)


def _sort_jvp(primals, tangents, *, dimension, is_stable, num_keys):
    # the permutation from the keys alone, so that it depends on nothing else (a linear operand)
    *keys, perm = _sorted_positions(primals[:num_keys], dimension, is_stable, num_keys)
    outs = (*keys, *[take_along_axis(x, perm, dimension) for x in primals[num_keys:]])
    return outs, _moved(tangents, outs, perm, dimension)


def _sort_transpose(cts, *args, dimension, is_stable, num_keys):
    keys = args[:num_keys]  # (a sort keyed by a linear value is not linear: the keys are known)
    perm = _sorted_positions(keys, dimension, is_stable, num_keys)[-1]
    return [None if not is_undefined(x) else ct if ct.__class__ is Zero else
            T.sort_p.bind(perm, instantiate(ct), dimension=dimension, is_stable=False, num_keys=1)[1]
            for x, ct in zip(args, cts)]


def _top_k_jvp(primals, tangents, *, k):
    values, indices = T.top_k_p.bind(*primals, k=k)
    (tangent,) = _moved(tangents, (values,), indices, values.ndim - 1)
    return (values, indices), (tangent, Zero(indices.aval))


jvp_rules[T.sort_p] = _sort_jvp
transpose_rules[T.sort_p] = _sort_transpose
jvp_rules[T.top_k_p] = _top_k_jvp


# batching ----------------------------------------------------------------------------------------
def _sort_batch(args, dims, *, dimension, **params):
    args, d = same_bdim(args, dims)
    outs = T.sort_p.bind(*args, dimension=dimension + (dimension >= d), **params)
    return outs, (d,) * len(outs)


batch_rules[T.sort_p] = _sort_batch
defleading(T.top_k_p, lambda *, k: 1)
