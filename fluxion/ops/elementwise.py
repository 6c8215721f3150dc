"""Elementwise primitives. Operands share one dtype; shapes broadcast as in NumPy."""
from __future__ import annotations

from ..core import dtypes as D
from ..core.errors import ShapeError, op_error
from ..core.types import ArrayType
from ._util import broadcast_shapes, check_dtype, define, same_dtypes

_NUM = D.NUMERIC
_FLOAT = D.FLOATING
_REAL = D.REAL_FLOATING
_REAL_NUM = D.INTEGER + D.REAL_FLOATING
_INT = D.INTEGER
_INT_BOOL = D.INTEGER + (D.bool_,)
_ANY = D.ALL


def _elementwise(name: str, allowed: tuple, out=None):
    """An n-ary elementwise primitive accepting `allowed` dtypes; `out(dtype)` gives the result dtype."""
    def rule(*avals: ArrayType) -> ArrayType:
        dt = same_dtypes(name, avals)
        check_dtype(name, dt, allowed)
        shape = broadcast_shapes(name, *(a.shape for a in avals))
        return ArrayType(shape, dt if out is None else out(dt), all(a.weak for a in avals))
    return define(name, rule)


_bool = lambda dt: D.bool_
_real = D.real_dtype

# unary, any numeric
neg_p = _elementwise("neg", _NUM)
sign_p = _elementwise("sign", _NUM)
abs_p = _elementwise("abs", _NUM, _real)
square_p = _elementwise("square", _NUM)
# unary, floating point (complex where NumPy has it)
exp_p = _elementwise("exp", _FLOAT)
exp2_p = _elementwise("exp2", _FLOAT)
log_p = _elementwise("log", _FLOAT)
log2_p = _elementwise("log2", _FLOAT)
log10_p = _elementwise("log10", _FLOAT)
log1p_p = _elementwise("log1p", _FLOAT)
expm1_p = _elementwise("expm1", _FLOAT)
sqrt_p = _elementwise("sqrt", _FLOAT)
rsqrt_p = _elementwise("rsqrt", _FLOAT)
sin_p = _elementwise("sin", _FLOAT)
cos_p = _elementwise("cos", _FLOAT)
tan_p = _elementwise("tan", _FLOAT)
asin_p = _elementwise("asin", _FLOAT)
acos_p = _elementwise("acos", _FLOAT)
atan_p = _elementwise("atan", _FLOAT)
sinh_p = _elementwise("sinh", _FLOAT)
cosh_p = _elementwise("cosh", _FLOAT)
tanh_p = _elementwise("tanh", _FLOAT)
asinh_p = _elementwise("asinh", _FLOAT)
acosh_p = _elementwise("acosh", _FLOAT)
atanh_p = _elementwise("atanh", _FLOAT)
logistic_p = _elementwise("logistic", _FLOAT)
# unary, real floating point
cbrt_p = _elementwise("cbrt", _REAL)
erf_p = _elementwise("erf", _REAL)
erfc_p = _elementwise("erfc", _REAL)
erfinv_p = _elementwise("erfinv", _REAL)
lgamma_p = _elementwise("lgamma", _REAL)
digamma_p = _elementwise("digamma", _REAL)
bessel_i0e_p = _elementwise("bessel_i0e", _REAL)  # exp(-|x|) I0(x)
bessel_i1e_p = _elementwise("bessel_i1e", _REAL)  # exp(-|x|) I1(x)
floor_p = _elementwise("floor", _REAL)
ceil_p = _elementwise("ceil", _REAL)
round_p = _elementwise("round", _REAL)  # halves to even, as NumPy
trunc_p = _elementwise("trunc", _REAL)
is_finite_p = _elementwise("is_finite", _FLOAT, _bool)
# complex parts
real_p = _elementwise("real", _FLOAT, _real)
imag_p = _elementwise("imag", _FLOAT, _real)
conj_p = _elementwise("conj", _FLOAT)
# bits
not_p = _elementwise("not", _INT_BOOL)
population_count_p = _elementwise("population_count", _INT)
clz_p = _elementwise("clz", _INT)

