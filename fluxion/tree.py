"""Pytrees: `fx.tree.map`, `flatten`, `unflatten`, `leaves`, `structure`, `register`, `reduce`, `all`,
`transpose`, and key paths (`flatten_with_path`, `leaves_with_path`, `map_with_path`, `keystr`)."""
from .core.tree import (TreeDef as TreeDef, all as all, flatten as flatten, leaves as leaves,  # noqa: A004
                        map as map, reduce as reduce, register as register, structure as structure,
                        transpose as transpose, unflatten as unflatten)
from .core.tree_paths import (DictKey as DictKey, FlattenedIndexKey as FlattenedIndexKey, GetAttrKey as GetAttrKey,
                              SequenceKey as SequenceKey, flatten_with_path as flatten_with_path, keystr as keystr,
                              leaves_with_path as leaves_with_path, map_with_path as map_with_path)
