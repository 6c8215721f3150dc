"""The primitive set, one module per family; each primitive sits with its abstract evaluation."""
from . import (barrier, collectives, conv, elementwise, fft, indexing, linalg, linalg_schur, reduce, shape,  # noqa: F401
               sort, threefry)
from . import (conv_rules, elementwise_rules, fft_rules, indexing_rules, linalg_rules, linalg_schur_rules,  # noqa: F401
               reduce_rules, shape_rules, sort_rules)

_SEGMENT = ("segment_max", "segment_min", "segment_prod", "segment_sum")


def __getattr__(name: str):
    """jax.ops' segment reductions, `fx.ops.segment_sum` and co.: user functions, written with
    fluxion.numpy (which this package's primitives lie below), so looked up at first use."""
    if name in _SEGMENT:
        from ..numpy import _segment
        return getattr(_segment, name)
    raise AttributeError(f"module 'fluxion.ops' has no attribute {name!r}")
