"""vmap of the shape primitives equals a Python loop over the examples.

Each case below is a function of one example's operands; the tests batch it with the batch
axes first, in the middle and last (as -1), with unbatched operands, with out_axes -1, nested,
over empty batches, 0-d and empty examples and several dtypes, compose it with fx.grad, and
compile it with fx.jit. The rules keep the batch axis in place, so the programs they give hold
no transpose the example did not ask for.
"""
from typing import Callable, NamedTuple

import numpy as np
import pytest
from hypothesis import assume, given, strategies as st

import fluxion as fx
from fluxion.core import dtypes
from fluxion.errors import ShapeError
from fluxion.ops import shape as S

from _loop import (assert_same, batch_args, batched_shape, check_empty_batch, check_grad_compositions, check_jit_at,
                   check_nested, check_positions, check_unbatched, check_vmap, positions, random_array)

DTYPES = ("float32", "int32", "bool", "complex64", "bfloat16")
NUMERIC = ("float32", "int32", "complex64", "bfloat16")


class Case(NamedTuple):
    f: Callable
    shapes: tuple
    dtypes: tuple = DTYPES


CASES = {
    "broadcast_in_dim": Case(lambda x: S.broadcast_in_dim(x, (2, 3, 4), (1, 2)), [(3, 1)]),
    "broadcast_in_dim_of_0d": Case(lambda x: S.broadcast_in_dim(x, (2, 3), ()), [()]),
    "broadcast_in_dim_to_empty": Case(lambda x: S.broadcast_in_dim(x, (0, 3), (1,)), [(3,)]),
    "reshape_merging_axes": Case(lambda x: S.reshape(x, (6, 4)), [(2, 3, 4)]),
    "reshape_splitting_axes": Case(lambda x: S.reshape(x, (2, 2, 6)), [(4, 6)]),
    "reshape_across_axes": Case(lambda x: S.reshape(x, (3, 2)), [(2, 3)]),
    "reshape_of_0d": Case(lambda x: S.reshape(x, (1, 1)), [()]),
    "reshape_of_empty": Case(lambda x: S.reshape(x, (3, 0, 2)), [(0, 6)]),
    "transpose": Case(lambda x: S.transpose(x, (2, 0, 1)), [(2, 3, 4)]),
    "transpose_of_empty": Case(lambda x: S.transpose(x, (1, 0)), [(0, 2)]),
    "squeeze": Case(lambda x: S.squeeze(x, (1, 3)), [(2, 1, 3, 1)]),
    "squeeze_to_0d": Case(lambda x: S.squeeze(x, (0,)), [(1,)]),
    "expand_dims": Case(lambda x: S.expand_dims(x, (0, 2, 4)), [(2, 3)]),
    "expand_dims_of_0d": Case(lambda x: S.expand_dims(x, (0, 1)), [()]),
    "rev": Case(lambda x: S.rev(x, (0, 2)), [(2, 3, 4)]),
    "concatenate": Case(lambda x, y, z: S.concatenate([x, y, z], 1), [(2, 3), (2, 1), (2, 0)]),
    "concatenate_first_axis": Case(lambda x, y: S.concatenate([x, y], 0), [(1, 3), (2, 3)]),
    "pad_cropping_and_interior": Case(lambda x, v: S.pad(x, v, ((1, -1, 1), (0, 2, 0))), [(3, 4), ()]),
    "pad_of_empty": Case(lambda x, v: S.pad(x, v, ((2, 1, 3),)), [(0,), ()]),
    "slice_with_strides": Case(lambda x: S.slice(x, (1, 0), (5, 5), (2, 3)), [(5, 6)]),
    "slice_to_empty": Case(lambda x: S.slice(x, (1, 2), (3, 2)), [(4, 5)]),
    "iota_beside_batched_values": Case(lambda x: S.concatenate([x, S.iota(x.dtype, (2, 3), 1)], 0), [(1, 3)],
                                       NUMERIC),
}
MULTI = [name for name, case in CASES.items() if len(case.shapes) > 1]
FLOAT = [name for name, case in CASES.items() if "float32" in case.dtypes]


@pytest.mark.parametrize("where", ["first", "middle", "last"])
@pytest.mark.parametrize("name", CASES)
def test_vmap_matches_loop_for_each_batch_axis_position_and_dtype(name, where, rng):
    f, shapes, dts = CASES[name]
    check_positions(f, rng, shapes, dts, where)


