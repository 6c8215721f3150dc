"""User-defined derivative rules: fx.custom_jvp and fx.custom_vjp.

Oracles: closed-form derivatives, central differences and the dot-product test (check_grads),
and jax's derivatives of the same mathematics in float64.
"""
import functools

import numpy as np
import pytest
from hypothesis import given, strategies as st

import fluxion as fx
import fluxion.numpy as fnp
from fluxion.errors import DTypeError, ShapeError
from fluxion.test_util import check_grads

from _arrays import fx_rand
from _jax_oracle import jax_x64


def _close(a, b, tol=1e-10):
    np.testing.assert_allclose(np.asarray(a, np.float64), np.asarray(b, np.float64), rtol=tol, atol=tol)


# examples -------------------------------------------------------------------------------------
@fx.custom_jvp
def log1pexp(x):
    return fnp.log1p(fnp.exp(x))


@log1pexp.defjvp
def _log1pexp_jvp(primals, tangents):
    (x,), (t,) = primals, tangents
    return log1pexp(x), t * (1 - 1 / (1 + fnp.exp(x)))  # sigmoid(x), finite for large x


@fx.custom_vjp
def clip_gradient(x):
    return x


clip_gradient.defvjp(lambda x: (x, None), lambda _, g: (fnp.clip(g, -1.0, 1.0),))


def _sigmoid(x):
    return 1 / (1 + np.exp(-np.asarray(x, np.float64)))


# custom_jvp -------------------------------------------------------------------------------------
def test_custom_jvp_gradient_is_finite_where_the_plain_one_is_nan():
    plain = lambda x: fnp.log1p(fnp.exp(x))  # noqa: E731
    assert np.isnan(float(fx.grad(plain)(100.0)))
    assert float(fx.grad(log1pexp)(100.0)) == 1.0


@given(st.floats(-30, 30))
def test_custom_jvp_gradient_matches_the_closed_form(x):
    _close(fx.grad(log1pexp)(np.float64(x)), _sigmoid(x))


def test_custom_jvp_eager_call_runs_the_function_not_the_rule():
    calls = []
    f = fx.custom_jvp(lambda x: fnp.sin(x))
    f.defjvp(lambda p, t: calls.append(1) or (fnp.sin(p[0]), t[0]))
    assert float(f(0.5)) == pytest.approx(np.sin(0.5))
    assert calls == []


def test_custom_jvp_forward_mode_uses_the_rule():
    f = fx.custom_jvp(fnp.sin)
    f.defjvp(lambda p, t: (fnp.sin(p[0]), 3 * t[0]))  # deliberately not the true derivative
    y, dy = fx.jvp(f, (fnp.asarray(0.5),), (fnp.asarray(2.0),))
    assert float(y) == pytest.approx(np.sin(0.5)) and float(dy) == pytest.approx(6.0)


def test_custom_jvp_rule_is_differentiated_again_for_higher_orders():
    f = fx.custom_jvp(fnp.sin)
    f.defjvp(lambda p, t: (fnp.sin(p[0]), t[0] * 2 * fnp.cos(p[0])))  # 2 cos x, so the second derivative is -2 sin x
    x = np.float64(0.7)
    _close(fx.grad(f)(x), 2 * np.cos(x))
    _close(fx.grad(fx.grad(f))(x), -2 * np.sin(x))
    _close(fx.grad(fx.grad(fx.grad(f)))(x), -2 * np.cos(x))
    _close(fx.jacfwd(fx.grad(f))(x), -2 * np.sin(x))
    _close(fx.jvp(fx.grad(f), (x,), (1.0,))[1], -2 * np.sin(x))


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_custom_jvp_passes_check_grads(dtype):
    x = fnp.asarray(np.array([-3.0, -0.5, 0.2, 2.5]), dtype=dtype)
    check_grads(log1pexp, (x,), order=2)


