"""XLA lowering of the host callbacks (fluxion/ops/callback.py): XLA calls back into Python,
which runs the callback on NumPy copies of the operands."""
from __future__ import annotations

import functools
import logging

import jax
import numpy as np

from ...core.program import Program, sub_programs
from ...core.rules import xla_lowering
from ...ops.callback import debug_callback_p, pure_callback_p, run_pure


_failed: list = []  # the last exception a callback raised, which XLA reports as its own INTERNAL error


def _reported(record: logging.LogRecord) -> bool:
    """Whether jax logs a failed callback: not one of fluxion's, whose error the call re-raises."""
    return not (_failed and record.exc_info and record.exc_info[1] is _failed[-1])


for _name in ("jax._src.callback", "jax._src.debugging"):
    logging.getLogger(_name).addFilter(_reported)


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


def calls_back(program: Program) -> bool:
    """Whether `program` (or a program inside it) runs a host callback."""
    return any(eq.prim in (pure_callback_p, debug_callback_p) or any(map(calls_back, sub_programs(eq.params)))
               for eq in program.equations)


def _pure(*args, callback, result_avals, vmap_method):
    types = [jax.ShapeDtypeStruct(t.shape, t.dtype) for t in result_avals]
    return jax.pure_callback(_on_host(functools.partial(run_pure, callback, result_avals)), types, *args)


def _debug(*args, callback):
    jax.debug.callback(_on_host(callback), *args)
    return ()


xla_lowering[pure_callback_p] = _pure
xla_lowering[debug_callback_p] = _debug
