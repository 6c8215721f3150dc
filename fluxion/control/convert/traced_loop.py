"""The traced path of a converted loop: one fx.while_loop, or one fx.scan over a traced array.

The carried state settles first: the body is traced, and a Python number it changes becomes
an array of the type the body gives it, a weak initial value takes the type the body gives it, a return value not set
before the loop starts from zeros of the one the body sets; then the body is traced again,
until nothing changes. A variable that cannot be carried from pass to pass (it grows, or
changes type, or exists only inside the loop) becomes an Undefined saying why: the body may
still assign and use it within a pass, and using it elsewhere raises, naming the loop.
"""
from __future__ import annotations

import functools
import types
from typing import Callable, Sequence

import numpy as np

from ...core import dtypes, tree
from ...core.array import Array, Tracer
from ...core.interpreters import push
from ...core.types import ArrayType
from .._subprogram import join
from . import inplace
from .errors import UNSET, Undefined, conversion_error
from .probe import (Probe, Replay, arraylike, aval, cast, describe, dynamic, label, paths, refuse_changed_sets, same,
                    truth, zeros)

_ROUNDS = 8  # a carried type changes at most a few times (Python number -> weak array -> strong array)


def _settle(fn: Callable, prefix: tuple, state: list, names: Sequence[str], where: str, kind: str, why: str,
            grows: bool = False):
    """Trace `fn(*prefix, *state)` until the types of the carried variables stop changing;
    returns the last trace and the settled initial state. `why` says why the loop is traced.
    With `grows`, a Python list that a pass lengthens gives (None, state) at once."""
    loop = f"the `{kind}` loop at {where}"
    for i, v in enumerate(state):
        if isinstance(v, Undefined) and not v.problem:  # a variable the loop defines (one with a problem keeps it)
            state[i] = Undefined(names[i], f"{label(names[i], names[i])} is read in {loop} before it is assigned "
                                 f"there; its value from the previous pass is not carried, because {why}",
                                 "assign it before the loop")
    for _ in range(_ROUNDS):
        dyn, _ = dynamic((*prefix, *state))
        probe = Probe(fn, (*prefix, *state), dyn)
        refuse_changed_sets(probe, [""] * len(prefix) + list(names), kind, where,
                            f"{why}, so one traced pass stands for every pass, and the set would take its changes once")
        changed = False
        for i, name in enumerate(names):
            if grows and type(state[i]) is list and type(probe.out[i]) is list and len(probe.out[i]) != len(state[i]):
                return None, state
            new = _settle_name(name, state[i], probe.out[i], probe.parts[i], loop, why)
            if new is not state[i]:
                state[i], changed = new, True
        if not changed:
            return probe, state
    raise conversion_error(kind, f"the types of the variables carried by {loop} keep changing ({why})",
                           "give each carried variable its final shape and dtype before the loop")