def test_check_grads_checks_reverse_mode_on_its_own_against_differences():
    x = fnp.asarray(np.array([0.7, -1.2]), dtype=np.float64)

    @fx.custom_vjp
    def square(x):
        return x * x
    square.defvjp(lambda x: (x * x, x), lambda x, g: (2 * x * g,))
    check_grads(square, (x,), order=1, modes=("rev",))  # reverse mode only: no forward mode is needed

    @fx.custom_jvp
    def wrong(x):
        return x * x
    wrong.defjvp(lambda p, t: (p[0] * p[0], 3 * p[0] * t[0]))  # (its transpose is wrong too)
    for mode in ("fwd", "rev"):
        with pytest.raises(AssertionError, match="forward-mode" if mode == "fwd" else "reverse-mode"):
            check_grads(wrong, (x,), order=1, modes=(mode,))


def test_custom_jvp_hessian_matches_jax():
    jax = jax_x64()
    jnp = jax.numpy

    @fx.custom_jvp
    def f(x, y):
        return fnp.sum(fnp.tanh(x) * y)

    @f.defjvp
    def f_jvp(primals, tangents):
        (x, y), (tx, ty) = primals, tangents
        return f(x, y), fnp.sum((1 - fnp.tanh(x) ** 2) * y * tx + fnp.tanh(x) * ty)

    x, y = fx_rand(3), fx_rand(3, seed=1)
    ref = jax.hessian(lambda x, y: jnp.sum(jnp.tanh(x) * y), argnums=(0, 1))(np.asarray(x), np.asarray(y))
    got = fx.hessian(f, argnums=(0, 1))(x, y)
    for g_row, r_row in zip(got, ref):
        for g, r in zip(g_row, r_row):
            _close(g, r)
    check_grads(f, (x, y), order=2)


def test_custom_jvp_with_pytree_inputs_and_outputs():
    @fx.custom_jvp
    def f(params, x):
        return {"y": params["w"] * fnp.sin(x), "z": (params["b"] + x,)}

    @f.defjvp
    def f_jvp(primals, tangents):
        (p, x), (tp, tx) = primals, tangents
        out = f(p, x)
        return out, {"y": tp["w"] * fnp.sin(x) + p["w"] * fnp.cos(x) * tx, "z": (tp["b"] + tx,)}

    p, x = {"w": fx_rand(3), "b": fx_rand(3, seed=1)}, fx_rand(3, seed=2)
    check_grads(f, (p, x), order=2)
    g = fx.grad(lambda p, x: f(p, x)["y"].sum() + f(p, x)["z"][0].sum())(p, x)
    _close(g["w"], np.sin(np.asarray(x)))
    _close(g["b"], np.ones(3))


def test_custom_jvp_zero_tangents_arrive_as_zeros():
    seen = []

    @fx.custom_jvp
    def f(x, y):
        return x * y

    @f.defjvp
    def f_jvp(primals, tangents):
        seen.append(np.asarray(tangents[1]).tolist())  # y is not differentiated: concrete zeros
        (x, y), (tx, ty) = primals, tangents
        return f(x, y), tx * y + x * ty

    assert float(fx.grad(f)(2.0, 3.0)) == 3.0
    assert seen == [0.0]


def test_custom_jvp_integer_outputs_get_no_tangent():
    @fx.custom_jvp
    def f(x):
        return fnp.sin(x), fnp.asarray(3)

    f.defjvp(lambda p, t: (f(*p), (fnp.cos(p[0]) * t[0], fnp.asarray(0))))
    assert float(fx.grad(lambda x: f(x)[0])(0.0)) == 1.0
    _, (dy, dn) = fx.jvp(f, (0.0,), (1.0,))
    assert float(dy) == 1.0 and int(dn) == 0


def test_custom_jvp_nondiff_argnums_pass_first_to_the_rule():
    @functools.partial(fx.custom_jvp, nondiff_argnums=(0,))
    def apply(fn, x):
        return fn(x)

    @apply.defjvp
    def apply_jvp(fn, primals, tangents):
        (x,), (t,) = primals, tangents
        return apply(fn, x), fx.jvp(fn, (x,), (t,))[1]

    assert float(fx.grad(lambda x: apply(fnp.sin, x))(0.0)) == 1.0
    assert float(fx.grad(lambda x: apply(fnp.exp, x))(0.0)) == 1.0


