"""In-place updates (`x += y`, `x[i] = v`) under a traced condition: the array's other names.

In NumPy an in-place update changes the array object, so every name holding it sees the
update. A traced statement carries its variables into its branches or loop body as new
traced values, so an update there reaches only the carried copy. After the statement, the
original object takes the value the copy ended with (`adopt`): a traced value takes it in
place; a concrete array, which cannot hold a traced value, is retired (`Retired`), so that a
use through another name raises instead of reading the old value.

A name that one branch of a traced `if` leaves holding the array that came in and another
rebinds is that array only where the first branch runs (and a name a traced loop rebinds,
only where no pass rebound it: where it makes no pass, or, where a pass rebinds it on some
paths only, where a flag the loop carries says so): `link` makes an in-place update of
either reach the other there, as a select on that condition. Each thread has its own links
(threads trace apart); `core.array.linked`, which every in-place update looks at, holds the
arrays some thread links, and is empty where none does.
"""
from __future__ import annotations

import threading

from ...core import tree
from ...core import array as core
from ...core.array import HOST, Array, Tracer
from ...core.errors import user_frame
from ...core.interpreters import EAGER, EagerProxy, current
from .errors import conversion_error
from .probe import Probe, paths


class Retired:
    """The value of a concrete array that a name rebound to a traced update of it: its other
    names would see the update in NumPy, but a concrete array cannot hold a traced value, so
    while the transformations run, every use of it (any attribute of its value) raises an
    error that names the update. When the outermost transformation ends, the array gets its
    value back, as arrays made outside a transformation keep theirs. So too a value of an
    outer transformation (under jit, what vmap computes from unbatched values only) updated
    to a value of an inner one, until the inner one ends."""

    __slots__ = ("_where", "_aval")  # private names, so that no library mistakes the marker for an array

    def __init__(self, where: str, aval):
        self._where, self._aval = where, aval

    @classmethod
    def retire(cls, x: Array, new: Tracer) -> None:
        slot = x._payload if isinstance(x, Tracer) else "_value"
        value = getattr(x, slot)  # (a PendingArray becomes an Array here)
        for cached in ("_aval", "_buffer"):  # made again from the value when it comes back
            try:
                delattr(x, cached)
            except AttributeError:
                pass
        setattr(x, slot, cls(user_frame() or "an item assignment", new.aval))
        (new._interp if isinstance(x, Tracer) else _outermost()).at_exit(lambda: setattr(x, slot, value))
        _moved(x, new)

    def __getattr__(self, name):
        raise conversion_error("in-place update", f"this array took a traced value ({self._aval}) at {self._where}, "
                               "where it could not hold one (it was concrete, or a value of an outer "
                               "transformation), so only the name assigned there has the new value",
                               "use the array that name holds (return it from a function that updates its "
                               "argument), or make the array from a traced value, e.g. fnp.zeros_like(x)")


def _outermost():
    """The outermost transformation running: the interpreter above the eager one, or above the
    one standing in for it (core/checking.py's, which never ends)."""
    outer = current()
    while outer.parent is not EAGER and not isinstance(outer.parent, EagerProxy):
        outer = outer.parent
    return outer


class _Links(threading.local):
    """This thread's links."""

    def __init__(self):
        self.links: dict[int, list] = {}  # id(array) -> [(array, other, where)]: one object where `where` holds
        self.spreading: set[int] = set()  # the arrays an in-place update is reaching now


_mine = _Links()
_linking: dict[int, int] = {}  # id(array) -> how many threads link it (those `core.linked` holds)
_lock = threading.Lock()


def link(a: Array, b: Array, where: Array) -> None:
    """Make `a` and `b` one array where the 0-d bool `where` holds: an in-place update of either
    reaches the other there, until the outermost transformation ends. (`where` is made when the
    statement ends: made later, it could see a value that an in-place update changed since.)"""
    links = _mine.links
    if not links:
        _outermost().at_exit(_unlink_all)
    for x, y in ((a, b), (b, a)):
        if id(x) not in links:
            with _lock:
                _linking[id(x)] = _linking.get(id(x), 0) + 1
                core.linked[id(x)] = _spread
        links.setdefault(id(x), []).append((x, y, where))


def _unlink(key: int) -> None:
    """This thread links the array of id `key` no more."""
    with _lock:
        n = _linking.pop(key) - 1
        if n:
            _linking[key] = n
        else:
            del core.linked[key]


