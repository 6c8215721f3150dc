"""conv_transpose, conv_general_dilated_patches, custom_root, custom_linear_solve, optimization_barrier,
reduce_precision and approx_max_k / approx_min_k against jax.lax: values, derivatives, jit, vmap, errors."""
import ml_dtypes
import numpy as np
import pytest

import fluxion as fx
import fluxion.numpy as fnp
from fluxion import lax
from fluxion.errors import FluxionError

from _lax_oracle import check


@pytest.fixture(scope="module")
def jax(jlax):
    """jax with float64 enabled (the jlax fixture turns it on)."""
    import jax
    return jax


def close(a, b, tol=1e-10):
    np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=tol, atol=tol)


# conv_transpose ---------------------------------------------------------------------------------
TRANSPOSE_CASES = [  # lhs shape, kernel shape, strides, padding, rhs_dilation, dimension_numbers
    ((2, 5, 3), (3, 3, 4), (2,), "SAME", None, None),
    ((2, 5, 3), (4, 3, 2), (3,), "VALID", (2,), None),
    ((1, 4, 5, 2), (3, 2, 2, 3), (2, 1), "SAME", (1, 2), None),
    ((1, 4, 5, 2), (2, 2, 2, 3), (1, 3), "VALID", None, None),
    ((2, 3, 4, 5), (2, 3, 3, 2), (2, 2), [(1, 0), (2, 1)], None, ("NCHW", "OIHW", "NCHW")),
    ((2, 3, 4, 5), (2, 3, 3, 2), (2, 2), [(0, 1), (1, 2)], (2, 1), ("NCHW", "OIHW", "NHWC")),
]


@pytest.mark.parametrize("case", TRANSPOSE_CASES)
@pytest.mark.parametrize("transpose_kernel", [False, True])
def test_conv_transpose_matches_jax(jlax, rng, case, transpose_kernel):
    lhs_shape, rhs_shape, strides, padding, dilation, dn = case
    x, w = rng.normal(size=lhs_shape), rng.normal(size=rhs_shape)
    if transpose_kernel:  # the kernel's in- and out-feature axes trade places
        dn_ = lax.conv_dimension_numbers(lhs_shape, rhs_shape, dn or {3: ("NHC", "HIO", "NHC"),
                                                                      4: ("NHWC", "HWIO", "NHWC")}[len(lhs_shape)])
        w = np.swapaxes(w, *dn_.rhs_spec[:2])
    for consistent in [False, True]:
        kwargs = dict(rhs_dilation=dilation, dimension_numbers=dn, transpose_kernel=transpose_kernel,
                      use_consistent_padding=consistent)
        check(lax.conv_transpose(x, w, strides, padding, **kwargs),
              jlax.conv_transpose(x, w, strides, padding, **kwargs))


def test_conv_transpose_with_consistent_padding_is_the_gradient_of_the_strided_conv(rng):
    x, w = rng.normal(size=(1, 7, 2)), rng.normal(size=(3, 2, 4))
    dn, padding = ("NHC", "HIO", "NHC"), [(1, 1)]
    y, vjp = fx.vjp(lambda x: lax.conv_general_dilated(x, w, (2,), padding, dimension_numbers=dn), x)
    ct = rng.normal(size=y.shape)
    got = lax.conv_transpose(ct, w, (2,), padding, dimension_numbers=dn, transpose_kernel=True,
                             use_consistent_padding=True)
    close(got, vjp(ct)[0])


def test_conv_transpose_derivatives_jit_and_vmap_match_jax(jax, rng):
    x, w = rng.normal(size=(2, 4, 3)), rng.normal(size=(3, 3, 2))
    args = ((2,), "SAME")
    kwargs = dict(rhs_dilation=(2,))

    def loss(mod):
        return lambda x, w: (mod.conv_transpose(x, w, *args, **kwargs) ** 2).sum()
    got = fx.grad(loss(lax), argnums=(0, 1))(x, w)
    want = jax.grad(loss(jax.lax), argnums=(0, 1))(x, w)
    for g, e in zip(got, want):
        close(g, e)
    tx, tw = rng.normal(size=x.shape), rng.normal(size=w.shape)
    close(fx.jvp(loss(lax), (x, w), (tx, tw))[1], jax.jvp(loss(jax.lax), (x, w), (tx, tw))[1])
    for g, e in zip(fx.jit(fx.grad(loss(lax), argnums=(0, 1)))(x, w), want):
        close(g, e)
    xs = rng.normal(size=(3,) + x.shape)
    f = lambda x: lax.conv_transpose(x, w, *args, **kwargs)  # noqa: E731
    close(fx.vmap(f)(xs), np.stack([np.asarray(f(x)) for x in xs]))


