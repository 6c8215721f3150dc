"""Host callbacks: fx.pure_callback, fx.debug.callback and fx.debug.print, eagerly and under
jit, vmap and differentiation.

Oracles: the NumPy function the callback wraps (values), a Python loop over examples (vmap),
finite differences (a derivative given by custom_jvp), and the values a callback receives,
recorded and compared with the arrays passed.
"""
import numpy as np
import pytest

import fluxion as fx
import fluxion.numpy as fnp

X = np.asarray([0.25, -1.5, 2.0], np.float32)


def _sinc(x):
    return fx.pure_callback(np.sinc, fx.ShapeDtypeStruct(x.shape, x.dtype), x)


def _recorder():
    seen = []
    return seen, lambda *args, **kwargs: seen.append((args, kwargs))


# pure_callback ------------------------------------------------------------------------------
def test_pure_callback_gives_the_host_functions_values_eagerly_and_under_jit():
    x = fnp.asarray(X)
    for f in (_sinc, fx.jit(_sinc)):
        out = f(x)
        assert out.dtype == fnp.float32 and out.shape == (3,)
        np.testing.assert_array_equal(out, np.sinc(X))
    with_sharding = fx.jit(lambda v: fx.pure_callback(np.sinc, v, v, sharding=None))  # (jax's keyword, ignored)
    np.testing.assert_array_equal(with_sharding(x), np.sinc(X))


def test_pure_callback_takes_and_returns_pytrees_with_keywords_and_static_leaves():
    def host(pair, scale, name=""):
        a, b = pair
        assert isinstance(a, np.ndarray) and name == "sum"  # arrays arrive as NumPy arrays, strings as they are
        return {"total": (a + b) * scale, "count": np.asarray(a.size, np.int32)}

    types = {"total": fx.ShapeDtypeStruct((3,), fnp.float32), "count": fx.ShapeDtypeStruct((), fnp.int32)}
    f = lambda x, y: fx.pure_callback(host, types, (x, y), 2.0, name="sum")
    for g in (f, fx.jit(f)):
        out = g(fnp.asarray(X), fnp.ones(3))
        np.testing.assert_allclose(out["total"], (X + 1) * 2)
        assert out["count"].dtype == fnp.int32 and int(out["count"]) == 3


def test_pure_callback_under_vmap_matches_a_loop_for_each_vmap_method():
    rows, col = np.arange(6, dtype=np.float32).reshape(2, 3), np.asarray([1.0, -2.0, 0.5], np.float32)
    calls = []

    def host(a, b):
        calls.append((a.shape, b.shape))
        return a * b + 1

    one = ((3,), (3,))  # the shapes each method calls with, as jax's
    for method, shapes in (("sequential", [one, one]), ("sequential_unrolled", [one, one]),
                           ("expand_dims", [((2, 3), (1, 3))]), ("broadcast_all", [((2, 3), (2, 3))]),
                           ("legacy_vectorized", [((2, 3), (3,))])):
        f = lambda r, c: fx.pure_callback(host, fx.ShapeDtypeStruct((3,), fnp.float32), r, c, vmap_method=method)
        for g, xs in ((fx.vmap(f, in_axes=(0, None)), rows), (fx.jit(fx.vmap(f, in_axes=(1, None))), rows.T)):
            calls.clear()
            out = g(fnp.asarray(xs), fnp.asarray(col))
            np.testing.assert_array_equal(out, np.stack([host(r, col) for r in rows]))
            assert calls[:len(shapes)] == shapes
    for method in fx.ops.callback.VMAP_METHODS:  # no example: no call, as in jax
        calls.clear()
        empty = fx.vmap(lambda r: fx.pure_callback(host, fx.ShapeDtypeStruct((3,), fnp.float32), r, col,
                                                   vmap_method=method))(fnp.ones((0, 3)))
        assert empty.shape == (0, 3) and calls == []


