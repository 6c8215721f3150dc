"""axis_size, pshuffle, pswapaxes, fft, index_take, mulhi, ragged_dot(_general), scatter_apply,
tile, unstack, empty, broadcast_like, platform_dependent, rng_bit_generator,
conv_general_dilated_local, the convolution shape helpers, with_sharding_constraint and
composite against jax.lax: values, derivatives, jit against eager, vmap against a loop, errors."""
import functools

import numpy as np
import pytest

import fluxion as fx
import fluxion.numpy as fnp
from fluxion import lax
from fluxion.errors import FluxionError

from _lax_oracle import check


@pytest.fixture(scope="module")
def jax(jlax):
    """jax with float64 enabled (the jlax fixture turns it on)."""
    import jax
    return jax


def close(a, b, tol=1e-10):
    np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=tol, atol=tol)


def loop(f, *xs):
    """f applied to each example of the batched `xs`, stacked: the oracle for vmap."""
    return np.stack([np.asarray(f(*x)) for x in zip(*xs)])


# collectives over named vmap axes ----------------------------------------------------------------
def test_axis_size_is_the_number_of_examples_of_each_name(jax):
    def f(x):
        return x * lax.axis_size("i") + lax.axis_size(("i", "j"))
    x = np.ones((2, 3))
    got = fx.vmap(fx.vmap(f, axis_name="j"), axis_name="i")(x)
    want = jax.vmap(jax.vmap(lambda x: x * jax.lax.axis_size("i") + jax.lax.axis_size(("i", "j")), axis_name="j"),
                    axis_name="i")(x)
    close(got, want)
    with pytest.raises(NameError, match="axis name 'k'"):
        fx.vmap(lambda x: x * lax.axis_size("k"), axis_name="i")(x)


def test_pshuffle_matches_jax_with_its_derivative_jit_and_errors(jax, rng):
    x, perm = rng.normal(size=(4, 3)), [2, 0, 3, 1]
    f = fx.vmap(lambda v: lax.pshuffle(v, "i", perm) ** 2, axis_name="i")
    jf = jax.vmap(lambda v: jax.lax.pshuffle(v, "i", perm) ** 2, axis_name="i")
    close(f(x), jf(x))
    close(fx.jit(f)(x), jf(x))
    close(fx.grad(lambda x: (f(x) * x).sum())(x), jax.grad(lambda x: (jf(x) * x).sum())(x))
    with pytest.raises(ValueError, match="not a permutation"):
        fx.vmap(lambda v: lax.pshuffle(v, "i", [0, 1]), axis_name="i")(x)


def test_pswapaxes_matches_jax_with_its_derivative(jax, rng):
    x = rng.normal(size=(3, 2, 3))  # 3 examples, each (2, 3): axis 1 has the number of examples
    f = fx.vmap(lambda v: lax.pswapaxes(v, "i", 1), axis_name="i")
    jf = jax.vmap(lambda v: jax.lax.pswapaxes(v, "i", 1), axis_name="i")
    close(f(x), jf(x))
    close(fx.jit(f)(x), jf(x))
    w = rng.normal(size=x.shape)
    close(fx.grad(lambda x: (f(x) * w).sum())(x), jax.grad(lambda x: (jf(x) * w).sum())(x))


# fft ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("fft_type, dtype, shape, lengths", [
    ("FFT", np.complex128, (2, 8), (8,)), (lax.FftType.IFFT, np.complex64, (3, 4, 5), (4, 5)),
    ("rfft", np.float64, (3, 6), (6,)), (lax.FftType.IRFFT, np.complex128, (2, 5), (8,)),
    ("fft", np.int32, (6,), (6,)), ("fft", np.int64, (6,), (6,)), ("rfft", np.int32, (2, 4), (2, 4)),
    ("fft", np.float64, (2, 3), ()),
])
def test_fft_matches_jax(jax, rng, fft_type, dtype, shape, lengths):
    x = rng.normal(size=shape) * 3
    x = (x + 1j * rng.normal(size=shape) if np.dtype(dtype).kind == "c" else x).astype(dtype)
    jtype = fft_type if isinstance(fft_type, str) else jax.lax.FftType(int(fft_type))
    check(lax.fft(x, fft_type, lengths), jax.lax.fft(x, jtype, lengths), scale=100)