def test_custom_jvp_nondiff_argument_holding_a_traced_array_is_not_differentiated_as_in_jax():
    jax = jax_x64()

    def define(custom, m):
        @functools.partial(custom, nondiff_argnums=(1,))
        def scaled(x, opts, y):
            return m.sin(x) * opts["s"] + y * opts["k"]
        scaled.defjvp(lambda opts, p, t: (scaled(p[0], opts, p[1]),
                                          m.cos(p[0]) * opts["s"] * t[0] + opts["k"] * t[1]))
        return scaled

    f, g = define(fx.custom_jvp, fnp), define(jax.custom_jvp, jax.numpy)
    x, s, y = np.array([0.3, 1.2]), np.array([2.0, -1.5]), np.array([0.5, 4.0])
    cases = [  # (fluxion, jax) programs whose nondiff values are traced by jit, vmap or differentiation
        lambda t, m, f: t.jit(t.grad(lambda x, s: f(x, {"s": s, "k": 3.0}, s).sum(), argnums=(0, 1)))(x, s),
        lambda t, m, f: t.vmap(t.grad(lambda x, s, y: f(x, {"s": s, "k": 3.0}, y)))(x, s, y),
        lambda t, m, f: t.vmap(lambda x, s: f(x, {"s": s, "k": s}, x))(x, s),
        lambda t, m, f: t.jacfwd(lambda s: f(x, {"s": s, "k": 2.0}, y))(s),
        lambda t, m, f: t.hessian(lambda x: f(x, {"s": x, "k": x}, x).sum())(x),
    ]
    for case in cases:
        fx.tree.map(np.testing.assert_allclose, case(fx, fnp, f), case(jax, jax.numpy, g))


def test_custom_jvp_keyword_and_default_arguments_become_positional():
    @fx.custom_jvp
    def scale(x, k=2.0):
        return x * k

    scale.defjvp(lambda p, t: (scale(*p), t[0] * p[1] + p[0] * t[1]))
    assert float(fx.grad(scale)(1.5)) == 2.0
    assert float(fx.grad(lambda x: scale(x, k=5.0))(1.5)) == 5.0
    assert float(fx.grad(scale, argnums=1)(1.5, 4.0)) == 1.5


def test_defjvps_gives_the_sum_of_per_argument_terms():
    f = fx.custom_jvp(lambda x, y: fnp.sin(x) * y)
    f.defjvps(lambda t, ans, x, y: fnp.cos(x) * y * t, lambda t, ans, x, y: fnp.sin(x) * t)
    x, y = fx_rand(3), fx_rand(3, seed=1)
    check_grads(f, (x, y), order=2)
    gx, gy = fx.grad(lambda x, y: f(x, y).sum(), argnums=(0, 1))(x, y)
    _close(gx, np.cos(np.asarray(x)) * np.asarray(y))
    _close(gy, np.sin(np.asarray(x)))


def test_defjvps_skips_arguments_with_zero_tangent():
    def never(t, ans, x, y):
        raise AssertionError("called for an argument that is not differentiated")

    f = fx.custom_jvp(lambda x, y: x * y)
    f.defjvps(lambda t, ans, x, y: t * y, never)
    assert float(fx.grad(f)(2.0, 3.0)) == 3.0
    g = fx.custom_jvp(lambda x: fnp.floor(x))
    g.defjvps(None)
    assert float(fx.grad(g)(2.5)) == 0.0


# custom_vjp -------------------------------------------------------------------------------------
def test_clip_gradient_clips_only_the_gradient():
    x = fnp.asarray([-2.0, 0.1, 3.0])
    assert clip_gradient(x).tolist() == x.tolist()
    g = fx.grad(lambda x: (10 * clip_gradient(x)).sum())(x)
    assert g.tolist() == [1.0, 1.0, 1.0]
    g = fx.grad(lambda x: (0.25 * clip_gradient(x) ** 2).sum())(x)
    assert g.tolist() == pytest.approx([-1.0, 0.05, 1.0])


