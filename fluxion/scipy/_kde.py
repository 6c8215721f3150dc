"""Kernel density estimation with Gaussian kernels: `stats.gaussian_kde`, with SciPy's values
and jax's interface (`resample` takes a key).

The estimate is a pytree (its data, weights and bandwidth are leaves), so it passes through
`jit` and `vmap`; its densities are differentiable in the points and in the data.

>>> import fluxion.numpy as fnp
>>> from fluxion.scipy.stats import gaussian_kde
>>> kde = gaussian_kde(fnp.asarray([-1.0, 0.0, 1.0]), bw_method=1.0)
>>> round(kde.integrate_box_1d(-100.0, 100.0).item(), 6)
1.0
"""
from __future__ import annotations

import math
from typing import Callable

import numpy as np

from .. import numpy as fnp
from .. import random as fr
from ..core import tree
from ..core.array import Array, Tracer
from ..core.errors import ShapeError, op_error
from ..numpy._convert import promote_inexact
from .linalg import cholesky, solve_triangular
from .special import logsumexp, ndtr

__all__ = ["gaussian_kde"]


def _log_normal(diff: Array, cov: Array) -> Array:
    """log N(diff; 0, cov) for `diff` of shape (..., d)."""
    chol = cholesky(cov, lower=True)
    d = cov.shape[-1]
    z = solve_triangular(chol, fnp.reshape(fnp.moveaxis(diff, -1, 0), (d, -1)), lower=True)
    z = fnp.reshape(z, (d,) + diff.shape[:-1])
    return -0.5 * fnp.sum(z * z, axis=0) - fnp.sum(fnp.log(fnp.diagonal(chol))) - 0.5 * d * math.log(2 * math.pi)


