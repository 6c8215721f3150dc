"""NumPy names added to fluxion.numpy (manipulation, diagonals, polynomials, windows, histograms,
bits, index tricks, functional helpers, scalar types) against NumPy: values, dtypes, axes,
errors; jit against eager; gradients against central differences."""
import numpy as np
import pytest

import fluxion as fx
import fluxion.numpy as fnp
from fluxion.core.errors import ConcretizationError, ShapeError

from _arrays import check, raises, rand
from _tracing import traced


def close(out, expected, dtype=None, rtol=1e-6, atol=1e-9):
    """Values within tolerance, shape and dtype exact."""
    expected = np.asarray(expected)
    assert isinstance(out, fx.Array), type(out)
    assert out.shape == expected.shape, (out.shape, expected.shape)
    assert out.dtype == (expected.dtype if dtype is None else dtype), (out.dtype, expected.dtype)
    np.testing.assert_allclose(np.asarray(out), expected, rtol=rtol, atol=atol)


def same_under_jit(f, *args):
    eager, compiled = f(*args), fx.jit(f)(*args)
    for a, b in zip(fx.tree.leaves(eager), fx.tree.leaves(compiled)):
        assert a.shape == b.shape and a.dtype == b.dtype
        np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-5, atol=1e-6)


def grad_matches_differences(f, x, eps=1e-6):
    """fx.grad of a scalar function of one float64 array against central differences."""
    x = np.asarray(x, np.float64)
    g = np.asarray(fx.grad(lambda v: f(v))(fnp.asarray(x)))
    numeric = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        step = np.zeros_like(x)
        step[i] = eps
        numeric[i] = (float(f(fnp.asarray(x + step))) - float(f(fnp.asarray(x - step)))) / (2 * eps)
    np.testing.assert_allclose(g, numeric, rtol=1e-5, atol=1e-7)


# manipulation -------------------------------------------------------------------------------
@pytest.mark.parametrize("shape", [(3,), (0,), (3, 4), (4, 2), (0, 3)])
@pytest.mark.parametrize("k", [-2, 0, 1, 5])
def test_diag_and_diagflat_match_numpy(shape, k):
    x = np.arange(int(np.prod(shape))).reshape(shape)
    check(fnp.diag(fnp.asarray(x), k), np.diag(x, k))
    check(fnp.diagflat(fnp.asarray(x), k), np.diagflat(x, k))


def test_diag_rejects_other_ranks():
    with raises(ShapeError, "diag"):
        fnp.diag(fnp.zeros((2, 2, 2)))
    with raises(ShapeError, "diag"):
        fnp.diag(fnp.asarray(1.0))


@pytest.mark.parametrize("shape", [(2, 3), (2, 3, 4)])
def test_flips_and_rollaxis_match_numpy(shape):
    x = np.arange(int(np.prod(shape))).reshape(shape)
    check(fnp.fliplr(fnp.asarray(x)), np.fliplr(x))
    check(fnp.flipud(fnp.asarray(x)), np.flipud(x))
    for axis in range(-x.ndim, x.ndim):
        for start in range(-x.ndim, x.ndim + 1):
            check(fnp.rollaxis(fnp.asarray(x), axis, start), np.rollaxis(x, axis, start))
    with raises(ShapeError, "fliplr"):
        fnp.fliplr(fnp.zeros(3))
    with raises(ShapeError, "rollaxis"):
        fnp.rollaxis(fnp.asarray(x), 0, x.ndim + 1)


def test_append_matches_numpy():
    x, v = np.arange(6).reshape(2, 3), np.arange(3.0).reshape(1, 3)
    check(fnp.append(fnp.asarray(x), fnp.asarray(v)), np.append(x, v))
    check(fnp.append(fnp.asarray(x), fnp.asarray(v), axis=0), np.append(x, v, axis=0))
    check(fnp.append(fnp.asarray(x), fnp.asarray(x), axis=-1), np.append(x, x, axis=-1))
    check(fnp.append(fnp.zeros(0, dtype=fnp.int64), [1, 2]), np.append(np.zeros(0, np.int64), [1, 2]))


@pytest.mark.parametrize("obj, values, axis", [
    (1, [7, 8], None), (-1, 9, None), (3, 9, None), ([0, 3], 0, None), ([2, 0, 2], [7, 8, 9], None),
    (slice(0, 3, 2), [5, 6], None), ([], [], None), (1, [7, 8], 1), ([1], [[7], [8]], 1), (0, 9, 0),
    (2, [[7, 8, 9]], 0), ([1, 1], [7, 8], 1), (np.int64(2), 5, -1),
])
def test_insert_matches_numpy(obj, values, axis):
    x = np.arange(6).reshape(2, 3)
    check(fnp.insert(fnp.asarray(x), obj, values, axis=axis), np.insert(x, obj, values, axis=axis))


@pytest.mark.parametrize("places", [[5], [0, 99, 40], list(range(0, 100, 3)), list(range(100))])
def test_edits_of_few_and_many_places_match_numpy(places):  # (slices joined, or a gather past 32 places)
    x = np.arange(200.0).reshape(2, 100)
    for axis in (1, None):
        check(fnp.insert(fnp.asarray(x), places, -1.0, axis=axis), np.insert(x, places, -1.0, axis=axis))
        check(fnp.delete(fnp.asarray(x), places, axis=axis), np.delete(x, places, axis=axis))


def test_insert_casts_values_and_checks_indices():
    check(fnp.insert(fnp.asarray([1, 2]), 1, 2.7), np.insert(np.asarray([1, 2]), 1, 2.7))
    with raises(IndexError, "insert", "out of range"):
        fnp.insert(fnp.arange(3), 5, 0)
    with raises(ConcretizationError, "insert"):
        fx.jit(lambda i: fnp.insert(fnp.arange(3), i, 0))(fnp.asarray(1))


