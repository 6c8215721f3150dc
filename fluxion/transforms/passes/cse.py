"""Common-subexpression elimination: compute each value once.

Two equations are merged when they apply the same primitive to the same inputs with equal
parameters (inputs of commutative primitives in either order); two constants are merged when
they are bitwise equal and of one type. Equations with effects and calls that
carry Python functions are never merged (see `opaque`), nor are equations whose parameters
cannot be compared (an unhashable object compares only with itself, so it is left alone).
"""
from __future__ import annotations

import numpy as np

from ...core.array import Array
from ...core.program import Equation, Literal, Program, Var, frozen
from ...ops import elementwise as E
from ._rebuild import Rebuild, opaque

# f(a, b) == f(b, a) exactly, output type included (the elementwise type rule is symmetric)
COMMUTATIVE = frozenset({E.add_p, E.mul_p, E.max_p, E.min_p, E.and_p, E.or_p, E.xor_p, E.eq_p, E.ne_p})

# larger constants are not compared: staging already shares one constant per object, and
# hashing the bytes of a large array for a rare duplicate is not worth its time and memory
MAX_COMPARED_CONSTANT_BYTES = 1 << 16


def _atom_key(x) -> tuple:
    if x.__class__ is Literal:
        a = x.aval
        return (1, a.dtype.name, a.weak, a.shape, np.asarray(x.value, a.dtype).tobytes())
    return (0, x.count)


def _equation_key(eq: Equation):
    if opaque(eq):
        return None
    inputs = [_atom_key(x) for x in eq.inputs]
    if eq.prim in COMMUTATIVE:
        inputs.sort()
    try:
        return (eq.prim, tuple(inputs), frozen(eq.params))
    except TypeError:  # a parameter that cannot be hashed
        return None


def _constant_key(var: Var, value: Array):
    v = value._value
    return None if v.nbytes > MAX_COMPARED_CONSTANT_BYTES else (var.aval, v.tobytes())


def cse(program: Program) -> Program:
    """`program` with repeated computations and repeated constants merged.

    >>> import fluxion as fx, fluxion.numpy as fnp
    >>> p = fx.make_program(lambda x: fnp.sin(x) + fnp.sin(x))(fnp.ones(3))
    >>> [eq.prim.name for eq in cse(p).equations]
    ['sin', 'add']
    """
    b = Rebuild(program)
    constants: dict = {}
    for var, value in b.values.items():  # (those in host memory, whose values can be compared)
        key = _constant_key(var, value)
        if key is not None:
            first = constants.setdefault(key, var)
            if first is not var:
                b.replace(var, first)
    seen: dict = {}
    for eq in program.equations:
        eq = b.substituted(eq)
        key = _equation_key(eq)
        if key is not None:
            first = seen.setdefault(key, eq)
            if first is not eq:
                for old, new in zip(eq.outputs, first.outputs):
                    b.replace(old, new)
                continue
        b.emit(eq)
    return b.finish()
