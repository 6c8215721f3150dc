"""The differentiation API: jvp, linearize, vjp, grad, value_and_grad, jacobians, hessian."""
from __future__ import annotations

import functools

import numpy as np
from typing import Any, Callable, Sequence

from ...core import dtypes, tree
from ...core.array import Array, PendingArray, to_array
from ...core.device import like
from ...core.errors import ArgumentError, DTypeError, ShapeError, op_error, require_callable
from ...core.interpreters import EAGER, _ctx, _wrap, check_live, finish, push
from ...core.program import Program, evaluate
from ...ops import elementwise as E
from ...ops._ad import Zero, differentiable, instantiate, zeros
from .._convert import call_converted_for_updates
from .blocks import EagerJVP, EagerLinearizer, backward_env, eager_backward
from .custom import _describe
from .reverse_only import ReverseOnlyError, loops_taped, refusing_reverse_only
from .jvp import JVPInterpreter, JVPTracer
from .partial_eval import StagingInterpreter
from .transpose import backward_pass


_FLOAT0 = np.dtype([("float0", "V")])  # jax's dtype of the tangent of an integer value


def _leaves(args) -> tuple[list[Array], Any]:
    """The leaves of `args` as Arrays (a tangent of jax's float0 dtype as a boolean zero of its shape)."""
    leaves, treedef = tree.flatten(args)
    return [to_array(np.zeros(x.shape, np.bool_) if getattr(x, "dtype", None) == _FLOAT0 else x)
            for x in leaves], treedef


def _unpack(interp: JVPInterpreter, outs) -> tuple[list, list]:
    primals, tangents = [], []
    for o in outs:
        p, t = interp.unpack(o)
        check_live("differentiation", p)
        p = to_array(p)
        primals.append(p)
        tangents.append(Zero(p.aval) if t is None else t)
    return primals, tangents


def jvp(f: Callable, primals: Sequence, tangents: Sequence, has_aux: bool = False) -> tuple[Any, Any]:
    """Forward mode: `f(*primals)` and its directional derivative along `tangents`; with
    `has_aux`, `f` returns (output, aux) and the result is (output, tangent, aux).

    >>> import fluxion as fx, fluxion.numpy as fnp
    >>> y, dy = fx.jvp(fnp.sin, (0.0,), (2.0,))
    >>> float(y), float(dy)
    (0.0, 2.0)
    """
    require_callable("jvp", f)
    for what, value in (("primals", primals), ("tangents", tangents)):
        if not isinstance(value, (tuple, list)):
            raise op_error(TypeError, "jvp", f"{what} must be a tuple or list with one entry per argument of the "
                           f"function, got {type(value).__name__}", "wrap them: fx.jvp(f, (x,), (t,))")
    p_leaves, p_tree = _leaves(tuple(primals))
    t_leaves, t_tree = _leaves(tuple(tangents))
    if p_tree != t_tree:
        raise op_error(ValueError, "jvp", f"primals and tangents have different structures: {p_tree} and {t_tree} "
                       f"(they differ {p_tree.difference(t_tree)})", "pass tangents shaped like the primals")
    interp = EagerJVP() if _ctx.interp is EAGER else JVPInterpreter()
    with push(interp):
        ts = [_as_type("jvp", "tangent", t, p.aval, lambda i=i: _leaf_name("tangents", tuple(tangents), i))
              for i, (p, t) in enumerate(zip(p_leaves, t_leaves))]
        ins = [JVPTracer(interp, p, like(t, p)) if differentiable(p.aval) else p for p, t in zip(p_leaves, ts)]
        out, aux = _split_aux(interp, call_converted_for_updates(f, *tree.unflatten(p_tree, ins)), has_aux)
        out_leaves, out_tree = tree.flatten(out)
        primals_out, tangents_out = _unpack(interp, out_leaves)
    result = (tree.unflatten(out_tree, primals_out),
              tree.unflatten(out_tree, [like(instantiate(t), p) for t, p in zip(tangents_out, primals_out)]))
    return (*result, aux) if has_aux else result


