"""Python control flow on traced values under jit: converted into fx.cond / fx.while_loop / fx.scan.

Oracle: the same function run eagerly (plain Python on concrete values), for values and for
gradients (fx.grad eagerly differentiates the Python the function ran), forward and reverse,
order 2 where meaningful.
"""
import numpy as np
import pytest
from hypothesis import given, strategies as st

import fluxion as fx
import fluxion.numpy as fnp

import _convert_programs as P


def _a(*values):
    return fnp.asarray(values[0] if len(values) == 1 else values, dtype=fnp.float64)


def _close(got, expected, rtol=1e-6):
    for g, e in zip(fx.tree.leaves(got), fx.tree.leaves(expected)):
        np.testing.assert_allclose(np.asarray(g), np.asarray(e), rtol=rtol, atol=1e-12)


def _primitives(f, *args) -> set:
    """The primitives of f's top-level program under jit."""
    return {eq.prim.name for eq in fx.make_program(f)(*args).equations}


# (function, argument sets, primitive the traced statement becomes)
SCALAR_CASES = [
    (P.relu_square, [(_a(1.5),), (_a(-2.0),)], "cond"),
    (P.piecewise, [(_a(-3.0),), (_a(-0.5),), (_a(0.5),), (_a(4.0),)], "cond"),
    (P.newton_sqrt, [(_a(2.0),), (_a(50.0),)], "while"),
    (P.halve_until_small, [(_a(0.7),), (_a(37.0),)], "while"),
    (P.soft_sign, [(_a(0.3),), (_a(5.0),), (_a(-5.0),)], "cond"),
    (P.both_positive, [(_a(1.0), _a(2.0)), (_a(1.0), _a(-2.0)), (_a(-1.0), _a(2.0)), (_a(-1.0), _a(-2.0))], "cond"),
    (P.in_unit_interval, [(_a(0.5),), (_a(1.5),), (_a(-0.5),)], "cond"),
    (P.cube_root, [(_a(8.0),), (_a(0.3),)], "while"),
    (P.doubling_steps, [(_a(0.3),), (_a(20.0),)], "while"),
]
ARRAY_CASES = [
    # a break: a while loop over the indices, which can stop early
    (P.sum_until_negative, [(_a(1.0, 2.0, 3.0),), (_a(1.0, -1.0, 2.0),), (_a(1.0, -3.0, 5.0),)], "while"),
    (P.first_above, [(_a(0.1, 0.2, 0.9, 0.3), _a(0.5)), (_a(0.1, 0.2), _a(0.5))], "cond"),
    (P.sum_soft_signs, [(_a(0.5, 3.0, -4.0),)], "scan"),
]


@pytest.mark.parametrize("f, arg_sets, prim", SCALAR_CASES + ARRAY_CASES, ids=lambda c: getattr(c, "__name__", ""))
def test_jit_gives_the_eager_values_with_the_traced_statement_as_one_primitive(f, arg_sets, prim):
    jitted = fx.jit(f)
    for args in arg_sets:
        _close(jitted(*args), f(*args))
    assert prim in _primitives(f, *arg_sets[0])


@pytest.mark.parametrize("f, arg_sets, prim", SCALAR_CASES[:5] + ARRAY_CASES, ids=lambda c: getattr(c, "__name__", ""))
def test_jit_of_grad_gives_the_eager_gradient(f, arg_sets, prim):
    g = fx.jit(fx.grad(f))
    for args in arg_sets:
        _close(g(*args), fx.grad(f)(*args), rtol=1e-5)


def test_second_order_and_forward_mode_under_jit_match_eager():
    for f, x in ((P.piecewise, _a(0.5)), (P.soft_sign, _a(4.0))):
        _close(fx.jit(fx.grad(fx.grad(f)))(x), fx.grad(fx.grad(f))(x), rtol=1e-5)
    for f, x in ((P.piecewise, _a(0.5)), (P.newton_sqrt, _a(3.0)), (P.sum_soft_signs, _a(0.5, 3.0, -4.0))):
        _close(fx.jit(lambda x: fx.jvp(f, (x,), (fnp.ones_like(x),)))(x), fx.jvp(f, (x,), (fnp.ones_like(x),)),
               rtol=1e-5)


