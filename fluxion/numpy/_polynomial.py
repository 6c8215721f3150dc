"""NumPy's one-dimensional polynomials as coefficient arrays, highest power first: arithmetic
(polyadd, polysub, polymul, polydiv), calculus (polyder, polyint), fitting (polyfit), the
polynomial with given roots (poly) and the roots of a polynomial (roots). `polyval` lives in _interpolation.py.

Degrees are static (they set the output's length); coefficients may be traced.
"""
from __future__ import annotations

import operator

import numpy as np

from .. import numpy as fnp
from ..core import dtypes
from ..core.array import Array, Tracer
from ..core.errors import ConcretizationError, DTypeError, ShapeError, op_error
from ._convert import convert, promote, promote_inexact, promote_inexact_wide
from ._dtype_functions import finfo

__all__ = ["poly", "polyadd", "polyder", "polydiv", "polyfit", "polyint", "polymul", "polysub", "roots"]


def _coefficients(op: str, *ps) -> list[Array]:
    """The inputs as 1-d coefficient arrays (scalars become length 1) of one promoted dtype
    (lists of Python numbers convert exactly to it)."""
    ps = [fnp.atleast_1d(p) for p in promote(op, *ps)]
    for p in ps:
        if p.ndim != 1:
            raise op_error(ShapeError, op, f"coefficients must be 1-d, got shape {p.shape}",
                           "pass one polynomial as a 1-d array, highest power first")
    return promote(op, *ps)


def _aligned(op: str, a1, a2) -> tuple[Array, Array]:
    """Both polynomials padded in front with zeros to one length."""
    a1, a2 = _coefficients(op, a1, a2)
    n = max(a1.shape[0], a2.shape[0])
    return fnp.pad(a1, (n - a1.shape[0], 0)), fnp.pad(a2, (n - a2.shape[0], 0))


def polyadd(a1, a2) -> Array:
    """The sum of two polynomials.

    >>> import fluxion.numpy as fnp
    >>> fnp.polyadd(fnp.asarray([1, 2]), fnp.asarray([10, 20, 30])).tolist()
    [10, 21, 32]
    """
    a1, a2 = _aligned("polyadd", a1, a2)
    return a1 + a2


def polysub(a1, a2) -> Array:
    """The difference of two polynomials.

    >>> import fluxion.numpy as fnp
    >>> fnp.polysub(fnp.asarray([1, 2]), fnp.asarray([10, 20, 30])).tolist()
    [-10, -19, -28]
    """
    a1, a2 = _aligned("polysub", a1, a2)
    return a1 - a2


def polymul(a1, a2, *, trim_leading_zeros: bool | None = None) -> Array:
    """The product of two polynomials (the convolution of their coefficients).

    As NumPy, each factor first loses its leading zeros (an empty or all-zero one becomes [0]).
    Under a transformation the length cannot depend on traced values: traced factors keep their
    leading zeros, so the product has len(a1) + len(a2) - 1 coefficients. jax's
    `trim_leading_zeros` fixes the choice: False keeps every factor's zeros (jax's default),
    True trims them and needs concrete factors.

    >>> import fluxion.numpy as fnp
    >>> fnp.polymul(fnp.asarray([0, 1, 1]), fnp.asarray([1, -1])).tolist()
    [1, 0, -1]
    """
    a1, a2 = _coefficients("polymul", a1, a2)
    return fnp.convolve(_trim_leading_zeros(a1, trim_leading_zeros), _trim_leading_zeros(a2, trim_leading_zeros))


def _trim_leading_zeros(p: Array, trim: bool | None) -> Array:
    """`p` from its first non-zero coefficient on ([0] if none), as NumPy's poly1d, unless `trim`
    is False; a traced `p` as it is when `trim` is None."""
    if trim is False or trim is None and isinstance(p, Tracer):
        return p if p.shape[0] else fnp.zeros((1,), p.dtype)
    if isinstance(p, Tracer):
        raise op_error(ConcretizationError, "polymul", "trim_leading_zeros=True makes the length of the result "
                       f"depend on the values of the traced {p.aval}",
                       "pass trim_leading_zeros=False (or None) under a transformation")
    nonzero = np.flatnonzero(p._concrete("fnp.polymul"))
    return p[nonzero[0]:] if nonzero.size else fnp.zeros((1,), p.dtype)


