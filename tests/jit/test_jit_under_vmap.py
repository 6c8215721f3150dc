"""A jitted function under a vmap that runs eagerly is compiled batched (traced once per signature,
as `jit(vmap(f))`), and gives what a Python loop over the examples gives. Where it cannot be
compiled that way (it uses the vmap's values without receiving them, or needs a concrete value),
the vmap runs it operation by operation, with the same results."""
import numpy as np
import pytest

import fluxion as fx
import fluxion.numpy as fnp

from test_jit import counting

RNG = np.random.default_rng(0)
XS = RNG.standard_normal((5, 3))
W = RNG.standard_normal((3, 4))


def looped(f, in_axes, *args):
    """f over the examples, one at a time, stacked along axis 0."""
    size = next(a.shape[ax] for a, ax in zip(args, in_axes) if ax is not None)
    outs = [f(*[a if ax is None else np.take(a, i, axis=ax) for a, ax in zip(args, in_axes)]) for i in range(size)]
    return fx.tree.map(lambda *o: np.stack([np.asarray(x) for x in o]), *outs)


def layer(x, w):
    return fnp.tanh(x @ w) * 2.0, fnp.sum(w)


@pytest.mark.parametrize("in_axes,args", [
    ((0, None), (XS, W)),
    ((1, None), (XS.T, W)),
    ((-1, None), (XS.T, W)),
    ((0, 0), (XS, np.stack([W] * 5))),
    ((None, 2), (XS[0], np.stack([W] * 5, -1))),
])
def test_compiled_once_and_matches_a_loop(in_axes, args):
    g, traces = counting(layer)
    f = fx.vmap(fx.jit(g), in_axes=in_axes)
    for _ in range(3):
        out = f(*[fnp.asarray(a) for a in args])
    assert len(traces) == 1  # traced once, then the compiled program runs
    want = looped(layer, in_axes, *args)
    np.testing.assert_allclose(out[0], want[0], rtol=1e-6)
    np.testing.assert_allclose(out[1], want[1], rtol=1e-6)


def test_an_output_that_does_not_depend_on_the_examples_stays_unbatched():
    out, total = fx.vmap(fx.jit(layer), in_axes=(0, None), out_axes=(0, None))(fnp.asarray(XS), fnp.asarray(W))
    assert total.shape == ()
    np.testing.assert_allclose(total, W.sum(), rtol=1e-12)
    np.testing.assert_allclose(out, np.tanh(XS @ W) * 2.0, rtol=1e-6)


def test_keyword_and_static_arguments():
    def f(x, n, scale=1.0):
        return fnp.sum(x[:n]) * scale
    g, traces = counting(f)
    jitted = fx.jit(g, static_argnums=1)
    for n in (1, 2, 2):
        out = fx.vmap(lambda x: jitted(x, n, scale=3.0))(fnp.asarray(XS))
        np.testing.assert_allclose(out, XS[:, :n].sum(1) * 3.0, rtol=1e-12)
    assert len(traces) == 2  # one trace per value of the static argument
    scaled = fx.jit(lambda x, k: x * k, static_argnums=1)
    ints = fnp.ones((2, 3), dtype=fnp.int32)
    for k in (2, 2.0):  # equal, but of other types, which give other dtypes
        got = fx.vmap(scaled, in_axes=(0, None))(ints, k)
        assert got.dtype == scaled(ints, k).dtype == (np.int32 if k.__class__ is int else np.float32)


def test_python_control_flow_on_batched_values_is_converted():
    def f(x):
        if fnp.sum(x) > 0:
            return x * 2.0
        return -x
    out = fx.vmap(fx.jit(f))(fnp.asarray(XS))
    np.testing.assert_allclose(out, np.where(XS.sum(1, keepdims=True) > 0, XS * 2.0, -XS), rtol=1e-12)


def test_collectives_over_the_vmap_axis_name():
    f = fx.jit(lambda x: x - fx.lax.pmean(x, "i"))
    out = fx.vmap(f, axis_name="i")(fnp.asarray(XS))
    np.testing.assert_allclose(out, XS - XS.mean(0), rtol=1e-12, atol=1e-15)


def test_random_draws_match_a_loop_bit_for_bit():
    keys = fx.random.split(fx.random.key(0), 4)
    f = fx.jit(lambda k: fx.random.normal(k, (3,)))
    out = fx.vmap(f)(keys)
    np.testing.assert_array_equal(out, np.stack([np.asarray(f(k)) for k in keys]))