def test_pure_callback_casts_results_of_the_same_kind_and_refuses_others():
    as_f64 = lambda x: fx.pure_callback(lambda a: a.astype(np.float64) * 2, fx.ShapeDtypeStruct((3,), fnp.float32), x)
    out = fx.jit(as_f64)(fnp.asarray(X))
    assert out.dtype == fnp.float32
    np.testing.assert_array_equal(out, X * 2)
    to_int = lambda x: fx.pure_callback(lambda a: a, fx.ShapeDtypeStruct((3,), fnp.int32), x)
    with pytest.raises(TypeError, match="dtype float32, declared int32"):
        to_int(fnp.asarray(X))


def test_pure_callback_errors_name_the_fix():
    x = fnp.asarray(X)
    types = fx.ShapeDtypeStruct((3,), fnp.float32)
    with pytest.raises(ValueError, match=r"shape \(2,\), declared \(3,\)[\s\S]*fix"):
        fx.pure_callback(lambda a: a[:2], types, x)
    with pytest.raises(Exception, match=r"shape \(2,\), declared \(3,\)"):  # raised on the host, inside XLA's call
        fx.jit(lambda x: fx.pure_callback(lambda a: a[:2], types, x))(x).block_until_ready()
    with pytest.raises(TypeError, match="returned a tree"):
        fx.pure_callback(lambda a: (a, a), types, x)
    with pytest.raises(TypeError, match="without a shape and dtype"):
        fx.pure_callback(lambda a: a, "f32[3]", x)
    with pytest.raises(ValueError, match="vmap_method"):
        fx.pure_callback(lambda a: a, types, x, vmap_method="loop")
    with pytest.raises(TypeError, match="expects a function"):
        fx.pure_callback(None, types, x)


def test_pure_callback_operands_are_read_only():
    def host(a):
        a[0] = 0.0
        return a

    with pytest.raises(ValueError, match="read-only"):
        fx.pure_callback(host, fx.ShapeDtypeStruct((3,), fnp.float32), fnp.asarray(X))


def test_pure_callback_has_no_derivative_unless_custom_jvp_gives_one():
    with pytest.raises(NotImplementedError, match="pure_callback[\\s\\S]*custom_jvp"):
        fx.grad(lambda x: fnp.sum(_sinc(x)))(fnp.asarray(X))

    @fx.custom_jvp
    def sin(x):
        return fx.pure_callback(np.sin, fx.ShapeDtypeStruct(x.shape, x.dtype), x)

    sin.defjvp(lambda primals, tangents: (sin(primals[0]), fnp.cos(primals[0]) * tangents[0]))
    x = np.asarray([0.3, 1.1, -2.0])
    g = fx.grad(lambda x: fnp.sum(sin(x) ** 2))
    eps = 1e-6
    fd = [(np.sum(np.sin(x + eps * e) ** 2) - np.sum(np.sin(x - eps * e) ** 2)) / (2 * eps) for e in np.eye(3)]
    for out in (g(fnp.asarray(x)), fx.jit(g)(fnp.asarray(x))):
        np.testing.assert_allclose(out, fd, rtol=1e-6)


def test_an_unused_pure_callback_may_be_dropped_under_jit_but_a_debug_callback_is_kept():
    pure, debug = [], []

    def f(x):
        fx.pure_callback(lambda a: pure.append(1) or a, fx.ShapeDtypeStruct((3,), fnp.float32), x)
        fx.debug.callback(lambda a: debug.append(a), x * 2)
        return x + 1

    fx.jit(f)(fnp.asarray(X)).block_until_ready()
    assert pure == [] and len(debug) == 1
    np.testing.assert_array_equal(debug[0], X * 2)


# debug.callback and debug.print ----------------------------------------------------------------
def test_debug_callback_sees_the_values_eagerly_under_jit_vmap_and_grad():
    x = fnp.asarray(X)
    seen, record = _recorder()

    def f(v):
        fx.debug.callback(record, v, scale=v.sum())
        return fnp.sum(v ** 2)

    for run in (f, fx.jit(f), fx.grad(f), fx.jit(fx.grad(f)), lambda v: fx.jvp(f, (v,), (v,))):
        seen.clear()
        run(x)
        ((args, kwargs),) = seen
        assert isinstance(args[0], fx.Array)  # values, not their derivatives
        np.testing.assert_array_equal(args[0], X)
        np.testing.assert_allclose(kwargs["scale"], X.sum())
    for run in (fx.vmap(f), fx.jit(fx.vmap(f))):
        seen.clear()
        run(fnp.asarray(np.stack([X, 2 * X])))
        assert len(seen) == 2  # one call per example
        np.testing.assert_array_equal(seen[1][0][0], 2 * X)


