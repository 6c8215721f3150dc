"""Primitives that carry Python functions (`CallPrimitive`), and the interpreters that look at
such calls and pass them on (`Forwarding`, `Substitute`).

A call of such a primitive runs its function under whatever interpreter is current, unless
one has a rule for it: a JVP interpreter (custom rules, checkpoint), a linear staging (which
records the staged ones), a batch interpreter (which runs the functions once on the stacked
values, or once unbatched where no example differs). `custom.py` and `checkpoint.py` build on it.
"""
from __future__ import annotations

import functools
import types
from typing import Callable

from ...core import tree
from ...core.array import Array
from ...core.errors import op_error
from ...core.interpreters import Interpreter, _ctx, push, use
from ...core.primitive import Primitive
from ...ops._ad import Zero
from ...ops._batch import to_front
from ..batching.interpreter import BatchInterpreter, BatchTracer
from .jvp import JVPInterpreter, JVPTracer
from .partial_eval import StagingInterpreter


class Forwarding(Interpreter):
    """An interpreter that looks at each call and passes it on to its parent."""

    def forward(self, prim, args, params):
        prev = _ctx.interp
        _ctx.interp = self.parent
        try:
            return prim.bind(*args, **params)
        finally:
            _ctx.interp = prev


class Substitute(Forwarding):
    """Replaces, in every call it passes on, the tracers of JVP interpreter `owner` by
    `replace(tracer)` (once per tracer, remembered in `done`).

    A function with a custom rule runs below the interpreter differentiating it, so the
    values of that interpreter it closes over must be swapped (or refused) before they reach
    the interpreters below. A nested call of a function-carrying primitive may run its
    functions further down, out of sight: they are passed on wrapped to run under the same
    substitution.
    """

    def __init__(self, owner: JVPInterpreter, replace: Callable, done: dict | None = None):
        self.owner, self.replace = owner, replace
        self.done = {} if done is None else done

    def swap(self, args):
        owner = self.owner
        if not any(a.__class__ is JVPTracer and a._interp is owner for a in args):
            return args
        out = []
        for a in args:
            if a.__class__ is JVPTracer and a._interp is owner:
                hit = self.done.get(id(a))
                if hit is None:  # the entry keeps `a` alive, so its id stays its own
                    hit = self.done[id(a)] = (a, self.replace(a))
                a = hit[1]
            out.append(a)
        return out

    def within(self, prim, params: dict) -> dict:
        """`params` with the functions a call carries made to run under this substitution."""
        names = getattr(prim, "functions", ())
        return {k: self._wrap(v) if k in names else v for k, v in params.items()} if names else params

    def _wrap(self, fn):
        owner, replace, done = self.owner, self.replace, self.done

        @functools.wraps(fn)
        def run(*args, **kwargs):
            with push(Substitute(owner, replace, done)):
                return fn(*args, **kwargs)
        return run

    def process(self, prim, args, params):
        return self.forward(prim, self.swap(args), self.within(prim, params))


