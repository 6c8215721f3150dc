"""Collectives over a named batch axis: psum, pmax, pmin, all_gather, axis_index, ppermute,
psum_scatter, all_to_all (as jax.lax's).

`fx.vmap(f, axis_name="b")` names its batch axis; inside `f`, a collective over "b" combines
the values of all examples. Each primitive names one axis (`axis_name`; fluxion.lax splits a
tuple of names into one call per name). The batching interpreter of that name applies the
primitive's rule in `collective_rules`, `rule(args, dims, size, **params) -> (out, out_dim)`,
which combines the examples along its batch axis (an unbatched operand counts `size` times);
any other batching interpreter treats the call as a per-example operation (`batch_rules`) and
passes it on below. A collective inside a branch or loop body reaches the vmap of its name
with the control-flow primitive, whose rule batches the body under that name (`axis_names`
says which names a program's collectives use). A call no vmap of that name meets reaches its
kernel or XLA lowering, which raise the error naming the fix.

The primitives are the plain forms; fluxion.lax reshapes around them for `tiled` and for
several names. `psum_scatter` sums and gives example k slice k of axis `axis` (of size
`axis_size`, which it removes); `all_to_all` gives example k slice k of every example's
`split_axis`, stacked along a new axis `concat_axis` of the result (the split axis removed);
`ppermute` gives example `dst` the value of example `src` for each pair of `perm`, zeros to
an example no pair sends to.

Derivatives, as in jax: psum is linear and its own transpose (every example's result depends on
every example's operand); all_gather and psum_scatter are linear and transpose each other;
all_to_all's transpose swaps its two axes, ppermute's permutes back; the tangent of pmax/pmin
is the mean of the tangents of the examples attaining it.
"""
from __future__ import annotations

import functools

import numpy as np

from ..core import dtypes as D
from ..core.array import Array, to_array
from ..core.errors import op_error
from ..core.interpreters import current
from ..core.primitive import batch_rules, numpy_kernel, xla_lowering
from ..core.program import Program, sub_programs
from ..core.types import ArrayType
from . import elementwise as E
from . import indexing as I
from . import reduce as R
from . import shape as S
from ._ad import defjvp, deflinear, defzero
from ._batch import broadcast_batch, defunary_axes, moveaxis, to_front
from ._util import check_dtype, define

collective_rules: dict = {}  # primitive -> rule of the vmap whose axis it names (see above)


def unbound_error(op: str, name) -> NameError:
    return op_error(NameError, op, f"axis name {name!r} is not bound by any enclosing fx.vmap",
                    f"call it inside fx.vmap(..., axis_name={name!r}) (inside or around fx.jit)")


def axis_size(name, op: str) -> int:
    """The number of examples of the innermost vmap named `name` around the current call."""
    interp = current()
    while interp is not None:
        if getattr(interp, "axis_name", None) == name:
            return interp.size
        interp = interp.parent
    raise unbound_error(op, name)


@functools.lru_cache(maxsize=4096)
def axis_names(program: Program) -> frozenset:
    """The axis names the collectives in `program` combine over, those in the programs its
    equations carry (branches, loop bodies) included."""
    names = set()
    for eq in program.equations:
        if eq.prim in collective_rules:
            names.add(eq.params["axis_name"])
        for p in sub_programs(eq.params):
            names |= axis_names(p)
    return frozenset(names)


# abstract evaluation ------------------------------------------------------------------------
def _allreduce(name: str, allowed: tuple):
    def rule(x: ArrayType, *, axis_name) -> ArrayType:
        check_dtype(name, x.dtype, allowed)
        return x
    return define(name, rule)


def _all_gather_rule(x: ArrayType, *, axis_name, axis: int, axis_size: int) -> ArrayType:
    return ArrayType(x.shape[:axis] + (axis_size,) + x.shape[axis:], x.dtype, x.weak)


