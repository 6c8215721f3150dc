"""`match` statements under jit and vmap: literal, value, alternative, capture and `_` patterns
on a traced subject become a chain of fx.cond; other patterns work where they look only at types
and structure, and raise ConversionError naming the `match` where they need a traced value.

Oracles: the same function run eagerly (plain Python `match` on concrete values) for values and
gradients; a Python loop over the examples for vmap; central differences (check_grads).
"""
import pathlib

import numpy as np
import pytest

import fluxion as fx
import fluxion.numpy as fnp
from fluxion.control.convert import ConversionError, convert

SOURCE = pathlib.Path(__file__).read_text().splitlines()


def line_of(marker: str) -> int:
    """The line of this file that ends with the comment `# <marker>`."""
    (n,) = [i + 1 for i, text in enumerate(SOURCE) if text.rstrip().endswith(f"# {marker}")]
    return n


def _f64(v):
    return fnp.asarray(v, dtype=fnp.float64)


class Mode:
    SLOW = 3


def by_code(x, k):
    """Literal, alternative and value patterns, a capture with a guard, `_`, returns in some cases."""
    match k:
        case 0:
            return x * x
        case 1 | 2:
            y = fnp.sin(x) * k
        case Mode.SLOW:
            return x + 1.0
        case n if n > 10:
            y = x * n
        case _:
            y = -x
    return y * 2.0


def bound_with_as(x, k):
    """`as` names a matched literal; a bare capture takes what is left."""
    match k:
        case 0 as z:
            y = x + z
        case (4 | 5) as z:
            y = x * z
        case other:
            y = x - other
    return y


def no_case_matches(x, k):
    """Without `_`, a subject that matches nothing leaves the variables as they were."""
    y = x
    match k:
        case 0:
            y = x + 1.0
        case 1:
            y = fnp.exp(x)
    return y


def nested(x, k, j):
    """A match in a case of another; a float subject."""
    match k:
        case 0:
            match j:
                case 0.5:
                    return x * 3.0
                case _:
                    return x * 4.0
        case _:
            return x


CODES = list(range(13))


@pytest.mark.parametrize("f", [by_code, bound_with_as, no_case_matches], ids=lambda f: f.__name__)
def test_a_match_on_a_traced_subject_gives_the_eager_value_for_every_case(f):
    jitted, x = fx.jit(f), _f64(0.7)
    for k in CODES:
        np.testing.assert_allclose(float(jitted(x, fnp.asarray(k))), float(f(x, fnp.asarray(k))), rtol=1e-12)
    assert "cond" in {eq.prim.name for eq in fx.make_program(f)(x, fnp.asarray(1)).equations}


def test_a_nested_match_with_a_float_subject_gives_the_eager_values():
    jitted, x = fx.jit(nested), _f64(2.0)
    for k, j in [(0, 0.5), (0, 0.25), (1, 0.5)]:
        args = (x, fnp.asarray(k), _f64(j))
        assert float(jitted(*args)) == float(nested(*args))


@pytest.mark.parametrize("f", [by_code, bound_with_as, no_case_matches], ids=lambda f: f.__name__)
def test_vmap_of_a_match_gives_each_example_its_own_case(f):
    ks = fnp.asarray(CODES)
    expected = [float(f(_f64(0.7), k)) for k in ks]
    np.testing.assert_allclose(np.asarray(fx.vmap(f, in_axes=(None, 0))(_f64(0.7), ks)), expected, rtol=1e-12)
    xs = _f64(np.linspace(-1.0, 1.0, 13))
    expected = [float(f(x, k)) for x, k in zip(xs, ks)]
    np.testing.assert_allclose(np.asarray(fx.jit(fx.vmap(f))(xs, ks)), expected, rtol=1e-12)


def test_gradients_through_a_traced_match_match_eager_and_finite_differences():
    g = fx.jit(fx.grad(by_code))
    for k in CODES:
        k = fnp.asarray(k)
        np.testing.assert_allclose(float(g(_f64(0.7), k)), float(fx.grad(by_code)(_f64(0.7), k)), rtol=1e-12)
        fx.test_util.check_grads(fx.jit(lambda x, k=k: by_code(x, k)), (_f64(0.7),), order=2)


def test_a_match_on_a_concrete_subject_stays_python():
    assert "cond" not in {eq.prim.name for eq in fx.make_program(lambda x: by_code(x, 2))(_f64(0.7)).equations}
    g = convert(by_code)
    for k in CODES:  # Python ints, as the original gets them
        assert float(g(_f64(0.7), k)) == float(by_code(_f64(0.7), k))


# other patterns ------------------------------------------------------------------------------------------
def dispatch(x):
    """Class patterns look at types only."""
    match x:
        case float() | int():
            return x + 1
        case fx.Array(shape=(2,)):
            return x * 3
        case fx.Array():
            return x * 2
    return x


def tagged(name, x):
    """A sequence pattern whose literal meets a Python string, and whose capture takes a traced value."""
    match (name, x):
        case ("relu", v):
            return fnp.maximum(v, 0.0)
        case ("neg", v):
            return -v
        case {"scale": s}:
            return s * x
    return x


def test_patterns_on_types_and_structure_work_on_traced_values():
    for v in (_f64(-2.0), _f64([1.0, -2.0])):
        np.testing.assert_array_equal(np.asarray(fx.jit(dispatch)(v)), np.asarray(dispatch(v)))
    assert dispatch(2.0) == 3.0 and convert(dispatch)(2.0) == 3.0
    for name in ("relu", "neg", "other"):
        got = fx.jit(tagged, static_argnums=0)(name, _f64(-2.0))
        assert float(got) == float(tagged(name, _f64(-2.0)))
    np.testing.assert_allclose(np.asarray(fx.vmap(lambda v: tagged("relu", v))(_f64([-1.0, 2.0]))), [0.0, 2.0])


