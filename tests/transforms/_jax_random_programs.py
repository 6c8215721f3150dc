"""Random differentiable programs written once over a namespace, run by fluxion and by jax.

`draw(seed)` builds a `Program`: 1-3 float64 inputs of random shapes (0-d to 3-d, broadcasting
against each other), SETS input sets of those shapes, and 3-12 steps, each an operation of
`_jax_program_ops.OPS` or a control-flow step below on earlier values. Each step is drawn with
the concrete values its operands take in every input set (computed by fluxion eagerly), so its
constants keep every set away from kinks, ties, poles and loop-exit thresholds.
`draw(seed, ops=MORE)` draws from the second table instead (`_jax_program_ops_more` and
`_jax_program_ops_lax`: FFTs, convolutions, more special functions and distributions,
scipy.linalg, statistics, complex values, nn and lax operations, transformations inside the
program, random draws); the default draws are unchanged by it.

`program(m, *xs)` runs it over namespace `m` (`FLUXION` or `jax_namespace()`). Control flow
differs between the two where jax cannot express it: a Python `if` / `while` on a value is a
plain Python statement in fluxion's namespace (converted by fx.jit and fx.vmap) and lax.cond /
a fixed-trip fori_loop in jax's; a while loop whose trip count depends on data is
fx.while_loop in fluxion's and a fori_loop with the trip count seen when drawing in jax's.
"""
from __future__ import annotations

import types
from typing import NamedTuple

import numpy as np

import fluxion as fx
import fluxion.lax as flax
import fluxion.nn as fnn
import fluxion.numpy as fnp
import fluxion.scipy.linalg as fsla
import fluxion.scipy.signal as fsig
import fluxion.scipy.special as fsp
import fluxion.scipy.stats as fst

from _jax_program_ops import GAP, OPS
from _jax_program_ops_lax import OPS_NN_LAX
from _jax_program_ops_more import MORE_OPS

SETS = 4  # input sets: the first is checked against jax, all of them batched for vmap
BOUND = 1e3  # no value grows beyond this


def _py_if(pred_fun, true_fun, false_fun, *xs):
    if pred_fun(*xs):
        return true_fun(*xs)
    return false_fun(*xs)


def _py_while(cond_fun, body_fun, x, trips):
    while cond_fun(x):
        x = body_fun(x)
    return x


def _py_for_rows(body_fun, c, xs):
    for row in xs:
        c = body_fun(c, row)
    return c


FLUXION = types.SimpleNamespace(
    np=fnp, sp=fsp, nn=fnn, lax=flax, sla=fsla, st=fst, sig=fsig, random=fx.random, jit=fx.jit, vmap=fx.vmap, grad=fx.grad,
    jvp=fx.jvp, checkpoint=fx.checkpoint, custom_jvp=fx.custom_jvp, cond=fx.cond, switch=fx.switch, fori_loop=fx.fori_loop, scan=fx.scan,
    while_loop=lambda cond_fun, body_fun, x, trips: fx.while_loop(cond_fun, body_fun, x),
    py_if=_py_if, py_while=_py_while, py_for_rows=_py_for_rows)


def jax_namespace():
    import jax
    import jax.numpy as jnp
    import jax.scipy.linalg as jsla
    import jax.scipy.signal as jsig
    import jax.scipy.special as jsp
    import jax.scipy.stats as jst

    def fixed_trips(cond_fun, body_fun, x, trips):
        return jax.lax.fori_loop(0, trips, lambda i, c: body_fun(c), x)

    return types.SimpleNamespace(
        np=jnp, sp=jsp, nn=jax.nn, lax=jax.lax, sla=jsla, st=jst, sig=jsig, random=jax.random, jit=jax.jit, vmap=jax.vmap,
        grad=jax.grad, jvp=jax.jvp, checkpoint=jax.checkpoint, custom_jvp=jax.custom_jvp, cond=jax.lax.cond, switch=jax.lax.switch,
        fori_loop=jax.lax.fori_loop, scan=jax.lax.scan, while_loop=fixed_trips,
        py_if=lambda pred_fun, t, f, *xs: jax.lax.cond(pred_fun(*xs), t, f, *xs), py_while=fixed_trips,
        py_for_rows=lambda body_fun, c, xs: jax.lax.scan(lambda c, r: (body_fun(c, r), None), c, xs)[0])


