"""Applying Python functions over arrays: vectorize, apply_along_axis, apply_over_axes,
piecewise and fromfunction.

The per-element (or per-slice) function is traced once and batched with `fx.vmap`, never
looped over in Python, so the results work under grad, vmap and jit.
"""
from __future__ import annotations

import functools
import operator
import re
from typing import Callable

import numpy as np

from .. import numpy as fnp
from ..core import dtypes
from ..core.array import Array
from ..core.errors import ShapeError, op_error
from ..ops._util import axis_index, one_int
from ..transforms._convert import converted
from ._convert import convert
from ._manipulation import _arr

_NUMBERS = (bool, int, float, complex)

__all__ = ["apply_along_axis", "apply_over_axes", "fromfunction", "piecewise", "vectorize"]


def _vmap(f: Callable, in_axes=0) -> Callable:
    from ..transforms.batching import (
        vmap,  # here: the transformations build on fluxion.numpy
    )
    return vmap(f, in_axes=in_axes)


# vectorize ----------------------------------------------------------------------------------
_CORE = r"\(\s*(?:\w+\s*(?:,\s*\w+\s*)*)?\)"
_SIDE = re.compile(rf"\s*{_CORE}(?:\s*,\s*{_CORE})*\s*")


def _parse_signature(signature: str) -> tuple[list[tuple[str, ...]], list[tuple[str, ...]]]:
    """'(m,n),(n)->(m)' as the core dimension names of the inputs and of the outputs."""
    sides = signature.split("->") if isinstance(signature, str) else []
    if len(sides) != 2 or not all(_SIDE.fullmatch(s) for s in sides):
        raise op_error(ValueError, "vectorize", f"signature {signature!r} is not of the form '(m,n),(n)->(m)'",
                       "name each argument's core dimensions in parentheses, e.g. '(n),(n)->()'")
    return [[tuple(d.strip() for d in core.split(",") if d.strip()) for core in re.findall(r"\(([^()]*)\)", s)]
            for s in sides]


def _check_core(what: str, x: Array, core: tuple[str, ...], sizes: dict, exact: bool) -> None:
    """Check that `x` ends with the core dimensions `core`, recording each name's size."""
    if x.ndim < len(core) or (exact and x.ndim != len(core)):
        raise op_error(ShapeError, "vectorize", f"{what} has shape {x.shape}, which does not end with the core "
                       f"dimensions ({', '.join(core)})", "pass arrays with those trailing axes, or fix the signature")
    for name, n in zip(core, x.shape[x.ndim - len(core):]):
        if sizes.setdefault(name, n) != n:
            raise op_error(ShapeError, "vectorize", f"core dimension {name!r} has size {sizes[name]} in one place and "
                           f"{n} in another ({what} of shape {x.shape})",
                           "make the sizes of each named dimension agree")


