"""Random batched programs: nested vmaps (1 to 3 deep) of a random body, written once over a
namespace and run with fluxion's and with jax's (`jax.vmap` in 64 bits is the oracle).

`draw(seed)` gives a `Program`: random pytree arguments (tuples, lists, dicts, empty
containers; float32, float64, int and bool leaves; 0-d to 2-d examples), for each vmap its
size (0 and 1 included), axis name (or none), in_axes (ints, negative ints, None, trees and
prefixes of trees, each mapped leaf having the axis) and out_axes (the same forms; None only for
outputs that do not vary along that vmap), a body of steps (see _random_batched_ops.py:
elementwise and reductions, .at[] with batched indices, collectives over one name or a tuple
of names of any enclosing vmap, cond / while_loop / fori_loop / scan with batched predicates
and trip counts, custom_jvp / custom_vjp, grad and jit inside), and collectives applied by the
outer vmaps' functions to what the inner vmaps return.

`run(program, ns, args)` runs it with namespace `ns` (FLUXION, or `jax_namespace(jax)`);
`CHECKS` compare fluxion with jax: the values, fx.jit of the vmaps, the vmaps of the body under
fx.jit, fx.vmap(fx.grad(...)) and fx.grad of the sum of the vmaps' outputs.
"""
from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

import fluxion as fx
import fluxion.numpy as fnp
from fluxion import lax as flax

from _loop import assert_same
from _random_batched_ops import FLOATS, NOT_DIFFERENTIABLE_IN_JAX, OPS, WEIGHTS, Axis, NoOperand, Val


class Namespace(NamedTuple):
    np: Any
    lax: Any
    vmap: Any
    jit: Any
    grad: Any
    cond: Any
    while_loop: Any
    fori_loop: Any
    scan: Any
    custom_jvp: Any
    custom_vjp: Any


FLUXION = Namespace(fnp, flax, fx.vmap, fx.jit, fx.grad, fx.cond, fx.while_loop, fx.fori_loop, fx.scan,
                    fx.custom_jvp, fx.custom_vjp)


def jax_namespace(jax) -> Namespace:
    import jax.numpy as jnp
    return Namespace(jnp, jax.lax, jax.vmap, jax.jit, jax.grad, jax.lax.cond, jax.lax.while_loop,
                     jax.lax.fori_loop, jax.lax.scan, jax.custom_jvp, jax.custom_vjp)


class Level(NamedTuple):
    """One vmap: the nesting level 0 is the outermost."""
    size: int
    name: str | None
    in_axes: Any
    out_axes: Any
    axis_size: int | None
    post: tuple  # steps its function applies to what the inner vmap returns: (output index, op, params)


class Step(NamedTuple):
    op: str
    args: tuple
    params: dict


class Program(NamedTuple):
    levels: tuple[Level, ...]
    arg_tree: tuple  # the arguments, with leaf numbers in place of arrays
    leaves: tuple[np.ndarray, ...]  # the batched arguments' leaves
    steps: tuple[Step, ...]
    outputs: Any  # a tree of value numbers of the body

    def args(self, leaves=None):
        leaves = self.leaves if leaves is None else leaves
        return _fill(self.arg_tree, leaves)

    @property
    def ops(self) -> set:
        used = {s.op for s in self.steps} | {s.params.get("form") for s in self.steps}
        return used | {p[2].get("form") for lv in self.levels for p in lv.post}


# trees whose leaves are numbers ----------------------------------------------------------------------------
class Leaf(int):
    """A leaf's number in a tree description (a plain int would be taken for an axis)."""


def _fill(node, leaves):
    if isinstance(node, Leaf):
        return leaves[node]
    if isinstance(node, dict):
        return {k: _fill(v, leaves) for k, v in node.items()}
    return type(node)(_fill(v, leaves) for v in node)


def _numbers(node) -> list:
    if isinstance(node, Leaf):
        return [int(node)]
    children = node.values() if isinstance(node, dict) else node
    return [n for c in children for n in _numbers(c)]


def _spec(rng, node, axis_of, top=False):
    """An axes tree for `node`: the axis of each leaf, collapsed into one entry where a subtree's
    leaves agree (a prefix) at random."""
    if isinstance(node, Leaf):
        return axis_of(int(node))
    same = {axis_of(n) for n in _numbers(node)}
    if len(same) == 1 and rng.random() < 0.4:
        return same.pop()
    if not same and rng.random() < 0.5:  # an empty container takes any axis
        return [0, None, 1][int(rng.integers(3))]
    if isinstance(node, dict):
        return {k: _spec(rng, v, axis_of) for k, v in node.items()}
    kind = list if top and rng.random() < 0.3 else type(node)
    return kind(_spec(rng, v, axis_of) for v in node)