# binary
add_p = _elementwise("add", _NUM)
sub_p = _elementwise("sub", _NUM)
mul_p = _elementwise("mul", _NUM)
div_p = _elementwise("div", _NUM)  # integers round toward zero, as C and XLA
rem_p = _elementwise("rem", _REAL_NUM)  # sign of the dividend, as C fmod
pow_p = _elementwise("pow", _NUM)
max_p = _elementwise("max", _ANY)  # NaN-propagating
min_p = _elementwise("min", _ANY)
atan2_p = _elementwise("atan2", _REAL)
nextafter_p = _elementwise("nextafter", _REAL)
copysign_p = _elementwise("copysign", _REAL)
complex_p = _elementwise("complex", (D.float32, D.float64), D.complex_dtype)
and_p = _elementwise("and", _INT_BOOL)
or_p = _elementwise("or", _INT_BOOL)
xor_p = _elementwise("xor", _INT_BOOL)
shift_left_p = _elementwise("shift_left", _INT)
shift_right_arithmetic_p = _elementwise("shift_right_arithmetic", _INT)
shift_right_logical_p = _elementwise("shift_right_logical", _INT)
eq_p = _elementwise("eq", _ANY, _bool)
ne_p = _elementwise("ne", _ANY, _bool)
lt_p = _elementwise("lt", _REAL_NUM + (D.bool_,), _bool)
le_p = _elementwise("le", _REAL_NUM + (D.bool_,), _bool)
gt_p = _elementwise("gt", _REAL_NUM + (D.bool_,), _bool)
ge_p = _elementwise("ge", _REAL_NUM + (D.bool_,), _bool)
# special functions of several real operands
igamma_p = _elementwise("igamma", _REAL)  # igamma(a, x): the regularized lower incomplete gamma P(a, x)
igammac_p = _elementwise("igammac", _REAL)  # igammac(a, x) = 1 - P(a, x), accurate where it is small
igamma_grad_a_p = _elementwise("igamma_grad_a", _REAL)  # igamma_grad_a(a, x): the derivative of P(a, x) in a
betainc_p = _elementwise("betainc", _REAL)  # betainc(a, b, x): the regularized incomplete beta I_x(a, b)
zeta_p = _elementwise("zeta", _REAL)  # zeta(x, q): the Hurwitz zeta function, sum of (k + q)**-x over k >= 0


def _integer_pow_rule(x: ArrayType, *, y: int) -> ArrayType:
    check_dtype("integer_pow", x.dtype, _NUM)
    return x


integer_pow_p = define("integer_pow", _integer_pow_rule)  # x ** y for a static Python int y


def _select_n_rule(which: ArrayType, *cases: ArrayType) -> ArrayType:
    """`select_n(which, *cases)`: cases[which] elementwise; `which` is bool (2 cases) or int32."""
    check_dtype("select_n", which.dtype, (D.bool_, D.int32))
    if which.dtype == D.bool_ and len(cases) != 2:
        raise op_error(ShapeError, "select_n", f"a boolean selector picks from 2 cases, got {len(cases)}",
                       "use an int32 selector for more cases")
    dt = same_dtypes("select_n", cases)
    shape = broadcast_shapes("select_n", which.shape, *(c.shape for c in cases))
    return ArrayType(shape, dt, all(c.weak for c in cases))


select_n_p = define("select_n", _select_n_rule)


def _convert_rule(x: ArrayType, *, new_dtype, weak: bool = False) -> ArrayType:
    return ArrayType(x.shape, new_dtype, weak)


convert_element_type_p = define("convert_element_type", _convert_rule)


def _bitcast_rule(x: ArrayType, *, new_dtype) -> ArrayType:
    """Reinterpret bits; a narrower target adds a trailing axis, a wider one consumes it."""
    a, b = x.dtype.itemsize, new_dtype.itemsize
    if a == b:
        return ArrayType(x.shape, new_dtype)
    if a > b:
        return ArrayType(x.shape + (a // b,), new_dtype)
    if not x.shape or x.shape[-1] != b // a:
        raise op_error(ShapeError, "bitcast_convert_type", f"to widen {x.dtype} to {new_dtype} the last axis must be {b // a}, got shape {x.shape}",
                       "reshape so the last axis holds the pieces of one element")
    return ArrayType(x.shape[:-1], new_dtype)


bitcast_convert_type_p = define("bitcast_convert_type", _bitcast_rule)


def _polygamma_rule(x: ArrayType, *, m: int) -> ArrayType:
    check_dtype("polygamma", x.dtype, _REAL)
    return x


polygamma_p = define("polygamma", _polygamma_rule)  # the m-th derivative of digamma, m a static int
stop_gradient_p = _elementwise("stop_gradient", _ANY)  # the identity, with a zero derivative