def _as_type(op: str, kind: str, t: Array, aval, name: Callable[[], str]):
    """A tangent or cotangent (`kind`) given by the user, checked against the type `aval` of the
    value it belongs to; `name()` says which one it is, for errors.

    It must have the value's shape, and its dtype or a narrower one of its kind that converts
    exactly (a float32 tangent for a float64 value): other casts would round it (float64 to
    float32) or make up a derivative (an integer cotangent) silently, and jax refuses them too.
    A Python number (weak) takes the value's dtype, as in arithmetic. An integer or boolean
    value has no tangent but zero: any integer one is accepted, a floating one refused, as is a
    complex one for a real value, since casting would drop it."""
    owner = "primal" if kind == "tangent" else "output"
    if t.shape != aval.shape:
        raise op_error(ShapeError, op, f"{name()} has shape {t.shape} but its {owner} has shape {aval.shape}",
                       f"give each {kind} its {owner}'s shape")
    if t.dtype == aval.dtype:
        return t
    if t.dtype.kind in "fc" and not differentiable(aval) or t.dtype.kind == "c" and aval.dtype.kind != "c":
        raise op_error(DTypeError, op, f"a {t.dtype} {kind} ({name()}) was given for a value of dtype {aval.dtype}, "
                       "which cannot carry it", f"give the value a {t.dtype} dtype to differentiate in it "
                       f"(e.g. x.astype({t.dtype.name})), or pass a zero {aval.dtype} {kind}")
    exact = t.dtype.kind == aval.dtype.kind and np.can_cast(t.dtype, aval.dtype, "safe")
    if differentiable(aval) and not t.weak and not exact:
        raise op_error(DTypeError, op, f"{name()} has dtype {t.dtype} but its {owner} has dtype {aval.dtype}; a "
                       f"{kind} must have the dtype of its {owner} (or a narrower one of its kind)",
                       f"cast the {kind}: t.astype(fnp.{aval.dtype.name})")
    return E.convert_element_type_p.bind(t, new_dtype=aval.dtype, weak=aval.weak)


def _leaf_name(label: str, args: tuple, i: int) -> str:
    """Leaf `i` of the user's arguments `args` (called `label`) as an error names it: `tangents[1]`
    or `leaf 0 of tangents[1]`."""
    for k, a in enumerate(args):
        leaves, treedef = tree.flatten(a)
        if i < len(leaves):
            return f"{label}[{k}]" if treedef.is_leaf else f"leaf {i} of {label}[{k}]"
        i -= len(leaves)
    return label


def _linearize(f: Callable, args: tuple, has_aux: bool = False):
    """Run `f` with tangents staged: primal outputs, the linear program and the structures."""
    leaves, in_tree = _leaves(args)
    prev = _ctx.interp
    staging, interp = StagingInterpreter(linear=True), EagerLinearizer() if prev is EAGER else JVPInterpreter()
    staging.parent = prev
    interp.parent = staging
    _ctx.interp = staging  # push, without contextlib's cost on this hot path
    try:
        tangents = [staging.new_input(x.aval) if x.dtype in dtypes.FLOATING else None for x in leaves]
        _ctx.interp = interp
        ins = [x if t is None else JVPTracer(interp, x, t) for x, t in zip(leaves, tangents)]
        out, aux = _split_aux(interp, call_converted_for_updates(f, *tree.unflatten(in_tree, ins)), has_aux)
        out_leaves, out_tree = tree.flatten(out)
        primals_out, tangents_out = _unpack(interp, out_leaves)
    finally:
        _ctx.interp = prev
        finish(staging)
        finish(interp)
    live = [i for i, t in enumerate(tangents_out) if t.__class__ is not Zero]
    program = staging.program([tangents_out[i] for i in live])
    linear = _Linear(program, live, [t is not None for t in tangents], leaves, primals_out,
                     interp.__class__ is EagerLinearizer)
    return primals_out, out_tree, in_tree, linear, aux


def _split_aux(interp: JVPInterpreter, out, has_aux: bool) -> tuple:
    """(output, aux) of a function's result; aux's values are taken out of `interp`'s tracers."""
    if not has_aux:
        return out, None
    if not (isinstance(out, (tuple, list)) and len(out) == 2):
        raise op_error(TypeError, "has_aux", f"the function returned {_describe(out)}; it must return a pair "
                       "(output, aux)", "return (output, aux), or drop has_aux=True")
    return out[0], tree.map(lambda a: interp.unpack(a)[0], out[1])


