"""fx.jit equals eager for the elementwise functions, fluxion.scipy.special and fluxion.random.

One program per dtype evaluates every elementwise function of fluxion.numpy that accepts the
dtype, and every elementwise primitive bound directly, on special values (signed zeros,
infinities, NaN, halves, integer extremes); binary functions see every pair of values, as
operands of shapes (n, 1) and (1, m), so broadcasting is exercised too. Results must agree as
`_differential.assert_matches` says: integers exactly, floats within a few units in the last
place, NaN, infinities and signed zeros alike. Random bits must be identical, random floats
within one unit in the last place.

The NumPy kernels deviate from XLA's semantics in a few documented places (`KNOWN`); those
elements are left out of the sweeps, and `test_known_kernel_deviation` (a strict xfail) says
when a kernel has been fixed and its exclusion can go.
"""
from __future__ import annotations

import inspect
import math
import warnings
from typing import Callable, NamedTuple

import numpy as np
import pytest

import fluxion as fx
import fluxion.numpy as fnp
import fluxion.scipy.special as fsp
from fluxion.core import dtypes as D
from fluxion.core.primitive import Primitive
from fluxion.numpy import _elementwise
from fluxion.ops import elementwise as E

from _differential import assert_matches, eager_and_jit

DTYPES = [D.bool_, *D.INTEGER, *D.REAL_FLOATING, *D.COMPLEX]
_REAL = [0.0, -0.0, 0.5, -0.5, 1.5, 2.5, -2.5, 1.0, -1.0, 2.0, 3.0, 0.1, -0.75, 10.0, -30.0, 1e-3, 100.0, 7.0,
         -8.0, math.inf, -math.inf, math.nan, 1e30, -1e30, 0.999]
_COMPLEX_PARTS = [0.0, -0.0, 0.5, -1.0, 2.5, -30.0, math.inf, -math.inf, math.nan]


def special_values(dt: np.dtype) -> np.ndarray:
    """Values where semantics differ most: signed zeros, infinities, NaN, halves, extremes.

    Subnormal numbers are left out: XLA flushes them to zero (inputs and results), NumPy does not.
    """
    if dt == D.bool_:
        return np.array([True, False])
    if dt in D.INTEGER:
        info = np.iinfo(dt)
        v = [0, 1, 2, 3, 5, 7, 8, 63, 64, 100, int(info.max), int(info.max) - 1, int(info.min)]
        if dt in D.SIGNED:
            v += [-1, -2, -3, -7, -8, -64, int(info.min) + 1]
        return np.array(v, dt)
    with np.errstate(over="ignore"):
        if dt in D.COMPLEX:
            return np.array([complex(a, b) for a in _COMPLEX_PARTS for b in _COMPLEX_PARTS]).astype(dt)
        return np.array(_REAL).astype(dt)


# what is compared -------------------------------------------------------------------------------
def _positional_arity(fn) -> int:
    params = inspect.signature(fn).parameters.values()
    return sum(p.default is p.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) for p in params)


def _public_functions(arity: int) -> dict[str, Callable]:
    """fnp's elementwise functions of `arity` operands, each once, by its own name (aliases share it)."""
    out = {}
    for name in sorted(_elementwise.__all__):
        fn = getattr(fnp, name)
        if _positional_arity(fn) == arity:
            out.setdefault(f"fnp.{fn.__name__}", fn)
    return out


_BINARY_PRIMS = {"add", "sub", "mul", "div", "rem", "pow", "max", "min", "atan2", "nextafter", "copysign", "complex",
                 "and", "or", "xor", "shift_left", "shift_right_arithmetic", "shift_right_logical", "eq", "ne", "lt",
                 "le", "gt", "ge"}
# XLA's expansions of these take minutes to compile over every pair of special values: their
# jit-against-eager tests are in tests/scipy/test_special_more.py and test_gammainc_grad_a.py
_SWEPT_ELSEWHERE = {"igamma", "igammac", "igamma_grad_a", "betainc", "zeta"}
_WITH_PARAMETERS = (E.select_n_p, E.convert_element_type_p, E.bitcast_convert_type_p, E.integer_pow_p, E.polygamma_p)


