"""fx.scan and fx.map: values, derivatives, jit, vmap and errors.

Oracles: NumPy loops, the same function written with a Python `for` loop (run eagerly, also
under fx.grad), central finite differences (check_grads), eager against jit, vmap against a loop.
"""
import numpy as np
import pytest
from hypothesis import given, strategies as st

import fluxion as fx
import fluxion.numpy as fnp
from fluxion.control import _subprogram
from fluxion.control.scan import scan_p
from fluxion.errors import DTypeError, ShapeError
from fluxion.test_util import check_grads

F64 = fnp.float64
RNG = np.random.default_rng(0)
XS = fnp.asarray(RNG.standard_normal((5, 3)))
W = fnp.asarray(RNG.standard_normal(3))
H0 = fnp.asarray(RNG.standard_normal(3))


def _rnn(w, h0, xs, reverse=False):
    """A scan with a closed-over weight, a pytree carry (with an integer counter) and pytree ys."""
    def step(carry, x):
        h, n = carry["h"], carry["n"]
        h = fnp.tanh(h * w + x["a"]) + fnp.sin(x["b"]) * h
        return {"h": h, "n": n + 1}, (h * h, None, n)

    carry, (ys, _, counts) = fx.scan(step, {"h": h0, "n": fnp.asarray(0)}, {"a": xs, "b": 2 * xs}, reverse=reverse)
    return carry, ys, counts


def _rnn_python(w, h0, xs, reverse=False):
    h, ys = h0, [None] * len(xs)
    for i in (reversed(range(len(xs))) if reverse else range(len(xs))):
        h = fnp.tanh(h * w + xs[i]) + fnp.sin(2 * xs[i]) * h
        ys[i] = h * h
    return h, fnp.stack(ys)


def _loss(rnn):
    def loss(w, h0, xs):
        out = rnn(w, h0, xs)
        h, ys = (out[0]["h"], out[1]) if isinstance(out[0], dict) else out
        return fnp.sum(h ** 3) + fnp.sum(ys * fnp.cos(xs))
    return loss


# values ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("reverse", [False, True])
def test_scan_matches_a_python_loop_eagerly_and_under_jit(reverse):
    h, ys = _rnn_python(W, H0, XS, reverse)
    jitted = fx.jit(_rnn, static_argnums=3)
    for carry, got_ys, counts in (_rnn(W, H0, XS, reverse), jitted(W, H0, XS, reverse)):
        np.testing.assert_allclose(carry["h"], h, rtol=1e-13)
        np.testing.assert_allclose(got_ys, ys, rtol=1e-13)
        assert int(carry["n"]) == 5
        assert counts.tolist() == ([4, 3, 2, 1, 0] if reverse else [0, 1, 2, 3, 4])


@given(length=st.integers(0, 6), width=st.integers(1, 3), reverse=st.booleans(), seed=st.integers(0, 2 ** 16))
def test_scan_running_sums_and_products_match_numpy(length, width, reverse, seed):
    xs = np.random.default_rng(seed).uniform(0.5, 1.5, (length, width))

    def step(c, x):
        total, prod = c[0] + x, c[1] * x
        return (total, prod), total

    (total, prod), sums = fx.scan(step, (fnp.zeros(width, dtype=F64), fnp.ones(width, dtype=F64)),
                                  fnp.asarray(xs), reverse=reverse)
    order = xs[::-1] if reverse else xs
    expected_sums = np.cumsum(order, axis=0)[::-1] if reverse else np.cumsum(order, axis=0)
    np.testing.assert_allclose(total, xs.sum(axis=0), rtol=1e-13)
    np.testing.assert_allclose(prod, xs.prod(axis=0), rtol=1e-13)
    np.testing.assert_allclose(sums, expected_sums.reshape(length, width), rtol=1e-13)


def test_scan_without_xs_runs_length_steps_and_unroll_keeps_values():
    def fib(n, unroll=1):
        return fx.scan(lambda c, _: ((c[1], c[0] + c[1]), c[0]), (0, 1), None, length=n, unroll=unroll)

    (a, b), ys = fib(10)
    assert (int(a), int(b)) == (55, 89) and ys.tolist() == [0, 1, 1, 2, 3, 5, 8, 13, 21, 34]
    for unroll in (0, 1, 3, True):
        (a, _), ys = fx.jit(lambda: fib(10, unroll))()
        assert int(a) == 55 and ys.tolist()[-1] == 34


def test_scan_of_length_zero_returns_the_init_and_empty_ys():
    for f in (lambda x: fx.scan(lambda c, x: (c + x, fnp.stack([x, x])), 1.0, x), fx.jit(
            lambda x: fx.scan(lambda c, x: (c + x, fnp.stack([x, x])), 1.0, x))):
        carry, ys = f(fnp.zeros((0,)))
        assert float(carry) == 1.0 and ys.shape == (0, 2) and ys.dtype == fnp.float32


def test_a_weak_initial_carry_takes_the_type_the_body_gives_it():
    xs = fnp.arange(4.0, dtype=F64)
    for f in (fx.scan, lambda *a: fx.jit(lambda x: fx.scan(a[0], a[1], x))(a[2])):
        total, _ = f(lambda c, x: (c + x, None), 0.0, xs)
        assert total.dtype == F64 and float(total) == 6.0


