"""vmap of the windowed primitives (conv_general_dilated, reduce_window) equals a Python loop
over the examples.

Each case is a function of one example's operands; the tests batch it with the batch axes first,
in the middle and last (as -1), with an unbatched input or kernel, with out_axes -1, nested, over
empty batches, 0-d and empty examples and several dtypes, compose it with fx.grad, and compile it
with fx.jit. The cases cover strides, padding (negative too), both dilations, feature and batch
groups and layouts other than NCH/OIH (and a sweep draws layouts and groups). A batched
convolution is one convolution: the examples join the input's batch, the kernel's output
features, or (both batched) the feature or batch groups. Invalid examples must raise the errors
they raise outside vmap.
"""
import itertools
from typing import Callable, NamedTuple

import numpy as np
import pytest
from hypothesis import given, strategies as st

import fluxion as fx
from fluxion.core import dtypes
from fluxion.ops import conv as C

from _loop import (batch_args, check_grad_compositions, check_jit, check_jit_at, check_nested, check_positions,
                   check_same_error, check_vmap, positions, random_array)

DTYPES = ("float32", "int32", "complex64", "bfloat16")
ORDERED = ("float32", "int32", "bfloat16", "bool")


class Case(NamedTuple):
    f: Callable
    shapes: tuple
    dtypes: tuple = DTYPES


def _conv(*args, **kwargs):
    return lambda x, w: C.conv_general_dilated(x, w, *args, **kwargs)


def _pool(*args, **kwargs):
    return lambda x: C.reduce_window(x, *args, **kwargs)


CASES = {
    "conv_strided_padded_dilated": Case(_conv((2,), [(1, 2)], (1,), (2,)), ((2, 4, 7), (6, 4, 3))),
    "conv_input_dilated_and_cropped": Case(_conv((1,), [(-1, 2)], (2,)), ((2, 3, 5), (2, 3, 2))),
    "conv_feature_groups": Case(_conv((1,), "SAME", feature_group_count=2), ((2, 4, 7), (6, 2, 3))),
    "conv_batch_groups": Case(_conv((1,), "VALID", batch_group_count=2), ((4, 3, 6), (4, 3, 2))),
    "conv_2d_channels_last": Case(_conv((1, 2), "SAME", dimension_numbers=("NHWC", "HWIO", "NHWC")),
                                  ((2, 5, 6, 3), (3, 2, 3, 4))),
    "conv_2d_feature_groups_channels_first_kernel_last": Case(
        _conv((2, 1), [(0, 1), (1, 0)], feature_group_count=3, dimension_numbers=("NCHW", "HWIO", "NHWC")),
        ((1, 6, 4, 5), (2, 2, 2, 3))),
    "conv_without_spatial_axes": Case(_conv(), ((3, 4), (5, 4))),
    "conv_of_no_input_examples": Case(_conv((1,)), ((0, 4, 7), (6, 4, 3))),
    "conv_with_no_output_positions": Case(_conv((1,)), ((2, 4, 2), (6, 4, 3))),
    "conv_accumulating_ints_in_float": Case(_conv((1,), preferred_element_type=dtypes.float32),
                                            ((2, 3, 5), (2, 3, 2)), ("int32",)),
    "max_pool_padded_strided": Case(_pool("max", (2, 3), (1, 2), "SAME"), ((4, 7),), ORDERED),
    "min_pool_dilated": Case(_pool("min", (2,), (1,), [(1, 0)], (2,), (2,)), ((5,),), ORDERED),
    "sum_pool_cropped": Case(_pool("sum", (3, 1), (2, 1), [(-1, 1), (0, 0)]), ((6, 2),), DTYPES),
    "sum_pool_of_0d": Case(_pool("sum", ()), ((),), DTYPES),
    "max_pool_of_empty": Case(_pool("max", (1, 2)), ((0, 4),), ORDERED),
}
MULTI = [name for name, case in CASES.items() if len(case.shapes) > 1]
FLOAT = [name for name, case in CASES.items() if "float32" in case.dtypes]


def _tol(dt: str) -> dict:
    # a batched convolution may sum in another order than one example's, then round (bfloat16: 8 bits)
    return dict(rtol=2e-2, atol=2e-2) if dt == "bfloat16" else dict(rtol=2e-5, atol=1e-5)


@pytest.mark.parametrize("where", ["first", "middle", "last"])
@pytest.mark.parametrize("name", CASES)
def test_vmap_matches_loop_for_each_batch_axis_position_and_dtype(name, where, rng):
    f, shapes, dts = CASES[name]
    for dt in dts:
        check_positions(f, rng, shapes, [dt], where, **_tol(dt))


