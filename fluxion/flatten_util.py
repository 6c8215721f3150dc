"""`ravel_pytree`: a pytree of arrays as one flat vector, and the function that rebuilds the tree."""
from __future__ import annotations

import functools
import itertools
import math
from typing import Any, Callable

from . import numpy as fnp
from .core.array import Array
from .core.errors import InvalidArgumentError, op_error
from .core.tree import TreeDef, flatten


def ravel_pytree(pytree) -> tuple[Array, Callable[[Array], Any]]:
    """The leaves of `pytree` raveled and joined into one 1-D array, and the function that undoes it.

    Leaves become arrays with `fnp.asarray` and are promoted to their common dtype
    (`fnp.result_type`); a tree without leaves gives a float32 array of shape (0,). Built from
    fluxion.numpy calls, both directions work under `fx.grad`, `fx.jit` and `fx.vmap`.

    Args:
      pytree: a pytree of arrays or scalars.

    Returns:
      `(flat, unravel)`: `unravel(flat)` rebuilds the tree, each leaf with its original shape
      and dtype; it raises ValueError for an array not of `flat`'s shape and TypeError for one
      not of its dtype (which would be cast silently).

    >>> import fluxion.numpy as fnp
    >>> from fluxion.flatten_util import ravel_pytree
    >>> flat, unravel = ravel_pytree({"w": fnp.ones((2, 2)), "b": fnp.zeros(1, dtype=fnp.int32)})
    >>> flat.tolist()
    [0.0, 1.0, 1.0, 1.0, 1.0]
    >>> tree = unravel(flat * 2)
    >>> tree["w"].shape, tree["b"].dtype
    ((2, 2), dtype('int32'))
    """
    leaves, treedef = flatten(pytree)
    arrays = [fnp.asarray(x) for x in leaves]
    if not arrays:
        flat = fnp.zeros((0,), fnp.float32)
    else:
        dtype = fnp.result_type(*arrays)
        flat = fnp.concatenate([fnp.ravel(fnp.astype(a, dtype, copy=False)) for a in arrays])
    shapes = tuple(tuple(a.shape) for a in arrays)
    dtypes = tuple(a.dtype for a in arrays)
    offsets = tuple(itertools.accumulate((math.prod(s) for s in shapes), initial=0))
    return flat, functools.partial(_unravel, treedef, flat.dtype, shapes, dtypes, offsets)


def _unravel(treedef: TreeDef, flat_dtype, shapes: tuple, dtypes: tuple, offsets: tuple, flat) -> Any:
    flat = fnp.asarray(flat)
    expected = (offsets[-1],)
    if tuple(flat.shape) != expected:
        raise op_error(InvalidArgumentError, "unravel", f"expected a 1-D array of shape {expected}, got shape "
                       f"{tuple(flat.shape)}", "pass an array shaped like the flat array ravel_pytree returned "
                       "(under fx.vmap, map over its leading axis)")
    if flat.dtype != flat_dtype:
        raise op_error(TypeError, "unravel", f"expected an array of dtype {flat_dtype}, the flat array's, got "
                       f"{flat.dtype}", f"convert it first, e.g. unravel(x.astype(fnp.{flat_dtype}))")
    leaves = [fnp.astype(fnp.reshape(flat[start:stop], shape), dtype, copy=False)
              for start, stop, shape, dtype in zip(offsets[:-1], offsets[1:], shapes, dtypes)]
    return treedef.unflatten(leaves)
