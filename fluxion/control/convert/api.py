"""`convert`: a user function with its Python control flow converted, cached.

What is converted: functions from the user's files (not from fluxion, the standard library
or installed packages), bound methods and `functools.partial` of them, and callable objects
whose class's `__call__` is such a function. fluxion's transformation wrappers
(`fx.grad(f)`, `fx.vmap(f)`, ...) are rebuilt around the converted function, so that
`jit(grad(f))` and `vmap(grad(f))` convert `f`; fluxion's functions that take functions
(`fx.cond`, `fx.scan`, `fx.grad`, ...) convert them when converted code calls them, and so do
`map` and `functools.reduce`; a custom_jvp / custom_vjp function is copied with its function
and rule converted.
"""
from __future__ import annotations

import functools
import os
import site
import sysconfig
import threading
import types
import weakref
from typing import Callable

from ... import config
from ...core import errors
from ...transforms._convert import custom_class

_unchanged: weakref.WeakSet = weakref.WeakSet()  # functions conversion leaves as they are
# code object -> (converted code, runtime name), or None when it cannot be converted
_codes: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_produced: weakref.WeakSet = weakref.WeakSet()  # code objects made here
_within_produced: weakref.WeakSet = weakref.WeakSet()  # and the code objects of the functions inside them


def _converted_code(code) -> bool:
    """Whether `code` runs converted (what errors.control_flow_fix asks: all code, with conversion off)."""
    return code in _within_produced or not config.convert_control_flow


errors.converted_code = _converted_code
_CONVERTED = "__fluxion_converted__"  # where a function keeps its converted function (see _Entry)
_higher_order: set | None = None

_FLUXION = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
_TRANSFORMS = os.path.join(_FLUXION, "transforms", "")
_LIBRARY = tuple(dict.fromkeys(os.path.join(os.path.abspath(p), "") for p in (
    _FLUXION, *(sysconfig.get_paths()[k] for k in ("stdlib", "platstdlib", "purelib", "platlib")),
    *site.getsitepackages(), site.getusersitepackages()) if p))
_OPAQUE = frozenset({types.BuiltinFunctionType, types.BuiltinMethodType, type, types.MethodWrapperType,
                     types.WrapperDescriptorType, types.MethodDescriptorType})


class _Rebuilding(threading.local):
    def __init__(self):
        self.wrappers: set = set()  # those this thread is rebuilding now (a wrapper may close over itself)


_rebuilding = _Rebuilding()


def convert(f: Callable) -> Callable:
    """`f` with its Python `if`/`while`/`for` on traced values turned into fx.cond / fx.while_loop / fx.scan.

    The converted function runs ordinary Python wherever conditions are concrete, so it
    gives the same results as `f`; under `jit` and `vmap` its control flow on traced values
    becomes primitives instead of failing. Functions it calls are converted as they are
    called. Library code, and functions whose source cannot be found, come back unchanged;
    so does everything when `fx.config.convert_control_flow` is False. Converting the same
    function again returns the same converted function.

    >>> import fluxion as fx, fluxion.numpy as fnp
    >>> from fluxion.control.convert import convert
    >>> def relu(x):
    ...     if x > 0:
    ...         return x
    ...     return 0.0 * x
    >>> g = convert(relu)
    >>> g is convert(relu), float(fx.jit(relu)(fnp.asarray(-2.0)))
    (True, -0.0)
    """
    if not config.convert_control_flow:
        return f
    t = type(f)
    if t is types.FunctionType:
        if f in _unchanged:
            return f
        entry = f.__dict__.get(_CONVERTED)
        if entry is not None and entry.owner() is f:
            return entry.function
        return _function(f)
    if t is types.MethodType:
        g = convert(f.__func__)
        return f if g is f.__func__ else types.MethodType(g, f.__self__)
    if t is types.BuiltinFunctionType or t is type:
        return _builtins().get(f, f)
    if t in _OPAQUE or isinstance(f, type):
        return f
    return _callable(f)


def _function(f: types.FunctionType) -> Callable:
    code = f.__code__
    out = f
    if code in _produced:
        pass
    elif not code.co_filename.startswith(_LIBRARY):
        out = _user_function(f)
    elif f in _higher_order_functions():
        out = _converting_arguments(f)
    elif f.__closure__ and code.co_filename.startswith(_TRANSFORMS):
        if f in _rebuilding.wrappers:  # (met inside itself: what it becomes is not known yet, so nothing is kept)
            return f
        out = _rebuilt(f)
    if out is f:
        _unchanged.add(f)
    else:
        f.__dict__[_CONVERTED] = _Entry(f, out)
    return out


