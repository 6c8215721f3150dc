"""Products of arrays (matmul, tensordot, vecdot, einsum, dot, inner, outer, vdot, kron, cross)
and the diagonal and trace of stacks of matrices. Every contraction is one `dot_general`.

The contractions take jax's keywords: `preferred_element_type`, the dtype the products
accumulate in and the result has, and `precision`, accepted for jax compatibility (they run
at full precision). NumPy's `out=` is None only: arrays are values."""
from __future__ import annotations

import operator

import numpy as np

from ..core import dtypes
from ..core.array import Array
from ..core.errors import DTypeError, ShapeError, op_error
from ..core.interpreters import EAGER, _ctx
from ..ops import elementwise as E
from ..ops import linalg as L
from ..ops import reduce as R
from ..ops import shape as S
from ..ops._util import axis_index, broadcast_shapes
from ._contract import conj, contract, diagonal as _diagonal, eager_dot, eager_pair, move_last, operands, preferred
from ._convert import convert, promote
from ._creation import asarray
from ._elementwise_base import eager_array, no_out
from ._einsum import einsum

__all__ = ["cross", "diagonal", "dot", "einsum", "inner", "kron", "matmul", "matvec", "outer", "tensordot",
           "trace", "vdot", "vecdot", "vecmat"]


def _at_least_1d(op: str, *xs: Array) -> None:
    if any(x.ndim == 0 for x in xs):
        shapes = ", ".join(str(x.shape) for x in xs)
        raise op_error(ShapeError, op, f"needs arrays of at least one dimension, got shapes {shapes}",
                       "use multiply (*) to scale by a scalar")


def _broadcast_batch(op: str, x1: Array, x2: Array, core1: int, core2: int) -> tuple[Array, Array, tuple]:
    """Broadcast the leading (batch) axes of x1 and x2, leaving their last `core1`/`core2` axes."""
    b1, b2 = x1.shape[:x1.ndim - core1], x2.shape[:x2.ndim - core2]
    if b1 == b2:
        return x1, x2, tuple(range(len(b1)))
    batch = broadcast_shapes(op, b1, b2)
    x1 = S.broadcast_to(x1, batch + x1.shape[x1.ndim - core1:])
    x2 = S.broadcast_to(x2, batch + x2.shape[x2.ndim - core2:])
    return x1, x2, tuple(range(len(batch)))


_DIRECT = frozenset(dtypes.WIDE_FLOATING)
_REAL = frozenset((dtypes.float32, dtypes.float64))
_PRODUCT = frozenset(dtypes.INTEGER + dtypes.FLOATING)  # where the general product is NumPy's multiply
_COMPLEX = frozenset(dtypes.COMPLEX)
_VECTORS = (((0,), (0,)), ((), ()))  # dot_general's dimension numbers of two vectors' dot product


def eager_matmul(x1: Array, x2: Array) -> Array | None:
    """NumPy's matmul of two eager Arrays of one wide float dtype and at least one axis each,
    which the kernel calls for every such product (batch axes broadcast, a 1-D operand a
    vector); None in every other case (and where the shapes do not fit), which goes the
    general way."""
    a, b = x1._value, x2._value
    if a.dtype is not b.dtype or a.dtype not in _DIRECT or not a.ndim or not b.ndim:
        return None
    try:  # (NumPy's dot is the same product of two real matrices, and costs less per call)
        value = a.dot(b) if a.ndim == 2 == b.ndim and a.dtype in _REAL else np.matmul(a, b)
    except ValueError:  # sizes that do not fit: the general path names them and the fix
        return None
    if value.__class__ is not np.ndarray:  # two vectors give a NumPy scalar
        value = np.asarray(value)
    out = Array.__new__(Array)
    out._value, out._weak = value, x1._weak and x2._weak
    return out


