"""The eager fast paths of the manipulation, indexing, diagonal, padding and rounding functions
(take, take_along_axis, triu/tril, diag, pad, roll, moveaxis, repeat, tile, split, flip, rot90,
vstack/hstack, meshgrid, hypot, sign, round, floor, reciprocal, astype...) give what the general
path gives, bit for bit (dtype, weak type, shape, bytes), on NaN, +-inf, -0.0, 0-d, empty,
transposed, integer, boolean and weak inputs, negative axes and indices; out-of-range arguments
give the general path's error. The general path runs on tracers (`traced`), which no fast path
takes."""
import numpy as np
import pytest

import fluxion as fx
import fluxion.numpy as fnp
from fluxion.core.array import Array

from test_eager_fast_paths import check, same

_RNG = np.random.default_rng(3)


def _values(dt, shape):
    v = (_RNG.standard_normal(shape) * 3).astype(dt)
    if v.size >= 6:
        with np.errstate(over="ignore"):  # (1e30 is inf in float16)
            v.flat[:6] = np.nan, np.inf, -np.inf, -0.0, 1e30, -1e30
    return v


def _inputs():
    """float32 and float64 arrays (4x4 and 10 elements with NaN, +-inf, -0.0 and large values, 0-d,
    empty), transposed, 3-d, int, bool, float16 and weak arrays."""
    out = [fnp.asarray(_values(dt, s)) for dt in (np.float32, np.float64) for s in ((4, 4), (10,), (), (0, 3))]
    out += [fnp.asarray(_values(np.float32, (5, 6))).T, fnp.asarray(_values(np.float64, (2, 3, 4))),
            fnp.asarray(_RNG.integers(-5, 5, (3, 4))), fnp.asarray(_RNG.integers(-5, 5, (3, 4)).astype(np.int32)),
            fnp.asarray(_RNG.standard_normal((3, 4)) > 0), fnp.asarray(_values(np.float16, (3, 4))),
            Array(np.array([[-1.5, 0.0, 2.5]], np.float32), weak=True), Array(np.array(-0.0, np.float32), weak=True)]
    return out


INPUTS = _inputs()
_I, _I32 = fnp.asarray([0, -1, 1]), fnp.asarray(np.array([2, 0], np.int32))  # (built outside the traced functions,
_OUT, _LOW, _WRAP = fnp.asarray([0, 7]), fnp.asarray([-3, 4]), fnp.asarray([-9, -2])  # whose tracers no check takes)

