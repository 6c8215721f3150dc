"""Derivative rules of the windowed primitives: conv_general_dilated and reduce_window.

Along one spatial axis, with the input x dilated by d (holes) and padded low by `lo` into x~,
window stride s and kernel dilation r, a convolution is

    out[n, o, q] = sum over c, k of x~[n, c, q*s + k*r] * w[o, c, k],   x~[lo + i*d] = x[i].

It is bilinear; its transposes are convolutions again:

  - for x: an element x[i] meets out[q] through w[k] where q*s + k*r = lo + i*d. Spreading the
    cotangent g with s - 1 holes (lhs_dilation = s) and reading it with the kernel reversed
    (k' = K-1-k) gives x_ct[i] = sum g~[i*d + k'*r + lo - (K-1)*r] * w[K-1-k']: a convolution of
    g with window stride d, low padding (K-1)*r - lo, and high padding chosen so that there are
    as many outputs as x has elements. The kernel's in and out features swap roles.
  - for w: w_ct[o, c, k] = sum over n, q of x~[n, c, k*r + q*s] * g[n, o, q] is a convolution
    of x with g as the kernel, window stride r, kernel dilation s, the same low padding, the
    kernel positions as output positions, and batch and feature axes swapped: the input's
    features become the batch and its batch the contracted features.

Groups follow from which input slice meets which output features. Feature groups (G) pair
input feature group j with output feature group j, batch groups (B) pair batch group j with
output feature group j (always group-major). Transposing for x keeps the pairing through
feature groups of the cotangent; for w, feature groups of the original become batch groups
of the transposed convolution and vice versa.

reduce_window "sum" is a convolution with a kernel of ones (its transpose is the same
formula, done by reduce_window itself); "max" and "min" pass on the tangent of the element
that attains the window's extreme, the first in the window (row-major) where elements tie,
as JAX's and PyTorch's pooling do.
"""
from __future__ import annotations

import itertools

from ..core import dtypes
from ..core.primitive import batch_rules, jvp_rules, transpose_rules
from . import elementwise as E
from . import shape as S
from ._ad import Zero, defjvp, is_undefined, zeros
from ._batch import batch_size, example_types, insert_at, moveaxis
from .conv import ConvDimensionNumbers, conv_general_dilated_p, dilate_dim, reduce_window_p
from .linalg_rules import cast_to, in_dtype


def _swap(spec: tuple) -> tuple:
    """A layout with its first two roles (batch/feature or out/in feature) exchanged."""
    return (spec[1], spec[0]) + spec[2:]


