"""Looking at values inside transformed code: `fx.debug.print`, `fx.debug.log` and
`fx.debug.callback` run with the concrete values, also from inside `jit` and `vmap`;
`fx.debug.breakpoint` stops in Python's debugger where values are computed as it runs (not
under `jit`)."""
from __future__ import annotations

import contextlib
import logging
import pdb
import sys
from typing import Any

from ._callbacks import _debug, _same, debug_callback as callback, debug_print as print  # noqa: A004
from .core.checking import checks
from .core.errors import UnsupportedError, op_error, user_frame
from .transforms.autodiff.partial_eval import staged

__all__ = ["breakpoint", "callback", "debug_infs", "debug_nans", "log", "logger", "print"]

logger = logging.getLogger("fluxion.debug")


def log(fmt: str, *args, ordered: bool = False, partitioned: bool = False, **kwargs) -> None:
    """Log `fmt.format(*args, **kwargs)` with the concrete values of the arrays in `args` (as
    `fx.debug.print` formats them) to the logger "fluxion.debug" at level INFO, the record
    naming the line that called `log`; under `jit` each time the program runs, under `vmap`
    once per example. `partitioned` is accepted, as by `fx.debug.callback`.

    >>> import logging, fluxion as fx, fluxion.numpy as fnp
    >>> records, seen = [], logging.Handler()
    >>> seen.emit = records.append
    >>> fx.debug.logger.addHandler(seen); fx.debug.logger.setLevel(logging.INFO)
    >>> _ = fx.jit(lambda x: fx.debug.log("sum = {}", x.sum()) or x)(fnp.asarray([1.0, 2.0]))
    >>> [(r.lineno, r.getMessage()) for r in records]
    [(1, 'sum = 3.0')]
    >>> fx.debug.logger.removeHandler(seen); fx.debug.logger.setLevel(logging.NOTSET)
    """
    if not isinstance(fmt, str):
        raise op_error(TypeError, "debug.log", f"the format must be a string, got {type(fmt).__name__}",
                       "pass the format first: fx.debug.log('x = {}', x)")
    path, _, line = user_frame().rpartition(":")

    def emit(*values, **named):
        if logger.isEnabledFor(logging.INFO):
            logger.handle(logger.makeRecord(logger.name, logging.INFO, path or "(unknown file)", int(line or 0),
                                            fmt.format(*values, **named), (), None))
    _debug("debug.log", emit, _same, ordered, args, kwargs)


def breakpoint(*, backend: str | None = None, filter_frames: bool = True,  # noqa: A001
               num_frames: int | None = None, ordered: bool = False, token: Any = None, **kwargs) -> Any:
    """Stop in Python's debugger, pdb, at the line after the call, with the caller's variables.

    Eagerly the arrays there have their values; under `vmap` or `grad` (outside `jit`) they are
    those transformations' traced arrays. Under `jit`, and in traced loop bodies and branches,
    nothing is computed where this runs (the function is only traced, once), so there it raises
    an error naming the fix: run the function under `fx.disable_jit()`, or look at values with
    `fx.debug.print` / `fx.debug.callback`, which run with the compiled program.

    Args:
      backend: None or "cli": pdb (the only debugger here).
      filter_frames: keep the debugger from stepping into fluxion's own code.
      num_frames: accepted; pdb sees every frame of the stack.
      ordered: accepted; eager calls happen in order.
      token: returned as it is (jax runs the breakpoint once it is computed; eagerly it is).
      **kwargs: passed to `pdb.Pdb`, e.g. `stdin` and `stdout`.

    Returns:
      `token`.
    """
    if staged():
        raise op_error(UnsupportedError, "debug.breakpoint", "under fx.jit (or in a traced loop body or branch) the "
                       "function is traced, not run, so there are no values to stop at",
                       "run it eagerly inside `with fx.disable_jit():` (outside traced loops), or print values "
                       "with fx.debug.print, which runs with the compiled program")
    if backend not in (None, "cli"):
        raise op_error(ValueError, "debug.breakpoint", f"unknown debugger backend {backend!r}",
                       "pass backend=None (or 'cli'): fluxion stops in pdb")
    debugger = pdb.Pdb(skip=["fluxion", "fluxion.*"] if filter_frames else None, **kwargs)
    debugger.set_trace(sys._getframe(1))
    return token


def __dir__():  # the public names only, not the modules and helpers the code imports
    return __all__


@contextlib.contextmanager
def _checks(**enable: bool):
    """A block of checks in this thread only (as jax's blocks), which XLA's dispatcher tells apart."""
    from .backends.xla.dispatch import own_checks
    with checks(**{k: bool(v) for k, v in enable.items()}) as own, own_checks(own):
        yield


def debug_nans(enable: bool = True):
    """A block in which each operation that makes a NaN from operands without any raises a
    FloatingPointError naming it and the line (`fx.config.debug_nans` for the block, in this
    thread only, as jax's `debug_nans`).

    >>> import fluxion as fx, fluxion.numpy as fnp
    >>> with fx.debug_nans():
    ...     try:
    ...         fnp.log(fnp.asarray([1.0, -1.0]))
    ...     except FloatingPointError as e:
    ...         print(str(e).splitlines()[0])
    log: made NaN from operands without any
    """
    return _checks(nans=enable)


def debug_infs(enable: bool = True):
    """A block in which each operation that makes an infinity from operands without any raises a
    FloatingPointError naming it and the line (`fx.config.debug_infs` for the block, in this
    thread only).

    >>> import fluxion as fx, fluxion.numpy as fnp
    >>> with fx.debug_infs():
    ...     try:
    ...         fnp.asarray([1.0]) / 0.0
    ...     except FloatingPointError as e:
    ...         print(str(e).splitlines()[0])
    div: made an infinity from operands without any
    """
    return _checks(infs=enable)
