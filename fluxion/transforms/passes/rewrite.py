"""Algebraic and numerically stable rewrites, as a table of patterns.

Each rule looks at one equation (the root of its pattern) and the equations that made its
inputs; a match gives the atoms the replacement is built from and a function that builds it
from ops-level calls, which are staged into equations. A replacement is used only if its
outputs have exactly the types of the root's (shape, dtype and weak flag), so no rewrite
changes a program's type; each changes values by at most rounding, except that the stable
forms stay finite where the original overflows or underflows to inf, and `x + 0 -> x` gives
-0.0 where the original gives +0.0 (an equal value; XLA's own simplifier does the same).

    pattern                          replacement                          condition
    log(1 + exp(x)), log1p(exp(x))   max(x, 0) + log1p(exp(-|x|))         real floating x, not already
                                                                          known to be <= 0 (then stable)
    log(sum(exp(x), axes))           m + log(sum(exp(x - m), axes))       real floating x, exponent not
      (also through the reshape of   with m = max(x, axes) where finite,  already shifted by a value
      a sum with keepdims=True)      else 0                               constant along `axes`
    exp(log(x))                      x, or |x| where x may be -0.0        x >= 0 proved (see _signs)
    x * 1, 1 * x, x / 1              x                                    not complex (inf * 0 is NaN)
    x + 0, 0 + x, x - 0              x
    -(-x)                            x
    transpose(transpose(x, p), q)    transpose(x, p∘q), or x if identity
    pad(x, 0) + pad(y, 0)            pad(concatenate(x, y), 0)            the blocks meet along one axis
      (split's gradient)             (no pad where nothing is left)       and are padded alike on the others
    pow(x, 2), integer_pow(x, 2)     x * x
    integer_pow(x, 1)                x
    solve(a, -c)                     -solve(a, c)                         (reverse mode solves with c and
                                                                          -c, which `cse` then merges)
    solve(transpose(a), c)           solve(a, c), transpose_a and lower   the transpose swaps the last
                                     flipped (no transposed copy)         two axes only

A constant `1` / `0` / `2` may be a scalar or an array, as long as every element is it (and
the result keeps the other operand's type, which the type check above ensures).
"""
from __future__ import annotations

import functools

import numpy as np

from ...core import dtypes as D
from ...core.array import Array
from ...core.program import Equation, Program
from ...ops import elementwise as E
from ...ops import linalg as L
from ...ops import reduce as R
from ...ops import shape as S
from ._rebuild import Rebuild, opaque
from ._signs import NO_MINUS_ZERO, sign


# replacements (functions of the matched atoms, staged into equations) ------------------------
def _same(x):
    return x


def _zero(x) -> Array:
    """A weak scalar zero of `x`'s dtype: it changes neither the dtype nor the weak flag of a result."""
    return Array(np.zeros((), x.aval.dtype), weak=True)


def _softplus(x):
    stable = E.log1p_p.bind(E.exp_p.bind(E.neg_p.bind(E.abs_p.bind(x))))
    return E.add_p.bind(E.max_p.bind(x, _zero(x)), stable)


def _logsumexp(x, *, axes: tuple):
    top = R.reduce_max_p.bind(x, axes=axes)
    top = E.select_n_p.bind(E.is_finite_p.bind(top), _zero(x), top)  # rows of -inf (or inf, NaN) are not shifted
    kept = tuple(i for i in range(x.aval.ndim) if i not in axes)
    shift = S.broadcast_in_dim_p.bind(top, shape=x.aval.shape, broadcast_dimensions=kept)
    total = R.reduce_sum_p.bind(E.exp_p.bind(E.sub_p.bind(x, shift)), axes=axes)
    return E.add_p.bind(E.log_p.bind(total), top)


def _square(x):
    return E.mul_p.bind(x, x)


def _negated_solve(a, c, **params):
    return E.neg_p.bind(L.triangular_solve_p.bind(a, c, **params))


def _joined(first, second, zero, other_zero, *, dimension: int, config: tuple):
    joined = S.concatenate([first, second], dimension)  # (padded with the sum of the zeros: -0.0 + 0.0 is 0.0)
    return S.pad(joined, E.add_p.bind(zero, other_zero), config) if any(lo or hi for lo, hi, _ in config) else joined


# matching ---------------------------------------------------------------------------------
def _real_floating(x) -> bool:
    return x.aval.dtype in D.REAL_FLOATING


