"""Pytrees: nested containers of arrays that transformations flatten and rebuild.

Containers are tuples, lists, dicts and defaultdicts (keys in sorted order), OrderedDicts (keys
in their order), None (a node with no leaves), namedtuples, dataclasses (their fields, then the
other attributes an instance holds) and classes registered with `register`. Everything else is a leaf.
"""
from __future__ import annotations

import builtins
import collections
import dataclasses
import functools
from typing import Any, Callable, Hashable

from .errors import ArgumentTypeError, InvalidArgumentError, op_error

# this module defines pytree `map` and `all`; its own code means Python's
_all, _map = builtins.all, builtins.map

_registry: dict[type, tuple[Callable, Callable]] = {}


def register(cls: type, flatten: Callable[[Any], tuple[list, Hashable]],
             unflatten: Callable[[Hashable, list], Any]) -> type:
    """Make `cls` a pytree node.

    Args:
      cls: the class.
      flatten: `obj -> (children, aux)`; `aux` is hashable and holds what is not a child.
      unflatten: `(aux, children) -> obj`.

    Returns:
      `cls`, so this can sit under a class definition.

    >>> import fluxion as fx
    >>> class Pair:
    ...     def __init__(self, a, b): self.a, self.b = a, b
    >>> _ = fx.tree.register(Pair, lambda p: ([p.a, p.b], None), lambda _, c: Pair(*c))
    >>> fx.tree.leaves(Pair(1, (2, 3)))
    [1, 2, 3]
    """
    if cls in _registry or cls in (tuple, list, dict, type(None)):
        raise op_error(InvalidArgumentError, "tree.register", f"{cls.__qualname__} is already a pytree node",
                       "register a class once (a class defined again, as by a re-run cell, is a new class)")
    _registry[cls] = (flatten, unflatten)
    return cls


def sorted_keys(d: dict) -> list:
    """The keys of dict `d` in the order of its children: sorted (by `repr` where they do not compare)."""
    try:
        return sorted(d)
    except TypeError:
        return sorted(d, key=repr)


def _defaultdict_children(d: collections.defaultdict) -> tuple[list, Hashable]:
    keys = sorted_keys(d)
    return [d[k] for k in keys], (d.default_factory, tuple(keys))


# the dict subclasses jax takes apart too: an OrderedDict keeps its order, a defaultdict its factory
register(collections.OrderedDict, lambda d: (list(d.values()), tuple(d)),
         lambda keys, children: collections.OrderedDict(zip(keys, children)))
register(collections.defaultdict, _defaultdict_children,
         lambda aux, children: collections.defaultdict(aux[0], zip(aux[1], children)))


def _node_of(x) -> tuple[Any, list, Hashable] | None:
    """(node type, children, aux) for a container, None for a leaf."""
    t = type(x)
    if t is tuple or t is list:
        return t, list(x), None
    if t is dict:
        keys = sorted_keys(x)
        return dict, [x[k] for k in keys], tuple(keys)
    if x is None:
        return None, [], None
    if t in _registry:
        children, aux = _registry[t][0](x)
        return t, list(children), aux
    if isinstance(x, tuple) and hasattr(t, "_fields"):
        return t, list(x), None
    if dataclasses.is_dataclass(x) and not isinstance(x, type):
        names = tuple(f.name for f in dataclasses.fields(x))
        # and the attributes __init__ set besides its fields, which the rebuilt object, made without it,
        # needs; not a cached property's value, which the rebuilt object computes from its own fields
        names += tuple(n for n in getattr(x, "__dict__", ())
                       if n not in names and not isinstance(getattr(t, n, None), functools.cached_property))
        return t, [getattr(x, n) for n in names], names
    return None


def _rebuild(t, aux, children):
    if t is tuple:
        return tuple(children)
    if t is list:
        return list(children)
    if t is dict:
        return dict(zip(aux, children))
    if t is None:
        return None
    if t in _registry:
        return _registry[t][1](aux, tuple(children))  # (a tuple, as jax passes)
    if issubclass(t, tuple):
        return t(*children)
    obj = object.__new__(t)
    for n, c in zip(aux, children):
        object.__setattr__(obj, n, c)
    return obj


