"""Threads: the blocks fx.debug_nans() / fx.debug_infs() apply to their own thread only, as jax's
do, while fx.config's switch applies to every thread, also those that ran fluxion before; each
jitted call whose host callback raised gets that exception back, whichever thread makes it.

Oracles: what the same calls do in one thread (with the checks on, or off), and jax's rules
for its own switches. Events and barriers force the interleavings, so each test runs them in
the order it names.
"""
import threading

import numpy as np
import pytest

import fluxion as fx
import fluxion.numpy as fnp
from fluxion.backends.xla import callback
from fluxion.core.checking import CHECKER
from fluxion.core.interpreters import EAGER, current

from _threads import WAIT, in_thread as _in_thread


def _nan_raises() -> bool:
    """Whether an operation that makes a NaN raises here (in the calling thread)."""
    try:
        fnp.log(fnp.asarray([-1.0]))
    except FloatingPointError:
        return True
    return False


@pytest.fixture(autouse=True)
def _switches_off():
    yield
    fx.config.update("debug_nans", False)
    fx.config.update("debug_infs", False)


def test_a_debug_nans_block_checks_only_its_own_thread():
    inside, done = threading.Event(), threading.Event()

    def block():
        with fx.debug_nans():
            inside.set()
            done.wait(WAIT)
            return _nan_raises(), fx.config.debug_nans

    join = _in_thread(block)
    assert inside.wait(WAIT)
    try:
        assert not _nan_raises() and fx.config.debug_nans is False  # this thread opened no block
    finally:
        done.set()
    assert join() == (True, True)
    assert not _nan_raises()


def test_overlapping_blocks_of_two_threads_each_restore_their_own_thread():
    a_in, b_in, a_out = threading.Event(), threading.Event(), threading.Event()

    def a():
        with fx.debug_nans():
            a_in.set()
            assert b_in.wait(WAIT)
        a_out.set()  # A's block ended while B's is open
        return _nan_raises()

    def b():
        assert a_in.wait(WAIT)
        with fx.debug_nans():
            b_in.set()
            assert a_out.wait(WAIT)
            still = _nan_raises()
        return still, _nan_raises()

    join_a, join_b = _in_thread(a), _in_thread(b)
    assert join_a() is False
    assert join_b() == (True, False)
    assert not _nan_raises() and fx.config.debug_nans is False
    assert _in_thread(_nan_raises)() is False  # a new thread does not check either


def test_a_thread_that_ran_a_transformation_during_another_threads_block_runs_unchecked_after_it():
    a_in, x_done = threading.Event(), threading.Event()

    def a():
        with fx.debug_nans():
            a_in.set()
            assert x_done.wait(WAIT)

    def x():
        assert a_in.wait(WAIT)
        during = float(fx.grad(lambda v: fnp.sin(v))(1.0)), _nan_raises()
        x_done.set()
        join_a()
        return during, _nan_raises(), current() is EAGER

    join_a = _in_thread(a)
    (grad, checked_during), checked_after, eager = _in_thread(x)()
    assert grad == pytest.approx(np.cos(1.0)) and not checked_during and not checked_after and eager


def test_a_jitted_call_in_a_checking_thread_is_checked_though_another_thread_ran_it_unchecked():
    f = fx.jit(lambda x: fnp.log(x))
    fx.grad(fnp.sin)(1.0)
    a_in, runs_done = threading.Event(), threading.Event()

    def a():
        with fx.debug_nans():
            a_in.set()
            assert runs_done.wait(WAIT)
            with pytest.raises(FloatingPointError, match="log: made NaN"):
                f(fnp.asarray([-1.0]))

    join = _in_thread(a)
    assert a_in.wait(WAIT)
    try:
        for _ in range(3):  # unchecked here: the dispatcher may run the program on its own from now on
            assert np.isnan(np.asarray(f(fnp.asarray([-1.0])))).all()
    finally:
        runs_done.set()
    join()
    assert np.isnan(np.asarray(f(fnp.asarray([-1.0])))).all()


