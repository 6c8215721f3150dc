"""Staging: record a function's primitive calls into a program (`make_program`), and `jit`."""
from __future__ import annotations

import collections
import functools
import inspect
import sys
from typing import Any, Callable, Sequence

from .. import config
from ..core import tree
from ..core.array import Array, to_array
from ..core.errors import op_error
from ..core.interpreters import EAGER, _ctx, push
from ..core.program import Program
from .autodiff.partial_eval import StagingInterpreter


def _split(args: tuple, static_argnums: tuple[int, ...]):
    dynamic = tuple(a for i, a in enumerate(args) if i not in static_argnums)
    static = tuple((i, args[i]) for i in static_argnums if i < len(args))
    return dynamic, static


def _merge(dynamic: Sequence, static: tuple, n: int) -> list:
    out, it, fixed = [], iter(dynamic), dict(static)
    for i in range(n):
        out.append(fixed[i] if i in fixed else next(it))
    return out


def trace(f: Callable, args: tuple, kwargs: dict, static_argnums: tuple[int, ...] = ()):
    """Stage `f(*args, **kwargs)`: the program, and the input and output structures."""
    dynamic, static = _split(args, static_argnums)
    leaves, in_tree = tree.flatten(dynamic)
    leaves = [to_array(x) for x in leaves]
    staging = StagingInterpreter()
    with push(staging):
        tracers = [staging.new_input(x.aval) for x in leaves]
        out = f(*_merge(tree.unflatten(in_tree, tracers), static, len(args)), **kwargs)
        out_leaves, out_tree = tree.flatten(out)
    return staging.program(out_leaves), in_tree, out_tree


def make_program(f: Callable, static_argnums: int | Sequence[int] = ()) -> Callable[..., Program]:
    """`make_program(f)(*args)` is the typed program `f` runs on arguments like `args`.

    >>> import fluxion as fx, fluxion.numpy as fnp
    >>> print(fx.make_program(lambda x, y: fnp.sin(x) * y)(fnp.ones(3), fnp.ones(3)))
    { lambda ; a:f32[3] b:f32[3]. let
        c:f32[3] = sin a
        d:f32[3] = mul c b
      in (d,) }
    """
    static = _static_argnums(static_argnums)

    @functools.wraps(f)
    def wrapped(*args, **kwargs):
        return trace(f, args, kwargs, static)[0]

    return wrapped


def _static_argnums(static_argnums) -> tuple[int, ...]:
    return (static_argnums,) if isinstance(static_argnums, int) else tuple(static_argnums)


class _Entry:
    __slots__ = ("executable", "out_tree")

    def __init__(self, executable, out_tree):
        self.executable, self.out_tree = executable, out_tree


class Jitted:
    """A function compiled with XLA once per signature of its arguments (see `jit`)."""

    def __init__(self, f: Callable, static_argnums, static_argnames, donate_argnums, device):
        functools.update_wrapper(self, f)
        self.fun = f
        self.static_argnums = _static_argnums(static_argnums)
        self.static_argnames = (static_argnames,) if isinstance(static_argnames, str) else tuple(static_argnames or ())
        self.donate_argnums = _static_argnums(donate_argnums)
        self.device = device
        self._cache: collections.OrderedDict = collections.OrderedDict()
        self._signature = inspect.signature(f) if self.static_argnames else None

    def _key(self, args: tuple, kwargs: dict):
        if self.static_argnames:
            bound = self._signature.bind(*args, **kwargs)
            args = tuple(bound.arguments[p] for p in list(bound.arguments)[:len(bound.args)])
        dynamic, static = _split(args, self.static_argnums)
        leaves, in_tree = tree.flatten((dynamic, kwargs))
        types = tuple(_signature(x) for x in leaves)
        try:
            key = (in_tree, types, static, self.device)
            hash(key)
        except TypeError:
            bad = [i for i, v in static if not _hashable(v)]
            raise op_error(TypeError, "jit", f"static argument {bad[0]} is not hashable",
                           "pass a hashable value (a tuple instead of a list) for static arguments") from None
        return key, leaves

    def __call__(self, *args, **kwargs):
        if _ctx.interp is not EAGER:  # inside another transformation: let it see the operations
            return self.fun(*args, **kwargs)
        key, leaves = self._key(args, kwargs)
        entry = self._cache.get(key)
        if entry is None:
            entry = self._compile(key, args, kwargs)
        else:
            self._cache.move_to_end(key)
        outs = entry.executable(*[to_array(x)._value for x in leaves])
        return tree.unflatten(entry.out_tree, outs)

    def _compile(self, key, args, kwargs) -> _Entry:
        from ..backends import xla
        if config.explain_cache_misses and self._cache:
            print(f"fx.jit: compiling {self.__name__} again: {_explain(next(reversed(self._cache)), key)}", file=sys.stderr)
        if config.log_compiles:
            print(f"fx.jit: compiling {self.__name__} for {key[1]}", file=sys.stderr)
        program, _, out_tree = trace(lambda *a: self.fun(*a, **kwargs), args, {}, self.static_argnums)
        entry = _Entry(xla.compile(program), out_tree)
        self._cache[key] = entry
        while len(self._cache) > config.jit_cache_size:
            self._cache.popitem(last=False)
        return entry

    def lower(self, *args, **kwargs):
        """The staged program and its XLA computation, for inspection: `.program`, `.as_text()`, `.compile()`."""
        from ..backends import xla
        program, _, _ = trace(lambda *a: self.fun(*a, **kwargs), args, {}, self.static_argnums)
        return xla.compile(program)

    @property
    def cache_size(self) -> int:
        return len(self._cache)


def _signature(x):
    if isinstance(x, Array):
        return (x.shape, x.dtype, x.weak)
    a = to_array(x)
    return (a.shape, a.dtype, a.weak)


def _hashable(v) -> bool:
    try:
        hash(v)
        return True
    except TypeError:
        return False


def _explain(old, new) -> str:
    if old[0] != new[0]:
        return f"the structure of the arguments changed from {old[0]} to {new[0]}"
    for i, (a, b) in enumerate(zip(old[1], new[1])):
        if a != b:
            return f"argument leaf {i} changed from {a} to {b}"
    if old[2] != new[2]:
        return f"static arguments changed from {old[2]} to {new[2]}"
    return "the device changed"


def jit(f: Callable | None = None, *, static_argnums: int | Sequence[int] = (), static_argnames=(),
        donate_argnums: int | Sequence[int] = (), device=None) -> Any:
    """Compile `f` with XLA: traced once per signature of its arguments, then cached.

    Arguments in `static_argnums` / `static_argnames` are Python values baked into the
    program (a new value compiles again); the others are traced, so Python control flow on
    them raises an error that names the fix.

    >>> import fluxion as fx, fluxion.numpy as fnp
    >>> f = fx.jit(lambda x: fnp.sin(x) * 2)
    >>> f(fnp.zeros(3)).tolist()
    [0.0, 0.0, 0.0]
    """
    if f is None:
        return functools.partial(jit, static_argnums=static_argnums, static_argnames=static_argnames,
                                 donate_argnums=donate_argnums, device=device)
    return Jitted(f, static_argnums, static_argnames, donate_argnums, device)
