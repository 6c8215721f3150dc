"""The rest of the second table of operations for random programs (see `_jax_program_ops_more`):
complex intermediates with real results, nn and lax operations, transformations inside programs
and reparameterised random draws (normal, Laplace, Gumbel and logistic, whose draws fluxion and
jax take from the same bits).
"""
from __future__ import annotations

import numpy as np

from _jax_program_ops import GAP, _axis, _axis1, _binary, _separated, _unary
from _jax_program_ops_more import _checked, _mix, _one, _two

# complex intermediates ------------------------------------------------------------------------
COMPLEX = {
    "complex_abs": (lambda m, x, y: m.np.abs(x + 1j * y), lambda x, y: x * x + y * y > 0.05),
    "complex_angle": (lambda m, x, y: m.np.angle(x + 1j * y), lambda x, y: (x * x + y * y > 0.05) & ((abs(y) > GAP) | (x > 0))),
    "complex_log": (lambda m, x, y: _mix(m, m.np.log(x - 1j * y)), lambda x, y: (x * x + y * y > 0.05) & ((abs(y) > GAP) | (x > 0))),
    "complex_sqrt": (lambda m, x, y: _mix(m, m.np.sqrt(x + 1j * y)), lambda x, y: (x * x + y * y > 0.05) & ((abs(y) > GAP) | (x > 0))),
    "complex_product": (lambda m, x, y: m.np.real((x + 1j * y) ** 2 * m.np.conj(x - 0.5j * y)) + m.np.imag(m.np.exp(1j * x) * (y + 1j)), None),
    "complex_divide": (lambda m, x, y: _mix(m, (x + 0.5j) / (y + 1j * m.np.cos(y))), None),
}


def _complex_matmul_ok(rng, x, y):
    return {} if x.ndim >= 1 and y.ndim >= 1 and x.shape[-1] == y.shape[-2 if y.ndim > 1 else 0] and x.ndim + y.ndim <= 4 else None


OPS_NN_LAX = {k: _binary(f, p) for k, (f, p) in COMPLEX.items()}
OPS_NN_LAX["complex_matmul"] = _two(lambda m, x, y: m.np.abs((x + 1j * m.np.sin(x)) @ (y - 1j * m.np.cos(y))) ** 2, _complex_matmul_ok)


# nn --------------------------------------------------------------------------------------------
def _one_hot_ok(rng, x, y):
    return {} if x.ndim >= 1 and y.ndim == 1 and y.shape[0] == x.shape[-1] else None


def _attention_ok(rng, q, k):
    if q.ndim not in (2, 3) or k.shape != q.shape:
        return None
    return {"causal": bool(rng.integers(2)), "scale": [None, 0.7][rng.integers(2)], "bias": bool(rng.integers(2))}


def _attention(m, q, k, causal, scale, bias):
    shape = (1,) * (3 - q.ndim) + q.shape[:-1] + (1, q.shape[-1])  # (batch, length, heads, features)
    q4, k4 = q.reshape(shape), k.reshape(shape)
    b = m.np.sin(m.np.arange(shape[1] * shape[1], dtype=q.dtype)).reshape(1, 1, shape[1], shape[1]) if bias else None
    return m.nn.dot_product_attention(q4, k4, m.np.cos(q4) + k4, bias=b, scale=scale, is_causal=causal)


def _logsumexp_ok(rng, x, y):
    try:
        shape = np.broadcast_shapes(x.shape, y.shape)
    except ValueError:
        return None
    return {"axis": _axis(rng, len(shape)) if shape else None, "kind": ["sp", "nn"][rng.integers(2)]}


def _logsumexp_guard(params, x, y):
    """The weighted sum of exponentials stays away from 0, where its sign flips."""
    x, y = np.broadcast_arrays(x, y)
    axis = params["axis"]
    return bool(np.all(np.abs(np.sum(y * np.exp(x), axis=axis)) > 0.1 * np.sum(np.abs(y) * np.exp(x), axis=axis)))


