"""Eager execution on XLA devices: one operation at a time, each a small compiled program.

A primitive applied to arrays on an XLA device runs as a program of that one equation,
lowered with the primitive's XLA lowering rule and compiled for the device once per
(primitive, parameters, operand types, device); later calls with that signature reuse it.
Results stay on the device, computed asynchronously.
"""
from __future__ import annotations

from ...core.errors import op_error
from ...core.program import Equation, Program, Var, frozen
from ...core.rules import xla_lowering
from . import Executable

MAX_KERNELS = 4096  # compiled kernels kept; beyond it the cache starts over
_kernels: dict = {}


def execute(device, prim, arrays: list, params: dict, out_type):
    """`prim(*arrays, **params)` run on `device`; `out_type` is what abstract evaluation gave."""
    try:
        key = (prim, device, *[a.aval for a in arrays], frozen(params))
        kernel = _kernels[key]
    except KeyError:
        if len(_kernels) >= MAX_KERNELS:
            _kernels.clear()
        kernel = _kernels[key] = _kernel(device, prim, arrays, params, out_type)
    except TypeError:  # unhashable parameters: compiled for this call alone
        kernel = _kernel(device, prim, arrays, params, out_type)
    outs = kernel.run(arrays)
    return tuple(outs) if prim.multiple_results else outs[0]


def _kernel(device, prim, arrays, params, out_type) -> Executable:
    if prim not in xla_lowering:
        raise op_error(NotImplementedError, prim.name, f"has no XLA lowering, so it cannot run on {device}",
                       'move its operands to the host first, e.g. fx.device_put(x, "cpu")') from None
    inputs = [Var(a.aval) for a in arrays]
    outputs = [Var(t) for t in (out_type if prim.multiple_results else (out_type,))]
    return Executable(Program([], [], inputs, [Equation(prim, inputs, outputs, params)], outputs), device)


def clear() -> None:
    """Forget every compiled kernel (they are compiled again when next needed)."""
    _kernels.clear()
