"""Linear algebra primitives, with XLA's semantics.

`dot_general` is XLA's DotGeneral: contract chosen dimensions, keep batch dimensions in
lockstep; the result is batch dims, then lhs free dims, then rhs free dims. The
factorizations act on the last two dimensions and are batched over the leading ones
(which must agree exactly: broadcasting is the caller's job). A matrix a factorization
cannot handle (a non-positive-definite input to `cholesky`, an SVD that does not converge)
gives NaNs, not an error, because that is what a compiled program can do.
"""
from __future__ import annotations

import operator

from ..core import dtypes as D
from ..core.errors import ShapeError, op_error
from ..core.types import ArrayType
from ._util import check_dtype, check_preferred, define, same_dtypes

# dot_general ------------------------------------------------------------------------------


def _check_dims(dims, ndim: int, which: str, shape) -> None:
    if bad := [d for d in dims if not 0 <= d < ndim]:
        raise op_error(ShapeError, "dot_general", f"{which} dimensions {dims} include {bad[0]}, out of range for "
                       f"shape {shape}", f"use dimensions in [0, {ndim - 1}] (negative ones are not accepted)")
    if len(set(dims)) != len(dims):
        raise op_error(ShapeError, "dot_general",
                       f"{which} dimensions {dims} are not distinct dimensions of shape {shape}",
                       f"use distinct dimensions in [0, {ndim - 1}]")


def _dot_general_rule(lhs: ArrayType, rhs: ArrayType, *, dimension_numbers, preferred_element_type=None) -> ArrayType:
    dt = same_dtypes("dot_general", (lhs, rhs))
    check_dtype("dot_general", dt, D.NUMERIC)
    (lc, rc), (lb, rb) = dimension_numbers
    if len(lc) != len(rc) or len(lb) != len(rb):
        raise op_error(ShapeError, "dot_general",
                       f"dimension_numbers {dimension_numbers} pair {len(lc)} lhs with {len(rc)} rhs "
                       f"contracting and {len(lb)} lhs with {len(rb)} rhs batch dimensions",
                       "give lhs and rhs the same number of contracting and of batch dimensions")
    _check_dims(lc + lb, lhs.ndim, "lhs contracting and batch", lhs.shape)
    _check_dims(rc + rb, rhs.ndim, "rhs contracting and batch", rhs.shape)
    for kind, ls, rs in (("contracting", lc, rc), ("batch", lb, rb)):
        for a, b in zip(ls, rs):
            if lhs.shape[a] != rhs.shape[b]:
                raise op_error(ShapeError, "dot_general",
                               f"{kind} dimension {a} of lhs shape {lhs.shape} has size {lhs.shape[a]} but dimension {b} "
                               f"of rhs shape {rhs.shape} has size {rhs.shape[b]}",
                               f"{kind} dimensions must have equal sizes; transpose or reshape an operand")
    if preferred_element_type is not None:
        check_preferred("dot_general", dt, preferred_element_type)
        dt = preferred_element_type
    shape = (tuple(lhs.shape[d] for d in lb)
             + tuple(s for d, s in enumerate(lhs.shape) if d not in lc and d not in lb)
             + tuple(s for d, s in enumerate(rhs.shape) if d not in rc and d not in rb))
    return ArrayType(shape, dt, lhs.weak and rhs.weak)


dot_general_p = define("dot_general", _dot_general_rule)


def dot_general(lhs, rhs, dimension_numbers, preferred_element_type=None):
    """XLA DotGeneral; `dimension_numbers = ((lhs_contract, rhs_contract), (lhs_batch, rhs_batch))`.

    >>> import numpy as np
    >>> dot_general(np.ones((2, 3)), np.ones((3, 4)), (((1,), (0,)), ((), ()))).shape
    (2, 4)
    """
    try:
        (lc, rc), (lb, rb) = dimension_numbers
        dn = ((tuple(map(operator.index, lc)), tuple(map(operator.index, rc))),
              (tuple(map(operator.index, lb)), tuple(map(operator.index, rb))))
    except (TypeError, ValueError):
        raise op_error(TypeError, "dot_general", f"dimension_numbers {dimension_numbers!r} are not "
                       "((lhs_contract, rhs_contract), (lhs_batch, rhs_batch)), four sequences of axes",
                       "pass e.g. (((1,), (0,)), ((), ())) for a matrix product") from None
    if preferred_element_type is not None:
        preferred_element_type = D.canonicalize(preferred_element_type)
    return dot_general_p.bind(lhs, rhs, dimension_numbers=dn, preferred_element_type=preferred_element_type)


# factorizations -----------------------------------------------------------------------------


def _matrices(op: str, x: ArrayType, square: bool = True) -> tuple[int, int]:
    """Check `x` is a floating stack of (square) matrices; returns the matrix shape."""
    check_dtype(op, x.dtype, D.FLOATING)
    if x.ndim < 2 or (square and x.shape[-1] != x.shape[-2]):
        what = "square matrices" if square else "matrices"
        last = "m" if square else "n"
        raise op_error(ShapeError, op, f"needs a stack of {what} (shape (..., m, {last})), got shape {x.shape}",
                       "pass an array whose last two dimensions form " + ("square matrices" if square else "matrices"))
    return x.shape[-2], x.shape[-1]