def test_conv_transpose_errors_name_the_fix(rng):
    x, w = rng.normal(size=(1, 5, 2)), rng.normal(size=(3, 2, 2))
    for padding in ["same", "SAME_LOWER", "bogus"]:
        with pytest.raises(ValueError, match="'SAME' or 'VALID'") as info:
            lax.conv_transpose(x, w, (2,), padding)
        assert isinstance(info.value, FluxionError)
    with pytest.raises(ValueError, match="pass dimension_numbers"):
        lax.conv_transpose(np.ones((1,) * 6), np.ones((1,) * 6), (1,) * 4, "SAME")
    with pytest.raises(ValueError, match=r"\(low, high\) pairs"):
        lax.conv_transpose(x, w, (2,), [(1, 1), (0, 0)], use_consistent_padding=True)
    with pytest.raises(ValueError, match="one entry per spatial axis"):
        lax.conv_transpose(x, w, (2, 2), "SAME")


# conv_general_dilated_patches ---------------------------------------------------------------------
@pytest.mark.parametrize("dn", [None, ("NHWC", "HWIO", "NHWC"), ("NCHW", "IOWH", "NHWC")])
def test_conv_general_dilated_patches_matches_jax(jlax, rng, dn):
    x = rng.normal(size=(2, 3, 6, 5))
    for args, kwargs in [(((2, 3), (1, 1), "VALID"), {}), (((2, 2), (2, 1), "SAME"), dict(rhs_dilation=(2, 1))),
                         (((3, 2), (1, 2), [(1, 0), (0, 2)]), dict(lhs_dilation=(1, 2)))]:
        check(lax.conv_general_dilated_patches(x, *args, dimension_numbers=dn, **kwargs),
              jlax.conv_general_dilated_patches(x, *args, dimension_numbers=dn, **kwargs))


def test_conv_general_dilated_patches_of_integers_and_preferred_type_match_jax(jlax, rng):
    x = rng.integers(-5, 5, size=(2, 3, 4)).astype(np.int32)
    check(lax.conv_general_dilated_patches(x, (2,), (1,), "SAME"),
          jlax.conv_general_dilated_patches(x, (2,), (1,), "SAME"))
    check(lax.conv_general_dilated_patches(x, (3,), (2,), "VALID", preferred_element_type=np.int64),
          jlax.conv_general_dilated_patches(x, (3,), (2,), "VALID", preferred_element_type=np.int64))


def test_conv_general_dilated_patches_derivative_jit_and_vmap(jax, rng):
    x = rng.normal(size=(1, 2, 5, 4))
    args = ((2, 2), (1, 2), "SAME")
    y, vjp = fx.vjp(lambda x: lax.conv_general_dilated_patches(x, *args), x)
    ct = rng.normal(size=y.shape)
    close(vjp(ct)[0], jax.vjp(lambda x: jax.lax.conv_general_dilated_patches(x, *args), x)[1](ct)[0])
    f = lambda x: lax.conv_general_dilated_patches(x, *args)  # noqa: E731
    close(fx.jit(f)(x), y)
    xs = rng.normal(size=(3,) + x.shape)
    close(fx.vmap(f)(xs), np.stack([np.asarray(f(x)) for x in xs]))


def test_conv_general_dilated_patches_rejects_a_filter_of_the_wrong_rank():
    with pytest.raises(ValueError, match="one entry per spatial axis"):
        lax.conv_general_dilated_patches(np.ones((1, 2, 5, 5)), (3,), (1, 1), "VALID")


