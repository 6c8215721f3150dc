"""vmap of the reductions, arg-reductions, running reductions and reduce_window equals a Python
loop over the examples.

Each case below is a function of one example; the tests batch it with the batch axis first, in
the middle and last (as -1), with out_axes -1, nested, over empty batches, 0-d results and empty
examples (reductions over empty axes give the identity) and several dtypes, compose it with
fx.grad, and compile it with fx.jit. Floating-point values may be summed in another order per
batch than per example, so they match within a few units in the last place.
"""
from typing import Callable, NamedTuple

import numpy as np
import pytest
from hypothesis import given, strategies as st

import fluxion as fx
from fluxion.core import dtypes
from fluxion.ops import conv as C
from fluxion.ops import reduce as R

from _loop import (batch_args, batched_shape, check_empty_batch, check_grad_compositions, check_jit_at, check_nested,
                   check_vmap, positions, random_array)

NUMERIC = ("float32", "int32", "uint8", "complex64", "bfloat16")
ORDERED = ("float32", "int32", "bool", "bfloat16")
BITS = ("bool", "int32", "uint8")
REAL = ("float32", "bfloat16")
TOL = {"float32": 1e-5, "complex64": 1e-5, "bfloat16": 2e-2}


class Case(NamedTuple):
    f: Callable
    shape: tuple
    dtypes: tuple


def window(computation, dims, strides, padding, base=None, dilation=None):
    return lambda x: C.reduce_window(x, computation, dims, strides, padding, base, dilation)


CASES = {
    "reduce_sum": Case(lambda x: R.reduce_sum(x, (0, 2)), (2, 3, 4), NUMERIC),
    "reduce_sum_to_0d": Case(lambda x: R.reduce_sum(x, (0,)), (3,), NUMERIC),
    "reduce_sum_over_empty_axis": Case(lambda x: R.reduce_sum(x, (0,)), (0, 3), NUMERIC),
    "reduce_prod": Case(lambda x: R.reduce_prod(x, (1,)), (2, 3), NUMERIC),
    "reduce_max": Case(lambda x: R.reduce_max(x, (0, 1)), (2, 3, 4), ORDERED),
    "reduce_max_over_empty_axis": Case(lambda x: R.reduce_max(x, (1,)), (2, 0), ORDERED),
    "reduce_min": Case(lambda x: R.reduce_min(x, (2,)), (2, 3, 4), ORDERED),
    "reduce_and": Case(lambda x: R.reduce_and(x, (1,)), (2, 3), BITS),
    "reduce_or": Case(lambda x: R.reduce_or(x, (0, 1)), (2, 3), BITS),
    "reduce_xor": Case(lambda x: R.reduce_xor(x, (0,)), (4, 2), BITS),
    "argmax": Case(lambda x: R.argmax(x, 1, dtypes.int32), (2, 3, 4), ORDERED),
    "argmax_to_0d": Case(lambda x: R.argmax(x, 0), (5,), ORDERED),
    "argmin": Case(lambda x: R.argmin(x, 0, dtypes.int64), (3, 2), ORDERED),
    "argmin_of_empty": Case(lambda x: R.argmin(x, 1), (0, 3), ORDERED),
    "cumsum": Case(lambda x: R.cumsum(x, 1), (2, 3, 2), NUMERIC),
    "cumsum_reversed": Case(lambda x: R.cumsum(x, 0, reverse=True), (4, 2), NUMERIC),
    "cumsum_of_empty": Case(lambda x: R.cumsum(x, 0), (0,), NUMERIC),
    "cumprod": Case(lambda x: R.cumprod(x, 0), (3, 2), NUMERIC),
    "cummax": Case(lambda x: R.cummax(x, 2), (2, 2, 4), ORDERED),
    "cummin_reversed": Case(lambda x: R.cummin(x, 0, reverse=True), (4, 3), ORDERED),
    "cumlogsumexp": Case(lambda x: R.cumlogsumexp(x, 1), (2, 5), REAL),
    "reduce_window_max": Case(window("max", (2, 2), (1, 2), "SAME"), (4, 5), ORDERED),
    "reduce_window_sum_dilated": Case(window("sum", (2, 2), (1, 1), ((1, 0), (0, 1)), (2, 1), (1, 2)), (3, 4),
                                      NUMERIC),
    "reduce_window_min": Case(window("min", (3,), (2,), "VALID"), (7,), ORDERED),
}
GRAD = [name for name, case in CASES.items() if "float32" in case.dtypes and not name.startswith("arg")]


