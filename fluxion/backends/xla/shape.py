"""XLA lowering of the shape primitives.

Each is the `jax.lax` operation of the same name, whose parameters have the same names as
the primitive's, so the function itself is the rule; only concatenate takes its operands as
a sequence.
"""
from __future__ import annotations

from jax import lax

from ...core.rules import xla_lowering
from ...ops import shape as S
from ...ops.barrier import checkpoint_name_p, device_put_p, optimization_barrier_p

xla_lowering.update({
    S.broadcast_in_dim_p: lax.broadcast_in_dim, S.reshape_p: lax.reshape, S.transpose_p: lax.transpose,
    S.squeeze_p: lax.squeeze, S.expand_dims_p: lax.expand_dims, S.rev_p: lax.rev, S.pad_p: lax.pad,
    S.slice_p: lax.slice, S.iota_p: lax.broadcasted_iota,
    S.concatenate_p: lambda *xs, dimension: lax.concatenate(xs, dimension),
})


def _roll(x, *, shifts, axes):
    for s, a in zip(shifts, axes):  # the last s elements, then the others
        n = x.shape[a]
        x = lax.concatenate([lax.slice_in_dim(x, n - s, n, axis=a), lax.slice_in_dim(x, 0, n - s, axis=a)], a)
    return x


xla_lowering[S.roll_p] = _roll
xla_lowering[optimization_barrier_p] = lambda *xs: tuple(lax.optimization_barrier(xs))
xla_lowering[checkpoint_name_p] = lambda x, *, name: x
# a move recorded eagerly (in a pullback later compiled): the compiled call decides where it runs
xla_lowering[device_put_p] = lambda x, *, device, src: x
