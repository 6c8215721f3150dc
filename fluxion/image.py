"""fluxion.image: resampling of images (arrays of any rank), as `jax.image`.

Pixels have half-pixel centres: pixel i of a dimension covers [i, i + 1) and is sampled at
i + 1/2. Kernel methods resample one dimension at a time with a dense weight matrix of shape
(input size, output size): output pixel j reads input pixel i with weight k((s_j - i) / w),
where s_j = (j + 1/2 - translation) / scale - 1/2 is the sample position, k the kernel and w
the kernel's width factor (1, or 1 / scale when downsampling with `antialias`). "area" instead
weighs input pixel i by the length of its overlap with output pixel j's interval mapped back to
the input, [(j - translation) / scale, (j + 1 - translation) / scale]. Each column is
normalised to sum to 1, and an output pixel whose sample position lies outside the image
(beyond half a pixel past its edges) is 0. The exception is "cubic-pytorch" without
`antialias`, which pads the image by repeating its edge pixels, as PyTorch does: taps up to
the kernel's radius past an edge are moved onto the edge pixel, and nothing is zeroed. Being
built from fluxion.numpy operations, every function differentiates (in the image, and in
`scale` and `translation`), batches under `fx.vmap` and compiles under `fx.jit`.

>>> import fluxion.numpy as fnp
>>> from fluxion import image
>>> image.resize(fnp.asarray([0.0, 1.0]), (4,), "linear").tolist()
[0.0, 0.25, 0.75, 1.0]
"""
from __future__ import annotations

import enum
import operator
from collections.abc import Sequence

import numpy as np

from . import numpy as fnp
from .core.array import Array
from .core.errors import ConcretizationError, ShapeError, op_error

__all__ = ["ResizeMethod", "resize", "scale_and_translate"]


class ResizeMethod(enum.Enum):
    """The resampling methods of `resize` and `scale_and_translate` (jax's names and values).

    >>> from fluxion.image import ResizeMethod
    >>> ResizeMethod.from_string("bicubic")
    <ResizeMethod.CUBIC: 4>
    """

    NEAREST = 0
    LINEAR = 1
    LANCZOS3 = 2
    LANCZOS5 = 3
    CUBIC = 4
    CUBIC_PYTORCH = 5
    AREA = 6

    @staticmethod
    def from_string(s: str) -> ResizeMethod:
        """The method named `s`: one of jax's names ("nearest", "linear", "bilinear",
        "trilinear", "triangle", "lanczos3", "lanczos5", "cubic", "bicubic", "tricubic",
        "cubic-pytorch", "bicubic-pytorch", "area").

        >>> from fluxion.image import ResizeMethod
        >>> ResizeMethod.from_string("trilinear")
        <ResizeMethod.LINEAR: 1>
        """
        method = _NAMES.get(s)
        if method is None:
            raise op_error(ValueError, "ResizeMethod.from_string", f"unknown resize method {s!r}",
                           f"pass one of {sorted(_NAMES)} or a ResizeMethod member")
        return method


_NAMES = {"nearest": ResizeMethod.NEAREST, "linear": ResizeMethod.LINEAR, "bilinear": ResizeMethod.LINEAR,
          "trilinear": ResizeMethod.LINEAR, "triangle": ResizeMethod.LINEAR, "lanczos3": ResizeMethod.LANCZOS3,
          "lanczos5": ResizeMethod.LANCZOS5, "cubic": ResizeMethod.CUBIC, "bicubic": ResizeMethod.CUBIC,
          "tricubic": ResizeMethod.CUBIC, "cubic-pytorch": ResizeMethod.CUBIC_PYTORCH,
          "bicubic-pytorch": ResizeMethod.CUBIC_PYTORCH, "area": ResizeMethod.AREA}


def _triangle(x: Array) -> Array:
    return fnp.maximum(0.0, 1.0 - x)


