"""Converted functions run ordinary Python wherever conditions are concrete.

Oracle: the original function called on the same concrete values (Python numbers, lists,
iterators, eager arrays). Also: which callables are converted, and the caches.
"""
import functools
import itertools
import math
import types

import numpy as np
import pytest
from hypothesis import given, strategies as st

import fluxion as fx
import fluxion.numpy as fnp
from fluxion.control.convert import convert

import _convert_programs as P


def _equal(a, b) -> bool:
    if isinstance(a, (tuple, list)):
        return type(a) is type(b) and len(a) == len(b) and all(map(_equal, a, b))
    if isinstance(a, fx.Array):
        return isinstance(b, fx.Array) and a.aval == b.aval and np.array_equal(a, b)
    return type(a) is type(b) and a == b


def _same(f, *args, **kwargs):
    g = convert(f)
    assert g is not f, "the function was not converted"
    expected, got = f(*args, **kwargs), g(*args, **kwargs)
    assert _equal(got, expected), (got, expected)


# jumps on Python values ----------------------------------------------------------------------------------
def scan_ints(xs):
    total = 0
    for x in xs:
        if x == 0:
            continue
        if x < -3:
            return -total
        total += x
        if total > 10:
            break
    else:
        total += 100
    return total


def countdown(n):
    steps = []
    while n > 0:
        n -= 1
        if n % 3 == 0:
            continue
        steps.append(n)
        if len(steps) == 4:
            break
    else:
        steps.append("done")
    return steps


@given(st.lists(st.integers(-5, 5), max_size=8))
def test_break_continue_return_and_loop_else_on_python_ints_match_the_original(xs):
    _same(scan_ints, xs)


@given(st.integers(-2, 20))
def test_while_with_continue_break_else_and_a_growing_list_matches_the_original(n):
    _same(countdown, n)


def first_big(it):
    for x in it:
        if x > 5:
            return x
    return None


def test_a_break_leaves_an_infinite_iterator_where_python_leaves_it():
    it = itertools.count()
    assert convert(first_big)(it) == 6
    assert next(it) == 7  # the item after the one that returned was not taken
    assert convert(first_big)(iter([1, 2])) is None


def nested_returns(m):
    for i, row in enumerate(m):
        for j, v in enumerate(row):
            if v < 0:
                return i, j
    return None


def test_return_from_nested_loops_matches_the_original():
    for m in ([[1, 2], [3, -4]], [[1]], [[-1, 2]], []):
        _same(nested_returns, m)


def python_semantics(x, default):
    a = x or default  # `or` gives an operand, not a bool
    b = x and default
    c = "big" if x > 10 else "small"
    d = 0 < x < 10 < 100
    return a, b, c, d, not x


def test_and_or_not_conditional_expressions_and_chains_keep_python_values():
    for x in (0, 5, 50, -1):
        _same(python_semantics, x, 7)


def walrus_loop(data):
    out = []
    it = iter(data)
    while (item := next(it, None)) is not None:
        out.append(item * 2)
    return out, item


def test_an_assignment_in_a_while_condition_matches_the_original():
    _same(walrus_loop, [1, 2, 3])
    _same(walrus_loop, [])


COUNTER = 0


def walrus_operands(c, d, x):
    """Each walrus binds its variable only where Python evaluates it."""
    y, w = -1, None
    r1 = c and (y := x * 2) > 1
    r2 = (y := y + 1) if d else (z := x - 1)
    r3 = 0 < (v := x + 1) < (w := 3) <= (u := w + v)
    r4 = c and d and (y + (y := 2) + y)  # reads the old y, then the new one
    r5 = [((q := k) if c else -k) for k in range(x)]
    return r1, r2, r3, r4, r5, y, w, v


def walrus_leaving_unbound(c, x):
    r = (y := x) if c else 0
    return r, y


def walrus_global(c, x):
    global COUNTER
    return (COUNTER := COUNTER + x) if c else -x, COUNTER


def walrus_nonlocal():
    n = 10

    def step(c, x):
        nonlocal n
        return c or (n := n + x), n
    return step


walrus_lambda = lambda c, y: ((y := y + 1) if c else y, c and (z := 2 * y))  # noqa: E731


def test_an_assignment_in_an_operand_python_may_skip_matches_the_original():
    for c, d, x in itertools.product((0, 1), (0, 1), (0, 2, 3)):
        _same(walrus_operands, c, d, x)
        _same(walrus_lambda, c, x)
        original, step = walrus_nonlocal(), walrus_nonlocal()
        converted = convert(step)
        assert converted is not step and [converted(c, x), converted(c, x)] == [original(c, x), original(c, x)]
    _same(walrus_leaving_unbound, 1, 2)
    for f in (walrus_leaving_unbound, convert(walrus_leaving_unbound)):  # the branch that binds y is not taken
        with pytest.raises(UnboundLocalError):
            f(0, 2)
    global COUNTER
    for c in (0, 1):
        COUNTER = 0
        expected = walrus_global(c, 5), COUNTER
        COUNTER = 0
        assert (convert(walrus_global)(c, 5), COUNTER) == expected


def guarded(xs):
    total = 0
    for x in xs:
        try:
            if x == 0:
                raise ZeroDivisionError
            total += 10 // x
        except ZeroDivisionError:
            continue
        finally:
            total += 1
    return total


def test_try_except_finally_inside_a_converted_loop_matches_the_original():
    _same(guarded, [1, 0, 3, -2])


