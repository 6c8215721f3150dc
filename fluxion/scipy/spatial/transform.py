"""fluxion.scipy.spatial.transform: rotations in three dimensions, as SciPy's and jax's.

A `Rotation` holds unit quaternions `quat` in SciPy's order (x, y, z, w), one (shape (4,)) or a
stack (shape (..., 4)); it is a pytree, so rotations pass through `jit`, `vmap` and `grad`, and
every conversion is differentiable. `Slerp` interpolates between rotations at given times (NaN
outside them, where SciPy raises: compiled code cannot). As SciPy's, concrete input is checked:
quaternions of zero norm, matrices of non-positive determinant and times that do not increase
are errors (traced ones cannot be checked).

>>> import fluxion.numpy as fnp
>>> from fluxion.scipy.spatial.transform import Rotation
>>> r = Rotation.from_euler("z", 90, degrees=True)
>>> [round(v, 6) + 0.0 for v in r.apply(fnp.asarray([1.0, 0.0, 0.0])).tolist()]
[0.0, 1.0, 0.0]
"""
from __future__ import annotations

import math
import re

from ... import numpy as fnp
from ... import random as _random
from ...core import tree
from ...core.array import Tracer
from ...core.errors import ShapeError, op_error
from ...numpy._convert import promote_inexact

__all__ = ["Rotation", "Slerp"]

_AXES = "xyz"
_GIMBAL = 1e-7  # a middle Euler angle this close to 0 or pi leaves the other two undetermined


def _vectors(name: str, x, last: int):
    (x,) = promote_inexact(name, x)
    if x.ndim == 0 or x.shape[-1] != last:
        raise op_error(ShapeError, name, f"expected {last} numbers in the last axis, got shape {x.shape}",
                       f"pass an array of shape ({last},) or (N, {last})")
    return x


def _nearest_rotation(m):
    """The orthogonal factor of the polar decomposition of `m` (determinant > 0), the rotation nearest
    to it, by Newton's scaled iteration x <- (g x + x^-T / g) / 2 (Higham): 8 steps, which its quadratic
    convergence makes exact for condition numbers up to some 1e6. A rotation is its own fixed point
    (SVD would be too, but its derivative is undefined where singular values repeat, as there)."""
    for _ in range(8):
        inv_t = fnp.swapaxes(fnp.linalg.inv(m), -1, -2)
        g = fnp.sqrt(fnp.linalg.norm(inv_t, axis=(-2, -1)) / fnp.linalg.norm(m, axis=(-2, -1)))[..., None, None]
        m = (g * m + inv_t / g) / 2
    return m


def _refuse(op: str, bad, what: str, fix: str) -> None:
    """Raise ValueError (as SciPy) where the boolean array `bad` holds True: only for concrete
    values, as traced ones (under jit, vmap or grad) cannot be checked."""
    if not isinstance(bad, Tracer) and bool(fnp.any(bad)):
        raise op_error(ValueError, op, what, fix)


def _compose(p, q):
    """The quaternion product p q (apply q, then p)."""
    pv, pw, qv, qw = p[..., :3], p[..., 3:], q[..., :3], q[..., 3:]
    return fnp.concatenate([pw * qv + qw * pv + fnp.cross(pv, qv), pw * qw - fnp.sum(pv * qv, -1, keepdims=True)], -1)


def _positive_w(q):
    """q or -q (the same rotation), with w >= 0."""
    return fnp.where(q[..., 3:] < 0, -q, q)


def _sequence(name: str, seq: str, exactly_three: bool) -> tuple[list[int], bool]:
    """The axis indices of an Euler sequence and whether it is intrinsic (upper case)."""
    sizes = "{3}" if exactly_three else "{1,3}"
    intrinsic = re.fullmatch(f"[XYZ]{sizes}", seq or "") is not None
    if not (intrinsic or re.fullmatch(f"[xyz]{sizes}", seq or "")) or any(a == b for a, b in zip(seq, seq[1:])):
        raise op_error(ValueError, name, f"invalid sequence {seq!r}",
                       f"use {'3' if exactly_three else '1 to 3'} axes from 'xyz' (extrinsic) or 'XYZ' (intrinsic), "
                       "no axis twice in a row")
    return [_AXES.index(a) for a in seq.lower()], intrinsic


