"""Host memory for the eager kernels.

Eager arrays are NumPy's, allocated by the C library's malloc. glibc's malloc serves large
blocks with fresh pages from the system and gives them back when they are freed, so every
large intermediate array pays a page fault per 4 KiB page (the system zeroes each page at its
first touch): on arrays of a few MiB that costs more than the arithmetic (elementwise kernels
of the GMM benchmark ran 3-4x slower inside a program than alone). As the caching allocators
of other array libraries do, fluxion asks malloc to keep freed memory for reuse: blocks up to
`_LARGEST` come from the heap, and the heap keeps up to `_KEPT` free before it shrinks. This
holds for the whole process; FLUXION_KEEP_FREED_MEMORY=0 in the environment leaves malloc as
it is.
"""
from __future__ import annotations

import ctypes
import os

_LARGEST = 64 << 20
_KEPT = 512 << 20
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3  # glibc's malloc.h


def keep_freed_memory() -> bool:
    """Ask glibc's malloc to keep freed memory; whether it could (False elsewhere: other C
    libraries, other systems)."""
    if os.environ.get("FLUXION_KEEP_FREED_MEMORY", "1") == "0":
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt  # the C library the interpreter runs on
    except (OSError, AttributeError):
        return False
    return bool(mallopt(_M_MMAP_THRESHOLD, _LARGEST) and mallopt(_M_TRIM_THRESHOLD, _KEPT))
