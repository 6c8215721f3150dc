"""The eager kernels of searchsorted, digitize, interp, clip, remainder, scatter-add, convolve,
correlate, unique, the nan- statistics, the symmetrized factorizations and ndtri / erfcx (whose
branches run on their own lanes eagerly) against NumPy and SciPy, and against the same call under
`fx.jit` (bits exactly for integer results): NaN, +-inf, -0.0, empty, 0-d, integer and float32
inputs, queries equal to a sorted value on either side."""
import warnings

import numpy as np
import pytest
import scipy.special as sp

import fluxion as fx
import fluxion.numpy as fnp
import fluxion.scipy.special as fsp

from test_eager_fast_paths import check

_RNG = np.random.default_rng(11)


def _jit_equal(f, *args, exact=False, rtol=1e-12):
    """`f(*args)` eagerly equals it under jit: dtype and shape, and values (bits if `exact`)."""
    eager, jitted = f(*args), fx.jit(f)(*args)
    assert (eager.dtype, eager.shape) == (jitted.dtype, jitted.shape)
    if exact:
        np.testing.assert_array_equal(np.asarray(eager), np.asarray(jitted))
    else:
        np.testing.assert_allclose(np.asarray(eager), np.asarray(jitted), rtol=rtol, atol=rtol)
    return eager


# searchsorted, digitize, interp ------------------------------------------------------------------
_SORTED = np.array([-np.inf, -2.0, -0.0, 0.0, 0.0, 1.5, 1.5, 1.5, 3.0, np.inf, np.nan, np.nan])
_QUERIES = np.array([-np.inf, -3.0, -2.0, -0.0, 0.0, 1.5, 2.0, 3.0, np.inf, np.nan, 1e300, -1e-300])


