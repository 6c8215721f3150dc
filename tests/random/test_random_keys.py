"""Keys, split, fold_in and bits: Threefry known answers, JAX as an oracle, determinism, errors."""
import numpy as np
import pytest
from hypothesis import given, strategies as st

import fluxion as fx
import fluxion.numpy as fnp
from fluxion.backends.numpy.threefry import CHUNK, SMALL, positions, threefry2x32 as numpy_threefry2x32
from fluxion.core.array import Array
from fluxion.errors import DTypeError, ShapeError
from fluxion.ops.threefry import rounds
from fluxion.random._threefry import threefry2x32

jax = pytest.importorskip("jax")
jr = jax.random
from jax.extend.random import threefry_2x32 as jax_threefry  # noqa: E402

U32 = np.uint32
words = st.integers(0, 2 ** 32 - 1)


def _u32(x):
    return Array(np.asarray(x, U32))


# Random123's known-answer tests for threefry2x32 with 20 rounds: (counter, key) -> output
KNOWN_ANSWERS = [
    ((0x00000000, 0x00000000), (0x00000000, 0x00000000), (0x6B200159, 0x99BA4EFE)),
    ((0xFFFFFFFF, 0xFFFFFFFF), (0xFFFFFFFF, 0xFFFFFFFF), (0x1CB996FC, 0xBB002BE7)),
    ((0x243F6A88, 0x85A308D3), (0x13198A2E, 0x03707344), (0xC4923A9C, 0x483DF7A0)),
]


@pytest.mark.parametrize("counter, key, expected", KNOWN_ANSWERS)
def test_threefry2x32_matches_random123_known_answers(counter, key, expected):
    out = threefry2x32(_u32(key[0]), _u32(key[1]), _u32(counter[0]), _u32(counter[1]))
    assert tuple(o.item() for o in out) == expected
    assert all(o.dtype == np.uint32 for o in out)


@given(st.tuples(words, words), st.lists(st.tuples(words, words), min_size=1, max_size=8))
def test_threefry2x32_matches_jax_on_arrays_of_counters(key, counters):
    x0, x1 = np.array(counters, U32).T
    ours = threefry2x32(_u32(key[0]), _u32(key[1]), _u32(x0), _u32(x1))
    theirs = jax_threefry(np.array(key, U32), np.concatenate([x0, x1]))
    np.testing.assert_array_equal(np.concatenate([np.asarray(o) for o in ours]), np.asarray(theirs))


def test_threefry2x32_gives_the_same_words_under_jit_and_vmap_for_any_broadcast():
    rng = np.random.default_rng(0)
    keys = rng.integers(0, 2 ** 32, (3, 2), dtype=U32)
    x0, x1 = rng.integers(0, 2 ** 32, (2, 3, 4), dtype=U32)
    jitted = fx.jit(threefry2x32)
    for args in [(keys[0, 0], keys[0, 1], x0[0, 0], x1[0, 0]),  # 0-d
                 (keys[0, 0], keys[0, 1], x0[0], x1[0, :1]),  # counters broadcast
                 (keys[:, :1], keys[:, 1:], x0, x1)]:  # a key per row
        args = [_u32(a) for a in args]
        eager = [np.asarray(w) for w in threefry2x32(*args)]
        shape = np.broadcast_shapes(*(a.shape for a in args))
        k0, k1 = (np.broadcast_to(np.asarray(k), shape).ravel() for k in args[:2])
        c0, c1 = (np.broadcast_to(np.asarray(c), shape).ravel() for c in args[2:])
        theirs = [jax_threefry(np.array([a, b], U32), np.array([c, d], U32)) for a, b, c, d in zip(k0, k1, c0, c1)]
        for i, w in enumerate(eager):
            assert w.shape == shape
            np.testing.assert_array_equal(w.ravel(), [np.asarray(t)[i] for t in theirs])
            np.testing.assert_array_equal(np.asarray(jitted(*args)[i]), w)
    batched = fx.vmap(threefry2x32)(_u32(keys[:, 0]), _u32(keys[:, 1]), _u32(x0), _u32(x1))
    for row in range(3):
        one = threefry2x32(*(_u32(a) for a in (keys[row, 0], keys[row, 1], x0[row], x1[row])))
        for b, o in zip(batched, one):
            np.testing.assert_array_equal(np.asarray(b)[row], np.asarray(o))


