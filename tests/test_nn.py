"""fluxion.nn against jax.nn: values over negative, zero and positive inputs (extremes included),
first and second derivatives, jit against eager."""
import numpy as np
import pytest

import fluxion as fx
import fluxion.nn as nn
import fluxion.numpy as fnp
from fluxion.test_util import check_grads

jax = pytest.importorskip("jax")
jax.config.update("jax_enable_x64", True)
jnn, jnp = jax.nn, jax.numpy

X = np.array([-1e4, -30.0, -6.0, -2.5, -1.0, -0.3, 0.0, 0.3, 1.0, 2.5, 6.0, 30.0, 1e4])
EXTREMES = np.array([np.nan, np.inf, -np.inf])
SMOOTH = np.array([-3.7, -1.3, -0.4, 0.2, 0.9, 2.2, 4.1])  # away from the kinks

ACTIVATIONS = ["relu", "relu6", "sigmoid", "log_sigmoid", "softplus", "soft_sign", "silu", "swish", "gelu", "elu",
               "celu", "selu", "leaky_relu", "hard_tanh", "hard_sigmoid", "hard_silu", "hard_swish", "mish",
               "squareplus", "sparse_plus", "tanh"]


def _close(mine, theirs, rtol=1e-12, atol=1e-300):
    np.testing.assert_allclose(np.asarray(mine), np.asarray(theirs), rtol=rtol, atol=atol)


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_activation_values_and_derivatives_match_jax(name):
    mine, theirs = getattr(nn, name), getattr(jnn, name)
    # (jax's tanh form of gelu cancels for negative x: there it is 1e-5 off in relative terms)
    _close(mine(fnp.asarray(X)), theirs(X), rtol=1e-10, atol=1e-15)
    _close(fx.jit(mine)(fnp.asarray(X)), theirs(X), rtol=1e-10, atol=1e-15)
    _close(mine(fnp.asarray(EXTREMES)), theirs(EXTREMES))  # NaN stays NaN
    g = fx.vmap(fx.grad(mine))(fnp.asarray(X))
    _close(g, jax.vmap(jax.grad(theirs))(X), rtol=1e-9, atol=1e-14)
    assert np.isfinite(np.asarray(g)).all()  # no overflow in the derivative at +-1e4
    h = fx.vmap(fx.grad(fx.grad(mine)))(fnp.asarray(SMOOTH))
    _close(h, jax.vmap(jax.grad(jax.grad(theirs)))(SMOOTH), rtol=1e-8)
    check_grads(mine, (fnp.asarray(SMOOTH),), order=2)


def test_gelu_exact_and_parameters():
    _close(nn.gelu(fnp.asarray(X), approximate=False), jnn.gelu(X, approximate=False), rtol=1e-12)
    _close(nn.elu(fnp.asarray(X), 0.5), jnn.elu(X, 0.5))
    _close(nn.celu(fnp.asarray(X), 2.0), jnn.celu(X, 2.0))
    _close(nn.leaky_relu(fnp.asarray(X), 0.2), jnn.leaky_relu(X, 0.2))
    _close(nn.squareplus(fnp.asarray(X), 1.0), jnn.squareplus(X, 1.0))
    assert nn.relu(fnp.asarray([-2, 3])).dtype == fnp.int64
    assert nn.sigmoid(fnp.asarray([1.0], dtype=fnp.float32)).dtype == fnp.float32


@pytest.mark.parametrize("name", ["relu", "relu6", "hard_tanh"])
@pytest.mark.parametrize("dtype", ["int8", "int32", "bool"])
def test_clipping_activations_on_integers_and_bools_promote_as_jax(name, dtype):
    # jax's forms: relu max(x, 0), relu6 min(max(x, 0), 6.0) and hard_tanh a selection of the weak
    # 1 and -1; a bool promotes with a weak int to the default int (fluxion's: int64)
    x = np.arange(-8, 9).astype(dtype)
    got, want = getattr(nn, name)(fnp.asarray(x)), np.asarray(getattr(jnn, name)(jnp.asarray(x)))
    np.testing.assert_array_equal(np.asarray(got), want)
    assert np.dtype(got.dtype).kind == want.dtype.kind
    if dtype != "bool":
        assert np.dtype(got.dtype) == (np.float32 if name == "relu6" else np.dtype(dtype))
    np.testing.assert_array_equal(np.asarray(fx.jit(getattr(nn, name))(fnp.asarray(x))), np.asarray(got))


@pytest.mark.parametrize("axis", [-1, 0, None, (0, 1)])
def test_softmax_and_log_softmax_match_jax(axis):
    x = np.random.default_rng(0).normal(size=(3, 4, 5)) * 5
    x[0, 0, 0] = -np.inf
    for mine, theirs in ((nn.softmax, jnn.softmax), (nn.log_softmax, jnn.log_softmax)):
        _close(mine(fnp.asarray(x), axis=axis), theirs(x, axis=axis), rtol=1e-10)
    w = np.random.default_rng(1).normal(size=x.shape)
    f = lambda m, n: lambda x: m.sum(n.softmax(x, axis=axis) * w) + m.sum(m.where(m.isfinite(x), n.log_softmax(x, axis=axis), 0) * w)  # noqa: E731
    _close(fx.grad(f(fnp, nn))(fnp.asarray(x)), jax.grad(f(jnp, jnn))(x), rtol=1e-9)


