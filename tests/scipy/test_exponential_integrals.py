"""exp1, expi, expn and spence of fluxion.scipy.special against scipy.special and against
high-precision values: wide ranges, the switch points between series, edges, 16-bit dtypes,
jit, vmap and derivatives (closed forms, central differences, second order)."""
import warnings

import ml_dtypes
import numpy as np
import pytest
import scipy.special as sp

import fluxion as fx
import fluxion.numpy as fnp
import fluxion.scipy.special as fsp

inf, nan = np.inf, np.nan
EPS64, EPS32 = np.finfo(np.float64).eps, np.finfo(np.float32).eps
# Against mpmath on dense samples ours is within 5 eps in float64 (expi for 1 < x < 40, whose
# series is a product chain; elsewhere 3 eps), eagerly and under jit, and 4.5 eps in float32
# (against SciPy's double values). SciPy's own float64 error reaches 15 eps (spence near 1/2)
# and 112 eps (expi near x = 40), so the comparison with SciPy allows that much.
RTOL_SCIPY = {np.float64: 16 * EPS64, np.float32: 6 * EPS32}
RTOL_SCIPY_EXPI = 150 * EPS64
ORDERS = [0, 1, 2, 3, 5, 7, 8, 11, 12, 13, 30, 100, 1000]  # float32's series stops at 8, float64's at 12


def _around(points, dtype):
    """Each point with its neighbours one ulp below and above: the switch points of the branches."""
    p = np.asarray(points, dtype)
    return np.concatenate([np.nextafter(p, dtype(-inf)), p, np.nextafter(p, dtype(inf))])


def _positive(dtype):
    if dtype == np.float64:
        wide = np.logspace(-300, np.log10(705), 601)
        switch = [1.0, 40.0, 0.2725074107813666, 0.4725074107813666, 0.5, 2.0, 1000.0]
    else:
        wide = np.logspace(-37, np.log10(100), 301)
        switch = [1.0, 20.0, 0.2725074107813666, 0.4725074107813666, 0.5, 2.0, 1000.0]
    return np.concatenate([wide, np.linspace(0.01, 3, 300), np.linspace(0.2, 0.55, 101), _around(switch, dtype)]
                          ).astype(dtype)


def _oracle(fn, *args, dtype):
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        return fn(*(np.asarray(a, np.float64) for a in args)).astype(dtype)


def _close(got, want, rtol, dtype, err_msg=""):
    """Relative agreement; results below the normal range (subnormal) only agree absolutely."""
    got = np.asarray(got)
    assert got.dtype == dtype, err_msg
    np.testing.assert_allclose(got.astype(np.float64), np.asarray(want, np.float64), rtol=rtol,
                               atol=4 * np.finfo(dtype).tiny, err_msg=err_msg)


def _signed_zeros_match(got, want):
    zero = np.asarray(want) == 0
    np.testing.assert_array_equal(np.signbit(np.asarray(got)[zero]), np.signbit(np.asarray(want)[zero]))


