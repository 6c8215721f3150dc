"""Devices: where arrays live and operations run, and moving arrays between them.

- `cpu:0` is the host: Arrays hold NumPy arrays and the NumPy backend runs their operations.
  It is the default device; nothing else is loaded until asked for.
- The XLA backend adds XLA's devices when `devices()` is first called (it loads jax):
  `xla-cpu:0`, `xla-cpu:1`, ... (XLA's CPU devices) and, when jax sees an accelerator,
  `gpu:0`, `gpu:1`, ... (or `tpu:0`, ...). An Array placed on one of them holds an XLA
  buffer; operations on it run there, asynchronously, until a value is read on the host.

Placement of an operation: it runs on the XLA device of its operands. Operands on the host
(NumPy Arrays, Python scalars) follow it and are transferred; so do 0-d weak values (Python
scalars made arrays) from another device. Operands on two different XLA devices are an
error (`DeviceError`) that names both: move one with `device_put`. A value made from scratch
for arrays on a device (a derivative's seed, zeros) goes to their device with `like`.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

import numpy as np

from . import tree
from .errors import DeviceError, op_error

if TYPE_CHECKING:
    from .array import Array


class Device:
    """A place where arrays live and kernels run; a backend's subclass moves arrays there."""

    __slots__ = ("platform", "id")

    def __init__(self, platform: str, id: int = 0):
        self.platform = platform
        self.id = id

    def __repr__(self):
        return f"{self.platform}:{self.id}"

    def __eq__(self, other):
        return isinstance(other, Device) and (self.platform, self.id) == (other.platform, other.id)

    def __hash__(self):
        return hash((self.platform, self.id))

    def put(self, x):
        """The eager Array `x` as an Array on this device (`x` itself when it is there already)."""
        raise op_error(DeviceError, "device_put", f"{self} belongs to no backend", "pass one of fx.devices()")


class _Host(Device):
    """The host: NumPy arrays in host memory."""

    __slots__ = ()

    def put(self, x):
        if x.device is self:
            return x
        from .array import Array  # array.py imports this module
        return Array(x._concrete("a transfer to the host"), weak=x._weak)


CPU = _Host("cpu", 0)
_devices: list[Device] = [CPU]
_loaders: list[Callable[[], list[Device]]] = []


def add_backend(load: Callable[[], list[Device]]) -> None:
    """Register a backend whose devices `load()` imports and lists, the first time devices are listed."""
    _loaders.append(load)


_ALIASES = {"cuda": "gpu", "rocm": "gpu"}  # jax's names of GPU backends


def devices(backend: str | None = None) -> list[Device]:
    """The devices fluxion can place arrays on (`cpu:0` first), optionally only those of one platform,
    `backend` (jax's "cuda" and "rocm" name "gpu"); none for a platform not present.

    >>> import fluxion as fx
    >>> fx.devices("cpu")
    [cpu:0]
    >>> fx.devices("xla-cpu")[0]
    xla-cpu:0
    """
    if backend != "cpu":  # the host needs no backend loaded
        while _loaders:
            _devices.extend(_loaders.pop(0)())
    platform = _ALIASES.get(backend, backend)
    return [d for d in _devices if platform is None or d.platform == platform]


def local_devices(process_index: int | None = None, backend: str | None = None,
                  host_id: int | None = None) -> list[Device]:
    """The devices of this process: `fx.devices(backend)` (fluxion runs as one process).

    `backend` None means every platform, as in `fx.devices()`; a platform with no devices
    is an error, as in jax.

    >>> import fluxion as fx
    >>> fx.local_devices() == fx.devices(), fx.local_devices(backend="cpu")
    (True, [cpu:0])
    """
    for which in (process_index, host_id):
        if isinstance(which, str):
            raise op_error(TypeError, "local_devices", f"process_index must be an int, got {which!r}",
                           f"pass the platform by keyword: fx.local_devices(backend={which!r})")
        if which not in (None, 0):
            raise op_error(ValueError, "local_devices", f"there is no process {which}: fluxion runs as one process",
                           "pass process_index=None (or 0)")
    return _of_backend("local_devices", backend)


