"""Derivative rules of the reduce primitives.

Sums are linear (a sum transposes to a broadcast, a running sum to a running sum the other
way). The other rules write their tangents with primitives, linear in the tangent, so they
can be transposed and differentiated again to any order:

- `reduce_prod`: each element's tangent times the product of the other elements of its
  slice, taken as (exclusive running product before it) * (exclusive running product after
  it), so zeros in the input need no division.
- `reduce_max` / `reduce_min`: the mean of the tangents at the positions that attain the
  extremum (ties share it equally, as in JAX; a NaN result takes the tangents of the NaNs and
  of any infinities of its sign, +inf for the maximum; an empty slice gets 0).
- `cummax`, `cummin`, `cumprod` and `cumlogsumexp`: the forward derivative of a parallel prefix
  scan (the same pairing as JAX's associative scan), so `cumprod` needs no division (zeros are
  fine), `cumlogsumexp` combines tangents with softmax weights in [0, 1] (no overflow; -inf
  inputs get finite derivatives, NaN inputs NaN ones), and the running extrema split the
  tangent at ties as `maximum` does, so they match JAX's there; NaN counts as the extremum
  from its first occurrence on, as `argmax` counts it.
- `reduce_and/or/xor`, `argmax`, `argmin`: zero (their results are not differentiable).

Batching: each reduction and running reduction acts on the batch axis as one more axis it does
not reduce over. (reduce_window's rules, batching included, sit with the windowed primitives in
conv_rules.py.)
"""
from __future__ import annotations

from functools import partial

from ..core import dtypes
from ..core.primitive import batch_rules
from . import elementwise as E
from . import indexing as I
from . import reduce as R
from . import shape as S
from ._ad import defjvp, deflinear, defzero
from ._batch import defunary_axes, example_axes
from ._util import around_axis

_b = lambda p: p.bind  # noqa: E731
add, sub, mul, div, neg, select = _b(E.add_p), _b(E.sub_p), _b(E.mul_p), _b(E.div_p), _b(E.neg_p), _b(E.select_n_p)
eq, ne, ge = _b(E.eq_p), _b(E.ne_p), _b(E.ge_p)


def _const(value, like):
    return S.full((), value, like.dtype)


# Past this many axes (of one example: vmap stacks more), take_along_axis gathers from x seen as
# three axes, so that its indices, which have one axis more than x, stay within NumPy's 64.
_WIDE = 32


def _kept(ndim: int, axes: tuple) -> tuple:
    return tuple(i for i in range(ndim) if i not in axes)


def index_dtype(n: int):
    """The integer dtype of positions along an axis of length `n`."""
    return dtypes.int32 if n < 2 ** 31 else dtypes.int64


def take_along_axis(x, indices, axis: int):
    """`x` read at `indices` along `axis`; the other axes of `indices` run with those of `x`.

    A gather whose transpose is a scatter-add, so tangents can go through it both ways.

    >>> import fluxion.numpy as fnp
    >>> take_along_axis(fnp.asarray([[1, 2, 3]]), fnp.asarray([[2, 0]]), 1).tolist()
    [[3, 1]]
    """
    if 0 in x.shape:  # no element to read, so `indices` (shaped as `x` off `axis`) is empty too
        return S.reshape(x, indices.shape)
    if x.ndim > _WIDE:  # the gather's indices have one axis more: read from x as three axes
        three = take_along_axis(S.reshape(x, around_axis(x.shape, axis)),
                                S.reshape(indices, around_axis(indices.shape, axis)), 1)
        return S.reshape(three, indices.shape)
    batch = _kept(x.ndim, (axis,))
    dn = I.GatherDimensionNumbers(offset_dims=(), collapsed_slice_dims=(axis,), start_index_map=(axis,),
                                  operand_batching_dims=batch, start_indices_batching_dims=batch)
    return I.gather(x, S.expand_dims(indices, (indices.ndim,)), dn, (1,) * x.ndim, mode="promise_in_bounds")


def _shift(x, axis: int, fill, reverse: bool = False):
    """`x` moved one place along `axis` (towards the end, or the start when `reverse`), `fill` entering."""
    cfg = [(0, 0, 0)] * x.ndim
    cfg[axis] = (-1, 1, 0) if reverse else (1, -1, 0)
    return S.pad(x, fill, cfg)


# sums ----------------------------------------------------------------------------------------
def _reduce_sum_transpose(ct, x, *, axes):
    return [S.broadcast_in_dim(ct, x.aval.shape, _kept(len(x.aval.shape), axes))]


