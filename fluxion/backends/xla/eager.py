"""Eager execution on XLA devices: one operation at a time, each a small compiled program.

A primitive applied to arrays on an XLA device runs as a program of that one equation,
lowered with the primitive's XLA lowering rule and compiled for the device once per
(primitive, parameters, operand types, device); later calls with that signature reuse it.
Results stay on the device, computed asynchronously. A slice (`x[i]`, `x[i:j]`) takes its
starts as operands, so that indexing in a loop reuses one kernel per window size.
"""
from __future__ import annotations

from ...core.array import to_array
from ...core.errors import op_error
from ...core.program import Equation, Program, Var, frozen
from ...core.rules import xla_lowering
from ...core.types import ArrayType
from ...ops.indexing import dynamic_slice_p
from ...ops.shape import slice_p
from . import Executable

MAX_KERNELS = 4096  # compiled kernels kept; beyond it the cache starts over
_kernels: dict = {}


def execute(device, prim, arrays: list, params: dict, out_type):
    """`prim(*arrays, **params)` run on `device`; `out_type` is what abstract evaluation gave."""
    if prim is slice_p and any(params["start_indices"]):
        return _slice(device, arrays[0], params, out_type)
    try:
        key = (prim, device, *[a.aval for a in arrays], frozen(params))
        kernel = _kernels[key]
    except KeyError:
        kernel = _kept(key, lambda: _kernel(device, prim, arrays, params, out_type))
    except TypeError:  # unhashable parameters: compiled for this call alone
        kernel = _kernel(device, prim, arrays, params, out_type)
    outs = kernel.run(arrays)
    return tuple(outs) if prim.multiple_results else outs[0]


def _kept(key, make) -> Executable:
    if len(_kernels) >= MAX_KERNELS:
        _kernels.clear()
    kernel = _kernels[key] = make()
    return kernel


def _kernel(device, prim, arrays, params, out_type) -> Executable:
    if prim not in xla_lowering:
        raise op_error(NotImplementedError, prim.name, f"has no XLA lowering, so it cannot run on {device}",
                       'move its operands to the host first, e.g. fx.device_put(x, "cpu")') from None
    inputs = [Var(a.aval) for a in arrays]
    outputs = [Var(t) for t in (out_type if prim.multiple_results else (out_type,))]
    return Executable(Program([], [], inputs, [Equation(prim, inputs, outputs, params)], outputs), device)


def _slice(device, x, params: dict, out_type):
    """A slice as the window from its starts (operands, so any starts share the kernel), strided
    from 0 to its limits."""
    starts, strides = [to_array(s) for s in params["start_indices"]], params["strides"]
    sizes = tuple(b - a for a, b in zip(params["start_indices"], params["limit_indices"]))
    key = (slice_p, device, x.aval, starts[0].aval, sizes, strides)
    kernel = _kernels.get(key)
    if kernel is None:
        inputs = [Var(x.aval), *[Var(s.aval) for s in starts]]
        window, out = Var(ArrayType(sizes, x.dtype, x.weak)), Var(out_type)
        equations = [Equation(dynamic_slice_p, inputs, [window], {"slice_sizes": sizes}),
                     Equation(slice_p, [window], [out], {"start_indices": (0,) * len(sizes), "limit_indices": sizes,
                                                         "strides": strides})]
        kernel = _kept(key, lambda: Executable(Program([], [], inputs, equations, [out]), device))
    return kernel.run([x, *starts])[0]


def clear() -> None:
    """Forget every compiled kernel (they are compiled again when next needed)."""
    _kernels.clear()
