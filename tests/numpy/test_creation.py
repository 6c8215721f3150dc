"""fluxion.numpy's creation functions against NumPy: values, dtypes, devices and errors."""
import numpy as np
import pytest
from hypothesis import given, strategies as st
from hypothesis.extra import numpy as hnp

import fluxion as fx
import fluxion.numpy as fnp
from fluxion.core import dtypes
from fluxion.core.device import Device
from fluxion.core.errors import ConcretizationError, DeviceError, ShapeError

from _arrays import check, raises

DTYPES = dtypes.ALL
shapes = hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4)


# filled arrays -------------------------------------------------------------------------------
@given(shapes, st.sampled_from(DTYPES))
def test_zeros_ones_empty_full_match_numpy(shape, dtype):
    check(fnp.zeros(shape, dtype=dtype), np.zeros(shape, dtype))
    check(fnp.ones(shape, dtype), np.ones(shape, dtype))
    assert fnp.empty(shape, dtype=dtype).shape == shape and fnp.empty(shape, dtype=dtype).dtype == dtype
    check(fnp.full(shape, 3, dtype=dtype), np.full(shape, 3, dtype))


def test_default_dtypes_are_float32_and_follow_the_fill_value():
    assert fnp.zeros(3).dtype == fnp.ones((2,)).dtype == fnp.empty(1).dtype == np.float32
    assert fnp.full(2, 1).dtype == np.int64 and fnp.full(2, 1.0).dtype == np.float32
    assert fnp.full(2, True).dtype == np.bool_ and fnp.full(2, 1j).dtype == np.complex64
    assert fnp.full(2, np.float64(1)).dtype == np.float64
    assert fnp.full(2, fnp.asarray(1, dtype=fnp.int8)).dtype == np.int8
    assert not fnp.full(2, 1.0).weak and not fnp.zeros(2).weak


def test_shape_may_be_an_int_or_a_sequence_and_full_broadcasts_an_array_fill():
    check(fnp.zeros(3), np.zeros(3, np.float32))
    check(fnp.ones([2, 0]), np.ones((2, 0), np.float32))
    check(fnp.full((2, 3), [1, 2, 3]), np.full((2, 3), [1, 2, 3]))
    check(fnp.full((2, 2), fnp.asarray([1.5, 2.5]), dtype=fnp.float16), np.full((2, 2), [1.5, 2.5], np.float16))


@given(hnp.arrays(st.sampled_from([np.float32, np.int16, np.bool_, np.complex64]), shapes), st.sampled_from(DTYPES))
def test_like_functions_take_shape_and_dtype_from_their_argument(x, dtype):
    a = fnp.asarray(x)
    check(fnp.zeros_like(a), np.zeros_like(x))
    check(fnp.ones_like(a), np.ones_like(x))
    check(fnp.full_like(a, 1), np.full_like(x, 1))
    check(fnp.zeros_like(a, dtype=dtype), np.zeros(x.shape, dtype))
    check(fnp.full_like(a, 2, dtype=dtype), np.full(x.shape, 2, dtype))
    e = fnp.empty_like(a, dtype=dtype)
    assert e.shape == x.shape and e.dtype == dtype


def test_like_functions_accept_nested_lists_and_a_new_shape():
    check(fnp.ones_like([[1, 2]]), np.ones((1, 2), np.int64))
    check(fnp.full_like(fnp.zeros(2, dtype=fnp.int32), 2.7), np.array([2, 2], np.int32))
    check(fnp.zeros_like(fnp.zeros(2), shape=(3, 1)), np.zeros((3, 1), np.float32))


def test_asarray_of_sequences_holding_traced_values_stacks_them_with_their_derivatives():
    f = lambda x: fnp.asarray([[x, 1.0], (2 * x, 3)])  # noqa: E731
    x = fnp.asarray(1.5, dtype=fnp.float64)
    check(fx.jit(f)(x), np.array([[1.5, 1.0], [3.0, 3.0]]))
    check(fx.vmap(f)(fnp.asarray([1.0, 2.0])), np.array([[[1.0, 1.0], [2.0, 3.0]], [[2.0, 1.0], [4.0, 3.0]]], np.float32))
    check(fx.jacfwd(f)(x), np.array([[1.0, 0.0], [2.0, 0.0]]))
    for g in (fx.grad(lambda x: fnp.sum(f(x))), fx.jit(fx.grad(lambda x: fnp.sum(f(x))))):
        assert float(g(x)) == 3.0  # the derivative was dropped: 0
    assert fx.jit(lambda x: fnp.asarray([x, 2], dtype=fnp.int32))(x).dtype == np.int32
    with pytest.raises(ShapeError, match="different shapes"):
        fx.jit(lambda x: fnp.asarray([x, fnp.stack([x, x])]))(x)


