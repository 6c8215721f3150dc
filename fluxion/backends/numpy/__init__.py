"""The eager CPU backend: NumPy/SciPy kernels, one table entry per primitive."""
from . import conv, elementwise, fft, indexing, linalg, reduce, shape, sort  # noqa: F401
