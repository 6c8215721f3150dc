"""`associative_scan`: all prefixes of an associative operation in about 2 log2(n) rounds of
calls on whole arrays (Blelloch, "Prefix sums and their applications", 1990), rather than n
dependent steps as `scan` takes.

Each round combines neighbouring pairs, scans the half-length sequence of pairs, and fills
in the even positions from it. Built from slices and concatenations, so it is differentiated,
batched and compiled as any other array code.
"""
from __future__ import annotations

from typing import Any, Callable

from ..core import tree
from ..core.array import to_array
from ..core.errors import ShapeError, op_error, require_callable
from ..ops import shape as S


def associative_scan(fn: Callable, elems: Any, reverse: bool = False, axis: int = 0) -> Any:
    """The inclusive prefixes of `elems` along `axis` under the associative `fn`: element k of the
    result is `fn(... fn(fn(e0, e1), e2) ..., ek)`; with `reverse=True`, the scan runs from the
    end: element k is `fn(... fn(e[n-1], e[n-2]) ..., ek)`. As jax's `lax.associative_scan`.

    Args:
      fn: `fn(a, b) -> c`, associative, on pytrees of the structure of `elems` whose arrays have
        any length along `axis` (it is applied to many pairs at once: write it elementwise).
      elems: a pytree of arrays of one length along `axis`.
      reverse: scan from the end.
      axis: the axis to scan along (negative counts from the end).

    Returns:
      A pytree like `elems`.

    >>> import fluxion as fx, fluxion.numpy as fnp
    >>> fx.associative_scan(lambda a, b: a + b, fnp.arange(1.0, 6.0)).tolist()
    [1.0, 3.0, 6.0, 10.0, 15.0]
    >>> fx.associative_scan(fnp.maximum, fnp.asarray([2, 1, 5, 3]), reverse=True).tolist()
    [5, 5, 5, 3]
    """
    require_callable("associative_scan", fn)
    leaves, treedef = tree.flatten(elems)
    if not leaves:
        return elems
    leaves = [to_array(x) for x in leaves]
    if any(not -x.ndim <= axis < x.ndim for x in leaves):
        raise op_error(ShapeError, "associative_scan", f"axis {axis} is out of range for arrays of shapes "
                       f"{[x.shape for x in leaves]}", "pass arrays with the axis to scan along, and an axis in range")
    axes = [axis % x.ndim for x in leaves]
    lengths = {x.shape[a] for x, a in zip(leaves, axes)}
    if len(lengths) != 1:
        raise op_error(ShapeError, "associative_scan", f"the arrays have lengths {sorted(lengths)} along axis {axis}",
                       "give every array of elems the same length along the scanned axis")
    if reverse:
        leaves = [S.rev(x, (a,)) for x, a in zip(leaves, axes)]

    def combine(a: list, b: list) -> list:
        out = fn(tree.unflatten(treedef, a), tree.unflatten(treedef, b))
        got, out_def = tree.flatten(out)
        if out_def != treedef:
            raise op_error(TypeError, "associative_scan", f"fn returned a tree {out_def}, elems is {treedef}",
                           "return a value of the structure of elems from fn")
        got = [to_array(x) for x in got]
        for x, y in zip(a, got):
            if x.shape != y.shape:
                raise op_error(ShapeError, "associative_scan", f"fn returned shape {y.shape} for arguments of shape "
                               f"{x.shape}", "make fn combine its arguments elementwise, keeping their shapes")
        return got

    out = _scan(combine, leaves, axes, lengths.pop())
    if reverse:
        out = [S.rev(x, (a,)) for x, a in zip(out, axes)]
    return tree.unflatten(treedef, out)


def _scan(combine, xs: list, axes: list, n: int) -> list:
    """The prefixes of the sequences `xs` (along `axes`, length `n`) under `combine`."""
    if n < 2:
        return xs
    pairs = combine([S.slice_in_dim(x, 0, n - 1, 2, a) for x, a in zip(xs, axes)],
                    [S.slice_in_dim(x, 1, n, 2, a) for x, a in zip(xs, axes)])
    odd = _scan(combine, pairs, axes, n // 2)  # the prefixes ending at positions 1, 3, 5, ...
    # those ending at 2, 4, ...: the odd prefix before each, combined with the element
    m = (n - 1) // 2
    even = combine([S.slice_in_dim(o, 0, m, 1, a) for o, a in zip(odd, axes)],
                   [S.slice_in_dim(x, 2, n, 2, a) for x, a in zip(xs, axes)])
    return [_interleave(S.concatenate([S.slice_in_dim(x, 0, 1, 1, a), e], a), o, a)
            for x, e, o, a in zip(xs, even, odd, axes)]


def _interleave(even, odd, axis: int):
    """Positions 0, 2, 4, ... along `axis` from `even` and 1, 3, ... from `odd` (one shorter or as long)."""
    k = odd.shape[axis]
    pairs = S.concatenate([S.expand_dims(S.slice_in_dim(even, 0, k, 1, axis), (axis + 1,)),
                           S.expand_dims(odd, (axis + 1,))], axis + 1)
    merged = S.reshape(pairs, (*odd.shape[:axis], 2 * k, *odd.shape[axis + 1:]))
    if even.shape[axis] == k:
        return merged
    return S.concatenate([merged, S.slice_in_dim(even, k, k + 1, 1, axis)], axis)
