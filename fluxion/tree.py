"""Pytrees: `fx.tree.map`, `flatten`, `unflatten`, `leaves`, `structure`, `register`, `reduce`,
`reduce_associative`, `all`, `transpose`, `broadcast`, and key paths (`flatten_with_path`,
`leaves_with_path`, `map_with_path`, `keystr`)."""
from .core.tree import (TreeDef as TreeDef, all as all, broadcast as broadcast, flatten as flatten,  # noqa: A004
                        leaves as leaves, map as map, reduce as reduce, reduce_associative as reduce_associative,
                        register as register, structure as structure, transpose as transpose, unflatten as unflatten)
from .core.tree_paths import (DictKey as DictKey, FlattenedIndexKey as FlattenedIndexKey, GetAttrKey as GetAttrKey,
                              SequenceKey as SequenceKey, flatten_with_path as flatten_with_path, keystr as keystr,
                              leaves_with_path as leaves_with_path, map_with_path as map_with_path)
