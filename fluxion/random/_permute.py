"""Orderings and draws from a population: permutation and choice.

A random order comes from stable sorts by 32-bit random sort keys, as jax shuffles (so a key
gives jax's permutations): ceil(3 log(n) / log(2**32 - 1)) rounds for n elements, each with
sort keys from a fresh key, so that elements tied in every round (which keep their order) are
unlikely: 1 round below 1627 elements, 2 below about 2.6 million, 3 beyond.
"""
from __future__ import annotations

import math
import operator

import numpy as np

from ..core import dtypes
from ..core.array import Array, to_array
from ..core.errors import ShapeError, op_error
from ..numpy._convert import convert
from ..numpy._sorting import searchsorted
from ..ops import elementwise as E
from ..ops import indexing as I
from ..ops import reduce as R
from ..ops import shape as S
from ..ops import sort as O
from ..ops._util import axis_index
from ._continuous import gumbel, gumbel_mode, unit_floats
from ._discrete import randint
from ._keys import flat_bits, subkeys
from ._util import ArrayLike, Shape, canonical_shape, draw_dtype, param

__all__ = ["choice", "permutation"]


def _rounds(size: int) -> int:
    """The number of sorts that shuffle `size` elements."""
    return int(np.ceil(3 * np.log(max(1, size)) / np.log(np.iinfo(np.uint32).max)))


def _shuffle(op: str, key, x: Array, axis: int) -> Array:
    """`x` shuffled along `axis`, every slice along it by its own sort keys (so, for a 1-d `x`, a
    uniformly random order of it)."""
    for _ in range(_rounds(math.prod(x.shape))):
        key, sub = subkeys(op, key, 2)
        sort_keys = S.reshape(flat_bits(op, sub, x.shape, dtypes.uint32), x.shape)
        x = O.sort((sort_keys, x), axis)[1]
    return x


def _random_order(op: str, key, n: int) -> Array:
    """A uniformly random permutation of 0..n-1 (int64)."""
    return _shuffle(op, key, S.iota(dtypes.int64, (n,), 0), 0)


def _take(x: Array, indices: Array, axis: int) -> Array:
    """`x` indexed along `axis` by the in-range `indices`: shape x.shape[:axis] + indices.shape + x.shape[axis+1:]."""
    k = indices.ndim
    if x.shape[axis] == 0:  # only empty draws come here; a gather needs a non-empty axis
        return S.full(x.shape[:axis] + indices.shape + x.shape[axis + 1:], 0, x.dtype)
    offset = tuple(range(axis)) + tuple(range(axis + k, x.ndim - 1 + k))
    dn = I.GatherDimensionNumbers(offset_dims=offset, collapsed_slice_dims=(axis,), start_index_map=(axis,))
    sizes = x.shape[:axis] + (1,) + x.shape[axis + 1:]
    return I.gather(x, S.reshape(indices, indices.shape + (1,)), dn, sizes, mode="clip")


def _population(op: str, x, axis: int) -> tuple[Array | None, int, int]:
    """`(array or None, n, axis)`: an integer n (a Python int or a 0-d integer array) stands for arange(n)."""
    x = to_array(x)
    if x.ndim == 0:
        if x.dtype not in dtypes.INTEGER:
            raise op_error(TypeError, f"random.{op}", f"needs an integer size or an array of at least one dimension, "
                           f"got a 0-d {x.dtype} value", "pass the population as an array, or its size as an int")
        n = operator.index(x)
        if n < 0:
            raise op_error(ValueError, f"random.{op}", f"population size {n} is negative", "pass a size >= 0")
        return None, n, 0
    axis = axis_index(f"random.{op}", operator.index(axis), x.ndim)
    return x, x.shape[axis], axis


def permutation(key: ArrayLike, x: ArrayLike, axis: int = 0, independent: bool = False) -> Array:
    """A random permutation of `x` along `axis` (of arange(x) for an int `x`).

    With `independent=True` each one-dimensional slice along `axis` is shuffled on its own.

    >>> import fluxion as fx
    >>> sorted(fx.random.permutation(fx.random.key(0), 5).tolist())
    [0, 1, 2, 3, 4]
    """
    array, n, axis = _population("permutation", x, axis)
    if array is None:
        return _random_order("permutation", key, n)
    if n <= 1:
        return array
    if independent or array.ndim == 1:
        return _shuffle("permutation", key, array, axis)
    return _take(array, _random_order("permutation", key, n), axis)


def choice(key: ArrayLike, a: ArrayLike, shape: Shape = (), replace: bool = True, p: ArrayLike = None,
           axis: int = 0, mode: str | None = None) -> Array:
    """Random draws of shape `shape` from `a` along `axis` (from arange(a) for an int `a`).

    With `p`, element i is drawn with probability p[i] / sum(p): by inverting the cumulative
    sum with replacement, and by the Gumbel top-k trick without (which draws the first
    element, then the next among the rest, each in proportion to p, as sequential sampling
    does), `mode` setting the noise's reach as in `gumbel`. Without replacement and without
    `p`, the draws are the start of a random permutation; with replacement, they are int64
    `randint` draws. So a key gives jax's draws (with replacement and without `p`, those of
    jax's 64-bit mode).

    >>> import fluxion as fx
    >>> x = fx.random.choice(fx.random.key(0), 10, (5,), replace=False)
    >>> len(set(x.tolist()))
    5
    """
    mode = gumbel_mode("choice", mode)
    array, n, axis = _population("choice", a, axis)
    shape = canonical_shape("random.choice", shape)
    k = math.prod(shape)
    if n == 0 and k:
        raise op_error(ValueError, "random.choice", "cannot draw from an empty population",
                       "pass a non-empty population, or shape=(0,)")
    if not replace and k > n:
        raise op_error(ValueError, "random.choice", f"cannot draw {k} elements without replacement from {n}",
                       "pass replace=True, or a shape with at most as many elements as the population")
    if p is not None:
        p = to_array(p)
        p = param("choice", "p", p, draw_dtype(p))
        if p.shape != (n,):
            raise op_error(ShapeError, "random.choice", f"p has shape {p.shape}, the population has {n} elements",
                           f"pass one probability per element: p of shape ({n},)")
    if replace and p is None:
        indices = randint(key, shape, 0, n)
    elif replace:
        cdf = R.cumsum(p, 0)
        total = S.reshape(S.slice(cdf, (n - 1,), (n,)), ())
        # r in (0, total]: an element of probability 0 never has cdf[i - 1] < r <= cdf[i]
        r = E.mul_p.bind(total, E.sub_p.bind(convert(1, p.dtype), unit_floats("choice", key, shape, p.dtype)))
        indices = E.min_p.bind(searchsorted(cdf, r), convert(n - 1, dtypes.int64))
    elif p is None:
        indices = S.reshape(S.slice(_random_order("choice", key, n), (0,), (k,)), shape)
    else:
        positive = E.gt_p.bind(p, convert(0, p.dtype))
        log_p = E.log_p.bind(E.select_n_p.bind(positive, convert(1, p.dtype), p))
        scores = E.add_p.bind(gumbel(key, (n,), p.dtype, mode), log_p)
        scores = E.select_n_p.bind(positive, convert(-math.inf, p.dtype), scores)
        indices = S.reshape(convert(O.top_k(scores, k)[1], dtypes.int64), shape)
    return indices if array is None else _take(array, indices, axis)
