"""fluxion.numpy products (matmul, tensordot, vecdot, einsum, dot, inner, outer, vdot, kron, cross) and
diagonal/trace against NumPy, and traced against eager."""
import warnings

import ml_dtypes
import numpy as np
import pytest
from hypothesis import given, strategies as st
from hypothesis.extra import numpy as hnp

import fluxion.numpy as fnp
from fluxion.core.errors import DTypeError, ShapeError

from _tracing import traced

BF16 = np.dtype(ml_dtypes.bfloat16)
DTYPES = [np.bool_, np.int8, np.uint8, np.int32, np.int64, np.float32, np.float64, np.complex64, np.complex128]
TOL = {"f": 1e-5, "c": 1e-5}


def _values(rng, shape, dt):
    """Small integers in `dt`, so that products are exact in every dtype."""
    dt = np.dtype(dt)
    if dt == np.bool_:
        return rng.integers(0, 2, shape).astype(bool)
    x = rng.integers(0 if dt.kind == "u" else -3, 4, shape)
    if dt.kind == "c":
        x = x + 1j * rng.integers(-3, 4, shape)
    return x.astype(dt)


def _same(got, want):
    want = np.asarray(want)
    assert got.shape == want.shape, (got.shape, want.shape)
    assert got.dtype == want.dtype, (got.dtype, want.dtype)
    if want.dtype.kind in "fc":
        np.testing.assert_allclose(np.asarray(got), want, rtol=TOL[want.dtype.kind], atol=TOL[want.dtype.kind])
    else:
        np.testing.assert_array_equal(np.asarray(got), want)


# matmul ----------------------------------------------------------------------------------------
@given(hnp.mutually_broadcastable_shapes(signature=np.matmul.signature, max_dims=3, max_side=4),
       st.sampled_from(DTYPES), st.integers(0, 2**32 - 1))
def test_matmul_matches_numpy_over_broadcast_shapes_and_dtypes(shapes, dt, seed):
    rng = np.random.default_rng(seed)
    a, b = (_values(rng, s, dt) for s in shapes.input_shapes)
    _same(fnp.matmul(a, b), np.matmul(a, b))


@pytest.mark.parametrize("s1,s2", [((3,), (3,)), ((3,), (3, 4)), ((2, 3), (3,)), ((5, 2, 3), (3,)), ((3,), (5, 3, 4)),
                                   ((5, 1, 2, 3), (4, 3, 2)), ((2, 3), (6, 3, 4)), ((0, 3), (3, 0)), ((2, 0), (0, 2))])
def test_matmul_one_dimensional_operands_and_batch_broadcasting(s1, s2):
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal(s1), rng.standard_normal(s2)
    _same(fnp.matmul(a, b), np.matmul(a, b))
    _same(fnp.asarray(a) @ fnp.asarray(b), a @ b)


@pytest.mark.parametrize("dt", [np.float32, np.float64, np.complex64, np.float16, np.int32])
@pytest.mark.parametrize("s1,s2", [((3,), (3,)), ((2, 3), (3,)), ((3,), (5, 3, 4)), ((5, 2, 3), (3, 4)),
                                   ((1, 2, 3), (5, 3, 4)), ((6, 1, 2, 3), (5, 3, 4)), ((0, 3), (3, 4)), ((2, 0), (0, 4))])
@pytest.mark.parametrize("weak", [(False, False), (True, False), (True, True)])
def test_eager_matmul_matches_the_traced_general_path_bit_for_bit(dt, s1, s2, weak):
    rng = np.random.default_rng(3)
    a, b = (fnp.asarray(rng.standard_normal(s).astype(dt)) for s in (s1, s2))
    if a.size and a.dtype.kind in "fc":
        a = a.at[(0,) * a.ndim].set(np.nan)  # a NaN spreads along its row
    a, b = (fnp.Array(np.asarray(v), w) for v, w in zip((a, b), weak))
    want = traced(lambda x, y: x @ y, a, b)
    for got in (a @ b, fnp.matmul(a, b)):
        assert (got.shape, got.dtype, got.weak) == (want.shape, want.dtype, want.weak)
        assert np.asarray(got).tobytes() == np.asarray(want).tobytes()
        assert got._value.__class__ is np.ndarray  # also for two vectors, where NumPy gives a scalar
    if want.shape == a.shape and want.dtype == a.dtype:
        c = fnp.Array(np.asarray(a), weak[0])
        c @= b
        assert np.asarray(c).tobytes() == np.asarray(want).tobytes()


