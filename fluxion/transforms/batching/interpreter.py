"""The batching interpreter: each value carries a batch axis (or none) beside its data.

A `BatchTracer` is one array of per-example values stored as a single array `val` whose
axis `bdim` indexes the examples. A primitive call on such values goes to the primitive's
batching rule, which makes ONE call of batched primitives on the parent interpreter (no
loop over examples): `batch_rules[p](args, dims, **params) -> (out, out_dim)`.
"""
from __future__ import annotations

from ...core import errors
from ...core.array import Array, Tracer, to_array
from ...core.interpreters import Interpreter
from ...core.primitive import batch_rules
from ...core.types import ArrayType
from ..autodiff.partial_eval import out_types


class BatchTracer(Tracer):
    """Per-example values stacked along axis `bdim` of `val`."""

    __slots__ = ("val", "bdim")

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


_NO_RULE = ("has no batching rule, so it cannot run under vmap",
            "call it outside vmap (e.g. in a Python loop over the examples)")


class BatchInterpreter(Interpreter):
    """Applies batching rules; `size` is the number of examples."""

    def __init__(self, size: int, same_as: tuple[BatchInterpreter, ...] = ()):
        self.size = size
        self.same_as = same_as  # interpreters whose values this one treats as its own

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
        if all(d is None for d in dims):
            return self.parent.process(prim, vals, params)
        # shape and dtype errors speak of one example, as they would without vmap
        out_types(prim, [a.aval if isinstance(a, Array) else to_array(a).aval for a in args], params)
        return self.apply(batch_rules, prim, _NO_RULE, vals, dims, **params)

    def wrap(self, val, bdim):
        if bdim is None:
            return val
        return BatchTracer(self, val if isinstance(val, Array) else to_array(val), bdim)
