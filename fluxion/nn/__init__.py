"""fluxion.nn: the activation functions and helpers of neural networks, with jax.nn's names,
arguments and values (softmax over the last axis by default, `gelu` in its tanh form by default,
`relu`'s derivative 0 at 0).

Each is written with fluxion.numpy, so it is differentiable to any order, batches and compiles.
The saturating ones are written so that neither values nor derivatives overflow: `softplus(x)`
is `logaddexp(x, 0)`, `log_sigmoid(x)` is `-softplus(-x)`. `nn.initializers` holds the weight
initializers of jax.nn.initializers.

>>> import fluxion.numpy as fnp, fluxion.nn as nn
>>> nn.relu(fnp.asarray([-1.0, 2.0])).tolist()
[0.0, 2.0]
"""
from __future__ import annotations

import math
import operator

import numpy as np

from . import initializers as initializers
from .. import numpy as fnp
from ..backends.numpy._loops import filled
from ..core import dtypes
from ..core.array import Array
from ..core.errors import ShapeError, op_error
from ..core.interpreters import EAGER, _ctx
from ..core.primitive import numpy_kernel
from ..ops import elementwise as E
from ..ops._util import axis_index
from ..numpy._convert import promote_inexact
from ..numpy._elementwise_base import eager_array
from ._attention import dot_product_attention
from ..scipy import special as _special

__all__ = ["celu", "dot_product_attention", "elu", "gelu", "glu", "hard_sigmoid", "hard_silu", "hard_swish",
           "hard_tanh", "identity", "initializers", "leaky_relu", "log1mexp", "log_sigmoid", "log_softmax",
           "logmeanexp", "logsumexp", "mish", "one_hot", "relu", "relu6", "selu", "sigmoid", "silu", "soft_sign",
           "softmax", "softplus", "sparse_plus", "sparse_sigmoid", "squareplus", "standardize", "swish", "tanh"]

logsumexp = _special.logsumexp
tanh = fnp.tanh
_RELU_ZEROS = {dt: np.zeros((), dt) for dt in (dtypes.float32, dtypes.float64, dtypes.int32, dtypes.int64)}
_REAL = frozenset((dtypes.float32, dtypes.float64))
_FLOATING = frozenset(dtypes.FLOATING)
_GELU_SCALE = 2 * math.sqrt(2 / math.pi)


def _eager_real(x) -> np.ndarray | None:
    """The value of `x` if it is an eager float32 or float64 Array, which the fast paths below
    take: there the general path's kernels, called on it in the same order, give its result."""
    if x.__class__ is Array and _ctx.interp is EAGER and x._value.dtype in _REAL:
        return x._value
    return None


def _float(name: str, x):
    if x.__class__ is Array and x._value.dtype in _FLOATING:  # kept fast: promotion keeps it as it is
        return x
    return promote_inexact(name, x)[0]


def relu(x):
    """max(x, 0) (NaN stays NaN); its derivative at 0 is 0.

    >>> import fluxion.numpy as fnp, fluxion.nn as nn
    >>> nn.relu(fnp.asarray([-2, 0, 3])).tolist()
    [0, 0, 3]
    """
    if x.__class__ is Array and _ctx.interp is EAGER and (zero := _RELU_ZEROS.get((v := x._value).dtype)) is not None:
        # kept fast: the general path's selection of 0 where x <= 0, as NumPy's maximum with 0
        # (NaN kept), to which adding 0 turns a -0.0 into its 0.0; strong, as its zeros are (a
        # 0-d zero: NumPy takes a scalar operand of an in-place ufunc the slow way; a large float
        # array meets it filled to its shape, see `filled`)
        out = filled(np.maximum, v, zero) if v.dtype.kind == "f" else np.maximum(v, zero)
        out += zero
        return eager_array(out, False)
    x = fnp.asarray(x)
    if x.dtype == dtypes.bool_:  # as max(x, 0): a bool promotes with the weak 0 to an integer
        x = x + 0
    return fnp.where(x <= 0, fnp.zeros_like(x), x)


def relu6(x):
    """min(max(x, 0), 6.0), in floating point (integers and bools promote as with the weak 6.0);
    derivative 0 at 0 and at 6.

    >>> import fluxion.numpy as fnp, fluxion.nn as nn
    >>> nn.relu6(fnp.asarray([-1.0, 3.0, 9.0])).tolist()
    [0.0, 3.0, 6.0]
    """
    x = _float("relu6", x)
    return fnp.where(x <= 0, fnp.zeros_like(x), fnp.where(x >= 6, fnp.full_like(x, 6), x))


def sigmoid(x):
    """1 / (1 + exp(-x)).

    >>> import fluxion.nn as nn
    >>> nn.sigmoid(0.0).item()
    0.5
    """
    return _special.expit(x)


