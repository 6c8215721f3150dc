"""Program passes: dead-code elimination, common-subexpression elimination, constant folding,
rewrites, and `optimize` as fx.jit uses it.

Oracle: the program before the pass. Both are run by `evaluate` (the eager NumPy kernels) on
random inputs and must agree within rounding, with the same output types; the printed
program (its primitives) shows that the pass did what it claims.
"""
import collections

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import fluxion as fx
import fluxion.numpy as fnp
from fluxion.core import dtypes as D
from fluxion.core.array import Array
from fluxion.core.primitive import abstract_eval, numpy_kernel
from fluxion.core.program import Equation, Literal, Program, Var, evaluate
from fluxion.core.types import ArrayType
from fluxion.ops import elementwise as E
from fluxion.ops import shape as S
from fluxion.ops._util import define
from fluxion.ops.sort import sort
from fluxion.transforms.autodiff.call_primitive import CallPrimitive
from fluxion.core.rules import effectful as EFFECTFUL
from fluxion.transforms.passes import cse, dce, fold, optimize, rewrite
from fluxion.transforms.passes.fold import MAX_FOLDED_ELEMENTS

F32 = D.float32


# helpers --------------------------------------------------------------------------------------
def _prims(program: Program) -> collections.Counter:
    """How often each primitive appears, read off the printed program."""
    names = collections.Counter()
    for line in str(program).splitlines()[1:-1]:
        names[line.split(" = ")[1].split("[")[0].split(" ")[0]] += 1
    return names


def _rand(rng, shape, dtype=F32, low=-3.0, high=3.0):
    if np.dtype(dtype).kind in "iu":
        return fnp.asarray(rng.integers(-5, 6, size=shape).astype(dtype))
    return fnp.asarray(rng.uniform(low, high, size=shape).astype(dtype))


def _assert_same(before: Program, after: Program, *args, rtol=1e-5, atol=1e-6):
    """`after` has `before`'s types and computes its values."""
    assert after.in_types == before.in_types and after.out_types == before.out_types
    for x, y, t in zip(evaluate(before, *args), evaluate(after, *args), before.out_types):
        assert (x.shape, x.dtype, x.weak) == (y.shape, y.dtype, y.weak) == (t.shape, t.dtype, t.weak)
        np.testing.assert_allclose(np.asarray(y, dtype=np.float64 if x.dtype.kind in "fV" else None),
                                   np.asarray(x, dtype=np.float64 if x.dtype.kind in "fV" else None),
                                   rtol=rtol, atol=atol)


def _optimized(f, *args, passes=None):
    """The program of `f` on `args` before and after `passes` (all of `optimize` when None)."""
    p = fx.make_program(f)(*args)
    q = optimize(p) if passes is None else optimize(p, passes)
    _assert_same(p, q, *args)
    return p, q


class _Builder:
    """Hand-written programs: `b.eq(prim, *atoms, **params)` appends an equation and returns its output."""

    def __init__(self):
        self.consts, self.inputs, self.equations = [], [], []

    def input(self, shape=(3,), dtype=F32, weak=False) -> Var:
        v = Var(ArrayType(shape, dtype, weak))
        self.inputs.append(v)
        return v

    def const(self, value, dtype=F32, weak=False) -> Var:
        a = Array(np.asarray(value, dtype), weak=weak)
        v = Var(a.aval)
        self.consts.append((v, a))
        return v

    def eq(self, prim, *atoms, **params):
        out = abstract_eval[prim](*[a.aval for a in atoms], **params)
        outs = [Var(t) for t in (out if prim.multiple_results else (out,))]
        self.equations.append(Equation(prim, list(atoms), outs, params))
        return outs if prim.multiple_results else outs[0]

    def program(self, *outputs) -> Program:
        return Program([v for v, _ in self.consts], [c for _, c in self.consts], self.inputs, self.equations,
                       list(outputs))


def _scale_kernel(x, *, factor):
    if isinstance(factor, str):
        raise TypeError("the kernel refuses this factor")
    return x * np.asarray(getattr(factor, "value", factor), x.dtype)


@pytest.fixture
def scale_p():
    """A primitive of the tests, registered while a test runs: scales by `factor`, which may be an array or any object."""
    p = define("test_scale", lambda x, *, factor: x)
    numpy_kernel[p] = _scale_kernel
    yield p
    del abstract_eval[p], numpy_kernel[p]


class _Opaque:
    """An unhashable parameter value."""

    __hash__ = None

    def __init__(self, value):
        self.value = value


