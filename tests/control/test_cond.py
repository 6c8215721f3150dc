"""fx.cond and fx.switch: values, derivatives, jit, vmap and errors.

Oracles: the same function written with a Python `if` (run eagerly, also under fx.grad),
NumPy, central finite differences (check_grads), eager against jit, vmap against a loop.
"""
import numpy as np
import pytest

import fluxion as fx
import fluxion.numpy as fnp
from fluxion.control.cond import cond_p
from fluxion.core.primitive import numpy_kernel
from fluxion.ops import elementwise as E
from fluxion.errors import DTypeError, ShapeError
from fluxion.test_util import check_grads

F64 = fnp.float64


def _vec(*values):
    return fnp.asarray(values, dtype=F64)


def _branchy(x, w):
    """A conditional with operands, a closed-over array, pytree outputs and an integer output."""
    return fx.cond(fnp.sum(x) > 0,
                   lambda a: {"v": fnp.sin(a) * w, "n": fnp.asarray(1)},
                   lambda a: {"v": a ** 2 + w, "n": fnp.asarray(2)}, x)


def _branchy_python(x, w):
    if fnp.sum(x) > 0:
        return {"v": fnp.sin(x) * w, "n": fnp.asarray(1)}
    return {"v": x ** 2 + w, "n": fnp.asarray(2)}


def _loss(f):
    return lambda x, w: fnp.sum(f(x, w)["v"] ** 2)


X_POS, X_NEG, W = _vec(0.5, 1.5, -0.2), _vec(-0.5, 0.3, -1.1), _vec(0.7, -1.3, 2.0)


# values ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("x", [X_POS, X_NEG])
def test_cond_matches_python_if_eagerly_and_under_jit(x):
    expected = _branchy_python(x, W)
    for got in (_branchy(x, W), fx.jit(_branchy)(x, W)):
        np.testing.assert_allclose(got["v"], expected["v"], rtol=1e-14)
        assert int(got["n"]) == int(expected["n"])


def test_cond_accepts_python_bools_size_one_arrays_and_numbers():
    for pred, expected in [(True, 1.0), (False, 2.0), (fnp.asarray([True]), 1.0), (fnp.asarray([[0]]), 2.0),
                           (3, 1.0), (fnp.asarray(0.0), 2.0)]:
        assert float(fx.cond(pred, lambda: 1.0, lambda: 2.0)) == expected
        assert float(fx.jit(lambda p: fx.cond(p, lambda: 1.0, lambda: 2.0))(fnp.asarray(pred))) == expected


def test_cond_joins_a_weak_python_scalar_with_a_strong_array():
    x = fnp.asarray(2.0, dtype=fnp.float16)
    out = fx.jit(lambda x: fx.cond(x > 0, lambda: x, lambda: 1.0))(x)
    assert out.dtype == fnp.float16 and not out.weak and float(out) == 2.0


def test_switch_clamps_the_index_like_jax():
    branches = [lambda x: x + 1.0, lambda x: x * 10.0, lambda x: -x]
    expected = {-5: 3.0, 0: 3.0, 1: 20.0, 2: -2.0, 9: -2.0}
    jitted = fx.jit(lambda i, x: fx.switch(i, branches, x))
    for i, want in expected.items():
        assert float(fx.switch(i, branches, 2.0)) == want
        assert float(jitted(fnp.asarray(i, dtype=fnp.int32), fnp.asarray(2.0))) == want


def test_switch_with_one_branch_calls_it():
    assert float(fx.jit(lambda i: fx.switch(i, [lambda: 4.0]))(fnp.asarray(3))) == 4.0


@pytest.mark.parametrize("x", [X_POS, X_NEG])
def test_cond_takes_jax_operand_keyword_eagerly_and_under_jit_vmap_grad(x):
    def keyword(v, w):
        return _loss(lambda a, b: fx.cond(fnp.sum(a) > 0, lambda u: {"v": fnp.sin(u) * b},
                                          lambda u: {"v": u ** 2 + b}, operand=a))(v, w)
    for f in (keyword, fx.jit(keyword)):
        np.testing.assert_allclose(f(x, W), _loss(_branchy_python)(x, W), rtol=1e-12)
    np.testing.assert_allclose(fx.grad(keyword)(x, W), fx.grad(_loss(_branchy_python))(x, W), rtol=1e-12)
    xs = fnp.stack([X_POS, X_NEG])
    np.testing.assert_allclose(fx.vmap(keyword, in_axes=(0, None))(xs, W),
                               [_loss(_branchy_python)(v, W) for v in (X_POS, X_NEG)], rtol=1e-12)


