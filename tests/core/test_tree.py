import collections
import dataclasses

import pytest

import fluxion as fx

Point = collections.namedtuple("Point", "x y")


@dataclasses.dataclass
class Params:
    w: object
    b: object


@dataclasses.dataclass(frozen=True)
class Frozen:
    a: object


class Registered:
    def __init__(self, left, right, tag):
        self.left, self.right, self.tag = left, right, tag

    def __eq__(self, other):
        return (self.left, self.right, self.tag) == (other.left, other.right, other.tag)


fx.tree.register(Registered, lambda r: ([r.left, r.right], r.tag), lambda tag, c: Registered(c[0], c[1], tag))

TREES = [
    1,
    None,
    (),
    [1, 2, (3, 4)],
    {"b": 1, "a": [2, None, 3]},
    Point(1, (2, 3)),
    Params(w=[1, 2], b=3),
    Frozen(a={"z": 1, "y": 2}),
    Registered(1, [2, 3], tag="t"),
    [{"k": Point(None, 1)}, (Registered(None, 2, 0),)],
    collections.OrderedDict([("z", 1), ("a", [2, 3])]),
    collections.defaultdict(list, {"b": 1, "a": (2, None)}),
]


@pytest.mark.parametrize("tree", TREES, ids=range(len(TREES)))
def test_flatten_unflatten_round_trip_keeps_the_tree(tree):
    leaves, treedef = fx.tree.flatten(tree)
    assert fx.tree.unflatten(treedef, leaves) == tree
    assert treedef.num_leaves == len(leaves)


def test_dict_leaves_follow_sorted_keys_and_none_is_an_empty_node():
    assert fx.tree.leaves({"b": 2, "a": 1, "c": None}) == [1, 2]
    assert fx.tree.leaves([None, None]) == []


def test_map_over_several_trees_and_structure_equality():
    a = {"x": Point(1, 2), "y": [3]}
    b = {"x": Point(10, 20), "y": [30]}
    assert fx.tree.map(lambda u, v: u + v, a, b) == {"x": Point(11, 22), "y": [33]}
    assert fx.tree.structure(a) == fx.tree.structure(b)
    assert hash(fx.tree.structure(a)) == hash(fx.tree.structure(b))


def test_map_with_mismatched_structures_names_both():
    with pytest.raises(ValueError, match="structures differ"):
        fx.tree.map(lambda u, v: u, [1, 2], (1, 2))


def test_unflatten_with_wrong_leaf_count_raises():
    _, treedef = fx.tree.flatten([1, 2])
    with pytest.raises(ValueError, match="2 leaves"):
        fx.tree.unflatten(treedef, [1])


def test_is_leaf_stops_descent():
    leaves = fx.tree.leaves([(1, 2), (3, 4)], is_leaf=lambda t: isinstance(t, tuple))
    assert leaves == [(1, 2), (3, 4)]


def test_arrays_are_leaves():
    import fluxion.numpy as fnp
    x = fnp.asarray([1.0, 2.0])
    assert fx.tree.leaves({"a": x})[0] is x


@pytest.mark.parametrize("value", [
    ((1, 2), [3, {"b": 4, "a": (5, None)}], None, 6), [], (), {}, {"x": ()}, (1,), [[1]], 7,
    collections.namedtuple("P", "x y")(1, [2, 3]),
])
def test_a_compiled_builder_rebuilds_what_unflatten_rebuilds(value):
    from fluxion.core.tree import builder
    leaves, treedef = fx.tree.flatten(value)
    rebuilt = builder(treedef)(leaves)
    assert rebuilt == treedef.unflatten(leaves) and type(rebuilt) is type(value)


def test_ordered_dicts_and_defaultdicts_are_containers_as_in_jax():
    jax = pytest.importorskip("jax")
    od = collections.OrderedDict([("z", 1.0), ("a", 2.0)])
    dd = collections.defaultdict(list, {"z": 1.0, "a": 2.0})
    for tree in (od, dd, {"p": od, "q": [dd]}):
        leaves, treedef = fx.tree.flatten(tree)
        assert leaves == jax.tree_util.tree_leaves(tree)
        rebuilt = fx.tree.unflatten(treedef, leaves)
        assert rebuilt == tree and type(rebuilt) is type(tree)
    assert fx.tree.unflatten(fx.tree.structure(dd), [3.0, 4.0]).default_factory is list
    grads = fx.grad(lambda p: p["z"] * 3.0 + p["a"] ** 2)(od)
    assert type(grads) is collections.OrderedDict and list(grads) == ["z", "a"]
    assert (float(grads["z"]), float(grads["a"])) == (3.0, 4.0)
