"""What `jit(f).lower(*args)` gives: the program staged for one call signature, its XLA
computation, and (`.compile()`) that computation compiled, callable as in jax."""
from __future__ import annotations

from typing import Any, Callable

from ..core import tree
from ..core.types import ShapeDtypeStruct


def out_info(program, out_tree):
    """The types of `program`'s outputs, as `ShapeDtypeStruct`s in the structure `out_tree`."""
    return tree.unflatten(out_tree, [ShapeDtypeStruct.of(t) for t in program.out_types])


class Lowered:
    """`jit(f).lower(*args, **kwargs)`: `.program` (optimized), `.consts` (the constants passed to
    XLA as parameters), `.device` (None for host arrays), `.as_text()` (StableHLO), `.compile()`,
    and as in jax `.in_tree`, `.out_tree`, `.out_info` (the output types), `.compiler_ir()` and
    `.cost_analysis()`.

    >>> import fluxion as fx, fluxion.numpy as fnp
    >>> f = fx.jit(lambda x, n: x * n, static_argnums=1)
    >>> compiled = f.lower(fnp.ones(2), 3).compile()
    >>> compiled(fnp.ones(2)).tolist()  # the traced arguments only, as in jax
    [3.0, 3.0]
    """

    def __init__(self, executable, call: Callable[[tuple, dict], Any], in_tree, out_tree):
        self._executable, self._call = executable, call
        self.in_tree, self.out_tree = in_tree, out_tree  # of the traced (args, kwargs), and of the outputs
        self.program, self.consts, self.device = executable.program, executable.consts, executable.device
        self.out_info = out_info(self.program, out_tree)

    def as_text(self) -> str:
        """The StableHLO text of the computation."""
        return self._executable.as_text()

    def compiler_ir(self, dialect: str = "stablehlo"):
        """The computation as an MLIR module ("stablehlo") or XLA's HLO ("hlo")."""
        return self._executable.lower().compiler_ir(dialect)

    def cost_analysis(self):
        """XLA's estimate of the computation's cost before compiling it (see `Compiled.cost_analysis`)."""
        return self._executable.lower().cost_analysis()

    def compile(self) -> Compiled:
        return Compiled(self._executable.compile(), self._call, self.in_tree, self.out_tree, self.out_info)


class Traced:
    """`jit(f).trace(*args, **kwargs)`, jax's stage before lowering: `.jaxpr` (fluxion's program,
    printable), `.in_tree`, `.out_tree`, `.out_info` and `.lower()`. (The program is lowered with it.)"""

    def __init__(self, lowered: Lowered):
        self._lowered = lowered
        self.jaxpr = self.program = lowered.program
        self.in_tree, self.out_tree, self.out_info = lowered.in_tree, lowered.out_tree, lowered.out_info

    def lower(self) -> Lowered:
        return self._lowered


class Compiled:
    """The compiled computation of a `Lowered`: `.as_text()` is XLA's optimized HLO,
    `.cost_analysis()` and `.memory_analysis()` XLA's estimates of its cost, and a call
    takes the traced arguments of the lowered call (not its static ones) and gives the jitted
    function's outputs; arguments of another signature raise a TypeError naming the change.
    `.in_tree`, `.out_tree` and `.out_info` are the `Lowered`'s."""

    def __init__(self, compiled, call: Callable[[tuple, dict], Any], in_tree, out_tree, out_info):
        self._compiled, self._call = compiled, call
        self.in_tree, self.out_tree, self.out_info = in_tree, out_tree, out_info

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
