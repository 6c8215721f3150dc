"""fluxion.numpy's dtype names (`fnp.float32`, ...) as NumPy's scalar types are: usable wherever a
dtype is, and callable to convert (`fnp.float32(0.5)`, `fnp.int32(x)`).

Each is a class whose metaclass makes it stand for its dtype: it compares equal to the NumPy
dtype and hashes as it does (so dtype-keyed dicts work both ways), NumPy reads it as the dtype
through its `dtype` attribute, and it answers the dtype's descriptive attributes (`itemsize`,
`kind`, `name`, ...). Calling one gives a 0-d or n-d fluxion Array of that dtype, as jax's do
(NumPy's give NumPy scalars); the conversion is `astype`, so it is traced and differentiated.

>>> import fluxion.numpy as fnp, numpy as np
>>> fnp.float32(0.5)
Array(0.5, dtype=float32)
>>> fnp.float32 == np.dtype("float32"), fnp.zeros(2, fnp.int8).dtype == fnp.int8, fnp.float64.itemsize
(True, True, 8)
"""
from __future__ import annotations

import numpy as np

from ..core import dtypes
from ..core.array import Array
from ._creation import asarray
from ._dtype_functions import astype

# the dtype's attributes a scalar type answers (not `shape` or `ndim`: it must not pass for an array)
_DESCRIPTIVE = frozenset({"name", "itemsize", "kind", "char", "num", "str", "alignment", "byteorder", "type",
                          "isbuiltin", "isnative", "descr", "metadata"})


class _ScalarType(type):
    dtype: np.dtype

    def __call__(cls, x=0) -> Array:
        """`x` converted to this dtype (0 when called with nothing, as NumPy's types give)."""
        return astype(x, cls.dtype) if isinstance(x, Array) else asarray(x, dtype=cls.dtype)

    def __eq__(cls, other) -> bool:
        # (not NumPy's dtype(None), which is float64: a missing dtype is no dtype)
        return cls is other or other is not None and cls.dtype == other

    def __hash__(cls) -> int:
        return hash(cls.dtype)

    def __getattr__(cls, name: str):
        if name in _DESCRIPTIVE:
            return getattr(cls.dtype, name)
        raise AttributeError(f"type object {cls.__name__!r} has no attribute {name!r}")


def scalar_type(name: str, dtype: np.dtype) -> type:
    """The scalar type `fluxion.numpy.<name>` standing for `dtype`."""
    cls = _ScalarType(name, (), {"dtype": dtype, "__module__": "fluxion.numpy",
                                 "__doc__": f"The {dtype} dtype; called, converts its argument to it."})
    dtypes.alias(cls, dtype)
    return cls
