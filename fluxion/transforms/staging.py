"""Staging: record a function's primitive calls into a program (`make_program`), and `jit`.

`jit` keeps one compiled program per signature of the arguments: the structure of the
traced arguments, each leaf's (shape, dtype, weak), the static arguments and the device.
A jitted function is called through XLA's own dispatcher (backends/xla/dispatch.py), which
makes the calls of the signatures it has seen without entering Python; other calls reach
`Jitted`. There, a call whose positional
arguments are all host Arrays, NumPy arrays or Python scalars finds its program with a key
made of the arguments' types alone; every other call takes the general path, which
flattens the arguments.

Devices: a jitted function runs on `device=` when given (arguments are moved there), else on
the XLA device its array arguments are on (host arrays follow them; arrays on two XLA
devices are an error), else, for host arrays, on XLA's CPU. Results are host Arrays when
it runs for host arrays (or `device="cpu"`), and stay on the XLA device otherwise.

Donation (`donate_argnums`) happens only where a program runs on an XLA device: its compiled
call takes the buffers of the donated arguments' leaves (devices.py deletes those arrays).
A program for host arrays never takes them: its inputs may share memory with NumPy arrays
and with earlier results, which must keep their values.
"""
from __future__ import annotations

import contextlib
import functools
import itertools
import operator
import sys
import weakref
from typing import Any, Callable, Sequence

import numpy as np

from .. import config
from ..core import dtypes, tree
from ..core.array import HOST, PYTHON_SCALARS, Array, Tracer, to_array
from ..core.checking import CHECKER
from ..core.device import CPU, get as get_device, placement
from ..core.errors import (ArgumentError, ConcretizationError, TracerLeakError, UnsupportedError, a_type, op_error,
                           require_callable)
from ..core.interpreters import EAGER, _ctx, push
from ..core.program import Program
from ..core.types import ArrayType, ShapeDtypeStruct
from . import _jit_batched, _jit_grad
from ._arguments import Arguments, not_array_fix
from ._convert import converted
from ._lowered import Lowered, Traced, out_info
from .autodiff.partial_eval import StagingInterpreter
from .passes import optimize


def trace(f: Callable, args: tuple, kwargs: dict, static_argnums: Sequence[int] = (),
          static_argnames: Sequence[str] = (), arguments: Arguments | None = None):
    """Stage `f(*args, **kwargs)`: the program, and the structures of its traced inputs and outputs.

    Arguments at `static_argnums` (non-negative positions) and keywords in `static_argnames`
    are passed to `f` as they are; every leaf of the others becomes a program input.
    """
    arguments = arguments or Arguments(f)
    dyn_args, dyn_kwargs = _dynamic(args, kwargs, static_argnums, static_argnames)
    leaves, in_tree = tree.flatten((dyn_args, dyn_kwargs))
    arrays = [_traceable(x, i, in_tree, args, static_argnums, arguments) for i, x in enumerate(leaves)]
    staging = StagingInterpreter()  # a whole function: its call primitives dissolve as it runs
    staging.origin = functools.partial(_origin, staging, in_tree, len(args), static_argnums, arguments)
    with push(staging):
        tracers = [staging.new_input(x.aval) for x in arrays]
        t_args, t_kwargs = tree.unflatten(in_tree, tracers)
        it = iter(t_args)
        full = [a if i in static_argnums else next(it) for i, a in enumerate(args)]
        out = converted(f)(*full, **{**kwargs, **t_kwargs})
        out_leaves, out_tree = tree.flatten(out)
        try:
            return staging.program(out_leaves), in_tree, out_tree
        except (TypeError, ValueError) as e:
            bad = [x for x in out_leaves if not isinstance(x, (Array, np.ndarray, np.generic, *PYTHON_SCALARS))]
            if not bad or isinstance(e, ConcretizationError):  # (such as an undefined variable's own error)
                raise
            raise op_error(TypeError, "jit", f"the function returned {a_type(bad[0])} ({bad[0]!r:.40}), "
                           "which is not an array", "return only arrays and numbers (in tuples, lists or dicts); "
                           "compute other values outside the jitted function") from None


def _dynamic(args: tuple, kwargs: dict, static_argnums, static_argnames) -> tuple[tuple, dict]:
    if static_argnums:
        args = tuple(a for i, a in enumerate(args) if i not in static_argnums)
    if static_argnames:
        kwargs = {k: v for k, v in kwargs.items() if k not in static_argnames}
    return args, kwargs


