"""The two ways a draw's arithmetic runs: `BIND` binds primitives, which every transformation
sees; `KERNELS` calls the primitives' NumPy kernels on ndarrays directly.

An eager draw whose key and array parameters are on the host takes `KERNELS` (`ops_for`
decides). The eager interpreter would run the same kernels on the same values in the same
order, so the numbers are the same; but around each kernel it looks up the output type and
wraps the value in an Array, which for a small draw costs more than the arithmetic. The
samplers write their arithmetic once, against an `ops` argument: `ops.add(x, y)`,
`ops.const(1, dt)`; `ops.read(x)` takes an Array operand the way `ops` computes on, and
`ops.result(x)` returns the final value as an Array.
"""
from __future__ import annotations

import functools
from types import SimpleNamespace

import numpy as np

from ..core.array import HOST, Array
from ..core.interpreters import EAGER, _ctx
from ..core.primitive import numpy_kernel
from ..numpy._convert import convert
from ..ops import elementwise as E
from ..ops import shape as S
from ..ops.threefry import threefry2x32_p
from ._util import const

_PRIMITIVES = {
    "add": E.add_p, "sub": E.sub_p, "mul": E.mul_p, "max": E.max_p, "min": E.min_p, "nextafter": E.nextafter_p,
    "and_": E.and_p, "or_": E.or_p, "xor": E.xor_p, "shift_left": E.shift_left_p,
    "shift_right": E.shift_right_logical_p, "bitcast": E.bitcast_convert_type_p,
    "lt": E.lt_p, "gt": E.gt_p, "eq": E.eq_p, "select": E.select_n_p, "erfinv": E.erfinv_p,
    "threefry": threefry2x32_p,
}


def _join(w0: Array, w1: Array) -> Array:
    last = w0.ndim
    return S.concatenate([S.expand_dims(w0, (last,)), S.expand_dims(w1, (last,))], last)


BIND = SimpleNamespace(
    **{name: p.bind for name, p in _PRIMITIVES.items()},
    const=const, convert=convert, reshape=S.reshape,
    iota=lambda dt, n: S.iota(dt, (n,), 0),
    join=_join,  # two word arrays of one shape as keys, along a new last axis
    read=lambda x: x, result=lambda x: x,
)

_convert = numpy_kernel[E.convert_element_type_p]


@functools.lru_cache(maxsize=256)
def _constant(value, dt: np.dtype) -> np.ndarray:
    """A 0-d ndarray, made once (the samplers' constants are few); read-only, as it is shared."""
    out = np.array(value, dt)
    out.flags.writeable = False
    return out


def _result(value) -> Array:
    out = Array.__new__(Array)
    out._value, out._weak = np.asarray(value), False  # a NumPy scalar, where the operands were 0-d
    return out


KERNELS = SimpleNamespace(
    **{name: numpy_kernel[p] for name, p in _PRIMITIVES.items()},
    const=_constant,
    convert=lambda x, dt: x if x.dtype == dt else _convert(x, new_dtype=dt),
    reshape=lambda x, shape: x.reshape(shape),
    iota=lambda dt, n: np.arange(n, dtype=dt),
    join=lambda w0, w1: np.stack((w0, w1), -1),
    read=lambda x: x._value, result=_result,
)


def ops_for(key, *arrays: Array) -> SimpleNamespace:
    """`KERNELS` for an eager draw (no transformation active) from a key of the right type
    whose other array operands `arrays` are on the host too; `BIND` otherwise, which also
    reports a bad key."""
    if _ctx.interp is EAGER and key.__class__ in HOST and all(a.__class__ in HOST for a in arrays):
        v = key._value
        if v.dtype == np.uint32 and v.shape == (2,):
            return KERNELS
    return BIND
