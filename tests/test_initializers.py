"""fluxion.nn.initializers: shapes and dtypes, fans and empirical variances against the
variance-scaling formula, orthogonality, jax.nn.initializers' values for the same key, errors."""
import math

import ml_dtypes
import numpy as np
import pytest
import scipy.stats as stats

import fluxion as fx
import fluxion.numpy as fnp
from fluxion.errors import DTypeError, ShapeError

I = fx.nn.initializers
KEY = fx.random.key(0)
PRESETS = {"glorot_uniform": (1.0, "fan_avg", "uniform"), "glorot_normal": (1.0, "fan_avg", "truncated_normal"),
           "xavier_uniform": (1.0, "fan_avg", "uniform"), "xavier_normal": (1.0, "fan_avg", "truncated_normal"),
           "lecun_uniform": (1.0, "fan_in", "uniform"), "lecun_normal": (1.0, "fan_in", "truncated_normal"),
           "he_uniform": (2.0, "fan_in", "uniform"), "he_normal": (2.0, "fan_in", "truncated_normal"),
           "kaiming_uniform": (2.0, "fan_in", "uniform"), "kaiming_normal": (2.0, "fan_in", "truncated_normal")}

# shape, axis arguments, (fan_in, fan_out) worked out by hand from jax's documented convention
FANS = [((300, 200), {}, (300, 200)),
        ((3, 3, 40, 60), {}, (360, 540)),  # receptive field 3 * 3
        ((4, 50, 60), {"batch_axis": 0}, (50, 60)),
        ((2, 50, 100), {"in_axis": (0, 1), "out_axis": 2}, (100, 100)),
        ((50, 100), {"in_axis": -1, "out_axis": -1}, (50, 50)),  # receptive field 5000 / 100 / 100
        ((6000,), {"in_axis": 0}, (1, 1))]  # in and out are the same axis
DENOMINATORS = {"fan_in": lambda i, o: i, "fan_out": lambda i, o: o, "fan_avg": lambda i, o: (i + o) / 2,
                "fan_geo_avg": lambda i, o: math.sqrt(i * o)}


@pytest.mark.parametrize("shape, axes, fans", FANS)
@pytest.mark.parametrize("mode", sorted(DENOMINATORS))
def test_variance_scaling_has_the_variance_of_its_formula(shape, axes, fans, mode):
    variance = 0.5 / DENOMINATORS[mode](*fans)
    for i, distribution in enumerate(("normal", "truncated_normal", "uniform")):
        w = np.asarray(I.variance_scaling(0.5, mode, distribution, **axes)(fx.random.key(i), shape), np.float64)
        assert w.shape == shape
        assert abs(w.var() / variance - 1) < 0.08, distribution
        if distribution == "truncated_normal":
            assert np.abs(w).max() <= 2 * math.sqrt(variance) / 0.8796 + 1e-6
        if distribution == "uniform":
            assert np.abs(w).max() <= math.sqrt(3 * variance)


def test_the_distributions_have_the_right_shapes():
    shape = (100, 200)
    normal = np.asarray(I.variance_scaling(1.0, "fan_in", "normal")(KEY, shape), np.float64).ravel()
    uniform = np.asarray(I.variance_scaling(1.0, "fan_in", "uniform")(KEY, shape), np.float64).ravel()
    truncated = np.asarray(I.variance_scaling(1.0, "fan_in", "truncated_normal")(KEY, shape), np.float64).ravel()
    sd = math.sqrt(1 / 100)
    assert stats.kstest(normal, stats.norm(scale=sd).cdf).pvalue > 1e-3
    assert stats.kstest(uniform, stats.uniform(-math.sqrt(3) * sd, 2 * math.sqrt(3) * sd).cdf).pvalue > 1e-3
    s = sd / 0.87962566103423978
    assert stats.kstest(truncated, stats.truncnorm(-2, 2, scale=s).cdf).pvalue > 1e-3


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_presets_are_variance_scaling(name):
    scale, mode, distribution = PRESETS[name]
    shape = (3, 3, 8, 16)
    np.testing.assert_array_equal(np.asarray(getattr(I, name)()(KEY, shape)),
                                  np.asarray(I.variance_scaling(scale, mode, distribution)(KEY, shape)))
    w = getattr(I, name)(in_axis=0, out_axis=(1, 2), batch_axis=3, dtype=fnp.float64)(KEY, shape)
    assert w.dtype == np.float64


