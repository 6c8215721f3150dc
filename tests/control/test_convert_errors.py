"""What the conversion cannot express raises ConversionError naming the file, the line and the fix;
tracebacks through converted code point at the user's lines; the config switch turns it off."""
import pathlib
import traceback

import pytest

import fluxion as fx
import fluxion.numpy as fnp
from fluxion.control.convert import ConversionError

HERE = pathlib.Path(__file__)
SOURCE = HERE.read_text().splitlines()


def line_of(marker: str) -> int:
    """The line of this file that ends with the comment `# <marker>`."""
    (n,) = [i + 1 for i, text in enumerate(SOURCE) if text.rstrip().endswith(f"# {marker}")]
    return n


def raises(f, *args, static_argnums=()) -> str:
    with pytest.raises(ConversionError) as info:
        fx.jit(f, static_argnums=static_argnums)(*args)
    return str(info.value)


def x3():
    return fnp.asarray(3.0)


def grows(n):
    acc = []
    i = 0
    while i < n:  # grows-loop
        acc.append(i)
        i += 1
    return acc


def test_a_python_list_grown_in_a_traced_loop_names_the_list_the_line_and_the_fix():
    msg = raises(grows, fnp.asarray(3))
    assert "the Python list `acc` changes length" in msg and f"test_convert_errors.py:{line_of('grows-loop')}" in msg
    assert "acc.at[i].set" in msg and "fx.scan" in msg
    assert fx.jit(grows, static_argnums=0)(3) == [0, 1, 2]  # with a static bound it is ordinary Python


def collects_until(xs):
    out = []
    for v in xs:
        if v > 5:  # collects-if
            break
        out.append(v)
    return out


def test_a_list_grown_on_one_branch_of_a_traced_if_in_a_loop_names_both_lengths_and_the_if():
    msg = raises(collects_until, fnp.arange(10.0))
    assert "variable `out` is a list of 0 items on one branch but a list of 1 item on another" in msg
    assert f"test_convert_errors.py:{line_of('collects-if')}" in msg
    assert "acc = acc.at[n].set(v)" in msg and "traced break" in msg


def one_branch(x, use):
    if x > 0:  # one-branch-if
        y = x * 2
    if use:
        return y
    return x


def test_a_variable_assigned_on_one_branch_is_an_error_only_where_it_is_used():
    msg = raises(one_branch, x3(), True)
    assert "variable `y` is assigned on only one branch" in msg
    assert f"test_convert_errors.py:{line_of('one-branch-if')}" in msg and "assign it before" in msg
    assert float(fx.jit(one_branch, static_argnums=1)(x3(), False)) == 3.0


def mode_by_branch(x, use):
    if x > 0:  # mode-if
        mode = "up"
    else:
        mode = "down"
    return mode if use else x


def test_a_python_value_that_differs_between_traced_branches_is_an_error_only_where_it_is_used():
    msg = raises(mode_by_branch, x3(), True)
    assert "variable `mode` is the Python str 'up' on one branch but the Python str 'down' on another" in msg
    assert f":{line_of('mode-if')}" in msg
    assert float(fx.jit(mode_by_branch, static_argnums=1)(x3(), False)) == 3.0


def function_by_branch(x):
    if x > 0:  # function-if
        f = lambda v: v * 2  # noqa: E731
    else:
        f = lambda v: v * 3  # noqa: E731
    return f(x)


def test_a_python_function_chosen_by_a_traced_condition_is_an_error_that_says_to_call_it_on_each_branch():
    msg = raises(function_by_branch, x3())
    assert "variable `f` is a Python function on every branch, but not the same one" in msg
    assert f":{line_of('function-if')}" in msg and "fix: use it on each branch instead" in msg
    assert "astype" not in msg


def shapes_by_branch(x):
    if x > 0:  # shapes-if
        return fnp.zeros(3)
    return x