@pytest.fixture
def effectful():
    """`sin` treated as effectful while a test runs."""
    EFFECTFUL.add(E.sin_p)
    yield E.sin_p
    EFFECTFUL.discard(E.sin_p)


# dead-code elimination ---------------------------------------------------------------------
def test_dce_drops_unused_equations_and_the_constants_only_they_used(rng):
    def f(x):
        fnp.sin(x) * fnp.asarray([1.0, 2.0, 3.0])  # computed, never used
        return fnp.cos(x) + 1.0
    p, q = _optimized(f, _rand(rng, (3,)), passes=[dce])
    assert _prims(p) == {"sin": 1, "mul": 1, "cos": 1, "add": 1}
    assert _prims(q) == {"cos": 1, "add": 1} and len(q.consts) == 1


def test_dce_keeps_a_multiple_result_equation_when_one_output_is_used(rng):
    x, y = _rand(rng, (5,)), _rand(rng, (5,))
    p, q = _optimized(lambda x, y: sort([x, y], num_keys=1)[1] * 2.0, x, y, passes=[dce])
    assert _prims(q) == _prims(p) == {"sort": 1, "mul": 1}


def test_dce_keeps_inputs_and_outputs_that_are_inputs_or_constants(rng):
    b = _Builder()
    x, unused = b.input(), b.input()
    c = b.const([1.0, 2.0, 3.0])
    b.eq(E.exp_p, x)
    p = b.program(x, c, x)
    q = dce(p)
    assert q.inputs == [x, unused] and q.outputs == [x, c, x] and not q.equations and q.constvars == [c]
    _assert_same(p, q, _rand(rng, (3,)), _rand(rng, (3,)))


def test_dce_returns_the_same_program_when_nothing_is_dead(rng):
    p = fx.make_program(lambda x: fnp.sin(x) * 2.0)(_rand(rng, (3,)))
    assert dce(p) is p


def test_dce_keeps_equations_of_effectful_primitives(effectful, rng):
    def f(x):
        fnp.sin(x)
        return fnp.cos(x)
    _, q = _optimized(f, _rand(rng, (3,)))
    assert _prims(q)["sin"] == 1


# common-subexpression elimination ----------------------------------------------------------
def test_cse_computes_a_repeated_expression_once(rng):
    def f(x, y):
        return fnp.sin(x * y) + fnp.sin(x * y) * fnp.sum(x * y)
    p, q = _optimized(f, _rand(rng, (4,)), _rand(rng, (4,)), passes=[cse, dce])
    assert _prims(p)["mul"] == 4 and _prims(p)["sin"] == 2
    assert _prims(q) == {"mul": 2, "sin": 1, "reduce_sum": 1, "add": 1}


def test_cse_merges_commutative_operations_in_either_order_only(rng):
    def f(x, y):
        return (x + y) * (y + x) + (x - y) * (y - x) + fnp.maximum(x, y) * fnp.maximum(y, x)
    p, q = _optimized(f, _rand(rng, (4,)), _rand(rng, (4,)), passes=[cse, dce])
    assert _prims(p)["add"] - _prims(q)["add"] == 1 and _prims(q)["sub"] == 2 and _prims(q)["max"] == 1


def test_cse_keeps_equations_whose_params_differ(rng):
    x = _rand(rng, (3, 4))
    p, q = _optimized(lambda x: fnp.sum(x, axis=0).sum() + fnp.sum(x, axis=1).sum(), x, passes=[cse, dce])
    assert _prims(q)["reduce_sum"] == _prims(p)["reduce_sum"] == 4


@pytest.mark.parametrize("first, second, merged", [
    (np.array([2.0, 3.0]), np.array([2.0, 3.0]), True),      # arrays compare by value
    (np.array([2.0, 3.0]), np.array([2.0, 4.0]), False),
    (np.array([2.0]), np.array([2.0], np.float64).astype(np.float32), False),  # and by dtype
    ([2.0, 3.0], [2.0, 3.0], True),                          # lists like tuples
    (2, 2.0, False),                                         # 2 and 2.0 are different parameters
    (1, True, False),
    ("same", "same", True),
    (0.0, -0.0, False),                                      # floats by bits
    (np.float32(0.0), np.float32(-0.0), False),
    (complex(0.0, 0.0), complex(0.0, -0.0), False),
])
def test_cse_compares_params_by_value_and_type(first, second, merged, scale_p):
    b = _Builder()
    x = b.input((2,))
    p = b.program(b.eq(scale_p, x, factor=first), b.eq(scale_p, x, factor=second))
    q = dce(cse(p))
    assert len(q.equations) == (1 if merged else 2)
    assert (q.outputs[0] is q.outputs[1]) == merged


