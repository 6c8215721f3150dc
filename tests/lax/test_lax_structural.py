"""fluxion.lax's shape, indexing, reduction, sorting, contraction and control functions against jax.lax,
and their derivatives, jit and vmap."""
import numpy as np
import pytest

import fluxion as fx
import fluxion.numpy as fnp
from fluxion import lax

from _lax_oracle import check, sample


def both(jlax, name, *args, scale=1.0, **kwargs):
    check(getattr(lax, name)(*args, **kwargs), getattr(jlax, name)(*args, **kwargs), scale)


def test_shape_functions_match_jax(jlax, rng):
    x = sample(rng, (2, 3, 4), "float32")
    both(jlax, "broadcast", x, (2,))
    both(jlax, "broadcast_in_dim", sample(rng, (3, 1), "int32"), (2, 3, 4), (1, 2))
    both(jlax, "broadcast_in_dim", sample(rng, (3, 2), "float32"), (2, 4, 3), (2, 0))  # axes in any order
    both(jlax, "reshape", x, (4, 6))
    both(jlax, "reshape", x, (6, 4), dimensions=(2, 0, 1))
    both(jlax, "transpose", x, (2, 0, 1))
    both(jlax, "squeeze", x[:1, :, :1], (0, -1))
    both(jlax, "expand_dims", x, (0, 3))
    both(jlax, "rev", x, (0, 2))
    both(jlax, "concatenate", [x, x[:, :1]], 1)
    both(jlax, "slice", x, (0, 1, 0), (2, 3, 4), (1, 1, 2))
    both(jlax, "slice_in_dim", x, -3, None, 2, axis=2)
    both(jlax, "index_in_dim", x, -1, 1)
    both(jlax, "index_in_dim", x, 2, 2, keepdims=False)
    both(jlax, "collapse", x, 1)
    both(jlax, "collapse", x, 0, 2)
    both(jlax, "iota", np.dtype("int32"), 5)
    both(jlax, "broadcasted_iota", np.dtype("float64"), (2, 3), 1)
    both(jlax, "full", (2, 3), np.float64(1.5))
    both(jlax, "full", (0, 3), np.int32(2), np.dtype("float32"))
    both(jlax, "full_like", x, np.float32(3.0))
    both(jlax, "full_like", x, 2, np.dtype("int32"), (3,))
    check(lax.zeros_like_array(x), np.zeros_like(x))
    for got, want in zip(lax.split(x, (1, 3), axis=2), jlax.split(x, (1, 3), axis=2)):
        check(got, want)


@pytest.mark.parametrize("dtype", ["float32", "int64", "bool", "complex64"])
def test_pad_with_interior_and_negative_edges_matches_jax(jlax, rng, dtype):
    x = sample(rng, (3, 4), dtype)
    value = np.zeros((), dtype)
    for config in [((1, 2, 0), (0, 0, 0)), ((-1, 2, 1), (2, -3, 2)), ((0, 0, 3), (-2, -1, 0))]:
        both(jlax, "pad", x, value, config)
    both(jlax, "pad", np.zeros((0,), dtype), value, ((1, 1, 2),))


def test_dynamic_slicing_matches_jax_with_negative_and_clamped_starts(jlax, rng):
    x = sample(rng, (5, 6), "float64")
    for starts in [(1, 2), (-2, 0), (4, 5), (np.int32(-1), np.int32(3)), np.array([2, -3])]:
        both(jlax, "dynamic_slice", x, starts, (2, 3))
        both(jlax, "dynamic_update_slice", x, np.ones((2, 3)), starts)
    # without wrapping, a negative start is clamped to 0 (jax raises for a static one)
    check(lax.dynamic_slice(x, (-1, 0), (2, 3), allow_negative_indices=False), x[:2, :3])
    both(jlax, "dynamic_slice_in_dim", x, -2, 2, 1)
    both(jlax, "dynamic_update_slice_in_dim", x, np.ones((5, 2)), 3, 1)
    both(jlax, "dynamic_index_in_dim", x, np.int32(2), 1, False)
    both(jlax, "dynamic_update_index_in_dim", x, np.ones(6), -1, 0)


