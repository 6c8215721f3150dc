"""`Array`, fluxion's array value, and `Tracer`, the value an interpreter passes around.

An eager `Array` holds a device buffer (a NumPy array on the CPU). Operators and methods
are installed by `fluxion.numpy` (the layer that knows promotion); this module holds what
needs no operation: metadata, conversion to Python and NumPy, and printing.
"""
from __future__ import annotations

import math

import numpy as np

from . import dtypes, errors, tree
from .device import CPU
from .errors import ArgumentTypeError, InvalidArgumentError
from .types import ArrayType

# Arrays that are one object on some paths of a traced `if` or loop (fluxion.control's conversion
# makes them): id(array) -> f(array, new), which gives an in-place update `new` to the others there.
linked: dict = {}


class TracedUpdateError(errors.ConversionError):
    """An in-place update giving a concrete array a traced value, in code not converted for it."""


class Array:
    """An n-dimensional array. Arrays are values: updates rebind, slices copy."""

    # _buffer: the value as a compiled program's input, made by the backend at its first use
    __slots__ = ("_value", "_weak", "_aval", "_buffer", "__weakref__")
    __array_priority__ = 100
    __hash__ = None

    def __init__(self, value, weak: bool = False):
        self._value = np.asarray(value)
        self._weak = weak

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        tree._LEAF_TYPES.add(cls)  # every kind of array (tracers, device arrays) is a leaf

    # metadata -------------------------------------------------------------------------
    @property
    def shape(self) -> tuple[int, ...]:
        return self._value.shape

    @property
    def dtype(self) -> np.dtype:
        return self._value.dtype

    @property
    def weak(self) -> bool:
        return self._weak

    @property
    def aval(self) -> ArrayType:
        try:  # cached: arrays are values (only _become rebinds, and it drops the cache)
            return self._aval
        except AttributeError:
            v = self._value
            self._aval = ArrayType(v.shape, v.dtype, self._weak)
            return self._aval

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def size(self) -> int:
        return math.prod(self.shape)

    @property
    def itemsize(self) -> int:
        """Bytes per element."""
        return self.dtype.itemsize

    @property
    def nbytes(self) -> int:
        """Bytes of all the elements."""
        return self.size * self.dtype.itemsize

    @property
    def device(self):
        """The device the array lives on (`cpu:0` for NumPy-backed arrays; see `fx.devices()`)."""
        return CPU

    @property
    def weak_type(self) -> bool:
        """Whether the dtype is weak (a Python scalar's, which adapts to the other operand), as jax's."""
        return self.aval.weak

    def devices(self) -> set:
        """The set of devices holding the array, as jax's `Array.devices()`: `{x.device}`."""
        return {self.device}

    def block_until_ready(self) -> Array:
        """Wait until the value is computed (compiled calls and operations on XLA devices run
        asynchronously); returns the array."""
        self._value  # noqa: B018  (reading the value waits for it: see PendingArray)
        return self

    def is_deleted(self) -> bool:
        """Whether the array was donated to a compiled call on an XLA device, so it has no value
        (`fx.jit`'s `donate_argnums` shows an example).

        >>> import fluxion.numpy as fnp
        >>> fnp.ones(3).is_deleted()
        False
        """
        return False

    def __len__(self) -> int:
        if not self.shape:
            raise errors.op_error(TypeError, "len()", "a 0-d array has no length",
                                  "use x.shape or x.size, or x.item() for its value")
        return self.shape[0]

    def __iter__(self):
        if not self.shape:
            raise errors.op_error(TypeError, "iteration", "a 0-d array has no elements to iterate over",
                                  "use x.item() for its value, or x.reshape(-1) for a 1-d array")
        return (self[i] for i in range(self.shape[0]))

    # conversion to Python and NumPy -----------------------------------------------------
    def _concrete(self, why: str) -> np.ndarray:
        return self._value

    def _host(self, why: str) -> np.ndarray:
        """The value for a conversion that leaves fluxion (float(), NumPy), where a derivative would be lost."""
        return self._concrete(why)

    def _scalar(self, why: str, leaving: bool = False):
        """The value of a 0-d array as a Python scalar. As in NumPy 2, an array with axes is an
        error even when it holds one element: int(x) of a shape-(1,) x hides a missing index.
        `leaving`: the scalar is a float or complex, which would carry no derivative."""
        if self.shape:
            raise errors.op_error(TypeError, why, f"needs a 0-d array, got shape {self.shape}",
                                  "index it (x[0]), reduce it, or use x.item() for any array of one element")
        return np.asarray(self._host(why) if leaving else self._concrete(why)).item()

    def __bool__(self) -> bool:
        v = np.asarray(self._concrete("bool()"))
        if v.size != 1:
            raise errors.op_error(ValueError, "bool()", f"the truth value of an array of shape {v.shape} is "
                                  "ambiguous", "use .any() or .all(), or fnp.where for an elementwise choice")
        return bool(v.reshape(()))

    def __float__(self) -> float:
        return float(self._scalar("float()", leaving=True))

    def __int__(self) -> int:
        return int(self._scalar("int()"))

    def __complex__(self) -> complex:
        return complex(self._scalar("complex()", leaving=True))

    def __index__(self) -> int:
        if not dtypes.is_integer(self.dtype):  # (booleans too, as in NumPy: a condition is not an index)
            raise errors.op_error(errors.DTypeError, "index", f"only integer arrays can be used as an index (or as a "
                                  f"count, as in range()), got {self.dtype}", "convert it with .astype(int)")
        try:
            return int(self._scalar("a Python int (an index, a size, or a range() other than `for i in range(n)`)"))
        except errors.ConcretizationError as e:
            raise type(e)(f"{e}; to index a Python list or tuple, make it an array: fnp.asarray(items)[i]") from None

    def item(self):
        """The value of a size-1 array (of any shape) as a Python scalar."""
        if self.__class__ is Array and self._value.size == 1:  # the common case, kept fast
            return self._value.item()
        v = np.asarray(self._concrete("item()"))
        if v.size != 1:
            raise InvalidArgumentError(f"item() needs an array of size 1, got shape {v.shape}; "
                                       "index or reduce it first")
        return v.reshape(()).item()

    def tolist(self):
        """The array as nested Python lists (a scalar for a 0-d array)."""
        return np.asarray(self._host("tolist()")).tolist()

    def __array__(self, dtype=None, copy=None):
        v = np.asarray(self._host("conversion to a NumPy array"))
        if dtype is not None and v.dtype != dtype:
            if copy is False:
                raise InvalidArgumentError("conversion to another dtype needs a copy")
            return v.astype(dtype)
        if copy:
            return v.copy()
        if v.flags.writeable:  # arrays are values: NumPy gets a read-only view, as from jax
            v = v.view()
            v.flags.writeable = False
        return v

    def __dlpack__(self, *, stream=None, max_version=None, dl_device=None, copy=None):
        v = np.asarray(self._host("__dlpack__"))
        if v.flags.writeable and not copy:  # arrays are values: exported read-only, as jax's (DLPack 1.0 says so)
            if max_version is not None and tuple(max_version) >= (1, 0):
                v = v.view()
                v.flags.writeable = False
            elif copy is None:  # (an older consumer cannot be told: a copy, unless it forbids one)
                v = v.copy()
        kwargs = {} if max_version is None else {"max_version": max_version}
        if dl_device is not None:
            kwargs["dl_device"] = dl_device
        if copy is not None:
            kwargs["copy"] = copy
        return v.__dlpack__(stream=stream, **kwargs)

    def __dlpack_device__(self):
        return np.asarray(self._concrete("__dlpack_device__")).__dlpack_device__()

    def __repr__(self):
        v = np.asarray(self._concrete("printing"))
        extra = f", dtype={self.dtype}" + (", weak_type=True" if self._weak else "")
        if v.size == 0 and v.ndim > 1:
            return f"Array([], shape={v.shape}{extra})"
        body = np.array2string(v, separator=", ", prefix="Array(", max_line_width=88)
        return f"Array({body}{extra})"

    def __str__(self):
        return str(np.asarray(self._concrete("printing")))

    def __format__(self, spec):
        if self.ndim == 0:
            return format(self.item(), spec)
        if spec:  # (as NumPy's)
            raise TypeError(f"unsupported format string {spec!r} passed to an Array of shape {self.shape}: a "
                            "format spec takes a 0-d array (format the elements: [f'{v:.2f}' for v in x.tolist()])")
        return str(self)

    def __reduce__(self):  # arrays on other devices are pickled as host arrays
        return (Array, (np.asarray(self._concrete("pickling")), self._weak))

    def _snapshot(self) -> tuple[tuple, Array]:
        """(key, copy): another object with this array's value now, which an in-place update of
        this one leaves as it is (`_become` gives this object a new value object), and a key
        that names that value while the copy lives: what a staged program keeps as a constant."""
        out = Array.__new__(Array)
        out._value, out._weak = self._value, self._weak
        return (id(out._value), out._weak), out

    def _become(self, other: Array) -> Array:
        """Rebind this Python object to the value `other` (in-place update as a value)."""
        if isinstance(other, Tracer):
            raise errors.op_error(TracedUpdateError, "in-place update",
                                  f"a concrete array cannot take a traced value ({other.aval}) in place",
                                  "write x = x.at[i].set(v) (or x = x + y), which makes a new array")
        if other.__class__ not in HOST or self.__class__ not in HOST:  # one of them lives on an XLA device
            raise errors.op_error(errors.DeviceError, "in-place update",
                                  f"the result is on {other.device}, the array on {self.device}",
                                  "write x = x + y (or x = x.at[i].set(v)), which binds a new array")
        if linked and id(self) in linked:
            linked[id(self)](self, other)
        self._value, self._weak = other._value, other._weak
        for cached in ("_aval", "_buffer"):
            try:
                delattr(self, cached)
            except AttributeError:
                pass
        return self


