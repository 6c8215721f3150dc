"""fnp.sign of complex x is x / |x| to within rounding at every magnitude, from subnormal to the
largest finite one, with the rules for zero, NaN and infinite parts.

Oracle: x / hypot(re, im) computed in long double from the exact parts, rounded to the dtype.
"""
import numpy as np
import pytest

import fluxion as fx
import fluxion.numpy as fnp


def _magnitudes(dt) -> list:
    info = np.finfo(dt)
    smallest = info.smallest_subnormal
    return [0.0, smallest, 3 * smallest, 1000 * smallest, info.tiny / 3, info.tiny, 1e-20, 0.75, 1.0, 3e10,
            info.max / 3, info.max, np.inf, np.nan]


def _grid(dt) -> np.ndarray:
    """Every pair (re, im) of the magnitudes above, with both signs of each part."""
    parts = [s * m for m in _magnitudes(dt) for s in (1.0, -1.0)]
    re, im = np.meshgrid(np.array(parts, dt), np.array(parts, dt))
    out = np.empty(re.size, np.result_type(dt, np.complex64))
    out.real, out.imag = re.ravel(), im.ravel()  # not re + 1j * im, which makes NaNs of infinite parts
    return out


def _reference(z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The real and imaginary parts of sign(z), in the parts' dtype."""
    a, b = z.real.astype(np.longdouble), z.imag.astype(np.longdouble)
    with np.errstate(invalid="ignore", divide="ignore"):
        h = np.hypot(a, b)
        h = np.where(h == 0, 1, h)
        re, im = a / h, b / h  # division by a real magnitude: inf / inf is NaN, finite / inf is 0
    nan = np.isnan(a) | np.isnan(b)  # a NaN part makes both parts NaN
    re, im = np.where(nan, np.nan, re), np.where(nan, np.nan, im)
    return re.astype(z.real.dtype), im.astype(z.real.dtype)


def _check(got: np.ndarray, z: np.ndarray) -> None:
    re, im = _reference(z)
    info = np.finfo(z.real.dtype)
    for g, e in ((got.real, re), (got.imag, im)):
        np.testing.assert_array_equal(np.isnan(g), np.isnan(e), err_msg=f"NaN where x / |x| has none (or not "
                                      f"where it has) for {z[np.isnan(g) != np.isnan(e)]}")
        np.testing.assert_allclose(g, e, rtol=2 * info.eps, atol=info.tiny, equal_nan=True,
                                   err_msg="sign of complex input differs from x / |x|")


@pytest.mark.parametrize("dt", [np.complex64, np.complex128])
def test_complex_sign_matches_long_double_reference_on_a_grid_of_finite_infinite_nan_and_zero_inputs(dt):
    z = _grid(np.finfo(dt).dtype)
    got = np.asarray(fnp.sign(fnp.asarray(z)))
    assert got.dtype == dt
    _check(got, z)


@pytest.mark.parametrize("dt", [np.complex64, np.complex128])
def test_complex_sign_of_a_finite_real_and_infinite_imaginary_part_is_zero_plus_nan_j(dt):
    z = np.array([complex(1.0, np.inf), complex(-2.0, -np.inf), complex(0.0, np.inf)], dt)
    _check(np.asarray(fnp.sign(fnp.asarray(z))), z)


def test_complex_sign_of_subnormal_parts_is_not_rounded_to_one_plus_one_j():
    got = fnp.sign(fnp.asarray(np.array([1e-45 + 1e-45j], np.complex64))).tolist()[0]
    np.testing.assert_allclose([got.real, got.imag], [np.sqrt(0.5)] * 2, rtol=1e-6)


@pytest.mark.parametrize("dt", [np.complex64, np.complex128])
def test_complex_sign_under_jit_matches_eager_for_normal_huge_and_special_inputs(dt):
    # XLA's CPU backend flushes subnormal numbers to zero, so they are left out here
    z = _grid(np.finfo(dt).dtype)
    tiny = np.finfo(dt).tiny
    subnormal = [(np.abs(p) < tiny) & (p != 0) for p in (z.real, z.imag)]
    z = z[~(subnormal[0] | subnormal[1])]
    _check(np.asarray(fx.jit(fnp.sign)(fnp.asarray(z))), z)
