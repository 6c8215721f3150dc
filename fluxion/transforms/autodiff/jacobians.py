"""Jacobians and Hessians, and stop_gradient."""
from __future__ import annotations

import functools
from typing import Callable, Sequence

from ...core import tree
from ...core.array import to_array
from ...ops import elementwise as E
from ...ops import shape as S
from .api import _argnums, _check_float_inputs, _leaves, _linearize


def _basis(aval):
    """The standard basis of a space of arrays of type `aval`, one array per element."""
    import numpy as np
    from ...core.array import Array
    n = aval.size
    eye = np.eye(n, dtype=aval.dtype).reshape((n,) + aval.shape)
    return [Array(e) for e in eye]


def _stack(rows, shape, dtype):
    from ...ops.shape import full
    if not rows:
        return full(shape, 0, dtype)
    return S.reshape(S.concatenate([S.reshape(r, (1,) + r.shape) for r in rows], 0), shape)


def _jacobian(f, argnums, has_aux, forward: bool, op: str):
    @functools.wraps(f)
    def wrapped(*args, **kwargs):
        nums = _argnums(argnums, len(args), op)
        _check_float_inputs(op, args, nums)

        def g(*diff):
            full = list(args)
            for n, d in zip(nums, diff):
                full[n] = d
            return f(*full, **kwargs)

        diff_args = tuple(args[n] for n in nums)
        out_leaves, out_tree, in_tree, linear, aux = _linearize(g, diff_args, has_aux)
        in_types = linear.in_types
        blocks = [[None] * len(in_types) for _ in out_leaves]  # blocks[o][i]: d out o / d in i
        if forward:
            for i, a in enumerate(in_types):
                cols = []
                for e in _basis(a):
                    tangents = [e if j == i else _zeros_of(b) for j, b in enumerate(in_types)]
                    cols.append(linear.forward(tangents))
                for o, y in enumerate(out_leaves):
                    rows = [c[o] for c in cols]  # one per input element: shape y.shape
                    stacked = _stack(rows, a.shape + y.shape, y.dtype)
                    perm = tuple(range(a.ndim, a.ndim + y.ndim)) + tuple(range(a.ndim))
                    blocks[o][i] = S.transpose(stacked, perm)
        else:
            for o, y in enumerate(out_leaves):
                rows = []
                for e in _basis(y.aval):
                    cts = [e if k == o else _zeros_of(z.aval) for k, z in enumerate(out_leaves)]
                    rows.append(linear.backward(cts))
                for i, a in enumerate(in_types):
                    blocks[o][i] = _stack([r[i] for r in rows], y.shape + a.shape, a.dtype)
        jac = tree.unflatten(out_tree, [tree.unflatten(in_tree, b) for b in blocks])
        if isinstance(argnums, int):
            jac = _first(jac, out_tree)
        return (jac, aux) if has_aux else jac

    return wrapped


def _first(jac, out_tree):
    """Drop the argnums tuple level for an integer argnums."""
    leaves = tree.flatten(jac, is_leaf=lambda t: isinstance(t, tuple))[0]
    return tree.unflatten(out_tree, [blk[0] for blk in leaves])


def _zeros_of(aval):
    from ...ops._ad import zeros
    return zeros(aval)


def jacfwd(f: Callable, argnums: int | Sequence[int] = 0, has_aux: bool = False) -> Callable:
    """The Jacobian of `f` by forward mode (one jvp per input element): shape out.shape + in.shape.

    >>> import fluxion as fx, fluxion.numpy as fnp
    >>> fx.jacfwd(lambda x: x ** 2)(fnp.asarray([1.0, 2.0])).tolist()
    [[2.0, 0.0], [0.0, 4.0]]
    """
    return _jacobian(f, argnums, has_aux, True, "jacfwd")


def jacrev(f: Callable, argnums: int | Sequence[int] = 0, has_aux: bool = False) -> Callable:
    """The Jacobian of `f` by reverse mode (one vjp per output element): shape out.shape + in.shape.

    >>> import fluxion as fx, fluxion.numpy as fnp
    >>> fx.jacrev(lambda x: x ** 2)(fnp.asarray([1.0, 2.0])).tolist()
    [[2.0, 0.0], [0.0, 4.0]]
    """
    return _jacobian(f, argnums, has_aux, False, "jacrev")


def hessian(f: Callable, argnums: int | Sequence[int] = 0) -> Callable:
    """The Hessian of a scalar function: forward over reverse mode.

    >>> import fluxion as fx, fluxion.numpy as fnp
    >>> fx.hessian(lambda x: (x ** 3).sum())(fnp.asarray([1.0, 2.0])).tolist()
    [[6.0, 0.0], [0.0, 12.0]]
    """
    return jacfwd(jacrev(f, argnums), argnums)


def stop_gradient(x):
    """`x`, treated as a constant by differentiation (applies to every leaf of a pytree).

    >>> import fluxion as fx
    >>> float(fx.grad(lambda x: x * fx.stop_gradient(x))(3.0))
    3.0
    """
    return tree.map(lambda v: E.stop_gradient_p.bind(to_array(v)), x)