def test_gradients_match_finite_differences():
    """The eager oracle's gradients are themselves those of the function: central differences."""
    for f, x in ((P.piecewise, 0.5), (P.newton_sqrt, 3.0), (P.halve_until_small, 37.0), (P.cube_root, 8.0)):
        h = 1e-6
        fd = (float(f(_a(x + h))) - float(f(_a(x - h)))) / (2 * h)
        np.testing.assert_allclose(float(fx.jit(fx.grad(f))(_a(x))), fd, rtol=1e-4, atol=1e-6)


def test_range_with_a_traced_bound_is_a_while_loop_with_the_eager_values_and_gradient():
    f = fx.jit(P.exp_series)
    for n in (0, 1, 5, 12):
        _close(f(_a(0.5), n), P.exp_series(_a(0.5), n))
    assert "while" in _primitives(P.exp_series, _a(0.5), 3)
    g = fx.jit(fx.grad(P.exp_series))
    _close(g(_a(0.5), 12), fx.grad(P.exp_series)(_a(0.5), 12))
    # with a static bound the loop is ordinary Python: unrolled, no loop primitive
    assert "while" not in _primitives(lambda x: P.exp_series(x, 3), _a(0.5))


def test_functions_inside_other_transformations_are_converted():
    x = _a(0.5)
    _close(fx.grad(fx.jit(P.piecewise))(x), fx.grad(P.piecewise)(x))
    xs = _a(-3.0, -0.5, 0.5, 4.0)
    expected = np.array([P.piecewise(x) for x in xs])
    _close(fx.jit(fx.vmap(P.piecewise))(xs), expected)  # jit rebuilds the vmap wrapper around the converted f
    _close(fx.jit(fx.vmap(fx.jit(P.piecewise)))(xs), expected)
    _close(fx.jit(fx.vmap(fx.grad(P.piecewise)))(xs), np.array([fx.grad(P.piecewise)(x) for x in xs]))


def scan_with_python_if(xs):
    def step(carry, x):
        if x > carry:
            carry = x
        return carry, carry * 2.0
    return fx.scan(step, xs[0], xs)


def pairs(ps):
    total = 0.0
    for a, b in ps:
        total = total + a * b
    return total


def test_functions_given_to_fluxion_control_flow_and_tuple_targets_are_converted():
    xs = _a(1.0, 3.0, 2.0, 5.0)
    _close(fx.jit(scan_with_python_if)(xs), scan_with_python_if(xs))
    ps = _a([[1.0, 2.0], [3.0, 4.0]])
    _close(fx.jit(pairs)(ps), pairs(ps))
    assert "scan" in _primitives(pairs, ps)


def loop_from_concrete_to_traced(x):
    """A concrete range whose break becomes traced in the first pass: the rest runs as one loop."""
    for i in range(1000):
        x = x * 1.5
        if x > 100.0:
            break
    return x, i


def test_a_concrete_loop_whose_break_becomes_traced_continues_as_a_traced_loop():
    f = fx.jit(loop_from_concrete_to_traced)
    for x in (_a(1.0), _a(99.0), _a(500.0)):
        got, expected = f(x), loop_from_concrete_to_traced(x)
        _close(got[0], expected[0])
        assert int(got[1]) == expected[1]
    assert "while" in _primitives(loop_from_concrete_to_traced, _a(1.0))