def test_copy_and_from_dlpack_give_equal_independent_values():
    a = fnp.asarray([1.0, 2.0])
    b = fnp.copy(a)
    assert b is not a and b.tolist() == [1.0, 2.0]
    src = np.arange(4.0)
    got = fnp.from_dlpack(src)
    src[0] = 99.0  # the exporter's buffer changes; the Array is a value
    check(got, np.arange(4.0))


def test_from_dlpack_reads_torch_tensors():
    torch = pytest.importorskip("torch")
    check(fnp.from_dlpack(torch.arange(3, dtype=torch.int32)), np.arange(3, dtype=np.int32))


# ranges ------------------------------------------------------------------------------------
@given(st.integers(-20, 20), st.integers(-20, 20), st.integers(-5, 5).filter(bool))
def test_integer_arange_matches_numpy_and_is_int64(start, stop, step):
    check(fnp.arange(start, stop, step), np.arange(start, stop, step))
    if start >= 0:
        check(fnp.arange(start), np.arange(start))


@given(st.floats(-10, 10), st.floats(-10, 10), st.floats(0.1, 3), st.booleans())
def test_float_arange_has_numpys_length_and_values(start, stop, step, negative):
    step = -step if negative else step
    expected = np.arange(start, stop, step)
    check(fnp.arange(start, stop, step), expected.astype(np.float32), rtol=1e-5)
    check(fnp.arange(start, stop, step, dtype=fnp.float64), expected, rtol=1e-12)


@pytest.mark.parametrize("dtype", [fnp.int8, fnp.uint8, fnp.float16, fnp.bfloat16, fnp.float64, fnp.complex64])
def test_arange_takes_a_dtype(dtype):
    check(fnp.arange(2, 9, 3, dtype=dtype), np.arange(2, 9, 3).astype(dtype))
    check(fnp.arange(5, dtype=dtype), np.arange(5).astype(dtype))


@pytest.mark.parametrize("args", [(0, 5, 1.5), (0, 5, 0.5), (-0.5, 3, 1.5), (2.7, -3, -1.2), (0.5, 3), (1.5,)])
@pytest.mark.parametrize("dtype", [np.int64, np.int8, np.uint8])
def test_integer_arange_of_float_arguments_steps_as_numpy(args, dtype):
    if dtype == np.uint8 and min(args) < 0:
        pytest.skip("negative values do not fit")
    check(fnp.arange(*args, dtype=dtype), np.arange(*args, dtype=dtype))


def test_arange_infers_float_from_any_float_argument_and_keeps_numpy_float64():
    assert fnp.arange(5.0).dtype == np.float32
    assert fnp.arange(0, 1, 0.5).dtype == np.float32
    assert fnp.arange(np.float64(3)).dtype == np.float64
    assert fnp.arange(fnp.asarray(3)).tolist() == [0, 1, 2]


@pytest.mark.parametrize("args", [(np.int8(3),), (np.uint8(1), np.uint8(4)), (np.int32(0), 5, np.int16(2)),
                                  (np.uint32(3),), (np.uint64(3),), (fnp.asarray(3, dtype=fnp.int8),), (np.True_,)])
def test_arange_of_numpy_integers_counts_at_least_in_int64_as_numpy(args):
    expected = np.arange(*(np.asarray(a) for a in args))
    check(fnp.arange(*args), expected)


def test_arange_errors():
    with raises(ValueError, "arange", "zero"):
        fnp.arange(0, 5, 0)
    with raises(TypeError, "arange", "real"):
        fnp.arange(1j)
    with raises(TypeError, "arange", "number"):
        fnp.arange("3")
    with raises(ValueError, "arange", "finite"):
        fnp.arange(0, float("inf"))


def test_arange_of_bools_counts_as_numpy():
    check(fnp.arange(2, dtype=fnp.bool), np.arange(2, dtype=bool))


