"""Objects indexed with slice notation to build arrays: mgrid, ogrid, r_, c_, and the index
builders s_ and index_exp.

In a slice `start:stop:step`, a complex step `nj` means n points from start to stop inclusive
(as linspace); a real step is arange's. Results are int64 when every number is an int, else
the default float (float32).
"""
from __future__ import annotations

import operator

from .. import numpy as fnp
from ..core import dtypes
from ..core.array import Array
from ..core.errors import op_error
from ._convert import promote

__all__ = ["c_", "index_exp", "mgrid", "ogrid", "r_", "s_"]


def _slice_dtype(slices) -> object:
    numbers = [v for s in slices for v in (s.start, s.stop, s.step) if v is not None]
    exact = all(isinstance(v, int) or (isinstance(v, Array) and v.dtype in dtypes.INTEGER) for v in numbers)
    return dtypes.default_int if exact else dtypes.default_float


def _range(op: str, s: slice, dt) -> Array:
    """The values a slice stands for: linspace for a complex step, arange otherwise."""
    if s.stop is None:
        raise op_error(ValueError, op, f"the slice {s} has no stop", "write start:stop or start:stop:step")
    start = 0 if s.start is None else s.start
    step = 1 if s.step is None else s.step
    if isinstance(step, complex):
        return fnp.linspace(start, s.stop, operator.index(int(abs(step))), dtype=dt)
    return fnp.arange(start, s.stop, step, dtype=dt)


class _Grid:
    """`mgrid[...]`: dense coordinate grids (`mgrid[0:2, 0:3]` has shape (2, 2, 3)); `ogrid[...]`:
    open ones, one array per slice, broadcasting against the others.

    >>> import fluxion.numpy as fnp
    >>> fnp.mgrid[0:2, 0:3].tolist()
    [[[0, 0, 0], [1, 1, 1]], [[0, 1, 2], [0, 1, 2]]]
    >>> fnp.mgrid[0:1:3j].tolist(), [g.shape for g in fnp.ogrid[0:2, 0:3]]
    ([0.0, 0.5, 1.0], [(2, 1), (1, 3)])
    """

    def __init__(self, sparse: bool, name: str):
        self.sparse, self.name = sparse, name

    def __getitem__(self, key):
        single = isinstance(key, slice)
        slices = (key,) if single else key
        if not isinstance(slices, tuple) or not all(isinstance(s, slice) for s in slices):
            raise op_error(TypeError, self.name, f"takes slices, got {key!r}",
                           f"write e.g. fnp.{self.name}[0:3, 0:1:5j]")
        dt = _slice_dtype(slices)
        axes = [_range(self.name, s, dt) for s in slices]
        if single:
            return axes[0]
        grids = fnp.meshgrid(*axes, indexing="ij", sparse=self.sparse)
        return grids if self.sparse else fnp.stack(grids)

    def __repr__(self):
        return f"fluxion.numpy.{self.name}"


mgrid = _Grid(sparse=False, name="mgrid")
ogrid = _Grid(sparse=True, name="ogrid")


class _Concatenator:
    """`r_[...]`: slices (as ranges), scalars and arrays joined along the first axis; `c_[...]`:
    1-d pieces joined as columns (2-d ones along their last axis).

    >>> import fluxion.numpy as fnp
    >>> fnp.r_[0:3, 7, fnp.asarray([8, 9])].tolist()
    [0, 1, 2, 7, 8, 9]
    >>> fnp.c_[fnp.asarray([1, 2]), fnp.asarray([3, 4])].tolist()
    [[1, 3], [2, 4]]
    """

    def __init__(self, columns: bool, name: str):
        self.columns, self.name = columns, name

    def _piece(self, item, dt) -> Array:
        if isinstance(item, slice):
            return _range(self.name, item, dt)
        if isinstance(item, str):
            raise op_error(NotImplementedError, self.name, f"directive strings such as {item!r} are not supported",
                           "build the array with fnp.concatenate / fnp.stack and an explicit axis")
        if isinstance(item, (bool, int, float, complex)):
            return item  # weak: `promote` gives it the arrays' dtype, raising where it does not fit
        return item if isinstance(item, Array) else fnp.asarray(item)

    def __getitem__(self, key):
        items = key if isinstance(key, tuple) else (key,)
        slices = [s for s in items if isinstance(s, slice)]
        dt = _slice_dtype(slices) if slices else None
        pieces = [self._piece(item, dt) for item in items]
        if not pieces:
            raise op_error(ValueError, self.name, "got nothing to join", f"write e.g. fnp.{self.name}[1:3, 5]")
        pieces = promote(self.name, *pieces)
        if not self.columns:
            return fnp.concatenate([fnp.atleast_1d(p) for p in pieces])
        # c_: 1-d pieces become columns, scalars 1 x 1 blocks; then join along the last axis
        pieces = [fnp.reshape(p, (p.size, 1)) if p.ndim < 2 else p for p in pieces]
        return fnp.concatenate(pieces, axis=-1)

    def __repr__(self):
        return f"fluxion.numpy.{self.name}"


r_ = _Concatenator(columns=False, name="r_")
c_ = _Concatenator(columns=True, name="c_")


class _IndexExpression:
    """`s_[...]`: the index written inside the brackets, as an object; `index_exp[...]`: the
    same, always as a tuple.

    >>> import fluxion.numpy as fnp
    >>> fnp.arange(5)[fnp.s_[1:3]].tolist(), fnp.s_[::2, 1], fnp.index_exp[1:3]
    ([1, 2], (slice(None, None, 2), 1), (slice(1, 3, None),))
    """

    def __init__(self, as_tuple: bool):
        self.as_tuple = as_tuple

    def __getitem__(self, item):
        return (item,) if self.as_tuple and not isinstance(item, tuple) else item


s_ = _IndexExpression(as_tuple=False)
index_exp = _IndexExpression(as_tuple=True)
