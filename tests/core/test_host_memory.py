"""The eager backend asks glibc's malloc to keep freed memory (fluxion/backends/numpy/memory.py)."""
import platform

import pytest

from fluxion.backends.numpy.memory import keep_freed_memory


@pytest.mark.skipif(platform.system() != "Linux" or platform.libc_ver()[0] != "glibc", reason="glibc only")
def test_malloc_keeps_freed_memory_on_glibc():
    assert keep_freed_memory() is True


def test_the_environment_can_leave_malloc_as_it_is(monkeypatch):
    monkeypatch.setenv("FLUXION_KEEP_FREED_MEMORY", "0")
    assert keep_freed_memory() is False
