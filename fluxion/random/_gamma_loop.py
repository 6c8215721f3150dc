"""Gamma(a) samples drawn element by element as jax draws them, so that a key gives jax's values.

Element i of the flattened output takes the key split(key, n)[i]. From it, as in Marsaglia and
Tsang's method ("A simple method for generating gamma variables", 2000) with d = a' - 1/3 and
c = 1/(3 sqrt(d)) for a' = a (a >= 1) or a + 1 (a < 1):

- `key, boost_key = split(key_i)`;
- a round: `key, x_key, u_key = split(key, 3)`; a standard normal x from `split(x_key)[1]`,
  redrawn from `x_key = split(x_key)[0]` until v = 1 + c x > 0; u uniform from `u_key`; the
  round accepts (d v**3) unless u >= 1 - 0.0331 x**4 and log(u) >= x**2/2 + d (1 - v**3 + log v**3);
- for a < 1 the sample is multiplied by (1 - w)**(1/a) for w uniform from `boost_key` (in log
  space: plus log1p(-w) / a).

A scalar draw from a key is the first block of its Threefry stream, the words of split(key)[0].
A round rejects with probability below 0.0484 (at a = 1; less for larger a), and a normal is
redrawn with probability below 0.0072. Under a transformation the rounds repeat while any element
rejects (a `while_loop`, each element keeping its first accepted round: about log(n) /
log(1 / 0.0484) rounds for n elements); an eager draw with `KERNELS` repeats them for the
rejected elements only, which takes the same values at a fraction of the work. Both stop after
`_MAX_ROUNDS` rounds (all rejecting with probability below 2**-200), keeping the last proposal.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

from ..control.loops import while_loop
from ..core import dtypes
from ..core.array import Array
from ..ops import reduce as R
from ..ops import shape as S
from ..ops.barrier import optimization_barrier
from ._continuous import mantissa_floats, normal_from_unit
from ._keys import random_words
from ._ops import BIND, KERNELS, ops_for

_MAX_ROUNDS = 48
_U32 = dtypes.uint32


def _child(k0, k1, j: int, ops) -> tuple:
    """The key words of split(key)[j] for per-element keys (k0, k1) (a staged key is made first,
    so that XLA does not fuse the cipher that derived it into this one)."""
    if ops is not KERNELS:
        k0, k1 = optimization_barrier([k0, k1])
    return tuple(ops.threefry(k0, k1, ops.const(0, _U32), ops.const(j, _U32)))


def _children(k0, k1, count: int, ops) -> list[tuple]:
    """The key words of split(key)[j] for j < `count`, for per-element keys (k0, k1), from one
    cipher call (a compiled program with one cipher where it had `count` compiles in a fraction
    of the time)."""
    if ops is not KERNELS:
        k0, k1 = optimization_barrier([k0, k1])
    n = k0.shape[0]
    j = ops.reshape(ops.iota(_U32, count), (count, 1))
    w0, w1 = ops.threefry(ops.reshape(k0, (1, n)), ops.reshape(k1, (1, n)), ops.const(0, _U32), j)
    return [(ops.row(w0, i), ops.row(w1, i)) for i in range(count)]


def _unit(k0, k1, dt: np.dtype, ops):
    """The uniform float of `dt` in [0, 1) that a scalar draw from each key gives."""
    w0, w1 = _child(k0, k1, 0, ops)
    if dt != dtypes.float64:
        return mantissa_floats(ops.xor(w0, w1), dt, ops)
    u64 = dtypes.uint64
    word = ops.or_(ops.shift_left(ops.convert(w0, u64), ops.const(32, u64)), ops.convert(w1, u64))
    return mantissa_floats(word, dt, ops)


def _normal(k0, k1, c, ops) -> tuple:
    """A redraw of the normal: the keys it leaves, x from split(key)[1], and v = 1 + c x."""
    (n0, n1), x_key = _children(k0, k1, 2, ops)
    x = normal_from_unit(_unit(*x_key, c.dtype, ops), ops)
    return n0, n1, x, ops.add(ops.const(1, c.dtype), ops.mul(x, c))


def _proposal(k0, k1, c, redraw, ops) -> tuple:
    """A round: the keys it leaves, x**2, v**3 and u; `redraw` draws the normals from the x keys."""
    (n0, n1), x_key, u_key = _children(k0, k1, 3, ops)
    x, v = redraw(*x_key, c)
    u = _unit(*u_key, c.dtype, ops)
    return n0, n1, ops.mul(x, x), ops.mul(ops.mul(v, v), v), u


def _rejects(d, x2, v3, u, ops):
    """Whether a round with x**2 = `x2`, v**3 = `v3` and uniform `u` rejects."""
    dt = d.dtype
    one = ops.const(1, dt)
    squeeze = ops.ge(u, ops.sub(one, ops.mul(ops.const(0.0331, dt), ops.mul(x2, x2))))
    # u = 0 accepts; log(tiny) keeps the test free of log(0) and accepts unless the bound is below -87
    log_u = ops.log(ops.max(u, ops.const(float(np.finfo(dt).tiny), dt)))
    bound = ops.add(ops.mul(x2, ops.const(0.5, dt)), ops.mul(d, ops.add(ops.sub(one, v3), ops.log(v3))))
    return ops.and_(squeeze, ops.ge(log_u, bound))


def _where(pred, new: tuple, old: tuple) -> tuple:
    """`new` where `pred`, else `old`, entry by entry."""
    return tuple(BIND.select(pred, o, n) for n, o in zip(new, old))


def _more(count: Array, pending: Array) -> Array:
    """Whether a loop goes on: some element `pending`, and fewer than _MAX_ROUNDS rounds `count`ed."""
    return BIND.and_(BIND.lt(count, BIND.const(_MAX_ROUNDS, np.int32)), R.reduce_or(pending, (0,)))


# under a transformation: every element goes through every round, keeping its first accepted one
def _staged_normals(x0: Array, x1: Array, c: Array, active: Array) -> tuple[Array, Array]:
    """(x, v) with v > 0 for the `active` elements, from the keys (x0, x1)."""
    def body(carry):
        again = BIND.le(carry[4], BIND.const(0, c.dtype))
        return (carry[0] + 1,) + _where(again, _normal(carry[1], carry[2], c, BIND), carry[1:])

    def more(carry):
        return _more(carry[0], BIND.and_(active, BIND.le(carry[4], BIND.const(0, c.dtype))))

    zero = BIND.mul(c, BIND.const(0, c.dtype))
    return while_loop(more, body, (BIND.const(0, np.int32), x0, x1, zero, BIND.sub(zero, BIND.const(1, c.dtype))))[3:]


def _staged_rounds(k0: Array, k1: Array, d: Array, c: Array) -> Array:
    """v**3 of each element's first accepted round, from the keys (k0, k1)."""
    def body(carry):
        again = _rejects(d, *carry[3:], BIND)
        proposal = _proposal(carry[1], carry[2], c, lambda x0, x1, c: _staged_normals(x0, x1, c, again), BIND)
        return (carry[0] + 1,) + _where(again, proposal, carry[1:])

    def more(carry):
        return _more(carry[0], _rejects(d, *carry[3:], BIND))

    zero = BIND.mul(d, BIND.const(0, d.dtype))
    start = (BIND.const(0, np.int32), k0, k1, zero, BIND.add(zero, BIND.const(1, d.dtype)),
             BIND.add(zero, BIND.const(2, d.dtype)))
    return while_loop(more, body, start)[4]


