"""XLA lowering of the elementwise primitives.

Most primitives are one `jax.lax` operation. The rules that are more make XLA compute what
the NumPy kernels compute where the two differ:

- integers: division and remainder by zero give 0; powers are exact (wrapping), with the
  truncated reciprocal for negative exponents; `population_count` counts the bits of |x|;
- real floats: see `real_math` (sign of -0.0, exp2, sinh, cosh, log1p, atanh, the gamma
  family); 16-bit floats are computed in float32 and rounded once, as NumPy's loops do; a
  division by a constant stays a division (`_exact_divisor`);
- complex numbers: see `complex_math` (division, powers, and C99's values at signed zeros,
  infinities and NaN);
- bitcasts to and from bool and complex dtypes, which XLA does not bitcast, go through bytes.

NumPy-style broadcasting is made explicit: XLA's binary operations need equal shapes.
"""
from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from ...core import dtypes as D
from ...core.rules import xla_lowering
from ...ops import elementwise as E
from ...ops.threefry import rounds, threefry2x32_p
from . import complex_math as C
from . import real_math as R
from .folded_nan import GUARDED

_LOW = (D.float16, D.bfloat16)


def _broadcasting(fn, scalars: bool = False):
    """XLA's binary operations need equal shapes; fluxion's broadcast like NumPy. With `scalars`,
    `fn` broadcasts 0-d operands itself."""
    def rule(*xs):
        shape = xs[0].shape
        if any(x.shape != shape for x in xs):
            shape = jnp.broadcast_shapes(*(x.shape for x in xs))
            xs = [x if x.shape == shape or scalars and not x.shape else jnp.broadcast_to(x, shape) for x in xs]
        return fn(*xs)
    return rule


def _lax_binary(fn):
    """A jax.lax binary operation (for real operands), which takes a 0-d operand with another of
    any shape as it is: the computation then holds fewer steps to lower."""
    return _broadcasting(fn, scalars=True)


def _in_float32(fn):
    """`fn` computed in float32 for 16-bit floats and rounded once, as the NumPy kernels do."""
    def rule(*xs, **params):
        dt = xs[0].dtype
        if dt not in _LOW:
            return fn(*xs, **params)
        return lax.convert_element_type(fn(*(lax.convert_element_type(x, D.float32) for x in xs), **params), dt)
    return rule


def _by_kind(default, *, integer=None, complex_=None):
    """A rule choosing its implementation by the kind of the operands' dtype."""
    def rule(*xs, **params):
        kind = D.kind(xs[0].dtype)
        fn = complex_ if kind == D.COMPLEX_KIND else integer if kind in (D.INT, D.BOOL) else None
        return (fn or default)(*xs, **params)
    return rule


_where = jnp.where  # selects with broadcasting of 0-d cases


# integers ----------------------------------------------------------------------------------
def _nonzero_divisor(fn):
    """`fn(x, y)` for integers, 0 where y == 0 (XLA leaves that to the hardware; NumPy gives 0)."""
    def rule(x, y):
        zero = y == 0
        return _where(zero, jnp.zeros_like(x), fn(x, _where(zero, R.const(1, y), y)))
    return rule


def _truncated_reciprocal(x, odd):
    """x ** y for integers and y < 0, truncated as XLA does: 1 for base 1, +-1 for base -1, else 0."""
    one = jnp.ones_like(x)
    minus_one = x == -1 if not D.is_unsigned(x.dtype) else jnp.zeros(x.shape, bool)
    return _where(x == one, one, _where(minus_one, _where(odd, -one, one), jnp.zeros_like(x)))


def _int_pow(x, y):
    """x ** y by squaring and multiplying over the bits of y (wrapping, as NumPy)."""
    one = R.const(1, x)

    def step(_, carry):
        acc, base, e = carry
        acc = _where((e & one) == one, acc * base, acc)
        return acc, base * base, lax.shift_right_logical(e, one)

    acc, _, _ = lax.fori_loop(0, 8 * x.dtype.itemsize, step, (jnp.ones_like(x), x, y))
    if D.is_unsigned(x.dtype):
        return acc
    return _where(y < 0, _truncated_reciprocal(x, (y & one) == one), acc)