class gaussian_kde:  # noqa: N801  (SciPy's name)
    """A kernel density estimate from weighted samples, with Gaussian kernels.

    Args:
        dataset: the samples, shape (d, n) (or (n,) for one dimension).
        bw_method: the bandwidth factor: 'scott' (the default, neff^(-1/(d+4))), 'silverman'
            ((neff (d + 2) / 4)^(-1/(d+4))), a number, or a function of the estimate giving one.
        weights: the samples' weights (normalized to sum 1), equal by default.

    Attributes: `dataset`, `weights`, `d`, `n`, `neff` (the effective number of samples),
    `factor`, `covariance` (the kernel's: the data's weighted covariance times factor**2) and `inv_cov`.

    >>> import fluxion.numpy as fnp
    >>> from fluxion.scipy.stats import gaussian_kde
    >>> kde = gaussian_kde(fnp.asarray([[0.0, 1.0, 3.0], [1.0, 0.0, 2.0]]))
    >>> kde.d, kde.n, kde.evaluate(fnp.asarray([[1.0], [1.0]])).shape
    (2, 3, (1,))
    """

    def __init__(self, dataset, bw_method: str | float | Callable | None = None, weights=None):
        (dataset,) = promote_inexact("gaussian_kde", dataset, complex_ok=False)
        dataset = fnp.atleast_2d(dataset)
        if dataset.ndim != 2 or dataset.size < 2:
            raise op_error(ValueError, "gaussian_kde", f"dataset of shape {dataset.shape} needs several samples",
                           "pass samples of shape (d, n) with n > 1 (or (n,) in one dimension)")
        d, n = dataset.shape
        if d > n:
            raise op_error(ValueError, "gaussian_kde", f"{d}-dimensional data of {n} samples has a singular covariance",
                           f"pass at least {d} samples of shape ({d}, n), or data of fewer dimensions")
        if weights is None:
            weights = fnp.full(n, 1 / n, dtype=dataset.dtype)
        else:
            dataset, weights = promote_inexact("gaussian_kde", dataset, weights, complex_ok=False)
            if weights.shape != (n,):
                raise op_error(ShapeError, "gaussian_kde", f"weights of shape {weights.shape} for {n} samples",
                               f"pass one weight per sample, shape ({n},)")
            weights = weights / fnp.sum(weights)
        self.dataset, self.weights = dataset, weights
        self.neff = 1 / fnp.sum(weights ** 2)
        self._set_factor(bw_method)

    def _set_factor(self, bw_method) -> None:
        if bw_method is None or bw_method == "scott":
            factor = self.scotts_factor()
        elif bw_method == "silverman":
            factor = self.silverman_factor()
        elif isinstance(bw_method, str):
            raise op_error(ValueError, "gaussian_kde", f"bw_method {bw_method!r} is not known",
                           "pass 'scott', 'silverman', a number or a function of the estimate")
        elif callable(bw_method):
            factor = bw_method(self)
        else:
            factor = bw_method
        self.factor = fnp.asarray(factor, dtype=self.dataset.dtype)
        mean = self.dataset @ self.weights
        centred = self.dataset - mean[:, None]
        # the weighted covariance without bias, as np.cov(dataset, aweights=weights)
        data_cov = (centred * self.weights) @ centred.T / (1 - fnp.sum(self.weights ** 2))
        self.covariance = data_cov * self.factor ** 2
        if not isinstance(data_cov, Tracer):  # (as SciPy; traced data, under jit or grad, cannot be checked)
            eigenvalues = np.linalg.eigvalsh(np.asarray(data_cov, np.float64))
            if not eigenvalues[0] > eigenvalues[-1] * self.d * np.finfo(data_cov.dtype).eps:
                raise op_error(ValueError, "gaussian_kde", "the data lie in a lower-dimensional subspace (or are "
                               "constant): their covariance is singular", "drop the dependent dimensions, or pass "
                               "data that vary in every dimension")
        self.inv_cov = fnp.linalg.inv(self.covariance)

    @property
    def d(self) -> int:
        return self.dataset.shape[0]

    @property
    def n(self) -> int:
        return self.dataset.shape[1]

    def scotts_factor(self) -> Array:
        return self.neff ** (-1 / (self.d + 4))

    def silverman_factor(self) -> Array:
        return (self.neff * (self.d + 2) / 4) ** (-1 / (self.d + 4))

    def covariance_factor(self) -> Array:
        """The bandwidth factor that `bw_method` chose (`factor`)."""
        return self.factor

    def set_bandwidth(self, bw_method: str | float | Callable | None = None) -> None:
        """Chooses the bandwidth factor again, as `bw_method` in the constructor does."""
        self._set_factor(bw_method)

    def _points(self, points) -> Array:
        # promoted with the data, so that Python floats keep their digits next to float64 data
        points, _ = promote_inexact("gaussian_kde", points, self.dataset, complex_ok=False)
        points = fnp.atleast_2d(points).astype(self.dataset.dtype)
        if points.ndim != 2 or points.shape[0] != self.d:
            if points.ndim == 2 and points.shape == (1, self.d):  # one point of d coordinates
                return fnp.reshape(points, (self.d, 1))
            raise op_error(ShapeError, "gaussian_kde", f"points of shape {points.shape} for {self.d}-dimensional data",
                           f"pass points of shape ({self.d}, m)")
        return points

    def logpdf(self, x) -> Array:
        """The log density at points `x` of shape (d, m): shape (m,)."""
        x = self._points(x)
        diff = fnp.transpose(x)[:, None, :] - fnp.transpose(self.dataset)[None, :, :]
        return logsumexp(_log_normal(diff, self.covariance) + fnp.log(self.weights), axis=1)

    def evaluate(self, points) -> Array:
        """The density at `points` of shape (d, m): shape (m,)."""
        return fnp.exp(self.logpdf(points))

    __call__ = pdf = evaluate

    def integrate_gaussian(self, mean, cov) -> Array:
        """The integral of the estimate times the normal density N(mean, cov)."""
        mean, cov, _ = promote_inexact("integrate_gaussian", mean, cov, self.dataset, complex_ok=False)
        mean = fnp.reshape(fnp.atleast_1d(mean), (-1,)).astype(self.dataset.dtype)
        cov = fnp.atleast_2d(cov).astype(self.dataset.dtype)
        if mean.shape != (self.d,) or cov.shape != (self.d, self.d):
            raise op_error(ShapeError, "integrate_gaussian", f"mean of shape {mean.shape} and cov of shape "
                           f"{cov.shape} for {self.d}-dimensional data",
                           f"pass mean of shape ({self.d},) and cov of shape ({self.d}, {self.d})")
        diff = fnp.transpose(self.dataset) - mean
        return fnp.sum(self.weights * fnp.exp(_log_normal(diff, self.covariance + cov)))

    def integrate_box_1d(self, low, high) -> Array:
        """The integral of a one-dimensional estimate from `low` to `high`."""
        if self.d != 1:
            raise op_error(ValueError, "integrate_box_1d", f"the data has {self.d} dimensions",
                           "use it on one-dimensional data only")
        scale = fnp.sqrt(self.covariance[0, 0])
        x = self.dataset[0]
        return fnp.sum(self.weights * (ndtr((high - x) / scale) - ndtr((low - x) / scale)))

    def integrate_kde(self, other: gaussian_kde) -> Array:
        """The integral of the product of two estimates of the same dimension."""
        if other.d != self.d:
            raise op_error(ValueError, "integrate_kde", f"the estimates have {self.d} and {other.d} dimensions",
                           "integrate estimates of the same dimension")
        diff = fnp.transpose(self.dataset)[:, None, :] - fnp.transpose(other.dataset)[None, :, :]
        density = fnp.exp(_log_normal(diff, self.covariance + other.covariance))
        return self.weights @ density @ other.weights

    def resample(self, key, shape: tuple[int, ...] = ()) -> Array:
        """Samples of the estimate, shape (d,) + `shape`: a sample drawn by its weight, plus kernel noise."""
        pick, noise = fr.split(key)
        index = fr.choice(pick, self.n, shape=tuple(shape), p=self.weights)
        eps = fr.multivariate_normal(noise, fnp.zeros(self.d, self.dataset.dtype), self.covariance,
                                     shape=tuple(shape), dtype=self.dataset.dtype)
        return self.dataset[:, index] + fnp.moveaxis(eps, -1, 0)

    def integrate_box(self, low_bounds, high_bounds, maxpts=None) -> Array:
        """The integral over a box; one-dimensional data only (bounds of one element each)."""
        if self.d != 1:
            raise op_error(NotImplementedError, "gaussian_kde.integrate_box", "boxes of several dimensions are "
                           "not supported", "integrate one-dimensional data, or estimate the integral by sampling")
        return self.integrate_box_1d(*(fnp.reshape(fnp.asarray(b), ()) for b in (low_bounds, high_bounds)))


_FIELDS = ("dataset", "weights", "neff", "factor", "covariance", "inv_cov")


def _unflatten(_, children) -> gaussian_kde:
    kde = object.__new__(gaussian_kde)
    for name, value in zip(_FIELDS, children):
        setattr(kde, name, value)
    return kde


tree.register(gaussian_kde, lambda kde: ([getattr(kde, f) for f in _FIELDS], None), _unflatten)
