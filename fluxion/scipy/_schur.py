"""SciPy's Schur-based linear algebra: the Schur and Hessenberg decompositions, the
Sylvester equation, the matrix square root and general matrix functions.

`schur`, `hessenberg`, `solve_sylvester` and `sqrtm` are primitives (fluxion/ops/linalg_schur);
`rsf2csf` and `funm` are compositions over the Schur form. All are differentiable: the
decompositions' rules are in fluxion/ops/linalg_schur_rules, and `funm` has its own rule, the
Frechet derivative through the eigendecomposition, defined where eigenvalues repeat too.
"""
from __future__ import annotations

import numpy as np

from .. import numpy as fnp
from ..control import fori_loop
from ..core.errors import ShapeError, op_error
from ..numpy._convert import promote_inexact
from ..numpy._linalg_util import _ct, _matrices
from ..ops import linalg as L
from ..ops import linalg_schur as LS
from ..ops._util import broadcast_shapes
from ..transforms.autodiff.api import jvp
from ..transforms.autodiff.custom import custom_jvp
from ..transforms.autodiff.jacobians import stop_gradient


def schur(a, output: str = "real", lwork=None, overwrite_a: bool = False, sort=None, check_finite: bool = True):
    """The Schur decomposition `(T, Z)`, `a = Z T Z^H` with `Z` unitary: `T` upper triangular
    for output 'complex', and for 'real' (of a real `a`) quasi-upper triangular with a 2x2
    block on its diagonal for each pair of complex eigenvalues.

    Differentiable where the eigenvalues are distinct (repeated ones give NaN, as for the
    eigenvectors of `fluxion.numpy.linalg.eig`). The phases of complex Schur vectors are
    whatever the algorithm picks, so only what does not depend on them (`z @ t @ z^H`,
    `diag(t)`, `abs(t)`, the projectors `z[:, j] z[:, j]^H`) has the derivative finite
    differences see; the real form's `t` and `z` have theirs, except at a 2x2 block
    [[a, b], [c, a]] with b = -c (a normal block, as a rotation has), where the form jumps (NaN).

    >>> import fluxion.numpy as fnp, fluxion.scipy.linalg as fsl
    >>> t, z = fsl.schur(fnp.asarray([[1.0, 2.0], [0.0, 3.0]]))
    >>> fnp.diag(t).tolist()
    [1.0, 3.0]
    """
    if output not in ("real", "complex", "r", "c"):
        raise op_error(ValueError, "schur", f"output must be 'real' or 'complex', got {output!r}", "pass one of them")
    if sort is not None:
        raise op_error(NotImplementedError, "schur", "sort (reordering the eigenvalues) is not available",
                       "pass sort=None, and sort the eigenvalues of fluxion.numpy.linalg.eigvals if that is the aim")
    return LS.schur(_matrices("schur", a, square=True), complex_output=output[0] == "c")


def rsf2csf(T, Z, check_finite: bool = True):
    """The complex Schur form `(T, Z)` from the real one `schur(a)` gives: each 2x2 block on
    the diagonal of `T` is made triangular by a rotation of its two rows and columns.

    >>> import fluxion.numpy as fnp, fluxion.scipy.linalg as fsl
    >>> t, z = fsl.rsf2csf(*fsl.schur(fnp.asarray([[0.0, -1.0], [1.0, 0.0]])))
    >>> abs(t[1, 0]).item(), sorted(round(w.imag) for w in fnp.diag(t).tolist())
    (0.0, [-1, 1])
    """
    t, z = promote_inexact("rsf2csf", T, Z)
    t, z = _matrices("rsf2csf", t, square=True), _matrices("rsf2csf", z, square=True)
    if t.shape[-1] != z.shape[-1]:
        raise op_error(ShapeError, "rsf2csf", f"T has shape {t.shape} and Z {z.shape}", "pass the two factors of "
                       "one Schur decomposition, square matrices of one size")
    batch = broadcast_shapes("rsf2csf", t.shape[:-2], z.shape[:-2])
    dt = fnp.result_type(t.dtype, fnp.complex64)
    t, z = (fnp.broadcast_to(x, batch + x.shape[-2:]).astype(dt) for x in (t, z))
    eps = np.finfo(dt).eps
    for m in range(t.shape[-1] - 1, 0, -1):
        a, b, c, d = t[..., m - 1, m - 1], t[..., m - 1, m], t[..., m, m - 1], t[..., m, m]
        # a block is split where its subdiagonal entry is more than rounding of its diagonal
        split = fnp.abs(c) > eps * (fnp.abs(a) + fnp.abs(d))
        # mu: the eigenvalue of the block with positive imaginary part; (mu - d, c) its eigenvector,
        # which the rotation g turns into the first unit vector, so that g block g^H is triangular
        mu = (a + d) / 2 + fnp.sqrt(((a - d) / 2) ** 2 + b * c)
        r = fnp.hypot(fnp.abs(mu - d), fnp.abs(c))
        cs, sn = fnp.where(split, (mu - d) / fnp.where(split, r, 1), 1), fnp.where(split, c / fnp.where(split, r, 1), 0)
        g = fnp.stack([fnp.stack([fnp.conj(cs), fnp.conj(sn)], axis=-1), fnp.stack([-sn, cs], axis=-1)], axis=-2)
        rows = g @ t[..., m - 1:m + 1, :]
        t = fnp.concatenate([t[..., :m - 1, :], rows, t[..., m + 1:, :]], axis=-2)
        t = fnp.concatenate([t[..., :m - 1], t[..., m - 1:m + 1] @ _ct(g), t[..., m + 1:]], axis=-1)
        z = fnp.concatenate([z[..., :m - 1], z[..., m - 1:m + 1] @ _ct(g), z[..., m + 1:]], axis=-1)
        t = t.at[..., m, m - 1].set(fnp.where(split, 0, t[..., m, m - 1]))
    return t, z