# custom_root --------------------------------------------------------------------------------------
def _newton(grad):
    def solve(f, x):
        for _ in range(25):
            x = x - f(x) / grad(f)(x)
        return x
    return solve


def _scalar_tangent_solve(g, y):
    return y / g(1.0)


def _cube_root(mod, grad):
    return lambda a: mod.custom_root(lambda x: x ** 3 - a, np.float64(1.0), _newton(grad), _scalar_tangent_solve)


def test_custom_root_of_a_scalar_matches_jax_to_second_order(jax):
    f, g = _cube_root(lax, fx.grad), _cube_root(jax.lax, jax.grad)
    a = np.float64(3.0)
    close(f(a), g(a))
    close(fx.grad(f)(a), jax.grad(g)(a))
    close(fx.grad(fx.grad(f))(a), jax.grad(jax.grad(g))(a))
    close(fx.jvp(f, (a,), (np.float64(0.5),))[1], jax.jvp(g, (a,), (0.5,))[1])
    close(fx.jit(fx.grad(f))(a), jax.grad(g)(a))
    close(fx.grad(fx.jit(f))(a), jax.grad(g)(a))
    xs = np.array([2.0, 3.0, 5.0])
    close(fx.vmap(fx.grad(f))(xs), [float(fx.grad(f)(x)) for x in xs])


def test_custom_root_takes_a_python_number_guess_for_a_float64_system_as_jax_does(jax):
    def root(mod, grad):
        return lambda a: mod.custom_root(lambda x: x ** 3 - a, 1.0, _newton(grad), _scalar_tangent_solve)
    f, g = root(lax, fx.grad), root(jax.lax, jax.grad)
    a = np.float64(3.0)
    assert f(a).dtype == np.float64
    close(f(a), g(a))
    close(fx.grad(f)(a), jax.grad(g)(a))


_A = np.array([[2.0, 0.5], [0.3, 3.0]])


def _split(y):
    return {"u": y[:1], "v": y[1:]}


def _vector_root(has_aux=False):
    """The root of f(x) = p A x + x**3 - c for a pytree x = {"u", "v"}, by Newton's method on the flat vector."""
    def flat(x):
        return fnp.concatenate([x["u"], x["v"]])

    def root(p, c):
        def f(x):
            return _split(p * _A @ flat(x) + flat(x) ** 3 - c)

        def solve(f, x):
            for _ in range(8):
                x = _split(flat(x) - fnp.linalg.solve(fx.jacfwd(lambda y: flat(f(_split(y))))(flat(x)), flat(f(x))))
            return (x, 7) if has_aux else x

        def tangent_solve(g, y):  # reverse mode transposes it: linear in y
            # (not fnp.linalg.solve, which pivots with `sort`, a primitive without a transpose rule)
            return _split(fnp.linalg.inv(fx.jacfwd(lambda t: flat(g(_split(t))))(flat(y))) @ flat(y))
        return lax.custom_root(f, {"u": np.zeros(1), "v": np.zeros(1)}, solve, tangent_solve, has_aux=has_aux)
    return root


def test_custom_root_of_a_pytree_with_a_matrix_tangent_solve_matches_the_implicit_function_theorem():
    import scipy.optimize
    p, c = np.float64(1.5), np.array([1.0, -2.0])
    x = scipy.optimize.fsolve(lambda x: p * _A @ x + x ** 3 - c, np.zeros(2), xtol=1e-14)
    jac = p * _A + 3 * np.diag(x ** 2)  # df/dx; df/dp = A x, df/dc = -1
    dx_dp, dx_dc = -np.linalg.solve(jac, _A @ x), np.linalg.inv(jac)
    root = _vector_root()
    got = root(p, c)
    close(got["u"], x[:1])
    close(got["v"], x[1:])

    def loss(p, c):
        x = root(p, c)
        return (x["u"] ** 2).sum() + 3 * x["v"].sum()
    dloss_dx = np.array([2 * x[0], 3.0])
    want = (dloss_dx @ dx_dp, dloss_dx @ dx_dc)
    for grad in (fx.grad(loss, argnums=(0, 1)), fx.jit(fx.grad(loss, argnums=(0, 1)))):
        for g, w in zip(grad(p, c), want):
            close(g, w)
    tp, tc = np.float64(0.3), np.array([0.2, -1.0])
    close(fx.jvp(loss, (p, c), (tp, tc))[1], want[0] * tp + want[1] @ tc)


