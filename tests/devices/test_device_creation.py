"""fluxion.numpy's functions with `device=` on XLA devices: the same arrays as on the host, placed there.

The oracle is the same call on the host (cpu:0, the NumPy backend): dtype, shape, weak type
and values must be identical.
"""
from __future__ import annotations

import numpy as np
import pytest

import fluxion as fx
import fluxion.numpy as fnp
from fluxion.core.device import CPU

XLA = fx.devices("xla-cpu")[0]

CREATORS = {
    "zeros": lambda d: fnp.zeros((2, 3), device=d),
    "ones int32": lambda d: fnp.ones(4, fnp.int32, device=d),
    "empty": lambda d: fnp.empty((0, 2), device=d),
    "full scalar": lambda d: fnp.full((2, 2), 7, device=d),
    "full array": lambda d: fnp.full((3, 2), fnp.asarray([1.5, -2.0]), device=d),
    "zeros_like": lambda d: fnp.zeros_like(fnp.ones((2, 1), fnp.int8), device=d),
    "ones_like shape": lambda d: fnp.ones_like(fnp.ones(2), shape=(3,), device=d),
    "empty_like": lambda d: fnp.empty_like(fnp.ones(2, fnp.bool), device=d),
    "full_like": lambda d: fnp.full_like(fnp.ones(3, fnp.float64), 2.5, device=d),
    "arange": lambda d: fnp.arange(5, device=d),
    "arange stepped float64": lambda d: fnp.arange(1.0, 2.0, 0.25, dtype=fnp.float64, device=d),
    "linspace": lambda d: fnp.linspace(0, 1, 5, device=d),
    "linspace retstep": lambda d: fnp.linspace(0.0, 3.0, 4, retstep=True, device=d),
    "logspace": lambda d: fnp.logspace(0, 2, 3, device=d),
    "geomspace": lambda d: fnp.geomspace(1, 1000, 4, device=d),
    "eye": lambda d: fnp.eye(3, 4, k=1, device=d),
    "identity": lambda d: fnp.identity(2, fnp.int32, device=d),
    "tri": lambda d: fnp.tri(3, device=d),
    "asarray list": lambda d: fnp.asarray([1, 2, 3], device=d),
    "asarray scalar": lambda d: fnp.asarray(2.5, device=d),
    "asarray numpy int64": lambda d: fnp.asarray(np.array([2 ** 40 + 1, -3]), device=d),
    "asarray array float64": lambda d: fnp.asarray(fnp.asarray(np.array([1e-300, 1.0 + 2.0 ** -52])), device=d),
    "array": lambda d: fnp.array([[1.0, 2.0]], device=d),
    "from_dlpack": lambda d: fnp.from_dlpack(np.arange(4, dtype=np.uint8), device=d),
    "fftfreq": lambda d: fnp.fft.fftfreq(5, d=0.5, device=d),
    "rfftfreq": lambda d: fnp.fft.rfftfreq(6, dtype=fnp.float64, device=d),
    "astype": lambda d: fnp.astype(fnp.asarray([1.7, -1.2]), fnp.int32, device=d),
}


def _assert_same_arrays(host, placed, device):
    for h, p in zip(fx.tree.leaves(host), fx.tree.leaves(placed)):
        assert h.device is CPU and p.device is device
        assert (p.dtype, p.shape, p.weak) == (h.dtype, h.shape, h.weak)
        np.testing.assert_array_equal(np.asarray(p), np.asarray(h))


@pytest.mark.parametrize("name", CREATORS)
def test_creation_on_an_xla_device_gives_the_host_array_there(name):
    create = CREATORS[name]
    host = create(None)
    assert fx.tree.structure(create(XLA)) == fx.tree.structure(host)
    for device in (XLA, "xla-cpu:0", "xla-cpu", fx.Device("xla-cpu", 0)):
        _assert_same_arrays(host, create(device), XLA)
    _assert_same_arrays(host, create("cpu"), CPU)


def test_like_functions_put_their_result_on_the_device_of_their_argument():
    x = fx.device_put(fnp.arange(6.0).reshape(2, 3), XLA)
    for fn in (fnp.zeros_like, fnp.ones_like, fnp.empty_like, lambda a, **kw: fnp.full_like(a, 3, **kw)):
        on_device = fn(x)
        host = fn(fx.device_put(x, "cpu"))
        _assert_same_arrays(host, on_device, XLA)
        _assert_same_arrays(host, fn(x, device="cpu"), CPU)


