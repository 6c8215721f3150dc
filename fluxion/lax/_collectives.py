"""Collectives over the named batch axes of `fx.vmap(f, axis_name=...)`: psum, pmean, pmax,
pmin, all_gather, axis_index, axis_size, psum_scatter, all_to_all, pswapaxes, ppermute,
pshuffle, with jax.lax's signatures.

Each takes one axis name or a tuple of them (then it combines over all of them, their examples
numbered with the first name the most significant), and a pytree of arrays where jax does;
ppermute and pshuffle take one name. They work inside the branches and loop bodies of
fx.cond, fx.switch, fx.scan, fx.fori_loop and fx.while_loop too. `axis_index_groups` is
refused with an error naming the fix.
"""
from __future__ import annotations

import math
import operator
from typing import Any

from ..core import dtypes as D
from ..core import tree
from ..core.array import Array
from ..core.errors import ShapeError, UnsupportedError, op_error
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
    """The sum of `x` (a pytree of arrays) over the examples of the vmap(s) named `axis_name`;
    booleans are counted, as int32 (as jax's).

    >>> import fluxion as fx, fluxion.numpy as fnp
    >>> fx.vmap(lambda x: psum(x, "b"), axis_name="b")(fnp.arange(3.0)).tolist()
    [3.0, 3.0, 3.0]
    """
    return _reducer(C.psum_p, tree.map(_counted, x), axis_name, axis_index_groups)


def _counted(leaf) -> Array:
    leaf = as_array(leaf)
    return leaf.astype(D.int32) if leaf.dtype == D.bool_ else leaf


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


def axis_size(axis_name) -> int:
    """The number of examples (a Python int) of the vmap named `axis_name`; for a tuple of
    names, the product of their numbers.

    >>> import fluxion as fx, fluxion.numpy as fnp
    >>> fx.vmap(lambda x: x * axis_size("b"), axis_name="b")(fnp.ones(3)).tolist()
    [3.0, 3.0, 3.0]
    """
    return math.prod(C.axis_size(name, "axis_size") for name in _names(axis_name, None, "axis_size"))


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
        for name in reversed(names):  # the last name's examples vary fastest
            leaf = C.all_gather_p.bind(leaf, axis_name=name, axis=a, axis_size=C.axis_size(name, "all_gather"))
        return _merged(leaf, a, len(names) + tiled)
    return tree.map(one, x)


def psum_scatter(x: Any, axis_name, *, scatter_dimension: int = 0, axis_index_groups=None, tiled: bool = False) -> Any:
    """The sum of `x` (a pytree of arrays) over the examples of the vmap(s) named `axis_name`,
    scattered: example k gets slice k of axis `scatter_dimension`, whose size must be the number
    of examples n (removing it); when `tiled`, chunk k of n equal chunks of it (keeping it).
    The transpose of all_gather.

    >>> import fluxion as fx, fluxion.numpy as fnp
    >>> fx.vmap(lambda x: psum_scatter(x, "b"), axis_name="b")(fnp.arange(4.0).reshape(2, 2)).tolist()
    [2.0, 4.0]
    """
    names = _names(axis_name, axis_index_groups, "psum_scatter")

    def one(leaf):
        leaf = _with_axes(leaf, "psum_scatter", "scatter_dimension", "psum")
        a = _normalize_axis("psum_scatter", scatter_dimension, leaf.ndim)
        leaf, sizes = _split(leaf, a, names, tiled, "psum_scatter", "scatter_dimension")
        for i in reversed(range(len(names))):  # (the last name's axis first: the axes before it stay in place)
            leaf = C.psum_scatter_p.bind(leaf, axis_name=names[i], axis=a + i, axis_size=sizes[i])
        return leaf
    return tree.map(one, x)


def all_to_all(x: Any, axis_name, split_axis: int, concat_axis: int, *, axis_index_groups=None,
               tiled: bool = False) -> Any:
    """Slices of `x` (a pytree of arrays) exchanged between the examples of the vmap(s) named
    `axis_name`: example k gets slice k of axis `split_axis` (whose size must be the number of
    examples n) from every example, stacked in the examples' order along a new axis `concat_axis`
    of a result without the split axis; when `tiled`, chunk k of n equal chunks of that axis,
    concatenated along the axis `concat_axis`. Its transpose is itself with the two axes swapped.

    >>> import fluxion as fx, fluxion.numpy as fnp
    >>> fx.vmap(lambda x: all_to_all(x, "b", 0, 0), axis_name="b")(fnp.arange(4).reshape(2, 2)).tolist()
    [[0, 2], [1, 3]]
    """
    names = _names(axis_name, axis_index_groups, "all_to_all")

    def one(leaf):
        leaf = _with_axes(leaf, "all_to_all", "split_axis", "all_gather")
        s = _normalize_axis("all_to_all", split_axis, leaf.ndim)
        c = _normalize_axis("all_to_all", concat_axis, leaf.ndim)
        leaf, sizes = _split(leaf, s, names, tiled, "all_to_all", "split_axis")
        # each name's exchange replaces its split axis by its examples' axis, put before those of the
        # later names (done first): they end up together at `c`, where the axes split off are gone
        k = len(names)
        for i in reversed(range(k)):
            leaf = C.all_to_all_p.bind(leaf, axis_name=names[i], split_axis=s + (k - 1 if c < s else i),
                                       concat_axis=c + (0 if c < s else i), axis_size=sizes[i])
        return _merged(leaf, c, k + tiled)
    return tree.map(one, x)


