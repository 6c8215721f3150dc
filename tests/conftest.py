import os
import pathlib
import sys

# The tests compile with XLA's backend (LLVM) optimizations off: they check what programs compute,
# not how fast it runs, and compile in about half the time (XLA's own passes still run). Set
# XLA_FLAGS to test otherwise.
os.environ.setdefault("XLA_FLAGS", "--xla_backend_optimization_level=0")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from hypothesis import HealthCheck, settings

# shared test helpers (e.g. `from _tracing import traced`) live beside the tests
for _dir in ("numpy", "transforms", "jit", "batching", "control", "random", "lax"):
    sys.path.insert(0, str(pathlib.Path(__file__).parent / _dir))

settings.register_profile("ci", max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("thorough", max_examples=500, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))


@pytest.fixture
def rng():
    return np.random.default_rng(0)


@pytest.fixture
def jax():
    """jax with float64 enabled for the test (restored after)."""
    jax = pytest.importorskip("jax")
    before = jax.config.jax_enable_x64
    jax.config.update("jax_enable_x64", True)
    yield jax
    jax.config.update("jax_enable_x64", before)
