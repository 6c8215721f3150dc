"""fx.jit equals eager for linear algebra, FFTs, convolutions and windowed reductions.

The primitives (dot_general, cholesky, triangular_solve, lu, qr, eigh, svd, cofactors,
cofactors_jvp, fft, conv_general_dilated, reduce_window) are swept over their parameters and
dtypes, and the functions built on them (fluxion.numpy.linalg, fluxion.numpy.fft, matmul, einsum,
tensordot and friends, convolve and correlate) are compared as users call them. Each test compiles one
program holding many calls. Results must agree as `_differential.assert_matches` says, within
a tolerance relative to the operands' scale (a factorization's rounding depends on the
algorithm); eigenvectors and singular vectors are compared up to the phase of each vector,
which a factorization does not fix (LAPACK builds differ in it).
"""
from __future__ import annotations

import itertools

import numpy as np
import pytest

import fluxion.numpy as fnp
from fluxion.core import dtypes as D
from fluxion.ops import conv as C
from fluxion.ops import fft as F
from fluxion.ops import linalg as L

from _differential import assert_matches, eager_and_jit

FLOATS = [D.float16, D.bfloat16, D.float32, D.float64, D.complex64, D.complex128]
INEXACT_WIDE = [D.float32, D.float64, D.complex64, D.complex128]
_LOW = (D.float16, D.bfloat16)


