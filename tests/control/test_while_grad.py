"""Reverse mode through fx.while_loop with data-dependent trip counts, eagerly and under jit.

Oracles: the same loop written as a Python loop, differentiated eagerly by fx.grad (which
records every iteration); central finite differences (check_grads); eager against jit.
"""
import importlib.util
import pathlib

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import fluxion as fx
import fluxion.numpy as fnp
from fluxion.control.while_tape import levels
from fluxion.core.interpreters import EAGER
from fluxion.core.primitive import jvp_rules, numpy_kernel
from fluxion.ops._util import define
from fluxion.test_util import check_grads

EXAMPLES = pathlib.Path(__file__).parents[2] / "examples"
F64 = fnp.float64
CAP = 8
X = fnp.asarray([0.3, -0.7, 1.1], dtype=F64)
W = fnp.asarray(0.9, dtype=F64)
COEF = fnp.asarray([1.0, -2.0, 0.5], dtype=F64)


def _decay(x, w, n, capacity=CAP):
    """n iterations of a smooth map; n may be traced; w is closed over by the body."""
    def body(c):
        i, v = c
        return i + 1, fnp.sin(v) * w + 0.5 * v

    return fx.while_loop(lambda c: c[0] < n, body, (0, x), capacity=capacity)[1]


def _decay_python(x, w, n):
    for _ in range(int(n)):
        x = fnp.sin(x) * w + 0.5 * x
    return x


def _loss(x, w, n, capacity=CAP):
    return (_decay(x, w, n, capacity) * COEF).sum()


def _loss_python(x, w, n):
    return (_decay_python(x, w, n) * COEF).sum()


_grad = fx.grad(_loss, argnums=(0, 1))
_jit_grad = fx.jit(_grad, static_argnums=(3,))
_grad_jit = fx.grad(fx.jit(_loss, static_argnums=(3,)), argnums=(0, 1))
_grad_python = fx.grad(_loss_python, argnums=(0, 1))


def _close(got, expected, rtol=1e-10):
    for g, e in zip(got, expected):
        np.testing.assert_allclose(np.asarray(g), np.asarray(e), rtol=rtol, atol=1e-12)


# trip counts around and far past the capacity ---------------------------------------------------
@pytest.mark.parametrize("n", [0, 1, CAP - 1, CAP, CAP + 1, 100 * CAP])
def test_grad_of_while_loop_matches_the_python_loop_at_trip_counts_around_the_capacity(n):
    expected = _grad_python(X, W, n)
    _close(_grad(X, W, n), expected)
    _close(_jit_grad(X, W, fnp.asarray(n), CAP), expected)
    _close(_grad_jit(X, W, fnp.asarray(n), CAP), expected)


@given(n=st.integers(0, 70), capacity=st.integers(2, 9))
def test_grad_of_while_loop_is_exact_for_any_trip_count_and_capacity(n, capacity):
    _close(_grad(X, W, n, capacity), _grad_python(X, W, n))


def test_grad_of_while_loop_under_jit_serves_every_trip_count_with_one_compilation():
    f = fx.jit(_grad, static_argnums=(3,))
    for n in (3, 40, 200):
        _close(f(X, W, fnp.asarray(n), 4), _grad_python(X, W, n))
    assert f.cache_size() == 1


def test_reverse_mode_keeps_a_tape_of_capacity_states_whatever_the_trip_count():
    def residuals(n):
        return fx.saved_residuals(lambda x: _loss(x, W, n), X)

    assert residuals(10 * CAP) == residuals(100 * CAP)
    # one tape (C rows and a scratch row) of the differentiated value; the loop counter, which
    # only the condition reads, is not taped
    assert [s for s, _ in residuals(100 * CAP) if len(s) > 1] == [(1, CAP + 1, X.size)]


