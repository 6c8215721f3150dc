"""Collectives over named vmap axes inside fx.cond, fx.switch, fx.scan, fx.fori_loop and fx.while_loop.

Oracles: jax.vmap with the same axis_name, jax.lax's control flow and collectives (float64),
NumPy, and central finite differences for what jax does not differentiate (reverse mode through
while_loop). Each per-example function is written once, for fluxion's modules and jax's
(`make(F, L, N)`: fx or jax, their lax, fluxion.numpy or jax.numpy), and run eagerly, under fx.jit
outside the vmap and under fx.jit inside it.
"""
import numpy as np
import pytest

import fluxion as fx
import fluxion.numpy as fnp
from fluxion import lax

from _loop import total_grad as _total_grad


MODES = {
    "eager": lambda f, kw: fx.vmap(f, axis_name="i", **kw),
    "jit outside": lambda f, kw: fx.jit(fx.vmap(f, axis_name="i", **kw)),
    "jit inside": lambda f, kw: fx.vmap(fx.jit(f), axis_name="i", **kw),
}


def _close(got, want, rtol=1e-10):
    got, want = fx.tree.leaves(got), [np.asarray(w) for w in _leaves(want)]
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert g.shape == w.shape
        np.testing.assert_allclose(g, w, rtol=rtol, atol=1e-12)


def _leaves(tree):
    import jax
    return jax.tree_util.tree_leaves(tree)


def _ours(make):
    return make(fx, lax, fnp)


def _theirs(jax, make):
    return make(jax, jax.lax, jax.numpy)


def _check(jax, make, args, *modes, **vmap_kw):
    """fluxion's vmap of `make`'s function in each of `modes` (default: eager) against jax.vmap's, on `args`."""
    want = jax.jit(jax.vmap(_theirs(jax, make), axis_name="i", **vmap_kw))(*args)
    for mode in modes or ("eager",):
        _close(MODES[mode](_ours(make), vmap_kw)(*args), want)


# cond and switch ------------------------------------------------------------------------------------
def _cond_batched_pred(F, L, N):
    # each example picks its branch: as in jax, both run and the collectives see every example
    return lambda y: L.cond(y.sum() > 0, lambda z: L.psum(z, "i") * z, lambda z: L.pmean(z, "i") - z, y)


def _cond_shared_pred(F, L, N):
    return lambda y, p: L.cond(p > 0, lambda z: L.psum(z, "i") * L.axis_index("i"), lambda z: L.pmax(z, "i"), y)


def test_cond_with_a_per_example_predicate_matches_jax(jax, rng):
    _check(jax, _cond_batched_pred, (rng.standard_normal((5, 3)),), *MODES)


@pytest.mark.parametrize("p", [1.0, -1.0])
def test_cond_with_a_shared_predicate_matches_jax(jax, rng, p):
    _check(jax, _cond_shared_pred, (rng.standard_normal((4, 3)), p), *MODES, in_axes=(0, None))


def test_cond_on_values_no_example_differs_in_still_combines_the_examples(jax, rng):
    x = rng.standard_normal(3)
    make = lambda F, L, N: lambda y, p: L.cond(p > 0, lambda z: L.psum(z, "i"), lambda z: 2 * z, y)  # noqa: E731
    _check(jax, make, (x, 1.0), in_axes=(None, None), axis_size=5)
    got = fx.vmap(_ours(make), in_axes=(None, None), axis_size=5, axis_name="i")(x, 1.0)
    np.testing.assert_allclose(got, np.broadcast_to(5 * x, (5, 3)))


def test_cond_matches_a_loop_over_the_examples_with_the_sums_taken_first(rng):
    x = rng.standard_normal((6, 2))
    got = fx.vmap(_ours(_cond_batched_pred), axis_name="i")(x)
    total, mean = x.sum(0), x.mean(0)
    want = [v * total if v.sum() > 0 else mean - v for v in x]
    np.testing.assert_allclose(got, want, rtol=1e-12)


def test_switch_with_a_per_example_index_matches_jax(jax, rng):
    def make(F, L, N):
        branches = [lambda z: L.psum(z, "i"), lambda z: z ** 3, lambda z: L.all_gather(z, "i")[0] * z]
        return lambda y: L.switch(N.argmax(y), branches, y)
    _check(jax, make, (rng.standard_normal((6, 3)),), *MODES)


# loops --------------------------------------------------------------------------------------------
def _scan(F, L, N):
    def body(c, e):
        return N.sin(c) + L.psum(e * c, "i"), L.pmean(c * e, "i")
    return lambda y: L.scan(body, y[0], y)


