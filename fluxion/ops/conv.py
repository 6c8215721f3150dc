"""Windowed primitives: convolution and windowed reduction, as XLA's ConvGeneralDilated and ReduceWindow.

Both slide a window over an input that is first dilated (holes between elements) and padded
(negative padding crops); the window itself may be dilated, and it moves by a stride. Along
each such axis the output has `max(0, (padded - dilated_window) // stride + 1)` elements.

    conv_general_dilated(lhs, rhs)   out[n, o, s] = sum over c, k of lhs[n, c, s * stride + k] * rhs[o, c, k]
    reduce_window(x)                 max, min or sum over each window; holes and padding hold the
                                     computation's identity (-inf, +inf, 0)
"""
from __future__ import annotations

import operator
from typing import NamedTuple, Sequence

from ..core import dtypes as D
from ..core.array import to_array
from ..core.errors import ShapeError, op_error
from ..core.types import ArrayType
from ._util import check_dtype, check_preferred, define, same_dtypes

_CONV = "conv_general_dilated"
_REDUCE = "reduce_window"


class ConvDimensionNumbers(NamedTuple):
    """Which axis of each operand plays which role.

    `lhs_spec = (batch, feature, *spatial)`, `rhs_spec = (out feature, in feature, *spatial)`,
    `out_spec = (batch, feature, *spatial)`; spatial axes pair up in order.
    """

    lhs_spec: tuple[int, ...]
    rhs_spec: tuple[int, ...]
    out_spec: tuple[int, ...]


def dilate_dim(size: int, dilation: int) -> int:
    """The size of an axis of `size` elements with `dilation - 1` holes between neighbours."""
    return 0 if size == 0 else (size - 1) * dilation + 1