def test_the_default_tape_holds_64_states_or_what_fits_in_64_mib():
    def rows(x):
        saved = fx.saved_residuals(lambda x: fx.while_loop(lambda c: c[0] < 3, lambda c: (c[0] + 1, fnp.sin(c[1])),
                                                           (0, x))[1].sum(), x)
        return [s[1] for s, _ in saved if len(s) > 1]

    assert rows(X) == [65]
    assert rows(fnp.zeros(2 ** 20, dtype=F64)) == [9]  # 8 MiB states: 8 of them


@pytest.mark.parametrize("n", [0, 1, 3, 4, 5, 16, 17, 70])
def test_grad_under_jit_stacks_only_the_tapes_the_trip_count_needs(monkeypatch, n):
    # with no memory to spare, the default capacity is 4, and the sweep branches to no deeper
    # tape (n <= 4), one (n <= 16) or all of them
    monkeypatch.setattr("fluxion.control.while_tape._TAPE_BYTES", 0)
    grad = fx.jit(fx.grad(lambda x, w, n: _loss(x, w, n, None), argnums=(0, 1)))
    _close(grad(X, W, fnp.asarray(n)), _grad_python(X, W, n))


def test_vmap_of_grad_under_jit_with_lanes_in_different_tiers_of_tapes(monkeypatch):
    monkeypatch.setattr("fluxion.control.while_tape._TAPE_BYTES", 0)
    ns = [2, 9, 40]
    grad = fx.grad(lambda x, n: _loss(x, W, n, None))
    expected = [np.asarray(fx.grad(_loss_python)(X, W, n)) for n in ns]
    got = fx.jit(fx.vmap(grad, in_axes=(None, 0)))(X, fnp.asarray(ns))
    np.testing.assert_allclose(np.asarray(got), expected, rtol=1e-10)


# the work is O(n log n) steps of the body ---------------------------------------------------------
_evaluations = [0]
_count_p = define("test_count_evaluations", lambda x: x)
numpy_kernel[_count_p] = lambda x: (_evaluations.__setitem__(0, _evaluations[0] + 1), x)[1]
jvp_rules[_count_p] = lambda primals, tangents: (_count_p.bind(*primals), tangents[0])


@pytest.mark.parametrize("capacity, n", [(8, 800), (4, 300), (64, 60)])
def test_reverse_sweep_recomputes_each_state_at_most_once_per_level(capacity, n):
    def body(c):
        i, v = c
        return i + 1, fnp.sin(_count_p.bind(v)) * W

    loss = lambda x: fx.while_loop(lambda c: c[0] < n, body, (0, x), capacity=capacity)[1].sum()  # noqa: E731
    _evaluations[0] = 0
    fx.grad(loss)(X)
    deepest, m = 0, n  # the levels of tapes this trip count needs
    while m > capacity:
        m, deepest = 1 << (-(-m // capacity) - 1).bit_length(), deepest + 1
    # the forward loop and the vjp at each state evaluate the body n times each; recomputation
    # evaluates each state at most once per level below the first
    assert 2 * n <= _evaluations[0] <= (2 + deepest) * n


@pytest.mark.parametrize("capacity", [4, 64])
def test_a_pullback_run_twice_gives_the_same_cotangents(capacity):
    # eagerly the sweep writes its tapes in place: the forward tape it starts from must stay intact
    n = 40
    out, pullback = fx.vjp(lambda x, w: _decay(x, w, n, capacity), X, W)
    first, second = pullback(COEF), pullback(COEF)
    for a, b in zip(first, second):
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))
    _close(first, _grad_python(X, W, n))


def test_eager_reverse_mode_dispatches_no_operation_per_iteration(monkeypatch):
    # run eagerly, the taped loop and the sweep count in Python ints and call the kernels of the
    # condition, the body and its vjp directly: the operations dispatched do not grow with n
    calls, process = [0], EAGER.process

    def counting(prim, args, params):
        calls[0] += 1
        return process(prim, args, params)

    monkeypatch.setattr(EAGER, "process", counting)
    dispatched = []
    for n in (5, 10, 300):  # (the first derives the programs)
        calls[0] = 0
        got = _grad(X, W, n, 512)
        dispatched.append(calls[0])
        _close(got, _grad_python(X, W, n))
    assert dispatched[1] == dispatched[2]


