"""NumPy's symmetric window functions (bartlett, blackman, hamming, hanning, kaiser) as float32 arrays.

Each is a function of t = 2 pi n / (M - 1), n = 0..M-1, computed in float64 and rounded once.
M < 1 gives an empty window and M == 1 a single 1.
"""
from __future__ import annotations

import operator

from .. import numpy as fnp
from ..core import dtypes
from ..core.array import Array
from ..core.errors import op_error

__all__ = ["bartlett", "blackman", "hamming", "hanning", "kaiser"]


def _window(M: int, shape) -> Array:
    """`shape(t)` for t = 2 pi n / (M - 1), n = 0..M-1, as the default float dtype."""
    if isinstance(M, float) and M.is_integer():  # NumPy takes a whole float
        M = int(M)
    try:
        M = operator.index(M)
    except TypeError:
        raise op_error(TypeError, "window", f"the length M must be a whole number, got {M!r}",
                       "pass an int (a concrete one: the window's shape depends on it)") from None
    if M <= 1:
        return fnp.ones((max(M, 0),), dtypes.default_float)
    t = fnp.arange(M, dtype=dtypes.float64) * (2 * fnp.pi / (M - 1))
    return fnp.astype(shape(t), dtypes.default_float)


def _cosines(*weights: float):
    """The sum of weights[j] * cos(j t), with alternating signs (the generalized cosine windows)."""
    return lambda t: sum((-1) ** j * w * fnp.cos(j * t) for j, w in enumerate(weights))


def bartlett(M: int) -> Array:
    """The triangular window of `M` points (peak 1 in the middle, 0 at the ends).

    >>> import fluxion.numpy as fnp
    >>> fnp.bartlett(5).tolist()
    [0.0, 0.5, 1.0, 0.5, 0.0]
    """
    return _window(M, lambda t: 1 - fnp.abs(t / fnp.pi - 1))


def blackman(M: int) -> Array:
    """The Blackman window of `M` points: 0.42 - 0.5 cos(t) + 0.08 cos(2t).

    >>> import fluxion.numpy as fnp
    >>> fnp.round(fnp.blackman(3), 6).tolist()
    [-0.0, 1.0, -0.0]
    """
    return _window(M, _cosines(0.42, 0.5, 0.08))


def hamming(M: int) -> Array:
    """The Hamming window of `M` points: 0.54 - 0.46 cos(t).

    >>> import fluxion.numpy as fnp
    >>> fnp.round(fnp.hamming(3), 6).tolist()
    [0.08, 1.0, 0.08]
    """
    return _window(M, _cosines(0.54, 0.46))


def hanning(M: int) -> Array:
    """The Hann window of `M` points: 0.5 - 0.5 cos(t).

    >>> import fluxion.numpy as fnp
    >>> fnp.hanning(5).tolist()
    [0.0, 0.5, 1.0, 0.5, 0.0]
    """
    return _window(M, _cosines(0.5, 0.5))


def kaiser(M: int, beta) -> Array:
    """The Kaiser window of `M` points: i0(beta sqrt(1 - (2n/(M-1) - 1)**2)) / i0(beta); a larger
    `beta` gives a narrower window.

    >>> import fluxion.numpy as fnp
    >>> fnp.round(fnp.kaiser(3, 5.0), 4).tolist()
    [0.0367, 1.0, 0.0367]
    """
    beta = fnp.astype(beta if isinstance(beta, Array) else fnp.asarray(beta), dtypes.float64)
    return _window(M, lambda t: fnp.i0(beta * fnp.sqrt(1 - (t / fnp.pi - 1) ** 2)) / fnp.i0(beta))