def test_returns_of_different_types_name_the_return_value_and_both_types():
    msg = raises(shapes_by_branch, x3())
    assert "the return value is f32[3] on one branch but f32[] on another" in msg
    assert f":{line_of('shapes-if')}" in msg and ".astype" in msg


def returns_on_one_branch(x):
    if x > 0:  # half-return
        return x


def test_a_function_that_returns_a_value_on_one_traced_branch_only_is_an_error():
    msg = raises(returns_on_one_branch, x3())
    assert "the return value is one value on one branch but None (as when no return statement is reached)" in msg
    assert f":{line_of('half-return')}" in msg


def gen(x, ks):
    for k in ks:
        if k > 1:
            yield x * k
    if x > 0:  # generator-if
        yield x


def sums_a_generator(x, ks):
    return sum(gen(x, ks))


def test_a_traced_condition_in_a_generator_names_the_line_and_the_fix():
    msg = raises(sums_a_generator, x3(), (1, 2), static_argnums=1)
    assert "generator function" in msg and f":{line_of('generator-if')}" in msg and "instead of yielding" in msg
    assert float(fx.jit(lambda y: y + sum(gen(x3(), (1, 2))))(x3())) == 12.0  # concrete conditions: fine


COUNT = 0


def bumps_a_global(x):
    global COUNT
    while x > 0:  # global-loop
        COUNT = COUNT + 1
        x = x - 1
    return x


def make_counter():
    count = 0

    def counts(x):
        nonlocal count
        for _ in range(3):
            if x > 0:  # nonlocal-if
                count = count + 1
        return x

    return counts


def test_a_global_or_nonlocal_assigned_under_a_traced_condition_names_it_and_the_fix():
    msg = raises(bumps_a_global, x3())
    assert "the global name `COUNT` is assigned or changed inside the `while`" in msg
    assert f":{line_of('global-loop')}" in msg
    assert "assign a local variable instead" in msg
    msg = raises(make_counter(), x3())
    assert "the nonlocal name `count`" in msg and f":{line_of('nonlocal-if')}" in msg


class Box:
    def __init__(self, value):
        self.value = value


def sets_an_attribute(x):
    box = Box(x)
    if x > 0:  # attribute-if
        box.value = box.value * 2
    return box.value


def sets_an_attribute_of_its_own_object(x):
    if x > 0:
        scaled = Box(x)
        scaled.value = scaled.value * 2  # an object made inside the branch: its attributes are its own
        x = scaled.value
    return x


def test_an_attribute_set_under_a_traced_condition_names_it_and_the_fix():
    msg = raises(sets_an_attribute, x3())
    assert "the attribute `box.value` is assigned or changed inside the `if`" in msg
    assert f":{line_of('attribute-if')}" in msg
    assert "set the outer name or attribute from it after the statement" in msg
    assert float(fx.jit(sets_an_attribute_of_its_own_object)(x3())) == 2 * float(x3())
    assert float(fx.jit(sets_an_attribute_of_its_own_object)(-x3())) == -float(x3())


class Log:
    def __init__(self):
        self.items, self.seen = [], {}


LOG = []


def appends_to_an_attribute(x):
    log = Log()
    while x < 10:  # attribute-append
        log.items.append(x)
        x = x + 1
    return x, len(log.items)


def stores_into_an_attribute(x):
    log = Log()
    if x > 0:  # attribute-store
        log.seen["positive"] = x
    return x


def appends_to_a_global(x):
    while x < 10:  # global-append
        LOG.append(x)
        x = x + 1
    return x


def updates_through_a_pure_method(x, opt):
    while x < 10:
        x = opt.update(x)
    return x


class Step:
    def update(self, x):
        return x + 1


@pytest.mark.parametrize("f, name, kind, mark", [
    (appends_to_an_attribute, "attribute `log.items`", "while", "attribute-append"),
    (stores_into_an_attribute, "attribute `log.seen`", "if", "attribute-store"),
    (appends_to_a_global, "outer variable `LOG`", "while", "global-append")])