def _move_group(x, src: int, dst: int, groups: int):
    """Split axis `src` into (groups, rest) and merge the groups into axis `dst`, group-major."""
    shape = list(x.shape)
    x = S.reshape(x, shape[:src] + [groups, shape[src] // groups] + shape[src + 1:])
    target = dst + 1 if dst > src else dst  # where axis `dst` sits after the split
    perm = [a for a in range(x.ndim) if a != src]
    at = perm.index(target)
    perm.insert(at, src)
    x = S.transpose(x, perm)
    merged = list(x.shape)
    merged[at:at + 2] = [merged[at] * merged[at + 1]]
    return S.reshape(x, merged)


def _spatial(shape, spec):
    return [shape[d] for d in spec[2:]]


def _conv_lhs_ct(ct, rhs, aval, *, window_strides, padding, lhs_dilation, rhs_dilation, dimension_numbers,
                 feature_group_count, batch_group_count, preferred_element_type):
    lhs_spec, rhs_spec, out_spec = dimension_numbers
    if ct.size == 0 or aval.size == 0:
        return zeros(aval)
    groups = max(feature_group_count, batch_group_count)
    if groups > 1:  # the kernel's out features (group-major) become group-major in-feature blocks
        rhs = _move_group(rhs, rhs_spec[0], rhs_spec[1], groups)
    pads = []
    for size, k, q, (lo, _), s, d, r in zip(_spatial(aval.shape, lhs_spec), _spatial(rhs.shape, rhs_spec),
                                            _spatial(ct.shape, out_spec), padding, window_strides,
                                            lhs_dilation, rhs_dilation):
        before = dilate_dim(k, r) - 1 - lo
        after = dilate_dim(size, d) + dilate_dim(k, r) - 1 - dilate_dim(q, s) - before
        pads.append((before, after))
    out = conv_general_dilated_p.bind(
        ct, in_dtype(S.rev(rhs, rhs_spec[2:]), ct.dtype), window_strides=lhs_dilation, padding=tuple(pads),
        lhs_dilation=window_strides, rhs_dilation=rhs_dilation,
        dimension_numbers=ConvDimensionNumbers(out_spec, _swap(rhs_spec), lhs_spec),
        feature_group_count=groups, batch_group_count=1, preferred_element_type=None)
    if batch_group_count > 1:  # the feature blocks hold the batch groups
        out = _move_group(out, lhs_spec[1], lhs_spec[0], batch_group_count)
    return cast_to(out, aval)


def _conv_rhs_ct(ct, lhs, aval, *, window_strides, padding, lhs_dilation, rhs_dilation, dimension_numbers,
                 feature_group_count, batch_group_count, preferred_element_type):
    lhs_spec, rhs_spec, out_spec = dimension_numbers
    if ct.size == 0 or aval.size == 0:
        return zeros(aval)
    pads = []
    for size, k, q, (lo, _), s, d, r in zip(_spatial(lhs.shape, lhs_spec), _spatial(aval.shape, rhs_spec),
                                            _spatial(ct.shape, out_spec), padding, window_strides,
                                            lhs_dilation, rhs_dilation):
        pads.append((lo, (k - 1) * r + dilate_dim(q, s) - dilate_dim(size, d) - lo))
    out = conv_general_dilated_p.bind(
        in_dtype(lhs, ct.dtype), ct, window_strides=rhs_dilation, padding=tuple(pads), lhs_dilation=lhs_dilation,
        rhs_dilation=window_strides,
        dimension_numbers=ConvDimensionNumbers(_swap(lhs_spec), _swap(out_spec), _swap(rhs_spec)),
        feature_group_count=batch_group_count, batch_group_count=feature_group_count, preferred_element_type=None)
    return cast_to(out, aval)


def _conv_transpose(ct, lhs, rhs, **params):
    if is_undefined(lhs):
        return [_conv_lhs_ct(ct, rhs, lhs.aval, **params), None]
    return [None, _conv_rhs_ct(ct, lhs, rhs.aval, **params)]


defjvp(conv_general_dilated_p, lambda t, ans, lhs, rhs, **p: conv_general_dilated_p.bind(t, rhs, **p),
       lambda t, ans, lhs, rhs, **p: conv_general_dilated_p.bind(lhs, t, **p))
transpose_rules[conv_general_dilated_p] = _conv_transpose


# reduce_window ----------------------------------------------------------------------------------
def _reduce_window_sum_transpose(ct, x, *, computation, window_dimensions, window_strides, padding, base_dilation,
                                 window_dilation):
    aval = x.aval
    if ct.size == 0 or aval.size == 0:
        return [zeros(aval)]
    # the convolution transpose for x with a kernel of ones (which reversing leaves as it is)
    pads = []
    for size, k, q, (lo, _), s, d, r in zip(aval.shape, window_dimensions, ct.shape, padding, window_strides,
                                            base_dilation, window_dilation):
        before = dilate_dim(k, r) - 1 - lo
        pads.append((before, dilate_dim(size, d) + dilate_dim(k, r) - 1 - dilate_dim(q, s) - before))
    return [reduce_window_p.bind(ct, computation="sum", window_dimensions=window_dimensions,
                                 window_strides=base_dilation, padding=tuple(pads), base_dilation=window_strides,
                                 window_dilation=window_dilation)]


_IDENTITY = {"max": -float("inf"), "min": float("inf"), "sum": 0}


def _window_elements(x, computation: str, out_shape, *, window_dimensions, window_strides, padding, base_dilation,
                     window_dilation):
    """For each position in the window, the element of `x` there in every window (an array of
    `out_shape`); padding and holes hold the identity of `computation`. (A pad and a strided
    slice: XLA's simplifier mistakes a reduce_window of 1-wide windows with padding for a no-op.)"""
    dilated = S.pad(x, _IDENTITY[computation], tuple((lo, hi, d - 1) for (lo, hi), d in zip(padding, base_dilation)))
    for offset in itertools.product(*map(range, window_dimensions)):
        start = tuple(o * r for o, r in zip(offset, window_dilation))
        limit = tuple(b + (q - 1) * s + 1 for b, q, s in zip(start, out_shape, window_strides))
        yield S.slice(dilated, start, limit, window_strides)


def _reduce_window_jvp(primals, tangents, *, computation, **window):
    (x,), (t,) = primals, tangents
    ans = reduce_window_p.bind(x, computation=computation, **window)
    if t.__class__ is Zero or ans.dtype not in dtypes.FLOATING:
        return ans, Zero(ans.aval)
    if computation == "sum":
        return ans, reduce_window_p.bind(t, computation="sum", **window)
    if ans.size == 0:
        return ans, zeros(ans.aval)
    zero = S.full((), 0, t.dtype)
    picked = found = None  # (a NaN extreme matches no element: its tangent is 0)
    for xk, tk in zip(_window_elements(x, computation, ans.shape, **window),
                      _window_elements(t, "sum", ans.shape, **window)):
        hit = E.eq_p.bind(xk, ans)
        first = hit if found is None else E.and_p.bind(hit, E.not_p.bind(found))
        term = E.select_n_p.bind(first, zero, tk)
        picked = term if picked is None else E.add_p.bind(picked, term)
        found = hit if found is None else E.or_p.bind(found, hit)
    return ans, picked


jvp_rules[reduce_window_p] = _reduce_window_jvp
transpose_rules[reduce_window_p] = _reduce_window_sum_transpose


# batching ---------------------------------------------------------------------------------------
# The examples join an axis of the convolution: the input's batch when only the input is batched,
# the kernel's output features when only the kernel is, and when both are, the feature groups
# (each example's input features meet only its own kernel) or, if the convolution already groups
# its batch, the batch groups. Groups are group-major, so the examples go inside the groups.
def _merge(x, d: int, axis: int, groups: int = 1):
    """Batched `x` (batch axis `d`) as one example whose axis `axis` holds every example's
    entries: (groups, examples, the rest of the axis) flattened."""
    x = moveaxis(x, d, axis)  # (..., examples, axis, ...)
    shape = x.shape
    size, n = shape[axis], shape[axis + 1]
    if groups > 1:
        x = S.reshape(x, shape[:axis] + (size, groups, n // groups) + shape[axis + 2:])
        x = moveaxis(x, axis, axis + 1)
    return S.reshape(x, shape[:axis] + (size * n,) + shape[axis + 2:])


def _split(y, axis: int, size: int, n: int, groups: int = 1):
    """The inverse of `_merge`: axis `axis` of `y` (`size` examples of `n` entries) split into the
    examples (the new axis `axis`) and the entries."""
    shape = y.shape
    if groups > 1:
        y = S.reshape(y, shape[:axis] + (groups, size, n // groups) + shape[axis + 1:])
        y = moveaxis(y, axis + 1, axis)
    return S.reshape(y, shape[:axis] + (size, n) + shape[axis + 1:])


def _conv_batch(args, dims, *, dimension_numbers, feature_group_count, batch_group_count, **params):
    groups = dict(feature_group_count=feature_group_count, batch_group_count=batch_group_count)
    example = example_types(conv_general_dilated_p, args, dims, dict(params, dimension_numbers=dimension_numbers,
                                                                      **groups))
    (lhs, rhs), (ld, rd) = args, dims
    lhs_spec, rhs_spec, out_spec = dimension_numbers
    size = batch_size(args, dims)
    if rd is None:  # more input batch; batch groups stay group-major
        n = example.shape[out_spec[0]]
        lhs = _merge(lhs, ld, lhs_spec[0], batch_group_count)
        out = conv_general_dilated_p.bind(lhs, rhs, dimension_numbers=dimension_numbers, **groups, **params)
        return _split(out, out_spec[0], size, n), out_spec[0]
    features = example.shape[out_spec[1]]
    kernel_groups = max(feature_group_count, batch_group_count)
    if ld is None:  # more output features, inside their groups
        rhs = _merge(rhs, rd, rhs_spec[0], kernel_groups)
        out = conv_general_dilated_p.bind(lhs, rhs, dimension_numbers=dimension_numbers, **groups, **params)
        return _split(out, out_spec[1], size, features, kernel_groups), out_spec[1]
    if size == 0:  # no examples, and no group count of 0: the result is empty
        return S.full((0,) + example.shape, 0, example.dtype), 0
    # each example is a group of its own, outermost: the input's features (or batch, when the
    # convolution groups its batch) and the kernel's output features split per example
    key = "batch_group_count" if batch_group_count > 1 else "feature_group_count"
    lhs = _merge(lhs, ld, lhs_spec[0] if key == "batch_group_count" else lhs_spec[1])
    rhs = _merge(rhs, rd, rhs_spec[0])
    groups[key] *= size
    out = conv_general_dilated_p.bind(lhs, rhs, dimension_numbers=dimension_numbers, **groups, **params)
    return _split(out, out_spec[1], size, features), out_spec[1]


def _reduce_window_batch(args, dims, *, window_dimensions, window_strides, padding, base_dilation, window_dilation,
                         computation):
    """A window of one along the batch axis."""
    window = dict(window_dimensions=window_dimensions, window_strides=window_strides, padding=padding,
                  base_dilation=base_dilation, window_dilation=window_dilation)
    (x,), (d,) = args, dims
    window = {k: insert_at(v, d, (0, 0) if k == "padding" else 1) for k, v in window.items()}
    return reduce_window_p.bind(x, computation=computation, **window), d


batch_rules[conv_general_dilated_p] = _conv_batch
batch_rules[reduce_window_p] = _reduce_window_batch
