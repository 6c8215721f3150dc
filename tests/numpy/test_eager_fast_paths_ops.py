"""The eager fast paths of reshape (sizes NumPy would take but fluxion does not), of var and std
over all axes, and of the log-sum-exp family on slices whose maximum is a zero of either sign, NaN
of either sign or infinite give what the general path gives, bit for bit (dtype, weak type, shape,
bytes), or its error. The general path runs on tracers (`traced`), which no fast path takes."""
import numpy as np
import pytest

import fluxion.nn as nn
import fluxion.numpy as fnp
import fluxion.scipy.special as fsp

from test_eager_fast_paths import check
from test_eager_fast_paths_nn import INPUTS

RESHAPES = {
    "-1": lambda x: x.reshape(-1), "size, 1": lambda x: x.reshape(x.size, 1), "same": lambda x: x.reshape(x.shape),
    "same copy": lambda x: fnp.reshape(x, x.shape, copy=True), "F": lambda x: x.reshape(-1, order="F"),
    "-2": lambda x: x.reshape(-2), "-1, -1": lambda x: x.reshape(-1, -1), "0, -1": lambda x: x.reshape(0, -1),
    "-1, 0": lambda x: x.reshape(-1, 0), "1, -3": lambda x: x.reshape(1, -3), "bool": lambda x: x.reshape(True, -1),
    "int64": lambda x: x.reshape((np.int64(x.size),)), "float": lambda x: x.reshape(float(x.size)),
    "too many": lambda x: x.reshape(x.size + 1), "huge": lambda x: x.reshape(2**62, 4),
}

STATISTICS = {
    "var": fnp.var, "std": fnp.std, "var kd": lambda x: fnp.var(x, keepdims=True),
    "std kd ddof": lambda x: fnp.std(x, ddof=1, keepdims=True), "var0": lambda x: fnp.var(x, 0),
    "std-1 ddof": lambda x: fnp.std(x, -1, ddof=2.5), "var ddof size": lambda x: fnp.var(x, ddof=x.size),
}


@pytest.mark.parametrize("name", list(RESHAPES))
@pytest.mark.parametrize("i", range(len(INPUTS)))
def test_reshape_matches_the_general_path_or_its_error(name, i):
    check(RESHAPES[name], INPUTS[i])


@pytest.mark.parametrize("name", list(STATISTICS))
@pytest.mark.parametrize("i", range(len(INPUTS)))
def test_statistics_over_all_axes_match_the_general_path_bit_for_bit(name, i):
    check(STATISTICS[name], INPUTS[i])


def test_reshape_to_its_own_shape_gives_the_array_itself_as_the_general_path():
    x = INPUTS[0]
    assert x.reshape(x.shape) is x and fnp.reshape(x, x.shape, copy=True) is not x


_NAN = np.float32(np.nan)
# slices whose maximum is +0.0 and -0.0 both, one zero, NaNs of both signs, infinite, or only -inf
_SLICES = np.array([[-0.0, 0.0, -1.0], [-0.0, -2.0, -0.0], [_NAN, -_NAN, 1.0], [-_NAN, 2.0, 0.0],
                    [np.inf, 1.0, np.inf], [-np.inf, -np.inf, -np.inf], [0.0, -np.inf, -0.0]], np.float32)
LOGSUMEXPS = {
    "logsumexp": fsp.logsumexp, "logsumexp-1": lambda x: fsp.logsumexp(x, -1), "logsumexp0 kd": lambda x: fsp.logsumexp(x, 0, keepdims=True),
    "fnp.logsumexp": fnp.logsumexp, "fnp.logsumexp-1 kd": lambda x: fnp.logsumexp(x, -1, True),
    "log_softmax": fsp.log_softmax, "log_softmax-1": lambda x: fsp.log_softmax(x, -1), "nn.log_softmax": nn.log_softmax,
    "softmax-1": lambda x: fsp.softmax(x, -1), "nn.logsumexp kd": lambda x: nn.logsumexp(x, keepdims=True),
}


@pytest.mark.parametrize("name", list(LOGSUMEXPS))
@pytest.mark.parametrize("dt", [np.float32, np.float64])
def test_log_sum_exp_of_slices_with_tied_zero_nan_or_infinite_maxima_matches_the_general_path(name, dt):
    v = _SLICES.astype(dt)
    for x in (v, v[:, ::-1], v[2], v[0], v[5], np.ascontiguousarray(v.T)):
        check(LOGSUMEXPS[name], fnp.asarray(x))
