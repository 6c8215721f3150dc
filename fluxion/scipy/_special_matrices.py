"""SciPy's special matrices (toeplitz, hankel, circulant, companion, leslie, fiedler,
convolution_matrix, built from their vectors, which may carry leading batch axes as in jax)
and its fixed ones of a given order (hilbert, invhilbert, pascal, invpascal, helmert,
hadamard, dft), in the default float dtype as jax's unless said otherwise."""
from __future__ import annotations

import math
import operator

import numpy as np

from .. import numpy as fnp
from ..core.errors import ShapeError, op_error
from ..ops._util import broadcast_shapes


def _vectors(op: str, *xs):
    """The arrays as vectors (a 0-d one as one element) of one dtype, with leading axes broadcast."""
    xs = [fnp.atleast_1d(fnp.asarray(x)) for x in xs]
    dt = fnp.result_type(*xs)
    lead = broadcast_shapes(op, *(x.shape[:-1] for x in xs))
    return [fnp.broadcast_to(x.astype(dt), lead + x.shape[-1:]) for x in xs]


def toeplitz(c, r=None):
    """The matrix of first column `c` and first row `r` (its first entry ignored; conj(c) by default):
    T[i, j] = c[i - j] below the diagonal, r[j - i] above.

    >>> import fluxion.scipy.linalg as fsl
    >>> fsl.toeplitz([1, 2, 3], [1, 4, 5]).tolist()
    [[1, 4, 5], [2, 1, 4], [3, 2, 1]]
    """
    c = fnp.asarray(c)
    c, r = _vectors("toeplitz", c, (fnp.conj(c) if fnp.iscomplexobj(c) else c) if r is None else r)
    m, n = c.shape[-1], r.shape[-1]
    values = fnp.concatenate([fnp.flip(r[..., 1:], -1), c], -1)
    return values[..., n - 1 + np.arange(m)[:, None] - np.arange(n)[None, :]]


def hankel(c, r=None):
    """The matrix of first column `c` and last row `r` (its first entry ignored; zeros by default):
    H[i, j] = c[i + j], continued by r.

    >>> import fluxion.scipy.linalg as fsl
    >>> fsl.hankel([1, 2, 3], [3, 4]).tolist()
    [[1, 2], [2, 3], [3, 4]]
    """
    c, r = _vectors("hankel", c, fnp.zeros_like(fnp.atleast_1d(fnp.asarray(c))) if r is None else r)
    m, n = c.shape[-1], r.shape[-1]
    return fnp.concatenate([c, r[..., 1:]], -1)[..., np.arange(m)[:, None] + np.arange(n)[None, :]]


def circulant(c):
    """The matrix whose columns are the cyclic shifts of `c`: C[i, j] = c[(i - j) mod n].

    >>> import fluxion.scipy.linalg as fsl
    >>> fsl.circulant([1, 2, 3]).tolist()
    [[1, 3, 2], [2, 1, 3], [3, 2, 1]]
    """
    (c,) = _vectors("circulant", c)
    n = c.shape[-1]
    return c[..., (np.arange(n)[:, None] - np.arange(n)[None, :]) % max(n, 1)]


def _at_least_two(op: str, n: int) -> None:
    if n < 2:
        raise op_error(ValueError, op, f"needs at least 2 coefficients, got {n}", "pass a vector of length >= 2")


def companion(a):
    """The companion matrix of the polynomial a[0] x**n + ... + a[n]: first row -a[1:] / a[0],
    ones below the diagonal; its eigenvalues are the roots.

    >>> import fluxion.scipy.linalg as fsl
    >>> fsl.companion([1.0, -3.0, 2.0]).tolist()
    [[3.0, -2.0], [1.0, 0.0]]
    """
    (a,) = _vectors("companion", a)
    _at_least_two("companion", a.shape[-1])
    a = a.astype(fnp.result_type(a, 1.0))
    n = a.shape[-1] - 1
    first = -a[..., 1:] / a[..., :1]
    below = fnp.broadcast_to(fnp.eye(n - 1, n, dtype=a.dtype), a.shape[:-1] + (n - 1, n))
    return fnp.concatenate([first[..., None, :], below], -2)


