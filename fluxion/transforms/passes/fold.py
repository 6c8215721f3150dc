"""Constant folding: evaluate equations whose inputs are all constants once, while optimizing.

The NumPy kernels compute the value (each primitive's eager result is its meaning, and the
compiled program must agree with it), and the equation's outputs become program constants.
"""
from __future__ import annotations

import numpy as np

from ...core.interpreters import EAGER, use
from ...core.program import Equation, Program, sub_programs
from ._rebuild import Rebuild, opaque

# a folded result may be as large as the largest constant it is computed from, or this many
# elements: so folding never turns a cheap broadcast or iota into a large constant
MAX_FOLDED_ELEMENTS = 1024


def _evaluate(eq: Equation, values: list):
    """The outputs of `eq` on `values`, or None when the kernels refuse them (left to the compiler)."""
    try:
        with use(EAGER), np.errstate(all="ignore"):
            out = eq.prim.bind(*values, **eq.params)
    except Exception:  # noqa: BLE001  (folding is an optimisation: whatever a kernel refuses, XLA computes)
        return None
    out = out if eq.prim.multiple_results else (out,)
    if any(o.aval != v.aval for o, v in zip(out, eq.outputs)):
        return None
    return out


def fold(program: Program, max_elements: int = MAX_FOLDED_ELEMENTS) -> Program:
    """`program` with every equation whose inputs are all constants replaced by its value.

    A result is folded only if it has at most `max(max_elements, largest input size)`
    elements, so that folding never creates a large constant from small ones.

    >>> import numpy as np
    >>> from fluxion.core.program import Equation, Program, Var
    >>> from fluxion.core.types import ArrayType
    >>> from fluxion.ops import elementwise as E
    >>> import fluxion.numpy as fnp
    >>> c, x, y, z = (Var(ArrayType((2,), np.dtype("float32"))) for _ in range(4))
    >>> p = Program([c], [fnp.asarray([1.0, 2.0])], [x],
    ...             [Equation(E.exp_p, [c], [y], {}), Equation(E.mul_p, [x, y], [z], {})], [z])
    >>> print(fold(p))
    { lambda a:f32[2] b:f32[2] ; c:f32[2]. let
        d:f32[2] = mul c b
      in (d,) }
    """
    b = Rebuild(program)
    for eq in program.equations:
        eq = b.substituted(eq)
        # (control flow is not folded: that would run a whole loop, maybe an endless one, while compiling)
        values = None if opaque(eq) or sub_programs(eq.params) else [b.value(x) for x in eq.inputs]
        if values is not None and all(v is not None for v in values):
            limit = max([max_elements] + [v.size for v in values])
            out = _evaluate(eq, values) if all(v.aval.size <= limit for v in eq.outputs) else None
            if out is not None:
                for var, value in zip(eq.outputs, out):
                    b.add_const(var, value)
                continue
        b.emit(eq)
    return b.finish()