@pytest.mark.parametrize("side", ["left", "right"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_searchsorted_in_sorted_values_matches_numpy_at_ties_infinities_and_nan(side, dtype):
    with np.errstate(over="ignore"):  # (1e300 is inf in float32)
        a, v = _SORTED.astype(dtype), _QUERIES.astype(dtype)
    out = _jit_equal(lambda a, v: fnp.searchsorted(a, v, side=side), fnp.asarray(a), fnp.asarray(v), exact=True)
    assert out.dtype == np.int64
    np.testing.assert_array_equal(np.asarray(out), np.searchsorted(a, v, side))


@pytest.mark.parametrize("side", ["left", "right"])
@pytest.mark.parametrize("dtype", [np.int64, np.int32, np.uint8, np.int8])
def test_searchsorted_of_integers_matches_numpy_for_every_query(side, dtype):
    a = np.sort(_RNG.integers(0, 50, 40)).astype(dtype)
    start = -1 if np.dtype(dtype).kind == "i" else 0
    v = np.arange(start, start + 54).astype(dtype).reshape(-1, 2)
    out = _jit_equal(lambda a, v: fnp.searchsorted(a, v, side=side), fnp.asarray(a), fnp.asarray(v), exact=True)
    np.testing.assert_array_equal(np.asarray(out), np.searchsorted(a, v, side))


@pytest.mark.parametrize("side", ["left", "right"])
def test_searchsorted_of_empty_and_0d_queries_and_an_empty_array_matches_numpy(side):
    a = np.array([1.0, 2.0, 2.0, 5.0])
    for v in (np.array(2.0), np.zeros((0,)), np.zeros((3, 0))):
        out = _jit_equal(lambda a, v: fnp.searchsorted(a, v, side=side), fnp.asarray(a), fnp.asarray(v), exact=True)
        assert out.shape == v.shape
        np.testing.assert_array_equal(np.asarray(out), np.searchsorted(a, v, side))
    assert fnp.searchsorted(fnp.asarray(a), 2.0, side=side).item() == np.searchsorted(a, 2.0, side)
    empty = np.zeros((0,))
    out = fnp.searchsorted(fnp.asarray(empty), fnp.asarray(_QUERIES), side=side)
    np.testing.assert_array_equal(np.asarray(out), np.searchsorted(empty, _QUERIES, side))


def test_searchsorted_of_float32_values_into_float64_queries_promotes_as_numpy():
    a, v = np.linspace(-3, 3, 101, dtype=np.float32), _RNG.standard_normal(500)
    out = fnp.searchsorted(fnp.asarray(a), fnp.asarray(v))
    np.testing.assert_array_equal(np.asarray(out), np.searchsorted(a, v))


@pytest.mark.parametrize("side", ["left", "right"])
def test_searchsorted_of_an_unsorted_array_counts_the_elements_before_each_value_as_jit(side):
    a = np.array([3.0, np.nan, -1.0, 2.0, 2.0, -0.0, np.inf, 0.0])
    v = np.array([-2.0, -0.0, 0.0, 2.0, 2.5, np.inf, np.nan])
    out = _jit_equal(lambda a, v: fnp.searchsorted(a, v, side=side), fnp.asarray(a), fnp.asarray(v), exact=True)
    np.testing.assert_array_equal(np.asarray(out), np.searchsorted(np.sort(a), v, side))


@pytest.mark.parametrize("right", [False, True])
def test_digitize_in_increasing_and_decreasing_bins_matches_numpy(right):
    x = np.concatenate([_QUERIES, np.linspace(-3, 4, 29)])
    for bins in (np.array([-2.0, 0.0, 0.0, 1.5, 3.0]), np.array([3.0, 1.5, 0.0, 0.0, -2.0]), np.array([1.0, 1.0]),
                 np.array([2.0])):
        out = _jit_equal(lambda x, b: fnp.digitize(x, b, right=right), fnp.asarray(x), fnp.asarray(bins), exact=True)
        np.testing.assert_array_equal(np.asarray(out), np.digitize(x, bins, right=right))


def test_digitize_of_integers_matches_numpy():
    x, bins = _RNG.integers(-5, 30, (4, 6)), np.array([0, 3, 3, 10, 20])
    for b in (bins, bins[::-1].copy()):
        out = _jit_equal(lambda x, b: fnp.digitize(x, b), fnp.asarray(x), fnp.asarray(b), exact=True)
        np.testing.assert_array_equal(np.asarray(out), np.digitize(x, b))


def test_digitize_of_unsorted_bins_raises_as_numpy():
    with pytest.raises(ValueError):
        np.digitize([1.0], [0.0, 2.0, 1.0])
    with pytest.raises(ValueError, match="neither increasing nor decreasing"):
        fnp.digitize(fnp.asarray([1.0]), fnp.asarray([0.0, 2.0, 1.0]))


def test_interp_of_float32_points_at_float64_values_matches_numpy():
    x = np.concatenate([_QUERIES[:-1], _RNG.uniform(-4, 4, 300), np.linspace(-3, 3, 7)])
    xp, fp = np.linspace(-3, 3, 7, dtype=np.float32), np.linspace(0, 1, 7, dtype=np.float32) ** 2
    out = _jit_equal(fnp.interp, fnp.asarray(x), fnp.asarray(xp), fnp.asarray(fp))
    assert out.dtype == np.float64
    np.testing.assert_allclose(np.asarray(out), np.interp(x, xp.astype(np.float64), fp.astype(np.float64)),
                               rtol=1e-12, atol=1e-12)


# clip, remainder -----------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.float16, np.int64, np.int32, np.uint8, np.int8])
def test_clip_with_scalar_bounds_matches_numpy_and_jit(dtype):
    floating = np.dtype(dtype).kind == "f"
    v = np.array([np.nan, np.inf, -np.inf, -0.0, 0.0, 0.5, -7.0, 7.0, 100.0]) if floating else np.arange(0, 120, 7)
    v = v.astype(dtype)
    bounds = [(1, 5), (5, 1), (None, 6), (3, None), (2, 2)]
    if floating:
        bounds += [(-0.5, 0.25), (np.nan, 1.0), (-np.inf, np.inf), (None, -np.inf)]
    for lo, hi in bounds:
        out = _jit_equal(lambda x: fnp.clip(x, lo, hi), fnp.asarray(v), exact=True)
        assert out.dtype == dtype
        np.testing.assert_array_equal(np.asarray(out), np.clip(v, lo, hi))


def test_clip_of_large_arrays_matches_numpy():
    v = _RNG.standard_normal(10000)
    v[::97] = np.nan
    for lo, hi in [(-1.0, 1.0), (None, 0.5), (-0.5, None)]:
        np.testing.assert_array_equal(np.asarray(fnp.clip(fnp.asarray(v), lo, hi)), np.clip(v, lo, hi))


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_remainder_and_floor_divide_match_numpy_and_jit(dtype):
    x = np.concatenate([_RNG.standard_normal(200) * 10, [0.0, -0.0, 7.0, -7.0, 1e6, np.inf, -np.inf, np.nan]])
    x = x.astype(dtype)
    finite = x[np.isfinite(x)]
    for y in (0.7, -0.7, 2.0):
        out = _jit_equal(lambda a: fnp.mod(a, y), fnp.asarray(x), rtol=1e-6)
        with np.errstate(invalid="ignore"):
            np.testing.assert_allclose(np.asarray(out), np.mod(x, np.asarray(y, dtype)), rtol=1e-6, atol=1e-6)
        # (floor division of infinities follows the array API standard, not NumPy)
        out = _jit_equal(lambda a: fnp.floor_divide(a, y), fnp.asarray(finite), rtol=1e-6)
        np.testing.assert_array_equal(np.asarray(out), np.floor_divide(finite, np.asarray(y, dtype)))
    assert np.isnan(np.asarray(fnp.mod(fnp.asarray(x), 0.0))).all()


def test_remainder_of_integers_matches_numpy_bits_and_jit():
    x = _RNG.integers(-50, 50, 64)
    for y in (7, -7, 1):
        out = _jit_equal(lambda a: fnp.mod(a, y), fnp.asarray(x), exact=True)
        np.testing.assert_array_equal(np.asarray(out), np.mod(x, y))


# scatter-add and gather ------------------------------------------------------------------------
def test_at_add_with_repeated_and_negative_indices_matches_numpy_add_at():
    idx = np.concatenate([_RNG.integers(-10, 10, 300), [0, 0, -1, 9]])
    for base, vals in ((np.zeros(10), 1.0), (np.arange(10.0), _RNG.standard_normal(304)),
                       (np.zeros(10, np.int64), np.arange(304)), (np.zeros(10, np.float32), np.float32(0.5))):
        expected = base.copy()
        np.add.at(expected, idx, vals)
        out = _jit_equal(lambda b, i, u: b.at[i].add(u), fnp.asarray(base), fnp.asarray(idx), fnp.asarray(vals))
        np.testing.assert_allclose(np.asarray(out), expected, rtol=1e-6)


def test_at_add_of_rows_of_a_matrix_matches_numpy_add_at():
    base, idx, vals = np.zeros((5, 3)), np.array([4, 0, 4, -5, 2]), _RNG.standard_normal((5, 3))
    expected = base.copy()
    np.add.at(expected, idx, vals)
    out = _jit_equal(lambda b, i, u: b.at[i].add(u), fnp.asarray(base), fnp.asarray(idx), fnp.asarray(vals))
    np.testing.assert_allclose(np.asarray(out), expected, rtol=1e-12)


def test_at_add_out_of_bounds_indices_are_dropped_or_clipped_by_mode():
    idx, vals = np.array([-12, -1, 0, 3, 9, 10, 25]), np.arange(1.0, 8.0)
    from_end = np.where(idx < 0, idx + 10, idx)  # a negative index counts from the end first, as jax's
    kept = (from_end >= 0) & (from_end < 10)
    dropped = np.zeros(10)
    np.add.at(dropped, from_end[kept], vals[kept])
    clipped = np.zeros(10)
    np.add.at(clipped, np.clip(from_end, 0, 9), vals)
    for mode, expected in (("drop", dropped), ("clip", clipped)):
        out = fnp.zeros(10).astype(fnp.float64).at[fnp.asarray(idx)].add(fnp.asarray(vals), mode=mode)
        np.testing.assert_array_equal(np.asarray(out), expected)
    with pytest.raises(IndexError):
        fnp.zeros(10).at[fnp.asarray(idx)].add(1.0)


def test_take_with_indices_in_and_out_of_bounds_matches_numpy():
    x, idx = _RNG.standard_normal((4, 6)), np.array([[0, 5], [-6, 3]])
    for mode in ("clip", "wrap"):
        out = fnp.take(fnp.asarray(x), fnp.asarray(idx), axis=1, mode=mode)
        np.testing.assert_array_equal(np.asarray(out), np.take(x, idx, axis=1, mode=mode))
    out = _jit_equal(lambda a, i: a[:, i], fnp.asarray(x), fnp.asarray(np.array([1, 1, 4])), exact=True)
    np.testing.assert_array_equal(np.asarray(out), x[:, [1, 1, 4]])


# convolve, correlate -----------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["convolve", "correlate"])
@pytest.mark.parametrize("mode", ["full", "same", "valid"])
def test_convolve_and_correlate_of_every_length_order_match_numpy_and_jit(name, mode):
    f = getattr(fnp, name)
    for m, n in ((9, 4), (4, 9), (6, 6), (1, 5), (5, 1), (1, 1)):
        for dtype in (np.float64, np.float32, np.complex128, np.int64, np.int32):
            a, v = (_RNG.standard_normal(k) * 5 for k in (m, n))
            if np.dtype(dtype).kind == "c":
                a, v = a + 1j * _RNG.standard_normal(m), v + 1j * _RNG.standard_normal(n)
            a, v = a.astype(dtype), v.astype(dtype)
            exact = np.dtype(dtype).kind == "i"
            tol = 1e-5 if dtype == np.float32 else 1e-12
            out = _jit_equal(lambda x, y: f(x, y, mode), fnp.asarray(a), fnp.asarray(v), exact=exact, rtol=tol)
            expected = getattr(np, name)(a, v, mode)
            assert out.dtype == expected.dtype
            if exact:
                np.testing.assert_array_equal(np.asarray(out), expected)
            else:
                np.testing.assert_allclose(np.asarray(out), expected, rtol=tol, atol=tol * 10)


@pytest.mark.parametrize("name", ["convolve", "correlate"])
@pytest.mark.parametrize("mode", ["full", "same", "valid"])
def test_convolve_and_correlate_with_infinities_and_nan_match_numpy_jit_and_the_general_path(name, mode):
    # only overlapping products are summed: a NaN or inf that meets only the padding leaves an output finite
    a, v = np.array([np.inf, 1.0, 3.0, 2.0, -np.inf]), np.array([np.inf, 2.0, np.nan])
    f = getattr(fnp, name)
    for x, y in ((a, v[:2]), (a[1:4], v[:2]), (a[1:4], v[1:]), (a, v), (np.array([1.0, 2.0, 3.0]), v[1:])):
        check(lambda p, q: f(p, q, mode), fnp.asarray(x), fnp.asarray(y))
        out = _jit_equal(lambda p, q: f(p, q, mode), fnp.asarray(x), fnp.asarray(y), exact=True)
        with np.errstate(invalid="ignore"):
            np.testing.assert_array_equal(np.asarray(out), getattr(np, name)(x, y, mode))
    # (complex infinities: each implementation of the product makes its own NaNs, so only the general path's)
    check(lambda p, q: f(p, q, mode), fnp.asarray(a + 1j), fnp.asarray(v[:2] - 2j))


def test_convolve_of_long_sequences_matches_numpy():
    a, v = _RNG.standard_normal(1000), _RNG.standard_normal(300)
    for mode in ("full", "same", "valid"):
        np.testing.assert_allclose(np.asarray(fnp.convolve(fnp.asarray(a), fnp.asarray(v), mode)),
                                   np.convolve(a, v, mode), rtol=1e-10, atol=1e-10)
        np.testing.assert_allclose(np.asarray(fnp.correlate(fnp.asarray(v), fnp.asarray(a), mode)),
                                   np.correlate(v, a, mode), rtol=1e-10, atol=1e-10)


# unique ------------------------------------------------------------------------------------------
def test_unique_with_and_without_the_returned_indices_matches_numpy():
    for x in (_RNG.integers(0, 30, 200), np.array([3.0, np.nan, 1.0, -0.0, 0.0, np.nan, 3.0, np.inf]),
              np.zeros((0,)), np.array(5), _RNG.integers(0, 4, (3, 5)).astype(np.float32)):
        for flags in [(False, False, False), (True, False, False), (False, True, True), (True, True, True)]:
            for equal_nan in (True, False):
                out = fnp.unique(fnp.asarray(x), *flags, equal_nan=equal_nan)
                expected = np.unique(x, *flags, equal_nan=equal_nan)
                out, expected = (out, expected) if any(flags) else ((out,), (expected,))
                assert len(out) == len(expected)
                for o, e in zip(out, expected):
                    np.testing.assert_array_equal(np.asarray(o), e)
                assert out[0].dtype == x.dtype


# nanmean, nanvar, nanstd -------------------------------------------------------------------------
_WITHOUT_NAN = _RNG.standard_normal((6, 5))
_WITH_NAN = np.where(_RNG.random((6, 5)) < 0.3, np.nan, _WITHOUT_NAN)


@pytest.mark.parametrize("name", ["nanmean", "nanvar", "nanstd"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_nan_statistics_match_numpy_and_the_general_path_bit_for_bit(name, dtype):
    f = getattr(fnp, name)
    for v in (_WITHOUT_NAN, _WITH_NAN, np.full((2, 3), np.nan), np.array(2.5), np.zeros((0, 3)), _WITHOUT_NAN.T):
        v = v.astype(dtype)
        calls = [dict(), dict(axis=0), dict(axis=-1, keepdims=True)] if v.ndim else [dict()]
        if name != "nanmean":
            calls += [dict(ddof=1), dict(axis=0, ddof=6), dict(axis=0, ddof=9), dict(ddof=0.5)]
        for kw in calls:
            if v.ndim == 0 and "axis" in kw:
                continue
            check(lambda x: f(x, **kw), fnp.asarray(v))
            with warnings.catch_warnings():  # (NumPy warns of empty slices and no degrees of freedom)
                warnings.simplefilter("ignore")
                expected = getattr(np, name)(v, **kw)
            np.testing.assert_allclose(np.asarray(f(fnp.asarray(v), **kw)), expected,
                                       rtol=1e-5 if dtype == np.float32 else 1e-12, atol=1e-6)


# symmetrized factorizations ------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.complex128])
def test_cholesky_and_eigh_factor_the_hermitian_part_as_numpy_and_jit(dtype):
    x = _RNG.standard_normal((2, 5, 5))
    if np.dtype(dtype).kind == "c":
        x = x + 1j * _RNG.standard_normal((2, 5, 5))
    x = (x @ np.conj(np.swapaxes(x, -1, -2)) + 5 * np.eye(5)).astype(dtype)
    x[..., 0, 1] += 0.25  # not Hermitian: the factorizations see (x + x^H) / 2
    h = (x + np.conj(np.swapaxes(x, -1, -2))) / 2
    tol = 1e-4 if dtype == np.float32 else 1e-10
    chol = _jit_equal(fnp.linalg.cholesky, fnp.asarray(x), rtol=tol)
    np.testing.assert_allclose(np.asarray(chol), np.linalg.cholesky(h), rtol=tol, atol=tol)
    w = _jit_equal(lambda a: fnp.linalg.eigh(a).eigenvalues, fnp.asarray(x), rtol=tol)
    np.testing.assert_allclose(np.asarray(w), np.linalg.eigvalsh(h), rtol=tol, atol=tol)


# ndtri, erfcx: each branch computed on its own lanes ----------------------------------------------
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_ndtri_matches_scipy_and_jit_on_every_branch_and_shape(dtype):
    p = np.concatenate([np.linspace(0, 1, 401), [np.nan, -0.1, 1.1, 1e-30, 1 - 1e-7, 0.25, 0.75],
                        np.nextafter([0.25, 0.75], [0, 1])]).astype(dtype)
    tol = 1e-5 if dtype == np.float32 else 1e-13
    for x in (p, p[:408].reshape(2, 17, 12), p[:1].reshape(()), p[100:101].reshape(()), p[:0], p[-9:-2]):
        out = _jit_equal(fsp.ndtri, fnp.asarray(x), rtol=tol)
        assert out.dtype == dtype and out.shape == x.shape
        np.testing.assert_allclose(np.asarray(out), sp.ndtri(x), rtol=tol, atol=tol)


def test_erfcx_matches_scipy_and_jit_on_both_sides_of_its_continued_fraction():
    x = np.array([[-30.0, -3.0, 0.0, 1.0, 2.999, 3.0, 3.001], [10.0, 1e3, 1e300, np.inf, -np.inf, np.nan, -0.5]])
    out = _jit_equal(fsp.erfcx, fnp.asarray(x), rtol=1e-13)
    np.testing.assert_allclose(np.asarray(out), sp.erfcx(x), rtol=1e-13)
    for part in (x[x >= 3], x[x < 3]):  # (all lanes in one branch)
        np.testing.assert_allclose(np.asarray(fsp.erfcx(fnp.asarray(part))), sp.erfcx(part), rtol=1e-13)
