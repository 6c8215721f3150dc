"""Eager operations on an XLA device: the same results as on the host, and they stay on the device.

The oracle is the host: each function runs on NumPy-backed arrays (the NumPy kernels) and on
the same values placed on XLA's CPU device (one compiled kernel per operation), and the two
results must agree as `_differential.assert_matches` says (dtype, shape, weak type, values
within a few units in the last place).
"""
from __future__ import annotations

import ml_dtypes
import numpy as np
import pytest

import fluxion as fx
import fluxion.numpy as fnp
from fluxion.backends.xla import eager
from fluxion.ops._util import define

from _differential import assert_matches

XLA = fx.devices("xla-cpu")[0]


def _on_device(args):
    return fx.device_put(args, XLA)


def _assert_on_device(out):
    for leaf in fx.tree.leaves(out):
        assert leaf.device is XLA, f"a result is on {leaf.device}"


def _data(rng):
    a, b = rng.normal(size=(3, 4)), rng.normal(size=(3, 4))
    m = rng.normal(size=(3, 3))
    return {"a": a, "b": b, "row": rng.normal(size=4), "spd": m @ m.T + 3 * np.eye(3), "short": rng.normal(size=3),
            "ints": rng.integers(-20, 20, size=(3, 4)).astype(np.int32), "positive": rng.uniform(0.5, 2.0, (3, 4))}