class Tracer(Array):
    """A value seen by an interpreter; subclasses say what it carries."""

    __slots__ = ("_interp",)
    _payload = ""  # the attribute every use of the value reads (what an in-place update may retire)

    @property
    def aval(self) -> ArrayType:
        raise NotImplementedError

    @property
    def device(self):
        """Where the value under this one lives in eager transformations (grad, vmap); under jit
        cpu:0, as the call that started the compiled function decides where it runs."""
        return self._home() or CPU

    def _home(self):
        """The device of the eager value under this value's transformations; None under staging
        (jit) or for a tracer that does not say what it carries."""
        x = self
        while isinstance(x, Tracer):
            x = getattr(x, x._payload) if x._payload else None
        return x.device if isinstance(x, Array) else CPU if isinstance(x, (int, float, complex)) else None

    def block_until_ready(self) -> Tracer:  # (a traced value has nothing to wait for: code written for eager use runs)
        return self

    @property
    def shape(self):
        return self.aval.shape

    @property
    def dtype(self):
        return self.aval.dtype

    @property
    def weak(self):
        return self.aval.weak

    def _concrete(self, why: str):
        # an interpreter may say which arguments the value comes from: `origin(tracer) -> (what, fix)`
        origin = getattr(getattr(self, "_interp", None), "origin", None)
        what, fix = (origin and origin(self)) or ("", "make the arguments it comes from static (static_argnums)")
        if why in ("float()", "int()", "complex()"):
            fix = f"leave it an array (compute with it, or x.astype(...), rather than {why[:-1]}x)), or {fix}"
        raise errors.op_error(errors.ConcretizationError, why,
                              f"needs a concrete value, but got a traced value {self.aval}{what}",
                              errors.control_flow_fix(why, f"{fix}, or use fx.cond / fx.while_loop for control "
                                                           "flow on traced values"))

    def _check_become(self, other) -> None:
        """Refuse an in-place update whose result belongs to a transformation running inside
        this value's own (a traced branch or loop body, an inner vmap): this value outlives it.
        Else give the update to the arrays `linked` to this one."""
        inner = getattr(other, "_interp", None) if isinstance(other, Tracer) else None
        while inner is not None and inner is not self._interp:
            inner = inner.parent
        if inner is not None and other._interp is not self._interp:
            raise errors.op_error(errors.ConversionError, "in-place update",
                                  f"this array ({self.aval}) comes from outside the traced `if`, loop or "
                                  "transformation running here, so it cannot take the value computed here",
                                  "write x = x * y (or x = x.at[i].set(v)), which makes a new array, or update "
                                  "the array through the name it had before the `if` or loop")
        if linked and id(self) in linked:
            linked[id(self)](self, other)

    def __repr__(self):
        return f"{type(self).__name__}({self.aval})"

    def __str__(self):  # print() shows a traced value's type, or its value where one is at hand
        try:
            return super().__str__()
        except errors.ConcretizationError:
            return repr(self)

    def __format__(self, spec):  # f"{x}" as print(x); a format spec (f"{x:.3f}") needs the value
        if not spec:
            return str(self)
        try:
            return super().__format__(spec)
        except errors.ConcretizationError:
            raise errors.op_error(errors.ConcretizationError, "format", f"the format spec {spec!r} needs a value, but "
                                  f"got a traced value {self.aval}", f"print it with fx.debug.print('{{:{spec}}}', x), "
                                  "which prints when the program runs, or format it without a spec") from None

    def _become(self, other):
        raise errors.op_error(errors.FluxionError, "in-place update",
                              f"{type(self).__name__} values cannot be rebound in place",
                              "write x = x.at[i].set(v) (or x = x + y) instead")

    def __copy__(self):  # a value of its own, as NumPy's copy: an in-place update of one never shows in the other
        from ..ops.elementwise import convert_element_type_p  # (the operations build on this module)
        return convert_element_type_p.bind(self, new_dtype=self.dtype, weak=self.weak)

    def __deepcopy__(self, memo):
        return self.__copy__()

    def __reduce__(self):
        raise errors.op_error(ArgumentTypeError, "pickle", f"a traced value ({self.aval}) cannot be pickled",
                              "pickle the concrete result, outside the transformation")