@pytest.mark.parametrize("n", [1, 2, 17, SMALL - 1, SMALL, SMALL + 1])
@pytest.mark.parametrize("key_shape", [(), (1,), "n"])
def test_threefry2x32_kernel_gives_jax_words_on_either_side_of_its_switch_to_arrays(n, key_shape):
    rng = np.random.default_rng(n)
    shape = (n,) if key_shape == "n" else key_shape
    k0, k1 = rng.integers(0, 2 ** 32, (2,) + shape, dtype=U32)
    x0, x1 = rng.integers(0, 2 ** 32, (2, n), dtype=U32)
    x0[:2] = x1[:2] = 2 ** 32 - 1  # every carry and rotation spill at once
    ours = numpy_threefry2x32(k0, k1, x0, x1)
    keys = np.broadcast_to(np.stack([k0, k1], -1), (n, 2))
    theirs = np.stack([jax_threefry(k, np.array(c, U32)) for k, c in zip(keys, zip(x0, x1))])
    for i, w in enumerate(ours):
        assert w.dtype == U32 and w.shape == (n,)
        np.testing.assert_array_equal(w, theirs[:, i])


@pytest.mark.parametrize("n", [1, 16, SMALL - 1])
def test_threefry2x32_kernel_on_the_shared_counters_gives_the_words_of_fresh_ones(n):
    counters = positions(n)
    assert not counters.flags.writeable
    np.testing.assert_array_equal(counters, np.arange(n))
    k0, k1 = np.array(7, U32), np.array(2 ** 32 - 1, U32)
    for x0 in (np.array(0, U32), np.array(2 ** 32 - 1, U32)):
        for w, fresh in zip(numpy_threefry2x32(k0, k1, x0, counters), numpy_threefry2x32(k0, k1, x0, np.arange(n, dtype=U32))):
            np.testing.assert_array_equal(w, fresh)