# drawing ------------------------------------------------------------------------------------------------
def _draw_dtype(rng) -> str:
    return str(rng.choice(["float64", "float64", "float32", "float64", "int32", "int64", "bool"]))


def _draw_arrays(rng, dtype, shape) -> np.ndarray:
    if dtype == "bool":
        return rng.random(shape) < 0.5
    if dtype.startswith("int"):
        return rng.integers(-4, 6, shape).astype(dtype)
    return rng.standard_normal(shape).astype(dtype)


def _draw_arg_tree(rng, count: list) -> Any:
    kind = rng.random()
    if kind < 0.55:
        count[0] += 1
        return Leaf(count[0] - 1)
    if kind < 0.62:
        return [(), {}, []][int(rng.integers(3))]
    count_children = int(rng.integers(1, 4))
    children = [_draw_arg_tree(rng, count) if rng.random() < 0.3 else _leaf(count) for _ in range(count_children)]
    if kind < 0.8:
        return tuple(children)
    if kind < 0.9:
        return list(children)
    return {f"k{j}": c for j, c in enumerate(children)}


def _leaf(count):
    count[0] += 1
    return Leaf(count[0] - 1)


def draw(seed: int, max_depth: int = 3, min_steps: int = 2, max_steps: int = 7, size: int | None = None) -> Program:
    """A random program; `size`: every vmap's number of examples (else random, 0 to 4)."""
    rng = np.random.default_rng(seed)
    depth = int(rng.integers(1, max_depth + 1))
    sizes = [int(rng.choice([0, 1, 2, 3, 3, 4])) if rng.random() < 0.15 else int(rng.integers(2, 5))
             for _ in range(depth)]
    sizes = sizes if size is None else [size] * depth
    names = [f"ax{j}" if rng.random() < 0.7 else None for j in range(depth)]
    last = int(rng.choice([3, 3, 3, 1, 0]))  # examples' shapes are suffixes of (2, last)
    count = [0]
    arg_tree = tuple(_draw_arg_tree(rng, count) for _ in range(int(rng.integers(1, 4))))
    if count[0] == 0:
        arg_tree = arg_tree + (_leaf(count),)
    n = count[0]
    cores = [(2, last)[int(rng.integers(0, 3)):] for _ in range(n)]
    dtypes = [_draw_dtype(rng) for _ in range(n)]
    if not any(d in FLOATS for d in dtypes):
        dtypes[0] = "float64"
    # each leaf's axis at each level, inserted from the innermost vmap out
    shapes = [list(c) for c in cores]
    axes = [[None] * depth for _ in range(n)]
    for lvl in reversed(range(depth)):
        for j in range(n):
            if rng.random() < 0.7:
                pos = int(rng.integers(0, len(shapes[j]) + 1))
                shapes[j].insert(pos, sizes[lvl])
                axes[j][lvl] = pos - len(shapes[j]) if rng.random() < 0.3 else pos
    leaves = tuple(_draw_arrays(rng, d, tuple(s)) for d, s in zip(dtypes, shapes))
    named = [Axis(lvl, names[lvl], sizes[lvl]) for lvl in range(depth) if names[lvl] is not None]
    values = [Val(cores[j], dtypes[j], frozenset(l for l in range(depth) if axes[j][l] is not None)) for j in range(n)]
    steps = _draw_steps(rng, values, named, int(rng.integers(min_steps, max_steps + 1)))
    outputs = _draw_outputs(rng, len(values))
    levels = _draw_levels(rng, depth, sizes, names, arg_tree, axes, values, outputs)
    return Program(levels, arg_tree, leaves, tuple(steps), outputs)


def _draw_steps(rng, values, named, count) -> list:
    ops = list(OPS)
    weights = np.array([WEIGHTS[o] for o in ops], float)
    steps = []
    while len(steps) < count:
        op = ops[int(rng.choice(len(ops), p=weights / weights.sum()))]
        try:
            drawn = OPS[op].draw(rng, values, named)
        except NoOperand:
            continue
        if drawn is None:
            continue
        args, params, outs = drawn
        steps.append(Step(op, tuple(args), params))
        values.extend(outs)
    return steps


def _draw_outputs(rng, n: int) -> Any:
    """A tree of value numbers: the last value and a few others."""
    chosen = [n - 1] + [int(i) for i in rng.integers(0, n, int(rng.integers(0, 4)))]
    leaves = [Leaf(i) for i in chosen]
    form = rng.random()
    if form < 0.2 and len(leaves) == 1:
        return leaves[0]
    if form < 0.5:
        return {f"o{j}": v for j, v in enumerate(leaves)}
    if form < 0.6:
        return (leaves[0], {"rest": tuple(leaves[1:]), "empty": ()})
    return tuple(leaves)


