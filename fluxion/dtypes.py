"""jax's `dtypes` names for fluxion's dtypes, so that code written against them carries over.

`float0` is the dtype of the tangent of an integer value (`fx.jvp` takes such tangents);
`canonicalize_dtype` is the dtype an array of the given dtype has here.

>>> import fluxion as fx
>>> fx.dtypes.canonicalize_dtype("float64"), fx.dtypes.issubdtype(fx.dtypes.bfloat16, fx.numpy.floating)
(dtype('float64'), True)
>>> fx.dtypes.scalar_type_of(fx.numpy.ones(2)), fx.dtypes.scalar_type_of(fx.numpy.int8(3))
(<class 'float'>, <class 'int'>)
"""
from __future__ import annotations

import numpy as np

from .numpy import (bfloat16 as bfloat16, finfo as finfo, iinfo as iinfo, isdtype as isdtype,
                    issubdtype as issubdtype, promote_types as promote_types, result_type as result_type)
from .numpy import dtype as canonicalize_dtype
from .transforms.autodiff.api import _FLOAT0 as float0

__all__ = ["bfloat16", "canonicalize_dtype", "finfo", "float0", "iinfo", "isdtype", "issubdtype", "promote_types",
           "result_type", "scalar_type_of"]


def scalar_type_of(x) -> type:
    """The Python scalar type of `x`'s kind: bool, int, float or complex."""
    kind = np.dtype(getattr(x, "dtype", None) or np.result_type(x)).kind
    return {"b": bool, "i": int, "u": int, "f": float, "c": complex}[kind]
