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
from ._convert import dtype_of, promote

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

    A string first item changes how the pieces are joined, as in NumPy: "axis" (e.g. "-1") the
    axis to join along; "axis,ndim" also makes every piece at least `ndim`-dimensional (new
    axes in front); "axis,ndim,start" puts a piece's own axes from axis `start` on instead (-1:
    at the end). "r" and "c" ask for a matrix, which in NumPy is an `np.matrix`: here it is a
    2-d array, a row for "r" (a column for "c") when the joined result is 1-d.

    >>> import fluxion.numpy as fnp
    >>> fnp.r_[0:3, 7, fnp.asarray([8, 9])].tolist()
    [0, 1, 2, 7, 8, 9]
    >>> fnp.c_[fnp.asarray([1, 2]), fnp.asarray([3, 4])].tolist()
    [[1, 3], [2, 4]]
    >>> fnp.r_["0,2", [1, 2], [3, 4]].tolist(), fnp.r_["c", 1:3].tolist()
    ([[1, 2], [3, 4]], [[1], [2]])
    """

    def __init__(self, name: str, axis: int, ndmin: int, start: int):
        self.name, self.axis, self.ndmin, self.start = name, axis, ndmin, start

    def _directive(self, item: str) -> tuple[int, int, int, str | None]:
        """`(axis, ndmin, start, matrix)` from a directive string (matrix: "r", "c" or None)."""
        if item in ("r", "c"):
            return self.axis, self.ndmin, self.start, item
        try:
            numbers = [int(v) for v in item.split(",")]
        except ValueError:
            numbers = []
        if not 1 <= len(numbers) <= 3:
            raise op_error(ValueError, self.name, f"unknown directive {item!r}",
                           'start with "r", "c", "axis", "axis,ndim" or "axis,ndim,start", e.g. "0,2"')
        if len(numbers) == 1:
            return numbers[0], self.ndmin, self.start, None
        return numbers[0], numbers[1], numbers[2] if len(numbers) == 3 else self.start, None

    def _expanded(self, p: Array, ndmin: int, start: int) -> Array:
        """`p` with new axes of length 1 up to `ndmin` dimensions, its own axes from axis `start` on."""
        if p.ndim == 0:
            return fnp.reshape(p, (1,) * ndmin)
        new = ndmin - p.ndim
        if new <= 0:
            return p
        first = start + new + 1 if start < 0 else start  # how many new axes go before the piece's own
        if not 0 <= first <= new:
            raise op_error(ValueError, self.name, f"cannot start the axes of a piece of shape {p.shape} at {start} "
                           f"in {ndmin} dimensions", f"pass a start in [{-new - 1}, {new}] in the directive")
        return fnp.reshape(p, (1,) * first + p.shape + (1,) * (new - first))

    def __getitem__(self, key):
        if isinstance(key, str):
            raise op_error(ValueError, self.name, f"got only the directive {key!r}, nothing to join "
                           "(NumPy's matrix-building strings are not supported)",
                           f"write e.g. fnp.{self.name}['0,2', a, b] with the arrays after the directive")
        items = key if isinstance(key, tuple) else (key,)
        axis, ndmin, start, matrix = self.axis, self.ndmin, self.start, None
        if items and isinstance(items[0], str):
            axis, ndmin, start, matrix = self._directive(items[0])
            items = items[1:]
        if any(isinstance(item, str) for item in items):
            raise op_error(ValueError, self.name, f"a directive string is not the first item of {key!r}",
                           f"put the directive string first, e.g. fnp.{self.name}['0,2', a, b]")
        if not items:
            raise op_error(ValueError, self.name, "got nothing to join", f"write e.g. fnp.{self.name}[1:3, 5]")
        slices = [item for item in items if isinstance(item, slice)]
        if slices:  # the ranges' numbers are weak: they take the other pieces' dtype (0.1:1:0.1 by float64 ones)
            dt = dtypes.result_type((_slice_dtype(slices), True),
                                    *(dtype_of(item) for item in items if not isinstance(item, slice)))[0]
            items = [_range(self.name, item, dt) if isinstance(item, slice) else item for item in items]
        # Python scalars stay weak, and lists of Python numbers convert exactly to the joint dtype
        pieces = [self._expanded(p, ndmin, start) for p in promote(self.name, *items)]
        out = fnp.concatenate(pieces, axis=axis)
        if matrix is None or out.ndim == 2:
            return out
        if out.ndim > 2:
            raise op_error(ValueError, self.name, f"the {out.ndim}-d result of shape {out.shape} is not a matrix",
                           f"leave out the directive {matrix!r}, or join pieces of at most 2 dimensions")
        return fnp.reshape(out, (out.shape[0], 1) if matrix == "c" else (1, out.shape[0]))

    def __repr__(self):
        return f"fluxion.numpy.{self.name}"


r_ = _Concatenator("r_", axis=0, ndmin=1, start=-1)
c_ = _Concatenator("c_", axis=-1, ndmin=2, start=0)


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
