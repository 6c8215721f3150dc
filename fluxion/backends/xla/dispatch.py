"""Calls of jitted functions through XLA's own dispatcher, which is written in C++.

`dispatcher(name, fun, call)` is a callable that remembers, per signature of its arguments
(their containers, and each leaf's shape, dtype, weak type and placement), the compiled
program that ran for it: a later call with that signature runs it without entering Python.
Any other call goes to `call(*args, **kwargs)`, which returns the outputs, the Executable
that made them and its input Arrays (or None for the executable when none ran), and the
signature is remembered when the dispatcher can make the same call on its own:

- it donates nothing (on an XLA device, fluxion marks donated arrays deleted), and runs no
  host callback (whose error XLA would report as its own);
- each leaf the dispatcher sees is the buffer the call passed for that input, or a value it
  converts itself to the input's type (a NumPy array or scalar of 32 bits or fewer, a Python
  float).

The dispatcher sees an Array as its XLA buffer (made at its first use, as for any compiled
call) and its weak flag, and a Python int or bool as the buffer of its weak fluxion type (made
once per value, as for any compiled call). Its own conversions are jax's in its 32-bit mode:
they would make an int 32-bit, and give a NumPy int64 array the signature of an int32 one, so
that it ran the int32 program. So it converts only NumPy arrays and scalars of 32 bits or
fewer; those of 64 bits are buffers made for the call, and 64-bit NumPy scalars go to `call`.
Anything it does not know (Tracers, deleted arrays, ints that do not fit) sends the call to
`call`. Signatures that `call` cannot hand over run through it every time; `forget()` drops
all remembered ones.
"""
from __future__ import annotations

import jax
import numpy as np
from jax._src import core as jax_core
from jax._src.interpreters import pxla
from jax._src.lib import _jax, pytree

from ...core import dtypes, tree
from ...core.array import Array, PendingArray, to_array
from ...core.types import ArrayType
from . import _buffer, _scalar
from .callback import calls_back, original_error
from .devices import XlaArray, placed

_OPAQUE = object()  # a leaf the dispatcher does not know, for an Array without an XLA buffer
# The switches of the checks for NaN and infinity (core/checking.py), the global ones and those
# of this thread's blocks, which the dispatcher makes part of the signatures it keeps: a thread
# that checks never runs a program that the dispatcher kept for one that does not.
checks_switched = jax.make_user_context((False, False))
own_checks = jax.make_user_context((None, None))
_new = Array.__new__


def _input(a: Array):
    """The leaf the dispatcher sees for eager Array `a`: its XLA buffer, made at its first use."""
    try:
        return a._buffer
    except AttributeError:
        pass
    try:
        return _buffer(a)
    except Exception:  # the general path makes (or explains) it
        return _OPAQUE


def _int_children(n):
    try:
        return (_scalar(n.__class__, n, ())._buffer,), None
    except Exception:  # too large: the general path explains
        return (_OPAQUE,), None


class _NumPyLeaf(np.ndarray):
    """A NumPy array the dispatcher converts itself (a view: np.ndarray is a node of its registry)."""


# (native byte order only: '>f8' is neither)
_WIDE = frozenset(map(np.dtype, (np.int64, np.uint64, np.float64, np.complex128)))
_CONVERTED = frozenset(dtypes.ALL) - _WIDE


def _numpy_children(a: np.ndarray):
    """A NumPy array as the dispatcher sees it: as itself, which the dispatcher converts, or, of
    a 64-bit dtype, which the dispatcher would narrow (as jax's 32-bit mode does), its buffer."""
    dt = a.dtype
    if dt in _CONVERTED:
        return (a.view(_NumPyLeaf),), None
    return ((_buffer(a) if dt in _WIDE else _OPAQUE),), None  # (others: the general path converts or explains)


def _unused(aux, children):
    raise AssertionError("arguments are never rebuilt")


class _Out:
    """Output `i` of a call on the host, of type `t`: unflattened, a PendingArray. (Its leaf
    is `str(i)`: an int is not a leaf here.)"""

    __slots__ = ("i", "t")

    def __init__(self, i: int, t: ArrayType):
        self.i, self.t = str(i), t


class _OutOn:
    """Output `i` of a call on an XLA device: unflattened, an XlaArray there."""

    __slots__ = ("i", "device", "weak")

    def __init__(self, i: int, device, weak: bool):
        self.i, self.device, self.weak = str(i), device, weak


def _pending(t: ArrayType, children) -> PendingArray:
    out = _new(PendingArray)
    out._buffer, out._weak, out._aval = children[0], t.weak, t
    return out


def _dict_children(d: dict):
    keys = tree.sorted_keys(d)  # (fluxion's order, which takes keys that do not compare)
    return [d[k] for k in keys], tuple(keys)


_registry = pytree.PyTreeRegistry(enable_none=True, enable_tuple=True, enable_namedtuple=True, enable_list=True,
                                  enable_dict=False)
_registry.register_node(dict, _dict_children, lambda keys, children: dict(zip(keys, children)))
Array._dispatched = property(_input)  # (a property the dispatcher reads in C, cheaper than a callback)
_registry.register_dataclass_node(Array, ["_dispatched"], ["_weak"])
for _cls in (int, bool):
    _registry.register_node(_cls, _int_children, _unused)
_registry.register_node(np.ndarray, _numpy_children, _unused)
for _cls in (np.int64, np.uint64, np.float64, np.complex128):  # (the dispatcher would narrow them too)
    _registry.register_node(_cls, lambda x: ((_OPAQUE,), None), _unused)