def _draw_levels(rng, depth, sizes, names, arg_tree, axes, values, outputs) -> tuple:
    """Each vmap's in_axes, out_axes and the steps its function applies to the inner vmap's outputs."""
    out_numbers = _numbers(outputs)
    out_vals = [values[i] for i in out_numbers]
    # outputs leave the body with the examples' shapes; each vmap, from the innermost out, adds its axis
    levels = [None] * depth
    for lvl in reversed(range(depth)):
        post = []
        if lvl < depth - 1:  # the function of level lvl + 1 runs inside vmaps 0..lvl
            outer = [Axis(l, names[l], sizes[l]) for l in range(lvl + 1) if names[l] is not None]
            post, out_vals = _draw_post(rng, outer, out_vals)
        mapped = {j: axes[j][lvl] for j in range(len(axes))}
        in_axes = _spec(rng, arg_tree, lambda j: mapped[j], top=True)
        out_axes_of, out_vals = _out_axes(rng, lvl, out_vals, sizes[lvl])
        out_tree = _renumber(outputs)
        out_axes = _spec(rng, out_tree, lambda j: out_axes_of[j])
        unmapped = all(a is None for a in mapped.values())
        size = sizes[lvl] if unmapped or rng.random() < 0.2 else None
        levels[lvl] = Level(sizes[lvl], names[lvl], in_axes, out_axes, size, tuple(post))
    return tuple(levels)


def _renumber(outputs):
    """`outputs` with its leaves numbered by position (an output may repeat a value)."""
    count = [0]

    def go(node):
        if isinstance(node, Leaf):
            count[0] += 1
            return Leaf(count[0] - 1)
        if isinstance(node, dict):
            return {k: go(v) for k, v in node.items()}
        return type(node)(go(v) for v in node)
    return go(outputs)


def _draw_post(rng, outer, out_vals):
    """Collectives over the enclosing names applied to some of the outputs of an inner vmap."""
    post = []
    vals = list(out_vals)
    if not outer:
        return post, vals
    for k, v in enumerate(vals):
        if v.dtype in FLOATS and rng.random() < 0.25:
            op = "reducer" if rng.random() < 0.6 else "ppermute"
            drawn = OPS[op].draw(rng, [v], outer)
            post.append((k, op, drawn[1]))
            vals[k] = drawn[2][0]
    return post, vals


def _out_axes(rng, lvl, out_vals, size):
    """Each output's out_axes at level `lvl` (None only where it does not vary there) and the outputs after it."""
    chosen, after = [], []
    for v in out_vals:
        if lvl not in v.varies and rng.random() < 0.4:
            chosen.append(None)
            after.append(v)
            continue
        ndim = len(v.shape) + 1
        pos = int(rng.integers(0, ndim))
        chosen.append(pos - ndim if rng.random() < 0.3 else pos)
        shape = list(v.shape)
        shape.insert(pos, size)
        after.append(Val(tuple(shape), v.dtype, v.varies - {lvl}))
    return chosen, after


# running ---------------------------------------------------------------------------------------------------
def body(program: Program, ns: Namespace, args) -> Any:
    values = _flat(program.arg_tree, args)
    for step in program.steps:
        out = OPS[step.op].apply(ns, *[values[i] for i in step.args], **step.params)
        values.extend(out if isinstance(out, tuple) else (out,))
    return _fill(program.outputs, values)


def _flat(node, value) -> list:
    """The leaves of `value` in the order of the leaf numbers of `node`."""
    found = {}

    def go(n, v):
        if isinstance(n, Leaf):
            found[int(n)] = v
        elif isinstance(n, dict):
            for k in n:
                go(n[k], v[k])
        else:
            for a, b in zip(n, v):
                go(a, b)
    go(node, value)
    return [found[k] for k in sorted(found)]


def batched(program: Program, ns: Namespace, level: int = 0, jit_inside: bool = False):
    """The function of the vmaps from `level` in (`jit_inside`: with the body jitted inside them)."""
    lv = program.levels[level]
    return ns.vmap(_mapped(program, ns, level, jit_inside), in_axes=_in_axes(ns, lv.in_axes), out_axes=lv.out_axes,
                   axis_name=lv.name, axis_size=lv.axis_size)


def _in_axes(ns, in_axes):
    """jax takes a top-level list of in_axes as a tuple (fluxion takes either)."""
    return tuple(in_axes) if isinstance(in_axes, list) and ns is not FLUXION else in_axes


def _mapped(program: Program, ns: Namespace, level: int, jit_inside: bool = False):
    """The function vmap `level` maps: the body, or the next vmap and then this level's collectives
    on its outputs."""
    if level == len(program.levels) - 1:
        f = lambda *args: body(program, ns, args)  # noqa: E731
        return ns.jit(f) if jit_inside else f
    steps = program.levels[level].post

    def f(*args):
        out = batched(program, ns, level + 1, jit_inside)(*args)
        if not steps:
            return out
        leaves = _flat(_renumber(program.outputs), out)
        for k, op, params in steps:
            leaves[k] = OPS[op].apply(ns, leaves[k], **params)
        return _fill(_renumber(program.outputs), leaves)
    return f


