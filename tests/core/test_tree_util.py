"""fluxion.tree_util against jax.tree_util: the same names give the same leaves, structures and rebuilt trees."""
import collections
import dataclasses
import functools

import jax
import jax.tree_util as jtu
import numpy as np
import pytest

import fluxion as fx
import fluxion.numpy as fnp
import fluxion.tree_util as tu

Point = collections.namedtuple("Point", "x y")
TREES = [1.0, (1, 2), [1, (2, 3)], {"b": 1, "a": [2, None, 3]}, Point(1, (2, 3)), (), {"k": ()},
         collections.OrderedDict([("z", 1), ("a", 2)])]


@pytest.mark.parametrize("t", TREES, ids=repr)
def test_flatten_map_and_rebuild_match_jax(t):
    leaves, treedef = tu.tree_flatten(t)
    assert leaves == jtu.tree_leaves(t) == tu.tree_leaves(t)
    assert tu.tree_unflatten(treedef, leaves) == jtu.tree_unflatten(jtu.tree_structure(t), leaves)
    assert tu.tree_map(lambda v: v * 10, t) == jtu.tree_map(lambda v: v * 10, t)
    assert tu.tree_reduce(lambda a, b: a + b, t, 0) == jtu.tree_reduce(lambda a, b: a + b, t, 0)
    assert tu.treedef_is_leaf(tu.tree_structure(t)) == jtu.treedef_is_leaf(jtu.tree_structure(t))
    assert [tu.keystr(p) for p, _ in tu.tree_leaves_with_path(t)] == \
        [jtu.keystr(p) for p, _ in jtu.tree_leaves_with_path(t)]


def test_all_leaves_matches_jax():
    for items in ([1, 2.0], [1, (2,)], [], [None]):
        assert tu.all_leaves(items) == jtu.all_leaves(items)


def test_register_pytree_node_class_round_trips_like_jax():
    def define(register):
        @register
        class Box:
            def __init__(self, v, tag):
                self.v, self.tag = v, tag

            def tree_flatten(self):
                return (self.v,), self.tag

            @classmethod
            def tree_unflatten(cls, tag, children):
                return cls(*children, tag)
        return Box

    ours, theirs = define(tu.register_pytree_node_class), define(jtu.register_pytree_node_class)
    assert tu.tree_leaves(ours([1, 2], "t")) == jtu.tree_leaves(theirs([1, 2], "t")) == [1, 2]
    doubled = tu.tree_map(lambda v: 2 * v, ours([1, 2], "t"))
    assert (doubled.v, doubled.tag) == ([2, 4], "t")


def _layer_class():
    @dataclasses.dataclass
    class Layer:
        w: object
        b: object
        name: str = dataclasses.field(default="dense", metadata={"static": True})
    return Layer


def test_register_dataclass_with_static_fields_matches_jax():
    ours, theirs = tu.register_dataclass(_layer_class()), jtu.register_dataclass(_layer_class())
    a, b = ours(1.0, 2.0, "x"), theirs(1.0, 2.0, "x")
    assert tu.tree_leaves(a) == jtu.tree_leaves(b) == [1.0, 2.0]
    rebuilt = tu.tree_map(lambda v: v + 1, a)
    assert (rebuilt.w, rebuilt.b, rebuilt.name) == (2.0, 3.0, "x")
    # the static field is part of the structure: another value is another structure, as in jax
    assert (tu.tree_structure(a) == tu.tree_structure(ours(1.0, 2.0, "y"))) == \
        (jtu.tree_structure(b) == jtu.tree_structure(theirs(1.0, 2.0, "y"))) == False  # noqa: E712