def test_fft_derivatives_jit_and_vmap_match_jax_and_a_loop(jax, rng):
    x = rng.normal(size=(3, 8))

    def f(fft, x):
        y = fft(x, "rfft", (8,))
        back = fft(y * y, "irfft", (8,))
        return (abs(y) ** 2).sum() + (back * x).sum()
    close(fx.grad(functools.partial(f, lax.fft))(x), jax.grad(functools.partial(f, jax.lax.fft))(x))
    g = fx.jit(lambda x: lax.fft(x, lax.FftType.RFFT, (8,)))
    close(g(x), lax.fft(x, "rfft", (8,)))
    close(fx.vmap(lambda v: lax.fft(v, "fft", (8,)))(x), loop(lambda v: lax.fft(v, "fft", (8,)), x))
    with pytest.raises(TypeError, match="RFFT takes a real operand"):
        lax.fft(x + 1j, "rfft", (8,))
    with pytest.raises(ValueError, match="unknown fft_type"):
        lax.fft(x, "dct", (8,))


# index_take ---------------------------------------------------------------------------------------
def test_index_take_matches_jax_with_derivative_jit_and_vmap(jax, rng):
    src = rng.normal(size=(3, 4, 5))
    idxs = (np.array([0, -1, 4, 7]), np.array([2, -3, 0, 1]))
    close(lax.index_take(src, idxs, (0, 2)), jax.lax.index_take(src, idxs, (0, 2)))
    # axes in another order take their index arrays in that order
    close(lax.index_take(src, idxs[::-1], (2, 0)), jax.lax.index_take(src, idxs, (0, 2)))
    w = rng.normal(size=(4, 4))
    close(fx.grad(lambda s: (lax.index_take(s, idxs, (0, 2)) * w).sum())(src),
          jax.grad(lambda s: (jax.lax.index_take(s, idxs, (0, 2)) * w).sum())(src))
    close(fx.jit(lambda s, i: lax.index_take(s, (i,), (1,)))(src, idxs[1]), jax.lax.index_take(src, idxs[1:], (1,)))
    batch = rng.normal(size=(2, 3, 4, 5))
    close(fx.vmap(lambda s: lax.index_take(s, idxs, (0, 2)))(batch),
          loop(lambda s: jax.lax.index_take(s, idxs, (0, 2)), batch))


# mulhi --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", [np.int8, np.uint8, np.int16, np.uint16, np.int32, np.uint32, np.int64, np.uint64])
def test_mulhi_matches_jax_on_random_and_extreme_values(jax, rng, dtype):
    info = np.iinfo(dtype)
    x = rng.integers(info.min, info.max, 64, dtype=dtype, endpoint=True)
    y = rng.integers(info.min, info.max, 64, dtype=dtype, endpoint=True)
    x[:4], y[:4] = [info.min, info.max, info.min, info.max], [info.min, info.max, info.max, 1]
    want = np.asarray(jax.lax.mulhi(x, y))
    check(lax.mulhi(x, y), want)
    check(fx.jit(lax.mulhi)(x, y), want)
    check(fx.vmap(lax.mulhi, in_axes=(0, None))(x[:3], y), loop(lambda a: jax.lax.mulhi(a, y), x[:3]))


def test_mulhi_refuses_floats_and_mixed_dtypes():
    with pytest.raises(TypeError, match="integers of one dtype"):
        lax.mulhi(np.float32(1), np.float32(2))
    with pytest.raises(TypeError, match="integers of one dtype"):
        lax.mulhi(np.int8(1), np.int32(2))