def test_custom_vjp_eager_call_runs_the_function():
    calls = []
    f = fx.custom_vjp(lambda x: x * 2)
    f.defvjp(lambda x: calls.append("fwd") or (x * 2, None), lambda _, g: (calls.append("bwd") or 2 * g,))
    assert float(f(3.0)) == 6.0 and calls == []
    assert float(fx.grad(f)(3.0)) == 2.0 and calls == ["fwd", "bwd"]


def _custom_sin():
    f = fx.custom_vjp(fnp.sin)
    f.defvjp(lambda x: (fnp.sin(x), fnp.cos(x)), lambda cos_x, g: (g * cos_x,))
    return f


def test_custom_vjp_matches_jax_in_reverse_mode_and_composes():
    jax = jax_x64()
    f = _custom_sin()
    x = fx_rand(4)
    loss = lambda x: (f(x) * x).sum()  # noqa: E731
    jloss = lambda x: (jax.numpy.sin(x) * x).sum()  # noqa: E731
    _close(fx.grad(loss)(x), jax.grad(jloss)(np.asarray(x)))
    _close(fx.jacrev(f)(x), jax.jacrev(jax.numpy.sin)(np.asarray(x)))
    # the bwd rule is differentiated for higher orders: by reverse mode, and by forward mode outside
    _close(fx.grad(lambda x: fx.grad(loss)(x).sum())(x), jax.grad(lambda x: jax.grad(jloss)(x).sum())(np.asarray(x)))
    _close(fx.jacfwd(fx.grad(loss))(x), jax.hessian(jloss)(np.asarray(x)))
    _close(fx.hessian(loss)(x), jax.hessian(jloss)(np.asarray(x)))


def test_custom_vjp_with_pytrees_and_none_cotangents():
    @fx.custom_vjp
    def f(params, x):
        return {"out": params["w"] * x + params["b"], "aux": (x,)}

    def f_fwd(params, x):
        return f(params, x), {"w": params["w"], "x": x, "scale": 1.0}  # a Python value among the residuals

    def f_bwd(res, ct):
        g, gx = ct["out"], ct["aux"][0]
        return {"w": g * res["x"] * res["scale"], "b": None}, g * res["w"] + gx

    f.defvjp(f_fwd, f_bwd)
    p, x = {"w": fx_rand(3), "b": fx_rand(3, seed=1)}, fx_rand(3, seed=2)
    gp, gx = fx.grad(lambda p, x: f(p, x)["out"].sum() + 2 * f(p, x)["aux"][0].sum(), argnums=(0, 1))(p, x)
    _close(gp["w"], x)
    _close(gp["b"], np.zeros(3))
    _close(gx, np.asarray(p["w"]) + 2)


@pytest.mark.parametrize("lib", ["fluxion", "jax"])
def test_a_none_in_an_argument_takes_a_none_cotangent_there(lib):
    # a None subtree of the argument is matched by None in the cotangent, as a zero leaf is
    m = fx if lib == "fluxion" else pytest.importorskip("jax")
    f = m.custom_vjp(lambda d: d["a"] * 2.0 + d["c"])
    f.defvjp(lambda d: (f(d), None), lambda _, g: ({"a": g * 5.0, "b": None, "c": None},))

    @m.custom_gradient
    def h(pair):
        return pair[0] * 2.0, lambda g: ((g * 7.0, None),)

    loss = lambda p: f({"a": p, "b": None, "c": p}) + h((p, None))  # noqa: E731
    assert float(m.grad(loss)(1.0)) == 12.0


