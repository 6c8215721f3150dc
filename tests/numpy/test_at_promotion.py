"""`x.at[idx]` updates other than `set` combine in the dtype that `x` and the values promote to,
and convert the result back to `x`'s dtype (jax's rule), eagerly and under jit; the oracle is
NumPy's `ufunc.at` on `x` converted to that dtype."""
import numpy as np
import pytest

import fluxion as fx
import fluxion.numpy as fnp

_UFUNCS = {"add": np.add, "subtract": np.subtract, "multiply": np.multiply, "min": np.minimum, "max": np.maximum}
_CASES = [  # x, index, values, the dtype they promote to
    (np.array([2, 3, -2], np.int8), slice(None), 2.5, np.float32),
    (np.array([-2, 3, 4], np.int8), np.array([0, 0, 2]), np.float32([0.6, 0.6, 0.7]), np.float32),
    (np.array([0, 7, 9], np.uint8), 0, np.int32(-5), np.int32),
    (np.array([0, 7, 9], np.int8), np.array([1, 0]), np.int32(1000), np.int32),
    (np.array([5, 2, 1], np.int32), np.array([2, 2]), np.float64(-2.5), np.float64),
    (np.array([5, 2, 1], np.float32), np.array([1, 1]), np.float64(3.25), np.float64),
    (np.array([1, 2, 3], np.uint8), 0, 3, np.uint8),  # (a Python int keeps x's dtype: it wraps)
]


@pytest.mark.parametrize("op", list(_UFUNCS))
@pytest.mark.parametrize("case", range(len(_CASES)))
def test_updates_combine_in_the_promoted_dtype_then_convert_back(op, case):
    x, idx, values, wide = _CASES[case]
    want = x.astype(wide)
    with np.errstate(over="ignore"):
        _UFUNCS[op].at(want, idx, np.asarray(values, wide))
    want = want.astype(x.dtype)  # (floats to integers truncate, integers wrap: as fluxion converts)
    f = lambda a: getattr(a.at[idx], op)(values)  # noqa: E731
    for got in (f(fnp.asarray(x)), fx.jit(f)(fnp.asarray(x))):
        assert got.dtype == x.dtype
        np.testing.assert_array_equal(np.asarray(got), want)
