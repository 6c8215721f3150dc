"""`clear_caches`: drop every compiled program fluxion keeps, to free their memory."""
from __future__ import annotations

import sys

from . import staging


def clear_caches() -> None:
    """Forget the compiled programs: each jitted function's signatures (kept by fluxion and by
    XLA's dispatcher) and the kernels of eager operations on XLA devices. Results do not
    change: the next calls trace and compile again. (`jit(f).clear_cache()` does it for one
    function.)

    >>> import fluxion as fx, fluxion.numpy as fnp
    >>> f = fx.jit(lambda x: x * 2)
    >>> f(fnp.ones(2)).tolist(), f.cache_size()
    ([2.0, 2.0], 1)
    >>> fx.clear_caches()
    >>> f.cache_size(), f(fnp.ones(2)).tolist()
    (0, [2.0, 2.0])
    """
    for jitted in list(staging.LIVE):
        jitted.clear_cache()
    eager = sys.modules.get("fluxion.backends.xla.eager")  # (not loaded: nothing ran on an XLA device)
    if eager is not None:
        eager.clear()
