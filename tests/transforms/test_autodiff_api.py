import collections
import dataclasses
import gc
import tracemalloc

import numpy as np
import pytest

import fluxion as fx
import fluxion.numpy as fnp
from fluxion.test_util import check_grads

from _jax_oracle import jax_x64


def test_grad_of_grad_matches_the_closed_form():
    f = lambda x: x ** 3 + fnp.sin(x)
    for x in (0.3, 1.7, -2.0):
        assert np.isclose(float(fx.grad(fx.grad(f))(x)), 6 * x - np.sin(x), rtol=1e-5)
        assert np.isclose(float(fx.grad(fx.grad(fx.grad(f)))(x)), 6 - np.cos(x), rtol=1e-5)


def test_numpy_and_math_calls_on_a_differentiated_value_are_errors_naming_fnp():
    # they would see the value without its derivative and give a silently wrong result
    import math
    for f in (lambda x: np.sin(x), lambda x: math.exp(x) * x, lambda x: float(x) * x, lambda x: complex(x)):
        for d in (fx.grad, fx.jacfwd):
            with pytest.raises(fx.errors.ConcretizationError, match=r"(?s)derivative.*fix: compute with fluxion.numpy"):
                d(f)(1.0)
    # the value without its derivative, Python control flow, int() and item() (as in jax) still work
    assert float(fx.grad(lambda x: float(fx.stop_gradient(x)) * x)(3.0)) == 3.0
    assert float(fx.grad(lambda x: x * x if x > 0 else -x)(3.0)) == 6.0
    assert float(fx.grad(lambda x: int(x) * x + x.item() * x)(3.0)) == 6.0


def test_a_gradient_has_its_input_type_eager_and_under_jit():
    for x in (1.0, fnp.float32(1.0), fnp.asarray([1.0, 2.0])):
        # a gradient that is zero (w does not reach the result) has the input's type too
        for g in (fx.grad(lambda w: fnp.sum(w * 2.0)), fx.grad(lambda w: fnp.sum(w * w)),
                  fx.grad(lambda w: fnp.sum(fnp.floor(w)))):
            for out in (g(x), fx.jit(g)(x)):
                assert (out.dtype, out.weak) == (fnp.asarray(x).dtype, isinstance(x, float))


def test_a_gradient_in_one_number_has_its_input_type_and_matches_reverse_mode():
    # a gradient in one number is shaped and typed like the input, and equals the reverse-mode vjp
    f = lambda w, k: (fnp.sin(w.astype(fnp.float64) * k) ** 2).sum()  # noqa: E731
    for x in (0.7, fnp.float32(0.7), fnp.asarray([[0.7]], dtype=fnp.float32), fnp.asarray([0.7])):
        expected = fx.vjp(lambda w: f(w, 3.0), x)[1](fnp.asarray(1.0))[0]
        for g in (fx.grad(f)(x, 3.0), fx.jit(fx.grad(f))(x, 3.0), fx.grad(f, argnums=(0,))(x, k=3.0)[0]):
            assert (g.shape, g.dtype, g.weak) == (expected.shape, expected.dtype, expected.weak)
            np.testing.assert_allclose(np.asarray(g), np.asarray(expected), rtol=1e-6)
    (out, aux), g = fx.jit(fx.value_and_grad(lambda w: (w ** 3, w + 1), has_aux=True))(2.0)
    assert (float(out), float(aux), float(g)) == (8.0, 3.0, 12.0)


def test_a_nan_masked_by_where_is_the_same_in_every_mode_and_at_every_size():
    # reverse mode: the cotangent 0 sent to the unselected log(x) meets its derivative inf at 0
    # (NaN, as in jax and PyTorch), eagerly, under jit and vmap, in one number or more; the
    # double-where form is finite everywhere
    masked = lambda x: fnp.where(x > 0, fnp.log(x), 0.0).sum()  # noqa: E731
    safe = lambda x: fnp.where(x > 0, fnp.log(fnp.where(x > 0, x, 1.0)), 0.0).sum()  # noqa: E731
    for f, at_zero in ((masked, np.nan), (safe, 0.0)):
        g = fx.grad(f)
        want = np.array([at_zero, 0.5])
        for got in (g(0.0), fx.jit(g)(0.0), fx.grad(lambda x, k: f(x) * k)(0.0, k=1.0)):
            np.testing.assert_array_equal(float(got), at_zero)
        for got in (g(fnp.asarray([0.0, 2.0])), fx.jit(g)(fnp.asarray([0.0, 2.0])), fx.vmap(g)(fnp.asarray([0.0, 2.0])),
                    fx.jit(fx.vmap(g))(fnp.asarray([0.0, 2.0]))):
            np.testing.assert_array_equal(np.asarray(got), want)


