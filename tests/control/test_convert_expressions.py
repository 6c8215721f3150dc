"""Expressions and statements around control flow under jit and vmap: `a if c else b`, `and`,
`or`, `not`, comprehension filters and `assert` on traced values.

Oracles: the same function run eagerly (plain Python on concrete values) for values and
gradients, a Python loop over the examples for vmap, central differences (check_grads).
What cannot be converted raises ConversionError naming the file, the line and the fix.
"""
import itertools
import pathlib

import numpy as np
import pytest

import fluxion as fx
import fluxion.numpy as fnp
from fluxion.control.convert import ConversionError

SOURCE = pathlib.Path(__file__).read_text().splitlines()
SIGNS = [-2.0, -0.5, 0.0, 0.5, 2.0]


def line_of(marker: str) -> int:
    """The line of this file that ends with the comment `# <marker>`."""
    (n,) = [i + 1 for i, text in enumerate(SOURCE) if text.rstrip().endswith(f"# {marker}")]
    return n


def _f64(v):
    return fnp.asarray(v, dtype=fnp.float64)


def _per_example(f, *columns):
    return np.array([np.asarray(f(*args)) for args in zip(*columns)])


def _primitives(f, *args) -> set:
    return {eq.prim.name for eq in fx.make_program(f)(*args).equations}


# a if c else b ---------------------------------------------------------------------------------------------
def soft_abs(x):
    return fnp.sqrt(x * x + 1.0) - 1.0 if x > 0 else (0.5 * x * x if x > -1.0 else -x - 0.5)


def python_numbers(x):
    return x * (1.0 if x > 0 else 3.0)


@pytest.mark.parametrize("f", [soft_abs, python_numbers], ids=lambda f: f.__name__)
def test_a_conditional_expression_on_a_traced_value_is_a_cond_with_the_eager_values_and_gradients(f):
    xs = _f64(SIGNS)
    np.testing.assert_allclose([float(fx.jit(f)(x)) for x in xs], [float(f(x)) for x in xs], rtol=1e-12)
    np.testing.assert_allclose(np.asarray(fx.vmap(f)(xs)), _per_example(f, xs), rtol=1e-12)
    np.testing.assert_allclose(np.asarray(fx.vmap(fx.grad(f))(xs)), _per_example(fx.grad(f), xs), rtol=1e-12)
    np.testing.assert_allclose([float(fx.jit(fx.grad(f))(x)) for x in xs], [float(fx.grad(f)(x)) for x in xs])
    assert "cond" in _primitives(f, xs[0])
    for x in (-3.0, -0.5, 1.5):  # away from the kinks
        fx.test_util.check_grads(fx.jit(f), (_f64(x),), order=2)


# and / or / not ----------------------------------------------------------------------------------------------
def region(x, y):
    if x > 0 and not y > 0:
        return x - y
    if x < -1 or y < -1 and not x > 1:
        return x * y
    if not (x > 0 or y > 0):
        return x + y
    return fnp.sin(x) * y


def test_and_or_not_on_traced_booleans_in_conditions_match_eager_under_jit_vmap_and_grad():
    pairs = list(itertools.product(SIGNS, SIGNS))
    xs, ys = _f64([p[0] for p in pairs]), _f64([p[1] for p in pairs])
    jitted = fx.jit(region)
    assert [float(jitted(x, y)) for x, y in zip(xs, ys)] == [float(region(x, y)) for x, y in zip(xs, ys)]
    np.testing.assert_array_equal(np.asarray(fx.vmap(region)(xs, ys)), _per_example(region, xs, ys))
    g = fx.grad(region, argnums=(0, 1))
    np.testing.assert_array_equal(np.asarray(fx.vmap(g)(xs, ys)), np.stack(
        [_per_example(lambda x, y, k=k: g(x, y)[k], xs, ys) for k in (0, 1)]))


def operands(x, d):
    """`or` and `and` give one of their operands, `not` a bool."""
    return x or d, x and d, not x, (x > 1) and (x < 3)


def test_or_and_and_on_traced_numbers_give_the_operand_python_gives():
    xs, d = _f64([0.0, 2.0, 5.0]), _f64(7.0)
    for x in xs:
        got, expected = fx.jit(operands)(x, d), operands(x, d)
        assert [float(v) for v in got] == [float(v) for v in expected]
    batched = fx.vmap(operands, in_axes=(0, None))(xs, d)
    for k, column in enumerate(batched):
        np.testing.assert_array_equal(np.asarray(column), [float(operands(x, d)[k]) for x in xs])
    assert float(fx.jit(fx.grad(lambda x: x or 3.0 * x))(_f64(0.0))) == 3.0  # the operand taken is differentiated


