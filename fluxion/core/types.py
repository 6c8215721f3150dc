"""ArrayType: what abstract evaluation knows of a value (shape, dtype, weak)."""
from __future__ import annotations

import math

import numpy as np

from . import dtypes


class ArrayType:
    """The abstract value of an array: its shape, dtype and whether its dtype is weak."""

    __slots__ = ("shape", "dtype", "weak")

    def __init__(self, shape: tuple[int, ...], dtype: np.dtype, weak: bool = False):
        self.shape = tuple(shape)
        self.dtype = dtype if isinstance(dtype, np.dtype) else np.dtype(dtype)  # fnp.float32 is a scalar type
        self.weak = weak

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def size(self) -> int:
        return math.prod(self.shape)

    @property
    def weak_type(self) -> bool:  # (jax's name)
        return self.weak

    def update(self, shape=None, dtype=None, weak=None) -> ArrayType:
        return ArrayType(self.shape if shape is None else shape, self.dtype if dtype is None else dtype,
                         self.weak if weak is None else weak)

    def __eq__(self, other):
        return (isinstance(other, ArrayType) and self.shape == other.shape and self.dtype == other.dtype
                and self.weak == other.weak)

    def __hash__(self):
        return hash((self.shape, self.dtype, self.weak))

    def __repr__(self):
        return ("~" if self.weak else "") + f"{dtypes.short_name(self.dtype)}[{','.join(map(str, self.shape))}]"


class ShapeDtypeStruct(ArrayType):
    """The type of an array as jax spells it, for `eval_shape`, `jit(...).lower` and
    `pure_callback`: `ShapeDtypeStruct(shape, dtype)` (any dtype NumPy accepts).

    >>> ShapeDtypeStruct((2, 3), "float32")
    f32[2,3]
    """

    __slots__ = ()

    def __init__(self, shape, dtype, *, weak_type: bool = False):
        super().__init__(tuple(shape), dtypes.canonicalize(dtype), weak_type)

    @staticmethod
    def of(t: ArrayType) -> ShapeDtypeStruct:
        return ShapeDtypeStruct(t.shape, t.dtype, weak_type=t.weak)