def test_eager_matmul_errors_are_the_general_paths():
    with pytest.raises(ShapeError, match="columns"):
        fnp.ones((2, 3)) @ fnp.ones((4, 5))
    with pytest.raises(ShapeError, match="columns"):
        fnp.ones(3) @ fnp.ones(4)
    with pytest.raises(ShapeError, match="broadcast"):
        fnp.ones((2, 2, 3)) @ fnp.ones((3, 3, 4))
    with pytest.raises(ShapeError, match="at least one dimension"):
        fnp.ones(()) @ fnp.ones(())


def test_matmul_promotes_mixed_dtypes():
    out = fnp.matmul(fnp.ones((2, 2), dtype=fnp.int32), fnp.ones((2, 2), dtype=fnp.float32))
    assert out.dtype == np.float32
    assert fnp.matmul(np.ones((2, 2), np.float32), np.ones((2, 2), np.float64)).dtype == np.float64


def test_matmul_of_16_bit_floats_keeps_the_dtype():
    for dt in (BF16, np.float16):
        x = np.full((2, 300), 1.0, dt)
        out = fnp.matmul(x, x.T)
        assert out.dtype == dt and np.asarray(out).astype(np.float32).tolist() == [[300.0] * 2] * 2


def test_matmul_of_booleans_is_an_or_of_ands():
    a = np.array([[True, False], [False, False]])
    _same(fnp.matmul(a, a), np.matmul(a, a))


def test_matmul_rejects_zero_dimensional_operands():
    with pytest.raises(ShapeError, match="at least one dimension") as e:
        fnp.matmul(fnp.asarray(2.0), fnp.ones(3))
    assert "multiply" in str(e.value)


def test_matmul_error_for_mismatched_inner_sizes_names_the_shapes():
    with pytest.raises(ShapeError) as e:
        fnp.matmul(fnp.ones((2, 3)), fnp.ones((4, 5)))
    msg = str(e.value)
    assert "(2, 3)" in msg and "(4, 5)" in msg and "fix:" in msg and ".mT" in msg


def test_matmul_error_for_unbroadcastable_batches():
    with pytest.raises(ShapeError, match="broadcast"):
        fnp.matmul(fnp.ones((2, 3, 3)), fnp.ones((4, 3, 3)))


# tensordot, vecdot -------------------------------------------------------------------------------
@pytest.mark.parametrize("s1,s2,axes", [((2, 3), (4, 5), 0), ((2, 3), (3, 4), 1), ((2, 3, 4), (3, 4, 5), 2),
                                        ((2, 3, 4), (4, 3, 5), ([1, 2], [1, 0])), ((2, 3), (3, 4), ([-1], [0])),
                                        ((2, 3), (4, 3), (1, 1)), ((2, 3), (4,), ([], [])), ((), (2,), 0)])
def test_tensordot_matches_numpy(s1, s2, axes):
    rng = np.random.default_rng(1)
    a, b = rng.standard_normal(s1), rng.standard_normal(s2)
    _same(fnp.tensordot(a, b, axes=axes), np.tensordot(a, b, axes=axes))


@pytest.mark.parametrize("axes,err,match", [(4, ShapeError, "between 0"), (-1, ShapeError, "between 0"),
                                            (([0], [0, 1]), ShapeError, "1 axes of x1 but 2"),
                                            (([0], [0]), ShapeError, "size"), ("ab", TypeError, "integers"),
                                            (1.5, TypeError, "pair"),
                                            (([0, 0], [1, 2]), ShapeError, "repeat"),
                                            (([5], [0]), ShapeError, "out of range")])