class _Linear:
    """The linear map from input tangents to output tangents recorded by `_linearize`."""

    def __init__(self, program: Program, live: list[int], diff_inputs: list[bool], inputs, outputs, eager: bool):
        self.program, self.live, self.diff_inputs, self.eager = program, live, diff_inputs, eager
        self.in_types = [x.aval for x in inputs]
        self.out_types = [x.aval for x in outputs]
        self.inputs, self.outputs = inputs, outputs  # where derivatives made from scratch go

    def forward(self, tangents: list) -> list:
        ins = [_typed(t, a) for t, a, d in zip(tangents, self.in_types, self.diff_inputs) if d]
        outs = evaluate(self.program, *ins)
        result = [like(zeros(a), y) for a, y in zip(self.out_types, self.outputs)]
        for i, o in zip(self.live, outs):
            result[i] = like(o, self.outputs[i])
        return result

    def backward(self, cotangents: list) -> list:
        run = eager_backward if self.eager and _ctx.interp is EAGER else backward_pass
        cts = run(self.program, [cotangents[i] for i in self.live])
        it = iter(cts)
        return [like(_typed(instantiate(next(it)), a) if d else zeros(a), x)
                for d, a, x in zip(self.diff_inputs, self.in_types, self.inputs)]


def _typed(t, aval) -> Array:
    """A tangent or cotangent with its value's weak type (a Python number's), as control flow's
    sub-programs check and as a gradient of a Python number is returned."""
    t = to_array(t)
    return t if t.weak == aval.weak else E.convert_element_type_p.bind(t, new_dtype=aval.dtype, weak=aval.weak)


def _retyped(t, aval) -> Array:
    """`t` of size 1 with the shape, dtype and weak type of `aval`."""
    if t.dtype != aval.dtype or t.weak != aval.weak:
        t = E.convert_element_type_p.bind(t, new_dtype=aval.dtype, weak=aval.weak)
    return t if t.shape == aval.shape else t.reshape(aval.shape)


def linearize(f: Callable, *primals, has_aux: bool = False):
    """`f(*primals)` and the linear function `tangents -> jvp`, evaluated without re-running `f`;
    with `has_aux`, `f` returns `(output, aux)` and the result is `(output, f_jvp, aux)`.

    >>> import fluxion as fx, fluxion.numpy as fnp
    >>> y, f_jvp = fx.linearize(fnp.exp, 0.0)
    >>> float(f_jvp(3.0))
    3.0
    """
    primals_out, out_tree, in_tree, linear, aux = _linearize(f, primals, has_aux)

    def f_jvp(*tangents):
        t_leaves, t_tree = _leaves(tangents)
        if t_tree != in_tree:
            raise op_error(ValueError, "linearize", f"tangents have structure {t_tree}, expected {in_tree}",
                           "pass tangents shaped like the primals")
        return tree.unflatten(out_tree, linear.forward([
            _as_type("linearize", "tangent", t, a, lambda i=i: _leaf_name("tangents", tangents, i))
            for i, (t, a) in enumerate(zip(t_leaves, linear.in_types))]))

    out = tree.unflatten(out_tree, primals_out)
    return (out, f_jvp, aux) if has_aux else (out, f_jvp)


def vjp(f: Callable, *primals, has_aux: bool = False, reduce_axes=()):
    """Reverse mode: `f(*primals)` and the function mapping output cotangents to input cotangents.
    (`reduce_axes`: jax's deprecated argument, accepted empty.)

    >>> import fluxion as fx, fluxion.numpy as fnp
    >>> y, f_vjp = fx.vjp(lambda x: x * x, 3.0)
    >>> [float(g) for g in f_vjp(1.0)]
    [6.0]
    """
    _no_reduce_axes("vjp", reduce_axes)
    primals_out, out_tree, in_tree, linear, aux = _linearize(f, primals, has_aux)

    def f_vjp(cotangents):
        ct_leaves, ct_tree = _leaves(cotangents)
        if ct_tree != out_tree:
            raise op_error(ValueError, "vjp", f"cotangents have structure {ct_tree}, expected {out_tree} (they differ "
                           f"{out_tree.difference(ct_tree)})", "pass one cotangent per output, shaped like it")
        return tree.unflatten(in_tree, linear.backward([
            _as_type("vjp", "cotangent", c, a, lambda i=i: "the cotangent" if ct_tree.is_leaf
                     else f"leaf {i} of the cotangents") for i, (c, a) in enumerate(zip(ct_leaves, linear.out_types))]))

    out = tree.unflatten(out_tree, primals_out)
    return (out, f_vjp, aux) if has_aux else (out, f_vjp)