def test_cse_never_merges_equations_with_unhashable_params(scale_p, rng):
    b = _Builder()
    x = b.input((2,))
    factor = _Opaque(2.0)
    p = b.program(b.eq(scale_p, x, factor=factor), b.eq(scale_p, x, factor=factor))
    q = dce(cse(p))
    assert len(q.equations) == 2
    _assert_same(p, q, _rand(rng, (2,)))


def test_cse_never_merges_effectful_primitives(effectful, rng):
    _, q = _optimized(lambda x: fnp.sin(x) * fnp.sin(x), _rand(rng, (3,)))
    assert _prims(q)["sin"] == 2


def test_cse_never_merges_calls_that_carry_functions():
    call_p = CallPrimitive("test_call", lambda x, fun: (fun(x),), ("fun",))
    x, y, z = (Var(ArrayType((3,), F32)) for _ in range(3))
    p = Program([], [], [x], [Equation(call_p, [x], [y], {"fun": fnp.sin}), Equation(call_p, [x], [z], {"fun": fnp.sin})],
                [y, z])
    assert len(cse(p).equations) == 2


def test_cse_merges_bitwise_equal_constants_of_one_type_only(rng):
    b = _Builder()
    x = b.input((2,))
    c1, c2, c3 = b.const([0.5, np.nan]), b.const([0.5, np.nan]), b.const([0.5, np.nan], weak=True)
    z1, z2 = b.const(0.0), b.const(-0.0)
    outs = [b.eq(E.mul_p, x, c) for c in (c1, c2)] + [b.eq(E.add_p, x, c3)] + [b.eq(E.add_p, x, z) for z in (z1, z2)]
    p = b.program(*outs)
    q = dce(cse(p))
    assert len(q.consts) == 4 and len(q.equations) == 4
    _assert_same(p, q, _rand(rng, (2,)))


# constant folding ------------------------------------------------------------------------------
def test_fold_evaluates_equations_on_constants_and_keeps_the_rest(rng):
    b = _Builder()
    x = b.input((3,))
    c = b.const([0.5, 1.0, 2.0])
    d = b.eq(E.exp_p, b.eq(E.log_p, c))  # a chain folds in one pass
    p = b.program(b.eq(E.mul_p, x, b.eq(E.add_p, d, c)))
    q = fold(p)
    assert _prims(q) == {"mul": 1}
    _assert_same(p, dce(q), _rand(rng, (3,)))


def test_fold_keeps_the_exact_type_of_literals_and_results(rng):
    b = _Builder()
    x = b.input((2,), D.bfloat16)
    c = b.const([1.5, -2.0], D.bfloat16)
    two = Literal(np.asarray(2.0, D.bfloat16), ArrayType((), D.bfloat16, weak=True))
    y = b.eq(E.mul_p, c, two)
    p = b.program(b.eq(E.add_p, x, y), y)
    q = dce(fold(p))
    assert _prims(q) == {"add": 1} and q.outputs[1] in q.constvars
    assert q.consts[q.constvars.index(q.outputs[1])].dtype == D.bfloat16
    _assert_same(p, q, _rand(rng, (2,), D.bfloat16))


def test_fold_evaluates_equations_without_inputs(rng):
    b = _Builder()
    x = b.input((4,), D.int32)
    p = b.program(b.eq(E.add_p, x, b.eq(S.iota_p, dtype=D.int32, shape=(4,), dimension=0)))
    q = dce(fold(p))
    assert _prims(q) == {"add": 1}
    _assert_same(p, q, _rand(rng, (4,), D.int32))


def test_fold_does_not_grow_small_constants_into_large_ones(rng):
    side = int(np.sqrt(MAX_FOLDED_ELEMENTS)) + 1
    b = _Builder()
    x = b.input((side, side))
    big = b.const(rng.normal(size=(side, side)))
    wide = b.eq(S.broadcast_in_dim_p, b.const(2.0), shape=(side, side), broadcast_dimensions=())
    p = b.program(b.eq(E.mul_p, x, wide), b.eq(E.mul_p, x, b.eq(S.transpose_p, big, permutation=(1, 0))))
    q = dce(fold(p))
    assert _prims(q) == {"broadcast_in_dim": 1, "mul": 2}  # the broadcast stays, the transpose of a constant folds
    _assert_same(p, q, _rand(rng, (side, side)))
    assert _prims(dce(fold(p, max_elements=side * side))) == {"mul": 2}


