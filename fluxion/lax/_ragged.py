"""`ragged_dot` and `ragged_dot_general`: products where one axis of `lhs` is cut into groups.

A ragged axis of `lhs` is split into consecutive groups of sizes `group_sizes` (elements past
their sum belong to no group). Each is a `dot_general` on a copy of `lhs` per group that keeps
only that group's elements (zeros elsewhere), so it differentiates and batches like
dot_general, at the cost of `g` copies of `lhs`. As jax.lax defines it, by the ragged axis's role:

1. not contracted: each group multiplies its own slice of `rhs` along the rhs group axis,
   `[b..., m..., k...] x [g, b..., k..., n...] -> [b..., m..., n...]` (`ragged_dot`'s case);
2. contracted: one product per group, stacked first, `-> [g, b..., m..., n...]`;
3. a batch axis: groups change nothing, it is `dot_general`.

`group_sizes` has shape `[g]`, or the sizes of the lhs axes before the ragged one in the
order jax.lax lists them (batch axes, then the axes of the ragged axis's kind) and `[g]`.
`group_offset` is refused, as jax.lax's own implementation refuses it.
"""
from __future__ import annotations

import dataclasses
from typing import Any, Sequence

import numpy as np

from ..core import dtypes as D
from ..core.array import Array
from ..core.errors import DTypeError, ShapeError, UnsupportedError, op_error
from ..ops import elementwise as E
from ..ops import reduce as R
from ..ops import shape as S
from ._contract import DotDimensionNumbers, dot_general
from ._operands import ArrayLike, DTypeLike, as_array

__all__ = ["RaggedDotDimensionNumbers", "ragged_dot", "ragged_dot_general"]

_OP = "ragged_dot_general"


@dataclasses.dataclass(frozen=True)
class RaggedDotDimensionNumbers:
    """The dot dimension numbers `((lhs_contract, rhs_contract), (lhs_batch, rhs_batch))`, the
    lhs ragged axis (one) and the rhs group axes (one when the ragged axis is not contracted
    or batched, else none)."""
    dot_dimension_numbers: DotDimensionNumbers
    lhs_ragged_dimensions: Sequence[int]
    rhs_group_dimensions: Sequence[int]

    def __post_init__(self):  # tuples throughout, so that equal numbers compare and hash equal
        (lc, rc), (lb, rb) = self.dot_dimension_numbers
        object.__setattr__(self, "dot_dimension_numbers", ((tuple(lc), tuple(rc)), (tuple(lb), tuple(rb))))
        object.__setattr__(self, "lhs_ragged_dimensions", tuple(self.lhs_ragged_dimensions))
        object.__setattr__(self, "rhs_group_dimensions", tuple(self.rhs_group_dimensions))


_RAGGED_DOT = RaggedDotDimensionNumbers((((1,), (1,)), ((), ())), (0,), (0,))


def ragged_dot(lhs: ArrayLike, rhs: ArrayLike, group_sizes: ArrayLike, precision: Any = None,
               preferred_element_type: DTypeLike | None = None, group_offset: ArrayLike | None = None,
               out_sharding: Any = None) -> Array:
    """Rows of `lhs` (m, k) in consecutive groups of sizes `group_sizes` (g,), group j's rows
    multiplied by `rhs[j]` (`rhs` is (g, k, n)); rows past the groups give zeros.

    >>> import fluxion.numpy as fnp
    >>> ragged_dot(fnp.ones((3, 2)), fnp.stack([fnp.eye(2), 2 * fnp.eye(2)]), fnp.asarray([1, 2])).tolist()
    [[1.0, 1.0], [2.0, 2.0], [2.0, 2.0]]
    """
    return ragged_dot_general(lhs, rhs, group_sizes, _RAGGED_DOT, precision, preferred_element_type, group_offset)


