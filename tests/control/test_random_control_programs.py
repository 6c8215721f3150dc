"""Random programs with Python control flow (see _random_control_programs.py), each checked
against itself run eagerly, where no conversion happens: jit and vmap against eager values (a
vmap whose examples take different branches and trip counts), eager grad against central finite
differences, jit(grad) and jit(vmap(grad)) against eager grads."""
import numpy as np
import pytest

import fluxion as fx
import fluxion.numpy as fnp
from _random_control_programs import load, program

SEEDS = (2, 4, 7, 10)
LONG_SEED = 2


def _a(v):
    return fnp.asarray(v, dtype=fnp.float64)


def _fd(f, x, eps):
    """Central finite differences of scalar f at vector x."""
    return np.array([(float(f(_a(x + e))) - float(f(_a(x - e)))) / (2 * eps) for e in np.eye(len(x)) * eps])


def _smooth_fd(f, x):
    """Finite differences at x, or None where two step sizes disagree (x is near a branch's edge)."""
    g, coarse = _fd(f, x, 1e-6), _fd(f, x, 1e-5)
    return g if np.allclose(g, coarse, rtol=1e-4, atol=1e-6) else None


@pytest.fixture(scope="module")
def directory(tmp_path_factory):
    return str(tmp_path_factory.mktemp("random_programs"))


@pytest.mark.parametrize("seed", SEEDS)
def test_random_program_under_jit_vmap_and_grad_matches_eager_python(seed, directory):
    f = load(program(seed), directory, f"program_{seed}")
    xs = np.random.default_rng(seed).normal(size=(3, 3)) * 1.2
    values = np.array([float(f(_a(x))) for x in xs])
    grads = np.stack([np.asarray(fx.grad(f)(_a(x))) for x in xs])
    jitted, jitted_grad = fx.jit(f), fx.jit(fx.grad(f))
    for x, v, g in zip(xs, values, grads):
        np.testing.assert_allclose(float(jitted(_a(x))), v, rtol=1e-6, atol=1e-9)
        np.testing.assert_allclose(np.asarray(jitted_grad(_a(x))), g, rtol=1e-6, atol=1e-9)
        fd = _smooth_fd(f, x)
        if fd is not None:
            np.testing.assert_allclose(g, fd, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(np.asarray(fx.vmap(f)(_a(xs))), values, rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(np.asarray(fx.jit(fx.vmap(fx.grad(f)))(_a(xs))), grads, rtol=1e-6, atol=1e-9)


def test_random_program_with_a_long_while_loop_differentiates_under_jit_as_eagerly(directory):
    """Thousands of passes: the taped loop thins its tape, and the sweep recomputes the states it dropped."""
    f = load(program(LONG_SEED, long_loop=True), directory, f"program_long_{LONG_SEED}")
    x = np.random.default_rng(LONG_SEED).normal(size=3) * 1.2
    np.testing.assert_allclose(np.asarray(fx.jit(fx.grad(f))(_a(x))), np.asarray(fx.grad(f)(_a(x))),
                               rtol=1e-6, atol=1e-9)


def test_the_generator_writes_the_same_program_for_a_seed_and_different_ones_for_others():
    assert program(5) == program(5)
    assert len({program(s) for s in range(8)}) == 8
