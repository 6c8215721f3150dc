"""`map` with jax.lax's `batch_size` (slices of a batch run together under `vmap`, batches in
a loop), `optimization_barrier`, and two functions that only annotate for XLA and so pass values
through: `with_sharding_constraint` and `composite`."""
from __future__ import annotations

import numbers
from typing import Any, Callable

from .. import control
from .. import tree
from ..core.errors import op_error, require_callable
from ..ops import barrier
from ..ops import shape as S
from ..transforms.batching import vmap
from ._operands import as_array


def map(f: Callable, xs: Any, *, batch_size: int | None = None) -> Any:  # noqa: A001
    """`f` applied to each slice of `xs` along its leading axis, the results stacked.

    With `batch_size` (an int; None or 0: one slice at a time), `f` runs on that many slices
    at once (vectorized with `vmap`), and on the remainder once more.

    >>> import fluxion.numpy as fnp
    >>> map(lambda x: x * x, fnp.arange(5.0), batch_size=2).tolist()
    [0.0, 1.0, 4.0, 9.0, 16.0]
    """
    if batch_size is not None:
        if not isinstance(batch_size, numbers.Integral) or isinstance(batch_size, bool):
            raise op_error(TypeError, "lax.map", f"batch_size must be an int, got {batch_size!r}",
                           "pass an int (or None: one slice at a time)")
        batch_size = int(batch_size)
        if batch_size < 0:
            raise op_error(ValueError, "lax.map", f"batch_size must be >= 0, got {batch_size}",
                           "pass a positive number of slices, or None (or 0) to map one slice at a time")
    if not batch_size:  # (0, as None, as jax's)
        return control.map(f, xs)
    leaves = tree.leaves(xs)
    n = leaves[0].shape[0] if leaves else 0
    batches, whole = n // batch_size, n // batch_size * batch_size
    g = vmap(f)
    parts = []
    if batches:
        grouped = tree.map(lambda x: S.reshape(S.slice_in_dim(x, 0, whole, 1, 0), (batches, batch_size) + x.shape[1:]),
                           xs)
        ys = control.map(g, grouped)
        parts.append(tree.map(lambda y: S.reshape(y, (whole,) + y.shape[2:]), ys))
    if whole < n or not parts:
        parts.append(g(tree.map(lambda x: S.slice_in_dim(x, whole, n, 1, 0), xs)))
    if len(parts) == 1:
        return parts[0]
    return tree.map(lambda a, b: S.concatenate([a, b], 0), *parts)


def optimization_barrier(operand: Any, /) -> Any:
    """`operand` (a pytree of arrays) unchanged, as a fence compilers do not move computations across.

    Every value computed before the barrier from its operands is computed before it in the
    compiled program too, and program passes and XLA cannot merge or simplify across it (for
    example to recompute a value instead of keeping it). It differentiates and batches as the
    identity.

    >>> import fluxion.numpy as fnp
    >>> x, y = optimization_barrier((fnp.ones(2), 3.0))
    >>> x.tolist(), y.item()
    ([1.0, 1.0], 3.0)
    """
    leaves, structure = tree.flatten(operand)
    return tree.unflatten(structure, barrier.optimization_barrier([as_array(x) for x in leaves]))


def with_sharding_constraint(x: Any, shardings: Any) -> Any:
    """`x` (a pytree of arrays) unchanged: jax places it as `shardings` say across devices;
    fluxion runs a computation on one device, where every sharding is the whole array, so the
    sharding is accepted and has nothing to do.

    >>> import fluxion.numpy as fnp
    >>> with_sharding_constraint(fnp.ones(2), None).tolist()
    [1.0, 1.0]
    """
    return tree.map(as_array, x)


def composite(decomposition: Callable, name: str, version: int = 0) -> Callable:
    """`decomposition` itself: jax marks its calls as the operation `name` (version `version`),
    which a compiler may replace by an implementation of its own; fluxion's compilation does
    not, so a call is the decomposition's, with its derivatives. As in jax, positional arguments
    are the operation's inputs and keyword arguments its attributes.

    >>> import functools, fluxion.numpy as fnp
    >>> @functools.partial(composite, name="my.tangent")
    ... def tangent(x):
    ...     return fnp.sin(x) / fnp.cos(x)
    >>> round(tangent(fnp.asarray(0.5)).item(), 4)
    0.5463
    """
    require_callable("lax.composite", decomposition)
    return decomposition
