"""vmap of every public function of fluxion.numpy (with .linalg and .fft), fluxion.scipy.special,
.linalg, .fft, .signal, .sparse.linalg, .integrate, .ndimage, .cluster.vq and fluxion.random equals
stacking the function's results over a Python loop of the examples; so does vmap of a few
fluxion.scipy.stats densities over their parameters.

The functions are enumerated from the modules' `__all__`, so a new function is covered as soon as it
exists: elementwise and special functions get a case from their arity, the others need an entry in
CASES (the coverage test names the missing ones). Each case is a function of array arguments, each
given by one example's shape or an Arg making valid values (indices in range, sorted bins, positive
definite matrices, random keys). It is batched with the batch axes first, last (as -1, with
out_axes -1), and with all but one argument unbatched (out_axes 1 where the results have an axis).
Samplers of fluxion.random take keys made by fx.random.split, so vmap over keys must give the draws
of a loop. Functions whose result shape depends on the data must raise a ConcretizationError that
names the operation and a fix. Functions returning Python values of an array's metadata (ndim, shape)
must see one example.
"""
from __future__ import annotations

import inspect
from collections.abc import Callable
from functools import partial
from typing import NamedTuple

import numpy as np
import pytest
from _loop import Arg, assert_same, batch_args, loop, positions, random_array

import fluxion as fx
import fluxion.numpy as fnp
import fluxion.random as fr
import fluxion.scipy.cluster.vq as fvq
import fluxion.scipy.fft as fsf
import fluxion.scipy.integrate as fint
import fluxion.scipy.linalg as fsl
import fluxion.scipy.ndimage as fnd
import fluxion.scipy.signal as fss
import fluxion.scipy.sparse.linalg as fssl
import fluxion.scipy.special as fsp
from fluxion.errors import ConcretizationError
from fluxion.numpy import (
    _bits,
    _choosing,
    _comparison,
    _creation,
    _diagonals,
    _differences,
    _dtype_functions,
    _elementwise,
    _functional,
    _histogramdd,
    _index_arithmetic,
    _index_tricks,
    _indexing,
    _inspection,
    _interpolation,
    _linear,
    _manipulation,
    _manipulation_numpy,
    _padding,
    _polynomial,
    _reductions,
    _repeating,
    _sets,
    _signal,
    _sorting,
    _statistics,
    _ufunc,
    _windows,
)
from fluxion.scipy import stats


class Case(NamedTuple):
    """`fn` of array arguments whose examples have `shapes` (a shape or an Arg each), drawn in `dtype`."""
    fn: Callable
    shapes: tuple
    dtype: str = "float64"


# argument makers: make(rng, shape, dtype), the leading axes of `shape` index examples ---------------
def ints(lo: int, hi: int, *shape) -> Arg:
    """Integers in [lo, hi): indices in range."""
    return Arg(shape, lambda rng, s, dt: rng.integers(lo, hi, s))


def uniform(lo: float, hi: float, *shape) -> Arg:
    return Arg(shape, lambda rng, s, dt: rng.uniform(lo, hi, s).astype(dt))


def ascending(*shape) -> Arg:
    """Sorted along the last axis, without ties: bins and sample points."""
    return Arg(shape, lambda rng, s, dt: np.cumsum(rng.uniform(0.5, 1.5, s), -1).astype(dt) - s[-1] / 2)


def _with_nans(rng, shape, dtype):
    x = random_array(rng, shape, dtype)
    x[..., 0, 1] = x[..., 2, 3] = np.nan  # never a whole slice along either axis
    return x


def with_nans(*shape) -> Arg:
    return Arg(shape, _with_nans)


def _spd(rng, shape, dtype):
    a = random_array(rng, shape, dtype)
    return (a @ np.swapaxes(a, -1, -2) + shape[-1] * np.eye(shape[-1])).astype(dtype)


def spd(*shape) -> Arg:
    """Symmetric positive definite: cholesky, eigh, covariance."""
    return Arg(shape, _spd)


def dominant(*shape) -> Arg:
    """A large diagonal: well conditioned for solve, inv, det."""
    return Arg(shape, lambda rng, s, dt: (random_array(rng, s, dt) + 2 * s[-1] * np.eye(s[-1])).astype(dt))


def _keys(rng, shape, dtype):
    lead = shape[:-1]
    keys = fr.split(fr.key(int(rng.integers(1 << 30))), int(np.prod(lead, dtype=int)))
    return np.asarray(keys).reshape(shape)


def simplex(*shape) -> Arg:
    """Positive, summing to 1 along the last axis: points of a Dirichlet distribution."""
    return Arg(shape, lambda rng, s, dt: rng.dirichlet(np.ones(s[-1]), s[:-1]).astype(dt))


def uint8s(*shape) -> Arg:
    """Bytes over their whole range: every bit pattern."""
    return Arg(shape, lambda rng, s, dt: rng.integers(0, 256, s).astype(np.uint8))


KEY = Arg((2,), _keys)  # a key of fluxion.random; batched, a key made by split per example