def _integer_pow(x, *, y):
    kind = D.kind(x.dtype)
    if kind == D.INT:
        return _truncated_reciprocal(x, y % 2 == 1) if y < 0 else lax.integer_pow(x, y)
    if kind == D.COMPLEX_KIND:
        return C.pow(x, jnp.full(x.shape, y, x.dtype))
    if abs(y) > 4:
        # NumPy's pow beyond small exponents: repeated products would accumulate an error
        # growing with the exponent; the exponent in the base's dtype, as NumPy converts it
        return _in_float32(lax.pow)(x, jnp.full(x.shape, y, x.dtype))
    return _in_float32(lambda v: lax.integer_pow(v, y))(x)


def _population_count(x):
    # NumPy's bitwise_count counts the bits of |x|; |min| wraps to min, whose bits are |min|'s
    return lax.population_count(lax.abs(x) if D.kind(x.dtype) == D.INT and not D.is_unsigned(x.dtype) else x)


# bitcasts ----------------------------------------------------------------------------------
def _to_bytes(x):
    """The bytes of each element along a new last axis (XLA bitcasts neither bool nor complex)."""
    if x.dtype == D.bool_:
        return lax.convert_element_type(x, D.uint8)[..., None]
    if D.kind(x.dtype) == D.COMPLEX_KIND:
        parts = jnp.stack([lax.real(x), lax.imag(x)], -1)
        return lax.bitcast_convert_type(parts, D.uint8).reshape(x.shape + (x.dtype.itemsize,))
    return lax.bitcast_convert_type(x, D.uint8)


def _from_bytes(b, dt):
    """Elements of dtype `dt` from their bytes along the last axis."""
    if dt == D.bool_:
        return b[..., 0] != 0
    if D.kind(dt) == D.COMPLEX_KIND:
        half = D.real_dtype(dt)
        parts = lax.bitcast_convert_type(b.reshape(b.shape[:-1] + (2, half.itemsize)), half)
        return lax.complex(parts[..., 0], parts[..., 1])
    return lax.bitcast_convert_type(b[..., 0] if dt.itemsize == 1 else b, dt)