def _traceable(x, i, in_tree, args, static_argnums, arguments) -> Array:
    """Leaf `i` as an Array, or an error naming the argument it belongs to."""
    if isinstance(x, Tracer):
        raise op_error(TracerLeakError, "jit", f"got a traced value ({x.aval}) from a transformation that has "
                       "finished", "return the value from the transformed function instead of storing it outside")
    try:
        return to_array(x)
    except (TypeError, ValueError):
        name, ref = arguments.leaves(in_tree, len(args), static_argnums)[i]
        fix = not_array_fix(name, f"mark it static ({arguments.hint([ref])}) or pass an array")
        what = f"{a_type(x)}, which is not an array"
        if _placeholder(x) is not x:
            fix = "pass an array of that type; to compile for a type without an array, call .lower(...) on the " \
                  "jitted function, or use fx.eval_shape for the output types"
        elif isinstance(x, np.ndarray):  # (of a dtype arrays do not have: strings, objects, records, dates)
            what, fix = f"a NumPy array of dtype {x.dtype}, which fluxion has no arrays of", \
                "pass numbers (e.g. codes or timestamps as integers), or pass it to the function another way"
        raise op_error(TypeError, "jit", f"argument `{name}` is {what}", fix) from None


def _input(x, i, in_tree, args, static_argnums, arguments) -> Array:
    """A leaf given to a compiled call as an Array; a NumPy array is only read during the call, so it is not copied."""
    if x.__class__ is np.ndarray and x.dtype in dtypes.ALL:
        out = Array.__new__(Array)
        out._value, out._weak = x, False
        return out
    return _traceable(x, i, in_tree, args, static_argnums, arguments)


def _origin(staging, in_tree, nargs, static_argnums, arguments, tracer) -> tuple[str, str] | None:
    """Which arguments a traced value of `staging` depends on, and how to make them static (the
    fix without the alternative of control-flow primitives, which its callers add where it fits)."""
    if not staging.owns(tracer):
        return None
    need = {tracer._var}
    for eq in reversed(staging.equations):
        if any(o in need for o in eq.outputs):
            need.update(eq.inputs)
    leaves = arguments.leaves(in_tree, nargs, static_argnums)
    used = [leaves[i] for i, v in enumerate(staging.inputs) if v in need]
    if not used:
        return None
    refs = list(dict.fromkeys(ref for _, ref in used))
    what = f" that depends on argument{'s' if len(used) > 1 else ''} {_join([n for n, _ in used])}"
    return what, f"make {_join([arguments.name(r) for r in refs])} static ({arguments.hint(refs)})"


def _join(names: list[str]) -> str:
    quoted = [f"`{n}`" for n in names]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


def make_program(f: Callable, static_argnums: int | Sequence[int] = (), static_argnames: str | Sequence[str] = (),
                 return_shape: bool = False) -> Callable[..., Program]:
    """`make_program(f)(*args)` is the typed program `f` runs on arguments like `args` (arrays, or
    their types as `ShapeDtypeStruct`s); with `return_shape=True`, with the outputs' types
    (`ShapeDtypeStruct`s in the outputs' structure).

    Arrays that `f` uses without receiving them as arguments (closed-over values) become the
    program's constants, listed before the `;`. Its jax name is `make_jaxpr`, and the program also
    answers to jax's `.eqns`, `.invars`, `.outvars`, `.in_avals`, `.out_avals` and `.jaxpr`.

    >>> import fluxion as fx, fluxion.numpy as fnp
    >>> print(fx.make_program(lambda x, y: fnp.sin(x) * y)(fnp.ones(3), fnp.ones(3)))
    { lambda ; a:f32[3] b:f32[3]. let
        c:f32[3] = sin a
        d:f32[3] = mul c b
      in (d,) }
    """
    require_callable("make_program", f)
    arguments = Arguments(f)
    nums, names = arguments.resolve_static(static_argnums, static_argnames)

    @functools.wraps(f)
    def wrapped(*args, **kwargs):
        positions = arguments.positions(nums, len(args))
        args, kwargs = _placeholders(args, kwargs, positions, names)
        program, _, out_tree = trace(f, args, kwargs, positions, names, arguments)
        return (program, out_info(program, out_tree)) if return_shape else program

    return wrapped


make_jaxpr = make_program  # jax's name


def eval_shape(f: Callable, *args, **kwargs) -> Any:
    """The types (`ShapeDtypeStruct`s: `.shape`, `.dtype`, `.weak_type`) of `f(*args, **kwargs)`'s
    outputs, found by tracing `f` without computing anything. Arguments are arrays, Python scalars
    or anything with `.shape` and `.dtype` (a `ShapeDtypeStruct`, jax's, a NumPy array).

    >>> import fluxion as fx, fluxion.numpy as fnp
    >>> fx.eval_shape(lambda x: {"y": x @ x.T}, fx.ShapeDtypeStruct((1000, 3), fnp.float32))
    {'y': f32[1000,1000]}
    """
    leaves, in_tree = tree.flatten((args, kwargs))
    staging = StagingInterpreter()
    with push(staging):
        tracers = [staging.new_input(_aval(x)) for x in leaves]
        t_args, t_kwargs = tree.unflatten(in_tree, tracers)
        out = converted(f)(*t_args, **t_kwargs)
        return tree.map(lambda o: ShapeDtypeStruct.of(to_array(o).aval), out)


