"""linear_transpose, custom_gradient and closure_convert, against jax's functions of the same names.

Oracles: jax running the same mathematics, closed forms (A.T @ ct), the adjoint identity
<f(x), ct> == <x, f_t(ct)>, central finite differences, and a Python loop for vmap.
"""
import functools

import numpy as np
import pytest

import fluxion as fx
import fluxion.numpy as fnp
from fluxion.core.types import ShapeDtypeStruct
from fluxion.errors import DTypeError, FluxionError, ShapeError
from fluxion.transforms._closure_convert import closure_convert
from fluxion.transforms._custom_gradient import custom_gradient
from fluxion.transforms._linear_transpose import linear_transpose

jax = pytest.importorskip("jax")
jnp = jax.numpy

_R = np.random.default_rng(0)
A = _R.standard_normal((4, 3)).astype(np.float32)


def _close(a, b, tol=1e-5):
    for x, y in zip(fx.tree.leaves(a), fx.tree.leaves(b), strict=True):
        np.testing.assert_allclose(np.asarray(x), np.asarray(y), rtol=tol, atol=tol)


def _rand(*shape):
    return _R.standard_normal(shape).astype(np.float32)


def _transposes_match_jax(f, jf, primals, ct):
    """fluxion's transpose of `f` and jax's of `jf` agree on cotangent `ct`; returns fluxion's."""
    got = linear_transpose(f, *fx.tree.map(fnp.asarray, primals))(fx.tree.map(fnp.asarray, ct))
    want = jax.linear_transpose(jf, *primals)(ct)
    assert isinstance(got, tuple) and len(got) == len(primals)
    _close(got, want)
    return got


# linear_transpose -------------------------------------------------------------------------------
def test_linear_transpose_of_matmul_is_multiplication_by_the_transpose():
    ct = _rand(4)
    got = _transposes_match_jax(lambda x: fnp.asarray(A) @ x, lambda x: A @ x, (np.zeros(3, np.float32),), ct)
    _close(got[0], A.T @ ct)


def test_linear_transpose_of_sum_broadcasts_the_cotangent():
    got = _transposes_match_jax(lambda x: x.sum(), lambda x: x.sum(), (np.zeros((2, 3), np.float32),),
                                np.float32(2.5))
    _close(got[0], np.full((2, 3), 2.5))


def test_linear_transpose_of_slicing_and_reshapes_matches_jax():
    def f(m):
        return lambda x, y: (m.reshape(x[1:5:2], (2, 1)) * 3.0 - y.T[:, :1], m.transpose(y)[0])

    _transposes_match_jax(f(fnp), f(jnp), (np.zeros(6, np.float32), np.zeros((1, 2), np.float32)),
                          (_rand(2, 1), _rand(1)))


def test_linear_transpose_of_a_pytree_valued_map_matches_jax():
    def f(m, a):
        return lambda d: {"a": d["x"] * 2.0, "b": (a @ d["y"], d["x"].sum() - d["y"][0])}

    primals = ({"x": np.zeros(2, np.float32), "y": np.zeros(3, np.float32)},)
    ct = {"a": _rand(2), "b": (_rand(4), np.float32(0.7))}
    got = _transposes_match_jax(f(fnp, fnp.asarray(A)), f(jnp, A), primals, ct)
    assert set(got[0]) == {"x", "y"}


def test_linear_transpose_of_a_complex_map_matches_jax():
    c = np.complex64(1 + 2j)
    _transposes_match_jax(lambda z: c * z.conj(), lambda z: c * z.conj(), (np.zeros(3, np.complex64),),
                          (_rand(3) + 1j * _rand(3)).astype(np.complex64))


def test_linear_transpose_takes_types_as_primals_and_ignores_an_affine_offset():
    scalar = ShapeDtypeStruct((), "float32")
    f_t = linear_transpose(lambda x, y: 0.5 * x - 0.5 * y + 1.0, scalar, scalar)
    j_t = jax.linear_transpose(lambda x, y: 0.5 * x - 0.5 * y + 1.0, jax.ShapeDtypeStruct((), np.float32),
                               jax.ShapeDtypeStruct((), np.float32))
    got = f_t(1.0)
    _close(got, j_t(np.float32(1.0)))
    assert [g.dtype for g in got] == [np.float32, np.float32]


