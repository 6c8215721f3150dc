"""fluxion.scipy.interpolate: `RegularGridInterpolator`, linear or nearest interpolation on a
rectangular grid, with SciPy's values.

Each axis of the grid is strictly increasing or decreasing, as in SciPy (traced grid points are
not checked and must be increasing). A point outside the grid gives `fill_value` (NaN by
default), or, with `fill_value=None`, the linear extrapolation of the edge cells; a NaN
coordinate gives NaN. The interpolator is a pytree (its grid, values and fill value are leaves), so it can be passed to
and returned from `jit`ted functions, and interpolation is differentiable in the values and in
the points.

>>> import fluxion.numpy as fnp
>>> from fluxion.scipy.interpolate import RegularGridInterpolator
>>> f = RegularGridInterpolator((fnp.asarray([0.0, 1.0, 2.0]),), fnp.asarray([0.0, 10.0, 40.0]))
>>> f(fnp.asarray([0.5, 1.5, 3.0])).tolist()
[5.0, 25.0, nan]
"""
from __future__ import annotations

import math
from collections.abc import Sequence

from .. import numpy as fnp
from ..core import dtypes, tree
from ..core.array import Array, Tracer
from ..core.errors import ShapeError, op_error
from ..numpy._convert import convert, dtype_of, promote_inexact

__all__ = ["RegularGridInterpolator"]

_METHODS = ("linear", "nearest")


def _method(method: str) -> str:
    if method not in _METHODS:
        raise op_error(ValueError, "RegularGridInterpolator", f"method {method!r} is not supported",
                       "pass method='linear' or 'nearest'")
    return method