def _cubic(a: float):
    """The cubic convolution kernel with parameter `a`, for x = |distance|: Keys' a = -1/2
    (Catmull-Rom, as Pillow and TensorFlow), or OpenCV's a = -3/4 (PyTorch's without antialiasing)."""
    def kernel(x: Array) -> Array:
        near = ((a + 2.0) * x - (a + 3.0)) * x * x + 1.0
        far = ((a * x - 5.0 * a) * x + 8.0 * a) * x - 4.0 * a
        return fnp.where(x <= 1.0, near, fnp.where(x < 2.0, far, 0.0))
    return kernel


def _lanczos(radius: int):
    def kernel(x: Array) -> Array:
        return fnp.where(x < radius, fnp.sinc(x) * fnp.sinc(x / radius), 0.0)
    return kernel


_KERNELS = {ResizeMethod.LINEAR: _triangle, ResizeMethod.CUBIC: _cubic(-0.5), ResizeMethod.CUBIC_PYTORCH: _cubic(-0.75),
            ResizeMethod.LANCZOS3: _lanczos(3), ResizeMethod.LANCZOS5: _lanczos(5)}


def _method(op: str, method) -> ResizeMethod:
    if isinstance(method, ResizeMethod):
        return method
    if isinstance(method, str):
        return ResizeMethod.from_string(method)
    if isinstance(method, enum.Enum) and method.name in ResizeMethod.__members__:
        return ResizeMethod[method.name]  # another library's member of the same name (jax.image.ResizeMethod)
    raise op_error(TypeError, op, f"method must be a string or a ResizeMethod, got {method!r}",
                   "pass e.g. method='linear' or method=fluxion.image.ResizeMethod.LINEAR")


def _output_shape(op: str, image: Array, shape) -> tuple[int, ...]:
    """`shape` as a tuple of ints, checked against `image`'s rank; negative sizes are refused."""
    try:
        shape = tuple(operator.index(n) for n in shape)
    except ConcretizationError:  # (its message names static_argnums)
        raise
    except TypeError:
        raise op_error(TypeError, op, f"shape must be a sequence of integers, got {shape!r}",
                       "pass the output shape as a tuple of Python ints") from None
    if len(shape) != image.ndim:
        raise op_error(ShapeError, op, f"shape {shape} has {len(shape)} dimensions, the image {image.shape} "
                       f"has {image.ndim}", "give one output size per image dimension, repeating the "
                       "size of batch and channel dimensions that do not change")
    if any(n < 0 for n in shape):
        raise op_error(ValueError, op, f"shape {shape} has a negative size", "pass sizes >= 0")
    for d, (m, n) in enumerate(zip(image.shape, shape)):
        if m == 0 and n > 0:
            raise op_error(ShapeError, op, f"dimension {d} of the image is empty, so it cannot be resampled "
                           f"to size {n}", f"keep shape[{d}] = 0 or pass a non-empty image")
    return shape


def _dtypes(image: Array):
    """(dtype the arithmetic runs in, dtype of the result) for kernel methods: integer and bool
    images give float32, as in jax; 16-bit floats are computed in float32 and rounded once."""
    out = image.dtype if fnp.issubdtype(image.dtype, fnp.inexact) else fnp.dtype(fnp.float32)
    return fnp.result_type(out, fnp.float32), out


