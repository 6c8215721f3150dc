"""Continuous distributions by transforming uniform and normal samples: cauchy, laplace, logistic,
lognormal, pareto, rayleigh, weibull_min, triangular, wald, maxwell, double_sided_maxwell.

Each is differentiable in its continuous parameters: the sample is a smooth function of them for
fixed random bits, and that derivative is the implicit-reparameterization one, -(dF/dtheta) / f,
except for wald, whose choice between two roots depends on its mean and which is given that
derivative by a custom rule. cauchy, laplace, logistic, pareto, weibull_min, rayleigh and maxwell
take jax's uniforms and arithmetic, so a key gives jax's values (rayleigh takes u = 0, where its
sample would be infinite, as the smallest normal float); triangular, which would take a square
root at 0 at the ends of [0, 1), uses the midpoints of the uniform grid instead, which lie in
(0, 1), so that no gradient is infinite.
"""
from __future__ import annotations

import math

import ml_dtypes
import numpy as np

from .. import numpy as fnp
from ..core import dtypes
from ..core.array import Array
from ..numpy._convert import convert
from ..scipy.special import log_ndtr
from ..transforms.autodiff.custom import custom_jvp
from ._continuous import exponential, floats_between, normal_floats, unit_floats
from ._discrete import rademacher
from ._keys import subkeys
from ._ops import ops_for
from ._util import ArrayLike, DTypeLike, Shape, canonical_shape, compute_dtype, float_dtype, float_params

__all__ = ["cauchy", "double_sided_maxwell", "laplace", "logistic", "lognormal", "maxwell", "pareto", "rayleigh",
           "triangular", "wald", "weibull_min"]


def open_unit_floats(op: str, key, shape: tuple[int, ...], dt: np.dtype) -> Array:
    """Uniform floats of the float32 or float64 `dt` in the open interval (0, 1): the midpoints
    of the grid of `unit_floats`."""
    half_step = 2.0 ** -(ml_dtypes.finfo(dt).nmant + 1)
    return unit_floats(op, key, shape, dt) + half_step


def _unit_setup(op: str, shape, dtype) -> tuple[np.dtype, np.dtype, tuple[int, ...]]:
    dt = float_dtype(op, dtype)
    return dt, compute_dtype(dt), canonical_shape(f"random.{op}", shape)


def cauchy(key: ArrayLike, shape: Shape = (), dtype: DTypeLike = dtypes.float32) -> Array:
    """Standard Cauchy samples: tan(pi (u - 1/2)) for u uniform in [eps, 1), in `dtype` (as jax
    computes them, so a key gives jax's values).

    >>> import fluxion as fx
    >>> fx.random.cauchy(fx.random.key(0), (2, 3)).shape
    (2, 3)
    """
    dt, ops, u = _floats_between("cauchy", key, shape, dtype, lambda info: (float(info.eps), 1.0))
    return ops.result(ops.tan(ops.mul(ops.const(math.pi, dt), ops.sub(u, ops.const(0.5, dt)))))


def laplace(key: ArrayLike, shape: Shape = (), dtype: DTypeLike = dtypes.float32) -> Array:
    """Standard Laplace samples (density exp(-|x|) / 2): sign(v) log1p(-|v|) for v uniform in
    [-1 + epsneg, 1), in `dtype`, as jax draws them.

    >>> import fluxion as fx
    >>> x = fx.random.laplace(fx.random.key(0), (10000,))
    >>> 1.9 < float((x * x).mean()) < 2.1
    True
    """
    _, ops, v = _floats_between("laplace", key, shape, dtype, lambda info: (-1.0 + float(info.epsneg), 1.0))
    return ops.result(ops.mul(ops.sign(v), ops.log1p(ops.neg(ops.abs(v)))))


def logistic(key: ArrayLike, shape: Shape = (), dtype: DTypeLike = dtypes.float32) -> Array:
    """Standard logistic samples: log(u) - log1p(-u) for u uniform in [tiny, 1), in `dtype`, as
    jax draws them.

    >>> import fluxion as fx
    >>> fx.random.logistic(fx.random.key(0), (4,)).dtype
    dtype('float32')
    """
    _, ops, u = _floats_between("logistic", key, shape, dtype, lambda info: (float(info.tiny), 1.0))
    return ops.result(ops.sub(ops.log(u), ops.log1p(ops.neg(u))))


def _floats_between(op: str, key, shape, dtype, bounds) -> tuple[np.dtype, object, Array]:
    """The setup of a sampler that transforms uniform floats of its `dtype` in [lo, hi), with
    `(lo, hi) = bounds(finfo(dtype))`: the dtype, the `ops` it computes with, the floats."""
    dt = float_dtype(op, dtype)
    ops = ops_for(key)
    u = floats_between(op, key, canonical_shape(f"random.{op}", shape), dt, *bounds(ml_dtypes.finfo(dt)), ops)
    return dt, ops, u


