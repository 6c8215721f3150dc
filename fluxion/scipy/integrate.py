"""fluxion.scipy.integrate: SciPy's integration of samples.

`trapezoid`: the trapezoidal rule along `axis`, at sample points `x` or a spacing `dx`,
differentiable in `y`, `x` and `dx`.

>>> import fluxion.numpy as fnp
>>> from fluxion.scipy.integrate import trapezoid
>>> trapezoid(fnp.asarray([0.0, 1.0, 4.0]), x=fnp.asarray([0.0, 1.0, 2.0])).item()
3.0
"""
from __future__ import annotations

from .. import numpy as fnp

__all__ = ["trapezoid"]


def trapezoid(y, x=None, dx=1.0, axis: int = -1):
    """SciPy's trapezoidal rule: `fluxion.numpy.trapezoid`, but for an `x` of several axes, which
    SciPy broadcasts to y's shape first (NumPy takes x's differences along its own `axis`).

    >>> import fluxion.numpy as fnp
    >>> trapezoid(fnp.ones((2, 3)), x=fnp.asarray([[0.0], [2.0]]), axis=0).tolist()
    [2.0, 2.0, 2.0]
    """
    if x is not None and fnp.ndim(x) > 1:
        x = fnp.broadcast_to(x, fnp.shape(y))
    return fnp.trapezoid(y, x, dx, axis)
