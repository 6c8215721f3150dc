"""How jitted programs are written for XLA, checked against NumPy: large constants of a pattern
(identities, triangular masks, aranges) are written into the computation bit for bit instead of
being passed in, and reductions and running reductions along short outer axes, done as steps
over slices, give NumPy's values, and so do products with boolean masks (NaN, inf and -0.0
included, which XLA's rewrite of such a product into a select would drop)."""
import numpy as np
import pytest

import fluxion as fx
import fluxion.numpy as fnp
from fluxion.transforms.passes import optimize

RNG = np.random.default_rng(0)


# constants ------------------------------------------------------------------------------------
def _band(shape, below, diag, above, dtype):
    offset = np.arange(shape[1]) - np.arange(shape[0])[:, None]
    return np.where(offset < 0, below, np.where(offset == 0, diag, above)).astype(dtype)


PATTERNS = {
    "identity": np.eye(600, dtype=np.float32),
    "rectangular lower mask": np.tril(np.ones((300, 400), bool)),
    "upper triangle of ints": np.triu(np.full((40, 50), 7, np.int32)),
    "lower triangle, half diagonal": _band((512, 512), 1.0, 0.5, 0.0, np.float32),
    "NaN diagonal, -0.0 above": _band((30, 30), 2.0, np.nan, -0.0, np.float64),
    "int64 arange": np.arange(1000),
    "uint32 counters with a step": np.arange(7, 7 + 3 * 5000, 3, dtype=np.uint32),
    "descending int32 arange": np.arange(1000, 0, -1, dtype=np.int32),
    "int16 arange across zero": np.arange(-300, 300, dtype=np.int16),
}
NOT_PATTERNS = {
    "arange with one value changed": np.where(np.arange(1000) == 500, -1, np.arange(1000)),
    "uint8 values that wrap": (np.arange(1000) % 256).astype(np.uint8),
    "float arange": np.arange(1000.0),
    "band with one value off": _band((30, 30), 1.0, 2.0, 3.0, np.float32) + (np.arange(900) == 31).reshape(30, 30),
    "random matrix": RNG.standard_normal((20, 20)),
}


@pytest.mark.parametrize("name, written", [(n, True) for n in PATTERNS] + [(n, False) for n in NOT_PATTERNS])
def test_large_constants_of_a_pattern_are_written_and_others_passed_in_bit_for_bit(name, written):
    value = (PATTERNS if written else NOT_PATTERNS)[name]
    c = fnp.asarray(value)
    f = fx.jit(lambda x: (x, c))
    x = fnp.zeros(2)
    got = np.asarray(f(x)[1])
    assert got.dtype == value.dtype and got.tobytes() == value.tobytes()
    assert len(f.lower(x).consts) == (0 if written else 1)


def test_identity_and_masks_made_in_a_jitted_function_match_numpy_and_are_not_passed_in():
    def f(a):
        return fnp.tril(a) @ a.T + fnp.eye(300, dtype=a.dtype) * fnp.triu(a).sum()

    a = RNG.standard_normal((300, 300)).astype(np.float32)
    want = np.tril(a) @ a.T + np.eye(300, dtype=np.float32) * np.triu(a).sum()
    jitted = fx.jit(f)
    np.testing.assert_allclose(jitted(fnp.asarray(a)), want, rtol=1e-4, atol=1e-3)
    assert jitted.lower(fnp.asarray(a)).consts == []


# reductions along short outer axes ----------------------------------------------------------------
LONG = 20_000  # minor elements: past the point where these are done in steps


def _floats(shape, dtype=np.float32):
    x = RNG.standard_normal(shape).astype(dtype)
    if x.size > 40:
        x.reshape(-1)[[3, 17, 40]] = [np.nan, np.inf, -np.inf]
    return x


REDUCTIONS = {
    "sum": (lambda x, axes: fx.lax.reduce_sum(x, axes), lambda x, axes: np.add.reduce(x, axes)),
    "prod": (lambda x, axes: fx.lax.reduce_prod(x, axes), lambda x, axes: np.multiply.reduce(x, axes)),
    "max": (lambda x, axes: fx.lax.reduce_max(x, axes), lambda x, axes: np.maximum.reduce(x, axes)),
    "min": (lambda x, axes: fx.lax.reduce_min(x, axes), lambda x, axes: np.minimum.reduce(x, axes)),
}


