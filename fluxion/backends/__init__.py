"""fluxion's backends: `numpy/` runs eager operations on the host (`cpu:0`); `xla/` compiles
programs and adds XLA's devices. The XLA backend loads jax, so it is imported when first
needed: by `fx.jit`, or, for its devices, when `fx.devices()` first lists them.
"""
import importlib

from ..core.device import add_backend

add_backend(lambda: importlib.import_module(f"{__name__}.xla.devices").DEVICES)