def integrate(y0, t_end):
    """An adaptive-step integrator of dy/dt = -y as a plain Python while loop."""
    t, y, h = 0.0 * t_end, y0, 0.1 + 0.0 * t_end
    while t < t_end:
        h = fnp.minimum(h, t_end - t)
        full = y * fnp.exp(-h)
        half = y * fnp.exp(-h / 2) * fnp.exp(-h / 2) * (1.0 + 1e-3 * h)
        if fnp.abs(full - half) < 1e-4:
            y, t = half, t + h
            h = h * 1.5
        else:
            h = h * 0.5
    return y


def test_a_python_adaptive_step_integrator_matches_eager_under_jit_of_grad():
    args = (_a(2.0), _a(1.5))
    _close(fx.jit(integrate)(*args), integrate(*args))
    _close(fx.jit(fx.grad(integrate))(*args), fx.grad(integrate)(*args), rtol=1e-5)


def jumps(xs):
    total = 0.0
    for x in xs:
        if x == 0:
            continue
        if x < -3:
            return -total
        total += x
        if total > 10:
            break
    else:
        total += 100
    return total


JUMPS = fx.jit(jumps)


@given(st.lists(st.integers(-5, 5), min_size=1, max_size=5))
def test_continue_return_break_and_loop_else_on_traced_values_match_eager(values):
    xs = _a(*values) if len(values) > 1 else fnp.asarray(values, dtype=fnp.float64)
    assert float(JUMPS(xs)) == float(jumps(xs))


def doubling_recursion(x, n):
    if n == 0:
        return x
    if x > 0:  # traced: converted in every level of the recursion
        x = x * 2.0
    return doubling_recursion(x, n - 1)


def test_a_function_calling_itself_is_converted():
    x = _a(0.5, -1.0)
    expected = [float(doubling_recursion(_a(v), 3)) for v in (0.5, -1.0)]
    _close(fx.vmap(lambda x: doubling_recursion(x, 3))(x), _a(*expected))
    _close(fx.jit(doubling_recursion, static_argnums=1)(x[0], 3), _a(expected[0]))
    _close(fx.jit(fx.grad(doubling_recursion), static_argnums=1)(x[0], 3), fx.grad(doubling_recursion)(x[0], 3))


def horner_reversed(x, k, a):
    s = 0.0 * x
    for i in reversed(range(k)):
        s = s * x + i
    for i in reversed(range(a, k, 3)):
        s = s * x - i
    return s


@pytest.mark.parametrize("k,a", [(0, 0), (1, 0), (4, 0), (7, -5), (2, 6)])
def test_reversed_range_of_traced_bounds(k, a):
    x = _a(1.5)
    expected = horner_reversed(x, k, a)  # eager: Python's reversed(range())
    _close(fx.jit(horner_reversed)(x, k, a), expected)
    _close(fx.jit(fx.grad(horner_reversed))(x, k, a), fx.grad(horner_reversed)(x, k, a))
    ks = fnp.asarray([k, k + 1])
    _close(fx.vmap(horner_reversed, in_axes=(None, 0, None))(x, ks, a),
           fnp.stack([horner_reversed(x, k, a), horner_reversed(x, k + 1, a)]))


def doubles_over_a_range_with_a_step(x, stop, step):
    s = x
    for i in range(5, stop, step):
        s = s * 2
    return s


def test_a_range_step_of_zero_raises_where_known_and_runs_no_pass_where_traced():
    # (Python raises; a compiled loop cannot, so a traced step of 0 runs no pass: it looped forever from 5 to -3)
    x = _a(0.5)
    with pytest.raises(ValueError, match="must not be zero"):
        fx.jit(doubles_over_a_range_with_a_step, static_argnums=2)(x, fnp.int32(-3), 0)
    for stop in (-3, 9):
        _close(fx.jit(doubles_over_a_range_with_a_step)(x, fnp.int32(stop), fnp.int32(0)), x)
    for step in (-1, 2):
        _close(fx.jit(doubles_over_a_range_with_a_step)(x, fnp.int32(-3 if step < 0 else 9), fnp.int32(step)),
               doubles_over_a_range_with_a_step(x, -3 if step < 0 else 9, step))


