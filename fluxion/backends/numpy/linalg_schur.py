"""SciPy kernels of the Schur-based primitives, one matrix (or triple) at a time."""
from __future__ import annotations

import numpy as np
import scipy.linalg as sl

from ...core.primitive import numpy_kernel
from ...ops import linalg_schur as L
from ._util import via_float32


def _each(fn, xs, outs):
    """`fn` applied to each matrix of the stacks `xs` (the same leading axes), its results
    written into new arrays of `outs` ((shape, dtype) each); empty matrices are left as they are,
    and the results of matrices with a NaN or infinity are NaN (SciPy would raise), as compiled."""
    results = [np.zeros(shape, dt) for shape, dt in outs]
    if all(x.shape[-1] and x.shape[-2] for x in xs):
        for idx in np.ndindex(xs[0].shape[:-2]):
            ms = [x[idx] for x in xs]
            values = fn(*ms) if all(np.isfinite(m).all() for m in ms) else [np.nan] * len(results)
            for r, v in zip(results, values):
                r[idx] = v
    return results


@via_float32
def _schur(x, *, complex_output):
    dt = np.result_type(x.dtype, np.complex64) if complex_output else x.dtype
    out = "complex" if complex_output else "real"
    return tuple(_each(lambda m: sl.schur(m, output=out), [x], [(x.shape, dt)] * 2))


@via_float32
def _hessenberg(x):
    return tuple(_each(lambda m: sl.hessenberg(m, calc_q=True), [x], [(x.shape, x.dtype)] * 2))


@via_float32
def _sylvester(a, b, q):
    (x,) = _each(lambda a, b, q: (sl.solve_sylvester(a, b, q),), [a, b, q], [(q.shape, q.dtype)])
    return x


@via_float32
def _sqrtm(x):
    def root(m):
        r = sl.sqrtm(m)
        if np.iscomplexobj(m) or not np.iscomplexobj(r):
            return (r,)
        # a real matrix with a negative real eigenvalue has no real principal root; SciPy also goes
        # complex for one within rounding of 0 (a singular PSD matrix's), which is 0, as in the XLA kernel
        w = np.linalg.eigvals(m)
        tol = 10 * m.shape[-1] * np.finfo(m.dtype).eps * np.max(np.abs(w))
        negative = np.any((w.real < -tol) & (np.abs(w.imag) <= tol))
        return (np.full_like(m, np.nan) if negative else r.real,)
    (out,) = _each(root, [x], [(x.shape, x.dtype)])
    return out


numpy_kernel.update({L.schur_p: _schur, L.hessenberg_p: _hessenberg, L.sylvester_p: _sylvester, L.sqrtm_p: _sqrtm})
