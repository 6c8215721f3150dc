"""XLA lowering of the elementwise primitives."""
from __future__ import annotations

import jax.numpy as jnp
from jax import lax
import jax.scipy.special as jsp

from ...core.rules import xla_lowering
from ...ops import elementwise as E


def _convert(x, *, new_dtype, weak=False):
    return lax.convert_element_type(x, new_dtype)


def _select_n(which, *cases):
    shape = jnp.broadcast_shapes(which.shape, *(c.shape for c in cases))
    return lax.select_n(jnp.broadcast_to(which, shape), *(jnp.broadcast_to(c, shape) for c in cases))


def _broadcasting(fn):
    """XLA's binary operations need equal shapes; fluxion's broadcast like NumPy."""
    def rule(*xs):
        shape = jnp.broadcast_shapes(*(x.shape for x in xs))
        return fn(*(jnp.broadcast_to(x, shape) for x in xs))
    return rule


xla_lowering.update({
    E.neg_p: lax.neg, E.sign_p: lax.sign, E.abs_p: lax.abs, E.square_p: lax.square,
    E.exp_p: lax.exp, E.exp2_p: lax.exp2, E.log_p: lax.log, E.log2_p: jnp.log2, E.log10_p: jnp.log10,
    E.log1p_p: lax.log1p, E.expm1_p: lax.expm1, E.sqrt_p: lax.sqrt, E.rsqrt_p: lax.rsqrt,
    E.sin_p: lax.sin, E.cos_p: lax.cos, E.tan_p: lax.tan, E.asin_p: lax.asin, E.acos_p: lax.acos,
    E.atan_p: lax.atan, E.sinh_p: lax.sinh, E.cosh_p: lax.cosh, E.tanh_p: lax.tanh,
    E.asinh_p: lax.asinh, E.acosh_p: lax.acosh, E.atanh_p: lax.atanh, E.logistic_p: lax.logistic,
    E.cbrt_p: lax.cbrt, E.erf_p: lax.erf, E.erfc_p: lax.erfc, E.erfinv_p: lax.erf_inv, E.lgamma_p: lax.lgamma,
    E.digamma_p: lax.digamma, E.polygamma_p: lambda x, *, m: jsp.polygamma(m, x),
    E.floor_p: lax.floor, E.ceil_p: lax.ceil, E.round_p: lambda x: lax.round(x, lax.RoundingMethod.TO_NEAREST_EVEN),
    E.trunc_p: jnp.trunc, E.is_finite_p: lax.is_finite, E.real_p: lax.real, E.imag_p: lax.imag, E.conj_p: lax.conj,
    E.not_p: lax.bitwise_not, E.population_count_p: lax.population_count, E.clz_p: lax.clz,
    E.add_p: _broadcasting(lax.add), E.sub_p: _broadcasting(lax.sub), E.mul_p: _broadcasting(lax.mul),
    E.div_p: _broadcasting(lax.div), E.rem_p: _broadcasting(lax.rem), E.pow_p: _broadcasting(lax.pow),
    E.integer_pow_p: lambda x, *, y: lax.integer_pow(x, y), E.max_p: _broadcasting(lax.max),
    E.min_p: _broadcasting(lax.min), E.atan2_p: _broadcasting(lax.atan2), E.nextafter_p: _broadcasting(lax.nextafter),
    E.copysign_p: _broadcasting(jnp.copysign), E.complex_p: _broadcasting(lax.complex),
    E.and_p: _broadcasting(lax.bitwise_and), E.or_p: _broadcasting(lax.bitwise_or), E.xor_p: _broadcasting(lax.bitwise_xor),
    E.shift_left_p: _broadcasting(lax.shift_left), E.shift_right_arithmetic_p: _broadcasting(lax.shift_right_arithmetic),
    E.shift_right_logical_p: _broadcasting(lax.shift_right_logical),
    E.eq_p: _broadcasting(lax.eq), E.ne_p: _broadcasting(lax.ne), E.lt_p: _broadcasting(lax.lt),
    E.le_p: _broadcasting(lax.le), E.gt_p: _broadcasting(lax.gt), E.ge_p: _broadcasting(lax.ge),
    E.select_n_p: _select_n, E.convert_element_type_p: _convert,
    E.bitcast_convert_type_p: lambda x, *, new_dtype: lax.bitcast_convert_type(x, new_dtype),
    E.stop_gradient_p: lambda x: x,
})
