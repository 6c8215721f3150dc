"""Random small programs over fluxion.numpy, fluxion.scipy.special and control flow, for gradient checks.

`programs()` is a hypothesis strategy of `RandomProgram`s: input shapes (0-d to 3-d, broadcasting
against each other, size-1 axes), BATCH float64 input sets, and a `Body`: steps, each an operation
applied to earlier values, and a scalar result, the sum of the values no step uses, each times
fixed weights. Operations come from `_random_ops.OPS` and from the control flow here (fx.cond,
fx.switch, fx.while_loop, fx.scan, fx.fori_loop, Python if / while / for), whose branches and loop
bodies hold random bodies of their own.

A step's constants are chosen as it is drawn, from the values its operands take in every
situation it will run in: each input set, and inside a loop each iteration of it (see
_random_ops.py). So the program is smooth there: central differences are reliable, and small
perturbations take the same branches and trip counts.
"""
from __future__ import annotations

import functools
from typing import NamedTuple

import numpy as np
from hypothesis import strategies as st

import fluxion as fx
import fluxion.numpy as fnp

from _random_ops import BOUND, MAX_NDIM, MAX_SIZE, OPS, Op, anything, away, broadcastable

BATCH = 3
MAX_DEPTH = 2  # control flow nests this deep


class Step(NamedTuple):
    op: str
    args: tuple[int, ...]
    params: dict
    results: int  # how many values it adds
    staged: bool  # inside a function that fx.cond, fx.scan or fx.while_loop stage


class Body(NamedTuple):
    """`body(*values)`: the steps on `values`, then the sum of each unused value times its weights."""
    steps: tuple[Step, ...]
    outputs: tuple[int, ...]
    weights: tuple[np.ndarray, ...]

    def __call__(self, *xs):
        values = list(xs)
        for step in self.steps:
            out = MENU[step.op].apply(*[values[i] for i in step.args], **step.params)
            values.extend(out if isinstance(out, tuple) else (out,))
        return sum(fnp.sum(values[i] * fnp.asarray(w, dtype=values[i].dtype))
                   for i, w in zip(self.outputs, self.weights))


class Context(NamedTuple):
    """Where a body runs: how deep in control flow, and whether transformations stage it (a
    function given to fx.cond, fx.scan, fx.while_loop, fx.fori_loop or a custom rule), so that
    Python `if` / `while` on its values cannot run under fx.grad."""
    depth: int = 0
    staged: bool = False

    def inner(self, staged: bool) -> Context:
        return Context(self.depth + 1, self.staged or staged)


# control flow ---------------------------------------------------------------------------------
BRANCHES = (lambda a, b: fnp.sin(a) * b, lambda a, b: a + fnp.tanh(b), lambda a, b: 0.5 * a * b,
            lambda a, b: fnp.exp(fnp.tanh(a)) - b, lambda a, b: 0.3 * (a - b) ** 2)


def _branch(a, b, form, body):
    return BRANCHES[form](a, b) + 0.1 * body(a, b)


def cond(a, b, form, thresholds, branches):
    funs = [functools.partial(_branch, form=f, body=body) for f, body in branches]
    m = fnp.mean(a)
    if form == "switch":
        return fx.switch(fnp.sum(fnp.stack([m > t for t in thresholds])), funs, a, b)
    if form == "cond":
        return fx.cond(m > thresholds[0], funs[0], funs[1], a, b)
    if m > thresholds[0]:  # a Python `if` on a value: converted to fx.cond under jit and vmap
        return funs[0](a, b)
    return funs[1](a, b)


def _draw_cond(draw, values, context):
    form = draw(st.sampled_from(["cond", "switch", "python"]))
    means = [float(np.mean(x)) for x in values[0]]
    thresholds = (away(means, target=float(np.median(means))),)  # splits the situations
    if form == "switch":
        thresholds = tuple(sorted({*thresholds, away(means, target=draw(st.floats(-1, 1)))}))
    inner = context.inner(staged=form != "python")
    branches = tuple((draw(st.integers(0, len(BRANCHES) - 1)), _draw_body(draw, values, inner))
                     for _ in range(len(thresholds) + 1))
    return {"form": form, "thresholds": thresholds, "branches": branches}


