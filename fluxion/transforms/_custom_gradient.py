"""`custom_gradient`: a custom_vjp function written as one function returning `(value, vjp_fn)`.

Reverse mode runs `vjp_fn` later, perhaps inside another program (a loop's transposed body),
so it is staged where `fun` ran, with the cotangents as inputs: the traced values it closes
over become residuals that travel as operands (see _closure_convert.py), and derivatives of
higher order flow through them. `vjp_fn` must therefore be traceable (Python control flow
on cotangents is converted, as under jit).
"""
from __future__ import annotations

import functools
from typing import Callable

from ..core import tree
from ..core.array import to_array
from ..core.errors import op_error, require_callable
from ._closure_convert import hoisted, stage
from .autodiff.custom import _describe, custom_vjp

_OP = "custom_gradient"


def custom_gradient(fun: Callable) -> Callable:
    """A function differentiated with the gradient rule it returns: `fun(*args)` gives `(value, vjp_fn)`.

    `vjp_fn(cotangent)` maps a cotangent shaped like `value` to a tuple with one cotangent per
    argument passed (None for zero; a single cotangent alone may stand for a 1-tuple), so
    arguments are passed positionally. The function is made with custom_vjp: it works under
    grad, vjp, jit and vmap, and forward mode refuses it. A second derivative differentiates
    `vjp_fn` with respect to the values it closes over.

    >>> import fluxion as fx, fluxion.numpy as fnp
    >>> @fx.custom_gradient
    ... def f(x):
    ...     return x ** 2, lambda g: (g * x,)
    >>> float(f(3.0)), float(fx.grad(f)(3.0)), float(fx.grad(fx.grad(f))(3.0))
    (9.0, 3.0, 1.0)
    """
    require_callable(_OP, fun)
    name = getattr(fun, "__name__", type(fun).__name__)

    def split(result) -> tuple:
        if not (isinstance(result, (tuple, list)) and len(result) == 2 and callable(result[1])):
            raise op_error(TypeError, _OP, f"{name} returned {_describe(result)}; it must return a pair "
                           "(value, vjp_fn) whose second item is a function of the value's cotangent",
                           "return (value, lambda g: (g * ...,)), with one cotangent per argument")
        return result

    def value(*args):
        return split(fun(*args))[0]

    # named as `fun`, but without its signature: the arguments stay as passed (defaults left out, as jax's)
    value.__name__ = value.__qualname__ = name

    def fwd(*args):
        out, vjp_fn = split(fun(*args))
        leaves, in_tree = tree.flatten((out,))  # vjp_fn's one argument: a cotangent shaped like `out`
        program, ct_tree = stage(vjp_fn, in_tree, [to_array(x).aval for x in leaves], _OP)
        staged_vjp, consts = hoisted(program, in_tree, ct_tree, _OP)
        return out, (staged_vjp, len(args), consts)

    def bwd(res, cotangent):
        staged_vjp, nargs, consts = res
        cts = staged_vjp(cotangent, *consts)
        if not isinstance(cts, (tuple, list)):
            cts = (cts,)
        if len(cts) != nargs:
            raise op_error(TypeError, _OP, f"the vjp_fn of {name} returned {len(cts)} cotangents for {nargs} "
                           f"argument{'s' if nargs != 1 else ''}", "return a tuple with one cotangent per argument "
                           "(None for zero), e.g. (g * y, g * x) for f(x, y)")
        return tuple(cts)

    with_rule = custom_vjp(value)
    with_rule.defvjp(fwd, bwd)

    @functools.wraps(fun)
    def call(*args, **kwargs):
        if kwargs:
            raise op_error(TypeError, _OP, f"{name} was called with keyword arguments ({', '.join(kwargs)}); "
                           "its vjp_fn gives one cotangent per positional argument", "pass them positionally")
        return with_rule(*args)

    return call
