"""Gradient checkpointing: fx.checkpoint (fx.remat), its policies and fx.saved_residuals.

Oracles: the same function differentiated without checkpoint (gradients must agree), jax in
float64, check_grads; the saved residuals and the number of matrix products run show that
checkpointing keeps less and recomputes what it did not keep.
"""
import functools

import numpy as np
import pytest

import fluxion as fx
import fluxion.numpy as fnp
from fluxion.core.errors import FluxionError
from fluxion.core.primitive import numpy_kernel
from fluxion.ops import elementwise as E
from fluxion.ops.linalg import dot_general_p
from fluxion.test_util import check_grads

from _arrays import fx_rand
from _jax_oracle import jax_x64

POLICIES = [None, "nothing_saveable", "dots_saveable", "everything_saveable"]


def _params(sizes=(4, 5, 3), seed=0):
    return [{"w": fx_rand(m, n, seed=seed + i) / np.sqrt(m), "b": fx_rand(n, seed=seed + 10 + i)}
            for i, (m, n) in enumerate(zip(sizes[:-1], sizes[1:]))]


def _layer(p, x):
    h = x @ p["w"] + p["b"]
    return h * fnp.tanh(fnp.log1p(fnp.exp(h)))  # mish: several intermediate values per layer


def _mlp(params, x, layer=_layer):
    for p in params:
        x = layer(p, x)
    return fnp.sum(x ** 2)


def _assert_trees_close(a, b, tol=1e-12):
    la, lb = fx.tree.leaves(a), fx.tree.leaves(b)
    assert fx.tree.structure(a) == fx.tree.structure(b) and len(la) == len(lb)
    for x, y in zip(la, lb):
        np.testing.assert_allclose(np.asarray(x), np.asarray(y), rtol=tol, atol=tol)


def _size(residuals):
    return sum(int(np.prod(shape)) for shape, _ in residuals)


@pytest.fixture
def dot_calls(monkeypatch):
    """Counts the matrix products the NumPy backend runs."""
    count = {"n": 0}
    kernel = numpy_kernel[dot_general_p]

    def counting(*args, **params):
        count["n"] += 1
        return kernel(*args, **params)

    monkeypatch.setitem(numpy_kernel, dot_general_p, counting)
    return count


# values and gradients ---------------------------------------------------------------------------
def test_checkpoint_outside_differentiation_is_the_function():
    params, x = _params(), fx_rand(2, 4)
    _assert_trees_close(fx.checkpoint(_mlp)(params, x), _mlp(params, x), 0)
    assert fx.remat is fx.checkpoint


@pytest.mark.parametrize("policy", POLICIES)
def test_checkpointed_layers_give_the_gradients_of_plain_differentiation(policy):
    params, x = _params(), fx_rand(2, 4, seed=3)
    layer = fx.checkpoint(_layer, policy=policy)
    expected = fx.grad(_mlp, argnums=(0, 1))(params, x)
    _assert_trees_close(fx.grad(_mlp, argnums=(0, 1))(params, x, layer), expected)
    whole = fx.checkpoint(_mlp, policy=policy)
    _assert_trees_close(fx.grad(whole, argnums=(0, 1))(params, x), expected)
    for prevent_cse in (True, False):  # (jax's keyword; the compiled recomputation stays apart either way)
        whole = fx.checkpoint(_mlp, policy=policy, prevent_cse=prevent_cse)
        _assert_trees_close(fx.jit(fx.grad(whole, argnums=(0, 1)))(params, x), expected)


def test_checkpointed_mlp_gradients_match_jax():
    jax = jax_x64()
    jnp = jax.numpy

    def jlayer(p, x):
        h = x @ p["w"] + p["b"]
        return h * jnp.tanh(jnp.log1p(jnp.exp(h)))

    def jmlp(params, x):
        for p in params:
            x = jlayer(p, x)
        return jnp.sum(x ** 2)

    params, x = _params(), fx_rand(2, 4, seed=3)
    ref = jax.grad(jmlp)(jax.tree.map(np.asarray, params), np.asarray(x))
    got = fx.grad(_mlp)(params, x, fx.checkpoint(_layer, policy="dots_saveable"))
    _assert_trees_close(got, jax.tree.map(np.asarray, ref), 1e-10)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("policy", POLICIES)
