"""Keys and raw bits: `key` (alias `PRNGKey`), `split`, `fold_in`, `bits`, and the key-data
functions `key_data`, `wrap_key_data`, `clone`.

A key is a uint32 array of shape (2,), the two key words of Threefry-2x32. The words a call
draws are the encryptions of the counters 0, 1, 2, ... (the row-major positions of the
output) under the key, so one key always gives the same bits and different positions give
independent ones. The derivation of keys from seeds, of split and folded keys and of bits
from counters follows JAX's partitionable Threefry scheme, so a seed gives the same keys
and bits in both.
"""
from __future__ import annotations

import math

import numpy as np

from ..core import dtypes
from ..core.array import Array, to_array
from ..core.errors import DTypeError, ShapeError, a_type, op_error
from ..numpy._convert import convert
from ..ops import elementwise as E
from ..ops import shape as S
from ..ops.barrier import optimization_barrier
from ._ops import BIND, KERNELS, ops_for
from ._threefry import u32
from ._util import ArrayLike, DTypeLike, Shape, canonical_shape, const

_KEY_FIX = "make keys with fx.random.key(seed) and derive new ones with fx.random.split(key)"
_MASK32 = 0xFFFFFFFF
_U64_SHIFT = const(32, dtypes.uint64)


def check_key(op: str, key, ops=BIND) -> tuple[Array, Array]:
    """The two uint32 words of `key`, or an error saying what a key is (`ops_for` has checked
    a key it gives `KERNELS` for)."""
    if ops is KERNELS:
        v = key._value
        return v[..., 0], v[..., 1]
    if isinstance(key, (bool, int, float)):
        seed = int(key) if float(key).is_integer() else "an_integer_seed"
        raise op_error(TypeError, f"random.{op}", f"got the number {key!r} where a key was expected",
                       f"pass fx.random.key({seed}) instead; {_KEY_FIX}")
    try:
        key = to_array(key)
    except TypeError:  # (such as a typed jax key, which is no array)
        raise op_error(TypeError, f"random.{op}", f"got {a_type(key)} where a key was expected",
                       f"{_KEY_FIX} (a jax key's words are jax.random.key_data(key))") from None
    if key.dtype != dtypes.uint32:
        raise op_error(DTypeError, f"random.{op}", f"a key is a uint32 array of shape (2,), got dtype {key.dtype}",
                       _KEY_FIX)
    if key.shape != (2,):
        fix = ("pick one key, e.g. keys[0] of fx.random.split(key, n)" if key.shape[-1:] == (2,) else _KEY_FIX)
        raise op_error(ShapeError, f"random.{op}", f"a key is a uint32 array of shape (2,), got shape {key.shape}", fix)
    # the key is made before its words are read: a key derived by another Threefry (split, fold_in,
    # a sampler's streams) would otherwise be fused into the consuming Threefry's XLA kernel,
    # which takes XLA's CPU compiler seconds for a gamma sampler where it takes a fraction otherwise
    key, = optimization_barrier([key])
    return (S.reshape(S.slice(key, (0,), (1,)), ()), S.reshape(S.slice(key, (1,), (2,)), ()))


def _integer_words(op: str, value, low_only: bool = False) -> tuple[Array, Array]:
    """The high and low 32-bit words of an integer, as jax's seeding takes them: a Python int's
    64-bit two's complement, a 64-bit integer array's two words, and (0, value mod 2**32) for a
    narrower one. With `low_only` (fold_in's data, which jax converts to uint32), every array
    gives (0, value mod 2**32) and a Python int must fit in 32 bits, signed or unsigned."""
    if isinstance(value, (bool, float)):
        raise op_error(TypeError, f"random.{op}", f"needs an integer, got {value!r}",
                       "pass a Python int or an integer array")
    if isinstance(value, int):
        bits = 32 if low_only else 64
        if not -2 ** (bits - 1) <= value < 2 ** bits:
            raise op_error(OverflowError, f"random.{op}", f"{value} does not fit in {bits} bits",
                           f"pass an integer in [-2**{bits - 1}, 2**{bits}), e.g. reduced modulo 2**{bits}")
        value %= 2 ** bits
        return u32(value >> 32), u32(value & _MASK32)
    x = to_array(value)
    if x.dtype not in dtypes.INTEGER:
        raise op_error(DTypeError, f"random.{op}", f"needs an integer, got an array of dtype {x.dtype}",
                       "pass a Python int or an integer array (convert with .astype(int))")
    if x.ndim:
        raise op_error(ShapeError, f"random.{op}", f"needs one integer, got an array of shape {x.shape}",
                       "pass a 0-d array; for several seeds call it once per seed")
    if low_only or x.dtype.itemsize < 8:
        return u32(0), convert(x, dtypes.uint32)
    wide = convert(x, dtypes.uint64)
    hi = convert(E.shift_right_logical_p.bind(wide, _U64_SHIFT), dtypes.uint32)
    return hi, convert(wide, dtypes.uint32)


