"""Large eager kernels split into parts run on several threads (backends/numpy/_parallel.py) give
the result of one call bit for bit, and NumPy's (or SciPy's) result where that is the same
computation: elementwise ufuncs (contiguous, broadcasting, with a repeated operand, 0-d, empty,
non-contiguous), SciPy's special functions and other ufuncs costlier than additions (timed once,
then split), sums over rows, the log-sum-exp, erfinv, float32 erf and erfc and the Threefry
cipher, also when several threads call at once. The `split` fixture forces up to eight parts on
small arrays, whatever the machine."""
import threading

import numpy as np
import pytest
import scipy.special as sp

import fluxion as fx
import fluxion.numpy as fnp
import fluxion.scipy.special as fsp
from fluxion.backends.numpy import _parallel, threefry
from fluxion.backends.numpy._loops import add_reduce, spread
from fluxion.backends.numpy.erfinv import erfinv
from fluxion.backends.numpy.logsumexp import logsumexp
from fluxion.core.primitive import numpy_kernel
from fluxion.ops import elementwise as E
from test_eager_fast_paths import check

_RNG = np.random.default_rng(11)


@pytest.fixture
def split(monkeypatch):
    """Kernels split from 64 units of work, into up to eight parts (threads even on one core); those
    of costly ufuncs from 32 elements."""
    monkeypatch.setattr(_parallel, "LARGE", 64)
    monkeypatch.setattr(_parallel, "CPUS", 4)
    monkeypatch.setattr(_parallel, "PROBE", 32)
    monkeypatch.setattr(_parallel, "SPLIT_NS", 0)
    monkeypatch.setattr(_parallel, "SPLIT_FROM", {})


def one_call(f, *args):
    """`f(*args)` run as one call: the threshold out of reach and one core."""
    large, cpus = _parallel.LARGE, _parallel.CPUS
    _parallel.LARGE, _parallel.CPUS = 1 << 62, 1
    try:
        return f(*args)
    finally:
        _parallel.LARGE, _parallel.CPUS = large, cpus


def same_bits(a, b):
    a, b = np.asarray(a), np.asarray(b)
    assert a.shape == b.shape and a.dtype == b.dtype
    assert np.ascontiguousarray(a).tobytes() == np.ascontiguousarray(b).tobytes()


def split_and_one(f, *args):
    """`f(*args)` by parts, checked to equal one call bit for bit."""
    got = f(*args)
    want = one_call(f, *args)
    for g, w in zip(*(v if isinstance(v, tuple) else (v,) for v in (got, want))):
        same_bits(g, w)
    return got


# the pool ------------------------------------------------------------------------------------
@pytest.mark.parametrize("n,work,granule", [(1000, 1000, 1), (1000, 1000, 64), (130, 10**6, 64), (5, 100, 1),
                                            (127, 10**6, 64), (10**6, 10**6, 32768)])
