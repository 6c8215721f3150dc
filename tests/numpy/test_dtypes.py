"""fluxion.numpy's dtype functions: astype, can_cast, finfo, iinfo, isdtype, result_type,
issubdtype, promote_types and the inspection namespace."""
from __future__ import annotations

import itertools
import math
import warnings

import hypothesis.extra.numpy as hnp
import ml_dtypes
import numpy as np
import pytest
from hypothesis import given, strategies as st

import fluxion as fx
import fluxion.numpy as fnp
from fluxion.core import dtypes as D
from fluxion.errors import DTypeError

# the NumPy kernel of conversion warns when it saturates out-of-range values; saturating is intended
pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")

STANDARD = (D.bool_, *D.SIGNED, *D.UNSIGNED, D.float32, D.float64, D.complex64, D.complex128)


def standard_promotion(a: np.dtype, b: np.dtype) -> np.dtype | None:
    """The array API standard's promotion table, from its rules; None where it defines none."""
    if a == b:
        return a
    if D.bool_ in (a, b):
        return None
    if a in D.INTEGER and b in D.INTEGER:
        if D.is_unsigned(a) == D.is_unsigned(b):
            return a if a.itemsize > b.itemsize else b
        u, s = (a, b) if D.is_unsigned(a) else (b, a)
        if u.itemsize == 8:
            return None
        return np.dtype(f"int{8 * max(s.itemsize, 2 * u.itemsize)}")
    floats = (D.float32, D.float64, D.complex64, D.complex128)
    if a in floats and b in floats:
        wide = 8 in (D.real_dtype(a).itemsize, D.real_dtype(b).itemsize)
        if a in D.COMPLEX or b in D.COMPLEX:
            return D.complex128 if wide else D.complex64
        return D.float64 if wide else D.float32
    return None


STANDARD_PAIRS = [(a, b, standard_promotion(a, b)) for a, b in itertools.product(STANDARD, STANDARD)
                  if standard_promotion(a, b) is not None]


def _ones(dt):
    return fnp.asarray(np.ones(2, dt))


# promotion ------------------------------------------------------------------------------------
@pytest.mark.parametrize("a,b,expected", STANDARD_PAIRS, ids=[f"{a}-{b}" for a, b, _ in STANDARD_PAIRS])
def test_promotion_table_of_the_standard(a, b, expected):
    assert fnp.result_type(a, b) == expected
    assert fnp.result_type(_ones(a), b) == expected and fnp.promote_types(a, b) == expected
    op = fnp.equal if expected == D.bool_ else fnp.add
    out = op(_ones(a), _ones(b))
    assert out.dtype == (D.bool_ if op is fnp.equal else expected)


@pytest.mark.parametrize("a,b,expected", [
    (D.uint64, D.int64, D.float64), (D.uint64, D.int8, D.float64), (D.int8, D.float16, D.float16),
    (D.int64, D.float32, D.float32), (D.uint32, D.bfloat16, D.bfloat16), (D.float16, D.bfloat16, D.float32),
    (D.float16, D.float32, D.float32), (D.bfloat16, D.float64, D.float64), (D.bfloat16, D.complex64, D.complex64),
    (D.float16, D.complex128, D.complex128), (D.bool_, D.int8, D.int8), (D.bool_, D.float16, D.float16),
    (D.int32, D.complex64, D.complex64), (D.uint8, D.bool_, D.uint8),
])
def test_promotion_beyond_the_standard_keeps_the_float_and_is_commutative(a, b, expected):
    assert fnp.result_type(a, b) == fnp.result_type(b, a) == expected
    assert fnp.promote_types(a, b) == expected


@pytest.mark.parametrize("dt", STANDARD + (D.float16, D.bfloat16))
@pytest.mark.parametrize("scalar", [True, 1, 1.0, 1j])
def test_result_type_treats_python_scalars_as_weak(dt, scalar):
    kind = D.kind(D.scalar_dtype(scalar))
    if kind <= D.kind(dt):
        expected = dt
    elif kind == D.COMPLEX_KIND and dt in D.REAL_FLOATING:
        expected = D.complex_dtype(dt)
    else:
        expected = D.scalar_dtype(scalar)
    assert fnp.result_type(dt, scalar) == fnp.result_type(scalar, _ones(dt)) == expected