def _aval(x) -> ArrayType:
    if isinstance(x, ArrayType):
        return x
    if not isinstance(x, (Array, np.ndarray)) and hasattr(x, "shape") and hasattr(x, "dtype"):
        return ArrayType(tuple(x.shape), dtypes.canonicalize(x.dtype))
    return to_array(x).aval


def _placeholder(x):
    """An argument of `lower` given by its type (an `ArrayType`, a `ShapeDtypeStruct` of fluxion
    or jax) as an array of that type, which takes no memory; any other argument as it is."""
    if isinstance(x, ArrayType) or (type(x).__name__ == "ShapeDtypeStruct" and hasattr(x, "dtype")):
        aval = _aval(x)
        return Array(np.broadcast_to(np.zeros((), aval.dtype), aval.shape), aval.weak or getattr(x, "weak_type", False))
    return x


def _placeholders(args: tuple, kwargs: dict, static_argnums, static_argnames) -> tuple[tuple, dict]:
    """The arguments with each type given for a traced argument replaced by `_placeholder`."""
    return (tuple(a if i in static_argnums else tree.map(_placeholder, a) for i, a in enumerate(args)),
            {k: v if k in static_argnames else tree.map(_placeholder, v) for k, v in kwargs.items()})


class _Entry:
    """One compiled signature: the executable, how to rebuild the outputs, when it was last used."""

    __slots__ = ("executable", "build", "used")

    def __init__(self, executable, out_tree):
        self.executable = executable
        self.build = operator.itemgetter(0) if out_tree.is_leaf else tree.builder(out_tree)
        self.used = 0