def _cumsum_transpose(ct, x, *, axis, reverse):
    return [R.cumsum_p.bind(ct, axis=axis, reverse=not reverse)]


deflinear(R.reduce_sum_p, _reduce_sum_transpose)
deflinear(R.cumsum_p, _cumsum_transpose)


# products --------------------------------------------------------------------------------------
def _others_product(x, axes: tuple):
    """For each element of `x`, the product of the other elements of its slice over `axes`."""
    if len(axes) == 1:
        (axis,) = axes
        return mul(_shift(R.cumprod(x, axis), axis, 1), _shift(R.cumprod(x, axis, reverse=True), axis, 1, True))
    perm = _kept(x.ndim, axes) + axes  # the reduced axes, merged into one last axis
    moved = tuple(x.shape[i] for i in perm)
    n = 1
    for i in axes:
        n *= x.shape[i]
    flat = S.reshape(S.transpose(x, perm), moved[:x.ndim - len(axes)] + (n,))
    others = S.reshape(_others_product(flat, (flat.ndim - 1,)), moved)
    return S.transpose(others, tuple(sorted(range(x.ndim), key=perm.__getitem__)))


defjvp(R.reduce_prod_p, lambda t, ans, x, *, axes: R.reduce_sum(mul(t, _others_product(x, axes)), axes))


# extrema ---------------------------------------------------------------------------------------
def _extremum_jvp(t, ans, x, *, axes, largest: bool):
    # the positions attaining the extremum are those not beyond it (a single test, which XLA
    # recomputes in each kernel that reads it); a NaN extremum is taken as +inf for the maximum
    # (-inf for the minimum), so the NaNs attain it, with any infinities of that sign
    ans = select(ne(ans, ans), ans, _const(float("inf") if largest else -float("inf"), ans))
    # (ans with the reduced axes kept as 1s, which the comparison broadcasts: no copy of x's size)
    kept = S.reshape(ans, tuple(1 if i in axes else n for i, n in enumerate(x.shape)))
    beyond = (E.gt_p if largest else E.lt_p).bind(kept, x)
    at = E.not_p.bind(beyond)
    # an empty slice has no position attaining its extremum (the identity): its tangent is 0
    count = E.max_p.bind(R.reduce_sum(E.convert_element_type_p.bind(at, new_dtype=x.dtype, weak=False), axes),
                         _const(1, x))
    # the tangents chosen by a select, not multiplied by 0 or 1: a NaN elsewhere does not reach the
    # result (XLA makes that product a select; eager mode would give NaN * 0 = NaN)
    return div(R.reduce_sum(select(at, _const(0, t), t), axes), count)


def _extremum_pair(largest: bool):
    """`combine` of a running maximum (minimum) with its tangent: the tangent of the operand that
    wins, the mean of both at a tie (as `maximum`'s rule, so that the scan's derivative is JAX's),
    and the earlier operand's where it is NaN (NaN wins, from its first occurrence on)."""
    beyond = E.gt_p.bind if largest else E.lt_p.bind

    def combine(p, q):
        (a, da), (b, db) = p, q
        a_wins = E.or_p.bind(ne(a, a), beyond(a, b))
        tie = eq(a, b)
        c = select(E.or_p.bind(a_wins, tie), b, a)
        return c, select(a_wins, select(tie, db, mul(add(da, db), _const(0.5, da))), da)
    return combine


defjvp(R.reduce_max_p, partial(_extremum_jvp, largest=True))
defjvp(R.reduce_min_p, partial(_extremum_jvp, largest=False))


# scans -----------------------------------------------------------------------------------------
def _interleave(even, odd, axis: int):
    """even[0], odd[0], even[1], odd[1], ... along `axis` (len(even) is len(odd) or one more)."""
    if even.shape[axis] == odd.shape[axis]:  # as pairs side by side: one copy, where the pads below write twice
        pairs = S.concatenate([S.expand_dims(even, (axis + 1,)), S.expand_dims(odd, (axis + 1,))], axis + 1)
        return S.reshape(pairs, even.shape[:axis] + (2 * even.shape[axis],) + even.shape[axis + 1:])
    n = even.shape[axis] + odd.shape[axis]
    cfg_even, cfg_odd = [(0, 0, 0)] * even.ndim, [(0, 0, 0)] * odd.ndim
    cfg_even[axis] = (0, n - 2 * even.shape[axis] + 1, 1)
    cfg_odd[axis] = (1, n - 2 * odd.shape[axis], 1)
    return add(S.pad(even, 0, cfg_even), S.pad(odd, 0, cfg_odd))


