"""fx.jit of creation, manipulation and indexing functions equals eager execution, exactly.

Each test compiles one program per dtype (the jitted functions live at module level, so
hypothesis examples of one signature reuse the compiled program) and compares it with the
same function run eagerly, as `_differential.assert_matches` says with no tolerance: these
functions move, repeat or pick elements, so values (signed zeros included) come back
unchanged. A NaN matches any NaN: the bits of a NaN that arithmetic makes depend on the device.
"""
import numpy as np
import pytest
from hypothesis import given, strategies as st

import fluxion as fx
import fluxion.numpy as fnp
from fluxion.backends import xla
from fluxion.core import dtypes
from fluxion.core.program import Equation, Program, Var
from fluxion.core.types import ArrayType
from fluxion.ops import indexing as I
from fluxion.ops import shape as S

from _differential import assert_matches

ALL = ["bool", "int8", "uint8", "int32", "int64", "uint64", "float16", "bfloat16", "float32", "float64",
       "complex64", "complex128"]
FEW = ["bool", "int32", "bfloat16", "float64", "complex64"]
SPECIAL = [0.0, -0.0, np.nan, -np.nan, np.inf, -np.inf, 0.5, 1e4]


def _elements(dt: np.dtype, signed_zeros: bool = True, complex_special: bool = True):
    if dt == dtypes.bool_:
        return st.booleans()
    if dt in dtypes.INTEGER:
        info = np.iinfo(dt)
        return st.integers(int(info.min), int(info.max))
    special = [v for v in SPECIAL if signed_zeros or str(v) != "-0.0"]
    real = st.integers(-9, 9).map(float)
    if dt not in dtypes.COMPLEX:
        return st.sampled_from(special) | real
    real = st.sampled_from(special) | real if complex_special else real | st.just(0.5)
    return st.builds(complex, real, real)


def arrays(draw, shape: tuple, dtype, signed_zeros: bool = True, complex_special: bool = True) -> fx.Array:
    """A drawn array of `shape` and `dtype`: NaN of both signs, infinities, integer extremes; -0.0
    unless not `signed_zeros` (max and min order -0.0 below 0.0 in XLA, not in NumPy); for
    complex dtypes, unless not `complex_special`, whose parts are then small integers and halves."""
    dt = dtypes.canonicalize(dtype)
    size = int(np.prod(shape))
    values = draw(st.lists(_elements(dt, signed_zeros, complex_special), min_size=size, max_size=size))
    return fnp.asarray(np.array(values, dt).reshape(shape))


def _one_complex_nan(tree):
    """`tree` with every complex NaN (a NaN in either part) written nan+nanj: NumPy's maximum
    and minimum keep the NaN they meet first, and which one that is depends on the order."""
    def canonical(x):
        if x.dtype not in dtypes.COMPLEX:
            return x
        v = np.asarray(x)
        return fx.Array(np.where(np.isnan(v), np.asarray(complex(np.nan, np.nan), v.dtype), v), x.weak)
    return fx.tree.map(canonical, tree)


def check(jitted, *args, ulps: float = 0) -> None:
    """`jitted(*args)` equals the eager call exactly (or within `ulps`, for functions that compute)."""
    eager, compiled = (_one_complex_nan(out) for out in (jitted.fun(*args), jitted(*args)))
    assert_matches(eager, compiled, ulps=ulps, zero_signs=not ulps, what=jitted.__name__)