# ragged_dot ---------------------------------------------------------------------------------------
def test_ragged_dot_matches_jax_with_derivatives_jit_and_vmap(jax, rng):
    lhs, rhs, sizes = rng.normal(size=(7, 3)), rng.normal(size=(3, 3, 4)), np.array([2, 0, 4])  # row 6 in no group
    close(lax.ragged_dot(lhs, rhs, sizes), jax.lax.ragged_dot(lhs, rhs, sizes))
    w = rng.normal(size=(7, 4))
    for arg in (0, 1):
        close(fx.grad(lambda a, b: (lax.ragged_dot(a, b, sizes) * w).sum(), arg)(lhs, rhs),
              jax.grad(lambda a, b: (jax.lax.ragged_dot(a, b, sizes) * w).sum(), arg)(lhs, rhs))
    close(fx.jit(lax.ragged_dot)(lhs, rhs, sizes), jax.lax.ragged_dot(lhs, rhs, sizes))
    many = np.array([[2, 0, 4], [1, 5, 1]])
    close(fx.vmap(lax.ragged_dot, in_axes=(None, None, 0))(lhs, rhs, many),
          loop(lambda s: jax.lax.ragged_dot(lhs, rhs, s), many))


RAGGED_GENERAL = [  # lhs shape, rhs shape, group sizes, ((contract), (batch)), ragged axis, rhs group axes
    ((2, 5, 7), (2, 7, 3), [[3, 4], [1, 2]], (((2,), (1,)), ((0,), (0,))), 2, ()),  # contracted
    ((2, 6, 3), (4, 2, 3, 5), [[1, 2, 0, 3], [2, 2, 1, 0]], (((2,), (2,)), ((0,), (1,))), 1, (0,)),  # free
    ((6, 3), (6, 3, 2), [2, 4], (((1,), (1,)), ((0,), (0,))), 0, ()),  # batch
]


@pytest.mark.parametrize("case", RAGGED_GENERAL)
def test_ragged_dot_general_matches_jax_in_each_mode(jax, rng, case):
    lhs_shape, rhs_shape, sizes, dot_dn, ragged, groups = case
    lhs, rhs, sizes = rng.normal(size=lhs_shape), rng.normal(size=rhs_shape), np.array(sizes)
    dn = lax.RaggedDotDimensionNumbers(dot_dn, (ragged,), groups)
    jdn = jax.lax.RaggedDotDimensionNumbers(dot_dn, (ragged,), groups)
    want = jax.lax.ragged_dot_general(lhs, rhs, sizes, jdn)
    close(lax.ragged_dot_general(lhs, rhs, sizes, dn), want)
    # (jax does not differentiate every mode: finite differences are the oracle)
    fx.test_util.check_grads(lambda a, b: lax.ragged_dot_general(a, b, sizes, dn), (lhs, rhs), order=1)


def test_ragged_dot_errors_name_the_fix(rng):
    lhs, rhs = rng.normal(size=(4, 3)), rng.normal(size=(2, 3, 5))
    with pytest.raises(ValueError, match="rhs group axis"):
        lax.ragged_dot(lhs, rng.normal(size=(3, 3, 5)), np.array([2, 2]))
    with pytest.raises(TypeError, match="group_sizes must be integers"):
        lax.ragged_dot(lhs, rhs, np.array([2.0, 2.0]))
    with pytest.raises(NotImplementedError, match="group_offset"):
        lax.ragged_dot(lhs, rhs, np.array([2, 2]), group_offset=np.array([1]))


# scatter_apply ------------------------------------------------------------------------------------
def test_scatter_apply_applies_once_per_covering_window_as_jax(jax, rng):
    dn = dict(update_window_dims=(1,), inserted_window_dims=(0,), scatter_dims_to_operand_dims=(0,))
    x = rng.normal(size=(5, 3))
    idx = np.array([[0], [3], [0], [9]])  # row 0 twice, row 9 out of bounds (dropped)

    def f(v):
        return v * 2 + 1
    want = jax.lax.scatter_apply(x, idx, f, jax.lax.ScatterDimensionNumbers(**dn), update_shape=(4, 3))
    got = lax.scatter_apply(x, idx, f, lax.ScatterDimensionNumbers(**dn), update_shape=(4, 3))
    close(got, want)
    close(fx.jit(lambda x: lax.scatter_apply(x, idx, f, lax.ScatterDimensionNumbers(**dn), update_shape=(4, 3)))(x),
          want)
    batch = rng.normal(size=(2, 5, 3))
    g = functools.partial(lax.scatter_apply, scatter_indices=idx, func=fnp.sin,
                          dimension_numbers=lax.ScatterDimensionNumbers(**dn), update_shape=(4, 3))
    close(fx.vmap(g)(batch), loop(lambda b: jax.lax.scatter_apply(b, idx, jax.numpy.sin,
                                                                   jax.lax.ScatterDimensionNumbers(**dn),
                                                                   update_shape=(4, 3)), batch))


