"""Programs with Python control flow on traced values, each checked against an oracle: the same
program run eagerly on concrete values, central finite differences, and a loop over examples."""
import numpy as np
import pytest

import fluxion as fx
import fluxion.numpy as fnp
from _oracle import _a, _fd


def _check(f, examples, rtol=1e-6):
    """jit against eager, grad (eager and under jit) against finite differences, vmap against a loop."""
    xs = _a(examples)
    values = np.stack([np.asarray(f(x)) for x in xs])
    grads = np.stack([_fd(f, x, 1e-5) for x in xs])
    for x, v, g in zip(xs, values, grads):
        np.testing.assert_allclose(np.asarray(fx.jit(f)(x)), v, rtol=rtol)
        np.testing.assert_allclose(np.asarray(fx.grad(f)(x)), g, rtol=1e-5, atol=1e-7)
        np.testing.assert_allclose(np.asarray(fx.jit(fx.grad(f))(x)), g, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(np.asarray(fx.vmap(f)(xs)), values, rtol=rtol)
    np.testing.assert_allclose(np.asarray(fx.jit(fx.vmap(fx.grad(f)))(xs)), grads, rtol=1e-5, atol=1e-7)


def first_above_one_weighted(xs):
    for i, v in enumerate(xs):
        if v * xs[0] > 1.0:
            return v * (i + 1)
    return fnp.sum(xs)


def dot_until_large(x):
    columns = [x, 2 * x, 3 * x]
    for u, v in zip(columns, fnp.stack([x * x, x, -x])):
        x = x + u * v
        if x > 2.0:
            break
    return x


def test_a_traced_return_in_a_loop_over_enumerate_of_an_array():
    _check(first_above_one_weighted, [[0.5, 0.9, 1.5, 2.5], [2.0, 0.1, 0.1, 0.1], [0.1, 0.1, 0.2, 0.3]])


def test_a_traced_break_in_a_loop_over_zip_of_a_list_and_an_array():
    _check(dot_until_large, [0.5, 1.3, 3.0])


def test_a_traced_break_over_enumerate_of_a_generator_still_names_the_fix():
    def f(x):
        for i, k in enumerate(v for v in (1.0, 2.0)):
            x = x * k
            if x > 5:
                break
        return x
    with pytest.raises(fx.errors.ConversionError, match=r"Python iterator \(enumerate\)"):
        fx.jit(f)(_a(3.0))


def test_a_carried_type_change_in_a_loop_over_a_traced_array_says_why_the_loop_is_traced():
    def f(xs):
        acc = fnp.zeros(())  # float32, while xs is float64
        for x in xs:
            acc = acc + x
        return acc
    assert float(f(_a([1.0, 2.0]))) == 3.0  # eagerly the type changes after the first pass
    with pytest.raises(fx.errors.ConversionError) as info:
        fx.jit(f)(_a([1.0, 2.0]))
    msg = str(info.value)
    assert "as f32[] but a pass makes it f64[]; the loop runs over a traced array" in msg
    assert "condition" not in msg and "fnp.zeros(shape, dtype)" in msg


def best_so_far_from_none(x):
    best = None
    while x < 10:
        x = x * 2
        best = x
    return best


def set_when_large(x):
    best = None
    if x > 1:
        best = x
    return best


def test_a_variable_that_starts_as_none_names_the_fix_in_a_traced_loop_and_if():
    assert float(best_so_far_from_none(_a(1.5))) == 12.0  # the oracle: eagerly it just works
    with pytest.raises(fx.errors.ConversionError) as info:
        fx.jit(best_so_far_from_none)(_a(1.5))
    assert "variable `best` is None before the `while` loop" in str(info.value)
    assert "f64[]" in str(info.value) and "not None" in str(info.value)
    with pytest.raises(fx.errors.ConversionError) as info:
        fx.jit(set_when_large)(_a(1.5))
    assert "variable `best` is one value on one branch but None on another" in str(info.value)
    assert "no return statement" not in str(info.value)  # said only of the return value


def clipped_prefix_sums(xs):
    out = []
    acc = fnp.zeros((), xs.dtype)
    for x in xs:
        acc = acc + x
        out.append(fnp.maximum(acc, 0.0))
    return fnp.sum(fnp.stack(out) ** 2)


def doubled_rows_by_sign(m):
    out = []
    for row in m:
        if fnp.sum(row) > 0:
            out.append(row * 2.0)
        else:
            out.append(-row)
    return fnp.sum(fnp.stack(out) ** 2)


def test_appending_to_a_list_in_a_loop_over_a_traced_array_then_stacking():
    _check(clipped_prefix_sums, [[0.5, -1.0, 2.0], [-1.0, -1.0, 3.0]])
    _check(doubled_rows_by_sign, [[[0.5, -1.0], [2.0, 1.0], [-3.0, 1.0]], [[1.0, 1.0], [1.0, -3.0], [0.1, 0.2]]])


def test_a_list_that_grows_in_a_loop_over_an_array_with_a_traced_break_still_names_the_fix():
    def f(xs):
        out = []
        for x in xs:
            if x > 1:
                break
            out.append(x)
        return fnp.stack(out)
    with pytest.raises(fx.errors.ConversionError, match="variable `out`"):
        fx.jit(f)(_a([0.5, 2.0, 0.1]))


def test_a_variable_read_before_it_is_assigned_in_a_traced_loop_says_why_the_loop_is_traced():
    def f(x):
        while x < 10:
            y = y + 1 if x > 3 else x  # noqa: F821 (y comes from the previous pass)
            x = x * 2
        return x
    assert float(f(_a(1.0))) == 16.0  # eagerly `y` is set by an earlier pass before it is read
    with pytest.raises(fx.errors.ConversionError) as info:
        fx.jit(f)(_a(1.0))
    assert "is read in the `while` loop" in str(info.value)
    assert "because the loop's condition is traced" in str(info.value) and "{why}" not in str(info.value)


def test_a_python_list_indexed_by_a_traced_int_names_the_array_fix():
    ws = [1.0, 2.0, 3.0]

    def f(x, i):
        return x * ws[i]

    with pytest.raises(fx.errors.ConcretizationError, match=r"fnp\.asarray\(items\)\[i\]"):
        fx.jit(f)(_a(2.0), fnp.asarray(1))
    np.testing.assert_allclose(fx.jit(lambda x, i: x * fnp.asarray(ws)[i])(_a(2.0), fnp.asarray(1)), f(2.0, 1))


def doubled_until_three_with_rule(kind):
    """A loop calling a function with a custom rule (derivative 3, not the function's 2 * s)
    that closes over `s`, an argument that is not differentiated."""
    def f(x, s):
        if kind == "jvp":
            g = fx.custom_jvp(lambda z: z * 2.0 * s)
            g.defjvp(lambda primals, tangents: (g(*primals), tangents[0] * 3.0))
        else:
            g = fx.custom_vjp(lambda z: z * 2.0 * s)
            g.defvjp(lambda z: (z * 2.0 * s, None), lambda _, ct: (ct * 3.0,))
        y = x
        while y < 3.0:
            y = g(y) + 0.5
        return y
    return f


def _derivative_by_the_rule(x, s):
    y, d = x, 1.0
    while y < 3.0:
        y, d = y * 2.0 * s + 0.5, d * 3.0
    return d


@pytest.mark.parametrize("kind", ["jvp", "vjp"])
def test_a_custom_rule_closing_over_a_traced_value_applies_inside_a_traced_loop(kind):
    f = doubled_until_three_with_rule(kind)
    s = _a(1.1)
    for x in (0.2, 1.7):
        want = _derivative_by_the_rule(x, 1.1)
        assert float(fx.grad(f)(_a(x), s)) == pytest.approx(want)  # eagerly the loop is Python's
        assert float(fx.jit(fx.grad(f))(_a(x), s)) == pytest.approx(want)
        np.testing.assert_allclose(np.asarray(fx.jit(fx.vmap(fx.grad(f), in_axes=(0, None)))(_a([x]), s)), [want])
    if kind == "jvp":
        assert float(fx.jit(fx.jacfwd(f))(_a(0.2), s)) == pytest.approx(_derivative_by_the_rule(0.2, 1.1))


@pytest.mark.parametrize("kind", ["jvp", "vjp"])
def test_a_custom_rule_closing_over_a_differentiated_body_value_is_refused_as_eagerly(kind):
    def f(x):
        y = x
        while y < 3.0:
            c = y * 0.1
            if kind == "jvp":
                g = fx.custom_jvp(lambda z: z * (1.0 + c))
                g.defjvp(lambda primals, tangents: (g(*primals), tangents[0] * (1.0 + c)))
            else:
                g = fx.custom_vjp(lambda z: z * (1.0 + c))
                g.defvjp(lambda z: (z * (1.0 + c), None), lambda _, ct: (ct * (1.0 + c),))
            y = g(y) + 0.5
        return y
    for grad in (fx.grad(f), fx.jit(fx.grad(f))):
        with pytest.raises(TypeError, match="differentiated with respect to a value it closes over"):
            grad(_a(0.2))


def scaled_until_large(xs, c):
    acc = c
    for v in xs:
        acc = acc * v + c
        if acc > 10:
            break
    return acc


def test_a_loop_with_a_traced_break_over_an_empty_traced_array_makes_no_pass():
    xs, c = _a(np.zeros((0,))), _a(2.0)
    assert float(scaled_until_large(xs, c)) == 2.0  # the oracle: eagerly the body never runs
    assert float(fx.jit(scaled_until_large)(xs, c)) == 2.0
    assert float(fx.jit(fx.grad(scaled_until_large, argnums=1))(xs, c)) == 1.0
    rows = _a(np.zeros((0, 3)))
    assert float(fx.jit(lambda m, c: scaled_until_large(fnp.sum(m, axis=1), c))(rows, c)) == 2.0
    _check(lambda c: scaled_until_large(_a([0.5, 3.0, 2.0]), c), [0.5, 2.5])