def test_or_of_a_traced_number_and_a_string_names_the_expression_and_the_fix():
    with pytest.raises(ConversionError) as info:
        fx.jit(lambda x: x or "default")(_f64(1.0))  # or-string
    msg = str(info.value)
    assert "the value of `x or 'default'` is f64[] on one branch but the Python str 'default'" in msg
    assert f"the `or` at {__file__}:{line_of('or-string')}" in msg and ".astype" in msg


# := inside and / or / a if c else b / a chained comparison ------------------------------------------------
def walrus_first(x):
    return (y := x * 2) > 1 and y < 5


def walrus_in_branch(x):
    y = fnp.cos(x)
    r = (y := fnp.sin(x)) if x > 0 else -x  # taken only when x > 0: y keeps its value otherwise
    return r * y


def walrus_in_chain(x):
    z = 1.0
    r = -1 < (y := x + 1) - 1 < (z := 2 * x) + 1  # z is assigned only when the first comparison holds
    return fnp.where(r, y * z, 2 * z)


def walrus_in_operands(x):
    y = 2.0 * x
    u = (x or (y := x + 5)) * y  # y is assigned only when x == 0
    v = x > 0 and ((w := x * x) > 1 or (w := -x) < 0)
    return u + fnp.where(v, y, 1.0)


def test_a_walrus_in_the_first_operand_binds_the_variable_the_others_read():
    xs = _f64(SIGNS + [2.4, 3.0])
    expected = _per_example(walrus_first, xs)
    np.testing.assert_array_equal([bool(fx.jit(walrus_first)(x)) for x in xs], expected)
    np.testing.assert_array_equal(np.asarray(fx.vmap(walrus_first)(xs)), expected)


def walrus_in_loop(x):
    y = 0.0
    while x < 10:  # a traced loop carries y, which the walrus assigns on some passes only
        x = (y := x * 2) if x > 1 else x + 1.5
    return x + y


@pytest.mark.parametrize("f", [walrus_in_branch, walrus_in_chain, walrus_in_operands, walrus_in_loop],
                         ids=lambda f: f.__name__)
def test_an_assignment_in_an_operand_python_may_skip_gives_the_eager_values_and_gradients(f):
    xs = _f64(SIGNS)
    expected = _per_example(f, xs)
    np.testing.assert_array_equal([np.asarray(fx.jit(f)(x)) for x in xs], expected)
    np.testing.assert_array_equal(np.asarray(fx.vmap(f)(xs)), expected)
    assert _primitives(f, xs[0]) & {"cond", "while"}
    grads = _per_example(fx.grad(f), xs)
    np.testing.assert_allclose([float(fx.jit(fx.grad(f))(x)) for x in xs], grads, rtol=1e-12)
    np.testing.assert_allclose(np.asarray(fx.vmap(fx.grad(f))(xs)), grads, rtol=1e-12)
    for x in (-1.5, 0.7, 1.5):  # away from the kinks
        fx.test_util.check_grads(fx.jit(f), (_f64(x),), order=2)


def walrus_one_branch(x):
    r = (y := fnp.sin(x)) if x > 0 else -x  # one-branch
    return r + y


COUNT = 0.0


def walrus_global(x):
    global COUNT
    return x > 0 and (COUNT := COUNT + x) > 1  # global-walrus


def test_a_variable_a_walrus_assigns_on_one_branch_only_or_a_global_names_the_line_and_the_fix():
    assert float(walrus_one_branch(_f64(1.0))) == 2 * np.sin(1.0)
    with pytest.raises(UnboundLocalError):  # Python: y has no value when x <= 0
        walrus_one_branch(_f64(-1.0))
    for transform, arg in ((fx.jit, _f64(1.0)), (fx.vmap, _f64([1.0, -1.0]))):
        with pytest.raises(ConversionError) as info:
            transform(walrus_one_branch)(arg)
        msg = str(info.value)
        assert f"variable `y` is assigned on only one branch of the `if` at {__file__}:{line_of('one-branch')}" in msg
        assert "assign it before the `if`" in msg
        with pytest.raises(ConversionError) as info:
            transform(walrus_global)(arg)
        msg = str(info.value)
        where = f"{__file__}:{line_of('global-walrus')}"
        assert f"the global name `COUNT` is assigned or changed inside the `and` at {where}" in msg
        assert "assign a local variable instead" in msg
    assert COUNT == 0.0


# comprehensions ---------------------------------------------------------------------------------------------
def positive_sum(xs):
    return sum([x for x in xs if x > 0])  # list-filter


def positive_set(xs):
    return {float(x) for x in xs if x > 0}  # set-filter


def positive_dict(xs):
    return {i: x for i, x in enumerate(xs) if x > 0}  # dict-filter


def positive_gen(xs):
    return sum(x for x in xs if x > 0)  # generator-filter


def filtered_by_and(xs):
    return [x for x in xs if x != 0 and x > 0]  # and-filter


@pytest.mark.parametrize("f", [positive_sum, positive_set, positive_dict, positive_gen, filtered_by_and],
                         ids=lambda f: f.__name__)
