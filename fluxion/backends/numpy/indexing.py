"""NumPy kernels: indexing family."""
