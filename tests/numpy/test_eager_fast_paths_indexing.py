"""The eager fast paths of indexing with integer arrays (reads, and `.at[].set` / `.add` with
masks too) give what the general path gives, bit for bit, and what NumPy gives: advanced axes
kept in place or moved first, negative and repeated indices, 0-d index arrays, and the
general path's errors for indices out of bounds."""
import numpy as np
import pytest

import fluxion.numpy as fnp
from fluxion.core.array import Array

from test_eager_fast_paths import check

_RNG = np.random.default_rng(3)
V = (_RNG.standard_normal((4, 5, 6)) * 3).astype(np.float32)
X = fnp.asarray(V)
R = fnp.asarray(np.array([1, -1, 3, 1]))  # (negative and repeated)
C = fnp.asarray(np.array([[0, 2], [4, 2]], np.uint8))
S = fnp.asarray(np.array(2))

INDICES = {
    "r": R, "r, c": (R, C), ":, r": (slice(None), R), "r, :, r": (R, slice(None), R), "1, r": (1, R),
    "None, r, ...": (None, R, Ellipsis), "r, ..., c": (R, Ellipsis, C), "..., r": (Ellipsis, R),
    "c, 1:3": (C, slice(1, 3)), "s, r": (S, R), "s, s, s": (S, S, S), "::-1, r": (slice(None, None, -1), R),
    "r, 1, ..., s": (R, 1, Ellipsis, S), "out of bounds": (fnp.asarray(np.array([4])),),
    "out of bounds, negative": (slice(None), fnp.asarray(np.array([-6]))), "too many": (R, R, R, R),
    "distinct": fnp.asarray(np.array([2, 0, -1])), "one row named both ways": fnp.asarray(np.array([-4, 0, 1])),
    "2-d, repeated": fnp.asarray(np.array([[1, -1], [3, 1]])),
    "out of bounds among rows": fnp.asarray(np.array([1, 4])),
}


def _numpy(idx):
    return tuple(np.asarray(i) if isinstance(i, Array) else i for i in idx) if type(idx) is tuple else np.asarray(idx)


@pytest.mark.parametrize("name", list(INDICES))
def test_reads_with_integer_arrays_match_the_general_path_and_numpy(name):
    idx = INDICES[name]
    check(lambda x: x[idx], X)
    try:
        want = V[_numpy(idx)]
    except IndexError:
        return
    np.testing.assert_array_equal(np.asarray(X[idx]), want)


@pytest.mark.parametrize("name", list(INDICES) + ["mask"])
@pytest.mark.parametrize("op", ["set", "add"])
def test_updates_with_integer_arrays_or_a_mask_match_the_general_path_and_numpy(name, op):
    idx = fnp.asarray(V[:, :, 0] > 0) if name == "mask" else INDICES[name]
    try:
        shape = V[_numpy(idx)].shape
    except IndexError:
        shape = ()
    values = fnp.asarray((_RNG.standard_normal(shape) * 3).astype(np.float32))
    for v in (values, 2.5, values[..., :1] if values.ndim else values):
        check(lambda x: getattr(x.at[idx], op)(v), X)
        if shape:
            want = V.copy()
            if op == "set":
                want[_numpy(idx)] = np.asarray(v)
            else:
                np.add.at(want, _numpy(idx), np.asarray(v, np.float32))
            np.testing.assert_array_equal(np.asarray(getattr(X.at[idx], op)(v)), want)


def test_a_boolean_array_adds_as_an_or_and_a_value_of_another_dtype_is_converted():
    b = fnp.asarray(V > 0)
    check(lambda x: x.at[R].add(fnp.asarray(np.ones((4, 5, 6), bool)[:4])), b)
    check(lambda x: x.at[R].set(fnp.asarray(np.ones((4, 5, 6), np.float64))), X)
    check(lambda x: x.at[R, C].add(2), X)


@pytest.mark.parametrize("shape, index", [((0, 3), []), ((2, 3), []), ((0, 3), [0])])
def test_adds_at_no_rows_or_into_none_match_the_general_path_and_numpy(shape, index):
    x, i = fnp.zeros(shape), fnp.asarray(np.array(index, np.int64))
    check(lambda x: x.at[i].add(1.0), x)
    if not (shape[0] == 0 and index):  # (NumPy raises for that one, as fluxion does)
        want = np.zeros(shape, np.float32)
        np.add.at(want, np.array(index, np.int64), np.float32(1.0))
        np.testing.assert_array_equal(np.asarray(x.at[i].add(1.0)), want)
