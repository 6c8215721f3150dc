"""The rule tables, keyed by primitive (see primitive.py)."""
from __future__ import annotations

abstract_eval: dict = {}
numpy_kernel: dict = {}
xla_lowering: dict = {}
jvp_rules: dict = {}
transpose_rules: dict = {}
batch_rules: dict = {}
# primitives with effects (a host callback): program passes never remove, merge, fold or rewrite
# their equations
effectful: set = set()
# primitives carrying sub-programs (branches, loop bodies): params -> {param name: ((operand,
# input), ...)}, the operands the equation passes unchanged to those inputs of each of the
# param's programs (closed-over values, a branch's operands; not a loop's carry)
passed_operands: dict = {}
