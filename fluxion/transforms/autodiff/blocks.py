"""Linear blocks: the derivative of one primitive call, derived once per signature.

Reverse mode in eager mode differentiates each primitive call as it runs. Applying the jvp
rule and transposing its tangent equations afresh at every call costs more than the
computation itself on small arrays, so for a primitive's signature (input types, which
inputs carry tangents, parameters) the rule is applied once, to staged values. That splits
it into three programs:

    forward   primal inputs -> primal outputs and residuals    (the rule's primal part)
    linear    residuals, input tangents -> output tangents     (the rule's tangent part)
    backward  residuals, output cotangents -> input cotangents (the transpose of linear)

An eager call then runs `forward` as a list of NumPy kernels and records one `linear_block`
equation, whose transpose runs `backward` the same way. Forward mode on eager values (EagerJVP)
runs `forward` and then `linear` on the call's tangents, with nothing recorded. The rules stay
the only definition of a derivative; blocks replay them.
"""
from __future__ import annotations

import math

import numpy as np

from ...backends.numpy.program import kernels
from ...core.array import Array
from ...core.interpreters import EAGER, _ctx, _wrap
from ...core.primitive import Primitive, abstract_eval, jvp_rules, transpose_rules
from ...core.program import Equation, Literal, Program, Var, evaluate, frozen, sub_programs
from ...core.transfer import device_put_p
from ...core.types import ArrayType
from ...ops._ad import Zero, add_tangents
from ...ops.shape import broadcast_in_dim_p
from .call_primitive import CallPrimitive
from .jvp import JVPInterpreter, JVPTracer
from .partial_eval import StagedTracer, StagingInterpreter
from .transpose import backward_pass, output_cotangent, transpose_equation

_blocks: dict = {}
_new = Array.__new__
# primitives whose parameters carry programs or functions, and moves between devices (whose
# NumPy kernel, the identity of a program run on the host, would not move them): applied by their rules
_opaque: set = {device_put_p}
# a block keeps the constants its rule made (arrays of its operands' shapes, say) for as long as
# it is cached: signatures whose constants are larger apply their rules at each call instead
_MAX_CONST_BYTES = 1 << 20
# fills (a rule's zeros, as the operand that a gather's transpose scatters into) at least this large
# are made by the program at each run rather than kept as constants: a fill costs what copying it
# would, and a large constant would keep its program from being cached at all
_STAGED_FILL_BYTES = 1 << 16


class _BackwardStaging(StagingInterpreter):
    """The staging of a block's backward program: as a jit's, but a large fill of a known scalar is
    an equation of the program, not a constant computed now. (Not of its forward program: a fill
    that the linear program reads would then be a residual, made and kept at each call.)"""

    def process(self, prim, args, params):
        if prim is broadcast_in_dim_p and not params["broadcast_dimensions"] and args[0].__class__ is Array \
                and math.prod(params["shape"]) * args[0].dtype.itemsize >= _STAGED_FILL_BYTES:
            return self.stage(prim, args, params)
        return StagingInterpreter.process(self, prim, args, params)


