"""Array creation: asarray and friends."""
from __future__ import annotations

import numpy as np

from ..core import dtypes
from ..core.array import Array, to_array
from ..core.device import CPU, Device
from ..core.errors import DTypeError, op_error
from ._convert import convert

__all__ = ["asarray", "array"]

_SCALARS = (bool, int, float, complex)


def _check_device(device) -> None:
    if device is None or device == CPU or device == "cpu":
        return
    if isinstance(device, Device):
        raise op_error(ValueError, "asarray", f"device {device} is not available to the NumPy backend",
                       "use fx.device_put(x, device) with the XLA backend, or device=None")
    raise op_error(TypeError, "asarray", f"{device!r} is not a device", "pass one of fx.devices()")


def _leaves(obj, out: list) -> None:
    if isinstance(obj, (list, tuple)):
        for o in obj:
            _leaves(o, out)
    else:
        out.append(obj)


def _default_dtype(obj) -> np.dtype | None:
    """The dtype nested Python data gets: Python scalars are weak, arrays inside are strong."""
    leaves: list = []
    _leaves(obj, leaves)
    kinds = []
    for leaf in leaves:
        if isinstance(leaf, _SCALARS) and not isinstance(leaf, np.generic):
            kinds.append((dtypes.scalar_dtype(leaf), True))
        elif isinstance(leaf, (Array, np.ndarray, np.generic)):
            kinds.append((dtypes.canonicalize(leaf.dtype), False))
        else:
            return None
    if not kinds:
        return dtypes.default_float
    dt, _ = dtypes.result_type(*kinds)
    return dt


def asarray(obj, /, *, dtype=None, device=None, copy: bool | None = None) -> Array:
    """Convert `obj` (an Array, NumPy array, nested sequence or Python scalar) to an Array.

    Python floats become float32 and ints int64 unless `dtype` says otherwise; NumPy arrays
    keep their dtype (float64 stays float64).

    >>> import fluxion.numpy as fnp
    >>> fnp.asarray([1, 2.5]).dtype
    dtype('float32')
    """
    _check_device(device)
    if dtype is not None:
        dtype = dtypes.canonicalize(dtype)
    if isinstance(obj, Array):
        if dtype is None or dtype == obj.dtype:
            return obj.copy() if copy else obj
        if copy is False:
            raise ValueError(f"asarray: converting {obj.dtype} to {dtype} needs a copy, but copy=False was passed")
        return convert(obj, dtype)
    if isinstance(obj, _SCALARS) and not isinstance(obj, np.generic):
        return convert(obj, dtype or dtypes.scalar_dtype(obj))
    if isinstance(obj, (list, tuple)):
        target = dtype or _default_dtype(obj)
        if target is not None and target.kind in "iu":
            _check_ints(obj, target)
        obj = [np.asarray(o) if isinstance(o, Array) else o for o in obj] if any(isinstance(o, Array) for o in obj) else obj
        value = np.array(obj, dtype=target)
        return Array(value) if value.dtype in dtypes.ALL else to_array(value)
    if copy is False and dtype is not None and np.asarray(obj).dtype != dtype:
        raise ValueError(f"asarray: converting to {dtype} needs a copy, but copy=False was passed")
    value = np.array(obj, dtype=dtype, copy=copy is not False)
    if value.dtype not in dtypes.ALL:
        if value.dtype == object or value.dtype.kind in "USVMm":
            raise op_error(DTypeError, "asarray", f"cannot make an array of dtype {value.dtype} from {type(obj).__name__}",
                           "pass numbers, booleans, or arrays of a numeric dtype")
        value = value.astype(dtypes.canonicalize(value.dtype))
    return Array(value)


def _check_ints(obj, dt: np.dtype) -> None:
    leaves: list = []
    _leaves(obj, leaves)
    info = np.iinfo(dt)
    for leaf in leaves:
        if isinstance(leaf, int) and not isinstance(leaf, bool) and not info.min <= leaf <= info.max:
            raise OverflowError(f"Python int {leaf} does not fit in {dt}")


def array(obj, dtype=None, *, copy: bool = True, device=None) -> Array:
    """NumPy's `array`: like `asarray` (fluxion arrays never share mutable memory)."""
    return asarray(obj, dtype=dtype, copy=copy, device=device)