class TreeDef:
    """The structure of a pytree: node types and aux data, without the leaves."""

    # _key: the structure as nested tuples, compared and hashed (once, into _hash) in C
    __slots__ = ("node", "aux", "subtrees", "num_leaves", "_flat", "_key", "_hash")

    def __init__(self, node, aux, children: tuple[TreeDef, ...]):
        self.node, self.aux, self.subtrees = node, aux, children
        self.num_leaves = 1 if node is _LEAF else sum([c.num_leaves for c in children])
        self._flat = node is tuple and _all([c.node is _LEAF for c in children])  # a tuple of leaves
        self._key = (node, aux, tuple([c._key for c in children])) if children else (node, aux)

    def unflatten(self, leaves):
        leaves = list(leaves)
        if len(leaves) != self.num_leaves:
            raise op_error(InvalidArgumentError, "tree.unflatten", f"the structure {self!r} has {self.num_leaves} "
                           f"leaves, got {len(leaves)}", "pass one leaf per * of the structure")
        if self._flat:
            return tuple(leaves)
        it = iter(leaves)
        return self._build(it)

    def _build(self, it):
        if self.node is _LEAF:
            return next(it)
        return _rebuild(self.node, self.aux, [c._build(it) for c in self.subtrees])

    @property
    def is_leaf(self) -> bool:
        return self.node is _LEAF

    @property
    def num_nodes(self) -> int:
        """The number of nodes, leaves included (jax's count)."""
        return 1 + sum([c.num_nodes for c in self.subtrees])

    def children(self) -> list[TreeDef]:
        """The structures of the root's children (jax's `PyTreeDef.children()`)."""
        return list(self.subtrees)

    def node_data(self):
        """(node type, aux data) of the root, or None for a leaf (as jax's)."""
        return None if self.node is _LEAF else (type(None) if self.node is None else self.node, self.aux)

    @classmethod
    def from_node_data_and_children(cls, node_data, children) -> TreeDef:
        """The structure whose root is `node_data` (as `node_data()` gives it; None for a leaf)
        and whose children have the structures `children`."""
        if node_data is None:
            return _LEAF_DEF
        node, aux = node_data
        return cls(None if node is type(None) else node, aux, tuple(children))

    def compose(self, inner: TreeDef) -> TreeDef:
        """This structure with `inner` at each of its leaves."""
        if self.node is _LEAF:
            return inner
        return TreeDef(self.node, self.aux, tuple([c.compose(inner) for c in self.subtrees]))

    def flatten_up_to(self, tree) -> list:
        """The subtrees of `tree` at the leaves of this structure, which must be a prefix of its."""
        return _subtrees_at_leaves(self, tree, "PyTreeDef.flatten_up_to", "treedef",
                                   "pass a tree whose structure has this one as a prefix")

    def __eq__(self, other):
        return self is other or isinstance(other, TreeDef) and self._key == other._key

    def __reduce__(self):  # (made again: a hash is of its own process)
        return TreeDef, (self.node, self.aux, self.subtrees)

    def __hash__(self):
        try:
            return self._hash
        except AttributeError:
            self._hash = hash(self._key)
            return self._hash

    def __repr__(self):
        if self.node is _LEAF:
            return "*"
        if self.node is dict:
            return "{" + ", ".join(f"{k!r}: {c!r}" for k, c in zip(self.aux, self.subtrees)) + "}"
        name = "None" if self.node is None else self.node.__name__
        return f"{name}({', '.join(_map(repr, self.subtrees))})"

    def difference(self, other: TreeDef, path: str = "") -> str:
        """Where `other` first differs from this structure, in words (for errors)."""
        if self.node is not other.node or self.aux != other.aux or len(self.subtrees) != len(other.subtrees):
            where, mine, theirs = path or "the root", repr(self), repr(other)
            if mine == theirs:  # the same nodes with other static data (an OrderedDict's order, meta fields)
                return f"at {where}: {mine} with static data {self.aux!r} vs {other.aux!r}"
            return f"at {where}: {mine} vs {theirs}"
        for i, (a, b) in enumerate(zip(self.subtrees, other.subtrees)):
            if a != b:
                return a.difference(b, path + self._step(i))
        return "nowhere"

    def _step(self, i: int) -> str:
        """How an error names child `i`: `['key']` in a dict, `[i]` elsewhere."""
        return f"[{self.aux[i]!r}]" if self.node is dict else f"[{i}]"


