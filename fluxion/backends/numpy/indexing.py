"""NumPy kernels of the indexing primitives (vectorised: one fancy-indexing call per gather or scatter).

Gather and scatter build, for every operand axis, an integer array of positions that
broadcasts over (batch axes of the indices) + (window axes); one NumPy advanced-indexing
read (gather) or write/`ufunc.at` (scatter) then does the work.
"""
from __future__ import annotations

import numpy as np

from ...core.primitive import numpy_kernel
from ...ops import indexing as I


def _clamped_starts(starts, shape, sizes) -> list[int]:
    return [min(max(int(s), 0), n - k) for s, n, k in zip(starts, shape, sizes)]


def _dynamic_slice(x, *starts, slice_sizes):
    x = np.asarray(x)
    lo = _clamped_starts(starts, x.shape, slice_sizes)
    return x[tuple(slice(a, a + k) for a, k in zip(lo, slice_sizes))].copy()


def _dynamic_update_slice(x, update, *starts):
    out = np.array(x, copy=True)
    update = np.asarray(update)
    lo = _clamped_starts(starts, out.shape, update.shape)
    out[tuple(slice(a, a + k) for a, k in zip(lo, update.shape))] = update
    return out


def _int64(i):
    """Indices as int64 (uint64 stays: int64 cannot hold it) so that clipping has room for any bound."""
    return i if i.dtype == np.uint64 else i.astype(np.int64, copy=False)


def _clip(i, hi: int):
    return np.clip(i, 0, hi)  # (one pass: NumPy's maximum and minimum with a scalar are several times slower)


def _within(i, hi: int) -> bool:
    """Whether every index is in [0, hi], by two reductions (no array made), so that the common case
    needs neither clipping nor a mask."""
    return i.size == 0 or bool(i.min() >= 0) and bool(i.max() <= hi)


def _move(x, source, destination):
    """`np.moveaxis` for increasing `destination`, as one transpose (none when nothing moves)."""
    order = [k for k in range(x.ndim) if k not in source]
    for dst, src in zip(destination, source):
        order.insert(dst, src)
    return x if order == sorted(order) else x.transpose(order)


def _positions(shape, indices, sizes, start_map, operand_batching, indices_batching, windows, clip):
    """Per operand axis, the positions the (batch..., window...) elements touch, and which
    batch entries have their whole window in bounds (True when every one has).

    `sizes` are the window sizes per operand axis; out-of-bounds starts are clamped so that
    the positions stay valid, and reported in the mask unless `clip`.
    """
    batch = indices.shape[:-1]
    tail = (1,) * len(windows)
    starts: list = [0] * len(shape)
    ok = True
    for k, d in enumerate(start_map):
        s = _int64(indices[..., k])
        hi = shape[d] - sizes[d]
        if not _within(s, hi):
            if not clip:
                ok = ok & (s >= 0) & (s <= hi)
            s = _clip(s, hi)
        starts[d] = s.astype(np.intp, copy=False)
    for d, b in zip(operand_batching, indices_batching):
        starts[d] = np.arange(batch[b]).reshape([-1 if i == b else 1 for i in range(len(batch))])
    out = []
    for d in range(len(shape)):
        p = np.reshape(starts[d], np.shape(starts[d]) + tail)
        if d in windows:
            k = windows.index(d)
            p = p + np.arange(sizes[d]).reshape([-1 if i == k else 1 for i in range(len(windows))])
        out.append(p)
    return out, ok


def _take(operand, indices, dn, mode, fill_value):
    """Gather of whole slices along one axis (x[i], x[:, i], take): NumPy's take."""
    (d,) = dn.start_index_map
    n = operand.shape[d]
    i = _int64(indices[..., 0])
    out = np.take(operand, _clip(i, n - 1), axis=d)
    nb = i.ndim
    if mode == "fill":
        ok = np.reshape((i >= 0) & (i < n), (1,) * d + i.shape + (1,) * (operand.ndim - d - 1))
        out = np.where(ok, out, np.asarray(fill_value, operand.dtype))
    return _move(out, range(d, d + nb), [k for k in range(out.ndim) if k not in dn.offset_dims])


