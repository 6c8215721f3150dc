"""fx.jit of reductions, statistics, sorting and searching equals eager execution.

Each test compiles one program per dtype (the jitted functions live at module level, so
hypothesis examples of one signature reuse it) and compares it with the same function run
eagerly, as `_differential.assert_matches` says: integer and boolean results exactly; sorted
values exactly, signed zeros included; floating reductions within a few units in the last
place, since XLA may sum and multiply in another order than NumPy.
"""
import numpy as np
import pytest
from hypothesis import given, strategies as st

import fluxion as fx
import fluxion.numpy as fnp
from fluxion.core import dtypes
from fluxion.ops import reduce as R
from fluxion.ops import sort as S

from _differential import assert_matches

ALL = ["bool", "int8", "uint8", "int32", "int64", "uint64", "float16", "bfloat16", "float32", "float64",
       "complex64", "complex128"]
SPECIAL = [0.0, -0.0, np.nan, -np.nan, np.inf, -np.inf, 0.5, 1e4]
ROUNDING = 64  # units in the last place that products of two dozen factors may drift apart


def _elements(dt: np.dtype, special: bool):
    if dt == dtypes.bool_:
        return st.booleans()
    if dt in dtypes.INTEGER:
        info = np.iinfo(dt)
        return st.integers(int(info.min), int(info.max)) if special else st.integers(max(-9, info.min), 9)
    # integers and halves keep sums exact, so only products and divisions round
    real = st.integers(-18, 18).map(lambda k: k / 2)
    real = st.sampled_from(SPECIAL) | real if special else real
    return st.builds(complex, real, real) if dt in dtypes.COMPLEX else real


def arrays(draw, shape: tuple, dtype, special: bool = True) -> fx.Array:
    """A drawn array of `shape` and `dtype`; with `special`, NaN of both signs, signed zeros,
    infinities and integer extremes (complex arrays never get them: where a product meets an
    infinity, which parts become NaN depends on the order of the factors)."""
    dt = dtypes.canonicalize(dtype)
    size = int(np.prod(shape))
    values = draw(st.lists(_elements(dt, special and dt not in dtypes.COMPLEX), min_size=size, max_size=size))
    return fnp.asarray(np.array(values, dt).reshape(shape))


def check(jitted, *args, ulps: float = 0, floor: float = 0.0) -> None:
    """`jitted(*args)` equals the eager call: exactly, signed zeros included, or within `ulps` of
    the larger of each value and `floor` (where the signs of zeros may differ too: XLA orders
    -0.0 below 0.0 in max and min, NumPy not)."""
    assert_matches(jitted.fun(*args), jitted(*args), ulps=ulps, zero_signs=not ulps, what=jitted.__name__,
                   floor=floor)


