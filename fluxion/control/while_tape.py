"""Tapes of loop states for reverse mode through `while_loop` (see while_grad.py).

A tape keeps some of the states a loop passes through, in rows of fixed capacity C: one
array per carried value, of shape (levels, C + 1, *value.shape), holding `levels` tapes
side by side (the forward loop uses one, the reverse sweep stacks more), the last row of
each being scratch. A tape is `(rows, stride, count)`: it holds the states whose step number
in the segment being recorded is a multiple of `stride`, in rows 0 .. count - 1. When a
state is to be kept and the tape is full, every other row is dropped and the stride doubles,
so a tape holds at most C states, whatever the length of the segment.

Everything here is array operations, `cond` and `while_loop`, so it runs eagerly and
compiles, and is differentiated like any other code.
"""
from __future__ import annotations

import math
import os
from typing import Callable, Sequence

import numpy as np

from ..core import dtypes
from ..core.array import HOST, Array, Tracer
from ..core.errors import op_error
from ..core.interpreters import EAGER, _ctx
from ..core.types import ArrayType
from ..ops import elementwise as E
from ..ops import indexing as I
from ..ops import reduce as R
from ..ops import shape as S
from .cond import cond
from .loops import while_loop

I32 = dtypes.int32
_MAX_TRIPS = 2 ** 31 - 1  # the step counters are int32
_TAPE_BYTES = 2 ** 26


