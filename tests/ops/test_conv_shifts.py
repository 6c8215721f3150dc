"""The shifted-product convolution kernels (depthwise convolutions, few features per group, and
kernel gradients with a large window) and convolutions with holes in the input (transposed ones,
computed as hole-free ones per class of output positions) against jax.lax.conv_general_dilated
and jax.grad, eagerly."""
import ml_dtypes
import numpy as np
import pytest

import fluxion as fx
import fluxion.lax as lax
import fluxion.numpy as fnp
from fluxion.backends.numpy import _parallel, conv_shifts

# (lhs shape, rhs shape, padding, rhs dilation, feature groups, batch groups)
CASES = [
    ((3, 6, 9, 8), (6, 1, 3, 3), ((1, 1), (1, 1)), (1, 1), 6, 1),       # depthwise
    ((1, 4, 7, 5), (4, 1, 3, 2), ((2, 0), (0, 1)), (1, 1), 4, 1),       # batch 1, odd sizes
    ((2, 3, 11, 10), (3, 1, 3, 3), ((2, 2), (2, 2)), (2, 2), 3, 1),     # dilated kernel
    ((2, 5, 9, 9), (5, 1, 3, 3), ((-1, 2), (1, -2)), (1, 1), 5, 1),     # negative padding crops
    ((2, 8, 6, 7), (4, 2, 3, 3), ((1, 1), (1, 1)), (1, 1), 4, 1),       # two features per group
    ((2, 8, 6, 7), (4, 4, 3, 3), ((1, 1), (1, 1)), (1, 2), 2, 1),       # four features, one output
    ((2, 8, 6, 7), (4, 8, 2, 3), ((0, 1), (1, 0)), (1, 1), 1, 1),       # no groups, outputs < features
    ((4, 3, 6, 5), (6, 3, 3, 3), ((1, 1), (1, 1)), (1, 1), 1, 2),       # batch groups
    ((4, 6, 13), (12, 1, 5), ((2, 2),), (1,), 6, 1),                    # 1-d, channel multiplier 2
    ((2, 3, 4, 5, 6), (3, 1, 2, 3, 2), ((1, 0), (1, 1), (0, 1)), (1, 1, 1), 3, 1),  # 3-d
    ((1, 2, 5, 5), (2, 1, 5, 5), ((0, 0), (0, 0)), (1, 1), 2, 1),       # window as large as the input
]


def _conv(lax_module, x, w, padding, dilation, fg, bg):
    return lax_module.conv_general_dilated(x, w, (1,) * (x.ndim - 2), padding, rhs_dilation=dilation,
                                           feature_group_count=fg, batch_group_count=bg)


@pytest.mark.parametrize("lhs, rhs, padding, dilation, fg, bg", CASES)
def test_unit_stride_conv_matches_jax(lhs, rhs, padding, dilation, fg, bg, rng, jax):
    x, w = rng.standard_normal(lhs), rng.standard_normal(rhs)
    out = _conv(lax, x, w, padding, dilation, fg, bg)
    np.testing.assert_allclose(np.asarray(out), _conv(jax.lax, x, w, padding, dilation, fg, bg), rtol=1e-12,
                               atol=1e-12)


@pytest.mark.parametrize("lhs, rhs, padding, dilation, fg, bg", CASES)
def test_gradients_of_unit_stride_conv_match_jax_grad(lhs, rhs, padding, dilation, fg, bg, rng, jax):
    # the kernel gradient is a convolution whose window is as large as the output: the position loop
    x, w = rng.standard_normal(lhs), rng.standard_normal(rhs)
    cot = rng.standard_normal(np.shape(_conv(jax.lax, x, w, padding, dilation, fg, bg)))

    def loss(conv, total):
        return lambda x, w: total(conv(x, w, padding, dilation, fg, bg) * cot)
    grads = fx.grad(loss(lambda *a: _conv(lax, *a), fnp.sum), argnums=(0, 1))(x, w)
    expected = jax.grad(loss(lambda *a: _conv(jax.lax, *a), jax.numpy.sum), argnums=(0, 1))(x, w)
    for g, e in zip(grads, expected):
        np.testing.assert_allclose(np.asarray(g), e, rtol=1e-10, atol=1e-10)