class _Leaf:
    """The node of a leaf in a TreeDef: one object, which copying and pickling keep as itself."""

    __slots__ = ()

    def __reduce__(self):
        return "_LEAF"


_LEAF = _Leaf()
_LEAF_DEF = TreeDef(_LEAF, None, ())
_FLAT: dict[int, TreeDef] = {}  # tuples of n leaves
_LEAF_TYPES = {float, int, complex, bool}  # Array joins when fluxion.core.array is imported


def flatten(tree, is_leaf: Callable[[Any], bool] | None = None) -> tuple[list, TreeDef]:
    """Leaves of `tree` in order, and its structure.

    >>> import fluxion as fx
    >>> leaves, treedef = fx.tree.flatten({"b": 2, "a": (1, None)})
    >>> leaves
    [1, 2]
    >>> fx.tree.unflatten(treedef, [10, 20])
    {'a': (10, None), 'b': 20}
    """
    leaves: list = []
    return leaves, _flatten(tree, leaves, is_leaf)


def _flatten(x, leaves, is_leaf):
    if x.__class__ in _LEAF_TYPES:  # the common leaves, without the container checks
        leaves.append(x)
        return _LEAF_DEF
    if x.__class__ is tuple and is_leaf is None and _all(c.__class__ in _LEAF_TYPES for c in x):
        leaves.extend(x)  # a tuple of common leaves (function arguments): its structure is shared
        try:
            return _FLAT[len(x)]
        except KeyError:
            _FLAT[len(x)] = out = TreeDef(tuple, None, (_LEAF_DEF,) * len(x))
            return out
    if is_leaf is not None and is_leaf(x):
        node = None
    elif x.__class__ is tuple or x.__class__ is list:  # the common containers, kept fast
        return TreeDef(x.__class__, None, tuple([_flatten(c, leaves, is_leaf) for c in x]))
    else:
        node = _node_of(x)
    if node is None:
        leaves.append(x)
        return TreeDef(_LEAF, None, ())
    t, children, aux = node
    return TreeDef(t, aux, tuple(_flatten(c, leaves, is_leaf) for c in children))


def builder(treedef: TreeDef) -> Callable[[list], Any]:
    """`treedef.unflatten` made into one expression over the list of leaves, for a structure
    rebuilt many times (the outputs of a compiled function): trees of tuples, lists, dicts and
    None compile to a function with no walk over the structure; others keep `unflatten`."""
    env: dict = {}
    count = iter(range(treedef.num_leaves))

    def expr(td: TreeDef, depth: int) -> str:
        if td.node is _LEAF:
            return f"l[{next(count)}]"
        if depth > 50 or td.node not in (tuple, list, dict, None):
            raise LookupError
        items = [expr(c, depth + 1) for c in td.subtrees]
        if td.node is tuple:
            return "(" + "".join(f"{e}, " for e in items) + ")"
        if td.node is list:
            return "[" + ", ".join(items) + "]"
        if td.node is dict:
            keys = [f"k{len(env) + i}" for i in range(len(items))]
            env.update(zip(keys, td.aux))
            return "{" + ", ".join(f"{k}: {e}" for k, e in zip(keys, items)) + "}"
        return "None"

    if treedef.num_leaves > 10_000:
        return treedef.unflatten
    try:
        return eval(f"lambda l: {expr(treedef, 0)}", env)  # noqa: S307  (source made above from the structure)
    except LookupError:
        return treedef.unflatten


def unflatten(treedef: TreeDef, leaves) -> Any:
    """Rebuild a pytree of structure `treedef` from `leaves`."""
    return treedef.unflatten(leaves)


def leaves(tree, is_leaf=None) -> list:
    """The leaves of `tree`, in flatten order."""
    return flatten(tree, is_leaf)[0]


def structure(tree, is_leaf=None) -> TreeDef:
    """The structure of `tree`."""
    return flatten(tree, is_leaf)[1]


