"""fluxion's exceptions. Each also subclasses the built-in a user would catch."""
from __future__ import annotations

import functools
import os
import linecache
import sys
from types import CodeType
from typing import Callable

_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class FluxionError(Exception):
    """Base class of every error fluxion raises on purpose."""


class ShapeError(FluxionError, ValueError):
    """Shapes that an operation cannot combine."""


class AxisError(ShapeError, IndexError):
    """An axis outside an array's dimensions (a ValueError and an IndexError, as NumPy's AxisError)."""


class DTypeError(FluxionError, TypeError):
    """A dtype an operation does not accept."""


class IndexOutOfBoundsError(FluxionError, IndexError):
    """An index outside an array's extent (eager mode)."""


class ConcretizationError(FluxionError, TypeError):
    """A traced value used where a concrete Python value is needed."""


class TracerLeakError(FluxionError, RuntimeError, TypeError):
    """A traced value used after the transformation that made it has finished (a TypeError too, as jax's)."""


class ConversionError(ConcretizationError):
    """Python control flow on a traced value that cannot be converted into fx.cond / fx.while_loop / fx.scan."""


class DeviceError(FluxionError, ValueError):
    """Operands on different devices, or a device that does not exist."""


class InvalidArgumentError(FluxionError, ValueError):
    """An argument value an operation does not accept (a negative count, an unknown mode)."""


class ArgumentTypeError(FluxionError, TypeError):
    """An argument of a kind an operation does not take."""


class ArgumentError(InvalidArgumentError, ArgumentTypeError):
    """An argument that Python's conventions and jax's class differently (a ValueError and a TypeError)."""


class MissingRuleError(FluxionError, TypeError, AttributeError):
    """A custom_jvp or custom_vjp function called before its rule is defined (an AttributeError too, as jax's)."""


class UnsupportedError(FluxionError, NotImplementedError):
    """A case fluxion does not provide (the message names what to use instead)."""


# the fluxion error raised where an operation names a built-in class
_FLUXION_KIND = {ValueError: InvalidArgumentError, TypeError: ArgumentTypeError,
                 NotImplementedError: UnsupportedError, IndexError: IndexOutOfBoundsError}


# modules whose frames are not the user's either: an error raised while a program is lowered
# to XLA passes through jax's tracing machinery before it reaches the user's call, and one
# raised as a context manager of fluxion's is entered passes through contextlib
_TOOLCHAIN = frozenset({"jax", "jaxlib", "contextlib"})


def _internal(frame) -> bool:
    if frame.f_code.co_filename.startswith(_PACKAGE_DIR):
        return True
    module = frame.f_globals.get("__name__")
    return isinstance(module, str) and module.partition(".")[0] in _TOOLCHAIN


def user_frame() -> str:
    """`file:line` of the innermost caller outside the fluxion package (and jax, jaxlib,
    contextlib), or ''."""
    f = _user_frame_object()
    return "" if f is None else f"{f.f_code.co_filename}:{f.f_lineno}"


def _user_frame_object():
    f = sys._getframe(2)
    while f is not None and _internal(f):
        f = f.f_back
    return f


# set by fluxion.control.convert: whether a code object is converted code (None until it is loaded)
converted_code: Callable[[CodeType], bool] | None = None


def control_flow_fix(why: str, fix: str) -> str:
    """`fix` for a traced value used where Python needs a concrete one (`why`), telling, for a
    truth value, that Python control flow is converted only where its source can be read, and
    only in the functions that converted code calls."""
    frame = _user_frame_object()
    if why != "bool()" or frame is None:
        return fix
    file = frame.f_code.co_filename
    if not linecache.getlines(file):
        return (f"{fix}; fluxion converts Python if/while/and/or on traced values only in functions whose source "
                f"it can read, which {file} is not: define the function in a file or a notebook cell")
    if converted_code is None or converted_code(frame.f_code):
        return fix
    return (f"{fix}; `{frame.f_code.co_name}` ({file}:{frame.f_lineno}) is not converted: fluxion converts the "
            "functions that converted code calls, not those that Python calls itself (a property, an operator "
            "such as __add__ or __getitem__) nor those of installed packages, so call it as a method, or choose "
            "with fnp.where")


def op_error(cls: type[Exception], op: str, problem: str, fix: str = "") -> FluxionError:
    """An error naming the operation, the problem, the user's line and the fix: of `cls`, or for a
    built-in `cls` of the FluxionError that subclasses it too."""
    where = user_frame()
    msg = f"{op}: {problem}"
    if where:
        msg += f"\n  at {where}"
    if fix:
        msg += f"\n  fix: {fix}"
    if not issubclass(cls, FluxionError):
        cls = _FLUXION_KIND.get(cls) or _fluxion_kind(cls)
    return cls(msg)


def require_callable(op: str, f) -> None:
    """The error for a transformation given something it cannot call (often `f(x)` for `f`)."""
    if not callable(f):
        raise op_error(TypeError, op, f"expects a function, got {type(f).__name__} {_short(f)}",
                       f"pass the function itself: fx.{op}(f), not fx.{op}(f(x))")


def a_type(x) -> str:
    """`x`'s type name with its article, for messages: "a str", "an object"."""
    name = type(x).__name__
    return ("an " if name[:1].lower() in "aeiou" else "a ") + name


def _short(x, width: int = 40) -> str:
    text = " ".join(repr(x).split())
    return text if len(text) <= width else text[:width - 3] + "..."


@functools.cache
def _fluxion_kind(builtin: type[Exception]) -> type[FluxionError]:
    """A FluxionError that is also the rarer built-in `builtin` (OverflowError, ZeroDivisionError...).
    Its errors pickle as the call that makes the class again (they cross process boundaries)."""
    def reduce(self):
        return _kind_error, (builtin, self.args), self.__dict__ or None
    return type(builtin.__name__, (FluxionError, builtin), {"__module__": __name__, "__reduce__": reduce})


def _kind_error(builtin: type[Exception], args: tuple) -> FluxionError:
    return _fluxion_kind(builtin)(*args)
