"""Contractions: dot, dot_general, batch_matmul and the convolutions.

`precision` is accepted for compatibility and ignored: fluxion computes in the operands'
dtype (or `preferred_element_type`) on every backend it has. As in jax.lax, dot_general
promotes operands of different dtypes; the convolutions take one dtype.
"""
from __future__ import annotations

import enum
from typing import Any, Sequence, Union

from ..core.array import Array
from ..core.errors import ShapeError, op_error
from ..numpy._contract import operands as product_operands
from ..ops import conv as C
from ..ops import linalg as L
from ..ops.conv import ConvDimensionNumbers, conv_dimension_numbers, padtype_to_pads
from ._operands import ArrayLike, DTypeLike, as_array, operands

__all__ = ["ConvDimensionNumbers", "Precision", "batch_matmul", "conv", "conv_dimension_numbers",
           "conv_general_dilated", "conv_with_general_padding", "dot", "dot_general", "padtype_to_pads"]

DotDimensionNumbers = tuple[tuple[Sequence[int], Sequence[int]], tuple[Sequence[int], Sequence[int]]]
Padding = Union[str, Sequence[tuple[int, int]]]


class Precision(enum.Enum):
    """Accepted for code written for accelerators with reduced-precision matmuls; fluxion ignores it."""
    DEFAULT = 0
    HIGH = 1
    HIGHEST = 2


def dot_general(lhs: ArrayLike, rhs: ArrayLike, dimension_numbers: DotDimensionNumbers, precision: Any = None,
                preferred_element_type: DTypeLike | None = None, *, out_sharding: Any = None) -> Array:
    """Contract the axes `((lhs_contract, rhs_contract), (lhs_batch, rhs_batch))`; batch axes come first.

    The result's axes are the batch axes, then the free axes of `lhs`, then those of `rhs`.

    >>> import fluxion.numpy as fnp
    >>> dot_general(fnp.ones((5, 2, 3)), fnp.ones((5, 3, 4)), (((2,), (1,)), ((0,), (0,)))).shape
    (5, 2, 4)
    """
    (lhs, rhs), finish = product_operands("dot_general", as_array(lhs), as_array(rhs))  # (booleans: OR of ANDs)
    return finish(L.dot_general(lhs, rhs, dimension_numbers, preferred_element_type))


def dot(lhs: ArrayLike, rhs: ArrayLike, *, dimension_numbers: DotDimensionNumbers | None = None,
        precision: Any = None, preferred_element_type: DTypeLike | None = None, out_sharding: Any = None) -> Array:
    """The vector-vector, matrix-vector or matrix-matrix product (or `dot_general` when given `dimension_numbers`).

    >>> import fluxion.numpy as fnp
    >>> dot(fnp.asarray([[1.0, 2.0]]), fnp.asarray([3.0, 4.0])).tolist()
    [11.0]
    """
    lhs, rhs = as_array(lhs), as_array(rhs)
    if dimension_numbers is None:
        if not (1 <= lhs.ndim <= 2 and 1 <= rhs.ndim <= 2 and lhs.shape[-1] == rhs.shape[0]):
            raise op_error(ShapeError, "dot", f"cannot multiply shapes {lhs.shape} and {rhs.shape}: dot takes "
                           "vectors or matrices whose inner sizes agree", "pass dimension_numbers, or use "
                           "dot_general / batch_matmul for other ranks")
        dimension_numbers = (((lhs.ndim - 1,), (0,)), ((), ()))
    return dot_general(lhs, rhs, dimension_numbers, precision, preferred_element_type)


def batch_matmul(lhs: ArrayLike, rhs: ArrayLike, precision: Any = None) -> Array:
    """Matrix products over the last two axes, the leading axes (equal in both) in lockstep."""
    lhs, rhs = as_array(lhs), as_array(rhs)
    if lhs.ndim < 2 or lhs.ndim != rhs.ndim:
        raise op_error(ShapeError, "batch_matmul", f"operands of shapes {lhs.shape} and {rhs.shape} need the same "
                       "number of axes, at least 2", "add leading axes of size 1, or use dot_general")
    batch = tuple(range(lhs.ndim - 2))
    return dot_general(lhs, rhs, (((lhs.ndim - 1,), (rhs.ndim - 2,)), (batch, batch)), precision)


def conv_general_dilated(lhs: ArrayLike, rhs: ArrayLike, window_strides: Sequence[int], padding: Padding,
                         lhs_dilation: Sequence[int] | None = None, rhs_dilation: Sequence[int] | None = None,
                         dimension_numbers: Any = None, feature_group_count: int = 1, batch_group_count: int = 1,
                         precision: Any = None, preferred_element_type: DTypeLike | None = None,
                         out_sharding: Any = None) -> Array:
    """XLA's general convolution (a cross-correlation: the kernel is not flipped).

    Args:
      lhs: the input; its batch, feature and spatial axes as `dimension_numbers` says.
      rhs: the kernel; out-feature, in-feature and spatial axes.
      window_strides: the step of the window along each spatial axis.
      padding: "VALID", "SAME", "SAME_LOWER", or a (low, high) pair per spatial axis.
      lhs_dilation: holes between input elements (a transposed convolution).
      rhs_dilation: holes between kernel elements (an atrous convolution).
      dimension_numbers: None (NC..., OI..., NC...), three layout strings such as
        ("NHWC", "HWIO", "NHWC"), or a ConvDimensionNumbers.
      feature_group_count: split the features into this many groups.
      batch_group_count: split the batch into this many groups.
      precision: ignored.
      preferred_element_type: the result's dtype.

    Returns:
      The convolution, laid out as `dimension_numbers` says.

    >>> import fluxion.numpy as fnp
    >>> x, w = fnp.arange(5.0).reshape(1, 1, 5), fnp.asarray([[[1.0, -1.0]]])
    >>> conv_general_dilated(x, w, (2,), "VALID").tolist()
    [[[-1.0, -1.0]]]
    """
    lhs, rhs = operands(lhs, rhs)
    return C.conv_general_dilated(lhs, rhs, window_strides, padding, lhs_dilation, rhs_dilation, dimension_numbers,
                                  feature_group_count, batch_group_count, preferred_element_type)


def conv(lhs: ArrayLike, rhs: ArrayLike, window_strides: Sequence[int], padding: str, precision: Any = None,
         preferred_element_type: DTypeLike | None = None) -> Array:
    """`conv_general_dilated` in the NC... / OI... layout without dilation."""
    return conv_general_dilated(lhs, rhs, window_strides, padding, preferred_element_type=preferred_element_type)


def conv_with_general_padding(lhs: ArrayLike, rhs: ArrayLike, window_strides: Sequence[int], padding: Padding,
                              lhs_dilation: Sequence[int] | None, rhs_dilation: Sequence[int] | None,
                              precision: Any = None, preferred_element_type: DTypeLike | None = None) -> Array:
    """`conv_general_dilated` in the NC... / OI... layout."""
    return conv_general_dilated(lhs, rhs, window_strides, padding, lhs_dilation, rhs_dilation,
                                preferred_element_type=preferred_element_type)
