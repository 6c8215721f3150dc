"""Checks shared by the samplers: shapes, dtypes and parameters, with errors that name the fix."""
from __future__ import annotations

import operator
from typing import Any, Sequence, Union

import numpy as np

from ..core import dtypes
from ..core.array import Array, to_array
from ..core.errors import ConcretizationError, DTypeError, ShapeError, op_error
from ..numpy._convert import convert
from ..ops._util import broadcast_shape, broadcasts_to

# annotations of the public samplers
Shape = Union[int, Sequence[int]]
DTypeLike = Any  # a fluxion dtype, a NumPy dtype or scalar type, a Python type or a dtype name
ArrayLike = Any  # an Array, a NumPy array or a Python scalar


def const(value, dt: np.dtype) -> Array:
    """A 0-d constant of dtype `dt`."""
    return Array(np.array(value, dt))


def like(value, x: Array) -> Array:
    """A 0-d constant of `x`'s dtype."""
    return Array(np.array(value, x.dtype))


def canonical_shape(op: str, shape) -> tuple[int, ...]:
    """`shape` (an int or a sequence of ints) as a tuple of non-negative Python ints."""
    try:
        out = (operator.index(shape),) if not isinstance(shape, (tuple, list)) else tuple(map(operator.index, shape))
    except ConcretizationError:  # (a traced size: its own message says to make it static)
        raise
    except TypeError:
        raise op_error(TypeError, op, f"shape must be a tuple of ints, got {shape!r}",
                       "pass shape as a tuple of Python ints, e.g. shape=(3, 2)") from None
    if out and min(out) < 0:
        raise op_error(ShapeError, op, f"shape {out} has a negative size", "use sizes >= 0")
    return out


def float_dtype(op: str, dtype, complex_ok: bool = False) -> np.dtype:
    """`dtype` canonicalised; a DTypeError unless it is a real (or, if allowed, complex) float."""
    dt = dtypes.canonicalize(dtype)
    allowed = dtypes.FLOATING if complex_ok else dtypes.REAL_FLOATING
    if dt not in allowed:
        kinds = "floating-point" if complex_ok else "real floating-point"
        raise op_error(DTypeError, f"random.{op}", f"dtype {dt} is not a {kinds} dtype",
                       "pass dtype=fnp.float32 (or float16, bfloat16, float64)"
                       + ("; for integers use fx.random.randint" if dt in dtypes.INTEGER else ""))
    return dt


def compute_dtype(dt: np.dtype) -> np.dtype:
    """The dtype a sampler computes in: 16-bit floats work in float32 and round once at the end."""
    return dtypes.float32 if dt in (dtypes.float16, dtypes.bfloat16) else dt


def float_param_dtype(x: Array) -> np.dtype:
    """The dtype a parameter such as a probability or a rate computes in: its own real float
    dtype (float32 for 16-bit floats, integers and booleans)."""
    return compute_dtype(x.dtype) if x.dtype in dtypes.REAL_FLOATING else dtypes.float32


def draw_dtype(x: Array) -> np.dtype:
    """The dtype a sampler draws in for a parameter such as a probability or logits, as jax does:
    its own real float dtype (16-bit floats included), float32 for integers and booleans."""
    return x.dtype if x.dtype in dtypes.REAL_FLOATING else dtypes.float32


def param(op: str, name: str, value, dt: np.dtype) -> Array:
    """A distribution parameter as a strong Array of dtype `dt` (real numbers only)."""
    x = to_array(value)
    if x.dtype in dtypes.COMPLEX:
        raise op_error(DTypeError, f"random.{op}", f"{name} has complex dtype {x.dtype}", f"pass a real {name}")
    # Python numbers and sequences convert to `dt` exactly (as float32, `x` may have rounded them)
    return convert(x if isinstance(value, Array) else to_array(value, dt), dt)


def sample_shape(op: str, shape, *shapes: tuple[int, ...]) -> tuple[int, ...]:
    """The output shape: `shape` if given (the parameters' `shapes` must broadcast to it), else theirs."""
    if shape is not None:
        shape = canonical_shape(f"random.{op}", shape)
        if all(broadcasts_to(s, shape) for s in shapes):
            return shape
        problem = f"parameters of shapes {', '.join(map(str, shapes))} do not broadcast to shape {shape}"
    else:
        if (shape := broadcast_shape(*shapes)) is not None:
            return shape
        problem = f"parameters of shapes {', '.join(map(str, shapes))} do not broadcast together"
    raise op_error(ShapeError, f"random.{op}", problem,
                   "make the parameters broadcast together and pass a shape they broadcast to (or shape=None)")


def float_params(op: str, dtype, shape, params: dict, joint: bool = False) -> tuple[np.dtype, tuple[int, ...], list]:
    """The setup of a float sampler: its dtype, its output shape and its parameters as Arrays of
    the compute dtype. `joint=True` broadcasts `shape` with the parameters' shapes (for samplers
    whose `shape` defaults to ()), instead of requiring them to broadcast to it."""
    dt = float_dtype(op, dtype)
    arrays = [param(op, name, value, compute_dtype(dt)) for name, value in params.items()]
    shapes = [x.shape for x in arrays]
    if joint:
        shapes.append(canonical_shape(f"random.{op}", shape))
        shape = None
    return dt, sample_shape(op, shape, *shapes), arrays


def count_params(op: str, dtype, shape, name: str, value, invalid: str) -> tuple[np.dtype, tuple[int, ...], Array]:
    """The setup of a sampler of counts: its signed integer dtype, its output shape and its one
    parameter in its own float dtype (`invalid` names the parameters that give -1)."""
    dt = dtypes.canonicalize(dtype)
    if dt not in dtypes.SIGNED:
        raise op_error(DTypeError, f"random.{op}", f"dtype {dt} is not a signed integer dtype",
                       f"pass dtype=fnp.int64 or fnp.int32 ({invalid} give -1)")
    x = to_array(value)
    x = param(op, name, x, float_param_dtype(x))
    return dt, sample_shape(op, shape, x.shape), x