def _every(b: Rebuild, x, value) -> bool:
    """Whether `x` is a constant every element of which equals `value`."""
    v = b.value(x)
    return v is not None and v.size > 0 and bool(np.all(v._value == value))


def _unit(value, positions: tuple[int, ...], complex_ok: bool = True):
    """`x op c -> x` for a constant `c` that is all `value`, at one of `positions`."""
    def rule(eq: Equation, b: Rebuild):
        for i in positions:
            x = eq.inputs[1 - i]
            if _every(b, eq.inputs[i], value) and (complex_ok or x.aval.dtype not in D.COMPLEX):
                return [x], _same
        return None
    return rule


def _exp_argument(b: Rebuild, x):
    """The `y` of `x = exp(y)`, if `x` is made that way from a real floating `y`."""
    made = b.made_by(x, E.exp_p)
    return made.inputs[0] if made is not None and _real_floating(made.inputs[0]) else None


def _softplus_of_log(eq: Equation, b: Rebuild):
    total = b.made_by(eq.inputs[0], E.add_p)
    if total is None:
        return None
    for i in (0, 1):
        y = _exp_argument(b, total.inputs[1 - i])
        if y is not None and _every(b, total.inputs[i], 1):
            return [y], _softplus
    return None


def _softplus_of_log1p(eq: Equation, b: Rebuild):
    y = _exp_argument(b, eq.inputs[0])
    return None if y is None or sign(y, b) == -1 else ([y], _softplus)


def _constant_along(b: Rebuild, s, axes: tuple, ndim: int) -> bool:
    """Whether `s`, broadcast NumPy-style or by broadcast_in_dim to `ndim` axes, is constant along `axes`."""
    made = b.made_by(s, S.broadcast_in_dim_p)
    if made is not None:
        dims, shape = made.params["broadcast_dimensions"], made.inputs[0].aval.shape
        return all(k not in dims or shape[dims.index(k)] == 1 for k in axes)
    offset = ndim - s.aval.ndim
    return all(k < offset or s.aval.shape[k - offset] == 1 for k in axes)


_KEEPDIMS = (S.reshape_p, S.expand_dims_p)


def _logsumexp_of_log(eq: Equation, b: Rebuild):
    x = eq.inputs[0]  # log(reshape(s)) is reshape(log(s)), so sums with keepdims=True match too
    reshaped = next((e for e in (b.made_by(x, p) for p in _KEEPDIMS) if e is not None), None)
    total = b.made_by(reshaped.inputs[0] if reshaped else x, R.reduce_sum_p)
    y = None if total is None else _exp_argument(b, total.inputs[0])
    if y is None:
        return None
    axes = total.params["axes"]
    shifted = b.made_by(y, E.sub_p)
    if shifted is not None and _constant_along(b, shifted.inputs[1], axes, y.aval.ndim):
        return None
    if reshaped is None:
        return [y], functools.partial(_logsumexp, axes=axes)
    return [y], lambda y: reshaped.prim.bind(_logsumexp(y, axes=axes), **reshaped.params)


def _exp_of_log(eq: Equation, b: Rebuild):
    made = b.made_by(eq.inputs[0], E.log_p)
    if made is None:
        return None
    x = made.inputs[0]  # exp(log(x)) == x needs x >= 0: for x < 0 the log is NaN
    if not _real_floating(x) or sign(x, b) != 1:
        return None
    producer = b.producer.get(x)  # exp(log(-0.0)) is +0.0: |x| unless x is never -0.0
    positive_zero = producer is not None and (producer.prim in NO_MINUS_ZERO or producer.prim is E.mul_p
                                              and producer.inputs[0] is producer.inputs[1])
    return [x], _same if positive_zero else E.abs_p.bind


def _neg_of_neg(eq: Equation, b: Rebuild):
    made = b.made_by(eq.inputs[0], E.neg_p)
    return None if made is None else ([made.inputs[0]], _same)


def _transpose_of_transpose(eq: Equation, b: Rebuild):
    made = b.made_by(eq.inputs[0], S.transpose_p)
    if made is None:
        return None
    inner, outer = made.params["permutation"], eq.params["permutation"]
    # the ops-level transpose returns x itself for the identity permutation
    return [made.inputs[0]], functools.partial(S.transpose, permutation=tuple(inner[i] for i in outer))


