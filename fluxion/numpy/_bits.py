"""Packing booleans into the bits of uint8 bytes (packbits) and back (unpackbits)."""
from __future__ import annotations

import operator

import numpy as np

from .. import numpy as fnp
from ..backends.numpy._util import MAX_NUMPY_DIMS
from ..core import dtypes
from ..core.array import Array
from ..core.errors import DTypeError, op_error
from ..core.interpreters import EAGER, _ctx
from ._elementwise_base import eager_array
from ..ops._util import axis_index

__all__ = ["packbits", "unpackbits"]


def _along_last(op: str, a, axis) -> tuple[Array, int | None]:
    """`a` with `axis` moved last (flattened when None), and where to move it back to."""
    a = a if isinstance(a, Array) else fnp.asarray(a)
    if axis is None:
        return fnp.ravel(a), None
    axis = axis_index(op, operator.index(axis), a.ndim)
    return fnp.moveaxis(a, axis, -1), axis


def _weights(op: str, bitorder: str) -> Array:
    """The value of each of the 8 bits of a byte, in the order `bitorder` lists them."""
    if bitorder not in ("big", "little"):
        raise op_error(ValueError, op, f"bitorder must be 'big' or 'little', got {bitorder!r}",
                       "pass bitorder='big' (most significant bit first) or 'little'")
    shifts = fnp.arange(8, dtype=dtypes.uint8)
    return shifts[::-1] if bitorder == "big" else shifts


def packbits(a, /, axis: int | None = None, bitorder: str = "big") -> Array:
    """The truth values of `a` (integers or booleans) packed 8 to a uint8 along `axis` (the
    flattened array when None), the last byte padded with zero bits.

    >>> import fluxion.numpy as fnp
    >>> fnp.packbits(fnp.asarray([1, 0, 1, 1, 0, 0, 0, 0, 1])).tolist()
    [176, 128]
    """
    x, axis = _along_last("packbits", a, axis)
    if not (x.dtype in dtypes.INTEGER or x.dtype == dtypes.bool_):
        raise op_error(DTypeError, "packbits", f"packs integers or booleans, got dtype {x.dtype}",
                       "convert with x != 0 or .astype(int) first")
    shifts = _weights("packbits", bitorder)
    if _eager(x):  # kept fast: NumPy's
        out = eager_array(np.packbits(x._value, -1, bitorder), False)
    else:
        n = x.shape[-1]
        bits = fnp.astype(x != 0, dtypes.uint8)
        bits = fnp.pad(bits, [(0, 0)] * (x.ndim - 1) + [(0, -n % 8)])
        bits = fnp.reshape(bits, bits.shape[:-1] + (bits.shape[-1] // 8, 8))
        out = fnp.sum(fnp.left_shift(bits, shifts), axis=-1, dtype=dtypes.uint8)
    return out if axis is None else fnp.moveaxis(out, -1, axis)


def _eager(x: Array) -> bool:
    return x.__class__ is Array and _ctx.interp is EAGER and x.ndim <= MAX_NUMPY_DIMS


def unpackbits(a, /, axis: int | None = None, count: int | None = None, bitorder: str = "big") -> Array:
    """The bits of the uint8 array `a` along `axis` (flattened when None) as a uint8 array of
    0s and 1s; `count` keeps that many bits (a negative one drops bits from the end; more than
    there are pads with zeros).

    >>> import fluxion.numpy as fnp
    >>> fnp.unpackbits(fnp.asarray([176], dtype=fnp.uint8)).tolist()
    [1, 0, 1, 1, 0, 0, 0, 0]
    """
    x, axis = _along_last("unpackbits", a, axis)
    if x.dtype != dtypes.uint8:
        raise op_error(DTypeError, "unpackbits", f"unpacks uint8 bytes, got dtype {x.dtype}",
                       "convert with .astype(fnp.uint8) first")
    shifts = _weights("unpackbits", bitorder)
    total = 8 * x.shape[-1]
    if count is not None:
        count = operator.index(count)
        if count < -total:
            raise op_error(ValueError, "unpackbits", f"count={count} drops more than the {total} bits there are",
                           f"pass a count >= {-total}")
    if _eager(x):  # kept fast: NumPy's (the padding of count > total our own: NumPy's is unset for no bytes)
        bits = np.unpackbits(x._value, -1, None if count is not None and count > total else count, bitorder)
        if count is not None and count > total:
            bits = np.pad(bits, [(0, 0)] * (bits.ndim - 1) + [(0, count - total)])
        bits = eager_array(bits, False)
    else:
        bits = fnp.bitwise_and(fnp.right_shift(x[..., None], shifts), fnp.asarray(1, dtype=dtypes.uint8))
        bits = fnp.reshape(bits, x.shape[:-1] + (total,))
        if count is not None:
            keep = total + count if count < 0 else count
            pads = [(0, 0)] * (bits.ndim - 1) + [(0, keep - total)]
            bits = bits[..., :keep] if keep <= total else fnp.pad(bits, pads)
    return bits if axis is None else fnp.moveaxis(bits, -1, axis)
