"""Identities that mean something to a pass.

`optimization_barrier`: the identity on its operands, which program passes and XLA may not
look through. Rematerialization puts it on the inputs of a recomputation, so the recomputed
values are not merged back with the forward pass's (which would keep them alive again).

`checkpoint_name`: the identity on one array, carrying a name that checkpoint policies read
(`checkpoint_policies.save_only_these_names` and the like).

`device_put` (core/transfer.py): the identity on one array, moving it to another device."""
from __future__ import annotations

from ..core.primitive import batch_rules, jvp_rules, transpose_rules
from ..core.transfer import device_put_p
from ._ad import Zero, deflinear
from ._util import define

optimization_barrier_p = define("optimization_barrier", lambda *avals: tuple(avals), multiple_results=True)


def optimization_barrier(values: list) -> list:
    return list(optimization_barrier_p.bind(*values)) if values else []


def _jvp(primals, tangents):
    # two barriers: one over tangents and primals would make reverse mode stage the primals too
    it = iter(optimization_barrier([t for t in tangents if t.__class__ is not Zero]))
    return optimization_barrier(list(primals)), [t if t.__class__ is Zero else next(it) for t in tangents]


jvp_rules[optimization_barrier_p] = _jvp
transpose_rules[optimization_barrier_p] = lambda cts, *args: list(cts)
batch_rules[optimization_barrier_p] = lambda args, dims: (optimization_barrier(list(args)), dims)

checkpoint_name_p = define("checkpoint_name", lambda aval, *, name: aval)
# the tangent is not named: a policy saving the name saves the primal value, as in jax
jvp_rules[checkpoint_name_p] = lambda primals, tangents, *, name: (checkpoint_name_p.bind(*primals, name=name),
                                                                    tangents[0])
transpose_rules[checkpoint_name_p] = lambda ct, x, *, name: [ct]
batch_rules[checkpoint_name_p] = lambda args, dims, *, name: (checkpoint_name_p.bind(*args, name=name), dims[0])

# the move of a traced value between devices (core/transfer.py): linear, its cotangent moving back
deflinear(device_put_p, lambda ct, x, *, device, src: [device_put_p.bind(ct, device=src, src=device)])
batch_rules[device_put_p] = lambda args, dims, **params: (device_put_p.bind(*args, **params), dims[0])
