"""NumPy kernels: fft family."""
