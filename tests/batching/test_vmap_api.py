"""fx.vmap itself: axes specifications, batch sizes, outputs, errors, and composition with
the other transformations (each checked against a Python loop over the examples)."""
import numpy as np
import pytest

import fluxion as fx
import fluxion.numpy as fnp
from fluxion.errors import ConcretizationError, ShapeError


def loop(f, *args, in_axes=0):
    """f applied per example, stacked along axis 0 (the oracle)."""
    axes = in_axes if isinstance(in_axes, tuple) else (in_axes,) * len(args)
    n = next(np.shape(a)[ax] for a, ax in zip(args, axes) if ax is not None)
    outs = [f(*[a if ax is None else np.take(np.asarray(a), i, axis=ax) for a, ax in zip(args, axes)])
            for i in range(n)]
    return np.stack([np.asarray(o) for o in outs])


def test_elementwise_matches_loop_for_each_in_axis(rng):
    x = rng.standard_normal((2, 3, 4)).astype(np.float32)
    for axis in (0, 1, 2, -1, -3):
        got = fx.vmap(fnp.sin, in_axes=axis)(x)
        np.testing.assert_allclose(got, loop(np.sin, x, in_axes=axis % 3), rtol=1e-6)


def test_unbatched_argument_broadcasts_against_batched_one(rng):
    x, y = rng.standard_normal((5, 3)), rng.standard_normal(3)
    got = fx.vmap(lambda a, b: a * b + 1.0, in_axes=(0, None))(x, y)
    np.testing.assert_allclose(got, loop(lambda a, b: a * b + 1.0, x, y, in_axes=(0, None)))


def test_batched_examples_of_lower_rank_broadcast_like_one_example(rng):
    # per example: a vector (3,) times a matrix (2, 3); the batch axis must not line up with the matrix's rows
    x, m = rng.standard_normal((4, 3)), rng.standard_normal((4, 2, 3))
    got = fx.vmap(lambda a, b: a * b)(x, m)
    np.testing.assert_allclose(got, loop(lambda a, b: a * b, x, m))


def test_in_axes_tree_per_leaf(rng):
    x, y = rng.standard_normal((3, 2)), rng.standard_normal((2, 3))
    f = lambda d: d["a"] - d["b"]
    got = fx.vmap(f, in_axes=({"a": 0, "b": 1},))({"a": x, "b": y})
    np.testing.assert_allclose(got, x - y.T)


def test_keyword_arguments_are_batched_along_axis_0(rng):
    x, y = rng.standard_normal((3, 2)), rng.standard_normal((3, 2))
    got = fx.vmap(lambda a, *, b: a * b, in_axes=0)(x, b=y)
    np.testing.assert_allclose(got, x * y)


@pytest.mark.parametrize("out_axes", [0, 1, -1])
def test_out_axes_places_the_batch_axis(rng, out_axes):
    x = rng.standard_normal((4, 3))
    got = fx.vmap(lambda a: a * 2.0, out_axes=out_axes)(x)
    np.testing.assert_allclose(got, np.moveaxis(x * 2.0, 0, out_axes))


def test_unbatched_output_is_broadcast_or_returned_as_is_with_out_axes_none(rng):
    x, c = rng.standard_normal((4, 3)), fnp.asarray([1.0, 2.0])
    same, per = fx.vmap(lambda a: (c * 2.0, a), out_axes=(0, 0))(x)
    np.testing.assert_allclose(same, np.tile([2.0, 4.0], (4, 1)))
    kept = fx.vmap(lambda a: (c * 2.0, a), out_axes=(None, 0))(x)[0]
    np.testing.assert_allclose(kept, [2.0, 4.0])


def test_axis_size_when_nothing_is_batched():
    out = fx.vmap(lambda: fnp.asarray(1.0), axis_size=3)()
    np.testing.assert_array_equal(out, [1.0, 1.0, 1.0])


def test_nested_vmap_gives_two_batch_axes(rng):
    x, y = rng.standard_normal((3, 5)), rng.standard_normal((4, 5))
    got = fx.vmap(fx.vmap(lambda a, b: a * b, in_axes=(None, 0)), in_axes=(0, None))(x, y)
    np.testing.assert_allclose(got, x[:, None, :] * y[None, :, :])


def test_empty_batch_and_0d_examples():
    got = fx.vmap(fnp.exp)(fnp.zeros((0, 3)))
    assert got.shape == (0, 3)
    np.testing.assert_allclose(fx.vmap(fnp.exp)(fnp.asarray([0.0, 1.0])), np.exp([0.0, 1.0]), rtol=1e-6)


