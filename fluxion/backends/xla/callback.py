"""XLA lowering of the host callbacks (fluxion/ops/callback.py): XLA calls back into Python,
which runs the callback on NumPy copies of the operands."""
from __future__ import annotations

import functools

import jax
import numpy as np

from ...core.rules import xla_lowering
from ...ops.callback import debug_callback_p, pure_callback_p, run_pure


_failed: list = []  # the last exception a callback raised, which XLA reports as its own INTERNAL error


def _on_host(callback):
    def run(*values):
        try:
            return callback(*[np.asarray(v) for v in values])
        except Exception as e:
            _failed[:] = [e]
            raise
    return run


def original_error(error: BaseException) -> BaseException:
    """The exception a callback raised, where `error` is XLA's report of it; else `error`."""
    if _failed and isinstance(error, jax.errors.JaxRuntimeError) and "allback error" in str(error):
        error = _failed.pop()
    _failed.clear()
    return error


def _pure(*args, callback, result_avals, vmap_method):
    types = [jax.ShapeDtypeStruct(t.shape, t.dtype) for t in result_avals]
    return jax.pure_callback(_on_host(functools.partial(run_pure, callback, result_avals)), types, *args)


def _debug(*args, callback):
    jax.debug.callback(_on_host(callback), *args)
    return ()


xla_lowering[pure_callback_p] = _pure
xla_lowering[debug_callback_p] = _debug
