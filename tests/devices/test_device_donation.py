"""`fx.jit(donate_argnums=)`: XLA takes the donated buffers of arrays on its device, the donated
arrays are deleted, and host arrays are never touched.

The oracles are NumPy (the values the function must give) and jax's own view of the buffers
(`unsafe_buffer_pointer`: a result written into a donated buffer has that buffer's address).
"""
from __future__ import annotations

import copy
import pickle
import warnings

import numpy as np
import pytest

import fluxion as fx
import fluxion.numpy as fnp

XLA = fx.devices("xla-cpu")[0]


def _step(w, g):
    return w - 0.5 * g


def _on_device(value) -> fx.Array:
    """`value` on XLA's CPU in a buffer XLA allocated (a transfer may share host memory instead,
    which XLA never reuses)."""
    return fx.device_put(fnp.asarray(value), XLA) * 1


def _pointer(x) -> int:
    return x._buffer.unsafe_buffer_pointer()


def test_donated_arguments_give_the_numpy_result_and_are_deleted(rng):
    w, g = rng.normal(size=(3, 4)), rng.normal(size=(3, 4))
    step = fx.jit(_step, donate_argnums=0)
    dw, dg = _on_device(w), _on_device(g)
    out = step(dw, dg)
    assert out.device is XLA
    np.testing.assert_allclose(np.asarray(out), w - 0.5 * g, rtol=1e-12)
    assert dw.is_deleted() and not dg.is_deleted() and not out.is_deleted()
    np.testing.assert_array_equal(np.asarray(dg), g)  # the argument that was not donated is intact
    np.testing.assert_allclose(np.asarray(step(out, dg)), w - g, rtol=1e-12)


def test_xla_writes_the_result_into_the_donated_buffer():
    step = fx.jit(_step, donate_argnums=0)
    g = _on_device(np.ones(256))
    w = _on_device(np.arange(256.0))
    w = step(w, g)  # the first run may take another route; later runs reuse the donated buffer
    for _ in range(3):
        address = _pointer(w)
        w = step(w, g)
        assert _pointer(w) == address
    np.testing.assert_allclose(np.asarray(w), np.arange(256.0) - 2.0)
    assert "tf.aliasing_output" in step.lower(w, g).as_text()


def test_a_training_loop_with_donated_parameters_matches_numpy(rng):
    params = {"w": rng.normal(size=(4, 3)), "b": rng.normal(size=3)}
    x = rng.normal(size=(5, 4))

    def update(p, x):
        h = x @ p["w"] + p["b"]
        return {"w": p["w"] - 0.1 * x.T @ h, "b": p["b"] - 0.1 * fnp.sum(h, axis=0)}

    step = fx.jit(update, donate_argnums=0)
    placed, dx = fx.device_put(fx.tree.map(fnp.asarray, params), XLA), _on_device(x)
    expected = dict(params)
    for _ in range(4):
        old = placed
        placed = step(placed, dx)
        assert all(leaf.is_deleted() for leaf in fx.tree.leaves(old))
        h = x @ expected["w"] + expected["b"]
        expected = {"w": expected["w"] - 0.1 * x.T @ h, "b": expected["b"] - 0.1 * h.sum(0)}
    assert not dx.is_deleted()
    for key in expected:
        np.testing.assert_allclose(np.asarray(placed[key]), expected[key], rtol=1e-10)


USES = {
    "an operation": lambda x: x + 1,
    "a reduction": lambda x: fnp.sum(x),
    "indexing": lambda x: x[0],
    "an in-place update": lambda x: x.__iadd__(1),
    "conversion to NumPy": np.asarray,
    "tolist": lambda x: x.tolist(),
    "float": lambda x: float(x[0]),
    "str": str,
    "a transfer to the host": lambda x: fx.device_put(x, "cpu"),
    "block_until_ready": lambda x: x.block_until_ready(),
    "dlpack": lambda x: np.from_dlpack(x),
    "pickling": pickle.dumps,
    "another jitted call": fx.jit(lambda a: a * 2),
    "the same jitted call": fx.jit(_step, donate_argnums=0),
}