# control-flow steps: (arity, make, apply) like _jax_program_ops.OPS --------------------------
BRANCHES = (lambda m, x, y: m.np.sin(x) * y, lambda m, x, y: x + m.np.tanh(y), lambda m, x, y: 0.5 * x * y - y,
            lambda m, x, y: m.np.exp(m.np.tanh(x)) - y, lambda m, x, y: 0.3 * (x - y) ** 2)


def _threshold(rng, means, count=1):
    """Thresholds at least GAP away from every set's mean, drawn between them."""
    for _ in range(20):
        ts = np.sort(rng.uniform(min(means) - 0.3, max(means) + 0.3, count))
        if all(abs(mu - t) > GAP for mu in means for t in ts):
            return [round(float(t), 4) for t in ts]
    return None


def _cond_make(rng, a, b):
    if np.broadcast_shapes(a[0].shape, b[0].shape) != b[0].shape:
        return None
    ts = _threshold(rng, [float(np.mean(v)) for v in a], 2)
    return ts and {"ts": ts, "forms": rng.choice(len(BRANCHES), 3, replace=False).tolist(), "kind": int(rng.integers(3))}


def _cond(m, x, y, ts, forms, kind):
    fs = [lambda x, y, k=k: BRANCHES[k](m, x, y) for k in forms]
    pred = lambda x, y: m.np.mean(x) > ts[0]
    if kind == 0:
        return m.cond(pred(x, y), fs[0], fs[1], x, y)
    if kind == 1:
        return m.py_if(pred, fs[0], fs[1], x, y)
    index = (m.np.mean(x) > ts[0]).astype(m.np.int32) + (m.np.mean(x) > ts[1]).astype(m.np.int32)
    return m.switch(index, fs, x, y)


def _fori(m, x, y, n):
    return m.fori_loop(0, n, lambda i, c: 0.8 * m.np.sin(c) + 0.1 * i * m.np.mean(y) + 0.3 * c * m.np.tanh(y), x)


def _scan_make(rng, a, b):
    x, y = a[0], b[0]
    if x.ndim == 0 or np.broadcast_shapes(x.shape[1:], y.shape) != x.shape[1:]:
        return None
    return {"reverse": bool(rng.integers(2))}


def _scan(m, x, y, reverse):
    def body(c, xi):
        return m.np.tanh(c * xi + 0.3 * c) + 0.2 * y, c * m.np.cos(xi)
    carry, ys = m.scan(body, x[0] * 0.5 + 0.1, x, reverse=reverse)
    return ys + carry


def _for_rows(m, x, y, reverse):
    return m.py_for_rows(lambda c, r: m.np.sin(c) * r + 0.5 * c + 0.1 * y, x[0] * 0.5, x[::-1] if reverse else x)


def _grow(m, x):
    return 1.3 * x + 0.1 * m.np.tanh(x) + 0.05


def _while_make(rng, a):
    """A limit for `sum(x * x) < limit` that no set comes near, and the trip count of set 0."""
    trips = []
    limit = float(np.sum(a[0] * a[0])) * float(rng.uniform(2, 20)) + 0.5
    for v in a:
        n = 0
        while np.sum(v * v) < limit:
            if abs(np.sum(v * v) - limit) < 0.05 * limit or n > 20:
                return None
            v, n = 1.3 * v + 0.1 * np.tanh(v) + 0.05, n + 1
        if abs(np.sum(v * v) - limit) < 0.05 * limit or np.max(np.abs(v)) > BOUND:
            return None
        trips.append(n)
    return {"limit": round(limit, 4), "trips": trips[0], "kind": int(rng.integers(2))}


def _while(m, x, limit, trips, kind):
    cond_fun = lambda c: m.np.sum(c * c) < limit
    loop = m.while_loop if kind == 0 else m.py_while
    return loop(cond_fun, lambda c: _grow(m, c), x, trips)


CONTROL = {
    "cond": (2, _cond_make, _cond),
    "fori_loop": (2, lambda rng, a, b: {"n": int(rng.integers(1, 5))} if np.broadcast_shapes(a[0].shape, b[0].shape) == a[0].shape else None, _fori),
    "scan": (2, _scan_make, _scan),
    "for_rows": (2, _scan_make, _for_rows),
    "while": (1, _while_make, _while),
}
ALL_OPS = {**OPS, **CONTROL, **MORE_OPS, **OPS_NN_LAX}
MORE = tuple(sorted({**MORE_OPS, **OPS_NN_LAX}))  # the second table: `draw(seed, ops=MORE)`


