"""Tracing a converted statement's function once on the statement's state (`Probe`), and replaying it.

The traced path of a statement (traced_if.py, traced_loop.py) traces each of its functions
here on abstract values of the state's arrays; Python values in the state are passed as
they are. The recorded program is replayed inside the primitive's functions (`Replay`), so
the user's Python runs once per trace, and a nested statement is not traced again by each
enclosing level. Recording uses fluxion.control's staging interpreter, which also records
operations on closed-over values, so a branch computes only when it is taken.
"""
from __future__ import annotations

from typing import Callable, Sequence

import numpy as np

from ...core import dtypes, tree
from ...core.array import Array, Tracer, to_array
from ...core.errors import ConcretizationError
from ...core.interpreters import push
from ...core.program import Program, evaluate, has_effects
from ...core.types import ArrayType
from ...ops import elementwise as E
from ...transforms.passes import dce
from .._subprogram import _Recording, leaf_paths, scalar_predicate
from .errors import conversion_error

_NUMBERS = (bool, int, float, complex, np.generic, np.ndarray)
_WIDE = {float: np.dtype(np.float64), complex: np.dtype(np.complex128)}


def arraylike(x) -> bool:
    """Whether `x` can be carried by a primitive (an array, or a number that becomes one)."""
    return isinstance(x, (Array, *_NUMBERS))


def as_array(x) -> Array:
    """A Python number as an array; bools are strong (flags gain nothing from a weak type). A
    Python float or complex keeps the double precision it has in Python, weakly: a loop
    `while t < T` on a float64 `T` runs as often traced as in Python, and the value still takes
    a float32 operand's dtype."""
    if x.__class__ in _WIDE:
        return Array(np.asarray(x, _WIDE[x.__class__]), weak=True)
    return to_array(x, dtypes.bool_) if isinstance(x, bool) else to_array(x)


def aval(x) -> ArrayType:
    return x.aval if isinstance(x, Array) else as_array(x).aval


def same(a, b) -> bool:
    """Whether two Python values are interchangeable (arrays never are: they are carried)."""
    if a is b:
        return True
    if type(a) is not type(b) or isinstance(a, (Array, np.ndarray)):
        return False
    try:
        return bool(a == b)
    except Exception:  # an object whose comparison does not give a truth value
        return False


def zeros(a: ArrayType) -> Array:
    return Array(np.zeros(a.shape, a.dtype), a.weak)


def cast(x, a: ArrayType) -> Array:
    x = as_array(x)
    if x.dtype == a.dtype and x.weak == a.weak:
        return x
    return E.convert_element_type_p.bind(x, new_dtype=a.dtype, weak=a.weak)


def is_traced(x) -> bool:
    """Whether `x` is a traced value: one whose value is unknown until the program runs."""
    if not isinstance(x, Tracer):
        return False
    if type(x)._concrete is Tracer._concrete:
        return True
    try:
        x._concrete("control flow")
    except ConcretizationError:
        return True
    return False


def truth(op: str, x) -> Array:
    """A traced value as the 0-d bool that Python's `bool(x)` would give."""
    return scalar_predicate(op, "the condition", x, allow_numbers=True)


def describe(x) -> str:
    if arraylike(x):
        return str(aval(x))
    shown = repr(x)
    return f"the Python {type(x).__name__} {shown}" if len(shown) <= 40 else f"a Python {type(x).__name__}"


def refuse_changed_sets(probe: Probe, names: Sequence[str], kind: str, where: str, how: str) -> None:
    """The error for a variable (of `names`, one per argument of the probe) that is a set the
    traced code changed in place: `how` the statement's body is traced, which a set cannot follow."""
    for i in probe.changed_sets:
        raise conversion_error(kind, f"{label(names[i], names[i])} is a set that the `{kind}` at {where} changes in "
                               f"place, but {how}", "record membership in an array instead (a boolean mask: "
                               "seen = seen.at[i].set(True)), or make the condition static (static_argnums)")


def label(path: str, name: str) -> str:
    """How a message names a value: variable `acc[1]`, or a description such as the loop index."""
    if name.isidentifier():
        return f"variable `{path}`"
    return name if path == name else f"{name} (its part {path[len(name):]})"


def paths(name: str, treedef) -> list[str]:
    """A path like `acc[1]` for each leaf of a variable's structure."""
    return leaf_paths(treedef, name)


def dynamic(values) -> tuple[list[bool], list[Array]]:
    """Which leaves of `values` are arrays (a primitive carries them), and those arrays."""
    leaves = tree.leaves(tuple(values))
    dyn = [isinstance(x, Array) for x in leaves]
    return dyn, [x for x, d in zip(leaves, dyn) if d]


class Probe:
    """A function traced once on `args`, whose leaves marked `dyn` are abstract; its outputs per name."""

    def __init__(self, fn: Callable, args: tuple, dyn: Sequence[bool]):
        sets = {i: set(a) for i, a in enumerate(args) if a.__class__ is set}
        leaves, in_tree = tree.flatten(args)
        self.staging = staging = _Recording()
        with push(staging):
            ins = [staging.new_input(x.aval) if d else x for x, d in zip(leaves, dyn)]
            self.passed = tree.unflatten(in_tree, ins)  # (new lists and dicts: the function's own)
            self.out = fn(*self.passed)
        self.parts = [tree.flatten(v) for v in self.out]
        # the inputs (by leaf index) that an in-place update (`x += y`, `x[i] = v`) gave a new value
        self.ins, firsts = ins, iter(staging.inputs)
        self.updated = [k for k, d in enumerate(dyn) if d and ins[k]._var is not next(firsts)]
        self._index = {id(x): k for k, (x, d) in enumerate(zip(ins, dyn)) if d}
        # the arguments that are sets the function changed in place (given back their items for the next trace)
        self.changed_sets = [i for i, items in sets.items() if args[i] != items]
        for i in self.changed_sets:
            args[i].clear(), args[i].update(sets[i])

    def kept(self, x) -> int | Array | None:
        """The leaf index of the input that `x` is (the function left it in its variable), `x`
        itself if it is an array but not a value of this trace (the function read it from outside
        or made it concrete), or None."""
        k = self._index.get(id(x))
        if k is None and isinstance(x, Array) and getattr(x, "_interp", None) is not self.staging:
            return x
        return k

    def program(self, outputs: list) -> Program:
        return dce(self.staging.program(outputs))

    @property
    def effectful(self) -> bool:
        """Whether the function did something besides computing values (a debug print, say)."""
        return any(map(has_effects, self.staging.equations))


class Replay:
    """What one traced function gives the primitive: chosen output leaves in given types, or zeros."""

    def __init__(self, probe: Probe):
        self.probe = probe
        self.picked: list = []
        self.recipe: list[tuple[int | None, ArrayType]] = []

    def take(self, leaf, a: ArrayType) -> None:
        self.recipe.append((len(self.picked), a))
        self.picked.append(leaf if isinstance(leaf, Array) else as_array(leaf))

    def zeros(self, a: ArrayType) -> None:
        self.recipe.append((None, a))

    def function(self) -> Callable:
        program, recipe = self.probe.program(self.picked), self.recipe

        def run(*ins):
            outs = evaluate(program, *ins)
            return tuple(zeros(a) if i is None else cast(outs[i], a) for i, a in recipe)

        return run