@pytest.mark.parametrize("loop, init", [  # each gives (its carry, ...)
    (lambda init, xs: fx.scan(lambda c, x: (0, c), init, xs), np.float64(1.0)),
    (lambda init, xs: fx.scan(lambda c, x: (True, c), init, xs), np.int64(1)),
    (lambda init, xs: fx.scan(lambda c, x: (7, c), init, xs), np.int32(1)),
    (lambda init, xs: fx.scan(lambda c, x: (0.0, c), init, xs), np.float64(1.0)),
    (lambda init, xs: (fx.fori_loop(0, 3, lambda i, c: i, init),), np.int8(1)),
    (lambda init, xs: fx.while_loop(lambda c: c[1] < 3, lambda c: (0, c[1] + 1), (init, 0)), np.float64(1.0)),
])
def test_a_strong_carry_keeps_its_type_when_the_body_gives_a_python_scalar(loop, init):
    # (the staged loop converts the body's weak value to the carry's type; eagerly it ran on in its own)
    xs = fnp.arange(3.0, dtype=F64)
    eager, jitted = loop(init, xs), fx.jit(loop)(init, xs)
    assert eager[0].dtype == np.dtype(init.dtype) and not eager[0].weak
    for e, j in zip(fx.tree_util.tree_leaves(eager), fx.tree_util.tree_leaves(jitted)):
        assert (e.dtype, e.weak) == (j.dtype, j.weak) and e.tolist() == j.tolist()


def test_map_applies_a_function_to_each_slice():
    def f(x):
        return {"s": fnp.sum(x), "m": x * 2}

    for got in (fx.map(f, XS), fx.jit(lambda x: fx.map(f, x))(XS)):
        np.testing.assert_allclose(got["s"], np.sum(np.asarray(XS), axis=1), rtol=1e-14)
        np.testing.assert_allclose(got["m"], 2 * np.asarray(XS), rtol=1e-14)


def test_scan_is_one_primitive_with_an_interned_body_and_lowers_to_a_while_loop():
    p1, p2 = (fx.make_program(lambda w, h, x: _rnn(w, h, x)[1])(W, H0, XS) for _ in range(2))
    (eq1,), (eq2,) = [[e for e in p.equations if e.prim is scan_p] for p in (p1, p2)]
    assert eq1.params["body"] is eq2.params["body"] and eq1.params["length"] == 5
    assert "stablehlo.while" in fx.jit(lambda w, h, x: _rnn(w, h, x)[1]).lower(W, H0, XS).as_text()


def test_repeated_differentiation_does_not_accumulate_programs():
    g = fx.grad(_loss(_rnn))
    g(W, H0, XS)
    before = len(_subprogram._INTERNED)
    for _ in range(3):
        g(W, H0, XS)
    assert len(_subprogram._INTERNED) == before


# derivatives ----------------------------------------------------------------------------------
@pytest.mark.parametrize("reverse", [False, True])
def test_scan_derivatives_match_finite_differences(reverse):
    check_grads(lambda w, h0, xs: _loss(_rnn)(w, h0, xs) if not reverse else fnp.sum(
        _rnn(w, h0, xs, True)[1] ** 2), (W, H0, XS), order=2)


def test_scan_gradients_match_a_python_loop_under_grad_eager_and_jit():
    expected = fx.grad(_loss(_rnn_python), argnums=(0, 1, 2))(W, H0, XS)
    for got in (fx.grad(_loss(_rnn), argnums=(0, 1, 2))(W, H0, XS),
                fx.jit(fx.grad(_loss(_rnn), argnums=(0, 1, 2)))(W, H0, XS)):
        for g, e in zip(got, expected):
            np.testing.assert_allclose(g, e, rtol=1e-12)


def test_scan_second_derivatives_match_a_python_loop():
    grad_w = lambda rnn: lambda w: fx.grad(_loss(rnn))(w, H0, XS)  # noqa: E731
    expected = fx.jacrev(grad_w(_rnn_python))(W)
    np.testing.assert_allclose(fx.jacrev(grad_w(_rnn))(W), expected, rtol=1e-10)  # reverse over reverse
    np.testing.assert_allclose(fx.jit(fx.jacfwd(grad_w(_rnn)))(W), expected, rtol=1e-10)  # forward over reverse


def test_forward_mode_through_scan_matches_a_python_loop():
    v = (fnp.ones(3, dtype=F64), fnp.zeros(3, dtype=F64), fnp.asarray(RNG.standard_normal((5, 3))))
    _, t = fx.jvp(_loss(_rnn), (W, H0, XS), v)
    _, expected = fx.jvp(_loss(_rnn_python), (W, H0, XS), v)
    _, jitted = fx.jit(lambda *a: fx.jvp(_loss(_rnn), a[:3], a[3:]))(W, H0, XS, *v)
    np.testing.assert_allclose(t, expected, rtol=1e-12)
    np.testing.assert_allclose(jitted, expected, rtol=1e-12)


