"""Derivative rules of the indexing primitives.

Indices are never differentiated. dynamic_slice, gather and the set and add scatters are
linear in their array arguments (jointly), so their jvp applies the primitive to the tangents;
their transposes pair up: the transpose of a gather is a scatter-add and the transpose of a
scatter-add's updates is a gather.

Repeated indices: scatter-add sums every update. For scatter (set) the write that lands
decides the value, so only that update gets a derivative; the others get zero. Eagerly the
last write wins; the rules find the winner with the same kernel, so value and derivative
agree. The multiplicative, minimum and maximum scatters are differentiated with the
product rule and with tie-sharing: see their rules.
"""
from __future__ import annotations

from ..core import dtypes
from ..core.errors import op_error
from ..core.array import to_array
from ..core.primitive import batch_rules, jvp_rules, transpose_rules
from . import elementwise as E
from . import indexing as I
from . import shape as S
from ._ad import Zero, differentiable, instantiate, is_undefined, zeros
from ._batch import batch_size, broadcast_batch, example_axes, insert_at, moveaxis, same_bdim

_b = lambda p: p.bind  # noqa: E731
mul, div, add, select, eq, ne = _b(E.mul_p), _b(E.div_p), _b(E.add_p), _b(E.select_n_p), _b(E.eq_p), _b(E.ne_p)


def _scalar(value, dtype):
    return S.full((), value, dtype)


def _deflinear_in(prim, linear: tuple[int, ...], transpose, tangent_params=None) -> None:
    """`prim` is linear jointly in the arguments at positions `linear` (the others are indices):
    its jvp applies it to their tangents, with `tangent_params(params)` if given."""
    def rule(primals, tangents, **params):
        ans = prim.bind(*primals, **params)
        if all(tangents[i].__class__ is Zero for i in linear) or not differentiable(ans.aval):
            return ans, Zero(ans.aval)
        args = list(primals)
        for i in linear:
            args[i] = instantiate(tangents[i])
        return ans, prim.bind(*args, **(tangent_params(params) if tangent_params else params))
    jvp_rules[prim] = rule
    transpose_rules[prim] = transpose


# dynamic slices -------------------------------------------------------------------------------
def _dynamic_slice_transpose(ct, x, *starts, slice_sizes):
    return [I.dynamic_update_slice(zeros(x.aval), ct, starts)] + [None] * len(starts)


def _dynamic_update_slice_transpose(ct, x, update, *starts):
    x_ct = I.dynamic_update_slice(ct, zeros(update.aval), starts) if is_undefined(x) else None
    update_ct = I.dynamic_slice(ct, starts, update.aval.shape) if is_undefined(update) else None
    return [x_ct, update_ct] + [None] * len(starts)


# gather and scatter-add ----------------------------------------------------------------------
def _scatter_numbers(dn: I.GatherDimensionNumbers) -> I.ScatterDimensionNumbers:
    return I.ScatterDimensionNumbers(update_window_dims=dn.offset_dims, inserted_window_dims=dn.collapsed_slice_dims,
                                     scatter_dims_to_operand_dims=dn.start_index_map,
                                     operand_batching_dims=dn.operand_batching_dims,
                                     scatter_indices_batching_dims=dn.start_indices_batching_dims)


def _zero_fill(dtype):
    return 0j if dtype in dtypes.COMPLEX else 0.0 if dtype in dtypes.FLOATING else 0


def _gather_tangent_params(params):
    # out-of-bounds windows read the constant fill value, whose tangent is zero (a zero of the
    # fill value's Python type: float, or complex for complex operands)
    if params["mode"] != "fill":
        return params
    return dict(params, fill_value=type(params["fill_value"])(0))


