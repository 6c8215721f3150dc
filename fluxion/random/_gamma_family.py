"""Distributions built on log-gamma samples: chisquare, f, t, generalized_normal, and ball (uniform
in the unit p-ball).

Working with log G rather than G keeps tiny shape parameters exact (G itself underflows), and
each sampler is differentiable in its continuous parameters through the gamma sampler.
"""
from __future__ import annotations

import operator

import numpy as np

from .. import numpy as fnp
from ..core import dtypes
from ..core.array import Array
from ..core.errors import ShapeError, op_error
from ..numpy._convert import convert
from ..scipy.special import logsumexp
from ._continuous import exponential, normal_floats
from ._discrete import rademacher
from ._gamma import sample_loggamma, sample_loggammas
from ._keys import subkeys
from ._util import ArrayLike, DTypeLike, Shape, float_params

__all__ = ["ball", "chisquare", "f", "generalized_normal", "t"]


def chisquare(key: ArrayLike, df: ArrayLike, shape: Shape | None = None, dtype: DTypeLike = dtypes.float32) -> Array:
    """Chi-square samples with `df` degrees of freedom (2 G for G ~ Gamma(df / 2)); NaN where df <= 0.

    >>> import fluxion as fx
    >>> x = fx.random.chisquare(fx.random.key(0), 3.0, (10000,))
    >>> 2.9 < float(x.mean()) < 3.1
    True
    """
    dt, shape, (df,) = float_params("chisquare", dtype, shape, {"df": df})
    return convert(fnp.exp(sample_loggamma("chisquare", key, df / 2.0, shape)) * 2.0, dt)


def f(key: ArrayLike, dfnum: ArrayLike, dfden: ArrayLike, shape: Shape | None = None,
      dtype: DTypeLike = dtypes.float32) -> Array:
    """F samples: (X / dfnum) / (Y / dfden) for independent chi-square X, Y with dfnum, dfden
    degrees of freedom (Y from the first key of split(key), as jax draws them); NaN where either is <= 0.

    >>> import fluxion as fx
    >>> x = fx.random.f(fx.random.key(0), 5.0, 10.0, (20000,))
    >>> 1.2 < float(x.mean()) < 1.3
    True
    """
    dt, shape, (dfnum, dfden) = float_params("f", dtype, shape, {"dfnum": dfnum, "dfden": dfden})
    k_den, k_num = subkeys("f", key, 2)
    # the ratio of the log-gamma samples, which stays exact where the chi-square samples underflow
    log_num, log_den = sample_loggammas("f", [k_num, k_den], [dfnum / 2.0, dfden / 2.0], shape)
    return convert(fnp.exp(log_num - log_den) * (dfden / dfnum), dt)


def t(key: ArrayLike, df: ArrayLike, shape: Shape | None = None, dtype: DTypeLike = dtypes.float32) -> Array:
    """Student's t samples with `df` degrees of freedom: z sqrt(df / X) for a standard normal z
    and a chi-square X with df degrees of freedom; NaN where df <= 0.

    >>> import fluxion as fx
    >>> fx.random.t(fx.random.key(0), 3.0, (2, 2)).shape
    (2, 2)
    """
    dt, shape, (df,) = float_params("t", dtype, shape, {"df": df})
    k_normal, k_gamma = subkeys("t", key, 2)
    z = normal_floats("t", k_normal, shape, df.dtype)
    half = 0.5 * df
    return convert(z * fnp.exp(0.5 * (fnp.log(half) - sample_loggamma("t", k_gamma, half, shape))), dt)


def generalized_normal(key: ArrayLike, p: ArrayLike, shape: Shape = (), dtype: DTypeLike = dtypes.float32) -> Array:
    """Generalized normal samples with density p exp(-|x|**p) / (2 Gamma(1/p)): a random sign
    times G**(1/p) for G ~ Gamma(1/p). `p` > 0 broadcasts to `shape`; NaN where p <= 0.

    p = 2 gives N(0, 1/2), p = 1 the standard Laplace distribution.

    >>> import fluxion as fx
    >>> fx.random.generalized_normal(fx.random.key(0), 3.0, (4,)).shape
    (4,)
    """
    dt, shape, (p,) = float_params("generalized_normal", dtype, shape, {"p": p})
    k_gamma, k_sign = subkeys("generalized_normal", key, 2)
    size = fnp.exp(sample_loggamma("generalized_normal", k_gamma, 1.0 / p, shape) / p)
    return convert(fnp.where(p > 0, rademacher(k_sign, shape, p.dtype) * size, np.nan), dt)


def ball(key: ArrayLike, d: int, p: ArrayLike = 2, shape: Shape = (), dtype: DTypeLike = dtypes.float32) -> Array:
    """Points uniform in the unit p-ball {x in R**d : sum |x_i|**p <= 1}: an array of shape
    `shape + (d,)` (`p` broadcasts to `shape`; NaN where p <= 0).

    Barthe, Guédon, Mendelson and Naor's construction, from jax's draws: for generalized normal
    g_1..g_d of parameter p (random signs times G_i**(1/p) for G_i ~ Gamma(1/p), drawn from the
    first key of split(key)) and a standard exponential e (from the second), the point
    g / (sum |g_i|**p + e)**(1/p) = s_i (G_i / (sum G_j + e))**(1/p) is uniform in the ball. It
    is computed from log G, so that small p (large G**(1/p)) neither overflows nor underflows.

    >>> import fluxion as fx
    >>> x = fx.random.ball(fx.random.key(0), 3, shape=(100,))
    >>> x.shape, bool(((x * x).sum(-1) <= 1).all())
    ((100, 3), True)
    """
    d = operator.index(d)
    if d < 0:
        raise op_error(ShapeError, "random.ball", f"dimension d={d} is negative", "pass d >= 0")
    dt, shape, (p,) = float_params("ball", dtype, shape, {"p": p})
    p = fnp.expand_dims(p, -1)
    k_g, k_e = subkeys("ball", key, 2)
    k_gamma, k_sign = subkeys("ball", k_g, 2)  # as generalized_normal draws from k_g
    log_g = sample_loggamma("ball", k_gamma, fnp.broadcast_to(1.0 / p, shape + (d,)), shape + (d,))
    log_e = fnp.log(fnp.expand_dims(exponential(k_e, shape, p.dtype), -1))
    log_total = logsumexp(fnp.concatenate([log_g, log_e], -1), axis=-1, keepdims=True)
    x = rademacher(k_sign, shape + (d,), p.dtype) * fnp.exp((log_g - log_total) / p)
    return convert(fnp.where(p > 0, x, np.nan), dt)