def _settle_name(name: str, v, out, parts, loop: str, why: str):
    """The initial value of a carried variable once it fits what the body makes of it."""
    if isinstance(v, Undefined) or out is v:
        return v
    if isinstance(out, Undefined) and out.problem:  # a statement in the body could not give it a value: why
        return out
    if v is UNSET:  # a return inside the loop: start from zeros of the value it returns
        return UNSET if out is UNSET else tree.map(lambda x: zeros(aval(x)) if arraylike(x) else x, out)
    traced = f"{loop} ({why})"
    if isinstance(out, (types.FunctionType, types.MethodType)) and out is not v:
        return Undefined(name, f"{label(name, name)} is made a new Python function in a pass of {traced}; such a "
                         "loop carries arrays, not functions", "define the function after the loop (or before it, "
                         "taking the values it needs as arguments), and carry those values as arrays")
    leaves, treedef = tree.flatten(v)
    if parts[1] != treedef:
        if v is None:
            return Undefined(name, f"{label(name, name)} is None before {traced}, but a pass makes it {describe(out)}",
                             "start it from a value of the type the loop gives it (e.g. fnp.zeros(shape, dtype)), "
                             "not None")
        if type(v) is list and type(out) is list:
            return Undefined(name, f"the Python list `{name}` changes length (from {len(v)} to {len(out)} items) in "
                             f"a pass of {traced}", "collect the values in an array: write into one made before the "
                             "loop (acc = acc.at[i].set(v)), or loop with fx.scan, whose outputs are stacked")
        return Undefined(name, f"{label(name, name)} has structure {treedef} before {traced}, but {parts[1]} after a "
                         "pass", "keep its structure (containers, list lengths) the same in every pass")
    new, changed = [], False
    for path, a, b in zip(paths(name, treedef), leaves, parts[0]):
        if not isinstance(a, Array) and same(a, b):  # a Python value the body leaves alone stays Python
            new.append(a)
            continue
        if not isinstance(a, Array) and not (arraylike(a) and arraylike(b)):
            return Undefined(name, f"{label(path, name)} is a Python {type(a).__name__} that a pass of {traced} "
                             "changes", "make it an array before the loop (e.g. fnp.asarray(...)) so it can be "
                             "carried, or change it outside the loop")
        # a number the body changes is carried at once in the type the body gives it (as `x += y` needs)
        fit = join(aval(a), aval(b)) if arraylike(b) else None
        if fit is None:
            return Undefined(name, f"{label(path, name)} enters {loop} as {describe(a)} but a pass makes it "
                             f"{describe(b)}; {why}, so it must keep one type",
                             "give it its final shape and dtype before the loop (e.g. fnp.zeros(shape, dtype) "
                             "or x.astype(...)), and keep it in every pass")
        if not isinstance(a, Array) or fit != a.aval:
            a, changed = cast(a, fit), True
        new.append(a)
    return tree.unflatten(treedef, new) if changed else v


def _still(probe: Probe, skip: int, state: list) -> dict[int, Array]:
    """The carried leaves (by index among the leaves of `state`) that a pass rebinds on some
    paths only (an inner traced `if` or loop does), each with the condition, in the pass, that
    it still holds the array that came in."""
    ins, outs = probe.ins[skip:], [x for part in probe.parts for x in part[0]]
    found = {}
    with push(probe.staging):
        for k, (a, x, b) in enumerate(zip(tree.leaves(tuple(state)), ins, outs)):
            if isinstance(a, Array) and b is not x:
                found[k] = inplace.condition(b, x)
    return {k: c for k, c in found.items() if c is not None}


def _body(probe: Probe, state: list, still: dict[int, Array]) -> Callable:
    """The replayed body: the carried leaves (the state's arrays) in, the same leaves out, then
    whether each leaf of `still` has stayed the array that came in, since the loop began (`c & ...`)."""
    replay = Replay(probe)
    for i, v in enumerate(state):
        if isinstance(v, Undefined) or v is UNSET:
            continue
        for a, b in zip(tree.leaves(v), probe.parts[i][0]):
            if isinstance(a, Array):
                replay.take(b, a.aval)
    for flag in still.values():
        replay.take(flag, ArrayType((), dtypes.bool_))
    run, m = replay.function(), len(replay.picked) - len(still)
    if not still:
        return run

    def body(*ins):
        outs = run(*ins[:len(ins) - len(still)])
        return (*outs[:m], *[f & g for f, g in zip(ins[len(ins) - len(still):], outs[m:])])
    return body


def _after(entry: tuple, state: list, outs, names: Sequence[str], where: str, kind: str, why: str) -> tuple:
    """The state after the loop: carried leaves from `outs`; a variable the loop alone defines has no value."""
    outs = iter(outs)
    result = []
    for name, before, v in zip(names, entry, state):
        if isinstance(before, Undefined) and not before.problem:
            v = Undefined(name, f"{label(name, name)} is assigned only inside the `{kind}` loop at {where} ({why}), "
                          "so it has no value after it", "assign it before the loop")
        elif not isinstance(v, Undefined) and v is not UNSET:
            v = tree.map(lambda x: next(outs) if isinstance(x, Array) else x, v)
        result.append(v)
    return tuple(result)


