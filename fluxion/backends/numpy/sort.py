"""NumPy kernels of the sorting primitives (always stable, which is also a valid unstable sort)."""
from __future__ import annotations

import numpy as np

from ...core import dtypes
from ...core.primitive import numpy_kernel
from ...ops import sort as S
from ._util import MAX_NUMPY_DIMS, around_axis

_LOW = (dtypes.float16, dtypes.bfloat16)


def _key(x) -> np.ndarray:
    """`x` in a dtype NumPy orders with NaNs last (ml_dtypes' 16-bit floats do not)."""
    x = np.asarray(x)
    return x.astype(np.float32) if x.dtype in _LOW else x


def _sort(*operands, dimension, is_stable, num_keys):
    shape = np.shape(operands[0])
    if len(shape) > MAX_NUMPY_DIMS:  # sorted as (before, along, after) and shaped back
        three = around_axis(shape, dimension)
        out = _sort(*(np.reshape(o, three) for o in operands), dimension=1, is_stable=is_stable, num_keys=num_keys)
        return tuple(o.reshape(shape) for o in out)
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
    if x.ndim > MAX_NUMPY_DIMS:  # as rows, shaped back
        values, indices = _top_k(x.reshape(-1, n), k=k)
        return values.reshape(x.shape[:-1] + (k,)), indices.reshape(x.shape[:-1] + (k,))
    perm = np.argsort(_key(x)[..., ::-1], axis=-1, kind="stable")[..., ::-1][..., :k]
    indices = n - 1 - perm
    return np.take_along_axis(x, indices, axis=-1), indices.astype(np.int32)


numpy_kernel.update({S.sort_p: _sort, S.top_k_p: _top_k})
