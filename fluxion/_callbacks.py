"""Host callbacks on pytrees: `pure_callback`, `debug.callback` and `debug.print` (the primitives
are in ops/callback.py).

Array leaves of the arguments (arrays, NumPy arrays, Python and NumPy numbers) are operands
of the call, concrete when the callback runs; other leaves (strings, say) are passed as
they are. Operands reach the callback read-only.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from .core import dtypes, tree
from .core.array import Array, to_array
from .core.errors import InvalidArgumentError, op_error, require_callable
from .core.types import ArrayType
from .ops.callback import check_vmap_method, debug_callback_p, pure_callback_p

_OPERANDS = (Array, np.ndarray, np.generic, bool, int, float, complex)


class _Flat:
    """The user's callback as the primitives call it: flat operands in, flat results out. It
    rebuilds the arguments from the operands (`wrap` makes each leaf) and the static leaves."""

    __slots__ = ("fn", "in_tree", "static", "wrap", "out_tree")
    __hash__ = None  # (so that no cache of types or compiled kernels keeps the user's callback alive)

    def __init__(self, fn, in_tree, static: dict, wrap, out_tree=None):
        self.fn, self.in_tree, self.static, self.wrap, self.out_tree = fn, in_tree, static, wrap, out_tree

    def __call__(self, *values):
        it = iter(values)
        leaves = [self.static[i] if i in self.static else self.wrap(_read_only(next(it)))
                  for i in range(self.in_tree.num_leaves)]
        args, kwargs = tree.unflatten(self.in_tree, leaves)
        out = self.fn(*args, **kwargs)
        return () if self.out_tree is None else _results(out, self.out_tree)

    def __repr__(self):  # (in printed programs)
        return getattr(self.fn, "__name__", "callback")


def _read_only(v: np.ndarray) -> np.ndarray:
    v = np.asarray(v).view()
    v.flags.writeable = False
    return v


def _operands(args: tuple, kwargs: dict):
    """(operand Arrays, tree of (args, kwargs), static leaves by position)."""
    leaves, in_tree = tree.flatten((args, kwargs))
    operands, static = [], {}
    for i, leaf in enumerate(leaves):
        if isinstance(leaf, _OPERANDS):
            operands.append(to_array(leaf))
        else:
            static[i] = leaf
    return operands, in_tree, static


def _results(out, out_tree) -> list:
    """The leaves of the callback's result `out` (checked against their types by the primitive)."""
    leaves, got = tree.flatten(out)
    if got != out_tree:
        raise op_error(TypeError, "pure_callback", f"the callback returned a tree {got}, declared {out_tree}",
                       "return values of the structure given in result_shape_dtypes")
    return leaves


def _declared(x) -> ArrayType:
    try:
        return ArrayType(tuple(x.shape), dtypes.canonicalize(x.dtype))
    except (AttributeError, TypeError):
        raise op_error(TypeError, "pure_callback", f"result_shape_dtypes has a leaf {x!r} without a shape and dtype",
                       "give fx.ShapeDtypeStruct(shape, dtype) (or an array) for each result") from None


def pure_callback(callback: Callable, result_shape_dtypes: Any, *args, sharding=None, vmap_method: str | None = None,
                  **kwargs):
    """`callback(*args, **kwargs)` run in Python on concrete values, also from inside `jit`:
    its results must have the structure, shapes and dtypes of `result_shape_dtypes` (a pytree
    of `fx.ShapeDtypeStruct` or arrays). The callback gets NumPy arrays and must have no side
    effects: a call whose results are unused may be skipped. Under `vmap` it is called once
    per example (`vmap_method="sequential"`, the default, or `"sequential_unrolled"`), or once
    with every operand batched on axis 0 and unbatched ones given an axis of size 1
    (`"expand_dims"`), broadcast (`"broadcast_all"`) or left as they are (`"legacy_vectorized"`).
    It has no derivative: give it one with `fx.custom_jvp`. `sharding` is accepted for code
    ported from jax and ignored (the callback runs where the program does).

    >>> import numpy as np, fluxion as fx, fluxion.numpy as fnp
    >>> f = fx.jit(lambda x: fx.pure_callback(np.sinc, fx.ShapeDtypeStruct(x.shape, x.dtype), x))
    >>> f(fnp.asarray([0.0, 0.5])).tolist()
    [1.0, 0.6366197466850281]
    """
    require_callable("pure_callback", callback)
    vmap_method = check_vmap_method(vmap_method)
    declared, out_tree = tree.flatten(result_shape_dtypes)
    avals = tuple(_declared(x) for x in declared)
    operands, in_tree, static = _operands(args, kwargs)
    flat = _Flat(callback, in_tree, static, _same, out_tree)
    outs = pure_callback_p.bind(*operands, callback=flat, result_avals=avals, vmap_method=vmap_method)
    return tree.unflatten(out_tree, list(outs))