# manipulation ---------------------------------------------------------------------------------
@fx.jit
def manipulate(x):
    """Manipulation functions of a (2, 3, 4) array."""
    return dict(
        reshape=fnp.reshape(x, (4, -1)), ravel=fnp.ravel(x), transpose=fnp.transpose(x),
        permute=fnp.permute_dims(x, (1, 0, 2)), mT=fnp.matrix_transpose(x), moveaxis=fnp.moveaxis(x, 0, -1),
        swapaxes=fnp.swapaxes(x, 0, 2), flip=fnp.flip(x, (0, 2)), flip_all=fnp.flip(x),
        roll=fnp.roll(x, 2, axis=-1), roll_flat=fnp.roll(x, -5), rot90=fnp.rot90(x), rot180=fnp.rot90(x, 2, (1, 2)),
        pad=fnp.pad(x, ((1, 0), (0, 2), (1, 1))), pad_edge=fnp.pad(x, 1, mode="edge"),
        pad_reflect=fnp.pad(x, ((0, 0), (2, 1), (0, 0)), mode="reflect"),
        tile=fnp.tile(x, (1, 2, 1)), repeat=fnp.repeat(x, 2, axis=1), repeat_flat=fnp.repeat(x, 2),
        concat=fnp.concatenate([x, x[:, :1]], 1), concat_flat=fnp.concat([x, x], axis=None),
        stack=fnp.stack([x, x], axis=1), hstack=fnp.hstack([x, x]), vstack=fnp.vstack([x, x]),
        dstack=fnp.dstack([x, x]), column_stack=fnp.column_stack([x[0], x[1]]),
        split=fnp.split(x, 2, axis=2), array_split=fnp.array_split(x, 3, axis=2), unstack=fnp.unstack(x, axis=1),
        expand=fnp.expand_dims(x, (0, 2)), squeeze=fnp.squeeze(x[:1, :, 1:2]),
        broadcast=fnp.broadcast_to(x[:, :1], (2, 2, 3, 4)), broadcast_arrays=fnp.broadcast_arrays(x[:1], x[:, :, :1]),
        atleast=fnp.atleast_3d(x[0, 0]), flatten=x.flatten(), copy=fnp.copy(x), array=fnp.array(x),
        tril=fnp.tril(x, -1), triu=fnp.triu(x, 1),
    )


@pytest.mark.parametrize("dtype", ALL)
@given(data=st.data())
def test_manipulation_under_jit_matches_eager(dtype, data):
    check(manipulate, arrays(data.draw, (2, 3, 4), dtype))


@fx.jit
def manipulate_empty(x):
    """Manipulation functions of a (0, 3) array."""
    return [fnp.reshape(x, (3, 0)), fnp.transpose(x), fnp.pad(x, ((1, 1), (0, 1))), fnp.concatenate([x, x]),
            fnp.flip(x), fnp.roll(x, 1, axis=1), fnp.tile(x, (2, 2)), fnp.repeat(x, 3, axis=1), fnp.stack([x, x]),
            fnp.expand_dims(x, -1), x[::-1, ::2], fnp.broadcast_to(x, (2, 0, 3)), fnp.tril(x)]


@fx.jit
def manipulate_scalar(x):
    """Manipulation functions of a 0-d array."""
    return [fnp.reshape(x, (1, 1)), fnp.expand_dims(x, 0), fnp.broadcast_to(x, (2, 3)), fnp.atleast_2d(x),
            fnp.stack([x, x]), x[None], x[...], fnp.ravel(x), fnp.tile(x, 3), fnp.repeat(x, 2), fnp.full_like(x, 1)]


@pytest.mark.parametrize("dtype", FEW)
@given(data=st.data())
def test_manipulation_of_empty_and_0d_arrays_under_jit_matches_eager(dtype, data):
    check(manipulate_empty, arrays(data.draw, (0, 3), dtype))
    check(manipulate_scalar, arrays(data.draw, (), dtype))


# creation ---------------------------------------------------------------------------------------
@fx.jit
def create(x, a, b):
    """Creation functions whose results depend on traced arguments."""
    return dict(zeros=fnp.zeros_like(x), ones=fnp.ones_like(x, dtype=fnp.int8), full=fnp.full_like(x, a),
                full_shape=fnp.full_like(x, 2, shape=(3,)), linspace=fnp.linspace(a, b, 5),
                linspace_open=fnp.linspace(a, b, 4, endpoint=False), logspace=fnp.logspace(a, b, 3),
                grid_xy=fnp.meshgrid(x[0], x[:, 0]), grid_ij=fnp.meshgrid(x[0], x[:, 0], indexing="ij"),
                grid_sparse=fnp.meshgrid(x[0], x[:, 0], sparse=True), asarray=fnp.asarray(x, dtype=fnp.float64),
                eye=fnp.eye(3, 4, k=1) * a, arange=fnp.arange(4) * b)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@given(data=st.data())
