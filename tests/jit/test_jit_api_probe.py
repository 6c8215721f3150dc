"""Regressions found by probing the jit API as a jax user would use it."""
import numpy as np
import pytest

import fluxion as fx
import fluxion.numpy as fnp


# lower(...).compile() is callable, as jax's --------------------------------------------------
def test_compiled_lowering_takes_the_traced_arguments_and_gives_the_jitted_outputs():
    traces = []

    def f(d, n, *, scale):
        traces.append(1)
        return {"y": d["a"] * n * scale, "z": (d["b"],)}
    jitted = fx.jit(f, static_argnums=1, static_argnames="scale")
    x = fnp.arange(4.0)
    compiled = jitted.lower({"a": x, "b": 1.0}, 3, scale=2).compile()
    assert "HloModule" in compiled.as_text()
    out = compiled({"a": x + 1, "b": 5.0})
    want = f({"a": x + 1, "b": 5.0}, 3, scale=2)
    assert fx.tree.structure(out) == fx.tree.structure(want)
    np.testing.assert_array_equal(out["y"], want["y"])
    np.testing.assert_array_equal(out["z"][0], want["z"][0])
    np.testing.assert_array_equal(compiled({"a": np.ones(4, np.float32), "b": 0.5})["y"], np.full(4, 6.0))
    assert len(traces) == 2  # lower traced once (and the eager oracle once); the calls did not
    assert jitted.cache_size() == 0


def test_compiled_lowering_on_an_xla_device_gives_arrays_there():
    xla = fx.devices()[-1]
    x = fx.device_put(fnp.ones(3), xla)
    out = fx.jit(lambda a: a * 2).lower(x).compile()(x)
    assert out.device == xla and out.tolist() == [2.0, 2.0, 2.0]


def test_lowering_for_types_without_arrays_compiles_the_same_program():
    import jax

    def f(x, n, y):
        return (x * 2 + y["a"]).sum() * n
    jitted = fx.jit(f, static_argnums=1)
    kinds = [fx.ShapeDtypeStruct((3,), "float32"), jax.ShapeDtypeStruct((3,), np.float32)]
    compiled = jitted.lower(kinds[0], 2, y={"a": kinds[1]}).compile()
    x, a = np.arange(3.0, dtype=np.float32), np.ones(3, np.float32)
    np.testing.assert_array_equal(compiled(x, y={"a": a}), f(x, 2, {"a": a}))
    with pytest.raises(TypeError, match=r"changed from f32\[3\] to f32\[4\]"):
        compiled(np.ones(4, np.float32), y={"a": np.ones(4, np.float32)})
    # a weak scalar type keeps a Python number's dtype; a large type takes no memory
    weak_scalar = fx.ShapeDtypeStruct((), "float32", weak_type=True)
    weak = fx.jit(lambda s: s + fnp.ones(2, dtype=fnp.float16)).lower(weak_scalar)
    assert weak.compile()(2.0).dtype == fnp.float16
    assert "reduce" in fx.jit(fnp.sum).lower(fx.ShapeDtypeStruct((50_000, 50_000), "float32")).as_text()
    with pytest.raises(TypeError, match=r"\.lower\(\.\.\.\)"):  # a call needs arrays; the fix names lower
        jitted(kinds[0], 2, {"a": x})


def test_make_program_takes_types_for_its_traced_arguments():
    import jax

    def f(x, n, y):
        return fnp.sin(x) * n + y["a"]
    arrays = fx.make_program(f, static_argnums=1)(fnp.ones(3), 2, {"a": fnp.ones(3, dtype=fnp.float16)})
    for kind in (fx.ShapeDtypeStruct, jax.ShapeDtypeStruct):
        types = fx.make_program(f, static_argnums=1)(kind((3,), np.float32), 2, y={"a": kind((3,), np.float16)})
        assert str(types) == str(arrays)