def test_levels_cover_every_int32_trip_count():
    for capacity in (2, 3, 8, 64, 1000):
        m, count = 2 ** 31 - 1, 1
        while m > capacity:
            m, count = -(-m // capacity), count + 1
        assert levels(capacity) >= count


# data-dependent trip counts, closed-over values, pytrees ------------------------------------------
def _grow(x, a, threshold):
    """Multiply until past a threshold: the trip count depends on x, a and the threshold."""
    def body(c):
        k, y = c
        return k + 1, y * a + 0.1 * fnp.sin(y)

    k, y = fx.while_loop(lambda c: c[1] < threshold, body, (0, x), capacity=4)
    return y * k


def _grow_python(x, a, threshold):
    k, y = 0, x
    while y < threshold:
        k, y = k + 1, y * a + 0.1 * fnp.sin(y)
    return y * k


@pytest.mark.parametrize("x", [0.05, 0.5, 3.0, 20.0])
def test_grad_through_a_data_dependent_trip_count_matches_python_and_finite_differences(x):
    x, a, t = fnp.asarray(x, dtype=F64), fnp.asarray(1.3, dtype=F64), fnp.asarray(10.0, dtype=F64)
    expected = fx.grad(_grow_python, argnums=(0, 1, 2))(x, a, t)
    _close(fx.grad(_grow, argnums=(0, 1, 2))(x, a, t), expected)
    _close(fx.jit(fx.grad(_grow, argnums=(0, 1, 2)))(x, a, t), expected)
    assert float(expected[2]) == 0.0  # the threshold only sets the trip count
    check_grads(lambda x, a: _grow(x, a, t), (x, a), order=2, modes=("rev",))


def _pytree_loop(y, rate):
    """A dict carry with a float32 clock, a float64 state, an int32 counter and a bool flag."""
    def cond(c):
        return ~c["done"]

    def body(c):
        y = c["y"] + c["t"].astype(F64) * rate * fnp.cos(c["y"])
        k = c["k"] + 1
        return {"t": c["t"] + 0.25, "y": y, "k": k, "done": (k >= 13) | (y.sum() > 50.0)}

    init = {"t": fnp.asarray(0.0, dtype=fnp.float32), "y": y, "k": fnp.asarray(0, dtype=fnp.int32),
            "done": fnp.asarray(False)}
    out = fx.while_loop(cond, body, init, capacity=3)
    return (out["y"] ** 2).sum() + out["t"].astype(F64) * out["k"]


def _pytree_python(y, rate):
    t, k, done = fnp.asarray(0.0, dtype=fnp.float32), 0, False
    while not done:
        y = y + t.astype(F64) * rate * fnp.cos(y)
        t, k = t + 0.25, k + 1
        done = k >= 13 or y.sum() > 50.0
    return (y ** 2).sum() + t.astype(F64) * k


def test_grad_of_a_pytree_carry_with_integer_boolean_and_float32_leaves():
    rate = fnp.asarray(0.3, dtype=F64)
    expected = fx.grad(_pytree_python, argnums=(0, 1))(X, rate)
    _close(fx.grad(_pytree_loop, argnums=(0, 1))(X, rate), expected)
    _close(fx.jit(fx.grad(_pytree_loop, argnums=(0, 1)))(X, rate), expected, rtol=1e-6)


@fx.custom_vjp
def _clip_gradient(x):
    return x


_clip_gradient.defvjp(lambda x: (x, None), lambda _, g: (fnp.clip(g, -0.5, 0.5),))


def test_custom_rules_inside_the_body_apply_in_the_reverse_sweep():
    def loss(x, looped):
        step = lambda v: fnp.sin(_clip_gradient(v)) * 1.5 + fx.checkpoint(fnp.cos)(v)  # noqa: E731
        if looped:
            return fx.while_loop(lambda c: c[0] < 7, lambda c: (c[0] + 1, step(c[1])), (0, x), capacity=3)[1].sum()
        for _ in range(7):
            x = step(x)
        return x.sum()

    expected = fx.grad(loss)(X, False)
    _close([fx.grad(loss)(X, True), fx.jit(fx.grad(loss), static_argnums=(1,))(X, True)], [expected] * 2)


def test_a_custom_vjp_of_a_loops_result_inside_a_scan_body_matches_jax():
    # reverse mode transposes the scan body's forward-mode derivative: there the loop runs over
    # values and tangents together, and the values it gives (the custom_vjp's residuals) have no tangent
    jax = pytest.importorskip("jax")
    jax.config.update("jax_enable_x64", True)
    jnp = jax.numpy

    def with_rule(custom):
        sq = custom(lambda v: v * v)
        sq.defvjp(lambda v: (v * v, v), lambda v, g: (2 * v * g,))
        return sq

    fsq, jsq = with_rule(fx.custom_vjp), with_rule(jax.custom_vjp)
    step = lambda s: (s[0] + 1, fnp.sin(s[1]) * W + 0.1)  # noqa: E731
    loop = lambda c: fx.while_loop(lambda s: s[0] < 3, step, (0, c), capacity=2)[1]  # noqa: E731
    jloop = lambda c: jax.lax.fori_loop(0, 3, lambda i, v: jnp.sin(v) * float(W) + 0.1, c)  # noqa: E731
    f = lambda x: fx.scan(lambda c, w: (fsq(loop(c)) * w, c), x[0], x[1:])[0]  # noqa: E731
    jf = lambda x: jax.lax.scan(lambda c, w: (jsq(jloop(c)) * w, c), x[0], x[1:])[0]  # noqa: E731
    xs = np.array([[0.7, 0.8, 1.2], [-0.3, 1.1, 0.4]])
    want = jax.vmap(jax.grad(jf))(xs)
    _close([np.stack([fx.grad(f)(fnp.asarray(x)) for x in xs]), fx.jit(fx.vmap(fx.grad(f)))(fnp.asarray(xs))],
           [want] * 2)


def test_vjp_and_jacrev_of_a_vector_valued_loop():
    f = lambda x, w: _decay(x, w, 11)  # noqa: E731
    g = lambda x, w: _decay_python(x, w, 11)  # noqa: E731
    out, pullback = fx.vjp(f, X, W)
    expected_out, expected_pullback = fx.vjp(g, X, W)
    _close([out], [expected_out])
    _close(pullback(COEF), expected_pullback(COEF))
    _close([fx.jacrev(f)(X, W)], [fx.jacrev(g)(X, W)])
    _close([fx.jit(fx.jacrev(f))(X, W)], [fx.jacrev(g)(X, W)])


def test_vmap_of_grad_with_lanes_of_very_different_trip_counts():
    xs = fnp.asarray([0.01, 0.5, 9.0, 2.0], dtype=F64)
    a, t = fnp.asarray(1.2, dtype=F64), fnp.asarray(10.0, dtype=F64)
    expected = [float(fx.grad(_grow_python)(x, a, t)) for x in xs]
    got = fx.vmap(fx.grad(_grow), in_axes=(0, None, None))(xs, a, t)
    np.testing.assert_allclose(np.asarray(got), expected, rtol=1e-10)



def test_vmap_of_grad_of_a_loop_in_a_branch_some_examples_do_not_take():
    # vmap runs the branch's reverse sweep for every example; one that has gone back to the start
    # runs the sweep's body too (frozen): its inner loops must end (they used to spin forever)
    def loop(x):
        n = 1 + fnp.sum(fnp.stack([x > t for t in (0.2, 0.6, 1.0, 1.4)]).astype(fnp.int32))
        return fx.fori_loop(0, n, lambda i, v: v * 0.9 + 0.2 * fnp.sin(v + i * 0.3), x)

    def f(x):
        return fx.cond(x > 0.5, loop, lambda x: x * 2.0, x)

    xs = fnp.asarray([0.3, 1.5, 0.9], dtype=F64)
    expected = [float(fx.grad(f)(x)) for x in xs]
    for batched in (fx.vmap(fx.grad(f)), fx.jit(fx.vmap(fx.grad(f)))):
        np.testing.assert_allclose(np.asarray(batched(xs)), expected, rtol=1e-12)

# higher orders and forward mode ---------------------------------------------------------------------
def _second_order(loss):
    """Reverse over reverse: the gradient of d loss / d w."""
    return fx.grad(lambda x, w, n: fx.grad(loss, argnums=(0, 1))(x, w, n)[1], argnums=(0, 1))


def _hvp(loss, n):
    """Forward over reverse: the Hessian of loss in x times COEF."""
    return fx.jvp(lambda x: fx.grad(loss)(x, W, n), (X,), (COEF,))[1]


def test_second_order_derivatives_match_the_python_loop():
    jitted = fx.jit(_second_order(_loss))  # one compilation serves every trip count
    for n in (0, 3, 3 * CAP + 2):
        expected = _second_order(_loss_python)(X, W, n)
        _close(_second_order(_loss)(X, W, n), expected)
        _close(jitted(X, W, fnp.asarray(n)), expected)
        _close([_hvp(_loss, n)], [_hvp(_loss_python, n)])


def _in_cond(loss):
    return lambda x, w, n: fx.cond(w > 0, lambda x: loss(x, w, n), lambda x: (x * x).sum() * w, x)


def _in_scan(loss):
    def run(x, w, n):
        def step(carry, k):
            return carry + loss(x * k, w, n), None
        return fx.scan(step, fnp.zeros((), F64), fnp.asarray([1.0, -0.5], dtype=F64))[0]
    return run


@pytest.mark.parametrize("wrap", [_in_cond, _in_scan])
def test_second_order_derivatives_through_a_loop_inside_cond_and_scan_match_the_python_loop(wrap):
    n = 2 * CAP + 3  # past the capacity: the reverse sweep recomputes states
    expected = _second_order(wrap(_loss_python))(X, W, n)
    _close(_second_order(wrap(_loss))(X, W, n), expected)


def test_second_order_under_jit_through_a_loop_inside_cond_matches_the_python_loop():
    n = 2 * CAP + 3
    expected = _second_order(_in_cond(_loss_python))(X, W, n)
    _close(fx.jit(_second_order(_in_cond(_loss)))(X, W, fnp.asarray(n)), expected)


def test_vmap_of_second_order_with_lanes_of_different_trip_counts_past_the_capacity():
    ns = np.array([3, CAP + 1, 3 * CAP + 2])
    xs = fnp.stack([X, -X, 0.5 * X])
    second = lambda x, n: _second_order(_loss)(x, W, n)  # noqa: E731
    got = fx.vmap(second)(xs, fnp.asarray(ns))
    for k, n in enumerate(ns):
        _close([g[k] for g in got], _second_order(_loss_python)(xs[k], W, int(n)))


def _grow_to_two(x):
    """x times 1.5 until it reaches 2, squared: no step from x >= 2 (and a loop that never ends from 0)."""
    return fx.while_loop(lambda c: c[0] < 2.0, lambda c: (c[0] * 1.5, c[1] + 1), (x, 0))[0] ** 2


def _linearized(f):
    return lambda x: fx.linearize(f, x)[1](fnp.ones((), F64))


def _rev_over_rev(f):
    return fx.jacrev(fx.jacrev(f))


@pytest.mark.parametrize("second", [
    lambda f: _linearized(_linearized(f)), lambda f: fx.jacfwd(fx.jacfwd(f)), _rev_over_rev,
    lambda f: fx.jacfwd(fx.grad(f)), lambda f: fx.grad(lambda x: fx.jvp(f, (x,), (fnp.ones((), F64),))[1])])
def test_vmap_of_second_order_with_an_example_that_makes_no_step(second):
    # the finished example still runs the batched loops over the tape: on s_0, not on an empty row
    xs = np.array([1.9, 3.0, 0.3, 2.0])
    steps = [next(k for k in range(20) if x * 1.5 ** k >= 2.0) for x in xs]
    want = [2 * 1.5 ** (2 * k) for k in steps]
    runs = [fx.vmap(second(_grow_to_two))]
    if second is not _rev_over_rev:  # (compiled, reverse over reverse through the loop takes XLA seconds)
        runs.append(fx.jit(fx.vmap(second(_grow_to_two))))
    for run in runs:
        np.testing.assert_allclose(np.asarray(run(fnp.asarray(xs))), want, rtol=1e-12)


def test_third_order_derivative_matches_the_python_loop():
    def third(loss):
        return fx.grad(lambda w: fx.grad(lambda w: fx.grad(loss, argnums=1)(X, w, CAP + 3))(w))
    np.testing.assert_allclose(np.asarray(third(_loss)(W)), np.asarray(third(_loss_python)(W)), rtol=1e-9)


def _size(program) -> int:
    """The equations of `program` and of the programs inside them."""
    return sum(1 + sum(_size(s) for v in eq.params.values() for s in (v if isinstance(v, tuple) else (v,))
                       if hasattr(s, "equations")) for eq in program.equations)


def test_derivatives_of_any_order_in_one_number_take_forward_mode_and_keep_no_tape():
    # grad in one number is one JVP: the third derivative under jit nests three JVPs of the loop,
    # smaller than the first-order reverse sweep (its tape, halving and recomputation)
    def third(loss):
        return fx.grad(lambda w: fx.grad(lambda w: fx.grad(loss, argnums=1)(X, w, CAP + 3))(w))
    np.testing.assert_allclose(np.asarray(fx.jit(third(_loss))(W)), np.asarray(third(_loss_python)(W)), rtol=1e-9)
    reverse = _size(fx.make_program(lambda x: _grad(x, W, CAP + 3)[0])(X))
    assert _size(fx.make_program(third(_loss))(W)) < reverse


def test_grad_in_one_number_under_jit_keeps_a_value_the_function_built_on_its_first_pass():
    # forward mode redoes the function, which finds the rate it kept on the first pass (reverse
    # mode's, dropped): what computed the rate stays in the program
    kept = {}

    def loss(x, s):
        if "rate" not in kept:
            kept["rate"] = fnp.cos(s) * 0.5
        return _decay(x, kept["rate"], CAP + 3)

    x, s = fnp.asarray(0.7, dtype=F64), fnp.asarray(0.3, dtype=F64)
    got = fx.jit(fx.grad(loss))(x, s)
    np.testing.assert_allclose(float(got), float(fx.grad(_decay_python)(x, fnp.cos(s) * 0.5, CAP + 3)), rtol=1e-12)


def test_the_reverse_sweep_differentiated_again_is_one_loop_deep():
    # differentiating the sweep differentiates one loop with no loop inside, so the second-order
    # program nests loops no deeper than the first-order one does (a sweep over a sweep)
    def depth(program):
        return max([1 + max([depth(s) for v in eq.params.values() for s in (v if isinstance(v, tuple) else (v,))
                             if hasattr(s, "equations")] or [0]) for eq in program.equations if eq.prim.name == "while"]
                   or [0])

    first = depth(fx.make_program(fx.grad(_loss, argnums=(0, 1)))(X, W, fnp.asarray(5)))
    second = depth(fx.make_program(_second_order(_loss))(X, W, fnp.asarray(5)))
    assert second <= first + 2


def test_forward_mode_and_linearize_match_the_python_loop():
    f = lambda x: _decay(x, W, 2 * CAP + 3)  # noqa: E731
    g = lambda x: _decay_python(x, W, 2 * CAP + 3)  # noqa: E731
    expected = fx.jvp(g, (X,), (COEF,))
    _close(fx.jvp(f, (X,), (COEF,)), expected)
    _close([fx.jacfwd(f)(X)], [fx.jacfwd(g)(X)])
    f_jvp = fx.linearize(f, X)[1]
    _close([f_jvp(COEF), fx.jit(f_jvp)(COEF)], [expected[1]] * 2)
    # under jit, the tangent traced but the point fixed: the linear loop is compiled too
    _close([fx.jit(lambda t: fx.jvp(f, (X,), (t,))[1])(COEF)], [expected[1]])


def test_grad_of_vmap_of_a_loop_matches_a_loop_over_examples():
    xs = fnp.stack([X, 2 * X, -X])
    expected = fx.grad(lambda xs: sum(_loss_python(x, W, 9) for x in xs))(xs)
    _close([fx.grad(lambda xs: fx.vmap(lambda x: _loss(x, W, 9))(xs).sum())(xs)], [expected])


def test_grad_of_vmap_sends_no_nan_back_from_the_steps_of_finished_examples():
    # a finished example still runs each step, at a carry where sqrt(w - x) is NaN; its
    # derivative must not reach the example's gradient nor that of the shared w
    def f(x, w):
        return fx.while_loop(lambda x: x < 9.0, lambda x: x + 1.0 + 0.1 * fnp.sqrt(w - x), x)

    def python(x, w):
        while x < 9.0:
            x = x + 1.0 + 0.1 * fnp.sqrt(w - x)
        return x

    xs, w = fnp.asarray([1.0, 8.8, 5.0], dtype=F64), fnp.asarray(9.6, dtype=F64)
    loss = lambda xs, w: fnp.sum(fx.vmap(f, (0, None))(xs, w))  # noqa: E731
    expected = fx.grad(lambda xs, w: sum(python(x, w) for x in xs), (0, 1))(xs, w)
    for g in (fx.grad(loss, (0, 1)), fx.jit(fx.grad(loss, (0, 1))), fx.grad(fx.jit(loss), (0, 1))):
        _close(g(xs, w), expected)
    second = fx.grad(fx.grad(lambda xs, w: sum(python(x, w) for x in xs), 1), 1)(xs, w)
    _close([fx.hessian(loss, 1)(xs, w)], [second])


def test_check_grads_of_a_loop_past_its_capacity():
    check_grads(lambda x, w: _loss(x, w, 3 * CAP + 1), (X, W), order=2)


def test_adaptive_ode_example_agrees_with_finite_differences():
    spec = importlib.util.spec_from_file_location("ode_adaptive", EXAMPLES / "ode_adaptive.py")
    example = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(example)
    assert example.main() < 1e-6


@pytest.mark.parametrize("jit", [False, True])
def test_a_tape_larger_than_the_machine_is_refused_before_it_is_made(jit):
    # 2**20 states of 2**24 float64 values: 128 TiB, more than any machine has
    def f(x):
        return fx.while_loop(lambda y: y.sum() < 1.0, lambda y: y * 2.0, x, capacity=2 ** 20).sum()

    g = fx.grad(f)
    with pytest.raises(MemoryError, match="(?s)131072.1 GiB of loop states.*smaller capacity=.*fx.jacfwd"):
        (fx.jit(g) if jit else g)(fnp.full(2 ** 24, 1e-9, dtype=fnp.float64))


def test_grad_of_a_loop_on_an_xla_device_matches_the_host():
    x = fx.device_put(X, "xla-cpu:0")
    got = fx.grad(_loss, argnums=(0, 1))(x, W, 30, 4)
    assert got[0].device == x.device
    _close(got, _grad_python(X, W, 30))