class Jitted:
    """A function compiled with XLA once per signature of its arguments (see `jit`)."""

    def __init__(self, f: Callable, static_argnums, static_argnames, donate_argnums, donate_argnames, device):
        self.fun = f
        self._name = getattr(f, "__name__", type(f).__name__)
        self._arguments = Arguments(f)
        self._static_nums, self.static_argnames = self._arguments.resolve_static(static_argnums, static_argnames)
        self.static_argnums = tuple(sorted(self._static_nums))
        donated, self.donate_argnames = self._arguments.resolve_static(donate_argnums, donate_argnames, "donate")
        self.donate_argnums = _donated(donated, self.donate_argnames, self._static_nums, self.static_argnames)
        self.device = None if device is None else get_device(device)
        self._cache: dict = {}  # signature -> _Entry
        # for calls with only positional Arrays: their types -> _Entry (host arrays), or their
        # (type, device) pairs -> _Entry (arrays on XLA devices)
        self._fast: dict = {}
        self._clock = itertools.count(1)
        self._plain = not self._static_nums and not self.static_argnames
        self._forget = _nothing  # drops the signatures XLA's dispatcher keeps (see `jit`)

    def _dispatched(self, *args, **kwargs):
        """A call that XLA's dispatcher does not know (see `jit`): the outputs, and the
        Executable that made them with its inputs (None, None when none ran)."""
        if _ctx.interp is CHECKER:
            return self._checked(args, kwargs), None, None  # (never handed to the dispatcher: each call is checked)
        if _ctx.interp is not EAGER:  # inside another transformation: let it see the operations,
            # unless it is a vmap that runs eagerly, for which the batched function is compiled, or
            # eager reverse or forward mode on small arrays, for which the function and its pullback
            # (or its jvp) are
            if _jit_batched.runs_batched(_ctx.interp):
                outs = _jit_batched.call(self, _ctx.interp, args, kwargs)
                if outs is not _jit_batched.LEFT:
                    return outs, None, None
            elif _jit_grad.runs_compiled(self, _ctx.interp):
                outs = _jit_grad.call(self, _ctx.interp, args, kwargs)
                if outs is not _jit_grad.LEFT:
                    return outs, None, None
            elif self._static_nums or self.static_argnames:  # (as those calls do: an unhashable one is refused)
                self._split(args, kwargs)
            return converted(self.fun)(*args, **kwargs), None, None
        entry, arrays = self._find(args, kwargs)
        outs = entry.build(entry.executable.run(arrays))
        if len(self._cache) >= config.jit_cache_size:  # full: calls stay here, where recency is kept
            return outs, None, None
        return outs, entry.executable, arrays

    def _checked(self, args: tuple, kwargs: dict):
        """The outputs of the compiled program, where NaNs or infinities are checked for
        (core/checking.py): where they hold some, the function runs again operation by
        operation, which raises at one that makes them from operands without any (where none
        does, they came from the operands or from constants, and the outputs stand)."""
        entry, arrays = self._find(args, kwargs)
        outs = entry.build(entry.executable.run(arrays))
        if CHECKER.found(tree.leaves(outs)):
            converted(self.fun)(*args, **kwargs)
        return outs

    def _find(self, args: tuple, kwargs: dict) -> tuple[_Entry, Sequence]:
        """The compiled signature for the call, compiled now if new, and its input Arrays."""
        if kwargs or not self._plain:
            return self._call(args, kwargs)
        entry = self._fast.get(_host_signature(args))
        if entry is None:
            return self._call_other(args, kwargs)
        entry.used = next(self._clock)
        return entry, args

    def _call_other(self, args: tuple, kwargs: dict) -> tuple[_Entry, Sequence]:
        """A call off the fast path of host values: that of Arrays on XLA devices, else the
        general path."""
        try:
            entry = self._fast.get(tuple([(a.aval, a._device) for a in args]))
        except AttributeError:  # not all on XLA devices
            entry = None
        if entry is None:
            return self._call(args, kwargs)
        entry.used = next(self._clock)
        return entry, args

    def _call(self, args: tuple, kwargs: dict) -> tuple[_Entry, Sequence]:
        key, arrays = self._key(args, kwargs)
        entry = self._cache.get(key)
        if entry is None:
            entry = self._compile(key, args, kwargs)
        elif self._plain and not kwargs:
            signature = _host_signature(args)  # (a program for an XLA device takes only host Arrays there)
            if None not in signature and (key[3] is CPU or all(a.__class__ in HOST for a in args)):
                self._fast[signature] = entry
            elif key[3] is not CPU and all(isinstance(a, Array) and a.device is not CPU for a in args):
                self._fast[tuple([(a.aval, a.device) for a in args])] = entry
        entry.used = next(self._clock)
        return entry, arrays

    def _split(self, args: tuple, kwargs: dict) -> tuple[Sequence[int], tuple, tuple[tuple, dict]]:
        """The positions of the call's static arguments, the static arguments as a signature
        holds them (with their types: 1 and 1.0 are equal, but trace differently), and the
        traced arguments."""
        nums = self._arguments.positions(self._static_nums, len(args)) if self._static_nums else ()
        static = (tuple((i, type(args[i]), args[i]) for i in sorted(nums)),
                  tuple(sorted((k, type(v), v) for k, v in kwargs.items() if k in self.static_argnames)))
        try:
            hash(static)
        except TypeError:
            raise self._unhashable(static) from None
        return nums, static, _dynamic(args, kwargs, nums, self.static_argnames)

    def _key(self, args: tuple, kwargs: dict):
        """The call's signature (see the module docstring) and the Arrays of its traced leaves."""
        nums, static, dynamic = self._split(args, kwargs)
        leaves, in_tree = tree.flatten(dynamic)
        try:
            hash(in_tree)
        except TypeError:
            raise _unhashable_aux(in_tree) from None
        arrays = [x if x.__class__ in HOST else _input(x, i, in_tree, args, nums, self._arguments)
                  for i, x in enumerate(leaves)]
        types = _signature(arrays)
        if all([a.__class__ in HOST for a in arrays]):
            device = self.device or CPU
        else:  # some arrays live on an XLA device
            device = self.device or placement(f"jit of {self._name}", arrays)
            if device is CPU:
                arrays = [CPU.put(a) for a in arrays]
        return (in_tree, types, static, device), arrays

    def _unhashable(self, static) -> TypeError:
        for name, v in self._statics(static).items():
            try:
                hash(v)
            except TypeError:
                return _unhashable_error(name, v)
        raise AssertionError("unreachable: some static argument is unhashable")

    def _compile(self, key, args, kwargs) -> _Entry:
        if config.explain_cache_misses and self._cache:
            print(f"fx.jit: compiling {self._name} again: {self._explain(key)}", file=sys.stderr)
        if config.log_compiles:
            print(f"fx.jit: compiling {self._name} for ({self._describe(key)})", file=sys.stderr)
        nums = key[2][0] and tuple(i for i, _, _ in key[2][0])
        program, _, out_tree = trace(self.fun, args, kwargs, nums, self.static_argnames, self._arguments)
        if any(isinstance(c, Tracer) for c in program.consts):  # (only a call under a transformation meets one)
            raise op_error(TracerLeakError, "jit", "the function uses a traced value of an enclosing "
                           "transformation that it does not receive as an argument", "pass it as an argument")
        entry = _Entry(self._compiled(program, key, len(args)), out_tree)
        entry.used = next(self._clock)
        self._cache[key] = entry
        self._evict()
        return entry

    def _evict(self):
        """Drop the least recently used signatures beyond `fx.config.jit_cache_size`. Calls
        of a full cache go through Python, which counts their recency (XLA's dispatcher does not)."""
        if len(self._cache) >= config.jit_cache_size:
            self._forget()
        if len(self._cache) > config.jit_cache_size:
            self._fast.clear()
            while len(self._cache) > max(config.jit_cache_size, 0):
                del self._cache[min(self._cache, key=lambda k: self._cache[k].used)]

    def lower(self, *args, **kwargs) -> Lowered:
        """The staged program and its XLA computation, for inspection (`.program`, `.as_text()`),
        and `.compile()`, which is called with the traced arguments of such a call (as in jax).

        >>> import fluxion as fx, fluxion.numpy as fnp
        >>> "stablehlo.sine" in fx.jit(fnp.sin).lower(fnp.ones(2)).as_text()
        True
        """
        nums = self._arguments.positions(self._static_nums, len(args))
        args, kwargs = _placeholders(args, kwargs, nums, self.static_argnames)
        program, in_tree, out_tree = trace(self.fun, args, kwargs, nums, self.static_argnames, self._arguments)
        key = self._key(args, kwargs)[0]
        entry = _Entry(self._compiled(program, key, len(args)), out_tree)
        static_args = {i: args[i] for i in sorted(nums)}
        static_kwargs = {k: v for k, v in kwargs.items() if k in self.static_argnames}

        def call(dyn_args: tuple, dyn_kwargs: dict):
            full = list(dyn_args)
            for i, a in static_args.items():
                full.insert(i, a)
            now, arrays = self._key(tuple(full), {**static_kwargs, **dyn_kwargs})
            if now != key:
                raise op_error(TypeError, "jit", f"the compiled {self._name} was called with other arguments than "
                               f"those it was lowered for: {self._difference(key, now)}",
                               "pass arguments of the lowered signature (without its static arguments), or call "
                               "the jitted function, which compiles for each signature")
            return entry.build(entry.executable.run(arrays))

        return Lowered(entry.executable, call, in_tree, out_tree)

    def _compiled(self, program: Program, key, nargs: int):
        """The XLA executable of `program` for the call signature `key`, which says the device:
        for host arguments (and no `device`), that of the arrays the function closes over, as for
        an eager operation on them all."""
        from ..backends import xla
        device = _xla_device(key[3])
        if device is None and self.device is None and any(c.device is not CPU for c in program.consts):
            device = _xla_device(placement(f"jit of {self._name}", program.consts))
        donated = self._donated_leaves(key, nargs) if device is not None else ()
        return xla.compile(optimize(_on_host(program)), device, donated)

    def _donated_leaves(self, key, nargs: int) -> tuple[tuple[int, str], ...]:
        """(index, name for messages) of the traced leaves of the donated arguments; a donated
        parameter passed by keyword is donated too."""
        if not self.donate_argnums and not self.donate_argnames:
            return ()
        nums = self._arguments.positions(frozenset(self.donate_argnums), nargs)
        names = set(self.donate_argnames)
        leaves = self._arguments.leaves(key[0], nargs, tuple(i for i, _, _ in key[2][0]))
        return tuple((k, f"argument `{name}` of the jitted {self._name}") for k, (name, (kind, which))
                     in enumerate(leaves) if (which in nums if kind == "static_argnums" else which in names))

    def trace(self, *args, **kwargs) -> Traced:
        """jax's stage before `lower`: the traced program (`.jaxpr`, `.out_info`), and `.lower()`."""
        return Traced(self.lower(*args, **kwargs))

    def eval_shape(self, *args, **kwargs) -> Any:
        """The types of the outputs of a call with these arguments (arrays, or anything with
        `.shape` and `.dtype`), found by tracing without compiling; static arguments are passed as
        they are (see `fx.eval_shape`)."""
        nums = self._arguments.positions(self._static_nums, len(args))
        static = {k: v for k, v in kwargs.items() if k in self.static_argnames}

        def dynamic(*traced, **traced_kw):
            it = iter(traced)
            return self.fun(*[args[i] if i in nums else next(it) for i in range(len(args))], **traced_kw, **static)
        return eval_shape(dynamic, *[a for i, a in enumerate(args) if i not in nums],
                          **{k: v for k, v in kwargs.items() if k not in static})

    def cache_size(self) -> int:
        """How many signatures are compiled and kept."""
        return len(self._cache)

    def clear_cache(self) -> None:
        """Forget every compiled signature (also those of its derivatives and batched forms)."""
        self._cache.clear()
        self._fast.clear()
        self._forget()
        for name in _jit_grad.CACHES + _jit_batched.CACHES:
            self.__dict__.pop(name, None)

    # messages ----------------------------------------------------------------------------
    def _statics(self, static) -> dict:
        """The static arguments of a signature by name."""
        positional, keyword = static
        return {**{self._arguments.positional_name(i): v for i, _, v in positional}, **{k: v for k, _, v in keyword}}

    def _refs(self, key) -> list[tuple[str, tuple[str, object]]]:
        """Each traced leaf of a signature: its name, and how it is passed (see `Arguments.leaves`)."""
        in_tree, _, static, _ = key
        nums = tuple(i for i, _, _ in static[0])
        return self._arguments.leaves(in_tree, len(in_tree.subtrees[0].subtrees) + len(nums), nums)

    def _leaves(self, key):
        return [n for n, _ in self._refs(key)], [ArrayType(*t) for t in key[1]]

    def _describe(self, key) -> str:
        names, types = self._leaves(key)
        parts = [f"{n}: {t}" for n, t in zip(names, types)]
        parts += [f"{n}={v!r}" for n, v in self._statics(key[2]).items()]
        return ", ".join(parts)

    def _explain(self, key) -> str:
        """What differs between `key` and the most similar signature compiled before."""
        return self._difference(min(self._cache, key=lambda k: _distance(k, key)), key)

    def _difference(self, old, key) -> str:
        """What differs between the signatures `old` and `key`."""
        if old[0] != key[0]:
            (was, _), (now, _) = self._leaves(old), self._leaves(key)
            if was == now:
                moved = [f"argument `{n}` is passed {_how(b)} now, {_how(a)} before" for n, a, b
                         in zip(now, _kinds(self._refs(old)), _kinds(self._refs(key))) if a != b]
                return "; ".join(moved) or f"the argument containers changed from {old[0]} to {key[0]}"
            return f"the traced arguments changed from ({', '.join(was)}) to ({', '.join(now)})"
        if old[1] != key[1]:
            names, types = self._leaves(key)
            _, before = self._leaves(old)
            return "; ".join(f"argument `{n}` changed from {a} to {b}"
                             for n, a, b in zip(names, before, types) if a != b)
        if old[2] != key[2]:
            was, now = self._passed(old[2]), self._passed(key[2])
            return "; ".join(_static_change(n, was.get(n), now.get(n)) for n in dict.fromkeys([*was, *now])
                             if was.get(n) != now.get(n))
        return f"the device changed from {old[3]} to {key[3]}"

    def _passed(self, static) -> dict:
        """The static arguments of a signature by name: (type, value, how it is passed)."""
        positional, keyword = static
        return {**{self._arguments.positional_name(i): (t, v, "static_argnums") for i, t, v in positional},
                **{k: (t, v, "static_argnames") for k, t, v in keyword}}


