"""The eager fast paths of the products, diagonals, differences and convolutions (vdot, inner,
vecdot, kron, cross, diagonal, trace, einsum's diagonals, diff, convolve, correlate and their
linalg versions) give what the general path gives, bit for bit (dtype, weak type, shape,
bytes), on NaN, +-inf, -0.0, 0-d, empty, transposed, integer, boolean, 16-bit, complex and
weak inputs; invalid arguments give the general path's error. The general path runs on
tracers (`traced`), which no fast path takes."""
import ml_dtypes
import numpy as np
import pytest

import fluxion as fx
import fluxion.numpy as fnp
from fluxion.core.array import Array

from _tracing import traced
from test_eager_fast_paths import check

_RNG = np.random.default_rng(5)


def _values(dt, shape):
    kind = np.dtype(dt).kind
    if kind in "iu":  # (products of these overflow int8 and uint8)
        return _RNG.integers(0 if kind == "u" else -120, 120, shape).astype(dt)
    v = _RNG.standard_normal(shape) * 3
    v = (v + 1j * _RNG.standard_normal(shape) if kind == "c" else v).astype(dt)
    if v.size >= 6:
        v.flat[:4] = np.nan, np.inf, -np.inf, -0.0
    return v


def _inputs():
    """Matrices with NaN, +-inf and -0.0 (float32, float64, complex, float16, bfloat16), integers
    that overflow when multiplied, booleans, a transposed and a 3-d stack, vectors of 3 and 10
    elements, 0-d, empty, a non-square matrix, and weak arrays."""
    out = [fnp.asarray(_values(dt, (4, 3))) for dt in (np.float32, np.float64, np.complex64, np.float16,
                                                      ml_dtypes.bfloat16, np.int32, np.int8, np.uint8)]
    out += [fnp.asarray(_values(np.complex128, (2, 3, 3))), fnp.asarray(_values(np.float32, (3, 5))).T,
            fnp.asarray(_values(np.float64, (3,))), fnp.asarray(_values(np.float32, (10,))),
            fnp.asarray(_values(np.float32, ())), fnp.asarray(_values(np.float64, (0, 3))),
            fnp.asarray(_values(np.int64, (3, 3))), fnp.asarray(_RNG.standard_normal((3, 3)) > 0),
            fnp.asarray(_values(np.float32, (2, 3, 4))), Array(np.array([[-1.5, 0.0, 2.5]], np.float32), weak=True),
            Array(np.array(-0.0, np.float32), weak=True), fnp.broadcast_to(fnp.asarray(1.5), (3, 3))]
    return out


INPUTS = _inputs()

_SELF, _FLIP, _HEAD = (lambda x: x), (lambda x: x[..., ::-1]), (lambda x: x[..., :1])
_T, _ROW = (lambda x: x.T), (lambda x: x[:1])