def _cholesky_rule(x: ArrayType) -> ArrayType:
    _matrices("cholesky", x)
    return x.update(weak=False)


def _triangular_solve_rule(a: ArrayType, b: ArrayType, *, left_side: bool, lower: bool, transpose_a: bool,
                           conjugate_a: bool, unit_diagonal: bool) -> ArrayType:
    m, _ = _matrices("triangular_solve", a)
    same_dtypes("triangular_solve", (a, b))
    side = -2 if left_side else -1
    if b.ndim != a.ndim or b.shape[:-2] != a.shape[:-2] or b.shape[side] != m:
        want = f"(..., {m}, k)" if left_side else f"(..., k, {m})"
        raise op_error(ShapeError, "triangular_solve", f"a has shape {a.shape} so b must have shape {want} with the same "
                       f"batch dimensions {a.shape[:-2]}, got {b.shape}",
                       "broadcast the batch dimensions of a and b first"
                       + ("" if left_side else ", or pass left_side=True"))
    return b.update(weak=False)


def _lu_rule(x: ArrayType):
    m, n = _matrices("lu", x, square=False)
    batch = x.shape[:-2]
    return (x.update(weak=False), ArrayType(batch + (min(m, n),), D.int32), ArrayType(batch + (m,), D.int32))


def _det_rule(x: ArrayType) -> ArrayType:
    _matrices("det", x)
    return ArrayType(x.shape[:-2], x.dtype)


def _cofactors_rule(x: ArrayType) -> ArrayType:
    _matrices("cofactors", x)
    return x.update(weak=False)


def _cofactors_jvp_rule(x: ArrayType, s: ArrayType) -> ArrayType:
    _matrices("cofactors_jvp", x)
    same_dtypes("cofactors_jvp", (x, s))
    if s.shape[s.ndim - x.ndim:] != x.shape:
        want = ", ".join(map(str, x.shape))
        raise op_error(ShapeError, "cofactors_jvp", f"x has shape {x.shape}, so s must have shape (..., {want}), got "
                       f"{s.shape}", "give s the shape of x, with any leading dimensions for more directions")
    return s.update(weak=False)


def _qr_rule(x: ArrayType, *, full_matrices: bool):
    m, n = _matrices("qr", x, square=False)
    k = m if full_matrices else min(m, n)
    batch = x.shape[:-2]
    return ArrayType(batch + (m, k), x.dtype), ArrayType(batch + (k, n), x.dtype)


def _eigh_rule(x: ArrayType, *, lower: bool):
    _matrices("eigh", x)
    return ArrayType(x.shape, x.dtype), ArrayType(x.shape[:-1], D.real_dtype(x.dtype))


def _eig_rule(x: ArrayType, *, vectors: bool):
    _matrices("eig", x)
    dt = D.complex_dtype(x.dtype)
    w = ArrayType(x.shape[:-1], dt)
    return (w, ArrayType(x.shape, dt)) if vectors else (w,)


def _svd_rule(x: ArrayType, *, full_matrices: bool, compute_uv: bool):
    m, n = _matrices("svd", x, square=False)
    batch, k = x.shape[:-2], min(m, n)
    s = ArrayType(batch + (k,), D.real_dtype(x.dtype))
    if not compute_uv:
        return (s,)
    um, vn = (m, n) if full_matrices else (k, k)
    return ArrayType(batch + (m, um), x.dtype), s, ArrayType(batch + (vn, n), x.dtype)


cholesky_p = define("cholesky", _cholesky_rule)
triangular_solve_p = define("triangular_solve", _triangular_solve_rule)
lu_p = define("lu", _lu_rule, multiple_results=True)
det_p = define("det", _det_rule)
cofactors_p = define("cofactors", _cofactors_rule)
cofactors_jvp_p = define("cofactors_jvp", _cofactors_jvp_rule)
qr_p = define("qr", _qr_rule, multiple_results=True)
eigh_p = define("eigh", _eigh_rule, multiple_results=True)
eig_p = define("eig", _eig_rule, multiple_results=True)
svd_p = define("svd", _svd_rule, multiple_results=True)


def cholesky(x):
    """The lower Cholesky factor of each matrix in `x`; reads only the lower triangle.

    A matrix that is not positive definite gives NaN in the lower triangle (as XLA does),
    not an error.

    >>> import numpy as np
    >>> cholesky(np.array([[4.0, 2.0], [2.0, 5.0]])).tolist()
    [[2.0, 0.0], [1.0, 2.0]]
    """
    return cholesky_p.bind(x)


