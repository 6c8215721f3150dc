"""The spherical harmonics Y_n^m(theta, phi) of fluxion.scipy.special.sph_harm_y, with SciPy's (1.15+)
conventions: theta polar, phi azimuthal, the Condon-Shortley phase, orthonormal on the sphere.

Y_n^m = (-1)**m [m < 0] P_n^|m|(cos theta) e**(i m phi), where P_n^m is the normalized associated Legendre
function sqrt((2n + 1) / (4 pi) (n - m)! / (n + m)!) P_n^m, computed by recurrences of normalized values
(which never overflow): along the diagonal P_l^l = -sqrt((2l + 1) / (2l)) sin(theta) P_{l-1}^{l-1} from
P_0^0 = 1 / sqrt(4 pi), then in the degree P_l^m = a_l (cos(theta) P_{l-1}^m - P_{l-2}^m / a_{l-1}),
a_l = sqrt((4 l**2 - 1) / (l**2 - m**2)). One loop over l up to n_max serves every element, each with
its own n and m. Differentiable in theta and phi through the recurrences.
"""
from __future__ import annotations

import math

import numpy as np

from ..control import fori_loop
from ..core import dtypes
from ..core.array import Array, Tracer, to_array
from ..core.errors import op_error
from ..numpy._convert import convert
from ..ops import elementwise as E
from ..ops import shape as S
from ..ops._util import broadcast_shapes
from ._util import _c, _real, _where, _wide


def _legendre(n: Array, m: Array, x: Array, s: Array, n_max: int) -> Array:
    """The normalized P_n^m(x) for integers 0 <= m <= n <= n_max (as floats), x = cos theta, s = sin theta."""
    one, zero = _c(1, x), _c(0, x)
    p0 = S.broadcast_to(_c(1 / math.sqrt(4 * math.pi), x), x.shape)
    zeros = S.broadcast_to(zero, x.shape)
    m2 = E.mul_p.bind(m, m)

    def inverse_a(lf):  # 1 / a_l = sqrt((l**2 - m**2) / (4 l**2 - 1)), 0 at l = m
        l2 = E.mul_p.bind(lf, lf)
        return E.sqrt_p.bind(E.div_p.bind(E.max_p.bind(E.sub_p.bind(l2, m2), zero),
                                          E.sub_p.bind(E.mul_p.bind(l2, _c(4, x)), one)))

    def step(l, state):
        diagonal, previous, current, out = state
        lf = convert(l, x.dtype)
        diagonal = E.mul_p.bind(diagonal, E.mul_p.bind(s, E.neg_p.bind(E.sqrt_p.bind(
            E.div_p.bind(E.add_p.bind(E.add_p.bind(lf, lf), one), E.add_p.bind(lf, lf))))))
        above = E.gt_p.bind(lf, m)
        inv_l = inverse_a(_where(above, lf, E.add_p.bind(m, one)))  # (never 0 where it divides)
        inv_previous = inverse_a(E.sub_p.bind(lf, one))
        up = E.div_p.bind(E.sub_p.bind(E.mul_p.bind(x, current), E.mul_p.bind(previous, inv_previous)), inv_l)
        at = E.eq_p.bind(lf, m)
        previous, current = (_where(above, current, zeros), _where(above, up, _where(at, diagonal, current)))
        return diagonal, previous, current, _where(E.eq_p.bind(lf, n), current, out)

    current = _where(E.eq_p.bind(m, zero), p0, zeros)
    out = _where(E.eq_p.bind(n, zero), current, zeros)
    return fori_loop(1, n_max + 1, step, (p0, zeros, current, out))[3]


def sph_harm_y(n, m, theta, phi, *, diff_n: int | None = None, n_max: int | None = None) -> Array:
    """The spherical harmonic Y_n^m(theta, phi) of degree n and order m, theta polar and phi azimuthal.

    As scipy.special.sph_harm_y (SciPy 1.15+): sqrt((2n + 1) / (4 pi) (n - m)! / (n + m)!)
    P_n^m(cos theta) e**(i m phi) with the Condon-Shortley phase, 0 where |m| > n or n < 0. `n` and `m`
    are integers (floats are truncated); `n_max` (jax's extra argument, a Python int) bounds n: it is
    needed where n is traced (under jit or vmap) and taken from n otherwise; degrees above it give 0
    (jax clips them). Complex in theta's and phi's precision (complex64 for float32). Differentiable in
    theta and phi; only diff_n = 0 (or None) is supported.

    >>> import fluxion.scipy.special as fsp
    >>> y = fsp.sph_harm_y(1, 1, 0.5, 0.0)
    >>> round(y.real.item(), 4)  # -sqrt(3 / (8 pi)) sin(0.5)
    -0.1656
    """
    if diff_n not in (None, 0):
        raise op_error(NotImplementedError, "sph_harm_y", f"derivatives in the result (diff_n={diff_n!r}) are not "
                       "supported", "pass diff_n=0 and differentiate with fx.grad or fx.jacfwd in theta and phi")
    n_in, m_in = to_array(n), to_array(m)
    if n_max is None:
        if isinstance(n_in, Tracer):
            raise op_error(TypeError, "sph_harm_y", "the degree n is traced, so its largest value is unknown",
                           "pass n_max=<the largest n> as a Python int")
        n_max = max(int(np.max(np.asarray(n_in))), 0) if n_in.size else 0
    if isinstance(n_max, Tracer) or not isinstance(n_max, (int, np.integer)) or isinstance(n_max, bool):
        raise op_error(TypeError, "sph_harm_y", f"`n_max` must be a Python int, got {n_max!r}",
                       "pass `n_max` as a Python int (a static argument under jit)")
    theta_in, phi_in = _real("sph_harm_y", theta, phi)
    theta_w, phi_w = _wide(theta_in), _wide(phi_in)
    real = dtypes.float64 if dtypes.float64 in (theta_w.dtype, phi_w.dtype) else theta_w.dtype
    theta_w, phi_w = convert(theta_w, real, theta_w.weak), convert(phi_w, real, phi_w.weak)
    nf, mf = (E.trunc_p.bind(convert(v, real)) if v.dtype in dtypes.REAL_FLOATING else convert(v, real) for v in (n_in, m_in))
    shape = broadcast_shapes("sph_harm_y", nf.shape, mf.shape, theta_w.shape, phi_w.shape)
    nf, mf, theta_w, phi_w = (S.broadcast_to(v, shape) for v in (nf, mf, theta_w, phi_w))
    zero = _c(0, theta_w)
    am = E.abs_p.bind(mf)
    valid = E.and_p.bind(E.le_p.bind(am, nf), E.le_p.bind(nf, _c(n_max, nf)))
    p = _legendre(_where(valid, nf, zero), _where(valid, am, zero), E.cos_p.bind(theta_w), E.sin_p.bind(theta_w),
                  int(n_max))
    odd = E.ne_p.bind(E.rem_p.bind(am, _c(2, am)), zero)
    p = _where(E.and_p.bind(E.lt_p.bind(mf, zero), odd), E.neg_p.bind(p), p)
    p = _where(valid, p, zero)
    angle = E.mul_p.bind(mf, phi_w)
    out = E.complex_p.bind(E.mul_p.bind(p, E.cos_p.bind(angle)), E.mul_p.bind(p, E.sin_p.bind(angle)))
    weak = theta_in.weak and phi_in.weak
    target = dtypes.complex_dtype(dtypes.result_type((theta_in.dtype, theta_in.weak), (phi_in.dtype, phi_in.weak))[0])
    return convert(out, target, weak)
