"""A minimal tracing interpreter for tests: functions run on Tracers that have no concrete value.

`traced(f, *arrays)` runs `f` on tracers wrapping the arrays; each primitive is evaluated
eagerly underneath, so the result can be compared with the eager one. A function that reads
a concrete value (`._value`, `_concrete`) fails, which is what jit will require.
"""
from fluxion.core.array import Array, Tracer, to_array
from fluxion.core.interpreters import Interpreter, push, use


class _Wrapped(Tracer):
    __slots__ = ("val",)

    def __init__(self, interp, val):
        self._interp, self.val = interp, val

    @property
    def aval(self):
        return self.val.aval


class _Tracing(Interpreter):
    def process(self, prim, args, params):
        vals = [a.val if isinstance(a, _Wrapped) and a._interp is self else a for a in args]
        with use(self.parent):
            out = prim.bind(*vals, **params)
        if prim.multiple_results:
            return tuple(_Wrapped(self, o) for o in out)
        return _Wrapped(self, out)


def _unwrap(out):
    if isinstance(out, (tuple, list)):
        return type(out)(_unwrap(o) for o in out)
    return out.val if isinstance(out, _Wrapped) else out


def traced(f, *args, **kwargs):
    """`f(*args, **kwargs)` with the Array arguments replaced by tracers."""
    interp = _Tracing()
    with push(interp):
        wrapped = [_Wrapped(interp, to_array(a)) if isinstance(a, Array) else a for a in args]
        return _unwrap(f(*wrapped, **kwargs))