def counts_with_a_nested_nonlocal(x):
    n = 0.0

    def bump():
        nonlocal n  # belongs to bump: n stays a local of the outer function
        n = n + 1.0

    def items(v):
        yield v  # makes items a generator, not the outer function

    bump()
    if x > 0:
        n = n + sum(items(x))
        return n * x
    return n - x


def test_a_nested_def_with_nonlocal_or_yield_leaves_the_outer_function_converted():
    for v in (2.0, -1.5):
        x = _a(v)
        _close(fx.jit(counts_with_a_nested_nonlocal)(x), counts_with_a_nested_nonlocal(x))
        _close(fx.jit(fx.grad(counts_with_a_nested_nonlocal))(x), fx.grad(counts_with_a_nested_nonlocal)(x))
    xs = _a(2.0, -1.5)
    _close(fx.vmap(counts_with_a_nested_nonlocal)(xs),
           fnp.stack([counts_with_a_nested_nonlocal(x) for x in xs]))


def halvings_counted_by_a_closure(x):
    k = 0

    def count():
        nonlocal k
        k += 1
    while x > 1:
        x = x / 2
        count()
    if x > 0.4:
        count()
    return k, x


def test_locals_that_a_nested_function_assigns_are_carried_by_traced_statements_that_call_it():
    for v in (10.0, 0.5, 0.3):
        x = _a(v)
        got, expected = fx.jit(halvings_counted_by_a_closure)(x), halvings_counted_by_a_closure(x)
        assert int(got[0]) == expected[0]
        _close(got, expected)
    xs = _a(10.0, 0.5, 0.3)
    got = fx.vmap(halvings_counted_by_a_closure)(xs)
    np.testing.assert_array_equal(np.asarray(got[0]), [halvings_counted_by_a_closure(x)[0] for x in xs])


def steps_until(stop):
    t, n = 0.0, 0
    while t < stop:
        t = t + 0.01
        n += 1
    rate = 0.1 if stop > 0 else 0.2
    return t, n, rate * stop


def test_python_floats_that_become_traced_keep_their_double_precision():
    # float32 steps of 0.01 would reach 0.5 after 51 of them, and 0.1 would round to 0.10000000149
    for v in (0.5, -0.5):
        stop = _a(v)
        expected = steps_until(stop)
        for got in (fx.jit(steps_until)(stop), [y[0] for y in fx.vmap(steps_until)(stop[None])]):
            assert int(got[1]) == expected[1]
            np.testing.assert_array_equal(np.asarray(got[0]), expected[0])
            np.testing.assert_array_equal(np.asarray(got[2]), np.asarray(expected[2]))
    assert fx.jit(steps_until)(fnp.asarray(0.5, dtype=fnp.float32))[2].dtype == fnp.float32


def fills_rows(x):
    out = fnp.zeros((3, 2), dtype=x.dtype)
    for i in range(3):
        out[i, :] = x[i] * 2
        out[i, 1] += x[i] ** 2
    out[1:, 0] -= 1.0
    if x[0] > 0:
        out[0] = x[1:]
    pair = [0.0, 0.0]
    pair[1] = x[2]  # a list is updated by Python
    return out, pair[1]


def rows_loss(v):
    return fnp.sum(fills_rows(v)[0] * fnp.arange(1.0, 7.0).reshape(3, 2))


def rows_loss_functional(v):
    """The oracle of rows_loss's derivatives: the same program written with .at[]."""
    out = fnp.zeros((3, 2), dtype=v.dtype)
    for i in range(3):
        out = out.at[i, :].set(v[i] * 2).at[i, 1].add(v[i] ** 2)
    out = out.at[1:, 0].add(-1.0)
    out = fnp.where(v[0] > 0, out.at[0].set(v[1:]), out)
    return fnp.sum(out * fnp.arange(1.0, 7.0).reshape(3, 2))


