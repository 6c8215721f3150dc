"""Operators and methods of `Array`, installed here because they need promotion.

Binary operators on two eager Arrays of one dtype and shape skip promotion and abstract
evaluation and call the kernel directly: eager dispatch is a feature.
"""
from __future__ import annotations

import dis
import operator
import sys

import numpy as np

from ..core import dtypes
from ..core.array import Array, Tracer
from ..core.errors import DTypeError, InvalidArgumentError, ShapeError, op_error
from ..core.interpreters import EAGER, _ctx
from ..ops import elementwise as E
from ..ops import shape as S
from ._dtype_functions import _dtype
from ._division import eager_divide, eager_floor_divide, eager_pow, eager_remainder
from ._elementwise import eager_left_shift, eager_right_shift
from ._elementwise_base import copy, direct
from ._linear import eager_matmul

_ns = None  # fluxion.numpy, bound when this module is installed


def _is_operand(x) -> bool:
    """Whether an operator takes `x` as an array (nested lists and tuples too, as NumPy does,
    so that `x == [1, 2]` compares elementwise rather than giving Python's False; and other
    libraries' arrays, which NumPy reads, unless they opt out of NumPy's operators)."""
    return isinstance(x, (Array, np.ndarray, np.generic, bool, int, float, complex, list, tuple)) or \
        hasattr(type(x), "__array__") and getattr(type(x), "__array_ufunc__", True) is not None


def _binary(name: str, fast):
    """The operator, its reflection and its in-place form: `fast(self, other, reflect)` for eager
    operands it takes, else the fluxion.numpy function `name`."""

    def method(self, other, modulo=None):
        out = fast(self, other, False)
        if out is not None and modulo is None:
            return out
        if not _is_operand(other) or modulo is not None:  # (pow(x, y, modulo): no array operation, as NumPy's)
            return NotImplemented
        return getattr(_ns, name)(self, other)

    def reflected(self, other):
        out = fast(self, other, True)
        if out is not None:
            return out
        if not _is_operand(other):
            return NotImplemented
        return getattr(_ns, name)(other, self)

    def inplace(self, other):
        out = method(self, other)
        if out is NotImplemented:
            return out
        if out.dtype != self.dtype:
            raise op_error(DTypeError, f"in-place {name}", f"would change the dtype from {self.dtype} to {out.dtype}",
                           f"write x = x {_SYMBOL.get(name, name)} y to allow a new dtype, or convert y first")
        if out.shape != self.shape:
            raise op_error(ShapeError, f"in-place {name}", f"would change the shape from {self.shape} to {out.shape}",
                           f"write x = x {_SYMBOL.get(name, name)} y to allow broadcasting to a new shape")
        if isinstance(out, Tracer) and self.__class__ is Array:  # a concrete array updated with a traced
            from ..control.convert.inplace import Retired  # value: the name takes the new value, and its other
            Retired.retire(self, out)  # names raise where used
            return out
        return self._become(out)  # (which refuses a result on another device)

    return method, reflected, inplace


def _matmul_fast(self, other, reflect):
    """`self @ other` (`other @ self` if `reflect`) of two eager Arrays the way matmul's fast path takes them."""
    if self.__class__ is not Array or other.__class__ is not Array or _ctx.interp is not EAGER:
        return None
    return eager_matmul(other, self) if reflect else eager_matmul(self, other)


_SYMBOL = {"add": "+", "subtract": "-", "multiply": "*", "divide": "/", "floor_divide": "//", "remainder": "%",
           "pow": "**", "matmul": "@", "bitwise_and": "&", "bitwise_or": "|", "bitwise_xor": "^",
           "bitwise_left_shift": "<<", "bitwise_right_shift": ">>"}

_NUM = dtypes.INTEGER + dtypes.FLOATING
_INTEGRAL = dtypes.INTEGER + (dtypes.bool_,)
_BINARY = {  # the eager fast path of each operator
    "add": direct(E.add_p, _NUM), "subtract": direct(E.sub_p, _NUM), "multiply": direct(E.mul_p, _NUM),
    "divide": eager_divide, "floor_divide": eager_floor_divide, "remainder": eager_remainder, "pow": eager_pow,
    "matmul": _matmul_fast, "bitwise_and": direct(E.and_p, _INTEGRAL), "bitwise_or": direct(E.or_p, _INTEGRAL),
    "bitwise_xor": direct(E.xor_p, _INTEGRAL), "bitwise_left_shift": eager_left_shift,
    "bitwise_right_shift": eager_right_shift,
}
_DUNDER = {"add": "add", "subtract": "sub", "multiply": "mul", "divide": "truediv", "floor_divide": "floordiv",
           "remainder": "mod", "pow": "pow", "matmul": "matmul", "bitwise_and": "and", "bitwise_or": "or",
           "bitwise_xor": "xor", "bitwise_left_shift": "lshift", "bitwise_right_shift": "rshift"}