def test_a_custom_vjp_inside_a_gradient_in_one_number_applies_its_rule():
    @fx.custom_vjp
    def scaled(x):
        return fnp.sin(x)
    scaled.defvjp(lambda x: (fnp.sin(x), fnp.cos(x)), lambda cos_x, g: (10 * g * cos_x,))
    for g in (fx.grad(scaled), fx.jit(fx.grad(scaled)), fx.jit(fx.grad(lambda x: fx.grad(scaled)(x)))):
        assert np.isfinite(float(g(0.5)))
    np.testing.assert_allclose(float(fx.jit(fx.grad(scaled))(0.5)), 10 * np.cos(0.5), rtol=1e-6)
    np.testing.assert_allclose(float(fx.jit(fx.grad(lambda x: fx.grad(scaled)(x)))(0.5)), -10 * np.sin(0.5), rtol=1e-6)


def test_no_perturbation_confusion():
    # d/dx [x * d/dy (x + y)] = 1
    assert float(fx.grad(lambda x: x * fx.grad(lambda y: x + y)(1.0))(3.0)) == 1.0
    # d/dx [x * d/dy (x * y)] at x = 2 is 2x = 4
    assert float(fx.grad(lambda x: x * fx.grad(lambda y: x * y)(1.0))(2.0)) == 4.0


def test_forward_over_reverse_hessian_vector_product():
    x, v = fnp.asarray([0.5, -1.0], dtype=fnp.float64), fnp.asarray([1.0, 2.0], dtype=fnp.float64)
    g = lambda x: x * x * x
    _, hvp = fx.jvp(fx.grad(lambda x: fnp.sum(g(x))), (x,), (v,))
    np.testing.assert_allclose(np.asarray(hvp), 6 * np.asarray(x) * np.asarray(v))


def test_jvp_of_vjp_and_vjp_of_jvp_agree_with_closed_forms():
    x = fnp.asarray([0.3, 0.9], dtype=fnp.float64)
    v = fnp.asarray([1.0, -2.0], dtype=fnp.float64)
    f = lambda x: fnp.sin(x) * x
    pullback = lambda x: fx.vjp(f, x)[1](fnp.ones_like(x))[0]
    _, t = fx.jvp(pullback, (x,), (v,))
    xs = np.asarray(x)
    np.testing.assert_allclose(np.asarray(t), (2 * np.cos(xs) - xs * np.sin(xs)) * np.asarray(v), rtol=1e-12)
    check_grads(f, (x,), order=3)


def test_python_control_flow_on_values_being_differentiated():
    def f(x):
        y = x
        while y < 10.0:
            y = y * 2.0
        if y > 12.0:
            return y * y
        return y

    assert float(fx.grad(f)(1.5)) == 8.0  # 1.5 * 8 = 12: the second branch
    assert float(fx.grad(f)(2.0)) == 2 * 16.0 * 8.0


def test_pytrees_with_none_and_integer_leaves():
    params = {"w": fnp.asarray([1.0, 2.0]), "b": None, "steps": 3}
    f = lambda p: fnp.sum(p["w"] * p["w"]) * p["steps"]
    with pytest.raises(fx.errors.DTypeError, match="floating-point"):
        fx.grad(f)(params)
    g = fx.grad(lambda w, p: f({**p, "w": w}))(params["w"], params)
    assert g.tolist() == [6.0, 12.0]
    out, pullback = fx.vjp(lambda p: fnp.sum(p["w"]) * 2.0, {"w": params["w"], "b": None})
    (ct,) = pullback(1.0)
    assert ct["b"] is None and ct["w"].tolist() == [2.0, 2.0]


