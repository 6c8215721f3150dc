"""The batching interpreter: each value carries a batch axis (or none) beside its data.

A `BatchTracer` is one array of per-example values stored as a single array `val` whose
axis `bdim` indexes the examples. A primitive call on such values goes to the primitive's
batching rule, which makes ONE call of batched primitives on the parent interpreter (no
loop over examples): `batch_rules[p](args, dims, **params) -> (out, out_dim)`.

A vmap with an `axis_name` also applies the rule of a collective over that name (psum,
all_gather, ...; see ops/collectives.py), batched operands or not:
`collective_rules[p](args, dims, size, **params)`. A collective over another name is a
per-example operation here, passed on below until the interpreter of its name meets it.

A control-flow primitive (one whose params carry programs: branches, loop bodies) gets the
interpreter's axis too, `batch_rules[p](args, dims, axis, **params)` with `axis` a `BatchAxis`:
its rule batches the programs along that axis, so that a collective over its name inside them
combines the examples, as one outside would. Such a call goes to its rule even when no operand
is batched if a collective in its programs names this axis.
"""
from __future__ import annotations

from typing import Any, NamedTuple

from ...core import errors
from ...core.array import Array, Tracer, to_array
from ...core.interpreters import Interpreter
from ...core.primitive import batch_rules
from ...core.program import sub_programs
from ...core.types import ArrayType
from ...ops.collectives import axis_names, collective_rules
from ..autodiff.partial_eval import out_types
from ..autodiff.reverse_only import ReverseOnlyError, trying_forward_gradient


class BatchTracer(Tracer):
    """Per-example values stacked along axis `bdim` of `val`."""

    __slots__ = ("val", "bdim")
    _payload = "val"

    def __init__(self, interp, val, bdim: int):
        self._interp, self.val, self.bdim = interp, val, bdim

    @property
    def aval(self) -> ArrayType:
        a = self.val.aval
        shape = a.shape[:self.bdim] + a.shape[self.bdim + 1:]
        return ArrayType(shape, a.dtype, a.weak)

    def _concrete(self, why: str):
        raise errors.op_error(
            errors.ConcretizationError, why,
            f"needs one concrete value, but under vmap this value differs per example ({self.aval})",
            errors.control_flow_fix(why, "use fnp.where for elementwise choices, or fx.cond / fx.while_loop for control flow"))

    def _become(self, other):
        self._check_become(other)
        if isinstance(other, BatchTracer) and other._interp is self._interp:
            self.val, self.bdim = other.val, other.bdim
        else:  # an unbatched value: every example gets the same one
            from ...ops._batch import broadcast_batch
            self.val, self.bdim = broadcast_batch(other, self._interp.size), 0
        return self


class BatchAxis(NamedTuple):
    """The batch axis a control-flow rule batches its programs along: its size, and its name
    (None: unnamed). Part of the derived programs' cache keys, since a collective over the
    name makes a program batched along a named axis differ from one batched along another."""

    size: int
    name: Any = None


_NO_RULE = ("has no batching rule, so it cannot run under vmap",
            "call it outside vmap (e.g. in a Python loop over the examples)")


class BatchInterpreter(Interpreter):
    """Applies batching rules; `size` is the number of examples, `axis_name` the name
    collectives use for them (None: no name)."""

    def __init__(self, size: int, same_as: tuple[BatchInterpreter, ...] = (), axis_name=None):
        self.size = size
        self.same_as = same_as  # interpreters whose values this one treats as its own
        # one standing in for those (a custom rule's function run per example) answers to their name
        self.axis_name = same_as[0].axis_name if same_as else axis_name

    def unpack(self, x):
        """(value, batch axis or None) of `x` as this interpreter sees it."""
        if x.__class__ is BatchTracer and (x._interp is self or x._interp in self.same_as):
            return x.val, x.bdim
        return x, None

    def process(self, prim, args, params):
        vals, dims = [], []
        for a in args:
            v, d = self.unpack(a)
            vals.append(v)
            dims.append(d)
        named = self.axis_name is not None and prim in collective_rules and params["axis_name"] == self.axis_name
        if not named and all(d is None for d in dims) and not self._combined_in(params):
            return self.parent.process(prim, vals, params)
        # shape and dtype errors speak of one example, as they would without vmap
        out_types(prim, [a.aval if isinstance(a, Array) else to_array(a).aval for a in args], params)
        if named:
            _refuse_forward_gradient(prim)
            return self.apply(collective_rules, prim, _NO_RULE, vals, dims, self.size, **params)
        if sub_programs(params):
            return self.apply(batch_rules, prim, _NO_RULE, vals, dims, BatchAxis(self.size, self.axis_name), **params)
        return self.apply(batch_rules, prim, _NO_RULE, vals, dims, **params)

    def _combined_in(self, params) -> bool:
        """Whether a collective in the programs of `params` combines over this interpreter's examples."""
        return self.axis_name is not None and any(self.axis_name in axis_names(p) for p in sub_programs(params))

    def wrap(self, val, bdim):
        if bdim is None:
            return val
        return BatchTracer(self, val if isinstance(val, Array) else to_array(val), bdim)


def _refuse_forward_gradient(prim) -> None:
    """Refuse a collective while fx.grad tries forward mode: with the examples coupled, a forward
    pass sums each example's derivatives over every example's input, where a gradient (reverse
    mode, as in jax) sums over every example's output. grad then takes reverse mode."""
    if trying_forward_gradient():
        raise ReverseOnlyError(f"{prim.name}: a gradient through it needs reverse mode")
