"""A second table of operations for random programs, with the structure of `_jax_program_ops.OPS`:
FFTs, convolutions and pooling, more special functions, distributions differentiated in their
parameters, scipy.linalg and more of numpy.linalg, statistics, complex intermediates with real
results, nn and lax operations, transformations inside programs and reparameterised random draws.

Besides `m.np`, `m.sp` and `m.nn`, the namespace has `m.lax`, `m.sla` (scipy.linalg), `m.st`
(scipy.stats), `m.sig` (scipy.signal), `m.random` and the transformations `m.jit`, `m.vmap`,
`m.grad`, `m.jvp`, `m.checkpoint` and `m.custom_jvp`. `make` checks every input set with NumPy,
so that no set lies near a kink, tie or pole, and jax and fluxion must agree.
"""
from __future__ import annotations

import numpy as np

from _jax_program_ops import GAP, _axis, _axis1, _binary, _general, _separated, _shift, _size, _spd, _sym, _unary

NORMS = (None, "ortho", "forward", "backward")


def _c(m, x, value):
    """A constant in `x`'s dtype (a float32 program stays float32, a float64 one is not rounded)."""
    return m.np.asarray(value, dtype=x.dtype)


def _mix(m, z):
    """A real function of both parts of a complex value."""
    return m.np.real(z) - 0.5 * m.np.imag(z)


def _positive(m, p):
    return 0.4 + p * p


def _one(fn, ok):
    """A unary step whose constants `ok(rng, x)` draws from set 0 (None where `x` does not fit)."""
    return 1, lambda rng, a: ok(rng, a[0]), fn


def _two(fn, ok):
    return 2, lambda rng, a, b: ok(rng, a[0], b[0]), fn


def _checked(arity, ok, guard, fn):
    """A step whose constants `ok(rng, *operands)` draws from input set 0, kept only where
    `guard(params, *operands)` holds in every input set."""
    def make(rng, *a):
        params = ok(rng, *[v[0] for v in a])
        if params is None or not all(guard(params, *vs) for vs in zip(*a)):
            return None
        return params
    return arity, make, fn


# FFT -------------------------------------------------------------------------------------
def _fft_axis(rng, x):
    if x.ndim == 0:
        return None
    axis = _axis1(rng, x.ndim)
    n = x.shape[axis]
    return {"axis": axis, "n": [None, n + 2, max(n - 1, 1)][rng.integers(3)], "norm": NORMS[rng.integers(4)]}


def _inverse_real_axis(rng, x):
    """irfft / hfft: `n` is the output length, by default 2 (len - 1), which must be positive."""
    params = _fft_axis(rng, x)
    if params is None:
        return None
    n = x.shape[params["axis"]]
    params["n"] = [None if n > 1 else 2, 2 * n - 1, n + 1][rng.integers(3)]
    return params


def _fft_axes(rng, x):
    if x.ndim == 0:
        return None
    k = int(rng.integers(1, x.ndim + 1))
    axes = sorted(rng.choice(x.ndim, k, replace=False).tolist())
    s = None if rng.integers(2) else [x.shape[a] + int(rng.integers(-1, 3)) or 1 for a in axes]
    return {"axes": axes, "s": s, "norm": NORMS[rng.integers(4)]}


def _fft_abs_ok(params, x):
    z = np.fft.fft(x, n=params["n"], axis=params["axis"], norm=params["norm"])
    return np.min(np.abs(z)) > GAP


