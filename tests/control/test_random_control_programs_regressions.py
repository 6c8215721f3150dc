"""Programs that random control-flow programs found converted wrongly, minimised; each checked
against the same program run eagerly (plain Python), finite differences and a loop over examples."""
import numpy as np

import fluxion as fx
import fluxion.numpy as fnp
from _oracle import _a, _fd


def _check(f, examples):
    """jit and vmap against eager; jit(grad) and vmap(grad) against finite differences."""
    xs = _a(examples)
    values = np.stack([np.asarray(f(x)) for x in xs])
    grads = np.stack([_fd(f, x) for x in xs])
    for x, v, g in zip(xs, values, grads):
        np.testing.assert_allclose(np.asarray(fx.jit(f)(x)), v, rtol=1e-12)
        np.testing.assert_allclose(np.asarray(fx.jit(fx.grad(f))(x)), g, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(np.asarray(fx.vmap(f)(xs)), values, rtol=1e-12)
    np.testing.assert_allclose(np.asarray(fx.jit(fx.vmap(fx.grad(f)))(xs)), grads, rtol=1e-6, atol=1e-8)


# a variable first assigned after a jump that one branch of an `if` takes -----------------------------------
def assigned_after_a_nested_continue(x):
    a = x * 0.0
    for k in range(3):
        if x > 0.5:
            if x > 1.0:
                continue
            t = x * k
        else:
            t = -x
        a = a + t
    return a


def assigned_after_a_nested_break(x):
    a = x * 0.0
    k = 0
    while k < 3:
        k += 1
        if x > 0.5:
            if x * k > 1.5:
                break
            t = fnp.sin(x) * k
        else:
            t = x * x
        a = a + t
    return a


def assigned_after_a_continue_in_a_traced_loop(x):
    a = x * 0.0
    k = 0
    while k < 2 + 2 * fnp.abs(fnp.tanh(x)):  # the loop itself is traced: `t` is not carried from pass to pass
        k += 1
        if a < 1.0:
            if fnp.sin(x * k) > 0.5:
                continue
            t = x * k
        else:
            t = fnp.cos(x)
        a = a + t
    return a


def test_a_variable_assigned_after_a_nested_continue_is_joined_from_the_branches_that_assign_it():
    _check(assigned_after_a_nested_continue, [0.2, 0.7, 1.5])


def test_a_variable_assigned_after_a_nested_break_is_joined_from_the_branches_that_assign_it():
    _check(assigned_after_a_nested_break, [0.2, 0.7, 1.3])


def test_a_variable_defined_in_a_traced_loop_after_a_nested_continue_is_joined_from_the_other_branches():
    _check(assigned_after_a_continue_in_a_traced_loop, [0.3, 0.45, 1.1, -0.8])


# a closure reading a variable that a converted statement rebinds ---------------------------------------------
def closure_over_a_variable_a_static_loop_rebinds(x):
    b = x
    scale = lambda t: t * b  # noqa: E731
    c = x
    for _ in range(3):
        c = scale(c)
        b = b + 1.0
    return c


def closure_over_a_variable_a_traced_loop_rebinds(x):
    b = x

    def scale(t):
        return t * b
    c = x
    k = 0
    while k < 3 + x:
        c = scale(c)
        b = b + 1.0
        k += 1
    return c + b


def closure_over_a_variable_a_traced_branch_rebinds(x):
    b = x

    def shift(t):
        if t > b:
            return t - b
        return 0.5 * t
    if x > 0:
        b = fnp.sin(b) + 1.0
        c = shift(x)
    else:
        c = shift(-x)
    return c * b


def test_a_closure_called_in_a_static_loop_sees_the_variable_the_loop_rebinds():
    _check(closure_over_a_variable_a_static_loop_rebinds, [0.5, -0.5, 1.3])


def test_a_closure_called_in_a_traced_loop_sees_the_variable_the_loop_rebinds():
    _check(closure_over_a_variable_a_traced_loop_rebinds, [0.5, -0.5, 1.3, -2.5])


def test_a_closure_called_in_a_traced_branch_sees_the_variable_the_branch_rebinds():
    _check(closure_over_a_variable_a_traced_branch_rebinds, [0.5, -0.5, 2.3])



# a data-dependent while loop in a branch that some examples do not take, under vmap(grad) ---------------
def while_in_a_branch_not_taken(x):  # (its reverse sweep read another branch's integer residuals: it never ended)
    a = x[0]
    b = fnp.sin(x[1])
    c = fnp.sum(x) * 0.3
    v = x * 1.0
    u = x * 0.5
    acc = x[2] * 0.0
    def inner(t):
        if t > b:
            return t - 0.5 * b
        return 0.2 * t
    if fnp.sum(v) > 1.097:
        for i2, r1 in enumerate(x):
            acc += 0.3 * fnp.sin(r1 * b)
            v = v.at[0].set(c)
            if -0.202 < c < 0.977:
                break
        else:
            a = x[1] * 0.5 + 0.5 * b
        for i4, r3 in enumerate(x):
            a = a + 0.3 * fnp.sin(r3 * a)
            c = 0.8 * r3 - 0.3 * fnp.cos(c)
            if v[1] > c:
                break
            acc += 0.3 * fnp.sin(a)
        b = inner(b)
    elif fnp.max(v) < -0.259:
        w5 = a + 0.5
        while fnp.abs(w5) > 1e-3:
            w5 = 0.5 * w5 + 0.0 * fnp.sin(c)
            u[2] = 0.5 * b
            c = fnp.where(b > -0.989, b, 0.3 * b)
        acc += 0.2 * w5
        if not (fnp.max(v) < 0.887):
            u[1] = 0.5 * c
            b, a = a * 0.9, fnp.sin(b) + 0.1 * c
        elif fnp.sum(v) > 1.025 or not c < a:
            v = v * fnp.exp(-0.1 * a * a)
            v = fnp.tanh(v + c)
            v = fnp.tanh(v + c)
    elif v[1] > c:
        for i7, r6 in enumerate(x):
            c = c + 0.3 * fnp.sin(r6 * c)
            acc -= 0.2 * fnp.tanh(0.8 * b - 0.3 * fnp.cos(c))
        if v[2] > b:
            a, c = c * 0.9, fnp.sin(a) + 0.1 * b
            u[2] = 0.5 * a
            c = c + 0.3 * fnp.sin(b)
        if c < a:
            a = c * 0.9 + 0.1 * fnp.exp(-b * b)
            t8 = sum([fnp.sin(c * k) for k in range(3)]) * 0.3
        else:
            t8 = a * 0.9 + 0.1 * fnp.exp(-c * c)
        acc += 0.5 * t8
    return (a + 0.5 * b - 0.3 * c + 0.2 * fnp.sum(fnp.sin(v)) + 0.1 * fnp.sum(u) + acc)


def test_a_while_loop_in_a_branch_not_taken_ends_under_vmap_of_grad():
    xs = _a(np.random.default_rng(3006).normal(size=(4, 3)) * 1.2)
    loop = np.stack([np.asarray(fx.grad(while_in_a_branch_not_taken)(x)) for x in xs])
    for batched in (fx.vmap(fx.grad(while_in_a_branch_not_taken)), fx.vmap(fx.jit(fx.grad(while_in_a_branch_not_taken))),
                    fx.jit(fx.vmap(fx.grad(while_in_a_branch_not_taken)))):
        np.testing.assert_allclose(np.asarray(batched(xs)), loop, rtol=1e-10, atol=1e-14)