@pytest.mark.parametrize("key_shape", [(), (1, 1), (3, 1), (3, CHUNK // 2 + 1)])
def test_threefry2x32_kernel_gives_the_words_of_whole_arrays_across_its_chunks(key_shape):
    shape = (3, CHUNK // 2 + 1)  # some chunks, the last one short, across the rows
    rng = np.random.default_rng(len(key_shape))
    k0, k1 = rng.integers(0, 2 ** 32, (2,) + key_shape, dtype=U32)
    x0, x1 = rng.integers(0, 2 ** 32, (2,) + shape, dtype=U32)
    ours = numpy_threefry2x32(k0, k1, x0, x1)
    whole = rounds(*(np.array(np.broadcast_to(w, shape)) for w in (k0, k1, x0, x1)))
    for o, w in zip(ours, whole):
        assert o.dtype == U32 and o.shape == shape
        np.testing.assert_array_equal(o, w)


@pytest.mark.parametrize("seed", [0, 1, 42, 2 ** 31 - 1, 123456789])
def test_key_matches_jax_key_data(seed):
    ours = fx.random.key(seed)
    assert ours.dtype == np.uint32 and ours.shape == (2,)
    np.testing.assert_array_equal(np.asarray(ours), np.asarray(jr.key_data(jr.key(seed))))


@pytest.mark.parametrize("seed", [-1, -2 ** 63, 2 ** 32, 2 ** 40 + 5, 2 ** 63, 2 ** 64 - 1])
def test_key_of_any_64_bit_seed_holds_its_twos_complement_words(seed):
    bits64 = seed % 2 ** 64
    assert fx.random.key(seed).tolist() == [bits64 >> 32, bits64 & 0xFFFFFFFF]
    with jax.enable_x64(True):
        if seed < 2 ** 63:
            np.testing.assert_array_equal(np.asarray(fx.random.key(seed)), np.asarray(jr.key_data(jr.key(seed))))


@pytest.mark.parametrize("dtype, value", [(dt, v) for dt in (np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint32,
                                                              np.uint64) for v in (7, -3, 2 ** 40 + 5)
                                           if np.iinfo(dt).min <= v <= np.iinfo(dt).max])
def test_key_and_fold_in_of_an_integer_array_take_its_dtype_as_jax_does(dtype, value):
    # a 64-bit seed gives two words, a narrower one (0, seed mod 2**32); fold_in's data wraps to uint32
    seed = np.array(value, dtype)
    with jax.enable_x64(True):
        assert fx.random.key(seed).tolist() == np.asarray(jr.PRNGKey(seed)).tolist()
        folded = jr.key_data(jr.fold_in(jr.PRNGKey(1), seed))
    assert fx.random.fold_in(fx.random.key(1), seed).tolist() == np.asarray(folded).tolist()
    assert fx.random.fold_in(fx.random.key(1), fnp.asarray(seed)).tolist() == np.asarray(folded).tolist()


@pytest.mark.parametrize("seed, error", [(1.5, TypeError), (True, TypeError), (np.float32(2.0), TypeError),
                                         (np.zeros(2, np.int32), ShapeError), (2 ** 64, OverflowError),
                                         (-2 ** 63 - 1, OverflowError)])
def test_key_rejects_what_is_not_one_64_bit_integer(seed, error):
    with pytest.raises(error, match="random.key"):
        fx.random.key(seed)


def test_split_matches_jax_and_has_one_key_per_row():
    keys = fx.random.split(fx.random.key(0), 5)
    assert keys.shape == (5, 2) and keys.dtype == np.uint32
    np.testing.assert_array_equal(np.asarray(keys), np.asarray(jr.key_data(jr.split(jr.key(0), 5))))
    assert len({tuple(k) for k in np.asarray(keys).tolist()}) == 5


def test_split_with_a_shape_and_with_no_keys():
    key = fx.random.key(3)
    grid = fx.random.split(key, (2, 3))
    assert grid.shape == (2, 3, 2)
    np.testing.assert_array_equal(np.asarray(grid).reshape(6, 2), np.asarray(fx.random.split(key, 6)))
    assert fx.random.split(key, 0).shape == (0, 2)


def test_split_default_gives_two_keys_that_differ_from_the_parent():
    key = fx.random.key(11)
    keys = np.asarray(fx.random.split(key))
    assert keys.shape == (2, 2)
    assert not np.array_equal(keys[0], keys[1])
    assert not any(np.array_equal(k, np.asarray(key)) for k in keys)


@pytest.mark.parametrize("data", [0, 1, 7, 2 ** 31 - 1])
def test_fold_in_matches_jax(data):
    ours = fx.random.fold_in(fx.random.key(5), data)
    np.testing.assert_array_equal(np.asarray(ours), np.asarray(jr.key_data(jr.fold_in(jr.key(5), data))))


def test_fold_in_gives_distinct_keys_for_distinct_data_and_accepts_arrays():
    key = fx.random.key(0)
    folded = {tuple(fx.random.fold_in(key, d).tolist()) for d in [-1, 0, 1, 2 ** 31, 2 ** 32 - 2]}
    assert len(folded) == 5
    assert fx.random.fold_in(key, np.int32(9)).tolist() == fx.random.fold_in(key, 9).tolist()
    assert fx.random.fold_in(key, -1).tolist() == fx.random.fold_in(key, np.int8(-1)).tolist()
    for data in (2 ** 32, -2 ** 31 - 1):  # jax refuses them too, rather than wrap them onto other data
        with pytest.raises(OverflowError, match=r"(?s)fold_in.*32 bits.*modulo 2\*\*32"):
            fx.random.fold_in(key, data)


def test_fold_in_of_i_is_the_ith_key_of_split():
    key = fx.random.key(8)
    keys = np.asarray(fx.random.split(key, 4))
    for i in range(4):
        np.testing.assert_array_equal(np.asarray(fx.random.fold_in(key, i)), keys[i])


@pytest.mark.parametrize("dtype", [np.uint8, np.uint16, np.uint32])
@pytest.mark.parametrize("shape", [(), (7,), (3, 5), (0, 4)])
def test_bits_match_jax(dtype, shape):
    ours = fx.random.bits(fx.random.key(1), shape, dtype)
    assert ours.shape == shape and ours.dtype == dtype
    np.testing.assert_array_equal(np.asarray(ours), np.asarray(jr.bits(jr.key(1), shape, dtype)))


def test_uint64_bits_match_jax():
    with jax.enable_x64(True):
        theirs = np.asarray(jr.bits(jr.key(2), (4, 3), np.uint64))
    np.testing.assert_array_equal(np.asarray(fx.random.bits(fx.random.key(2), (4, 3), np.uint64)), theirs)


def test_bits_are_deterministic_and_differ_between_keys():
    a = np.asarray(fx.random.bits(fx.random.key(9), (1000,)))
    b = np.asarray(fx.random.bits(fx.random.key(9), (1000,)))
    c = np.asarray(fx.random.bits(fx.random.key(10), (1000,)))
    np.testing.assert_array_equal(a, b)
    assert (a != c).mean() > 0.99


def test_bits_look_uniform_bit_by_bit():
    x = np.asarray(fx.random.bits(fx.random.key(0), (20000,)))
    ones = np.unpackbits(x.view(np.uint8)).reshape(-1, 32).mean(0)
    assert np.all(np.abs(ones - 0.5) < 0.02)


def test_a_prefix_of_bits_does_not_depend_on_the_length_requested():
    short = np.asarray(fx.random.bits(fx.random.key(4), (10,)))
    long = np.asarray(fx.random.bits(fx.random.key(4), (100,)))
    np.testing.assert_array_equal(short, long[:10])


def test_split_children_give_uncorrelated_streams():
    k1, k2 = (Array(k) for k in np.asarray(fx.random.split(fx.random.key(0))))
    a = np.asarray(fx.random.uniform(k1, (20000,)), np.float64)
    b = np.asarray(fx.random.uniform(k2, (20000,)), np.float64)
    assert abs(np.corrcoef(a, b)[0, 1]) < 0.03


@pytest.mark.parametrize("bad, error, words", [
    (np.zeros(2, np.int32), DTypeError, "uint32"),
    (np.zeros(3, np.uint32), ShapeError, "shape (2,)"),
    (np.zeros((4, 2), np.uint32), ShapeError, "split"),
    (0, TypeError, "fx.random.key(0)"),
])
def test_a_bad_key_is_rejected_with_a_message_that_says_what_a_key_is(bad, error, words):
    for sampler in (lambda k: fx.random.uniform(k), lambda k: fx.random.split(k), lambda k: fx.random.bits(k)):
        with pytest.raises(error) as info:
            sampler(bad)
        assert words in str(info.value)


def test_bits_reject_non_unsigned_dtypes_and_bad_shapes():
    key = fx.random.key(0)
    with pytest.raises(DTypeError, match="unsigned"):
        fx.random.bits(key, (2,), np.int32)
    with pytest.raises(ShapeError, match="negative"):
        fx.random.bits(key, (-1,))
    with pytest.raises(TypeError, match="tuple of ints"):
        fx.random.bits(key, (2.5,))
    with pytest.raises(ShapeError, match="negative"):
        fx.random.split(key, -2)
