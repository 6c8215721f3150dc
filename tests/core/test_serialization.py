"""What crosses a process boundary (pickling, as multiprocessing does) or is copied: errors keep
their class and message, tree structures their hash in the process that loads them, traced
values copy as values of their own, objects holding jitted functions deep-copy,
bfloat16 arrays come back from .npy files, and `bytes(x)` is the raw values.

Oracles: NumPy (`bytes`, `.npy` files), the objects before the round trip, a fresh process
(hashes), and the functions called without the copy."""
import copy
import io
import pickle
import subprocess
import sys

import numpy as np
import pytest

import fluxion as fx
import fluxion.numpy as fnp


def _raised(f) -> BaseException:
    try:
        f()
    except Exception as e:  # (what a worker process would send back)
        return e
    raise AssertionError("no error")


@pytest.mark.parametrize("make", [
    lambda: _raised(lambda: fnp.asarray([2 ** 64 - 1])),  # an OverflowError that is a FluxionError
    lambda: _raised(lambda: fnp.ones(2) + fnp.ones(3)),
])
def test_errors_unpickle_as_their_class_with_their_message(make):
    error = make()
    for protocol in (0, pickle.HIGHEST_PROTOCOL):
        back = pickle.loads(pickle.dumps(error, protocol))
        assert type(back) is type(error) and str(back) == str(error)
        assert isinstance(back, fx.errors.FluxionError)


def test_a_nan_check_error_unpickles():
    with fx.debug_nans():
        error = _raised(lambda: fnp.log(fnp.asarray(-1.0)))
    back = pickle.loads(pickle.dumps(error))
    assert type(back) is type(error) and isinstance(back, FloatingPointError) and str(back) == str(error)


def test_a_tree_structure_loaded_in_another_process_hashes_as_one_made_there():
    tree = {"w": 1.0, "b": (2.0, 3.0), "n": None}
    saved = pickle.dumps(fx.tree.structure(tree))
    hash(fx.tree.structure(tree))
    script = ("import pickle, sys, fluxion as fx\n"
              "loaded = pickle.loads(sys.stdin.buffer.read())\n"
              f"fresh = fx.tree.structure({tree!r})\n"
              "print(loaded == fresh, hash(loaded) == hash(fresh), {fresh: 1}.get(loaded))")
    out = subprocess.run([sys.executable, "-c", script], input=saved, capture_output=True, check=True)
    assert out.stdout.decode().split() == ["True", "True", "1"]


def _copy_then_update(p):
    q = copy.copy(p)
    q[0] = 5.0  # (the copy's own update: p keeps its value, as in NumPy)
    return p + copy.deepcopy(q)


def test_traced_values_copy_as_values_of_their_own():
    x = fnp.ones(2)
    want = np.asarray(_copy_then_update(fnp.ones(2)))
    np.testing.assert_array_equal(want, [6.0, 2.0])
    np.testing.assert_array_equal(np.asarray(fx.jit(_copy_then_update)(x)), want)
    np.testing.assert_array_equal(np.asarray(fx.vmap(_copy_then_update)(fnp.ones((3, 2)))), [want] * 3)
    np.testing.assert_array_equal(np.asarray(fx.grad(lambda p: fnp.sum(copy.deepcopy(p) ** 2))(x)), [2.0, 2.0])
    with pytest.raises(TypeError, match="(?s)cannot be pickled.*fix"):
        fx.jit(lambda p: pickle.dumps(p))(x)


def test_an_object_holding_a_jitted_function_deep_copies():
    jitted = fx.jit(lambda x: x * 2.0)
    holder = copy.deepcopy({"step": jitted, "w": fnp.ones(2)})
    assert holder["step"] is jitted
    np.testing.assert_array_equal(np.asarray(holder["step"](holder["w"])), [2.0, 2.0])


def test_bfloat16_arrays_come_back_from_npy_files_and_bytes_are_the_raw_values():
    x = fnp.asarray([1.5, -2.0, 3.0], dtype=fnp.bfloat16)
    f = io.BytesIO()
    fnp.save(f, x)
    f.seek(0)
    back = fnp.load(f)
    assert back.dtype == fnp.bfloat16 and back.tolist() == x.tolist()
    for value in (np.asarray([1, 300], np.int32), np.asarray([1.0, -0.5], np.float32), np.asarray(3, np.int16),
                  np.asarray(2.0, np.float32), np.asarray(True)):
        assert bytes(fnp.asarray(value)) == bytes(value)
