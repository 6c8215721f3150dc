"""Eager reverse mode replays each primitive signature's derived block (forward, linear and
backward programs) instead of applying its jvp rule at every call.

Oracles: the same gradients with blocks switched off (every call applies its rule, as under
any other transformation), finite differences, and jit / vmap of the recorded linear maps
against their eager values.
"""
import gc

import numpy as np
import pytest

import fluxion as fx
import fluxion.numpy as fnp
from fluxion.numpy import linalg as LA
from fluxion.transforms.autodiff import blocks
from fluxion.transforms.autodiff.api import _linearize
from fluxion.test_util import check_grads

from _arrays import fx_rand


@pytest.fixture
def rules_only(monkeypatch):
    """Switch blocks off: the eager linearizer applies each call's rule."""
    def switch():
        monkeypatch.setattr(blocks.EagerLinearizer, "_replay", lambda self, prim, args, params: None)
    return switch


FUNCTIONS = {
    "elementwise": lambda x: fnp.sum(fnp.sin(x) * x + fnp.exp(-x) / (1 + x * x)),
    "weak scalars and integers": lambda x: fnp.sum(2.0 * x ** 3 + fnp.arange(x.shape[-1]) * x),
    "reductions with parameters": lambda x: fnp.sum(fnp.max(x, axis=0) + fnp.mean(x, axis=-1, keepdims=True)),
    "shapes and indexing": lambda x: fnp.sum(fnp.reshape(x, (-1,))[::2] * fnp.flip(x.T, 0)[0, 0]),
    "matmul": lambda x: fnp.sum(fnp.tanh(x @ x.T)),
    "several results, one used": lambda x: fnp.sum(LA.eigh(x @ x.T + fnp.eye(x.shape[0]))[0]),
    "several results, all used": lambda x: fnp.sum(LA.qr(x)[0] * 2) + fnp.sum(LA.qr(x)[1]),
    "sort and where": lambda x: fnp.sum(fnp.where(x > 0, fnp.sort(x, axis=-1), x * x)),
    "logsumexp": lambda x: fnp.sum(fx.scipy.special.logsumexp(x, axis=1)),
}


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_gradients_with_blocks_equal_the_rules_gradients(name, dtype, rules_only):
    f, x = FUNCTIONS[name], fx_rand(3, 3, dtype=dtype, seed=1)
    with_blocks = fx.value_and_grad(f)(x)
    rules_only()
    with_rules = fx.value_and_grad(f)(x)
    tol = 1e-5 if dtype == np.float32 else 1e-12
    for a, b in zip(with_blocks, with_rules):
        assert a.dtype == b.dtype and a.shape == b.shape
        np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=tol, atol=tol)


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_gradients_with_blocks_match_finite_differences(name):
    check_grads(FUNCTIONS[name], (fx_rand(3, 3, dtype=np.float64, seed=2),), order=2, modes=("rev",))


def test_a_signature_is_derived_once(monkeypatch):
    derived = []
    derive = blocks.derive
    monkeypatch.setattr(blocks, "derive", lambda *a: derived.append(a[0]) or derive(*a))
    monkeypatch.setattr(blocks, "_blocks", {})
    g = fx.grad(lambda x: fnp.sum(fnp.cos(x) * x))
    x = fx_rand(5, dtype=np.float64, seed=3)
    first = g(x)
    n = len(derived)
    g(fx_rand(5, dtype=np.float64, seed=4))
    assert n > 0 and len(derived) == n  # same signatures: nothing derived again
    g(fx_rand(6, dtype=np.float64, seed=4))
    assert len(derived) > n  # a new shape is a new signature
    v = np.asarray(x)
    np.testing.assert_allclose(np.asarray(first), np.cos(v) - v * np.sin(v), rtol=1e-12)


def test_calls_of_programs_apply_their_rules():
    def f(x):
        return fx.cond(fnp.sum(x) > 0, lambda x: fnp.sin(x), lambda x: fnp.cos(x), x).sum()
    x = fx_rand(4, dtype=np.float64, seed=5)
    np.testing.assert_allclose(np.asarray(fx.grad(f)(x)), np.cos(np.asarray(x)) if float(fnp.sum(x)) > 0
                               else -np.sin(np.asarray(x)), rtol=1e-12)
    assert not any(k[0].name == "cond" for k, b in blocks._blocks.items() if b is not None)


