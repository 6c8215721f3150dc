"""Reductions over axes, arg-reductions, running reductions, and `reduce` / `reduce_window`.

`reduce` and `reduce_window` take the combining function as a callable, as jax.lax does.
fluxion has one primitive per combiner: a callable that names one (`add`, `mul`, `max`, `min`,
`bitwise_and`, `bitwise_or`, `bitwise_xor` of this module, or `operator.add` / `operator.mul`)
reduces with it. `reduce` folds any other function, and several operands at once, in a tree
of elementwise calls; `reduce_window` folds them over every window at once in the same way.
"""
from __future__ import annotations

import functools
import itertools
import operator
from typing import Callable, Sequence

import numpy as np

from ..core import tree
from ..core.array import Array
from ..core.errors import ShapeError, UnsupportedError, op_error
from ..ops import conv as C
from ..ops import elementwise as E
from ..ops import reduce as R
from ..ops import shape as S
from . import _arithmetic as A
from . import _bits as B
from ._operands import ArrayLike, DTypeLike, as_array, named, operands as _arrays_of


def reduce_sum(operand: ArrayLike, axes: Sequence[int], *, out_sharding=None) -> Array:
    """The sum of `operand` over `axes` (0 over empty axes).

    >>> import fluxion.numpy as fnp
    >>> reduce_sum(fnp.asarray([[1, 2], [3, 4]]), (0,)).tolist()
    [4, 6]
    """
    return R.reduce_sum(as_array(operand), tuple(axes))


def _reducer(name: str, reduce, doc: str):
    """The function `name(operand, axes)` of jax.lax that reduces with `reduce`, with docstring `doc`."""
    def f(operand: ArrayLike, axes: Sequence[int]) -> Array:
        return reduce(as_array(operand), tuple(axes))
    return named(f, name, doc)


reduce_prod = _reducer("reduce_prod", R.reduce_prod, "The product of `operand` over `axes` (1 over empty axes).")
reduce_max = _reducer("reduce_max", R.reduce_max, "The maximum of `operand` over `axes` (NaN propagates).")
reduce_min = _reducer("reduce_min", R.reduce_min, "The minimum of `operand` over `axes` (NaN propagates).")
reduce_and = _reducer("reduce_and", R.reduce_and, "Logical (bool) or bitwise (integer) AND over `axes`.")
reduce_or = _reducer("reduce_or", R.reduce_or, "Logical (bool) or bitwise (integer) OR over `axes`.")
reduce_xor = _reducer("reduce_xor", R.reduce_xor, "Logical (bool) or bitwise (integer) XOR over `axes`.")


def argmax(operand: ArrayLike, axis: int, index_dtype: DTypeLike) -> Array:
    """The index (of `index_dtype`) of the largest element along `axis`; ties and NaNs give the first.

    >>> argmax([1.0, 3.0, 3.0], 0, "int32").item()
    1
    """
    return R.argmax(as_array(operand), axis, index_dtype)


def argmin(operand: ArrayLike, axis: int, index_dtype: DTypeLike) -> Array:
    """The index (of `index_dtype`) of the smallest element along `axis`; ties and NaNs give the first."""
    return R.argmin(as_array(operand), axis, index_dtype)


def cumsum(operand: ArrayLike, axis: int = 0, reverse: bool = False) -> Array:
    """The running sum along `axis` (from the end when `reverse`).

    >>> cumsum([1, 2, 3], reverse=True).tolist()
    [6, 5, 3]
    """
    return R.cumsum(as_array(operand), axis, reverse)


def cumprod(operand: ArrayLike, axis: int = 0, reverse: bool = False) -> Array:
    """The running product along `axis` (from the end when `reverse`)."""
    return R.cumprod(as_array(operand), axis, reverse)


def cummax(operand: ArrayLike, axis: int = 0, reverse: bool = False) -> Array:
    """The running maximum along `axis` (from the end when `reverse`)."""
    return R.cummax(as_array(operand), axis, reverse)


def cummin(operand: ArrayLike, axis: int = 0, reverse: bool = False) -> Array:
    """The running minimum along `axis` (from the end when `reverse`)."""
    return R.cummin(as_array(operand), axis, reverse)


def cumlogsumexp(operand: ArrayLike, axis: int = 0, reverse: bool = False) -> Array:
    """The running `log(sum(exp(x)))` along `axis`, without overflow."""
    return R.cumlogsumexp(as_array(operand), axis, reverse)


