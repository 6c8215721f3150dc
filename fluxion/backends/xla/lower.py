"""Lowering of a fluxion program to `jax.lax` operations, equation by equation.

Each equation is lowered by its primitive's rule in `xla_lowering` (or in `folded_nan.GUARDED`
where an input may be a NaN that XLA knows while compiling). A call primitive (a
`CallPrimitive`: checkpoint, custom rules, the linear calls of reverse mode) needs none: its
function is staged on the equation's operand types into a program, which is lowered in
place. So a compiled call computes what the same call computes eagerly, where the function
simply runs, and a new call primitive compiles with no rule of its own.
"""
from __future__ import annotations

import jax.numpy as jnp
import numpy as np
from jax import lax

from ...core.array import Tracer, to_array
from ...core.errors import TracerLeakError, op_error
from ...core.interpreters import EAGER, push, use
from ...core.program import Literal, Program
from ...core.rules import xla_lowering
from ...transforms.autodiff.call_primitive import CallPrimitive
from ...transforms.autodiff.partial_eval import StagingInterpreter
from .folded_nan import GUARDED, may_fold_nan


def lower_program(program: Program, args, consts=None, inputs_may_be_constants: bool = True) -> list:
    """The jax values of `program`'s outputs for jax values `args` of its inputs and `consts` of
    its constants (by default its own constants, host Arrays, as a sub-program's are). The
    inputs are those of a branch or loop body (which may be constants of the enclosing
    computation) unless `inputs_may_be_constants` is False (a computation's parameters).

    >>> import jax.numpy as jnp, fluxion as fx, fluxion.numpy as fnp
    >>> program = fx.make_program(lambda x: x * 2 + 1)(fnp.zeros(2))
    >>> [y.tolist() for y in lower_program(program, [jnp.ones(2, jnp.float32)])]
    [[3.0, 3.0]]
    """
    if consts is None:
        consts = [np.asarray(c._value) for c in program.consts]
    env = dict(zip(program.constvars, consts))
    env.update(zip(program.inputs, args))
    read = lambda x: x.value if isinstance(x, Literal) else env[x]  # noqa: E731
    folded = may_fold_nan(program, inputs_may_be_constants) if any(eq.prim in GUARDED for eq in program.equations) \
        else ()
    for eq in program.equations:
        guarded = eq.prim in GUARDED and eq.outputs[0] in folded
        rule = GUARDED[eq.prim] if guarded else xla_lowering.get(eq.prim)
        if rule is not None:
            out = rule(*map(read, eq.inputs), **eq.params)
        elif isinstance(eq.prim, CallPrimitive):
            out = lower_program(_inlined(eq), list(map(read, eq.inputs)))
        else:
            raise op_error(NotImplementedError, eq.prim.name, "has no XLA lowering, so it cannot be compiled",
                           "call the function without fx.jit")
        for var, value in zip(eq.outputs, out if eq.prim.multiple_results else (out,)):
            env[var] = _declared(var, value, eq.prim)
    return [read(v) for v in program.outputs]


def _inlined(eq) -> Program:
    """The program a call equation's function makes from operands of its input types."""
    staging = StagingInterpreter()
    # values the function computes from constants alone are computed now, on the host
    with use(EAGER), push(staging):
        outs = eq.prim.impl(*[staging.new_input(x.aval) for x in eq.inputs], **eq.params)
        program = staging.program([to_array(o) for o in outs])
    if any(isinstance(c, Tracer) for c in program.consts):
        raise op_error(TracerLeakError, eq.prim.name, "the function it calls uses a traced value of a "
                       "transformation that has finished, so it cannot be compiled",
                       "pass that value to the function as an argument instead of closing over it")
    return program


def _declared(var, value, prim):
    """`value` with the dtype abstract evaluation declared (as the eager interpreter casts kernel results)."""
    t = var.aval
    if not hasattr(value, "dtype"):  # a Python scalar
        return jnp.asarray(value, t.dtype)
    if value.shape != t.shape:
        raise AssertionError(f"the XLA lowering of {prim.name} gave shape {value.shape}, expected {t.shape}")
    return value if value.dtype == t.dtype else lax.convert_element_type(value, t.dtype)