@pytest.mark.parametrize("name", MULTI)
def test_vmap_matches_loop_with_unbatched_operands(name, rng):
    f, shapes, _ = CASES[name]
    check_unbatched(f, rng, shapes, "float32")


@pytest.mark.parametrize("name", CASES)
def test_vmap_places_the_batch_axis_last_with_out_axes(name, rng):
    f, shapes, _ = CASES[name]
    axes = positions(shapes, "middle")
    check_vmap(f, *batch_args(rng, shapes, "int32", axes), in_axes=axes, out_axes=-1)


@pytest.mark.parametrize("name", CASES)
def test_nested_vmap_matches_nested_loops(name, rng):
    f, shapes, _ = CASES[name]
    check_nested(f, rng, shapes, "float32", positions(shapes, "last"), positions(shapes, "first"))
    # the first operand batched only by the outer vmap
    inner = (None,) + positions(shapes, "first")[1:] if len(shapes) > 1 else positions(shapes, "middle")
    check_nested(f, rng, shapes, "float32", inner, positions(shapes, "middle"))


@pytest.mark.parametrize("name", CASES)
def test_vmap_of_an_empty_batch_gives_empty_results(name, rng):
    f, shapes, _ = CASES[name]
    for out in check_empty_batch(f, rng, shapes, "float32"):
        assert fx.tree.leaves(out)


@pytest.mark.parametrize("name", FLOAT)
def test_vmap_of_grad_and_grad_of_vmap_match_loops_of_gradients(name, rng):
    f, shapes, _ = CASES[name]
    for axes in (positions(shapes, "middle"), (None,) * (len(shapes) - 1) + (-1,)):
        check_grad_compositions(f, batch_args(rng, shapes, "float64", axes), axes)


@pytest.mark.parametrize("where", ["first", "last"])
def test_jit_of_vmap_equals_eager_vmap(where, rng):
    check_jit_at(rng, [(f, shapes, "float32") for f, shapes, _ in CASES.values()], where)


def test_padding_value_per_example_matches_loop_and_keeps_the_operand_weak_flag(rng):
    x = fx.Array(random_array(rng, (3, 2), "float32"), weak=True)
    v = random_array(rng, (3,), "float32")
    got = check_vmap(lambda a, b: S.pad(a, b, ((1, 1, 1),)), x, v)
    assert got.weak == S.pad(x[0], v[0], ((1, 1, 1),)).weak


# the batch axis stays where it is: the batched program is the example's, then at most one transpose
# that moves the batch axis to out_axes ------------------------------------------------------------
KEEPS_AXIS = ["broadcast_in_dim", "reshape_merging_axes", "reshape_splitting_axes", "squeeze", "expand_dims", "rev",
              "concatenate", "pad_cropping_and_interior", "slice_with_strides", "transpose"]


@pytest.mark.parametrize("where", ["middle", "last"])
@pytest.mark.parametrize("name", KEEPS_AXIS)
def test_batched_program_moves_no_axis_before_the_output(name, where, rng):
    f, shapes, _ = CASES[name]
    axes = positions(shapes, where)[:1] + (None,) * (len(shapes) - 1) if name.startswith("pad") else \
        positions(shapes, where)
    args = batch_args(rng, shapes, "float32", axes)
    per_example = fx.make_program(f)(*[a if ax is None else np.take(a, 0, ax) for a, ax in zip(args, axes)])
    batched = fx.make_program(fx.vmap(f, in_axes=axes))(*args)
    prims, batched_prims = [eq.prim for eq in per_example.equations], [eq.prim for eq in batched.equations]
    assert batched_prims[:len(prims)] == prims and batched_prims[len(prims):] in ([], [S.transpose_p])


def test_reshape_that_mixes_the_batch_axis_moves_it_first(rng):
    # examples (2, 3) -> (3, 2) with the batch axis between 2 and 3: no place keeps it apart
    x = random_array(rng, (2, 4, 3), "int32")
    program = fx.make_program(fx.vmap(lambda a: S.reshape(a, (3, 2)), in_axes=1))(x)
    assert [eq.prim for eq in program.equations] == [S.transpose_p, S.reshape_p]
    assert_same(fx.vmap(lambda a: S.reshape(a, (3, 2)), in_axes=1)(x), np.moveaxis(x, 1, 0).reshape(4, 3, 2))


