"""Eager elementwise functions that cost many additions an element, on 200,000 values: float64
`sin`, complex `exp`, `x ** y`, `arctan2` and the special functions `gammaln`, `erf`, `digamma`,
`i0e` and `gammainc` (target: NumPy's and SciPy's time divided by the cores, as fluxion runs
their loops on every core from some 300 us of one core's work; PyTorch and jax beside, whose
float64 `sin` and float32 `erf` are vectorized approximations several times faster than those
loops)."""
import numpy as np

NAME = "eager costly elementwise functions, 200,000 values"
_RNG = np.random.default_rng(0)
_X = _RNG.uniform(0.1, 8.0, 200_000)
_Y = _RNG.uniform(0.1, 3.0, 200_000)
_Z = _X + 1j * _Y
_X32 = _X.astype(np.float32)


def _ops(sin, exp, power, arctan2, gammaln, erf, digamma, i0e, gammainc, asarray):
    x, y, z, x32 = (asarray(v) for v in (_X, _Y, _Z, _X32))
    return {
        "sin(x), float64": lambda: sin(x),
        "exp(z), complex128": lambda: exp(z),
        "x ** y, float64": lambda: power(x, y),
        "arctan2(x, y), float64": lambda: arctan2(x, y),
        "gammaln(x), float64": lambda: gammaln(x),
        "erf(x), float32": lambda: erf(x32),
        "digamma(x), float64": lambda: digamma(x),
        "i0e(x), float64": lambda: i0e(x),
        "gammainc(y, x), float64": lambda: gammainc(y, x),
    }


def _fluxion(op):
    def setup():
        import fluxion.numpy as fnp
        import fluxion.scipy.special as fsp
        return _ops(fnp.sin, fnp.exp, fnp.power, fnp.arctan2, fsp.gammaln, fsp.erf, fsp.digamma, fsp.i0e, fsp.gammainc,
                    fnp.asarray)[op]
    return setup


def _numpy(op):
    def setup():
        import scipy.special as sp
        return _ops(np.sin, np.exp, np.power, np.arctan2, sp.gammaln, sp.erf, sp.digamma, sp.i0e, sp.gammainc,
                    np.asarray)[op]
    return setup


def _torch(op):
    def setup():
        import torch
        s = torch.special
        return _ops(torch.sin, torch.exp, torch.pow, torch.atan2, s.gammaln, s.erf, s.digamma, s.i0e, s.gammainc,
                    torch.tensor)[op]
    return setup


def _jax(op):
    def setup():
        import jax
        import jax.numpy as jnp
        import jax.scipy.special as jsp
        with jax.enable_x64(True):  # float64 like the other peers, without changing jax's default for later peers
            f = _ops(jnp.sin, jnp.exp, jnp.power, jnp.arctan2, jsp.gammaln, jsp.erf, jsp.digamma, jsp.i0e,
                     jsp.gammainc, jnp.asarray)[op]

        def call():
            with jax.enable_x64(True):
                return f().block_until_ready()
        return call
    return setup


CASES = {op: {"fluxion": _fluxion(op), "numpy": _numpy(op), "torch": _torch(op), "jax (eager)": _jax(op)}
         for op in _ops(*(None,) * 9, np.asarray)}
