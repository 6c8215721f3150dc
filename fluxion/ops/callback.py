"""Host callbacks: Python functions called with the concrete values of arrays, eagerly or from
inside a compiled program.

    pure_callback   f(*arrays) -> arrays of declared types; no effects, so a call whose
                    results are unused may be dropped, and one may be merged with its twin
    debug_callback  f(*arrays) -> nothing; effectful (the passes keep every call), and
                    differentiation calls it with the primal values

Each primitive's `callback` parameter takes and returns flat lists of NumPy arrays (the public
functions in fluxion/callbacks.py put the user's pytrees around it). Under vmap a callback
runs once per example (`sequential`, or `sequential_unrolled`, the same here), or once on the
whole batch (`expand_dims`, `broadcast_all`, `legacy_vectorized`, as jax's `vmap_method`). A
pure callback has no derivative: its jvp rule refuses it, naming custom_jvp as the way to give
it one.
"""
from __future__ import annotations

from typing import Callable, Sequence

import numpy as np

from ..core.errors import op_error
from ..core.primitive import batch_rules, jvp_rules
from ..core.rules import effectful
from ..core.types import ArrayType
from . import shape as S
from ._batch import batch_size, moveaxis, to_front
from ._util import define

VMAP_METHODS = ("sequential", "sequential_unrolled", "expand_dims", "broadcast_all", "legacy_vectorized")

pure_callback_p = define("pure_callback", lambda *avals, callback, result_avals, vmap_method: result_avals,
                         multiple_results=True)
# `ordered`: compiled calls happen in program order (else XLA may reorder independent ones)
debug_callback_p = define("debug_callback", lambda *avals, callback, ordered: (), multiple_results=True)
effectful.add(debug_callback_p)


def _debug_jvp(primals, tangents, **params):
    debug_callback_p.bind(*primals, **params)  # the values, as without differentiation
    return (), ()


def _pure_jvp(primals, tangents, **params):
    raise op_error(NotImplementedError, "pure_callback", "has no derivative: its callback is Python code that "
                   "differentiation cannot see into", "give it one with fx.custom_jvp or fx.custom_vjp around the "
                   "call, or apply fx.stop_gradient to its operands")


jvp_rules[debug_callback_p] = _debug_jvp
jvp_rules[pure_callback_p] = _pure_jvp


def run_pure(callback: Callable, result_avals, *values) -> list[np.ndarray]:
    """The flat results of `callback(*values)`, checked against their declared types (a dtype of
    the same kind is cast to the declared one)."""
    outs = []
    for i, (v, t) in enumerate(zip(callback(*values), result_avals)):
        v = np.asarray(v)
        if v.shape != t.shape:
            raise op_error(ValueError, "pure_callback", f"result {i} of the callback has shape {v.shape}, declared "
                           f"{t.shape}", "return arrays of the shapes given in result_shape_dtypes")
        if v.dtype != t.dtype:
            if not np.can_cast(v.dtype, t.dtype, "same_kind"):
                raise op_error(TypeError, "pure_callback", f"result {i} of the callback has dtype {v.dtype}, "
                               f"declared {t.dtype}", "return arrays of the dtypes given in result_shape_dtypes")
            v = v.astype(t.dtype)
        outs.append(v)
    return outs


class _PerExample:
    """A flat callback run on each example of a batch: its operands have the batch on axis 0
    where `batched` says so, and its results (of types `result_avals` for one example, None
    for a debug callback) are stacked on axis 0 (`size` examples)."""

    __slots__ = ("callback", "batched", "size", "result_avals")

    def __init__(self, callback: Callable, batched: Sequence[bool], size: int, result_avals=None):
        self.callback, self.batched, self.size, self.result_avals = callback, tuple(batched), size, result_avals

    def __repr__(self):
        return f"per_example({self.callback!r})"

    def __call__(self, *values):
        outs = []
        for i in range(self.size):
            example = [v[i] if b else v for v, b in zip(values, self.batched)]
            outs.append(self.callback(*example) if self.result_avals is None
                        else run_pure(self.callback, self.result_avals, *example))
        if self.result_avals is None:
            return ()
        if not outs:  # no examples
            return [np.zeros((0, *t.shape), t.dtype) for t in self.result_avals]
        return [np.stack(rs) for rs in zip(*outs)]


def _leading(args, dims):
    """The batched operands with their batch axis first (the others as they are)."""
    return [a if d is None else moveaxis(a, d, 0) for a, d in zip(args, dims)]


def _batched_types(avals, size: int) -> tuple:
    return tuple(ArrayType((size, *t.shape), t.dtype, t.weak) for t in avals)


def _debug_batch(args, dims, *, callback, ordered):
    size = batch_size(args, dims)
    debug_callback_p.bind(*_leading(args, dims), callback=_PerExample(callback, [d is not None for d in dims], size),
                          ordered=ordered)
    return (), ()


def _pure_batch(args, dims, *, callback, result_avals, vmap_method):
    size = batch_size(args, dims)
    batched_avals = _batched_types(result_avals, size)
    if size == 0:  # no example to call back for (as sequentially, and as jax's other methods)
        return [S.full(t.shape, 0, t.dtype) for t in batched_avals], (0,) * len(batched_avals)
    if vmap_method in ("sequential", "sequential_unrolled"):
        args, callback = _leading(args, dims), _PerExample(callback, [d is not None for d in dims], size, result_avals)
    elif vmap_method == "expand_dims":  # unbatched operands get an axis of size 1
        args = [S.reshape(a, (1, *a.shape)) if d is None else moveaxis(a, d, 0) for a, d in zip(args, dims)]
    elif vmap_method == "legacy_vectorized":  # unbatched operands stay as they are
        args = [a if d is None else moveaxis(a, d, 0) for a, d in zip(args, dims)]
    else:  # broadcast_all
        args = [to_front(a, d, size) for a, d in zip(args, dims)]
    outs = pure_callback_p.bind(*args, callback=callback, result_avals=batched_avals, vmap_method=vmap_method)
    return outs, (0,) * len(outs)


batch_rules[debug_callback_p] = _debug_batch
batch_rules[pure_callback_p] = _pure_batch


def check_vmap_method(vmap_method) -> str:
    if vmap_method is None:
        return "sequential"
    if vmap_method not in VMAP_METHODS:
        raise op_error(ValueError, "pure_callback", f"vmap_method {vmap_method!r} is not one of {VMAP_METHODS}",
                       "pass vmap_method='sequential' (a call per example), 'expand_dims' or 'broadcast_all'")
    return vmap_method
