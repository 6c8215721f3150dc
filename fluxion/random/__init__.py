"""fluxion.random: counter-based random numbers with explicit keys.

A key is a uint32 array of shape (2,). Make one from a seed with `key(seed)`, derive
independent keys with `split(key, n)` (an array of shape (n, 2)) or `fold_in(key, data)`, and
pass a key to each sampler: the same key always gives the same numbers, on every backend,
because the generator (Threefry-2x32) is built from integer primitives. Never reuse a key for
two draws that should be independent; split it instead.

>>> import fluxion as fx
>>> key = fx.random.key(0)
>>> k1, k2 = fx.random.split(key)
>>> fx.random.normal(k1, (2, 3)).shape
(2, 3)
"""
from ._continuous import exponential as exponential, gumbel as gumbel, normal as normal
from ._continuous import truncated_normal as truncated_normal, uniform as uniform
from ._discrete import bernoulli as bernoulli, categorical as categorical, randint as randint
from ._gamma import beta as beta, dirichlet as dirichlet, gamma as gamma, loggamma as loggamma
from ._keys import bits as bits, fold_in as fold_in, key as key, split as split
from ._multivariate import multivariate_normal as multivariate_normal
from ._permute import choice as choice, permutation as permutation
from ._poisson import poisson as poisson

__all__ = ["bernoulli", "beta", "bits", "categorical", "choice", "dirichlet", "exponential", "fold_in", "gamma",
           "gumbel", "key", "loggamma", "multivariate_normal", "normal", "permutation", "poisson", "randint", "split",
           "truncated_normal", "uniform"]
