"""jax's keywords on fluxion.numpy and fluxion.lax functions, against jax: the `size` /
`fill_value` of the set and selection functions (eager, under jit and vmap), hints that do not
change the result, `take_along_axis(wrap_negative_indices=)`, `polymul(trim_leading_zeros=)`,
index dtypes, the ufuncs' `where=None`, `lax.cond/switch(operand=)` and lax's `accuracy`."""
import numpy as np
import pytest

import fluxion as fx
import fluxion.numpy as fnp
from fluxion import lax
from fluxion.core.errors import ConcretizationError, FluxionError

A = np.array([5, 1, 3, 3, 7, 1])
B = np.array([3, 4, 5, 9])
EMPTY = np.array([], dtype=np.int64)
PAIRS = [(A, B), (B, A), (EMPTY, B), (A, EMPTY), (EMPTY, EMPTY), (A.reshape(2, 3), B[:2])]


def same(out, expected) -> None:
    """`out` (a fluxion array or tuple of them) equals jax's `expected` in shape and values."""
    if isinstance(expected, tuple):
        assert len(out) == len(expected)
        for o, e in zip(out, expected):
            same(o, e)
        return
    got, want = np.asarray(out), np.asarray(expected)
    assert got.shape == want.shape, (got, want)
    np.testing.assert_array_equal(got, want)


# size= and fill_value= ------------------------------------------------------------------------
def padded(values: np.ndarray, size: int, fill_value, smallest: bool) -> np.ndarray:
    """jax's sized result: the first `size` values, then `fill_value`, by default the smallest
    value (when `smallest`, and there is one) or 0."""
    if fill_value is None:
        fill_value = values.min() if smallest and values.size else 0
    return np.concatenate([values[:size], np.full(max(size - values.size, 0), fill_value, values.dtype)])


SMALLEST = {"intersect1d": True, "setdiff1d": False, "setxor1d": True}


@pytest.mark.parametrize("name", ["intersect1d", "setdiff1d", "setxor1d"])
def test_sized_set_functions_pad_or_cut_numpy_values_as_jax_does(jax, name):
    for x, y, size, fill_value in [(A, B, 6, None), (EMPTY, B, 3, None)]:  # the rule, checked on jax
        same(getattr(jax.numpy, name)(x, y, size=size, fill_value=fill_value),
             padded(getattr(np, name)(x, y), size, fill_value, SMALLEST[name]))
    for x, y in PAIRS:
        for size in (0, 1, 2, 6, 12):
            for fill_value in (None, -1):
                same(getattr(fnp, name)(fnp.asarray(x), fnp.asarray(y), size=size, fill_value=fill_value),
                     padded(getattr(np, name)(x, y), size, fill_value, SMALLEST[name]))


def test_sized_intersect1d_indices_match_jax(jax):
    for x, y, size in [(A, B, 4), (B, A, 1)]:
        expected = jax.numpy.intersect1d(x, y, return_indices=True, size=size)
        same(fnp.intersect1d(fnp.asarray(x), fnp.asarray(y), return_indices=True, size=size), expected)


@pytest.mark.parametrize("name", ["intersect1d", "setdiff1d", "setxor1d"])
def test_sized_set_functions_under_jit_and_vmap_match_eager_and_a_loop(name):
    f = getattr(fnp, name)
    x, y = fnp.asarray(A), fnp.asarray(B)
    same(fx.jit(lambda a, b: f(a, b, size=5))(x, y), f(x, y, size=5))
    xs = fnp.asarray(np.stack([A, A[::-1] + 1, A * 0]))
    same(fx.vmap(lambda a: f(a, y, size=4, fill_value=-2))(xs),
         np.stack([np.asarray(f(fnp.asarray(a), y, size=4, fill_value=-2)) for a in np.asarray(xs)]))


