"""What `jit(f).lower(*args)` gives: the program staged for one call signature, its XLA
computation, and (`.compile()`) that computation compiled, callable as in jax."""
from __future__ import annotations

from typing import Any, Callable


class Lowered:
    """`jit(f).lower(*args, **kwargs)`: `.program` (optimized), `.consts` (the constants passed to
    XLA as parameters), `.device` (None for host arrays), `.as_text()` (StableHLO) and `.compile()`.

    >>> import fluxion as fx, fluxion.numpy as fnp
    >>> f = fx.jit(lambda x, n: x * n, static_argnums=1)
    >>> compiled = f.lower(fnp.ones(2), 3).compile()
    >>> compiled(fnp.ones(2)).tolist()  # the traced arguments only, as in jax
    [3.0, 3.0]
    """

    def __init__(self, executable, call: Callable[[tuple, dict], Any]):
        self._executable, self._call = executable, call
        self.program, self.consts, self.device = executable.program, executable.consts, executable.device

    def as_text(self) -> str:
        """The StableHLO text of the computation."""
        return self._executable.as_text()

    def compile(self) -> Compiled:
        return Compiled(self._executable.compile(), self._call)


class Compiled:
    """The compiled computation of a `Lowered`: `.as_text()` is XLA's optimized HLO,
    `.cost_analysis()` and `.memory_analysis()` XLA's estimates of its cost, and a call
    takes the traced arguments of the lowered call (not its static ones) and gives the jitted
    function's outputs; arguments of another signature raise a TypeError naming the change."""

    def __init__(self, compiled, call: Callable[[tuple, dict], Any]):
        self._compiled, self._call = compiled, call

    def as_text(self) -> str:
        return self._compiled.as_text()

    def cost_analysis(self) -> dict:
        """XLA's estimate of the computation's cost: "flops", "transcendentals", "bytes accessed", ..."""
        return self._compiled.cost_analysis()

    def memory_analysis(self):
        """XLA's sizes of the computation's arguments, outputs and temporaries, in bytes
        (`.argument_size_in_bytes`, `.output_size_in_bytes`, `.temp_size_in_bytes`, ...)."""
        return self._compiled.memory_analysis()

    def __call__(self, *args, **kwargs):
        return self._call(args, kwargs)