def pair(x, y):
    match (x, y):  # sequence-match
        case (0, b):
            return b
        case (a, b):
            return a + b


def guarded_as(x):
    match x:  # guarded-as-match
        case (1 | 2) as v if v > 1:
            return v * 10
        case _:
            return x


def compares_a_field(p):
    match p:  # class-value-match
        case Point(x=0):
            return p.y
    return p.x


class Point:
    def __init__(self, x, y):
        self.x, self.y = x, y


@pytest.mark.parametrize("f, args, marker", [
    (pair, (fnp.asarray(0.0), fnp.asarray(1.0)), "sequence-match"),
    (guarded_as, (fnp.asarray(2),), "guarded-as-match"),
], ids=["literal-in-a-sequence", "guard-after-as"])
def test_a_pattern_that_needs_a_traced_value_names_the_match_and_the_fix(f, args, marker):
    for transform in (fx.jit, fx.vmap):
        batched = args if transform is fx.jit else tuple(fnp.stack([a, a]) for a in args)
        with pytest.raises(ConversionError) as info:
            transform(f)(*batched)
        msg = str(info.value)
        assert f"the `match` at {__file__}:{line_of(marker)}" in msg and "needs the value of a traced value" in msg
        assert "match a traced value against literals only" in msg and "fnp.where" in msg
    assert f(*[a.item() for a in args]) == f(*args)  # on concrete values it is Python's match


def test_a_literal_in_a_class_pattern_on_a_traced_attribute_names_the_match():
    with pytest.raises(ConversionError, match=f"`match` at .*:{line_of('class-value-match')}"):
        fx.jit(lambda x: compares_a_field(Point(x, x + 1.0)))(fnp.asarray(0.0))
    assert compares_a_field(Point(0.0, 5.0)) == 5.0


def checked_guard(x):
    match x:
        case n if sum(v for v in [n, n] if v > 0) > 1:  # filter-in-guard
            return n
        case _:
            return -x


def test_a_conversion_error_in_a_guard_keeps_its_own_line_and_fix():
    with pytest.raises(ConversionError) as info:
        fx.jit(checked_guard)(fnp.asarray(3.0))
    assert "the `if` filter of the comprehension" in str(info.value)
    assert f":{line_of('filter-in-guard')}" in str(info.value)


def assigned_in_one_case(x, k):
    match k:
        case 0:  # one-case
            y = x
        case _:
            pass
    return y


def test_a_variable_assigned_in_one_traced_case_only_names_the_case_line():
    with pytest.raises(ConversionError) as info:
        fx.jit(assigned_in_one_case)(_f64(1.0), fnp.asarray(0))
    msg = str(info.value)
    assert "variable `y` is assigned on only one branch of the `case` at" in msg
    assert f":{line_of('one-case')}" in msg and "assign it before" in msg


def matrix_subject(x, m):
    match m:  # matrix-subject
        case 0:
            return x
    return -x


def test_a_non_scalar_traced_subject_is_an_error_naming_the_case():
    with pytest.raises(TypeError, match=r"case(.|\n)*must be a scalar(.|\n)*reduce it to one value"):
        fx.jit(matrix_subject)(_f64(1.0), fnp.zeros(3))


# a case that returns between cases that assign -------------------------------------------------------------
def returns_between_cases(x, k):
    match k:
        case 0:
            y = x + 1.0
        case 1:
            return x * 5.0
        case _:
            y = x - 1.0
    return y * 2.0


def returns_between_branches(x, k):
    if k == 0:
        y = x + 1.0
    elif k == 1:
        return x * 5.0
    else:
        y = x - 1.0
    return y * 2.0


@pytest.mark.parametrize("f", [returns_between_cases, returns_between_branches], ids=lambda f: f.__name__)
def test_a_variable_left_unassigned_only_by_a_returning_branch_is_carried(f):
    ks, x = fnp.asarray([0, 1, 2]), _f64(1.5)
    expected = [float(f(x, k)) for k in ks]
    assert [float(fx.jit(f)(x, k)) for k in ks] == expected
    np.testing.assert_array_equal(np.asarray(fx.vmap(f, in_axes=(None, 0))(x, ks)), expected)
    assert [float(fx.jit(fx.grad(f))(x, k)) for k in ks] == [float(fx.grad(f)(x, k)) for k in ks]


# jumps in cases -------------------------------------------------------------------------------------------------
def sum_until_five(xs):
    total = 0.0
    for x in xs:
        match x:
            case 0:
                continue
            case 5:
                break
            case _:
                total = total + x
    return total


def scores(items):
    total = 0
    for item in items:
        match item:
            case (0, _):
                continue
            case (5, v):
                total += v
                break
            case [a, b] if a > b:
                return -1
            case {"bonus": b}:
                total += b
            case _:
                total += 1
    return total


def test_continue_and_break_in_cases_of_a_traced_match_match_eager():
    for values in ([1.0, 0.0, 2.0, 5.0, 7.0], [0.0, 0.0], [5.0, 1.0], [3.0, -1.0, 2.0]):
        xs = _f64(values)
        assert float(fx.jit(sum_until_five)(xs)) == float(sum_until_five(xs))


def test_a_match_with_any_patterns_and_jumps_on_python_values_runs_as_python():
    g = convert(scores)
    for items in ([(0, 1), (1, 1), (5, 9), (1, 1)], [(0, 1), (3, 1)], [(1, 2), {"bonus": 4}], [{"bonus": 4}, "x"],
                  []):
        assert g(items) == scores(items)