def debug_callback(callback: Callable, *args, ordered: bool = False, partitioned: bool = False, **kwargs) -> None:
    """Call `callback(*args, **kwargs)` with the concrete values of the arrays in `args`, eagerly
    at once and under `jit` each time the compiled program runs; under `vmap` once per example,
    under differentiation with the values (not their derivatives). The callback gets fluxion
    Arrays. Compiled calls are unordered unless `ordered=True`: then they happen in program
    order, as eager ones do. `partitioned` is accepted: the callback always gets whole arrays.

    >>> import fluxion as fx, fluxion.numpy as fnp
    >>> seen = []
    >>> fx.jit(lambda x: fx.debug.callback(seen.append, x * 2) or x)(fnp.asarray(1.5)).item()
    1.5
    >>> [float(s) for s in seen]
    [3.0]
    """
    require_callable("debug.callback", callback)
    _debug("debug.callback", callback, Array, ordered, args, kwargs)


def _debug(op: str, callback, wrap, ordered: bool, args: tuple, kwargs: dict) -> None:
    operands, in_tree, static = _operands(args, kwargs)
    debug_callback_p.bind(*operands, callback=_Flat(callback, in_tree, static, wrap), ordered=bool(ordered))


def debug_print(fmt: str, *args, ordered: bool = False, partitioned: bool = False, skip_format_check: bool = False,
                **kwargs) -> None:
    """Print `fmt.format(*args, **kwargs)` with the concrete values of the arrays in `args` (as
    NumPy prints them), also from inside `jit`, `vmap` (once per example) and differentiation
    (see `debug.callback`). The format is checked against the arguments at the call unless
    `skip_format_check`.

    >>> import fluxion as fx, fluxion.numpy as fnp
    >>> _ = fx.jit(lambda x: fx.debug.print("x = {x}, sum = {}", x.sum(), x=x))(fnp.asarray([1.0, 2.0]))
    x = [1. 2.], sum = 3.0
    """
    if not isinstance(fmt, str):
        raise op_error(TypeError, "debug.print", f"the format must be a string, got {type(fmt).__name__}",
                       "pass the format first: fx.debug.print('x = {}', x)")
    try:  # the fields against the arguments, now (placeholders for the values, which come later)
        skip_format_check or fmt.format(*[_ANY] * len(args), **dict.fromkeys(kwargs, _ANY))
    except (IndexError, KeyError, ValueError) as e:
        raise op_error(InvalidArgumentError, "debug.print", f"the format {fmt!r} does not fit {len(args)} "
                       f"positional and the keyword arguments {sorted(kwargs)} ({type(e).__name__}: {e})",
                       "give one argument per {} field and a keyword for each {name} field") from None
    _debug("debug.print", lambda *a, **k: print(fmt.format(*a, **k)), _same, ordered, args, kwargs)


class _Any:
    """A placeholder for any value in a format field: any attribute, item or format spec."""

    def __format__(self, spec):
        return ""

    def __getattr__(self, name):
        return self

    def __getitem__(self, key):
        return self


_ANY = _Any()


def _same(v: np.ndarray) -> np.ndarray:
    return v