def default_capacity(avals: Sequence[ArrayType]) -> int:
    """The capacity of a loop's tapes where `while_loop` was given none: 64 states, or as many as
    fit in 64 MiB where states are larger, but at least 4. A short loop fills its tape with
    zeros before it runs, so a tape far larger than the states it keeps costs more than
    recomputing the states it drops.

    >>> from fluxion.core.types import ArrayType
    >>> from fluxion.core import dtypes
    >>> [default_capacity([ArrayType((n,), dtypes.float64)]) for n in (10, 10 ** 6, 10 ** 8)]
    [64, 8, 4]
    """
    state = max(sum(math.prod(a.shape) * a.dtype.itemsize for a in avals), 1)
    return max(4, min(64, _TAPE_BYTES // state))


def small(rows: Sequence, num_levels: int) -> bool:
    """Whether `num_levels` tapes the size of the tape `rows` fit in the memory of one default tape."""
    return num_levels * sum(r.size * r.dtype.itemsize for r in rows) <= _TAPE_BYTES


def levels(capacity: int) -> int:
    """How many tapes of `capacity` states the reverse sweep stacks for any trip count below 2**31.

    A segment of m > capacity states is kept at the smallest power-of-two stride that fits;
    the states from one kept state to the next, at most a stride of them, are a segment of the
    next level.

    >>> levels(64), levels(4096), levels(2)
    (6, 3, 31)
    """
    count, m = 1, _MAX_TRIPS
    while m > capacity:
        m = 1 << (-(-m // capacity) - 1).bit_length()
        count += 1
    return count


def i32(value):
    """A 0-d int32."""
    return S.full((), value, I32)


def as_i32(flag):
    """A boolean as an int32 0 or 1."""
    return E.convert_element_type_p.bind(flag, new_dtype=I32, weak=False)


def get(vector, k):
    """`vector[k]` for a traced index k."""
    return S.reshape(I.dynamic_slice(vector, (k,), (1,)), ())


def put(vector, k, value):
    """`vector` with `vector[k] = value`, for a traced index k."""
    return I.dynamic_update_slice(vector, S.reshape(value, (1,)), (k,))


def false_from(values: Sequence):
    """A 0-d False computed from `values` (from a traced one among them, if any).

    Arrays made from it are computed by a compiled program instead of being kept in it as
    constants, which a loop writing into them would copy at every call."""
    x = next((v for v in values if isinstance(v, Tracer)), values[0])
    same = E.eq_p.bind(x, x)
    return R.reduce_or(E.and_p.bind(same, E.not_p.bind(same)), tuple(range(x.ndim)))


def zeros(shape: tuple, dtype, false, weak: bool = False):
    """Zeros made from `false` (see `false_from`)."""
    return S.broadcast_in_dim(E.convert_element_type_p.bind(false, new_dtype=dtype, weak=weak), shape, ())


def empty(avals: Sequence[ArrayType], num_levels: int, capacity: int, false) -> tuple:
    """Rows for `num_levels` tapes of values of types `avals` (weak types stay weak, so the
    states read back have exactly the types of the states written); an error where they
    cannot fit in the machine's memory."""
    _check_fits(avals, num_levels, capacity)
    return tuple(zeros((num_levels, capacity + 1, *a.shape), a.dtype, false, a.weak) for a in avals)


def stacked(rows: Sequence, num_levels: int, capacity: int, false) -> tuple:
    """The tape `rows` with `num_levels - 1` empty tapes after it. Where the loop owns its tapes
    (see `_owned`), the new ones are zeros that the machine commits only as they are written,
    so that the deeper tapes a sweep never reaches take no memory."""
    avals = [r.aval.update(shape=r.shape[2:]) for r in rows]
    if not _owned(rows):
        deeper = empty(avals, num_levels - 1, capacity, false)
        return tuple(S.concatenate([r, z], 0) for r, z in zip(rows, deeper))
    _check_fits(avals, num_levels - 1, capacity)
    out = tuple(Array(np.zeros((num_levels, *r.shape[1:]), r.dtype), r._weak) for r in rows)
    for r, o in zip(rows, out):
        o._value[:1] = r._value
    return out


def _check_fits(avals: Sequence[ArrayType], num_levels: int, capacity: int) -> None:
    state = sum(math.prod(a.shape) * a.dtype.itemsize for a in avals)
    size, memory = num_levels * (capacity + 1) * state, _memory()
    if memory and size > memory:
        raise op_error(MemoryError, "while_loop",
                       f"reverse mode would keep {size / 2 ** 30:.1f} GiB of loop states ({num_levels} tape(s) of "
                       f"{capacity + 1} states of {state} bytes), more than this machine's {memory / 2 ** 30:.1f} GiB",
                       "pass while_loop a smaller capacity= (the states it does not keep are recomputed); reverse "
                       "mode over reverse mode keeps the inner tapes in each state, so for derivatives of order 3 "
                       "and above take forward mode over reverse mode, e.g. fx.jacfwd(fx.hessian(f))")


def _memory() -> int:
    """The machine's memory in bytes (0 where the system does not say)."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):
        return 0


def _origin(rows, level, row) -> tuple:
    zero = i32(0)
    return (level, row, *[zero] * (rows.ndim - 2))


def read(rows: Sequence, level, row) -> list:
    """The state in `row` of the tape at `level`. (Python ints where a loop run by Python
    counts: they are in range; the state is a copy, as the tape is written in place.)"""
    if level.__class__ is int and row.__class__ is int and _owned(rows):
        return [Array(r._value[level, row, ...].copy(), r._weak) for r in rows]
    return [S.reshape(I.dynamic_slice(r, _origin(r, level, row), (1, 1, *r.shape[2:])), r.shape[2:]) for r in rows]


def _at_stride(i, stride):
    """Whether step i is a multiple of the (power-of-two) stride."""
    return (i & (stride - 1)) == 0


def _halve(level, capacity: int, rows, stride, count):
    """The tape at `level` with every other state dropped (those at odd multiples of the stride);
    in place where the loop owns the tape (see `_owned`), as the other levels stay."""
    if _owned(rows):
        level = int(level)
        for r in rows:
            tape = r._value[level]
            tape[:(len(tape) + 1) // 2] = tape[::2]  # (NumPy copies overlapping memory through a buffer)
        return rows, stride * 2, i32((capacity + 1) // 2)

    def keep_even(r):
        tape = I.dynamic_slice(r, _origin(r, level, i32(0)), (1, *r.shape[1:]))
        even = S.slice(tape, (0,) * r.ndim, tape.shape, (1, 2, *[1] * (r.ndim - 2)))
        return I.dynamic_update_slice(r, even, _origin(r, level, i32(0)))
    return tuple(map(keep_even, rows)), stride * 2, i32((capacity + 1) // 2)


def _unchanged(rows, stride, count):
    return rows, stride, count


def _halve_if(full, tape: tuple, level, capacity: int) -> tuple:
    """The tape, halved if `full` (a branch: halving copies the whole tape, and it is rare)."""
    return cond(full, lambda *t: _halve(level, capacity, *t), _unchanged, *tape)


def write(tape: tuple, level, i, state: Sequence, capacity: int, active=True) -> tuple:
    """The tape with state i written to its next row if i is a multiple of the stride and
    `active` (to the scratch row otherwise, so that the step does not branch); the tape must have room."""
    rows, stride, count = tape
    keep = _at_stride(i, stride) & active
    row = E.select_n_p.bind(keep, i32(capacity), count)
    if _owned(rows, state):
        _write_row(rows, int(level), int(row), state)
        return rows, stride, count + as_i32(keep)
    rows = tuple(I.dynamic_update_slice(r, S.reshape(x, (1, 1, *x.shape)), _origin(r, level, row))
                 for r, x in zip(rows, state))
    return rows, stride, count + as_i32(keep)


def _owned(rows: Sequence, state: Sequence = ()) -> bool:
    """Whether the tape `rows` is written in place (and `state`, host arrays, into it): run
    eagerly, a loop owns its tape (made for it, never shown to the user), so a row is written in
    place instead of into a copy of the whole tape."""
    return _ctx.interp is EAGER and all(r.__class__ is Array and r._value.flags.writeable for r in rows) \
        and all(x.__class__ in HOST for x in state)


def _write_row(rows: Sequence, level: int, row: int, state: Sequence) -> None:
    """Write `state` into `row` of the tape at `level`, in place (see `_owned`)."""
    for r, x in zip(rows, state):
        r._value[level, row] = x._value


def store(tape: tuple, level, i, state: Sequence, capacity: int) -> tuple:
    """The tape at `level` after step i: state i kept if i is a multiple of the stride, the tape
    halved first if it is full."""
    _, stride, count = tape
    tape = _halve_if(_at_stride(i, stride) & (count == capacity), tape, level, capacity)
    return write(tape, level, i, state, capacity)


def stride_for(steps, capacity: int):
    """The stride at which a tape of `capacity` rows keeps states 0 ... steps (an int32 >= 0):
    the smallest power of two at which they fit, which is where `store` ends by halving."""
    powers = S.full((31,), 1, I32) << S.iota(I32, (31,), 0)

    def bit_length(x):
        return R.reduce_sum(as_i32(x >= powers), (0,))

    shift = E.max_p.bind(bit_length(steps) - (capacity - 1).bit_length(), i32(0))
    shift = shift + as_i32((steps >> shift) > capacity - 1)
    return i32(1) << shift


def taped_loop(keep_going: Callable, step: Callable, state: list, tape: tuple, level, capacity: int,
               taped: Callable = list):
    """Run `state = step(state)` while `keep_going(state, i)`, i counting the steps, storing
    `taped(state)` into the tape at `level` before each step: (last state, steps, tape).

    The steps run in an inner loop that stops when the tape is full at a state to keep, and an
    outer loop halves the tape then, so that the steps themselves never branch. Run eagerly on
    a tape it owns, the loop is Python's and counts in Python ints (`i` is one)."""
    if _owned(tape[0], state):
        return _eager_taped_loop(keep_going, step, state, tape, int(level), capacity, taped)

    def room(carry):
        state, i, (_, stride, count) = carry
        return keep_going(state, i) & ((count < capacity) | ~_at_stride(i, stride))

    def record(carry):
        state, i, tape = carry
        return step(state), i + 1, write(tape, level, i, taped(state), capacity)

    def run(carry):
        state, i, tape = carry
        tape = _halve_if(tape[2] == capacity, tape, level, capacity)
        return while_loop(room, record, (state, i, tape), capacity=capacity)

    return while_loop(lambda c: keep_going(c[0], c[1]), run, (state, i32(0), tape), capacity=capacity)


def _eager_taped_loop(keep_going: Callable, step: Callable, state: list, tape: tuple, level: int, capacity: int,
                      taped: Callable):
    """`taped_loop` run by Python: the same states kept in the same rows, with the step number,
    stride and count Python ints (the scratch row is not written: nothing reads it)."""
    rows, stride, count = tape[0], int(tape[1]), int(tape[2])
    i = 0
    while keep_going(state, i):
        if _at_stride(i, stride) and count == capacity:
            rows, stride, count = _halve(i32(level), capacity, rows, stride, count)
            count = int(count)
        if _at_stride(i, stride):
            _write_row(rows, level, count, taped(state))
            count += 1
        state, i = step(state), i + 1
    return state, i32(i), (rows, i32(stride), i32(count))
