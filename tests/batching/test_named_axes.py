"""Named batch axes: fx.vmap(f, axis_name=...) and the collectives of fluxion.lax over them.

Oracles: jax.vmap with the same axis_name and jax.lax's collectives (float64), NumPy over the
batch axis, a Python loop over the examples, and central finite differences for derivatives
jax does not define (pmax, pmin). A gradient taken per example under vmap is, as in jax, the
gradient of the sum of every example's output with respect to that example's input.
"""
import numpy as np
import pytest

import fluxion as fx
import fluxion.numpy as fnp
from fluxion import lax
from fluxion.errors import FluxionError, UnsupportedError

from _loop import total_grad as _total_grad


@pytest.fixture
def xs(rng):
    return rng.standard_normal((4, 3))


def _both(jax, name: str, **kwargs):
    """fluxion.lax's collective `name` and jax.lax's, with `kwargs` bound."""
    return (lambda x, n: getattr(lax, name)(x, n, **kwargs)), (lambda x, n: getattr(jax.lax, name)(x, n, **kwargs))


COLLECTIVES = [("psum", {}), ("pmean", {}), ("pmax", {}), ("pmin", {}), ("all_gather", {}),
               ("all_gather", {"axis": 1}), ("all_gather", {"axis": -1}), ("all_gather", {"tiled": True})]


@pytest.mark.parametrize("name,kwargs", COLLECTIVES)
@pytest.mark.parametrize("in_axis", [0, 1])
def test_each_collective_matches_jax(jax, xs, name, kwargs, in_axis):
    ours, theirs = _both(jax, name, **kwargs)
    x = xs if in_axis == 0 else xs.T
    got = fx.vmap(lambda v: ours(v, "b"), in_axes=in_axis, axis_name="b")(x)
    want = jax.vmap(lambda v: theirs(v, "b"), in_axes=in_axis, axis_name="b")(x)
    np.testing.assert_allclose(got, want, rtol=1e-12)
    assert got.shape == want.shape


def test_psum_gives_every_example_the_sum(xs):
    got = fx.vmap(lambda v: lax.psum(v, "b"), axis_name="b")(xs)
    np.testing.assert_allclose(got, np.broadcast_to(xs.sum(0), xs.shape))
    positional = fx.vmap(lambda v: lax.psum(v, "b"), 0, 0, "b")(xs)  # (jax's order: axis_name, then axis_size)
    np.testing.assert_allclose(positional, got)
    sized = fx.vmap(lambda: lax.axis_index("b"), (), 0, "b", 3)()
    np.testing.assert_array_equal(sized, [0, 1, 2])


def test_axis_index_is_each_examples_int32_index(xs):
    got = fx.vmap(lambda v: lax.axis_index("b"), axis_name="b")(xs)
    assert got.dtype == np.int32 and got.tolist() == [0, 1, 2, 3]


def test_collectives_of_integers_match_jax(jax):
    x = np.array([3, -1, 7, 2])
    for name in ("psum", "pmax", "pmin", "all_gather"):
        ours, theirs = _both(jax, name)
        got = fx.vmap(lambda v: ours(v, "b"), axis_name="b")(x)
        np.testing.assert_array_equal(got, jax.vmap(lambda v: theirs(v, "b"), axis_name="b")(x))


def test_batch_norm_style_normalisation_matches_numpy(xs):
    def normalise(x):
        centred = x - lax.pmean(x, "batch")
        return centred / fnp.sqrt(lax.pmean(centred ** 2, "batch") + 1e-5)
    want = (xs - xs.mean(0)) / np.sqrt(xs.var(0) + 1e-5)
    np.testing.assert_allclose(fx.vmap(normalise, axis_name="batch")(xs), want, rtol=1e-12)


