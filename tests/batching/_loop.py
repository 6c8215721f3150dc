"""The oracle of the batching tests: a function applied to each example in a Python loop.

`loop(f, *args, in_axes, out_axes)` takes example i of each batched argument (NumPy's take
along its in_axes entry; None: the same argument every time), calls `f`, and stacks the
results leaf by leaf along out_axes. An empty batch gives empty results shaped by calling `f`
on zero-filled examples. `check_vmap` compares `fx.vmap` with that loop, shapes and dtypes
included. The drivers at the end make random batched arguments and check nested vmaps, the
compositions with fx.grad, and fx.jit of vmap against eager vmap.
"""
from __future__ import annotations

import itertools
from typing import Callable, NamedTuple

import numpy as np

import fluxion as fx
import fluxion.numpy as fnp
from fluxion.core import dtypes


def _axes(in_axes, n: int) -> tuple:
    return tuple(in_axes) if isinstance(in_axes, (tuple, list)) else (in_axes,) * n


def example(x, i: int, axis):
    """Example `i` of `x` along `axis` (`x` itself when axis is None)."""
    return x if axis is None else np.take(np.asarray(x), i, axis=axis)


def loop(f, *args, in_axes=0, out_axes=0):
    """f applied to each example, the results stacked along `out_axes` (an int or one per output leaf)."""
    axes = _axes(in_axes, len(args))
    size = next(np.shape(a)[ax] for a, ax in zip(args, axes) if ax is not None)
    if size:
        outs = [f(*[example(a, i, ax) for a, ax in zip(args, axes)]) for i in range(size)]
    else:  # the results' structure, shapes and dtypes come from zero-filled examples
        zero = [a if ax is None else np.zeros(np.delete(np.shape(a), ax), np.asarray(a).dtype)
                for a, ax in zip(args, axes)]
        outs = [f(*zero)]
    leaves = [fx.tree.leaves(o) for o in outs]
    treedef = fx.tree.structure(outs[0])
    out_axes = _axes(out_axes, len(leaves[0]))
    stacked = [np.moveaxis(np.stack([np.asarray(ls[k]) for ls in leaves]), 0, ax) for k, ax in enumerate(out_axes)]
    if not size:
        stacked = [s[(slice(None),) * (ax % s.ndim) + (slice(0, 0),)] for s, ax in zip(stacked, out_axes)]
    return fx.tree.unflatten(treedef, stacked)


def assert_same(got, want, rtol: float = 1e-6, atol: float = 0.0) -> None:
    """Equal trees of arrays: shapes, dtypes, then values (exact for integers and booleans)."""
    got_leaves, want_leaves = fx.tree.leaves(got), fx.tree.leaves(want)
    assert len(got_leaves) == len(want_leaves)
    for g, w in zip(got_leaves, want_leaves):
        g, w = np.asarray(g), np.asarray(w)
        assert (g.shape, g.dtype) == (w.shape, w.dtype), f"got {g.shape} {g.dtype}, want {w.shape} {w.dtype}"
        if g.dtype.kind in "biu":
            np.testing.assert_array_equal(g, w)
        else:
            np.testing.assert_allclose(g, w, rtol=rtol, atol=atol)


def check_vmap(f, *args, in_axes=0, out_axes=0, rtol: float = 1e-6, atol: float = 0.0):
    """`fx.vmap(f, in_axes, out_axes)(*args)` equals the loop of `f` over the examples; returns it."""
    got = fx.vmap(f, in_axes=in_axes, out_axes=out_axes)(*args)
    assert_same(got, loop(f, *args, in_axes=in_axes, out_axes=out_axes), rtol, atol)
    return got


# drivers of the per-family tests: random batched arguments, nested vmaps, grad and jit ------------
def random_array(rng: np.random.Generator, shape, dtype) -> np.ndarray:
    """Random values of `dtype`: booleans, small integers (with repeats), normal floats (complex: both parts)."""
    dt = dtypes.canonicalize(dtype)
    if dt == np.bool_:
        return rng.random(shape) < 0.5
    if dt.kind in "iu":
        return rng.integers(0 if dt.kind == "u" else -5, 6, shape).astype(dt)
    values = rng.standard_normal(shape)
    if dt.kind == "c":
        values = values + 1j * rng.standard_normal(shape)
    return values.astype(dt)


def batched_shape(shape: tuple, axis, size: int) -> tuple:
    """The shape of `size` examples of `shape` stacked along `axis` (None: one example)."""
    if axis is None:
        return tuple(shape)
    axis %= len(shape) + 1
    return tuple(shape[:axis]) + (size,) + tuple(shape[axis:])


class Arg(NamedTuple):
    """An argument with values of its own kind: `make(rng, shape, dtype)` fills `shape`, whose last
    `len(self.shape)` axes are one example's (the leading ones index examples)."""
    shape: tuple
    make: Callable


def spec_shape(spec) -> tuple:
    """The shape of one example of an argument given by a shape or an Arg."""
    return spec.shape if isinstance(spec, Arg) else tuple(spec)


def make_arg(rng, spec, dtype, axes, sizes) -> np.ndarray:
    """An argument of examples `spec` (a shape or an Arg) batched along `axes` (innermost vmap first;
    None: not by that vmap) with `sizes` examples each."""
    if not isinstance(spec, Arg):
        shape = tuple(spec)
        for a, n in zip(axes, sizes):
            shape = batched_shape(shape, a, n)
        return random_array(rng, shape, dtype)
    lead = tuple(n for a, n in zip(axes, sizes) if a is not None)[::-1]  # the outermost first
    x, k = spec.make(rng, lead + spec.shape, dtype), len(lead)
    for a in (a for a in axes if a is not None):  # each batch axis into place, the innermost first
        k -= 1
        x = np.moveaxis(x, k, k + a % (x.ndim - k))
    return np.asarray(x, order="C")


