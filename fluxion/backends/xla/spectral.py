"""XLA lowering of the spectral primitives."""
