"""Edge cases of the array API standard (2025.12) that its conformance suite reaches rarely or not
at all: uint64 ranges past int64's, `asarray(copy=False)` where a copy is unavoidable, log1p of
small complex numbers, the symmetries of complex atan and atanh, the inspection namespace, and
results that stay on their operand's device. The spec text, NumPy and the compiled path are the
oracles."""
import numpy as np
import pytest

import fluxion as fx
import fluxion.numpy as fnp

from _arrays import check, raises


# arange -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("start, stop, step", [(2**63, 2**63 + 5, 2), (2**64 - 7, 2**64 - 1, 1),
                                               (2**64 - 1, 2**63, -(2**62)), (10, 0, -3), (0, 2**63 + 2, 2**62)])
def test_arange_uint64_counts_past_the_int64_range(start, stop, step):
    want = np.array(list(range(start, stop, step)), np.uint64)
    check(fnp.arange(start, stop, step, dtype=fnp.uint64), want)
    check(fx.jit(lambda: fnp.arange(start, stop, step, dtype=fnp.uint64))(), want)


# asarray(copy=False) -----------------------------------------------------------------------------
@pytest.mark.parametrize("obj", [[1, 2], (1.5, 2.5), 3, 2.5, True, 1j, [[1, 2], [3, 4]]])
def test_asarray_copy_false_of_python_objects_raises_value_error_as_numpy(obj):
    with pytest.raises(ValueError):
        np.asarray(obj, copy=False)
    with raises(ValueError, "asarray", "copy=False"):
        fnp.asarray(obj, copy=False)
    with raises(ValueError, "asarray", "copy=False"):
        fnp.array(obj, copy=False)


@pytest.mark.parametrize("dtype", [">f4", ">i8", "<f2"])
def test_asarray_copy_false_raises_where_the_byte_order_needs_a_copy(dtype):
    value = np.arange(3).astype(dtype)
    if value.dtype.isnative:  # (no copy needed: shared)
        check(fnp.asarray(value, copy=False), value)
        return
    with raises(ValueError, "asarray", "copy=False"):
        fnp.asarray(value, copy=False)
    check(fnp.asarray(value), value.astype(value.dtype.newbyteorder("=")))


def test_asarray_copy_false_shares_what_needs_no_copy():
    x, v = fnp.arange(3), np.arange(3.0)
    assert fnp.asarray(x, copy=False) is x
    check(fnp.asarray(v, copy=False), v)
    check(fnp.asarray([1, 2], copy=None), np.asarray([1, 2]))


# log1p of complex numbers ---------------------------------------------------------------------------
_SMALL = [1e-10 + 1e-10j, 1e-4 + 1e-4j, -0.3 + 0.2j, 0.3 - 0.45j, -0.01 + 0.1410674j, 3e-8 - 2e-8j]
_LARGE = [2 + 3j, -1.5 + 0.5j, 1e30 + 1e30j, -1 + 0j]


@pytest.mark.parametrize("dtype", [np.complex64, np.complex128])
def test_log1p_of_small_complex_keeps_its_real_part(dtype):
    z = np.asarray(_SMALL, dtype)
    # log1p(z) = log|1 + z| + i arg(1 + z), with log|1 + z| = log1p(2 re + re^2 + im^2) / 2, in extended precision
    re, im = z.real.astype(np.longdouble), z.imag.astype(np.longdouble)
    want = (np.log1p(re * (2 + re) + im * im) / 2).astype(np.float64) + 1j * np.arctan2(im, 1 + re).astype(np.float64)
    rtol = 1e-5 if dtype == np.complex64 else 1e-10  # (near |1 + z| = 1 the float64 sum cancels a little)
    for out in (fnp.log1p(z), fx.jit(fnp.log1p)(z)):
        np.testing.assert_allclose(out.real, want.real, rtol=rtol)
        np.testing.assert_allclose(out.imag, want.imag, rtol=rtol)


def test_log1p_of_complex_keeps_numpys_values_and_signed_zeros_elsewhere():
    z = np.asarray(_LARGE + [complex(0.0, -0.0), complex(-0.0, 0.0), complex(np.inf, 1.0), complex(np.nan, 0.0)],
                   np.complex128)
    with np.errstate(divide="ignore", invalid="ignore"):
        out, want = np.asarray(fnp.log1p(z)), np.log1p(z)
    np.testing.assert_allclose(out, want, rtol=1e-15)
    np.testing.assert_array_equal(np.signbit(out.real), np.signbit(want.real))
    np.testing.assert_array_equal(np.signbit(out.imag), np.signbit(want.imag))


# __array_namespace_info__ -----------------------------------------------------------------------------
_SPEC_KINDS = {"bool": ["bool"], "signed integer": ["int8", "int16", "int32", "int64"],
               "unsigned integer": ["uint8", "uint16", "uint32", "uint64"], "real floating": ["float32", "float64"],
               "complex floating": ["complex64", "complex128"]}