@given(st.floats(-100, 100), st.floats(-100, 100), st.integers(0, 12), st.booleans())
def test_linspace_matches_numpy(start, stop, num, endpoint):
    expected = np.linspace(start, stop, num, endpoint=endpoint)
    check(fnp.linspace(start, stop, num, endpoint=endpoint), expected.astype(np.float32), rtol=1e-5)
    out, step = fnp.linspace(start, stop, num, endpoint=endpoint, retstep=True, dtype=fnp.float64)
    ref, ref_step = np.linspace(start, stop, num, endpoint=endpoint, retstep=True)
    check(out, ref, rtol=1e-12)
    np.testing.assert_allclose(float(step), ref_step, rtol=1e-12)


def test_linspace_endpoints_are_exact_and_one_sample_is_start():
    assert fnp.linspace(0.1, 0.7, 7, dtype=fnp.float64).tolist()[-1] == 0.7
    check(fnp.linspace(2, 3, 1), np.array([2.0], np.float32))
    check(fnp.linspace(2, 3, 0), np.zeros(0, np.float32))


def test_linspace_over_arrays_runs_along_axis():
    start, stop = np.array([0.0, 1.0]), np.array([[2.0, 3.0]] * 3)
    for axis in (0, 1, -1):
        check(fnp.linspace(start, stop, 4, axis=axis), np.linspace(start, stop, 4, axis=axis), rtol=1e-12)


def test_linspace_dtypes():
    check(fnp.linspace(0, 10, 4, dtype=fnp.int32), np.linspace(0, 10, 4, dtype=np.int32))
    check(fnp.linspace(-10, 0, 4, dtype=int), np.linspace(-10, 0, 4, dtype=int))  # rounds toward -inf
    check(fnp.linspace(0, 1j, 3), np.linspace(0, 1j, 3).astype(np.complex64), rtol=1e-6)
    assert fnp.linspace(0, 1, 3, dtype=fnp.bfloat16).dtype == fnp.bfloat16


def test_linspace_takes_numpys_arguments_by_position():
    for args in [(0, 1, 5, False), (0, 10, 4, True, False, np.int32), (0, 1, 3, True, False, None)]:
        out, expected = fnp.linspace(*args), np.linspace(*args)
        check(out, expected if "int" in str(expected.dtype) else expected.astype(np.float32), rtol=1e-6)
    start, stop = np.array([0.0, 1.0]), np.array([2.0, 3.0])
    check(fnp.linspace(start, stop, 3, True, False, np.float64, 1), np.linspace(start, stop, 3, True, False, None, 1))
    out, step = fnp.linspace(0, 1, 5, True, True, np.float64)
    check(out, np.linspace(0, 1, 5))
    assert float(step) == 0.25


def test_asarray_takes_the_dtype_by_position_as_numpy():
    for obj in ([1, 2], 3, np.arange(3, dtype=np.int8), fnp.asarray([1.5])):
        check(fnp.asarray(obj, np.float64), np.asarray(obj, np.float64))


def test_linspace_errors():
    with raises(ValueError, "linspace", "num"):
        fnp.linspace(0, 1, -1)
    with raises(ShapeError, "linspace", "axis"):
        fnp.linspace(0, 1, 3, axis=1)


@given(st.floats(-3, 3), st.floats(-3, 3), st.integers(0, 8), st.booleans(), st.sampled_from([2.0, 10.0, 0.5]))
def test_logspace_matches_numpy(start, stop, num, endpoint, base):
    check(fnp.logspace(start, stop, num, endpoint=endpoint, base=base, dtype=fnp.float64),
          np.logspace(start, stop, num, endpoint=endpoint, base=base), rtol=1e-10)


@given(st.floats(0.01, 1000), st.floats(0.01, 1000), st.integers(0, 8), st.booleans(), st.booleans())
def test_geomspace_matches_numpy_for_both_signs(start, stop, num, endpoint, negative):
    sign = -1 if negative else 1
    expected = np.geomspace(sign * start, sign * stop, num, endpoint=endpoint)
    check(fnp.geomspace(sign * start, sign * stop, num, endpoint=endpoint, dtype=fnp.float64), expected, rtol=1e-10)
    check(fnp.geomspace(sign * start, sign * stop, num, endpoint=endpoint), expected.astype(np.float32), rtol=1e-5)


