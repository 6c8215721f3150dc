"""Bessel functions of the first kind of integer order, J_0 .. J_v of a real argument, for
fluxion.scipy.special.bessel_jn.

All orders come from Miller's backward recurrence J_{n-1} = (2n / x) J_n - J_{n+1}, started at a
fixed order N above 1.1 |x| + 30 (where the true J_N is negligible) and normalized: for |x| < 25 by
J_0 + 2 (J_2 + J_4 + ...) = 1, beyond by the pair (J_0, J_1) of Hankel's asymptotic expansion
(which never vanish together). Where |x| is too close to N the backward recurrence has not
converged, and the orders are the forward recurrence from Hankel's J_0 and J_1 (accurate for
orders below |x|). The recurrence is rescaled by powers of two so that it never overflows.
dJ_n/dx = (J_{n-1} - J_{n+1}) / 2, given by `custom_jvp`, holds at every order.
"""
from __future__ import annotations

import functools
import math

import numpy as np

from ..core import dtypes
from ..core.array import Array, Tracer
from ..core.errors import op_error
from ..numpy._convert import convert
from ..ops import elementwise as E
from ..ops import shape as S
from ..transforms.autodiff.custom import custom_jvp
from ._exponential_integrals import _terms
from ._util import _c, _is_nan, _poly, _real, _where

_HANKEL_FROM = 25.0  # Hankel's series for J_0 and J_1 reach eps from here (in 18 terms; 8 in float32)
_MARGIN = 30  # the backward recurrence converges for |x| <= (start - 30) / 1.1
_RESCALE = {dtypes.float64: 2.0 ** 500, dtypes.float32: 2.0 ** 60}


def _hankel_terms(nu: int, count: int) -> list[float]:
    """a_k(nu) = (4 nu**2 - 1)(4 nu**2 - 9)...(4 nu**2 - (2k - 1)**2) / (k! 8**k), k < count."""
    out, a = [1.0], 1.0
    for k in range(1, count):
        a *= (4 * nu * nu - (2 * k - 1) ** 2) / (k * 8)
        out.append(a)
    return out