# the functions that are not elementwise, by "module.name" ----------------------------------------
M = (3, 4)  # a matrix example
CASES = {
    # comparison
    "fnp.allclose": Case(fnp.allclose, ((4,), (4,)), "int64"),
    "fnp.array_equal": Case(fnp.array_equal, ((2,), (2,)), "bool"),
    "fnp.array_equiv": Case(fnp.array_equiv, ((2,), (1,)), "bool"),
    "fnp.isclose": Case(fnp.isclose, ((2, 3), (3,))),
    "fnp.isin": Case(fnp.isin, ((4,), (3,)), "int64"),
    # creation from arrays
    "fnp.array": Case(fnp.array, ((3,),)),
    "fnp.asarray": Case(fnp.asarray, ((3,),)),
    "fnp.copy": Case(fnp.copy, ((3,),)),
    "fnp.asanyarray": Case(fnp.asanyarray, ((3,),)),
    "fnp.ascontiguousarray": Case(fnp.ascontiguousarray, ((3,),)),
    "fnp.asfortranarray": Case(fnp.asfortranarray, ((2, 3),)),
    "fnp.empty_like": Case(lambda x: fnp.empty_like(x, dtype=bool) | True, ((2, 3),)),  # its values are unspecified
    "fnp.full": Case(lambda v: fnp.full((2,), v), ((),)),
    "fnp.full_like": Case(lambda x, v: fnp.full_like(x, v), ((2, 3), ())),
    "fnp.ones_like": Case(fnp.ones_like, ((2, 3),)),
    "fnp.zeros_like": Case(fnp.zeros_like, ((2, 3),)),
    "fnp.linspace": Case(lambda a, b: fnp.linspace(a, b, 4), ((), (2,))),
    "fnp.logspace": Case(lambda a, b: fnp.logspace(a, b, 4), ((), (2,))),
    "fnp.geomspace": Case(lambda a, b: fnp.geomspace(a, b, 4), (uniform(0.5, 2), uniform(3, 5, 2))),
    "fnp.meshgrid": Case(fnp.meshgrid, ((3,), (2,))),
    "fnp.tril": Case(fnp.tril, (M,)),
    "fnp.triu": Case(lambda x: fnp.triu(x, 1), (M,)),
    "fnp.astype": Case(lambda x: fnp.astype(x, "int32"), (uniform(-9, 9, 2, 3),)),
    # differences
    "fnp.diff": Case(fnp.diff, ((5,),)),
    "fnp.ediff1d": Case(lambda x, e: fnp.ediff1d(x, to_end=e), ((5,), (2,))),
    "fnp.gradient": Case(lambda x: fnp.gradient(x, axis=0), (M,)),
    "fnp.trapezoid": Case(fnp.trapezoid, ((5,), ascending(5))),
    "fnp.unwrap": Case(lambda x: fnp.unwrap(4 * x), ((6,),)),
    # index arithmetic (mode="raise" would need concrete indices)
    "fnp.ravel_multi_index": Case(lambda r, c: fnp.ravel_multi_index((r, c), (2, 3), mode="clip"),
                                  (ints(0, 2, 4), ints(0, 3, 4))),
    "fnp.unravel_index": Case(lambda i: fnp.unravel_index(i, (2, 3)), (ints(0, 6, 4),)),
    # indexing
    "fnp.choose": Case(fnp.choose, (ints(0, 3, 4), (3, 4))),
    "fnp.ix_": Case(fnp.ix_, (ints(0, 5, 2), ints(0, 5, 3))),
    "fnp.put_along_axis": Case(lambda a, i, v: fnp.put_along_axis(a, i, v, axis=1), (M, ints(0, 4, 3, 1), (3, 1))),
    "fnp.select": Case(lambda x, y: fnp.select([x > 0.5, y > 0], [x, y], -1.0), ((2, 3), (3,))),
    "fnp.take": Case(lambda a, i: fnp.take(a, i, axis=1), (M, ints(0, 4, 2))),
    "fnp.take_along_axis": Case(lambda a, i: fnp.take_along_axis(a, i, axis=1), (M, ints(0, 4, 3, 2))),
    "fnp.where": Case(lambda x, y: fnp.where(x > 0, x, y), ((2, 3), (3,))),
    # interpolation
    "fnp.digitize": Case(fnp.digitize, ((5,), ascending(4))),
    "fnp.interp": Case(fnp.interp, ((5,), ascending(4), (4,))),
    "fnp.polyval": Case(fnp.polyval, ((3,), (4,))),
    "fnp.vander": Case(lambda x: fnp.vander(x, 3), ((4,),)),
    # linear
    "fnp.cross": Case(fnp.cross, ((2, 3), (3,))),
    "fnp.diagonal": Case(lambda x: fnp.diagonal(x, 1), (M,)),
    "fnp.dot": Case(fnp.dot, ((2, 3), (3, 4))),
    "fnp.einsum": Case(lambda a, b: fnp.einsum("ij,jk->ki", a, b), ((2, 3), (3, 4))),
    "fnp.inner": Case(fnp.inner, ((2, 3), (4, 3))),
    "fnp.kron": Case(fnp.kron, ((2,), (3,))),
    "fnp.matmul": Case(fnp.matmul, ((2, 3), (3, 4))),
    "fnp.outer": Case(fnp.outer, ((2,), (3,))),
    "fnp.tensordot": Case(lambda a, b: fnp.tensordot(a, b, axes=1), ((2, 3), (3, 4))),
    "fnp.trace": Case(fnp.trace, (M,)),
    "fnp.vdot": Case(fnp.vdot, ((3,), (3,))),
    "fnp.vecdot": Case(fnp.vecdot, ((2, 3), (3,))),
    # manipulation
    "fnp.array_split": Case(lambda x: fnp.array_split(x, 2, axis=1), ((2, 5),)),
    "fnp.atleast_1d": Case(fnp.atleast_1d, ((),)),
    "fnp.atleast_2d": Case(fnp.atleast_2d, ((3,),)),
    "fnp.atleast_3d": Case(fnp.atleast_3d, ((3,),)),
    "fnp.broadcast_arrays": Case(fnp.broadcast_arrays, ((3, 1), (4,))),
    "fnp.broadcast_to": Case(lambda x: fnp.broadcast_to(x, (2, 3)), ((3,),)),
    "fnp.column_stack": Case(lambda a, b: fnp.column_stack([a, b]), ((3,), (3, 2))),
    "fnp.concat": Case(lambda a, b: fnp.concat([a, b], axis=1), ((2, 3), (2, 1))),
    "fnp.concatenate": Case(lambda a, b: fnp.concatenate([a, b]), ((2,), (3,))),
    "fnp.dstack": Case(lambda a, b: fnp.dstack([a, b]), ((2,), (2,))),
    "fnp.expand_dims": Case(lambda x: fnp.expand_dims(x, 1), ((2, 3),)),
    "fnp.flatten": Case(fnp.flatten, ((2, 3),)),
    "fnp.flip": Case(lambda x: fnp.flip(x, 1), ((2, 3),)),
    "fnp.hstack": Case(lambda a, b: fnp.hstack([a, b]), ((2,), (3,))),
    "fnp.matrix_transpose": Case(fnp.matrix_transpose, ((2, 3, 4),)),
    "fnp.moveaxis": Case(lambda x: fnp.moveaxis(x, 0, -1), ((2, 3, 4),)),
    "fnp.pad": Case(lambda x: fnp.pad(x, ((1, 0), (0, 2))), ((2, 3),)),
    "fnp.permute_dims": Case(lambda x: fnp.permute_dims(x, (2, 0, 1)), ((2, 3, 4),)),
    "fnp.ravel": Case(fnp.ravel, ((2, 3),)),
    "fnp.repeat": Case(lambda x: fnp.repeat(x, 2, axis=1), ((2, 3),)),
    "fnp.reshape": Case(lambda x: fnp.reshape(x, (3, -1)), ((2, 3),)),
    "fnp.roll": Case(lambda x: fnp.roll(x, 1, axis=1), ((2, 3),)),
    "fnp.rot90": Case(fnp.rot90, ((2, 3),)),
    "fnp.split": Case(lambda x: fnp.split(x, 2, axis=0), ((4, 3),)),
    "fnp.squeeze": Case(fnp.squeeze, ((1, 3),)),
    "fnp.stack": Case(lambda a, b: fnp.stack([a, b], axis=1), ((3,), (3,))),
    "fnp.swapaxes": Case(lambda x: fnp.swapaxes(x, 0, 2), ((2, 3, 4),)),
    "fnp.tile": Case(lambda x: fnp.tile(x, (2, 1)), ((2, 3),)),
    "fnp.transpose": Case(fnp.transpose, ((2, 3),)),
    "fnp.unstack": Case(lambda x: fnp.unstack(x, axis=1), ((2, 3),)),
    "fnp.vstack": Case(lambda a, b: fnp.vstack([a, b]), ((3,), (2, 3))),
    # reductions needing more than an axis (the others reduce axis 0 of an M example, below)
    "fnp.average": Case(lambda x, w: fnp.average(x, axis=0, weights=w), (M, uniform(0.5, 2, 3))),
    "fnp.logsumexp": Case(lambda x, b: fnp.logsumexp(x, axis=0, b=b), (M, uniform(0.5, 2, *M))),
    **{f"fnp.{n}": Case(partial(getattr(fnp, n), q=0.3, axis=0), (M,))
       for n in ("quantile", "nanquantile")},
    **{f"fnp.{n}": Case(partial(getattr(fnp, n), q=30, axis=0), (M,))
       for n in ("percentile", "nanpercentile")},
    # signal
    "fnp.convolve": Case(fnp.convolve, ((5,), (3,))),
    "fnp.correlate": Case(lambda a, v: fnp.correlate(a, v, "same"), ((5,), (3,))),
    # sorting
    "fnp.argpartition": Case(lambda x: fnp.sort(fnp.argpartition(x, 2)[..., :2]), ((5,),)),  # the order is free
    "fnp.argsort": Case(lambda x: fnp.argsort(x, axis=0), (M,)),
    "fnp.lexsort": Case(fnp.lexsort, (ints(0, 3, 2, 5),)),
    "fnp.partition": Case(lambda x: fnp.partition(x, 2)[..., 2], ((5,),)),  # the kth element is fixed
    "fnp.searchsorted": Case(fnp.searchsorted, (ascending(5), (3,))),
    "fnp.sort": Case(lambda x: fnp.sort(x, axis=0), (M,)),
    # statistics
    "fnp.bincount": Case(lambda x, w: fnp.bincount(x, w, length=5), (ints(0, 5, 6), (6,))),
    "fnp.corrcoef": Case(fnp.corrcoef, (M,)),
    "fnp.cov": Case(lambda m, w: fnp.cov(m, aweights=w), (M, uniform(0.5, 2, 4))),
    # linalg
    "linalg.cholesky": Case(fnp.linalg.cholesky, (spd(3, 3),)),
    "linalg.cond": Case(fnp.linalg.cond, (dominant(3, 3),)),
    "linalg.cross": Case(fnp.linalg.cross, ((2, 3), (3,))),
    "linalg.det": Case(fnp.linalg.det, (dominant(3, 3),)),
    "linalg.diagonal": Case(fnp.linalg.diagonal, ((2, 3, 4),)),
    "fnp.put": Case(lambda a, i, v: fnp.put(a, i, v, inplace=False), ((3, 4), ints(0, 12, 2), (2,))),
    "fnp.place": Case(lambda a, v: fnp.place(a, a > 0, v, inplace=False), ((3, 4), (2,))),
    "fnp.matvec": Case(fnp.matvec, ((2, 3, 4), (4,))),
    "fnp.vecmat": Case(fnp.vecmat, ((3,), (2, 3, 4))),
    "fnp.sort_complex": Case(fnp.sort_complex, ((5,),)),
    "linalg.eig": Case(fnp.linalg.eig, (dominant(3, 3),)),
    "linalg.eigvals": Case(fnp.linalg.eigvals, (dominant(3, 3),)),
    "linalg.eigh": Case(fnp.linalg.eigh, (spd(3, 3),)),
    "linalg.eigvalsh": Case(fnp.linalg.eigvalsh, (spd(3, 3),)),
    "linalg.inv": Case(fnp.linalg.inv, (dominant(3, 3),)),
    "linalg.lstsq": Case(lambda a, b: fnp.linalg.lstsq(a, b)[0], ((4, 3), (4,))),
    "linalg.matrix_norm": Case(fnp.linalg.matrix_norm, (M,)),
    "linalg.matrix_power": Case(lambda x: fnp.linalg.matrix_power(x, 3), ((3, 3),)),
    "linalg.matrix_rank": Case(lambda x: fnp.linalg.matrix_rank(x @ x[..., :2, :].T), (M,)),  # rank 2
    "linalg.multi_dot": Case(lambda a, b, c: fnp.linalg.multi_dot([a, b, c]), ((2, 3), (3, 4), (4, 2))),
    "linalg.norm": Case(lambda x: fnp.linalg.norm(x, axis=0), (M,)),
    "linalg.outer": Case(fnp.linalg.outer, ((2,), (3,))),
    "linalg.pinv": Case(fnp.linalg.pinv, ((4, 3),)),
    "linalg.qr": Case(fnp.linalg.qr, ((4, 3),)),
    "linalg.slogdet": Case(fnp.linalg.slogdet, (dominant(3, 3),)),
    "linalg.solve": Case(fnp.linalg.solve, (dominant(3, 3), (3, 2))),
    "linalg.svd": Case(fnp.linalg.svd, ((4, 3),)),
    "linalg.tensorinv": Case(lambda x: fnp.linalg.tensorinv(x, 1), (dominant(4, 4),)),
    "linalg.tensorsolve": Case(fnp.linalg.tensorsolve, (dominant(4, 4), (4,))),
    # special functions of more or other arguments than the elementwise sweep gives
    "special.betainc": Case(fsp.betainc, (uniform(0.5, 3, 2, 3), uniform(0.5, 3, 3), uniform(0.05, 0.95, 2, 3))),
    "special.multigammaln": Case(lambda a: fsp.multigammaln(a, 3), (uniform(1.2, 4, 2, 3),)),
    "special.polygamma": Case(lambda x: fsp.polygamma(2, x), (uniform(0.3, 3, 2, 3),)),
    "special.gammainc": Case(fsp.gammainc, (uniform(0.5, 3, 2, 3), uniform(0.1, 3, 3))),
    "special.gammaincc": Case(fsp.gammaincc, (uniform(0.5, 3, 2, 3), uniform(0.1, 3, 3))),
    "special.zeta": Case(fsp.zeta, (uniform(1.5, 4, 2, 3), uniform(0.3, 3, 3))),
    "special.comb": Case(fsp.comb, (uniform(3, 30, 2, 3), uniform(0, 3, 3))),
    "special.bessel_jn": Case(lambda z: fsp.bessel_jn(z, v=3), ((2, 3),)),  # orders on a leading axis
    "special.wofz": Case(fsp.wofz, ((2, 3),), "complex128"),
    "special.hyp1f1": Case(fsp.hyp1f1, (uniform(-3, 3, 2, 3), uniform(0.5, 3, 3), uniform(-20, 20, 2, 3))),
    "special.sph_harm_y": Case(lambda t, p: fsp.sph_harm_y(3, -2, t, p, n_max=3), (uniform(0, 3, 2, 3), uniform(0, 6, 3))),
    "special.gammaincinv": Case(fsp.gammaincinv, (uniform(0.5, 3, 2, 3), uniform(0.05, 0.95, 3))),
    "special.gammainccinv": Case(fsp.gammainccinv, (uniform(0.5, 3, 2, 3), uniform(0.05, 0.95, 3))),
    "special.betaincinv": Case(fsp.betaincinv, (uniform(0.5, 3, 2, 3), uniform(0.5, 3, 3), uniform(0.05, 0.95, 2, 3))),
    "special.bdtr": Case(fsp.bdtr, (uniform(0, 5, 2, 3), uniform(6, 9, 3), uniform(0.1, 0.9, 2, 3))),
    "special.bdtrc": Case(fsp.bdtrc, (uniform(0, 5, 2, 3), uniform(6, 9, 3), uniform(0.1, 0.9, 2, 3))),
    "special.binom": Case(fsp.binom, (uniform(3, 30, 2, 3), uniform(0, 3, 3))),
    "special.hyp2f1": Case(fsp.hyp2f1, (uniform(-3, 3, 2, 3), uniform(0, 3, 3), uniform(0.5, 4, 2, 1), uniform(-5, 0.9, 3))),
    "linalg.svdvals": Case(fnp.linalg.svdvals, ((4, 3),)),
    "linalg.trace": Case(fnp.linalg.trace, (M,)),
    "linalg.vecdot": Case(fnp.linalg.vecdot, ((2, 3), (3,))),
    "linalg.vector_norm": Case(lambda x: fnp.linalg.vector_norm(x, axis=1, ord=3), (M,)),
    # fft: the 1-d ones along the last axis of a (2, 6) example, the n-d ones over a (3, 4) one
    **{f"fft.{n}": Case(getattr(fnp.fft, n), ((2, 6),)) for n in ("fft", "ifft", "rfft", "irfft", "hfft", "ihfft")},
    **{f"fft.{n}": Case(getattr(fnp.fft, n), (M,)) for n in ("fft2", "ifft2", "rfft2", "irfft2", "fftn", "ifftn",
                                                            "rfftn", "irfftn")},
    **{f"fft.{n}": Case(partial(getattr(fnp.fft, n), axes=1), ((2, 5),)) for n in ("fftshift",
                                                                                            "ifftshift")},
    # random: a key (or a seed) with the distribution's parameters
    "random.key": Case(fr.key, (ints(0, 1000),)),
    "random.split": Case(lambda k: fr.split(k, 3), (KEY,)),
    "random.fold_in": Case(fr.fold_in, (KEY, ints(0, 100))),
    "random.bits": Case(lambda k: fr.bits(k, (3,)), (KEY,)),
    "random.normal": Case(lambda k: fr.normal(k, (3,)), (KEY,)),
    "random.exponential": Case(lambda k: fr.exponential(k, (3,)), (KEY,)),
    "random.gumbel": Case(lambda k: fr.gumbel(k, (3,), "float64"), (KEY,)),
    "random.uniform": Case(lambda k, lo, hi: fr.uniform(k, (3,), minval=lo, maxval=hi), (KEY, (3,), uniform(3, 4, 3))),
    "random.randint": Case(lambda k, lo, hi: fr.randint(k, (3,), lo, hi), (KEY, ints(-5, 0, 3), ints(1, 6, 3))),
    "random.bernoulli": Case(fr.bernoulli, (KEY, uniform(0, 1, 3))),
    "random.beta": Case(fr.beta, (KEY, uniform(0.5, 3, 3), uniform(0.5, 3, 3))),
    "random.gamma": Case(fr.gamma, (KEY, uniform(0.3, 3, 3))),
    "random.loggamma": Case(fr.loggamma, (KEY, uniform(0.3, 3, 3))),
    "random.dirichlet": Case(fr.dirichlet, (KEY, uniform(0.5, 3, 3))),
    "random.poisson": Case(fr.poisson, (KEY, uniform(0.5, 20, 3))),
    "random.categorical": Case(fr.categorical, (KEY, (2, 4))),
    "random.choice": Case(lambda k, a: fr.choice(k, a, (3,)), (KEY, (5,))),
    "random.permutation": Case(fr.permutation, (KEY, (5,))),
    "random.multivariate_normal": Case(fr.multivariate_normal, (KEY, (2,), spd(2, 2))),
    "random.truncated_normal": Case(fr.truncated_normal, (KEY, uniform(-2, -0.5, 3), uniform(0.5, 2, 3))),
    "random.PRNGKey": Case(fr.PRNGKey, (ints(0, 1000),)),
    "random.key_data": Case(fr.key_data, (KEY,)),
    "random.wrap_key_data": Case(fr.wrap_key_data, (KEY,)),
    "random.clone": Case(fr.clone, (KEY,)),
    "random.cauchy": Case(lambda k: fr.cauchy(k, (3,)), (KEY,)),
    "random.laplace": Case(lambda k: fr.laplace(k, (3,)), (KEY,)),
    "random.logistic": Case(lambda k: fr.logistic(k, (3,)), (KEY,)),
    "random.rademacher": Case(lambda k: fr.rademacher(k, (3,)), (KEY,)),
    "random.maxwell": Case(lambda k: fr.maxwell(k, (3,)), (KEY,)),
    "random.lognormal": Case(fr.lognormal, (KEY, uniform(0.5, 2, 3))),
    "random.pareto": Case(fr.pareto, (KEY, uniform(1, 4, 3))),
    "random.rayleigh": Case(fr.rayleigh, (KEY, uniform(0.5, 2, 3))),
    "random.t": Case(fr.t, (KEY, uniform(1, 6, 3))),
    "random.triangular": Case(fr.triangular, (KEY, uniform(-2, -1, 3), uniform(-0.5, 0.5, 3), uniform(1, 2, 3))),
    "random.wald": Case(fr.wald, (KEY, uniform(0.5, 3, 3))),
    "random.weibull_min": Case(fr.weibull_min, (KEY, uniform(0.5, 2, 3), uniform(0.5, 3, 3))),
    "random.double_sided_maxwell": Case(fr.double_sided_maxwell, (KEY, uniform(-1, 1, 3), uniform(0.5, 2, 3))),
    "random.chisquare": Case(fr.chisquare, (KEY, uniform(1, 6, 3))),
    "random.f": Case(fr.f, (KEY, uniform(1, 6, 3), uniform(3, 9, 3))),
    "random.generalized_normal": Case(lambda k, p: fr.generalized_normal(k, p, (3,)), (KEY, uniform(0.5, 3, 3))),
    "random.geometric": Case(fr.geometric, (KEY, uniform(0.1, 0.9, 3))),
    "random.binomial": Case(fr.binomial, (KEY, uniform(1, 40, 3), uniform(0.1, 0.9, 3))),
    "random.multinomial": Case(lambda k, p: fr.multinomial(k, 10.0, p), (KEY, simplex(4))),
    "random.orthogonal": Case(lambda k: fr.orthogonal(k, 3), (KEY,)),
    "random.ball": Case(lambda k: fr.ball(k, 3, 2, (2,)), (KEY,)),
    # bits
    "fnp.packbits": Case(fnp.packbits, ((2, 11),), "bool"),  # flattened: 22 bits in 3 bytes
    "fnp.unpackbits": Case(lambda x: fnp.unpackbits(x, axis=1, count=13), (uint8s(2, 3),)),
    # diagonals (the index arrays of a shape are constants: broadcast along the batch)
    "fnp.diag": Case(lambda v, m: (fnp.diag(v, 1), fnp.diag(m, -1)), ((3,), M)),
    "fnp.diagflat": Case(lambda v: fnp.diagflat(v, -1), ((2, 2),)),
    "fnp.fill_diagonal": Case(lambda a, v: fnp.fill_diagonal(a, v, wrap=True, inplace=False), ((7, 3), (2,))),
    "fnp.diag_indices_from": Case(fnp.diag_indices_from, ((3, 3),)),
    "fnp.tril_indices_from": Case(lambda x: fnp.tril_indices_from(x, -1), (M,)),
    "fnp.triu_indices_from": Case(lambda x: fnp.triu_indices_from(x, 1), (M,)),
    # functional: the function applied is itself batched (a vmap inside the vmap)
    "fnp.apply_along_axis": Case(lambda x: fnp.apply_along_axis(lambda r: r[:2] * fnp.sum(r), 1, x), (M,)),
    "fnp.apply_over_axes": Case(lambda x: fnp.apply_over_axes(fnp.sum, x, [0, 2]), ((2, 3, 4),)),
    "fnp.fromfunction": Case(lambda c: fnp.fromfunction(lambda i, j: i * c + j, (2, 3), dtype=float), ((),)),
    "fnp.piecewise": Case(lambda x: fnp.piecewise(x, [x < 0, x > 1], [lambda v: -v, 1.0, lambda v: v / 2]),
                          ((2, 3),)),
    "fnp.vectorize": Case(lambda a, b, c: (fnp.vectorize(fnp.dot, signature="(n),(n)->()")(a, b),
                                           fnp.vectorize(lambda x, lo: fnp.maximum(x, lo), excluded={1})(a, 0.5),
                                           fnp.vectorize(lambda x, y: x * y + 1)(a, c)),
                          ((2, 3), (3,), (2, 1))),
    # histograms: edges fixed beforehand, or a count of bins spanning each example's data
    "fnp.histogramdd": Case(lambda s, w: (fnp.histogramdd(s, bins=3, range=[(-1, 1), (-1, 1)], weights=w),
                                          fnp.histogramdd(s, bins=(2, 3), weights=w)), ((6, 2), (6,))),
    "fnp.histogram": Case(lambda x: (fnp.histogram(x, bins=3), fnp.histogram(x, bins=3, range=(-1, 1))), ((7,),)),
    "fnp.histogram_bin_edges": Case(lambda x: fnp.histogram_bin_edges(x, bins=4), ((5,),)),
    "fnp.histogram2d": Case(lambda x, y: fnp.histogram2d(x, y, bins=(3, 2), range=[(-1, 1), (-1, 1)]),
                            ((6,), (6,))),
    # a ufunc of a scalar function, and the ufunc methods of a built-in one
    "fnp.frompyfunc": Case(lambda a, b: (fnp.frompyfunc(lambda x, y: x * y - x, 2, 1)(a, b),
                                         fnp.frompyfunc(lambda x, y: x * y - x, 2, 1).accumulate(a),
                                         fnp.subtract.reduce(a), fnp.add.outer(a, b), fnp.maximum.reduceat(a, [0, 2]),
                                         fnp.add.at(a, fnp.asarray([0, 0]), b[:2], inplace=False)), ((4,), (4,))),
    # index tricks: r_ and c_ join arrays (mgrid, ogrid, s_ and index_exp take slices of numbers)
    "fnp.r_": Case(lambda a, b: fnp.r_[a, 0:2, b], ((3,), (2,))),
    "fnp.c_": Case(lambda a, b: fnp.c_[a, b], ((3,), (3, 2))),
    # manipulation beyond the standard (positions static)
    "fnp.append": Case(fnp.append, ((2, 3), (2,))),  # both flattened
    "fnp.block": Case(lambda a, b, c: fnp.block([[a, b], [c]]), ((2, 2), (2, 1), (1, 3))),
    "fnp.delete": Case(lambda x: fnp.delete(x, [0, 2], axis=1), ((2, 4),)),
    "fnp.dsplit": Case(lambda x: fnp.dsplit(x, 2), ((1, 2, 4),)),
    "fnp.fliplr": Case(fnp.fliplr, (M,)),
    "fnp.flipud": Case(fnp.flipud, (M,)),
    "fnp.hsplit": Case(lambda x: fnp.hsplit(x, [1]), (M,)),
    "fnp.insert": Case(lambda x, v: fnp.insert(x, [0, 2], v, axis=1), ((2, 3), (2,))),
    "fnp.resize": Case(lambda x: fnp.resize(x, (2, 4)), ((3,),)),
    "fnp.rollaxis": Case(lambda x: fnp.rollaxis(x, 2), ((2, 3, 4),)),
    "fnp.vsplit": Case(lambda x: fnp.vsplit(x, 2), ((4, 3),)),
    # polynomials (value-dependent trimming switched off; with it, DATA_DEPENDENT below)
    "fnp.poly": Case(lambda r, m: (fnp.poly(r), fnp.poly(m)), ((3,), (3, 3))),
    "fnp.polyadd": Case(fnp.polyadd, ((2,), (4,))),
    "fnp.polysub": Case(fnp.polysub, ((4,), (2,))),
    "fnp.polymul": Case(fnp.polymul, ((3,), (2,))),
    "fnp.polyder": Case(lambda p: fnp.polyder(p, 2), ((5,),)),
    "fnp.polyint": Case(lambda p, k: fnp.polyint(p, 2, k), ((3,), (2,))),
    "fnp.polydiv": Case(lambda u, v: fnp.polydiv(u, v, trim_leading_zeros=False), ((5,), uniform(0.5, 2, 3))),
    "fnp.polyfit": Case(lambda x, y: fnp.polyfit(x, y, 2), (ascending(6), (6,))),
    "fnp.roots": Case(lambda p: fnp.roots(p, strip_zeros=False), (uniform(0.5, 2, 4),)),
    # windows: only kaiser's beta can be an array
    "fnp.kaiser": Case(lambda b: fnp.kaiser(5, b), (uniform(0, 8),)),
    # scipy.linalg (det and inv are fluxion.numpy.linalg's)
    "scipy.linalg.block_diag": Case(fsl.block_diag, ((2, 2), (1, 3))),
    "scipy.linalg.toeplitz": Case(fsl.toeplitz, ((3,), (4,))),
    "scipy.linalg.hankel": Case(fsl.hankel, ((3,), (4,))),
    "scipy.linalg.circulant": Case(fsl.circulant, ((3,),)),
    "scipy.linalg.companion": Case(fsl.companion, (uniform(1, 2, 4),)),
    "scipy.linalg.leslie": Case(fsl.leslie, ((3,), (2,))),
    "scipy.linalg.fiedler": Case(fsl.fiedler, ((4,),)),
    "scipy.linalg.fiedler_companion": Case(fsl.fiedler_companion, (uniform(1, 2, 5),)),
    "scipy.linalg.convolution_matrix": Case(lambda a: fsl.convolution_matrix(a, 4, "same"), ((3,),)),
    "scipy.linalg.qr": Case(lambda a: fsl.qr(a, mode="economic"), ((4, 3),)),
    "scipy.linalg.svd": Case(lambda a: fsl.svd(a, compute_uv=False), ((4, 3),)),
    "scipy.linalg.polar": Case(lambda a: fsl.polar(a)[1], ((4, 3),)),
    "scipy.linalg.cho_factor": Case(lambda a: fsl.cho_factor(a)[0], (spd(3, 3),)),  # [1] is the Python bool `lower`
    "scipy.linalg.cho_solve": Case(lambda a, b: fsl.cho_solve(fsl.cho_factor(a, lower=True), b), (spd(3, 3), (3, 2))),
    "scipy.linalg.cholesky": Case(fsl.cholesky, (spd(3, 3),)),
    "scipy.linalg.det": Case(fsl.det, (dominant(3, 3),)),
    "scipy.linalg.eigh": Case(fsl.eigh, (spd(3, 3), spd(3, 3))),  # the generalized problem
    "scipy.linalg.expm": Case(lambda a: fsl.expm(3 * a), ((3, 3),)),  # some scaled and squared, some not
    "scipy.linalg.inv": Case(fsl.inv, (dominant(3, 3),)),
    "scipy.linalg.lu": Case(fsl.lu, ((3, 4),)),
    "scipy.linalg.lu_factor": Case(fsl.lu_factor, ((3, 3),)),
    "scipy.linalg.lu_solve": Case(lambda a, b: fsl.lu_solve(fsl.lu_factor(a), b, trans=1), (dominant(3, 3), (3,))),
    "scipy.linalg.solve": Case(lambda a, b: (fsl.solve(a, b), fsl.solve(a, b, assume_a="pos")), (spd(3, 3), (3, 2))),
    "scipy.linalg.solve_sylvester": Case(fsl.solve_sylvester, (dominant(3, 3), dominant(2, 2), (3, 2))),
    "scipy.linalg.sqrtm": Case(fsl.sqrtm, (spd(3, 3),)),
    "scipy.linalg.schur": Case(lambda a: (fsl.schur(a), fsl.schur(a, output="complex")), ((3, 3),)),
    "scipy.linalg.hessenberg": Case(lambda a: fsl.hessenberg(a, calc_q=True), ((4, 4),)),
    "scipy.linalg.rsf2csf": Case(lambda a: fsl.rsf2csf(*fsl.schur(a)), ((3, 3),)),
    "scipy.linalg.funm": Case(lambda a: fsl.funm(a, fnp.exp), ((3, 3),)),
    "scipy.linalg.expm_frechet": Case(lambda a, e: fsl.expm_frechet(3 * a, e), ((3, 3), (3, 3))),
    "scipy.linalg.eigh_tridiagonal": Case(lambda d, e: fsl.eigh_tridiagonal(d, e)[0], ((4,), (3,))),
    "scipy.linalg.bandwidth": Case(lambda a: fsl.bandwidth(fnp.triu(a, -1)), ((4, 4),)),
    "scipy.linalg.cdf2rdf": Case(lambda a: fsl.cdf2rdf(*fsl.eig(a)), ((3, 3),)),
    "scipy.linalg.coshm": Case(fsl.coshm, ((3, 3),)),
    "scipy.linalg.cosm": Case(fsl.cosm, ((3, 3),)),
    "scipy.linalg.diagsvd": Case(lambda s: fsl.diagsvd(s, 3, 4), ((3,),)),
    "scipy.linalg.eig": Case(lambda a: fsl.eig(a, left=True), ((3, 3),)),
    "scipy.linalg.eigvals": Case(fsl.eigvals, ((3, 3), dominant(3, 3))),  # the generalized problem
    "scipy.linalg.eigvalsh": Case(lambda a, b: fsl.eigvalsh(a, b, type=2), (spd(3, 3), spd(3, 3))),
    "scipy.linalg.fractional_matrix_power": Case(lambda a: fsl.fractional_matrix_power(a, 0.3), (spd(3, 3),)),
    "scipy.linalg.ishermitian": Case(lambda a: fsl.ishermitian(a + fnp.matrix_transpose(a)), ((3, 3),)),
    "scipy.linalg.issymmetric": Case(lambda a: fsl.issymmetric(a, atol=0.5), ((3, 3),)),
    "scipy.linalg.khatri_rao": Case(fsl.khatri_rao, ((2, 3), (4, 3))),
    "scipy.linalg.logm": Case(lambda a: fsl.logm(a * 50), (spd(3, 3),)),  # square roots taken per matrix
    "scipy.linalg.lstsq": Case(lambda a, b: fsl.lstsq(a, b), ((4, 3), (4,))),
    "scipy.linalg.matmul_toeplitz": Case(lambda c, r, x: fsl.matmul_toeplitz((c, r), x), ((3,), (4,), (4, 2))),
    "scipy.linalg.norm": Case(lambda a: fsl.norm(a, 2), ((3, 4),)),
    "scipy.linalg.orthogonal_procrustes": Case(fsl.orthogonal_procrustes, ((4, 3), (4, 3))),
    "scipy.linalg.pinv": Case(lambda a: fsl.pinv(a, return_rank=True), ((4, 3),)),
    "scipy.linalg.pinvh": Case(lambda a: fsl.pinvh(a, return_rank=True), (spd(3, 3),)),
    "scipy.linalg.rq": Case(fsl.rq, ((3, 4),)),
    "scipy.linalg.signm": Case(fsl.signm, (dominant(3, 3),)),
    "scipy.linalg.sinhm": Case(fsl.sinhm, ((3, 3),)),
    "scipy.linalg.sinm": Case(fsl.sinm, ((3, 3),)),
    "scipy.linalg.solve_circulant": Case(fsl.solve_circulant, ((4,), (4, 2))),
    "scipy.linalg.solve_continuous_lyapunov": Case(fsl.solve_continuous_lyapunov, (dominant(3, 3), (3, 3))),
    "scipy.linalg.solve_discrete_lyapunov": Case(
        lambda a, q: (fsl.solve_discrete_lyapunov(a / 9, q), fsl.solve_discrete_lyapunov(a / 9, q, "bilinear")),
        ((3, 3), (3, 3))),
    "scipy.linalg.solve_lyapunov": Case(fsl.solve_lyapunov, (dominant(3, 3), (3, 3))),
    "scipy.linalg.solve_toeplitz": Case(lambda c, b: fsl.solve_toeplitz(c, b), (uniform(1, 2, 3), (3, 2))),
    "scipy.linalg.subspace_angles": Case(fsl.subspace_angles, ((5, 2), (5, 3))),
    "scipy.linalg.svdvals": Case(fsl.svdvals, ((4, 3),)),
    "scipy.linalg.tanhm": Case(fsl.tanhm, ((3, 3),)),
    "scipy.linalg.tanm": Case(fsl.tanm, ((3, 3),)),
    "scipy.linalg.qr_multiply": Case(lambda a, c: fsl.qr_multiply(a, c), ((4, 3), (2, 4))),
    # scipy.fft: every type along the last axis of a (2, 6) example, the n-d ones over a (3, 4) one
    **{f"scipy.fft.{n}": Case(partial(lambda x, f: [f(x, t) for t in (1, 2, 3, 4)], f=getattr(fsf, n)), ((2, 6),))
       for n in ("dct", "idct")},
    **{f"scipy.fft.{n}": Case(partial(lambda x, f: [f(x, t, norm="ortho") for t in (1, 2, 3, 4)], f=getattr(fsf, n)),
                              (M,)) for n in ("dctn", "idctn")},
    # scipy.signal: signals of 12 samples, kernels of 3, images of (3, 4)
    "scipy.signal.convolve": Case(lambda a, b: [fss.convolve(a, b, m, "direct") for m in ("full", "same", "valid")]
                                  + [fss.convolve(a, b, "same", "fft")], ((12,), (3,))),
    "scipy.signal.correlate": Case(lambda a, b: [fss.correlate(a, b, m, "fft") for m in ("full", "same", "valid")]
                                   + [fss.correlate(a, b, "same", "direct")], ((12,), (3,))),
    "scipy.signal.fftconvolve": Case(lambda a, b: fss.fftconvolve(a, b, "same", axes=1), ((3, 4), (1, 2))),
    "scipy.signal.convolve2d": Case(lambda a, b: [fss.convolve2d(a, b, "same", boundary)
                                                  for boundary in ("fill", "wrap", "symm")], ((3, 4), (2, 2))),
    "scipy.signal.correlate2d": Case(lambda a, b: fss.correlate2d(a, b, boundary="fill", fillvalue=1.5),
                                     ((3, 4), (2, 2))),
    "scipy.signal.detrend": Case(lambda x: (fss.detrend(x, bp=[5]), fss.detrend(x, type="constant")), ((12,),)),
    "scipy.signal.stft": Case(lambda x: fss.stft(x, nperseg=4)[2], ((12,),)),
    "scipy.signal.istft": Case(lambda z: fss.istft(z, nperseg=4)[1], ((3, 4),), "complex128"),
    "scipy.signal.welch": Case(lambda x: fss.welch(x, nperseg=4, average="median")[1], ((12,),)),
    "scipy.signal.csd": Case(lambda x, y: fss.csd(x, y, nperseg=4)[1], ((12,), (12,))),
    "scipy.linalg.solve_triangular": Case(lambda a, b: fsl.solve_triangular(a, b, lower=True),
                                          (dominant(3, 3), (3, 2))),
    # the iterative solvers batch their while loops: each example stops on its own
    "scipy.sparse.linalg.cg": Case(lambda a, b: fssl.cg(a, b, tol=1e-10), (spd(3, 3), (3,))),
    "scipy.sparse.linalg.bicgstab": Case(lambda a, b: fssl.bicgstab(a, b, tol=1e-10), (dominant(3, 3), (3,))),
    "scipy.sparse.linalg.gmres": Case(lambda a, b: fssl.gmres(a, b, tol=1e-10, restart=2), (dominant(3, 3), (3,))),
    "scipy.integrate.trapezoid": Case(lambda y, x: fint.trapezoid(y, x=x), ((2, 4), ascending(4))),
    "scipy.ndimage.map_coordinates": Case(lambda a, c: fnd.map_coordinates(a, c, order=1, mode="mirror"),
                                          ((3, 4), uniform(-2, 5, 2, 5))),
    "scipy.cluster.vq.vq": Case(fvq.vq, ((5, 2), (3, 2))),
}
# integer operands only
INTEGER_ELEMENTWISE = {"bitwise_and", "bitwise_count", "bitwise_invert", "bitwise_left_shift", "bitwise_not",
                       "bitwise_or", "bitwise_right_shift", "bitwise_xor", "gcd", "invert", "lcm", "left_shift",
                       "right_shift"}