def test_depthwise_conv_takes_the_tap_loop_and_its_kernel_gradient_the_position_loop(rng, monkeypatch):
    taken = []
    for name in ("by_taps", "by_positions"):
        kernel = getattr(conv_shifts, name)
        monkeypatch.setattr(conv_shifts, name, lambda *a, _k=kernel, _n=name: taken.append(_n) or _k(*a))
    x, w = rng.standard_normal((4, 8, 10, 10)), rng.standard_normal((8, 1, 3, 3))
    fx.grad(lambda x, w: fnp.sum(_conv(lax, x, w, "SAME", (1, 1), 8, 1) ** 2), argnums=(0, 1))(x, w)
    assert sorted(taken) == ["by_positions", "by_taps", "by_taps"]  # (forward, input and kernel gradients)


@pytest.mark.parametrize("dtype, rtol", [(np.float32, 1e-5), (np.int32, 0), (np.complex128, 1e-12)])
def test_depthwise_conv_keeps_the_dtype(dtype, rtol, rng, jax):
    x = rng.integers(-5, 5, (2, 4, 7, 6)) + (1j * rng.integers(-5, 5, (2, 4, 7, 6)) if dtype == np.complex128 else 0)
    w = rng.integers(-3, 3, (4, 1, 3, 3)).astype(x.dtype)
    out = _conv(lax, x.astype(dtype), w.astype(dtype), ((1, 1), (1, 1)), (1, 1), 4, 1)
    assert out.dtype == dtype
    expected = _conv(jax.lax, x.astype(np.complex128), w.astype(np.complex128), ((1, 1), (1, 1)), (1, 1), 4, 1)
    expected = np.asarray(expected) if dtype == np.complex128 else np.asarray(expected).real
    np.testing.assert_allclose(np.asarray(out), expected, rtol=rtol, atol=rtol)


@pytest.mark.parametrize("dtype", [np.float16, ml_dtypes.bfloat16])
def test_depthwise_conv_of_half_precision_is_computed_in_float32(dtype, rng, jax):
    x, w = rng.standard_normal((2, 4, 7, 6)).astype(dtype), rng.standard_normal((4, 1, 3, 3)).astype(dtype)
    out = _conv(lax, x, w, ((1, 1), (1, 1)), (1, 1), 4, 1)
    assert out.dtype == dtype
    expected = _conv(jax.lax, x.astype(np.float64), w.astype(np.float64), ((1, 1), (1, 1)), (1, 1), 4, 1)
    np.testing.assert_allclose(np.asarray(out).astype(np.float64), expected, rtol=1e-2, atol=1e-2)


def test_float32_depthwise_conv_and_gradient_are_within_float32_rounding_of_float64(rng, jax):
    x = rng.standard_normal((8, 16, 20, 20)).astype(np.float32)
    w = rng.standard_normal((16, 1, 3, 3)).astype(np.float32)
    out, grad = fx.value_and_grad(lambda w: fnp.sum(_conv(lax, x, w, "SAME", (1, 1), 16, 1) ** 2))(w)
    x64 = x.astype(np.float64)
    exact, exact_grad = jax.value_and_grad(lambda w: jax.numpy.sum(_conv(jax.lax, x64, w, "SAME", (1, 1), 16, 1) ** 2))(
        w.astype(np.float64))
    np.testing.assert_allclose(float(out), exact, rtol=1e-5)
    np.testing.assert_allclose(np.asarray(grad), exact_grad, rtol=1e-4, atol=1e-3)


@pytest.mark.parametrize("dtype", [np.float64, np.complex128, np.int64])
def test_kernel_gradient_of_a_depthwise_conv_over_a_long_batch_matches_jax(dtype, rng, jax):
    # (each group's products are long enough to be taken one group at a time)
    x = rng.integers(-3, 4, (40, 2, 30, 30)).astype(dtype)
    cot = rng.integers(-3, 4, (40, 2, 30, 30)).astype(dtype)
    args = ((1, 1), ((1, 1), (1, 1)), (1, 1), (1, 1))
    dims = ("CNHW", "IOHW", "CNHW")  # (the kernel gradient: a convolution of the input with the cotangent)
    out = lax.conv_general_dilated(x, cot, *args, dimension_numbers=dims, batch_group_count=2)
    expected = jax.lax.conv_general_dilated(x, cot, *args, dimension_numbers=dims, batch_group_count=2)
    assert out.dtype == dtype and out.shape == (2, 1, 3, 3)
    np.testing.assert_allclose(np.asarray(out), expected, rtol=1e-12)