def test_masked_softmax_matches_jax():
    x = np.random.default_rng(2).normal(size=(2, 5))
    where = np.array([[True, False, True, True, False], [True, True, True, True, True]])
    _close(nn.softmax(fnp.asarray(x), where=fnp.asarray(where)), jnn.softmax(x, where=where), rtol=1e-12)
    mine = nn.log_softmax(fnp.asarray(x), where=fnp.asarray(where))
    _close(np.where(where, np.asarray(mine), 0), np.where(where, jnn.log_softmax(x, where=where), 0), rtol=1e-12)
    assert (np.asarray(mine)[~where] == -np.inf).all()


def test_glu_standardize_one_hot_logsumexp():
    x = np.random.default_rng(3).normal(size=(3, 4))
    _close(nn.glu(fnp.asarray(x)), jnn.glu(x))
    with pytest.raises(ValueError, match="odd length"):
        nn.glu(fnp.ones(3))
    _close(nn.standardize(fnp.asarray(x)), jnn.standardize(x), rtol=1e-10)
    _close(nn.standardize(fnp.asarray(x), axis=0, epsilon=0.1), jnn.standardize(x, axis=0, epsilon=0.1), rtol=1e-10)
    labels = np.array([[0, 2], [3, -1]])
    for axis in (-1, 0, 1, -2):
        _close(nn.one_hot(fnp.asarray(labels), 3, axis=axis), jnn.one_hot(labels, 3, axis=axis))
    assert nn.one_hot(fnp.asarray(1), 4).tolist() == [0.0, 1.0, 0.0, 0.0]
    assert nn.one_hot(fnp.asarray([1]), 2, dtype=fnp.int32).dtype == fnp.int32
    _close(fx.jit(lambda y: nn.one_hot(y, 3))(fnp.asarray(labels)), jnn.one_hot(labels, 3))
    _close(nn.logsumexp(fnp.asarray(x), axis=1), jnn.logsumexp(x, axis=1))
    check_grads(lambda x: nn.standardize(x), (fnp.asarray(x),), order=2)


def test_standardize_with_a_given_mean_follows_jax_in_either_algorithm():
    x = np.random.default_rng(4).normal(size=(3, 5))
    mean = np.ones((3, 1))
    for algorithm in ("fast", "stable"):
        for kwargs in ({}, {"mean": mean}, {"mean": mean, "where": x > 0}, {"axis": None, "mean": 0.5}):
            _close(nn.standardize(fnp.asarray(x), algorithm=algorithm, **kwargs),
                   jnn.standardize(x, algorithm=algorithm, **kwargs), rtol=1e-10)
    with pytest.raises(ValueError, match="'stable'"):
        nn.standardize(fnp.asarray(x), algorithm="two-pass")


def test_sparse_sigmoid_identity_log1mexp_and_logmeanexp_match_jax():
    for name in ("sparse_sigmoid", "identity"):
        mine, theirs = getattr(nn, name), getattr(jnn, name)
        _close(mine(fnp.asarray(X)), theirs(X))
        _close(fx.vmap(fx.grad(mine))(fnp.asarray(X)), jax.vmap(jax.grad(theirs))(X))
    x = np.array([0.0, 1e-300, 1e-10, 0.3, np.log(2), 0.7, 1.0, 5.0, 50.0, 800.0, np.inf, -1.0, np.nan])
    _close(nn.log1mexp(fnp.asarray(x)), jnn.log1mexp(x))
    _close(fx.jit(nn.log1mexp)(fnp.asarray(x)), jnn.log1mexp(x))
    _close(fx.vmap(fx.grad(nn.log1mexp))(fnp.asarray(SMOOTH[SMOOTH > 0])), jax.vmap(jax.grad(jnn.log1mexp))(SMOOTH[SMOOTH > 0]))
    check_grads(nn.log1mexp, (fnp.asarray([0.1, 0.6, 0.8, 3.0]),), order=2)
    a = np.random.default_rng(0).normal(size=(3, 4)) * 30
    keep = a > -10
    for kw in (dict(), dict(axis=1), dict(axis=0, keepdims=True), dict(axis=1, where=keep)):
        _close(nn.logmeanexp(fnp.asarray(a), **kw), jnn.logmeanexp(a, **kw))