CASES["fnp.ldexp"] = Case(fnp.ldexp, ((2, 3), ints(-3, 4, 3)))
CASES["fnp.left_shift"] = CASES["fnp.bitwise_left_shift"] = Case(fnp.left_shift, ((2, 3), ints(0, 4, 3)), "int64")
CASES["fnp.right_shift"] = CASES["fnp.bitwise_right_shift"] = Case(fnp.right_shift, ((2, 3), ints(0, 4, 3)), "int64")

# Their result's shape depends on the values: vmap cannot give them one shape for all examples,
# and must say so (test_data_dependent_shapes_raise_a_clear_error). bincount and histogram are
# in CASES / below with the arguments fixing the shape.
DATA_DEPENDENT = {
    "fnp.nonzero": fnp.nonzero, "fnp.argwhere": fnp.argwhere, "fnp.flatnonzero": fnp.flatnonzero,
    "fnp.extract": lambda x: fnp.extract(x > 0, x), "fnp.compress": lambda x: fnp.compress(x > 0, x),
    "fnp.unique": fnp.unique, "fnp.unique_all": fnp.unique_all, "fnp.unique_counts": fnp.unique_counts,
    "fnp.unique_inverse": fnp.unique_inverse, "fnp.unique_values": fnp.unique_values,
    "fnp.intersect1d": lambda x: fnp.intersect1d(x, x[::-1]), "fnp.setdiff1d": lambda x: fnp.setdiff1d(x, x[:1]),
    "fnp.setxor1d": lambda x: fnp.setxor1d(x, x[:1]), "fnp.union1d": lambda x: fnp.union1d(x, x),
    # a method name picks the number of bins from the values
    "histogram choosing its bins": lambda x: fnp.histogram(x, bins="auto"),
    "boolean mask": lambda x: x[x > 0], "bincount without length": lambda x: fnp.bincount(fnp.abs(x).astype(int)),
    "fnp.trim_zeros": fnp.trim_zeros,
    # they raise, or choose their dtype, by the values
    "fnp.asarray_chkfinite": fnp.asarray_chkfinite, "fnp.real_if_close": lambda x: fnp.real_if_close(x + 0j),
    "scipy.linalg.null_space": lambda x: fsl.null_space(x[:, None] * x),
    "scipy.linalg.orth": lambda x: fsl.orth(x[:, None] * x),
    # NumPy drops the (near-)zero leading coefficients: pass trim_leading_zeros / strip_zeros=False
    "polydiv trimming the remainder": lambda x: fnp.polydiv(x, x[:2]), "roots stripping zeros": fnp.roots,
}
# They take shapes, dtypes or Python numbers, not arrays: nothing to batch.
NO_ARRAY_ARGUMENTS = {  # from_dlpack converts another library's arrays
   "fnp.arange", "fnp.empty", "fnp.eye", "scipy.linalg.hilbert", "scipy.linalg.invhilbert", "scipy.linalg.pascal",
   "scipy.linalg.invpascal", "scipy.linalg.helmert", "scipy.linalg.hadamard", "scipy.linalg.dft", "fnp.identity", "fnp.ones",
                      "fnp.zeros", "fnp.tri", "fnp.indices", "fnp.broadcast_shapes", "fnp.from_dlpack",
                      "fnp.__array_namespace_info__", "fnp.can_cast", "fnp.finfo", "fnp.iinfo", "fnp.isdtype",
                      "fnp.issubdtype", "fnp.promote_types", "fnp.result_type", "fft.fftfreq", "fft.rfftfreq",
                      "fnp.diag_indices", "fnp.tril_indices", "fnp.triu_indices", "fnp.mgrid", "fnp.ogrid", "fnp.s_",
                      "fnp.index_exp", "fnp.bartlett", "fnp.blackman", "fnp.hamming", "fnp.hanning",
                      "special.bernoulli"}