def _weights(in_size: int, out_size: int, scale, translation, method: ResizeMethod, antialias: bool,
             dtype) -> Array:
    """The (in_size, out_size) matrix that resamples one dimension (see the module docstring)."""
    if method is ResizeMethod.CUBIC_PYTORCH and antialias:
        method = ResizeMethod.CUBIC  # PyTorch's antialiased bicubic uses Keys' kernel, like "cubic"
    edge_padded = method is ResizeMethod.CUBIC_PYTORCH
    inv_scale = 1.0 / fnp.asarray(scale, dtype=dtype)  # (a Python float would make `width` float32)
    sample = (fnp.arange(out_size, dtype=dtype) + 0.5 - translation) * inv_scale - 0.5
    if method is ResizeMethod.AREA:
        left = (fnp.arange(out_size, dtype=dtype) - translation) * inv_scale
        i = fnp.arange(in_size, dtype=dtype)[:, None]
        w = fnp.maximum(0.0, fnp.minimum(left + inv_scale, i + 1.0) - fnp.maximum(left, i))
    else:
        pad = 2 if edge_padded else 0  # the cubic kernel's radius
        width = fnp.maximum(inv_scale, 1.0) if antialias else 1.0
        taps = np.arange(-pad, in_size + pad)
        w = _KERNELS[method](fnp.abs(sample[None, :] - fnp.asarray(taps, dtype=dtype)[:, None]) / width)
        if pad:
            # a tap past an edge reads the edge pixel (the image is padded by repeating it)
            fold = np.clip(taps, 0, in_size - 1)[None, :] == np.arange(in_size)[:, None]
            w = fnp.asarray(fold, dtype=dtype) @ w
    total = fnp.sum(w, axis=0, keepdims=True)
    # a column that (nearly) cancels out has no meaningful normalisation: it gives 0
    w = fnp.where(fnp.abs(total) > 1000 * fnp.finfo(dtype).eps, w / fnp.where(total != 0, total, 1.0), 0.0)
    if edge_padded:
        return w
    inside = (sample >= -0.5) & (sample <= in_size - 0.5)
    return fnp.where(inside[None, :], w, 0.0)


def _resample(image: Array, dim: int, w: Array) -> Array:
    """`image` with dimension `dim` contracted against the rows of `w`."""
    return fnp.moveaxis(fnp.tensordot(image, w.astype(image.dtype), axes=([dim], [0])), -1, dim)


def _resize_nearest(image: Array, shape: tuple[int, ...]) -> Array:
    for d, (m, n) in enumerate(zip(image.shape, shape)):
        if m != n:
            # the input pixel containing output centre (j + 1/2) m / n, in exact integer arithmetic
            index = (2 * np.arange(n) + 1) * m // (2 * n)
            image = fnp.take(image, index, axis=d)
    return image


def resize(image, shape: Sequence[int], method: str | ResizeMethod, antialias: bool = True,
           precision=None) -> Array:
    """`image` resampled to `shape`, every dimension whose size changes (batch and channel
    dimensions keep their size and are left alone).

    Args:
        image: an array of any rank.
        shape: the output shape, one size per dimension of `image`.
        method: a `ResizeMethod` or its name: "nearest" (the input pixel containing the
            output pixel's centre), "linear" (also "bilinear", "trilinear", "triangle"),
            "cubic" (Keys, a = -1/2; also "bicubic", "tricubic"), "lanczos3", "lanczos5",
            "cubic-pytorch" (also "bicubic-pytorch": "cubic" with `antialias`, else as
            PyTorch's bicubic interpolate: a = -3/4 and edge padding), "area" (the average
            of the input over the output pixel's area; a box filter when upsampling).
        antialias: when downsampling with a kernel method, widen the kernel by the
            downsampling factor so that it averages instead of skipping pixels. Ignored by
            "nearest", "area" and when upsampling.
        precision: accepted for jax compatibility; fluxion's contractions run at full precision.

    Returns:
        The resized array: `image`'s dtype for "nearest"; for kernel methods a floating dtype
        (`image`'s if it is floating or complex, float32 for integer and bool images, whose
        results are not rounded).

    >>> import fluxion.numpy as fnp
    >>> from fluxion.image import resize
    >>> resize(fnp.asarray([[0.0, 4.0], [8.0, 12.0]]), (2, 1), "linear").tolist()
    [[2.0], [10.0]]
    >>> resize(fnp.asarray([1, 2, 3]), (6,), "nearest").tolist()
    [1, 1, 2, 2, 3, 3]
    """
    del precision
    image = fnp.asarray(image)
    method = _method("resize", method)
    shape = _output_shape("resize", image, shape)
    if method is ResizeMethod.NEAREST:
        return _resize_nearest(image, shape)
    compute, out = _dtypes(image)
    if 0 in shape:
        return fnp.zeros(shape, out)
    image = image.astype(compute)
    real = fnp.finfo(compute).dtype
    for d, (m, n) in enumerate(zip(image.shape, shape)):
        if m != n:
            w = _weights(m, n, n / m, 0.0, method, antialias, real)
            image = _resample(image, d, w)
    return image.astype(out)