@pytest.mark.parametrize("where", ["first", "middle", "last"])
@pytest.mark.parametrize("name", CASES)
def test_vmap_matches_loop_for_each_batch_axis_position_and_dtype(name, where, rng):
    f, shape, dts = CASES[name]
    axes = positions([shape], where)
    for dt in dts:
        check_vmap(f, *batch_args(rng, [shape], dt, axes), in_axes=axes, rtol=TOL.get(dt, 0), atol=TOL.get(dt, 0))


@pytest.mark.parametrize("name", CASES)
def test_vmap_places_the_batch_axis_last_with_out_axes(name, rng):
    f, shape, dts = CASES[name]
    axes = positions([shape], "middle")
    check_vmap(f, *batch_args(rng, [shape], dts[1], axes), in_axes=axes, out_axes=-1, rtol=TOL.get(dts[1], 0))


@pytest.mark.parametrize("name", CASES)
def test_nested_vmap_matches_nested_loops(name, rng):
    f, shape, dts = CASES[name]
    for inner, outer in (("last", "first"), ("first", "middle")):
        check_nested(f, rng, [shape], dts[0], positions([shape], inner), positions([shape], outer),
                     rtol=TOL.get(dts[0], 0))


@pytest.mark.parametrize("name", CASES)
def test_vmap_of_an_empty_batch_gives_empty_results(name, rng):
    f, shape, dts = CASES[name]
    for out in check_empty_batch(f, rng, [shape], dts[0]):
        assert 0 in out.shape


@pytest.mark.parametrize("name", GRAD)
def test_vmap_of_grad_and_grad_of_vmap_match_loops_of_gradients(name, rng):
    f, shape, _ = CASES[name]
    for where in ("first", "middle", "last"):
        axes = positions([shape], where)
        check_grad_compositions(f, batch_args(rng, [shape], "float64", axes), axes)


@pytest.mark.parametrize("where", ["first", "last"])
def test_jit_of_vmap_equals_eager_vmap(where, rng):
    check_jit_at(rng, [(f, [shape], dts[0]) for f, shape, dts in CASES.values()], where, rtol=1e-5)


def test_reductions_with_nan_match_loop(rng):
    x = np.where(rng.random((4, 3)) < 0.3, np.nan, rng.standard_normal((4, 3))).astype(np.float32)
    for f in (lambda a: R.reduce_max(a, (0,)), lambda a: R.argmin(a, 0), lambda a: R.cummax(a, 0)):
        check_vmap(f, x, in_axes=1)


def test_per_example_gradients_of_a_max_pool_match_loop(rng):
    x, w = rng.standard_normal((5, 6, 6)), rng.standard_normal((3, 3))
    loss = lambda w, x: R.reduce_sum(window("max", (2, 2), (2, 2), "VALID")(x)[:3, :3] * w, (0, 1))  # noqa: E731
    check_vmap(fx.grad(loss), w, x, in_axes=(None, 0), rtol=1e-12)


REDUCERS = [R.reduce_sum, R.reduce_prod, R.reduce_max, R.reduce_min, R.reduce_and, R.reduce_or, R.reduce_xor]
ACCUMULATORS = [R.cumsum, R.cumprod, R.cummax, R.cummin]


@given(st.data())
def test_reductions_over_drawn_shapes_axes_and_batch_axes_match_loop(data):
    shape = tuple(data.draw(st.lists(st.integers(0, 3), max_size=3), label="shape"))
    axes = sorted(data.draw(st.sets(st.integers(0, len(shape) - 1)), label="axes")) if shape else []
    bdim = data.draw(st.integers(-len(shape) - 1, len(shape)), label="bdim")
    size = data.draw(st.integers(0, 3), label="size")
    x = random_array(np.random.default_rng(data.draw(st.integers(0, 99))), batched_shape(shape, bdim, size), "int32")
    reduce = data.draw(st.sampled_from(REDUCERS))
    check_vmap(lambda a: reduce(a, tuple(axes)), x, in_axes=bdim)
    if shape:
        axis, accumulate = data.draw(st.integers(0, len(shape) - 1)), data.draw(st.sampled_from(ACCUMULATORS))
        reverse = data.draw(st.booleans())
        check_vmap(lambda a: accumulate(a, axis, reverse=reverse), x, in_axes=bdim)
        if shape[axis]:
            check_vmap(lambda a: R.argmax(a, axis), x, in_axes=bdim)