def test_concatenating_0d_examples_is_refused_as_outside_vmap():
    with pytest.raises(ShapeError, match="(?s)cannot concatenate 0-d arrays.*fix: use fnp.stack"):
        fx.vmap(lambda a, b: S.concatenate([a, b], 0), in_axes=(0, None))(np.ones(3), np.ones(()))


@pytest.mark.parametrize("f, op", [(lambda a: S.reshape(a, (5,)), "reshape"), (lambda a: S.squeeze(a, (0,)), "squeeze"),
                                   (lambda a: S.broadcast_in_dim(a, (3, 2), (0, 1)), "broadcast_in_dim")])
def test_shapes_invalid_per_example_raise_shape_errors_under_vmap(f, op):
    x = np.ones((4, 2, 3))
    with pytest.raises(ShapeError, match=op):
        f(x[0])
    with pytest.raises(ShapeError, match=op):
        fx.vmap(f)(x)


@pytest.mark.parametrize("f", [lambda a, b: S.concatenate([a, b], 0), lambda a, b: S.pad(a, b, ((1, 0, 0), (0, 1, 1)))])
def test_concatenate_and_pad_errors_under_vmap_name_the_example_shapes(f):
    x, y = np.ones((4, 2, 3)), np.ones((4, 3))
    with pytest.raises(ShapeError) as outside:
        f(x[0], y[0])
    with pytest.raises(ShapeError) as inside:
        fx.vmap(f)(x, y)
    problem = lambda e: str(e.value).splitlines()[0]  # noqa: E731  (the next line names the caller's line)
    assert problem(inside) == problem(outside) and "(3,)" in problem(inside)


def test_iota_alone_under_vmap_is_the_same_for_every_example():
    got = fx.vmap(lambda: S.iota(dtypes.int32, (2, 3), 0), axis_size=4)()
    assert_same(got, np.broadcast_to(np.arange(2, dtype=np.int32)[:, None], (4, 2, 3)))


@given(st.data())
def test_drawn_shape_operations_and_batch_axes_match_loop(data):
    shape = tuple(data.draw(st.lists(st.integers(0, 3), min_size=1, max_size=3), label="shape"))
    n, draw = len(shape), data.draw
    bdim, size = draw(st.integers(-n - 1, n), label="bdim"), draw(st.integers(0, 3), label="size")
    rng = np.random.default_rng(draw(st.integers(0, 99)))
    x = random_array(rng, batched_shape(shape, bdim, size), "int32")
    check = lambda f, *more, in_axes=(bdim,): check_vmap(f, x, *more, in_axes=in_axes)  # noqa: E731

    perm = draw(st.permutations(range(n)), label="permutation")
    check(lambda a: S.transpose(a, perm))
    flipped = sorted(draw(st.sets(st.integers(0, n - 1)), label="reversed"))
    check(lambda a: S.rev(a, flipped))
    starts = [draw(st.integers(0, k)) for k in shape]
    limits = [draw(st.integers(a, k)) for a, k in zip(starts, shape)]
    strides = [draw(st.integers(1, 3)) for _ in shape]
    check(lambda a: S.slice(a, starts, limits, strides))
    # reshape to the sizes in another order, two neighbours merged
    sizes = list(draw(st.permutations(shape), label="new sizes"))
    if n > 1:
        sizes[:2] = [sizes[0] * sizes[1]]
    check(lambda a: S.reshape(a, sizes))
    # broadcast into more axes, stretching some of size 1
    kept = sorted(draw(st.sets(st.integers(0, n + 1), min_size=n, max_size=n), label="broadcast dimensions"))
    target = [draw(st.integers(0, 2)) for _ in range(n + 2)]
    for k, d in zip(shape, kept):
        target[d] = draw(st.sampled_from([1, 2])) if k == 1 else k
    check(lambda a: S.broadcast_in_dim(a, target, kept))
    config = [(draw(st.integers(-2, 2)), draw(st.integers(-2, 2)), draw(st.integers(0, 2))) for _ in shape]
    assume(all(lo + hi + k + max(k - 1, 0) * i >= 0 for k, (lo, hi, i) in zip(shape, config)))
    value_axis = draw(st.sampled_from([None, 0]), label="padding value batched along")
    value = random_array(rng, batched_shape((), value_axis, size), "int32")
    check(lambda a, v: S.pad(a, v, config), value, in_axes=(bdim, value_axis))
