"""The primitive set, one module per family; each primitive sits with its abstract evaluation."""
from . import conv, elementwise, fft, indexing, linalg, reduce, shape, sort  # noqa: F401
from . import elementwise_rules  # noqa: F401