@pytest.mark.parametrize("obj, axis", [
    (0, None), (-1, None), ([0, 2, 2], None), (slice(1, None, 2), None), ([], None), (1, 1), ([0], 0),
    (np.array([True, False, True]), 1),
])
def test_delete_matches_numpy(obj, axis):
    x = np.arange(6.0).reshape(2, 3)
    check(fnp.delete(fnp.asarray(x), obj, axis=axis), np.delete(x, obj, axis=axis))


def test_delete_errors_name_the_problem():
    with raises(IndexError, "delete", "out of range"):
        fnp.delete(fnp.arange(3), 3)
    with raises(ShapeError, "delete", "mask"):
        fnp.delete(fnp.arange(3), np.array([True, False]))
    with raises(ConcretizationError, "delete"):
        fx.jit(lambda i: fnp.delete(fnp.arange(3), i))(fnp.asarray(1))


def test_block_matches_numpy():
    a, b = np.eye(2, dtype=np.int32), np.zeros((2, 1), np.float64)
    c, d = np.ones((1, 2), np.int32), np.full((1, 1), 5.0)
    for arrays in ([[a, b], [c, d]], [a, a], [[1, 2], [3, 4]], [np.arange(3), 4], 7, [[[a]]], [[np.zeros((2, 0)), a]]):
        expected = np.block(arrays)
        wrapped = fx.tree.map(lambda v: fnp.asarray(v) if isinstance(v, np.ndarray) else v, arrays)
        check(fnp.block(wrapped), expected)
    with raises(ValueError, "block", "depths"):
        fnp.block([[fnp.zeros(2)], fnp.zeros(2)])
    with raises(ValueError, "block", "empty"):
        fnp.block([])


@pytest.mark.parametrize("name, shape, arg", [
    ("hsplit", (4,), 2), ("hsplit", (2, 4), [1, 3]), ("vsplit", (4, 2), 2), ("vsplit", (3, 2, 1), [1]),
    ("dsplit", (1, 2, 4), 2), ("dsplit", (2, 2, 3), [0, 2]),
])
def test_axis_named_splits_match_numpy(name, shape, arg):
    x = np.arange(int(np.prod(shape))).reshape(shape)
    outs, expected = getattr(fnp, name)(fnp.asarray(x), arg), getattr(np, name)(x, arg)
    assert len(outs) == len(expected)
    for o, e in zip(outs, expected):
        check(o, e)
    with raises(ShapeError, name):
        getattr(fnp, name)(fnp.zeros(()), 1)


@pytest.mark.parametrize("shape, new", [((3,), (2, 4)), ((2, 2), 3), ((2, 3), (0,)), ((0,), (2, 2)), ((), (3,))])
def test_resize_matches_numpy(shape, new):
    x = np.arange(1, 1 + int(np.prod(shape)), dtype=np.float64).reshape(shape)
    check(fnp.resize(fnp.asarray(x), new), np.resize(x, new))


@pytest.mark.parametrize("trim", ["fb", "f", "b", "BF"])
def test_trim_zeros_matches_numpy(trim):
    x = np.array([0, 0, 3, 0, 4, 0])
    check(fnp.trim_zeros(fnp.asarray(x), trim), np.trim_zeros(x, trim))
    check(fnp.trim_zeros(fnp.zeros(3), trim), np.trim_zeros(np.zeros(3, np.float32), trim))
    m = np.zeros((4, 5), np.int64)
    m[1, 2] = m[2, 3] = 1
    check(fnp.trim_zeros(fnp.asarray(m), trim), np.trim_zeros(m, trim))
    check(fnp.trim_zeros(fnp.asarray(m), trim, axis=-1), np.trim_zeros(m, trim, axis=-1))


def test_trim_zeros_under_jit_and_bad_trim_raise():
    with raises(ConcretizationError, "trim_zeros"):
        fx.jit(fnp.trim_zeros)(fnp.asarray([0.0, 1.0]))
    with raises(ValueError, "trim_zeros"):
        fnp.trim_zeros(fnp.asarray([0.0, 1.0]), "x")


# diagonals and triangles --------------------------------------------------------------------
@pytest.mark.parametrize("n, k, m", [(3, 0, None), (3, 1, None), (3, -1, 5), (4, 2, 2), (0, 0, None), (2, -5, 3),
                                     (-1, 0, None), (-2, 1, 3), (3, 0, -1)])
def test_triangle_indices_match_numpy(n, k, m):
    for ours, theirs in ((fnp.tril_indices, np.tril_indices), (fnp.triu_indices, np.triu_indices)):
        for o, e in zip(ours(n, k, m), theirs(n, k, m)):
            check(o, e.astype(np.int64))
    x = np.zeros((max(n, 0), max(n if m is None else m, 0)))
    for ours, theirs in ((fnp.tril_indices_from, np.tril_indices_from), (fnp.triu_indices_from, np.triu_indices_from)):
        for o, e in zip(ours(fnp.asarray(x), k), theirs(x, k)):
            check(o, e.astype(np.int64))


def test_diag_indices_match_numpy():
    for n, ndim in ((3, 2), (2, 3), (0, 2)):
        for o, e in zip(fnp.diag_indices(n, ndim), np.diag_indices(n, ndim)):
            check(o, e.astype(np.int64))
    x = np.zeros((3, 3, 3))
    for o, e in zip(fnp.diag_indices_from(fnp.asarray(x)), np.diag_indices_from(x)):
        check(o, e.astype(np.int64))
    with raises(ShapeError, "diag_indices_from"):
        fnp.diag_indices_from(fnp.zeros((2, 3)))