def test_register_dataclass_with_named_fields_passes_jit_and_grad():
    Layer = tu.register_dataclass(_layer_class(), data_fields=["w", "b"], meta_fields=["name"])
    layer = Layer(fnp.asarray([1.0, 2.0]), fnp.asarray(0.5), "dense")
    loss = lambda p, x: fnp.sum((p.w * x + p.b) ** 2)  # noqa: E731
    x = fnp.asarray([3.0, -1.0])
    g = fx.jit(fx.grad(loss))(layer, x)
    w, b, xv = np.array([1.0, 2.0]), 0.5, np.array([3.0, -1.0])
    np.testing.assert_allclose(np.asarray(g.w), 2 * (w * xv + b) * xv, rtol=1e-6)
    np.testing.assert_allclose(float(g.b), np.sum(2 * (w * xv + b)), rtol=1e-6)
    assert g.name == "dense"


def test_register_dataclass_leaves_out_dropped_fields_and_rebuilds_through_init():
    @dataclasses.dataclass
    class Scaled:
        x: object
        k: float = 2.0
        y: object = dataclasses.field(init=False)

        def __post_init__(self):
            self.y = self.x * self.k

    tu.register_dataclass(Scaled, data_fields=["x"], meta_fields=["k"], drop_fields=["y"])
    rebuilt = tu.tree_map(lambda v: v + 1, Scaled(1.0, 3.0))
    assert tu.tree_leaves(Scaled(1.0, 3.0)) == [1.0]
    assert (rebuilt.x, rebuilt.k, rebuilt.y) == (2.0, 3.0, 6.0)


def test_register_dataclass_errors_name_the_fix():
    with pytest.raises(fx.errors.FluxionError, match="drop_fields"):
        tu.register_dataclass(_layer_class(), data_fields=["w"], meta_fields=["name"])
    with pytest.raises(fx.errors.FluxionError, match=r"not in __init__ \['c'\]"):
        tu.register_dataclass(_layer_class(), data_fields=["w", "b", "c"], meta_fields=["name"])
    with pytest.raises(fx.errors.FluxionError, match="both"):
        tu.register_dataclass(_layer_class(), data_fields=["w", "b"])
    with pytest.raises(fx.errors.FluxionError, match="not a dataclass"):
        tu.register_dataclass(type("Plain", (), {}))


def test_register_static_is_structure_not_a_leaf():
    class Mode:
        def __init__(self, name):
            self.name = name

        def __eq__(self, other):
            return isinstance(other, Mode) and other.name == self.name

        def __hash__(self):
            return hash(self.name)

    tu.register_static(Mode)
    tree = {"mode": Mode("train"), "x": 1.0}
    assert tu.tree_leaves(tree) == [1.0]
    assert tu.tree_map(lambda v: v * 3, tree) == {"mode": Mode("train"), "x": 3.0}


def test_partial_is_a_pytree_through_jit_and_vmap():
    scale = tu.Partial(fnp.multiply, fnp.asarray(3.0))
    assert [float(v) for v in tu.tree_leaves(scale)] == [float(v) for v in jtu.tree_leaves(
        jtu.Partial(jax.numpy.multiply, jax.numpy.asarray(3.0)))]
    xs = fnp.asarray([1.0, 2.0, 4.0])
    np.testing.assert_allclose(np.asarray(fx.jit(lambda f, x: f(x))(scale, xs)), [3.0, 6.0, 12.0])
    np.testing.assert_allclose(np.asarray(fx.vmap(lambda f, x: f(x), in_axes=(None, 0))(scale, xs)), [3.0, 6.0, 12.0])


def test_a_structure_survives_deepcopy_and_pickle_as_jax_s_does():
    import copy
    import pickle
    from fluxion.flatten_util import ravel_pytree
    tree = {"a": 1, "b": (2, None), "c": [3.0]}
    td = tu.tree_structure(tree)
    for again in (copy.deepcopy(td), pickle.loads(pickle.dumps(td))):
        assert again == td and hash(again) == hash(td) and again.unflatten([1, 2, 3.0]) == tree
    flat, unravel = ravel_pytree({"w": fnp.ones(3), "b": fnp.zeros(2)})
    assert tu.tree_map(lambda v: v.tolist(), copy.deepcopy(unravel)(flat)) == {"w": [1.0] * 3, "b": [0.0] * 2}


