"""`closure_convert`: a function's closed-over traced values made explicit arguments.

A custom derivative rule only differentiates with respect to its function's arguments (see
autodiff/custom.py), and a function passed to it as a Python value must not carry values of
a transformation into a place where that transformation has finished. Staging the function
(as `make_program` does) finds every value its program reads without receiving it: the
traced ones (values of the transformations active now) become trailing arguments of the
converted function; concrete arrays stay inside as constants.
"""
from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np

from ..core import tree
from ..core.array import Tracer, to_array
from ..core.errors import a_type, op_error, require_callable
from ..core.interpreters import push
from ..core.program import Program, evaluate
from ..core.types import ArrayType
from ..ops import elementwise as E
from ._convert import converted
from .autodiff.partial_eval import StagingInterpreter
from .passes import dce
from .staging import _aval


def closure_convert(fun: Callable, *example_args: Any) -> tuple[Callable, list]:
    """`fun` with the traced values it closes over hoisted into trailing arguments: `(converted, consts)`.

    `converted(*args, *consts)` computes `fun(*args)` for arguments of the types (and pytree
    structure) of `example_args`, which are arrays, numbers or anything with `.shape` and
    `.dtype`. `consts` are the values of active transformations (grad, vmap, jit) that
    `fun`'s computation reads without receiving them; pass them on as arguments of a
    custom_vjp function so that its rule can give their cotangents. Concrete arrays that
    `fun` closes over stay inside `converted`.

    >>> import fluxion as fx, fluxion.numpy as fnp
    >>> def loss(a):
    ...     f = lambda x: a * fnp.sin(x)
    ...     g, consts = fx.closure_convert(f, 0.0)
    ...     return g(2.0, *consts) + len(consts)
    >>> float(loss(1.0)), float(fx.grad(loss)(1.0))  # consts: [] eagerly, [a] under grad
    (0.9092974066734314, 0.9092974066734314)
    """
    require_callable("closure_convert", fun)
    leaves, in_tree = tree.flatten(example_args)
    program, out_tree = stage(fun, in_tree, [_aval(x) for x in leaves], "closure_convert")
    return hoisted(program, in_tree, out_tree, "closure_convert")


def stage(fun: Callable, in_tree, avals: Sequence[ArrayType], op: str) -> tuple[Program, Any]:
    """The program `fun` computes from positional arguments of structure `in_tree` with leaves
    of types `avals` (without the computations no output needs), and its output structure;
    None leaves of the output are kept in the structure."""
    staging = StagingInterpreter()
    with push(staging):
        args = tree.unflatten(in_tree, [staging.new_input(a) for a in avals])
        out = converted(fun)(*args)
        out_leaves, out_tree = tree.flatten(out)
        arrays = []
        for o in out_leaves:
            try:
                arrays.append(to_array(o))
            except (TypeError, ValueError):
                raise op_error(TypeError, op, f"{_name(fun)} returned {a_type(o)}, which is not an array",
                               "return only arrays and numbers (in tuples, lists or dicts)") from None
        return dce(staging.program(arrays)), out_tree


def hoisted(program: Program, in_tree, out_tree, op: str) -> tuple[Callable, list]:
    """The function running `program` with its traced constants as trailing arguments, and those constants."""
    traced = [isinstance(c, Tracer) for c in program.consts]
    consts = [c for c, t in zip(program.consts, traced) if t]
    kept = [None if t else c for c, t in zip(program.consts, traced)]  # (no reference to a traced value stays)
    in_types = program.in_types
    n = len(consts)

    def converted_fun(*args_and_consts):
        if len(args_and_consts) < n:
            raise op_error(TypeError, op, f"the converted function takes its arguments and then {n} hoisted "
                           f"values, got {len(args_and_consts)} arguments in all", "call it as g(*args, *consts)")
        args, extra = args_and_consts[:len(args_and_consts) - n], iter(args_and_consts[len(args_and_consts) - n:])
        leaves, arg_tree = tree.flatten(args)
        if arg_tree != in_tree:
            raise op_error(TypeError, op, f"the converted function was made for arguments of structure {in_tree}, "
                           f"got {arg_tree}", f"pass arguments like the example ones, followed by the {n} hoisted "
                           "values (or convert again with other example arguments)")
        leaves = [_typed(op, i, to_array(x), t) for i, (x, t) in enumerate(zip(leaves, in_types))]
        values = [next(extra) if t else c for c, t in zip(kept, traced)]
        run = Program(program.constvars, values, program.inputs, program.equations, program.outputs)
        return tree.unflatten(out_tree, evaluate(run, *leaves))

    return converted_fun, consts


def _typed(op: str, i: int, x, t: ArrayType):
    """Argument leaf `i`, checked against the type `t` the program was made for; a Python
    number takes the dtype, as in arithmetic."""
    if x.shape == t.shape and (x.dtype == t.dtype or x.weak and np.can_cast(x.dtype, t.dtype, "same_kind")):
        return x if x.dtype == t.dtype else E.convert_element_type_p.bind(x, new_dtype=t.dtype, weak=t.weak)
    raise op_error(TypeError, op, f"the converted function was made for argument leaf {i} of type {t}, got "
                   f"{x.aval}", "convert again with example arguments of the new types")


def _name(fun) -> str:
    return getattr(fun, "__name__", type(fun).__name__)