def test_custom_root_solvers_may_close_over_traced_values_and_branch_on_them():
    def sqrt(a):
        def newton(f, x):  # a Python loop on traced values: converted under jit and vmap
            while fnp.abs(f(x)) > 1e-12 * a:
                x = x - f(x) / (2 * x)
            return x
        # tangent_solve closes over a, which is being differentiated: it is not differentiated through it
        return lax.custom_root(lambda x: x * x - a, np.float64(1.0), newton, lambda g, y: y / (2 * fnp.sqrt(a)))
    xs = np.array([2.0, 9.0, 0.5])
    close(fx.vmap(sqrt)(xs), np.sqrt(xs))
    close(fx.jit(fx.vmap(sqrt))(xs), np.sqrt(xs))
    for grad in (fx.grad(sqrt), fx.jit(fx.grad(sqrt))):
        close(grad(np.float64(4.0)), 0.25)
    close(fx.vmap(fx.grad(sqrt))(xs), 0.5 / np.sqrt(xs))


def test_custom_root_with_aux_gives_it_back_undifferentiated():
    f = _vector_root(has_aux=True)
    p, c = np.float64(1.5), np.array([1.0, -2.0])
    x, aux = f(p, c)
    assert int(aux) == 7
    (tx, taux) = fx.jvp(f, (p, c), (np.float64(1.0), np.zeros(2)))[1]
    assert float(np.asarray(taux)) == 0.0 and np.abs(np.asarray(tx["u"])).sum() > 0


def test_custom_root_errors_name_the_fix():
    solve, ts = _newton(fx.grad), _scalar_tangent_solve
    with pytest.raises(ValueError, match="shaped like its argument"):
        lax.custom_root(lambda x: x[:1], np.ones(2), solve, ts)
    with pytest.raises(ValueError, match="shaped like initial_guess"):
        lax.custom_root(lambda x: x - 1.0, 1.0, lambda f, x: np.ones(2), ts)
    with pytest.raises(TypeError, match="pair"):
        lax.custom_root(lambda x: x - 1.0, 1.0, solve, ts, has_aux=True)
    with pytest.raises(TypeError, match="callable|function"):
        lax.custom_root(lambda x: x - 1.0, 1.0, None, ts)


# custom_linear_solve --------------------------------------------------------------------------------
def _linear(mod, jacfwd, solve_linear, transpose=True):
    def explicit(matvec, b):
        return solve_linear(jacfwd(matvec)(b), b)

    def f(a, b):
        return mod.custom_linear_solve(lambda x: a @ x, b, explicit, explicit if transpose else None)
    return f


def test_custom_linear_solve_matches_jax_in_both_modes_to_second_order(jax, rng):
    f, g = _linear(lax, fx.jacfwd, fnp.linalg.solve), _linear(jax.lax, jax.jacfwd, jax.numpy.linalg.solve)
    a, b = rng.normal(size=(3, 3)) + 3 * np.eye(3), rng.normal(size=3)
    close(f(a, b), np.linalg.solve(a, b))

    def loss(h):
        return lambda a, b: (h(a, b) ** 2).sum()
    want = jax.jit(jax.grad(loss(g), argnums=(0, 1)))(a, b)
    for got, w in zip(fx.grad(loss(f), argnums=(0, 1))(a, b), want):
        close(got, w)
    for got, w in zip(fx.jit(fx.grad(loss(f), argnums=(0, 1)))(a, b), want):
        close(got, w)
    ta, tb = rng.normal(size=a.shape), rng.normal(size=b.shape)
    close(fx.jvp(f, (a, b), (ta, tb))[1], jax.jit(lambda a, b: jax.jvp(g, (a, b), (ta, tb))[1])(a, b))
    close(fx.hessian(loss(f), argnums=1)(a, b), jax.jit(jax.hessian(loss(g), argnums=1))(a, b))
    aa, bb = np.stack([a, a + np.eye(3)]), np.stack([b, 2 * b])
    got = fx.vmap(fx.grad(loss(f), argnums=(0, 1)))(aa, bb)
    for i in range(2):
        for x, w in zip(got, fx.grad(loss(f), argnums=(0, 1))(aa[i], bb[i])):
            close(x[i], w)


