"""Size of the programs reverse mode through `while_loop` and `scan` stages under jit.

A loop body closes over the constants it makes (a counter's 0 and 1, a stride) as operands of
the loop; repeated ones must be passed once, or every enclosing loop of the reverse sweep
carries each copy again. Oracles: counts of operands against bounds well under what the
unmerged programs had, and the derivatives against the same loop written in Python.
"""
import numpy as np

import fluxion as fx
import fluxion.numpy as fnp
from fluxion.control.loops import while_p
from fluxion.control.scan import scan_p
from fluxion.core.program import Program

X = fnp.asarray(np.array([0.5, 0.7, 0.9]))


def _loop(x):
    c = fx.while_loop(lambda c: fnp.sum(c) < 50.0, lambda c: c * 1.3 + fnp.sin(c), x)
    return fnp.sum(c ** 2)


def _loop_python(x):
    while fnp.sum(x) < 50.0:
        x = x * 1.3 + fnp.sin(x)
    return fnp.sum(x ** 2)


def _sum_of_grad(f):
    return lambda x: fnp.sum(fx.grad(f)(x))


def _subprograms(program: Program):
    for eq in program.equations:
        for value in eq.params.values():
            for p in value if isinstance(value, tuple) else (value,):
                if isinstance(p, Program):
                    yield p


def _while_equations(program: Program) -> list:
    """The while equations of `program` and of every sub-program, at every place they occur."""
    own = [eq for eq in program.equations if eq.prim is while_p]
    return own + [eq for p in _subprograms(program) for eq in _while_equations(p)]


def _closed_over(eq) -> list:
    return eq.inputs[:eq.params["cond_nconsts"] + eq.params["body_nconsts"]]


def test_a_loop_body_closes_over_each_repeated_constant_once():
    def body(c):
        i, v = c
        return i + fnp.asarray(1, dtype=fnp.int32), v * 2.0 + fnp.asarray(1, dtype=fnp.int32)

    loop = lambda v: fx.while_loop(lambda c: c[0] < 5, body, (fnp.asarray(0, dtype=fnp.int32), v))  # noqa: E731
    program = fx.make_program(loop)(X)
    (eq,) = _while_equations(program)
    body_consts = eq.inputs[eq.params["cond_nconsts"]:len(_closed_over(eq))]
    assert [x.aval.dtype for x in body_consts].count(np.int32) == 1  # the two 1s, passed once


def test_second_order_reverse_mode_through_a_loop_carries_few_closed_over_values():
    program = fx.jit(fx.grad(_sum_of_grad(_loop))).lower(X).program
    whiles = _while_equations(program)
    # the unmerged program passed 9,000 closed-over values (mostly copies of 0 and 1) to 113 loops
    assert sum(len(_closed_over(eq)) for eq in whiles) < 2000
    assert max(len(_closed_over(eq)) for eq in whiles) < 60


def test_first_order_reverse_mode_through_a_loop_carries_few_closed_over_values():
    whiles = _while_equations(fx.jit(fx.grad(_loop)).lower(X).program)
    assert sum(len(_closed_over(eq)) for eq in whiles) < 100


def test_merged_programs_give_the_derivatives_of_the_python_loop():
    np.testing.assert_allclose(np.asarray(fx.jit(fx.grad(_loop))(X)), np.asarray(fx.grad(_loop_python)(X)),
                               rtol=1e-12)
    second = fx.jit(fx.grad(_sum_of_grad(_loop)))(X)
    np.testing.assert_allclose(np.asarray(second), np.asarray(fx.grad(_sum_of_grad(_loop_python))(X)), rtol=1e-10)


def _in_cond(f):
    return lambda x: fx.cond(fnp.sum(x) > 0, f, lambda x: fnp.sum(x * 2.0), x)


def _xla_loops(f) -> int:
    return fx.jit(f).lower(X).as_text().count("stablehlo.while")


