"""The helpers converted code calls: each decides at run time between Python and a primitive.

When the condition, the range bounds or the iterable is concrete (a Python value, an eager
Array, or a value being differentiated whose primal is concrete), the statement runs as
ordinary Python. When it is traced, traced_if.py and traced_loop.py build `fx.cond`,
`fx.while_loop` or `fx.scan` from the statement's functions. A loop whose condition becomes
traced part way (`while True: ... if err < tol: break`) hands the state it has reached to a
traced loop.
"""
from __future__ import annotations

import operator
from typing import Any, Callable

from ...core import dtypes
from ...core.array import HOST, Array, Tracer, to_array
from ...core.errors import (ArgumentTypeError, ConcretizationError,  # noqa: F401  (match.py's `except` names it)
                            DTypeError, op_error)
from . import traced_if, traced_loop
from .api import convert as cv  # noqa: F401  (converted code calls user functions through it)
from .checks import assert_test, filter_test, match_failed, static_test  # noqa: F401  (called by converted code)
from .errors import UNSET, Undefined, conversion_error
from .inplace import Retired
from .probe import is_traced, truth

_undefined: dict[str, Undefined] = {}
_OPS = {"==": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le, ">": operator.gt,
        ">=": operator.ge, "is": operator.is_, "is not": operator.is_not, "in": lambda a, b: a in b,
        "not in": lambda a, b: a not in b}


slice_ = slice  # converted code writes the slices of an index as calls (the user may shadow `slice`)
# the in-place operator of each augmented assignment, by the name of its ast operator
_INPLACE = {"Add": operator.iadd, "Sub": operator.isub, "Mult": operator.imul, "Div": operator.itruediv,
            "FloorDiv": operator.ifloordiv, "Mod": operator.imod, "Pow": operator.ipow, "MatMult": operator.imatmul,
            "LShift": operator.ilshift, "RShift": operator.irshift, "BitAnd": operator.iand, "BitOr": operator.ior,
            "BitXor": operator.ixor}


def setitem(x, index, value, op: str | None, shared: str | None = None):
    """`x[index] = value` (or `x[index] op= value`) of a local x, which converted code writes as
    `x = setitem(x, index, value, op, shared)`. An array takes the new value in place where it
    can, so that its other names see it, as in NumPy. A concrete array cannot take a traced
    value, nor a value of an outer transformation one that differs per example: then the name
    is bound to the updated array, and the old array is retired (see `inplace.Retired`),
    unless x is a parameter the function neither rebinds nor returns (`shared` names it),
    whose caller would not see the update. Other objects (lists, dicts) are updated by Python."""
    if op is not None:
        value = _INPLACE[op](x[index], value)
    if not isinstance(x, Array) or isinstance(value, Undefined):
        x[index] = value
        return x
    from ...numpy._indexing import update  # here: fluxion.numpy builds on the control flow
    new = update(x, index, value, "set")
    if isinstance(new, Tracer) and not (new.__class__ is x.__class__ and new._interp is x._interp):
        # x cannot hold the traced value: it is concrete, or a value of an outer transformation (which
        # raises, unless the value is vmap's)
        if shared:
            raise conversion_error("in-place update", f"{shared} cannot take the traced value {new.aval} in "
                                   "place, so the caller's array would not see the update",
                                   "return the updated array and assign it in the caller, or write "
                                   "x = x.at[i].set(v) and use the new x")
        if not isinstance(x, Tracer) or _batched_inside(x._interp, new):
            if x.__class__ in HOST or isinstance(x, Tracer):
                Retired.retire(x, new)
            return new
    return x._become(new)  # in place: the array's other names see the update (an outer value raises)


def _batched_inside(interp, new: Tracer) -> bool:
    """Whether `new` is a value of a vmap running inside the transformation of `interp`: under
    jit, vmap computes what depends on unbatched values only outside itself, with jit."""
    from ...transforms.batching.interpreter import BatchTracer  # here: the transformations build on this
    inner = new._interp.parent
    while inner is not None and inner is not interp:
        inner = inner.parent
    return isinstance(new, BatchTracer) and inner is not None


def undef(name: str) -> Undefined:
    """The value of local `name` before it is assigned."""
    u = _undefined.get(name)
    if u is None:
        u = _undefined[name] = Undefined(name)
    return u


