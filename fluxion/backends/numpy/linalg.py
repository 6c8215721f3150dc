"""NumPy kernels: linalg family."""
