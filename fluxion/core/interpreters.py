"""The interpreter stack.

Each thread has its own stack (so threads do not share transformations). The innermost
interpreter receives every `bind`. A transformation's interpreter processes the call with
its rule and binds the result's pieces on its parent; the eager interpreter at the bottom
runs the kernel of the arguments' device.
"""
from __future__ import annotations

import contextlib
import threading
import weakref

import numpy as np

from . import errors
from .array import Array, Tracer, to_array
from .device import placement
from .rules import abstract_eval, eager_rules, numpy_kernel
from .types import ArrayType


class Interpreter:
    """Base of every interpreter: `process` handles one primitive call."""

    parent: Interpreter | None = None
    finished = False  # set when its transformation is done: a value of it met afterwards has leaked

    def process(self, prim, args: tuple, params: dict):
        raise NotImplementedError

    def at_exit(self, fn) -> None:
        """Call `fn()` when this interpreter's `push` block ends (its transformation is done)."""
        self.__dict__.setdefault("_exits", []).append(fn)

    def apply(self, rules: dict, prim, missing: tuple[str, str], *rule_args, **params):
        """`rules[prim](*rule_args, **params)` run on the parent interpreter; its result, a pair
        (outputs, one extra per output), is wrapped into this interpreter's values by
        `self.wrap(output, extra)`. `missing` is the (problem, fix) of the error for a primitive
        without a rule."""
        try:
            rule = rules[prim]
        except KeyError:
            raise errors.op_error(NotImplementedError, prim.name, *missing) from None
        prev = _ctx.interp
        _ctx.interp = self.parent
        try:
            out, extra = rule(*rule_args, **params)
        finally:
            _ctx.interp = prev
        if prim.multiple_results:
            return tuple(map(self.wrap, out, extra))
        return self.wrap(out, extra)


class _Ctx(threading.local):
    interp: Interpreter  # set below, once EAGER exists
    checks: tuple = (None, None)  # this thread's own switches of the checks for NaN and infinity (core/checking.py)
    # (outermost interpreter, bottom) where a global switch of the checks came in the middle of a
    # transformation: that interpreter's end puts `bottom` in place of what was below it (`finish`)
    rebase: tuple | None = None

    def __init__(self):
        with _threads_lock:
            _threads[threading.current_thread()] = self.__dict__


_threads: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # thread -> its `_ctx` state
_threads_lock = threading.Lock()
_ctx = _Ctx()


def thread_states() -> list[dict]:
    """The `_ctx` state of each thread that has run fluxion (a global switch of checks changes them)."""
    with _threads_lock:
        return list(_threads.values())


def current() -> Interpreter:
    return _ctx.interp


@contextlib.contextmanager
def use(interp: Interpreter):
    """Make `interp` the innermost interpreter inside the block (restores the old one after)."""
    prev = _ctx.interp
    _ctx.interp = interp
    try:
        yield interp
    finally:
        _ctx.interp = prev


@contextlib.contextmanager
def push(interp: Interpreter):
    """Push a new interpreter on top of the current one for the block."""
    interp.parent = _ctx.interp
    try:
        with use(interp):
            yield interp
    finally:
        finish(interp)


def finish(interp: Interpreter) -> None:
    """Call what `interp.at_exit` was given: its transformation is done (`push` calls this; code
    that sets `_ctx.interp` itself calls it too)."""
    interp.finished = True
    rebase = _ctx.rebase
    if rebase is not None and rebase[0] is interp:  # (the checks were switched meanwhile: core/checking.py)
        _ctx.rebase = None
        if _ctx.interp is interp.parent:
            _ctx.interp = rebase[1]
    exits = interp.__dict__.pop("_exits", None)
    if exits:
        for fn in exits:
            fn()