def test_allow_int_gives_zero_gradients_of_integer_and_boolean_leaves_as_jax():
    params = {"w": fnp.asarray([1.0, 2.0]), "n": fnp.asarray([3, 4], dtype=fnp.int32), "on": fnp.asarray(True)}
    f = lambda p: fnp.sum(p["w"] * p["w"] * p["n"]) * p["on"]
    with pytest.raises(fx.errors.DTypeError, match="allow_int=True"):
        fx.grad(f)(params)
    for g in (fx.grad(f, allow_int=True), fx.jit(fx.grad(f, allow_int=True)),
              lambda p: fx.value_and_grad(f, allow_int=True)(p)[1]):
        out = g(params)
        np.testing.assert_allclose(out["w"], 2 * np.asarray(params["w"]) * np.asarray(params["n"]))
        for k in ("n", "on"):
            assert out[k].dtype == params[k].dtype and out[k].shape == params[k].shape and not np.any(out[k])
    # per example under vmap, and Jacobian blocks of zeros in reverse mode
    xs, ns = fnp.asarray([3.0, 1.0]), fnp.asarray([2, 5])
    gx, gn = fx.vmap(fx.grad(lambda x, n: x * n, argnums=(0, 1), allow_int=True))(xs, ns)
    assert gx.tolist() == [2.0, 5.0] and gn.tolist() == [0, 0]
    jx, jn = fx.jacrev(lambda x, n: x * n, argnums=(0, 1), allow_int=True)(xs, ns)
    np.testing.assert_array_equal(jx, np.diag([2.0, 5.0]))
    assert jn.dtype == ns.dtype and jn.shape == (2, 2) and not np.any(jn)
    # non-arrays are still refused
    with pytest.raises(TypeError, match="not an array"):
        fx.grad(lambda x, s: x, argnums=(0, 1), allow_int=True)(1.0, "a")


def test_argnums_and_has_aux():
    f = lambda x, y: (x * y, {"x": x})
    (gx, gy), aux = fx.grad(f, argnums=(0, 1), has_aux=True)(2.0, 3.0)
    assert (float(gx), float(gy), float(aux["x"])) == (3.0, 2.0, 2.0)
    (value, aux), g = fx.value_and_grad(f, has_aux=True)(2.0, 3.0)
    assert float(value) == 6.0 and float(g) == 3.0


def test_has_aux_takes_a_list_of_two_as_the_pair_as_jax():
    import jax
    f = lambda x: [x * 2, x + 1]  # noqa: E731
    for transform in ("grad", "jacfwd", "jacrev"):
        got = getattr(fx, transform)(f, has_aux=True)(1.5)
        want = getattr(jax, transform)(f, has_aux=True)(1.5)
        assert [float(v) for v in got] == [float(v) for v in want] == [2.0, 2.5]
    with pytest.raises(TypeError, match="returned a tuple of length 3; it must return a pair"):
        fx.grad(lambda x: (x, 1, 2), has_aux=True)(1.0)


def test_jvp_with_has_aux_returns_the_aux_values_as_jax():
    f = lambda x, y: (fnp.sin(x) * y, {"c": fnp.cos(x), "n": 3})  # noqa: E731
    x, y = fnp.asarray([0.5, 1.0], dtype=fnp.float64), fnp.asarray(2.0, dtype=fnp.float64)
    v = np.asarray(x)
    expected = (np.sin(v) * 2.0, np.cos(v) * 2.0 + np.sin(v) * 0.5, np.cos(v))  # output, tangent, aux
    jvp = lambda x, y: fx.jvp(f, (x, y), (fnp.ones(2, dtype=fnp.float64), 0.5), has_aux=True)  # noqa: E731
    for out, tangent, aux in (jvp(x, y), fx.jit(jvp)(x, y)):
        for a, b in zip((out, tangent, aux["c"]), expected):
            np.testing.assert_allclose(np.asarray(a), b, rtol=1e-14)
        assert int(aux["n"]) == 3
    with pytest.raises(TypeError, match="pair"):
        fx.jvp(lambda x: x, (1.0,), (1.0,), has_aux=True)


