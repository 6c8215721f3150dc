"""Gradient checkpointing (rematerialization): `checkpoint`, its policies, `checkpoint_name`,
`saved_residuals`.

A call of a checkpointed function is one primitive, `remat_call`, carrying the function and
a policy. When reverse mode differentiates it, the rule runs the function once for its
outputs, keeping the intermediate values the policy calls saveable, and stages ONE linear
equation, `remat_lin`, whose operands are the function's inputs, those saved values and the
input tangents. Transposing that equation linearizes the function again at its inputs
(replaying the saved values instead of computing them) and runs the backward pass. So the
residuals kept from the forward to the backward pass are the inputs plus what the policy
saved, paid for by running the function a second time. Forward mode differentiates a
checkpointed call into a checkpointed call of its JVP, so reverse mode over forward mode
recomputes too.

Values being differentiated that the function closes over are inputs as well: the forward
run (`_Forward`) swaps them for their primal values and records them; later runs (`_Rerun`)
swap them for that run's inputs.

Replaying needs to know which primal computation is which: `_Rerun` sits above the JVP
interpreter and sees the function's own calls in the order the forward run made them; for a
saveable one it tells `_ReplayBelow`, under the staging interpreter, to answer the primal
computation of that call (same primitive, same operands) with the saved value.
"""
from __future__ import annotations

import contextlib
import functools
from typing import Callable, Sequence

from ...core import tree
from ...core.array import Array, Tracer, to_array
from ...core.errors import FluxionError, op_error, require_callable
from ...core.interpreters import _ctx, push, use
from ...core.primitive import abstract_eval, transpose_rules
from ...ops._ad import Zero, differentiable, instantiate
from ...ops.barrier import checkpoint_name_p, optimization_barrier
from ...ops.linalg import dot_general_p
from .api import _linearize, _unpack
from .blocks import residuals
from .call_primitive import CallPrimitive, Forwarding, Record, Store, Substitute, in_order, unpack
from .custom import custom_vjp_call_p, fwd_outputs
from .jvp import JVPInterpreter, JVPTracer
from .partial_eval import StagingInterpreter


# policies ------------------------------------------------------------------------------------
class checkpoint_policies:
    """Policies for `checkpoint`: which intermediate values reverse mode may keep.

    A policy is a function `policy(prim, *avals, **params) -> bool` called for each primitive
    the checkpointed function runs, with the types of its operands; True means its result may
    be saved for the backward pass, False that it is recomputed there.

    >>> import fluxion as fx
    >>> fx.checkpoint_policies.nothing_saveable, fx.checkpoint_policies.dots_saveable  # doctest: +ELLIPSIS
    (<function ...nothing_saveable...>, <function ...dots_saveable...>)
    """

    @staticmethod
    def nothing_saveable(prim, *avals, **params) -> bool:
        """Save only the inputs; recompute every intermediate value (the default)."""
        return False

    @staticmethod
    def dots_saveable(prim, *avals, **params) -> bool:
        """Save the results of matrix products (dot_general); recompute the cheap rest."""
        return prim is dot_general_p

    @staticmethod
    def dots_with_no_batch_dims_saveable(prim, *avals, **params) -> bool:
        """Save the results of matrix products without batch dimensions."""
        return prim is dot_general_p and not params["dimension_numbers"][1][0]

    @staticmethod
    def everything_saveable(prim, *avals, **params) -> bool:
        """Save everything, as without checkpoint."""
        return True

    checkpoint_dots = dots_saveable
    checkpoint_dots_with_no_batch_dims = dots_with_no_batch_dims_saveable

    @staticmethod
    def save_only_these_names(*names: str) -> Callable:
        """A policy saving the values named (by `checkpoint_name`) with one of `names`.

        >>> import fluxion as fx, fluxion.numpy as fnp
        >>> from fluxion.ad_checkpoint import checkpoint_name
        >>> def f(x):
        ...     return fnp.sin(checkpoint_name(fnp.sin(x) * 2, "h"))
        >>> policy = fx.checkpoint_policies.save_only_these_names("h")
        >>> len(fx.saved_residuals(fx.checkpoint(f), 1.0)), len(fx.saved_residuals(fx.checkpoint(f, policy), 1.0))
        (1, 2)
        """
        return lambda prim, *avals, **params: prim is checkpoint_name_p and params["name"] in names

    @staticmethod
    def save_any_names_but_these(*names: str) -> Callable:
        """A policy saving the named values whose name is not one of `names`."""
        return lambda prim, *avals, **params: prim is checkpoint_name_p and params["name"] not in names

    @staticmethod
    def save_anything_except_these_names(*names: str) -> Callable:
        """A policy saving every value but those named with one of `names`."""
        return lambda prim, *avals, **params: not (prim is checkpoint_name_p and params["name"] in names)

    @staticmethod
    def save_and_offload_only_these_names(*, names_which_can_be_saved=(), names_which_can_be_offloaded=(),
                                          offload_src="device", offload_dst="pinned_host") -> Callable:
        """jax's policy keeping some named values in device memory and moving others to host
        memory: here both are saved, in the one memory their arrays live in."""
        return checkpoint_policies.save_only_these_names(*names_which_can_be_saved, *names_which_can_be_offloaded)

    @staticmethod
    def offload_dot_with_no_batch_dims(offload_src="device", offload_dst="pinned_host") -> Callable:
        """jax's policy moving the results of matrix products without batch dimensions to host
        memory: here they are saved, as by `dots_with_no_batch_dims_saveable`."""
        return checkpoint_policies.dots_with_no_batch_dims_saveable

    @staticmethod
    def save_from_both_policies(policy_1: Callable, policy_2: Callable) -> Callable:
        """A policy saving what either policy saves."""
        return lambda prim, *avals, **params: bool(policy_1(prim, *avals, **params) or policy_2(prim, *avals, **params))


