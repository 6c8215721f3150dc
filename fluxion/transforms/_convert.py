"""User functions as the transformations run them: with their Python control flow on traced
values, and their in-place updates of local arrays, converted (fluxion/control/convert)."""
from __future__ import annotations

import dis
import functools
import weakref
from types import CodeType, FunctionType, MethodType
from typing import Callable

from ..core.array import TracedUpdateError

_DEPTH = 3  # calls followed from a function to find an item assignment
_code_info: dict[CodeType, tuple[bool, tuple[str, ...]]] = {}
_found: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # function -> whether it assigns items


def converted(f: Callable) -> Callable:
    """`f` converted; the same function again on later calls (the conversion is cached)."""
    from ..control.convert import convert  # here, not at the top: fluxion.control builds on this package
    return convert(f)


@functools.cache
def custom_class() -> type:
    """The class of custom_jvp and custom_vjp functions (imported here, not at the top: it builds on this package)."""
    from .autodiff.custom import _Custom
    return _Custom


def converted_for_updates(f: Callable) -> Callable:
    """`f` converted if it (a function or a method; a custom_jvp or custom_vjp function and its
    rule), or a user function it names (a global or a closure), assigns items (`x[i] = v`, which
    needs the conversion when v is traced and x is not); else `f` itself: derivatives of concrete
    values need nothing else converted, and the converted code's calls cost about a microsecond more."""
    fun = f.__func__ if f.__class__ is MethodType else f
    if fun.__class__ is FunctionType:
        return converted(f) if _updates(fun) else f
    if isinstance(fun, custom_class()):  # a custom_jvp or custom_vjp function: its function and rule decide
        for g in fun._functions():
            if g.__class__ is FunctionType and _updates(g):
                return converted(f)
        return f
    return converted(f)


def call_converted_for_updates(f: Callable, *args, **kwargs):
    """`converted_for_updates(f)(*args, **kwargs)`, converted after all where an item assignment
    that the scan of `f` could not see (in a function called through an attribute, a parameter or
    a container, or more calls deep) gives a concrete array a traced value: `f` runs again,
    converted (what it did before the error, such as printing, is done again), and is converted
    from then on."""
    g = converted_for_updates(f)
    if g is not f:
        return g(*args, **kwargs)
    try:
        return f(*args, **kwargs)
    except TracedUpdateError:
        fun = f.__func__ if f.__class__ is MethodType else f
        if fun.__class__ is FunctionType:
            _found[fun] = True
        return converted(f)(*args, **kwargs)


def _updates(fun: FunctionType) -> bool:
    found = _found.get(fun)
    if found is None:
        found = _found[fun] = _assigns_items(fun, _DEPTH)
    return found


def _assigns_items(f: FunctionType, depth: int) -> bool:
    from ..control.convert.api import _LIBRARY  # the paths of code that is not the user's
    code = f.__code__
    info = _code_info.get(code)
    if info is None:
        info = _code_info[code] = _info(code)
    stores, names = info
    if stores:
        return True
    if depth == 0:
        return False
    called = [f.__globals__.get(n) for n in names] + [_contents(c) for c in f.__closure__ or ()]
    return any(g.__class__ is FunctionType and not g.__code__.co_filename.startswith(_LIBRARY)
               and _assigns_items(g, depth - 1) for g in called)


def _contents(cell):
    try:
        return cell.cell_contents
    except ValueError:  # a cell not assigned yet
        return None


def _info(code: CodeType) -> tuple[bool, tuple[str, ...]]:
    """Whether `code` (or a function or lambda defined in it) assigns items, and the global names it loads."""
    stores, names = False, []
    for i in dis.get_instructions(code):
        stores = stores or i.opname == "STORE_SUBSCR"
        if i.opname == "LOAD_GLOBAL":
            names.append(i.argval)
    for c in code.co_consts:
        if c.__class__ is CodeType:
            s, n = _info(c)
            stores, names = stores or s, names + list(n)
    return stores, tuple(dict.fromkeys(names))
