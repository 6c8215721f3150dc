"""The primitive set, one module per family; each primitive sits with its abstract evaluation."""
from . import (barrier, collectives, conv, elementwise, fft, indexing, linalg, linalg_schur, reduce, shape,  # noqa: F401
               sort, threefry)
from . import (conv_rules, elementwise_rules, fft_rules, indexing_rules, linalg_rules, linalg_schur_rules,  # noqa: F401
               reduce_rules, shape_rules, sort_rules)