@pytest.mark.parametrize("dtype, tol", [(np.float32, 1e-5), (np.float64, 1e-12), (np.complex128, 1e-12),
                                        (np.int64, 0)])
def test_depthwise_conv_by_axpy_and_its_gradients_match_jax(dtype, tol, rng, jax, monkeypatch):
    # (from _AXPY_FROM positions a group, BLAS's axpy adds each tap; integers keep NumPy's products)
    monkeypatch.setattr(conv_shifts, "_AXPY_FROM", 1)
    x = rng.integers(-4, 5, (3, 5, 9, 8)) + (1j * rng.integers(-4, 5, (3, 5, 9, 8)) if dtype == np.complex128 else 0)
    w = rng.integers(-3, 4, (5, 1, 3, 3)).astype(x.dtype)
    x, w = (x + rng.standard_normal(x.shape) if dtype != np.int64 else x).astype(dtype), w.astype(dtype)

    def loss(conv, total):
        return lambda x, w: total(_conv_same(conv, x, w) ** 2)
    out = _conv_same(lax, x, w)
    assert out.dtype == dtype
    np.testing.assert_allclose(np.asarray(out), _conv_same(jax.lax, x, w), rtol=tol, atol=tol)
    if dtype in (np.float32, np.float64):
        grads = fx.grad(loss(lax, fnp.sum), argnums=(0, 1))(x, w)
        expected = jax.grad(loss(jax.lax, jax.numpy.sum), argnums=(0, 1))(x, w)
        for g, e in zip(grads, expected):
            np.testing.assert_allclose(np.asarray(g), e, rtol=10 * tol, atol=10 * tol)


def _conv_same(lax_module, x, w):
    return lax_module.conv_general_dilated(x, w, (1, 1), "SAME", feature_group_count=x.shape[1])


def test_depthwise_conv_by_axpy_multiplies_infinite_inputs_by_zero_taps(rng, monkeypatch):
    # (axpy skips a tap whose element is 0, where the convolution's product 0 * inf is NaN)
    monkeypatch.setattr(conv_shifts, "_AXPY_FROM", 1)
    x, w = rng.standard_normal((2, 3, 6, 6)), rng.standard_normal((3, 1, 3, 3))
    x[0, 1, 2, 3], x[1, 2, 0, 0] = np.inf, np.nan
    w[1, 0, 1, 1], w[2, 0, 0, 2] = 0.0, 0.0
    out = np.asarray(_conv_same(lax, x, w))
    padded = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    with np.errstate(invalid="ignore"):  # (each product of a tap with the input it reads, as the definition)
        expected = sum(w[None, :, 0, i, j, None, None] * padded[:, :, i:i + 6, j:j + 6]
                       for i in range(3) for j in range(3))
    assert np.isnan(expected[0, 1, 2, 3])  # (the infinite input at the zero tap)
    np.testing.assert_allclose(out, expected, rtol=1e-12, atol=1e-12)


def test_depthwise_conv_output_is_dense_not_a_view_cropped_from_the_padded_grid(rng):
    # (later kernels would run over a cropped view in short rows)
    out = np.asarray(_conv_same(lax, rng.standard_normal((2, 3, 9, 8)), rng.standard_normal((3, 1, 3, 3))))
    assert out.flags.c_contiguous


def test_parts_on_several_threads_give_the_result_of_one_call_bit_for_bit(rng, monkeypatch):
    x = rng.standard_normal((3, 6, 40, 37)).astype(np.float32)
    w = rng.standard_normal((6, 1, 3, 3)).astype(np.float32)

    def grads():
        loss = lambda x, w: fnp.sum(_conv(lax, x, w, ((1, 2), (0, 1)), (1, 1), 6, 1) ** 2)  # noqa: E731
        return [np.asarray(g) for g in fx.grad(loss, argnums=(0, 1))(x, w)]
    whole = grads()
    monkeypatch.setattr(_parallel, "CPUS", 2)
    monkeypatch.setattr(_parallel, "LARGE", 64)
    monkeypatch.setattr(conv_shifts, "_RUN", 512)  # (several runs of positions in each part)
    split = grads()
    monkeypatch.setattr(_parallel, "LARGE", 1 << 40)
    for a, b in zip(split, grads()):
        np.testing.assert_array_equal(a, b)
    for a, b in zip(whole, split):
        np.testing.assert_allclose(a, b, rtol=1e-6)