def pswapaxes(x: Any, axis_name, axis: int, *, axis_index_groups=None) -> Any:
    """`x` (a pytree of arrays) with the examples' axis of the vmap(s) named `axis_name` swapped
    with its axis `axis`, whose size must be the number of examples: example k gets slice k of
    that axis from every example, stacked along `axis` (`all_to_all(x, axis_name, axis, axis)`).

    >>> import fluxion as fx, fluxion.numpy as fnp
    >>> fx.vmap(lambda x: pswapaxes(x, "b", 0), axis_name="b")(fnp.arange(4).reshape(2, 2)).tolist()
    [[0, 2], [1, 3]]
    """
    return all_to_all(x, axis_name, axis, axis, axis_index_groups=axis_index_groups)


def ppermute(x: Any, axis_name, perm) -> Any:
    """`x` (a pytree of arrays) sent between the examples of the vmap named `axis_name`: for each
    pair `(src, dst)` of `perm`, example `dst` gets example `src`'s value; an example that no pair
    sends to gets zeros. Its transpose sends back along the inverse pairs.

    >>> import fluxion as fx, fluxion.numpy as fnp
    >>> fx.vmap(lambda x: ppermute(x, "b", [(0, 1), (1, 2), (2, 0)]), axis_name="b")(fnp.arange(3.0)).tolist()
    [2.0, 0.0, 1.0]
    """
    names = _names(axis_name, None, "ppermute")
    if len(names) != 1:
        raise op_error(UnsupportedError, "ppermute", f"it permutes the examples of one named axis, got {len(names)} "
                       f"names {names}", "pass one axis name; to move examples across nested vmaps, ppermute over "
                       "each name in turn")
    pairs = _permutation(perm, C.axis_size(names[0], "ppermute"))
    return tree.map(lambda leaf: C.ppermute_p.bind(as_array(leaf), axis_name=names[0], perm=pairs), x)


def pshuffle(x: Any, axis_name, perm) -> Any:
    """`x` (a pytree of arrays) with example i of the vmap named `axis_name` taking the value of
    example `perm[i]`; `perm` lists every example once (it is ppermute with the pairs `(perm[i], i)`).

    >>> import fluxion as fx, fluxion.numpy as fnp
    >>> fx.vmap(lambda x: pshuffle(x, "b", [2, 0, 1]), axis_name="b")(fnp.arange(3.0)).tolist()
    [2.0, 0.0, 1.0]
    """
    sources, n = list(perm), axis_size(axis_name)
    if sorted(sources) != list(range(n)):
        raise op_error(ValueError, "pshuffle", f"perm {sources} is not a permutation of the {n} examples of axis "
                       f"{axis_name!r}", f"list each of range({n}) once, perm[i] being the example whose value "
                       "example i takes")
    return ppermute(x, axis_name, list(zip(sources, range(n))))


def _permutation(perm, n: int) -> tuple:
    """`perm` as sorted (source, destination) pairs, checked to be a permutation of part of range(n)."""
    fix = (f"give (source, destination) pairs of examples in range({n}), each example at most once a source and at "
           f"most once a destination, e.g. perm=[(i, (i + 1) % {n}) for i in range({n})]")
    try:
        pairs = tuple(sorted((operator.index(src), operator.index(dst)) for src, dst in perm))
    except (TypeError, ValueError):
        raise op_error(TypeError, "ppermute", f"perm must be a sequence of (source, destination) pairs of ints, got "
                       f"{perm!r}", fix) from None
    for k, role in enumerate(("source", "destination")):
        seen = set()
        for pair in pairs:
            if not 0 <= pair[k] < n or pair[k] in seen:
                why = f"is not an example of the axis of size {n}" if not 0 <= pair[k] < n else "appears twice"
                raise op_error(ValueError, "ppermute", f"perm is not a permutation of part of range({n}): {role} "
                               f"{pair[k]} {why}", fix)
            seen.add(pair[k])
    return pairs


def _with_axes(leaf, op: str, what: str, instead: str) -> Array:
    """`leaf` as an array, which must have an axis to divide among the examples."""
    leaf = as_array(leaf)
    if leaf.ndim == 0:
        raise op_error(ShapeError, op, f"{what} names an axis to split among the examples, but the value is 0-d",
                       f"give it an axis of the number of examples (e.g. x[None]), or use {instead}")
    return leaf


def _split(leaf: Array, axis: int, names: tuple, tiled: bool, op: str, what: str) -> tuple[Array, list[int]]:
    """`leaf` with axis `axis` split into one axis per name (of its number of examples, the first
    name first) and, when `tiled`, the chunk each example gets; and those numbers of examples."""
    sizes = [C.axis_size(name, op) for name in names]
    n, m = math.prod(sizes), leaf.shape[axis]
    if m % n if tiled else m != n:
        fix = (f"pad it to a multiple of {n}" if tiled else
               f"give it size {n}" + (f", or pass tiled=True to split it into {n} chunks" if m % n == 0 else ""))
        axes = f"axis {names[0]!r}" if len(names) == 1 else f"axes {names}"
        raise op_error(ShapeError, op, f"{what} {axis} has size {m}, which is not "
                       f"{'a multiple of ' if tiled else ''}the number of examples {n} of {axes}", fix)
    chunk = (m // n,) if tiled else ()
    return S.reshape(leaf, leaf.shape[:axis] + (*sizes, *chunk) + leaf.shape[axis + 1:]), sizes


def _merged(leaf: Array, at: int, count: int) -> Array:
    """`leaf` with its `count` axes from `at` made one."""
    return S.reshape(leaf, leaf.shape[:at] + (math.prod(leaf.shape[at:at + count]),) + leaf.shape[at + count:])
