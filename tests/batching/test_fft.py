"""vmap of the fft primitive equals a Python loop over the examples.

Each case transforms one example's trailing axes ("fft", "ifft", "rfft", "irfft" over one to three
axes, with and without axes in front); the tests batch it with the batch axis first, in the middle
and last (as -1, among the transformed axes), with out_axes -1, nested, over empty batches and
empty examples, in single and double precision, compose it with fx.grad, and compile it with
fx.jit. A batch is one transform: the batch axis joins the axes in front of the transformed ones.
Invalid examples must raise the errors they raise outside vmap.
"""
from typing import Callable, NamedTuple

import numpy as np
import pytest

import fluxion as fx
import fluxion.numpy as fnp
from fluxion.ops import fft as F

from _loop import (batch_args, check_grad_compositions, check_jit_at, check_nested, check_same_error, check_vmap,
                   positions, random_array)

COMPLEX = ("complex64", "complex128")
REAL = ("float32", "float64")


class Case(NamedTuple):
    f: Callable
    shape: tuple
    dtypes: tuple


def _fft(kind: str, lengths: tuple) -> Callable:
    return lambda x: F.fft(x, kind, lengths)


CASES = {
    "fft_1d": Case(_fft("fft", (6,)), (6,), COMPLEX),
    "ifft_2d_with_a_leading_axis": Case(_fft("ifft", (4, 6)), (3, 4, 6), COMPLEX),
    "fft_3d": Case(_fft("fft", (2, 3, 4)), (2, 3, 4), COMPLEX),
    "rfft_2d": Case(_fft("rfft", (4, 6)), (4, 6), REAL),
    "rfft_of_odd_length": Case(_fft("rfft", (5,)), (2, 5), REAL),
    "irfft_1d_of_even_length": Case(_fft("irfft", (8,)), (2, 5), COMPLEX),
    "irfft_2d_of_odd_length": Case(_fft("irfft", (3, 7)), (3, 4), COMPLEX),
    "fft_of_no_leading_examples": Case(_fft("fft", (4,)), (0, 4), COMPLEX),
}


def _tol(dt: str) -> dict:
    return dict(rtol=1e-4, atol=1e-5) if dt in ("float32", "complex64") else dict(rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("where", ["first", "middle", "last"])
@pytest.mark.parametrize("name", CASES)
def test_vmap_matches_loop_for_each_batch_axis_position_and_dtype(name, where, rng):
    f, shape, dts = CASES[name]
    axes = positions([shape], where)
    for dt in dts:
        check_vmap(f, *batch_args(rng, [shape], dt, axes), in_axes=axes, **_tol(dt))


@pytest.mark.parametrize("name", CASES)
def test_vmap_places_the_batch_axis_last_with_out_axes(name, rng):
    f, shape, dts = CASES[name]
    axes = positions([shape], "middle")
    check_vmap(f, *batch_args(rng, [shape], dts[1], axes), in_axes=axes, out_axes=-1, **_tol(dts[1]))


@pytest.mark.parametrize("name", CASES)
def test_nested_vmap_matches_nested_loops(name, rng):
    f, shape, dts = CASES[name]
    check_nested(f, rng, [shape], dts[1], (-1,), (0,), **_tol(dts[1]))
    check_nested(f, rng, [shape], dts[1], (0,), (-1,), **_tol(dts[1]))


@pytest.mark.parametrize("name", CASES)
def test_vmap_of_an_empty_batch_gives_empty_results(name, rng):
    f, shape, dts = CASES[name]
    for axes in ((0,), (-1,)):
        check_vmap(f, *batch_args(rng, [shape], dts[0], axes, size=0), in_axes=axes)


@pytest.mark.parametrize("name", CASES)
def test_vmap_of_grad_and_grad_of_vmap_match_loops_of_gradients(name, rng):
    f, shape, dts = CASES[name]
    if dts == REAL:
        g, args = f, batch_args(rng, [shape], "float64", (1,))
        axes = (1,)
    else:  # a complex input from two real ones: gradients are taken in real arguments
        g = lambda x, y: f(x + 1j * y)  # noqa: E731
        axes = (-1, None)
        args = batch_args(rng, [shape, shape], "float64", axes)
    check_grad_compositions(g, args, axes, rtol=1e-8)


@pytest.mark.parametrize("where", ["first", "last"])
def test_jit_of_vmap_equals_eager_vmap(where, rng):
    check_jit_at(rng, [(f, [shape], dts[0]) for f, shape, dts in CASES.values()], where, rtol=1e-4)


@pytest.mark.parametrize("axis", [0, 1, -1])
def test_a_batch_is_one_transform_moving_the_batch_axis_only_from_among_the_transformed_ones(axis, rng):
    x = random_array(rng, (3, 4, 5, 2) if axis != -1 else (4, 6, 3), "complex64")
    f = _fft("fft", (6,) if axis == -1 else (5, 2))
    program = fx.make_program(fx.vmap(f, in_axes=axis, out_axes=axis))(x)
    assert [eq.prim.name for eq in program.equations] == (["fft"] if axis != -1 else ["transpose", "fft", "transpose"])
    check_vmap(f, x, in_axes=axis, out_axes=axis, rtol=1e-4, atol=1e-5)


def test_per_example_power_spectrum_gradients_match_loop(rng):
    xs = random_array(rng, (4, 8), "float64")

    def power(x):
        spectrum = F.fft(x, "rfft", (8,))
        return (fnp.real(spectrum) ** 2 + fnp.imag(spectrum) ** 2).sum()

    grad = fx.grad(power)
    np.testing.assert_allclose(fx.vmap(grad)(xs), np.stack([np.asarray(grad(x)) for x in xs]), rtol=1e-12)


@pytest.mark.parametrize("f, shape, dtype", [
    (_fft("fft", (3,)), (), "complex64"),  # three 0-d examples stack into one axis of 3
    (_fft("fft", (2, 3)), (3,), "complex64"),
    (_fft("rfft", (4,)), (4,), "complex64"),
    (_fft("irfft", (4,)), (4,), "complex64"),
], ids=["fft_of_0d", "fft_2d_of_vectors", "rfft_of_complex", "irfft_of_a_full_spectrum"])
def test_invalid_examples_raise_the_error_they_raise_outside_vmap(f, shape, dtype, rng):
    check_same_error(f, *batch_args(rng, [shape], dtype, (0,), size=3 if not shape else 2))
