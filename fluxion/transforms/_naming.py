"""`named_call` and `named_scope`: names for parts of a program, accepted for code written for jax.

fluxion's programs carry no names (a printed Program lists primitive calls only), so both
are pass-throughs: the function runs as it is and the block runs as it is, under every
transformation. The names are checked, so code that passes a wrong one fails here as it
would with jax.
"""
from __future__ import annotations

import contextlib
import functools
from typing import Callable, Iterator, TypeVar

from ..core.errors import op_error, require_callable

F = TypeVar("F", bound=Callable)


def named_call(fun: F, *, name: str | None = None) -> F:
    """`fun` under the name `name` (default: its own); it computes exactly what `fun` does.

    >>> import fluxion as fx, fluxion.numpy as fnp
    >>> f = fx.named_call(lambda x: fnp.sin(x) * 2, name="double_sin")
    >>> float(fx.grad(f)(0.0))
    2.0
    """
    require_callable("named_call", fun)
    _check_name("named_call", name, allow_none=True)

    @functools.wraps(fun)
    def named(*args, **kwargs):
        return fun(*args, **kwargs)

    if name is not None:
        named.__name__ = named.__qualname__ = name
    return named


@contextlib.contextmanager
def named_scope(name: str) -> Iterator[None]:
    """A block whose operations are named `name`; they compute exactly what they do outside it.

    >>> import fluxion as fx, fluxion.numpy as fnp
    >>> with fx.named_scope("layer1"):
    ...     y = fnp.ones(2) * 3
    >>> y.tolist()
    [3.0, 3.0]
    """
    _check_name("named_scope", name)
    yield


def _check_name(op: str, name, allow_none: bool = False) -> None:
    if not (isinstance(name, str) or allow_none and name is None):
        raise op_error(TypeError, op, f"the name must be a string, got {type(name).__name__} {name!r:.40}",
                       f"pass a string, e.g. fx.{op}(..., name=\"layer1\")" if op == "named_call"
                       else "pass a string, e.g. fx.named_scope(\"layer1\")")