def _while_step(t, v, scale, rate):
    # a step's derivatives stay moderate (|dv'/dv| <= 1.1), so that after several steps
    # central differences are still accurate
    return t * rate + 0.1, v * 0.8 + 0.3 * scale * fnp.sin(v + t)


def _while_start(a, b):
    # the carry keeps b's dtype where a's differs
    return (0.5 + fnp.mean(fnp.tanh(a) ** 2)).astype(b.dtype), fnp.tanh(fnp.mean(a)).astype(b.dtype)


def loop_while(a, b, form, limit, rate, capacity, body):
    """A loop whose trip count depends on `a`: t grows from 0.5 + mean(tanh(a)**2) past `limit`; it
    also carries v (from b) and the sum of `body(v, t)` over the iterations."""
    t, scale = _while_start(a, b)  # scale: closed over by the loop body

    def step(carry):
        t, v, total = carry
        t, v = _while_step(t, v, scale, rate)
        return t, v, total + body(v, t)

    carry = (t, b, fnp.zeros((), b.dtype))
    if form == "python":
        while carry[0] < limit:  # converted to fx.while_loop under jit and vmap
            carry = step(carry)
    else:
        carry = fx.while_loop(lambda c: c[0] < limit, step, carry, capacity=capacity)
    return carry


def _draw_while(draw, values, context):
    rate = draw(st.sampled_from([1.5, 2.0]))
    runs = []  # per input set: the carried (t, v) over 8 steps
    for a, b in zip(*values):
        t, scale = _while_start(fnp.asarray(a), fnp.asarray(b))
        states = [(t, fnp.asarray(b))]
        for _ in range(8):
            states.append(_while_step(*states[-1], scale, rate))
        runs.append(states)
    paths = [[float(t) for t, _ in states] for states in runs]
    steps = draw(st.integers(1, 4))
    limit = away(paths, target=(paths[0][steps - 1] + paths[0][steps]) / 2)
    if any(path[-1] < limit for path in paths):
        return None
    # the body sees the state after each step the loop takes (one from each t below the limit)
    situations = [(np.asarray(v), np.asarray(t)) for states, path in zip(runs, paths)
                  for (t, v), before in zip(states[1:], path) if before < limit]
    if not situations:
        return None
    form = draw(st.sampled_from(["fx", "python"]))
    body = _draw_body(draw, [list(s) for s in zip(*situations)], context.inner(staged=form == "fx"))
    return {"form": form, "limit": limit, "rate": rate, "capacity": draw(st.sampled_from([2, 3, 64])),
            "body": body}


def _scan_step(c, x, w):
    return fnp.tanh(c * 0.9 + x * w)


def _scan_weight(a, b):
    return fnp.cos(fnp.mean(b)).astype(a.dtype)  # the carry keeps a's dtype where b's differs


def scan(a, b, reverse, unroll, body):
    """A scan over a's leading axis carrying c (from a[0]); its outputs depend on `body(c, x)`."""
    w = _scan_weight(a, b)  # closed over by the loop body

    def step(c, x):
        c = _scan_step(c, x, w)
        return c, c * x + c + 0.1 * body(c, x)

    return fx.scan(step, a[0] * 0.5, a, reverse=reverse, unroll=unroll)


def _draw_scan(draw, values, context):
    if values[0][0].ndim == 0:
        return None
    reverse = draw(st.booleans())
    situations = []
    for a, b in zip(*values):
        w = _scan_weight(a, fnp.asarray(b))
        c = fnp.asarray(a[0] * 0.5)
        for x in (a[::-1] if reverse else a):
            c = _scan_step(c, fnp.asarray(x), w)
            situations.append((np.asarray(c), x))
    body = _draw_body(draw, [list(s) for s in zip(*situations)], context.inner(staged=True))
    return {"reverse": reverse, "unroll": draw(st.sampled_from([1, 2])), "body": body}


