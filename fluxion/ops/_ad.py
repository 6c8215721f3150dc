"""What derivative rules share: symbolic zeros, undefined primals, and rule builders.

A jvp rule maps `(primals, tangents, **params)` to `(primal_out, tangent_out)`; a tangent may
be `Zero(aval)`, a symbolic zero that costs nothing. A transpose rule maps
`(cotangent, *args, **params)` to one cotangent per argument, where the linear arguments
arrive as `UndefinedPrimal(aval)` and the others as values; it returns None for arguments
that are not linear.
"""
from __future__ import annotations

from ..core import dtypes
from ..core.primitive import Primitive, jvp_rules, transpose_rules
from ..core.types import ArrayType


class Zero:
    """A symbolic zero tangent or cotangent of type `aval`."""

    __slots__ = ("aval",)

    def __init__(self, aval: ArrayType):
        self.aval = aval

    def __repr__(self):
        return f"Zero({self.aval})"


class UndefinedPrimal:
    """A linear input of an equation being transposed."""

    __slots__ = ("aval",)

    def __init__(self, aval: ArrayType):
        self.aval = aval


def is_undefined(x) -> bool:
    return x.__class__ is UndefinedPrimal


_FLOATING = frozenset(dtypes.FLOATING)


def differentiable(aval: ArrayType) -> bool:
    return aval.dtype in _FLOATING


def zeros(aval: ArrayType):
    """Zeros of `aval`'s type, weak when it is (a Python number's tangent)."""
    from .elementwise import convert_element_type_p
    from .shape import full
    out = full(aval.shape, 0, aval.dtype)
    return convert_element_type_p.bind(out, new_dtype=aval.dtype, weak=True) if aval.weak else out


def instantiate(t):
    """`t`, or real zeros if it is a symbolic Zero."""
    return zeros(t.aval) if t.__class__ is Zero else t


def add_tangents(a, b):
    if a.__class__ is Zero:
        return b
    if b.__class__ is Zero:
        return a
    from .elementwise import add_p
    return add_p.bind(a, b)


def defjvp(prim: Primitive, *fns) -> None:
    """jvp rule from one function per argument: `fn(t, ans, *primals, **params)` is the tangent
    contribution of that argument (None: not differentiable in it)."""
    def rule(primals, tangents, **params):
        ans = prim.bind(*primals, **params)
        if not differentiable(ans.aval):
            return ans, Zero(ans.aval)
        out = None
        for fn, t in zip(fns, tangents):
            if fn is not None and t.__class__ is not Zero:
                term = broadcast_tangent(fn(t, ans, *primals, **params), ans.aval)
                out = term if out is None else add_tangents(out, term)
        return ans, Zero(ans.aval) if out is None else out
    jvp_rules[prim] = rule


def deflinear(prim: Primitive, transpose) -> None:
    """A primitive linear in all its arguments: its jvp applies it to the tangents."""
    def rule(primals, tangents, **params):
        ans = prim.bind(*primals, **params)
        if all(t.__class__ is Zero for t in tangents):
            return ans, Zero(ans.aval)
        return ans, prim.bind(*map(instantiate, tangents), **params)
    jvp_rules[prim] = rule
    transpose_rules[prim] = transpose


def defzero(*prims: Primitive) -> None:
    """Primitives whose outputs do not depend differentiably on their inputs (comparisons, argmax...)."""
    for p in prims:
        jvp_rules[p] = _zero_rule(p)


def _zero_rule(prim):
    def rule(primals, tangents, **params):
        ans = prim.bind(*primals, **params)
        if prim.multiple_results:
            return ans, tuple(Zero(a.aval) for a in ans)
        return ans, Zero(ans.aval)
    return rule


def unbroadcast(ct, aval: ArrayType):
    """Sum `ct` down to `aval.shape`: the transpose of NumPy-style broadcasting."""
    if ct.shape == aval.shape:
        return ct
    from . import reduce, shape
    lead = len(ct.shape) - len(aval.shape)
    axes = tuple(range(lead)) + tuple(lead + i for i, d in enumerate(aval.shape) if d == 1 and ct.shape[lead + i] != 1)
    return shape.reshape(reduce.reduce_sum(ct, axes), aval.shape)


def broadcast_tangent(t, aval: ArrayType):
    """`t` broadcast to `aval.shape` (a tangent of an operand that was broadcast)."""
    if t.shape == aval.shape:
        return t
    from . import shape
    return shape.broadcast_to(t, aval.shape)
