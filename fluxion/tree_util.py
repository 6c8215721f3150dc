"""fluxion.tree_util: `fluxion.tree` under the names of jax.tree_util, for code written against
them (`tree_map`, `tree_flatten`, `register_pytree_node`, `Partial`, ...).

>>> import fluxion.tree_util as tu
>>> tu.tree_map(lambda x: x * 2, {"a": 1, "b": (2, 3)})
{'a': 2, 'b': (4, 6)}
"""
from typing import Any, Callable

from .core.tree import (TreeDef as PyTreeDef, all as tree_all, flatten as tree_flatten, leaves as tree_leaves,
                        map as tree_map, reduce as tree_reduce, register as register_pytree_node,
                        structure as tree_structure, transpose as tree_transpose, unflatten as tree_unflatten)
from .core.tree_nodes import (Partial as Partial, register_dataclass as register_dataclass,
                              register_pytree_node_class as register_pytree_node_class,
                              register_static as register_static)
from .core.tree_paths import (DictKey as DictKey, FlattenedIndexKey as FlattenedIndexKey, GetAttrKey as GetAttrKey,
                              SequenceKey as SequenceKey, flatten_with_path as tree_flatten_with_path,
                              keystr as keystr, leaves_with_path as tree_leaves_with_path,
                              map_with_path as tree_map_with_path)

__all__ = ["DictKey", "FlattenedIndexKey", "GetAttrKey", "Partial", "PyTreeDef", "SequenceKey", "all_leaves", "keystr",
           "register_dataclass", "register_pytree_node", "register_pytree_node_class", "register_static", "tree_all",
           "tree_flatten", "tree_flatten_with_path", "tree_leaves", "tree_leaves_with_path", "tree_map",
           "tree_map_with_path", "tree_reduce", "tree_structure", "tree_transpose", "tree_unflatten",
           "treedef_is_leaf"]


def treedef_is_leaf(treedef: PyTreeDef) -> bool:
    """Whether `treedef` is one node: a leaf, or a container with no children (`()`, None), as
    jax.tree_util counts it."""
    return not treedef.children


def all_leaves(iterable, is_leaf: Callable[[Any], bool] | None = None) -> bool:
    """Whether every element of `iterable` is a leaf."""
    return all(tree_structure(x, is_leaf).is_leaf for x in iterable)