def test_lowered_and_compiled_describe_their_trees_and_types_as_jax():
    jax = pytest.importorskip("jax")

    def f(x, n, *, y):
        return {"a": x * n, "b": (y.sum(),)}
    args, kwargs = (np.ones(2, np.float32), 3), {"y": np.ones((2, 2))}
    ours = fx.jit(f, static_argnums=1).lower(*args, **kwargs)
    theirs = jax.jit(f, static_argnums=1).lower(*args, **kwargs)
    # the traced arguments' structure, ((args...), {kwargs}), and the outputs', as jax's
    assert ours.in_tree == fx.tree.structure(((args[0],), kwargs))
    assert ours.out_tree == fx.tree.structure(f(*args, **kwargs))
    assert (ours.in_tree.num_leaves, ours.out_tree.num_leaves) == (theirs.in_tree.num_leaves,
                                                                   theirs.out_tree.num_leaves)
    assert fx.tree.leaves(ours.out_info) == [fx.ShapeDtypeStruct((2,), "float32"), fx.ShapeDtypeStruct((), "float64")]
    assert fx.tree.structure(ours.out_info) == ours.out_tree
    assert "stablehlo.multiply" in str(ours.compiler_ir()) and ours.compiler_ir("hlo").as_hlo_text()
    assert ours.cost_analysis()["flops"] > 0
    compiled = ours.compile()
    assert (compiled.in_tree, compiled.out_tree) == (ours.in_tree, ours.out_tree)
    assert fx.tree.leaves(compiled.out_info) == fx.tree.leaves(ours.out_info)
    # jax's stages: trace, then lower, then compile
    traced = fx.jit(f, static_argnums=1).trace(*args, **kwargs)
    assert traced.out_tree == ours.out_tree and "mul" in str(traced.jaxpr)
    out = traced.lower().compile()(args[0], **kwargs)
    np.testing.assert_array_equal(out["a"], jax.jit(f, static_argnums=1)(*args, **kwargs)["a"])


def test_jax_keywords_of_jit_for_one_device():
    f = fx.jit(lambda x: x + 1, backend="cpu", in_shardings=None, out_shardings=None, keep_unused=True)
    np.testing.assert_array_equal(f(fnp.ones(2)), [2.0, 2.0])
    g = fx.jit(static_argnames="n", backend="cpu")(lambda x, n: x * n)  # as a decorator with arguments
    np.testing.assert_array_equal(g(fnp.ones(2), n=3), [3.0, 3.0])
    with pytest.raises(NotImplementedError, match="shardings[\\s\\S]*device="):
        fx.jit(lambda x: x, in_shardings=object())


def test_errors_are_caught_by_jax_classes_and_names():
    with pytest.raises(TypeError, match="argnums"):  # (and a ValueError, as it was)
        fx.grad(lambda x, y: x * y, argnums=2)(1.0, 2.0)
    with pytest.raises(ValueError, match="not hashable"):  # (and a TypeError, as Python's)
        fx.jit(lambda x, n: x * n[0], static_argnums=1)(1.0, [2])
    leaked = []
    fx.jit(lambda x: leaked.append(x) or x)(1.0)
    with pytest.raises(fx.errors.UnexpectedTracerError):
        leaked[0] + 1
    with pytest.raises(TypeError):
        leaked[0] + 1
    with pytest.raises(fx.errors.TracerBoolConversionError):
        fx.jit(lambda x: bool(x > 0))(1.0)
    with pytest.raises(fx.errors.ConcretizationTypeError):
        fx.jit(lambda x: fnp.zeros(x))(3)


def test_ensure_compile_time_eval_computes_values_known_while_tracing():
    @fx.jit
    def f(x):
        with fx.ensure_compile_time_eval():
            n = int(fnp.arange(4).sum())
            assert not isinstance(fnp.sin(2.0), fx.core.array.Tracer)
        return fnp.zeros(n) + x
    np.testing.assert_array_equal(f(2.0), np.full(6, 2.0, np.float32))


@pytest.mark.parametrize("args, kwargs, change", [
    ((fnp.ones(3),), {"n": 2}, "argument `x` changed from f32[4] to f32[3]"),
    ((fnp.ones(4, dtype=fnp.float64),), {"n": 2}, "argument `x` changed from f32[4] to f64[4]"),
    ((fnp.ones(4),), {"n": 5}, "static argument `n` changed from 2 to 5"),
])
def test_compiled_lowering_called_with_another_signature_names_the_change(args, kwargs, change):
    compiled = fx.jit(lambda x, *, n: x * n, static_argnames="n").lower(fnp.ones(4), n=2).compile()
    with pytest.raises(TypeError, match=change.replace("[", r"\[").replace("]", r"\]")):
        compiled(*args, **kwargs)


