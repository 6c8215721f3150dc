"""fluxion.scipy.ndimage: `map_coordinates`, the values of an array at fractional coordinates.

Orders 0 (nearest sample) and 1 (linear), with SciPy's boundary modes: a coordinate outside
[0, n - 1] along an axis of length n is mapped back inside ('nearest' clamps it, 'wrap' takes
it modulo n - 1, 'mirror' reflects it about the first and last samples, 'reflect' about the
edges half a sample beyond them), or, for 'constant', gives `cval`. The 'grid-' modes extend
the input by whole periods of its n samples: 'grid-wrap' repeats them (period n),
'grid-constant' adds samples of `cval` (interpolated with the edge ones), and 'grid-mirror' is
'reflect'. Linear interpolation is differentiable in the input and in the coordinates
(piecewise linear: the derivative is that of the segment a coordinate falls in). A NaN
coordinate gives `cval` in mode 'constant' and NaN in the others (SciPy's result there depends
on the mode and order).

>>> import fluxion.numpy as fnp
>>> from fluxion.scipy.ndimage import map_coordinates
>>> map_coordinates(fnp.asarray([1.0, 2.0, 4.0]), [fnp.asarray([0.5, 1.75, 3.0])], order=1).tolist()
[1.5, 3.5, 0.0]
"""
from __future__ import annotations

import math
from collections.abc import Sequence

from .. import numpy as fnp
from ..core.array import Array
from ..core.errors import ShapeError, op_error

__all__ = ["map_coordinates"]

_MODES = ("constant", "nearest", "wrap", "mirror", "reflect", "grid-wrap", "grid-constant", "grid-mirror")


def _inside(x: Array, n: int, mode: str) -> Array:
    """Coordinate `x` along an axis of length `n` mapped into [0, n - 1] as `mode` extends the input."""
    last = n - 1
    if n == 1 or mode in ("constant", "nearest"):
        return _clip(x, last)
    if mode == "wrap":  # the first and last samples coincide: period n - 1
        y = fnp.mod(x, last)  # (SciPy takes a negative multiple of the period to the last sample)
        return fnp.where((x < 0) | (x > last), fnp.where((x < 0) & (y == 0), y + last, y), x)
    if mode == "mirror":  # period 2 (n - 1), symmetric about 0 and n - 1
        y = fnp.mod(fnp.where(x < 0, -x, x), 2 * last)
        return fnp.where(y >= last, 2 * last - y, y)
    y = fnp.mod(x + 0.5, 2 * n) - 0.5  # reflect: period 2n, symmetric about -1/2 and n - 1/2
    return _clip(fnp.where(y > n - 0.5, 2 * n - 1 - y, y), last)


def _clip(x: Array, last: int) -> Array:
    """x clipped to [0, last]. A coordinate on a sample takes the derivative to its right, as
    inside (clip's would be half of it at the ends): 1 at 0, 0 at `last` (the mirror and
    reflection above take it the same way)."""
    return fnp.where(x < 0, 0, fnp.where(x >= last, last, x))


def _nearest_mirrored(x: Array, n: int) -> Array:
    """The index of the sample nearest to `x` in mode 'mirror', as SciPy finds it: it leaves a
    coordinate in (n - 1, n) where it is, rounds, then mirrors the index (so 3.5 of 4 samples is
    sample 2, where the mirrored coordinate 2.5 would round to 3)."""
    period = 2 * n - 2
    high = x - period * fnp.trunc(x / period)
    high = fnp.where(high >= n, period - high, high)
    low = period * fnp.trunc(-x / period) + x
    low = fnp.where(low <= 1 - n, low + period, -low)
    y = fnp.where(x < 0, low, fnp.where(x > n - 1, high, x))
    i = fnp.floor(y + 0.5).astype(fnp.int32)
    return fnp.where(i > n - 1, period - i, i)


