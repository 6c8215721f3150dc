"""NumPy kernels: shape family."""