def result(value):
    """What a converted `return` gives: None when no `return` ran; a variable without a value
    (or a tuple holding one) raises here, at the user's `return`, as Python would."""
    if value is UNSET:
        return None
    for v in value if type(value) is tuple else (value,):
        if isinstance(v, Undefined):
            raise v.error()
    return value


def _no_cells(cells: tuple, kind: str, where: str) -> None:
    if cells:
        raise conversion_error(kind, f"the {cells[0]} is assigned or changed inside the `{kind}` at {where}, whose "
                               "condition is traced, so the change cannot be converted",
                               "assign a local variable instead and set the outer name or attribute from it after "
                               "the statement (or pass the value in and out as an argument); the converted "
                               "statement carries local variables")


# statements --------------------------------------------------------------------------------------------
def if_stmt(pred, then_fn: Callable, else_fn: Callable, state: tuple, names: tuple, cells: tuple, where: str,
            kind: str = "if"):
    """The state after `if pred: state = then_fn(*state) else: state = else_fn(*state)`; `kind`
    names the statement in messages (a `case` of a match that match.py made an `if`)."""
    if not is_traced(pred):
        return then_fn(*state) if pred else else_fn(*state)
    _no_cells(cells, kind, where)
    return traced_if.cond(pred, (then_fn, else_fn), state, names, where, kind)


def while_stmt(test_fn: Callable, body_fn: Callable, state: tuple, names: tuple, cells: tuple, where: str):
    """The state after `while test_fn(*state): state = body_fn(*state)`."""
    while True:
        go = test_fn(*state)
        if is_traced(go):
            _no_cells(cells, "while", where)
            return traced_loop.while_loop(test_fn, body_fn, state, names, where, "while")
        if not go:
            return state
        state = body_fn(*state)


class TracedRange:
    """`range(start, stop, step)` with a traced bound."""

    def __init__(self, *args):
        self.start, self.stop, self.step = (0, args[0], 1) if len(args) == 1 else (*args, 1)[:3]


class Sized:
    """`enumerate` or `zip` of sized iterables, with their length: a loop over it that a
    traced `break` or `return` stops takes one conditional per item, as over a list."""

    def __init__(self, items, n: int):
        self.items, self.n = items, n

    def __iter__(self):
        return self.items

    def __len__(self):
        return self.n