_VALUE = Array._value  # the slot, which PendingArray's property stands in front of


class PendingArray(Array):
    """A host Array whose value a compiled call may still be computing: it holds the call's
    output buffer (`_buffer`) and type (`_aval`), so it can be passed to the next compiled call
    at once. Its first read waits for the value, makes it a NumPy view of the buffer and turns
    the object into a plain Array (the class has no slots of its own, so it can change)."""

    __slots__ = ()

    @property
    def _value(self):
        value = np.asarray(self._buffer)
        self._value = value
        return value

    @_value.setter
    def _value(self, value):
        _VALUE.__set__(self, value)
        self.__class__ = Array

    @property
    def shape(self) -> tuple[int, ...]:
        return self._aval.shape

    @property
    def dtype(self) -> np.dtype:
        return self._aval.dtype

    def block_until_ready(self) -> Array:
        self._buffer.block_until_ready()  # the value is made when first read
        return self


HOST = frozenset([Array, PendingArray])  # the classes of arrays in host memory


_SCALARS = (bool, int, float, complex)
PYTHON_SCALARS = frozenset(_SCALARS)  # the exact classes of Python scalars, which take weak dtypes
tree._LEAF_TYPES.add(Array)


def _is_scalar(x) -> bool:
    return isinstance(x, _SCALARS) and not isinstance(x, np.generic)


