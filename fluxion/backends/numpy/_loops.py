"""Array shapes on which NumPy's loops run far below memory speed, arranged so they do not.

NumPy runs an operation as an inner loop over the trailing axes it can merge, called once per
element of the others; each call costs about as much as ten elements. So
- a sum over a short last axis (rows of a (25000, 10) array) calls the loop 25000 times: as a
  matrix-vector product with ones, BLAS does it 5x faster; so too a sum over an axis that lies
  before a short one in memory (the rows of 10 are added to each other one loop at a time);
- `x[:, None, :] - y[None, :, :]` loops over the last axis alone (the operands change from
  broadcast to not at the axis before): repeating `x` along that axis first (a copy NumPy
  makes in blocks) lets the loop run over both trailing axes, 2-10x faster in all; and where
  `y` is the same for every row of `x`, a few copies of it let the loop run over many rows;
- `maximum(x, 0.0)` and the other extrema of floats with a 0-d operand take NumPy's loop for a
  scalar, which compares one element at a time: the 0-d operand filled to `x`'s shape lets the
  loop for two arrays compare whole SIMD registers, 2-3x faster in all.
Results equal NumPy's up to rounding: a sum of at most 128 elements is added in the same
order class (a few interleaved partial sums) by both. Large ones run by parts on every core
(`_parallel.py`), with the same bits.
"""
from __future__ import annotations

import functools
import math

import numpy as np

from . import _parallel

_BLAS = frozenset((np.dtype(np.float32), np.dtype(np.float64)))
_ROWS = 128  # longest row summed by BLAS: NumPy's own sums of at most this many are not pairwise either
_SHORT = 64  # a merged inner loop at least this long runs at memory speed already
_LARGE = 1 << 14  # smaller outputs run as they are
_CHUNK = 64  # bytes from which NumPy's repeat copies its chunks at memory speed
_BLOCK = 1024  # bytes of copies of a shorter chunk made by repeat, then copied across the rest
_LOOP = 8192  # elements of NumPy's loop over an operand that repeats row after row


@functools.lru_cache(maxsize=64)
def _ones(n: int, dtype: np.dtype) -> np.ndarray:
    ones = np.ones(n, dtype)
    ones.flags.writeable = False  # (shared by every sum of its length)
    return ones


def add_reduce(v: np.ndarray, axes, keepdims: bool = False):
    """`np.add.reduce(v, axes, v.dtype, None, keepdims)` (`axes` a tuple, or None for all)."""
    if v.size >= _ROWS and v.dtype in _BLAS and axes and v.ndim > len(axes):
        out = _by_blas(v, axes)
        if out is not None:
            return np.expand_dims(out, axes) if keepdims else out
    if axes and v.size >= _parallel.LARGE and (rows := _parallel.rows_of(v, axes)) is not None:
        out = _parallel.reduce_rows(lambda r, o: np.add.reduce(r, 1, v.dtype, o), rows, v.dtype)
        out = out.reshape(v.shape[:v.ndim - len(axes)])
        return np.expand_dims(out, axes) if keepdims else out
    return np.add.reduce(v, axes, v.dtype, None, keepdims)


