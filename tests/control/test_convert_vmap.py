"""Python control flow on batched values under vmap: a batched condition runs both branches, a
batched loop runs until every example is done (the primitives' batching rules).

Oracle: the function applied eagerly to each example in a Python loop (plain Python).
"""
import numpy as np
import pytest

import fluxion as fx
import fluxion.numpy as fnp
from fluxion.control.convert import convert

import _convert_programs as P


def _a(values):
    return fnp.asarray(values, dtype=fnp.float64)


def _loop(f, *columns):
    return np.array([np.asarray(f(*args)) for args in zip(*columns)])


def _check(batched, f, *columns, rtol=1e-6):
    np.testing.assert_allclose(np.asarray(batched), _loop(f, *columns), rtol=rtol, atol=1e-12)


SCALARS = _a([-3.0, -0.5, 0.25, 0.5, 4.0, 37.0])


@pytest.mark.parametrize("f", [P.relu_square, P.piecewise, P.soft_sign, P.in_unit_interval, P.halve_until_small],
                         ids=lambda f: f.__name__)
def test_a_batched_condition_gives_each_example_its_own_branch(f):
    _check(fx.vmap(f)(SCALARS), f, SCALARS)


def test_loops_with_very_different_trip_counts_per_example_match_a_python_loop():
    a = _a([1e-2, 2.0, 50.0, 1e4])
    _check(fx.vmap(P.newton_sqrt)(a), P.newton_sqrt, a)
    _check(fx.vmap(P.cube_root)(a), P.cube_root, a, rtol=1e-4)
    n = fnp.asarray([0, 1, 4, 12])
    _check(fx.vmap(P.exp_series, in_axes=(None, 0))(_a(0.5), n), lambda k: P.exp_series(_a(0.5), k), n)


def test_breaks_continues_and_returns_at_different_positions_per_example():
    rows = _a([[1.0, 2.0, 3.0], [1.0, -1.0, 2.0], [1.0, -3.0, 5.0], [-5.0, 1.0, 1.0]])
    _check(fx.vmap(P.sum_until_negative)(rows), P.sum_until_negative, rows)
    _check(fx.vmap(P.first_above, in_axes=(0, None))(rows, _a(1.5)), lambda r: P.first_above(r, _a(1.5)), rows)
    _check(fx.vmap(P.sum_soft_signs)(rows), P.sum_soft_signs, rows)


def test_two_batched_operands_in_boolean_operators():
    x, y = _a([1.0, 1.0, -1.0, -1.0]), _a([2.0, -2.0, 2.0, -2.0])
    _check(fx.vmap(P.both_positive)(x, y), P.both_positive, x, y)


def test_vmap_of_grad_and_jit_of_vmap_match_per_example_gradients():
    xs = _a([0.5, 2.0, 9.0])
    for f in (P.piecewise, P.newton_sqrt, P.halve_until_small):
        _check(fx.vmap(fx.grad(f))(xs), fx.grad(f), xs, rtol=1e-5)
    xs = _a([-3.0, -0.5, 0.5, 4.0])
    _check(fx.jit(fx.vmap(P.piecewise))(xs), P.piecewise, xs)
    _check(fx.jit(fx.vmap(fx.grad(P.piecewise)))(xs), fx.grad(P.piecewise), xs)


def test_vmap_converts_the_function_it_batches_and_leaves_it_alone_with_conversion_off(monkeypatch):
    f = fx.vmap(P.piecewise)
    _check(f(SCALARS), P.piecewise, SCALARS)
    assert convert(P.piecewise) is not P.piecewise
    monkeypatch.setattr(fx.config, "convert_control_flow", False)
    with pytest.raises(fx.errors.ConcretizationError):
        f(SCALARS)