def _gather_transpose(ct, operand, indices, *, dimension_numbers, slice_sizes, mode, fill_value):
    # the windows a gather clamps (modes clip and promise_in_bounds) the scatter must clamp too
    scatter_mode = "fill" if mode == "fill" else "clip"
    out = I.scatter_add_p.bind(zeros(operand.aval), indices, ct, dimension_numbers=_scatter_numbers(dimension_numbers),
                               mode=scatter_mode)
    return [out, None]


def _read_updates(x, indices, dn: I.ScatterDimensionNumbers, updates_shape: tuple, mode: str, fill=None):
    """The elements of `x` (shaped like the scatter's operand) at the places the updates of a
    scatter go, shaped like the updates; dropped updates read `fill` (0 by default)."""
    gdn = I.GatherDimensionNumbers(offset_dims=dn.update_window_dims, collapsed_slice_dims=dn.inserted_window_dims,
                                   start_index_map=dn.scatter_dims_to_operand_dims,
                                   operand_batching_dims=dn.operand_batching_dims,
                                   start_indices_batching_dims=dn.scatter_indices_batching_dims)
    windows = iter(updates_shape[d] for d in dn.update_window_dims)
    skipped = set(dn.inserted_window_dims) | set(dn.operand_batching_dims)
    sizes = tuple(1 if d in skipped else next(windows) for d in range(x.ndim))
    # a scatter drops the updates a gather in mode "fill" does not read (the whole window must fit)
    return I.gather(x, indices, gdn, sizes, mode="clip" if mode == "clip" else "fill",
                    fill_value=_zero_fill(x.dtype) if fill is None else fill)


def _scatter_add_transpose(ct, operand, indices, updates, *, dimension_numbers, mode):
    operand_ct = ct if is_undefined(operand) else None
    updates_ct = None
    if is_undefined(updates):
        updates_ct = _read_updates(ct, indices, dimension_numbers, updates.aval.shape, mode)
    return [operand_ct, None, updates_ct]


# scatter (set) ---------------------------------------------------------------------------------
def _winners(operand_shape: tuple, indices, updates_shape: tuple, dn, mode: str):
    """True for the update elements whose write lands (the last of repeated ones, eagerly):
    each element writes its own id, and reads back which id stayed."""
    n = 1
    for d in updates_shape:
        n *= d
    dt = dtypes.int32 if n < 2 ** 31 - 1 else dtypes.int64
    ids = S.reshape(S.iota(dt, (n,), 0), updates_shape)
    landed = I.scatter_p.bind(S.full(operand_shape, -1, dt), indices, ids, dimension_numbers=dn, mode=mode)
    return eq(_read_updates(landed, indices, dn, updates_shape, mode, fill=-1), ids)


def _scatter_transpose(ct, operand, indices, updates, *, dimension_numbers, mode):
    operand_ct = updates_ct = None
    if is_undefined(operand):  # the places written to do not see the operand
        operand_ct = I.scatter_p.bind(ct, indices, zeros(updates.aval), dimension_numbers=dimension_numbers, mode=mode)
    if is_undefined(updates):
        read = _read_updates(ct, indices, dimension_numbers, updates.aval.shape, mode)
        won = _winners(ct.shape, indices, updates.aval.shape, dimension_numbers, mode)
        updates_ct = select(won, _scalar(0, ct.dtype), read)
    return [operand_ct, None, updates_ct]


