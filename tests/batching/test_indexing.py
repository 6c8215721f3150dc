"""vmap of the indexing primitives (gather, the scatters, dynamic_slice, dynamic_update_slice)
equals a Python loop over the examples.

Each case is a function of one example's operand(s) and indices; the tests batch it with the
batch axes first, in the middle and last (as -1), with unbatched operands or unbatched indices,
with out_axes -1, nested, over empty batches, 0-d and empty examples and several dtypes, compose
it with fx.grad, and compile it with fx.jit. Indices include out-of-bounds and repeated entries.
Batched indices must become gather/scatter batching dimensions or extra index columns: the
structural tests check that the batched program has no more indexing operations than the
example's. A sweep over drawn dimension numbers places window axes anywhere among the output's,
and invalid examples must raise the errors they raise outside vmap.
"""
from typing import Callable, NamedTuple

import numpy as np
import pytest
from hypothesis import given, strategies as st

import fluxion as fx
from fluxion.ops import indexing as I
from fluxion.ops import shape as S

from _loop import (Arg, assert_same, batch_args, check_empty_batch, check_grad_compositions, check_jit, check_jit_at,
                   check_nested, check_positions, check_same_error, check_unbatched, check_vmap, positions,
                   random_array, spec_shape)

DTYPES = ("float32", "int32", "complex64", "bfloat16", "bool")
ORDERED = ("float32", "int32", "bfloat16")  # min and max over complex numbers are not what a test should pin


def index(lo: int, hi: int, shape: tuple, dtype: str = "int32") -> Arg:
    """An index argument: integers in [lo, hi) of `dtype`, whatever the tested dtype."""
    return Arg(shape, lambda rng, s, _: rng.integers(lo, hi, s).astype(dtype))


class Case(NamedTuple):
    f: Callable
    args: tuple  # one example's arguments: shapes (of the tested dtype) or index Args
    dtypes: tuple = DTYPES


def _gdn(offset, collapsed, start, obatch=(), ibatch=()):
    return I.GatherDimensionNumbers(offset, collapsed, start, obatch, ibatch)


def _sdn(window, inserted, start, obatch=(), ibatch=()):
    return I.ScatterDimensionNumbers(window, inserted, start, obatch, ibatch)


ROWS_G = _gdn((1,), (0,), (0,))
WINDOWS_G = _gdn((1, 2), (), (0, 1))
BATCHED_G = _gdn((2,), (1,), (1,), (0,), (0,))  # operand axis 0 runs in step with index axis 0
SCALAR_G = _gdn((), (), ())  # a 0-d operand read at empty index vectors
ROWS_S = _sdn((1,), (0,), (0,))
OVERLAP_S = _sdn((1,), (), (0,))  # windows of 2 along a vector: neighbours overlap
BATCHED_S = _sdn((2,), (1,), (1,), (0,), (0,))
SCALAR_S = _sdn((), (), ())


def _scatter_cases(name: str, fn, dts) -> dict:
    return {
        f"{name}_rows_with_repeats_and_out_of_bounds": Case(lambda x, i, u: fn(x, i, u, ROWS_S),
                                                            ((4, 3), index(-1, 5, (3, 1)), (3, 3)), dts),
        f"{name}_overlapping_windows_clipped": Case(lambda x, i, u: fn(x, i, u, OVERLAP_S, mode="clip"),
                                                    ((5,), index(-2, 6, (4, 1), "int64"), (4, 2)), dts),
        f"{name}_with_batching_dims": Case(lambda x, i, u: fn(x, i, u, BATCHED_S),
                                           ((2, 4, 3), index(0, 4, (2, 3, 1)), (2, 3, 3)), dts),
        f"{name}_into_0d": Case(lambda x, i, u: fn(x, i, u, SCALAR_S), ((), index(0, 1, (3, 0)), (3,)), dts),
        f"{name}_of_no_updates": Case(lambda x, i, u: fn(x, i, u, ROWS_S), ((4, 2), index(0, 4, (0, 1)), (0, 2)),
                                      dts),
    }