def test_checkpoint_passes_check_grads(policy, dtype):
    f = fx.checkpoint(lambda w, x: fnp.sin(x @ w) * fnp.exp(x @ w).sum(), policy=policy)
    check_grads(f, (fx_rand(3, 2).astype(dtype), fx_rand(2, 3, seed=1).astype(dtype)), order=2)


@pytest.mark.parametrize("policy", ["nothing_saveable", "dots_saveable"])
def test_higher_orders_and_forward_mode_through_checkpoint_match_plain(policy):
    f = lambda x: fnp.sum(fnp.tanh(x @ x.T) * fnp.sin(x))  # noqa: E731
    g = fx.checkpoint(f, policy=policy)
    x = fx_rand(3, 3)
    _assert_trees_close(fx.hessian(g)(x), fx.hessian(f)(x))
    _assert_trees_close(fx.grad(lambda x: fx.grad(g)(x).sum())(x), fx.grad(lambda x: fx.grad(f)(x).sum())(x))
    _assert_trees_close(fx.jacfwd(g)(x), fx.jacfwd(f)(x))
    t = fx_rand(3, 3, seed=1)
    _assert_trees_close(fx.jvp(g, (x,), (t,)), fx.jvp(f, (x,), (t,)))
    _assert_trees_close(fx.linearize(g, x)[1](t), fx.linearize(f, x)[1](t))


def test_checkpoint_with_pytree_output_integer_output_and_static_arguments():
    def f(x, scale, *, activation):
        y = activation(x) * scale
        return {"y": y, "n": fnp.argmax(y)}

    g = fx.checkpoint(f)
    x = fx_rand(4)
    loss = lambda f, x: f(x, 2.0, activation=fnp.tanh)["y"].sum()  # noqa: E731
    _assert_trees_close(fx.grad(functools.partial(loss, g))(x), fx.grad(functools.partial(loss, f))(x))
    assert int(g(x, 2.0, activation=fnp.tanh)["n"]) == int(np.argmax(np.tanh(np.asarray(x))))


def test_static_argnums_pass_an_array_as_it_is_for_python_control_flow():
    def f(x, n):
        for _ in range(int(n)):  # int() of a traced n would be an error
            x = fnp.sin(x) * 1.5
        return fnp.sum(x)

    x, n = fx_rand(3), fnp.asarray(3)
    expected = fx.grad(f)(x, 3)
    for static in (1, (1,), -1):
        g = fx.grad(fx.checkpoint(f, static_argnums=static))
        _assert_trees_close(g(x, n), expected)
        _assert_trees_close(fx.jit(lambda x: g(x, n))(x), expected)
    with pytest.raises(FluxionError, match="static_argnums"):
        fx.jit(fx.grad(fx.checkpoint(f)))(x, n)


def test_nested_checkpoints_give_plain_gradients():
    inner = fx.checkpoint(lambda x: fnp.sin(x) * fnp.cos(x))
    outer = fx.checkpoint(lambda x: fnp.exp(inner(x)) * inner(2 * x), policy="dots_saveable")
    plain = lambda x: fnp.exp(fnp.sin(x) * fnp.cos(x)) * (fnp.sin(2 * x) * fnp.cos(2 * x))  # noqa: E731
    x = fx_rand(3)
    _assert_trees_close(fx.grad(lambda x: outer(x).sum())(x), fx.grad(lambda x: plain(x).sum())(x))
    _assert_trees_close(fx.hessian(lambda x: outer(x).sum())(x), fx.hessian(lambda x: plain(x).sum())(x))