UNARY = {"exp1": (1,), "expi": (-1, 1), "spence": (1,)}  # signs of the arguments swept (edges: below)


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=lambda d: d.__name__)
@pytest.mark.parametrize("name", sorted(UNARY))
def test_values_match_scipy_over_wide_ranges_and_switch_points(name, dtype):
    x = np.concatenate([sign * _positive(dtype) for sign in UNARY[name]])
    if name == "spence":
        x = np.concatenate([x, np.logspace(0, 300 if dtype == np.float64 else 38, 301).astype(dtype)])
    got = getattr(fsp, name)(fnp.asarray(x))
    want = _oracle(getattr(sp, name), x, dtype=dtype)
    # SciPy's Ei is some 1e-16 off in absolute terms near its root x = 0.3725 (ours is exact to
    # a few ulps there: test_values_match_high_precision_references)
    atol = 1e-15 if name == "expi" and dtype == np.float64 else 0
    near_root = np.abs(x - 0.3725) < 0.01 if atol else np.zeros(x.shape, bool)
    rtol = RTOL_SCIPY_EXPI if name == "expi" and dtype == np.float64 else RTOL_SCIPY[dtype]
    _close(np.asarray(got)[~near_root], want[~near_root], rtol, dtype, name)
    np.testing.assert_allclose(np.asarray(got)[near_root], want[near_root], rtol=0, atol=atol)


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=lambda d: d.__name__)
def test_expn_matches_scipy_for_every_order_over_wide_ranges(dtype):
    n = np.array(ORDERS, np.int64)[:, None]
    x = _positive(dtype)[None, :]
    got = fsp.expn(fnp.asarray(n), fnp.asarray(x))
    # SciPy's expn(100, 50.0) is 1.3e-7 off (by mpmath); that exact point is not in the grid
    _close(got, _oracle(sp.expn, n, x, dtype=dtype), RTOL_SCIPY[dtype], dtype)


REFERENCES = {  # (argument, value to 17 digits), by mpmath at 300 digits: every branch and switch point
    "exp1": [(1e-300, 690.19831223331217), (1e-10, 22.448635265138924), (0.5, 0.55977359477616081),
             (0.9990234375, 0.2197435427851991), (1.0, 0.21938393439552027), (1.0009765625, 0.21902502768063672),
             (2.0, 0.04890051070806112), (10.0, 4.1569689296853243e-6), (100.0, 3.6835977616820322e-46),
             (700.0, 1.4065187662340329e-307)],
    "expi": [(-700.0, -1.4065187662340329e-307), (-40.0, -1.036773261451657e-19), (-1.0, -0.21938393439552027),
             (-1e-10, -22.448635265138924), (1e-300, -690.19831223331217), (1e-10, -22.448635264938924),
             (0.2724, -0.43113472919854231), (0.2726, -0.43017088075524815), (0.3725, -2.8874183188745965e-5),
             (0.37250741078136, -2.578892406867441e-14), (0.3725074107813667, 1.6508643146897012e-16),
             (0.4724, 0.36189436847253545), (0.4726, 0.36257330993207322), (1.0, 1.8951178163559368),
             (10.0, 2492.2289762418778), (39.99, 5.9811578920092017e15), (40.01, 6.0988523913552109e15),
             (100.0, 2.7155527448538798e41), (700.0, 1.4509787360525609e301), (716.0, 1.2605029106040894e308)],
    "spence": [(1e-300, 1.6449340668482264), (1e-10, 1.6449340644456413), (0.25, 0.9784693929303061),
               (0.4999, 0.58237916203869598), (0.5, 0.58224052646501251), (0.5001, 0.58210190316544192),
               (0.999, 0.001000250111173652), (1.0000000001, -1.000000082715371e-10), (1.999, -0.82177378964724072),
               (2.0, -0.82246703342411322), (2.001, -0.82316008405379192), (10.0, -3.9506637782441577),
               (1e10, -266.73983958836554), (1e300, -2.3858705990559476e5)],
}
EXPN_REFERENCES = [(0, 0.5, 1.2130613194252668), (1, 1e-300, 690.19831223331217), (2, 1e-10, 0.99999999765513647),
                   (2, 0.9990234375, 0.14870992443221702), (2, 1.0, 0.14849550677592205),
                   (3, 5.0, 0.00087780089277063827), (11, 0.9, 0.036997366058051141),
                   (12, 0.9, 0.033933820935304825), (30, 0.001, 0.034447062847085298),
                   (100, 50.0, 1.2915478777847485e-24), (500, 300.0, 6.44027702671765e-134),
                   (2, 700.0, 1.4045180121540397e-307), (2147483647, 1.0, 1.713072142297167e-10)]