def _fori_step(i, v):
    return v * 0.9 + 0.2 * fnp.sin(v + i * 0.3)


def _trip_count(x, steps):
    """`steps`, or for a tuple of thresholds 1 + how many of them mean(x) exceeds: a count that
    depends on the data (traced under jit and vmap, where fx.fori_loop becomes a while loop)."""
    if isinstance(steps, int):
        return steps
    m = fnp.mean(x)
    return 1 + fnp.sum(fnp.stack([m > t for t in steps]).astype(fnp.int32))


def fori(x, form, steps, body):
    """x updated `steps` times (see `_trip_count`), with the sum of `body(x)` over the steps; or
    Python loops over x's rows and `if`s on its shape."""
    def step(i, carry):
        v = _fori_step(i, carry[0])
        return v, carry[1] + body(v)

    if form == "rows":
        total = fnp.zeros_like(x[0])
        for row in x:  # a Python loop over an array: fx.scan under jit
            total = total * 0.5 + fnp.sin(row)
        return total
    if form == "shape":
        if x.ndim >= 1 and x.shape[-1] > 1:  # a Python `if` on a shape
            return fnp.flip(x, -1) * fnp.cos(x)
        return x * 2.0
    carry = (x, fnp.zeros((), x.dtype))
    if form == "python":
        for i in range(steps):  # a Python loop over numbers
            carry = step(i, carry)
        return carry
    return fx.fori_loop(0, _trip_count(x, steps), step, carry)


def _draw_fori(draw, values, context):
    form = draw(st.sampled_from(["fx", "python", "rows", "shape"]))
    if form == "rows" and values[0][0].ndim == 0:
        return None
    steps, body = draw(st.integers(1, 3)), None
    if form == "fx" and draw(st.booleans()):
        means = [float(np.mean(x)) for x in values[0]]
        steps = tuple(sorted({away(means, target=float(np.median(means))), away(means, target=draw(st.floats(-1, 1)))}))
    if form in ("fx", "python"):
        situations = []
        for x in values[0]:
            v = fnp.asarray(x)
            for i in range(int(_trip_count(v, steps))):
                v = _fori_step(i, v)
                situations.append(np.asarray(v))
        body = _draw_body(draw, [situations], context.inner(staged=form == "fx"))
    return {"form": form, "steps": steps, "body": body}


def custom(a, b, form, branch, body):
    """`_branch` through fx.checkpoint, or with its derivative given by a custom_jvp or custom_vjp
    rule (which differentiates the same function, so the derivative is unchanged)."""
    def fn(a, b):  # the custom rules take positional parameters only
        return _branch(a, b, branch, body)

    if form == "custom_jvp":
        wrapped = fx.custom_jvp(fn)
        wrapped.defjvp(lambda primals, tangents: fx.jvp(fn, primals, tangents))
    elif form == "custom_vjp":
        wrapped = fx.custom_vjp(fn)
        wrapped.defvjp(lambda a, b: (fn(a, b), (a, b)), lambda res, ct: fx.vjp(fn, *res)[1](ct))
    else:
        wrapped = fx.checkpoint(fn, policy=form)
    return wrapped(a, b)


def _draw_custom(draw, values, context):
    form = draw(st.sampled_from(["custom_jvp", "custom_vjp", None, "dots_saveable", "everything_saveable"]))
    inner = context.inner(staged=True)
    if form == "custom_jvp":  # no control flow in it: see test_custom_jvp_rule_may_differentiate_control_flow
        inner = Context(MAX_DEPTH, staged=True)
    return {"form": form, "branch": draw(st.integers(0, len(BRANCHES) - 1)), "body": _draw_body(draw, values, inner)}


