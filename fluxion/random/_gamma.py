"""Gamma and the distributions built on it: gamma, loggamma, beta, dirichlet.

Gamma(a) uses Marsaglia and Tsang's method ("A simple method for generating gamma variables",
2000), drawn element by element from the keys jax derives, so that a key gives jax's values
(`_gamma_loop.py`); for a < 1 it samples Gamma(a + 1) and multiplies by U**(1/a). beta and
dirichlet combine log-gamma samples as jax does.

Derivatives in `a` are implicit (reparameterized through the CDF): a sample g is held at its
quantile u = P(a, g) as `a` moves, so dg/da = -(dP/da)(a, g) / p(a, g), with p the density. The
derivative of the rejection steps themselves would be biased, since acceptance depends on `a`.
"""
from __future__ import annotations

import numpy as np

from ..core import dtypes
from ..core.array import Array
from ..core.errors import ShapeError, op_error
from ..numpy._convert import convert
from ..ops import elementwise as E
from ..ops import reduce as R
from ..ops import shape as S
from ..scipy.special import softmax
from ..transforms.autodiff.custom import custom_jvp
from ._gamma_loop import gamma_draws
from ._keys import subkeys
from ._util import ArrayLike, DTypeLike, Shape, compute_dtype, float_dtype, like, param, sample_shape

__all__ = ["beta", "dirichlet", "gamma", "loggamma"]


def _draws(op: str, keys: list, a: Array, log_space: bool) -> Array:
    """Gamma(a[i]) samples (their logs where `log_space`) from `keys[i]`, stacked, for `a` of shape
    (len(keys),) + the sample shape; NaN where a <= 0 or a is NaN. `a` carries no derivative here
    (the samplers attach the implicit one)."""
    a = E.stop_gradient_p.bind(a)
    valid = E.gt_p.bind(a, like(0, a))  # False for NaN too
    a = E.select_n_p.bind(valid, like(1, a), a)  # keeps the discarded lanes free of invalid arithmetic
    out = gamma_draws(op, keys, a, log_space)
    return E.select_n_p.bind(valid, like(np.nan, out), out)


def _stacked(params: list, shape: tuple[int, ...]) -> Array:
    """The parameters broadcast to `shape`, stacked on a new first axis."""
    return S.concatenate([S.reshape(S.broadcast_to(p, shape), (1,) + shape) for p in params], 0)


def _log_slope(a: Array, log_g: Array) -> Array:
    """d log(g) / da for g ~ Gamma(a) held at its quantile: -(dP/da)(a, g) / (g p(a, g)), where
    g p(a, g) = exp(a log g - g - lgamma(a)); where g underflows to 0, the limit of small g,
    -(log g - digamma(a + 1)) / a (from P(a, g) ~ g**a / Gamma(a + 1)). Computed in float64:
    for large a the terms of log(g p) are large and cancel, and exp amplifies what is left."""
    if a.dtype != dtypes.float64:
        return convert(_log_slope(convert(a, dtypes.float64), convert(log_g, dtypes.float64)), a.dtype)
    g = E.exp_p.bind(log_g)
    held = E.gt_p.bind(g, like(0, g))
    g_safe = E.select_n_p.bind(held, like(1, g), g)  # no NaN from the unused branch flows back
    log_gp = E.sub_p.bind(E.sub_p.bind(E.mul_p.bind(a, log_g), g_safe), E.lgamma_p.bind(a))
    exact = E.neg_p.bind(E.mul_p.bind(E.igamma_grad_a_p.bind(a, g_safe), E.exp_p.bind(E.neg_p.bind(log_gp))))
    small = E.neg_p.bind(E.div_p.bind(E.sub_p.bind(log_g, E.digamma_p.bind(E.add_p.bind(a, like(1, a)))), a))
    return E.select_n_p.bind(held, small, exact)


@custom_jvp
def _held_log(a: Array, log_g: Array) -> Array:
    """log Gamma(a) samples `log_g`, differentiated in `a` implicitly (`log_g` carries no tangent)."""
    return log_g


_held_log.defjvps(lambda t, out, a, log_g: E.mul_p.bind(t, _log_slope(a, out)), None)


@custom_jvp
def _held(a: Array, g: Array) -> Array:
    """Gamma(a) samples `g`, differentiated in `a` implicitly (0 where g underflows)."""
    return g


def _slope(a: Array, g: Array) -> Array:
    """dg/da, g times d log(g) / da; 0 where g underflows to 0."""
    held = E.gt_p.bind(g, like(0, g))
    slope = E.mul_p.bind(g, _log_slope(a, E.log_p.bind(E.select_n_p.bind(held, like(1, g), g))))
    return E.select_n_p.bind(held, like(0, g), slope)


_held.defjvps(lambda t, out, a, g: E.mul_p.bind(t, _slope(a, out)), None)


def _setup(op: str, a, shape, dtype) -> tuple[np.dtype, Array, tuple[int, ...]]:
    dt = float_dtype(op, dtype)
    a = param(op, "a", a, compute_dtype(dt))
    return dt, a, sample_shape(op, shape, a.shape)