def test_register_pytree_node_takes_jax_s_arguments_and_keys():
    class Pair:
        def __init__(self, a, b):
            self.a, self.b = a, b

    class Keyed(Pair):
        pass

    tu.register_pytree_node(nodetype=Pair, flatten_func=lambda p: ((p.a, p.b), None),
                            unflatten_func=lambda _, c: Pair(*c))
    tu.register_pytree_node(Keyed, lambda p: ((p.a, p.b), None), lambda _, c: Keyed(*c),
                            lambda p: (((tu.GetAttrKey("a"), p.a), (tu.GetAttrKey("b"), p.b)), None))
    assert tu.tree_leaves(Pair(1, (2, 3))) == [1, 2, 3]
    assert [tu.keystr(path) for path, _ in tu.tree_flatten_with_path(Keyed(1, [2]))[0]] == [".a", ".b[0]"]
    keys = (tu.DictKey(key="a"), tu.SequenceKey(idx=1), tu.GetAttrKey(name="w"), tu.FlattenedIndexKey(key=2))
    assert keys == (tu.DictKey("a"), tu.SequenceKey(1), tu.GetAttrKey("w"), tu.FlattenedIndexKey(2))
    assert [str(k) for k in keys] == [str(k) for k in (jtu.DictKey(key="a"), jtu.SequenceKey(idx=1),
                                                       jtu.GetAttrKey(name="w"), jtu.FlattenedIndexKey(key=2))]
    with pytest.raises(TypeError, match="DictKey takes one value, `key`"):
        tu.DictKey(name="a")


def test_jit_names_unhashable_static_data_of_a_pytree_argument():
    @dataclasses.dataclass
    class Config:
        w: object
        sizes: object

    tu.register_dataclass(Config, data_fields=["w"], meta_fields=["sizes"])
    f = fx.jit(lambda c: c.w * len(c.sizes))
    assert f(Config(fnp.ones(2), (1, 2))).tolist() == [2.0, 2.0]
    with pytest.raises(TypeError, match=r"(?s)a Config in the arguments has static data.*not hashable.*tuple"):
        f(Config(fnp.ones(2), [1, 2]))


def test_structures_that_differ_only_in_static_data_show_it():
    with pytest.raises(ValueError, match=r"OrderedDict\(\*, \*\) with static data \('a', 'b'\) vs \('b', 'a'\)"):
        tu.tree_map(lambda a, b: a, collections.OrderedDict(a=1, b=2), collections.OrderedDict(b=1, a=2))


def test_a_partial_given_to_partial_stays_whole_as_in_jax():
    import functools

    def scaled(mode, x):
        return x * (2 if mode == "double" else 1)

    p = tu.Partial(functools.partial(scaled, "double"))
    assert float(fx.jit(lambda p, x: p(x))(p, fnp.asarray(3.0))) == 6.0
    assert tu.tree_leaves(tu.Partial(tu.Partial(fnp.add, 1), 2)) == jtu.tree_leaves(jtu.Partial(jtu.Partial(max, 1), 2))


def test_flatten_one_level_of_a_class_with_keys_gives_its_own_aux_data_as_jax():
    class Pair:
        def __init__(self, a, b):
            self.a, self.b = a, b

    for lib in (tu, jtu):
        lib.register_pytree_with_keys(Pair, lambda p: (((lib.GetAttrKey("a"), p.a), (lib.GetAttrKey("b"), p.b)),
                                                       "AUX"), lambda aux, c: Pair(*c))
    assert tu.flatten_one_level(Pair(1, 2))[1] == jtu.flatten_one_level(Pair(1, 2))[1] == "AUX"