def fiedler_companion(a):
    """The Fiedler companion matrix of the polynomial a[0] x**n + ... + a[n], pentadiagonal with
    the roots as eigenvalues: with b = -a[1:] / a[0], b[0] at (0, 0) and b[j] at
    (2 floor(j / 2), 2 floor((j + 1) / 2) - 1), ones at (2k, 2k + 2), (1, 0) and (2k + 1, 2k - 1).
    Fewer than 2 coefficients give an empty array, as in SciPy.

    >>> import fluxion.scipy.linalg as fsl
    >>> fsl.fiedler_companion([1.0, -3.0, 2.0]).tolist()
    [[3.0, -2.0], [1.0, 0.0]]
    """
    (a,) = _vectors("fiedler_companion", a)
    a = a.astype(fnp.result_type(a, 1.0))
    n = a.shape[-1] - 1
    if n < 1:
        return fnp.zeros(a.shape[:-1] + (0,), a.dtype)
    j = np.arange(n)
    rows, cols = 2 * (j // 2), np.maximum(2 * ((j + 1) // 2) - 1, 0)
    ones = np.zeros((n, n))
    ones[j[:-2:2], j[:-2:2] + 2] = 1
    ones[j[1::2], np.maximum(j[1::2] - 2, 0)] = 1
    out = fnp.broadcast_to(fnp.asarray(ones, dtype=a.dtype), a.shape[:-1] + (n, n))
    return out.at[..., rows, cols].set(-a[..., 1:] / a[..., :1])


def leslie(f, s):
    """The Leslie matrix: fecundities `f` (n) in the first row, survival rates `s` (n - 1) below the diagonal.

    >>> import fluxion.scipy.linalg as fsl
    >>> fsl.leslie([0.5, 1.0], [0.8]).tolist()
    [[0.5, 1.0], [0.800000011920929, 0.0]]
    """
    f, s = _vectors("leslie", f, s)
    n = f.shape[-1]
    _at_least_two("leslie", n)
    if s.shape[-1] != n - 1:
        raise op_error(ShapeError, "leslie", f"s must have one entry fewer than f ({n - 1}), got {s.shape[-1]}",
                       "pass n fecundities and n - 1 survival rates")
    below = fnp.concatenate([s[..., :, None] * fnp.eye(n - 1, dtype=s.dtype), fnp.zeros_like(s)[..., :, None]], -1)
    return fnp.concatenate([f[..., None, :], below], -2)


def fiedler(a):
    """The symmetric matrix |a[i] - a[j]|.

    >>> import fluxion.scipy.linalg as fsl
    >>> fsl.fiedler([1, 4, 2]).tolist()
    [[0, 3, 1], [3, 0, 2], [1, 2, 0]]
    """
    (a,) = _vectors("fiedler", a)
    return fnp.abs(a[..., :, None] - a[..., None, :])


def convolution_matrix(a, n: int, mode: str = "full"):
    """The matrix A with A @ v == numpy.convolve(a, v, mode) for vectors v of length `n`.

    >>> import fluxion.scipy.linalg as fsl
    >>> fsl.convolution_matrix([1, 2], 2).tolist()
    [[1, 0], [2, 1], [0, 2]]
    """
    (a,) = _vectors("convolution_matrix", a)
    m, n = a.shape[-1], operator.index(n)
    if m == 0 or n <= 0:
        raise op_error(ValueError, "convolution_matrix", f"needs a non-empty a and n > 0, got {m} and {n}",
                       "pass a non-empty kernel and a positive length")
    rows = {"full": (0, m + n - 1), "same": ((min(m, n) - 1) // 2, max(m, n)), "valid": (min(m, n) - 1, max(m, n) - min(m, n) + 1)}
    if mode not in rows:
        raise op_error(ValueError, "convolution_matrix", f"mode must be 'full', 'same' or 'valid', got {mode!r}",
                       "pass one of them")
    start, count = rows[mode]
    shift = start + np.arange(count)[:, None] - np.arange(n)[None, :]  # A[i, j] = a[i - j] in the full matrix
    padded = fnp.concatenate([a, fnp.zeros_like(a[..., :1])], -1)
    return padded[..., np.where((shift >= 0) & (shift < m), shift, m)]


def _order(op: str, n) -> int:
    try:
        n = operator.index(n)
    except TypeError:
        raise op_error(TypeError, op, f"the order must be an int, got {n!r}", "pass a Python int") from None
    if n < 0:
        raise op_error(ValueError, op, f"the order must be >= 0, got {n}", "pass a non-negative size")
    return n


def _float(values: np.ndarray):
    return fnp.asarray(values, dtype=fnp.result_type(float))


def hilbert(n: int):
    """The Hilbert matrix 1 / (i + j + 1).

    >>> import fluxion.scipy.linalg as fsl
    >>> fsl.hilbert(2).tolist()
    [[1.0, 0.5], [0.5, 0.3333333432674408]]
    """
    i = np.arange(_order("hilbert", n))
    return _float(1.0 / (i[:, None] + i[None, :] + 1))


def invhilbert(n: int):
    """The inverse of `hilbert(n)`, from its exact integer entries.

    >>> import fluxion.scipy.linalg as fsl
    >>> fsl.invhilbert(2).tolist()
    [[4.0, -6.0], [-6.0, 12.0]]
    """
    n = _order("invhilbert", n)
    c = math.comb
    return _float(np.array([[(-1) ** (i + j) * (i + j + 1) * c(n + i, n - j - 1) * c(n + j, n - i - 1) * c(i + j, i) ** 2
                             for j in range(n)] for i in range(n)], dtype=float).reshape(n, n))


def _pascal_lower(n: int, inverse: bool) -> np.ndarray:
    return np.array([[(-1) ** (i - j) * math.comb(i, j) if inverse else math.comb(i, j) for j in range(n)]
                     for i in range(n)], dtype=float).reshape(n, n)


def _pascal(op: str, n, kind, inverse: bool):
    n, kind = _order(op, n), "symmetric" if kind is None else kind
    if kind not in ("symmetric", "lower", "upper"):
        raise op_error(ValueError, op, f"kind must be 'symmetric', 'lower' or 'upper', got {kind!r}", "pass one of them")
    low = _pascal_lower(n, inverse)
    out = {"lower": low, "upper": low.T, "symmetric": low.T @ low if inverse else low @ low.T}[kind]
    return _float(out)


def pascal(n: int, kind: str | None = None):
    """The Pascal matrix of binomial coefficients: `kind` 'symmetric' (default), 'lower' or 'upper'.

    >>> import fluxion.scipy.linalg as fsl
    >>> fsl.pascal(3).tolist()
    [[1.0, 1.0, 1.0], [1.0, 2.0, 3.0], [1.0, 3.0, 6.0]]
    """
    return _pascal("pascal", n, kind, False)


def invpascal(n: int, kind: str | None = None):
    """The inverse of `pascal(n, kind)`, from its exact integer entries.

    >>> import fluxion.scipy.linalg as fsl
    >>> fsl.invpascal(3).tolist()
    [[3.0, -3.0, 1.0], [-3.0, 5.0, -2.0], [1.0, -2.0, 1.0]]
    """
    return _pascal("invpascal", n, kind, True)


def helmert(n: int, full: bool = False):
    """The Helmert matrix of order n: orthonormal rows, each contrasting one element with those
    before it; `full` adds the first row, the constant 1 / sqrt(n).

    >>> import fluxion.scipy.linalg as fsl
    >>> [round(v, 4) for v in fsl.helmert(2)[0].tolist()]
    [0.7071, -0.7071]
    """
    n = _order("helmert", n)
    k = np.arange(1, n)[:, None]
    rows = np.where(np.arange(n)[None, :] < k, 1.0, 0.0) - k * (np.arange(n)[None, :] == k)
    rows = rows / np.sqrt(k * (k + 1))
    return _float(np.concatenate([np.full((1, n), 1 / math.sqrt(n)), rows]) if full and n else rows)


def hadamard(n: int, dtype=int):
    """The Hadamard matrix of order n, a power of 2, by Sylvester's construction.

    >>> import fluxion.scipy.linalg as fsl
    >>> fsl.hadamard(2).tolist()
    [[1, 1], [1, -1]]
    """
    n = _order("hadamard", n)
    if n < 1 or n & (n - 1):
        raise op_error(ValueError, "hadamard", f"the order must be a power of 2, got {n}", "pass 1, 2, 4, 8, ...")
    h = np.ones((1, 1))
    while h.shape[0] < n:
        h = np.block([[h, h], [h, -h]])
    return fnp.asarray(h).astype(dtype)


def dft(n: int, scale: str | None = None, *, dtype=None):
    """The matrix of the discrete Fourier transform, exp(-2 pi i j k / n); `scale` None, 'sqrtn'
    (divided by sqrt(n)) or 'n' (by n). complex64 unless `dtype` says otherwise.

    >>> import fluxion.scipy.linalg as fsl
    >>> fsl.dft(2).real.tolist()
    [[1.0, 1.0], [1.0, -1.0]]
    """
    n = _order("dft", n)
    scales = {None: 1.0, "sqrtn": 1 / math.sqrt(max(n, 1)), "n": 1 / max(n, 1)}
    if scale not in scales:
        raise op_error(ValueError, "dft", f"scale must be None, 'sqrtn' or 'n', got {scale!r}", "pass one of them")
    jk = np.outer(np.arange(n), np.arange(n)) % max(n, 1)  # reduced first: exact angles for large n
    m = np.exp(-2j * np.pi * jk / max(n, 1)) * scales[scale]
    m[jk == 0] = scales[scale]
    return fnp.asarray(m, dtype=fnp.result_type(1j) if dtype is None else dtype)
