"""The eager CPU backend: NumPy/SciPy kernels, one table entry per primitive.

Kernels follow XLA's semantics, which never warn: division by zero, overflow and invalid
operations give inf and NaN quietly. NumPy's RuntimeWarnings are therefore silenced for
calls made from fluxion's own modules only (a filter on the calling module costs nothing
on the hot path, unlike `np.errstate`).
"""
import warnings

from . import (callback, control, conv, elementwise, fft, indexing, linalg, linalg_schur, reduce, shape, sort,  # noqa: F401
               threefry)
from .memory import keep_freed_memory

warnings.filterwarnings("ignore", category=RuntimeWarning, module=r"fluxion(\.|$)")
keep_freed_memory()
