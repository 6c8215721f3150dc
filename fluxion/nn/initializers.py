"""fluxion.nn.initializers: weight initializers with jax.nn.initializers' names, arguments and
conventions. Each factory returns `init(key, shape, dtype=<the factory's dtype>)`, a pure
function of an explicit key.

Fans follow jax's convention for a weight of `shape`: `in_axis`, `out_axis` and `batch_axis`
(an int or a sequence of ints) name the input, output and batch axes; the receptive field size
is size(shape) / (in_size * out_size * batch_size), and fan_in = in_size * receptive field,
fan_out = out_size * receptive field. A dense (in, out) kernel has fans (in, out); a
convolution kernel (h, w, in, out) has fans (h w in, h w out).

>>> import fluxion as fx, fluxion.nn as nn
>>> w = nn.initializers.glorot_uniform()(fx.random.key(0), (3, 4))
>>> w.shape, str(w.dtype)
((3, 4), 'float32')
"""
from __future__ import annotations

import math
import operator
from typing import Any, Protocol, Sequence, Union

import numpy as np

from .. import numpy as fnp
from .. import random
from ..core import dtypes
from ..core.array import Array
from ..core.errors import DTypeError, ShapeError, op_error
from ..ops import elementwise as E
from ..ops._util import one_int
from ..random._util import canonical_shape

__all__ = ["Initializer", "constant", "delta_orthogonal", "glorot_normal", "glorot_uniform", "he_normal",
           "he_uniform", "kaiming_normal", "kaiming_uniform", "lecun_normal", "lecun_uniform", "normal", "ones",
           "orthogonal", "truncated_normal", "uniform", "variance_scaling", "xavier_normal", "xavier_uniform",
           "zeros"]

Axes = Union[int, Sequence[int]]
_OP = "nn.initializers"


class Initializer(Protocol):
    """What the factories return: `init(key, shape, dtype) -> Array`."""

    def __call__(self, key: Array, shape: Sequence[int], dtype: Any = ...) -> Array:
        ...


def _shape(name: str, shape) -> tuple[int, ...]:
    return canonical_shape(f"{_OP}.{name}", shape)


def _inexact(name: str, dtype, complex_ok: bool = True, fix: str = "pass dtype=fnp.float32 (or another float dtype)"
             ) -> np.dtype:
    dt = dtypes.canonicalize(dtype)
    if dt not in (dtypes.FLOATING if complex_ok else dtypes.REAL_FLOATING):
        kinds = "floating-point or complex" if complex_ok else "real floating-point"
        raise op_error(DTypeError, f"{_OP}.{name}", f"dtype {dt} is not a {kinds} dtype", fix)
    return dt


def zeros(key: Array, shape: Sequence[int], dtype: Any = dtypes.float32) -> Array:
    """An array of zeros (the key is unused).

    >>> import fluxion as fx, fluxion.nn as nn
    >>> nn.initializers.zeros(fx.random.key(0), (2,)).tolist()
    [0.0, 0.0]
    """
    return fnp.zeros(_shape("zeros", shape), dtype)


def ones(key: Array, shape: Sequence[int], dtype: Any = dtypes.float32) -> Array:
    """An array of ones (the key is unused).

    >>> import fluxion as fx, fluxion.nn as nn
    >>> nn.initializers.ones(fx.random.key(0), (2,)).tolist()
    [1.0, 1.0]
    """
    return fnp.ones(_shape("ones", shape), dtype)


def constant(value, dtype: Any = dtypes.float32) -> Initializer:
    """An initializer filling arrays with `value`.

    >>> import fluxion as fx, fluxion.nn as nn
    >>> nn.initializers.constant(-0.5)(fx.random.key(0), (2,)).tolist()
    [-0.5, -0.5]
    """
    def init(key, shape, dtype=dtype):
        return fnp.full(_shape("constant", shape), value, dtype)
    return init


def normal(stddev: float = 1e-2, dtype: Any = dtypes.float32) -> Initializer:
    """An initializer drawing from N(0, stddev**2) (complex dtypes: E|x|**2 = stddev**2).

    >>> import fluxion as fx, fluxion.nn as nn
    >>> w = nn.initializers.normal(2.0)(fx.random.key(0), (10000,))
    >>> 1.9 < float(w.std()) < 2.1
    True
    """
    def init(key, shape, dtype=dtype):
        return random.normal(key, _shape("normal", shape), _inexact("normal", dtype)) * stddev
    return init