# name: (f(x, y), y made from x) -- y is made eagerly, so that both paths get the same layout
# (a NumPy kernel may sum a view's elements in another order than a copy's)
FUNCTIONS = {
    "vdot": (fnp.vdot, _SELF), "vdot flipped": (fnp.vdot, _FLIP), "vdot of other sizes": (fnp.vdot, _HEAD),
    "vdot scalar": (lambda x, y: fnp.vdot(x, 2.0), _SELF), "inner": (fnp.inner, _SELF),
    "inner transposed": (fnp.inner, _T), "inner flipped": (fnp.inner, _FLIP), "inner head": (fnp.inner, _HEAD),
    "vecdot": (fnp.vecdot, _FLIP), "vecdot axis 0": (lambda x, y: fnp.vecdot(x, y, axis=0), _SELF),
    "vecdot axis -2": (lambda x, y: fnp.vecdot(x, y, axis=-2), _FLIP),
    "vecdot axis 5": (lambda x, y: fnp.vecdot(x, y, axis=5), _SELF), "vecdot broadcast": (fnp.vecdot, _ROW),
    "linalg.vecdot": (fnp.linalg.vecdot, _SELF), "kron": (fnp.kron, _SELF), "kron column": (fnp.kron, _HEAD),
    "kron transposed": (fnp.kron, _T), "kron scalar": (lambda x, y: fnp.kron(x, 3), _SELF),
    "diagonal": (lambda x, y: fnp.diagonal(x), _SELF), "diagonal 1": (lambda x, y: fnp.diagonal(x, 1), _SELF),
    "diagonal -2": (lambda x, y: fnp.diagonal(x, -2), _SELF), "diagonal far": (lambda x, y: fnp.diagonal(x, 9), _SELF),
    "diagonal axes": (lambda x, y: fnp.diagonal(x, 0, 1, 0), _SELF),
    "diagonal axes 0 -1": (lambda x, y: fnp.diagonal(x, -1, 0, -1), _SELF),
    "diagonal same axes": (lambda x, y: fnp.diagonal(x, 0, 1, 1), _SELF),
    "linalg.diagonal": (lambda x, y: fnp.linalg.diagonal(x), _SELF),
    "linalg.diagonal 1": (lambda x, y: fnp.linalg.diagonal(x, offset=1), _SELF),
    "trace": (lambda x, y: fnp.trace(x), _SELF), "trace -1": (lambda x, y: fnp.trace(x, -1), _SELF),
    "trace axes": (lambda x, y: fnp.trace(x, 1, -1, 0), _SELF), "trace far": (lambda x, y: fnp.trace(x, 7), _SELF),
    "trace float64": (lambda x, y: fnp.trace(x, dtype=fnp.float64), _SELF),
    "trace int8": (lambda x, y: fnp.trace(x, dtype=fnp.int8), _SELF),
    "linalg.trace": (lambda x, y: fnp.linalg.trace(x), _SELF),
    "linalg.trace -1": (lambda x, y: fnp.linalg.trace(x, offset=-1), _SELF),
    "einsum ii": (lambda x, y: fnp.einsum("ii", x), _SELF),
    "einsum ...ii->...i": (lambda x, y: fnp.einsum("...ii->...i", x), _SELF),
    "cross": (fnp.cross, _FLIP), "cross axis 0": (lambda x, y: fnp.cross(x, y, axis=0), _SELF),
    "cross axisc 0": (lambda x, y: fnp.cross(x, y, axisc=0), _FLIP),
    "cross axisa": (lambda x, y: fnp.cross(y, x, axisa=0), _T), "cross broadcast": (fnp.cross, _ROW),
    "cross 2-vectors": (lambda x, y: fnp.cross(x[..., :2], y[..., :2]), _FLIP),
    "cross 2 and 3": (lambda x, y: fnp.cross(x[..., :2], y), _SELF),
    "cross axisc out": (lambda x, y: fnp.cross(x, y, axisc=4), _SELF),
    "cross axis out": (lambda x, y: fnp.cross(x, y, axis=-5), _SELF), "linalg.cross": (fnp.linalg.cross, _FLIP),
    "linalg.cross axis 0": (lambda x, y: fnp.linalg.cross(x, y, axis=0), _SELF),
    "diff": (lambda x, y: fnp.diff(x), _SELF), "diff 2": (lambda x, y: fnp.diff(x, 2), _SELF),
    "diff 9": (lambda x, y: fnp.diff(x, 9), _SELF), "diff axis 0": (lambda x, y: fnp.diff(x, axis=0), _SELF),
    "diff axis -2": (lambda x, y: fnp.diff(x, 3, axis=-2), _SELF),
    "diff axis out": (lambda x, y: fnp.diff(x, axis=4), _SELF),
    "diff 0": (lambda x, y: fnp.diff(x, 0), _SELF), "diff -1": (lambda x, y: fnp.diff(x, -1), _SELF),
    "diff prepend": (lambda x, y: fnp.diff(x, prepend=0), _SELF),
    "diff append": (lambda x, y: fnp.diff(x, 2, append=y), _HEAD),
}