# (lhs shape, rhs shape, strides, padding, lhs dilation, rhs dilation, feature groups, batch groups)
HOLES = [
    ((2, 4, 5, 6), (3, 4, 3, 3), (1, 1), ((2, 1), (2, 1)), (2, 2), (1, 1), 1, 1),  # a stride-2 input gradient
    ((2, 3, 5), (4, 3, 2), (1,), ((1, 1),), (3,), (1,), 1, 1),                   # one tap a class: scattered
    ((2, 3, 5), (4, 3, 4), (1,), ((1, 2),), (2,), (2,), 1, 1),                   # a class that no tap reaches
    ((2, 2, 7, 4), (2, 2, 6, 4), (2, 3), ((1, 2), (0, 1)), (3, 2), (2, 1), 1, 1),  # strides, holes, dilations
    ((1, 6, 5, 5), (6, 1, 3, 3), (1, 1), ((1, 1), (1, 1)), (2, 2), (1, 1), 6, 1),  # depthwise, batch 1
    ((2, 2, 6), (3, 2, 4), (1,), ((-2, 1),), (2,), (2,), 1, 1),                  # negative padding crops
    ((4, 2, 5), (4, 2, 2), (2,), ((1, 1),), (2,), (1,), 1, 2),                   # batch groups
    ((1, 2, 3, 4, 3), (2, 2, 2, 3, 2), (1, 2, 1), ((1, 1), (2, 0), (0, 0)), (2, 3, 1), (1, 1, 2), 1, 1),  # 3-d
]


@pytest.mark.parametrize("lhs, rhs, strides, padding, lhs_dilation, rhs_dilation, fg, bg", HOLES)
def test_conv_with_holes_in_the_input_matches_jax(lhs, rhs, strides, padding, lhs_dilation, rhs_dilation, fg, bg,
                                                   rng, jax):
    x, w = rng.standard_normal(lhs), rng.standard_normal(rhs)
    args = (strides, padding, lhs_dilation, rhs_dilation)
    out = lax.conv_general_dilated(x, w, *args, feature_group_count=fg, batch_group_count=bg)
    expected = jax.lax.conv_general_dilated(x, w, *args, feature_group_count=fg, batch_group_count=bg)
    np.testing.assert_allclose(np.asarray(out), expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("strides, fg", [((2, 2), 6), ((2, 3), 1), ((3, 1), 2)])
def test_gradients_of_strided_conv_match_jax_grad(strides, fg, rng, jax):
    # the input gradient of a strided convolution is one with holes in the input
    x, w = rng.standard_normal((2, 6, 9, 8)), rng.standard_normal((6, 6 // fg, 3, 3))

    def loss(conv, total):
        return lambda x, w: total(conv(x, w, strides, "SAME", feature_group_count=fg) ** 2)
    grads = fx.grad(loss(lax.conv_general_dilated, fnp.sum), argnums=(0, 1))(x, w)
    expected = jax.grad(loss(jax.lax.conv_general_dilated, jax.numpy.sum), argnums=(0, 1))(x, w)
    for g, e in zip(grads, expected):
        np.testing.assert_allclose(np.asarray(g), e, rtol=1e-10, atol=1e-10)


def test_input_gradient_of_a_strided_conv_is_one_convolution_per_class_of_outputs(rng, monkeypatch):
    from fluxion.backends.numpy import conv
    calls = []
    monkeypatch.setattr(conv, "_phases", lambda *a, _f=conv._phases: calls.append(a[5]) or _f(*a))
    x, w = rng.standard_normal((2, 4, 9, 9)), rng.standard_normal((4, 4, 3, 3))
    fx.grad(lambda x: fnp.sum(lax.conv_general_dilated(x, w, (2, 2), "SAME") ** 2))(x)
    assert calls == [(2, 2)]  # (the lhs dilation: the holes the strides leave)