def test_result_type_of_several_arrays_dtypes_and_scalars():
    assert fnp.result_type(fnp.int8, _ones(D.uint8), 1, fnp.int16) == fnp.int16
    assert fnp.result_type(np.ones(2, np.float64), 1j) == fnp.complex128
    assert fnp.result_type(fnp.asarray(1.0), 1) == fnp.float32  # a weak array stays weak
    assert fnp.result_type(1, 2.0) == fnp.float32 and fnp.result_type(float, "int8") == fnp.float32


def test_result_type_needs_an_argument():
    with pytest.raises(ValueError, match="at least one"):
        fnp.result_type()


def test_result_type_rejects_what_is_not_a_dtype():
    with pytest.raises(DTypeError, match="not a dtype"):
        fnp.result_type(fnp.int8, None)
    with pytest.raises(TypeError, match="not supported"):
        fnp.result_type("datetime64[s]")


# can_cast -------------------------------------------------------------------------------------
@pytest.mark.parametrize("a,b,expected", STANDARD_PAIRS, ids=[f"{a}-{b}" for a, b, _ in STANDARD_PAIRS])
def test_can_cast_follows_the_promotion_table(a, b, expected):
    assert fnp.can_cast(a, expected)
    assert fnp.can_cast(_ones(a), expected)
    if expected != a:
        assert not fnp.can_cast(expected, a)


@pytest.mark.parametrize("src,dst,casting,expected", [
    (D.int64, D.int8, "same_kind", True), (D.float64, D.float16, "same_kind", True),
    (D.int8, D.uint8, "same_kind", False), (D.uint8, D.int8, "same_kind", True),
    (D.complex64, D.float64, "same_kind", False), (D.float32, D.int32, "same_kind", False),
    (D.float32, D.int32, "unsafe", True), (D.int8, D.int8, "no", True), (D.int8, D.int16, "equiv", False),
    (D.bool_, D.float32, "safe", True), (D.float16, D.bfloat16, "safe", False),
])
def test_can_cast_modes(src, dst, casting, expected):
    assert fnp.can_cast(src, dst, casting=casting) is expected


@pytest.mark.parametrize("casting", ["safe", "same_kind"])
def test_can_cast_agrees_with_numpy_on_its_dtypes(casting):
    names = "bool uint8 uint16 uint32 uint64 int8 int16 int32 int64 float16 float32 float64 complex64 complex128"
    for a, b in itertools.product(names.split(), repeat=2):
        assert fnp.can_cast(getattr(fnp, a), getattr(fnp, b), casting=casting) == np.can_cast(a, b, casting), (a, b)


def test_can_cast_rejects_an_unknown_casting_mode():
    with pytest.raises(ValueError, match="unknown casting 'sometimes'[\\s\\S]*same_kind"):
        fnp.can_cast(fnp.int8, fnp.int16, casting="sometimes")


# astype ---------------------------------------------------------------------------------------
def _in_range_values(src: np.dtype, dst: np.dtype):
    """Values of `src` that `dst` holds (so that the cast is defined and NumPy's is the oracle)."""
    if D.bool_ in (src, dst):
        return hnp.from_dtype(np.dtype(np.bool_))
    lo, hi = -1000.0, 1000.0
    for dt in (src, dst):
        if dt in D.INTEGER:
            lo, hi = max(lo, float(np.iinfo(dt).min)), min(hi, float(np.iinfo(dt).max))
    if src in D.INTEGER:
        return st.integers(int(lo), int(hi))
    return st.floats(lo, hi, width=32 if src.itemsize <= 4 or src == D.complex64 else 64)


ALL = D.ALL


