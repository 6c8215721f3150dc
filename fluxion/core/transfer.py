"""The move of a traced value between devices, as a primitive: eager transformations (grad,
vmap) differentiate and batch it as any other operation, its rules being in ops/barrier.py.

Under jit the value stays as it is: the call that started the compiled function decides
where it runs (see `device_put`).
"""
from __future__ import annotations

from .array import Tracer
from .primitive import Primitive, abstract_eval
from .rules import eager_rules

# `device`: where the value goes; `src`: where it was (where its cotangent goes back to)
device_put_p = Primitive("device_put")
abstract_eval[device_put_p] = lambda aval, *, device, src: aval
eager_rules[device_put_p] = lambda x, *, device, src: device.put(x)


def move(x: Tracer, device) -> Tracer:
    """The traced `x` on `device` where its transformations run eagerly; under jit `x` itself."""
    src = x._home()
    if src is None or src is device:
        return x
    return device_put_p.bind(x, device=device, src=src)
