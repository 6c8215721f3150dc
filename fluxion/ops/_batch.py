"""What batching rules share: moving and adding the batch axis, and rule builders.

A batching rule maps `(args, dims, **params)` to `(out, out_dim)` (for a primitive with
several results, `(outs, out_dims)`). `dims[i]` is the axis of `args[i]` that indexes the
examples, or None when `args[i]` is the same for every example; at least one is not None.
The rule runs on the parent interpreter: it calls ordinary ops on the stacked values.
"""
from __future__ import annotations

from ..core.array import Array, to_array
from ..core.primitive import Primitive, abstract_eval, batch_rules
from ..core.types import ArrayType


def _arr(x) -> Array:
    return x if isinstance(x, Array) else to_array(x)


def moveaxis(x, src: int, dst: int):
    """`x` with axis `src` moved to position `dst` (non-negative positions)."""
    if src == dst:
        return x
    from .shape import transpose
    perm = [i for i in range(x.ndim) if i != src]
    perm.insert(dst, src)
    return transpose(x, perm)


def broadcast_batch(x, size: int, dim: int = 0):
    """Unbatched `x` repeated `size` times along a new axis `dim`."""
    from .shape import broadcast_in_dim
    x = _arr(x)
    shape = list(x.shape)
    shape.insert(dim, size)
    return broadcast_in_dim(x, tuple(shape), tuple(i for i in range(len(shape)) if i != dim))


def to_front(x, d, size: int):
    """`x` with its batch axis first; an unbatched `x` (d None) is broadcast to `size` examples."""
    return broadcast_batch(x, size) if d is None else moveaxis(_arr(x), d, 0)


def batch_size(args, dims) -> int:
    return next(a.shape[d] for a, d in zip(args, dims) if d is not None)


def elementwise_rule(prim: Primitive):
    """Rule of a primitive whose operands broadcast NumPy-style and which acts per element.

    Batched operands get their batch axis first and are padded with size-1 axes to the rank
    of the widest example, so right-aligned broadcasting lines the examples up; unbatched
    operands broadcast against the batch axis as they are.
    """
    def rule(args, dims, **params):
        from .shape import reshape
        rank = max(_arr(a).ndim - (d is not None) for a, d in zip(args, dims))
        out = []
        for a, d in zip(args, dims):
            if d is not None:
                a = moveaxis(_arr(a), d, 0)
                if a.ndim - 1 < rank:
                    a = reshape(a, (a.shape[0],) + (1,) * (rank - a.ndim + 1) + a.shape[1:])
            out.append(a)
        return prim.bind(*out, **params), 0
    return rule


def defelementwise(*prims: Primitive) -> None:
    for p in prims:
        batch_rules[p] = elementwise_rule(p)


def defunary_axes(prim: Primitive, fix_params):
    """Rule of a one-operand primitive that stays per-example once its axis params are shifted:
    `fix_params(d, **params) -> params` rewrites the params for the batch axis at position d
    (the batch axis keeps its place in the result)."""
    def rule(args, dims, **params):
        (x,), (d,) = args, dims
        return prim.bind(x, **fix_params(d, **params)), d
    batch_rules[prim] = rule


# shared by the shape, reduce and sort families -------------------------------------------------
def example_axes(axes, d: int) -> tuple[int, ...]:
    """Axes of one example (non-negative) as axes of the batched value whose batch axis is `d`."""
    return tuple(a + (a >= d) for a in axes)


def insert_at(params: tuple, d: int, entry) -> tuple:
    """Per-axis `params` of one example with the batch axis's `entry` at position d."""
    return params[:d] + (entry,) + params[d:]


def same_bdim(args, dims) -> tuple[list, int]:
    """Operands of one rank given one shared batch axis (the first batched operand's), and that axis;
    unbatched operands are repeated along it, since the primitive needs equal shapes."""
    size = batch_size(args, dims)
    t = next(d for d in dims if d is not None)
    return [broadcast_batch(a, size, t) if d is None else moveaxis(_arr(a), d, t) for a, d in zip(args, dims)], t


def example_types(prim: Primitive, args, dims, params: dict):
    """The result types of `prim` on one example (vmap has already checked the call on one example)."""
    avals = (_arr(a).aval if d is None else _example_type(_arr(a).aval, d) for a, d in zip(args, dims))
    return abstract_eval[prim](*avals, **params)


def _example_type(aval: ArrayType, d: int) -> ArrayType:
    return ArrayType(aval.shape[:d] + aval.shape[d + 1:], aval.dtype, aval.weak)


# shared by the linalg and fft families -----------------------------------------------------------
def defleading(prim: Primitive, core) -> None:
    """Rule of a one-operand primitive that acts on its last `core(**params)` axes and maps over the
    axes before them (factorizations, transforms): the batch axis joins those leading axes (it moves
    to the front only from among the last ones), and every result keeps it there."""
    def rule(args, dims, **params):
        (x,), (d,) = args, dims
        if d >= x.ndim - core(**params):
            x, d = moveaxis(_arr(x), d, 0), 0
        out = prim.bind(x, **params)
        return (out, (d,) * len(out)) if prim.multiple_results else (out, d)
    batch_rules[prim] = rule
