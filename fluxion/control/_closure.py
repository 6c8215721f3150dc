"""A call of a function with a custom derivative rule that closes over traced values, made to
take them as leading operands.

Inside a body being traced (`_subprogram.py`), a call of a custom_jvp, custom_vjp or
checkpoint function is recorded as one equation, whose functions run again later, under the
transformations around the body, so that the rule applies. A value the function closes over
(an argument of the enclosing jit, a value the body computes) is dead by then: the equation
takes those values as leading operands instead, and its functions run with each one replaced
by the operand that carries it (`_Rebind`). A rule says how to differentiate with respect to
the arguments only: a tangent of a closed-over value is refused, as it is outside a body
(checkpoint differentiates its function, closed-over values included).
"""
from __future__ import annotations

import functools
from typing import Callable, Sequence

from ..core import tree
from ..core.interpreters import push
from ..core.tree import TreeDef
from ..ops._ad import instantiate
from ..transforms.autodiff.checkpoint import remat_call_p
from ..transforms.autodiff.call_primitive import Forwarding
from ..transforms.autodiff.custom import custom_jvp_call_p, custom_vjp_call_p


class _Rebind(Forwarding):
    """Passes every call on with the closed-over tracers (keys: their ids) replaced by values."""

    def __init__(self, values: dict):
        self.values = values

    def process(self, prim, args, params):
        args = [self.values.get(id(a), a) for a in args]
        names = getattr(prim, "functions", ())
        if names:  # a nested call may run its functions further down, out of sight
            params = {k: _rebound(v, self.values) if k in names else v for k, v in params.items()}
        return self.forward(prim, args, params)


def _rebound(fn: Callable, values: dict) -> Callable:
    @functools.wraps(fn)
    def run(*args, **kwargs):
        with push(_Rebind(values)):
            return fn(*args, **kwargs)
    return run


def _taking(closed: Sequence, fn: Callable) -> Callable:
    """`fn` taking the values of the tracers `closed` as a leading tuple argument."""
    @functools.wraps(fn)
    def run(values, *args, **kwargs):
        return _rebound(fn, {id(c): v for c, v in zip(closed, values)})(*args, **kwargs)
    return run


def _leading(in_tree: TreeDef, k: int) -> TreeDef:
    """The structure of the arguments with a leading tuple of `k` arrays."""
    return TreeDef(tuple, None, (tree.structure((0,) * k), *in_tree.subtrees))


def _custom_jvp(closed, params):
    fun, jvp, zeros = params["fun"], params["jvp"], params["zeros"]

    def jvp_closed(*args):  # the tangents of the closed-over values are zero (see _shifted)
        *nondiff, primals, tangents = args
        tangents = tangents[1:] if zeros else tree.map(instantiate, tangents[1:])
        return _taking(closed, jvp)(primals[0], *nondiff, primals[1:], tangents)

    return dict(params, fun=_taking(closed, fun), jvp=jvp_closed, zeros=True, **_shifted(params, len(closed)))


def _custom_vjp(closed, params):
    fwd, bwd = params["fwd"], params["bwd"]

    def fwd_closed(values, *args):
        out, res = _taking(closed, fwd)(values, *args)
        return out, (values, res)

    def bwd_closed(*args):
        *nondiff, (values, res), ct = args
        cts = _taking(closed, bwd)(values, *nondiff, res, ct)
        return (None, *cts) if isinstance(cts, (tuple, list)) else cts

    return dict(params, fun=_taking(closed, params["fun"]), fwd=fwd_closed, bwd=bwd_closed,
                **_shifted(params, len(closed)))


def _shifted(params, k):
    """The argument handling of a custom_jvp or custom_vjp call with a leading argument of `k`
    closed-over values, whose tangents the call's jvp refuses (custom.py)."""
    return dict(nums=tuple(n + 1 for n in params["nums"]), in_tree=_leading(params["in_tree"], k), closed=k)


def _remat(closed, params):
    fun, k = params["fun"], len(closed)

    @functools.wraps(fun)
    def flat(*xs):
        return _taking(closed, fun)(xs[:k], *xs[k:])

    if hasattr(fun, "primal_inputs"):
        flat.primal_inputs = fun.primal_inputs + k
    return dict(params, fun=flat)


_CLOSE = {custom_jvp_call_p: _custom_jvp, custom_vjp_call_p: _custom_vjp, remat_call_p: _remat}


def close_over(prim, params: dict, closed: Sequence) -> dict | None:
    """The params of a call of `prim` that takes the values of the tracers `closed` (which its
    functions close over) as leading operands; None for a primitive that cannot."""
    rule = _CLOSE.get(prim)
    return None if rule is None else rule(list(closed), params)