def test_a_container_changed_in_place_through_an_attribute_or_outer_name_under_a_traced_condition_is_refused(
        f, name, kind, mark):
    """Each traced branch or pass runs once, so the container would take the changes of one pass
    (or of every branch): len(log.items) came out 1 where Python gives 7."""
    assert appends_to_an_attribute(3.0) == (10.0, 7)  # eagerly, Python's
    msg = raises(f, x3())
    assert f"the {name} is assigned or changed inside the `{kind}`" in msg and f":{line_of(mark)}" in msg
    assert not LOG


def test_a_method_named_update_on_an_outer_object_may_be_pure_and_is_allowed():
    assert float(fx.jit(updates_through_a_pure_method, static_argnums=1)(x3(), Step())) == \
        float(updates_through_a_pure_method(float(x3()), Step()))


def breaks_out_of_an_iterator(x):
    for k in iter([1.0, 2.0, 3.0]):  # iterator-loop
        x = x * k
        if x > 5:
            break
    return x


def test_a_traced_break_in_a_loop_over_a_python_iterator_names_the_line_and_the_fix():
    msg = raises(breaks_out_of_an_iterator, x3())
    assert "runs over a Python iterator (list_iterator)" in msg and f":{line_of('iterator-loop')}" in msg
    assert "range(n) or an array" in msg


def breaks_out_of_a_list(x):
    for k in [1.0, 2.0, 3.0]:
        x = x * k
        if x > 5:
            break
    return x


def test_a_traced_break_in_a_loop_over_a_python_list_is_converted():
    for v in (0.5, 3.0, 10.0):
        assert float(fx.jit(breaks_out_of_a_list)(fnp.asarray(v))) == breaks_out_of_a_list(v)


def breaks_out_of_enumerate_and_zip_with_keywords(xs, ys):
    acc = 0.0
    for i, x in enumerate(xs, start=10):
        if x > 2:
            break
        acc = acc + i * x
    for x, y in zip(xs, ys, strict=True):
        if y > 2:
            break
        acc = acc + x * y
    return acc


def test_a_traced_break_in_a_loop_over_enumerate_or_zip_with_keywords_is_converted():
    for xs, ys in (([1.0, 2.0, 3.0], [3.0, 1.0, 0.0]), ([1.0, 0.5, 0.25], [1.0, 2.0, 3.0])):
        expected = breaks_out_of_enumerate_and_zip_with_keywords(xs, ys)
        assert float(fx.jit(breaks_out_of_enumerate_and_zip_with_keywords)(fnp.asarray(xs), fnp.asarray(ys))) == expected
    with pytest.raises(ValueError, match="zip"):  # strict=True holds as in Python
        fx.jit(breaks_out_of_enumerate_and_zip_with_keywords)(fnp.ones(3), fnp.ones(2))


def defined_in_loop(xs):
    for x in xs:  # temp-loop
        t = x * 2
    return t


def reads_previous_pass(xs):
    total = 0.0
    for i in range(xs.shape[0]):
        if i > 0:
            total = total + xs[i] - prev  # noqa: F821  (assigned in the previous pass)
        prev = xs[i]
    return total


def test_a_variable_that_lives_only_inside_a_traced_loop_is_an_error_where_it_is_used():
    msg = raises(defined_in_loop, fnp.ones(3))
    assert "variable `t` is assigned only inside the `for` loop" in msg and f":{line_of('temp-loop')}" in msg
    assert "assign it before the loop" in msg
    # over a range of static length the loop is Python, where a value from the previous pass is fine
    assert float(fx.jit(reads_previous_pass)(fnp.asarray([1.0, 4.0, 9.0]))) == 8.0


def reads_previous_traced_pass(xs, n):
    total = 0.0
    for i in range(n):  # prev-traced-loop
        if i > 0:
            total = total + xs[i] - prev  # noqa: F821  (assigned in the previous pass)
        prev = xs[i]
    return total