def test_geomspace_complex_and_mixed_signs_as_numpy():
    check(fnp.geomspace(1j, 1000j, 4), np.geomspace(1j, 1000j, 4).astype(np.complex64), rtol=1e-5)
    with np.errstate(invalid="ignore"):
        expected = np.geomspace(-1, 100, 3)
    with pytest.warns(RuntimeWarning):  # log of a negative number, as NumPy
        check(fnp.geomspace(-1, 100, 3, dtype=fnp.float64), expected, rtol=1e-12)


def test_geomspace_rejects_zero():
    with raises(ValueError, "geomspace", "zero"):
        fnp.geomspace(0, 1, 3)


# matrices ----------------------------------------------------------------------------------
@given(st.integers(0, 5), st.one_of(st.none(), st.integers(0, 5)), st.integers(-6, 6), st.sampled_from(DTYPES))
def test_eye_and_tri_match_numpy(n, m, k, dtype):
    check(fnp.eye(n, m, k=k, dtype=dtype), np.eye(n, m, k=k, dtype=dtype))
    check(fnp.tri(n, m, k, dtype=dtype), np.tri(n, m, k, dtype=dtype))


@pytest.mark.parametrize("n, m", [(-1, None), (-1, 3), (3, -2), (-2, -2)])
def test_tri_of_a_negative_size_is_empty_as_numpys(n, m):
    check(fnp.tri(n, m), np.tri(n, m, dtype=np.float32))


def test_eye_takes_the_number_of_columns_as_numpys_keyword_m():
    check(fnp.eye(3, M=4, k=1, dtype=np.int32), np.eye(3, M=4, k=1, dtype=np.int32))
    check(fnp.eye(2, M=0), np.eye(2, M=0, dtype=np.float32))
    with pytest.raises(TypeError, match="pass one of them"):
        fnp.eye(2, 3, M=3)


def test_eye_tri_and_tril_accept_offsets_beyond_int64():
    check(fnp.eye(2, k=2**63), np.zeros((2, 2), np.float32))
    check(fnp.tri(2, k=-2**70), np.zeros((2, 2), np.float32))
    check(fnp.tril(fnp.ones((2, 2)), k=2**64), np.ones((2, 2), np.float32))


def test_eye_identity_and_tri_default_to_float32():
    check(fnp.eye(2), np.eye(2, dtype=np.float32))
    check(fnp.identity(3), np.identity(3, np.float32))
    check(fnp.tri(3), np.tri(3, dtype=np.float32))


@given(hnp.array_shapes(min_dims=2, max_dims=4, min_side=0, max_side=4), st.integers(-5, 5), st.sampled_from(DTYPES))
def test_tril_and_triu_match_numpy_on_stacks(shape, k, dtype):
    x = (np.random.default_rng(0).standard_normal(shape) * 5).astype(dtype)
    check(fnp.tril(fnp.asarray(x), k=k), np.tril(x, k))
    check(fnp.triu(fnp.asarray(x), k), np.triu(x, k))


@pytest.mark.parametrize("k", [-4, -1, 0, 2, 5])
def test_tril_and_triu_of_a_vector_are_numpys_square_matrices(k):
    x = np.arange(1, 5, dtype=np.int32)
    check(fnp.tril(fnp.asarray(x), k), np.tril(x, k))
    check(fnp.triu(fnp.asarray(x), k), np.triu(x, k))


@pytest.mark.parametrize("shape", [(4, 5), (2, 3, 4), (5,), (0, 3)], ids=str)
@pytest.mark.parametrize("k", [-2, 0, 1, 9])
def test_tril_and_triu_derivatives_match_jax_eager_under_jit_and_vmap(shape, k):
    from _jax_oracle import assert_derivatives_match_jax, jax_x64
    jnp = jax_x64().numpy
    x = np.random.default_rng(1).standard_normal(shape)
    square = (lambda v: jnp.broadcast_to(v, v.shape * 2)) if len(shape) == 1 else (lambda v: v)  # (NumPy's rows)
    for f, jf in ((fnp.tril, jnp.tril), (fnp.triu, jnp.triu)):
        assert_derivatives_match_jax(lambda v: f(v, k) * v[..., :1], lambda v: jf(square(v), k) * v[..., :1], [x])
        g = fx.grad(lambda v: fnp.sum(fnp.sin(f(v, k))))
        np.testing.assert_allclose(np.asarray(fx.jit(g)(fnp.asarray(x))), np.asarray(g(fnp.asarray(x))), rtol=1e-12)
    stack = np.random.default_rng(2).standard_normal((3, 4, 5))
    per_matrix = fx.vmap(fx.grad(lambda v: fnp.sum(fnp.triu(v, k) ** 2)))(fnp.asarray(stack))
    np.testing.assert_allclose(np.asarray(per_matrix), 2 * np.triu(stack, k))


