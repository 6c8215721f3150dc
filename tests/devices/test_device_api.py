"""Devices and transfers: `fx.devices`, `fx.device_put`, `x.device`, reading values on the host.

The oracles are jax's own device list, the NumPy values the arrays were made from, and the
host array's behaviour (repr, pickling, conversions) for the same value.
"""
from __future__ import annotations

import copy
import pickle
import subprocess
import sys

import jax
import ml_dtypes
import numpy as np
import pytest

import fluxion as fx
import fluxion.numpy as fnp
from fluxion.core.device import CPU, get

XLA = fx.devices("xla-cpu")[0]


def test_devices_list_the_host_first_then_every_xla_cpu_device():
    names = [repr(d) for d in fx.devices()]
    cpus = jax.local_devices(backend="cpu")
    assert names[0] == "cpu:0"
    assert names[1:1 + len(cpus)] == [f"xla-cpu:{i}" for i in range(len(cpus))]
    assert [d.jax_device for d in fx.devices("xla-cpu")] == cpus


def test_devices_of_one_platform():
    assert fx.devices("cpu") == [CPU]
    assert all(d.platform == "xla-cpu" for d in fx.devices("xla-cpu"))
    assert fx.devices("no-such-platform") == []
    assert fx.devices("cuda") == fx.devices("rocm") == fx.devices("gpu")  # (jax's names of the GPU platform)
    assert fx.devices(backend="cpu") == [CPU]  # (jax's keyword)


def test_importing_fluxion_and_host_work_do_not_load_jax():
    code = ("import sys, fluxion as fx, fluxion.numpy as fnp\n"
            "assert fx.devices('cpu')[0].platform == 'cpu'\n"
            "assert (fnp.ones(3) * 2).tolist() == [2.0, 2.0, 2.0]\n"
            "assert 'jax' not in sys.modules, 'jax was imported'\n")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr


@pytest.mark.parametrize("name, expected", [(None, "cpu:0"), ("cpu", "cpu:0"), ("cpu:0", "cpu:0"),
                                            ("xla-cpu", "xla-cpu:0"), ("xla-cpu:0", "xla-cpu:0")])
def test_device_names_resolve_to_the_listed_devices(name, expected):
    device = get(name)
    assert repr(device) == expected
    assert any(device is d for d in fx.devices())


def test_a_device_made_by_hand_resolves_to_the_listed_one():
    assert get(fx.Device("xla-cpu", 0)) is XLA
    assert fx.device_put(fnp.ones(2), fx.Device("xla-cpu", 0)).device is XLA


def test_xla_device_objects_resolve_to_the_listed_devices():
    for d in fx.devices("xla-cpu"):
        assert get(d.jax_device) is d
        assert fx.device_put(fnp.ones(2), d.jax_device).device is d
        assert fx.jit(lambda x: x + 1, device=d.jax_device)(fnp.ones(2)).device is d


@pytest.mark.parametrize("device, match", [("xla-cpu:99", "there is no device xla-cpu:99"),
                                           ("gpu:x", "is not a device name"),
                                           (fx.Device("abacus", 0), "there is no device abacus:0")])
def test_unknown_devices_raise_an_error_naming_the_device_list(device, match):
    with pytest.raises(fx.errors.DeviceError, match=match) as e:
        fx.device_put(fnp.ones(2), device)
    assert "fx.devices()" in str(e.value)
    assert isinstance(e.value, ValueError)


def test_a_device_that_is_not_a_device_is_a_type_error():
    with pytest.raises(TypeError, match="is not a device") as e:
        fx.device_put(fnp.ones(2), 3)
    assert "fx.devices()" in str(e.value)


def test_device_put_moves_a_pytree_keeping_values_dtypes_and_weak_types(rng):
    tree = {"f64": rng.normal(size=(2, 3)), "i32": np.arange(5, dtype=np.int32), "b": np.array([True, False]),
            "bf16": np.array([1.5, -2.25], ml_dtypes.bfloat16), "c64": np.array([1 + 2j], np.complex64),
            "scalars": [2.5, 3, True], "none": None}
    placed = fx.device_put(tree, XLA)
    assert fx.tree.structure(placed) == fx.tree.structure(tree)
    for value, x in zip(fx.tree.leaves(tree), fx.tree.leaves(placed)):
        expected = fnp.asarray(value)
        assert x.device is XLA
        weak = isinstance(value, (int, float)) and not isinstance(value, bool)  # (jax weak-types no bool)
        assert (x.dtype, x.shape, x.weak) == (expected.dtype, expected.shape, weak)
        np.testing.assert_array_equal(np.asarray(x), np.asarray(value, expected.dtype))


def test_device_put_to_the_host_gives_host_arrays_with_the_same_values(rng):
    value = rng.normal(size=(3, 2))
    x = fx.device_put(fx.device_put(fnp.asarray(value), XLA), "cpu")
    assert x.device is CPU and type(x) is fx.Array
    np.testing.assert_array_equal(np.asarray(x), value)
    assert fx.device_put(x) is x  # already there: no copy


def test_device_put_of_an_array_already_there_returns_it():
    x = fx.device_put(fnp.ones(2), XLA)
    assert fx.device_put(x, XLA) is x


