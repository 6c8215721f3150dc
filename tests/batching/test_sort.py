"""vmap of sort and top_k equals a Python loop over the examples.

Each case below is a function of one example's operands; the tests batch it with the batch
axes first, in the middle and last (as -1), with unbatched operands, with out_axes -1, nested,
over empty batches and empty examples and several dtypes (small integers, so keys tie and
stability shows), compose it with fx.grad, and compile it with fx.jit. Sorting moves values
without arithmetic, so results match exactly.
"""
from typing import Callable, NamedTuple

import numpy as np
import pytest
from hypothesis import given, strategies as st

import fluxion as fx
import fluxion.numpy as fnp
from fluxion.core import dtypes
from fluxion.errors import ShapeError
from fluxion.ops import sort as T

from _loop import (batch_args, batched_shape, check_empty_batch, check_grad_compositions, check_jit_at, check_nested,
                   check_positions, check_unbatched, check_vmap, positions, random_array)

KEYS = ("float32", "int32", "uint8", "bool", "bfloat16", "complex64")
ORDERED = ("float32", "int32", "bool", "bfloat16")


class Case(NamedTuple):
    f: Callable
    shapes: tuple
    dtypes: tuple


CASES = {
    "sort_last_axis": Case(lambda x: T.sort((x,)), [(2, 5)], KEYS),
    "sort_first_axis": Case(lambda x: T.sort((x,), 0), [(4, 3)], KEYS),
    "sort_unstable": Case(lambda x: T.sort((x,), 1, is_stable=False), [(3, 4)], KEYS),
    "sort_with_values": Case(lambda k, v: T.sort((k, v), 0), [(5, 2), (5, 2)], KEYS),
    "sort_by_two_keys": Case(lambda a, b, c: T.sort((a, b, c), 1, num_keys=2), [(2, 6)] * 3, ORDERED),
    "sort_of_1d": Case(lambda x: T.sort((x,)), [(6,)], KEYS),
    "sort_of_empty": Case(lambda x: T.sort((x,), 1), [(2, 0)], KEYS),
    "top_k": Case(lambda x: T.top_k(x, 2), [(3, 5)], ORDERED),
    "top_k_of_1d": Case(lambda x: T.top_k(x, 4), [(4,)], ORDERED),
    "top_k_of_none": Case(lambda x: T.top_k(x, 0), [(2, 3)], ORDERED),
    "top_k_of_empty": Case(lambda x: T.top_k(x, 0), [(2, 0)], ORDERED),
}
MULTI = [name for name, case in CASES.items() if len(case.shapes) > 1]
GRAD = ["sort_last_axis", "sort_first_axis", "sort_with_values", "sort_by_two_keys", "top_k", "top_k_of_1d"]


@pytest.mark.parametrize("where", ["first", "middle", "last"])
@pytest.mark.parametrize("name", CASES)
def test_vmap_matches_loop_for_each_batch_axis_position_and_dtype(name, where, rng):
    f, shapes, dts = CASES[name]
    check_positions(f, rng, shapes, dts, where)


@pytest.mark.parametrize("name", MULTI)
def test_vmap_matches_loop_with_unbatched_operands(name, rng):
    f, shapes, _ = CASES[name]
    check_unbatched(f, rng, shapes, "int32")


@pytest.mark.parametrize("name", CASES)
def test_vmap_places_the_batch_axis_last_with_out_axes(name, rng):
    f, shapes, _ = CASES[name]
    axes = positions(shapes, "middle")
    check_vmap(f, *batch_args(rng, shapes, "float32", axes), in_axes=axes, out_axes=-1)


@pytest.mark.parametrize("name", CASES)
def test_nested_vmap_matches_nested_loops(name, rng):
    f, shapes, _ = CASES[name]
    check_nested(f, rng, shapes, "int32", positions(shapes, "last"), positions(shapes, "first"))
    inner = (None,) + positions(shapes, "last")[1:] if len(shapes) > 1 else positions(shapes, "middle")
    check_nested(f, rng, shapes, "float32", inner, positions(shapes, "middle"))