def test_grad_errors_name_the_fix():
    with pytest.raises(TypeError, match="real scalar[\\s\\S]*fix: reduce the output to a scalar"):
        fx.grad(lambda x: x * 2.0)(fnp.asarray([1.0, 2.0]))
    # a scalar of the wrong dtype is told what to do instead of to reduce it
    with pytest.raises(TypeError, match="real scalar, got c64\\[\\][\\s\\S]*fix: return a real loss[\\s\\S]*holomorphic"):
        fx.grad(lambda x: fnp.sum(x * 1j))(fnp.asarray([1.0, 2.0]))
    with pytest.raises(TypeError, match="real scalar, got bool\\[\\][\\s\\S]*fix: an integer or boolean output"):
        fx.grad(lambda x: fnp.sum(x) > 0)(fnp.asarray([1.0, 2.0]))
    with pytest.raises(fx.errors.DTypeError, match="floating-point[\\s\\S]*fix"):
        fx.grad(lambda x: x * 2)(3)
    with pytest.raises(ValueError, match="argnums"):
        fx.grad(lambda x: x, argnums=2)(1.0)
    for d in (fx.grad, fx.value_and_grad, fx.jacfwd, fx.jacrev, fx.hessian):
        with pytest.raises(ValueError, match=r"argnums \(1, 0, -1\) names argument 1 more than once(.|\n)*each"):
            d(lambda x, y: fnp.sum(x * y), argnums=(1, 0, -1))(fnp.ones(2), fnp.ones(2))
    with pytest.raises(TypeError, match="pair"):
        fx.grad(lambda x: x, has_aux=True)(1.0)


def test_a_tangent_the_value_cannot_carry_is_refused_not_dropped():
    assert fx.jvp(lambda x, n: x * n, (2.0, 3), (1.0, 0))[1].tolist() == 3.0  # integer zero: accepted
    with pytest.raises(fx.errors.DTypeError, match="float32 tangent[\\s\\S]*int32[\\s\\S]*fix"):
        fx.jvp(lambda x: x * 2, (fnp.asarray(3, dtype=fnp.int32),), (fnp.asarray(1.0, dtype=fnp.float32),))
    with pytest.raises(fx.errors.DTypeError, match="complex64 tangent"):
        fx.jvp(fnp.sin, (1.0,), (1j,))
    _, f_jvp = fx.linearize(lambda n: n * 2, fnp.asarray(3, dtype=fnp.int32))
    with pytest.raises(fx.errors.DTypeError, match="linearize"):
        f_jvp(fnp.asarray(1.0, dtype=fnp.float32))
    _, f_vjp = fx.vjp(lambda x: fnp.argmax(x), fnp.asarray([1.0, 3.0]))
    with pytest.raises(fx.errors.DTypeError, match="vjp"):
        f_vjp(1.0)


def test_a_tangent_or_cotangent_of_another_dtype_is_refused_as_in_jax():
    # it used to be cast silently: a float64 tangent rounded to float32, an int32 cotangent made a float
    jax = jax_x64()
    x32, t64 = np.ones(2, np.float32), np.ones(2, np.float64)
    with pytest.raises(TypeError, match="dtypes must be equal"):
        jax.jvp(lambda x: x * 2, (x32,), (t64,))
    with pytest.raises(fx.errors.DTypeError,
                       match=r"jvp: tangents\[0\] has dtype float64 but its primal has dtype float32[\s\S]*"
                             r"fix: cast the tangent: t.astype\(fnp.float32\)"):
        fx.jvp(lambda x: x * 2, (fnp.asarray(x32),), (fnp.asarray(t64),))
    with pytest.raises(fx.errors.DTypeError, match=r"jvp: leaf 1 of tangents\[1\] has dtype float64 but its primal "
                                                   r"has dtype float32"):
        x = fnp.ones(2)
        fx.jvp(lambda a, p: a * p[0] * p[1], (1.0, (x, x)), (1.0, (x, fnp.asarray(t64))))
    # a narrower tangent of the same kind converts exactly, and is taken
    x64 = fnp.asarray(t64)
    _, t = fx.jvp(lambda x: x * 2, (x64,), (fnp.asarray(x32),))
    assert t.dtype == fnp.float64 and t.tolist() == [2.0, 2.0]
    with pytest.raises(fx.errors.DTypeError, match=r"linearize: tangents\[0\] has dtype float64[\s\S]*fix: cast"):
        fx.linearize(lambda x: x * 2, fnp.asarray(x32))[1](fnp.asarray(t64))

    _, jax_pullback = jax.vjp(lambda x: x * 2, x32)
    with pytest.raises(ValueError, match="got int32.*expected float32"):
        jax_pullback(np.ones(2, np.int32))
    _, pullback = fx.vjp(lambda x: x * 2, fnp.asarray(x32))
    with pytest.raises(fx.errors.DTypeError, match=r"vjp: the cotangent has dtype int32 but its output has dtype "
                                                   r"float32[\s\S]*fix: cast the cotangent: t.astype\(fnp.float32\)"):
        pullback(fnp.ones(2, dtype=fnp.int32))
    _, pullback = fx.vjp(lambda x: (x, x * 3), fnp.asarray(x32))
    with pytest.raises(fx.errors.DTypeError, match=r"vjp: leaf 1 of the cotangents has dtype float64 but its output "
                                                   r"has dtype float32"):
        pullback((fnp.ones(2), fnp.asarray(t64)))