def typeof(x) -> ArrayType:
    """The type of `x` (shape, dtype and weak type; of a traced value too), as jax's `typeof`.

    >>> import fluxion as fx
    >>> fx.typeof(1.0), fx.typeof([1, 2])
    (~f32[], i64[2])
    """
    return to_array(x).aval


def distinct(x: Array) -> Array:
    """`x`, or for a concrete array another object with its value: the result of a function that
    makes a new array (in NumPy) but has nothing to compute, so that an in-place update of `x`,
    which rebinds that object, does not show in it."""
    return x if isinstance(x, Tracer) else x._snapshot()[1]


def to_array(x, dtype=None) -> Array:
    """An Array from an Array, a NumPy array, nested sequences or a Python scalar (which stays weak).

    Nested sequences take the dtype their Python scalars promote to (float32 for floats);
    NumPy arrays keep theirs and are copied, so no Array shares memory a user can mutate.
    """
    if isinstance(x, Array):
        return x
    if _is_scalar(x):
        dt = dtypes.scalar_dtype(x) if dtype is None else dtype
        return Array(scalar_value(x, dt), weak=dtype is None)
    if isinstance(x, (list, tuple)):
        leaves = _leaves(x, [])
        dtype = dtype or _sequence_dtype(leaves)
        if dtype is not None and dtype.kind in "iu":
            for leaf in leaves:
                if isinstance(leaf, int) and _is_scalar(leaf):
                    scalar_value(leaf, dtype)  # raises OverflowError if it does not fit
        if any(isinstance(leaf, Tracer) for leaf in leaves):
            return _stacked(x, dtype)
        placed = [leaf for leaf in leaves if isinstance(leaf, Array) and leaf.__class__ not in HOST]
        if placed:  # arrays on an XLA device: the result goes there, as stacking them would put it
            from .device import placement
            return placement("conversion to an array", placed).put(to_array(_replace_arrays(x), dtype))
        if any(isinstance(leaf, Array) for leaf in leaves):
            x = _replace_arrays(x)
    else:
        refuse_masked(x)
    try:
        v = np.array(x, dtype=dtype)
    except ValueError:
        where = _ragged(x) if isinstance(x, (list, tuple)) else None
        if where is None:
            raise
        raise errors.op_error(errors.ShapeError, "conversion to an array", f"the nested sequences are ragged: "
                              f"{where}", "give the sequences at each depth one length (pad the short ones), "
                              "or keep them as a list of arrays") from None
    if v.dtype not in dtypes.ALL:
        if v.dtype == object or v.dtype.kind in "USVMm":
            raise errors.op_error(errors.DTypeError, "conversion to an array", f"cannot make an array of dtype "
                                  f"{v.dtype} from {type(x).__name__}", "pass numbers, booleans, or arrays of a "
                                  "numeric dtype")
        v = v.astype(dtypes.canonicalize(v.dtype))
    return Array(v)


