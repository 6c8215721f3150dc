"""`cond` and `switch`, and the primitive `cond_p`.

    outs = cond_p.bind(index, *operands, branches=(Program, ...))

`index` is a 0-d int32 in range; each branch is a closed program taking all the operands
(the values every branch closes over, then the user's operands) and giving outputs of one
common type. Eagerly, with no transformation active, `cond` and `switch` call the chosen
Python function directly.
"""
from __future__ import annotations

from typing import Any, Callable, Sequence

from ..core import dtypes, tree
from ..core.array import Array, to_array
from ..core.errors import op_error
from ..core.interpreters import EAGER, _ctx
from ..core.program import Program, Var
from ..core.rules import passed_operands
from ..core.types import ArrayType
from ..ops import elementwise as E
from ..ops import shape as S
from ..ops._util import define
from ._subprogram import (Staged, arrays, check_functions, check_structure, join, leaf_paths, make, mismatch,
                          scalar_predicate)


def _cond_abstract(index: ArrayType, *avals: ArrayType, branches: tuple[Program, ...]) -> tuple[ArrayType, ...]:
    if index.shape != () or index.dtype != dtypes.int32:
        raise AssertionError(f"cond_p: the index must be a 0-d int32, got {index}")
    for b in branches:
        if b.in_types != list(avals) or b.out_types != branches[0].out_types:
            raise AssertionError(f"cond_p: operand types {list(avals)} or output types do not match its branches")
    return tuple(branches[0].out_types)


cond_p = define("cond", _cond_abstract, multiple_results=True)
# (every operand after the index is each branch's input of the same position)
passed_operands[cond_p] = lambda params: {"branches": [(k + 1, k) for k in range(len(params["branches"][0].inputs))]}


def cond(pred, true_fun: Callable, false_fun: Callable, *operands) -> Any:
    """`true_fun(*operands)` if `pred` else `false_fun(*operands)`, where `pred` may be traced.

    Under jit, vmap and the derivatives, both functions are staged and must return the same
    structure of arrays with the same shapes and dtypes; with `vmap` over `pred` both run and
    the results are selected per example.

    Args:
      pred: a scalar boolean (or number: nonzero is true); a size-1 array is accepted.
      true_fun, false_fun: functions of `*operands` returning pytrees of arrays.
      *operands: the arguments passed to the chosen function.

    Returns:
      The chosen function's result.

    >>> import fluxion as fx, fluxion.numpy as fnp
    >>> f = fx.vmap(lambda x: fx.cond(x > 0, lambda y: y * 2, lambda y: -y, x))
    >>> f(fnp.asarray([3.0, -3.0])).tolist()
    [6.0, 3.0]
    """
    check_functions("cond", true_fun=true_fun, false_fun=false_fun)
    pred = scalar_predicate("cond", "pred", pred, allow_numbers=True)
    if _ctx.interp is EAGER:
        return _eager("cond", true_fun if bool(pred) else false_fun, operands)
    index = E.convert_element_type_p.bind(pred, new_dtype=dtypes.int32, weak=False)
    return _staged("cond", index, (false_fun, true_fun), ("false_fun", "true_fun"), operands)


def switch(index, branches: Sequence[Callable], *operands) -> Any:
    """`branches[index](*operands)`, where `index` may be traced; it is clamped to the range of `branches`.

    Args:
      index: a scalar integer.
      branches: a sequence of functions of `*operands` returning one structure of arrays.
      *operands: the arguments passed to the chosen function.

    >>> import fluxion as fx
    >>> [int(fx.switch(i, [lambda: 10, lambda: 20, lambda: 30])) for i in (-1, 1, 7)]
    [10, 20, 30]
    """
    if not isinstance(branches, (list, tuple)) or not branches or not all(map(callable, branches)):
        raise op_error(TypeError, "switch", f"branches must be a non-empty sequence of functions, got {branches!r}",
                       "pass a list of functions, e.g. [f0, f1]")
    index = _index(index)
    if _ctx.interp is EAGER:
        return _eager("switch", branches[min(max(int(index), 0), len(branches) - 1)], operands)
    if len(branches) == 1:
        return _eager("switch", branches[0], operands)
    hi = len(branches) - 1
    index = E.max_p.bind(E.min_p.bind(index, S.full((), hi, index.dtype)), S.full((), 0, index.dtype))
    index = E.convert_element_type_p.bind(index, new_dtype=dtypes.int32, weak=False)
    return _staged("switch", index, tuple(branches), tuple(f"branches[{k}]" for k in range(len(branches))), operands)


def _index(index) -> Array:
    x = to_array(index)
    if x.size != 1 or x.dtype not in dtypes.INTEGER:
        raise op_error(TypeError, "switch", f"index must be a scalar integer, got {x.aval}",
                       "pass an int or a 0-d integer array (e.g. x.astype(int))")
    return S.reshape(x, ()) if x.ndim else x


def _eager(op: str, fun: Callable, operands: tuple):
    """The chosen function's result, run directly (its leaves made Arrays, as staging makes them)."""
    leaves, treedef = arrays(op, "the branch's result", fun(*operands))
    return tree.unflatten(treedef, leaves)


def _staged(op: str, index, funs: tuple, names: tuple, operands: tuple):
    leaves, in_tree = arrays(op, "operands", operands)
    avals = [x.aval for x in leaves]
    staged = [Staged(op, name, fn, in_tree, avals) for fn, name in zip(funs, names)]
    out_tree = _join(op, staged, names)
    closed = [s.close() for s in staged]
    consts = list({id(c): c for _, cs in closed for c in cs}.values())
    branches = tuple(_taking(p, cs, consts) for p, cs in closed)
    return tree.unflatten(out_tree, cond_p.bind(index, *consts, *leaves, branches=branches))


def _join(op: str, staged: list[Staged], names: tuple):
    """The common output structure of the branches, whose outputs are given their joined types (see `join`)."""
    first = staged[0]
    for s, name in zip(staged[1:], names[1:]):
        check_structure(op, f"the result of {name}", s.out_tree, first.out_tree,
                        "make every branch return the same structure (the same containers; zeros where a branch "
                        f"has nothing); {names[0]} returns {first.out_tree}")
    for i, path in enumerate(leaf_paths(first.out_tree, "output")):
        common = first.out_avals[i]
        for s, name in zip(staged[1:], names[1:]):
            joined = join(common, s.out_avals[i])
            if joined is None:
                raise mismatch(op, path, first.out_avals[i], s.out_avals[i], (names[0], name),
                               "make every branch return the same shape and dtype for it (e.g. with .astype(...))")
            common = joined
        for s in staged:
            s.retype(i, common)
    return first.out_tree


def _taking(program: Program, own: list, consts: list) -> Program:
    """`program` (inputs: its own closed-over values, then the operands) taking every branch's closed-over values."""
    mine = dict(zip(map(id, own), program.inputs))
    inputs = [mine.get(id(c)) or Var(c.aval) for c in consts] + program.inputs[len(own):]
    return make(program.equations, inputs, program.outputs)