def _one(dtype: np.dtype) -> Array:
    """The seed of a gradient: a new Array (it may be returned, and then updated in place) on a
    shared read-only 1."""
    out = Array.__new__(Array)
    out._value, out._weak = _ones(dtype), False
    return out


@functools.cache
def _ones(dtype: np.dtype) -> np.ndarray:
    one = np.ones((), dtype)
    one.flags.writeable = False
    return one


def _argnum_tuple(argnums, op: str) -> tuple[int, ...]:
    """`argnums` as a tuple, checked to hold ints (as a transformation is made, before it is called)."""
    nums = (argnums,) if isinstance(argnums, (int, np.integer)) else tuple(argnums) \
        if isinstance(argnums, (tuple, list)) else (None,)
    if not all(isinstance(n, (int, np.integer)) and not isinstance(n, bool) for n in nums):
        raise op_error(TypeError, op, f"argnums must be an int or a tuple of ints, got {argnums!r}",
                       "pass positions of arguments, e.g. argnums=0 or argnums=(0, 1)")
    if not nums:
        raise op_error(ValueError, op, "argnums is empty, so there is nothing to differentiate",
                       "pass at least one position, e.g. argnums=0")
    return nums


def _argnums(argnums, nargs: int, op: str, kwargs: dict) -> tuple[int, ...]:
    """`argnums` (checked by `_argnum_tuple` as the transformation was made) for a call with `nargs`
    positional arguments, as non-negative positions."""
    nums = (argnums,) if isinstance(argnums, (int, np.integer)) else tuple(argnums)
    for n in nums:
        if not -nargs <= n < nargs:
            fix = f"use argnums in [0, {nargs - 1}]" if nargs else "pass the arguments to differentiate"
            if kwargs:
                fix = f"arguments passed by keyword ({', '.join(kwargs)}) are not differentiated: pass them " \
                      "positionally, f(x) rather than f(x=x)"
            raise op_error(ArgumentError, op, f"argnums {argnums} is out of range for {nargs} positional "
                           f"argument{'s' if nargs != 1 else ''}", fix)
    nums = tuple(n % nargs for n in nums)
    if len(set(nums)) < len(nums):
        again = next(n for i, n in enumerate(nums) if n in nums[:i])
        raise op_error(ValueError, op, f"argnums {argnums} names argument {again} more than once",
                       "name each argument once (a repeated one would have the same derivative)")
    return nums


def _check_float_inputs(op: str, args, nums, allow_int: bool = False) -> None:
    """Refuse leaves that are not arrays, and (unless `allow_int`, as jax's: their gradients are
    zeros of their dtype) integer and boolean ones."""
    for n in nums:
        arg = args[n]
        if arg.__class__ is Array and differentiable(arg.aval):  # the common case, kept fast
            continue
        for leaf in tree.leaves(arg):
            try:
                dt = to_array(leaf).dtype
            except TypeError:
                raise op_error(TypeError, op, f"argument {n} has a leaf of type {type(leaf).__name__}, which is not "
                               "an array", "pass arrays or numbers in the arguments of argnums; pass other values "
                               "in arguments outside argnums") from None
            if dt not in dtypes.FLOATING and not (allow_int and (dt in dtypes.INTEGER or dt == dtypes.bool_)):
                also = ", or pass allow_int=True for zero gradients of integer inputs" if op in ("grad", "jacrev") else ""
                raise op_error(DTypeError, op, f"argument {n} has a leaf of dtype {dt}; differentiation needs "
                               "floating-point inputs", "pass floats (e.g. x.astype(float) or 1.0 instead of 1), "
                               f"or move the argument out of argnums{also}")


