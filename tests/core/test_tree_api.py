"""fx.tree reduce, all, transpose and key paths, and flatten_util.ravel_pytree; jax is the oracle where installed."""
import collections
import copy
import dataclasses
import operator
import pickle

import numpy as np
import pytest

import fluxion as fx
import fluxion.numpy as fnp
from fluxion.flatten_util import ravel_pytree

Point = collections.namedtuple("Point", "x y")


@dataclasses.dataclass
class Params:
    w: object
    b: object


class Pair:
    def __init__(self, left, right):
        self.left, self.right = left, right


fx.tree.register(Pair, lambda p: ([p.left, p.right], None), lambda _, c: Pair(*c))

# containers jax takes apart as fluxion does (dataclasses and Pair are registered with jax in `_jax`)
TREES = [
    7,
    None,
    [],
    {"b": 1, "a": [2, None, 3]},
    [1, (2, 3), {"z": 4, "y": (5,)}],
    {"p": Point(1, {"k": [2, 3]}), "q": None, "r": (None, 4)},
    collections.OrderedDict([("z", 1), ("a", [2, 3])]),
    collections.defaultdict(list, {"b": 1, "a": (2, None)}),
    {1: "one", 0: ["zero"]},
    [Params(w=[1, 2], b=3), Pair(4, (5, 6))],
]
IS_LEAF_CASES = [
    ([1, (2, 3), [4, (5, 6)]], lambda x: isinstance(x, tuple)),
    ({"a": Point(1, 2), "b": [Point(3, None)]}, lambda x: isinstance(x, Point)),
]


def _jax():
    jax = pytest.importorskip("jax")
    if not jax.tree_util.all_leaves([Pair(1, 2)]):  # registered already (an earlier test)
        return jax
    jax.tree_util.register_pytree_node(Pair, lambda p: ((p.left, p.right), None), lambda _, c: Pair(*c))
    jax.tree_util.register_dataclass(Params)
    return jax


def _described(pairs):
    return [([repr(k) for k in path], leaf) for path, leaf in pairs]


def _index(tree, path):
    """The subtree at `path`, found by using each key as a user would."""
    for key in path:
        if isinstance(key, fx.tree.DictKey):
            tree = tree[key.key]
        elif isinstance(key, fx.tree.SequenceKey):
            tree = tree[key.idx]
        elif isinstance(key, fx.tree.GetAttrKey):
            tree = getattr(tree, key.name)
        else:
            tree = [tree.left, tree.right][key.key]  # Pair, the one registered class here
    return tree


# --- key paths ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("tree", TREES, ids=range(len(TREES)))
def test_flatten_with_path_gives_jax_keys_and_keystr(tree):
    jax = _jax()
    pairs, treedef = fx.tree.flatten_with_path(tree)
    jax_pairs, _ = jax.tree_util.tree_flatten_with_path(tree)
    assert _described(pairs) == _described(jax_pairs)
    for (path, _), (jax_path, _) in zip(pairs, jax_pairs):
        assert fx.tree.keystr(path) == jax.tree_util.keystr(jax_path)
        assert (fx.tree.keystr(path, simple=True, separator="/")
                == jax.tree_util.keystr(jax_path, simple=True, separator="/"))
    assert treedef == fx.tree.structure(tree)


@pytest.mark.parametrize("tree, is_leaf", IS_LEAF_CASES)
def test_paths_stop_where_is_leaf_stops_as_in_jax(tree, is_leaf):
    jax = _jax()
    assert (_described(fx.tree.leaves_with_path(tree, is_leaf=is_leaf))
            == _described(jax.tree_util.tree_leaves_with_path(tree, is_leaf=is_leaf)))


@pytest.mark.parametrize("tree, is_leaf", [(t, None) for t in TREES] + IS_LEAF_CASES)
def test_leaves_with_path_follow_flatten_order_and_index_back_to_each_leaf(tree, is_leaf):
    pairs = fx.tree.leaves_with_path(tree, is_leaf=is_leaf)
    assert [leaf for _, leaf in pairs] == fx.tree.leaves(tree, is_leaf=is_leaf)
    for path, leaf in pairs:
        assert _index(tree, path) is leaf


def test_map_with_path_passes_each_leafs_path_and_the_matching_leaves_of_the_rest():
    tree = {"b": [1, None, 2], "a": Point(x=3, y=(4,))}
    other = {"b": [10, None, 20], "a": Point(x=30, y=(40,))}
    out = fx.tree.map_with_path(lambda path, x, y: (fx.tree.keystr(path), x + y), tree, other)
    assert out == {"b": [("['b'][0]", 11), None, ("['b'][2]", 22)],
                   "a": Point(x=("['a'].x", 33), y=(("['a'].y[0]", 44),))}
    seen = fx.tree.map_with_path(lambda path, x: _index(tree, path) == x, tree)
    assert fx.tree.all(seen)