def test_tensordot_errors(axes, err, match):
    with pytest.raises(err, match=match):
        fnp.tensordot(fnp.ones((2, 3, 4)), fnp.ones((3, 4, 5)), axes=axes)


@pytest.mark.parametrize("s1,s2,axis", [((4, 3), (3,), -1), ((2, 4, 3), (4, 3), -2), ((3, 4), (3, 4), 0),
                                        ((1, 3), (5, 3), -1), ((0, 3), (3,), -1)])
@pytest.mark.parametrize("dt", [np.int32, np.float64, np.complex128])
def test_vecdot_conjugates_x1_and_broadcasts(s1, s2, axis, dt):
    rng = np.random.default_rng(2)
    a, b = _values(rng, s1, dt), _values(rng, s2, dt)
    _same(fnp.vecdot(a, b, axis=axis), np.vecdot(a, b, axis=axis))


def test_vecdot_errors():
    with pytest.raises(ShapeError, match="3 and 4 elements"):
        fnp.vecdot(fnp.ones(3), fnp.ones(4))
    with pytest.raises(ShapeError, match="both shapes"):
        fnp.vecdot(fnp.ones((2, 3)), fnp.ones(3), axis=-2)
    with pytest.raises(ShapeError, match="at least one dimension"):
        fnp.vecdot(fnp.asarray(1.0), fnp.ones(3))


# einsum ------------------------------------------------------------------------------------------
EINSUM_CASES = [
    ("ij,jk->ik", [(2, 3), (3, 4)]), ("ij,jk", [(2, 3), (3, 4)]), ("ij,jk,kl->il", [(2, 3), (3, 4), (4, 5)]),
    ("ij,jk,k", [(2, 3), (3, 4), (4,)]), ("ii", [(3, 3)]), ("ii->i", [(3, 3)]), ("iij->j", [(3, 3, 2)]),
    ("iji->j", [(3, 2, 3)]), ("ij->", [(2, 3)]), ("ij->j", [(2, 3)]), ("ji", [(2, 3)]), ("ij->ji", [(2, 3)]),
    ("i,i", [(3,), (3,)]), ("i,j", [(3,), (2,)]), ("i,j->ji", [(3,), (2,)]), ("bij,bjk->bik", [(2, 3, 4), (2, 4, 5)]),
    ("...ij,...jk->...ik", [(5, 1, 2, 3), (4, 3, 2)]), ("...ii->...i", [(2, 3, 3)]), ("i...->...", [(3, 2, 4)]),
    ("...,...", [(2, 3), (3,)]), ("ij...,jk...->ik...", [(2, 3, 4), (3, 5, 4)]), ("ij,jk", [(2, 1), (3, 4)]),
    ("ij,ij->ij", [(2, 3), (2, 3)]), ("ij,ij->", [(2, 3), (2, 3)]), ("Ab,bA", [(2, 3), (3, 2)]),
    ("ab,cd->abcd", [(2, 1), (3, 2)]), ("", [()]), (",", [(), ()]), ("i,->i", [(3,), ()]),
    ("ij,jk->ik", [(0, 3), (3, 2)]), ("ij,jk->ik", [(2, 0), (0, 2)]), ("a,b,c,a->bc", [(2,), (3,), (4,), (2,)]),
    ("i j , j k -> i k", [(2, 3), (3, 4)]), ("...", [(2, 3)]), ("ijk,ikl,jlm->m", [(2, 3, 2), (2, 2, 3), (3, 3, 2)]),
]


@pytest.mark.parametrize("subscripts,shapes", EINSUM_CASES)
@pytest.mark.parametrize("dt", [np.int64, np.float64, np.complex64])
def test_einsum_matches_numpy(subscripts, shapes, dt):
    rng = np.random.default_rng(3)
    xs = [_values(rng, s, dt) for s in shapes]
    _same(fnp.einsum(subscripts, *xs), np.einsum(subscripts, *xs))


