"""The constructs that need a concrete value, checked where converted code meets them.

Each helper returns its value unchanged when it is concrete, so plain Python runs as before,
and raises ConversionError naming the file, the line and the fix when it is traced:

- a condition in a generator function, which cannot be split into fx.cond's functions;
- the test of an `assert`: under `jit` its value is not known while the program is staged,
  and under `vmap` it differs per example, so nothing could raise at that point. It is an
  error, as it is for JAX, rather than a check that silently goes away;
- the `if` filter of a comprehension, which would make the length of the result depend on data;
- a pattern or guard of a `match` that needs a traced value's truth (see match.py).
"""
from __future__ import annotations

import sys

from .errors import ConversionError, conversion_error
from .probe import is_traced


def _concrete(x, op: str, problem: str, fix: str):
    if is_traced(x):
        raise conversion_error(op, problem, fix)
    return x


def static_test(x, where: str):
    """The condition of an `if` or `while` in a generator."""
    return _concrete(x, "control flow conversion", f"the condition at {where} is traced, and it sits in a generator "
                     "function (it has `yield`), which cannot be split into the functions fx.cond / fx.while_loop "
                     "take", "return a list or an array instead of yielding, or call fx.cond / fx.while_loop yourself")


def assert_test(x, where: str):
    """The test of an `assert`."""
    return _concrete(x, "assert", f"the `assert` at {where} tests a traced value, which is not known while the "
                     "program is traced (under jit) or differs per example (under vmap), so it cannot stop the call",
                     "check the value outside the traced function (on its arguments or its results), assert on "
                     "shapes and other static properties only, or make the computation safe where the check would "
                     "fail with fnp.where (e.g. fnp.where(x > 0, fnp.log(x), fnp.nan))")


def filter_test(x, where: str):
    """An `if` filter of a list, set or dict comprehension or a generator expression."""
    return _concrete(x, "comprehension", f"the `if` filter of the comprehension at {where} tests a traced value, so "
                     "the number of items it keeps would depend on the data", "keep every item and mask the ones "
                     "the filter drops, e.g. sum(fnp.where(x > 0, x, 0.0) for x in xs) or fnp.where(xs > 0, xs, "
                     "0.0).sum(), or filter outside the traced function")


def match_failed(where: str):
    """Called in the `except` around a match's patterns: a ConcretizationError there came from a
    pattern or guard comparing a traced value."""
    e = sys.exception()
    if isinstance(e, ConversionError):  # a guard's own error already names its line and fix
        raise e
    raise conversion_error("match", f"a pattern or guard of the `match` at {where} needs the value of a traced "
                           f"value ({e.args[0].splitlines()[0] if e.args else e}); only a `match` whose cases are "
                           "literal or value patterns (`case 0:`, `case 1 | 2:`), captures and `_` chooses its "
                           "case with fx.cond", "match a traced value against literals only, test it with "
                           "if / elif (or fnp.where), or make it static (static_argnums)") from e