@given(data=st.data())
def test_astype_matches_numpy_for_representable_values(data):
    src = data.draw(st.sampled_from(ALL), label="src")
    dst = data.draw(st.sampled_from(ALL), label="dst")
    values = data.draw(st.lists(_in_range_values(src, dst), max_size=5), label="values")
    x = np.array(values, dtype=np.float64 if src not in D.INTEGER + (D.bool_,) else None).astype(src)
    if src in D.COMPLEX and dst not in D.COMPLEX + (D.bool_,):  # to bool, both parts count: nothing is lost
        with pytest.warns(np.exceptions.ComplexWarning):
            out = fnp.astype(fnp.asarray(x), dst)
        expected = x.real.astype(dst)
    else:
        out = fnp.astype(fnp.asarray(x), dst)
        expected = x.astype(np.float64).astype(dst) if src == D.bfloat16 else x.astype(dst)
    assert out.dtype == dst and out.shape == x.shape
    np.testing.assert_array_equal(np.asarray(out), expected)


@pytest.mark.parametrize("dst", D.INTEGER)
def test_astype_float_to_integer_truncates_saturates_and_sends_nan_to_zero(dst):
    info = np.iinfo(dst)
    out = fnp.astype(fnp.asarray([1.9, -1.9, math.nan, math.inf, -math.inf, 1e30, -1e30]), dst)
    low = 0 if dst in D.UNSIGNED else -1
    assert out.tolist() == [1, low, 0, info.max, info.min, info.max, info.min]


def test_astype_copy_false_returns_the_same_array_only_when_nothing_changes():
    x = fnp.asarray([1, 2], dtype=fnp.int32)
    assert fnp.astype(x, fnp.int32, copy=False) is x
    assert fnp.astype(x, fnp.int32) is not x and x.astype(fnp.int32).tolist() == [1, 2]
    assert fnp.astype(x, fnp.int64, copy=False).dtype == fnp.int64
    weak = fnp.add(1.0, 0.0)  # Python scalars give a weak result
    assert weak.weak and not fnp.astype(weak, fnp.float32, copy=False).weak


def test_astype_accepts_python_types_and_dtype_names():
    x = fnp.asarray([1, 0])
    assert fnp.astype(x, float).dtype == fnp.float32 and fnp.astype(x, bool).dtype == fnp.bool
    assert fnp.astype(x, "bfloat16").dtype == fnp.bfloat16 and x.astype(complex).dtype == fnp.complex64


@pytest.mark.parametrize("kind", [float, complex, int, bool])
def test_the_name_of_a_python_type_is_the_dtype_of_the_type(kind):
    """dtype="float" is dtype=float (NumPy reads the string as float64, and the type too)."""
    for make in (lambda dt: fnp.zeros(2, dtype=dt), lambda dt: fnp.asarray([1, 0], dtype=dt),
                 lambda dt: fnp.ones(2).astype(dt), lambda dt: fx.jit(lambda v: v.astype(dt))(fnp.ones(2))):
        assert make(kind.__name__).dtype == make(kind).dtype == D.canonicalize(kind)


def test_astype_errors_name_the_fix():
    x = fnp.asarray([1.0])
    with pytest.raises(DTypeError, match="not a dtype"):
        fnp.astype(x, None)
    with pytest.raises(TypeError, match="not supported"):
        fnp.astype(x, "float128")
    with pytest.raises(ValueError, match="astype: there is no device abacus:0[\\s\\S]*fx.devices"):
        fnp.astype(x, fnp.float32, device=fx_device("abacus"))
    assert fnp.astype(x, fnp.float64, device=x.device).dtype == fnp.float64


def fx_device(platform: str):
    from fluxion.core.device import Device
    return Device(platform, 0)