def test_gather_and_scatters_match_jax_with_jax_dimension_numbers(jlax, rng):
    x = sample(rng, (4, 5), "float32")
    idx = np.array([[0, 1], [3, 3], [2, 4]], np.int32)
    gdn, jgdn = (m.GatherDimensionNumbers(offset_dims=(1,), collapsed_slice_dims=(0,), start_index_map=(0, 1))
                 for m in (lax, jlax))
    for mode in ("clip", "fill", "promise_in_bounds"):
        check(lax.gather(x, idx, gdn, (1, 2), mode=mode), jlax.gather(x, idx, jgdn, (1, 2), mode=mode))
    outside = np.array([[0, 4], [7, 1], [-2, 0]], np.int32)  # windows past the end and before the start
    for mode in (None, "clip", "fill"):  # (None: clip, as jax's)
        check(lax.gather(x, outside, gdn, (1, 2), mode=mode), jlax.gather(x, outside, jgdn, (1, 2), mode=mode))
    sdn, jsdn = (m.ScatterDimensionNumbers(update_window_dims=(), inserted_window_dims=(0, 1),
                                           scatter_dims_to_operand_dims=(0, 1)) for m in (lax, jlax))
    rows = np.array([[0, 1], [3, 3], [0, 1], [9, 9]], np.int32)  # a repeat and an out-of-bounds one
    upd = sample(rng, (4,), "float32")
    for name in ("scatter_add", "scatter_sub", "scatter_mul", "scatter_min", "scatter_max"):
        check(getattr(lax, name)(x, rows, upd, sdn), getattr(jlax, name)(x, rows, upd, jsdn))
    unique = rows[[0, 1, 3]]
    check(lax.scatter(x, unique, upd[:3], sdn), jlax.scatter(x, unique, upd[:3], jsdn))


@pytest.mark.parametrize("dtype", ["float32", "float64", "int32", "bool"])
def test_reductions_match_jax(jlax, rng, dtype):
    x = sample(rng, (3, 4, 2), dtype, -5, 5)
    names = ["reduce_max", "reduce_min"] + (["reduce_and", "reduce_or", "reduce_xor"] if dtype in ("int32", "bool")
                                            else []) + (["reduce_sum", "reduce_prod"] if dtype != "bool" else [])
    for name in names:
        for axes in [(0,), (1, 2), ()]:
            both(jlax, name, x, axes, scale=4)
    if dtype != "bool":
        both(jlax, "reduce_sum", np.zeros((0, 3), dtype), (0,))
        for name in ("argmax", "argmin"):
            both(jlax, name, x, 1, np.dtype("int32"))
        for name in ["cumsum", "cumprod", "cummax", "cummin"] + (["cumlogsumexp"] if dtype[0] == "f" else []):
            for axis, reverse in [(0, False), (1, True), (2, True)]:
                both(jlax, name, x, axis, reverse, scale=4)


def test_reduce_and_reduce_window_take_lax_computations(jlax, rng):
    x = sample(rng, (4, 6), "float64")
    check(lax.reduce(x, np.float64(0), lax.add, (1,)), jlax.reduce(x, np.float64(0), jlax.add, (1,)))
    check(lax.reduce(x, np.float64(-np.inf), lax.max, (0,)), jlax.reduce(x, np.float64(-np.inf), jlax.max, (0,)))
    for comp, jcomp, init in [(lax.add, jlax.add, 0.0), (lax.max, jlax.max, -np.inf), (lax.min, jlax.min, 0.5)]:
        for padding, base in (("SAME", None), ("SAME", (1, 2)), ("SAME_LOWER", (3, 2))):  # (the undilated input padded)
            args = ((2, 3), (1, 2), padding, base)
            check(lax.reduce_window(x, np.float64(init), comp, *args),
                  jlax.reduce_window(x, np.float64(init), jcomp, *args))


_WINDOWS = [((2, 3), (1, 2), "SAME", None, None), ((2, 2), (2, 1), ((1, -1), (2, 1)), (2, 1), (1, 2)),
            ((1, 1), None, "VALID", None, None), ((6, 2), (1, 1), "VALID", None, None),
            ((2, 2), (1, 1), "VALID", None, None)]


