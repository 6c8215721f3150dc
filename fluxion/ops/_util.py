"""Helpers shared by the primitive families: type checks that raise errors naming the fix."""
from __future__ import annotations

import math
import operator
from typing import Sequence

import numpy as np

from ..core import dtypes
from ..core.array import Array
from ..core.errors import AxisError, DTypeError, ShapeError, op_error
from ..core.primitive import Primitive, abstract_eval
from ..core.types import ArrayType


def broadcast_shapes(op: str, *shapes: tuple[int, ...]) -> tuple[int, ...]:
    if all(s == shapes[0] for s in shapes):
        return shapes[0]
    shape = broadcast_shape(*shapes)
    if shape is None:
        raise op_error(ShapeError, op, f"shapes {', '.join(map(str, shapes))} cannot be broadcast together",
                       "make each trailing dimension equal or 1 (e.g. x[:, None] adds an axis)")
    return shape


def broadcast_shape(*shapes: Sequence[int]) -> tuple[int, ...] | None:
    """NumPy's broadcast of `shapes`, or None where they do not broadcast. (np.broadcast_shapes
    stops at 32 dimensions; arrays have up to 64.)"""
    ndim = max(map(len, shapes), default=0)
    out = [1] * ndim
    for shape in shapes:
        for i, d in enumerate(shape, ndim - len(shape)):
            if d != 1 and d != out[i]:
                if out[i] != 1:
                    return None
                out[i] = d
    return tuple(out)


def broadcasts_to(shape: tuple[int, ...], target: tuple[int, ...]) -> bool:
    """Whether `shape` broadcasts (NumPy-style) to exactly `target`."""
    return len(shape) <= len(target) and all(a in (1, b) for a, b in zip(shape[::-1], target[::-1]))


def around_axis(shape: tuple[int, ...], axis: int) -> tuple[int, int, int]:
    """`shape` as three axes, those before `axis` merged, `axis`, and those after merged: a shape
    that functions working along one axis take whatever the number of dimensions."""
    axis %= len(shape)
    return math.prod(shape[:axis]), shape[axis], math.prod(shape[axis + 1:])


def same_dtypes(op: str, avals: Sequence[ArrayType]) -> np.dtype:
    dt = avals[0].dtype
    if any(a.dtype != dt for a in avals[1:]):
        raise op_error(DTypeError, op, f"operands have dtypes {', '.join(str(a.dtype) for a in avals)}",
                       "convert them to one dtype with .astype(...) (fluxion.numpy's functions promote for you)")
    return dt


_KIND_WORDS = {dtypes.FLOATING: "floating-point", dtypes.REAL_FLOATING: "real floating-point",
               dtypes.INTEGER: "integer", dtypes.NUMERIC: "numeric"}


def check_dtype(op: str, dt: np.dtype, allowed: tuple) -> None:
    if dt not in allowed:
        words = _KIND_WORDS.get(allowed) or " or ".join(sorted({str(d) for d in allowed}))
        raise op_error(DTypeError, op, f"does not accept dtype {dt}; it takes {words} arrays",
                       f"convert with .astype(...) to a {words} dtype")


def check_preferred(op: str, dt: np.dtype, preferred: np.dtype) -> None:
    """That a product of `dt` operands can accumulate in `preferred`, as in XLA: a dtype of the same
    kind at least as wide (integers: of the same signedness, or signed and wider than unsigned
    operands), or floating for integer operands."""
    kind, pkind = dtypes.kind(dt), dtypes.kind(preferred)
    ok = kind == pkind and preferred.itemsize >= dt.itemsize
    if ok and kind == dtypes.INT and dtypes.is_unsigned(dt) != dtypes.is_unsigned(preferred):
        ok = dtypes.is_unsigned(dt) and preferred.itemsize > dt.itemsize
    if not (ok or (kind == dtypes.INT and pkind == dtypes.FLOAT)) or preferred not in dtypes.NUMERIC:
        raise op_error(DTypeError, op, f"cannot accumulate {dt} operands in preferred_element_type={preferred}",
                       "pass a dtype of the same kind at least as wide (a signed integer wider than unsigned "
                       "operands; a float for integers), or None")


def one_int(x) -> bool:
    """Whether `x` is one integer as NumPy takes an axis: an int, a NumPy integer, or a 0-d
    array of an integer dtype (a traced one then says it must be static)."""
    return isinstance(x, (int, np.integer)) or isinstance(x, (np.ndarray, Array)) and x.ndim == 0 \
        and x.dtype.kind in "iu"


def axis_index(op: str, axis: int, ndim: int) -> int:
    """Normalise a possibly negative axis, raising an error that names the fix when out of range."""
    if axis.__class__ is not int:
        if not one_int(axis) and (isinstance(axis, (Sequence, np.ndarray)) or not hasattr(axis, "__index__")):
            raise op_error(DTypeError, op, f"axis must be an int, got {axis!r}", "pass one axis as a Python int")
        axis = operator.index(axis)
    if not -ndim <= axis < max(ndim, 1) or (ndim == 0 and axis not in (0, -1)):
        fix = f"use an axis in [{-ndim}, {ndim - 1}]" if ndim else "a 0-d array has no axis: reshape it to 1-d"
        raise op_error(AxisError, op, f"axis {axis} is out of range for an array of {ndim} dimensions", fix)
    return axis % ndim if ndim else 0


def define(name: str, rule, multiple_results: bool = False) -> Primitive:
    """A new primitive with its abstract evaluation rule."""
    p = Primitive(name, multiple_results)
    abstract_eval[p] = rule
    return p
