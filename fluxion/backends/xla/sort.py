"""XLA lowering of the sorting primitives.

`lax.sort` orders real floats as NumPy does (NaNs last whatever their sign, -0.0 equal to
0.0), but complex numbers lexicographically with NaN parts last, where NumPy puts every
complex NaN after the other numbers: [R + Rj, R + nanj, nan + Rj, nan + nanj]. A complex key
is therefore sorted as three keys: that class, the real part, the imaginary part.

`lax.top_k` compares floats by the total order of their bits, so it ranks keys in which
every NaN is the positive NaN and -0.0 is 0.0, and the values are read from the original
array at the indices it returns.
"""
from __future__ import annotations

import jax.numpy as jnp
import numpy as np
from jax import lax

from ...core import dtypes
from ...core.rules import xla_lowering
from ...ops import sort as S


def _keys(x) -> list:
    """Keys that `lax.sort` orders as NumPy orders `x`."""
    if x.dtype not in dtypes.COMPLEX:
        return [x]
    re, im = jnp.real(x), jnp.imag(x)
    nan_class = 2 * jnp.isnan(re).astype(np.int8) + jnp.isnan(im).astype(np.int8)
    return [nan_class, re, im]


def _sort(*operands, dimension, is_stable, num_keys):
    keys = [k for x in operands[:num_keys] for k in _keys(x)]
    if len(keys) == num_keys:
        return tuple(lax.sort(operands, dimension=dimension, is_stable=is_stable, num_keys=num_keys))
    out = lax.sort((*keys, *operands), dimension=dimension, is_stable=is_stable, num_keys=len(keys))
    return tuple(out[len(keys):])


def _rank_key(x):
    """`x` with one NaN and one zero, so that top_k's total order ranks like NumPy's."""
    zero = jnp.zeros((), x.dtype)
    return jnp.where(jnp.isnan(x), jnp.array(jnp.nan, x.dtype), jnp.where(x == zero, zero, x))


def _top_k(x, *, k):
    if x.dtype not in dtypes.REAL_FLOATING:
        return tuple(lax.top_k(x, k))
    _, indices = lax.top_k(_rank_key(x), k)
    return jnp.take_along_axis(x, indices, axis=-1), indices


xla_lowering.update({S.sort_p: _sort, S.top_k_p: _top_k})
