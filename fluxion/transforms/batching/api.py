"""`vmap`: run a function written for one example on a batch of them."""
from __future__ import annotations

import functools
from typing import Any, Callable

import numpy as np

from ...core import tree
from ...core.array import Array, to_array
from ...core.errors import ShapeError, a_type, op_error, require_callable
from ...core.interpreters import push
from ...core.tree import TreeDef, _node_of
from ...ops._batch import broadcast_batch, moveaxis
from .._arguments import Arguments, not_array_fix
from .._convert import converted
from .interpreter import BatchInterpreter, BatchTracer


def _prefix_leaves(prefix, treedef: TreeDef, what: str) -> list:
    """One axis per leaf of `treedef`: `prefix` (an int, None, or a tree matching the top of
    the structure) broadcast down to the leaves."""
    if prefix is None or isinstance(prefix, int) and not isinstance(prefix, bool):
        return [prefix] * treedef.num_leaves
    node = _node_of(prefix)
    if node is None:
        raise op_error(TypeError, "vmap", f"{what} holds {prefix!r} ({type(prefix).__name__}), but its entries must "
                       "be ints or None", f"give {what} as an int, None, or a tree of those (e.g. {what}=(0, None))")
    if treedef.is_leaf or node[0] is not treedef.node and not (
            node[0] in (tuple, list) and treedef.node in (tuple, list)) or len(node[1]) != len(treedef.subtrees) \
            or node[2] != treedef.aux:
        raise op_error(ValueError, "vmap", f"{what}={prefix!r} does not match the structure {treedef} of the values",
                       f"give {what} as an int, None, or a tree with the values' structure (one entry per argument)")
    return [axis for p, c in zip(node[1], treedef.subtrees) for axis in _prefix_leaves(p, c, what)]


def _axis(axis: int, ndim: int, what: str) -> int:
    if not -ndim <= axis < ndim:
        fix = f"use an axis in [{-ndim}, {ndim - 1}]" if ndim else "a 0-d value has no axis to map over: give it None"
        raise op_error(ValueError, "vmap", f"{what} {axis} is out of range for a value of {ndim} dimensions "
                       f"(with the batch axis)", fix)
    return axis % ndim


def _size(leaves, axes, axis_size, in_tree) -> int:
    sizes = {}
    for i, (x, a) in enumerate(zip(leaves, axes)):
        if a is not None:
            sizes.setdefault(x.shape[a], []).append(i)
    if axis_size is not None:
        sizes.setdefault(axis_size, [])
    if not sizes:
        raise op_error(ValueError, "vmap", "no argument is batched (every in_axes entry is None), so the batch size "
                       "is unknown", "pass axis_size=n, or batch at least one argument")
    if len(sizes) > 1:
        listing = "; ".join(f"size {n}: argument leaves {idx or 'axis_size'}" for n, idx in sizes.items())
        raise op_error(ShapeError, "vmap", f"the batched axes have different sizes ({listing})",
                       "give every batched argument the same size along its in_axes axis")
    return next(iter(sizes))


