"""`while_loop` and `fori_loop`, and the primitive `while_p`.

The primitive:

    carry_out = while_p.bind(*cond_consts, *body_consts, *init,
                             cond=Program, body=Program, cond_nconsts=int, body_nconsts=int,
                             capacity=int | None)

- `cond` is a closed program (no constvars) with inputs `[*cond_consts, *carry]` and one
  output, a 0-d bool;
- `body` is a closed program with inputs `[*body_consts, *carry]` and outputs `carry`, of
  exactly the carry's types (shape, dtype and weakness; `while_loop` settles weak initial
  values before binding);
- the operands are the values the two functions close over (`cond_nconsts`, then
  `body_nconsts` of them), then the initial carry; the results are the final carry;
- `capacity` (an int, or None for `while_tape.default_capacity`'s) is for reverse mode: how
  many loop states its forward sweep keeps.

Programs are interned (`_subprogram.intern`), so binding the same functions again gives
params that compare equal. Eagerly, with no transformation active, `while_loop` runs the
Python functions directly.
"""
from __future__ import annotations

import functools
from typing import Any, Callable

from ..core import dtypes, tree
from ..core.array import Array, Tracer, to_array
from ..core.errors import op_error
from ..core.checking import CHECKER
from ..core.interpreters import EAGER, EagerProxy, _ctx
from ..core.program import Program
from ..core.rules import passed_operands
from ..core.types import ArrayType
from ..ops._util import define
from ._subprogram import Staged, args_tree, arrays, as_type, carried, check_functions, scalar_predicate, stage_body

def _while_abstract(*avals: ArrayType, cond: Program, body: Program, cond_nconsts: int, body_nconsts: int,
                    capacity: int | None) -> tuple[ArrayType, ...]:
    carry = avals[cond_nconsts + body_nconsts:]
    if list(carry) != body.out_types or [*avals[:cond_nconsts], *carry] != cond.in_types:
        raise AssertionError(f"while_p: operand types {list(avals)} do not match its programs")
    return tuple(carry)


while_p = define("while", _while_abstract, multiple_results=True)
passed_operands[while_p] = lambda params: {  # (the closed-over values; the carry changes)
    "cond": [(k, k) for k in range(params["cond_nconsts"])],
    "body": [(params["cond_nconsts"] + k, k) for k in range(params["body_nconsts"])]}


def _check_capacity(capacity) -> None:
    if capacity is not None and (not isinstance(capacity, int) or isinstance(capacity, bool) or capacity < 2):
        raise op_error(ValueError, "while_loop", f"capacity must be None or an int >= 2, got {capacity!r}",
                       "pass e.g. capacity=64")


_STAGING = EagerProxy()


def staged_when_eager(fn: Callable) -> Callable:
    """`fn`, one of fluxion's own functions, whose loops (`fori_loop`, `while_loop`, `scan`)
    stage their bodies also when it is called with no transformation active: each body is then
    traced once and run as its NumPy kernels, not by Python step by step through the interpreter
    (2-3x faster for hyp2f1, hyp1f1 and betaincinv, 1.7x for poch; short loops gain nothing).
    Its loop bodies call no user code, so nothing else changes, the values included. Checks for
    NaN and infinity (core/checking.py) see it as one operation: the NaNs its branches make and
    then drop are not reported."""
    @functools.wraps(fn)
    def wrapped(*args, **kwargs):
        interp = _ctx.interp
        if interp is not EAGER and interp is not CHECKER:
            if not (CHECKER.nans or CHECKER.infs):
                return fn(*args, **kwargs)
            checks = CHECKER.nans, CHECKER.infs
            CHECKER.nans = CHECKER.infs = False  # (inside a transformation: its own steps are not checked)
            try:
                return fn(*args, **kwargs)
            finally:
                CHECKER.nans, CHECKER.infs = checks
        _ctx.interp = _STAGING
        try:
            out = fn(*args, **kwargs)
        finally:
            _ctx.interp = interp
        if interp is CHECKER:
            CHECKER.check(fn.__name__, tree.leaves(out), tree.leaves((args, kwargs)))
        return out
    return wrapped


def _eager_while(cond_fun, body_fun, val, init_avals, in_tree):
    """The loop run by Python (no transformation active), checking the carry's types as staging would."""
    while bool(scalar_predicate("while_loop", "cond_fun's result", cond_fun(val), allow_numbers=False)):
        val = carried("while_loop", "body_fun", in_tree, init_avals, body_fun(val))
    return val