class CallPrimitive(Primitive):
    """A primitive whose parameters named in `functions` carry Python functions; results are always a tuple.

    Under a JVP interpreter, `jvp(interp, args, params)` handles it (it gets the interpreter,
    because the function may close over that interpreter's values). A linear staging (the
    tangents of reverse mode) records it if it is `staged` (a linear primitive with an
    abstract evaluation, transposed later) and some operand is staged, and passes a call on
    known values to its parent, which may have a rule for it. Any other interpreter, eager and
    the staging of a whole function (jit) included, runs `impl(*args, **params)`, which calls
    the Python function on that interpreter: the call dissolves into the operations it makes,
    while the values it closes over are still alive (a jitted function's too, where the call's
    own arguments are constants).
    """

    __slots__ = ("impl", "jvp", "functions", "staged")

    def __init__(self, name: str, impl: Callable, functions: tuple[str, ...] = (), jvp: Callable | None = None,
                 staged: bool = False):
        super().__init__(name, multiple_results=True)
        self.impl, self.jvp, self.functions, self.staged = impl, jvp, functions, staged

    def bind(self, *args, **params):
        interp = _ctx.interp
        if isinstance(interp, Forwarding):
            return interp.process(self, args, params)
        if self.jvp is not None and isinstance(interp, JVPInterpreter):
            return self.jvp(interp, args, params)
        if self.functions and isinstance(interp, BatchInterpreter):
            if any(interp.unpack(a)[1] is not None for a in args):
                return self._batched(interp, args, params)
            if _differentiating(interp):
                return self._shared(interp, args, params)
        if isinstance(interp, StagingInterpreter) and interp.linear:
            if not any(map(interp.owns, args)):
                with use(interp.parent):
                    return self.bind(*args, **params)
            if self.staged:
                return interp.process(self, args, params)
        return self.impl(*args, **params)

    def _batched(self, interp: BatchInterpreter, args, params):
        """The call made once on the stacked values, its functions run under `interp` (so a
        rule keeps applying to the batch): every array argument batched along axis 0. Where
        the call surely runs its function "fun" itself (no derivative is taken below), the
        arguments no example differs in stay as they are, and so do the outputs that do not
        depend on the examples, as in a vmap of the function; otherwise every output is batched
        along axis 0."""
        size = interp.size
        unpacked = [interp.unpack(a) for a in args]
        # (a call surely runs "fun" itself where nothing below takes derivatives or forwards it)
        dims = [] if "fun" in self.functions and not _differentiating(interp.parent, Forwarding) else None
        fronts = [None if d is None else to_front(v, d, size) for v, d in unpacked]
        # the arguments that stay unbatched, told apart from the others by identity where "fun" gets them
        taken = {id(f) for f in fronts if f is not None}
        shared = set() if dims is None else {id(v) for (v, d) in unpacked
                                             if d is None and isinstance(v, Array) and id(v) not in taken}
        vals = [f if f is not None else v if id(v) in shared else to_front(v, d, size)
                for (v, d), f in zip(unpacked, fronts)]
        params = dict(params)
        for k in self.functions:  # ("fun" gets the call's arguments; the rules get others, all batched)
            if k in params:
                params[k] = _per_example(interp, params[k], dims, shared) if k == "fun" else \
                    _per_example(interp, params[k])
        with use(interp.parent):
            outs = self.bind(*vals, **params)
        if dims and len(dims[0]) == len(outs):
            return tuple(map(interp.wrap, outs, dims[0]))
        # (a 0-d output is a number the function returned, which no example differs in)
        return tuple(interp.wrap(o, 0 if isinstance(o, Array) and o.ndim else None) for o in outs)

    def _shared(self, interp: BatchInterpreter, args, params):
        """The call on arguments no example differs in, while a derivative is taken below
        `interp`: passed on as it is (so its rule applies), its outputs unbatched like its
        arguments. Its functions run under `interp` for the batched values they may close over;
        where the first to run returns one, the call is made again as `_batched`."""
        call = _SharedCall(self.name)
        shared = {k: _shared_example(interp, v, call) if k in self.functions else v for k, v in params.items()}
        try:
            with use(interp.parent):
                return self.bind(*[interp.unpack(a)[0] for a in args], **shared)
        except _Differs as e:
            if e.call is not call:
                raise
            return self._batched(interp, args, params)
        finally:
            call.settled = True

    def inline(self, interp: Interpreter) -> bool:
        """Whether a call on `interp` surely just runs the function (the fast path of eager calls)."""
        return not (isinstance(interp, (Forwarding, StagingInterpreter))
                    or self.jvp is not None and isinstance(interp, JVPInterpreter)
                    or self.functions and isinstance(interp, BatchInterpreter))


def in_order(out):
    """`out` as a call that binds the primitive gives it: rebuilt from its leaves (dicts by sorted key)."""
    leaves, structure = tree.flatten(out)
    return tree.unflatten(structure, leaves)


def _differentiating(interp: Interpreter, *also: type) -> bool:
    """Whether an interpreter below `interp` takes derivatives (or records tangents, to
    transpose), or is of a type in `also`."""
    while interp is not None:
        if isinstance(interp, (JVPInterpreter, *also)) or isinstance(interp, StagingInterpreter) and interp.linear:
            return True
        interp = interp.parent
    return False


