"""Gradients of random programs nobody wrote by hand (drawn by `_random_programs.programs`):
elementwise functions, broadcasting, reductions, shape changes, indexing, linear algebra, and
control flow (fx.cond / switch / while_loop / scan / fori_loop, Python if / while / for).

Oracles: central finite differences (forward mode) and the dot-product test (reverse mode);
the eager gradient against jit of the gradient, the gradient of jit, and vmap of the gradient
against a Python loop; eager gradients from replayed blocks against the rules applied at each
call; float32 gradients against float64 ones.
"""
from unittest import mock

import numpy as np
from hypothesis import given, settings, strategies as st

import fluxion as fx
from fluxion.test_util import check_grads
from fluxion.transforms.autodiff import blocks

from _random_programs import programs

RTOL = 1e-9  # between computations of one gradient that should agree up to rounding


def _grad(program):
    return fx.grad(program, argnums=tuple(range(len(program.shapes))))


def _assert_same(got, expected, rtol=RTOL):
    """Leaf by leaf equal within `rtol` of the largest magnitude of `expected` (so entries that
    cancel to about zero are compared at the scale of the gradient)."""
    scale = max(float(np.max(np.abs(np.asarray(e)))) for e in expected)
    for g, e in zip(got, expected, strict=True):
        assert g.shape == e.shape and g.dtype == e.dtype, (g.aval, e.aval)
        np.testing.assert_allclose(np.asarray(g), np.asarray(e), rtol=rtol, atol=rtol * scale)


@settings(deadline=None)
@given(programs(), st.sampled_from([1, 2]))
def test_gradients_of_random_programs_match_finite_differences(program, order):
    check_grads(program, program.inputs(0), order=order, modes=("fwd", "rev"))


@settings(deadline=None)
@given(programs())
def test_gradients_of_random_programs_agree_eagerly_and_under_jit(program):
    xs = program.inputs(0)
    eager = _grad(program)(*xs)
    _assert_same(fx.jit(_grad(program))(*xs), eager)
    _assert_same(_grad(fx.jit(program))(*xs), eager)


@settings(deadline=None)
@given(programs())
def test_vmap_of_gradients_of_random_programs_matches_a_loop(program):
    batched = fx.vmap(_grad(program))(*program.stacked())
    for k in range(len(program.batch)):
        _assert_same([g[k] for g in batched], _grad(program)(*program.inputs(k)))


@settings(deadline=None)
@given(programs())
def test_eager_gradients_of_random_programs_with_blocks_equal_gradients_from_rules(program):
    xs = program.inputs(0)
    with_blocks = _grad(program)(*xs)
    with mock.patch.object(blocks.EagerLinearizer, "_replay", lambda self, prim, args, params: None):
        with_rules = _grad(program)(*xs)
    _assert_same(with_blocks, with_rules, rtol=1e-12)


@settings(deadline=None)
@given(programs(), st.data())
def test_float32_gradients_of_random_programs_match_float64_gradients(program, data):
    n = len(program.shapes)
    dtypes = data.draw(st.lists(st.sampled_from([np.float32, np.float64]), min_size=n, max_size=n))
    dtypes[data.draw(st.integers(0, n - 1))] = np.float32
    low = _grad(program)(*program.inputs(0, dtypes))
    assert [g.dtype for g in low] == dtypes
    high = _grad(program)(*program.inputs(0))
    _assert_same([g.astype(np.float64) for g in low], high, rtol=1e-3)