def test_fold_leaves_an_equation_the_kernel_refuses_to_the_compiler(scale_p):
    b = _Builder()
    x = b.input((2,))
    p = b.program(b.eq(E.add_p, x, b.eq(scale_p, b.const([1.0, 2.0]), factor="refused")))
    assert fold(p) is p


def test_fold_skips_effectful_primitives(effectful, rng):
    b = _Builder()
    x = b.input((2,))
    p = b.program(b.eq(E.add_p, x, b.eq(E.sin_p, b.const([1.0, 2.0]))))
    assert fold(p) is p


def test_fold_result_is_what_eager_computes_and_warns_nothing(rng):
    b = _Builder()
    x = b.input((3,))
    p = b.program(b.eq(E.add_p, x, b.eq(E.log_p, b.const([0.0, -1.0, 1.0]))))
    with np.errstate(all="raise"):
        q = dce(fold(p))
    assert not _prims(q)["log"]
    (value,) = q.consts
    assert np.isneginf(value._value[0]) and np.isnan(value._value[1]) and value._value[2] == 0


# rewrites -----------------------------------------------------------------------------------
@pytest.mark.parametrize("f", [
    lambda x: fnp.log(1 + fnp.exp(x)),
    lambda x: fnp.log(fnp.exp(x) + 1.0),
    lambda x: fnp.log1p(fnp.exp(x)),
], ids=["log(1+exp)", "log(exp+1)", "log1p(exp)"])
@pytest.mark.parametrize("dtype", [F32, D.float64])
def test_softplus_is_rewritten_stably(f, dtype, rng):
    x = _rand(rng, (4, 3), dtype, -20, 20)
    p, q = _optimized(f, x)
    assert _prims(q) == {"abs": 1, "neg": 1, "exp": 1, "log1p": 1, "max": 1, "add": 1}
    big = fnp.asarray(np.array([-1e4, -100.0, 0.0, 100.0, 1e4, np.inf, -np.inf, np.nan], dtype))
    (out,) = evaluate(q, big)
    with np.errstate(invalid="ignore"):
        expected = np.logaddexp(0, np.asarray(big, np.float64))
    np.testing.assert_allclose(np.asarray(out, np.float64), expected, rtol=1e-6, atol=1e-37)  # subnormals
    assert np.isinf(np.asarray(evaluate(p, big)[0])[4])  # the original overflows


def test_softplus_rewrite_reaches_a_fixed_point(rng):
    x = _rand(rng, (3,))
    p = fx.make_program(lambda x: fnp.log1p(fnp.exp(-fnp.abs(x))) + fnp.log(1 + fnp.exp(x)))(x)
    q = optimize(p)
    assert optimize(q) is q
    # the already stable term is left as it is; the other, made stable, is the same computation
    assert _prims(q)["log1p"] == 1 and _prims(q)["exp"] == 1 and "log" not in _prims(q)
    _assert_same(p, q, x)


def test_softplus_is_not_rewritten_where_the_type_would_change(rng):
    x = _rand(rng, (3,))
    p, q = _optimized(lambda x: fnp.log(fnp.ones((2, 3)) + fnp.exp(x)), x)  # the 1 broadcasts x
    assert _prims(q) == _prims(p)


@pytest.mark.parametrize("shape, axis", [((4, 5), 1), ((4, 5), 0), ((2, 3, 4), (0, 2)), ((3,), None), ((3, 0), 1)])
@pytest.mark.parametrize("dtype", [F32, D.float64])
@pytest.mark.parametrize("keepdims", [False, True])
def test_logsumexp_is_rewritten_with_a_max_shift(shape, axis, dtype, keepdims, rng):
    x = _rand(rng, shape, dtype, -5, 5)
    _, q = _optimized(lambda x: fnp.log(fnp.sum(fnp.exp(x), axis=axis, keepdims=keepdims)), x)
    assert _prims(q)["reduce_max"] == 1 and _prims(q)["exp"] == 1


def test_logsumexp_rewrite_handles_huge_and_infinite_rows():
    rows = np.array([[1000.0, 1000.0, 999.0], [-1000.0, -1001.0, -1002.0], [-np.inf, -np.inf, -np.inf],
                     [np.inf, 0.0, 1.0], [np.nan, 0.0, 1.0]], np.float32)
    p = fx.make_program(lambda x: fnp.log(fnp.sum(fnp.exp(x), axis=1)))(fnp.asarray(rows))
    (out,) = evaluate(optimize(p), fnp.asarray(rows))
    with np.errstate(all="ignore"):
        expected = np.logaddexp.reduce(rows.astype(np.float64), axis=1)
    np.testing.assert_allclose(np.asarray(out, np.float64), expected, rtol=1e-6)