def _pads_side_by_side(eq: Equation, b: Rebuild):
    """The sum of two arrays padded with zeros around blocks that meet along one axis (as slicing
    an array into parts transposes to) is one padded concatenation, which XLA computes in one
    pass instead of adding every padded zero."""
    pads = [b.made_by(v, S.pad_p) for v in eq.inputs]
    if None in pads or pads[0].outputs[0].aval.shape != pads[1].outputs[0].aval.shape:  # (not broadcast)
        return None
    if not all(_every(b, p.inputs[1], 0) for p in pads):
        return None
    (x, cx), (y, cy) = ((p.inputs[0], p.params["padding_config"]) for p in pads)
    differ = [d for d, (a, c) in enumerate(zip(cx, cy)) if a != c]
    if len(differ) != 1 or any(interior or lo < 0 or hi < 0 for lo, hi, interior in cx + cy):
        return None
    d = differ[0]
    if cx[d][0] + x.aval.shape[d] == cy[d][0]:
        first, second, lo, hi = x, y, cx[d][0], cy[d][1]
    elif cy[d][0] + y.aval.shape[d] == cx[d][0]:
        first, second, lo, hi = y, x, cy[d][0], cx[d][1]
    else:
        return None
    config = (*cx[:d], (lo, hi, 0), *cx[d + 1:])
    zeros = [p.inputs[1] for p in pads]
    return [first, second, *zeros], functools.partial(_joined, dimension=d, config=config)


def _pow_two(eq: Equation, b: Rebuild):
    return ([eq.inputs[0]], _square) if _every(b, eq.inputs[1], 2) else None


def _integer_pow_small(eq: Equation, b: Rebuild):
    return {1: ([eq.inputs[0]], _same), 2: ([eq.inputs[0]], _square)}.get(eq.params["y"])


def _solve_of_negation(eq: Equation, b: Rebuild):
    """op(a)^-1 (-c) is -(op(a)^-1 c) exactly (the solve is linear, and rounding keeps signs)."""
    made = b.made_by(eq.inputs[1], E.neg_p)
    return None if made is None else ([eq.inputs[0], made.inputs[0]], functools.partial(_negated_solve, **eq.params))


def _solve_of_transpose(eq: Equation, b: Rebuild):
    """A solve with a transposed matrix reads the matrix itself, with op(.) transposed instead
    (its conjugation kept) and the other triangle: the transposed copy is not made."""
    made = b.made_by(eq.inputs[0], S.transpose_p)
    if made is None:
        return None
    n = made.inputs[0].aval.ndim
    if made.params["permutation"] != (*range(n - 2), n - 1, n - 2):
        return None
    params = {**eq.params, "lower": not eq.params["lower"], "transpose_a": not eq.params["transpose_a"]}
    return [made.inputs[0], eq.inputs[1]], functools.partial(L.triangular_solve_p.bind, **params)


RULES: dict = {
    E.log_p: (_softplus_of_log, _logsumexp_of_log),
    E.log1p_p: (_softplus_of_log1p,),
    E.exp_p: (_exp_of_log,),
    E.mul_p: (_unit(1, (0, 1), complex_ok=False),),
    E.div_p: (_unit(1, (1,), complex_ok=False),),
    E.add_p: (_unit(0, (0, 1)), _pads_side_by_side),
    E.sub_p: (_unit(0, (1,)),),
    E.neg_p: (_neg_of_neg,),
    S.transpose_p: (_transpose_of_transpose,),
    E.pow_p: (_pow_two,),
    E.integer_pow_p: (_integer_pow_small,),
    L.triangular_solve_p: (_solve_of_negation, _solve_of_transpose),
}


def rewrite(program: Program, rules: dict = RULES) -> Program:
    """`program` with each equation matching a pattern of `rules` replaced (the first match wins).

    Replaced equations are left in place, for `dce` to remove when nothing else uses them.

    >>> import fluxion as fx, fluxion.numpy as fnp
    >>> from fluxion.transforms.passes import dce
    >>> p = fx.make_program(lambda x: fnp.log(1 + fnp.exp(x)))(fnp.ones(3))
    >>> [eq.prim.name for eq in dce(rewrite(p)).equations]
    ['abs', 'neg', 'exp', 'log1p', 'max', 'add']
    """
    b = Rebuild(program)
    for eq in program.equations:
        eq = b.substituted(eq)
        for rule in () if opaque(eq) else rules.get(eq.prim, ()):
            match = rule(eq, b)
            if match is not None and b.stage(eq, *match):
                break
        else:
            b.emit(eq)
    return b.finish()
