"""Jacobians and Hessians, and stop_gradient."""
from __future__ import annotations

import functools
from typing import Callable, Sequence

import numpy as np

from ...core import dtypes, tree
from ...core.array import Array, to_array
from ...core.device import like
from ...core.errors import op_error, require_callable
from ...ops import elementwise as E
from ...ops import shape as S
from ...ops._ad import zeros
from ..batching import vmap
from .api import _argnum_tuple, _complex_only, _linearize_argnums


def _basis(aval, unit=1):
    """The standard basis of the arrays of type `aval` times `unit`, stacked: shape (size,) + aval.shape."""
    n = aval.size
    return Array((unit * np.eye(n, dtype=aval.dtype)).reshape((n,) + aval.shape))


def _jacobian(f, argnums, has_aux, holomorphic: bool, forward: bool, op: str, allow_int: bool = False):
    require_callable(op, f)
    _argnum_tuple(argnums, op)

    @functools.wraps(f)
    def wrapped(*args, **kwargs):
        out_leaves, out_tree, in_tree, linear, aux = _linearize_argnums(f, args, kwargs, argnums, has_aux, op, allow_int)
        ins, outs = linear.in_types, [y.aval for y in out_leaves]
        if holomorphic:
            _complex_only(op, ins, "input")
            _complex_only(op, outs, "output")
        else:
            _holomorphic_said(op, ins, outs)
            if op != "jacrev":  # jacfwd and hessian take the complex derivative in forward mode
                _holomorphic_possible(op, ins, outs)
        if not forward:
            _floating_outputs(op, outs)
        # blocks[o][i] = d out o / d in i, of shape outs[o].shape + ins[i].shape: one batched
        # linear map per input (forward) or output (reverse), over all its basis vectors at once
        blocks = [[None] * len(ins) for _ in outs]
        if forward:
            for i, a in enumerate(ins):
                cols = vmap(lambda e: linear.forward([e if j == i else zeros(b) for j, b in enumerate(ins)]))(
                    like(_basis(a), linear.inputs[i]))
                for o, (y, col) in enumerate(zip(outs, cols)):  # col: (a.size,) + y.shape
                    col = S.reshape(col, a.shape + y.shape)
                    col = S.transpose(col, tuple(range(a.ndim, a.ndim + y.ndim)) + tuple(range(a.ndim)))
                    blocks[o][i] = like(col, linear.inputs[i])  # (zeros, made on the host, follow the input)
        else:
            for o, y in enumerate(outs):
                pullback = vmap(lambda e: linear.backward([e if k == o else zeros(z) for k, z in enumerate(outs)]))
                rows = pullback(like(_basis(y), out_leaves[o]))
                if y.dtype in dtypes.COMPLEX and any(a.dtype in dtypes.REAL_FLOATING for a in ins):
                    # a real input's cotangent is Re(u J): u = 1 gives Re J and u = -i gives Im J
                    imags = pullback(like(_basis(y, -1j), out_leaves[o]))
                    rows = [E.complex_p.bind(r, m) if a.dtype in dtypes.REAL_FLOATING else r
                            for a, r, m in zip(ins, rows, imags)]
                for i, (a, row) in enumerate(zip(ins, rows)):  # row: (y.size,) + a.shape
                    blocks[o][i] = S.reshape(row, y.shape + a.shape)
        per_output = [tree.unflatten(in_tree, b) for b in blocks]
        if isinstance(argnums, int):  # drop the argnums tuple level
            per_output = [d[0] for d in per_output]
        jac = tree.unflatten(out_tree, per_output)
        return (jac, aux) if has_aux else jac

    return wrapped


def _holomorphic_said(op: str, ins, outs) -> None:
    """Refuse complex outputs of complex inputs unless `holomorphic=True` says the function is
    holomorphic: else its derivative is no complex number (forward and reverse mode would each
    give another part of it), as jax refuses them."""
    if any(a.dtype in dtypes.COMPLEX for a in ins) and any(y.dtype in dtypes.COMPLEX for y in outs):
        raise op_error(TypeError, op, "the Jacobian of complex outputs in complex inputs is a complex number only for "
                       "a holomorphic function", "pass holomorphic=True if the function is holomorphic; otherwise "
                       "differentiate with respect to the real and imaginary parts, or use fx.jvp / fx.vjp directly")