# finfo and iinfo ------------------------------------------------------------------------------
@pytest.mark.parametrize("dt", D.FLOATING)
def test_finfo_gives_python_numbers_of_the_real_dtype(dt):
    for arg in (dt, fnp.asarray(np.ones(1, dt)), np.ones(1, dt)):
        info = fnp.finfo(arg)
        ref = ml_dtypes.finfo(D.real_dtype(dt))
        assert type(info.bits) is int and info.bits == ref.bits
        for name in ("eps", "epsneg", "max", "min", "smallest_normal", "smallest_subnormal", "resolution"):
            assert type(getattr(info, name)) is float and getattr(info, name) == float(getattr(ref, name))
        assert info.tiny == info.smallest_normal and info.dtype == D.real_dtype(dt)
        for name in ("minexp", "maxexp", "nmant", "machep", "negep", "nexp", "iexp", "precision"):
            assert type(getattr(info, name)) is int and getattr(info, name) == getattr(ref, name), name


def test_finfo_of_bfloat16_and_float16():
    assert fnp.finfo(fnp.bfloat16).eps == 2.0**-7 and fnp.finfo(fnp.bfloat16).smallest_normal == 2.0**-126
    assert fnp.finfo(fnp.float16).max == 65504.0 and fnp.finfo(float).dtype == fnp.float32


@pytest.mark.parametrize("dt", D.INTEGER)
def test_iinfo_gives_python_ints(dt):
    for arg in (dt, fnp.asarray(np.ones(1, dt))):
        info = fnp.iinfo(arg)
        ref = np.iinfo(dt)
        assert (info.bits, info.min, info.max, info.dtype) == (ref.bits, int(ref.min), int(ref.max), dt)
        assert all(type(v) is int for v in (info.bits, info.min, info.max))


@pytest.mark.parametrize("dt", D.INTEGER + (D.bool_,))
def test_finfo_of_a_non_float_dtype_raises_and_points_to_iinfo(dt):
    with pytest.raises(DTypeError, match=r"finfo: .* not a floating-point dtype[\s\S]*fix"):
        fnp.finfo(dt)
    if dt != D.bool_:
        with pytest.raises(DTypeError, match="iinfo"):
            fnp.finfo(dt)


@pytest.mark.parametrize("dt", D.FLOATING + (D.bool_,))
def test_iinfo_of_a_non_integer_dtype_raises(dt):
    with pytest.raises(DTypeError, match=r"iinfo: .* not an integer dtype[\s\S]*fix"):
        fnp.iinfo(dt)


# kinds ------------------------------------------------------------------------------------------
KIND_MEMBERS = {
    "bool": {D.bool_}, "signed integer": set(D.SIGNED), "unsigned integer": set(D.UNSIGNED),
    "integral": set(D.INTEGER), "real floating": set(D.REAL_FLOATING), "complex floating": set(D.COMPLEX),
    "numeric": set(D.NUMERIC),
}


@pytest.mark.parametrize("kind", list(KIND_MEMBERS))
@pytest.mark.parametrize("dt", ALL)
def test_isdtype_kinds(dt, kind):
    out = fnp.isdtype(dt, kind)
    assert out is (dt in KIND_MEMBERS[kind])


def test_isdtype_with_dtypes_and_tuples():
    assert fnp.isdtype(fnp.int8, fnp.int8) and not fnp.isdtype(fnp.int8, fnp.int16)
    assert fnp.isdtype(fnp.float16, ("bool", "real floating")) and not fnp.isdtype(fnp.int8, ("bool", fnp.uint8))
    assert fnp.isdtype(fnp.uint8, ("bool", fnp.uint8)) and not fnp.isdtype(fnp.uint8, ())


def test_isdtype_errors():
    with pytest.raises(ValueError, match="unknown kind 'floating'[\\s\\S]*real floating"):
        fnp.isdtype(fnp.float32, "floating")
    with pytest.raises(TypeError, match="pass x.dtype"):
        fnp.isdtype(fnp.asarray([1.0]), "real floating")


@pytest.mark.parametrize("abstract", [np.generic, np.number, np.integer, np.signedinteger, np.unsignedinteger,
                                      np.inexact, np.floating, np.complexfloating, np.bool_, np.float32])
@pytest.mark.parametrize("dt", STANDARD + (D.float16,))
def test_issubdtype_agrees_with_numpy_on_numpy_dtypes(dt, abstract):
    assert fnp.issubdtype(dt, abstract) == np.issubdtype(dt, abstract)