def test_creation_from_traced_values_under_jit_matches_eager(dtype, data):
    x = arrays(data.draw, (3, 4), dtype)
    a, b = (arrays(data.draw, (), dtype) for _ in range(2))
    check(create, x, a, b, ulps=16)  # linspace and logspace compute


def _one_equation(prim, out: ArrayType, *args, **params):
    """A program of the single equation `prim(*args, **params)`, with `args` as its inputs."""
    inputs = [Var(fnp.asarray(a).aval) for a in args]
    result = Var(out)
    return Program([], [], inputs, [Equation(prim, inputs, [result], params)], [result])


@pytest.mark.parametrize("dtype", [d for d in ALL if d != "bool"])
def test_iota_lowering_matches_eager_including_wraparound(dtype):
    # iota has no operands, so under jit it is folded into a constant: compile it directly
    dt = dtypes.canonicalize(dtype)
    for shape, dim in (((2, 300), 1), ((3, 0), 0), ((4,), 0)):
        eager = S.iota(dt, shape, dim)
        (out,) = xla.compile(_one_equation(S.iota_p, eager.aval, dtype=dt, shape=shape, dimension=dim))()
        assert_matches(eager, out, ulps=0, what=f"iota {shape} along {dim}")


# reading with indices ----------------------------------------------------------------------------
def _index_arrays(draw, n: int, shape: tuple, low: int | None = None, high: int | None = None) -> fx.Array:
    """int64 indices of `shape` in [low, high], by default the valid ones of an axis of n, negative ones too."""
    lo, hi = -n if low is None else low, n - 1 if high is None else high
    return fnp.asarray(np.array(draw(st.lists(st.integers(lo, hi), min_size=int(np.prod(shape)),
                                              max_size=int(np.prod(shape)))), np.int64).reshape(shape))


@fx.jit
def read(x, i, j, k, cond):
    """Indexing of a (3, 4, 5) array: i (2,) in [-3, 3), j (2, 2) in [-4, 4), k (3,) anywhere."""
    return dict(
        basic=(x[1], x[-1, ::-2], x[::-1, 1:3, None], x[..., 1:], x[None, :, -1], x[2:0:-1, ..., ::3]),
        advanced=(x[i], x[:, j], x[i, :, -1], x[1, j], x[..., i], x[i, ::2, j[0]], x[None, i], x[i[:, None], j]),
        concrete=(x[fnp.asarray([2, 0, 2])], x[:, [[0], [3]], [1, 4]], x[[True, False, True]]),
        clip=(x.at[k].get(mode="clip"), x.at[:, k].get(mode="clip"), fnp.take(x, k, axis=2, mode="clip")),
        fill=(x.at[k].get(mode="fill"), x.at[:, :, k].get(mode="fill", fill_value=1),
              fnp.take(x, k, axis=1, mode="fill")),
        wrap=fnp.take(x, k, mode="wrap"),
        take=(fnp.take(x, j), fnp.take(x, i, axis=0), fnp.take_along_axis(x, (j % 4)[None, :, :1], axis=1)),
        where=(fnp.where(cond, x, x[::-1]), fnp.where(cond, x, fnp.zeros((), x.dtype))),
        select=fnp.select([cond, ~cond], [x, x[:, ::-1]], fnp.zeros((), x.dtype)),
        choose=fnp.choose(fnp.abs(i)[:, None, None] % 2, [x[:2], x[1:]]),
    )