class Rotation:
    """Rotations as unit quaternions (x, y, z, w); see the module docstring."""

    __slots__ = ("quat",)

    def __init__(self, quat):
        self.quat = quat

    # construction -------------------------------------------------------------------------------
    @classmethod
    def from_quat(cls, quat, *, scalar_first: bool = False) -> Rotation:
        q = _vectors("Rotation.from_quat", quat, 4)
        if scalar_first:
            q = fnp.roll(q, -1, axis=-1)
        norm = fnp.linalg.vector_norm(q, axis=-1, keepdims=True)
        _refuse("Rotation.from_quat", norm == 0, "found quaternions of zero norm",
                "pass nonzero quaternions (normalized here)")
        return cls(q / norm)

    @classmethod
    def from_matrix(cls, matrix, *, assume_valid: bool = False) -> Rotation:
        """From rotation matrices (..., 3, 3), by Shepperd's method (the largest of the four
        candidate quaternion components is computed from the diagonal). As SciPy's, a matrix that is
        not orthogonal is first replaced by the rotation nearest to it, unless `assume_valid`."""
        (m,) = promote_inexact("Rotation.from_matrix", matrix)
        if m.ndim < 2 or m.shape[-2:] != (3, 3):
            raise op_error(ShapeError, "Rotation.from_matrix", f"expected shape (3, 3) or (N, 3, 3), got {m.shape}",
                           "pass 3x3 rotation matrices")
        _refuse("Rotation.from_matrix", fnp.linalg.det(m) <= 0, "found matrices of non-positive determinant "
                "(reflections, or singular)", "pass rotation matrices (determinant 1)")
        if not assume_valid:
            m = _nearest_rotation(m)
        diag = [m[..., i, i] for i in range(3)]
        trace = diag[0] + diag[1] + diag[2]
        candidates = []
        for i in range(3):
            j, k = (i + 1) % 3, (i + 2) % 3
            q = [None] * 4
            q[i], q[j], q[k] = 1 - trace + 2 * diag[i], m[..., j, i] + m[..., i, j], m[..., k, i] + m[..., i, k]
            q[3] = m[..., k, j] - m[..., j, k]
            candidates.append(fnp.stack(q, -1))
        candidates.append(fnp.stack([m[..., 2, 1] - m[..., 1, 2], m[..., 0, 2] - m[..., 2, 0],
                                     m[..., 1, 0] - m[..., 0, 1], 1 + trace], -1))
        choice = fnp.argmax(fnp.stack([*diag, trace], -1), axis=-1)
        q = fnp.take_along_axis(fnp.stack(candidates, -2), choice[..., None, None], axis=-2)[..., 0, :]
        return cls(q / fnp.linalg.vector_norm(q, axis=-1, keepdims=True))

    @classmethod
    def from_rotvec(cls, rotvec, degrees: bool = False) -> Rotation:
        v = _vectors("Rotation.from_rotvec", rotvec, 3)
        v = fnp.deg2rad(v) if degrees else v
        angle = fnp.linalg.vector_norm(v, axis=-1, keepdims=True)
        small = angle <= 1e-3
        safe = fnp.where(small, 1, angle)
        # sin(angle / 2) / angle, by its series near 0
        scale = fnp.where(small, 0.5 - angle ** 2 / 48 + angle ** 4 / 3840, fnp.sin(safe / 2) / safe)
        return cls(fnp.concatenate([scale * v, fnp.cos(angle / 2)], -1))

    @classmethod
    def from_mrp(cls, mrp) -> Rotation:
        """From modified Rodrigues parameters p = axis tan(angle / 4)."""
        p = _vectors("Rotation.from_mrp", mrp, 3)
        squared = fnp.sum(p * p, -1, keepdims=True)
        return cls(fnp.concatenate([2 * p, 1 - squared], -1) / (1 + squared))

    @classmethod
    def from_euler(cls, seq: str, angles, degrees: bool = False) -> Rotation:
        """From Euler angles about the axes of `seq`: 'xyz' extrinsic (fixed axes), 'XYZ' intrinsic
        (the rotating body's axes); `angles` (..., len(seq)), or a scalar for one axis."""
        axes, intrinsic = _sequence("Rotation.from_euler", seq, False)
        (angles,) = promote_inexact("Rotation.from_euler", angles)
        if len(axes) == 1 and (angles.ndim == 0 or angles.shape[-1] != 1):
            angles = angles[..., None]
        if angles.ndim == 0 or angles.shape[-1] != len(axes):
            raise op_error(ShapeError, "Rotation.from_euler", f"expected {len(axes)} angles in the last axis for "
                           f"{seq!r}, got shape {angles.shape}", f"pass angles of shape ({len(axes)},) or (N, {len(axes)})")
        angles = fnp.deg2rad(angles) if degrees else angles
        q = None
        for n, axis in enumerate(axes):
            half = angles[..., n:n + 1] / 2
            zero = fnp.zeros_like(half)
            parts = [fnp.sin(half) if i == axis else zero for i in range(3)] + [fnp.cos(half)]
            e = fnp.concatenate(parts, -1)
            q = e if q is None else _compose(q, e) if intrinsic else _compose(e, q)
        return cls(q)

    @classmethod
    def identity(cls, num: int | None = None, dtype=None) -> Rotation:
        q = fnp.asarray([0.0, 0.0, 0.0, 1.0], dtype=dtype)
        return cls(q if num is None else fnp.tile(q, (num, 1)))

    @classmethod
    def random(cls, random_key, num: int | None = None) -> Rotation:
        """Uniformly distributed rotations (normalized Gaussian quaternions) from a fluxion.random key."""
        return cls.from_quat(_random.normal(random_key, (4,) if num is None else (num, 4)))

    @classmethod
    def concatenate(cls, rotations) -> Rotation:
        return cls(fnp.concatenate([fnp.atleast_2d(r.quat) for r in rotations]))

    # conversion ---------------------------------------------------------------------------------
    def as_quat(self, canonical: bool = False, *, scalar_first: bool = False):
        """The quaternions; `canonical`: the one of q and -q with w > 0 (or, at w = 0, the first
        nonzero component positive)."""
        q = self.quat
        if canonical:
            first = fnp.where(q[..., 3:] != 0, q[..., 3:], fnp.where(q[..., :1] != 0, q[..., :1],
                                                                    fnp.where(q[..., 1:2] != 0, q[..., 1:2], q[..., 2:3])))
            q = fnp.where(first < 0, -q, q)
        return fnp.roll(q, 1, axis=-1) if scalar_first else q

    def as_matrix(self):
        x, y, z, w = (self.quat[..., i] for i in range(4))
        rows = [[x * x - y * y - z * z + w * w, 2 * (x * y - z * w), 2 * (x * z + y * w)],
                [2 * (x * y + z * w), -x * x + y * y - z * z + w * w, 2 * (y * z - x * w)],
                [2 * (x * z - y * w), 2 * (y * z + x * w), -x * x - y * y + z * z + w * w]]
        return fnp.stack([fnp.stack(r, -1) for r in rows], -2)

    def as_rotvec(self, degrees: bool = False):
        q = _positive_w(self.quat)
        angle = 2 * fnp.arctan2(fnp.linalg.vector_norm(q[..., :3], axis=-1, keepdims=True), q[..., 3:])
        small = angle <= 1e-3
        safe = fnp.where(small, 1, angle)
        # angle / sin(angle / 2), by its series near 0
        scale = fnp.where(small, 2 + angle ** 2 / 12 + 7 * angle ** 4 / 2880, safe / fnp.sin(safe / 2))
        v = scale * q[..., :3]
        return fnp.rad2deg(v) if degrees else v

    def as_mrp(self):
        q = _positive_w(self.quat)
        return q[..., :3] / (1 + q[..., 3:])

    def as_euler(self, seq: str, degrees: bool = False):
        """Euler angles for `seq` (three axes), the middle one in [0, pi] (symmetric sequences such
        as 'zxz') or [-pi/2, pi/2], the others in [-pi, pi]. At gimbal lock (the middle angle 0 or
        pi) the third is 0 and the first carries the rotation, as SciPy's."""
        axes, intrinsic = _sequence("Rotation.as_euler", seq, True)
        i, j, k = axes[::-1] if intrinsic else axes
        symmetric = i == k
        k = 3 - i - j if symmetric else k
        sign = (i - j) * (j - k) * (k - i) // 2
        q = self.quat
        if symmetric:
            a, b, c, d = q[..., 3], q[..., i], q[..., j], q[..., k] * sign
        else:
            a, b, c, d = q[..., 3] - q[..., j], q[..., i] + q[..., k] * sign, q[..., j] + q[..., 3], q[..., k] * sign - q[..., i]
        middle = 2 * fnp.arctan2(fnp.hypot(c, d), fnp.hypot(a, b))
        half_sum, half_diff = fnp.arctan2(b, a), fnp.arctan2(d, c)
        at_zero, at_pi = fnp.abs(middle) <= _GIMBAL, fnp.abs(middle - math.pi) <= _GIMBAL
        lock = at_zero | at_pi
        locked = fnp.where(at_zero, 2 * half_sum, 2 * half_diff * (1 if intrinsic else -1))
        first, third = half_sum - half_diff, (half_sum + half_diff) * (1 if symmetric else sign)
        if intrinsic:  # the angles come in the reverse order; at gimbal lock the first still carries it
            first, third = fnp.where(lock, locked * (1 if symmetric else sign), third), fnp.where(lock, 0.0, first)
        else:
            first, third = fnp.where(lock, locked, first), fnp.where(lock, 0.0, third)
        first, third = ((a + math.pi) % (2 * math.pi) - math.pi for a in (first, third))
        angles = fnp.stack([first, middle if symmetric else middle - math.pi / 2, third], -1)
        return fnp.rad2deg(angles) if degrees else angles

    # operations ---------------------------------------------------------------------------------
    def apply(self, vectors, inverse: bool = False):
        """The rotated vectors (..., 3): one rotation or vector broadcasts against many."""
        v = _vectors("Rotation.apply", vectors, 3)
        m = self.as_matrix()
        m = fnp.swapaxes(m, -1, -2) if inverse else m
        return fnp.sum(m * v[..., None, :], -1)

    def inv(self) -> Rotation:
        return Rotation(fnp.concatenate([-self.quat[..., :3], self.quat[..., 3:]], -1))

    def magnitude(self):
        """The rotation angle, in [0, pi]."""
        return 2 * fnp.arctan2(fnp.linalg.vector_norm(self.quat[..., :3], axis=-1), fnp.abs(self.quat[..., 3]))

    def mean(self, weights=None) -> Rotation:
        """The rotation minimizing the weighted sum of squared chordal distances: the principal
        eigenvector of sum w q q^T."""
        q = fnp.atleast_2d(self.quat)
        w = fnp.ones(q.shape[0], dtype=q.dtype) if weights is None else fnp.asarray(weights, dtype=q.dtype)
        k = fnp.einsum("n,ni,nj->ij", w, q, q)
        return Rotation(fnp.linalg.eigh(k)[1][:, -1])

    @property
    def single(self) -> bool:
        return self.quat.ndim == 1

    def __len__(self) -> int:
        if self.single:
            raise op_error(TypeError, "Rotation", "a single rotation has no len()", "stack rotations to count them")
        return self.quat.shape[0]

    def __getitem__(self, index) -> Rotation:
        if self.single:
            raise op_error(TypeError, "Rotation", "a single rotation cannot be indexed", "stack rotations to index them")
        return Rotation(self.quat[index])

    def __mul__(self, other: Rotation) -> Rotation:
        """The composition: `(p * q).apply(v)` is `p.apply(q.apply(v))`."""
        return Rotation(_compose(self.quat, other.quat))

    def __repr__(self) -> str:
        return f"Rotation(quat={self.quat!r})"