def _bitcast(x, *, new_dtype):
    """NumPy's view: a narrower dtype adds a last axis, a wider one consumes it."""
    if D.bool_ not in (x.dtype, new_dtype) and D.COMPLEX_KIND not in (D.kind(x.dtype), D.kind(new_dtype)):
        return lax.bitcast_convert_type(x, new_dtype)
    a, b = x.dtype.itemsize, new_dtype.itemsize
    data = _to_bytes(x)  # (..., a)
    if a < b:
        data = data.reshape(x.shape[:-1] + (b,))
    if a <= b:
        return _from_bytes(data, new_dtype)
    return _from_bytes(data.reshape(x.shape + (a // b, b)), new_dtype)


# the table -----------------------------------------------------------------------------------
def _div(x, y):
    kind = D.kind(x.dtype)
    if kind == D.INT:
        return _nonzero_divisor(lax.div)(x, y)
    return C.div(x, y) if kind == D.COMPLEX_KIND else lax.div(x, y)


def _exact_divisor(div):
    """`div` with a real constant divisor hidden behind an optimization barrier (broadcast first,
    since on CPUs XLA treats a division by any broadcast value so): XLA divides by a constant as
    a product with its reciprocal, which rounds otherwise than NumPy's division and shows in
    fnp.round(x, 2). A division by a computed value keeps XLA's rewrite (within an ulp), and so
    does one by powers of two (a mean's count, often), whose reciprocals give exactly the quotients."""
    def rule(x, y):
        if D.kind(y.dtype) == D.FLOAT and not isinstance(y, jax.core.Tracer) \
                and not _powers_of_two(np.asarray(y)):
            y = lax.optimization_barrier(jnp.broadcast_to(y, jnp.broadcast_shapes(x.shape, y.shape)))
        return div(x, y)
    return rule


def _powers_of_two(y: np.ndarray) -> bool:
    """Whether each element of `y` is +-2**k with 2**-k a normal number too (so that x * (1 / y),
    what XLA computes, is x / y exactly, also where the quotient is subnormal)."""
    tiny, y = float(jnp.finfo(y.dtype).tiny), np.abs(y.astype(np.float64))  # (exactly: y is at most 64-bit)
    with np.errstate(divide="ignore"):
        return bool(np.all(np.frexp(y)[0] == 0.5) and np.all(y >= tiny) and np.all(1 / y >= tiny))


def _abs(x):
    return x if D.is_unsigned(x.dtype) else lax.abs(x)


def _real_or_complex(real, complex_):
    """The rule `real` for real dtypes (16-bit floats computed in float32), `complex_` for complex."""
    return _in_float32(_by_kind(real, complex_=complex_))


_identity = lambda x: x  # noqa: E731
_f = _real_or_complex


def _convert(x, *, new_dtype, weak=False):
    if new_dtype == D.bool_ and jnp.iscomplexobj(x):  # XLA's conversion would drop the imaginary part
        return lax.ne(x, lax.full_like(x, 0))
    if jnp.iscomplexobj(x) and new_dtype not in D.COMPLEX:  # the real part, as NumPy's astype, without jax's warning
        x = lax.real(x)
    if x.dtype == D.bool_ and new_dtype in D.FLOATING:
        # by way of uint8: XLA's simplifier makes y * convert(b) a select of y or 0, which drops
        # the NaN of y = inf or NaN where b is false, and the sign of -0.0 (NumPy's products keep them)
        x = lax.convert_element_type(x, D.uint8)
    if x.dtype == D.float64 and new_dtype == D.float16:  # XLA goes by way of float32, rounding twice
        x = _float32_rounded_to_odd(x)
    return lax.convert_element_type(x, new_dtype)


def _float32_rounded_to_odd(x):
    """float64 `x` in float32, an inexact value taking the neighbour with an odd last bit: rounding
    that once more to a format with at most 22 significant bits rounds as `x` would (float16)."""
    y = lax.convert_element_type(x, D.float32)
    y64, bits = lax.convert_element_type(y, D.float64), lax.bitcast_convert_type(y, D.int32)
    even_inexact = (y64 != x) & ((bits & 1) == 0) & lax.is_finite(x)
    odd = jnp.where(lax.abs(y64) > lax.abs(x), bits - 1, bits + 1)  # bits are sign and magnitude
    return lax.bitcast_convert_type(jnp.where(even_inexact, odd, bits), D.float32)


xla_lowering.update({
    E.neg_p: lax.neg, E.sign_p: _by_kind(R.sign, complex_=C.sign), E.abs_p: _by_kind(_abs, complex_=C.abs),
    E.square_p: lax.square, E.exp_p: _f(lax.exp, C.exp), E.exp2_p: _f(R.exp2, C.exp2), E.log_p: _f(lax.log, C.log),
    E.log2_p: _f(jnp.log2, C.log2), E.log10_p: _f(jnp.log10, C.log10), E.log1p_p: _f(R.log1p, C.log1p),
    E.expm1_p: _f(lax.expm1, C.expm1), E.sqrt_p: _f(lax.sqrt, C.sqrt), E.rsqrt_p: _f(lax.rsqrt, C.rsqrt),
    E.sin_p: _f(lax.sin, C.sin), E.cos_p: _f(lax.cos, C.cos), E.tan_p: _f(lax.tan, C.tan),
    E.asin_p: _f(lax.asin, C.asin), E.acos_p: _f(lax.acos, C.acos), E.atan_p: _f(lax.atan, C.atan),
    E.sinh_p: _f(R.sinh, C.sinh), E.cosh_p: _f(R.cosh, C.cosh), E.tanh_p: _f(lax.tanh, C.tanh),
    E.asinh_p: _f(lax.asinh, C.asinh), E.acosh_p: _f(lax.acosh, C.acosh), E.atanh_p: _f(R.atanh, C.atanh),
    E.logistic_p: _f(lax.logistic, C.logistic), E.cbrt_p: _f(lax.cbrt, None), E.erf_p: _f(lax.erf, None),
    E.erfc_p: _f(lax.erfc, None), E.erfinv_p: _f(R.erfinv, None), E.lgamma_p: R.in_float64(R.lgamma),
    E.digamma_p: R.in_float64(R.digamma), E.polygamma_p: R.in_float64(R.polygamma),
    E.bessel_i0e_p: R.in_float64(lax.bessel_i0e), E.bessel_i1e_p: R.in_float64(R.bessel_i1e),
    E.igamma_p: _broadcasting(R.in_float64(R.igamma)), E.igammac_p: _broadcasting(R.in_float64(R.igammac)),
    E.igamma_grad_a_p: _broadcasting(R.in_float64(R.igamma_grad_a)),
    E.betainc_p: _broadcasting(R.in_float64(lax.betainc)), E.zeta_p: _broadcasting(R.in_float64(R.zeta)),
    E.floor_p: lax.floor, E.ceil_p: lax.ceil, E.round_p: lambda x: lax.round(x, lax.RoundingMethod.TO_NEAREST_EVEN),
    E.trunc_p: jnp.trunc, E.is_finite_p: _by_kind(lax.is_finite, complex_=C.is_finite),
    E.real_p: _by_kind(_identity, complex_=lax.real), E.imag_p: _by_kind(jnp.zeros_like, complex_=lax.imag),
    E.conj_p: _by_kind(_identity, complex_=lax.conj),
    E.not_p: lax.bitwise_not, E.population_count_p: _population_count, E.clz_p: lax.clz,
    E.add_p: _lax_binary(lax.add), E.sub_p: _lax_binary(lax.sub), E.mul_p: _lax_binary(lax.mul),
    E.div_p: _exact_divisor(_broadcasting(_div)),
    E.rem_p: _broadcasting(_by_kind(lax.rem, integer=_nonzero_divisor(lax.rem))),
    E.pow_p: _broadcasting(_by_kind(_in_float32(lax.pow), integer=_int_pow, complex_=C.pow)),
    E.integer_pow_p: _integer_pow,
    E.max_p: _lax_binary(_by_kind(lax.max, complex_=_broadcasting(C.maximum))),
    E.min_p: _lax_binary(_by_kind(lax.min, complex_=_broadcasting(C.minimum))),
    E.atan2_p: _broadcasting(_in_float32(lax.atan2)), E.nextafter_p: _broadcasting(lax.nextafter),
    E.copysign_p: _broadcasting(R.copysign), E.complex_p: _broadcasting(lax.complex),
    E.and_p: _lax_binary(lax.bitwise_and), E.or_p: _lax_binary(lax.bitwise_or), E.xor_p: _lax_binary(lax.bitwise_xor),
    E.shift_left_p: _broadcasting(lax.shift_left),
    E.shift_right_arithmetic_p: _broadcasting(lax.shift_right_arithmetic),
    E.shift_right_logical_p: _broadcasting(lax.shift_right_logical),
    E.eq_p: _lax_binary(lax.eq), E.ne_p: _lax_binary(lax.ne), E.lt_p: _lax_binary(lax.lt),
    E.le_p: _lax_binary(lax.le), E.gt_p: _lax_binary(lax.gt), E.ge_p: _lax_binary(lax.ge),
    E.select_n_p: _broadcasting(lax.select_n),
    E.convert_element_type_p: _convert,
    E.bitcast_convert_type_p: _bitcast,
    E.stop_gradient_p: _identity,
})


def _threefry2x32(k0, k1, x0, x1):
    shape = jnp.broadcast_shapes(k0.shape, k1.shape, x0.shape, x1.shape)
    return rounds(k0, k1, jnp.broadcast_to(x0, shape), jnp.broadcast_to(x1, shape))


xla_lowering[threefry2x32_p] = _threefry2x32
GUARDED[E.exp_p] = _f(R.exp, C.exp)
