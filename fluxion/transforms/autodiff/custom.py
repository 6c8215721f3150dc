"""User-defined derivative rules: `custom_jvp` and `custom_vjp`.

A call of a function with a custom rule is one primitive whose parameters carry the Python
functions (`custom_jvp_call`, `custom_vjp_call`): a `CallPrimitive`. Interpreters with a rule
for it apply the rule; every other interpreter, eager included, runs the function itself. So
the rules compose with every transformation:

- the JVP interpreter calls the user's jvp rule on the primal values and tangents; reverse
  mode transposes the tangent computation the rule made, which is why that computation must
  be linear in the tangents; an outer differentiation differentiates the rule itself;
- for a custom_vjp function the JVP interpreter runs `fwd` and emits `custom_lin`, a linear
  primitive carrying `bwd` and the residuals, whose transpose rule calls `bwd`.

A rule says how to differentiate with respect to the function's arguments only, so values
being differentiated that the function closes over are refused with an error naming the fix.
"""
from __future__ import annotations

import copy
import functools
import inspect
from typing import Callable, Sequence

import numpy as np

from ...core import tree
from ...core.array import Array, Tracer, to_array
from ...core.errors import (ArgumentTypeError, DTypeError, InvalidArgumentError, MissingRuleError, ShapeError,
                            TracerLeakError, a_type, op_error)
from ...core.interpreters import _ctx, push, use
from ...core.primitive import abstract_eval, transpose_rules
from ...core.types import ArrayType
from ...ops import elementwise as E
from ...ops._ad import Zero, differentiable, instantiate, zeros
from .call_primitive import CallPrimitive, Record, Store, Substitute, fun_name, in_order, unpack
from .jvp import JVPInterpreter
from .partial_eval import StagingInterpreter
from .reverse_only import reverse_only, trying_forward_gradient


def _closure_error(kind: str, name: str):
    return op_error(TypeError, kind, f"{name} is differentiated with respect to a value it closes over (not one of "
                    "its arguments); its rule only says how to differentiate with respect to its arguments",
                    "pass that value to the function as an argument and adapt the rule")


def _guarded(owner: JVPInterpreter, kind: str, name: str, fn: Callable, *args, **kwargs):
    """`fn(*args, **kwargs)` (a custom function or rule) run below `owner`, refusing the values of
    `owner` it closes over: where they meet an operation, or, inside a nested call that runs
    further down, as a leaked tracer."""
    def refuse(tracer):
        raise _closure_error(kind, name)

    try:
        with push(Substitute(owner, refuse)):
            return fn(*args, **kwargs)
    except TracerLeakError as e:
        raise _closure_error(kind, name) from e


def _describe(x) -> str:
    if isinstance(x, (tuple, list)):
        return f"{a_type(x)} of length {len(x)}"
    return f"a value of type {type(x).__name__}"


def _pair(result, op: str, where: str, what: str):
    if not (isinstance(result, (tuple, list)) and len(result) == 2):
        raise op_error(TypeError, op, f"{where} returned {_describe(result)}; it must return a pair {what}",
                       f"return {what} as a tuple of two")
    return result


def _like(x, aval: ArrayType, op: str, where: str, kind: str):
    """`x` checked as a tangent or cotangent of a value of type `aval` (Zero if `aval` is not differentiable)."""
    if not differentiable(aval):
        return Zero(aval)
    if x.__class__ is Zero:
        return x
    x = to_array(x)
    if x.shape != aval.shape:
        raise op_error(ShapeError, op, f"{where} returned a {kind} of shape {x.shape} for a value of shape "
                       f"{aval.shape}", f"give each {kind} exactly the shape of its value")
    if x.dtype != aval.dtype:
        # a weak value (a Python number) took its dtype from what it met: a rule computing in
        # another (float64 beside a float64 array) means the same number
        if not x.weak and not aval.weak:
            raise op_error(DTypeError, op, f"{where} returned a {kind} of dtype {x.dtype} for a value of dtype "
                           f"{aval.dtype}", f"compute the {kind} in its value's dtype (e.g. .astype(x.dtype))")
        x = E.convert_element_type_p.bind(x, new_dtype=aval.dtype, weak=aval.weak)
    return x