@pytest.mark.parametrize("dtype", ALL)
@given(data=st.data())
def test_indexing_under_jit_matches_eager(dtype, data):
    x = arrays(data.draw, (3, 4, 5), dtype)
    cond = fnp.asarray(np.array(data.draw(st.lists(st.booleans(), min_size=60, max_size=60))).reshape(3, 4, 5))
    check(read, x, _index_arrays(data.draw, 3, (2,)), _index_arrays(data.draw, 4, (2, 2)),
          _index_arrays(data.draw, 0, (3,), -20, 20), cond)


# functional updates ----------------------------------------------------------------------------
@fx.jit
def update(x, v, i, dup, oob):
    """Updates of a (4, 5) array: i (3,) distinct rows, dup (4,) rows with repeats, oob (3,) anywhere; v (5,).

    A position that several updates combine into receives the same value from each, so the
    result does not depend on the order in which they apply.
    """
    at = x.at
    return dict(
        window=(at[1, 2:].set(v[:3]), at[1:3].add(v), at[..., -1].max(v[0]), at[:, 1:4].mul(v[1:4])),
        strided=(at[::2, ::-2].set(v[:3]), at[1:, ::3].min(v[:2])),
        set=(at[i].set(v), at[i, i].set(v[:3]), at[:, i].set(v[0])),
        combine=(at[dup].add(v), at[dup, 1].mul(v[0]), at[dup].min(v), at[dup].max(v), at[:, dup].add(v[:4, None])),
        drop=(at[oob].set(v, mode="drop"), at[oob, 0].add(v[0], mode="drop"), at[:, oob].max(v[0], mode="drop")),
        clip=(at[oob].add(v, mode="clip"), at[oob, oob].min(v[1], mode="clip")),
        put=fnp.put_along_axis(x, (i % 4)[None, :], v[:3][None, :], axis=1),  # distinct columns
    )


@pytest.mark.parametrize("dtype", ALL)
@given(data=st.data())
def test_updates_under_jit_match_eager(dtype, data):
    # set writes distinct positions (the winner among repeated ones is unspecified). Complex
    # values are small: a complex product takes several roundings, which XLA may fuse
    # differently from NumPy; and windows combine with the elementwise max and min, whose
    # lowering lets a complex NaN lose (lax's lexicographic order) where NumPy propagates it
    x, v = (arrays(data.draw, shape, dtype, signed_zeros=False, complex_special=False) for shape in ((4, 5), (5,)))
    rows = data.draw(st.permutations(range(4)))[:3]
    i = fnp.asarray(np.array([r - 4 * data.draw(st.booleans()) for r in rows], np.int64))
    check(update, x, v, i, _index_arrays(data.draw, 4, (4,)), _index_arrays(data.draw, 0, (3,), -9, 9))


# the primitives' own parameters ----------------------------------------------------------------
@fx.jit
def windows(x, starts, small):
    """dynamic_slice / dynamic_update_slice of a (300, 2) array at clamped starts of any integer dtype."""
    return [(I.dynamic_slice(x, (s, s), (10, 1)), I.dynamic_update_slice(x, small, (s, s))) for s in starts]


@given(data=st.data())
def test_dynamic_slices_clamp_starts_of_every_integer_dtype_under_jit(data):
    # 300 - 10 overflows int8 and uint8: the clamp must not happen in the index dtype
    x = arrays(data.draw, (300, 2), "float32")
    starts = [fnp.asarray(data.draw(_elements(dtypes.canonicalize(d))), dtype=d)
              for d in ("int8", "uint8", "int16", "int32", "int64", "uint32", "uint64")]
    check(windows, x, starts, arrays(data.draw, (10, 1), "float32"))


