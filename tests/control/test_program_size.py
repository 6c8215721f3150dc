"""Size of the programs reverse mode through `while_loop` stages under jit.

A loop body closes over the constants it makes (a counter's 0 and 1, a stride) as operands of
the loop; repeated ones must be passed once, or every enclosing loop of the reverse sweep
carries each copy again. Oracles: counts of operands against bounds well under what the
unmerged programs had, and the derivatives against the same loop written in Python.
"""
import numpy as np

import fluxion as fx
import fluxion.numpy as fnp
from fluxion.control.loops import while_p
from fluxion.core.program import Program

X = fnp.asarray(np.array([0.5, 0.7, 0.9]))


def _loop(x):
    c = fx.while_loop(lambda c: fnp.sum(c) < 50.0, lambda c: c * 1.3 + fnp.sin(c), x)
    return fnp.sum(c ** 2)


def _loop_python(x):
    while float(fnp.sum(x)) < 50.0:
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