@pytest.mark.parametrize("name, f", [
    ("fori_loop", lambda x: fx.fori_loop(0, 3, lambda i, c: c * 2.0 + x, x)),
    ("fori_loop with indices", lambda x: fx.fori_loop(0, 3, lambda i, c: c.at[i].add(c[0]), x)),
    ("scan", lambda x: fx.scan(lambda c, xi: (c + xi, c * 3.0), 0.0, x)),
    ("cond", lambda x: fx.cond(True, lambda x: x * 2.0, lambda x: -x, x)),
    ("cumsum and flip", lambda x: fnp.flip(fnp.cumsum(x)) @ fnp.asarray(A.T)),
])
def test_linear_transpose_satisfies_the_adjoint_identity(name, f):
    x = fnp.asarray(_rand(3))
    y = f(x)
    ct = fx.tree.map(lambda v: fnp.asarray(_rand(*fnp.shape(v))), y)
    (x_ct,) = linear_transpose(f, x)(ct)
    lhs = sum(float((a * b).sum()) for a, b in zip(fx.tree.leaves(y), fx.tree.leaves(ct)))
    np.testing.assert_allclose(lhs, float((x * x_ct).sum()), rtol=1e-5)


def test_linear_transpose_result_works_under_jit_and_vmap():
    f_t = linear_transpose(lambda x: fnp.asarray(A) @ x, fnp.zeros(3))
    cts = _rand(5, 4)
    _close(fx.jit(f_t)(fnp.asarray(cts[0])), (A.T @ cts[0],))
    _close(fx.vmap(f_t)(fnp.asarray(cts)), (np.stack([A.T @ c for c in cts]),))
    inside = fx.jit(lambda c: linear_transpose(lambda x: fnp.asarray(A) @ x, fnp.zeros(3))(c)[0])
    _close(inside(fnp.asarray(cts[1])), A.T @ cts[1])


def _piecewise(x):
    if x.sum() > 0:  # Python control flow on the input: converted, then seen as a dependence
        return x * 2.0
    return x


@pytest.mark.parametrize("f", [fnp.sin, lambda x: x * x, fnp.abs, lambda x: fnp.where(x > 0, x, 0.0),
                               lambda x: x[fnp.argmax(x)] * fnp.ones(3), _piecewise])
def test_linear_transpose_refuses_a_nonlinear_function_naming_the_fix(f):
    with pytest.raises(TypeError, match="not linear in its inputs(.|\n)*fix:.*fx.vjp"):
        linear_transpose(f, fnp.zeros(3))


def test_linear_transpose_errors_name_the_fix_for_wrong_cotangents_and_inputs():
    f_t = linear_transpose(lambda x: fnp.asarray(A) @ x, fnp.zeros(3))
    with pytest.raises(ShapeError, match=r"shape \(3,\) but its output has shape \(4,\)(.|\n)*fix:"):
        f_t(fnp.ones(3))
    with pytest.raises(DTypeError, match="dtype int32(.|\n)*fix: cast the cotangent"):
        f_t(fnp.ones(4, dtype=fnp.int32))
    with pytest.raises(TypeError, match="structure(.|\n)*fix:"):
        f_t((fnp.ones(4),))
    with pytest.raises(TypeError, match="floating-point(.|\n)*fix:"):
        linear_transpose(lambda n: n * 2, fnp.zeros(3, dtype=fnp.int32))
    with pytest.raises(NotImplementedError, match="reduce_axes(.|\n)*fix:"):
        linear_transpose(lambda x: x, fnp.zeros(3), reduce_axes=("batch",))


# custom_gradient --------------------------------------------------------------------------------
def _scaled_sin(m, custom_gradient):
    """sin(x) * y, with a gradient rule that is deliberately not the true one (so a match shows the rule ran)."""
    @custom_gradient
    def f(x, y):
        return m.sin(x) * y, lambda g: (g * m.cos(x) * y * 2.0, g * m.sin(x) ** 2)
    return f


F, JF = _scaled_sin(fnp, custom_gradient), _scaled_sin(jnp, jax.custom_gradient)


def test_custom_gradient_value_and_gradients_match_jax():
    x, y = np.float32(0.7), np.float32(1.3)
    _close(F(x, y), JF(x, y))
    _close(fx.grad(F, argnums=(0, 1))(x, y), jax.grad(JF, argnums=(0, 1))(x, y))
    _close(fx.vjp(F, x, y)[1](np.float32(2.0)), jax.vjp(JF, x, y)[1](np.float32(2.0)))