# scatter-mul: the product rule ------------------------------------------------------------------
def _scatter_mul_jvp(primals, tangents, *, dimension_numbers, mode):
    """d out = t_operand * (product of the updates at its place)
             + sum over updates u of t_u * (operand * the other updates at u's place).

    The coefficient of a non-zero update is out / u. Where an update is zero, it is the operand
    times the non-zero updates there if that is the place's only zero, else 0. Derivatives of
    every order are exact except second ones in two updates that are both exactly zero and
    land on one place (taken as 0)."""
    (x, indices, u), (tx, _, tu) = primals, tangents
    params = dict(dimension_numbers=dimension_numbers, mode=mode)
    ans = I.scatter_mul_p.bind(x, indices, u, **params)
    if not differentiable(ans.aval):
        return ans, Zero(ans.aval)
    out = Zero(ans.aval)
    if tx.__class__ is not Zero:
        out = I.scatter_mul_p.bind(tx, indices, u, **params)
    if tu.__class__ is not Zero:
        zero, one = _scalar(0, u.dtype), _scalar(1, u.dtype)
        is_zero = eq(u, zero)
        nonzero = select(is_zero, u, one)
        others_nonzero = I.scatter_mul_p.bind(x, indices, nonzero, **params)
        zeros_there = I.scatter_add_p.bind(zeros(x.aval), indices, select(is_zero, zero, one), **params)
        if_only_zero = select(eq(zeros_there, one), zero, others_nonzero)
        coef = select(is_zero, div(_read_updates(ans, indices, dimension_numbers, u.shape, mode), nonzero),
                      _read_updates(if_only_zero, indices, dimension_numbers, u.shape, mode))
        term = I.scatter_add_p.bind(zeros(x.aval), indices, mul(tu, coef), **params)
        out = term if out.__class__ is Zero else add(out, term)
    return ans, out


def _scatter_mul_transpose(ct, operand, indices, updates, *, dimension_numbers, mode):
    if is_undefined(updates):
        raise op_error(NotImplementedError, "scatter_mul", "is not linear in its updates, so it cannot be "
                       "transposed in them", "differentiate it with fx.jvp or fx.grad, whose rules only transpose "
                       "it in the operand")
    return [I.scatter_mul_p.bind(ct, indices, updates, dimension_numbers=dimension_numbers, mode=mode), None, None]


# scatter-min / scatter-max: the derivative of whatever value won -----------------------------
def _same(a, b):
    """a == b, with NaN equal to NaN (a NaN result came from a NaN input)."""
    return E.or_p.bind(eq(a, b), E.and_p.bind(ne(a, a), ne(b, b)))


def _extremal_jvp(prim):
    """The tangent of the value that won at each place; values that tie (the operand and any
    updates equal to the result) share it equally, as the elementwise min and max do."""
    def rule(primals, tangents, *, dimension_numbers, mode):
        (x, indices, u), (tx, _, tu) = primals, tangents
        params = dict(dimension_numbers=dimension_numbers, mode=mode)
        ans = prim.bind(x, indices, u, **params)
        if not differentiable(ans.aval):
            return ans, Zero(ans.aval)
        zero, one = _scalar(0, ans.dtype), _scalar(1, ans.dtype)
        x_won = _same(x, ans)
        u_won = _same(u, _read_updates(ans, indices, dimension_numbers, u.shape, mode))
        ties = add(select(x_won, zero, one), I.scatter_add_p.bind(zeros(x.aval), indices, select(u_won, zero, one),
                                                                   **params))
        share = div(one, E.max_p.bind(ties, one))
        out = Zero(ans.aval)
        if tx.__class__ is not Zero:
            out = mul(tx, select(x_won, zero, share))
        if tu.__class__ is not Zero:
            u_share = select(u_won, zero, _read_updates(share, indices, dimension_numbers, u.shape, mode))
            term = I.scatter_add_p.bind(zeros(x.aval), indices, mul(tu, u_share), **params)
            out = term if out.__class__ is Zero else add(out, term)
        return ans, out
    return rule


_deflinear_in(I.dynamic_slice_p, (0,), _dynamic_slice_transpose)
_deflinear_in(I.dynamic_update_slice_p, (0, 1), _dynamic_update_slice_transpose)
_deflinear_in(I.gather_p, (0,), _gather_transpose, _gather_tangent_params)
_deflinear_in(I.scatter_add_p, (0, 2), _scatter_add_transpose)
_deflinear_in(I.scatter_p, (0, 2), _scatter_transpose)
jvp_rules[I.scatter_mul_p] = _scatter_mul_jvp
transpose_rules[I.scatter_mul_p] = _scatter_mul_transpose
jvp_rules[I.scatter_min_p] = _extremal_jvp(I.scatter_min_p)
jvp_rules[I.scatter_max_p] = _extremal_jvp(I.scatter_max_p)