def _order(op: str, m) -> int:
    m = operator.index(m)
    if m < 0:
        raise op_error(ValueError, op, f"the order m={m} is negative", "pass m >= 0")
    return m


def polyder(p, m: int = 1) -> Array:
    """The `m`-th derivative of a polynomial.

    >>> import fluxion.numpy as fnp
    >>> fnp.polyder(fnp.asarray([1, 1, 1, 1]), 2).tolist()
    [6, 2]
    """
    m = _order("polyder", m)
    (p,) = _coefficients("polyder", p)
    for _ in range(m):
        n = p.shape[0] - 1
        p = p[:-1] * fnp.arange(n, 0, -1)
    return p


def polyint(p, m: int = 1, k=None) -> Array:
    """The `m`-th antiderivative of a polynomial; `k` holds the integration constants (one, used
    for every step, or one per step, the first for the first integration), zeros by default.

    >>> import fluxion.numpy as fnp
    >>> fnp.polyint(fnp.asarray([3.0, 2.0, 1.0]), k=5.0).tolist()
    [1.0, 1.0, 1.0, 5.0]
    """
    m = _order("polyint", m)
    p, k = promote_inexact("polyint", *_coefficients("polyint", p), 0 if k is None else k)
    k = fnp.atleast_1d(k)
    if k.ndim != 1 or (k.shape[0] != 1 and k.shape[0] < m):
        raise op_error(ValueError, "polyint", f"k of shape {k.shape} does not give {m} integration constants",
                       "pass k as a scalar or a 1-d array of at least m constants")
    k = fnp.broadcast_to(k, (m,)) if k.shape[0] == 1 else k
    for i in range(m):
        n = p.shape[0]
        p = fnp.concatenate([p / fnp.arange(n, 0, -1), k[i:i + 1]])
    return p


def polydiv(u, v, *, trim_leading_zeros: bool = True) -> tuple[Array, Array]:
    """The quotient and remainder of dividing polynomial `u` by `v`.

    As NumPy, the remainder loses its leading (near-)zero coefficients; that depends on the
    values, so under a transformation pass `trim_leading_zeros=False` (the remainder then has
    the length of `u`).

    >>> import fluxion.numpy as fnp
    >>> q, r = fnp.polydiv(fnp.asarray([1.0, 0.0, -1.0]), fnp.asarray([1.0, 1.0]))
    >>> q.tolist(), r.tolist()
    ([1.0, -1.0], [0.0])
    """
    u, v = promote_inexact("polydiv", *_coefficients("polydiv", u, v))
    m, n = u.shape[0] - 1, v.shape[0] - 1
    if n < 0:
        raise op_error(ValueError, "polydiv", "v has no coefficients", "pass a non-empty divisor")
    q, r = fnp.zeros((max(m - n + 1, 1),), u.dtype), u
    scale = 1 / v[0]
    for k in range(m - n + 1):
        d = scale * r[k]
        q = q.at[k].set(d)
        r = r.at[k:k + n + 1].add(-d * v)
    if not trim_leading_zeros:
        return q, r
    try:
        lead = fnp.asarray(r)._concrete("fnp.polydiv")
    except ConcretizationError:
        raise op_error(ConcretizationError, "polydiv",
                       "trimming the remainder's leading zeros needs its values, which are traced",
                       "pass trim_leading_zeros=False under jit, vmap or grad") from None
    start = 0
    while start < lead.shape[0] - 1 and abs(lead[start]) <= 1e-8:  # NumPy's test: allclose(r[0], 0, rtol=1e-14)
        start += 1
    return q, r[start:]


