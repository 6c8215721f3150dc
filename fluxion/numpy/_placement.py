"""Where the fluxion.numpy functions that take `device=` put their results.

A result is computed where its operands are (on the host for creation functions, which have
none) and then moved to the device asked for; on an XLA device a new array thus arrives by
one transfer, and no kernel is compiled to make it. Traced values move as with fx.device_put:
under eager transformations (grad, vmap), not under jit.
"""
from __future__ import annotations

from ..core.array import Array, Tracer
from ..core.device import Device, get, placement
from ..core.errors import op_error
from ..core.transfer import move


def resolve(op: str, device) -> Device | None:
    """The device `device` names (a Device, or a name such as "xla-cpu:0" or "cpu"); None when it is None."""
    return None if device is None else get(device, op)


def place(op: str, x: Array, device: Device | None, copy: bool | None = None) -> Array:
    """`x` on `device` (None: where it is); with `copy=False` a move is an error, since it copies."""
    if isinstance(x, Tracer):
        return x if device is None else move(x, device)
    if device is None or x.device is device:
        return x
    if copy is False:
        raise op_error(ValueError, op, f"moving the array from {x.device} to {device} needs a copy, but copy=False "
                       "was passed", "pass copy=None, or leave device=None")
    return device.put(x)


def with_operands(op: str, results, operands):
    """`results` (an Array or a tuple of them, computed on the host from concrete `operands`) on
    the device the operation runs on: that of its operands (core/device.py)."""
    device = placement(op, [a for a in operands if isinstance(a, Array) and not isinstance(a, Tracer)])
    if results.__class__ is tuple:
        return tuple(place(op, r, device) for r in results)
    return place(op, results, device)
