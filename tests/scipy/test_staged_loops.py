"""Special functions whose loops run staged when called eagerly (control.loops.staged_when_eager)
give the values of the same loops run by Python step by step, bit for bit."""
import numpy as np
import pytest

import fluxion as fx
import fluxion.numpy as fnp
import fluxion.scipy.special as fsp
from fluxion.core.array import Array

_X = np.array([0.3, -0.4, 0.7, 0.95, -3.0, 0.0, np.nan, 1.0, -1.0, 2.5])
_P = np.array([0.01, 0.2, 0.5, 0.9, 0.999, 0.0, 1.0, np.nan, 0.3, 0.7])
CASES = {
    "hyp2f1": (fsp.hyp2f1, (0.5, 1.5, 2.5, _X)),
    "hyp2f1 polynomial": (fsp.hyp2f1, (-3.0, 1.5, 2.5, _X)),
    "hyp2f1 log case": (fsp.hyp2f1, (1.0, 1.0, 2.0, _X)),
    "hyp1f1": (fsp.hyp1f1, (0.5, 1.5, _X * 10)),
    "hyp1f1 large": (fsp.hyp1f1, (-20.5, 3.0, _X * 40)),
    "betaincinv": (fsp.betaincinv, (2.5, 0.5, _P)),
    "poch": (fsp.poch, (_X * 3, 2.5)),
    "poch at poles": (fsp.poch, (-np.arange(10.0), _X * 4)),
}


@pytest.mark.parametrize("name", CASES)
def test_staged_loops_give_the_values_of_the_python_loops(name):
    f, args = CASES[name]
    args = [fnp.asarray(a) for a in args]
    staged = f(*args)
    assert staged.__class__ is Array
    np.testing.assert_array_equal(np.asarray(staged), np.asarray(f.__wrapped__(*args)))


@pytest.mark.parametrize("name", ["hyp2f1", "betaincinv"])
@pytest.mark.parametrize("shape", [(), (0,), (2, 3)])
def test_zero_dimensional_and_empty_inputs_too(name, shape):
    f, args = CASES[name]
    args = [fnp.asarray(np.resize(np.asarray(a, np.float32), shape)) for a in args]
    out = f(*args)
    assert out.shape == shape and out.dtype == np.float32
    np.testing.assert_array_equal(np.asarray(out), np.asarray(f.__wrapped__(*args)))


def test_the_eager_interpreter_is_current_again_after_an_error():
    with pytest.raises(TypeError):
        fsp.hyp2f1(fnp.asarray([1, 2]), 1.0, "c", 0.5)
    assert float(fnp.sum(fnp.asarray([1.0, 2.0]))) == 3.0
    from fluxion.core.interpreters import EAGER, _ctx
    assert _ctx.interp is EAGER


def test_derivatives_and_checks_see_the_loops_as_before():
    x = fnp.asarray(np.array([0.1, 0.4]))
    g = fx.grad(lambda x: fnp.sum(fsp.hyp2f1(0.5, 1.5, 2.5, x)))
    with fx.debug_nans():
        np.testing.assert_array_equal(np.asarray(g(x)), np.asarray(g(x)))
        assert np.isfinite(np.asarray(fsp.hyp2f1(0.5, 1.5, 2.5, x))).all()


def test_nan_checks_see_the_function_as_one_operation():
    x = fnp.asarray(np.array([0.1, 0.4, -3.0]))
    want = np.asarray(fsp.hyp2f1(0.5, 1.5, 2.5, x))
    with fx.debug_nans():
        np.testing.assert_array_equal(np.asarray(fsp.hyp2f1(0.5, 1.5, 2.5, x)), want)  # (NaNs inside, dropped)
        with pytest.raises(FloatingPointError, match="hyp2f1: made NaN"):
            fsp.hyp2f1(0.5, 1.5, 2.5, fnp.asarray([0.5, 1.5]))  # complex above 1: NaN