def test_fori_loop_with_static_bounds_is_differentiable_in_reverse_mode():
    def f(x):
        return fnp.sum(fx.fori_loop(1, 4, lambda i, v: fnp.sin(v) * i + v, x))

    def f_python(x):
        for i in range(1, 4):
            x = fnp.sin(x) * i + x
        return fnp.sum(x)

    np.testing.assert_allclose(fx.grad(f)(W), fx.grad(f_python)(W), rtol=1e-13)
    np.testing.assert_allclose(fx.jit(fx.grad(f))(W), fx.grad(f_python)(W), rtol=1e-13)
    check_grads(f, (W,), order=2)


# vmap -----------------------------------------------------------------------------------------
def test_vmap_of_scan_matches_a_loop_over_examples():
    ws, xss = fnp.asarray(RNG.standard_normal((4, 3))), fnp.asarray(RNG.standard_normal((4, 5, 3)))
    out_ys = fx.vmap(lambda w, xs: _rnn(w, H0, xs)[1])(ws, xss)
    for k in range(4):
        np.testing.assert_allclose(out_ys[k], _rnn_python(ws[k], H0, xss[k])[1], rtol=1e-13)
    # a batched carry only, and a batch axis that is not the first
    hs = fnp.asarray(RNG.standard_normal((3, 2)))
    out = fx.vmap(lambda h: _rnn(W, h, XS)[0]["h"], in_axes=1)(hs)
    for k in range(2):
        np.testing.assert_allclose(out[k], _rnn_python(W, hs[:, k], XS)[0], rtol=1e-13)


def test_vmap_of_the_gradient_of_scan_matches_a_loop():
    xss = fnp.asarray(RNG.standard_normal((3, 5, 3)))
    g = fx.jit(fx.vmap(fx.grad(_loss(_rnn)), in_axes=(None, None, 0)))(W, H0, xss)
    for k in range(3):
        np.testing.assert_allclose(g[k], fx.grad(_loss(_rnn_python))(W, H0, xss[k]), rtol=1e-12)


# errors ---------------------------------------------------------------------------------------
def test_xs_of_different_lengths_are_an_error_naming_the_leaves():
    with pytest.raises(ShapeError, match=r"(?s)different leading sizes \(xs\['a'\]: 5, xs\['b'\]: 4\).*fix"):
        fx.scan(lambda c, x: (c, None), 0.0, {"a": fnp.zeros(5), "b": fnp.zeros(4)})
    with pytest.raises(ShapeError, match=r"xs\[0\]: 5; length=3"):
        fx.scan(lambda c, x: (c, None), 0.0, [fnp.zeros(5)], length=3)
    with pytest.raises(ShapeError, match=r"xs is a 0-d array"):
        fx.scan(lambda c, x: (c, None), 0.0, fnp.asarray(1.0))


def test_scan_arguments_are_checked():
    with pytest.raises(TypeError, match="scan: f must be a function"):
        fx.scan(None, 0.0, None, length=2)
    with pytest.raises(TypeError, match="scan: xs holds a str, which is not an array"):
        fx.scan(lambda c, x: (c, None), 0.0, ["ab"])
    with pytest.raises(ValueError, match="(?s)number of steps is unknown.*pass length=n"):
        fx.scan(lambda c, x: (c, None), 0.0, None)
    with pytest.raises(TypeError, match="length must be a non-negative int"):
        fx.scan(lambda c, x: (c, None), 0.0, None, length=-1)
    with pytest.raises(ValueError, match="unroll must be a non-negative int or a bool"):
        fx.scan(lambda c, x: (c, None), 0.0, None, length=2, unroll=-1)


def test_a_carry_that_changes_type_is_an_error_naming_the_leaf():
    xs = fnp.zeros((3, 2))
    for run in (lambda f, init: fx.scan(f, init, xs), lambda f, init: fx.jit(lambda x: fx.scan(f, init, x))(xs)):
        with pytest.raises(DTypeError, match=r"(?s)scan: carry\[1\] is i64\[\] in the initial value but f32\[\] in "
                                             r"the output of f.*fix: make f return"):
            run(lambda c, x: ((c[0], c[1] * 1.5), None), (fnp.zeros(2), fnp.asarray(1)))
        with pytest.raises(ShapeError, match=r"carry\[0\] is f32\[2\] in the initial value but f32\[2,2\]"):
            run(lambda c, x: ((c[0] * x[:, None], c[1]), None), (fnp.zeros(2), fnp.asarray(1)))
        with pytest.raises(TypeError, match=r"the carry f returns has structure tuple\(\*, \*, \*\), expected tuple"):
            run(lambda c, x: ((c[0], c[1], c[1]), None), (fnp.zeros(2), fnp.asarray(1)))
        with pytest.raises(TypeError, match=r"f must return a pair \(carry, y\)"):
            run(lambda c, x: c[0], (fnp.zeros(2), fnp.asarray(1)))


def test_ys_that_change_type_between_eager_steps_are_an_error():
    with pytest.raises(TypeError, match="f returned y of structure .* at step 1"):
        fx.scan(lambda c, x: (c + 1, fnp.zeros(int(c) + 1)), 0, None, length=3)