_NAMED = {n: getattr(checkpoint_policies, n) for n in ("nothing_saveable", "dots_saveable", "everything_saveable",
                                                       "dots_with_no_batch_dims_saveable")}


def checkpoint_name(x, name: str):
    """`x` (an array or a pytree of arrays) unchanged, named `name` for checkpoint policies
    such as `checkpoint_policies.save_only_these_names(name)`.

    >>> from fluxion.ad_checkpoint import checkpoint_name
    >>> checkpoint_name(2.0, "h").item()
    2.0
    """
    if not isinstance(name, str):
        raise op_error(TypeError, "checkpoint_name", f"the name must be a string, got {type(name).__name__}",
                       "pass a string, e.g. fx.checkpoint_name(x, \"hidden\")")
    return tree.map(lambda v: checkpoint_name_p.bind(to_array(v), name=name), x)


def print_saved_residuals(f: Callable, *args) -> None:
    """Print the shape and dtype of each value reverse mode keeps for `f(*args)` (see `saved_residuals`).

    >>> import fluxion.numpy as fnp
    >>> from fluxion.ad_checkpoint import print_saved_residuals
    >>> print_saved_residuals(lambda x: fnp.exp(fnp.sin(x)), fnp.ones(3))  # cos(x) and exp(sin(x))
    float32[3]
    float32[3]
    """
    for shape, dtype in saved_residuals(f, *args):
        print(f"{dtype}{list(shape)}")


def _policy(policy) -> Callable:
    if policy is None:
        return checkpoint_policies.nothing_saveable
    if isinstance(policy, str):
        if policy not in _NAMED:
            raise op_error(ValueError, "checkpoint", f"unknown policy {policy!r}",
                           f"use one of {sorted(_NAMED)} or a function (prim, *avals, **params) -> bool")
        return _NAMED[policy]
    if not callable(policy):
        raise op_error(TypeError, "checkpoint", f"policy must be a function, a name or None, got "
                       f"{type(policy).__name__}", "pass e.g. fx.checkpoint_policies.dots_saveable")
    return policy