def uniform(scale: float = 1e-2, dtype: Any = dtypes.float32) -> Initializer:
    """An initializer drawing uniformly from [0, scale).

    >>> import fluxion as fx, fluxion.nn as nn
    >>> w = nn.initializers.uniform(3.0)(fx.random.key(0), (100,))
    >>> bool(((w >= 0) & (w < 3)).all())
    True
    """
    def init(key, shape, dtype=dtype):
        return random.uniform(key, _shape("uniform", shape), _inexact("uniform", dtype, False), 0.0, scale)
    return init


def truncated_normal(stddev: float = 1e-2, dtype: Any = dtypes.float32, lower: float = -2.0,
                     upper: float = 2.0) -> Initializer:
    """An initializer drawing stddev * z for z standard normal truncated to (lower, upper) (so the
    samples' standard deviation is below `stddev`).

    >>> import fluxion as fx, fluxion.nn as nn
    >>> w = nn.initializers.truncated_normal(1.0)(fx.random.key(0), (100,))
    >>> bool((abs(w) < 2).all())
    True
    """
    def init(key, shape, dtype=dtype):
        dt = _inexact("truncated_normal", dtype, False)
        return random.truncated_normal(key, lower, upper, _shape("truncated_normal", shape), dt) * stddev
    return init


# variance scaling -----------------------------------------------------------------------------------------
def _axes_size(name: str, shape: tuple[int, ...], axes: Axes, what: str) -> int:
    axes = (axes,) if one_int(axes) else tuple(axes)
    for a in axes:
        if not -len(shape) <= operator.index(a) < len(shape):
            raise op_error(ShapeError, f"{_OP}.{name}", f"{what} {a} is out of range for shape {shape}",
                           f"pass a {what} between {-len(shape)} and {len(shape) - 1}")
    return math.prod(shape[a] for a in axes)


def _fans(name: str, shape: tuple[int, ...], in_axis: Axes, out_axis: Axes, batch_axis: Axes) -> tuple[float, float]:
    """(fan_in, fan_out) of a weight of `shape`, with jax's conventions (see the module docstring)."""
    if len(shape) < 2 and isinstance(in_axis, int) and in_axis == -2:
        raise op_error(ShapeError, f"{_OP}.{name}",
                       f"the default in_axis=-2 needs a weight of at least 2 dimensions, got shape {shape}",
                       "pass a 2-d or larger shape, or name the axes with in_axis= and out_axis=")
    in_size = _axes_size(name, shape, in_axis, "in_axis")
    out_size = _axes_size(name, shape, out_axis, "out_axis")
    batch_size = _axes_size(name, shape, batch_axis, "batch_axis")
    sizes = in_size * out_size * batch_size
    receptive_field = math.prod(shape) / sizes if sizes else 0.0  # an empty weight: nothing to scale
    return in_size * receptive_field, out_size * receptive_field


_DENOMINATORS = {"fan_in": lambda fan_in, fan_out: fan_in, "fan_out": lambda fan_in, fan_out: fan_out,
                 "fan_avg": lambda fan_in, fan_out: (fan_in + fan_out) / 2,
                 "fan_geo_avg": lambda fan_in, fan_out: math.sqrt(fan_in * fan_out)}

# the standard deviation of a standard normal truncated to (-2, 2)
_TRUNCATED_STD = math.sqrt(1 - 4 * math.exp(-2) / math.sqrt(2 * math.pi) / math.erf(2 / math.sqrt(2)))


# of a complex standard normal (E|z|**2 = 1, so |z|**2 is exponential) truncated to |z| <= 2
_COMPLEX_TRUNCATED_STD = math.sqrt(1 - 4 * math.exp(-4) / -math.expm1(-4))


def _draw_normal(key, shape, dt, variance):
    return random.normal(key, shape, dt) * math.sqrt(variance)


