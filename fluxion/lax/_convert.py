"""Selection between arrays, conversion between dtypes, and rounding to a narrower float format."""
from __future__ import annotations

import operator

import ml_dtypes
import numpy as np

from ..core import dtypes as D
from ..core.array import Array, to_array
from ..core.errors import DTypeError, InvalidArgumentError, op_error
from ..ops import elementwise as E
from ..ops import shape as S
from ..ops._util import broadcast_shapes
from ..transforms.autodiff.custom import custom_jvp
from ._operands import ArrayLike, DTypeLike, as_array, operands


def select_n(which: ArrayLike, *cases: ArrayLike) -> Array:
    """`cases[which]` elementwise: `which` is boolean (two cases) or integer.

    >>> import fluxion.numpy as fnp
    >>> select_n(fnp.asarray([0, 2, 1], dtype=fnp.int32), fnp.zeros(3), fnp.ones(3), fnp.full(3, 2.0)).tolist()
    [0.0, 2.0, 1.0]
    """
    which = as_array(which)
    if not cases:
        raise op_error(TypeError, "select_n", "was given no cases to select from",
                       "pass at least one case after the selector: select_n(which, case0, case1, ...)")
    if len(cases) == 1:  # whatever `which` holds (jax's)
        (case,) = operands(*cases)
        return S.broadcast_to(case, broadcast_shapes("select_n", which.shape, case.shape))
    if which.dtype in D.INTEGER and which.dtype != D.int32:  # the primitive takes int32 selectors
        which = E.convert_element_type_p.bind(which, new_dtype=D.int32, weak=False)
    return E.select_n_p.bind(which, *operands(*cases))


def select(pred: ArrayLike, on_true: ArrayLike, on_false: ArrayLike) -> Array:
    """`on_true` where `pred` else `on_false`, elementwise."""
    return select_n(pred, on_false, on_true)


def convert_element_type(operand: ArrayLike, new_dtype: DTypeLike) -> Array:
    """`operand` converted to `new_dtype` (floats to integers round toward zero).

    >>> convert_element_type(2.7, "int32").item()
    2
    """
    x, dt = as_array(operand), D.canonicalize(new_dtype)
    if x.dtype == dt and not x.weak:
        return x
    if dt not in D.COMPLEX and x.dtype in D.COMPLEX:  # the real part, as lax does
        x = E.real_p.bind(x)
    return E.convert_element_type_p.bind(x, new_dtype=dt, weak=False)


def bitcast_convert_type(operand: ArrayLike, new_dtype: DTypeLike) -> Array:
    """The bits of `operand` read as `new_dtype`; a narrower dtype adds a last axis, a wider one removes it.

    >>> import fluxion.numpy as fnp
    >>> bitcast_convert_type(fnp.asarray(1.0), "int32").item()
    1065353216
    """
    return E.bitcast_convert_type_p.bind(as_array(operand), new_dtype=D.canonicalize(new_dtype))


def reduce_precision(operand: ArrayLike, exponent_bits: int, mantissa_bits: int) -> Array:
    """`operand` rounded to the float format with `exponent_bits` and `mantissa_bits`, in its own dtype.

    As XLA's ReducePrecision: the mantissa is rounded to nearest, ties to even; magnitudes too
    large for the exponent become infinities and those below its smallest normal number become
    zeros of the same sign (the narrow format's subnormals are not kept); NaN stays as it is.
    Formats at least as wide as the dtype's leave it unchanged. Its derivative is the identity.
    (jax rounds tangents and cotangents too, as if the rounding were linear; the two agree on
    those the narrow format holds, such as the 1.0 a gradient starts from.)

    >>> reduce_precision(1.1, 5, 2).item(), reduce_precision(70000.0, 5, 10).item()
    (1.0, inf)
    """
    x = as_array(operand)
    exponent_bits, mantissa_bits = operator.index(exponent_bits), operator.index(mantissa_bits)
    if x.dtype not in D.REAL_FLOATING:
        raise op_error(DTypeError, "reduce_precision", f"operand has dtype {x.dtype}; it must be floating-point",
                       "convert it with convert_element_type first")
    if exponent_bits < 1 or mantissa_bits < 0:
        raise op_error(InvalidArgumentError, "reduce_precision", f"exponent_bits={exponent_bits} and "
                       f"mantissa_bits={mantissa_bits}: a float format needs at least 1 exponent bit and 0 or more "
                       "mantissa bits", "pass exponent_bits >= 1 and mantissa_bits >= 0 (bfloat16: 8 and 7)")
    return _reduce_precision(x, exponent_bits, mantissa_bits)


def _round_bits(x: Array, exponent_bits: int, mantissa_bits: int) -> Array:
    """Rounding on the bit pattern: adding half an ulp of the narrow format (less one, plus the bit
    that is kept last, for ties to even) and clearing the dropped bits carries into the exponent
    exactly where the value rounds up to the next power of two."""
    info = ml_dtypes.finfo(x.dtype)
    uint = np.dtype(f"uint{info.bits}")
    const = lambda v: to_array(np.array(v, uint))  # noqa: E731
    nexp, nmant = info.nexp, info.nmant
    bits = E.bitcast_convert_type_p.bind(x, new_dtype=uint)
    if mantissa_bits < nmant:
        drop = nmant - mantissa_bits
        kept_last = E.and_p.bind(E.shift_right_logical_p.bind(bits, const(drop)), const(1))
        bits = E.add_p.bind(bits, E.add_p.bind(kept_last, const((1 << (drop - 1)) - 1)))
        bits = E.and_p.bind(bits, const(~((1 << drop) - 1) & ((1 << info.bits) - 1)))
    if exponent_bits < nexp:
        bias, narrow_bias = (1 << (nexp - 1)) - 1, (1 << (exponent_bits - 1)) - 1
        exponent_mask = ((1 << nexp) - 1) << nmant
        exponent = E.and_p.bind(bits, const(exponent_mask))
        sign = E.and_p.bind(bits, const(1 << (info.bits - 1)))
        bits = E.select_n_p.bind(E.le_p.bind(exponent, const((bias - narrow_bias) << nmant)), bits, sign)
        infinity = E.or_p.bind(sign, const(exponent_mask))
        bits = E.select_n_p.bind(E.gt_p.bind(exponent, const((bias + narrow_bias) << nmant)), bits, infinity)
    out = E.bitcast_convert_type_p.bind(bits, new_dtype=x.dtype)
    out = E.select_n_p.bind(E.ne_p.bind(x, x), out, x)  # NaN kept, payload and all
    return E.convert_element_type_p.bind(out, new_dtype=x.dtype, weak=True) if x.weak else out


_reduce_precision = custom_jvp(_round_bits, nondiff_argnums=(1, 2))
_reduce_precision.defjvp(lambda exponent_bits, mantissa_bits, primals, tangents:
                         (_reduce_precision(primals[0], exponent_bits, mantissa_bits), tangents[0]))