def random(shape, dt, seed=0, scale=1.0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    if dt == D.bool_:
        return rng.random(shape) < 0.5
    if dt in D.INTEGER:
        info = np.iinfo(dt)
        return rng.integers(max(int(info.min), -50), min(int(info.max), 50), shape, endpoint=True).astype(dt)
    x = rng.standard_normal(shape) * scale
    if dt in D.COMPLEX:
        x = x + 1j * rng.standard_normal(shape) * scale
    return x.astype(dt)


def _ulps(dt, exact_16bit: bool = True) -> float:
    """The tolerance, in ulps of the operands' scale, for results of several roundings."""
    return 1 if dt in _LOW and exact_16bit else 256 if dt in (D.float64, D.complex128) else 64


def _compare_tree(eager, jitted, *, ulps, floor, what):
    failures = []
    for name in eager:
        try:
            assert_matches(eager[name], jitted[name], ulps=ulps, floor=floor, zero_signs=False, what=f"{what} {name}")
        except AssertionError as e:
            failures.append(str(e))
    assert not failures, "\n".join(failures)


# dot_general ------------------------------------------------------------------------------------------
_DOT_CASES = {  # lhs shape, rhs shape, ((lhs contract, rhs contract), (lhs batch, rhs batch))
    "matmul": ((3, 4), (4, 5), (((1,), (0,)), ((), ()))),
    "batched": ((2, 3, 4), (2, 4, 5), (((2,), (1,)), ((0,), (0,)))),
    "two contractions": ((2, 3, 4), (3, 4, 5), (((1, 2), (0, 1)), ((), ()))),
    "outer": ((3,), (4,), (((), ()), ((), ()))),
    "batch in the middle": ((3, 2, 4), (4, 2), (((2,), (0,)), ((1,), (1,)))),
    "vectors": ((6,), (6,), (((0,), (0,)), ((), ()))),
    "empty contraction": ((3, 0), (0, 2), (((1,), (0,)), ((), ()))),
    "transposed operands": ((4, 3), (5, 4), (((0,), (1,)), ((), ()))),
}
_DOT_DTYPES = [D.int8, D.uint8, D.int32, D.int64, *FLOATS]
_PREFERRED = [(D.int8, D.int32), (D.int8, D.float32), (D.uint8, D.uint32), (D.int32, D.float64),
              (D.bfloat16, D.float32), (D.float16, D.float32), (D.float32, D.float64), (D.complex64, D.complex128)]


def test_dot_general_matches_eager_for_every_layout_and_dtype():
    # int8 products overflow and wrap, as they do in the kernel
    operands = {(dt, case): (random(ls, dt, 1), random(rs, dt, 2)) for dt in _DOT_DTYPES
                for case, (ls, rs, _) in _DOT_CASES.items()}
    arrays = {k: tuple(fnp.asarray(v) for v in pair) for k, pair in operands.items()}

    def f(arrays):
        out = {k: L.dot_general(a, b, _DOT_CASES[k[1]][2]) for k, (a, b) in arrays.items()}
        for dt, preferred in _PREFERRED:
            a, b = arrays[(dt, "batched")]
            out[(dt, "batched", preferred)] = L.dot_general(a, b, _DOT_CASES["batched"][2], preferred)
        return out

    eager, jitted = eager_and_jit(f, arrays)
    failures = []
    for key in eager:
        dt = key[-1] if len(key) == 3 else key[0]
        try:
            assert_matches(eager[key], jitted[key], ulps=_ulps(dt), floor=8.0, zero_signs=False, what=f"dot_general {key}")
        except AssertionError as e:
            failures.append(str(e))
    assert not failures, "\n".join(failures)


# factorizations -----------------------------------------------------------------------------------------
def _align(e: np.ndarray, j: np.ndarray, axis: int) -> tuple[np.ndarray, np.ndarray]:
    """`j` with each vector (along `axis`: -2 for columns, -1 for rows) rotated to the phase
    of the matching vector of `e`, and the phases used."""
    e64, j64 = e.astype(np.complex128), j.astype(np.complex128)
    inner = np.sum(np.conj(j64) * e64, axis=axis, keepdims=True)
    phase = np.where(np.abs(inner) > 0, inner / np.where(np.abs(inner) > 0, np.abs(inner), 1), 1)
    return j64 * phase, phase


def _assert_vectors(e, j, axis, dt, what, phase=None):
    """Vectors equal up to one phase per vector (given, or the best one)."""
    ea, ja = np.asarray(e), np.asarray(j)
    assert (j.shape, j.dtype) == (e.shape, e.dtype), what
    if phase is None:
        aligned, phase = _align(ea, ja, axis)
    else:
        aligned = ja.astype(np.complex128) * phase
    tol = 1e-2 if dt in _LOW else 1e-4 if dt in (D.float32, D.complex64) else 1e-10
    np.testing.assert_allclose(aligned, ea.astype(np.complex128), atol=tol, err_msg=what)
    return phase


def _spd(n, dt, batch=(), seed=0):
    a = random(batch + (n, n), dt, seed).astype(np.complex128 if dt in D.COMPLEX else np.float64)
    spd = a @ np.conj(np.swapaxes(a, -1, -2)) + n * np.eye(n)
    return spd.astype(dt)


def _hermitian_distinct(n, dt, seed=0):
    """A Hermitian matrix with well separated eigenvalues (its eigenvectors are unique up to phase)."""
    q, _ = np.linalg.qr(random((n, n), D.complex128 if dt in D.COMPLEX else D.float64, seed))
    return ((q * np.arange(1.0, n + 1) * 3) @ np.conj(q.T)).astype(dt)


def _triangular(n, dt, seed=0):
    return (random((n, n), dt, seed, 0.3) + 3 * np.eye(n)).astype(dt)


def _factorization_inputs(dt):
    spd_batch = _spd(3, dt, (2,))
    failing = spd_batch.copy()
    failing[1, 0, 0] = -1  # not positive definite: NaN below the diagonal
    singular = random((3, 3), dt, 7)
    singular[2] = singular[0] + singular[1]
    rank_deficient = random((2, 4, 4), dt, 9)
    rank_deficient[0, :, :2] = 0  # LU meets two zero pivots in one matrix of the stack, none in the other
    return {
        "spd": spd_batch, "not_positive_definite": failing, "lower_only": np.tril(_spd(4, dt)) + np.triu(
            np.full((4, 4), 99), 1).astype(dt),
        "tri": _triangular(4, dt), "rhs_left": random((4, 2), dt, 3), "rhs_right": random((2, 4), dt, 4),
        "square": random((2, 4, 4), dt, 5), "tall": random((5, 3), dt, 6), "wide": random((3, 5), dt, 8),
        "singular": singular, "empty": np.zeros((0, 3, 3), dt), "zero_by_zero": np.zeros((2, 0, 0), dt),
        "rank_deficient": rank_deficient, "directions": random((3, 2, 4, 4), dt, 10),
        # a Hermitian matrix in one triangle and junk in the other, which eigh must not read
        "hermitian(lower)": (np.tril(_hermitian_distinct(4, dt)) + np.triu(np.full((4, 4), 7), 1)).astype(dt),
        "hermitian(upper)": (np.triu(_hermitian_distinct(4, dt)) + np.tril(np.full((4, 4), -7), -1)).astype(dt),
    }


def _factorize(x):
    out = {"cholesky": L.cholesky(x["spd"]), "cholesky(failing)": L.cholesky(x["not_positive_definite"]),
           "cholesky(lower triangle only)": L.cholesky(x["lower_only"]),
           "cholesky(empty)": L.cholesky(x["empty"])}
    for left, lower, transpose, conjugate, unit in itertools.product((True, False), repeat=5):
        b = x["rhs_left"] if left else x["rhs_right"]
        out[f"triangular_solve{(left, lower, transpose, conjugate, unit)}"] = L.triangular_solve(
            x["tri"], b, left_side=left, lower=lower, transpose_a=transpose, conjugate_a=conjugate,
            unit_diagonal=unit)
    for name in ("square", "tall", "wide", "singular", "empty"):
        out[f"lu({name})"] = L.lu(x[name])
    for name in ("tall", "wide", "square"):
        for full in (True, False):
            out[f"qr({name}, {full})"] = L.qr(x[name], full_matrices=full)
            out[f"svd({name}, {full})"] = L.svd(x[name], full_matrices=full)
        out[f"svd({name}, values)"] = L.svd(x[name], compute_uv=False)
    out["eigh(lower)"] = L.eigh(x["hermitian(lower)"], lower=True)
    out["eigh(upper)"] = L.eigh(x["hermitian(upper)"], lower=False)
    out["eigh(empty)"], out["svd(empty)"] = L.eigh(x["zero_by_zero"]), L.svd(x["zero_by_zero"])
    for name in ("square", "rank_deficient", "zero_by_zero"):
        out[f"cofactors({name})"] = L.cofactors(x[name])
    for name in ("square", "rank_deficient"):
        out[f"cofactors_jvp({name})"] = L.cofactors_jvp(x[name], x["directions"])
    return out


@pytest.mark.parametrize("dt", FLOATS, ids=str)
def test_factorizations_match_eager(dt):
    inputs = _factorization_inputs(dt)
    eager, jitted = eager_and_jit(_factorize, {k: fnp.asarray(v) for k, v in inputs.items()})
    ulps, floor = _ulps(dt, exact_16bit=False) * 4, 10.0
    failures = []
    for name, e in eager.items():
        j = jitted[name]
        try:
            if name.startswith("eigh"):  # (v, w): w exactly sorted, v up to phases
                assert_matches(e[1], j[1], ulps=ulps, floor=floor, zero_signs=False, what=f"{name} values")
                _assert_vectors(e[0], j[0], -2, dt, f"{name} vectors")
            elif name.startswith("svd") and isinstance(e, tuple):  # (u, s, vh): u and vh share the phases
                assert_matches(e[1], j[1], ulps=ulps, floor=floor, zero_signs=False, what=f"{name} values")
                k = e[1].shape[-1]
                phase = _assert_vectors(e[0][..., :k], j[0][..., :k], -2, dt, f"{name} u")
                _assert_vectors(e[2][..., :k, :], j[2][..., :k, :], -1, dt, f"{name} vh", np.swapaxes(np.conj(phase), -1, -2))
            elif name.startswith("lu"):  # pivots and permutations exactly
                assert_matches(e[1:], j[1:], what=f"{name} pivots")
                assert_matches(e[0], j[0], ulps=ulps, floor=floor, zero_signs=False, what=f"{name} packed")
            else:
                assert_matches(e, j, ulps=ulps, floor=floor, zero_signs=False, what=name)
        except AssertionError as err:
            failures.append(str(err))
    assert not failures, "\n".join(failures)


# fft ------------------------------------------------------------------------------------------------------
_FFT_LENGTHS = [(8,), (5,), (1,), (4, 6), (3, 5), (2, 3, 4), (3, 1, 5)]


@pytest.mark.parametrize("dt", [D.complex64, D.complex128], ids=str)
def test_fft_matches_eager_for_every_type_and_rank(dt):
    real = D.real_dtype(dt)
    inputs = {}
    for lengths in _FFT_LENGTHS:
        batch = (2,)
        half = lengths[:-1] + (lengths[-1] // 2 + 1,)
        inputs[lengths] = (fnp.asarray(random(batch + lengths, dt, 1)), fnp.asarray(random(batch + lengths, real, 2)),
                           fnp.asarray(random(batch + half, dt, 3)))

    def f(inputs):
        out = {}
        for lengths, (c, r, h) in inputs.items():
            out[("fft", lengths)] = F.fft(c, "fft", lengths)
            out[("ifft", lengths)] = F.fft(c, "ifft", lengths)
            out[("rfft", lengths)] = F.fft(r, "rfft", lengths)
            out[("irfft", lengths)] = F.fft(h, "irfft", lengths)
        return out

    eager, jitted = eager_and_jit(f, inputs)
    _compare_tree(eager, jitted, ulps=_ulps(dt), floor=60.0, what="fft")


# convolution ------------------------------------------------------------------------------------------------
_CONV_CASES = {  # lhs shape, rhs shape, keyword arguments of conv_general_dilated
    "1-d valid": ((2, 3, 9), (4, 3, 3), {}),
    "1-d strided, padded": ((2, 3, 9), (4, 3, 3), dict(window_strides=(2,), padding=((2, 1),))),
    "cropping": ((1, 2, 9), (3, 2, 2), dict(padding=((-2, -1),))),
    "cropping, strided": ((1, 2, 4, 4), (1, 2, 2, 2), dict(window_strides=(2, 1), padding=((-1, 2), (0, -1)))),
    "cropping, dilated": ((1, 2, 5), (2, 2, 2), dict(window_strides=(2,), padding=((-1, 1),), lhs_dilation=(2,))),
    "2-d same": ((1, 2, 6, 5), (3, 2, 3, 2), dict(padding="SAME")),
    "lhs dilation (transposed)": ((1, 2, 5), (2, 2, 3), dict(padding=((2, 2),), lhs_dilation=(2,))),
    "rhs dilation (atrous)": ((1, 2, 9), (2, 2, 3), dict(rhs_dilation=(3,))),
    "feature groups": ((2, 4, 7), (6, 2, 3), dict(feature_group_count=2)),
    "batch groups": ((4, 2, 7), (6, 2, 3), dict(batch_group_count=2)),
    "NHWC": ((2, 5, 6, 3), (3, 2, 3, 4), dict(dimension_numbers=("NHWC", "HWIO", "NHWC"))),
    "3-d": ((1, 1, 4, 4, 4), (2, 1, 2, 2, 2), dict(window_strides=(1, 2, 1))),
    "empty batch": ((0, 3, 9), (4, 3, 3), {}),
    "window larger than input": ((1, 1, 2), (1, 1, 5), {}),
}
_CONV_DTYPES = [D.float32, D.float64, D.complex64, D.int32, D.bfloat16, D.float16]


def test_conv_general_dilated_matches_eager():
    inputs = {(case, dt): (fnp.asarray(random(ls, dt, 1)), fnp.asarray(random(rs, dt, 2)))
              for case, (ls, rs, _) in _CONV_CASES.items() for dt in _CONV_DTYPES
              if dt == D.float32 or case in ("1-d strided, padded", "2-d same", "feature groups")}
    preferred = [(D.int8, D.int32), (D.bfloat16, D.float32), (D.float16, D.float32), (D.int16, D.float32)]
    for dt, _ in preferred:
        inputs[("preferred", dt)] = (fnp.asarray(random((2, 3, 9), dt, 3)), fnp.asarray(random((4, 3, 3), dt, 4)))

    def f(inputs):
        out = {}
        for (case, dt), (lhs, rhs) in inputs.items():
            if case == "preferred":
                target = dict(preferred)[dt]
                out[(case, dt)] = C.conv_general_dilated(lhs, rhs, (2,), "SAME", preferred_element_type=target)
            else:
                out[(case, dt)] = C.conv_general_dilated(lhs, rhs, **_CONV_CASES[case][2])
        return out

    eager, jitted = eager_and_jit(f, inputs)
    failures = []
    for key in eager:
        dt = eager[key].dtype
        try:
            assert_matches(eager[key], jitted[key], ulps=_ulps(dt), floor=30.0, zero_signs=False, what=f"conv {key}")
        except AssertionError as e:
            failures.append(str(e))
    assert not failures, "\n".join(failures)


# reduce_window ---------------------------------------------------------------------------------------------
_WINDOW_CASES = {  # window, strides, padding, base dilation, window dilation
    "pool": ((2, 2), (2, 2), ((0, 0), (0, 0)), (1, 1), (1, 1)),
    "overlapping, padded": ((3, 2), (1, 1), ((1, 1), (0, 2)), (1, 1), (1, 1)),
    "base dilation": ((2, 2), (1, 1), ((0, 0), (1, 0)), (2, 1), (1, 1)),
    "window dilation": ((2, 2), (1, 2), ((0, 0), (0, 0)), (1, 1), (2, 2)),
    "negative padding": ((2, 1), (1, 1), ((-1, 0), (0, -2)), (1, 1), (1, 1)),
    "padding only": ((3, 3), (3, 3), ((2, 2), (2, 2)), (1, 1), (1, 1)),
}


@pytest.mark.parametrize("computation", C.COMPUTATIONS)
def test_reduce_window_matches_eager_with_identity_padding(computation):
    # padding and holes hold the identity (-inf, +inf, 0, the integer extremes, False/True)
    dtypes = [D.bool_, D.int8, D.uint16, D.int64, *FLOATS] if computation != "sum" else \
        [D.int8, D.uint16, D.int64, *FLOATS]
    values = {}
    for dt in dtypes:
        x = random((5, 6), dt, 1)
        if dt in D.REAL_FLOATING:
            x[0, 0], x[1, 1], x[2, 3] = np.nan, -np.inf, np.inf
        if dt in D.COMPLEX or dt == D.bool_ and computation == "sum":
            continue
        values[dt] = fnp.asarray(x)
    if computation == "sum":
        values[D.complex64] = fnp.asarray(random((5, 6), D.complex64, 1))
    values["empty"] = fnp.asarray(np.zeros((0, 4), np.float32))

    def f(values):
        out = {(k, case): C.reduce_window(x, computation, window, strides, padding, base, dilation)
               for k, x in values.items() for case, (window, strides, padding, base, dilation) in _WINDOW_CASES.items()
               if k != "empty"}
        out[("empty", "padded")] = C.reduce_window(values["empty"], computation, (1, 2), None, ((1, 1), (0, 0)))
        return out

    eager, jitted = eager_and_jit(f, values)
    _compare_tree(eager, jitted, ulps=16, floor=8.0, what=f"reduce_window {computation}")


# fluxion.numpy.linalg -------------------------------------------------------------------------------------------
def _linalg_functions(x):
    LA = fnp.linalg
    a, b, v, spd, herm, tall, batch = x["a"], x["b"], x["v"], x["spd"], x["herm"], x["tall"], x["batch"]
    out = {
        "cholesky": LA.cholesky(spd), "cholesky(upper)": LA.cholesky(spd, upper=True),
        "det": LA.det(batch), "slogdet": tuple(LA.slogdet(batch)), "inv": LA.inv(batch),
        "solve(matrix)": LA.solve(a, b), "solve(batched)": LA.solve(batch, batch), "solve(vector)": LA.solve(a, v),
        "eigvalsh": LA.eigvalsh(herm), "eigvalsh(U)": LA.eigvalsh(herm, UPLO="U"), "svdvals": LA.svdvals(tall),
        "matrix_rank": LA.matrix_rank(tall), "matrix_rank(hermitian)": LA.matrix_rank(spd, hermitian=True),
        "pinv": LA.pinv(tall), "lstsq": tuple(LA.lstsq(tall, x["rhs"])),
        "matrix_power(0)": LA.matrix_power(a, 0), "matrix_power(3)": LA.matrix_power(a, 3),
        "matrix_power(-2)": LA.matrix_power(a, -2), "multi_dot": LA.multi_dot([a, b, x["b2"], v]),
        "cross": LA.cross(x["c1"], x["c2"]), "diagonal": LA.diagonal(batch, offset=1), "trace": LA.trace(batch),
        "outer": LA.outer(v, v), "tensordot": LA.tensordot(a, b, axes=1), "vecdot": LA.vecdot(a, a),
        "matmul": LA.matmul(batch, a), "matrix_transpose": LA.matrix_transpose(batch),
        "qr(r)": LA.qr(tall, mode="r"),
    }
    for ord_ in (None, "fro", "nuc", 1, -1, 2, -2, np.inf, -np.inf):
        out[f"cond({ord_})"] = LA.cond(a, ord_)
        out[f"matrix_norm({ord_})"] = LA.matrix_norm(batch, ord="fro" if ord_ is None else ord_)
    for ord_ in (2, 1, 0, np.inf, -np.inf, 3, -1, 0.5):
        out[f"vector_norm({ord_})"] = LA.vector_norm(batch, ord=ord_, axis=(1, 2) if ord_ == 2 else -1)
        out[f"norm({ord_})"] = LA.norm(v, ord=ord_)
    out["norm(matrix)"], out["norm(keepdims)"] = LA.norm(a), LA.norm(batch, axis=(0, 2), keepdims=True)
    return out


def _linalg_inputs(dt):
    return {"a": _triangular(4, dt, 1), "b": random((4, 3), dt, 2), "b2": random((3, 4), dt, 9), "v": random((4,), dt, 3),
            "spd": _spd(4, dt), "herm": _hermitian_distinct(4, dt), "tall": random((5, 3), dt, 4),
            "batch": (random((2, 4, 4), dt, 5) + 4 * np.eye(4)).astype(dt), "rhs": random((5, 2), dt, 6),
            "c1": random((2, 3), dt, 7), "c2": random((2, 3), dt, 8)}


@pytest.mark.parametrize("dt", [D.float32, D.float64, D.complex64], ids=str)
def test_numpy_linalg_functions_match_eager(dt):
    inputs = {k: fnp.asarray(v) for k, v in _linalg_inputs(dt).items()}
    with np.errstate(all="ignore"):
        eager, jitted = eager_and_jit(_linalg_functions, inputs)
    _compare_tree(eager, jitted, ulps=_ulps(dt) * 4, floor=100.0, what=f"fnp.linalg on {dt}")


def test_numpy_linalg_decompositions_match_eager_up_to_phases():
    LA = fnp.linalg
    x = {k: fnp.asarray(v) for k, v in _linalg_inputs(D.float64).items()}
    x["herm_c"] = fnp.asarray(_hermitian_distinct(4, D.complex64))

    def f(x):
        return {"eigh": tuple(LA.eigh(x["herm"])), "eigh(complex)": tuple(LA.eigh(x["herm_c"])),
                "qr": tuple(LA.qr(x["tall"])), "qr(complete)": tuple(LA.qr(x["tall"], mode="complete")),
                "svd": tuple(LA.svd(x["tall"], full_matrices=False))}

    eager, jitted = eager_and_jit(f, x)
    for name in ("eigh", "eigh(complex)"):
        dt = eager[name][1].dtype
        assert_matches(eager[name][0], jitted[name][0], ulps=_ulps(dt), floor=20.0, zero_signs=False, what=name)
        _assert_vectors(eager[name][1], jitted[name][1], -2, dt, name)
    for name in ("qr", "qr(complete)"):
        _assert_vectors(eager[name][0], jitted[name][0], -2, D.float64, f"{name} Q")
    u, s, vh = eager["svd"]
    ju, js, jvh = jitted["svd"]
    assert_matches(s, js, ulps=256, floor=10.0, what="svd S")
    phase = _assert_vectors(u, ju, -2, D.float64, "svd U")
    _assert_vectors(vh, jvh, -1, D.float64, "svd Vh", np.swapaxes(np.conj(phase), -1, -2))


# fluxion.numpy.fft ---------------------------------------------------------------------------------------------
def test_numpy_fft_functions_match_eager():
    FFT = fnp.fft
    x = {"c": fnp.asarray(random((3, 4, 6), D.complex64, 1)), "r": fnp.asarray(random((3, 4, 7), D.float32, 2)),
         "r64": fnp.asarray(random((5, 6), D.float64, 3)), "i": fnp.asarray(random((6,), D.int32, 4))}

    def f(x):
        c, r, r64, i = x["c"], x["r"], x["r64"], x["i"]
        out = {}
        for norm in ("backward", "ortho", "forward"):
            out[("fft", norm)] = FFT.fft(c, norm=norm)
            out[("ifft(n=9)", norm)] = FFT.ifft(c, n=9, axis=1, norm=norm)
            out[("fft2", norm)], out[("ifft2", norm)] = FFT.fft2(c, norm=norm), FFT.ifft2(c, s=(3, 3), norm=norm)
            out[("ifftn", norm)] = FFT.ifftn(c, s=(2, 5), axes=(0, 2), norm=norm)
            out[("rfft", norm)] = FFT.rfft(r, norm=norm)
            out[("irfft", norm)] = FFT.irfft(c, n=7, norm=norm)
            out[("rfftn", norm)] = FFT.rfftn(r, norm=norm)
            out[("irfft2", norm)] = FFT.irfft2(c, s=(4, 10), norm=norm)
            out[("hfft", norm)] = FFT.hfft(c, norm=norm)
            out[("ihfft", norm)] = FFT.ihfft(r, norm=norm)
        out["fftn(4 axes)"] = FFT.fftn(fnp.reshape(c, (3, 2, 2, 6)))
        out["rfft(float64)"], out["irfftn(float64)"] = FFT.rfft(r64), FFT.irfftn(FFT.rfftn(r64), s=(5, 6))
        out["fft(int)"], out["rfft2(int)"] = FFT.fft(i), FFT.rfft2(fnp.reshape(i, (2, 3)))
        out["fftshift"], out["ifftshift"] = FFT.fftshift(c, axes=(0, 2)), FFT.ifftshift(r)
        out["fftfreq"], out["rfftfreq"] = FFT.fftfreq(7, d=0.5), FFT.rfftfreq(8)
        return out

    eager, jitted = eager_and_jit(f, x)
    _compare_tree(eager, jitted, ulps=64, floor=30.0, what="fnp.fft")



def test_fft_next_to_a_column_major_lapack_call_matches_eager():
    """eigh's LAPACK call asks for column-major arrays; the fft feeding it (and, in the gradient,
    fed by it) still gets the row-major ones XLA's CPU fft takes."""
    import fluxion as fx

    def f(x):
        y = fnp.abs(fnp.fft.fft(fnp.sqrt(x * x + 1)))
        y = fnp.linalg.eigh(y + y.T)[0] + 0 * y
        return fnp.sum(fnp.sin(y) * fnp.arange(y.size, dtype=y.dtype).reshape(y.shape))

    x = fnp.asarray(random((4, 4), D.float64, 5))
    g = fx.grad(f)
    np.testing.assert_allclose(np.asarray(fx.jit(g)(x)), np.asarray(g(x)), rtol=1e-10, atol=1e-10)

# products and signals -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("dt", [D.int32, D.float32, D.bfloat16, D.complex128], ids=str)
def test_products_match_eager(dt):
    x = {"v": random((4,), dt, 1), "w": random((4,), dt, 2), "m": random((3, 4), dt, 3), "n": random((4, 2), dt, 4),
         "t": random((2, 3, 4), dt, 5), "u": random((2, 4, 5), dt, 6), "s": random((), dt, 7),
         "c": random((2, 3), dt, 8), "d": random((2, 3), dt, 9), "e": random((0, 4), dt, 10)}
    x = {k: fnp.asarray(v) for k, v in x.items()}

    def f(x):
        v, w, m, n, t, u, s, c, d, e = (x[k] for k in "vwmntuscde")
        return {
            "matmul(v, v)": fnp.matmul(v, w), "matmul(m, v)": fnp.matmul(m, v), "matmul(v, n)": fnp.matmul(v, n),
            "matmul(t, u)": fnp.matmul(t, u), "matmul(t, n) broadcast": fnp.matmul(t, n), "m @ n": m @ n,
            "matmul(empty)": fnp.matmul(e, n),
            "einsum(ij,jk)": fnp.einsum("ij,jk->ik", m, n), "einsum(trace)": fnp.einsum("ii", m[:, :3]),
            "einsum(batch)": fnp.einsum("bij,bjk->bik", t, u), "einsum(outer)": fnp.einsum("i,j->ij", v, w),
            "einsum(sum)": fnp.einsum("bij->j", t), "einsum(three)": fnp.einsum("ij,jk,k->i", m, n, n[0]),
            "einsum(ellipsis)": fnp.einsum("...ij,...jk->...ik", t, u), "einsum(diag)": fnp.einsum("ii->i", t[0, :, :3]),
            "tensordot(0)": fnp.tensordot(v, w, axes=0), "tensordot(1)": fnp.tensordot(m, n, axes=1),
            "tensordot(pairs)": fnp.tensordot(t, u, axes=([0, 2], [0, 1])), "tensordot(2)": fnp.tensordot(m, m, axes=2),
            "dot(scalar)": fnp.dot(s, m), "dot(v, v)": fnp.dot(v, w), "dot(t, n)": fnp.dot(t, n),
            "inner": fnp.inner(m, m), "outer": fnp.outer(m, v), "vdot": fnp.vdot(m, m), "kron": fnp.kron(c, d),
            "cross": fnp.cross(c, d), "cross(2-d)": fnp.cross(c[:, :2], d), "vecdot": fnp.vecdot(m, m, axis=0),
            "trace": fnp.trace(t, offset=1, axis1=1, axis2=2), "diagonal": fnp.diagonal(t, -1, 0, 2),
        }

    eager, jitted = eager_and_jit(f, x)
    _compare_tree(eager, jitted, ulps=_ulps(dt), floor=50.0, what=f"products on {dt}")


@pytest.mark.parametrize("dt", [D.int64, D.float32, D.complex64], ids=str)
def test_convolve_and_correlate_match_eager(dt):
    x = {"a": fnp.asarray(random((9,), dt, 1)), "v": fnp.asarray(random((4,), dt, 2)),
         "one": fnp.asarray(random((1,), dt, 3))}

    def f(x):
        a, v, one = x["a"], x["v"], x["one"]
        out = {}
        for mode in ("full", "same", "valid"):
            out[("convolve", mode)] = fnp.convolve(a, v, mode)
            out[("convolve, short first", mode)] = fnp.convolve(v, a, mode)
            out[("correlate", mode)] = fnp.correlate(a, v, mode)
            out[("correlate, short first", mode)] = fnp.correlate(v, a, mode)
            out[("convolve, length 1", mode)] = fnp.convolve(a, one, mode)
        return out

    eager, jitted = eager_and_jit(f, x)
    _compare_tree(eager, jitted, ulps=_ulps(dt), floor=30.0, what=f"convolve/correlate on {dt}")