def test_second_order_reverse_mode_through_a_loop_inside_cond_compiles_no_more_loops_than_without():
    # the tangent conditional reads the primal one's residuals (the loop's tape): transposed and
    # differentiated again, it recomputes no loop (it ran the loop again, over values and tangents)
    assert _xla_loops(fx.grad(_sum_of_grad(_in_cond(_loop)))) <= _xla_loops(fx.grad(_sum_of_grad(_loop)))
    second = fx.jit(fx.grad(_sum_of_grad(_in_cond(_loop))))(X)
    np.testing.assert_allclose(np.asarray(second), np.asarray(fx.grad(_sum_of_grad(_loop_python))(X)), rtol=1e-10)


WS = fnp.asarray([1.0, 0.5, 0.2], dtype=fnp.float64)


def _loop_in_scan(x, loop=lambda c, w: fx.while_loop(lambda c: fnp.sum(c) < 50.0,
                                                      lambda c: c * 1.3 + fnp.sin(c) * w, c)):
    def step(c, w):
        c = loop(c, w)
        return c * 0.01, fnp.sum(c)

    c, ys = fx.scan(step, x, WS)
    return fnp.sum(c ** 2) + fnp.sum(ys)


def _loop_in_scan_python(x):
    def loop(c, w):
        while fnp.sum(c) < 50.0:
            c = c * 1.3 + fnp.sin(c) * w
        return c

    for w in WS:  # the scan written as a Python loop
        c = loop(x, w)
        x = c * 0.01
        yield fnp.sum(c)
    yield fnp.sum(x ** 2)


def test_reverse_mode_through_scan_reruns_no_loop_of_its_body():
    # the tangent scan reads the residuals the primal scan stacks (a loop's tape among them):
    # only the taped loop and its reverse sweep remain, and one more pair per order
    python = lambda x: sum(_loop_in_scan_python(x))  # noqa: E731
    assert len(_while_equations(fx.jit(fx.grad(_loop_in_scan)).lower(X).program)) == 2
    assert len(_while_equations(fx.jit(fx.grad(_sum_of_grad(_loop_in_scan))).lower(X).program)) <= 6
    np.testing.assert_allclose(np.asarray(fx.jit(fx.grad(_loop_in_scan))(X)), np.asarray(fx.grad(python)(X)),
                               rtol=1e-12)
    second = fx.jit(fx.grad(_sum_of_grad(_loop_in_scan)))(X)
    np.testing.assert_allclose(np.asarray(second), np.asarray(fx.grad(_sum_of_grad(python))(X)), rtol=1e-10)


def test_reverse_mode_through_scan_stacks_no_value_every_step_shares():
    # x @ w needs w for its derivative: w is read by every step, not stacked once per step
    rng = np.random.default_rng(0)
    w, xs = fnp.asarray(rng.standard_normal((4, 4)) / 2), fnp.asarray(rng.standard_normal((50, 3, 4)))

    def rnn(w, xs):
        return fnp.sum(fx.scan(lambda h, x: (fnp.tanh(h @ w + x),) * 2, fnp.zeros((3, 4), dtype=fnp.float64), xs)[1] ** 2)

    def rnn_python(w, xs):
        h, total = fnp.zeros((3, 4), dtype=fnp.float64), 0.0
        for x in xs:
            h = fnp.tanh(h @ w + x)
            total = total + fnp.sum(h ** 2)
        return total

    program = fx.make_program(fx.grad(rnn))(w, xs)
    scans = [eq for eq in program.equations if eq.prim is scan_p]
    assert scans and all(o.aval.shape != (50, 4, 4) for eq in scans for o in eq.outputs)
    for g in (fx.grad(rnn, (0, 1)), fx.jit(fx.grad(rnn, (0, 1)))):
        for got, want in zip(g(w, xs), fx.grad(rnn_python, (0, 1))(w, xs)):
            np.testing.assert_allclose(np.asarray(got), np.asarray(want), rtol=1e-12)
