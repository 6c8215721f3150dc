"""Writes `_tables.py`: the piecewise polynomial approximations of fluxion.scipy's oscillatory
integrals (Dawson's, Fresnel's, the sine and cosine integrals) and of the Bessel functions of
orders 0 and 1, computed with mpmath.

Run `python tools/make_special_tables.py` (mpmath needed; fluxion itself does not use it). On each
interval [lo, hi] a function is interpolated at Chebyshev points in t = (x - mid) / half on
[-1, 1], in 60-digit arithmetic, and the interpolant is written as a polynomial in t. The degree
is the smallest whose interpolant (before its coefficients are rounded) is within `tolerance` of
the function in relative terms (or, for functions with zeros, of the interval's largest value) at
200 points of every interval. The Bessel functions J and Y are fitted divided by x - z, z their
zero within half a unit of the interval (at most one: their zeros are more than 3 apart), and the
zero is written as a pair of floats hi + lo, so that the product keeps its relative precision at
the zero.
"""
from __future__ import annotations

import itertools
import pathlib

import mpmath as mp

mp.mp.dps = 60
PI = mp.pi


def _chebyshev_monomials(f, lo, hi, degree):
    """The coefficients (constant first) in t of the interpolant of f at degree + 1 Chebyshev points."""
    mid, half = (mp.mpf(lo) + hi) / 2, (mp.mpf(hi) - lo) / 2
    n = degree + 1
    nodes = [mp.cos(PI * (k + mp.mpf(0.5)) / n) for k in range(n)]
    values = [f(mid + half * t) for t in nodes]
    cheb = [2 * mp.fsum(v * mp.cos(PI * j * (k + mp.mpf(0.5)) / n) for k, v in enumerate(values)) / n
            for j in range(n)]
    cheb[0] /= 2
    # T_j in monomials, by T_{j+1} = 2 t T_j - T_{j-1}
    basis = [[mp.mpf(1)], [mp.mpf(0), mp.mpf(1)]]
    while len(basis) < n:
        prev, cur = basis[-2], basis[-1]
        basis.append([2 * a - (prev[i] if i < len(prev) else 0) for i, a in enumerate([mp.mpf(0)] + cur)])
    out = [mp.mpf(0)] * n
    for c, poly in zip(cheb, basis):
        for i, a in enumerate(poly):
            out[i] += c * a
    return out


def _horner(coefficients, t):
    out = mp.mpf(0)
    for c in reversed(coefficients):
        out = out * t + c
    return out


def fit(f, breaks, tolerance, absolute=False):
    """One row of float coefficients per interval, all of the smallest degree meeting `tolerance`.
    `f` is a function, or a list of one function per interval."""
    intervals = list(itertools.pairwise(breaks))
    fs = f if isinstance(f, list) else [f] * len(intervals)
    ts = [mp.mpf(-1) + 2 * mp.mpf(k) / 199 for k in range(200)]
    checks = {}  # the function at the test points of each interval, computed once
    for degree in range(4, 60):
        rows, ok = [], True
        for i, (lo, hi) in enumerate(intervals):
            f = fs[i]
            coefficients = _chebyshev_monomials(f, lo, hi, degree)
            mid, half = (mp.mpf(lo) + hi) / 2, (mp.mpf(hi) - lo) / 2
            if i not in checks:
                checks[i] = [f(mid + half * t) for t in ts]
            exact = checks[i]
            scale = max(abs(v) for v in exact)
            err = max(abs(_horner(coefficients, t) - v) / (scale if absolute else abs(v)) for t, v in zip(ts, exact))
            if err > tolerance:
                ok = False
                break
            rows.append([float(c) for c in coefficients])
        if ok:
            return rows
    raise ValueError("no degree below 60 meets the tolerance")


# the functions, in the variables the tables are in -------------------------------------------------
def dawson(x):
    return mp.sqrt(PI) / 2 * mp.exp(-x * x) * mp.erfi(x)


def dawson_small(u):
    """dawsn(x) / x as a function of u = x**2 (so that it is exact in relative terms near 0)."""
    return mp.mpf(1) if u == 0 else dawson(mp.sqrt(u)) / mp.sqrt(u)


def fresnel_s_small(u):
    """S(x) / x**3 as a function of u = x**4."""
    x = mp.root(u, 4)
    return PI / 6 if u == 0 else mp.fresnels(x) / x ** 3


def fresnel_c_small(u):
    """C(x) / x as a function of u = x**4."""
    x = mp.root(u, 4)
    return mp.mpf(1) if u == 0 else mp.fresnelc(x) / x


def fresnel_f(x):
    """The auxiliary functions of DLMF 7.2.10: S = 1/2 - f cos(pi x**2 / 2) - g sin(...)."""
    z = PI * x * x / 2
    return (mp.mpf(0.5) - mp.fresnels(x)) * mp.cos(z) - (mp.mpf(0.5) - mp.fresnelc(x)) * mp.sin(z)


def fresnel_g(x):
    z = PI * x * x / 2
    return (mp.mpf(0.5) - mp.fresnelc(x)) * mp.cos(z) + (mp.mpf(0.5) - mp.fresnels(x)) * mp.sin(z)


def si_small(u):
    """Si(x) / x as a function of u = x**2."""
    return mp.mpf(1) if u == 0 else mp.si(mp.sqrt(u)) / mp.sqrt(u)


def cin_small(u):
    """Ci(x) - euler - log(x) as a function of u = x**2 (an entire function of u)."""
    return mp.mpf(0) if u == 0 else mp.ci(mp.sqrt(u)) - mp.euler - mp.log(u) / 2