FUNCTIONS = {
    "take": lambda x: fnp.take(x, _I), "take axis": lambda x: fnp.take(x, _I, axis=-1),
    "take list": lambda x: fnp.take(x, [1, 0], axis=0), "take 0-d index": lambda x: fnp.take(x, fnp.asarray(2)),
    "take out of bounds": lambda x: fnp.take(x, _OUT), "take clip": lambda x: fnp.take(x, _LOW, 0, mode="clip"),
    "take wrap": lambda x: fnp.take(x, _WRAP, mode="wrap"), "take int32": lambda x: fnp.take(x, _I32),
    "take fill": lambda x: fnp.take(x, _OUT, mode="fill"), "take axis 2": lambda x: fnp.take(x, _I, axis=2),
    "take_along_axis": lambda x: fnp.take_along_axis(x, fnp.argsort(x, axis=-1), axis=-1),
    "take_along_axis 0": lambda x: fnp.take_along_axis(x, fnp.argsort(x, axis=0)[:1], axis=0),
    "take_along_axis None": lambda x: fnp.take_along_axis(x, _I, axis=None),
    "take_along_axis negative": lambda x: fnp.take_along_axis(x, -1 - fnp.argsort(x, axis=-1), axis=-1),
    "triu": fnp.triu, "tril -1": lambda x: fnp.tril(x, -1), "triu 2": lambda x: fnp.triu(x, 2),
    "tril far": lambda x: fnp.tril(x, -9), "diag": fnp.diag, "diag 1": lambda x: fnp.diag(x, 1),
    "diag -2": lambda x: fnp.diag(x, -2), "diag far": lambda x: fnp.diag(x, 30),
    "pad": lambda x: fnp.pad(x, 1), "pad pairs": lambda x: fnp.pad(x, (1, 2)),
    "pad per axis": lambda x: fnp.pad(x, ((0, 1),) * x.ndim), "pad value": lambda x: fnp.pad(x, 2, constant_values=3),
    "pad float value": lambda x: fnp.pad(x, 1, constant_values=-1.5), "pad big value": lambda x: fnp.pad(x, 1, constant_values=300),
    "pad edge": lambda x: fnp.pad(x, (1, 2), mode="edge"), "pad reflect": lambda x: fnp.pad(x, 5, mode="reflect"),
    "pad symmetric": lambda x: fnp.pad(x, (0, 3), mode="symmetric"), "pad wrap": lambda x: fnp.pad(x, 7, mode="wrap"),
    "pad negative": lambda x: fnp.pad(x, -1), "pad odd": lambda x: fnp.pad(x, 1, mode="reflect", reflect_type="odd"),
    "roll": lambda x: fnp.roll(x, 2), "roll -7": lambda x: fnp.roll(x, -7, axis=0), "roll -1": lambda x: fnp.roll(x, 1, axis=-1),
    "roll 0": lambda x: fnp.roll(x, 0), "roll axis 3": lambda x: fnp.roll(x, 1, axis=3),
    "moveaxis": lambda x: fnp.moveaxis(x, 0, -1), "moveaxis -1": lambda x: fnp.moveaxis(x, -1, 0),
    "moveaxis out": lambda x: fnp.moveaxis(x, 0, 3), "repeat": lambda x: fnp.repeat(x, 2),
    "repeat axis": lambda x: fnp.repeat(x, 3, axis=-1), "repeat 0": lambda x: fnp.repeat(x, 0, axis=0),
    "repeat negative": lambda x: fnp.repeat(x, -1), "tile": lambda x: fnp.tile(x, 2), "tile 2-d": lambda x: fnp.tile(x, (2, 1)),
    "tile 3-d": lambda x: fnp.tile(x, (1, 2, 0)), "tile ones": lambda x: fnp.tile(x, 1), "tile negative": lambda x: fnp.tile(x, -1),
    "split": lambda x: fnp.stack(fnp.split(x, 2)), "split at": lambda x: fnp.concatenate(fnp.split(x, [1, -1, 9], axis=-1)),
    "array_split": lambda x: fnp.concatenate(fnp.array_split(x, 3)), "split unequal": lambda x: fnp.split(x, 3)[0],
    "unstack": lambda x: fnp.stack(fnp.unstack(x)), "unstack -1": lambda x: fnp.unstack(x, axis=-1)[-1],
    "flip": fnp.flip, "flip 0": lambda x: fnp.flip(x, 0), "flip -1": lambda x: fnp.flip(x, axis=-1),
    "flip 5": lambda x: fnp.flip(x, 5), "flipud": fnp.flipud, "fliplr": fnp.fliplr, "rot90": fnp.rot90,
    "rot90 2": lambda x: fnp.rot90(x, 2), "rot90 -1": lambda x: fnp.rot90(x, -1, axes=(1, 0)),
    "rot90 same axes": lambda x: fnp.rot90(x, 1, axes=(0, 0)),
    "vstack": lambda x: fnp.vstack([x, x]), "hstack": lambda x: fnp.hstack([x, x, x]),
    "vstack mixed": lambda x: fnp.vstack([x, x.astype(fnp.float64)]), "atleast_2d": fnp.atleast_2d,
    "atleast_3d": fnp.atleast_3d, "meshgrid": lambda x: fnp.stack(fnp.meshgrid(x, x[..., :2])),
    "meshgrid ij": lambda x: fnp.meshgrid(x, x, indexing="ij")[1], "meshgrid sparse": lambda x: fnp.meshgrid(x, x, sparse=True)[0],
    "matrix_transpose": fnp.matrix_transpose, "permute_dims": lambda x: fnp.permute_dims(x, tuple(range(x.ndim))[::-1]),
    "permute_dims repeated": lambda x: fnp.permute_dims(x, (0,) * x.ndim),
    "hypot": lambda x: fnp.hypot(x, x[..., ::-1]), "hypot 2.5": lambda x: fnp.hypot(x, 2.5),
    "hypot 0": lambda x: fnp.hypot(0, x), "hypot self": lambda x: fnp.hypot(x, -x),
    "sign": fnp.sign, "round": fnp.round, "round 1": lambda x: fnp.round(x, 1), "floor": fnp.floor, "ceil": fnp.ceil,
    "trunc": fnp.trunc, "reciprocal": fnp.reciprocal, "positive": fnp.positive, "real": fnp.real, "isinf": fnp.isinf,
    "isfinite": fnp.isfinite, "signbit": fnp.signbit, "copy": lambda x: x.copy(),
    "argpartition": lambda x: fnp.argpartition(x, 1), "partition 0": lambda x: fnp.partition(x, -1, axis=0),
    "argpartition kth out": lambda x: fnp.argpartition(x, 9), "argpartition None": lambda x: fnp.argpartition(x, 2, None),
    "searchsorted": lambda x: fnp.searchsorted(fnp.sort(fnp.ravel(x)), x),
    "searchsorted right": lambda x: fnp.searchsorted(fnp.sort(fnp.ravel(x)), x, side="right"),
    "searchsorted unsorted": lambda x: fnp.searchsorted(fnp.ravel(x), x[..., :1]),
    "searchsorted 0.5": lambda x: fnp.searchsorted(fnp.ravel(x), 0.5), "searchsorted 2": lambda x: fnp.searchsorted(fnp.ravel(x), 2),
    "searchsorted big": lambda x: fnp.searchsorted(fnp.ravel(x), 1e300), "searchsorted side": lambda x: fnp.searchsorted(x, x, "mid"),
}