def matmul(x1, x2, /, *, out=None, precision=None, preferred_element_type=None) -> Array:
    """Matrix product with broadcast batch axes; a 1-D operand is a row (x1) or column (x2) vector.

    >>> import fluxion.numpy as fnp
    >>> fnp.matmul(fnp.ones((5, 2, 3)), fnp.ones(3)).shape
    (5, 2)
    """
    if out is not None:
        no_out("matmul", out)
    if preferred_element_type is not None:
        x1, x2 = preferred("matmul", (x1, x2), preferred_element_type)
    if x1.__class__ is Array and x2.__class__ is Array and _ctx.interp is EAGER:  # the common case, kept fast
        y = eager_matmul(x1, x2)
        if y is not None:
            return y
    (x1, x2), back = operands("matmul", x1, x2)
    n1, n2 = len(x1.shape), len(x2.shape)
    if not n1 or not n2:
        _at_least_1d("matmul", x1, x2)
    # a 1-D operand contracts directly (no added axis to squeeze later) and needs no batch broadcasting
    c1, c2 = n1 - 1, max(n2 - 2, 0)
    if x1.shape[c1] != x2.shape[c2]:
        raise op_error(ShapeError, "matmul", f"x1 with shape {x1.shape} has {x1.shape[c1]} columns but x2 with shape "
                       f"{x2.shape} has {x2.shape[c2]} rows",
                       "the last axis of x1 must equal the second-to-last axis of x2 (the only axis of a 1-D x2); "
                       "transpose an operand with .mT")
    if n1 == 1 or n2 <= 2:
        dn = ((c1,), (c2,)), ((), ())
    else:
        x1, x2, batch = _broadcast_batch("matmul", x1, x2, 2, 2)
        n = len(batch)
        dn = ((n + 1,), (n,)), (batch, batch)
    return back(L.dot_general_p.bind(x1, x2, dimension_numbers=dn, preferred_element_type=None))


def _axis_list(op: str, axes, ndim: int) -> tuple[int, ...]:
    try:
        axes = (operator.index(axes),)
    except TypeError:
        pass
    try:
        out = tuple(axis_index(op, operator.index(a), ndim) for a in axes)
    except TypeError:
        raise op_error(TypeError, op, f"axes must be integers, got {axes!r}",
                       "pass a sequence of Python ints") from None
    if len(set(out)) != len(out):
        raise op_error(ShapeError, op, f"axes {axes} repeat an axis", "name each axis once")
    return out


def tensordot(x1, x2, /, axes=2, *, precision=None, preferred_element_type=None) -> Array:
    """Sum of products over `axes`: an int n (last n of x1 with first n of x2) or two axis sequences.

    >>> import fluxion.numpy as fnp
    >>> fnp.tensordot(fnp.ones((2, 3, 4)), fnp.ones((4, 3, 5)), axes=([1, 2], [1, 0])).shape
    (2, 5)
    """
    if preferred_element_type is not None:
        x1, x2 = preferred("tensordot", (x1, x2), preferred_element_type)
    (x1, x2), back = operands("tensordot", x1, x2)
    try:
        axes = operator.index(axes)
    except TypeError:
        pass
    if isinstance(axes, int):
        if not 0 <= axes <= min(x1.ndim, x2.ndim):
            raise op_error(ShapeError, "tensordot", f"axes={axes} must be between 0 and the smaller number of dimensions "
                           f"of shapes {x1.shape} and {x2.shape}", "contract fewer axes")
        c1, c2 = tuple(range(x1.ndim - axes, x1.ndim)), tuple(range(axes))
    else:
        try:
            a1, a2 = axes
        except (TypeError, ValueError):
            raise op_error(TypeError, "tensordot", f"axes must be an int or a pair of axis sequences, got {axes!r}",
                           "pass e.g. axes=([1, 2], [0, 1])") from None
        c1, c2 = _axis_list("tensordot", a1, x1.ndim), _axis_list("tensordot", a2, x2.ndim)
        if len(c1) != len(c2):
            raise op_error(ShapeError, "tensordot", f"axes name {len(c1)} axes of x1 but {len(c2)} of x2",
                           "pair each contracted axis of x1 with one of x2")
    return back(contract("tensordot", x1, x2, c1, c2))