_COMPARE = {"equal": ("eq", E.eq_p), "not_equal": ("ne", E.ne_p), "less": ("lt", E.lt_p),
            "less_equal": ("le", E.le_p), "greater": ("gt", E.gt_p), "greater_equal": ("ge", E.ge_p)}
_UNARY = {"__neg__": "negative", "__pos__": "positive", "__abs__": "abs", "__invert__": "bitwise_invert"}
# methods that forward to the fluxion.numpy function of the same name (x.f(*a) == fnp.f(x, *a))
_FORWARDED = ("sum", "prod", "mean", "std", "var", "max", "min", "argmax", "argmin", "any", "all", "cumsum",
              "cumprod", "clip", "round", "conj", "conjugate", "argsort", "nonzero", "squeeze",
              "swapaxes", "take", "repeat", "diagonal", "trace", "dot", "ravel", "flatten",
              "ptp", "searchsorted", "argpartition", "choose")


def _forward(name):
    def method(self, *args, **kwargs):
        return getattr(_ns, name)(self, *args, **kwargs)
    method.__name__ = name
    return method


def _in_place(self, name: str, call: str, axis, result) -> None:
    """Rebind `self` to `result()`, the value of NumPy's in-place method `name` along `axis`
    (`call` is the fluxion.numpy call that returns it instead)."""
    if axis is None:
        raise op_error(TypeError, f"x.{name}()", "works in place along an axis, so axis=None would change the shape",
                       f"write x = {call[:-1]}, axis=None) for the result on the flattened array")
    self._become(result())


def _sort(self, axis: int = -1, **kwargs) -> None:
    """Sort in place along `axis`, as NumPy's `ndarray.sort` (`fnp.sort(x)` returns a sorted copy)."""
    _in_place(self, "sort", "fnp.sort(x)", axis, lambda: _ns.sort(self, axis, **kwargs))


def _partition(self, kth, axis: int = -1, **kwargs) -> None:
    """Partition in place along `axis`, as NumPy's `ndarray.partition` (see `fnp.partition`)."""
    _in_place(self, "partition", "fnp.partition(x, kth)", axis, lambda: _ns.partition(self, kth, axis, **kwargs))


def _setitem(self, idx, value):
    # (the count first: what it is calibrated on. An explicit a.__setitem__(i, v) holds one reference
    # fewer than a[i] = v, so only the statement is checked)
    if sys.getrefcount(self) <= _TEMPORARY and _assigning(sys._getframe(1)):
        raise op_error(TypeError, "item assignment", "the array written to is a temporary that nothing refers to "
                       "(such as a[0] in a[0][1] = v: indexing and .T make copies), so the write would be lost",
                       "index once, as in a[0, 1] = v, or name the part, change it and write it back")
    self._become(_ns._indexing.update(self, idx, value, "set"))


def _assigning(frame) -> bool:
    """Whether `frame` is running an item assignment statement (not calling `__setitem__`)."""
    return frame.f_code.co_code[frame.f_lasti] == _STORE_SUBSCR


_STORE_SUBSCR = dis.opmap["STORE_SUBSCR"]


def _temporary_count() -> int:
    """What `sys.getrefcount` gives at the start of `__setitem__` for an object that nothing else
    refers to; 0 where a named object gives as much (then a lost write cannot be told)."""
    counts = []

    class Probe:
        def __setitem__(self, idx, value):
            counts.append(sys.getrefcount(self))
    Probe()[0] = 0
    probe = Probe()
    probe[0] = 0
    return counts[0] if counts[0] < counts[1] else 0


_TEMPORARY = _temporary_count()


def _put(self, indices, values, mode: str = "raise") -> None:
    """Set the flat positions `indices` to `values` (repeated as needed), as NumPy's `ndarray.put`."""
    self._become(_ns.put(self, indices, values, mode, inplace=False))


def _fill(self, value) -> None:
    """Set every element to the scalar `value` (cast to the array's dtype), as NumPy's `ndarray.fill`."""
    self._become(_ns.full_like(self, value))


