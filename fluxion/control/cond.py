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
from ..core.array import Array, Tracer, to_array
from ..core.errors import ArgumentError, ConcretizationError, op_error
from ..core.interpreters import EAGER, _ctx
from ..core.program import Program, Var
from ..core.rules import passed_operands
from ..core.types import ArrayType
from ..ops import elementwise as E
from ..ops import shape as S
from ..ops._util import define
from ._subprogram import (Staged, arrays, as_type, check_functions, check_structure, join, leaf_paths, make,
                          mismatch, scalar_predicate)


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


_NO_OPERAND = object()


def cond(pred, true_fun: Callable, false_fun: Callable, *operands, operand=_NO_OPERAND) -> Any:
    """`true_fun(*operands)` if `pred` else `false_fun(*operands)`, where `pred` may be traced.

    Both functions must return the same structure of arrays with the same shapes and dtypes.
    Under jit, vmap and the derivatives both are staged; eagerly the chosen one runs and the
    other is staged to check it (unless it reads its operands' values). With `vmap` over
    `pred` both run and the results are selected per example.

    Args:
      pred: a scalar boolean (or number: nonzero is true); a size-1 array is accepted.
      true_fun, false_fun: functions of `*operands` returning pytrees of arrays.
      *operands: the arguments passed to the chosen function.
      operand: jax's older form: `operand=x` for the single operand `x`.

    Returns:
      The chosen function's result.

    >>> import fluxion as fx, fluxion.numpy as fnp
    >>> f = fx.vmap(lambda x: fx.cond(x > 0, lambda y: y * 2, lambda y: -y, x))
    >>> f(fnp.asarray([3.0, -3.0])).tolist()
    [6.0, 3.0]
    """
    check_functions("cond", true_fun=true_fun, false_fun=false_fun)
    operands = _given("cond", operands, operand)
    pred = scalar_predicate("cond", "pred", pred, allow_numbers=True)
    if _ctx.interp is EAGER:
        return _eager("cond", (false_fun, true_fun), ("false_fun", "true_fun"), int(bool(pred)), operands)
    index = E.convert_element_type_p.bind(pred, new_dtype=dtypes.int32, weak=False)
    return _staged("cond", index, (false_fun, true_fun), ("false_fun", "true_fun"), operands)


def switch(index, branches: Sequence[Callable], *operands, operand=_NO_OPERAND) -> Any:
    """`branches[index](*operands)`, where `index` may be traced; it is clamped to the range of `branches`.

    Args:
      index: a scalar integer.
      branches: a sequence of functions of `*operands` returning one structure of arrays.
      *operands: the arguments passed to the chosen function.
      operand: jax's older form: `operand=x` for the single operand `x`.

    >>> import fluxion as fx
    >>> [int(fx.switch(i, [lambda: 10, lambda: 20, lambda: 30])) for i in (-1, 1, 7)]
    [10, 20, 30]
    >>> fx.switch(1, [lambda x: x, lambda x: x * 2], operand=3.0).item()
    6.0
    """
    if not isinstance(branches, (list, tuple)) or not branches or not all(map(callable, branches)):
        raise op_error(ArgumentError, "switch", f"branches must be a non-empty sequence of functions, got {branches!r}",
                       "pass a list of functions, e.g. [f0, f1]")
    operands = _given("switch", operands, operand)
    index, names = _index(index), tuple(f"branches[{k}]" for k in range(len(branches)))
    if _ctx.interp is EAGER or len(branches) == 1:
        chosen = min(max(int(index), 0), len(branches) - 1) if _ctx.interp is EAGER else 0
        return _eager("switch", tuple(branches), names, chosen, operands)
    hi = len(branches) - 1
    index = E.max_p.bind(E.min_p.bind(index, S.full((), hi, index.dtype)), S.full((), 0, index.dtype))
    index = E.convert_element_type_p.bind(index, new_dtype=dtypes.int32, weak=False)
    return _staged("switch", index, tuple(branches), names, operands)


