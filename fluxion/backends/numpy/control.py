"""NumPy kernels of the control-flow primitives: a Python loop over the sub-programs, each run as its kernels in order."""
from __future__ import annotations

import functools
from typing import Callable

import numpy as np

from ...control.cond import cond_p
from ...control.loops import while_p
from ...control.scan import scan_p
from ...core.array import Array, to_array
from ...core.interpreters import EAGER, use
from ...core.primitive import numpy_kernel
from ...core.program import evaluate
from .program import kernels


@functools.lru_cache(maxsize=1024)
def _runner(program) -> Callable[..., list]:
    """`program` as a function of NumPy values giving NumPy values: its kernels called in order
    (see `kernels`), or, where a primitive has none (a call of a custom rule), evaluated eagerly."""
    if all(eq.prim in numpy_kernel for eq in program.equations):
        return kernels(program)

    def run(*values):
        with use(EAGER):  # the kernel may be called while another interpreter is current
            arrays = [_array(v, a) for v, a in zip(values, program.in_types)]
            return [to_array(o)._value for o in evaluate(program, *arrays)]
    return run


def _array(value, aval) -> Array:
    out = Array.__new__(Array)
    out._value, out._weak = np.asarray(value), aval.weak
    return out


def _cond(index, *args, branches):
    return tuple(_runner(branches[min(max(int(index), 0), len(branches) - 1)])(*args))


def _while(*args, cond, body, cond_nconsts, body_nconsts, capacity):
    n = cond_nconsts + body_nconsts
    cond_consts, body_consts, carry = args[:cond_nconsts], args[cond_nconsts:n], args[n:]
    test, step = _runner(cond), _runner(body)
    while test(*cond_consts, *carry)[0]:
        carry = step(*body_consts, *carry)
    return tuple(carry)


def _scan(*args, body, length, reverse, unroll, num_consts, num_carry):
    n = num_consts + num_carry
    consts, carry, xs = args[:num_consts], args[num_consts:n], args[n:]
    ys = [np.empty((length, *a.shape), a.dtype) for a in body.out_types[num_carry:]]
    step = _runner(body)
    for i in (range(length - 1, -1, -1) if reverse else range(length)):
        out = step(*consts, *carry, *[np.asarray(x[i]) for x in xs])
        carry = out[:num_carry]
        for y, o in zip(ys, out[num_carry:]):
            y[i] = o
    return (*carry, *ys)


numpy_kernel.update({cond_p: _cond, while_p: _while, scan_p: _scan})