def test_logsumexp_already_shifted_is_left_alone(rng):
    x = _rand(rng, (4, 5))

    def shifted(x):
        m = fnp.max(x, axis=1, keepdims=True)
        return fnp.log(fnp.sum(fnp.exp(x - m), axis=1)) + m[:, 0]
    p, q = _optimized(shifted, x)
    assert _prims(q) == _prims(p)
    r = optimize(fx.make_program(lambda x: fnp.log(fnp.sum(fnp.exp(x), axis=1)))(x))
    assert optimize(r) is r


@given(st.sampled_from([(), (3,), (2, 3), (2, 0)]), st.sampled_from([F32, D.float64]), st.integers(0, 2**31))
def test_stable_rewrites_match_the_original_on_moderate_inputs(shape, dtype, seed):
    rng = np.random.default_rng(seed)
    x = _rand(rng, shape, dtype, -8, 8)
    _optimized(lambda x: fnp.log(1 + fnp.exp(x)) + fnp.log(fnp.sum(fnp.exp(x))), x)


@pytest.mark.parametrize("make", [fnp.exp, fnp.abs, lambda y: y * y, lambda y: fnp.sqrt(y) + fnp.exp(y),
                                  lambda y: fnp.maximum(y, 0.0), lambda y: fnp.negative(fnp.negative(fnp.square(y)))],
                         ids=["exp", "abs", "y*y", "sqrt+exp", "max(y,0)", "--square"])
def test_exp_of_log_of_a_provably_nonnegative_value_is_that_value(make, rng):
    y = _rand(rng, (6,))
    _, q = _optimized(lambda y: fnp.exp(fnp.log(make(y))), y)
    assert _prims(q)["log"] == 0


def test_exp_of_log_keeps_the_values_of_minus_zero_and_of_maxima_over_no_elements():
    # exp(log(-0.0)) is +0.0, and the maximum over no elements is -inf, whose log is NaN
    for f, x in [(lambda y: fnp.exp(fnp.log(fnp.sqrt(y))), np.array([-0.0, 0.0, 4.0], np.float32)),
                 (lambda y: fnp.exp(fnp.log(fnp.max(fnp.exp(y), axis=1, initial=-np.inf))), np.zeros((2, 0))),
                 (lambda y: fnp.exp(fnp.log(-fnp.min(-fnp.abs(y), axis=0, initial=np.inf))), np.zeros((0, 3)))]:
        p, q = _optimized(f, x)
        want = np.asarray(evaluate(p, fnp.asarray(x))[0])
        got = np.asarray(evaluate(q, fnp.asarray(x))[0])
        np.testing.assert_array_equal(got, want)
        np.testing.assert_array_equal(np.signbit(got), np.signbit(want))
        np.testing.assert_array_equal(np.asarray(fx.jit(f)(x)), want)


@pytest.mark.parametrize("make", [lambda y: y, lambda y: y - 1.0, lambda y: fnp.exp(y) - fnp.abs(y), fnp.sin],
                         ids=["input", "y-1", "exp-abs", "sin"])
def test_exp_of_log_is_kept_where_the_value_may_be_negative(make, rng):
    y = _rand(rng, (6,))
    _, q = _optimized(lambda y: fnp.exp(fnp.log(make(y))), y)
    assert _prims(q)["log"] == 1 and _prims(q)["exp"] >= 1


_IDENTITIES = {"x*1": lambda x: x * 1, "1*x": lambda x: 1 * x, "x/1": lambda x: x / 1, "x+0": lambda x: x + 0,
               "0+x": lambda x: 0 + x, "x-0": lambda x: x - 0, "x*ones": lambda x: x * fnp.ones(4, x.dtype),
               "--x": lambda x: fnp.negative(fnp.negative(x))}


@pytest.mark.parametrize("name, dtype", [(n, dt) for n in _IDENTITIES for dt in (F32, D.float64, D.int32)
                                         if (n, dt) != ("x/1", D.int32)])  # x / 1 of integers divides as floats
def test_identities_are_removed(name, dtype, rng):
    f = _IDENTITIES[name]
    x = _rand(rng, (4,), dtype)
    p, q = _optimized(lambda x: fnp.sin(f(x).astype(F32)), x)
    assert sum(_prims(q).values()) == sum(_prims(p).values()) - (2 if name == "--x" else 1)


@pytest.mark.parametrize("f", [lambda x: 0.0 - x, lambda x: 1.0 / x, lambda x: x * 2.0, lambda x: x * fnp.ones((2, 4))],
                         ids=["0-x", "1/x", "x*2", "x*ones that broadcast"])