def test_scan_with_collectives_in_its_body_matches_jax(jax, rng):
    _check(jax, _scan, (rng.standard_normal((4, 5)),), *MODES)


def test_scan_matches_a_python_loop_with_the_sums_over_the_examples(rng):
    xs = rng.standard_normal((4, 5))  # example b scans over xs[b]
    got_c, got_y = fx.vmap(_ours(_scan), axis_name="i")(xs)
    c, ys = xs[:, 0], []
    for t in range(xs.shape[1]):
        e = xs[:, t]
        c, y = np.sin(c) + np.sum(e * c), np.mean(c * e)
        ys.append(y)
    np.testing.assert_allclose(got_c, c, rtol=1e-12)
    np.testing.assert_allclose(got_y, np.broadcast_to(ys, xs.shape), rtol=1e-12)


def test_scan_over_values_no_example_differs_in_matches_jax(jax):
    def make(F, L, N):
        body = lambda y: lambda c, _: (c + L.psum(y, "i") + L.axis_index("i"), c)  # noqa: E731
        return lambda y: L.scan(body(y), 0.0, None, length=3)
    _check(jax, make, (np.float64(0.5),), in_axes=None, axis_size=4)


def test_fori_loop_with_static_and_traced_bounds_matches_jax(jax, rng):
    x = rng.standard_normal((4, 3))
    make = lambda F, L, N: lambda y, n: L.fori_loop(0, n, lambda k, c: c + L.psum(c * k, "i") * 0.1, y)  # noqa: E731
    _check(jax, make, (x, 3), *MODES, in_axes=(0, None))
    static = lambda F, L, N: lambda y: L.fori_loop(0, 3, lambda k, c: c + L.pmean(c, "i") * k, y)  # noqa: E731
    _check(jax, static, (x,), *MODES)


def _while_shared_count(F, L, N):
    # the condition takes the largest count over the examples: every example runs the same steps
    def body(c):
        return c[0] + N.sin(L.psum(c[0], "i")) * 0.1, c[1] + N.abs(c[0][0]) + 1.0
    return lambda y: L.while_loop(lambda c: L.pmax(c[1], "i") < 6.0, body, (y, 0.0 * y[0]))


def _while_own_count(F, L, N):
    # each example stops on its own; a finished example's frozen state still enters the sums
    def body(c):
        return c[0] + N.sin(L.psum(c[0], "i")) * 0.1, c[1] + 1.0
    return lambda y: L.while_loop(lambda c: c[1] < 2.0 + L.axis_index("i"), body, (y, 0.0 * y[0]))


@pytest.mark.parametrize("make", [_while_shared_count, _while_own_count])
def test_while_loop_with_collectives_matches_jax(jax, rng, make):
    _check(jax, make, (rng.standard_normal((4, 3)),), *MODES)


def test_while_loop_whose_condition_takes_pmax_runs_every_example_the_same_steps(rng):
    x = np.abs(rng.standard_normal(4)) + np.array([0.0, 1.0, 2.0, 3.0])
    steps = fx.vmap(lambda v: lax.while_loop(lambda c: lax.pmax(c[0], "i") < 10.0, lambda c: (c[0] + v, c[1] + 1),
                                             (v, 0))[1], axis_name="i")(x)
    want = next(k for k in range(100) if ((k + 1) * x).max() >= 10.0)
    assert steps.tolist() == [want] * 4


# nested vmaps ------------------------------------------------------------------------------------
@pytest.mark.parametrize("inner_name", ["j", None])
def test_a_body_naming_the_outer_axis_inside_an_inner_vmap_matches_jax(jax, rng, inner_name):
    def make(F, L, N):
        def per_example(z):
            y = L.cond(z.sum() > 0, lambda w: L.psum(w, "i"), lambda w: -w, z)
            return L.scan(lambda c, e: (c + L.psum(e, "i") * L.axis_index("i"), c), 0.0, y)
        return lambda v: F.vmap(per_example, axis_name=inner_name)(v)
    _check(jax, make, (rng.standard_normal((3, 2, 4)),), *MODES)


def test_a_body_combining_over_both_names_matches_jax(jax, rng):
    def make(F, L, N):
        body = lambda c, e: (c + L.psum(e, ("i", "j")) - L.pmean(e, "j"), L.all_gather(c, "i"))  # noqa: E731
        return lambda v: F.vmap(lambda z: L.scan(body, 0.0, z), axis_name="j")(v)
    _check(jax, make, (rng.standard_normal((2, 3, 4)),))