def test_switch_takes_jax_operand_keyword_eagerly_and_under_jit_and_vmap():
    branches = [lambda v: v - 1.0, lambda v: v * 2.0, lambda v: -v]
    jitted = fx.jit(lambda i, v: fx.switch(i, branches, operand=v))
    for i in (-1, 0, 1, 2, 5):
        want = branches[min(max(i, 0), 2)](W)
        np.testing.assert_array_equal(fx.switch(i, branches, operand=W), want)
        np.testing.assert_array_equal(jitted(i, W), want)
    idx = fnp.asarray([0, 2, 1])
    np.testing.assert_array_equal(fx.vmap(lambda i, v: fx.switch(i, branches, operand=v))(idx, W),
                                  [branches[int(i)](v) for i, v in zip(idx, W)])


@pytest.mark.parametrize("call", [lambda: fx.cond(True, lambda v: v, lambda v: v, W, operand=W),
                                  lambda: fx.switch(0, [lambda v: v], W, operand=W)])
def test_operand_keyword_with_positional_operands_is_an_error_naming_the_fix(call):
    with pytest.raises(TypeError, match="only operand="):
        call()


def test_lax_cond_and_switch_are_the_same_functions():
    assert fx.lax.cond is fx.cond and fx.lax.switch is fx.switch


def test_branches_compute_only_when_taken(monkeypatch):
    # under grad the predicate is concrete, but the conditional is still a primitive: the branch
    # not taken, which closes over the differentiated value, must not run
    calls = []
    sin = numpy_kernel[E.sin_p]
    monkeypatch.setitem(numpy_kernel, E.sin_p, lambda x: calls.append(1) or sin(x))

    def f(x):
        return fx.cond(x > 0, lambda: fnp.sin(x) * 2.0, lambda: x * 3.0)

    assert float(fx.grad(f)(fnp.asarray(-1.0, dtype=F64))) == 3.0
    assert calls == []
    np.testing.assert_allclose(fx.grad(f)(fnp.asarray(0.5, dtype=F64)), 2 * np.cos(0.5), rtol=1e-15)
    assert calls


def test_closed_over_values_become_operands_and_programs_are_interned():
    def f(x, w):
        return fx.cond(x > 0, lambda: fnp.sin(x) * w, lambda: w)

    x, w = fnp.asarray(1.0), fnp.asarray(2.0)
    p1, p2 = fx.make_program(f)(x, w), fx.make_program(f)(x, w)
    (eq1,), (eq2,) = [[e for e in p.equations if e.prim is cond_p] for p in (p1, p2)]
    assert all(a is b for a, b in zip(eq1.params["branches"], eq2.params["branches"]))
    assert len(eq1.inputs) == 3  # index, then x and w, closed over by the branches
    assert "stablehlo.case" in fx.jit(f).lower(x, w).as_text()


# derivatives ----------------------------------------------------------------------------------
@pytest.mark.parametrize("x", [X_POS, X_NEG])
def test_cond_derivatives_match_finite_differences(x):
    check_grads(_loss(_branchy), (x, W), order=2)


@pytest.mark.parametrize("x", [X_POS, X_NEG])
def test_cond_gradients_match_python_if_under_grad_eager_and_jit(x):
    expected = fx.grad(_loss(_branchy_python), argnums=(0, 1))(x, W)
    eager = fx.grad(_loss(_branchy), argnums=(0, 1))(x, W)
    jitted = fx.jit(fx.grad(_loss(_branchy), argnums=(0, 1)))(x, W)
    for got in (eager, jitted):
        for g, e in zip(got, expected):
            np.testing.assert_allclose(g, e, rtol=1e-12)