@pytest.mark.parametrize("lib", ["fluxion", "jax"])
def test_a_none_cotangent_for_a_whole_subtree_is_zeros_there(lib):
    m = fx if lib == "fluxion" else pytest.importorskip("jax")
    f = m.custom_vjp(lambda d: d["a"] * d["b"][0])
    f.defvjp(lambda d: (f(d), d), lambda d, g: ({"a": g * d["b"][0], "b": None},))
    g = m.grad(lambda d: f(d))({"a": 2.0, "b": (3.0, 4.0)})
    assert float(g["a"]) == 3.0 and [float(v) for v in g["b"]] == [0.0, 0.0]


def test_custom_vjp_nondiff_argnums_go_first_to_bwd():
    @functools.partial(fx.custom_vjp, nondiff_argnums=(0, 1))
    def clip(lo, hi, x):
        return x

    clip.defvjp(lambda lo, hi, x: (x, None), lambda lo, hi, _, g: (fnp.clip(g, lo, hi),))
    g = fx.grad(lambda x: (clip(-0.5, 0.25, x) * fnp.asarray([3.0, -3.0, 0.1])).sum())(fnp.zeros(3))
    assert g.tolist() == pytest.approx([0.25, -0.5, 0.1])


def test_custom_vjp_fwd_sees_arguments_in_place_with_nondiff_in_the_middle():
    @functools.partial(fx.custom_vjp, nondiff_argnums=(1,))
    def f(x, power, y):
        return x ** power * y

    def f_fwd(x, power, y):
        return f(x, power, y), (x, y)

    def f_bwd(power, res, g):
        x, y = res
        return g * power * x ** (power - 1) * y, g * x ** power

    f.defvjp(f_fwd, f_bwd)
    gx, gy = fx.grad(f, argnums=(0, 2))(2.0, 3, 5.0)
    assert (float(gx), float(gy)) == (60.0, 8.0)


def test_custom_vjp_inside_grad_inside_jacfwd():
    f = _custom_sin()
    x = fx_rand(3)
    jac = fx.jacfwd(fx.grad(lambda x: f(x).sum()))(x)
    _close(jac, np.diag(-np.sin(np.asarray(x))))


def test_custom_vjp_integer_output_and_integer_input():
    @fx.custom_vjp
    def f(x, n):
        return x * n, n

    f.defvjp(lambda x, n: (f(x, n), n), lambda n, ct: (ct[0] * n, None))
    assert float(fx.grad(lambda x: f(x, fnp.asarray(3))[0])(2.0)) == 3.0


def test_a_tangent_of_known_zeros_passes_through_custom_vjp_as_zero():
    flat = fx.custom_jvp(lambda x: x * 1.0)
    flat.defjvps(lambda t, ans, x: fnp.zeros_like(x))  # a tangent that is not computed from the input tangent
    assert float(fx.grad(lambda x: clip_gradient(flat(x)))(1.0)) == 0.0
    assert float(fx.grad(lambda x: clip_gradient(flat(x)) + clip_gradient(x))(1.0)) == 1.0


def test_custom_rules_compose_with_each_other():
    f = _custom_sin()
    g = lambda x: log1pexp(f(x)) * clip_gradient(x)  # noqa: E731
    x = np.float64(0.4)
    s = np.sin(x)
    expected = _sigmoid(s) * np.cos(x) * x + np.log1p(np.exp(s))
    _close(fx.grad(g)(x), expected)


def test_a_custom_function_inside_another_rule_keeps_its_rule_at_second_order():
    g = fx.custom_jvp(fnp.sin)
    g.defjvp(lambda p, t: (fnp.sin(p[0]), 3 * t[0]))  # g' = 3, deliberately
    f = fx.custom_jvp(fnp.sin)
    f.defjvp(lambda p, t: (fnp.sin(p[0]), t[0] * g(p[0])))  # f' = g, so f'' = g' = 3
    assert float(fx.grad(f)(0.5)) == pytest.approx(np.sin(0.5))
    assert float(fx.grad(fx.grad(f))(0.5)) == 3.0
    assert float(fx.jacfwd(fx.grad(f))(0.5)) == 3.0