def ragged_dot_general(lhs: ArrayLike, rhs: ArrayLike, group_sizes: ArrayLike,
                       ragged_dot_dimension_numbers: RaggedDotDimensionNumbers, precision: Any = None,
                       preferred_element_type: DTypeLike | None = None, group_offset: ArrayLike | None = None,
                       out_sharding: Any = None) -> Array:
    """`dot_general` with the lhs ragged axis cut into groups of sizes `group_sizes` (see the
    module docstring for the three cases and the shape of `group_sizes`).

    >>> import fluxion.numpy as fnp
    >>> dn = RaggedDotDimensionNumbers((((1,), (0,)), ((), ())), (1,), ())
    >>> ragged_dot_general(fnp.ones((1, 3)), fnp.ones((3, 1)), fnp.asarray([1, 2]), dn).tolist()
    [[[1.0]], [[2.0]]]
    """
    if group_offset is not None:
        raise op_error(UnsupportedError, _OP, "group_offset is not supported",
                       "slice group_sizes (and rhs's group axis) to the groups to compute")
    lhs, rhs, sizes = as_array(lhs), as_array(rhs), as_array(group_sizes)
    dn = ragged_dot_dimension_numbers
    (lc, rc), (lb, rb) = dn.dot_dimension_numbers
    if len(dn.lhs_ragged_dimensions) != 1:
        raise op_error(ShapeError, _OP, f"needs one lhs ragged axis, got {dn.lhs_ragged_dimensions}",
                       "pass lhs_ragged_dimensions=(axis,)")
    (ragged,) = S.normalize_axes(_OP, dn.lhs_ragged_dimensions, lhs.ndim)
    free = [d for d in range(lhs.ndim) if d not in lc and d not in lb]
    kinds = {"free": free, "contracted": list(lc), "batch": list(lb)}
    kind = next(k for k, axes in kinds.items() if ragged in axes)
    before = kinds[kind][:kinds[kind].index(ragged)]  # the axes of its kind before it
    prefix = before if kind == "batch" else list(lb) + before  # those group_sizes may have, before g
    groups = _check_sizes(sizes, lhs, prefix)
    if len(dn.rhs_group_dimensions) != (kind == "free"):
        raise op_error(ShapeError, _OP, f"rhs_group_dimensions={dn.rhs_group_dimensions} does not fit a {kind} "
                       "ragged axis", "give one rhs group axis (of size g) when the ragged axis is free (neither "
                       "contracted nor batch), else none")
    if kind == "batch":
        return dot_general(lhs, rhs, dn.dot_dimension_numbers, precision, preferred_element_type)
    grouped = _grouped(lhs, ragged, prefix, sizes)
    lc1, lb1 = [d + 1 for d in lc], [d + 1 for d in lb]
    if kind == "free":
        (axis,) = S.normalize_axes(_OP, dn.rhs_group_dimensions, rhs.ndim)
        if rhs.shape[axis] != groups or axis in rc or axis in rb:
            raise op_error(ShapeError, _OP, f"rhs group axis {axis} (of size {rhs.shape[axis]} in rhs of shape "
                           f"{rhs.shape}) must be an axis of {groups} groups, neither contracted nor batch",
                           "give rhs one slice per group along an axis of its own")
        return dot_general(grouped, rhs, ((lc1 + [0], list(rc) + [axis]), (lb1, list(rb))), precision,
                           preferred_element_type)
    # contracted: copy j of lhs keeps group j, so product j sums over that group only
    stacked = S.broadcast_in_dim(rhs, (groups,) + rhs.shape, range(1, rhs.ndim + 1))
    return dot_general(grouped, stacked, ((lc1, [d + 1 for d in rc]), ([0] + lb1, [0] + [d + 1 for d in rb])),
                       precision, preferred_element_type)


def _check_sizes(sizes: Array, lhs: Array, prefix: list[int]) -> int:
    """The number of groups, once `sizes` is checked: integers of shape [g] or [*prefix sizes, g]."""
    if sizes.dtype not in D.INTEGER:
        raise op_error(DTypeError, _OP, f"group_sizes must be integers, got {sizes.dtype}",
                       "convert them with .astype(int)")
    expected = tuple(lhs.shape[d] for d in prefix)
    if sizes.ndim == 0 or (sizes.ndim > 1 and sizes.shape[:-1] != expected):
        raise op_error(ShapeError, _OP, f"group_sizes has shape {sizes.shape}, expected (g,) or {expected + ('g',)}",
                       "give one size per group (per lhs index of the axes before the ragged one, if they differ)")
    return sizes.shape[-1]


def _grouped(x: Array, axis: int, prefix: list[int], sizes: Array) -> Array:
    """`x` with a new leading axis of groups: copy j keeps the elements whose index along `axis`
    lies in group j (of the sizes for their indices along the `prefix` axes), zeros elsewhere."""
    ends = R.cumsum(sizes, sizes.ndim - 1, False)
    starts = E.sub_p.bind(ends, sizes)
    shape = (sizes.shape[-1],) + x.shape
    # sizes' axes go to the output axes 1 + prefix (in order), its group axis to axis 0
    targets = [1 + d for d in prefix[:sizes.ndim - 1]] + [0]
    order = list(np.argsort(targets))
    starts, ends = (S.broadcast_in_dim(S.transpose(b, order), shape, sorted(targets)) for b in (starts, ends))
    at = S.iota(sizes.dtype, shape, 1 + axis)
    inside = E.and_p.bind(E.le_p.bind(starts, at), E.lt_p.bind(at, ends))
    copies = S.broadcast_in_dim(x, shape, range(1, x.ndim + 1))
    return E.select_n_p.bind(inside, S.full(shape, 0, x.dtype), copies)
