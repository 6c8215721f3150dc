"""SciPy's Schur-based linear algebra: the Schur and Hessenberg decompositions, the
Sylvester equation and the matrix square root.

`schur`, `hessenberg`, `solve_sylvester` and `sqrtm` are primitives (fluxion/ops/linalg_schur);
`solve_sylvester` and `sqrtm` are differentiable; the decompositions are not.
"""
from __future__ import annotations

from .. import numpy as fnp
from ..core.errors import ShapeError, op_error
from ..numpy._convert import promote_inexact
from ..numpy.linalg import _matrices
from ..ops import linalg_schur as LS
from ..ops._util import broadcast_shapes


def schur(a, output: str = "real", lwork=None, overwrite_a: bool = False, sort=None, check_finite: bool = True):
    """The Schur decomposition `(T, Z)`, `a = Z T Z^H` with `Z` unitary: `T` upper triangular
    for output 'complex', and for 'real' (of a real `a`) quasi-upper triangular with a 2x2
    block on its diagonal for each pair of complex eigenvalues. Not differentiable.

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


def hessenberg(a, calc_q: bool = False, overwrite_a: bool = False, check_finite: bool = True):
    """The Hessenberg form `H` of `a` (zero below the first subdiagonal), with `Q`, `a = Q H Q^H`,
    as `(H, Q)` when `calc_q`. Not differentiable.

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
    >>> fsl.solve_sylvester(fnp.asarray([[2.0, 0.0], [0.0, 3.0]]), fnp.asarray([[1.0]]), fnp.asarray([[3.0], [8.0]])).tolist()
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