def test_debug_print_formats_values_as_numpy_prints_them(capsys):
    x = fnp.asarray(X)

    def f(v):
        fx.debug.print("v = {}, total = {t:.3f}", v, t=v.sum())
        return v * 2

    expected = f"v = {X}, total = {X.sum():.3f}\n"
    for run in (f, fx.jit(f)):
        run(x).block_until_ready()
        assert capsys.readouterr().out == expected
    fx.jit(lambda v: (fx.debug.print("no operands"), v)[1])(x).block_until_ready()
    assert capsys.readouterr().out == "no operands\n"
    with pytest.raises(TypeError, match="format must be a string"):
        fx.debug.print(x)


def _effects_in_every_place(v, seen, ordered=False):
    """Callbacks at the top level, in a branch and in loops, some of which take no traced operand."""
    def note(tag):
        return lambda *values: seen.append((tag, *[float(np.sum(w)) for w in values]))

    fx.debug.callback(note("top"), v.sum(), ordered=ordered)
    fx.debug.callback(note("constant"), fnp.asarray(3.0), ordered=ordered)
    fx.lax.cond(True, lambda: fx.debug.callback(note("branch"), ordered=ordered), lambda: None)
    fx.lax.fori_loop(0, 2, lambda i, c: (fx.debug.callback(note("fori"), i, ordered=ordered), c)[1], 0)
    c, _ = fx.lax.scan(lambda c, _: (fx.debug.callback(note("scan"), c, ordered=ordered), (c + 1, None))[1],
                       0, None, length=2)
    fx.debug.callback(note("end"), v * c, ordered=ordered)
    return v * 2


def test_callbacks_in_loops_and_branches_of_constants_run_at_every_call_under_jit():
    # (they ran once, as the program was traced, where every operand was known)
    eager, jitted = [], []
    _effects_in_every_place(fnp.asarray(X), eager)
    f = fx.jit(lambda v: _effects_in_every_place(v, jitted))
    for _ in range(2):
        f(fnp.asarray(X)).block_until_ready()
    assert sorted(jitted) == sorted(eager * 2)


def test_ordered_callbacks_run_in_program_order_under_jit_vmap_and_grad():
    eager = []
    _effects_in_every_place(fnp.asarray(X), eager, ordered=True)
    for transform in (fx.jit, lambda f: fx.jit(fx.grad(lambda v: f(v).sum()))):
        seen = []
        transform(lambda v: _effects_in_every_place(v, seen, ordered=True))(fnp.asarray(X)).block_until_ready()
        assert seen == eager
    batched = []
    fx.jit(fx.vmap(lambda v: _effects_in_every_place(v, batched, ordered=True)))(fnp.asarray([X, X]))
    # (once per example where a value of the batch reaches the callback, else once, as in jax)
    assert [tag for tag, *_ in batched] == [tag for tag, *_ in eager for _ in range(2 if tag in ("top", "end") else 1)]


def test_debug_print_inside_loops_and_branches_under_jit(capsys):
    def f(v):
        i = 0
        while fnp.sum(v) < 20.0:
            fx.debug.print("step {} {}", i, v)
            v = v * 2.0
            i += 1
        fx.cond(v.sum() > 0, lambda u: fx.debug.print("positive {}", u), lambda u: fx.debug.print("negative"), v)
        return fnp.sum(v)

    start = np.asarray([1.0, 2.0, 3.0], np.float32)
    expected = [f"step 0 {start}", f"step 1 {start * 2}", f"positive {start * 4}"]
    for run in (f, fx.jit(f)):
        assert float(run(fnp.asarray(start))) == 24.0
        assert capsys.readouterr().out.splitlines() == expected
    fx.jit(lambda xs: fx.scan(lambda c, a: (fx.debug.print("carry {}", c) or c + a, c), 0.0, xs))(fnp.asarray(start))
    assert capsys.readouterr().out.splitlines() == ["carry 0.0", "carry 1.0", "carry 3.0"]