def maxwell(key: ArrayLike, shape: Shape = (), dtype: DTypeLike = dtypes.float32) -> Array:
    """Maxwell samples (the length of a standard normal vector in three dimensions), in `dtype`
    as jax computes them (16-bit squares summed in float32).

    >>> import fluxion as fx
    >>> x = fx.random.maxwell(fx.random.key(0), (10000,))
    >>> 2.9 < float((x * x).mean()) < 3.1
    True
    """
    _, _, shape = _unit_setup("maxwell", shape, dtype)
    return _maxwell("maxwell", key, shape, float_dtype("maxwell", dtype))


def _maxwell(op: str, key, shape: tuple[int, ...], dt: np.dtype) -> Array:
    z = normal_floats(op, key, shape + (3,), dt)
    return fnp.sqrt(convert(convert(z * z, compute_dtype(dt)).sum(-1), dt))


def lognormal(key: ArrayLike, sigma: ArrayLike = 1.0, shape: Shape | None = None,
              dtype: DTypeLike = dtypes.float32) -> Array:
    """Log-normal samples exp(sigma z) for standard normal z (`sigma` broadcasts to `shape`); NaN
    where sigma < 0.

    >>> import fluxion as fx
    >>> bool((fx.random.lognormal(fx.random.key(0), 0.5, (5,)) > 0).all())
    True
    """
    dt, shape, (sigma,) = float_params("lognormal", dtype, shape, {"sigma": sigma})
    z = convert(normal_floats("lognormal", key, shape, dt), sigma.dtype)  # (drawn in dt, as jax's)
    return convert(fnp.where(sigma >= 0, fnp.exp(sigma * z), np.nan), dt)


def pareto(key: ArrayLike, b: ArrayLike, shape: Shape | None = None, dtype: DTypeLike = dtypes.float32) -> Array:
    """Pareto samples with shape `b` and scale 1 (density b / x**(b + 1) for x >= 1): exp(E / b)
    for standard exponential E (the samples of `exponential`, as jax draws them). NaN where b <= 0.

    >>> import fluxion as fx
    >>> bool((fx.random.pareto(fx.random.key(0), 3.0, (5,)) >= 1).all())
    True
    """
    dt, shape, (b,) = float_params("pareto", dtype, shape, {"b": b})
    e = convert(exponential(key, shape, dt), b.dtype)  # (drawn in dt, as jax's)
    return convert(fnp.where(b > 0, fnp.exp(e / b), np.nan), dt)


def rayleigh(key: ArrayLike, scale: ArrayLike, shape: Shape | None = None,
             dtype: DTypeLike = dtypes.float32) -> Array:
    """Rayleigh samples with `scale` (density x / scale**2 exp(-x**2 / (2 scale**2))): scale
    sqrt(-2 log(u)) for u uniform in [0, 1), as jax draws them, except that u = 0 (an infinite
    sample) is taken as the smallest normal float. NaN where scale < 0 (scale = 0 gives 0, as in NumPy).

    >>> import fluxion as fx
    >>> bool((fx.random.rayleigh(fx.random.key(0), 2.0, (5,)) > 0).all())
    True
    """
    dt, shape, (scale,) = float_params("rayleigh", dtype, shape, {"scale": scale})
    u = fnp.maximum(convert(unit_floats("rayleigh", key, shape, dt), scale.dtype), ml_dtypes.finfo(dt).tiny)
    x = scale * fnp.sqrt(fnp.log(u) * -2.0)
    return convert(fnp.where(scale >= 0, x, np.nan), dt)


def weibull_min(key: ArrayLike, scale: ArrayLike, concentration: ArrayLike, shape: Shape = (),
                dtype: DTypeLike = dtypes.float32) -> Array:
    """Weibull samples E**(1 / concentration) * scale for standard exponential E (the samples of
    `exponential`); NaN where concentration <= 0 or scale < 0.

    The output shape is `shape` broadcast with the shapes of `scale` and `concentration`.

    >>> import fluxion as fx
    >>> import fluxion.numpy as fnp
    >>> fx.random.weibull_min(fx.random.key(0), fnp.ones(3), 2.0).shape
    (3,)
    """
    dt, shape, (scale, k) = float_params("weibull_min", dtype, shape, {"scale": scale, "concentration": concentration},
                                         joint=True)
    x = fnp.power(convert(exponential(key, shape, dt), k.dtype), 1.0 / k) * scale  # jax's draws and arithmetic
    return convert(fnp.where((k > 0) & (scale >= 0), x, np.nan), dt)


