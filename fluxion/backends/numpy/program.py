"""A program run on the NumPy backend as one Python function that calls its primitives' kernels
in order, with no interpreter in between (the eager runs of derivative blocks and loop bodies)."""
from __future__ import annotations

import os
from typing import Callable

import numpy as np

from ...core.primitive import numpy_kernel
from ...core.program import Program


def kernels(program: Program) -> Callable[..., list]:
    """`program` compiled to a Python function of NumPy arrays that calls the NumPy kernels in
    order, with no interpreter in between: `kernels(program)(*arrays) -> list of arrays`."""
    # this module's name: NumPy's RuntimeWarnings are silenced for fluxion's modules (see backends.numpy)
    names, env = {}, {"kernel": numpy_kernel, "ndarray": np.ndarray, "fix": _fix, "__name__": __name__}

    def name(x, prefix: str, value=None) -> str:
        names[x] = n = f"{prefix}{len(names)}"
        if value is not None:
            env[n] = value
        return n

    for v, c in zip(program.constvars, program.consts):
        name(v, "c", c._value)
    args = [name(v, "x") for v in program.inputs]
    lines = []
    for i, eq in enumerate(program.equations):
        for x in eq.inputs:
            if x not in names:  # a literal
                name(x, "l", np.asarray(x.value, x.aval.dtype))
        env[f"p{i}"], env[f"P{i}"] = eq.prim, eq.params
        outs = [name(v, "t") for v in eq.outputs]
        call = f"kernel[p{i}]({''.join(names[x] + ', ' for x in eq.inputs)}**P{i})"
        if not eq.prim.multiple_results:
            lines.append(f"{outs[0]} = {call}")
        else:  # (an effect, such as a debug print, may have no results)
            lines.append(f"{', '.join(outs)}, = {call}" if outs else call)
        for o, v in zip(outs, eq.outputs):  # kernels may return NumPy scalars or other dtypes
            env[f"d{o}"] = v.aval.dtype
            lines.append(f"if {o}.__class__ is not ndarray or {o}.dtype is not d{o}: {o} = fix({o}, d{o})")
    lines.append(f"return [{', '.join(names[v] for v in program.outputs)}]")
    source = f"def run({', '.join(args)}):\n" + "".join(f"    {line}\n" for line in lines)
    # (named as a file of the package, whose frames errors pass over to name the user's line)
    exec(compile(source, os.path.join(os.path.dirname(__file__), "<program kernels>"), "exec"), env)
    return env["run"]


def _fix(value, dtype):
    return np.asarray(value, dtype)