def _gather(operand, indices, *, dimension_numbers, slice_sizes, mode, fill_value):
    operand, indices = np.asarray(operand), np.asarray(indices)
    dn = dimension_numbers
    if (len(dn.start_index_map) == 1 and dn.collapsed_slice_dims == dn.start_index_map and not dn.operand_batching_dims
            and all(k == n for j, (k, n) in enumerate(zip(slice_sizes, operand.shape)) if j not in dn.start_index_map)):
        return _take(operand, indices, dn, mode, fill_value)
    windows = [d for d in range(operand.ndim) if d not in dn.collapsed_slice_dims and d not in dn.operand_batching_dims]
    positions, ok = _positions(operand.shape, indices, slice_sizes, dn.start_index_map, dn.operand_batching_dims,
                               dn.start_indices_batching_dims, windows, clip=mode != "fill")
    batch, nw = indices.shape[:-1], len(windows)
    if len(positions) < 64:
        out = operand[tuple(positions)]
    else:  # NumPy takes at most 63 index arrays: one flat position per element, as the scatters do
        out = operand.reshape(-1)[_flat_positions(positions, operand.shape)]
    shape = batch + tuple(slice_sizes[d] for d in windows)
    if out.shape != shape:  # batch axes that no index vector varies along
        out = np.broadcast_to(out, shape)
    if ok is not True:
        out = np.where(np.reshape(ok, batch + (1,) * nw), out, np.asarray(fill_value, operand.dtype))
    nb = len(batch)
    return _move(out, range(nb, nb + nw), dn.offset_dims)


def _scatter(combine):
    """A scatter kernel; `combine` is a ufunc whose `.at` accumulates, or None to assign."""
    def kernel(operand, indices, updates, *, dimension_numbers, mode):
        out = np.array(operand, copy=True, order="C")  # written through reshaped views below
        indices, updates = np.asarray(indices), np.asarray(updates)
        dn = dimension_numbers
        batch, nw = indices.shape[:-1], len(dn.update_window_dims)
        updates = _move(updates, dn.update_window_dims, range(len(batch), len(batch) + nw))
        if out.size == 0 or updates.size == 0:
            return out
        skipped = set(dn.inserted_window_dims) | set(dn.operand_batching_dims)
        windows = [d for d in range(out.ndim) if d not in skipped]
        sizes = [1] * out.ndim
        for d, n in zip(windows, updates.shape[len(batch):]):
            sizes[d] = n
        positions, ok = _positions(out.shape, indices, sizes, dn.scatter_dims_to_operand_dims,
                                   dn.operand_batching_dims, dn.scatter_indices_batching_dims, windows,
                                   clip=mode == "clip")
        # one flat position per update element (works for 0-d operands too)
        flat = np.broadcast_to(_flat_positions(positions, out.shape), updates.shape)
        if ok is not True:
            keep = np.broadcast_to(np.reshape(ok, batch + (1,) * nw), updates.shape)
            flat, updates = flat[keep], updates[keep]
        target = out.reshape(-1)
        if combine is None:
            target[flat.ravel()] = updates.ravel()
        else:
            combine.at(target, flat.ravel(), updates.ravel())
        return out
    return kernel


def _flat_positions(positions: list, shape) -> np.ndarray | int:
    """One flat (C-order) position per element from the per-axis `positions` (0 for a 0-d array);
    an axis of stride 1 adds its positions as they are, without a product or a copy."""
    flat = None
    for p, stride in zip(positions, _element_strides(shape)):
        term = p if stride == 1 else p * stride
        flat = term if flat is None else flat + term
    return 0 if flat is None else flat


def _element_strides(shape) -> list[int]:
    strides, acc = [], 1
    for n in reversed(shape):
        strides.append(acc)
        acc *= n
    return strides[::-1]


numpy_kernel.update({
    I.dynamic_slice_p: _dynamic_slice,
    I.dynamic_update_slice_p: _dynamic_update_slice,
    I.gather_p: _gather,
    I.scatter_p: _scatter(None),
    I.scatter_add_p: _scatter(np.add),
    I.scatter_mul_p: _scatter(np.multiply),
    I.scatter_min_p: _scatter(np.minimum),
    I.scatter_max_p: _scatter(np.maximum),
})