# They read an array's shape or dtype and return Python values: under vmap they see one example
# (test_metadata_functions_see_one_example), there is nothing to stack.
METADATA = {"fnp.iscomplexobj", "fnp.isrealobj", "fnp.isscalar", "fnp.iterable", "fnp.ndim", "fnp.shape", "fnp.size"}


# enumeration: every public function of the modules, by "prefix.name" -------------------------------
MODULES = [("fnp", m) for m in (_bits, _choosing, _comparison, _creation, _diagonals, _differences, _dtype_functions,
                                _elementwise, _functional, _histogramdd, _index_arithmetic, _index_tricks, _indexing,
                                _inspection, _interpolation, _linear, _manipulation, _manipulation_numpy, _padding,
                                _polynomial, _reductions, _repeating, _sets, _signal, _sorting, _statistics, _ufunc,
                                _windows)] + [
    ("linalg", fnp.linalg), ("fft", fnp.fft), ("special", fsp), ("random", fr), ("scipy.linalg", fsl),
    ("scipy.fft", fsf), ("scipy.signal", fss),
    ("scipy.sparse.linalg", fssl), ("scipy.integrate", fint), ("scipy.ndimage", fnd), ("scipy.cluster.vq", fvq)]


def public_functions() -> dict[str, Callable]:
    """The public names of MODULES but classes (linalg's result types); the objects indexed like
    functions (mgrid, r_, s_, ...) are kept, their cases index them."""
    return {f"{prefix}.{name}": getattr(module, name) for prefix, module in MODULES for name in module.__all__
            if not inspect.isclass(getattr(module, name))}


