"""What the products of `_linear`, `_einsum` and `linalg` share: operand promotion, checked
`dot_general` calls and taking diagonals."""
from __future__ import annotations

import numpy as np

from ..core import dtypes
from ..core.array import Array, to_array
from ..core.errors import DTypeError, ShapeError, op_error
from ..core.interpreters import EAGER, _ctx
from ..core.primitive import numpy_kernel
from ..ops import elementwise as E
from ..ops import linalg as L
from ..ops import shape as S
from ._convert import convert, promote
from ._elementwise_base import eager_array

_ZERO_I32 = Array(np.zeros((), np.int32))


def _same(out: Array) -> Array:
    return out


def _nonzero(out: Array) -> Array:
    return E.ne_p.bind(out, _ZERO_I32)


def preferred(op: str, xs: tuple, preferred_element_type) -> tuple:
    """The operands converted to jax's `preferred_element_type` (None: as they are), so that
    the products accumulate in it and the result has it (int8 operands summed in int32). The
    dtype may be of the operands' kind or a wider kind (integers may accumulate in a float)."""
    if preferred_element_type is None:
        return xs
    dt = dtypes.canonicalize(preferred_element_type)
    xs = tuple(map(to_array, xs))
    widest = max(xs, key=lambda x: dtypes.kind(x.dtype)).dtype
    if dtypes.kind(dt) < dtypes.kind(widest):
        raise op_error(DTypeError, op, f"cannot accumulate {widest} operands in preferred_element_type={dt}",
                       "pass a dtype of the operands' kind or a wider one (integers may accumulate in a float), "
                       "or None")
    return tuple(convert(x, dt) for x in xs)


def operands(op: str, *xs) -> tuple[list[Array], object]:
    """Promoted operands and the function that finishes the result.

    Booleans are multiplied and summed as int32 and the result compared with zero (an OR
    of ANDs, as NumPy computes boolean products).
    """
    xs = promote(op, *xs)
    if xs[0].dtype != dtypes.bool_:
        return xs, _same
    return [convert(x, dtypes.int32) for x in xs], _nonzero


# the dtypes dot_general's kernel computes in as they are (booleans go via int32, 16-bit floats via float32)
_KERNEL_DTYPES = frozenset(dtypes.INTEGER + dtypes.WIDE_FLOATING)


def eager_pair(x1, x2) -> bool:
    """Whether `x1` and `x2` are eager Arrays of one dtype that dot_general's kernel takes as it is."""
    return (x1.__class__ is Array and x2.__class__ is Array and _ctx.interp is EAGER
            and (dt := x1._value.dtype) is x2._value.dtype and dt in _KERNEL_DTYPES)


def eager_dot(u: np.ndarray, w: np.ndarray, dimension_numbers, weak: bool) -> Array:
    """dot_general's kernel on the values of an `eager_pair` whose contracted sizes match: the
    general path's result, without its promotion and abstract evaluation."""
    kernel = numpy_kernel[L.dot_general_p]
    return eager_array(kernel(u, w, dimension_numbers=dimension_numbers, preferred_element_type=None), weak)


def conj(x: Array) -> Array:
    return E.conj_p.bind(x) if x.dtype in dtypes.COMPLEX else x


def contract(op: str, x1: Array, x2: Array, c1: tuple, c2: tuple, b1: tuple = (), b2: tuple = (),
        fix: str = "contracted axes must have equal sizes") -> Array:
    """`dot_general` contracting axes `c1` of x1 with `c2` of x2 (batch `b1`, `b2`), sizes checked under `op`."""
    for a, b in zip(c1, c2):
        if x1.shape[a] != x2.shape[b]:
            raise op_error(ShapeError, op, f"axis {a} of x1 (shape {x1.shape}) has size {x1.shape[a]} but axis {b} of x2 "
                           f"(shape {x2.shape}) has size {x2.shape[b]}", fix)
    return L.dot_general_p.bind(x1, x2, dimension_numbers=((c1, c2), (b1, b2)), preferred_element_type=None)


def move_last(x: Array, axis: int) -> Array:
    """`x` with (non-negative) `axis` moved to the end."""
    n = x.ndim
    return S.transpose(x, tuple(d for d in range(n) if d != axis) + (axis,))


def diagonal(x: Array, offset: int, axis1: int, axis2: int) -> Array:
    """The `offset` diagonal over non-negative `axis1`, `axis2`, as a new last axis (a strided slice)."""
    if x.__class__ is Array and _ctx.interp is EAGER:  # kept fast: NumPy's diagonal, copied as slices are
        return eager_array(np.diagonal(x._value, offset, axis1, axis2).copy(), x._weak)
    nd = x.ndim
    x = S.transpose(x, tuple(d for d in range(nd) if d not in (axis1, axis2)) + (axis1, axis2))
    n, m = x.shape[-2:]
    k = max(0, min(n, m - offset) if offset >= 0 else min(n + offset, m))
    start = offset if offset >= 0 else -offset * m
    # element (i, i + offset) sits at i * (m + 1) + start of the flattened matrix
    lo, hi = (start, start + (k - 1) * (m + 1) + 1) if k else (0, 0)
    flat = S.reshape(x, x.shape[:-2] + (n * m,))
    batch = flat.shape[:-1]
    return S.slice(flat, (0,) * len(batch) + (lo,), batch + (hi,), (1,) * len(batch) + (m + 1,))