def window_output_shape(sizes, windows, strides, padding, base_dilation, window_dilation) -> tuple[int, ...]:
    """Output sizes of a window sliding over dilated, padded axes (0 where the window does not fit)."""
    return tuple(max(0, (dilate_dim(size, bd) + lo + hi - dilate_dim(window, wd)) // stride + 1)
                 for size, window, stride, (lo, hi), bd, wd
                 in zip(sizes, windows, strides, padding, base_dilation, window_dilation))


def _check_window_params(op: str, n: int, **params) -> None:
    """Each window parameter has one entry per windowed axis; strides, dilations and windows are positive."""
    for name, value in params.items():
        if len(value) != n:
            raise op_error(ShapeError, op, f"{name}={value} has {len(value)} entries, but {n} axes are windowed",
                           f"pass {n} entries")
        if name == "padding":
            if not all(isinstance(p, tuple) and len(p) == 2 for p in value):
                raise op_error(ShapeError, op, f"padding={value} is not a sequence of (low, high) pairs",
                               "pass one (low, high) pair per axis, or 'SAME' / 'VALID'")
        else:
            _check_positive(op, name, value)


def _check_positive(op: str, name: str, value) -> None:
    if any(v < 1 for v in value):
        raise op_error(ShapeError, op, f"{name}={value} has entries below 1", f"make every {name} entry at least 1")


def _check_dimension_numbers(dn, ndim: int) -> None:
    perm = tuple(range(ndim))
    if not isinstance(dn, ConvDimensionNumbers) or any(tuple(sorted(s)) != perm for s in dn):
        raise op_error(ShapeError, _CONV, f"dimension_numbers {dn} are not three permutations of the {ndim} axes",
                       'build them with conv_dimension_numbers(lhs.shape, rhs.shape, ("NCHW", "OIHW", "NCHW"))')


def _conv_rule(lhs: ArrayType, rhs: ArrayType, *, window_strides, padding, lhs_dilation, rhs_dilation,
               dimension_numbers, feature_group_count, batch_group_count, preferred_element_type) -> ArrayType:
    dt = same_dtypes(_CONV, (lhs, rhs))
    check_dtype(_CONV, dt, D.NUMERIC)
    if lhs.ndim != rhs.ndim or lhs.ndim < 2:
        raise op_error(ShapeError, _CONV, f"lhs of shape {lhs.shape} and rhs of shape {rhs.shape} need the same "
                       "number of axes, at least 2 (batch and feature)", "add axes of size 1 with expand_dims")
    _check_dimension_numbers(dimension_numbers, lhs.ndim)
    lhs_spec, rhs_spec, out_spec = dimension_numbers
    _check_window_params(_CONV, lhs.ndim - 2, window_strides=window_strides, padding=padding,
                         lhs_dilation=lhs_dilation, rhs_dilation=rhs_dilation)
    n, c = (lhs.shape[d] for d in lhs_spec[:2])
    o, i = (rhs.shape[d] for d in rhs_spec[:2])
    _check_groups(n, c, o, i, feature_group_count, batch_group_count)
    kernel = tuple(rhs.shape[d] for d in rhs_spec[2:])
    if any(k < 1 for k in kernel):
        raise op_error(ShapeError, _CONV, f"the kernel's spatial sizes {kernel} must be positive",
                       "pass a kernel with at least one element along each spatial axis")
    sizes = tuple(lhs.shape[d] for d in lhs_spec[2:])
    for size, d, (lo, hi) in zip(sizes, lhs_dilation, padding):
        if dilate_dim(size, d) + lo + hi < 0:
            raise op_error(ShapeError, _CONV, f"padding {(lo, hi)} crops more than the {dilate_dim(size, d)} "
                           "elements of a (dilated) spatial axis", "make the negative padding smaller")
    spatial = window_output_shape(sizes, kernel, window_strides, padding, lhs_dilation, rhs_dilation)
    shape = [0] * lhs.ndim
    for d, size in zip(out_spec, (n // batch_group_count, o) + spatial):
        shape[d] = size
    if preferred_element_type is None:
        return ArrayType(tuple(shape), dt, lhs.weak and rhs.weak)
    check_preferred(_CONV, dt, preferred_element_type)
    return ArrayType(tuple(shape), preferred_element_type)


def _check_groups(n: int, c: int, o: int, i: int, feature_groups: int, batch_groups: int) -> None:
    def fail(problem, fix):
        raise op_error(ShapeError, _CONV, problem, fix)

    if feature_groups < 1 or batch_groups < 1:
        fail(f"feature_group_count={feature_groups} and batch_group_count={batch_groups} must be positive",
             "pass group counts of at least 1")
    if feature_groups > 1 and batch_groups > 1:
        fail("at most one of feature_group_count and batch_group_count may exceed 1", "set one of them to 1")
    if c % feature_groups or c // feature_groups != i:
        fail(f"lhs has {c} input features; with feature_group_count={feature_groups} the kernel's in-feature axis "
             f"must be {c} / {feature_groups}, got {i}",
             "make lhs features = kernel in-features * feature_group_count (check dimension_numbers)")
    if n % batch_groups:
        fail(f"batch_group_count={batch_groups} does not divide the lhs batch size {n}",
             "pick a batch_group_count that divides the batch size")
    groups = feature_groups * batch_groups
    if o % groups:
        fail(f"the kernel's {o} output features are not a multiple of the group count {groups}",
             "make the kernel's out-feature axis a multiple of the group count")


conv_general_dilated_p = define(_CONV, _conv_rule)

_ROLES = ("NC", "OI", "NC")


def conv_dimension_numbers(lhs_shape: Sequence[int], rhs_shape: Sequence[int],
                           dimension_numbers) -> ConvDimensionNumbers:
    """Normalise `dimension_numbers` (None, three layout strings, or three permutations).

    A layout string names each axis: "N" batch and "C" feature for lhs and output, "O" out
    feature and "I" in feature for the kernel; any other letter is a spatial axis, ordered as
    in the kernel's string. None means ("NC...", "OI...", "NC...").

    >>> conv_dimension_numbers((8, 32, 32, 3), (3, 3, 3, 16), ("NHWC", "HWIO", "NHWC"))
    ConvDimensionNumbers(lhs_spec=(0, 3, 1, 2), rhs_spec=(3, 2, 0, 1), out_spec=(0, 3, 1, 2))
    """
    ndim = len(lhs_shape)
    if len(rhs_shape) != ndim:
        raise op_error(ShapeError, _CONV, f"lhs of shape {tuple(lhs_shape)} and rhs of shape {tuple(rhs_shape)} "
                       "have different numbers of axes", "give the kernel one axis per lhs axis")
    if dimension_numbers is None:
        return ConvDimensionNumbers(*(tuple(range(ndim)),) * 3)
    if len(dimension_numbers) != 3:
        raise op_error(ShapeError, _CONV, f"dimension_numbers {dimension_numbers!r} must have three entries",
                       'pass (lhs, rhs, out) layouts such as ("NCHW", "OIHW", "NCHW")')
    if all(isinstance(s, str) for s in dimension_numbers):
        return _parse_layouts(tuple(dimension_numbers), ndim)
    return ConvDimensionNumbers(*(tuple(operator.index(d) for d in s) for s in dimension_numbers))


def _parse_layouts(layouts: tuple[str, str, str], ndim: int) -> ConvDimensionNumbers:
    spatial = [ch for ch in layouts[1] if ch not in _ROLES[1]]
    for layout, roles in zip(layouts, _ROLES):
        if (len(layout) != ndim or len(set(layout)) != ndim or not set(roles) <= set(layout)
                or sorted(set(layout) - set(roles)) != sorted(spatial)):
            raise op_error(ShapeError, _CONV, f"layouts {layouts} do not describe {ndim}-axis operands",
                           f"give each layout {ndim} distinct letters: {roles[0]!r} and {roles[1]!r} once each "
                           "and the same spatial letters in all three")
    return ConvDimensionNumbers(*(tuple(layout.index(ch) for ch in roles + "".join(spatial))
                                  for layout, roles in zip(layouts, _ROLES)))


def _padding_mode(op: str, padding: str) -> str:
    mode = padding.upper()
    if mode not in ("SAME", "SAME_LOWER", "VALID"):
        raise op_error(ValueError, op, f"unknown padding {padding!r}",
                       "pass 'SAME', 'SAME_LOWER', 'VALID' or a sequence of (low, high) pairs")
    return mode


def padtype_to_pads(in_shape: Sequence[int], window_shape: Sequence[int], window_strides: Sequence[int],
                    padding: str) -> tuple[tuple[int, int], ...]:
    """(low, high) padding per axis for "VALID", "SAME" or "SAME_LOWER".

    "SAME" pads so that the output has `ceil(size / stride)` elements, the odd element at the
    high end ("SAME_LOWER": at the low end); "VALID" pads nothing.

    >>> padtype_to_pads((5,), (3,), (2,), "SAME")
    ((1, 1),)
    """
    mode = _padding_mode("padtype_to_pads", padding)
    if mode == "VALID":
        return ((0, 0),) * len(in_shape)
    pads = []
    for size, window, stride in zip(in_shape, window_shape, window_strides):
        total = max(0, (-(-size // stride) - 1) * stride + window - size)
        small, big = total // 2, total - total // 2
        pads.append((small, big) if mode == "SAME" else (big, small))
    return tuple(pads)


def _window_tuple(value, n: int) -> tuple[int, ...]:
    return (1,) * n if value is None else tuple(operator.index(v) for v in value)


def _string_padding(op: str, padding: str, sizes, windows, strides, dilation) -> tuple[tuple[int, int], ...]:
    _check_positive(op, "window_strides", strides)  # (before the padding divides by them)
    _check_positive(op, "lhs_dilation" if op == _CONV else "base_dilation", dilation)
    # (reduce_window pads the undilated input as jax's does; a convolution, as jax's, refuses)
    if op == _CONV and _padding_mode(op, padding) != "VALID" and any(d != 1 for d in dilation):
        raise op_error(ValueError, op, f"padding {padding!r} is ambiguous with input dilation {dilation}",
                       "pass explicit (low, high) padding pairs")
    return padtype_to_pads(sizes, windows, strides, padding)


def _explicit_padding(op: str, padding) -> tuple[tuple[int, int], ...]:
    try:
        return tuple((operator.index(lo), operator.index(hi)) for lo, hi in padding)
    except (TypeError, ValueError):
        raise op_error(ShapeError, op, f"padding={padding!r} is not a sequence of (low, high) pairs",
                       "pass one (low, high) pair per axis, or 'SAME' / 'VALID'") from None


def conv_general_dilated(lhs, rhs, window_strides: Sequence[int] | None = None, padding="VALID",
                         lhs_dilation: Sequence[int] | None = None, rhs_dilation: Sequence[int] | None = None,
                         dimension_numbers=None, feature_group_count: int = 1, batch_group_count: int = 1,
                         preferred_element_type=None):
    """XLA's general convolution (a cross-correlation: the kernel is not flipped).

    Args:
      lhs: input, with batch, feature and spatial axes as `dimension_numbers` says.
      rhs: kernel, with out-feature, in-feature and spatial axes.
      window_strides: step of the window along each spatial axis (default 1).
      padding: "VALID", "SAME", "SAME_LOWER", or a (low, high) pair per spatial axis
        (negative values crop).
      lhs_dilation: holes between input elements (transposed convolution), default 1.
      rhs_dilation: holes between kernel elements (atrous convolution), default 1.
      dimension_numbers: None (NC..., OI..., NC...), layout strings such as
        ("NHWC", "HWIO", "NHWC"), or a ConvDimensionNumbers.
      feature_group_count: split input and output features into this many groups.
      batch_group_count: split the batch into this many groups, each convolved with its own
        group of output features.
      preferred_element_type: dtype of the result (and of the accumulation), default the inputs'.

    >>> import numpy as np
    >>> x = np.arange(5.0, dtype=np.float32).reshape(1, 1, 5)
    >>> w = np.array([[[1.0, 0.0, -1.0]]], np.float32)
    >>> conv_general_dilated(x, w, (1,), "VALID").tolist()
    [[[-2.0, -2.0, -2.0]]]
    """
    lhs, rhs = to_array(lhs), to_array(rhs)
    dn = conv_dimension_numbers(lhs.shape, rhs.shape, dimension_numbers)
    n = lhs.ndim - 2
    strides = _window_tuple(window_strides, n)
    lhs_dilation, rhs_dilation = _window_tuple(lhs_dilation, n), _window_tuple(rhs_dilation, n)
    if isinstance(padding, str):
        _check_dimension_numbers(dn, lhs.ndim)
        kernel = [dilate_dim(rhs.shape[d], r) for d, r in zip(dn.rhs_spec[2:], rhs_dilation)]
        padding = _string_padding(_CONV, padding, [lhs.shape[d] for d in dn.lhs_spec[2:]], kernel, strides,
                                  lhs_dilation)
    else:
        padding = _explicit_padding(_CONV, padding)
    preferred = None if preferred_element_type is None else D.canonicalize(preferred_element_type)
    return conv_general_dilated_p.bind(
        lhs, rhs, window_strides=strides, padding=padding, lhs_dilation=lhs_dilation, rhs_dilation=rhs_dilation,
        dimension_numbers=dn, feature_group_count=operator.index(feature_group_count),
        batch_group_count=operator.index(batch_group_count),
        preferred_element_type=preferred)


COMPUTATIONS = ("max", "min", "sum")
_REDUCE_DTYPES = {"max": D.INTEGER + D.REAL_FLOATING + (D.bool_,), "min": D.INTEGER + D.REAL_FLOATING + (D.bool_,),
                  "sum": D.NUMERIC}


def _reduce_window_rule(x: ArrayType, *, computation, window_dimensions, window_strides, padding, base_dilation,
                        window_dilation) -> ArrayType:
    if computation not in COMPUTATIONS:
        raise op_error(ValueError, _REDUCE, f"unknown computation {computation!r}",
                       f"use one of {', '.join(COMPUTATIONS)}")
    check_dtype(f"{_REDUCE} ({computation})", x.dtype, _REDUCE_DTYPES[computation])
    _check_window_params(_REDUCE, x.ndim, window_dimensions=window_dimensions, window_strides=window_strides,
                         padding=padding, base_dilation=base_dilation, window_dilation=window_dilation)
    shape = window_output_shape(x.shape, window_dimensions, window_strides, padding, base_dilation,
                                window_dilation)
    return ArrayType(shape, x.dtype, x.weak)


reduce_window_p = define(_REDUCE, _reduce_window_rule)


def reduce_window(x, computation: str, window_dimensions: Sequence[int], window_strides: Sequence[int] | None = None,
                  padding="VALID", base_dilation: Sequence[int] | None = None,
                  window_dilation: Sequence[int] | None = None):
    """XLA's ReduceWindow with a max, min or sum over each window (pooling).

    Args:
      x: the operand; the window has one entry per axis.
      computation: "max", "min" or "sum"; padding and holes hold its identity.
      window_dimensions: the window's size along each axis.
      window_strides: the window's step along each axis (default 1).
      padding: "VALID", "SAME", "SAME_LOWER", or a (low, high) pair per axis.
      base_dilation: holes between the operand's elements (default 1).
      window_dilation: holes between the window's elements (default 1).

    >>> import numpy as np
    >>> reduce_window(np.array([1, 3, 2, 5, 4]), "max", (2,), (2,), "SAME").tolist()
    [3, 5, 4]
    """
    x = to_array(x)
    params = window_params(x.shape, window_dimensions, window_strides, padding, base_dilation, window_dilation,
                           check=False)  # (the primitive checks them)
    return reduce_window_p.bind(x, computation=computation, **params)


def window_params(shape, window_dimensions, window_strides, padding, base_dilation, window_dilation,
                  check: bool = True) -> dict:
    """`reduce_window`'s window parameters for an operand of `shape`, as the primitive takes them
    (defaults filled in, padding as (low, high) pairs), checked unless not `check`."""
    n = len(shape)
    window, strides = _window_tuple(window_dimensions, n), _window_tuple(window_strides, n)
    base_dilation, window_dilation = _window_tuple(base_dilation, n), _window_tuple(window_dilation, n)
    if isinstance(padding, str):
        window_extent = [dilate_dim(w, d) for w, d in zip(window, window_dilation)]
        padding = _string_padding(_REDUCE, padding, shape, window_extent, strides, base_dilation)
    else:
        padding = _explicit_padding(_REDUCE, padding)
    params = dict(window_dimensions=window, window_strides=strides, padding=padding, base_dilation=base_dilation,
                  window_dilation=window_dilation)
    if check:
        _check_window_params(_REDUCE, n, **params)
    return params