class Step(NamedTuple):
    op: str
    args: tuple
    params: dict


class Program(NamedTuple):
    seed: int
    inputs: tuple  # SETS tuples of NumPy arrays
    steps: tuple

    def __call__(self, m, *xs):
        values = list(xs)
        for step in self.steps:
            values.append(ALL_OPS[step.op][2](m, *[values[i] for i in step.args], **step.params))
        used = {i for s in self.steps for i in s.args}
        extra = [m.np.mean(v) for i, v in enumerate(values[:-1]) if i not in used and i >= len(xs)]
        return values[-1] + 0.1 * sum(extra) if extra else values[-1]

    def fluxion(self, *xs):
        return self(FLUXION, *xs)

    def describe(self):
        shapes = [x.shape for x in self.inputs[0]]
        lines = [f"seed {self.seed}: inputs {shapes}"]
        lines += [f"  v{len(shapes) + k} = {s.op}({', '.join(f'v{i}' for i in s.args)}, {s.params})" for k, s in enumerate(self.steps)]
        return "\n".join(lines)


SHAPES = [(), (3,), (4,), (2, 3), (3, 3), (3, 1), (1, 3), (2, 3, 3), (4, 3), (2, 1, 3), (2,)]
CONTROL_WEIGHT = 0.12


def _draw_inputs(rng, count):
    shapes = [SHAPES[i] for i in rng.integers(len(SHAPES), size=count)]
    positive = rng.integers(2, size=count)
    return tuple(tuple(rng.uniform(0.3, 1.8, s) if p else rng.uniform(-1.5, 1.5, s) for s, p in zip(shapes, positive))
                 for _ in range(SETS))


def draw(seed: int, min_steps=3, max_steps=12, control=CONTROL_WEIGHT, ops=None, errors=None) -> Program:
    """`control`: the chance that a step is control flow; `ops`: the names other steps are drawn
    from (default all of OPS); `errors`, a list, collects the (step, operand arrays, exception)
    of the steps fluxion raised on."""
    rng = np.random.default_rng(seed)
    inputs = _draw_inputs(rng, int(rng.integers(1, 4)))
    values = [list(v) for v in zip(*inputs)]  # per value, its array in every set
    names = sorted(ops or OPS)
    steps = []
    for _ in range(int(rng.integers(min_steps, max_steps + 1))):
        for _attempt in range(50):
            name = str(rng.choice(sorted(CONTROL))) if rng.random() < control else str(rng.choice(names))
            arity, make, apply = ALL_OPS[name]
            # prefer recent values, so that programs are deep rather than wide
            args = tuple(int(len(values) - 1 - min(rng.geometric(0.5) - 1, len(values) - 1)) for _ in range(arity))
            try:
                params = make(rng, *[values[i] for i in args])
            except ValueError:  # operands that do not broadcast
                continue
            if params is None:
                continue
            try:
                out = [np.asarray(apply(FLUXION, *[fnp.asarray(values[i][s]) for i in args], **params)) for s in range(SETS)]
            except Exception as e:  # an operation that does not fit its operands' shapes
                if errors is not None:
                    errors.append((Step(name, args, params), [values[i][0] for i in args], e))
                continue
            if all(o.dtype == np.float64 and o.size and np.all(np.isfinite(o)) and np.max(np.abs(o)) < BOUND for o in out):
                steps.append(Step(name, args, params))
                values.append(out)
                break
    return Program(seed, inputs, tuple(steps))


# comparison with jax ----------------------------------------------------------------------
CHECKS = ("value", "jit_value", "grad", "jit_grad", "grad_of_jit", "jacfwd", "jacrev", "hessian", "jvp", "vjp", "vmap_grad", "jit_vmap_grad")


def _leaves(tree):
    if isinstance(tree, (tuple, list)):
        return [leaf for t in tree for leaf in _leaves(t)]
    return [np.asarray(tree)]


def _close(name, got, want, rtol):
    got, want = _leaves(got), _leaves(want)
    assert len(got) == len(want), f"{name}: {len(got)} results, expected {len(want)}"
    for k, (g, w) in enumerate(zip(got, want)):
        atol = rtol * max(1.0, float(np.max(np.abs(w), initial=0.0)))
        np.testing.assert_allclose(g, w, rtol=rtol, atol=atol, err_msg=f"{name} [{k}]")