def _linearize_argnums(f: Callable, args: tuple, kwargs: dict, argnums, has_aux: bool, op: str,
                       allow_int: bool = False):
    """`_linearize` of `f(*args, **kwargs)` with respect to the arguments at `argnums` (checked)."""
    nums = _argnums(argnums, len(args), op, kwargs)
    _check_float_inputs(op, args, nums, allow_int)
    if not kwargs and len(nums) == len(args) and nums == tuple(range(len(args))):
        return _linearize(f, args, has_aux)  # every argument, in order: nothing to put back

    def g(*diff):
        full = list(args)
        for n, d in zip(nums, diff):
            full[n] = d
        return f(*full, **kwargs)

    return _linearize(g, tuple(args[n] for n in nums), has_aux)


def _scalar_output(out_tree, out, holomorphic: bool = False) -> Array:
    """The output `out` of a function given to grad (of structure `out_tree`) as an Array,
    checked to be one real scalar (one complex scalar if `holomorphic`)."""
    if not out_tree.is_leaf:
        raise op_error(TypeError, "grad", f"the function must return a scalar, got a tree {out_tree}",
                       "return a single scalar (e.g. the sum of your terms), or use fx.vjp / fx.jacrev")
    out = to_array(out)
    if holomorphic:
        if out.shape != ():
            raise op_error(TypeError, "grad", f"the function must return a scalar, got {out.aval}",
                           "reduce the output to a scalar, or use fx.jacrev(f, holomorphic=True)")
        _complex_only("grad", [out.aval], "output")
        return out
    if out.shape != ():
        fix = "reduce the output to a scalar (e.g. .sum() or .mean()), or use fx.vjp / fx.jacrev for non-scalar outputs"
    elif out.dtype in dtypes.COMPLEX:
        fix = ("return a real loss (e.g. fnp.abs(z) ** 2 or fnp.real(z)), or pass holomorphic=True for the "
               "complex derivative of a holomorphic function")
    elif out.dtype not in dtypes.REAL_FLOATING:
        fix = ("an integer or boolean output has no derivative: compute it in floating point (e.g. with fnp.where "
               "instead of a comparison)")
    else:
        return out
    raise op_error(TypeError, "grad", f"the function must return a real scalar, got {out.aval}", fix)


def _no_reduce_axes(op: str, reduce_axes) -> None:
    if tuple(reduce_axes):
        raise op_error(NotImplementedError, op, "reduce_axes is deprecated (in jax too) and not supported",
                       "leave it out, and sum the gradient over the axis yourself (fx.lax.psum)")


def _complex_only(op: str, types, what: str) -> None:
    """With holomorphic=True, every one of `types` (the inputs or outputs) must be complex, as in jax."""
    for t in types:
        if t.dtype not in dtypes.COMPLEX:
            raise op_error(TypeError, op, f"holomorphic=True needs complex {what}s, got one of type {t}",
                           f"pass complex {what}s (e.g. x.astype(fnp.complex64)), or leave out holomorphic=True "
                           "for a function of real values")


def _eager_value_and_grad(f: Callable, args: tuple, argnums, has_aux: bool):
    """value_and_grad of `f(*args)` with no transformation active and every differentiated leaf
    a float on the host (the eager training loop), or None where that is not so. The general
    path's structures are skipped: the staging's equations are the tape that `backward_env`
    runs back at once."""
    nums = (argnums,) if argnums.__class__ is int else argnums
    full = list(args)
    staging, interp = StagingInterpreter(linear=True), EagerLinearizer()
    staging.parent, interp.parent = EAGER, staging
    trees = []
    try:
        if len(nums) > 1 and len({n % len(args) for n in nums}) < len(nums):
            return None  # an argument named twice: the general path reports it
        for n in nums:
            leaves, treedef = tree.flatten(args[n])
            ins = []
            for x in leaves:
                if x.__class__ is not Array:
                    x = to_array(x)
                    if x.__class__ is PendingArray:  # an output of a compiled call: its value is needed
                        x.block_until_ready()
                if x.__class__ is not Array or x._value.dtype not in dtypes.FLOATING:
                    return None  # an array on an XLA device, or an error the general path reports
                ins.append(JVPTracer(interp, x, staging.new_input(x.aval)))
            full[n] = ins[0] if treedef.is_leaf else treedef.unflatten(ins)  # (one array, the common case)
            trees.append(treedef)
    except (IndexError, TypeError, ZeroDivisionError):  # bad argnums: the general path reports them
        return None
    _ctx.interp = interp
    try:
        out, aux = _split_aux(interp, call_converted_for_updates(f, *full), has_aux)
    finally:
        _ctx.interp = EAGER
        finish(staging)
        finish(interp)
    value, t = interp.unpack(out)
    if value.__class__ is not Array or value._value.shape or value._value.dtype not in dtypes.REAL_FLOATING:
        value = _scalar_output(tree.structure(out), value)  # (a real scalar Array, the common case, is one)
    env = {}
    if t is not None and t.__class__ is not Zero:
        outputs = [staging.var_of(t)]
        env = backward_env(dict(staging.constvars.values()), staging.equations, outputs, [_ones(value.dtype)])
    grads, it = [], iter(staging.inputs)
    for treedef in trees:
        gs = []
        for _ in range(treedef.num_leaves):
            v = next(it)
            g = env.get(v)
            gs.append(zeros(v.aval) if g is None else _wrap(g, v.aval) if g.__class__ is np.ndarray else g)
        grads.append(gs[0] if treedef.is_leaf else treedef.unflatten(gs))
    grads = grads[0] if argnums.__class__ is int else tuple(grads)
    return ((value, aux) if has_aux else value), grads