def test_tangents_and_cotangents_of_the_right_dtype_or_python_numbers_are_accepted():
    x64 = fnp.asarray([1.0, 2.0], dtype=fnp.float64)
    _, t = fx.jvp(lambda x: x * x, (x64,), (fnp.ones(2, dtype=fnp.float64),))
    assert t.dtype == fnp.float64 and t.tolist() == [2.0, 4.0]
    # a Python number is weak: it takes the value's dtype, as in arithmetic
    _, t = fx.jvp(lambda x: x * x, (fnp.asarray(3.0, dtype=fnp.float64),), (1.0,))
    assert t.dtype == fnp.float64 and float(t) == 6.0
    _, pullback = fx.vjp(lambda x: x * x, fnp.asarray(3.0, dtype=fnp.float64))
    (ct,) = pullback(2)
    assert ct.dtype == fnp.float64 and float(ct) == 12.0
    # an integer value takes an integer tangent (it has no derivative), of any integer dtype
    _, t = fx.jvp(lambda x, n: x * n, (2.0, fnp.asarray(3)), (1.0, fnp.asarray(0, dtype=fnp.int32)))
    assert float(t) == 3.0


def test_a_tangent_or_cotangent_of_another_shape_is_refused_naming_it():
    with pytest.raises(fx.errors.ShapeError, match=r"jvp: tangents\[1\] has shape \(3,\) but its primal has shape "
                                                   r"\(2,\)[\s\S]*fix"):
        fx.jvp(lambda x, y: x * y, (fnp.ones(2), fnp.ones(2)), (fnp.ones(2), fnp.ones(3)))
    # linearize used to broadcast it silently
    with pytest.raises(fx.errors.ShapeError, match=r"linearize: tangents\[0\] has shape \(3,\)"):
        fx.linearize(lambda x: x * 2, fnp.ones(2))[1](fnp.ones(3))
    with pytest.raises(fx.errors.ShapeError, match=r"vjp: the cotangent has shape \(3,\) but its output has shape "
                                                   r"\(2,\)[\s\S]*fix"):
        fx.vjp(lambda x: x * 2, fnp.ones(2))[1](fnp.ones(3))


def test_non_differentiable_operations_give_zero_not_errors():
    f = lambda x: fnp.floor(x) + fnp.sign(x) + (x > 0).astype(fnp.float32) * 0.0 + x * 0.0
    assert float(fx.grad(f)(1.5)) == 0.0
    assert float(fx.grad(lambda x: fx.stop_gradient(x) * x)(3.0)) == 3.0


def test_jacobians_and_hessian_match_closed_forms():
    x = fnp.asarray([0.5, -1.0, 2.0], dtype=fnp.float64)
    f = lambda x: fnp.sin(x) * x[0]
    expected = np.diag(np.cos(np.asarray(x)) * 0.5)
    expected[:, 0] += np.sin(np.asarray(x))
    np.testing.assert_allclose(np.asarray(fx.jacfwd(f)(x)), expected, rtol=1e-12)
    np.testing.assert_allclose(np.asarray(fx.jacrev(f)(x)), expected, rtol=1e-12)
    h = fx.hessian(lambda x: x[0] * x[1] * x[2])(x)
    xs = np.asarray(x)
    np.testing.assert_allclose(np.asarray(h), [[0, xs[2], xs[1]], [xs[2], 0, xs[0]], [xs[1], xs[0], 0]])


def test_linearize_reuses_the_linear_program():
    y, f_jvp = fx.linearize(lambda x: fnp.exp(x) * x, fnp.asarray(1.0, dtype=fnp.float64))
    assert np.isclose(float(f_jvp(2.0)), 2 * 2 * np.e)


