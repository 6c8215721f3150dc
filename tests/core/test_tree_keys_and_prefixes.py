"""fluxion.tree_util's registration with keys, prefix broadcasting, balanced reductions and
one-level views against jax.tree_util's functions of the same names."""
import collections
import operator

import jax.tree_util as jtu
import pytest

import fluxion as fx
import fluxion.tree_util as tu

Point = collections.namedtuple("Point", "x y")
TREES = [1.0, (1, 2), [1, (2, 3)], {"b": 1, "a": [2, None, 3]}, Point(1, (2, 3)), (), {"k": ()},
         collections.OrderedDict([("z", 1), ("a", 2)]), [[1, 2, 3, 4, 5]]]


def _keyed_class(register, key):
    """A class of two children `first` and `rest`, registered with `register`'s keys made by `key`."""
    class Node:
        def __init__(self, first, rest):
            self.first, self.rest = first, rest

        def __eq__(self, other):
            return type(other) is type(self) and (self.first, self.rest) == (other.first, other.rest)

    register.register_pytree_with_keys(
        Node, lambda n: (((key(register, "first"), n.first), (key(register, "rest"), n.rest)), "aux"),
        lambda aux, children: Node(*children))
    return Node


_KEYS = {"attribute keys": lambda m, name: m.GetAttrKey(name), "dict keys": lambda m, name: m.DictKey(name)}


@pytest.mark.parametrize("key", list(_KEYS), ids=str)
def test_classes_registered_with_keys_give_jax_paths_leaves_and_rebuilt_trees(key):
    mine, theirs = _keyed_class(tu, _KEYS[key]), _keyed_class(jtu, _KEYS[key])
    for make in (lambda c: c(1, [2, {"z": 3}]), lambda c: {"a": c(c(1, 2), None)}):
        t, u = make(mine), make(theirs)
        assert tu.tree_leaves(t) == jtu.tree_leaves(u)
        assert [tu.keystr(p) for p, _ in tu.tree_leaves_with_path(t)] == \
            [jtu.keystr(p) for p, _ in jtu.tree_leaves_with_path(u)]
        assert [tu.keystr(p, simple=True, separator="/") for p, _ in tu.tree_leaves_with_path(t)] == \
            [jtu.keystr(p, simple=True, separator="/") for p, _ in jtu.tree_leaves_with_path(u)]
        assert tu.tree_leaves(tu.tree_map(lambda v: v * 10, t)) == jtu.tree_leaves(jtu.tree_map(lambda v: v * 10, u))
        assert tu.tree_unflatten(tu.tree_structure(t), tu.tree_leaves(t)) == t


def test_a_class_registered_with_keys_by_its_methods_passes_through_jit_and_grad():
    @tu.register_pytree_with_keys_class
    class Params:
        def __init__(self, w, b):
            self.w, self.b = w, b

        def tree_flatten_with_keys(self):
            return ((tu.GetAttrKey("w"), self.w), (tu.GetAttrKey("b"), self.b)), None

        @classmethod
        def tree_unflatten(cls, aux, children):
            return cls(*children)

    p = Params(fx.numpy.asarray([1.0, 2.0]), fx.numpy.asarray(3.0))
    g = fx.jit(fx.grad(lambda p: fx.numpy.sum(p.w * p.b)))(p)
    assert isinstance(g, Params)
    assert g.w.tolist() == [3.0, 3.0] and float(g.b) == 3.0
    assert [tu.keystr(path) for path, _ in tu.tree_leaves_with_path(p)] == [".w", ".b"]


@pytest.mark.parametrize("prefix,full", [([1, 2], [(3, 4), {"a": 5}]), (7, {"a": [1, 2]}), ({"a": 1, "b": None},
                                         {"a": (1, 2), "b": None}), ((1, (2, 3)), ((4, 5), ([6], {"c": 7}))),
                                         ([], [])])
def test_broadcast_of_a_prefix_matches_jax(prefix, full):
    assert tu.tree_broadcast(prefix, full) == jtu.tree_broadcast(prefix, full) == fx.tree.broadcast(prefix, full)


def test_broadcast_with_is_leaf_and_of_a_non_prefix():
    is_pair = lambda x: isinstance(x, tuple) and len(x) == 2  # noqa: E731
    assert tu.tree_broadcast([1, 2], [(3, 4), [5]], is_leaf=is_pair) == \
        jtu.tree_broadcast([1, 2], [(3, 4), [5]], is_leaf=is_pair)
    for broadcast in (tu.tree_broadcast, jtu.tree_broadcast):  # (jax's error class)
        with pytest.raises(ValueError, match="prefix"):
            broadcast([1, 2, 3], [4, 5])
        with pytest.raises(ValueError, match="prefix"):
            broadcast({"a": 1}, {"b": 2})


@pytest.mark.parametrize("t", TREES, ids=repr)
def test_associative_reductions_match_jax(t):
    if tu.tree_leaves(t):
        assert tu.tree_reduce_associative(operator.add, t) == jtu.tree_reduce_associative(operator.add, t)
        # the grouping too: a balanced tree of calls
        show = lambda a, b: f"({a} {b})"  # noqa: E731
        strings = tu.tree_map(str, t)
        assert fx.tree.reduce_associative(show, strings) == jtu.tree_reduce_associative(show, strings)
    assert tu.tree_reduce_associative(operator.add, t, identity=0) == \
        jtu.tree_reduce_associative(operator.add, t, identity=0)