@pytest.mark.parametrize("shape, val, wrap", [
    ((3, 3), 5, False), ((3, 3), [1, 2], False), ((5, 2), [7, 8, 9], False), ((7, 2), 4, True), ((2, 5), 3.5, False),
    ((3, 3, 3), [1, 2, 3], False), ((0, 0), 1, False),
])
def test_fill_diagonal_matches_numpy(shape, val, wrap):
    x = np.arange(int(np.prod(shape)), dtype=np.int64).reshape(shape)
    expected = x.copy()
    np.fill_diagonal(expected, val, wrap=wrap)
    check(fnp.fill_diagonal(fnp.asarray(x), val, wrap=wrap, inplace=False), expected)


def test_fill_diagonal_in_place_is_refused():
    with raises(ValueError, "fill_diagonal", "inplace=False"):
        fnp.fill_diagonal(fnp.zeros((2, 2)), 1.0)


# inspection ---------------------------------------------------------------------------------
def test_inspection_functions_match_numpy():
    for obj in (fnp.zeros((2, 3)), [[1, 2, 3]], 3.0, np.zeros((4, 0))):
        assert fnp.ndim(obj) == np.ndim(obj) and fnp.shape(obj) == np.shape(obj) and fnp.size(obj) == np.size(obj)
    assert fnp.size(fnp.zeros((2, 3)), 0) == 2
    assert [fnp.isscalar(v) for v in (1, 2.5, 1j, "a", np.float32(1), [1], fnp.zeros(1))] == \
        [True, True, True, True, True, False, False]
    assert fnp.isscalar(fnp.arange(3)[1])  # a 0-d Array plays the role of NumPy's scalars
    assert [fnp.iscomplexobj(v) for v in (fnp.zeros(2, dtype=fnp.complex64), [1.0], 1j, np.zeros(1, complex))] == \
        [True, False, True, True]
    assert fnp.isrealobj(fnp.zeros(2)) and not fnp.isrealobj(1j)
    assert [fnp.iterable(v) for v in (fnp.zeros(2), fnp.zeros(()), 3, [1])] == [True, False, False, True]
    traced = fx.jit(lambda x: fnp.zeros(fnp.size(x) + fnp.ndim(x)))(fnp.zeros((2, 3)))
    assert traced.shape == (8,)


# elementwise --------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_modf_and_spacing_match_numpy(dtype):
    x = np.array([2.5, -1.25, 0.0, -0.0, 3.0, -7.0, np.inf, -np.inf, np.nan, 1e-30, 1e30], dtype)
    frac, whole = fnp.modf(fnp.asarray(x))
    ef, ew = np.modf(x)
    check(frac, ef)
    check(whole, ew)
    assert np.array_equal(np.signbit(np.asarray(frac)), np.signbit(ef))
    with np.errstate(invalid="ignore"):
        check(fnp.spacing(fnp.asarray(x)), np.spacing(x))
    check(fnp.modf(fnp.asarray(3))[0], np.float32(0.0))
    same_under_jit(lambda v: (fnp.modf(v), fnp.spacing(v)), fnp.asarray(x))


def test_i0_matches_numpy():
    x = np.array([0.0, 0.5, -1.0, 3.0, 20.0, -50.0])
    close(fnp.i0(fnp.asarray(x)), np.i0(x), rtol=1e-12)
    close(fnp.i0(fnp.asarray(x[:4], dtype=fnp.float32)), np.i0(x[:4]).astype(np.float32), rtol=1e-5)
    assert fnp.i0(fnp.zeros((2, 0))).shape == (2, 0)
    # I0(x) = 1 + x**2 / 4 + x**4 / 64 + ...: its even derivatives at 0 are 1/2 and 3/8, odd ones 0
    d = fnp.i0
    for want in (0.0, 0.5, 0.0, 0.375):
        d = fx.grad(d)
        assert float(d(fnp.asarray(0.0, dtype=fnp.float64))) == want


def test_sort_complex_matches_numpy():
    z = np.array([1 + 2j, 1 - 1j, -3 + 0j, 1 + 2j, 0 + 5j])
    check(fnp.sort_complex(fnp.asarray(z)), np.sort_complex(z))
    x = np.array([[3.0, 1.0], [2.0, -1.0]])
    check(fnp.sort_complex(fnp.asarray(x)), np.sort_complex(x))
    check(fnp.sort_complex(fnp.asarray([3, 1, 2])), np.sort_complex(np.array([3, 1, 2])).astype(np.complex64))


# functional helpers -------------------------------------------------------------------------
def test_fromfunction_matches_numpy():
    f = lambda i, j: i * 10 + j  # noqa: E731
    check(fnp.fromfunction(f, (2, 3), dtype=int), np.fromfunction(f, (2, 3), dtype=int))
    check(fnp.fromfunction(f, (2, 3)), np.fromfunction(f, (2, 3)).astype(np.float32))


def test_piecewise_matches_numpy():
    x = np.linspace(-2, 2, 9)
    conds = [x < 0, x > 1]
    funcs = [lambda v: -v, 1.0, lambda v: v * 3]
    close(fnp.piecewise(fnp.asarray(x), [fnp.asarray(c) for c in conds], funcs), np.piecewise(x, conds, funcs))
    close(fnp.piecewise(fnp.asarray(x), [fnp.asarray(c) for c in conds], funcs[:2]), np.piecewise(x, conds, funcs[:2]))
    square = [lambda v: v * v]
    close(fnp.piecewise(fnp.asarray(x), fnp.asarray(x > 0), square), np.piecewise(x, x > 0, square))
    close(fnp.piecewise(fnp.asarray(2.0, dtype=fnp.float64), [True, False], [1.0, 2.0]),
          np.piecewise(np.float64(2.0), [True, False], [1.0, 2.0]))
    with raises(ValueError, "piecewise"):
        fnp.piecewise(fnp.asarray(x), [fnp.asarray(c) for c in conds], funcs[:1])
    same_under_jit(lambda v: fnp.piecewise(v, [v < 0, v > 1], funcs), fnp.asarray(x))


