import operator
import pickle
import threading

import numpy as np
import pytest

import fluxion as fx
import fluxion.numpy as fnp
from fluxion.core import interpreters
from fluxion.core.array import Tracer
from fluxion.core.types import ArrayType


@pytest.mark.parametrize("value", [np.float32(1.5), np.arange(6, dtype=np.int32).reshape(2, 3),
                                   np.zeros((0, 3)), np.array([1 + 2j], np.complex64)])
def test_metadata_and_numpy_conversion_match_numpy(value):
    x = fnp.asarray(value)
    v = np.asarray(value)
    assert x.shape == v.shape and x.dtype == v.dtype and x.ndim == v.ndim and x.size == v.size
    np.testing.assert_array_equal(np.asarray(x), v)
    assert x.tolist() == v.tolist()
    assert x.device == fx.devices()[0]


def test_python_scalar_conversions_need_0d_arrays():
    assert float(fnp.asarray(2.5)) == 2.5
    assert int(fnp.asarray(7)) == 7
    assert complex(fnp.asarray(1.0)) == 1 + 0j
    assert [10, 20][fnp.asarray(1)] == 20
    with pytest.raises(TypeError, match="0-d"):
        float(fnp.asarray([1.0, 2.0]))
    with pytest.raises(TypeError, match="integer"):
        [1, 2][fnp.asarray(1.0)]
    with pytest.raises(ValueError, match="ambiguous"):
        bool(fnp.asarray([True, False]))


@pytest.mark.parametrize("convert", [int, float, complex, operator.index], ids=lambda f: f.__name__)
@pytest.mark.parametrize("value", [np.array([3]), np.array([[3]])], ids=["1-d", "2-d"])
def test_python_scalar_conversions_of_one_element_arrays_with_axes_raise_as_numpy(convert, value):
    with pytest.raises(TypeError):
        convert(value)
    with pytest.raises(TypeError, match="0-d"):
        convert(fnp.asarray(value))
    assert fnp.asarray(value).item() == value.item()


def test_item_of_an_array_of_other_than_one_element_raises_value_error_as_numpy():
    for value in (np.zeros(0), np.arange(2.0)):
        with pytest.raises(ValueError):
            value.item()
        with pytest.raises(ValueError, match="size 1"):
            fnp.asarray(value).item()


def test_len_and_iteration_follow_the_first_axis():
    x = fnp.asarray(np.arange(6).reshape(3, 2))
    assert len(x) == 3
    with pytest.raises(TypeError, match="0-d"):
        len(fnp.asarray(1))
    with pytest.raises(TypeError, match="0-d"):
        iter(fnp.asarray(1))


def test_repr_looks_like_numpy():
    assert repr(fnp.asarray([1.0, 2.0])) == "Array([1., 2.], dtype=float32)"
    assert repr(fnp.asarray(3)) == "Array(3, dtype=int64)"
    assert str(fnp.asarray([1, 2])) == "[1 2]"


def test_dlpack_round_trip_with_numpy():
    x = fnp.asarray(np.arange(4.0))
    np.testing.assert_array_equal(np.from_dlpack(x), np.arange(4.0))
    assert x.__dlpack_device__() == (1, 0)


def test_pickle_round_trip():
    x = fnp.asarray([1, 2, 3], dtype=fnp.int16)
    y = pickle.loads(pickle.dumps(x))
    assert y.dtype == fnp.int16 and y.tolist() == [1, 2, 3]


def test_arrays_are_unhashable_like_numpy():
    with pytest.raises(TypeError):
        hash(fnp.asarray(1))


class _Traced(Tracer):
    def __init__(self, aval):
        self._aval = aval

    __slots__ = ("_aval",)

    @property
    def aval(self):
        return self._aval


def test_a_traced_value_refuses_python_conversion_and_names_the_fix():
    t = _Traced(ArrayType((), fnp.float32))
    with pytest.raises(fx.errors.ConcretizationError, match="static_argnums"):
        float(t)
    with pytest.raises(TypeError):
        bool(t)