def test_forward_over_reverse_and_reverse_over_forward_use_the_rule():
    x, v = fx_rand(3), fx_rand(3, seed=1)
    f = lambda x: fnp.sum(log1pexp(x) * x)  # noqa: E731
    s = _sigmoid(x)
    hess_v = (s * (1 - s) * np.asarray(x) + 2 * s) * np.asarray(v)  # diagonal Hessian times v
    _close(fx.jvp(fx.grad(f), (x,), (v,))[1], hess_v)
    _close(fx.grad(lambda x: fx.jvp(f, (x,), (v,))[1])(x), hess_v)


def test_closing_over_a_constant_is_fine():
    w = fnp.asarray(3.0)
    f = fx.custom_jvp(lambda x: x * w)
    f.defjvp(lambda p, t: (p[0] * w, t[0] * w))
    assert float(fx.grad(f)(2.0)) == 3.0


def _closing_over(kind):
    def loss(w, x):
        f = fx.custom_jvp(lambda x: x * w) if kind == "jvp" else fx.custom_vjp(lambda x: x * w)
        if kind == "jvp":
            f.defjvp(lambda p, t: (p[0] * w, t[0] * w))
        elif kind == "vjp":
            f.defvjp(lambda x: (x * w, None), lambda _, ct: (ct * w,))
        else:  # only bwd closes over w
            f = fx.custom_vjp(lambda x, w: x * w)
            f.defvjp(lambda x, w: (x * w, None), lambda _, ct: (ct * w, ct))
            return f(x, 2.0)
        return f(x)
    return loss


@pytest.mark.parametrize("kind, argnums", [("jvp", 0), ("jvp", (0, 1)), ("vjp", 0), ("vjp", (0, 1)), ("bwd", (0, 1))])
def test_differentiating_a_closed_over_value_is_refused(kind, argnums):
    with pytest.raises(TypeError, match=r"(?s)closes over.*pass that value to the function as an argument"):
        fx.grad(_closing_over(kind), argnums)(2.0, 3.0)


# errors -----------------------------------------------------------------------------------------
def test_forward_mode_through_custom_vjp_raises_naming_the_fix():
    for run in (lambda: fx.jvp(clip_gradient, (1.0,), (1.0,)), lambda: fx.jacfwd(clip_gradient)(1.0),
                lambda: fx.linearize(clip_gradient, 1.0)[1](1.0)):
        with pytest.raises(TypeError, match=r"(?s)clip_gradient.*forward mode.*fx\.grad.*custom_jvp"):
            run()


@pytest.mark.parametrize("caught", [TypeError, AttributeError])  # jax's class is AttributeError
def test_missing_rules_raise_when_called(caught):
    f = fx.custom_jvp(fnp.sin)
    with pytest.raises(caught, match=r"(?s)no jvp rule.*defjvp"):
        f(1.0)
    g = fx.custom_vjp(fnp.sin)
    with pytest.raises(caught, match=r"(?s)no vjp rule.*defvjp"):
        g(1.0)


def _with_jvp(rule):
    f = fx.custom_jvp(fnp.sin)
    f.defjvp(rule)
    return f


@pytest.mark.parametrize("rule, cls, pattern", [
    (lambda p, t: fnp.cos(p[0]) * t[0], TypeError, r"(?s)jvp rule of sin returned.*pair"),
    (lambda p, t: (fnp.sin(p[0]), (t[0], t[0])), ValueError, r"(?s)structure.*one tangent per output"),
    (lambda p, t: (fnp.sin(p[0]), fnp.ones(3) * t[0]), ShapeError, r"(?s)tangent of shape \(3,\).*shape \(\)"),
    (lambda p, t: (fnp.sin(p[0]), t[0].astype(fnp.float32)), DTypeError, r"(?s)float32.*float64.*astype"),
])
def test_bad_jvp_rule_outputs_raise(rule, cls, pattern):
    with pytest.raises(cls, match=pattern):
        fx.grad(_with_jvp(rule))(np.float64(1.0))