def softplus(x):
    """log(1 + exp(x)), as logaddexp(x, 0).

    >>> import fluxion.nn as nn
    >>> round(nn.softplus(0.0).item(), 4)
    0.6931
    """
    return fnp.logaddexp(_float("softplus", x), 0.0)


def log_sigmoid(x):
    """log(sigmoid(x)) = -softplus(-x), accurate for large |x|.

    >>> import fluxion.nn as nn
    >>> round(nn.log_sigmoid(0.0).item(), 4)
    -0.6931
    """
    return -softplus(-_float("log_sigmoid", x))


def soft_sign(x):
    """x / (|x| + 1).

    >>> import fluxion.nn as nn
    >>> nn.soft_sign(1.0).item()
    0.5
    """
    x = _float("soft_sign", x)
    return x / (fnp.abs(x) + 1)


def silu(x):
    """x * sigmoid(x) (also called swish).

    >>> import fluxion.nn as nn
    >>> nn.silu(0.0).item()
    0.0
    """
    x = _float("silu", x)
    return x * sigmoid(x)


swish = silu


def gelu(x, approximate: bool = True):
    """The Gaussian error linear unit x * Phi(x): with `approximate`, its tanh form
    0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x**3))), else exact through erf.

    >>> import fluxion.nn as nn
    >>> round(nn.gelu(1.0).item(), 4), round(nn.gelu(1.0, approximate=False).item(), 4)
    (0.8412, 0.8413)
    """
    if (v := _eager_real(x)) is not None:  # kept fast
        if approximate:
            z = np.multiply(_GELU_SCALE, np.add(v, np.multiply(0.044715, numpy_kernel[E.integer_pow_p](v, y=3))))
            return eager_array(np.multiply(v, numpy_kernel[E.logistic_p](z)), x._weak)
        erfc = numpy_kernel[E.erfc_p](np.true_divide(np.negative(v), math.sqrt(2)))
        return eager_array(np.multiply(np.multiply(0.5, v), erfc), x._weak)
    x = _float("gelu", x)
    if approximate:  # 1 + tanh(z) is 2 sigmoid(2 z), which does not cancel for negative x
        return x * sigmoid(_GELU_SCALE * (x + 0.044715 * x ** 3))
    return 0.5 * x * _special.erfc(-x / math.sqrt(2))  # 1 + erf(x), without its cancellation


def _negative_part(x, alpha, scale_inside: bool):
    """alpha * expm1(x) (or alpha * expm1(x / alpha)) for x <= 0, computed at 0 for x > 0 so that
    large positive x neither overflows nor gives NaN derivatives."""
    safe = fnp.where(x > 0, 0.0, x)
    return alpha * fnp.expm1(safe / alpha if scale_inside else safe)


def elu(x, alpha=1.0):
    """x for x > 0, alpha * (exp(x) - 1) otherwise.

    >>> import fluxion.nn as nn
    >>> round(nn.elu(-1.0).item(), 4)
    -0.6321
    """
    if (v := _eager_real(x)) is not None and alpha.__class__ is float:  # kept fast
        positive = np.greater(v, 0)
        negative = np.multiply(alpha, np.expm1(np.where(positive, v.dtype.type(0), v)))
        return eager_array(np.where(positive, v, negative), x._weak)
    x = _float("elu", x)
    return fnp.where(x > 0, x, _negative_part(x, alpha, False))


def celu(x, alpha=1.0):
    """x for x > 0, alpha * (exp(x / alpha) - 1) otherwise.

    >>> import fluxion.nn as nn
    >>> round(nn.celu(-1.0, alpha=2.0).item(), 4)
    -0.7869
    """
    x = _float("celu", x)
    return fnp.where(x > 0, x, _negative_part(x, alpha, True))


_SELU_ALPHA, _SELU_SCALE = 1.6732632423543772, 1.0507009873554805


def selu(x):
    """scale * elu(x, alpha) with the self-normalizing constants alpha = 1.67326..., scale = 1.05070....

    >>> import fluxion.nn as nn
    >>> round(nn.selu(1.0).item(), 4)
    1.0507
    """
    return _SELU_SCALE * elu(x, _SELU_ALPHA)


def leaky_relu(x, negative_slope=0.01):
    """x for x >= 0, negative_slope * x otherwise.

    >>> import fluxion.nn as nn
    >>> nn.leaky_relu(-2.0, 0.5).item()
    -1.0
    """
    if (v := _eager_real(x)) is not None and negative_slope.__class__ is float:  # kept fast
        return eager_array(np.where(np.greater_equal(v, 0), v, np.multiply(negative_slope, v)), x._weak)
    x = _float("leaky_relu", x)
    return fnp.where(x >= 0, x, negative_slope * x)