def map(f: Callable, tree, *rest, is_leaf=None):
    """Apply `f` to the leaves of `tree` (and the matching leaves of `rest`).

    >>> import fluxion as fx
    >>> fx.tree.map(lambda a, b: a + b, {"x": 1, "y": [2, 3]}, {"x": 10, "y": [20, 30]})
    {'x': 11, 'y': [22, 33]}
    """
    xs, treedef = flatten(tree, is_leaf)
    others = leaves_matching(treedef, rest, is_leaf, "tree.map")
    return treedef.unflatten(f(*args) for args in zip(xs, *others))


def leaves_matching(treedef: TreeDef, trees, is_leaf, op: str) -> list[list]:
    """The leaves of each of `trees`, which must have the structure `treedef` or have it as a
    prefix (as jax's): then each subtree at a leaf of `treedef` is one leaf."""
    out = []
    for r in trees:
        rl, rdef = flatten(r, is_leaf)
        if rdef != treedef:
            rl = []
            if not _up_to(treedef, r, rl):
                raise op_error(InvalidArgumentError, op, f"structures differ {treedef.difference(rdef)}",
                               "pass trees of one structure (the same containers, dict keys and lengths), or of "
                               "the first one's structure with subtrees at its leaves, or mark subtrees as "
                               "leaves with is_leaf=...")
        out.append(rl)
    return out


def _up_to(treedef: TreeDef, x, leaves: list) -> bool:
    """Append to `leaves` the subtrees of `x` at the leaves of `treedef`; False where `x` does
    not have `treedef` as a prefix."""
    if treedef.node is _LEAF:
        leaves.append(x)
        return True
    node = _node_of(x)
    if node is None or node[0] is not treedef.node or node[2] != treedef.aux or len(node[1]) != len(treedef.subtrees):
        return False
    return _all([_up_to(d, c, leaves) for d, c in zip(treedef.subtrees, node[1])])


_MISSING = object()  # reduce's initializer when none is passed (None is a valid start value)


def reduce(function: Callable[[Any, Any], Any], tree, initializer: Any = _MISSING, is_leaf=None) -> Any:
    """Fold `function` over the leaves of `tree` from left to right, as `functools.reduce` does.

    Args:
      function: `(accumulated, leaf) -> accumulated`.
      tree: a pytree.
      initializer: the start value; without it the first leaf starts, and a tree without leaves
        raises TypeError.
      is_leaf: marks subtrees to treat as leaves, as in `flatten`.

    Returns:
      The last accumulated value.

    >>> import operator
    >>> import fluxion as fx
    >>> fx.tree.reduce(operator.add, {"a": 1, "b": [2, 3]})
    6
    >>> fx.tree.reduce(max, [None, ()], initializer=0)
    0
    """
    xs = leaves(tree, is_leaf)
    if initializer is _MISSING:
        return functools.reduce(function, xs)
    return functools.reduce(function, xs, initializer)


def all(tree, *, is_leaf=None) -> bool:
    """Whether every leaf of `tree` is true; True for a tree without leaves.

    A leaf counts as `bool(leaf)` does, so an array leaf with more than one element raises:
    reduce it first (`fx.tree.map(fnp.all, tree)`).

    >>> import fluxion as fx
    >>> fx.tree.all({"a": True, "b": [1, None]}), fx.tree.all([0, 1]), fx.tree.all(None)
    (True, False, True)
    """
    return _all(leaves(tree, is_leaf))


