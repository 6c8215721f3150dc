"""fx.debug.log (records on the "fluxion.debug" logger, eagerly, under jit and vmap, naming the
calling line) and fx.debug.breakpoint (pdb with the caller's values eagerly; an error naming
the fix under jit)."""
import inspect
import io
import logging

import numpy as np
import pytest

import fluxion as fx
import fluxion.numpy as fnp
from fluxion.errors import FluxionError


@pytest.fixture
def records():
    """The records the "fluxion.debug" logger emits at INFO during the test."""
    seen, handler = [], logging.Handler()
    handler.emit = seen.append
    fx.debug.logger.addHandler(handler)
    fx.debug.logger.setLevel(logging.INFO)
    yield seen
    fx.debug.logger.removeHandler(handler)
    fx.debug.logger.setLevel(logging.NOTSET)


def messages(records):
    return [r.getMessage() for r in records]


def test_log_formats_values_eagerly_and_names_the_calling_line(records):
    x = fnp.asarray([1.0, 2.0])
    line = inspect.currentframe().f_lineno + 1
    fx.debug.log("x = {}, n = {n}", x, n=3)
    assert messages(records) == [f"x = {np.asarray([1.0, 2.0])}, n = 3"]
    assert records[0].levelno == logging.INFO and records[0].lineno == line and records[0].pathname == __file__


def test_log_under_jit_logs_each_run_and_under_vmap_each_example(records):
    f = fx.jit(lambda x: fx.debug.log("s={}", x.sum()) or x * 2)
    for v in (1.0, 5.0):
        np.testing.assert_allclose(np.asarray(f(fnp.asarray([v, 1.0]))), [2 * v, 2.0])
    assert messages(records) == [f"s={np.float32(2.0)}", f"s={np.float32(6.0)}"]
    records.clear()
    fx.vmap(lambda x: fx.debug.log("{}", x) or x)(fnp.asarray([3, 4]))
    assert sorted(messages(records)) == ["3", "4"]


def test_log_is_silent_when_the_logger_is_not_enabled_for_info(records):
    fx.debug.logger.setLevel(logging.WARNING)
    fx.debug.log("hidden {}", fnp.asarray(1.0))
    assert records == []
    with pytest.raises(TypeError, match="format must be a string"):
        fx.debug.log(fnp.asarray(1.0))


def test_breakpoint_stops_in_pdb_with_the_callers_values():
    out = io.StringIO()

    def f(x):
        y = x * 2
        fx.debug.breakpoint(stdin=io.StringIO("p y.tolist()\nc\n"), stdout=out)
        return y + 1
    np.testing.assert_allclose(np.asarray(f(fnp.asarray([1.0, 2.0]))), [3.0, 5.0])
    assert "[2.0, 4.0]" in out.getvalue() and "return y + 1" in out.getvalue()


def test_breakpoint_under_jit_names_the_fix_and_works_with_jit_disabled():
    out = io.StringIO()

    def f(x):
        fx.debug.breakpoint(stdin=io.StringIO("p x.tolist()\nc\n"), stdout=out)
        return x + 1
    with pytest.raises(FluxionError, match="disable_jit") as e:
        fx.jit(f)(fnp.asarray([1.0]))
    assert isinstance(e.value, NotImplementedError)
    with fx.disable_jit():
        np.testing.assert_allclose(np.asarray(fx.jit(f)(fnp.asarray([1.0]))), [2.0])
    assert "[1.0]" in out.getvalue()
    token = fnp.asarray(7)
    assert fx.debug.breakpoint(token=token, stdin=io.StringIO("c\n"), stdout=io.StringIO()) is token


def test_jaxs_further_keywords_are_taken_not_passed_on(records, capsys):
    out = io.StringIO()
    fx.debug.breakpoint(num_frames=1, stdin=io.StringIO("c\n"), stdout=out)  # (pdb.Pdb would refuse num_frames)
    seen = []
    fx.jit(lambda x: fx.debug.callback(lambda *a, **k: seen.append((a, k)), x, partitioned=True))(fnp.ones(2))
    assert len(seen) == 1 and seen[0][1] == {}
    fx.jit(lambda x: fx.debug.print("{x}", x=x, partitioned=True, skip_format_check=True))(fnp.ones(2))
    assert capsys.readouterr().out == "[1. 1.]\n"
    fx.debug.log("{}", fnp.ones(1), partitioned=True)
    assert [r.getMessage() for r in records] == ["[1.]"]
