"""fx.while_loop and fx.fori_loop: values, forward-mode derivatives, jit, vmap and errors.

(Reverse mode through while_loop is tested in test_while_grad.py.) Oracles: the same loop
written with Python `while` / `for` (run eagerly, also under fx.jvp), central finite
differences (check_grads), eager against jit, vmap against a loop over examples.
"""
import numpy as np
import pytest

import fluxion as fx
import fluxion.numpy as fnp
from fluxion.control.loops import while_p
from fluxion.control.scan import scan_p
from fluxion.errors import DTypeError, ShapeError
from fluxion.test_util import check_grads

F64 = fnp.float64
X = fnp.asarray([0.3, -1.2, 0.8], dtype=F64)
W = fnp.asarray(1.1, dtype=F64)


def _newton(x, w, tol=1e-10):
    """Newton's iteration for x**3 = w, a data-dependent trip count, a dict carry with a counter."""
    def cond(c):
        return (fnp.abs(c["x"] ** 3 - w).max() > tol) & (c["n"] < 100)

    def body(c):
        x = c["x"]
        return {"x": x - (x ** 3 - w) / (3 * x ** 2), "n": c["n"] + 1}

    return fx.while_loop(cond, body, {"x": x, "n": 0})


def _newton_python(x, w, tol=1e-10):
    n = 0
    while fnp.abs(x ** 3 - w).max() > tol and n < 100:
        x, n = x - (x ** 3 - w) / (3 * x ** 2), n + 1
    return {"x": x, "n": n}


def _damped(x, w):
    """A loop whose result depends smoothly on x and w (the trip count is locally constant)."""
    def body(c):
        i, v = c
        return i + 1, fnp.sin(v) * w + v * 0.5

    return fx.while_loop(lambda c: c[0] < 6, body, (0, x))[1]


def _damped_python(x, w):
    i = 0
    while i < 6:
        i, x = i + 1, fnp.sin(x) * w + x * 0.5
    return x


# values ---------------------------------------------------------------------------------------
def test_while_loop_matches_a_python_loop_eagerly_and_under_jit():
    x = fnp.asarray([1.0, 2.0, 3.0], dtype=F64)
    expected = _newton_python(x, W)
    for got in (_newton(x, W), fx.jit(_newton)(x, W)):
        np.testing.assert_allclose(got["x"], expected["x"], rtol=1e-14)
        assert int(got["n"]) == expected["n"] > 3
    assert "stablehlo.while" in fx.jit(_newton).lower(x, W).as_text()


def test_a_loop_whose_condition_is_false_at_once_returns_the_initial_value():
    for f in (fx.while_loop, lambda c, b, v: fx.jit(lambda v: fx.while_loop(c, b, v))(v)):
        out = f(lambda v: v < 10, lambda v: v * 2, fnp.asarray(20.0))
        assert float(out) == 20.0


def test_a_weak_initial_value_takes_the_type_the_body_gives_it():
    step = fnp.asarray(0.5, dtype=F64)
    for f in (fx.while_loop, lambda c, b, v: fx.jit(lambda: fx.while_loop(c, b, v))()):
        out = f(lambda v: v < 3, lambda v: v + step, 0.0)
        assert out.dtype == F64 and not out.weak and float(out) == 3.0


def test_fori_loop_with_static_bounds_is_a_scan_and_with_traced_bounds_a_while_loop():
    def f(x, lo, hi):
        return fx.fori_loop(lo, hi, lambda i, v: v * 1.5 + i, x)

    def f_python(x, lo, hi):
        for i in range(lo, hi):
            x = x * 1.5 + i
        return x

    x = fnp.asarray([1.0, -2.0])
    for lo, hi in [(0, 4), (2, 7), (5, 3)]:
        expected = f_python(x, lo, hi)
        np.testing.assert_allclose(f(x, lo, hi), expected, rtol=1e-6)
        np.testing.assert_allclose(fx.jit(f, static_argnums=(1, 2))(x, lo, hi), expected, rtol=1e-6)
        np.testing.assert_allclose(fx.jit(f)(x, lo, hi), expected, rtol=1e-6)
    static = fx.make_program(f, static_argnums=(1, 2))(x, 0, 4)
    traced = fx.make_program(f)(x, 0, 4)
    assert [e.prim for e in static.equations if e.prim in (scan_p, while_p)] == [scan_p]
    assert [e.prim for e in traced.equations if e.prim in (scan_p, while_p)] == [while_p]


