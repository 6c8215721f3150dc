"""The parts of fluxion.scipy.linalg about structured matrices and matrix equations: the
Khatri-Rao product, symmetry and bandwidth tests, circulant systems, Toeplitz products, and the
Lyapunov equations. Compositions of fluxion.numpy, the FFT and `solve_sylvester`, so they batch,
compile and differentiate."""
from __future__ import annotations

from .. import numpy as fnp
from ..core.errors import ShapeError, op_error
from ..numpy._convert import promote_inexact
from ..numpy._linalg_util import _ct, _matrices
from ..ops._util import broadcast_shapes
from ._schur import solve_sylvester
from ._special_matrices import toeplitz


def khatri_rao(a, b):
    """The Khatri-Rao product of `a` (..., N, K) and `b` (..., M, K): the (..., N * M, K) matrix
    whose column k is the Kronecker product of the columns k of `a` and `b`.

    >>> import fluxion.numpy as fnp, fluxion.scipy.linalg as fsl
    >>> fsl.khatri_rao(fnp.asarray([[1, 2], [3, 4]]), fnp.asarray([[1, 10]])).tolist()
    [[1, 20], [3, 40]]
    """
    a, b = fnp.asarray(a), fnp.asarray(b)
    if a.ndim < 2 or b.ndim < 2 or a.shape[-1] != b.shape[-1]:
        raise op_error(ShapeError, "khatri_rao", f"needs matrices with one number of columns, got shapes {a.shape} "
                       f"and {b.shape}", "pass a (N, K) and b (M, K)")
    out = a[..., :, None, :] * b[..., None, :, :]
    return fnp.reshape(out, out.shape[:-3] + (a.shape[-2] * b.shape[-2], a.shape[-1]))



def _is_transpose(op: str, a, atol, rtol, conjugate: bool):
    a = fnp.asarray(a)
    if a.ndim < 2 or a.shape[-1] != a.shape[-2]:
        raise op_error(ShapeError, op, f"needs square matrices (shape (..., N, N)), got shape {a.shape}",
                       "pass an array whose last two axes are equal")
    t = _ct(a) if conjugate else fnp.matrix_transpose(a)
    if atol is None and rtol is None:
        same = a == t
        if not (conjugate and fnp.iscomplexobj(a)):  # as SciPy, the diagonal is read only for that
            same = same | fnp.eye(a.shape[-1], dtype=bool)
    else:
        same = fnp.isclose(a, t, rtol=rtol or 0.0, atol=atol or 0.0)
    return fnp.all(same, axis=(-2, -1))



def issymmetric(a, atol=None, rtol=None):
    """Whether each square matrix equals its transpose: exactly (the diagonal unread), or within
    `atol + rtol * |a^T|` entrywise when either tolerance is given. A bool array (of the batch shape).

    >>> import fluxion.numpy as fnp, fluxion.scipy.linalg as fsl
    >>> fsl.issymmetric(fnp.asarray([[1.0, 2.0], [2.0, 1.0]])).item()
    True
    """
    return _is_transpose("issymmetric", a, atol, rtol, conjugate=False)



def ishermitian(a, atol=None, rtol=None):
    """Whether each square matrix equals its conjugate transpose (as `issymmetric`, reading the
    diagonal of a complex matrix).

    >>> import fluxion.numpy as fnp, fluxion.scipy.linalg as fsl
    >>> fsl.ishermitian(fnp.asarray([[1.0, 2j], [-2j, 1.0]])).item()
    True
    """
    return _is_transpose("ishermitian", a, atol, rtol, conjugate=True)