# an eager draw: each round only for the elements that have not accepted yet
def _eager_normals(x0: np.ndarray, x1: np.ndarray, c: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    k0, k1, x, v = x0.copy(), x1.copy(), np.zeros_like(c), np.full_like(c, -1)
    todo = np.arange(c.size)
    for _ in range(_MAX_ROUNDS):
        if not todo.size:
            break
        k0[todo], k1[todo], x[todo], v[todo] = _normal(k0[todo], k1[todo], c[todo], KERNELS)
        todo = todo[v[todo] <= 0]
    return x, v


def _eager_rounds(k0: np.ndarray, k1: np.ndarray, d: np.ndarray, c: np.ndarray) -> np.ndarray:
    k0, k1, v3 = k0.copy(), k1.copy(), np.ones_like(d)
    todo = np.arange(d.size)
    for _ in range(_MAX_ROUNDS):
        if not todo.size:
            break
        k0[todo], k1[todo], x2, v3[todo], u = _proposal(k0[todo], k1[todo], c[todo], _eager_normals, KERNELS)
        todo = todo[_rejects(d[todo], x2, v3[todo], u, KERNELS)]
    return v3


def gamma_draws(op: str, keys: Sequence, a: Array, log_space: bool) -> Array:
    """Gamma(a[i]) samples (or their logs, where `log_space`) from `keys[i]` for each i, for `a` > 0
    of shape (len(keys),) + the sample shape: the draws of all keys run as one loop (compiled,
    each loop takes XLA about a second)."""
    shape, n = a.shape, a.size // len(keys)
    a = S.reshape(a, (a.size,))
    ops = KERNELS if all(ops_for(key, a) is KERNELS for key in keys) else BIND
    a, dt = ops.read(a), a.dtype
    words = [random_words(op, key, (n,), ops) for key in keys]
    k0, k1 = (ops.cat([w[i] for w in words]) for i in (0, 1))
    one = ops.const(1, dt)
    small = ops.lt(a, one)
    d = ops.sub(ops.select(small, a, ops.add(a, one)), ops.const(1 / 3, dt))
    c = ops.div(ops.const(1 / 3, dt), ops.sqrt(d))
    rounds = _eager_rounds if ops is KERNELS else _staged_rounds
    rounds_key, boost_key = _children(k0, k1, 2, ops)
    v3 = rounds(*rounds_key, d, c)
    w = _unit(*boost_key, dt, ops)
    inverse_a = ops.div(one, a)
    if log_space:
        # log(1 - w) is log1p(-w) to rounding (1 - w is exact for w on the uniform's grid), and
        # XLA's CPU compiler takes seconds over log1p beside the cipher it would fuse with
        log_w = ops.log(ops.sub(one, w))
        zero = ops.const(0, dt)
        log_boost = ops.select(ops.eq(log_w, zero), ops.select(small, zero, ops.mul(log_w, inverse_a)), zero)
        out = ops.add(ops.add(ops.log(d), ops.log(v3)), log_boost)
    else:
        out = ops.mul(ops.mul(d, v3), ops.select(small, one, ops.pow(ops.sub(one, w), inverse_a)))
    return ops.result(ops.reshape(out, shape))