def test_fori_loop_takes_unroll_like_jax_with_static_bounds_only():
    def f(x, unroll):
        return fx.fori_loop(1, 8, lambda i, v: fnp.sin(v) * i + v, x, unroll=unroll)

    def f_python(x):
        for i in range(1, 8):
            x = fnp.sin(x) * i + x
        return x

    x = fnp.asarray([0.3, -1.2], dtype=F64)
    for unroll in (0, 1, 3, 7, 20, True, False):
        np.testing.assert_allclose(fx.jit(f, static_argnums=1)(x, unroll), f_python(x), rtol=1e-12)
        np.testing.assert_allclose(fx.jit(fx.jacrev(f), static_argnums=1)(x, unroll), fx.jacrev(f_python)(x),
                                   rtol=1e-10)
    with pytest.raises(ValueError, match="fori_loop: unroll needs bounds known in Python"):
        fx.jit(lambda x, hi: fx.fori_loop(0, hi, lambda i, v: v + i, x, unroll=2))(x, 3)
    for no_unrolling in (0, 1, False):  # (with traced bounds too, as in jax)
        got = fx.jit(lambda x, hi: fx.fori_loop(0, hi, lambda i, v: v + i, x, unroll=no_unrolling))(x, 3)
        np.testing.assert_allclose(got, np.asarray(x) + 3, rtol=1e-14)
    with pytest.raises(ValueError, match="fori_loop: unroll must be a non-negative int"):
        fx.fori_loop(0, 3, lambda i, v: v + i, x, unroll=-1)


def test_fori_loop_passes_the_index_in_the_dtype_of_the_bounds():
    seen = []
    fx.fori_loop(fnp.asarray(0, dtype=fnp.int32), 2, lambda i, v: seen.append(i.dtype) or v, 0.0)
    assert seen == [fnp.int32, fnp.int32]


# forward-mode derivatives ---------------------------------------------------------------------
def test_forward_mode_through_while_loop_matches_finite_differences():
    check_grads(_damped, (X, W), order=2, modes=("fwd",))


def test_forward_mode_through_while_loop_matches_a_python_loop_eagerly_and_under_jit():
    v = (fnp.asarray([1.0, 0.5, -2.0], dtype=F64), fnp.asarray(0.3, dtype=F64))
    _, expected = fx.jvp(_damped_python, (X, W), v)
    _, eager = fx.jvp(_damped, (X, W), v)
    _, jitted = fx.jit(lambda *a: fx.jvp(_damped, a[:2], a[2:]))(X, W, *v)
    np.testing.assert_allclose(eager, expected, rtol=1e-13)
    np.testing.assert_allclose(jitted, expected, rtol=1e-13)
    np.testing.assert_allclose(fx.jacfwd(_damped, argnums=1)(X, W), fx.jacfwd(_damped_python, argnums=1)(X, W),
                               rtol=1e-13)


def test_forward_mode_through_newton_gives_the_implicit_derivative():
    # x(w) = w ** (1/3): d x / d w = 1 / (3 x**2); the loop converges, so its derivative does too
    x0 = fnp.asarray([1.0, 2.0], dtype=F64)
    _, t = fx.jvp(lambda w: _newton(x0, w)["x"], (W,), (fnp.asarray(1.0, dtype=F64),))
    root = float(W) ** (1 / 3)
    np.testing.assert_allclose(t, [1 / (3 * root ** 2)] * 2, rtol=1e-8)


def test_reverse_mode_through_a_fori_loop_with_traced_bounds_works_when_the_bounds_are_static():
    f = fx.jit(fx.grad(lambda x: fnp.sum(fx.fori_loop(0, 3, lambda i, v: fnp.sin(v), x))))
    np.testing.assert_allclose(f(X), fx.grad(lambda x: fnp.sum(fnp.sin(fnp.sin(fnp.sin(x)))))(X), rtol=1e-14)


# vmap -----------------------------------------------------------------------------------------
def test_vmap_with_lanes_of_very_different_trip_counts_matches_a_loop():
    xs = fnp.asarray([[1.0, 2.0], [50.0, 0.1], [1.0, 1.0], [-8.0, 3.0]], dtype=F64)
    ws = fnp.asarray([1.1, 1e4, 1.0, 27.0], dtype=F64)
    out = fx.vmap(_newton)(xs, ws)
    jitted = fx.jit(fx.vmap(_newton))(xs, ws)
    counts = []
    for k in range(4):
        expected = _newton_python(xs[k], ws[k])
        counts.append(expected["n"])
        for got in (out, jitted):
            np.testing.assert_allclose(got["x"][k], expected["x"], rtol=1e-14)
            assert int(got["n"][k]) == expected["n"]
    assert len(set(counts)) >= 3  # the lanes stop at different iterations


def test_vmap_with_a_shared_condition_batches_the_body():
    ws = fnp.asarray([0.5, 1.0, 2.0], dtype=F64)
    out = fx.vmap(_damped, in_axes=(None, 0))(X, ws)
    for k in range(3):
        np.testing.assert_allclose(out[k], _damped_python(X, ws[k]), rtol=1e-14)