@pytest.mark.parametrize("t", TREES, ids=repr)
def test_treedef_methods_match_jax(t):
    ours, theirs = tu.tree_structure(t), jtu.tree_structure(t)
    assert ours.num_nodes == theirs.num_nodes and ours.num_leaves == theirs.num_leaves
    assert [c.num_nodes for c in ours.children()] == [c.num_nodes for c in theirs.children()]
    assert (ours.node_data() is None) == (theirs.node_data() is None)
    if ours.node_data() is not None:
        assert ours.node_data()[0] is theirs.node_data()[0]
    assert tu.PyTreeDef.from_node_data_and_children(ours.node_data(), ours.children()) == ours
    inner = tu.tree_structure((0, {"a": 0}))
    composed = ours.compose(inner)
    assert composed.num_nodes == theirs.compose(jtu.tree_structure((0, {"a": 0}))).num_nodes
    full = composed.unflatten(range(composed.num_leaves))
    assert ours.flatten_up_to(full) == theirs.flatten_up_to(full)


def test_flatten_up_to_names_where_the_tree_is_not_a_prefix():
    with pytest.raises(ValueError, match=r"at \[.a.\] the treedef structure expects tuple\(\*, \*\), the tree has "):
        tu.tree_structure({"a": (1, 2)}).flatten_up_to({"a": [1, 2]})
    with pytest.raises(ValueError):  # (the same error class as jax's)
        jtu.tree_structure({"a": (1, 2)}).flatten_up_to({"a": [1, 2]})


def test_is_leaf_takes_path_matches_jax():
    t = {"w": [1, (2, 3)], "b": (4, 5)}

    def stop(path, x):
        return len(path) == 2
    for ours, theirs in ((tu.tree_leaves_with_path, jtu.tree_leaves_with_path),
                         (tu.tree_flatten_with_path, jtu.tree_flatten_with_path)):
        got, want = ours(t, stop, is_leaf_takes_path=True), theirs(t, stop, is_leaf_takes_path=True)
        if ours is tu.tree_flatten_with_path:
            assert got[1].num_nodes == want[1].num_nodes
            got, want = got[0], want[0]
        assert [(tu.keystr(p), x) for p, x in got] == [(jtu.keystr(p), x) for p, x in want]
    assert tu.tree_map_with_path(lambda p, x: len(p), t, is_leaf=stop, is_leaf_takes_path=True) == \
        jtu.tree_map_with_path(lambda p, x: len(p), t, is_leaf=stop, is_leaf_takes_path=True)


def test_a_registered_class_is_rebuilt_from_a_tuple_of_children_as_in_jax():
    class Node:
        def __init__(self, a, b):
            self.a, self.b = a, b

    for registry in (tu, jtu):  # an unflatten function doing tuple arithmetic on its children
        registry.register_pytree_node(Node, lambda n: ((n.a,), n.b), lambda aux, c: Node(*(c + (aux,))))
        out = registry.tree_map(lambda x: x * 2, Node(1, "b"))
        assert (out.a, out.b) == (2, "b")


def test_a_dataclass_keeps_the_attributes_its_init_set_besides_its_fields():
    @dataclasses.dataclass
    class Layer:
        w: object
        n: int = dataclasses.field(init=False, default=3)

        def __post_init__(self):
            self.scale = 2.0

    layer = Layer(fnp.ones(2))
    mapped = tu.tree_map(lambda x: x, layer)
    assert (mapped.n, mapped.scale) == (3, 2.0) and mapped.w is layer.w

    def f(layer):
        return layer.w * layer.scale * layer.n
    np.testing.assert_array_equal(fx.jit(f)(layer), f(layer))
    np.testing.assert_array_equal(fx.grad(lambda l: f(l).sum(), allow_int=True)(layer).w, np.full(2, 6.0))


def test_a_dataclass_leaves_a_cached_property_out_of_its_children():
    @dataclasses.dataclass
    class Squared:
        a: object

        @functools.cached_property
        def sq(self):
            return self.a ** 2

    obj = Squared(fnp.asarray(3.0))
    before = fx.grad(lambda o: o.sq)(obj).a
    assert obj.sq == 9.0  # (now cached on obj)
    assert tu.tree_structure(obj) == tu.tree_structure(Squared(1.0))
    assert float(fx.grad(lambda o: o.sq)(obj).a) == float(before) == 6.0  # (the cache was a leaf of its own: 0)
