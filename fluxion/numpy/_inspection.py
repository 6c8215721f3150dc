"""Questions about objects rather than computations on them: ndim, shape, size, isscalar,
iscomplexobj, isrealobj and iterable. They read only metadata, so they work on traced arrays."""
from __future__ import annotations

import numbers
import operator

import numpy as np

from ..core import dtypes
from ..core.array import Array
from ..ops._util import axis_index
from ._convert import dtype_of

__all__ = ["iscomplexobj", "isrealobj", "isscalar", "iterable", "ndim", "shape", "size"]


def _meta(a):
    """`a` itself when it carries a shape (an Array or a NumPy array), else `a` as a NumPy array."""
    return a if isinstance(a, (Array, np.ndarray, np.generic)) else np.asarray(a)


def ndim(a) -> int:
    """The number of dimensions of `a` (an array, a nested sequence or a scalar).

    >>> import fluxion.numpy as fnp
    >>> fnp.ndim(fnp.zeros((2, 3))), fnp.ndim([[1, 2]]), fnp.ndim(3.0)
    (2, 2, 0)
    """
    return _meta(a).ndim


def shape(a) -> tuple[int, ...]:
    """The shape of `a` (an array, a nested sequence or a scalar).

    >>> import fluxion.numpy as fnp
    >>> fnp.shape(fnp.zeros((2, 3))), fnp.shape([[1, 2]]), fnp.shape(3.0)
    ((2, 3), (1, 2), ())
    """
    return tuple(_meta(a).shape)


def size(a, axis: int | None = None) -> int:
    """The number of elements of `a`, or its length along `axis`.

    >>> import fluxion.numpy as fnp
    >>> fnp.size(fnp.zeros((2, 3))), fnp.size(fnp.zeros((2, 3)), axis=-1)
    (6, 3)
    """
    s = shape(a)
    if axis is None:
        return int(np.prod(s, dtype=np.int64))
    axes = axis if isinstance(axis, tuple) else (axis,)
    return int(np.prod([s[axis_index("size", operator.index(i), len(s))] for i in axes], dtype=np.int64))


def isscalar(element) -> bool:
    """Whether `element` is a scalar: a Python or NumPy number, a string, or a 0-d Array (fluxion
    has no separate scalar objects: indexing an array down to one element gives a 0-d Array).

    >>> import fluxion.numpy as fnp
    >>> fnp.isscalar(1.5), fnp.isscalar(fnp.arange(3)[0]), fnp.isscalar([1.5]), fnp.isscalar(fnp.zeros(1))
    (True, True, False, False)
    """
    if isinstance(element, Array):
        return element.ndim == 0
    return isinstance(element, (numbers.Number, str, bytes, np.generic))


def iscomplexobj(x) -> bool:
    """Whether `x` has a complex dtype (whatever its values).

    >>> import fluxion.numpy as fnp
    >>> fnp.iscomplexobj(fnp.asarray([1 + 0j])), fnp.iscomplexobj([1.0]), fnp.iscomplexobj(1j)
    (True, False, True)
    """
    dt = x.dtype if isinstance(x, (Array, np.ndarray, np.generic)) else dtype_of(x)[0]
    return dtypes.canonicalize(dt) in dtypes.COMPLEX


def isrealobj(x) -> bool:
    """Whether `x` has a non-complex dtype (whatever its values).

    >>> import fluxion.numpy as fnp
    >>> fnp.isrealobj(fnp.asarray([1.0])), fnp.isrealobj(fnp.asarray([1j]))
    (True, False)
    """
    return not iscomplexobj(x)


def iterable(y) -> bool:
    """Whether `y` can be iterated over (0-d arrays cannot).

    >>> import fluxion.numpy as fnp
    >>> fnp.iterable(fnp.zeros(2)), fnp.iterable(fnp.zeros(())), fnp.iterable(3)
    (True, False, False)
    """
    try:
        iter(y)
    except TypeError:
        return False
    return True
