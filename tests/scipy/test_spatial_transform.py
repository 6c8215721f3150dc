"""fluxion.scipy.spatial.transform against scipy.spatial.transform: every conversion both ways,
Euler angles for all 24 sequences (gimbal lock included), composition, application, inverse,
magnitude, mean, Slerp; jit and vmap against eager, derivatives against central differences,
and the errors."""
import itertools
import warnings

import numpy as np
import pytest
from scipy.spatial.transform import Rotation as SciRotation, Slerp as SciSlerp

import fluxion as fx
import fluxion.numpy as fnp
from fluxion.errors import ShapeError
from fluxion.scipy.spatial.transform import Rotation, Slerp

RNG = np.random.default_rng(0)
Q = RNG.standard_normal((8, 4))
SEQUENCES = [a + b + c for a, b, c in itertools.product("xyz", repeat=3) if a != b and b != c]
SEQUENCES += [s.upper() for s in SEQUENCES]


def _same_rotation(q, want):
    """Quaternions equal up to sign."""
    q, want = np.asarray(q), np.asarray(want)
    sign = np.sign(np.sum(q * want, axis=-1, keepdims=True))
    np.testing.assert_allclose(q * sign, want, atol=1e-14)


def test_conversions_match_scipy_both_ways():
    ours, theirs = Rotation.from_quat(fnp.asarray(Q)), SciRotation.from_quat(Q)
    np.testing.assert_allclose(np.asarray(ours.as_quat()), theirs.as_quat(), atol=1e-15)
    np.testing.assert_allclose(np.asarray(ours.as_quat(canonical=True, scalar_first=True)),
                               theirs.as_quat(canonical=True, scalar_first=True), atol=1e-15)
    for name in ("matrix", "rotvec", "mrp"):
        np.testing.assert_allclose(np.asarray(getattr(ours, f"as_{name}")()), getattr(theirs, f"as_{name}")(), atol=1e-14)
        back = getattr(Rotation, f"from_{name}")(fnp.asarray(getattr(theirs, f"as_{name}")()))
        _same_rotation(back.as_quat(), theirs.as_quat())
    np.testing.assert_allclose(np.asarray(ours.as_rotvec(degrees=True)), theirs.as_rotvec(degrees=True), atol=1e-12)
    _same_rotation(Rotation.from_quat(fnp.asarray(Q), scalar_first=True).as_quat(),
                   SciRotation.from_quat(Q, scalar_first=True).as_quat())
    # tiny rotation vectors (the series) and a half turn
    for v in ([1e-9, -2e-9, 0.0], [0.0, 0.0, 0.0], [np.pi, 0.0, 0.0], [2e-4, 1e-4, 3e-4]):
        v = np.asarray(v)
        _same_rotation(Rotation.from_rotvec(fnp.asarray(v)).as_quat(), SciRotation.from_rotvec(v).as_quat())
        np.testing.assert_allclose(np.asarray(Rotation.from_rotvec(fnp.asarray(v)).as_rotvec()),
                                   SciRotation.from_rotvec(v).as_rotvec(), atol=1e-15)


def test_matrices_that_are_not_orthogonal_give_the_nearest_rotation_as_scipy():
    rng = np.random.default_rng(4)
    m = SciRotation.from_quat(Q).as_matrix()
    given = np.concatenate([3 * m, 0.5 * m, m + 1e-2 * rng.standard_normal(m.shape)])
    _same_rotation(Rotation.from_matrix(fnp.asarray(given)).as_quat(), SciRotation.from_matrix(given).as_quat())
    _same_rotation(fx.jit(lambda a: Rotation.from_matrix(a).as_quat())(fnp.asarray(given)),
                   SciRotation.from_matrix(given).as_quat())
    # assume_valid skips it (SciPy's keyword): then the scaled matrix gives another rotation
    assert not np.allclose(np.abs(np.asarray(Rotation.from_matrix(fnp.asarray(3 * m), assume_valid=True).as_quat())),
                           np.abs(SciRotation.from_quat(Q).as_quat()), atol=1e-3)
    # derivatives through it, at a rotation (where the SVD's would be undefined) and off one
    w = rng.standard_normal((3, 3))
    f = lambda a: fnp.sum(Rotation.from_matrix(a).apply(fnp.asarray([0.3, -1.0, 2.0])) * fnp.asarray([1.0, 2.0, 3.0]))
    for a in (m[0], given[-1]):
        h = 1e-6
        central = (float(f(fnp.asarray(a + h * w))) - float(f(fnp.asarray(a - h * w)))) / (2 * h)
        np.testing.assert_allclose(float(fnp.sum(fx.grad(f)(fnp.asarray(a)) * w)), central, rtol=1e-6)