def test_tril_keeps_weak_type_and_rejects_0d():
    assert fnp.tril(fx.Array(np.ones((2, 2), np.float32), weak=True)).weak
    with raises(ShapeError, "tril", "1 dimension"):
        fnp.tril(fnp.zeros(()))


@pytest.mark.parametrize("indexing", ["xy", "ij"])
@pytest.mark.parametrize("sizes", [(), (3,), (3, 2), (2, 0, 4), (1, 2, 3, 2)])
def test_meshgrid_matches_numpy(indexing, sizes):
    vecs = [np.arange(n, dtype=np.int32) + 10 * i for i, n in enumerate(sizes)]
    got = fnp.meshgrid(*vecs, indexing=indexing)
    assert type(got) is type(np.meshgrid(*vecs, indexing=indexing)) is tuple and len(got) == len(sizes)
    for g, e in zip(got, np.meshgrid(*vecs, indexing=indexing)):
        check(g, e)
    sparse = np.meshgrid(*vecs, indexing=indexing, sparse=True)
    for g, e in zip(fnp.meshgrid(*vecs, indexing=indexing, sparse=True), sparse):
        check(g, e)


def test_meshgrid_rejects_unknown_indexing():
    with raises(ValueError, "meshgrid", "indexing"):
        fnp.meshgrid(fnp.zeros(2), indexing="yx")


# devices and shapes ------------------------------------------------------------------------
CREATORS = [
    lambda d: fnp.zeros(2, device=d), lambda d: fnp.ones(2, device=d), lambda d: fnp.empty(2, device=d),
    lambda d: fnp.full(2, 1, device=d), lambda d: fnp.zeros_like(fnp.zeros(2), device=d),
    lambda d: fnp.ones_like(fnp.zeros(2), device=d), lambda d: fnp.empty_like(fnp.zeros(2), device=d),
    lambda d: fnp.full_like(fnp.zeros(2), 1, device=d), lambda d: fnp.arange(2, device=d),
    lambda d: fnp.linspace(0, 1, 2, device=d), lambda d: fnp.logspace(0, 1, 2, device=d),
    lambda d: fnp.geomspace(1, 2, 2, device=d), lambda d: fnp.eye(2, device=d), lambda d: fnp.identity(2, device=d),
    lambda d: fnp.tri(2, device=d), lambda d: fnp.from_dlpack(np.zeros(2), device=d),
    lambda d: fnp.asarray([1], device=d),
]


@pytest.mark.parametrize("create", CREATORS)
def test_device_may_be_none_cpu_or_the_first_device(create):
    for device in (None, "cpu", fx.devices()[0]):
        assert create(device).device == fx.devices()[0]
    with raises(DeviceError, "there is no device abacus:3", "fx.devices"):
        create(Device("abacus", 3))
    with raises(TypeError, "not a device"):
        create(3.5)


@pytest.mark.parametrize("create", [fnp.zeros, fnp.ones, fnp.empty, lambda s: fnp.full(s, 1.0)])
def test_bad_shapes_are_rejected(create):
    with raises(ShapeError, "negative"):
        create((2, -1))
    with raises(TypeError, "shape"):
        create((2.5,))


def test_sizes_from_traced_values_need_concrete_values():
    class Traced(fx.Array):
        __slots__ = ()

        def _concrete(self, why):
            raise ConcretizationError(f"{why}: traced")
    with pytest.raises(ConcretizationError):
        fnp.arange(Traced(np.asarray(3)))


