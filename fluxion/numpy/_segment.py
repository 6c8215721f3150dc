"""Segment reductions, `fx.ops.segment_sum` / `segment_prod` / `segment_max` / `segment_min`, as
jax.ops': row i of `data` goes into segment `segment_ids[i]`; the result has one row per
segment, holding the reduction's identity where a segment is empty. Ids outside
[0, num_segments) are dropped (negative ones too: they do not count from the end).
"""
from __future__ import annotations

import operator

import numpy as np

from ..core import dtypes
from ..core.errors import ConcretizationError, DTypeError, ShapeError, op_error
from . import _creation, _dtype_functions
from ._elementwise import clip
from ._indexing import where


def _identity(kind: str, dt):
    """The identity of reduction `kind` in dtype `dt`: what an empty segment holds."""
    if kind in ("sum", "prod"):
        return int(kind == "prod")
    if dt == dtypes.bool_:
        return kind == "min"
    if dt in dtypes.INTEGER:
        info = _dtype_functions.iinfo(dt)
        return info.max if kind == "min" else info.min
    return float("inf") if kind == "min" else float("-inf")


def _segment(kind: str, update: str):
    op = f"segment_{kind}"

    def segment(data, segment_ids, num_segments: int | None = None, indices_are_sorted: bool = False,
                unique_indices: bool = False, bucket_size: int | None = None, mode: str | None = None):
        data, ids = _creation.asarray(data), _creation.asarray(segment_ids)
        if ids.dtype not in dtypes.INTEGER:
            raise op_error(DTypeError, op, f"segment_ids must be integers, got {ids.dtype}",
                           "pass integer ids (e.g. ids.astype(int))")
        if ids.ndim != 1 or data.ndim == 0 or ids.shape[0] != data.shape[0]:
            raise op_error(ShapeError, op, f"segment_ids of shape {ids.shape} do not label the rows of data of shape "
                           f"{data.shape}", "pass one id per row of data: ids of shape (data.shape[0],)")
        if num_segments is None:
            if ids.size == 0:
                raise op_error(ValueError, op, "num_segments cannot be inferred from empty segment_ids",
                               "pass num_segments")
            try:
                num_segments = int(ids.max()) + 1
            except ConcretizationError:
                raise op_error(ConcretizationError, op, "num_segments is not given and segment_ids are traced, so "
                               "the number of segments (the output's shape) is not known",
                               "pass num_segments=<an int>, as the output's shape must be static") from None
        num_segments = operator.index(num_segments)
        # negative ids are out of range, not counted from the end: dropped, or clamped to 0
        if mode in (None, "drop", "fill"):
            wide = ids if num_segments <= np.iinfo(ids.dtype).max else ids.astype(dtypes.int64)  # (fits the marker)
            ids, mode = where(ids < 0, num_segments, wide), "drop"
        elif mode == "clip":
            ids = clip(ids, 0, num_segments - 1)
        out = _creation.full((num_segments, *data.shape[1:]), _identity(kind, data.dtype), data.dtype)
        return getattr(out.at[ids], update)(data, mode=mode)

    segment.__name__ = segment.__qualname__ = op
    segment.__doc__ = f"""The {kind} of the rows of `data` in each segment (see the module's docstring), as
    jax.ops.{op}. `num_segments` is inferred as max(segment_ids) + 1 where not given (not under
    jit: the output's shape must be static); `indices_are_sorted`, `unique_indices` and
    `bucket_size` are jax's hints, which do not change the result; `mode` is the update's
    ("drop" by default; "clip" clamps ids into range)."""
    return segment


segment_sum = _segment("sum", "add")
segment_prod = _segment("prod", "mul")
segment_max = _segment("max", "max")
segment_min = _segment("min", "min")