@pytest.mark.parametrize("name", ["intersect1d", "setdiff1d", "setxor1d"])
def test_sized_set_functions_hold_the_unsized_values_first(name):
    x, y = np.array([2.5, np.nan, -1.0, 2.5, np.nan, 0.0]), np.array([0.0, np.nan, 4.0])
    f = getattr(fnp, name)
    full = np.asarray(f(fnp.asarray(x), fnp.asarray(y)))
    np.testing.assert_array_equal(np.asarray(f(fnp.asarray(x), fnp.asarray(y), size=len(full))), full)
    np.testing.assert_array_equal(full, getattr(np, name)(x, y))


def test_sized_setdiff1d_gradient_reaches_the_first_occurrences():
    x = np.array([5.0, 1.0, 3.0, 3.0, 7.0, 1.0])
    g = fx.grad(lambda v: fnp.sum(fnp.setdiff1d(v, fnp.asarray([3.0]), size=3) * fnp.asarray([1.0, 2.0, 3.0])))
    np.testing.assert_array_equal(np.asarray(g(fnp.asarray(x))), [2.0, 1.0, 0.0, 0.0, 3.0, 0.0])


@pytest.mark.parametrize("size,fill_value", [(3, None), (1, -7)])
def test_sized_compress_and_extract_match_jax(jax, size, fill_value):
    cond = np.array([1, 0, 1, 1, 0])
    x = np.arange(15).reshape(5, 3)
    jfill = 0 if fill_value is None else fill_value
    same(fnp.compress(fnp.asarray(cond), fnp.asarray(x), axis=0, size=size, fill_value=fill_value),
         jax.numpy.compress(cond, x, axis=0, size=size, fill_value=jfill))
    same(fnp.compress(fnp.asarray(cond[:3]), fnp.asarray(x), axis=1, size=min(size, 3), fill_value=fill_value),
         jax.numpy.compress(cond[:3], x, axis=1, size=min(size, 3), fill_value=jfill))
    same(fnp.extract(fnp.asarray(x % 4 == 1), fnp.asarray(x), size=size, fill_value=fill_value),
         jax.numpy.extract(x % 4 == 1, x, size=size, fill_value=jfill))


def test_sized_compress_traces_a_condition_under_jit_and_vmap():
    x = fnp.arange(5.0) * 10
    f = fx.jit(lambda c: fnp.compress(c, x, size=4, fill_value=-1.0))
    same(f(fnp.asarray([0, 1, 1, 0, 1])), [10.0, 20.0, 40.0, -1.0])
    conds = np.array([[1, 0, 0, 0, 0], [1, 1, 1, 1, 1]])
    same(fx.vmap(lambda c: fnp.extract(c, x, size=2))(fnp.asarray(conds)),
         np.stack([np.asarray(fnp.extract(fnp.asarray(c), x, size=2)) for c in conds]))


def test_sized_compress_refuses_a_size_past_the_axis_as_jax_does(jax):
    with pytest.raises(ValueError):
        jax.numpy.compress(np.array([1, 0]), np.arange(2), size=3)
    with pytest.raises(FluxionError, match="pass size <= 2"):
        fnp.compress(fnp.asarray([1, 0]), fnp.arange(2), size=3)
    with pytest.raises(FluxionError, match="needs size="):
        fnp.extract(fnp.asarray([1, 0]), fnp.arange(2), fill_value=3)
    with pytest.raises(FluxionError, match="size must be an int"):
        fnp.setdiff1d(fnp.arange(2), fnp.arange(1), size=2.0)


@pytest.mark.parametrize("size", [2, 8])
def test_sized_mask_indices_match_jax_eagerly_and_under_jit(jax, size):
    expected = jax.numpy.mask_indices(4, jax.numpy.triu, 1, size=size)
    same(fnp.mask_indices(4, fnp.triu, 1, size=size), expected)
    same(fx.jit(lambda: fnp.mask_indices(4, fnp.triu, 1, size=size))(), expected)


# hints -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("method", ["auto", "compare_all", "binary_search", "sort"])
def test_isin_method_matches_jax(jax, method):
    x, t = np.array([1.0, np.nan, 3.0, 4.0]), np.array([4.0, 1.0, np.nan])
    same(fnp.isin(fnp.asarray(x), fnp.asarray(t), method=method), jax.numpy.isin(x, t, method=method))


