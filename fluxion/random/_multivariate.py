"""The multivariate normal distribution and Haar-random orthogonal (unitary) matrices."""
from __future__ import annotations

import operator

from .. import numpy as fnp
from ..core import dtypes
from ..core.array import Array
from ..core.errors import ShapeError, op_error
from ..numpy._convert import convert
from ..numpy._linear import matmul
from ..ops import elementwise as E
from ..ops import linalg as L
from ..ops import shape as S
from ._continuous import normal
from ._util import ArrayLike, DTypeLike, Shape, canonical_shape, compute_dtype, float_dtype, param, sample_shape

__all__ = ["multivariate_normal", "orthogonal"]


def _cholesky(cov):
    return L.cholesky(cov)


def _eigh(cov):
    vectors, values = L.eigh(cov)
    roots = E.sqrt_p.bind(E.max_p.bind(values, convert(0, values.dtype)))  # clip rounding below 0
    # an eigenvalue below the rounding of the largest one means cov is not positive semi-definite
    tolerance = values.shape[-1] * fnp.finfo(values.dtype).eps * fnp.abs(values).max(-1, keepdims=True)
    roots = fnp.where((values >= -tolerance).all(-1, keepdims=True), roots, fnp.nan)
    return E.mul_p.bind(vectors, S.expand_dims(roots, (-2,)))


def _svd(cov):
    u, s, _ = L.svd(cov)
    return E.mul_p.bind(u, S.expand_dims(E.sqrt_p.bind(s), (-2,)))


# each gives a factor A with A @ A.T == cov
_FACTORS = {"cholesky": _cholesky, "eigh": _eigh, "svd": _svd}


def multivariate_normal(key: ArrayLike, mean: ArrayLike, cov: ArrayLike, shape: Shape | None = None,
                        dtype: DTypeLike = None, method: str = "cholesky") -> Array:
    """Samples of N(mean, cov): `mean` is (..., n), `cov` is (..., n, n); the output is
    `shape + (n,)`, where `shape` defaults to the broadcast batch shape of mean and cov.

    The sample is mean + A z for standard normal z and a factor A with A A^T = cov: the
    Cholesky factor (`method="cholesky"`, NaN unless cov is positive definite), or
    V sqrt(w) from an eigendecomposition (`"eigh"`, NaN where cov has an eigenvalue below
    the rounding error of its largest) or U sqrt(s) from an SVD (`"svd"`), which also accept
    positive semi-definite cov. `dtype` defaults to the float dtype of mean and cov
    (float32 for integers).

    >>> import fluxion as fx
    >>> import fluxion.numpy as fnp
    >>> fx.random.multivariate_normal(fx.random.key(0), fnp.zeros(2), fnp.eye(2), (5,)).shape
    (5, 2)
    """
    if method not in _FACTORS:
        raise op_error(ValueError, "random.multivariate_normal", f"method {method!r} is not one of {sorted(_FACTORS)}",
                       "pass method='cholesky', 'eigh' or 'svd'")
    if dtype is None:  # (that of mean and cov, as jax's)
        dtype = fnp.result_type(fnp.asarray(mean), fnp.asarray(cov))
        dtype = dtype if dtypes.is_floating(dtype) else dtypes.float32
    dt = float_dtype("multivariate_normal", dtype)
    cdt = compute_dtype(dt)
    mean, cov = param("multivariate_normal", "mean", mean, cdt), param("multivariate_normal", "cov", cov, cdt)
    if mean.ndim == 0 or cov.ndim < 2 or cov.shape[-2:] != mean.shape[-1:] * 2:
        raise op_error(ShapeError, "random.multivariate_normal",
                       f"mean of shape {mean.shape} and cov of shape {cov.shape} do not fit (..., n) and (..., n, n)",
                       "pass mean with n entries on its last axis and cov with n x n matrices on its last two")
    n = mean.shape[-1]
    shape = sample_shape("multivariate_normal", shape, mean.shape[:-1], cov.shape[:-2])
    factor = _FACTORS[method](cov)
    z = normal(key, shape + (1, n), cdt)
    # (..., 1, n) @ (..., n, n)^T: A z for each sample, without broadcasting A over the samples
    az = S.reshape(matmul(z, S.transpose(factor, tuple(range(factor.ndim - 2)) + (factor.ndim - 1, factor.ndim - 2))),
                   shape + (n,))
    return convert(E.add_p.bind(az, mean), dt)


def _size(name: str, value) -> int:
    size = operator.index(value)
    if size < 0:
        raise op_error(ShapeError, "random.orthogonal", f"{name}={size} is negative", f"pass {name} >= 0")
    return size


def orthogonal(key: ArrayLike, n: int, shape: Shape = (), dtype: DTypeLike = dtypes.float32,
               m: int | None = None) -> Array:
    """Haar-random orthogonal matrices (unitary for complex `dtype`): an array of shape
    `shape + (n, n)`, or with `m`, `shape + (n, m)` matrices with orthonormal columns (n >= m) or
    rows (n < m), uniform over all such matrices.

    Mezzadri's method ("How to generate random matrices from the classical compact groups",
    2007): the Q of a QR decomposition of a standard normal matrix, with each column multiplied
    by the phase (the sign, for real matrices) of the matching diagonal entry of R, so that the
    result does not depend on the QR routine's sign convention.

    >>> import fluxion as fx
    >>> import fluxion.numpy as fnp
    >>> q = fx.random.orthogonal(fx.random.key(0), 3)
    >>> bool(fnp.allclose(q @ q.T, fnp.eye(3), atol=1e-5))
    True
    """
    n = _size("n", n)
    m = n if m is None else _size("m", m)
    dt = float_dtype("orthogonal", dtype, complex_ok=True)
    cdt = dt if dt in dtypes.COMPLEX else compute_dtype(dt)
    shape = canonical_shape("random.orthogonal", shape)
    z = normal(key, shape + (max(n, m), min(n, m)), cdt)
    q, r = L.qr(z, full_matrices=False)
    diagonal = fnp.diagonal(r, axis1=-2, axis2=-1)
    size = fnp.abs(diagonal)
    phase = fnp.where(size > 0, diagonal / fnp.where(size > 0, size, 1), 1)
    q = q * fnp.expand_dims(phase, -2)
    return convert(q if n >= m else fnp.swapaxes(q, -1, -2), dt)