def test_custom_gradient_of_a_stable_function_matches_finite_differences():
    @custom_gradient
    def log1pexp(x):
        return fnp.log1p(fnp.exp(x)), lambda g: g / (1 + fnp.exp(-x))

    x, eps = np.linspace(-3, 3, 7), 1e-6
    g = fx.vmap(fx.grad(log1pexp))(fnp.asarray(x))
    _close(g, (np.log1p(np.exp(x + eps)) - np.log1p(np.exp(x - eps))) / (2 * eps), tol=1e-6)
    assert float(fx.grad(log1pexp)(fnp.asarray(200.0))) == 1.0


def test_custom_gradient_under_jit_and_vmap_matches_jax():
    xs, ys = _rand(5), _rand(5)
    _close(fx.jit(fx.grad(F))(xs[0], ys[0]), jax.jit(jax.grad(JF))(xs[0], ys[0]))
    _close(fx.vmap(fx.grad(F, argnums=(0, 1)))(fnp.asarray(xs), fnp.asarray(ys)),
           jax.vmap(jax.grad(JF, argnums=(0, 1)))(xs, ys))
    _close(fx.grad(lambda x: fx.vmap(F)(x, fnp.asarray(ys)).sum())(fnp.asarray(xs)),
           jax.grad(lambda x: jax.vmap(JF)(x, ys).sum())(xs))
    _close(fx.jit(fx.vmap(fx.grad(F)))(fnp.asarray(xs), fnp.asarray(ys)), jax.vmap(jax.grad(JF))(xs, ys))


def test_custom_gradient_second_order_differentiates_the_vjp_function_as_jax():
    x, y = np.float32(0.7), np.float32(1.3)
    for inner, outer in [(0, 0), (0, 1), (1, 0)]:
        got = fx.grad(fx.grad(F, argnums=inner), argnums=outer)(x, y)
        _close(got, jax.grad(jax.grad(JF, argnums=inner), argnums=outer)(x, y))

    @custom_gradient
    def square(x):  # the second derivative is that of the rule g * x, not of x ** 2
        return x ** 2, lambda g: g * x
    assert float(fx.grad(fx.grad(square))(3.0)) == 1.0 == float(jax.grad(jax.grad(
        jax.custom_gradient(lambda x: (x ** 2, lambda g: (g * x,)))))(3.0))


def test_custom_gradient_inside_scan_matches_jax():
    xs = _rand(4)
    got = fx.grad(lambda x: fx.scan(lambda c, xi: (c + F(xi, c), None), 0.5, x)[0])(fnp.asarray(xs))
    _close(got, jax.grad(lambda x: jax.lax.scan(lambda c, xi: (c + JF(xi, c), None), 0.5, x)[0])(xs))


def test_custom_gradient_with_pytrees_and_omitted_defaults_matches_jax():
    def make(m, cg):
        @cg
        def f(p, scale=1.0):  # vjp_fn gives one cotangent per argument passed, as jax's
            out = (p["w"] * p["b"] * scale, p["w"].sum())
            return out, lambda g: ({"w": g[0] * 10.0 + g[1], "b": g[0]},)
        return f
    f, jf = make(fnp, custom_gradient), make(jnp, jax.custom_gradient)
    p = {"w": _rand(3), "b": _rand(3)}
    got = fx.grad(lambda p: f(p)[0].sum() + f(p)[1])(fx.tree.map(fnp.asarray, p))
    _close(got, jax.grad(lambda p: jf(p)[0].sum() + jf(p)[1])(p))


def test_custom_gradient_errors_name_the_fix():
    with pytest.raises(TypeError, match="pair \\(value, vjp_fn\\)(.|\n)*fix:"):
        custom_gradient(lambda x: x * 2)(1.0)
    with pytest.raises(TypeError, match="pair(.|\n)*fix:"):
        fx.grad(custom_gradient(lambda x: (x, x)))(1.0)
    with pytest.raises(TypeError, match="returned 2 cotangents for 1 argument(.|\n)*fix:"):
        fx.grad(custom_gradient(lambda x: (x, lambda g: (g, g))))(1.0)
    with pytest.raises(TypeError, match="keyword arguments \\(y\\)(.|\n)*fix: pass them positionally"):
        F(0.5, y=1.0)
    with pytest.raises(FluxionError, match="forward mode(.|\n)*fix:"):
        fx.jvp(F, (0.5, 1.0), (1.0, 0.0))