def test_custom_linear_solve_of_a_pytree_symmetric_with_aux_matches_jax(jax, rng):
    m = rng.normal(size=(3, 3))
    s, b = m @ m.T + np.eye(3), rng.normal(size=3)

    def make(mod, np_):
        def f(s, b):
            def matvec(x):
                return {"u": s[:2, :2] @ x["u"] + s[:2, 2:] @ x["v"], "v": s[2:, :2] @ x["u"] + s[2:, 2:] @ x["v"]}

            def solve(matvec, b):  # closes over s, a value being differentiated: not differentiated itself
                x = np_.linalg.solve(s, np_.concatenate([b["u"], b["v"]]))
                return {"u": x[:2], "v": x[2:]}, np_.sum(x)
            x, aux = mod.custom_linear_solve(matvec, {"u": b[:2], "v": b[2:]}, solve, symmetric=True, has_aux=True)
            return (x["u"] ** 2).sum() + x["v"].sum() + 0 * aux
        return f
    f, g = make(lax, fnp), make(jax.lax, jax.numpy)
    close(f(s, b), jax.jit(g)(s, b))
    for got, want in zip(fx.grad(f, argnums=(0, 1))(s, b), jax.jit(jax.grad(g, argnums=(0, 1)))(s, b)):
        close(got, want)


def test_custom_linear_solve_with_an_iterative_solve_is_not_differentiated_through_its_loop(jax, rng):
    m = rng.normal(size=(4, 4))
    a, b = m @ m.T + 4 * np.eye(4), rng.normal(size=4)

    def cg(matvec, b):
        return fx.scipy.sparse.linalg.cg(matvec, b, tol=1e-13)[0]

    def f(a, b):
        return (lax.custom_linear_solve(lambda x: a @ x, b, cg, symmetric=True) ** 2).sum()

    def g(a, b):
        return (jax.numpy.linalg.solve(a, b) ** 2).sum()
    for got, want in zip(fx.jit(fx.grad(f, argnums=(0, 1)))(a, b), jax.grad(g, argnums=(0, 1))(a, b)):
        close(got, want, 1e-8)


def test_custom_linear_solve_errors_name_the_fix(rng):
    a, b = rng.normal(size=(3, 3)) + 3 * np.eye(3), rng.normal(size=3)
    f = _linear(lax, fx.jacfwd, fnp.linalg.solve, transpose=False)
    with pytest.raises(TypeError, match="transpose_solve"):
        fx.grad(lambda b: f(a, b).sum())(b)
    assert np.isfinite(np.asarray(fx.jvp(lambda b: f(a, b), (b,), (b,))[1])).all()  # forward mode needs none
    with pytest.raises(ValueError, match="square linear operator"):
        lax.custom_linear_solve(lambda x: a[:2] @ x, b, lambda mv, b: b)
    with pytest.raises(ValueError, match="shaped like b"):
        lax.custom_linear_solve(lambda x: a @ x, b, lambda mv, b: b[:2])


# optimization_barrier ------------------------------------------------------------------------------
def test_optimization_barrier_is_an_identity_on_pytrees_that_stays_in_the_program(rng):
    x = rng.normal(size=3)
    tree = {"a": x, "b": (2.0, np.int32(3))}
    out = lax.optimization_barrier(tree)
    close(out["a"], x)
    assert float(out["b"][0]) == 2.0 and int(out["b"][1]) == 3
    f = lambda x: (lax.optimization_barrier(x * 2) ** 2).sum()  # noqa: E731
    close(fx.grad(f)(x), 8 * x)
    close(fx.jit(fx.grad(f))(x), 8 * x)
    close(fx.jvp(f, (x,), (np.ones(3),))[1], (8 * x).sum())
    close(fx.vmap(lambda x: lax.optimization_barrier(x + 1))(np.ones((2, 3))), np.full((2, 3), 2.0))
    assert "optimization_barrier" in str(fx.make_program(lambda x: lax.optimization_barrier(x) + 1)(x))


