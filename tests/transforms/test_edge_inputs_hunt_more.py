"""Edge inputs (booleans, empty and size-1 axes) of the statistics, with NumPy as the oracle,
eager and under jit."""
import numpy as np
import pytest

import fluxion as fx
import fluxion.numpy as fnp
import fluxion.scipy.special as fsp

BOOLS = np.array([[True, False, True], [True, True, True]])


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # NumPy's mean of an empty slice
@pytest.mark.parametrize("transform", [lambda g: g, fx.jit], ids=["eager", "jit"])
@pytest.mark.parametrize("x, axis", [(BOOLS, 1), (BOOLS, None), (BOOLS[:, :1], 0), (np.zeros((0, 3), bool), 0)])
def test_average_returned_counts_boolean_elements_as_numpy(transform, x, axis):
    avg, count = transform(lambda v: fnp.average(v, axis=axis, returned=True))(fnp.asarray(x))
    want_avg, want_count = np.average(x.astype(np.float64), axis=axis, returned=True)
    assert avg.dtype == count.dtype == fnp.float32  # booleans average in the default float
    np.testing.assert_allclose(np.asarray(avg), want_avg, rtol=1e-6)
    np.testing.assert_array_equal(np.asarray(count), want_count)


def test_logsumexp_sends_no_nan_to_the_weights_of_terms_where_leaves_out(jax):
    x = np.array([-3.0, 1e300, -1e-300, np.nan])
    keep = np.array([True, False, True, True])
    w = np.array([0.5, 2.0, 1.5, 0.25])

    def g(sp, b):
        return sp.logsumexp(x, b=b, where=keep)
    got = fx.grad(lambda b: g(fsp, b))(fnp.asarray(w))
    want = jax.grad(lambda b: g(jax.scipy.special, b))(w)
    np.testing.assert_array_equal(np.isnan(np.asarray(got)), np.isnan(np.asarray(want)))
    assert np.asarray(got)[1] == 0.0