def refuse_masked(x) -> None:
    """The error for a NumPy masked array, whose mask a conversion would drop (as jax refuses it)."""
    if isinstance(x, np.ma.MaskedArray):
        raise errors.op_error(errors.InvalidArgumentError, "conversion to an array", "a NumPy masked array would "
                              "lose its mask", "pass x.filled(value), or its data and mask as two arrays "
                              "(x.data, x.mask)")


def _ragged(obj) -> str | None:
    """Where nested sequences stop having one shape, in words (None where they have one)."""
    level, depth = [obj], 0
    while level:
        name = "x" + "".join(f"[{i}]" for i in "ijklmn"[:depth])
        nested = [isinstance(o, (list, tuple)) or np.ndim(o) > 0 for o in level]
        if not all(nested):
            return f"the elements {name} mix sequences and scalars" if any(nested) else None
        lengths = sorted({len(o) for o in level})
        if len(lengths) > 1:
            return f"the sequences {name} have lengths {', '.join(map(str, lengths))}"
        level, depth = [e for o in level for e in o], depth + 1
    return None


def _leaves(obj, out: list) -> list:
    if isinstance(obj, (list, tuple)):
        for o in obj:
            _leaves(o, out)
    else:
        out.append(obj)
    return out


def _replace_arrays(obj):
    if isinstance(obj, (list, tuple)):
        return [_replace_arrays(o) for o in obj]
    return np.asarray(obj._concrete("conversion of a list to an array")) if isinstance(obj, Array) else obj