CONTROL = {
    "custom": Op(custom, _draw_custom, broadcastable),
    "cond": Op(cond, _draw_cond, broadcastable),
    "while": Op(loop_while, _draw_while, anything),
    "scan": Op(scan, _draw_scan, anything),
    "fori": Op(fori, _draw_fori),
}
MENU = {**OPS, **CONTROL}
# elementwise operations come up more often: they have the most functions
_CHOICES = ["unary"] * 4 + ["binary"] * 3 + ["reduce"] * 2 + sorted(set(MENU) - {"unary", "binary", "reduce"})
# Python control flow on values runs only where the values are concrete
_CONCRETE_ONLY = {("cond", "python"), ("while", "python")}


# drawing --------------------------------------------------------------------------------------
def _results(out) -> list[np.ndarray]:
    return [np.asarray(o) for o in (out if isinstance(out, tuple) else (out,))]


def _acceptable(values: list[np.ndarray]) -> bool:
    return all(0 < v.size <= MAX_SIZE and v.ndim <= MAX_NDIM and np.all(np.isfinite(v)) and np.max(np.abs(v)) <= BOUND
               for v in values)


def _draw_step(draw, values: list, context: Context) -> tuple[Step, list] | None:
    """One step on `values` (each a list over the situations) and its results, or None."""
    name = draw(st.sampled_from(_CHOICES))
    op = MENU[name]
    if name in CONTROL and context.depth >= MAX_DEPTH:
        return None
    args = (len(values) - 1 - draw(st.integers(0, len(values) - 1)),)  # shrinks towards the newest value
    if op.partner is not None:
        shape = values[args[0]][0].shape
        partners = [j for j in range(len(values)) if op.partner(shape, values[j][0].shape)]
        if not partners:
            return None
        args += (draw(st.sampled_from(partners[::-1])),)
    operands = [values[i] for i in args]
    params = op.draw(draw, operands, context) if name in CONTROL else op.draw(draw, operands)
    if params is None or context.staged and (name, params.get("form")) in _CONCRETE_ONLY:
        return None
    results = [_results(op.apply(*[fnp.asarray(x[k]) for x in operands], **params)) for k in range(len(values[0]))]
    if not all(_acceptable(r) for r in results):
        return None
    return Step(name, args, params, len(results[0]), context.staged), [list(r) for r in zip(*results)]


def _draw_body(draw, values: list, context: Context, min_steps: int = 1, max_steps: int = 4) -> Body:
    """A body on `values` (each a list over the situations it runs in)."""
    values, steps = list(values), []
    for _ in range(draw(st.integers(min_steps, max_steps))):
        drawn = _draw_step(draw, values, context)
        if drawn is not None:
            steps.append(drawn[0])
            values.extend(drawn[1])
    used = {i for step in steps for i in step.args}
    outputs = tuple(i for i in range(len(values)) if i not in used)
    rng = np.random.default_rng(draw(st.integers(0, 2 ** 16)))
    weights = tuple(np.round(rng.uniform(-1, 1, values[i][0].shape), 2) for i in outputs)
    return Body(tuple(steps), outputs, weights)


@st.composite
def _shapes(draw):
    """1 to 3 input shapes, mostly broadcasting against a common one."""
    dims = st.lists(st.integers(1, 4), max_size=3)
    base = draw(dims)
    shapes = []
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["same", "suffix", "ones", "free"]))
        if kind == "suffix":
            shape = base[draw(st.integers(0, len(base))):]
        elif kind == "ones":
            shape = [n if draw(st.booleans()) else 1 for n in base]
        else:
            shape = draw(dims) if kind == "free" else base
        shapes.append(tuple(shape))
    return shapes