def test_nested_vmaps_and_grad_of_vmap_match_a_loop():
    f = fx.jit(lambda x, w: fnp.sum(fnp.sin(x @ w)))
    xs = fnp.asarray(np.stack([XS, 2 * XS]))
    out = fx.vmap(fx.vmap(f, in_axes=(0, None)), in_axes=(0, None))(xs, fnp.asarray(W))
    np.testing.assert_allclose(out, np.sin(np.asarray(xs) @ W).sum(-1), rtol=1e-12)
    g = fx.grad(lambda w: fnp.sum(fx.vmap(f, in_axes=(0, None))(fnp.asarray(XS), w)))(fnp.asarray(W))
    np.testing.assert_allclose(g, XS.T @ np.cos(XS @ W), rtol=1e-10)


def test_a_function_using_the_vmaps_values_without_receiving_them():
    def batched(x):
        inner = fx.jit(lambda y: x * y)  # closes over the batched x
        return inner(2.0)
    np.testing.assert_allclose(fx.vmap(batched)(fnp.asarray(XS)), 2 * XS, rtol=1e-12)

    class Scaled:  # holds the batched value in an attribute, which only tracing finds
        def __init__(self, s):
            self.s = s

        def __call__(self, y):
            return self.s * y
    np.testing.assert_allclose(fx.vmap(lambda x: fx.jit(Scaled(x))(3.0))(fnp.asarray(XS)), 3 * XS, rtol=1e-12)


def test_a_concrete_value_of_an_unbatched_argument():
    def f(x, k):
        return x * float(k)  # needs k's value: the vmap runs it operation by operation
    out = fx.vmap(fx.jit(f), in_axes=(0, None))(fnp.asarray(XS), fnp.asarray(3.0))
    np.testing.assert_allclose(out, XS * 3.0, rtol=1e-12)


def test_outputs_of_every_kind():
    f = fx.jit(lambda x: {"x": x, "none": None, "one": 1.0, "pair": (x.sum(), x.shape[0])})
    out = fx.vmap(f)(fnp.asarray(XS))
    np.testing.assert_allclose(out["x"], XS, rtol=0)
    np.testing.assert_allclose(out["pair"][0], XS.sum(1), rtol=1e-12)
    assert out["none"] is None
    np.testing.assert_array_equal(out["one"], np.ones(5))
    np.testing.assert_array_equal(out["pair"][1], np.full(5, 3))


def test_errors_speak_of_one_example():
    with pytest.raises(fx.errors.ShapeError, match=r"\(3,\)"):
        fx.vmap(fx.jit(lambda x: x @ fnp.ones((4, 2))))(fnp.asarray(XS))


def test_one_jitted_function_under_vmaps_of_other_sizes_and_axes():
    g, traces = counting(lambda x, w: (fnp.tanh(x @ w), w * 2.0))
    f = fx.jit(g)
    for size, axis in [(2, 0), (3, 0), (2, 1), (2, 0)]:
        xs = XS[:size] if axis == 0 else XS[:size].T
        out, w2 = fx.vmap(f, in_axes=(axis, None), out_axes=(0, None))(fnp.asarray(xs), fnp.asarray(W))
        np.testing.assert_allclose(out, np.tanh(XS[:size] @ W), rtol=1e-6)
        np.testing.assert_allclose(w2, W * 2.0, rtol=0)
    assert len(traces) == 3  # the repeated signature is not traced again


def test_nested_vmaps_compile_once_with_both_axis_names():
    g, traces = counting(lambda x, w: fnp.tanh(x @ w) - fx.lax.pmean(x @ w, "i") + fx.lax.psum(x[0], "j"))
    f = fx.jit(g)
    xs = RNG.standard_normal((2, 5, 3))
    nested = fx.vmap(fx.vmap(f, in_axes=(0, None), axis_name="j"), in_axes=(1, None), axis_name="i")
    for _ in range(3):
        out = nested(fnp.asarray(xs), fnp.asarray(W))
    assert len(traces) == 1
    h = xs.transpose(1, 0, 2) @ W  # [i, j, :]
    want = np.tanh(h) - h.mean(0) + xs.transpose(1, 0, 2)[:, :, 0].sum(1)[:, None, None]
    np.testing.assert_allclose(out, want, rtol=1e-12)