def test_vectorize_matches_numpy_broadcasting():
    f = lambda a, b: a * 2 + b  # noqa: E731
    a, b = rand((3, 1)), rand((4,), seed=1)
    close(fnp.vectorize(f)(fnp.asarray(a), fnp.asarray(b)), np.vectorize(f)(a, b))
    close(fnp.vectorize(f)(fnp.asarray(a), b=fnp.asarray(b)), np.vectorize(f)(a, b=b))
    close(fnp.vectorize(f)(fnp.asarray(2.0, dtype=fnp.float64), fnp.asarray(1.0, dtype=fnp.float64)), np.float64(5.0))
    assert fnp.vectorize(f)(fnp.zeros((0, 2)), fnp.zeros(2)).shape == (0, 2)


def test_vectorize_with_signature_and_excluded():
    m, v = rand((5, 2, 3)), rand((3,), seed=1)
    mv = fnp.vectorize(lambda a, b: a @ b, signature="(m,n),(n)->(m)")
    close(mv(fnp.asarray(m), fnp.asarray(v)), np.vectorize(lambda a, b: a @ b, signature="(m,n),(n)->(m)")(m, v))
    two = fnp.vectorize(lambda a: (fnp.sum(a), fnp.max(a)), signature="(n)->(),()")
    s, mx = two(fnp.asarray(m))
    close(s, m.sum(-1))
    close(mx, m.max(-1))
    scaled = fnp.vectorize(lambda a, scale, *, mode: a * scale if mode == "mul" else a + scale,
                           excluded={1, "mode"})
    close(scaled(fnp.asarray(m), 2.0, mode="mul"), m * 2)
    close(scaled(fnp.asarray(m), 2.0, mode="add"), m + 2)
    with raises(ValueError, "vectorize", "signature"):
        fnp.vectorize(lambda a: a, signature="(n)")
    with raises(ShapeError, "vectorize", "core dimension"):
        mv(fnp.asarray(m), fnp.zeros(4))
    with raises(ShapeError, "vectorize"):
        fnp.vectorize(lambda a: a, signature="(n)->()")(fnp.zeros(3))
    same_under_jit(mv, fnp.asarray(m), fnp.asarray(v))


@pytest.mark.parametrize("axis", [0, 1, -1])
def test_apply_along_axis_matches_numpy(axis):
    x = rand((2, 3, 4))
    pairs = [(fnp.sum, np.sum), (lambda a: a[::-1] * 2, lambda a: a[::-1] * 2),
             (lambda a: fnp.outer(a, a), lambda a: np.outer(a, a))]
    for ours, theirs in pairs:
        close(fnp.apply_along_axis(ours, axis, fnp.asarray(x)), np.apply_along_axis(theirs, axis, x))
    close(fnp.apply_along_axis(fnp.sum, 0, fnp.asarray(rand((5,)))), np.apply_along_axis(np.sum, 0, rand((5,))))
    same_under_jit(lambda v: fnp.apply_along_axis(fnp.sort, axis, v), fnp.asarray(x))


def test_apply_over_axes_matches_numpy():
    x = rand((2, 3, 4))
    close(fnp.apply_over_axes(fnp.sum, fnp.asarray(x), [0, 2]), np.apply_over_axes(np.sum, x, [0, 2]))
    close(fnp.apply_over_axes(fnp.cumsum, fnp.asarray(x), -1), np.apply_over_axes(np.cumsum, x, -1))


# products -----------------------------------------------------------------------------------
@pytest.mark.parametrize("ms, vs", [((2, 3), (3,)), ((4, 2, 3), (3,)), ((2, 3), (5, 3)), ((1, 2, 3), (4, 1, 3)),
                                    ((0, 3), (3,)), ((2, 0), (0,))])
def test_matvec_and_vecmat_match_numpy(ms, vs):
    for dtype in (np.float64, np.complex128):
        m, v = rand(ms, dtype=dtype), rand(vs, seed=1, dtype=dtype)
        close(fnp.matvec(fnp.asarray(m), fnp.asarray(v)), np.matvec(m, v), rtol=1e-12)
        mt = np.swapaxes(m, -1, -2)
        close(fnp.vecmat(fnp.asarray(v), fnp.asarray(mt)), np.vecmat(v, mt), rtol=1e-12)
    with raises(ShapeError, "matvec"):
        fnp.matvec(fnp.zeros((2, 3)), fnp.zeros(2))
    with raises(ShapeError, "vecmat"):
        fnp.vecmat(fnp.zeros(3), fnp.zeros(3))


# functional updates -------------------------------------------------------------------------
@pytest.mark.parametrize("ind, v, mode", [([0, 3], [5, 6], None), ([1, 2, 4], 9, None), ([-1], [7], None),
                                          ([0, 1, 5], [1, 2], None), ([7, -9], [1, 2], "wrap"), ([7, -9], 3, "clip")])
def test_put_matches_numpy(ind, v, mode):
    x = np.arange(6).reshape(2, 3)
    expected = x.copy()
    np.put(expected, ind, v, mode=mode or "raise")
    check(fnp.put(fnp.asarray(x), ind, v, mode=mode, inplace=False), expected)