def polyfit(x, y, deg: int, rcond=None, full: bool = False, w=None, cov: bool | str = False):
    """The least-squares polynomial of degree `deg` through the points (x, y), highest power first.

    `y` may hold one data set per column (the result then has one column of coefficients
    each). `w` weights the residuals (use 1/sigma). With `full=True` returns
    `(coefficients, residuals, rank, singular_values, rcond)` of the scaled least-squares problem.
    Else, with `cov=True`, returns `(coefficients, covariance)`: the covariance of the
    coefficients, scaled by the residuals' variance (`cov="unscaled"`: not scaled, for weights
    that are 1/sigma of known errors); for 2-d `y` one matrix per data set along a last axis.

    >>> import fluxion.numpy as fnp
    >>> x = fnp.asarray([0.0, 1.0, 2.0, 3.0])
    >>> fnp.round(fnp.polyfit(x, 2 * x * x - 1, 2), 4).tolist()
    [2.0, 0.0, -1.0]
    >>> c, v = fnp.polyfit(x, fnp.asarray([0.0, 1.0, 2.0, 4.0]), 1, cov="unscaled")
    >>> fnp.round(v, 4).tolist()
    [[0.2, -0.3], [-0.3, 0.7]]
    """
    if deg < 0:
        raise op_error(ValueError, "polyfit", f"deg={deg} is negative", "pass a degree >= 0")
    deg = int(deg)  # as NumPy's, a float degree is truncated
    (x, y), dt = promote_inexact_wide("polyfit", x, y)  # (integers in float64: see there)
    if x.ndim != 1 or x.shape[0] == 0:
        raise op_error(ShapeError, "polyfit", f"x must be a non-empty 1-d array, got shape {x.shape}",
                       "pass the sample positions as a 1-d array")
    if y.ndim not in (1, 2) or y.shape[0] != x.shape[0]:
        raise op_error(ShapeError, "polyfit", f"y of shape {y.shape} does not match x of shape {x.shape}",
                       "pass y as one value per x (1-d) or one column per data set (2-d)")
    if dtypes.kind(x.dtype) == dtypes.COMPLEX_KIND:
        raise op_error(DTypeError, "polyfit", "complex data is not supported", "fit the real and imaginary parts")
    lhs, rhs = fnp.vander(x, deg + 1), y
    if w is not None:
        w = convert(w, x.dtype)  # (Python numbers exactly, as x's dtype reads them)
        if w.shape != x.shape:
            raise op_error(ShapeError, "polyfit", f"w of shape {w.shape} does not match x of shape {x.shape}",
                           "pass one weight per sample")
        lhs = lhs * w[:, None]
        rhs = rhs * (w[:, None] if rhs.ndim == 2 else w)
    rcond = x.shape[0] * finfo(x.dtype).eps if rcond is None else rcond
    scale = fnp.sqrt(fnp.sum(lhs * lhs, axis=0))  # unit columns keep the problem well conditioned
    lhs = lhs / scale
    c, residuals, rank, s = fnp.linalg.lstsq(lhs, rhs, rcond=rcond)
    c = c / (scale[:, None] if c.ndim == 2 else scale)
    if full:
        return convert(c, dt), convert(residuals, dt), rank, convert(s, dt), rcond
    if not cov:
        return convert(c, dt)
    return convert(c, dt), convert(_covariance(lhs, scale, residuals, y.ndim, cov), dt)


def _covariance(lhs: Array, scale: Array, residuals: Array, y_ndim: int, cov) -> Array:
    """polyfit's covariance of the coefficients, from the scaled problem `lhs` (columns divided
    by `scale`) and its residuals: inv(lhs^T lhs) with the scaling undone, times the residuals'
    variance (times 1 for cov="unscaled")."""
    n, order = lhs.shape
    base = fnp.linalg.inv(fnp.matmul(lhs.T, lhs)) / fnp.outer(scale, scale)
    if cov == "unscaled":
        factor = 1
    elif n <= order:
        raise op_error(ValueError, "polyfit", f"{n} data points for {order} coefficients cannot scale the covariance",
                       "pass more data points than deg + 1, or cov='unscaled'")
    else:
        factor = residuals / (n - order)
    return base * factor if y_ndim == 1 else base[:, :, None] * factor


