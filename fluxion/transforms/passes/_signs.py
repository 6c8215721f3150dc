"""What the rewrites may assume about the sign of a value, proved from how it is made.

`sign(x, b)` is +1 when no element of `x` is below zero, -1 when none is above zero, and 0
when that is not known. NaN elements are allowed either way (every rewrite that asks keeps
NaN where the original gives NaN), and so are zeros of either sign, which is why a quotient
is never given a sign (x / -0.0 is -inf for x > 0).
"""
from __future__ import annotations

import numpy as np

from ...core import dtypes as D
from ...ops import elementwise as E
from ...ops import indexing as I
from ...ops import reduce as R
from ...ops import shape as S

_NONNEGATIVE = frozenset({E.exp_p, E.exp2_p, E.abs_p, E.sqrt_p, E.square_p, E.logistic_p, E.cosh_p})
NO_MINUS_ZERO = _NONNEGATIVE - {E.sqrt_p}  # (sqrt(-0.0) is -0.0)
# the result has the sign its operands (from the given position on) share
_SAME_SIGN = {p: 0 for p in (E.add_p, E.stop_gradient_p, R.reduce_sum_p, R.reduce_max_p,
                             R.reduce_min_p, R.cumsum_p, R.cummax_p, R.cummin_p, S.broadcast_in_dim_p, S.reshape_p,
                             S.transpose_p, S.squeeze_p, S.expand_dims_p, S.rev_p, S.roll_p, S.slice_p, S.concatenate_p,
                             S.pad_p)}
_SAME_SIGN.update({E.select_n_p: 1, I.dynamic_slice_p: None})  # not gather: its fill value may be negative

_DEPTH = 8  # how far back through the program a proof looks


def _shared(signs) -> int:
    signs = set(signs)
    return signs.pop() if len(signs) == 1 else 0


def _of_constant(v: np.ndarray) -> int:
    if v.dtype not in D.REAL_FLOATING + D.INTEGER:
        return 0
    nan = np.isnan(v) if v.dtype in D.REAL_FLOATING else False
    return 1 if np.all((v >= 0) | nan) else -1 if np.all((v <= 0) | nan) else 0


def sign(x, b, depth: int = _DEPTH) -> int:
    """The sign every element of the atom `x` of the program `b` (a `Rebuild`) is known to have."""
    dt = x.aval.dtype
    if dt == D.bool_ or dt.kind == "u":
        return 1
    if dt not in D.REAL_FLOATING + D.INTEGER:
        return 0
    value = b.value(x)
    if value is not None:
        return _of_constant(value._value)
    eq = b.producer.get(x)
    if eq is None or depth == 0:
        return 0
    prim, args = eq.prim, eq.inputs
    of = lambda a: sign(a, b, depth - 1)
    if prim in _NONNEGATIVE:
        return 1
    if prim is E.neg_p:
        return -of(args[0])
    if prim is E.mul_p:
        return 1 if args[0] is args[1] else of(args[0]) * of(args[1])
    if prim is E.sub_p:
        return _shared([of(args[0]), -of(args[1])])
    if prim is E.integer_pow_p:
        y = eq.params["y"]  # 1 / -0.0 is -inf: a negative odd power may flip a zero's sign into the value's
        return 1 if y % 2 == 0 else of(args[0]) if y > 0 else 0
    if prim in (E.max_p, E.min_p):
        signs = [of(a) for a in args]
        wins = 1 if prim is E.max_p else -1  # max(x, y) >= 0 as soon as one operand is
        if wins in signs:
            return wins
        return _shared(signs)
    if prim in (R.reduce_max_p, R.reduce_min_p) and any(args[0].aval.shape[a] == 0 for a in eq.params["axes"]):
        return -1 if prim is R.reduce_max_p else 1  # over no elements: -inf, +inf
    if prim is R.reduce_prod_p:
        return 1 if of(args[0]) == 1 else 0
    if prim in _SAME_SIGN:
        start = _SAME_SIGN[prim]
        return _shared(of(a) for a in (args[:1] if start is None else args[start:]))
    return 0