def _kinds(refs) -> list[str]:
    return [kind for _, (kind, _) in refs]


def _how(kind: str) -> str:
    """How an argument is passed, from the kind of its `Arguments.leaves` reference."""
    return "by position" if kind == "static_argnums" else "by keyword"


def _static_change(name: str, was, now) -> str:
    """How static argument `name` changed between two signatures: each is (type, value, how
    it is passed), or None where it is not passed (its default, if any, is used)."""
    if was is None:
        return f"static argument `{name}` is passed now ({now[1]!r}), it was not before"
    if now is None:
        return f"static argument `{name}` is not passed now, it was {was[1]!r} before"
    if was[:2] != now[:2]:
        return f"static argument `{name}` changed from {was[1]!r} to {now[1]!r}"
    return f"static argument `{name}` is passed {_how(now[2])} now, {_how(was[2])} before"


def _xla_device(device):
    """The XLA device a program is compiled for: None for the host (host arrays in and out)."""
    return None if device is CPU else device


def _on_host(program: Program) -> Program:
    """`program` with its constants on the host, where the passes read them (the compiled
    program takes them to its device)."""
    if all(c.__class__ is Array for c in program.consts):
        return program
    return Program(program.constvars, [CPU.put(c) for c in program.consts], program.inputs, program.equations,
                   program.outputs)