def test_map_with_path_with_mismatched_structures_names_the_difference():
    with pytest.raises(ValueError, match=r"tree.map_with_path: structures differ at \['a'\]"):
        fx.tree.map_with_path(lambda p, x, y: x, {"a": [1, 2]}, {"a": [1]})


def test_keys_compare_by_class_and_value_and_are_immutable_and_picklable():
    assert fx.tree.DictKey("a") == fx.tree.DictKey("a") != fx.tree.DictKey("b")
    assert fx.tree.SequenceKey(0) != fx.tree.FlattenedIndexKey(0)
    assert len({fx.tree.GetAttrKey("w"), fx.tree.GetAttrKey("w"), fx.tree.SequenceKey(1)}) == 2
    with pytest.raises(AttributeError, match="immutable"):
        fx.tree.SequenceKey(0).idx = 1
    path = (fx.tree.DictKey("a"), fx.tree.SequenceKey(2), fx.tree.GetAttrKey("w"), fx.tree.FlattenedIndexKey(1))
    assert pickle.loads(pickle.dumps(path)) == path == copy.deepcopy(path)
    assert fx.tree.keystr(path) == "['a'][2].w[<flat index 1>]"
    assert fx.tree.keystr(path, simple=True, separator=".") == "a.2.w.1"
    assert fx.tree.keystr(()) == ""


def test_keys_are_leaves_of_a_tree():
    path = (fx.tree.DictKey("a"), fx.tree.GetAttrKey("w"))
    assert fx.tree.leaves(path) == list(path)


# --- reduce, all ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("tree", TREES[:8], ids=range(8))
def test_reduce_matches_jax_with_and_without_initializer(tree):
    jax = _jax()
    keep_order = lambda acc, x: acc + [x]  # noqa: E731
    assert fx.tree.reduce(keep_order, tree, []) == jax.tree.reduce(keep_order, tree, [])
    assert fx.tree.reduce(operator.add, tree, 100) == jax.tree.reduce(operator.add, tree, 100)
    if fx.tree.leaves(tree):
        assert fx.tree.reduce(operator.add, tree) == jax.tree.reduce(operator.add, tree)


def test_reduce_of_a_tree_without_leaves_needs_an_initializer_as_functools_reduce():
    with pytest.raises(TypeError, match="empty"):
        fx.tree.reduce(operator.add, {"a": None, "b": []})
    assert fx.tree.reduce(operator.add, {"a": None}, None) is None  # None is a start value, not "missing"


def test_reduce_respects_is_leaf():
    tree = [(1, 2), [(3, 4)]]
    assert fx.tree.reduce(operator.add, tree, is_leaf=lambda x: isinstance(x, tuple)) == (1, 2, 3, 4)


@pytest.mark.parametrize("tree", [
    [], None, {"a": None}, [1, True, 2.0], [1, 0], {"a": [True, (False,)]}, (np.float32(0.5), np.array(1)),
    [np.array(True), np.ones((1, 1))], [np.array(0.0)],
])
def test_all_matches_jax(tree):
    jax = _jax()
    assert fx.tree.all(tree) is jax.tree.all(tree)


def test_all_rejects_an_array_leaf_of_several_elements_as_jax():
    jax = _jax()
    with pytest.raises(ValueError):
        jax.tree.all([np.ones(3)])
    with pytest.raises(ValueError):
        fx.tree.all([np.ones(3)])


def test_all_on_array_leaves_uses_their_truth_value():
    assert fx.tree.all({"a": fnp.asarray(1.0), "b": [fnp.ones((1,))]}) is True
    assert fx.tree.all([fnp.asarray(True), fnp.asarray(0)]) is False
    with pytest.raises(ValueError, match="ambiguous"):
        fx.tree.all([fnp.ones(3)])


def test_all_respects_is_leaf():
    assert fx.tree.all([(0, 0)], is_leaf=lambda x: isinstance(x, tuple)) is True  # a non-empty tuple is true


# --- transpose -----------------------------------------------------------------------------------------

TRANSPOSE_CASES = [
    ([0, 0, 0], (0, 0), [(1, 2), (3, 4), (5, 6)]),
    ({"a": 0, "b": 0}, [0, {"u": 0}], {"a": [1, {"u": 2}], "b": [3, {"u": 4}]}),
    (Point(0, 0), {"k": 0, "j": (0,)}, Point({"k": 1, "j": (2,)}, {"k": 3, "j": (4,)})),
    ([0, None, (0,)], (0, 0), [(1, 2), None, ((3, 4),)]),
    ((0, 0), 0, (1, 2)),
]