def _row_sums(rows: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    return np.matmul(rows, _ones(rows.shape[1], rows.dtype), out=out)


def _by_blas(v: np.ndarray, axes: tuple):
    """The sum of `v` over `axes` as a product with ones, where `v`'s memory holds the summed
    axes as one block (in memory's order of axes, which may not be the logical one) and NumPy
    would loop over short rows; None elsewhere."""
    n = v.ndim - len(axes)
    if v.flags.c_contiguous and axes == tuple(range(n, v.ndim)):  # rows in order, the common case
        k = math.prod(v.shape[n:])
        if 1 < k <= _ROWS and v.size > k:
            rows = _parallel.rows_of(v, axes)
            out = _row_sums(v.reshape(-1, k)) if rows is None else _parallel.reduce_rows(_row_sums, rows, v.dtype)
            return out.reshape(v.shape[:n])
        return None
    if v.size < _LARGE:
        return None
    contiguous = v.flags.c_contiguous
    if contiguous and math.prod(v.shape[max(axes) + 1:]) >= _SHORT:  # (the check below, kept cheap)
        return None
    order = [d for d in range(v.ndim) if v.shape[d] > 1]
    if not contiguous:
        order.sort(key=lambda d: -v.strides[d])
        step = v.itemsize
        for d in reversed(order):  # in this order of axes, the memory must be C-contiguous
            if v.strides[d] != step:
                return None
            step *= v.shape[d]
    summed = [d in axes for d in order]
    if True not in summed:
        return None
    first, last = summed.index(True), len(summed) - summed[::-1].index(True)
    if False in summed[first:last]:
        return None
    outer, k, inner = (math.prod([v.shape[d] for d in part]) for part in (order[:first], order[first:last], order[last:]))
    # NumPy's loop runs at memory speed over long rows; and it sums long rows (or all) pairwise, more accurately
    if inner >= _SHORT or inner == 1 and (outer == 1 or k > _ROWS):
        return None
    m = v.transpose(order + [d for d in range(v.ndim) if v.shape[d] == 1])
    if inner == 1:
        out = np.matmul(m.reshape(outer, k), _ones(k, v.dtype))
    else:
        out = np.matmul(_ones(k, v.dtype), m.reshape(outer, k, inner))
    kept = [d for d in order if d not in axes]
    out = out.reshape([v.shape[d] for d in kept]).transpose(np.argsort(kept))
    return out.reshape([v.shape[d] for d in range(v.ndim) if d not in axes])


# ufuncs that take about as long as an addition: the others (exp, log, sin, atan2, ...) take 2 to
# 500 times as long, as measured by their kernels (`_parallel.costly`), and split from fewer elements
CHEAP = frozenset((np.negative, np.abs, np.square, np.floor, np.ceil, np.trunc, np.isfinite, np.conjugate, np.invert,
                    np.bitwise_count, np.add, np.subtract, np.multiply, np.maximum, np.minimum, np.fmax, np.fmin,
                    np.equal, np.not_equal, np.less, np.less_equal, np.greater, np.greater_equal, np.bitwise_and,
                    np.bitwise_or, np.bitwise_xor, np.left_shift, np.right_shift))


# ufuncs whose loops take a 0-d operand one element at a time (no SIMD): 4x slower than on two
# arrays of floats, so that a large array meets a copy of the 0-d operand filled to its shape
FILLED = frozenset((np.maximum, np.minimum, np.fmax, np.fmin))
FILL_FROM = 4096  # elements from which the filled copy costs less


def broadcasting(ufunc: np.ufunc):
    """The kernel `ufunc(x, y)` of a binary primitive, through `spread` where shapes differ."""
    fills = ufunc in FILLED
    whole = None if ufunc in CHEAP else _parallel.costly(ufunc)

    def kernel(x, y):
        if x.shape == y.shape or not x.ndim or not y.ndim:  # (a 0-d operand: NumPy's inner loop is long)
            if fills and x.ndim != y.ndim and x.dtype == y.dtype and x.dtype.kind == "f":
                return filled(ufunc, x, y)
            if whole is not None:
                return whole(x, y)
            return ufunc(x, y) if (x if x.ndim else y).size < _parallel.LARGE else _parallel.ufunc(ufunc, x, y)
        return spread(ufunc, x, y)
    kernel.ufunc = ufunc
    kernel.__name__ = ufunc.__name__
    return kernel


def filled(ufunc: np.ufunc, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """`ufunc(x, y)` for one 0-d operand and one array of the same float dtype: on a large array,
    with the 0-d one filled to the array's shape, into which the result is written (the same
    function of each pair of elements, so the same bits); by parts on every core where it is
    larger still."""
    size = x.size if x.ndim else y.size
    if size < FILL_FROM:
        return ufunc(x, y)
    if x.ndim:
        out = np.full(x.shape, y)
        return ufunc(x, out, out=out) if size < _parallel.LARGE else _parallel.ufunc(ufunc, x, out)
    out = np.full(y.shape, x)
    return ufunc(out, y, out=out) if size < _parallel.LARGE else _parallel.ufunc(ufunc, out, y)


def elementwise(ufunc: np.ufunc):
    """The kernel `ufunc(x)` of a one-operand primitive (by parts on every core where it is large)."""
    if ufunc not in CHEAP:
        return _parallel.costly(ufunc)

    def kernel(x):
        return ufunc(x) if x.size < _parallel.LARGE else _parallel.ufunc(ufunc, x)
    kernel.ufunc = ufunc
    kernel.__name__ = ufunc.__name__
    return kernel


def spread(fn, x, y):
    """`fn(x, y)` for NumPy arrays that broadcast (see the module docstring): `fn` is a ufunc or
    a composition of them."""
    if x.size * y.size < _LARGE:  # (the result is no larger)
        return fn(x, y)
    n = max(x.ndim, y.ndim)
    sx, sy = (1,) * (n - x.ndim) + x.shape, (1,) * (n - y.ndim) + y.shape
    i, inner = n - 1, 1
    while i >= 0 and sx[i] == sy[i]:  # the trailing axes NumPy merges into its inner loop
        inner *= sx[i]
        i -= 1
    ufunc = fn.__class__ is np.ufunc
    if i < 0 or i == n - 1 or inner >= _SHORT:
        return _parallel.ufunc(fn, x, y) if ufunc else fn(x, y)
    shape = tuple(max(p, q) for p, q in zip(sx, sy))
    if math.prod(shape) < _LARGE or 1 not in (sx[i], sy[i]):  # (shapes that do not broadcast: NumPy says so)
        return fn(x, y)
    x, y = x.reshape(sx), y.reshape(sy)
    first = sx[i] == 1  # (the operand repeated)
    repeated = (sx if first else sy)[:i] + (shape[i],) + (sx if first else sy)[i + 1:]
    if repeated == shape and ufunc and fn.resolve_dtypes((x.dtype, y.dtype, None))[2] == (x if first else y).dtype:
        return _repeated(fn, x, y, i, first, shape)
    if first:
        x = np.repeat(x, sy[i], axis=i)
    else:
        y = np.repeat(y, sx[i], axis=i)
    return _parallel.ufunc(fn, x, y) if ufunc else fn(x, y)


def _repeated(fn: np.ufunc, x, y, i: int, first: bool, shape: tuple) -> np.ndarray:
    """`fn(x, y)` of the ufunc `fn` where the operand `x` (`y` if not `first`) has size 1 on axis
    `i` and is repeated there to the result's shape and dtype, into which the result is computed
    (a fresh output this large costs as much as the operation). On every core where the result
    is large: by parts of the first axis longer than 1, each part repeating its own rows."""
    rep, other = (x, y) if first else (y, x)
    axis = next(d for d in range(len(shape)) if shape[d] > 1)
    granule = _parallel.GRANULE // math.gcd(_parallel.GRANULE, math.prod(shape[axis + 1:]))
    if _parallel.count(shape[axis] // granule, 2 * math.prod(shape)) < 2:
        made = _repeat_to(rep, i, shape)
        _across_rows(fn, made, other, made, first, i)
        return made
    out = np.empty(shape, rep.dtype)
    lead = (slice(None),) * axis

    def part(s: slice) -> None:
        rows = lead + (s,)
        r, b, o = (v[rows] if v.shape[axis] > 1 else v for v in (rep, other, out))
        _across_rows(fn, _repeat_to(r, i, o.shape, o), b, o, first, i)
    _parallel.run(part, shape[axis], 2 * out.size, granule)  # (a copy and an operation an element)
    return out


def _repeat_to(r: np.ndarray, i: int, shape: tuple, o: np.ndarray | None = None) -> np.ndarray:
    """`r` (of size 1 on axis `i`) repeated along axis `i` to `shape`: NumPy's repeat, which
    copies a chunk (the elements after axis `i`) a call; chunks too short for that to run at
    memory speed are copied into `o` (C-contiguous, or a new array) instead, as a block of copies
    that one loop of NumPy's copies across the rest."""
    m, inner = shape[i], math.prod(shape[i + 1:])
    if inner * r.itemsize >= _CHUNK:
        return np.repeat(r, m, axis=i)
    o = np.empty(shape, r.dtype) if o is None else o
    outer, k = math.prod(shape[:i]), min(m, -(-_BLOCK // (inner * r.itemsize)))
    block = np.repeat(r, k, axis=i).reshape(outer, 1, k * inner)
    whole = m // k * k * inner
    flat = o.reshape(outer, m * inner, copy=False)
    np.copyto(flat[:, :whole].reshape(outer, m // k, k * inner, copy=False), block)
    np.copyto(flat[:, whole:], block[:, 0, :m * inner - whole])
    return o


def _across_rows(fn: np.ufunc, a: np.ndarray, b: np.ndarray, o: np.ndarray, first: bool, i: int) -> None:
    """`o = fn(a, b)` (`fn(b, a)` unless `first`) for `a` of `o`'s shape, both C-contiguous. NumPy's
    loop runs along the axes from `i`; where `b` is one C-contiguous block that broadcasts over
    the axes before, a few copies of it make the loop run over as many rows at once."""
    outer = math.prod(o.shape[:i])
    row = o.size // outer  # (o is not empty)
    k = min(outer, _LOOP // row) if b.size == row and b.flags.c_contiguous else 1
    if k > 1:
        whole = outer // k * k
        a, o = a.reshape(outer, row), o.reshape(outer, row, copy=False)
        wide = (whole // k, k * row)
        _call(fn, a[:whole].reshape(wide), np.repeat(b.reshape(1, row), k, axis=0).reshape(1, k * row),
              o[:whole].reshape(wide, copy=False), first)
        a, b, o = a[whole:], b.reshape(1, row), o[whole:]
    _call(fn, a, b, o, first)


def _call(fn: np.ufunc, a, b, o, first: bool) -> None:
    if first:
        fn(a, b, out=o)
    else:
        fn(b, a, out=o)
