"""NumPy kernels of the sorting primitives (always stable, which is also a valid unstable sort)."""
from __future__ import annotations

import numpy as np

from ...core import dtypes
from ...core.primitive import numpy_kernel
from ...ops import sort as S

_LOW = (dtypes.float16, dtypes.bfloat16)


def _key(x) -> np.ndarray:
    """`x` in a dtype NumPy orders with NaNs last (ml_dtypes' 16-bit floats do not)."""
    x = np.asarray(x)
    return x.astype(np.float32) if x.dtype in _LOW else x


def _sort(*operands, dimension, is_stable, num_keys):
    keys = [_key(k) for k in operands[:num_keys]]
    if len(operands) == 1:
        return (np.sort(keys[0], axis=dimension, kind="stable").astype(operands[0].dtype),)
    if num_keys == 1:
        perm = np.argsort(keys[0], axis=dimension, kind="stable")
    else:  # lexsort's primary key is its last
        perm = np.lexsort(keys[::-1], axis=dimension)
    return tuple(np.take_along_axis(np.asarray(o), perm, axis=dimension) for o in operands)


def _top_k(x, *, k):
    # a stable ascending sort of the reversed axis, read backwards, is descending with ties by lower index
    x = np.asarray(x)
    n = x.shape[-1]
    perm = np.argsort(_key(x)[..., ::-1], axis=-1, kind="stable")[..., ::-1][..., :k]
    indices = n - 1 - perm
    return np.take_along_axis(x, indices, axis=-1), indices.astype(np.int32)


numpy_kernel.update({S.sort_p: _sort, S.top_k_p: _top_k})