def poly(seq_of_zeros) -> Array:
    """The coefficients of the monic polynomial with the given roots, or, for a square matrix,
    of its characteristic polynomial det(t I - A).

    Matrices use the Faddeev-LeVerrier recurrence (matrix products and traces), accurate for
    small, well-scaled matrices. Complex roots give complex coefficients, even in conjugate pairs.

    >>> import fluxion.numpy as fnp
    >>> fnp.poly(fnp.asarray([1.0, 2.0])).tolist(), fnp.poly(fnp.asarray([[1.0, 2.0], [3.0, 4.0]])).tolist()
    ([1.0, -3.0, 2.0], [1.0, -5.0, -2.0])
    """
    (z,) = promote_inexact("poly", fnp.atleast_1d(fnp.asarray(seq_of_zeros)))
    if z.ndim == 2 and z.shape[0] == z.shape[1] and z.shape[0]:
        n = z.shape[0]
        eye = fnp.eye(n, dtype=z.dtype)
        coefficients, prod = [fnp.ones((), z.dtype)], fnp.zeros((n, n), z.dtype)
        for k in range(1, n + 1):
            prod = z @ (prod + coefficients[-1] * eye)
            coefficients.append(-fnp.trace(prod) / k)
        return fnp.stack(coefficients)
    if z.ndim != 1:
        raise op_error(ShapeError, "poly", f"takes a 1-d array of roots or a non-empty square matrix, got shape "
                       f"{z.shape}", "pass the roots as a 1-d array")
    if z.shape[0] == 0:
        return fnp.ones((), z.dtype)
    a = fnp.ones((1,), z.dtype)
    for i in range(z.shape[0]):  # times (t - z[i]); the leading 1 is kept apart (inf * 0 would make it NaN)
        a = fnp.concatenate([a[:1], a[1:] - z[i] * a[:-1], -z[i] * a[-1:]])
    return a


def roots(p, *, strip_zeros: bool = True) -> Array:
    """The roots of a polynomial, as the eigenvalues of its companion matrix (always complex).

    As NumPy, leading zeros are dropped and trailing zeros give roots at 0; that depends on the
    values, so under a transformation pass `strip_zeros=False` (the leading coefficient must
    then be non-zero).

    >>> import fluxion.numpy as fnp
    >>> sorted(fnp.roots(fnp.asarray([1.0, -3.0, 2.0])).real.tolist())
    [1.0, 2.0]
    """
    (p,) = promote_inexact("roots", *_coefficients("roots", p))
    zeros_at_end = 0
    if strip_zeros:
        try:
            v = p._concrete("fnp.roots")
        except ConcretizationError:
            raise op_error(ConcretizationError, "roots",
                           "dropping zero coefficients needs their values, which are traced",
                           "pass strip_zeros=False under jit, vmap or grad") from None
        nonzero = [i for i, c in enumerate(v.tolist()) if c != 0]
        if not nonzero:
            return fnp.zeros((0,), dtypes.complex_dtype(p.dtype))
        zeros_at_end = p.shape[0] - 1 - nonzero[-1]
        p = p[nonzero[0]:nonzero[-1] + 1]
    n = p.shape[0] - 1
    if n < 1:
        found = fnp.zeros((0,), dtypes.complex_dtype(p.dtype))
    else:  # companion matrix: first row -p[1:]/p[0], ones below the diagonal
        companion = fnp.concatenate([(-p[1:] / p[0])[None], fnp.eye(n - 1, n, dtype=p.dtype)])
        found = fnp.astype(fnp.linalg.eigvals(companion), dtypes.complex_dtype(p.dtype))
    return fnp.concatenate([found, fnp.zeros((zeros_at_end,), found.dtype)])
