"""SciPy's matrix functions: the exponential and its Frechet derivative, the logarithm, fractional
powers, the trigonometric and hyperbolic functions and the sign function.

All are compositions of `expm` (scaling and squaring), `sqrtm` (a primitive) and linear solves,
so they batch over leading axes, compile and are differentiable. A real matrix gives a real
result: where that result does not exist (a negative real eigenvalue for `logm`,
`fractional_matrix_power`), it is NaN, as for `sqrtm`; SciPy switches to complex there, which a
compiled program cannot do by value: pass the matrix as complex for that result.
"""
from __future__ import annotations

import functools
import math
import numbers

import numpy as np

from .. import numpy as fnp
from ..control import fori_loop, while_loop
from ..core.errors import ShapeError, op_error
from ..numpy._convert import promote_inexact
from ..numpy._linalg_util import _matrices
from ..ops._util import broadcast_shapes
from ..transforms.autodiff.jacobians import stop_gradient
from ._schur import sqrtm

# Padé approximant of degree 13 (numerator coefficients; the denominator's alternate in sign)
_PADE13 = (64764752532480000, 32382376266240000, 7771770303897600, 1187353796428800, 129060195264000,
           10559470521600, 670442572800, 33522128640, 1323241920, 40840800, 960960, 16380, 182, 1)
_THETA13 = 5.371920351148152  # the largest 1-norm for which it is accurate to double precision

# log(I + X) = int_0^1 X (I + t X)^-1 dt by 8-point Gauss-Legendre (the [8/8] Padé approximant),
# accurate to the unit roundoff for ||X||_1 up to 0.33 in double and 0.76 in single precision
_LOG_NODES, _LOG_WEIGHTS = np.polynomial.legendre.leggauss(8)
_LOG_NODES, _LOG_WEIGHTS = (_LOG_NODES + 1) / 2, _LOG_WEIGHTS / 2  # moved from [-1, 1] to [0, 1]
_LOG_THETA = {4: 0.76, 8: 0.33}  # by the itemsize of the real dtype
_MAX_ROOTS = 64  # square roots past which a matrix is taken as singular (its logarithm as NaN)


def _in_single(fn):
    """`fn` of a square-matrix stack `A`, which computes 16-bit floats in float32 and rounds the
    result back (Padé's coefficients overflow float16, and logm's thresholds are float32's)."""
    @functools.wraps(fn)
    def wrapped(A, *args, **kwargs):
        a = _matrices(fn.__name__, A, square=True)
        if a.dtype not in (fnp.float16, fnp.bfloat16):
            return fn(a, *args, **kwargs)
        out = fn(a.astype(fnp.float32), *args, **kwargs)
        return out.astype(a.dtype) if isinstance(out, fnp.ndarray) else (out[0].astype(a.dtype), out[1])
    return wrapped


def _norm1(a):
    """The 1-norm (largest column sum of magnitudes) of each matrix; 0 for empty ones."""
    return fnp.max(fnp.sum(fnp.abs(a), axis=-2), axis=-1, initial=0)


@_in_single
def expm(A):
    """The matrix exponential of each square matrix, by scaling and squaring: the matrix is
    scaled by 2**-s so its 1-norm is at most 5.37, exponentiated by the degree-13 Padé
    approximant, and squared s times (s per matrix; a matrix holding inf/NaN gives NaN).

    >>> import fluxion.numpy as fnp, fluxion.scipy.linalg as fsl
    >>> fsl.expm(fnp.asarray([[0.0, 1.0], [0.0, 0.0]])).tolist()
    [[1.0, 1.0], [0.0, 1.0]]
    """
    a = _matrices("expm", A, square=True)
    norm = _norm1(stop_gradient(a))
    finite = fnp.isfinite(norm)
    # (log2 of at least 1: a zero matrix makes no -inf, which fx.debug_infs() would report)
    s = fnp.where(finite, fnp.ceil(fnp.log2(fnp.maximum(norm, _THETA13) / _THETA13)), 0).astype(fnp.int32)
    a = a * fnp.ldexp(fnp.ones_like(norm), -s)[..., None, None]
    b = _PADE13
    eye = fnp.broadcast_to(fnp.eye(a.shape[-1], dtype=a.dtype), a.shape)
    a2 = a @ a
    a4 = a2 @ a2
    a6 = a4 @ a2
    u = a @ (a6 @ (b[13] * a6 + b[11] * a4 + b[9] * a2) + b[7] * a6 + b[5] * a4 + b[3] * a2 + b[1] * eye)
    v = a6 @ (b[12] * a6 + b[10] * a4 + b[8] * a2) + b[6] * a6 + b[4] * a4 + b[2] * a2 + b[0] * eye
    r = fnp.linalg.solve(v - u, v + u)

    def square(i, r):
        return fnp.where((i < s)[..., None, None], r @ r, r)
    r = fori_loop(0, fnp.max(s, initial=0), square, r)
    return fnp.where(finite[..., None, None], r, math.nan)