def _arity(fn) -> int:
    params = inspect.signature(fn).parameters.values()
    return sum(p.default is p.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) for p in params)


def case_of(key: str, fn: Callable) -> Case | None:
    """The entry of CASES, or the case made from the function's kind (None: no case)."""
    prefix, name = key.rsplit(".", 1)
    if key in CASES:
        return CASES[key]
    if prefix == "linalg" and fn is getattr(fnp, name, None):
        return CASES.get(f"fnp.{name}")
    if prefix == "special" or name in _elementwise.__all__:
        return Case(fn, (((2, 3),), ((2, 3), (3,)))[_arity(fn) - 1], "int64" if name in INTEGER_ELEMENTWISE else "float64")
    if name in _reductions.__all__:  # along axis 0 of a matrix; NaNs for the nan-ignoring ones
        return Case(lambda x: fn(x, axis=0), (with_nans(*M) if name.startswith("nan") else M,))
    return None


FUNCTIONS = public_functions()
SWEEP = {k: c for k, fn in FUNCTIONS.items() if k not in NO_ARRAY_ARGUMENTS and (c := case_of(k, fn)) is not None}
TWO_OR_MORE = {k: c for k, c in SWEEP.items() if len(c.shapes) > 1}


def test_every_public_function_is_swept_or_listed():
    listed = {*SWEEP, *DATA_DEPENDENT, *NO_ARRAY_ARGUMENTS, *METADATA}
    missing = [k for k in FUNCTIONS if k not in listed]
    assert not missing, f"add {missing} to CASES"
    stale = [k for k in [*CASES, *DATA_DEPENDENT, *NO_ARRAY_ARGUMENTS, *METADATA]
             if k not in FUNCTIONS and " " not in k]
    assert not stale, f"{stale} are no public functions"


