"""Python's `max`, `min`, `any` and `all` as converted code calls them.

On traced values the built-ins would ask for the truth of a comparison, which only the
running program knows; so there `max(a, b)` is `fnp.maximum(a, b)` (NaN propagates, and the
operands promote, where Python would keep one of them as it is), `max(x)` of a traced 1-d
array is `fnp.max(x)`, and `any(x)` is `fnp.any(x)`, a traced bool that a converted `if` takes.
Everything else (concrete values, `key=`, arrays of two or more dimensions, whose rows Python
would compare) goes to the built-in.
"""
from __future__ import annotations

import builtins
import functools

from ...core.array import Array
from .probe import is_traced


def _numpy():
    from ... import numpy  # here: fluxion.numpy builds on the control flow
    return numpy


def _items(args: tuple, kwargs: dict):
    """The values a call compares, or None when the built-in decides: nothing traced among them,
    `key=`, or an argument Python would iterate in another way."""
    if kwargs.get("key") is not None or not args:
        return None
    if len(args) > 1:
        return args if builtins.any(map(is_traced, args)) else None
    x, = args
    if isinstance(x, Array):
        return x if x.ndim == 1 and is_traced(x) else None
    if isinstance(x, (list, tuple)) and x and builtins.any(map(is_traced, x)):
        return x
    return None


def _extremum(builtin, reduce: str, pairwise: str):
    @functools.wraps(builtin)
    def extremum(*args, **kwargs):
        if len(args) == 1 and not isinstance(args[0], (Array, list, tuple)):
            args = (list(args[0]),)  # a generator or another iterable, read once
        items = _items(args, kwargs)
        if items is None:
            return builtin(*args, **kwargs)
        fnp = _numpy()
        if isinstance(items, Array):
            return getattr(fnp, reduce)(items)
        return functools.reduce(getattr(fnp, pairwise), items)
    return extremum


def _truth(builtin, reduce: str):
    @functools.wraps(builtin)
    def truth(iterable):
        if not isinstance(iterable, Array):
            iterable = list(iterable)  # a generator, read once
        items = _items((iterable,), {})
        if items is None:
            return builtin(iterable)
        fnp = _numpy()
        return getattr(fnp, reduce)(items if isinstance(items, Array) else fnp.stack([fnp.asarray(v, dtype=bool) for v in items]))
    return truth


TRACED = {builtins.max: _extremum(builtins.max, "max", "maximum"),
          builtins.min: _extremum(builtins.min, "min", "minimum"),
          builtins.any: _truth(builtins.any, "any"),
          builtins.all: _truth(builtins.all, "all")}
