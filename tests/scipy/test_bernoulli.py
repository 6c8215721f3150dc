"""bernoulli of fluxion.scipy.special: exact values rounded once, SciPy's conventions and errors."""
from fractions import Fraction

import numpy as np
import pytest
import scipy.special as sp

import fluxion as fx
import fluxion.scipy.special as fsp


def _akiyama_tanigawa(n):
    """B_0 .. B_n exactly by the Akiyama-Tanigawa algorithm (which gives B_1 = +1/2: negated here)."""
    out, row = [], []
    for m in range(n + 1):
        row.append(Fraction(1, m + 1))
        for j in range(m, 0, -1):
            row[j - 1] = j * (row[j - 1] - row[j])
        out.append(row[0])
    out[1:2] = [-out[1]] if n >= 1 else []
    return out


def test_values_are_the_exact_numbers_rounded_once():
    want = np.array([float(b) for b in _akiyama_tanigawa(120)])
    np.testing.assert_array_equal(np.asarray(fsp.bernoulli(120, dtype=np.float64)), want)
    np.testing.assert_array_equal(np.asarray(fsp.bernoulli(30)), want[:31].astype(np.float32))


@pytest.mark.parametrize("n", [0, 1, 2, 3.7, 17, 64, 259, 260, 261, 300])
def test_values_match_scipy(n):
    got, want = np.asarray(fsp.bernoulli(n, dtype=np.float64)), sp.bernoulli(n)
    assert got.shape == want.shape and got.dtype == np.float64
    # SciPy's numbers are computed in floats: its odd ones past B_1 are rounding noise about 0 (ours
    # are 0), its even ones up to 1e-11 off (ours are exact: test_values_are_the_exact_numbers_rounded_once)
    odd = (np.arange(len(got)) % 2 == 1) & (np.arange(len(got)) > 1)
    np.testing.assert_array_equal(got[odd], 0.0)
    np.testing.assert_allclose(got[~odd], want[~odd], rtol=1e-11, atol=0)
    assert fsp.bernoulli(n).dtype == np.float32


def test_past_the_float_range_even_numbers_are_signed_infinities():
    with np.errstate(over="ignore"):
        got = np.asarray(fsp.bernoulli(70))
    np.testing.assert_array_equal(got, sp.bernoulli(70).astype(np.float32)[:71] * (np.arange(71) % 2 == 0)
                                  + np.where(np.arange(71) == 1, -0.5, 0.0))


@pytest.mark.parametrize("n", [-1, [3], float("nan")])
def test_invalid_counts_raise_value_errors_naming_the_fix(n):
    with pytest.raises(ValueError, match="non-negative"):
        fsp.bernoulli(n)


def test_traced_counts_raise_and_static_ones_work_under_jit():
    with pytest.raises(TypeError, match="static_argnums"):
        fx.jit(fsp.bernoulli)(3)
    np.testing.assert_array_equal(np.asarray(fx.jit(fsp.bernoulli, static_argnums=0)(3)),
                                  np.array([1.0, -0.5, 1 / 6, 0.0], np.float32))
