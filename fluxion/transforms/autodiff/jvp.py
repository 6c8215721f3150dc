"""Forward mode: the JVP interpreter carries a tangent beside each primal value."""
from __future__ import annotations

from ...core.array import Array, Tracer, to_array
from ...core.errors import ConcretizationError, op_error
from ...core.interpreters import Interpreter
from ...core.primitive import jvp_rules
from ...ops._ad import Zero


class JVPTracer(Tracer):
    """A primal value and its tangent (a value or a symbolic `Zero`)."""

    __slots__ = ("primal", "tangent")
    _payload = "primal"

    def __init__(self, interp, primal, tangent):
        self._interp, self.primal, self.tangent = interp, primal, tangent

    @property
    def aval(self):
        return self.primal.aval

    @property
    def shape(self):
        return self.primal.shape

    @property
    def dtype(self):
        return self.primal.dtype

    def _concrete(self, why: str):
        # Python control flow on a value being differentiated uses its primal value
        primal = self.primal
        return primal._concrete(why) if isinstance(primal, Array) else primal

    def _host(self, why: str):
        raise op_error(ConcretizationError, why, f"would drop the derivative of a value being differentiated "
                       f"({self.aval}), so the result would be silently wrong",
                       "compute with fluxion.numpy (fnp) instead of NumPy or math, compare the array itself "
                       "in a condition (`if x > 0:`), or convert fx.stop_gradient(x) to use the value without "
                       "its derivative")

    def _become(self, other):
        self._check_become(other)
        if isinstance(other, JVPTracer) and other._interp is self._interp:
            self.primal, self.tangent = other.primal, other.tangent
        else:
            self.primal, self.tangent = other, Zero(other.aval)
        return self


_NO_RULE = ("has no jvp rule, so it cannot be differentiated",
            "wrap the call in fx.stop_gradient, or define a rule with fx.custom_jvp")


class JVPInterpreter(Interpreter):
    """Applies each primitive's jvp rule, binding the rule's operations on the parent."""

    def unpack(self, x):
        if isinstance(x, JVPTracer) and x._interp is self:
            return x.primal, x.tangent
        return x, None

    def process(self, prim, args, params):
        primals, tangents = [], []
        live = False
        for a in args:
            if a.__class__ is JVPTracer and a._interp is self:
                primals.append(a.primal)
                tangents.append(a.tangent)
                live = live or a.tangent.__class__ is not Zero
            else:
                primals.append(a)
                tangents.append(None)
        if not live:  # nothing to differentiate: the parent computes the value
            return self.parent.process(prim, primals, params)
        tangents = [Zero(_aval(p)) if t is None else t for p, t in zip(primals, tangents)]
        return self.apply(jvp_rules, prim, _NO_RULE, primals, tangents, **params)

    def wrap(self, primal, tangent):
        if tangent.__class__ is Zero:
            return primal
        return JVPTracer(self, primal, tangent)


def _aval(x):
    return x.aval if isinstance(x, Array) else to_array(x).aval