def hessenberg(a, calc_q: bool = False, overwrite_a: bool = False, check_finite: bool = True):
    """The Hessenberg form `H` of `a` (zero below the first subdiagonal), with `Q`, `a = Q H Q^H`,
    as `(H, Q)` when `calc_q`. Differentiable where no subdiagonal entry of `H` is 0 (NaN
    there, where `Q` is no longer fixed by `a`), as LAPACK fixes the factors: `Q`'s first column
    stays e1, and a complex `H` keeps its real subdiagonal.

    >>> import fluxion.numpy as fnp, fluxion.scipy.linalg as fsl
    >>> h = fsl.hessenberg(fnp.asarray([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]]))
    >>> abs(h[2, 0].item())
    0.0
    """
    h, q = LS.hessenberg(_matrices("hessenberg", a, square=True))
    return (h, q) if calc_q else h


def solve_sylvester(a, b, q):
    """The solution `x` of the Sylvester equation `a x + x b = q`, for `a` (..., M, M), `b`
    (..., N, N) and `q` (..., M, N) (batch axes broadcast); inf/NaN where `a` and `-b` share an
    eigenvalue. Differentiable in all three.

    >>> import fluxion.numpy as fnp, fluxion.scipy.linalg as fsl
    >>> a, b = fnp.asarray([[2.0, 0.0], [0.0, 3.0]]), fnp.asarray([[1.0]])
    >>> fsl.solve_sylvester(a, b, fnp.asarray([[3.0], [8.0]])).tolist()
    [[1.0], [2.0]]
    """
    a, b, q = promote_inexact("solve_sylvester", a, b, q)
    a, b, q = _matrices("solve_sylvester", a, square=True), _matrices("solve_sylvester", b, square=True), \
        _matrices("solve_sylvester", q)
    m, n = a.shape[-1], b.shape[-1]
    if q.shape[-2:] != (m, n):
        raise op_error(ShapeError, "solve_sylvester", f"a has shape {a.shape} and b {b.shape}, so q must have shape "
                       f"(..., {m}, {n}), got {q.shape}", "give q as many rows as a and as many columns as b")
    batch = broadcast_shapes("solve_sylvester", a.shape[:-2], b.shape[:-2], q.shape[:-2])
    return LS.sylvester(*(fnp.broadcast_to(x, batch + x.shape[-2:]) for x in (a, b, q)))


def sqrtm(A, disp: bool = True, blocksize: int = 64):
    """The principal square root of each square matrix (the root whose eigenvalues have positive
    real parts), by the Schur method; with `disp=False`, `(root, errest)`, errest being
    ||root @ root - A||_F^2 / ||A||_F. A real matrix with a negative real eigenvalue has no real
    principal root and gives NaN, where SciPy switches to complex: pass it as complex
    (`A.astype(complex)`) for that root. Differentiable (the derivative solves a Sylvester
    equation).

    >>> import fluxion.numpy as fnp, fluxion.scipy.linalg as fsl
    >>> fsl.sqrtm(fnp.asarray([[4.0, 1.0], [0.0, 9.0]])).tolist()
    [[2.0, 0.2], [0.0, 3.0]]
    """
    a = _matrices("sqrtm", A, square=True)
    root = LS.sqrtm(a)
    if disp:
        return root
    frob = lambda x: fnp.sqrt(fnp.sum(fnp.abs(x) ** 2, axis=(-2, -1)))
    return root, frob(root @ root - a) ** 2 / frob(a)


