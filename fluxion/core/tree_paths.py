"""Key paths: where each leaf of a pytree sits, as a tuple of keys from the root.

A key is one step from a node to a child: `DictKey` (dicts, OrderedDicts, defaultdicts),
`SequenceKey` (tuples, lists), `GetAttrKey` (namedtuple fields, dataclass fields) and
`FlattenedIndexKey` (the children of a class registered with `register`), or the keys a class
registered with `register_pytree_with_keys` gives its children. Paths follow the leaf order of
`flatten`, since they are read off the structure `flatten` returns (which holds those keys).
"""
from __future__ import annotations

import collections
from typing import Any, Callable

from .tree import _LEAF, _LEAF_DEF, TreeDef, _node_of, _registry, flatten, leaves_matching, register

# classes registered with keys, by their flatten (while it is theirs): their structure's aux is (aux, keys)
_keyed: dict[type, Callable] = {}


class _Key:
    """A step from a node to a child; immutable, equal to a key of its class holding an equal value.

    A subclass names its one slot (the field name jax uses) and says how `str` shows it.
    """

    __slots__ = ()

    def __init__(self, *args, **kwargs):  # (the value, or it by its field's name: DictKey(key="a"))
        name = self.__slots__[0]
        if name in kwargs:
            args = (*args, kwargs.pop(name))
        if kwargs or len(args) != 1:
            raise TypeError(f"{type(self).__name__} takes one value, `{name}`")
        object.__setattr__(self, name, args[0])

    def __setattr__(self, name, value):
        raise AttributeError(f"{type(self).__name__} is immutable")

    def _value(self):
        return getattr(self, self.__slots__[0])

    def __eq__(self, other):
        return type(other) is type(self) and other._value() == self._value()

    def __hash__(self):
        return hash((type(self).__name__, self._value()))

    def __repr__(self):
        return f"{type(self).__name__}({self.__slots__[0]}={self._value()!r})"

    def __reduce__(self):  # pickle and copy through __init__, since attributes cannot be set
        return type(self), (self._value(),)


class DictKey(_Key):
    """The entry `key` of a dict: `str(DictKey("a")) == "['a']"`."""

    __slots__ = ("key",)

    def __str__(self):
        return f"[{self.key!r}]"


class SequenceKey(_Key):
    """Position `idx` of a tuple or list: `str(SequenceKey(0)) == "[0]"`."""

    __slots__ = ("idx",)

    def __str__(self):
        return f"[{self.idx}]"


class GetAttrKey(_Key):
    """The attribute `name` of a namedtuple or dataclass: `str(GetAttrKey("w")) == ".w"`."""

    __slots__ = ("name",)

    def __str__(self):
        return f".{self.name}"


class FlattenedIndexKey(_Key):
    """Child `key` of a registered class's flatten: `str(FlattenedIndexKey(1)) == "[<flat index 1>]"`."""

    __slots__ = ("key",)

    def __str__(self):
        return f"[<flat index {self.key}>]"


def keyed(node) -> bool:
    """Whether `node` was registered with keys (its aux data is then (its own, its keys))."""
    return node in _keyed and _registry[node][0] is _keyed[node]


def _child_keys(td: TreeDef) -> list[_Key]:
    """The keys of a node's children, read from its aux data as `tree._node_of` lays it out."""
    node, aux, n = td.node, td.aux, len(td.subtrees)
    if node is None:
        return []
    if node is tuple or node is list:
        return [SequenceKey(i) for i in range(n)]
    if node is dict or node is collections.OrderedDict:
        return [DictKey(k) for k in aux]
    if node is collections.defaultdict:
        return [DictKey(k) for k in aux[1]]
    if keyed(node):
        return list(aux[1])
    if node in _registry:
        return [FlattenedIndexKey(i) for i in range(n)]
    names = node._fields if issubclass(node, tuple) else aux  # a namedtuple, else a dataclass
    return [GetAttrKey(name) for name in names]


def _paths(td: TreeDef, prefix: tuple, out: list) -> None:
    if td.node is _LEAF:
        out.append(prefix)
        return
    for key, child in zip(_child_keys(td), td.subtrees):
        _paths(child, prefix + (key,), out)


def flatten_with_path(tree, is_leaf: Callable[[Any], bool] | None = None,
                      is_leaf_takes_path: bool = False) -> tuple[list[tuple[tuple, Any]], TreeDef]:
    """`(path, leaf)` pairs of `tree` in flatten order, and its structure. With
    `is_leaf_takes_path`, `is_leaf` is called as `is_leaf(path, x)`.

    >>> import fluxion as fx
    >>> pairs, treedef = fx.tree.flatten_with_path({"b": [5, None], "a": 4})
    >>> [(fx.tree.keystr(path), leaf) for path, leaf in pairs]
    [("['a']", 4), ("['b'][0]", 5)]
    """
    if is_leaf_takes_path and is_leaf is not None:
        pairs: list = []
        return pairs, _flatten_at(tree, (), is_leaf, pairs)
    xs, treedef = flatten(tree, is_leaf)
    paths: list = []
    _paths(treedef, (), paths)
    return list(zip(paths, xs)), treedef