class _Entry:
    """A function's converted function, kept in the function's own __dict__: a weak dictionary from
    functions would keep both alive for ever where the converted function leads back to its original
    (through a closure cell of a recursive function, or globals that hold it). `owner` tells the
    function it was made for from a wrapper that copied its __dict__ (as functools.wraps does)."""

    __slots__ = ("owner", "function")

    def __init__(self, owner: types.FunctionType, function: Callable):
        self.owner, self.function = weakref.ref(owner), function

    def __reduce__(self):  # (a pickled function is converted again where it is loaded)
        return type(None), ()


def _user_function(f: types.FunctionType) -> Callable:
    from . import source
    code = f.__code__
    if code.co_flags & (0x80 | 0x100 | 0x200):  # coroutines and async generators are not converted
        return f
    if code not in _codes:
        made = source.compile_converted(f)
        _codes[code] = made
        if made is not None:
            _produced.add(made[0])
            _within_produced.update(source.nested_codes(made[0]))
    made = _codes[code]
    return (made and source.build(f, *made)) or f


def _callable(f) -> Callable:
    """A partial or a callable object with its function converted."""
    if isinstance(f, functools.partial):
        g = convert(f.func)
        return f if g is f.func else functools.partial(g, *f.args, **f.keywords)
    if isinstance(f, custom_class()):  # custom_jvp, custom_vjp: a copy with the function and rule converted
        return f._converted(_argument)
    call = getattr(type(f), "__call__", None)
    if type(call) is types.FunctionType:
        g = convert(call)
        return f if g is call else types.MethodType(g, f)
    return f


def _rebuilt(f: types.FunctionType) -> types.FunctionType:
    """A transformation's wrapper closing over the converted functions instead of the originals."""
    _rebuilding.wrappers.add(f)
    try:
        cells, changed = [], False
        for cell in f.__closure__:
            try:
                v = cell.cell_contents
            except ValueError:  # an empty cell
                cells.append(cell)
                continue
            w = _argument(v) if callable(v) or type(v) is tuple else v  # (a list may be shared: it stays)
            changed = changed or w is not v
            cells.append(types.CellType(w) if w is not v else cell)
    finally:
        _rebuilding.wrappers.discard(f)
    if not changed:
        return f
    g = types.FunctionType(f.__code__, f.__globals__, f.__name__, f.__defaults__, tuple(cells))
    g.__kwdefaults__, g.__qualname__ = f.__kwdefaults__, f.__qualname__
    g.__doc__, g.__module__ = f.__doc__, f.__module__
    g.__dict__.update(f.__dict__)
    return g


@functools.cache
def _builtins() -> dict:
    """What converted code calls in place of built-ins: max, min, any and all taking traced
    values; map and reduce converting their function (builtins.py)."""
    from .builtins import REPLACED
    return REPLACED


def _higher_order_functions() -> set:
    """fluxion's public functions that take the user's functions as arguments."""
    global _higher_order
    if _higher_order is None:
        import fluxion as fx
        names = ("cond", "switch", "while_loop", "fori_loop", "scan", "map", "grad", "value_and_grad", "jvp", "vjp",
                 "linearize", "jacfwd", "jacrev", "hessian", "vmap", "checkpoint", "remat", "jit", "make_program")
        _higher_order = {getattr(fx, n) for n in names if type(getattr(fx, n, None)) is types.FunctionType}
        _higher_order.add(fx.tree.map)
    return _higher_order


def _argument(a):
    """A function converted; so are the functions of a list or tuple of functions (and Nones)."""
    if callable(a) and not isinstance(a, type):
        return convert(a)
    if type(a) in (list, tuple) and any(x is not None for x in a) and all(
            x is None or callable(x) and not isinstance(x, type) for x in a):
        return type(a)(convert(x) for x in a)
    return a


def _converting_arguments(f: types.FunctionType) -> Callable:
    """`f` converting the functions passed to it (a branch given to fx.cond, a loop body ...)."""
    @functools.wraps(f)
    def call(*args, **kwargs):
        return f(*map(_argument, args), **{k: _argument(v) for k, v in kwargs.items()})

    return call