@pytest.mark.parametrize("name", sorted(REFERENCES))
def test_values_match_high_precision_references(name):
    x, want = np.array(REFERENCES[name]).T
    got = getattr(fsp, name)(fnp.asarray(x, dtype=fnp.float64))
    _close(got, want, 4 * EPS64, np.float64, name)  # measured: at most 2.1 eps at these points


def test_expn_matches_high_precision_references():
    n, x, want = np.array(EXPN_REFERENCES).T
    _close(fsp.expn(fnp.asarray(n), fnp.asarray(x, dtype=fnp.float64)), want, 4 * EPS64, np.float64)


def _edges(dtype):
    """Zeros, negative arguments, infinities, NaN, the smallest subnormal and the largest float."""
    info = np.finfo(dtype)
    return np.array([0.0, -0.0, -info.tiny, -1.0, -info.max, inf, -inf, nan, info.smallest_subnormal, info.max], dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=lambda d: d.__name__)
@pytest.mark.parametrize("name", sorted(UNARY))
def test_values_at_zero_infinities_nan_and_negative_arguments_are_scipys(name, dtype):
    x = _edges(dtype)
    got, want = getattr(fsp, name)(fnp.asarray(x)), _oracle(getattr(sp, name), x, dtype=dtype)
    _close(got, want, RTOL_SCIPY[dtype], dtype)
    _signed_zeros_match(got, want)


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=lambda d: d.__name__)
def test_expn_orders_and_edges_are_scipys(dtype):
    # negative orders, non-integer orders (SciPy truncates them toward zero), orders past C's int
    n = np.array([-1.0, -0.5, 0.0, 0.5, 1.0, 2.0, 2.5, 3.0, 12.0, 2.0 ** 31, inf, nan])[:, None]
    x = np.array([0.0, -0.0, -1.0, 0.5, 1.0, 3.0, inf, nan])[None, :]
    got = np.asarray(fsp.expn(fnp.asarray(n.astype(dtype)), fnp.asarray(x.astype(dtype))))
    _close(got, _oracle(sp.expn, n.astype(dtype), x.astype(dtype), dtype=dtype), RTOL_SCIPY[dtype], dtype)


@pytest.mark.parametrize("name", ["exp1", "expi", "spence", "expn"])
def test_integer_and_boolean_inputs_promote_to_float32(name):
    fn = (lambda x: fsp.expn(2, x)) if name == "expn" else getattr(fsp, name)
    for x in (fnp.asarray([1, 2, 3]), fnp.asarray([True, False])):
        assert fn(x).dtype == np.float32
    assert fsp.expn(fnp.asarray([1, 2]), fnp.asarray([1, 2])).dtype == np.float32
    assert fsp.expn(fnp.asarray([1, 2]), fnp.asarray([1.0, 2.0], dtype=fnp.float64)).dtype == np.float64
    assert fsp.expn(2, 1.0).dtype == np.float32


@pytest.mark.parametrize("dtype", [np.float16, ml_dtypes.bfloat16], ids=["float16", "bfloat16"])
@pytest.mark.parametrize("name", ["exp1", "expi", "spence", "expn"])
def test_16_bit_floats_are_computed_in_float32_and_rounded_once(name, dtype):
    x = np.array([1e-4, 0.1, 0.3725, 0.5, 1.0, 2.0, 7.5, 30.0, 0.0, inf, nan], dtype)
    if name == "expn":
        got, want = fsp.expn(3, fnp.asarray(x)), _oracle(lambda v: sp.expn(3, v), x, dtype=np.float32)
    else:
        x = np.concatenate([x, -x]) if name == "expi" else x
        got, want = getattr(fsp, name)(fnp.asarray(x)), _oracle(getattr(sp, name), x, dtype=np.float32)
    got = np.asarray(got)
    assert got.dtype == dtype
    # rounding float32's result once is within half an ulp of the 16-bit type; SciPy's double
    # result rounded directly may differ from it by one ulp where the two roundings straddle a tie
    ulp = float(ml_dtypes.finfo(dtype).eps)
    with np.errstate(over="ignore"):
        want = want.astype(dtype)
    np.testing.assert_allclose(got.astype(np.float64), want.astype(np.float64), rtol=ulp, atol=0)