def jax_references(program, jax, hessian):
    """jax's value, gradient of <w, f>, Jacobian, jvp along `vs`, vjp of `u` and Hessian of <w, f> at
    input set 0, compiled as one program."""
    jm = jax_namespace()
    xs = program.inputs[0]
    argnums = tuple(range(len(xs)))
    f = lambda *ys: program(jm, *ys)
    w, u, vs = probes(program)

    def everything(xs, vs, u):
        g = lambda *ys: jm.np.sum(w * f(*ys))
        refs = {"value": f(*xs), "grad": jax.grad(g, argnums)(*xs), "jacfwd": jax.jacfwd(f, argnums)(*xs),
                "jvp": jax.jvp(f, xs, vs)[1], "vjp": jax.vjp(f, *xs)[1](u)}
        if hessian:
            refs["hessian"] = jax.hessian(g, argnums)(*xs)
        return refs
    return jax.jit(everything)(xs, vs, u)


def probes(program):
    """The weights `w` of the scalar <w, f>, a cotangent `u` and tangents `vs`, fixed per program,
    in the dtypes of its output and inputs (so that a float32 program stays float32)."""
    rng = np.random.default_rng(program.seed + 10**6)
    out = program.fluxion(*[fnp.asarray(x) for x in program.inputs[0]])
    return (rng.uniform(0.5, 1.5, out.shape).astype(out.dtype), rng.normal(size=out.shape).astype(out.dtype),
            tuple(rng.normal(size=x.shape).astype(x.dtype) for x in program.inputs[0]))


def in_float32(program):
    """The program with its inputs rounded to float32 (it then computes in float32)."""
    return program._replace(inputs=tuple(tuple(x.astype(np.float32) for x in xs) for xs in program.inputs))


def check(program, name, refs, rtol=1e-7):
    """Asserts that fluxion's `name` (one of CHECKS) of the program matches the reference."""
    xs = [fnp.asarray(x) for x in program.inputs[0]]
    argnums = tuple(range(len(xs)))
    w, u, vs = probes(program)
    f = program.fluxion
    g = lambda *ys: fnp.sum(fnp.asarray(w) * f(*ys))
    if name in ("vmap_grad", "jit_vmap_grad"):
        batch = [fnp.asarray(np.stack(xs_)) for xs_ in zip(*program.inputs)]
        batched = fx.vmap(fx.grad(g, argnums))
        got = (batched if name == "vmap_grad" else fx.jit(batched))(*batch)
        want = [fx.grad(g, argnums)(*[fnp.asarray(x) for x in xs_]) for xs_ in program.inputs]
        _close(name, got, [np.stack(ws) for ws in zip(*[_leaves(w_) for w_ in want])], rtol)
        return _assert_dtype(name, got, program.inputs[0][0].dtype)
    got = {
        "value": lambda: f(*xs), "jit_value": lambda: fx.jit(f)(*xs),
        "grad": lambda: fx.grad(g, argnums)(*xs), "jit_grad": lambda: fx.jit(fx.grad(g, argnums))(*xs),
        "grad_of_jit": lambda: fx.grad(fx.jit(g), argnums)(*xs),
        "jacfwd": lambda: fx.jacfwd(f, argnums)(*xs), "jacrev": lambda: fx.jacrev(f, argnums)(*xs),
        "hessian": lambda: fx.hessian(g, argnums)(*xs), "jvp": lambda: fx.jvp(f, xs, [fnp.asarray(v) for v in vs])[1],
        "vjp": lambda: fx.vjp(f, *xs)[1](fnp.asarray(u)),
    }[name]()
    key = {"jit_value": "value", "jit_grad": "grad", "grad_of_jit": "grad", "jacrev": "jacfwd"}.get(name, name)
    _close(name, got, refs[key], rtol)
    _assert_dtype(name, got, program.inputs[0][0].dtype)


def _assert_dtype(name, got, dtype):
    """Every result in the inputs' dtype: float32 in, float32 out (no widening by a constant)."""
    dts = {np.asarray(leaf).dtype for leaf in _leaves(got)}
    assert dts == {np.dtype(dtype)}, f"{name}: results of dtypes {sorted(map(str, dts))} for {dtype} inputs"