def _primitives(arity: int) -> dict[str, Callable]:
    """The elementwise primitives of `arity` operands and no parameters, bound directly."""
    prims = [p for p in vars(E).values() if isinstance(p, Primitive) and p not in _WITH_PARAMETERS]
    return {f"prim.{p.name}": p.bind for p in prims
            if p.name not in _SWEPT_ELSEWHERE and (p.name in _BINARY_PRIMS) == (arity == 2)}


def _with(fn, *args, **params) -> Callable:
    """`x -> fn(x, *args, **params)`."""
    return lambda x: fn(x, *args, **params)


def _bitcast_to_unsigned(x):
    return E.bitcast_convert_type_p.bind(x, new_dtype=np.dtype(f"uint{min(8 * x.dtype.itemsize, 64)}"))


UNARY = {**_public_functions(1), **_primitives(1),
         "fnp.round(decimals=2)": _with(fnp.round, decimals=2), "fnp.round(decimals=-1)": _with(fnp.round, decimals=-1),
         "fnp.angle(deg=True)": _with(fnp.angle, deg=True), "fnp.clip(x, -1, 2)": _with(fnp.clip, -1, 2),
         "fnp.nan_to_num(nan=1, posinf=2, neginf=-3)": _with(fnp.nan_to_num, nan=1.0, posinf=2.0, neginf=-3.0),
         **{f"fnp.pow(x, {n})": _with(fnp.pow, n) for n in (-3, -1, 0, 1, 2, 3, 7, 150)},
         **{f"prim.integer_pow(y={n})": _with(E.integer_pow_p.bind, y=n) for n in (-2, 5)},
         **{f"prim.polygamma(m={m})": _with(E.polygamma_p.bind, m=m) for m in (1, 2)},
         **{f"astype({dt})": _with(fnp.astype, dt) for dt in DTYPES},
         "prim.bitcast_convert_type(uint)": _bitcast_to_unsigned}
BINARY = {**_public_functions(2), **_primitives(2),
          "fnp.clip(x, min=y)": lambda x, y: fnp.clip(x, min=y), "fnp.isclose": fnp.isclose,
          "prim.select_n(bool)": lambda x, y: E.select_n_p.bind(x == y, x, y),
          "prim.select_n(int32)": lambda x, y: E.select_n_p.bind(
              E.convert_element_type_p.bind(x == y, new_dtype=D.int32), y, x)}

# tolerances, in units in the last place (default 16); complex powers are exp(y log x), whose
# rounding grows with |y log x|; logaddexp's zero is a rounding residue, its sign is noise
_ULPS = {name: 512 for name in ("fnp.pow", "fnp.float_power", "prim.pow")}
# XLA's float64 lgamma and digamma are accurate to some ulps of max(1, |result|): near their
# roots and for x < 0 (a reflection) the relative error grows
_FLOOR = {"prim.lgamma": 1.0, "prim.digamma": 1.0, "prim.polygamma(m=1)": 1.0, "prim.polygamma(m=2)": 1.0,
          "fnp.logaddexp": 1.0, "fnp.logaddexp2": 1.0}  # x + log1p(...): an error of x's size
_NO_ZERO_SIGNS = {"fnp.logaddexp", "fnp.logaddexp2"}


# known deviations ---------------------------------------------------------------------------------
class Known(NamedTuple):
    """Elements where eager and jit differ for a known reason: `mask(dtype, *inputs)` picks them
    (and with `zero_signs=False` the signs of zeros are not compared for the functions at all)."""

    reason: str
    names: frozenset
    mask: Callable
    example: tuple | None = None  # (function, *arguments) showing a kernel's deviation
    zero_signs: bool = True


def _zeros_of_both_signs(dt, x, y=None):
    if dt not in D.REAL_FLOATING or y is None:
        return False
    return (x == 0) & (y == 0) & (np.signbit(x) != np.signbit(y))


def _complex_not_finite(dt, *xs):
    if dt not in D.COMPLEX:
        return False
    out = False
    for x in xs:
        out = out | ~np.isfinite(x)
    return out


def _complex_zero_or_not_finite(dt, x, y=None):
    return (x == 0) | _complex_not_finite(dt, x) if dt in D.COMPLEX else False