def test_collectives_act_on_each_leaf_of_a_pytree(jax, xs):
    tree = {"a": xs, "b": (xs[:, 0], xs * 2)}
    for name in ("psum", "pmean", "pmax", "pmin", "all_gather"):
        ours, theirs = _both(jax, name)
        got = fx.vmap(lambda t: ours(t, "b"), axis_name="b")(tree)
        want = jax.vmap(lambda t: theirs(t, "b"), axis_name="b")(tree)
        for g, w in zip(fx.tree.leaves(got), jax.tree_util.tree_leaves(want)):
            np.testing.assert_allclose(g, w, rtol=1e-12)


# several names -------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["psum", "pmean", "pmax", "pmin"])
@pytest.mark.parametrize("axes", ["i", "j", ("i", "j"), ("j", "i")])
def test_reductions_over_names_of_nested_vmaps_match_jax(jax, rng, name, axes):
    x = rng.standard_normal((2, 3, 4))  # outer vmap "j" over axis 0, inner "i" over axis 1
    ours, theirs = _both(jax, name)
    got = fx.vmap(fx.vmap(lambda v: ours(v, axes), axis_name="i"), axis_name="j")(x)
    want = jax.vmap(jax.vmap(lambda v: theirs(v, axes), axis_name="i"), axis_name="j")(x)
    np.testing.assert_allclose(got, want, rtol=1e-12)


@pytest.mark.parametrize("axes", ["i", "j", ("i", "j"), ("j", "i")])
def test_axis_index_over_names_of_nested_vmaps_matches_jax(jax, axes):
    got = fx.vmap(fx.vmap(lambda v: lax.axis_index(axes), axis_name="i"), axis_name="j")(np.zeros((2, 3)))
    want = jax.vmap(jax.vmap(lambda v: jax.lax.axis_index(axes), axis_name="i"), axis_name="j")(np.zeros((2, 3)))
    np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("axis", [0, 1])
def test_all_gather_over_the_outer_name_inside_an_inner_vmap_matches_jax(jax, rng, axis):
    x = rng.standard_normal((2, 3, 4))
    got = fx.vmap(fx.vmap(lambda v: lax.all_gather(v, "j", axis=axis), axis_name="i"), axis_name="j")(x)
    want = jax.vmap(jax.vmap(lambda v: jax.lax.all_gather(v, "j", axis=axis), axis_name="i"), axis_name="j")(x)
    np.testing.assert_allclose(got, want)


def test_all_gather_over_two_names_lays_out_the_first_name_major(rng):
    x = rng.standard_normal((2, 3))  # outer "j" (2), inner "i" (3)
    got = fx.vmap(fx.vmap(lambda v: lax.all_gather(v, ("i", "j")), axis_name="i"), axis_name="j")(x)
    want = x.T.reshape(6)  # entry i * 2 + j is example (j, i)
    np.testing.assert_allclose(got, np.broadcast_to(want, (2, 3, 6)))


def test_outer_name_reaches_through_an_unnamed_inner_vmap(rng):
    x, y = rng.standard_normal((4, 3)), rng.standard_normal(4)
    # inside the inner vmap, `b` (batched by the outer vmap only) is unbatched: it is psum'd all the same
    f = fx.vmap(lambda u, b: fx.vmap(lambda v: lax.psum(v, "outer") + lax.psum(b, "outer"))(u), axis_name="outer")
    np.testing.assert_allclose(f(x, y), np.broadcast_to(x.sum(0) + y.sum(), x.shape))


def test_inner_vmap_of_the_same_name_shadows_the_outer(rng):
    x = rng.standard_normal((2, 3))
    got = fx.vmap(fx.vmap(lambda v: lax.psum(v, "b"), axis_name="b"), axis_name="b")(x)
    np.testing.assert_allclose(got, np.broadcast_to(x.sum(1, keepdims=True), x.shape))


