"""Primitives and their rule tables.

A primitive is a named operation. What it means lives in tables keyed by the primitive,
filled in by the files that define primitives and by the backends:

    abstract_eval[p](*types, **params) -> ArrayType (or a tuple of them)
    numpy_kernel[p](*ndarrays, **params) -> ndarray (or tuple)     backends/numpy
    xla_lowering[p], jvp_rules[p], transpose_rules[p], batch_rules[p]

`p.bind(*args, **params)` hands the call to the innermost active interpreter.
"""
from __future__ import annotations

from typing import Any

from . import interpreters
from .rules import (abstract_eval, batch_rules, jvp_rules, numpy_kernel,  # noqa: F401
                    transpose_rules, xla_lowering)



class Primitive:
    """A named operation; `bind` sends a call of it to the innermost interpreter."""

    __slots__ = ("name", "multiple_results")

    def __init__(self, name: str, multiple_results: bool = False):
        self.name = name
        self.multiple_results = multiple_results

    def bind(self, *args: Any, **params: Any):
        return interpreters._ctx.interp.process(self, args, params)

    def __repr__(self):
        return self.name
