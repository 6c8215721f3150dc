"""The traced path of a converted `if` (and of `a if c else b`): one fx.cond.

Both branches are traced on the state, and the results are joined name by name:

- a value every branch leaves as the same Python object stays a Python value (a flag that
  both branches set to True stays True; a Python object the branches do not touch stays);
- arrays, and Python numbers that differ, become outputs of the cond, in their joined type
  (a weak type joins a strong one; strong types must agree);
- the return value of a branch that has not returned is zeros of the other branch's value
  (the do-return flag guards it, see lower.py);
- after a branch that has surely returned, only the return value is read, so its other
  variables do not take part (in `if a: y = 1 / elif b: return x / else: y = 2`, `y` is
  joined from the first and last branches only); after one that has surely left the pass
  (`break`, `continue`), a variable it leaves without a value does not take part either:
  the code that would read it there does not run;
- an array that came in and that every branch leaves in its variable (perhaps updated in
  place) is still that object afterwards, and an array a branch updated in place takes the
  value it has after the cond (one more output), so that its other names see it (inplace.py);
  where only some branches leave it there, the cond's output is linked to it on those
  branches' conditions: an in-place update of either reaches the other there;
- a variable that cannot be joined (assigned on one branch only, of two shapes, two
  different strings...) has no value afterwards: an Undefined that raises, naming the `if`,
  only where the program uses it.
"""
from __future__ import annotations

import functools

from typing import Callable, Sequence

from ...core import tree
from ...core.array import Array
from ...core.errors import FluxionError
from .._subprogram import join
from . import inplace
from .errors import UNSET, Undefined, conversion_error
from .lower import JUMPED, RETURN_VALUE, RETURNED
from .probe import (Probe, Replay, arraylike, aval, describe, dynamic, label, paths, refuse_changed_sets, same,
                    truth)


class _Slot:
    """A leaf of the joined state that the cond computes; `kept[k]` is what branch `k` leaves
    there of what came in: a leaf of the state (by index), another array, or None."""

    def __init__(self, kept: dict[int, int | Array | None]):
        self.kept = kept


class _Kept:
    """A leaf of the joined state that every branch leaves as it came in: the state's leaf `k`."""

    def __init__(self, k: int):
        self.k = k


class _Joined:
    """A name's joined value: a structure whose leaves are Python values, slots or kept leaves."""

    def __init__(self, treedef, leaves: list):
        self.treedef, self.leaves = treedef, leaves

    def value(self, outs, kept: list, where: Callable):
        """The value from the cond's outputs `outs`, the state's leaves `kept` after it, and
        `where(k)`, the condition of branch `k`."""
        return tree.unflatten(self.treedef, [_out(next(outs), x.kept, kept, where) if isinstance(x, _Slot)
                                             else kept[x.k] if isinstance(x, _Kept) else x for x in self.leaves])


def _out(out: Array, kept: dict, leaves: list, where: Callable) -> Array:
    """Output `out` of the cond, linked to the leaves some branches left in its place."""
    for k, i in kept.items():
        if i is not None:
            inplace.link(out, leaves[i] if i.__class__ is int else i, where(k))
    return out


def _branch(fn: Callable, state: tuple, dyn: list[bool], where: str, kind: str) -> Probe:
    """A branch traced; an exception it raises (other than fluxion's own errors, which name
    their line and fix) is one the traced condition cannot express."""
    try:
        return Probe(fn, state, dyn)
    except FluxionError:
        raise
    except RecursionError as e:  # the branch calls its function again, which meets this `if` again, ...
        raise conversion_error(kind, f"a branch of the `{kind}` at {where} recurses without end: the condition that "
                               "would stop the recursion is traced, so every branch is traced, the recursive one "
                               "too, at every depth", "make the value that ends the recursion static "
                               "(static_argnums), or write the recursion as a loop (while or for), which becomes one "
                               "fx.while_loop") from e
    except Exception as e:
        raise conversion_error(kind, f"a branch of the `{kind}` at {where} raised {type(e).__name__}: {e}; its "
                               "condition is traced, so every branch is traced, whichever one will run, and a branch "
                               "cannot raise", "check such values outside the traced function (where they are "
                               "concrete), or make sure every branch runs on any value") from e


def cond(pred, fns: Sequence[Callable], state: tuple, names: Sequence[str], where: str, kind: str) -> tuple:
    """The state after `fns[0]` if traced `pred` else `fns[1]`, as one fx.cond."""
    from ..cond import cond as fx_cond
    dyn, operands = dynamic(state)
    replays = [Replay(_branch(fn, state, dyn, where, kind)) for fn in fns]
    probes = [r.probe for r in replays]
    for p in probes:
        refuse_changed_sets(p, names, kind, where, "its condition is traced, so every branch is traced, and the "
                            "set would take the changes of each")
    every, live, jumped = range(len(probes)), _live(probes, names), _jumped(probes, names)
    joined = [_join_name(name, probes, replays, i, every if name in (RETURN_VALUE, RETURNED) else
                         _defined(probes, state, i, live, jumped), where, kind)
              for i, name in enumerate(names)]
    leaves = tree.leaves(tuple(state))
    updated = inplace.updated(probes, 0, state, names, where, kind)
    for k in updated:  # an array a branch updated in place: its value after the cond is one more output
        for p, r in zip(probes, replays):
            r.take(p.ins[k], leaves[k].aval)
    outs, pred = (), truth(kind, pred)
    if (updated or any(p.effectful for p in probes)
            or any(isinstance(leaf, _Slot) for j in joined if isinstance(j, _Joined) for leaf in j.leaves)):
        outs = fx_cond(pred, *[r.function() for r in replays], *operands)
        for k, out in zip(updated, outs[len(outs) - len(updated):]):
            leaves[k] = inplace.adopt(leaves[k], out)  # its other names see the update too
    # the condition of branch k, made now (not `pred` itself, which a later in-place update may change)
    where = functools.cache(lambda k: ~pred if k == 1 else ~where(1))
    outs = iter(outs)
    after = tuple(j.value(outs, leaves, where) if isinstance(j, _Joined) else j for j in joined)
    return inplace.kept_containers(state, after, probes)


