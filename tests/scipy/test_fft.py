"""fluxion.scipy.fft's discrete cosine transforms against scipy.fft: every type, norm and
orthogonalization, lengths 1 to 8 (odd and even, cropped and zero-padded), axes, real and complex
inputs in single and double precision; jit against eager; vmap against a loop; derivatives
against finite differences; errors that name the fix."""
import itertools
from functools import partial

import numpy as np
import pytest
import scipy.fft as sf
from _arrays import raises, rand

import fluxion as fx
import fluxion.numpy as fnp
import fluxion.scipy.fft as ff
from fluxion.core import dtypes
from fluxion.test_util import check_grads

NORMS = [None, "backward", "ortho", "forward"]
DTYPES = [np.float32, np.float64, np.complex64, np.complex128]


def _scipy(name, x, *args, **kwargs):
    """SciPy's transform, of the real and imaginary parts for complex input (SciPy ignores
    orthogonalize for complex arrays; the transform is real-linear)."""
    fn = getattr(sf, name)
    if np.iscomplexobj(x):
        return fn(x.real, *args, **kwargs) + 1j * fn(x.imag, *args, **kwargs)
    return fn(x, *args, **kwargs)


def _close(out, expected, dtype):
    assert out.shape == expected.shape, (out.shape, expected.shape)
    assert out.dtype == np.dtype(dtype), (out.dtype, dtype)
    tol = 1e-5 if np.dtype(dtype) in (dtypes.float32, dtypes.complex64) else 1e-12
    scale = max(1.0, float(np.max(np.abs(expected), initial=0)))
    np.testing.assert_allclose(np.asarray(out), expected, rtol=tol, atol=tol * scale)


@pytest.mark.parametrize("type", [1, 2, 3, 4])
@pytest.mark.parametrize("name", ["dct", "idct"])
def test_one_dimensional_transforms_match_scipy(name, type):
    for (norm, orth, length, n, dtype), seed in zip(
            itertools.product(NORMS, [None, True, False], [1, 2, 5, 8], [None, 3, 6], DTYPES), itertools.count()):
        size = length if n is None else n
        if type == 1 and size < 2:
            continue
        x = rand((2, length), seed, dtype)
        out = getattr(ff, name)(fnp.asarray(x), type, n=n, norm=norm, orthogonalize=orth)
        _close(out, _scipy(name, x, type, n=n, norm=norm, orthogonalize=orth), dtype)


@pytest.mark.parametrize("name", ["dct", "idct"])
def test_transforms_along_any_axis_match_scipy(name):
    x = rand((3, 4, 5), 1)
    for axis, type in itertools.product([0, 1, -1, -3], [1, 2, 3, 4]):
        _close(getattr(ff, name)(x, type, axis=axis, norm="ortho"), getattr(sf, name)(x, type, axis=axis,
                                                                                      norm="ortho"), np.float64)


@pytest.mark.parametrize("type", [1, 2, 3, 4])
@pytest.mark.parametrize("name", ["dctn", "idctn"])
def test_n_dimensional_transforms_match_scipy(name, type):
    for (s, axes, norm), seed in zip([((None, None, None)), ((3, 6), (0, 2), "ortho"), (None, (1,), "forward"),
                                      ((7,), None, None), ((4,), -2, "backward"), (None, (-1, 0), "ortho"),
                                      (6, 0, None), (5, (1,), "ortho")],
                                     itertools.count()):
        for dtype in (np.float64, np.complex64):
            x = rand((3, 4, 5), seed, dtype)
            _close(getattr(ff, name)(x, type, s=s, axes=axes, norm=norm),
                   _scipy(name, x, type, s=s, axes=axes, norm=norm), dtype)


@pytest.mark.parametrize("type", [1, 2, 3, 4])
def test_idct_inverts_dct_for_every_norm(type):
    x = rand((6,), 2)
    for norm in NORMS:
        np.testing.assert_allclose(ff.idct(ff.dct(x, type, norm=norm), type, norm=norm), x, atol=1e-12)


def test_integer_and_half_inputs_transform_in_single_precision():
    for dtype in (np.int32, np.bool_, np.float16, np.uint8):
        x = np.array([1, 0, 1, 1], dtype)
        _close(ff.dct(x), sf.dct(x.astype(np.float64)), np.float32)


def test_empty_batch_axes_give_empty_results():
    assert ff.dct(np.zeros((0, 4))).shape == (0, 4)
    assert ff.dctn(np.zeros((0, 4)), axes=(1,)).shape == (0, 4)


def test_jit_matches_eager():
    x = fnp.asarray(rand((3, 6), 3))
    for fn, type in itertools.product([ff.dct, ff.idct], [1, 2, 3, 4]):
        f = partial(fn, type=type, n=5, norm="ortho")
        np.testing.assert_allclose(fx.jit(f)(x), f(x), atol=1e-12)
    np.testing.assert_allclose(fx.jit(lambda v: ff.dctn(v, 4))(x), ff.dctn(x, 4), atol=1e-12)


def test_vmap_matches_a_loop():
    x = rand((4, 3, 5), 4, np.complex128)
    for type in [1, 2, 3, 4]:
        for f in (partial(ff.dct, type=type, axis=0), partial(ff.idctn, type=type, axes=(0,))):
            np.testing.assert_allclose(fx.vmap(f, in_axes=1, out_axes=1)(x),
                                       np.stack([f(x[:, k]) for k in range(3)], axis=1), atol=1e-12)


@pytest.mark.parametrize("type", [1, 2, 3, 4])
def test_derivatives_match_finite_differences(type):
    x = fnp.asarray(rand((2, 5), 5))
    check_grads(lambda v: ff.dct(v, type, norm="ortho"), (x,), order=1)
    check_grads(lambda v: ff.idctn(v, type, s=(3, 6)), (x,), order=1)


def test_bad_arguments_name_the_fix():
    x = np.ones(4)
    with raises(ValueError, "DCT type", "type=1, 2, 3 or 4"):
        ff.dct(x, 5)
    with raises(ValueError, "at least 2 points"):
        ff.dct(np.ones(1), 1)
    with raises(ValueError, "norm"):
        ff.idct(x, norm="orthonormal")
    with raises(ValueError, "FFT data points"):
        ff.dct(x, n=0)
    with raises(ValueError, "repeat"):
        ff.dctn(np.ones((2, 2)), axes=(0, 0))
