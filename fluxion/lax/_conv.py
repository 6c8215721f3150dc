"""Convolutions built from `conv_general_dilated`: the transposed convolution, image patches
and the unshared (locally connected) convolution.

`conv_transpose` is the convolution whose input is dilated by the strides (the gradient of a
strided convolution with respect to its input, up to the kernel's orientation), and
`conv_general_dilated_patches` is a grouped convolution with one-hot kernels that copies each
window into the feature axis. Both bind the one convolution primitive, so their derivatives,
batching and compilation are its own. `conv_general_dilated_local` contracts those patches with
a kernel per output position (`dot_general`).
"""
from __future__ import annotations

import math
import operator
from typing import Any, Sequence

import numpy as np

from ..core.array import Array
from ..core.errors import ShapeError, op_error
from ..ops.conv import ConvDimensionNumbers, conv_dimension_numbers, dilate_dim
from ._contract import Padding, conv_general_dilated, dot_general
from ._operands import ArrayLike, DTypeLike, as_array
from ._shape import rev, transpose

__all__ = ["conv_general_dilated_local", "conv_general_dilated_patches", "conv_transpose"]

# jax.lax.conv_transpose's default layouts (TensorFlow's), by number of spatial axes
_TRANSPOSE_LAYOUTS = {0: ("NC", "IO", "NC"), 1: ("NHC", "HIO", "NHC"), 2: ("NHWC", "HWIO", "NHWC"),
                      3: ("NHWDC", "HWDIO", "NHWDC")}


