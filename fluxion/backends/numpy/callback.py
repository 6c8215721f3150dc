"""NumPy kernels of the host callbacks (fluxion/ops/callback.py): the callbacks themselves."""
from __future__ import annotations

from ...core.primitive import numpy_kernel
from ...ops.callback import debug_callback_p, pure_callback_p, run_pure


def _debug(*values, callback, ordered):  # (eager calls happen in order)
    callback(*values)
    return ()


numpy_kernel[pure_callback_p] = lambda *values, callback, result_avals, vmap_method: run_pure(callback, result_avals, *values)
numpy_kernel[debug_callback_p] = _debug
