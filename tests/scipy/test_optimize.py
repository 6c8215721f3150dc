"""fluxion.scipy.optimize.minimize (BFGS): against scipy.optimize.minimize and closed-form
minimizers; eager against jit, vmap against a loop, float32, the statuses, the errors, and the
derivative of the minimizer against central differences and the implicit function rule."""
import numpy as np
import pytest
import scipy.optimize

import fluxion as fx
import fluxion.numpy as fnp
from fluxion.errors import ShapeError
from fluxion.scipy.optimize import minimize


def rosen(x):
    return fnp.sum(100 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2)


STARTS = [np.zeros(3), np.array([-1.2, 1.0]), np.full(5, 2.0), np.array([0.5, -0.7, 1.3, 0.1])]


@pytest.mark.parametrize("x0", STARTS, ids=lambda x: f"n{x.size}")
def test_rosenbrock_matches_scipy(x0):
    out = minimize(rosen, fnp.asarray(x0), method="BFGS")
    want = scipy.optimize.minimize(lambda x: float(rosen(fnp.asarray(x))), x0, method="BFGS",
                                   jac=lambda x: np.asarray(fx.grad(rosen)(fnp.asarray(x))))
    assert bool(out.success) and int(out.status) == 0
    np.testing.assert_allclose(np.asarray(out.x), want.x, atol=1e-5)
    np.testing.assert_allclose(np.asarray(out.x), 1.0, atol=1e-5)
    assert np.max(np.abs(np.asarray(out.jac))) < 1e-5
    np.testing.assert_allclose(float(out.fun), float(rosen(out.x)), rtol=1e-12)
    # the same algorithm as SciPy's: no more iterations than it takes
    assert int(out.nit) <= want.nit + 3
    assert int(out.nfev) == int(out.njev) >= int(out.nit)


def test_quadratic_minimizer_and_inverse_hessian():
    rng = np.random.default_rng(0)
    m = rng.standard_normal((4, 4))
    a, b = m @ m.T + 4 * np.eye(4), rng.standard_normal(4)
    out = minimize(lambda x, a, b: 0.5 * x @ a @ x - b @ x, fnp.zeros(4, dtype=fnp.float64), (fnp.asarray(a), fnp.asarray(b)),
                   method="BFGS", tol=1e-10)
    np.testing.assert_allclose(np.asarray(out.x), np.linalg.solve(a, b), rtol=1e-8)
    # on a quadratic, BFGS's inverse Hessian estimate approaches inv(A) along the steps taken
    np.testing.assert_allclose(np.asarray(out.hess_inv) @ a @ np.asarray(out.x), np.asarray(out.x), rtol=1e-3)


def test_jit_and_vmap_match_eager_and_a_loop():
    x0 = fnp.asarray(np.stack([STARTS[1], np.array([2.0, 2.0]), np.array([0.0, 0.0])]))
    solve = lambda x: minimize(rosen, x, method="BFGS")  # noqa: E731
    batched = fx.vmap(solve)(x0)
    jitted = fx.jit(fx.vmap(solve))(x0)
    for i in range(3):
        one = solve(x0[i])
        for got in (batched, jitted):
            np.testing.assert_allclose(np.asarray(got.x[i]), np.asarray(one.x), rtol=1e-12)
            assert int(got.nit[i]) == int(one.nit) and int(got.status[i]) == int(one.status)
    single = fx.jit(solve)(x0[0])
    np.testing.assert_allclose(np.asarray(single.x), np.asarray(solve(x0[0]).x), rtol=1e-12)