def test_non_identities_are_kept(f, rng):
    x = _rand(rng, (4,))
    p, q = _optimized(f, x)
    assert _prims(q) == _prims(p)


def test_identities_keep_weak_and_complex_types(rng):
    b = _Builder()
    weak = b.input((3,), weak=True)
    z = b.input((3,), D.complex64)
    strong_one, complex_one = b.const(1.0), b.const(1.0, D.complex64)
    p = b.program(b.eq(E.mul_p, weak, strong_one), b.eq(E.mul_p, z, complex_one), b.eq(E.add_p, weak, b.const(0.0, weak=True)))
    q = dce(rewrite(p))
    assert _prims(q) == {"mul": 2}  # weak * strong is strong, and inf * (1 + 0j) is not inf
    zs = fnp.asarray(np.array([1 + 2j, np.inf + 1j, 3j], np.complex64))
    _assert_same(p, q, Array(np.ones(3, np.float32), weak=True), zs)


@pytest.mark.parametrize("shape, first, second", [((3, 4), (1, 0), (1, 0)), ((2, 3, 4), (1, 2, 0), (2, 0, 1)),
                                                  ((2, 3, 4), (1, 0, 2), (0, 2, 1))])
def test_double_transposes_compose(shape, first, second, rng):
    x = _rand(rng, shape)
    _, q = _optimized(lambda x: fnp.sin(fnp.permute_dims(fnp.permute_dims(x, first), second)), x)
    composed = tuple(first[i] for i in second)
    identity = composed == tuple(range(len(shape)))
    assert _prims(q)["transpose"] == (0 if identity else 1)
    if not identity:
        assert f"permutation={composed}" in str(q)


def test_chains_of_transposes_collapse_in_one_pass(rng):
    x = _rand(rng, (2, 3, 4))
    p = fx.make_program(lambda x: fnp.permute_dims(fnp.permute_dims(fnp.permute_dims(x, (1, 2, 0)), (1, 2, 0)),
                                                   (1, 2, 0)) + 1)(x)
    q = dce(rewrite(p))
    assert _prims(q) == {"add": 1}
    _assert_same(p, q, x)


@pytest.mark.parametrize("dtype", [F32, D.int64, D.complex64])
def test_squares_become_products(dtype, rng):
    x = _rand(rng, (5,), dtype) if dtype != D.complex64 else fnp.asarray((rng.normal(size=5) + 1j).astype(dtype))
    _, q = _optimized(lambda x: x ** 2 + E.pow_p.bind(x, fnp.asarray(np.asarray(2, dtype))) + x ** 1 + x ** 3, x)
    assert _prims(q)["mul"] == 1 and "pow" not in _prims(q) and _prims(q)["integer_pow"] == 1  # x**3 stays


def _triangular(rng, shape, dtype=F32, lower=True):
    a = rng.uniform(-1, 1, shape) + (rng.uniform(-1, 1, shape) * 1j if np.dtype(dtype).kind == "c" else 0)
    a = a + 4 * np.eye(shape[-1])  # well conditioned: the rewritten solve agrees to rounding
    return fnp.asarray((np.tril(a) if lower else np.triu(a)).astype(dtype))


@pytest.mark.parametrize("dtype", [F32, D.complex64])
@pytest.mark.parametrize("transpose_a, conjugate_a", [(False, False), (True, False), (False, True), (True, True)])
@pytest.mark.parametrize("left_side, lower", [(True, True), (False, False)])
def test_solve_with_a_transposed_matrix_reads_the_matrix_with_op_transposed(dtype, transpose_a, conjugate_a,
                                                                            left_side, lower, rng):
    a = _triangular(rng, (2, 5, 5), dtype, lower=not lower)  # transposed, its triangle is `lower`'s
    b = fnp.asarray(rng.uniform(-1, 1, (2, 5, 3) if left_side else (2, 3, 5)).astype(dtype))

    def f(a, b):
        return fx.lax.linalg.triangular_solve(fnp.swapaxes(a, -1, -2), b, left_side=left_side, lower=lower,
                                              transpose_a=transpose_a, conjugate_a=conjugate_a)
    p, q = _optimized(f, a, b)
    assert _prims(p)["transpose"] == 1 and "transpose" not in _prims(q)
    assert f"transpose_a={not transpose_a}" in str(q) and f"lower={not lower}" in str(q)


def test_solve_with_a_transpose_of_batch_axes_is_left_alone(rng):
    a = _triangular(rng, (3, 3, 3))
    p, q = _optimized(lambda a, b: fx.lax.linalg.triangular_solve(fnp.permute_dims(a, (1, 0, 2)), b, left_side=True,
                                                                  lower=True), a, _rand(rng, (3, 3, 2)))
    assert _prims(q)["transpose"] == 1


