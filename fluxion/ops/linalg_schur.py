"""Primitives built on the Schur and Hessenberg reductions of square matrices.

`schur` and `hessenberg` are the reductions themselves; `sylvester` (the solution of
a x + x b = q) and `sqrtm` (the principal square root) compute through the complex Schur
form and are primitives of their own for their derivatives: a Sylvester solve is linear in
q, and differentiating either gives another Sylvester solve; the reductions' own derivatives
are in linalg_schur_rules too. All act on the last two axes and batch
over the leading ones. XLA runs the Schur reduction on the CPU only, as it does `eig`.
"""
from __future__ import annotations

from ..core import dtypes as D
from ..core.errors import ShapeError, op_error
from ..core.types import ArrayType
from ._util import define, same_dtypes
from .linalg import _matrices


def _schur_rule(x: ArrayType, *, complex_output: bool):
    _matrices("schur", x)
    dt = D.complex_dtype(x.dtype) if complex_output else x.dtype
    return ArrayType(x.shape, dt), ArrayType(x.shape, dt)


def _hessenberg_rule(x: ArrayType):
    _matrices("hessenberg", x)
    return ArrayType(x.shape, x.dtype), ArrayType(x.shape, x.dtype)


def _sylvester_rule(a: ArrayType, b: ArrayType, q: ArrayType) -> ArrayType:
    m, _ = _matrices("sylvester", a)
    n, _ = _matrices("sylvester", b)
    same_dtypes("sylvester", (a, b, q))
    if q.shape != a.shape[:-2] + (m, n) or b.shape[:-2] != a.shape[:-2]:
        raise op_error(ShapeError, "sylvester", f"a has shape {a.shape} and b {b.shape}, so q must have shape "
                       f"{a.shape[:-2] + (m, n)} (and b the batch dimensions of a), got {q.shape}",
                       "give q as many rows as a and as many columns as b, and broadcast the batch dimensions first")
    return ArrayType(q.shape, q.dtype)


def _sqrtm_rule(x: ArrayType) -> ArrayType:
    _matrices("sqrtm", x)
    return ArrayType(x.shape, x.dtype)


schur_p = define("schur", _schur_rule, multiple_results=True)
hessenberg_p = define("hessenberg", _hessenberg_rule, multiple_results=True)
sylvester_p = define("sylvester", _sylvester_rule)
sqrtm_p = define("sqrtm", _sqrtm_rule)


def schur(x, complex_output: bool = False):
    """The Schur decomposition `(t, z)`, `x = z t z^H` with `z` unitary: `t` upper triangular
    (complex when `complex_output`), or for real `x` quasi-upper triangular and real, with a
    2x2 block on the diagonal for each pair of complex eigenvalues.

    >>> import numpy as np
    >>> t, z = schur(np.array([[1.0, 2.0], [0.0, 3.0]]))
    >>> np.diag(t).tolist()
    [1.0, 3.0]
    """
    return schur_p.bind(x, complex_output=bool(complex_output))


def hessenberg(x):
    """The Hessenberg decomposition `(h, q)`, `x = q h q^H` with `q` unitary and `h` zero
    below its first subdiagonal.

    >>> import numpy as np
    >>> h, q = hessenberg(np.eye(3))
    >>> h.tolist()
    [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]
    """
    return hessenberg_p.bind(x)


def sylvester(a, b, q):
    """The solution `x` of `a x + x b = q` for square `a` (m, m), `b` (n, n) and `q` (m, n)
    (inf/NaN where `a` and `-b` share an eigenvalue, when no unique solution exists).

    >>> import numpy as np
    >>> sylvester(np.array([[2.0]]), np.array([[3.0]]), np.array([[10.0]])).tolist()
    [[2.0]]
    """
    return sylvester_p.bind(a, b, q)


def sqrtm(x):
    """The principal square root of each matrix: the root whose eigenvalues have positive
    real parts. A real matrix with a negative real eigenvalue has no real principal root and
    gives NaN (pass it as complex for its complex root).

    >>> import numpy as np
    >>> sqrtm(np.array([[4.0, 0.0], [0.0, 9.0]])).tolist()
    [[2.0, 0.0], [0.0, 3.0]]
    """
    return sqrtm_p.bind(x)