def test_a_traced_comprehension_filter_names_the_line_and_the_fix(f):
    marker = {positive_sum: "list-filter", positive_set: "set-filter", positive_dict: "dict-filter",
              positive_gen: "generator-filter", filtered_by_and: "and-filter"}[f]
    xs = _f64([1.0, -2.0, 3.0])
    for transform in (fx.jit, fx.vmap):
        with pytest.raises(ConversionError) as info:
            transform(f)(xs if transform is fx.jit else fnp.stack([xs, xs]))
        msg = str(info.value)
        assert f"the `if` filter of the comprehension at {__file__}:{line_of(marker)}" in msg
        assert "would depend on the data" in msg and "fnp.where" in msg


def weighted(xs, ks):
    """Concrete filters (Python numbers, static shapes) around traced items."""
    evens = [xs[i] * k for i, k in enumerate(ks) if k % 2 == 0]
    squares = {i: xs[i] ** 2 for i in range(xs.shape[0]) if i != 1}
    return sum(evens) + sum(squares.values()) + sum(x for x in xs if x.shape == ())


def test_comprehensions_with_concrete_filters_and_traced_items_match_eager():
    ks = (1, 2, 3, 4)
    xs = _f64([0.5, -1.0, 2.0, 3.0])
    f = fx.jit(weighted, static_argnums=1)
    np.testing.assert_allclose(float(f(xs, ks)), float(weighted(xs, ks)), rtol=1e-12)
    np.testing.assert_allclose(np.asarray(fx.jit(fx.grad(weighted), static_argnums=1)(xs, ks)),
                               np.asarray(fx.grad(weighted)(xs, ks)), rtol=1e-12)
    rows = fnp.stack([xs, -xs, 2 * xs])
    np.testing.assert_allclose(np.asarray(fx.vmap(lambda r: weighted(r, ks))(rows)),
                               _per_example(lambda r: weighted(r, ks), rows), rtol=1e-12)


def masked_sum(xs):
    """The suggested fix: keep every item, mask the dropped ones."""
    return sum(fnp.where(x > 0, x, 0.0) for x in xs)


def test_the_masked_form_the_message_suggests_gives_the_filtered_value():
    xs = _f64([1.0, -2.0, 3.0])
    assert float(fx.jit(masked_sum)(xs)) == positive_sum(xs) == 4.0


# assert ------------------------------------------------------------------------------------------------------
def checked_log(x):
    assert x.ndim == 0, "expects a scalar"
    assert x > 0, "expects a positive value"  # traced-assert
    return fnp.log(x)


def test_an_assert_on_a_traced_value_names_the_line_and_the_fix_under_jit_and_vmap():
    for transform, arg in ((fx.jit, _f64(2.0)), (fx.vmap, _f64([1.0, 2.0]))):
        with pytest.raises(ConversionError) as info:
            transform(checked_log)(arg)
        msg = str(info.value)
        assert f"the `assert` at {__file__}:{line_of('traced-assert')} tests a traced value" in msg
        assert "check the value outside the traced function" in msg and "fnp.where" in msg


def test_asserts_on_concrete_values_still_check_under_jit_and_eagerly():
    assert float(checked_log(_f64(1.0))) == 0.0
    with pytest.raises(AssertionError, match="expects a positive value"):
        checked_log(_f64(-1.0))
    assert float(fx.grad(checked_log)(_f64(2.0))) == 0.5  # eager grad: the value is concrete
    with pytest.raises(AssertionError, match="expects a scalar"):  # a static property, checked while tracing
        fx.jit(checked_log)(_f64([1.0, 2.0]))
    static = fx.jit(scaled, static_argnums=1)
    assert float(static(_f64(1.5), 2)) == 3.0
    with pytest.raises(AssertionError, match="n must be positive"):
        static(_f64(1.5), -2)


def scaled(x, n):
    assert n > 0, "n must be positive"
    return x * n


# x in (a, b) -------------------------------------------------------------------------------------------------
def membership(x, table):
    if x in (1.0, 2.0):
        x = x * 10
    if x not in [3.0]:
        x = x + 1
    if x in table:
        x = x - 100
    return x + (3 in (1, 2, 3)) + ("a" in "abc")


def test_in_and_not_in_with_a_traced_value_test_each_item_as_python_does():
    xs, table = _f64([1.0, 2.0, 3.0, 4.0]), _f64([5.0, 21.0])
    np.testing.assert_array_equal([float(fx.jit(membership)(x, table)) for x in xs],
                                  [float(membership(x, table)) for x in xs])
    np.testing.assert_array_equal(np.asarray(fx.vmap(membership, in_axes=(0, None))(xs, table)),
                                  _per_example(lambda x: membership(x, table), xs))
    np.testing.assert_array_equal([float(fx.jit(fx.grad(membership))(x, table)) for x in xs],
                                  [float(fx.grad(membership)(x, table)) for x in xs])