# unbatched values --------------------------------------------------------------------------------
def test_unbatched_value_counts_once_per_example_as_in_jax(jax, xs):
    y = xs[0]
    for name in ("psum", "pmean", "pmax", "pmin", "all_gather"):
        ours, theirs = _both(jax, name)
        got = fx.vmap(lambda v, w: ours(w, "b") * v, in_axes=(0, None), axis_name="b")(xs, y)
        want = jax.vmap(lambda v, w: theirs(w, "b") * v, in_axes=(0, None), axis_name="b")(xs, y)
        np.testing.assert_allclose(got, want, rtol=1e-12)
    got = fx.vmap(lambda w: lax.psum(w, "b"), in_axes=None, axis_size=5, axis_name="b", out_axes=None)(y)
    np.testing.assert_allclose(got, 5 * y)


# derivatives -----------------------------------------------------------------------------------
def test_pmean_of_per_example_gradients_is_the_mean_of_the_loops_gradients(rng):
    w, xs = rng.standard_normal(3), rng.standard_normal((5, 3))
    loss = lambda w, x: fnp.tanh(fnp.dot(w, x)) ** 2  # noqa: E731
    got = fx.vmap(lambda w, x: lax.pmean(fx.grad(loss)(w, x), "batch"), in_axes=(None, 0), axis_name="batch")(w, xs)
    want = np.mean([fx.grad(loss)(w, x) for x in xs], axis=0)
    np.testing.assert_allclose(got, np.broadcast_to(want, xs.shape), rtol=1e-12)


GRAD_CASES = {
    "psum": (lambda L, x: L.psum(x ** 2, "b") * x, lambda x: np.sum(x ** 2) * x),
    "pmean": (lambda L, x: L.pmean(x, "b") ** 2 * x, lambda x: np.mean(x) ** 2 * x),
    "all_gather": (lambda L, x: (L.all_gather(x, "b") ** 2 * L.axis_index("b")).sum() * x,
                   lambda x: np.arange(len(x)) * np.sum(x ** 2) * x),
}


@pytest.mark.parametrize("case", sorted(GRAD_CASES))
def test_grad_inside_vmap_matches_jax_and_finite_differences(jax, rng, case):
    f, batch_f = GRAD_CASES[case]
    x = rng.standard_normal(4)
    got = fx.vmap(fx.grad(lambda v: f(lax, v)), axis_name="b")(x)
    want = jax.vmap(jax.grad(lambda v: f(jax.lax, v)), axis_name="b")(x)
    np.testing.assert_allclose(got, want, rtol=1e-12)
    np.testing.assert_allclose(got, _total_grad(batch_f, x), rtol=1e-6)


def test_grad_of_an_unbatched_argument_inside_vmap_matches_jax(jax, rng):
    w, x = 0.7, rng.standard_normal(4)
    f = lambda L, S, w, x: L.psum(S.sin(w * x), "b") * x  # noqa: E731
    got = fx.vmap(fx.grad(lambda w, x: f(lax, fnp, w, x)), in_axes=(None, 0), axis_name="b")(fnp.asarray(w, dtype=fnp.float64), x)
    want = jax.vmap(jax.grad(lambda w, x: f(jax.lax, jax.numpy, w, x)), in_axes=(None, 0), axis_name="b")(w, x)
    np.testing.assert_allclose(got, want, rtol=1e-12)


@pytest.mark.parametrize("name", ["pmax", "pmin"])
def test_grad_of_pmax_pmin_inside_vmap_matches_finite_differences(rng, name):
    x = rng.standard_normal(5)
    reduce = np.max if name == "pmax" else np.min
    got = fx.vmap(fx.grad(lambda v: getattr(lax, name)(v, "b") ** 2 * v), axis_name="b")(x)
    np.testing.assert_allclose(got, _total_grad(lambda v: reduce(v) ** 2 * v, x), rtol=1e-6)


def test_tied_maxima_share_the_tangent(rng):
    x = np.array([1.0, 3.0, 3.0, 2.0])
    t = np.array([1.0, 10.0, 20.0, 100.0])
    _, dy = fx.vmap(lambda x, t: fx.jvp(lambda v: lax.pmax(v, "b"), (x,), (t,)), axis_name="b")(x, t)
    np.testing.assert_allclose(dy, np.full(4, 15.0))