_REDUCERS = {A.add: R.reduce_sum, operator.add: R.reduce_sum, A.mul: R.reduce_prod, operator.mul: R.reduce_prod,
             A.max: R.reduce_max, A.min: R.reduce_min, B.bitwise_and: R.reduce_and, B.bitwise_or: R.reduce_or,
             B.bitwise_xor: R.reduce_xor}
_WINDOWED = {A.add: "sum", operator.add: "sum", A.max: "max", A.min: "min"}


def _combiner(op: str, table: dict, computation: Callable, known: str):
    try:
        return table[computation]
    except (KeyError, TypeError):
        raise op_error(UnsupportedError, op, f"computation {computation!r} is not a combiner fluxion knows",
                       f"pass {known} (and combine the results yourself for other functions)") from None


def reduce(operands, init_values, computation: Callable, dimensions: Sequence[int]):
    """`operands` (an array or a pytree of arrays of one shape) combined over `dimensions` by
    `computation`, starting from `init_values` (of the operands' structure).

    A combiner this module names reduces with its primitive. Any other `computation(a, b)`,
    which takes and returns pytrees like `operands`, must be associative (as XLA asks) and act
    elementwise: it is called on arrays of pairs of neighbours, in a tree of depth
    log2(size), so that it differentiates, batches and compiles as its operations do.

    >>> import fluxion.numpy as fnp
    >>> from fluxion import lax
    >>> lax.reduce(fnp.asarray([[1, 2], [3, 4]]), 0, lax.add, (1,)).tolist()
    [3, 7]
    >>> x = fnp.asarray([3.0, 7.0, 5.0])
    >>> def larger(a, b):
    ...     return lax.max(a[0], b[0]), lax.select(a[0] >= b[0], a[1], b[1])
    >>> [v.item() for v in lax.reduce((x, fnp.arange(3)), (-fnp.inf, 0), larger, (0,))]
    [7.0, 1]
    """
    structure, pairs = _paired("reduce", operands, init_values)
    if len(pairs) == 1 and computation in _REDUCERS:
        x, init = pairs[0]
        return tree.unflatten(structure, [computation(init, _REDUCERS[computation](x, tuple(dimensions)))])
    return tree.unflatten(structure, _folded(computation, structure, pairs, dimensions))


def _paired(op: str, operands, init_values) -> tuple[object, list]:
    """The structure of `operands` and (operand, init value) pairs of its leaves as Arrays."""
    xs, structure = tree.flatten(operands)
    inits, init_structure = tree.flatten(init_values)
    if structure != init_structure or not xs:
        raise op_error(ShapeError, op, f"operands {structure} and init_values {init_structure} differ in structure",
                       "pass one init value per operand, in the same containers")
    return structure, [_arrays_of(x, init) for x, init in zip(xs, inits)]


def _folded(computation: Callable, structure, pairs: list, dimensions: Sequence[int]) -> list[Array]:
    """The leaves of `reduce` by any associative elementwise `computation`: neighbours are
    combined in place order (so that a non-commutative function, such as an argmax keeping the
    first of ties, gives the fold's result), an odd count padded by the init value at the end."""
    shape = pairs[0][0].shape
    if any(x.shape != shape for x, _ in pairs):
        raise op_error(ShapeError, "reduce", f"operands have shapes {[x.shape for x, _ in pairs]}",
                       "pass operands of one shape (broadcast them first)")
    dims = S.normalize_axes("reduce", tuple(dimensions), len(shape))
    kept = [d for d in range(len(shape)) if d not in dims]
    kept_shape, n = tuple(shape[d] for d in kept), int(np.prod([shape[d] for d in dims], dtype=np.int64))
    inits = [S.broadcast_to(init, kept_shape) for _, init in pairs]
    if n == 0:
        return inits
    xs = [S.reshape(S.transpose(x, kept + list(dims)), kept_shape + (n,)) for x, _ in pairs]
    combine = functools.partial(_combined, "reduce", computation, structure)
    while n > 1:
        if n % 2:
            xs = [S.concatenate([x, S.expand_dims(init, (len(kept),))], len(kept)) for x, init in zip(xs, inits)]
            n += 1
        n //= 2
        xs = combine(*([S.slice_in_dim(x, start, 2 * n, 2, len(kept)) for x in xs] for start in (0, 1)))
    return combine(inits, [S.squeeze(x, (len(kept),)) for x in xs])