# name -> (function, names of its arguments in `_data`, tolerance in ulps, floor)
CASES = {
    "unary elementwise": (lambda x, p: (fnp.sin(x), fnp.exp(x), fnp.tanh(x), fnp.abs(x), -x, fnp.log(p),
                                         fnp.sqrt(p), fnp.floor(x)), ("a", "positive"), 16, 0.0),
    "binary elementwise with broadcasting": (lambda x, r: (x + r, x * r, x / r, fnp.maximum(x, r), x ** 2,
                                                           fnp.arctan2(x, r), x - 1.5, 2 * x),
                                             ("a", "row"), 16, 0.0),
    "comparisons and where": (lambda x, y: (x > y, x == x, fnp.where(x > 0, x, y), fnp.isnan(x)), ("a", "b"), 0, 0.0),
    "integer arithmetic and bits": (lambda i: (i // 3, i % 3, i << 1, i & 6, fnp.sign(i), i * i, fnp.abs(i)),
                                    ("ints",), 0, 0.0),
    "reductions": (lambda x: (fnp.sum(x), fnp.max(x, axis=0), fnp.argmax(x, axis=1), fnp.mean(x, axis=-1),
                              fnp.cumsum(x, axis=1), fnp.prod(x), fnp.any(x > 1)), ("a",), 16, 1.0),
    "shape operations": (lambda x: (x.T, x.reshape(4, 3), fnp.concatenate([x, x]), fnp.stack([x, x], axis=1),
                                    fnp.pad(x, 1), fnp.broadcast_to(x[:, :1], (3, 5)), fnp.flip(x, 0),
                                    fnp.expand_dims(x, 0)), ("a",), 0, 0.0),
    "indexing and scatter": (lambda x: (x[1], x[:, 1:3], x[::-1, 2], x[fnp.asarray([2, 0])], x.at[0, 1].add(5.0),
                                        x.at[fnp.asarray([0, 0])].add(1.0), fnp.take(x, fnp.asarray([3, 1]), axis=1)),
                             ("a",), 16, 1.0),
    "sorting": (lambda x: (fnp.sort(x, axis=1), fnp.argsort(x, axis=0)), ("a",), 0, 0.0),
    "linear algebra": (lambda x, s: (x @ x.T, fnp.linalg.solve(s, x), fnp.linalg.cholesky(s), fnp.linalg.det(s),
                                     fnp.linalg.slogdet(s), fnp.linalg.eigvalsh(s), fnp.linalg.inv(s),
                                     fnp.linalg.svd(x, compute_uv=False)), ("a", "spd"), 64, 10.0),
    "loops closing over an operand": (lambda x: (fx.fori_loop(0, 3, lambda i, u: u + x, x),
                                                 fx.scan(lambda s, t: (s + x[0], s), x, None, length=2),
                                                 fx.map(lambda v: v + x[0], x)), ("a",), 16, 1.0),
    "special functions made of loops": (lambda p: (fx.scipy.special.gammaincinv(p, p / 3), fx.scipy.special.poch(p, p),
                                                   fx.scipy.special.hyp1f1(p, p + 1, p / 2)), ("positive",), 256, 1.0),
    "fft and convolution": (lambda x, v: (fnp.fft.fft(x), fnp.fft.rfft(x, axis=0), fnp.convolve(x[0], v)),
                            ("a", "short"), 64, 10.0),
}


@pytest.mark.parametrize("name", CASES)
def test_eager_operations_on_an_xla_device_match_the_host_and_stay_there(name, rng):
    fn, names, ulps, floor = CASES[name]
    data = _data(rng)
    args = [fnp.asarray(data[n]) for n in names]
    host, placed = fn(*args), fn(*_on_device(args))
    _assert_on_device(placed)
    assert_matches(host, placed, ulps=ulps, floor=floor, zero_signs=False, what=name)


@pytest.mark.parametrize("dtype", [np.float32, np.float16, ml_dtypes.bfloat16, np.complex64, np.complex128,
                                   np.uint8, np.int64, np.bool_])
def test_eager_operations_keep_every_dtype_on_the_device(dtype, rng):
    value = fnp.asarray(rng.normal(size=(2, 3)) * 3).astype(dtype)
    fn = (lambda x: (x == x, x[::-1], fnp.sum(x, axis=1))) if dtype == np.bool_ else \
        (lambda x: (x + x, x * x, x[::-1], fnp.sum(x, axis=1), fnp.max(fnp.abs(x))))
    host, placed = fn(value), fn(_on_device(value))
    _assert_on_device(placed)
    assert_matches(host, placed, ulps=16, floor=8.0, zero_signs=False, what=str(np.dtype(dtype)))


def test_python_scalars_and_host_arrays_follow_an_operand_on_the_device(rng):
    value = rng.normal(size=(2, 3)).astype(np.float32)
    x, host = _on_device(fnp.asarray(value)), fnp.asarray(value[::-1].copy())
    results = {"scalar": x * 2.5, "reflected scalar": 1.0 - x, "host array": x + host, "host first": host @ x.T,
               "0-d host": fnp.asarray(np.float32(3.0)) * x}
    _assert_on_device(results)
    assert results["scalar"].dtype == np.float32  # the weak scalar does not widen
    np.testing.assert_allclose(np.asarray(results["scalar"]), value * 2.5, rtol=1e-6)
    np.testing.assert_allclose(np.asarray(results["reflected scalar"]), 1.0 - value, rtol=1e-6)
    np.testing.assert_allclose(np.asarray(results["host array"]), value + value[::-1], rtol=1e-6)
    np.testing.assert_allclose(np.asarray(results["host first"]), value[::-1] @ value.T, rtol=1e-5)
    np.testing.assert_allclose(np.asarray(results["0-d host"]), 3 * value, rtol=1e-6)


def test_64_bit_host_operands_keep_their_precision_on_the_device():
    value = np.array([1e-300, 1.0 + 2.0 ** -52, 2.0 ** 53 - 1.0])
    big = np.array([2 ** 40 + 1, -(2 ** 62)], np.int64)
    floats = _on_device(fnp.asarray(value)) + fnp.asarray(value)
    ints = _on_device(fnp.asarray(big)) * fnp.asarray(np.int64(3))
    assert (floats.dtype, ints.dtype) == (np.float64, np.int64)
    np.testing.assert_array_equal(np.asarray(floats), value + value)
    np.testing.assert_array_equal(np.asarray(ints), big * 3)


def test_a_weak_scalar_on_the_device_takes_a_host_partner_there():
    s = fx.device_put(2.0, XLA)
    out = s * fnp.arange(3.0)
    assert out.device is XLA and out.tolist() == [0.0, 2.0, 4.0] and out.dtype == np.float32


def test_kernels_are_compiled_once_per_signature():
    eager._kernels.clear()
    x, y = _on_device(fnp.arange(3.0)), _on_device(fnp.arange(4.0))
    fnp.cos(x), fnp.cos(x * 1.0)
    assert sum(key[0].name == "cos" for key in eager._kernels) == 1
    fnp.cos(y)
    fnp.cos(x.astype(fnp.float64))
    assert sum(key[0].name == "cos" for key in eager._kernels) == 3
    a = _on_device(fnp.ones((2, 3)))
    fnp.sum(a, axis=0), fnp.sum(a, axis=0), fnp.sum(a, axis=1)
    assert sum(key[0].name == "reduce_sum" for key in eager._kernels) == 2


def test_slices_at_any_start_share_one_kernel_per_window():
    eager._kernels.clear()
    h = fnp.arange(400.0).reshape(20, 20)
    x = _on_device(h)
    for i in range(1, 12):
        for index in (i, np.s_[i:i + 3], np.s_[i:i + 7:2, ::3], np.s_[:, i], np.s_[-i]):
            out = x[index]
            assert out.device is XLA
            np.testing.assert_array_equal(np.asarray(out), np.asarray(h[index]))
    # x[i] and x[-i] share a window, as do x[:, i]'s: 4 window shapes in all
    assert sum(key[0].name == "slice" for key in eager._kernels) == 4


def test_an_operation_without_an_xla_lowering_names_the_fix():
    only_numpy = define("only_numpy_kernel", lambda x: x)
    fx.core.rules.numpy_kernel[only_numpy] = lambda x: x + 0
    assert only_numpy.bind(fnp.ones(2)).tolist() == [1.0, 1.0]  # the host runs it
    with pytest.raises(NotImplementedError, match="has no XLA lowering, so it cannot run on xla-cpu:0") as e:
        only_numpy.bind(_on_device(fnp.ones(2)))
    assert 'fx.device_put(x, "cpu")' in str(e.value)


def _loss(w, x):
    return fnp.sum(fnp.tanh(x @ w) ** 2) + 0.5 * fnp.sum(w * w)


def test_grad_on_the_device_matches_grad_on_the_host_and_stays_there(rng):
    w, x = fnp.asarray(rng.normal(size=(4, 2))), fnp.asarray(rng.normal(size=(5, 4)))
    host = fx.value_and_grad(_loss, argnums=(0, 1))(w, x)
    placed = fx.value_and_grad(_loss, argnums=(0, 1))(*_on_device((w, x)))
    _assert_on_device(placed)
    assert_matches(host, placed, ulps=64, floor=1.0, zero_signs=False, what="value_and_grad")


def test_gradients_on_the_device_match_finite_differences(rng):
    w, x = _on_device((fnp.asarray(rng.normal(size=(4, 2))), fnp.asarray(rng.normal(size=(5, 4)))))
    fx.test_util.check_grads(_loss, (w, x), order=2)


def test_jvp_hessian_and_vmap_on_the_device_match_the_host(rng):
    v, t = fnp.asarray(rng.normal(size=3)), fnp.asarray(rng.normal(size=3))
    rows = fnp.asarray(rng.normal(size=(4, 3)))
    cube = lambda z: fnp.sum(z ** 3 * fnp.sin(z))  # noqa: E731
    fns = {"jvp": lambda a, b, r: fx.jvp(fnp.sin, (a,), (b,)),
           "hessian": lambda a, b, r: fx.hessian(cube)(a),
           "vmap": lambda a, b, r: fx.vmap(lambda row: fnp.dot(row, a) * fnp.max(row))(r),
           "vmap of grad": lambda a, b, r: fx.vmap(fx.grad(cube))(r)}
    for name, fn in fns.items():
        host, placed = fn(v, t, rows), fn(*_on_device((v, t, rows)))
        _assert_on_device(placed)
        assert_matches(host, placed, ulps=64, floor=1.0, zero_signs=False, what=name)


def test_random_bits_on_the_device_are_the_host_bits():
    key = fx.random.key(42)
    placed = _on_device(key)
    k1, k2 = fx.random.split(placed)
    host1, host2 = fx.random.split(key)
    _assert_on_device((k1, k2))
    for dev, host in ((k1, host1), (k2, host2)):
        np.testing.assert_array_equal(np.asarray(fx.random.bits(dev, (5,))), np.asarray(fx.random.bits(host, (5,))))
    u = fx.random.uniform(k1, (4,))
    assert u.device is XLA
    assert_matches(fx.random.uniform(host1, (4,)), u, ulps=1, what="uniform")


def test_boolean_masks_of_device_arrays_select_the_host_elements(rng):
    value = rng.normal(size=(3, 4))
    x = _on_device(fnp.asarray(value))
    np.testing.assert_array_equal(np.asarray(x[x > 0]), value[value > 0])
    np.testing.assert_array_equal(np.asarray(fnp.nonzero(x > 0)[1]), np.nonzero(value > 0)[1])


def test_results_computed_on_the_host_from_device_operands_go_to_the_device(rng):
    value = rng.normal(size=6).round(1)
    x, h = _on_device(fnp.asarray(value)), fnp.asarray(value[::-1].copy())
    index = _on_device(fnp.asarray([2, 0]))
    results = {"intersect1d": fnp.intersect1d(x, h, return_indices=True), "union1d": fnp.union1d(h, x),
               "setdiff1d": fnp.setdiff1d(x, h[:2]), "histogram": fnp.histogram(x, bins=3),
               "histogram_bin_edges": fnp.histogram_bin_edges(x, bins=4), "h[index]": h[index],
               "h.at[index]": h.at[index].set(0.0), "take": fnp.take(h, index), "bincount": fnp.bincount(index),
               "array of device arrays": fnp.array([x, x]), "asarray of mixed scalars": fnp.asarray([x[0], 1.0]),
               "roll": fnp.roll(h, index[0]), "repeat": fnp.repeat(h, index[0])}
    for name, out in results.items():
        _assert_on_device(out)
        host = {"array of device arrays": lambda: np.array([value, value]),
                "asarray of mixed scalars": lambda: np.array([value[0], 1.0]),
                "roll": lambda: np.roll(value[::-1], 2), "repeat": lambda: np.repeat(value[::-1], 2)}.get(name)
        if host is not None:
            np.testing.assert_allclose(np.asarray(out), host(), rtol=1e-6)
    np.testing.assert_array_equal(np.asarray(results["h[index]"]), value[::-1][[2, 0]])
    np.testing.assert_array_equal(np.asarray(results["histogram"][0]), np.histogram(value.astype(np.float32), 3)[0])


def test_constant_results_of_device_operands_go_to_the_device():
    # results that need no computation: the identity of a power 0, NaN of an empty quantile, False of
    # mismatched shapes
    a, empty = _on_device(fnp.asarray(np.eye(3, dtype=np.float32) * 2)), _on_device(fnp.zeros((0,), fnp.float32))
    results = {"matrix_power": (fnp.linalg.matrix_power(a, 0), np.eye(3)), "median": (fnp.median(empty), np.nan),
               "nanquantile": (fnp.nanquantile(empty, [0.2, 0.5]), [np.nan] * 2),
               "array_equal": (fnp.array_equal(a, empty), False), "array_equiv": (fnp.array_equiv(a, empty), False)}
    for name, (out, want) in results.items():
        _assert_on_device(out)
        np.testing.assert_array_equal(np.asarray(out), want)