def device_count(backend: str | None = None) -> int:
    """How many devices `fx.devices(backend)` lists (every platform's for None, cpu:0 included).

    >>> import fluxion as fx
    >>> fx.device_count() == len(fx.devices()), fx.device_count("cpu")
    (True, 1)
    """
    return len(_of_backend("device_count", backend))


def local_device_count(backend: str | None = None) -> int:
    """How many devices this process has: `device_count(backend)` (fluxion runs as one process).

    >>> import fluxion as fx
    >>> fx.local_device_count() == fx.device_count()
    True
    """
    return len(_of_backend("local_device_count", backend))


def default_backend() -> str:
    """The platform of the default device: "cpu", the host (cpu:0), where new arrays live and
    operations run unless arrays are put on an XLA device (`fx.device_put`) or `fx.jit` runs them.

    >>> import fluxion as fx
    >>> fx.default_backend() == fx.devices()[0].platform == "cpu"
    True
    """
    return CPU.platform


def process_index(backend: str | None = None) -> int:
    """This process's index among the processes of the computation: 0 (fluxion runs as one process).

    >>> import fluxion as fx
    >>> fx.process_index()
    0
    """
    return 0


def process_count(backend: str | None = None) -> int:
    """How many processes take part in the computation: 1 (fluxion runs as one process).

    >>> import fluxion as fx
    >>> fx.process_count()
    1
    """
    return 1


def _of_backend(op: str, backend: str | None) -> list[Device]:
    """`devices(backend)`, or, where the platform has none, an error naming those present (as jax's)."""
    if backend is not None and not isinstance(backend, str):
        raise op_error(TypeError, op, f"backend must be a platform name or None, got {type(backend).__name__}",
                       "pass a platform such as \"cpu\", \"xla-cpu\" or \"gpu\", or None for every device")
    found = devices(backend)
    if not found:
        present = ", ".join(dict.fromkeys(d.platform for d in devices()))
        raise op_error(RuntimeError, op, f"there are no devices of platform {backend!r}; the platforms present are "
                       f"{present}", "pass one of them, or None for every device")
    return found


def get(device: Device | str | None, op: str = "device") -> Device:
    """The device named by `device`: a Device, a name such as "xla-cpu:1" or "gpu" (id 0), XLA's
    device object (a jax Device) or None (cpu:0).

    Errors name `op`, the operation that was given `device`.
    """
    if device is None:
        return CPU
    if isinstance(device, Device):
        platform, index = device.platform, device.id
    elif isinstance(device, str):
        platform, _, index = device.partition(":")
        try:
            index = int(index or 0)
        except ValueError:
            raise op_error(DeviceError, op, f"{device!r} is not a device name",
                           "write platform:id, e.g. \"xla-cpu:0\", or pass one of fx.devices()") from None
    else:
        for d in devices() if hasattr(device, "platform") else ():  # an XLA device object (such as jax's)
            if getattr(d, "jax_device", None) == device:
                return d
        raise op_error(TypeError, op, f"{device!r} is not a device", "pass one of fx.devices(), a name or None")
    for d in devices(platform):
        if d.id == index:
            return d
    raise op_error(DeviceError, op, f"there is no device {platform}:{index}; the devices are {devices()}",
                   "pass one of fx.devices()")