def test_reading_a_variable_from_the_previous_pass_of_a_traced_loop_names_it_and_the_fix():
    msg = raises(reads_previous_traced_pass, fnp.ones(3), fnp.asarray(3))
    assert "variable `prev` is read in the `for` loop" in msg and f":{line_of('prev-traced-loop')}" in msg
    assert "assign it before the loop" in msg


def changes_shape(x):
    y = fnp.zeros(3)
    while x > 0:  # shape-loop
        y = fnp.zeros(4)
        x = x - 1
    return y


def counts_strings(x):
    label = "start"
    while x > 0:  # label-loop
        label = label + "!"
        x = x - 1
    return label


def makes_functions(x, start):
    g = start
    while x < 5.0:  # function-loop
        x = x * 2
        g = lambda z: z + x  # noqa: E731
    return g(1.0)


def test_a_function_made_in_a_traced_loop_says_to_define_it_outside():
    # (it said to start from fnp.zeros(...), whether it started as None or as another function)
    for start in (None, lambda z: z):
        msg = raises(makes_functions, x3(), start, static_argnums=(1,))
        assert "variable `g` is made a new Python function in a pass of the `while` loop" in msg
        assert f":{line_of('function-loop')}" in msg and "define the function after the loop" in msg


def test_a_variable_whose_type_changes_in_a_traced_loop_names_both_types_and_the_fix():
    msg = raises(changes_shape, x3())
    assert "variable `y` enters the `while` loop" in msg and "as f32[3] but a pass makes it f32[4]" in msg
    assert f":{line_of('shape-loop')}" in msg and "final shape and dtype before the loop" in msg
    msg = raises(counts_strings, x3())
    assert "variable `label` is a Python str that a pass of the `while` loop" in msg and "make it an array" in msg


def test_conversion_errors_are_concretization_errors_and_type_errors():
    assert issubclass(ConversionError, fx.errors.ConcretizationError) and issubclass(ConversionError, TypeError)


def squares_into(acc, v):
    acc["total"] = acc["total"] + v ** 2


def accumulates_through_a_helper(x):
    acc = {"total": 0.0}
    if x > 0:
        squares_into(acc, x)  # the helper updates the dict the branch cannot see
    return acc["total"]


def test_a_container_a_helper_updates_under_a_traced_condition_is_a_leak_not_a_wrong_result():
    x = fnp.asarray(0.5, dtype=fnp.float64)
    assert float(fx.grad(accumulates_through_a_helper)(x)) == 2 * 0.5  # eager: Python's if, d(x^2)/dx
    for transform in (fx.jit, lambda f: fx.jit(fx.grad(f)), lambda f: fx.jit(fx.jacfwd(f)), fx.vmap):
        with pytest.raises(fx.errors.TracerLeakError, match="after the transformation that made it has finished"):
            transform(accumulates_through_a_helper)(x if transform is not fx.vmap else x[None])


def test_a_traced_value_kept_from_a_finished_transformation_is_a_leak_in_jit():
    kept = []
    fx.jit(lambda x: kept.append(x) or x)(x3())
    fx.grad(lambda x: kept.append(x) or x)(x3())
    for leaked in kept:
        with pytest.raises(fx.errors.TracerLeakError, match="after the transformation that made it has finished"):
            fx.jit(lambda y: y * leaked)(x3())


# tracebacks -------------------------------------------------------------------------------------------
def fails_in_a_branch(x):
    if x > 0:
        y = fnp.dot(fnp.ones(3), fnp.ones(4))  # failing-line
    else:
        y = x
    return y


def test_an_error_inside_a_traced_branch_points_at_the_users_line():
    with pytest.raises(fx.errors.ShapeError) as info:
        fx.jit(fails_in_a_branch)(x3())
    frames = traceback.extract_tb(info.value.__traceback__)
    mine = [f for f in frames if f.filename == str(HERE)]
    assert mine[-1].lineno == line_of("failing-line") and "fnp.dot" in mine[-1].line
    assert f"test_convert_errors.py:{line_of('failing-line')}" in str(info.value)


# the switch ---------------------------------------------------------------------------------------------
def relu(x):
    if x > 0:
        return x
    return 0.0 * x