def test_simple_initializers():
    assert I.zeros(KEY, (2, 3)).tolist() == [[0.0] * 3] * 2 and I.zeros(KEY, (2,)).dtype == np.float32
    assert I.ones(KEY, (2,), fnp.float64).dtype == np.float64
    assert I.constant(3, fnp.int32)(KEY, (2,)).tolist() == [3, 3]
    assert I.constant(1.5)(KEY, (2,), fnp.float16).dtype == np.float16
    n = np.asarray(I.normal(0.5)(KEY, (20000,)), np.float64)
    assert abs(n.std() / 0.5 - 1) < 0.03
    u = np.asarray(I.uniform(0.5)(KEY, (20000,)), np.float64)
    assert u.min() >= 0 and u.max() < 0.5 and abs(u.mean() - 0.25) < 0.01
    t = np.asarray(I.truncated_normal(0.5, lower=-1.0, upper=3.0)(KEY, (20000,)), np.float64)
    assert stats.kstest(t, stats.truncnorm(-1.0, 3.0, scale=0.5).cdf).pvalue > 1e-3


@pytest.mark.parametrize("dtype", [np.float16, ml_dtypes.bfloat16, np.float64])
def test_initializers_give_the_dtype_of_the_factory_or_the_call(dtype):
    inits = [I.normal(), I.uniform(), I.truncated_normal(), I.glorot_normal(), I.he_uniform(), I.orthogonal(),
             I.variance_scaling(1.0, "fan_out", "normal")]
    for init in inits:
        assert init(KEY, (4, 5), dtype).dtype == dtype
    assert I.lecun_normal(dtype=dtype)(KEY, (4, 5)).dtype == dtype
    assert I.delta_orthogonal(dtype=dtype)(KEY, (3, 4, 5)).dtype == dtype


@pytest.mark.parametrize("distribution, bound", [("normal", np.inf), ("truncated_normal", 2.0), ("uniform", 2 ** 0.5)])
def test_complex_weights_of_every_distribution(distribution, bound):
    init = I.variance_scaling(2.0, "fan_in", distribution)
    w = np.asarray(init(KEY, (400, 500), fnp.complex64))
    assert w.dtype == np.complex64 and abs(np.mean(np.abs(w) ** 2) * 200 - 1) < 0.02  # E|w|**2 = 2 / fan_in
    assert abs(np.mean(w)) < 0.01 and abs(np.mean(w * w)) < 0.01  # no preferred direction
    if distribution != "normal":  # truncated to twice the modulus's scale, or the disk of E|z|**2 = 1
        assert np.abs(w).max() <= bound * 200 ** -0.5 / (I._COMPLEX_TRUNCATED_STD if bound == 2 else 1) + 1e-6
    np.testing.assert_allclose(np.asarray(fx.jit(lambda k: init(k, (3, 4), fnp.complex128))(KEY)),
                               np.asarray(init(KEY, (3, 4), fnp.complex128)), rtol=1e-12)


def test_complex_uniform_weights_are_jaxs():
    jax = pytest.importorskip("jax")
    ours = I.he_uniform(dtype=fnp.complex64)(KEY, (20, 30))
    theirs = jax.nn.initializers.he_uniform(dtype="complex64")(jax.random.key(0), (20, 30))
    np.testing.assert_allclose(np.asarray(ours), np.asarray(theirs), atol=1e-6)


def test_complex_weights_from_the_normal_distributions():
    q = np.asarray(I.orthogonal()(KEY, (4, 4), fnp.complex64))
    np.testing.assert_allclose(q @ q.conj().T, np.eye(4), atol=1e-5)