def _nothing() -> None:
    pass


def _signature(arrays) -> tuple:
    """(shape, dtype, weak) of each Array, from its type: the output of a compiled call may
    still be computed, and this does not wait for it."""
    return tuple([((t := a.aval).shape, t.dtype, t.weak) for a in arrays])


def _host_signature(args) -> tuple:
    """`_signature(args)` where the arguments are host Arrays or NumPy arrays, and the type of
    those that are Python scalars (which fixes their weak dtype); elsewhere a None, which no
    signature has."""
    return tuple([((t := a.aval).shape, t.dtype, t.weak) if a.__class__ in HOST
                  else a.__class__ if a.__class__ in PYTHON_SCALARS
                  else (a.shape, a.dtype, False) if a.__class__ is np.ndarray and a.dtype in dtypes.ALL
                  else None for a in args])


def _distance(a, b) -> int:
    """How far apart two signatures are: a weak flag counts less than a shape or dtype, or a static argument."""
    if a[0] != b[0]:
        return 1 << 20
    leaves = sum(2 * (x[0] != y[0]) + 2 * (x[1] != y[1]) + (x[2] != y[2]) for x, y in zip(a[1], b[1]))
    statics = 0
    for x, y in zip(a[2], b[2]):  # (position or name, type, value) triples: the arguments that differ
        x, y = {k: rest for k, *rest in x}, {k: rest for k, *rest in y}
        statics += sum(x.get(k) != y.get(k) for k in {*x, *y})
    return leaves + 2 * statics + 2 * (a[3] != b[3])


