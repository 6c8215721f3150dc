"""named_call / named_scope, the device queries and clear_caches.

Oracles: the plain function (names change nothing under any transformation), fx.devices()
and jax's answers for one process, and counts of traces kept by a Python side effect.
"""
import gc

import numpy as np
import pytest

import fluxion as fx
import fluxion.numpy as fnp
from fluxion.core.device import (default_backend, device_count, local_device_count, local_devices, process_count,
                                 process_index)
from fluxion.errors import FluxionError
from fluxion.transforms import staging
from fluxion.transforms._caches import clear_caches
from fluxion.transforms._naming import named_call, named_scope


def _close(a, b):
    for x, y in zip(fx.tree.leaves(a), fx.tree.leaves(b), strict=True):
        np.testing.assert_allclose(np.asarray(x), np.asarray(y), rtol=1e-6)


# named_call / named_scope -----------------------------------------------------------------------
def _layer(x, w):
    if x.sum() > 0:  # Python control flow on a traced value: converted under jit and vmap
        return fnp.tanh(x @ w)
    return x @ w


def _scoped_layer(x, w):
    with named_scope("layer"):
        with named_scope("inner"):
            return _layer(x, w)


@pytest.mark.parametrize("named", [named_call(_layer, name="dense"), named_call(_layer), _scoped_layer])
def test_names_change_nothing_under_grad_jit_and_vmap(named):
    rng = np.random.default_rng(1)
    xs, w = fnp.asarray(rng.standard_normal((4, 3)), fnp.float32), fnp.asarray(rng.standard_normal((3, 2)), fnp.float32)
    loss = lambda f: lambda x, w: f(x, w).sum()  # noqa: E731
    _close(named(xs[0], w), _layer(xs[0], w))
    _close(fx.grad(loss(named), argnums=(0, 1))(xs[0], w), fx.grad(loss(_layer), argnums=(0, 1))(xs[0], w))
    _close(fx.jit(named)(-xs[1], w), _layer(-xs[1], w))
    _close(fx.vmap(named, in_axes=(0, None))(xs, w), np.stack([np.asarray(_layer(x, w)) for x in xs]))
    _close(fx.jit(fx.vmap(fx.grad(loss(named)), in_axes=(0, None)))(xs, w),
           np.stack([np.asarray(fx.grad(loss(_layer))(x, w)) for x in xs]))


def test_named_call_keeps_the_function_metadata_and_takes_the_name():
    assert named_call(_layer).__name__ == "_layer"
    assert named_call(_layer, name="dense").__name__ == "dense"
    assert named_call(_layer).__wrapped__ is _layer


def test_naming_errors_name_the_fix():
    with pytest.raises(TypeError, match="must be a string(.|\n)*fix:"):
        named_call(_layer, name=3)
    with pytest.raises(TypeError, match="expects a function(.|\n)*fix:"):
        named_call(_layer(fnp.ones(3), fnp.ones((3, 2))))
    with pytest.raises(TypeError, match="must be a string(.|\n)*fix:"):
        with named_scope(None):
            pass


# device queries ----------------------------------------------------------------------------------
def test_device_queries_agree_with_fx_devices():
    assert local_devices() == fx.devices()
    assert device_count() == local_device_count() == len(fx.devices())
    for platform in dict.fromkeys(d.platform for d in fx.devices()):
        assert local_devices(backend=platform) == fx.devices(platform)
        assert device_count(platform) == local_device_count(platform) == len(fx.devices(platform))
    assert default_backend() == fx.devices()[0].platform == "cpu"
    assert fnp.ones(2).device.platform == default_backend()


def test_one_process_as_jax_reports():
    jax = pytest.importorskip("jax")
    assert (process_index(), process_count()) == (jax.process_index(), jax.process_count()) == (0, 1)
    assert local_devices(process_index=0) == fx.devices()


def test_device_query_errors_name_the_fix():
    with pytest.raises(RuntimeError, match="no devices of platform 'abacus'(.|\n)*fix:") as e:
        device_count("abacus")
    assert isinstance(e.value, FluxionError)
    with pytest.raises(ValueError, match="no process 1(.|\n)*fix:"):
        local_devices(process_index=1)
    with pytest.raises(TypeError, match="fix: pass the platform by keyword"):
        local_devices("cpu")


# clear_caches -------------------------------------------------------------------------------------
def test_clear_caches_retraces_and_gives_the_same_results():
    traces = []

    def f(x, n):
        traces.append(1)
        return fnp.sin(x) * n

    g = fx.jit(f, static_argnums=1)
    h = fx.jit(lambda x: f(x, 2) + 1)
    x = fnp.linspace(0.0, 1.0, 5)
    first = (g(x, 3), g(x, 3), h(x), h(x))
    assert len(traces) == 2 and g.cache_size() == h.cache_size() == 1
    clear_caches()
    assert g.cache_size() == h.cache_size() == 0
    again = (g(x, 3), g(x, 3), h(x), h(x))
    assert len(traces) == 4
    _close(again, first)