def bandwidth(a):
    """The lower and upper bandwidth `(lower, upper)` of each matrix: how far below and above the
    diagonal its nonzero entries reach (0 and 0 for a diagonal matrix), as integer arrays.

    >>> import fluxion.numpy as fnp, fluxion.scipy.linalg as fsl
    >>> [int(b) for b in fsl.bandwidth(fnp.asarray([[1, 2, 3], [0, 4, 0], [0, 5, 6]]))]
    [1, 2]
    """
    a = fnp.asarray(a)
    if a.ndim < 2:
        raise op_error(ShapeError, "bandwidth", f"needs matrices, got shape {a.shape}", "pass a 2-D array")
    below = fnp.arange(a.shape[-2])[:, None] - fnp.arange(a.shape[-1])[None, :]  # i - j

    def reach(offset):
        return fnp.max(fnp.where(a != 0, offset, 0), axis=(-2, -1), initial=0)
    return reach(below), reach(-below)



def solve_circulant(c, b, singular: str = "raise", tol=None, caxis: int = -1, baxis: int = 0, outaxis: int = 0):
    """Solve `C x = b` for the circulant matrix `C = circulant(c)` by the FFT: x = ifft(fft(b) /
    fft(c)), along `caxis` of `c` and `baxis` of `b` (the other axes broadcast) into `outaxis`.
    The eigenvalues fft(c) of magnitude at most `tol` (by default max|fft(c)| * N * eps of
    float64) count as zero: with `singular='lstsq'` their components are dropped, the
    least-squares solution; with 'raise' a singular `C` gives inf/NaN (not an error: compiled
    code cannot raise on values). Real for real `c` and `b`. Differentiable.

    >>> import fluxion.numpy as fnp, fluxion.scipy.linalg as fsl
    >>> fsl.solve_circulant(fnp.asarray([2.0, 1.0, 0.0]), fnp.asarray([3.0, 3.0, 3.0])).round(5).tolist()
    [1.0, 1.0, 1.0]
    """
    if singular not in ("raise", "lstsq"):
        raise op_error(ValueError, "solve_circulant", f"singular must be 'raise' or 'lstsq', got {singular!r}",
                       "pass one of them")
    c, b = promote_inexact("solve_circulant", fnp.atleast_1d(c), fnp.atleast_1d(b))
    c, b = fnp.moveaxis(c, caxis, -1), fnp.moveaxis(b, baxis, -1)
    if c.shape[-1] != b.shape[-1]:
        raise op_error(ShapeError, "solve_circulant", f"c has {c.shape[-1]} coefficients along caxis but b "
                       f"{b.shape[-1]} entries along baxis", "pass c and b of one length along caxis and baxis")
    fc, fb = fnp.fft.fft(c), fnp.fft.fft(b)
    size = fnp.abs(fc)
    if tol is None:
        tol = fnp.max(size, axis=-1, keepdims=True, initial=0) * c.shape[-1] * float(fnp.finfo(fnp.float64).eps)
    near_zero = size <= tol
    q = fb / (fnp.where(near_zero, 1, fc) if singular == "lstsq" else fc)
    x = fnp.fft.ifft(fnp.where(near_zero, 0, q) if singular == "lstsq" else q)
    if not (fnp.iscomplexobj(c) or fnp.iscomplexobj(b)):
        x = fnp.real(x)
    return fnp.moveaxis(x, -1, outaxis)



def _toeplitz(c_or_cr):
    """The Toeplitz matrix of `c` (first column) or of `(c, r)` (r the first row)."""
    return toeplitz(*c_or_cr) if isinstance(c_or_cr, tuple) else toeplitz(c_or_cr)



def matmul_toeplitz(c_or_cr, x, check_finite: bool = False, workers=None):
    """The product `T @ x` with the Toeplitz matrix `T = toeplitz(c, r)` (`c_or_cr` is `c`, then
    r = conj(c), or `(c, r)`); `x` is (N,) or (..., N, K). A dense product (`workers` is
    accepted for SciPy's signature).

    >>> import fluxion.numpy as fnp, fluxion.scipy.linalg as fsl
    >>> fsl.matmul_toeplitz((fnp.asarray([1.0, 2.0]), fnp.asarray([1.0, 3.0])), fnp.asarray([1.0, 1.0])).tolist()
    [4.0, 3.0]
    """
    t = _toeplitz(c_or_cr)
    x = fnp.asarray(x)
    if x.ndim < 1 or x.shape[0 if x.ndim == 1 else -2] != t.shape[-1]:
        raise op_error(ShapeError, "matmul_toeplitz", f"the Toeplitz matrix has shape {t.shape}, so x must have "
                       f"shape ({t.shape[-1]},) or (..., {t.shape[-1]}, K), got {x.shape}",
                       "give x as many rows as r has entries")
    return t @ x



