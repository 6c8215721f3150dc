"""Fixtures of the batching tests."""
import pytest


@pytest.fixture
def jax():
    """jax with float64 enabled for the test (restored after)."""
    jax = pytest.importorskip("jax")
    before = jax.config.jax_enable_x64
    jax.config.update("jax_enable_x64", True)
    yield jax
    jax.config.update("jax_enable_x64", before)
