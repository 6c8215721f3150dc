"""fluxion.numpy: the Python array API standard (2024.12) and the NumPy names users reach for.

>>> import fluxion.numpy as fnp
>>> x = fnp.asarray([1.0, 2.0, 3.0])
>>> (x * 2 + 1).tolist()
[3.0, 5.0, 7.0]
"""
from __future__ import annotations

import math as _math

from ..core import dtypes as _dt
from ..core.array import Array
from . import _array_methods, _indexing, fft, linalg
from ._comparison import *  # noqa: F401,F403
from ._creation import *  # noqa: F401,F403
from ._differences import *  # noqa: F401,F403
from ._dtype_functions import *  # noqa: F401,F403
from ._elementwise import *  # noqa: F401,F403
from ._index_arithmetic import *  # noqa: F401,F403
from ._indexing import *  # noqa: F401,F403
from ._interpolation import *  # noqa: F401,F403
from ._linear import *  # noqa: F401,F403
from ._manipulation import *  # noqa: F401,F403
from ._reductions import *  # noqa: F401,F403
from ._sets import *  # noqa: F401,F403
from ._signal import *  # noqa: F401,F403
from ._sorting import *  # noqa: F401,F403
from ._statistics import *  # noqa: F401,F403

__array_api_version__ = "2024.12"

bool = _dt.bool_  # noqa: A001
int8, int16, int32, int64 = _dt.int8, _dt.int16, _dt.int32, _dt.int64
uint8, uint16, uint32, uint64 = _dt.uint8, _dt.uint16, _dt.uint32, _dt.uint64
float16, bfloat16, float32, float64 = _dt.float16, _dt.bfloat16, _dt.float32, _dt.float64
complex64, complex128 = _dt.complex64, _dt.complex128
ndarray = Array

e, pi, inf, nan, newaxis = _math.e, _math.pi, _math.inf, _math.nan, None

_array_methods.install(__import__(__name__, fromlist=["_"]))