def test_put_and_place_refuse_in_place_and_bad_indices():
    with raises(ValueError, "put", "inplace=False"):
        fnp.put(fnp.zeros(3), [0], 1.0)
    with raises(ValueError, "place", "inplace=False"):
        fnp.place(fnp.zeros(3), [True, False, False], 1.0)
    with raises(IndexError):
        fnp.put(fnp.zeros(3), [3], 1.0, inplace=False)


@pytest.mark.parametrize("mask_seed, vals", [(0, [10, 20]), (1, [5]), (2, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10])])
def test_place_matches_numpy(mask_seed, vals):
    x = np.arange(12.0).reshape(3, 4)
    mask = np.random.default_rng(mask_seed).random((3, 4)) > 0.5
    expected = x.copy()
    np.place(expected, mask, vals)
    check(fnp.place(fnp.asarray(x), fnp.asarray(mask), vals, inplace=False), expected)
    same_under_jit(lambda a, m: fnp.place(a, m, vals, inplace=False), fnp.asarray(x), fnp.asarray(mask))


# polynomials --------------------------------------------------------------------------------
@pytest.mark.parametrize("a1, a2", [([1, 2], [10, 20, 30]), ([1.5, -2.0, 3.0], [2.0]), ([1, 2, 3], [4, 5, 6]),
                                    ([3], [2])])
def test_polynomial_arithmetic_matches_numpy(a1, a2):
    x1, x2 = np.asarray(a1), np.asarray(a2)
    for name in ("polyadd", "polysub", "polymul"):
        check(getattr(fnp, name)(fnp.asarray(x1), fnp.asarray(x2)), getattr(np, name)(x1, x2))
    q, r = fnp.polydiv(fnp.asarray(x1, dtype=fnp.float64), fnp.asarray(x2, dtype=fnp.float64))
    eq, er = np.polydiv(x1.astype(float), x2.astype(float))
    close(q, eq, rtol=1e-12)
    close(r, er, rtol=1e-12, atol=1e-12)


def test_polydiv_without_trimming_works_under_jit():
    u, v = fnp.asarray([1.0, 0.0, -1.0], dtype=fnp.float64), fnp.asarray([1.0, 1.0], dtype=fnp.float64)
    f = lambda a, b: fnp.polydiv(a, b, trim_leading_zeros=False)  # noqa: E731
    same_under_jit(f, u, v)
    close(f(u, v)[1], [0.0, 0.0, 0.0])
    with raises(ConcretizationError, "polydiv", "trim_leading_zeros=False"):
        fx.jit(fnp.polydiv)(u, v)


@pytest.mark.parametrize("p", [[1, 1, 1, 1], [2.0, -3.0, 0.5], [4], [1.0, 0.0]])
@pytest.mark.parametrize("m", [0, 1, 2, 4])
def test_polyder_and_polyint_match_numpy(p, m):
    p = np.asarray(p)
    check(fnp.polyder(fnp.asarray(p), m), np.polyder(p, m))
    expected = np.polyint(p.astype(np.float64), m, k=[1.0, 2.0, 3.0, 4.0][:m] if m else None)
    close(fnp.polyint(fnp.asarray(p.astype(np.float64)), m, k=[1.0, 2.0, 3.0, 4.0][:m] if m else None), expected,
          rtol=1e-12)
    close(fnp.polyint(fnp.asarray(p.astype(np.float64)), m, k=2.0), np.polyint(p.astype(np.float64), m, k=2.0),
          rtol=1e-12)
    with raises(ValueError, "polyder"):
        fnp.polyder(fnp.asarray(p), -1)


def test_polyfit_matches_numpy():
    x = np.linspace(-1, 1, 12)
    y = 3 * x ** 3 - x + 0.1 * np.sin(7 * x)
    w = 1 + x ** 2
    for deg in (0, 1, 3, 5):
        close(fnp.polyfit(fnp.asarray(x), fnp.asarray(y), deg), np.polyfit(x, y, deg), rtol=1e-8, atol=1e-10)
        close(fnp.polyfit(fnp.asarray(x), fnp.asarray(y), deg, w=fnp.asarray(w)), np.polyfit(x, y, deg, w=w),
              rtol=1e-8, atol=1e-10)
    y2 = np.stack([y, 2 * y + 1], axis=1)
    close(fnp.polyfit(fnp.asarray(x), fnp.asarray(y2), 2), np.polyfit(x, y2, 2), rtol=1e-8, atol=1e-10)
    c, res, rank, sv, rcond = fnp.polyfit(fnp.asarray(x), fnp.asarray(y), 2, full=True)
    ec, eres, erank, esv, ercond = np.polyfit(x, y, 2, full=True)
    close(res, eres, rtol=1e-8)
    assert int(rank) == erank and rcond == pytest.approx(ercond)
    close(sv, esv, rtol=1e-8)
    close(fnp.polyfit(fnp.asarray(x, dtype=fnp.float32), fnp.asarray(y, dtype=fnp.float32), 2),
          np.polyfit(x, y, 2).astype(np.float32), rtol=1e-3, atol=1e-4)
    same_under_jit(lambda a, b: fnp.polyfit(a, b, 3), fnp.asarray(x), fnp.asarray(y))
    with raises(ShapeError, "polyfit"):
        fnp.polyfit(fnp.asarray(x), fnp.asarray(y[:-1]), 1)


