"""dawsn, fresnel and sici of fluxion.scipy.special against scipy.special and against
high-precision values: wide ranges, the switch points between the pieces, edges, 16-bit dtypes,
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
# Against mpmath on dense samples ours is within 1.6 ulps in float64 and 1 ulp in float32, but Ci
# (2.5 ulps in float64 and 6 in float32 where |Ci| > 0.01; near its zeros within 1.2e-16 and 6e-8
# absolutely). SciPy's own float64 error reaches
# 9 ulps (dawsn), 54 ulps (Fresnel's integrals for large x) and 46 ulps (Ci away from its zeros),
# so the comparison with SciPy allows that much.
RTOL_SCIPY = {np.float64: 64 * EPS64, np.float32: 4 * EPS32}
# the results of each function: name -> (function giving a tuple, SciPy's)
FUNCTIONS = {"dawsn": (lambda x: (fsp.dawsn(x),), lambda x: (sp.dawsn(x),)),
             "fresnel": (fsp.fresnel, sp.fresnel), "sici": (fsp.sici, sp.sici)}
SWITCH = {"dawsn": [1.0, 2.0, 4.0, 8.0, 16.0], "fresnel": [1.0, 2.0, 4.0, 8.0], "sici": [2.0, 4.0, 8.0, 16.0, 32.0, 64.0]}


def _around(points, dtype):
    """Each point with its neighbours one ulp below and above: the switch points of the pieces."""
    p = np.asarray(points, dtype)
    return np.concatenate([np.nextafter(p, dtype(-inf)), p, np.nextafter(p, dtype(inf))])


def _sweep(name, dtype):
    """Both signs, from the smallest normal floats to 1e4 (to 100 for fresnel: SciPy rounds pi x**2 / 2,
    which costs it some x / 2 ulps), dense where the pieces are."""
    low = -300 if dtype == np.float64 else -37
    x = np.concatenate([np.logspace(low, 2 if name == "fresnel" else 4, 401), np.linspace(0, 70, 701), _around(SWITCH[name], dtype)]).astype(dtype)
    return np.concatenate([x, -x])


def _oracle(fn, x, dtype):
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        return [np.asarray(v).astype(dtype) for v in fn(np.asarray(x, np.float64))]


def _close(got, want, rtol, dtype, atol=0.0, err_msg=""):
    got = np.asarray(got)
    assert got.dtype == dtype, err_msg
    np.testing.assert_allclose(got.astype(np.float64), np.asarray(want, np.float64), rtol=rtol,
                               atol=max(atol, 4 * np.finfo(dtype).tiny), err_msg=err_msg)


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=lambda d: d.__name__)
@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_values_match_scipy_over_wide_ranges_and_switch_points(name, dtype):
    x = _sweep(name, dtype)
    ours, theirs = FUNCTIONS[name]
    for k, (got, want) in enumerate(zip(ours(fnp.asarray(x)), _oracle(theirs, x, dtype))):
        # Ci has zeros: near them both are accurate in absolute terms only
        atol = 2 * np.finfo(dtype).eps if (name, k) == ("sici", 1) else 0.0
        _close(got, want, RTOL_SCIPY[dtype], dtype, atol, f"{name}[{k}]")


REFERENCES = {  # (argument, values to 17 digits), by mpmath at 50 digits: every piece and switch point
    "dawsn": [(1e-300, 1e-300), (1e-10, 1e-10), (0.5, 0.4244363835020223), (0.9999999999999999, 0.5380795069127684),
              (1.0, 0.5380795069127684), (1.5, 0.4282490710853986), (2.0, 0.30134038892379195),
              (4.0, 0.12934800123600512), (7.9, 0.0638109032198449), (15.999999999999998, 0.031311396325184614),
              (16.0, 0.031311396325184614), (100.0, 0.005000250037509378), (1e10, 5e-11), (1e200, 5e-201)],
    "fresnel": [(1e-100, 5.235987755982989e-301, 1e-100), (1e-10, 5.235987755982989e-31, 1e-10),
                (0.5, 0.06473243285999927, 0.4923442258714464),
                (0.9999999999999999, 0.43825914739035465, 0.7798934003768229),
                (1.0, 0.43825914739035476, 0.7798934003768229), (1.5, 0.6975049600820931, 0.4452611760398215),
                (2.0, 0.34341567836369824, 0.48825340607534073), (3.9, 0.47520240235068867, 0.42233271026093333),
                (4.0, 0.42051575424692844, 0.4984260330381776),
                (7.999999999999999, 0.46021421439301446, 0.49980218037719626),
                (8.0, 0.46021421439301446, 0.49980218037719715), (10.0, 0.46816997858488224, 0.49989869420551575),
                # large arguments, where SciPy rounds pi x**2 / 2 and is off from the 6th digit on
                (1000.5, 0.4997060669389542, 0.5001217509508101), (12345.678, 0.5000109663298015, 0.500023334695318),
                (100000000.25, 0.4999999968322286, 0.5000000003119982), (1e15, 0.49999999999999967, 0.5),
                (np.finfo(np.float64).max, 0.5, 0.5)],
    "sici": [(1e-300, 1e-300, -690.1983122333122), (1e-10, 1e-10, -22.448635265038924),
             (0.5, 0.4931074180430667, -0.1777840788066129), (1.0, 0.946083070367183, 0.33740392290096816),
             (3.0, 1.8486525279994683, 0.11962978600800032),
             (3.9999999999999996, 1.7582031389490531, -0.14098169788693035),
             (4.0, 1.7582031389490531, -0.1409816978869304), (6.0, 1.4246875512805066, -0.06805724389324713),
             (10.0, 1.6583475942188741, -0.04545643300445537), (33.0, 1.570284698168686, 0.03025743417174731),
             (63.99999999999999, 1.5644522502120304, 0.014272879213325445),
             (64.0, 1.5644522502120306, 0.014272879213325488), (100.0, 1.5622254668890563, -0.005148825142610492),
             (1e5, 1.570806320399394, 3.5758791572935135e-07)],
}


@pytest.mark.parametrize("name", sorted(REFERENCES))
def test_values_match_high_precision_references(name):
    x, *want = np.array(REFERENCES[name]).T
    for k, (got, w) in enumerate(zip(FUNCTIONS[name][0](fnp.asarray(x, dtype=fnp.float64)), want)):
        _close(got, w, 3 * EPS64, np.float64, err_msg=f"{name}[{k}]")  # measured: at most 1.6 ulps


def test_values_match_mpmath_on_a_dense_sweep():
    mp = pytest.importorskip("mpmath")
    mp.mp.dps = 40
    x = np.concatenate([np.logspace(-5, 3, 60), np.linspace(0.01, 70, 140)])
    exact = {"dawsn": lambda v: (mp.sqrt(mp.pi) / 2 * mp.exp(-v * v) * mp.erfi(v),),
             "fresnel": lambda v: (mp.fresnels(v), mp.fresnelc(v)), "sici": lambda v: (mp.si(v), mp.ci(v))}
    for name, ref in exact.items():
        want = np.array([[float(r) for r in ref(mp.mpf(float(v)))] for v in x]).T
        for k, (got, w) in enumerate(zip(FUNCTIONS[name][0](fnp.asarray(x, dtype=fnp.float64)), want)):
            atol = 1.2e-16 if (name, k) == ("sici", 1) else 0.0
            _close(got, w, 2 * EPS64, np.float64, atol, f"{name}[{k}]")


def _edges(dtype):
    """Zeros, negative arguments, infinities, NaN, the smallest subnormal and large floats."""
    info = np.finfo(dtype)
    return np.array([0.0, -0.0, -info.tiny, -1.0, inf, -inf, nan, info.smallest_subnormal, 1e30, -1e30], dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=lambda d: d.__name__)
@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_values_at_zero_infinities_nan_and_negative_arguments_are_scipys(name, dtype):
    x = _edges(dtype)
    ours, theirs = FUNCTIONS[name]
    for got, want in zip(ours(fnp.asarray(x)), _oracle(theirs, x, dtype)):
        _close(got, want, RTOL_SCIPY[dtype], dtype)
        zero = want == 0
        np.testing.assert_array_equal(np.signbit(np.asarray(got)[zero]), np.signbit(want[zero]))


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_integer_and_boolean_inputs_promote_to_float32(name):
    for x in (fnp.asarray([1, 2, 3]), fnp.asarray([True, False])):
        assert all(v.dtype == np.float32 for v in FUNCTIONS[name][0](x))


@pytest.mark.parametrize("dtype", [np.float16, ml_dtypes.bfloat16], ids=["float16", "bfloat16"])
@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_16_bit_floats_are_computed_in_float32_and_rounded_once(name, dtype):
    x = np.array([1e-3, 0.1, 0.5, 1.0, 2.0, 3.5, 7.5, 30.0, 100.0, 0.0, inf, nan], dtype)
    x = np.concatenate([x, -x])
    ours, theirs = FUNCTIONS[name]
    ulp = float(ml_dtypes.finfo(dtype).eps)
    for got, want in zip(ours(fnp.asarray(x)), _oracle(theirs, x, np.float32)):
        got = np.asarray(got)
        assert got.dtype == dtype
        # rounding float32's result once is within half an ulp; SciPy's rounded directly may differ by one
        np.testing.assert_allclose(got.astype(np.float64), want.astype(dtype).astype(np.float64), rtol=ulp, atol=0)


def _all_functions(x):
    return {"dawsn": fsp.dawsn(x), "fresnel": fsp.fresnel(x), "sici": fsp.sici(x)}


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=lambda d: d.__name__)
def test_jit_matches_eager(dtype):
    # XLA flushes subnormal inputs and results to zero: only arguments whose results stay normal
    edges = _edges(dtype)
    x = np.concatenate([_sweep("sici", dtype), _sweep("dawsn", dtype), edges[edges != np.finfo(dtype).smallest_subnormal]])
    x = x[~(np.abs(x) < 1e-90 if dtype == np.float64 else np.abs(x) < 1e-12)]  # x**3 / 3 underflows below
    xs = fnp.asarray(x)
    eager, jitted = _all_functions(xs), fx.jit(_all_functions)(xs)
    # XLA's sin, cos and log are other approximations than NumPy's: each side is within 2 ulps
    rtol = 4 * np.finfo(dtype).eps
    for name in eager:
        for k, (j, e) in enumerate(zip(fx.tree.leaves(jitted[name]), fx.tree.leaves(eager[name]))):
            atol = 2 * np.finfo(dtype).eps if (name, k) == ("sici", 1) else np.finfo(dtype).tiny
            np.testing.assert_allclose(np.asarray(j), np.asarray(e), rtol=rtol, atol=atol, err_msg=f"{name}[{k}]")


def test_programs_stay_small_enough_to_compile_quickly():
    x = fnp.asarray([0.5, 2.0], dtype=fnp.float64)
    for fn, limit in ((fsp.dawsn, 400), (lambda v: fsp.fresnel(v)[0], 650), (lambda v: fsp.sici(v)[1], 650)):
        assert len(fx.make_program(fn)(x).equations) < limit
        assert len(fx.make_program(fx.grad(lambda v, fn=fn: fn(v).sum()))(x).equations) < 2 * limit


def test_vmap_matches_a_loop():
    x = fnp.asarray([[0.2, 1.5, 45.0], [-0.37, 3.0, 9.9], [1e-5, 700.0, -2.0]], dtype=fnp.float64)

    def f(x):
        s, c = fsp.fresnel(x)
        si, ci = fsp.sici(x)
        return fsp.dawsn(x) + s * c - si + ci

    want = np.stack([np.asarray(f(x[i])) for i in range(3)])
    np.testing.assert_allclose(np.asarray(fx.vmap(f)(x)), want, rtol=1e-15)
    g = fx.grad(lambda v: f(v).sum())
    np.testing.assert_allclose(np.asarray(fx.vmap(g)(x)), np.stack([np.asarray(g(x[i])) for i in range(3)]),
                               rtol=1e-15)


def _d(fn, x, h):
    return (fn(x + h) - fn(x - h)) / (2 * h)


def _half_pi_square(fn, x):
    """fn(pi x**2 / 2) for an x whose square is exact, reduced modulo the period before pi rounds it."""
    return fn(np.pi / 2 * np.fmod(x * x, 4))


# (name, function, points, closed-form first and second derivatives, SciPy function)
DERIVATIVES = [
    ("dawsn", fsp.dawsn, [-3.0, 1e-5, 0.5, 0.999, 1.0, 1.001, 3.0, 15.9, 16.1, 50.0],
     lambda x: 1 - 2 * x * sp.dawsn(x), lambda x: -2 * sp.dawsn(x) - 2 * x * (1 - 2 * x * sp.dawsn(x)), sp.dawsn),
    ("fresnel_s", lambda x: fsp.fresnel(x)[0], [-2.5, 1e-3, 0.5, 0.999, 1.001, 3.25, 7.75, 8.25, 20.25],
     lambda x: _half_pi_square(np.sin, x), lambda x: np.pi * x * _half_pi_square(np.cos, x), lambda x: sp.fresnel(x)[0]),
    ("fresnel_c", lambda x: fsp.fresnel(x)[1], [-2.5, 1e-3, 0.5, 0.999, 1.001, 3.25, 7.75, 8.25, 20.25],
     lambda x: _half_pi_square(np.cos, x), lambda x: -np.pi * x * _half_pi_square(np.sin, x), lambda x: sp.fresnel(x)[1]),
    ("si", lambda x: fsp.sici(x)[0], [-2.5, 1e-3, 0.5, 1.999, 2.001, 3.999, 4.001, 10.0, 63.9, 64.1, 200.0],
     lambda x: np.sin(x) / x, lambda x: (x * np.cos(x) - np.sin(x)) / x ** 2, lambda x: sp.sici(x)[0]),
    ("ci", lambda x: fsp.sici(x)[1], [1e-3, 0.5, 1.999, 2.001, 3.999, 4.001, 10.0, 63.9, 64.1, 200.0],
     lambda x: np.cos(x) / x, lambda x: (-x * np.sin(x) - np.cos(x)) / x ** 2, lambda x: sp.sici(x)[1]),
]


@pytest.mark.parametrize("name, fn, points, d1, d2, oracle", DERIVATIVES, ids=[d[0] for d in DERIVATIVES])
def test_derivatives_match_closed_forms_and_central_differences(name, fn, points, d1, d2, oracle):
    for p in points:
        x = fnp.asarray(p, dtype=fnp.float64)
        first, second = float(fx.grad(fn)(x)), float(fx.grad(fx.grad(fn))(x))
        np.testing.assert_allclose(first, d1(p), rtol=1e-14, atol=1e-15, err_msg=f"{name}' at {p}")
        np.testing.assert_allclose(second, d2(p), rtol=1e-12, atol=1e-13, err_msg=f"{name}'' at {p}")
        h = 1e-6 * max(abs(p), 1e-3)
        np.testing.assert_allclose(first, _d(lambda v: oracle(np.float64(v)), p, h), rtol=1e-6, atol=1e-8,
                                   err_msg=name)
        fd2 = _d(lambda v: float(fx.grad(fn)(fnp.asarray(v, dtype=fnp.float64))), p, h)
        np.testing.assert_allclose(second, fd2, rtol=1e-6, atol=1e-7, err_msg=f"{name}'' at {p}")


def test_derivatives_at_zero_are_the_limits():
    zero = fnp.asarray(0.0, dtype=fnp.float64)
    si = lambda v: fsp.sici(v)[0]
    assert [float(g(zero)) for g in (fx.grad(si), fx.grad(fx.grad(si)), fx.grad(fx.grad(fx.grad(si))))] == \
        pytest.approx([1.0, 0.0, -1 / 3], abs=1e-15)
    assert float(fx.grad(fsp.dawsn)(zero)) == 1.0
    assert [float(fx.grad(lambda v, k=k: fsp.fresnel(v)[k])(zero)) for k in (0, 1)] == [0.0, 1.0]


def _nth(transform, fn, n):
    for _ in range(n):
        fn = transform(fn)
    return fn


def test_dawsn_derivatives_to_fourth_order_follow_the_recurrence_at_zero_and_beyond():
    # F' = 1 - 2 x F, so F^(n+1) = -2 n F^(n-1) - 2 x F^(n); at 0 they are 1, 0, -4, 0
    mp = pytest.importorskip("mpmath")
    mp.mp.dps = 30
    points = [0.0, -0.0, 1e-3, -0.5, 0.999, 1.0, 3.0, -15.9, 16.1, 40.0]
    want = []
    for p in points:
        x = mp.mpf(p)
        f = [mp.sqrt(mp.pi) / 2 * mp.exp(-x * x) * mp.erfi(x)]
        f.append(1 - 2 * x * f[0])
        for n in range(1, 4):
            f.append(-2 * n * f[n - 1] - 2 * x * f[n])
        want.append([float(v) for v in f[1:]])
    want = np.array(want)
    np.testing.assert_array_equal(want[:2], [[1.0, 0.0, -4.0, 0.0]] * 2)
    x = fnp.asarray(points, dtype=fnp.float64)
    for n in range(1, 5):
        # the recurrence cancels terms up to (2 x)**(n - 1) in size for large x
        tolerance = 1e-13 * np.abs(want[:, n - 1]) + 8 * EPS64 * (1 + 2 * np.abs(points)) ** (n - 1)
        for transform in (fx.grad, fx.jacfwd):
            d = _nth(transform, fsp.dawsn, n)
            assert float(d(fnp.asarray(0.0, dtype=fnp.float64))) == want[0, n - 1]
            for g in (fx.vmap(d), fx.jit(fx.vmap(d))):
                error = np.abs(np.asarray(g(x)) - want[:, n - 1])
                assert (error <= tolerance).all(), (n, transform.__name__, error / tolerance)


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_gradients_are_finite_and_equal_under_jit(name):
    x = fnp.asarray(_sweep(name, np.float64)[:1200], dtype=fnp.float64)
    x = x[fnp.abs(x) > 1e-90]
    total = lambda v: sum(o.sum() for o in FUNCTIONS[name][0](v))
    eager, jitted = np.asarray(fx.grad(total)(x)), np.asarray(fx.jit(fx.grad(total))(x))
    assert np.isfinite(eager).all()
    np.testing.assert_allclose(jitted, eager, rtol=8 * EPS64, atol=1e-15)