def _unhashable_error(name: str, value) -> TypeError:
    if isinstance(value, Array):
        return op_error(ArgumentError, "jit", f"static argument `{name}` is an Array, which cannot be static",
                        f"pass `{name}` as a traced argument (drop it from static_argnums / static_argnames), "
                        "or pass a Python value such as a tuple")
    return op_error(ArgumentError, "jit", f"static argument `{name}` is not hashable ({type(value).__name__})",
                    "pass a hashable value, e.g. a tuple instead of a list")


def _unhashable_aux(td) -> TypeError:
    """The error for a structure of arguments with a node whose aux data is not hashable."""
    stack = [td]
    while stack:
        node = stack.pop()
        try:
            hash(node.aux)
        except TypeError:
            return op_error(TypeError, "jit", f"a {getattr(node.node, '__name__', node.node)} in the arguments has "
                            f"static data {node.aux!r} that is not hashable: the static parts of a pytree node (a "
                            "dataclass's meta fields, the aux data of a registered class) are part of the compiled "
                            "signature", "make them hashable, e.g. a tuple instead of a list (or make the value a "
                            "data field)")
        stack.extend(node.subtrees)
    raise AssertionError("unreachable: some node's aux data is unhashable")


def _donated(nums: frozenset, names: tuple, static_nums: frozenset, static_names: tuple) -> tuple[int, ...]:
    both = [str(i) for i in sorted(nums & static_nums)] + [f"`{n}`" for n in names if n in static_names]
    if both:
        raise op_error(ValueError, "jit", f"argument {both[0]} is both static and donated",
                       "donate only traced arguments (remove it from donate_argnums / donate_argnames)")
    return tuple(sorted(nums))


LIVE: weakref.WeakSet = weakref.WeakSet()  # every Jitted not yet garbage-collected (for fx.clear_caches)