def test_issubdtype_counts_bfloat16_as_floating():
    assert fnp.issubdtype(fnp.bfloat16, np.floating) and fnp.issubdtype(fnp.bfloat16, np.inexact)
    assert not fnp.issubdtype(fnp.bfloat16, np.integer) and fnp.issubdtype(np.floating, np.inexact)


# inspection -------------------------------------------------------------------------------------
def test_namespace_info_capabilities_and_devices():
    info = fnp.__array_namespace_info__()
    assert info.capabilities() == {"boolean indexing": True, "data-dependent shapes": True, "max dimensions": 64}
    assert info.default_device() in info.devices() and isinstance(info.devices(), tuple)
    defaults = info.default_dtypes(device=info.default_device())
    assert defaults == {"real floating": fnp.float32, "complex floating": fnp.complex64, "integral": fnp.int64,
                        "indexing": fnp.int64}
    assert "__array_namespace_info__" in fnp._dtype_functions.__all__


@pytest.mark.parametrize("kind", [None, *KIND_MEMBERS, ("bool", "complex floating")])
def test_namespace_info_dtypes_lists_the_standard_dtypes_of_a_kind(kind):
    out = fnp.__array_namespace_info__().dtypes(kind=kind)
    members = set(STANDARD) if kind is None else {dt for dt in STANDARD if fnp.isdtype(dt, kind)}
    assert set(out.values()) == members and all(np.dtype(name) == dt for name, dt in out.items())


def test_namespace_info_rejects_an_unknown_device():
    with pytest.raises(ValueError, match="unknown device[\\s\\S]*devices()"):
        fnp.__array_namespace_info__().dtypes(device="tpu:7")


# view, itemsize, nbytes --------------------------------------------------------------------------
@pytest.mark.parametrize("src", [np.float32, np.float64, np.int8, np.uint16, np.complex64, np.float16, np.bool_])
def test_view_reads_the_same_bits_as_numpys_view_eager_and_jit(src):
    rng = np.random.default_rng(0)
    as_bytes = lambda a: np.ascontiguousarray(np.asarray(a)).reshape(-1).view(np.uint8)  # noqa: E731
    for dst in (np.float32, np.float64, np.int8, np.uint16, np.int64, np.complex64, np.float16, np.uint8):
        for shape in ((4,), (2, 8), (0,), (3, 0), ()):
            x = (rng.random(shape) * 10).astype(src)
            try:
                expected = x.view(dst)
            except ValueError:
                with pytest.raises(ValueError, match="view"):
                    fnp.asarray(x).view(dst)
                continue
            for out in (fnp.asarray(x).view(dst), fx.jit(lambda a: a.view(dst))(fnp.asarray(x))):
                assert out.shape == expected.shape and out.dtype == expected.dtype, (src, dst, shape)
                assert np.array_equal(as_bytes(out), as_bytes(expected)), (src, dst, shape)
            assert fnp.asarray(x).itemsize == x.itemsize and fnp.asarray(x).nbytes == x.nbytes
    with pytest.raises(DTypeError, match="bool[\\s\\S]*x != 0"):
        fnp.ones(2).view(bool)
    for one_byte in (np.int8, np.uint8):  # one byte to one boolean: a nonzero byte is True, as NumPy reads it
        x = np.array([[0, 1, 2], [7, 0, 1]], one_byte)
        for out in (fnp.asarray(x).view(bool), fx.jit(lambda a: a.view(fnp.bool_))(fnp.asarray(x))):
            assert out.dtype == np.bool_ and np.array_equal(np.asarray(out), x.view(bool))