def _hankel(x: Array) -> tuple[tuple[Array, Array], tuple[Array, Array]]:
    """(J_0(x), Y_0(x)), (J_1(x), Y_1(x)) for x >= 25: sqrt(2 / (pi x)) (P cos chi - Q sin chi) and
    sqrt(2 / (pi x)) (P sin chi + Q cos chi), chi = x - (nu / 2 + 1/4) pi, P = sum (-1)**j a_2j / x**2j,
    Q = sum (-1)**j a_2j+1 / x**(2j + 1) (DLMF 10.17.3, 10.17.4), with cos chi and sin chi from cos x
    and sin x (so that x - chi is not rounded)."""
    r = E.div_p.bind(_c(1, x), x)
    r2 = E.mul_p.bind(r, r)
    count = _terms(x, 36, 16)
    c, s = E.cos_p.bind(x), E.sin_p.bind(x)
    half = _c(math.sqrt(0.5), x)
    # cos and sin of x - pi/4 and of x - 3 pi/4
    chis = [(E.mul_p.bind(E.add_p.bind(c, s), half), E.mul_p.bind(E.sub_p.bind(s, c), half)),
            (E.mul_p.bind(E.sub_p.bind(s, c), half), E.neg_p.bind(E.mul_p.bind(E.add_p.bind(s, c), half)))]
    amplitude = E.sqrt_p.bind(E.mul_p.bind(r, _c(2 / math.pi, x)))
    out = []
    for nu, (cos_chi, sin_chi) in enumerate(chis):
        a = _hankel_terms(nu, count)
        p = _poly(r2, [(-1) ** j * a[2 * j] for j in range(count // 2)])
        q = E.mul_p.bind(r, _poly(r2, [(-1) ** j * a[2 * j + 1] for j in range(count // 2)]))
        j = E.mul_p.bind(amplitude, E.sub_p.bind(E.mul_p.bind(p, cos_chi), E.mul_p.bind(q, sin_chi)))
        y = E.mul_p.bind(amplitude, E.add_p.bind(E.mul_p.bind(p, sin_chi), E.mul_p.bind(q, cos_chi)))
        out.append((j, y))
    return out[0], out[1]


def _ratios(x: Array, start: int, count: int) -> tuple[list[Array], Array]:
    """Miller's backward recurrence in ratios r_n = J_n / J_{n-1} = 1 / (2n / x - r_{n+1}), from
    r_{start+1} = 0 (never overflowing), and W = (J_2 + J_4 + ...) / J_0 by W_n = r_n ([n even] + W_{n+1}).
    Returns r_1 .. r_count and W."""
    r, w = _c(0, x), _c(0, x)
    two_over_x = E.div_p.bind(_c(2, x), x)
    kept = []
    for n in range(start, 0, -1):
        r = E.div_p.bind(_c(1, x), E.sub_p.bind(E.mul_p.bind(two_over_x, _c(n, x)), r))
        w = E.mul_p.bind(r, E.add_p.bind(_c(1 - n % 2, x), w))
        if n <= count:
            kept.append(r)
    return kept[::-1], w


def _bessel_orders(x: Array, v: int, start: int) -> list[Array]:
    """J_0(x) .. J_v(x) for x >= 0 finite."""
    top = max(v, 1)
    ratios, w = _ratios(x, start, top)
    large = E.ge_p.bind(x, _c(_HANKEL_FROM, x))
    (j0h, _), (j1h, _) = _hankel(_where(large, x, _c(_HANKEL_FROM, x)))
    # below 25 the sum rule; beyond, the larger of Hankel's J_0 and J_1, the other by the ratio r_1
    from_sum = E.div_p.bind(_c(1, x), E.add_p.bind(_c(1, x), E.add_p.bind(w, w)))
    by_j1 = E.gt_p.bind(E.abs_p.bind(j1h), E.abs_p.bind(j0h))
    j0 = _where(large, _where(by_j1, E.div_p.bind(j1h, ratios[0]), j0h), from_sum)
    j1 = _where(large, _where(by_j1, j1h, E.mul_p.bind(j0h, ratios[0])), E.mul_p.bind(from_sum, ratios[0]))
    backward = [j0, j1]
    for r in ratios[1:]:
        backward.append(E.mul_p.bind(backward[-1], r))
    # within _MARGIN of the start the backward recurrence has not converged: forward from Hankel's pair
    forward = [j0h, j1h]
    two_over_x = E.div_p.bind(_c(2, x), _where(large, x, _c(_HANKEL_FROM, x)))
    for n in range(1, top):
        forward.append(E.sub_p.bind(E.mul_p.bind(E.mul_p.bind(two_over_x, _c(n, x)), forward[-1]), forward[-2]))
    unconverged = E.gt_p.bind(x, _c((start - _MARGIN) / 1.1, x))
    return [_where(unconverged, f, b) for f, b in zip(forward, backward)][:v + 1]


@functools.lru_cache(maxsize=None)
def _bessel_jn_fn(v: int, start: int):
    """J_0 .. J_v stacked on a leading axis, as a function with its derivative rule."""
    def value(z: Array) -> Array:
        x = E.abs_p.bind(z)
        finite = E.is_finite_p.bind(x)
        orders = _bessel_orders(_where(finite, x, _c(1, x)), v, start)
        negative = E.lt_p.bind(z, _c(0, z))
        out = []
        for n, j in enumerate(orders):
            if n % 2:
                j = _where(negative, E.neg_p.bind(j), j)
            j = _where(finite, j, _c(np.nan, j))  # as SciPy's jv: NaN at +-inf (the limit is 0)
            out.append(S.expand_dims(_where(_is_nan(z), z, j), (0,)))
        return S.concatenate(out, 0)

    f = custom_jvp(value)

    def derivative(t, out, z):
        # dJ_n/dz = (J_{n-1} - J_{n+1}) / 2, with J_{-1} = -J_1
        wider = _bessel_jn_fn(v + 1, start)(z)
        below = S.concatenate([E.neg_p.bind(S.slice_in_dim(wider, 1, 2)), S.slice_in_dim(wider, 0, v)], 0)
        above = S.slice_in_dim(wider, 1, v + 2)
        return E.mul_p.bind(S.expand_dims(t, (0,)), E.mul_p.bind(E.sub_p.bind(below, above), _c(0.5, z)))

    f.defjvps(derivative)
    return f


def bessel_jn(z, *, v: int, n_iter: int = 50) -> Array:
    """The Bessel functions of the first kind J_0(z) .. J_v(z) of real z, stacked on a leading axis.

    As jax.scipy.special.bessel_jn: the result has shape (v + 1, *z.shape) and z's dtype; `v` and
    `n_iter` are Python ints. `n_iter` is the order the backward recurrence starts from (at least
    v + 30 and 58 are used); all orders are accurate for |z| <= (n_iter - 30) / 1.1 (to a few ulps
    of the larger of |J_0(z)|, |J_1(z)|, and relatively for orders above |z|). Beyond, they are
    Hankel's expansion of J_0 and J_1 carried up by the forward recurrence, accurate for orders
    below |z| only: raise `n_iter` to 1.1 |z| + 30 for higher orders of larger z.
    J_n(-z) = (-1)**n J_n(z); NaN at +-inf (as SciPy's jv). Computed in float64 and rounded once.
    dJ_n/dz = (J_{n-1}(z) - J_{n+1}(z)) / 2.

    >>> import fluxion.scipy.special as fsp
    >>> [round(j, 4) for j in fsp.bessel_jn(1.0, v=2).tolist()]
    [0.7652, 0.4401, 0.1149]
    """
    for name, value in (("v", v), ("n_iter", n_iter)):
        if isinstance(value, Tracer) or not isinstance(value, (int, np.integer)) or isinstance(value, bool):
            raise op_error(TypeError, "bessel_jn", f"`{name}` must be a Python int, got {value!r}",
                           f"pass `{name}` as a Python int (a static argument under jit)")
        if value < 0:
            raise op_error(ValueError, "bessel_jn", f"`{name}` must be >= 0, got {value}",
                           f"pass a non-negative `{name}`")
    (z_in,) = _real("bessel_jn", z)
    # the backward recurrence serves up to |z| = 25, where Hankel's expansion takes over
    start = max(int(n_iter), int(v) + _MARGIN, math.ceil(1.1 * _HANKEL_FROM) + _MARGIN)
    # float64 throughout, rounded once: the recurrences' rounding stays far below float32's
    out = _bessel_jn_fn(int(v), start)(convert(z_in, dtypes.float64, z_in.weak))
    return convert(out, z_in.dtype, z_in.weak)