@pytest.mark.parametrize("name", MULTI)
def test_vmap_matches_loop_with_an_unbatched_input_or_kernel(name, rng):
    f, shapes, dts = CASES[name]
    for axes in itertools.product((None, 0, 1, -1), repeat=len(shapes)):
        if any(a is not None for a in axes):
            check_vmap(f, *batch_args(rng, shapes, dts[0], axes), in_axes=axes, **_tol(dts[0]))


@pytest.mark.parametrize("name", CASES)
def test_vmap_places_the_batch_axis_last_with_out_axes(name, rng):
    f, shapes, dts = CASES[name]
    axes = positions(shapes, "middle")
    check_vmap(f, *batch_args(rng, shapes, dts[0], axes), in_axes=axes, out_axes=-1, **_tol(dts[0]))


@pytest.mark.parametrize("name", CASES)
def test_nested_vmap_matches_nested_loops(name, rng):
    f, shapes, dts = CASES[name]
    check_nested(f, rng, shapes, dts[0], positions(shapes, "last"), positions(shapes, "first"), **_tol(dts[0]))
    inner = (None,) + positions(shapes, "first")[1:] if len(shapes) > 1 else positions(shapes, "middle")
    check_nested(f, rng, shapes, dts[0], inner, positions(shapes, "middle"), **_tol(dts[0]))


@pytest.mark.parametrize("name", CASES)
def test_vmap_of_an_empty_batch_gives_empty_results(name, rng):
    f, shapes, dts = CASES[name]
    for axes in {positions(shapes, "first"), positions(shapes, "last"), (0,) + (None,) * (len(shapes) - 1),
                 (None,) * (len(shapes) - 1) + (0,)}:
        if any(a is not None for a in axes):
            check_vmap(f, *batch_args(rng, shapes, dts[0], axes, size=0), in_axes=axes)


@pytest.mark.parametrize("name", FLOAT)
def test_vmap_of_grad_and_grad_of_vmap_match_loops_of_gradients(name, rng):
    f, shapes, _ = CASES[name]
    for axes in (positions(shapes, "middle"), (None,) * (len(shapes) - 1) + (-1,), (-1,) + (None,) * (len(shapes) - 1)):
        if any(a is not None for a in axes):
            check_grad_compositions(f, batch_args(rng, shapes, "float64", axes), axes, rtol=1e-8)


@pytest.mark.parametrize("where", ["first", "last"])
def test_jit_of_vmap_equals_eager_vmap(where, rng):
    check_jit_at(rng, [(f, shapes, "float32" if "float32" in dts else dts[0]) for f, shapes, dts in CASES.values()],
                 where, rtol=1e-4)


def test_jit_of_vmap_of_an_empty_batch_equals_eager_vmap(rng):
    cases = []
    for name in ("conv_strided_padded_dilated", "conv_feature_groups", "conv_batch_groups", "max_pool_padded_strided"):
        f, shapes, _ = CASES[name]
        for axes in {positions(shapes, "first"), (None,) * (len(shapes) - 1) + (0,)}:
            cases.append((f, batch_args(rng, shapes, "float32", axes, size=0), axes))
    check_jit(cases)


# one convolution, whatever is batched --------------------------------------------------------------
def _convs(program) -> list:
    return [eq for eq in program.equations if eq.prim is C.conv_general_dilated_p]


@pytest.mark.parametrize("groups", [dict(), dict(feature_group_count=2), dict(batch_group_count=2)])
def test_batched_input_and_kernel_become_groups_of_one_convolution(groups, rng):
    f = _conv((1,), "SAME", **groups)
    x, w = random_array(rng, (5, 4, 4, 6), "float32"), random_array(rng, (5, 6, 4 // groups.get(
        "feature_group_count", 1), 3), "float32")
    program = fx.make_program(fx.vmap(f))(x, w)
    (eq,) = _convs(program)
    key = "batch_group_count" if "batch_group_count" in groups else "feature_group_count"
    assert eq.params[key] == 5 * groups.get(key, 1)
    check_vmap(f, x, w, rtol=2e-5, atol=1e-5)