@pytest.mark.parametrize("window", _WINDOWS)
def test_reduce_window_folds_any_function_and_several_operands_as_jax(jlax, rng, window):
    # padding and holes take no part (XLA's), so a nonzero init counts once: sums may start anywhere
    x = np.round(sample(rng, (4, 6), "float64"), 1)
    idx = np.arange(x.size).reshape(x.shape)
    for operands, inits, comp, jcomp in [
            (x, np.float64(1.5), lax.add, jlax.add),
            (x, np.float64(2.0), lambda a, b: a * b, lambda a, b: a * b),
            ((x,), (np.float64(0.0),), lambda a, b: (a[0] + b[0],), lambda a, b: (a[0] + b[0],)),
            ((x, idx), (np.float64(-np.inf), np.int64(0)), _argmax_pair(lax), _argmax_pair(jlax))]:
        want = jlax.reduce_window(operands, inits, jcomp, *window)
        for f in (lax.reduce_window, fx.jit(lax.reduce_window, static_argnums=(2, 3, 4, 5, 6, 7))):
            got = f(operands, inits, comp, *window)
            for g, w in zip(fx.tree_util.tree_leaves(got), fx.tree_util.tree_leaves(want)):
                check(g, w, scale=10)


def test_reduce_window_by_a_function_differentiates_and_batches(jlax, rng):
    x = sample(rng, (3, 4, 5), "float64")
    window = ((2, 2), (1, 2), "SAME")

    def loss(v):
        return fnp.sum(fnp.sin(lax.reduce_window(v, 1.0, lambda a, b: a * b, *window)))
    d = sample(rng, x.shape, "float64")
    slope = (float(loss(x[0] + 1e-6 * d[0])) - float(loss(x[0] - 1e-6 * d[0]))) / 2e-6
    for grad in (fx.grad(loss), fx.jit(fx.grad(loss))):
        np.testing.assert_allclose(np.sum(np.asarray(grad(x[0])) * d[0]), slope, rtol=1e-6)
    got = fx.vmap(lambda v: lax.reduce_window(v, 1.0, lax.mul, *window))(x)
    check(got, np.stack([jlax.reduce_window(v, 1.0, jlax.mul, *window) for v in x]))
    traced_init = fx.jit(lambda v, i: lax.reduce_window(v, i, lax.add, *window))(x[0], 0.5)
    check(traced_init, jlax.reduce_window(x[0], 0.5, jlax.add, *window))


def _argmax_pair(lx):
    """A variadic (value, index) combiner keeping the first of ties, written with `lx` (a lax)."""
    return lambda a, b: (lx.max(a[0], b[0]), lx.select(a[0] >= b[0], a[1], b[1]))


@pytest.mark.parametrize("shape, dims", [((7,), (0,)), ((3, 5, 4), (1,)), ((3, 5, 4), (0, 2)), ((2, 0, 3), (1,)),
                                         ((4, 3), ()), ((1, 1), (0, 1))])
def test_reduce_folds_any_function_and_several_operands_as_jax(jlax, rng, shape, dims):
    x = np.round(sample(rng, shape, "float64"), 1)  # (ties, for the first-of-ties rule)
    idx = np.broadcast_to(np.arange(x.size).reshape(shape), shape).astype(np.int64)
    for operands, inits, comp, jcomp in [
            ((x, idx), (np.float64(-np.inf), np.int64(0)), _argmax_pair(lax), _argmax_pair(jlax)),
            (x, np.float64(1.0), lambda a, b: a * b, lambda a, b: a * b),
            ({"s": x, "m": x}, {"s": np.float64(0), "m": np.float64(np.inf)},
             lambda a, b: {"s": a["s"] + b["s"], "m": lax.min(a["m"], b["m"])},
             lambda a, b: {"s": a["s"] + b["s"], "m": jlax.min(a["m"], b["m"])})]:
        want = jlax.reduce(operands, inits, jcomp, dims)
        for f in (lax.reduce, fx.jit(lax.reduce, static_argnums=(2, 3))):
            got = f(operands, inits, comp, dims)
            for g, w in zip(fx.tree_util.tree_leaves(got), fx.tree_util.tree_leaves(want)):
                check(g, w, scale=10)


def test_reduce_by_a_function_differentiates_and_batches(jlax, rng):
    x = sample(rng, (3, 5), "float64")

    def softest(lx):
        return lambda v: lx.reduce(v, 1.0, lambda a, b: a * b + 0 * a, (1,)).sum()

    jax = pytest.importorskip("jax")
    check(fx.grad(softest(lax))(x), jax.grad(softest(jlax))(x))
    check(fx.jit(fx.grad(softest(lax)))(x), jax.grad(softest(jlax))(x))
    idx = np.broadcast_to(np.arange(5), (3, 5))
    got = fx.vmap(lambda v, i: lax.reduce((v, i), (-np.inf, 0), _argmax_pair(lax), (0,)))(x, idx)
    check(got[1], [np.argmax(row) for row in x], dtype=False)