class EagerInterpreter(Interpreter):
    """Runs each primitive at once: cached abstract evaluation, then the device's kernel."""

    def __init__(self):
        self._types: dict = {}

    def process(self, prim, args, params):
        try:  # the hot path: Arrays whose signature was seen before (the key `_type_of` caches)
            if len(args) == 1:  # one or two operands, the common cases, build the key at once
                a, = args
                v = a._value
                values = (v,)
                key = (prim, (v.shape, v.dtype, a._weak))
            elif len(args) == 2:
                a, b = args
                v, w = a._value, b._value
                values = (v, w)
                key = (prim, (v.shape, v.dtype, a._weak), (w.shape, w.dtype, b._weak))
            else:
                key, values = [prim], []
                for a in args:
                    v = a._value
                    values.append(v)
                    key.append((v.shape, v.dtype, a._weak))
                key = tuple(key)
            if params:
                key += tuple(params.items())
            out_type = self._types[key]
        except (AttributeError, KeyError, TypeError):
            out_type = None
        if out_type is None:  # outside the except block, so errors carry no chained KeyError
            args = [self._lift(prim, a) for a in args]
            if prim in eager_rules:  # (never cached as a type above, so it always comes here)
                return eager_rules[prim](*args, **params)
            try:
                values = [a._value for a in args]
            except AttributeError:  # an Array on an XLA device: no host value
                return self._placed(prim, args, params)
            out_type = self._type_of(prim, [(a._value.shape, a._value.dtype, a._weak) for a in args], params)
        try:
            kernel = numpy_kernel[prim]
        except KeyError:
            raise errors.op_error(NotImplementedError, prim.name, "has no NumPy kernel") from None
        out = kernel(*values, **params)
        if prim.multiple_results:
            return tuple(_wrap(v, t) for v, t in zip(out, out_type))
        return _wrap(out, out_type)

    @staticmethod
    def _lift(prim, a) -> Array:
        if a.__class__ is Array:
            return a
        if isinstance(a, Tracer):
            raise leak_error(prim.name, a)
        return to_array(a)

    def _placed(self, prim, arrays, params):
        """Run `prim` on the device of its operands (see core/device.py), which takes the others there."""
        out_type = self._type_of(prim, [(a.shape, a.dtype, a._weak) for a in arrays], params)
        return placement(prim.name, arrays).execute(prim, arrays, params, out_type)

    def _type_of(self, prim, signature, params):
        """The output type(s) for operands of `signature`, a list of (shape, dtype, weak)."""
        try:
            key = (prim, *signature, *params.items())
            return self._types[key]
        except TypeError:  # unhashable params: evaluate without caching
            key = None
        except KeyError:
            pass
        try:
            rule = abstract_eval[prim]
        except KeyError:
            raise errors.op_error(NotImplementedError, prim.name, "has no abstract evaluation rule") from None
        out = rule(*[ArrayType(*s) for s in signature], **params)
        _check_rank(prim.name, out)
        if key is not None:
            if len(self._types) > 100_000:
                self._types.clear()
            self._types[key] = out
        return out


# NumPy arrays, which hold every eager value, have at most this many dimensions
MAX_NDIM = 64


def _check_rank(op: str, out) -> None:
    """Refuse an eager result of more dimensions than a NumPy array can have, before its kernel runs."""
    for t in out if isinstance(out, (tuple, list)) else (out,):
        if len(t.shape) > MAX_NDIM:
            raise errors.op_error(errors.ShapeError, op, f"its result would have {len(t.shape)} dimensions; "
                                  f"eager arrays have at most {MAX_NDIM}", "remove size-1 axes (squeeze or "
                                  f"reshape) so that the result has at most {MAX_NDIM} dimensions")


def leak_error(op: str, tracer: Tracer) -> errors.TracerLeakError:
    return errors.op_error(errors.TracerLeakError, op,
                           f"got a traced value ({tracer.aval}) after the transformation that made it has finished",
                           "return the value from the transformed function instead of storing it outside (e.g. "
                           "in a list or dict that a branch or loop body of traced control flow updates)")


def check_live(op: str, x) -> None:
    """Refuse `x` if it is a traced value of a transformation that has finished."""
    if isinstance(x, Tracer) and x._interp.finished:
        raise leak_error(op, x)


def _wrap(value, t: ArrayType) -> Array:
    if value.__class__ is not np.ndarray or value.dtype != t.dtype or value.shape != t.shape:
        value = np.asarray(value, dtype=t.dtype)
        if value.shape != t.shape:
            raise AssertionError(f"kernel returned shape {value.shape}, expected {t.shape}")
    out = Array.__new__(Array)
    out._value = value
    out._weak = t.weak
    return out


EAGER = EagerInterpreter()
_Ctx.interp = EAGER


class EagerProxy(Interpreter):
    """Stands in for the eager interpreter, handing it every call. Where it is current, code that
    tests for the eager interpreter (`_ctx.interp is EAGER`) takes its general path: operations
    bind instead of calling NumPy directly, and loops stage their bodies instead of running them
    in Python (core/checking.py and `control.loops.staged_when_eager` put one there)."""

    parent = EAGER

    def process(self, prim, args, params):
        return EAGER.process(prim, args, params)
