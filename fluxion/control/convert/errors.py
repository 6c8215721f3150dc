"""ConversionError, and the values that stand for variables without a value."""
from __future__ import annotations

from ...core.errors import ConversionError, op_error


def conversion_error(op: str, problem: str, fix: str) -> ConversionError:
    return op_error(ConversionError, op, problem, fix)


class Undefined:
    """The value of a local variable that has none.

    Plain (`Undefined(name)`), it stands for a variable not assigned yet, and using it raises
    Python's UnboundLocalError. With a problem and a fix, it is a variable that a converted
    statement could not give a value, such as one assigned on one branch only of an `if`
    whose condition is traced; using it raises a ConversionError with that problem (a
    sentence naming the variable) and fix. So a variable that cannot be carried is an error
    only where the program uses it.
    """

    __slots__ = ("name", "problem", "fix")

    def __init__(self, name: str, problem: str = "", fix: str = ""):
        self.name, self.problem, self.fix = name, problem, fix

    def error(self) -> Exception:
        if not self.problem:
            return UnboundLocalError(f"cannot access local variable '{self.name}' where it is not associated "
                                     "with a value")
        return conversion_error("control flow conversion", self.problem, self.fix)

    def _raise(self, *args, **kwargs):
        raise self.error()

    def __getattr__(self, attr):
        raise self.error()

    def __repr__(self):
        return f"<undefined variable {self.name}>"

    __str__ = __format__ = __bool__ = __len__ = __iter__ = __contains__ = __call__ = _raise
    __getitem__ = __setitem__ = __index__ = __int__ = __float__ = __complex__ = __array__ = _raise
    __neg__ = __pos__ = __abs__ = __invert__ = _raise
    __lt__ = __le__ = __gt__ = __ge__ = __eq__ = __ne__ = __hash__ = _raise
    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = __truediv__ = __rtruediv__ = _raise
    __floordiv__ = __rfloordiv__ = __mod__ = __rmod__ = __pow__ = __rpow__ = __matmul__ = __rmatmul__ = _raise
    __and__ = __rand__ = __or__ = __ror__ = __xor__ = __rxor__ = __lshift__ = __rshift__ = _raise


class _Unset:
    """The return value of a function before a `return` ran (see lower.py); it becomes None
    at the end. Under a traced condition a branch that has not returned gives zeros of the
    other branch's value instead: the do-return flag makes sure nobody reads them."""

    __slots__ = ()

    def __repr__(self):
        return "<no return value yet>"


UNSET = _Unset()
