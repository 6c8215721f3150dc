"""NumPy's ufunc methods: `fnp.add.outer(a, b)`, `fnp.maximum.accumulate(x)`,
`fnp.logical_or.reduce(x, axis=1)`, `fnp.add.at(x, i, v, inplace=False)`, `fnp.add.reduceat(x, i)`,
and `frompyfunc`, which makes a `ufunc` of a Python function of scalars.

fluxion's elementwise functions stay plain functions, so that calling them costs no more than a
function call; `install` gives each one whose NumPy counterpart is a ufunc the attributes `nin`,
`nout`, `nargs`, `identity` and the methods of a `ufunc` wrapping it. Every method is a
composition of fluxion.numpy functions, so it works eagerly and under jit, vmap and grad.
Arrays are immutable: `at` returns the updated array, and `out=` is refused.

>>> import fluxion.numpy as fnp
>>> fnp.multiply.outer(fnp.arange(1, 3), fnp.arange(1, 4)).tolist()
[[1, 2, 3], [2, 4, 6]]
>>> fnp.maximum.accumulate(fnp.asarray([1, 3, 2, 5])).tolist()
[1, 3, 3, 5]
"""
from __future__ import annotations

import math
import operator

import numpy as np

from .. import numpy as fnp
from ..core.array import Tracer
from ..core.errors import ConcretizationError, ShapeError, op_error
from ..ops import reduce as R
from ..ops import shape as S
from ._elementwise_base import no_out

__all__ = ["frompyfunc", "ufunc"]

# binary ufuncs whose reductions may group and reorder their operands (up to rounding)
_REORDERABLE = {"add", "multiply", "maximum", "minimum", "fmax", "fmin", "logical_and", "logical_or", "logical_xor",
                "bitwise_and", "bitwise_or", "bitwise_xor", "gcd", "lcm", "hypot", "logaddexp", "logaddexp2"}


def _with_initial(reduction, combine):
    """`reduction` (fnp.all or fnp.any, which have no initial=) taking a ufunc reduction's `initial`:
    each slice's result combined with it, which is what starting from it gives."""
    def reduce(x, *, initial=None, **kwargs):
        r = reduction(x, **kwargs)
        return r if initial is None else combine(r, initial)
    return reduce


# name: (reduction, accumulation, scatter method of Array.at) of the ufuncs that have them
_FAST = {"add": (fnp.sum, fnp.cumsum, "add"), "multiply": (fnp.prod, fnp.cumprod, "multiply"),
         "subtract": (None, None, "subtract"),
         "maximum": (fnp.max, R.cummax, "max"), "minimum": (fnp.min, R.cummin, "min"),
         "logical_and": (_with_initial(fnp.all, fnp.logical_and), None, None),
         "logical_or": (_with_initial(fnp.any, fnp.logical_or), None, None),
         "fmax": (fnp.nanmax, None, None), "fmin": (fnp.nanmin, None, None)}


def _one_axis(op: str, axis, ndim: int) -> int:
    axes = S.normalize_axes(op, axis, ndim)
    if len(axes) != 1:
        raise op_error(ValueError, op, f"works along one axis, got axis={axis!r}", "pass a single int axis")
    return axes[0]