@pytest.mark.parametrize("outer, inner, tree", TRANSPOSE_CASES, ids=range(len(TRANSPOSE_CASES)))
def test_transpose_matches_jax(outer, inner, tree):
    jax = _jax()
    out = fx.tree.transpose(fx.tree.structure(outer), fx.tree.structure(inner), tree)
    assert out == jax.tree.transpose(jax.tree.structure(outer), jax.tree.structure(inner), tree)
    assert fx.tree.structure(out) == fx.tree.structure(jax.tree.map(lambda _: 0, out))


@pytest.mark.parametrize("outer, inner, tree", TRANSPOSE_CASES, ids=range(len(TRANSPOSE_CASES)))
def test_transpose_infers_the_inner_structure_and_transposing_twice_is_the_identity(outer, inner, tree):
    outer_def, inner_def = fx.tree.structure(outer), fx.tree.structure(inner)
    out = fx.tree.transpose(outer_def, None, tree)
    assert out == fx.tree.transpose(outer_def, inner_def, tree)
    assert fx.tree.transpose(inner_def, outer_def, out) == tree


def test_transpose_of_an_outer_structure_without_leaves_gives_the_inner_tree_of_empty_outers():
    # jax fails here (it cannot build the inner tree); the transposed tree is well defined
    out = fx.tree.transpose(fx.tree.structure({"a": None}), fx.tree.structure((0, [0])), {"a": None})
    assert out == ({"a": None}, [{"a": None}])


def test_transpose_with_an_inner_tree_of_another_structure_names_it():
    outer, inner = fx.tree.structure([0, 0]), fx.tree.structure((0, 0))
    with pytest.raises(TypeError, match=r"inner tree 1 .* differs from inner_treedef"):
        fx.tree.transpose(outer, inner, [(1, 2), (3, 4, 5)])
    with pytest.raises(TypeError, match="inner tree 1"):  # same leaf count, other containers
        fx.tree.transpose(outer, None, [(1, 2), [3, 4]])


def test_transpose_with_a_tree_that_does_not_start_with_the_outer_structure_says_where():
    outer = fx.tree.structure({"a": 0, "b": [0, 0]})
    with pytest.raises(TypeError, match=r"at \['b'\] the outer structure expects list\(\*, \*\)"):
        fx.tree.transpose(outer, None, {"a": (1, 2), "b": (3, 4)})
    with pytest.raises(TypeError, match="the tree has a leaf"):
        fx.tree.transpose(outer, None, {"a": (1, 2), "b": 3})
    with pytest.raises(TypeError, match="pass inner_treedef"):
        fx.tree.transpose(fx.tree.structure([]), None, [])


# --- ravel_pytree ----------------------------------------------------------------------------------

def _tree_of_arrays():
    return {"w": fnp.reshape(fnp.arange(6.0), (2, 3)), "b": fnp.asarray([0.5, -1.0]),
            "s": fnp.asarray(3.0), "rest": [None, (fnp.asarray([[2.0]]),)]}


def _assert_same_arrays(a, b):
    assert fx.tree.structure(a) == fx.tree.structure(b)
    for x, y in zip(fx.tree.leaves(a), fx.tree.leaves(b)):
        assert x.dtype == y.dtype and x.shape == y.shape
        np.testing.assert_array_equal(np.asarray(x), np.asarray(y))


def test_ravel_pytree_matches_jax():
    jax = _jax()
    from jax.flatten_util import ravel_pytree as jax_ravel_pytree
    tree = {"w": np.arange(6, dtype=np.float32).reshape(2, 3), "i": np.array([4, 5], np.int32),
            "p": Point(np.float32(1.5), [np.ones((1, 2), np.float32)])}
    flat, unravel = ravel_pytree(tree)
    jax_flat, jax_unravel = jax_ravel_pytree(tree)
    assert flat.dtype == jax_flat.dtype == np.float32
    np.testing.assert_array_equal(np.asarray(flat), np.asarray(jax_flat))
    _assert_same_arrays(unravel(flat * 3), jax.tree.map(np.asarray, jax_unravel(jax_flat * 3)))


def test_unravel_rebuilds_the_tree_with_each_leafs_shape_and_dtype():
    tree = _tree_of_arrays()
    flat, unravel = ravel_pytree(tree)
    assert flat.shape == (10,) and flat.dtype == fnp.float32
    _assert_same_arrays(unravel(flat), tree)


