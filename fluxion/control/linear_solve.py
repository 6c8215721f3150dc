"""`linear_solve`: rhs -> A^{-1} rhs as a call linear in its right-hand side, for solves that
are differentiated implicitly (fluxion.scipy.sparse's iterative solves, fluxion.lax's
custom_linear_solve and custom_root). It appears in the linear programs of reverse mode, where
its transpose is a solve with A^T, so the solver's iterations are never taped.
"""
from __future__ import annotations

from ..core.interpreters import use
from ..core.primitive import abstract_eval, transpose_rules
from ..ops._ad import Zero, instantiate
from ..transforms.autodiff.call_primitive import CallPrimitive
from ..transforms.batching.interpreter import BatchInterpreter
from ._derive import splits, staging_below


def linearizing(primals) -> bool:
    """Whether the tangents are being staged into a linear program (reverse mode), also when the
    rule runs per example under vmap, above that staging."""
    interp = staging_below()
    while isinstance(interp, BatchInterpreter):
        primals = [interp.unpack(p)[0] for p in primals]
        interp = interp.parent
    with use(interp):
        return splits(primals)


# linear_solve: rhs -> A^{-1} rhs, linear in rhs (the last operand); the operands before it are A's
# and the preconditioner's. It appears in the linear programs of reverse mode, where it is transposed.
def _linear_solve_impl(*args, num_res, solve, transpose):
    return solve(*args)


def _linear_solve_jvp(interp, args, params):
    n = params["num_res"]
    primals, tangents = zip(*map(interp.unpack, args))
    if any(t is not None and t.__class__ is not Zero for t in tangents[:n]):
        return _linear_solve_impl(*args, **params)  # the solve's own rule differentiates the operands
    with use(interp.parent):
        out = linear_solve_p.bind(*primals, **params)
        t = tangents[n]
        if t is None or t.__class__ is Zero:
            return out
        t_out = linear_solve_p.bind(*primals[:n], instantiate(t), **params)
    return tuple(interp.wrap(o, d) for o, d in zip(out, t_out))


def _linear_solve_transpose(cts, *args, num_res, solve, transpose):
    ct = cts[0]
    if ct is None or ct.__class__ is Zero:
        return [None] * len(args)
    return [None] * num_res + list(transpose(*args[:num_res], instantiate(ct)))


linear_solve_p = CallPrimitive("linear_solve", _linear_solve_impl, ("solve", "transpose"),
                               jvp=_linear_solve_jvp, staged=True)
abstract_eval[linear_solve_p] = lambda *avals, num_res, solve, transpose: (avals[num_res],)
transpose_rules[linear_solve_p] = _linear_solve_transpose
