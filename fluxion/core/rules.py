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