def while_loop(cond_fun: Callable, body_fun: Callable, init_val: Any, *, capacity: int | None = None) -> Any:
    """Repeat `val = body_fun(val)` while `cond_fun(val)` is true, from `init_val`; return the final `val`.

    `val` is any pytree of arrays; `body_fun` must return one of the same structure and types.
    Unlike in JAX, the loop can be differentiated in reverse mode, with a trip count that
    depends on the data: `capacity` bounds how many loop states reverse mode keeps (states it
    dropped are recomputed from the kept ones).

    For derivatives of order 3 and above, take reverse mode once and forward mode over it
    (`fx.jacfwd(fx.hessian(f))`): reverse mode over reverse mode keeps, at each loop state,
    the states the inner sweep keeps, so its memory and time grow as `capacity` to the power
    of the order.

    Args:
      cond_fun: `val -> scalar bool`.
      body_fun: `val -> val`.
      init_val: the initial value.
      capacity: the number of loop states reverse mode keeps (an int >= 2); by default 64, or
        where states are large as many as fit in 64 MiB (at least 4).

    Returns:
      The value when `cond_fun` first returns False.

    >>> import fluxion as fx
    >>> int(fx.while_loop(lambda i: i < 10, lambda i: i * 2, 1))
    16
    """
    check_functions("while_loop", cond_fun=cond_fun, body_fun=body_fun)
    _check_capacity(capacity)
    init, in_tree = arrays("while_loop", "init_val", init_val)
    if _ctx.interp is EAGER:
        return _eager_while(cond_fun, body_fun, tree.unflatten(in_tree, init), [x.aval for x in init], in_tree)
    body, carry_avals, _ = stage_body("while_loop", "body_fun", body_fun, in_tree, [x.aval for x in init])
    cond = Staged("while_loop", "cond_fun", lambda v: scalar_predicate(
        "while_loop", "cond_fun's result", cond_fun(v), allow_numbers=False), args_tree(in_tree), carry_avals)
    cond_prog, cond_consts = cond.close()
    body_prog, body_consts = body.close()
    init = [as_type(x, a) for x, a in zip(init, carry_avals)]
    outs = while_p.bind(*cond_consts, *body_consts, *init, cond=cond_prog, body=body_prog,
                        cond_nconsts=len(cond_consts), body_nconsts=len(body_consts), capacity=capacity)
    return tree.unflatten(in_tree, outs)


def fori_loop(lower, upper, body_fun: Callable, init_val: Any, *, unroll: int | bool | None = None) -> Any:
    """`val = body_fun(i, val)` for i in range(lower, upper), from `init_val`; return the final `val`.

    With bounds known in Python (ints, or arrays not being traced) the loop is a `scan` of
    `upper - lower` steps, which `unroll` passes to; with traced bounds, a `while_loop`, which
    takes no `unroll`. `i` has the dtype of the bounds.

    >>> import fluxion as fx
    >>> int(fx.fori_loop(0, 5, lambda i, total: total + i, 0))
    10
    """
    from .convert import convert
    from .scan import _unroll, scan
    check_functions("fori_loop", body_fun=body_fun)
    body_fun = convert(body_fun)  # staged inside a wrapper of this module, which is not converted
    lo, hi = _bound(lower, "lower"), _bound(upper, "upper")
    dt, weak = dtypes.result_type((lo.dtype, lo.weak), (hi.dtype, hi.weak))
    lo, hi = _as(lo, dt, weak), _as(hi, dt, weak)
    leaves, in_tree = arrays("fori_loop", "init_val", init_val)
    init_avals = [x.aval for x in leaves]

    unchecked = [True]

    def checked(i, val):
        """body_fun's first pass checked, so that a carry error names fori_loop's arguments (the
        loop below checks every pass, as its own carry's part)."""
        out = body_fun(i, val)
        if unchecked:
            unchecked.clear()
            out = carried("fori_loop", "body_fun", in_tree, init_avals, out)
        return out

    if not isinstance(lo, Tracer) and not isinstance(hi, Tracer):
        start, stop = int(lo), int(hi)
        if unroll is not None:
            _unroll(unroll, 1, "fori_loop")  # (its error names fori_loop)

        def step(carry, _):
            i, val = carry
            return (i + 1, checked(i, val)), None

        (_, out), _ = scan(step, (lo, init_val), None, length=max(stop - start, 0),
                           unroll=1 if unroll is None else unroll)
        return out
    if unroll is not None and _unroll(unroll, 2, "fori_loop") > 1:  # (True, or a count: a loop of known length)
        raise op_error(ValueError, "fori_loop", "unroll needs bounds known in Python, but a bound is traced",
                       "make the bounds static (static_argnums) or drop unroll")

    def cond(carry):
        return carry[0] < carry[1]

    def body(carry):
        i, stop, val = carry
        return i + 1, stop, checked(i, val)

    return while_loop(cond, body, (lo, hi, init_val))[2]


def _bound(x, name: str) -> Array:
    x = to_array(x)
    if x.ndim or x.dtype not in dtypes.INTEGER:
        raise op_error(TypeError, "fori_loop", f"{name} must be a scalar integer, got {x.aval}",
                       "pass an int, or convert with .astype(int)")
    return x


def _as(x: Array, dt, weak: bool) -> Array:
    from ..ops import elementwise as E
    return x if x.dtype == dt and x.weak == weak else E.convert_element_type_p.bind(x, new_dtype=dt, weak=weak)