def test_namespace_info_lists_the_spec_dtypes_per_kind():
    info = fnp.__array_namespace_info__()
    every = [n for names in _SPEC_KINDS.values() for n in names]
    assert sorted(info.dtypes()) == sorted(every)
    for kind, names in _SPEC_KINDS.items():
        assert sorted(info.dtypes(kind=kind)) == sorted(names)
    integral = _SPEC_KINDS["signed integer"] + _SPEC_KINDS["unsigned integer"]
    assert sorted(info.dtypes(kind="integral")) == sorted(integral)
    assert sorted(info.dtypes(kind="numeric")) == sorted(n for n in every if n != "bool")
    assert sorted(info.dtypes(kind=("bool", "complex floating"))) == ["bool", "complex128", "complex64"]
    assert all(dt == np.dtype(name) for name, dt in info.dtypes().items())


def test_namespace_info_defaults_and_devices_work_as_creation_arguments():
    info = fnp.__array_namespace_info__()
    caps = info.capabilities()
    assert set(caps) == {"boolean indexing", "data-dependent shapes", "max dimensions"}
    assert fnp.zeros((1,) * caps["max dimensions"]).ndim == caps["max dimensions"]
    devices = info.devices()
    assert isinstance(devices, tuple) and info.default_device() in devices
    for device in devices:
        assert fnp.zeros(2, device=device).device == device
        defaults = info.default_dtypes(device=device)
        assert set(defaults) == {"real floating", "complex floating", "integral", "indexing"}
        assert fnp.asarray(1.5, device=device).dtype == defaults["real floating"]
        assert fnp.asarray(1j, device=device).dtype == defaults["complex floating"]
        assert fnp.asarray(1, device=device).dtype == defaults["integral"]
        assert fnp.argmax(fnp.zeros(2, device=device)).dtype == defaults["indexing"]
    with pytest.raises(ValueError):
        info.dtypes(device="nowhere:0")


# symmetries the standard states for complex atan and atanh -----------------------------------------
@pytest.mark.parametrize("name, numpy_name", [("atan", "arctan"), ("atanh", "arctanh")])
@pytest.mark.parametrize("dtype", [np.complex64, np.complex128])
def test_complex_atan_and_atanh_are_exactly_odd_and_conjugate_symmetric(name, numpy_name, dtype):
    rng = np.random.default_rng(0)
    z = (rng.standard_normal(2000) * np.exp(rng.uniform(-8, 8, 2000))
         + 1j * rng.standard_normal(2000) * np.exp(rng.uniform(-8, 8, 2000))).astype(dtype)
    f = getattr(fnp, name)
    for g in (f, fx.jit(f)):
        out = np.asarray(g(z))
        np.testing.assert_array_equal(np.asarray(g(np.conj(z))), np.conj(out))  # f(conj(z)) == conj(f(z))
        np.testing.assert_array_equal(np.asarray(g(-z)), -out)  # f(-z) == -f(z)
        np.testing.assert_allclose(out, getattr(np, numpy_name)(z), rtol=4 * np.finfo(dtype).eps)


# results stay on their operand's device (the standard's device-placement rule) ------------------------
_XLA = "xla-cpu:0"
_ON_DEVICE = [
    ("isnan of integers", lambda m, x: m.isnan(x), np.int32),
    ("isinf of integers", lambda m, x: m.isinf(x), np.uint8),
    ("isfinite of integers", lambda m, x: m.isfinite(x), np.int64),
    ("imag of reals", lambda m, x: m.imag(x), np.float32),
    ("equal to an out-of-range int", lambda m, x: m.equal(x, -1), np.uint8),
    ("less than an out-of-range int", lambda m, x: m.less(x, 1000), np.uint8),
    ("isin of an out-of-range int", lambda m, x: m.isin(x, 1000), np.uint8),
    ("nonzero", lambda m, x: m.nonzero(x), np.float32),
    ("unique_values", lambda m, x: m.unique_values(x), np.float32),
    ("unique_counts", lambda m, x: tuple(m.unique_counts(x)), np.int64),
    ("unique_inverse", lambda m, x: tuple(m.unique_inverse(x)), np.int8),
    ("unique_all", lambda m, x: tuple(m.unique_all(x)), np.float64),
    ("argwhere", lambda m, x: m.argwhere(x), np.int32),
    ("flatnonzero", lambda m, x: m.flatnonzero(x), np.int32),
]


@pytest.mark.parametrize("name, f, dtype", _ON_DEVICE, ids=[c[0] for c in _ON_DEVICE])
def test_results_are_placed_on_the_device_of_the_operand(name, f, dtype):
    v = np.asarray([[3, 0, 1], [3, 2, 0]], dtype)
    out, want = f(fnp, fnp.asarray(v, device=_XLA)), f(np, v)
    for o, w in zip(out if isinstance(out, tuple) else (out,), want if isinstance(want, tuple) else (want,)):
        assert str(o.device) == _XLA
        np.testing.assert_array_equal(np.asarray(o), np.asarray(w).reshape(o.shape))