def test_custom_rules_inside_checkpoint_are_kept_when_recomputing():
    @fx.custom_jvp
    def log1pexp(x):
        return fnp.log1p(fnp.exp(x))

    log1pexp.defjvp(lambda p, t: (log1pexp(p[0]), t[0] * (1 - 1 / (1 + fnp.exp(p[0])))))

    @fx.custom_vjp
    def clip_gradient(x):
        return x

    clip_gradient.defvjp(lambda x: (x, None), lambda _, g: (fnp.clip(g, -1.0, 1.0),))
    f = fx.checkpoint(lambda x: log1pexp(x) + 10 * clip_gradient(x), policy="dots_saveable")
    assert float(fx.grad(f)(100.0)) == 2.0


@pytest.mark.parametrize("policy", POLICIES)
def test_checkpoint_of_a_closure_over_parameters_being_differentiated(policy):
    params, x = _params(), fx_rand(2, 4, seed=3)

    def closed(params, x):
        for p in params:
            x = fx.checkpoint(functools.partial(_layer, p), policy=policy)(x)
        return fnp.sum(x ** 2)

    _assert_trees_close(fx.grad(closed)(params, x), fx.grad(_mlp)(params, x))  # x is data: only closures are live
    _assert_trees_close(fx.grad(closed, argnums=(0, 1))(params, x), fx.grad(_mlp, argnums=(0, 1))(params, x))
    p = params[:1]
    _assert_trees_close(fx.hessian(lambda b: closed([{"w": p[0]["w"], "b": b}], x))(p[0]["b"]),
                        fx.hessian(lambda b: _mlp([{"w": p[0]["w"], "b": b}], x))(p[0]["b"]))
    if policy != "everything_saveable":
        # x, the closed-over w (b is a constant), the output for the sum of squares, and the product if saveable
        saved = fx.saved_residuals(lambda w: closed([{"w": w, "b": p[0]["b"]}], x), p[0]["w"])
        expected = [(2, 4), (4, 5), (2, 5)] + ([(2, 5)] if policy == "dots_saveable" else [])
        assert sorted(shape for shape, _ in saved) == sorted(expected)


@pytest.mark.parametrize("policy", ["nothing_saveable", "dots_saveable"])
def test_nested_checkpoints_closing_over_a_differentiated_value(policy):
    def model(w, x):
        inner = fx.checkpoint(lambda y: fnp.sin(y @ w), policy=policy)
        return fx.checkpoint(lambda x: inner(x) * fnp.cos(x @ w), policy=policy)(x).sum()

    def plain(w, x):
        return (fnp.sin(x @ w) * fnp.cos(x @ w)).sum()

    w, x = fx_rand(3, 3), fx_rand(2, 3, seed=1)
    for transform in (fx.grad, fx.hessian, lambda f: fx.jacfwd(fx.grad(f))):
        _assert_trees_close(transform(model)(w, x), transform(plain)(w, x))
    assert len(fx.saved_residuals(model, w, x)) < len(fx.saved_residuals(plain, w, x))


def _layers_called_on_constants(w):
    """A checkpoint, a custom_vjp and a custom_jvp function that close over `w` and are called
    on a constant, so none of their arguments is a value of a jit around them."""
    layer = fx.checkpoint(lambda h: fnp.sin(h * w))

    @fx.custom_vjp
    def by_vjp(h):
        return fnp.tanh(h * w)
    by_vjp.defvjp(lambda h: (by_vjp(h), h), lambda h, ct: (ct * w / fnp.cosh(h * w) ** 2,))

    @fx.custom_jvp
    def by_jvp(h):
        return fnp.exp(h * w)
    by_jvp.defjvp(lambda p, t: (by_jvp(p[0]), by_jvp(p[0]) * w * t[0]))
    ones = fnp.ones(2)
    return fnp.sum(layer(ones)) + fnp.sum(by_vjp(ones)) + fnp.sum(by_jvp(ones))