def test_int32_and_float32_leaves_ravel_to_float32_and_unravel_to_their_dtypes():
    tree = (fnp.asarray([1, 2], dtype=fnp.int32), fnp.asarray([0.5], dtype=fnp.float32))
    flat, unravel = ravel_pytree(tree)
    assert flat.dtype == fnp.float32 and flat.tolist() == [1.0, 2.0, 0.5]
    ints, floats = unravel(flat + 0.25)
    assert ints.dtype == fnp.int32 and ints.tolist() == [1, 2]
    assert floats.dtype == fnp.float32 and floats.tolist() == [0.75]


def test_a_float64_leaf_makes_the_flat_array_float64():
    tree = [fnp.asarray([1.5], dtype=fnp.float32), fnp.asarray(0.1, dtype=fnp.float64)]
    flat, unravel = ravel_pytree(tree)
    assert flat.dtype == fnp.float64
    assert flat.tolist()[1] == 0.1  # kept at double precision
    _assert_same_arrays(unravel(flat), tree)


def test_zero_dimensional_leaves_and_python_scalars_take_one_slot_each():
    flat, unravel = ravel_pytree({"a": 1.5, "b": fnp.asarray(2.0), "c": np.float32(3.0)})
    assert flat.tolist() == [1.5, 2.0, 3.0]
    out = unravel(flat)
    assert [leaf.shape for leaf in fx.tree.leaves(out)] == [(), (), ()]
    assert float(out["a"]) == 1.5


def test_a_tree_without_leaves_ravels_to_an_empty_float32_array():
    flat, unravel = ravel_pytree({"a": None, "b": []})
    assert flat.shape == (0,) and flat.dtype == fnp.float32
    assert unravel(flat) == {"a": None, "b": []}


def test_unravel_of_the_wrong_shape_names_the_expected_shape():
    _, unravel = ravel_pytree([fnp.ones(2), fnp.ones((2, 2))])
    with pytest.raises(ValueError, match=r"expected a 1-D array of shape \(6,\), got shape \(5,\)"):
        unravel(fnp.ones(5))
    with pytest.raises(ValueError, match=r"shape \(6,\), got shape \(2, 3\)"):
        unravel(fnp.ones((2, 3)))


def test_unravel_of_another_dtype_is_refused_as_in_jax_rather_than_cast():
    from jax.flatten_util import ravel_pytree as jax_ravel_pytree
    tree = [fnp.ones(2), fnp.ones(2, dtype=fnp.int8)]
    _, unravel = ravel_pytree(tree)
    _, jax_unravel = jax_ravel_pytree([np.ones(2, np.float32), np.ones(2, np.int8)])
    for wrong in (np.full(4, 3.7, np.float16), np.full(4, 3, np.int32)):
        with pytest.raises(TypeError):
            jax_unravel(wrong)
        with pytest.raises(TypeError, match=f"expected an array of dtype float32, the flat array's, got {wrong.dtype}"):
            unravel(fnp.asarray(wrong))
    assert unravel(np.full(4, 3.7, np.float32))[1].tolist() == [3, 3]  # (the int8 leaf's own cast)


def _loss(tree):
    return fnp.sum(tree["w"] ** 2) * tree["s"] + fnp.sum(fnp.sin(tree["b"])) + fnp.sum(tree["rest"][1][0])


def test_grad_through_unravel_equals_the_raveled_grad_of_the_tree_function():
    tree = _tree_of_arrays()
    flat, unravel = ravel_pytree(tree)
    flat_grad = fx.grad(lambda v: _loss(unravel(v)))(flat)
    expected, _ = ravel_pytree(fx.grad(_loss)(tree))
    np.testing.assert_allclose(np.asarray(flat_grad), np.asarray(expected), rtol=1e-6)


def test_grad_through_ravel_pytree_reaches_every_leaf():
    tree = _tree_of_arrays()
    grads = fx.grad(lambda t: fnp.sum(ravel_pytree(t)[0] * 2.0))(tree)
    _assert_same_arrays(grads, fx.tree.map(lambda x: fnp.full_like(x, 2.0), tree))


def test_unravel_and_ravel_pytree_work_under_jit():
    tree = _tree_of_arrays()
    flat, unravel = ravel_pytree(tree)
    _assert_same_arrays(fx.jit(unravel)(flat), tree)
    jit_flat = fx.jit(lambda t: ravel_pytree(t)[0])(tree)
    np.testing.assert_array_equal(np.asarray(jit_flat), np.asarray(flat))


def test_vmap_of_unravel_adds_a_leading_axis_to_every_leaf():
    tree = _tree_of_arrays()
    flat, unravel = ravel_pytree(tree)
    batch = fnp.stack([flat, flat * 2.0, flat - 1.0])
    out = fx.vmap(unravel)(batch)
    for i, scale in enumerate(fnp.split(batch, 3)):
        _assert_same_arrays(fx.tree.map(lambda x: x[i], out), unravel(scale[0]))