class ufunc:  # noqa: N801  (NumPy's name)
    """A function of `nin` broadcast arrays with `nout` results, and NumPy's ufunc methods.

    `reorderable` says that reductions may group its operands freely (the operation is
    associative and commutative); others reduce one element after another along one axis.
    """

    def __init__(self, func, nin: int, nout: int, *, identity=None, name: str | None = None,
                 reorderable: bool = False):
        self._func, self.nin, self.nout, self.identity = func, nin, nout, identity
        self.__name__ = name or getattr(func, "__name__", "ufunc")
        self._reorderable = reorderable
        self._reduce, self._accumulate, self._scatter = _FAST.get(self.__name__, (None, None, None))

    @property
    def nargs(self) -> int:
        return self.nin + self.nout

    def __repr__(self) -> str:
        return f"<fluxion ufunc '{self.__name__}'>"

    def __call__(self, *args, **kwargs):
        return self._func(*args, **kwargs)

    def _binary(self, method: str):
        if self.nin != 2 or self.nout != 1:
            raise op_error(ValueError, f"{self.__name__}.{method}",
                           f"needs a function of two arrays with one result, got nin={self.nin}, nout={self.nout}",
                           f"call {method} on a binary ufunc such as fnp.add")

    def outer(self, a, b, /):
        """`self(a[i..., None...], b[..., j...])`: every pair of an element of `a` and one of `b`."""
        if self.nin != 2:
            raise op_error(ValueError, f"{self.__name__}.outer", f"needs two arguments, this ufunc takes {self.nin}",
                           "call outer on a binary ufunc such as fnp.multiply")
        a, b = fnp.asarray(a), fnp.asarray(b)
        return self(fnp.reshape(a, a.shape + (1,) * b.ndim), b)

    def reduce(self, array, axis=0, dtype=None, out=None, keepdims: bool = False, initial=None, where=True):
        """`array` combined by this function along `axis` (an int, a tuple, or None for all axes),
        starting from `initial` (or the identity), over the elements `where` is true."""
        op = f"{self.__name__}.reduce"
        self._binary("reduce")
        no_out(op, out)
        x = _cast(array, dtype)
        axes = tuple(range(x.ndim)) if axis is None else S.normalize_axes(op, axis, x.ndim)
        if where is not True:
            where = fnp.asarray(where)
            if where.dtype != fnp.bool_:
                raise op_error(TypeError, op, f"where must be a boolean mask, got dtype {where.dtype}",
                               "pass a mask of booleans (e.g. x > 0)")
        if len(axes) > 1 and not self._reorderable:
            raise op_error(ValueError, op, f"{self.__name__} is not reorderable, so it reduces one axis at a time",
                           "pass a single axis, or reduce the axes one after another")
        if self._reduce is not None:
            kwargs = {} if where is True else {"where": where}
            if initial is not None:
                kwargs["initial"] = initial
            result = self._reduce(x, axis=axes, keepdims=keepdims, **kwargs)
            return result if dtype is None else fnp.astype(result, dtype)
        # the reduced axes flattened into one leading axis (of size 1 for none: each element is then
        # combined with the start, as in NumPy), sized: -1 has no size when the kept axes hold nothing
        rest = [d for d in range(x.ndim) if d not in axes]
        shape = (math.prod(x.shape[d] for d in axes),) + tuple(x.shape[d] for d in rest)
        mask = None if where is True else fnp.reshape(
            fnp.transpose(fnp.broadcast_to(where, x.shape), axes + tuple(rest)), shape)
        x = fnp.reshape(fnp.transpose(x, axes + tuple(rest)), shape)
        result = self._fold(op, x, initial, mask)
        if keepdims:
            result = fnp.expand_dims(result, axes)
        return result

    def _fold(self, op: str, x, initial, mask):
        """The reduction of `x` along its first axis."""
        start = initial if initial is not None else self.identity
        if mask is not None and start is None:
            raise op_error(ValueError, op, f"{self.__name__} has no identity, so a where= mask needs a start",
                           "pass initial=")
        if mask is not None and self.identity is not None:  # masked elements count as the identity
            x, mask = fnp.where(mask, x, _filled(self.identity, x.dtype, ())), None
        dt = self(x[:0], x[:0]).dtype
        if x.shape[0] == 0:
            if start is None:
                raise op_error(ValueError, op, f"an empty reduction of {self.__name__}, which has no identity",
                               "pass initial=, or reduce a non-empty axis")
            return _filled(start, dt, x.shape[1:])
        if mask is not None:  # one element after another, each kept where the mask holds
            acc = _filled(start, dt, x.shape[1:])
            for i in range(x.shape[0]):
                acc = fnp.where(mask[i], self(acc, x[i]), acc)
            return acc
        # the start (in the result's dtype, as NumPy casts it: bitwise_and.reduce of booleans from 2
        # starts from True) is combined with the first element: hypot.reduce([-3.0]) is 3, as in NumPy
        start = None if start is None else _filled(start, dt, x.shape[1:])
        if not self._reorderable:  # one element after another, from the start
            acc, rest = (x[0], x[1:]) if start is None else (start, x)
            for i in range(rest.shape[0]):
                acc = self(acc, rest[i])
        else:
            while x.shape[0] > 1:  # pairs combined level by level: log2(n) calls
                half = x.shape[0] // 2
                pairs = self(x[:half], x[half:2 * half])
                x = fnp.concatenate([pairs, x[2 * half:]]) if x.shape[0] % 2 else pairs
            acc = x[0] if start is None else self(start, x[0])
        return fnp.astype(acc, dt)  # (without a start, a single element is not passed through the function)

    def accumulate(self, array, axis: int = 0, dtype=None, out=None):
        """The running reductions along `axis`: out[i] = self(out[i - 1], array[i])."""
        op = f"{self.__name__}.accumulate"
        self._binary("accumulate")
        no_out(op, out)
        x = _cast(array, dtype)
        if x.ndim == 0:
            raise op_error(ShapeError, op, "cannot accumulate a 0-d array", "pass an array with at least one axis")
        axis = _one_axis(op, axis, x.ndim)
        result_dtype = self(x[:0], x[:0]).dtype
        # booleans: add and multiply count in the default integer (cumsum, cumprod), as NumPy's do
        counts = x.dtype == fnp.bool_ and self.__name__ in ("add", "multiply")
        if self._accumulate is not None and (counts or result_dtype == x.dtype and x.dtype != fnp.bool_):
            return self._accumulate(x, axis=axis)
        x = fnp.moveaxis(x, axis, 0)
        if x.shape[0] == 0:
            return fnp.moveaxis(fnp.astype(x, result_dtype), 0, axis)
        acc = fnp.astype(x[0], result_dtype)
        outs = [acc]
        for i in range(1, x.shape[0]):
            acc = self(acc, x[i])
            outs.append(acc)
        return fnp.stack(outs, axis=axis)

    def at(self, a, indices, b=None, /, *, inplace: bool = True):
        """`a` with a[indices] = self(a[indices], b) (or self(a[indices]) for a unary ufunc),
        applied once per index even where indices repeat, as NumPy's unbuffered `at`.
        fluxion's arrays are immutable: pass `inplace=False` and use the result."""
        op = f"{self.__name__}.at"
        if inplace:
            raise op_error(ValueError, op, "fluxion arrays are immutable, so at cannot update `a` in place",
                           f"write a = fnp.{self.__name__}.at(a, indices, ..., inplace=False)")
        if self.nout != 1 or self.nin not in (1, 2) or (b is None) != (self.nin == 1):
            raise op_error(ValueError, op, f"takes `b` exactly when the ufunc is binary (nin={self.nin})",
                           "pass b for a binary ufunc, and none for a unary one")
        a = fnp.asarray(a)
        if self._scatter is not None:
            return getattr(a.at[indices], self._scatter)(b)
        picked = fnp.reshape(fnp.arange(a.size), a.shape)[indices]  # the flat position of each indexed element
        positions, flat = fnp.ravel(picked), fnp.ravel(a)
        if b is not None:
            b = fnp.ravel(fnp.broadcast_to(fnp.asarray(b), picked.shape))
        for k in range(positions.shape[0]):
            p = positions[k]
            new = self(flat[p]) if b is None else self(flat[p], b[k])
            flat = flat.at[p].set(fnp.astype(new, a.dtype))
        return fnp.reshape(flat, a.shape)

    def reduceat(self, array, indices, axis: int = 0, dtype=None, out=None):
        """Reductions of the slices array[indices[i]:indices[i + 1]] along `axis` (to the end for the
        last one), and array[indices[i]] itself where indices[i] >= indices[i + 1], as NumPy's."""
        op = f"{self.__name__}.reduceat"
        self._binary("reduceat")
        no_out(op, out)
        x = _cast(array, dtype)
        axis = _one_axis(op, axis, x.ndim)
        if isinstance(indices, Tracer):
            raise ConcretizationError(f"{op}: the indices are traced, and they fix the slices\n"
                                      "  fix: pass indices known before tracing (a NumPy array or list)")
        idx = np.asarray(indices.tolist() if hasattr(indices, "tolist") else indices)
        n = x.shape[axis]
        if idx.ndim != 1 or (idx.size and not np.issubdtype(idx.dtype, np.integer)):
            raise op_error(ValueError, op, f"indices must be 1-d integers, got {idx.dtype} of shape {idx.shape}",
                           "pass a list of integer start positions")
        if idx.size and not ((idx >= 0) & (idx < n)).all():
            raise op_error(IndexError, op, f"an index of {idx.tolist()} is out of range for an axis of {n}",
                           f"pass starts in [0, {n})")
        if not idx.size:
            return fnp.take(x, fnp.arange(0), axis=axis)
        stops = [*idx[1:].tolist(), n]
        return fnp.stack([self.reduce(fnp.take(x, fnp.arange(start, max(stop, start + 1)), axis=axis), axis=axis)
                          for start, stop in zip(idx.tolist(), stops)], axis=axis)


