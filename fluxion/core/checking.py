"""Checks of values for NaN and infinity, operation by operation (`fx.config.debug_nans` and
`debug_infs`, and the blocks `fx.debug_nans()` and `fx.debug_infs()`).

Where a check is on, `CHECKER` replaces the eager interpreter at the bottom of the stack: it
runs each primitive as the eager interpreter does (its parent) and raises a
FloatingPointError naming the operation and the user's line when the operation makes a NaN
(or an infinity) from operands that had none. The eager fast paths, which skip `bind` where
the eager interpreter is current, are not taken, so every operation is seen, also those of
transformations above it (a gradient's backward pass included). A jitted function runs its
compiled program and checks what it returns; where that holds a NaN, it runs again operation
by operation to find one that made it (staging.py; where none did, it stands). Special
functions whose branches make NaNs they then drop are checked as one operation
(`control.loops.staged_when_eager`).

As in jax, the switches are global (`set_checks`, for `fx.config`) and a block (`checks`, for
`fx.debug_nans()`) switches them for its own thread only: each thread has its own stack, so
its bottom is what its switches say. Where neither is on, nothing costs anything.
"""
from __future__ import annotations

import contextlib

import numpy as np

from . import dtypes, errors
from .array import Array
from .interpreters import EAGER, EagerProxy, Interpreter, _Ctx, _ctx, thread_states

_switches = [False, False]  # the global switches: (NaN, infinity)


def _host(x) -> np.ndarray | None:
    """The value of `x` (an Array on any device, or a scalar) where it is floating or complex."""
    v = x._value if x.__class__ is Array else np.asarray(x)
    return v if v.dtype in _FLOATING else None


_FLOATING = frozenset(dtypes.FLOATING)  # (bfloat16's NumPy kind is 'V')


class CheckingInterpreter(EagerProxy):
    """The eager interpreter, with each result checked (see the module docstring)."""

    nans = property(lambda self: _on(_ctx.checks, 0), lambda self, on: _own(0, on),
                    doc="Whether this thread checks for NaNs.")
    infs = property(lambda self: _on(_ctx.checks, 1), lambda self, on: _own(1, on),
                    doc="Whether this thread checks for infinities.")

    def process(self, prim, args, params):
        out = EAGER.process(prim, args, params)
        self.check(prim.name, out if prim.multiple_results else (out,), args)
        return out

    def check(self, op: str, outs, args) -> None:
        """Raise if `outs` (arrays) hold a NaN or an infinity checked for that `args` did not (a
        NaN made from infinities too)."""
        for test, bad in [(np.isnan, "NaN")] * self.nans + [(np.isinf, "an infinity")] * self.infs:
            if _holds(outs, test) and not _holds(args, test):
                where = f"in {op}'s domain" if bad == "NaN" else f"where {op} is finite"
                raise errors.op_error(FloatingPointError, op, f"made {bad} from operands without any",
                                      f"keep the operands {where} (e.g. with fnp.where before the call), or turn "
                                      f"off fx.config.debug_{'nans' if bad == 'NaN' else 'infs'} to let them through")

    def found(self, values) -> bool:
        """Whether one of `values` holds a NaN or an infinity that is checked for."""
        return self.nans and _holds(values, np.isnan) or self.infs and _holds(values, np.isinf)


def _holds(values, test) -> bool:
    """Whether `test` (np.isnan or np.isinf) holds for an element of one of `values`."""
    return any(v is not None and test(v).any() for v in map(_host, values))


CHECKER = CheckingInterpreter()


def _on(checks: tuple, i: int) -> bool:
    """Whether check `i` (0: NaN, 1: infinity) is on for a thread whose own switches are `checks`."""
    return _switches[i] if checks[i] is None else checks[i]


def _own(i: int, on: bool) -> None:
    """Switch check `i` for this thread (where it matches the global switch, that applies again)."""
    checks = list(_ctx.checks)
    checks[i] = None if on == _switches[i] else on
    _ctx.checks = tuple(checks)


def _bottom(checks: tuple) -> Interpreter:
    """The interpreter at the bottom of the stack of a thread whose own switches are `checks`."""
    return CHECKER if _on(checks, 0) or _on(checks, 1) else EAGER


def _refuse_inside() -> None:
    if _ctx.interp is not EAGER and _ctx.interp is not CHECKER:
        raise errors.op_error(RuntimeError, "debug_nans", "cannot be switched inside a transformation",
                              "switch it before calling grad, vmap or jit, or around the whole call")


def switches() -> tuple[bool, bool]:
    """The global switches: whether NaNs and infinities are checked for where no block says otherwise."""
    return _switches[0], _switches[1]


def set_checks(nans: bool | None = None, infs: bool | None = None) -> None:
    """Check for NaNs as `nans` says and for infinities as `infs` says (None: as before) from now
    on (for neither: the eager interpreter comes back), in every thread, also those running
    already, except where a block of its own (`checks`) says otherwise."""
    _refuse_inside()
    _switches[:] = [now if on is None else on for now, on in zip(_switches, (nans, infs))]
    _Ctx.interp = _bottom((None, None))  # (threads that have not run fluxion yet)
    for state in thread_states():
        _settle(state)


def _settle(state: dict) -> None:
    """Put the interpreter that its switches give at the bottom of the stack of a thread (`state`:
    its `_ctx`). In the middle of a transformation, the end of its outermost interpreter does
    (`interpreters.finish`): the code that pushed it puts back what was below it."""
    interp = state.get("interp")
    if interp is None:  # (it reads the default, set already)
        return
    bottom = _bottom(state.get("checks", (None, None)))
    if interp is EAGER or interp is CHECKER:
        state["interp"] = bottom
        state.pop("rebase", None)
        return
    while interp.parent is not None and interp.parent is not EAGER and interp.parent is not CHECKER:
        interp = interp.parent
    state["rebase"] = None if interp.parent is bottom else (interp, bottom)


@contextlib.contextmanager
def checks(nans: bool | None = None, infs: bool | None = None):
    """A block in which this thread checks for NaNs as `nans` says and for infinities as `infs`
    says (None: as before the block); other threads go on as they were. Yields this thread's
    own switches (None where the global one applies)."""
    _refuse_inside()
    before = _ctx.checks
    _ctx.checks = own = (before[0] if nans is None else nans, before[1] if infs is None else infs)
    _ctx.interp = _bottom(own)
    try:
        yield own
    finally:
        _ctx.checks = before
        if _ctx.interp is EAGER or _ctx.interp is CHECKER:
            _ctx.interp = _bottom(before)