def key(seed: ArrayLike, *, impl: str | None = None) -> Array:
    """A key (uint32 array of shape (2,)) from an integer seed; `impl` may only be None or
    "threefry2x32", the one generator fluxion has.

    Any integer in [-2**63, 2**64) is a seed. As in jax, a Python int or 64-bit integer array gives
    its 64-bit two's complement as the two key words (high, low), so seeds below 2**32 give key
    `[0, seed]`; a narrower integer array gives `[0, seed mod 2**32]`.

    >>> import fluxion as fx
    >>> fx.random.key(42).tolist()
    [0, 42]
    """
    _threefry_only("key", impl)
    hi, lo = _integer_words("key", seed)
    return BIND.join(hi, lo)


PRNGKey = key  # jax's older name


def _keys(op: str, keys) -> Array:
    """`keys` checked to be a uint32 array of keys (shape (..., 2))."""
    keys = to_array(keys)
    if keys.dtype != dtypes.uint32 or keys.shape[-1:] != (2,):
        raise op_error(ShapeError if keys.dtype == dtypes.uint32 else DTypeError, f"random.{op}",
                       f"keys are uint32 arrays of shape (..., 2), got dtype {keys.dtype} and shape {keys.shape}",
                       _KEY_FIX)
    return keys


def key_data(keys: ArrayLike) -> Array:
    """The uint32 data of `keys` (shape (..., 2)); a fluxion key is its data, so this returns it.

    >>> import fluxion as fx
    >>> fx.random.key_data(fx.random.key(7)).tolist()
    [0, 7]
    """
    return _keys("key_data", keys)


def wrap_key_data(key_bits_array: ArrayLike, *, impl: str | None = None) -> Array:
    """Keys from their uint32 data (shape (..., 2)), the inverse of `key_data`; `impl` may only be
    None or "threefry2x32", the one generator fluxion has.

    >>> import fluxion as fx
    >>> import fluxion.numpy as fnp
    >>> k = fx.random.wrap_key_data(fnp.asarray([0, 7], dtype=fnp.uint32))
    >>> bool((fx.random.normal(k, (2,)) == fx.random.normal(fx.random.key(7), (2,))).all())
    True
    """
    _threefry_only("wrap_key_data", impl)
    return _keys("wrap_key_data", key_bits_array)


def _threefry_only(op: str, impl) -> None:
    if impl not in (None, "threefry2x32"):
        raise op_error(ValueError, f"random.{op}", f"impl {impl!r} is not available",
                       "pass impl=None (keys are Threefry-2x32 keys)")


def clone(key: ArrayLike) -> Array:
    """`key` itself: keys are immutable values, so there is nothing to copy (kept for jax code
    that clones keys before reuse).

    >>> import fluxion as fx
    >>> fx.random.clone(fx.random.key(1)).tolist()
    [0, 1]
    """
    return _keys("clone", key)


def counters(shape: tuple[int, ...], ops=BIND) -> tuple[Array, Array]:
    """The 64-bit row-major positions 0..n-1 of `shape`, as flat high and low uint32 words."""
    n = math.prod(shape)
    if n <= 2 ** 32:
        return ops.const(0, dtypes.uint32), ops.iota(dtypes.uint32, n)
    wide = ops.iota(dtypes.uint64, n)
    hi = ops.shift_right(wide, ops.const(32, dtypes.uint64))
    return ops.convert(hi, dtypes.uint32), ops.convert(wide, dtypes.uint32)


def random_words(op: str, key, shape: tuple[int, ...], ops=BIND) -> tuple[Array, Array]:
    """Two flat uint32 word arrays, one word pair per position of `shape`."""
    k0, k1 = check_key(op, key, ops)
    return tuple(ops.threefry(k0, k1, *counters(shape, ops)))


