"""Gathers and scatters with indices of every integer dtype, eagerly and under jit, against
NumPy: narrow indices on axes longer than their dtype reaches, negative ones counted from the
end, the clip, fill and wrap modes, and segment sums with narrow ids. int32 indices stay 32-bit
in the compiled program (64-bit index arithmetic is slower), as do vmapped segment sums."""
import numpy as np
import pytest

import fluxion as fx
import fluxion.numpy as fnp
from fluxion.ops import segment_sum

RNG = np.random.default_rng(0)
INDEX_DTYPES = [np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32]
X = RNG.standard_normal((300, 3)).astype(np.float32)


def _indices(dtype):
    info = np.iinfo(dtype)
    low = max(info.min, -300)
    return RNG.integers(low, min(info.max, 299) + 1, 40).astype(dtype)


def _both(f, *args):
    """f's results eagerly and under jit."""
    return f(*args), fx.jit(f)(*args)


@pytest.mark.parametrize("dtype", INDEX_DTYPES, ids=lambda d: np.dtype(d).name)
def test_gather_with_indices_of_each_dtype_matches_numpy(dtype):
    i = _indices(dtype)
    for out in _both(lambda x, i: x[i], fnp.asarray(X), fnp.asarray(i)):
        np.testing.assert_array_equal(np.asarray(out), X[i])


@pytest.mark.parametrize("dtype", INDEX_DTYPES, ids=lambda d: np.dtype(d).name)
def test_scatter_add_with_indices_of_each_dtype_matches_numpy(dtype):
    i, u = _indices(dtype), RNG.standard_normal((40, 3)).astype(np.float32)
    want = X.copy()
    np.add.at(want, i.astype(np.int64), u)
    for out in _both(lambda x, i, u: x.at[i].add(u), fnp.asarray(X), fnp.asarray(i), fnp.asarray(u)):
        np.testing.assert_allclose(np.asarray(out), want, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("dtype", [np.int8, np.int16, np.int32], ids=lambda d: np.dtype(d).name)
def test_clip_fill_and_wrap_modes_with_narrow_indices_match_numpy(dtype):
    """As in jax, `.at[i].get` counts negative indices from the end before it clips or fills."""
    info = np.iinfo(dtype)
    values = [info.min, -301, -300, -1, 0, 5, 299, 300, info.max]
    i = np.array([v for v in values if info.min <= v <= info.max], dtype)
    x, j = fnp.asarray(X), np.where(i < 0, i.astype(np.int64) + 300, i)
    for out in _both(lambda x, i: x.at[i].get(mode="clip"), x, fnp.asarray(i)):
        np.testing.assert_array_equal(np.asarray(out), X[np.clip(j, 0, 299)])
    inside = (j >= 0) & (j < 300)
    want = np.where(inside[:, None], X[np.where(inside, j, 0)], np.nan)
    for out in _both(lambda x, i: x.at[i].get(mode="fill", fill_value=np.nan), x, fnp.asarray(i)):
        np.testing.assert_array_equal(np.asarray(out), want)
    for out in _both(lambda x, i: fnp.take(x, i, axis=0, mode="wrap"), x, fnp.asarray(i)):
        np.testing.assert_array_equal(np.asarray(out), np.take(X, i.astype(np.int64), axis=0, mode="wrap"))


@pytest.mark.parametrize("dtype", [np.int8, np.int16, np.int32, np.uint8], ids=lambda d: np.dtype(d).name)
def test_segment_sum_with_narrow_ids_and_more_segments_than_they_reach_matches_a_loop(dtype):
    info = np.iinfo(dtype)
    ids = RNG.integers(max(info.min, -5), min(info.max, 199) + 1, 60).astype(dtype)
    data = RNG.standard_normal((60, 2)).astype(np.float32)
    want = np.zeros((200, 2), np.float32)
    for k, row in zip(ids, data):
        if k >= 0:
            want[k] += row
    for out in _both(lambda d, s: segment_sum(d, s, num_segments=200), fnp.asarray(data), fnp.asarray(ids)):
        np.testing.assert_allclose(np.asarray(out), want, rtol=1e-5, atol=1e-6)


def _compiled(f, *args) -> str:
    return fx.jit(f).lower(*args).compile().as_text()


def test_int32_indices_stay_32_bit_in_a_compiled_gather_and_vmapped_segment_sum():
    table = fnp.asarray(X)
    tokens = fnp.asarray(RNG.integers(-300, 300, (16, 8)).astype(np.int32))
    segments = fnp.asarray(np.sort(RNG.integers(0, 4, (16, 8)), axis=1).astype(np.int32))

    def f(table, tokens, segments):
        return fx.vmap(lambda t, s: segment_sum(table[t], s, num_segments=4))(tokens, segments)
    assert "s64" not in _compiled(f, table, tokens, segments)
    want = np.zeros((16, 4, 3), np.float32)
    for b in range(16):
        np.add.at(want[b], np.asarray(segments)[b], X[np.asarray(tokens)[b]])
    for out in _both(f, table, tokens, segments):
        np.testing.assert_allclose(np.asarray(out), want, rtol=1e-5, atol=1e-5)