def gamma(key: ArrayLike, a: ArrayLike, shape: Shape | None = None, dtype: DTypeLike = dtypes.float32) -> Array:
    """Gamma(a, 1) samples (shape parameter `a`, broadcast to `shape`); NaN where a <= 0.

    >>> import fluxion as fx
    >>> x = fx.random.gamma(fx.random.key(0), 2.0, (1000,))
    >>> 1.8 < float(x.mean()) < 2.2
    True
    """
    dt, a, shape = _setup("gamma", a, shape, dtype)
    a = _stacked([a], shape)
    return convert(S.reshape(_held(a, _draws("gamma", [key], a, False)), shape), dt)


def sample_loggamma(op: str, key, a: Array, shape: tuple[int, ...]) -> Array:
    """log of Gamma(a) samples of `shape` (`a`, in the compute dtype, broadcasts to it), for the
    samplers built on gamma; differentiable in `a` implicitly."""
    return sample_loggammas(op, [key], [a], shape)[0]


def sample_loggammas(op: str, keys: list, params: list, shape: tuple[int, ...]) -> list[Array]:
    """`sample_loggamma` of each key and parameter, drawn together (one loop where compiled)."""
    a = _stacked(params, shape)
    logs = _held_log(a, _draws(op, keys, a, True))
    return [S.reshape(S.slice(logs, (i,) + (0,) * len(shape), (i + 1,) + shape), shape) for i in range(len(keys))]


def loggamma(key: ArrayLike, a: ArrayLike, shape: Shape | None = None, dtype: DTypeLike = dtypes.float32) -> Array:
    """log of Gamma(a, 1) samples, accurate where the samples themselves underflow (tiny a).

    >>> import fluxion as fx
    >>> bool(fx.numpy.isfinite(fx.random.loggamma(fx.random.key(0), 1e-3, (4,))).all())
    True
    """
    dt, a, shape = _setup("loggamma", a, shape, dtype)
    return convert(sample_loggamma("loggamma", key, a, shape), dt)


def beta(key: ArrayLike, a: ArrayLike, b: ArrayLike, shape: Shape | None = None,
         dtype: DTypeLike = dtypes.float32) -> Array:
    """Beta(a, b) samples, as G_a / (G_a + G_b) computed from log-gamma samples scaled by the larger
    (exact for tiny a, b), as jax computes them.

    >>> import fluxion as fx
    >>> x = fx.random.beta(fx.random.key(0), 2.0, 3.0, (10,))
    >>> bool(((x >= 0) & (x <= 1)).all())
    True
    """
    dt = float_dtype("beta", dtype)
    cdt = compute_dtype(dt)
    a, b = param("beta", "a", a, cdt), param("beta", "b", b, cdt)
    shape = sample_shape("beta", shape, a.shape, b.shape)
    k_a, k_b = subkeys("beta", key, 2)
    log_a, log_b = sample_loggammas("beta", [k_a, k_b], [a, b], shape)
    log_max = E.max_p.bind(log_a, log_b)
    g_a, g_b = (E.exp_p.bind(E.sub_p.bind(x, log_max)) for x in (log_a, log_b))
    return convert(E.div_p.bind(g_a, E.add_p.bind(g_a, g_b)), dt)


def dirichlet(key: ArrayLike, alpha: ArrayLike, shape: Shape | None = None, dtype: DTypeLike = dtypes.float32) -> Array:
    """Dirichlet(alpha) samples: `alpha` has the categories on its last axis; the output has
    shape `shape + (k,)` (`shape` defaults to alpha's batch shape `alpha.shape[:-1]`). A sample
    is all NaN where a concentration of its alpha is <= 0 or NaN.

    Normalises log-gamma samples with a softmax, so tiny concentrations stay exact.

    >>> import fluxion as fx
    >>> x = fx.random.dirichlet(fx.random.key(0), fx.numpy.asarray([1.0, 2.0, 3.0]), (4,))
    >>> x.shape, bool(abs(float(x.sum(-1)[0]) - 1) < 1e-5)
    ((4, 3), True)
    """
    dt = float_dtype("dirichlet", dtype)
    alpha = param("dirichlet", "alpha", alpha, compute_dtype(dt))
    if alpha.ndim == 0:
        raise op_error(ShapeError, "random.dirichlet", "alpha is 0-d; it needs a last axis of categories",
                       "pass alpha with one concentration per category, e.g. shape (k,)")
    shape = sample_shape("dirichlet", shape, alpha.shape[:-1]) + alpha.shape[-1:]
    x = softmax(sample_loggamma("dirichlet", key, alpha, shape), axis=-1)
    # (NaN set after the softmax, so that every entry of an invalid sample is NaN)
    valid = R.reduce_and(E.gt_p.bind(alpha, like(0, alpha)), (alpha.ndim - 1,))
    valid = S.expand_dims(valid, (valid.ndim,))
    return convert(E.select_n_p.bind(S.broadcast_to(valid, shape), like(np.nan, x), x), dt)