# explain_cache_misses says how arguments are passed --------------------------------------------
def test_explain_cache_misses_names_a_static_argument_passed_another_way_or_not_at_all(monkeypatch, capsys):
    monkeypatch.setattr(fx.config, "explain_cache_misses", True)

    def scaled(x, n=1):
        return x * n
    f = fx.jit(scaled, static_argnames="n")
    x = fnp.ones(3)
    f(x, n=2)
    f(x, 2)
    f(x)
    g = fx.jit(scaled, static_argnames="n")
    g(x)
    g(x, n=1.0)
    assert capsys.readouterr().err.splitlines() == [
        "fx.jit: compiling scaled again: static argument `n` is passed by position now, by keyword before",
        "fx.jit: compiling scaled again: static argument `n` is not passed now, it was 2 before",
        "fx.jit: compiling scaled again: static argument `n` is passed now (1.0), it was not before",
    ]


def test_explain_cache_misses_names_a_traced_argument_passed_by_keyword(monkeypatch, capsys):
    monkeypatch.setattr(fx.config, "explain_cache_misses", True)

    def add(a, b):
        return a + b
    f = fx.jit(add)
    x = fnp.ones(3)
    f(x, x)
    f(x, b=x)
    assert capsys.readouterr().err.splitlines() == [
        "fx.jit: compiling add again: argument `b` is passed by keyword now, by position before"]


def test_a_traced_reshape_size_is_refused_naming_the_argument_and_static_argnums():
    # the -1 test compared the traced size with -1 and reported bool()
    with pytest.raises(fx.errors.ConcretizationError, match="a size[\\s\\S]*argument `n`[\\s\\S]*static_argnums=\\(1,\\)"):
        fx.jit(lambda a, n: a.reshape(n, -1))(fnp.arange(4.0), 2)
    np.testing.assert_array_equal(fx.jit(lambda a, n: a.reshape(n, -1), static_argnums=1)(fnp.arange(4.0), 2),
                                  np.arange(4.0).reshape(2, -1))


def test_config_switch_disables_jit_in_every_thread_and_reads_by_jax_names():
    import threading
    kinds = []
    f = fx.jit(lambda x: kinds.append(type(x).__name__) or x * 2)
    assert not fx.config.disable_jit and fx.config.jax_enable_x64 and fx.config.jax_log_compiles is False
    fx.config.update("jax_disable_jit", True)
    try:
        assert fx.config.jax_disable_jit
        worker = threading.Thread(target=f, args=(fnp.ones(2),))
        worker.start()
        worker.join()
        np.testing.assert_array_equal(f(fnp.arange(3.0)), np.arange(3.0) * 2)
        assert kinds == ["Array", "Array"]  # run as Python on the values, in the other thread too
    finally:
        fx.config.disable_jit = False
    f(fnp.ones(2))
    assert kinds[-1] == "StagedTracer" and not fx.config.disable_jit
    with pytest.raises(AttributeError, match="no switch 'jax_platform_name'"):
        fx.config.jax_platform_name


def test_make_jaxpr_answers_to_jax_names():
    jax = pytest.importorskip("jax")

    def program(np_):
        return lambda x, n: {"y": np_.sin(x) * n, "s": x.sum()}
    ours, shapes = fx.make_jaxpr(program(fnp), static_argnums=1, return_shape=True)(fnp.ones(3), 2)
    theirs, their_shapes = jax.make_jaxpr(program(jax.numpy), static_argnums=1,
                                          return_shape=True)(np.ones(3, np.float32), 2)
    assert [e.primitive.name for e in ours.eqns][:1] == [e.primitive.name for e in theirs.eqns][:1] == ["sin"]
    assert [(a.shape, a.dtype) for a in ours.in_avals] == [(a.shape, a.dtype) for a in theirs.in_avals]
    assert [(a.shape, a.dtype) for a in ours.out_avals] == [(a.shape, a.dtype) for a in theirs.out_avals]
    assert ours.jaxpr.invars == ours.invars and len(ours.outvars) == len(theirs.jaxpr.outvars)
    assert fx.tree.map(lambda s: (s.shape, s.dtype), shapes) == jax.tree.map(lambda s: (s.shape, s.dtype),
                                                                               their_shapes)


def test_typeof_of_values_and_traced_values_as_jax():
    jax = pytest.importorskip("jax")
    seen = []
    fx.jit(lambda x: seen.append(fx.typeof(x)) or x)(fnp.ones((2, 3)))
    assert seen[0] == fx.typeof(fnp.ones((2, 3))) == fx.ShapeDtypeStruct((2, 3), "float32")
    assert (fx.typeof(1.0).shape, fx.typeof(1.0).dtype, fx.typeof(1.0).weak) == ((), np.float32, True)
    assert fx.typeof([1, 2]).shape == jax.typeof(jax.numpy.asarray([1, 2])).shape