def test_poly_and_roots_match_numpy():
    for z in ([1.0, 2.0], [0.5, -1.0, 3.0], [1 + 1j, 1 - 1j, 2.0], []):
        z = np.asarray(z, np.complex128 if np.iscomplexobj(z) else np.float64)
        expected = np.poly(z)
        close(fnp.poly(fnp.asarray(z)), expected.astype(z.dtype) if z.size else np.asarray(1.0), rtol=1e-12, atol=1e-12)
    a = rand((4, 4))
    close(fnp.poly(fnp.asarray(a)), np.real(np.poly(a)), rtol=1e-9, atol=1e-12)
    for p in ([1.0, -3.0, 2.0], [0.0, 2.0, 0.0, -8.0, 0.0, 0.0], [1.0, 0.0, 1.0], [5.0], [0.0, 0.0]):
        p = np.asarray(p)
        ours, theirs = np.asarray(fnp.roots(fnp.asarray(p))), np.roots(p).astype(np.complex128)
        assert ours.dtype == np.complex128 and ours.shape == theirs.shape
        np.testing.assert_allclose(np.sort_complex(ours), np.sort_complex(theirs), atol=1e-9)
    same_under_jit(lambda p: fnp.roots(p, strip_zeros=False), fnp.asarray([1.0, -3.0, 2.0]))
    with raises(ConcretizationError, "roots", "strip_zeros=False"):
        fx.jit(fnp.roots)(fnp.asarray([1.0, -3.0, 2.0]))


# windows ------------------------------------------------------------------------------------
@pytest.mark.parametrize("M", [-1, 0, 1, 2, 5, 16])
def test_windows_match_numpy(M):
    for name in ("bartlett", "blackman", "hamming", "hanning"):
        close(getattr(fnp, name)(M), getattr(np, name)(M).astype(np.float32), rtol=1e-6, atol=1e-7)
    close(fnp.kaiser(M, 6.0), np.kaiser(M, 6.0).astype(np.float32), rtol=1e-5, atol=1e-7)
    same_under_jit(lambda b: fnp.kaiser(7, b), fnp.asarray(3.0))


# histograms ---------------------------------------------------------------------------------
def test_histogram_takes_a_0d_array_as_the_number_of_bins():
    counts, edges = fnp.histogram(fnp.asarray([0.0, 1.0, 3.0]), bins=fnp.asarray(3))
    check(counts, np.array([1, 1, 1]))
    check(edges, np.array([0.0, 1.0, 2.0, 3.0], np.float32))


def test_histogram_of_traced_data_needs_bins_that_do_not_depend_on_it():
    with raises(ConcretizationError, "histogram", "'auto'", "traced data", "number of bins"):
        traced(lambda x: fnp.histogram(x, bins="auto"), fnp.zeros(3))
    edges = traced(lambda bins: fnp.histogram_bin_edges(fnp.zeros(3), bins), fnp.arange(4.0))  # (as given)
    np.testing.assert_array_equal(np.asarray(edges), np.arange(4.0))
    with raises(ConcretizationError, "static_argnums"):  # a traced count of bins: not taken for edges
        fx.jit(lambda x, n: fnp.histogram(x, bins=n))(fnp.zeros(3), 4)


def test_histogram_weights_given_as_a_list_of_traced_values_keep_their_derivative():
    data = fnp.asarray([0.1, 0.9, 0.4, 0.6])
    f = lambda v: fnp.histogram(data, bins=2, range=(0.0, 1.0), weights=[v[0], v[1] ** 2, v[0] * v[1], 1.0])[0]
    v = np.array([0.3, 0.7])
    fd = np.stack([(np.asarray(f(fnp.asarray(v + e))) - np.asarray(f(fnp.asarray(v - e)))) / 2e-3
                   for e in np.eye(2) * 1e-3], axis=1)
    for jac in (fx.jacrev(f), fx.jacfwd(f), fx.jit(fx.jacrev(f))):
        np.testing.assert_allclose(jac(fnp.asarray(v)), fd, rtol=1e-3)


def test_histogramdd_and_histogram2d_match_numpy():
    rng = np.random.default_rng(0)
    s = rng.standard_normal((50, 3))
    w = rng.random(50)
    for bins, rng_, weights, density in ((4, None, None, False), ([2, 3, 4], None, w, False),
                                         (3, [(-1, 1), (-2, 2), (0, 3)], None, True),
                                         ([np.array([-3, 0, 3.0]), 2, np.linspace(-1, 1, 5)], None, w, True)):
        ours_w = None if weights is None else fnp.asarray(weights)
        h, edges = fnp.histogramdd(fnp.asarray(s), bins, rng_, density, ours_w)
        eh, eedges = np.histogramdd(s, bins, rng_, density=density, weights=weights)
        close(h, eh, rtol=1e-9)
        for e, ee in zip(edges, eedges):
            close(e, ee, rtol=1e-12)
    x, y = s[:, 0], s[:, 1]
    for bins in (5, [3, 4], np.linspace(-2, 2, 6), [np.linspace(-2, 2, 3), np.linspace(-1, 1, 4)]):
        h, xe, ye = fnp.histogram2d(fnp.asarray(x), fnp.asarray(y), bins)
        eh, exe, eye = np.histogram2d(x, y, bins)
        close(h, eh)
        close(xe, exe, rtol=1e-12)
        close(ye, eye, rtol=1e-12)
    h, _, _ = fnp.histogram2d(fnp.asarray([0, 1, 1, 2]), fnp.asarray([0, 0, 1, 2]), 2)
    close(h, np.histogram2d([0, 1, 1, 2], [0, 0, 1, 2], 2)[0].astype(np.float32))