def _reshape(self, *shape, order: str = "C", copy: bool | None = None):
    if len(shape) == 1 and not isinstance(shape[0], int):
        shape = shape[0]
    return _ns.reshape(self, shape, order, copy=copy)


def _T(self):
    if self.__class__ is Array and _ctx.interp is EAGER and (v := self._value).ndim > 1:  # kept fast:
        y = Array.__new__(Array)  # the transpose kernel's view of an eager array
        y._value, y._weak = v.transpose(), self._weak
        return y
    return _ns.permute_dims(self, tuple(reversed(range(self.ndim))))


def _transpose(self, *axes):
    if len(axes) == 1 and not isinstance(axes[0], int):
        axes = axes[0]
    return _ns.permute_dims(self, axes or tuple(reversed(range(self.ndim))))


def _view(self, dtype=None):
    """The same bits read as `dtype`; a narrower dtype lengthens the last axis and a wider one
    shortens it, as NumPy's `view`.

    >>> import fluxion.numpy as fnp
    >>> fnp.asarray([1.0], dtype=fnp.float32).view(fnp.uint32).tolist()
    [1065353216]
    """
    if dtype is None:
        return self
    new = _dtype("view", dtype)
    old = self.dtype
    if new == dtypes.bool_ and old.itemsize == 1 and old != new:  # (a nonzero byte reads as True, as NumPy's)
        return E.ne_p.bind(self, _ns.zeros((), old))
    if new == dtypes.bool_ and old != new:  # several bytes to one boolean each
        raise op_error(DTypeError, "view", f"cannot view {old} bits as bool", "compare instead: x != 0")
    if new.itemsize == old.itemsize:
        return E.bitcast_convert_type_p.bind(self, new_dtype=new)
    n = self.shape[-1] if self.shape else 0
    if not self.shape or new.itemsize > old.itemsize and n * old.itemsize % new.itemsize:
        raise op_error(ValueError, "view", f"cannot view {self.shape} {old} as {new}: the last axis holds "
                       f"{n * old.itemsize} bytes, not a multiple of {new.itemsize}" if self.shape else
                       f"a 0-d {old} array cannot be viewed as {new}, of another size",
                       "view an array whose last axis holds a whole number of the new elements, or use astype")
    if new.itemsize < old.itemsize:
        out = E.bitcast_convert_type_p.bind(self, new_dtype=new)
        return S.reshape(out, self.shape[:-1] + (n * old.itemsize // new.itemsize,))
    ratio = new.itemsize // old.itemsize
    return E.bitcast_convert_type_p.bind(S.reshape(self, self.shape[:-1] + (n // ratio, ratio)), new_dtype=new)


_size_one_item = Array.item


def _item(self, *args):
    """The element at a flat index (`x.item(4)`) or at one index per axis (`x.item(1, 0)`,
    `x.item((1, 0))`) as a Python scalar; with no arguments, the only element of a size-1 array.

    >>> import fluxion.numpy as fnp
    >>> x = fnp.arange(6).reshape(2, 3)
    >>> x.item(4), x.item(-1), x.item(1, 0)
    (4, 5, 3)
    """
    if not args:
        return _size_one_item(self)
    if len(args) == 1 and isinstance(args[0], tuple):
        args = args[0]
    index = tuple(operator.index(i) for i in args)
    if len(index) == 1:
        return _size_one_item(_ns.ravel(self)[index])
    if len(index) != self.ndim:
        raise op_error(ValueError, "item", f"takes one flat index or one index per axis ({self.ndim}), "
                       f"got {len(index)}", "pass a flat index, or as many indices as the array has axes")
    return _size_one_item(self[index])


def _round(self, ndigits=None):
    """`round(x)`: a Python int for a 0-d array, as for a NumPy scalar; `round(x, ndigits)`:
    `fnp.round(x, ndigits)`."""
    if ndigits is None:
        return round(self._scalar("round()"))
    return _ns.round(self, ndigits)


class _At:
    """`x.at[idx]`: functional updates, `x.at[idx].set(v)`, `.add`, `.subtract`, `.mul` (or `.multiply`),
    `.divide`, `.power`, `.min`, `.max`, `.apply` (an elementwise function), `.get`. Each takes
    jax's hints `indices_are_sorted` and `unique_indices`, on which the result does not depend."""

    __slots__ = ("x",)

    def __init__(self, x):
        self.x = x

    def __getitem__(self, idx):
        return _AtIndex(self.x, idx)


class _AtIndex:
    __slots__ = ("x", "idx")

    def __init__(self, x, idx):
        self.x, self.idx = x, idx

    def get(self, *, indices_are_sorted: bool = False, unique_indices: bool = False, mode=None, fill_value=None):
        return _ns._indexing.getitem(self.x, self.idx, mode=mode, fill_value=fill_value)

    def set(self, values, *, indices_are_sorted: bool = False, unique_indices: bool = False, mode=None):
        return _ns._indexing.update(self.x, self.idx, values, "set", mode=mode)

    def add(self, values, *, indices_are_sorted: bool = False, unique_indices: bool = False, mode=None):
        return _ns._indexing.update(self.x, self.idx, values, "add", mode=mode)

    def subtract(self, values, *, indices_are_sorted: bool = False, unique_indices: bool = False, mode=None):
        # (negated in the dtype the two promote to: in x's own, integers wrap as the subtraction would)
        wide = dtypes.result_type((self.x.dtype, self.x.weak), _ns._convert.dtype_of(values))
        return _ns._indexing.update(self.x, self.idx, _ns.negative(_ns._convert.convert(values, *wide)), "add",
                                    mode=mode)

    def mul(self, values, *, indices_are_sorted: bool = False, unique_indices: bool = False, mode=None):
        return _ns._indexing.update(self.x, self.idx, values, "mul", mode=mode)

    multiply = mul

    def _factors(self, values, mode):
        """Ones shaped like `x`, times `values` at `idx` (repeated indices multiply): what jax
        divides by or raises to in `.divide` / `.power`."""
        return _ns._indexing.update(_ns.ones_like(self.x), self.idx, values, "mul", mode=mode)

    def divide(self, values, *, indices_are_sorted: bool = False, unique_indices: bool = False, mode=None):
        """`x` with `x[idx] / values`; repeated indices divide again, and integers give floats (as jax).

        >>> import fluxion.numpy as fnp
        >>> fnp.asarray([8.0, 8.0, 8.0]).at[fnp.asarray([0, 0, 2])].divide(2.0).tolist()
        [2.0, 8.0, 4.0]
        """
        return _ns.divide(self.x, self._factors(values, mode))

    def power(self, values, *, indices_are_sorted: bool = False, unique_indices: bool = False, mode=None):
        """`x` with `x[idx] ** values`; a repeated index raises to the product of its values (as jax).

        >>> import fluxion.numpy as fnp
        >>> fnp.asarray([2.0, 2.0, 2.0]).at[fnp.asarray([0, 0, 2])].power(2.0).tolist()
        [16.0, 2.0, 4.0]
        """
        return _ns.power(self.x, self._factors(values, mode))

    def min(self, values, *, indices_are_sorted: bool = False, unique_indices: bool = False, mode=None):
        return _ns._indexing.update(self.x, self.idx, values, "min", mode=mode)

    def max(self, values, *, indices_are_sorted: bool = False, unique_indices: bool = False, mode=None):
        return _ns._indexing.update(self.x, self.idx, values, "max", mode=mode)

    def apply(self, func, *, indices_are_sorted: bool = False, unique_indices: bool = False, mode=None):
        """`x` with the elementwise function `func` applied to `x[idx]`, once for each time an
        index occurs (as jax's scatter applies it), so a repeated index applies it again.

        >>> import fluxion.numpy as fnp
        >>> fnp.asarray([1.0, 2.0, 3.0]).at[fnp.asarray([0, 0, 2])].apply(lambda v: 10 * v).tolist()
        [100.0, 2.0, 30.0]
        """
        x, idx, ix = self.x, self.idx, _ns._indexing
        name = "x.at[...].apply"
        times = ix.getitem(ix.update(_ns.zeros(x.shape, _ns.int32), idx, 1, "add", mode, name), idx, mode=mode)
        return ix.apply_counted(name, x, times, func, lambda y: ix.getitem(y, idx, mode=mode),
                                lambda y, v: ix.update(y, idx, v, "set", mode=mode))

    def __getattr__(self, name: str):
        methods = ", ".join(m for m, v in vars(_AtIndex).items() if callable(v) and not m.startswith("_"))
        raise op_error(AttributeError, "x.at[...]", f"has no method {name!r}", f"use one of {methods}")


def install(ns) -> None:
    global _ns
    _ns = ns
    for name, fast in _BINARY.items():
        method, reflected, inplace = _binary(name, fast)
        d = _DUNDER[name]
        setattr(Array, f"__{d}__", method)
        setattr(Array, f"__r{d}__", reflected)
        setattr(Array, f"__i{d}__", inplace)
    for name, (d, prim) in _COMPARE.items():
        allowed = dtypes.ALL if d in ("eq", "ne") else tuple(t for t in dtypes.ALL if t not in dtypes.COMPLEX)
        setattr(Array, f"__{d}__", _binary(name, direct(prim, allowed))[0])
    for dunder, name in _UNARY.items():  # the functions themselves (they take one operand), with no forwarding call
        setattr(Array, dunder, getattr(ns, name))
    for name in _FORWARDED:
        setattr(Array, name, _forward(name))
    Array.reshape = _reshape
    Array.view = _view
    Array.transpose = _transpose
    Array.T = property(_T)
    Array.mT = property(lambda self: _ns.matrix_transpose(self))
    Array.real = property(lambda self: _ns.real(self), lambda self, v: _set_part(self, v, True))
    Array.imag = property(lambda self: _ns.imag(self), lambda self, v: _set_part(self, v, False))
    Array.flat = property(_flat)
    Array.at = property(_At)
    Array.astype = _astype
    Array.copy = copy
    Array.__getitem__ = ns._indexing.getitem
    Array.__setitem__ = _setitem
    Array.__array_namespace__ = lambda self, api_version=None: _check_version(api_version) or _ns
    Array.to_device = lambda self, device, stream=None: _ns.asarray(self, device=device)
    Array.item = _item
    Array.sort = _sort
    Array.partition = _partition
    Array.fill = _fill
    Array.put = _put
    Array.tobytes = lambda self, order="C": np.asarray(self._host("tobytes()")).tobytes(order)
    Array.__bytes__ = _bytes
    Array.compress = lambda self, condition, axis=None, out=None: _ns.compress(condition, self, axis, out)
    Array.__contains__ = lambda self, value: bool(_ns.any(self == value))
    Array.__round__ = _round
    Array.__divmod__ = lambda self, other: (self // other, self % other)
    Array.__rdivmod__ = lambda self, other: (other // self, other % self)


def _set_part(self, value, real: bool) -> None:
    """`x.real = v` / `x.imag = v`, as NumPy's: the part set to `v` (broadcast), the other kept."""
    if self.dtype not in dtypes.COMPLEX:
        if not real:
            raise op_error(TypeError, "x.imag = v", f"a {self.dtype} array has no imaginary part to set",
                           "convert it first: x = x.astype(fnp.complex64), then set x.imag")
        self[...] = value
        return
    part = _ns.broadcast_to(_ns.astype(_ns.real(_ns.asarray(value)), _ns.real(self).dtype), self.shape)
    self._become(E.complex_p.bind(part, _ns.imag(self)) if real else E.complex_p.bind(_ns.real(self), part))


def _flat(self):
    raise op_error(AttributeError, "x.flat", "is NumPy's iterator that writes through to the array's memory, "
                   "which fluxion's arrays (values) do not expose", "use x.ravel() (or x.flatten()) to read, and "
                   "x = x.ravel().at[i].set(v).reshape(x.shape) to write")


def _astype(self, dtype, copy=True, device=None, *, order="K", casting="unsafe", subok=True):
    """`fnp.astype(self, dtype, copy=copy, device=device)`, also with NumPy's keywords: `casting`
    refuses a conversion its rule does not allow; `order` and `subok` change nothing (fluxion's
    arrays have no memory layout and no subclasses)."""
    if order not in ("K", "A", "C", "F"):
        raise op_error(ValueError, "astype", f"order={order!r} is not one of 'K', 'A', 'C', 'F'", "pass order='K'")
    if casting != "unsafe" and not _ns.can_cast(self.dtype, dtype, casting=casting):
        raise op_error(DTypeError, "astype", f"cannot convert {self.dtype} to {_dtype('astype', dtype)} under the "
                       f"{casting!r} casting rule", "pass casting='unsafe' (the default), or another dtype")
    return _ns.astype(self, dtype, copy=copy, device=device)


def _bytes(self) -> bytes:
    """bytes(x) as NumPy's: the raw values (not one byte per element), but of a 0-d integer n, n
    zero bytes (Python takes an int-like object as a count first)."""
    return bytes(operator.index(self)) if self.ndim == 0 and self.dtype in dtypes.INTEGER else self.tobytes()


def _check_version(api_version):
    if api_version not in (None, "2021.12", "2022.12", "2023.12", "2024.12", "2025.12"):
        raise InvalidArgumentError(f"array API version {api_version!r} is not supported; "
                                   "fluxion.numpy implements 2025.12")