def test_scatter_apply_derivative_matches_finite_differences(rng):
    dn = lax.ScatterDimensionNumbers(update_window_dims=(), inserted_window_dims=(0,),
                                     scatter_dims_to_operand_dims=(0,))
    idx = np.array([[1], [1], [3]])
    fx.test_util.check_grads(lambda x: lax.scatter_apply(x, idx, fnp.sin, dn, update_shape=(3,)),
                             (rng.normal(size=5),), order=1)


# shapes -------------------------------------------------------------------------------------------
def test_tile_unstack_empty_and_broadcast_like_match_jax(jax, rng):
    x = rng.normal(size=(2, 3))
    for reps in [(2, 3), (1, 1), (0, 2)]:
        close(lax.tile(x, reps), jax.lax.tile(x, reps))
    close(fx.grad(lambda x: (lax.tile(x, (2, 2)) ** 2).sum())(x),
          jax.grad(lambda x: (jax.lax.tile(x, (2, 2)) ** 2).sum())(x))
    close(fx.vmap(lambda v: lax.tile(v, (3,)))(x), loop(lambda v: jax.lax.tile(v, (3,)), x))
    with pytest.raises(ValueError, match="one count per axis"):
        lax.tile(x, (2,))
    for axis in (0, 1, -1):
        got, want = lax.unstack(x, axis), jax.lax.unstack(x, axis)
        assert isinstance(got, tuple) and len(got) == len(want)
        for a, b in zip(got, want):
            close(a, b)
    close(fx.grad(lambda x: lax.unstack(x, 1)[2].sum())(x), jax.grad(lambda x: jax.lax.unstack(x, 1)[2].sum())(x))
    for shape, dtype in [(3, np.float32), ((2, 0), np.int32), ((), np.float64)]:
        got, want = lax.empty(shape, dtype), jax.lax.empty(shape, dtype)
        assert got.shape == want.shape and got.dtype == want.dtype
    like = np.zeros((4, 2, 3))
    close(lax.broadcast_like(x[:1], like), jax.lax.broadcast_like(x[:1], like))
    close(fx.grad(lambda x: lax.broadcast_like(x, like).sum())(x),
          jax.grad(lambda x: jax.lax.broadcast_like(x, like).sum())(x))


# platform_dependent -------------------------------------------------------------------------------
def test_platform_dependent_takes_the_cpu_branch_as_jax_does_on_cpu(jax, rng):
    x = rng.normal(size=3)
    branches = dict(cpu=lambda x: x * 2, cuda=lambda x: x * 3, default=lambda x: x * 4)
    want = jax.lax.platform_dependent(x, **branches)
    close(lax.platform_dependent(x, **branches), want)
    if {d.platform for d in fx.devices()} <= {"cpu", "xla-cpu"}:  # under transformations: known only on such machines
        close(fx.jit(lambda x: lax.platform_dependent(x, **branches))(x), want)
        close(fx.vmap(lambda v: lax.platform_dependent(v, **branches))(x), want)
        close(fx.grad(lambda x: lax.platform_dependent(x, **branches).sum())(x), np.full(3, 2.0))
    on_xla = fx.device_put(fnp.asarray(x), "xla-cpu:0")
    close(lax.platform_dependent(on_xla, tpu=lambda x: x, default=lambda x: -x), -x)
    with pytest.raises(ValueError, match="no branch for the platform 'cpu'"):
        lax.platform_dependent(x, tpu=lambda x: x)
    with pytest.raises(TypeError, match="must be a function"):
        lax.platform_dependent(x, cpu=3)