def test_a_body_batched_once_unnamed_and_once_named_is_batched_anew(jax, rng):
    # the branches are one program in both calls, batched by the rule of a shared predicate: the
    # program batched along an unnamed axis of the same size must not be reused along the named
    # one, where the psum combines those examples
    x = rng.standard_normal((4, 4))
    per_example = lambda L: lambda z, p: L.cond(p > 0, lambda w: L.psum(w, "i"), lambda w: -w, z)  # noqa: E731

    def inner(F, L):
        return F.vmap(lambda v: F.vmap(per_example(L), in_axes=(0, None))(v, 1.0), axis_name="i")(x)

    def named(F, L):
        return F.vmap(per_example(L), in_axes=(0, None), axis_name="i")(x[0], 1.0)

    _close(inner(fx, lax), inner(jax, jax.lax))
    _close(named(fx, lax), named(jax, jax.lax))


def test_python_control_flow_under_vmap_converts_with_its_collectives(jax, rng):
    def ours(v):
        if v.sum() > 0:
            v = lax.psum(v, "i")
        else:
            v = v * 2
        k = 0
        while lax.pmax(v.sum(), "i") < 20.0 and k < 100:
            v = v + 1.0
            k += 1
        return v

    def theirs(v):
        v = jax.lax.cond(v.sum() > 0, lambda v: jax.lax.psum(v, "i"), lambda v: v * 2, v)
        return jax.lax.while_loop(lambda c: (jax.lax.pmax(c[0].sum(), "i") < 20.0) & (c[1] < 100),
                                  lambda c: (c[0] + 1.0, c[1] + 1), (v, 0))[0]

    x = rng.standard_normal((4, 3))
    want = jax.jit(jax.vmap(theirs, axis_name="i"))(x)
    for mode in MODES:
        _close(MODES[mode](ours, {})(x), want)


# derivatives ------------------------------------------------------------------------------------------
DIFFERENTIABLE = {
    "cond": lambda F, L, N: lambda y: L.cond(y.sum() > 0, lambda z: L.psum(z ** 2, "i") * z, lambda z: N.sin(z), y),
    "switch": lambda F, L, N: lambda y: L.switch(N.argmax(y), [lambda z: L.psum(z ** 2, "i") * z, lambda z: z ** 3,
                                                               lambda z: L.all_gather(z, "i")[0] * z], y),
    "scan": lambda F, L, N: lambda y: L.scan(lambda c, e: (N.sin(c) + L.psum(e * c, "i"), L.pmean(c * e, "i")),
                                             y[0], y)[1],
    "fori_loop": lambda F, L, N: lambda y: L.fori_loop(0, 3, lambda k, c: c + N.tanh(L.psum(c * c, "i")) * 0.3, y),
}


@pytest.mark.parametrize("case", sorted(DIFFERENTIABLE))
def test_gradients_inside_and_around_the_vmap_match_jax(jax, rng, case):
    f, g = _ours(DIFFERENTIABLE[case]), _theirs(jax, DIFFERENTIABLE[case])
    x = rng.standard_normal((4, 3)) + np.array([[2.0, 0, 0], [0, 2.0, 0], [0, 0, 2.0], [-2.0, 0, 0]])
    per_example = jax.jit(jax.vmap(jax.grad(lambda v: g(v).sum()), axis_name="i"))(x)
    _close(fx.vmap(fx.grad(lambda v: f(v).sum()), axis_name="i")(x), per_example)
    _close(fx.jit(fx.vmap(fx.grad(lambda v: f(v).sum()), axis_name="i"))(x), per_example)
    around = jax.jit(jax.grad(lambda X: jax.vmap(g, axis_name="i")(X).sum()))(x)
    _close(fx.grad(lambda X: fx.vmap(f, axis_name="i")(X).sum())(x), around)


@pytest.mark.parametrize("case", sorted(DIFFERENTIABLE) + ["while shared count", "while own count"])
def test_jvps_inside_and_around_the_vmap_match_jax(jax, rng, case):
    make = {"while shared count": _while_shared_count, "while own count": _while_own_count}.get(case)
    make = DIFFERENTIABLE[case] if make is None else make
    f, g = _ours(make), _theirs(jax, make)
    x, t = rng.standard_normal((4, 3)), rng.standard_normal((4, 3))
    _close(fx.vmap(lambda a, b: fx.jvp(f, (a,), (b,)), axis_name="i")(x, t),
           jax.jit(jax.vmap(lambda a, b: jax.jvp(g, (a,), (b,)), axis_name="i"))(x, t))
    _close(fx.jvp(fx.vmap(f, axis_name="i"), (x,), (t,)),
           jax.jit(lambda a, b: jax.jvp(jax.vmap(g, axis_name="i"), (a,), (b,)))(x, t))


