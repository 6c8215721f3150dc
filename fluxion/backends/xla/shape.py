"""XLA lowering of the shape primitives."""