def _logsumexp_signed(m, x, y, axis, kind):
    value, sign = (m.sp if kind == "sp" else m.nn).logsumexp(x, axis=axis, b=y, return_sign=True)
    return value * sign


def _even_axis(rng, x):
    axes = [a for a in range(x.ndim) if x.shape[a] % 2 == 0]
    return {"axis": int(rng.choice(axes))} if axes else None


OPS_NN_LAX.update({
    "one_hot": _checked(2, _one_hot_ok, lambda p, x, y: _separated(y, 0),
                        lambda m, x, y: x @ m.nn.one_hot(m.np.argsort(y), y.shape[0], dtype=x.dtype) + m.nn.one_hot(1, x.shape[-1], dtype=x.dtype) * x),
    "standardize": _checked(1, lambda rng, x: {"axis": _axis1(rng, x.ndim), "eps": [1e-5, 0.1][rng.integers(2)]} if x.ndim else None,
                            lambda p, x: x.shape[p["axis"]] > 1 and np.min(np.var(x, axis=p["axis"])) > 0.01,
                            lambda m, x, axis, eps: m.nn.standardize(x, axis=axis, epsilon=eps)),
    "glu": _one(lambda m, x, axis: m.nn.glu(x, axis=axis), _even_axis),
    "hard_tanh": _unary(lambda m, x: m.nn.hard_tanh(2.0 * x), lambda v: abs(abs(2.0 * v) - 1.0) > GAP),
    "relu6": _unary(lambda m, x: m.nn.relu6(5.0 * x + 2.0), lambda v: (abs(5.0 * v + 2.0) > GAP) & (abs(5.0 * v - 4.0) > GAP)),
    "hard_sigmoid": _unary(lambda m, x: m.nn.hard_sigmoid(3.0 * x), lambda v: abs(abs(3.0 * v) - 3.0) > GAP),
    "hard_silu": _unary(lambda m, x: m.nn.hard_silu(3.0 * x), lambda v: abs(abs(3.0 * v) - 3.0) > GAP),
    "logsumexp_signed": _checked(2, _logsumexp_ok, _logsumexp_guard, _logsumexp_signed),
    "attention": _two(_attention, _attention_ok),
})


# lax ---------------------------------------------------------------------------------------------
def _affine(a, b):
    """The composition of two affine maps c -> a c + b, an associative operation."""
    return a[0] * b[0], b[0] * a[1] + b[1]


def _scan_params(rng, x):
    axis = int(rng.integers(x.ndim)) if x.ndim else None  # jax's reverse scan refuses negative axes
    return {"axis": axis, "reverse": bool(rng.integers(2)), "kind": ["add", "affine", "max"][rng.integers(3)]} if x.ndim else None


def _associative_scan(m, x, axis, reverse, kind):
    if kind == "add":
        return m.lax.associative_scan(lambda a, b: a + b, x, reverse=reverse, axis=axis)
    if kind == "max":
        return m.lax.associative_scan(m.np.maximum, x, reverse=reverse, axis=axis)
    return m.lax.associative_scan(_affine, (m.sp.expit(x), m.np.sin(x)), reverse=reverse, axis=axis)[1]


def _select_params(rng, x):
    ts = sorted(rng.uniform(-1.2, 1.2, 2).round(3).tolist())
    return {"ts": ts}


def _select_n(m, x, y, ts):
    which = (x > ts[0]).astype(m.np.int32) + (x > ts[1]).astype(m.np.int32)
    y = m.np.broadcast_to(y, x.shape)
    return m.lax.select_n(which, x * y, m.np.sin(y), x - 2.0 * y) + m.lax.select_n(x > ts[0], y, x)


def _dynamic_params(rng, x):
    if x.ndim == 0:
        return None
    sizes = [int(rng.integers(1, n + 1)) for n in x.shape]
    starts = [int(rng.integers(-n - 1, n + 2)) for n in x.shape]
    return {"starts": starts, "sizes": sizes, "t": round(float(rng.uniform(-1, 1)), 3)}