def test_parts_cover_the_rows_once_from_multiples_of_the_granule(split, n, work, granule):
    seen, lock = [], threading.Lock()

    def job(rows):
        with lock:
            seen.append((rows.start, rows.stop))
    _parallel.run(job, n, work, granule)
    seen.sort()
    assert seen[0][0] == 0 and seen[-1][1] == n
    assert all(a[1] == b[0] for a, b in zip(seen, seen[1:]))
    assert all(start % granule == 0 for start, _ in seen)
    assert len(seen) == _parallel.count(n // granule, work)
    assert (len(seen) > 1) == (n >= 2 * granule)


def test_one_core_or_little_work_runs_one_call_in_the_calling_thread(monkeypatch):
    calls = []

    def job(rows):
        calls.append((rows, threading.get_ident()))
    monkeypatch.setattr(_parallel, "CPUS", 1)
    _parallel.run(job, 10**6, 10**6)
    monkeypatch.setattr(_parallel, "CPUS", 4)
    _parallel.run(job, 10**6, _parallel.LARGE - 1)
    assert calls == [(slice(0, 10**6), threading.get_ident())] * 2


def test_an_error_in_a_part_reaches_the_caller_and_the_pool_keeps_working(split):
    def job(rows):
        if rows.start > 0:
            raise ValueError("bad part")
    with pytest.raises(ValueError, match="bad part"):
        _parallel.run(job, 1000, 1000)
    x = _RNG.standard_normal(1000)
    same_bits(split_and_one(numpy_kernel[E.exp_p], x), np.exp(x))


def test_a_part_does_not_split_again(split):
    inner = []

    def job(rows):
        _parallel.run(lambda r: inner.append(r), 1000, 1000)
    _parallel.run(job, 1000, 1000)
    assert len(inner) == _parallel.count(1000, 1000) > 1 and all(r == slice(0, 1000) for r in inner)


# elementwise ---------------------------------------------------------------------------------
_FLOAT_UNARY = [E.exp_p, E.log_p, E.sin_p, E.cos_p, E.tanh_p, E.sqrt_p, E.expm1_p, E.cbrt_p, E.neg_p, E.abs_p,
                E.floor_p, E.is_finite_p, E.log1p_p, E.erfinv_p, E.atan_p, E.atanh_p]


@pytest.mark.parametrize("size", [1, 63, 64, 65, 1000, 4099])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("prim", _FLOAT_UNARY, ids=lambda p: p.name)
def test_unary_kernels_by_parts_give_one_calls_bits(split, prim, dtype, size):
    x = _RNG.uniform(-0.999, 0.999, size).astype(dtype) * (1 if prim is E.erfinv_p else 30)
    if prim in (E.log_p, E.sqrt_p):
        x = np.abs(x)
    if size > 7:
        x[::7] = np.nan
    got = split_and_one(numpy_kernel[prim], x)
    ufunc = getattr(numpy_kernel[prim], "ufunc", None)
    if ufunc is not None:
        same_bits(got, ufunc(x))


@pytest.mark.parametrize("prim,ufunc", [(E.not_p, np.invert), (E.population_count_p, np.bitwise_count),
                                        (E.abs_p, np.abs), (E.neg_p, np.negative)])
def test_integer_unary_kernels_by_parts_give_numpys_bits(split, prim, ufunc):
    x = _RNG.integers(-2**40, 2**40, (70, 30))
    same_bits(split_and_one(numpy_kernel[prim], x), ufunc(x))


@pytest.mark.parametrize("x", [np.float64(2.5) * np.ones(()), np.zeros((0, 300)), np.zeros((300, 0), np.float32),
                               _RNG.standard_normal((40, 50)).T, _RNG.standard_normal((80, 60))[::2, ::3],
                               np.broadcast_to(_RNG.standard_normal(70), (30, 70))],
                         ids=["0-d", "empty", "empty float32", "transposed", "strided", "broadcast"])
def test_unary_kernels_of_0d_empty_and_non_contiguous_arrays_match_numpy(split, x):
    for prim in (E.exp_p, E.sin_p, E.neg_p):
        got = split_and_one(numpy_kernel[prim], x)
        same_bits(got, numpy_kernel[prim].ufunc(x))


_SHAPES = [((300, 200), (300, 200)), ((), (5000,)), ((70, 80), ()), ((50, 1, 700), (1, 30, 700)),
           ((500, 1, 3), (1, 400, 3)), ((1000, 1, 10), (1, 25, 10)), ((1, 10), (5000, 10)), ((2000, 1, 1), (1, 30, 1)),
           ((1, 1, 10), (1000, 25, 10)), ((300, 1, 4), (300, 60, 1)), ((1000, 1), (1, 1000)), ((3, 1, 1), (1, 1, 9000)),
           ((0, 1, 3), (1, 500, 3)), ((7, 0), (7, 0)), ((1, 64), (64, 64))]


@pytest.mark.parametrize("prim", [E.add_p, E.sub_p, E.mul_p, E.max_p, E.atan2_p, E.lt_p, E.copysign_p],
                         ids=lambda p: p.name)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("sx,sy", _SHAPES, ids=str)
def test_binary_kernels_by_parts_give_one_calls_and_numpys_bits(split, sx, sy, dtype, prim):
    x, y = (_RNG.standard_normal(s).astype(dtype) for s in (sx, sy))
    if x.size:
        x.reshape(-1)[::13] = np.nan
    kernel = numpy_kernel[prim]
    for a, b in ((x, y), (y, x)):
        same_bits(split_and_one(kernel, a, b), kernel.ufunc(a, b))


@pytest.mark.parametrize("sx,sy", _SHAPES[:10], ids=str)
def test_integer_binary_kernels_by_parts_give_numpys_bits(split, sx, sy):
    x, y = (np.asarray(_RNG.integers(0, top, s, dtype=np.uint32)) for top, s in ((2**31, sx), (32, sy)))
    for prim in (E.and_p, E.xor_p, E.shift_left_p, E.add_p):
        same_bits(split_and_one(numpy_kernel[prim], x, y), numpy_kernel[prim].ufunc(x, y))


def test_binary_kernels_of_non_contiguous_operands_match_numpy(split):
    x, y = _RNG.standard_normal((300, 200)).T, _RNG.standard_normal((400, 300))[::2, ::-1]
    same_bits(split_and_one(numpy_kernel[E.sub_p], x, y), x - y)
    same_bits(split_and_one(spread, np.subtract, x[:, :1], y), x[:, :1] - y)


def test_spread_of_a_composition_by_parts_matches_numpy(split):
    x, y = _RNG.standard_normal((500, 1, 3)), _RNG.standard_normal((1, 400, 3))

    def f(a, b):
        return np.sqrt(np.abs(a - b))
    same_bits(split_and_one(spread, f, x, y), f(x, y))


def test_a_repeated_operand_is_left_unchanged_by_the_parts(split):
    x, y = _RNG.standard_normal((1000, 1, 10)), _RNG.standard_normal((1, 25, 10))
    x0, y0 = x.copy(), y.copy()
    split_and_one(numpy_kernel[E.sub_p], x, y)
    same_bits(x, x0)
    same_bits(y, y0)


# reductions ----------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int64, np.complex128])
@pytest.mark.parametrize("shape,axes", [((3000, 10), (1,)), ((300, 200), (1,)), ((40, 20, 30), (1, 2)),
                                        ((7, 5000), (1,)), ((40, 20, 30), (2,)), ((2000, 1), (1,)),
                                        ((40, 20, 30), (0,)), ((0, 30), (1,))], ids=str)
def test_sums_over_rows_by_parts_give_one_calls_bits(split, shape, axes, dtype):
    v = (_RNG.standard_normal(shape) * 100).astype(dtype)
    for keepdims in (False, True):
        got = split_and_one(add_reduce, v, axes, keepdims)
        want = np.add.reduce(v, axes, v.dtype, None, keepdims)
        assert got.shape == want.shape and got.dtype == want.dtype
        np.testing.assert_allclose(got, want, rtol=1e-4 if dtype == np.float32 else 1e-12, atol=1e-3)


_SLICES = np.array([[-0.0, 0.0, -1.0], [-0.0, -2.0, -0.0], [np.nan, -np.nan, 1.0], [-np.nan, 2.0, 0.0],
                    [np.inf, 1.0, np.inf], [-np.inf, -np.inf, -np.inf], [0.0, -np.inf, -0.0]])


def _rows_with_edges(dtype, n: int, k: int) -> np.ndarray:
    """`n` rows of `k` values, some with tied zero, NaN or infinite maxima."""
    v = (_RNG.standard_normal((n, k)) * 20).astype(dtype)
    edges = np.tile(_SLICES.astype(dtype), (1, k // 3 + 1))[:, :k]
    v[::11][:len(edges)] = edges[:len(v[::11])]
    return v


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape,axes", [((3000, 32), (1,)), ((2500, 10), (1,)), ((60, 20, 3), (2,)),
                                        ((50, 8, 30), (1, 2)), ((100, 300), (1,)), ((5000, 1), (1,)),
                                        ((3000, 32), (0,)), ((3000, 32), (0, 1))], ids=str)
def test_log_sum_exp_by_parts_gives_one_calls_bits_and_scipys_values(split, shape, axes, dtype):
    v = _rows_with_edges(dtype, shape[0], int(np.prod(shape[1:]))).reshape(shape)
    for size in (False, True):
        got = split_and_one(logsumexp, v, axes, size)
        with np.errstate(all="ignore"):
            want = sp.logsumexp(v.astype(np.float64), axis=axes, keepdims=True)
        tol = 1e-5 if dtype == np.float32 else 1e-12  # (absolute too: values near 0 come from cancellation)
        np.testing.assert_allclose(got, want, rtol=tol, atol=tol)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("f", [lambda x: fsp.logsumexp(x, -1), lambda x: fnp.logsumexp(x, -1, True),
                               lambda x: fsp.logsumexp(x, -1, keepdims=True)], ids=["fsp", "fnp kd", "fsp kd"])
def test_log_sum_exp_of_many_rows_by_parts_matches_the_general_path_bit_for_bit(split, f, dtype):
    # (the kernel takes rows from 16384 elements)
    check(f, fnp.asarray(_rows_with_edges(dtype, 1100, 16)))
    check(f, fnp.asarray(_rows_with_edges(dtype, 200, 97)))


# random --------------------------------------------------------------------------------------
@pytest.mark.parametrize("n", [300, 5000, 70001])
def test_threefry_by_parts_gives_one_calls_words(split, n):
    k0, k1 = np.array(0x13198A2E, np.uint32), np.array(0x03707344, np.uint32)
    x0, x1 = np.array(7, np.uint32), np.arange(n, dtype=np.uint32)
    split_and_one(threefry.threefry2x32, k0, k1, x0, x1)
    keys = _RNG.integers(0, 2**32, (2, n), dtype=np.uint32)
    split_and_one(threefry.threefry2x32, keys[0], keys[1], x0, x1)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_erfinv_by_parts_gives_one_calls_bits(split, dtype):
    x = _RNG.uniform(-1, 1, 20011).astype(dtype)
    x[::101], x[1::103], x[2::107], x[3::109], x[4::113] = 1, -1, np.nan, -0.0, np.nextafter(dtype(-1), dtype(0))
    got = split_and_one(erfinv, x)
    np.testing.assert_allclose(got, sp.erfinv(x), rtol=1e-5 if dtype == np.float32 else 1e-14)


@pytest.mark.parametrize("prim,fn", [(E.erf_p, sp.erf), (E.erfc_p, sp.erfc)], ids=["erf", "erfc"])
def test_float32_erf_and_erfc_approximations_by_parts_give_one_calls_bits(split, prim, fn):
    x = _RNG.uniform(-11, 11, 20011).astype(np.float32)  # (large enough for the approximations)
    x[::101], x[1::103], x[2::107], x[3::109], x[4::113] = np.inf, -np.inf, np.nan, -0.0, -1e-40
    got = split_and_one(numpy_kernel[prim], x)
    np.testing.assert_allclose(got, fn(x.astype(np.float64)), rtol=1e-6, atol=1e-44)


def test_large_draws_by_parts_give_one_calls_bits(split):
    key = fx.random.key(3)
    for draw in (lambda: fx.random.normal(key, (300, 70)), lambda: fx.random.uniform(key, (5001,)),
                 lambda: fx.random.split(key, 3000), lambda: fx.random.bits(key, (4000,), fnp.uint64)):
        split_and_one(lambda: np.asarray(draw()))


# ufuncs costlier than additions: timed once, then split ------------------------------------------
_SPECIAL = [(E.lgamma_p, sp.gammaln, 1), (E.digamma_p, sp.digamma, 1), (E.erf_p, sp.erf, 1), (E.erfc_p, sp.erfc, 1),
            (E.bessel_i0e_p, sp.i0e, 1), (E.bessel_i1e_p, sp.i1e, 1), (E.igamma_p, sp.gammainc, 2),
            (E.igammac_p, sp.gammaincc, 2), (E.betainc_p, sp.betainc, 3)]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("prim,fn,arity", _SPECIAL, ids=lambda v: getattr(v, "name", ""))
def test_special_function_kernels_by_parts_give_one_calls_and_scipys_bits(split, prim, fn, arity, dtype):
    xs = [_RNG.uniform(0.1, 6, 3001).astype(dtype) for _ in range(arity)]
    xs[0][::17] = np.nan
    if arity == 3:
        xs[2] = xs[2] / 6  # (betainc's x in [0, 1])
    got = split_and_one(numpy_kernel[prim], *xs)
    # (the Bessel functions, gammainc and betainc compute in float64, as the XLA lowering does)
    in64 = prim in (E.bessel_i0e_p, E.bessel_i1e_p, E.igamma_p, E.igammac_p, E.betainc_p)
    want = fn(*[x.astype(np.float64) for x in xs]) if in64 else fn(*xs)
    same_bits(got, want)
    if arity > 1:  # a 0-d operand beside the array
        same_bits(split_and_one(numpy_kernel[prim], xs[0], *[x[:1].reshape(()) for x in xs[1:]]),
                  numpy_kernel[prim](xs[0], *[x[:1].reshape(()) for x in xs[1:]]))


@pytest.mark.parametrize("dtype", [np.complex64, np.complex128])
def test_complex_unary_kernels_by_parts_give_numpys_bits(split, dtype):
    z = (_RNG.standard_normal(2000) + 1j * _RNG.standard_normal(2000)).astype(dtype)
    z[::11] = np.nan
    for prim in (E.exp_p, E.log_p, E.sin_p, E.tanh_p, E.sqrt_p):
        same_bits(split_and_one(numpy_kernel[prim], z), numpy_kernel[prim].ufunc(z))


def test_costly_operators_of_large_arrays_give_numpys_bits(split):
    x, y = np.abs(_RNG.standard_normal((60, 70))) + 0.1, _RNG.standard_normal((60, 70))
    fx_, fy = fnp.asarray(x), fnp.asarray(y)
    for got, want in ((fx_ ** fy, x ** y), (fx_ ** 2.5, x ** 2.5), (2.5 ** fy, 2.5 ** y), (fnp.arctan2(fx_, fy), np.arctan2(x, y)),
                      (fnp.fmod(fy, 0.3), np.fmod(y, 0.3)), (fx_.astype(np.float32) ** 1.5, x.astype(np.float32) ** 1.5)):
        same_bits(split_and_one(lambda g=got: np.asarray(g)), want)
    z = x + 1j * y  # the kernels of pow and div behind the general path
    for prim, ufunc in ((E.pow_p, np.power), (E.div_p, np.true_divide)):
        for a, b in ((x, y), (z, z[::-1]), (z, z[0, 0])):
            same_bits(split_and_one(numpy_kernel[prim], a, b), ufunc(a, b))


def test_a_costly_kernel_is_timed_once_per_dtypes_on_its_first_large_call(split):
    kernel = numpy_kernel[E.sin_p]
    small, large = np.ones(31), np.ones(40)
    kernel(small)
    assert not _parallel.SPLIT_FROM  # below PROBE: not timed
    kernel(large)
    kernel(large.astype(np.float32))
    assert set(_parallel.SPLIT_FROM) == {(np.sin, np.dtype(np.float64)), (np.sin, np.dtype(np.float32))}
    assert all(v >= _parallel.PROBE for v in _parallel.SPLIT_FROM.values())
    numpy_kernel[E.atan2_p](np.ones((40, 1)), np.ones((1, 40)))  # operands that broadcast: not timed
    assert (np.arctan2, np.dtype(np.float64), np.dtype(np.float64)) not in _parallel.SPLIT_FROM


# several callers -----------------------------------------------------------------------------
def test_threads_calling_split_kernels_at_once_get_their_own_results(split):
    calls = []
    for i in range(8):
        x = _RNG.standard_normal((200 + 13 * i, 30))
        pairs = np.ascontiguousarray(x[:, None, :3]), np.ascontiguousarray(x[None, :50, :3])
        calls.append([(numpy_kernel[E.exp_p], (x,)), (numpy_kernel[E.sub_p], pairs), (add_reduce, (x, (1,))),
                      (logsumexp, (x, (1,))), (erfinv, (np.tanh(x),))])
    want = [[one_call(k, *args) for k, args in kernels] for kernels in calls]
    errors = []

    def caller(i):
        try:
            for _ in range(20):
                for (k, args), w in zip(calls[i], want[i]):
                    same_bits(k(*args), w)
        except BaseException as e:  # noqa: BLE001 (reported below)
            errors.append(e)
    threads = [threading.Thread(target=caller, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors[0]


# transformations -----------------------------------------------------------------------------
def _loss(x, c):
    d = x[:, None, :] - c[None, :, :]
    return fnp.sum(fsp.logsumexp(-fnp.sum(d * d, axis=-1), axis=-1)) + fnp.sum(fnp.exp(-x * x))


def test_grad_vmap_and_jit_of_split_kernels_match_one_call_and_each_other(split):
    x, c = fnp.asarray(_RNG.standard_normal((120, 3))), fnp.asarray(_RNG.standard_normal((40, 3)))
    value, *grads = split_and_one(lambda: tuple(np.asarray(v) for v in (_loss(x, c), *fx.grad(_loss, (0, 1))(x, c))))
    np.testing.assert_allclose(np.asarray(fx.jit(_loss)(x, c)), value, rtol=1e-12)
    for g, w in zip(fx.jit(fx.grad(_loss, (0, 1)))(x, c), grads):
        np.testing.assert_allclose(np.asarray(g), w, rtol=1e-10, atol=1e-12)
    xs = fnp.stack([x, x * 0.5, x + 1])
    batched = split_and_one(lambda: np.asarray(fx.vmap(_loss, (0, None))(xs, c)))
    np.testing.assert_allclose(batched, [np.asarray(_loss(xi, c)) for xi in xs], rtol=1e-12)
    eps = 1e-6
    bump = np.zeros(x.shape)
    bump[5, 1] = eps
    fd = (np.asarray(_loss(x + bump, c)) - np.asarray(_loss(x - bump, c))) / (2 * eps)
    np.testing.assert_allclose(grads[0][5, 1], fd, rtol=1e-5)