@pytest.mark.parametrize("name", list(FUNCTIONS))
@pytest.mark.parametrize("i", range(len(INPUTS)))
def test_fast_path_matches_the_general_path_bit_for_bit(name, i):
    f, partner = FUNCTIONS[name]
    x = INPUTS[i]
    try:
        y = partner(x)
    except IndexError:  # (x[:1] of a 0-d x: x is its own partner)
        y = x
    check(f, x, y)


_SEQUENCES = [np.array(v) for v in ([1.5], [2.0, -0.0], [np.inf, 1.0, 2.0], [1.0, np.nan, -3.0, 0.5],
                                    [0.25, -1.0, 4.0, 2.0, -0.5], _RNG.standard_normal(9))]


@pytest.mark.parametrize("dt", [np.float32, np.float64, np.complex64, np.complex128, np.int32, np.int8, np.uint16,
                                np.bool_, np.float16])
@pytest.mark.parametrize("mode", ["full", "same", "valid", 0, 2])
def test_convolve_and_correlate_match_the_general_path_for_every_pair_of_lengths(dt, mode):
    for a in _SEQUENCES:
        for v in _SEQUENCES:
            with np.errstate(invalid="ignore"):
                x, y = (a * 3).astype(dt), (v[::-1] - 1j * v if np.dtype(dt).kind == "c" else v * 5).astype(dt)
            for f in (fnp.convolve, fnp.correlate):
                _check_convolution(lambda p, q: f(p, q, mode), fnp.asarray(x), fnp.asarray(y))


def _check_convolution(f, x, y):
    """Float and complex convolutions sum by NumPy's correlate eagerly, in another order than the
    general path's: those match it within rounding (NaN where it has NaN); the others bit for bit."""
    if np.dtype(x.dtype) not in (np.float32, np.float64, np.complex64, np.complex128):
        return check(f, x, y)
    eager, general = f(x, y), traced(f, x, y)
    assert (eager.dtype, eager.weak, eager.shape) == (general.dtype, general.weak, general.shape)
    tol = 1e-5 if np.dtype(x.dtype) in (np.float32, np.complex64) else 1e-12
    np.testing.assert_allclose(np.asarray(eager), np.asarray(general), rtol=tol, atol=tol)


def test_convolve_takes_views_weak_and_0d_operands_as_the_general_path():
    x = fnp.asarray(_values(np.float32, (4, 9)))
    s = _RNG.standard_normal(20).astype(np.float32)
    strided, reversed_ = Array(s[::2]), Array(s[::-1])  # (values that are views, of other strides)
    for a, v in [(x[1], x[:, 2]), (x.T[3], x[0]), (Array(np.array([1.5, -2.0], np.float32), weak=True), x[2]),
                 (fnp.asarray(np.float32(2.5)), x[0]), (x[0, :1], x[1, :1]), (strided, x[0, :3]),
                 (strided, x[0, :1]), (reversed_, strided), (x[0, :1], Array(s[4:5])), (strided, reversed_[:10])]:
        for mode in ("full", "same", "valid"):
            _check_convolution(lambda p, q: fnp.convolve(p, q, mode), a, v)
            _check_convolution(lambda p, q: fnp.correlate(p, q, mode), a, v)


@pytest.mark.parametrize("a, v, mode", [([], [1.0], "full"), ([1.0], [], "same"), ([[1.0]], [1.0], "full"),
                                        ([1.0], [1.0], "middle"), ([1.0], [1.0], 3)], ids=str)
def test_convolve_and_correlate_reject_what_the_general_path_rejects(a, v, mode):
    for f in (fnp.convolve, fnp.correlate):
        check(lambda p, q: f(p, q, mode), fnp.asarray(np.array(a, np.float32)), fnp.asarray(np.array(v, np.float32)))


