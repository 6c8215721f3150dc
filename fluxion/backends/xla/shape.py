"""XLA lowering of the shape primitives: each is the `jax.lax` operation of the same name."""
from __future__ import annotations

from jax import lax

from ...core.rules import xla_lowering
from ...ops import shape as S

xla_lowering.update({
    S.broadcast_in_dim_p: lambda x, *, shape, broadcast_dimensions: lax.broadcast_in_dim(x, shape, broadcast_dimensions),
    S.reshape_p: lambda x, *, new_sizes: lax.reshape(x, new_sizes),
    S.transpose_p: lambda x, *, permutation: lax.transpose(x, permutation),
    S.squeeze_p: lambda x, *, dimensions: lax.squeeze(x, dimensions),
    S.expand_dims_p: lambda x, *, dimensions: lax.expand_dims(x, dimensions),
    S.rev_p: lambda x, *, dimensions: lax.rev(x, dimensions),
    S.concatenate_p: lambda *xs, dimension: lax.concatenate(xs, dimension),
    S.pad_p: lambda x, padding_value, *, padding_config: lax.pad(x, padding_value, padding_config),
    S.slice_p: lambda x, *, start_indices, limit_indices, strides: lax.slice(x, start_indices, limit_indices, strides),
    S.iota_p: lambda *, dtype, shape, dimension: lax.broadcasted_iota(dtype, shape, dimension),
})
