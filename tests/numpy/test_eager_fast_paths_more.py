"""The eager fast paths of logaddexp (and softplus and log_sigmoid on it), gelu, elu, leaky_relu,
scipy.special's one-operand functions, var and std with unusual ddof, and einsum give what the general path gives, bit for bit
(dtype, weak type, shape, bytes), on NaN, +-inf, -0.0, large-magnitude, empty, 0-d, weak and
integer inputs. The general path runs on tracers (`traced`), which no fast path takes."""
import numpy as np
import pytest

import fluxion.nn as nn
import fluxion.numpy as fnp
import fluxion.scipy.special as fsp

from test_eager_fast_paths import check
from test_eager_fast_paths_nn import INPUTS

FUNCTIONS = {
    "logaddexp": lambda x: fnp.logaddexp(x, x[..., ::-1]), "logaddexp self": lambda x: fnp.logaddexp(x, x),
    "logaddexp 0": lambda x: fnp.logaddexp(x, 0.0), "logaddexp -inf": lambda x: fnp.logaddexp(x, -np.inf),
    "logaddexp inf": lambda x: fnp.logaddexp(x, np.inf), "logaddexp row": lambda x: fnp.logaddexp(x, x[:1]),
    "logaddexp 2": lambda x: fnp.logaddexp(x, 2), "logaddexp 0-d": lambda x: fnp.logaddexp(x, fnp.asarray(np.float32(3))),
    "softplus": nn.softplus, "log_sigmoid": nn.log_sigmoid, "gelu": nn.gelu,
    "gelu exact": lambda x: nn.gelu(x, approximate=False), "elu": nn.elu, "elu 2": lambda x: nn.elu(x, 2.0),
    "elu int alpha": lambda x: nn.elu(x, 2), "selu": nn.selu, "leaky_relu": nn.leaky_relu,
    "leaky_relu 0.3": lambda x: nn.leaky_relu(x, 0.3), "erf": fsp.erf, "erfc": fsp.erfc, "erfinv": fsp.erfinv,
    "gammaln": fsp.gammaln, "digamma": fsp.digamma, "i0e": fsp.i0e, "var ddof nan": lambda x: fnp.var(x, ddof=float("nan")),
    "std ddof inf": lambda x: fnp.std(x, axis=-1, ddof=float("inf")), "std ddof 0.5": lambda x: fnp.std(x, ddof=0.5),
    "var ddof -3": lambda x: fnp.var(x, axis=0, ddof=-3),
}


@pytest.mark.parametrize("name", list(FUNCTIONS))
@pytest.mark.parametrize("i", range(len(INPUTS)))
def test_fast_path_matches_the_general_path_bit_for_bit(name, i):
    check(FUNCTIONS[name], INPUTS[i])


def test_logaddexp_of_every_pair_of_special_values_matches_the_general_path():
    special = np.array([np.nan, np.inf, -np.inf, -0.0, 0.0, 1e30, -1e30, 1.5, -2.5, 88.0, -104.0], np.float32)
    a, b = np.meshgrid(special, special)
    for dt in (np.float32, np.float64):
        check(fnp.logaddexp, fnp.asarray(a.astype(dt)), fnp.asarray(b.astype(dt)))


def test_logaddexp_with_operands_it_does_not_take_matches_the_general_path():
    x = INPUTS[0]
    for other in (fnp.ones(4, fnp.float64), fnp.ones((3, 4)), 1j, True, fnp.ones(4, fnp.int32)):
        check(fnp.logaddexp, x, other)


_R = np.random.default_rng(2)
_A, _B, _C = (fnp.asarray(_R.standard_normal(s).astype(np.float32)) for s in ((2, 3, 4), (4, 5), (2, 4, 5)))
EINSUMS = [("ij,jk->ik", _A[0], _B), ("ij->j", _A[0]), ("bij,bjk->bik", _A, _C), ("ii", _B[:4, :4]), ("ij", _A[0]),
           ("ji", _A[0]), ("i,i", _B[0], _B[1]), ("i,j->ij", _B[0], _B[1]), ("...j,jk", _A, _B),
           ("bij,jk,bkl->bil", _A, _B, _C.transpose(0, 2, 1)), ("iij->j", fnp.ones((3, 3, 2))), ("ij,ij->", _B, _B),
           ("ij,jk", _A[0].astype(fnp.int32), _B), ("ij,kj->ik", _B > 0, _B < 0), ("i->", fnp.ones(0))]


@pytest.mark.parametrize("case", range(len(EINSUMS)))
def test_einsum_matches_the_general_path_and_numpy(case):
    subscripts, *xs = EINSUMS[case]
    check(lambda *xs: fnp.einsum(subscripts, *xs), *xs)
    np.testing.assert_allclose(fnp.einsum(subscripts, *xs), np.einsum(subscripts, *map(np.asarray, xs)), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("subscripts", ["ij,jk->ik", "ijk,jk", "ij->x", "ij->ii", "i.j", "ii->i"])
def test_einsum_errors_are_the_general_paths(subscripts):
    check(lambda x, y: fnp.einsum(subscripts, x, y) if "," in subscripts else fnp.einsum(subscripts, x),
          _A[0], _A[0])
