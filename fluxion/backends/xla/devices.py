"""XLA's devices as fluxion devices, the arrays that live on them, and transfers.

Names: XLA's CPU devices are `xla-cpu:0`, `xla-cpu:1`, ... (apart from `cpu:0`, the host,
where NumPy runs); an accelerator keeps XLA's platform name: `gpu:0`, `gpu:1`, ... (or
`tpu:0`, ...), numbered in the order jax lists them. Several CPU devices exist when
`XLA_FLAGS=--xla_force_host_platform_device_count=N` is set before jax is loaded.

An `XlaArray` holds a jax Array committed to its device. Operations on it run there as
compiled kernels (eager.py), asynchronously: reading the value on the host (`np.asarray`,
printing, `.tolist()`, `float()`) waits for it. It has no host value `_value`, so the host's
fast paths (the eager interpreter's, the operators') pass it to their general paths, which
send the operation to its device.

Donation: a compiled call may take the buffers of some inputs (`fx.jit(donate_argnums=)`),
so that XLA can write results into them. The donated arrays that lived on the call's device
are then deleted: their `_buffer` becomes a `_Donated` marker, and any use of them raises
an error naming the argument they were donated as.
"""
from __future__ import annotations

import jax
import numpy as np

from ...core.array import Array
from ...core.device import Device
from ...core.errors import DeviceError, op_error
from ...core.types import ArrayType
from . import eager

_X64 = jax.enable_x64


class XlaArray(Array):
    """An Array in the memory of an XLA device; operations on it run there, asynchronously."""

    __slots__ = ("_buffer", "_device")

    @property
    def shape(self) -> tuple[int, ...]:
        return self._buffer.shape

    @property
    def dtype(self) -> np.dtype:
        return self._buffer.dtype

    @property
    def aval(self) -> ArrayType:
        try:
            return self._aval
        except AttributeError:
            b = self._buffer
            self._aval = ArrayType(b.shape, b.dtype, self._weak)
            return self._aval

    @property
    def device(self) -> XlaDevice:
        return self._device

    def block_until_ready(self) -> XlaArray:
        self._buffer.block_until_ready()
        return self

    def is_deleted(self) -> bool:
        return self._buffer.__class__ is _Donated

    def _concrete(self, why: str) -> np.ndarray:
        return np.asarray(self._buffer)

    def __dlpack__(self, *, stream=None, max_version=None, dl_device=None, copy=None):
        return self._buffer.__dlpack__(stream=stream, max_version=max_version, dl_device=dl_device, copy=copy)

    def __dlpack_device__(self):
        return self._buffer.__dlpack_device__()

    def __copy__(self) -> XlaArray:  # (a buffer of its own on the device, which donating either leaves to the other;
        return self.copy()  # pickling, which copy would use otherwise, makes a host array)

    def __deepcopy__(self, memo) -> XlaArray:
        return self.copy()

    def _snapshot(self) -> tuple[tuple, XlaArray]:
        out = _new(XlaArray)
        out._buffer, out._device, out._weak = self._buffer, self._device, self._weak
        return (id(out._buffer), out._weak), out

    def _become(self, other: Array) -> Array:
        if other.__class__ is not XlaArray:
            return Array._become(self, other)  # a traced value or another device: its error
        self._buffer, self._device, self._weak = other._buffer, other._device, other._weak
        try:
            del self._aval
        except AttributeError:
            pass
        return self

    def __repr__(self):
        b = self._buffer
        if b.__class__ is _Donated:  # printing must not fail, e.g. in a debugger
            return f"Array(<deleted: donated as {b._what}>, shape={b._aval.shape}, dtype={b._aval.dtype})"
        return Array.__repr__(self)

    def _donate(self, what: str) -> None:
        """Give the buffer away (to a compiled call, as `what`): later uses raise an error naming it."""
        self._buffer = _Donated(what, self.aval)
        del self._aval  # recomputed from the buffer, so that the jit cache's key raises too


