"""The XLA backend: lowering of fluxion programs to XLA, compilation and execution.

This package is the only place that imports jax, which serves as the XLA toolchain: a
program is lowered by interpreting it with `jax.lax` operations (one lowering rule per
primitive, in `xla_lowering`) inside `jax.jit`, which builds, compiles and runs the XLA
computation. None of jax's transformations are used: fluxion's own are applied before.
"""
from __future__ import annotations

import jax
import numpy as np

from ...core.array import Array
from ...core.program import Literal, Program
from ...core.rules import xla_lowering
from . import elementwise, indexing, linalg, reduce, shape, sort, spectral  # noqa: F401  (fill the table)


def _interpret(program: Program, consts, args):
    env = dict(zip(program.constvars, consts))
    env.update(zip(program.inputs, args))
    read = lambda x: x.value if isinstance(x, Literal) else env[x]  # noqa: E731
    for eq in program.equations:
        try:
            rule = xla_lowering[eq.prim]
        except KeyError:
            from ...core.errors import op_error
            raise op_error(NotImplementedError, eq.prim.name, "has no XLA lowering, so it cannot be compiled",
                           "call the function without fx.jit") from None
        out = rule(*map(read, eq.inputs), **eq.params)
        env.update(zip(eq.outputs, out if eq.prim.multiple_results else (out,)))
    return [read(v) for v in program.outputs]


class Executable:
    """A compiled program: call it with the program's input arrays."""

    def __init__(self, program: Program):
        self.program = program
        self.consts = [np.asarray(c) for c in program.consts]
        self._jitted = jax.jit(lambda consts, *args: _interpret(program, consts, args))
        self._types = [(v.aval.dtype, v.aval.weak) for v in program.outputs]
        self._compiled = None

    def lower(self):
        args = [jax.ShapeDtypeStruct(v.aval.shape, v.aval.dtype) for v in self.program.inputs]
        with jax.enable_x64(True):
            return self._jitted.lower(self.consts, *args)

    def compile(self):
        if self._compiled is None:
            self._compiled = self.lower().compile()
        return self._compiled

    def as_text(self) -> str:
        """The XLA (StableHLO) text of the program."""
        return self.lower().as_text()

    def __call__(self, *values) -> list[Array]:
        compiled = self._compiled or self.compile()
        with jax.enable_x64(True):
            outs = compiled(self.consts, *values)
        return [_wrap(o, dt, weak) for o, (dt, weak) in zip(outs, self._types)]


def _wrap(value, dtype, weak) -> Array:
    out = Array.__new__(Array)
    out._value = np.asarray(value)
    out._weak = weak
    return out


def compile(program: Program) -> Executable:  # noqa: A001
    return Executable(program)