@pytest.mark.parametrize("method", ["scan", "scan_unrolled", "sort", "compare_all"])
def test_searchsorted_and_digitize_method_match_jax(jax, method):
    a, v = np.array([1.0, 2.0, 2.0, 5.0]), np.array([0.0, 2.0, 3.0, 9.0, np.nan])
    same(fnp.searchsorted(fnp.asarray(a), fnp.asarray(v), side="right", method=method),
         jax.numpy.searchsorted(a, v, side="right", method=method))
    same(fnp.digitize(fnp.asarray(v), fnp.asarray(a[::-1]), right=True, method=method),
         jax.numpy.digitize(v, a[::-1], right=True, method=method))


def test_unknown_search_methods_are_refused_naming_the_choices():
    with pytest.raises(FluxionError, match="'compare_all'"):
        fnp.isin(fnp.arange(3), fnp.arange(2), method="table")
    with pytest.raises(FluxionError, match="'scan_unrolled'"):
        fnp.searchsorted(fnp.arange(3), 1, method="binary")
    with pytest.raises(FluxionError, match="'scan_unrolled'"):
        fnp.digitize(fnp.arange(3), fnp.arange(2), method="binary")
    with pytest.raises(FluxionError, match="unroll"):
        fnp.polyval(fnp.arange(3), 2.0, unroll="all")


def test_take_and_polyval_hints_match_jax(jax):
    x, i = np.arange(6.0) * 10, np.array([3, 1, 1])
    same(fnp.take(fnp.asarray(x), fnp.asarray(i), unique_indices=True, indices_are_sorted=True),
         jax.numpy.take(x, i, unique_indices=True, indices_are_sorted=True))
    p = np.array([1.0, -2.0, 0.5])
    for unroll in (1, 16, True):
        same(fnp.polyval(fnp.asarray(p), fnp.asarray(x), unroll=unroll), jax.numpy.polyval(p, x, unroll=unroll))


def test_traced_out_of_bounds_indices_of_take_read_the_fill_value_as_in_jax(jax):
    i = np.array([0, 3, 12, -1, -13])
    for x in (np.arange(10.0), np.arange(10) * 3):
        expected = jax.numpy.take(x, i)
        same(fx.jit(fnp.take)(fnp.asarray(x), fnp.asarray(i)), expected)
        same(fx.vmap(lambda j: fnp.take(fnp.asarray(x), j))(fnp.asarray(i)), expected)
        with pytest.raises(IndexError, match="index 12 is out of bounds"):  # concrete ones are checked
            fnp.take(fnp.asarray(x), fnp.asarray(i))
    y, k = np.arange(12.0).reshape(3, 4), np.array([[0, 5], [1, -1], [3, 4]])
    same(fx.jit(lambda a, j: fnp.take_along_axis(a, j, axis=1))(fnp.asarray(y), fnp.asarray(k)),
         jax.numpy.take_along_axis(y, k, axis=1))


@pytest.mark.parametrize("obj", [[4, 1], [-1, 0], [7]])
def test_delete_of_distinct_traced_indices_matches_jax(jax, obj):
    x = np.arange(6) * 10
    i = np.array(obj, dtype=np.int64)
    expected = jax.numpy.delete(x, i, assume_unique_indices=True)
    same(fx.jit(lambda j: fnp.delete(fnp.asarray(x), j, assume_unique_indices=True))(fnp.asarray(i)), expected)
    x2 = x.reshape(2, 3)
    same(fx.jit(lambda j: fnp.delete(fnp.asarray(x2), j, axis=1, assume_unique_indices=True))(fnp.asarray(i[:1])),
         jax.numpy.delete(x2, i[:1], axis=1, assume_unique_indices=True))


def test_delete_of_traced_indices_without_the_promise_names_it():
    with pytest.raises(ConcretizationError, match="assume_unique_indices=True"):
        fx.jit(lambda j: fnp.delete(fnp.arange(4), j))(fnp.asarray([1]))


