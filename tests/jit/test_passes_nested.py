"""Program passes inside control flow: `optimize` simplifies the branches and loop bodies that
equations carry, with the small constants they are passed made theirs.

Oracles: the program before `optimize`, run by `evaluate` (the eager kernels) on random inputs;
NumPy's stable `logaddexp` for the compiled loops that eager evaluation overflows in; the
primitives of each sub-program show what the passes did there.
"""
import collections

import numpy as np
import pytest

import fluxion as fx
import fluxion.numpy as fnp
from fluxion.core.program import Program, evaluate, sub_programs
from fluxion.core.rules import effectful
from fluxion.ops import elementwise as E
from fluxion.transforms.passes import optimize
from fluxion.transforms.passes.nested import MAX_INLINED_ELEMENTS


def _sub(program: Program, prim: str, key: str, index: int = 0) -> Program:
    """The sub-program `key` (the `index`-th of a tuple) of the first `prim` equation."""
    eq = next(eq for eq in program.equations if eq.prim.name == prim)
    value = eq.params[key]
    return value[index] if isinstance(value, tuple) else value


def _prims(program: Program) -> collections.Counter:
    return collections.Counter(eq.prim.name for eq in program.equations)


def _same_values(p: Program, q: Program, *args):
    assert q.in_types == p.in_types and q.out_types == p.out_types
    for a, b in zip(evaluate(p, *args), evaluate(q, *args)):
        assert (a.shape, a.dtype, a.weak) == (b.shape, b.dtype, b.weak)
        np.testing.assert_allclose(np.asarray(b), np.asarray(a), rtol=1e-5, atol=1e-6)


def _loops(x):
    def body(c):
        i, y = c
        return i + 1, fnp.log(1 + fnp.exp(y * 1.0))
    _, y = fx.while_loop(lambda c: c[0] < 3, body, (0, x))
    z = fx.cond(y.sum() > 0, lambda v: fnp.exp(fnp.log(v * v)), lambda v: v + 0.0, y)
    return fx.scan(lambda c, a: (c + fnp.log(fnp.sum(fnp.exp(a))), c), 0.0, z[None])[0]


def test_rewrites_reach_loop_bodies_and_branches(rng):
    x = fnp.asarray(rng.uniform(-3, 3, 3).astype(np.float32))
    p = fx.make_program(_loops)(x)
    q = optimize(p)
    _same_values(p, q, x)
    body = _sub(q, "while", "body")
    assert "log" not in _prims(body) and _prims(body)["log1p"] == 1  # softplus, stable
    assert "mul" not in _prims(body)  # y * 1.0: the 1.0 the loop is passed is the body's constant
    assert _prims(_sub(q, "cond", "branches", 1)) == {"square": 1}  # exp(log(v * v))
    assert not _prims(_sub(q, "cond", "branches", 0))  # v + 0.0
    assert _prims(_sub(q, "scan", "body"))["reduce_max"] == 1  # logsumexp, shifted
    assert optimize(q) is q


def test_compiled_loops_are_stable_where_eager_overflows():
    x = fnp.asarray(np.array([100.0, -3.0, 0.5], np.float32))
    assert not np.isfinite(np.asarray(_loops(x)))  # eager: log(1 + exp(100)) is inf in float32
    y = np.float64(np.asarray(x))
    for _ in range(3):
        y = np.logaddexp(0.0, y)
    y = y * y if y.sum() > 0 else y
    expected = np.log(np.sum(np.exp(y - y.max()))) + y.max()
    np.testing.assert_allclose(np.asarray(fx.jit(_loops)(x)), expected, rtol=1e-5)