def _traced_starts(m, x, starts, t):
    """Start indices computed from the value (traced under jit), out of range for some draws."""
    shift = (m.np.mean(x) > t).astype(m.np.int32)
    return [shift + s for s in starts]


def _dynamic_slice(m, x, starts, sizes, t):
    return m.lax.dynamic_slice(x, _traced_starts(m, x, starts, t), sizes)


def _dynamic_update_slice(m, x, starts, sizes, t):
    update = m.np.cos(x[tuple(slice(0, s) for s in sizes)]) * 2.0
    return m.lax.dynamic_update_slice(x, update, _traced_starts(m, x, starts, t))


def _mean_off(params, x):
    return abs(float(np.mean(x)) - params["t"]) > GAP


def _take_params(rng, x):
    if x.ndim == 0:
        return None
    axis = _axis1(rng, x.ndim)
    n = x.shape[axis]
    return {"index": rng.integers(-n - 2, n + 2, 4).tolist(), "axis": axis, "mode": ["clip", "fill"][rng.integers(2)],
            "fill": [None, 0.5][rng.integers(2)]}


def _take(m, x, index, axis, mode, fill):
    return m.np.take(x, m.np.asarray(index), axis=axis, mode=mode, fill_value=fill if mode == "fill" else None)


def _at_get(m, x, index, axis, mode, fill):
    where = (slice(None),) * (axis % x.ndim) + (m.np.asarray(index),)
    return x.at[where].get(mode=mode, fill_value=fill if mode == "fill" else None)


def _top_k_params(rng, x):
    return {"k": int(rng.integers(1, x.shape[-1] + 1))} if x.ndim else None


def _sort_keys_ok(rng, x, y):
    if x.ndim == 0 or x.shape != y.shape:
        return None
    return {"dimension": _axis1(rng, x.ndim), "num_keys": int(rng.integers(1, 3))}


def _sort_keys_guard(params, x, y):
    """One key: `y` separated; two keys: the rounded `y` ties, broken by `x` separated."""
    d = params["dimension"]
    if params["num_keys"] == 1:
        return _separated(y, d)
    return _separated(x, d) and np.all(np.abs(y - np.round(y) - 0.5) > GAP)


def _sort_keys(m, x, y, dimension, num_keys):
    keys = (y,) if num_keys == 1 else (m.np.floor(y + 0.5), x)
    out = m.lax.sort(keys + (x * y,), dimension=dimension, num_keys=num_keys)
    return out[-1] + out[0]


CUMULATIVE = {"cumlogsumexp": False, "cumsum": False, "cumprod": False, "cummax": True, "cummin": True}


def _cumulative_params(rng, x):
    if x.ndim == 0:
        return None
    return {"kind": str(rng.choice(sorted(CUMULATIVE))), "axis": _axis1(rng, x.ndim) % x.ndim, "reverse": bool(rng.integers(2))}