BATCH = 7  # no example has an axis of this size: a batch axis taken for another one changes shapes


def _check(case: Case, in_axes, out_axes, seed: int) -> None:
    args = batch_args(np.random.default_rng(seed), case.shapes, case.dtype, in_axes, size=BATCH)
    fn = lambda *xs: case.fn(*map(fnp.asarray, xs))
    got = fx.vmap(fn, in_axes=in_axes, out_axes=out_axes)(*args)
    assert_same(got, loop(fn, *args, in_axes=in_axes, out_axes=out_axes), rtol=1e-6, atol=1e-12)


def _example_ndim(case: Case) -> int:
    """The fewest dimensions of one example's results."""
    args = batch_args(np.random.default_rng(0), case.shapes, case.dtype, (None,) * len(case.shapes))
    return min(np.ndim(leaf) for leaf in fx.tree.leaves(case.fn(*args)))


@pytest.mark.parametrize("key", SWEEP)
def test_vmap_along_axis_0_matches_a_loop(key):
    _check(SWEEP[key], (0,) * len(SWEEP[key].shapes), 0, seed=1)


@pytest.mark.parametrize("key", SWEEP)
def test_vmap_along_the_last_axis_matches_a_loop(key):
    case = SWEEP[key]
    _check(case, positions(case.shapes, "last"), -1, seed=2)