def _draw_truncated_normal(key, shape, dt, variance):
    if dt in dtypes.COMPLEX:  # the modulus by the inverse of its distribution function, truncated; any angle
        z = _polar(key, shape, dt, lambda u: fnp.sqrt(-fnp.log1p(u * math.expm1(-4))))
        return z * (math.sqrt(variance) / _COMPLEX_TRUNCATED_STD)
    return random.truncated_normal(key, -2.0, 2.0, shape, dt) * (math.sqrt(variance) / _TRUNCATED_STD)


def _draw_uniform(key, shape, dt, variance):
    if dt in dtypes.COMPLEX:  # uniform on the disk of radius sqrt(2), where E|z|**2 = 1
        return _polar(key, shape, dt, lambda u: fnp.sqrt(2 * u)) * math.sqrt(variance)
    limit = math.sqrt(3 * variance)
    return random.uniform(key, shape, dt, -limit, limit)


def _polar(key, shape, dt, modulus):
    """Complex values of modulus `modulus(u)` for u uniform on [0, 1), at uniform angles."""
    for_modulus, for_angle = random.split(key)
    real = fnp.finfo(dt).dtype
    r, angle = modulus(random.uniform(for_modulus, shape, real)), 2 * math.pi * random.uniform(for_angle, shape, real)
    return E.complex_p.bind(r * fnp.cos(angle), r * fnp.sin(angle))


_DISTRIBUTIONS = {"normal": _draw_normal, "truncated_normal": _draw_truncated_normal, "uniform": _draw_uniform}


def variance_scaling(scale: float, mode: str, distribution: str, in_axis: Axes = -2, out_axis: Axes = -1,
                     batch_axis: Axes = (), dtype: Any = dtypes.float32) -> Initializer:
    """An initializer with variance scale / n, where n is fan_in, fan_out, their mean
    (`mode="fan_avg"`) or their geometric mean (`"fan_geo_avg"`).

    `distribution` is "truncated_normal" (a normal truncated to two standard deviations, scaled
    so that the variance is still scale / n), "normal", or "uniform" (on [-limit, limit) with
    limit = sqrt(3 scale / n)); for complex dtypes, E|w|**2 is scale / n, the uniform one on a disk.

    >>> import fluxion as fx, fluxion.nn as nn
    >>> init = nn.initializers.variance_scaling(2.0, "fan_in", "normal")
    >>> w = init(fx.random.key(0), (200, 300))
    >>> 0.0095 < float(w.var()) < 0.0105
    True
    """
    if mode not in _DENOMINATORS:
        raise op_error(ValueError, f"{_OP}.variance_scaling", f"mode {mode!r} is not one of {list(_DENOMINATORS)}",
                       "pass mode='fan_in', 'fan_out', 'fan_avg' or 'fan_geo_avg'")
    if distribution not in _DISTRIBUTIONS:
        raise op_error(ValueError, f"{_OP}.variance_scaling",
                       f"distribution {distribution!r} is not one of {list(_DISTRIBUTIONS)}",
                       "pass distribution='truncated_normal', 'normal' or 'uniform'")

    def init(key, shape, dtype=dtype):
        shape = _shape("variance_scaling", shape)
        dt = _inexact("variance_scaling", dtype)
        denominator = _DENOMINATORS[mode](*_fans("variance_scaling", shape, in_axis, out_axis, batch_axis))
        # a zero fan means an empty weight
        return _DISTRIBUTIONS[distribution](key, shape, dt, scale / denominator if denominator else 0.0)
    return init


def _preset(name: str, title: str, scale: float, mode: str, distribution: str):
    """One of the named forms of `variance_scaling`."""
    def init(in_axis: Axes = -2, out_axis: Axes = -1, batch_axis: Axes = (),
             dtype: Any = dtypes.float32) -> Initializer:
        return variance_scaling(scale, mode, distribution, in_axis, out_axis, batch_axis, dtype)
    init.__name__ = init.__qualname__ = name
    init.__doc__ = f"""{title}: `variance_scaling({scale}, "{mode}", "{distribution}", ...)`.

    >>> import fluxion as fx, fluxion.nn as nn
    >>> nn.initializers.{name}()(fx.random.key(0), (3, 4)).shape
    (3, 4)
    """
    return init