def vectorize(pyfunc: Callable, otypes=None, doc: str | None = None, excluded=frozenset(), cache: bool = False,
              signature: str | None = None) -> Callable:
    """`pyfunc` applied to every element (or, with `signature`, every core slice) of its
    broadcast arguments, batched with `fx.vmap`.

    Args:
      pyfunc: a function of arrays written for one element (or one core slice).
      otypes: the dtypes of the outputs (a string of type codes, as 'd', or a list of dtypes):
        each output is converted to its own; by default they keep the dtypes `pyfunc` gives.
      doc: the docstring of the result (by default `pyfunc`'s).
      excluded: positions (ints) and keyword names (strs) of arguments passed through unchanged.
      cache: accepted for NumPy compatibility (`pyfunc` is traced once per call anyway).
      signature: core dimensions, as '(m,n),(n)->(m)'; without it every argument's core is a scalar.

    Returns:
      The vectorized function.

    >>> import fluxion.numpy as fnp
    >>> clipped = fnp.vectorize(lambda x, lo: fnp.maximum(x, lo), excluded={1})
    >>> clipped(fnp.asarray([[-1.0, 2.0]]), 0.0).tolist()
    [[0.0, 2.0]]
    >>> fnp.vectorize(fnp.dot, signature="(n),(n)->()")(fnp.ones((3, 2)), fnp.ones(2)).tolist()
    [2.0, 2.0, 2.0]
    """
    ins, outs = _parse_signature(signature) if signature is not None else (None, None)
    excluded = frozenset() if excluded is None else excluded
    otypes = None if otypes is None else [np.dtype(t) for t in otypes]

    @functools.wraps(pyfunc)
    def vectorized(*args, **kwargs):
        fixed = {i: a for i, a in enumerate(args) if i in excluded}
        fixed_kw = {k: v for k, v in kwargs.items() if k in excluded}
        names = [k for k in kwargs if k not in excluded]
        xs = [_arr(a) for i, a in enumerate(args) if i not in excluded] + [_arr(kwargs[k]) for k in names]
        n_pos = len(args) - len(fixed)
        cores = ins if ins is not None else [()] * len(xs)
        if len(cores) != len(xs):
            raise op_error(TypeError, "vectorize", f"signature {signature!r} has {len(cores)} inputs, but "
                           f"{len(xs)} arguments are not excluded", "pass one argument per input of the signature")
        sizes: dict = {}
        for i, (x, core) in enumerate(zip(xs, cores)):
            _check_core(f"argument {i}", x, core, sizes, exact=False)

        def one(*parts):
            it = iter(parts[:n_pos])
            pos = [fixed[i] if i in fixed else next(it) for i in range(len(args))]
            # converted, as fx.vmap converts: an `if` on an element is a select
            out = converted(pyfunc)(*pos, **fixed_kw, **dict(zip(names, parts[n_pos:])))
            if outs is not None:
                results = out if len(outs) > 1 else (out,)
                if not isinstance(results, tuple) or len(results) != len(outs):
                    raise op_error(TypeError, "vectorize", f"signature {signature!r} has {len(outs)} outputs, but "
                                   "the function returned something else", "return one array per output")
                for j, (r, core) in enumerate(zip(results, outs)):
                    _check_core(f"output {j}", _arr(r), core, sizes, exact=True)
            return out

        batch = [x.shape[:x.ndim - len(core)] for x, core in zip(xs, cores)]
        shape = fnp.broadcast_shapes(*batch)
        # each argument gets all batch axes; those it lacks (or has as size 1) are not mapped
        mapped, parts = [], []
        for x, b in zip(xs, batch):
            x = fnp.reshape(x, (1,) * (len(shape) - len(b)) + x.shape)
            keep = [x.shape[d] == n for d, n in enumerate(shape)]
            parts.append(fnp.squeeze(x, axis=tuple(d for d, k in enumerate(keep) if not k)))
            mapped.append(keep)
        f = one
        for d in reversed(range(len(shape))):
            f = _vmap(f, tuple(0 if keep[d] else None for keep in mapped))
        out = f(*parts)
        if otypes is None:
            return out
        if isinstance(out, tuple) != (len(otypes) > 1) or isinstance(out, tuple) and len(out) != len(otypes):
            raise op_error(TypeError, "vectorize", f"otypes names {len(otypes)} outputs, but the function returned "
                           f"{len(out) if isinstance(out, tuple) else 1}", "pass one type per output")
        return tuple(map(fnp.astype, out, otypes)) if isinstance(out, tuple) else fnp.astype(out, otypes[0])

    if doc is not None:
        vectorized.__doc__ = doc
    return vectorized


# applying over axes -------------------------------------------------------------------------
def apply_along_axis(func1d: Callable, axis: int, arr, *args, **kwargs):
    """`func1d` applied to every 1-d slice of `arr` along `axis` (batched with `fx.vmap`); the
    axes of its result take the place of `axis`.

    >>> import fluxion.numpy as fnp
    >>> x = fnp.asarray([[3.0, 1.0, 2.0], [6.0, 5.0, 4.0]])
    >>> fnp.apply_along_axis(fnp.sort, 1, x).tolist(), fnp.apply_along_axis(fnp.sum, 0, x).tolist()
    ([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], [9.0, 6.0, 6.0])
    """
    arr = _arr(arr)
    if arr.ndim == 0:
        raise op_error(ShapeError, "apply_along_axis", "a 0-d array has no axis to apply along",
                       "pass an array of at least 1 dimension")
    axis = axis_index("apply_along_axis", operator.index(axis), arr.ndim)
    f = functools.partial(_call_1d, func1d, args, kwargs)
    for _ in range(arr.ndim - 1):
        f = _vmap(f)
    out = f(fnp.moveaxis(arr, axis, -1))
    extra = out.ndim - (arr.ndim - 1)
    if not extra:
        return out
    return fnp.moveaxis(out, tuple(range(arr.ndim - 1, out.ndim)), tuple(range(axis, axis + extra)))