def test_an_unused_result_with_infinite_derivative_leaves_no_nan():
    # the eigenvectors of the identity are not differentiable, but the trace of the eigenvalues is
    g = fx.grad(lambda x: fnp.sum(LA.eigvalsh(x)))(fnp.eye(3, dtype=np.float64))
    np.testing.assert_allclose(np.asarray(g), np.eye(3), atol=1e-12)


def test_recorded_linear_maps_run_under_jit_and_vmap():
    x = fx_rand(3, 4, dtype=np.float64, seed=6)
    f = lambda x: fnp.tanh(x) * fnp.sum(x ** 2, axis=1, keepdims=True)
    y, f_vjp = fx.vjp(f, x)
    _, f_jvp = fx.linearize(f, x)
    cts = fx_rand(5, 3, 4, dtype=np.float64, seed=7)
    eager_vjp = np.stack([np.asarray(f_vjp(c)[0]) for c in cts])
    eager_jvp = np.stack([np.asarray(f_jvp(c)) for c in cts])
    np.testing.assert_allclose(np.asarray(fx.vmap(lambda c: f_vjp(c)[0])(cts)), eager_vjp, rtol=1e-12)
    np.testing.assert_allclose(np.asarray(fx.jit(lambda c: f_vjp(c)[0])(cts[0])), eager_vjp[0], rtol=1e-12)
    np.testing.assert_allclose(np.asarray(fx.vmap(f_jvp)(cts)), eager_jvp, rtol=1e-12)
    np.testing.assert_allclose(np.asarray(fx.jit(f_jvp)(cts[0])), eager_jvp[0], rtol=1e-12)
    # the dot-product test: <f_jvp(t), c> == <t, f_vjp(c)>
    np.testing.assert_allclose(np.sum(eager_jvp[0] * np.asarray(cts[1])), np.sum(np.asarray(cts[0]) * eager_vjp[1]),
                               rtol=1e-12)


def test_grad_of_grad_differentiates_the_inner_rules_through_blocks():
    x = fx_rand(4, dtype=np.float64, seed=8)
    h = fx.grad(lambda x: fnp.sum(fx.grad(lambda x: fnp.sum(fnp.sin(x) ** 2))(x)))(x)
    np.testing.assert_allclose(np.asarray(h), 2 * np.cos(2 * np.asarray(x)), rtol=1e-12)


def test_signatures_whose_rules_make_large_constants_are_not_kept(monkeypatch):
    monkeypatch.setattr(blocks, "_blocks", {})
    monkeypatch.setattr(blocks, "_MAX_CONST_BYTES", 4)  # below the 8-byte zero of select_n's tangent rule
    f = lambda x: fnp.sum(fnp.where(x > 0, x, 0.0) * x)
    x = fx_rand(100, dtype=np.float64, seed=9)
    v = np.asarray(x)
    np.testing.assert_allclose(np.asarray(fx.grad(f)(x)), np.where(v > 0, 2 * v, 0.0), rtol=1e-12)
    kept = {k[0].name: b for k, b in blocks._blocks.items()}
    assert kept["select_n"] is None and kept["mul"] is not None


def test_a_backward_filling_large_zeros_is_kept_and_fills_them_at_each_run(monkeypatch):
    # a gather's transpose scatters into zeros of its operand's size: made by the backward program
    # as it runs rather than kept as a constant, which would keep the program from being cached
    monkeypatch.setattr(blocks, "_blocks", {})
    monkeypatch.setattr(blocks, "_MAX_CONST_BYTES", 64)
    monkeypatch.setattr(blocks, "_STAGED_FILL_BYTES", 64)
    x = fx_rand(50, dtype=np.float64, seed=10)
    i = np.array([3, 7, 3, 49, 0, 7, 7])
    g = fx.grad(lambda x: fnp.sum(fnp.sin(x[i])))
    expected = np.bincount(i, np.cos(np.asarray(x)[i]), minlength=50)
    for _ in range(3):  # (each run gets fresh zeros: an earlier scatter leaves nothing behind)
        np.testing.assert_allclose(np.asarray(g(x)), expected, rtol=1e-15)
    gather = next(b for k, b in blocks._blocks.items() if k[0].name == "gather")
    (backward,) = gather._backward.values()
    assert "broadcast_in_dim" in [eq.prim.name for eq in backward.program.equations]
    assert sum(c.size for c in backward.program.consts) <= 1