# reductions -------------------------------------------------------------------------------------
@fx.jit
def reduce(x):
    """Reductions of a (2, 3, 4) array over no, one, several and all axes."""
    # floating statistics of integers near the dtype's extremes cancel catastrophically, in an
    # order that differs between NumPy and XLA: they see the low bits only
    m = x & fnp.asarray(15, dtype=x.dtype) if x.dtype in dtypes.INTEGER else x
    out = dict(
        sum=(fnp.sum(x), fnp.sum(x, axis=1), fnp.sum(x, axis=(0, 2), keepdims=True)),
        prod=(fnp.prod(x, axis=-1), fnp.prod(x[:, :2], axis=(0, 1))),
        cumsum=(fnp.cumsum(x, axis=1), fnp.cumsum(x)), cumprod=fnp.cumprod(x[:, :2], axis=2),
        cumulative_sum=fnp.cumulative_sum(x, axis=0, include_initial=True),
        mean=(fnp.mean(m), fnp.mean(m, axis=(1, 2))), var=(fnp.var(m, axis=0), fnp.std(m, axis=-1, ddof=1)),
        any=(fnp.any(x), fnp.any(x, axis=0)), all=(fnp.all(x, axis=(0, 1)), fnp.all(x, keepdims=True)),
        count=fnp.count_nonzero(x, axis=1), nansum=fnp.nansum(x, axis=1), nanprod=fnp.nanprod(x[:1], axis=2),
        nancumsum=fnp.nancumsum(x, axis=2),
    )
    if x.dtype != dtypes.bool_:
        out.update(reverse=(R.cumsum(x, 2, reverse=True), R.cumprod(x[:1, :2], 1, reverse=True)))
        if x.dtype not in dtypes.COMPLEX:
            out.update(ptp=fnp.ptp(x, axis=1))
    if x.dtype not in dtypes.COMPLEX:
        out.update(
            max=(fnp.max(x), fnp.max(x, axis=1), fnp.amax(x, axis=(0, 2), keepdims=True)),
            min=(fnp.min(x, axis=0), fnp.amin(x, axis=-1)),
            argmax=(fnp.argmax(x), fnp.argmax(x, axis=1), fnp.argmax(x, axis=0, keepdims=True),
                    R.argmax(x, 2, fnp.uint8), R.argmax(x, 0, fnp.int32)),
            argmin=(fnp.argmin(x, axis=-1), R.argmin(x, 1, fnp.int8)),
            cummax=(R.cummax(x, 1), R.cummax(x, 2, reverse=True)), cummin=(R.cummin(x, 0), R.cummin(x, 1, True)),
            nanmax=fnp.nanmax(x, axis=2), nanmin=fnp.nanmin(x, axis=0),
        )
    if x.dtype in dtypes.INTEGER or x.dtype == dtypes.bool_:
        out.update(bits=[op(x, axes) for op in (R.reduce_and, R.reduce_or, R.reduce_xor) for axes in ((1,), (0, 2))])
    if x.dtype in dtypes.REAL_FLOATING:
        out.update(logsumexp=(fnp.logsumexp(x, axis=1), fnp.logsumexp(x)),
                   median=(fnp.median(x, axis=1), fnp.quantile(x, 0.25, axis=2), fnp.nanmedian(x, axis=0)),
                   cumlogsumexp=(R.cumlogsumexp(x, 2), R.cumlogsumexp(x, 1, reverse=True)),
                   nanvar=fnp.nanvar(x, axis=2), nanmean=fnp.nanmean(x, axis=0))
    return out


@pytest.mark.parametrize("dtype", ALL)
@given(data=st.data())
def test_reductions_under_jit_match_eager(dtype, data):
    check(reduce, arrays(data.draw, (2, 3, 4), dtype), ulps=ROUNDING)


@fx.jit
def reduce_edges(empty, scalar):
    """Reductions of a (0, 3) array (identities; empty results) and of a 0-d one."""
    out = [fnp.sum(empty, axis=0), fnp.prod(empty, axis=0), fnp.sum(empty, axis=1), fnp.any(empty, axis=0),
           fnp.all(empty), fnp.cumsum(empty, axis=0), fnp.mean(empty, axis=1), fnp.sum(scalar), fnp.prod(scalar),
           fnp.cumsum(scalar), fnp.mean(scalar), fnp.all(scalar), fnp.sort(empty, axis=0), fnp.argsort(empty)]
    if empty.dtype not in dtypes.COMPLEX:
        out += [R.reduce_max(empty, (0,)), R.reduce_min(empty, (0,)), fnp.max(empty, axis=1), fnp.argmax(scalar),
                fnp.max(scalar), R.cummax(empty, 0), S.top_k(empty, 0)[0]]
    return out


@pytest.mark.parametrize("dtype", ["bool", "int8", "uint64", "bfloat16", "float64", "complex64"])
@given(data=st.data())
def test_reductions_of_empty_and_0d_arrays_under_jit_match_eager(dtype, data):
    check(reduce_edges, arrays(data.draw, (0, 3), dtype), arrays(data.draw, (), dtype), ulps=ROUNDING)


# statistics ------------------------------------------------------------------------------------
@fx.jit
def statistics(x, w, bins):
    """Order statistics, weighted averages, covariances and counts of a (3, 5) array."""
    q = fnp.asarray([0.0, 0.3, 1.0], dtype=fnp.float32)
    return dict(
        median=(fnp.median(x), fnp.median(x, axis=1), fnp.median(x, axis=0, keepdims=True)),
        quantile=[fnp.quantile(x, 0.3, axis=1, method=m) for m in ("linear", "lower", "higher", "nearest",
                                                                     "midpoint")] + [fnp.quantile(x, q, axis=0)],
        percentile=fnp.percentile(x, 75), nanmedian=fnp.nanmedian(x, axis=1), nanquantile=fnp.nanquantile(x, q),
        average=(fnp.average(x, axis=1, weights=w), fnp.average(x, weights=fnp.abs(x) + 1)),
        cov=fnp.cov(x), cov_weighted=fnp.cov(x, aweights=w), corrcoef=fnp.corrcoef(x[:, :3], x[:, 2:]),
        bincount=(fnp.bincount(bins, length=6), fnp.bincount(bins, weights=w, length=5)),
        digitize=(fnp.digitize(x, fnp.sort(w)), fnp.digitize(x, fnp.sort(w), right=True)),
    )