def test_memory_does_not_grow_across_eager_grad_calls():
    g = fx.grad(lambda x: fnp.sin(x) * x + fnp.exp(x))
    x = fnp.asarray(0.5)
    for _ in range(500):
        g(x)
    gc.collect()
    tracemalloc.start()
    for _ in range(500):
        g(x)
    gc.collect()
    first, _ = tracemalloc.get_traced_memory()
    for _ in range(3000):
        g(x)
    gc.collect()
    second, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert second - first < 64 * 1024, f"grew by {second - first} bytes over 3000 calls"


def test_holomorphic_derivatives_match_jax():
    jax = jax_x64()
    jnp = jax.numpy
    z = np.array([0.3 + 0.7j, -1.1 + 0.2j])
    for fx_fn, jax_fn in [(fx.grad, jax.grad), (fx.jacfwd, jax.jacfwd), (fx.jacrev, jax.jacrev),
                          (fx.hessian, jax.hessian)]:
        ours = fx_fn(lambda v: fnp.sum(fnp.sin(v) * v[0] ** 2), holomorphic=True)(fnp.asarray(z))
        theirs = jax_fn(lambda v: jnp.sum(jnp.sin(v) * v[0] ** 2), holomorphic=True)(jnp.asarray(z))
        np.testing.assert_allclose(np.asarray(ours), np.asarray(theirs), rtol=1e-13)
    ours = fx.jit(fx.grad(lambda w: fnp.exp(w) / w, holomorphic=True))(fnp.asarray(z[0]))
    np.testing.assert_allclose(complex(ours), complex(jax.grad(lambda w: jnp.exp(w) / w, holomorphic=True)(z[0])))


def test_holomorphic_needs_complex_inputs_and_outputs():
    with pytest.raises(TypeError, match="holomorphic=True needs complex inputs[\\s\\S]*fix: pass complex inputs"):
        fx.grad(fnp.sin, holomorphic=True)(1.0)
    with pytest.raises(TypeError, match="holomorphic=True needs complex outputs"):
        fx.jacrev(fnp.abs, holomorphic=True)(fnp.asarray([1j]))
    with pytest.raises(TypeError, match="scalar[\\s\\S]*holomorphic=True"):
        fx.grad(lambda z: z * 2, holomorphic=True)(fnp.asarray([1j, 2j]))


def test_hessian_takes_has_aux():
    x = fnp.asarray([1.0, 2.0])
    h, aux = fx.hessian(lambda v: (fnp.sum(v ** 3), v[0] * 2), has_aux=True)(x)
    np.testing.assert_allclose(h, np.diag(6 * np.asarray(x)))
    assert float(aux) == 2.0


def test_jacobians_of_tuple_and_namedtuple_outputs_and_arguments_match_jax():
    jax = jax_x64()
    jnp = jax.numpy
    Pair = collections.namedtuple("Pair", "w b")
    x = np.array([0.5, -1.0, 2.0])
    outputs = [(lambda m: lambda v: (m.sin(v), v[0] * v)), (lambda m: lambda v: Pair(m.sin(v), {"k": (v[0], v * 2)}))]
    for fx_fn, jax_fn in [(fx.jacfwd, jax.jacfwd), (fx.jacrev, jax.jacrev)]:
        for make in outputs:
            ours = fx_fn(make(fnp))(fnp.asarray(x))
            theirs = jax_fn(make(jnp))(jnp.asarray(x))
            assert type(ours) is type(theirs)
            for a, b in zip(fx.tree.leaves(ours), jax.tree_util.tree_leaves(theirs)):
                np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-13)
    # the gradient of a namedtuple argument is a namedtuple, so its Hessian has one in its output too
    loss = lambda m: lambda p, v: m.sum(m.tanh(p.w @ v + p.b["u"]) ** 2) + p.b["s"] ** 2
    p = Pair(np.arange(6.0).reshape(2, 3) / 7, {"u": np.array([0.1, -0.2]), "s": np.array(0.7)})
    ours = fx.hessian(loss(fnp))(fx.tree.map(fnp.asarray, p), fnp.asarray(x))
    theirs = jax.hessian(loss(jnp))(jax.tree_util.tree_map(jnp.asarray, p), jnp.asarray(x))
    for a, b in zip(fx.tree.leaves(ours), jax.tree_util.tree_leaves(theirs), strict=True):
        np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-12, atol=1e-14)


