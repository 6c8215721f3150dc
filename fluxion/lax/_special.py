"""Special functions: error and gamma functions, incomplete gamma and beta, zeta, Bessel."""
from __future__ import annotations

import numpy as np

from ..core.array import Array
from ..core.errors import ConcretizationError, op_error
from ..ops import elementwise as E
from ..ops import shape as S
from ..ops._util import broadcast_shape
from ._operands import ArrayLike, as_array, operands, unary


erf = unary("erf", E.erf_p, "The error function elementwise.")
erfc = unary("erfc", E.erfc_p, "`1 - erf(x)`, accurate where it is small.")


def erf_inv(x: ArrayLike) -> Array:
    """The inverse of `erf` on (-1, 1).

    >>> erf_inv(0.0).item()
    0.0
    """
    return E.erfinv_p.bind(as_array(x))


lgamma = unary("lgamma", E.lgamma_p, "`log |Gamma(x)|` elementwise.")
digamma = unary("digamma", E.digamma_p, "The derivative of `lgamma` elementwise.")


def polygamma(m: ArrayLike, x: ArrayLike) -> Array:
    """The `m`-th derivative of `digamma` at `x`, NaN where `m` is not a non-negative integer (as
    jax's): one kernel per order where `m` is known in Python, else (-1)**(m + 1) m! zeta(m + 1, x).

    >>> round(polygamma(1.0, 1.0).item(), 5)  # pi ** 2 / 6
    1.64493
    """
    m, x = operands(m, x)
    order = E.and_p.bind(E.ge_p.bind(m, _c(0, m)), E.eq_p.bind(E.floor_p.bind(m), m))
    try:
        orders = np.unique(np.asarray(m))
    except ConcretizationError:  # traced: through zeta
        n1 = E.add_p.bind(m, _c(1, m))
        odd = E.eq_p.bind(E.rem_p.bind(m, _c(2, m)), _c(1, m))
        factor = E.mul_p.bind(E.select_n_p.bind(odd, _c(-1, m), _c(1, m)), E.exp_p.bind(E.lgamma_p.bind(n1)))
        out = E.select_n_p.bind(E.eq_p.bind(m, _c(0, m)), E.mul_p.bind(factor, E.zeta_p.bind(n1, x)),
                                E.digamma_p.bind(x))
    else:
        orders = [int(v) for v in orders if v >= 0 and v == np.floor(v)] or [0]
        out = E.polygamma_p.bind(x, m=orders[0])
        for v in orders[1:]:  # one kernel per distinct order, picked elementwise
            out = E.select_n_p.bind(E.eq_p.bind(m, Array(np.asarray(v, m.dtype))), out, E.polygamma_p.bind(x, m=v))
    out = S.broadcast_to(out, broadcast_shape(m.shape, x.shape))
    return E.select_n_p.bind(S.broadcast_to(order, out.shape), _c(np.nan, out), out)


def _c(value, like: Array) -> Array:
    return Array(np.asarray(value, like.dtype))


def zeta(x: ArrayLike, q: ArrayLike) -> Array:
    """The Hurwitz zeta function: the sum of `(k + q) ** -x` over k >= 0."""
    return E.zeta_p.bind(*operands(x, q))


def igamma(a: ArrayLike, x: ArrayLike) -> Array:
    """The regularized lower incomplete gamma function `P(a, x)`.

    >>> round(igamma(1.0, 1.0).item(), 5)  # 1 - exp(-1)
    0.63212
    """
    return E.igamma_p.bind(*operands(a, x))


def igammac(a: ArrayLike, x: ArrayLike) -> Array:
    """The regularized upper incomplete gamma function `Q(a, x) = 1 - P(a, x)`."""
    return E.igammac_p.bind(*operands(a, x))


def igamma_grad_a(a: ArrayLike, x: ArrayLike) -> Array:
    """The derivative of `igamma(a, x)` in `a`."""
    return E.igamma_grad_a_p.bind(*operands(a, x))


def random_gamma_grad(a: ArrayLike, x: ArrayLike) -> Array:
    """dx/da for a sample `x` of Gamma(a, 1) held at its quantile (the implicit derivative that
    fluxion.random.gamma's samples carry): -(dP/da)(a, x) / p(a, x); 0 where x is 0.

    >>> round(random_gamma_grad(2.0, 1.7).item(), 4)
    0.9999
    """
    from ..random._gamma import _slope  # (the samplers build on fluxion.lax's layer, not the other way)
    return _slope(*operands(a, x))


def betainc(a: ArrayLike, b: ArrayLike, x: ArrayLike) -> Array:
    """The regularized incomplete beta function `I_x(a, b)`."""
    return E.betainc_p.bind(*operands(a, b, x))


bessel_i0e = unary("bessel_i0e", E.bessel_i0e_p, "The exponentially scaled modified Bessel function `exp(-|x|) I0(x)`.")
bessel_i1e = unary("bessel_i1e", E.bessel_i1e_p, "The exponentially scaled modified Bessel function `exp(-|x|) I1(x)`.")