def test_functions_with_rules_called_on_constants_under_jit_see_the_values_they_close_over():
    w = fnp.asarray([0.5, -2.0], dtype=fnp.float64)
    expected = _layers_called_on_constants(w)
    _assert_trees_close(fx.jit(_layers_called_on_constants)(w), expected)
    _assert_trees_close(fx.vmap(fx.jit(_layers_called_on_constants))(fnp.stack([w, 2 * w]))[0], expected)
    # the checkpointed layer alone is differentiated with respect to what it closes over
    layer = lambda w: fnp.sum(fx.checkpoint(lambda h: fnp.sin(h * w))(fnp.ones(2)))  # noqa: E731
    plain = lambda w: fnp.sum(fnp.sin(w))  # noqa: E731
    for transform in (fx.grad, lambda f: fx.jit(fx.grad(f)), lambda f: fx.grad(fx.jit(f))):
        _assert_trees_close(transform(layer)(w), transform(plain)(w))


def test_reverse_over_forward_mode_recomputes_too():
    f = lambda x: fnp.sum(fnp.sin(fnp.sin(x)) * x)  # noqa: E731
    x, v = fx_rand(3), fx_rand(3, seed=1)
    hvp = lambda f: (lambda x: fx.jvp(f, (x,), (v,))[1])  # noqa: E731
    _assert_trees_close(fx.grad(hvp(fx.checkpoint(f)))(x), fx.grad(hvp(f))(x))
    assert len(fx.saved_residuals(hvp(fx.checkpoint(f)), x)) < len(fx.saved_residuals(hvp(f), x))


@pytest.mark.parametrize("policy", [None, "dots_saveable"])
def test_a_custom_vjp_of_a_checkpoints_output_in_a_scan_body_matches_jax(policy):
    # reverse mode transposes the scan body's forward-mode derivative, where the checkpoint's
    # primal output is the custom_vjp's residual: a known value, not a tangent
    jax = jax_x64()
    jnp = jax.numpy

    def with_rule(custom):
        sq = custom(lambda v: v * v)
        sq.defvjp(lambda v: (v * v, v), lambda v, g: (2 * v * g,))
        return sq

    fsq, jsq = with_rule(fx.custom_vjp), with_rule(jax.custom_vjp)
    step = fx.checkpoint(lambda c, w: fnp.tanh(c * w) + 0.3 * c, policy=policy)
    jstep = jax.checkpoint(lambda c, w: jnp.tanh(c * w) + 0.3 * c)
    f = lambda x: fx.scan(lambda c, w: (fsq(step(c, w)), c), x[0], x[1:])[0]  # noqa: E731
    jf = lambda x: jax.lax.scan(lambda c, w: (jsq(jstep(c, w)), c), x[0], x[1:])[0]  # noqa: E731
    xs = np.array([[0.7, 0.8, 1.2, -0.4], [0.3, -1.1, 0.5, 0.9]])
    want = jax.vmap(jax.grad(jf))(xs)
    for grads in (lambda: [fx.grad(f)(fnp.asarray(x)) for x in xs], lambda: fx.vmap(fx.grad(f))(fnp.asarray(xs)),
                  lambda: fx.jit(fx.vmap(fx.grad(f)))(fnp.asarray(xs))):
        np.testing.assert_allclose(np.stack([np.asarray(g) for g in grads()]), want, rtol=1e-12)


