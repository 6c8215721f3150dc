"""Choosing among arrays: `choose` (by an index array), `select` (by the first condition that
holds) and `ix_` (index arrays for a cross product)."""
from __future__ import annotations

from typing import Sequence

import numpy as np

from ..core import dtypes
from ..core.array import Array, Tracer, to_array
from ..core.errors import DTypeError, ShapeError, op_error
from ..ops import elementwise as E
from ..ops import shape as S
from ._convert import convert, promote
from ._elementwise_base import no_out
from ._indexing import _clipped, _concrete, _index_operand, _wrapped

__all__ = ["choose", "ix_", "select"]


def choose(a, choices: Sequence, out=None, mode: str = "raise") -> Array:
    """`choices[a[i]][i]` elementwise (all broadcast together).

    `mode`: "raise" (out-of-range entries of a concrete `a` raise; traced ones are clipped),
    "wrap" or "clip". `out` is None only: arrays are values.

    >>> import fluxion.numpy as fnp
    >>> fnp.choose(fnp.asarray([0, 1, 0]), [fnp.asarray([1, 2, 3]), 10]).tolist()
    [1, 10, 3]
    """
    if out is not None:
        no_out("choose", out)
    if mode not in ("raise", "wrap", "clip"):
        raise op_error(ValueError, "choose", f"mode {mode!r} is not 'raise', 'wrap' or 'clip'", "pass one of those")
    choices = list(choices)
    if not choices:
        raise op_error(ValueError, "choose", "needs at least one choice", "pass a non-empty sequence of arrays")
    n = len(choices)
    which = _index_operand("choose", a)
    if mode == "raise" and isinstance(which, np.ndarray) and ((which < 0) | (which >= n)).any():
        raise op_error(ValueError, "choose", f"invalid entry in choice array: entries must be in [0, {n - 1}]",
                       "pass mode='wrap' or mode='clip' to map other entries")
    which = (_wrapped if mode == "wrap" else _clipped)(which, n)
    return E.select_n_p.bind(convert(which, dtypes.int32), *promote("choose", *choices))


def select(condlist: Sequence, choicelist: Sequence, default=0) -> Array:
    """The element of the first choice whose condition holds, `default` where none does.

    >>> import fluxion.numpy as fnp
    >>> x = fnp.arange(4)
    >>> fnp.select([x < 1, x > 2], [x, x * 10], default=-1).tolist()
    [0, -1, -1, 30]
    """
    condlist, choicelist = list(condlist), list(choicelist)
    if len(condlist) != len(choicelist):
        raise op_error(ValueError, "select", f"got {len(condlist)} conditions and {len(choicelist)} choices",
                       "pass one choice per condition")
    if not condlist:
        raise op_error(ValueError, "select", "needs at least one condition", "pass non-empty lists")
    conds = [to_array(c) for c in condlist]
    for k, c in enumerate(conds):
        if c.dtype != dtypes.bool_:
            raise op_error(DTypeError, "select", f"condition {k} has dtype {c.dtype}, not bool",
                           "compare to get booleans, e.g. x > 0, or use .astype(bool)")
    *values, out = promote("select", *choicelist, default)
    for c, v in zip(reversed(conds), reversed(values)):
        out = E.select_n_p.bind(c, out, v)
    return out


def ix_(*args) -> tuple[Array, ...]:
    """Index arrays that pick the cross product of 1-d sequences (booleans pick their true entries).

    >>> import fluxion.numpy as fnp
    >>> fnp.arange(9).reshape(3, 3)[fnp.ix_([0, 2], [1])].tolist()
    [[1], [7]]
    """
    out = []
    for k, a in enumerate(args):
        if isinstance(a, Tracer) and a.dtype not in dtypes.INTEGER + (dtypes.bool_,):  # (as eagerly)
            raise op_error(DTypeError, "ix_", f"argument {k} has dtype {a.dtype}", "pass integer or boolean sequences")
        v = a if isinstance(a, Tracer) and a.dtype in dtypes.INTEGER else _concrete("ix_", a)
        if v.ndim != 1:
            raise op_error(ShapeError, "ix_", f"argument {k} has shape {v.shape}", "pass 1-d sequences")
        if v.dtype == np.bool_:
            v = np.flatnonzero(v)
        elif v.size == 0 and v.dtype.kind == "f":
            v = v.astype(np.int64)
        if v.dtype not in dtypes.INTEGER:
            raise op_error(DTypeError, "ix_", f"argument {k} has dtype {v.dtype}", "pass integer or boolean sequences")
        shape = [1] * len(args)
        shape[k] = v.shape[0]
        out.append(S.reshape(to_array(v), shape))
    return tuple(out)