def _per_example(interp: BatchInterpreter, fn: Callable, dims: list | None = None, shared: set = frozenset()) -> Callable:
    """`fn` taking stacked values (array leaves batched along axis 0, but those whose `id` is in
    `shared`, which no example differs in), run per example under `interp`, and returning them
    stacked; with a list `dims`, its outputs that no example differs in are returned as they
    are, and `dims` gets each output's axis (0 or None)."""
    @functools.wraps(fn)
    def run(*args, **kwargs):
        # a rule may run later, elsewhere (a checkpointed function in the backward pass): batch on
        # whatever interpreter is current then, still accepting the values `fn` closes over
        inner = BatchInterpreter(interp.size, same_as=(interp, *interp.same_as))
        leaves, structure = tree.flatten((args, kwargs))
        with push(inner):
            a, k = tree.unflatten(structure, [BatchTracer(inner, x, 0) if isinstance(x, Array) and id(x) not in shared
                                              else x for x in leaves])
            out, out_tree = tree.flatten(fn(*a, **k))
            out = [inner.unpack(o) if isinstance(o, Array) else (o, None) for o in out]
        if dims is None:  # (other objects, numbers and functions among residuals, pass as they are)
            return tree.unflatten(out_tree, [to_front(v, d, interp.size) if isinstance(v, Array) else v for v, d in out])
        dims.append(tuple(None if d is None else 0 for _, d in out))
        return tree.unflatten(out_tree, [v if d is None else to_front(v, d, interp.size) for v, d in out])
    return run


class _SharedCall:
    """One call passed on unbatched by `CallPrimitive._shared`; `settled` once its outputs are
    given out as unbatched, after which none of its functions may return a batched value."""

    __slots__ = ("name", "settled")

    def __init__(self, name: str):
        self.name, self.settled = name, False


class _Differs(Exception):
    """A function of the unbatched call `call` returned a value that differs per example (it
    closes over a batched value) while the call can still be made again batched."""

    def __init__(self, call: _SharedCall):
        super().__init__(call.name)
        self.call = call


def _shared_example(interp: BatchInterpreter, fn: Callable, call: _SharedCall) -> Callable:
    """`fn` run under `interp` on arguments and for results that no example differs in."""
    @functools.wraps(fn)
    def run(*args, **kwargs):
        inner = BatchInterpreter(interp.size, same_as=(interp, *interp.same_as))
        with push(inner):
            out, out_tree = tree.flatten(fn(*args, **kwargs))
            out = [inner.unpack(o) if isinstance(o, Array) else (o, None) for o in out]
        if any(d is not None for _, d in out):
            if not call.settled:
                raise _Differs(call)
            raise op_error(ValueError, call.name, f"{fun_name(fn)} returned a value that differs per example of "
                           "vmap while the results it derives from do not: it closes over a batched value that "
                           "the function's outputs (and residuals) do not depend on",
                           "pass that value to the function as an argument, or return what is needed of it "
                           "among the residuals")
        return tree.unflatten(out_tree, [v for v, _ in out])
    return run


class Record(types.SimpleNamespace):
    """What one call's linear equation carries (functions, structures, types). It is per call,
    so it is unhashable on purpose: it must never become the key of a cache."""

    def __repr__(self):
        return f"<{self.name}>"


def unpack(interp: JVPInterpreter, args) -> tuple[list, list]:
    """Primal values and tangents (Zero where there is none) of `args` under `interp`."""
    primals, tangents = [], []
    for a in args:
        p, t = interp.unpack(a)
        primals.append(p)
        tangents.append(Zero(p.aval) if t is None else t)
    return primals, tangents


class Store:
    """A slot a rule fills while it runs (e.g. the output structure, known only then)."""

    __slots__ = ("value",)


def fun_name(fun) -> str:
    """A function's name, for messages."""
    return getattr(fun, "__name__", type(fun).__name__)
