"""Check a transpose rule against the dense Jacobian of its primitive.

`check_transpose(prim, args, linear, **params)` treats `prim` as a function of the arguments
at positions `linear` (the others stay fixed at their values in `args`), builds its Jacobian
one unit vector at a time, and requires `transpose_rules[prim]` applied to a random cotangent
to equal J^T ct, with each cotangent of exactly its argument's shape and dtype.
"""
import numpy as np

import fluxion.numpy as fnp
from fluxion.core.primitive import transpose_rules
from fluxion.ops._ad import UndefinedPrimal


def dense_jacobians(f, shapes, dtype=np.float64):
    """The Jacobian blocks (output size x input size) of an affine `f`, one per input."""
    zero = [np.zeros(s, dtype) for s in shapes]
    base = np.asarray(f(*map(fnp.asarray, zero))).reshape(-1)
    blocks = []
    for k, shape in enumerate(shapes):
        cols = []
        for j in range(int(np.prod(shape, dtype=int))):
            args = [z.copy() for z in zero]
            args[k].reshape(-1)[j] = 1
            cols.append(np.asarray(f(*map(fnp.asarray, args))).reshape(-1) - base)
        blocks.append(np.stack(cols, axis=1) if cols else np.zeros((base.size, 0), dtype))
    return blocks


def check_transpose(prim, args, linear, seed: int = 11, **params) -> None:
    args = [fnp.asarray(a) for a in args]

    def f(*xs):
        full = list(args)
        for k, x in zip(linear, xs):
            full[k] = x
        return prim.bind(*full, **params)

    out = prim.bind(*args, **params)
    ct = np.random.default_rng(seed).standard_normal(out.shape).astype(out.dtype)
    undefined = [UndefinedPrimal(a.aval) if k in linear else a for k, a in enumerate(args)]
    cts = transpose_rules[prim](fnp.asarray(ct), *undefined, **params)
    assert len(cts) == len(args)
    blocks = dense_jacobians(f, [args[k].shape for k in linear], out.dtype)
    for k, c in enumerate(cts):
        if k not in linear:
            assert c is None, f"argument {k} is not linear but got a cotangent"
            continue
        a = args[k]
        assert c.shape == a.shape and c.dtype == a.dtype, (c.aval, a.aval)
        expected = (blocks[linear.index(k)].T @ ct.reshape(-1)).reshape(a.shape)
        np.testing.assert_allclose(np.asarray(c), expected, rtol=1e-13, atol=1e-13)