def _forward_value_and_grad(f: Callable, args: tuple, kwargs: dict, argnums, has_aux: bool):
    """value_and_grad of `f(*args, **kwargs)` by forward mode, where what is differentiated is one
    real float of size 1: one JVP is the whole gradient, and a loop keeps no tape of its states
    for a reverse sweep (derivatives of any order through while loops stay small). None where
    that is not so, or where `f` calls a custom_vjp function (which has only a reverse-mode rule)."""
    try:
        nums = _argnums(argnums, len(args), "grad", kwargs)
        leaves, in_tree = tree.flatten(tuple(args[n] for n in nums))
        x = to_array(leaves[0]) if len(leaves) == 1 else None
    except (ValueError, TypeError):  # the general path reports it
        return None
    if x is None or x.dtype not in dtypes.REAL_FLOATING or x.size != 1:
        return None
    seed = like(_retyped(_one(x.dtype), x.aval), x)
    full, interp = list(args), EagerJVP() if _ctx.interp is EAGER else JVPInterpreter()
    try:
        with refusing_reverse_only(), push(interp):
            for n, a in zip(nums, tree.unflatten(in_tree, [JVPTracer(interp, x, seed)])):
                full[n] = a
            out, aux = _split_aux(interp, call_converted_for_updates(f, *full, **kwargs), has_aux)
            out_leaves, out_tree = tree.flatten(out)
            values, tangents = _unpack(interp, out_leaves)
    except ReverseOnlyError:
        return None
    value = _scalar_output(out_tree, values[0] if out_tree.is_leaf else None)
    grads = tree.unflatten(in_tree, [like(_retyped(instantiate(tangents[0]), x.aval), x)])
    return ((value, aux) if has_aux else value), (grads[0] if isinstance(argnums, int) else grads)


def _marks() -> list:
    """The numbers of equations and constants of each staging under way (jit's, make_program's,
    a loop body's)."""
    marks, interp = [], _ctx.interp
    while interp is not None:
        if isinstance(interp, StagingInterpreter):
            marks.append((interp, len(interp.equations), len(interp.constvars)))
        interp = interp.parent
    return marks


def _drop_staged(since: list, until: list) -> None:
    """Drop what was staged between two `_marks()`: an abandoned attempt, whose values are unused
    (its constants too, where nothing staged since uses them), but for the equations computing
    what was staged since uses (a value the function kept, e.g. a parameter it built on its
    first call, and used again)."""
    for (interp, start, first), (_, end, last) in zip(since, until):
        needed, kept = {v for eq in interp.equations[end:] for v in eq.inputs}, []
        for eq in reversed(interp.equations[start:end]):
            if not needed.isdisjoint(eq.outputs):
                kept.append(eq)
                needed.update(eq.inputs)
        interp.equations[start:end] = kept[::-1]
        used = {v for eq in interp.equations[start:] for v in eq.inputs}
        for key in [k for k in list(interp.constvars)[first:last] if interp.constvars[k][0] not in used]:
            del interp.constvars[key]