def test_dot_product_attention_matches_jax():
    # jax computes the logits in float32 whatever the inputs: compare in float32, and float64 with NumPy
    rng = np.random.default_rng(0)
    q, k, v = (rng.normal(size=s).astype(np.float32) for s in [(2, 3, 4, 8), (2, 5, 2, 8), (2, 5, 2, 8)])
    bias, mask = rng.normal(size=(1, 4, 3, 5)).astype(np.float32), rng.random((2, 1, 3, 5)) < 0.5
    mask[0, 0, 1] = False  # a query that sees no key
    cases = [dict(), dict(is_causal=True), dict(local_window_size=(1, 0)), dict(local_window_size=1),
             dict(query_seq_lengths=np.array([1, 3], np.int32), key_value_seq_lengths=np.array([2, 5], np.int32)),
             dict(bias=bias, mask=mask, scale=0.3), dict(return_residual=True, mask=mask)]
    for kw in cases:
        expected = jnn.dot_product_attention(q, k, v, **kw)
        for out in (nn.dot_product_attention(q, k, v, **kw),
                    fx.jit(lambda q, k, v: nn.dot_product_attention(q, k, v, **kw))(q, k, v)):
            for o, e in zip(*((out, expected) if kw.get("return_residual") else ((out,), (expected,)))):
                assert o.dtype == e.dtype
                _close(o, e, rtol=1e-5, atol=1e-6)
    _close(nn.dot_product_attention(q[0], k[0], v[0], is_causal=True),
           jnn.dot_product_attention(q[0], k[0], v[0], is_causal=True), rtol=1e-5, atol=1e-6)
    loss = lambda q, k, v: fnp.sum(nn.dot_product_attention(q, k, v, bias=bias, is_causal=True) ** 2)  # noqa: E731
    theirs = jax.grad(lambda q, k, v: jnp.sum(jnn.dot_product_attention(q, k, v, bias=bias, is_causal=True) ** 2),
                      argnums=(0, 1, 2))(q, k, v)
    for g, t in zip(fx.grad(loss, argnums=(0, 1, 2))(q, k, v), theirs):
        _close(g, t, rtol=1e-4, atol=1e-5)
    q64, k64, v64 = (x.astype(np.float64) for x in (q, k, v))
    logits = np.einsum("btkgh,bskh->bkgts", q64.reshape(2, 3, 2, 2, 8), k64).reshape(2, 4, 3, 5) / np.sqrt(8)
    probs = np.exp(logits - logits.max(-1, keepdims=True))
    probs /= probs.sum(-1, keepdims=True)
    expected = np.einsum("bkgts,bskh->btkgh", probs.reshape(2, 2, 2, 3, 5), v64).reshape(2, 3, 4, 8)
    _close(nn.dot_product_attention(q64, k64, v64), expected, rtol=1e-12, atol=1e-14)
    check_grads(lambda q: nn.dot_product_attention(q, k64, v64, is_causal=True), (fnp.asarray(q64),), order=2)
    half = nn.dot_product_attention(*(x.astype(np.float16) for x in (q, k, v)), return_residual=True)
    for got, expected in zip(half, jnn.dot_product_attention(*(x.astype(np.float16) for x in (q, k, v)),
                                                             return_residual=True)):
        assert got.dtype == expected.dtype == np.float16
        _close(got, expected.astype(np.float32), rtol=0, atol=1e-2)
    with pytest.raises(fx.errors.ShapeError, match="multiple of K"):
        nn.dot_product_attention(q, k[:, :, :1].repeat(3, 2), v[:, :, :1].repeat(3, 2))


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(bias=np.zeros((1, 1, 1, 3, 5))), fx.errors.ShapeError, r"bias of shape \(1, 1, 1, 3, 5\)"),
    (dict(mask=np.ones((3, 1, 3, 5), bool)), fx.errors.ShapeError, r"logits' shape \(2, 4, 3, 5\)"),
    (dict(query_seq_lengths=np.array([1, 2, 3])), fx.errors.ShapeError, r"shape \(2,\)"),
    (dict(key_value_seq_lengths=np.array([1.0, 2.0])), fx.errors.DTypeError, "integer length")])
def test_dot_product_attention_names_a_badly_shaped_bias_mask_or_lengths(kwargs, error, match):
    q, k = np.ones((2, 3, 4, 8), np.float32), np.ones((2, 5, 2, 8), np.float32)
    with pytest.raises(error, match=match):
        nn.dot_product_attention(q, k, k, **kwargs)


@pytest.mark.parametrize("x, axis, error", [(fnp.ones((2, 4)), None, TypeError), (fnp.ones((2, 4)), 5, IndexError),
                                            (fnp.asarray(1.0), -1, ValueError)])
def test_glu_names_a_bad_axis_or_a_0_d_array(x, axis, error):
    with pytest.raises(error) as info:
        nn.glu(x, axis=axis)
    assert isinstance(info.value, fx.errors.FluxionError)


def test_glu_takes_a_numpy_integer_axis():
    x = np.arange(8.0).reshape(2, 4)
    np.testing.assert_allclose(nn.glu(x, axis=np.int64(0)), x[:1] / (1 + np.exp(-x[1:])), rtol=1e-6)
