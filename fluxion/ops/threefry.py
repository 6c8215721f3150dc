"""`threefry2x32`: Threefry-2x32 with 20 rounds (Salmon et al., "Parallel random numbers: as easy
as 1, 2, 3", 2011), the keyed bijection of pairs of uint32 words that fluxion.random is built on.

One primitive rather than its hundred integer operations, so that an eager draw is one NumPy
kernel instead of a hundred primitive calls. `rounds` is the algorithm on arrays with NumPy's
operators (`+` wrapping modulo 2**32, `^`, `<<`, `>>`, `|` on uint32), which NumPy arrays and
jax's have alike: the XLA lowering and the NumPy kernel run the same code, so they give the
same bits (the kernel runs small inputs on Python integers instead: backends/numpy/threefry.py).
"""
from __future__ import annotations

from ..core import dtypes
from ..core.primitive import batch_rules
from ..core.types import ArrayType
from ._ad import defzero
from ._batch import elementwise_rule
from ._util import broadcast_shapes, check_dtype, define

# rotation distances of the eight rounds of a cycle, and the key-schedule parity constant
ROTATIONS = ((13, 15, 26, 6), (17, 29, 16, 24))
PARITY = 0x1BD11BDA


def rounds(k0, k1, x0, x1):
    """The counter words `(x0, x1)` encrypted under the key words `(k0, k1)`: uint32 arrays, the
    counters of the output's shape (fresh arrays, which this may update in place), the key words
    broadcasting to it."""
    schedule = (k0, k1, k0 ^ k1 ^ PARITY)
    x0 += k0
    x1 += k1
    for cycle in range(5):
        for r in ROTATIONS[cycle % 2]:
            x0 += x1
            spill = x1 >> (32 - r)  # x1 rotated left by r, in place where the arrays allow it
            x1 <<= r
            x1 |= spill
            x1 ^= x0
        # key injection after every four rounds: the next key words plus the injection count
        x0 += schedule[(cycle + 1) % 3]
        x1 += schedule[(cycle + 2) % 3] + (cycle + 1)
    return x0, x1


def _rule(*avals: ArrayType) -> tuple[ArrayType, ArrayType]:
    for a in avals:
        check_dtype("threefry2x32", a.dtype, (dtypes.uint32,))
    out = ArrayType(broadcast_shapes("threefry2x32", *(a.shape for a in avals)), dtypes.uint32)
    return out, out


threefry2x32_p = define("threefry2x32", _rule, multiple_results=True)
defzero(threefry2x32_p)
_elementwise = elementwise_rule(threefry2x32_p)
batch_rules[threefry2x32_p] = lambda args, dims: (_elementwise(args, dims)[0], (0, 0))
