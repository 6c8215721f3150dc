"""fluxion.numpy: the Python array API standard (2025.12) and the NumPy names users reach for.

>>> import fluxion.numpy as fnp
>>> x = fnp.asarray([1.0, 2.0, 3.0])
>>> (x * 2 + 1).tolist()
[3.0, 5.0, 7.0]
"""
import math as _math

import numpy as _np

from ..core import dtypes as _dt
from ..core.array import Array
from . import _array_methods, _indexing, fft, linalg
from ._bits import *  # noqa: F401,F403
from ._comparison import *  # noqa: F401,F403
from ._choosing import *  # noqa: F401,F403
from ._creation import *  # noqa: F401,F403
from ._diagonals import *  # noqa: F401,F403
from ._differences import *  # noqa: F401,F403
from ._dtype_functions import *  # noqa: F401,F403
from ._elementwise import *  # noqa: F401,F403
from ._functional import *  # noqa: F401,F403
from ._histogramdd import *  # noqa: F401,F403
from ._host import *  # noqa: F401,F403
from ._index_arithmetic import *  # noqa: F401,F403
from ._index_tricks import *  # noqa: F401,F403
from ._indexing import *  # noqa: F401,F403
from ._inspection import *  # noqa: F401,F403
from ._interpolation import *  # noqa: F401,F403
from ._linear import *  # noqa: F401,F403
from ._manipulation import *  # noqa: F401,F403
from ._manipulation_numpy import *  # noqa: F401,F403
from ._repeating import *  # noqa: F401,F403
from ._padding import *  # noqa: F401,F403
from ._polynomial import *  # noqa: F401,F403
from ._reductions import *  # noqa: F401,F403
from ._sets import *  # noqa: F401,F403
from ._signal import *  # noqa: F401,F403
from ._sorting import *  # noqa: F401,F403
from ._statistics import *  # noqa: F401,F403
from . import _ufunc
from ._ufunc import *  # noqa: F401,F403
from ._windows import *  # noqa: F401,F403
from ._scalar_types import scalar_type as _scalar_type

__array_api_version__ = "2025.12"

# the dtypes, as NumPy's scalar types are: dtypes that convert when called (_scalar_types.py)
bool = _scalar_type("bool", _dt.bool_)  # noqa: A001
int8, int16, int32, int64, uint8, uint16, uint32, uint64, float16, bfloat16, float32, float64, complex64, complex128 = (
    _scalar_type(name, getattr(_dt, name)) for name in ("int8", "int16", "int32", "int64", "uint8", "uint16", "uint32",
                                                        "uint64", "float16", "bfloat16", "float32", "float64",
                                                        "complex64", "complex128"))
ndarray = Array
dtype = _np.dtype
# NumPy's names for the default-sized types, and its abstract type hierarchy (for issubdtype)
bool_, int_, uint, single, double, csingle, cdouble = bool, int64, uint64, float32, float64, complex64, complex128
float_, complex_ = float64, complex128
# its C-named aliases, as on 64-bit Linux
half, byte, ubyte, short, ushort, intc, uintc = float16, int8, uint8, int16, uint16, int32, uint32
long, ulong, longlong, ulonglong, intp, uintp = int64, uint64, int64, uint64, int64, uint64
ndindex = _np.ndindex  # (shapes are Python tuples: NumPy's iterator over their indices serves as it is)
generic, number, integer, signedinteger, unsignedinteger = (_np.generic, _np.number, _np.integer, _np.signedinteger,
                                                             _np.unsignedinteger)
inexact, floating, complexfloating, flexible, character = (_np.inexact, _np.floating, _np.complexfloating,
                                                           _np.flexible, _np.character)

e, pi, inf, nan, newaxis = _math.e, _math.pi, _math.inf, _math.nan, None
euler_gamma = 0.5772156649015329

_array_methods.install(__import__(__name__, fromlist=["_"]))
_ufunc.install(__import__(__name__, fromlist=["_"]))