def subkeys(op: str, key, n: int) -> list[Array]:
    """`n` independent keys from `key` (the rows of `split(key, n)`), for samplers that need several streams."""
    w0, w1 = random_words(op, key, (n,))
    keys = BIND.join(w0, w1)
    return [S.reshape(S.slice(keys, (i, 0), (i + 1, 2)), (2,)) for i in range(n)]


def split_keys(op: str, key, n: int, ops=BIND) -> list[Array]:
    """The rows of `split(key, n)` as keys that samplers computing with `ops` read."""
    if ops is not KERNELS:
        return subkeys(op, key, n)
    w0, w1 = random_words(op, key, (n,), ops)
    return [ops.result(ops.join(w0[i], w1[i])) for i in range(n)]


def split(key: ArrayLike, num: Shape = 2) -> Array:
    """`num` new keys from `key`, as an array of shape (num, 2) (or `num + (2,)` for a tuple).

    >>> import fluxion as fx
    >>> k1, k2 = fx.random.split(fx.random.key(0))
    >>> fx.random.split(fx.random.key(0), 3).shape
    (3, 2)
    """
    shape = canonical_shape("random.split", num)
    ops = ops_for(key)
    w0, w1 = random_words("split", key, shape, ops)
    return ops.result(ops.reshape(ops.join(w0, w1), shape + (2,)))


def fold_in(key: ArrayLike, data: ArrayLike) -> Array:
    """A new key from `key` and an integer `data` (e.g. a step number or a device index).

    Keys folded with different data are independent; `fold_in(key, i)` is the key
    `split(key, n)[i]` for 0 <= i < n (both encrypt the counter i). As in jax, `data` is taken
    modulo 2**32: an integer array of any dtype wraps, and a Python int must fit in 32 bits.

    >>> import fluxion as fx
    >>> k = fx.random.key(0)
    >>> (fx.random.fold_in(k, 1) != fx.random.fold_in(k, 2)).any().item()
    True
    """
    hi, lo = _integer_words("fold_in", data, low_only=True)
    ops = ops_for(key, hi, lo)
    k0, k1 = check_key("fold_in", key, ops)
    return ops.result(ops.join(*ops.threefry(k0, k1, ops.read(hi), ops.read(lo))))


_BIT_DTYPES = dtypes.UNSIGNED


def flat_bits(op: str, key, shape: tuple[int, ...], dtype: np.dtype, ops=BIND) -> Array:
    """Random bits of an unsigned `dtype`, flat: one element per position of `shape`."""
    return _bits(*random_words(op, key, shape, ops), dtype, ops)


def split_bits(op: str, key, num: int, shape: tuple[int, ...], dtype: np.dtype, ops=BIND) -> list[Array]:
    """`flat_bits` of each key of split(key, num). An eager draw takes them from one cipher call
    over the keys' words (a compiled one from the keys, whose cipher XLA must not fuse into this one)."""
    if ops is not KERNELS:
        return [flat_bits(op, k, shape, dtype, ops) for k in split_keys(op, key, num, ops)]
    w0, w1 = random_words(op, key, (num,), ops)
    bits = _bits(*ops.threefry(w0.reshape(num, 1), w1.reshape(num, 1), *counters(shape, ops)), dtype, ops)
    return list(bits)


def _bits(w0, w1, dtype: np.dtype, ops):
    """Bits of an unsigned `dtype` from the cipher's two words."""
    if dtype == dtypes.uint64:
        hi = ops.convert(w0, dtypes.uint64)
        lo = ops.convert(w1, dtypes.uint64)
        return ops.or_(ops.shift_left(hi, ops.const(32, dtypes.uint64)), lo)
    word = ops.xor(w0, w1)
    if dtype == dtypes.uint32:
        return word
    return ops.convert(word, dtype)  # keeps the low bits


def bits(key: ArrayLike, shape: Shape = (), dtype: DTypeLike = dtypes.uint32) -> Array:
    """Uniformly random bits: an array of `shape` and unsigned integer `dtype`.

    >>> import fluxion as fx
    >>> fx.random.bits(fx.random.key(0), (2,), fx.numpy.uint8).dtype
    dtype('uint8')
    """
    shape = canonical_shape("random.bits", shape)
    dt = dtypes.canonicalize(dtype)
    if dt not in _BIT_DTYPES:
        raise op_error(DTypeError, "random.bits", f"dtype {dt} is not an unsigned integer dtype",
                       "pass dtype=fnp.uint8, uint16, uint32 or uint64")
    ops = ops_for(key)
    return ops.result(ops.reshape(flat_bits("bits", key, shape, dt, ops), shape))