def _given(op: str, operands: tuple, operand) -> tuple:
    """The operands, given positionally or as jax's single `operand=` keyword (not both)."""
    if operand is _NO_OPERAND:
        return operands
    if operands:
        raise op_error(TypeError, op, f"got the keyword operand= and {len(operands)} positional operands",
                       "pass the operands positionally, or only operand=")
    return (operand,)


def _index(index) -> Array:
    x = to_array(index)
    if x.size != 1 or x.dtype not in dtypes.INTEGER:
        raise op_error(TypeError, "switch", f"index must be a scalar integer, got {x.aval}",
                       "pass an int or a 0-d integer array (e.g. x.astype(int))")
    return S.reshape(x, ()) if x.ndim else x


def _eager(op: str, funs: tuple, names: tuple, chosen: int, operands: tuple):
    """The chosen function's result, run directly (its leaves made Arrays, as staging makes
    them). The other functions are staged, to check that they agree with it as under jit; one
    that reads its operands' values cannot be, and is not checked."""
    leaves, treedef = arrays(op, "the branch's result", funs[chosen](*operands))
    if any(fn is not funs[chosen] for fn in funs):
        in_leaves, in_tree = arrays(op, "operands", operands)
        results, checked = [], []
        for k, fn in enumerate(funs):
            if k == chosen:
                results.append((treedef, [x.aval for x in leaves]))
            else:
                try:
                    other = Staged(op, names[k], fn, in_tree, [x.aval for x in in_leaves])
                except ConcretizationError:
                    continue
                results.append((other.out_tree, other.out_avals))
            checked.append(names[k])
        # the joined types, as under jit: the result's type does not depend on the branch taken
        leaves = [as_type(x, common) for x, common in zip(leaves, _common(op, results, checked))]
    return tree.unflatten(treedef, leaves)


def _staged(op: str, index, funs: tuple, names: tuple, operands: tuple):
    leaves, in_tree = arrays(op, "operands", operands)
    avals = [x.aval for x in leaves]
    staged = [Staged(op, name, fn, in_tree, avals) for fn, name in zip(funs, names)]
    for i, common in enumerate(_common(op, [(s.out_tree, s.out_avals) for s in staged], names)):
        for s in staged:
            s.retype(i, common)  # (the branches' outputs are given their joined types)
    closed = [s.close() for s in staged]
    consts = list({_key(c): c for _, cs in closed for c in cs}.values())
    branches = tuple(_taking(p, cs, consts) for p, cs in closed)
    return tree.unflatten(staged[0].out_tree, cond_p.bind(index, *consts, *leaves, branches=branches))


def _common(op: str, results: list, names: tuple) -> list[ArrayType]:
    """The joined type (see `join`) of each output of the branches, whose `results` (structure,
    types) must agree."""
    first_tree, common = results[0][0], list(results[0][1])
    for (out_tree, _), name in zip(results[1:], names[1:]):
        check_structure(op, f"the result of {name}", out_tree, first_tree,
                        "make every branch return the same structure (the same containers; zeros where a branch "
                        f"has nothing); {names[0]} returns {first_tree}")
    for i, path in enumerate(leaf_paths(first_tree, "output")):
        for (_, avals), name in zip(results[1:], names[1:]):
            joined = join(common[i], avals[i])
            if joined is None:
                raise mismatch(op, path, results[0][1][i], avals[i], (names[0], name),
                               "make every branch return the same shape and dtype for it (e.g. with .astype(...))")
            common[i] = joined
    return common


def _key(const) -> Any:
    """What names a closed-over value: a concrete array's value, of which each branch keeps its own snapshot."""
    return id(const) if isinstance(const, Tracer) else const._snapshot()[0]


def _taking(program: Program, own: list, consts: list) -> Program:
    """`program` (inputs: its own closed-over values, then the operands) taking every branch's closed-over values."""
    mine = dict(zip(map(_key, own), program.inputs))
    inputs = [mine.get(_key(c)) or Var(c.aval) for c in consts] + program.inputs[len(own):]
    return make(program.equations, inputs, program.outputs)