class RegularGridInterpolator:
    """Interpolation of `values` given at the points of a grid.

    Args:
        points: one strictly monotonic 1-D array per grid axis, of lengths n_1, ..., n_d.
        values: an array of shape (n_1, ..., n_d, ...); trailing axes are carried along.
        method: 'linear' (multilinear) or 'nearest'.
        bounds_error: True raises an error for points outside the grid; it needs concrete
            points (not under jit, vmap or grad), so False (the default) is usual.
        fill_value: the value outside the grid; None extrapolates linearly.

    >>> import fluxion.numpy as fnp
    >>> from fluxion.scipy.interpolate import RegularGridInterpolator
    >>> grid = (fnp.asarray([0.0, 1.0]), fnp.asarray([0.0, 2.0]))
    >>> f = RegularGridInterpolator(grid, fnp.asarray([[0.0, 2.0], [1.0, 3.0]]))
    >>> f(fnp.asarray([[0.5, 1.0]])).tolist()
    [1.5]
    """

    def __init__(self, points: Sequence, values, method: str = "linear", bounds_error: bool = False,
                 fill_value=math.nan):
        self.method = _method(method)
        self.bounds_error = bool(bounds_error)
        # integer values take the float dtype they promote to with the points (float64 points: float64)
        exact = dtype_of(values)[0] not in dtypes.FLOATING
        values = promote_inexact("RegularGridInterpolator", values, *(points if exact else ()))[0]
        if len(points) > values.ndim:
            raise op_error(ShapeError, "RegularGridInterpolator", f"there are {len(points)} point arrays but values "
                           f"has {values.ndim} dimensions", "pass one array of points per leading axis of values")
        # the grid in the real dtype of the values, lists of Python floats read exactly
        grid = [convert(p, fnp.finfo(values.dtype).dtype) for p in points]
        for i, p in enumerate(grid):
            if p.ndim != 1 or p.shape[0] != values.shape[i]:
                raise op_error(ShapeError, "RegularGridInterpolator", f"the points of axis {i} have shape {p.shape} "
                               f"but values has {values.shape[i]} entries along that axis",
                               "pass for each axis a 1-D array with one point per entry of values")
            if not isinstance(p, Tracer) and p.shape[0] > 1:  # (traced points are taken as increasing)
                steps = fnp.diff(p)
                if bool(fnp.all(steps < 0)):  # descending, as SciPy allows: the same grid flipped
                    grid[i], values = fnp.flip(p), fnp.flip(values, axis=i)
                elif not bool(fnp.all(steps > 0)):
                    raise op_error(ValueError, "RegularGridInterpolator", f"the points of axis {i} are not strictly "
                                   "ascending or descending", "sort them (with the values along that axis)")
        self.grid, self.values = tuple(grid), values
        self.fill_value = None if fill_value is None else fnp.asarray(fill_value, dtype=values.dtype)

    def __call__(self, xi, method: str | None = None) -> Array:
        """The interpolated values at points `xi`, of shape (..., d) (or, as a tuple, d arrays of
        coordinates; a list is an array of points, as in SciPy); the result has shape
        `xi.shape[:-1] + values.shape[d:]`."""
        method = self.method if method is None else _method(method)
        d = len(self.grid)
        real = fnp.finfo(self.values.dtype).dtype
        if isinstance(xi, tuple):
            xi = fnp.stack(fnp.broadcast_arrays(*(convert(c, real) for c in xi)), axis=-1)
        else:
            xi = convert(xi, real)
        if d == 1 and (xi.ndim == 0 or xi.shape[-1] != 1):  # points of one axis, as scalars
            xi = xi[..., None]
        elif xi.ndim == 1:  # one point, given a batch axis of 1 as SciPy does
            xi = xi[None]
        if xi.shape[-1] != d:
            raise op_error(ShapeError, "RegularGridInterpolator", f"the points have shape {xi.shape}, whose last axis "
                           f"should be the grid's dimension {d}", f"pass points of shape (..., {d})")
        outside = fnp.zeros(xi.shape[:-1], dtype=bool)
        for i, g in enumerate(self.grid):
            outside = outside | (xi[..., i] < g[0]) | (xi[..., i] > g[-1])
        if self.bounds_error:
            if isinstance(outside, Tracer):
                raise op_error(ValueError, "RegularGridInterpolator", "bounds_error=True needs the points' values, "
                               "which are traced here (under jit, vmap or grad)",
                               "construct it with bounds_error=False (points outside give fill_value), or check "
                               "the points before the traced function")
            if bool(fnp.any(outside | fnp.isnan(xi).any(-1))):  # (a NaN coordinate too, as SciPy)
                raise op_error(ValueError, "RegularGridInterpolator", "a point lies outside the grid (or is NaN)",
                               "pass points inside the grid, or bounds_error=False for fill_value there")
        out = self._interpolate(xi, method)
        if self.fill_value is not None:
            mask = fnp.reshape(outside, outside.shape + (1,) * (out.ndim - outside.ndim))
            out = fnp.where(mask, self.fill_value, out)
        return out

    def _interpolate(self, xi: Array, method: str) -> Array:
        # per axis: the cell's lower index and the fraction of the way to the next point
        corners = []
        for i, g in enumerate(self.grid):
            x, n = xi[..., i], g.shape[0]
            if n == 1:
                corners.append([(fnp.zeros(x.shape, fnp.int32), None)])
                continue
            low = fnp.clip(fnp.searchsorted(g, x, side="right") - 1, 0, n - 2)
            t = (x - g[low]) / (g[low + 1] - g[low])
            if method == "nearest":
                corners.append([(fnp.where(t <= 0.5, low, low + 1), None)])
            else:
                corners.append([(low, 1 - t), (low + 1, t)])
        trailing = self.values.ndim - len(self.grid)
        out = None
        choices = [[]]
        for options in corners:
            choices = [c + [o] for c in choices for o in options]
        for choice in choices:
            term = self.values[tuple(i for i, _ in choice)]
            for _, w in choice:
                if w is not None:
                    term = fnp.reshape(w, w.shape + (1,) * trailing) * term
            out = term if out is None else out + term
        nan = fnp.any(fnp.isnan(xi), axis=-1)
        return fnp.where(fnp.reshape(nan, nan.shape + (1,) * trailing), math.nan, out)


def _flatten(f: RegularGridInterpolator):
    return [f.grid, f.values, f.fill_value], (f.method, f.bounds_error)


def _unflatten(aux, children):
    f = object.__new__(RegularGridInterpolator)
    f.grid, f.values, f.fill_value = children
    f.method, f.bounds_error = aux
    return f


tree.register(RegularGridInterpolator, _flatten, _unflatten)