@pytest.mark.parametrize("shape, column_axis", [((6, 4), -1), ((4, 6), -1), ((3, 4, 5), 0), ((2, 3, 4), 1)])
def test_orthogonal_weights_are_orthogonal_along_the_column_axis(shape, column_axis):
    w = np.asarray(I.orthogonal(2.0, column_axis)(KEY, shape), np.float64)
    assert w.shape == shape
    matrix = np.moveaxis(w, column_axis, -1).reshape(-1, shape[column_axis])
    rows, cols = matrix.shape
    gram = matrix.T @ matrix if rows >= cols else matrix @ matrix.T
    np.testing.assert_allclose(gram, 4.0 * np.eye(min(rows, cols)), atol=1e-5)


@pytest.mark.parametrize("shape", [(3, 4, 4), (3, 3, 2, 5), (1, 3, 5, 2, 2)])
def test_delta_orthogonal_is_orthogonal_at_the_centre_and_zero_elsewhere(shape):
    w = np.asarray(I.delta_orthogonal(1.5)(KEY, shape), np.float64)
    centre = tuple((k - 1) // 2 for k in shape[:-2])
    np.testing.assert_allclose(w[centre] @ w[centre].T, 2.25 * np.eye(shape[-2]), atol=1e-5)
    rest = w.copy()
    rest[centre] = 0
    assert (rest == 0).all()


def test_values_match_jax_for_the_same_key():
    jax = pytest.importorskip("jax")
    J = jax.nn.initializers
    pairs = [(I.variance_scaling(1.5, mode, dist, **axes), J.variance_scaling(1.5, mode, dist, **axes), shape)
             for shape, axes, _ in FANS[1:] for mode, dist in (("fan_avg", "uniform"), ("fan_geo_avg", "normal"),
                                                               ("fan_out", "truncated_normal"))]
    pairs += [(I.he_normal(), J.he_normal(), (3, 3, 4, 8)), (I.normal(0.5), J.normal(0.5), (50,)),
              (I.uniform(0.5), J.uniform(0.5), (50,)), (I.orthogonal(1.5), J.orthogonal(1.5), (3, 4)),
              (I.orthogonal(1.0, 0), J.orthogonal(1.0, 0), (2, 3, 4)),
              (I.delta_orthogonal(2.0), J.delta_orthogonal(2.0), (3, 3, 2, 5))]
    # jax's draws in one compiled program (eagerly, jax compiles each of their operations)
    expected = jax.jit(lambda key: [theirs(key, shape, np.float32) for _, theirs, shape in pairs])(jax.random.key(7))
    for (ours, _, shape), theirs in zip(pairs, expected):  # the same bits; normals differ by erfinv's rounding
        np.testing.assert_allclose(np.asarray(ours(fx.random.key(7), shape)), np.asarray(theirs), rtol=1e-3, atol=1e-3)


def test_initializers_work_under_jit_and_vmap():
    init = I.glorot_uniform()
    keys = fx.random.split(KEY, 3)
    batched = np.asarray(fx.vmap(lambda k: init(k, (4, 5)))(keys))
    np.testing.assert_array_equal(batched, np.stack([np.asarray(init(k, (4, 5))) for k in keys]))
    np.testing.assert_allclose(np.asarray(fx.jit(lambda k: init(k, (4, 5)))(KEY)), np.asarray(init(KEY, (4, 5))),
                               rtol=1e-6)


def test_errors_name_the_fix():
    with pytest.raises(ValueError, match="fan_avg"):
        I.variance_scaling(1.0, "fan_mean", "normal")
    with pytest.raises(ValueError, match="truncated_normal"):
        I.variance_scaling(1.0, "fan_in", "gaussian")
    with pytest.raises(ShapeError, match="in_axis"):
        I.lecun_normal()(KEY, (5,))
    with pytest.raises(ShapeError, match="out_axis"):
        I.lecun_normal(out_axis=3)(KEY, (5, 4))
    with pytest.raises(DTypeError, match="float"):
        I.normal()(KEY, (2,), fnp.int32)
    with pytest.raises(ShapeError, match="2 or more"):
        I.orthogonal()(KEY, (5,))
    with pytest.raises(ShapeError, match="spatial"):
        I.delta_orthogonal()(KEY, (4, 4))
    with pytest.raises(ShapeError, match="in_channels <= out_channels"):
        I.delta_orthogonal()(KEY, (3, 5, 4))