@pytest.mark.parametrize("key", TWO_OR_MORE)
@pytest.mark.parametrize("batched", ["first", "last"])
def test_vmap_with_unbatched_arguments_matches_a_loop(key, batched):
    """One argument batched (in the middle of its axes), the others the same for every example."""
    case = SWEEP[key]
    k = 0 if batched == "first" else len(case.shapes) - 1
    in_axes = tuple(positions(case.shapes, "middle")[i] if i == k else None for i in range(len(case.shapes)))
    _check(case, in_axes, 1 if _example_ndim(case) >= 1 else 0, seed=3)


@pytest.mark.parametrize("key", DATA_DEPENDENT)
def test_data_dependent_shapes_raise_a_clear_error(key):
    x = np.array([[0.5, -1.0, 2.0, 0.5], [1.5, 1.5, -2.0, 0.0]])
    with pytest.raises(ConcretizationError, match=r"(?s)(vmap|traced).*fix: "):
        fx.vmap(DATA_DEPENDENT[key])(x)


def test_histogram_with_edges_known_beforehand_matches_a_loop():
    x = np.array([[0.5, -1.0, 2.0, 0.5], [1.5, 1.5, -2.0, 0.0]])
    f = lambda x: fnp.histogram(x, bins=3, range=(-1, 1))  # noqa: E731
    counts, edges = fx.vmap(f)(x)
    for k in range(len(x)):
        want = np.histogram(x[k], bins=3, range=(-1, 1))
        np.testing.assert_array_equal(counts[k], want[0])
        np.testing.assert_allclose(edges[k], want[1])