for _cls in (PendingArray, XlaArray):  # (these always have a buffer: a deleted one's is a marker)
    _registry.register_dataclass_node(_cls, ["_buffer"], ["_weak"])
_registry.register_node(_Out, lambda o: ((o.i,), o.t), _pending)
_registry.register_node(_OutOn, lambda o: ((o.i,), (o.device, o.weak)), lambda aux, ch: placed(ch[0], *aux))


def dispatcher(name: str, fun, call, static_argnums: tuple[int, ...] = (), static_argnames: tuple[str, ...] = ()):
    """`fun` called through XLA's dispatcher (see the module docstring), with `forget()`.
    Static arguments (positions, from the end where negative, and names) are part of the
    signature, by type and value."""
    cache = _jax.PjitFunctionCache()

    def traced(args: tuple, kwargs: dict) -> tuple:
        """The arguments the dispatcher flattens, in its order: those of the other positions,
        then those of the other keywords by name."""
        static = {i + len(args) if i < 0 else i for i in static_argnums}
        return (*[a for i, a in enumerate(args) if i not in static],
                {k: v for k, v in kwargs.items() if k not in static_argnames})

    def miss(*args, **kwargs):
        try:
            outs, executable, arrays = call(*args, **kwargs)
        except BaseException as e:
            cache.clear()  # else the signature would stay with the general path
            original = original_error(e)  # (a callback's own error rather than XLA's report of it)
            if original is e:
                raise
            raise original from None
        fast = None if executable is None else _fastpath(executable, traced(args, kwargs), arrays, outs)
        if executable is None:
            cache.clear()  # no program ran (another transformation saw the call): ask again next time
        return outs, fast, False

    f = _jax.pjit(name, fun, miss, list(static_argnums), list(static_argnames), pxla.JitGlobalCppCacheKeys(),
                  _registry, pxla.cc_shard_arg, cache)
    if static_argnums or static_argnames:
        f = _named_unhashable(f, call)
    f.forget = cache.clear
    return f


def disabled(disable: bool = True):
    """A context in which dispatchers call their functions as plain Python (the switch that
    XLA's dispatcher reads)."""
    return jax.disable_jit(disable)


def disable_globally(disable: bool) -> None:
    """Set that switch for every thread (`fx.config.disable_jit`)."""
    jax.config.update("jax_disable_jit", disable)


def globally_disabled() -> bool:
    return bool(jax.config.jax_disable_jit)


def _named_unhashable(f, call):
    """`f`, whose error for an unhashable static argument is `call`'s, which names the argument."""
    def jitted(*args, **kwargs):
        try:
            return f(*args, **kwargs)
        except ValueError as e:
            if not str(e).startswith("Non-hashable static arguments"):
                raise
        return call(*args, **kwargs)[0]
    return jitted


def _fastpath(executable, args: tuple, arrays, outs):
    """What the dispatcher needs to make this call again (of traced arguments `args`), or None
    where it cannot."""
    if executable.donated or calls_back(executable.program):  # (a callback's error is re-raised as itself by `call`)
        return None
    leaves = _registry.flatten(args)[0]
    arg_leaves, arg_tree = tree.flatten(args)
    if len(leaves) != len(arrays) or not all(map(_same, leaves, arg_leaves, arrays)) or not _in_order(arg_tree):
        return None
    out_leaves, out_tree = tree.flatten(outs)
    if all(o.__class__ is PendingArray for o in out_leaves):
        marks = [_Out(i, o._aval) for i, o in enumerate(out_leaves)]
    elif all(o.__class__ is XlaArray for o in out_leaves):
        marks = [_OutOn(i, o._device, o._weak) for i, o in enumerate(out_leaves)]
    else:
        return None
    order, out_def = _registry.flatten(tree.unflatten(out_tree, marks))
    if order != [str(i) for i in range(len(out_leaves))]:  # (the dispatcher must give the outputs in fluxion's order)
        return None
    compiled, consts = executable.compile()._executable, executable.device_consts
    buffers = [o._buffer for o in out_leaves]
    return pxla.MeshExecutableFastpathData(
        compiled.xla_executable, out_def, compiled._in_shardings, compiled._out_shardings,
        [b.aval for b in buffers], [b._committed for b in buffers], [True] * (len(consts) + len(leaves)),
        compiled._dispatch_in_layouts, consts)


def _in_order(treedef) -> bool:
    """Whether the dispatcher takes the leaves of arguments of structure `treedef` in fluxion's
    order (it would not for a namedtuple that fluxion's registry flattens in another: its registry
    flattens any in field order)."""
    marks = [str(i) for i in range(treedef.num_leaves)]
    try:
        return _registry.flatten(tree.unflatten(treedef, marks))[0] == marks
    except Exception:  # (a node that cannot hold marks: the general path serves it)
        return False


def _same(leaf, arg, a) -> bool:
    """Whether the dispatcher, given `leaf` for argument leaf `arg`, passes what the call
    passed for input `a` (an Array, or a NumPy array or Python scalar that the call converted)."""
    if arg.__class__ in (int, bool, np.ndarray):  # `leaf` is the buffer of its value, of its fluxion type
        return leaf is not _OPAQUE and to_array(arg).aval == to_array(a).aval
    if leaf.__class__ in (float, complex) or isinstance(leaf, np.generic) and leaf.dtype.isnative:
        try:
            t = jax_core.shaped_abstractify(leaf)  # the type the dispatcher converts it to
        except TypeError:
            return False
        want = to_array(a).aval
        return (t.shape, t.dtype, t.weak_type) == (want.shape, want.dtype, want.weak)
    return leaf is getattr(a, "_buffer", None)