def _merge(nums: tuple[int, ...], nondiff: tuple, diff) -> list:
    """The positional arguments: `diff` with the `nondiff` values put back at positions `nums` (ascending)."""
    args = list(diff)
    for n, v in zip(nums, nondiff):
        args.insert(n, v)
    return args


def _call_impl(*leaves, fun, nums, nondiff, in_tree, out_tree, **_):
    """A custom-rule call outside differentiation: the function itself."""
    out = fun(*_merge(nums, nondiff, tree.unflatten(in_tree, leaves)))
    out_leaves, out_tree.value = tree.flatten(out)
    return tuple(out_leaves)


class _Custom:
    """What custom_jvp and custom_vjp share: the function, nondiff_argnums, argument handling."""

    _kind = ""
    _rules: tuple[str, ...] = ()  # the attributes holding the rule's functions

    def __init__(self, fun: Callable, nondiff_argnums: Sequence[int] = (), nondiff_argnames: Sequence[str] = ()):
        functools.update_wrapper(self, fun)
        self.fun = fun
        self.nondiff_argnums = (nondiff_argnums,) if isinstance(nondiff_argnums, int) else tuple(nondiff_argnums)
        if nondiff_argnames:
            self.nondiff_argnums += self._positions((nondiff_argnames,) if isinstance(nondiff_argnames, str)
                                                    else tuple(nondiff_argnames))
        self._signature = None
        self._conversion = None  # (functions, the copy `converted` made of them, or None when it is this)

    def _refuse_symbolic_zeros(self, symbolic_zeros: bool) -> None:
        if symbolic_zeros:
            raise op_error(NotImplementedError, self._kind, "symbolic_zeros=True is not supported: zero tangents "
                           "and cotangents come as arrays of zeros", "drop symbolic_zeros=True")

    def _functions(self) -> tuple:
        """The function and its rule's functions (None where not defined yet)."""
        return (self.fun, *[getattr(self, n) for n in self._rules])

    def _positions(self, names: tuple[str, ...]) -> tuple[int, ...]:
        """The positions of the parameters `names` of the function (nondiff_argnames)."""
        try:
            params = list(inspect.signature(self.fun).parameters.values())
        except (TypeError, ValueError):
            params = []
        positional = [p.name for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        for n in names:
            if n not in positional:
                raise op_error(ValueError, self._kind, f"nondiff_argnames names {n!r}, which is not a positional "
                               f"parameter of {fun_name(self.fun)} (those are {positional})",
                               "name one of them, or use nondiff_argnums")
        return tuple(positional.index(n) for n in names)

    def _converted(self, convert: Callable) -> _Custom:
        """This function with `convert` applied to its function and rule's functions: a copy, or
        itself when `convert` changes none (cached until a rule is defined again). jit and vmap
        use it to convert their Python control flow (fluxion.control.convert)."""
        functions = self._functions()
        done = self._conversion
        if done is None or any(a is not b for a, b in zip(done[0], functions)):
            converted = tuple(map(convert, functions))
            new = None
            if any(a is not b for a, b in zip(converted, functions)):
                new = copy.copy(self)
                new.fun, *rules = converted
                for name, rule in zip(self._rules, rules):
                    setattr(new, name, rule)
                new._conversion = None
            done = self._conversion = (functions, new)
        return self if done[1] is None else done[1]

    def _positional(self, args: tuple, kwargs: dict) -> tuple:
        """All arguments as positional ones, defaults filled in, so a rule sees every primal."""
        if self._signature is None:
            try:
                self._signature = inspect.signature(self.fun)
            except (TypeError, ValueError):
                self._signature = False
        if self._signature is False:
            if kwargs:
                raise op_error(TypeError, self._kind, f"cannot match keyword arguments of {fun_name(self.fun)} to "
                               "positions", "pass its arguments positionally")
            return args
        try:
            bound = self._signature.bind(*args, **kwargs)
        except TypeError as e:
            raise op_error(TypeError, self._kind, f"{fun_name(self.fun)}: {e}", "call it with its parameters") from None
        if bound.kwargs:  # (keyword-only parameters left out keep their defaults: the call passes none)
            raise op_error(TypeError, self._kind, f"{fun_name(self.fun)} has keyword-only parameters "
                           f"{sorted(bound.kwargs)}", "make them positional parameters")
        bound.apply_defaults()
        return bound.args

    def _bind(self, prim: CallPrimitive, args: tuple, kwargs: dict, **rule_params):
        args = self._positional(args, kwargs)
        nargs = len(args)
        for n in self.nondiff_argnums:
            if not -nargs <= n < nargs:
                raise op_error(ValueError, self._kind, f"nondiff_argnums {self.nondiff_argnums} is out of range for "
                               f"{nargs} arguments of {fun_name(self.fun)}", f"use positions in [0, {nargs - 1}]")
        nums = tuple(sorted({n % nargs for n in self.nondiff_argnums}))
        nondiff = tuple(args[n] for n in nums)
        for n, v in zip(nums, nondiff):
            if any(isinstance(leaf, Tracer) for leaf in tree.leaves(v)):
                if self._kind == "custom_jvp":
                    return self._traced_nondiff(args, nums)
                raise op_error(TypeError, self._kind, f"argument {n} of {fun_name(self.fun)} is in nondiff_argnums but "
                               "holds a traced array", "pass arrays as ordinary arguments; nondiff_argnums is for "
                               "Python values such as functions, shapes and flags")
        diff = tuple(a for i, a in enumerate(args) if i not in nums)
        leaves, in_tree = tree.flatten(diff)
        leaves = [self._leaf(x) for x in leaves]
        out_tree = Store()
        outs = prim.bind(*leaves, nums=nums, nondiff=nondiff, in_tree=in_tree, out_tree=out_tree, **rule_params)
        return tree.unflatten(out_tree.value, outs)

    def _leaf(self, x) -> Array:
        if isinstance(x, (Array, np.ndarray, np.generic, bool, int, float, complex)):
            return to_array(x)
        raise op_error(TypeError, self._kind, f"an argument of {fun_name(self.fun)} holds {a_type(x)}, "
                       "which is not an array", "list that argument's position in nondiff_argnums")


class custom_jvp(_Custom):
    """A function with a user-defined forward-mode derivative, which reverse mode transposes.

    Define the rule with `defjvp` (or `defjvps`): `jvp(*nondiff_args, primals, tangents)`
    returns `(primal_out, tangent_out)`. The tangent output must be linear in the tangents
    (reverse mode transposes it); the rule is itself differentiated for higher orders.

    Args:
      fun: the function; it is what runs when no derivative is taken.
      nondiff_argnums: positions of arguments that are not differentiated (Python values such
        as functions or flags; arrays there are held constant, as by stop_gradient); the rule
        receives them first.
      nondiff_argnames: the same, by parameter name.

    >>> import fluxion as fx, fluxion.numpy as fnp
    >>> @fx.custom_jvp
    ... def log1pexp(x):
    ...     return fnp.log1p(fnp.exp(x))
    >>> @log1pexp.defjvp
    ... def log1pexp_jvp(primals, tangents):
    ...     (x,), (t,) = primals, tangents
    ...     return log1pexp(x), t * (1 - 1 / (1 + fnp.exp(x)))
    >>> float(fx.grad(log1pexp)(100.0))
    1.0
    """

    _kind = "custom_jvp"
    _rules = ("_jvp",)

    def __init__(self, fun: Callable, nondiff_argnums: Sequence[int] = (), nondiff_argnames: Sequence[str] = ()):
        super().__init__(fun, nondiff_argnums, nondiff_argnames)
        self._jvp = None
        self._zeros = False  # whether the rule accepts symbolic Zero tangents

    def defjvp(self, jvp: Callable, symbolic_zeros: bool = False) -> Callable:
        """Set the rule `jvp(*nondiff_args, primals, tangents) -> (primal_out, tangent_out)`; returns `jvp`.

        `primals` and `tangents` are tuples with one entry per differentiable argument; a zero
        tangent is an array of zeros (jax's `symbolic_zeros=True` is not supported).

        >>> import fluxion as fx, fluxion.numpy as fnp
        >>> f = fx.custom_jvp(fnp.sin)
        >>> _ = f.defjvp(lambda primals, tangents: (f(*primals), 2 * tangents[0]))
        >>> float(fx.grad(f)(0.5))
        2.0
        """
        self._refuse_symbolic_zeros(symbolic_zeros)
        self._jvp, self._zeros = jvp, False
        return jvp

    def defjvps(self, *jvps: Callable | None) -> None:
        """Set the rule from one function per argument: `fn(tangent, primal_out, *primals)` is that
        argument's contribution to the output tangent (None: the output does not depend on it).

        >>> import fluxion as fx, fluxion.numpy as fnp
        >>> f = fx.custom_jvp(lambda x, y: x * y)
        >>> f.defjvps(lambda t, ans, x, y: t * y, lambda t, ans, x, y: x * t)
        >>> [float(g) for g in fx.grad(f, argnums=(0, 1))(2.0, 3.0)]
        [3.0, 2.0]
        """
        if self.nondiff_argnums:
            raise op_error(TypeError, "custom_jvp", f"defjvps cannot be used with nondiff_argnums (on "
                           f"{fun_name(self.fun)})", "write the rule with defjvp, which receives the nondiff arguments")
        name = fun_name(self.fun)

        def jvp(primals, tangents):
            if len(jvps) != len(primals):
                raise op_error(TypeError, "custom_jvp", f"defjvps got {len(jvps)} functions but {name} was called "
                               f"with {len(primals)} arguments", "give one function (or None) per argument")
            ans = self(*primals)  # through the rule, so that a higher derivative of `ans` is the rule's
            out = None
            for fn, t in zip(jvps, tangents):
                if fn is None or all(leaf.__class__ is Zero for leaf in tree.leaves(t)):
                    continue
                term = fn(tree.map(instantiate, t), ans, *primals)
                out = term if out is None else tree.map(lambda a, b: a + b, out, term)
            return ans, tree.map(lambda a: Zero(to_array(a).aval), ans) if out is None else out

        self._jvp, self._zeros = jvp, True

    def __call__(self, *args, **kwargs):
        if self._jvp is None:
            raise op_error(MissingRuleError, "custom_jvp", f"{fun_name(self.fun)} has no jvp rule",
                           f"define one with @{fun_name(self.fun)}.defjvp (or .defjvps) before calling it")
        if custom_jvp_call_p.inline(_ctx.interp):
            return in_order(self.fun(*args, **kwargs))
        return self._bind(custom_jvp_call_p, args, kwargs, fun=self.fun, jvp=self._jvp, zeros=self._zeros)

    def _traced_nondiff(self, args: tuple, nums: tuple[int, ...]):
        """The call where nondiff arguments hold traced arrays (under jit or vmap): as in jax, those
        arrays are not differentiated; they become arguments of a function without nondiff_argnums."""
        leaves, structure = tree.flatten(tuple(args[n] for n in nums))
        traced = [i for i, leaf in enumerate(leaves) if isinstance(leaf, Tracer)]

        def nondiff(values):
            full = list(leaves)
            for i, v in zip(traced, values):
                full[i] = v
            return tree.unflatten(structure, full)

        @functools.wraps(self.fun)
        def fun(values, *diff):
            return self.fun(*_merge(nums, nondiff(values), diff))

        inner = custom_jvp(fun)
        inner.defjvp(lambda primals, tangents: self._jvp(*nondiff(primals[0]), primals[1:], tangents[1:]))
        values = [E.stop_gradient_p.bind(leaves[i]) for i in traced]
        return inner(values, *(a for i, a in enumerate(args) if i not in nums))


class custom_vjp(_Custom):
    """A function with a user-defined reverse-mode derivative.

    Define it with `defvjp(fwd, bwd)`: `fwd(*args)` returns `(output, residuals)` (any pytree
    of arrays and Python values); `bwd(*nondiff_args, residuals, output_cotangent)` returns a
    tuple with one cotangent per differentiable argument (None for zero). Forward mode
    (fx.jvp, fx.jacfwd) cannot differentiate such a function; use custom_jvp for that.

    Args:
      fun: the function; it is what runs when no derivative is taken.
      nondiff_argnums: positions of arguments that are not differentiated; `fwd` receives
        them in place, `bwd` receives them first.
      nondiff_argnames: the same, by parameter name.

    >>> import fluxion as fx, fluxion.numpy as fnp
    >>> @fx.custom_vjp
    ... def clip_gradient(x):
    ...     return x
    >>> clip_gradient.defvjp(lambda x: (x, None),
    ...                      lambda res, g: (fnp.clip(g, -1.0, 1.0),))
    >>> float(fx.grad(lambda x: 5 * clip_gradient(x))(2.0))
    1.0
    """

    _kind = "custom_vjp"
    _rules = ("_fwd", "_bwd")

    def __init__(self, fun: Callable, nondiff_argnums: Sequence[int] = (), nondiff_argnames: Sequence[str] = ()):
        super().__init__(fun, nondiff_argnums, nondiff_argnames)
        self._fwd = self._bwd = None

    def defvjp(self, fwd: Callable, bwd: Callable, symbolic_zeros: bool = False, optimize_remat: bool = False) -> None:
        """Set the rule: `fwd(*args) -> (output, residuals)`, `bwd(*nondiff_args, residuals, ct) -> cts`
        (jax's `symbolic_zeros=True` is not supported; its `optimize_remat` changes nothing here).

        >>> import fluxion as fx, fluxion.numpy as fnp
        >>> f = fx.custom_vjp(fnp.sin)
        >>> f.defvjp(lambda x: (fnp.sin(x), fnp.cos(x)), lambda cos_x, g: (g * cos_x,))
        >>> float(fx.grad(f)(0.0))
        1.0
        """
        self._refuse_symbolic_zeros(symbolic_zeros)
        self._fwd, self._bwd = fwd, bwd

    def __call__(self, *args, **kwargs):
        if self._fwd is None:
            raise op_error(MissingRuleError, "custom_vjp", f"{fun_name(self.fun)} has no vjp rule",
                           f"define one with {fun_name(self.fun)}.defvjp(fwd, bwd) before calling it")
        if custom_vjp_call_p.inline(_ctx.interp):
            return in_order(self.fun(*args, **kwargs))
        return self._bind(custom_vjp_call_p, args, kwargs, fun=self.fun, fwd=self._fwd, bwd=self._bwd)


# rules ---------------------------------------------------------------------------------------
def _jvp_of_call(kind: str, rule: Callable) -> Callable:
    """The JVP handling of a custom-rule call: `rule(interp, primals, tangents, **params)`, run on
    the parent interpreter; values of `interp` the function closes over are refused, and so are
    tangents of its first `closed` operands (values it closed over, passed as operands where
    the call runs again later: fluxion.control._closure)."""
    def jvp(interp, args, params):
        primals, tangents = unpack(interp, args)
        name = fun_name(params["fun"])
        closed = params.get("closed", 0)
        if closed and any(map(_live(interp, primals), tangents[:closed])):
            raise _closure_error(kind, name)
        with use(interp.parent):
            if all(t.__class__ is Zero for t in tangents):
                return _guarded(interp, kind, name, _call_impl, *primals, **params)
            outs, t_outs = _guarded(interp, kind, name, rule, interp, primals, tangents, **params)
        return tuple(interp.wrap(o, t) for o, t in zip(outs, t_outs))
    return jvp


def _live(interp: JVPInterpreter, primals) -> Callable:
    """Whether a tangent of the call on `primals` is not zero."""
    staging = interp.parent
    # while linearizing, a tangent that is not staged depends on no input: by linearity it is zero
    linear = isinstance(staging, StagingInterpreter) and staging.linearizes(primals)
    return lambda t: t.__class__ is not Zero and (not linear or staging.owns(t))


def _custom_jvp_rule(interp, primals, tangents, *, fun, jvp, zeros, nums, nondiff, in_tree, out_tree, closed=0):
    if not zeros:
        tangents = [instantiate(t) for t in tangents]
    where = f"the jvp rule of {fun_name(fun)}"
    result = jvp(*nondiff, tree.unflatten(in_tree, primals), tree.unflatten(in_tree, tangents))
    p_out, t_out = _pair(result, "custom_jvp", where, "(primal_out, tangent_out)")
    p_leaves, p_tree = tree.flatten(p_out)
    t_leaves, t_tree = tree.flatten(t_out)
    if p_tree != t_tree:
        raise op_error(ValueError, "custom_jvp", f"{where} returned tangents of structure {t_tree} for primal "
                       f"outputs of structure {p_tree}", "return one tangent per output array, in the same structure")
    p_leaves = [to_array(p) for p in p_leaves]
    out_tree.value = p_tree
    return p_leaves, [_like(t, p.aval, "custom_jvp", where, "tangent") for t, p in zip(t_leaves, p_leaves)]


_DYNAMIC = object()  # marks, among the residual leaves, one that travels as an operand of custom_lin


def _run_fwd(primals, name, fwd, nums, nondiff, in_tree, out_tree) -> tuple[list, object]:
    """The output leaves and the residuals of `fwd` on `primals`."""
    result = fwd(*_merge(nums, nondiff, tree.unflatten(in_tree, primals)))
    out, res = _pair(result, "custom_vjp", f"the fwd rule of {name}", "(output, residuals)")
    out_leaves, out_tree.value = tree.flatten(out)
    return [to_array(o) for o in out_leaves], res


def fwd_outputs(*primals, fun, fwd, nums, nondiff, in_tree, out_tree, **_) -> tuple:
    """A custom_vjp call's outputs as differentiating it computes them: by `fwd`."""
    return tuple(_run_fwd(primals, fun_name(fun), fwd, nums, nondiff, in_tree, out_tree)[0])


def _custom_vjp_rule(interp, primals, tangents, *, fun, fwd, bwd, nums, nondiff, in_tree, out_tree, closed=0):
    name = fun_name(fun)
    if trying_forward_gradient():
        raise reverse_only(name)
    out_leaves, res = _run_fwd(primals, name, fwd, nums, nondiff, in_tree, out_tree)
    res_leaves, res_tree = tree.flatten(res)
    res_leaves = [to_array(r) if isinstance(r, (np.ndarray, np.generic)) else r for r in res_leaves]
    arrays = [r for r in res_leaves if isinstance(r, Array)]
    is_live = _live(interp, primals)
    live = tuple(i for i, t in enumerate(tangents) if is_live(t))
    if not live:
        return out_leaves, [Zero(o.aval) for o in out_leaves]
    call = Record(name=name, bwd=bwd, owner=interp, nums=nums, nondiff=nondiff, num_res=len(arrays),
                  res_tree=res_tree, res_static=[_DYNAMIC if isinstance(r, Array) else r for r in res_leaves],
                  in_tree=in_tree, in_avals=[p.aval for p in primals], live=live, out_tree=out_tree.value,
                  out_avals=tuple(o.aval for o in out_leaves))
    lin = custom_lin_p.bind(*arrays, *[tangents[i] for i in live], call=call)
    return out_leaves, [t if differentiable(o.aval) else Zero(o.aval) for o, t in zip(out_leaves, lin)]


custom_jvp_call_p = CallPrimitive("custom_jvp_call", _call_impl, ("fun", "jvp"),
                                  jvp=_jvp_of_call("custom_jvp", _custom_jvp_rule))
custom_vjp_call_p = CallPrimitive("custom_vjp_call", _call_impl, ("fun", "fwd", "bwd"),
                                  jvp=_jvp_of_call("custom_vjp", _custom_vjp_rule))


def _custom_lin_impl(*args, call):
    raise reverse_only(call.name)


def _custom_lin_transpose(cts, *args, call):
    arrays = iter(args[:call.num_res])
    res = tree.unflatten(call.res_tree, [next(arrays) if s is _DYNAMIC else s for s in call.res_static])
    ct = tree.unflatten(call.out_tree, [instantiate(c) for c in cts])
    result = _guarded(call.owner, "custom_vjp", call.name, call.bwd, *call.nondiff, res, ct)
    in_cts = _bwd_cotangents(result, call.in_tree, call.in_avals, call.nums, f"the bwd rule of {call.name}")
    return [None] * call.num_res + [in_cts[i] for i in call.live]


def _bwd_cotangents(result, in_tree, in_avals, nums, where: str) -> list:
    """The leaves of `bwd`'s result, checked against the differentiable arguments (None: zero)."""
    arg_trees = in_tree.subtrees
    if not isinstance(result, (tuple, list)) or len(result) != len(arg_trees):
        raise op_error(TypeError, "custom_vjp", f"{where} returned {_describe(result)}; it must return a tuple with "
                       f"one cotangent per differentiable argument ({len(arg_trees)})",
                       "return a tuple, e.g. (ct_x,) for one argument, with None for a zero cotangent")
    positions = [i for i in range(len(arg_trees) + len(nums)) if i not in nums]
    leaves: list = []
    for pos, ct, t in zip(positions, result, arg_trees):
        try:  # (a None where the argument has a leaf or a subtree is zeros; where it has None, nothing)
            subtrees = _with_zeros(t, ct)
        except (ArgumentTypeError, InvalidArgumentError):  # (a container of another type, or other keys)
            subtrees = None
        if subtrees is None or any(c is not None and not tree.structure(c).is_leaf for c in subtrees):
            ct_tree = tree.structure(ct, is_leaf=lambda x: x is None)
            raise op_error(ValueError, "custom_vjp", f"{where} returned a cotangent of structure {ct_tree} for "
                           f"argument {pos}, which has structure {t}", "give each cotangent its argument's structure")
        leaves += subtrees
    return [Zero(a) if c is None else _like(c, a, "custom_vjp", where, "cotangent") for c, a in zip(leaves, in_avals)]


def _with_zeros(t: tree.TreeDef, ct) -> list:
    """The subtrees of `ct` at the leaves of structure `t`, a None in `ct` standing for a zero
    (None) at each leaf of the subtree it replaces, as jax's bwd rules may return."""
    if ct is None:
        return [None] * t.num_leaves
    if t.is_leaf:
        return [ct]
    top = tree.TreeDef(t.node, t.aux, tuple(tree.structure(0) for _ in t.subtrees))  # (t's node, over leaves)
    return [leaf for sub, c in zip(t.subtrees, top.flatten_up_to(ct)) for leaf in _with_zeros(sub, c)]


def linear_call_jvp(prim: CallPrimitive, value: Callable) -> None:
    """Give `prim`, a call primitive linear in its operands after the first `call.num_res` (its
    residuals), its jvp. With no residual tangents (as in the linearization of a linear program,
    which transposes it) the tangent is the call on the operands' tangents, recorded to be
    transposed later, and the value is `value(primals, call)`; both are made on the parent.
    With residual tangents the impl runs under the JVP interpreter, which differentiates it
    (or the impl raises, where it cannot run forward)."""
    def jvp(interp, args, params):
        call = params["call"]
        primals, tangents = zip(*map(interp.unpack, args))
        if any(t is not None and t.__class__ is not Zero for t in tangents[:call.num_res]):
            return prim.impl(*args, **params)
        lin = tangents[call.num_res:]
        with use(interp.parent):
            out = tuple(value(primals, call))
            if all(t is None or t.__class__ is Zero for t in lin):
                return out
            lin = [zeros(p.aval) if t is None else instantiate(t) for p, t in zip(primals[call.num_res:], lin)]
            t_out = prim.bind(*primals[:call.num_res], *lin, **params)
        return tuple(interp.wrap(o, t) for o, t in zip(out, t_out))

    prim.jvp = jvp


custom_lin_p = CallPrimitive("custom_lin", _custom_lin_impl, staged=True)
# custom_lin appears only in linear programs; where they are linearized (at zero, to be
# transposed) its value is zero, and anywhere else running it forward raises
linear_call_jvp(custom_lin_p, lambda primals, call: [zeros(a) for a in call.out_avals])
abstract_eval[custom_lin_p] = lambda *avals, call: call.out_avals
transpose_rules[custom_lin_p] = _custom_lin_transpose