def _flatten_at(x, path: tuple, is_leaf: Callable, pairs: list) -> TreeDef:
    """The structure of `x` at `path`, whose leaves (those `is_leaf(path, x)` marks too) join `pairs`."""
    node = None if is_leaf(path, x) else _node_of(x)
    if node is None:
        pairs.append((path, x))
        return _LEAF_DEF
    t, children, aux = node
    keys = _child_keys(TreeDef(t, aux, (_LEAF_DEF,) * len(children)))
    return TreeDef(t, aux, tuple([_flatten_at(c, path + (k,), is_leaf, pairs) for k, c in zip(keys, children)]))


def leaves_with_path(tree, is_leaf: Callable[[Any], bool] | None = None,
                     is_leaf_takes_path: bool = False) -> list[tuple[tuple, Any]]:
    """`(path, leaf)` pairs of `tree`, in flatten order."""
    return flatten_with_path(tree, is_leaf, is_leaf_takes_path)[0]


def map_with_path(f: Callable, tree, *rest, is_leaf: Callable[[Any], bool] | None = None,
                  is_leaf_takes_path: bool = False):
    """Apply `f(path, leaf, *rest_leaves)` to the leaves of `tree` and the matching leaves of `rest`
    (with `is_leaf_takes_path`, `is_leaf` is called as `is_leaf(path, x)`).

    >>> import fluxion as fx
    >>> fx.tree.map_with_path(lambda path, x: fx.tree.keystr(path) if x else x, {"w": [1, 0]})
    {'w': ["['w'][0]", 0]}
    """
    pairs, treedef = flatten_with_path(tree, is_leaf, is_leaf_takes_path)
    if is_leaf_takes_path:
        is_leaf = None  # (the other trees are matched up to `tree`'s structure)
    others = leaves_matching(treedef, rest, is_leaf, "tree.map_with_path")
    return treedef.unflatten(f(path, x, *xs) for (path, x), *xs in zip(pairs, *others))


def keystr(keys: tuple, *, simple: bool = False, separator: str = "") -> str:
    """A path as text: each key's `str`, or with `simple=True` just its key, name or index.

    Args:
      keys: a path, as `flatten_with_path` gives.
      simple: show `a` rather than `['a']`, `0` rather than `[0]`, `w` rather than `.w`.
      separator: put between the keys.

    >>> import fluxion as fx
    >>> path = (fx.tree.DictKey("layers"), fx.tree.SequenceKey(0), fx.tree.GetAttrKey("w"))
    >>> fx.tree.keystr(path), fx.tree.keystr(path, simple=True, separator="/")
    ("['layers'][0].w", 'layers/0/w')
    """
    return separator.join(str(k._value()) if simple and isinstance(k, _Key) else str(k) for k in keys)


def register_pytree_with_keys(nodetype: type, flatten_with_keys: Callable[[Any], tuple[Any, Any]],
                              unflatten_func: Callable[[Any, list], Any], flatten_func: Callable | None = None) -> type:
    """Make `nodetype` a pytree node whose children have keys, which key paths show.

    Args:
      nodetype: the class.
      flatten_with_keys: `obj -> (((key, child), ...), aux)`, with hashable keys (DictKey,
        SequenceKey, GetAttrKey, or any hashable value whose `str` names the step) and aux.
      unflatten_func: `(aux, children) -> obj`.
      flatten_func: `obj -> (children, aux)`, which jax uses where keys are not needed; the keys
        are part of the structure here, so it is accepted and not used.

    >>> import fluxion.tree_util as tu
    >>> class Pair:
    ...     def __init__(self, a, b): self.a, self.b = a, b
    >>> _ = tu.register_pytree_with_keys(Pair, lambda p: (((tu.GetAttrKey("a"), p.a), (tu.GetAttrKey("b"), p.b)), None),
    ...                                  lambda _, c: Pair(*c))
    >>> [tu.keystr(path) for path, _ in tu.tree_leaves_with_path(Pair(1, [2]))]
    ['.a', '.b[0]']
    """
    def flatten_node(x):
        pairs, aux = flatten_with_keys(x)
        pairs = tuple(pairs)
        return [child for _, child in pairs], (aux, tuple(key for key, _ in pairs))

    register(nodetype, flatten_node, lambda aux, children: unflatten_func(aux[0], children))
    _keyed[nodetype] = flatten_node
    return nodetype


def register_pytree_with_keys_class(cls: type) -> type:
    """Make `cls` a pytree node through its method `tree_flatten_with_keys() -> (((key, child), ...),
    aux)` and its classmethod `tree_unflatten(aux, children)`; a class decorator."""
    return register_pytree_with_keys(cls, lambda x: x.tree_flatten_with_keys(), cls.tree_unflatten)