def test_inconsistent_batch_sizes_name_the_sizes():
    with pytest.raises(ShapeError, match="(?s)different sizes.*same size"):
        fx.vmap(lambda a, b: a + b)(fnp.zeros(3), fnp.zeros(4))
    with pytest.raises(ShapeError, match="different sizes"):
        fx.vmap(lambda a: a, axis_size=2)(fnp.zeros(3))


def test_axes_errors_name_the_fix():
    with pytest.raises(ValueError, match="out of range"):
        fx.vmap(fnp.sin, in_axes=2)(fnp.zeros((2, 2)))
    with pytest.raises(ValueError, match="(?s)0 dimensions.*fix: a 0-d value has no axis to map over: give it None"):
        fx.vmap(lambda a, s: a * s)(fnp.zeros(2), fnp.asarray(3.0))
    with pytest.raises(ValueError, match="one in_axes entry per positional argument"):
        fx.vmap(lambda a, b: a, in_axes=(0,))(fnp.zeros(2), fnp.zeros(2))
    with pytest.raises(ValueError, match="axis_size"):
        fx.vmap(lambda a: a, in_axes=None)(fnp.zeros(2))
    with pytest.raises(ValueError, match="does not match the structure"):
        fx.vmap(lambda d: d["a"], in_axes=({"b": 0},))({"a": fnp.zeros(2)})
    with pytest.raises(TypeError, match="in_axes must be"):
        fx.vmap(fnp.sin, in_axes="0")


def test_out_axes_none_on_a_batched_output_names_the_fix():
    with pytest.raises(ValueError, match="out_axes is None for an output that differs per example"):
        fx.vmap(fnp.sin, out_axes=None)(fnp.zeros(3))


def test_python_if_on_a_batched_value_is_converted_or_names_the_fix(monkeypatch):
    def f(x):
        if x > 0:
            return x
        return -x
    np.testing.assert_allclose(fx.vmap(f)(fnp.asarray([1.0, -2.0])), [1.0, 2.0])
    monkeypatch.setattr(fx.config, "convert_control_flow", False)
    with pytest.raises(ConcretizationError, match="(?s)differs per example.*fx.cond"):
        fx.vmap(f)(fnp.asarray([1.0, -1.0]))


def test_in_place_update_rebinds_a_batched_value(rng):
    x = rng.standard_normal((3, 4)).astype(np.float32)

    def f(a):
        a += 1.0
        b = fnp.zeros(4)
        b += a  # an unbatched value rebound to a batched one
        return b
    np.testing.assert_allclose(fx.vmap(f)(x), x + 1.0)


def test_vmap_of_grad_and_grad_of_vmap_match_a_loop(rng):
    x = rng.standard_normal(5)
    f = lambda a: fnp.sin(a) * a
    per_example = fx.vmap(fx.grad(f))(x)
    np.testing.assert_allclose(per_example, loop(lambda a: float(fx.grad(f)(a)), x), rtol=1e-6)
    through = fx.grad(lambda a: fx.vmap(f)(a).sum())(x)
    np.testing.assert_allclose(through, per_example, rtol=1e-6)


def test_vmap_of_jvp_and_jvp_of_vmap(rng):
    x, t = rng.standard_normal(4), rng.standard_normal(4)
    y, dy = fx.jvp(fx.vmap(fnp.tanh), (x,), (t,))
    np.testing.assert_allclose(dy, t / np.cosh(x) ** 2, rtol=1e-6)
    dy2 = fx.vmap(lambda a, b: fx.jvp(fnp.tanh, (a,), (b,))[1])(x, t)
    np.testing.assert_allclose(dy2, dy, rtol=1e-6)


def test_jit_of_vmap_and_vmap_of_jit_equal_eager(rng):
    x = rng.standard_normal((3, 4)).astype(np.float32)
    f = lambda a: fnp.exp(a) * 2.0 - a
    eager = fx.vmap(f)(x)
    np.testing.assert_allclose(fx.jit(fx.vmap(f))(x), eager, rtol=1e-6)
    np.testing.assert_allclose(fx.vmap(fx.jit(f))(x), eager, rtol=1e-6)