def _psum_scatter_rule(x: ArrayType, *, axis_name, axis: int, axis_size: int) -> ArrayType:
    check_dtype("psum_scatter", x.dtype, D.NUMERIC)
    _check_split("psum_scatter", x, axis, axis_size)
    return ArrayType(x.shape[:axis] + x.shape[axis + 1:], x.dtype, x.weak)


def _all_to_all_rule(x: ArrayType, *, axis_name, split_axis: int, concat_axis: int, axis_size: int) -> ArrayType:
    _check_split("all_to_all", x, split_axis, axis_size)
    shape = x.shape[:split_axis] + x.shape[split_axis + 1:]
    return ArrayType(shape[:concat_axis] + (axis_size,) + shape[concat_axis:], x.dtype, x.weak)


def _check_split(op: str, x: ArrayType, axis: int, axis_size: int) -> None:
    if x.shape[axis] != axis_size:  # (fluxion.lax checks it first, naming the user's arguments)
        raise AssertionError(f"{op}: axis {axis} of {x} must have the axis size {axis_size}")


_ORDERED = (D.bool_,) + D.INTEGER + D.REAL_FLOATING
psum_p = _allreduce("psum", D.NUMERIC)
pmax_p = _allreduce("pmax", _ORDERED)
pmin_p = _allreduce("pmin", _ORDERED)
all_gather_p = define("all_gather", _all_gather_rule)
axis_index_p = define("axis_index", lambda *, axis_name: ArrayType((), D.int32, False))
psum_scatter_p = define("psum_scatter", _psum_scatter_rule)
all_to_all_p = define("all_to_all", _all_to_all_rule)
ppermute_p = define("ppermute", lambda x, *, axis_name, perm: x)


def _unbound(prim):
    """The kernel and the XLA lowering of a collective: reached only where no vmap binds its name."""
    def kernel(*args, axis_name, **params):
        raise unbound_error(prim.name, axis_name)
    return kernel


for _p in (psum_p, pmax_p, pmin_p, all_gather_p, axis_index_p, psum_scatter_p, all_to_all_p, ppermute_p):
    numpy_kernel[_p] = xla_lowering[_p] = _unbound(_p)


# derivatives ------------------------------------------------------------------------------------
def _extremum_jvp(t, ans, x, *, axis_name, largest: bool):
    # the examples attaining the extremum are those it is not beyond (a NaN extremum: all of them)
    at = E.not_p.bind((E.gt_p if largest else E.lt_p).bind(ans, x))
    count = psum_p.bind(E.convert_element_type_p.bind(at, new_dtype=x.dtype, weak=False), axis_name=axis_name)
    chosen = E.select_n_p.bind(at, S.full((), 0, t.dtype), t)
    return E.div_p.bind(psum_p.bind(chosen, axis_name=axis_name), count)


deflinear(psum_p, lambda ct, x, *, axis_name: [psum_p.bind(ct, axis_name=axis_name)])
deflinear(all_gather_p, lambda ct, x, **params: [psum_scatter_p.bind(ct, **params)])
deflinear(psum_scatter_p, lambda ct, x, **params: [all_gather_p.bind(ct, **params)])
deflinear(all_to_all_p, lambda ct, x, *, split_axis, concat_axis, **params:
          [all_to_all_p.bind(ct, split_axis=concat_axis, concat_axis=split_axis, **params)])
deflinear(ppermute_p, lambda ct, x, *, axis_name, perm:
          [ppermute_p.bind(ct, axis_name=axis_name, perm=tuple(sorted((d, s) for s, d in perm)))])
defjvp(pmax_p, lambda t, ans, x, **params: _extremum_jvp(t, ans, x, largest=True, **params))
defjvp(pmin_p, lambda t, ans, x, **params: _extremum_jvp(t, ans, x, largest=False, **params))
defzero(axis_index_p)


# batching: under the vmap of the name ----------------------------------------------------------
def _combining(reduce, unbatched):
    def rule(args, dims, size, *, axis_name):
        (x,), (d,) = args, dims
        return (unbatched(x, size) if d is None else reduce(x, (d,))), None
    return rule


