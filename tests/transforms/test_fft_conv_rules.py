"""Derivative rules of fft, conv_general_dilated and reduce_window: check_grads (forward and
reverse, float64) on the primitives and through fluxion.numpy's fft, convolve and correlate;
transposes against a dot-product identity and against jax's vjp; convolution and pooling
gradients against jax and torch."""
import numpy as np
import pytest

import fluxion as fx
import fluxion.numpy as fnp
from fluxion.ops import conv as C
from fluxion.ops import elementwise as E
from fluxion.ops import fft as F
from fluxion.test_util import check_grads

from _arrays import fx_rand, rand
from _jax_oracle import assert_derivatives_match_jax, jax_x64


def _parts(z):
    return fnp.real(z), fnp.imag(z)


@pytest.fixture(scope="module")
def jax():
    return jax_x64()


# fft ------------------------------------------------------------------------------------------
LENGTHS = [(1,), (2,), (5,), (6,), (3, 4), (4, 3), (2, 3, 4), (3, 2, 5)]


def _input(fft_type, lengths, seed=0):
    """A batch of two inputs of the transform: real for "rfft", a half spectrum for "irfft"."""
    if fft_type == "rfft":
        return fx_rand(2, *lengths, seed=seed)
    if fft_type == "irfft":
        return fx_rand(2, *lengths[:-1], lengths[-1] // 2 + 1, seed=seed, dtype=np.complex128)
    return fx_rand(2, *lengths, seed=seed, dtype=np.complex128)


@pytest.mark.parametrize("lengths", LENGTHS)
@pytest.mark.parametrize("fft_type", F.FFT_TYPES)
def test_fft_grads_match_finite_differences(fft_type, lengths):
    # complex values enter and leave through their real and imaginary parts
    def f(*parts):
        x = parts[0] if fft_type == "rfft" else E.complex_p.bind(*parts)
        y = F.fft(x, fft_type, lengths)
        return y if fft_type == "irfft" else _parts(y)
    x = _input(fft_type, lengths)
    check_grads(f, (x,) if fft_type == "rfft" else _parts(x), order=1)


@pytest.mark.parametrize("lengths", LENGTHS)
@pytest.mark.parametrize("fft_type", F.FFT_TYPES)
def test_fft_transposes_pass_the_dot_product_test(fft_type, lengths):
    # a linear map f and its transpose f^T satisfy Re sum(f(x) * u) == Re sum(x * f^T(u))
    x = _input(fft_type, lengths)
    y, pullback = fx.vjp(lambda x: F.fft(x, fft_type, lengths), x)
    u = fx_rand(*y.shape, seed=1, dtype=np.float64 if fft_type == "irfft" else np.complex128)
    (xt,) = pullback(u)
    assert xt.dtype == x.dtype and xt.shape == x.shape
    lhs = np.sum(np.asarray(y) * np.asarray(u)).real
    rhs = np.sum(np.asarray(x) * np.asarray(xt)).real
    np.testing.assert_allclose(lhs, rhs, rtol=1e-10)


_JAX_FFTS = {"fft": "fftn", "ifft": "ifftn", "rfft": "rfftn", "irfft": "irfftn"}


@pytest.mark.parametrize("lengths", LENGTHS)
@pytest.mark.parametrize("fft_type", F.FFT_TYPES)
def test_fft_transposes_match_jax(jax, fft_type, lengths):
    x = _input(fft_type, lengths)
    axes = tuple(range(-len(lengths), 0))
    transform = getattr(jax.numpy.fft, _JAX_FFTS[fft_type])
    y, theirs = jax.vjp(lambda v: transform(v, s=lengths, axes=axes), np.asarray(x))
    u = rand(y.shape, seed=1, dtype=np.complex128 if y.dtype.kind == "c" else np.float64)
    _, ours = fx.vjp(lambda v: F.fft(v, fft_type, lengths), x)
    np.testing.assert_allclose(np.asarray(ours(fnp.asarray(u))[0]), np.asarray(theirs(u)[0]), rtol=1e-10,
                               atol=1e-12)


FNP_FFTS = {
    "fft": (lambda x: _parts(fnp.fft.fft(x)), (2, 5)),
    "fft_padded_ortho": (lambda x: fnp.abs(fnp.fft.fft(x, n=8, norm="ortho")), (2, 5)),
    "fft_cropped_forward": (lambda x: _parts(fnp.fft.fft(x, n=3, axis=0, norm="forward")), (5, 2)),
    "ifft": (lambda x: _parts(fnp.fft.ifft(x, axis=0)), (4, 3)),
    "rfft": (lambda x: _parts(fnp.fft.rfft(x)), (2, 6)),
    "rfft_odd_ortho": (lambda x: _parts(fnp.fft.rfft(x, norm="ortho")), (2, 7)),
    "irfft": (lambda x: fnp.fft.irfft(x * (1 + 2j), n=7), (2, 4)),
    "fftn_axes": (lambda x: _parts(fnp.fft.fftn(x, axes=(0, 2))), (3, 2, 4)),
    "fftn_four_axes": (lambda x: _parts(fnp.fft.fftn(x)), (2, 3, 2, 2)),
    "rfftn_four_axes": (lambda x: _parts(fnp.fft.rfftn(x)), (2, 3, 2, 4)),
    "irfftn_four_axes": (lambda x: fnp.fft.irfftn(x + 0.5j * x), (2, 3, 2, 3)),
    "ifftn_sizes": (lambda x: _parts(fnp.fft.ifftn(x, s=(3, 5))), (2, 4)),
}


@pytest.mark.parametrize("name", FNP_FFTS)
def test_fluxion_numpy_fft_grads_match_finite_differences(name):
    f, shape = FNP_FFTS[name]
    check_grads(f, (fx_rand(*shape),))


def test_fft_of_complex_input_grads_match_finite_differences():
    check_grads(lambda re, im: _parts(fnp.fft.fftn(E.complex_p.bind(re, im), axes=(0, 1))),
                _parts(fx_rand(3, 4, 2, dtype=np.complex128)))


def test_fft_float32_grads_match_finite_differences():
    check_grads(lambda x: fnp.fft.irfft(fnp.fft.rfft(x) * (1 - 1j)), (fx_rand(3, 6, dtype=np.float32),))


# conv_general_dilated -----------------------------------------------------------------------------
CONVS = [
    dict(lhs=(2, 3, 7), rhs=(4, 3, 3)),
    dict(lhs=(2, 3, 7), rhs=(4, 3, 3), window_strides=(2,), padding=((1, 2),)),
    dict(lhs=(2, 3, 7), rhs=(4, 3, 2), window_strides=(3,), padding=((-1, 2),), lhs_dilation=(2,), rhs_dilation=(2,)),
    dict(lhs=(2, 4, 6, 5), rhs=(6, 2, 3, 2), window_strides=(2, 1), padding=((1, 1), (0, 2)), feature_group_count=2),
    dict(lhs=(2, 4, 5, 5), rhs=(4, 1, 3, 3), padding=((1, 1), (1, 1)), feature_group_count=4),  # depthwise
    dict(lhs=(4, 3, 6), rhs=(6, 3, 3), batch_group_count=2, padding=((1, 0),)),
    dict(lhs=(4, 6, 5, 5), rhs=(6, 3, 2, 3), feature_group_count=2, window_strides=(2, 2), rhs_dilation=(1, 2),
         lhs_dilation=(2, 1), padding=((0, 1), (2, -1))),
    dict(lhs=(6, 2, 5, 4), rhs=(6, 2, 2, 2), batch_group_count=3, window_strides=(1, 2), rhs_dilation=(2, 1),
         padding=((1, 1), (1, 1))),
    dict(lhs=(2, 5, 4, 3), rhs=(3, 2, 3, 4), dimension_numbers=("NHWC", "HWIO", "NHWC"), padding="SAME"),
    dict(lhs=(5, 2, 4, 6), rhs=(4, 3, 2, 3), dimension_numbers=("HNWC", "OHWI", "WCNH"), window_strides=(2, 1),
         padding=((1, 0), (0, 1)), feature_group_count=2),
    dict(lhs=(5, 4, 4, 3), rhs=(4, 3, 2, 3), dimension_numbers=("HNWC", "OHWI", "WCNH"), window_strides=(2, 1),
         padding=((1, 0), (0, 1)), batch_group_count=2),
    dict(lhs=(2, 2, 3), rhs=(2, 2, 5), padding=((3, 3),), window_strides=(4,)),
    dict(lhs=(1, 2, 2, 3, 3), rhs=(2, 2, 2, 1, 2), window_strides=(1, 2, 1), padding=((1, 0), (0, 0), (1, 1))),
]


def _conv_case(case):
    params = dict(case)
    return params.pop("lhs"), params.pop("rhs"), params


@pytest.mark.parametrize("case", CONVS)
def test_conv_grads_match_finite_differences(case):
    lhs, rhs, params = _conv_case(case)
    check_grads(lambda x, w: C.conv_general_dilated(x, w, **params), (fx_rand(*lhs), fx_rand(*rhs, seed=1)))


@pytest.mark.parametrize("case", CONVS)
def test_conv_first_and_second_derivatives_match_jax(jax, case):
    lhs, rhs, params = _conv_case(case)
    dims = C.conv_dimension_numbers(lhs, rhs, params.get("dimension_numbers"))
    strides = params.get("window_strides", (1,) * (len(lhs) - 2))
    padding = params.get("padding", "VALID")
    if isinstance(padding, str):
        padding = C.padtype_to_pads([lhs[d] for d in dims.lhs_spec[2:]], [rhs[d] for d in dims.rhs_spec[2:]],
                                    strides, padding)
    rest = {k: v for k, v in params.items() if k not in ("window_strides", "padding", "dimension_numbers")}
    assert_derivatives_match_jax(
        lambda a, b: C.conv_general_dilated(a, b, **params),
        lambda a, b: jax.lax.conv_general_dilated(a, b, strides, padding,
                                                  dimension_numbers=jax.lax.ConvDimensionNumbers(*dims), **rest),
        [rand(lhs), rand(rhs, seed=1)])


@pytest.mark.parametrize("stride, padding, dilation, groups", [(1, 0, 1, 1), (2, 1, 1, 1), (1, 2, 2, 1),
                                                               (2, 1, 1, 2), (1, 1, 1, 4)])
def test_conv2d_gradients_match_torch(stride, padding, dilation, groups):
    torch = pytest.importorskip("torch")
    x, w = rand((2, 4, 7, 6)), rand((8, 4 // groups, 3, 3), seed=1)
    tx, tw = (torch.tensor(v, requires_grad=True) for v in (x, w))
    torch.sin(torch.nn.functional.conv2d(tx, tw, stride=stride, padding=padding, dilation=dilation,
                                         groups=groups)).sum().backward()

    def f(a, b):
        return fnp.sum(fnp.sin(C.conv_general_dilated(a, b, (stride, stride), ((padding, padding),) * 2,
                                                      rhs_dilation=(dilation, dilation), feature_group_count=groups)))
    gx, gw = fx.grad(f, argnums=(0, 1))(fnp.asarray(x), fnp.asarray(w))
    np.testing.assert_allclose(np.asarray(gx), tx.grad.numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(np.asarray(gw), tw.grad.numpy(), rtol=1e-10, atol=1e-12)


def test_conv_with_wider_accumulation_gives_cotangents_of_the_operand_dtype():
    x, w = fx_rand(2, 3, 5, dtype=np.float32), fx_rand(2, 3, 2, seed=1, dtype=np.float32)
    gx, gw = fx.grad(lambda a, b: fnp.sum(fnp.sin(C.conv_general_dilated(a, b, preferred_element_type=np.float64))),
                     argnums=(0, 1))(x, w)
    assert gx.dtype == gw.dtype == np.float32
    check_grads(lambda a, b: C.conv_general_dilated(a, b, preferred_element_type=np.float64), (x, w), order=1)


def test_conv_with_an_empty_output_has_zero_gradients():
    gx, gw = fx.grad(lambda a, b: fnp.sum(C.conv_general_dilated(a, b)), argnums=(0, 1))(fx_rand(1, 2, 3),
                                                                                       fx_rand(2, 2, 5))
    assert gx.shape == (1, 2, 3) and gw.shape == (2, 2, 5) and not np.any(gx) and not np.any(gw)


@pytest.mark.parametrize("mode", ["full", "same", "valid"])
@pytest.mark.parametrize("op", [fnp.convolve, fnp.correlate])
@pytest.mark.parametrize("sizes", [(6, 3), (3, 5)])
def test_convolve_and_correlate_grads_match_finite_differences(op, mode, sizes):
    check_grads(lambda a, v: op(a, v, mode), (fx_rand(sizes[0]), fx_rand(sizes[1], seed=1)))


@pytest.mark.parametrize("op", [fnp.convolve, fnp.correlate])
def test_complex_convolve_and_correlate_grads_match_finite_differences(op):
    def f(a_re, a_im, v_re, v_im):
        return _parts(op(E.complex_p.bind(a_re, a_im), E.complex_p.bind(v_re, v_im), "full"))
    check_grads(f, (*_parts(fx_rand(4, dtype=np.complex128)), *_parts(fx_rand(3, seed=1, dtype=np.complex128))))


# reduce_window --------------------------------------------------------------------------------
WINDOWS = [
    dict(window_dimensions=(2, 2), window_strides=(2, 2)),
    dict(window_dimensions=(3, 2), window_strides=(1, 2), padding=((1, 1), (0, 1))),
    dict(window_dimensions=(2, 3), window_strides=(2, 1), padding=((1, -1), (2, 0)), base_dilation=(2, 1),
         window_dilation=(1, 2)),
    dict(window_dimensions=(1, 3, 2), window_strides=(1, 2, 1), padding="SAME"),
]


@pytest.mark.parametrize("computation", C.COMPUTATIONS)
@pytest.mark.parametrize("window", WINDOWS)
def test_reduce_window_grads_match_finite_differences(computation, window):
    shape = (2, 5, 6) if len(window["window_dimensions"]) == 3 else (5, 6)
    check_grads(lambda x: C.reduce_window(x, computation, **window), (fx_rand(*shape),))


@pytest.mark.parametrize("computation", C.COMPUTATIONS)
@pytest.mark.parametrize("window", WINDOWS)
def test_pooling_gradients_match_jax(jax, computation, window):
    shape = (2, 5, 6) if len(window["window_dimensions"]) == 3 else (5, 6)
    x = rand(shape)
    lax = jax.lax
    reducer, init = {"max": (lax.max, -np.inf), "min": (lax.min, np.inf), "sum": (lax.add, 0.0)}[computation]
    # jax's reverse mode lacks max pooling with window dilation; its forward mode has it
    want = jax.jacfwd(lambda v: jax.numpy.sum(jax.numpy.sin(jax.lax.reduce_window(v, init, reducer, **window))))(x)
    got = fx.grad(lambda v: fnp.sum(fnp.sin(C.reduce_window(v, computation, **window))))(fnp.asarray(x))
    np.testing.assert_allclose(np.asarray(got), np.asarray(want), rtol=1e-10, atol=1e-12)


def test_max_pooling_gradients_match_torch():
    torch = pytest.importorskip("torch")
    x = rand((2, 3, 7, 6))
    tx = torch.tensor(x, requires_grad=True)
    torch.sin(torch.nn.functional.max_pool2d(tx, 3, stride=2, padding=1)).sum().backward()
    got = fx.grad(lambda v: fnp.sum(fnp.sin(C.reduce_window(v, "max", (1, 1, 3, 3), (1, 1, 2, 2),
                                                             ((0, 0), (0, 0), (1, 1), (1, 1))))))(fnp.asarray(x))
    np.testing.assert_allclose(np.asarray(got), tx.grad.numpy(), rtol=1e-10, atol=1e-12)


def test_tied_window_extremes_give_the_derivative_to_the_first_as_jax(jax):
    x = np.array([[1.0, 3.0, 3.0], [0.0, 2.0, 3.0]])
    g = fx.grad(lambda v: fnp.sum(C.reduce_window(v, "max", (2, 3))))(fnp.asarray(x))
    np.testing.assert_allclose(g, [[0, 1, 0], [0, 0, 0]])
    g = fx.grad(lambda v: fnp.sum(C.reduce_window(v, "min", (1, 2))))(fnp.asarray(x))
    np.testing.assert_allclose(g, [[1, 1, 0], [1, 1, 0]])
    ties = np.array([[1.0, 1.0, 0.0, 1.0], [1.0, 0.0, 1.0, 1.0], [0.0, 1.0, 1.0, 0.0]])
    for name, init in (("max", -np.inf), ("min", np.inf)):
        jf = lambda v: jax.numpy.sum(jax.lax.reduce_window(v, init, getattr(jax.lax, name), (2, 2), (1, 1), "VALID") ** 2)
        f = lambda v: fnp.sum(C.reduce_window(v, name, (2, 2)) ** 2)
        for transform in (lambda g: g, fx.jit):
            np.testing.assert_array_equal(np.asarray(transform(fx.grad(f))(fnp.asarray(ties))), jax.grad(jf)(ties))
        np.testing.assert_array_equal(np.asarray(fx.jacfwd(lambda v: C.reduce_window(v, name, (2, 2)))(fnp.asarray(ties))),
                                      jax.jacfwd(lambda v: jax.lax.reduce_window(v, init, getattr(jax.lax, name), (2, 2),
                                                                                  (1, 1), "VALID"))(ties))


def test_sum_pooling_float32_grads_match_finite_differences():
    check_grads(lambda x: C.reduce_window(x, "sum", (2, 3), (1, 2), "SAME"), (fx_rand(4, 5, dtype=np.float32),))