@pytest.mark.parametrize("use", USES)
def test_using_a_donated_array_raises_an_error_naming_the_argument_and_the_fix(use):
    step = fx.jit(_step, donate_argnums=0)
    w, g = _on_device(np.ones(3)), _on_device(np.ones(3))
    step(w, g)
    with pytest.raises(fx.errors.DeviceError) as e:
        fn = USES[use]
        fn(w, g) if use == "the same jitted call" else fn(w)
    message = str(e.value)
    assert "donated as argument `w` of the jitted _step" in message
    assert "x.copy()" in message and "donate_argnums" in message
    assert isinstance(e.value, ValueError)


def test_a_donated_array_keeps_its_type():  # (as jax's: only the value is gone)
    w = _on_device(np.ones((2, 3), np.float32))
    before = (w.shape, w.dtype, w.ndim, w.size, w.aval, w.device)
    fx.jit(_step, donate_argnums=0)(w, 1.0)
    assert w.is_deleted() and (w.shape, w.dtype, w.ndim, w.size, w.aval, w.device) == before


def test_a_donated_array_prints_as_deleted():
    w = _on_device(np.ones((2, 3), np.float32))
    fx.jit(_step, donate_argnums=0)(w, 1.0)
    assert repr(w) == "Array(<deleted: donated as argument `w` of the jitted _step>, shape=(2, 3), dtype=float32)"


def test_donating_an_array_that_is_passed_again_is_an_error_that_deletes_nothing():
    step = fx.jit(_step, donate_argnums=0)
    w = _on_device(np.arange(3.0))
    with pytest.raises(fx.errors.DeviceError, match=r"argument `w` of the jitted _step is donated, and the same "
                       r"array is passed again(.|\n)*x.copy\(\)"):
        step(w, w)
    assert not w.is_deleted()
    np.testing.assert_allclose(np.asarray(step(w, w.copy())), np.arange(3.0) * 0.5)


def test_donate_argnums_by_keyword_negative_and_for_several_arguments():
    a, b = np.arange(3.0), np.ones(3)
    by_keyword = fx.jit(_step, donate_argnums=0)
    w = _on_device(a)
    np.testing.assert_allclose(np.asarray(by_keyword(w=w, g=_on_device(b))), a - 0.5)
    assert w.is_deleted()
    negative = fx.jit(_step, donate_argnums=-1)
    w, g = _on_device(a), _on_device(b)
    negative(w, g)
    assert g.is_deleted() and not w.is_deleted()
    both = fx.jit(_step, donate_argnums=(0, 1))
    w, g = _on_device(a), _on_device(b)
    both(w, g)
    assert w.is_deleted() and g.is_deleted()


def test_donate_argnames_donate_a_parameter_however_it_is_passed():
    a, b = np.arange(3.0), np.ones(3)

    def step(w, g, *, lr):
        return w - lr * g
    by_name = fx.jit(step, donate_argnames="w")
    assert by_name.donate_argnums == (0,) and by_name.donate_argnames == ("w",)
    for call in (lambda w, g: by_name(w, g, lr=0.5), lambda w, g: by_name(w=w, g=g, lr=0.5)):
        w, g = _on_device(a), _on_device(b)
        np.testing.assert_allclose(np.asarray(call(w, g)), a - 0.5)
        assert w.is_deleted() and not g.is_deleted()
    keyword_only = fx.jit(step, donate_argnames=("lr",))
    lr = _on_device(np.float64(0.5))
    np.testing.assert_allclose(np.asarray(keyword_only(_on_device(a), _on_device(b), lr=lr)), a - 0.5)
    assert lr.is_deleted()
    with pytest.raises(ValueError, match=r"donate_argnames names `v`, which is not a parameter"):
        fx.jit(step, donate_argnames="v")
    with pytest.raises(ValueError, match=r"argument `lr` is both static and donated"):
        fx.jit(step, static_argnames="lr", donate_argnames="lr")


def test_an_argument_static_by_name_cannot_be_donated():
    with pytest.raises(ValueError, match=r"argument 1 is both static and donated(.|\n)*remove it from donate_argnums"):
        fx.jit(_step, static_argnames="g", donate_argnums=1)