@pytest.mark.parametrize("case", sorted(GRAD_CASES))
def test_jvp_inside_vmap_matches_jax(jax, rng, case):
    f, _ = GRAD_CASES[case]
    x, t = rng.standard_normal(4), rng.standard_normal(4)
    got = fx.vmap(lambda x, t: fx.jvp(lambda v: f(lax, v), (x,), (t,)), axis_name="b")(x, t)
    want = jax.vmap(lambda x, t: jax.jvp(lambda v: f(jax.lax, v), (x,), (t,)), axis_name="b")(x, t)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-12)


@pytest.mark.parametrize("case", sorted(GRAD_CASES) + ["pmax"])
def test_grad_of_a_function_that_vmaps_with_collectives_matches_finite_differences(rng, case):
    f, batch_f = GRAD_CASES.get(case, (lambda L, x: L.pmax(x, "b") * x, lambda x: np.max(x) * x))
    x = rng.standard_normal(4)
    got = fx.grad(lambda x: fx.vmap(lambda v: f(lax, v), axis_name="b")(x).sum())(x)
    np.testing.assert_allclose(got, _total_grad(batch_f, x), rtol=1e-6)


def test_jacrev_of_a_per_example_gradient_step_matches_jax(jax, rng):
    w, xs = rng.standard_normal(3), rng.standard_normal((4, 3))

    def step(L, G, w, x):  # one data-parallel SGD step: each example's gradient, averaged over the batch
        return w - 0.1 * L.pmean(G(lambda w: (w * x).sum() ** 2)(w), "b")
    got = fx.jacrev(lambda w: fx.vmap(lambda x: step(lax, fx.grad, w, x), axis_name="b")(xs))(w)
    want = jax.jacrev(lambda w: jax.vmap(lambda x: step(jax.lax, jax.grad, w, x), axis_name="b")(xs))(w)
    np.testing.assert_allclose(got, want, rtol=1e-12)


# jit --------------------------------------------------------------------------------------------------
def _centred(x):
    return x - lax.pmean(x, "b") + lax.all_gather(x, "b")[0] * lax.axis_index("b")


def test_jit_of_vmap_matches_eager_and_has_no_collective_left(xs):
    want = fx.vmap(_centred, axis_name="b")(xs)
    np.testing.assert_allclose(fx.jit(fx.vmap(_centred, axis_name="b"))(xs), want, rtol=1e-12)
    program = str(fx.make_program(fx.vmap(_centred, axis_name="b"))(xs))
    assert not any(name in program for name in ("psum", "all_gather", "axis_index"))


def test_vmap_of_jit_matches_eager(xs):
    want = fx.vmap(_centred, axis_name="b")(xs)
    np.testing.assert_allclose(fx.vmap(fx.jit(_centred), axis_name="b")(xs), want, rtol=1e-12)


def test_jit_of_vmap_of_grad_matches_eager(rng):
    x = rng.standard_normal(4)
    f = fx.vmap(fx.grad(lambda v: lax.psum(v ** 2, "b") * v), axis_name="b")
    np.testing.assert_allclose(fx.jit(f)(x), f(x), rtol=1e-12)


# ppermute, psum_scatter, all_to_all --------------------------------------------------------------------
RING = [(0, 2), (2, 1), (1, 3), (3, 0)]
MOVING = [  # (name, keyword arguments, shape of one example) for a batch of 4
    ("ppermute", {"perm": RING}, (3,)),
    ("psum_scatter", {}, (4, 3)),
    ("psum_scatter", {"scatter_dimension": 1}, (3, 4)),
    ("psum_scatter", {"scatter_dimension": 1, "tiled": True}, (3, 8)),
    ("all_to_all", {"split_axis": 0, "concat_axis": 0}, (4, 3)),
    ("all_to_all", {"split_axis": 0, "concat_axis": 1}, (4, 3)),
    ("all_to_all", {"split_axis": 1, "concat_axis": 0}, (3, 4)),
    ("all_to_all", {"split_axis": 0, "concat_axis": 1, "tiled": True}, (8, 3)),
    ("all_to_all", {"split_axis": 1, "concat_axis": 1, "tiled": True}, (3, 8)),
]