def test_arrays_on_a_device_read_on_the_host_like_host_arrays(rng):
    value = rng.normal(size=(2, 3)).astype(np.float32)
    host, x = fnp.asarray(value), fx.device_put(fnp.asarray(value), XLA)
    assert repr(x) == repr(host) and str(x) == str(host) and f"{x[0, 0]:.3f}" == f"{host[0, 0]:.3f}"
    assert x.tolist() == value.tolist()
    np.testing.assert_array_equal(np.asarray(x), value)
    assert np.asarray(x, dtype=np.float64).dtype == np.float64
    assert float(x[1, 2]) == float(value[1, 2]) and x[0, 1].item() == value[0, 1].item()
    assert int(fx.device_put(fnp.asarray(7), XLA)) == 7 and bool(fx.device_put(fnp.asarray(True), XLA))
    assert (x.shape, x.dtype, x.ndim, x.size, len(x)) == ((2, 3), np.float32, 2, 6, 2)
    assert [row.tolist() for row in x] == value.tolist()
    assert all(row.device is XLA for row in x)


def test_pickling_an_array_on_a_device_gives_the_host_array():
    x = fx.device_put(fnp.arange(4.0), XLA)
    y = pickle.loads(pickle.dumps(x))
    assert y.device is CPU and y.tolist() == [0.0, 1.0, 2.0, 3.0]


def test_dlpack_exports_the_device_buffer():
    x = fx.device_put(fnp.arange(6, dtype=fnp.int32).reshape(2, 3), XLA)
    np.testing.assert_array_equal(np.from_dlpack(x), np.arange(6).reshape(2, 3))
    torch = pytest.importorskip("torch")
    assert torch.from_dlpack(x).tolist() == [[0, 1, 2], [3, 4, 5]]


def test_block_until_ready_returns_the_array():
    host = fnp.ones(3)
    assert host.block_until_ready() is host
    x = fx.device_put(host, XLA) * 2
    assert x.block_until_ready() is x and x.tolist() == [2.0, 2.0, 2.0]


def test_device_put_inside_jit_leaves_traced_values_alone():
    f = fx.jit(lambda a: fx.device_put(a, XLA) * 2)
    assert f(fnp.arange(3.0)).tolist() == [0.0, 2.0, 4.0]


def test_in_place_updates_keep_an_array_on_its_device():
    x = fx.device_put(fnp.zeros(3), XLA)
    x += 1
    x[0] = 5.0
    assert x.device is XLA and x.tolist() == [5.0, 1.0, 1.0]


def test_setting_a_device_value_into_a_host_array_names_the_fix():
    host = fnp.zeros(3)
    with pytest.raises(fx.errors.DeviceError, match="the result is on xla-cpu:0, the array on cpu:0") as e:
        host[0] = fx.device_put(fnp.asarray(1.0), XLA)
    assert "x = x.at[i].set(v)" in str(e.value)


def test_device_get_gives_numpy_copies_of_arrays_on_every_device_and_keeps_other_leaves():
    x = np.arange(3.0, dtype=np.float32)
    host, placed = fnp.asarray(x), fx.device_put(fnp.asarray(x), "xla-cpu")
    pending = fx.jit(lambda v: v * 2)(host)
    got = fx.device_get({"host": host, "placed": placed, "pending": pending, "step": 3, "name": "w"})
    for k, want in (("host", x), ("placed", x), ("pending", 2 * x)):
        assert type(got[k]) is np.ndarray and got[k].dtype == np.float32
        np.testing.assert_array_equal(got[k], want)
    assert got["step"] == 3 and got["name"] == "w"
    got["host"][0] = 7.0  # a copy: the array keeps its value
    assert float(host[0]) == 0.0


def test_devices_of_an_array_is_the_set_of_its_device_as_jax():
    for device in fx.devices():
        x = fx.device_put(fnp.arange(3.0), device)
        assert x.devices() == {x.device} == {device}
    y = jax.device_put(jax.numpy.arange(3.0), jax.devices()[0])
    assert len(y.devices()) == len(fx.jit(lambda a: a + 1)(fnp.arange(3.0)).devices()) == 1


def test_copy_and_deepcopy_keep_an_array_on_its_device_with_its_value():
    x = fx.device_put(fnp.arange(3.0), XLA)
    for c in (copy.copy(x), copy.deepcopy({"w": x})["w"]):
        assert c is not x and c.device is XLA and c.tolist() == [0.0, 1.0, 2.0]
    c = copy.copy(x)
    x += 1.0  # rebinds x alone
    assert c.tolist() == [0.0, 1.0, 2.0] and x.tolist() == [1.0, 2.0, 3.0]


def test_an_in_place_operator_on_a_host_array_with_a_device_operand_is_refused_as_item_assignment_is():
    h = fnp.arange(3.0)
    alias = h
    with pytest.raises(fx.errors.DeviceError, match="in-place update"):
        h += fx.device_put(fnp.ones(3), XLA)
    assert alias is h and h.tolist() == [0.0, 1.0, 2.0]
    d = fx.device_put(fnp.ones(3), XLA)
    same = d
    d += d  # on the device, in place
    assert same is d and d.device is XLA and d.tolist() == [2.0, 2.0, 2.0]


def test_device_put_takes_a_tree_of_devices_that_prefixes_the_value_as_jax():
    value = (fnp.ones(2), {"a": 1.0, "b": [2.0, 3]})
    placed = fx.device_put(value, (XLA, {"a": "cpu", "b": [XLA, "cpu"]}))
    assert [x.device for x in fx.tree.leaves(placed)] == [XLA, CPU, XLA, CPU]
    assert [x.device for x in fx.tree.leaves(fx.device_put(value, (XLA, "cpu")))] == [XLA, CPU, CPU, CPU]
    jax = pytest.importorskip("jax")
    cpu = jax.devices()[0]
    for ours, theirs in ((["cpu", "cpu"], [cpu, cpu]), (("cpu",), (cpu,))):  # not a prefix: both refuse
        with pytest.raises(ValueError):
            jax.device_put((1.0, 2.0), theirs)
        with pytest.raises(ValueError, match="prefix"):
            fx.device_put((1.0, 2.0), ours)
