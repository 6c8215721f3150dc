"""In-place updates of arrays that have other names, under a traced `if`, `while` or `for`.

Oracle: the same function run eagerly (NumPy aliasing: `b = c; b *= 2` changes c too), for
jit, and for vmap a Python loop of eager calls. Where a traced statement cannot give the
eager result, the update raises a ConversionError naming the line and the fix; never a
leaked traced value or a silently different result.
"""
import numpy as np
import pytest

import fluxion as fx
import fluxion.numpy as fnp


def _a(x):
    return fnp.asarray(x, dtype=fnp.float32)


def _check(f, *cases):
    """f under jit for each case, and under vmap over the cases, against eager calls (on fresh
    arrays: eager calls update their arguments in place)."""
    for case in cases:
        expected = f(*map(_a, case))
        got = fx.jit(f)(*map(_a, case))
        for g, e in zip(fx.tree.leaves(got), fx.tree.leaves(expected)):
            np.testing.assert_allclose(np.asarray(g), np.asarray(e))
    expected = [f(*map(_a, case)) for case in cases]
    got = fx.vmap(f)(*[_a([case[i] for case in cases]) for i in range(len(cases[0]))])
    for k, e in enumerate(expected):
        for g, x in zip(fx.tree.leaves(got), fx.tree.leaves(e)):
            np.testing.assert_allclose(np.asarray(g)[k], np.asarray(x))


def _raises(f, cases, match):
    for transform, args in ((fx.jit, cases[0]), (fx.vmap, [[c[i] for c in cases] for i in range(len(cases[0]))])):
        with pytest.raises(fx.errors.ConversionError, match=match):
            transform(f)(*map(_a, args))


# exact: the other names see the update ------------------------------------------------------------
def adds_to_a_parameter_another_name_holds(a, c):
    b = c
    if a > 0:
        c += 1.0
    return b


def sets_an_item_through_an_alias_on_one_branch_and_rebinds_on_the_other(a, c):
    b = c
    if a > 0:
        b[0] = 5.0
    else:
        b = b + 1.0
    return c, b


def fills_an_alias_in_a_while_loop(n, c):
    b = c
    i = 0
    while i < n:
        b[i] = 2.0 * i
        i += 1
    return c


def accumulates_rows_into_an_alias(xs, c):
    acc = c
    for x in xs:
        acc += x
    return c, acc


def test_an_in_place_update_under_a_traced_if_reaches_the_arrays_other_names():
    _check(adds_to_a_parameter_another_name_holds, (1.0, [1.0, 2.0]), (-1.0, [1.0, 2.0]))
    _check(sets_an_item_through_an_alias_on_one_branch_and_rebinds_on_the_other,
           (1.0, [1.0, 2.0]), (-1.0, [1.0, 2.0]))


def test_an_in_place_update_in_a_traced_loop_reaches_the_arrays_other_names():
    _check(fills_an_alias_in_a_while_loop, (2.0, [7.0, 7.0, 7.0]), (0.0, [7.0, 7.0, 7.0]))
    _check(accumulates_rows_into_an_alias, ([[1.0, 2.0], [3.0, 4.0]], [1.0, 1.0]), ([[0.0, 1.0], [1.0, 0.0]], [2.0, 2.0]))


def keeps_an_alias_on_one_branch_then_sets_an_item(a, x):
    c = x * 1.0
    b = c
    if a > 0:
        b[1] = 7.0
    else:
        b = x + 1.0
    b[0] = 5.0
    return c, b


def updates_the_old_name_after_one_branch_rebinds(a, x):
    c = x * 1.0
    b = c
    if a > 0:
        b = b * 2.0
    c += 3.0
    return c, b


def chains_two_ifs(a, x):
    c = x * 1.0
    b = c
    if a > 0:
        b = b * 2.0
    d = b
    if a > 1:
        d = d - 1.0
    d[2] = -4.0
    return c, b, d


def picks_one_of_two_arrays(a, x):
    c, e = x * 1.0, x * 2.0
    if a > 0:
        b = c
    else:
        b = e
    b[0] = 9.0
    return c, e, b