def hard_tanh(x):
    """x clipped to [-1, 1], in its own dtype (a bool promotes to an integer, as with the weak -1).

    >>> import fluxion.numpy as fnp, fluxion.nn as nn
    >>> nn.hard_tanh(fnp.asarray([-3.0, 0.5, 2.0])).tolist()
    [-1.0, 0.5, 1.0]
    """
    x = fnp.asarray(x)
    if x.dtype == dtypes.bool_:
        x = x + 0
    return fnp.where(x > 1, fnp.ones_like(x), fnp.where(x < -1, -fnp.ones_like(x), x))


def hard_sigmoid(x):
    """relu6(x + 3) / 6.

    >>> import fluxion.nn as nn
    >>> nn.hard_sigmoid(0.0).item()
    0.5
    """
    return relu6(_float("hard_sigmoid", x) + 3.0) / 6.0


def hard_silu(x):
    """x * hard_sigmoid(x) (also called hard_swish).

    >>> import fluxion.nn as nn
    >>> nn.hard_silu(3.0).item()
    3.0
    """
    x = _float("hard_silu", x)
    return x * hard_sigmoid(x)


hard_swish = hard_silu


def mish(x):
    """x * tanh(softplus(x)).

    >>> import fluxion.nn as nn
    >>> round(nn.mish(1.0).item(), 4)
    0.8651
    """
    x = _float("mish", x)
    return x * fnp.tanh(softplus(x))


def squareplus(x, b=4.0):
    """(x + sqrt(x**2 + b)) / 2, a smooth relu.

    >>> import fluxion.nn as nn
    >>> nn.squareplus(0.0).item()
    1.0
    """
    x = _float("squareplus", x)
    return (x + fnp.sqrt(x * x + b)) / 2


def sparse_plus(x):
    """0 for x <= -1, (x + 1)**2 / 4 for -1 < x < 1, x for x >= 1.

    >>> import fluxion.numpy as fnp, fluxion.nn as nn
    >>> nn.sparse_plus(fnp.asarray([-2.0, 0.0, 2.0])).tolist()
    [0.0, 0.25, 2.0]
    """
    x = _float("sparse_plus", x)
    return fnp.where(x <= -1, fnp.zeros_like(x), fnp.where(x >= 1, x, (x + 1) ** 2 / 4))


def sparse_sigmoid(x):
    """The derivative of sparse_plus: 0 for x <= -1, (x + 1) / 2 for -1 < x < 1, 1 for x >= 1.

    >>> import fluxion.numpy as fnp, fluxion.nn as nn
    >>> nn.sparse_sigmoid(fnp.asarray([-2.0, 0.0, 2.0])).tolist()
    [0.0, 0.5, 1.0]
    """
    return 0.5 * fnp.clip(_float("sparse_sigmoid", x) + 1, 0, 2)


def identity(x):
    """x itself: the activation that does nothing.

    >>> import fluxion.nn as nn
    >>> nn.identity(2.0)
    2.0
    """
    return x


def log1mexp(x):
    """log(1 - exp(-x)) for x >= 0, accurate near 0 and for large x (-inf at 0, NaN below).

    >>> import fluxion.nn as nn
    >>> round(nn.log1mexp(1.0).item(), 4)
    -0.4587
    """
    x = _float("log1mexp", x)
    small = x < math.log(2)  # log(-expm1(-x)) where exp(-x) is near 1, log1p(-exp(-x)) where it is small
    return fnp.where(small, fnp.log(-fnp.expm1(-fnp.where(small, x, 1.0))), fnp.log1p(-fnp.exp(-fnp.where(small, 1.0, x))))


def logmeanexp(x, axis=None, where=None, keepdims: bool = False):
    """log(mean(exp(x))) over `axis`, without overflow; entries where `where` is False take no part.

    >>> import fluxion.numpy as fnp, fluxion.nn as nn
    >>> nn.logmeanexp(fnp.asarray([0.0, 0.0])).item()
    0.0
    """
    x = _float("logmeanexp", x)
    ones = fnp.ones_like(x) if where is None else fnp.where(where, 1.0, 0.0).astype(x.dtype)
    count = fnp.sum(fnp.broadcast_to(ones, x.shape), axis=axis, keepdims=keepdims)
    return logsumexp(x, axis=axis, keepdims=keepdims, where=where) - fnp.log(count)