def _filled(value, dtype, shape):
    """`value` in `dtype` (wrapping, as NumPy's identity -1 of unsigned integers), broadcast to `shape`."""
    return fnp.broadcast_to(fnp.astype(fnp.asarray(value), dtype), shape)


def _cast(array, dtype):
    x = fnp.asarray(array)
    return x if dtype is None else fnp.astype(x, dtype)


def frompyfunc(func, /, nin: int, nout: int, *, identity=None) -> ufunc:
    """A `ufunc` that applies `func` (a function of `nin` scalars with `nout` results, written with
    fluxion.numpy) to every element of its broadcast arguments, with NumPy's ufunc methods.

    >>> import fluxion.numpy as fnp
    >>> hypot = fnp.frompyfunc(lambda x, y: fnp.sqrt(x * x + y * y), 2, 1)
    >>> hypot.outer(fnp.asarray([3.0]), fnp.asarray([4.0, 0.0])).tolist()
    [[5.0, 3.0]]
    """
    name = getattr(func, "__name__", "ufunc")
    return ufunc(fnp.vectorize(func), operator.index(nin), operator.index(nout), identity=identity, name=name)


def install(namespace) -> None:
    """Give every function of `namespace` that NumPy has as an elementwise ufunc its methods."""
    for name in dir(namespace):
        fn, reference = getattr(namespace, name), getattr(np, name, None)
        if not (isinstance(reference, np.ufunc) and reference.signature is None and callable(fn)):
            continue
        u = ufunc(fn, reference.nin, reference.nout, identity=reference.identity, name=reference.__name__,
                  reorderable=reference.__name__ in _REORDERABLE)
        for attr in ("nin", "nout", "nargs", "identity", "outer", "reduce", "accumulate", "at", "reduceat"):
            setattr(fn, attr, getattr(u, attr))
