"""`scan` and `map`, and the primitive `scan_p`.

    (*carry_out, *ys) = scan_p.bind(*consts, *init, *xs, body=Program, length=int, reverse=bool,
                                    unroll=int, num_consts=int, num_carry=int)

`body` is a closed program with inputs `[*consts, *carry, *x]` (x: one slice of each of `xs`
along its leading axis) and outputs `[*carry, *y]`, the carry of exactly the carry's types;
each `ys` stacks the `length` slices `y` along a new leading axis. `reverse` runs from the
last slice to the first (ys keep the order of xs). Eagerly, with no transformation active,
`scan` runs the Python function in a loop.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from ..core import tree
from ..core.array import Array
from ..core.errors import ShapeError, op_error
from ..core.interpreters import EAGER, _ctx
from ..core.program import Program
from ..core.rules import passed_operands
from ..core.types import ArrayType
from ..ops._util import define
from ._subprogram import arrays, as_type, carried, check_functions, join, leaf_paths, same_structure, stage_body


def _scan_abstract(*avals: ArrayType, body: Program, length: int, reverse: bool, unroll: int, num_consts: int,
                   num_carry: int) -> tuple[ArrayType, ...]:
    n = num_consts + num_carry
    slices = [a.update(shape=a.shape[1:]) for a in avals[n:]]
    if (list(avals[:n]) + slices != body.in_types or body.out_types[:num_carry] != list(avals[num_consts:n])
            or any(a.shape[:1] != (length,) for a in avals[n:])):
        raise AssertionError(f"scan_p: operand types {list(avals)} do not match its body")
    return (*avals[num_consts:n], *[a.update(shape=(length, *a.shape)) for a in body.out_types[num_carry:]])


scan_p = define("scan", _scan_abstract, multiple_results=True)
passed_operands[scan_p] = lambda params: {"body": [(k, k) for k in range(params["num_consts"])]}  # (closed-over values)


def scan(f: Callable, init: Any, xs: Any = None, length: int | None = None, reverse: bool = False,
         unroll: int | bool = 1) -> tuple[Any, Any]:
    """Loop `carry, y = f(carry, x)` over the leading axis of `xs`; return the final carry and the stacked `y`s.

    As `jax.lax.scan`: `xs` is a pytree of arrays sharing their leading axis (or None, with
    `length`); `f` must return a carry of the structure and types of `init`. Differentiable
    in both modes (reverse mode keeps each step's carry).

    Args:
      f: `(carry, x) -> (carry, y)`.
      init: the initial carry (a pytree of arrays).
      xs: the values to loop over, or None.
      length: the number of steps (required when `xs` is None).
      reverse: loop from the last slice to the first; the `y`s keep the order of `xs`.
      unroll: how many steps one iteration of the compiled loop runs (True: all; 0, 1 and False: one).

    Returns:
      `(carry, ys)`.

    >>> import fluxion as fx, fluxion.numpy as fnp
    >>> total, partial = fx.scan(lambda c, x: (c + x, c + x), 0.0, fnp.arange(4.0))
    >>> float(total), partial.tolist()
    (6.0, [0.0, 1.0, 3.0, 6.0])
    """
    check_functions("scan", f=f)
    init_leaves, carry_tree = arrays("scan", "init", init)
    x_leaves, x_tree = arrays("scan", "xs", xs)
    length = _length(x_leaves, x_tree, length)
    unroll = _unroll(unroll, length)
    if _ctx.interp is EAGER and length and all(x.__class__ is Array for x in (*init_leaves, *x_leaves)):
        return _eager(f, init_leaves, carry_tree, x_leaves, x_tree, length, bool(reverse))
    x_avals = [x.aval.update(shape=x.shape[1:]) for x in x_leaves]
    staged, carry_avals, y_tree = stage_body("scan", "f", f, carry_tree, [x.aval for x in init_leaves], x_tree,
                                             x_avals)
    body, consts = staged.close()
    init_leaves = [as_type(x, a) for x, a in zip(init_leaves, carry_avals)]
    outs = scan_p.bind(*consts, *init_leaves, *x_leaves, body=body, length=length, reverse=bool(reverse),
                       unroll=unroll, num_consts=len(consts), num_carry=len(init_leaves))
    n = len(init_leaves)
    return tree.unflatten(carry_tree, outs[:n]), tree.unflatten(y_tree, outs[n:])


def _length(x_leaves: list[Array], x_tree, length) -> int:
    if length is not None and (not isinstance(length, (int, np.integer)) or isinstance(length, bool) or length < 0):
        raise op_error(TypeError, "scan", f"length must be a non-negative int, got {length!r}",
                       "pass the number of steps as a Python int")
    paths = leaf_paths(x_tree, "xs")
    for path, x in zip(paths, x_leaves):
        if x.ndim == 0:
            raise op_error(ShapeError, "scan", f"{path} is a 0-d array, which has no leading axis to scan over",
                           "give every leaf of xs a leading axis of the number of steps")
    lengths = {x.shape[0] for x in x_leaves}
    if length is not None:
        lengths.add(int(length))
    if len(lengths) > 1:
        listing = ", ".join(f"{p}: {x.shape[0]}" for p, x in zip(paths, x_leaves))
        given = "" if length is None else f"; length={length}"
        raise op_error(ShapeError, "scan", f"the leaves of xs have different leading sizes ({listing}{given})",
                       "give every leaf of xs the same leading axis, equal to length")
    if not lengths:
        raise op_error(ValueError, "scan", "xs is None (or has no arrays), so the number of steps is unknown",
                       "pass length=n")
    return lengths.pop()


def _unroll(unroll, length: int, op: str = "scan") -> int:
    """`unroll` as the steps an iteration runs: True all, False, 0 and 1 one (as in jax)."""
    if isinstance(unroll, bool):
        return max(length, 1) if unroll else 1
    if not isinstance(unroll, (int, np.integer)) or unroll < 0:
        raise op_error(ValueError, op, f"unroll must be a non-negative int or a bool, got {unroll!r}",
                       "pass e.g. unroll=1 (no unrolling) or unroll=True (all steps)")
    return max(int(unroll), 1)


def _eager(f, init: list[Array], carry_tree, x_leaves: list[Array], x_tree, length: int, reverse: bool):
    """The loop run by Python (no transformation active, host arrays), checking types as staging would."""
    carry = tree.unflatten(carry_tree, init)
    init_avals = [x.aval for x in init]
    ys: list = [None] * length
    y_first = None
    for i in (range(length - 1, -1, -1) if reverse else range(length)):
        x = tree.unflatten(x_tree, [_slice(v, i) for v in x_leaves])
        out = f(carry, x)
        if not isinstance(out, (tuple, list)) or len(out) != 2:
            raise op_error(TypeError, "scan", f"f must return a pair (carry, y), got {type(out).__name__}",
                           "return (new_carry, y); use None for y when there is nothing to stack")
        carry, y = out
        carry = carried("scan", "f", carry_tree, init_avals, carry)
        y_leaves, y_tree = arrays("scan", "the y f returns", y)
        avals = [v.aval for v in y_leaves]
        if y_first is not None:
            # a y computed from a weak initial carry joins the later ones, as in the staged loop
            joined = [join(a, b) for a, b in zip(avals, y_first[1])] if same_structure(y_tree, y_first[0]) else [None]
            if None in joined:
                raise op_error(TypeError, "scan", f"f returned y of structure {y_tree} with types {avals} at step {i}, "
                               f"but {y_first[0]} with types {y_first[1]} before",
                               "return y of the same structure, shapes and dtypes at every step")
            avals = joined
        y_first = (y_tree, avals)
        ys[i] = [v._value for v in y_leaves]
    y_tree, y_avals = y_first
    stacked = [Array(np.stack([y[k] for y in ys]).astype(a.dtype, copy=False), a.weak) for k, a in enumerate(y_avals)]
    return carry, tree.unflatten(y_tree, stacked)


def _slice(x: Array, i: int) -> Array:
    out = Array.__new__(Array)
    out._value, out._weak = x._value[i], x._weak
    return out


def map(f: Callable, xs: Any) -> Any:  # the name of jax.lax.map
    """`f` applied to each slice of `xs` along its leading axis, the results stacked: a `scan` without carry.

    >>> import fluxion as fx, fluxion.numpy as fnp
    >>> fx.map(lambda x: x * x, fnp.arange(3.0)).tolist()
    [0.0, 1.0, 4.0]
    """
    from .convert import convert
    f = convert(f)  # staged inside a wrapper of this module, which is not converted
    return scan(lambda _, x: ((), f(x)), (), xs)[1]