def updates_a_concrete_array_that_one_branch_keeps(a, x):
    c = fnp.zeros(3)
    b = c
    if a > 0:
        b = b + x
    c[1] = 2.0
    return b


def rebinds_in_a_loop_that_may_not_run(n, x):
    c = x * 1.0
    b = c
    i = 0
    while i < n:
        b = b + 1.0
        i += 1
    b[0] = 5.0
    return c, b


def rebinds_in_some_passes_of_a_loop(n, x):
    c = x * 1.0
    b = c
    i = 0
    while i < n:
        if i == 1:
            b = b + 1.0
        i += 1
    b[0] = 5.0
    return c, b


def rebinds_in_some_passes_of_a_for_loop_over_a_traced_array(n, x):
    c = x * 1.0
    b = c
    for v in x:
        if v > n:
            b = b * 2.0
    c[2] = -1.0
    return c, b


def rebinds_in_an_inner_loop_that_may_not_run(n, x):
    c = x * 1.0
    b = c
    i = 0
    while i < n:
        j = 0
        while j < i - 1:  # no pass before i = 2
            b = b - 1.0
            j += 1
        i += 1
    b[1] = 8.0
    return c, b


def updates_the_condition_in_place_after_the_if(a, x):
    q = a > 0
    c = x * 1.0
    b = c
    if q:
        pass
    else:
        b = b + 1.0
    q |= True  # the link's condition is the one the `if` saw
    c[0] = 5.0
    return c, b


def test_a_name_that_holds_the_same_array_on_some_paths_only_shares_its_updates_there():
    """After a traced `if` that keeps an array in a name on one branch and rebinds it on the
    other, or a loop that may make no pass, the two are one array only on those paths."""
    cases = [(-1.0, [0.0, 1.0, 2.0]), (0.5, [0.0, 1.0, 2.0]), (2.0, [3.0, 1.0, 2.0])]
    for f in (keeps_an_alias_on_one_branch_then_sets_an_item, updates_the_old_name_after_one_branch_rebinds,
              chains_two_ifs, picks_one_of_two_arrays, updates_a_concrete_array_that_one_branch_keeps,
              updates_the_condition_in_place_after_the_if):
        _check(f, *cases)
    _check(rebinds_in_a_loop_that_may_not_run, (0.0, [0.0, 1.0, 2.0]), (2.0, [0.0, 1.0, 2.0]))
    # a pass rebinds the name only on some paths: a flag carried through the passes says whether it still holds it
    for f in (rebinds_in_some_passes_of_a_loop, rebinds_in_an_inner_loop_that_may_not_run):
        _check(f, (0.0, [0.0, 1.0, 2.0]), (1.0, [0.0, 1.0, 2.0]), (2.0, [0.0, 1.0, 2.0]), (4.0, [0.0, 1.0, 2.0]))
    _check(rebinds_in_some_passes_of_a_for_loop_over_a_traced_array, (5.0, [0.0, 1.0, 2.0]),
           (1.5, [0.0, 1.0, 2.0]), (0.5, [0.0, 1.0, 2.0]))


# common patterns keep working --------------------------------------------------------------------
def updates_local_arrays(a, x):
    y = fnp.zeros(2)
    acc = x * 0.0
    if a > 0:
        y[0] = a
        acc += x
    i = 0
    while i < a:
        acc *= 2.0
        y[1] += 1.0
        i += 1
    return y, acc


def test_in_place_updates_of_local_arrays_under_traced_control_flow_work_under_jit_vmap_and_grad():
    _check(updates_local_arrays, (2.0, [1.0, 2.0]), (-1.0, [1.0, 2.0]), (0.5, [3.0, 1.0]))
    loss = lambda a, x: fnp.sum(updates_local_arrays(a, x)[1])
    for a in (2.0, -1.0):
        np.testing.assert_allclose(np.asarray(fx.jit(fx.grad(loss, argnums=1))(_a(a), _a([1.0, 2.0]))),
                                   np.asarray(fx.grad(loss, argnums=1)(_a(a), _a([1.0, 2.0]))))