def test_a_traced_value_reaching_the_eager_interpreter_is_a_leak():
    t = _Traced(ArrayType((), fnp.float32))
    from fluxion.ops.elementwise import neg_p
    with pytest.raises(fx.errors.TracerLeakError, match="after the transformation"):
        neg_p.bind(t)


def test_eager_calls_of_one_two_and_three_operands_match_numpy_on_first_and_cached_calls():
    from fluxion.ops import elementwise as E, reduce as R
    x = fnp.asarray(np.arange(6, dtype=np.float32).reshape(2, 3))
    w = fx.Array(np.float32([1.0, -2.0, 3.0]), True)  # weak: part of the cached signature
    c = fnp.asarray(np.array([True, False, True]))
    t = _Traced(ArrayType((3,), fnp.float32))
    for _ in range(2):  # the second round finds each signature cached
        cases = [(E.neg_p.bind(x), -x._value, False), (E.add_p.bind(w, w), 2 * w._value, True),
                 (E.add_p.bind(w, fnp.asarray(w._value)), 2 * w._value, False),  # the weak flag of each is read
                 (E.mul_p.bind(x, fnp.asarray(np.float32(2))), 2 * x._value, False),
                 (E.select_n_p.bind(c, w, w), w._value, True),
                 (R.reduce_sum_p.bind(x, axes=(1,)), x._value.sum(1), False),
                 (E.add_p.bind(w, np.float32(1)), w._value + 1, False)]  # a NumPy scalar is lifted (strong)
        for out, want, weak in cases:
            assert out.__class__ is fx.Array and out.weak is weak
            assert out.dtype == want.dtype and out.shape == want.shape
            np.testing.assert_array_equal(np.asarray(out), want)
        for args in ((t,), (w, t), (c, w, t)):  # a leaked tracer in any place, before and after caching
            with pytest.raises(fx.errors.TracerLeakError, match="after the transformation"):
                (E.neg_p if len(args) == 1 else E.add_p if len(args) == 2 else E.select_n_p).bind(*args)


def test_interpreter_stack_is_per_thread():
    seen = []

    class Marker(interpreters.Interpreter):
        pass

    with interpreters.push(Marker()):
        t = threading.Thread(target=lambda: seen.append(interpreters.current()))
        t.start()
        t.join()
        assert isinstance(interpreters.current(), Marker)
    assert seen == [interpreters.EAGER]
    assert interpreters.current() is interpreters.EAGER


def test_abstract_evaluation_raises_before_the_kernel_runs():
    from fluxion.core.primitive import numpy_kernel
    from fluxion.ops.elementwise import add_p
    calls = []
    kernel = numpy_kernel[add_p]
    numpy_kernel[add_p] = lambda *a: calls.append(a) or kernel(*a)
    try:
        with pytest.raises(fx.errors.ShapeError, match=r"add: shapes \(2,\), \(3,\)[\s\S]*test_array.py[\s\S]*fix"):
            add_p.bind(fnp.asarray([1.0, 2.0]), fnp.asarray([1.0, 2.0, 3.0]))
        with pytest.raises(fx.errors.DTypeError, match="dtypes float32, int64"):
            add_p.bind(fnp.asarray([1.0]), fnp.asarray([1]))
    finally:
        numpy_kernel[add_p] = kernel
    assert calls == []


def test_bitcast_of_a_0d_array_keeps_it_0d():
    from fluxion.ops.elementwise import bitcast_convert_type_p
    out = bitcast_convert_type_p.bind(fnp.asarray(np.int64(-1)), new_dtype=fnp.uint64)
    assert out.shape == () and out.item() == np.iinfo(np.uint64).max


def test_an_f_string_of_a_traced_value_shows_what_print_shows():
    seen = []

    def f(x):
        seen.append((f"{x}", str(x)))
        return x * 2

    for transform in (fx.jit, fx.vmap):
        seen.clear()
        transform(f)(fnp.asarray([0.5, 1.5]))
        assert seen[0][0] == seen[0][1] and "f32" in seen[0][0]
    with pytest.raises(fx.errors.ConcretizationError, match=r"format spec '.2f'[\s\S]*fx.debug.print"):
        fx.jit(lambda x: f"{x:.2f}")(fnp.asarray(0.5))  # a format spec needs the value
    assert f"{fnp.asarray(0.25, fnp.float32):.3f}" == f"{np.float32(0.25):.3f}"