def vmap(f: Callable, in_axes: Any = 0, out_axes: Any = 0, axis_name: Any = None, axis_size: int | None = None,
         spmd_axis_name: Any = None) -> Callable:
    """A function applying `f` to each example of a batch, as batched operations (no loop).

    Args:
      f: a function of arrays (pytrees of arrays).
      in_axes: for each positional argument, the axis holding the examples (None: the same
        value for every example); an int applies to all. Trees match the arguments' structure.
        Keyword arguments are batched along axis 0.
      out_axes: where the outputs get the batch axis (None: the output must not depend on
        the example).
      axis_name: a name (any hashable) for the batch axis, which collectives inside `f` use:
        `fluxion.lax.psum(x, axis_name)` sums `x` over the examples, as in jax.
      axis_size: the batch size, needed when no argument is batched.
      spmd_axis_name: accepted for code ported from jax and ignored (it only steers sharding there).

    Returns:
      The batched function.

    >>> import fluxion as fx, fluxion.numpy as fnp
    >>> fx.vmap(fnp.dot)(fnp.ones((3, 2)), fnp.ones((3, 2))).tolist()
    [2.0, 2.0, 2.0]
    >>> fx.vmap(lambda x, y: x + y, in_axes=(0, None))(fnp.arange(3.0), 1.0).tolist()
    [1.0, 2.0, 3.0]
    >>> fx.vmap(lambda x: x - fx.lax.pmean(x, "b"), axis_name="b")(fnp.arange(3.0)).tolist()
    [-1.0, 0.0, 1.0]
    """
    require_callable("vmap", f)
    try:
        hash(axis_name)
    except TypeError:
        raise op_error(TypeError, "vmap", f"axis_name must be hashable, got {type(axis_name).__name__}",
                       'name the axis with a string, e.g. axis_name="batch"') from None
    _check_axis_size(axis_size)
    if isinstance(in_axes, dict):
        raise op_error(TypeError, "vmap", "in_axes is a dict, but it takes one entry per positional argument "
                       "(keyword arguments are batched along axis 0)", "pass a tuple, e.g. in_axes=(0, None); "
                       "for a dict argument, put the dict in the tuple: in_axes=({'w': None, 'x': 0},)")
    if not (in_axes is None or isinstance(in_axes, (int, tuple, list)) or _node_of(in_axes) is not None):
        raise op_error(TypeError, "vmap", f"in_axes must be an int, None or a tuple of those per argument, got "
                       f"{type(in_axes).__name__}", "pass e.g. in_axes=(0, None)")

    @functools.wraps(f)
    def batched(*args, **kwargs):
        spec = tuple(in_axes) if isinstance(in_axes, list) else in_axes
        if isinstance(spec, tuple) and len(spec) != len(args):
            raise op_error(ValueError, "vmap", f"in_axes has {len(spec)} entries but the function got {len(args)} "
                           "positional arguments", "give one in_axes entry per positional argument")
        leaves, in_tree = tree.flatten((args, kwargs))
        arg_tree, kw_tree = in_tree.subtrees
        axes = _prefix_leaves(spec, arg_tree, "in_axes") + [0] * kw_tree.num_leaves
        try:
            arrays = [x if a is None else to_array(x) for x, a in zip(leaves, axes)]
        except (TypeError, ValueError):
            raise _not_array(f, leaves, axes, in_tree, len(args)) from None
        axes = [None if a is None else _axis(a, x.ndim, "in_axes") for x, a in zip(arrays, axes)]
        size = _size(arrays, axes, axis_size, in_tree)
        interp = BatchInterpreter(size, axis_name=axis_name)
        with push(interp):
            ins = [x if a is None else BatchTracer(interp, x, a) for x, a in zip(arrays, axes)]
            a_in, k_in = tree.unflatten(in_tree, ins)
            out = converted(f)(*a_in, **k_in)
            out_leaves, out_tree = tree.flatten(out)
            unpacked = [interp.unpack(o) for o in out_leaves]
            outs = _prefix_leaves(out_axes, out_tree, "out_axes")
            return tree.unflatten(out_tree, [_place(v, d, a, size) for (v, d), a in zip(unpacked, outs)])

    return batched


def _not_array(f, leaves, axes, in_tree, nargs) -> TypeError:
    """The error for the first leaf to batch that is no array, naming it."""
    for (name, _), x, a in zip(Arguments(f).leaves(in_tree, nargs, ()), leaves, axes):
        try:
            a is None or to_array(x)
        except (TypeError, ValueError):
            fix = not_array_fix(name, "pass an array, or give the whole argument in_axes=None to pass it as it is")
            return op_error(TypeError, "vmap", f"argument `{name}` is {a_type(x)}, which is not an array", fix)


def _check_axis_size(axis_size) -> None:
    if axis_size is None:
        return
    if isinstance(axis_size, bool) or not isinstance(axis_size, (int, np.integer)):
        raise op_error(TypeError, "vmap", f"axis_size must be an int, got {type(axis_size).__name__}",
                       "pass the number of examples as an int, e.g. axis_size=4")
    if axis_size < 0:
        raise op_error(ValueError, "vmap", f"axis_size is {axis_size}, but a batch cannot have fewer than 0 examples",
                       "pass the number of examples, an int >= 0")


def _place(val, bdim, axis, size):
    """An output value with its batch axis at `axis` (None: it must have none)."""
    if axis is None:
        if bdim is not None:
            raise op_error(ValueError, "vmap", f"out_axes is None for an output that differs per example "
                           f"(shape {val.shape[:bdim] + val.shape[bdim + 1:]})",
                           "give that output an out_axes int, or return a value that does not depend on the "
                           "batched arguments")
        return val
    val = val if isinstance(val, Array) else to_array(val)
    axis = _axis(axis, val.ndim + (bdim is None), "out_axes")
    return broadcast_batch(val, size, axis) if bdim is None else moveaxis(val, bdim, axis)
