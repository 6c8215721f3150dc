"""Converted control flow in threads, and in-place updates under fx.debug_nans(): each thread's
aliasing bookkeeping (links between arrays one on some paths, retired concrete arrays) is its
own and ends with its outermost transformation, checks or not; functions converted for the
first time in several threads at once are converted in each.

Oracle: the same function traced in one thread (or outside the debug_nans block). Events and
barriers force the interleavings, so each test runs them in the order it names.
"""
import importlib.util
import threading

import numpy as np
import pytest

import fluxion as fx
import fluxion.numpy as fnp
from fluxion.control.convert import source
from fluxion.core import array as core_array

from _threads import WAIT, in_thread as _in_thread


# under debug_nans -------------------------------------------------------------------------------
@pytest.mark.parametrize("checked", [False, True])
def test_an_array_aliased_under_a_traced_if_takes_eager_updates_after_the_jit_with_checks_or_not(checked):
    buf = fnp.zeros(3)

    def f(x):
        b = fnp.ones(3)
        if x > 0:
            b = buf
        return b * 2

    if checked:
        with fx.debug_nans():
            out = fx.jit(f)(1.0)
    else:
        out = fx.jit(f)(1.0)
    np.testing.assert_array_equal(out, [0.0, 0.0, 0.0])
    c = buf
    c[0] = 9.0
    np.testing.assert_array_equal(buf, [9.0, 0.0, 0.0])
    assert not core_array.linked


@pytest.mark.parametrize("checked", [False, True])
def test_a_concrete_array_given_a_traced_value_gets_its_own_back_after_the_jit_with_checks_or_not(checked):
    kept = []

    def f(x):
        out = fnp.zeros(3)
        kept.append(out)
        out[0] = x  # a traced value: the concrete array is retired while the jit traces
        return out

    if checked:
        with fx.debug_nans():
            out = fx.jit(f)(1.0)
    else:
        out = fx.jit(f)(1.0)
    np.testing.assert_array_equal(out, [1.0, 0.0, 0.0])
    np.testing.assert_array_equal(kept[0], [0.0, 0.0, 0.0])


# links of two threads ------------------------------------------------------------------------
def test_links_of_two_threads_tracing_at_once_stay_apart():
    a_linked, b_linked, a_finished = threading.Event(), threading.Event(), threading.Event()

    def fa(x):  # links first, finishes first
        a = fnp.zeros(3)
        b = fnp.ones(3)
        if x > 0:
            b = a
        a_linked.set()
        assert b_linked.wait(WAIT)
        a[0] = 5.0
        return b

    def fb(x):  # links second, updates after A's jit has finished
        assert a_linked.wait(WAIT)
        a = fnp.zeros(3)
        b = fnp.ones(3)
        if x > 0:
            b = a
        b_linked.set()
        assert a_finished.wait(WAIT)
        a[0] = 7.0
        return b

    def run_a():
        try:
            return np.asarray(fx.jit(fa)(1.0))
        finally:
            a_finished.set()

    join_a, join_b = _in_thread(run_a), _in_thread(lambda: np.asarray(fx.jit(fb)(1.0)))
    got_a, got_b = join_a(), join_b()
    np.testing.assert_array_equal(got_a, fx.jit(fa)(1.0))  # (the events are set now: each alone)
    np.testing.assert_array_equal(got_b, fx.jit(fb)(1.0))
    np.testing.assert_array_equal(got_b, [7.0, 0.0, 0.0])
    assert not core_array.linked


def test_an_eager_update_after_a_jit_is_not_caught_by_links_another_thread_still_holds():
    buf = fnp.zeros(3)
    a_linked, b_finished = threading.Event(), threading.Event()

    def fa(x):  # holds its trace, and its links, open until B is done
        a = fnp.zeros(3)
        b = fnp.ones(3)
        if x > 0:
            b = a
        a_linked.set()
        assert b_finished.wait(WAIT)
        return b

    def fb(x):
        b = fnp.ones(3)
        if x > 0:
            b = buf
        return b * 2

    def run_b():
        assert a_linked.wait(WAIT)
        try:
            out = np.asarray(fx.jit(fb)(1.0))
            c = buf
            c[0] = 9.0  # eager, after B's jit has returned
            return out, np.asarray(buf)
        finally:
            b_finished.set()

    join_a, join_b = _in_thread(lambda: np.asarray(fx.jit(fa)(1.0))), _in_thread(run_b)
    out, after = join_b()
    np.testing.assert_array_equal(out, [0.0, 0.0, 0.0])
    np.testing.assert_array_equal(after, [9.0, 0.0, 0.0])
    np.testing.assert_array_equal(join_a(), [0.0, 0.0, 0.0])
    assert not core_array.linked


# first conversions in several threads ------------------------------------------------------------
def test_two_threads_converting_the_same_grad_wrapper_at_once_both_convert_it(monkeypatch):
    def relu_sq(x):
        if x > 0:
            return x * x
        return 0.0 * x

    g = fx.grad(relu_sq)
    a_inside, b_done = threading.Event(), threading.Event()
    compile_converted = source.compile_converted

    def held(f):  # A stops while it converts relu_sq inside g's wrapper, until B has run
        if f is relu_sq and not a_inside.is_set():
            a_inside.set()
            assert b_done.wait(WAIT)
        return compile_converted(f)

    monkeypatch.setattr(source, "compile_converted", held)

    def run_b():
        assert a_inside.wait(WAIT)
        try:
            return float(fx.jit(lambda x: g(x))(fnp.float32(1.5)))
        finally:
            b_done.set()

    join_a = _in_thread(lambda: float(fx.jit(lambda x: g(x))(fnp.float32(1.5))))
    join_b = _in_thread(run_b)
    assert (join_a(), join_b()) == (3.0, 3.0)
    assert float(fx.jit(lambda x: g(x))(fnp.float32(1.5))) == 3.0  # and later, in one thread


def test_functions_of_one_file_converted_in_two_threads_at_once_parse_it_once(tmp_path, monkeypatch):
    path = tmp_path / "threads_two_functions.py"
    path.write_text("def f(x):\n    if x > 0:\n        x = x * 2\n    return x\n\n\n"
                    "def g(x):\n    if x > 0:\n        x = x * 3\n    return x\n")
    spec = importlib.util.spec_from_file_location("threads_two_functions", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    parsed, second = [], threading.Event()
    parse = source.ast.parse

    def slow_parse(text, filename="<unknown>", *args, **kwargs):  # the first of the file's waits for a second,
        if filename == str(path):  # which comes where nothing holds it back
            parsed.append(filename)
            if len(parsed) == 1:
                second.wait(0.2)
            else:
                second.set()
        return parse(text, filename, *args, **kwargs)

    monkeypatch.setattr(source.ast, "parse", slow_parse)
    barrier = threading.Barrier(2, timeout=WAIT)

    def run(f, x):
        def call():
            barrier.wait()
            return float(fx.jit(f)(fnp.float32(x)))
        return call

    joins = [_in_thread(run(module.f, 1.5)), _in_thread(run(module.g, 2.0))]
    assert [join() for join in joins] == [3.0, 6.0]
    assert parsed.count(str(path)) == 1
