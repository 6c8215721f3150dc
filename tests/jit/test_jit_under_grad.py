"""A jitted function under eager `grad` or `jvp` on small arrays: from the second call of a
signature, its forward call and its pullback (or its jvp) run compiled (each traced once), with
the derivatives of running it operation by operation; larger arrays, closures over the
differentiated value and nested derivatives run it operation by operation, as before."""
import numpy as np
import pytest

import fluxion as fx
import fluxion.numpy as fnp

RNG = np.random.default_rng(0)


def _counting(f):
    """`f` counting its runs as Python (traces, or calls operation by operation)."""
    def counted(*args, **kwargs):
        counted.runs += 1
        return f(*args, **kwargs)
    counted.runs = 0
    return counted


def _deep(x):
    """Some 25 operations on x: enough to be compiled."""
    for _ in range(5):
        x = fnp.sin(x) * 1.01 + fnp.tanh(x) * 0.1
    return x


def _chain(x):
    return fnp.sum(_deep(x) ** 2)


def _second(g, *args, **kwargs):
    """`g`'s second result for these arguments (a first call runs operation by operation)."""
    g(*args, **kwargs)
    return g(*args, **kwargs)


def _close(a, b, rtol=1e-5):
    for u, v in zip(fx.tree.leaves(a), fx.tree.leaves(b)):
        np.testing.assert_allclose(np.asarray(u), np.asarray(v), rtol=rtol, atol=1e-6)


def test_gradient_through_a_jitted_function_matches_eager_and_compiles_once():
    f = _counting(_chain)
    jitted = fx.jit(f)
    x = fnp.asarray(RNG.standard_normal(16).astype(np.float32))
    want = fx.grad(_chain)(x)
    for _ in range(4):
        _close(fx.grad(jitted)(x), want)
    # the first call operation by operation; then the forward function and the pullback, each traced once
    assert f.runs == 3


def test_value_and_grad_with_aux_pytrees_static_and_keyword_arguments_match_eager():
    def loss(params, x, k, *, scale):
        h = _deep(fnp.tanh(x @ params["w"] + params["b"])) * scale
        return fnp.sum(h ** k), {"h": h, "count": fnp.sum(h > 0)}

    params = {"w": fnp.asarray(RNG.standard_normal((4, 3)).astype(np.float32)), "b": fnp.zeros(3)}
    x = fnp.asarray(RNG.standard_normal((5, 4)).astype(np.float32))
    jitted = fx.jit(loss, static_argnums=2, static_argnames="scale")
    got = _second(fx.value_and_grad(jitted, has_aux=True), params, x, 2, scale=0.5)
    want = fx.value_and_grad(loss, has_aux=True)(params, x, 2, scale=0.5)
    _close(got, want)
    assert got[0][1]["count"].dtype == want[0][1]["count"].dtype
    _close(_second(fx.grad(lambda p: jitted(p, x, 3, scale=2.0)[0]), params),
           fx.grad(lambda p: loss(p, x, 3, scale=2.0)[0])(params))


def test_outputs_without_a_cotangent_and_integer_outputs_get_zero_cotangents():
    def f(x, y):
        return _deep(x) * y, fnp.cos(_deep(x)), fnp.argmax(x)

    jitted = fx.jit(f)
    x, y = fnp.asarray([0.1, 0.7, -0.3]), fnp.asarray([1.0, 2.0, 3.0])
    for g in (lambda f: lambda x, y: fnp.sum(f(x, y)[0]), lambda f: lambda x, y: fnp.sum(f(x, y)[1]) + f(x, y)[2]):
        _close(_second(fx.grad(g(jitted), argnums=(0, 1)), x, y), fx.grad(g(f), argnums=(0, 1))(x, y))


def test_converted_control_flow_in_the_jitted_function_matches_eager():
    def f(x):
        x = _deep(x)
        while fnp.sum(x * x) < 100.0:
            x = x * 1.5 + 0.1
        if fnp.max(x) > 5.0:
            return fnp.sum(fnp.log1p(x * x))
        return fnp.sum(x)

    x = fnp.asarray([0.3, -0.2, 0.5])
    _close(_second(fx.grad(fx.jit(f)), x), fx.grad(f)(x))


def test_a_closure_over_the_differentiated_value_runs_operation_by_operation():
    x, w = fnp.asarray([0.5, 1.5]), fnp.asarray(2.0)

    def loss(w):
        return fnp.sum(fx.jit(lambda x: fnp.sin(x * w))(x))
    _close(fx.grad(loss)(w), fnp.sum(fnp.cos(x * w) * x))


