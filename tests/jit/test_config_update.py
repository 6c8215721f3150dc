"""fx.config.update sets the same switches as assigning them, under their names or jax's."""
import numpy as np
import pytest

import fluxion as fx
import fluxion.numpy as fnp


@pytest.fixture
def restored():
    saved = (fx.config.log_compiles, fx.config.jit_cache_size)
    yield
    fx.config.log_compiles, fx.config.jit_cache_size = saved


@pytest.mark.parametrize("name", ["log_compiles", "jax_log_compiles"])
def test_update_by_name_logs_compiles_as_the_attribute_does(name, restored, capsys):
    fx.config.update(name, True)
    assert fx.config.log_compiles is True
    fx.jit(lambda x: x + 1)(fnp.ones(3))
    assert "compiling" in capsys.readouterr().err
    fx.config.update(name, False)
    fx.jit(lambda x: x + 2)(fnp.ones(3))
    assert "compiling" not in capsys.readouterr().err


def test_update_sets_the_cache_size_and_checks_it(restored):
    fx.config.update("jit_cache_size", 3)
    assert fx.config.jit_cache_size == 3
    for bad in (0, -1, True, 2.5):
        with pytest.raises(fx.errors.InvalidArgumentError, match="positive int"):
            fx.config.update("jit_cache_size", bad)


def test_enable_x64_is_accepted_and_changes_no_dtype_with_a_warning_saying_so():
    with pytest.warns(UserWarning, match="Python floats give float32"):
        fx.config.update("jax_enable_x64", True)
    assert fnp.asarray(1.0).dtype == fnp.float32 and fnp.asarray(1.0, fnp.float64).dtype == fnp.float64
    with pytest.raises(fx.errors.InvalidArgumentError, match="cannot be turned off"):
        fx.config.update("jax_enable_x64", False)


def test_default_matmul_precision_is_accepted_and_products_stay_at_full_precision():
    a = np.random.default_rng(0).standard_normal((64, 64)).astype(np.float32)
    for name in ("bfloat16", "tensorfloat32", "highest", None):
        fx.config.update("jax_default_matmul_precision", name)
        np.testing.assert_allclose(fx.jit(fnp.matmul)(a, a), a.astype(np.float64) @ a, rtol=1e-4, atol=1e-4)
    with pytest.raises(fx.errors.InvalidArgumentError, match="default_matmul_precision must be a name"):
        fx.config.update("jax_default_matmul_precision", 3)


def test_unknown_switch_names_the_known_ones():
    with pytest.raises(fx.errors.InvalidArgumentError, match="log_compiles"):
        fx.config.update("jax_numpy_rank_promotion", "raise")