def range_(callee, *args, **kwargs):
    """`callee(*args, **kwargs)`, except that `range` of traced bounds is a TracedRange, and so
    is `reversed` of one; `enumerate` and `zip` of sized iterables are Sized."""
    sized = args[:1] if callee is enumerate else args if callee is zip else ()
    if sized and all(hasattr(a, "__len__") for a in sized):
        items = callee(*args, **kwargs)  # first: it raises Python's error for an argument that is not iterable
        return Sized(items, min(map(len, sized)))
    if callee is reversed and len(args) == 1 and isinstance(args[0], TracedRange):
        from ... import numpy as fnp  # here: fluxion.numpy builds on the control flow
        r = args[0]
        n = fnp.maximum(-((r.start - r.stop) // r.step), 0)  # the number of items
        return TracedRange(r.start + (n - 1) * r.step, r.start - r.step, -r.step)
    if callee is range and any(map(is_traced, args)):
        if not 1 <= len(args) <= 3:
            raise ArgumentTypeError(f"range expected 1 to 3 arguments, got {len(args)}")
        for a in args:
            if isinstance(a, Array) and a.dtype not in dtypes.INTEGER or isinstance(a, float):
                raise op_error(DTypeError, "range", f"a bound is {to_array(a).aval}, but range takes integers",
                               "convert it with .astype(int)")
            if isinstance(a, Array) and a.ndim:  # as eagerly: a bound with axes hides a missing index
                raise op_error(ArgumentTypeError, "range", f"a bound is {a.aval}, but range takes one integer, "
                               "a 0-d array", "index it (n[0]) or reduce it (n.sum())")
        if len(args) == 3 and not is_traced(args[2]) and args[2] == 0:
            raise ValueError("range() arg 3 must not be zero")  # (Python's error)
        return TracedRange(*args)
    return callee(*args, **kwargs)


def for_stmt(iterable, more_fn: Callable | None, body_fn: Callable, state: tuple, names: tuple, cells: tuple,
             where: str):
    """The state after `for item in iterable: state = body_fn(item, *state)`, stopping early
    (before taking the next item) once `more_fn(*state)` is false. A loop over a traced array
    that can stop early takes its items in Python while that is concrete (the first pass, at
    least, which binds the loop's variables as eagerly), then the rest as one traced loop."""
    if isinstance(iterable, TracedRange) or more_fn is None and is_traced(iterable):
        _no_cells(cells, "for", where)
        return _traced_for(iterable, more_fn, body_fn, state, names, where)
    if more_fn is None:
        for item in iterable:
            state = body_fn(item, *state)
        return state
    it, done = iter(iterable), 0
    while True:  # test before taking the next item: after a break, Python does not advance the iterator
        go = more_fn(*state)
        if is_traced(go):
            _no_cells(cells, "for", where)
            return _rest_traced(iterable, it, done, more_fn, body_fn, state, names, where)
        if not go:
            return state
        try:
            item = next(it)
        except StopIteration:
            return state
        state, done = body_fn(item, *state), done + 1


def _traced_for(iterable, more_fn, body_fn, state, names, where):
    """A `for` over a traced range (a while loop) or, to its end, over a traced array (a scan)."""
    if isinstance(iterable, TracedRange):
        return _range_loop(iterable.start, iterable.stop, iterable.step, None, more_fn, body_fn, state, names, where)
    if not iterable.shape:
        iter(iterable)  # raises the error Python's loop over a 0-d array raises eagerly
    out = traced_loop.scan(body_fn, iterable, state, names, where, "for")
    if out is not None:
        return out
    for item in iterable:  # a list grows by an item per row: Python's loop over the rows, as eagerly
        state = body_fn(item, *state)
    return state


def _range_loop(start, stop, step, xs, more_fn, body_fn, state, names, where):
    """The state after running the body for the indices of a range (or the rows of `xs`) as one while loop."""
    from ... import numpy as fnp
    if xs is not None and not xs.shape[0]:  # no rows: no pass, as eagerly (and no row to trace the body on)
        return state
    up = step > 0 if not is_traced(step) else None

    def test(i, *s):  # (a traced step of 0, where Python raises, runs no pass: a compiled loop cannot raise)
        inside = i < stop if up else i > stop if up is not None else \
            fnp.where(step > 0, i < stop, (step < 0) & (i > stop))
        return inside if more_fn is None else and_(inside, lambda: more_fn(*s), "the loop's condition", where)

    def body(i, *s):
        return (i + step, *body_fn(i if xs is None else xs[i], *s))

    out = traced_loop.while_loop(test, body, (start, *state), ("the loop index", *names), where, "for")
    return out[1:]


def _rest_traced(iterable, it, done: int, more_fn, body_fn, state, names, where):
    """The rest of a Python `for` loop once whether to go on depends on a traced value."""
    if isinstance(iterable, range):
        rest = iterable[done:]
        return _range_loop(rest.start, rest.stop, rest.step, None, more_fn, body_fn, state, names, where)
    if isinstance(iterable, Array):
        rest = iterable[done:]
        return _range_loop(0, rest.shape[0], 1, rest, more_fn, body_fn, state, names, where)
    if not hasattr(iterable, "__len__"):
        raise conversion_error("for", f"the `for` loop at {where} runs over a Python iterator "
                               f"({type(iterable).__name__}) and a `break` or `return` in it depends on a traced "
                               "value, so how many items it takes is not known", "loop over range(n) or an array")
    for item in list(it):  # a sized Python sequence: one conditional per remaining item
        go = more_fn(*state)
        if not is_traced(go):
            if not go:
                return state
            state = body_fn(item, *state)
            continue
        state = traced_if.cond(go, (lambda *s: body_fn(item, *s), lambda *s: s), state, names, where, "for")
    return state


# expressions -----------------------------------------------------------------------------------------
# An operand that Python evaluates only sometimes is passed as a function. When a walrus in it
# assigns variables, the helper also takes their values (`state`, a tuple), the function takes
# them and returns (its value, *their new values), and so does the helper; `names` labels them
# and `cells` describes those that are global or nonlocal, which a traced condition cannot carry.
def _run(fn: Callable, state: tuple | None):
    return fn() if state is None else fn(*state)


def _given(value, state: tuple | None):
    """What an operand that is not evaluated leaves: `value` (and the variables as they are)."""
    return value if state is None else (value, *state)


def _choose(kind: str, pred, fns: tuple, label: str, where: str, state: tuple | None, names: tuple, cells: tuple):
    """`fns[0]` if traced `pred` else `fns[1]` (see above), by one fx.cond."""
    value = (f"the value of `{label}`",)
    if state is None:
        branches = tuple(lambda fn=fn: (fn(),) for fn in fns)
        return traced_if.cond(pred, branches, (), value, where, kind)[0]
    _no_cells(cells, kind, where)
    return traced_if.cond(pred, fns, state, value + names, where, kind)


def _logical(name: str, *xs):
    """The logical `name` ("and" / "or") of the truth values of `xs`, some traced."""
    from ...numpy import logical_and, logical_or
    out = truth(name, xs[0])
    for x in xs[1:]:
        out = (logical_and if name == "and" else logical_or)(out, truth(name, x))
    return out


def not_(x):
    """`not x`."""
    if not is_traced(x):
        return not x
    from ...numpy import logical_not
    return logical_not(truth("not", x))


def and_(a, b: Callable, label: str, where: str, state: tuple | None = None, names: tuple = (), cells: tuple = ()):
    """`a and b()`: `b()` if `a` is true, else `a`, as Python gives (see _pick for traced `a`)."""
    if not is_traced(a):
        return _run(b, state) if a else _given(a, state)
    return _pick("and", a, b, label, where, state, names, cells)


def or_(a, b: Callable, label: str, where: str, state: tuple | None = None, names: tuple = (), cells: tuple = ()):
    """`a or b()`: `a` if `a` is true, else `b()`, as Python gives (see _pick for traced `a`)."""
    if not is_traced(a):
        return _given(a, state) if a else _run(b, state)
    return _pick("or", a, b, label, where, state, names, cells)


def _pick(op: str, a, b: Callable, label: str, where: str, state: tuple | None, names: tuple, cells: tuple):
    """The operand that `a and b()` / `a or b()` gives, for traced `a`: on booleans (the usual
    case, a condition) the logical operation, which has the same value; otherwise, or when `b`
    assigns variables (which must keep their values where Python would not evaluate it), one fx.cond."""
    if state is None and _boolean(a):
        right = b()
        if _boolean(right):
            return _logical(op, a, right)
        b = lambda: right  # already evaluated: the cond takes it as it is
    keep = (lambda: a) if state is None else (lambda *s: (a, *s))
    return _choose(op, a, (b, keep) if op == "and" else (keep, b), label, where, state, names, cells)


def _boolean(x) -> bool:
    return isinstance(x, bool) or isinstance(x, Array) and x.dtype == dtypes.bool_


def contains(item, container, negate: bool) -> Any:
    """`item in container` (`not in` where `negate`); with a traced item, or a list, tuple or set
    holding a traced value, whether some element equals it, as a traced bool."""
    if type(container) in (list, tuple, set, frozenset) and (is_traced(item) or any(map(is_traced, container))):
        found = _logical("or", *[item == v for v in container]) if container else False
    elif isinstance(container, Array) and (is_traced(item) or is_traced(container)):
        from ...numpy import any as any_
        found = any_(container == item)
    else:
        return item not in container if negate else item in container
    return not_(found) if negate else found


def not_any(*flags):
    """`not (f1 or f2 or ...)` for the flags of lowered jumps."""
    if not any(map(is_traced, flags)):
        return not any(flags)
    return not_(_logical("or", *flags))


def ifexp(pred, a: Callable, b: Callable, label: str, where: str, state: tuple | None = None, names: tuple = (),
          cells: tuple = ()):
    """`a() if pred else b()`; one fx.cond when `pred` is traced."""
    if not is_traced(pred):
        return _run(a if pred else b, state)
    return _choose("if", pred, (a, b), label, where, state, names, cells)


def compare(left, op: str, right, *rest, label: str, where: str, state: tuple | None = None, names: tuple = (),
            cells: tuple = ()):
    """A chained comparison `left op right op2 x2 ...`: `rest` alternates operators and functions
    giving the later operands, which Python evaluates only while the comparisons hold. On a
    traced comparison the rest are compared too and the results joined by `and` (the same
    value), or, when they assign variables, chosen by one fx.cond."""
    r = _OPS[op](left, right)
    if not rest:
        return _given(r, state)

    def more(*s):
        if state is None:
            return compare(right, rest[0], rest[1](), *rest[2:], label=label, where=where)
        after, *s = rest[1](*s)
        return compare(right, rest[0], after, *rest[2:], label=label, where=where, state=tuple(s), names=names,
                       cells=cells)

    if not is_traced(r):
        return _run(more, state) if r else _given(r, state)
    if state is None:
        return _logical("and", r, more())
    return _choose("and", r, (more, lambda *s: (r, *s)), label, where, state, names, cells)