def jit(f: Callable | None = None, *, static_argnums: int | Sequence[int] = (), static_argnames=(),
        donate_argnums: int | Sequence[int] = (), donate_argnames=(), device=None, keep_unused: bool = False,
        inline: bool = False, backend: str | None = None, in_shardings=None, out_shardings=None) -> Any:
    """Compile `f` with XLA: traced once per signature of its arguments, then cached.

    Arguments in `static_argnums` / `static_argnames` are Python values baked into the
    program (they must be hashable; a new value compiles again); the others are traced, and
    Python control flow on them is converted to fx.cond / fx.while_loop / fx.scan (or raises
    an error naming the fix when it cannot be). Arrays the function closes over become
    constants of the program when it is traced: pass a value that
    changes as an argument. `fx.config.jit_cache_size` bounds how many signatures are kept.

    `device` (one of `fx.devices()` or a name such as "xla-cpu:0" or "gpu") is where it runs:
    the arguments are moved there and the results stay there. Without it, a call on arrays
    of an XLA device runs on that device and leaves its results there; a call on host arrays
    runs on XLA's CPU and gives host arrays.

    `donate_argnums` / `donate_argnames` (positions / names; a parameter named either way is
    donated however it is passed) hand the arguments' memory to XLA, which may write results
    into it (a training step updating its parameters needs no second copy of them). When the
    function runs on an XLA device, the donated arrays that were on it are deleted by the
    call: using one afterwards raises an error naming the argument (`x.is_deleted()` tells);
    donated host arrays and arrays of other devices reach XLA as copies and stay usable. For
    host arrays (the NumPy cpu:0 device) donation does nothing: the call reads the inputs
    where they are, and they keep their values.

    Inside another transformation (grad, or an enclosing jit) the function is not compiled on
    its own: its operations are seen by that transformation (a call on constants only may run
    its compiled program, whose results are constants there too). Under a vmap that runs
    eagerly, the batched function is compiled, as `jit(vmap(f))` would be.

    The result has `lower(*args)`, `trace(*args)`, `cache_size()` and `clear_cache()`, and the
    function's name and docstring. `keep_unused` and `inline` are accepted as jax's are: every
    argument reaches the compiled call, and a jitted function called under another transformation
    is always inlined into it. jax's `backend` names a device kind ("cpu" is where host arrays
    run anyway), and its `in_shardings` / `out_shardings` may be None (one device).

    >>> import fluxion as fx, fluxion.numpy as fnp
    >>> f = fx.jit(lambda x: fnp.sin(x) * 2)
    >>> f(fnp.zeros(3)).tolist()
    [0.0, 0.0, 0.0]
    >>> f(fx.device_put(fnp.zeros(3), "xla-cpu:0")).device
    xla-cpu:0
    >>> step = fx.jit(lambda w, g: w - 0.1 * g, donate_argnums=0)
    >>> w = fx.device_put(fnp.ones(3), "xla-cpu:0")
    >>> new_w = step(w, fnp.ones(3))
    >>> w.is_deleted(), new_w.tolist()
    (True, [0.9, 0.9, 0.9])
    """
    if f is None:
        return functools.partial(jit, static_argnums=static_argnums, static_argnames=static_argnames,
                                 donate_argnums=donate_argnums, donate_argnames=donate_argnames, device=device,
                                 backend=backend, in_shardings=in_shardings, out_shardings=out_shardings)
    require_callable("jit", f)
    if in_shardings is not None or out_shardings is not None:
        raise op_error(UnsupportedError, "jit", "in_shardings / out_shardings place a program on several devices, "
                       "and fluxion's jit runs it on one", "omit them, and pass device= for the one device")
    if backend not in (None, "cpu") and device is None:
        device = backend
    return dispatching(Jitted(f, static_argnums, static_argnames, donate_argnums, donate_argnames, device))


def dispatching(jitted: Jitted):
    """The function that calls `jitted`: through XLA's dispatcher, which runs the programs of the
    signatures it has seen without entering Python (backends/xla/dispatch.py)."""
    from ..backends.xla import dispatch
    LIVE.add(jitted)
    dispatched = functools.update_wrapper(dispatch.dispatcher(
        jitted._name, jitted.fun, jitted._dispatched, jitted.static_argnums, jitted.static_argnames), jitted.fun)
    for name in _PUBLIC:
        setattr(dispatched, name, getattr(jitted, name))
    jitted._forget = dispatched.forget
    itself = weakref.ref(dispatched)  # (a deep copy of a jitted function is itself, as of any function)
    dispatched.__deepcopy__ = lambda memo: itself()
    return dispatched


@contextlib.contextmanager
def disable_jit(disable: bool = True):
    """Inside the block, functions made by `jit` run as plain Python, operation by operation, for
    debugging: `print` shows values and a breakpoint stops in them.

    >>> import fluxion as fx, fluxion.numpy as fnp
    >>> f = fx.jit(lambda x: print(x) or x * 2)
    >>> with fx.disable_jit():
    ...     f(fnp.asarray([1.0, 2.0])).tolist()
    [1. 2.]
    [2.0, 4.0]
    """
    from ..backends.xla import dispatch
    with dispatch.disabled(disable):
        yield


@contextlib.contextmanager
def ensure_compile_time_eval():
    """jax's block in which operations on values known while tracing are computed at once. In
    fluxion they always are: under `jit`, what does not depend on the arguments is computed as
    it is traced (so it can decide shapes and Python control flow), and the block changes nothing.

    >>> import fluxion as fx, fluxion.numpy as fnp
    >>> @fx.jit
    ... def f(x):
    ...     with fx.ensure_compile_time_eval():
    ...         n = int(fnp.arange(4).sum())
    ...     return fnp.zeros(n) + x
    >>> f(1.0).tolist()
    [1.0, 1.0, 1.0, 1.0, 1.0, 1.0]
    """
    yield


_PUBLIC = ("fun", "static_argnums", "static_argnames", "donate_argnums", "donate_argnames", "device", "lower",
           "trace", "eval_shape", "cache_size", "clear_cache")