def test_a_print_inside_an_unused_custom_rule_call_or_checkpoint_is_kept_in_loops_and_branches(capsys):
    @fx.custom_jvp
    def noisy(x):
        fx.debug.print("noisy {}", x)
        return x * 2
    noisy.defjvp(lambda p, t: (noisy(p[0]), t[0] * 2))
    for call in (noisy, fx.checkpoint(noisy)):
        def loop(x):
            return fx.lax.fori_loop(0, 2, lambda i, c: (call(c), c + 1)[1], x)

        def branch(x):
            return fx.cond(x > 0, lambda v: (call(v), v)[1], lambda v: v, x)
        for f, printed in ((loop, ["noisy 1.0", "noisy 2.0"]), (branch, ["noisy 1.0"])):
            for run in (f, fx.jit(f)):
                run(fnp.asarray(1.0))
                assert capsys.readouterr().out.splitlines() == printed


def _prints_when_big(x):
    if x[0] > 2.0:  # a branch that changes no variable: only its effects
        fx.debug.print("big {v}", v=x[0])
    return x * 2.0


def test_a_python_if_whose_branch_only_prints_keeps_the_print_under_jit_and_vmap(capsys):
    for run in (_prints_when_big, fx.jit(_prints_when_big)):
        for first, printed in ((3.0, ["big 3.0"]), (1.0, [])):
            np.testing.assert_array_equal(run(fnp.asarray([first, 1.0])), [2 * first, 2.0])
            assert capsys.readouterr().out.splitlines() == printed
    fx.vmap(_prints_when_big)(fnp.asarray([[3.0, 1.0], [1.0, 1.0], [4.0, 0.0]]))
    # (a batched condition runs both branches, as jax's: the print happens in every example)
    assert {"big 3.0", "big 4.0"} <= set(capsys.readouterr().out.splitlines())


def test_debug_print_inside_loop_bodies_under_eager_vmap_and_grad(capsys):
    def show(v, tag):
        fx.debug.print(tag + " {}", fnp.sum(v))
        return v
    xs = fnp.asarray([[3.0, 1.0], [6.0, 2.0]])
    scanned = fx.vmap(lambda v: fx.scan(lambda c, e: (show(c, "S") + e, None), v[0], v)[0])(xs)
    np.testing.assert_array_equal(scanned, [7.0, 14.0])
    looped = fx.vmap(lambda v: fx.fori_loop(0, 2, lambda i, c: show(c, "F") * 1.5, v))(xs)
    np.testing.assert_array_equal(looped, np.asarray(xs) * 2.25)
    assert sorted(capsys.readouterr().out.splitlines()) == sorted(["S 3.0", "S 6.0", "S 6.0", "S 12.0"]
                                                                   + ["F 4.0", "F 8.0", "F 6.0", "F 12.0"])
    g = fx.grad(lambda v: fnp.sum(fx.while_loop(lambda c: fnp.sum(c) < 8.0, lambda c: show(c, "G") * 1.5, v)))
    np.testing.assert_array_equal(g(fnp.asarray([3.0, 1.0])), [2.25, 2.25])
    assert "G 4.0" in capsys.readouterr().out


@pytest.mark.parametrize("loop", ["scan", "fori_loop"])
def test_reverse_mode_through_a_loop_whose_body_prints_its_carry_prints_each_step_once(capsys, loop):
    def body(c, x):
        fx.debug.print("c={}", c)
        fx.debug.print("step")  # (no operand)
        return c * x, None
    if loop == "scan":
        f = lambda v: fx.lax.scan(body, fnp.float32(1.0), v)[0]
    else:
        f = lambda v: fx.lax.fori_loop(0, 3, lambda i, c: body(c, v[i])[0], fnp.float32(1.0))
    v = np.asarray([2.0, 3.0, 4.0], np.float32)
    want = [12.0, 8.0, 6.0]  # of the product's gradient
    for run in (fx.grad(f), fx.jit(fx.grad(f)), lambda x: fx.vjp(f, x)[1](fnp.float32(1.0))[0]):
        np.testing.assert_allclose(np.asarray(run(fnp.asarray(v))), want)
        out = capsys.readouterr().out.split()  # (XLA may run two unordered prints of a step either way round)
        assert [o for o in out if o != "step"] == ["c=1.0", "c=2.0", "c=6.0"] and out.count("step") == 3
    np.testing.assert_allclose(np.asarray(fx.vmap(f)(fnp.asarray([v, v]))), [24.0, 24.0])
    out = capsys.readouterr().out.split()  # once per example; the print of nothing batched once, as jax's
    assert sorted(o for o in out if o != "step") == ["c=1.0"] * 2 + ["c=2.0"] * 2 + ["c=6.0"] * 2
    assert out.count("step") == 3
    assert float(fx.jvp(f, (fnp.asarray(v),), (fnp.ones(3),))[1]) == sum(want)