@pytest.mark.parametrize("dtype", ["int32", "float32", "float64"])  # 16-bit floats: in `reduce`
@given(data=st.data())
def test_statistics_under_jit_match_eager(dtype, data):
    # eager checks that weights have a positive sum, which jit cannot: draw positive weights.
    # Integers stay small: averages of the extremes cancel catastrophically in float32
    x = arrays(data.draw, (3, 5), dtype, special=dtype != "int32")
    w = fnp.abs(arrays(data.draw, (5,), dtype, special=False)) + 1
    bins = fnp.asarray(np.array(data.draw(st.lists(st.integers(0, 4), min_size=5, max_size=5))))
    # interpolations and covariances subtract nearby values, and XLA fuses multiply-adds (one
    # rounding fewer than NumPy): their error is relative to the magnitude of the inputs
    v = np.asarray(x, np.float64)
    check(statistics, x, w, bins, ulps=ROUNDING, floor=float(np.max(np.abs(v[np.isfinite(v)]), initial=1.0)))


# sorting and searching ---------------------------------------------------------------------------
@fx.jit
def order(x, y):
    """Sorting of a (3, 5) array x with a companion y of one shape, and searches in a sorted row."""
    a = fnp.sort(x[0])
    out = dict(
        sort=(fnp.sort(x), fnp.sort(x, axis=0), fnp.sort(x, axis=None), fnp.sort(x, descending=True)),
        argsort=(fnp.argsort(x), fnp.argsort(x, axis=0), fnp.argsort(x, axis=None), fnp.argsort(x, descending=True)),
        lexsort=(fnp.lexsort((x[0], x[1])), fnp.lexsort(x, axis=0)),
        partition=(fnp.partition(x, 2), fnp.argpartition(x, 1, axis=0)),
        together=S.sort((x, y), dimension=0), two_keys=S.sort((x, y, x), 1, num_keys=2),
        # a total order (x, then position): the unstable sort has one answer
        unstable=S.sort((x, fnp.broadcast_to(fnp.arange(5), (3, 5)), y), -1, is_stable=False, num_keys=2),
    )
    if x.dtype not in dtypes.COMPLEX:
        out.update(searchsorted=(fnp.searchsorted(a, x[1:]), fnp.searchsorted(a, x[1:], side="right"),
                                 fnp.searchsorted(a, x[0, 0])),
                   top_k=(S.top_k(x, 3), S.top_k(x, 5), S.top_k(x.T, 1)))
    return out


@pytest.mark.parametrize("dtype", ALL)
@given(data=st.data())
def test_sorting_and_searching_under_jit_match_eager(dtype, data):
    # sorting only moves values: they must come back bit for bit, signed zeros included;
    # ties (and -0.0 against 0.0) keep their order in both
    x, y = (arrays(data.draw, (3, 5), dtype) for _ in range(2))
    check(order, x, y)


@fx.jit
def order_complex_nan(x):
    return fnp.sort(x), fnp.argsort(x, axis=0), fnp.sort(x, descending=True)


@given(data=st.data())
def test_complex_sorting_puts_nans_last_under_jit_as_eager(data):
    parts = st.sampled_from([np.nan, np.inf, -np.inf, 0.0, 1.0, -1.0])
    values = data.draw(st.lists(st.builds(complex, parts, parts), min_size=12, max_size=12))
    check(order_complex_nan, fnp.asarray(np.array(values, np.complex128).reshape(3, 4)))