def sici_f(x):
    """The auxiliary functions of DLMF 6.2.17: Si = pi/2 - f cos x - g sin x, Ci = f sin x - g cos x."""
    return mp.ci(x) * mp.sin(x) - (mp.si(x) - PI / 2) * mp.cos(x)


def sici_g(x):
    return -mp.ci(x) * mp.cos(x) - (mp.si(x) - PI / 2) * mp.sin(x)


# Bessel functions of orders 0 and 1 (computed in float64 only) ------------------------------------
BESSEL = {"j0": lambda x: mp.besselj(0, x), "j1": lambda x: mp.besselj(1, x),
          "y0": lambda x: mp.bessely(0, x), "y1": lambda x: mp.bessely(1, x)}
BESSEL_ZEROS = {"j0": lambda k: mp.besseljzero(0, k), "j1": lambda k: mp.besseljzero(1, k),
                "y0": lambda k: mp.besselyzero(0, k), "y1": lambda k: mp.besselyzero(1, k)}
BESSEL_BREAKS = {"j0": [1, 2] + list(range(4, 27, 2)), "j1": [1, 2] + list(range(4, 27, 2)),
                 "y0": [0.5, 1, 2] + list(range(4, 27, 2)), "y1": [1, 2] + list(range(4, 27, 2))}


def _without_zero(f, z):
    """f(x) / (x - z), or f'(z) at z."""
    return lambda x: mp.diff(f, z) if x == z else f(x) / (x - z)


def bessel_table(name):
    """(breaks, one function per interval, the zero of each interval as [hi, lo] or None)."""
    f, breaks = BESSEL[name], BESSEL_BREAKS[name]
    zeros = [BESSEL_ZEROS[name](k) for k in range(1, 12)]
    fs, pairs = [], []
    for lo, hi in itertools.pairwise(breaks):
        near = [z for z in zeros if lo - 0.5 <= z <= hi + 0.5]
        assert len(near) <= 1
        if near:
            z = near[0]
            fs.append(_without_zero(f, z))
            pairs.append([float(z), float(z - mp.mpf(float(z)))])
        else:
            fs.append(f)
            pairs.append(None)
    return breaks, fs, pairs


def k_far(n):
    """sqrt(x) exp(x) K_n(x) as a function of t = 1 / x (sqrt(pi / 2) at t = 0)."""
    return lambda t: mp.sqrt(PI / 2) if t == 0 else mp.sqrt(1 / t) * mp.exp(1 / t) * mp.besselk(n, 1 / t)


K_BREAKS = [0, 0.125, 0.25, 0.5, 1]

TOLERANCE = {"float64": 2.0 ** -56, "float32": 2.0 ** -27}
TABLES = {  # name: (function, breaks, absolute)
    "dawsn_small": (dawson_small, [0, 1], False),
    "dawsn": (dawson, [1, 2, 4, 8, 16], False),
    "fresnel_s_small": (fresnel_s_small, [0, 1], False),
    "fresnel_c_small": (fresnel_c_small, [0, 1], False),
    "fresnel_f": (fresnel_f, [1, 2, 4, 8], False),
    "fresnel_g": (fresnel_g, [1, 2, 4, 8], False),
    "si_small": (si_small, [0, 4], False),
    "cin_small": (cin_small, [0, 4], True),
    "sici_f": (sici_f, [2, 4, 8, 16, 32, 64], False),
    "sici_g": (sici_g, [2, 4, 8, 16, 32, 64], False),
}


def _write_rows(lines, dtype, breaks, rows):
    lines.append(f"        {dtype!r}: ({[float(b) for b in breaks]!r}, [")
    for row in rows:
        lines.append(f"            {[float.fromhex(float(c).hex()) for c in row]!r},")
    lines.append("        ]),")


def main() -> None:
    lines = ['"""Piecewise polynomial tables of fluxion.scipy\'s oscillatory integrals and Bessel functions,',
             'written by `python tools/make_special_tables.py` (see there): name -> dtype -> (breaks, rows),',
             'one row of coefficients in t = (x - mid) / half, constant first, per interval between',
             'consecutive breaks. ZEROS: for the Bessel tables, per interval the zero [hi, lo] the polynomial',
             'is to be multiplied by (x - hi - lo), or None."""',
             "", "TABLES = {"]
    for name, (f, breaks, absolute) in TABLES.items():
        lines.append(f"    {name!r}: {{")
        for dtype, tolerance in TOLERANCE.items():
            rows = fit(f, breaks, tolerance, absolute)
            _write_rows(lines, dtype, breaks, rows)
            print(name, dtype, "degree", len(rows[0]) - 1)
        lines.append("    },")
    zeros = {}
    for name in BESSEL:
        breaks, fs, zeros[name] = bessel_table(name)
        rows = fit(fs, breaks, TOLERANCE["float64"])
        lines.append(f"    {'bessel_' + name!r}: {{")
        _write_rows(lines, "float64", breaks, rows)
        lines.append("    },")
        print(name, "degree", len(rows[0]) - 1)
    for n in (0, 1):
        rows = fit(k_far(n), K_BREAKS, TOLERANCE["float64"])
        lines.append(f"    'bessel_k{n}e_far': {{")
        _write_rows(lines, "float64", K_BREAKS, rows)
        lines.append("    },")
        print(f"k{n}e_far degree", len(rows[0]) - 1)
    lines.append("}")
    lines.append("")
    lines.append("ZEROS = {")
    for name, pairs in zeros.items():
        lines.append(f"    {'bessel_' + name!r}: {pairs!r},")
    lines.append("}")
    path = pathlib.Path(__file__).parents[1] / "fluxion" / "scipy" / "_tables.py"
    path.write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