def _unlink_all() -> None:
    """The end of the outermost transformation: this thread's links end with it."""
    for key in _mine.links:
        _unlink(key)
    _mine.links.clear()


def condition(a: Array, b: Array, seen: frozenset = frozenset()) -> Array | None:
    """Where `a` and `b` are one array through links (a 0-d bool), or None where they never are."""
    found = None
    for _, y, where in _mine.links.get(id(a), ()):
        if id(y) in seen:
            continue
        rest = True if y is b else condition(y, b, seen | {id(a)})
        if rest is not None:
            here = where if rest is True else where & rest
            found = here if found is None else found | here
    return found


def _spread(x: Array, new: Array) -> None:
    """Give the update of `x` to `new` to the arrays linked to it, where they are one."""
    from ...numpy import where as select  # here: fluxion.numpy builds on the control flow
    links, spreading = _mine.links.get(id(x)), _mine.spreading
    if links is None:  # (another thread's link)
        return
    spreading.add(id(x))
    try:
        for _, y, where in links:
            if id(y) not in spreading and not (y.__class__ in HOST and isinstance(y._value, Retired)):
                adopt(y, select(where, new, y).astype(y.dtype))
    finally:
        spreading.discard(id(x))


def _moved(x: Array, new: Array) -> None:
    """Concrete `x`, retired: its name holds `new`, which takes its updates and its links."""
    links = _mine.links
    if id(x) not in links:
        return
    _spread(x, new)
    for _, y, where in links.pop(id(x)):
        links[id(y)] = [e for e in links[id(y)] if e[1] is not x]
        link(new, y, where)
    _unlink(id(x))


def adopt(orig: Array, new: Array) -> Array:
    """What the names of `orig` hold after a statement that updated it in place to `new`: `orig`
    having taken the value, or, for a concrete array, `new` (and `orig` is retired)."""
    if isinstance(new, Tracer) and orig.__class__ in HOST:
        Retired.retire(orig, new)
        return new
    return orig._become(new)


def kept_containers(state: tuple, after: tuple, probes: list[Probe], skip: int = 0) -> tuple:
    """`after`, the state after a traced statement, where a list or dict variable that each traced
    function kept (changing it in place, `d[k] = v`, not rebinding it) is the object that came in,
    now holding its values after: its other names (an alias, a caller's) see them, as in Python."""
    out = list(after)
    for i, (before, new) in enumerate(zip(state, after)):
        if (type(before) in (list, dict) and type(new) is type(before) and new is not before
                and all(p.out[i] is p.passed[skip + i] for p in probes)):
            out[i] = _written_into(before, new)
    return tuple(out)


def _written_into(orig, new):
    """`orig` holding the items of `new` (a list or dict of orig's type; within, recursively)."""
    if type(orig) is not type(new) or type(orig) not in (list, dict):
        return new
    if type(orig) is list:
        orig[:] = [_written_into(a, b) for a, b in zip(orig, new)] + new[len(orig):]
        return orig
    for k in [k for k in orig if k not in new]:
        del orig[k]
    for k, v in new.items():
        orig[k] = _written_into(orig[k], v) if k in orig else v
    return orig


def updated(probes: list[Probe], skip: int, state: tuple, names, where: str, kind: str) -> list[int]:
    """The leaves of `state` that a traced function updated in place (`skip` leaves of other
    arguments come first in the probes' inputs); an error when another variable holds the same
    array, which the statement carries apart and so would not see the update."""
    ks = sorted({k - skip for p in probes for k in p.updated if k >= skip})
    if not ks:
        return ks
    leaves, labels = tree.leaves(tuple(state)), leaf_labels(state, names)
    for k in ks:
        others = [labels[j] for j, x in enumerate(leaves) if x is leaves[k] and j != k]
        if others:
            raise conversion_error(kind, f"`{labels[k]}` and `{others[0]}` hold the same array, which the `{kind}` at "
                                   f"{where} (whose condition is traced) updates in place through `{labels[k]}`; "
                                   "it carries each variable apart, so the other would not see the update",
                                   f"write {labels[k]} = {labels[k]}.copy() before it, or update it as a new array "
                                   "(x = x.at[i].set(v), x = x + y)")
    return ks


def leaf_labels(state: tuple, names) -> list[str]:
    """How messages name each leaf of `state`: `b`, `acc[1]`."""
    return [path for name, v in zip(names, state) for path in paths(name, tree.flatten(v)[1])]