@pytest.mark.parametrize("name", list(FUNCTIONS))
@pytest.mark.parametrize("i", range(len(INPUTS)))
def test_fast_path_matches_the_general_path_bit_for_bit(name, i):
    check(FUNCTIONS[name], INPUTS[i])


@pytest.mark.parametrize("n, k, m", [(4, 0, None), (3, -1, 5), (0, 0, None), (2, 9, 3), (4, -9, 2), (3, 1, 0)])
def test_triangle_indices_match_the_general_path(n, k, m):
    for f in (fnp.tril_indices, fnp.triu_indices):
        out, general = f(n, k, m), f(np.int64(n), np.int64(k), m)  # (NumPy ints: the general path)
        for a, b in zip(out, general):
            same(a, b)


def test_hypot_of_every_pair_of_special_values_matches_the_general_path():
    special = np.array([np.nan, -np.nan, np.inf, -np.inf, -0.0, 0.0, 1e30, -1e-30, 1.5, -2.5, 3e38], np.float32)
    a, b = np.meshgrid(special, special)
    for dt in (np.float32, np.float64):
        check(fnp.hypot, fnp.asarray(a.astype(dt)), fnp.asarray(b.astype(dt)))


_EDGES = [2.0 ** 31 - 128, -2.0 ** 31, 2.0 ** 31, -2.0 ** 31 - 256, 2.0 ** 63, -2.0 ** 63, 2.0 ** 62, 1e9, -1e9, 255.9,
          -0.9, -1.0, 127.5, -128.5, 3e38, np.nan, np.inf, -np.inf, -0.0, 0.5]


@pytest.mark.parametrize("dt", [np.float32, np.float64])
@pytest.mark.parametrize("to", [fnp.int32, fnp.int64, fnp.int8, fnp.uint8, fnp.uint32, fnp.uint64, fnp.int16])
def test_astype_to_integers_near_the_range_ends_matches_the_general_path(dt, to):
    for value in _EDGES:
        for x in (fnp.asarray(np.array([value, 1.5], dt)), fnp.asarray(np.full((3, 4), value, dt)),
                  fnp.asarray(np.array(value, dt)), fnp.asarray(np.full(12, 1e9, dt))):
            check(lambda x: x.astype(to), x)


def test_results_do_not_share_memory_an_in_place_update_could_reach():
    x = fnp.arange(16.0).reshape(4, 4)
    before = np.asarray(x).copy()
    outs = [fnp.take(x, [0, 1]), fnp.triu(x), fnp.diag(x), fnp.pad(x, 1), fnp.roll(x, 1), fnp.flip(x),
            fnp.moveaxis(x, 0, 1), fnp.split(x, 2)[0], fnp.unstack(x)[0], fnp.tile(x, 1), fnp.rot90(x)]
    for y in outs:
        y.sort()
        y.fill(-1.0)
        y[0] = 5.0
    assert np.array_equal(np.asarray(x), before)


def test_functions_that_make_new_arrays_do_not_return_their_input_where_nothing_changes():
    # an in-place update rebinds the object it is applied to: one returned as the result would follow it
    x = fnp.arange(4.0)
    outs = [fnp.concatenate([x]), fnp.hstack([x]), fnp.block([x]), fnp.roll(x, 0), fnp.roll(x, 4), fnp.sum(x, axis=()),
            x.max(axis=()), fnp.pad(x, 0, mode="mean"), fnp.pad(x, 0, mode="linear_ramp"), x.at[2:2].set(1.0),
            x.at[2:2].multiply(2.0), fx.lax.reduce_sum(x, ())]
    x += 10.0
    x[0] = -1.0
    for y in outs:
        assert y.tolist() == [0.0, 1.0, 2.0, 3.0]