def test_the_global_switch_reaches_threads_that_ran_fluxion_before_it_was_set():
    step, stepped = threading.Event(), threading.Event()
    jitted = fx.jit(fnp.log)

    def worker():
        fx.grad(fnp.sin)(1.0)
        jitted(fnp.asarray([1.0]))
        stepped.set()
        assert step.wait(WAIT)
        try:
            jitted(fnp.asarray([-1.0]))
            under_jit = False
        except FloatingPointError:
            under_jit = True
        return _nan_raises(), under_jit, fx.config.debug_nans

    join = _in_thread(worker)
    assert stepped.wait(WAIT)
    fx.config.update("debug_nans", True)
    step.set()
    assert join() == (True, True, True)
    fx.config.update("debug_nans", False)
    assert _in_thread(lambda: (_nan_raises(), current() is EAGER))() == (False, True)


def test_a_block_that_turns_checks_off_does_so_in_its_own_thread_only():
    fx.config.debug_nans = True
    inside, done = threading.Event(), threading.Event()

    def block():
        with fx.debug_nans(False):
            inside.set()
            assert done.wait(WAIT)
            return _nan_raises(), fx.config.debug_nans

    join = _in_thread(block)
    assert inside.wait(WAIT)
    try:
        assert _nan_raises()
    finally:
        done.set()
    assert join() == (False, False)


@pytest.mark.parametrize("on", [True, False])
def test_a_global_switch_during_a_transformation_in_another_thread_applies_there_once_it_ends(on):
    fx.config.update("debug_nans", not on)
    inside, switched = threading.Event(), threading.Event()

    def waits(v):
        inside.set()
        assert switched.wait(WAIT)
        return fnp.sin(v)

    def worker():
        fx.grad(waits)(1.0)
        return _nan_raises(), fx.config.debug_nans, current()

    join = _in_thread(worker)
    assert inside.wait(WAIT)
    fx.config.update("debug_nans", on)
    switched.set()
    assert join() == (on, on, CHECKER if on else EAGER)  # (not left on the checking interpreter either)


# host callbacks ---------------------------------------------------------------------------------
def test_each_thread_gets_the_exception_its_own_callback_raised():
    n = 4
    errors = [type(f"Error{i}", (Exception,), {}) for i in range(n)]
    barrier = threading.Barrier(n, timeout=WAIT)

    def jitted(i):
        def host(x):
            barrier.wait()  # every callback has started before any raises
            raise errors[i](f"from {i}")
        return fx.jit(lambda x: fx.pure_callback(host, fx.ShapeDtypeStruct((3,), fnp.float32), x))

    fs = [jitted(i) for i in range(n)]

    def call(i):
        def run():
            with pytest.raises(errors[i], match=f"from {i}"):
                np.asarray(fs[i](fnp.ones(3)))
        return run

    for _ in range(3):
        joins = [_in_thread(call(i)) for i in range(n)]
        for join in joins:
            join()
    assert not callback._failed  # each was taken by its call


def test_a_keyboard_interrupt_in_a_callback_under_jit_comes_back_as_itself_as_it_does_eagerly():
    def host(x):
        raise KeyboardInterrupt

    f = lambda x: fx.pure_callback(host, fx.ShapeDtypeStruct((3,), fnp.float32), x)  # noqa: E731
    for g in (f, fx.jit(f)):
        with pytest.raises(KeyboardInterrupt):
            np.asarray(g(fnp.ones(3)))


def test_errors_of_callbacks_that_no_call_takes_are_dropped_as_newer_ones_come():
    def host():
        raise ValueError("nobody asks")

    run = callback._on_host(host)
    for _ in range(callback._FAILED_KEPT + 10):
        with pytest.raises(Exception):
            run()
    assert len(callback._failed) <= callback._FAILED_KEPT
    callback._failed.clear()