def test_solves_of_a_value_and_its_negation_become_one(rng):
    a, b = _triangular(rng, (6, 6)), _rand(rng, (6, 2))
    solve = lambda c: fx.lax.linalg.triangular_solve(a, c, left_side=True, lower=True)  # noqa: E731
    p, q = _optimized(lambda b: (solve(b), solve(-b) * 2), b)
    assert _prims(p)["triangular_solve"] == 2 and _prims(q)["triangular_solve"] == 1
    np.testing.assert_array_equal(evaluate(q, b)[1], -2 * np.asarray(evaluate(p, b)[0]))  # exactly: signs only


def test_gradient_of_a_gaussian_process_likelihood_solves_once_per_right_hand_side_without_transposes(rng):
    def nlml(theta, x, y):
        k = fnp.exp(-fnp.sum((x[:, None] - x[None]) ** 2, -1) / fnp.exp(theta[0])) + fnp.exp(theta[1]) * fnp.eye(40)
        chol = fx.scipy.linalg.cholesky(k, lower=True)
        alpha = fx.scipy.linalg.solve_triangular(chol.T, fx.scipy.linalg.solve_triangular(chol, y, lower=True))
        return y @ alpha / 2 + fnp.sum(fnp.log(fnp.diagonal(chol)))
    args = fnp.asarray(np.array([0.5, -2.0], np.float32)), _rand(rng, (40, 2)), _rand(rng, (40,))
    p, q = _optimized(fx.value_and_grad(nlml), *args)
    assert _prims(q)["triangular_solve"] == _prims(p)["triangular_solve"] - 1  # the solves of y / 2 and -y / 2 merged
    assert _prims(q)["transpose"] == _prims(p)["transpose"] - 1  # no transposed factor
    np.testing.assert_allclose(fx.jit(fx.grad(nlml))(*args), fx.grad(nlml)(*args), rtol=2e-3, atol=1e-3)


def test_gradient_of_split_parts_is_one_concatenation_not_a_sum_of_pads(rng):
    x = _rand(rng, (3, 8))

    def f(x):
        parts = fnp.split(x, 4, axis=1)
        return sum(((k + 1) * fnp.sin(part)).sum() for k, part in enumerate(parts))
    p, q = _optimized(fx.grad(f), x)
    assert _prims(p)["pad"] == 4 and "pad" not in _prims(q) and _prims(q)["concatenate"] == 3
    np.testing.assert_allclose(fx.jit(fx.grad(f))(x), np.cos(x) * np.repeat(np.arange(1.0, 5.0), 2), rtol=1e-6)


def _padded_sum(first, second, value=0.0):
    """pad(x) + pad(y) along axis 1, `first` and `second` the (lo, hi) of each, both padded by one row."""
    def f(x, y):
        pad = lambda a, lo_hi: S.pad(a, fnp.asarray(value, F32), ((1, 1, 0), (*lo_hi, 0)))  # noqa: E731
        return pad(x, first) + pad(y, second)
    return f


@pytest.mark.parametrize("first, second", [((0, 3), (2, 0)), ((3, 0), (0, 2)), ((1, 4), (3, 1))])
def test_zero_pads_of_blocks_that_meet_become_one_padded_concatenation(first, second, rng):
    x, y = _rand(rng, (2, 2)), _rand(rng, (2, 3))
    _, q = _optimized(_padded_sum(first, second), x, y)
    assert _prims(q)["concatenate"] == 1 and _prims(q)["pad"] == 1 and "add" not in _prims(q)


@pytest.mark.parametrize("zeros", [(-0.0, 0.0), (0.0, -0.0), (-0.0, -0.0)])
def test_pads_of_signed_zeros_that_meet_pad_with_their_sum_as_eager_does(zeros, rng):
    def f(x, y):
        return S.pad(x, fnp.asarray(zeros[0], F32), ((1, 2, 0),)) + S.pad(y, fnp.asarray(zeros[1], F32), ((3, 0, 0),))
    x, y = _rand(rng, (2,)), _rand(rng, (2,))
    assert _prims(_optimized(f, x, y)[1])["concatenate"] == 1
    np.testing.assert_array_equal(np.signbit(fx.jit(f)(x, y)), np.signbit(f(x, y)))