def _stacked(obj, dtype) -> Array:
    """Nested sequences holding traced values (`[x, 2 * x]` under grad or jit), stacked level by
    level with the primitives, so that the values keep their derivatives."""
    from ..ops import elementwise as E, shape as S
    if not isinstance(obj, (list, tuple)):
        x = to_array(obj, dtype) if _is_scalar(obj) else to_array(obj)  # (0.1 into float64 is 0.1)
        return x if x.dtype == dtype and not x.weak else E.convert_element_type_p.bind(x, new_dtype=dtype, weak=False)
    parts = [_stacked(o, dtype) for o in obj]
    shapes = {p.shape for p in parts}
    if len(shapes) > 1:
        raise errors.op_error(errors.ShapeError, "conversion to an array", f"the elements of a sequence have "
                              f"different shapes {sorted(shapes)}", "give every element the same shape (pad the "
                              "short ones), or keep them as a list of arrays")
    if not parts:
        return Array(np.zeros((0,), dtype))
    return S.concatenate([S.reshape(p, (1, *p.shape)) for p in parts], 0)


def _sequence_dtype(leaves: list):
    """The dtype nested Python data gets: Python scalars are weak, arrays inside are strong."""
    kinds = []
    for leaf in leaves:
        if _is_scalar(leaf):
            kinds.append((dtypes.scalar_dtype(leaf), True))
        elif isinstance(leaf, (Array, np.ndarray, np.generic)):
            kinds.append((dtypes.canonicalize(leaf.dtype), False))
        else:
            return None
    return dtypes.result_type(*kinds)[0] if kinds else dtypes.default_float


def scalar_value(x, dt: np.dtype) -> np.ndarray:
    """A 0-d NumPy array of dtype `dt` holding Python scalar `x`.

    Where `x` has no value of `dt`, the error is the one NumPy raises (OverflowError for an int
    out of range or an infinity into integers, ValueError for NaN into integers, TypeError for a
    complex into a real dtype), with a message that names the fix, which NumPy's do not.
    """
    if isinstance(x, int) and not isinstance(x, bool) and dt.kind in "iu":
        info = np.iinfo(dt)
        if not info.min <= x <= info.max:
            raise errors.op_error(OverflowError, "conversion to an array", f"Python int {x} does not fit in {dt} "
                                  f"(range {info.min}..{info.max})", "use a dtype wide enough for it "
                                  "(e.g. x.astype(...) before the operation)")
    elif isinstance(x, float) and dt.kind in "iu":
        if not math.isfinite(x):
            raise errors.op_error(ValueError if math.isnan(x) else OverflowError, "conversion to an array",
                                  f"Python float {x} has no {dt} value",
                                  "use a floating-point dtype, or replace it first")
        info = np.iinfo(dt)
        if not info.min <= math.trunc(x) <= info.max:
            raise errors.op_error(OverflowError, "conversion to an array", f"Python float {x} does not fit in {dt} "
                                  f"(range {info.min}..{info.max})", "use a dtype wide enough for it, or clip it first")
    elif isinstance(x, complex) and dt not in dtypes.COMPLEX and dt != dtypes.bool_:
        raise errors.op_error(TypeError, "conversion to an array", f"Python complex {x} has no {dt} value",
                              "pass its .real, or use a complex dtype")
    return np.array(x, dtype=dt)