@pytest.mark.parametrize("tangent", [lambda t: t ** 2, lambda t: fnp.where(t > 0, t, 0.0)])
@pytest.mark.parametrize("transform", [fx.grad, lambda f: fx.jit(fx.grad(f))])
def test_a_jvp_rule_not_linear_in_its_tangents_is_named_in_reverse_mode(tangent, transform):
    """Forward mode takes any rule; reverse mode transposes the tangent part (an internal
    AttributeError, or a message pointing at forward mode only, before)."""
    f = _with_jvp(lambda p, t: (fnp.sin(p[0]), tangent(t[0])))
    assert float(fx.jvp(f, (0.4,), (1.0,))[1]) == float(tangent(fnp.asarray(1.0)))
    with pytest.raises((TypeError, NotImplementedError), match=r"(?s)linear in its tangents.*cos\(x\) \* t"):
        transform(f)(0.4)


def test_weak_scalar_tangent_is_converted_to_the_output_dtype():
    f = _with_jvp(lambda p, t: (fnp.sin(p[0]), 0.0))
    assert float(fx.grad(f)(np.float64(1.0))) == 0.0


def _with_bwd(bwd):
    f = fx.custom_vjp(lambda x, y: x * y)
    f.defvjp(lambda x, y: (x * y, (x, y)), bwd)
    return f


@pytest.mark.parametrize("bwd, cls, pattern", [
    (lambda r, g: g * r[1], TypeError, r"(?s)bwd rule of <lambda> returned a value of type Array.*tuple.*\(2\)"),
    (lambda r, g: (g * r[1],), TypeError, r"(?s)tuple of length 1.*one cotangent per differentiable argument \(2\)"),
    (lambda r, g: ((g, g), None), ValueError, r"(?s)structure.*argument 0"),
    (lambda r, g: (fnp.ones(3), None), ShapeError, r"(?s)cotangent of shape \(3,\)"),
])
def test_bad_bwd_rule_outputs_raise(bwd, cls, pattern):
    with pytest.raises(cls, match=pattern):
        fx.grad(_with_bwd(bwd))(2.0, 3.0)


def test_a_bwd_rule_returning_a_dict_with_other_keys_names_the_rule_and_both_structures():
    # (the tree error it gave named neither custom_vjp nor the rule, and suggested a prefix)
    g = fx.custom_vjp(lambda p: p["a"] * p["b"])
    g.defvjp(lambda p: (g(p), None), lambda r, ct: ({"a": ct},))
    with pytest.raises(ValueError, match=r"(?s)custom_vjp: the bwd rule of <lambda>.*\{'a': \*\} for argument 0.*'b'"):
        fx.grad(lambda p: fnp.sum(g(p)))({"a": np.ones(3, np.float32), "b": np.float32(2.0)})


def test_fwd_rule_must_return_a_pair():
    f = fx.custom_vjp(fnp.sin)
    f.defvjp(lambda x: fnp.sin(x), lambda r, g: (g,))
    with pytest.raises(TypeError, match=r"(?s)fwd rule of sin.*\(output, residuals\)"):
        fx.grad(f)(1.0)


def test_nondiff_argnums_errors():
    f = fx.custom_jvp(lambda x: x, nondiff_argnums=(3,))
    f.defjvp(lambda p, t: (p[0], t[0]))
    with pytest.raises(ValueError, match=r"(?s)out of range.*\[0, 0\]"):
        fx.grad(f)(1.0)
    g = fx.custom_vjp(lambda k, x: k * x, nondiff_argnums=(0,))
    g.defvjp(lambda k, x: (k * x, None), lambda k, r, ct: (ct * k,))
    with pytest.raises(TypeError, match=r"(?s)nondiff_argnums but holds a traced array.*ordinary arguments"):
        fx.grad(lambda x: g(x, x))(1.0)
    h = fx.custom_jvp(lambda x, y: x * y, nondiff_argnums=(1,))
    with pytest.raises(TypeError, match=r"(?s)defjvps cannot be used with nondiff_argnums.*defjvp"):
        h.defjvps(None)