# errors where the eager result cannot be had -------------------------------------------------------
def scales_an_outer_array_through_a_new_name(a, c):
    if a > 0:
        b = c
        b *= 2.0
    return c


def scales_in_a_while_loop_through_a_new_name(a, c):
    while a < 3:
        a = c
        a *= 2.0
    return c


def sets_an_item_of_an_outer_array_through_a_new_name(a, c):
    if a > 0:
        b = c
        b[0] = 1.0
    return c


def test_an_outer_array_updated_in_place_through_a_name_the_statement_does_not_carry_raises():
    for f in (scales_an_outer_array_through_a_new_name, scales_in_a_while_loop_through_a_new_name):
        assert float(f(_a(1.0), _a(2.0))) == 4.0  # eager
        _raises(f, [(1.0, 2.0), (-1.0, 2.0)], r"cannot take the value computed here(.|\n)*test_convert_aliasing"
                r"(.|\n)*x = x \* y")
    _raises(sets_an_item_of_an_outer_array_through_a_new_name, [(1.0, [1.0, 2.0]), (-1.0, [1.0, 2.0])],
            "cannot take the value computed here")


def sets_an_item_of_a_concrete_alias(a):
    c = fnp.zeros(3)
    b = c
    if a > 1:
        b[0] = 1.0
    return c


def adds_a_traced_value_to_a_concrete_alias(x):
    c = fnp.zeros(3)
    b = c
    b += x
    return c


def test_a_concrete_array_updated_in_place_through_another_name_raises_where_it_is_used():
    np.testing.assert_allclose(np.asarray(sets_an_item_of_a_concrete_alias(_a(1.5))), [1.0, 0.0, 0.0])
    _raises(sets_an_item_of_a_concrete_alias, [(1.5,), (0.5,)], r"took a traced value(.|\n)*test_convert_aliasing")
    _raises(adds_a_traced_value_to_a_concrete_alias, [(1.5,), (0.5,)], "only the name assigned there")


def updates_one_of_two_carried_names_of_an_array(a, c):
    b = c
    if a > 0:
        b[0] = 1.0
        c = c * 1.0
    return c


def sets_an_item_then_rebinds_in_a_loop(n, x):
    i = 0
    while i < n:
        x[0] = 0.0
        x = x + 1.0
        i += 1
    return x


def test_in_place_updates_a_traced_statement_cannot_carry_raise():
    _raises(updates_one_of_two_carried_names_of_an_array, [(1.0, [2.0, 2.0]), (-1.0, [2.0, 2.0])],
            "`b` and `c` hold the same array")
    _raises(sets_an_item_then_rebinds_in_a_loop, [(2.0, [5.0, 5.0]), (1.0, [5.0, 5.0])],
            "updated in place in the `while` loop .* and then bound to another array")


def sets_an_item_of_a_copy(x, i):
    y = x + 0
    y[i] = 5.0
    return y


def sets_an_item_of_a_copy_and_returns_its_other_name(x, i):
    y = x + 0
    z = y
    y[i] = 5.0
    return z


def test_an_array_computed_from_unbatched_values_takes_a_batched_update_under_jit_and_vmap():
    # vmap computes y from the unbatched x outside itself (a value of jit's program, or a concrete
    # array), and y then takes a value that differs per example: as eagerly, per example
    x, i = np.arange(3.0, dtype=np.float32), np.array([0, 2])
    expected = np.stack([sets_an_item_of_a_copy(_a(x), k) for k in i])
    batched = fx.vmap(sets_an_item_of_a_copy, in_axes=(None, 0))
    for f in (batched, fx.jit(batched), fx.vmap(fx.jit(sets_an_item_of_a_copy), in_axes=(None, 0))):
        np.testing.assert_array_equal(np.asarray(f(_a(x), fnp.asarray(i))), expected)
    nested = fx.vmap(fx.vmap(sets_an_item_of_a_copy, in_axes=(None, 0)), in_axes=(0, None))
    xs = np.stack([x, x + 1])
    expected = np.stack([[sets_an_item_of_a_copy(_a(r), k) for k in i] for r in xs])
    for f in (nested, fx.jit(nested)):
        np.testing.assert_array_equal(np.asarray(f(_a(xs), fnp.asarray(i))), expected)
    loss = lambda v: (batched(v, fnp.asarray(i)) ** 2).sum()  # noqa: E731
    for g in (fx.grad(loss), fx.jit(fx.grad(loss))):
        np.testing.assert_array_equal(np.asarray(g(_a(x))), 2 * x * [1, 2, 1])  # x[k] kept by 1, 2, 1 examples
    # another name of y would see the update in NumPy: using it raises
    with pytest.raises(fx.errors.ConversionError, match=r"took a traced value(.|\n)*an outer transformation"):
        fx.jit(fx.vmap(sets_an_item_of_a_copy_and_returns_its_other_name, in_axes=(None, 0)))(_a(x), fnp.asarray(i))


