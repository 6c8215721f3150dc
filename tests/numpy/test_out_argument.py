"""NumPy's `out=`: every fluxion.numpy function whose NumPy counterpart takes it (every ufunc,
and clip, dot, take, concatenate, ...) accepts `out=None` and refuses an array with a TypeError
that names the fix, since fluxion arrays are values. The list is computed from NumPy, so new
functions are covered."""
import inspect

import numpy as np
import pytest

import fluxion.numpy as fnp

from _arrays import raises


def _takes_out(reference) -> bool:
    if isinstance(reference, np.ufunc):
        return True
    try:
        return "out" in inspect.signature(reference).parameters
    except (TypeError, ValueError):
        return False


def _names_with_out() -> list[str]:
    names = []
    for namespace, reference, prefix in ((fnp, np, ""), (fnp.linalg, np.linalg, "linalg."), (fnp.fft, np.fft, "fft.")):
        for name in sorted(dir(namespace)):
            fn, ref = getattr(namespace, name), getattr(reference, name, None)
            if not name.startswith("_") and callable(fn) and not isinstance(fn, type) and _takes_out(ref):
                names.append(prefix + name)
    return names


NAMES = _names_with_out()
X = np.array([[1.0, 2.0], [3.0, 4.0]])


def _function(name: str):
    fn = fnp
    for part in name.split("."):
        fn = getattr(fn, part)
    return fn


def _required_positionals(fn) -> int:
    return sum(p.default is p.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
               for p in inspect.signature(fn).parameters.values())


def test_the_list_holds_ufuncs_and_numpy_functions_with_out():
    assert {"add", "sin", "divmod", "clip", "dot", "take", "concatenate", "trace", "cumulative_sum", "sum",
            "fft.fft", "linalg.multi_dot"} <= set(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_an_out_array_is_refused_with_the_fix(name):
    fn = _function(name)
    x = fnp.asarray(X)
    # the refusal comes first, so placeholder operands serve for every function
    with raises(TypeError, "out=", "returned array"):
        fn(*[x] * _required_positionals(fn), out=x)


A, I = np.array([[3.0, -1.0, 2.0], [0.5, 4.0, -2.0]]), np.array([2, 0])
CASES = {  # name: (fluxion call, NumPy call), out=None given as NumPy takes it (positionally where it can be)
    "add": (lambda: fnp.add(A, 1.0, out=None), lambda: np.add(A, 1.0, out=None)),
    "sin": (lambda: fnp.sin(A, out=None), lambda: np.sin(A, out=None)),
    "less": (lambda: fnp.less(A, 1.0, out=None), lambda: np.less(A, 1.0, out=None)),
    "isposinf": (lambda: fnp.isposinf(A, None), lambda: np.isposinf(A, None)),
    "clip": (lambda: fnp.clip(A, 0.0, 2.0, None), lambda: np.clip(A, 0.0, 2.0, None)),
    "take": (lambda: fnp.take(A, I, 1, None, "clip"), lambda: np.take(A, I, 1, None, "clip")),
    "choose": (lambda: fnp.choose(np.array([0, 1]), [A[0, :2], A[1, :2]], None, "wrap"),
               lambda: np.choose(np.array([0, 1]), [A[0, :2], A[1, :2]], None, "wrap")),
    "compress": (lambda: fnp.compress([True, False, True], A, 1, None),
                 lambda: np.compress([True, False, True], A, 1, None)),
    "concatenate": (lambda: fnp.concatenate([A, A], 1, None), lambda: np.concatenate([A, A], 1, None)),
    "stack": (lambda: fnp.stack([A, A], 1, None), lambda: np.stack([A, A], 1, None)),
    "outer": (lambda: fnp.outer(A[0], A[1], None), lambda: np.outer(A[0], A[1], None)),
    "trace": (lambda: fnp.trace(A, 0, 0, 1, None, None), lambda: np.trace(A, 0, 0, 1, None, None)),
    "matmul": (lambda: fnp.matmul(A, A.T, out=None), lambda: np.matmul(A, A.T, out=None)),
    "cumulative_sum": (lambda: fnp.cumulative_sum(A, axis=1, out=None), lambda: np.cumulative_sum(A, axis=1, out=None)),
    "fft.fft": (lambda: fnp.fft.fft(A, None, -1, "backward", None), lambda: np.fft.fft(A, None, -1, "backward", None)),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_out_none_gives_numpys_result(name):
    ours, numpy = CASES[name]
    np.testing.assert_allclose(np.asarray(ours()), numpy(), rtol=1e-6)


def test_out_none_with_two_results_gives_numpys_results():
    for ours, expected in zip(fnp.divmod(A, 1.5, out=None), np.divmod(A, 1.5)):
        np.testing.assert_allclose(np.asarray(ours), expected)


def test_where_is_still_refused_beside_out_none():
    with raises(NotImplementedError, "where=", "fnp.where"):
        fnp.add(A, 1.0, out=None, where=A > 0)
