"""Transformations: each is an interpreter pushed on the stack while the user's function runs."""
