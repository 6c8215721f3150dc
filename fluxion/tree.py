"""Pytrees: `fx.tree.map`, `flatten`, `unflatten`, `leaves`, `structure`, `register`."""
from .core.tree import (TreeDef as TreeDef, flatten as flatten, leaves as leaves, map as map,
                        register as register, structure as structure, unflatten as unflatten)
