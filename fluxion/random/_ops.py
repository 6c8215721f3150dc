"""The two ways a draw's arithmetic runs: `BIND` binds primitives, which every transformation
sees; `KERNELS` calls the primitives' NumPy kernels on ndarrays directly (or the NumPy
functions they come down to for the samplers' operands).

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

from ..backends.numpy import threefry
from ..control.loops import while_loop
from ..core import dtypes
from ..core.array import HOST, Array
from ..core.interpreters import EAGER, _ctx
from ..core.primitive import numpy_kernel
from ..numpy._convert import convert
from ..ops import elementwise as E
from ..ops import reduce as R
from ..ops import shape as S
from ..ops.threefry import threefry2x32_p
from ._util import const

_PRIMITIVES = {
    "add": E.add_p, "sub": E.sub_p, "mul": E.mul_p, "max": E.max_p, "min": E.min_p, "nextafter": E.nextafter_p,
    "and_": E.and_p, "or_": E.or_p, "xor": E.xor_p, "shift_left": E.shift_left_p,
    "shift_right": E.shift_right_logical_p, "bitcast": E.bitcast_convert_type_p,
    "lt": E.lt_p, "gt": E.gt_p, "le": E.le_p, "ge": E.ge_p, "eq": E.eq_p, "select": E.select_n_p,
    "erfinv": E.erfinv_p, "neg": E.neg_p, "abs": E.abs_p, "sign": E.sign_p, "div": E.div_p, "rem": E.rem_p,
    "log": E.log_p, "log1p": E.log1p_p, "tan": E.tan_p, "sqrt": E.sqrt_p, "pow": E.pow_p, "floor": E.floor_p,
    "ceil": E.ceil_p, "lgamma": E.lgamma_p, "not_": E.not_p, "threefry": threefry2x32_p,
}


def _bind_join(w0: Array, w1: Array) -> Array:
    last = w0.ndim
    return S.concatenate([S.expand_dims(w0, (last,)), S.expand_dims(w1, (last,))], last)


BIND = SimpleNamespace(
    **{name: p.bind for name, p in _PRIMITIVES.items()},
    const=const, convert=convert, reshape=S.reshape,
    iota=lambda dt, n: S.iota(dt, (n,), 0),
    join=_bind_join,  # two word arrays of one shape as keys, along a new last axis
    full=S.full, any=lambda x: R.reduce_or(x, tuple(range(x.ndim))),
    row=lambda x, i: S.reshape(S.slice(x, (i, 0), (i + 1, x.shape[1])), x.shape[1:]),
    cat=lambda xs: xs[0] if len(xs) == 1 else S.concatenate(xs, 0),
    read=lambda x: x, result=lambda x: x,
)

_convert = numpy_kernel[E.convert_element_type_p]
_bitcast_kernel = numpy_kernel[E.bitcast_convert_type_p]


@functools.lru_cache(maxsize=256)
def _constant(value, dt: np.dtype) -> np.ndarray:
    """A 0-d ndarray, made once (the samplers' constants are few); read-only, as it is shared."""
    out = np.array(value, dt)
    out.flags.writeable = False
    return out


def _join(w0: np.ndarray, w1: np.ndarray) -> np.ndarray:
    out = np.empty(w0.shape + (2,), w0.dtype)  # a third of np.stack's time for a few words
    out[..., 0], out[..., 1] = w0, w1
    return out


def _bitcast(x, new_dtype: np.dtype):
    # a view where the widths match (the samplers' case): the kernel's contiguous copy is only
    # needed where they differ
    return x.view(new_dtype) if x.dtype.itemsize == new_dtype.itemsize else _bitcast_kernel(x, new_dtype=new_dtype)


def _cast(x, dt: np.dtype):
    if x.dtype == dt:
        return x
    # integers convert as NumPy casts them (wrapping), which is all the kernel does for them
    return x.astype(dt) if x.dtype.kind in "iu" else _convert(x, new_dtype=dt)


def _result(value) -> Array:
    out = Array.__new__(Array)
    out._value, out._weak = np.asarray(value), False  # a NumPy scalar, where the operands were 0-d
    return out


KERNELS = SimpleNamespace(
    # the ufunc itself where a kernel is one (the kernel's checks for large operands and for slow
    # broadcasting cost a small draw more than they save a large one)
    **{name: getattr(numpy_kernel[p], "ufunc", numpy_kernel[p]) for name, p in _PRIMITIVES.items()} | {
        # the samplers shift unsigned words only, by amounts of their dtype, where NumPy's
        # shift is the logical one and the kernel's handling of signed words is not needed; they
        # take remainders of unsigned words only, where NumPy's remainder is fmod's value at a
        # fraction of its time
        "shift_right": np.right_shift, "rem": np.remainder, "bitcast": _bitcast},
    const=_constant,
    convert=_cast,
    reshape=lambda x, shape: x.reshape(shape),
    iota=lambda dt, n: threefry.positions(n) if dt is dtypes.uint32 else np.arange(n, dtype=dt),
    join=_join,
    full=np.full, any=np.any,
    row=lambda x, i: x[i],
    cat=lambda xs: xs[0] if len(xs) == 1 else np.concatenate(xs),
    read=lambda x: x._value, result=_result,
)


def repeat_while(ops, cond, body, state):
    """`state = body(state)` while `cond(state)`: a Python loop for `KERNELS`, a `while_loop`
    (which every transformation sees) for `BIND`."""
    if ops is not KERNELS:
        return while_loop(cond, body, state)
    while cond(state):
        state = body(state)
    return state


def ops_for(key, *arrays: Array) -> SimpleNamespace:
    """`KERNELS` for an eager draw (no transformation active) from a key of the right type
    whose other array operands `arrays` are on the host too; `BIND` otherwise, which also
    reports a bad key."""
    if _ctx.interp is not EAGER or key.__class__ not in HOST:
        return BIND
    for a in arrays:
        if a.__class__ not in HOST:
            return BIND
    v = key._value
    # `is`: NumPy's uint32 dtype is one object (an equal one elsewhere only takes the slower `BIND`)
    return KERNELS if v.dtype is dtypes.uint32 and v.shape == (2,) else BIND
