"""fluxion.tree_util: `fluxion.tree` under the names of jax.tree_util, for code written against
them (`tree_map`, `tree_flatten`, `register_pytree_node`, `Partial`, ...).

>>> import fluxion.tree_util as tu
>>> tu.tree_map(lambda x: x * 2, {"a": 1, "b": (2, 3)})
{'a': 2, 'b': (4, 6)}
"""
import dataclasses as _dataclasses
from typing import Any, Callable, Hashable

from .core.tree import (TreeDef as PyTreeDef, _node_of, _registry, all as tree_all, broadcast as tree_broadcast,
                        flatten as tree_flatten, leaves as tree_leaves, map as tree_map, reduce as tree_reduce,
                        reduce_associative as tree_reduce_associative, register as _register,
                        structure as tree_structure, transpose as tree_transpose, unflatten as tree_unflatten)
from .core.tree_nodes import (Partial as Partial, register_dataclass as register_dataclass,
                              register_pytree_node_class as register_pytree_node_class,
                              register_static as register_static)
from .core.tree_paths import (DictKey as DictKey, FlattenedIndexKey as FlattenedIndexKey, GetAttrKey as GetAttrKey,
                              SequenceKey as SequenceKey, _child_keys, flatten_with_path as tree_flatten_with_path,
                              keyed as _keyed, keystr as keystr, leaves_with_path as tree_leaves_with_path,
                              map_with_path as tree_map_with_path, register_pytree_with_keys as register_pytree_with_keys,
                              register_pytree_with_keys_class as register_pytree_with_keys_class)
from .core.errors import InvalidArgumentError

KeyEntry = Hashable  # one step of a key path: a DictKey, SequenceKey, GetAttrKey, ...
KeyPath = tuple  # a leaf's path: a tuple of KeyEntry

__all__ = ["DictKey", "FlattenedIndexKey", "GetAttrKey", "KeyEntry", "KeyPath", "Partial", "PyTreeDef",
           "SequenceKey", "all_leaves", "flatten_one_level", "flatten_one_level_with_keys", "is_tree_node", "keystr",
           "register_dataclass", "register_pytree_node", "register_pytree_node_class", "register_pytree_with_keys",
           "register_pytree_with_keys_class", "register_static", "tree_all", "tree_broadcast", "tree_flatten",
           "tree_flatten_with_path", "tree_leaves", "tree_leaves_with_path", "tree_map", "tree_map_with_path",
           "tree_reduce", "tree_reduce_associative", "tree_structure", "tree_transpose", "tree_unflatten",
           "treedef_children", "treedef_is_leaf", "treedef_tuple"]


def register_pytree_node(nodetype: type, flatten_func: Callable, unflatten_func: Callable,
                         flatten_with_keys_func: Callable | None = None) -> type:
    """Make `nodetype` a pytree node: `flatten_func(obj) -> (children, aux)` and
    `unflatten_func(aux, children) -> obj`; with `flatten_with_keys_func(obj) -> (((key, child),
    ...), aux)`, its children have those keys in key paths (see register_pytree_with_keys).

    >>> import fluxion.tree_util as tu
    >>> class Pair:
    ...     def __init__(self, a, b): self.a, self.b = a, b
    >>> _ = tu.register_pytree_node(Pair, lambda p: ((p.a, p.b), None), lambda _, c: Pair(*c))
    >>> tu.tree_leaves(Pair(1, (2, 3)))
    [1, 2, 3]
    """
    if flatten_with_keys_func is not None:
        return register_pytree_with_keys(nodetype, flatten_with_keys_func, unflatten_func, flatten_func)
    return _register(nodetype, flatten_func, unflatten_func)


def treedef_is_leaf(treedef: PyTreeDef) -> bool:
    """Whether `treedef` is one node: a leaf, or a container with no children (`()`, None), as
    jax.tree_util counts it."""
    return not treedef.subtrees


def all_leaves(iterable, is_leaf: Callable[[Any], bool] | None = None) -> bool:
    """Whether every element of `iterable` is a leaf."""
    return all(tree_structure(x, is_leaf).is_leaf for x in iterable)


def treedef_children(treedef: PyTreeDef) -> list[PyTreeDef]:
    """The structures of the children of `treedef`'s root node."""
    return treedef.children()


def treedef_tuple(treedefs) -> PyTreeDef:
    """The structure of a tuple whose children have the structures `treedefs`."""
    return PyTreeDef(tuple, None, tuple(treedefs))


def flatten_one_level(tree) -> tuple[list, Any]:
    """The children of `tree`'s root node and the node's aux data (a dict's keys, say); a leaf
    raises ValueError.

    >>> import fluxion.tree_util as tu
    >>> tu.flatten_one_level({"b": [1, 2], "a": 3})
    ([3, [1, 2]], ('a', 'b'))
    """
    t, children, aux = _one_level("flatten_one_level", tree)
    return children, aux[0] if _keyed(t) else aux  # (the keys are kept beside the class's own aux data)


def flatten_one_level_with_keys(tree) -> tuple[list[tuple[Any, Any]], Any]:
    """`flatten_one_level` with each child paired with its key, as in key paths.

    >>> import fluxion.tree_util as tu
    >>> tu.flatten_one_level_with_keys({"b": 1, "a": 2})
    ([(DictKey(key='a'), 2), (DictKey(key='b'), 1)], ('a', 'b'))
    """
    t, children, aux = _one_level("flatten_one_level_with_keys", tree)
    keys = _child_keys(PyTreeDef(t, aux, (tree_structure(0),) * len(children)))
    return list(zip(keys, children)), aux[0] if _keyed(t) else aux


def _one_level(op: str, tree) -> tuple[type, list, Any]:
    """`tree`'s root node: its type, children and aux data (as `_node_of`), or an error for a leaf."""
    node = _node_of(tree)
    if node is None:
        raise InvalidArgumentError(f"{op}: {type(tree).__name__} is a leaf, not a pytree node; fix: "
                                   "pass a container (a tuple, list, dict, dataclass or registered class)")
    return node


def is_tree_node(typ: type) -> bool:
    """Whether instances of `typ` are pytree nodes (None's type and namedtuples included), not leaves."""
    return typ in (tuple, list, dict, type(None)) or typ in _registry or \
        issubclass(typ, tuple) and hasattr(typ, "_fields") or _dataclasses.is_dataclass(typ)