# reduce_precision -----------------------------------------------------------------------------------
FORMATS = [(8, 7), (5, 10), (4, 3), (1, 0), (2, 1), (11, 52), (3, 30), (15, 0)]


@pytest.mark.parametrize("dtype", [np.float16, ml_dtypes.bfloat16, np.float32, np.float64])
def test_reduce_precision_matches_jax_bit_for_bit_on_random_bit_patterns(jlax, rng, dtype):
    dtype = np.dtype(dtype)
    uint = np.dtype(f"uint{8 * dtype.itemsize}")
    bits = rng.integers(0, np.iinfo(uint).max, size=3000, dtype=uint, endpoint=True)
    specials = np.array([0.0, -0.0, np.inf, -np.inf, 1.0, 1.5, 2.5, 3.5, 65504.0, 65520.0, 6e-5, 1e-40, -1e-45,
                         float(ml_dtypes.finfo(dtype).max), float(ml_dtypes.finfo(dtype).smallest_subnormal)])
    with np.errstate(over="ignore", invalid="ignore"):
        x = np.concatenate([bits.view(dtype), specials.astype(dtype)])
        nan = np.isnan(x.astype(np.float64))
    for e, m in FORMATS:
        got, want = np.asarray(lax.reduce_precision(x, e, m)), np.asarray(jlax.reduce_precision(x, e, m))
        assert got.dtype == want.dtype == dtype
        np.testing.assert_array_equal(got[~nan].view(uint), want[~nan].view(uint))
        with np.errstate(invalid="ignore"):
            assert np.isnan(got[nan].astype(np.float64)).all()


def test_reduce_precision_rounds_half_to_even_and_flushes_the_narrow_subnormals(jlax):
    x = np.array([1.125, 1.375, 1.0625, -1.125, 2.0 ** -14, 2.0 ** -15, 2.0 ** -14 * (1 - 2.0 ** -12), 65519.0],
                 np.float32)
    check(lax.reduce_precision(x, 5, 2), jlax.reduce_precision(x, 5, 2))
    np.testing.assert_array_equal(np.asarray(lax.reduce_precision(x, 5, 2))[:4], [1.0, 1.5, 1.0, -1.0])
    np.testing.assert_array_equal(np.asarray(lax.reduce_precision(x, 5, 10))[5:],
                                  np.asarray(x[5:]).astype(np.float16).astype(np.float32) * [0, 1, 1])


def test_reduce_precision_derivative_is_the_identity(jax):
    f = lambda x: lax.reduce_precision(x, 5, 2).sum()  # noqa: E731
    g = lambda x: jax.lax.reduce_precision(x, 5, 2).sum()  # noqa: E731
    xs = np.array([1.1, 2.3, -7.7])
    close(fx.grad(f)(xs), jax.grad(g)(xs))
    close(fx.jit(fx.grad(f))(xs), np.ones(3))
    close(fx.jvp(f, (xs,), (np.full(3, 0.5),))[1], jax.jvp(g, (xs,), (np.full(3, 0.5),))[1])
    close(fx.vmap(fx.grad(lambda x: lax.reduce_precision(x, 5, 2)))(xs), np.ones(3))
    # the identity on any tangent (jax would round the cotangent 1.1 to 1.0 here): rp(x) + x
    h = lambda x: lax.reduce_precision(x, 5, 2) * x  # noqa: E731
    for grad in (fx.grad(h), fx.jit(fx.grad(h))):
        close(grad(np.float64(1.1)), 1.0 + 1.1)
    assert lax.reduce_precision(1.1, 5, 2).aval.weak


def test_reduce_precision_errors_name_the_fix():
    with pytest.raises(TypeError, match="floating-point"):
        lax.reduce_precision(np.arange(3), 5, 2)
    for e, m in [(0, 2), (5, -1)]:
        with pytest.raises(ValueError, match="exponent_bits >= 1"):
            lax.reduce_precision(1.0, e, m)