def expm_frechet(A, E, method=None, compute_expm: bool = True, check_finite: bool = True):
    """The Frechet derivative of the matrix exponential at `A` in the direction `E`,
    L(A, E) = d/dt expm(A + t E) at t = 0, with `expm(A)` first when `compute_expm`:
    `(expm(A), L)`. Both are blocks of the exponential of [[A, E], [0, A]] (E scaled to unit
    1-norm there, which the result's linearity in E undoes), so they are differentiable and
    batch as `expm` does. `method` is accepted for SciPy's signature.

    >>> import fluxion.numpy as fnp, fluxion.scipy.linalg as fsl
    >>> fsl.expm_frechet(fnp.zeros((2, 2)), fnp.eye(2), compute_expm=False).tolist()
    [[1.0, 0.0], [0.0, 1.0]]
    """
    a, e = promote_inexact("expm_frechet", A, E)
    a, e = _matrices("expm_frechet", a, square=True), _matrices("expm_frechet", e, square=True)
    if a.shape[-1] != e.shape[-1]:
        raise op_error(ShapeError, "expm_frechet", f"A has shape {a.shape} and E {e.shape}",
                       "pass a direction E of A's matrix shape")
    batch = broadcast_shapes("expm_frechet", a.shape[:-2], e.shape[:-2])
    a, e = (fnp.broadcast_to(x, batch + x.shape[-2:]) for x in (a, e))
    n = a.shape[-1]
    norm = stop_gradient(_norm1(e))
    scale = fnp.where(norm > 0, norm, 1)[..., None, None]
    big = fnp.concatenate([fnp.concatenate([a, e / scale], -1), fnp.concatenate([fnp.zeros_like(a), a], -1)], -2)
    out = expm(big)
    frechet = out[..., :n, n:] * scale
    return (out[..., :n, :n], frechet) if compute_expm else frechet