# the API -------------------------------------------------------------------------------------
def checkpoint(fun: Callable, policy: Callable | str | None = None, static_argnums: int | Sequence[int] = (), *,
               prevent_cse: bool = True, static_argnames: str | Sequence[str] = ()) -> Callable:
    """`fun`, made to save less for reverse mode: its intermediate values are recomputed in the
    backward pass instead of being kept, except those the `policy` lets it save.

    Gradients are the same as without checkpoint; the memory between the forward and the
    backward pass shrinks to the inputs of `fun` (plus what the policy saves), at the cost of
    running `fun` twice. Arguments that are not arrays (flags, functions) are passed as they are.

    Args:
      fun: the function to checkpoint.
      policy: a function of `checkpoint_policies` (or its name, e.g. "dots_saveable"), or
        your own `(prim, *avals, **params) -> bool`; None saves nothing but the inputs.
      static_argnums: positional arguments passed to `fun` as they are, arrays included (their
        values, not traced ones, as for Python control flow on them).
      static_argnames: the same for keyword arguments, by name.
      prevent_cse: accepted for jax compatibility; a compiled program always keeps the
        recomputation apart from the forward pass (jax's default, True).

    Returns:
      A function with `fun`'s signature.

    >>> import fluxion as fx, fluxion.numpy as fnp
    >>> f = lambda x: fnp.sin(fnp.sin(x))
    >>> float(fx.grad(fx.checkpoint(f))(0.5)) == float(fx.grad(f)(0.5))
    True
    >>> len(fx.saved_residuals(f, 0.5)), len(fx.saved_residuals(fx.checkpoint(f), 0.5))
    (2, 1)
    """
    require_callable("checkpoint", fun)
    del prevent_cse  # (see Args)
    policy = _policy(policy)
    statics = (static_argnums,) if isinstance(static_argnums, int) else tuple(static_argnums)
    names = (static_argnames,) if isinstance(static_argnames, str) else tuple(static_argnames)

    @functools.wraps(fun)
    def wrapped(*args, **kwargs):
        for i in statics:
            if not -len(args) <= i < len(args):
                raise op_error(ValueError, "checkpoint", f"static_argnums names position {i}, but the call passes "
                               f"{len(args)} positional argument{'s' if len(args) != 1 else ''}",
                               "name positions of arguments passed positionally (keyword arguments that are not "
                               "arrays are passed as they are anyway)")
        if remat_call_p.inline(_ctx.interp):
            return in_order(fun(*args, **kwargs))
        static_args = {i % len(args) for i in statics}
        leaves, in_tree = tree.flatten((tuple(_Static(a) if i in static_args else a for i, a in enumerate(args)),
                                        {k: _Static(v) if k in names else v for k, v in kwargs.items()}))
        dynamic = [i for i, x in enumerate(leaves) if isinstance(x, Array)]
        static = [None if isinstance(x, Array) else x for x in leaves]
        out_tree = Store()

        @functools.wraps(fun)
        def flat(*xs):
            full = list(static)
            for i, x in zip(dynamic, xs):
                full[i] = x
            a, k = tree.unflatten(in_tree, full)
            a = [x.value if isinstance(x, _Static) else x for x in a]
            k = {n: x.value if isinstance(x, _Static) else x for n, x in k.items()}
            out_leaves, out_tree.value = tree.flatten(fun(*a, **k))
            return [to_array(o) for o in out_leaves]

        outs = remat_call_p.bind(*[leaves[i] for i in dynamic], fun=flat, policy=policy)
        return tree.unflatten(out_tree.value, outs)

    return wrapped


remat = checkpoint


class _Static:
    """An argument passed to the checkpointed function as it is (a leaf that is not an Array)."""

    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value


def saved_residuals(f: Callable, *args) -> list[tuple[tuple[int, ...], object]]:
    """The (shape, dtype) of each value reverse mode keeps from the forward to the backward pass of `f(*args)`.

    >>> import fluxion as fx, fluxion.numpy as fnp
    >>> fx.saved_residuals(lambda x: fnp.exp(fnp.sin(x)), fnp.ones(3))  # cos(x) and exp(sin(x))
    [((3,), dtype('float32')), ((3,), dtype('float32'))]
    """
    return [(c.shape, c.dtype) for c in residuals(_linearize(f, args)[3].program)]


# running the function again -------------------------------------------------------------------
def _aval(x):
    return x.aval if isinstance(x, Array) else to_array(x).aval


