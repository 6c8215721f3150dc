"""What the computation being built runs on: `platform_dependent`.

Platforms are named as jax names them: "cpu" (fluxion's host, cpu:0, and XLA's CPU devices),
"cuda" or "rocm" (both fluxion's "gpu" devices: fluxion does not tell them apart), "tpu".
"""
from __future__ import annotations

from typing import Any, Callable

from ..core import tree
from ..core.array import Array
from ..core.device import CPU, devices, placement
from ..core.errors import UnsupportedError, op_error
from ..core.interpreters import EAGER, current

__all__ = ["platform_dependent"]

_FAMILY = {"xla-cpu": "cpu", "cuda": "gpu", "rocm": "gpu"}  # names -> fluxion's platform of devices


def _platform(args: tuple) -> str:
    """The platform, as a device platform of fluxion ("cpu", "gpu", "tpu"), that runs operations on `args`."""
    if current() is EAGER:  # operations run now, on the device of their operands (see fluxion/core/device.py)
        device = placement("platform_dependent", [x for x in tree.leaves(args) if isinstance(x, Array)])
        return "cpu" if device is CPU else _FAMILY.get(device.platform, device.platform)
    # traced: the program may run on any device, which is only known when it runs; on a machine whose
    # devices are all CPUs, that is a CPU
    platforms = {_FAMILY.get(d.platform, d.platform) for d in devices()}
    if platforms == {"cpu"}:
        return "cpu"
    raise op_error(UnsupportedError, "platform_dependent", "the call is traced (under fx.jit or another "
                   f"transformation), and this machine has devices of several platforms {sorted(platforms)}, so the "
                   "platform the program will run on is not known while it is traced",
                   "call it outside the transformation, or choose the branch in Python from the device you run on "
                   "(x.device.platform of a concrete array, passed in as a static argument)")


def platform_dependent(*args: Any, default: Callable | None = None, **per_platform: Callable) -> Any:
    """`per_platform[platform](*args)` for the platform the operations on `args` run on (see the
    module docstring for the names), or `default(*args)` when no branch names it.

    The platform is chosen when the call is made: outside transformations, that of the device
    the array arguments are on (the host and XLA's CPU: "cpu"); under `jit` and other
    transformations the program could run on any device, so there it is "cpu" on a machine
    whose devices are all CPUs, and an error naming the fix on one with accelerators. Only the
    chosen branch runs or is traced (jax stages them all, to choose when compiling).

    >>> import fluxion.numpy as fnp
    >>> platform_dependent(fnp.ones(2), cpu=lambda x: x + 1, default=lambda x: x - 1).tolist()
    [2.0, 2.0]
    """
    for name, branch in (*per_platform.items(), ("default", default)):
        if branch is not None and not callable(branch):
            raise op_error(TypeError, "platform_dependent", f"the {name!r} branch must be a function, got "
                           f"{type(branch).__name__}", f"pass {name}=lambda *args: ...")
    platform = _platform(args)
    matching = {id(b): b for name, b in per_platform.items() if _FAMILY.get(name, name) == platform}
    if len(matching) > 1:
        raise op_error(ValueError, "platform_dependent", f"several different branches are given for the platform "
                       f"{platform!r}: {sorted(n for n in per_platform if _FAMILY.get(n, n) == platform)}",
                       "give one of them (fluxion does not tell CUDA from ROCm GPUs)")
    branch = next(iter(matching.values()), default)
    if branch is None:
        raise op_error(ValueError, "platform_dependent", f"no branch for the platform {platform!r}, and no default",
                       f"pass {'cuda' if platform == 'gpu' else platform}=... or default=...")
    return branch(*args)