@pytest.mark.parametrize("name", CASES)
def test_vmap_of_an_empty_batch_gives_empty_results(name, rng):
    f, shapes, _ = CASES[name]
    for out in check_empty_batch(f, rng, shapes, "float32"):
        assert all(0 in y.shape for y in fx.tree.leaves(out))


@pytest.mark.parametrize("name", GRAD)
def test_vmap_of_grad_and_grad_of_vmap_match_loops_of_gradients(name, rng):
    f, shapes, _ = CASES[name]
    for axes in (positions(shapes, "middle"), positions(shapes, "last")[:1] + (None,) * (len(shapes) - 1)):
        check_grad_compositions(f, batch_args(rng, shapes, "float64", axes), axes)


@pytest.mark.parametrize("where", ["first", "last"])
def test_jit_of_vmap_equals_eager_vmap(where, rng):
    # XLA may order equal keys of an unstable sort either way
    check_jit_at(rng, [(f, shapes, "int32") for name, (f, shapes, _) in CASES.items() if name != "sort_unstable"],
                 where)


def test_nans_sort_last_and_count_as_largest_in_top_k_under_vmap(rng):
    x = np.where(rng.random((4, 5)) < 0.3, np.nan, rng.standard_normal((4, 5))).astype(np.float32)
    check_vmap(lambda a: T.sort((a,)), x, in_axes=1)
    check_vmap(lambda a: T.top_k(a, 3), x, in_axes=0)


def test_keys_and_values_of_different_dtypes_sort_together(rng):
    keys, values = random_array(rng, (4, 6), "int32"), random_array(rng, (6,), "float32")
    check_vmap(lambda k, v: T.sort((k, v)), keys, values, in_axes=(0, None))


def test_per_example_argsort_through_fnp_matches_loop(rng):
    x = random_array(rng, (3, 7), "int32")
    check_vmap(lambda a: fnp.argsort(a, stable=True), x, in_axes=1)


@pytest.mark.parametrize("f", [lambda x: T.top_k(x, 1), lambda x: T.sort(x), lambda x: T.sort((x, x), num_keys=2)])
def test_0d_examples_are_refused_as_outside_vmap(f):
    with pytest.raises(ShapeError, match="(?s)0-d.*fix: add an axis"):
        fx.vmap(f)(fnp.arange(3.0))
    with pytest.raises(ShapeError, match="0-d"):
        f(fnp.asarray(1.0))


def test_top_k_with_the_batch_axis_last_sorts_each_example(rng):
    x = random_array(rng, (5, 3), "float32")
    values, indices = fx.vmap(lambda a: T.top_k(a, 2), in_axes=-1)(x)
    order = np.argsort(-x, axis=0, kind="stable")[:2].T
    np.testing.assert_array_equal(indices, order.astype(np.int32))
    np.testing.assert_array_equal(values, np.take_along_axis(x.T, order, 1))
    assert indices.dtype == dtypes.int32


@given(st.data())
def test_drawn_sorts_and_batch_axes_match_loop(data):
    draw = data.draw
    shape = tuple(draw(st.lists(st.integers(0, 4), min_size=1, max_size=3), label="shape"))
    n, count = len(shape), draw(st.integers(1, 3), label="operands")
    in_axes = tuple(draw(st.lists(st.sampled_from([None] + list(range(-n - 1, n + 1))), min_size=count,
                                  max_size=count), label="in_axes"))
    in_axes = in_axes if any(a is not None for a in in_axes) else (0,) + in_axes[1:]
    rng = np.random.default_rng(draw(st.integers(0, 99)))
    size = draw(st.integers(0, 3), label="size")
    args = [random_array(rng, batched_shape(shape, a, size), "int8") for a in in_axes]
    dimension, num_keys = draw(st.integers(-n, n - 1), label="dimension"), draw(st.integers(1, count), label="keys")
    check_vmap(lambda *ops: T.sort(ops, dimension, num_keys=num_keys), *args, in_axes=in_axes)
    k, bdim = draw(st.integers(0, shape[-1]), label="k"), draw(st.integers(-n - 1, n), label="top_k batch axis")
    check_vmap(lambda x: T.top_k(x, k), random_array(rng, batched_shape(shape, bdim, size), "int8"), in_axes=bdim)
