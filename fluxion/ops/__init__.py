"""The primitive set, one module per family; each primitive sits with its abstract evaluation."""
from . import barrier, conv, elementwise, fft, indexing, linalg, reduce, shape, sort  # noqa: F401
from . import (conv_rules, elementwise_rules, fft_rules, indexing_rules, linalg_rules, reduce_rules,  # noqa: F401
               shape_rules, sort_rules)
