"""Reverse-only rules and taped loops: the per-thread state that tells forward mode to refuse a
custom_vjp function at once, and counts the loops reverse mode has taped."""
from __future__ import annotations

import contextlib
import threading

from ...core.errors import ArgumentTypeError, op_error


class ReverseOnlyError(ArgumentTypeError):
    """Forward mode met a custom_vjp function, which has a reverse-mode rule only."""


def reverse_only(name: str) -> ReverseOnlyError:
    return op_error(ReverseOnlyError, "custom_vjp", f"{name} has only a reverse-mode rule (defvjp), so forward mode "
                    "(fx.jvp, fx.jacfwd, fx.linearize) cannot differentiate it",
                    "use reverse mode (fx.grad, fx.vjp, fx.jacrev), or define the derivative with fx.custom_jvp, "
                    "which serves both modes")


class _Refusing(threading.local):
    on = False


_refusing = _Refusing()


def trying_forward_gradient() -> bool:
    """Whether a gradient is being tried in forward mode (inside `refusing_reverse_only`)."""
    return _refusing.on


@contextlib.contextmanager
def refusing_reverse_only():
    """While a gradient is tried in forward mode: differentiating a custom_vjp function raises
    ReverseOnlyError at once (inside a loop's body its forward part would be staged and fail only
    when compiled)."""
    before, _refusing.on = _refusing.on, True
    try:
        yield
    finally:
        _refusing.on = before


class _Tapes(threading.local):
    count = 0


_tapes = _Tapes()


def taping_a_loop() -> None:
    """Called where reverse mode tapes the states of a loop (a `while_loop` whose trip count
    depends on the data)."""
    _tapes.count += 1


def loops_taped() -> int:
    """How many loops reverse mode has taped in this thread."""
    return _tapes.count