def _vjp_grads(f, args, argnums):
    """The gradient by the general path: fx.vjp of f in the argnums arguments."""
    nums = (argnums,) if isinstance(argnums, int) else argnums

    def g(*diff):
        full = list(args)
        for n, d in zip(nums, diff):
            full[n] = d
        return f(*full)

    value, f_vjp = fx.vjp(g, *[args[n] for n in nums])
    grads = f_vjp(fnp.ones((), value.dtype))
    return value, grads[0] if isinstance(argnums, int) else grads


ARGS = ({"w": fx_rand(3, dtype=np.float32, seed=3), "b": (2.0, fx_rand(2, 3, seed=4))}, fx_rand(3, seed=5))


@pytest.mark.parametrize("argnums", [0, 1, -1, (0, 1), (1, 0), [1]])
def test_eager_value_and_grad_matches_the_general_path(argnums):
    def f(p, x):
        return fnp.sum(fnp.sin(p["w"] * x) * p["b"][0]) + fnp.sum(p["b"][1] @ x)

    value, grads = fx.value_and_grad(f, argnums)(*ARGS)
    expected_value, expected = _vjp_grads(f, ARGS, argnums)
    np.testing.assert_allclose(np.asarray(value), np.asarray(expected_value), rtol=1e-6)
    assert fx.tree.structure(grads) == fx.tree.structure(expected)
    for g, e in zip(fx.tree.leaves(grads), fx.tree.leaves(expected)):
        assert g.dtype == e.dtype and g.shape == e.shape
        np.testing.assert_allclose(np.asarray(g), np.asarray(e), rtol=1e-6)


def test_eager_grad_of_a_function_ignoring_or_returning_its_input():
    x = fnp.asarray(3.0)
    assert float(fx.grad(lambda x: x)(x)) == 1.0
    assert float(fx.grad(lambda x: fnp.asarray(2.0))(x)) == 0.0
    g = fx.grad(lambda x, y: x * 2.0, argnums=(0, 1))(x, fnp.ones(2))
    np.testing.assert_array_equal(np.asarray(g[1]), np.zeros(2))
    seed_before = float(fx.grad(lambda x: x)(x))
    g = fx.grad(lambda x: x)(x)
    g += 1  # the gradient is the caller's: updating it changes no later gradient
    assert float(fx.grad(lambda x: x)(x)) == seed_before


@pytest.mark.parametrize("f, args, argnums, error", [
    (lambda x: x * fnp.ones(2), (1.0,), 0, TypeError),
    (lambda x: (x, x), (1.0,), 0, TypeError),
    (lambda x: x, (fnp.arange(3),), 0, fx.errors.DTypeError),
    (lambda x: x, (1.0,), 3, ValueError),
    (lambda x, y: x * y, (1.0, 2.0), (0, 0), ValueError),  # named twice (it would take no gradient)
    (lambda x, y: x * y, (1.0, 2.0), (1, -1), ValueError),
])
def test_eager_grad_errors_name_the_problem(f, args, argnums, error):
    with pytest.raises(error):
        fx.grad(f, argnums)(*args)


def test_a_call_whose_results_have_no_derivative_records_nothing():
    f = lambda x: fnp.sum(fnp.where(x < 0.5, x, 2 * x))  # the comparison's result has no derivative
    x = fx_rand(6, dtype=np.float64, seed=10)
    program = _linearize(f, (x,))[3].program
    assert program.equations and all(eq.outputs for eq in program.equations)
    v = np.asarray(x)
    np.testing.assert_array_equal(np.asarray(fx.grad(f)(x)), np.where(v < 0.5, 1.0, 2.0))


def test_a_recorded_call_leaves_few_objects_for_the_garbage_collector():
    # each full collection walks the tape of every eager gradient being computed: a long Python
    # loop's tape holds four tracked objects per call (the equation, its input and output lists,
    # the output variable); the residuals, a tuple of NumPy arrays, are not tracked
    n = 500

    def f(x):
        for _ in range(n):
            x = fnp.sin(x) * 0.5
        return fnp.sum(x)

    x = fx_rand(4, dtype=np.float64, seed=11)
    fx.vjp(f, x)  # the signatures' blocks, derived once
    gc.collect()
    before = len(gc.get_objects())
    out, f_vjp = fx.vjp(f, x)
    gc.collect()
    assert (len(gc.get_objects()) - before) / (2 * n) < 4.5
    v = np.asarray(x)
    expected = np.ones_like(v)
    for _ in range(n):
        expected, v = expected * np.cos(v) * 0.5, np.sin(v) * 0.5
    np.testing.assert_allclose(np.asarray(f_vjp(fnp.ones((), np.float64))[0]), expected, rtol=1e-12)