class Block:
    """The three programs of one signature (see the module docstring) and what calls need of them."""

    def __init__(self, prim: Primitive, avals, mask, params):
        primal = StagingInterpreter()
        tangent = StagingInterpreter(linear=True)
        primal.parent, tangent.parent = EAGER, primal
        primals = [primal.new_input(a) for a in avals]
        tangents = [tangent.new_input(a) if m else Zero(a) for a, m in zip(avals, mask)]
        prev, _ctx.interp = _ctx.interp, tangent
        try:
            out, t_out = jvp_rules[prim](primals, tangents, **params)
        finally:
            _ctx.interp = prev
        outs, t_outs = (out, t_out) if prim.multiple_results else ((out,), (t_out,))
        self.live = [i for i, t in enumerate(t_outs) if tangent.owns(t)]  # other tangents are zeros
        self.single = not prim.multiple_results and self.live == [0]
        known = list(tangent.constvars.values())
        residuals = [(v, x) for v, x in known if primal.owns(x)]
        consts = [(v, x) for v, x in known if not primal.owns(x)]
        res_vars = [v for v, _ in residuals]
        forward = primal.program([*outs, *(x for _, x in residuals)])
        self.forward, self.forward_const_bytes = kernels(forward), _const_bytes(forward)
        self.out_weak = [o.aval.weak for o in outs]
        self.res_types = [v.aval for v in res_vars]
        self.tangent_types = [t_outs[i].aval for i in self.live]
        out_vars = [t_outs[i]._var for i in self.live]
        self.linear = Program([v for v, _ in consts], [x for _, x in consts], [*res_vars, *tangent.inputs],
                              tangent.equations, out_vars)
        self._transposed = ([*res_vars, *(v for v, _ in consts)], [x for _, x in consts], tangent.inputs,
                            tangent.equations, out_vars)
        self._backward: dict = {}
        self._tangents = None

    def tangents(self, residuals, tangents) -> list[Array]:
        """The tangents of the `live` outputs from NumPy residuals and input tangents, by `linear`'s
        kernels (compiled at the first use)."""
        if self._tangents is None:
            self._tangents = kernels(self.linear)
        return [_wrap(v, a) for v, a in zip(self._tangents(*residuals, *tangents), self.tangent_types)]

    def backward(self, has_ct: tuple[bool, ...]) -> Backward:
        """The backward program for cotangents of the outputs where `has_ct` is true (the others are
        zero: leaving them out keeps their paths, which may hold infinities, out of the result)."""
        try:
            return self._backward[has_ct]
        except KeyError:
            pass
        staged = _BackwardStaging()
        staged.parent = EAGER
        constvars, consts, inputs, equations, outputs = self._transposed
        res = [staged.new_input(a) for a in self.res_types]
        program = Program(constvars, [*res, *consts], inputs, equations, outputs)
        cts = [staged.new_input(a) if h else Zero(a) for a, h in zip(self.tangent_types, has_ct)]
        prev, _ctx.interp = _ctx.interp, staged
        try:
            cts = backward_pass(program, cts)
        finally:
            _ctx.interp = prev
        out = Backward(staged, cts)
        if _const_bytes(out.program) <= _MAX_CONST_BYTES:  # else made again at each use, not kept
            self._backward[has_ct] = out
        return out


class Backward:
    """A block's backward program for one set of output cotangents: `run` takes the residuals and
    those cotangents; `live` are the tangent inputs it gives cotangents for, of types `types`."""

    def __init__(self, staged: StagingInterpreter, cts: list):
        self.live = [i for i, c in enumerate(cts) if c.__class__ is not Zero]
        self.program = staged.program([cts[i] for i in self.live])
        self.run = kernels(self.program)
        self.types = self.program.out_types


def derive(prim: Primitive, avals, mask, params) -> Block | None:
    """The block of a signature, or None where the rule cannot be replayed (it then runs itself)."""
    if sub_programs(params) or any(callable(v) for v in params.values()):
        _opaque.add(prim)
        return None
    try:
        block = Block(prim, avals, mask, params)
    except Exception:  # an error of the user's call: applying the rule reports it
        return None
    return block if _const_bytes(block.linear) + block.forward_const_bytes <= _MAX_CONST_BYTES else None


def _const_bytes(program: Program) -> int:
    return sum(c.size * c.dtype.itemsize for c in program.consts)


def _impl(*tangents, call: _Call):
    if _ctx.interp is EAGER and all([t.__class__ is Array for t in tangents]):  # NumPy arrays: run the kernels
        return tuple(call.block.tangents(call.residuals, [t._value for t in tangents]))
    return tuple(evaluate(call.block.linear, *call.residual_arrays(), *tangents))


def _transpose(cts, *tangents, call: _Call):
    has_ct = tuple(c.__class__ is not Zero for c in cts)
    backward = call.block.backward(has_ct)
    live_cts = [c for c, h in zip(cts, has_ct) if h]
    if _ctx.interp is EAGER and all(c.__class__ is Array for c in live_cts):  # NumPy arrays: run the kernels
        values = backward.run(*call.residuals, *[c._value for c in live_cts])
        outs = [_wrap(v, t) for v, t in zip(values, backward.types)]
    else:
        outs = evaluate(backward.program, *call.residual_arrays(), *live_cts)
    result = [None] * len(tangents)
    for i, o in zip(backward.live, outs):
        result[i] = o
    return result


linear_block_p = CallPrimitive("linear_block", _impl, staged=True)
abstract_eval[linear_block_p] = lambda *avals, call: tuple(call.block.tangent_types)
transpose_rules[linear_block_p] = _transpose