KNOWN = {
    # deviations of the NumPy kernels (fluxion/backends/numpy/elementwise.py) from XLA's semantics
    "max_min_zeros": Known(
        "np.maximum / np.minimum return either zero for max(0.0, -0.0) (SIMD dependent); XLA orders -0.0 below 0.0",
        frozenset({"fnp.maximum", "fnp.minimum", "fnp.fmax", "fnp.fmin", "prim.max", "prim.min",
                   "fnp.clip(x, min=y)"}),
        _zeros_of_both_signs,
        (E.max_p.bind, [0.0, -0.0], [-0.0, 0.0])),
    "nextafter_float16": Known(
        "NumPy's float16 nextafter(x, y) returns x where x == y; C and XLA return y (it differs for 0.0, -0.0)",
        frozenset({"fnp.nextafter", "prim.nextafter"}),
        lambda dt, x, y=None: _zeros_of_both_signs(dt, x, y) if dt == D.float16 else False,
        (E.nextafter_p.bind, np.array([0.0], np.float16), np.array([-0.0], np.float16))),
    "sign_bfloat16": Known(
        "ml_dtypes' bfloat16 sign(-0.0) is -0.0; NumPy's other floats (and XLA here) give +0.0",
        frozenset({"fnp.sign", "prim.sign"}),
        lambda dt, x, y=None: (x == 0) if dt == D.bfloat16 else False,
        (E.sign_p.bind, np.array([-0.0], D.bfloat16))),
    # jit's program rewrites (fluxion/transforms/passes/rewrite.py)
    "complex_power_rewrites": Known(
        "jit rewrites x ** 1 to x and x ** 2 to x * x; NumPy's complex power gives 0 + 0i for every zero base "
        "and other infinities and NaN than the product",
        frozenset({"fnp.pow(x, 1)", "fnp.pow(x, 2)"}),
        _complex_zero_or_not_finite),
    # XLA deviations not worth reproducing
    "complex_overflow": Known(
        "XLA's complex sin overflows to inf + inf i where |im| is large (sinh(im) > max); glibc's rescales",
        frozenset({"fnp.sinc"}),
        lambda dt, x, y=None: (np.abs(x.imag) >= 20) if dt in D.COMPLEX else False),
    "complex_pow_not_finite": Known(
        "NumPy's complex power exp(y log x) with an infinite or NaN part multiplies as C99's Annex G "
        "(recovering infinities); XLA's product gives NaN",
        frozenset({"fnp.pow", "fnp.float_power", "prim.pow", "fnp.pow(x, 150)"}),
        _complex_not_finite),
}


def _known(name: str) -> list[Known]:
    return [k for k in KNOWN.values() if name in k.names]


def _skip_mask(name: str, dt, inputs) -> np.ndarray | bool:
    out = False
    for known in _known(name):
        out = out | known.mask(dt, *inputs)
    return out


# the sweeps ----------------------------------------------------------------------------------------
def _accepted(functions: dict, args) -> tuple[dict, dict]:
    """The functions that accept these arguments eagerly (the others raise a dtype error), and
    for each the first one that stages the same program: that one is compiled for both (a
    function binding one primitive and the primitive bound directly would only add compile time)."""
    ok, first, same_as = {}, {}, {}
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        for name, fn in functions.items():
            try:
                fn(*args)
            except (TypeError, ValueError, OverflowError):
                continue
            ok[name] = fn
            program = fx.make_program(fn)(*args)
            consts = tuple((str(np.asarray(c).dtype), np.asarray(c).tobytes()) for c in program.consts)
            same_as[name] = first.setdefault((str(program), consts), name)
    return ok, same_as


def _compare_all(eager: dict, jitted: dict, same_as: dict, dt, inputs, where: str = "") -> None:
    """Compare every function's eager result with the jit result of the program it shares."""
    failures = []
    for name in eager:
        base = name.split("(")[0] if name.startswith("fnp.pow(") else name
        zero_signs = name not in _NO_ZERO_SIGNS and all(k.zero_signs for k in _known(name))
        try:
            assert_matches(eager[name], jitted[same_as[name]], ulps=_ULPS.get(base, 16), zero_signs=zero_signs,
                           skip=_skip_mask(name, dt, inputs), inputs=inputs, what=f"{name} on {where}{dt}",
                           floor=_FLOOR.get(name, 0.0))
        except AssertionError as e:
            failures.append(str(e))
    assert not failures, "\n".join(failures)


