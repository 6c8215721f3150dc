"""Functions that run on the host through NumPy: reading arrays from bytes, iterables, text
and files, saving them, printing options, and einsum_path. Values in and out are concrete.

>>> import fluxion.numpy as fnp
>>> fnp.fromiter(range(3), dtype=fnp.int32).tolist()
[0, 1, 2]
"""
from __future__ import annotations

import numpy as np

from ..core import dtypes
from ..core.array import Array
from ._creation import asarray
from ._indexing import nonzero

__all__ = ["ComplexWarning", "array2string", "array_repr", "array_str", "einsum_path", "frombuffer", "fromfile",
           "fromiter", "fromstring", "get_printoptions", "load", "mask_indices", "printoptions", "save", "savez",
           "savez_compressed", "set_printoptions"]

get_printoptions, set_printoptions, printoptions = np.get_printoptions, np.set_printoptions, np.printoptions
ComplexWarning = np.exceptions.ComplexWarning


def _host(x):
    """NumPy's view of an Array (or any array-like), for functions that run on the host."""
    return np.asarray(x._concrete("a host function")) if isinstance(x, Array) else x


def frombuffer(buffer, dtype=float, count: int = -1, offset: int = 0, *, like=None) -> Array:
    """The array whose bytes are `buffer`'s, read as NumPy reads them (`dtype` in NumPy's sense).
    NumPy's `like` is accepted; the result is a fluxion array whatever it is.

    >>> import numpy as np, fluxion.numpy as fnp
    >>> fnp.frombuffer(np.arange(3, dtype=np.int16).tobytes(), dtype=np.int16).tolist()
    [0, 1, 2]
    """
    return asarray(np.frombuffer(buffer, dtype=dtype, count=count, offset=offset).copy())


def fromiter(iterable, dtype, count: int = -1) -> Array:
    """A 1-d array of the values of `iterable`.

    >>> import fluxion.numpy as fnp
    >>> fnp.fromiter((x * x for x in range(4)), dtype=float).tolist()
    [0.0, 1.0, 4.0, 9.0]
    """
    return asarray(np.fromiter(iterable, dtype=np.dtype(dtype), count=count))


def fromstring(string: str, dtype=float, count: int = -1, *, sep: str) -> Array:
    """A 1-d array of the numbers in `string`, separated by `sep`.

    >>> import fluxion.numpy as fnp
    >>> fnp.fromstring("1 2 3", dtype=int, sep=" ").tolist()
    [1, 2, 3]
    """
    return asarray(np.fromstring(string, dtype=dtype, count=count, sep=sep))


def fromfile(file, dtype=float, count: int = -1, sep: str = "", offset: int = 0) -> Array:
    """A 1-d array of the values in `file` (a path or an open file): raw bytes of `dtype`, or text
    numbers separated by `sep`, read as NumPy's fromfile reads them."""
    return asarray(np.fromfile(file, dtype=dtype, count=count, sep=sep, offset=offset))


def load(file, *args, **kwargs):
    """NumPy's load: a .npy file gives an Array; an .npz archive gives NumPy's lazy mapping.
    NumPy saves bfloat16 as 2-byte voids, read back as bfloat16 (as jax's load does)."""
    out = np.load(file, *args, **kwargs)
    if not isinstance(out, np.ndarray):
        return out
    return asarray(out.view(dtypes.bfloat16) if out.dtype == _VOID2 else out)


_VOID2 = np.dtype("V2")


def save(file, arr, allow_pickle: bool = True):
    """NumPy's save of an Array's value to a .npy file."""
    np.save(file, _host(arr), allow_pickle=allow_pickle)


def savez(file, *args, **kwds):
    """NumPy's savez of Arrays to an .npz archive."""
    np.savez(file, *map(_host, args), **{k: _host(v) for k, v in kwds.items()})


def savez_compressed(file, *args, **kwds):
    """NumPy's savez_compressed of Arrays."""
    np.savez_compressed(file, *map(_host, args), **{k: _host(v) for k, v in kwds.items()})


def array2string(a, *args, **kwargs) -> str:
    """NumPy's text of an array's value."""
    return np.array2string(_host(a), *args, **kwargs)


def array_str(a, *args, **kwargs) -> str:
    """NumPy's str of an array's value."""
    return np.array_str(_host(a), *args, **kwargs)


def array_repr(a, *args, **kwargs) -> str:
    """NumPy's repr of an array's value."""
    return np.array_repr(_host(a), *args, **kwargs)


def einsum_path(subscripts: str, *operands, optimize="greedy"):
    """NumPy's contraction order for `einsum` of operands of these shapes: (path, description).

    >>> import fluxion.numpy as fnp
    >>> fnp.einsum_path("ij,jk,kl->il", fnp.ones((2, 3)), fnp.ones((3, 4)), fnp.ones((4, 5)))[0]
    ['einsum_path', (1, 2), (0, 1)]
    """
    shapes = [np.broadcast_to(np.zeros((), np.asarray(x).dtype if not isinstance(x, Array) else x.dtype), np.shape(x))
              for x in operands]
    return np.einsum_path(subscripts, *shapes, optimize=optimize)


def mask_indices(n: int, mask_func, k: int = 0, *, size: int | None = None) -> tuple[Array, Array]:
    """The indices of the entries of an n x n matrix that `mask_func(matrix, k)` keeps (e.g. fnp.triu).

    With `size`, the first `size` of them, padded with 0 (see `nonzero`): for a `mask_func`
    whose result is traced.

    >>> import fluxion.numpy as fnp
    >>> [i.tolist() for i in fnp.mask_indices(2, fnp.triu)]
    [[0, 0, 1], [0, 1, 1]]
    """
    kept = mask_func(asarray(np.ones((n, n), np.int32)), k)
    if size is not None:
        return nonzero(kept, size=size)
    return tuple(asarray(i.astype(np.int64)) for i in np.nonzero(_host(kept)))