@pytest.mark.parametrize("seq", SEQUENCES)
def test_euler_angles_match_scipy(seq):
    theirs = SciRotation.from_quat(Q)
    np.testing.assert_allclose(np.asarray(Rotation.from_quat(fnp.asarray(Q)).as_euler(seq)), theirs.as_euler(seq),
                               atol=1e-13)
    angles = RNG.uniform(-3, 3, (5, 3))
    _same_rotation(Rotation.from_euler(seq, fnp.asarray(angles)).as_quat(), SciRotation.from_euler(seq, angles).as_quat())
    _same_rotation(Rotation.from_euler(seq, fnp.asarray(angles[0] * 50), degrees=True).as_quat(),
                   SciRotation.from_euler(seq, angles[0] * 50, degrees=True).as_quat())
    # gimbal lock: the middle angle 0 or pi (symmetric sequences), +-pi/2 (the others)
    lock = np.pi if seq[0].lower() == seq[2].lower() else np.pi / 2
    locked = np.array([[0.3, 0.0, 0.0], [0.4, lock, 0.2], [0.1, lock - np.pi, 0.5]])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SciPy warns of the gimbal lock
        want = SciRotation.from_euler(seq, locked).as_euler(seq)
    got = Rotation.from_quat(fnp.asarray(SciRotation.from_euler(seq, locked).as_quat())).as_euler(seq)
    np.testing.assert_allclose(np.asarray(got), want, atol=1e-12)


def test_operations_match_scipy():
    ours, theirs = Rotation.from_quat(fnp.asarray(Q)), SciRotation.from_quat(Q)
    v = RNG.standard_normal((8, 3))
    for inverse in (False, True):
        np.testing.assert_allclose(np.asarray(ours.apply(fnp.asarray(v), inverse=inverse)),
                                   theirs.apply(v, inverse=inverse), atol=1e-14)
        np.testing.assert_allclose(np.asarray(ours[2].apply(fnp.asarray(v), inverse=inverse)),
                                   theirs[2].apply(v, inverse=inverse), atol=1e-14)
    np.testing.assert_allclose(np.asarray(ours.apply(fnp.asarray(v[0]))), theirs.apply(v[0]), atol=1e-14)
    _same_rotation((ours * ours[::-1]).as_quat(), (theirs * theirs[::-1]).as_quat())
    _same_rotation(ours.inv().as_quat(), theirs.inv().as_quat())
    np.testing.assert_allclose(np.asarray(ours.magnitude()), theirs.magnitude(), atol=1e-14)
    weights = np.arange(1.0, 9.0)
    _same_rotation(ours.mean().as_quat(), theirs.mean().as_quat())
    _same_rotation(ours.mean(fnp.asarray(weights)).as_quat(), theirs.mean(weights).as_quat())
    assert len(ours) == 8 and ours[1:3].quat.shape == (2, 4) and not ours.single and ours[0].single
    _same_rotation(Rotation.concatenate([ours[0], ours[1:3]]).as_quat(), Q[:3] / np.linalg.norm(Q[:3], axis=1, keepdims=True))
    np.testing.assert_array_equal(np.asarray(Rotation.identity().as_matrix()), np.eye(3))
    random = Rotation.random(fx.random.key(0), 5).quat
    assert random.shape == (5, 4)
    np.testing.assert_allclose(np.linalg.norm(np.asarray(random), axis=1), 1.0, rtol=1e-6)


def test_slerp_matches_scipy():
    times = np.array([0.0, 1.0, 2.5, 3.0, 4.0, 7.0, 7.5, 9.0])
    query = np.array([0.0, 0.5, 1.0, 2.7, 3.0, 6.9, 9.0])
    ours = Slerp(fnp.asarray(times), Rotation.from_quat(fnp.asarray(Q)))
    theirs = SciSlerp(times, SciRotation.from_quat(Q))
    _same_rotation(ours(fnp.asarray(query)).as_quat(), theirs(query).as_quat())
    _same_rotation(Slerp.init(fnp.asarray(times), Rotation.from_quat(fnp.asarray(Q)))(fnp.asarray(query)).as_quat(),
                   theirs(query).as_quat())
    # outside the times, NaN (SciPy raises: compiled code cannot)
    assert np.isnan(np.asarray(ours(fnp.asarray([-1.0, 9.5])).quat)).all()