def test_einsum_of_booleans_and_mixed_dtypes():
    a = np.array([[True, False], [True, True]])
    _same(fnp.einsum("ij,jk->ik", a, a), np.einsum("ij,jk->ik", a, a))
    assert fnp.einsum("i,i", np.ones(2, np.int32), np.ones(2, np.float32)).dtype == np.float32


def test_einsum_interleaved_sublists_and_optimize_keyword():
    rng = np.random.default_rng(4)
    a, b = rng.standard_normal((2, 3)), rng.standard_normal((3, 4))
    _same(fnp.einsum(a, [0, 1], b, [1, 2], [0, 2]), np.einsum(a, [0, 1], b, [1, 2], [0, 2]))
    _same(fnp.einsum(a, [Ellipsis, 1], b, [1, 2]), np.einsum(a, [Ellipsis, 1], b, [1, 2]))
    for optimize in (False, True, "greedy", "optimal"):
        _same(fnp.einsum("ij,jk->ik", a, b, optimize=optimize), a @ b)


def test_einsum_contracts_the_cheapest_pair_first():
    """A chain whose left-to-right order would build a 50x50 intermediate stays small."""
    a, b, c = np.ones((50, 2)), np.ones((2, 50)), np.ones((50,))
    _same(fnp.einsum("ij,jk,k->i", a, b, c), np.einsum("ij,jk,k->i", a, b, c))


@pytest.mark.parametrize("subscripts,shapes,match", [
    ("ij,jk", [(2, 3)], "name 2 operands but 1"), ("ij", [(2, 3, 4)], "3 dimensions"), ("ijk", [(2, 3)], "2 dimensions"),
    ("i1", [(2, 2)], "only letters"), ("ij->k", [(2, 3)], "names no input axis"), ("ij->ii", [(2, 2)], "repeat"),
    ("ij,jk", [(2, 3), (4, 5)], "size 3"), ("ii", [(2, 3)], "repeats in operand"), ("ij->i.", [(2, 3)], "only letters"),
    ("...i...", [(2, 3)], "only letters"), ("i...j", [(2,)], "1 dimensions"),
])
def test_einsum_errors(subscripts, shapes, match):
    with pytest.raises(ShapeError, match=match) as e:
        fnp.einsum(subscripts, *[np.ones(s) for s in shapes])
    assert "fix:" in str(e.value)


def test_einsum_needs_an_operand_and_valid_sublist_labels():
    with pytest.raises(ShapeError, match="at least one operand"):
        fnp.einsum("ij")
    with pytest.raises(ShapeError, match="sublist label 60"):
        fnp.einsum(np.ones(2), [60])


# dot, inner, outer, vdot, kron ---------------------------------------------------------------------
@pytest.mark.parametrize("s1,s2", [((), ()), ((), (3,)), ((2, 3), ()), ((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 4)),
                                   ((2, 3), (3, 4)), ((2, 3), (4, 3, 5)), ((5, 2, 3), (3,)), ((0,), (0,))])
@pytest.mark.parametrize("dt", [np.bool_, np.int32, np.float32, np.complex128])
def test_dot_matches_numpy(s1, s2, dt):
    rng = np.random.default_rng(5)
    a, b = _values(rng, s1, dt), _values(rng, s2, dt)
    _same(fnp.dot(a, b), np.dot(a, b))


@pytest.mark.parametrize("s1,s2", [((), (2,)), ((3,), (3,)), ((2, 3), (4, 3)), ((2, 1, 3), (3,))])
def test_inner_matches_numpy(s1, s2):
    rng = np.random.default_rng(6)
    a, b = _values(rng, s1, np.float64), _values(rng, s2, np.float64)
    _same(fnp.inner(a, b), np.inner(a, b))


@pytest.mark.parametrize("s1,s2", [((3,), (2,)), ((2, 3), (4,)), ((), (2,)), ((0,), (3,))])
@pytest.mark.parametrize("dt", [np.bool_, np.int64, np.complex64])
def test_outer_flattens_like_numpy(s1, s2, dt):
    rng = np.random.default_rng(7)
    a, b = _values(rng, s1, dt), _values(rng, s2, dt)
    _same(fnp.outer(a, b), np.outer(a, b))