def _forward_instead(f: Callable, args: tuple, kwargs: dict, argnums, has_aux: bool, before: list):
    """value_and_grad by forward mode in place of the reverse mode staged since `before`, which
    taped a loop: in one number, one JVP needs no tape, nor at higher orders a sweep over a
    sweep, and the compiled program stays small. Elsewhere grad is reverse mode, so that a NaN
    masked by `where` (the derivative of fnp.where(x > 0, fnp.log(x), 0) at 0) is the same for
    every input size, as in jax. None where forward mode does not apply."""
    after = _marks()
    result = _forward_value_and_grad(f, args, kwargs, argnums, has_aux)
    if result is None:  # (what forward mode staged before it gave up)
        _drop_staged(after, _marks())
    else:
        _drop_staged(before, after)
    return result


def value_and_grad(f: Callable, argnums: int | Sequence[int] = 0, has_aux: bool = False,
                   holomorphic: bool = False, allow_int: bool = False, reduce_axes=()) -> Callable:
    """A function returning `f(*args)` and its gradient with respect to the `argnums` arguments.
    With `holomorphic=True`, `f` maps complex inputs to a complex scalar and the result is its
    complex derivative f'(z) (as jax's). With `allow_int=True`, integer and boolean inputs are
    allowed and their gradients are zeros of their dtype. A gradient in one real number through a
    `while_loop` whose trip count depends on the data is one JVP (forward mode: no tape, so
    derivatives of any order through such loops stay small), unless `f` calls a custom_vjp
    function, whose rule is reverse-mode only. (`reduce_axes`: jax's deprecated argument, accepted
    empty.)

    >>> import fluxion as fx, fluxion.numpy as fnp
    >>> value, g = fx.value_and_grad(lambda x: (x ** 2).sum())(fnp.asarray([1.0, 2.0]))
    >>> float(value), g.tolist()
    (5.0, [2.0, 4.0])
    >>> complex(fx.grad(lambda z: z ** 2, holomorphic=True)(fnp.asarray(1.0 + 2.0j)))
    (2+4j)
    """
    require_callable("value_and_grad", f)
    _argnum_tuple(argnums, "grad")
    _no_reduce_axes("value_and_grad", reduce_axes)

    @functools.wraps(f)
    def wrapped(*args, **kwargs):
        if _ctx.interp is EAGER and not kwargs and not holomorphic:
            result = _eager_value_and_grad(f, args, argnums, has_aux)
            if result is not None:
                return result
        tapes, marks = loops_taped(), _marks()
        primals_out, out_tree, in_tree, linear, aux = _linearize_argnums(f, args, kwargs, argnums, has_aux, "grad",
                                                                         allow_int)
        if marks and not holomorphic and loops_taped() != tapes:
            result = _forward_instead(f, args, kwargs, argnums, has_aux, marks)
            if result is not None:
                return result
        if holomorphic:
            _complex_only("grad", linear.in_types, "input")
        out = _scalar_output(out_tree, primals_out[0] if out_tree.is_leaf else None, holomorphic)
        grads = tree.unflatten(in_tree, linear.backward([like(_one(out.dtype), out)]))
        grads = grads[0] if isinstance(argnums, int) else grads
        return ((out, aux) if has_aux else out), grads

    return wrapped


def grad(f: Callable, argnums: int | Sequence[int] = 0, has_aux: bool = False, holomorphic: bool = False,
         allow_int: bool = False, reduce_axes=()) -> Callable:
    """The gradient of a real scalar function with respect to the `argnums` arguments (the complex
    derivative of a holomorphic one with `holomorphic=True`; `allow_int` as in value_and_grad).

    >>> import fluxion as fx, fluxion.numpy as fnp
    >>> float(fx.grad(fnp.sin)(0.0))
    1.0
    >>> float(fx.grad(fx.grad(lambda x: x ** 3))(2.0))
    12.0
    """
    require_callable("grad", f)
    _no_reduce_axes("grad", reduce_axes)
    vg = value_and_grad(f, argnums, has_aux, holomorphic, allow_int)

    @functools.wraps(f)
    def wrapped(*args, **kwargs):
        (value, g) = vg(*args, **kwargs)
        return (g, value[1]) if has_aux else g

    return wrapped