def _sweep(functions: dict, args, inputs) -> None:
    ok, same_as = _accepted(functions, args)
    assert ok
    distinct = {n: ok[n] for n in set(same_as.values())}
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        eager = {n: f(*args) for n, f in ok.items()}
        _, jitted = eager_and_jit(lambda *a: {n: f(*a) for n, f in distinct.items()}, *args)
    _compare_all(eager, jitted, same_as, args[0].dtype, inputs)


@pytest.mark.parametrize("dt", DTYPES, ids=str)
def test_unary_functions_and_primitives_match_eager(dt):
    x = special_values(dt)
    _sweep(UNARY, (fnp.asarray(x),), (x,))


@pytest.mark.parametrize("dt", DTYPES, ids=str)
def test_binary_functions_and_primitives_match_eager_on_every_pair(dt):
    v = special_values(dt)
    x, y = v[:, None], v[None, :]
    functions = {n: f for n, f in BINARY.items() if n not in ("fnp.gcd", "fnp.lcm")}
    _sweep(functions, (fnp.asarray(x), fnp.asarray(y)), (x, y))


@pytest.mark.parametrize("dt", [D.int8, D.uint16], ids=str)
def test_gcd_and_lcm_match_eager(dt):
    # a program of their own: their fixed-length Euclid loops make large programs
    v = special_values(dt)
    x, y = v[:, None], v[None, :]
    _sweep({"fnp.gcd": fnp.gcd, "fnp.lcm": fnp.lcm}, (fnp.asarray(x), fnp.asarray(y)), (x, y))


def test_integer_division_by_zero_and_overflow_match_the_kernels():
    # the primitives themselves (fnp's functions never pass a zero divisor): x / 0 == x % 0 == 0,
    # min / -1 wraps to min and min % -1 == 0, shifts past the width give 0 or -1
    args = []
    for dt in (D.int8, D.int64, D.uint32):
        info = np.iinfo(dt)
        x = np.array([int(info.min), -7, 0, 7, int(info.max)] if dt in D.SIGNED else [0, 7, int(info.max)], dt)
        y = np.array([0, -1, 1, 3, 8 * dt.itemsize, 8 * dt.itemsize + 1, -2] if dt in D.SIGNED
                     else [0, 1, 3, 32, 33], dt)
        args.append((fnp.asarray(x[:, None]), fnp.asarray(y[None, :])))

    def f(pairs):
        # (shift_right_arithmetic of unsigned integers: see KNOWN)
        return [{p.name: p.bind(x, y) for p in (E.div_p, E.rem_p, E.pow_p, E.shift_left_p, E.shift_right_logical_p)
                 + ((E.shift_right_arithmetic_p,) if x.dtype in D.SIGNED else ())}
                for x, y in pairs]

    with np.errstate(all="ignore"):
        eager, jitted = eager_and_jit(f, args)
    assert_matches(eager, jitted, what="integer division, powers and shifts")


@pytest.mark.parametrize("dt", [D.float64, D.complex128], ids=str)
def test_double_precision_rounds_once_to_float16(dt):
    # every float16 midpoint, and values just either side of it: by way of float32 these round twice
    h = np.arange(0x7C00, dtype=np.uint16).view(np.float16).astype(np.float64)
    mid = (h[1:] + h[:-1]) / 2
    near = np.ldexp(mid, -35)
    x = np.concatenate([mid, mid + near, mid - near, [65520 - 2.0**-20, 1e300, 1e-300, np.inf, np.nan]])
    x = np.concatenate([x, -x]).astype(dt)
    with np.errstate(over="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", np.exceptions.ComplexWarning)
        want = x.astype(np.float16)
    got = np.asarray(fx.jit(lambda v: v.astype(fnp.float16))(x))
    np.testing.assert_array_equal(got.view(np.uint16), want.view(np.uint16))


