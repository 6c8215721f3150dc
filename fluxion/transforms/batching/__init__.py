"""Automatic batching: `vmap` (see README.md)."""
from .api import vmap as vmap  # noqa: F401
