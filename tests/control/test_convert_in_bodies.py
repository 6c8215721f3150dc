"""Python control flow inside functions given to fx.while_loop / fx.cond / fx.scan converts
wherever those functions are traced: under plain grad too, not only under jit and vmap.

Oracle: the same computation written as a Python loop on concrete values, differentiated eagerly.
"""
import numpy as np

import fluxion as fx
import fluxion.numpy as fnp


def _body(c):
    if fnp.sum(c) > 2.0:
        return c * 1.1
    return c * 1.5 + 0.1


def _loop(x):
    return fnp.sum(fx.while_loop(lambda c: fnp.sum(c) < 10.0, _body, x) ** 2)


def _python_loop(x):
    out = x
    while fnp.sum(out) < 10.0:
        out = _body(out)
    return fnp.sum(out ** 2)


def test_grad_of_a_while_loop_whose_body_branches_on_its_carry_matches_the_python_loop():
    x = fnp.asarray(np.array([0.3, 0.4]))
    expected = np.asarray(fx.grad(_python_loop)(x))
    for grad in (fx.grad(_loop), fx.jit(fx.grad(_loop))):
        np.testing.assert_allclose(np.asarray(grad(x)), expected, rtol=1e-12)
    xs = fnp.asarray(np.array([[0.3, 0.4], [1.5, 0.2], [3.0, 4.0]]))
    np.testing.assert_allclose(np.asarray(fx.vmap(fx.grad(_loop))(xs)),
                               np.stack([np.asarray(fx.grad(_python_loop)(v)) for v in xs]), rtol=1e-12)


def test_grad_of_a_cond_branch_and_scan_body_with_python_ifs():
    def branch(x):
        if fnp.max(x) > 1.0:
            return fnp.sin(x)
        return x ** 3

    def step(c, x):
        if x > 0:
            return c * x, c
        return c - x, c

    def f(x):
        y = fx.cond(fnp.sum(x) > 0, branch, lambda x: -x, x)
        return fnp.sum(fx.scan(step, fnp.sum(y), x)[1])

    def python(x):
        y = branch(x) if fnp.sum(x) > 0 else -x
        c, ys = fnp.sum(y), []
        for v in x:
            c, out = step(c, v) if v > 0 else (c - v, c)
            ys.append(out)
        return fnp.sum(fnp.stack(ys))

    for v in (np.array([0.5, -0.2, 1.4]), np.array([0.2, 0.3, -0.1])):
        x = fnp.asarray(v)
        np.testing.assert_allclose(np.asarray(fx.grad(f)(x)), np.asarray(fx.grad(python)(x)), rtol=1e-12)


def halve_or_double(c):
    if c > 5.0:  # traced in every body below
        return c * 0.5
    return c * 2.0


def test_bodies_given_to_wrapping_loops_convert_under_eager_derivatives():
    # fori_loop and map run the user's function inside a wrapper of their own: it is converted
    # all the same, under eager grad as under jit
    def f(x):
        looped = fx.fori_loop(0, 5, lambda i, c: halve_or_double(c) + i, x)
        return looped + fx.map(halve_or_double, fnp.stack([x, 3 * x]))[1]

    def python(x):
        c = x
        for i in range(5):
            c = (c * 0.5 if c > 5.0 else c * 2.0) + i
        return c + (3 * x * 0.5 if 3 * x > 5.0 else 3 * x * 2.0)
    x = fnp.asarray(2.0, dtype=fnp.float64)
    np.testing.assert_allclose(float(f(x)), python(2.0))
    h = 1e-6
    numeric = (python(2.0 + h) - python(2.0 - h)) / (2 * h)
    for grad in (fx.grad(f), fx.jit(fx.grad(f))):
        np.testing.assert_allclose(float(grad(x)), numeric, rtol=1e-6)
