"""The oracles of the control-flow program tests: float64 arrays and central finite differences."""
import numpy as np

import fluxion.numpy as fnp


def _a(v):
    return fnp.asarray(v, dtype=fnp.float64)


def _fd(f, x, eps=1e-6):
    """Central finite differences of scalar f at x."""
    x = np.asarray(x, dtype=np.float64)
    g = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        e = np.zeros_like(x)
        e[i] = eps
        g[i] = (float(f(_a(x + e))) - float(f(_a(x - e)))) / (2 * eps)
    return g