@pytest.mark.parametrize("dtype", ["int32", "int64"])
def test_dynamic_slices_of_wide_starts_lower_to_no_index_arithmetic(dtype):
    # XLA clamps the starts itself: a loop's tape reads and writes stay one operation each
    f = fx.jit(lambda x, i: I.dynamic_update_slice(x, I.dynamic_slice(x, (i, i), (2, 2)) * 2, (i, i)))
    x, i = fnp.ones((5, 5)), fnp.asarray(-3, dtype=dtype)
    text = f.lower(x, i).as_text()
    assert not any(op in text for op in ("stablehlo.clamp", "stablehlo.select", "stablehlo.compare"))
    np.testing.assert_array_equal(f(x, i), f(x, fnp.asarray(0, dtype=dtype)))
    np.testing.assert_array_equal(f(x, i), np.asarray(I.dynamic_update_slice(x, I.dynamic_slice(x, (i, i), (2, 2)) * 2, (i, i))))


GATHER_BATCHED = I.GatherDimensionNumbers(offset_dims=(2,), collapsed_slice_dims=(1,), start_index_map=(1, 2),
                                          operand_batching_dims=(0,), start_indices_batching_dims=(0,))
SCATTER_BATCHED = I.ScatterDimensionNumbers(update_window_dims=(2,), inserted_window_dims=(1,),
                                            scatter_dims_to_operand_dims=(1, 2), operand_batching_dims=(0,),
                                            scatter_indices_batching_dims=(0,))
GATHER_WINDOWS = I.GatherDimensionNumbers(offset_dims=(0, 2), collapsed_slice_dims=(), start_index_map=(1, 0))
SCATTER_WINDOWS = I.ScatterDimensionNumbers(update_window_dims=(0, 2), inserted_window_dims=(),
                                            scatter_dims_to_operand_dims=(1, 0))


@fx.jit
def gather_scatter(x, batched, windowed, upd_batched, upd_windows):
    """Gather and every scatter, with batching axes and with 2-d windows, in each mode.

    x (2, 6, 5); batched (2, 3, 2) index vectors into axes 1 (window 1) and 2 (window 2) of
    x; windowed (3, 2) index vectors into axes 1 and 0 of x[0] (2x2 windows); updates (2, 3, 2).
    """
    out = {}
    for mode in ("clip", "fill", "promise_in_bounds"):
        out[mode] = [I.gather(x, batched, GATHER_BATCHED, (1, 1, 2), mode=mode),
                     I.gather(x[0], windowed, GATHER_WINDOWS, (2, 2), mode=mode)]
        for scatter in (I.scatter, I.scatter_add, I.scatter_mul, I.scatter_min, I.scatter_max):
            out[mode] += [scatter(x, batched, upd_batched, SCATTER_BATCHED, mode=mode),
                          scatter(x[0], windowed, upd_windows, SCATTER_WINDOWS, mode=mode)]
    out["fill_value"] = I.gather(x, batched, GATHER_BATCHED, (1, 1, 2), mode="fill", fill_value=1)
    return out


def _starts(size: int, width: int, index_dtype: str) -> dict:
    """Window starts along an axis, keyed by the window they land on after clamping.

    The windows are disjoint, and out-of-bounds starts (at both ends, up to the dtype's
    extremes) clamp onto the end windows, so no two updates touch one element in any mode.
    """
    hi = size - width
    slots = list(range(0, hi + 1, width)) if hi % width == 0 else list(range(0, hi - width + 1, width)) + [hi]
    starts = {s: [s] for s in slots}
    starts[hi] += [hi + 1, int(np.iinfo(index_dtype).max)]
    if index_dtype in dtypes.SIGNED:
        starts[0] += [-1, int(np.iinfo(index_dtype).min)]
    return starts


def _index_vectors(draw, axes: list, count: int, index_dtype) -> np.ndarray:
    """`count` index vectors (one start per (size, width) in `axes`) whose windows are disjoint."""
    per_axis = [_starts(n, w, index_dtype) for n, w in axes]
    slots = [tuple(s) for s in np.ndindex(*(len(a) for a in per_axis))]
    chosen = draw(st.permutations(slots))[:count]
    return np.array([[draw(st.sampled_from(a[list(a)[k]])) for a, k in zip(per_axis, vec)] for vec in chosen],
                    dtype=index_dtype)


