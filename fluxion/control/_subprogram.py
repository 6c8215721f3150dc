"""Tracing a Python function on abstract values into a closed sub-program.

A control-flow primitive carries its branches or its loop body as `Program`s in its params.
`Staged` runs the function with a staging interpreter on top of the current interpreter that
records every operation the function makes, also those on values it closes over (so a branch
computes only when it is taken): the values it closes over (arrays, or traced values of the
transformations around it) become extra leading inputs of the program, which the primitive
receives as operands, so that every transformation sees them.

Params are hashed by identity, so structurally equal programs are interned to one object
(`intern`): tracing the same function again gives the same program, and the caches keyed by
params (eager abstract evaluation, jit signatures, the derived programs of the rules) hit.
"""
from __future__ import annotations

from typing import Callable, Sequence

import numpy as np

from ..core import dtypes, tree
from ..core.array import Array, Tracer, to_array
from ..core.errors import DTypeError, FluxionError, ShapeError, a_type, op_error
from ..core.interpreters import push, use
from ..core.program import Equation, Literal, Program, Var, frozen, has_effects
from ..core.rules import effectful_functions
from ..core.tree import TreeDef
from ..core.types import ArrayType
from ..ops import elementwise as E
from ..ops import shape as S
from ..transforms.autodiff.call_primitive import CallPrimitive, Forwarding
from ..transforms.autodiff.partial_eval import StagedTracer, StagingInterpreter
from ..transforms.passes import cse, dce
from ._closure import close_over

_ARRAYLIKE = (Array, np.ndarray, np.generic, bool, int, float, complex)
_INTERNED: dict = {}
_MAX_INTERNED = 10_000


class _Recording(StagingInterpreter, Forwarding):
    """A staging interpreter that records every operation, also those on values that are not
    its own. A call of a function with a custom derivative rule (custom_jvp, custom_vjp,
    checkpoint) is recorded as one equation, so that the rule applies when the program is
    differentiated. A function that closes over traced values, which are dead when it runs
    again later, takes them as leading operands (`_closure.py`)."""

    def process(self, prim, args, params):
        if isinstance(prim, CallPrimitive) and not prim.staged:
            return self._call(prim, args, params)
        if args and not any(map(self.owns, args)):
            args = [StagedTracer(self, self.var_of(args[0])), *args[1:]]
        return StagingInterpreter.process(self, prim, args, params)

    def _call(self, prim, args, params):
        probe = _Probe()
        with push(probe):  # learns the output types, and the traced values the function closes over
            outs = prim.impl(*[probe.new_input(to_array(a).aval) for a in args], **params)
        if probe.foreign:
            closed = list(probe.foreign.values())
            closing = close_over(prim, params, closed)
            if closing is None:
                return prim.impl(*args, **params)
            self.closes_over(closed)
            args, params = [*closed, *args], closing
        if any(map(has_effects, probe.equations)):  # (then the passes keep the call, even unused)
            for f in (params[k] for k in prim.functions if k in params):
                try:
                    effectful_functions.add(f)
                except TypeError:  # (a callable no weak reference can name: the call may be dropped)
                    pass
        out_vars = [Var(to_array(o).aval) for o in outs]
        self.equations.append(Equation(prim, [self.var_of(a) for a in args], out_vars, params))
        return tuple(StagedTracer(self, v) for v in out_vars)

    def closes_over(self, tracers) -> None:
        """Note that the call being recorded closes over `tracers`."""


class _Probe(_Recording):
    """A recording that notes the traced values that are not its own its operations use (by id)."""

    def __init__(self):
        super().__init__()
        self.foreign: dict = {}

    def process(self, prim, args, params):
        self.closes_over(args)
        return super().process(prim, args, params)

    def closes_over(self, tracers) -> None:
        for a in tracers:
            if isinstance(a, Tracer) and not self.owns(a):
                self.foreign[id(a)] = a


class Staged:
    """A function traced on abstract inputs, not yet closed: its output leaves can still be
    converted (to join weak and strong types) before `close` makes the program."""

    def __init__(self, op: str, what: str, fn: Callable, in_tree: TreeDef, in_avals: Sequence[ArrayType]):
        """Trace `fn(*args)`; `in_tree` is the structure of the tuple `args`, `in_avals` the types of its leaves."""
        from .convert import convert  # here: the conversion builds on this module
        self.staging = staging = _Recording()
        with push(staging):
            args = [staging.new_input(a) for a in in_avals]
            # the function's Python control flow on its traced arguments converts, under any transformation
            out = convert(fn)(*tree.unflatten(in_tree, args))
        self.outs, self.out_tree = arrays(op, f"the result of {what}", out)

    @property
    def out_avals(self) -> list[ArrayType]:
        return [x.aval for x in self.outs]

    def retype(self, i: int, aval: ArrayType) -> None:
        """Give output `i` the type `aval` it joins to (see `join`)."""
        with use(self.staging):
            self.outs[i] = as_type(self.outs[i], aval)

    def close(self) -> tuple[Program, list]:
        """The closed program (inputs: the closed-over values, then the arguments) and those values.

        Repeated computations are merged, and so are equal constants: the function makes many
        (a counter's 0 and 1, a stride), and each enclosing loop would carry every copy again."""
        p = dce(cse(self.staging.program(self.outs)))  # dce also drops closed-over values the program does not use
        return make(p.equations, [*p.constvars, *p.inputs], p.outputs), p.consts

    def constant(self) -> Program:
        """The program keeping the values it closes over as its constants (they must be concrete)."""
        p = dce(self.staging.program(self.outs))
        if any(isinstance(c, Tracer) for c in p.consts):
            raise AssertionError("a derived program closed over a traced value")
        return make(p.equations, p.inputs, p.outputs, p.constvars, p.consts)