def double_sided_maxwell(key: ArrayLike, loc: ArrayLike, scale: ArrayLike, shape: Shape = (),
                         dtype: DTypeLike = dtypes.float32) -> Array:
    """Double-sided Maxwell samples loc + scale s M, for a Maxwell sample M and a random sign s;
    NaN where scale < 0.

    As jax's, `shape` is added before the shape that `loc` and `scale` broadcast to.

    >>> import fluxion as fx
    >>> fx.random.double_sided_maxwell(fx.random.key(0), 1.0, fx.numpy.ones(3), (4,)).shape
    (4, 3)
    """
    dt, batch, (loc, scale) = float_params("double_sided_maxwell", dtype, (), {"loc": loc, "scale": scale}, joint=True)
    shape = canonical_shape("random.double_sided_maxwell", shape) + batch
    k_size, k_sign = subkeys("double_sided_maxwell", key, 2)
    size = _maxwell("double_sided_maxwell", k_size, shape, loc.dtype)
    x = loc + scale * rademacher(k_sign, shape, loc.dtype) * size
    return convert(fnp.where(scale >= 0, x, np.nan), dt)


def triangular(key: ArrayLike, left: ArrayLike, mode: ArrayLike, right: ArrayLike, shape: Shape | None = None,
               dtype: DTypeLike = dtypes.float32) -> Array:
    """Triangular samples on [left, right] with peak at `mode`, by the inverse CDF; NaN unless
    left <= mode <= right and left < right.

    >>> import fluxion as fx
    >>> x = fx.random.triangular(fx.random.key(0), 0.0, 1.0, 3.0, (100,))
    >>> bool(((x > 0) & (x < 3)).all())
    True
    """
    dt, shape, (lo, mode, hi) = float_params("triangular", dtype, shape, {"left": left, "mode": mode, "right": right})
    u = open_unit_floats("triangular", key, shape, lo.dtype)
    width = hi - lo
    rising = lo + fnp.sqrt(u * width * (mode - lo))
    falling = hi - fnp.sqrt((1.0 - u) * width * (hi - mode))
    x = fnp.where(u * width < mode - lo, rising, falling)
    return convert(fnp.where((lo <= mode) & (mode <= hi) & (lo < hi), x, np.nan), dt)


def _wald_roots(mean: Array, z: Array, u: Array) -> Array:
    """Michael, Schucany and Haas's choice between the roots x and mean**2 / x (see `wald`)."""
    w = 0.5 * mean * z * z
    small = mean / (1.0 + w + fnp.sqrt(w) * fnp.sqrt(2.0 + w))  # (w (2 + w) would overflow first)
    return fnp.where(u * (mean + small) <= mean, small, mean * mean / small)


def _wald_dx_dmean(x: Array, mean: Array) -> Array:
    """dx/dmean = -(dF/dmean) / f at the sample x, the implicit reparameterization gradient: for
    the CDF F(x) = Phi((x/mean - 1) / sqrt(x)) + e**(2/mean) Phi(-(x/mean + 1) / sqrt(x)) the
    normal density terms of dF/dmean cancel, leaving -2 / mean**2 e**(2/mean) Phi(-(x/mean + 1) / sqrt(x))."""
    log_density = -0.5 * fnp.log(2 * math.pi * x * x * x) - (x - mean) ** 2 / (2.0 * mean * mean * x)
    log_tail = log_ndtr(-(x / mean + 1.0) / fnp.sqrt(x))
    return 2.0 / (mean * mean) * fnp.exp(2.0 / mean + log_tail - log_density)


_wald_sample = custom_jvp(_wald_roots)
_wald_sample.defjvps(lambda t, x, mean, z, u: t * _wald_dx_dmean(x, mean), None, None)


def wald(key: ArrayLike, mean: ArrayLike, shape: Shape | None = None, dtype: DTypeLike = dtypes.float32) -> Array:
    """Wald (inverse Gaussian) samples with `mean` and shape parameter 1, i.e. density
    exp(-(x - mean)**2 / (2 mean**2 x)) / sqrt(2 pi x**3); NaN where mean <= 0.

    Michael, Schucany and Haas's method: of the two roots x, mean**2 / x of the equation that a
    chi-square(1) sample y gives, take the smaller with probability mean / (mean + x). The
    smaller root is written as mean / (1 + w + sqrt(w (2 + w))) with w = mean y / 2, which
    does not cancel for large mean y. As the choice of root depends on mean, the derivative in
    mean is the implicit one, -(dF/dmean) / f, not that of the chosen root.

    >>> import fluxion as fx
    >>> x = fx.random.wald(fx.random.key(0), 2.0, (20000,))
    >>> 1.9 < float(x.mean()) < 2.1
    True
    """
    dt, shape, (mean,) = float_params("wald", dtype, shape, {"mean": mean})
    k_normal, k_pick = subkeys("wald", key, 2)
    z = normal_floats("wald", k_normal, shape, mean.dtype)
    u = unit_floats("wald", k_pick, shape, mean.dtype)
    x = _wald_sample(fnp.broadcast_to(mean, shape), z, u)
    return convert(fnp.where(mean > 0, x, np.nan), dt)