@pytest.mark.parametrize("dtype", ["bool", "uint8", "int64", "bfloat16", "float32", "complex128"])
@pytest.mark.parametrize("index_dtype", ["int8", "uint64"])
@given(data=st.data())
def test_gather_and_scatters_in_every_mode_under_jit_match_eager(dtype, index_dtype, data):
    dt = dtypes.canonicalize(index_dtype)
    batched = np.stack([_index_vectors(data.draw, [(6, 1), (5, 2)], 3, dt) for _ in range(2)])
    windowed = _index_vectors(data.draw, [(5, 2), (6, 2)], 3, dt)
    x, *updates = (arrays(data.draw, shape, dtype, signed_zeros=False) for shape in ((2, 6, 5), (2, 3, 2), (2, 3, 2)))
    check(gather_scatter, x, fnp.asarray(batched), fnp.asarray(windowed), *updates)


# the primitives used above, checked to be the ones these tests compile ----------------------------
def test_every_shape_and_indexing_primitive_is_compiled_by_these_tests():
    x, v = fnp.ones((2, 3, 4)), fnp.ones((5,))
    i = fnp.asarray([0, 1], dtype=fnp.int64)
    programs = [fx.make_program(manipulate.fun)(x),
                fx.make_program(read.fun)(fnp.ones((3, 4, 5)), i, fnp.ones((2, 2), dtype=int), fnp.asarray([0, 1, 2]),
                                          fnp.ones((3, 4, 5), dtype=bool)),
                fx.make_program(update.fun)(fnp.ones((4, 5)), v, fnp.asarray([0, 1, 2]), fnp.asarray([0, 0, 1, 1]), i),
                fx.make_program(gather_scatter.fun)(fnp.ones((2, 6, 5)), fnp.zeros((2, 3, 2), dtype=int),
                                                    fnp.zeros((3, 2), dtype=int), fnp.ones((2, 3, 2)),
                                                    fnp.ones((2, 3, 2))),
                fx.make_program(windows.fun)(fnp.ones((300, 2)), [i[0]], fnp.ones((10, 1)))]
    seen = {eq.prim for p in programs for eq in p.equations}
    family = {p for m in (S, I) for p in vars(m).values() if type(p).__name__ == "Primitive"} - {S.iota_p}
    assert family - seen == set()


# derivatives compiled --------------------------------------------------------------------------
def _loss(x, i):
    y = fnp.pad(fnp.roll(x, 1, axis=0), ((1, 0), (0, 1))) + fnp.concatenate([x, x[:1]])[:, fnp.asarray([0, 2, 1, 2, 3])]
    z = fnp.sum(fnp.sin(y[i]) * 3.0) + fnp.sum(x.at[i, 1:].mul(2.0) ** 2)
    w = fnp.take_along_axis(x[:2], fnp.abs(i)[:, None] % 4, axis=1) * fnp.flip(x, 0)[:2, :1]
    return z + fnp.sum(w) + fnp.sum(I.dynamic_slice(x.T, (i[0], i[1]), (2, 2)) ** 3)


_grad = fx.jit(fx.grad(_loss))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@given(data=st.data())
def test_jit_of_grad_through_shape_and_indexing_matches_eager_grad(dtype, data):
    # XLA flushes subnormal numbers to zero, NumPy keeps them: draw normal ones
    values = st.floats(-3, 3, width=32, allow_subnormal=False)
    x = fnp.asarray(np.array(data.draw(st.lists(values, min_size=12, max_size=12)), dtype).reshape(3, 4))
    i = _index_arrays(data.draw, 3, (2,))  # repeated rows make the gradient scatter-add twice
    eager, jitted = fx.grad(_loss)(x, i), _grad(x, i)
    assert jitted.dtype == eager.dtype and jitted.shape == eager.shape
    tol = 1e-5 if dtype == "float32" else 1e-12
    np.testing.assert_allclose(np.asarray(jitted), np.asarray(eager), rtol=tol, atol=tol)