@pytest.mark.parametrize("x", [X_POS, X_NEG])
def test_cond_second_derivatives_match_python_if(x):
    hess = fx.jit(fx.hessian(_loss(_branchy)))(x, W)
    np.testing.assert_allclose(hess, fx.hessian(_loss(_branchy_python))(x, W), rtol=1e-10)
    fwd_over_rev = fx.jacfwd(fx.grad(_loss(_branchy), argnums=1), argnums=1)(x, W)
    np.testing.assert_allclose(fwd_over_rev, fx.hessian(_loss(_branchy_python), argnums=1)(x, W), rtol=1e-10)


def test_switch_derivatives_match_finite_differences_in_every_branch():
    def f(i, x):
        return fx.switch(i, [fnp.sin, lambda y: y ** 3, lambda y: fnp.exp(y) * y], x)

    for i in range(3):
        loss = lambda x, i=i: fnp.sum(f(i, x))  # noqa: E731
        check_grads(loss, (X_POS,), order=2)
        np.testing.assert_allclose(fx.jit(fx.grad(loss))(X_POS), fx.grad(loss)(X_POS), rtol=1e-13)


def test_gradient_flows_only_through_the_taken_branch():
    # sqrt of a negative number in the untaken branch must not poison the gradient
    f = fx.grad(lambda x: fx.cond(x > 0, lambda: fnp.sqrt(x), lambda: x * 3.0))
    assert float(f(fnp.asarray(-4.0, dtype=F64))) == 3.0


# vmap -----------------------------------------------------------------------------------------
def test_vmap_with_a_batched_predicate_selects_per_example():
    xs = fnp.asarray(np.random.default_rng(1).standard_normal((6, 3)))
    out = fx.vmap(_branchy, in_axes=(0, None))(xs, W)
    for k, x in enumerate(xs):
        expected = _branchy_python(x, W)
        np.testing.assert_allclose(out["v"][k], expected["v"], rtol=1e-14)
        assert int(out["n"][k]) == int(expected["n"])


def test_vmap_with_a_shared_predicate_batches_the_branches():
    ws = fnp.asarray(np.random.default_rng(2).standard_normal((4, 3)))
    for x in (X_POS, X_NEG):
        out = fx.vmap(_branchy, in_axes=(None, 0))(x, ws)
        program = fx.make_program(fx.vmap(_branchy, in_axes=(None, 0)))(x, ws)
        assert any(e.prim is cond_p for e in program.equations)
        for k, w in enumerate(ws):
            np.testing.assert_allclose(out["v"][k], _branchy_python(x, w)["v"], rtol=1e-14)


def test_vmap_of_switch_and_of_the_gradient_match_a_loop():
    idx = fnp.asarray([0, 2, 1, 5, -1])
    xs = fnp.asarray(np.linspace(-1, 1, 5))
    branches = [fnp.sin, lambda y: y ** 3, fnp.cos]

    def f(i, x):
        return fx.switch(i, branches, x)

    np.testing.assert_allclose(fx.vmap(f)(idx, xs), [float(f(i, x)) for i, x in zip(idx, xs)], rtol=1e-14)
    g = fx.jit(fx.vmap(fx.grad(f, argnums=1)))(idx, xs)
    np.testing.assert_allclose(g, [float(fx.grad(f, argnums=1)(i, x)) for i, x in zip(idx, xs)], rtol=1e-14)


def test_under_vmap_the_branch_an_example_does_not_take_sends_back_no_nan():
    # each example runs both branches; sqrt's derivative at a negative number (NaN) must not
    # leak into its gradient, nor into the gradient of the shared w (summed over examples)
    def f(x, w):
        return fx.cond(x > 0, lambda: fnp.sqrt(x * w), lambda: x * 0.0)

    xs, w = _vec(4.0, -1.0, 2.0, 0.0), fnp.asarray(1.5, dtype=F64)
    loss = lambda xs, w: fnp.sum(fx.vmap(f, in_axes=(0, None))(xs, w))
    pos = np.asarray(xs) > 0
    gx = np.where(pos, np.sqrt(1.5) / (2 * np.sqrt(np.where(pos, xs, 1.0))), 0.0)
    gw = np.sum(np.where(pos, np.sqrt(np.where(pos, xs, 1.0)), 0.0)) / (2 * np.sqrt(1.5))
    for g in (fx.grad(loss, (0, 1)), fx.jit(fx.grad(loss, (0, 1)))):
        dx, dw = g(xs, w)
        np.testing.assert_allclose(dx, gx, rtol=1e-14)
        np.testing.assert_allclose(dw, gw, rtol=1e-14)
    hx = np.where(pos, -np.sqrt(1.5) / (4 * np.where(pos, xs, 1.0) ** 1.5), 0.0)
    np.testing.assert_allclose(fx.hessian(lambda xs: loss(xs, w))(xs), np.diag(hx), rtol=1e-14)