def test_clear_caches_drops_eager_kernels_of_xla_devices():
    from fluxion.backends.xla import eager
    x = fx.device_put(fnp.arange(4.0), "xla-cpu:0")
    before = (x * 3 + 1).tolist()
    assert eager._kernels
    clear_caches()
    assert not eager._kernels
    assert (x * 3 + 1).tolist() == before


def test_clear_caches_keeps_no_jitted_function_alive():
    gc.collect()  # garbage left by earlier tests must not count below
    f = fx.jit(lambda x: x * 2)
    f(fnp.ones(2))
    count = len(staging.LIVE)
    del f
    gc.collect()
    assert len(staging.LIVE) == count - 1
    clear_caches()


def test_linearize_with_aux_matches_jax():
    jax = pytest.importorskip("jax")

    def f(x):
        return x * x * 3.0, {"half": x / 2.0}

    x = np.array([1.0, -2.0, 0.5], np.float32)
    y, f_jvp, aux = fx.linearize(f, fnp.asarray(x), has_aux=True)
    jy, jf_jvp, jaux = jax.linearize(f, x, has_aux=True)
    np.testing.assert_allclose(np.asarray(y), np.asarray(jy), rtol=1e-6)
    np.testing.assert_allclose(np.asarray(aux["half"]), np.asarray(jaux["half"]), rtol=1e-6)
    t = np.array([0.1, 0.2, -0.3], np.float32)
    np.testing.assert_allclose(np.asarray(f_jvp(fnp.asarray(t))), np.asarray(jf_jvp(t)), rtol=1e-6)
    with pytest.raises(FluxionError, match="has_aux"):
        fx.linearize(lambda x: x * 2.0, fnp.asarray(x), has_aux=True)


def test_jit_accepts_keep_unused_and_inline_and_passes_every_argument():
    f = fx.jit(lambda x, unused: x * 2.0, keep_unused=True, inline=True)
    x = fnp.asarray([1.0, 2.0])
    np.testing.assert_allclose(np.asarray(f(x, fnp.ones(3))), [2.0, 4.0])
    assert "tensor<3xf32>" in f.lower(x, fnp.ones(3)).as_text()
    np.testing.assert_allclose(np.asarray(fx.grad(lambda x: f(x, x).sum())(x)), [2.0, 2.0])


def test_custom_rules_take_nondiff_arguments_by_name_as_jax():
    jax = pytest.importorskip("jax")
    import functools
    import jax.numpy as jnp
    results = []
    for lib, xnp in ((jax, jnp), (fx, fnp)):
        @functools.partial(lib.custom_jvp, nondiff_argnames=("scale",))
        def f(x, scale):
            return xnp.sin(x) * scale

        @f.defjvp
        def f_jvp(scale, primals, tangents):
            (x,), (t,) = primals, tangents
            return f(x, scale), xnp.cos(x) * t * scale * 2.0

        @functools.partial(lib.custom_vjp, nondiff_argnames=("k",))
        def g(x, k):
            return x * k

        g.defvjp(lambda x, k: (x * k, x), lambda k, res, ct: (ct * k * 10.0,))
        results.append([float(lib.grad(lambda x: f(x, 3.0))(0.5)), float(lib.grad(lambda x: f(x, scale=3.0))(0.5)),
                        float(lib.grad(lambda x: g(x, k=2.0))(1.0))])
    np.testing.assert_allclose(results[1], results[0], rtol=1e-6)
    with pytest.raises(FluxionError, match="not a positional parameter"):
        fx.custom_jvp(lambda x: x, nondiff_argnames=("y",))


def test_checkpoint_static_argnames_passes_an_array_keyword_as_its_value():
    h = fx.checkpoint(lambda x, n: x ** n if n > 1 else x, static_argnames="n")
    loss = lambda x: h(x, n=fnp.asarray(3))
    assert float(fx.grad(loss)(2.0)) == float(fx.jit(fx.grad(loss))(2.0)) == 12.0  # d/dx x**3 at 2


def test_jvp_takes_jaxs_float0_tangents_of_integer_arguments():
    jax = pytest.importorskip("jax")
    n = np.arange(3)
    f = lambda x, n: x * n  # noqa: E731
    got = fx.jvp(f, (2.0, n), (1.0, np.zeros(n.shape, jax.dtypes.float0)))
    want = jax.jvp(f, (2.0, n), (1.0, np.zeros(n.shape, jax.dtypes.float0)))
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w)
    with pytest.raises(TypeError, match="tangent must have the dtype of its primal"):
        fx.jvp(lambda x: x * 2, (2.0,), (np.zeros((), jax.dtypes.float0),))