def batch_args(rng, shapes, dtype, in_axes, size: int = 3) -> list:
    """Random arguments whose examples have `shapes` (or are Args), `size` of them along each in_axes entry."""
    return [make_arg(rng, s, dtype, (a,), (size,)) for s, a in zip(shapes, in_axes)]


def positions(shapes, where: str) -> tuple:
    """in_axes giving every argument its batch axis "first" (0), in the "middle", or "last" (as -1)."""
    return tuple({"first": 0, "middle": (len(spec_shape(s)) + 1) // 2, "last": -1}[where] for s in shapes)


def check_positions(f, rng, shapes, dtypes, where: str, **tol) -> None:
    """vmap against the loop with every argument batched at `where` (see `positions`), for each dtype."""
    axes = positions(shapes, where)
    for dt in dtypes:
        check_vmap(f, *batch_args(rng, shapes, dt, axes), in_axes=axes, **tol)


def check_unbatched(f, rng, shapes, dtype, **tol) -> None:
    """vmap against the loop for every mix of unbatched arguments and batch axes first and last."""
    for axes in itertools.product((None, 0, -1), repeat=len(shapes)):
        if any(a is not None for a in axes):
            check_vmap(f, *batch_args(rng, shapes, dtype, axes), in_axes=axes, **tol)


def check_empty_batch(f, rng, shapes, dtype) -> list:
    """vmap against the loop on a batch of 0 examples, batch axes first and then last; the two results."""
    return [check_vmap(f, *batch_args(rng, shapes, dtype, axes, size=0), in_axes=axes)
            for axes in (positions(shapes, "first"), positions(shapes, "last"))]


def check_nested(f, rng, shapes, dtype, inner, outer, sizes=(2, 3), rtol: float = 1e-6, atol: float = 0.0):
    """vmap of vmap of `f` (two batch axes) equals the loop of the loop of `f`."""
    args = [make_arg(rng, s, dtype, (i, o), sizes) for s, i, o in zip(shapes, inner, outer)]
    got = fx.vmap(fx.vmap(f, in_axes=inner), in_axes=outer)(*args)
    assert_same(got, loop(lambda *a: loop(f, *a, in_axes=inner), *args, in_axes=outer), rtol, atol)


def _scalar(f):
    """sum(Re sin(y)) over the floating-point outputs y of `f`: a real loss whose cotangents differ per element."""
    def loss(*args):
        terms = [fnp.sum(fnp.sin(y)) for y in fx.tree.leaves(f(*args)) if y.dtype in dtypes.FLOATING]
        return sum(fnp.real(t) if t.dtype in dtypes.COMPLEX else t for t in terms)
    return loss


def check_grad_compositions(f, args, in_axes, rtol: float = 1e-9, argnums=None):
    """With a loss of `f`'s outputs: vmap(grad(loss)) equals a loop of gradients, and the gradient of
    the summed losses of vmap(f) equals the per-example gradients, stacked along in_axes for batched
    arguments and summed for unbatched ones. `argnums` (default: all) are the arguments differentiated."""
    argnums = tuple(range(len(args))) if argnums is None else tuple(argnums)
    grad = fx.grad(_scalar(f), argnums=argnums)
    assert_same(fx.vmap(grad, in_axes=in_axes)(*args), loop(grad, *args, in_axes=in_axes), rtol)
    got = fx.grad(_scalar(fx.vmap(f, in_axes=in_axes)), argnums=argnums)(*args)
    per_example = loop(grad, *args, in_axes=in_axes)  # each stacked along axis 0
    assert_same(got, [np.sum(g, 0) if in_axes[k] is None else np.moveaxis(g, 0, in_axes[k])
                      for g, k in zip(per_example, argnums)], rtol)


def check_jit(cases, rtol: float = 1e-6):
    """For each `(f, args, in_axes)`, fx.jit(fx.vmap(f)) equals eager fx.vmap(f); one compilation for all."""
    def batched(arg_lists):
        return [fx.vmap(f, in_axes=a)(*xs) for (f, _, a), xs in zip(cases, arg_lists)]
    arg_lists = [list(xs) for _, xs, _ in cases]
    assert_same(fx.jit(batched)(arg_lists), batched(arg_lists), rtol)


def check_jit_at(rng, cases, where: str, rtol: float = 1e-6):
    """`check_jit` for each `(f, shapes, dtype)` of `cases`, random arguments batched at `where`."""
    check_jit([(f, batch_args(rng, shapes, dt, positions(shapes, where)), positions(shapes, where))
               for f, shapes, dt in cases], rtol)


def check_same_error(f, *args, in_axes=0):
    """f raises under vmap the error it raises on one example: same class, same problem and fix
    (the message's line naming the caller's source line aside)."""
    def raised(call):
        try:
            call()
        except Exception as e:  # noqa: BLE001  (any error class is compared below)
            return type(e), [line for line in str(e).splitlines() if not line.lstrip().startswith("at ")]
        raise AssertionError("no error was raised")
    axes = _axes(in_axes, len(args))
    outside = raised(lambda: f(*[example(a, 0, ax) for a, ax in zip(args, axes)]))
    assert raised(lambda: fx.vmap(f, in_axes=in_axes)(*args)) == outside


def total_grad(f, x, eps=1e-6):
    """Central differences of the sum of every output of `f`, which maps a batch to a batch: the
    gradient around a vmap whose examples a collective couples."""
    g = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        d = np.zeros_like(x)
        d[i] = eps
        g[i] = (np.sum(f(x + d)) - np.sum(f(x - d))) / (2 * eps)
    return g