class _Forward(Substitute):
    """The rule's run of the function, on the parent of the JVP interpreter `owner`.

    Values of `owner` the function closes over become their primal values and are recorded:
    they are inputs too. Results of the calls `policy` calls saveable are kept, with each
    call's signature.
    """

    def __init__(self, owner, policy):
        super().__init__(owner, self._lift)
        self.policy, self.closed, self.sigs, self.saved = policy, [], [], []

    def _lift(self, tracer):
        self.closed.append(tracer)
        return tracer.primal

    def process(self, prim, args, params):
        args = self.swap(args)
        # a custom_vjp call's outputs by fwd, as without checkpoint (an outer jvp cannot take the call)
        if prim is custom_vjp_call_p:
            with use(self.parent):
                out = fwd_outputs(*args, **self.within(prim, params))
        else:
            out = self.forward(prim, args, self.within(prim, params))
        if self.policy is not checkpoint_policies.nothing_saveable:
            avals = tuple(map(_aval, args))
            if self.policy(prim, *avals, **params):
                self.sigs.append((prim, avals, len(out) if prim.multiple_results else None))
                self.saved.extend(out if prim.multiple_results else (out,))
        return out


class _ReplayBelow(Forwarding):
    """Answers a primal computation announced by `_Rerun` with its saved value."""

    def __init__(self):
        self.expected: dict = {}

    def expect(self, prim, args, params, value):
        # keeping `args` keeps their ids from being reused while the entry lives
        self.expected[(prim, tuple(map(id, args)))] = (args, params, value)

    def process(self, prim, args, params):
        hit = self.expected.get((prim, tuple(map(id, args))))
        if hit is not None and hit[1] == params:
            return hit[2]
        return self.forward(prim, args, params)


def _changed():
    return op_error(FluxionError, "checkpoint", "the checkpointed function ran different operations when it was run "
                    "again for the backward pass", "make it depend only on its arguments and the values it closes "
                    "over (no global state or fresh randomness)")


class _Rerun(Substitute):
    """Sits above a JVP interpreter while the function runs again: swaps the closed-over values
    recorded by `_Forward` for this run's inputs and, when replaying, announces each saveable
    call to `_ReplayBelow` (which sits under the staging interpreter and sees the primal part)."""

    def __init__(self, owner, closed, values, replay=None):
        index = {id(c): k for k, c in enumerate(closed)}

        def replace(tracer):
            if id(tracer) not in index:
                raise _changed()
            return values[index[id(tracer)]]

        super().__init__(owner, replace)
        self.replay, self.count = replay, 0

    def process(self, prim, args, params):
        args = self.swap(args)
        if self.replay is not None:
            below, policy, sigs, saved = self.replay
            avals = tuple(map(_aval, args))
            if policy(prim, *avals, **params):
                k, self.count = self.count, self.count + 1
                if k >= len(sigs) or sigs[k][:2] != (prim, avals):
                    raise _changed()
                below.expect(prim, [self.parent.unpack(a)[0] for a in args], params, saved[k])
        return self.forward(prim, args, self.within(prim, params))


def _group(flat, sigs) -> list:
    """The saved values, one entry per saved call (a tuple for a multiple-result primitive)."""
    out, i = [], 0
    for _, _, n in sigs:
        out.append(flat[i] if n is None else tuple(flat[i:i + n]))
        i += 1 if n is None else n
    return out


def _run(fun, values, num_args, owner, closed, replay=None):
    """`fun` on the first `num_args` values, the rest standing for the values it closes over."""
    if not closed and replay is None:
        return fun(*values[:num_args])
    with push(_Rerun(owner, closed, values[num_args:], replay)):
        return fun(*values[:num_args])


# rules ---------------------------------------------------------------------------------------
def _remat_call_jvp(interp, args, params):
    fun, policy = params["fun"], params["policy"]
    if policy is checkpoint_policies.everything_saveable:
        return tuple(fun(*args))  # differentiate as usual
    primals, tangents = unpack(interp, args)
    staging = interp.parent
    if not (isinstance(staging, StagingInterpreter) and staging.linearizes(primals)):  # forward mode
        return _remat_of_jvp(interp, primals, tangents, fun, policy)
    with use(staging):
        forward = _Forward(interp, policy)
        with push(forward):
            outs = fun(*primals)
        closed = tuple(forward.closed)
        primals += [c.primal for c in closed]
        tangents += [c.tangent for c in closed]
        live = tuple(i for i, t in enumerate(tangents) if t.__class__ is not Zero)
        if not live:
            return tuple(outs)
        call = Record(name=getattr(fun, "__name__", "checkpoint"), fun=fun, policy=policy, num_args=len(args),
                      owner=interp, closed=closed, sigs=forward.sigs, live=live, out_avals=tuple(o.aval for o in outs))
        lin = remat_lin_p.bind(*primals, *forward.saved, *[tangents[i] for i in live], call=call)
    # the JVP that forward mode checkpoints, linearized in its tangents alone (to transpose it): its
    # primal outputs have no tangent, so that what reads them (a custom_vjp's residuals) sees known values
    n = getattr(fun, "primal_inputs", None)
    known = len(outs) // 2 if n is not None and all(n <= i < len(args) for i in live) else 0
    return tuple(interp.wrap(o, t if k >= known and differentiable(o.aval) else Zero(o.aval))
                 for k, (o, t) in enumerate(zip(outs, lin)))