class RandomProgram:
    """`program(*inputs)` runs `body` on the inputs; `batch` holds BATCH input sets, which have
    the same value of the inputs marked in `shared`."""

    def __init__(self, shapes: list[tuple[int, ...]], batch: list[list[np.ndarray]], shared: list[bool],
                 body: Body):
        self.shapes, self.batch, self.shared, self.body = shapes, batch, shared, body

    def __call__(self, *xs):
        return self.body(*xs)

    def inputs(self, k: int = 0, dtypes=None) -> list:
        """Input set `k` as Arrays (float64, or the dtypes given per input)."""
        dtypes = dtypes or [np.float64] * len(self.shapes)
        return [fnp.asarray(x, dtype=d) for x, d in zip(self.batch[k], dtypes)]

    def stacked(self, axes=None) -> list:
        """The input sets stacked along `axes`, one per input (default 0); None takes the value of an
        input that all sets share."""
        axes = axes or [0] * len(self.shapes)
        return [fnp.asarray(xs[0] if a is None else np.stack(xs, axis=a)) for xs, a in zip(zip(*self.batch), axes)]

    def steps(self, body: Body | None = None):
        """All steps, those in branches and loop bodies included."""
        for step in (body or self.body).steps:
            yield step
            for value in step.params.values():
                for inner in _bodies(value):
                    yield from self.steps(inner)

    def __repr__(self):
        inputs = [f"v{i}: input of shape {s}" for i, s in enumerate(self.shapes)]
        lines = ["  " + line for line in inputs] + _listing(self.body, len(self.shapes), 1)
        return "RandomProgram:\n" + "\n".join(lines)


def _listing(body: Body, n: int, depth: int) -> list[str]:
    """Lines that show `body`, whose first n values are its inputs, a nested body under its step."""
    pad, name = "  " * depth, "vuwxyz"[depth - 1]
    lines = []
    for step in body.steps:
        names = ", ".join(f"{name}{n + j}" for j in range(step.results))
        params = ", ".join(f"{key}={_show(v)}" for key, v in step.params.items())
        lines.append(f"{pad}{names} = {step.op}({', '.join(f'{name}{i}' for i in step.args)}, {params})")
        for key, value in step.params.items():
            for k, inner in enumerate(_bodies(value)):
                lines.append(f"{pad}  {key} #{k}, on {_arity(step.op)} values:")
                lines.extend(_listing(inner, _arity(step.op), depth + 1))
        n += step.results
    terms = [f"sum({name}{i} * {_show(w)})" for i, w in zip(body.outputs, body.weights)]
    lines.append(f"{pad}return " + (" + ".join(terms) or "0"))
    return lines


def _bodies(value) -> list[Body]:
    if isinstance(value, Body):
        return [value]
    if isinstance(value, tuple):
        return [b for v in value for b in _bodies(v)]
    return []


def _arity(op: str) -> int:
    """How many values a body of `op` is called with."""
    return 1 if op == "fori" else 2


def _show(v):
    if isinstance(v, np.ndarray):
        return f"np.array({np.round(v, 3).tolist()})"
    if isinstance(v, Body):
        return "<body>"
    if isinstance(v, tuple):
        return "(" + ", ".join(map(_show, v)) + ("," if len(v) == 1 else "") + ")"
    return repr(v)


@st.composite
def programs(draw, min_steps: int = 3, max_steps: int = 12) -> RandomProgram:
    """Random programs of `min_steps` to `max_steps` steps (of which some may not apply)."""
    shapes = draw(_shapes())
    rng = np.random.default_rng(draw(st.integers(0, 2 ** 16)))
    batch = [[rng.uniform(-2, 2, s) for s in shapes] for _ in range(BATCH)]
    shared = [draw(st.integers(0, 3)) == 0 for _ in shapes]  # inputs all sets share (vmap may leave them unbatched)
    for inputs in batch[1:]:
        inputs[:] = [first if same else x for x, first, same in zip(inputs, batch[0], shared)]
    values = [[x[i] for x in batch] for i in range(len(shapes))]
    return RandomProgram(shapes, batch, shared, _draw_body(draw, values, Context(), min_steps, max_steps))
