"""Checks of values for NaN and infinity, operation by operation (`fx.config.debug_nans` and
`debug_infs`, and the blocks `fx.debug_nans()` and `fx.debug_infs()`).

While a check is on, `CHECKER` replaces the eager interpreter at the bottom of the stack: it
runs each primitive as the eager interpreter does (its parent) and raises a
FloatingPointError naming the operation and the user's line when the operation makes a NaN
(or an infinity) from operands that had none. The eager fast paths, which skip `bind` where
the eager interpreter is current, are not taken, so every operation is seen, also those of
transformations above it (a gradient's backward pass included). A jitted function runs its
compiled program and checks what it returns; where that holds a NaN its operands did not, it
runs again operation by operation to find the one that made it (staging.py). Special
functions whose branches make NaNs they then drop are checked as one operation
(`control.loops.staged_when_eager`).
"""
from __future__ import annotations

import numpy as np

from . import errors
from .array import Array
from .interpreters import EAGER, EagerProxy, _Ctx, _ctx


def _host(x) -> np.ndarray | None:
    """The value of `x` (an Array on any device, or a scalar) where it is floating or complex."""
    v = x._value if x.__class__ is Array else np.asarray(x)
    return v if v.dtype.kind in "fc" else None


class CheckingInterpreter(EagerProxy):
    """The eager interpreter, with each result checked (see the module docstring)."""

    nans = infs = False

    def process(self, prim, args, params):
        out = EAGER.process(prim, args, params)
        self.check(prim.name, out if prim.multiple_results else (out,), args)
        return out

    def check(self, op: str, outs, args) -> None:
        """Raise if `outs` (arrays) hold a NaN or an infinity checked for that `args` did not."""
        bad = self.found(outs)
        if bad and not self.found(args):
            where = f"in {op}'s domain" if bad == "NaN" else f"where {op} is finite"
            raise errors.op_error(FloatingPointError, op, f"made {bad} from operands without any",
                                  f"keep the operands {where} (e.g. with fnp.where before the call), or turn off "
                                  f"fx.config.debug_{'nans' if bad == 'NaN' else 'infs'} to let them through")

    def found(self, values) -> str | None:
        """'NaN' or 'an infinity' where one of `values` holds one that is checked for, else None."""
        for x in values:
            v = _host(x)
            if v is None:
                continue
            if self.nans and np.isnan(v).any():
                return "NaN"
            if self.infs and np.isinf(v).any():
                return "an infinity"
        return None


CHECKER = CheckingInterpreter()


def set_checks(nans: bool, infs: bool) -> None:
    """Check for NaNs and/or infinities from now on, in this thread and in threads that first run
    fluxion afterwards (for neither: the eager interpreter comes back)."""
    if _ctx.interp is not EAGER and _ctx.interp is not CHECKER:
        raise errors.op_error(RuntimeError, "debug_nans", "cannot be switched inside a transformation",
                              "switch it before calling grad, vmap or jit, or around the whole call")
    CHECKER.nans, CHECKER.infs = nans, infs
    _Ctx.interp = _ctx.interp = CHECKER if nans or infs else EAGER
