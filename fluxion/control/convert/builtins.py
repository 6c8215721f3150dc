"""Python's `max`, `min`, `any` and `all` as converted code calls them.

On traced values the built-ins would ask for the truth of a comparison, which only the
running program knows; so there `max(a, b)` is `fnp.where(b > a, b, a)`, Python's choice (the
first of equal values, and so its derivative; the operands promote, where Python would keep
one of them as it is), `max(x)` of a traced 1-d array is `fnp.max(x)`, and `any(x)` is
`fnp.any(x)`, a traced bool that a converted `if` takes.
Everything else (concrete values, `key=`, arrays of two or more dimensions, whose rows Python
would compare) goes to the built-in.

`map`, `itertools.starmap` and `functools.reduce` call the function they are given converted,
as fluxion's own functions that take functions do. (A `key=` of `sorted`, `min` or `max`, or
the predicate of `filter`, gives values that Python compares or tests, which a traced value
cannot be: converting them would not help.)
"""
from __future__ import annotations

import builtins
import functools
import itertools

from ...core.array import Array
from .api import convert
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


def _later_if(before: str):
    """Python's choice between two values, in fnp: `b` if `b <before> a`, else `a`."""
    def choose(a, b):
        fnp = _numpy()
        return fnp.where(getattr(fnp, before)(b, a), b, a)
    return choose


def _traced(builtin, whole: str, pairwise=None):
    """`builtin` taking traced values: `fnp.<whole>` of a 1-d array; of several values, `pairwise`
    folded over them (max, min), or `fnp.<whole>` of their truths (any, all)."""
    @functools.wraps(builtin)
    def call(*args, **kwargs):
        if len(args) == 1 and not isinstance(args[0], (Array, list, tuple)):
            args = (list(args[0]),)  # a generator or another iterable, read once
        items = _items(args, kwargs) if pairwise or len(args) == 1 else None
        if items is None:
            return builtin(*args, **kwargs)
        fnp = _numpy()
        if isinstance(items, Array):
            return getattr(fnp, whole)(items)
        if pairwise:
            return functools.reduce(pairwise, items)
        return getattr(fnp, whole)(fnp.stack([fnp.asarray(v, dtype=bool) for v in items]))
    return call


def _converting(builtin):
    """`builtin(function, ...)` calling `function` converted."""
    @functools.wraps(builtin, updated=())
    def call(function, *args, **kwargs):
        return builtin(convert(function), *args, **kwargs)
    return call


# what converted code calls in place of each built-in
REPLACED = {builtins.max: _traced(builtins.max, "max", _later_if("greater")),
            builtins.min: _traced(builtins.min, "min", _later_if("less")),
            builtins.any: _traced(builtins.any, "any"),
            builtins.all: _traced(builtins.all, "all"),
            **{f: _converting(f) for f in (builtins.map, itertools.starmap, functools.reduce)}}