# closure_convert --------------------------------------------------------------------------------
def _apply_with_custom_vjp(m, custom_vjp, vjp, closure_convert):
    """A loss whose inner function goes through a custom_vjp by closure conversion (as in jax's docs)."""
    @functools.partial(custom_vjp, nondiff_argnums=(0,))
    def apply(f, x, *args):
        return f(x, *args)

    def fwd(f, x, *args):
        return f(x, *args), (x, args)

    def bwd(f, res, g):
        x, args = res
        return vjp(f, x, *args)[1](g)

    apply.defvjp(fwd, bwd)

    def loss(a, b, x):
        f = lambda z: m.sin(a * z) * b  # noqa: E731  (closes over a and b)
        converted, consts = closure_convert(f, x)
        return apply(converted, x, *consts).sum()
    return loss


LOSS = _apply_with_custom_vjp(fnp, fx.custom_vjp, fx.vjp, closure_convert)
JLOSS = _apply_with_custom_vjp(jnp, jax.custom_vjp, jax.vjp, jax.closure_convert)


def test_closure_convert_with_custom_vjp_gives_jax_gradients_of_closed_over_values():
    a, b, x = np.float32(0.5), np.float32(1.5), _rand(3)
    _close(LOSS(a, b, x), JLOSS(a, b, x))
    _close(fx.grad(LOSS, argnums=(0, 1, 2))(a, b, x), jax.grad(JLOSS, argnums=(0, 1, 2))(a, b, x))
    _close(fx.jit(fx.grad(LOSS, argnums=(0, 1)))(a, b, x), jax.jit(jax.grad(JLOSS, argnums=(0, 1)))(a, b, x))
    a_s = np.asarray([0.5, 1.0, -2.0], np.float32)
    _close(fx.vmap(fx.grad(LOSS), in_axes=(0, None, None))(a_s, b, x),
           jax.vmap(jax.grad(JLOSS), in_axes=(0, None, None))(a_s, b, x))


def test_closure_convert_hoists_traced_values_only_as_jax_does():
    def count(m, convert):
        def h(a):
            converted, consts = convert(lambda z: a * m.sin(z) + m.ones(3).sum(), 1.0)
            counts.append(len(consts))
            return converted(2.0, *consts)
        return h
    for transform, jtransform in [(lambda f: f, lambda f: f), (fx.grad, jax.grad), (fx.jit, jax.jit)]:
        counts = []
        got = transform(count(fnp, closure_convert))(np.float32(1.5))
        want = jtransform(count(jnp, jax.closure_convert))(np.float32(1.5))
        _close(got, want)
        assert counts[0] == counts[1]


def test_closure_convert_keeps_structure_and_values():
    w = fnp.asarray(_rand(2, 3))
    f = lambda p, x: {"y": fnp.tanh(p["u"] @ w) * x, "n": x.sum()}  # noqa: E731
    p, x = {"u": fnp.asarray(_rand(2))}, fnp.asarray(_rand(3))
    converted, consts = closure_convert(f, p, x)
    assert consts == []
    _close(converted(p, x), f(p, x))
    assert set(converted(p, x)) == {"y", "n"}


def test_closure_convert_errors_name_the_fix():
    converted, _ = closure_convert(lambda z: z * 2, fnp.zeros(3))
    with pytest.raises(TypeError, match="f32\\[3\\], got f32\\[4\\](.|\n)*fix: convert again"):
        converted(fnp.ones(4))
    with pytest.raises(TypeError, match="structure(.|\n)*fix:"):
        converted(fnp.ones(3), fnp.ones(3))
    with pytest.raises(TypeError, match="not an array(.|\n)*fix:"):
        closure_convert(lambda z: "text", fnp.zeros(3))


def test_reduce_axes_is_accepted_empty_and_refused_otherwise_as_in_jax():
    for ours, theirs in ((fx.grad, jax.grad), (fx.value_and_grad, jax.value_and_grad)):
        np.testing.assert_allclose(np.asarray(ours(fnp.sin, reduce_axes=())(1.0)),
                                   np.asarray(theirs(jnp.sin, reduce_axes=())(1.0)), rtol=1e-6)
        for grad, sin in ((ours, fnp.sin), (theirs, jnp.sin)):
            with pytest.raises(NotImplementedError, match="reduce_axes"):
                grad(sin, reduce_axes=("i",))(1.0)
        with pytest.raises(NotImplementedError, match=f"^{ours.__name__}: reduce_axes"):  # (its own name)
            ours(fnp.sin, reduce_axes=("i",))
    assert float(fx.vjp(fnp.sin, 0.0, reduce_axes=())[1](1.0)[0]) == 1.0
