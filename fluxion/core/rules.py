"""The rule tables, keyed by primitive (see primitive.py)."""
from __future__ import annotations

import weakref

abstract_eval: dict = {}
numpy_kernel: dict = {}
xla_lowering: dict = {}
jvp_rules: dict = {}
transpose_rules: dict = {}
batch_rules: dict = {}
# primitives the eager interpreter runs by a function of their operands (Arrays), not by a
# device's kernel: the move of a traced value between devices (transfer.py)
eager_rules: dict = {}
# primitives with effects (a host callback): program passes never remove, merge, fold or rewrite
# their equations
effectful: set = set()
# the Python functions of calls (custom_jvp, custom_vjp, checkpoint) seen to run such primitives
# when a loop body or branch recorded the call as one equation, which the passes must then keep
effectful_functions: weakref.WeakSet = weakref.WeakSet()
# primitives carrying sub-programs (branches, loop bodies): params -> {param name: ((operand,
# input), ...)}, the operands the equation passes unchanged to those inputs of each of the
# param's programs (closed-over values, a branch's operands; not a loop's carry)
passed_operands: dict = {}