SETS = _scatter_cases("scatter", I.scatter, DTYPES)


def _dynamic_slice_0d(x):
    return I.dynamic_slice_p.bind(x, slice_sizes=())


CASES = {
    "gather_rows_filling_out_of_bounds": Case(lambda x, i: I.gather(x, i, ROWS_G, (1, 3), mode="fill"),
                                              ((4, 3), index(-1, 5, (2, 1)))),
    "gather_windows_clipped": Case(lambda x, i: I.gather(x, i, WINDOWS_G, (2, 2), mode="clip"),
                                   ((5, 4), index(-2, 6, (3, 2), "int64"))),
    "gather_in_bounds_promised": Case(lambda x, i: I.gather(x, i, ROWS_G, (1, 3), mode="promise_in_bounds"),
                                      ((4, 3), index(0, 4, (2, 2, 1), "uint8"))),
    "gather_with_batching_dims": Case(lambda x, i: I.gather(x, i, BATCHED_G, (1, 1, 3), mode="fill"),
                                      ((2, 4, 3), index(-1, 5, (2, 3, 1)))),
    "gather_from_0d": Case(lambda x, i: I.gather(x, i, SCALAR_G, ()), ((), index(0, 1, (2, 0)))),
    "gather_of_empty_windows": Case(lambda x, i: I.gather(x, i, ROWS_G, (1, 0)), ((4, 0), index(0, 4, (2, 1)))),
    **SETS,
    **_scatter_cases("scatter_add", I.scatter_add, DTYPES),
    **_scatter_cases("scatter_mul", I.scatter_mul, DTYPES),
    **_scatter_cases("scatter_min", I.scatter_min, ORDERED),
    **_scatter_cases("scatter_max", I.scatter_max, ORDERED),
    "dynamic_slice": Case(lambda x, a, b: I.dynamic_slice(x, (a, b), (2, 3)),
                          ((5, 4), index(-2, 6, ()), index(-1, 5, ()))),
    "dynamic_slice_with_mixed_start_dtypes": Case(lambda x, a, b: I.dynamic_slice(x, (a, b), (2, 1)),
                                                  ((4, 3), index(0, 6, (), "uint8"), index(-3, 4, (), "int64"))),
    "dynamic_slice_of_0d": Case(_dynamic_slice_0d, ((),)),
    "dynamic_slice_of_empty": Case(lambda x, a: I.dynamic_slice(x, (a, 0), (2, 0)), ((4, 0), index(-1, 5, ()))),
    "dynamic_update_slice": Case(lambda x, u, a, b: I.dynamic_update_slice(x, u, (a, b)),
                                 ((5, 4), (2, 3), index(-2, 6, ()), index(-1, 5, ()))),
    "dynamic_update_slice_with_mixed_start_dtypes": Case(lambda x, u, a: I.dynamic_update_slice(x, u, (a,)),
                                                         ((5,), (2,), index(0, 9, (), "uint16"))),
    "dynamic_update_slice_of_empty": Case(lambda x, u, a: I.dynamic_update_slice(x, u, (0, a)),
                                          ((0, 4), (0, 2), index(-1, 5, ()))),
}
FLOAT = [name for name, case in CASES.items() if "float32" in case.dtypes]
# cases whose results do not depend on the order of writes to one place (XLA's is unspecified)
ORDER_FREE = [name for name in CASES if name not in SETS or name == "scatter_of_no_updates"]


@pytest.mark.parametrize("where", ["first", "middle", "last"])
@pytest.mark.parametrize("name", CASES)
def test_vmap_matches_loop_for_each_batch_axis_position_and_dtype(name, where, rng):
    f, specs, dts = CASES[name]
    check_positions(f, rng, specs, dts, where)


@pytest.mark.parametrize("name", CASES)
def test_vmap_matches_loop_with_unbatched_operands_or_indices(name, rng):
    f, specs, _ = CASES[name]
    check_unbatched(f, rng, specs, "float32")