@pytest.mark.parametrize("name,kwargs,shape", MOVING)
def test_moving_collectives_match_jax(jax, rng, name, kwargs, shape):
    ours, theirs = _both(jax, name, **kwargs)
    in_axis = len(kwargs) % 2  # (a batch axis first in some cases, second in the others)
    x = np.moveaxis(rng.standard_normal((4, *shape)), 0, in_axis)
    got = fx.vmap(lambda v: ours(v, "b"), in_axes=in_axis, axis_name="b")(x)
    want = jax.vmap(lambda v: theirs(v, "b"), in_axes=in_axis, axis_name="b")(x)
    np.testing.assert_allclose(got, want, rtol=1e-12)
    assert got.shape == want.shape


@pytest.mark.parametrize("name,kwargs,shape", MOVING)
def test_moving_collectives_of_an_unbatched_value_act_as_on_copies_of_it(jax, rng, name, kwargs, shape):
    # (the oracle gets the copies: jax's all_to_all of an unbatched value has the wrong shape)
    ours, theirs = _both(jax, name, **kwargs)
    y, v = rng.standard_normal(shape), np.arange(1.0, 5.0)
    got = fx.vmap(lambda v, w: ours(w, "b") * v, in_axes=(0, None), axis_name="b")(v, y)
    want = jax.vmap(lambda v, w: theirs(w, "b") * v, axis_name="b")(v, np.broadcast_to(y, (4, *shape)))
    np.testing.assert_allclose(got, want, rtol=1e-12)


@pytest.mark.parametrize("batched", [True, False])
def test_ppermute_gives_zeros_to_the_examples_no_pair_sends_to(rng, batched):
    x = rng.standard_normal((5, 2))
    perm = [(0, 3), (3, 1), (4, 0)]
    f = fx.vmap(lambda v, w: lax.ppermute(w if batched else v, "b", perm), in_axes=(None, 0), axis_name="b")
    got = f(x[0], x)
    want = np.zeros_like(x)
    for src, dst in perm:
        want[dst] = x[src] if batched else x[0]
    np.testing.assert_array_equal(got, want)


def test_ppermute_of_booleans_and_integers_matches_numpy():
    x = np.array([[True, False], [False, False], [True, True]])
    got = fx.vmap(lambda v: (lax.ppermute(v, "b", [(0, 1), (1, 0)]), lax.ppermute(v.astype(int), "b", [(2, 0)])),
                  axis_name="b")(x)
    np.testing.assert_array_equal(got[0], [x[1], x[0], [False, False]])
    np.testing.assert_array_equal(got[1], [x[2].astype(int), [0, 0], [0, 0]])


@pytest.mark.parametrize("names,tiled", [(("i", "j"), False), (("j", "i"), True)])
def test_all_to_all_over_two_names_matches_jax(jax, rng, names, tiled):
    x = rng.standard_normal((2, 3, 12 if tiled else 6, 2))  # outer "j" (2), inner "i" (3): 6 examples
    per = lambda L: lambda v: L.all_to_all(v, names, 0, 1, tiled=tiled)  # noqa: E731
    got = fx.vmap(fx.vmap(per(lax), axis_name="i"), axis_name="j")(x)
    want = jax.jit(jax.vmap(jax.vmap(per(jax.lax), axis_name="i"), axis_name="j"))(x)
    np.testing.assert_allclose(got, want)


@pytest.mark.parametrize("tiled", [False, True])
def test_psum_scatter_over_two_names_scatters_the_first_name_major(rng, tiled):
    x = rng.standard_normal((2, 3, 12 if tiled else 6, 5))  # outer "j" (2), inner "i" (3)
    f = fx.vmap(fx.vmap(lambda v: lax.psum_scatter(v, ("j", "i"), tiled=tiled), axis_name="i"), axis_name="j")
    total = x.sum((0, 1)).reshape(2, 3, -1, 5)  # example (j, i) gets part j * 3 + i
    np.testing.assert_allclose(f(x), total if tiled else total[:, :, 0], rtol=1e-12)