# under tracing -----------------------------------------------------------------------------
TRACEABLE = {
    "zeros_like": lambda x: fnp.zeros_like(x), "ones_like": lambda x: fnp.ones_like(x, dtype=fnp.int8),
    "empty_like": lambda x: fnp.empty_like(x), "full_like": lambda x: fnp.full_like(x, 3),
    "full": lambda x: fnp.full((2, 3), x[0]), "copy": fnp.copy, "asarray": lambda x: fnp.asarray(x, dtype=fnp.float64),
    "tril": lambda x: fnp.tril(x, k=1), "triu": lambda x: fnp.triu(x, -1),
    "meshgrid": lambda x: fnp.meshgrid(x[0], x[1]),
    "linspace": lambda x: fnp.linspace(x[0], x[1], 4, axis=-1), "logspace": lambda x: fnp.logspace(x[0], x[1], 3),
    "geomspace": lambda x: fnp.geomspace(x[0] + 10, x[1] + 20, 5, endpoint=False),
}


@pytest.mark.parametrize("name", sorted(TRACEABLE))
def test_creation_from_arrays_works_on_traced_values(name):
    from _tracing import traced
    x = fnp.asarray(np.arange(6, dtype=np.float32).reshape(2, 3))
    eager, through = TRACEABLE[name](x), traced(TRACEABLE[name], x)
    listed = (lambda v: v if isinstance(v, (list, tuple)) else [v])
    assert len(listed(eager)) == len(listed(through))
    for e, t in zip(listed(eager), listed(through)):
        check(t, np.asarray(e))


@pytest.mark.parametrize("dtype", [">f4", ">f8", ">i2", ">u4", ">c8", "<f4"])
def test_arrays_of_either_byte_order_take_the_native_one(dtype):
    x = np.arange(-3, 3).astype(dtype)
    native = x.dtype.newbyteorder("=")
    got = fnp.asarray(x)
    assert got.dtype == native and np.asarray(got).dtype.isnative
    np.testing.assert_array_equal(got, x)
    np.testing.assert_array_equal(fx.jit(lambda v: v * 2)(x), x * 2)
    assert fnp.zeros(2, dtype=dtype).dtype == native and fnp.asarray([1, 2], dtype=dtype).dtype == native


@pytest.mark.parametrize("obj, ndmin", [([1, 2], 3), (5.0, 2), ([[1]], 1), ([], 2), (np.ones((2, 3)), 0)])
def test_array_ndmin_puts_ones_in_front_as_numpy(obj, ndmin):
    got, expected = fnp.array(obj, ndmin=ndmin), np.array(obj, ndmin=ndmin)
    assert got.shape == expected.shape
    np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize("value, dtype", [(1j, np.int32), (2 - 1j, np.float32), (float("nan"), np.int8),
                                          (float("inf"), np.int64), (-float("inf"), np.uint8)], ids=str)
def test_a_python_scalar_without_a_value_of_the_dtype_raises_numpys_error_naming_the_fix(value, dtype):
    with pytest.raises(Exception) as expected:
        np.asarray(value, dtype=dtype)
    for make in (lambda: fnp.asarray(value, dtype=dtype), lambda: fnp.full(2, value, dtype=dtype)):
        with pytest.raises(expected.type, match="fix:"):
            make()


@pytest.mark.parametrize("start,stop,num,dtype", [(1, 1000, 4, np.int64), (2, 32, 5, np.int32), (1.0, 1e6, 7, np.float64),
                                                  (1.0, 1e6, 7, np.float32), (-1.0, -1e3, 4, np.float64),
                                                  (1j, 1000j, 4, np.complex128), (5, 5e-4, 5, np.float64)])
def test_geomspace_gives_numpys_exact_powers_of_ten_and_integers(start, stop, num, dtype):
    expected = np.geomspace(start, stop, num, dtype=dtype)
    for out in (fnp.geomspace(start, stop, num, dtype=dtype),
                fx.jit(lambda s: fnp.geomspace(s, stop, num, dtype=dtype))(fnp.asarray(start, dtype=fnp.result_type(start, stop)))):
        assert out.dtype == expected.dtype
        if expected.dtype.kind == "i" or stop in (1e6, -1e3):  # integers, and decades: exactly NumPy's
            np.testing.assert_array_equal(np.asarray(out), expected)
        else:
            np.testing.assert_allclose(np.asarray(out), expected, rtol=2 * np.finfo(expected.real.dtype).eps, atol=0)