def deleted(flag):
    y = 1
    del y
    if flag:
        y = 2
    return y


def test_a_deleted_or_unassigned_variable_raises_unbound_local_error_as_python_does():
    assert convert(deleted)(True) == 2
    for f in (deleted, convert(deleted)):
        try:
            f(False)
        except UnboundLocalError as e:
            assert "'y'" in str(e)
        else:
            raise AssertionError("no error")


# scopes ----------------------------------------------------------------------------------------------
COUNTER = 0


def bump(n):
    global COUNTER
    for _ in range(n):
        if n > 1:
            COUNTER += 1
    return COUNTER


def make_accumulator():
    total = 0

    def add(x):
        nonlocal total
        if x > 0:
            total += x
        return total

    return add


def test_globals_and_nonlocals_assigned_under_concrete_conditions_are_updated():
    global COUNTER
    COUNTER = 0
    assert convert(bump)(3) == 3 and COUNTER == 3
    add = make_accumulator()
    g = convert(add)
    assert g(2) == 2 and g(-1) == 2 and add(3) == 5  # the converted function shares the closure cell


def closure_over(scale):
    def f(x):
        if x > 0:
            return x * scale
        return x
    return f


def test_closures_from_one_factory_share_converted_code_but_keep_their_cells():
    f2, f3 = closure_over(2), closure_over(3)
    g2, g3 = convert(f2), convert(f3)
    assert g2.__code__ is g3.__code__ and g2.__code__ is not f2.__code__
    assert (g2(5), g3(5), g2(-5)) == (10, 15, -5)


def recursive_closure_over(data):
    def f(z, n=2):
        if n == 0:
            return z + fnp.sum(data)
        return f(z * 2, n - 1)  # (its own closure cell holds f)
    return f


def test_a_converted_function_that_reaches_itself_is_freed_with_what_it_holds():
    import gc
    import weakref
    data = fnp.ones((100, 100))
    f, seen = recursive_closure_over(data), weakref.ref(data)
    assert float(fx.jit(f)(fnp.asarray(1.0))) == float(fx.vmap(f)(fnp.ones(2))[0]) == 4 + 10_000
    del f, data
    gc.collect()
    assert seen() is None


def test_a_wrapper_that_copies_a_converted_function_s_attributes_is_converted_as_itself():
    f = closure_over(2)
    assert convert(f) is convert(f)

    @functools.wraps(f)  # (copies f's __dict__, where f keeps its converted function)
    def doubled(x):
        return f(x) * 10

    assert convert(doubled) is not convert(f) and convert(doubled)(5) == 100 and convert(f)(5) == 10


class Base:
    def scale(self, x):
        return x * 2


class Model(Base):
    def __init__(self):
        self.__offset = 3

    def scale(self, x, *rest, power=1, **extra):
        if x > 0 and isinstance(self, Model):
            return super().scale(x) ** power + self.__offset + sum(rest) + len(extra)
        return x

    def __call__(self, x):
        return self.scale(x, 1, power=2, tag=None)


def test_methods_keep_zero_argument_super_private_names_and_all_kinds_of_parameters():
    m = Model()
    _same(m.scale, 4, 10, power=2, a=1)
    assert convert(m)(4) == m(4) == 64 + 3 + 1 + 1
    assert convert(m).__self__ is m


PAIR = (lambda x: x if x > 0 else -x, lambda x: 2 * x if x > 0 else x)


def test_two_lambdas_on_one_line_are_each_converted_from_their_own_source():
    assert [convert(f)(-3) for f in PAIR] == [3, -3]
    assert [convert(f)(3) for f in PAIR] == [3, 6]


def power(x, n):
    if n == 0:
        return 1
    return x * power(x, n - 1)


def test_recursion_partials_and_defaults_work():
    assert convert(power)(2, 10) == 1024
    p = functools.partial(power, n=3)
    assert isinstance(convert(p), functools.partial) and convert(p)(2) == 8


def uses_array_methods(x):
    if x.sum() > 0:
        return x.mean()
    return x.max()


def test_eager_arrays_take_the_python_path():
    x = fnp.asarray([1.0, 2.0, 6.0])
    _same(uses_array_methods, x)
    _same(P.piecewise, fnp.asarray(0.5))
    _same(P.newton_sqrt, fnp.asarray(2.0))
    _same(P.sum_until_negative, fnp.asarray([1.0, -1.0, 2.0]))


# what is converted, and caching -------------------------------------------------------------------------
def test_converting_twice_gives_the_cached_function_and_converted_functions_convert_to_themselves():
    g = convert(scan_ints)
    assert convert(scan_ints) is g and convert(g) is g
    copy = types.FunctionType(scan_ints.__code__, scan_ints.__globals__, "copy")
    assert convert(copy) is not g and convert(copy).__code__ is g.__code__  # compiled once per code object
    assert g.__name__ == "scan_ints" and g.__qualname__ == scan_ints.__qualname__ and g.__module__ == __name__


def test_library_code_builtins_and_functions_without_source_are_not_converted():
    namespace = {}
    exec("def made(x):\n    return -x if x > 0 else x\n", namespace)
    for f in (fnp.sin, math.sqrt, len, sorted, filter, np.sum, namespace["made"], Model):
        assert convert(f) is f


def test_the_config_switch_turns_conversion_off(monkeypatch):
    monkeypatch.setattr(fx.config, "convert_control_flow", False)
    assert convert(scan_ints) is scan_ints
