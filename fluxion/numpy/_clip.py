"""`clip`: an array limited to bounds, with an eager fast path for Python scalar bounds."""
from __future__ import annotations

import functools

import numpy as np

from ..core import dtypes as D
from ..core.array import PYTHON_SCALARS, Array
from ..core.errors import op_error
from ..core.interpreters import EAGER, _ctx
from ..ops import elementwise as E
from ._convert import convert
from ._elementwise_base import REAL_NUMERIC, copy, eager_array, no_out, operands

__all__ = ["clip"]


def clip(x, /, min=None, max=None, out=None, *, a_min=None, a_max=None) -> Array:  # noqa: A002
    """x limited to [min, max]; either bound may be None, a Python scalar or an array (or
    given by NumPy's older names `a_min` and `a_max`). `out` is None only: arrays are values.

    As in NumPy and jax, x is promoted with array bounds (and NumPy scalars), as by `maximum`;
    a Python scalar bound takes x's dtype (an int outside an integer dtype's range is first
    brought inside), except that integer x with a float bound becomes floating, rather than the
    bound truncated. NaN in x or a bound gives NaN.

    >>> import fluxion.numpy as fnp
    >>> fnp.clip(fnp.asarray([-2, 5, 9]), 0, 6).tolist()
    [0, 5, 6]
    >>> fnp.clip(fnp.asarray([0, 1, 3]), 0.5, 2.5).tolist()
    [0.5, 1.0, 2.5]
    """
    if out is not None:
        no_out("clip", out)
    if a_min is not None or a_max is not None:
        if min is not None and a_min is not None or max is not None and a_max is not None:
            raise op_error(TypeError, "clip", "a bound is given twice, by its name and by NumPy's older a_min/a_max",
                           "pass min and max only")
        min, max = a_min if min is None else min, a_max if max is None else max  # noqa: A001
    if x.__class__ is Array and _ctx.interp is EAGER and (y := _eager_clip(x, min, max)) is not None:  # kept fast
        return y
    (x,) = operands("clip", REAL_NUMERIC, x)
    # arrays and NumPy scalars promote x, as in maximum and minimum; Python scalars do not, but a
    # float one makes integer x floating
    promoting = [b for b in (min, max) if b is not None and (b.__class__ not in PYTHON_SCALARS or
                                                               isinstance(b, float) and x.dtype in D.INTEGER)]
    if promoting:
        x = operands("clip", REAL_NUMERIC, x, *promoting)[0]
    y = x
    if min is not None:
        y = E.max_p.bind(y, _bound(min, x))
    if max is not None:
        y = E.min_p.bind(y, _bound(max, x))
    return copy(x) if y is x else y


# the dtypes of x that keep their dtype with a Python bound of each type (no promotion, as NumPy 2 computes)
_CLIP_KEEPS = {float: frozenset((D.float16, D.float32, D.float64))}
_CLIP_KEEPS[int] = _CLIP_KEEPS[float] | frozenset(D.INTEGER)


def _eager_clip(x: Array, low, high) -> Array | None:
    """The general path's maximum and minimum on eager `x` with Python scalar bounds that keep its dtype
    (at least one given); None otherwise (and for an int bound out of range), which goes the general way.
    NumPy's clip, one pass where maximum and minimum with a scalar take several, gives the same bits
    unless a bound is a zero: it keeps x's sign of zero where they take the bound's. So a missing bound
    is the dtype's extreme, which clips nothing."""
    if low is None and high is None:
        return None
    v = x._value
    try:
        lo = None if low is None else _eager_bound(low, v.dtype)
        hi = None if high is None else _eager_bound(high, v.dtype)
    except (KeyError, OverflowError):  # (a bound that changes the dtype, or an int one out of its range)
        return None
    if low == 0 or high == 0 or v.size < 1024:  # (NumPy's clip costs more than the two on small arrays)
        value = v if lo is None else np.maximum(v, lo)
        value = value if hi is None else np.minimum(value, hi)
    else:
        value = np.clip(v, _dtype_end(v.dtype, False) if lo is None else lo,
                        _dtype_end(v.dtype, True) if hi is None else hi)
    return eager_array(value, x._weak)


@functools.lru_cache(maxsize=None)
def _dtype_end(dt: np.dtype, top: bool) -> np.ndarray:
    """The largest (`top`) or smallest value of the real dtype `dt`, infinite for a float one."""
    out = np.asarray(np.inf if top else -np.inf, dt) if dt.kind == "f" else np.asarray(
        np.iinfo(dt).max if top else np.iinfo(dt).min, dt)
    out.flags.writeable = False
    return out


_BOUNDS: dict = {}  # (Python scalar, dtype) -> the 0-d array of it that the general path makes


def _eager_bound(b, dt: np.dtype) -> np.ndarray:
    """Python scalar `b` as a 0-d array of `dt`, which NumPy takes faster than the scalar (and
    its conversion costs as much as a clip of a small array, hence the cache). KeyError where
    `dt` does not keep its dtype with `b`; OverflowError for an int outside an integer `dt`."""
    if dt not in _CLIP_KEEPS[b.__class__]:
        raise KeyError(dt)
    try:
        return _BOUNDS[b, dt]
    except KeyError:
        pass
    out = np.asarray(b, dt)
    if b and len(_BOUNDS) < 1024:  # (not a zero: 0, 0.0 and -0.0 are one key)
        out.flags.writeable = False  # (shared by every clip with this bound)
        _BOUNDS[b, dt] = out
    return out


def _bound(b, x: Array) -> Array:
    """Bound `b` in x's dtype, a Python int (also one traced under jit: a weak int) brought
    inside an integer dtype's range first."""
    if x.dtype in D.INTEGER:
        info = np.iinfo(x.dtype)
        if isinstance(b, int) and not isinstance(b, (bool, np.generic)):
            b = min(max(b, int(info.min)), int(info.max))
        elif getattr(b, "weak", False) and b.dtype in D.SIGNED:
            top = min(int(info.max), int(np.iinfo(b.dtype).max))
            b = E.min_p.bind(E.max_p.bind(b, convert(int(info.min), b.dtype)), convert(top, b.dtype))
    # (weak only if both are: a strong array bound makes the result strong, as it would in maximum)
    return convert(b, x.dtype, x.weak and getattr(b, "weak", b.__class__ in PYTHON_SCALARS))