# meanings ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("mode,fill_value", [("clip", None), ("fill", None), ("fill", -7)])
@pytest.mark.parametrize("wrap", [True, False])
def test_take_along_axis_wrap_negative_indices_matches_jax(jax, mode, fill_value, wrap):
    i = np.array([[-1, 2], [0, -3]])
    for x in (np.arange(6).reshape(2, 3) * 10, np.arange(6.0).reshape(2, 3)):
        expected = jax.numpy.take_along_axis(x, i, axis=1, mode=mode, fill_value=fill_value,
                                             wrap_negative_indices=wrap)
        kw = dict(axis=1, mode=mode, fill_value=fill_value, wrap_negative_indices=wrap)
        same(fnp.take_along_axis(fnp.asarray(x), fnp.asarray(i), **kw), expected)
        same(fx.jit(lambda a, j: fnp.take_along_axis(a, j, **kw))(fnp.asarray(x), fnp.asarray(i)), expected)


def test_take_along_axis_refuses_an_unwrapped_negative_index_without_a_mode():
    with pytest.raises(IndexError, match="wrap_negative_indices=True"):
        fnp.take_along_axis(fnp.arange(3), fnp.asarray([-1]), axis=0, wrap_negative_indices=False)


@pytest.mark.parametrize("trim", [True, False])
def test_polymul_trim_leading_zeros_matches_jax(jax, trim):
    for a, b in [([0.0, 1.0, 2.0], [0.0, 3.0]), ([0.0, 0.0], [0.0, 3.0]), ([0.0], [2.0]), ([], [1.0, 2.0])]:
        same(fnp.polymul(fnp.asarray(a), fnp.asarray(b), trim_leading_zeros=trim),
             jax.numpy.polymul(np.array(a), np.array(b), trim_leading_zeros=trim))
    g = fx.jit(lambda a: fnp.polymul(a, fnp.asarray([0.0, 3.0]), trim_leading_zeros=False))
    same(g(fnp.asarray([0.0, 1.0])), jax.numpy.polymul(np.array([0.0, 1.0]), np.array([0.0, 3.0])))
    with pytest.raises(ConcretizationError, match="trim_leading_zeros=False"):
        fx.jit(lambda a: fnp.polymul(a, a, trim_leading_zeros=True))(fnp.asarray([0.0, 1.0]))


@pytest.mark.parametrize("dtype", ["int8", "int16", "uint8", "float32"])
def test_argsort_dtype_matches_jax(jax, dtype):
    x = np.arange(300)[::-1] % 7
    for descending in (False, True):
        out = fnp.argsort(fnp.asarray(x), descending=descending, dtype=dtype)
        expected = jax.numpy.argsort(x, descending=descending, dtype=dtype)
        assert out.dtype == expected.dtype
        same(out, expected)
    with pytest.raises(TypeError, match="integer dtype"):
        fnp.argsort(fnp.asarray(x), dtype=bool)


@pytest.mark.parametrize("dtype", ["int16", "uint8", "int64"])
def test_ravel_multi_index_dtype_matches_jax(jax, dtype):
    idx, dims = (np.array([1, 2, 0]), np.array([0, 3, 2])), (3, 4)
    out = fnp.ravel_multi_index(tuple(fnp.asarray(i) for i in idx), dims, dtype=dtype)
    expected = jax.numpy.ravel_multi_index(idx, dims, dtype=dtype)
    assert out.dtype == expected.dtype
    same(out, expected)


def test_ravel_multi_index_refuses_a_dtype_too_narrow_or_not_integer(jax):
    idx = (fnp.asarray([1]), fnp.asarray([0]))
    with pytest.raises(ValueError):
        jax.numpy.ravel_multi_index((np.array([1]), np.array([0])), (300, 4), dtype="int8")
    with pytest.raises(ValueError, match="wider integer dtype"):
        fnp.ravel_multi_index(idx, (300, 4), dtype="int8")
    with pytest.raises(FluxionError, match="integer dtype"):
        fnp.ravel_multi_index(idx, (3, 4), dtype="float32")


