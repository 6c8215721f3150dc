"""fluxion.scipy.cluster.vq: vector quantization, with SciPy's values.

>>> import fluxion.numpy as fnp
>>> from fluxion.scipy.cluster.vq import vq
>>> code, dist = vq(fnp.asarray([[1.0, 1.0], [4.0, 5.0]]), fnp.asarray([[0.0, 0.0], [4.0, 4.0]]))
>>> code.tolist(), [round(d, 4) for d in dist.tolist()]
([0, 1], [1.4142, 1.0])
"""
from __future__ import annotations

from ... import numpy as fnp
from ...core.array import Array
from ...core.errors import ShapeError, op_error
from ...numpy._convert import promote_inexact

__all__ = ["vq"]


def vq(obs, code_book, check_finite: bool = True) -> tuple[Array, Array]:
    """The index of the nearest code of `code_book` to each observation, and the Euclidean distance to it.

    Args:
        obs: M observations of N features, shape (M, N), or (M,) for one feature.
        code_book: K codes, shape (K, N), or (K,) for one feature.
        check_finite: accepted for SciPy's signature; values are not checked (they may be traced).

    Returns:
        `(code, dist)`: int32 indices of shape (M,) (the first nearest code on ties) and the
        distances, in the inexact dtype of the inputs.

    >>> import fluxion.numpy as fnp
    >>> from fluxion.scipy.cluster.vq import vq
    >>> vq(fnp.asarray([1.0, 5.0]), fnp.asarray([0.0, 4.0]))[0].tolist()
    [0, 1]
    """
    obs, code_book = promote_inexact("vq", obs, code_book)
    if obs.ndim != code_book.ndim or obs.ndim not in (1, 2) or obs.shape[1:] != code_book.shape[1:]:
        raise op_error(ShapeError, "vq", f"obs of shape {obs.shape} and code_book of shape {code_book.shape} do not "
                       "agree", "pass obs (M, N) and code_book (K, N), or both 1-D for a single feature")
    if obs.ndim == 1:
        obs, code_book = obs[:, None], code_book[:, None]
    diff = obs[:, None, :] - code_book[None, :, :]
    dist2 = fnp.sum(fnp.real(fnp.conj(diff) * diff), axis=-1)
    code = fnp.argmin(dist2, axis=1)
    best = fnp.take_along_axis(dist2, code[:, None], axis=1)[:, 0]
    return code.astype(fnp.int32), fnp.sqrt(best)