def test_to_device_moves_an_array_there_and_back():
    x = fnp.asarray([1.0, 2.0])
    placed = x.to_device(XLA)
    assert placed.device is XLA and placed.tolist() == [1.0, 2.0]
    assert placed.to_device("xla-cpu:0") is placed
    back = placed.to_device("cpu")
    assert back.device is CPU and type(back) is fx.Array and back.tolist() == [1.0, 2.0]


def test_asarray_keeps_an_array_on_its_device_unless_told_otherwise():
    x = fx.device_put(fnp.arange(3), XLA)
    assert fnp.asarray(x) is x and fnp.asarray(x, device=XLA) is x
    assert fnp.asarray(x, dtype=fnp.float32).device is XLA
    copied = fnp.asarray(x, copy=True)
    assert copied is not x and copied.device is XLA and copied.tolist() == [0, 1, 2]
    assert fnp.asarray(x, device="cpu").device is CPU


def test_from_dlpack_of_an_array_keeps_its_device_as_asarray():  # (the array API: the producer's device)
    x = fx.device_put(fnp.arange(3.0), XLA)
    for out in (fnp.from_dlpack(x), fnp.asarray(x)):
        assert out.device is XLA and out.tolist() == [0.0, 1.0, 2.0]
    assert fnp.from_dlpack(x, device="cpu").device is CPU and fnp.from_dlpack(fnp.ones(2)).device is CPU


@pytest.mark.parametrize("call", [lambda: fnp.asarray(fnp.ones(2), device=XLA, copy=False),
                                  lambda: fnp.asarray(fx.device_put(fnp.ones(2), XLA), device="cpu", copy=False),
                                  lambda: fnp.from_dlpack(np.ones(2), device=XLA, copy=False),
                                  lambda: fnp.astype(fnp.ones(2), fnp.float32, copy=False, device=XLA)])
def test_a_move_with_copy_false_is_an_error_naming_the_fix(call):
    with pytest.raises(ValueError, match=r"moving the array from (cpu|xla-cpu):0 to (cpu|xla-cpu):0 needs a copy, "
                       r"but copy=False was passed(.|\n)*fix: pass copy=None, or leave device=None"):
        call()


def test_copy_false_without_a_move_returns_the_array():
    x = fx.device_put(fnp.ones(2), XLA)
    assert fnp.asarray(x, device=XLA, copy=False) is x
    assert fnp.astype(x, fnp.float32, copy=False, device="xla-cpu") is x


@pytest.mark.parametrize("create, op", [(lambda d: fnp.zeros(2, device=d), "zeros"),
                                        (lambda d: fnp.arange(3, device=d), "arange"),
                                        (lambda d: fnp.asarray([1.0], device=d), "asarray"),
                                        (lambda d: fnp.ones_like(fnp.ones(2), device=d), "ones_like"),
                                        (lambda d: fnp.fft.fftfreq(4, device=d), "fftfreq"),
                                        (lambda d: fnp.ones(2).to_device(d), "asarray")])
def test_unknown_devices_are_errors_naming_the_operation_and_the_devices(create, op):
    with pytest.raises(fx.errors.DeviceError, match=rf"{op}: there is no device xla-cpu:99; the devices are "
                       r"\[cpu:0, xla-cpu:0(.|\n)*fix: pass one of fx.devices\(\)"):
        create("xla-cpu:99")
    with pytest.raises(fx.errors.DeviceError, match=rf"{op}: 'gpu:x' is not a device name(.|\n)*platform:id"):
        create("gpu:x")
    with pytest.raises(TypeError, match=rf"{op}: 0 is not a device(.|\n)*fx.devices\(\)"):
        create(0)


def test_creation_with_a_device_inside_jit_and_grad_matches_eager():
    def f(x):
        return x * fnp.arange(3.0, device=XLA) + fnp.ones(3, device="xla-cpu")

    x = fnp.asarray([1.0, 2.0, 3.0])
    expected = np.array([1.0, 3.0, 7.0])
    np.testing.assert_array_equal(np.asarray(f(x)), expected)
    np.testing.assert_array_equal(np.asarray(fx.jit(f)(x)), expected)
    assert f(x).device is XLA
    np.testing.assert_array_equal(np.asarray(fx.grad(lambda x: fnp.sum(f(x)))(x)), [0.0, 1.0, 2.0])