def test_a_donated_buffer_no_output_can_reuse_is_deleted_without_warnings():
    total = fx.jit(lambda x: fnp.sum(x * x), donate_argnums=0)
    x = _on_device(np.arange(4.0))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = total(x)
    assert float(out) == 14.0 and x.is_deleted()


def test_on_the_host_donation_does_nothing_and_the_inputs_keep_their_values(rng):
    value = rng.normal(size=(64, 64))  # large enough that XLA reads the host memory in place
    step = fx.jit(_step, donate_argnums=0)
    w = fnp.asarray(value)
    out = step(w, w)
    assert out.device.platform == "cpu" and not w.is_deleted()
    np.testing.assert_array_equal(np.asarray(w), value)
    # a result of a compiled call shares XLA's memory; donating it must not free that memory
    previous = fx.jit(lambda a: a * 3)(w)
    again = step(previous, previous)
    np.testing.assert_allclose(np.asarray(previous), 3 * value, rtol=1e-12)
    np.testing.assert_allclose(np.asarray(again), 1.5 * value, rtol=1e-12)
    np.testing.assert_allclose(np.asarray(step(previous, w)), 3 * value - 0.5 * value, rtol=1e-12)
    assert "tf.aliasing_output" not in step.lower(w, w).as_text()


def test_donating_arrays_that_share_host_memory_leaves_the_host_arrays_intact():
    for n in (16, 1024, 4096, 65536):  # various sizes and alignments; XLA may read some in place
        host = fnp.asarray(np.arange(n, dtype=np.float32))
        placed = fx.device_put(host, XLA)
        out = fx.jit(lambda a: a * 2 + 1, donate_argnums=0)(placed)
        np.testing.assert_array_equal(np.asarray(host), np.arange(n, dtype=np.float32))
        np.testing.assert_array_equal(np.asarray(out), np.arange(n, dtype=np.float32) * 2 + 1)
        assert placed.is_deleted()


def test_donated_host_arguments_of_a_call_on_a_device_are_copied_there_and_stay_usable():
    on_device = fx.jit(_step, donate_argnums=(0, 1), device=XLA)
    w, g = fnp.arange(3.0), _on_device(np.ones(3))
    out = on_device(w, g)
    assert out.device is XLA and out.tolist() == [-0.5, 0.5, 1.5]
    assert not w.is_deleted() and w.tolist() == [0.0, 1.0, 2.0]
    assert g.is_deleted()
    twice = fnp.asarray(np.arange(4096.0))  # a host array may be donated and passed again: XLA gets copies
    np.testing.assert_array_equal(np.asarray(on_device(twice, twice)), np.arange(4096.0) * 0.5)
    np.testing.assert_array_equal(np.asarray(twice), np.arange(4096.0))
    mixed = fx.jit(_step, donate_argnums=0)
    w = fnp.arange(3.0)
    assert mixed(w, _on_device(np.ones(3))).device is XLA and w.tolist() == [0.0, 1.0, 2.0]


def test_a_call_that_runs_on_the_host_leaves_donated_device_arrays_usable():
    on_host = fx.jit(_step, donate_argnums=0, device="cpu")
    w = _on_device(np.arange(3.0))
    assert on_host(w, 1.0).tolist() == [-0.5, 0.5, 1.5]
    assert not w.is_deleted() and w.tolist() == [0.0, 1.0, 2.0]


@pytest.mark.parametrize("copier", [copy.copy, copy.deepcopy])
def test_a_copy_keeps_its_value_when_the_original_is_donated_and_the_other_way_round(copier):
    double = fx.jit(lambda v: v * 2, donate_argnums=0)
    x = fx.device_put(fnp.arange(4.0), XLA)
    c = copier(x)
    double(x)
    assert x.is_deleted() and not c.is_deleted() and c.tolist() == [0.0, 1.0, 2.0, 3.0]
    double(copier(c))
    assert c.tolist() == [0.0, 1.0, 2.0, 3.0]
