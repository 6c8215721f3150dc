"""XLA lowering of the sort primitives."""