def map_coordinates(input, coordinates: Sequence, order: int, mode: str = "constant", cval=0.0) -> Array:
    """The values of `input` at `coordinates`, interpolated with spline `order` 0 or 1.

    Args:
        input: the array of samples, of any number of dimensions d.
        coordinates: d arrays (or an array with d rows) of the same shape: the fractional
            indices along each axis of `input`.
        order: 0 (the nearest sample, halves rounded away from 0) or 1 (linear interpolation).
        mode: how `input` extends beyond its edges: 'constant', 'nearest', 'wrap', 'mirror',
            'reflect', 'grid-wrap', 'grid-constant' or 'grid-mirror' (as SciPy's).
        cval: the value outside the input in modes 'constant' and 'grid-constant'.

    Returns:
        An array of the coordinates' shape and `input`'s dtype (integer inputs get rounded values).

    >>> import fluxion.numpy as fnp
    >>> from fluxion.scipy.ndimage import map_coordinates
    >>> img = fnp.asarray([[0.0, 1.0], [2.0, 3.0]])
    >>> map_coordinates(img, [fnp.asarray([0.5]), fnp.asarray([0.5])], order=1).tolist()
    [1.5]
    """
    if order not in (0, 1):
        raise op_error(NotImplementedError, "map_coordinates", f"order={order!r} is not supported",
                       "pass order=0 (nearest) or order=1 (linear)")
    if mode not in _MODES:
        raise op_error(ValueError, "map_coordinates", f"mode {mode!r} is not one of {_MODES}",
                       f"pass one of {', '.join(map(repr, _MODES))}")
    input = fnp.asarray(input)
    coordinates = [fnp.asarray(c) for c in coordinates]
    if len(coordinates) != input.ndim:
        raise op_error(ShapeError, "map_coordinates", f"got {len(coordinates)} coordinate arrays for an input of "
                       f"{input.ndim} dimensions", "pass one array of coordinates per axis of input")
    shape = fnp.broadcast_shapes(*[c.shape for c in coordinates])
    dt = fnp.result_type(input.dtype, *[c.dtype for c in coordinates], fnp.float32)
    if input.size == 0:  # every point is outside: cval in the constant modes (as SciPy); others have no samples
        if mode not in ("constant", "grid-constant"):
            raise op_error(ValueError, "map_coordinates", f"input of shape {input.shape} is empty, so mode {mode!r} "
                           "has no samples to extend", "pass a non-empty input, or mode='constant' (cval everywhere)")
        return fnp.full(shape, cval, dt).astype(input.dtype)
    values = input.astype(dt)
    if mode == "grid-mirror":
        mode = "reflect"
    elif mode == "grid-constant":  # a sample of cval beyond each edge, and beyond those the nearest
        values, mode = fnp.pad(values, 1, constant_values=fnp.asarray(cval, dtype=dt)), "nearest"
        coordinates = [c + 1 for c in coordinates]
    elif mode == "grid-wrap":  # the first sample again after the last: period n is 'wrap''s of n + 1 samples
        values, mode = fnp.pad(values, [(0, 1)] * values.ndim, mode="wrap"), "wrap"
    valid = fnp.ones(shape, dtype=bool)  # inside the input (NaN is not)
    # per axis: the (index, weight) pairs of the samples a coordinate combines
    corners = []
    for x, n in zip(coordinates, values.shape):
        x = fnp.broadcast_to(x.astype(fnp.finfo(dt).dtype), shape)  # (real: for complex samples too)
        valid = valid & ((x >= 0) & (x <= n - 1) if mode == "constant" else ~fnp.isnan(x))
        if order == 0 and mode == "mirror" and n > 1:
            corners.append([(_nearest_mirrored(x, n), None)])
            continue
        y = _inside(x, n, mode)
        if order == 0 or n == 1:
            corners.append([(fnp.clip(fnp.floor(y + 0.5), 0, n - 1).astype(fnp.int32), None)])
        else:
            low = fnp.clip(fnp.floor(y), 0, n - 2)
            t = y - low
            low = low.astype(fnp.int32)
            corners.append([(low, 1 - t), (low + 1, t)])
    out = fnp.zeros(shape, dt)
    for choice in _product(corners):
        weight = None
        for _, w in choice:
            if w is not None:
                weight = w if weight is None else weight * w
        sample = values[tuple(i for i, _ in choice)]
        out = out + (sample if weight is None else weight * sample)
    if mode == "constant":
        out = fnp.where(valid, out, fnp.asarray(cval, dtype=dt))
    else:
        out = fnp.where(valid, out, math.nan)
    if input.dtype.kind in "iub":  # rounded halves away from 0, as SciPy (fnp.round takes them to even)
        return (fnp.sign(out) * fnp.floor(fnp.abs(out) + 0.5)).astype(input.dtype)
    return out.astype(input.dtype) if input.dtype.kind in "fc" else out


def _product(lists):
    """Every choice of one entry per list (itertools.product, kept as lists)."""
    out = [[]]
    for options in lists:
        out = [prefix + [o] for prefix in out for o in options]
    return out
