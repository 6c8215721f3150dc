"""fx.config.debug_nans / debug_infs and the blocks fx.debug_nans() / fx.debug_infs(): the
operation that makes a NaN or an infinity raises, eagerly, in gradients, under vmap and jit;
values are those of unchecked runs."""
import numpy as np
import pytest

import fluxion as fx
import fluxion.numpy as fnp
from fluxion.errors import FluxionError


def _sqrt_sum(x):
    return fnp.sum(fnp.sqrt(x) * 2.0)


NEG = np.array([1.0, -1.0], np.float32)
POS = np.array([1.0, 4.0], np.float32)


@pytest.mark.parametrize("transform", [lambda f: f, fx.jit, fx.vmap, lambda f: fx.grad(lambda x: f(x).sum())],
                         ids=["eager", "jit", "vmap", "grad"])
def test_the_operation_that_makes_a_nan_raises_with_its_name_and_line(transform):
    f = transform(lambda x: fnp.sqrt(x) * 2.0)
    with fx.debug_nans(), pytest.raises(FloatingPointError, match=r"sqrt: made NaN[\s\S]*test_debug_nans.py"):
        f(fnp.asarray(NEG))
    assert np.isnan(np.asarray(f(fnp.asarray(NEG)))).any()  # unchecked again after the block


def test_the_error_is_a_fluxion_error_that_names_the_fix():
    with fx.debug_nans(), pytest.raises(FluxionError, match="fix: keep the operands in log's domain"):
        fnp.log(fnp.asarray(-1.0))


def test_a_nan_made_in_the_backward_pass_is_found():
    g = fx.grad(lambda x: fnp.sqrt(x) * 0.0)  # d sqrt at 0 is inf, times 0: NaN
    assert np.isnan(float(g(0.0)))
    with fx.debug_nans(), pytest.raises(FloatingPointError, match="(mul|div): made NaN"):
        g(0.0)


def test_nans_passed_in_go_through_without_error():
    x = fnp.asarray([1.0, np.nan])
    with fx.debug_nans():
        assert np.isnan(float(fnp.sum(x * 2.0)))
        assert np.isnan(float(fx.jit(lambda v: fnp.sum(v * 2.0))(x)))
        assert float(fnp.nansum(x)) == 1.0


def test_debug_infs_finds_a_division_by_zero_and_leaves_nans_alone():
    with fx.debug_infs():
        with pytest.raises(FloatingPointError, match="div: made an infinity"):
            fnp.asarray([1.0]) / 0.0
        assert np.isnan(float(fnp.log(fnp.asarray(-1.0))))


def test_a_jitted_function_runs_compiled_until_it_returns_a_nan():
    calls = []

    def f(x):
        calls.append(1)  # once per trace, and once per run operation by operation
        return _sqrt_sum(x)
    jitted = fx.jit(f)
    with fx.debug_nans():
        for _ in range(3):
            assert float(jitted(fnp.asarray(POS))) == float(_sqrt_sum(fnp.asarray(POS)))
        assert len(calls) == 1
        with pytest.raises(FloatingPointError, match="sqrt: made NaN"):
            jitted(fnp.asarray(NEG))
    assert len(calls) == 2
    assert np.isnan(float(jitted(fnp.asarray(NEG))))  # and runs unchecked again


def test_nans_made_from_infinities_bfloat16_and_beside_a_nan_argument_raise():
    inf = fnp.asarray(np.inf)
    with fx.debug_nans(), fx.debug_infs():  # (operands with an infinity still make no NaN of their own)
        for f in (lambda: inf - inf, lambda: fx.jit(lambda x: x * 0.0)(inf)):
            with pytest.raises(FloatingPointError, match="made NaN"):
                f()
    with fx.debug_nans():
        with pytest.raises(FloatingPointError, match="div: made NaN"):
            fnp.zeros(2, dtype=fnp.bfloat16) / fnp.zeros(2, dtype=fnp.bfloat16)
        with pytest.raises(FloatingPointError, match="log: made NaN"):  # (the NaN argument is not log's)
            fx.jit(lambda x, y: (fnp.log(x), y * 2.0))(fnp.asarray(-1.0), fnp.asarray(np.nan))