@pytest.mark.parametrize("in_axes", [(0, None), (None, 0)])
def test_one_batched_operand_is_not_copied_for_the_other(in_axes, rng):
    f = _conv((1,), "VALID", feature_group_count=2)
    x = random_array(rng, (3, 2, 4, 6) if in_axes[0] == 0 else (2, 4, 6), "float32")
    w = random_array(rng, (3, 4, 2, 3) if in_axes[1] == 0 else (4, 2, 3), "float32")
    program = fx.make_program(fx.vmap(f, in_axes=in_axes))(x, w)
    assert len(_convs(program)) == 1
    assert all(eq.prim.name != "broadcast_in_dim" for eq in program.equations)
    assert _convs(program)[0].params["feature_group_count"] == 2


def test_per_example_gradients_of_a_small_convolutional_network_match_loop(rng):
    w1, w2 = random_array(rng, (4, 2, 3), "float64"), random_array(rng, (1, 4, 2), "float64")
    xs = random_array(rng, (5, 1, 2, 9), "float64")

    def loss(params, x):
        a, b = params
        h = C.conv_general_dilated(x, a, (1,), "SAME")
        h = C.reduce_window(h * (h > 0), "max", (1, 1, 2), (1, 1, 2))
        return (C.conv_general_dilated(h, b, (1,), "VALID") ** 2).sum()

    grad = fx.grad(loss)
    got = fx.vmap(grad, in_axes=(None, 0))((w1, w2), xs)
    want = [np.stack(g) for g in zip(*[[np.asarray(v) for v in grad((w1, w2), xs[k])] for k in range(5)])]
    for g, v in zip(got, want):
        np.testing.assert_allclose(g, v, rtol=1e-10)


@pytest.mark.parametrize("f, shapes", [
    (_conv((1,)), ((2, 4, 7), (6, 3, 3))),
    (_conv((1,), feature_group_count=3), ((2, 4, 7), (6, 2, 3))),
    (_conv((1,), batch_group_count=2), ((3, 4, 7), (6, 4, 3))),
    (_conv((1, 1)), ((2, 4, 7), (6, 4, 3))),
    (_pool("max", (2,)), ((3, 4),)),
    (_pool("sum", (2, 2), padding=[(0, 0)]), ((3, 4),)),
], ids=["conv_features_not_matching", "conv_features_not_divisible_by_groups", "conv_batch_not_divisible_by_groups",
        "conv_strides_for_too_many_axes", "pool_window_for_too_few_axes", "pool_padding_for_too_few_axes"])
def test_invalid_examples_raise_the_error_they_raise_outside_vmap(f, shapes, rng):
    # a window of one more axis, or a group count times the batch size, could pass where an example fails
    for axes in ((0,) * len(shapes), (None,) * (len(shapes) - 1) + (-1,)):
        check_same_error(f, *batch_args(rng, shapes, "float32", axes), in_axes=axes)


@given(st.data())
def test_drawn_layouts_groups_and_batch_axes_match_loop(data):
    """Any axis order of input, kernel and output, feature or batch groups, batch axes anywhere."""
    draw = data.draw
    ndim = draw(st.integers(2, 4), label="rank")
    specs = [tuple(draw(st.permutations(range(ndim)), label=name)) for name in ("lhs", "rhs", "out")]
    groups = draw(st.sampled_from((1, 2)), label="groups")
    by_batch = groups > 1 and draw(st.booleans(), label="batch groups")
    n, c = draw(st.integers(1, 2)) * (groups if by_batch else 1), draw(st.integers(1, 2)) * groups
    o = groups * draw(st.integers(1, 2))
    spatial = [draw(st.integers(1, 4)) for _ in range(ndim - 2)]
    kernel = [draw(st.integers(1, k)) for k in spatial]
    lhs, rhs = [0] * ndim, [0] * ndim
    for d, size in zip(specs[0], [n, c] + spatial):
        lhs[d] = size
    for d, size in zip(specs[1], [o, c if by_batch else c // groups] + kernel):
        rhs[d] = size
    f = _conv((1,) * (ndim - 2), "SAME", dimension_numbers=C.ConvDimensionNumbers(*specs),
              feature_group_count=1 if by_batch else groups, batch_group_count=groups if by_batch else 1)
    axes = tuple(draw(st.sampled_from((None, 0, 1, -1)), label=f"in_axes {k}") for k in range(2))
    axes = axes if axes != (None, None) else (0, 0)
    rng = np.random.default_rng(draw(st.integers(0, 99)))
    size = draw(st.integers(0, 3), label="size")
    check_vmap(f, *batch_args(rng, (tuple(lhs), tuple(rhs)), "float64", axes, size), in_axes=axes, rtol=1e-10,
               atol=1e-12)