def test_jit_vmap_and_derivatives():
    q = fnp.asarray(Q)
    eager = Rotation.from_quat(q).as_euler("ZYX")
    np.testing.assert_allclose(np.asarray(fx.jit(lambda q: Rotation.from_quat(q).as_euler("ZYX"))(q)), np.asarray(eager),
                               atol=1e-14)
    np.testing.assert_allclose(np.asarray(fx.vmap(lambda q: Rotation.from_quat(q).as_euler("ZYX"))(q)),
                               np.asarray(eager), atol=1e-14)
    # rotations are pytrees: they pass through jit
    composed = fx.jit(lambda r, s: r * s)(Rotation.from_quat(q), Rotation.from_quat(q[::-1]))
    _same_rotation(composed.as_quat(), (SciRotation.from_quat(Q) * SciRotation.from_quat(Q[::-1])).as_quat())
    v = fnp.asarray([0.3, -1.0, 2.0])

    def f(rotvec):
        r = Rotation.from_rotvec(rotvec)
        return fnp.sum(r.apply(v) * fnp.asarray([1.0, 2.0, 3.0])) + fnp.sum(fnp.sin(r.as_euler("xyz")))

    x = np.array([0.4, -0.2, 0.9])
    h = 1e-6
    central = [(float(f(fnp.asarray(x + h * e))) - float(f(fnp.asarray(x - h * e)))) / (2 * h) for e in np.eye(3)]
    np.testing.assert_allclose(np.asarray(fx.grad(f)(fnp.asarray(x))), central, rtol=1e-7)
    np.testing.assert_allclose(np.asarray(fx.jit(fx.grad(f))(fnp.asarray(x))), central, rtol=1e-7)


def test_errors_name_the_fix():
    with pytest.raises(ValueError, match="(?s)'xxy'.*twice"):
        Rotation.from_euler("xxy", fnp.zeros(3))
    with pytest.raises(ValueError, match="(?s)'xY'.*'XYZ'"):
        Rotation.from_euler("xY", fnp.zeros(2))
    with pytest.raises(ValueError, match="(?s)'xy'.*3 axes"):
        Rotation.identity().as_euler("xy")
    with pytest.raises(ShapeError, match="(?s)expected 2 angles"):
        Rotation.from_euler("xy", fnp.zeros(3))
    with pytest.raises(ShapeError, match="last axis"):
        Rotation.from_quat(fnp.zeros(3))
    with pytest.raises(ShapeError, match=r"\(3, 3\)"):
        Rotation.from_matrix(fnp.eye(4))
    with pytest.raises(TypeError, match="no len"):
        len(Rotation.identity())
    with pytest.raises(ShapeError, match="N >= 2"):
        Slerp(fnp.asarray([0.0]), Rotation.identity(1))


@pytest.mark.parametrize("make, match", [
    (lambda: Rotation.from_quat(np.array([[0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 1.0]])), "zero norm"),
    (lambda: Rotation.from_matrix(np.diag([1.0, 1.0, -1.0])), "non-positive determinant"),
    (lambda: Slerp(np.array([0.0, 2.0, 1.0]), Rotation.from_quat(np.eye(4)[:3])), "strictly increasing"),
])
def test_concrete_input_scipy_refuses_is_refused_as_there(make, match):
    with pytest.raises(ValueError, match=match):
        make()
    scipy_make = {"zero norm": lambda: SciRotation.from_quat([0.0, 0.0, 0.0, 0.0]),
                  "non-positive determinant": lambda: SciRotation.from_matrix(np.diag([1.0, 1.0, -1.0])),
                  "strictly increasing": lambda: SciSlerp([0.0, 2.0, 1.0], SciRotation.from_quat(np.eye(4)[:3]))}
    with pytest.raises(ValueError):
        scipy_make[match]()
    # traced values cannot be checked: a zero quaternion under jit is NaN
    assert np.isnan(np.asarray(fx.jit(lambda q: Rotation.from_quat(q).quat)(np.zeros(4)))).all()