class _Call(Equation):
    """One recorded call of a block: the `linear_block` equation from the call's tangent inputs to
    its tangent outputs, which is also that equation's one parameter `call` (the block, and the
    call's residual values as a tuple of NumPy arrays). One object rather than an equation, a
    dict of parameters and a record of the call: the garbage collector walks every object of a tape."""

    __slots__ = ("block", "residuals")
    __hash__ = None  # a parameter, never a cache key
    prim = linear_block_p

    def __init__(self, block: Block, inputs: list, outputs: list, residuals: tuple):
        self.block, self.inputs, self.outputs, self.residuals = block, inputs, outputs, residuals

    @property
    def params(self) -> dict:
        return {"call": self}

    def __repr__(self):
        return "<block>"

    def residual_arrays(self) -> list:
        return [_wrap(v, t) for v, t in zip(self.residuals, self.block.res_types)]


class _Replaying(JVPInterpreter):
    """A JVP interpreter on eager values that runs each call of a plain primitive on NumPy-backed
    arrays by its signature's block (made at the signature's first call): `_run` makes the
    outputs from the forward kernels' results and the live tangents, which are the tape's
    variables in reverse mode and, in `forward` mode, NumPy arrays of their values' types (or
    the call applies its rule). Anything else applies its rule."""

    forward = False

    def process(self, prim, args, params):
        if prim.__class__ is Primitive and prim not in _opaque:
            out = self._replay(prim, args, params)
            if out is not None:
                return out
        return JVPInterpreter.process(self, prim, args, params)

    def _replay(self, prim, args, params):
        key, values, tangents = [prim], [], []
        staging, forward = self.parent, self.forward
        for a in args:
            live = False
            if a.__class__ is JVPTracer and a._interp is self:
                p, t = a.primal, a.tangent
                if t.__class__ is not Zero:
                    if not forward:  # (the tangent's variable on the tape)
                        t = t._var if t.__class__ is StagedTracer and t._interp is staging else staging.var_of(t)
                    elif t.__class__ is Array and p.__class__ is Array and t._value.dtype == p._value.dtype \
                            and t._value.shape == p._value.shape:
                        t = t._value
                    else:
                        return None
                    live = True
                    tangents.append(t)
            else:
                p = a
            if p.__class__ is not Array:  # a Python scalar, an array on an XLA device, a tracer
                return None
            v = p._value
            values.append(v)
            key.append((v.shape, v.dtype, p._weak, live))
        if not tangents:  # nothing to differentiate: the value, as the staging below would pass it on
            return EAGER.process(prim, [a.primal if a.__class__ is JVPTracer else a for a in args], params)
        if params:
            key.extend(params.items())
        try:
            block = _blocks[tuple(key)]
        except TypeError:  # unhashable parameters
            return None
        except KeyError:
            block = _derived(tuple(key), prim, len(args), params)
        if block is _BY_BITS:
            key.append(frozen(params))
            key = tuple(key)
            block = _blocks[key] if key in _blocks else _derived(key, prim, len(args), params, exact=True)
        if block is None:
            return None
        return self._run(block, block.forward(*values), tangents, prim.multiple_results)

    @staticmethod
    def _outputs(block: Block, computed: list) -> list:
        outs = []
        for v, weak in zip(computed, block.out_weak):  # the kernels made them of the right types
            out = _new(Array)
            out._value, out._weak = v, weak
            outs.append(out)
        return outs


class EagerLinearizer(_Replaying):
    """The JVP interpreter of reverse mode on eager values: a block's call records one
    `linear_block` equation on the tape (the staging below)."""

    def tangent_var(self, t):
        """The tape's variable of `t`, the live tangent of one of this interpreter's values."""
        staging = self.parent
        return t._var if t.__class__ is StagedTracer and t._interp is staging else staging.var_of(t)

    def _run(self, block: Block, computed: list, tangents: list, multiple: bool):
        staging = self.parent
        if block.single:  # the common case, kept fast
            out = _new(Array)
            out._value, out._weak = computed[0], block.out_weak[0]
            var = Var(block.tangent_types[0])
            staging.equations.append(_Call(block, tangents, [var], tuple(computed[1:])))
            return JVPTracer(self, out, StagedTracer(staging, var))
        n = len(block.out_weak)
        outs = self._outputs(block, computed)
        if block.live:  # (none for a comparison, say, whose result has no derivative: nothing to record)
            out_vars = [Var(t) for t in block.tangent_types]
            staging.equations.append(_Call(block, tangents, out_vars, tuple(computed[n:])))
            for i, v in zip(block.live, out_vars):
                outs[i] = JVPTracer(self, outs[i], StagedTracer(staging, v))
        return tuple(outs) if multiple else outs[0]