def vecdot(x1, x2, /, *, axis: int = -1, out=None, precision=None, preferred_element_type=None) -> Array:
    """Dot products of vectors along `axis` (x1 conjugated), other axes broadcast.

    >>> import fluxion.numpy as fnp
    >>> fnp.vecdot(fnp.asarray([[1.0, 2.0], [3.0, 4.0]]), fnp.asarray([1.0, 1.0])).tolist()
    [3.0, 7.0]
    """
    if out is not None:
        no_out("vecdot", out)
    if preferred_element_type is not None:
        x1, x2 = preferred("vecdot", (x1, x2), preferred_element_type)
    if eager_pair(x1, x2) and (u := x1._value).shape == (w := x2._value).shape and _valid_axis(axis, u.ndim):
        # kept fast: operands of one shape need no broadcasting
        u = np.conj(u) if u.dtype in _COMPLEX else u
        n = u.ndim - 1
        u, w = _axis_last(u, axis), _axis_last(w, axis)
        return eager_dot(u, w, (((n,), (n,)), (tuple(range(n)), tuple(range(n)))), x1._weak and x2._weak)
    (x1, x2), back = operands("vecdot", x1, x2)
    _at_least_1d("vecdot", x1, x2)
    nd = max(x1.ndim, x2.ndim)
    ax = axis_index("vecdot", operator.index(axis), nd) - nd  # counted from the end, as after broadcasting
    if -ax > min(x1.ndim, x2.ndim):
        raise op_error(ShapeError, "vecdot", f"axis {axis} is not an axis of both shapes {x1.shape} and {x2.shape}",
                       f"use an axis in [{-min(x1.ndim, x2.ndim)}, -1]")
    x1, x2 = move_last(conj(x1), x1.ndim + ax), move_last(x2, x2.ndim + ax)
    if x1.shape[-1] != x2.shape[-1]:
        raise op_error(ShapeError, "vecdot",
                       f"the vectors along axis {axis} have {x1.shape[-1]} and {x2.shape[-1]} elements",
                       "give both operands the same size along axis")
    x1, x2, batch = _broadcast_batch("vecdot", x1, x2, 1, 1)
    n = len(batch)
    return back(contract("vecdot", x1, x2, (n,), (n,), batch, batch))




def _matrix_vector(op: str, m: Array, v: Array, row: bool) -> tuple[Array, Array, tuple]:
    """Check stacks of matrices `m` against stacks of vectors `v` (as long as the matrices'
    rows when `row`, else their columns) and broadcast their batch axes."""
    if m.ndim < 2 or v.ndim < 1:
        raise op_error(ShapeError, op, f"needs a matrix (at least 2-d) and a vector (at least 1-d), got shapes "
                       f"{m.shape} and {v.shape}", "use matmul for other products")
    if m.shape[-2 if row else -1] != v.shape[-1]:
        what = "rows" if row else "columns"
        raise op_error(ShapeError, op, f"matrices of shape {m.shape} have {m.shape[-2 if row else -1]} {what} but "
                       f"the vectors of shape {v.shape} have {v.shape[-1]} elements",
                       f"give the vectors one element per matrix {what[:-1]}")
    return _broadcast_batch(op, m, v, 2, 1)


def matvec(x1, x2, /, *, out=None) -> Array:
    """Matrix-vector products `x1 @ x2` of stacks of matrices x1 (..., m, n) and vectors
    x2 (..., n), batch axes broadcast (NumPy 2.2).

    >>> import fluxion.numpy as fnp
    >>> fnp.matvec(fnp.asarray([[1.0, 2.0], [3.0, 4.0]]), fnp.asarray([1.0, 1.0])).tolist()
    [3.0, 7.0]
    """
    if out is not None:
        no_out("matvec", out)
    (x1, x2), back = operands("matvec", x1, x2)
    x1, x2, batch = _matrix_vector("matvec", x1, x2, row=False)
    n = len(batch)
    return back(contract("matvec", x1, x2, (n + 1,), (n,), batch, batch))


def vecmat(x1, x2, /, *, out=None) -> Array:
    """Vector-matrix products conj(x1) @ x2 of stacks of vectors x1 (..., m) and matrices
    x2 (..., m, n), batch axes broadcast; complex vectors are conjugated (NumPy 2.2).

    >>> import fluxion.numpy as fnp
    >>> fnp.vecmat(fnp.asarray([1.0, 1.0]), fnp.asarray([[1.0, 2.0], [3.0, 4.0]])).tolist()
    [4.0, 6.0]
    """
    if out is not None:
        no_out("vecmat", out)
    (x1, x2), back = operands("vecmat", x1, x2)
    x2, x1, batch = _matrix_vector("vecmat", x2, conj(x1), row=True)
    n = len(batch)
    return back(contract("vecmat", x1, x2, (n,), (n,), batch, batch))