def _live(probes: list[Probe], names: Sequence[str]) -> Sequence[int]:
    """The branches whose variables can still be read: those that have not surely returned."""
    every = range(len(probes))
    if RETURNED not in names:
        return every
    i = names.index(RETURNED)
    return [k for k in every if probes[k].out[i] is not True] or every


def _jumped(probes: list[Probe], names: Sequence[str]) -> set[int]:
    """The branches that have surely jumped (returned, broken off or skipped ahead)."""
    flags = [i for i, name in enumerate(names) if name in JUMPED]
    return {k for k, p in enumerate(probes) if any(p.out[i] is True for i in flags)}


def _defined(probes: list[Probe], state: tuple, i: int, live: Sequence[int], jumped: set[int]) -> Sequence[int]:
    """The branches of `live` whose value of state entry `i` takes part in the join: not one
    that has surely jumped and leaves the variable without the value it had not before either
    (nothing reads it there: a variable first assigned after `if c: continue` on one branch of
    an `if` is joined from the other branches)."""
    kept = [k for k in live if not (k in jumped and isinstance(state[i], Undefined) and probes[k].out[i] is state[i])]
    return kept or live


def _join_name(name: str, probes: list[Probe], replays: list[Replay], i: int, live: Sequence[int], where: str,
               kind: str):
    """The value of state entry `i` after the branches `live` (the others give zeros): the same
    Python value, slots for the cond's outputs, or an Undefined that says why it has none."""
    first = probes[0].out[i]
    if all(p.out[i] is first for p in probes):
        return first
    values = [probes[k].out[i] for k in live]
    after = f"the `{kind}` at {where}, whose condition is traced"
    for v in values:
        if isinstance(v, Undefined) and v.problem:  # a value that already has no value: keep the first reason
            return v
    if any(isinstance(v, Undefined) for v in values):
        return Undefined(name, f"{label(name, name)} is assigned on only one branch of {after}, so it has no value "
                         "after it", "assign it before the `if` (or on every branch), e.g. with a default value")
    given = [k for k in live if probes[k].out[i] is not UNSET]
    treedef, leaves = probes[given[0]].parts[i][1], []
    for k in given[1:]:
        if probes[k].parts[i][1] != treedef:
            grows = all(type(probes[j].out[i]) is list for j in (given[0], k))
            return Undefined(name, f"{label(name, name)} is {_structure(treedef, name)} on one branch but "
                             f"{_structure(probes[k].parts[i][1], name)} on another of {after}",
                             "collect the values in an array made before it (acc = acc.at[n].set(v), counting n), "
                             "as a list cannot grow on one branch only; a traced break, continue or return makes the "
                             "rest of a loop's pass such a branch" if grows else
                             "give it the same structure (containers, list lengths) on every branch")
    for j, path in enumerate(paths(name, treedef)):
        xs = [probes[k].parts[i][0][j] for k in given]
        if not any(isinstance(x, Array) for x in xs) and all(same(xs[0], x) for x in xs):
            leaves.append(xs[0])  # one Python value on every branch (a branch that did not return agrees)
            continue
        kept_by = [probes[k].kept(x) for k, x in zip(given, xs)]
        if all(i.__class__ is int for i in kept_by) and len(set(kept_by)) == 1:  # the array that came in, perhaps updated in place: still the
            leaves.append(_Kept(kept_by[0]))  # same object afterwards, as its other names
            continue
        joined = aval(xs[0]) if all(map(arraylike, xs)) else None
        for x in xs[1:]:
            joined = joined and join(joined, aval(x))
        if joined is None:
            shown = [describe(x) for x in xs]
            what = " on one branch but ".join(shown) + " on another" if len(set(shown)) > 1 else \
                f"{shown[0]} on every branch, but not the same one,"
            fix = ("give it one shape and dtype on every branch (e.g. with .astype(...)); a Python value other than a "
                   "number must be the same on every branch") if any(map(arraylike, xs)) else \
                ("use it on each branch instead (e.g. y = f(x) inside the `if`), or make the condition static "
                 "(static_argnums): a traced condition chooses only between arrays")
            return Undefined(name, f"{label(path, name)} is {what} of {after}, so it has no one value after it", fix)
        for k, r in enumerate(replays):
            if k in given:
                r.take(probes[k].parts[i][0][j], joined)
            else:
                r.zeros(joined)
        leaves.append(_Slot(dict(zip(given, kept_by))))
    return _Joined(treedef, leaves)


def _structure(treedef, name: str) -> str:
    """A pytree structure in words: one value, None (for the return value, what a path without
    `return` gives), or its form."""
    shown = str(treedef)
    if shown == "None()" and not name.isidentifier():
        return "None (as when no return statement is reached)"
    if treedef.node is list:
        n = len(treedef.subtrees)
        return f"a list of {n} item{'s' if n != 1 else ''}"
    return {"*": "one value", "None()": "None"}.get(shown, f"of structure {shown}")