@pytest.mark.parametrize("target", [np.int8, np.uint8, np.int16, np.int32, np.int64, np.uint32, np.uint64])
def test_bfloat16_to_integers_saturates_and_sends_nan_to_zero_eagerly_as_compiled(target):
    values = np.array([300.0, -1.0, 1e10, np.nan, -1e30, 2.5, -0.0], np.float32)
    x = fnp.asarray(values.astype(ml_dtypes.bfloat16))
    eager, compiled = x.astype(target), fx.jit(lambda a: a.astype(target))(x)
    # the float32 values are the bfloat16 ones, whose conversion is the float32 one
    via_float32 = fnp.asarray(values.astype(ml_dtypes.bfloat16).astype(np.float32)).astype(target)
    np.testing.assert_array_equal(np.asarray(eager), np.asarray(compiled))
    np.testing.assert_array_equal(np.asarray(eager), np.asarray(via_float32))


def test_complex_to_bool_is_true_where_either_part_is_nonzero_as_numpy():
    z = np.array([0j, 1j, 2 + 0j, complex("nan"), -0.0 - 0.0j])
    expected = z.astype(bool)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no ComplexWarning: nothing is discarded
        for out in (fnp.asarray(z).astype(bool), fx.jit(lambda a: a.astype(fnp.bool))(fnp.asarray(z)),
                    fnp.bool(fnp.asarray(z)), fnp.asarray(z.astype(np.complex64)).astype(bool)):
            np.testing.assert_array_equal(np.asarray(out), expected)


@pytest.mark.parametrize("arg1", [np.float64, np.float32, np.complex128, np.complex64, np.int64, np.int32, np.bool_,
                                  float, int, complex, bool])
@pytest.mark.parametrize("arg2", [float, int, complex, bool, np.floating, np.integer, np.complexfloating])
def test_issubdtype_reads_python_types_as_numpy_does(arg1, arg2):
    assert fnp.issubdtype(arg1, arg2) == np.issubdtype(arg1, arg2)


def test_clip_of_a_python_scalar_by_an_array_bound_is_strong_as_numpy():
    # (a weak result would not widen the next operand: 3 clipped to >= 200, plus int8 100, wrapped to 44)
    lo, small = fnp.asarray([200]), fnp.asarray([100], dtype=fnp.int8)
    for run in (lambda f, *a: f(*a), lambda f, *a: fx.jit(f)(*a)):
        c = run(lambda lo: fnp.clip(3, lo, None), lo)
        assert c.dtype == fnp.int64 and not c.weak
        np.testing.assert_array_equal(c + small, np.clip(3, np.asarray([200]), None) + np.int8([100]))
        assert (run(lambda hi: fnp.clip(0.5, None, hi), fnp.ones(2, fnp.float32)) * fnp.ones(2, fnp.float16)).dtype \
            == fnp.float32
    assert fnp.clip(3, 1, 2).weak and fnp.clip(fnp.asarray([1.0, 5.0]), 2, 3).dtype == fnp.float32


def test_booleans_raised_to_a_python_int_are_int64_eagerly_and_under_jit_as_numpys_power():
    b = np.array([True, False, True])
    for e in (0, 2):
        want = np.power(b, e)  # (NumPy's own b ** 2 is int8, through its square)
        for got in (fnp.asarray(b) ** e, fx.jit(lambda a: a ** e)(fnp.asarray(b)), fnp.pow(fnp.asarray(b), e)):
            assert got.dtype == want.dtype
            np.testing.assert_array_equal(got, want)


def test_every_conversion_that_drops_imaginary_parts_warns_as_numpy_and_jax():
    z = fnp.asarray([1 + 2j])
    for convert in (lambda: fnp.asarray(z, dtype=fnp.float32), lambda: fnp.zeros(2).at[0].set(z[0]),
                    lambda: fnp.zeros(2).__setitem__(0, z[0]), lambda: fnp.astype(z, fnp.float64)):
        with pytest.warns(np.exceptions.ComplexWarning, match="discards the imaginary part"):
            convert()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing is discarded
        fnp.asarray(z, dtype=fnp.complex64), fnp.zeros(2, fnp.complex64).at[0].set(1.0), fnp.astype(z, fnp.bool_)
    jnp = pytest.importorskip("jax.numpy")
    with pytest.warns(np.exceptions.ComplexWarning):  # (the oracle: jax warns too)
        jnp.asarray(jnp.asarray([1 + 2j]), dtype=jnp.float32)