def test_rewrites_reach_a_loop_inside_a_loop(rng):
    def f(x):
        def outer(i, y):
            return fx.fori_loop(0, 2, lambda j, z: fnp.log(1 + fnp.exp(z)) - 1.0, y)
        return fx.fori_loop(0, 3, outer, x)
    x = fnp.asarray(rng.uniform(-3, 3, 4).astype(np.float32))
    p = fx.make_program(f)(x)
    q = optimize(p)
    _same_values(p, q, x)

    def inner_bodies(program):
        for sub in (s for eq in program.equations for s in sub_programs(eq.params)):
            yield sub
            yield from inner_bodies(sub)
    assert [s for s in inner_bodies(p) if "log1p" in _prims(s)] == []
    assert any("log1p" in _prims(s) for s in inner_bodies(q))
    assert all("log" not in _prims(s) for s in inner_bodies(q))


def test_a_large_closed_over_constant_stays_one_operand(rng):
    big = fnp.asarray(rng.uniform(size=MAX_INLINED_ELEMENTS + 1).astype(np.float32))
    small = fnp.asarray(rng.uniform(size=4).astype(np.float32))

    def f(x):
        return fx.fori_loop(0, 3, lambda i, y: y * big + small[i], x)
    x = fnp.asarray(rng.uniform(size=big.shape).astype(np.float32))
    p = fx.make_program(f)(x)
    q = optimize(p)
    _same_values(p, q, x)
    consts = _sub(q, "scan", "body").consts
    assert [c.shape for c in consts if c.size > 1] == [(4,)]  # small is the body's own; big is passed


def test_passes_keep_an_effectful_equation_in_a_loop_body(rng):
    def f(x):
        def body(i, y):
            fnp.sin(y)  # unused: dead, unless it has effects
            return y * 1.0 + i
        return fx.fori_loop(0, 3, body, x)
    x = fnp.asarray(rng.uniform(size=3).astype(np.float32))
    effectful.add(E.sin_p)
    try:
        p = fx.make_program(f)(x)
        body = _sub(optimize(p), "scan", "body")
    finally:
        effectful.discard(E.sin_p)
    assert _prims(body)["sin"] == 1 and "mul" not in _prims(body)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_jit_of_the_gradient_through_optimized_loops_matches_eager(dtype, rng):
    def f(x):
        def body(i, y):
            return fnp.log(1 + fnp.exp(y * 1.0)) * 0.5 + fnp.log(fnp.sum(fnp.exp(y)))
        return fx.fori_loop(0, 4, body, x).sum()
    x = fnp.asarray(rng.uniform(-2, 2, 5).astype(dtype))
    g = fx.grad(f)
    tol = 1e-5 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(np.asarray(fx.jit(g)(x)), np.asarray(g(x)), rtol=tol, atol=tol)


def test_programs_and_derived_blocks_cached_by_their_params_tell_signed_zeros_apart():
    # 0.0 == -0.0 in Python: a cache keyed on params as they compare gave one fill for the other
    x, idx = fnp.asarray([1.0, 2.0]), fnp.asarray([0, 5])

    def gather(fill):
        return lambda x: x.at[idx].get(mode="fill", fill_value=fill)
    for fill in (-0.0, 0.0, -0.0):
        branches = fx.jit(lambda p, x: fx.lax.cond(p, gather(fill), gather(fill), x))(True, x)
        assert np.signbit(np.asarray(branches)[1]) == np.signbit(fill)
        assert np.signbit(np.asarray(fx.jvp(gather(fill), (x,), (x,))[0])[1]) == np.signbit(fill)


def test_passes_neither_merge_nor_fold_nor_rewrite_across_an_optimization_barrier():
    x = fnp.asarray([-0.0, 1.0], dtype=fnp.float32)
    both = optimize(fx.make_program(lambda x: (fx.lax.optimization_barrier(x), fx.lax.optimization_barrier(x)))(x))
    assert [eq.prim.name for eq in both.equations].count("optimization_barrier") == 2
    # the constant 0 passed into the branch stays behind its barrier, so -0.0 + 0 is +0.0 as eagerly
    f = lambda p, x: fx.lax.cond(p, lambda c: x + fx.lax.optimization_barrier(c), lambda c: x,  # noqa: E731
                                 fnp.float32(0))
    np.testing.assert_array_equal(np.signbit(fx.jit(f)(True, x)), np.signbit(f(True, x)))
    assert not np.signbit(f(True, x)).any()