MORE_OPS = {
    "fft": _one(lambda m, x, axis, n, norm: _mix(m, m.np.fft.fft(x, n=n, axis=axis, norm=norm)), _fft_axis),
    "ifft": _one(lambda m, x, axis, n, norm: _mix(m, m.np.fft.ifft(x * (1 - 0.5j), n=n, axis=axis, norm=norm)), _fft_axis),
    "rfft": _one(lambda m, x, axis, n, norm: _mix(m, m.np.fft.rfft(x, n=n, axis=axis, norm=norm)), _fft_axis),
    "ihfft": _one(lambda m, x, axis, n, norm: _mix(m, m.np.fft.ihfft(x, n=n, axis=axis, norm=norm)), _fft_axis),
    "irfft": _one(lambda m, x, axis, n, norm: m.np.fft.irfft(x + 0.5j * m.np.sin(x), n=n, axis=axis, norm=norm), _inverse_real_axis),
    "hfft": _one(lambda m, x, axis, n, norm: m.np.fft.hfft(x - 0.3j * m.np.cos(x), n=n, axis=axis, norm=norm), _inverse_real_axis),
    "fftn": _one(lambda m, x, axes, s, norm: _mix(m, m.np.fft.fftn(x, s=s, axes=axes, norm=norm)), _fft_axes),
    "ifftn": _one(lambda m, x, axes, s, norm: _mix(m, m.np.fft.ifftn(x + 0.2j * x * x, s=s, axes=axes, norm=norm)), _fft_axes),
    "rfftn": _one(lambda m, x, axes, s, norm: _mix(m, m.np.fft.rfftn(x, s=s, axes=axes, norm=norm)), _fft_axes),
    "irfftn": _one(lambda m, x, axes, s, norm: m.np.fft.irfftn(x + 0.5j * m.np.sin(x), s=s, axes=axes, norm=norm),
                   lambda rng, x: (lambda p: p if p is None or p["s"] is not None or x.shape[p["axes"][-1]] > 1 else None)(_fft_axes(rng, x))),
    "fftshift": _one(lambda m, x, axes, s, norm: m.np.fft.fftshift(x, axes=axes) * 1.5 + m.np.fft.ifftshift(x, axes=axes[-1]), _fft_axes),
    "rfft_power": _one(lambda m, x, axis, n, norm: m.np.abs(m.np.fft.rfft(x, n=n, axis=axis, norm=norm)) ** 2, _fft_axis),
}
MORE_OPS["fft_abs"] = _checked(1, _fft_axis, _fft_abs_ok, lambda m, x, axis, n, norm: m.np.abs(m.np.fft.fft(x, n=n, axis=axis, norm=norm)))


# convolutions, windows -----------------------------------------------------------------------
MODES = ("full", "same", "valid")


def _vectors(rng, x, y):
    return {"mode": MODES[rng.integers(3)]} if x.ndim == 1 and y.ndim == 1 else None


def _same_rank(rng, x, y):
    if x.ndim == 0 or x.ndim != y.ndim:
        return None
    mode = MODES[rng.integers(3)]
    bigger = all(p >= q for p, q in zip(x.shape, y.shape)) or all(p <= q for p, q in zip(x.shape, y.shape))
    return {"mode": mode} if mode != "valid" or bigger else None


def _kernel(rng, x):
    return {"kernel": rng.normal(size=int(rng.integers(1, 5))).round(3).tolist(), "mode": MODES[rng.integers(3)]}