# approx_max_k / approx_min_k --------------------------------------------------------------------------
APPROX_CASES = [dict(k=5), dict(k=1, aggregate_to_topk=False), dict(k=10, aggregate_to_topk=False),
                dict(k=3, reduction_dimension=0), dict(k=2, reduction_dimension=-2, aggregate_to_topk=False),
                dict(k=10, recall_target=0.99, reduction_input_size_override=100000, aggregate_to_topk=False)]


@pytest.mark.parametrize("kwargs", APPROX_CASES)
def test_approx_max_and_min_k_match_jax(jlax, rng, kwargs):
    x = rng.normal(size=(3, 2100)).astype(np.float32)
    x[0, 5] = x[0, 7]  # a tie: the lower index first
    for name in ("approx_max_k", "approx_min_k"):
        for got, want in zip(getattr(lax, name)(x, **kwargs), getattr(jlax, name)(x, **kwargs)):
            check(got, want)


def test_approx_top_k_sizes_without_aggregation_match_jax(jax):
    rng = np.random.default_rng(1)
    for _ in range(40):
        n = int(rng.choice([rng.integers(1, 3000), rng.integers(1, 300000)]))
        shape = (2,) * int(rng.integers(0, 2)) + (n,)
        k = int(min(n, rng.choice([1, 2, rng.integers(1, 60), rng.integers(1, n + 1)])))
        recall = float(rng.choice([0.5, 0.9, 0.95, 0.99, 1.0, rng.uniform(0.05, 1)]))
        override = int(rng.choice([-1, n, n + int(rng.integers(0, 10 * n))]))
        kwargs = dict(recall_target=recall, reduction_input_size_override=override, aggregate_to_topk=False)
        got = fx.eval_shape(lambda x: lax.approx_max_k(x, k, **kwargs), fx.ShapeDtypeStruct(shape, np.float32))
        want = jax.eval_shape(lambda x: jax.lax.approx_max_k(x, k, **kwargs), jax.ShapeDtypeStruct(shape, np.float32))
        assert [tuple(v.shape) for v in got] == [tuple(v.shape) for v in want], (shape, k, kwargs)


def test_approx_max_k_derivative_jit_and_vmap_match_jax(jax, rng):
    x = rng.normal(size=(3, 6))
    for name in ("approx_max_k", "approx_min_k"):
        f = lambda x: (getattr(lax, name)(x, 2)[0] ** 2).sum()  # noqa: E731
        g = lambda x: (getattr(jax.lax, name)(x, 2)[0] ** 2).sum()  # noqa: E731
        want = jax.jit(jax.grad(g))(x)
        close(fx.grad(f)(x), want)
        close(fx.jit(fx.grad(f))(x), want)
        close(fx.jvp(f, (x,), (np.ones_like(x),))[1], (np.asarray(want) * 1.0).sum())
        values, indices = fx.vmap(lambda r: getattr(lax, name)(r, 2))(x)
        for i in range(3):
            v, j = getattr(lax, name)(x[i], 2)
            close(values[i], v)
            np.testing.assert_array_equal(np.asarray(indices[i]), np.asarray(j))


def test_approx_max_k_errors_name_the_fix():
    x = np.ones((2, 5), np.float32)
    with pytest.raises(ValueError, match=r"k in \[1, 5\]"):
        lax.approx_max_k(x, 6)
    with pytest.raises(ValueError, match=r"k in \[1, 5\]"):
        lax.approx_min_k(x, 0)
    with pytest.raises(TypeError, match="floating-point"):
        lax.approx_max_k(np.ones(5, np.int32), 2)
    with pytest.raises(ValueError, match="recall_target"):
        lax.approx_max_k(x, 2, recall_target=0.0)
    with pytest.raises(ValueError, match="logical size"):
        lax.approx_max_k(x, 2, reduction_input_size_override=3)
    with pytest.raises(IndexError):
        lax.approx_max_k(x, 2, reduction_dimension=2)