def test_vmap_of_fori_loop_with_batched_bounds_matches_a_loop():
    his = fnp.asarray([0, 3, 7])
    out = fx.vmap(lambda hi: fx.fori_loop(0, hi, lambda i, v: v + i * i, fnp.asarray(0)))(his)
    assert out.tolist() == [sum(i * i for i in range(int(h))) for h in his]


def test_vmap_of_forward_mode_through_while_loop_matches_a_loop():
    ws = fnp.asarray([0.5, 1.0, 2.0], dtype=F64)
    out = fx.vmap(fx.jacfwd(_damped, argnums=1), in_axes=(None, 0))(X, ws)
    for k in range(3):
        np.testing.assert_allclose(out[k], fx.jacfwd(_damped_python, argnums=1)(X, ws[k]), rtol=1e-13)


# errors ---------------------------------------------------------------------------------------
def test_a_carry_that_changes_type_is_an_error_naming_the_leaf():
    init = {"a": fnp.zeros(2), "b": fnp.asarray(0)}
    for run in (lambda b: fx.while_loop(lambda c: c["b"] < 3, b, init),
                lambda b: fx.jit(lambda c: fx.while_loop(lambda c: c["b"] < 3, b, c))(init)):
        with pytest.raises(DTypeError, match=r"(?s)while_loop: carry\['a'\] is f32\[2\] in the initial value but "
                                             r"f64\[2\] in the output of body_fun.*fix: make body_fun return"):
            run(lambda c: {"a": c["a"].astype(F64), "b": c["b"] + 1})
        with pytest.raises(ShapeError, match=r"carry\['a'\] is f32\[2\] in the initial value but f32\[3\]"):
            run(lambda c: {"a": fnp.zeros(3), "b": c["b"] + 1})
        with pytest.raises(TypeError, match=r"the carry body_fun returns has structure"):
            run(lambda c: (c["a"], c["b"] + 1))


def test_a_fori_loop_carry_that_changes_type_is_an_error_naming_its_arguments():
    for run in (lambda b: fx.fori_loop(0, 3, b, fnp.ones(2)),
                lambda b: fx.jit(lambda n: fx.fori_loop(0, n, b, fnp.ones(2)))(3)):
        with pytest.raises(ShapeError, match=r"(?s)fori_loop: carry is f32\[2\] in the initial value but f32\[2,2\] "
                                             r"in the output of body_fun.*fix: make body_fun return"):
            run(lambda i, c: fnp.stack([c, c]))
        with pytest.raises(DTypeError, match=r"fori_loop: carry is f32\[2\] in the initial value but f64\[2\]"):
            run(lambda i, c: c.astype(F64))
    # a Python number's weak type joins the body's, as in while_loop
    assert float(fx.fori_loop(0, 3, lambda i, c: c + 0.5, 1)) == 2.5


def test_a_condition_that_is_not_a_scalar_bool_is_an_error():
    for cond in (lambda v: v < 3, lambda v: fnp.sum(v)):
        with pytest.raises(TypeError, match=r"(?s)while_loop: cond_fun's result must be a scalar \(a boolean\).*fix"):
            fx.while_loop(cond, lambda v: v + 1, fnp.zeros(2))
        with pytest.raises(TypeError, match=r"cond_fun's result must be a scalar"):
            fx.jit(lambda x: fx.while_loop(cond, lambda v: v + 1, x))(fnp.zeros(2))
    # one number that is not a boolean is told to compare, not to reduce
    with pytest.raises(TypeError, match=r"(?s)got f32\[\].*fix: make it a comparison"):
        fx.while_loop(lambda v: 3.0 - v, lambda v: v + 1, fnp.zeros(()))


def test_loop_arguments_are_checked():
    with pytest.raises(ValueError, match="capacity must be None or an int >= 2"):
        fx.while_loop(lambda v: v < 3, lambda v: v + 1, 0, capacity=1)
    with pytest.raises(TypeError, match=r"fori_loop: upper must be a scalar integer, got ~f32\[\]"):
        fx.fori_loop(0, 2.5, lambda i, v: v, 0.0)
    with pytest.raises(TypeError, match="while_loop: body_fun must be a function, got int"):
        fx.while_loop(lambda v: v < 3, 1, 0)
    with pytest.raises(TypeError, match="fori_loop: body_fun must be a function"):
        fx.fori_loop(0, 3, None, 0)
    with pytest.raises(TypeError, match="init_val holds a str, which is not an array"):
        fx.while_loop(lambda v: True, lambda v: v, ("text",))