def make(equations, inputs, outputs, constvars=(), consts=()) -> Program:
    """A program, interned when it has no constants (then equal ones are one object)."""
    p = Program(constvars, consts, inputs, equations, outputs)
    return p if consts else intern(p)


def args_tree(*trees: TreeDef) -> TreeDef:
    """The structure of a tuple of arguments with structures `trees`."""
    return TreeDef(tuple, None, trees)


def flat_tree(n: int) -> TreeDef:
    """The structure of `n` positional array arguments."""
    return tree.structure((0,) * n)


def intern(program: Program) -> Program:
    """The one program object structurally equal to `program` (itself the first time)."""
    try:
        key = _structure(program)
        hit = _INTERNED.get(key)
    except TypeError:  # a param that cannot be hashed: the program stays as it is
        return program
    if hit is not None:
        return hit
    if len(_INTERNED) > _MAX_INTERNED:
        _INTERNED.clear()
    _INTERNED[key] = program
    return program


def _structure(p: Program) -> tuple:
    """A hashable key equal for programs that compute the same thing (variables by position)."""
    ids: dict = {v: i for i, v in enumerate(p.inputs)}

    def atom(x):
        if x.__class__ is Literal:
            return ("literal", x.aval, np.asarray(x.value, x.aval.dtype).tobytes())
        return ids[x]

    eqs = []
    for eq in p.equations:
        ins = tuple(atom(x) for x in eq.inputs)
        for v in eq.outputs:
            ids[v] = len(ids)
        eqs.append((eq.prim, ins, tuple(v.aval for v in eq.outputs), frozen(eq.params)))
    key = (tuple(v.aval for v in p.inputs), tuple(eqs), tuple(atom(v) for v in p.outputs))
    hash(key)
    return key


def check_functions(op: str, **functions) -> None:
    """Raise an error naming the argument unless each of `functions` is callable."""
    for name, f in functions.items():
        if not callable(f):
            raise op_error(TypeError, op, f"{name} must be a function, got {type(f).__name__}",
                           f"pass a function for {name} (e.g. a lambda)")


def arrays(op: str, what: str, value) -> tuple[list[Array], TreeDef]:
    """The leaves of pytree `value` as Arrays, and its structure; an error names a leaf that is not an array."""
    leaves, treedef = tree.flatten(value)
    for x in leaves:
        if not isinstance(x, _ARRAYLIKE):
            raise op_error(TypeError, op, f"{what} holds {a_type(x)}, which is not an array",
                           "use arrays (or pytrees of arrays) only; functions can close over other Python values")
    return [to_array(x) for x in leaves], treedef


# type checks naming the leaf -------------------------------------------------------------------
def leaf_paths(treedef: TreeDef, root: str) -> list[str]:
    """A path like `carry[1]['w']` for each leaf of `treedef`, in flatten order."""
    if treedef.is_leaf:
        return [root]
    node, aux, children = treedef.node, treedef.aux, treedef.subtrees
    if node is dict:
        names = [f"[{k!r}]" for k in aux]
    elif isinstance(aux, tuple) and len(aux) == len(children) and all(isinstance(a, str) for a in aux):
        names = [f".{a}" for a in aux]  # dataclass fields
    elif isinstance(node, type) and hasattr(node, "_fields"):
        names = [f".{f}" for f in node._fields]
    else:
        names = [f"[{i}]" for i in range(len(children))]
    return [p for n, c in zip(names, children) for p in leaf_paths(c, root + n)]


def same_structure(a: TreeDef, b: TreeDef) -> bool:
    """`a == b`, faster (eager loops compare the carry's structure at every step)."""
    return a is b or (a.node is b.node and a.aux == b.aux and len(a.subtrees) == len(b.subtrees)
                      and all(map(same_structure, a.subtrees, b.subtrees)))


def check_structure(op: str, what: str, got: TreeDef, expected: TreeDef, fix: str) -> None:
    if got != expected:
        raise op_error(TypeError, op, f"{what} has structure {got}, expected {expected}", fix)


def mismatch(op: str, path: str, a: ArrayType, b: ArrayType, where: tuple[str, str], fix: str) -> FluxionError:
    """The error for a value `path` of type `a` in one place and `b` in another."""
    return op_error(ShapeError if a.shape != b.shape else DTypeError, op,
                    f"{path} is {a} in {where[0]} but {b} in {where[1]}", fix)


