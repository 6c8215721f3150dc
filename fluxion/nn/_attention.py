"""Scaled dot-product attention with jax.nn's arguments: grouped key/value heads, bias, masks
(boolean, causal, sliding window, sequence lengths), written with fluxion.numpy."""
from __future__ import annotations

import math

import numpy as np

from .. import numpy as fnp
from ..core import dtypes
from ..core.errors import DTypeError, ShapeError, op_error
from ..numpy._convert import promote_inexact
from ..scipy import special as _special

_OP = "dot_product_attention"


def _check(q, k, v) -> None:
    if not q.ndim == k.ndim == v.ndim == 4:
        raise op_error(ShapeError, _OP, f"query, key and value must all be (batch, length, heads, features) or all "
                       f"(length, heads, features), got shapes {q.shape}, {k.shape}, {v.shape}",
                       "give the three the same number of axes, 3 or 4")
    (b, _, n, h), (bk, _, kh, hk) = q.shape, k.shape
    if bk != b or v.shape[:3] != k.shape[:3] or hk != h or kh == 0 or n % kh:
        raise op_error(ShapeError, _OP, f"shapes {q.shape}, {k.shape}, {v.shape} do not fit (B, T, N, H), (B, S, K, H), "
                       "(B, S, K, H_v) with N a multiple of K", "give key and value the same batch, length and "
                       "heads, a number of heads that divides the query's, and the query's features")


def _logits_like(name: str, x, shape: tuple[int, ...]):
    """`x` (a bias or mask) as an array, checked to broadcast to the logits' `shape` (B, N, T, S)."""
    x = fnp.asarray(x)
    try:
        fits = x.ndim <= 4 and np.broadcast_shapes(x.shape, shape) == shape
    except ValueError:
        fits = False
    if not fits:
        raise op_error(ShapeError, _OP, f"{name} of shape {x.shape} does not broadcast to the logits' shape {shape} "
                       "(batch, heads, query length, key length)", f"give {name} at most 4 axes that broadcast to it")
    return x


def _lengths(name: str, x, b: int):
    """Sequence lengths `x`, checked to be b integers."""
    x = fnp.asarray(x)
    if x.shape != (b,) or x.dtype not in dtypes.INTEGER:
        raise op_error(ShapeError if x.shape != (b,) else DTypeError, _OP, f"{name} has shape {x.shape} and dtype "
                       f"{x.dtype}", f"pass one integer length per example: shape ({b},)")
    return x


def _keep(t: int, s: int, b: int, mask, is_causal: bool, window, q_lengths, kv_lengths):
    """Which logits (B, N, T, S) take part, or None when all do."""
    i, j = fnp.arange(t)[:, None], fnp.arange(s)[None, :]
    keep = None if mask is None else mask.astype(bool)

    def both(m):
        return m if keep is None else keep & m
    if is_causal:
        keep = both(j <= i)
    if window is not None:
        left, right = (window, window) if isinstance(window, int) else window
        keep = both((j >= i - left) & (j <= i + right))
    if kv_lengths is not None:
        keep = both(j[None, None] < kv_lengths.reshape(b, 1, 1, 1))
    if q_lengths is not None:
        keep = both(i[None, None] < q_lengths.reshape(b, 1, 1, 1))
    return keep


def dot_product_attention(query, key, value, bias=None, mask=None, *, scale: float | None = None,
                          is_causal: bool = False, query_seq_lengths=None, key_value_seq_lengths=None,
                          local_window_size: int | tuple[int, int] | None = None, implementation=None,
                          return_residual: bool = False):
    """softmax(query key^T * scale + bias) value per head, as jax.nn.dot_product_attention.

    Shapes are (B, T, N, H) for the query and (B, S, K, H) / (B, S, K, H_v) for key and value
    (or the same without B); each group of N / K query heads shares one key/value head. `bias`
    and the boolean `mask` (True: attend) broadcast to (B, N, T, S). `is_causal` lets query i see
    keys j <= i, `local_window_size` (w or (left, right)) keys i - left <= j <= i + right, and
    `key_value_seq_lengths` (B,) the first keys of each example. Queries past
    `query_seq_lengths` give 0; a query that may see no key averages all values, as jax. `scale`
    defaults to 1 / sqrt(H). 16-bit inputs are computed in float32. With `return_residual`,
    also returns the logsumexp of the logits, (B, T, N), in the output's dtype.

    >>> import fluxion.numpy as fnp, fluxion.nn as nn
    >>> q = k = fnp.ones((1, 2, 1, 4)); v = fnp.asarray([[[[1.0]], [[3.0]]]])
    >>> nn.dot_product_attention(q, k, v, is_causal=True)[0, :, 0, 0].tolist()
    [1.0, 2.0]
    """
    if implementation not in (None, "xla"):
        raise op_error(NotImplementedError, _OP, f"implementation={implementation!r} is not available",
                       "omit implementation= (or pass 'xla')")
    q, k, v = promote_inexact(_OP, query, key, value)
    unbatched = q.ndim == 3 and k.ndim == 3 and v.ndim == 3
    if unbatched:
        q, k, v = q[None], k[None], v[None]
    _check(q, k, v)
    (b, t, n, h), (s, kh), out_dtype = q.shape, k.shape[1:3], v.dtype
    wide = dtypes.float32 if q.dtype in (dtypes.float16, dtypes.bfloat16) else q.dtype
    q, k, v = (x.astype(wide) for x in (q, k, v))
    g = n // kh
    if bias is not None:
        bias = _logits_like("bias", bias, (b, n, t, s)).astype(wide)
    if mask is not None:
        mask = _logits_like("mask", mask, (b, n, t, s))
    if query_seq_lengths is not None:
        query_seq_lengths = _lengths("query_seq_lengths", query_seq_lengths, b)
    if key_value_seq_lengths is not None:
        key_value_seq_lengths = _lengths("key_value_seq_lengths", key_value_seq_lengths, b)
    scale = 1 / math.sqrt(h) if scale is None else scale
    logits = fnp.einsum("btkgh,bskh->bkgts", q.reshape(b, t, kh, g, h), k).reshape(b, n, t, s) * scale
    if bias is not None:
        logits = logits + bias
    keep = _keep(t, s, b, mask, is_causal, local_window_size, query_seq_lengths, key_value_seq_lengths)
    if keep is not None:  # a large finite number, not -inf: a row that sees no key stays finite (jax's value)
        logits = fnp.where(keep, logits, 0.7 * fnp.finfo(wide).min)
    probs = _special.softmax(logits, axis=-1)
    out = fnp.einsum("bkgts,bskh->btkgh", probs.reshape(b, kh, g, t, s), v).reshape(b, t, n, v.shape[-1])
    if query_seq_lengths is not None:
        seen = fnp.arange(t)[None, :] < query_seq_lengths.reshape(b, 1)
        out = fnp.where(seen[:, :, None, None], out, 0.0)
    out = out.astype(out_dtype)
    if unbatched:
        out = out[0]
    if not return_residual:
        return out
    lse = fnp.moveaxis(_special.logsumexp(logits, axis=-1), 1, 2).astype(out_dtype)
    return out, lse[0] if unbatched else lse
