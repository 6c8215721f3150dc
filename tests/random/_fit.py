"""Goodness of fit of integer samples, shared by the tests of the discrete samplers."""
import numpy as np
import scipy.stats as stats


def chi2_pvalue(x, dist, lo=None, hi=None):
    """Chi-square of integer samples against a scipy.stats discrete `dist`, with bins of >= 20 expected."""
    x = np.asarray(x).astype(np.int64)
    lo = int(dist.ppf(1e-7)) if lo is None else lo
    hi = int(dist.isf(1e-7)) + 1 if hi is None else hi
    values = np.arange(lo, hi + 1)
    probs = dist.pmf(values)
    probs[0] += dist.cdf(lo - 1)
    probs[-1] += dist.sf(hi)
    counts = np.bincount(np.clip(x, lo, hi) - lo, minlength=len(values))
    observed, expected, o, e = [], [], 0, 0.0
    for c, p in zip(counts, probs * len(x)):
        o, e = o + c, e + p
        if e >= 20:
            observed.append(o), expected.append(e)
            o, e = 0, 0.0
    observed[-1] += o
    expected[-1] += e
    expected = np.array(expected) * len(x) / np.sum(expected)
    return stats.chisquare(observed, expected).pvalue