@pytest.mark.parametrize("policy", POLICIES)
def test_forward_over_reverse_through_a_checkpointed_custom_vjp_matches_jax(policy):
    # the outer jvp differentiates fwd's output and the bwd rule, never the call itself; bwd is
    # deliberately not the true derivative, so the rule is what gets differentiated
    jax = jax_x64()
    jnp = jax.numpy

    def model(custom, checkpoint, np_):
        f = custom(np_.sin)
        f.defvjp(lambda x: (np_.sin(x), x), lambda x, g: (2 * g * x * np_.cos(x),))
        return checkpoint(lambda x: np_.sum(f(x) * x + np_.exp(x @ x)))

    g = model(fx.custom_vjp, functools.partial(fx.checkpoint, policy=policy), fnp)
    jg = model(jax.custom_vjp, jax.checkpoint, jnp)
    x, v = np.array([0.7, -1.2, 0.4]), np.array([0.3, 0.5, -2.0])
    want = jax.jvp(jax.grad(jg), (x,), (v,)), jax.hessian(jg)(x)
    for transform in (lambda f: f, fx.jit):
        got = transform(lambda x: fx.jvp(fx.grad(g), (x,), (fnp.asarray(v),)))(fnp.asarray(x)), fx.hessian(g)(x)
        _assert_trees_close(got, want)


# what is saved ----------------------------------------------------------------------------------
def test_saved_residuals_lists_what_plain_reverse_mode_keeps():
    x = fnp.ones(3)
    assert fx.saved_residuals(lambda x: fnp.exp(fnp.sin(x)), x) == [((3,), np.dtype("float32"))] * 2
    assert fx.saved_residuals(lambda x: -x, x) == []


def test_checkpoint_saves_only_the_inputs():
    params, x = _params(), fx_rand(2, 4)
    plain = fx.saved_residuals(_mlp, params, x)
    saved = fx.saved_residuals(fx.checkpoint(_mlp), params, x)
    inputs = [(leaf.shape, leaf.dtype) for leaf in fx.tree.leaves((params, x))]
    assert sorted(saved, key=str) == sorted(inputs, key=str)
    assert len(saved) < len(plain) and _size(saved) < _size(plain)


def test_checkpointed_layers_save_fewer_residuals():
    params, x = _params((4, 6, 6, 3)), fx_rand(2, 4)
    plain = fx.saved_residuals(_mlp, params, x)
    per_layer = fx.saved_residuals(lambda p, x: _mlp(p, x, fx.checkpoint(_layer)), params, x)
    assert len(per_layer) < len(plain) and _size(per_layer) < _size(plain)


def test_dots_saveable_saves_the_inputs_and_the_products():
    params, x = _params(), fx_rand(2, 4)
    saved = fx.saved_residuals(fx.checkpoint(_mlp, policy="dots_saveable"), params, x)
    inputs = [(leaf.shape, leaf.dtype) for leaf in fx.tree.leaves((params, x))]
    products = [((2, 5), np.dtype("float64")), ((2, 3), np.dtype("float64"))]
    assert sorted(saved, key=str) == sorted(inputs + products, key=str)


def test_everything_saveable_saves_what_plain_differentiation_saves():
    params, x = _params(), fx_rand(2, 4)
    everything = fx.saved_residuals(fx.checkpoint(_mlp, policy="everything_saveable"), params, x)
    assert sorted(everything, key=str) == sorted(fx.saved_residuals(_mlp, params, x), key=str)


def test_nothing_saveable_recomputes_the_products_and_dots_saveable_does_not(dot_calls):
    params, x = _params(), fx_rand(2, 4)
    runs = {}
    for policy in ("plain", "nothing_saveable", "dots_saveable"):
        f = _mlp if policy == "plain" else fx.checkpoint(_mlp, policy=policy)
        dot_calls["n"] = 0
        fx.grad(f)(params, x)
        runs[policy] = dot_calls["n"]
    assert runs["dots_saveable"] == runs["plain"]
    assert runs["nothing_saveable"] == runs["plain"] + len(params)  # one product per layer, run again


def test_a_custom_policy_chooses_what_is_saved():
    save_tanh = lambda prim, *avals, **params: prim is E.tanh_p  # noqa: E731
    f = lambda x: fnp.sin(fnp.tanh(x)) * fnp.tanh(fnp.exp(x))  # noqa: E731
    x = fx_rand(3)
    saved = fx.saved_residuals(fx.checkpoint(f, policy=save_tanh), x)
    assert len(saved) == 3  # x and two tanh results
    _assert_trees_close(fx.grad(lambda x: fx.checkpoint(f, policy=save_tanh)(x).sum())(x),
                        fx.grad(lambda x: f(x).sum())(x))


