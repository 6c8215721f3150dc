"""Collectives over the named batch axes of `fx.vmap(f, axis_name=...)`: psum, pmean, pmax,
pmin, all_gather, axis_index, with jax.lax's signatures.

Each takes one axis name or a tuple of them (then it combines over all of them, the first name
the most significant for all_gather and axis_index), and a pytree of arrays where jax does.
`axis_index_groups` is not supported.
"""
from __future__ import annotations

import math
from typing import Any

from ..core import tree
from ..core.array import Array
from ..core.errors import UnsupportedError, op_error
from ..ops import collectives as C
from ..ops import shape as S
from ..ops._util import axis_index as _normalize_axis
from ._operands import as_array


def _names(axis_name, groups, op: str) -> tuple:
    if groups is not None:
        raise op_error(UnsupportedError, op, "axis_index_groups is not supported",
                       "split the batch into groups with a second vmap: reshape it to (groups, group_size), "
                       "map over both axes with two names, and combine over the inner name")
    return tuple(axis_name) if isinstance(axis_name, (tuple, list)) else (axis_name,)


def _reducer(prim, x, axis_name, groups):
    names = _names(axis_name, groups, prim.name)

    def one(leaf):
        leaf = as_array(leaf)
        for name in names:
            leaf = prim.bind(leaf, axis_name=name)
        return leaf
    return tree.map(one, x)


def psum(x: Any, axis_name, *, axis_index_groups=None) -> Any:
    """The sum of `x` (a pytree of arrays) over the examples of the vmap(s) named `axis_name`.

    >>> import fluxion as fx, fluxion.numpy as fnp
    >>> fx.vmap(lambda x: psum(x, "b"), axis_name="b")(fnp.arange(3.0)).tolist()
    [3.0, 3.0, 3.0]
    """
    return _reducer(C.psum_p, x, axis_name, axis_index_groups)


def pmax(x: Any, axis_name, *, axis_index_groups=None) -> Any:
    """The maximum of `x` (a pytree of arrays) over the examples of the vmap(s) named `axis_name`.

    >>> import fluxion as fx, fluxion.numpy as fnp
    >>> fx.vmap(lambda x: pmax(x, "b"), axis_name="b")(fnp.asarray([1, 3, 2])).tolist()
    [3, 3, 3]
    """
    return _reducer(C.pmax_p, x, axis_name, axis_index_groups)


def pmin(x: Any, axis_name, *, axis_index_groups=None) -> Any:
    """The minimum of `x` (a pytree of arrays) over the examples of the vmap(s) named `axis_name`."""
    return _reducer(C.pmin_p, x, axis_name, axis_index_groups)


def pmean(x: Any, axis_name, *, axis_index_groups=None) -> Any:
    """The mean of `x` (a pytree of arrays) over the examples of the vmap(s) named `axis_name`.

    >>> import fluxion as fx, fluxion.numpy as fnp
    >>> fx.vmap(lambda x: pmean(x, "b"), axis_name="b")(fnp.arange(4.0)).tolist()
    [1.5, 1.5, 1.5, 1.5]
    """
    n = math.prod(C.axis_size(name, "pmean") for name in _names(axis_name, axis_index_groups, "pmean"))
    return tree.map(lambda s: s / n, psum(x, axis_name))


def axis_index(axis_name) -> Array:
    """This example's index (int32) along the vmap named `axis_name`; for a tuple of names, the
    index into their examples laid out with the first name most significant.

    >>> import fluxion as fx, fluxion.numpy as fnp
    >>> fx.vmap(lambda x: x * axis_index("b"), axis_name="b")(fnp.ones(3, dtype=fnp.int32)).tolist()
    [0, 1, 2]
    """
    out, stride = None, 1
    for name in reversed(_names(axis_name, None, "axis_index")):
        i = C.axis_index_p.bind(axis_name=name)
        out = i if out is None else out + i * stride
        stride *= C.axis_size(name, "axis_index")
    return out


def all_gather(x: Any, axis_name, *, axis_index_groups=None, axis: int = 0, tiled: bool = False) -> Any:
    """Every example's `x` (a pytree of arrays), stacked along a new axis `axis` (concatenated
    along `axis` when `tiled`), over the vmap(s) named `axis_name`.

    >>> import fluxion as fx, fluxion.numpy as fnp
    >>> fx.vmap(lambda x: all_gather(x, "b"), axis_name="b")(fnp.arange(2)).tolist()
    [[0, 1], [0, 1]]
    """
    names = _names(axis_name, axis_index_groups, "all_gather")

    def one(leaf):
        leaf = as_array(leaf)
        if tiled and leaf.ndim == 0:
            raise op_error(ValueError, "all_gather", "tiled=True concatenates along an axis, but the value is 0-d",
                           "pass tiled=False to stack 0-d values")
        a = _normalize_axis("all_gather", axis, leaf.ndim + (not tiled))
        shape = leaf.shape
        for name in reversed(names):  # the last name's examples vary fastest
            leaf = C.all_gather_p.bind(leaf, axis_name=name, axis=a, axis_size=C.axis_size(name, "all_gather"))
        merged = len(names) + tiled  # the axes made one at `a`
        if merged == 1:
            return leaf
        return S.reshape(leaf, shape[:a] + (math.prod(leaf.shape[a:a + merged]),) + shape[a + tiled:])
    return tree.map(one, x)