def test_a_print_of_tangents_in_a_jvp_rule_shows_them_in_forward_mode_and_nothing_in_reverse(capsys):
    @fx.custom_jvp
    def g(y):
        return fnp.sin(y)

    @g.defjvp
    def g_jvp(primals, tangents):
        fx.debug.print("ty={}", tangents[0])
        return fnp.sin(primals[0]), fnp.cos(primals[0]) * tangents[0]
    x = fnp.float32(0.7)
    for f in (g, lambda v: fx.lax.scan(lambda c, _: (g(c), None), v, None, length=1)[0],
              lambda v: fx.lax.cond(v > 0, g, fnp.cos, v)):
        for run in (fx.grad(f), fx.jit(fx.grad(f))):  # (jax's transposition drops prints of tangents too)
            np.testing.assert_allclose(float(run(x)), np.cos(0.7), rtol=1e-6)
            assert capsys.readouterr().out == ""
        assert float(fx.jvp(f, (x,), (fnp.float32(2.0),))[1]) == pytest.approx(2 * np.cos(0.7), rel=1e-6)
        assert capsys.readouterr().out == "ty=2.0\n"


def test_callbacks_under_jit_see_64_bit_values_made_inside_the_program(capsys):
    def f(x):  # (no 64-bit input)
        fx.debug.print("{} {}", fnp.asarray(2**40) + (x > 100).astype(int), x.astype(fnp.float64) + 1e-9)
        return fx.pure_callback(lambda v: v * 2, fx.ShapeDtypeStruct((), fnp.float64), x.astype(fnp.float64) + 2**40)
    x = fnp.float32(0.5)
    assert float(f(x)) == float(fx.jit(f)(x)) == (0.5 + 2**40) * 2
    assert capsys.readouterr().out.splitlines() == ["1099511627776 0.500000001"] * 2


def test_callbacks_on_an_xla_device_run_eagerly(capsys):
    x = fx.device_put(fnp.asarray(X), "xla-cpu")
    fx.debug.print("{}", x)
    assert capsys.readouterr().out == f"{X}\n"
    np.testing.assert_array_equal(_sinc(x), np.sinc(X))


def test_shape_dtype_struct_describes_arguments_of_eval_shape():
    out = fx.eval_shape(lambda x: x @ x.T, fx.ShapeDtypeStruct((4, 2), "float64"))
    assert out == fx.ShapeDtypeStruct((4, 4), fnp.float64) and out.shape == (4, 4) and out.dtype == fnp.float64
    assert not fx.ShapeDtypeStruct((2,), fnp.float32).weak_type


def _call_back_holding(data):
    """Calls of a callback holding `data`, compiled and eager; only the results stay."""
    callback = lambda v: v * 2 + data[0, 0]  # noqa: E731
    out_type = fx.ShapeDtypeStruct((3,), fnp.float32)
    fx.jit(lambda x: fx.pure_callback(callback, out_type, x))(fnp.ones(3))
    return fx.pure_callback(callback, out_type, fnp.ones(3))


def test_a_callback_and_what_it_holds_are_freed_after_the_calls():
    import gc
    import weakref
    data = np.ones((100, 100))
    seen = weakref.ref(data)
    np.testing.assert_array_equal(_call_back_holding(data), np.full(3, 3.0))
    del data
    gc.collect()
    assert seen() is None