@pytest.mark.parametrize("dt", [np.int32, np.float64, np.complex128])
def test_vdot_conjugates_and_flattens(dt):
    rng = np.random.default_rng(8)
    a, b = _values(rng, (2, 3), dt), _values(rng, (6,), dt)
    _same(fnp.vdot(a, b), np.vdot(a, b))


@pytest.mark.parametrize("s1,s2", [((2, 3), (4, 1, 2)), ((2,), (3,)), ((), (2, 2)), ((2, 2), (2, 2)), ((0, 2), (3,))])
def test_kron_matches_numpy(s1, s2):
    rng = np.random.default_rng(9)
    a, b = _values(rng, s1, np.int64), _values(rng, s2, np.int64)
    _same(fnp.kron(a, b), np.kron(a, b))


def test_product_size_errors():
    with pytest.raises(ShapeError, match="size"):
        fnp.dot(fnp.ones((2, 3)), fnp.ones((4, 5)))
    with pytest.raises(ShapeError, match="size"):
        fnp.inner(fnp.ones(3), fnp.ones(4))
    with pytest.raises(ShapeError, match="same number of elements"):
        fnp.vdot(fnp.ones(3), fnp.ones(4))


# diagonal, trace --------------------------------------------------------------------------------
@pytest.mark.parametrize("shape", [(3, 4), (4, 3), (2, 3, 4), (0, 3), (3, 3)])
@pytest.mark.parametrize("offset", [-4, -1, 0, 1, 2, 5])
@pytest.mark.parametrize("axes", [(0, 1), (1, 0), (-1, 0), (0, -1)])
def test_diagonal_and_trace_match_numpy(shape, offset, axes):
    x = np.arange(np.prod(shape), dtype=np.float64).reshape(shape)
    _same(fnp.diagonal(x, offset, *axes), np.diagonal(x, offset, *axes))
    _same(fnp.trace(x, offset, *axes), np.trace(x, offset, *axes))


@pytest.mark.parametrize("dt,want", [(np.int8, np.int64), (np.uint8, np.uint64), (np.bool_, np.int64),
                                     (np.int64, np.int64), (np.float32, np.float32), (np.complex64, np.complex64)])
def test_trace_accumulates_small_integers_in_the_default_integer(dt, want):
    x = np.full((3, 3), 100).astype(dt)
    out = fnp.trace(x)
    assert out.dtype == np.dtype(want)
    assert out.item() == np.trace(x.astype(want)).item()
    assert fnp.trace(x, dtype=np.float64).dtype == np.float64


def test_diagonal_errors():
    with pytest.raises(ShapeError, match="at least 2 dimensions"):
        fnp.diagonal(fnp.ones(3))
    with pytest.raises(ShapeError, match="both name axis 1"):
        fnp.diagonal(fnp.ones((2, 2)), 0, 1, -1)
    with pytest.raises(ShapeError, match="out of range"):
        fnp.trace(fnp.ones((2, 2)), 0, 0, 2)


# cross --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("s1,s2,kw", [((3,), (3,), {}), ((4, 3), (3,), {}), ((2,), (2,), {}), ((4, 2), (3,), {}),
                                      ((3, 4), (2, 4), dict(axisa=0, axisb=0, axisc=0)), ((3, 5), (5, 3), dict(axisa=0)),
                                      ((2, 3, 4), (3, 4), dict(axis=-2)), ((4, 3), (4, 3), dict(axisc=0))])
@pytest.mark.parametrize("dt", [np.int64, np.float64, np.complex128])
def test_cross_matches_numpy(s1, s2, kw, dt):
    rng = np.random.default_rng(10)
    a, b = _values(rng, s1, dt), _values(rng, s2, dt)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # NumPy deprecates 2-vectors; fluxion keeps them
        want = np.cross(a, b, **kw)
    _same(fnp.cross(a, b, **kw), want)


