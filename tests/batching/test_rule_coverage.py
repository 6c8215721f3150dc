"""Every primitive that takes operands has a batching rule.

A primitive without operands (iota) never sees a batched value, so vmap passes it to the
interpreter below. Primitives staged only inside linear programs (`staged` CallPrimitives:
custom_lin, remat_lin, while_lin) are transposed there and never evaluated, so vmap never meets
them.
"""
import inspect

import numpy as np
from _loop import check_vmap

import fluxion.control  # noqa: F401  (fills the rule tables with the control-flow primitives)
import fluxion.numpy as fnp
from fluxion.core.rules import abstract_eval, batch_rules


def _takes_operands(p) -> bool:
    params = inspect.signature(abstract_eval[p]).parameters.values()
    return any(q.kind in (q.POSITIONAL_ONLY, q.POSITIONAL_OR_KEYWORD, q.VAR_POSITIONAL) for q in params)


def _ours(p) -> bool:
    """Defined by fluxion (tests define primitives of their own)."""
    return abstract_eval[p].__module__.startswith("fluxion")


def test_every_primitive_with_operands_has_a_batching_rule():
    missing = sorted(p.name for p in abstract_eval if _takes_operands(p) and not getattr(p, "staged", False)
                     and _ours(p) and p not in batch_rules)
    assert missing == []


def test_a_primitive_without_operands_needs_no_rule_under_vmap():
    xs = np.arange(12.0).reshape(4, 3)
    check_vmap(lambda x: x * fnp.arange(3.0) + fnp.eye(3)[1], xs)
