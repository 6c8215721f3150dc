"""`linear_transpose`: the transpose of a linear function, made by reverse mode's own pieces.

The function is linearized (autodiff/api.py `_linearize`: forward mode with the tangents
staged into a linear program) and the backward pass transposes that program for each
cotangent. The primal computation runs once, at zeros, under a probing vmap of one example:
a value the linear program reads that comes out batched depends on the inputs, so the
derivative changes with the point and the function is not linear (sin, x * x, abs, a
comparison of an input). Only the linear program is kept.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from ..core import dtypes, tree
from ..core.array import Array, Tracer
from ..core.device import like
from ..core.errors import op_error, require_callable
from ..core.interpreters import push
from ..core.program import Program
from ..core.types import ArrayType
from ._convert import converted
from .autodiff.api import _Linear, _as_type, _leaves, _linearize
from .batching.interpreter import BatchInterpreter, BatchTracer
from .staging import _aval

_OP = "linear_transpose"


def linear_transpose(fun: Callable, *primals: Any, reduce_axes: tuple = ()) -> Callable[[Any], tuple]:
    """The transpose of `fun`, a function linear in its arguments, whose types `primals` give.

    `primals` are arrays, numbers or anything with `.shape` and `.dtype` (an ArrayType, a
    ShapeDtypeStruct), in pytrees; only their types are used. The result maps a cotangent
    shaped like `fun`'s output to a tuple with one cotangent per argument, in the arguments'
    dtypes. Inputs and outputs must be floating-point or complex. A function whose derivative
    depends on its inputs is refused; the constant term of an affine one is ignored.

    >>> import fluxion as fx, fluxion.numpy as fnp
    >>> f = lambda x, y: 0.5 * x - 2.0 * y.sum()
    >>> f_t = fx.linear_transpose(f, fnp.zeros(3), fnp.zeros(2))
    >>> [t.tolist() for t in f_t(fnp.ones(3))]
    [[0.5, 0.5, 0.5], [-6.0, -6.0]]
    """
    require_callable(_OP, fun)
    if reduce_axes:
        raise op_error(NotImplementedError, _OP, f"reduce_axes={reduce_axes!r} is not supported",
                       "drop reduce_axes and sum the cotangents over those axes afterwards")
    leaves, in_tree = tree.flatten(primals)
    avals = [_aval(x) for x in leaves]
    _check_inexact(avals, "input")
    probe = BatchInterpreter(1)
    with push(probe):
        # (zeros on each example's device, where a move of the input sends its cotangent back)
        ins = [BatchTracer(probe, _on_device_of(Array(np.zeros((1, *a.shape), a.dtype), weak=a.weak), x), 0)
               for a, x in zip(avals, leaves)]
        # (control flow on the inputs is converted, so that it shows as a dependence, not as an error)
        _, out_tree, _, linear, _ = _linearize(converted(fun), tuple(tree.unflatten(in_tree, ins)))
    _check_inexact(linear.out_types, "output")
    program = linear.program
    consts = []
    for c in program.consts:
        value, axis = probe.unpack(c)
        if axis is not None:
            raise op_error(TypeError, _OP, f"{_name(fun)} is not linear in its inputs: its derivative depends on "
                           "their values (as that of sin, x * x, abs or a comparison of an input does)",
                           "transpose a function built from linear operations only (sums, slicing, reshapes, "
                           "products with constants); for the transpose of the derivative at a point x, use "
                           "fx.vjp(f, x)[1]")
        consts.append(value)
    program = Program(program.constvars, consts, program.inputs, program.equations, program.outputs)
    inputs = [Array(np.zeros(a.shape, a.dtype), weak=a.weak) for a in avals]
    outputs = [Array(np.zeros(a.shape, a.dtype), weak=a.weak) for a in linear.out_types]
    linear = _Linear(program, linear.live, linear.diff_inputs, inputs, outputs, eager=False)

    def transposed(cotangent: Any) -> tuple:
        ct_leaves, ct_tree = _leaves(cotangent)
        if ct_tree != out_tree:
            raise op_error(TypeError, _OP, f"the cotangent has structure {ct_tree}, but {_name(fun)} returns "
                           f"{out_tree}", "pass one cotangent shaped like the function's output (a tuple for "
                           "several outputs)")
        cts = [_as_type(_OP, "cotangent", c, a, lambda i=i: _leaf_name(ct_tree, i))
               for i, (c, a) in enumerate(zip(ct_leaves, linear.out_types))]
        return tree.unflatten(in_tree, linear.backward(cts))

    transposed.__name__ = transposed.__qualname__ = f"transpose({_name(fun)})"
    return transposed


def _on_device_of(value: Array, x) -> Array:
    return like(value, x) if isinstance(x, Array) and not isinstance(x, Tracer) else value


def _check_inexact(avals: list[ArrayType], what: str) -> None:
    for a in avals:
        if a.dtype not in dtypes.FLOATING:
            raise op_error(TypeError, _OP, f"an {what} has type {a}; transposition is for floating-point and "
                           f"complex values", f"make every {what} floating-point (e.g. x.astype(fnp.float32)), or "
                           "pass integer values the function does not transpose by closing over them")


def _leaf_name(ct_tree, i: int) -> str:
    return "the cotangent" if ct_tree.is_leaf else f"leaf {i} of the cotangent"


def _name(fun) -> str:
    return getattr(fun, "__name__", type(fun).__name__)