def dot(a, b, /, *, out=None, precision=None, preferred_element_type=None) -> Array:
    """NumPy's dot: a product for 0-d operands, else the last axis of `a` with the second-to-last
    (or only) axis of `b`.

    >>> import fluxion.numpy as fnp
    >>> fnp.dot(fnp.ones((2, 3)), fnp.ones((4, 3, 5))).shape
    (2, 4, 5)
    """
    if out is not None:
        no_out("dot", out)
    if preferred_element_type is not None:
        a, b = preferred("dot", (a, b), preferred_element_type)
    if (a.__class__ is Array and b.__class__ is Array and _ctx.interp is EAGER
            and a._value.ndim <= 2 and b._value.ndim <= 2):  # the common case, kept fast: matmul's product there
        y = eager_matmul(a, b)
        if y is not None:
            return y
    (a, b), back = operands("dot", a, b)
    if a.ndim == 0 or b.ndim == 0:
        return back(E.mul_p.bind(a, b))
    return back(contract("dot", a, b, (a.ndim - 1,), (max(b.ndim - 2, 0),)))


def inner(a, b, /, *, precision=None, preferred_element_type=None) -> Array:
    """Sum of products over the last axes of `a` and `b` (a product for 0-d operands).

    >>> import fluxion.numpy as fnp
    >>> fnp.inner(fnp.asarray([1, 2, 3]), fnp.asarray([4, 5, 6])).item()
    32
    """
    if preferred_element_type is not None:
        a, b = preferred("inner", (a, b), preferred_element_type)
    if eager_pair(a, b) and (u := a._value).ndim and (w := b._value).ndim and u.shape[-1] == w.shape[-1]:
        return eager_dot(u, w, (((u.ndim - 1,), (w.ndim - 1,)), ((), ())), a._weak and b._weak)  # kept fast
    (a, b), back = operands("inner", a, b)
    if a.ndim == 0 or b.ndim == 0:
        return back(E.mul_p.bind(a, b))
    return back(contract("inner", a, b, (a.ndim - 1,), (b.ndim - 1,)))


def outer(a, b, /, out=None) -> Array:
    """Outer product of `a` and `b`, flattened first (NumPy).

    >>> import fluxion.numpy as fnp
    >>> fnp.outer(fnp.asarray([1, 2]), fnp.asarray([1, 10, 100])).tolist()
    [[1, 10, 100], [2, 20, 200]]
    """
    if out is not None:
        no_out("outer", out)
    if (a.__class__ is Array and b.__class__ is Array and _ctx.interp is EAGER
            and (u := a._value).dtype is (w := b._value).dtype and u.dtype in _PRODUCT):  # the common case, kept fast
        y = Array.__new__(Array)
        y._value, y._weak = np.multiply(u.reshape(-1, 1), w.reshape(1, -1)), a._weak and b._weak
        return y
    (a, b), back = operands("outer", a, b)
    return back(E.mul_p.bind(S.reshape(a, (a.size, 1)), S.reshape(b, (1, b.size))))


def vdot(a, b, /, *, precision=None, preferred_element_type=None) -> Array:
    """Dot product of `a` and `b` flattened, `a` conjugated.

    >>> import fluxion.numpy as fnp
    >>> fnp.vdot(fnp.asarray([1j, 2]), fnp.asarray([1j, 3])).item()
    (7+0j)
    """
    if preferred_element_type is not None:
        a, b = preferred("vdot", (a, b), preferred_element_type)
    if eager_pair(a, b) and (u := a._value).size == (w := b._value).size:  # kept fast
        u = np.conj(u) if u.dtype in _COMPLEX else u
        return eager_dot(u.reshape(-1), w.reshape(-1), _VECTORS, a._weak and b._weak)
    (a, b), back = operands("vdot", a, b)
    return back(contract("vdot", S.reshape(conj(a), (a.size,)), S.reshape(b, (b.size,)), (0,), (0,),
                         fix="pass arrays with the same number of elements"))


