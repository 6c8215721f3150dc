"""XLA lowering of the host callbacks (fluxion/ops/callback.py): XLA calls back into Python,
which runs the callback on NumPy copies of the operands."""
from __future__ import annotations

import functools
import itertools
import logging
import re

import jax
import numpy as np

from ...core.program import Program, sub_programs
from ...core.rules import xla_lowering
from ...ops.callback import debug_callback_p, pure_callback_p, run_pure


_failed: dict[int, BaseException] = {}  # token -> an exception a callback raised, until its call re-raises it
_FAILED_KEPT = 64  # (one whose call never asks for it is dropped when newer ones come)
_tokens = itertools.count()
_TOKEN = re.compile(r"<fluxion callback error (\d+)>")


class _Failed(Exception):
    """What a callback raises in place of its own exception, which waits in `_failed` under the
    token in its message: XLA reports it as its own INTERNAL error (with this message, from any
    thread: it may run the callback on one of its own), and `original_error` finds it there."""


def _reported(record: logging.LogRecord) -> bool:
    """Whether jax logs a failed callback: not one of fluxion's, whose error the call re-raises."""
    return not (record.exc_info and isinstance(record.exc_info[1], _Failed))


for _name in ("jax._src.callback", "jax._src.debugging"):
    logging.getLogger(_name).addFilter(_reported)


def _on_host(callback):
    def run(*values):
        try:
            return callback(*[np.asarray(v) for v in values])
        except BaseException as e:  # (a KeyboardInterrupt too comes back as itself, as it does eagerly)
            token = next(_tokens)
            _failed[token] = e
            if len(_failed) > _FAILED_KEPT:
                _failed.pop(next(iter(_failed)), None)
            raise _Failed(f"<fluxion callback error {token}>") from e
    return run


def original_error(error: BaseException) -> BaseException:
    """The exception a callback raised, where `error` is XLA's report of it; else `error`."""
    if isinstance(error, jax.errors.JaxRuntimeError):
        tokens = _TOKEN.findall(str(error))  # (the last: the callback's own, after those it chains)
        if tokens:
            return _failed.pop(int(tokens[-1]), error)
    return error


def calls_back(program: Program) -> bool:
    """Whether `program` (or a program inside it) runs a host callback."""
    return any(eq.prim in (pure_callback_p, debug_callback_p) or any(map(calls_back, sub_programs(eq.params)))
               for eq in program.equations)


def _pure(*args, callback, result_avals, vmap_method):
    types = [jax.ShapeDtypeStruct(t.shape, t.dtype) for t in result_avals]
    return jax.pure_callback(_on_host(functools.partial(run_pure, callback, result_avals)), types, *args)


def _debug(*args, callback, ordered):
    jax.debug.callback(_on_host(callback), *args, ordered=ordered)
    return ()


xla_lowering[pure_callback_p] = _pure
xla_lowering[debug_callback_p] = _debug