# batching ----------------------------------------------------------------------------------------
# The examples' index vectors run in step with the examples' operands through the operand and
# index batching axes of gather and scatter; an operand batched alone is one more window axis
# taken whole; batched dynamic-slice starts become index vectors of a gather or scatter.
def _slot(taken: tuple, rank: int) -> int:
    """Where a new axis goes so that it is the `rank`-th of the axes at the sorted positions `taken`
    once it joins them (the other axes keep their order)."""
    return taken[rank - 1] + 1 if rank else 0


def _free(n: int, taken) -> tuple[int, ...]:
    return tuple(i for i in range(n) if i not in taken)


def _index_batch_axis(indices, d: int):
    """Batched indices whose batch axis is not their index-vector (last) axis."""
    return (moveaxis(indices, d, 0), 0) if d == indices.ndim - 1 else (indices, d)


def _paired(operand_axes, index_axes, od: int, idim: int):
    """Batching axis pairs with the examples' pair (od, idim) added, ordered by operand axis."""
    pairs = sorted(zip(example_axes(operand_axes, od) + (od,), example_axes(index_axes, idim) + (idim,)))
    return tuple(p[0] for p in pairs), tuple(p[1] for p in pairs)


def _gather_batch(args, dims, *, dimension_numbers, slice_sizes, mode, fill_value):
    params = dict(mode=mode, fill_value=fill_value)
    (operand, indices), (od, idim) = args, dims
    offset, collapsed, start, obatch, ibatch = dimension_numbers
    if idim is None:  # the batch axis is one more window, taken whole
        windows = _free(operand.ndim - 1, collapsed + obatch)
        p = _slot(offset, sum(w < od for w in windows))
        dn = I.GatherDimensionNumbers(tuple(sorted(example_axes(offset, p) + (p,))), example_axes(collapsed, od),
                                      example_axes(start, od), example_axes(obatch, od), ibatch)
        sizes = insert_at(slice_sizes, od, operand.shape[od])
        return I.gather_p.bind(operand, indices, dimension_numbers=dn, slice_sizes=sizes, **params), p
    indices, idim = _index_batch_axis(indices, idim)
    # the output's non-window axes follow the index batch axes, the examples' among them
    p = _slot(_free(indices.ndim - 2 + len(offset), offset), idim)
    if od is None:
        dn = I.GatherDimensionNumbers(example_axes(offset, p), collapsed, start, obatch, example_axes(ibatch, idim))
        return I.gather_p.bind(operand, indices, dimension_numbers=dn, slice_sizes=slice_sizes, **params), p
    dn = I.GatherDimensionNumbers(example_axes(offset, p), example_axes(collapsed, od), example_axes(start, od),
                                  *_paired(obatch, ibatch, od, idim))
    sizes = insert_at(slice_sizes, od, min(1, operand.shape[od]))  # (0 for no examples)
    return I.gather_p.bind(operand, indices, dimension_numbers=dn, slice_sizes=sizes, **params), p


def _scatter_batch(prim):
    def rule(args, dims, *, dimension_numbers, mode):
        (operand, indices, updates), (od, idim, ud) = args, dims
        window, inserted, start, obatch, ibatch = dimension_numbers
        size = batch_size(args, dims)
        if od is None:  # every example writes into its own copy
            operand, od = broadcast_batch(operand, size, 0), 0
        rank = updates.ndim - (ud is not None)
        if idim is None:  # the batch axis is one more window, written whole
            p = _slot(window, sum(w < od for w in _free(operand.ndim - 1, inserted + obatch)))
            dn = I.ScatterDimensionNumbers(tuple(sorted(example_axes(window, p) + (p,))), example_axes(inserted, od),
                                           example_axes(start, od), example_axes(obatch, od), ibatch)
        else:  # the update's scatter axes follow the index batch axes, the examples' among them
            indices, idim = _index_batch_axis(indices, idim)
            p = _slot(_free(rank, window), idim)
            dn = I.ScatterDimensionNumbers(example_axes(window, p), example_axes(inserted, od),
                                           example_axes(start, od), *_paired(obatch, ibatch, od, idim))
        updates = broadcast_batch(updates, size, p) if ud is None else moveaxis(updates, ud, p)
        return prim.bind(operand, indices, updates, dimension_numbers=dn, mode=mode), od
    return rule


