"""What the passes share: a program rebuilt equation by equation, and the primitives they leave alone."""
from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from ...core.array import HOST, Array
from ...core.interpreters import EAGER, push, use
from ...core.primitive import Primitive
from ...core.program import Equation, Literal, Program, Var, has_effects
from ...ops.barrier import optimization_barrier_p
from ..autodiff.call_primitive import CallPrimitive
from ..autodiff.partial_eval import StagedTracer, StagingInterpreter


def opaque(eq: Equation) -> bool:
    """Whether `eq` is never merged, folded or rewritten: an equation with effects (see
    `has_effects`), a call, whose functions the passes cannot see into, or an optimization
    barrier, which promises that nothing is simplified across it."""
    return isinstance(eq.prim, CallPrimitive) or eq.prim is optimization_barrier_p or has_effects(eq)


def literal_array(x: Literal) -> Array:
    """The value of a literal, as an Array of exactly the literal's type."""
    return Array(np.asarray(x.value, dtype=x.aval.dtype).reshape(x.aval.shape), weak=x.aval.weak)


class Rebuild:
    """A program being rebuilt: equations are emitted in order, variables may be replaced.

    A replacement maps a variable of the old program to one already emitted (or a constant), so
    reading an atom once gives its final form. `finish` returns the old program itself when
    nothing changed, which is how `optimize` knows it has reached a fixed point.
    """

    def __init__(self, program: Program):
        self.program = program
        self.constvars, self.consts = list(program.constvars), list(program.consts)
        # (the values read are those in host memory: not traced ones, nor those on an XLA device)
        self.values: dict[Var, Array] = {v: c for v, c in zip(self.constvars, self.consts) if c.__class__ in HOST}
        self.equations: list[Equation] = []
        self.producer: dict[Var, Equation] = {}
        self.subst: dict = {}
        self.changed = False

    # reading -----------------------------------------------------------------------------
    def read(self, x):
        return self.subst.get(x, x)

    def substituted(self, eq: Equation) -> Equation:
        inputs = [self.subst.get(x, x) for x in eq.inputs]
        if all(a is b for a, b in zip(inputs, eq.inputs)):
            return eq
        return Equation(eq.prim, inputs, eq.outputs, eq.params)

    def value(self, x) -> Array | None:
        """The value of a constant atom (a literal or a constant variable), else None."""
        if x.__class__ is Literal:
            return literal_array(x)
        return self.values.get(x)

    def made_by(self, x, prim: Primitive) -> Equation | None:
        """The emitted equation of `prim` that defines `x`, if that is how `x` is made."""
        eq = self.producer.get(x)
        return eq if eq is not None and eq.prim is prim else None

    # writing -----------------------------------------------------------------------------
    def emit(self, eq: Equation) -> None:
        self.equations.append(eq)
        for v in eq.outputs:
            self.producer[v] = eq

    def replace(self, old: Var, new) -> None:
        self.subst[old] = new
        self.changed = True

    def add_const(self, var: Var, value: Array) -> None:
        self.constvars.append(var)
        self.consts.append(value)
        self.values[var] = value
        self.changed = True

    def stage(self, eq: Equation, operands: Sequence, fn: Callable) -> bool:
        """Replace `eq` by what `fn` does to `operands` (atoms of the program), recorded by staging.

        Gives up, returning False, unless the replacement has exactly the types of `eq`'s outputs.
        """
        staging = StagingInterpreter()
        with use(EAGER), push(staging):
            out = fn(*[StagedTracer(staging, v) for v in operands])
            outs = [staging.var_of(o) for o in (out if isinstance(out, (tuple, list)) else (out,))]
        if len(outs) != len(eq.outputs) or any(n.aval != o.aval for n, o in zip(outs, eq.outputs)):
            return False
        for var, value in staging.constvars.values():
            self.add_const(var, value)
        for new in staging.equations:
            self.emit(new)
        for old, new in zip(eq.outputs, outs):
            self.replace(old, new)
        return True

    def finish(self) -> Program:
        if not self.changed:
            return self.program
        outputs = [self.read(v) for v in self.program.outputs]
        return Program(self.constvars, self.consts, self.program.inputs, self.equations, outputs)