def test_large_arrays_and_nested_derivatives_run_operation_by_operation():
    f = _counting(lambda x: fnp.sum(fnp.sin(x) ** 3))
    jitted = fx.jit(f)
    big = fnp.asarray(RNG.standard_normal(10_000))
    _close(fx.grad(jitted)(big), 3 * np.sin(np.asarray(big)) ** 2 * np.cos(np.asarray(big)))
    runs = f.runs
    fx.grad(jitted)(big)
    assert f.runs == runs + 1
    x = fnp.asarray([0.3, 0.9])
    s, c = np.sin(np.asarray(x)), np.cos(np.asarray(x))
    hessian_diag = 6 * s * c * c - 3 * s ** 3
    _close(fx.grad(lambda x: fnp.sum(fx.grad(jitted)(x)))(x), hessian_diag)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_random_draws_and_dtypes_inside_the_jitted_function_match_eager(dtype):
    def f(x, key):
        noise = fx.random.normal(key, x.shape, dtype=x.dtype)
        return fnp.sum(fnp.exp(-_deep(x + noise) ** 2))

    x, key = fnp.asarray(RNG.standard_normal(8).astype(dtype)), fx.random.key(3)
    got, want = _second(fx.grad(fx.jit(f)), x, key), fx.grad(f)(x, key)
    assert got.dtype == want.dtype == dtype
    _close(got, want, rtol=1e-5 if dtype == np.float32 else 1e-12)


def test_a_function_of_few_operations_runs_operation_by_operation():
    f = _counting(lambda x: fnp.sum(fnp.sin(x) * x))
    g = fx.grad(fx.jit(f))
    x = fnp.asarray([0.2, 0.4, 0.8])
    _close(_second(g, x), np.cos(np.asarray(x)) * np.asarray(x) + np.sin(np.asarray(x)))
    runs = f.runs
    g(x)
    assert f.runs == runs + 1


def test_functions_that_need_values_or_close_over_the_differentiated_one_run_operation_by_operation():
    def needs_a_value(x):
        for _ in range(int(fnp.sum(x > 0))):  # a Python int of the values: jit alone refuses it
            x = fnp.sin(x) * 1.01 + fnp.tanh(x) * 0.1 + fnp.cos(x) * 0.01
        return fnp.sum(x * x)

    x = fnp.asarray([0.5, -0.1, 0.3])
    _close(_second(fx.grad(fx.jit(needs_a_value)), x), fx.grad(needs_a_value)(x))

    def closes_over(w):
        return fnp.sum(fx.jit(lambda v: _chain(v * w) * fnp.ones(3))(w * 2.0))
    w = fnp.asarray(0.7)
    _close(_second(fx.grad(closes_over), w), fx.grad(lambda w: fnp.sum(_chain(w * 2.0 * w) * fnp.ones(3)))(w))


def test_bfloat16_outputs_get_gradients_as_eagerly():
    def f(x):
        return _chain(x.astype(fnp.bfloat16))

    jitted = fx.jit(f)
    assert jitted(fnp.ones(3)).dtype == fnp.bfloat16
    x = fnp.asarray([0.1, 0.2, 0.3])
    _close(_second(fx.grad(lambda x: jitted(x).astype(fnp.float32)), x),
           fx.grad(lambda x: f(x).astype(fnp.float32))(x), rtol=3e-2)


@pytest.mark.parametrize("order", ["constant first", "constant last", "constant by keyword"])
def test_arrays_not_differentiated_beside_differentiated_ones_get_the_eager_gradient(order):
    def g(y, x):
        return fnp.sum(_deep(x) * y + y ** 2)

    jitted, swapped = fx.jit(g), fx.jit(lambda x, y: g(y, x))
    call = {"constant first": lambda x, y: jitted(y, x), "constant last": lambda x, y: swapped(x, y),
            "constant by keyword": lambda x, y: jitted(y=y, x=x)}[order]
    x, y = fnp.asarray(RNG.standard_normal(6)), fnp.asarray(RNG.standard_normal(6))
    for _ in range(3):  # the first call operation by operation, then compiled
        _close(fx.grad(lambda x: call(x, y))(x), fx.grad(lambda x: g(y, x))(x), rtol=1e-10)


def test_jvp_through_a_jitted_function_matches_eager_and_compiles_once():
    def g(params, x, k):
        h = _deep(x * params["w"]) + params["b"]
        return {"h": h, "s": fnp.sum(h ** k), "i": fnp.argmax(h)}

    f = _counting(g)
    jitted = fx.jit(f, static_argnums=2)
    params = {"w": fnp.asarray(RNG.standard_normal(5)), "b": fnp.asarray(0.3)}
    x, tangent = fnp.asarray(RNG.standard_normal(5)), {"w": fnp.ones(5), "b": fnp.asarray(-1.0)}
    want = fx.jvp(lambda p: g(p, x, 2), (params,), (tangent,))
    for _ in range(4):
        got = fx.jvp(lambda p: jitted(p, x, 2), (params,), (tangent,))
        _close(got, want, rtol=1e-10)
        assert got[1]["i"].dtype == want[1]["i"].dtype
    # the first call operation by operation, then the jvp program traced once
    assert f.runs == 2