def scale_and_translate(image, shape: Sequence[int], spatial_dims: Sequence[int], scale, translation,
                        method: str | ResizeMethod, antialias: bool = True, precision=None) -> Array:
    """`image` resampled to `shape` under the map x -> x * scale + translation of each spatial
    dimension, with half-pixel centres (the output pixel j samples the input at
    (j + 1/2 - translation) / scale - 1/2). Output pixels that sample outside the input are 0.

    Args:
        image: an array of any rank.
        shape: the output shape, one size per dimension of `image`; dimensions not in
            `spatial_dims` must keep their size.
        spatial_dims: the K dimensions to transform (negative values count from the end).
        scale: K scale factors (an array or sequence; differentiable).
        translation: K translations, in output pixels (an array or sequence; differentiable).
        method: "linear", "cubic", "lanczos3", "lanczos5", "cubic-pytorch" or "area" (or a
            `ResizeMethod`, or one of their other names; see `resize`); "nearest" is not
            supported, as in jax.
        antialias: when downsampling (|scale| < 1), widen the kernel by 1 / scale.
        precision: accepted for jax compatibility; fluxion's contractions run at full precision.

    Returns:
        The resampled array, in `image`'s floating dtype (float32 for integer and bool images).

    >>> import fluxion.numpy as fnp
    >>> from fluxion.image import scale_and_translate
    >>> scale_and_translate(fnp.asarray([0.0, 1.0, 2.0, 3.0]), (4,), (0,), [1.0], [1.0], "linear").tolist()
    [0.0, 0.0, 1.0, 2.0]
    """
    del precision
    op = "scale_and_translate"
    image = fnp.asarray(image)
    method = _method(op, method)
    if method is ResizeMethod.NEAREST:
        raise op_error(NotImplementedError, op, "method 'nearest' is not supported (as in jax)",
                       "use fluxion.image.resize for nearest-neighbour resizing, or method='linear'")
    shape = _output_shape(op, image, shape)
    dims = []
    for d in spatial_dims:
        if not -image.ndim <= d < image.ndim:
            raise op_error(ShapeError, op, f"spatial dimension {d} is outside the image's {image.ndim} dimensions",
                           f"pass spatial_dims in [{-image.ndim}, {image.ndim})")
        dims.append(d % image.ndim)
    if len(set(dims)) < len(dims):
        raise op_error(ValueError, op, f"spatial_dims {tuple(spatial_dims)} names a dimension twice",
                       "name each dimension to transform once")
    for d, (m, n) in enumerate(zip(image.shape, shape)):
        if m != n and d not in dims:
            raise op_error(ShapeError, op, f"shape[{d}] = {n} differs from the image's size {m}, but dimension {d} "
                           f"is not in spatial_dims {tuple(spatial_dims)}",
                           f"add {d} to spatial_dims or pass shape[{d}] = {m}")
    compute, out = _dtypes(image)
    real = fnp.finfo(compute).dtype
    scale, translation = fnp.asarray(scale, dtype=real), fnp.asarray(translation, dtype=real)
    if scale.shape != (len(dims),) or translation.shape != (len(dims),):
        raise op_error(ShapeError, op, f"scale {scale.shape} and translation {translation.shape} must both have "
                       f"shape ({len(dims)},)", "pass one scale and one translation per entry of spatial_dims")
    if 0 in shape:
        return fnp.zeros(shape, out)
    image = image.astype(compute)
    for k, d in enumerate(dims):
        w = _weights(image.shape[d], shape[d], scale[k], translation[k], method, antialias, real)
        image = _resample(image, d, w)
    return image.astype(out)
