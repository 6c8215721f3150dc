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
"""
from __future__ import annotations

import jax
import numpy as np

from ...core import tree
from ...core.array import Array
from ...core.device import Device
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

    def _concrete(self, why: str) -> np.ndarray:
        return np.asarray(self._buffer)

    def __dlpack__(self, *, stream=None, max_version=None, dl_device=None, copy=None):
        return self._buffer.__dlpack__(stream=stream, max_version=max_version, dl_device=dl_device, copy=copy)

    def __dlpack_device__(self):
        return self._buffer.__dlpack_device__()

    def _become(self, other: Array) -> Array:
        if other.__class__ is not XlaArray:
            return Array._become(self, other)  # a traced value or another device: its error
        self._buffer, self._device, self._weak = other._buffer, other._device, other._weak
        try:
            del self._aval
        except AttributeError:
            pass
        return self


tree._LEAF_TYPES.add(XlaArray)
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

    def runner(self, call, out_weak: list[bool]):
        """`run(arrays) -> outputs` for the compiled `call`: arguments moved here, results left here."""
        def run(arrays):
            outs = call(*[a._buffer if a.__class__ is XlaArray and a._device is self else self._operand(a)
                          for a in arrays])
            return [placed(o, self, w) for o, w in zip(outs, out_weak)]
        return run

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


DEVICES = _discover()  # this module is loaded when devices are first needed
