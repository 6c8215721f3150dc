"""XLA lowering of the indexing primitives."""
