"""Turning the arguments of a `fluxion.lax` function into Arrays, as jax.lax takes them.

jax.lax does not promote: the array operands of one operation share a dtype. Python scalars
(and other weakly typed values) take the dtype of the arrays they meet when their kind fits
in it; an integer array meeting a Python float, or arrays of two dtypes, reach the
primitive unchanged, whose error names the dtypes and the fix.
"""
from __future__ import annotations

from typing import Union

import numpy as np

from ..core import dtypes
from ..core.array import Array, scalar_value, to_array
from ..ops import elementwise as E

ArrayLike = Union[Array, np.ndarray, np.generic, bool, int, float, complex]
DTypeLike = Union[str, type, np.dtype]

_SCALARS = (bool, int, float, complex)


def as_array(x) -> Array:
    """`x` as an Array (Python scalars stay weak)."""
    return x if isinstance(x, Array) else to_array(x)


def operands(*args) -> list[Array]:
    """`args` as Arrays of one dtype where jax.lax would accept them, else as they are.

    >>> import fluxion.numpy as fnp
    >>> [str(x.dtype) for x in operands(fnp.zeros(2, dtype=fnp.float64), 1)]
    ['float64', 'float64']
    """
    first = args[0]
    if first.__class__ is Array:  # the common case, kept fast: arrays of one dtype
        dt = first.dtype
        if all(a.__class__ is Array and a.dtype == dt for a in args[1:]):
            return list(args)
    xs = [as_array(a) for a in args]
    strong = {x.dtype for x in xs if not x.weak}
    if len(strong) > 1:
        return xs  # the primitive names the mismatch
    dt, weak = dtypes.result_type(*((x.dtype, x.weak) for x in xs))
    if strong and dt not in strong:
        return xs  # a weak value of a higher kind: jax.lax refuses it, so does the primitive
    return [x if x.dtype == dt else _convert(a, x, dt, weak) for a, x in zip(args, xs)]


def _convert(arg, x: Array, dt: np.dtype, weak: bool) -> Array:
    if isinstance(arg, _SCALARS) and not isinstance(arg, np.generic):
        return Array(scalar_value(arg, dt), weak)  # exact, and an error naming the fix when it does not fit
    return E.convert_element_type_p.bind(x, new_dtype=dt, weak=weak)


def named(f, name: str, doc: str):
    """`f` under jax.lax's name `name`, with docstring `doc` (for the functions the factories make)."""
    f.__name__ = f.__qualname__ = name
    f.__doc__ = doc
    return f


def unary(name: str, prim, doc: str):
    """The function `name(x)` of jax.lax that binds `prim` on `x`, with docstring `doc`."""
    def f(x: ArrayLike) -> Array:
        return prim.bind(as_array(x))
    return named(f, name, doc)


def binary(name: str, prim, doc: str):
    """The function `name(x, y)` of jax.lax that binds `prim` on `x` and `y` of one dtype
    (see `operands`), with docstring `doc`."""
    def f(x: ArrayLike, y: ArrayLike) -> Array:
        return prim.bind(*operands(x, y))
    return named(f, name, doc)