def kron(a, b, /) -> Array:
    """Kronecker product: blocks `a[i, j] * b` (missing leading axes count as 1).

    >>> import fluxion.numpy as fnp
    >>> fnp.kron(fnp.eye(2, dtype=int), fnp.asarray([[1, 2]])).tolist()
    [[1, 2, 0, 0], [0, 0, 1, 2]]
    """
    fast = (a.__class__ is Array and b.__class__ is Array and _ctx.interp is EAGER
            and (u := a._value).dtype is (w := b._value).dtype and u.dtype in _PRODUCT)  # the common case, kept fast
    if not fast:
        (a, b), back = operands("kron", a, b)
    nd = max(a.ndim, b.ndim)
    sa, sb = (1,) * (nd - a.ndim) + a.shape, (1,) * (nd - b.ndim) + b.shape
    # a as (a0, 1, a1, 1, ...) times b as (1, b0, 1, b1, ...) lays the blocks out row-major; an axis
    # of size 1 in either needs no pair (which keeps arrays of over 32 dimensions within 64)
    pairs = [1 not in (p, q) for p, q in zip(sa, sb)]
    ra = tuple(v for p, s in zip(pairs, sa) for v in ((s, 1) if p else (s,)))
    rb = tuple(v for p, s in zip(pairs, sb) for v in ((1, s) if p else (s,)))
    shape = tuple(p * q for p, q in zip(sa, sb))
    if fast:
        return eager_array(np.multiply(u.reshape(ra), w.reshape(rb)).reshape(shape), a._weak and b._weak)
    return back(S.reshape(E.mul_p.bind(S.reshape(a, ra), S.reshape(b, rb)), shape))


def _two_axes(op: str, x: Array, axis1: int, axis2: int) -> tuple[int, int]:
    if x.ndim < 2:
        raise op_error(ShapeError, op, f"needs an array of at least 2 dimensions, got shape {x.shape}",
                       "pass a stack of matrices")
    a1, a2 = axis_index(op, operator.index(axis1), x.ndim), axis_index(op, operator.index(axis2), x.ndim)
    if a1 == a2:
        raise op_error(ShapeError, op, f"axis1 and axis2 both name axis {a1}", "name two different axes")
    return a1, a2


def diagonal(x, /, offset: int = 0, axis1: int = 0, axis2: int = 1) -> Array:
    """The `offset` diagonal of the matrices over `axis1`, `axis2`, as the last axis (NumPy).

    >>> import fluxion.numpy as fnp
    >>> fnp.diagonal(fnp.asarray([[1, 2], [3, 4]]), offset=1).tolist()
    [2]
    """
    x = asarray(x)
    return _diagonal(x, operator.index(offset), *_two_axes("diagonal", x, axis1, axis2))


def sum_dtype(dt: np.dtype) -> np.dtype:
    """The dtype a sum accumulates in: integers narrower than the default widen to it (array API)."""
    if dt == dtypes.bool_ or (dt in dtypes.SIGNED and dt.itemsize < dtypes.default_int.itemsize):
        return dtypes.default_int
    if dt in dtypes.UNSIGNED and dt.itemsize < dtypes.default_int.itemsize:
        return dtypes.uint64
    return dt


def trace(x, /, offset: int = 0, axis1: int = 0, axis2: int = 1, dtype=None, out=None) -> Array:
    """Sum of the `offset` diagonal over `axis1`, `axis2` (NumPy); small integers sum as int64.

    >>> import fluxion.numpy as fnp
    >>> fnp.trace(fnp.asarray([[1, 2], [3, 4]])).item()
    5
    """
    if out is not None:
        no_out("trace", out)
    return sum_last(diagonal(x, offset, axis1, axis2), dtype)


_SUMMED = frozenset((dtypes.bool_,) + dtypes.INTEGER + dtypes.WIDE_FLOATING)  # summed by NumPy as they are


def sum_last(d: Array, dtype=None) -> Array:
    """The sums of `d` over its last axis in `dtype` (None: `sum_dtype`), as traces sum diagonals."""
    dt = sum_dtype(d.dtype) if dtype is None else dtypes.canonicalize(dtype)
    if dtype is None and d.__class__ is Array and _ctx.interp is EAGER and (v := d._value).dtype in _SUMMED:
        return eager_array(np.add.reduce(v.astype(dt, copy=False), -1, dt), False)  # kept fast: the kernel's sum
    return R.reduce_sum(convert(d, dt), (d.ndim - 1,))