def _named_layer(name_fn, m=fnp):
    """An MLP layer (of NumPy-like namespace `m`) whose product and activation are named "dot"
    and "act" with `name_fn`."""
    def layer(p, x):
        h = name_fn(x @ p["w"] + p["b"], "dot")
        return name_fn(h * m.tanh(m.log1p(m.exp(h))), "act")
    return layer


NAMED_POLICIES = ["save_only_these_names", "save_any_names_but_these", "save_anything_except_these_names"]


@pytest.mark.parametrize("policy_name", NAMED_POLICIES)
def test_named_policies_give_the_gradients_of_jax(policy_name):
    from fluxion.ad_checkpoint import checkpoint_name
    jax = jax_x64()
    import jax.ad_checkpoint as jad
    params, x = _params(), fx_rand(2, 4, seed=5)
    ours = getattr(fx.checkpoint_policies, policy_name)("dot")
    theirs = getattr(jax.checkpoint_policies, policy_name)("dot")
    got = fx.grad(_mlp)(params, x, fx.checkpoint(_named_layer(checkpoint_name), policy=ours))
    jlayer = jax.checkpoint(_named_layer(jad.checkpoint_name, jax.numpy), policy=theirs)

    def jmlp(ps, v):
        for p in ps:
            v = jlayer(p, v)
        return jax.numpy.sum(v ** 2)

    ref = jax.grad(jmlp)(jax.tree.map(np.asarray, params), np.asarray(x))
    _assert_trees_close(got, jax.tree.map(np.asarray, ref), 1e-10)


@pytest.mark.parametrize("saves", ["all", "all but a name"])
def test_a_saved_branch_closing_over_an_argument_is_replayed(saves):
    jax = jax_x64()
    def policy_of(cp):
        return (lambda *a, **k: True) if saves == "all" else cp.save_anything_except_these_names("h")

    def make(m, lax):
        def f(w, x):
            a = lax.cond(x > 0, lambda x: m.sin(w * x), lambda x: m.cos(w * x), x)
            return a + lax.switch(1, [lambda x: w * x, lambda x: m.exp(w * x)], x)
        return f
    f = fx.checkpoint(make(fnp, fx.lax), policy=policy_of(fx.checkpoint_policies))
    g = jax.checkpoint(make(jax.numpy, jax.lax), policy=policy_of(jax.checkpoint_policies))
    for x in (0.5, -0.5):
        np.testing.assert_allclose(fx.grad(f)(2.0, x), jax.grad(g)(2.0, x), rtol=1e-6)


def test_named_policies_save_the_named_values_and_combine():
    from fluxion.ad_checkpoint import checkpoint_name, checkpoint_policies as cp
    params, x = _params(), fx_rand(2, 4)

    def f(policy):
        return fx.checkpoint(lambda p, v: _mlp(p, v, _named_layer(checkpoint_name)), policy=policy)
    inputs = fx.saved_residuals(fx.checkpoint(_mlp), params, x)
    products = [((2, 5), np.dtype("float64")), ((2, 3), np.dtype("float64"))]
    key = functools.partial(sorted, key=str)
    assert key(fx.saved_residuals(f(cp.save_only_these_names("dot")), params, x)) == key(inputs + products)
    assert key(fx.saved_residuals(f(cp.save_any_names_but_these("act")), params, x)) == key(inputs + products)
    both = cp.save_from_both_policies(cp.save_only_these_names("dot"), cp.save_only_these_names("act"))
    assert len(fx.saved_residuals(f(both), params, x)) == len(inputs) + 2 * len(products)
    assert key(fx.saved_residuals(f(cp.dots_with_no_batch_dims_saveable), params, x)) == key(inputs + products)
    assert cp.checkpoint_dots is cp.dots_saveable
    # jax's offloading policies save here what they would move to host memory
    offload = cp.save_and_offload_only_these_names(names_which_can_be_saved=["dot"], names_which_can_be_offloaded=[],
                                                   offload_src="device", offload_dst="pinned_host")
    assert key(fx.saved_residuals(f(offload), params, x)) == key(inputs + products)
    assert key(fx.saved_residuals(f(cp.offload_dot_with_no_batch_dims("device", "pinned_host")), params, x)) == \
        key(inputs + products)


