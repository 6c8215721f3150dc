"""Multidimensional histograms: histogramdd and histogram2d.

Each dimension gets its edges as `histogram_bin_edges` finds them, then every sample its bin
by a search among the edges and one `bincount` over the flat bin numbers. Traced samples
(under jit, vmap or grad) take counts or edges, not method names.
"""
from __future__ import annotations

import math

import numpy as np

from .. import numpy as fnp
from ..core import dtypes
from ..core.array import Array
from ..core.errors import ShapeError, op_error
from ._convert import convert
from ._statistics import _bin_edges, _edges_work, _inexact_dtype, bincount

__all__ = ["histogram2d", "histogramdd"]


def _per_dimension(op: str, value, d: int, what: str) -> list:
    """`value` given once for all dimensions, or as one entry per dimension."""
    if value is None or isinstance(value, (int, np.integer, str)) or (isinstance(value, Array) and value.ndim == 0):
        return [value] * d
    value = list(value)
    if len(value) != d:
        raise op_error(ValueError, op, f"{what} has {len(value)} entries for {d} dimensions",
                       f"pass one {what} entry per dimension, or a single one for all")
    return value


def histogramdd(sample, bins=10, range=None, density: bool | None = None, weights=None):  # noqa: A002
    """Counts of the N points of a D-dimensional `sample` in a grid of bins, and the edges.

    `sample` is an (N, D) array or a sequence of D arrays of N coordinates. `bins` is a count
    or edges, for all dimensions or one per dimension; `range` one (lo, hi) per dimension.
    Bins are half-open except the last of each dimension; points outside are dropped. Counts
    are floating (as NumPy's), of the sample's inexact dtype (float32 for integers).

    >>> import fluxion.numpy as fnp
    >>> h, edges = fnp.histogramdd(fnp.asarray([[0.0, 0.0], [1.0, 1.0], [1.0, 0.0]]), bins=2)
    >>> h.tolist(), edges[0].tolist()
    ([[1.0, 0.0], [1.0, 1.0]], [0.0, 0.5, 1.0])
    """
    if isinstance(sample, (list, tuple)):
        coords = [fnp.asarray(c) for c in sample]
        # a sequence of numbers is the N values of one coordinate, as NumPy reads it
        if any(c.ndim for c in coords):
            sample = fnp.stack([fnp.ravel(c) for c in coords], axis=1)
        else:
            sample = fnp.asarray(coords)
    sample = sample if isinstance(sample, Array) else fnp.asarray(sample)
    if sample.ndim == 1:
        sample = sample[:, None]
    if sample.ndim != 2:
        raise op_error(ShapeError, "histogramdd", f"sample must be (N, D), got shape {sample.shape}",
                       "pass an (N, D) array or a list of D 1-d arrays")
    n, d = sample.shape
    dt = _inexact_dtype(sample) if weights is None else _inexact_dtype(sample, weights)
    bins_per = _per_dimension("histogramdd", bins, d, "bins")
    ranges = _per_dimension("histogramdd", range, d, "range")
    # the samples placed among the edges in NumPy's dtype (float64 for integers, which float32 rounds)
    wide = [_bin_edges("histogramdd", sample[:, i], b, r, wide=True) for i, (b, r) in enumerate(zip(bins_per, ranges))]
    edges = [convert(e, _inexact_dtype(sample)) for e in wide]
    sample = convert(sample, _edges_work(sample))
    counts = tuple(e.shape[0] - 1 for e in edges)
    flat, inside = fnp.zeros((n,), dtypes.int64), fnp.ones((n,), dtypes.bool_)
    for i, e in enumerate(wide):
        x = sample[:, i]
        k = fnp.searchsorted(e, x, side="right") - 1  # bins are [e_j, e_j+1), the last one closed
        k = fnp.where(x == e[-1], counts[i] - 1, k)
        inside = inside & (x >= e[0]) & (x <= e[-1])  # NaN lies in no bin
        flat = flat * counts[i] + fnp.clip(k, 0, max(counts[i] - 1, 0))
    if weights is None:
        w = fnp.ones((n,), dt)
    else:
        w = convert(weights, dt)  # (lists of Python floats convert exactly)
        if w.shape != (n,):
            raise op_error(ShapeError, "histogramdd", f"weights of shape {w.shape} do not match {n} samples",
                           "pass one weight per sample")
    hist = bincount(fnp.where(inside, flat, 0), fnp.where(inside, w, 0), length=math.prod(counts))
    hist = fnp.reshape(hist, counts)
    if density:
        volume = fnp.ones((), dt)
        for e in wide:
            volume = volume[..., None] * convert(fnp.diff(e), dt)
        hist = hist / fnp.sum(hist) / volume
    return hist, edges


def histogram2d(x, y, bins=10, range=None, density: bool | None = None, weights=None):  # noqa: A002
    """Counts of the points (x[i], y[i]) in a grid of bins, and the x and y edges (see histogramdd).

    `bins` is a count or edges for both axes, or a pair of those.

    >>> import fluxion.numpy as fnp
    >>> h, xe, ye = fnp.histogram2d(fnp.asarray([0.0, 1.0, 1.0]), fnp.asarray([0.0, 1.0, 0.0]), bins=2)
    >>> h.tolist()
    [[1.0, 0.0], [1.0, 1.0]]
    """
    x, y = (v if isinstance(v, Array) else fnp.asarray(v) for v in (x, y))
    if x.ndim != 1 or x.shape != y.shape:
        raise op_error(ShapeError, "histogram2d", f"x and y must be 1-d of one length, got shapes {x.shape} and "
                       f"{y.shape}", "pass the coordinates as two 1-d arrays of equal length")
    if not isinstance(bins, (int, np.integer, str)) and not (isinstance(bins, Array) and bins.ndim == 0) \
            and len(bins) != 2:
        bins = [bins, bins]  # one array of edges for both axes
    hist, (xedges, yedges) = histogramdd([x, y], bins, range, density, weights)
    return hist, xedges, yedges

