"""The XLA backend: lowering of fluxion programs to XLA, compilation and execution.

This package is the only place that imports jax, which serves as the XLA toolchain: a
program is lowered by interpreting it with `jax.lax` operations (lower.py: one lowering rule
per primitive, in `xla_lowering`; a call primitive's function inlined) inside `jax.jit`, which
builds and compiles the XLA computation. None of jax's transformations are used: fluxion's
own are applied before.

Programs are lowered and compiled with 64-bit types enabled, so float64 and int64 stay
64-bit. A call goes through the compiled computation's own dispatcher; it switches 64-bit
mode on (a thread-local flag) only for programs with 64-bit inputs, which the dispatcher
would otherwise narrow. `fx.jit` may also call a program through dispatch.py, which takes
its inputs as they are.

Placement: a program is compiled for one device. By default that is XLA's first CPU device,
and the inputs and outputs are host (NumPy) Arrays; compiled for an XLA device of
`devices.py`, its inputs are moved to that device and its outputs stay there.

Transfers: each host Array keeps the XLA buffer of its value, made at its first use as an
input, so passing it again costs nothing. Inputs are used in place: XLA needs host memory
64-byte aligned and contiguous, so an input that is not is first copied to memory that is,
which the Array then keeps as its value (the same value, so a later call copies nothing).

Numerics: XLA's CPU runtime flushes subnormal floats to zero, in inputs and results (as
jax's calls do); the eager NumPy kernels keep them. No compile option turns this off.
16-bit float operations round each result to 16 bits, as the eager kernels do: XLA's option
to keep float32 intermediates (xla_allow_excess_precision) is off, so that compiled values,
random draws among them, are the eager ones (tan(pi * (u - 1/2)) in bfloat16 differed).

Asynchrony: a call returns as soon as XLA has the work, as jax's calls do. Its outputs are
PendingArrays holding XLA's buffers: given to the next compiled call one goes as its buffer,
so a training loop dispatches step n + 1 while step n runs; its first read waits and makes its
value a NumPy view of the buffer (no copy on the CPU).
"""
from __future__ import annotations

import functools
import math
import warnings

import jax
import numpy as np
from jax._src import core as jax_core
from jax._src.lib import _jax as xc
from jax.sharding import SingleDeviceSharding

from ...core.array import PYTHON_SCALARS, Array, PendingArray, to_array
from ...core.program import Program
from ...core.types import ArrayType
from . import callback, constants, control, elementwise, indexing, linalg, linalg_schur, reduce, shape, sort, spectral  # noqa: F401  (fill the table)
from .lower import lower_program

_X64 = jax.enable_x64  # the 64-bit switch; `swap_local` / `set_local` are its cheap thread-local form
_ALIGN = 64
_OPTIONS = {"xla_allow_excess_precision": False}  # XLA's compile options (see Numerics above)


def _needs_x64(dtype: np.dtype) -> bool:
    return dtype.itemsize == 8 or dtype.kind == "c" and dtype.itemsize == 16


class Executable:
    """A compiled program: call it with the program's input Arrays.

    >>> import fluxion as fx, fluxion.numpy as fnp
    >>> from fluxion.backends import xla
    >>> exe = xla.compile(fx.make_program(lambda x: x * 2)(fnp.ones(2)))
    >>> [y.tolist() for y in exe(fnp.ones(2))]
    [[2.0, 2.0]]
    >>> "stablehlo.multiply" in exe.as_text()
    True
    """

    def __init__(self, program: Program, device=None, donated: tuple[tuple[int, str], ...] = ()):
        self.program = program
        self.device = device  # an XLA device of devices.py, or None: host arrays in and out
        # donation: (input index, name for messages) of the inputs whose buffers XLA may reuse
        # for outputs; only for an XLA device, whose runner deletes the donated arrays
        self.donated = donated
        self._sharding = SingleDeviceSharding(_host() if device is None else device.jax_device)
        consts = [np.asarray(c) for c in program.consts]
        # real constants are written into the computation where constants.py can (small ones, and
        # large ones of a few patterns: broadcasts, aranges, identities), so that XLA folds and
        # fuses them; the others are parameters, and so are complex ones (XLA simplifies a
        # division by a known complex number with other signs of zero than NumPy)
        written = [None if c.dtype.kind == "c" else constants.written(c) for c in consts]
        self.consts = [c for c, w in zip(consts, written) if w is None]
        n = len(self.consts)

        def lowered(*a):
            passed = iter(a[:n])
            return lower_program(program, a[n:], [next(passed) if w is None else w() for w in written],
                                 inputs_may_be_constants=False)

        # one flat argument list, parameter constants first; keep_unused keeps the parameters fixed
        self._jitted = jax.jit(lowered, keep_unused=True, donate_argnums=tuple(n + i for i, _ in donated))
        self._out_weak = [v.aval.weak for v in program.outputs]
        # (a host callback sees its operands as jax's switch says: 64-bit values computed inside need it too)
        self._x64 = any(_needs_x64(v.aval.dtype) for v in program.inputs) or callback.calls_back(program)
        self._compiled = None

    def lower(self):
        """jax's lowered computation (`.as_text()`, `.compile()`)."""
        types = [*self.consts, *(v.aval for v in self.program.inputs)]
        with _X64(True), warnings.catch_warnings():
            # a donated buffer no output can reuse is freed all the same (devices.py deletes the array)
            warnings.filterwarnings("ignore", "Some donated buffers were not usable")
            return self._jitted.lower(*[jax.ShapeDtypeStruct(t.shape, t.dtype, sharding=self._sharding)
                                        for t in types])

    def compile(self):
        """jax's compiled computation, made once."""
        if self._compiled is None:
            lowered = self.lower()
            with _X64(True):
                self._compiled = lowered.compile(compiler_options=_OPTIONS)
        return self._compiled

    def as_text(self) -> str:
        """The XLA (StableHLO) text of the program."""
        return self.lower().as_text()

    def run(self, arrays) -> list[Array]:
        """The outputs for a sequence of input Arrays.

        The first call puts the constants on the device and replaces this method by a runner
        that goes straight to the compiled computation's dispatcher.
        """
        compiled = self.compile()
        with _X64(True):  # the constants go to the device once, at their own width
            consts = jax.device_put(self.consts, self._sharding)
        self.device_consts = consts  # (for dispatch.py)
        outs = self._runner(compiled, consts)(arrays)
        # after a first call, `_call` is the dispatcher without the Python method around it
        self.run = self._runner(getattr(compiled, "_call", None) or compiled, consts)
        return outs

    def _runner(self, call, consts):
        call = functools.partial(call, *consts) if consts else call
        call = _with_x64(call) if self._x64 else call
        if self.device is not None:
            return self.device.runner(call, self._out_weak, self.donated)
        return _runner(call, [v.aval for v in self.program.outputs])

    def __call__(self, *arrays: Array) -> list[Array]:
        return self.run(arrays)


