"""Rejection sampling without data-dependent control flow.

A sampler draws a fixed number of proposals per element at once (the rounds, on axis 0),
tests them all, and keeps the first accepted one. The number of rounds is chosen so that all
of them reject with probability below 2**-64; only then does an element take a fallback.
"""
from __future__ import annotations

import numpy as np

from ..core import dtypes
from ..core.array import Array
from ..numpy._convert import convert
from ..ops import elementwise as E
from ..ops import reduce as R
from ..ops import shape as S
from ._util import const, like


def first_accepted(accept: Array, proposals: Array, fallback: Array) -> Array:
    """Along axis 0 (the rounds): the proposal of the first accepted round, else `fallback`."""
    count = R.cumsum(convert(accept, dtypes.int32), 0)
    first = E.and_p.bind(accept, E.eq_p.bind(count, const(1, np.int32)))
    chosen = R.reduce_sum(E.select_n_p.bind(first, like(0, proposals), proposals), (0,))
    rounds = accept.shape[0]
    none = E.eq_p.bind(S.reshape(S.slice_in_dim(count, rounds - 1, rounds, axis=0), count.shape[1:]),
                       const(0, np.int32))
    return E.select_n_p.bind(none, chosen, fallback)
