"""Program passes: simplify a staged program before it is compiled.

Each pass takes a `Program` and returns one with the same inputs, outputs and types (the
same object when it finds nothing to do):

- `fold` evaluates equations on constants once (`fold.py`);
- `rewrite` applies algebraic and numerically stable rewrites from a table (`rewrite.py`);
- `cse` merges repeated computations and constants (`cse.py`);
- `dce` drops what no output needs (`dce.py`).

`optimize` runs them in that order, round after round, until a round changes nothing, after
optimizing the branches and loop bodies that equations carry the same way (`nested.py`).
"""
from __future__ import annotations

from collections.abc import Callable, Sequence

from ...core.program import Program
from .cse import cse as cse
from .dce import dce as dce
from .fold import fold as fold
from .nested import nested
from .rewrite import rewrite as rewrite

# folding first gives the rewrites constants to match; merging after them catches the repeats
# a rewrite makes (x * x next to another x * x); dead-code elimination last removes what they replaced
PASSES: tuple[Callable[[Program], Program], ...] = (fold, rewrite, cse, dce)


def optimize(program: Program, passes: Sequence[Callable[[Program], Program]] = PASSES,
             max_rounds: int = 4) -> Program:
    """`program` simplified by `passes`, repeated until nothing changes (at most `max_rounds` times),
    and its sub-programs (branches, loop bodies) likewise, first.

    >>> import fluxion as fx, fluxion.numpy as fnp
    >>> def f(x):
    ...     y = fnp.sin(x) * 1.0
    ...     return y + fnp.sin(x)
    >>> print(optimize(fx.make_program(f)(fnp.ones(3))))
    { lambda ; a:f32[3]. let
        b:f32[3] = sin a
        c:f32[3] = add b b
      in (c,) }
    """
    program = nested(program, lambda sub: optimize(sub, passes, max_rounds))
    for _ in range(max_rounds):
        before = program
        for run in passes:
            program = run(program)
        if program is before:
            break
    return program
