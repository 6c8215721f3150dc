"""fx.jit: the signature cache, static and donated arguments, errors, logging, nesting with grad,
pytrees, and the printed program. Compiled results are compared with eager runs of the same
function (the oracle), and traces are counted with a side effect in the traced function."""
import functools
import re

import numpy as np
import pytest

import fluxion as fx
import fluxion.numpy as fnp


def counting(f):
    """`f` and a list whose length is the number of times `f` was traced (or run eagerly)."""
    traces = []

    @functools.wraps(f)
    def wrapped(*args, **kwargs):
        traces.append(1)
        return f(*args, **kwargs)
    return wrapped, traces


def add(a, b):
    return a + b


# the signature cache ------------------------------------------------------------------------
def test_traces_once_per_signature_and_matches_eager():
    g, traces = counting(add)
    f = fx.jit(g)
    a, b = fnp.asarray(np.arange(16.0, dtype=np.float32).reshape(4, 4)), fnp.ones((4, 4))
    for _ in range(3):
        out = f(a, b)
    assert len(traces) == 1 and f.cache_size() == 1
    assert out.dtype == np.float32 and not out.weak
    np.testing.assert_array_equal(out, add(a, b))


@pytest.mark.parametrize("change", ["shape", "dtype", "weak type", "pytree structure"])
def test_a_new_signature_traces_again_and_the_old_one_stays_cached(change):
    g, traces = counting(lambda x: fx.tree.map(lambda v: fnp.multiply(v, 2), x))
    f = fx.jit(g)
    base = (fnp.ones(3), fnp.asarray(1.0))
    other = {"shape": (fnp.ones(4), fnp.asarray(1.0)),
             "dtype": (fnp.ones(3, dtype=fnp.float64), fnp.asarray(1.0)),
             "weak type": (fnp.ones(3), 1.0),
             "pytree structure": [fnp.ones(3), fnp.asarray(1.0)]}[change]
    f(base)
    out = f(other)
    f(base)
    f(other)
    assert len(traces) == 2 and f.cache_size() == 2
    assert type(out) is type(other)
    for o, e in zip(out, g(other)):
        assert o.dtype == e.dtype and o.weak == e.weak
        np.testing.assert_array_equal(o, e)


def test_arrays_numpy_arrays_and_python_scalars_with_the_same_type_share_a_signature():
    g, traces = counting(add)
    f = fx.jit(g)
    f(fnp.ones(3), fnp.asarray(2.0))
    out = f(np.ones(3, np.float32), np.float32(2.0))
    assert len(traces) == 1
    np.testing.assert_array_equal(out, [3.0, 3.0, 3.0])
    weak = f(fnp.ones(3), 2.0)  # a Python float is weak: a signature of its own
    assert len(traces) == 2 and weak.dtype == np.float32


def test_python_scalar_arguments_give_eager_results_from_one_trace_per_type():
    g, traces = counting(lambda x, s: fnp.divide(x, s))
    f = fx.jit(g)
    x = fnp.asarray([1.0, -2.0, 3.0])
    values = [2.0, 0.0, -0.0, 0.0, -0.0, float("nan"), -float("inf"), 1e300, 3, -3, 0, True, False]
    for _ in range(2):  # the first round compiles (once per Python type), the second is cached
        for s in values:
            out, expected = f(x, s), g(x, s)
            assert out.dtype == expected.dtype and out.weak == expected.weak
            np.testing.assert_array_equal(out, expected)  # -0.0 is not 0.0: the signs of the infinities
    assert len(traces) - 2 * len(values) == 3  # eager calls of g counted too; float, int, bool traced once each
    with pytest.raises(OverflowError, match="does not fit in int64"):
        f(x, 2 ** 64)
    c = fx.jit(lambda x, s: x * s)
    np.testing.assert_array_equal(c(x, 1j), x * 1j)
    np.testing.assert_array_equal(c(x, -0.0 + 2j), x * (-0.0 + 2j))


def test_64_bit_inputs_and_outputs_stay_64_bit():
    f = fx.jit(lambda x, i: (x * 2, i + 1, x.astype(fnp.float32)))
    x, i = np.array([1.0 + 2 ** -40, 3.0]), np.array([2 ** 40, -1])
    y, j, z = f(x, i)
    assert (y.dtype, j.dtype, z.dtype) == (np.float64, np.int64, np.float32)
    np.testing.assert_array_equal(y, x * 2)
    np.testing.assert_array_equal(j, i + 1)