def test_a_jitted_function_returning_a_nan_of_its_constants_does_not_raise():
    x, c = fnp.asarray([0.5, 2.0]), fnp.asarray([np.nan, 1.0])
    with fx.debug_nans():  # (as eagerly: no operation made the NaN)
        np.testing.assert_array_equal(np.asarray(fx.jit(lambda v: fnp.where(v > 1, v, fnp.nan))(x)), [np.nan, 2.0])
        np.testing.assert_array_equal(np.asarray(fx.jit(lambda v: v + c)(x)), [np.nan, 3.0])


def test_special_functions_whose_unused_branches_overflow_do_not_raise():
    import fluxion.scipy.special as fsp
    import fluxion.scipy.stats as fst
    import scipy.special
    import scipy.stats
    x = np.asarray([1e-3, 0.5, 3.0], np.float32)
    with fx.debug_infs(), fx.debug_nans():
        for ours, theirs in ((fsp.exp1, scipy.special.exp1), (fsp.expi, scipy.special.expi),
                             (lambda v: fsp.expn(2, v), lambda v: scipy.special.expn(2, v)),
                             (lambda v: fst.t.logcdf(-v, 2.0), lambda v: scipy.stats.t.logcdf(-v, 2.0))):
            np.testing.assert_allclose(np.asarray(ours(fnp.asarray(x))), theirs(x.astype(np.float64)), rtol=1e-5)
            fx.grad(lambda v: ours(v).sum())(fnp.asarray(x))


def _programs():
    x = fnp.asarray(np.linspace(0.1, 2.0, 12).reshape(3, 4))
    return [
        lambda: fnp.sum(fnp.sin(x) * x + fnp.exp(-x) / (1.0 + x ** 2), axis=1),
        lambda: fx.grad(lambda v: fnp.sum(fnp.tanh(v @ v.T) * fnp.log1p(v[:, :3])))(x),
        lambda: fx.vmap(lambda r: fnp.sort(r)[::-1] - fnp.mean(r))(x),
        lambda: fx.jit(lambda v: fnp.linalg.norm(v, axis=0) + fnp.max(v))(x),
        lambda: fx.jacfwd(lambda v: fnp.cumsum(fnp.sqrt(v)))(x[0]),
        lambda: fx.random.normal(fx.random.key(3), (5,)),
        lambda: fx.lax.fori_loop(0, 3, lambda i, c: c * 0.5 + fnp.cos(c), x),
    ]


@pytest.mark.parametrize("i", range(len(_programs())))
def test_checked_runs_give_the_values_of_unchecked_ones(i):
    want = _programs()[i]()
    with fx.debug_nans(), fx.debug_infs():
        got = _programs()[i]()
    np.testing.assert_array_equal(np.asarray(got), np.asarray(want))


def test_the_switches_take_attributes_and_jax_names():
    try:
        fx.config.debug_nans = True
        with pytest.raises(FloatingPointError):
            fnp.log(fnp.asarray(-1.0))
        fx.config.update("jax_debug_nans", False)
        assert not fx.config.debug_nans
        assert np.isnan(float(fnp.log(fnp.asarray(-1.0))))
    finally:
        fx.config.debug_nans = False


def test_the_switch_refuses_to_change_inside_a_transformation():
    def f(x):
        fx.config.debug_nans = True
        return x
    with pytest.raises(RuntimeError, match="debug_nans: cannot be switched inside a transformation"):
        fx.grad(f)(1.0)
    assert not fx.config.debug_nans


def test_the_block_entered_inside_a_transformation_is_refused_at_the_users_line():
    def f(x):
        with fx.debug_nans():  # the line the error names
            return fnp.sqrt(x)
    line = f.__code__.co_firstlineno + 1
    with pytest.raises(RuntimeError, match=rf"cannot be switched inside a transformation\s+at .*test_debug_nans.py:{line}"):
        fx.jit(f)(1.0)
    assert not fx.config.debug_nans