def device_put(x, device: Device | str | None = None):
    """`x` (an array, a scalar, or a pytree of them) with every array on `device` (default: cpu:0).

    Arrays move between the host and XLA devices, and between XLA devices; the weak type of
    Python scalars is kept. Under eager transformations (grad, vmap) the move is an operation
    they differentiate (the cotangent moves back) and batch. Under jit traced values are
    returned as they are: the call that started the compiled function decides where it runs.

    >>> import fluxion as fx, fluxion.numpy as fnp
    >>> x = fx.device_put(fnp.arange(3.0), "xla-cpu:0")
    >>> x.device, (x * 2).device
    (xla-cpu:0, xla-cpu:0)
    >>> y = fx.device_put(x * 2)
    >>> y.device, y.tolist()
    (cpu:0, [0.0, 2.0, 4.0])

    `device` may also be a pytree of devices whose structure is a prefix of `x`'s, as in jax:
    each subtree of `x` goes to its device.
    """
    if isinstance(device, (tuple, list, dict)):
        devices_def = tree.structure(device)
        try:
            parts = devices_def.flatten_up_to(x)
        except TypeError:
            raise op_error(ValueError, "device_put", f"the devices' structure {devices_def} is not a prefix of the "
                           f"value's, {tree.structure(x)}", "pass one device, or a tree of devices shaped as the "
                           "value or as a prefix of it") from None
        return devices_def.unflatten([_put(sub, get(d)) for d, sub in zip(tree.leaves(device), parts)])
    return _put(x, get(device))


def device_get(x: Any) -> Any:
    """The arrays of `x` (an array or a pytree) as NumPy arrays on the host, waiting for compiled
    results; other leaves as they are (as jax's `device_get`).

    >>> import fluxion as fx, fluxion.numpy as fnp
    >>> fx.device_get({"w": fx.device_put(fnp.ones(2), "xla-cpu"), "step": 3})
    {'step': 3, 'w': array([1., 1.], dtype=float32)}
    """
    from .array import Array  # array.py imports this module
    return tree.map(lambda leaf: np.array(leaf) if isinstance(leaf, Array) else leaf, x)


def block_until_ready(x: Any) -> Any:
    """`x` (an array or a pytree of them) once every array in it has its value computed.

    >>> import fluxion as fx, fluxion.numpy as fnp
    >>> fx.block_until_ready({"a": fx.jit(lambda x: x * 2)(fnp.ones(2))})["a"].tolist()
    [2.0, 2.0]
    """
    for leaf in tree.leaves(x):
        if hasattr(leaf, "block_until_ready"):
            leaf.block_until_ready()
    return x


def _put(x: Any, device: Device) -> Any:
    """`device_put` to a resolved device."""
    from .array import Array, Tracer, to_array  # array.py imports this module
    from .transfer import move

    def put(leaf):
        if isinstance(leaf, Tracer):
            return move(leaf, device)
        if leaf.__class__ is bool:  # (a Python bool gives a strong bool, as in jax: only numbers are weak)
            return device.put(Array(np.asarray(leaf)))
        return device.put(to_array(leaf))
    return tree.map(put, x)


def like(value: Any, ref: Array) -> Any:
    """`value` (an Array or a pytree of them, e.g. a seed or zeros just made on the host) on the
    device of the Array `ref`.

    For a `ref` on the host (or a traced one, whose device its transformation's caller decides)
    this is `value` itself, after one check; so derivatives and other values made from scratch
    for arrays on an XLA device can follow them there at no cost on the host. Traced parts of
    `value` are left as they are (see `device_put`).

    >>> import fluxion as fx, fluxion.numpy as fnp
    >>> from fluxion.core.device import like
    >>> like(fnp.zeros(2), fx.device_put(fnp.ones(3), "xla-cpu")).device
    xla-cpu:0
    >>> x = fnp.zeros(2)
    >>> like(x, fnp.ones(3)) is x
    True
    """
    device = ref.device
    return value if device is CPU else _put(value, device)


def placement(op: str, arrays) -> Device:
    """The device an operation on the eager Arrays `arrays` runs on (see the module docstring)."""
    first = committed = None  # the XLA devices of the first operand there, and of the first not 0-d weak one
    for a in arrays:
        d = a.device
        if d is CPU:
            continue
        first = first or d
        if a._weak and not a.shape:
            continue
        if committed is None:
            committed = d
        elif d is not committed:
            raise op_error(DeviceError, op, f"got operands on different devices, {committed} and {d}",
                           f"move them to one device first, e.g. fx.device_put(x, \"{committed}\")")
    return committed or first or CPU