class EagerJVP(_Replaying):
    """The JVP interpreter of forward mode on eager values: a block's call runs its linear
    kernels on the call's tangents (which must have their values' types), recording nothing."""

    forward = True

    def _run(self, block: Block, computed: list, tangents: list, multiple: bool):
        n = len(block.out_weak)
        outs = self._outputs(block, computed)
        for i, t in zip(block.live, block.tangents(computed[n:], tangents)):
            outs[i] = JVPTracer(self, outs[i], t)
        return tuple(outs) if multiple else outs[0]


# kept for a signature whose params compare equal to others that differ (0.0 and -0.0): its
# blocks are kept under its key extended by the params' exact key (`frozen`)
_BY_BITS = object()


def _derived(key, prim, nargs: int, params, exact: bool = False):
    """The block of signature `key`, derived now and kept."""
    if len(_blocks) > 10_000:
        _blocks.clear()
    if not exact and any(v.__class__ is not bool and frozen(v) != v for v in params.values()):
        _blocks[key] = _BY_BITS
        return _derived(key + (frozen(params),), prim, nargs, params, exact=True)
    sig = key[1:nargs + 1]
    block = _blocks[key] = derive(prim, [ArrayType(*k[:3]) for k in sig], [k[3] for k in sig], params)
    return block


_ONE_CT = (True,)


def eager_backward(program: Program, cotangents: list) -> list:
    """`backward_pass` of a program recorded by EagerLinearizer, while no transformation is
    active: cotangents stay NumPy arrays from block to block, whose backward kernels take them
    directly; other equations are transposed by their rules."""
    env = backward_env(dict(zip(program.constvars, program.consts)), program.equations, program.outputs, cotangents)
    return [_array(env[v], v.aval) if v in env else Zero(v.aval) for v in program.inputs]


def backward_env(known: dict, equations: list, outputs: list, cotangents: list) -> dict:
    """The cotangents of `eager_backward`, by variable (NumPy arrays or Arrays), given the
    program's pieces: `known` maps its constant variables to their values."""
    env: dict = {}

    def add(var, ct):
        if ct is None or ct.__class__ is Zero or var.__class__ is Literal or var in known:
            return
        if ct.__class__ is Array:
            ct = ct._value
        old = env.get(var)
        if old is None:
            env[var] = ct
        elif old.__class__ is np.ndarray and ct.__class__ is np.ndarray:
            env[var] = np.asarray(old + ct)
        else:
            env[var] = add_tangents(_array(old, var.aval), _array(ct, var.aval))

    for v, ct in zip(outputs, cotangents):
        add(v, ct)
    for eq in reversed(equations):
        if eq.prim is linear_block_p:
            outs = eq.outputs
            if len(outs) == 1:  # the common case, kept fast
                ct = env.pop(outs[0], None)
                if ct is None:
                    continue
                given = cts = [ct]
                has_ct, host = _ONE_CT, ct.__class__ is np.ndarray
            else:
                given = [env.pop(v, None) for v in outs]
                has_ct = tuple(c is not None for c in given)
                if True not in has_ct:
                    continue
                cts = [c for c in given if c is not None]
                host = all([c.__class__ is np.ndarray for c in cts])
            if host:
                call = eq if eq.__class__ is _Call else eq.params["call"]
                backward = call.block.backward(has_ct)
                for i, o in zip(backward.live, backward.run(*call.residuals, *cts)):
                    add(eq.inputs[i], o)
                continue
            env.update((v, c) for v, c in zip(outs, given) if c is not None)
        for v in eq.outputs:
            if v in env:
                env[v] = _array(env[v], v.aval)
        ct = output_cotangent(eq, env)
        if ct is not None:
            for x, c in zip(eq.inputs, transpose_equation(eq, ct, known)):
                add(x, c)
    return env


def _array(x, aval):
    return _wrap(x, aval) if x.__class__ is np.ndarray else x


def residuals(program: Program) -> list:
    """The values the backward pass of a linear program reads: its constants and its blocks'
    residuals, each once."""
    values = {id(getattr(c, "_value", c)): c for c in program.consts}
    for eq in program.equations:
        if eq.prim is linear_block_p:
            values.update((id(r), r) for r in eq.params["call"].residuals)
    return list(values.values())