def _jvp(run: Callable, values: list, live, tangents) -> tuple[list, list]:
    """Outputs and output tangents of `run(values, interp)` under a new JVP interpreter, with
    `tangents` on the inputs `live`."""
    interp = JVPInterpreter()
    with push(interp):
        values = list(values)
        for i, t in zip(live, tangents):
            values[i] = JVPTracer(interp, values[i], t)
        return _unpack(interp, run(values, interp))


def _remat_of_jvp(interp, primals, tangents, fun, policy):
    """Forward mode: a checkpointed call of the function's JVP, on the parent, so that reverse
    mode below (over this forward mode) still recomputes instead of saving. Under jit, this
    call dissolves into the program there and then, while the values the function closes over
    are still being traced."""
    live = [i for i, t in enumerate(tangents) if t.__class__ is not Zero]

    def run(values, inner):  # the values of `interp` the function closes over carry their tangents in
        with push(Substitute(interp, lambda a: JVPTracer(inner, a.primal, a.tangent))):
            return fun(*values)

    @functools.wraps(fun)
    def jvp_fun(*xs):
        outs, t_outs = _jvp(run, xs[:len(primals)], live, xs[len(primals):])
        return [*outs, *map(instantiate, t_outs)]

    jvp_fun.primal_inputs = len(primals)  # outputs [*outs, *tangents]: the outs read only these first inputs

    with use(interp.parent):
        res = remat_call_p.bind(*primals, *[tangents[i] for i in live], fun=jvp_fun, policy=policy)
    m = len(res) // 2
    return tuple(interp.wrap(o, t if differentiable(o.aval) else Zero(o.aval)) for o, t in zip(res[:m], res[m:]))


def _split(args, call):
    """The operands of remat_lin: input values, saved values, tangents of the live inputs."""
    n, m = call.num_args + len(call.closed), len(args) - len(call.live)
    return list(args[:n]), args[n:m], args[m:]


def _remat_lin_impl(*args, call):
    """The linear map applied to known tangents (forward mode): a JVP of the function."""
    values, _, tangents = _split(args, call)
    run = lambda vs, _: _run(call.fun, vs, call.num_args, call.owner, call.closed)  # noqa: E731
    return tuple(instantiate(t) for t in _jvp(run, values, call.live, tangents)[1])


def _remat_lin_transpose(cts, *args, call):
    values, saved, _ = _split(args, call)
    if any(isinstance(v, Tracer) for v in values):  # staged: keep the recomputation apart from the forward pass
        values = optimization_barrier(values)
    below = _ReplayBelow()
    replay = (below, call.policy, call.sigs, _group(saved, call.sigs)) if call.sigs else None

    def at_live(*xs):
        full = list(values)
        for i, x in zip(call.live, xs):
            full[i] = x
        return _run(call.fun, full, call.num_args, call.owner, call.closed, replay)

    with push(below) if replay else contextlib.nullcontext():
        linear = _linearize(at_live, tuple(values[i] for i in call.live))[3]
    return [None] * (len(args) - len(call.live)) + linear.backward(list(cts))


remat_call_p = CallPrimitive("remat_call", lambda *args, fun, policy: tuple(fun(*args)), ("fun",), _remat_call_jvp)
remat_lin_p = CallPrimitive("remat_lin", _remat_lin_impl, staged=True)
abstract_eval[remat_lin_p] = lambda *avals, call: call.out_avals
transpose_rules[remat_lin_p] = _remat_lin_transpose