# item assignments the transformations find only when they run --------------------------------------
def test_item_assignments_in_helpers_reached_through_attributes_parameters_and_containers_differentiate():
    import _convert_programs as P  # (a module attribute: the scan of the loss for assignments cannot follow it)
    stepper, steps = P.Stepper(), [P.running_sums]
    losses = {"attribute": lambda x: fnp.sum(P.running_sums(x) ** 2), "method": lambda x: fnp.sum(stepper.step(x) ** 2),
              "parameter": lambda x, h=P.running_sums: fnp.sum(h(x) ** 2),
              "container": lambda x: fnp.sum(steps[0](x) ** 2)}
    x = np.array([0.5, -1.0, 2.0, 0.25])
    sums = np.cumsum(x)
    want = 2 * np.cumsum(sums[::-1])[::-1]  # d/dx_j of sum_i (x_0 + ... + x_i)**2
    for name, loss in losses.items():
        for grad in (fx.grad(loss), lambda v: fx.jacrev(loss)(v), lambda v: fx.jacfwd(loss)(v),
                     lambda v: fx.value_and_grad(loss)(v)[1], lambda v: fx.vjp(loss, v)[1](fnp.float32(1.0))[0]):
            np.testing.assert_allclose(np.asarray(grad(_a(x))), want, rtol=1e-6, err_msg=name)
        np.testing.assert_allclose(float(fx.jvp(loss, (_a(x),), (_a(np.ones(4)),))[1]), want.sum(), rtol=1e-6)
        np.testing.assert_allclose(np.asarray(fx.jacrev(P.running_sums)(_a(x))), np.tril(np.ones((4, 4))))


# lists and dicts changed in place under a traced condition: their other names see the change --------
def _set_positive(d, x):
    if x < 0:
        d["v"] = -x


def _through_a_helper(x):
    d = {"v": x}
    _set_positive(d, x)
    return d["v"]


def _through_an_alias(x):
    state = {"v": x * 0}
    alias = state
    if x < 0:
        state["v"] = -x
    return alias["v"]


def _counted(counter, x):
    while 0 < x < 10:
        x = x * 2
        counter[0] += 1


def _list_through_a_helper(x):
    counter = [x * 0]
    _counted(counter, x)
    return counter[0]


def _nested_item(x):
    d = {"a": [x * 0, x * 0]}
    inner = d["a"]
    for i in range(3):
        if x > i:
            d["a"][0] = d["a"][0] + 1
    return inner[0] + d["a"][0]


def _rebound_not_changed(x):
    d = {"v": x}
    old = d
    if x < 0:
        d = {"v": -x}  # a new dict: `old` keeps the one it held
    return old["v"] + 2 * d["v"]


@pytest.mark.parametrize("f", [_through_a_helper, _through_an_alias, _list_through_a_helper, _nested_item,
                               _rebound_not_changed])
def test_lists_and_dicts_changed_in_place_are_seen_through_their_other_names(f):
    _check(f, (-3.0,), (2.0,), (0.5,))
    x = fnp.asarray(-1.5, dtype=fnp.float64)
    np.testing.assert_allclose(fx.jit(fx.grad(f))(x), fx.grad(f)(x))