def test_reduce_errors_name_the_fix():
    x = np.ones((2, 3))
    with pytest.raises(ValueError, match="init value per operand"):
        lax.reduce((x, x), (0.0,), lambda a, b: a, (0,))
    with pytest.raises(ValueError, match="elementwise"):
        lax.reduce(x, 0.0, lambda a, b: (a + b).sum(), (0,))


def test_dot_family_matches_jax(jlax, rng):
    a, b = sample(rng, (3, 4), "float32"), sample(rng, (4, 5), "float32")
    both(jlax, "dot", a, b)
    both(jlax, "dot", a, b[:, 0])
    both(jlax, "dot", a[0], b[:, 0])
    both(jlax, "dot", a, b, preferred_element_type=np.dtype("float64"))
    x, y = sample(rng, (2, 3, 4), "float64"), sample(rng, (2, 5, 4), "float64")
    dn = (((2,), (2,)), ((0,), (0,)))
    both(jlax, "dot_general", x, y, dn)
    both(jlax, "dot_general", x.astype(np.float32), y, dn)  # promoted, as in jax
    i, j = sample(rng, (3, 4), "int32", -5, 5), sample(rng, (4, 2), "int32", -5, 5)
    both(jlax, "dot_general", i, j, (((1,), (0,)), ((), ())), preferred_element_type=np.dtype("float32"))
    both(jlax, "batch_matmul", x, np.swapaxes(y, 1, 2))
    p, q = rng.random((3, 4)) < 0.3, rng.random((2, 4)) < 0.3
    both(jlax, "dot_general", p, q, (((1,), (1,)), ((), ())))  # booleans: an OR of ANDs
    assert lax.dot(a, b, precision=lax.Precision.HIGHEST).shape == (3, 5)


def test_convolutions_match_jax(jlax, rng):
    x, w = sample(rng, (2, 4, 7, 6), "float32"), sample(rng, (6, 2, 3, 2), "float32")
    both(jlax, "conv", x, sample(rng, (3, 4, 3, 2), "float32"), (1, 2), "SAME", scale=4)
    both(jlax, "conv_with_general_padding", x, sample(rng, (3, 4, 3, 2), "float32"), (2, 1), ((1, 0), (-1, 2)),
         (1, 2), (2, 1), scale=4)
    both(jlax, "conv_general_dilated", x, w, (1, 1), "VALID", (1, 1), (1, 2), ("NCHW", "OIHW", "NHWC"), 2, scale=4)
    xh = np.transpose(x, (0, 2, 3, 1))
    both(jlax, "conv_general_dilated", xh, sample(rng, (3, 2, 4, 5), "float32"), (2, 2), ((1, 1), (0, 1)),
         dimension_numbers=("NHWC", "HWIO", "NHWC"), scale=4)


def test_sorting_matches_jax(jlax, rng):
    keys = rng.integers(0, 3, (4, 6)).astype(np.float32)
    keys[0, 0] = np.nan
    vals = sample(rng, (4, 6), "int32", -9, 9)
    both(jlax, "sort", keys, 0)
    for got, want in zip(lax.sort((keys, vals), 1, True, 2), jlax.sort((keys, vals), 1, True, 2)):
        check(got, want)
    for got, want in zip(lax.sort_key_val(keys, vals, 0), jlax.sort_key_val(keys, vals, 0)):
        check(got, want)
    for axis in (-1, 0):
        for got, want in zip(lax.top_k(vals, 3, axis=axis), jlax.top_k(vals, 3, axis=axis)):
            check(got, want)