def glu(x, axis: int = -1):
    """Gated linear unit: the first half of `x` along `axis` times sigmoid of the second half.

    >>> import fluxion.numpy as fnp, fluxion.nn as nn
    >>> nn.glu(fnp.asarray([2.0, 0.0])).tolist()
    [1.0]
    """
    x = _float("glu", x)
    if x.ndim == 0:
        raise op_error(ShapeError, "glu", "a 0-d array has no axis to split in two halves",
                       "pass an array with an even length along axis")
    n = x.shape[axis_index("glu", axis, x.ndim)]
    if n % 2:
        raise op_error(ShapeError, "glu", f"axis {axis} of shape {x.shape} has odd length {n}, which does not "
                       "split in two halves", "pass an array with an even length along axis")
    a, b = fnp.split(x, 2, axis=axis)
    return a * sigmoid(b)


def _masked(x, where):
    return x if where is None else fnp.where(where, x, -math.inf)


def softmax(x, axis=-1, where=None):
    """exp(x) / sum(exp(x)) along `axis` (the last by default; None: all axes); entries where
    `where` is False take no part and come out 0.

    >>> import fluxion.numpy as fnp, fluxion.nn as nn
    >>> nn.softmax(fnp.asarray([0.0, 0.0])).tolist()
    [0.5, 0.5]
    """
    x = _float("softmax", x)
    if where is None:
        return _special.softmax(x, axis)
    return fnp.where(where, _special.softmax(_masked(x, where), axis), 0.0)


def log_softmax(x, axis=-1, where=None):
    """x - logsumexp(x) along `axis` (the last by default; None: all axes); entries where
    `where` is False take no part and come out -inf.

    >>> import fluxion.numpy as fnp, fluxion.nn as nn
    >>> [round(v, 4) for v in nn.log_softmax(fnp.asarray([0.0, 0.0])).tolist()]
    [-0.6931, -0.6931]
    """
    x = _float("log_softmax", x)
    if where is None:
        return _special.log_softmax(x, axis)
    return fnp.where(where, _special.log_softmax(_masked(x, where), axis), -math.inf)


def standardize(x, axis=-1, mean=None, variance=None, epsilon=1e-5, where=None, *, algorithm: str = "fast"):
    """(x - mean) / sqrt(variance + epsilon), the mean and variance taken along `axis` unless given.

    Without `variance`, jax's two algorithms: "stable", the mean of (x - mean)^2, and "fast",
    mean(x^2) - mean^2 clipped at 0. They differ only for a given `mean` (for the mean of x
    they are one quantity, computed the stable way).

    >>> import fluxion.numpy as fnp, fluxion.nn as nn
    >>> nn.standardize(fnp.asarray([1.0, 3.0]), epsilon=0.0).tolist()
    [-1.0, 1.0]
    """
    if algorithm not in ("fast", "stable"):
        raise op_error(ValueError, "standardize", f"algorithm={algorithm!r} is not 'fast' or 'stable'",
                       "pass one of them")
    x = _float("standardize", x)
    fast = algorithm == "fast" and mean is not None
    if mean is None:
        mean = fnp.mean(x, axis=axis, keepdims=True, where=where)
    if variance is None and fast:
        variance = fnp.maximum(fnp.mean(fnp.square(x), axis=axis, keepdims=True, where=where) - fnp.square(mean), 0)
    elif variance is None:
        variance = fnp.mean(fnp.square(x - mean), axis=axis, keepdims=True, where=where)
    return (x - mean) / fnp.sqrt(variance + epsilon)


def one_hot(x, num_classes: int, *, dtype=fnp.float32, axis=-1):
    """1 where the integers `x` equal each class index 0 .. num_classes - 1, along a new axis
    (`axis`, the last by default); a value out of range gives a row of zeros.

    >>> import fluxion.numpy as fnp, fluxion.nn as nn
    >>> nn.one_hot(fnp.asarray([0, 2]), 3).tolist()
    [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]
    """
    x = fnp.asarray(x)
    num_classes = operator.index(num_classes)
    if num_classes < 0:
        raise op_error(ValueError, "one_hot", f"num_classes={num_classes} is negative", "pass a count of classes >= 0")
    out_axis = axis if axis >= 0 else x.ndim + 1 + axis
    if not 0 <= out_axis <= x.ndim:
        raise op_error(ValueError, "one_hot", f"axis {axis} is out of range for a result of {x.ndim + 1} "
                       "dimensions", f"pass an axis in [{-x.ndim - 1}, {x.ndim}]")
    shape = (num_classes,) + (1,) * (x.ndim - out_axis)
    if x.__class__ is Array and _ctx.interp is EAGER and x.dtype.kind in "iu":  # the common case, kept fast
        hit = np.expand_dims(x._value, out_axis) == np.arange(num_classes).reshape(shape)
        return eager_array(hit.astype(dtypes.canonicalize(dtype)), False)
    return (fnp.expand_dims(x, out_axis) == fnp.arange(num_classes).reshape(shape)).astype(dtype)


def __dir__():  # the public names only, not the modules and helpers the code imports
    return __all__