def test_zero_pads_added_with_broadcasting_stay_a_sum(rng):
    x, y = _rand(rng, (1, 2)), _rand(rng, (3, 3))
    f = lambda x, y: S.pad(x, fnp.asarray(0.0, F32), ((0, 0, 0), (0, 3, 0))) + \
        S.pad(y, fnp.asarray(0.0, F32), ((0, 0, 0), (2, 0, 0)))  # noqa: E731  (shapes (1, 5) and (3, 5))
    _, q = _optimized(f, x, y)
    assert _prims(q)["pad"] == 2 and "concatenate" not in _prims(q)


@pytest.mark.parametrize("first, second, value", [((0, 3), (1, 1), 0.0),  # the blocks overlap
                                                  ((0, 4), (3, 0), 0.0),  # a gap between them
                                                  ((0, 3), (2, 0), 1.0)])  # padded with ones
def test_pads_that_overlap_leave_a_gap_or_pad_with_nonzeros_stay_a_sum(first, second, value, rng):
    x, y = _rand(rng, (2, 2)), _rand(rng, (2, 3))
    _, q = _optimized(_padded_sum(first, second, value), x, y)
    assert _prims(q)["pad"] == 2 and _prims(q)["add"] == 1 and "concatenate" not in _prims(q)


# optimize on real programs -------------------------------------------------------------------------
def _mlp_step():
    def mlp(params, x):
        for w, b in params[:-1]:
            x = fnp.tanh(x @ w + b)
        w, b = params[-1]
        return x @ w + b

    def loss(params, x, y):
        return fnp.mean((mlp(params, x) - y) ** 2)

    def step(params, x, y):
        grads = fx.grad(loss)(params, x, y)
        return fx.tree.map(lambda p, g: p - 0.1 * g, params, grads)

    rng = np.random.default_rng(1)
    params = [(_rand(rng, (4, 8)), _rand(rng, (8,))), (_rand(rng, (8, 8)), _rand(rng, (8,))),
              (_rand(rng, (8, 2)), _rand(rng, (2,)))]
    return step, (params, _rand(rng, (5, 4)), _rand(rng, (5, 2)))


def test_optimize_shrinks_an_mlp_training_step_and_keeps_its_values():
    step, args = _mlp_step()
    p = fx.make_program(step)(*args)
    q = optimize(p)
    _assert_same(p, q, *fx.tree.leaves(args))
    assert len(q.equations) < len(p.equations) and len(q.consts) < len(p.consts)
    assert "integer_pow" not in _prims(q)  # the loss value is not returned, so its square is dead
    assert optimize(q) is q


def test_optimize_runs_the_given_passes_at_most_max_rounds(rng):
    x = _rand(rng, (3,))
    p = fx.make_program(lambda x: fnp.log(1 + fnp.exp(x)) * 1.0)(x)
    assert optimize(p, passes=()) is p
    once = optimize(p, passes=[rewrite], max_rounds=1)
    assert _prims(once) == {"exp": 2, "add": 2, "abs": 1, "neg": 1, "log1p": 1, "max": 1}  # x * 1 is gone,
    _assert_same(p, once, x)  # and what the log was made from is left for dce
    assert _prims(optimize(p)) == {"exp": 1, "add": 1, "abs": 1, "neg": 1, "log1p": 1, "max": 1}


def test_optimize_of_the_gradient_of_logsumexp_and_softplus(rng):
    x = _rand(rng, (3, 4))
    f = fx.grad(lambda x: fnp.sum(fnp.log(fnp.sum(fnp.exp(x), axis=1)) + fnp.log(1 + fnp.exp(x)).sum()))
    p, q = _optimized(f, x)
    assert len(q.equations) <= len(p.equations)


# fx.jit compiles the optimized program ----------------------------------------------------------------------
def test_jit_lowers_the_optimized_program():
    def f(x):
        return fnp.log(1 + fnp.exp(x)) * 1.0 + fnp.log(fnp.sum(fnp.exp(x), axis=-1, keepdims=True))
    x = fnp.asarray(np.array([[-100.0, 0.0, 100.0], [1.0, 2.0, 3.0]], np.float32))
    jitted = fx.jit(f)
    assert _prims(jitted.lower(x).program) == _prims(optimize(fx.make_program(f)(x)))
    out = np.asarray(jitted(x))
    assert np.all(np.isfinite(out))  # eager overflows to inf at 100; the compiled program does not
    np.testing.assert_allclose(out, np.asarray(f(x.astype(D.float64))), rtol=1e-5)


def test_jit_of_an_mlp_training_step_matches_eager():
    step, args = _mlp_step()
    for a, b in zip(fx.tree.leaves(fx.jit(step)(*args)), fx.tree.leaves(step(*args))):
        np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-5, atol=1e-6)