def join(a: ArrayType, b: ArrayType) -> ArrayType | None:
    """The type that values of types `a` and `b` take together (None: they cannot be one type).

    A weak type (a Python scalar's) joins a strong one of its dtype, or of a dtype it promotes
    to, as it would in arithmetic; strong types must be equal.
    """
    if a.shape != b.shape:
        return None
    if a.dtype == b.dtype:
        return a if a.weak <= b.weak else b
    for weak, other in ((a, b), (b, a)):
        if weak.weak and dtypes.result_type((weak.dtype, True), (other.dtype, other.weak))[0] == other.dtype:
            return other
    return None


def check_carry(op: str, body_name: str, in_tree: TreeDef, init_avals: Sequence[ArrayType], out_tree: TreeDef,
                out_avals: Sequence[ArrayType]) -> None:
    """Raise an error naming the leaf unless the carry out fits the carry in (see `join`)."""
    check_structure(op, f"the carry {body_name} returns", out_tree, in_tree,
                    f"return the carry with the structure of the initial value ({in_tree})")
    for path, a, b in zip(leaf_paths(in_tree, "carry"), init_avals, out_avals):
        if join(a, b) is None:
            raise mismatch(op, path, a, b, ("the initial value", f"the output of {body_name}"),
                           f"make {body_name} return each carried value with the shape and dtype it came in with "
                           "(e.g. x.astype(carry.dtype)), or give the initial value the type the body produces")


def carried(op: str, body_name: str, in_tree: TreeDef, init_avals: Sequence[ArrayType], value):
    """`value`, a carry `body_name` returned, with its leaves as Arrays, checked as `check_carry` does
    and given the types they join to with the initial value's (as the staged loop gives them)."""
    leaves, out_tree = arrays(op, f"the carry {body_name} returns", value)
    joined = [join(a, x.aval) for a, x in zip(init_avals, leaves)]
    if not same_structure(out_tree, in_tree) or None in joined:
        check_carry(op, body_name, in_tree, init_avals, out_tree, [x.aval for x in leaves])
    return tree.unflatten(out_tree, [as_type(x, t) for x, t in zip(leaves, joined)])


def stage_body(op: str, body_name: str, fn: Callable, carry_tree: TreeDef, carry_avals: list[ArrayType],
               x_tree: TreeDef | None = None, x_avals: Sequence[ArrayType] = ()):
    """Trace a loop body `fn(carry)` (or `fn(carry, x)` returning `(carry, y)` when `x_tree` is
    given) whose carry out must fit its carry in.

    The carry takes the type its initial value and the body's output join to (see `join`): when
    that is not the initial value's, the body is traced again from it. Returns the
    Staged body (carry outputs first), the settled carry types, and the structure of `y` (None
    without `x_tree`).
    """
    avals = list(carry_avals)
    while True:
        if x_tree is None:
            staged = Staged(op, body_name, fn, args_tree(carry_tree), avals)
            out_carry_tree, y_tree = staged.out_tree, None
        else:
            staged = Staged(op, body_name, fn, args_tree(carry_tree, x_tree), [*avals, *x_avals])
            out = staged.out_tree
            if out.node not in (tuple, list) or len(out.subtrees) != 2:
                raise op_error(TypeError, op, f"{body_name} must return a pair (carry, y), got structure {out}",
                               "return (new_carry, y); use None for y when there is nothing to stack")
            out_carry_tree, y_tree = out.subtrees
        out_avals = staged.out_avals[:len(avals)]
        check_carry(op, body_name, carry_tree, avals, out_carry_tree, out_avals)
        again = [join(a, b) for a, b in zip(avals, out_avals)]
        if again == avals:
            for i, a in enumerate(avals):
                staged.retype(i, a)
            return staged, avals, y_tree
        avals = again


def as_type(x: Array, aval: ArrayType) -> Array:
    """`x` given the type `aval` it joins to (see `join`)."""
    if x.dtype == aval.dtype and x.weak == aval.weak:
        return x
    return E.convert_element_type_p.bind(x, new_dtype=aval.dtype, weak=aval.weak)


def scalar_predicate(op: str, what: str, x, allow_numbers: bool) -> Array:
    """`x` as a 0-d bool: a size-1 bool array (or a number, compared with 0, if `allow_numbers`)."""
    x = to_array(x)
    ok = x.dtype == dtypes.bool_ or allow_numbers and x.dtype in dtypes.NUMERIC
    if not ok or x.size != 1:
        kind = "a boolean" + (" or a number" if allow_numbers else "")
        fix = ("reduce it to one value, e.g. (x > 0).all() or x[0] > 0" if x.size != 1 else
               "make it a comparison, e.g. x < 3.0 rather than 3.0 - x")
        raise op_error(TypeError, op, f"{what} must be a scalar ({kind}), got {x.aval}", fix)
    if x.ndim:
        x = S.reshape(x, ())
    if x.dtype != dtypes.bool_:
        zero = S.full((), 0, x.dtype)
        x = E.ne_p.bind(x, zero)
    return x
