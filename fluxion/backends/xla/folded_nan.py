"""Where XLA may find a NaN while it compiles, for the lowering rules that must guard against one.

XLA's float32 exp gives arbitrary values (or leaves its output unwritten) where the compiler
has folded a NaN into its input, as in exp(x * nan) with nan a constant; at run time a NaN
input gives NaN. So exp's guarded rule selects NaN where its input is NaN (`real_math.keep_nan`).
That selection costs: XLA then computes exp apart from the operations around it, and a value
that exp shares with other users is written to memory and read back (a Gaussian process's
kernel matrix takes two more passes). So the guarded rules of `GUARDED` replace those of
`xla_lowering` only for the equations whose outputs `may_fold_nan` names.

An equation's outputs may be a NaN that XLA knows while compiling when the equation
- reads constants alone (literals, the program's constants, arrays with no elements), which
  XLA may fold to any value;
- reads a constant or literal that holds a NaN or an infinity (inf - inf and 0 * inf are NaN),
  or an output named here;
- carries branches or loop bodies, or calls a function: their own constants are not looked into.
A computation's inputs are its parameters, which XLA does not know; the inputs of a branch, a
loop body or a called function may be constants of the enclosing computation (XLA moves a
loop's invariant constants into its body), so there they count as constants of any value.
"""
from __future__ import annotations

import numpy as np

from ...core.program import Literal, Program, Var, sub_programs
from ...transforms.autodiff.call_primitive import CallPrimitive

GUARDED: dict = {}  # primitive -> its lowering rule where its input may be a NaN known while compiling


def may_fold_nan(program: Program, inputs_may_be_constants: bool) -> set[Var]:
    """The variables of `program` that XLA may know to be NaN while compiling (see the module docstring)."""
    known = set(program.constvars)  # values XLA knows while compiling
    folded = {v for v, c in zip(program.constvars, program.consts) if not _finite(np.asarray(c._value))}
    if inputs_may_be_constants:
        known.update(program.inputs)
        folded.update(program.inputs)
    for eq in program.equations:
        if isinstance(eq.prim, CallPrimitive) or sub_programs(eq.params) or any(map(_folded_literal, eq.inputs)):
            folded.update(eq.outputs)
        elif all(x.__class__ is Literal or x in known or not x.aval.size for x in eq.inputs):
            known.update(eq.outputs)
            folded.update(eq.outputs)
        elif any(x in folded for x in eq.inputs if x.__class__ is not Literal):
            folded.update(eq.outputs)
    return folded


def _folded_literal(x) -> bool:
    return x.__class__ is Literal and not _finite(np.asarray(x.value))


def _finite(v: np.ndarray) -> bool:
    return v.dtype.kind not in "fc" or bool(np.isfinite(v).all())