@pytest.mark.parametrize("dt", [D.float64, D.float32, D.float16], ids=str)
def test_a_power_of_one_half_is_c_pow_eagerly_as_under_jit(dt):
    # NumPy takes an exponent of one value 0.5 as sqrt (NaN at -inf, -0.0 at -0.0); C's pow, as
    # NumPy computes it for an exponent array of more values, and XLA give inf and 0.0
    x = np.array([-np.inf, -0.0, 0.0, -1.0, 2.0, np.inf, np.nan], dt)
    with np.errstate(invalid="ignore"):
        want = np.power(x, np.full(x.shape, 0.5, dt))
    a = fnp.asarray(x)
    for got in (a ** 0.5, fnp.power(a, fnp.asarray(0.5, dtype=dt)), fnp.power(a, fnp.asarray([0.5], dtype=dt)),
                fx.jit(lambda v: v ** 0.5)(a)):
        assert got.dtype == dt
        np.testing.assert_array_equal(np.asarray(got), want)
        signed = ~np.isnan(want)  # (a NaN's sign bit is any)
        np.testing.assert_array_equal(np.signbit(np.asarray(got))[signed], np.signbit(want)[signed])


@pytest.mark.parametrize("name", [k for k, v in KNOWN.items() if v.example is not None])
@pytest.mark.xfail(strict=True, raises=AssertionError, reason="a known deviation (see KNOWN)")
def test_known_deviation(name):
    # passes (so fails as a strict xfail) once the kernel or option is fixed: then drop the entry from KNOWN
    fn, *args = KNOWN[name].example
    args = [fnp.asarray(a) for a in args]
    assert_matches(fn(*args), fx.jit(fn)(*args), what=KNOWN[name].reason)


# shapes and weak scalars -------------------------------------------------------------------------------
@pytest.mark.parametrize("dt", [D.bool_, D.int32, D.float32, D.complex64], ids=str)
def test_zero_dimensional_empty_and_broadcast_operands_match_eager(dt):
    # the primitives (whose rules make broadcasting explicit) and functions returning tuples
    v = np.resize(special_values(dt), 6)
    operands = {"0-d": v[3], "(0,)": v[:0], "(3,)": v[:3], "(2, 1)": v[4:6].reshape(2, 1),
                "(2, 0, 3)": np.zeros((2, 0, 3), dt)}
    pairs = [("0-d", "0-d"), ("0-d", "(3,)"), ("(0,)", "0-d"), ("(2, 1)", "(3,)"), ("(2, 0, 3)", "(3,)"),
             ("(2, 1)", "(0,)")]
    arrays = {k: fnp.asarray(a) for k, a in operands.items()}
    pick = lambda fns, *extra: {n: f for n, f in fns.items() if n.startswith("prim.") or n in extra}  # noqa: E731
    unary, _ = _accepted(pick(UNARY, "fnp.frexp", "fnp.clip(x, -1, 2)"), (arrays["0-d"],))
    binary, _ = _accepted(pick(BINARY, "fnp.divmod"), (arrays["0-d"], arrays["0-d"]))

    def f(a):
        out = {(k,): {n: g(a[k]) for n, g in unary.items()} for k in ("0-d", "(0,)", "(2, 0, 3)")}
        out.update({(k, m): {n: g(a[k], a[m]) for n, g in binary.items()} for k, m in pairs})
        return out

    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        eager, jitted = eager_and_jit(f, arrays)
    for keys in eager:
        _compare_all(eager[keys], jitted[keys], {n: n for n in eager[keys]}, dt,
                     tuple(operands[k] for k in keys), where=f"{keys} ")


def test_python_scalars_stay_weak_under_jit():
    x, i = fnp.asarray([1.5, -2.0], dtype=fnp.float16), fnp.asarray([3, -4], dtype=fnp.int8)

    def f(x, i):
        return dict(a=x + 1, b=x * 2.5, c=i + 1, d=i * 2.0, e=fnp.maximum(i, 7), f=fnp.where(x > 0, x, 0.5),
                    g=1 - x, h=2 ** i.astype(fnp.int16), k=fnp.add(1.0, 2.0))

    eager, jitted = eager_and_jit(f, x, i)
    assert_matches(eager, jitted, what="weak scalars")


# fluxion.scipy.special ---------------------------------------------------------------------------------
_SPECIAL_EXTRA = [0.25, 0.75, 1e-5, 0.99999, 0.5 + 1e-3, 4.5, -4.5, 0.02, 0.98, -0.999, 1.0 - 2 ** -20]
_SPECIAL_UNARY = ["digamma", "erf", "erfc", "erfinv", "expit", "gammaln", "logit", "ndtr", "ndtri"]
# XLA's lgamma, digamma and erfinv are other approximations than SciPy's (tolerances in ulps)
_SPECIAL_ULPS = {"digamma": 512, "gammaln": 64, "erfinv": 256, "ndtri": 256, "logit": 32}