def test_outputs_fed_back_in_and_large_inputs_give_eager_results():
    f = fx.jit(lambda x: x * 2 + 1)
    x = fnp.asarray(np.arange(100_000, dtype=np.float32))  # large: passed through an aligned buffer
    y = f(x)
    z = f(y)  # an output of a compiled call: its buffer is passed again
    np.testing.assert_array_equal(z, (np.arange(100_000, dtype=np.float32) * 2 + 1) * 2 + 1)
    np.testing.assert_array_equal(x, np.arange(100_000, dtype=np.float32))


def test_inputs_keep_their_buffers_and_in_place_updates_reach_later_calls():
    f = fx.jit(lambda x: x * 2)
    x = fnp.arange(4.0)
    np.testing.assert_array_equal(f(x), [0, 2, 4, 6])
    np.testing.assert_array_equal(f(x), [0, 2, 4, 6])  # the buffer kept from the first call
    x += 1
    np.testing.assert_array_equal(f(x), [2, 4, 6, 8])
    x[0] = 10.0
    np.testing.assert_array_equal(f(x), [20, 4, 6, 8])


@pytest.mark.parametrize("view", [lambda v: v[1:], lambda v: v[:15].reshape(3, 5).T, lambda v: v[::2]],
                         ids=["unaligned", "transposed", "strided"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_inputs_in_memory_xla_cannot_use_give_eager_results(view, dtype):
    from fluxion.core.array import Array
    x = Array(view(np.arange(16, dtype=dtype)))  # a view, as kernels may make
    expected = np.asarray(x) * 2 + 1
    f = fx.jit(lambda x: x * 2 + 1)
    for _ in range(2):
        np.testing.assert_array_equal(f(x), expected)
    np.testing.assert_array_equal(x, expected // 2)  # the Array's value is the same


def test_outputs_fed_to_the_next_call_before_they_are_read_give_the_eager_results():
    step = lambda x, w: fnp.tanh(x @ w) + 0.5 * x  # noqa: E731
    f = fx.jit(step)
    x0 = fnp.asarray(np.linspace(-1, 1, 256 * 64, dtype=np.float32).reshape(256, 64))
    w = fnp.asarray(np.eye(64, dtype=np.float32) * 0.9)
    x, expected = x0, x0
    for _ in range(20):  # each call may return before XLA has computed its output
        x, expected = f(x, w), step(expected, w)
        assert isinstance(x, fx.Array) and x.shape == (256, 64) and x.dtype == np.float32 and x.ndim == 2
    assert x.block_until_ready() is x and isinstance(x, fx.Array) and x.device is fx.devices("cpu")[0]
    np.testing.assert_allclose(np.asarray(x), np.asarray(expected), rtol=1e-5, atol=1e-6)
    y = f(x0, w)
    y += 1  # an in-place update of an output still being computed
    np.testing.assert_allclose(np.asarray(y), np.asarray(step(x0, w)) + 1, rtol=1e-5, atol=1e-6)


def test_cached_calls_on_numpy_arrays_read_their_values_at_each_call():
    f = fx.jit(lambda x, y: x * y + 1)
    x, base = np.arange(12, dtype=np.float32).reshape(3, 4), np.ones(64, np.float32)
    for y in [x + 1, x.T.copy().T, x[:, ::-1], base[1:13].reshape(3, 4), x[::2].repeat(2, 0)[:3]]:
        for _ in range(2):  # compiled for the first, cached after
            np.testing.assert_array_equal(f(x, y), x * y + 1)
        y += 2  # mutated between calls: the next call reads the new values
        np.testing.assert_array_equal(f(x, y), x * y + 1)
    np.testing.assert_array_equal(f(x, fnp.asarray(x)), x * x + 1)  # an Array of the same type: one signature
    assert f.cache_size() == 1


def test_numpy_inputs_are_not_modified_and_outputs_do_not_share_their_memory():
    f = fx.jit(lambda x: x)
    x = np.arange(5000, dtype=np.float32)
    y = f(x)
    x[0] = -1.0
    assert y[0].item() == 0.0


def test_cache_is_bounded_by_config_and_drops_the_least_recently_used(monkeypatch):
    monkeypatch.setattr(fx.config, "jit_cache_size", 2)
    g, traces = counting(lambda x: x + 1)
    f = fx.jit(g)
    a, b, c = fnp.ones(1), fnp.ones(2), fnp.ones(3)
    f(a), f(b), f(a), f(c)  # b is the least recently used when c arrives
    assert f.cache_size() == 2 and len(traces) == 3
    f(a)
    assert len(traces) == 3
    f(b)
    assert len(traces) == 4 and f.cache_size() == 2
    f.clear_cache()
    assert f.cache_size() == 0


def test_closed_over_arrays_become_program_constants_without_retracing():
    w = fnp.asarray([1.0, 2.0, 3.0])
    g, traces = counting(lambda x: fnp.sin(x) * w + 1.0)
    f = fx.jit(g)
    x = fnp.asarray([0.5, 1.0, 1.5])
    np.testing.assert_allclose(f(x), g(x), rtol=1e-6)
    np.testing.assert_allclose(f(x * 2), g(x * 2), rtol=1e-6)
    assert len(traces) == 2 + 1  # two eager oracle runs, one trace
    program = fx.make_program(g)(x)
    assert [str(v.aval) for v in program.constvars] == ["f32[3]", "f32[]"]
    np.testing.assert_array_equal(program.consts[0], w)


def test_an_array_updated_in_place_after_a_staged_use_gives_that_use_its_old_value():
    def f(x):
        buf = fnp.zeros(3)
        alias = buf
        y = x + buf  # staged with buf as it is now
        buf[0] = 5.0  # a concrete update: buf and alias see it, y does not
        z = x * alias
        buf += 1.0
        return y.sum() + z.sum() + alias.sum() + (x - buf).sum()

    x = fnp.asarray([1.0, 2.0, 3.0])
    np.testing.assert_allclose(fx.jit(f)(x), f(x), rtol=1e-6)
    np.testing.assert_allclose(fx.jit(fx.grad(f))(x), fx.grad(f)(x), rtol=1e-6)


@pytest.mark.parametrize("value", [
    np.full((30, 40), -0.0, np.float32), np.full((30, 40), np.nan), np.ones((50, 50), bool), np.full(300, 7, np.int8),
    np.tile(np.array([0.0, -0.0], np.float32), 200),  # equal values, not one bit pattern: passed in as they are
    np.arange(1000.0),
])
def test_large_constants_of_one_value_are_written_as_broadcasts_bit_for_bit(value):
    c = fnp.asarray(value)
    f = fx.jit(lambda x: (x, c))
    x = fnp.zeros(2)
    got = f(x)[1]
    assert got.dtype == value.dtype and np.asarray(got).tobytes() == value.tobytes()
    exe = f.lower(x)
    one_value = value.reshape(-1)[:1].tobytes() * value.size == value.tobytes()
    assert len(exe.consts) == (0 if one_value else 1)


def test_the_gradient_of_a_mean_is_a_broadcast_in_the_compiled_program():
    x = fnp.asarray(np.linspace(-1.0, 1.0, 10_000, dtype=np.float32).reshape(100, 100))
    f = fx.jit(fx.grad(lambda x: (x * x).mean()))
    np.testing.assert_allclose(f(x), 2 * np.asarray(x) / x.size, rtol=1e-6)
    assert f.lower(x).consts == []  # the cotangent of the mean, a host constant, is not passed in


# static and donated arguments -----------------------------------------------------------
def power(x, n):
    out = x
    for _ in range(n - 1):  # Python control flow on a static value
        out = out * x
    return out


def test_static_argnums_are_python_values_and_each_value_compiles_once():
    g, traces = counting(power)
    f = fx.jit(g, static_argnums=1)
    x = fnp.asarray([1.0, 2.0, 3.0])
    np.testing.assert_array_equal(f(x, 3), [1.0, 8.0, 27.0])
    np.testing.assert_array_equal(f(x * 2, 3), [8.0, 64.0, 216.0])
    np.testing.assert_array_equal(f(x, 2), [1.0, 4.0, 9.0])
    assert len(traces) == 2
    assert f.static_argnums == (1,) and f.static_argnames == ("n",)


def test_static_argnames_and_keyword_calls_of_static_positions():
    g, traces = counting(power)
    by_name = fx.jit(g, static_argnames="n")
    x = fnp.asarray([2.0])
    assert by_name(x, n=3).tolist() == [8.0]
    assert by_name(x, 3).tolist() == [8.0]  # the same parameter passed by position is static too
    assert fx.jit(power, static_argnums=1)(x, n=4).tolist() == [16.0]
    assert fx.jit(power, static_argnums=-1)(x, 2).tolist() == [4.0]
    assert len(traces) == 2


def test_unhashable_static_argument_is_a_clear_error():
    f = fx.jit(lambda x, shape: fnp.reshape(x, shape), static_argnums=1)
    with pytest.raises(TypeError, match=r"`shape` is not hashable \(list\)(.|\n)*tuple instead of a list"):
        f(fnp.ones(4), [2, 2])
    assert f(fnp.ones(4), (2, 2)).shape == (2, 2)
    with pytest.raises(TypeError, match=r"static argument `shape` is an Array(.|\n)*static_argnums"):
        f(fnp.ones(4), fnp.asarray([2, 2]))


def test_bad_static_and_donate_specifications_name_the_fix():
    with pytest.raises(ValueError, match=r"`m`, which is not a parameter(.|\n)*x, n"):
        fx.jit(power, static_argnames="m")
    with pytest.raises(TypeError, match="static_argnums must hold ints"):
        fx.jit(power, static_argnums="n")
    with pytest.raises(ValueError, match="both static and donated"):
        fx.jit(power, static_argnums=1, donate_argnums=1)
    for i in (2, -3):
        with pytest.raises(ValueError, match=rf"position {i}, but the function takes 2(.|\n)*0 \(x\), 1 \(n\)"):
            fx.jit(power, static_argnums=i)
    fx.jit(lambda *xs: xs[0], static_argnums=5)  # (any position may be passed to *args)


def test_donated_arguments_give_correct_results_and_stay_usable():
    # fluxion's arrays live in host memory and XLA works on a copy, so nothing is donated
    f = fx.jit(lambda p, g: p - 0.1 * g, donate_argnums=0)
    p, g = fnp.asarray([1.0, 2.0]), fnp.asarray([10.0, 20.0])
    out = f(p, g)
    np.testing.assert_allclose(out, [0.0, 0.0], atol=1e-6)
    np.testing.assert_array_equal(p, [1.0, 2.0])
    np.testing.assert_allclose(f(p, g), out)
    assert f.donate_argnums == (0,)


def test_a_string_argument_that_is_not_static_names_the_fix():
    f = fx.jit(lambda x, mode: x if mode == "id" else -x)
    with pytest.raises(TypeError, match=r"argument `mode` is a str(.|\n)*static_argnums=\(1,\)"):
        f(fnp.ones(2), "id")
    assert fx.jit(f.fun, static_argnames="mode")(fnp.ones(2), "neg").tolist() == [-1.0, -1.0]


@pytest.mark.parametrize("value", [np.array(["a", "b"]), np.array([None]), np.array(["2026-01-01"], "datetime64[D]")])
def test_a_numpy_array_of_a_dtype_without_arrays_names_the_dtype(value):
    with pytest.raises(TypeError, match=re.escape(f"argument `x` is a NumPy array of dtype {value.dtype}, which")):
        fx.jit(lambda x: x)(value)


# errors on traced values ----------------------------------------------------------------
def test_python_if_on_a_traced_value_names_the_argument_and_the_fix_without_conversion(monkeypatch):
    def relu(x):
        if x > 0:
            return x
        return 0 * x
    assert fx.jit(relu)(fnp.asarray(-2.0)).item() == 0.0  # converted to fx.cond
    monkeypatch.setattr(fx.config, "convert_control_flow", False)
    with pytest.raises(fx.errors.ConcretizationError) as info:
        fx.jit(relu)(fnp.asarray(1.0))
    msg = str(info.value)
    assert "depends on argument `x`" in msg and "static_argnums=(0,)" in msg and "fx.cond" in msg
    assert "test_jit.py" in msg  # the user's line
    assert fx.jit(relu, static_argnums=0)(1.0).item() == 1.0


def test_a_shape_from_a_traced_argument_names_it_and_suggests_static_argnums():
    f = fx.jit(lambda x, n: fnp.arange(n) * x)
    with pytest.raises(fx.errors.ConcretizationError,
                       match=r"depends on argument `n`(.|\n)*static_argnums=\(1,\)"):
        f(2.0, 3)
    assert fx.jit(f.fun, static_argnums=1)(2.0, 3).tolist() == [0.0, 2.0, 4.0]


def test_zeros_with_a_traced_size_names_the_argument():
    with pytest.raises(fx.errors.ConcretizationError, match=r"depends on argument `n`(.|\n)*static_argnums=\(1,\)"):
        fx.jit(lambda x, n: fnp.zeros(n) + x)(1.0, 3)


def test_a_slice_with_a_traced_bound_names_the_argument_and_dynamic_slice():
    x = fnp.arange(5.0)
    with pytest.raises(fx.errors.ConcretizationError, match=r"slice bounds(.|\n)*depends on argument `n`(.|\n)*"
                                                            r"static_argnums=\(1,\)(.|\n)*fx.lax.dynamic_slice"):
        fx.jit(lambda x, n: x[:n])(x, 2)
    assert fx.jit(lambda x, n: x[:n], static_argnums=1)(x, 2).tolist() == [0.0, 1.0]


def test_a_value_from_several_pytree_leaves_names_them_all():
    def f(params, scale):
        return fnp.ones(int(params["w"].sum() + scale))
    with pytest.raises(fx.errors.ConcretizationError,
                       match=r"arguments `params\['w'\]` and `scale`(.|\n)*static_argnums=\(0, 1\)"):
        fx.jit(f)({"w": fnp.ones(2), "b": fnp.ones(2)}, 1.0)


# logging --------------------------------------------------------------------------------
def test_log_compiles_and_explain_cache_misses_print_one_line_each(monkeypatch, capsys):
    monkeypatch.setattr(fx.config, "log_compiles", True)
    monkeypatch.setattr(fx.config, "explain_cache_misses", True)

    def scaled(x, n, *, scale):
        return x * n * scale
    f = fx.jit(scaled, static_argnums=1)
    f(fnp.ones(3), 2, scale=1.0)
    f(fnp.ones(3), 2, scale=1.0)
    f(fnp.ones(4), 2, scale=1.0)
    f(fnp.ones(4), 3, scale=1.0)
    f(fnp.ones(4), 3, scale=fnp.asarray(1.0))
    assert capsys.readouterr().err.splitlines() == [
        "fx.jit: compiling scaled for (x: f32[3], scale: ~f32[], n=2)",
        "fx.jit: compiling scaled again: argument `x` changed from f32[3] to f32[4]",
        "fx.jit: compiling scaled for (x: f32[4], scale: ~f32[], n=2)",
        "fx.jit: compiling scaled again: static argument `n` changed from 2 to 3",
        "fx.jit: compiling scaled for (x: f32[4], scale: ~f32[], n=3)",
        "fx.jit: compiling scaled again: argument `scale` changed from ~f32[] to f32[]",
        "fx.jit: compiling scaled for (x: f32[4], scale: f32[], n=3)",
    ]


def test_explain_cache_misses_compares_with_the_nearest_signature(monkeypatch, capsys):
    monkeypatch.setattr(fx.config, "explain_cache_misses", True)
    f = fx.jit(lambda x: x * 2)
    f(fnp.ones(3))
    f(1.0)
    f(fnp.float32(1.0))  # nearest: the weak ~f32[], not f32[3]
    assert capsys.readouterr().err.splitlines()[-1].endswith("argument `x` changed from ~f32[] to f32[]")


def test_explain_cache_misses_counts_the_static_arguments_that_changed(monkeypatch, capsys):
    monkeypatch.setattr(fx.config, "explain_cache_misses", True)
    f = fx.jit(lambda x, n=2, *, m=1: x * n + m, static_argnames=("n", "m"))
    x = fnp.ones(2)
    f(x, 7, m=9)
    f(x)
    f(x, 3, m=5)
    f(x, 3.0, m=5)  # nearest: the one before, n alone differs
    assert capsys.readouterr().err.splitlines()[-1].endswith("static argument `n` changed from 3 to 3.0")


def test_explain_cache_misses_reports_a_change_of_pytree_structure(monkeypatch, capsys):
    monkeypatch.setattr(fx.config, "explain_cache_misses", True)

    def first(d):
        return d["a"]
    f = fx.jit(first)
    f({"a": fnp.ones(2)})
    f({"a": fnp.ones(2), "b": fnp.ones(2)})
    assert capsys.readouterr().err.splitlines() == [
        "fx.jit: compiling first again: the traced arguments changed from (d['a']) to (d['a'], d['b'])"]


# programs and lowering ------------------------------------------------------------------
def test_make_program_prints_the_staged_program():
    w = fnp.asarray([1.0, 2.0, 3.0])
    program = fx.make_program(lambda x, n: fnp.sum(fnp.sin(x) * w) ** n, static_argnums=1)(fnp.ones(3), 2)
    assert str(program) == (
        "{ lambda a:f32[3] ; b:f32[3]. let\n"
        "    c:f32[3] = sin b\n"
        "    d:f32[3] = mul c a\n"
        "    e:f32[] = reduce_sum[axes=(0,)] d\n"
        "    f:f32[] = integer_pow[y=2] e\n"
        "  in (f,) }")


def test_lower_gives_stablehlo_text_and_the_program():
    lowered = fx.jit(lambda x, y: fnp.sin(x) + y).lower(fnp.ones(3), fnp.ones(3))
    text = lowered.as_text()
    assert "stablehlo.sine" in text and "stablehlo.add" in text and "tensor<3xf32>" in text
    assert [e.prim.name for e in lowered.program.equations] == ["sin", "add"]


def test_compiled_cost_and_memory_analysis_match_jaxs_of_the_same_computation():
    import jax
    import jax.numpy as jnp
    x = np.ones((30, 20), np.float32)
    compiled = fx.jit(lambda x: fnp.sin(x) @ x.T).lower(fnp.asarray(x)).compile()
    reference = jax.jit(lambda x: jnp.sin(x) @ x.T).lower(jnp.asarray(x)).compile()
    for key in ("flops", "transcendentals", "bytes accessed"):
        assert compiled.cost_analysis()[key] == reference.cost_analysis()[key]
    memory = compiled.memory_analysis()
    assert (memory.argument_size_in_bytes, memory.output_size_in_bytes) == (x.nbytes, 30 * 30 * 4)


# nesting --------------------------------------------------------------------------------
def loss(x):
    return fnp.sum(fnp.sin(x) * x)


def test_jit_of_jit_inlines_the_inner_function():
    inner = fx.jit(lambda x: fnp.sin(x) * 2)
    outer = fx.jit(lambda x: inner(x) + 1)
    x = fnp.asarray([0.0, 1.0])
    np.testing.assert_allclose(outer(x), np.sin([0.0, 1.0]) * 2 + 1, rtol=1e-6)
    assert inner.cache_size() == 0 and outer.cache_size() == 1


def test_grad_of_jit_and_jit_of_grad_match_eager_grad():
    x = fnp.asarray([0.3, -1.2, 2.0])
    expected = fx.grad(loss)(x)
    np.testing.assert_allclose(fx.grad(fx.jit(loss))(x), expected, rtol=1e-6)
    np.testing.assert_allclose(fx.jit(fx.grad(loss))(x), expected, rtol=1e-6)
    np.testing.assert_allclose(expected, np.sin(x) + x._value * np.cos(x), rtol=1e-6)


def test_value_and_grad_with_pytree_parameters_under_jit():
    def objective(params, x):
        return fnp.sum((x * params["w"] + params["b"]) ** 2)
    params, x = {"w": fnp.asarray([1.0, -2.0]), "b": fnp.asarray(0.5)}, fnp.asarray([3.0, 4.0])
    value, grads = fx.jit(fx.value_and_grad(objective))(params, x)
    e_value, e_grads = fx.value_and_grad(objective)(params, x)
    np.testing.assert_allclose(value, e_value, rtol=1e-6)
    for k in params:
        np.testing.assert_allclose(grads[k], e_grads[k], rtol=1e-6)


# pytrees and keyword arguments ----------------------------------------------------------
def test_pytree_inputs_and_outputs_with_none_leaves():
    def f(tree):
        a, (b, none) = tree["pair"]
        return {"sum": a + b, "nothing": none, "both": (a * 2, [b])}
    tree = {"pair": (fnp.ones(2), (fnp.asarray([1.0, 2.0]), None))}
    out = fx.jit(f)(tree)
    assert out.keys() == {"sum", "nothing", "both"} and out["nothing"] is None
    np.testing.assert_array_equal(out["sum"], [2.0, 3.0])
    assert isinstance(out["both"], tuple) and isinstance(out["both"][1], list)
    np.testing.assert_array_equal(out["both"][1][0], [1.0, 2.0])


def test_keyword_arguments_are_traced_and_a_new_value_needs_no_new_trace():
    g, traces = counting(lambda x, *, bias, extra=None: x + bias if extra is None else x + bias + extra["v"])
    f = fx.jit(g)
    x = fnp.ones(2)
    assert f(x, bias=fnp.asarray(1.0)).tolist() == [2.0, 2.0]
    assert f(x, bias=fnp.asarray(5.0)).tolist() == [6.0, 6.0]
    assert len(traces) == 1
    assert f(x, bias=fnp.asarray(1.0), extra={"v": fnp.asarray(2.0)}).tolist() == [4.0, 4.0]
    assert len(traces) == 2


def test_functions_of_no_arguments_and_with_no_outputs():
    assert fx.jit(lambda: fnp.ones(2) * 3)().tolist() == [3.0, 3.0]
    assert fx.jit(lambda x: None)(fnp.ones(2)) is None


def test_jit_as_a_method_decorator_binds_self():
    class Scale:
        def __init__(self, k):
            self.k = k

        @fx.jit
        def __call__(self, x):
            return x * self.k
    with pytest.raises(TypeError, match="argument `self` is a Scale"):
        Scale(3.0)(fnp.ones(2))
    Scale.__call__ = fx.jit(Scale.__call__.fun, static_argnums=0)
    assert Scale(3.0)(fnp.ones(2)).tolist() == [3.0, 3.0]


def test_eager_gradients_of_outputs_still_being_computed_match_those_of_their_values():
    f = fx.jit(lambda w: w * 0.5 + fnp.tanh(w @ w.T) @ w)
    w = fnp.asarray(np.linspace(-1, 1, 512 * 256, dtype=np.float32).reshape(512, 256))
    loss = lambda w: fnp.sum(fnp.sin(w) * w)  # noqa: E731
    pending, done = f(w), np.asarray(f(w))
    np.testing.assert_allclose(np.asarray(fx.grad(loss)(pending)), np.asarray(fx.grad(loss)(fnp.asarray(done))),
                               rtol=1e-6)


def test_calls_with_containers_that_change_between_calls_give_eager_results():
    def f(p, x):
        return {"sum": sum(fx.tree.leaves(p)) * x, "n": len(fx.tree.leaves(p))}

    g = fx.jit(f)
    a, b, x = fnp.ones(2), fnp.full(2, 2.0), fnp.full(2, 3.0)
    calls = [({"w": a, "b": (b, None)}, x), ({"w": a, "b": (b, None)}, x), ({"w": a, "c": (b, None)}, x),
             ({"w": a, "b": [b, None]}, x), ({"w": a, "b": (b, a)}, x), ({"w": a, "b": (b, None)}, 3.0),
             ({"w": a, "b": (b, None)}, x), ([a, b], x), ([a, b], x), ([a, b, a], x)]
    for p, x_ in calls:
        got, expected = g(p, x_), f(p, x_)
        assert got["n"] == expected["n"]
        np.testing.assert_allclose(np.asarray(got["sum"]), np.asarray(expected["sum"]))


def test_print_of_a_traced_value_shows_its_type(capsys):
    def f(x):
        print("x is", x)
        return x * 2
    assert float(fx.jit(f)(fnp.asarray(1.5))) == 3.0
    assert float(fx.grad(f)(fnp.asarray(1.5))) == 2.0  # eager grad: the value is at hand
    fx.vmap(f)(fnp.ones(2))
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("x is ") and "f32[]" in lines[0]
    assert lines[1] == "x is 1.5" and "f32[]" in lines[2]


def _flip_if_negative(x):
    if x.sum() > 0:  # traced: converted
        return {"out": x, "total": x.sum()}
    return {"out": -x, "total": -x.sum()}


def test_eval_shape_gives_the_output_types_without_computing():
    from fluxion.core.types import ArrayType
    big = ArrayType((100_000, 100_000), fnp.float32)  # 40 GB if it were made
    out = fx.eval_shape(lambda x, y: (x @ y, fnp.sum(y)), big, np.ones((100_000, 2), np.float64))
    assert (out[0].shape, out[0].dtype, out[1].shape, out[1].dtype) == ((100_000, 2), fnp.float64, (), fnp.float64)
    types = fx.eval_shape(_flip_if_negative, fnp.ones(3))
    assert types["out"].shape == (3,) and types["total"].shape == () and types["out"].dtype == fnp.float32
    g = fx.eval_shape(fx.grad(lambda x: fnp.sum(x ** 2)), ArrayType((2, 2), fnp.float64))
    assert (g.shape, g.dtype) == ((2, 2), fnp.float64)


def test_eval_shape_gives_shape_dtype_structs_with_weak_types_as_jax():
    jax = pytest.importorskip("jax")
    f = lambda x, y: (x * 2, y + 1, x.sum() * 2.0)  # noqa: E731
    x = np.ones((2, 3), np.float32)
    with jax.enable_x64(False):  # (Python floats as float32, as fluxion's, whatever other tests set)
        ours, theirs = fx.eval_shape(f, x, 1.0), jax.eval_shape(f, x, 1.0)
    for o, t in zip(ours, theirs):
        assert isinstance(o, fx.ShapeDtypeStruct) and (o.shape, o.dtype, o.weak_type) == (t.shape, t.dtype, t.weak_type)


# methods of traced arrays -------------------------------------------------------------------
_METHOD_CALLS = [("sum", (), {"axis": 0}), ("prod", (), {}), ("mean", (), {"axis": -1}), ("std", (), {"ddof": 1}),
                 ("var", (), {}), ("var", (), {"axis": 0, "keepdims": True}), ("max", (), {}), ("min", (), {"axis": 1}),
                 ("argmax", (), {"axis": 0}), ("argmin", (), {}), ("any", (), {}), ("all", (), {"axis": 1}),
                 ("cumsum", (), {"axis": 1}), ("cumprod", (), {}), ("clip", (-0.5, 0.5), {}), ("round", (1,), {}),
                 ("conj", (), {}), ("conjugate", (), {}), ("argsort", (), {"axis": 0}), ("swapaxes", (0, 1), {}),
                 ("take", (2,), {}), ("repeat", (2,), {"axis": 0}), ("diagonal", (), {}), ("trace", (), {}),
                 ("ravel", (), {}), ("flatten", (), {}), ("reshape", (4, 3), {}), ("transpose", (), {}),
                 ("astype", ("float32",), {})]


@pytest.mark.parametrize("name, args, kwargs", _METHOD_CALLS, ids=lambda v: str(v))
def test_array_methods_of_traced_arrays_match_numpy_methods(name, args, kwargs):
    """Every method works on a traced array as on a concrete one (the tracer's own attributes
    must not hide them) and gives what NumPy's method of the same name gives."""
    x = np.random.default_rng(0).standard_normal((3, 4))
    expected = getattr(x, name)(*args, **kwargs)
    got = fx.jit(lambda a: getattr(a, name)(*args, **kwargs))(fnp.asarray(x))
    assert got.shape == expected.shape and got.dtype == expected.dtype
    np.testing.assert_allclose(np.asarray(got), expected, rtol=1e-12)


def test_disable_jit_runs_jitted_functions_as_python_with_concrete_values():
    seen = []

    @functools.partial(fx.jit, static_argnums=1)
    def f(x, n):
        seen.append(isinstance(x, fx.core.array.Tracer))
        return x * n if float(fnp.sum(x)) > 0 else -x  # float() of a traced value would raise

    x = fnp.asarray([1.0, 2.0])
    with fx.disable_jit():
        np.testing.assert_array_equal(f(x, 3), [3.0, 6.0])
        np.testing.assert_array_equal(f(-x, 3), [1.0, 2.0])
        assert f.cache_size() == 0
        with fx.disable_jit(False):  # nested: compiled again
            np.testing.assert_array_equal(fx.jit(lambda v: v + 1)(x), [2.0, 3.0])
    assert seen == [False, False]
    with pytest.raises(fx.errors.ConcretizationError):
        f(x, 3)  # compiled once more outside the block, where float() of a traced value is an error


def test_eval_shape_and_trace_of_a_jitted_function():
    from fluxion.core.types import ArrayType
    f = fx.jit(lambda x, n, *, k: fnp.tile(x, n) * k, static_argnums=1, static_argnames="k")
    out = f.eval_shape(ArrayType((3,), fnp.float32), 4, k=2.0)
    real = f(fnp.ones(3), 4, k=2.0)
    assert (out.shape, out.dtype) == (real.shape, real.dtype) == ((12,), fnp.float32)
    assert f.cache_size() == 1  # (eval_shape compiles nothing)
    g = fx.jit(lambda x: fnp.sin(x) * 2)
    traced = g.trace(np.ones(2))
    assert "sin" in str(traced.program)
    np.testing.assert_allclose(np.asarray(traced.lower().compile()(np.ones(2))), np.sin(np.ones(2)) * 2, rtol=1e-6)