def test_defjvps_with_the_wrong_number_of_functions_raises():
    f = fx.custom_jvp(lambda x, y: x * y)
    f.defjvps(lambda t, ans, x, y: t * y)
    with pytest.raises(TypeError, match=r"(?s)1 functions.*2 arguments.*one function \(or None\) per argument"):
        fx.grad(f)(1.0, 2.0)


def test_non_array_argument_must_be_in_nondiff_argnums():
    f = fx.custom_jvp(lambda x, mode: x)
    f.defjvp(lambda p, t: (p[0], t[0]))
    with pytest.raises(TypeError, match=r"(?s)holds a str.*nondiff_argnums"):
        fx.grad(f)(1.0, "fast")


def test_defjvps_answer_carries_the_rule_at_higher_orders():
    # `ans` is the custom function's value, so its derivative is the rule's: exp'' = exp
    @fx.custom_jvp
    def e(x):
        return fx.stop_gradient(fnp.exp(x))
    e.defjvps(lambda t, ans, x: t * ans)
    np.testing.assert_allclose(fx.grad(fx.grad(e))(np.float64(0.3)), np.exp(0.3), rtol=1e-12)
    np.testing.assert_allclose(fx.grad(fx.grad(fx.grad(e)))(np.float64(0.3)), np.exp(0.3), rtol=1e-12)


def test_a_custom_vjp_rule_may_give_a_weak_argument_a_cotangent_of_another_float_dtype():
    # 2.0 is a weak float32 beside a float64 array; the bwd rule computes its cotangent in float64
    @fx.custom_vjp
    def f(x, y):
        return x * y
    f.defvjp(lambda x, y: (f(x, y), (x, y)), lambda r, g: (g * r[1], (g * r[0]).sum()))
    x = np.array([1.0, 2.0])
    np.testing.assert_array_equal(fx.grad(lambda x: f(x, 2.0).sum())(x), [2.0, 2.0])
    assert float(fx.grad(lambda y: f(x, y).sum())(2.0)) == 3.0


def test_symbolic_zeros_are_refused_with_the_fix():
    f = fx.custom_jvp(fnp.sin)
    with pytest.raises(NotImplementedError, match="(?s)symbolic_zeros.*fix: drop"):
        f.defjvp(lambda p, t: (f(*p), t[0]), symbolic_zeros=True)
    f.defjvp(lambda p, t: (f(*p), 3 * t[0]), symbolic_zeros=False)
    assert float(fx.grad(f)(0.5)) == 3.0
    g = fx.custom_vjp(fnp.sin)
    with pytest.raises(NotImplementedError, match="(?s)symbolic_zeros.*fix: drop"):
        g.defvjp(lambda x: (g(x), None), lambda r, ct: (ct,), symbolic_zeros=True)
    g.defvjp(lambda x: (fnp.sin(x), None), lambda r, ct: (3 * ct,), optimize_remat=True)
    assert float(fx.grad(g)(0.5)) == 3.0


def test_direct_calls_give_dicts_in_sorted_key_order_as_transformed_calls():
    jvp_rule = fx.custom_jvp(lambda x: {"b": x, "a": 2 * x})
    jvp_rule.defjvp(lambda p, t: (jvp_rule(*p), {"b": t[0], "a": 2 * t[0]}))
    vjp_rule = fx.custom_vjp(lambda x: {"b": x, "a": 2 * x})
    vjp_rule.defvjp(lambda x: (vjp_rule(x), None), lambda _, g: (g["b"] + 2 * g["a"],))
    for f in (jvp_rule, vjp_rule, fx.checkpoint(lambda x: {"b": x, "a": 2 * x})):
        assert list(f(1.0)) == list(fx.jit(f)(1.0)) == ["a", "b"]
        assert fx.grad(lambda x: f(x)["a"])(1.0) == 2.0
