"""fluxion.scipy.integrate: SciPy's integration of samples.

`trapezoid` is fluxion.numpy's (NumPy and SciPy give it the same arguments and values): the
trapezoidal rule along `axis`, at sample points `x` or a spacing `dx`, differentiable in `y`, `x`
and `dx`.

>>> import fluxion.numpy as fnp
>>> from fluxion.scipy.integrate import trapezoid
>>> trapezoid(fnp.asarray([0.0, 1.0, 4.0]), x=fnp.asarray([0.0, 1.0, 2.0])).item()
3.0
"""
from __future__ import annotations

from ..numpy import trapezoid as trapezoid

__all__ = ["trapezoid"]