@pytest.mark.parametrize("name", CASES)
def test_vmap_places_the_batch_axis_last_with_out_axes(name, rng):
    f, specs, _ = CASES[name]
    axes = positions(specs, "middle")
    check_vmap(f, *batch_args(rng, specs, "int32", axes), in_axes=axes, out_axes=-1)


@pytest.mark.parametrize("name", CASES)
def test_nested_vmap_matches_nested_loops(name, rng):
    f, specs, _ = CASES[name]
    check_nested(f, rng, specs, "float32", positions(specs, "last"), positions(specs, "first"))
    # the operand batched only by the outer vmap, the indices by both
    inner = (None,) + positions(specs, "middle")[1:] if len(specs) > 1 else positions(specs, "middle")
    check_nested(f, rng, specs, "float32", inner, positions(specs, "middle"))
    # the indices batched only by the outer vmap
    if len(specs) > 1:
        check_nested(f, rng, specs, "float32", (0,) + (None,) * (len(specs) - 1), positions(specs, "last"))


@pytest.mark.parametrize("name", CASES)
def test_vmap_of_an_empty_batch_gives_empty_results(name, rng):
    f, specs, _ = CASES[name]
    check_empty_batch(f, rng, specs, "float32")


@pytest.mark.parametrize("name", FLOAT)
def test_vmap_of_grad_and_grad_of_vmap_match_loops_of_gradients(name, rng):
    f, specs, _ = CASES[name]
    data = tuple(k for k, s in enumerate(specs) if not isinstance(s, Arg))
    for axes in (positions(specs, "middle"), (None,) * (len(specs) - 1) + (-1,), (-1,) + (None,) * (len(specs) - 1)):
        check_grad_compositions(f, batch_args(rng, specs, "float64", axes), axes, argnums=data)


@pytest.mark.parametrize("where", ["first", "last"])
def test_jit_of_vmap_equals_eager_vmap(where, rng):
    check_jit_at(rng, [(CASES[name].f, CASES[name].args, "float32") for name in ORDER_FREE], where)


def test_jit_of_vmap_of_an_empty_batch_equals_eager_vmap(rng):
    names = ("gather_with_batching_dims", "scatter_add_with_batching_dims", "dynamic_slice", "dynamic_update_slice")
    cases = []
    for name in names:
        f, specs, _ = CASES[name]
        axes = positions(specs, "first")
        cases.append((f, batch_args(rng, specs, "float32", axes, size=0), axes))
    check_jit(cases)


def test_jit_of_vmap_of_scatter_with_distinct_indices_equals_eager_vmap(rng):
    # per example a permutation of the rows, so no two updates meet and every combiner is exact
    idx = np.stack([rng.permutation(4)[:3] for _ in range(3)])[..., None]
    x, u = random_array(rng, (3, 4, 2), "float32"), random_array(rng, (3, 3, 2), "float32")
    cases = [(lambda a, i, b, fn=fn: fn(a, i, b, ROWS_S), (x, idx, u), (0, 0, 0))
             for fn in (I.scatter, I.scatter_add, I.scatter_mul, I.scatter_min, I.scatter_max)]
    check_jit(cases)


# batched indices are batching dimensions or index columns, not a loop ------------------------------
def _indexing_prims(program) -> list:
    return [eq.prim for eq in program.equations
            if eq.prim in (I.gather_p, I.dynamic_slice_p, I.dynamic_update_slice_p, *I.SCATTERS.values())]


@pytest.mark.parametrize("name", ["gather_rows_filling_out_of_bounds", "gather_with_batching_dims",
                                  "scatter_add_rows_with_repeats_and_out_of_bounds", "scatter_with_batching_dims",
                                  "dynamic_slice", "dynamic_update_slice"])
def test_batched_indices_give_one_indexing_operation_for_any_batch_size(name, rng):
    f, specs, _ = CASES[name]
    for size in (2, 7):
        axes = positions(specs, "middle")
        program = fx.make_program(fx.vmap(f, in_axes=axes))(*batch_args(rng, specs, "float32", axes, size))
        assert len(_indexing_prims(program)) == 1, program


