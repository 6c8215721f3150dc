"""Shape arithmetic of convolutions and windowed reductions, as jax.lax's helpers compute it:
output shapes from operand shapes, and the axis permutations that layout strings name.

They compute on Python ints only (no arrays): layers use them to size their parameters.
"""
from __future__ import annotations

import operator
from typing import Sequence

from ..core.errors import ShapeError, op_error
from ..ops.conv import conv_dimension_numbers, padtype_to_pads, window_output_shape
from ._conv import _transpose_pads

__all__ = ["conv_general_permutations", "conv_general_shape_tuple", "conv_shape_tuple", "conv_transpose_shape_tuple",
           "reduce_window_shape_tuple"]

Shape = Sequence[int]


def _ints(values) -> tuple[int, ...]:
    return tuple(operator.index(v) for v in values)


def _pairs(op: str, padding, n: int) -> tuple[tuple[int, int], ...]:
    pairs = tuple(_ints(p) for p in padding)
    if len(pairs) != n or any(len(p) != 2 for p in pairs):
        raise op_error(ShapeError, op, f"padding {padding!r} is not {n} (low, high) pairs",
                       "pass one (low, high) pair per spatial axis, or 'SAME' / 'VALID'")
    return pairs


def conv_general_permutations(dimension_numbers: tuple[str, str, str]) -> tuple[tuple[int, ...], ...]:
    """The axis permutations that put operands of the layouts `(lhs, rhs, out)` into the
    convolution's own order: batch, feature, then the spatial axes in the kernel layout's order
    (for the kernel: out feature, in feature, spatial axes).

    >>> conv_general_permutations(("NHWC", "HWIO", "NHWC"))
    ((0, 3, 1, 2), (3, 2, 0, 1), (0, 3, 1, 2))
    """
    if len(dimension_numbers) != 3 or not all(isinstance(s, str) for s in dimension_numbers):
        raise op_error(TypeError, "conv_general_permutations", f"dimension_numbers {dimension_numbers!r} is not "
                       "three layout strings", 'pass (lhs, rhs, out) layouts such as ("NHWC", "HWIO", "NHWC")')
    n = len(dimension_numbers[0])
    return tuple(conv_dimension_numbers((1,) * n, (1,) * n, dimension_numbers))


def conv_shape_tuple(lhs_shape: Shape, rhs_shape: Shape, strides: Shape, pads, batch_group_count: int = 1
                     ) -> tuple[int, ...]:
    """The output shape of a convolution of operands in the (N, C, spatial...) / (O, I,
    spatial...) order, with `pads` a padding string or (low, high) pairs, and no dilation.

    >>> conv_shape_tuple((1, 2, 5, 5), (3, 2, 3, 3), (2, 2), "SAME")
    (1, 3, 3, 3)
    """
    lhs_shape, rhs_shape, strides = _ints(lhs_shape), _ints(rhs_shape), _ints(strides)
    n = len(lhs_shape) - 2
    if isinstance(pads, str):
        pads = padtype_to_pads(lhs_shape[2:], rhs_shape[2:], strides, pads)
    pads = _pairs("conv_shape_tuple", pads, n)
    for size, (lo, hi) in zip(lhs_shape[2:], pads):
        if size + lo + hi < 0:
            raise op_error(ShapeError, "conv_shape_tuple", f"padding {pads} crops more than the spatial axes "
                           f"{lhs_shape[2:]} hold", "make the negative padding smaller than the axis")
    if lhs_shape[0] % batch_group_count:
        raise op_error(ShapeError, "conv_shape_tuple", f"batch_group_count={batch_group_count} does not divide "
                       f"the batch size {lhs_shape[0]}", "pick a batch_group_count that divides the batch size")
    space = window_output_shape(lhs_shape[2:], rhs_shape[2:], strides, pads, (1,) * n, (1,) * n)
    return (lhs_shape[0] // batch_group_count, rhs_shape[0]) + space


def _permuted(shape: Shape, perm: Sequence[int]) -> tuple[int, ...]:
    return tuple(_ints(shape)[p] for p in perm)


def _unpermuted(shape: Shape, perm: Sequence[int]) -> tuple[int, ...]:
    out = [0] * len(perm)
    for size, p in zip(shape, perm):
        out[p] = size
    return tuple(out)


def conv_general_shape_tuple(lhs_shape: Shape, rhs_shape: Shape, window_strides: Shape, padding,
                             dimension_numbers: tuple[str, str, str]) -> tuple[int, ...]:
    """The output shape, in the output layout, of a convolution of operands laid out as the
    strings `dimension_numbers` say (without dilation).

    >>> conv_general_shape_tuple((1, 5, 5, 2), (3, 3, 2, 4), (1, 1), "VALID", ("NHWC", "HWIO", "NHWC"))
    (1, 3, 3, 4)
    """
    lhs_perm, rhs_perm, out_perm = conv_general_permutations(dimension_numbers)
    out = conv_shape_tuple(_permuted(lhs_shape, lhs_perm), _permuted(rhs_shape, rhs_perm), window_strides, padding)
    return _unpermuted(out, out_perm)


def conv_transpose_shape_tuple(lhs_shape: Shape, rhs_shape: Shape, window_strides: Shape, padding,
                               dimension_numbers: tuple[str, str, str]) -> tuple[int, ...]:
    """The output shape, in the output layout, of `conv_transpose` with `padding` "SAME" or
    "VALID" (the forward convolution's) or (low, high) pairs (of the dilated input).

    >>> conv_transpose_shape_tuple((1, 5, 5, 2), (3, 3, 2, 4), (2, 2), "SAME", ("NHWC", "HWIO", "NHWC"))
    (1, 10, 10, 4)
    """
    lhs_perm, rhs_perm, out_perm = conv_general_permutations(dimension_numbers)
    lhs, rhs, strides = _permuted(lhs_shape, lhs_perm), _permuted(rhs_shape, rhs_perm), _ints(window_strides)
    if isinstance(padding, str):
        if padding not in ("SAME", "VALID"):
            raise op_error(ValueError, "conv_transpose_shape_tuple", f"unknown padding {padding!r}",
                           "pass 'SAME' or 'VALID' or one (low, high) pair per spatial axis")
        padding = [_transpose_pads(k, s, padding) for k, s in zip(rhs[2:], strides)]
    ones = (1,) * len(strides)
    # the input dilated by the strides, padded, then a window of the kernel's extent slid with stride 1
    space = window_output_shape(lhs[2:], rhs[2:], ones, _pairs("conv_transpose_shape_tuple", padding, len(strides)),
                                strides, ones)
    return _unpermuted((lhs[0], rhs[0]) + space, out_perm)


def reduce_window_shape_tuple(operand_shape: Shape, window_dimensions: Shape, window_strides: Shape,
                              padding: Sequence[tuple[int, int]], base_dilation: Shape | None = None,
                              window_dilation: Shape | None = None) -> tuple[int, ...]:
    """The output shape of `reduce_window` with explicit (low, high) `padding`.

    >>> reduce_window_shape_tuple((5, 6), (2, 2), (1, 2), [(0, 0), (1, 1)])
    (4, 4)
    """
    shape = _ints(operand_shape)
    ones = (1,) * len(shape)
    return window_output_shape(shape, _ints(window_dimensions), _ints(window_strides),
                               _pairs("reduce_window_shape_tuple", padding, len(shape)),
                               ones if base_dilation is None else _ints(base_dilation),
                               ones if window_dilation is None else _ints(window_dilation))