# random -------------------------------------------------------------------------------------------
RBG_CASES = [  # dtype, shape: 0-d, odd axes (Threefry pairs outputs along the longest) and an even one, narrow, wide
    (np.uint32, ()), (np.uint32, (3, 5)), (np.uint16, (3, 2)), (np.uint64, (3,)),
]


@pytest.mark.parametrize("algorithm", [0, 1, 2])
def test_rng_bit_generator_matches_xla_bits_and_new_key(jax, rng, algorithm):
    jalgorithm = jax.lax.RandomAlgorithm(algorithm)
    for dtype, shape in RBG_CASES:
        key = rng.integers(0, 2 ** 32, 4, dtype=np.uint64).astype(np.uint32)
        key[2:] = 2 ** 32 - 1  # the counter's carry
        for got, want in zip(lax.rng_bit_generator(key, shape, dtype, lax.RandomAlgorithm(algorithm)),
                             jax.lax.rng_bit_generator(key, shape, dtype, jalgorithm)):
            check(got, want)
    wide = np.array([2 ** 64 - 1, 2 ** 64 - 2], np.uint64)
    for got, want in zip(lax.rng_bit_generator(wide, (7,), np.uint32, algorithm),
                         jax.lax.rng_bit_generator(wide, (7,), np.uint32, jalgorithm)):
        check(got, want)


def test_rng_bit_generator_under_jit_and_vmap_matches_eager_and_a_loop(rng):
    keys = rng.integers(0, 2 ** 32, (3, 4), dtype=np.uint64).astype(np.uint32)
    f = functools.partial(lax.rng_bit_generator, shape=(2, 3), algorithm=lax.RandomAlgorithm.RNG_THREE_FRY)
    for got, want in zip(fx.jit(f)(keys[0]), f(keys[0])):
        check(got, want)
    got = fx.vmap(f)(keys)
    for i in range(2):
        check(got[i], loop(lambda k: f(k)[i], keys))
    with pytest.raises(TypeError, match="unsigned integers"):
        lax.rng_bit_generator(keys[0], (2,), np.int32)
    with pytest.raises(ValueError, match="uint32\\[4\\] or uint64\\[2\\]"):
        lax.rng_bit_generator(keys[0, :2], (2,))


# convolutions -------------------------------------------------------------------------------------
LOCAL_CASES = [  # lhs shape, filter shape, strides, padding, dilations, dimension numbers
    ((2, 3, 6), (2,), (1,), "VALID", None, None),
    ((2, 5, 6, 3), (3, 2), (1, 2), "SAME", ((1, 1), (2, 1)), ("NHWC", "HWIO", "NHWC")),
    ((2, 5, 6, 3), (2, 2), (2, 1), [(1, 0), (0, 1)], None, ("NWHC", "OIWH", "CWNH")),
]


@pytest.mark.parametrize("case", LOCAL_CASES)
def test_conv_general_dilated_local_matches_jax(jax, rng, case):
    lhs_shape, filt, strides, padding, dilations, dn = case
    lhs_dilation, rhs_dilation = dilations or (None, None)
    x = rng.normal(size=lhs_shape)
    args = (strides, padding, filt, lhs_dilation, rhs_dilation, dn)
    patches = jax.lax.conv_general_dilated_patches(x, filt, strides, padding, lhs_dilation, rhs_dilation, dn)
    spec = lax.conv_dimension_numbers(lhs_shape, (1, 1) + filt, dn)
    # the kernel: out features, then each output position's (C * window) weights, laid out as rhs_spec says
    rhs_shape = [0] * len(lhs_shape)
    rhs_shape[spec.rhs_spec[0]], rhs_shape[spec.rhs_spec[1]] = 4, patches.shape[spec.out_spec[1]]
    for r, o in zip(spec.rhs_spec[2:], spec.out_spec[2:]):
        rhs_shape[r] = patches.shape[o]
    w = rng.normal(size=rhs_shape)
    close(lax.conv_general_dilated_local(x, w, *args), jax.lax.conv_general_dilated_local(x, w, *args))
    if case is LOCAL_CASES[1]:  # derivatives and jit, in one case: the function is bilinear
        c = rng.normal(size=patches.shape[:-1] + (4,))
        want = jax.grad(lambda x, w: (jax.lax.conv_general_dilated_local(x, w, *args) * c).sum(), (0, 1))(x, w)
        got = fx.grad(lambda x, w: (lax.conv_general_dilated_local(x, w, *args) * c).sum(), (0, 1))(x, w)
        for a, b in zip(got, want):
            close(a, b)
        close(fx.jit(lambda x, w: lax.conv_general_dilated_local(x, w, *args))(x, w),
              lax.conv_general_dilated_local(x, w, *args))


