"""jax's `dtypes` names for fluxion's dtypes, so that code written against them carries over.

`float0` is the dtype of the tangent of an integer value (`fx.jvp` takes such tangents);
`canonicalize_dtype` is the dtype an array made with `dtype=` that dtype has here (Python's
`float` gives float32, as Python floats do).

>>> import fluxion as fx
>>> fx.dtypes.canonicalize_dtype(float), fx.dtypes.issubdtype(fx.dtypes.bfloat16, fx.numpy.floating)
(dtype('float32'), True)
>>> fx.dtypes.scalar_type_of(fx.numpy.ones(2)), fx.dtypes.scalar_type_of(fx.numpy.int8(3))
(<class 'float'>, <class 'int'>)
"""
from __future__ import annotations

import numpy as np

from .numpy import (bfloat16 as bfloat16, finfo as finfo, iinfo as iinfo, isdtype as isdtype,
                    issubdtype as issubdtype, promote_types as promote_types, result_type as result_type)
from .numpy._dtype_functions import _dtype
from .transforms.autodiff.api import _FLOAT0 as float0

__all__ = ["bfloat16", "canonicalize_dtype", "finfo", "float0", "iinfo", "isdtype", "issubdtype", "promote_types",
           "result_type", "scalar_type_of"]


def canonicalize_dtype(dtype) -> np.dtype:
    """The dtype of an array made with `dtype=dtype`."""
    return _dtype("canonicalize_dtype", dtype)


def scalar_type_of(x) -> type:
    """The Python scalar type of `x`'s kind: bool, int, float or complex."""
    kind = np.dtype(getattr(x, "dtype", None) or np.result_type(x)).kind
    return {"b": bool, "i": int, "u": int, "f": float, "c": complex}[kind]
