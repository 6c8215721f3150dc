"""Partial evaluation: record the operations that touch staged values, run the rest.

While differentiating in reverse mode, tangents are staged values: each operation on them
becomes an equation of a linear program, while operations on known values (the primal
computation) run on the parent interpreter at once. The known values an equation uses are
the residuals the backward pass reads.

jit stages a whole function with the same interpreter: then its staged values are the
function's values, primal ones included. `linear` says which of the two a staging does, for
the rules whose result differs: a linear staging records the linear call primitives (they
are transposed later), and a tangent it does not own is a constant, so zero by linearity; a
staging of a whole function runs those calls at once, and a tangent it does not own is
simply a value that is known now.
"""
from __future__ import annotations

import math

from ...core.array import Tracer, to_array
from ...core.interpreters import Interpreter, check_live, current
from ...core.primitive import abstract_eval
from ...core.program import Equation, Program, Var, call_has_effects
from ...ops.shape import broadcast_in_dim_p


_types: dict = {}
_SPREAD = 1 << 16  # elements of a broadcast that a staging of a whole function stages, not computes


def out_types(prim, avals, params):
    """Abstract evaluation, cached by signature as the eager interpreter caches it."""
    try:
        key = (prim, *[(a.shape, a.dtype, a.weak) for a in avals], *params.items())
        return _types[key]
    except KeyError:
        out = _types[key] = abstract_eval[prim](*avals, **params)
        if len(_types) > 100_000:
            _types.clear()
        return out
    except TypeError:  # unhashable params
        return abstract_eval[prim](*avals, **params)


class StagedTracer(Tracer):
    """A value known only by its type; it stands for a program variable."""

    __slots__ = ("_var",)  # private: a public name would hide the Array method of that name (x.var())
    _payload = "_var"

    def __init__(self, interp, var: Var):
        self._interp, self._var = interp, var

    @property
    def aval(self):
        return self._var.aval

    def _become(self, other):
        self._check_become(other)
        self._var = self._interp.var_of(other)
        return self


class StagingInterpreter(Interpreter):
    """Records operations on its own tracers into a program; others go to the parent.

    Args:
      linear: whether it stages the tangents of a linearization rather than (the default) a
        whole function (jit, make_program).
    """

    def __init__(self, linear: bool = False):
        self.linear = linear
        self.inputs: list[Var] = []
        self.equations: list[Equation] = []
        self.constvars: dict[int, tuple[Var, object]] = {}  # id(value) -> (var, value)

    def new_input(self, aval) -> StagedTracer:
        v = Var(aval)
        self.inputs.append(v)
        return StagedTracer(self, v)

    def owns(self, x) -> bool:
        return x.__class__ is StagedTracer and x._interp is self

    def linearizes(self, primals) -> bool:
        """Whether a jvp rule on `primals`, running on this staging, has its tangents staged into
        a linear program: then the rule must compute the primal values apart, on the parent.

        A staging that owns one of the primal values stages the primal computation too, so it
        is not linearizing, whatever `linear` says.
        """
        return self.linear and not any(map(self.owns, primals))

    def var_of(self, x) -> Var:
        if self.owns(x):
            return x._var
        if isinstance(x, Tracer):  # a value of an outer transformation
            check_live("tracing", x)
            key, value = id(x), x
        else:  # a concrete value, kept as it is now: an in-place update later must not change it
            key, value = to_array(x)._snapshot()
        if key not in self.constvars:
            self.constvars[key] = (Var(value.aval), value)
        return self.constvars[key][0]

    def process(self, prim, args, params):
        for a in args:
            if a.__class__ is StagedTracer and a._interp is self:
                break
        else:  # nothing staged: the parent computes it (each interpreter sets the current one itself),
            # unless it has effects (a host callback, also in a loop body or branch), which happen
            # when the staged program runs (a linearization's effects happen as its primal values
            # are computed), or it spreads a value over a large array (fnp.zeros(n)): that would be
            # made on the host and passed in
            if self.linear or not call_has_effects(prim, params) and not (
                    prim is broadcast_in_dim_p and math.prod(params["shape"]) >= _SPREAD):
                return self.parent.process(prim, args, params)
        return self.stage(prim, args, params)

    def stage(self, prim, args, params):
        """Record the call as an equation, whatever its operands, and return its staged outputs."""
        in_vars = [self.var_of(a) for a in args]
        types = out_types(prim, [v.aval for v in in_vars], params)
        outs = [Var(t) for t in (types if prim.multiple_results else (types,))]
        self.equations.append(Equation(prim, in_vars, outs, params))
        tracers = [StagedTracer(self, v) for v in outs]
        return tuple(tracers) if prim.multiple_results else tracers[0]

    def program(self, outputs) -> Program:
        """The program from the inputs made so far to `outputs` (staged or known values)."""
        out_vars = [self.var_of(o) for o in outputs]
        constvars = [v for v, _ in self.constvars.values()]
        consts = [c for _, c in self.constvars.values()]
        return Program(constvars, consts, self.inputs, self.equations, out_vars)


def staged() -> bool:
    """Whether the current call is being recorded into a program that runs later, maybe many
    times (under `jit` or `make_program`, in a traced branch or loop body, in a checkpointed
    function), rather than computed now. Reverse mode's staging of tangents does not count:
    the values it differentiates are computed now."""
    interp = current()
    while interp is not None:
        if isinstance(interp, StagingInterpreter) and not interp.linear:
            return True
        interp = interp.parent
    return False