def test_conv_shape_helpers_match_jax(jlax):
    dn = ("NHWC", "HWIO", "NHWC")
    for spec in [dn, ("NCHW", "OIHW", "NCHW"), ("NWHC", "OIWH", "CWNH")]:
        assert lax.conv_general_permutations(spec) == jlax.conv_general_permutations(spec)
    for args in [((1, 2, 5, 5), (3, 2, 3, 3), (1, 1), "SAME"), ((4, 2, 7, 5), (3, 2, 3, 2), (2, 3), "VALID"),
                 ((4, 2, 5, 5), (3, 2, 3, 3), (2, 2), [(1, 0), (-1, 2)], 2)]:
        assert lax.conv_shape_tuple(*args) == tuple(map(int, jlax.conv_shape_tuple(*args)))
    for strides, padding in [((1, 1), "VALID"), ((2, 3), "SAME"), ((2, 1), [(1, 2), (0, 1)])]:
        for f in ("conv_general_shape_tuple", "conv_transpose_shape_tuple"):
            got = getattr(lax, f)((1, 7, 6, 2), (3, 2, 2, 4), strides, padding, dn)
            assert got == tuple(map(int, getattr(jlax, f)((1, 7, 6, 2), (3, 2, 2, 4), strides, padding, dn)))
    for args in [((5, 6), (2, 2), (1, 2), [(0, 0), (1, 1)]),
                 ((5, 6), (2, 3), (2, 1), [(1, 0), (0, 2)], (2, 1), (1, 2))]:
        assert lax.reduce_window_shape_tuple(*args) == tuple(map(int, jlax.reduce_window_shape_tuple(*args)))
    with pytest.raises(TypeError, match="three layout strings"):
        lax.conv_general_permutations(((0, 1, 2), (0, 1, 2), (0, 1, 2)))
    with pytest.raises(ValueError, match="2 \\(low, high\\) pairs"):
        lax.conv_shape_tuple((1, 2, 5, 5), (3, 2, 3, 3), (1, 1), [(0, 0)])


# annotations that pass values through -------------------------------------------------------------
def test_with_sharding_constraint_and_composite_pass_values_through(jax, rng):
    x = rng.normal(size=(2, 3))
    tree = {"a": x, "b": [x[0]]}
    got = fx.jit(lambda t: lax.with_sharding_constraint(t, None))(tree)
    close(got["a"], x)
    close(got["b"][0], x[0])

    def tangent(x, *, scale):
        return scale * fnp.sin(x) / fnp.cos(x)

    def jtangent(x, *, scale):
        return scale * jax.numpy.sin(x) / jax.numpy.cos(x)
    f = lax.composite(tangent, name="my.tangent")
    jf = jax.lax.composite(jtangent, name="my.tangent")
    close(f(x, scale=2.0), jf(x, scale=2.0))
    # (jax does not differentiate a composite: its decomposition's derivative is the oracle)
    close(fx.grad(lambda x: f(x, scale=2.0).sum())(x), jax.grad(lambda x: jtangent(x, scale=2.0).sum())(x))
    with pytest.raises(FluxionError, match="expects a function"):
        lax.composite(3, name="no")
