"""The gradbench / ADBench Gaussian mixture model objective, written once per framework."""
import math

import numpy as np
from scipy.special import multigammaln

D, K, N = 10, 25, 1000


def data(seed: int = 0):
    rng = np.random.default_rng(seed)
    alphas = rng.standard_normal(K)
    means = rng.random((K, D))
    icf = rng.standard_normal((K, D * (D + 1) // 2)) * 0.1
    x = rng.random((N, D))
    return alphas, means, icf, x, 1.0, 0


def _tril_scatter():
    """(D*D, D*(D-1)/2) 0/1 matrix placing the off-diagonal entries of icf, column by column."""
    s = np.zeros((D * D, D * (D - 1) // 2))
    i = 0
    for col in range(D):
        for row in range(col + 1, D):
            s[row * D + col, i] = 1
            i += 1
    return s


def objective(np_like, logsumexp, alphas, means, icf, x, gamma, m, scatter):
    n, d = x.shape
    k = alphas.shape[0]
    qdiags = np_like.exp(icf[:, :d])
    sum_qs = np_like.sum(icf[:, :d], axis=1)
    ls = np_like.reshape(icf[:, d:] @ scatter.T, (k, d, d)) + qdiags[:, :, None] * np_like.eye(d, dtype=icf.dtype)
    xc = x[:, None, :] - means[None, :, :]
    lxc = np_like.einsum("kij,nkj->nki", ls, xc)
    inner = alphas + sum_qs - 0.5 * np_like.sum(lxc * lxc, axis=2)
    slse = np_like.sum(logsumexp(inner, axis=1))
    const = -n * d * 0.5 * math.log(2 * math.pi)
    nw = d + m + 1
    prior = (0.5 * gamma * gamma * (np_like.sum(qdiags * qdiags) + np_like.sum(icf[:, d:] * icf[:, d:]))
             - m * np_like.sum(sum_qs))
    prior_const = k * (nw * d * (math.log(gamma) - 0.5 * math.log(2)) - multigammaln(0.5 * nw, d))
    return const + slse - n * logsumexp(alphas, axis=0) + prior - prior_const