def test_histogramdd_traced_takes_edges_or_counts_of_bins():
    s = fnp.asarray(rand((20, 2)))
    same_under_jit(lambda a: fnp.histogramdd(a, 3, [(-2, 2), (-2, 2)], True)[0], s)
    same_under_jit(lambda a: fnp.histogramdd(a, 3)[0], s)
    with raises(ConcretizationError, "histogramdd", "'auto'", "number of bins"):
        fx.jit(lambda a: fnp.histogramdd(a, "auto")[0])(s)


# bits ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("shape, axis", [((13,), None), ((3, 10), 1), ((3, 10), 0), ((2, 3, 9), -1), ((0,), None),
                                         ((4, 0), 1)])
@pytest.mark.parametrize("bitorder", ["big", "little"])
def test_packbits_and_unpackbits_match_numpy(shape, axis, bitorder):
    x = np.random.default_rng(1).integers(0, 3, shape)
    packed = np.packbits(x, axis=axis, bitorder=bitorder)
    check(fnp.packbits(fnp.asarray(x), axis=axis, bitorder=bitorder), packed)
    check(fnp.packbits(fnp.asarray(x > 0), axis=axis, bitorder=bitorder), packed)
    for count in (None, 3, -2, 20):
        if count == -2 and packed.shape[-1 if axis is None else axis] == 0:
            with raises(ValueError, "unpackbits", "count"):
                fnp.unpackbits(fnp.asarray(packed), axis=axis, count=count)
            continue
        expected = np.unpackbits(packed, axis=axis, count=count, bitorder=bitorder)
        if not packed.size:  # NumPy (2.4) leaves the padding bits of an empty input uninitialized: they are 0
            expected = np.zeros_like(expected)
        check(fnp.unpackbits(fnp.asarray(packed), axis=axis, count=count, bitorder=bitorder), expected)
    same_under_jit(lambda v: fnp.unpackbits(fnp.packbits(v, axis=axis), axis=axis), fnp.asarray(x))


def test_bits_reject_wrong_dtypes():
    with raises(TypeError, "packbits"):
        fnp.packbits(fnp.zeros(3))
    with raises(TypeError, "unpackbits"):
        fnp.unpackbits(fnp.asarray([1, 2]))
    with raises(ValueError, "packbits", "bitorder"):
        fnp.packbits(fnp.asarray([1]), bitorder="middle")


# index tricks -------------------------------------------------------------------------------
def test_grids_match_numpy():
    check(fnp.mgrid[0:3, 1:4:2], np.mgrid[0:3, 1:4:2])
    check(fnp.mgrid[0:1:5j, 0:2], np.mgrid[0:1:5j, 0:2].astype(np.float32))
    check(fnp.mgrid[0:2:0.5], np.mgrid[0:2:0.5].astype(np.float32))
    check(fnp.mgrid[-1:1:3j], np.mgrid[-1:1:3j].astype(np.float32))
    for ours, theirs in zip(fnp.ogrid[0:3, 0:1:4j], np.ogrid[0:3, 0:1:4j]):
        check(ours, theirs.astype(np.float32))
    check(fnp.ogrid[2:5], np.ogrid[2:5])


def test_concatenators_match_numpy():
    a, b = np.array([1, 2, 3]), np.array([4, 5, 6])
    check(fnp.r_[fnp.asarray(a), 0, 0, fnp.asarray(b)], np.r_[a, 0, 0, b])
    check(fnp.r_[0:4, 9, 0:1:3j], np.r_[0:4, 9, 0:1:3j].astype(np.float32))
    check(fnp.r_[fnp.asarray(a, dtype=fnp.int8), 3], np.r_[a.astype(np.int8), 3])
    check(fnp.c_[fnp.asarray(a), fnp.asarray(b)], np.c_[a, b])
    check(fnp.c_[fnp.asarray([[1, 2, 3]]), 0, 0, fnp.asarray([[4, 5, 6]])], np.c_[np.array([[1, 2, 3]]), 0, 0,
                                                                                 np.array([[4, 5, 6]])])
    assert fnp.s_[1:3] == np.s_[1:3] and fnp.s_[::2, ..., None] == np.s_[::2, ..., None] and fnp.s_[4] == 4
    assert fnp.index_exp[1:3] == np.index_exp[1:3] and fnp.index_exp[1, :] == np.index_exp[1, :]


# scalar types and constants -----------------------------------------------------------------
def test_scalar_type_names_and_hierarchy():
    assert (fnp.bool_, fnp.int_, fnp.uint, fnp.single, fnp.double, fnp.csingle, fnp.cdouble) == \
        (fnp.bool, fnp.int64, fnp.uint64, fnp.float32, fnp.float64, fnp.complex64, fnp.complex128)
    assert (fnp.float_, fnp.complex_) == (fnp.float64, fnp.complex128)
    assert fnp.dtype("float32") == fnp.float32 and fnp.zeros(2, dtype=fnp.double).dtype == np.float64
    # as NumPy's scalar types (not its dtypes, where dtype(None) is float64): None is no dtype
    assert all((t == None) is (getattr(np, t.__name__) == None) is False for t in (fnp.float64, fnp.int32))  # noqa: E711
    assert fnp.euler_gamma == pytest.approx(np.euler_gamma, abs=0)
    x = fnp.ones(3)
    assert fnp.issubdtype(x.dtype, fnp.floating) and fnp.issubdtype(x.dtype, fnp.inexact)
    assert not fnp.issubdtype(x.dtype, fnp.integer) and not fnp.issubdtype(x.dtype, fnp.flexible)
    for dt in (fnp.bool, fnp.int8, fnp.uint16, fnp.bfloat16, fnp.float64, fnp.complex64):
        for abstract in (fnp.generic, fnp.number, fnp.integer, fnp.signedinteger, fnp.unsignedinteger, fnp.inexact,
                         fnp.floating, fnp.complexfloating, fnp.flexible, fnp.character):
            expected = np.issubdtype(np.float32 if dt == fnp.bfloat16 else dt, abstract)
            assert fnp.issubdtype(dt, abstract) == expected, (dt, abstract)
    assert fnp.issubdtype(fnp.floating, fnp.inexact) and not fnp.issubdtype(fnp.inexact, fnp.floating)


