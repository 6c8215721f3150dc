"""conv_general_dilated and reduce_window against loop references (and torch where installed)."""
import itertools

import ml_dtypes
import numpy as np
import pytest
from hypothesis import given, strategies as st

from fluxion.core import dtypes
from fluxion.core.array import Array
from fluxion.core.errors import DTypeError, ShapeError
from fluxion.ops.conv import (ConvDimensionNumbers, conv_dimension_numbers, conv_general_dilated, padtype_to_pads,
                              reduce_window)


# references -----------------------------------------------------------------------------------
def _source(position, size, lo, dilation):
    """Index of the element at `position` of the dilated, padded axis, or None for padding and holes."""
    p = position - lo
    if p < 0 or p % dilation or p // dilation >= size:
        return None
    return p // dilation


def reference_conv(lhs, rhs, strides, padding, lhs_dilation, rhs_dilation, feature_groups=1, batch_groups=1):
    """The convolution in (N, C, spatial) / (O, I, spatial) layout, one output position at a time."""
    n, c = lhs.shape[:2]
    o, i = rhs.shape[:2]
    kernel = rhs.shape[2:]
    out_spatial = []
    for size, k, s, (lo, hi), ld, rd in zip(lhs.shape[2:], kernel, strides, padding, lhs_dilation, rhs_dilation):
        padded = (size - 1) * ld + 1 + lo + hi if size else lo + hi
        out_spatial.append(max(0, (padded - ((k - 1) * rd + 1)) // s + 1))
    out = np.zeros((n // batch_groups, o) + tuple(out_spatial), np.result_type(lhs, rhs))
    o_per_group = o // (feature_groups * batch_groups)
    for out_pos in itertools.product(*map(range, out_spatial)):
        for k_pos in itertools.product(*map(range, kernel)):
            src = [_source(q * s + kk * rd, size, lo, ld) for q, kk, s, rd, size, (lo, _), ld
                   in zip(out_pos, k_pos, strides, rhs_dilation, lhs.shape[2:], padding, lhs_dilation)]
            if None in src:
                continue
            for oo in range(o):
                group = oo // o_per_group
                w = rhs[(oo, slice(None)) + k_pos]
                if batch_groups > 1:
                    batch = slice(group * (n // batch_groups), (group + 1) * (n // batch_groups))
                    x = lhs[(batch, slice(None)) + tuple(src)]
                else:
                    x = lhs[(slice(None), slice(group * i, (group + 1) * i)) + tuple(src)]
                out[(slice(None), oo) + out_pos] += x @ w
    return out


IDENTITY = {"max": lambda dt: -np.inf if dt.kind == "f" else (False if dt.kind == "b" else np.iinfo(dt).min),
            "min": lambda dt: np.inf if dt.kind == "f" else (True if dt.kind == "b" else np.iinfo(dt).max),
            "sum": lambda dt: 0}
REDUCE = {"max": max, "min": min, "sum": sum}


def reference_reduce_window(x, computation, window, strides, padding, base_dilation, window_dilation):
    init = IDENTITY[computation](x.dtype)
    shape = []
    for size, w, s, (lo, hi), bd, wd in zip(x.shape, window, strides, padding, base_dilation, window_dilation):
        padded = (size - 1) * bd + 1 + lo + hi if size else lo + hi
        shape.append(max(0, (padded - ((w - 1) * wd + 1)) // s + 1))
    out = np.zeros(shape, x.dtype)
    for idx in itertools.product(*map(range, shape)):
        values = [init]
        for w_pos in itertools.product(*map(range, window)):
            src = [_source(q * s + k * wd, size, lo, bd) for q, k, s, wd, size, (lo, _), bd
                   in zip(idx, w_pos, strides, window_dilation, x.shape, padding, base_dilation)]
            values.append(init if None in src else x[tuple(src)])
        out[idx] = np.nan if any(v != v for v in values) else REDUCE[computation](values)
    return out


# conv_general_dilated ------------------------------------------------------------------------
@st.composite
def conv_problems(draw):
    nsp = draw(st.integers(1, 3))
    feature_groups, batch_groups = draw(st.sampled_from([(1, 1), (2, 1), (3, 1), (1, 2)]))
    n = batch_groups * draw(st.integers(0, 2))
    i = draw(st.integers(1, 2))
    o = feature_groups * batch_groups * draw(st.integers(1, 2))
    small = st.integers(1, 3)
    return dict(
        lhs_shape=(n, i * feature_groups) + tuple(draw(st.lists(st.integers(1, 5), min_size=nsp, max_size=nsp))),
        rhs_shape=(o, i) + tuple(draw(st.lists(st.integers(1, 4), min_size=nsp, max_size=nsp))),
        strides=tuple(draw(st.lists(small, min_size=nsp, max_size=nsp))),
        padding=tuple(draw(st.lists(st.tuples(st.integers(0, 2), st.integers(0, 2)), min_size=nsp, max_size=nsp))),
        lhs_dilation=tuple(draw(st.lists(small, min_size=nsp, max_size=nsp))),
        rhs_dilation=tuple(draw(st.lists(small, min_size=nsp, max_size=nsp))),
        feature_groups=feature_groups, batch_groups=batch_groups,
        perms=[tuple(draw(st.permutations(range(nsp + 2)))) for _ in range(3)], seed=draw(st.integers(0, 2**16)))


@given(conv_problems())
def test_conv_matches_loop_reference_with_strides_dilations_padding_groups_and_layouts(p):
    rng = np.random.default_rng(p["seed"])
    lhs, rhs = rng.standard_normal(p["lhs_shape"]), rng.standard_normal(p["rhs_shape"])
    args = (p["strides"], p["padding"], p["lhs_dilation"], p["rhs_dilation"])
    expected = reference_conv(lhs, rhs, *args, p["feature_groups"], p["batch_groups"])
    lhs_perm, rhs_perm, out_perm = p["perms"]
    # axis lhs_perm[j] of the stored lhs plays canonical role j
    out = conv_general_dilated(np.transpose(lhs, np.argsort(lhs_perm)), np.transpose(rhs, np.argsort(rhs_perm)),
                               *args, dimension_numbers=(lhs_perm, rhs_perm, out_perm),
                               feature_group_count=p["feature_groups"], batch_group_count=p["batch_groups"])
    assert isinstance(out, Array) and out.dtype == dtypes.float64
    np.testing.assert_allclose(np.asarray(out), np.transpose(expected, np.argsort(out_perm)), atol=1e-12)


def test_conv_crops_with_negative_padding():
    x = np.arange(6.0).reshape(1, 1, 6)
    w = np.ones((1, 1, 2))
    out = conv_general_dilated(x, w, (1,), ((-1, -2),))
    np.testing.assert_array_equal(np.asarray(out), [[[3.0, 5.0]]])
    np.testing.assert_array_equal(np.asarray(out), reference_conv(x, w, (1,), ((-1, -2),), (1,), (1,)))


@pytest.mark.parametrize("strides, padding, lhs_dilation, rhs_dilation", [
    ((1,), ((1, 1),), (1,), (1,)), ((2,), ((2, -1),), (1,), (2,)), ((1,), ((3, 2),), (2,), (1,)), ((1,), ((0, 0),), (1,), (1,))])
def test_conv_with_nan_and_inf_in_the_kernel_sums_only_input_elements_not_the_padding(strides, padding, lhs_dilation,
                                                                                         rhs_dilation, rng):
    # (zero padding times an infinite tap would make NaN of outputs that no input element reaches it in)
    x = rng.standard_normal((2, 2, 7))
    w = rng.standard_normal((3, 2, 3))
    w[0, 1, 0], w[2, 0, 2] = np.nan, -np.inf
    out = conv_general_dilated(x, w, strides, padding, lhs_dilation, rhs_dilation)
    expected = reference_conv(x, w, strides, padding, lhs_dilation, rhs_dilation)
    np.testing.assert_allclose(np.asarray(out), expected, rtol=1e-12, atol=1e-12)
    assert np.isfinite(expected).any()


def test_conv_kernel_larger_than_input_gives_empty_output():
    out = conv_general_dilated(np.ones((2, 1, 3)), np.ones((4, 1, 5)), (1,), "VALID")
    assert out.shape == (2, 4, 0)


torch_cases = [
    dict(nsp=1, stride=2, padding=1, dilation=2, groups=1),
    dict(nsp=2, stride=1, padding=0, dilation=1, groups=1),
    dict(nsp=2, stride=(2, 1), padding=(1, 2), dilation=(1, 2), groups=2),
    dict(nsp=2, stride=1, padding=1, dilation=1, groups=4),
    dict(nsp=3, stride=(1, 2, 1), padding=(0, 1, 1), dilation=(2, 1, 1), groups=1),
]


@pytest.mark.parametrize("case", torch_cases)
def test_conv_matches_torch_convolution(case, rng):
    torch = pytest.importorskip("torch")
    nsp, groups = case["nsp"], case["groups"]
    x = rng.standard_normal((2, 4) + (7, 6, 5)[:nsp])
    w = rng.standard_normal((8, 4 // groups) + (3, 2, 3)[:nsp])
    each = lambda v: (v,) * nsp if isinstance(v, int) else v  # noqa: E731
    conv = {1: torch.nn.functional.conv1d, 2: torch.nn.functional.conv2d, 3: torch.nn.functional.conv3d}[nsp]
    expected = conv(torch.from_numpy(x), torch.from_numpy(w), stride=case["stride"], padding=case["padding"],
                    dilation=case["dilation"], groups=groups).numpy()
    out = conv_general_dilated(x, w, each(case["stride"]), [(p, p) for p in each(case["padding"])],
                               rhs_dilation=each(case["dilation"]), feature_group_count=groups)
    np.testing.assert_allclose(np.asarray(out), expected, atol=1e-10)


def test_conv_transpose_via_lhs_dilation_matches_torch(rng):
    torch = pytest.importorskip("torch")
    x, w = rng.standard_normal((1, 3, 5)), rng.standard_normal((3, 2, 4))  # torch layout (in, out, k)
    expected = torch.nn.functional.conv_transpose1d(torch.from_numpy(x), torch.from_numpy(w), stride=2).numpy()
    kernel = np.flip(np.swapaxes(w, 0, 1), -1)  # (out, in, k), flipped: the transpose is a true convolution
    out = conv_general_dilated(x, kernel, (1,), ((3, 3),), lhs_dilation=(2,))
    np.testing.assert_allclose(np.asarray(out), expected, atol=1e-12)


def test_conv_accepts_layout_strings(rng):
    x, w = rng.standard_normal((2, 6, 5, 3)), rng.standard_normal((3, 2, 3, 4))  # NHWC, HWIO
    out = conv_general_dilated(x, w, (1, 1), "SAME", dimension_numbers=("NHWC", "HWIO", "NHWC"))
    expected = reference_conv(x.transpose(0, 3, 1, 2), w.transpose(3, 2, 0, 1), (1, 1), ((1, 1), (0, 1)),
                              (1, 1), (1, 1))
    assert out.shape == (2, 6, 5, 4)
    np.testing.assert_allclose(np.asarray(out), expected.transpose(0, 2, 3, 1), atol=1e-12)


def test_conv_dimension_numbers_orders_spatial_axes_as_the_kernel_layout():
    dn = conv_dimension_numbers((1, 2, 3, 4), (1, 2, 3, 4), ("NCHW", "OIWH", "NHWC"))
    assert dn == ConvDimensionNumbers((0, 1, 3, 2), (0, 1, 2, 3), (0, 3, 2, 1))
    assert conv_dimension_numbers((1, 2, 3), (1, 2, 3), None) == ConvDimensionNumbers(*((0, 1, 2),) * 3)


@pytest.mark.parametrize("size, window, stride, mode, expected", [
    (5, 3, 1, "SAME", ((1, 1),)), (5, 2, 1, "SAME", ((0, 1),)), (5, 2, 1, "SAME_LOWER", ((1, 0),)),
    (6, 3, 2, "SAME", ((0, 1),)), (5, 3, 2, "valid", ((0, 0),)),
])
def test_padtype_to_pads_keeps_ceil_size_over_stride_outputs(size, window, stride, mode, expected):
    pads = padtype_to_pads((size,), (window,), (stride,), mode)
    assert pads == expected
    if mode.upper().startswith("SAME"):
        assert (size + sum(pads[0]) - window) // stride + 1 == -(-size // stride)


def test_same_padding_accounts_for_kernel_dilation(rng):
    x, w = rng.standard_normal((1, 1, 9)), rng.standard_normal((1, 1, 3))
    out = conv_general_dilated(x, w, (1,), "SAME", rhs_dilation=(3,))
    assert out.shape == (1, 1, 9)
    np.testing.assert_allclose(np.asarray(out), reference_conv(x, w, (1,), ((3, 3),), (1,), (3,)), atol=1e-12)


def test_valid_padding_is_allowed_with_input_dilation(rng):
    x, w = rng.standard_normal((1, 2, 4)), rng.standard_normal((3, 2, 2))
    out = conv_general_dilated(x, w, (1,), "valid", lhs_dilation=(2,))
    np.testing.assert_allclose(np.asarray(out), reference_conv(x, w, (1,), ((0, 0),), (2,), (1,)), atol=1e-12)


@pytest.mark.parametrize("dtype, tol", [(np.int32, 0), (np.int64, 0), (np.uint8, 0), (np.float32, 1e-5),
                                        (np.complex64, 1e-5), (np.complex128, 1e-12)])
def test_conv_keeps_integer_and_complex_dtypes(dtype, tol, rng):
    def sample(shape):
        v = rng.standard_normal(shape) * 3
        return (v + 1j * rng.standard_normal(shape) if np.dtype(dtype).kind == "c" else v).astype(dtype)

    x, w = sample((2, 2, 6)), sample((3, 2, 3))
    out = conv_general_dilated(x, w, (2,), ((1, 1),))
    assert out.dtype == np.dtype(dtype)
    expected = reference_conv(x, w, (2,), ((1, 1),), (1,), (1,)).astype(dtype)
    np.testing.assert_allclose(np.asarray(out), expected, rtol=tol, atol=tol * 10)


@pytest.mark.parametrize("dtype", [np.float16, ml_dtypes.bfloat16])
def test_conv_of_half_precision_returns_half_precision(dtype, rng):
    x, w = rng.standard_normal((1, 2, 8)), rng.standard_normal((2, 2, 3))
    out = conv_general_dilated(x.astype(dtype), w.astype(dtype), (1,), "VALID")
    assert out.dtype == np.dtype(dtype)
    expected = reference_conv(x.astype(dtype).astype(np.float64), w.astype(dtype).astype(np.float64), (1,),
                              ((0, 0),), (1,), (1,))
    np.testing.assert_allclose(np.asarray(out).astype(np.float64), expected, rtol=2e-2, atol=5e-2)


def test_preferred_element_type_accumulates_int8_without_overflow():
    x = np.full((1, 4, 3), 100, np.int8)
    w = np.full((1, 4, 1), 100, np.int8)
    out = conv_general_dilated(x, w, (1,), "VALID", preferred_element_type=np.int32)
    assert out.dtype == dtypes.int32
    np.testing.assert_array_equal(np.asarray(out), np.full((1, 1, 3), 40000))
    assert conv_general_dilated(x, w, (1,), "VALID", preferred_element_type=np.float32).dtype == dtypes.float32


def test_conv_output_is_weak_only_when_both_inputs_are():
    strong = conv_general_dilated(np.ones((1, 1, 2), np.float32), np.ones((1, 1, 1), np.float32))
    weak = conv_general_dilated(Array(np.ones((1, 1, 2), np.float32), True),
                                Array(np.ones((1, 1, 1), np.float32), True))
    assert not strong.weak and weak.weak


def _conv_error(**overrides):
    args = dict(lhs=np.ones((2, 4, 5), np.float32), rhs=np.ones((6, 2, 3), np.float32), window_strides=(1,),
                padding="VALID", feature_group_count=2)
    args.update(overrides)
    return conv_general_dilated(**args)


@pytest.mark.parametrize("overrides, error, words", [
    (dict(rhs=np.ones((6, 3, 3), np.float32)), ShapeError, "lhs features = kernel in-features * feature_group_count"),
    (dict(feature_group_count=3), ShapeError, "feature_group_count=3"),
    (dict(rhs=np.ones((5, 2, 3), np.float32)), ShapeError, "multiple of the group count"),
    (dict(feature_group_count=0), ShapeError, "at least 1"),
    (dict(rhs=np.ones((6, 4, 3), np.float32), feature_group_count=1, batch_group_count=3), ShapeError,
     "divides the batch size"),
    (dict(batch_group_count=2), ShapeError, "set one of them to 1"),
    (dict(rhs=np.ones((6, 2, 3, 1), np.float32)), ShapeError, "one axis per lhs axis"),
    (dict(lhs=np.ones((4,), np.float32), rhs=np.ones((3,), np.float32)), ShapeError, "at least 2"),
    (dict(rhs=np.ones((6, 2, 3), np.float64)), DTypeError, "convert them to one dtype"),
    (dict(lhs=np.ones((2, 4, 5), bool), rhs=np.ones((6, 2, 3), bool)), DTypeError, "numeric"),
    (dict(window_strides=(1, 1)), ShapeError, "pass 1 entries"),
    (dict(window_strides=(0,)), ShapeError, "at least 1"),
    (dict(rhs_dilation=(0,)), ShapeError, "rhs_dilation"),
    (dict(padding=((-4, -3),)), ShapeError, "make the negative padding smaller"),
    (dict(padding=(1, 2)), ShapeError, "(low, high) pair per axis"),
    (dict(padding="FULL"), ValueError, "'SAME', 'SAME_LOWER', 'VALID'"),
    (dict(padding="SAME", lhs_dilation=(2,)), ValueError, "explicit (low, high) padding"),
    (dict(rhs=np.ones((6, 2, 0), np.float32)), ShapeError, "at least one element along each spatial axis"),
    (dict(preferred_element_type=np.float16), DTypeError, "at least as wide"),
    (dict(preferred_element_type=np.int32), DTypeError, "same kind"),
    (dict(lhs=np.ones((2, 4, 5), np.int32), rhs=np.ones((6, 2, 3), np.int32), preferred_element_type=np.uint32),
     DTypeError, "same kind"),
    (dict(dimension_numbers=("NCH", "OIH")), ShapeError, "three entries"),
    (dict(dimension_numbers=("NCH", "OIW", "NCH")), ShapeError, "the same spatial letters"),
    (dict(dimension_numbers=("NNH", "OIH", "NCH")), ShapeError, "distinct letters"),
    (dict(dimension_numbers=("NCHW", "OIHW", "NCHW")), ShapeError, "3-axis operands"),
    (dict(dimension_numbers=((0, 1, 1), (0, 1, 2), (0, 1, 2))), ShapeError, "conv_dimension_numbers"),
])
def test_conv_rejects_bad_arguments_naming_the_fix(overrides, error, words):
    with pytest.raises(error) as info:
        _conv_error(**overrides)
    assert words in str(info.value) and "conv_general_dilated" in str(info.value)


# reduce_window --------------------------------------------------------------------------------
@st.composite
def window_problems(draw):
    ndim = draw(st.integers(0, 3))
    each = lambda s: tuple(draw(st.lists(s, min_size=ndim, max_size=ndim)))  # noqa: E731
    return dict(shape=each(st.integers(0, 5)), window=each(st.integers(1, 3)), strides=each(st.integers(1, 2)),
                padding=each(st.tuples(st.integers(0, 2), st.integers(0, 2))),
                base_dilation=each(st.integers(1, 2)), window_dilation=each(st.integers(1, 2)))


@given(window_problems(), st.sampled_from(["max", "min", "sum"]), st.sampled_from([np.float32, np.int32, np.float64]),
       st.integers(0, 2**16))
def test_reduce_window_matches_loop_reference(p, computation, dtype, seed):
    x = (np.random.default_rng(seed).standard_normal(p["shape"]) * 10).astype(dtype)
    args = (p["window"], p["strides"], p["padding"], p["base_dilation"], p["window_dilation"])
    out = reduce_window(x, computation, *args)
    expected = reference_reduce_window(x, computation, *args)
    assert out.dtype == np.dtype(dtype) and out.shape == expected.shape
    np.testing.assert_allclose(np.asarray(out), expected, rtol=1e-5, atol=1e-4)


def test_max_pool_padding_uses_the_identity_not_zero():
    x = np.full((1, 3), -5.0, np.float32)
    out = reduce_window(x, "max", (1, 2), (1, 2), "SAME")
    np.testing.assert_array_equal(np.asarray(out), [[-5.0, -5.0]])
    np.testing.assert_array_equal(np.asarray(reduce_window(-x, "min", (1, 2), (1, 2), "SAME")), [[5.0, 5.0]])


def test_reduce_window_propagates_nan_and_inf():
    x = np.array([1.0, np.nan, 3.0, np.inf], np.float32)
    np.testing.assert_array_equal(np.asarray(reduce_window(x, "max", (2,))), [np.nan, np.nan, np.inf])
    np.testing.assert_array_equal(np.asarray(reduce_window(x, "sum", (2,), (2,))), [np.nan, np.inf])


def test_reduce_window_of_booleans_is_any_and_all():
    x = np.array([True, False, False, True])
    np.testing.assert_array_equal(np.asarray(reduce_window(x, "max", (2,))), [True, False, True])
    out = reduce_window(x, "min", (2,), padding=((1, 0),))
    np.testing.assert_array_equal(np.asarray(out), [True, False, False, False])


def test_reduce_window_sum_of_half_precision_keeps_the_dtype():
    x = np.ones((4, 4), ml_dtypes.bfloat16)
    out = reduce_window(x, "sum", (2, 2), (2, 2))
    assert out.dtype == dtypes.bfloat16
    np.testing.assert_array_equal(np.asarray(out).astype(np.float32), np.full((2, 2), 4.0))


def test_max_and_average_pooling_match_torch(rng):
    torch = pytest.importorskip("torch")
    x = rng.standard_normal((2, 3, 7, 6))
    expected = torch.nn.functional.max_pool2d(torch.from_numpy(x), 3, stride=2, padding=1).numpy()
    out = reduce_window(x, "max", (1, 1, 3, 3), (1, 1, 2, 2), ((0, 0), (0, 0), (1, 1), (1, 1)))
    np.testing.assert_allclose(np.asarray(out), expected)
    expected = torch.nn.functional.avg_pool2d(torch.from_numpy(x), 2, stride=2).numpy()
    out = reduce_window(x, "sum", (1, 1, 2, 2), (1, 1, 2, 2))
    np.testing.assert_allclose(np.asarray(out) / 4, expected)


@pytest.mark.parametrize("x, args, error, words", [
    (np.ones(4), ("mean", (2,)), ValueError, "use one of max, min, sum"),
    (np.ones(4, bool), ("sum", (2,)), DTypeError, "numeric"),
    (np.ones(4, np.complex64), ("max", (2,)), DTypeError, "does not accept dtype complex64"),
    (np.ones((4, 4)), ("max", (2,)), ShapeError, "pass 2 entries"),
    (np.ones(4), ("max", (0,)), ShapeError, "window_dimensions"),
    (np.ones(4), ("max", (2,), (0,)), ShapeError, "window_strides"),
    (np.ones(4), ("max", (2,), (1,), (1, 1)), ShapeError, "(low, high) pair"),
])
def test_reduce_window_rejects_bad_arguments_naming_the_fix(x, args, error, words):
    with pytest.raises(error) as info:
        reduce_window(x, *args)
    assert words in str(info.value) and "reduce_window" in str(info.value)
