"""Derivatives of random programs (drawn by `_jax_random_programs.draw`) against jax's.

Each program is written once over a namespace and run by fluxion and by jax (64-bit). At its
first input set, fluxion's value, fx.jit value, fx.grad of <w, f>, fx.jit of that gradient,
fx.grad of fx.jit, fx.jacfwd, fx.jacrev, fx.jvp, fx.vjp and (for small programs) fx.hessian
must match jax's; fx.vmap of the gradient over all input sets must match a Python loop of
eager gradients. Programs mix elementwise math, special functions, broadcasting, reductions,
contractions, shape changes, indexing and updates, linear algebra and control flow (fx.cond,
fx.switch, fx.fori_loop, fx.scan, fx.while_loop with a data-dependent trip count, and Python
`if` / `while` / `for` on values, which fx.jit and fx.vmap convert). The same programs in float32
must give float32 results within float32 tolerance of jax's.
"""
import functools

import pytest

from _jax_oracle import jax_x64
from _jax_random_programs import CHECKS, check, draw, in_float32, jax_references

SEEDS = tuple(range(9))
CONTROL_SEEDS = tuple(range(1000, 1004))  # programs with control flow in most steps


@functools.lru_cache(maxsize=None)
def _program(seed):
    return draw(seed, control=0.6 if seed in CONTROL_SEEDS else 0.12)


def _small(program):
    """Whether the program is small enough for its Hessian to be compared."""
    return sum(x.size for x in program.inputs[0]) <= 16 and len(program.steps) <= 8


@functools.lru_cache(maxsize=None)
def _references(seed):
    program = _program(seed)
    return jax_references(program, jax_x64(), hessian=_small(program))


def _cases() -> list:
    return [pytest.param(seed, name, id=f"{seed}-{name}") for seed in SEEDS + CONTROL_SEEDS for name in CHECKS
            if name != "hessian" or _small(_program(seed))]


@pytest.mark.parametrize("seed, name", _cases())
def test_random_program_derivatives_match_jax(seed, name):
    check(_program(seed), name, _references(seed))


FLOAT32_SEEDS = (0, 3, 8, 9, 1000, 1001)
FLOAT32_CHECKS = ("value", "grad", "jit_grad", "jvp", "vjp", "vmap_grad")


@functools.lru_cache(maxsize=None)
def _float32_references(seed):
    return jax_references(in_float32(_program(seed)), jax_x64(), hessian=False)


@pytest.mark.parametrize("seed, name", [pytest.param(seed, name, id=f"{seed}-{name}")
                                        for seed in FLOAT32_SEEDS for name in FLOAT32_CHECKS])
def test_random_program_in_float32_stays_float32_and_matches_jax(seed, name):
    check(in_float32(_program(seed)), name, _float32_references(seed), rtol=2e-3)
