"""Every sampler runs on traced keys and parameters (no concrete values, no data-dependent
Python control flow, as jit and vmap will need) and gives the eager result there."""
import numpy as np
import pytest
from _tracing import traced

import fluxion as fx
import fluxion.numpy as fnp
from fluxion.errors import ConcretizationError

KEY = fx.random.key(3)
R = fx.random
COV = np.array([[2.0, 0.3], [0.3, 1.0]], np.float32)

CASES = {
    "key": (lambda s: R.key(s), (fnp.asarray(-7),)),
    "split": (lambda k: R.split(k, 3), (KEY,)),
    "fold_in": (lambda k, d: R.fold_in(k, d), (KEY, fnp.asarray(12))),
    "bits": (lambda k: R.bits(k, (4,), fnp.uint64), (KEY,)),
    "uniform": (lambda k, lo: R.uniform(k, (5,), minval=lo, maxval=4.0), (KEY, fnp.asarray(1.0))),
    "normal": (lambda k: R.normal(k, (5,)), (KEY,)),
    "truncated_normal": (lambda k, lo, hi: R.truncated_normal(k, lo, hi, (5,)),
                         (KEY, fnp.asarray(3.0), fnp.asarray(5.0))),
    "exponential": (lambda k: R.exponential(k, (5,)), (KEY,)),
    "gumbel": (lambda k: R.gumbel(k, (5,)), (KEY,)),
    "bernoulli": (lambda k, p: R.bernoulli(k, p, (5,)), (KEY, fnp.asarray(0.3))),
    "categorical": (lambda k, logits: R.categorical(k, logits, shape=(5,)), (KEY, fnp.asarray([0.0, 1.0, 2.0]))),
    "randint": (lambda k, lo, hi: R.randint(k, (5,), lo, hi), (KEY, fnp.asarray(-3), fnp.asarray(9))),
    "choice": (lambda k, a, p: R.choice(k, a, (3,), replace=False, p=p), (KEY, fnp.asarray([5, 6, 7, 8]),
                                                                          fnp.asarray([0.1, 0.2, 0.3, 0.4]))),
    "choice_p": (lambda k, p: R.choice(k, 4, (6,), p=p), (KEY, fnp.asarray([0.1, 0.2, 0.3, 0.4]))),
    "permutation": (lambda k, x: R.permutation(k, x), (KEY, fnp.asarray([1.0, 2.0, 3.0, 4.0]))),
    "gamma": (lambda k, a: R.gamma(k, a, (5,)), (KEY, fnp.asarray(0.5))),
    "beta": (lambda k, a, b: R.beta(k, a, b, (5,)), (KEY, fnp.asarray(0.5), fnp.asarray(2.0))),
    "dirichlet": (lambda k, alpha: R.dirichlet(k, alpha, (2,)), (KEY, fnp.asarray([1.0, 2.0, 3.0]))),
    "poisson": (lambda k, lam: R.poisson(k, lam), (KEY, fnp.asarray([0.5, 5.0, 50.0, 5e4]))),
    "multivariate_normal": (lambda k, m, c: R.multivariate_normal(k, m, c, (3,)), (KEY, fnp.asarray([1.0, 2.0]),
                                                                                  fnp.asarray(COV))),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_sampler_runs_traced_and_matches_eager(name):
    fn, args = CASES[name]
    np.testing.assert_array_equal(np.asarray(traced(fn, *args)), np.asarray(fn(*args)))


def test_a_traced_population_size_needs_a_concrete_value():
    with pytest.raises(ConcretizationError):
        traced(lambda n: R.permutation(KEY, n), fnp.asarray(4))


# eager draws from a host key call the kernels directly (fluxion/random/_ops.py); traced ones bind primitives
EAGER_CASES = {
    "split": lambda k, s, dt: R.split(k, s),
    "fold_in": lambda k, s, dt: R.fold_in(k, 2 ** 31 + 3),
    "fold_in an array": lambda k, s, dt: R.fold_in(k, fnp.asarray(-5, dtype=fnp.int8)),
    "bits": lambda k, s, dt: R.bits(k, s, {"float16": fnp.uint16, "bfloat16": fnp.uint8}.get(dt, fnp.uint64)),
    "uniform": lambda k, s, dt: R.uniform(k, s, dt),
    "uniform between bounds": lambda k, s, dt: R.uniform(k, s, dt, -2.0, fnp.asarray([0.5, 3.0, 7.0])[-1]),
    "normal": lambda k, s, dt: R.normal(k, s, dt),
    "complex normal": lambda k, s, dt: R.normal(k, s, fnp.complex64),
    "bernoulli": lambda k, s, dt: R.bernoulli(k, fnp.asarray(0.3, dtype=dt), s),
    "randint": lambda k, s, dt: R.randint(k, s, -7, 2 ** 40),
    "randint of int8": lambda k, s, dt: R.randint(k, s, fnp.asarray(-300), 100, fnp.int8),
    "randint of uint64": lambda k, s, dt: R.randint(k, s, 0, 2 ** 64 - 1, fnp.uint64),
    "randint, empty range": lambda k, s, dt: R.randint(k, s, 5, 5),
    "randint of int32 past its range": lambda k, s, dt: R.randint(k, s, -2 ** 31, 2 ** 31, fnp.int32),
    "exponential": lambda k, s, dt: R.exponential(k, s, dt),
    "gumbel": lambda k, s, dt: R.gumbel(k, s, dt),
    "cauchy": lambda k, s, dt: R.cauchy(k, s, dt),
    "laplace": lambda k, s, dt: R.laplace(k, s, dt),
    "logistic": lambda k, s, dt: R.logistic(k, s, dt),
    "gamma": lambda k, s, dt: R.gamma(k, fnp.asarray([0.3, 1.0, 7.0]).reshape((3,) + (1,) * len(s)), (3,) + s, dt),
    "loggamma": lambda k, s, dt: R.loggamma(k, 0.01, s, dt),
    "poisson": lambda k, s, dt: R.poisson(k, fnp.asarray([0.5, 30.0]).reshape((2,) + (1,) * len(s)), (2,) + s),
    "binomial": lambda k, s, dt: R.binomial(k, fnp.asarray([5.0, 300.0]).reshape((2,) + (1,) * len(s)), 0.3, (2,) + s,
                                            dt),
}


@pytest.mark.parametrize("shape", [(), (1,), (3, 5), (300,)])
@pytest.mark.parametrize("dt", ["float32", "float64", "float16", "bfloat16"])
@pytest.mark.parametrize("name", sorted(EAGER_CASES))
def test_eager_draws_equal_traced_draws_bit_for_bit(name, dt, shape):
    fn = EAGER_CASES[name]
    eager, traced_out = fn(KEY, shape, dt), traced(lambda k: fn(k, shape, dt), KEY)
    assert (eager.__class__, eager.dtype, eager.shape, eager.weak) == (
        fx.Array, traced_out.dtype, traced_out.shape, traced_out.weak)
    assert np.asarray(eager).tobytes() == np.asarray(traced_out).tobytes()