def funm(A, func, disp: bool = True):
    """The matrix function of each square matrix given by `func`, a function of arrays applied
    elementwise to the eigenvalues, by the Schur-Parlett method: with the complex Schur form
    a = Z T Z^H, F = Z f(T) Z^H, where f(T) has f of T's diagonal on its diagonal and commutes
    with T, which fixes it column by column. For a real matrix the result is its real part.
    Eigenvalues that repeat make the method inexact where the matrix is defective, as in SciPy.
    With `disp=False`, `(F, errest)`, errest bounding the relative error by the eigenvalues'
    least separation. Differentiable where the matrix is diagonalizable: the derivative is the
    Frechet derivative of f (divided differences of f at the eigenvalues, f' where they
    coincide), with `func` differentiated as fluxion differentiates it. Where eigenvalues
    repeat, only the first derivative is defined (higher ones go through the eigenvectors': NaN).

    >>> import fluxion.numpy as fnp, fluxion.scipy.linalg as fsl
    >>> fsl.funm(fnp.asarray([[1.0, 1.0], [0.0, 2.0]]), lambda x: x * x).tolist()
    [[1.0, 3.0], [0.0, 4.0]]
    """
    a = _matrices("funm", A, square=True)
    out = _funm(a, func)
    if disp:
        return out
    t = LS.schur(stop_gradient(a), complex_output=True)[0]
    n = t.shape[-1]
    w = fnp.diagonal(t, axis1=-2, axis2=-1)
    eye = fnp.eye(n, dtype=t.dtype)
    eps = np.finfo(t.dtype).eps
    gaps = fnp.abs(w[..., :, None] - w[..., None, :]) + fnp.where(eye == 1, fnp.inf, 0).real
    least = fnp.min(gaps, axis=(-2, -1), initial=fnp.inf)
    least = fnp.where(least == 0, eps, least)
    norm1 = fnp.max(fnp.sum(fnp.abs(fnp.triu(t, 1)), axis=-2), axis=-1, initial=0)
    return out, fnp.minimum(1, fnp.maximum(eps, eps / least * norm1))


def _elementwise(func, w):
    """`func` of the eigenvalues `w`, shaped and typed as `w`."""
    return fnp.broadcast_to(fnp.asarray(func(w)).astype(w.dtype), w.shape)


def _funm_run(a, func):
    t, z = LS.schur(a, complex_output=True)
    n = t.shape[-1]
    fw = _elementwise(func, fnp.diagonal(t, axis1=-2, axis2=-1))
    index = fnp.arange(n)
    eye = fnp.eye(n, dtype=t.dtype)

    def column(j, f):
        # T F = F T, read at (i, j) for i < j: (t_jj - t_ii) f_ij - sum_{i<k<j} t_ik f_kj
        #   = f_jj t_ij - sum_{i<=k<j} f_ik t_kj, a triangular system in column j above the diagonal
        at_j = index == j
        above = index < j
        t_j = fnp.sum(t * at_j, axis=-1)
        t_jj, f_jj = fnp.sum(t_j * at_j, axis=-1), fnp.sum(fw * at_j, axis=-1)
        block = fnp.where(above[:, None] & above[None, :], t_jj[..., None, None] * eye - t, eye)
        # a zero gap (a repeated eigenvalue) leaves the numerator undivided, as SciPy does
        block = fnp.where((block == 0) & (eye == 1), 1, block)
        rhs = fnp.where(above, f_jj[..., None] * t_j - fnp.sum(f * t_j[..., None, :], axis=-1), 0)
        x = L.triangular_solve(block, rhs[..., None], left_side=True, lower=False)
        return f + x * at_j
    out = z @ fori_loop(1, n, column, fw[..., None, :] * eye) @ _ct(z)
    return out if fnp.iscomplexobj(a) else fnp.real(out)


_funm = custom_jvp(_funm_run, nondiff_argnums=(1,))


@_funm.defjvp
def _funm_jvp(func, primals, tangents):
    # Daleckii-Krein: with a = V diag(w) V^-1, dF = V ((V^-1 da V) * D) V^-1, D the divided
    # differences of f at the eigenvalues. D is constant across a repeated eigenvalue's
    # eigenvectors, so whichever basis of its eigenspace eig picks gives the same dF (the Schur
    # form's own derivative there is NaN).
    (a,), (da,) = primals, tangents
    w, v = fnp.linalg.eig(a)
    v_inv = fnp.linalg.inv(v)
    d_out = v @ ((v_inv @ da.astype(v.dtype) @ v) * _divided_differences(func, w)) @ v_inv
    return _funm(a, func), (d_out if fnp.iscomplexobj(a) else fnp.real(d_out))


def _divided_differences(func, w):
    """(f(w_i) - f(w_j)) / (w_i - w_j), and f' at the midpoint where the two are within a relative
    eps**(1/3): there the quotient would lose more to cancellation than the midpoint to the
    third derivative."""
    wi, wj = w[..., :, None], w[..., None, :]
    fw = _elementwise(func, w)
    gap = wi - wj
    scale = fnp.maximum(1, fnp.maximum(fnp.abs(wi), fnp.abs(wj)))
    close = fnp.abs(gap) <= np.finfo(w.dtype).eps ** (1 / 3) * scale
    mid = (wi + wj) / 2
    slope = jvp(lambda x: _elementwise(func, x), (mid,), (fnp.ones_like(mid),))[1]
    return fnp.where(close, slope, (fw[..., :, None] - fw[..., None, :]) / fnp.where(close, 1, gap))