def test_checkpoint_name_is_the_identity_under_jit_vmap_and_derivatives():
    from fluxion.ad_checkpoint import checkpoint_name
    x = fx_rand(3, 2)
    tree = checkpoint_name({"a": x, "b": [2.0]}, "t")
    np.testing.assert_array_equal(tree["a"], x)
    np.testing.assert_array_equal(tree["b"][0], 2.0)
    f = lambda v: fnp.sum(fnp.sin(checkpoint_name(v * v, "sq")))  # noqa: E731
    plain = lambda v: fnp.sum(fnp.sin(v * v))  # noqa: E731
    np.testing.assert_allclose(fx.jit(f)(x), plain(x), rtol=1e-12)
    np.testing.assert_allclose(fx.vmap(fx.grad(f))(x), fx.vmap(fx.grad(plain))(x), rtol=1e-12)
    np.testing.assert_allclose(fx.jit(fx.hessian(f))(x[0]), fx.hessian(plain)(x[0]), rtol=1e-12)
    check_grads(f, (x,), order=2)
    with pytest.raises(TypeError, match="string"):
        checkpoint_name(x, 3)


# errors -----------------------------------------------------------------------------------------
def test_a_custom_function_inside_checkpoint_still_refuses_closed_over_values():
    def loss(w, x):
        f = fx.custom_jvp(lambda y: y * w)
        f.defjvp(lambda p, t: (p[0] * w, t[0] * w))
        return fx.checkpoint(lambda x: f(x))(x).sum()

    with pytest.raises(TypeError, match=r"(?s)closes over.*as an argument"):
        fx.grad(loss)(2.0, fnp.ones(3))


def test_unknown_policy_names_the_choices():
    with pytest.raises(ValueError, match=r"(?s)unknown policy 'dots'.*dots_saveable.*nothing_saveable"):
        fx.checkpoint(fnp.sin, policy="dots")
    with pytest.raises(TypeError, match=r"(?s)policy must be a function.*checkpoint_policies"):
        fx.checkpoint(fnp.sin, policy=3)


def test_a_function_that_changes_between_runs_raises():
    state = {"calls": 0}

    def f(x):
        state["calls"] += 1
        y = x @ x if state["calls"] == 1 else fnp.ones((2, 2, 2)) @ x
        return fnp.sum(y)

    with pytest.raises(FluxionError, match=r"(?s)ran different operations.*depend only on its arguments"):
        fx.grad(fx.checkpoint(f, policy="dots_saveable"))(fx_rand(2, 2))


def test_compiled_program_recomputes_what_checkpoint_does_not_save():
    import fluxion.numpy as fnp
    x = np.array([0.1, 0.2, 0.3])
    inner = lambda v: fnp.sin(fnp.sin(v))
    plain = fx.value_and_grad(lambda v: inner(v).sum())
    remat = fx.value_and_grad(lambda v: fx.checkpoint(inner)(v).sum())
    sines = lambda g: fx.jit(g).lower(x).as_text().count("stablehlo.sine")
    # the recomputation survives the program passes (an optimization barrier keeps it apart)
    assert sines(remat) > sines(plain)
    for got, want in zip(fx.jit(remat)(x), plain(x)):
        np.testing.assert_allclose(got, want, rtol=1e-12)