def test_with_conversion_off_python_control_flow_on_traced_values_raises_as_before(monkeypatch):
    monkeypatch.setattr(fx.config, "convert_control_flow", False)
    with pytest.raises(fx.errors.ConcretizationError) as info:
        fx.jit(relu)(x3())
    assert not isinstance(info.value, ConversionError) and "fx.cond" in str(info.value)
    monkeypatch.setattr(fx.config, "convert_control_flow", True)
    assert float(fx.jit(relu)(x3())) == 3.0


def checks_its_input(x):
    if x < 0:  # raising-if
        raise ValueError("x must not be negative")
    return fnp.sqrt(x)


def test_a_raise_under_a_traced_condition_names_the_line_the_exception_and_the_fix():
    with pytest.raises(ConversionError) as info:
        fx.jit(checks_its_input)(x3())
    msg = str(info.value)
    assert "raised ValueError: x must not be negative" in msg and f":{line_of('raising-if')}" in msg
    assert "check such values outside the traced function" in msg
    assert isinstance(info.value.__cause__, ValueError)


def float_range(x, n):
    for _ in range(n):
        x = x * 2
    return x


def test_range_of_a_traced_float_is_a_type_error_as_in_python():
    with pytest.raises(fx.errors.DTypeError, match=r"range(.|\n)*takes integers(.|\n)*astype\(int\)"):
        fx.jit(float_range)(x3(), x3())


def test_a_range_of_a_traced_bound_other_than_a_for_header_says_which_range_is_converted():
    def f(x, n):
        for i, j in enumerate(range(n)):
            x = x + j
        return x

    with pytest.raises(fx.errors.ConcretizationError, match="range\\(\\) other than `for i in range\\(n\\)`[\\s\\S]*"
                       "static_argnums=\\(1,\\)"):
        fx.jit(f)(x3(), 3)
    assert float(fx.jit(f, static_argnums=1)(x3(), 3)) == 6.0


def collects_in_a_set(x):
    seen = set()
    for i in range(3):
        if x[i] > 0:  # set-if
            seen.add(i)
    return x * len(seen)


def counts_in_a_set(x):
    seen, i = set(), 0
    while fnp.sum(x) > i:  # set-while
        seen.add(i)
        i += 1
    return x * len(seen)


def test_a_set_changed_in_place_under_a_traced_condition_is_an_error_not_a_silent_count():
    # (tracing runs every branch, and one pass of a loop, so the set would hold the wrong items)
    x = fnp.asarray([1.0, -2.0, 3.0])
    assert collects_in_a_set(x).tolist() == [2.0, -4.0, 6.0]
    for f, marker, how in ((collects_in_a_set, "set-if", "every branch is traced"),
                           (counts_in_a_set, "set-while", "one traced pass stands for every pass")):
        msg = raises(f, x)
        assert "variable `seen` is a set that the" in msg and how in msg, msg
        assert f"{__file__}:{line_of(marker)}" in msg and "boolean mask" in msg, msg


class _Positive:
    def __init__(self, v):
        self.v = v

    @property
    def value(self):  # Python calls a property itself: not converted
        if self.v > 0:
            return self.v
        return 0.0 * self.v

    def method(self):
        if self.v > 0:
            return self.v
        return 0.0 * self.v


def test_an_if_in_a_property_names_the_function_that_is_not_converted_and_the_fix():
    x = fnp.asarray(-2.0)
    assert float(fx.jit(lambda v: _Positive(v).method())(x)) == float(_Positive(x).method())
    with pytest.raises(fx.errors.ConcretizationError, match=r"`value` \(.*\) is not converted[\s\S]*property"
                                                             r"[\s\S]*call it as a method"):
        fx.jit(lambda v: _Positive(v).value)(x)
    with pytest.raises(fx.errors.ConcretizationError) as e:  # a converted function's own bool() has no such note
        fx.jit(lambda v: bool(v))(x)
    assert "not converted" not in str(e.value)