# the primitives used above, checked to be the ones these tests compile ----------------------------
def test_every_reduce_and_sort_primitive_is_compiled_by_these_tests():
    x = fnp.ones((2, 3, 4))
    programs = [fx.make_program(reduce.fun)(x), fx.make_program(reduce.fun)(x.astype(int)),
                fx.make_program(order.fun)(fnp.ones((3, 5)), fnp.ones((3, 5)))]
    seen = {eq.prim for p in programs for eq in p.equations}
    family = {p for m in (R, S) for p in vars(m).values() if type(p).__name__ == "Primitive"}
    assert family - seen == set()


# derivatives compiled --------------------------------------------------------------------------
def _loss(x):
    s = fnp.sort(x, axis=1)
    loss = fnp.sum(s * fnp.arange(4.0, dtype=x.dtype)) + fnp.sum(fnp.logsumexp(x, axis=0)) + fnp.median(x)
    loss = loss + fnp.var(x) + fnp.sum(fnp.std(x, axis=1)) + fnp.sum(fnp.prod(x, axis=0)) + fnp.max(x)
    loss = loss + fnp.sum(fnp.cumsum(x, axis=1) ** 2) + fnp.sum(fnp.cumprod(x[:, :3], axis=0))
    return loss + fnp.sum(S.top_k(x, 2)[0] ** 2) + fnp.quantile(x, 0.3) + fnp.sum(R.cumlogsumexp(x, 1, True))


_grad = fx.jit(fx.grad(_loss))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@given(data=st.data())
def test_jit_of_grad_through_reductions_and_sorting_matches_eager_grad(dtype, data):
    # XLA flushes subnormal numbers to zero, NumPy keeps them: draw no value so small that it or
    # a product of two (a variance of values near 0) is subnormal
    values = st.floats(-3, 3, width=32).map(lambda v: v if abs(v) > 1e-3 else 0.0)
    x = fnp.asarray(np.array(data.draw(st.lists(values, min_size=12, max_size=12)), dtype).reshape(3, 4))
    eager, jitted = fx.grad(_loss)(x), _grad(x)
    assert jitted.dtype == eager.dtype and jitted.shape == eager.shape
    tol = 1e-4 if dtype == "float32" else 1e-10
    np.testing.assert_allclose(np.asarray(jitted), np.asarray(eager), rtol=tol, atol=tol)


@pytest.mark.parametrize("shape, axis", [((5000, 3), 1), ((3, 5000), 0), ((100000,), 0), ((10, 3), 1),
                                         ((50, 10, 16), 2), ((39, 37, 3), 2), ((13, 16, 23), 0)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.float16])
def test_max_min_and_max_pooling_under_jit_keep_nan_over_many_elements(shape, axis, dtype):
    # (XLA's CPU reductions of a few thousand elements, or of a few along a minor axis of many rows,
    # dropped the NaNs: jit gave 1 where NumPy gives NaN)
    x = np.ones(shape, dtype)
    x[(slice(None),) * axis + (1,)] = np.nan
    y = np.ones(shape, dtype)
    y.reshape(-1)[::97] = np.nan  # (NaN in some slices only, at various places)
    for name in ("max", "min", "amax"):
        f = getattr(fnp, name)
        for v in (x, y):
            np.testing.assert_array_equal(fx.jit(lambda v: f(v, axis=axis))(v), getattr(np, name)(v, axis=axis))
    if x.ndim == 2:
        window = (1, 3) if axis == 1 else (3, 1)
        pool = lambda x: fx.lax.reduce_window(x, -np.inf, fx.lax.max, window, (1, 1), "VALID")  # noqa: E731
        np.testing.assert_array_equal(fx.jit(pool)(x), pool(x))
        assert np.isnan(np.asarray(pool(x), np.float64)).all()


@pytest.mark.parametrize("special", [np.inf, -np.inf, np.nan])
@pytest.mark.parametrize("shape, axis", [((100000,), 0), ((40, 4096), 1), ((4096, 40), 0), ((300, 300), None)])
def test_max_and_min_of_many_elements_with_an_infinity_or_nan_match_numpy(special, shape, axis):
    # (of many elements, a sum of x - x finds an infinity or NaN, and only then are NaNs looked for)
    x = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
    x.reshape(-1)[[7, x.size // 2]] = special
    for name in ("max", "min"):
        np.testing.assert_array_equal(fx.jit(lambda x: getattr(fnp, name)(x, axis=axis))(x),
                                      getattr(np, name)(x, axis=axis))