def test_item_assignment_of_a_local_array_takes_traced_values_under_jit_vmap_and_their_grads():
    xs = np.array([[0.5, -1.0, 2.0], [-0.3, 0.7, 1.1]])
    for x in xs:
        eager = fills_rows(_a(*x))
        _close(fx.jit(fills_rows)(_a(*x)), eager)
        _close(fx.jit(fx.grad(rows_loss))(_a(*x)), fx.grad(rows_loss_functional)(_a(*x)))
    batched = fx.vmap(fills_rows)(fnp.asarray(xs))
    for k, x in enumerate(xs):
        _close((batched[0][k], batched[1][k]), fills_rows(_a(*x)))


def aliases(x, use_old_name=False):
    y = fnp.ones(3, dtype=x.dtype)
    z = y
    y[0] = 5.0  # a concrete value: y changes in place, and so does z, as in NumPy
    y[1] = x  # a traced one under jit: y is bound to the updated array, and z is retired
    w = y * 1.0
    v = w
    w[2] = x  # a traced array takes it in place: v sees it too
    return (y, v, z) if use_old_name else (y, v)


def test_item_assignment_changes_an_array_in_place_where_it_can_and_else_rebinds_it():
    for run in (aliases, fx.jit(aliases)):
        y, v = run(_a(2.0))
        _close(y, np.array([5.0, 2.0, 1.0]))
        _close(v, np.array([5.0, 2.0, 2.0]))
    _close(fx.vmap(aliases)(_a(2.0, 3.0))[1], np.array([[5.0, 2.0, 2.0], [5.0, 3.0, 3.0]]))


G = fnp.ones(3)


def updates_a_global_through_another_name(x):
    h = G
    h[1] = x
    return fnp.sum(h) + fnp.sum(G)  # NumPy's G would have the update


def test_another_name_of_a_concrete_array_that_took_a_traced_value_raises_where_it_is_used():
    z = aliases(_a(2.0), True)[2]
    _close(z, np.array([5.0, 2.0, 1.0]))  # eager: z is y
    for transform in (fx.jit, fx.vmap, fx.grad, fx.jacfwd):
        with pytest.raises(fx.errors.ConversionError, match="took a traced value .* at .*test_convert_jit"):
            transform(lambda x: fnp.sum(aliases(x, True)[2]))(_a(2.0) if transform is not fx.vmap else _a(1.0, 2.0))
        with pytest.raises(fx.errors.ConversionError, match="only the name assigned there has the new value"):
            transform(updates_a_global_through_another_name)(_a(2.0) if transform is not fx.vmap else _a(1.0, 2.0))
        _close(G, np.ones(3))  # arrays made outside the transformation keep their values


def test_eager_derivatives_see_item_assignment_of_a_local_array():
    for x in ([0.5, -1.0, 2.0], [-0.3, 0.7, 1.1]):
        x = _a(*x)
        expected = fx.grad(rows_loss_functional)(x)
        _close(fx.grad(rows_loss)(x), expected)
        _close(fx.grad(lambda v: rows_loss(v) * 2.0)(x), 2.0 * expected)  # through a wrapper
        _close(fx.jacfwd(rows_loss)(x), expected)
        _close(fx.jvp(rows_loss, (x,), (fnp.ones(3),))[1], fnp.sum(expected))


def fill_first(b, v):
    b[0] = v


def fill_second(b, v):
    b[1] = v
    return b


def fills_through_a_helper(x, traced_buffer):
    buf = fnp.zeros(3, dtype=x.dtype)
    if traced_buffer:
        buf = buf * x
    fill_first(buf, x)  # the helper's update must reach buf
    return fnp.sum(buf * fnp.arange(1.0, 4.0))