def test_large_traces_and_products_sum_as_the_general_path():
    x = fnp.asarray(_RNG.standard_normal((300, 300)).astype(np.float32))
    for f in (fnp.trace, lambda m: fnp.trace(m.T, 3), fnp.linalg.trace, lambda m: fnp.vdot(m, m.T),
              lambda m: fnp.inner(m, m[0]), lambda m: fnp.vecdot(m, m, axis=0), lambda m: fnp.einsum("ii", m)):
        check(f, x)
    _check_convolution(lambda m, n: fnp.convolve(m[0], n[1]), x, x)
    _check_convolution(lambda m, n: fnp.correlate(m[0], n[1, :40], "same"), x, x)
    stack = fnp.asarray(_RNG.integers(-9, 9, (5, 40, 40)).astype(np.int16))
    for f in (lambda s: fnp.trace(s, 0, 1, 2), lambda s: fnp.linalg.trace(s, offset=2), fnp.linalg.diagonal):
        check(f, stack)


def test_results_match_numpy():
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((2, 4, 3)) + 1j * rng.standard_normal((2, 4, 3))
    i8 = rng.integers(-100, 100, (5, 5)).astype(np.int8)
    assert fnp.vdot(fnp.asarray(a), fnp.asarray(b)).item() == pytest.approx(np.vdot(a, b))
    assert fnp.inner(fnp.asarray(a), fnp.asarray(b)).tolist() == pytest.approx(np.inner(a, b))
    assert fnp.vecdot(fnp.asarray(a), fnp.asarray(b), axis=0).tolist() == pytest.approx(np.vecdot(a, b, axis=0))
    assert np.array_equal(fnp.cross(fnp.asarray(a), fnp.asarray(b), axisc=0), np.cross(a, b, axisc=0))
    assert np.array_equal(fnp.kron(fnp.asarray(i8), fnp.asarray(i8[:2])), np.kron(i8, i8[:2]))
    t = fnp.trace(fnp.asarray(i8), 1)
    assert (t.item(), t.dtype) == (np.trace(i8, 1), np.int64)
    assert np.array_equal(fnp.diagonal(fnp.asarray(i8), -2), np.diagonal(i8, -2))
    assert np.array_equal(fnp.diff(fnp.asarray(i8), 2, axis=0), np.diff(i8, 2, axis=0))
    assert np.array_equal(fnp.diff(fnp.asarray(i8 > 0)), np.diff(i8 > 0))
    u, v = np.arange(1, 6, dtype=np.int32), np.array([2, -1, 3], np.int32)
    for mode in ("full", "same", "valid"):
        assert np.array_equal(fnp.convolve(fnp.asarray(u), fnp.asarray(v), mode), np.convolve(u, v, mode))
        assert np.array_equal(fnp.correlate(fnp.asarray(v), fnp.asarray(u), mode), np.correlate(v, u, mode))


def test_gradients_and_jit_go_the_general_way_and_agree():
    x = fnp.asarray(_RNG.standard_normal((4, 3)))
    v = fnp.asarray(_RNG.standard_normal(5))

    def loss(x, v):
        return fnp.trace(x) + fnp.vdot(x, x) + fnp.sum(fnp.diff(x, axis=0)) + fnp.sum(fnp.convolve(v, x[0]))
    gx, gv = fx.grad(loss, argnums=(0, 1))(x, v)
    expected_x = np.eye(4, 3) + 2 * np.asarray(x)
    expected_x[0] += np.asarray(v).sum() - 1  # (the sum of differences along axis 0 is x[3] - x[0])
    expected_x[3] += 1
    np.testing.assert_allclose(gx, expected_x, rtol=1e-12)
    np.testing.assert_allclose(gv, np.full(5, np.asarray(x[0]).sum()), rtol=1e-12)
    for f in (fnp.trace, lambda a: fnp.vdot(a, a), lambda a: fnp.cross(a, a[::-1]), lambda a: fnp.diff(a, 2, axis=0),
              lambda a: fnp.convolve(a[0], a[1], "same"), lambda a: fnp.kron(a, a), fnp.diagonal,
              lambda a: fnp.vecdot(a, a), lambda a: fnp.inner(a, a)):
        np.testing.assert_allclose(fx.jit(f)(x), f(x), rtol=1e-12)