tree.register(Rotation, lambda r: ([r.quat], None), lambda _, leaves: Rotation(*leaves))


class Slerp:
    """Spherical linear interpolation of `rotations` (N >= 2) at increasing `times` (N,): between
    times i and i + 1, rotations[i] * from_rotvec(alpha * rotvec_i), where rotvec_i turns
    rotations[i] into rotations[i + 1] and alpha runs from 0 to 1."""

    __slots__ = ("times", "timedelta", "rotations", "rotvecs")

    def __init__(self, times, rotations: Rotation):
        (times,) = promote_inexact("Slerp", times)
        if times.ndim != 1 or times.shape[0] < 2 or rotations.single or len(rotations) != times.shape[0]:
            raise op_error(ShapeError, "Slerp", f"expected N >= 2 times and as many rotations, got times of shape "
                           f"{times.shape} and rotations of shape {rotations.quat.shape}",
                           "pass a 1-d array of times and a stack of that many rotations")
        self.times, self.rotations = times, rotations
        self.timedelta = fnp.diff(times)
        _refuse("Slerp", self.timedelta <= 0, "times are not strictly increasing", "sort them, with the rotations")
        self.rotvecs = (rotations[:-1].inv() * rotations[1:]).as_rotvec()

    @classmethod
    def init(cls, times, rotations: Rotation) -> Slerp:
        """jax's constructor: the same as `Slerp(times, rotations)`."""
        return cls(times, rotations)

    def __call__(self, times) -> Rotation:
        t, _ = promote_inexact("Slerp", times, self.times)  # so that a Python float keeps its digits
        index = fnp.clip(fnp.searchsorted(self.times, t, side="right") - 1, 0, self.times.shape[0] - 2)
        alpha = (t - self.times[index]) / self.timedelta[index]
        inside = (t >= self.times[0]) & (t <= self.times[-1])
        out = self.rotations[index] * Rotation.from_rotvec(self.rotvecs[index] * alpha[..., None])
        return Rotation(fnp.where(inside[..., None], out.quat, fnp.nan))


tree.register(Slerp, lambda s: ([s.times, s.timedelta, s.rotations, s.rotvecs], None),
              lambda _, leaves: _slerp_from(*leaves))


def _slerp_from(times, timedelta, rotations, rotvecs) -> Slerp:
    out = Slerp.__new__(Slerp)
    out.times, out.timedelta, out.rotations, out.rotvecs = times, timedelta, rotations, rotvecs
    return out