def test_batched_operand_and_indices_of_a_gather_pair_up_as_batching_dims(rng):
    x, i = random_array(rng, (4, 5, 3), "float32"), rng.integers(0, 5, (2, 4, 1)).astype(np.int32)
    f = lambda a, b: I.gather(a, b, ROWS_G, (1, 3))  # noqa: E731
    program = fx.make_program(fx.vmap(f, in_axes=(0, 1)))(x, i)
    (eq,) = [eq for eq in program.equations if eq.prim is I.gather_p]
    assert eq.params["dimension_numbers"].operand_batching_dims == (0,)
    assert_same(fx.vmap(f, in_axes=(0, 1))(x, i), np.stack([np.asarray(f(x[k], i[:, k])) for k in range(4)]))


def test_batched_starts_of_a_dynamic_slice_become_a_gather_and_an_unbatched_one_stays_a_dynamic_slice(rng):
    x, a = random_array(rng, (3, 5, 4), "float32"), np.array([0, 2, 9])
    f = lambda v, s: I.dynamic_slice(v, (s, 1), (2, 2))  # noqa: E731
    batched = fx.make_program(fx.vmap(f))(x, a)
    assert _indexing_prims(batched) == [I.gather_p]
    kept = fx.make_program(fx.vmap(f, in_axes=(0, None)))(x, a[1])
    assert _indexing_prims(kept) == [I.dynamic_slice_p]


def test_uint64_starts_beyond_int64_clamp_to_the_end_when_mixed_with_signed_starts(rng):
    x = random_array(rng, (2, 6, 3), "float32")
    big = np.array([2 ** 64 - 1, 1], np.uint64)
    f = lambda v, s, t: I.dynamic_slice(v, (s, t), (2, 2))  # noqa: E731
    check_vmap(f, x, big, np.array([-1, 5], np.int32))


def test_per_example_gradients_of_an_embedding_lookup_match_loop(rng):
    # vmap(grad(loss), in_axes=(None, 0)): the table is shared, the token ids differ per example
    table = random_array(rng, (6, 3), "float64")
    ids = rng.integers(0, 6, (4, 5))

    def loss(t, tokens):
        rows = I.gather(t, tokens[:, None], ROWS_G, (1, 3))
        return (rows ** 2).sum()

    grad = fx.grad(loss)
    got = fx.vmap(grad, in_axes=(None, 0))(table, ids)
    assert_same(got, np.stack([np.asarray(grad(table, ids[k])) for k in range(4)]), rtol=1e-12)


def test_vmap_of_scatter_into_a_transposed_operand_matches_loop(rng):
    x = S.transpose(random_array(rng, (3, 4), "float32"), (1, 0))  # eagerly a transposed view
    i, u = rng.integers(0, 3, (4, 2, 1)), random_array(rng, (4, 2), "float32")
    check_vmap(lambda a, b, c: I.scatter_add(a, b, c, _sdn((), (0,), (0,))), x, i, u)


def test_vmap_of_scatter_keeps_dtype_and_weak_flag_of_the_operand(rng):
    x = fx.Array(random_array(rng, (3, 4), "float32"), weak=True)
    i = rng.integers(0, 4, (3, 2, 1))
    u = fx.Array(random_array(rng, (3, 2), "float32"), weak=True)
    f = lambda a, b, c: I.scatter_add(a, b, c, _sdn((), (0,), (0,)))  # noqa: E731
    got = check_vmap(f, x, i, u)
    assert got.weak == f(x[0], i[0], u[0]).weak


@pytest.mark.parametrize("f, specs", [
    (lambda x, i: I.gather(x, i, ROWS_G, (1, 5)), ((4, 3), index(0, 4, (2, 1)))),
    (lambda x, i: I.gather(x, i, ROWS_S, (1, 3)), ((4, 3), index(0, 4, (2, 1)))),
    (lambda x, i, u: I.scatter_add(x, i, u, ROWS_S), ((4, 3), index(0, 4, (2, 1)), (3, 3))),
    (lambda x, i, u: I.scatter_max(x, i, u, BATCHED_S), ((2, 4, 3), index(0, 4, (3, 3, 1)), (3, 3, 3))),
    (lambda x, a: I.dynamic_slice(x, (a,), (2,)), ((5,), index(0, 3, (2,)))),
    (lambda x, u, a: I.dynamic_update_slice(x, u, (a,)), ((3,), (4,), index(0, 2, ()))),
], ids=["gather_window_too_large", "gather_of_scatter_numbers", "scatter_updates_not_matching_indices",
        "scatter_batching_dims_of_unequal_sizes", "dynamic_slice_start_not_0d", "dynamic_update_too_large"])