def _scan(combine, elems: tuple, axis: int) -> tuple:
    """Inclusive prefix scan of tuples of arrays along `axis` by the associative `combine`
    (earlier operand first), in O(log n) rounds of whole-array operations."""
    n = elems[0].shape[axis]
    if n < 2:
        return elems
    pairs = n // 2

    def part(xs, start, stop, stride=1):
        return tuple(S.slice_in_dim(x, start, stop, stride, axis) for x in xs)

    odd = _scan(combine, combine(part(elems, 0, 2 * pairs - 1, 2), part(elems, 1, 2 * pairs, 2)), axis)
    even = part(elems, 0, 1)
    later = (n - 1) // 2  # even positions after the first: each is the previous odd result combined with it
    if later:
        rest = combine(part(odd, 0, later), part(elems, 2, 2 * later + 1, 2))
        even = tuple(S.concatenate([e, r], axis) for e, r in zip(even, rest))
    return tuple(_interleave(e, o, axis) for e, o in zip(even, odd))


def _scan_jvp(combine):
    """The tangent of a running reduction from `combine((a, da), (b, db)) -> (c, dc)`."""
    def fn(t, ans, x, *, axis, reverse):
        if reverse:
            x, t = S.rev(x, (axis,)), S.rev(t, (axis,))
        dt = _scan(combine, (x, t), axis)[1]
        return S.rev(dt, (axis,)) if reverse else dt
    return fn


def _mul_pair(p, q):
    (a, da), (b, db) = p, q
    return mul(a, b), add(mul(da, b), mul(a, db))


def _logaddexp_pair(p, q):
    (a, da), (b, db) = p, q
    zero = _const(0, a)
    d = sub(a, b)
    # equal infinities weigh the same; a NaN operand keeps d NaN, and its tangents NaN
    d = select(E.and_p.bind(ne(d, d), eq(a, b)), d, zero)
    a_wins = ge(d, zero)
    # log(exp(a) + exp(b)) from the larger argument; each branch sees only safe inputs, so
    # derivatives of every order are those of the smooth function, ties included
    d_a, d_b = select(a_wins, zero, d), select(a_wins, d, zero)
    softplus = lambda z: E.log1p_p.bind(E.exp_p.bind(z))  # noqa: E731
    c = select(a_wins, add(b, softplus(d_b)), add(a, softplus(neg(d_a))))
    return c, add(mul(da, E.logistic_p.bind(d)), mul(db, E.logistic_p.bind(neg(d))))


defjvp(R.cumprod_p, _scan_jvp(_mul_pair))
defjvp(R.cumlogsumexp_p, _scan_jvp(_logaddexp_pair))
defjvp(R.cummax_p, _scan_jvp(_extremum_pair(largest=True)))
defjvp(R.cummin_p, _scan_jvp(_extremum_pair(largest=False)))


# not differentiable ----------------------------------------------------------------------------
defzero(R.reduce_and_p, R.reduce_or_p, R.reduce_xor_p, R.argmax_p, R.argmin_p)


# batching ----------------------------------------------------------------------------------------
def _reduction_batch(prim):
    def rule(args, dims, *, axes):
        (x,), (d,) = args, dims
        return prim.bind(x, axes=example_axes(axes, d)), d - sum(a < d for a in axes)
    return rule


def _arg_reduction_batch(prim):
    def rule(args, dims, *, axis, index_dtype):
        (x,), (d,) = args, dims
        return prim.bind(x, axis=axis + (axis >= d), index_dtype=index_dtype), d - (axis < d)
    return rule


for _p in (R.reduce_sum_p, R.reduce_prod_p, R.reduce_max_p, R.reduce_min_p, R.reduce_and_p, R.reduce_or_p,
           R.reduce_xor_p):
    batch_rules[_p] = _reduction_batch(_p)
for _p in (R.argmax_p, R.argmin_p):
    batch_rules[_p] = _arg_reduction_batch(_p)
for _p in (R.cumsum_p, R.cumprod_p, R.cummax_p, R.cummin_p, R.cumlogsumexp_p):
    defunary_axes(_p, lambda d, *, axis, reverse: dict(axis=axis + (axis >= d), reverse=reverse))