def _all_functions(x, n):
    return {"exp1": fsp.exp1(x), "expi": fsp.expi(x), "expi(-x)": fsp.expi(-x), "spence": fsp.spence(x),
            "expn": fsp.expn(n, x)}


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=lambda d: d.__name__)
def test_jit_matches_eager(dtype):
    # XLA flushes subnormal inputs and results to zero: the smallest subnormal is left out
    edges = _edges(dtype)
    x = np.concatenate([_positive(dtype), edges[edges != np.finfo(dtype).smallest_subnormal]])
    n = np.resize(np.array(ORDERS + [-1, 2.5, nan], dtype), x.shape)
    xs, ns = fnp.asarray(x), fnp.asarray(n)
    eager, jitted = _all_functions(xs, ns), fx.jit(_all_functions)(xs, ns)
    # XLA's exp and log are other approximations than NumPy's, and it divides by a constant as a
    # multiplication by its reciprocal: each side is within 5 eps of the exact values
    rtol = 8 * EPS64 if dtype == np.float64 else 8 * EPS32
    for name in eager:
        np.testing.assert_allclose(np.asarray(jitted[name]), np.asarray(eager[name]), rtol=rtol,
                                   atol=np.finfo(dtype).tiny, err_msg=name)


def test_programs_stay_small_enough_to_compile_quickly():
    # unrolled series and fractions: fluxion.jit compiles each in 0.1 to 0.4 s; its gradient about as fast
    x = fnp.asarray([0.5, 2.0], dtype=fnp.float64)
    for fn, limit in ((fsp.exp1, 450), (fsp.expi, 1000), (fsp.spence, 200), (lambda v: fsp.expn(fnp.asarray([1, 3]), v), 450)):
        assert len(fx.make_program(fn)(x).equations) < limit
        assert len(fx.make_program(fx.grad(lambda v, fn=fn: fn(v).sum()))(x).equations) < 2 * limit


def test_vmap_matches_a_loop():
    x = fnp.asarray([[0.2, 1.5, 45.0], [0.37, 3.0, 0.9], [1e-5, 700.0, 2.0]], dtype=fnp.float64)
    n = fnp.asarray([0.0, 3.0, 12.0], dtype=fnp.float64)
    f = lambda n, x: fsp.exp1(x) + fsp.expi(x) * fsp.spence(x) - fsp.expi(-x) + fsp.expn(n, x)  # noqa: E731
    got = fx.vmap(f)(n, x)
    want = np.stack([np.asarray(f(n[i], x[i])) for i in range(3)])
    np.testing.assert_allclose(np.asarray(got), want, rtol=1e-15)
    g = lambda x, n: fsp.expn(n, x) + fsp.expi(x)  # noqa: E731
    grads = fx.vmap(fx.grad(g))(x[:, 0], n)
    np.testing.assert_allclose(np.asarray(grads), [float(fx.grad(g)(x[i, 0], n[i])) for i in range(3)], rtol=1e-15)


def _d(fn, x, h):
    return (fn(x + h) - fn(x - h)) / (2 * h)


def _spence_d2(z):
    u = z - 1  # near z = 1 the closed form cancels: its series there
    return 0.5 - 2 * u / 3 + 3 * u ** 2 / 4 if abs(u) < 1e-4 else (np.log(z) + (1 - z) / z) / u ** 2


def _expn_d1(n, x):
    """-E_{n-1}(x), and d/dx exp(-x) / x for n = 0."""
    return -sp.expn(n - 1, x) if n else -np.exp(-x) * (1 + x) / x ** 2


def _expn_d2(n, x):
    """E_{n-2}(x), and the derivatives of exp(-x) / x for n < 2."""
    if n >= 2:
        return sp.expn(n - 2, x)
    if n == 1:
        return np.exp(-x) * (1 + x) / x ** 2
    return np.exp(-x) * (x ** 2 + 2 * x + 2) / x ** 3