@pytest.mark.parametrize("key", sorted(METADATA))
@pytest.mark.parametrize("shape", [(), (2, 3)])
def test_metadata_functions_see_one_example(key, shape):
    fn, seen = FUNCTIONS[key], []

    def record(x):
        seen.append(fn(x))
        return x
    fx.vmap(record)(np.zeros((BATCH, *shape), "complex64"))
    assert seen and all(v == fn(fnp.zeros(shape, "complex64")) for v in seen), seen


# fluxion.scipy.stats: a case and the in_axes of a batch over the parameters alone
STATS = {
    "norm.logpdf": (Case(stats.norm.logpdf, ((4,), (), uniform(0.5, 2))), (None, 0, 0)),
    "gamma.logpdf": (Case(stats.gamma.logpdf, (uniform(0.1, 5, 4), uniform(0.5, 3))), (None, 0)),
    "poisson.logpmf": (Case(stats.poisson.logpmf, (ints(0, 10, 4), uniform(0.5, 5))), (None, 0)),
    "multivariate_normal.logpdf": (Case(stats.multivariate_normal.logpdf, ((4, 3), (3,), spd(3, 3))), (None, 0, None)),
    "dirichlet.logpdf": (Case(stats.dirichlet.logpdf, (simplex(3), uniform(0.5, 3, 3))), (None, 0)),
}


@pytest.mark.parametrize("key", STATS)
def test_vmap_of_scipy_stats_matches_a_loop(key):
    case, over_parameters = STATS[key]
    _check(case, (0,) * len(case.shapes), 0, seed=4)
    _check(case, positions(case.shapes, "last"), -1, seed=5)
    _check(case, over_parameters, 0, seed=6)