# where= of the ufuncs ----------------------------------------------------------------------------
UFUNCS = ["add", "multiply", "subtract", "maximum", "minimum", "logaddexp", "logaddexp2", "logical_and",
          "logical_or", "logical_xor", "bitwise_and", "bitwise_or", "bitwise_xor"]


@pytest.mark.parametrize("name", UFUNCS + ["negative"])
def test_ufunc_where_none_matches_jax_and_a_mask_is_refused_as_in_jax(jax, name):
    x = np.array([3, 0, 5]) if name.startswith("bitwise") else np.array([0.5, -1.0, 2.0])
    args = (x,) if name == "negative" else (x, x[::-1])
    np.testing.assert_allclose(np.asarray(getattr(fnp, name)(*map(fnp.asarray, args), where=None)),
                               getattr(jax.numpy, name)(*args, where=None), rtol=1e-14, atol=1e-15)
    with pytest.raises(NotImplementedError):
        getattr(jax.numpy, name)(*args, where=x > 0)
    with pytest.raises(NotImplementedError, match="fnp.where"):
        getattr(fnp, name)(*map(fnp.asarray, args), where=fnp.asarray(x > 0))


# fluxion.lax ---------------------------------------------------------------------------------------
def test_lax_cond_and_switch_take_operand_as_jax_does(jax):
    x = np.array([1.0, 2.0])
    for pred in (True, False):
        same(lax.cond(pred, lambda v: v + 1, lambda v: v * 3, operand=fnp.asarray(x)),
             jax.lax.cond(pred, lambda v: v + 1, lambda v: v * 3, operand=x))
    branches = [lambda v: v - 1, lambda v: v * 2, lambda v: -v]
    jbranches = [lambda v: v - 1, lambda v: v * 2, lambda v: -v]
    for i in (-1, 1, 5):
        same(fx.jit(lambda k, v: lax.switch(k, branches, operand=v))(i, fnp.asarray(x)),
             jax.lax.switch(i, jbranches, operand=x))
    preds = np.array([True, False])
    same(fx.vmap(lambda p, v: lax.cond(p, lambda u: u + 1, lambda u: u * 3, operand=v))(fnp.asarray(preds),
                                                                                      fnp.asarray(x)),
         jax.vmap(lambda p, v: jax.lax.cond(p, lambda u: u + 1, lambda u: u * 3, operand=v))(preds, x))
    with pytest.raises(TypeError):
        jax.lax.cond(True, lambda v: v, lambda v: v, x, operand=x)
    with pytest.raises(TypeError, match="only operand="):
        lax.cond(True, lambda v: v, lambda v: v, fnp.asarray(x), operand=fnp.asarray(x))


ACCURATE = ["cos", "sin", "tan", "tanh", "exp", "exp2", "expm1", "log", "log1p", "logistic", "sqrt", "rsqrt", "cbrt"]


def test_lax_accuracy_requests_do_not_change_the_result_as_in_jax_on_cpu(jax):
    x = np.array([0.25, 0.5, 1.5])
    for mode in ("HIGHEST", "DEFAULT"):  # jax: the request changes nothing on a CPU
        np.testing.assert_array_equal(jax.lax.cos(x, accuracy=getattr(jax.lax.AccuracyMode, mode)), jax.lax.cos(x))
    for name in ACCURATE:
        expected = getattr(jax.lax, name)(x)
        for accuracy in (None, lax.AccuracyMode.HIGHEST, lax.AccuracyMode.DEFAULT, lax.Tolerance(atol=1e-3)):
            np.testing.assert_allclose(np.asarray(getattr(lax, name)(fnp.asarray(x), accuracy=accuracy)), expected,
                                       rtol=1e-13)
        with pytest.raises(TypeError, match="lax.Tolerance"):
            getattr(lax, name)(fnp.asarray(x), accuracy="highest")