def transpose(outer_treedef: TreeDef, inner_treedef: TreeDef | None, pytree_to_transpose) -> Any:
    """Turn a tree of structure outer-of-inner into the tree of structure inner-of-outer.

    Args:
      outer_treedef: the structure of the outer tree, whose leaves are the inner trees.
      inner_treedef: the structure of every inner tree, or None to take that of the first one.
      pytree_to_transpose: the tree to transpose.

    Returns:
      A tree of structure `inner_treedef` whose leaves are trees of structure `outer_treedef`.

    Raises:
      TypeError: the tree is not `outer_treedef` with a tree of structure `inner_treedef` at each leaf.

    >>> import fluxion as fx
    >>> outer = fx.tree.structure([0, 0])
    >>> fx.tree.transpose(outer, None, [{"a": 1, "b": 2}, {"a": 3, "b": 4}])
    {'a': [1, 3], 'b': [2, 4]}
    """
    inner_trees = _subtrees_at_leaves(outer_treedef, pytree_to_transpose, "tree.transpose", "outer",
                                      "pass outer_treedef=fx.tree.structure(...) of the tree's outer levels",
                                      ArgumentTypeError)
    if inner_treedef is None:
        if not inner_trees:
            raise op_error(ArgumentTypeError, "tree.transpose", f"the outer structure {outer_treedef!r} has no "
                           "leaves, so there is no inner tree to take the inner structure from",
                           "pass inner_treedef=fx.tree.structure(...)")
        inner_treedef = structure(inner_trees[0])
    rows = []
    for i, inner in enumerate(inner_trees):
        xs, treedef = flatten(inner)
        if treedef != inner_treedef:
            raise op_error(ArgumentTypeError, "tree.transpose", f"inner tree {i} (in flatten order) differs from "
                           f"inner_treedef {inner_treedef.difference(treedef)}",
                           "give every inner tree the structure inner_treedef, or pass inner_treedef=None to "
                           "take it from the first inner tree")
        rows.append(xs)
    columns = [outer_treedef.unflatten([row[j] for row in rows]) for j in range(inner_treedef.num_leaves)]
    return inner_treedef.unflatten(columns)


def _subtrees_at_leaves(treedef: TreeDef, tree, op: str, what: str, fix: str,
                        error: type = InvalidArgumentError) -> list:
    """The subtrees of `tree` at the leaves of `treedef` (for errors, `op`'s `what` structure),
    which must be a prefix of `tree`'s structure (else an `error`, jax's ValueError by default)."""
    out: list = []

    def visit(td: TreeDef, x, path: str):
        if td.node is _LEAF:
            out.append(x)
            return
        node = _node_of(x)
        if node is None or node[0] is not td.node or node[2] != td.aux or len(node[1]) != len(td.subtrees):
            got = "a leaf" if node is None else repr(structure(x))
            raise op_error(error, op, f"at {path or 'the root'} the {what} structure expects {td!r}, "
                           f"the tree has {got}", fix)
        for i, (child_def, child) in enumerate(zip(td.subtrees, node[1])):
            visit(child_def, child, path + td._step(i))

    visit(treedef, tree, "")
    return out


def broadcast(prefix_tree, full_tree, is_leaf=None):
    """`full_tree`'s structure, each leaf the leaf of `prefix_tree` above it (`prefix_tree`'s
    structure is a prefix of `full_tree`'s; `is_leaf` marks leaves of `prefix_tree`).

    >>> import fluxion as fx
    >>> fx.tree.broadcast([1, 2], [(3, 4), {"a": 5}])
    [(1, 1), {'a': 2}]
    """
    xs, treedef = flatten(prefix_tree, is_leaf)
    subtrees = _subtrees_at_leaves(treedef, full_tree, "tree.broadcast", "prefix",
                                   "pass a prefix_tree whose structure is a prefix of full_tree's")
    return treedef.unflatten(map(lambda _, x=x: x, sub) for x, sub in zip(xs, subtrees))


def reduce_associative(operation: Callable[[Any, Any], Any], tree, *, identity: Any = _MISSING, is_leaf=None) -> Any:
    """The leaves of `tree` combined by the associative `operation` in a balanced tree of calls
    (each combines the results of two halves, the first the shorter); `identity` is the result
    for a tree without leaves.

    >>> import operator
    >>> import fluxion as fx
    >>> fx.tree.reduce_associative(operator.add, {"a": 1, "b": [2, 3]})
    6
    """
    xs = leaves(tree, is_leaf)
    if not xs:
        if identity is _MISSING:
            raise op_error(ArgumentTypeError, "tree.reduce_associative", "the tree has no leaves and no identity "
                           "was given", "pass identity=, the result for an empty tree")
        return identity

    def halves(xs):
        mid = len(xs) // 2
        return xs[0] if not mid else operation(halves(xs[:mid]), halves(xs[mid:]))
    return halves(xs)