def _adopt(probe: Probe, skip: int, entry: tuple, settled: list, after: tuple, names: Sequence[str], where: str,
           kind: str, idle: Callable[[], Array], still: dict[int, Array]) -> tuple:
    """`after` where the body updated a carried array in place: the array that came in takes its
    value after the loop, so that its other names see it too (see inplace.py). An array the
    body rebinds is still the one that came in where the loop makes no pass (`idle()`), or,
    where a pass rebinds it on some paths only, where flag `still[k]` says so: they are linked
    there. The body's inputs are its `skip` other arguments, then the leaves of `settled`."""
    updated = inplace.updated([probe], skip, tuple(settled), names, where, kind)
    origs = []  # the arrays that came in (before _settle cast them)
    for a, b in zip(entry, settled):
        xs, ys = tree.leaves(a), tree.leaves(b)
        origs += xs if len(xs) == len(ys) else ys
    leaves, treedef = tree.flatten(after)
    body_out = [x for part in probe.parts for x in part[0]]
    for k, orig in enumerate(origs):
        if not isinstance(orig, Array):
            continue
        rebound = body_out[k] is not probe.ins[skip + k]
        if k not in updated:
            if rebound:
                inplace.link(leaves[k], orig, still[k] if k in still else idle())
            continue
        if rebound and isinstance(orig, Tracer):
            path = inplace.leaf_labels(tuple(settled), names)[k]
            raise conversion_error(kind, f"`{path}` is updated in place in the `{kind}` loop at {where} (whose "
                                   "condition is traced) and then bound to another array, so the array it held "
                                   "before would take only the first pass's update, which the loop cannot carry",
                                   "update it only in place (x[i] = v, x += y), or only as a new array "
                                   "(x = x.at[i].set(v), x = x + y), in the loop")
        leaves[k] = inplace.adopt(orig, leaves[k])
    return inplace.kept_containers(entry, tree.unflatten(treedef, leaves), [probe], skip)


def while_loop(test: Callable, body: Callable, state: tuple, names: Sequence[str], where: str, kind: str) -> tuple:
    """The state after `while test(*state): state = body(*state)`, as one fx.while_loop."""
    from ..loops import while_loop as fx_while
    why = "the loop's condition is traced"
    probe, settled = _settle(body, (), list(state), names, where, kind, why)
    dyn, carry = dynamic(settled)
    still = _still(probe, 0, settled)
    run_body = _body(probe, settled, still)
    test_probe = Probe(lambda *s: (truth(kind, test(*s)),), tuple(settled), dyn)
    replay = Replay(test_probe)
    replay.take(test_probe.out[0], ArrayType((), dtypes.bool_))
    run_test = replay.function()
    m = len(carry)
    outs = fx_while(lambda c: run_test(*c[:m])[0], lambda c: run_body(*c), (*carry, *_true(still)))
    idle = functools.cache(lambda: ~run_test(*carry)[0])
    return _adopt(probe, 0, state, settled, _after(state, settled, outs[:m], names, where, kind, why), names, where,
                  kind, idle, dict(zip(still, outs[m:])))


def scan(body: Callable, xs: Array, state: tuple, names: Sequence[str], where: str, kind: str) -> tuple | None:
    """The state after `for x in xs: state = body(x, *state)`, as one fx.scan over traced `xs`;
    None when a pass appends to a Python list (a scan cannot carry it)."""
    from ..scan import scan as fx_scan
    item = Array(np.zeros(xs.shape[1:], xs.dtype), xs.weak)  # stands for a slice while the body is traced
    why = "the loop runs over a traced array"
    probe, settled = _settle(body, (item,), list(state), names, where, kind, why, grows=True)
    if probe is None:
        return None
    _, carry = dynamic(settled)
    still = _still(probe, 1, settled)
    run_body = _body(probe, settled, still)
    outs, _ = fx_scan(lambda c, x: (run_body(x, *c), None), (*carry, *_true(still)), xs)
    idle = lambda: Array(np.asarray(len(xs) == 0))  # noqa: E731
    m = len(carry)
    return _adopt(probe, 1, state, settled, _after(state, settled, outs[:m], names, where, kind, why), names, where,
                  kind, idle, dict(zip(still, outs[m:])))


def _true(still: dict) -> list[Array]:
    """The initial flags of `still` (see `_body`)."""
    return [Array(np.asarray(True)) for _ in still]