def cross(a, b, /, axisa: int = -1, axisb: int = -1, axisc: int = -1, axis: int | None = None) -> Array:
    """Cross product of 3-vectors (or 2-vectors, taken with a zero third component) along the axes.

    Two 2-vectors give the z component only, as NumPy.

    >>> import fluxion.numpy as fnp
    >>> fnp.cross(fnp.asarray([1, 0, 0]), fnp.asarray([0, 1, 0])).tolist()
    [0, 0, 1]
    """
    if axis is not None:
        axisa = axisb = axisc = axis
    if a.__class__ is Array and b.__class__ is Array and _ctx.interp is EAGER:  # the common case, kept fast
        out = _eager_cross(a, b, axisa, axisb, axisc)
        if out is not None:
            return out
    a, b = promote("cross", a, b)
    if a.dtype == dtypes.bool_:
        raise op_error(DTypeError, "cross", "does not accept boolean arrays", "convert with .astype(int) first")
    _at_least_1d("cross", a, b)
    a = move_last(a, axis_index("cross", operator.index(axisa), a.ndim))
    b = move_last(b, axis_index("cross", operator.index(axisb), b.ndim))
    if a.shape[-1] not in (2, 3) or b.shape[-1] not in (2, 3):
        raise op_error(ShapeError, "cross", f"vectors must have 2 or 3 components, got {a.shape[-1]} and {b.shape[-1]}",
                       "pick the axis holding the vector components with axisa/axisb (or axis)")
    planar = a.shape[-1] == b.shape[-1] == 2
    a0, a1, a2 = _components(a)
    b0, b1, b2 = _components(b)

    def det(p, q, r, s):
        return E.sub_p.bind(E.mul_p.bind(p, q), E.mul_p.bind(r, s))

    if planar:
        return S.squeeze(det(a0, b1, a1, b0), (-1,))
    c = S.concatenate([det(a1, b2, a2, b1), det(a2, b0, a0, b2), det(a0, b1, a1, b0)], -1)
    nd = c.ndim
    axisc = axis_index("cross", operator.index(axisc), nd)
    perm = list(range(nd - 1))
    perm.insert(axisc, nd - 1)
    return S.transpose(c, tuple(perm))


_NEXT, _AFTER = np.array([1, 2, 0]), np.array([2, 0, 1])  # component i's neighbours i + 1, i + 2 (mod 3)


def _eager_cross(a: Array, b: Array, axisa, axisb, axisc) -> Array | None:
    """The general path's products and differences (c_i = a_{i+1} b_{i+2} - a_{i+2} b_{i+1}) for
    eager 3-vectors of one dtype, done at once by NumPy; None for anything else."""
    u, w = a._value, b._value
    if not (u.dtype is w.dtype and u.dtype in _PRODUCT and _valid_axis(axisa, u.ndim) and _valid_axis(axisb, w.ndim)):
        return None
    u, w = _axis_last(u, axisa), _axis_last(w, axisb)
    if u.shape[-1] != 3 or w.shape[-1] != 3:
        return None
    try:
        c = u[..., _NEXT] * w[..., _AFTER] - u[..., _AFTER] * w[..., _NEXT]
    except ValueError:  # batch axes that do not broadcast: the general path names them
        return None
    if not _valid_axis(axisc, c.ndim):
        return None
    return eager_array(c if axisc == -1 else np.moveaxis(c, -1, axisc), a._weak and b._weak)


def _valid_axis(axis, ndim: int) -> bool:
    return axis.__class__ is int and -ndim <= axis < ndim


def _axis_last(v: np.ndarray, axis: int) -> np.ndarray:
    return v if axis == -1 else np.moveaxis(v, axis, -1)


def _components(v: Array) -> list[Array]:
    """The three components of vectors along the last axis, each kept as a size-1 last axis."""
    v = S.pad(v, 0, ((0, 0, 0),) * (v.ndim - 1) + ((0, 3 - v.shape[-1], 0),))
    return [S.slice_in_dim(v, i, i + 1, axis=v.ndim - 1) for i in range(3)]
