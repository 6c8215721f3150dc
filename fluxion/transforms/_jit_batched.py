"""A jitted function called under a vmap that runs eagerly: one compiled call of its batched form.

`vmap(jit(f))(xs)` compiles what `jit(vmap(f))(xs)` would: `f` traced under a batching
interpreter inside a staging one, once per signature of the batched arguments (their batch
axes and the batch size are static). Its outputs keep the batch axes the batching rules gave
them: an output that does not depend on the examples stays unbatched, as it does when the
vmap runs `f` operation by operation, so `out_axes=None` still works for it.

The call is left to the vmap, operation by operation, where `f` uses a value of that vmap it
does not receive as an argument (a function defined inside the batched one), or where it
needs a concrete value of an unbatched argument (`float(y)`), which operation by operation
has one.
"""
from __future__ import annotations

import functools
import threading

from .. import config
from ..core import tree
from ..core.array import Array, Tracer, to_array
from ..core.errors import ConcretizationError, TracerLeakError
from ..core.interpreters import EAGER, push, use
from ._convert import converted
from .batching.interpreter import BatchInterpreter, BatchTracer

LEFT = object()  # what `call` returns for a call it leaves to the vmap
_traced = threading.local()  # .out: (structure, batch axes) of the outputs of the last trace of `_batched`


def runs_batched(interp) -> bool:
    """Whether a jitted call under `interp` is compiled batched: a vmap of its own (not one
    standing in for another's examples) on the eager interpreter."""
    return interp.__class__ is BatchInterpreter and interp.parent is EAGER and not interp.same_as


def call(jitted, interp: BatchInterpreter, args: tuple, kwargs: dict):
    """`jitted(*args, **kwargs)` on values of `interp` (see `runs_batched`): its outputs as
    values of `interp`, or LEFT."""
    nums = jitted._arguments.positions(jitted._static_nums, len(args))
    statics = (tuple((i, args[i]) for i in sorted(nums)),
               tuple(sorted((k, v) for k, v in kwargs.items() if k in jitted.static_argnames)))
    dyn_args = tuple(a for i, a in enumerate(args) if i not in nums)
    dyn_kwargs = {k: v for k, v in kwargs.items() if k not in jitted.static_argnames}
    leaves, in_tree = tree.flatten((dyn_args, dyn_kwargs))
    unpacked = [interp.unpack(x) for x in leaves]
    if any(isinstance(v, Tracer) for v, _ in unpacked) or _closes_over(jitted.fun, interp):
        return LEFT
    spec = (in_tree, tuple(d for _, d in unpacked), interp.size, interp.axis_name, statics)
    try:
        hash(spec)
    except TypeError:  # an unhashable static argument: the vmap's call explains it
        return LEFT
    batched, outs = jitted.__dict__.get("_batched") or _make(jitted)
    vals = [v for v, _ in unpacked]
    key = (spec, tuple([v.aval if isinstance(v, Array) else to_array(v).aval for v in vals]))
    _traced.out = None
    try:
        with use(EAGER):
            values = batched(spec, *vals)
            if _traced.out is None and key not in outs:  # compiled without its structure kept: again
                batched.clear_cache()
                values = batched(spec, *vals)
    except (TracerLeakError, ConcretizationError):
        return LEFT
    if _traced.out is not None:
        if len(outs) > 4 * max(config.jit_cache_size, 1):
            outs.clear()
        outs[key] = _traced.out
    out_tree, dims = outs[key]
    return tree.unflatten(out_tree, [interp.wrap(v, d) for v, d in zip(values, dims)])


def _make(jitted):
    """The jitted batched function of `jitted`, and its outputs' structures by signature."""
    from .staging import jit
    jitted._batched = jit(functools.partial(_batched, jitted.fun), static_argnums=0, device=jitted.device), {}
    return jitted._batched


def _batched(f, spec, *vals) -> tuple:
    """`f` on the examples stacked in `vals`, as `call` made `spec`, traced under jit: its
    outputs' values, flat (a flat tuple of arrays keeps the calls on XLA's dispatcher)."""
    in_tree, dims, size, axis_name, (static_args, static_kwargs) = spec
    interp = BatchInterpreter(size, axis_name=axis_name)
    with push(interp):
        leaves = [v if d is None else BatchTracer(interp, v, d) for v, d in zip(vals, dims)]
        dyn_args, dyn_kwargs = tree.unflatten(in_tree, leaves)
        args = list(dyn_args)
        for i, a in static_args:
            args.insert(i, a)
        out = converted(f)(*args, **dyn_kwargs, **dict(static_kwargs))
        out_leaves, out_tree = tree.flatten(out)
        unpacked = [interp.unpack(o) for o in out_leaves]
    _traced.out = out_tree, tuple(d for _, d in unpacked)
    return tuple(v for v, _ in unpacked)


def _closes_over(f, interp) -> bool:
    """Whether `f` visibly holds a value of `interp` (in its closure, or a partial's arguments);
    other ways of holding one are found when it is traced."""
    while isinstance(f, functools.partial):
        if any(_of(x, interp) for x in (*f.args, *f.keywords.values())):
            return True
        f = f.func
    return any(_of(c.cell_contents, interp) for c in getattr(f, "__closure__", None) or () if _filled(c))


def _of(x, interp) -> bool:
    return any(isinstance(v, BatchTracer) and v._interp is interp for v in tree.leaves(x))


def _filled(cell) -> bool:
    try:
        cell.cell_contents
    except ValueError:  # a variable not yet assigned
        return False
    return True
