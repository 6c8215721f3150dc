"""Common user mistakes: each raises the built-in class NumPy or jax raises for it (so `except`
clauses work), naming the problem, the user's line and the fix, never an error from fluxion's
internals or a silent result."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest

import fluxion as fx
import fluxion.numpy as fnp


def _raises(builtin, call, *words):
    """The message of the FluxionError (also a `builtin`) that `call` raises; it names this file's
    line and each of `words`."""
    with pytest.raises(builtin) as info:
        call()
    assert isinstance(info.value, fx.errors.FluxionError), type(info.value).__mro__
    message = str(info.value)
    assert f"at {__file__}:" in message and "\n  fix: " in message, message
    for word in words:
        assert word in message, (word, message)
    return message


@pytest.mark.parametrize("transform", ["grad", "value_and_grad", "jacfwd", "jacrev", "hessian", "vmap", "jit",
                                       "checkpoint", "make_program"])
def test_transforming_something_that_is_not_a_function_names_the_fix(transform):
    _raises(TypeError, lambda: getattr(fx, transform)(3), f"{transform}: expects a function, got int 3",
            f"fx.{transform}(f), not fx.{transform}(f(x))")
    if transform != "checkpoint":  # jax's checkpoint fails only when called
        with pytest.raises(TypeError):
            getattr(jax, transform if transform != "make_program" else "jit")(3)


def test_jvp_with_primals_not_in_a_tuple_says_to_wrap_them():
    x = fnp.ones(3)
    _raises(TypeError, lambda: fx.jvp(fnp.sin, x, x), "primals must be a tuple or list", "fx.jvp(f, (x,), (t,))")
    with pytest.raises(TypeError):
        jax.jvp(jnp.sin, jnp.ones(3), jnp.ones(3))


@pytest.mark.parametrize("argnums", ["x", 1.0, (0, "y")])
def test_grad_with_argnums_that_are_not_ints_names_them(argnums):
    _raises(TypeError, lambda: fx.grad(lambda x: x * 2, argnums=argnums), "argnums must be an int")


def test_grad_with_empty_argnums_says_there_is_nothing_to_differentiate():
    _raises(ValueError, lambda: fx.grad(lambda x: x * 2, argnums=()), "argnums is empty")
    with pytest.raises(ValueError):
        jax.grad(lambda x: x * 2, argnums=())(1.0)


def test_grad_of_an_argument_passed_by_keyword_says_to_pass_it_positionally():
    _raises(ValueError, lambda: fx.grad(lambda x: x * 2)(x=1.0), "out of range for 0 positional arguments",
            "(x) are not differentiated", "f(x) rather than f(x=x)")
    with pytest.raises(TypeError):
        jax.grad(lambda x: x * 2)(x=1.0)


def test_grad_of_a_string_argument_names_the_argument():
    _raises(TypeError, lambda: fx.grad(lambda x, s: x)("a", 1.0), "argument 0 has a leaf of type str")


def test_jit_with_donate_argnums_out_of_range_is_refused_as_in_jax():
    _raises(ValueError, lambda: fx.jit(lambda x: x, donate_argnums=3),
            "donate_argnums names position 3, but the function takes 1 positional argument", "0 (x)")
    with pytest.raises(ValueError):
        jax.jit(lambda x: x, donate_argnums=3)(1.0)


def test_checkpoint_with_static_argnums_out_of_range_is_refused_as_in_jax():
    f = fx.checkpoint(fnp.sin, static_argnums=(2,))
    _raises(ValueError, lambda: fx.grad(f)(1.0), "static_argnums names position 2, but the call passes 1")
    _raises(ValueError, lambda: f(1.0), "static_argnums names position 2")  # eagerly too
    with pytest.raises(ValueError):
        jax.grad(jax.checkpoint(jnp.sin, static_argnums=(2,)))(1.0)


def test_jit_of_a_function_returning_a_string_names_the_value():
    _raises(TypeError, lambda: fx.jit(lambda x: (x, "done"))(fnp.ones(2)),
            "jit: the function returned a str ('done'), which is not an array")
    _raises(TypeError, lambda: fx.jit(lambda x: x)(object()), "argument `x` is an object, which is not an array")
    with pytest.raises(TypeError):
        jax.jit(lambda x: (x, "done"))(jnp.ones(2))


def test_a_string_field_of_a_dataclass_under_vmap_or_jit_names_the_field_and_register_dataclass():
    import dataclasses

    @dataclasses.dataclass
    class Config:
        scale: object
        name: str

    _raises(TypeError, lambda: fx.vmap(lambda c: c.scale * 2)(Config(fnp.ones(3), "a")),
            "vmap: argument `c.name` is a str, which is not an array", "in_axes=None", "register_dataclass",
            "`name` in its meta_fields")
    _raises(TypeError, lambda: fx.jit(lambda c: c.scale * 2)(Config(fnp.ones(3), "a")),
            "jit: argument `c.name` is a str", "register_dataclass")
    _raises(TypeError, lambda: fx.vmap(lambda x, y: x)(fnp.ones(3), object()), "argument `y` is an object")


@pytest.mark.parametrize("value, where", [
    ([[1, 2], [3]], "the sequences x[i] have lengths 1, 2"),
    ([[1, 2], 3], "the elements x[i] mix sequences and scalars"),
    ([[[1], [2]], [[1], [2, 3]]], "the sequences x[i][j] have lengths 1, 2"),
])
def test_ragged_nested_lists_say_where_they_are_ragged(value, where):
    _raises(ValueError, lambda: fnp.asarray(value), "conversion to an array: the nested sequences are ragged", where,
            "pad the short ones")
    with pytest.raises(ValueError):
        np.asarray(value)


def test_a_ragged_list_of_arrays_given_to_a_function_is_a_shape_error():
    _raises(ValueError, lambda: fnp.mean([fnp.ones(3), fnp.ones(2)]), "have lengths 2, 3")


@pytest.mark.parametrize("call", [lambda: fnp.asarray(["1", "2"]), lambda: fnp.sin("a")])
def test_strings_where_numbers_belong_name_the_users_line(call):
    _raises(TypeError, call, "cannot make an array of dtype <U1", "pass numbers")


def test_an_int_too_large_for_int64_names_the_users_line():
    _raises(OverflowError, lambda: fnp.asarray([2 ** 70]), "does not fit in int64")


@pytest.mark.parametrize("call", [lambda: fnp.asarray([1, 2], dtype="flot32"), lambda: fnp.ones(2).astype("foo")])
def test_a_misspelt_dtype_names_the_users_line(call):
    _raises(TypeError, call, "is not a dtype", "fluxion.numpy.float32")


@pytest.mark.parametrize("call, builtin, words", [
    (lambda: len(fnp.asarray(1.0)), TypeError, "len(): a 0-d array has no length"),
    (lambda: list(fnp.asarray(1.0)), TypeError, "iteration: a 0-d array has no elements"),
    (lambda: bool(fnp.ones(2)), ValueError, "bool(): the truth value of an array of shape (2,) is ambiguous"),
    (lambda: float(fnp.ones(2)), TypeError, "float(): needs a 0-d array, got shape (2,)"),
])
def test_python_conversions_of_arrays_name_the_users_line(call, builtin, words):
    _raises(builtin, call, words)


@pytest.mark.parametrize("call, op", [
    (lambda: fnp.reshape(fnp.arange(6.0), (2.0, 3)), "reshape: shape must be integers, got (2.0, 3)"),
    (lambda: fnp.tile(fnp.ones(2), 1.5), "tile: reps must be integers"),
    (lambda: fnp.roll(fnp.ones(2), 0.5, axis=0), "roll: shift must be integers"),
])
def test_float_sizes_name_the_function(call, op):
    _raises(TypeError, call, op)
    with pytest.raises(TypeError):
        np.reshape(np.arange(6.0), (2.0, 3))


def test_a_traced_size_still_names_the_argument_to_make_static():
    _raises(TypeError, lambda: fx.jit(lambda x, n: x.reshape(n, -1))(fnp.ones(4), 2), "`n`",
            "static_argnums=(1,)")


@pytest.mark.parametrize("a, b, where", [
    ({"a": 1, "b": 2}, {"a": 1, "c": 2}, "at the root: {'a': *, 'b': *} vs {'a': *, 'c': *}"),
    ({"w": (1, 2)}, {"w": (1, 2, 3)}, "at ['w']: tuple(*, *) vs tuple(*, *, *)"),
    ([1, 2], (1, 2), "at the root: list(*, *) vs tuple(*, *)"),
])
def test_tree_map_over_mismatched_trees_says_where_they_differ(a, b, where):
    _raises(ValueError, lambda: fx.tree.map(lambda x, y: x, a, b), "tree.map: structures differ", where)
    with pytest.raises(ValueError):
        jax.tree.map(lambda x, y: x, a, b)


def test_tree_unflatten_with_the_wrong_number_of_leaves_names_the_structure():
    _raises(ValueError, lambda: fx.tree.unflatten(fx.tree.structure((1, 2)), [1]),
            "tree.unflatten: the structure tuple(*, *) has 2 leaves, got 1")


def test_integer_only_functions_say_an_integer():
    _raises(TypeError, lambda: fnp.gcd(4.0, 2.0), "to an integer dtype")


def test_vmap_with_a_dict_for_in_axes_says_it_takes_a_tuple():
    _raises(TypeError, lambda: fx.vmap(lambda x: x, in_axes={"x": 0}), "in_axes is a dict",
            "in_axes=({'w': None, 'x': 0},)")
    with pytest.raises(TypeError):
        jax.vmap(lambda x: x, in_axes={"x": 0})(x=jnp.ones(3))


@pytest.mark.parametrize("transform", [fx.jit, fx.vmap])
def test_an_if_on_a_traced_value_in_code_without_source_says_why_it_is_not_converted(transform):
    namespace = {}
    exec(compile("def f(x):\n    return x if x.sum() > 0 else -x\n", "<typed in>", "exec"), namespace)
    with pytest.raises(fx.errors.ConcretizationError) as info:
        transform(namespace["f"])(fnp.ones((2, 3)))
    message = str(info.value)
    assert "at <typed in>:2" in message and "which <typed in> is not: define the function in a file" in message, message
    with pytest.raises(fx.errors.ConcretizationError) as info:  # code with a source is converted; float() still needs a value
        fx.jit(lambda x: float(x.sum()))(fnp.ones(3))
    assert "define the function" not in str(info.value)


@pytest.mark.parametrize("make", [lambda: fnp.zeros(2, fnp.uint8).at[0].set(-1.5),
                                  lambda: fnp.zeros(2, fnp.int32).at[0].set(1e20),
                                  lambda: fnp.full(2, 300.0, dtype=fnp.uint8),
                                  lambda: fnp.asarray(-129.5, dtype=fnp.int8)])
def test_a_python_float_out_of_an_integer_dtypes_range_names_the_range(make):
    _raises(OverflowError, make, "conversion to an array: Python float", "does not fit in", "range", "clip it first")


@pytest.mark.parametrize("call", [lambda: fnp.bitwise_and(fnp.ones(2, fnp.int8), fnp.ones(2, fnp.uint64)),
                                  lambda: fnp.gcd(np.int64(3), fnp.ones(2, fnp.uint64)),
                                  lambda: fnp.ones(2, fnp.int64) << fnp.ones(2, fnp.uint64)])
def test_integers_that_promote_to_a_float_say_so(call):
    _raises(fx.errors.DTypeError, call, "operands of dtypes", "uint64 promote to float64", "one integer dtype")