def test_associative_reduction_of_an_empty_tree_needs_an_identity():
    with pytest.raises(TypeError, match="identity"):
        tu.tree_reduce_associative(operator.add, [None, ()])


@pytest.mark.parametrize("t", TREES, ids=repr)
def test_one_level_views_of_structures_match_jax(t):
    mine, theirs = tu.tree_structure(t), jtu.tree_structure(t)
    assert [c.num_leaves for c in tu.treedef_children(mine)] == [c.num_leaves for c in jtu.treedef_children(theirs)]
    pair = tu.treedef_tuple([mine, mine])
    assert pair.num_leaves == jtu.treedef_tuple([theirs, theirs]).num_leaves
    assert tu.tree_unflatten(pair, tu.tree_leaves((t, t))) == (t, t)
    assert tu.is_tree_node(type(t)) == jtu.is_tree_node(type(t))
    if jtu.is_tree_node(type(t)):
        children, aux = tu.flatten_one_level(t)
        assert list(children) == list(jtu.flatten_one_level(t)[0])
        keyed, keyed_aux = tu.flatten_one_level_with_keys(t)
        assert [c for _, c in keyed] == list(children) and keyed_aux == aux
        assert [tu.keystr((k,)) for k, _ in keyed] == _first_steps(t)
    else:
        for one_level in (tu.flatten_one_level, tu.flatten_one_level_with_keys):
            with pytest.raises(ValueError):
                one_level(t)


def _first_steps(t) -> list[str]:
    """The first step of each child's key path in jax, as text (jax names a namedtuple's every child `a`)."""
    if isinstance(t, Point):
        return [".x", ".y"]
    return [jtu.keystr(path) for path, _ in jtu.tree_flatten_with_path(t, is_leaf=lambda x: x is not t)[0]]


@pytest.mark.parametrize("typ", [int, float, type(None), tuple, list, dict, Point, collections.OrderedDict, object])
def test_node_types_match_jax(typ):
    assert tu.is_tree_node(typ) == jtu.is_tree_node(typ)


def test_a_class_registered_again_is_refused_as_jax_refuses_it():
    class Box:
        def __init__(self, v):
            self.v = v
    tu.register_pytree_with_keys(Box, lambda b: (((tu.GetAttrKey("v"), b.v),), None), lambda _, c: Box(*c))
    with pytest.raises(ValueError, match="(?s)already a pytree node.*register a class once"):
        tu.register_pytree_node(Box, lambda b: ((b.v,), None), lambda _, c: Box(*c))
    with pytest.raises(ValueError, match="already a pytree node"):
        tu.register_pytree_node(tuple, lambda b: ((), None), lambda _, c: ())
    assert [tu.keystr(p) for p, _ in tu.tree_leaves_with_path(Box([1]))] == [".v[0]"]


# trees with the first tree's structure as a prefix, dataclass keys --------------------------------
@pytest.mark.parametrize("first, rest", [
    ({"a": 1}, {"a": [2, 3]}),
    ({"a": 1, "b": (None, 2)}, {"a": [2, 3], "b": (None, {"z": 1})}),
    ([1, 2], [(3, 4), {"k": 5}]),
    (Point(1, 2), Point([1], (2, 3))),
    (1.0, {"anything": [1, 2]}),
])
def test_map_takes_trees_that_have_the_first_as_a_prefix_as_jax(first, rest):
    assert fx.tree.map(lambda x, y: (x, y), first, rest) == jtu.tree_map(lambda x, y: (x, y), first, rest)
    assert fx.tree.map_with_path(lambda p, x, y: (tu.keystr(p), x, y), first, rest) == \
        jtu.tree_map_with_path(lambda p, x, y: (jtu.keystr(p), x, y), first, rest)


@pytest.mark.parametrize("first, rest", [({"a": [1, 2]}, {"a": 2}), ({"a": 1}, {"b": 2}), ([1, 2], [1, 2, 3]),
                                         ((1, 2), [1, 2])])
def test_map_refuses_trees_without_the_first_as_a_prefix(first, rest):
    with pytest.raises(ValueError):
        jtu.tree_map(lambda x, y: x, first, rest)
    with pytest.raises(fx.errors.InvalidArgumentError, match="structures differ"):
        fx.tree.map(lambda x, y: x, first, rest)


def test_registered_dataclasses_have_the_key_paths_of_their_fields_as_jax():
    import dataclasses

    @dataclasses.dataclass
    class Layer:
        w: object
        b: object
        name: str = "dense"
    ours = tu.register_dataclass(dataclasses.make_dataclass("Layer", [("w", object), ("b", object),
                                                                     ("name", str, dataclasses.field(default="d"))]),
                                 data_fields=["w", "b"], meta_fields=["name"])
    jtu.register_dataclass(Layer, data_fields=["w", "b"], meta_fields=["name"])
    want = [jtu.keystr(p) for p, _ in jtu.tree_flatten_with_path(Layer([1, 2], 3))[0]]
    got = [tu.keystr(p) for p, _ in tu.tree_flatten_with_path(ours([1, 2], 3))[0]]
    assert got == want
    assert tu.tree_map(lambda v: v * 2, ours([1, 2], 3)) == ours([2, 4], 6)