def solve_continuous_lyapunov(a, q):
    """The solution `x` of the continuous Lyapunov equation `a x + x a^H = q`: the Sylvester
    equation with b = a^H. Differentiable.

    >>> import fluxion.numpy as fnp, fluxion.scipy.linalg as fsl
    >>> a, q = fnp.asarray([[1.0, 0.0], [0.0, 2.0]]), fnp.asarray([[2.0, 3.0], [3.0, 8.0]])
    >>> fsl.solve_continuous_lyapunov(a, q).tolist()
    [[1.0, 1.0], [1.0, 2.0]]
    """
    a, q = promote_inexact("solve_continuous_lyapunov", a, q)
    return solve_sylvester(a, _ct(_matrices("solve_continuous_lyapunov", a, square=True)), q)



solve_lyapunov = solve_continuous_lyapunov



def solve_discrete_lyapunov(a, q, method=None):
    """The solution `x` of the discrete Lyapunov equation `a x a^H - x + q = 0`. `method`
    'direct' solves the n^2 linear equations (I - kron(a, conj(a))) vec(x) = vec(q); 'bilinear'
    maps the equation to a continuous one (`solve_continuous_lyapunov`); by default 'direct' for
    n < 10, as SciPy. Differentiable.

    >>> import fluxion.numpy as fnp, fluxion.scipy.linalg as fsl
    >>> fsl.solve_discrete_lyapunov(fnp.asarray([[0.5, 0.0], [0.0, 0.0]]), fnp.eye(2)).round(6).tolist()
    [[1.333333, 0.0], [0.0, 1.0]]
    """
    a, q = promote_inexact("solve_discrete_lyapunov", a, q)
    a, q = _matrices("solve_discrete_lyapunov", a, square=True), _matrices("solve_discrete_lyapunov", q, square=True)
    n = a.shape[-1]
    if q.shape[-1] != n:
        raise op_error(ShapeError, "solve_discrete_lyapunov", f"a has shape {a.shape} and q {q.shape}",
                       "pass a and q of one matrix size")
    method = ("direct" if n < 10 else "bilinear") if method is None else str(method).lower()
    if method not in ("direct", "bilinear"):
        raise op_error(ValueError, "solve_discrete_lyapunov", f"method must be 'direct' or 'bilinear', got {method!r}",
                       "pass one of them, or None")
    batch = broadcast_shapes("solve_discrete_lyapunov", a.shape[:-2], q.shape[:-2])
    a, q = fnp.broadcast_to(a, batch + (n, n)), fnp.broadcast_to(q, batch + (n, n))
    eye = fnp.eye(n, dtype=a.dtype)
    if method == "direct":
        kron = fnp.reshape(a[..., :, None, :, None] * fnp.conj(a)[..., None, :, None, :], batch + (n * n, n * n))
        x = fnp.linalg.solve(fnp.eye(n * n, dtype=a.dtype) - kron, fnp.reshape(q, batch + (n * n, 1)))
        return fnp.reshape(x, batch + (n, n))
    # with b = (a^H + I)^-1 (a^H - I), the equation is b^H x + x b = -c, c = 2 (a + I)^-1 q (a^H + I)^-1
    ah = _ct(a)
    b = fnp.linalg.solve(ah + eye, ah - eye)  # the two factors commute
    c = 2 * _ct(fnp.linalg.solve(a + eye, _ct(fnp.linalg.solve(a + eye, q))))
    return solve_continuous_lyapunov(_ct(b), -c)
