"""NumPy kernels: conv family."""