def test_forward_mode_gradients_through_a_jitted_function_match_eager():
    x = fnp.asarray(RNG.standard_normal(7))
    jitted = fx.jit(lambda t, x: _chain(x * t))
    for t in (0.4, fnp.asarray(1.3)):
        _close(_second(fx.grad(lambda t: jitted(t, x)), t), fx.grad(lambda t: _chain(x * t))(t), rtol=1e-10)
    _close(_second(fx.jacfwd(lambda x: jitted(0.5, x)), x), fx.jacfwd(lambda x: _chain(x * 0.5))(x), rtol=1e-10)


def test_jvp_of_a_jitted_custom_vjp_function_fails_as_eagerly_and_grad_takes_reverse_mode():
    @fx.custom_vjp
    def h(x):
        return _deep(x)
    h.defvjp(lambda x: (_deep(x), x), lambda x, ct: (ct * 2.0,))

    jitted = fx.jit(lambda x: fnp.sum(h(x)))
    x = fnp.asarray([0.1, 0.2])
    for _ in range(3):
        with pytest.raises(TypeError, match="reverse-mode rule"):
            fx.jvp(jitted, (x,), (fnp.ones(2),))
    scalar = fnp.asarray(0.3)
    _close(_second(fx.grad(lambda t: jitted(x * t)), scalar), fnp.sum(x * 2.0))


@pytest.mark.parametrize("derivative", [fx.jacrev, fx.jacfwd, fx.hessian, lambda f: fx.vmap(fx.grad(f)),
                                        lambda f: fx.grad(lambda x: fnp.sum(fx.vmap(f)(fnp.stack([x, 2 * x]))))])
def test_derivatives_that_transform_the_pullback_or_jvp_again_match_eager(derivative):
    """The recorded call's pullback runs under the vmap of jacrev, the jvp under jacfwd's."""
    jitted = fx.jit(_chain)
    x = fnp.asarray(RNG.standard_normal(4))
    want = derivative(_chain)(x)
    for _ in range(3):
        _close(derivative(jitted)(x), want, rtol=1e-10)


@pytest.mark.parametrize("operations", [_deep, fnp.sin])
def test_effects_of_a_jitted_function_run_once_per_gradient(operations):
    # a pullback computing the function again would run its callbacks twice; so would a call
    # compiled, then left to run operation by operation (few operations)
    seen = []

    def loss(x):
        fx.debug.callback(lambda: seen.append(1))
        return fnp.sum(operations(x) ** 2)
    jitted, x = fx.jit(loss), fnp.asarray(RNG.standard_normal(8).astype(np.float32))
    for n in range(1, 5):
        _close(fx.grad(jitted)(x), fx.grad(lambda x: fnp.sum(operations(x) ** 2))(x))
        _close(fx.jvp(jitted, (x,), (x,))[1], fx.jvp(lambda x: fnp.sum(operations(x) ** 2), (x,), (x,))[1])
        assert len(seen) == 2 * n


def test_clear_cache_drops_the_compiled_pullback_and_jvp_and_batched_forms():
    scale = [5.0]

    def f(x):
        return fnp.sum(_deep(x) * scale[0])
    jitted, x, xs = fx.jit(f), fnp.asarray(RNG.standard_normal(8).astype(np.float32)), fnp.ones((2, 3))
    for _ in range(3):
        fx.grad(jitted)(x), fx.jvp(jitted, (x,), (x,)), fx.vmap(jitted)(xs)
    scale[0] = 1.0
    jitted.clear_cache()
    _close(fx.grad(jitted)(x), fx.grad(f)(x))
    _close(fx.jvp(jitted, (x,), (x,)), fx.jvp(f, (x,), (x,)))
    _close(fx.vmap(jitted)(xs), fx.vmap(f)(xs))


def test_an_unhashable_static_argument_is_refused_under_every_transformation():
    g = fx.jit(lambda x, n: (x * n[0]).sum(), static_argnums=1)
    x = fnp.ones(3)
    for call in (lambda: g(x, [1, 2]), lambda: fx.grad(lambda x: g(x, [1, 2]))(x),
                 lambda: fx.jvp(lambda x: g(x, [1, 2]), (x,), (x,)), lambda: fx.vmap(lambda x: g(x, [1, 2]))(x),
                 lambda: fx.jit(lambda x: g(x, [1, 2]))(x)):
        with pytest.raises(TypeError, match="static argument `n` is not hashable"):
            call()