def _conv_shapes(rng, x, y):
    """lax.conv_general_dilated of `x` as NCH or NCHW, its kernel the first entries of `y`."""
    if x.ndim == 0:
        return None
    lhs = (1, 1, x.shape[0]) if x.ndim == 1 else (1,) + x.shape
    c, spatial = lhs[1], lhs[2:]
    groups = int(rng.choice([1, c]))
    out = groups * int(rng.integers(1, 3))
    window = tuple(int(rng.integers(1, min(3, n) + 1)) for n in spatial)
    need = out * (c // groups) * int(np.prod(window))
    if y.size < need:
        return None
    r = rng.integers(3)
    padding = "SAME" if r == 0 else "VALID" if r == 1 else [tuple(int(p) for p in rng.integers(-1, 3, 2)) for _ in spatial]
    dims = len(spatial)
    pick = lambda: [int(v) for v in rng.integers(1, 3, dims)]
    lhs_dilation = [1] * dims if isinstance(padding, str) else pick()  # jax pads dilated inputs explicitly only
    return {"lhs": lhs, "rhs": (out, c // groups) + window, "strides": pick(), "padding": padding,
            "lhs_dilation": lhs_dilation, "rhs_dilation": pick(), "groups": groups}


def _conv(m, x, y, lhs, rhs, strides, padding, lhs_dilation, rhs_dilation, groups):
    kernel = m.np.ravel(y)[: int(np.prod(rhs))].reshape(rhs)
    out = m.lax.conv_general_dilated(x.reshape(lhs), kernel, strides, padding, lhs_dilation=lhs_dilation,
                                     rhs_dilation=rhs_dilation, feature_group_count=groups)
    return out[0]


def _pool_params(rng, x):
    if x.ndim == 0:
        return None
    window = [int(rng.integers(1, min(3, n) + 1)) for n in x.shape]
    strides = [int(rng.integers(1, 3)) for _ in x.shape]
    padding = [(int(rng.integers(0, w)), int(rng.integers(0, w))) for w in window]
    return {"window": window, "strides": strides, "padding": padding, "kind": ["max", "min", "sum", "avg"][rng.integers(4)]}


def _windows(v, window, strides, padding, fill):
    v = np.pad(v, padding, constant_values=fill)
    w = np.lib.stride_tricks.sliding_window_view(v, window)
    return w[tuple(slice(None, None, s) for s in strides)].reshape(-1, int(np.prod(window)))


def _pool_ok(params, x):
    if params["kind"] not in ("max", "min"):
        return True
    sign = 1.0 if params["kind"] == "max" else -1.0
    w = np.sort(sign * _windows(x, params["window"], params["strides"], params["padding"], -np.inf), axis=-1)
    return w.size > 0 and np.all(np.isfinite(w[:, -1])) and (w.shape[1] < 2 or np.min(w[:, -1] - w[:, -2]) > GAP)


def _pool(m, x, window, strides, padding, kind):
    if kind in ("max", "min"):
        init, op = (-np.inf, m.lax.max) if kind == "max" else (np.inf, m.lax.min)
        return m.lax.reduce_window(x, init, op, window, strides, padding)
    total = m.lax.reduce_window(x, 0.0, m.lax.add, window, strides, padding)
    return total / float(np.prod(window)) if kind == "avg" else total


MORE_OPS.update({
    "convolve": _two(lambda m, x, y, mode: m.np.convolve(x, y, mode=mode), _vectors),
    "correlate": _two(lambda m, x, y, mode: m.np.correlate(x, y, mode=mode), _vectors),
    "convolve_const": _one(lambda m, x, kernel, mode: m.np.convolve(m.np.ravel(x), _c(m, x, kernel), mode=mode), _kernel),
    "signal_convolve": _two(lambda m, x, y, mode: m.sig.convolve(x, y, mode=mode), _same_rank),
    "signal_correlate": _two(lambda m, x, y, mode: m.sig.correlate(x, y, mode=mode), _same_rank),
    "fftconvolve": _two(lambda m, x, y, mode: m.sig.fftconvolve(x, y, mode=mode), _same_rank),
    "convolve2d": _two(lambda m, x, y, mode: m.sig.convolve2d(x, y, mode=mode), lambda rng, x, y: _same_rank(rng, x, y) if x.ndim == 2 else None),
    "correlate2d": _two(lambda m, x, y, mode: m.sig.correlate2d(x, y, mode=mode), lambda rng, x, y: _same_rank(rng, x, y) if x.ndim == 2 else None),
    "conv_general": _two(_conv, _conv_shapes),
})
MORE_OPS["pool"] = _checked(1, _pool_params, _pool_ok, _pool)


# special functions -----------------------------------------------------------------------------
SPECIAL = {
    "gammainc_x": (lambda m, x: m.sp.gammainc(1.7, x), lambda v: v > 0.1),
    "gammaincc_x": (lambda m, x: m.sp.gammaincc(0.6, x), lambda v: v > 0.1),
    "gammainc_a": (lambda m, x: m.sp.gammainc(x, 1.1), lambda v: v > 0.2),
    "gammaincc_a": (lambda m, x: m.sp.gammaincc(x, 0.8), lambda v: v > 0.2),
    "betainc_x": (lambda m, x: m.sp.betainc(0.7, 2.5, m.sp.expit(x)), None),
    "zeta_q": (lambda m, x: m.sp.zeta(2.5, x), lambda v: v > 0.2),
    "polygamma2": (lambda m, x: m.sp.polygamma(2, x), lambda v: v > 0.2),
    "polygamma3": (lambda m, x: m.sp.polygamma(3, x), lambda v: v > 0.3),
    "erfcx": (lambda m, x: m.sp.erfcx(x), None),
    "exp1": (lambda m, x: m.sp.exp1(x), lambda v: v > 0.1),
    "expi": (lambda m, x: m.sp.expi(x), lambda v: abs(v) > 0.1),
    "expn0": (lambda m, x: m.sp.expn(0, x), lambda v: v > 1.05),  # jax's derivative is NaN below 1
    "expn2": (lambda m, x: m.sp.expn(2, x), lambda v: v > 0.1),
    "expn3": (lambda m, x: m.sp.expn(3, x), lambda v: v > 0.1),
    "spence": (lambda m, x: m.sp.spence(x), lambda v: (v > 0.05) & (v < 0.95)),
    "i1": (lambda m, x: m.sp.i1(x), None), "i0_big": (lambda m, x: m.sp.i0(4.0 * x), None),
    "multigammaln2": (lambda m, x: m.sp.multigammaln(x, 2), lambda v: v > 0.8),
    "multigammaln3": (lambda m, x: m.sp.multigammaln(x + 1.0, 3), lambda v: v > 0.3),
    "log_ndtr_tail": (lambda m, x: m.sp.log_ndtr(9.0 * x), None),
    "gamma_fn": (lambda m, x: m.sp.gamma(x), lambda v: v > 0.2),
    "bessel_jn": (lambda m, x: m.sp.bessel_jn(3.0 * x, v=3), lambda v: (abs(v) > 0.1) & (abs(v) < 5)),  # jax's is wrong far out
    "sinc_pi": (lambda m, x: m.sp.xlog1py(x, m.np.cos(x) * 0.5), None),
}
MORE_OPS.update({k: _unary(f, p) for k, (f, p) in SPECIAL.items()})
MORE_OPS.update({
    "gammainc_ax": _binary(lambda m, a, x: m.sp.gammainc(a, x), lambda a, x: (a > 0.2) & (x > 0.1)),
    "gammaincc_ax": _binary(lambda m, a, x: m.sp.gammaincc(a, x), lambda a, x: (a > 0.2) & (x > 0.1)),
    "zeta_sq": _binary(lambda m, s, q: m.sp.zeta(2.2, q) * s, lambda s, q: q > 0.2),
    "beta_fn": _binary(lambda m, x, y: m.sp.beta(x, y), lambda x, y: (x > 0.2) & (y > 0.2)),
    "xlogy_zero": _binary(lambda m, x, y: m.sp.xlogy(m.np.where(x > 0, x, 0.0), y), lambda x, y: (abs(x) > GAP) & (y > 0.2)),
})


# distributions, differentiated in x and in their parameters --------------------------------------
def _loc_scale(m, p):
    return 0.5 * p, 0.6 + 0.3 * p * p


STATS = {
    "norm_logpdf": lambda m, x, p: m.st.norm.logpdf(x, *_loc_scale(m, p)),
    "norm_logcdf": lambda m, x, p: m.st.norm.logcdf(3.0 * x, *_loc_scale(m, p)),
    "norm_logsf": lambda m, x, p: m.st.norm.logsf(3.0 * x, *_loc_scale(m, p)),
    "norm_cdf": lambda m, x, p: m.st.norm.cdf(x, *_loc_scale(m, p)),
    "norm_ppf": lambda m, x, p: m.st.norm.ppf(0.05 + 0.9 * m.sp.expit(x), *_loc_scale(m, p)).astype(x.dtype),  # jax's widens
    "t_logpdf": lambda m, x, p: m.st.t.logpdf(x, 1.5 + p * p, *_loc_scale(m, m.np.sin(p))),
    "logistic_logpdf": lambda m, x, p: m.st.logistic.logpdf(x, *_loc_scale(m, p)),
    "logistic_cdf": lambda m, x, p: m.st.logistic.cdf(x, *_loc_scale(m, p)),
    "cauchy_logpdf": lambda m, x, p: m.st.cauchy.logpdf(x, *_loc_scale(m, p)),
    "gamma_logpdf": lambda m, x, p: m.st.gamma.logpdf(0.2 + x * x, _positive(m, p), 0.0, 0.5 + 0.2 * p * p),
    "gamma_cdf": lambda m, x, p: m.st.gamma.cdf(0.2 + x * x, _positive(m, p)),
    "gamma_logcdf": lambda m, x, p: m.st.gamma.logcdf(0.2 + x * x, _positive(m, p)),
    "gamma_sf": lambda m, x, p: m.st.gamma.sf(0.2 + x * x, _positive(m, p)),
    "beta_logpdf": lambda m, x, p: m.st.beta.logpdf(m.sp.expit(x), _positive(m, p), 1.2 + 0.2 * p),
    "beta_cdf": lambda m, x, p: m.st.beta.cdf(m.sp.expit(x + p), 1.3, 0.8),
    "chi2_logpdf": lambda m, x, p: m.st.chi2.logpdf(0.2 + x * x, 1.0 + p * p),
    "vonmises_logpdf": lambda m, x, p: m.st.vonmises.logpdf(x, 0.5 + p * p),
    "expon_logpdf": lambda m, x, p: m.st.expon.logpdf(0.1 + x * x, -0.2 * p * p, 0.5 + 0.5 * p * p),
    "poisson_logpmf": lambda m, x, p: m.st.poisson.logpmf(m.np.round(3.0 * x * x), _positive(m, p)),
    "poisson_cdf": lambda m, x, p: m.st.poisson.cdf(m.np.round(3.0 * x * x), _positive(m, p)),
    "binom_logpmf": lambda m, x, p: m.st.binom.logpmf(m.np.round(2.0 * x * x), 6, 0.05 + 0.9 * m.sp.expit(p)),
    "nbinom_logpmf": lambda m, x, p: m.st.nbinom.logpmf(m.np.round(2.0 * x * x), 3, 0.05 + 0.9 * m.sp.expit(p)),
    "geom_logpmf": lambda m, x, p: m.st.geom.logpmf(1.0 + m.np.round(2.0 * x * x), 0.05 + 0.9 * m.sp.expit(p)),
    "bernoulli_logpmf": lambda m, x, p: m.st.bernoulli.logpmf((x > 0).astype(x.dtype), 0.05 + 0.9 * m.sp.expit(p)),
}


def _rounding_ok(x, p):
    """The integer arguments (3 x**2, 2 x**2 rounded) stay away from their rounding edges."""
    return all(abs((c * x * x) % 1.0 - 0.5) > 0.03 for c in (2.0, 3.0)) and abs(x) > GAP


MORE_OPS.update({k: _binary(f, lambda x, p: np.vectorize(_rounding_ok)(x, p)) for k, f in STATS.items()})


def _mvn_ok(rng, x, p):
    return {} if x.ndim >= 1 and p.ndim == 2 and p.shape == (x.shape[-1],) * 2 else None


def _dirichlet_ok(rng, x, p):
    return {} if x.ndim == 1 and p.shape == x.shape and x.size >= 2 else None


MORE_OPS.update({
    "mvn_logpdf": _two(lambda m, x, p: m.st.multivariate_normal.logpdf(x, m.np.sin(m.np.diagonal(p)), _spd(m, p)), _mvn_ok),
    "dirichlet_logpdf": _two(lambda m, x, p: m.st.dirichlet.logpdf(m.nn.softmax(x), _positive(m, p)), _dirichlet_ok),
})


# scipy.linalg and more numpy.linalg -------------------------------------------------------------
def _sq(x, batched=True):
    return x.ndim >= 2 and x.shape[-1] == x.shape[-2] and x.shape[-1] <= 4 and (batched or x.ndim == 2)


def _dominant(a):
    """A shift that makes `x + shift I` diagonally dominant by rows and by columns (LU then pivots
    on the diagonal)."""
    return max(_shift(a), _shift([np.swapaxes(v, -1, -2) for v in a]))


def _square_op(fn, extra=lambda rng, x: {}, batched=True, shift=False):
    def make(rng, a):
        if not _sq(a[0], batched):
            return None
        params = extra(rng, a[0])
        return params if params is None or not shift else {**params, "shift": _dominant(a)}
    return 1, make, fn


def _rhs_ok(batched):
    def ok(rng, a, b, shift):
        x, y = a[0], b[0]
        if not _sq(x, batched) or y.ndim < 1 or y.shape[0 if y.ndim == 1 else -2] != x.shape[-1]:
            return None
        if y.ndim > 1 and y.shape[:-2] != x.shape[:-2] or y.ndim == 1 and x.ndim > 2:
            return None
        return {"lower": bool(rng.integers(2)), "trans": int(rng.integers(3)), "unit": bool(rng.integers(2)), "shift": shift}
    return lambda rng, a, b: ok(rng, a, b, _dominant(a))


def _eig_ok(v):
    w = np.linalg.eigvals(v)
    return np.all(np.abs(w.imag) < 1e-9) and (w.shape[-1] < 2 or np.min(np.diff(np.sort(w.real, -1), axis=-1)) > 0.2)


def _separated_diag(m, x):
    n = x.shape[-1]
    return 0.2 * x + m.np.diag(_c(m, x, np.arange(1.0, n + 1.0)))


def _eig_make(rng, a):
    return {} if _sq(a[0]) and all(_eig_ok(0.2 * v + np.diag(np.arange(1.0, v.shape[-1] + 1.0))) for v in a) else None


def _norm_params(ords):
    return lambda rng, x: {"ord": ords[rng.integers(len(ords))]}


def _norm_ok(params, x):
    """The matrix norms of orders 1 and inf have kinks where two column (row) sums tie, and
    wherever an entry is 0; 2 and nuc where two singular values tie."""
    o = params["ord"]
    if o in (1, -1, np.inf, -np.inf):
        sums = np.sort(np.abs(x).sum(-2 if o in (1, -1) else -1), axis=-1)
        return np.min(np.abs(x)) > GAP and np.min(np.diff(sums, axis=-1)) > GAP
    return o not in (2, -2, "nuc") or np.min(-np.diff(np.linalg.svd(x, compute_uv=False), axis=-1)) > 0.1


def _cond_ok(params, x):
    x = x + params["shift"] * np.eye(x.shape[-1])
    return _norm_ok(params, x) and _norm_ok(params, np.linalg.inv(x))


def _vector_norm_params(rng, x):
    if x.ndim == 0:
        return None
    return {"ord": [1, 2, np.inf, -np.inf, 3, 0.5, -1.5][rng.integers(7)], "axis": _axis(rng, x.ndim), "keepdims": bool(rng.integers(2))}


def _vector_norm_ok(params, x):
    if np.min(np.abs(x)) < GAP:
        return False
    return params["ord"] not in (np.inf, -np.inf) or _separated(np.abs(x), params["axis"])


def _blocks(m, x, shift):
    """A well-conditioned 6 x 6 matrix from a (2, 3, 3) value."""
    return m.sla.block_diag(_general(m, x[0], shift), _general(m, x[1], shift) * 0.5)


MORE_OPS.update({
    "expm": _square_op(lambda m, x: m.sla.expm(0.5 * x), batched=False),
    "sqrtm": _square_op(lambda m, x: m.np.real(m.sla.sqrtm(_spd(m, x))), batched=False),  # jax's is complex
    "solve_triangular": (2, _rhs_ok(False), lambda m, a, b, lower, trans, unit, shift: m.sla.solve_triangular(
        _general(m, a, shift), b, trans=trans, lower=lower, unit_diagonal=unit)),
    "triangular_solve": (2, _rhs_ok(True), lambda m, a, b, lower, trans, unit, shift: m.lax.linalg.triangular_solve(
        _general(m, a, shift), b if b.ndim == a.ndim else b[..., None], left_side=True, lower=lower, transpose_a=trans > 0,
        unit_diagonal=unit)),
    "cho_solve": (2, _rhs_ok(False), lambda m, a, b, lower, trans, unit, shift: m.sla.cho_solve(m.sla.cho_factor(_spd(m, a), lower=lower), b)),
    "cho_factor": _square_op(lambda m, x, lower: (lambda c: m.np.tril(c) if lower else m.np.triu(c))(m.sla.cho_factor(_spd(m, x), lower=lower)[0]),
                             lambda rng, x: {"lower": bool(rng.integers(2))}, batched=False),
    "lu_solve": (2, _rhs_ok(False), lambda m, a, b, lower, trans, unit, shift: m.sla.lu_solve(m.sla.lu_factor(_general(m, a, shift)), b, trans=trans)),
    "lu": _square_op(lambda m, x, shift, permute_l: (lambda r: r[0] + r[1] if permute_l else r[1] * 2.0 + r[2] - r[0])(
        m.sla.lu(_general(m, x, shift), permute_l=permute_l)), lambda rng, x: {"permute_l": bool(rng.integers(2))}, batched=False, shift=True),
    "block_diag": _two(lambda m, x, y: m.sla.block_diag(x, m.np.sin(y), x * y.sum()), lambda rng, x, y: {} if x.ndim <= 2 and y.ndim <= 2 else None),
    "sla_eigh": _square_op(lambda m, x: m.sla.eigh(_sym(m, x), eigvals_only=True), batched=False),
    "eigvals": (1, _eig_make, lambda m, x: m.np.sort(m.np.real(m.np.linalg.eigvals(_separated_diag(m, x))), axis=-1)),
    "tensorsolve": _one(lambda m, x, shift: m.np.linalg.tensorsolve(_blocks(m, x, shift).reshape(6, 2, 3), m.np.ravel(m.np.sin(x))[:6]),
                        lambda rng, x: {"shift": float(np.abs(x).sum(-1).max()) + 1.0} if x.shape == (2, 3, 3) else None),
    "tensorinv": _one(lambda m, x, shift: m.np.linalg.tensorinv(_blocks(m, x, shift).reshape(2, 3, 2, 3), ind=2),
                      lambda rng, x: {"shift": float(np.abs(x).sum(-1).max()) + 1.0} if x.shape == (2, 3, 3) else None),
    "multi_dot": _two(lambda m, x, y: m.np.linalg.multi_dot([x, y, m.np.sin(y).T, x.T]),
                      lambda rng, x, y: {} if x.ndim == 2 == y.ndim and x.shape[1] == y.shape[0] else None),
})
MORE_OPS.update({
    "matrix_norm": _checked(1, lambda rng, x: _norm_params(["fro", "nuc", 1, -1, 2, -2, np.inf, -np.inf])(rng, x) if x.ndim >= 2 else None,
                            _norm_ok, lambda m, x, ord: m.np.linalg.matrix_norm(x, ord=ord)),
    "cond_number": _checked(1, lambda rng, x: {**_norm_params([None, 2, -2, "fro", 1, np.inf])(rng, x), "shift": _shift([x]) * 0.5} if _sq(x) else None,
                     _cond_ok, lambda m, x, ord, shift: m.np.linalg.cond(x + shift * m.np.eye(x.shape[-1], dtype=x.dtype), ord)),
    "vector_norm": _checked(1, _vector_norm_params, _vector_norm_ok,
                            lambda m, x, ord, axis, keepdims: m.np.linalg.vector_norm(x, ord=ord, axis=axis, keepdims=keepdims)),
})


# statistics and utilities -------------------------------------------------------------------
METHODS = ("linear", "lower", "higher", "midpoint", "nearest")


def _knots(rng, x, y):
    if y.ndim != 1 or y.size < 2:
        return None
    xp = np.sort(rng.uniform(-1.6, 1.6, y.size)).round(3)
    ok = np.min(np.diff(xp)) > 2 * GAP
    return {"xp": xp.tolist(), "left": [None, -0.5][rng.integers(2)], "right": [None, 2.0][rng.integers(2)]} if ok else None


def _off_knots(params, x, y):
    return np.min(np.abs(np.subtract.outer(np.ravel(x), params["xp"]))) > GAP


def _quantile_params(rng, x):
    if x.ndim == 0:
        return None
    q = [float(rng.uniform(0.02, 0.98)), rng.uniform(0.02, 0.98, 2).round(3).tolist()][rng.integers(2)]
    return {"q": q, "axis": _axis(rng, x.ndim), "method": METHODS[rng.integers(len(METHODS))], "keepdims": bool(rng.integers(2))}


def _quantile_ok(params, x):
    """Ties break the derivative; `nearest` rounds positions q (n - 1) that must stay off halves."""
    n = _size(x, params["axis"])
    pos = np.asarray(params["q"]) * (n - 1)
    return _separated(x, params["axis"]) and (np.all(np.abs(pos % 1.0 - 0.5) > 0.02) and np.all(np.abs(pos - np.round(pos)) > 0.02) or n == 1)


def _nan_params(rng, x):
    if x.ndim == 0:
        return None
    return {"t": round(float(rng.uniform(-1.0, 0.5)), 3), "axis": _axis(rng, x.ndim), "kind": str(rng.choice(sorted(NAN_REDUCTIONS)))}


def _nan_ok(params, x):
    return np.min(np.abs(x - params["t"])) > GAP and (params["kind"] not in ("nanmax", "nanmin", "nanmedian") or _separated(x, params["axis"]))


NAN_REDUCTIONS = {
    "nanmean": lambda m, x, axis: m.np.nanmean(x, axis=axis), "nansum": lambda m, x, axis: m.np.nansum(x, axis=axis),
    "nanmax": lambda m, x, axis: m.np.nanmax(x, axis=axis), "nanmin": lambda m, x, axis: m.np.nanmin(x, axis=axis),
    "nanvar": lambda m, x, axis: m.np.nanvar(x, axis=axis), "nanprod": lambda m, x, axis: m.np.nanprod(x, axis=axis),
    "nanmedian": lambda m, x, axis: m.np.nanmedian(x, axis=axis),
}


def _nan_reduce(m, x, t, axis, kind):
    return NAN_REDUCTIONS[kind](m, m.np.where(x > t, x, m.np.nan), axis)


def _ptp_params(rng, x):
    return {"axis": _axis(rng, x.ndim), "keepdims": bool(rng.integers(2))} if x.ndim else None


def _average_ok(rng, x, w):
    if x.ndim == 0 or w.ndim != 1:
        return None
    axis = _axis1(rng, x.ndim)
    return {"axis": axis, "returned": bool(rng.integers(2))} if x.shape[axis] == w.size else None


def _average(m, x, w, axis, returned):
    out = m.np.average(x, axis=axis, weights=_positive(m, w), returned=returned)
    return out[0] + 0.1 * out[1] if returned else out


def _cov_params(rng, x):
    if x.ndim != 2:
        return None
    return {"rowvar": bool(rng.integers(2)), "bias": bool(rng.integers(2)), "ddof": [None, 0, 1][rng.integers(3)]}


def _cov_ok(params, x):
    n = x.shape[1] if params["rowvar"] else x.shape[0]
    ddof = params["ddof"] if params["ddof"] is not None else 0 if params["bias"] else 1
    return n - ddof > 0 and np.min(np.var(x, axis=1 if params["rowvar"] else 0)) > 0.01


def _searchsorted_ok(rng, x, y):
    return {"side": ["left", "right"][rng.integers(2)]} if y.ndim == 1 and y.size >= 2 else None


def _searchsorted_guard(params, x, y):
    return _separated(y, 0) and np.min(np.abs(np.subtract.outer(np.ravel(x), y))) > GAP


def _searchsorted_take(m, x, y, side):
    knots = m.np.sort(y)
    index = m.np.clip(m.np.searchsorted(knots, x, side=side), 0, y.size - 1)
    return m.np.take(knots, index) * x + m.np.take(y, index)


EINSUM_ONE = ("ii->i", "ii", "...ii->...i", "...ii->...", "...ij->...ji", "ijj->i", "ijj->ji", "i...->...")
EINSUM_TWO = ("...ij,...jk->...ik", "ij,ij->", "...i,...i->...", "ii,ij->j", "ij,jj->ij", "...ij,j->...i")


def _einsum(specs):
    """A spec (repeated indices, ellipses) that NumPy accepts for the operands' shapes."""
    def ok(rng, *xs):
        for _ in range(4):
            spec = specs[rng.integers(len(specs))]
            try:
                np.einsum(spec, *[np.zeros(x.shape) for x in xs])
                return {"spec": spec}
            except ValueError:
                continue
        return None
    return ok


MORE_OPS.update({
    "interp": _checked(2, _knots, _off_knots, lambda m, x, y, xp, left, right: m.np.interp(x, _c(m, x, xp), y, left=left, right=right)),
    "interp_knots": _checked(2, lambda rng, x, y: {} if y.ndim == 1 and y.size >= 2 else None, _searchsorted_guard,
                             lambda m, x, y: m.np.interp(x, m.np.sort(y), m.np.cos(m.np.sort(y)) * 2.0)),
    "polyval": _two(lambda m, x, p: m.np.polyval(p, x), lambda rng, x, p: {} if p.ndim == 1 else None),
    "trapezoid": _one(lambda m, x, dx, axis: m.np.trapezoid(x, dx=dx, axis=axis),
                      lambda rng, x: {"dx": round(float(rng.uniform(0.2, 1.5)), 3), "axis": _axis1(rng, x.ndim)} if x.ndim else None),
    "trapezoid_x": _two(lambda m, y, x, axis: m.np.trapezoid(y, x, axis=axis),
                        lambda rng, y, x: {"axis": _axis1(rng, y.ndim)} if y.ndim and y.shape == x.shape else None),
    "quantile": _checked(1, _quantile_params, _quantile_ok,
                         lambda m, x, q, axis, method, keepdims: m.np.quantile(x, _c(m, x, q), axis=axis, method=method, keepdims=keepdims)),
    "percentile": _checked(1, _quantile_params, _quantile_ok,
                           lambda m, x, q, axis, method, keepdims: m.np.percentile(x, _c(m, x, q) * 100.0, axis=axis, method=method, keepdims=keepdims)),
    "median": _checked(1, lambda rng, x: {"axis": _axis(rng, x.ndim), "q": 0.5} if x.ndim else None, _quantile_ok,
                       lambda m, x, axis, q: m.np.median(x, axis=axis)),
    "quantile_in_q": _checked(2, lambda rng, x, y: {"axis": None, "q": 0.5} if x.ndim and y.ndim == 0 else None,
                              lambda p, x, y: _separated(x, None), lambda m, x, y, axis, q: m.np.quantile(x, 0.1 + 0.8 * m.sp.expit(y))),
    "nan_reduce": _checked(1, _nan_params, _nan_ok, _nan_reduce),
    "average": _two(_average, _average_ok),
    "ptp": _checked(1, _ptp_params, lambda p, x: _separated(x, p["axis"]), lambda m, x, axis, keepdims: m.np.ptp(x, axis=axis, keepdims=keepdims)),
    "cov": _checked(1, _cov_params, _cov_ok, lambda m, x, rowvar, bias, ddof: m.np.cov(x, rowvar=rowvar, bias=bias, ddof=ddof)),
    "cov_aweights": _two(lambda m, x, w: m.np.cov(x, aweights=_positive(m, w)),
                         lambda rng, x, w: {} if x.ndim == 2 and w.ndim == 1 and w.size == x.shape[1] > 1 else None),
    "corrcoef": _checked(1, lambda rng, x: {**_cov_params(rng, x), "bias": False, "ddof": None} if x.ndim == 2 else None, _cov_ok,
                         lambda m, x, rowvar, bias, ddof: m.np.corrcoef(x, rowvar=rowvar)),
    "searchsorted_take": _checked(2, _searchsorted_ok, _searchsorted_guard, _searchsorted_take),
    "einsum_one": _one(lambda m, x, spec: m.np.einsum(spec, x), _einsum(EINSUM_ONE)),
    "einsum_two": _two(lambda m, x, y, spec: m.np.einsum(spec, x, y), _einsum(EINSUM_TWO)),
})

# jax's bessel_jn is NaN in float32 for |z| below about 4
JAX_FLOAT64_ONLY = frozenset({"bessel_jn"})
# jax computes these in float32 also for float64 operands (attention's softmax): agreement to ~1e-7 only
JAX_FLOAT32_INSIDE = frozenset({"attention"})
# jax differentiates these once only (the incomplete gamma functions in `a`, the exponential
# integrals, eigenvalues of general matrices)
FIRST_ORDER_ONLY = frozenset({"eigvals", "exp1", "expi", "expn0", "expn2", "expn3", "gammainc_a", "gammaincc_a", "gammainc_ax", "gammaincc_ax", "gamma_cdf", "gamma_logcdf", "gamma_sf"})