def test_control_flow_matches_jax(jlax):
    assert lax.cond(True, lambda x: x + 1, lambda x: x - 1, 3.0).item() == jlax.cond(True, lambda x: x + 1, lambda x: x - 1, 3.0)
    assert lax.switch(2, [lambda x: x, lambda x: 2 * x, lambda x: 3 * x], 2.0).item() == 6.0
    assert int(lax.while_loop(lambda i: i < 10, lambda i: i * 3, 1)) == int(jlax.while_loop(lambda i: i < 10, lambda i: i * 3, 1))
    assert int(lax.fori_loop(0, 5, lambda i, s: s + i, 0)) == 10
    xs = np.arange(7.0)
    carry, ys = lax.scan(lambda c, x: (c + x, c * x), 0.0, xs, reverse=True)
    jcarry, jys = jlax.scan(lambda c, x: (c + x, c * x), 0.0, xs, reverse=True)
    check(carry, jcarry), check(ys, jys)
    for batch_size in (None, 0, 3, 7, 10):  # (0: one slice at a time, as None)
        check(lax.map(lambda x: x ** 2 + 1, xs, batch_size=batch_size), jlax.map(lambda x: x ** 2 + 1, xs, batch_size=batch_size))
    check(lax.associative_scan(lax.add, xs, reverse=True), jlax.associative_scan(jlax.add, xs, reverse=True))
    assert float(fx.grad(lambda x: x * lax.stop_gradient(x))(3.0)) == 3.0
    with pytest.raises(ValueError, match="batch_size must be >= 0"):
        lax.map(lambda x: x, xs, batch_size=-1)
    with pytest.raises(TypeError, match="batch_size must be an int, got 2.0"):
        lax.map(lambda x: x, xs, batch_size=2.0)


# derivatives, jit and vmap -------------------------------------------------------------------
def test_gradients_of_contractions_padding_and_slicing_pass_check_grads(rng):
    a, b = sample(rng, (2, 3, 4), "float64"), sample(rng, (2, 4, 5), "float64")
    fx.test_util.check_grads(lambda a, b: lax.dot_general(a, b, (((2,), (1,)), ((0,), (0,)))), (a, b), order=2)
    fx.test_util.check_grads(lambda x: lax.pad(x, 0.5, ((1, -1, 2), (0, 2, 1), (-1, 0, 0))), (a,), order=1)
    fx.test_util.check_grads(lambda x: lax.dynamic_slice(x, (1, -2, 0), (1, 2, 3)), (a,), order=1)
    x, w = sample(rng, (1, 2, 6), "float64"), sample(rng, (3, 2, 2), "float64")
    fx.test_util.check_grads(lambda x, w: lax.conv(x, w, (2,), "SAME"), (x, w), order=1)
    fx.test_util.check_grads(lambda x: lax.cumsum(x, 1, reverse=True), (a,), order=1)
    which = (rng.random((2, 3, 4)) < 0.5)
    fx.test_util.check_grads(lambda x, y: lax.select_n(which, x, y), (a, a[::-1]), order=1)


def test_gradients_match_jax_grad(rng):
    jax = pytest.importorskip("jax")
    x = sample(rng, (3, 4), "float64")
    cases = [(lambda l: lambda v: l.reduce_sum(l.cumsum(v, 0, reverse=True) ** 2, (0, 1))),
             (lambda l: lambda v: l.reduce_sum(l.pad(v, np.float64(0), ((1, 0, 1), (0, -1, 2))) ** 3, (0, 1))),
             (lambda l: lambda v: l.reduce_sum(l.dynamic_slice(v, (-1, 1), (2, 2)) * 3, (0, 1)))]
    for case in cases:
        check(fx.grad(case(lax))(x), jax.grad(case(jax.lax))(x))


def test_jit_gives_the_eager_values(rng):
    x = sample(rng, (3, 4), "float32")

    def f(x):
        y = lax.pad(lax.rev(x, (0,)), 0.0, ((1, 1, 1), (0, 0, 0)))
        z = lax.dynamic_update_slice(y, lax.full((2, 2), 7.0), (lax.convert_element_type(x[0, 0] > 0, "int32"), 1))
        return lax.cumsum(lax.round(z) + lax.clamp(-1.0, z, 1.0), 1), lax.top_k(z, 2)[1]

    for got, want in zip(fx.jit(f)(x), f(x)):
        check(got, want)


def test_vmap_matches_a_loop(rng):
    xs, starts = sample(rng, (4, 6), "float64"), np.array([0, 3, -1, 5], np.int32)

    def f(x, s):
        return lax.dot(lax.dynamic_slice_in_dim(x, s, 3), lax.rev(lax.slice(x, (1,), (4,)), (0,))) + lax.rem(s, 2)

    out = fx.vmap(f)(xs, starts)
    check(out, np.stack([np.asarray(f(x, s)) for x, s in zip(xs, starts)]))