@pytest.mark.parametrize("dt", [D.int32, D.float16, D.bfloat16, D.float32, D.float64], ids=str)
def test_special_functions_match_eager(dt):
    if dt in D.REAL_FLOATING:
        v = np.concatenate([special_values(dt), np.array(_SPECIAL_EXTRA).astype(dt)])
    else:
        v = special_values(dt)
    x = fnp.asarray(v)
    column, row = fnp.asarray(v[:, None]), fnp.asarray(v[None, ::3])
    grid = fnp.asarray(np.nan_to_num(np.resize(v, (4, 6)), posinf=5, neginf=-5))

    def f(x, column, row, grid):
        out = {n: getattr(fsp, n)(x) for n in _SPECIAL_UNARY}
        out["xlogy"], out["xlog1py"] = fsp.xlogy(column, row), fsp.xlog1py(column, row)
        for axis in (None, 0, -1, (0, 1)):
            out[f"logsumexp{axis}"] = fsp.logsumexp(grid, axis=axis)
            out[f"softmax{axis}"] = fsp.softmax(grid, axis=axis)
            out[f"log_softmax{axis}"] = fsp.log_softmax(grid, axis=axis)
        out["logsumexp_b"] = fsp.logsumexp(grid, axis=1, b=row[:, :6] if row.shape[1] >= 6 else 1.0, keepdims=True)
        out["logsumexp_sign"] = fsp.logsumexp(grid, axis=0, b=-1.0, return_sign=True)
        return out

    with np.errstate(all="ignore"):
        eager, jitted = eager_and_jit(f, x, column, row, grid)
    for name in eager:
        ulps = max([u for n, u in _SPECIAL_ULPS.items() if name.startswith(n)] + [16])
        floor = 1.0 if name in ("gammaln", "digamma") else 0.0  # see _FLOOR
        elementwise = name in _SPECIAL_UNARY  # (the masks and inputs of a failure message are elementwise)
        assert_matches(eager[name], jitted[name], ulps=ulps, zero_signs=False, floor=floor,
                       inputs=(v,) if elementwise else None,
                       skip=_skip_mask(f"fsp.{name}", dt, (v,)) if elementwise else None, what=f"fsp.{name} on {dt}")


# fluxion.random ---------------------------------------------------------------------------------------------
R = fx.random


def _samplers(key):
    """Every sampler, each dtype in some sampler, and 0-d and empty shapes (each draw compiles
    to a Threefry of some hundred operations: the program stays as small as that allows)."""
    k = R.split(key, 16)
    out = {"split": R.split(key, 3), "split(2x2)": R.split(key, (2, 2)), "fold_in": R.fold_in(key, 7),
           "fold_in(-1)": R.fold_in(key, -1), "fold_in(big)": R.fold_in(key, fnp.asarray(2 ** 40 + 3)),
           "bits(uint8)": R.bits(k[0], (3, 2), D.uint8), "bits(uint64)": R.bits(k[1], (3,), D.uint64),
           "bits(())": R.bits(k[2], ()), "bits((0,))": R.bits(k[2], (0, 3)), "uniform(())": R.uniform(k[3], ())}
    for i, (dt, other) in enumerate(((D.float16, D.float64), (D.bfloat16, D.float32))):
        out[f"uniform({other})"] = R.uniform(k[4 + i], (5,), other, minval=-2.0, maxval=3.0)
        out[f"normal({dt})"] = R.normal(k[4 + i], (2, 3), dt)
        out[f"exponential({other})"] = R.exponential(k[4 + i], (4,), other)
        out[f"gumbel({dt})"] = R.gumbel(k[4 + i], (4,), dt)
    out["normal((0,))"] = R.normal(k[6], (0,))
    out["gamma"] = R.gamma(k[7], fnp.asarray([0.3, 1.0, 4.5]))
    out["gamma(float64)"] = R.gamma(k[8], 2.5, (2,), dtype=D.float64)
    out["truncated_normal"] = R.truncated_normal(k[9], fnp.asarray([-1.0, 0.5, -5.0]), 2.0, (2, 3))
    out["bernoulli"] = R.bernoulli(k[9], fnp.asarray([0.0, 0.3, 1.0]), (4, 3))
    out["categorical"] = R.categorical(k[10], fnp.log(fnp.asarray([[0.2, 0.3, 0.5], [1.0, 0.0, 0.0]])), shape=(5, 2))
    out["randint(int8)"] = R.randint(k[11], (6,), -3, 100, dtype=D.int8)
    out["randint(uint64)"] = R.randint(k[11], (2,), 0, 2 ** 40, dtype=D.uint64)
    out["loggamma"] = R.loggamma(k[12], fnp.asarray([0.01, 0.5, 3.0]))
    out["beta"] = R.beta(k[12], fnp.asarray([0.5, 2.0]), 3.0)
    out["dirichlet"] = R.dirichlet(k[13], fnp.asarray([0.5, 1.0, 2.0]), (2,))
    out["multivariate_normal"] = R.multivariate_normal(k[13], fnp.zeros(2), fnp.asarray([[2.0, 0.5], [0.5, 1.0]]),
                                                       (3,))
    out["permutation"] = R.permutation(k[14], 7)
    out["permutation(x)"] = R.permutation(k[14], fnp.arange(12).reshape(3, 4), axis=1, independent=True)
    out["choice"] = R.choice(k[15], 10, (4,))
    out["choice(p, no replace)"] = R.choice(k[15], 5, (3,), replace=False, p=fnp.asarray([0.1, 0.2, 0.3, 0.2, 0.2]))
    out["poisson(int32)"] = R.poisson(k[15], fnp.asarray([0.0, 0.5, 4.0, 30.0, 1e3]), dtype=D.int32)
    return out