@pytest.mark.parametrize("name,kwargs,shape", MOVING[:2] + MOVING[4:6])
def test_moving_collectives_over_the_outer_name_inside_an_inner_vmap_match_jax(jax, rng, name, kwargs, shape):
    ours, theirs = _both(jax, name, **kwargs)
    x = rng.standard_normal((4, 2, *shape))
    got = fx.vmap(fx.vmap(lambda v: ours(v, "j"), axis_name="i"), axis_name="j")(x)
    want = jax.vmap(jax.vmap(lambda v: theirs(v, "j"), axis_name="i"), axis_name="j")(x)
    np.testing.assert_allclose(got, want, rtol=1e-12)


@pytest.mark.parametrize("name,kwargs,shape", MOVING)
def test_gradients_through_moving_collectives_match_jax(jax, rng, name, kwargs, shape):
    # jax's own per-example transpose of all_to_all is broken for split_axis != concat_axis, so the
    # oracle differentiates around jax.vmap (what a per-example gradient under vmap equals)
    ours, theirs = _both(jax, name, **kwargs)
    f = lambda L, op: lambda v: (op(v, "b") ** 2 * L.axis_index("b")).sum() * v.sum()  # noqa: E731
    x = rng.standard_normal((4, *shape))
    want = jax.jit(jax.grad(lambda X: jax.vmap(f(jax.lax, theirs), axis_name="b")(X).sum()))(x)
    np.testing.assert_allclose(fx.vmap(fx.grad(f(lax, ours)), axis_name="b")(x), want, rtol=1e-12)
    np.testing.assert_allclose(fx.grad(lambda X: fx.vmap(f(lax, ours), axis_name="b")(X).sum())(x), want, rtol=1e-12)


@pytest.mark.parametrize("name,kwargs,shape", MOVING[:2] + MOVING[5:6])
def test_jvps_through_moving_collectives_match_jax(jax, rng, name, kwargs, shape):
    ours, theirs = _both(jax, name, **kwargs)
    x, t = rng.standard_normal((4, *shape)), rng.standard_normal((4, *shape))
    got = fx.vmap(lambda x, t: fx.jvp(lambda v: ours(v ** 2, "b"), (x,), (t,)), axis_name="b")(x, t)
    want = jax.vmap(lambda x, t: jax.jvp(lambda v: theirs(v ** 2, "b"), (x,), (t,)), axis_name="b")(x, t)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-12)


def _moved(x):
    return (lax.ppermute(x, "b", RING) + lax.psum_scatter(lax.all_gather(x, "b"), "b")
            + lax.all_to_all(lax.all_gather(x, "b"), "b", 0, 0)[0])


def test_jit_around_and_inside_vmap_of_moving_collectives_matches_eager(xs):
    want = fx.vmap(_moved, axis_name="b")(xs)
    np.testing.assert_allclose(fx.jit(fx.vmap(_moved, axis_name="b"))(xs), want, rtol=1e-12)
    np.testing.assert_allclose(fx.vmap(fx.jit(_moved), axis_name="b")(xs), want, rtol=1e-12)
    program = str(fx.make_program(fx.vmap(_moved, axis_name="b"))(xs))
    assert not any(name in program for name in ("ppermute", "psum_scatter", "all_to_all"))


# errors -------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("call", [lambda x: lax.psum(x, "b"), lambda x: lax.pmean(x, "b"),
                                  lambda x: lax.pmax(x, "b"), lambda x: lax.all_gather(x, "b"),
                                  lambda x: lax.axis_index("b"), lambda x: lax.ppermute(x, "b", [(0, 1)]),
                                  lambda x: lax.psum_scatter(x, "b"), lambda x: lax.all_to_all(x, "b", 0, 0)])