def test_invalid_examples_raise_the_error_they_raise_outside_vmap(f, specs, rng):
    # the stacked operands have one more axis, which could pass a check an example fails
    axes = positions(specs, "middle")
    check_same_error(f, *batch_args(rng, specs, "float32", axes), in_axes=axes)


# drawn dimension numbers: every operand axis collapsed, windowed (indexed or taken whole) or a
# batching axis; window axes anywhere among the output's -------------------------------------------
def _drawn_indexing(draw):
    """(operand shape, indices shape, index bound, GatherDimensionNumbers, slice sizes)."""
    shape = tuple(draw(st.lists(st.integers(1, 3), min_size=1, max_size=3), label="operand shape"))
    roles = [draw(st.sampled_from(("collapsed", "window", "whole", "batching")), label=f"axis {d}")
             for d in range(len(shape))]
    indexed = [d for d, r in enumerate(roles) if r in ("collapsed", "window")]
    start_map = tuple(draw(st.permutations(indexed), label="start_index_map"))
    obatch = tuple(d for d, r in enumerate(roles) if r == "batching")
    windows = [d for d, r in enumerate(roles) if r in ("window", "whole")]
    sizes = tuple(shape[d] if r == "whole" else 1 if r in ("collapsed", "batching") else draw(st.integers(0, shape[d]))
                  for d, r in enumerate(roles))
    extra = draw(st.integers(0, 2), label="index batch axes beyond the batching ones")
    n_batch = len(obatch) + extra
    ibatch = tuple(draw(st.permutations(range(n_batch)), label="index batch axes")[:len(obatch)])
    batch_shape = [draw(st.integers(0, 2)) for _ in range(n_batch)]
    for o, i in zip(obatch, ibatch):
        batch_shape[i] = shape[o]
    out_ndim = n_batch + len(windows)
    offset = tuple(sorted(draw(st.permutations(range(out_ndim)), label="offset dims")[:len(windows)]))
    dn = I.GatherDimensionNumbers(offset, tuple(d for d in indexed if roles[d] == "collapsed"), start_map, obatch,
                                  ibatch)
    return shape, tuple(batch_shape) + (len(start_map),), max(shape) + 1, dn, sizes


@given(st.data())
def test_drawn_gathers_and_scatters_and_batch_axes_match_loop(data):
    draw = data.draw
    shape, index_shape, bound, dn, sizes = _drawn_indexing(draw)
    rng = np.random.default_rng(draw(st.integers(0, 99)))
    mode = draw(st.sampled_from(("clip", "fill")), label="mode")
    out_shape = I.gather(np.zeros(shape), np.zeros(index_shape, int), dn, sizes).shape  # = the updates' shape
    specs = (shape, index(-1, bound, index_shape), out_shape)
    axes = tuple(draw(st.sampled_from((None, 0, (len(spec_shape(s)) + 1) // 2, -1)), label=f"in_axes {k}")
                 for k, s in enumerate(specs))
    size = draw(st.integers(0, 3), label="size")
    if all(a is None for a in axes):
        axes = (0,) + axes[1:]
    x, i, u = batch_args(rng, specs, "float64", axes, size)
    sdn = I.ScatterDimensionNumbers(*dn)
    if axes[:2] != (None, None):
        check_vmap(lambda a, b: I.gather(a, b, dn, sizes, mode=mode), x, i, in_axes=axes[:2], rtol=1e-12)
    check_vmap(lambda a, b, c: I.scatter_add(a, b, c, sdn, mode=mode), x, i, u, in_axes=axes, rtol=1e-12)
