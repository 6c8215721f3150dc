"""The program IR: variables, equations and programs, and a printer.

A `Program` is a typed, straight-line list of primitive calls. Staging (jit) records one,
transformations can interpret one, and the XLA backend lowers one.

    { lambda ; a:f32[4,4] b:f32[4,4]. let
        c:f32[4,4] = add a b
      in (c,) }
"""
from __future__ import annotations

import itertools
from typing import Any

import numpy as np

from .array import Array
from .rules import effectful, effectful_functions
from .types import ArrayType


class Var:
    """A program variable: a typed name bound once."""

    __slots__ = ("aval", "count")
    _counter = itertools.count()

    def __init__(self, aval: ArrayType):
        self.aval = aval
        self.count = next(Var._counter)

    def __repr__(self):
        return f"Var({self.count}:{self.aval})"


class Literal:
    """A constant written inline in an equation (a scalar)."""

    __slots__ = ("value", "aval")

    def __init__(self, value, aval: ArrayType):
        self.value = value
        self.aval = aval


class Equation:
    """`outputs = prim(*inputs, **params)`."""

    __slots__ = ("prim", "inputs", "outputs", "params")

    def __init__(self, prim, inputs: list, outputs: list[Var], params: dict[str, Any]):
        self.prim, self.inputs, self.outputs, self.params = prim, inputs, outputs, params

    # jax's names, read by code that inspects jaxprs
    primitive = property(lambda self: self.prim)
    invars = property(lambda self: self.inputs)
    outvars = property(lambda self: self.outputs)


class Program:
    """A typed program: `constvars` bound to `consts`, then `inputs` -> `outputs`."""

    __slots__ = ("constvars", "consts", "inputs", "equations", "outputs")

    def __init__(self, constvars, consts, inputs, equations, outputs):
        self.constvars, self.consts = list(constvars), list(consts)
        self.inputs, self.equations, self.outputs = list(inputs), list(equations), list(outputs)

    @property
    def in_types(self) -> list[ArrayType]:
        return [v.aval for v in self.inputs]

    @property
    def out_types(self) -> list[ArrayType]:
        return [v.aval for v in self.outputs]

    # jax's names (of a ClosedJaxpr and its Jaxpr, which here are one), read by code that inspects jaxprs
    jaxpr = property(lambda self: self)
    eqns = property(lambda self: self.equations)
    invars = property(lambda self: self.inputs)
    outvars = property(lambda self: self.outputs)
    in_avals = in_types
    out_avals = out_types

    def __str__(self):
        return _Printer().program(self, "")

    __repr__ = __str__


def evaluate(program: Program, *args):
    """Run `program` by binding each equation on the current interpreter."""
    env: dict[Var, Any] = dict(zip(program.constvars, program.consts))
    env.update(zip(program.inputs, args))
    read = lambda x: x.value if isinstance(x, Literal) else env[x]
    for eq in program.equations:
        out = eq.prim.bind(*map(read, eq.inputs), **eq.params)
        env.update(zip(eq.outputs, out if eq.prim.multiple_results else (out,)))
    return [read(v) for v in program.outputs]



def sub_programs(params: dict) -> list[Program]:
    """The programs among an equation's parameters (control flow's branches and bodies)."""
    out = []
    for v in params.values():
        if isinstance(v, Program):
            out.append(v)
        elif isinstance(v, tuple):
            out.extend(u for u in v if isinstance(u, Program))
    return out


def has_effects(eq: Equation) -> bool:
    """Whether running `eq` has effects (a host callback): see `call_has_effects`."""
    return call_has_effects(eq.prim, eq.params)


def call_has_effects(prim, params: dict) -> bool:
    """Whether a call of `prim` with `params` has effects: its primitive's own, those of an
    equation of its sub-programs, or those the Python functions a call carries were seen to have."""
    calls = getattr(prim, "functions", ())
    return (prim in effectful or any(params.get(k) in effectful_functions for k in calls)
            or any(has_effects(e) for p in sub_programs(params) for e in p.equations))


class _Printer:
    """Prints a program, one equation a line; the sub-programs an equation carries (branches,
    loop bodies) print on the lines below it, indented one level deeper; every variable has its own name."""

    def __init__(self):
        self.names: dict[Var, str] = {}

    def name(self, x) -> str:
        if isinstance(x, Literal):
            v = np.asarray(x.value)
            return str(v.item() if v.ndim == 0 else v.tolist())
        if x not in self.names:
            self.names[x] = _letters(len(self.names))
        return self.names[x]

    def typed(self, v: Var) -> str:
        return f"{self.name(v)}:{v.aval}"

    def param(self, value, indent: str) -> str:
        """A parameter of an equation of a program printed at `indent`."""
        if isinstance(value, Program):
            return "\n" + self.program(value, indent + _NESTED)
        if isinstance(value, tuple) and value and all(isinstance(v, Program) for v in value):
            programs = ",".join("\n" + self.program(v, indent + _NESTED) for v in value)
            return f"({programs}{',' if len(value) == 1 else ''})"
        return repr(value)

    def program(self, p: Program, indent: str) -> str:
        head = " ".join(map(self.typed, p.constvars)) + " ; " + " ".join(map(self.typed, p.inputs))
        lines = [f"{indent}{{ lambda {head.strip()}. let"]
        for eq in p.equations:
            outs = " ".join(map(self.typed, eq.outputs))
            params = " ".join(f"{k}={self.param(v, indent)}" for k, v in eq.params.items())
            args = " ".join(map(self.name, eq.inputs))
            lines.append(f"{indent}    {outs} = {eq.prim.name}{'[' + params + ']' if params else ''} {args}")
        lines.append(f"{indent}  in ({', '.join(map(self.name, p.outputs))}{',' if len(p.outputs) == 1 else ''}) }}")
        return "\n".join(lines)


_NESTED = "      "  # how much deeper a sub-program prints than the program whose equation carries it


def _letters(i: int) -> str:
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(97 + r) + s
    return s


_PLAIN = frozenset({int, str, type(None)})


def frozen(v):
    """A hashable key of a parameter value (or a dict of them), equal only for equal values:
    floats and arrays by their bits (0.0 and -0.0 compare equal but differ), booleans and floats
    apart from ints; a TypeError for a value that cannot be hashed. Other values (and tuples of
    them) are their own keys. Quick for the usual ints, strings, dtypes and tuples of them."""
    c = v.__class__
    if c in _PLAIN:
        return v
    if c is dict:
        return tuple([(k, x if x.__class__ in _PLAIN else frozen(x)) for k, x in v.items()])
    if c is tuple:
        for x in v:
            if x.__class__ not in _PLAIN:
                return tuple(map(frozen, v))
        return v
    if c is bool or c is float:
        return (c, v.hex() if c is float else v)
    if isinstance(v, np.dtype):
        return v
    if isinstance(v, Array):
        v = v._value
    if isinstance(v, (float, complex, np.generic)):
        return (type(v), np.asarray(v).tobytes())
    if isinstance(v, np.ndarray):
        return ("array", v.dtype.name, v.shape, v.tobytes())
    if isinstance(v, list):
        return ("list", tuple(map(frozen, v)))
    hash(v)
    return v