def fills_through_a_helper_that_returns_it(x):
    buf = fnp.zeros(3, dtype=x.dtype)
    buf = fill_second(buf, x * x)
    return fnp.sum(buf * fnp.arange(1.0, 4.0))


def test_a_helper_updating_its_parameter_in_place_reaches_the_callers_array_or_raises():
    x = _a(2.0)
    _close(fx.jit(fills_through_a_helper, static_argnums=1)(x, True), fills_through_a_helper(x, True))
    _close(fx.grad(fills_through_a_helper)(x, True), np.float64(1.0))
    # a concrete array cannot hold the traced value: rebinding the parameter would lose the update
    with pytest.raises(fx.errors.ConversionError, match="parameter `b` cannot take the traced value.*caller"):
        fx.grad(fills_through_a_helper)(x, False)
    with pytest.raises(fx.errors.ConversionError, match="parameter `b`"):
        fx.jit(fills_through_a_helper, static_argnums=1)(x, False)


def test_a_helper_that_updates_its_parameter_and_returns_it_gives_the_eager_result():
    for x in (_a(2.0), _a(-0.5)):
        _close(fx.jit(fills_through_a_helper_that_returns_it)(x), fills_through_a_helper_that_returns_it(x))
        _close(fx.grad(fills_through_a_helper_that_returns_it)(x), 4.0 * x)  # d/dx of 2 x^2
    _close(fx.vmap(fills_through_a_helper_that_returns_it)(_a(2.0, -0.5)), np.array([8.0, 0.5]))


def python_builtins(x):
    step = min(x * 2, 3.0)
    lo = max(x, 0.5, -x)
    peak = max(fnp.sin(fnp.arange(3.0) * x))
    low = min([x, x * x, 1.5])
    if any(v > 1.0 for v in [x, x * x]):
        step = step + 1
    if all(fnp.cos(fnp.arange(2.0) * x) > -2):
        step = step * 2
    return step + lo + peak + low + min(3, 4) + max([1, 2], key=lambda v: -v)


def test_max_min_any_and_all_of_traced_values_give_the_eager_values_and_gradients():
    xs = np.array([0.3, 0.9, 1.7, -2.0])
    for x in xs:
        _close(fx.jit(python_builtins)(np.float64(x)), python_builtins(np.float64(x)))
        fd = (python_builtins(np.float64(x + 1e-6)) - python_builtins(np.float64(x - 1e-6))) / 2e-6
        np.testing.assert_allclose(fx.grad(python_builtins)(np.float64(x)), fd, rtol=1e-6)
    _close(fx.vmap(python_builtins)(xs), np.array([python_builtins(x) for x in xs]))


def python_relu_and_pair(x, y):
    return max(x, 0.0) + 2 * min(x, y) + 3 * max(y, x)


def test_max_and_min_of_traced_values_at_ties_and_nan_choose_as_python_eagerly_and_under_jit_and_vmap():
    # Python keeps the first of equal values (and so its derivative), and compares NaN as False
    g = fx.grad(python_relu_and_pair, argnums=(0, 1))
    for x, y in ((0.0, 0.0), (1.0, 1.0), (-1.0, -1.0), (0.5, 2.0)):
        args = (np.float64(x), np.float64(y))
        eager = [float(v) for v in g(*args)]
        for other in (fx.jit(g), fx.grad(fx.jit(python_relu_and_pair), argnums=(0, 1))):
            assert [float(v) for v in other(*args)] == eager
    assert [float(v) for v in g(np.float64(1.0), np.float64(1.0))] == [1 + 2, 3]
    for x, y in ((np.nan, 1.0), (1.0, np.nan), (np.nan, np.nan)):
        want = python_relu_and_pair(x, y)
        got = fx.jit(python_relu_and_pair)(np.float64(x), np.float64(y))
        np.testing.assert_array_equal(got, want)
        np.testing.assert_array_equal(fx.vmap(python_relu_and_pair)(np.array([x]), np.array([y])), [want])