@pytest.mark.parametrize("axes,shape", [((0,), (15, LONG)), ((0, 1), (3, 5, LONG)), ((1,), (2, 6, 3, LONG // 3)),
                                        ((0,), (32, LONG))])
@pytest.mark.parametrize("name", list(REDUCTIONS))
def test_float_reductions_over_short_outer_axes_match_numpy(name, axes, shape):
    ours, numpy = REDUCTIONS[name]
    x = _floats(shape)
    got = fx.jit(lambda x: ours(x, axes))(fnp.asarray(x))
    # NumPy combines the rows of an outer axis one after another, as the steps do
    np.testing.assert_array_equal(got, numpy(x, axes))


@pytest.mark.parametrize("dtype", [np.int32, np.uint8, np.int64])
def test_integer_and_bitwise_reductions_over_a_short_outer_axis_match_numpy(dtype):
    x = RNG.integers(0, 100, (9, LONG)).astype(dtype)
    pairs = [(fx.lax.reduce_sum, np.add), (fx.lax.reduce_max, np.maximum), (fx.lax.reduce_and, np.bitwise_and),
             (fx.lax.reduce_or, np.bitwise_or), (fx.lax.reduce_xor, np.bitwise_xor)]
    for ours, numpy in pairs:
        np.testing.assert_array_equal(fx.jit(lambda x: ours(x, (0,)))(fnp.asarray(x)), numpy.reduce(x, 0, dtype=x.dtype))


def test_boolean_all_and_any_over_a_short_outer_axis_match_numpy():
    x = RNG.random((12, LONG)) < 0.9
    f = fx.jit(lambda x: (x.all(axis=0), x.any(axis=0)))
    got_all, got_any = f(fnp.asarray(x))
    np.testing.assert_array_equal(got_all, x.all(axis=0))
    np.testing.assert_array_equal(got_any, x.any(axis=0))


def test_half_precision_sum_over_a_short_outer_axis_rounds_once_as_eager():
    x = fnp.asarray(RNG.standard_normal((16, LONG)).astype(np.float16))
    f = lambda x: x.sum(axis=0)  # noqa: E731
    np.testing.assert_array_equal(fx.jit(f)(x), f(x))
    np.testing.assert_allclose(np.asarray(fx.jit(f)(x), np.float32),
                               np.asarray(x, np.float32).sum(axis=0), rtol=1e-3, atol=1e-2)


def test_reductions_over_an_empty_or_unit_outer_axis_match_numpy():
    for shape in [(0, LONG), (1, LONG)]:
        x = _floats(shape) if shape[0] else np.zeros(shape, np.float32)
        got_sum, got_max = fx.jit(lambda x: (x.sum(axis=0), x.max(axis=0, initial=-np.inf)))(fnp.asarray(x))
        np.testing.assert_array_equal(got_sum, x.sum(axis=0))
        np.testing.assert_array_equal(got_max, x.max(axis=0, initial=-np.inf))


def test_sum_over_a_short_outer_axis_compiles_to_elementwise_steps():
    x = fnp.zeros((15, LONG))
    assert "stablehlo.reduce" not in fx.jit(lambda x: x.sum(axis=0)).lower(x).as_text()
    assert "stablehlo.reduce" in fx.jit(lambda x: x.sum(axis=1)).lower(x).as_text()  # the minor axis: XLA's reduction


# running reductions along short axes ---------------------------------------------------------------
SCANS = {
    "cumsum": (fx.lax.cumsum, np.add), "cumprod": (fx.lax.cumprod, np.multiply),
    "cummax": (fx.lax.cummax, np.maximum), "cummin": (fx.lax.cummin, np.minimum),
}


@pytest.mark.parametrize("reverse", [False, True])
@pytest.mark.parametrize("axis,shape", [(0, (15, 300)), (1, (4, 32, 50)), (0, (1, 7)), (0, (40, 30))])
@pytest.mark.parametrize("name", list(SCANS))
def test_running_reductions_along_an_axis_match_numpy_accumulate(name, axis, shape, reverse):
    ours, numpy = SCANS[name]
    x = _floats(shape) / 2 + 1  # products of a few dozen factors stay finite
    got = fx.jit(lambda x: ours(x, axis=axis, reverse=reverse))(fnp.asarray(x))
    flip = (lambda a: np.flip(a, axis)) if reverse else (lambda a: a)
    # NumPy accumulates one element after another, as the steps do (and as XLA's windows may not:
    # the 40-long axis, past the steps, agrees to rounding)
    want = flip(numpy.accumulate(flip(x), axis=axis))
    np.testing.assert_allclose(got, want, rtol=0 if shape[axis] <= 32 else 1e-5)


def test_running_sum_and_max_of_integers_and_booleans_along_a_short_axis_match_numpy():
    counts = RNG.integers(0, 2, (15, 1000)).astype(np.int32)
    flags = RNG.random((15, 1000)) < 0.1
    f = fx.jit(lambda c, b: (fx.lax.cumsum(c, axis=0), fx.lax.cummax(b, axis=0, reverse=True)))
    got_sum, got_max = f(fnp.asarray(counts), fnp.asarray(flags))
    np.testing.assert_array_equal(got_sum, np.cumsum(counts, axis=0))
    np.testing.assert_array_equal(got_max, np.flip(np.logical_or.accumulate(np.flip(flags, 0), axis=0), 0))


# exp's NaN guard ----------------------------------------------------------------------------------
def test_exp_of_values_computed_from_the_inputs_lowers_without_a_nan_guard():
    x = RNG.standard_normal(50).astype(np.float32)
    f = fx.jit(lambda x: fnp.exp(x / 3.0) * 2)
    assert "stablehlo.select" not in f.lower(fnp.asarray(x)).as_text()
    np.testing.assert_allclose(f(fnp.asarray(x)), np.exp(x / np.float32(3)) * 2, rtol=1e-6)


NAN_SOURCES = {
    "a NaN literal": lambda x: fnp.exp(x * np.float32(np.nan)),
    "an infinite literal": lambda x: fnp.exp((x + np.float32(np.inf)) - np.float32(np.inf)),
    "constants alone, too large to fold": lambda x: fnp.exp(x + fnp.full((1000,), 0.0) / fnp.zeros(1000)),
    "a reduction over no elements": lambda x: fnp.exp(fnp.max(x[:, :0], axis=1, initial=-np.inf)
                                                      - fnp.max(x[:, :0], axis=1, initial=-np.inf)),
    "a loop body": lambda x: fx.lax.fori_loop(0, 2, lambda i, c: fnp.exp(c * np.float32(np.nan)), x),
}


@pytest.mark.parametrize("name", list(NAN_SOURCES))
def test_exp_where_a_nan_known_while_compiling_may_arrive_gives_nan_as_eagerly(name):
    f = NAN_SOURCES[name]
    x = fnp.ones((1000,) if "constants" in name else (4, 250), dtype=fnp.float32)
    want = np.asarray(f(x))
    assert np.isnan(want).all()
    np.testing.assert_array_equal(fx.jit(f)(x), want)
    assert "stablehlo.select" in fx.jit(f).lower(x).as_text()


# division by constants -----------------------------------------------------------------------------
def _normal_quotients():
    """Values whose quotients by the divisors below stay normal (XLA flushes subnormal ones to zero)."""
    rng = np.random.default_rng(1)
    return (rng.uniform(1, 1e3, 1000) * rng.choice([-1, 1], 1000)).astype(np.float32)


@pytest.mark.parametrize("divisor", [256.0, 0.25, -8.0, 2.0 ** -120, 2.0 ** 120])
def test_division_by_a_power_of_two_is_left_to_xla_and_exact(divisor):
    x = _normal_quotients()
    f = fx.jit(lambda x: x / divisor)
    assert "optimization_barrier" not in f.lower(fnp.asarray(x)).as_text()
    with np.errstate(over="ignore"):  # (2**120 times the largest overflows, in both)
        np.testing.assert_array_equal(f(fnp.asarray(x)), x / np.float32(divisor))


@pytest.mark.parametrize("divisor", [3.0, 0.1, 1e30])
def test_division_by_other_constants_stays_a_division_as_numpys(divisor):
    x = _normal_quotients()
    f = fx.jit(lambda x: x / np.float32(divisor))
    assert "optimization_barrier" in f.lower(fnp.asarray(x)).as_text()
    np.testing.assert_array_equal(f(fnp.asarray(x)), x / np.float32(divisor))


def test_mean_of_a_power_of_two_count_matches_numpy_without_a_barrier():
    x = RNG.standard_normal((8, 256)).astype(np.float32)
    f = fx.jit(lambda x: fnp.mean(x, axis=-1))
    assert "optimization_barrier" not in f.lower(fnp.asarray(x)).as_text()
    np.testing.assert_allclose(f(fnp.asarray(x)), x.mean(axis=-1), rtol=1e-5, atol=1e-7)


# softmax's shift -----------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
def test_gradient_of_softmax_takes_no_path_through_its_shift_and_matches_jax(name, jax):
    x = RNG.standard_normal((6, 9)).astype(np.float32)
    x[0, :3] = x[0].max() + 1  # ties at the maximum
    w = RNG.standard_normal((6, 9)).astype(np.float32)
    ours, theirs = getattr(fx.nn, name), getattr(jax.nn, name)
    loss = lambda x: fnp.sum(ours(x) * w)  # noqa: E731
    program = str(optimize(fx.make_program(fx.grad(loss))(fnp.asarray(x))))
    assert program.count("reduce_max") == 1 and " gt " not in program  # (no count of ties)
    want = jax.grad(lambda x: (theirs(x) * w).sum())(x)
    np.testing.assert_allclose(fx.jit(fx.grad(loss))(fnp.asarray(x)), want, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("dtype", [np.int32, np.float64])
def test_conv_with_batch_groups_and_input_dilation_compiles_and_matches_eager(dtype):
    # XLA's compiler aborts on batch groups with lhs_dilation: the lowering makes the holes itself
    rng = np.random.default_rng(0)
    x, w = (rng.integers(-5, 5, s).astype(dtype) for s in ((7, 6, 2, 1), (3, 4, 3, 1)))
    f = lambda x, w: fx.lax.conv_general_dilated(  # noqa: E731
        x, w, (2, 3), ((0, 0), (2, 3)), lhs_dilation=(3, 1), dimension_numbers=("HNWC", "HOWI", "NCHW"),
        batch_group_count=2)
    np.testing.assert_array_equal(np.asarray(fx.jit(f)(x, w)), np.asarray(f(x, w)))


# products with booleans ------------------------------------------------------------------------
PRODUCTS = [(lambda x, m: x * m, lambda x, m: x * m), (lambda x, m: m * x, lambda x, m: m * x),
            (lambda x, m: fnp.sum(x * m, keepdims=True), lambda x, m: np.sum(x * m, keepdims=True))]


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64, np.complex64, np.complex128])
def test_products_with_a_boolean_mask_keep_nan_inf_and_minus_zero_as_numpy(dtype):
    x = np.array([np.nan, np.inf, -np.inf, -1.5, 2.0, 0.0], dtype)
    mask = np.array([False, False, False, False, True, True])
    for f, numpy_f in PRODUCTS:
        with np.errstate(invalid="ignore"):
            expected = numpy_f(x, mask)
            eager = np.asarray(f(fnp.asarray(x), fnp.asarray(mask)))
        for got in (eager, np.asarray(fx.jit(f)(x, mask))):
            np.testing.assert_array_equal(got, expected)
            zero = expected.real == 0  # (a NaN's sign is NumPy's own choice)
            np.testing.assert_array_equal(np.signbit(got.real[zero]), np.signbit(expected.real[zero]))


def test_a_large_array_of_one_value_is_a_broadcast_in_the_program_not_a_constant():
    # fnp.zeros((4096, 4096)) under jit: one broadcast of a scalar, with nothing of its size made
    # on the host and passed in; the values are NumPy's
    f = lambda x: x + fnp.zeros((4096, 4096)) + fnp.full((4096, 4096), 2.0)  # noqa: E731
    program = fx.make_program(f)(fnp.ones(4096))
    assert all(v.aval.shape == () for v in program.constvars)
    assert sum(eq.prim.name == "broadcast_in_dim" for eq in program.equations) >= 2
    out = np.asarray(fx.jit(f)(np.arange(4096.0, dtype=np.float32)))
    np.testing.assert_array_equal(out, np.arange(4096.0, dtype=np.float32) + 2.0 + np.zeros((4096, 4096), np.float32))
