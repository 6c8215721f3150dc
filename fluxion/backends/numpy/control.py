"""NumPy kernels of the control-flow primitives: the sub-programs are evaluated eagerly, in a Python loop."""
from __future__ import annotations

import numpy as np

from ...control.cond import cond_p
from ...control.loops import while_p
from ...control.scan import scan_p
from ...core.array import Array, to_array
from ...core.interpreters import EAGER, use
from ...core.primitive import numpy_kernel
from ...core.program import evaluate


def _array(value, aval) -> Array:
    out = Array.__new__(Array)
    out._value, out._weak = np.asarray(value), aval.weak
    return out


def _arrays(values, avals) -> list[Array]:
    return [_array(v, a) for v, a in zip(values, avals)]


def _values(arrays) -> tuple:
    return tuple(to_array(a)._value for a in arrays)


def _cond(index, *args, branches):
    program = branches[min(max(int(index), 0), len(branches) - 1)]
    with use(EAGER):  # the kernel may be called while another interpreter is current
        return _values(evaluate(program, *_arrays(args, program.in_types)))


def _while(*args, cond, body, cond_nconsts, body_nconsts, capacity):
    n = cond_nconsts + body_nconsts
    cond_consts = _arrays(args[:cond_nconsts], cond.in_types)
    body_consts = _arrays(args[cond_nconsts:n], body.in_types)
    carry = _arrays(args[n:], body.in_types[body_nconsts:])
    with use(EAGER):
        while evaluate(cond, *cond_consts, *carry)[0]._value:
            carry = evaluate(body, *body_consts, *carry)
    return _values(carry)


def _scan(*args, body, length, reverse, unroll, num_consts, num_carry):
    n = num_consts + num_carry
    consts = _arrays(args[:num_consts], body.in_types)
    carry = _arrays(args[num_consts:n], body.in_types[num_consts:])
    xs, x_avals = args[n:], body.in_types[n:]
    ys = [np.empty((length, *a.shape), a.dtype) for a in body.out_types[num_carry:]]
    with use(EAGER):
        for i in (range(length - 1, -1, -1) if reverse else range(length)):
            out = evaluate(body, *consts, *carry, *[_array(x[i], a) for x, a in zip(xs, x_avals)])
            carry = out[:num_carry]
            for y, o in zip(ys, out[num_carry:]):
                y[i] = to_array(o)._value
    return (*_values(carry), *ys)


numpy_kernel.update({cond_p: _cond, while_p: _while, scan_p: _scan})