def test_custom_jvp_rule_still_applies_under_vmap():
    @fx.custom_jvp
    def f(x):
        return fnp.log1p(fnp.exp(x))
    f.defjvp(lambda p, t: (f(*p), t[0] * 2.0))  # a deliberately different rule, to see it used
    xs = fnp.asarray([1.0, 2.0, 3.0])
    np.testing.assert_allclose(fx.grad(lambda x: fx.vmap(f)(x).sum())(xs), [2.0, 2.0, 2.0])
    np.testing.assert_allclose(fx.vmap(fx.grad(f))(xs), [2.0, 2.0, 2.0])


def test_custom_vjp_rule_still_applies_under_vmap():
    g = fx.custom_vjp(fnp.sin)
    g.defvjp(lambda x: (fnp.sin(x), fnp.cos(x)), lambda c, ct: (3.0 * ct * c,))
    xs = np.array([1.0, 2.0, 3.0])
    np.testing.assert_allclose(fx.grad(lambda x: fx.vmap(g)(x).sum())(xs), 3 * np.cos(xs), rtol=1e-6)
    np.testing.assert_allclose(fx.vmap(fx.grad(g))(xs), 3 * np.cos(xs), rtol=1e-6)

@pytest.mark.parametrize("transform", [lambda f: f, fx.jit], ids=["eager", "jit"])
def test_custom_rules_apply_under_vmap_to_an_unbatched_differentiated_argument(transform):
    # the rules (deliberately unlike the functions' derivatives) must apply although x, which an outer
    # derivative differentiates, is not batched; the function and rule may close over batched values
    es = np.array([1.0, 2.0, 3.0])
    f = fx.custom_jvp(fnp.sin)
    f.defjvp(lambda p, t: (f(p[0]), 100.0 * t[0]))
    g = fx.custom_vjp(fnp.sin)
    g.defvjp(lambda x: (fnp.sin(x), None), lambda r, ct: (7.0 * ct,))

    def closing(x):
        def per(e):
            @fx.custom_jvp
            def h(x):
                return fnp.sin(x) * e
            h.defjvp(lambda p, t: (h(p[0]), 5.0 * t[0] * e))
            return h(x)
        return fx.vmap(per)(es)

    x, total = 0.5, es.sum()
    _, tangent = fx.jvp(lambda x: fx.vmap(lambda e: f(x) * e)(es), (x,), (1.0,))
    np.testing.assert_allclose(tangent, 100.0 * es)
    np.testing.assert_allclose(transform(fx.grad(lambda x: fx.vmap(lambda e: f(x) * e)(es).sum()))(x), 100.0 * total)
    np.testing.assert_allclose(transform(fx.grad(lambda x: fx.vmap(lambda e: g(x) * e)(es).sum()))(x), 7.0 * total)
    np.testing.assert_allclose(transform(fx.grad(lambda x: closing(x).sum()))(x), 5.0 * total)
    np.testing.assert_allclose(transform(closing)(x), np.sin(x) * es, rtol=1e-6)



def test_checkpoint_under_vmap_keeps_gradients_and_saves_only_inputs():
    h = fx.checkpoint(lambda x: fnp.sin(fnp.sin(x)))
    xs = np.array([0.1, 0.2, 0.3])
    expected = np.cos(np.sin(xs)) * np.cos(xs)
    np.testing.assert_allclose(fx.grad(lambda x: fx.vmap(h)(x).sum())(xs), expected, rtol=1e-6)
    np.testing.assert_allclose(fx.vmap(fx.grad(h))(xs), expected, rtol=1e-6)
    assert len(fx.saved_residuals(lambda x: fx.vmap(h)(x).sum(), xs)) == 1


def test_per_example_gradients(rng):
    w, xs = rng.standard_normal(3), rng.standard_normal((5, 3))
    loss = lambda w, x: fnp.tanh((w * x).sum())
    got = fx.vmap(fx.grad(loss), in_axes=(None, 0))(w, xs)
    expected = np.stack([(1 - np.tanh(w @ x) ** 2) * x for x in xs])
    np.testing.assert_allclose(got, expected, rtol=1e-6)


def test_jacobians_are_batched_and_match_finite_structure(rng):
    x = rng.standard_normal(3)
    f = lambda a: fnp.sin(a) * a[::-1]
    jf, jr = fx.jacfwd(f)(x), fx.jacrev(f)(x)
    expected = np.diag(np.cos(x) * x[::-1]) + np.sin(x)[:, None] * np.eye(3)[::-1]
    np.testing.assert_allclose(jf, expected, rtol=1e-6)
    np.testing.assert_allclose(jr, expected, rtol=1e-6)
    h = fx.hessian(lambda a: (a ** 3).sum())(x)
    np.testing.assert_allclose(h, np.diag(6 * x), rtol=1e-6)