# jit and gradients --------------------------------------------------------------------------
def test_traceable_names_give_the_same_under_jit():
    x = fnp.asarray(rand((4, 4)))
    same_under_jit(lambda v: (fnp.diag(v, 1), fnp.diag(fnp.diag(v), -1), fnp.diagflat(v[:2])), x)
    same_under_jit(lambda v: (fnp.insert(v, [0, 2], 7.0, axis=1), fnp.delete(v, [1], axis=0), fnp.append(v, v)), x)
    same_under_jit(lambda v: fnp.fill_diagonal(v, fnp.asarray([1.0, 2.0]), inplace=False), x)
    same_under_jit(lambda v: (fnp.block([[v, v], [v, v]]), fnp.resize(v, (3, 7)), fnp.rollaxis(v, 1)), x)
    same_under_jit(lambda v: (fnp.matvec(v, v[0]), fnp.vecmat(v[0], v)), x)
    same_under_jit(lambda v: (fnp.poly(v), fnp.polymul(v[0], v[1]), fnp.polyint(v[0], 2), fnp.polyder(v[0])), x)
    same_under_jit(lambda v: fnp.put(v, fnp.asarray([1, 5]), v[0, :2], inplace=False), x)
    same_under_jit(lambda v: fnp.vectorize(lambda a, b: a * b + 1)(v, v[0]), x)


@pytest.mark.parametrize("name, f, shape", [
    ("diag", lambda v: fnp.sum(fnp.diag(v, 1) ** 2 * fnp.arange(16.0).reshape(4, 4)), (3,)),
    ("diag2d", lambda v: fnp.sum(fnp.sin(fnp.diag(v, -1))), (3, 4)),
    ("append", lambda v: fnp.sum(fnp.append(v, v * v) * fnp.arange(12.0)), (2, 3)),
    ("insert", lambda v: fnp.sum(fnp.insert(v[1:], [0, 2], v[:2] ** 2) * fnp.arange(5.0)), (4,)),
    ("polyval_polyfit", lambda v: fnp.sum(fnp.polyval(fnp.polyfit(fnp.linspace(0.0, 1.0, 5, dtype=fnp.float64), v, 2),
                                                      fnp.asarray([0.3, 1.7], dtype=fnp.float64)) ** 2), (5,)),
    ("fill_diagonal", lambda v: fnp.sum(fnp.fill_diagonal(v, v[0] ** 2, inplace=False) ** 2 * fnp.arange(9.0)
                                        .reshape(3, 3)), (3, 3)),
    ("vectorize", lambda v: fnp.sum(fnp.vectorize(lambda a, b: fnp.sin(a) * b)(v, v[0])), (3, 2)),
    ("apply_along_axis", lambda v: fnp.sum(fnp.apply_along_axis(lambda r: fnp.cumsum(r * r), 1, v) ** 2), (2, 3)),
    ("matvec", lambda v: fnp.sum(fnp.matvec(v, fnp.cos(v[0])) ** 2), (3, 3)),
])
def test_grad_matches_central_differences(name, f, shape):
    grad_matches_differences(f, rand(shape, seed=3))


def test_piecewise_takes_numpy_conditions_and_poly_stays_monic_and_size_checks_axes():
    x = np.array([-1.0, 2.0])
    np.testing.assert_array_equal(np.asarray(fnp.piecewise(x, x < 0, [lambda v: -v, 7.0])),
                                  np.piecewise(x, x < 0, [lambda v: -v, 7.0]))
    zero_d = np.array(2.0)
    assert float(fnp.piecewise(zero_d, zero_d > 0, [lambda v: v * 3])) == 6.0
    for roots in ([np.inf], [2.0, np.nan], [1.0, 2.0, 3.0], [-0.5]):
        np.testing.assert_array_equal(np.asarray(fnp.poly(np.array(roots))), np.poly(roots))
    a = np.zeros((2, 3))
    assert fnp.size(a, axis=(0, 1)) == 6 and fnp.size(a, axis=-1) == 3
    with pytest.raises(IndexError, match="out of range"):
        fnp.size(a, axis=2)


def _leaky_relu(t):
    if t > 0:
        return t * 2.0
    return t * 0.1


def _flip_negative_rows(r):
    return r if fnp.sum(r) > 0 else -r


def test_vectorize_and_apply_along_axis_convert_python_branches_as_numpy_runs_them():
    x = np.array([1.5, -1.0, 0.0, 3.0])
    expected = np.vectorize(_leaky_relu)(x)
    for got in (fnp.vectorize(_leaky_relu)(x), fx.jit(fnp.vectorize(_leaky_relu))(fnp.asarray(x))):
        np.testing.assert_allclose(np.asarray(got), expected)
    np.testing.assert_allclose(np.asarray(fx.grad(lambda v: fnp.sum(fnp.vectorize(_leaky_relu)(v)))(fnp.asarray(x))),
                               np.where(x > 0, 2.0, 0.1))
    rows = np.array([[1.0, 2.0], [-3.0, 1.0]])
    np.testing.assert_allclose(np.asarray(fnp.apply_along_axis(_flip_negative_rows, 1, rows)),
                               np.apply_along_axis(_flip_negative_rows, 1, rows))