# (name, function, points, closed-form first and second derivatives, SciPy function)
DERIVATIVES = [
    ("exp1", fsp.exp1, [1e-5, 0.3, 0.999, 1.0, 1.001, 5.0, 50.0],
     lambda x: -np.exp(-x) / x, lambda x: np.exp(-x) * (x + 1) / x ** 2, sp.exp1),
    ("expi", fsp.expi, [-50.0, -1.0, -0.5, 1e-5, 0.2725, 0.3725, 0.4725, 1.0, 39.9, 40.1, 100.0],
     lambda x: np.exp(x) / x, lambda x: np.exp(x) * (x - 1) / x ** 2, sp.expi),
    ("spence", fsp.spence, [1e-3, 0.3, 0.4999, 0.5001, 0.9, 1.0 - 1e-9, 1.0, 1.0 + 1e-9, 1.5, 1.999, 2.001, 1e5],
     lambda z: -1.0 if z == 1 else np.log(z) / (1 - z), _spence_d2, sp.spence),
] + [(f"expn({n})", lambda x, n=n: fsp.expn(n, x), [1e-3, 0.5, 0.999, 1.0, 1.001, 3.0, 30.0],
        lambda x, n=n: _expn_d1(n, x), lambda x, n=n: _expn_d2(n, x), lambda x, n=n: sp.expn(n, x))
       for n in (0, 1, 2, 11, 12)]


@pytest.mark.parametrize("name, fn, points, d1, d2, oracle", DERIVATIVES, ids=[d[0] for d in DERIVATIVES])
def test_derivatives_match_closed_forms_and_central_differences(name, fn, points, d1, d2, oracle):
    for p in points:
        x = fnp.asarray(p, dtype=fnp.float64)
        first, second = float(fx.grad(fn)(x)), float(fx.grad(fx.grad(fn))(x))
        # expn's closed forms are SciPy's expn(n - 1, x), itself up to 11 eps off (by mpmath)
        np.testing.assert_allclose(first, d1(p), rtol=16 * EPS64, err_msg=f"{name}' at {p}")
        np.testing.assert_allclose(second, d2(p), rtol=1e-13, err_msg=f"{name}'' at {p}")
        h = 1e-6 * abs(p)
        np.testing.assert_allclose(first, _d(lambda v: oracle(np.float64(v)), p, h), rtol=1e-7, err_msg=name)
        fd2 = _d(lambda v: float(fx.grad(fn)(fnp.asarray(v, dtype=fnp.float64))), p, h)
        np.testing.assert_allclose(second, fd2, rtol=1e-7, err_msg=f"{name}'' at {p}")


@pytest.mark.parametrize("name, fn", [("exp1", fsp.exp1), ("expi", fsp.expi), ("spence", fsp.spence),
                                      ("expn", lambda x: fsp.expn(fnp.asarray([0, 1, 2, 7, 13]), x))])
def test_gradients_are_finite_and_equal_under_jit_wherever_the_function_is_smooth(name, fn):
    x = fnp.asarray(_positive(np.float64), dtype=fnp.float64)  # x > 0 up to 1000, switch points included
    x = fnp.concatenate([x, -x]) if name == "expi" else x
    if name == "expn":
        x = x[:, None]
    total = lambda v: fn(v).sum()  # noqa: E731
    eager, jitted = np.asarray(fx.grad(total)(x)), np.asarray(fx.jit(fx.grad(total))(x))
    assert not np.isnan(eager).any()
    np.testing.assert_allclose(jitted, eager, rtol=8 * EPS64, atol=np.finfo(np.float64).tiny)


def test_derivative_of_expn_in_its_order_is_zero():
    assert float(fx.grad(fsp.expn)(fnp.asarray(3.0, dtype=fnp.float64), 2.0)) == 0.0