def test_float32_statuses_and_options():
    out = minimize(rosen, fnp.zeros(3, dtype=fnp.float32), method="BFGS")
    # at the minimum float32's gradient is near its rounding floor, about gtol (1e-5): it falls
    # below it (0), or the last line search finds no decrease (3), as the CPU's rounding goes
    assert out.x.dtype == np.float32 and int(out.status) in (0, 3)
    np.testing.assert_allclose(np.asarray(out.x), 1.0, atol=1e-3)
    at_minimum = minimize(rosen, fnp.ones(3), method="bfgs")
    assert (int(at_minimum.nit), int(at_minimum.nfev), int(at_minimum.status)) == (0, 1, 0)
    spent = minimize(rosen, fnp.zeros(3), method="BFGS", options={"maxiter": 4})
    assert (int(spent.nit), int(spent.status), bool(spent.success)) == (4, 1, False)
    # a function with no minimum: the line search finds no step meeting the Wolfe conditions
    unbounded = minimize(lambda x: -fnp.sum(x ** 2), fnp.ones(2), method="BFGS")
    assert int(unbounded.status) == 3 and not bool(unbounded.success)
    loose = minimize(rosen, fnp.zeros(3), method="BFGS", tol=1e-2)
    assert int(loose.nit) < int(minimize(rosen, fnp.zeros(3), method="BFGS").nit)
    assert np.max(np.abs(np.asarray(loose.jac))) < 1e-2


def test_errors_name_the_fix():
    with pytest.raises(ShapeError, match="(?s)1-d.*ravel"):
        minimize(rosen, fnp.zeros((2, 2)), method="BFGS")
    with pytest.raises(ValueError, match="(?s)Nelder-Mead.*BFGS"):
        minimize(rosen, fnp.zeros(2), method="Nelder-Mead")
    with pytest.raises(TypeError, match="(?s)xtol.*maxiter"):
        minimize(rosen, fnp.zeros(2), method="BFGS", options={"xtol": 1e-3})


@pytest.mark.parametrize("c", [[1.0, 2.0], [0.0, 0.0], [1e-7, 0.0]])
def test_derivative_of_the_minimizer_is_implicit(c):
    # x* solves x + 0.2 x**3 = c elementwise: its derivative is diag(1 / (1 + 0.6 x*^2)), also where
    # the start is the minimizer (no iteration runs: differentiating the iterations gave 0) or near it
    def argmin(c, tol=1e-10):
        return minimize(lambda x, c: fnp.sum((x - c) ** 2 + 0.1 * x ** 4), fnp.zeros(2, dtype=c.dtype), (c,),
                        method="BFGS", tol=tol).x

    c = fnp.asarray(np.array(c))
    x = np.asarray(argmin(c))
    np.testing.assert_allclose(x + 0.2 * x ** 3, np.asarray(c), rtol=1e-9, atol=1e-12)
    want = np.diag(1 / (1 + 0.6 * x ** 2))
    for jac in (fx.jacrev(argmin), fx.jacfwd(argmin), fx.jit(fx.jacrev(argmin))):
        np.testing.assert_allclose(np.asarray(jac(c)), want, atol=1e-7)

    def value(c):  # at the minimizer, differentiated too: d fun / dc = -2 (x* - c)
        return minimize(lambda x: fnp.sum((x - c) ** 2 + 0.1 * x ** 4), fnp.zeros(2, dtype=c.dtype),
                        method="BFGS", tol=1e-10).fun
    np.testing.assert_allclose(np.asarray(fx.grad(value)(c)), -2 * (x - np.asarray(c)), atol=1e-7)


@pytest.mark.parametrize("maxiter", [0, 1])
def test_maxiter_is_honoured_down_to_zero_as_scipys(maxiter):
    fun = lambda x: ((x - 1.0) ** 2).sum() + x[0] ** 4  # noqa: E731
    x0 = np.array([0.0, 3.0])
    got = minimize(fun, x0, method="BFGS", options={"maxiter": maxiter})
    want = scipy.optimize.minimize(fun, x0, method="BFGS", options={"maxiter": maxiter})
    assert int(got.nit) == want.nit == maxiter and int(got.status) == want.status == 1
    if maxiter == 0:
        np.testing.assert_array_equal(np.asarray(got.x), x0)