def test_gradient_of_one_number_per_example_matches_jax(jax, rng):
    # (fx.grad tries forward mode first for one number; the collectives send it to reverse mode)
    make = lambda F, L, N: lambda v: L.cond(v > 0, lambda z: L.psum(z ** 2, "i"), lambda z: 3 * z, v)  # noqa: E731
    s = rng.standard_normal(5)
    _close(fx.vmap(fx.grad(_ours(make)), axis_name="i")(s),
           jax.jit(jax.vmap(jax.grad(_theirs(jax, make)), axis_name="i"))(s))


def test_reverse_mode_through_a_while_loop_with_a_shared_count_matches_finite_differences(rng):
    f = lambda y: _ours(_while_shared_count)(y)[0]  # noqa: E731
    x = rng.standard_normal((4, 3))
    want = _total_grad(fx.vmap(f, axis_name="i"), x)
    np.testing.assert_allclose(fx.vmap(fx.grad(lambda v: f(v).sum()), axis_name="i")(x), want, rtol=1e-6)
    np.testing.assert_allclose(fx.grad(lambda X: fx.vmap(f, axis_name="i")(X).sum())(x), want, rtol=1e-6)


# errors ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("loop", ["cond", "scan", "while_loop"])
def test_a_name_no_vmap_binds_inside_a_body_names_the_fix(rng, loop):
    bodies = {
        "cond": lambda v: fx.cond(v.sum() > 0, lambda z: lax.psum(z, "k"), lambda z: z, v),
        "scan": lambda v: fx.scan(lambda c, e: (c + lax.psum(e, "k"), c), 0.0, v)[0],
        "while_loop": lambda v: fx.while_loop(lambda c: lax.psum(c, "k").sum() < 3.0, lambda c: c + 1.0, v),
    }
    with pytest.raises(NameError, match=r"axis name 'k' is not bound(.|\n)*fix: call it inside fx.vmap"):
        fx.vmap(bodies[loop], axis_name="i")(rng.standard_normal((3, 2)))
    with pytest.raises(NameError, match="axis name 'k' is not bound"):
        fx.jit(fx.vmap(bodies[loop], axis_name="i"))(rng.standard_normal((3, 2)))


def test_per_example_reverse_mode_through_a_loop_of_per_example_length_with_a_collective_names_the_fix(rng):
    f = _ours(_while_own_count)
    x = rng.standard_normal((3, 2))
    for wrap in (lambda g: g, fx.jit):
        with pytest.raises(fx.errors.UnsupportedError, match=r"differs per example(.|\n)*fix: take the gradient "
                           r"around the vmap"):
            wrap(fx.vmap(fx.grad(lambda v: f(v)[0].sum()), axis_name="i"))(x)


# collectives of values no example differs in: weak Python numbers stay weak -----------------------
WEAK_CASES = {
    "psum added to float16": (lambda F, L, N: lambda y: y + L.psum(1.0, "i"), np.float16),
    "psum added to int8": (lambda F, L, N: lambda y: y + L.psum(1, "i"), np.int8),
    "pmean added to float16": (lambda F, L, N: lambda y: y + L.pmean(2.0, "i"), np.float16),
    "psum in cond": (lambda F, L, N: lambda y: L.cond(True, lambda: L.psum(1.0, "i"), lambda: 0.0) + y, np.float32),
    "psum in fori_loop": (lambda F, L, N: lambda y: L.fori_loop(0, 2, lambda i, c: c + L.psum(1, "i"), 0) * y,
                          np.float32),
    "pmean in switch": (lambda F, L, N: lambda y: L.switch(1, [lambda: 0.0, lambda: L.pmean(2.0, "i")]) + y,
                        np.float32),
    "psum of booleans": (lambda F, L, N: lambda y: L.psum(y > 0, "i"), np.float32),
}


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("case", WEAK_CASES)
def test_collectives_of_python_numbers_and_booleans_match_jax_values_and_dtypes(jax, mode, case):
    make, dtype = WEAK_CASES[case]
    x = np.array([1, -2, 3], dtype)
    want = jax.vmap(_theirs(jax, make), axis_name="i")(x)
    got = MODES[mode](_ours(make), {})(x)
    assert got.dtype == want.dtype
    np.testing.assert_array_equal(got, want)
