"""fluxion.numpy's dtype names are NumPy-like scalar types: dtypes everywhere, conversions when called."""
from __future__ import annotations

import ml_dtypes
import numpy as np
import pytest

import fluxion as fx
import fluxion.numpy as fnp

NAMES = ("bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "float16",
         "float32", "float64", "complex64", "complex128")
ALIASES = {"bool_": "bool", "int_": "int64", "uint": "uint64", "single": "float32", "double": "float64",
           "csingle": "complex64", "cdouble": "complex128", "float_": "float64", "complex_": "complex128"}


def numpy_type(name: str) -> type:
    return np.bool_ if name == "bool" else getattr(np, name)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("value", [0, 1, 7, -3, 2.75, -0.5, True, [1.5, -2.0, 3.0], [[0, 1], [5, 6]]])
def test_calling_a_type_converts_as_numpy_does(name, value):
    if name.startswith("uint") and np.any(np.asarray(value) < 0):
        pytest.skip("NumPy's conversion of negative numbers to unsigned types is not the same across versions")
    t = numpy_type(name)
    expected = np.asarray(value).astype(t) if isinstance(value, list) else t(value)
    out = getattr(fnp, name)(value)
    assert isinstance(out, fx.Array)
    assert out.dtype == expected.dtype and out.shape == np.shape(expected)
    np.testing.assert_array_equal(np.asarray(out), expected)


@pytest.mark.parametrize("name", NAMES)
def test_called_with_nothing_gives_zero(name):
    out = getattr(fnp, name)()
    assert out.shape == () and out.dtype == np.dtype(numpy_type(name)) and not out.item()


def test_float64_of_a_python_float_keeps_every_digit():
    assert fnp.float64(0.1).item() == 0.1
    assert fnp.float64([0.1, 1 / 3]).tolist() == [0.1, 1 / 3]


def test_calling_on_an_array_is_astype():
    x = fnp.asarray([1.7, -1.7, 3.5])
    for name in ("int32", "float16", "complex64", "bool"):
        t = getattr(fnp, name)
        np.testing.assert_array_equal(np.asarray(t(x)), np.asarray(fnp.astype(x, t)))
    assert fnp.bfloat16(x).dtype == ml_dtypes.bfloat16


@pytest.mark.parametrize("name", NAMES + ("bfloat16",))
def test_a_type_is_its_dtype_for_numpy_and_for_dicts(name):
    t, dt = getattr(fnp, name), np.dtype(ml_dtypes.bfloat16 if name == "bfloat16" else numpy_type(name))
    assert t == dt and dt == t and np.dtype(t) == dt and not t != dt
    assert {dt: 1}[t] == 1 and {t: 2}[dt] == 2
    assert (t.name, t.itemsize, t.kind, t.char) == (dt.name, dt.itemsize, dt.kind, dt.char)
    assert t.dtype is dt and t.__name__ == name
    assert fnp.zeros(2, t).dtype == dt and np.zeros(2, t).dtype == dt
    assert t != (fnp.float32 if name != "float32" else fnp.float64)


def test_aliases_are_the_same_types():
    for alias, name in ALIASES.items():
        assert getattr(fnp, alias) is getattr(fnp, name)


def test_a_type_is_accepted_by_every_dtype_function():
    assert fnp.finfo(fnp.float32).eps == np.finfo(np.float32).eps
    assert fnp.iinfo(fnp.uint8).max == 255
    assert fnp.result_type(fnp.float32, fnp.int8) == np.float32
    assert fnp.promote_types(fnp.int8, fnp.uint8) == np.int16
    assert fnp.can_cast(fnp.int8, fnp.int16) and not fnp.can_cast(fnp.float64, fnp.float32)
    assert fnp.isdtype(fnp.float32, "real floating") and not fnp.isdtype(fnp.int8, "real floating")
    assert fnp.issubdtype(fnp.float32, fnp.floating) and not fnp.issubdtype(fnp.int8, fnp.floating)
    assert fnp.asarray([1, 2]).astype(fnp.float16).dtype == np.float16
    assert fx.random.normal(fx.random.key(0), (2,), dtype=fnp.float64).dtype == np.float64


def test_a_type_does_not_pass_for_an_array():
    assert not hasattr(fnp.float32, "shape") and not hasattr(fnp.float32, "ndim")
    with pytest.raises(AttributeError, match="no attribute"):
        fnp.float32.fields_of_nothing  # noqa: B018


def test_conversion_is_differentiated_jitted_and_batched():
    def f(x):
        return fnp.sum(fnp.float32(x) ** 2)

    x = fnp.asarray([1.0, -2.0, 0.5], dtype=fnp.float64)
    g = fx.grad(f)(x)
    assert g.dtype == np.float64
    np.testing.assert_allclose(np.asarray(g), 2 * np.asarray(x))
    np.testing.assert_allclose(np.asarray(fx.jit(f)(x)), np.asarray(f(x)))
    assert fx.jit(lambda x: fnp.int32(x))(x).dtype == np.int32
    np.testing.assert_array_equal(np.asarray(fx.vmap(lambda r: fnp.int8(r))(fnp.asarray([[1.5, 2.5], [3.5, -4.5]]))),
                                  np.asarray([[1, 2], [3, -4]], np.int8))


def test_a_traced_program_prints_the_dtype():
    assert "new_dtype=dtype('int32')" in str(fx.make_program(lambda x: fnp.int32(x))(fnp.ones(2)))