def _index_vectors(starts, dims, size: int):
    """Per-example start indices (0-d, or batched along axis 0) as one (size, len(starts)) array of
    one integer dtype (int64 when they differ; uint64 starts beyond its range clamp to the end anyway)."""
    starts = [to_array(s) for s in starts]
    dt = starts[0].dtype if len({s.dtype for s in starts}) == 1 else dtypes.int64
    columns = []
    for s, d in zip(starts, dims):
        if s.dtype != dt:
            if s.dtype == dtypes.uint64:
                s = E.min_p.bind(s, _scalar(2 ** 63 - 1, s.dtype))
            s = E.convert_element_type_p.bind(s, new_dtype=dt, weak=False)
        columns.append(S.broadcast_in_dim(s, (size, 1), () if d is None else (0,)))
    return S.concatenate(columns, 1)


def _starts_at(starts, d: int):
    """Dynamic-slice starts for an operand batched along axis `d`, which starts at 0."""
    return insert_at(tuple(starts), d, _scalar(0, dtypes.int32))


def _dynamic_slice_batch(args, dims, *, slice_sizes):
    (x, *starts), (xd, *sds) = args, dims
    if all(d is None for d in sds):
        sizes = insert_at(slice_sizes, xd, x.shape[xd])
        return I.dynamic_slice_p.bind(x, *_starts_at(starts, xd), slice_sizes=sizes), xd
    idx = _index_vectors(starts, sds, batch_size(args, dims))
    if xd is None:  # gather each example's window from the one operand
        n = len(starts)
        dn = I.GatherDimensionNumbers(tuple(range(1, n + 1)), (), tuple(range(n)))
        return I.gather_p.bind(x, idx, dimension_numbers=dn, slice_sizes=slice_sizes, mode="clip",
                               fill_value=None), 0
    axes = _free(x.ndim, (xd,))
    dn = I.GatherDimensionNumbers(axes, (), axes, (xd,), (0,))
    sizes = insert_at(slice_sizes, xd, min(1, x.shape[xd]))
    return I.gather_p.bind(x, idx, dimension_numbers=dn, slice_sizes=sizes, mode="clip", fill_value=None), xd


def _dynamic_update_slice_batch(args, dims):
    (x, update, *starts), (xd, ud, *sds) = args, dims
    size = batch_size(args, dims)
    if xd is None and ud is None:  # only the starts differ: each example writes into its own copy
        x, xd = broadcast_batch(x, size, 0), 0
    (x, update), d = same_bdim([x, update], [xd, ud])
    if all(s is None for s in sds):
        return I.dynamic_update_slice_p.bind(x, update, *_starts_at(starts, d)), d
    axes = _free(x.ndim, (d,))
    dn = I.ScatterDimensionNumbers(axes, (), axes, (d,), (0,))
    return I.scatter_p.bind(x, _index_vectors(starts, sds, size), update, dimension_numbers=dn, mode="clip"), d


batch_rules[I.gather_p] = _gather_batch
batch_rules[I.dynamic_slice_p] = _dynamic_slice_batch
batch_rules[I.dynamic_update_slice_p] = _dynamic_update_slice_batch
for _p in I.SCATTERS.values():
    batch_rules[_p] = _scatter_batch(_p)