def _call_1d(func1d: Callable, args: tuple, kwargs: dict, a: Array) -> Array:
    return _arr(converted(func1d)(a, *args, **kwargs))


def apply_over_axes(func: Callable, a, axes) -> Array:
    """`func(a, axis)` applied for each axis in `axes` in turn; a result that lost the axis gets it
    back with size 1 (as with keepdims).

    >>> import fluxion.numpy as fnp
    >>> fnp.apply_over_axes(fnp.sum, fnp.ones((2, 3, 4)), [0, 2]).shape
    (1, 3, 1)
    """
    a = _arr(a)
    for axis in (axes,) if one_int(axes) else axes:
        axis = axis_index("apply_over_axes", operator.index(axis), a.ndim)
        out = _arr(func(a, axis))
        if out.ndim == a.ndim - 1:
            out = fnp.expand_dims(out, axis)
        if out.ndim != a.ndim:
            raise op_error(ShapeError, "apply_over_axes", f"func returned shape {out.shape} for an array of shape "
                           f"{a.shape}", "func(a, axis) must keep the axis or drop just that one")
        a = out
    return a


# building from functions --------------------------------------------------------------------
def piecewise(x, condlist, funclist, *args, **kw) -> Array:
    """`funclist[i](x)` (or the constant `funclist[i]`) where `condlist[i]` holds, 0 elsewhere;
    one extra function in `funclist` covers where no condition holds. Later conditions win.

    Every function is evaluated on the whole of `x` (so that this works under jit) and the
    results are selected: keep them free of errors outside their condition.

    >>> import fluxion.numpy as fnp
    >>> x = fnp.asarray([-2.0, 0.5, 3.0])
    >>> fnp.piecewise(x, [x < 0, x > 1], [lambda v: -v, 1.0, lambda v: v / 2]).tolist()
    [2.0, 0.25, 1.0]
    """
    x = _arr(x)
    # one condition (a bool, or an array of x's dimensions), or a list of them, as NumPy decides
    if isinstance(condlist, (bool, np.bool_)) or (hasattr(condlist, "ndim") and condlist.ndim == x.ndim) or (
            isinstance(condlist, list) and condlist and isinstance(condlist[0], (bool, np.bool_)) and x.ndim):
        condlist = [condlist]
    conds = [fnp.broadcast_to(fnp.asarray(c, dtype=dtypes.bool_), x.shape) for c in condlist]
    if len(funclist) == len(conds) + 1:
        none = fnp.logical_not(fnp.any(fnp.stack(conds), axis=0)) if conds else fnp.ones(x.shape, dtypes.bool_)
        conds.append(none)
    if len(funclist) != len(conds):
        raise op_error(ValueError, "piecewise", f"got {len(funclist)} functions for {len(conds)} conditions",
                       "pass one function (or constant) per condition, plus optionally one for 'otherwise'")
    out = fnp.zeros(x.shape, x.dtype)
    for cond, f in zip(conds, funclist):
        value = f(x, *args, **kw) if callable(f) else f
        # (a Python number converts exactly: 0.1 into float64 is 0.1, not float32's nearest value)
        value = convert(value, x.dtype) if isinstance(value, _NUMBERS) else fnp.astype(_arr(value), x.dtype)
        out = fnp.where(cond, value, out)
    return out


def fromfunction(function: Callable, shape, *, dtype=float, **kwargs):
    """`function(*index_grids, **kwargs)`, where grid k holds the k-th index of each position of
    an array of `shape` (as `dtype`, float32 by default). `function` is called once, on the
    whole grids.

    >>> import fluxion.numpy as fnp
    >>> fnp.fromfunction(lambda i, j: i * 10 + j, (2, 3), dtype=int).tolist()
    [[0, 1, 2], [10, 11, 12]]
    """
    return function(*fnp.indices(shape, dtype=dtype, sparse=False), **kwargs)