OPS_NN_LAX.update({
    "associative_scan": _checked(1, _scan_params, lambda p, x: p["kind"] != "max" or _separated(x, p["axis"]), _associative_scan),
    "lax_map": _one(lambda m, x, batch_size: m.lax.map(lambda r: m.np.sin(r) * m.np.sum(r * r), x, batch_size=batch_size),
                    lambda rng, x: {"batch_size": [None, 2][rng.integers(2)]} if x.ndim else None),
    "select_n": _checked(2, lambda rng, x, y: _select_params(rng, x) if np.broadcast_shapes(x.shape, y.shape) == x.shape else None,
                         lambda p, x, y: np.min(np.abs(np.subtract.outer(np.ravel(x), p["ts"]))) > GAP, _select_n),
    "dynamic_slice": _checked(1, _dynamic_params, _mean_off, _dynamic_slice),
    "dynamic_update_slice": _checked(1, _dynamic_params, _mean_off, _dynamic_update_slice),
    "take_mode": _one(_take, _take_params),
    "at_get_mode": _one(_at_get, _take_params),
    "top_k": _checked(1, _top_k_params, lambda p, x: _separated(x, -1), lambda m, x, k: m.lax.top_k(x, k)[0]),
    "top_k_gather": _checked(2, lambda rng, x, y: _top_k_params(rng, x) if x.shape == y.shape else None, lambda p, x, y: _separated(x, -1),
                             lambda m, x, y, k: m.np.take_along_axis(y, m.lax.top_k(x, k)[1], axis=-1) * m.lax.top_k(x, k)[0]),
    "sort_keys": _checked(2, _sort_keys_ok, _sort_keys_guard, _sort_keys),
    "lax_cumulative": _checked(1, _cumulative_params, lambda p, x: not CUMULATIVE[p["kind"]] or _separated(x, p["axis"]),
                               lambda m, x, kind, axis, reverse: getattr(m.lax, kind)(x, axis=axis, reverse=reverse)),
})


# transformations inside programs -------------------------------------------------------------------
def _custom_jvp(m, x, slope):
    """A function whose jvp rule is not its derivative: both sides must use the rule, also in
    higher derivatives (which differentiate the rule)."""
    f = m.custom_jvp(lambda x: m.np.sin(x) * x)

    @f.defjvp
    def _rule(primals, tangents):
        (x,), (t,) = primals, tangents
        return f(x), (slope * m.np.cos(x) + x * x) * t
    return f(x) + f(0.5 * x)


def _vmapped(m, x, axis):
    return m.vmap(lambda r: m.np.sum(m.np.sin(r)) * r + m.np.tanh(r), in_axes=axis, out_axes=-1)(x)


def _grad_inside(m, x):
    per_element = m.vmap(m.grad(lambda t: m.np.sin(t) * t ** 3))(m.np.ravel(x)).reshape(x.shape)
    return per_element + m.grad(lambda x: m.np.sum(m.np.tanh(x) ** 2 * m.np.cos(x)))(x)


OPS_NN_LAX.update({
    "custom_jvp": _one(_custom_jvp, lambda rng, x: {"slope": round(float(rng.uniform(0.5, 2.0)), 3)}),
    "checkpoint": _binary(lambda m, x, y: m.checkpoint(lambda x, y: m.np.sin(x * y) + m.np.exp(m.np.tanh(x)) * y)(x, y)),
    "nested_jit": _binary(lambda m, x, y: m.jit(lambda x, y: m.jit(lambda u: m.np.tanh(u) * u)(x) + x * m.np.cos(y))(x, y)),
    "vmap_inside": _one(_vmapped, lambda rng, x: {"axis": _axis1(rng, x.ndim)} if x.ndim else None),
    "grad_inside": _unary(_grad_inside),
    "jvp_inside": _binary(lambda m, x, y: m.jvp(lambda u: m.np.sin(u) * u, (m.np.broadcast_to(x, np.broadcast_shapes(x.shape, y.shape)),),
                                                  (m.np.broadcast_to(y, np.broadcast_shapes(x.shape, y.shape)),))[1]),
})


# reparameterised draws -------------------------------------------------------------------------
def _draw(kind):
    def apply(m, x, y, seed):
        shape = np.broadcast_shapes(x.shape, y.shape)
        noise = getattr(m.random, kind)(m.random.key(seed), shape, dtype=x.dtype)
        return x + (0.5 + 0.3 * y * y) * noise
    return 2, lambda rng, a, b: {"seed": int(rng.integers(1000))} if _broadcastable(a[0], b[0]) else None, apply


def _broadcastable(x, y):
    try:
        np.broadcast_shapes(x.shape, y.shape)
        return True
    except ValueError:
        return False


OPS_NN_LAX.update({f"random_{kind}": _draw(kind) for kind in ("normal", "laplace", "gumbel", "logistic")})
