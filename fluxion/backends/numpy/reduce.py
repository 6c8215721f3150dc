"""NumPy kernels: reduce family."""