class _Donated:
    """The buffer of a donated array: its shape and dtype, and otherwise for every attribute
    lookup (a transfer, a read by NumPy or jax) the error that names the argument and the fix."""

    __slots__ = ("_aval", "_what")  # private names, so that no library mistakes the marker for an array

    def __init__(self, what: str, aval: ArrayType):
        self._what, self._aval = what, aval

    @property
    def shape(self):  # (the array's type stays known, as jax's: only its value is gone)
        return self._aval.shape

    @property
    def dtype(self):
        return self._aval.dtype

    def __getattr__(self, name):
        raise op_error(DeviceError, "use of a donated array", f"the array was donated as {self._what}, so XLA "
                       "may have reused its memory for a result and it has no value any more",
                       "pass a copy instead (x.copy()) to keep using the array, or do not donate it "
                       "(remove it from donate_argnums)") from None


_new = Array.__new__


def placed(buffer, device: XlaDevice, weak: bool) -> XlaArray:
    """The XlaArray holding `buffer`, a jax Array on `device`."""
    out = _new(XlaArray)
    out._buffer, out._device, out._weak = buffer, device, weak
    return out


class XlaDevice(Device):
    """An XLA device (see the module docstring for the names)."""

    __slots__ = ("jax_device",)

    def __init__(self, platform: str, id: int, jax_device):
        super().__init__(platform, id)
        self.jax_device = jax_device

    def put(self, x: Array) -> XlaArray:
        if x.__class__ is XlaArray:
            if x._device is self:
                return x
            buffer = jax.device_put(x._buffer, self.jax_device)
        else:
            with _X64(True):  # 64-bit values keep their width
                buffer = jax.device_put(x._value, self.jax_device)
        return placed(buffer, self, x._weak)

    def execute(self, prim, arrays: list, params: dict, out_type):
        """`prim` applied to `arrays` (here, on the host, or moved here from elsewhere); its results stay here."""
        return eager.execute(self, prim, arrays, params, out_type)

    def runner(self, call, out_weak: list[bool], donated: tuple[tuple[int, str], ...] = ()):
        """`run(arrays) -> outputs` for the compiled `call`: arguments moved here, results left here.

        `donated` holds (input index, name for messages) of the inputs whose buffers `call`
        takes: those that are arrays of this device are deleted by the call; others (host
        arrays, arrays of other devices) reach it as copies and stay usable.
        """
        def run(arrays):
            outs = call(*[a._buffer if a.__class__ is XlaArray and a._device is self else self._operand(a)
                          for a in arrays])
            return [placed(o, self, w) for o, w in zip(outs, out_weak)]

        if not donated:
            return run

        def run_donating(arrays):
            taken = self._taken(arrays, donated)
            outs = run(arrays)
            for a, what in taken:
                a._donate(what)
            return outs
        return run_donating

    def _taken(self, arrays, donated) -> list[tuple[XlaArray, str]]:
        """The donated arrays whose buffers are here, with their names; XLA refuses a buffer that
        is donated and passed again in the same call, so that is an error naming the fix."""
        taken = [(arrays[i], what) for i, what in donated
                 if arrays[i].__class__ is XlaArray and arrays[i]._device is self]
        buffers = [id(a._buffer) for a in arrays if a.__class__ is XlaArray]
        if len(set(buffers)) < len(buffers):  # some buffer is passed twice: is it a donated one?
            for a, what in taken:
                if buffers.count(id(a._buffer)) > 1:
                    raise op_error(DeviceError, "jit", f"{what} is donated, and the same array is passed again "
                                   "in this call", "pass a copy (x.copy()) in one of the places, or do not donate "
                                   "it (remove it from donate_argnums)")
        return taken

    def _operand(self, a: Array):
        """What a compiled call on this device takes for `a`: a host value as it is (the call
        transfers it, faster than a separate transfer), a buffer elsewhere moved here."""
        if a.__class__ is XlaArray:
            return jax.device_put(a._buffer, self.jax_device)
        return a._value


def _discover() -> list[XlaDevice]:
    found = [XlaDevice("xla-cpu", i, d) for i, d in enumerate(jax.local_devices(backend="cpu"))]
    default = jax.local_devices()  # the default platform's devices: an accelerator's when there is one
    if default[0].platform != "cpu":
        found += [XlaDevice(d.platform, i, d) for i, d in enumerate(default)]
    return found


def __getattr__(name: str):
    """`DEVICES`, found when first asked for: XLA's backend starts then, not when a function is
    jitted (a process forked before it starts may still use it)."""
    if name == "DEVICES":
        global DEVICES
        DEVICES = _discover()
        return DEVICES
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