def _transpose_pads(extent: int, stride: int, padding) -> tuple[int, int]:
    """(low, high) padding of the stride-dilated input for a kernel spanning `extent` elements.

    `padding` is that of the forward convolution being transposed. "VALID": the full
    convolution (extent - 1 on each side), widened at the high end so that the output has
    `n * stride + max(extent - stride, 0)` elements. "SAME": `n * stride` elements, the low
    side padded by the kernel's half (all of `extent - 1` when the stride covers the kernel).
    A (low, high) pair of the forward convolution becomes `extent - 1 - low`, `extent - 1 - high`.
    """
    if padding == "VALID":
        return extent - 1, stride - 1 + max(extent - stride, 0)
    if padding == "SAME":
        total = extent + stride - 2
        low = extent - 1 if stride >= extent else -(-total // 2)
        return low, total - low
    lo, hi = padding
    return extent - 1 - lo, extent - 1 - hi


def conv_transpose(lhs: ArrayLike, rhs: ArrayLike, strides: Sequence[int], padding: Padding,
                   rhs_dilation: Sequence[int] | None = None, dimension_numbers: Any = None,
                   transpose_kernel: bool = False, precision: Any = None,
                   preferred_element_type: DTypeLike | None = None, use_consistent_padding: bool = False) -> Array:
    """The transposed ("fractionally strided") convolution: `lhs` dilated by `strides`, then convolved.

    Args:
      lhs: the input, `n + 2` axes.
      rhs: the kernel, `n + 2` axes.
      strides: the stride of the forward convolution being transposed, one per spatial axis.
      padding: "SAME" or "VALID" (the forward convolution's padding: the output has `size *
        stride` elements, or `size * stride + max(kernel - stride, 0)`), or one (low, high) pair
        per spatial axis: the padding of the dilated input, or, with `use_consistent_padding`,
        the forward convolution's padding.
      rhs_dilation: holes between kernel elements (atrous), default 1.
      dimension_numbers: layouts as in `conv_general_dilated`; by default TensorFlow's
        ("NHWC", "HWIO", "NHWC") and its 1-d and 3-d analogues.
      transpose_kernel: flip the kernel's spatial axes and swap its in- and out-feature axes,
        which makes this the gradient of `conv_general_dilated` with respect to its input
        (Keras' Conv2DTranspose).
      precision: ignored.
      preferred_element_type: the result's dtype.
      use_consistent_padding: read (low, high) pairs as the forward convolution's padding, as
        the strings are (PyTorch's convention).

    Returns:
      The convolution, laid out as `dimension_numbers` says.

    >>> import fluxion.numpy as fnp
    >>> x, w = fnp.asarray([[[1.0], [2.0]]]), fnp.ones((2, 1, 1))
    >>> conv_transpose(x, w, (2,), "VALID")[0, :, 0].tolist()
    [1.0, 1.0, 2.0, 2.0]
    """
    lhs, rhs = as_array(lhs), as_array(rhs)
    n = lhs.ndim - 2
    if dimension_numbers is None:
        if lhs.ndim != rhs.ndim or n not in _TRANSPOSE_LAYOUTS:
            raise op_error(ShapeError, "conv_transpose", f"no default layout for lhs of shape {lhs.shape} and rhs "
                           f"of shape {rhs.shape}: the defaults cover operands of 2 to 5 axes, both alike",
                           'pass dimension_numbers, e.g. ("NCHW", "OIHW", "NCHW")')
        dimension_numbers = _TRANSPOSE_LAYOUTS[n]
    dn = conv_dimension_numbers(lhs.shape, rhs.shape, dimension_numbers)
    strides = tuple(operator.index(s) for s in strides)
    dilation = (1,) * n if rhs_dilation is None else tuple(operator.index(d) for d in rhs_dilation)
    if len(strides) != n or len(dilation) != n:
        raise op_error(ShapeError, "conv_transpose", f"strides={strides} and rhs_dilation={dilation} need one "
                       f"entry per spatial axis ({n})", f"pass {n} strides and dilations")
    extents = [dilate_dim(rhs.shape[d], r) for d, r in zip(dn.rhs_spec[2:], dilation)]
    if isinstance(padding, str):
        if padding not in ("SAME", "VALID"):
            raise op_error(ValueError, "conv_transpose", f"unknown padding {padding!r}",
                           "pass 'SAME' or 'VALID' (the forward convolution's padding) or one (low, high) pair "
                           "per spatial axis")
        pads = [_transpose_pads(k, s, padding) for k, s in zip(extents, strides)]
    elif use_consistent_padding:
        pairs = _pairs(padding, n)
        pads = [_transpose_pads(k, s, p) for k, s, p in zip(extents, strides, pairs)]
    else:
        pads = padding
    if transpose_kernel:
        out_axis, in_axis = dn.rhs_spec[:2]
        swap = list(range(rhs.ndim))
        swap[out_axis], swap[in_axis] = in_axis, out_axis
        rhs = transpose(rev(rhs, dn.rhs_spec[2:]), swap)
    return conv_general_dilated(lhs, rhs, (1,) * n, pads, strides, dilation, dn,
                                preferred_element_type=preferred_element_type)


def _pairs(padding, n: int) -> list[tuple[int, int]]:
    try:
        pairs = [(operator.index(lo), operator.index(hi)) for lo, hi in padding]
    except (TypeError, ValueError):
        pairs = None
    if pairs is None or len(pairs) != n:
        raise op_error(ShapeError, "conv_transpose", f"padding={padding!r} is not {n} (low, high) pairs",
                       "pass one (low, high) pair per spatial axis, or 'SAME' / 'VALID'")
    return pairs


def conv_general_dilated_patches(lhs: ArrayLike, filter_shape: Sequence[int], window_strides: Sequence[int],
                                 padding: Padding, lhs_dilation: Sequence[int] | None = None,
                                 rhs_dilation: Sequence[int] | None = None, dimension_numbers: Any = None,
                                 precision: Any = None, preferred_element_type: DTypeLike | None = None) -> Array:
    """The windows a convolution with a kernel of spatial shape `filter_shape` would see, in the feature axis.

    The output is laid out like that convolution's; its feature axis has `C * prod(filter_shape)`
    entries, the input feature slowest and the window's elements in row-major order after it.
    `filter_shape` lists the window's size along each spatial axis in the kernel layout's order
    (that of `dimension_numbers[1]`). The other arguments are those of `conv_general_dilated`.

    >>> import fluxion.numpy as fnp
    >>> conv_general_dilated_patches(fnp.arange(4.0).reshape(1, 1, 4), (2,), (2,), "VALID")[0].tolist()
    [[0.0, 2.0], [1.0, 3.0]]
    """
    lhs = as_array(lhs)
    filter_shape = tuple(operator.index(k) for k in filter_shape)
    if len(filter_shape) != lhs.ndim - 2:
        raise op_error(ShapeError, "conv_general_dilated_patches", f"filter_shape={filter_shape} has "
                       f"{len(filter_shape)} entries for lhs of shape {lhs.shape}, which has {lhs.ndim - 2} spatial "
                       "axes", "give filter_shape one entry per spatial axis (lhs has batch and feature axes too)")
    dn = conv_dimension_numbers(lhs.shape, (1, 1) + filter_shape, dimension_numbers)
    # (dimension numbers that are not permutations reach the convolution, whose error names them)
    channels = lhs.shape[dn.lhs_spec[1]] if sorted(dn.lhs_spec) == list(range(lhs.ndim)) else 1
    size = math.prod(filter_shape)
    # kernel (C * size, 1, *filter_shape), out-feature c * size + j picking window element j of feature c
    one_hot = np.eye(size, dtype=lhs.dtype).reshape((size, 1) + filter_shape)
    kernel = np.tile(one_hot, (channels,) + (1,) * (lhs.ndim - 1))
    dn = ConvDimensionNumbers(dn.lhs_spec, tuple(range(lhs.ndim)), dn.out_spec)
    return conv_general_dilated(lhs, kernel, window_strides, padding, lhs_dilation, rhs_dilation, dn,
                                feature_group_count=channels, preferred_element_type=preferred_element_type)


def conv_general_dilated_local(lhs: ArrayLike, rhs: ArrayLike, window_strides: Sequence[int], padding: Padding,
                               filter_shape: Sequence[int], lhs_dilation: Sequence[int] | None = None,
                               rhs_dilation: Sequence[int] | None = None, dimension_numbers: Any = None,
                               precision: Any = None) -> Array:
    """A convolution with its own kernel at each output position (a locally connected layer).

    `rhs` is laid out as `dimension_numbers[1]` says, but its spatial axes are the output's
    positions and its in-feature axis holds, for each input feature, the window of spatial
    shape `filter_shape` (row-major, in the kernel layout's spatial order): the feature axis of
    `conv_general_dilated_patches`, which this contracts with `rhs` position by position. The
    other arguments are those of `conv_general_dilated_patches`; `precision` is ignored.

    >>> import fluxion.numpy as fnp
    >>> x = fnp.arange(4.0).reshape(1, 1, 4)  # windows [0, 1] and [2, 3]
    >>> w = fnp.asarray([[[1.0, -1.0], [10.0, 0.0]]])  # (O, I: window element, W: output position)
    >>> conv_general_dilated_local(x, w, (2,), "VALID", (2,)).tolist()
    [[[10.0, -2.0]]]
    """
    lhs = as_array(lhs)
    patches = conv_general_dilated_patches(lhs, filter_shape, window_strides, padding, lhs_dilation, rhs_dilation,
                                           dimension_numbers)
    dn = conv_dimension_numbers(lhs.shape, (1, 1) + tuple(filter_shape), dimension_numbers)
    n = lhs.ndim - 2
    # the output positions pair up with rhs's spatial axes, taken in the order they have in the output
    pairs = sorted(zip(dn.out_spec[2:], dn.rhs_spec[2:]))
    out = dot_general(patches, rhs, (((dn.out_spec[1],), (dn.rhs_spec[1],)),
                                     ([p for p, _ in pairs], [r for _, r in pairs])))
    # out is (positions..., batch, out feature): put batch and feature where the output layout has them
    positions = iter(range(n))
    return transpose(out, [n if i == dn.out_spec[0] else n + 1 if i == dn.out_spec[1] else next(positions)
                           for i in range(n + 2)])
