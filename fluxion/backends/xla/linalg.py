"""XLA lowering of the linalg primitives."""
