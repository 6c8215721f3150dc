"""XLA lowering of the reduce primitives."""