def test_under_vmap_a_shared_operand_not_differentiated_is_not_copied_per_example():
    w = fnp.asarray(np.random.default_rng(3).standard_normal((5, 5)))
    f = lambda x, w: fx.cond(fnp.sum(x) > 0, lambda: fnp.tanh(x @ w), lambda: x @ w.T)  # noqa: E731
    xs = fnp.asarray(np.random.default_rng(4).standard_normal((7, 5)))
    program = fx.make_program(fx.vmap(f, in_axes=(0, None)))(xs, w)
    assert all(v.aval.shape != (7, 5, 5) for eq in program.equations for v in eq.outputs)
    expected = np.stack([np.tanh(x @ w) if x.sum() > 0 else x @ np.asarray(w).T for x in np.asarray(xs)])
    np.testing.assert_allclose(fx.jit(fx.vmap(f, in_axes=(0, None)))(xs, w), expected, rtol=1e-14)


# errors ---------------------------------------------------------------------------------------
def test_a_predicate_with_several_elements_is_an_error_naming_the_fix():
    with pytest.raises(TypeError, match=r"(?s)cond: pred must be a scalar .*bool\[2\].*fix: reduce it"):
        fx.cond(fnp.asarray([True, False]), lambda: 1.0, lambda: 2.0)
    with pytest.raises(TypeError, match="pred must be a scalar"):
        fx.jit(lambda p: fx.cond(p, lambda: 1.0, lambda: 2.0))(fnp.zeros(3) > 0)


def test_branches_with_different_structures_are_an_error():
    with pytest.raises(TypeError, match=r"cond: the result of true_fun has structure tuple\(\*, \*\), expected \*"):
        fx.jit(lambda x: fx.cond(x > 0, lambda: (x, x), lambda: x))(fnp.asarray(1.0))


def test_branches_with_different_types_name_the_leaf():
    with pytest.raises(DTypeError, match=r"(?s)output\['b'\] is f32\[\] in false_fun but i64\[\] in true_fun.*astype"):
        fx.jit(lambda x: fx.cond(x > 0, lambda: {"a": x, "b": fnp.asarray(1)},
                                 lambda: {"a": x, "b": x}))(fnp.asarray(1.0))
    with pytest.raises(ShapeError, match=r"switch: output is f32\[3\] in branches\[0\] but f32\[2\] in branches\[1\]"):
        fx.jit(lambda i: fx.switch(i, [lambda: fnp.zeros(3), lambda: fnp.zeros(2)]))(fnp.asarray(0))


@pytest.mark.parametrize("call,error", [
    (lambda x: fx.cond(True, lambda v: v, lambda v: v[:1], x), ShapeError),
    (lambda x: fx.cond(False, lambda v: (v, v), lambda v: v, x), TypeError),
    (lambda x: fx.switch(1, [lambda v: v, lambda v: v.astype(fnp.int32)], x), DTypeError),
    (lambda x: fx.switch(7, [lambda v: v[0], lambda v: v], x), ShapeError),
])
def test_eager_branches_not_taken_are_checked_as_under_jit(call, error):
    x = fnp.arange(3.0)
    with pytest.raises(error) as jitted:
        fx.jit(call)(x)
    with pytest.raises(error) as eager:
        call(x)
    assert str(eager.value).split("\n")[0] == str(jitted.value).split("\n")[0]


def test_an_eager_branch_not_taken_that_reads_values_is_not_checked():
    x = fnp.arange(3.0)
    out = fx.cond(False, lambda v: v[: int(v[1])], lambda v: v + 1.0, x)  # the first cannot be staged
    np.testing.assert_array_equal(np.asarray(out), [1.0, 2.0, 3.0])