@functools.cache
def _host():
    """XLA's first CPU device, where programs on host arrays run."""
    return jax.local_devices(backend="cpu")[0]


def _with_x64(call):
    def call_x64(*values):
        prev = _X64.swap_local(True)
        try:
            return call(*values)
        finally:
            _X64.set_local(prev)
    return call_x64


def _runner(call, out_types: list[ArrayType]):
    """`run(arrays) -> outputs`; the common single-output case skips the loop."""
    if len(out_types) == 1:
        out_type = out_types[0]

        def run(arrays):
            return [_wrap(call(*_inputs(arrays))[0], out_type)]
    else:
        def run(arrays):
            return [_wrap(o, t) for o, t in zip(call(*_inputs(arrays)), out_types)]
    return run


def _inputs(arrays) -> list:
    try:
        return [a._buffer for a in arrays]
    except AttributeError:
        return [_buffer(a) for a in arrays]


def _buffer(a: Array):
    """XLA's buffer of the host Array `a`, made at its first use and kept on it (see the module
    docstring): one on the Array's own memory (outputs of compiled calls keep theirs). A Python
    scalar's is made once per value."""
    try:
        return a._buffer
    except AttributeError:
        pass
    if a.__class__ in PYTHON_SCALARS:
        signs = (math.copysign(1, a.real), math.copysign(1, a.imag)) if a.__class__ in (float, complex) else ()
        return _scalar(a.__class__, a, signs)._buffer  # (the signs tell 0.0 from -0.0, which are equal)
    if a.__class__ is np.ndarray:  # a NumPy array passed to a compiled call: read during the call
        return _put(_aval(a.shape, a.dtype), _host_sharding(), [_aligned(a)], [_host()])
    v = a._value
    # the same value in memory XLA can use in place: the Array takes it, so the two never differ
    a._value = v = _aligned(v)
    a._buffer = _put(_aval(v.shape, v.dtype), _host_sharding(), [v], [_host()])
    return a._buffer


def _aligned(v: np.ndarray) -> np.ndarray:
    """`v`, or a copy of it in memory XLA can use in place (64-byte aligned and contiguous)."""
    if not v.__array_interface__["data"][0] % _ALIGN and v.flags.c_contiguous:
        return v
    out = np.empty(v.nbytes + _ALIGN, np.uint8)
    start = -out.__array_interface__["data"][0] % _ALIGN
    out = out[start:start + v.nbytes].view(v.dtype).reshape(v.shape)
    np.copyto(out, v)
    out.flags.writeable = v.flags.writeable
    return out


@functools.lru_cache(maxsize=256)
def _scalar(cls: type, x, signs: tuple) -> Array:
    """The weak Array of Python scalar `x` with its buffer (`cls` tells 1 from 1.0 and True)."""
    a = to_array(x)
    _buffer(a)
    return a


_put = functools.partial(xc.batched_device_put, committed=False, host_buffer_semantics=xc.HostBufferSemantics.ZERO_COPY,
                         enable_x64=True)  # 64-bit values stay 64-bit


@functools.lru_cache(maxsize=4096)
def _aval(dims: tuple, dtype):
    return jax_core.ShapedArray(dims, dtype)


@functools.cache
def _host_sharding():
    return SingleDeviceSharding(_host())


_new = Array.__new__


def _wrap(buffer, t: ArrayType) -> Array:
    """The host Array of an output buffer, returned while XLA may still compute it (a
    PendingArray); passed to another compiled call, it goes as the buffer."""
    out = _new(PendingArray)
    out._buffer, out._weak, out._aval = buffer, t.weak, t
    return out


def compile(program: Program, device=None,  # noqa: A001
            donated: tuple[tuple[int, str], ...] = ()) -> Executable:
    """The program compiled with XLA for `device` (an XLA device; None: host arrays in and out).

    `donated` lists (input index, name for messages) of the inputs XLA may take over (on an
    XLA device only). Compilation happens at the first call or `.compile()`.
    """
    return Executable(program, device, donated)