@_in_single
def logm(A, disp: bool = True):
    """The principal matrix logarithm of each square matrix (`expm(logm(A)) == A`), by inverse
    scaling and squaring: square roots are taken (per matrix) until the root is within 1-norm
    0.33 of the identity, whose logarithm an 8-point Gauss-Legendre rule gives, and the result is
    scaled back by 2**roots. A real matrix with a negative real eigenvalue has no real logarithm
    and gives NaN (pass it as complex for the complex one), as does a singular matrix whose
    square roots keep an eigenvalue of exactly 0 (a zero row, a nilpotent part). One singular
    only to working precision gives, as in SciPy, large finite values that depend on rounding
    (eagerly and compiled alike may differ): the logarithm of a nearby nonsingular matrix.
    With `disp=False`, `(logm, errest)`, errest being ||expm(logm) - A||_1 / ||A||_1.
    Differentiable (through `sqrtm` and the solves).

    >>> import fluxion.numpy as fnp, fluxion.scipy.linalg as fsl
    >>> fsl.logm(fnp.asarray([[1.0, 1.0], [0.0, 1.0]])).tolist()
    [[0.0, 1.0], [0.0, 0.0]]
    """
    a = _matrices("logm", A, square=True)
    eye = fnp.eye(a.shape[-1], dtype=a.dtype)
    theta = _LOG_THETA[np.finfo(a.dtype).bits // 8]

    def far(state):
        roots, r = state
        return (_norm1(r - eye) > theta) & (roots < _MAX_ROOTS)

    def root(state):
        roots, r = state
        need = far(state)
        return roots + need, fnp.where(need[..., None, None], sqrtm(r), r)
    roots, r = while_loop(lambda state: fnp.any(far(state)), root, (fnp.zeros(a.shape[:-2], fnp.int32), a))
    x = (r - eye)[..., None, :, :]
    nodes, weights = (fnp.asarray(v, dtype=fnp.real(x).dtype)[:, None, None] for v in (_LOG_NODES, _LOG_WEIGHTS))
    f = fnp.sum(weights * fnp.linalg.solve(eye + nodes * x, x), axis=-3)
    f = f * fnp.ldexp(fnp.ones(roots.shape, fnp.real(f).dtype), roots)[..., None, None]
    f = fnp.where((_norm1(r - eye) > theta)[..., None, None], math.nan, f)  # (roots of a singular matrix stay so)
    return f if disp else (f, _norm1(expm(f) - a) / _norm1(a))


@_in_single
def fractional_matrix_power(A, t):
    """The principal power `t` of each square matrix: for an integer `t` by repeated products
    (and the inverse for t < 0), otherwise `expm(t * logm(A))`, so NaN for a real matrix with a
    negative real eigenvalue (pass it as complex). Differentiable in `A`, and in `t` when not an
    integer.

    >>> import fluxion.numpy as fnp, fluxion.scipy.linalg as fsl
    >>> fsl.fractional_matrix_power(fnp.asarray([[4.0, 0.0], [0.0, 9.0]]), 0.5).tolist()
    [[2.0, 0.0], [0.0, 3.0]]
    """
    a = _matrices("fractional_matrix_power", A, square=True)
    if isinstance(t, numbers.Real) and float(t).is_integer():
        return fnp.linalg.matrix_power(a, int(t))
    return expm(fnp.asarray(t, dtype=fnp.real(a).dtype) * logm(a))


def _cos_sin(op: str, A):
    """cos and sin of each matrix from expm(i A): its real and imaginary parts for a real A, and
    with expm(-i A) (one exponential of both) for a complex one."""
    a = _matrices(op, A, square=True)
    if not fnp.iscomplexobj(a):
        e = expm(1j * a)
        return fnp.real(e), fnp.imag(e)
    e = expm(fnp.stack([1j * a, -1j * a]))
    return (e[0] + e[1]) / 2, (e[0] - e[1]) / 2j


def _cosh_sinh(op: str, A):
    a = _matrices(op, A, square=True)
    e = expm(fnp.stack([a, -a]))
    return (e[0] + e[1]) / 2, (e[0] - e[1]) / 2


def cosm(A):
    """The matrix cosine, (expm(i A) + expm(-i A)) / 2 (real for a real `A`).

    >>> import fluxion.numpy as fnp, fluxion.scipy.linalg as fsl
    >>> fsl.cosm(fnp.zeros((2, 2))).tolist()
    [[1.0, 0.0], [0.0, 1.0]]
    """
    return _cos_sin("cosm", A)[0]


def sinm(A):
    """The matrix sine, (expm(i A) - expm(-i A)) / 2i (real for a real `A`).

    >>> import fluxion.numpy as fnp, fluxion.scipy.linalg as fsl
    >>> fsl.sinm(fnp.asarray([[0.0, 1.0], [0.0, 0.0]])).tolist()
    [[0.0, 1.0], [0.0, 0.0]]
    """
    return _cos_sin("sinm", A)[1]


def tanm(A):
    """The matrix tangent, cosm(A)^-1 sinm(A).

    >>> import fluxion.numpy as fnp, fluxion.scipy.linalg as fsl
    >>> fsl.tanm(fnp.asarray([[0.0, 1.0], [0.0, 0.0]])).tolist()
    [[0.0, 1.0], [0.0, 0.0]]
    """
    return fnp.linalg.solve(*_cos_sin("tanm", A))


def coshm(A):
    """The hyperbolic matrix cosine, (expm(A) + expm(-A)) / 2.

    >>> import fluxion.numpy as fnp, fluxion.scipy.linalg as fsl
    >>> fsl.coshm(fnp.zeros((2, 2))).tolist()
    [[1.0, 0.0], [0.0, 1.0]]
    """
    return _cosh_sinh("coshm", A)[0]


def sinhm(A):
    """The hyperbolic matrix sine, (expm(A) - expm(-A)) / 2.

    >>> import fluxion.numpy as fnp, fluxion.scipy.linalg as fsl
    >>> fsl.sinhm(fnp.asarray([[0.0, 1.0], [0.0, 0.0]])).tolist()
    [[0.0, 1.0], [0.0, 0.0]]
    """
    return _cosh_sinh("sinhm", A)[1]


def tanhm(A):
    """The hyperbolic matrix tangent, coshm(A)^-1 sinhm(A).

    >>> import fluxion.numpy as fnp, fluxion.scipy.linalg as fsl
    >>> fsl.tanhm(fnp.asarray([[0.0, 1.0], [0.0, 0.0]])).tolist()
    [[0.0, 1.0], [0.0, 0.0]]
    """
    return fnp.linalg.solve(*_cosh_sinh("tanhm", A))


def signm(A, disp: bool = True):
    """The matrix sign function, sqrtm(A @ A)^-1 A: the matrix function that maps each eigenvalue
    to the sign of its real part. Undefined (NaN or inf here) where an eigenvalue lies on the
    imaginary axis, where SciPy's eigenvalue rounding gives 0. With `disp=False`, `(signm,
    errest)`, errest being ||P @ P - P||_1 for the projector P = (S @ S + S) / 2. Differentiable.

    >>> import fluxion.numpy as fnp, fluxion.scipy.linalg as fsl
    >>> fsl.signm(fnp.asarray([[2.0, 1.0], [0.0, -3.0]])).tolist()
    [[1.0, 0.4], [0.0, -1.0]]
    """
    a = _matrices("signm", A, square=True)
    s = fnp.linalg.solve(sqrtm(a @ a), a)
    if disp:
        return s
    p = (s @ s + s) / 2
    return s, _norm1(p @ p - p)