def triangular_solve(a, b, *, left_side: bool = False, lower: bool = False, transpose_a: bool = False,
                     conjugate_a: bool = False, unit_diagonal: bool = False):
    """Solve `op(a) @ x = b` (`left_side`) or `x @ op(a) = b` for triangular `a`.

    `op(a)` is `a`, its transpose or its conjugate (transpose) per `transpose_a` and
    `conjugate_a`; only the `lower` (or upper) triangle of `a` is read and `unit_diagonal`
    takes its diagonal as ones. A zero on the diagonal gives inf/NaN, not an error.

    >>> import numpy as np
    >>> triangular_solve(np.array([[2.0, 0.0], [1.0, 1.0]]), np.array([[2.0], [2.0]]),
    ...                  left_side=True, lower=True).tolist()
    [[1.0], [1.0]]
    """
    return triangular_solve_p.bind(a, b, left_side=bool(left_side), lower=bool(lower), transpose_a=bool(transpose_a),
                                   conjugate_a=bool(conjugate_a), unit_diagonal=bool(unit_diagonal))


def det(x):
    """Determinant of each square matrix (from LU; 1 for 0x0 matrices).

    A primitive of its own for its derivatives: the gradient is `cofactors(x)`, whose derivative
    is `cofactors_jvp`, both exact also at singular matrices, where LU is not differentiable
    (see linalg_rules).

    >>> import numpy as np
    >>> det(np.array([[1.0, 2.0], [3.0, 4.0]])).round(6).item()
    -2.0
    """
    return det_p.bind(x)


def cofactors(x):
    """The cofactor matrix of each square matrix, adj(x)^T: the gradient of det, from LU, exact
    also at singular matrices.

    >>> import numpy as np
    >>> cofactors(np.array([[1.0, 2.0], [2.0, 4.0]])).tolist()
    [[4.0, -2.0], [-2.0, 1.0]]
    """
    return cofactors_p.bind(x)


def cofactors_jvp(x, s):
    """The derivative of `cofactors` at `x` along `s` (the Hessian of det applied to `s`), exact
    also at singular matrices; `s` may have leading dimensions beyond those of `x`, for several
    directions at each matrix.

    >>> import numpy as np
    >>> cofactors_jvp(np.zeros((2, 2)), np.array([[1.0, 2.0], [3.0, 4.0]])).tolist()
    [[4.0, -3.0], [-2.0, 1.0]]
    """
    return cofactors_jvp_p.bind(x, s)


def lu(x):
    """LU with partial pivoting: `(lu, pivots, permutation)`, `x[..., permutation, :] == L @ U`.

    `lu` packs unit-lower L (below the diagonal) and U; `pivots[i]` is the row swapped with
    row i (0-based, int32); a singular matrix gives zeros on U's diagonal, not an error.

    >>> import numpy as np
    >>> packed, pivots, perm = lu(np.array([[1.0, 2.0], [3.0, 4.0]]))
    >>> pivots.tolist(), perm.tolist()
    ([1, 1], [1, 0])
    """
    return lu_p.bind(x)


def pivot_permutation(pivots: list[int], m: int) -> list[int]:
    """The permutation of `m` rows that `lu`'s `pivots` make (its swaps applied in order), for
    kernels and eager code that hold the pivots as Python ints.

    >>> pivot_permutation([1, 1], 2)
    [1, 0]
    """
    perm = list(range(m))
    for i, j in enumerate(pivots):
        perm[i], perm[j] = perm[j], perm[i]
    return perm


def qr(x, full_matrices: bool = True):
    """QR decomposition `(q, r)`; `full_matrices=False` gives the reduced form.

    >>> import numpy as np
    >>> q, r = qr(np.ones((3, 2)), full_matrices=False)
    >>> q.shape, r.shape
    ((3, 2), (2, 2))
    """
    return qr_p.bind(x, full_matrices=bool(full_matrices))


def eigh(x, lower: bool = True):
    """Eigenvectors and eigenvalues `(v, w)` of Hermitian matrices; `w` ascending and real.

    Only the `lower` (or upper) triangle is read.

    >>> import numpy as np
    >>> v, w = eigh(np.array([[2.0, 1.0], [1.0, 2.0]]))
    >>> w.tolist()
    [1.0, 3.0]
    """
    return eigh_p.bind(x, lower=bool(lower))


def eig(x, vectors: bool = True):
    """Eigenvalues `w` and right eigenvectors `v` (columns of unit norm, `x @ v == v * w`) of
    general square matrices, complex whatever the input's dtype; only `(w,)` without `vectors`.

    >>> import numpy as np
    >>> w, v = eig(np.array([[0.0, -1.0], [1.0, 0.0]]))
    >>> sorted(w.tolist(), key=lambda z: z.imag)
    [-1j, 1j]
    """
    return eig_p.bind(x, vectors=bool(vectors))


def svd(x, full_matrices: bool = True, compute_uv: bool = True):
    """Singular value decomposition `(u, s, vh)` with `s` descending; only `s` if not `compute_uv`.

    >>> import numpy as np
    >>> svd(np.array([[3.0, 0.0], [0.0, -4.0]]), compute_uv=False).tolist()
    [4.0, 3.0]
    """
    out = svd_p.bind(x, full_matrices=bool(full_matrices), compute_uv=bool(compute_uv))
    return out if compute_uv else out[0]