def test_weak_type_argpartition_and_choose_as_jax_arrays_have_them():
    import jax.numpy as jnp
    seen = []
    fx.jit(lambda a, b: seen.append((a.weak_type, b.weak_type)) or b)(2.0, fnp.ones(2))
    assert seen == [(True, False)]  # a Python float passed to jit is weak, as in jax
    assert fnp.ones(2).weak_type is jnp.ones(2).weak_type is False
    x = np.asarray([3, 1, 2, 0])
    part = np.asarray(fnp.asarray(x).argpartition(1))
    assert sorted(part[:2]) == sorted(x.argpartition(1)[:2]) and part[1] == x.argpartition(1)[1]
    choices = [np.arange(4), 10 + np.arange(4)]
    np.testing.assert_array_equal(np.asarray(fnp.asarray([0, 1, 1, 0]).choose([fnp.asarray(c) for c in choices])),
                                  np.asarray([0, 1, 1, 0]).choose(choices))


def test_numpy_views_of_an_array_are_read_only_as_jax_arrays_give_them():
    import jax.numpy as jnp
    x = fnp.asarray([1.0, 2.0])
    view = np.asarray(x)
    assert view.flags.writeable is np.asarray(jnp.asarray([1.0, 2.0])).flags.writeable is False
    with pytest.raises(ValueError, match="read-only"):
        view[0] = 99.0
    copied = np.array(x)  # a copy is the caller's to write
    copied[0] = 5.0
    assert x.tolist() == [1.0, 2.0] and copied.tolist() == [5.0, 2.0]


def test_exports_cannot_change_an_array():
    x = fnp.asarray([1.0, 2.0, 3.0])
    shared = x.reshape(3, 1)
    for out in (np.from_dlpack(x), np.asarray(x)):
        assert not out.flags.writeable
        with pytest.raises(ValueError, match="read-only"):
            out[0] = -50.0
    assert np.from_dlpack(x, copy=True).flags.writeable

    class Legacy:  # a consumer of DLPack before 1.0, which cannot be told read-only: it gets a copy
        def __dlpack__(self, **kwargs):
            return x.__dlpack__()

        def __dlpack_device__(self):
            return x.__dlpack_device__()

    assert np.from_dlpack(Legacy()).ctypes.data != np.asarray(x).ctypes.data
    assert x.tolist() == [1.0, 2.0, 3.0] and shared.ravel().tolist() == [1.0, 2.0, 3.0]


def test_a_numpy_masked_array_is_refused_as_in_jax():
    masked = np.ma.masked_array([1.0, 2.0, 3.0], mask=[0, 1, 0])
    for use in (fnp.asarray, fnp.sum, lambda m: m + fnp.ones(3), lambda m: fnp.ones(3) * m):
        with pytest.raises(ValueError, match=r"(?s)masked array would lose its mask.*filled"):
            use(masked)


def test_python_protocols_refuse_as_numpy_does():
    with pytest.raises(TypeError, match="unsupported format string"):
        format(fnp.asarray([1.0, 2.0]), ".2f")
    assert format(fnp.asarray(2.0), ".2f") == "2.00" and format(fnp.asarray([1.0, 2.0])) == str(np.array([1.0, 2.0]))
    with pytest.raises(TypeError, match="only integer arrays can be used as an index"):
        [10, 20][fnp.asarray(True)]
    assert [10, 20][fnp.asarray(1)] == 20


def test_block_until_ready_of_a_traced_value_returns_it():
    f = lambda a: fx.block_until_ready(a.block_until_ready() * 2)  # noqa: E731
    for g in (fx.jit(f), fx.vmap(f)):
        assert g(fnp.ones(2)).tolist() == [2.0, 2.0]
    assert fx.grad(lambda a: f(a).sum())(fnp.ones(2)).tolist() == [2.0, 2.0]