def test_a_collective_outside_any_vmap_names_the_axis_and_the_fix(xs, call):
    with pytest.raises(NameError, match=r"axis name 'b' is not bound(.|\n)*fx.vmap\(\.\.\., axis_name='b'\)") as e:
        call(xs)
    assert isinstance(e.value, FluxionError)


def test_a_name_no_enclosing_vmap_binds_is_an_error(xs):
    with pytest.raises(NameError, match="axis name 'c' is not bound"):
        fx.vmap(fx.vmap(lambda v: lax.psum(v, "c"), axis_name="a"), axis_name="b")(xs)


def test_a_collective_under_jit_without_vmap_is_an_error(xs):
    with pytest.raises(NameError, match="axis name 'b' is not bound"):
        fx.jit(lambda x: lax.psum(x, "b"))(xs)


@pytest.mark.parametrize("name", ["psum", "pmean", "pmax", "pmin", "all_gather", "psum_scatter"])
def test_axis_index_groups_is_unsupported_as_in_jax_and_names_the_fix(jax, xs, name):
    groups = [[0, 1], [2, 3]]
    ours, theirs = _both(jax, name, axis_index_groups=groups)
    with pytest.raises(NotImplementedError):  # jax.vmap does not take them either
        jax.vmap(lambda v: theirs(v[:2], "b"), axis_name="b")(xs)
    with pytest.raises(UnsupportedError, match="axis_index_groups(.|\n)*fix: split the batch"):
        fx.vmap(lambda v: ours(v, "b"), axis_name="b")(xs)


def test_an_unhashable_axis_name_is_refused(xs):
    with pytest.raises(TypeError, match="axis_name must be hashable"):
        fx.vmap(lambda v: v, axis_name=["b"])(xs)


@pytest.mark.parametrize("perm,problem", [
    ([(0, 1), (1, 1)], "destination 1 appears twice"), ([(0, 1), (0, 2)], "source 0 appears twice"),
    ([(0, 4)], "destination 4 is not an example of the axis of size 4"), ([(-1, 0)], "source -1 is not an example"),
])
def test_ppermute_refuses_a_perm_that_is_not_a_permutation_of_part_of_the_examples(xs, perm, problem):
    with pytest.raises(ValueError, match=f"not a permutation of part of range\\(4\\): {problem}(.|\n)*fix: give"):
        fx.vmap(lambda v: lax.ppermute(v, "b", perm), axis_name="b")(xs)


def test_ppermute_refuses_a_perm_not_made_of_pairs_and_several_names(xs):
    with pytest.raises(TypeError, match="perm must be a sequence of \\(source, destination\\) pairs"):
        fx.vmap(lambda v: lax.ppermute(v, "b", [0, 1]), axis_name="b")(xs)
    with pytest.raises(UnsupportedError, match="one named axis(.|\n)*fix: pass one axis name"):
        fx.vmap(fx.vmap(lambda v: lax.ppermute(v, ("a", "b"), RING), axis_name="a"), axis_name="b")(xs[:, :, None])


@pytest.mark.parametrize("call,problem,fix", [
    (lambda v: lax.psum_scatter(v, "b"), "scatter_dimension 0 has size 3, which is not the number of examples 4",
     "give it size 4"),
    (lambda v: lax.all_to_all(v[:2], "b", 0, 0, tiled=True), "split_axis 0 has size 2, which is not a multiple",
     "pad it to a multiple of 4"),
    (lambda v: lax.psum_scatter(fnp.concatenate([v, v, v[:2]]), "b"), "has size 8",
     "give it size 4, or pass tiled=True to split it into 4 chunks"),
    (lambda v: lax.all_to_all(v[0], "b", 0, 0), "the value is 0-d", "or use all_gather"),
])
def test_moving_collectives_refuse_axes_the_examples_do_not_divide(xs, call, problem, fix):
    with pytest.raises(ValueError, match=f"{problem}(.|\n)*fix: .*{fix}") as e:
        fx.vmap(call, axis_name="b")(xs)
    assert isinstance(e.value, FluxionError)
