"""An array (a traced value too) with a Python scalar whose type the array's decides skips the
general promotion (fluxion/numpy/_convert.py): eager reverse mode meets `x * 0.5` at every step.

Oracles: the general promotion (the fast path switched off), bit for bit, and closed forms.
"""
import math

import numpy as np
import pytest

import fluxion as fx
import fluxion.numpy as fnp
from fluxion.core import dtypes
from fluxion.numpy import _convert

SCALARS = [True, False, 0, 3, -7, 300, 2 ** 40, 2 ** 70, 0.5, -0.0, 1e30, math.nan, -math.inf, 1 + 2j]


@pytest.fixture
def general_only(monkeypatch):
    """Switch the fast path off: every call promotes by the general rules."""
    def switch():
        monkeypatch.setattr(_convert, "_with_scalar", lambda *args, **kwargs: None)
    return switch


def _promoted(promote, x, s, first: bool):
    """`promote` of the array `x` and the scalar `s` (in that order if `first`) as comparable data:
    each operand's dtype, weak type and bytes, and whether `x` came back as it was; or the error."""
    try:
        out = promote("op", x, s) if first else promote("op", s, x)
    except Exception as e:  # noqa: BLE001 (the error is compared)
        return type(e)
    return [(o.dtype, o.weak, np.asarray(o).tobytes(), o is x) for o in out]


@pytest.mark.parametrize("dtype", dtypes.ALL, ids=str)
def test_an_array_and_a_python_scalar_promote_as_the_general_rules_say(dtype, general_only):
    xs = [fx.Array(np.zeros(2, dtype), weak) for weak in (False, True)]
    cases = [(p, x, s, first) for p in (_convert.promote, _convert.promote_inexact) for x in xs
             for s in SCALARS for first in (True, False)]
    fast = [_promoted(*case) for case in cases]
    general_only()
    general = [_promoted(*case) for case in cases]
    for case, a, b in zip(cases, fast, general):
        assert a == b, case
    assert any(isinstance(a, list) for a in fast)  # (not every case an error)


FLOATS = [dtypes.float16, dtypes.bfloat16, dtypes.float32, dtypes.float64]


def _f(x):
    # Python bools, ints and floats on either side (kept by the array's type), and a complex
    # scalar, which makes the result complex (the general path)
    y = 2 * x + x * 0.5 - True * x + x / 4 + 3.0 - x * x * 1.5 + fnp.real(x * (1 + 1j))
    return fnp.sum(fnp.where(y < 1e30, y, 0.0) - (7 - x))


def _df(x):
    # the terms of y in order, then the real part and the last term of the sum
    return 2 + 0.5 - 1 + 0.25 - 3 * x + 1 + 1


@pytest.mark.parametrize("weak", [False, True])
@pytest.mark.parametrize("dtype", FLOATS, ids=str)
def test_gradients_through_scalar_operations_are_those_of_the_general_path(dtype, weak, general_only):
    v = np.asarray([0.25, -1.5, 2.0], dtype)
    x = fx.Array(v, weak)
    fast = fx.value_and_grad(_f)(x)
    general_only()
    general = fx.value_and_grad(_f)(x)
    for a, b in zip(fast, general):
        assert (a.dtype, a.weak, a.shape) == (b.dtype, b.weak, b.shape)
        assert np.asarray(a).tobytes() == np.asarray(b).tobytes()
    g = fast[1]
    assert g.dtype == dtype and g.weak == weak
    np.testing.assert_allclose(np.asarray(g, np.float64), _df(v.astype(np.float64)),
                               rtol=1e-2 if dtype.itemsize == 2 else 1e-6)


@pytest.mark.parametrize("x", [2.0, -0.5])
def test_gradient_of_a_python_number_through_scalar_operations(x, general_only):
    f = lambda x: x * 3 + 2.5 * x - x / 2 + True * x  # noqa: E731
    fast = fx.grad(f)(x)
    general_only()
    general = fx.grad(f)(x)
    assert (fast.dtype, fast.weak) == (general.dtype, general.weak) == (dtypes.float32, True)
    assert float(fast) == float(general) == 3 + 2.5 - 0.5 + 1