def test_hessian_errors_name_hessian():
    with pytest.raises(fx.errors.DTypeError, match="hessian: argument 0[\\s\\S]*floating-point"):
        fx.hessian(lambda x: fnp.sum(x * 2.0))(fnp.asarray([1, 2]))


def test_forward_mode_refuses_a_real_function_of_complex_inputs_that_reverse_mode_differentiates():
    jax = jax_x64()
    jnp = jax.numpy
    z = np.array([1 + 2j, -0.5 + 0.3j])
    loss = lambda m: lambda v: m.sum(m.abs(v) ** 2 * m.real(v))
    np.testing.assert_allclose(np.asarray(fx.jacrev(loss(fnp))(fnp.asarray(z))),
                               np.asarray(jax.jacrev(loss(jnp))(jnp.asarray(z))), rtol=1e-13)
    for transform in (fx.jacfwd, fx.hessian):  # forward mode's complex derivative does not exist here
        with pytest.raises(TypeError, match="real output of complex inputs[\\s\\S]*fix: use fx.jacrev or fx.grad"):
            transform(loss(fnp))(fnp.asarray(z))
    ours = fx.jacfwd(lambda v: fnp.sin(v) * v[0], holomorphic=True)(fnp.asarray(z))  # the complex Jacobian
    np.testing.assert_allclose(np.asarray(ours), np.asarray(
        jax.jacfwd(lambda v: jnp.sin(v) * v[0], holomorphic=True)(jnp.asarray(z))), rtol=1e-13)


def test_complex_outputs_of_complex_inputs_need_holomorphic_true_as_in_jax():
    # forward and reverse mode would give different parts of a non-holomorphic function's derivative
    jax = jax_x64()
    f = lambda m: lambda q: m.conj(q) * q * (1 + 1j)  # noqa: E731
    z = np.complex128(0.3 + 0.2j)
    for ours, theirs in ((fx.jacfwd, jax.jacfwd), (fx.jacrev, jax.jacrev), (fx.hessian, jax.hessian)):
        with pytest.raises(TypeError, match="holomorphic=True"):
            theirs(f(jax.numpy))(z)
        with pytest.raises(TypeError, match="fix: pass holomorphic=True"):
            ours(f(fnp))(fnp.asarray(z))


def test_reverse_mode_jacobians_refuse_integer_and_boolean_outputs_as_jax_does():
    jax = jax_x64()
    jnp = jax.numpy
    x = np.array([0.5, 1.5, -2.0])
    ours = fx.jacfwd(lambda v: fnp.floor(v).astype(fnp.int32))(fnp.asarray(x))  # zeros of the output's dtype
    theirs = jax.jacfwd(lambda v: jnp.floor(v).astype(jnp.int32))(x)
    np.testing.assert_array_equal(np.asarray(ours), np.asarray(theirs), strict=True)
    with pytest.raises(TypeError):
        jax.jacrev(lambda v: jnp.floor(v).astype(jnp.int32))(x)
    for f in (lambda v: fnp.floor(v).astype(fnp.int32), lambda v: (v * 2, v > 0)):
        with pytest.raises(TypeError, match="jacrev: an output of type .* has no derivative[\\s\\S]*fx.jacfwd"):
            fx.jacrev(f)(fnp.asarray(x))
    with pytest.raises(TypeError, match="hessian: an output of type i32"):
        fx.hessian(lambda v: fnp.sum(v).astype(fnp.int32))(fnp.asarray(x))


def test_structure_errors_of_jvp_and_vjp_say_where_the_structures_differ():
    # a dataclass's meta field printed the same structure twice
    @dataclasses.dataclass
    class Pair:
        w: object
        b: object
        name: str = "n"
    fx.tree_util.register_dataclass(Pair, data_fields=["w", "b"], meta_fields=["name"])
    x, y = np.ones(3, np.float32), np.float32(2.0)
    with pytest.raises(ValueError, match=r"(?s)jvp: primals and tangents.*differ at \[0\].*'n'.*'zzz'"):
        fx.jvp(lambda p: p.w * p.b, (Pair(x, y),), (Pair(x, y, "zzz"),))
    _, f_vjp = fx.vjp(lambda p: Pair(p.w * 2, p.b, "out"), Pair(x, y))
    with pytest.raises(ValueError, match=r"(?s)vjp: cotangents.*differ at the root.*'out'.*'other'"):
        f_vjp(Pair(x, y, "other"))
