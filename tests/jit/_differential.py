"""Comparison of a function's eager result with its fx.jit result, for differential tests.

`assert_matches(eager, jitted)` checks that the two results have the same structure and,
leaf by leaf, the same shape, dtype and weak flag; integers and booleans must be equal, and
floating-point values (each part of a complex value) equal within `ulps` units of the last
place, with NaN where the other has NaN, the same infinities and the same signs of zeros.
Values below the smallest normal number count as equal to zero on both sides: XLA flushes
subnormal numbers to zero, NumPy does not.
"""
from __future__ import annotations

import ml_dtypes
import numpy as np
import pytest

import fluxion as fx
import fluxion.backends.xla  # noqa: F401  (fills the lowering table)
from fluxion.core import dtypes
from fluxion.core.rules import xla_lowering
from fluxion.transforms.autodiff.call_primitive import CallPrimitive

_LOW = (dtypes.float16, dtypes.bfloat16)


def _finfo(dt: np.dtype):
    return ml_dtypes.finfo(dtypes.real_dtype(dt))


def _float_parts(a: np.ndarray) -> list[np.ndarray]:
    a = np.asarray(a)
    if a.dtype.kind == "c":
        return [a.real.astype(np.float64), a.imag.astype(np.float64)]
    return [a.astype(np.float64)]


def _broadcast_inputs(inputs, shape):
    """The inputs broadcast to a result's shape (None where they do not broadcast to it)."""
    try:
        return None if inputs is None else [np.broadcast_to(np.asarray(x), shape) for x in inputs]
    except ValueError:
        return None


def _describe(inputs, k) -> str:
    if inputs is None:
        return ""
    return " at inputs " + ", ".join(repr(np.asarray(x)[k]) for x in inputs)


def assert_matches(eager, jitted, *, ulps: float = 16, zero_signs: bool = True, skip=None, inputs=None,
                   what: str = "", floor: float = 0.0) -> None:
    """`jitted` equals `eager` (see the module docstring).

    Args:
      ulps: the tolerance of floating-point values, in units of the dtype's epsilon times the
        larger magnitude (16-bit floats, computed in float32 on both sides, get at most 1).
      zero_signs: whether zeros must have the same sign.
      skip: a boolean mask (broadcast to every leaf) of elements not compared.
      inputs: the arrays the result was computed from, named in a failure (broadcast to the leaf).
      what: the name of the result, for failure messages.
      floor: the least magnitude the tolerance is relative to (for results with an absolute error).
    """
    le, lj = fx.tree.leaves(eager), fx.tree.leaves(jitted)
    assert fx.tree.structure(eager) == fx.tree.structure(jitted), what
    for i, (e, j) in enumerate(zip(le, lj)):
        name = f"{what}[{i}]" if len(le) > 1 else what
        assert isinstance(j, fx.Array), f"{name}: jit gave a {type(j)}"
        assert (j.shape, j.dtype, j.weak) == (e.shape, e.dtype, e.weak), \
            f"{name}: jit gave {(j.shape, j.dtype, j.weak)}, eager {(e.shape, e.dtype, e.weak)}"
        ea, ja = np.asarray(e), np.asarray(j)
        keep = np.ones(ea.shape, bool) if skip is None else ~np.broadcast_to(skip, ea.shape)
        ins = _broadcast_inputs(inputs, ea.shape)
        if ea.dtype.kind in "biu":
            bad = keep & (ea != ja)
        else:
            bad = keep & _float_mismatch(ea, ja, ulps, zero_signs, floor)
        if bad.any():
            k = tuple(np.argwhere(bad)[0])
            raise AssertionError(f"{name}: {int(bad.sum())} of {bad.size} elements differ; first at {k}"
                                 f"{_describe(ins, k)}: eager {ea[k]!r}, jit {ja[k]!r}")


def _float_mismatch(ea: np.ndarray, ja: np.ndarray, ulps: float, zero_signs: bool, floor: float) -> np.ndarray:
    info = _finfo(ea.dtype)
    ulps = min(ulps, 1) if dtypes.real_dtype(ea.dtype) in _LOW else ulps
    eps, tiny = float(info.eps), float(info.tiny)
    parts = list(zip(_float_parts(ea), _float_parts(ja)))
    # the tolerance is relative to the larger finite magnitude of the element's parts
    scale = np.full(ea.shape, floor)
    for pe, pj in parts:
        for p in (pe, pj):
            scale = np.maximum(scale, np.where(np.isfinite(p), np.abs(p), 0))
    bad = np.zeros(ea.shape, bool)
    with np.errstate(invalid="ignore", over="ignore"):
        for pe, pj in parts:
            finite = np.isfinite(pe) & np.isfinite(pj)
            near = finite & (np.abs(pe - pj) <= ulps * eps * scale)
            flushed = (np.abs(pe) < tiny) & (np.abs(pj) < tiny)
            part_bad = (np.isnan(pe) != np.isnan(pj)) | ~(np.isnan(pe) | (pe == pj) | near | flushed)
            if zero_signs:
                part_bad |= (pe == 0) & (pj == 0) & (np.signbit(pe) != np.signbit(pj))
            bad |= part_bad
    return bad


def eager_and_jit(f, *args):
    """`(f(*args), fx.jit(f)(*args))`; skips the test while a primitive `f` uses has no XLA lowering
    (a call primitive needs none: its function is compiled in its place)."""
    program = fx.make_program(f)(*args)
    missing = sorted({eq.prim.name for eq in program.equations
                      if eq.prim not in xla_lowering and not isinstance(eq.prim, CallPrimitive)})
    if missing:
        pytest.skip(f"no XLA lowering yet for {', '.join(missing)}")
    return f(*args), fx.jit(f)(*args)
