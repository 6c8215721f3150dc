"""NumPy kernels: sort family."""