glorot_uniform = _preset("glorot_uniform", "Glorot (Xavier) uniform", 1.0, "fan_avg", "uniform")
glorot_normal = _preset("glorot_normal", "Glorot (Xavier) normal", 1.0, "fan_avg", "truncated_normal")
lecun_uniform = _preset("lecun_uniform", "LeCun uniform", 1.0, "fan_in", "uniform")
lecun_normal = _preset("lecun_normal", "LeCun normal", 1.0, "fan_in", "truncated_normal")
he_uniform = _preset("he_uniform", "He (Kaiming) uniform", 2.0, "fan_in", "uniform")
he_normal = _preset("he_normal", "He (Kaiming) normal", 2.0, "fan_in", "truncated_normal")
xavier_uniform, xavier_normal = glorot_uniform, glorot_normal
kaiming_uniform, kaiming_normal = he_uniform, he_normal


# orthogonal -----------------------------------------------------------------------------------------------
def orthogonal(scale: float = 1.0, column_axis: int = -1, dtype: Any = dtypes.float32) -> Initializer:
    """An initializer of Haar-random orthogonal weights times `scale`: the weight, seen as a
    matrix with the `column_axis` as its columns and all other axes as its rows, has
    orthonormal columns (or rows, if it has fewer rows than columns).

    >>> import fluxion as fx, fluxion.numpy as fnp, fluxion.nn as nn
    >>> w = nn.initializers.orthogonal()(fx.random.key(0), (4, 3))
    >>> bool(fnp.allclose(w.T @ w, fnp.eye(3), atol=1e-5))
    True
    """
    def init(key, shape, dtype=dtype):
        shape = _shape("orthogonal", shape)
        dt = _inexact("orthogonal", dtype)
        if len(shape) < 2:
            raise op_error(ShapeError, f"{_OP}.orthogonal", f"shape {shape} has fewer than 2 dimensions",
                           "pass a shape of 2 or more dimensions, e.g. (fan_in, fan_out)")
        axis = column_axis % len(shape) if -len(shape) <= column_axis < len(shape) else None
        if axis is None:
            raise op_error(ShapeError, f"{_OP}.orthogonal", f"column_axis {column_axis} is out of range for {shape}",
                           f"pass a column_axis between {-len(shape)} and {len(shape) - 1}")
        rows = shape[:axis] + shape[axis + 1:]
        matrix = random.orthogonal(key, math.prod(rows), (), dt, m=shape[axis])
        return fnp.moveaxis(fnp.reshape(matrix, rows + (shape[axis],)), -1, axis) * scale
    return init


def delta_orthogonal(scale: float = 1.0, column_axis: int = -1, dtype: Any = dtypes.float32) -> Initializer:
    """An initializer of convolution kernels (3-, 4- or 5-d, (*spatial, in, out) with in <= out)
    that are zero but at the spatial centre, where they hold an orthogonal (in, out) matrix
    times `scale` (Xiao et al., "Dynamical isometry and a mean field theory of CNNs", 2018).

    >>> import fluxion as fx, fluxion.nn as nn
    >>> w = nn.initializers.delta_orthogonal()(fx.random.key(0), (3, 3, 2, 2))
    >>> float(abs(w[0]).sum()), w[1, 1].shape
    (0.0, (2, 2))
    """
    def init(key, shape, dtype=dtype):
        shape = _shape("delta_orthogonal", shape)
        if len(shape) not in (3, 4, 5):
            raise op_error(ShapeError, f"{_OP}.delta_orthogonal", f"shape {shape} is not 3-, 4- or 5-dimensional",
                           "pass a convolution kernel shape (*spatial, in, out) with 1 to 3 spatial axes")
        if shape[-2] > shape[-1]:
            raise op_error(ShapeError, f"{_OP}.delta_orthogonal",
                           f"the kernel has more input channels ({shape[-2]}) than output channels ({shape[-1]})",
                           "use in_channels <= out_channels, or another initializer")
        centre = tuple((k - 1) // 2 for k in shape[:-2])
        matrix = orthogonal(scale, column_axis, dtype)(key, shape[-2:])
        return fnp.zeros(shape, matrix.dtype).at[centre].set(matrix)
    return init