def test_a_branch_not_taken_may_index_a_closed_over_array_out_of_bounds_as_in_jax():
    # staging reads a concrete index array when the program runs, as a traced one: only eager
    # indexing that runs checks bounds
    jax = pytest.importorskip("jax")
    x, k = np.arange(4.0, dtype=np.float32), np.int64(5)
    fk, jk = fnp.asarray(k), jax.numpy.asarray(k)

    def guarded(cond, asarray, k):
        return cond(k < 4, lambda: asarray(x)[k], lambda: asarray(-1.0, dtype=np.float32))
    expected = guarded(jax.lax.cond, jax.numpy.asarray, jk)
    for f in (lambda: guarded(fx.cond, fnp.asarray, fk), fx.jit(lambda: guarded(fx.cond, fnp.asarray, fk))):
        np.testing.assert_array_equal(np.asarray(f()), expected)
    # under jit, taken, it clamps as jax's
    np.testing.assert_array_equal(np.asarray(fx.jit(lambda: fnp.asarray(x)[fk])()),
                                  jax.jit(lambda: jax.numpy.asarray(x)[jk])())
    with pytest.raises(IndexError):
        fnp.asarray(x)[fk]  # (eagerly it raises)


def test_a_branch_returning_a_non_array_is_an_error():
    with pytest.raises(TypeError, match="the result of false_fun holds a str, which is not an array"):
        fx.jit(lambda x: fx.cond(x > 0, lambda: "yes", lambda: "no"))(fnp.asarray(1.0))


def test_branches_must_be_functions():
    with pytest.raises(TypeError, match="(?s)cond: false_fun must be a function, got float.*fix: pass a function"):
        fx.cond(True, lambda: 1.0, 2.0)


def test_switch_arguments_are_checked():
    with pytest.raises(TypeError, match="switch: branches must be a non-empty sequence of functions"):
        fx.switch(0, [], 1.0)
    with pytest.raises(TypeError, match=r"switch: index must be a scalar integer, got f32\[\]"):
        fx.switch(fnp.asarray(1.0), [lambda: 1.0, lambda: 2.0])


def test_forward_jacobians_through_control_flow_at_a_python_number():
    # the tangents of a Python float are weak-typed as the float is, which the branches expect
    c = lambda x: fx.cond(x > 0, lambda x: x ** 3, fnp.sin, x)
    x = 0.5
    np.testing.assert_allclose(fx.hessian(c)(x), 6 * x, rtol=1e-6)
    np.testing.assert_allclose(fx.jacfwd(c)(x), 3 * x ** 2, rtol=1e-6)
    np.testing.assert_allclose(fx.linearize(c, x)[1](fnp.float32(1.0)), 3 * x ** 2, rtol=1e-6)
    np.testing.assert_allclose(fx.hessian(lambda x: fx.fori_loop(0, 3, lambda i, c: c * x, x))(1.5), 12 * 1.5 ** 2,
                               rtol=1e-6)
    both = fx.jacfwd(lambda a, b: fx.cond(a > 0, lambda a, b: a * b, lambda a, b: a, a, b), argnums=(0, 1))
    np.testing.assert_allclose(both(np.float32(1.0), 2.0), [2.0, 1.0])


def test_a_concrete_predicate_gives_the_joined_type_of_the_branches_as_under_jit():
    # the result's type does not depend on the branch taken, eagerly as when staged
    x = fnp.asarray(2.0, dtype=fnp.float64)
    f = lambda p: fx.cond(p, lambda: 0.1, lambda: x)  # noqa: E731
    g = lambda i: fx.switch(i, [lambda: 300, lambda: fnp.asarray(1, dtype=fnp.int8)])  # noqa: E731
    for fn, arg in ((f, True), (f, False), (g, 0), (g, 1)):
        eager, jitted = fn(arg), fx.jit(fn)(arg)
        assert (eager.dtype, eager.weak) == (jitted.dtype, jitted.weak)
        np.testing.assert_array_equal(np.asarray(eager), np.asarray(jitted))
