"""NumPy kernels of the sorting primitives (always stable, which is also a valid unstable sort).

NumPy's stable sorts are many times slower than its default one, so the stable results are made
from the default sort: equal elements are indistinguishable in a sort of values, except zeros of
two signs and NaNs, and an index sort puts the indices of each run of equal elements back in order."""
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


_SMALL = 2048  # elements below which NumPy's stable sort costs less than the checks after its default one


def stable_sort(x: np.ndarray, axis: int) -> np.ndarray:
    """`np.sort(x, axis, kind="stable")`, from NumPy's faster default sort where that gives the same."""
    if x.size < _SMALL:
        return np.sort(x, axis, kind="stable")
    s = np.sort(x, axis)
    if x.dtype.kind == "c" or x.dtype.kind == "f" and x.shape[axis] > 1 and _distinct_equals(x, np.moveaxis(s, axis, -1)):
        return np.take_along_axis(x, stable_argsort(x, axis), axis)
    return s


def _distinct_equals(x: np.ndarray, s: np.ndarray) -> bool:
    """Whether `x`, whose rows sorted are `s`, holds equal elements of different bits: NaNs (which
    sort last), or a negative zero (beside a positive one, or not: NumPy's vectorized sort keeps
    the bits of neither, its minimum of -0.0 and 0.0 may be either)."""
    if np.isnan(s[..., -1]).any():
        return True
    zero = x == 0
    return bool(zero.any() and np.signbit(x[zero]).any())


def stable_argsort(x: np.ndarray, axis: int) -> np.ndarray:
    """`np.argsort(x, axis, kind="stable")`, from NumPy's faster default sort: each run of equal
    elements (NaNs among them) then has its indices sorted, by one more sort of unique keys."""
    if x.dtype.kind == "c" or x.shape[axis] < 2 or x.size < 2 * _SMALL:
        return np.argsort(x, axis, kind="stable")
    perm = np.argsort(x, axis)
    s = np.take_along_axis(x, perm, axis)
    later, earlier = _shifted(s.ndim, axis, slice(1, None)), _shifted(s.ndim, axis, slice(None, -1))
    same = s[later] == s[earlier]
    if x.dtype.kind == "f" and np.isnan(s[_shifted(s.ndim, axis, slice(-1, None))]).any():
        same |= np.isnan(s[later]) & np.isnan(s[earlier])
    if not same.any():
        return perm
    run = np.zeros(s.shape, np.int64)  # the number of the run of equal elements each sorted one is in
    np.cumsum(~same, axis, out=run[later])
    n = s.shape[axis]
    return np.sort(run * n + perm, axis) % n  # (unique keys, ordered by run and then by index)


def _shifted(ndim: int, axis: int, part: slice) -> tuple:
    """The index of `part` of axis `axis`."""
    return (slice(None),) * (axis % ndim) + (part,)


def _sort(*operands, dimension, is_stable, num_keys):
    shape = np.shape(operands[0])
    if len(shape) > MAX_NUMPY_DIMS:  # sorted as (before, along, after) and shaped back
        three = around_axis(shape, dimension)
        out = _sort(*(np.reshape(o, three) for o in operands), dimension=1, is_stable=is_stable, num_keys=num_keys)
        return tuple(o.reshape(shape) for o in out)
    keys = [_key(k) for k in operands[:num_keys]]
    if len(operands) == 1:
        return (stable_sort(keys[0], dimension).astype(operands[0].dtype),)
    if num_keys == 1:
        perm = stable_argsort(keys[0], dimension)
    else:  # lexsort's primary key is its last
        perm = np.lexsort(keys[::-1], axis=dimension)
    return tuple(np.take_along_axis(np.asarray(o), perm, axis=dimension) for o in operands)


def _top_k(x, *, k):
    x = np.asarray(x)
    n = x.shape[-1]
    if x.ndim > MAX_NUMPY_DIMS:  # as rows, shaped back
        values, indices = _top_k(x.reshape(-1, n), k=k)
        return values.reshape(x.shape[:-1] + (k,)), indices.reshape(x.shape[:-1] + (k,))
    key = _key(x)
    indices = _few_largest(key, k) if 64 <= n and 0 < k <= n // 8 and key.dtype.kind in "iuf" else None
    if indices is None:
        indices = _descending(key)[..., :k]
    return np.take_along_axis(x, indices, axis=-1), indices.astype(np.int32)


def _descending(key: np.ndarray) -> np.ndarray:
    """The indices that sort rows `key` largest first (NaNs first), equal elements by lower index:
    a stable ascending sort of the reversed rows, read backwards."""
    return key.shape[-1] - 1 - stable_argsort(key[..., ::-1], -1)[..., ::-1]


def _few_largest(key: np.ndarray, k: int) -> np.ndarray | None:
    """`_descending(key)[..., :k]` from a partition: the k largest of each row, in order; None
    where a row's k-th largest is NaN or equals another element (which the partition cannot rank)."""
    at = key.shape[-1] - k
    kth = np.partition(key, at, axis=-1)[..., at:at + 1]  # (NaNs partition last)
    top = key >= kth
    if key.dtype.kind == "f":
        if np.isnan(kth).any():
            return None
        top |= np.isnan(key)
    if (np.count_nonzero(top, -1) != k).any():
        return None
    indices = np.nonzero(top)[-1].reshape(key.shape[:-1] + (k,))  # each row's, in order
    return np.take_along_axis(indices, _descending(np.take_along_axis(key, indices, -1)), -1)


numpy_kernel.update({S.sort_p: _sort, S.top_k_p: _top_k})
