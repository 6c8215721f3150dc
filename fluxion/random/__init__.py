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
from ._binomial import binomial as binomial, geometric as geometric, multinomial as multinomial
from ._continuous import exponential as exponential, gumbel as gumbel, normal as normal
from ._continuous import truncated_normal as truncated_normal, uniform as uniform
from ._discrete import bernoulli as bernoulli, categorical as categorical, rademacher as rademacher
from ._discrete import randint as randint
from ._gamma import beta as beta, dirichlet as dirichlet, gamma as gamma, loggamma as loggamma
from ._gamma_family import ball as ball, chisquare as chisquare, f as f, generalized_normal as generalized_normal
from ._gamma_family import t as t
from ._keys import PRNGKey as PRNGKey, bits as bits, clone as clone, fold_in as fold_in, key as key
from ._keys import key_data as key_data, split as split, wrap_key_data as wrap_key_data
from ._more_continuous import cauchy as cauchy, double_sided_maxwell as double_sided_maxwell, laplace as laplace
from ._more_continuous import logistic as logistic, lognormal as lognormal, maxwell as maxwell, pareto as pareto
from ._more_continuous import rayleigh as rayleigh, triangular as triangular, wald as wald
from ._more_continuous import weibull_min as weibull_min
from ._multivariate import multivariate_normal as multivariate_normal, orthogonal as orthogonal
from ._permute import choice as choice, permutation as permutation
from ._poisson import poisson as poisson

__all__ = ["PRNGKey", "ball", "bernoulli", "beta", "binomial", "bits", "categorical", "cauchy", "chisquare", "choice",
           "clone", "dirichlet", "double_sided_maxwell", "exponential", "f", "fold_in", "gamma", "generalized_normal",
           "geometric", "gumbel", "key", "key_data", "laplace", "loggamma", "logistic", "lognormal", "maxwell",
           "multinomial", "multivariate_normal", "normal", "orthogonal", "pareto", "permutation", "poisson",
           "rademacher", "randint", "rayleigh", "split", "t", "triangular", "truncated_normal", "uniform", "wald",
           "weibull_min", "wrap_key_data"]
