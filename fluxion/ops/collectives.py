"""Collectives over a named batch axis: psum, pmax, pmin, all_gather, axis_index (as jax.lax's).

`fx.vmap(f, axis_name="b")` names its batch axis; inside `f`, a collective over "b" combines
the values of all examples. Each primitive names one axis (`axis_name`; fluxion.lax splits a
tuple of names into one call per name). The batching interpreter of that name applies the
primitive's rule in `collective_rules`, `rule(args, dims, size, **params) -> (out, out_dim)`,
which combines the examples along its batch axis (an unbatched operand counts `size` times);
any other batching interpreter treats the call as a per-example operation (`batch_rules`) and
passes it on below. A call no vmap of that name meets reaches its kernel or XLA lowering,
which raise the error naming the fix.

Derivatives, as in jax: psum is linear and its own transpose (every example's result depends on
every example's operand); all_gather is linear, transposed by a psum and taking this example's
slice; the tangent of pmax/pmin is the mean of the tangents of the examples attaining it.
"""
from __future__ import annotations

from ..core import dtypes as D
from ..core.errors import op_error
from ..core.interpreters import current
from ..core.primitive import batch_rules, numpy_kernel, xla_lowering
from ..core.types import ArrayType
from . import elementwise as E
from . import indexing as I
from . import reduce as R
from . import shape as S
from ._ad import defjvp, deflinear, defzero
from ._batch import broadcast_batch, defunary_axes, moveaxis
from ._util import check_dtype, define

collective_rules: dict = {}  # primitive -> rule of the vmap whose axis it names (see above)


def unbound_error(op: str, name) -> NameError:
    return op_error(NameError, op, f"axis name {name!r} is not bound by any enclosing fx.vmap",
                    f"call it inside fx.vmap(..., axis_name={name!r}) (inside or around fx.jit); collectives "
                    "inside the bodies of fx.cond, fx.scan and fx.while_loop are not supported yet: compute them "
                    "outside the control flow")


def axis_size(name, op: str) -> int:
    """The number of examples of the innermost vmap named `name` around the current call."""
    interp = current()
    while interp is not None:
        if getattr(interp, "axis_name", None) == name:
            return interp.size
        interp = interp.parent
    raise unbound_error(op, name)


# abstract evaluation ------------------------------------------------------------------------
def _allreduce(name: str, allowed: tuple):
    def rule(x: ArrayType, *, axis_name) -> ArrayType:
        check_dtype(name, x.dtype, allowed)
        return x
    return define(name, rule)


def _all_gather_rule(x: ArrayType, *, axis_name, axis: int, axis_size: int) -> ArrayType:
    return ArrayType(x.shape[:axis] + (axis_size,) + x.shape[axis:], x.dtype, x.weak)


_ORDERED = (D.bool_,) + D.INTEGER + D.REAL_FLOATING
psum_p = _allreduce("psum", D.NUMERIC)
pmax_p = _allreduce("pmax", _ORDERED)
pmin_p = _allreduce("pmin", _ORDERED)
all_gather_p = define("all_gather", _all_gather_rule)
axis_index_p = define("axis_index", lambda *, axis_name: ArrayType((), D.int32, False))


def _unbound(prim):
    """The kernel and the XLA lowering of a collective: reached only where no vmap binds its name."""
    def kernel(*args, axis_name, **params):
        raise unbound_error(prim.name, axis_name)
    return kernel


for _p in (psum_p, pmax_p, pmin_p, all_gather_p, axis_index_p):
    numpy_kernel[_p] = xla_lowering[_p] = _unbound(_p)


# derivatives ------------------------------------------------------------------------------------
def _all_gather_transpose(ct, x, *, axis_name, axis, axis_size):
    total = psum_p.bind(ct, axis_name=axis_name)
    starts = [S.full((), 0, D.int32)] * ct.ndim
    starts[axis] = axis_index_p.bind(axis_name=axis_name)
    sizes = ct.shape[:axis] + (1,) + ct.shape[axis + 1:]
    return [S.squeeze(I.dynamic_slice(total, starts, sizes), (axis,))]


def _extremum_jvp(t, ans, x, *, axis_name, largest: bool):
    # the examples attaining the extremum are those it is not beyond (a NaN extremum: all of them)
    at = E.not_p.bind((E.gt_p if largest else E.lt_p).bind(ans, x))
    count = psum_p.bind(E.convert_element_type_p.bind(at, new_dtype=x.dtype, weak=False), axis_name=axis_name)
    chosen = E.select_n_p.bind(at, S.full((), 0, t.dtype), t)
    return E.div_p.bind(psum_p.bind(chosen, axis_name=axis_name), count)


deflinear(psum_p, lambda ct, x, *, axis_name: [psum_p.bind(ct, axis_name=axis_name)])
deflinear(all_gather_p, _all_gather_transpose)
defjvp(pmax_p, lambda t, ans, x, **params: _extremum_jvp(t, ans, x, largest=True, **params))
defjvp(pmin_p, lambda t, ans, x, **params: _extremum_jvp(t, ans, x, largest=False, **params))
defzero(axis_index_p)


# batching: under the vmap of the name ----------------------------------------------------------
def _combining(reduce, unbatched):
    def rule(args, dims, size, *, axis_name):
        (x,), (d,) = args, dims
        return (unbatched(x, size) if d is None else reduce(x, (d,))), None
    return rule


collective_rules[psum_p] = _combining(R.reduce_sum, lambda x, n: E.mul_p.bind(x, S.full((), n, x.dtype)))
collective_rules[pmax_p] = _combining(R.reduce_max, lambda x, n: x)
collective_rules[pmin_p] = _combining(R.reduce_min, lambda x, n: x)
collective_rules[axis_index_p] = lambda args, dims, size, *, axis_name: (S.iota(D.int32, (size,), 0), 0)


def _all_gather_named(args, dims, size, *, axis_name, axis, axis_size):
    (x,), (d,) = args, dims
    return (broadcast_batch(x, size, axis) if d is None else moveaxis(x, d, axis)), None


collective_rules[all_gather_p] = _all_gather_named


# batching: under another vmap, a per-example operation ---------------------------------------
def _all_gather_batch(args, dims, *, axis_name, axis, axis_size):
    (x,), (d,) = args, dims
    return all_gather_p.bind(x, axis_name=axis_name, axis=axis + (d <= axis), axis_size=axis_size), d + (d > axis)


for _p in (psum_p, pmax_p, pmin_p):
    defunary_axes(_p, lambda d, **params: params)
batch_rules[all_gather_p] = _all_gather_batch