def run(program: Program, ns: Namespace, args=None):
    return batched(program, ns)(*(program.args() if args is None else args))


def differentiable_arg(program: Program):
    """The position of an argument whose leaves are all floats (None if none is), to differentiate."""
    for k, node in enumerate(program.arg_tree):
        numbers = _numbers(node)
        if numbers and all(program.leaves[j].dtype.kind == "f" for j in numbers):
            return k
    return None


def float_total(ns: Namespace, out):
    """The sum of the float leaves of `out`, in float64."""
    leaves = [leaf for leaf in _leaves(out) if np.dtype(leaf.dtype).kind == "f"]
    return sum((ns.np.sum(leaf).astype("float64") for leaf in leaves), ns.np.zeros((), "float64"))


def _leaves(out) -> list:
    if isinstance(out, dict):
        return [x for k in out for x in _leaves(out[k])]
    if isinstance(out, (tuple, list)):
        return [x for v in out for x in _leaves(v)]
    return [out]


def vmap_of_grad(program: Program, ns: Namespace, k: int):
    """The outer vmap of the gradient, with respect to argument k, of each example's float total."""
    lv, inner = program.levels[0], _mapped(program, ns, 0)
    g = ns.grad(lambda *a: float_total(ns, inner(*a)), argnums=k)
    return ns.vmap(g, in_axes=_in_axes(ns, lv.in_axes), axis_name=lv.name, axis_size=lv.axis_size)


def grad_of_total(program: Program, ns: Namespace, k: int):
    """The gradient, with respect to argument k, of the float total of the whole batched output."""
    return ns.grad(lambda *a: float_total(ns, batched(program, ns)(*a)), argnums=k)


# comparing with jax ---------------------------------------------------------------------------------------
def assert_trees_match(got, want, float32: bool) -> None:
    """Same tree structure, shapes, dtypes and values (exact for integers and booleans)."""
    import jax
    got_leaves, got_tree = fx.tree.flatten(got)
    want_leaves, want_tree = jax.tree_util.tree_flatten(want)
    assert len(got_leaves) == len(want_leaves), (got_tree, want_tree)
    assert fx.tree.unflatten(got_tree, list(range(len(got_leaves)))) == \
        jax.tree_util.tree_unflatten(want_tree, list(range(len(want_leaves))))
    for g, w in zip(got_leaves, want_leaves):
        tol = 2e-4 if float32 or np.asarray(g).dtype == np.float32 else 1e-9
        assert_same(np.asarray(g), np.asarray(w), rtol=tol, atol=tol)


def _uses_float32(program: Program) -> bool:
    return any(x.dtype == np.float32 for x in program.leaves) or any(
        s.params.get("dtype") == "float32" for s in program.steps)


def _fluxion_args(program: Program):
    return program.args([fnp.asarray(x) for x in program.leaves])


CHECKS = {  # name: (fluxion's function of the program, jax's), each called on the arguments
    "value": (lambda p: batched(p, FLUXION), lambda p, ns: batched(p, ns)),
    "jit": (lambda p: fx.jit(batched(p, FLUXION)), lambda p, ns: batched(p, ns)),
    "jit_inside": (lambda p: batched(p, FLUXION, jit_inside=True), lambda p, ns: batched(p, ns)),
    "vmap_of_grad": (lambda p: vmap_of_grad(p, FLUXION, differentiable_arg(p)),
                     lambda p, ns: vmap_of_grad(p, ns, differentiable_arg(p))),
    "grad_of_vmap": (lambda p: grad_of_total(p, FLUXION, differentiable_arg(p)),
                     lambda p, ns: grad_of_total(p, ns, differentiable_arg(p))),
}


def applies(program: Program, name: str) -> bool:
    """Whether check `name` applies: the gradients need an all-float argument and operations jax differentiates
    in reverse mode (not pmax, pmin, nor loops whose trip count is a traced value)."""
    if name in ("value", "jit", "jit_inside"):
        return True
    return differentiable_arg(program) is not None and differentiable_in_jax(program)


def differentiable_in_jax(program: Program) -> bool:
    return not program.ops & {*NOT_DIFFERENTIABLE_IN_JAX, "while", "fori"}


def jax_reference(program: Program, name: str, jax):
    """jax's result of check `name` (jitted: much faster than jax's operation-by-operation dispatch)."""
    ns = jax_namespace(jax)
    return jax.jit(CHECKS[name][1](program, ns))(*program.args())


def check(program: Program, name: str, reference) -> None:
    got = CHECKS[name][0](program)(*_fluxion_args(program))
    assert_trees_match(got, reference, _uses_float32(program))
