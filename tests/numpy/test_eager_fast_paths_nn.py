"""The eager fast paths of fluxion.nn's activations, scipy.special's expit, softmax, log_softmax
and logsumexp, fnp.logsumexp and the 2-norms of fnp.linalg give what the general path gives, bit
for bit (dtype, weak type, shape, bytes), on NaN, +-inf, -0.0, large-magnitude, empty, 0-d, weak
and integer inputs. The general path runs on tracers (`traced`), which no fast path takes."""
import numpy as np
import pytest

import fluxion.nn as nn
import fluxion.numpy as fnp
import fluxion.scipy.special as fsp
from fluxion.core.array import Array

from test_eager_fast_paths import check

_RNG = np.random.default_rng(1)


def _values(dt, shape):
    v = (_RNG.standard_normal(shape) * 3).astype(dt)
    if v.size >= 6:
        v.flat[:6] = np.nan, np.inf, -np.inf, -0.0, 1e30, -1e30
    return v


def _inputs():
    """float32 and float64 arrays (4x4 and 10 elements with NaN, +-inf, -0.0 and large values,
    finite 3x5, 0-d, empty), rows of only -inf, transposed, int and weak arrays."""
    out = [fnp.asarray(_values(dt, s)) for dt in (np.float32, np.float64) for s in ((4, 4), (10,), (), (0, 3), (3, 0))]
    out += [fnp.asarray((_RNG.standard_normal((3, 5)) * 30).astype(dt)) for dt in (np.float32, np.float64)]
    out += [fnp.full((2, 3), -np.inf), fnp.asarray(_values(np.float32, (5, 6))).T, fnp.asarray(_RNG.integers(-5, 5, (3, 4))),
            Array(np.array([[-1.5, 0.0, 2.5]], np.float32), weak=True), Array(np.array(-0.0, np.float32), weak=True)]
    return out


INPUTS = _inputs()

FUNCTIONS = {
    "relu": nn.relu, "sigmoid": nn.sigmoid, "expit": fsp.expit, "silu": nn.silu, "gelu": nn.gelu,
    "nn.softmax": nn.softmax, "nn.softmax0": lambda x: nn.softmax(x, axis=0), "nn.log_softmax": nn.log_softmax,
    "nn.log_softmax None": lambda x: nn.log_softmax(x, axis=None), "softmax": fsp.softmax,
    "softmax-1": lambda x: fsp.softmax(x, axis=-1), "log_softmax": fsp.log_softmax,
    "log_softmax0": lambda x: fsp.log_softmax(x, axis=0), "logsumexp": fsp.logsumexp,
    "logsumexp-1": lambda x: fsp.logsumexp(x, axis=-1), "logsumexp0kd": lambda x: fsp.logsumexp(x, 0, keepdims=True),
    "nn.logsumexp kd": lambda x: nn.logsumexp(x, keepdims=True), "fnp.logsumexp": fnp.logsumexp,
    "fnp.logsumexp-1": lambda x: fnp.logsumexp(x, axis=-1), "fnp.logsumexp0kd": lambda x: fnp.logsumexp(x, 0, True),
    "norm": fnp.linalg.norm, "norm-1": lambda x: fnp.linalg.norm(x, axis=-1),
    "norm0kd": lambda x: fnp.linalg.norm(x, axis=0, keepdims=True), "norm kd": lambda x: fnp.linalg.norm(x, keepdims=True),
    "vector_norm": fnp.linalg.vector_norm, "vector_norm-1": lambda x: fnp.linalg.vector_norm(x, axis=-1, ord=2.0),
    "vector_norm0kd": lambda x: fnp.linalg.vector_norm(x, axis=0, keepdims=True),
}


@pytest.mark.parametrize("name", list(FUNCTIONS))
@pytest.mark.parametrize("i", range(len(INPUTS)))
def test_fast_path_matches_the_general_path_bit_for_bit(name, i):
    check(FUNCTIONS[name], INPUTS[i])


@pytest.mark.parametrize("axis", [2, -3, (0, 1), 1.0])
def test_axes_the_fast_paths_do_not_take_give_the_general_paths_result_or_error(axis):
    x = INPUTS[0]
    for f in (fsp.softmax, fsp.log_softmax, fsp.logsumexp, fnp.logsumexp, fnp.linalg.norm):
        check(lambda x: f(x, axis=axis), x)


@pytest.mark.parametrize("x", [fnp.asarray([0, 2, 5, -1], dtype=fnp.int32), fnp.asarray([[1, 0], [3, 2]]),
                               fnp.asarray(np.uint8(2)), fnp.zeros((0, 2), dtype=int)], ids=repr)
@pytest.mark.parametrize("kw", [{}, {"axis": 0}, {"dtype": fnp.int8}, {"dtype": fnp.bfloat16, "axis": -1},
                                {"dtype": "nope"}])
def test_one_hot_matches_the_general_path_bit_for_bit(x, kw):
    check(lambda x: nn.one_hot(x, 4, **kw), x)


@pytest.mark.parametrize("shape, axis", [((512, 600), -1), ((4, 200, 400), (1, 2)), ((4, 200, 400), -1),
                                         ((600, 512), 0)])
@pytest.mark.parametrize("f", [fsp.softmax, fsp.log_softmax, nn.softmax, nn.log_softmax])
def test_softmax_of_large_arrays_by_parts_matches_the_general_path_bit_for_bit(shape, axis, f):
    # (large enough to run by parts of the rows on every core, where the axes are the last ones)
    check(lambda x: f(x, axis=axis), fnp.asarray(_values(np.float32, shape)))