def _combined(op: str, computation: Callable, structure, a: list, b: list) -> list[Array]:
    """The leaves of `computation(a, b)` for leaves `a` and `b` of `structure`, checked to be of `a`'s types."""
    out = tree.leaves(computation(tree.unflatten(structure, a), tree.unflatten(structure, b)))
    if [(y.shape, y.dtype) for y in map(as_array, out)] != [(y.shape, y.dtype) for y in a]:
        raise op_error(ShapeError, op, "computation's result differs in structure, shape or dtype from its "
                       "arguments", "make computation combine its arguments elementwise into values of their "
                       "types (e.g. with lax.select, not a Python if)")
    return [as_array(y) for y in out]


def reduce_window(operand, init_value, computation: Callable, window_dimensions: Sequence[int],
                  window_strides: Sequence[int] | None = None, padding: str | Sequence[tuple[int, int]] = "VALID",
                  base_dilation: Sequence[int] | None = None,
                  window_dilation: Sequence[int] | None = None):
    """`computation` folded over each window of `operand`, starting from `init_value` (XLA's
    ReduceWindow); padding and holes take no part.

    `lax.add` (with `init_value` 0), `max` and `min` reduce with fluxion's pooling primitive. Any
    other `computation(a, b)`, or an `operand` that is a pytree of arrays of one shape (with
    `init_value` of its structure), is folded in window order: acting elementwise, it is called
    once for each place in the window, on the elements there of all windows at once.

    >>> import fluxion.numpy as fnp
    >>> from fluxion import lax
    >>> lax.reduce_window(fnp.asarray([1.0, 3.0, 2.0, 5.0]), -fnp.inf, lax.max, (2,), (2,)).tolist()
    [3.0, 5.0]
    >>> lax.reduce_window(fnp.asarray([1.0, 3.0, 2.0]), 1.0, lax.mul, (2,)).tolist()
    [3.0, 6.0]
    """
    window = (window_dimensions, window_strides, padding, base_dilation, window_dilation)
    name = _WINDOWED.get(computation) if tree.structure(operand).is_leaf else None
    if name is not None:
        x, init = _arrays_of(operand, init_value)
        if name != "sum" or (type(init) is Array and not np.any(init._value)):  # (a traced init: folded)
            out = C.reduce_window(x, name, *window)
            return out if name == "sum" else computation(init, out)  # padding holds `init` as well: it counts once
    return _windows_folded(operand, init_value, computation, *window)


def _windows_folded(operands, init_values, computation: Callable, *window) -> object:
    """`reduce_window` as a fold, in window order, of strided slices of the operands (one for each
    place in the window) into the init values; where a place falls on padding or a hole, as XLA
    does, the window skips it."""
    structure, pairs = _paired("reduce_window", operands, init_values)
    shape = pairs[0][0].shape
    if any(x.shape != shape for x, _ in pairs) or any(init.ndim for _, init in pairs):
        raise op_error(ShapeError, "reduce_window", f"operands have shapes {[x.shape for x, _ in pairs]} and init "
                       f"values {[i.shape for _, i in pairs]}", "pass operands of one shape and 0-d init values")
    p = C.window_params(shape, *window)
    out_shape = C.window_output_shape(shape, *p.values())
    acc = [S.broadcast_to(init, out_shape) for _, init in pairs]
    if 0 in out_shape:
        return tree.unflatten(structure, acc)
    config = [(lo, hi, b - 1) for (lo, hi), b in zip(p["padding"], p["base_dilation"])]
    padded = [S.pad(x, init, config) for x, init in pairs]
    real = None if all(c == (0, 0, 0) for c in config) else S.pad(Array(np.ones(shape, bool)), False, config)
    for place in itertools.product(*map(range, p["window_dimensions"])):
        start = [i * d for i, d in zip(place, p["window_dilation"])]
        limit = [b + (n - 1) * s + 1 for b, n, s in zip(start, out_shape, p["window_strides"])]
        taken = [S.slice(x, start, limit, p["window_strides"]) for x in padded]
        out = _combined("reduce_window", computation, structure, acc, taken)
        keep = None if real is None else S.slice(real, start, limit, p["window_strides"])
        acc = out if keep is None else [E.select_n_p.bind(keep, a, y) for a, y in zip(acc, out)]
    return tree.unflatten(structure, acc)