# Bits, keys and integer samples are identical; uniform floats in [0, 1) too (they are bits).
# Transformed floats differ by rounding: XLA contracts a * b + c into a fused multiply-add
# (uniform's minval + (maxval - minval) u, within an ulp of the bounds' scale), and XLA's
# erfinv, log and exp are other approximations than SciPy's and NumPy's (a few ulps).
_SAMPLER_TOLERANCE = {"uniform(())": (0, 0.0), "uniform(": (1, 5.0),  # name prefix: (ulps, floor)
                      "multivariate_normal": (16, 2.0)}


def test_every_sampler_gives_the_same_numbers_under_jit():
    # one program holds them all; the key is a traced input
    key = R.key(42)
    eager, jitted = eager_and_jit(_samplers, key)
    failures = []
    for name in eager:
        ulps, floor = next((t for p, t in _SAMPLER_TOLERANCE.items() if name.startswith(p)), (16, 0.0))
        try:
            assert_matches(eager[name], jitted[name], ulps=ulps, floor=floor, what=f"random.{name}")
        except AssertionError as e:
            failures.append(str(e))
    assert not failures, "\n".join(failures)


def test_keys_from_traced_seeds_match_eager():
    seeds = fnp.asarray([0, 1, -1, 2 ** 31, 2 ** 62 + 5], dtype=fnp.int64)

    def f(seeds):
        return [R.key(seeds[i]) for i in range(seeds.shape[0])] + [R.key(fnp.asarray(7, dtype=fnp.uint32))]

    eager, jitted = eager_and_jit(f, seeds)
    assert_matches(eager, jitted, what="random.key")


@pytest.mark.parametrize("name", ["exp", "exp2", "logaddexp", "softmax", "logsumexp"])
@pytest.mark.parametrize("size", [3, 64])
def test_a_nan_constant_folded_into_exp_gives_nan_as_eagerly(name, size):
    # XLA's float32 exp gave arbitrary numbers for exp(x * nan) with nan a compile-time constant
    f = {"exp": fnp.exp, "exp2": fnp.exp2, "logaddexp": lambda x: fnp.logaddexp(x, x),
         "softmax": fx.nn.softmax, "logsumexp": lambda x: fsp.logsumexp(x)}[name]
    g = lambda x: f(x * np.float32(np.nan))
    x = fnp.ones(size, dtype=fnp.float32)
    np.testing.assert_array_equal(np.asarray(fx.jit(g)(x)), np.asarray(g(x)))  # NaN in the same places
    assert np.isnan(np.asarray(g(x))).all()