def test_cross_errors():
    with pytest.raises(ShapeError, match="2 or 3 components"):
        fnp.cross(fnp.ones(4), fnp.ones(3))
    with pytest.raises(DTypeError, match="boolean"):
        fnp.cross(np.ones(3, bool), np.ones(3, bool))


# traced -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("fn", [
    lambda a, b: fnp.matmul(a, b), lambda a, b: fnp.tensordot(a, b, axes=1), lambda a, b: fnp.einsum("ij,jk->ki", a, b),
    lambda a, b: fnp.einsum("ij,ij->", a, b.T), lambda a, b: fnp.vecdot(a, b.T), lambda a, b: fnp.dot(a, b),
    lambda a, b: fnp.inner(a, b.T), lambda a, b: fnp.outer(a, b), lambda a, b: fnp.vdot(a, b.T),
    lambda a, b: fnp.kron(a, b), lambda a, b: fnp.trace(a @ b, 1), lambda a, b: fnp.diagonal(a @ b, -1),
    lambda a, b: fnp.cross(a, b.T),
])
def test_products_run_on_traced_values_like_eager(fn):
    rng = np.random.default_rng(11)
    a, b = fnp.asarray(rng.standard_normal((2, 3))), fnp.asarray(rng.standard_normal((3, 2)))
    _same(traced(fn, a, b), np.asarray(fn(a, b)))


_PRODUCTS = {  # name: (the product in fluxion, taking keywords; NumPy's)
    "matmul": (lambda a, b, **kw: fnp.matmul(a, b.T, **kw), lambda a, b: a @ b.T),
    "dot": (lambda a, b, **kw: fnp.dot(a, b.T, **kw), lambda a, b: np.dot(a, b.T)),
    "tensordot": (lambda a, b, **kw: fnp.tensordot(a, b, 2, **kw), lambda a, b: np.tensordot(a, b, 2)),
    "inner": (fnp.inner, np.inner), "vdot": (fnp.vdot, np.vdot), "vecdot": (fnp.vecdot, np.vecdot),
    "einsum": (lambda a, b, **kw: fnp.einsum("ij,kj->ik", a, b, **kw), lambda a, b: np.einsum("ij,kj->ik", a, b)),
}


@pytest.mark.parametrize("name", list(_PRODUCTS))
@pytest.mark.parametrize("dt,want", [(np.int8, np.int32), (np.uint8, np.uint16), (np.int8, np.float32),
                                     (BF16, np.float32), (np.float32, np.float64), (np.float32, np.complex64)])
def test_preferred_element_type_accumulates_in_it_as_jax(name, dt, want, rng):
    """Oracle: NumPy's product of the operands converted to `want` (so int8 products that
    overflow int8 are exact); small integers keep every dtype's products exact."""
    a = rng.integers(-100 if np.dtype(dt).kind != "u" else 0, 100, (3, 5)).astype(dt)
    b = rng.integers(0, 100, (3, 5)).astype(dt)
    product, numpy_product = _PRODUCTS[name]
    out = product(a, b, preferred_element_type=want, precision="highest")
    expected = numpy_product(a.astype(want), b.astype(want))
    assert out.dtype == want and out.shape == np.shape(expected)
    np.testing.assert_array_equal(np.asarray(out), expected)
    on_tracers = traced(lambda x, y: product(x, y, preferred_element_type=want), fnp.asarray(a), fnp.asarray(b))
    np.testing.assert_array_equal(np.asarray(on_tracers), expected)


def test_preferred_element_type_of_a_narrower_kind_is_an_error():
    with pytest.raises(DTypeError, match=r"matmul: cannot accumulate float32 operands in preferred_element_type=int32"):
        fnp.matmul(np.ones((2, 2), np.float32), np.ones((2, 2), np.float32), preferred_element_type=np.int32)
    with pytest.raises(DTypeError, match="einsum"):
        fnp.einsum("i,i", np.ones(2, np.complex64), np.ones(2, np.complex64), preferred_element_type=np.float64)
