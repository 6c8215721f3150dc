import pytest


@pytest.fixture(scope="session")
def jlax():
    """jax.lax, the oracle, with float64 enabled."""
    jax = pytest.importorskip("jax")
    jax.config.update("jax_enable_x64", True)
    return jax.lax