def _times(x, n: int):
    """An unbatched `x` summed over `n` examples (weak where x is, as psum's type says)."""
    return E.mul_p.bind(x, Array(np.array(n, x.dtype), weak=x.weak))


collective_rules[psum_p] = _combining(R.reduce_sum, _times)
collective_rules[pmax_p] = _combining(R.reduce_max, lambda x, n: x)
collective_rules[pmin_p] = _combining(R.reduce_min, lambda x, n: x)
collective_rules[axis_index_p] = lambda args, dims, size, *, axis_name: (S.iota(D.int32, (size,), 0), 0)


def _all_gather_named(args, dims, size, *, axis_name, axis, axis_size):
    (x,), (d,) = args, dims
    return (broadcast_batch(x, size, axis) if d is None else moveaxis(x, d, axis)), None


collective_rules[all_gather_p] = _all_gather_named


def _psum_scatter_named(args, dims, size, *, axis_name, axis, axis_size):
    # the summed value's axis `axis` indexes the examples: slice k of it is example k's
    (x,), (d,) = args, dims
    return (_times(x, size) if d is None else R.reduce_sum(x, (d,))), axis


def _all_to_all_named(args, dims, size, *, axis_name, split_axis, concat_axis, axis_size):
    # example k's result stacks the examples' slices k: the split axis indexes the examples now,
    # and the batch axis is the new axis at `concat_axis`
    (x,), (d,) = args, dims
    if d is None:
        return broadcast_batch(moveaxis(x, split_axis, 0), size, 1 + concat_axis), 0
    axes = [i + (i >= d) for i in range(x.ndim - 1)]  # each example axis in `x`
    rest = [a for i, a in enumerate(axes) if i != split_axis]
    return S.transpose(x, [axes[split_axis], *rest[:concat_axis], d, *rest[concat_axis:]]), 0


def _ppermute_named(args, dims, size, *, axis_name, perm):
    (x,), (d,) = args, dims
    if d is None and len(perm) == size:  # every example receives the value they all have
        return x, None
    if size == 0:  # no example to send to (and no slice of the empty batch for the gather to take)
        return to_front(x, d, size), 0
    source = np.full((size, 1), size, np.int32)  # out of range: no example sends there, the gather gives 0
    for src, dst in perm:
        source[dst] = src
    x = to_front(x, d, size)
    dn = I.GatherDimensionNumbers(offset_dims=tuple(range(1, x.ndim)), collapsed_slice_dims=(0,),
                                  start_index_map=(0,))
    return I.gather(x, to_array(source), dn, (1, *x.shape[1:]), mode="fill", fill_value=0), 0


collective_rules[psum_scatter_p] = _psum_scatter_named
collective_rules[all_to_all_p] = _all_to_all_named
collective_rules[ppermute_p] = _ppermute_named


# batching: under another vmap, a per-example operation ---------------------------------------
def _all_gather_batch(args, dims, *, axis_name, axis, axis_size):
    (x,), (d,) = args, dims
    return all_gather_p.bind(x, axis_name=axis_name, axis=axis + (d <= axis), axis_size=axis_size), d + (d > axis)


def _psum_scatter_batch(args, dims, *, axis_name, axis, axis_size):
    (x,), (d,) = args, dims
    return psum_scatter_p.bind(x, axis_name=axis_name, axis=axis + (d <= axis), axis_size=axis_size), d - (d > axis)


def _all_to_all_batch(args, dims, *, axis_name, split_axis, concat_axis, axis_size):
    (x,), (d,) = args, dims
    return all_to_all_p.bind(moveaxis(x, d, 0), axis_name=axis_name, split_axis=split_axis + 1,
                             concat_axis=concat_axis + 1, axis_size=axis_size), 0


for _p in (psum_p, pmax_p, pmin_p, ppermute_p):
    defunary_axes(_p, lambda d, **params: params)
batch_rules[all_gather_p] = _all_gather_batch
batch_rules[psum_scatter_p] = _psum_scatter_batch
batch_rules[all_to_all_p] = _all_to_all_batch