def _holomorphic_possible(op: str, ins, outs) -> None:
    """Refuse a real output of complex inputs: no such function (but a constant) is holomorphic, so
    the complex derivative that forward mode takes does not exist."""
    if any(a.dtype in dtypes.COMPLEX for a in ins) and any(y.dtype in dtypes.REAL_FLOATING for y in outs):
        raise op_error(TypeError, op, "a real output of complex inputs has no complex derivative (the function is "
                       "not holomorphic)", "use fx.jacrev or fx.grad for the gradient of a real function of complex "
                       "inputs, or differentiate with respect to their real and imaginary parts")


def _floating_outputs(op: str, outs) -> None:
    """Refuse integer and boolean outputs in reverse mode, as jax does: no cotangent flows into them."""
    for y in outs:
        if y.dtype not in dtypes.FLOATING:
            also = ", or use fx.jacfwd, which gives its Jacobian of zeros" if op == "jacrev" else ""
            raise op_error(TypeError, op, f"an output of type {y} has no derivative in reverse mode",
                           f"compute it in floating point (e.g. with fnp.where instead of a comparison){also}")


def jacfwd(f: Callable, argnums: int | Sequence[int] = 0, has_aux: bool = False, holomorphic: bool = False) -> Callable:
    """The Jacobian of `f` by forward mode (a jvp per input element, batched with vmap): shape out.shape + in.shape.
    Of complex outputs in real inputs it is complex; of complex outputs in complex inputs, the
    complex derivative of a holomorphic function, which `holomorphic=True` must say (it checks
    that inputs and outputs are complex, as jax's).

    >>> import fluxion as fx, fluxion.numpy as fnp
    >>> fx.jacfwd(lambda x: x ** 2)(fnp.asarray([1.0, 2.0])).tolist()
    [[2.0, 0.0], [0.0, 4.0]]
    """
    return _jacobian(f, argnums, has_aux, holomorphic, True, "jacfwd")


def jacrev(f: Callable, argnums: int | Sequence[int] = 0, has_aux: bool = False, holomorphic: bool = False,
           allow_int: bool = False) -> Callable:
    """The Jacobian of `f` by reverse mode (a vjp per output element, batched with vmap): shape out.shape + in.shape.
    `holomorphic` as in jacfwd; with `allow_int=True`, integer and boolean inputs get blocks of zeros of their dtype.
    Of a complex output and a real input it is the complex Jacobian, as jacfwd's (two vjps per output element; jax
    refuses complex outputs); of a real output and complex inputs, the gradients as grad gives them.

    >>> import fluxion as fx, fluxion.numpy as fnp
    >>> fx.jacrev(lambda x: x ** 2)(fnp.asarray([1.0, 2.0])).tolist()
    [[2.0, 0.0], [0.0, 4.0]]
    """
    return _jacobian(f, argnums, has_aux, holomorphic, False, "jacrev", allow_int)


def hessian(f: Callable, argnums: int | Sequence[int] = 0, has_aux: bool = False,
            holomorphic: bool = False) -> Callable:
    """The Hessian of a scalar function: forward over reverse mode (`has_aux` and `holomorphic` as
    in jacfwd).

    >>> import fluxion as fx, fluxion.numpy as fnp
    >>> fx.hessian(lambda x: (x ** 3).sum())(fnp.asarray([1.0, 2.0])).tolist()
    [[6.0, 0.0], [0.0, 12.0]]
    """
    gradient = _jacobian(f, argnums, has_aux, holomorphic, False, "hessian")
    return _jacobian(gradient, argnums, has_aux, holomorphic, True, "hessian")


def stop_gradient(x):
    """`x`, treated as a constant by differentiation (applies to every leaf of a pytree).

    >>> import fluxion as fx
    >>> float(fx.grad(lambda x: x * fx.stop_gradient(x))(3.0))
    3.0
    """
    return tree.map(lambda v: E.stop_gradient_p.bind(to_array(v)), x)
